#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the interactive host initramfs (make run). Runs after the
# preamble of tools/mkinitramfs.sh has mounted /proc, /sys and /dev.
# Leave QEMU with Ctrl-a x.

hostname gzvm-host
echo
echo "gzvm host: $(uname -r), $(nproc) CPUs online; files in /lib/gzvm:"
ls /lib/gzvm 2>/dev/null
[ -x /lib/gzvm/run-guest.sh ] &&
	echo "/lib/gzvm/run-guest.sh [--cpus N] boots a Linux guest with gzvm-run (--help for more)"
echo "(poweroff -f to shut down; Ctrl-a x leaves QEMU)"

while :; do
	# cttyhack gives the shell a controlling terminal (job control, Ctrl-C)
	setsid cttyhack sh -l
	echo "shell exited; starting a new one (poweroff -f to stop)"
done
