#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the host initramfs for `make bench` (tools/bench.sh).  Runs the
# bench guest (/lib/gzvm/bench-guest.bin) with gzvm-run on /dev/kvm when
# the host kernel has it (the host boots at EL2: KVM VHE, nVHE or pKVM),
# else on /dev/gzvm after loading gzvm.ko, prints the guest's output with
# its exit status between BENCH-OUTPUT-BEGIN / -END, and powers off.
#
# Host kernel parameters (dotted, ignored by the kernel): gzvmbench.linux=1
# also boots a Linux guest (/lib/gzvm/guest-Image) to its /init and
# reports the time from VMM start (gzvm-run --time-marker), then times
# virtio-blk reads and writes from that guest (guest-init.sh's ddbench);
# gzvmbench.profile=OP runs /lib/gzvm/bench-profile-OP.bin instead of the
# bench guest, its output straight to the console (tools/bench-profile.sh).

param() {
	for _w in $(cat /proc/cmdline); do
		case $_w in "gzvmbench.$1="*) echo "${_w#*=}"; return ;; esac
	done
	echo "$2"
}

echo 4 >/proc/sys/kernel/printk
echo "gzvm-bench: /init running, uptime $(cut -d' ' -f1 /proc/uptime) s"
if [ -c /dev/kvm ]; then
	BACKEND=kvm
else
	BACKEND=gzvm
	insmod /lib/gzvm/gzvm.ko || echo "BENCH-HOST-ERROR insmod gzvm.ko failed"
fi
mode=$(dmesg | grep -o -m1 -E 'kvm \[[0-9]+\]: [A-Za-z ]*mode initialized successfully' | sed 's/^kvm \[[0-9]*\]: //')
echo "BENCH-HOST backend=$BACKEND kvm-mode='$mode' cpus=$(cat /sys/devices/system/cpu/online)"

VMM=/lib/gzvm/gzvm-run
# vCPU N's thread (gzvm-run names it vcpuN) on host CPU N, so that the IPI
# goes between host CPUs and every run places the threads alike.
pin_vcpus() {
	for _try in $(seq 1 500); do
		_n=0
		for _t in /proc/$1/task/*; do
			case $(cat "$_t/comm" 2>/dev/null) in
			vcpu0) taskset -p 1 "${_t##*/}" >/dev/null 2>&1 && _n=$((_n + 1)) ;;
			vcpu1) taskset -p 2 "${_t##*/}" >/dev/null 2>&1 && _n=$((_n + 1)) ;;
			esac
		done
		if [ $_n -eq 2 ]; then
			echo "BENCH-HOST pinned vcpu0 to CPU 0 and vcpu1 to CPU 1 after $_try look(s)"
			return 0
		fi
		usleep 2000
	done
	echo "BENCH-ERROR pin the vCPU threads could not be pinned to host CPUs 0 and 1"
}

PROFILE=$(param profile '')
if [ -n "$PROFILE" ]; then
	# the profiler watches the console for the guest's BENCH-PROFILE-BEGIN
	echo "BENCH-OUTPUT-BEGIN"
	timeout 900 $VMM --backend $BACKEND --kernel /lib/gzvm/bench-profile-$PROFILE.bin \
		--entry 0x40080000 --cpus 2 --memory 512M </dev/null
	echo "BENCH-OUTPUT-END status=$?"
else
	# --rng: the virtio device of the virtio_rng round trip
	timeout 900 $VMM --backend $BACKEND --kernel /lib/gzvm/bench-guest.bin \
		--entry 0x40080000 --cpus 2 --memory 512M --rng </dev/null >/tmp/bench.out 2>&1 &
	vpid=$!
	pin_vcpus $vpid
	wait $vpid
	rc=$?
	echo "BENCH-OUTPUT-BEGIN"
	cat /tmp/bench.out
	echo "BENCH-OUTPUT-END status=$rc"
fi

