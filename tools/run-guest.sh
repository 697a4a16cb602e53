#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /lib/gzvm/run-guest.sh [--no-disk] [gzvm-run options] - in the host of
# `make run`: load gzvm.ko if needed and boot the Linux guest (the host's
# own Image with a busybox shell initramfs, tools/guest-init-shell.sh) with
# gzvm-run, its console on this terminal, and /lib/gzvm/guest-disk.ext4 as
# its virtio-blk disk (mounted on /mnt in the guest; the file lives in the
# host's RAM, so what the guest writes stays until QEMU ends).
#   /lib/gzvm/run-guest.sh --cpus 4 --memory 512M
#   /lib/gzvm/run-guest.sh --backend kvm       (on a board booted with --no-hyp)
# In the guest, "poweroff" returns here; Ctrl-a Ctrl-a x (QEMU passes one
# Ctrl-a on) makes gzvm-run quit.
D=/lib/gzvm
disk="--disk $D/guest-disk.ext4"
if [ "$1" = --no-disk ]; then
	disk=
	shift
fi
[ -f $D/guest-disk.ext4 ] || disk=
if [ ! -c /dev/kvm ] && [ ! -c /dev/gzvm ]; then
	insmod $D/gzvm.ko || exit 1
	if [ ! -c /dev/gzvm ] && [ -f /sys/class/misc/gzvm/dev ]; then
		dev=$(cat /sys/class/misc/gzvm/dev)
		mknod /dev/gzvm c "${dev%:*}" "${dev#*:}"
	fi
fi
# shellcheck disable=SC2086
exec $D/gzvm-run --kernel $D/guest-Image --initrd $D/guest-shell.cpio.gz \
	--memory 256M --cmdline "console=ttyAMA0 quiet" $disk "$@"
