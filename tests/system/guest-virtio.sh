#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the guest for the virtio check (init-test.sh, vmm_virtio): the
# guest is booted by gzvm-run with
#	--disk RO.img,ro --disk RW.img --rng --console virtio [--protected]
# loads the virtio modules from /lib/gzvm (those the kernel does not have
# built in) and reports on its console (ttyAMA0) what it saw:
#	vda: sha256, size, read-only flag, serial (GET_ID); a refused write
#	vdb: writes a line at sector 8 and vda's first 256 KiB at 512 KiB
#	     (the host checks the image after gzvm-run exited)
#	hwrng: the current source and a 4 KiB read
#	hvc0: writes a line, reads the host's line from it
# The host compares everything with its own view.
say() { echo "gzvm-virtio: $*"; }
say "/init running"
# a protected guest bounces its virtio DMA through the pool this module
# shares; in any other VM it refuses to load
if insmod /lib/gzvm/gzvm_shared_dma.ko 2>/dev/null; then
	say "shared-dma $(dmesg | grep -o 'gzvm_shared_dma: .* shared with the host')"
fi
for m in virtio_mmio virtio_blk virtio_console virtio-rng; do
	if [ -f /lib/gzvm/$m.ko ]; then
		insmod /lib/gzvm/$m.ko || say "insmod $m failed"
	fi
done
i=0
while [ ! -b /dev/vdb ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

say "vda sha256=$(sha256sum </dev/vda | cut -d' ' -f1)"
say "vda size=$(cat /sys/block/vda/size) ro=$(cat /sys/block/vda/ro)"
say "vda serial=$(cat /sys/block/vda/serial 2>/dev/null)"
if dd if=/dev/zero of=/dev/vda bs=512 count=1 2>/dev/null; then
	say "vda write=accepted"
else
	say "vda write=refused"
fi

echo gzvm-virtio-written | dd of=/dev/vdb bs=512 seek=8 conv=sync 2>/dev/null
dd if=/dev/vda of=/dev/vdb bs=4096 count=64 seek=128 2>/dev/null
sync
say "vdb writes status=$?"

say "hwrng current=$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)"
say "hwrng bytes=$(head -c 4096 /dev/hwrng 2>/dev/null | wc -c)"

if [ -c /dev/hvc0 ]; then
	exec 3<>/dev/hvc0
	stty -echo <&3	# the host's line must not come back to stdout mid-report
	echo "hvc0-says-hello" >&3
	line=
	read -t 10 line <&3
	say "hvc0 read '$line'"
	exec 3<&-
else
	say "no /dev/hvc0"
fi
say "done"
poweroff -f
sleep 30
