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
#   shared-dma  insmod /lib/gzvm/gzvm_shared_dma.ko, before anything loads
#               virtio_mmio: out= its line in the kernel log (the pool it
#               shares with the host); in a VM that is not protected it
#               refuses to load (status 1)
#   measurement /chosen/gzvm,pvm-measurement of the device tree in hex
#               (a protected guest: what the hypervisor verified)
#   disk-sum    the sha256 of the first 8 MiB of /dev/vda, read in 1 MiB
#               requests (through the bounce pool, in a protected guest)
#   busabort    a load from 0x0b000000, where the board has nothing (through
#               /dev/mem): the VMM answers with an external abort, so the
#               process dies of SIGBUS (status 135) and the guest goes on
#   disk-write  rewrite a block of /dev/vda with its own content (the
#               control for disk-ro), mount it (ext4) on /mnt, write the
#               token to /mnt/gzvm-token, sync, unmount
#   disk-read   mount /dev/vda read-only, print /mnt/gzvm-token
#   disk-ro     /dev/vda is a read-only disk: a write to the device must
#               fail (out=refused) and a read-write mount must not succeed
#               (out=refused,mount-ro); out=WROTE if anything got through
#   ddbench     (make bench) read 64 MiB of /dev/vda, then write 64 MiB of
#               zeros to it, O_DIRECT in 1 MiB requests: out=read_ns=N
#               write_ns=N (the guest's clock)
#   net         (vmm_net_vsock) the NIC with MAC 02:67:7a:76:6d:01 takes
#               192.168.100.2/24; once the host (192.168.100.1 on tap0)
#               answers, 5 pings: out= their summary
#   net2        the same on the NIC with MAC ...:02, 192.168.101.2 (tap1)
#   vsock-rebind  (vmm_net_vsock) unbind the vsock driver from its virtio
#               device and bind it again (a device reset and a second
#               DRIVER_OK with new rings): out=rebound virtioN
#   vsock-server  (vmm_net_vsock) echo one vsock connection on port 1234
#               (/lib/gzvm/vsock_echo): out=vsock_echo: echoed N bytes
#   vsock-client  (vmm_net_vsock) send 1 MiB to the host's (CID 2) vsock
#               port 1235 and check the echo: out=vsock_echo: OK ...
#   chan-load   (vmm_channels) insmod /lib/gzvm/gzvm_channel.ko: out= the
#               /dev/gzvm-chan-* devices it made from the device tree
#   chan-pump   every channel but "full" at once: gzvm-chan pump of
#               gzvmguest.chan_n (100000) 64-byte messages each way, with
#               sequence numbers and checksums: out=pumped NAME... (those
#               whose pump said OK), then each pump's line "NAME: ..."
#   chan-ping-NAME / chan-echo-NAME  gzvm-chan ping (round trips, in
#               counter ticks) or echo of gzvmguest.chan_pings (2000)
#               64-byte messages on /dev/gzvm-chan-NAME
#   chan-full   gzvm-chan full on /dev/gzvm-chan-full, whose host end never
#               reads: out=gzvm-chan: full after DEPTH messages
#   chan-oversize  a 1025-byte write on /dev/gzvm-chan-ah: EMSGSIZE
#   chan-probe  insmod /lib/gzvm/gzvm_chanprobe.ko (channel ids it was not
#               given, random ids, bad sends): out= its kernel log line
#   chan-rate-NAME  a pump of gzvmguest.chan_rate_n (20000) 64-byte messages
#               each way on /dev/gzvm-chan-NAME alone: out= its line
#   vsock-ping / vsock-pump  gzvm-chan over vsock to the host (CID 2), ports
#               1240 (ping, as chan-ping) and 1241 (pump, as chan-rate)
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

