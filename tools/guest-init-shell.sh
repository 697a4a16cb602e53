#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the interactive guest initramfs (make run, or
# /lib/gzvm/run-guest.sh in the host): loads the virtio modules
# (/lib/gzvm/load-modules), mounts the virtio-blk disk /dev/vda on /mnt
# when there is one, and runs a busybox shell on the guest's console.
# Runs after the preamble of tools/mkinitramfs.sh.
# "poweroff" (or "poweroff -f") ends the guest: gzvm-run exits 0 and the
# host shell comes back; "reboot" ends it too (gzvm-run exits 4).
hostname gzvm-guest

# busybox poweroff/reboot without -f signal PID 1 (this script): unmount
# the disk cleanly first, so that what was written to it is on the file.
shutdown() {
	cd /
	sync
	umount /mnt 2>/dev/null
	if [ "$1" = reboot ]; then reboot -f; else poweroff -f; fi
}
# (busybox: poweroff sends SIGUSR2, halt SIGUSR1, reboot SIGTERM)
trap 'shutdown poweroff' USR1 USR2
trap 'shutdown reboot' TERM

disk="no disk"
if [ -x /lib/gzvm/load-modules ]; then
	/lib/gzvm/load-modules
	# virtio_blk probes asynchronously: give /dev/vda a moment
	i=0
	while [ ! -b /dev/vda ] && [ $i -lt 20 ] && grep -q virtio /proc/iomem; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ -b /dev/vda ]; then
		if mount -t ext4 /dev/vda /mnt; then
			disk="/dev/vda (virtio-blk, ext4) mounted on /mnt"
		else
			disk="/dev/vda is there but does not mount as ext4"
		fi
	fi
fi

echo
echo "gzvm guest: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs, $(grep MemTotal /proc/meminfo | tr -s ' ')"
echo "gzvm guest: $disk"
echo "(poweroff returns to the host; so does Ctrl-a Ctrl-a x, which ends gzvm-run)"
while :; do
	# cttyhack gives the shell a controlling terminal (job control, Ctrl-C);
	# in the background, so that the traps above run while we wait
	setsid cttyhack sh -l &
	pid=$!
	# wait returns early when a trapped signal arrives (the trap ends us)
	while kill -0 $pid 2>/dev/null; do wait $pid; done
	echo "shell exited; starting a new one (poweroff to stop)"
done
