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
# reports the time from VMM start (gzvm-run --time-marker);
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
PROFILE=$(param profile '')
if [ -n "$PROFILE" ]; then
	# the profiler watches the console for the guest's BENCH-PROFILE-BEGIN
	echo "BENCH-OUTPUT-BEGIN"
	timeout 900 $VMM --backend $BACKEND --kernel /lib/gzvm/bench-profile-$PROFILE.bin \
		--entry 0x40080000 --cpus 2 --memory 512M </dev/null
	echo "BENCH-OUTPUT-END status=$?"
else
	timeout 900 $VMM --backend $BACKEND --kernel /lib/gzvm/bench-guest.bin \
		--entry 0x40080000 --cpus 2 --memory 512M </dev/null >/tmp/bench.out 2>&1
	rc=$?
	echo "BENCH-OUTPUT-BEGIN"
	cat /tmp/bench.out
	echo "BENCH-OUTPUT-END status=$rc"
fi

# VM create + run + destroy: gzvm-run with a guest that powers off at
# once, 5 batches of 4; the host's clock is virtual time (-icount).
now_ns() {
	_d=$(date +%s%N 2>/dev/null)
	case $_d in
	''|*[!0-9]*) _d=$(awk '{ printf "%.0f", $1 * 1e9 }' /proc/uptime) ;;
	esac
	echo "$_d"
}
if [ -z "$PROFILE" ] && [ -f /lib/gzvm/bench-off.bin ]; then
	ns= bad=0
	for b in 1 2 3 4 5; do
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
fi
echo "BENCH-HOST-DONE"
sync
poweroff -f
sleep 60