# --- message channels (vmm_channels) ---
CHAN=/lib/gzvm/gzvm-chan
t_chan_load() {
	insmod /lib/gzvm/gzvm_channel.ko || return 1
	ls /dev | grep '^gzvm-chan-' | tr '\n' ' '
	echo
}
t_chan_pump() {
	_n=$(param chan_n 100000) _pids='' _st=0 _ok=''
	for _d in /dev/gzvm-chan-*; do
		[ "$_d" = /dev/gzvm-chan-full ] && continue
		$CHAN -t 900 "$_d" pump "$_n" 64 >"/tmp/pump-${_d#/dev/gzvm-chan-}" 2>&1 &
		_pids="$_pids $!"
	done
	for _p in $_pids; do wait "$_p" || _st=1; done
	for _f in /tmp/pump-*; do
		grep -q 'pump OK' "$_f" && _ok="$_ok ${_f#/tmp/pump-}"
	done
	echo "pumped$_ok"
	for _f in /tmp/pump-*; do sed "s|^|${_f#/tmp/pump-}: |" "$_f"; done
	return $_st
}
t_chan() { # t_chan COMMAND NAME: chan-ping-NAME, chan-echo-NAME
	$CHAN -t 600 "/dev/gzvm-chan-$2" "$1" "$(param chan_pings 2000)" ${3:+"$3"}
}
t_vsock_chan() { # t_vsock_chan COMMAND PORT
	case $1 in
	ping) $CHAN -t 600 "vsock:2:$2" ping "$(param chan_pings 2000)" 64 ;;
	*) $CHAN -t 900 "vsock:2:$2" pump "$(param chan_rate_n 20000)" 64 ;;
	esac
}
t_chan_probe() {
	insmod /lib/gzvm/gzvm_chanprobe.ko || return 1
	# its summary first, then what it found
	dmesg | grep 'gzvm_chanprobe:' | sed 's/^.*gzvm_chanprobe:/gzvm_chanprobe:/' >/tmp/probe
	tail -n1 /tmp/probe
	sed '$d' /tmp/probe
}
t_cmd() {
	# a status of the pipeline's last command, and its first line is the hash
	grep 7 /lib/gzvm/known.txt | tail -n 1000 | sha256sum | cut -d' ' -f1
}
t_fail() { ls /lib/gzvm/no-such-file; }
t_busabort() { sh -c 'exec devmem 0x0b000000 32'; }
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
t_shared_dma() {
	insmod /lib/gzvm/gzvm_shared_dma.ko || return 1
	dmesg | grep -o 'gzvm_shared_dma: .* shared with the host.*'
}
t_measurement() {
	od -An -tx1 -v /proc/device-tree/chosen/gzvm,pvm-measurement | tr -d ' \n'
}
t_disk_sum() {
	wait_disk || return 1
	dd if=/dev/vda bs=1M count=8 2>/dev/null | sha256sum | cut -d' ' -f1
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

# now_ns: the kernel's ns clock (/proc/timer_list: "now at N nsecs"; busybox
# date has no %N)
now_ns() {
	head -n 3 /proc/timer_list | sed -n 's/^now at \([0-9]*\) nsecs$/\1/p'
}
# ddbench (make bench): 64 MiB read, then written, with O_DIRECT in 1 MiB
# requests; out=read_ns=N write_ns=N (the whole transfer, in ns)
t_ddbench() {
	wait_disk || return 1
	_t0=$(now_ns)
	dd if=/dev/vda of=/dev/null bs=1M count=64 iflag=direct 2>/dev/null || return 1
	_t1=$(now_ns)
	dd if=/dev/zero of=/dev/vda bs=1M count=64 oflag=direct 2>/dev/null || return 1
	_t2=$(now_ns)
	[ -n "$_t0" ] && [ -n "$_t2" ] || { echo "no ns clock in /proc/timer_list"; return 1; }
	echo "read_ns=$((_t1 - _t0)) write_ns=$((_t2 - _t1))"
}

# --- net and vsock (vmm_net_vsock in init-test.sh) ---
# net_if MAC: the interface with that MAC address (what the VMM's config says)
net_if() {
	for _f in /sys/class/net/*; do
		[ "$(cat "$_f/address")" = "$1" ] && { echo "${_f##*/}"; return 0; }
	done
	return 1
}
# ping_host N: the NIC with MAC 02:67:7a:76:6d:0N (gzvm-run's default for
# its Nth --net) takes 192.168.10(N-1).2/24, waits until .1 (the host's
# side of the tap) answers, then pings it 5 times
ping_host() {
	_mac=02:67:7a:76:6d:0$1 _net=192.168.$((99 + $1))
	/lib/gzvm/load-modules || return 1
	_i=0
	until _if=$(net_if $_mac); do
		_i=$((_i + 1))
		[ $_i -lt 50 ] || { echo "no interface with MAC $_mac"; return 1; }
		sleep 0.1
	done
	ip addr add $_net.2/24 dev "$_if" && ip link set "$_if" up || return 1
	# the host may configure its side while we boot: wait until it answers
	_i=0
	until ping -c 1 -W 1 $_net.1 >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ $_i -lt 60 ] || { echo "no answer from $_net.1 on $_if for 60 s"; return 1; }
	done
	ping -c 5 $_net.1 >/tmp/ping.txt 2>&1
	_s=$?
	grep 'packets transmitted' /tmp/ping.txt
	echo "$_if, MAC $_mac"
	cat /tmp/ping.txt
	return $_s
}
t_net() { ping_host 1; }
t_net2() { ping_host 2; }
t_vsock_server() {
	/lib/gzvm/load-modules || return 1
	/lib/gzvm/vsock_echo server 1234 150 >/tmp/vsock.txt 2>&1
	_s=$?
	grep 'echoed' /tmp/vsock.txt || echo "no echo"
	cat /tmp/vsock.txt
	return $_s
}
VSOCK_DRV=/sys/bus/virtio/drivers/vmw_vsock_virtio_transport
t_vsock_rebind() {
	/lib/gzvm/load-modules || return 1
	for _d in /sys/bus/virtio/devices/*; do
		[ "$(cat "$_d/device")" = 0x0013 ] || continue
		_n=${_d##*/}
		echo "$_n" >$VSOCK_DRV/unbind || return 1
		[ ! -e "$VSOCK_DRV/$_n" ] || { echo "$_n still bound"; return 1; }
		echo "$_n" >$VSOCK_DRV/bind || return 1
		[ -e "$VSOCK_DRV/$_n" ] || { echo "$_n not bound again"; return 1; }
		echo "rebound $_n"
		return 0
	done
	echo "no virtio device with id 0x0013 (vsock)"
	return 1
}
t_vsock_client() {
	/lib/gzvm/load-modules || return 1
	/lib/gzvm/vsock_echo client 2 1235 1048576 30
}
# --- end net and vsock ---

