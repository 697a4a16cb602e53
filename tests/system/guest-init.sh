#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the guest's initramfs (a Linux guest of gzvm-run, see
# tests/system/run.sh and init-test.sh): reports that it runs, the number
# of CPUs it sees and the status of that command, then powers off.  The
# host's /init checks these lines in the VMM's output.
echo "gzvm-guest: /init running, uptime $(cut -d' ' -f1 /proc/uptime) s"
n=$(cat /proc/cpuinfo | grep -c processor)
echo "gzvm-guest: processors=$n status=$?"
echo "gzvm-guest: done"
poweroff -f
sleep 30
