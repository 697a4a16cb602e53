#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test guest's initramfs (a Linux guest of gzvm-run booted by
# the host's /init, tests/system/init-test.sh: vmm_guests). A small test
# driver controlled from the guest kernel command line:
#   gzvmguest.test=T1,T2,...   the tests to run, in order (default: cpus)
#   gzvmguest.end=poweroff|reboot   how the guest ends (default poweroff):
#                              poweroff -f (gzvm-run exits 0) or reboot -f
#                              (PSCI SYSTEM_RESET: gzvm-run exits 4)
#   gzvmguest.token=WORD       what disk-write writes
# Each test prints one line the host checks:
#   gzvm-guest: result NAME status=N out=FIRST-LINE-OF-OUTPUT
# Tests:
#   cpus        the number of processors in /proc/cpuinfo
#   cmd         a pipeline over a known file (/lib/gzvm/known.txt): the
#               sha256 of its lines containing a 7, last 1000 of them
#   fail        a command that must fail (ls of a missing file, status 1)
#   modules     /lib/gzvm/load-modules (virtio-mmio, virtio-blk, ext4, ...)
#   disk-write  rewrite a block of /dev/vda with its own content (the
#               control for disk-ro), mount it (ext4) on /mnt, write the
#               token to /mnt/gzvm-token, sync, unmount
#   disk-read   mount /dev/vda read-only, print /mnt/gzvm-token
#   disk-ro     /dev/vda is a read-only disk: a write to the device must
#               fail (out=refused) and a read-write mount must not succeed
#               (out=refused,mount-ro); out=WROTE if anything got through
# Output of the commands other than the first line goes to the console
# prefixed "gzvm-guest: | ", so that a failure can be understood.
echo "gzvm-guest: /init running, uptime $(cut -d' ' -f1 /proc/uptime) s"

param() { # param NAME DEFAULT
	for _w in $(cat /proc/cmdline); do
		case $_w in "gzvmguest.$1="*) echo "${_w#*=}"; return ;; esac
	done
	echo "$2"
}

# result NAME STATUS OUTPUT-FILE: the line the host checks
result() {
	_first=$(head -n1 "$3")
	echo "gzvm-guest: result $1 status=$2 out=$_first"
	tail -n +2 "$3" | head -n 20 | sed 's/^/gzvm-guest: | /'
}

# run NAME COMMAND...: run it, report its status and output
run() {
	_name=$1
	shift
	"$@" >/tmp/out 2>&1
	result "$_name" $? /tmp/out
}

t_cpus() { grep -c ^processor /proc/cpuinfo; }
t_cmd() {
	# a status of the pipeline's last command, and its first line is the hash
	grep 7 /lib/gzvm/known.txt | tail -n 1000 | sha256sum | cut -d' ' -f1
}
t_fail() { ls /lib/gzvm/no-such-file; }
t_modules() { /lib/gzvm/load-modules; }

# wait_disk: /dev/vda appears once virtio_mmio and virtio_blk probed it
wait_disk() {
	/lib/gzvm/load-modules || return 1
	_i=0
	while [ ! -b /dev/vda ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -b /dev/vda ] || { echo "no /dev/vda"; return 1; }
}
# rewrite_block1 [ZEROS]: write 4 KiB at offset 4 KiB of /dev/vda (inside
# the file system's first group, with what is there, or zeros), synced;
# the same dd that disk-ro expects to fail, as a control
rewrite_block1() {
	if [ "$1" = zeros ]; then
		_src=/dev/zero
	else
		dd if=/dev/vda of=/tmp/block1 bs=4096 count=1 skip=1 2>/dev/null || return 1
		_src=/tmp/block1
	fi
	dd if=$_src of=/dev/vda bs=4096 count=1 seek=1 conv=fsync 2>/dev/null
}
t_disk_write() {
	wait_disk || return 1
	rewrite_block1 || { echo "rewriting a block of /dev/vda failed"; return 1; }
	mount -t ext4 /dev/vda /mnt || return 1
	param token none >/mnt/gzvm-token &&
		sync &&
		echo "wrote $(cat /mnt/gzvm-token)"
	_s=$?
	umount /mnt || return 1
	return $_s
}
t_disk_read() {
	wait_disk || return 1
	mount -t ext4 -o ro /dev/vda /mnt || return 1
	cat /mnt/gzvm-token
	_s=$?
	umount /mnt
	return $_s
}
t_disk_ro() {
	wait_disk || return 1
	_r=refused
	# zeros: if this got through, the disk's file would change too
	rewrite_block1 zeros && _r=WROTE
	if mount -t ext4 -o rw /dev/vda /mnt 2>/dev/null; then
		if grep -q ' /mnt ext4 ro' /proc/mounts; then
			_r=$_r,mount-ro
		else
			_r=$_r,MOUNT-RW
		fi
		umount /mnt
	else
		_r=$_r,mount-refused
	fi
	echo "$_r"
}

for t in $(param test cpus | tr ',' ' '); do
	case $t in
	cpus | cmd | fail | modules) run "$t" "t_$t" ;;
	disk-write | disk-read | disk-ro) run "$t" "t_$(echo "$t" | tr - _)" ;;
	*) echo "gzvm-guest: result $t status=127 out=unknown test" ;;
	esac
done
echo "gzvm-guest: done"
if [ "$(param end poweroff)" = reboot ]; then
	reboot -f
else
	poweroff -f
fi
sleep 30
