#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the interactive guest initramfs (make run -> /lib/gzvm/run-guest.sh
# in the host): a busybox shell on the guest's PL011. Runs after the preamble
# of tools/mkinitramfs.sh. "poweroff -f" ends the guest (gzvm-run exits 0).
hostname gzvm-guest
echo
echo "gzvm guest: $(uname -r), $(grep -c processor /proc/cpuinfo) CPUs, $(grep MemTotal /proc/meminfo)"
echo "(poweroff -f ends the guest)"
while :; do
	setsid cttyhack sh -l
	echo "shell exited; starting a new one (poweroff -f to stop)"
done