for t in $(param test cpus | tr ',' ' '); do
	case $t in
	cpus | cmd | fail | modules | busabort | measurement) run "$t" "t_$t" ;;
	shared-dma | disk-sum | disk-write | disk-read | disk-ro | ddbench) run "$t" "t_$(echo "$t" | tr - _)" ;;
	net | net2 | vsock-rebind | vsock-server | vsock-client) run "$t" "t_$(echo "$t" | tr - _)" ;;	# net and vsock
	chan-load) run "$t" t_chan_load ;;
	chan-pump) run "$t" t_chan_pump ;;
	chan-ping-*) run "$t" t_chan ping "${t#chan-ping-}" 64 ;;
	chan-echo-*) run "$t" t_chan echo "${t#chan-echo-}" ;;
	chan-rate-*) run "$t" $CHAN -t 900 "/dev/gzvm-chan-${t#chan-rate-}" pump "$(param chan_rate_n 20000)" 64 ;;
	chan-full) run "$t" $CHAN /dev/gzvm-chan-full full ;;
	chan-oversize) run "$t" $CHAN /dev/gzvm-chan-ah oversize 1025 ;;
	chan-probe) run "$t" t_chan_probe ;;
	vsock-ping) run "$t" t_vsock_chan ping 1240 ;;
	vsock-pump) run "$t" t_vsock_chan pump 1241 ;;
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