# VM create + run + destroy: gzvm-run with a guest that powers off at
# once, 5 batches of 4; the host's clock is virtual time (-icount).
# Busybox date has no %N: the ns clock of /proc/timer_list's third line
# ("now at N nsecs"), else /proc/uptime (10 ms steps).
now_ns() {
	_d=$(head -n 3 /proc/timer_list 2>/dev/null | sed -n 's/^now at \([0-9]*\) nsecs$/\1/p')
	case $_d in
	''|*[!0-9]*) _d=$(awk '{ printf "%.0f", $1 * 1e9 }' /proc/uptime) ;;
	esac
	echo "$_d"
}
if [ -z "$PROFILE" ] && [ -f /lib/gzvm/bench-off.bin ]; then
	ns='' bad=0
	for _batch in 1 2 3 4 5; do
		t0=$(now_ns)
		for i in 1 2 3 4; do
			$VMM --backend $BACKEND --kernel /lib/gzvm/bench-off.bin --entry 0x40080000 \
				--memory 16M --console none </dev/null >/dev/null 2>&1 || bad=$?
		done
		t1=$(now_ns)
		ns="$ns${ns:+,}$((t1 - t0))"
	done
	if [ $bad -eq 0 ]; then
		echo "BENCH-NS vm_cycle iters=4 ns=$ns"
	else
		echo "BENCH-ERROR vm_cycle gzvm-run exited with status $bad"
	fi
fi

# Idle guest: the VMM's CPU time (every thread's, /proc/PID/task/*/schedstat,
# ns) while its one vCPU idles in WFI with a 10 ms timer; 4 batches of 2 s.
vmm_cpu_ns() {
	_s=0
	for _f in /proc/$1/task/*/schedstat; do
		read -r _run _wait _n <"$_f" 2>/dev/null && _s=$((_s + _run))
	done
	echo $_s
}
if [ -z "$PROFILE" ] && [ -f /lib/gzvm/bench-idle.bin ]; then
	$VMM --backend $BACKEND --kernel /lib/gzvm/bench-idle.bin --entry 0x40080000 \
		--memory 16M --console none </dev/null >/dev/null 2>&1 &
	vpid=$!
	sleep 1		# past the set-up
	ns='' prev=$(vmm_cpu_ns $vpid)
	for _batch in 1 2 3 4; do
		sleep 2
		cur=$(vmm_cpu_ns $vpid)
		ns="$ns${ns:+,}$((cur - prev))"
		prev=$cur
	done
	wait $vpid
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "BENCH-NS idle_10ms iters=200 ns=$ns"
	else
		echo "BENCH-ERROR idle_10ms gzvm-run exited with status $rc"
	fi
fi

if [ "$(param linux 0)" = 1 ] && [ -f /lib/gzvm/guest-Image ]; then
	for i in 1 2 3; do
		timeout 600 $VMM --backend $BACKEND --kernel /lib/gzvm/guest-Image \
			--initrd /lib/gzvm/guest-initramfs.cpio.gz --memory 256M --cpus 1 \
			--cmdline "console=ttyAMA0 quiet panic=-1" \
			--time-marker "gzvm-guest: /init running" </dev/null >/tmp/linux.out 2>&1
		rc=$?
		t=$(grep -o "on the console [0-9.]* s after the VMM started" /tmp/linux.out | grep -o '[0-9.]*')
		echo "BENCH-LINUX run=$i status=$rc init_s=${t:-none}"
	done
	# virtio-blk: the guest's dd of 64 MiB in 1 MiB O_DIRECT requests,
	# three times each way, on a disk in the host's tmpfs
	dd if=/dev/zero of=/tmp/bench-disk.img bs=1M count=64 2>/dev/null
	timeout 900 $VMM --backend $BACKEND --kernel /lib/gzvm/guest-Image \
		--initrd /lib/gzvm/guest-initramfs.cpio.gz --memory 256M --cpus 1 \
		--disk /tmp/bench-disk.img \
		--cmdline "console=ttyAMA0 quiet panic=-1 gzvmguest.test=ddbench,ddbench,ddbench" \
		</dev/null >/tmp/dd.out 2>&1
	rc=$?
	rd='' wr=''
	for _r in $(tr -d '\r' </tmp/dd.out | sed -n 's/^gzvm-guest: result ddbench status=0 out=read_ns=\([0-9]*\) write_ns=\([0-9]*\)$/\1:\2/p'); do
		rd="$rd${rd:+,}${_r%:*}"
		wr="$wr${wr:+,}${_r#*:}"
	done
	if [ -n "$rd" ]; then
		echo "BENCH-NS blk_read_1m iters=64 ns=$rd"
		echo "BENCH-NS blk_write_1m iters=64 ns=$wr"
	else
		echo "BENCH-ERROR blk_read_1m gzvm-run status $rc: $(grep -m1 'result ddbench' /tmp/dd.out)"
	fi
	rm -f /tmp/bench-disk.img
fi
echo "BENCH-HOST-DONE"
sync
poweroff -f
sleep 60
