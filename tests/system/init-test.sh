#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the host initramfs for the system tests (tests/system/run.sh).
# Runs under busybox after the preamble of tools/mkinitramfs.sh mounted
# /proc, /sys and /dev.  Prints one console line per check:
#	GZVM-TAP: ok - <name>
#	GZVM-TAP: not ok - <name> # <reason>
# then GZVM-TAP-DONE and powers off (or reboots, gzvmtest.mode=reboot).
# gzvmtest.mode=kvm (a host at EL2 without the hypervisor) only boots the
# VMM's guests on /dev/kvm.  gzvmtest.firmware=all (the main configuration's
# kvm twin, and the main configuration in the deep run) also boots U-Boot
# and EDK2 with gzvm-run --bios; gzvmtest.firmware=u-boot only U-Boot.
#
# Parameters come from the host kernel command line (dotted, so the kernel
# ignores them): gzvmtest.mode=full|reboot, gzvmtest.cpus=N (expected
# online CPUs), gzvmtest.hotplug=N (offline/online rounds per CPU),
# gzvmtest.selftests=a,b (a development run, GZVM_SELFTESTS of run.sh:
# load gzvm.ko, run only those selftests, power off; with
# gzvmtest.selftest_deep=1 their long counts).

ok() { echo "GZVM-TAP: ok - $1"; }
nok() { echo "GZVM-TAP: not ok - $1 # $2"; }
check() { # check NAME REASON-IF-FAILED COMMAND...
	_n=$1 _r=$2
	shift 2
	if "$@"; then ok "$_n"; else nok "$_n" "$_r"; fi
}
param() {
	for _w in $(cat /proc/cmdline); do
		case $_w in "gzvmtest.$1="*) echo "${_w#*=}"; return ;; esac
	done
	echo "$2"
}
finish() {
	echo "GZVM-TAP-DONE"
	sync
	if [ "$1" = reboot ]; then reboot -f; else poweroff -f; fi
	sleep 60
}

MODE=$(param mode full)
FIRMWARE=$(param firmware none)	# vmm firmware: none, u-boot or all
CPUS=$(param cpus 0)
ROUNDS=$(param hotplug 20)

echo "gzvm-test: /init running, uptime $(cut -d' ' -f1 /proc/uptime) s"
ok "userspace reached"
# Keep kernel info messages (CPU hotplug, module output) off the console so
# they cannot interleave with the result lines; they stay in dmesg.
echo 4 >/proc/sys/kernel/printk

if [ "$MODE" = reboot ]; then
	finish reboot
fi

# dev_load_gzvm: gzvm.ko and /dev/gzvm for the development runs below
dev_load_gzvm() {
	insmod /lib/gzvm/gzvm.ko
	check "gzvm.ko loads" "insmod exit status $?" [ -c /dev/gzvm -o -f /sys/class/misc/gzvm/dev ]
	[ -c /dev/gzvm ] || { dev=$(cat /sys/class/misc/gzvm/dev) &&
		mknod /dev/gzvm c "${dev%:*}" "${dev#*:}"; }
}

# gzvmtest.env=GZVM_SELFTEST_<NAME>=V (run.sh forwards its own): the seed of
# the random selftests (to replay one a log printed) and their counts
for _w in $(cat /proc/cmdline); do
	case $_w in gzvmtest.env=GZVM_SELFTEST_*=*) export "${_w#gzvmtest.env=}" ;; esac
done

# gzvmtest.selftests=a,b: only those selftests (tests/selftests), for development
SELFTESTS=$(param selftests "")
if [ -n "$SELFTESTS" ]; then
	dev_load_gzvm
	# gzvmtest.selftest_deep=1: their long counts (GZVM_SELFTEST_DEEP)
	deep=$(param selftest_deep 0)
	# shellcheck disable=SC2046 # one word per selftest
	GZVM_SELFTEST_DEEP=$deep /lib/gzvm/gzvm_selftest $(echo "$SELFTESTS" | tr ',' ' ')
	rc=$?
	check "gzvm_selftest $SELFTESTS finished with no failure" "exit status $rc" [ $rc -eq 0 ]
	bad=$(dmesg | grep -E 'Internal error|Oops|BUG:|Unable to handle|WARNING:|Call trace:' | head -n3)
	check "no oops, BUG or WARNING in the host kernel log" "$(echo $bad)" [ -z "$bad" ]
	finish poweroff
fi

# --- vmm (gzvm-run): Linux guests with 1 and 4 vCPUs ---
# The guest: this kernel's Image as /lib/gzvm/guest-Image, a busybox
# initramfs whose /init (tests/system/guest-init.sh) runs the tests named
# on its command line (gzvmguest.test=...) and prints one
# "gzvm-guest: result NAME status=N out=..." line per test.

# vmm_boot NAME BACKEND CPUS TESTS END [gzvm-run options]: boot a guest
# that runs TESTS (a list for gzvmguest.test, which may be followed by
# more words for the guest's command line) and ends with END
# (poweroff|reboot); its console goes to $VMM_OUT, gzvm-run's status to
# $VMM_RC.
vmm_boot() {
	_vn=$1 _vb=$2 _vc=$3 _vt=$4 _ve=$5
	shift 5
	VMM_OUT=/tmp/vmm-guest-$_vb-$_vn.log
	echo "gzvm-test: vmm: $_vb: guest '$_vn', $_vc vCPU(s), tests $_vt, then $_ve"
	timeout 180 /lib/gzvm/gzvm-run --backend $_vb --kernel /lib/gzvm/guest-Image \
		--initrd /lib/gzvm/guest-initramfs.cpio.gz --memory 256M --cpus $_vc \
		--cmdline "console=ttyAMA0 quiet panic=-1 gzvmguest.test=$_vt gzvmguest.end=$_ve" \
		--time-marker "gzvm-guest: /init running" "$@" </dev/null >$VMM_OUT 2>&1
	VMM_RC=$?
	tr -d '\r' <$VMM_OUT | sed 's/^/vmm-guest: /'
	check "vmm: $_vb: guest '$_vn' ($_vc vCPU(s)) ran its /init to the end" \
		"no 'gzvm-guest: done' (gzvm-run status $VMM_RC)" grep -q 'gzvm-guest: done' $VMM_OUT
}
# --- vmm firmware (gzvm-run --bios): Debian's U-Boot and EDK2 ---
# vmm_firmware BACKEND: boot each firmware in gzvm-run, wait for its prompt,
# type commands into the PL011 (stdin, a fifo) and check their output, then
# power off through the firmware (PSCI SYSTEM_OFF: gzvm-run exits 0).
fw_wait() { # fw_wait FILE STRING SECONDS: until FILE holds STRING
	_fw_i=0	# not _n: check() keeps its name there
	while [ $_fw_i -lt $3 ]; do
		grep -qF "$2" "$1" 2>/dev/null && return 0
		sleep 1
		_fw_i=$((_fw_i + 1))
		# a sign of life for the harness's watchdog on a silent console
		[ $((_fw_i % 30)) -eq 0 ] && echo "gzvm-test: vmm: waiting for '$2' ($_fw_i s)"
	done
	return 1
}
fw_start() { # fw_start BACKEND NAME "FIRMWARE [OPTIONS]": gzvm-run in the background, stdin on fd 3
	fw_out=/tmp/vmm-fw-$2-$1.log
	rm -f /tmp/vmm-fw.in "$fw_out"
	mkfifo /tmp/vmm-fw.in
	fw_t0=$(cut -d' ' -f1 /proc/uptime)
	timeout 600 /lib/gzvm/gzvm-run --backend $1 --bios $3 --memory 256M \
		</tmp/vmm-fw.in >"$fw_out" 2>&1 &
	fw_pid=$!
	exec 3>/tmp/vmm-fw.in
}
fw_finish() { # fw_finish BACKEND NAME: wait for gzvm-run, check its status
	exec 3>&-
	wait $fw_pid
	_rc=$?
	rm -f /tmp/vmm-fw.in
	tr -d '\033' <"$fw_out" | sed 's/^/vmm-fw: /'
	check "vmm: $1: gzvm-run exits 0 after $2 powers off" "status $_rc" [ $_rc -eq 0 ]
	echo "gzvm-test: vmm-time: $1 backend, $2: gzvm-run ended $(fw_secs) s after it started"
}
fw_secs() { # seconds since fw_start
	echo "$(cut -d' ' -f1 /proc/uptime) $fw_t0" | awk '{ printf "%.1f", $1 - $2 }'
}
vmm_firmware() {
	_disk=/lib/gzvm/uboot-disk.img
	if [ ! -f /lib/gzvm/u-boot.bin ] || [ ! -f /lib/gzvm/QEMU_EFI.fd ] || [ ! -f $_disk ]; then
		nok "vmm: $1: firmware files in the initramfs" \
			"no u-boot.bin, QEMU_EFI.fd or uboot-disk.img in /lib/gzvm"
		return
	fi
	/lib/gzvm/gzvm-run --backend $1 --bios /lib/gzvm/u-boot.bin --kernel /lib/gzvm/guest-Image \
		>/tmp/vmm-fw-err.txt 2>&1
	_rc=$?
	check "vmm: $1: --bios with --kernel is refused with status 2 and a message" \
		"status $_rc, '$(head -n1 /tmp/vmm-fw-err.txt)'" \
		[ $_rc -eq 2 -a -n "$(grep 'no --kernel' /tmp/vmm-fw-err.txt)" ]
	/lib/gzvm/gzvm-run --backend $1 --bios /lib/gzvm/u-boot.bin --bios-vars /lib/gzvm/u-boot.bin \
		</dev/null >/tmp/vmm-fw-err.txt 2>&1
	_rc=$?
	check "vmm: $1: a --bios-vars file that is not 64 MiB is refused with status 1" \
		"status $_rc, '$(head -n1 /tmp/vmm-fw-err.txt)'" \
		[ $_rc -eq 1 -a -n "$(grep 'exactly 64 MiB' /tmp/vmm-fw-err.txt)" ]
	# U-Boot: stop autoboot, run commands, then "boot": its distro boot finds
	# extlinux.conf on the virtio-blk disk and starts Linux, which powers off.
	echo "gzvm-test: vmm: U-Boot (u-boot-qemu) with --bios and a virtio-blk boot disk on $1"
	cp $_disk /tmp/uboot-disk.img	# writable, as a real disk
	fw_start $1 u-boot "/lib/gzvm/u-boot.bin --disk /tmp/uboot-disk.img"
	fw_wait "$fw_out" 'Hit any key to stop autoboot' 400 && printf ' ' >&3
	check "vmm: $1: U-Boot reaches its prompt" "no '=> ' (see vmm-fw lines)" \
		fw_wait "$fw_out" '=> ' 60
	echo "gzvm-test: vmm-time: $1 backend, U-Boot: prompt $(fw_secs) s after the VMM started"
	printf 'fdt addr $fdtcontroladdr; fdt print /psci\r' >&3
	printf 'setexpr gz 0x1234 + 0x1111; echo gz=$gz; bdinfo\r' >&3
	fw_wait "$fw_out" 'Early malloc usage' 30
	check "vmm: $1: U-Boot's fdt print /psci shows method hvc" "not in its output" \
		grep -q 'method = "hvc"' "$fw_out"
	check "vmm: $1: U-Boot computes a command (setexpr: gz=2345)" "no gz=2345" \
		grep -q '^gz=2345' "$fw_out"
	check "vmm: $1: U-Boot's bdinfo: 256 MiB of DRAM at 0x40000000" "not in bdinfo" \
		grep -q 'size     = 0x0*10000000' "$fw_out"
	check "vmm: $1: U-Boot finds the CFI flash (32 MiB, as under QEMU)" "no 'Flash: 32 MiB'" \
		grep -q 'Flash: 32 MiB' "$fw_out"
	printf 'boot\r' >&3
	check "vmm: $1: U-Boot loads the Image from virtio-blk (extlinux.conf)" \
		"no 'Retrieving file: /boot/Image'" fw_wait "$fw_out" 'Retrieving file: /boot/Image' 120
	check "vmm: $1: the Linux guest U-Boot started reaches its /init" \
		"no 'gzvm-guest: /init running'" fw_wait "$fw_out" 'gzvm-guest: /init running' 120
	echo "gzvm-test: vmm-time: $1 backend, U-Boot + Linux from disk: guest /init $(fw_secs) s after the VMM started"
	# its result follows /init's first line by a command's run
	fw_wait "$fw_out" 'gzvm-guest: result cpus ' 60
	got=$(tr -d '\r' <"$fw_out" | grep -ao 'gzvm-guest: result cpus .*')
	check "vmm: $1: the guest U-Boot started runs a command (1 processor)" "got '$got'" \
		[ "$got" = "gzvm-guest: result cpus status=0 out=1" ]
	fw_finish $1 "the guest U-Boot started"
	rm -f /tmp/uboot-disk.img
	if [ "$FIRMWARE" != all ]; then
		echo "gzvm-test: vmm: EDK2 on $1 is in the deep run only (GZVM_SYSTEM_DEEP=1)"
		return
	fi

	# EDK2 on an erased 64 MiB variable store: it formats it (sector erases,
	# buffered writes), and --bios-vars must have written that to the file
	echo "gzvm-test: vmm: EDK2 (qemu-efi-aarch64) with --bios and --bios-vars on $1"
	dd if=/dev/zero bs=1M count=64 2>/dev/null | tr '\000' '\377' >/tmp/edk2-vars.fd
	fw_start $1 edk2 "/lib/gzvm/QEMU_EFI.fd --bios-vars /tmp/edk2-vars.fd"
	check "vmm: $1: EDK2 reaches the UEFI shell" "no 'Shell>' (see vmm-fw lines)" \
		fw_wait "$fw_out" 'Shell>' 400
	echo "gzvm-test: vmm-time: $1 backend, EDK2: UEFI shell $(fw_secs) s after the VMM started"
	printf 'set gz 1234\r' >&3
	sleep 2
	printf 'echo gz=%%gz%%\r' >&3
	check "vmm: $1: the UEFI shell runs a command (echo gz=1234)" "no gz=1234" \
		fw_wait "$fw_out" 'gz=1234' 30
	printf 'reset -s\r' >&3
	fw_finish $1 EDK2
	_sig=$(dd if=/tmp/edk2-vars.fd bs=1 skip=40 count=4 2>/dev/null)
	check "vmm: $1: EDK2 formatted its variable store in the --bios-vars file (_FVH)" \
		"got '$_sig' at offset 40" [ "$_sig" = _FVH ]
	rm -f /tmp/edk2-vars.fd
}
# --- end vmm firmware ---

# guest_result TEST: "status=N out=..." of TEST in the last guest's output
guest_result() {
	tr -d '\r' <$VMM_OUT | grep -m1 "^gzvm-guest: result $1 " | sed "s/^gzvm-guest: result $1 //"
}

# check_result BACKEND TEST EXPECTED WHAT: one check of a guest's result
check_result() {
	_got=$(guest_result "$2")
	check "vmm: $1: guest '$_vn': $4" "expected '$3', got '$_got'" [ "$_got" = "$3" ]
}

vmm_time() { # vmm_time BACKEND CPUS: the time to the guest's /init
	_t=$(grep -o "on the console [0-9.]* s after the VMM started" $VMM_OUT | grep -o '[0-9.]* s')
	echo "gzvm-test: vmm-time: $1 backend, $2 vCPU(s): guest /init ${_t:-?} after the VMM started"
}

# vmm_guests BACKEND: commands, exit statuses, poweroff and reboot
vmm_guests() {
	sha=$(cat /lib/gzvm/guest-known.sha256 2>/dev/null)
	for n in 1 4; do
		vmm_boot "cmd-$n" $1 $n shared-dma,cpus,cmd,fail,modules,busabort poweroff
		_got=$(guest_result shared-dma)
		check "vmm: $1: guest 'cmd-$n': gzvm_shared_dma refuses to load in a VM that is not protected" \
			"got '$_got'" [ "${_got%% *}" = status=1 ]
		check_result $1 cpus "status=0 out=$n" "counts $n processors"
		check_result $1 cmd "status=0 out=$sha" \
			"a pipeline over a known file gives the digest computed on the build machine"
		_got=$(guest_result fail)
		check "vmm: $1: guest 'cmd-$n': a failing command reports status 1" \
			"got '$_got'" [ "${_got%% *}" = status=1 ]
		check_result $1 modules "status=0 out=" \
			"loads its virtio, vsock and ext4 modules (/lib/gzvm/load-modules)"
		_got=$(guest_result busabort)
		check "vmm: $1: guest 'cmd-$n': a load where the board has nothing kills the process with SIGBUS (135)" \
			"got '$_got'" [ "${_got%% *}" = status=135 ]
		check "vmm: $1: gzvm-run exits 0 after the $n-vCPU guest's poweroff -f" \
			"status $VMM_RC" [ $VMM_RC -eq 0 ]
		vmm_time $1 $n
	done
	vmm_boot reboot $1 2 cpus reboot
	# panic=-1 would end in a reset (4) as well: the guest must have got
	# to its reboot, and not panicked
	panic=$(grep -m1 'Kernel panic' $VMM_OUT)
	check "vmm: $1: gzvm-run exits 4 after the guest's reboot -f (PSCI SYSTEM_RESET)" \
		"status $VMM_RC${panic:+, $panic}" [ $VMM_RC -eq 4 -a -z "$panic" ]
}

# vmm_protected: a protected Linux guest (gzvm-run --protected) booted from
# the Debian kernel signed at build time (tests/system/run.sh: the footer in
# guest-Image.gzvmsig, the key given to the hypervisor as pvm_key=); the
# same kernel with one byte changed never runs.
vmm_protected() {
	_sig=/lib/gzvm/guest-Image.gzvmsig _img=/tmp/guest-Image.signed
	if [ ! -f $_sig ]; then
		nok "vmm: gzvm: a protected guest boots from the signed kernel" "$_sig not in the initramfs"
		return
	fi
	sha=$(cat /lib/gzvm/guest-known.sha256 2>/dev/null)
	cat /lib/gzvm/guest-Image $_sig >$_img
	# its virtio-blk disk: read, written and read back through the pages it shares
	_pdisk=/tmp/guest-disk-protected.ext4
	cp /lib/gzvm/guest-disk.ext4 $_pdisk
	_dsum=$(dd if=$_pdisk bs=1M count=8 2>/dev/null | sha256sum | cut -d' ' -f1)
	token=gzvm-pvm-$(hexdump -n 8 -e '2/4 "%08x"' /dev/urandom)
	vmm_boot protected gzvm 2 \
		"shared-dma,cpus,cmd,measurement,disk-sum,disk-write,disk-read,fail,busabort gzvmguest.token=$token" \
		poweroff --protected --kernel $_img --disk $_pdisk
	_got=$(guest_result shared-dma)
	check "vmm: gzvm: guest 'protected': gzvm_shared_dma shares its 4 MiB bounce pool with the host" \
		"got '$_got'" sh -c "echo '$_got' | grep -q '^status=0 out=gzvm_shared_dma: 4096 KiB shared with the host'"
	check_result gzvm cpus "status=0 out=2" "counts 2 processors"
	check_result gzvm cmd "status=0 out=$sha" \
		"a pipeline over a known file gives the digest computed on the build machine"
	check_result gzvm measurement "status=0 out=$(sha256sum /lib/gzvm/guest-Image | cut -d' ' -f1)" \
		"its device tree holds the hypervisor's measurement: the SHA-256 of the kernel it verified"
	check_result gzvm disk-sum "status=0 out=$_dsum" \
		"reads 8 MiB of its virtio-blk disk, bounced, with the digest the host computed"
	check_result gzvm disk-write "status=0 out=wrote $token" \
		"mounts its virtio-blk disk and writes a file"
	check_result gzvm disk-read "status=0 out=$token" "reads the file back after a remount"
	check "vmm: gzvm: the protected guest's file reached the disk image on the host" \
		"no '$token' in $_pdisk" grep -q "$token" $_pdisk
	_got=$(guest_result busabort)
	check "vmm: gzvm: guest 'protected': a load where the board has nothing kills the process with SIGBUS (135)" \
		"got '$_got'" [ "${_got%% *}" = status=135 ]
	check "vmm: gzvm: gzvm-run --protected exits 0 after the guest's poweroff -f, its kernel checked" \
		"status $VMM_RC; $(grep -m1 'protected VM' $VMM_OUT)" \
		sh -c "[ $VMM_RC -eq 0 ] && grep -q 'checks the signed kernel' $VMM_OUT"
	vmm_time gzvm "2 (protected)"
	# without the bounce pool its rings are in memory the host cannot read:
	# the VMM stops with a message when the device first touches one
	timeout 120 /lib/gzvm/gzvm-run --protected --kernel $_img --disk $_pdisk \
		--initrd /lib/gzvm/guest-initramfs.cpio.gz --memory 256M \
		--cmdline "console=ttyAMA0 quiet panic=-1 gzvmguest.test=disk-read" \
		</dev/null >/tmp/vmm-unshared.log 2>&1
	_rc=$?
	tr -d '\r' </tmp/vmm-unshared.log | sed 's/^/vmm-guest: /'
	check "vmm: gzvm: a protected guest's virtio ring outside shared memory stops the VMM (status 1), never read" \
		"status $_rc" sh -c "[ $_rc -eq 1 ] && grep -q 'that the protected guest does not share' /tmp/vmm-unshared.log"
	rm -f $_pdisk
	# one byte of the kernel changed after signing
	printf 'X' | dd of=$_img bs=1 seek=70000 conv=notrunc 2>/dev/null
	timeout 120 /lib/gzvm/gzvm-run --protected --kernel $_img \
		--initrd /lib/gzvm/guest-initramfs.cpio.gz --memory 256M \
		--cmdline "console=ttyAMA0 panic=-1" </dev/null >/tmp/vmm-tampered.log 2>&1
	_rc=$?
	tr -d '\r' </tmp/vmm-tampered.log | sed 's/^/vmm-guest: /'
	check "vmm: gzvm: a protected guest whose kernel was changed after signing never runs (status 1, payload refused)" \
		"status $_rc" sh -c "[ $_rc -eq 1 ] && grep -q 'refused the protected' /tmp/vmm-tampered.log && ! grep -q 'Booting Linux' /tmp/vmm-tampered.log"
	rm -f $_img
}
# --- end vmm ---

# --- host modules (tools/mkinitramfs.sh --modules): tun, vhost_vsock ---
host_modules() {
	out=$(/lib/gzvm/load-modules 2>&1)
	rc=$?
	check "host: /lib/gzvm/load-modules loads $(tr '\n' ' ' </lib/gzvm/modules/order 2>/dev/null)" \
		"status $rc: $(echo $out)" [ $rc -eq 0 ]
	check "host: /dev/net/tun and /dev/vhost-vsock exist after loading tun and vhost_vsock" \
		"$(ls /dev/net/tun /dev/vhost-vsock 2>&1 | tr '\n' ' ')" \
		[ -c /dev/net/tun -a -c /dev/vhost-vsock ]
}
# --- end host modules ---

# --- vmm disk (gzvm-run --disk): virtio-blk persistence and read-only ---
# vmm_disk BACKEND: a guest writes a token on a copy of the ext4 disk and
# powers off; a second guest reads it back from the same file; a third
# gets it read-only (--disk FILE,ro) and must not change a single byte.
vmm_disk() {
	disk=/tmp/guest-disk-$1.ext4
	if ! cp /lib/gzvm/guest-disk.ext4 $disk; then
		nok "vmm: $1: disk: a copy of /lib/gzvm/guest-disk.ext4" "cp failed"
		return
	fi
	token=gzvm-$(hexdump -n 8 -e '2/4 "%08x"' /dev/urandom)
	vmm_boot disk-write $1 1 "disk-write gzvmguest.token=$token" poweroff --disk $disk
	check_result $1 disk-write "status=0 out=wrote $token" \
		"mounts the virtio-blk disk and writes a file"
	check "vmm: $1: gzvm-run exits 0 after the disk-write guest" "status $VMM_RC" [ $VMM_RC -eq 0 ]
	vmm_boot disk-read $1 1 disk-read poweroff --disk $disk
	check_result $1 disk-read "status=0 out=$token" \
		"a second VMM run reads back what the first wrote"
	before=$(sha256sum $disk | cut -d' ' -f1)
	vmm_boot disk-ro $1 1 disk-ro poweroff --disk $disk,ro
	_got=$(guest_result disk-ro)
	case $_got in
	"status=0 out=refused,mount-ro" | "status=0 out=refused,mount-refused") _ok=1 ;;
	*) _ok=0 ;;
	esac
	check "vmm: $1: guest 'disk-ro': a read-only disk refuses writes to the device and a read-write mount" \
		"got '$_got'" [ $_ok = 1 ]
	after=$(sha256sum $disk | cut -d' ' -f1)
	check "vmm: $1: the read-only disk's file is unchanged after the guest" \
		"sha256 $before before, $after after" [ "$before" = "$after" ]
	rm -f $disk
}
# --- end vmm disk ---

# --- vmm virtio: virtio-blk, virtio-console, virtio-rng in a real guest ---
# vmm_virtio BACKEND: boot tests/system/guest-virtio.sh with a read-only
# disk of a known pattern, a zeroed read-write disk, --rng and
# --console virtio fed one line on stdin; compare what the guest reports
# with the host's own view, and the read-write image after gzvm-run exited.
# vmm_virtio BACKEND protected: the same guest, signed and protected, its
# virtio DMA bounced through the pages gzvm_shared_dma shares.
vmm_virtio() {
	_vi=/lib/gzvm/guest-virtio-initramfs.cpio.gz _vk=/lib/gzvm/guest-Image _vp=
	if [ ! -f $_vi ]; then
		nok "vmm: $1: virtio guest initramfs in /lib/gzvm" "no $_vi"
		return
	fi
	if [ "$2" = protected ]; then
		if [ ! -f /lib/gzvm/guest-Image.gzvmsig ]; then
			nok "vmm: $1: the protected virtio guest boots" "no guest-Image.gzvmsig in the initramfs"
			return
		fi
		_vk=/tmp/guest-Image.virtio-signed _vp=--protected
		cat /lib/gzvm/guest-Image /lib/gzvm/guest-Image.gzvmsig >$_vk
		set -- "$1 (protected)" "$1"
	else
		set -- "$1" "$1"
	fi
	_ro=/tmp/virtio-ro.img _rw=/tmp/virtio-rw.img _out=/tmp/vmm-virtio-$2.log
	yes gzvm-virtio-pattern | head -c 1048576 >$_ro
	dd if=/dev/zero of=$_rw bs=1024 count=2048 2>/dev/null
	_want=$(sha256sum <$_ro | cut -d' ' -f1)
	echo "gzvm-test: vmm: booting the virtio guest on $1"
	# stdin: a FIFO that gets its line once the guest wrote on hvc0, i.e.
	# after virtio_console's probe (the driver drops input for a port it
	# has not registered yet), as a user types after seeing a prompt
	rm -f /tmp/virtio-in $_out
	mkfifo /tmp/virtio-in
	(
		_i=0
		while ! grep -q hvc0-says-hello $_out 2>/dev/null && [ $_i -lt 1200 ]; do
			sleep 0.2
			_i=$((_i + 1))
		done
		echo host-says-ping
	) >/tmp/virtio-in &
	# live on the console, with the guest's kernel messages: run.sh ends a
	# boot whose console is silent for 120 s, so a guest that hangs must be
	# ended (and reported, with where it stopped) before that
	{
		timeout 100 /lib/gzvm/gzvm-run --backend $2 $_vp \
			--kernel $_vk --initrd $_vi --memory 256M --cpus 2 \
			--cmdline "console=ttyAMA0 panic=-1" --console virtio \
			--disk $_ro,ro --disk $_rw --rng -v </tmp/virtio-in 2>&1
		echo "gzvm-run-status=$?"
	} | tee $_out | sed 's/^/vmm-virtio: /'
	kill $! 2>/dev/null
	rm -f /tmp/virtio-in
	_rc=$(grep -o 'gzvm-run-status=[0-9]*' $_out | cut -d= -f2)
	check "vmm: $1: virtio guest powered off, gzvm-run exits 0" "status $_rc" [ "$_rc" = 0 ]
	_got=$(grep -o 'gzvm-virtio: vda sha256=[0-9a-f]*' $_out)
	check "vmm: $1: virtio-blk: the guest reads the read-only disk (sha256)" \
		"got '$_got', want $_want" [ "$_got" = "gzvm-virtio: vda sha256=$_want" ]
	_got=$(grep -o 'gzvm-virtio: vda size=[0-9]* ro=[0-9]*' $_out)
	check "vmm: $1: virtio-blk: capacity 2048 sectors, read-only flag" "got '$_got'" \
		[ "$_got" = "gzvm-virtio: vda size=2048 ro=1" ]
	check "vmm: $1: virtio-blk: GET_ID gives the image's name as serial" \
		"$(grep -o 'gzvm-virtio: vda serial=.*' $_out)" \
		grep -q 'gzvm-virtio: vda serial=virtio-ro.img' $_out
	check "vmm: $1: virtio-blk: a write to the read-only disk is refused" \
		"$(grep -o 'gzvm-virtio: vda write=.*' $_out)" grep -q 'gzvm-virtio: vda write=refused' $_out
	_got=$(dd if=$_rw bs=512 skip=8 count=1 2>/dev/null | head -n1)
	check "vmm: $1: virtio-blk: the guest's line is at sector 8 of the read-write image" \
		"got '$_got'" [ "$_got" = gzvm-virtio-written ]
	_got=$(dd if=$_rw bs=4096 skip=128 count=64 2>/dev/null | sha256sum | cut -d' ' -f1)
	_want=$(dd if=$_ro bs=4096 count=64 2>/dev/null | sha256sum | cut -d' ' -f1)
	check "vmm: $1: virtio-blk: 256 KiB copied by the guest from vda to vdb match" \
		"got $_got, want $_want" [ "$_got" = "$_want" ]
	check "vmm: $1: virtio-rng: the guest's current hwrng is virtio_rng.0" \
		"$(grep -o 'gzvm-virtio: hwrng .*' $_out | tr -d '\r' | tr '\n' ' ')" \
		grep -q 'gzvm-virtio: hwrng current=virtio_rng.0' $_out
	_got=$(grep -o 'gzvm-virtio: hwrng bytes=[0-9]*' $_out)
	check "vmm: $1: virtio-rng: a 4096-byte read of /dev/hwrng gets 4096 bytes" "got '$_got'" \
		[ "$_got" = 'gzvm-virtio: hwrng bytes=4096' ]
	check "vmm: $1: virtio-console: the guest's hvc0 output reaches stdout" \
		"no 'hvc0-says-hello'" grep -q 'hvc0-says-hello' $_out
	check "vmm: $1: virtio-console: the guest reads the host's stdin line on hvc0" \
		"$(grep -o 'gzvm-virtio: hvc0 .*' $_out)" grep -q "gzvm-virtio: hvc0 read 'host-says-ping'" $_out
	check "vmm: $1: virtio: no device asked for a reset" \
		"$(grep -m1 'needs a reset' $_out)" [ -z "$(grep 'needs a reset' $_out)" ]
	if [ -n "$_vp" ]; then
		check "vmm: $1: virtio: the guest bounced through its 4 MiB shared pool" \
			"no 'shared-dma' line" grep -q 'gzvm-virtio: shared-dma gzvm_shared_dma: 4096 KiB shared' $_out
		rm -f $_vk
	fi
	rm -f $_ro $_rw
}
# --- end vmm virtio ---

# --- vmm net and vsock (gzvm-run --net, --vsock-cid) ---
# vmm_net_vsock BACKEND: a guest with a virtio-net on tap0 (created by
# gzvm-run), one on tap1 (a persistent tap the host made and configured
# with 192.168.101.1/24 beforehand) and a virtio-vsock with CID 42 (host's
# vhost-vsock). The host gives tap0 192.168.100.1/24. The guest (tests
# net,net2,vsock-rebind,vsock-server,vsock-client of guest-init.sh) finds
# its NICs by their default MACs, takes 192.168.100.2 and 192.168.101.2,
# pings the host 5 times on each, rebinds its vsock driver (a device
# reset: vhost stopped and set up again), echoes one vsock connection on
# port 1234, then sends 1 MiB to the host's port 1235 and checks the echo.
# The host pings the guest 5 times and sends 1 MiB of pseudo-random bytes
# to the guest's port 1234, checking the echo.
NV_CID=42
vmm_net_vsock() {
	_vn=net-vsock VMM_OUT=/tmp/vmm-guest-$1-net-vsock.log
	# bad --net: a usage error (2) before anything starts
	/lib/gzvm/gzvm-run --backend $1 --kernel /lib/gzvm/guest-Image --net tap=tap9,mac=01:00:5e:00:00:01 \
		</dev/null >/tmp/vmm-net.txt 2>&1
	_rc=$?
	check "vmm: $1: --net with a multicast MAC is a usage error (2)" \
		"status $_rc: $(head -n1 /tmp/vmm-net.txt)" [ $_rc -eq 2 -a -n "$(grep 'mac=' /tmp/vmm-net.txt)" ]
	# no /dev/vhost-vsock (hidden for a moment, while no VMM runs): status 1 and what to load
	mv /dev/vhost-vsock /dev/vhost-vsock.hidden
	timeout 60 /lib/gzvm/gzvm-run --backend $1 --kernel /lib/gzvm/guest-Image \
		--vsock-cid 43 </dev/null >/tmp/vmm-novhost.txt 2>&1
	_rc=$?
	mv /dev/vhost-vsock.hidden /dev/vhost-vsock
	check "vmm: $1: --vsock-cid without /dev/vhost-vsock exits 1 naming the module" \
		"status $_rc: $(head -n1 /tmp/vmm-novhost.txt)" \
		[ $_rc -eq 1 -a -n "$(grep 'load the vhost_vsock module' /tmp/vmm-novhost.txt)" ]
	echo "gzvm-test: vmm: $1: guest '$_vn', virtio-net on tap0 and tap1, vsock CID $NV_CID"
	# tap1: an existing (persistent) tap, configured before the VMM starts
	tunctl -t tap1 >/dev/null && ip addr add 192.168.101.1/24 dev tap1 && ip link set tap1 up
	check "vmm: $1: a persistent tap1 (busybox tunctl, ip)" "could not create or configure it" \
		[ -e /sys/class/net/tap1 ]
	/lib/gzvm/vsock_echo server 1235 200 >/tmp/vsock-host-server.txt 2>&1 &
	_srv=$!
	(
		timeout 240 /lib/gzvm/gzvm-run --backend $1 --kernel /lib/gzvm/guest-Image \
			--initrd /lib/gzvm/guest-initramfs.cpio.gz --memory 256M --cpus 2 \
			--cmdline "console=ttyAMA0 quiet panic=-1 gzvmguest.test=net,net2,vsock-rebind,vsock-server,vsock-client gzvmguest.end=poweroff" \
			--net tap=tap0 --net tap=tap1 --vsock-cid $NV_CID -v </dev/null >$VMM_OUT 2>&1
		echo "gzvm-run-status=$?" >>$VMM_OUT
	) &
	_pid=$!
	_i=0
	while [ ! -e /sys/class/net/tap0 ] && [ $_i -lt 300 ] && kill -0 $_pid 2>/dev/null; do
		sleep 0.1
		_i=$((_i + 1))
	done
	check "vmm: $1: gzvm-run --net tap=tap0 creates the tap tap0" "no tap0" [ -e /sys/class/net/tap0 ]
	ip addr add 192.168.100.1/24 dev tap0 && ip link set tap0 up
	# the same CID for a second VM: refused at start, with a reason (once
	# the first has it: -v logs its vsock device right after the tap)
	_i=0
	while ! grep -q 'virtio-vsock: guest CID' $VMM_OUT && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	timeout 60 /lib/gzvm/gzvm-run --backend $1 --kernel /lib/gzvm/guest-Image \
		--vsock-cid $NV_CID </dev/null >/tmp/vmm-cid.txt 2>&1
	_rc=$?
	check "vmm: $1: a second gzvm-run with the same --vsock-cid exits 1 ('another VM has it')" \
		"status $_rc: $(head -n1 /tmp/vmm-cid.txt)" [ $_rc -eq 1 -a -n "$(grep 'another VM has it' /tmp/vmm-cid.txt)" ]
	# the guest answers once it booted and configured eth0
	_i=0
	until ping -c 1 -W 1 192.168.100.2 >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ $_i -lt 150 ] && kill -0 $_pid 2>/dev/null || break
	done
	_got=$(ping -c 5 192.168.100.2 2>&1 | grep 'packets transmitted')
	check "vmm: $1: the host pings the guest over virtio-net, 5 of 5 answered" "got '$_got'" \
		[ "$_got" = "5 packets transmitted, 5 packets received, 0% packet loss" ]
	_got=$(/lib/gzvm/vsock_echo client $NV_CID 1234 1048576 120 2>&1)
	echo "gzvm-test: vmm: $1: host -> guest vsock: $_got"
	check "vmm: $1: 1 MiB sent to the guest's vsock port 1234 comes back intact" "got '$_got'" \
		[ "${_got#vsock_echo: OK 1048576 bytes }" != "$_got" ]
	wait $_pid
	kill $_srv 2>/dev/null
	wait $_srv
	_srv_out=$(cat /tmp/vsock-host-server.txt | tr '\n' ' ')
	VMM_RC=$(grep -o 'gzvm-run-status=[0-9]*' $VMM_OUT | cut -d= -f2)
	tr -d '\r' <$VMM_OUT | sed 's/^/vmm-guest: /'
	check_result $1 net "status=0 out=5 packets transmitted, 5 packets received, 0% packet loss" \
		"pings the host over virtio-net (tap0, the NIC with the first default MAC), 5 of 5 answered"
	check_result $1 net2 "status=0 out=5 packets transmitted, 5 packets received, 0% packet loss" \
		"pings the host over the existing tap1 (the NIC with the second default MAC), 5 of 5 answered"
	_got=$(guest_result vsock-rebind)
	check "vmm: $1: guest 'net-vsock': unbinds and binds its vsock driver (device reset, second DRIVER_OK)" \
		"got '$_got'" [ "${_got#status=0 out=rebound virtio}" != "$_got" ]
	check_result $1 vsock-server "status=0 out=vsock_echo: echoed 1048576 bytes" \
		"echoes the host's 1 MiB on vsock port 1234"
	_got=$(guest_result vsock-client)
	echo "gzvm-test: vmm: $1: guest -> host vsock: $_got"
	check "vmm: $1: guest 'net-vsock': 1 MiB sent to the host's (CID 2) vsock port 1235 comes back intact" \
		"got '$_got', host server: $_srv_out" [ "${_got#status=0 out=vsock_echo: OK 1048576 bytes }" != "$_got" ]
	check "vmm: $1: the host's vsock server echoed the guest's 1 MiB" "$_srv_out" \
		grep -q 'echoed 1048576 bytes' /tmp/vsock-host-server.txt
	check "vmm: $1: gzvm-run exits 0 after the net-vsock guest" "status $VMM_RC" [ "$VMM_RC" = 0 ]
	check "vmm: $1: tap0 goes away with gzvm-run" "tap0 still there" [ ! -e /sys/class/net/tap0 ]
	check "vmm: $1: net-vsock: no device asked for a reset" \
		"$(grep -m1 'needs a reset' $VMM_OUT)" [ -z "$(grep 'needs a reset' $VMM_OUT)" ]
	check "vmm: $1: the persistent tap1 is still there after gzvm-run" "no tap1" [ -e /sys/class/net/tap1 ]
	tunctl -d tap1 >/dev/null
}
# --- end vmm net and vsock ---

# --- vmm channels (gzvm-run --channel, gzvm_channel.ko, gzvm-chan) ---
# vmm_channels: two guests, A and B (protected, from the signed kernel: the
# hypervisor copies its messages, nothing is shared), and the host on
# message channels:
#   ah    A - host        (gzvm-run A: --channel ah,host=SOCKET)
#   ab    A - B           (A: --channel ab,listen=SOCKET, B: ab,connect=SOCKET)
#   bh    B - host
#   full  A - host, depth 16, whose host end nobody reads
# 1. every channel but full carries $CH_N 64-byte messages each way at once,
#    with sequence numbers and checksums (gzvm-chan pump at both ends):
#    none lost, duplicated, reordered or corrupt; the messages per second;
# 2. round trips of 64-byte messages (gzvm-chan ping, the virtual counter's
#    ticks): A with the host on ah, A with B on ab (B echoes), and the same
#    over virtio-vsock between A and the host; then, alone on the board, a
#    pump of $CH_RATE_N messages each way between A and the host, on ah and
#    on vsock: messages per second of the two on the same guest;
# 3. back-pressure: A fills full (16 messages, then EAGAIN); a 1025-byte
#    write is EMSGSIZE; gzvm_chanprobe in A tries every other id below 2^14
#    (B's channels among them), random ids and bad sends: all refused.
CH_CID=45
chan_vmm() { # chan_vmm NAME KERNEL TESTS OPTIONS...: gzvm-run in the background, status in its log
	_cn=$1 _ck=$2 _ct=$3
	shift 3
	(
		timeout 1500 /lib/gzvm/gzvm-run --backend gzvm --kernel "$_ck" \
			--initrd /lib/gzvm/guest-initramfs.cpio.gz --memory 192M --cpus 1 \
			--cmdline "console=ttyAMA0 quiet panic=-1 gzvmguest.test=$_ct gzvmguest.end=poweroff gzvmguest.chan_n=$CH_N gzvmguest.chan_pings=$CH_PINGS gzvmguest.chan_rate_n=$CH_RATE_N" \
			"$@" </dev/null >/tmp/vmm-chan-$_cn.log 2>&1
		echo "gzvm-run-status=$?" >>/tmp/vmm-chan-$_cn.log
	) &
}
chan_host() { # chan_host NAME CHANNEL COMMAND...: gzvm-chan on the host, in the background
	_hn=$1
	shift
	(
		/lib/gzvm/gzvm-chan -t 1800 "$@" >/tmp/chan-host-$_hn.txt 2>&1 &
		echo $! >/tmp/chan-host-$_hn.pid
		wait $!
		echo "status=$?" >>/tmp/chan-host-$_hn.txt
	) &
}
chan_host_wait() { # chan_host_wait NAME SECONDS: until its gzvm-chan ended
	fw_wait /tmp/chan-host-$1.txt "status=" "$2"
}
vmm_channels() {
	# gzvmtest.chan_n: run.sh gives the main configuration 100000, the others
	# fewer; GZVM_SELFTEST_CHAN_N, _CHAN_PINGS, _CHAN_RATE_N (run.sh forwards them)
	# override, for a quick look
	CH_N=${GZVM_SELFTEST_CHAN_N:-$(param chan_n 100000)}
	CH_PINGS=${GZVM_SELFTEST_CHAN_PINGS:-2000} CH_RATE_N=${GZVM_SELFTEST_CHAN_RATE_N:-20000}
	_s=/tmp/gzvm-ch
	rm -f $_s-* /tmp/chan-host-* /tmp/vmm-chan-*
	/lib/gzvm/gzvm-run --backend gzvm --kernel /lib/gzvm/guest-Image --channel 'Bad,host=/tmp/x' \
		</dev/null >/tmp/vmm-chan-bad.txt 2>&1
	_rc=$?
	check "vmm: $1: --channel with a bad name is a usage error (2)" \
		"status $_rc: $(head -n1 /tmp/vmm-chan-bad.txt)" [ $_rc -eq 2 ]
	echo "gzvm-test: vmm: channels: guests A and B, $CH_N messages each way per channel, $CH_PINGS round trips, $CH_RATE_N for the rates"
	chan_host vsock-ping vsock-listen:1240 echo "$CH_PINGS"
	chan_host vsock-pump vsock-listen:1241 pump "$CH_RATE_N" 64
	chan_vmm A /lib/gzvm/guest-Image modules,chan-load,chan-pump,chan-ping-ah,chan-ping-ab,vsock-ping,chan-rate-ah,vsock-pump,chan-full,chan-oversize,chan-probe \
		--channel "ah,host=$_s-ah" --channel "ab,listen=$_s-ab" \
		--channel "full,host=$_s-full,depth=16" --vsock-cid $CH_CID
	_pa=$!
	cat /lib/gzvm/guest-Image /lib/gzvm/guest-Image.gzvmsig >/tmp/guest-Image.signed
	chan_vmm B /tmp/guest-Image.signed measurement,chan-load,chan-pump,chan-echo-ab --protected \
		--channel "bh,host=$_s-bh" --channel "ab,connect=$_s-ab"
	_pb=$!
	chan_host ah-pump "$_s-ah" pump "$CH_N" 64
	chan_host bh-pump "$_s-bh" pump "$CH_N" 64
	chan_host_wait ah-pump 1500
	chan_host ah-echo "$_s-ah" echo "$CH_PINGS"
	chan_host_wait ah-echo 1200
	chan_host ah-rate "$_s-ah" pump "$CH_RATE_N" 64
	wait $_pa
	wait $_pb
	for _h in ah-pump bh-pump ah-echo ah-rate vsock-ping vsock-pump; do
		if ! chan_host_wait $_h 60; then
			echo "gzvm-test: vmm: channels: host $_h did not end: killed"
			kill "$(cat /tmp/chan-host-$_h.pid)" 2>/dev/null
			chan_host_wait $_h 10
		fi
		sed "s/^/gzvm-test: vmm: channels: host $_h: /" /tmp/chan-host-$_h.txt
	done
	for _v in A B; do
		tr -d '\r' </tmp/vmm-chan-$_v.log | sed "s/^/vmm-chan-$_v: /"
		_rc=$(grep -o 'gzvm-run-status=[0-9]*' /tmp/vmm-chan-$_v.log | cut -d= -f2)
		check "vmm: $1: channels: gzvm-run of guest $_v exits 0 after its tests" "status '$_rc'" [ "$_rc" = 0 ]
	done
	VMM_OUT=/tmp/vmm-chan-A.log _vn=chan-A
	check_result $1 chan-load "status=0 out=gzvm-chan-ab gzvm-chan-ah gzvm-chan-full " \
		"gzvm_channel.ko makes a device for each of its three channels"
	check_result $1 chan-pump "status=0 out=pumped ab ah" "pumps on ah and ab, both OK"
	for _c in ah ab; do
		_got=$(tr -d '\r' <$VMM_OUT | grep -m1 "^gzvm-guest: | $_c: gzvm-chan: pump")
		echo "gzvm-test: vmm: channels: guest A $_c: ${_got#gzvm-guest: | }"
		check "vmm: $1: channels: A's $CH_N messages each way on $_c: none lost, duplicated, reordered or corrupt" \
			"got '$_got'" [ -n "$(echo "$_got" | grep "pump OK sent=$CH_N received=$CH_N lost=0 duplicated=0 reordered=0 corrupt=0")" ]
	done
	for _t in chan-ping-ah chan-ping-ab vsock-ping chan-rate-ah vsock-pump; do
		_got=$(guest_result $_t)
		echo "gzvm-test: vmm: channels: A $_t: $_got"
		check "vmm: $1: channels: A's $_t completes" "got '$_got'" \
			[ -n "$(echo "$_got" | grep -E "^status=0 out=gzvm-chan: (ping OK n=$CH_PINGS|pump OK sent=$CH_RATE_N received=$CH_RATE_N lost=0 duplicated=0 reordered=0 corrupt=0)")" ]
	done
	check_result $1 chan-full "status=0 out=gzvm-chan: full after 16 messages" \
		"a channel nobody reads reports back-pressure after its 16 places"
	check_result $1 chan-oversize "status=0 out=gzvm-chan: oversize 1025: EMSGSIZE" \
		"a 1025-byte message is refused (EMSGSIZE)"
	_got=$(guest_result chan-probe)
	check "vmm: $1: channels: A's calls on ids it was not given, random ids and bad sends all fail (-3)" \
		"got '$_got'" [ -n "$(echo "$_got" | grep '^status=0 out=gzvm_chanprobe: OK: 3 own channels')" ]
	VMM_OUT=/tmp/vmm-chan-B.log _vn=chan-B-protected
	check_result $1 measurement "status=0 out=$(sha256sum /lib/gzvm/guest-Image | cut -d' ' -f1)" \
		"runs protected: sealed and measured by the hypervisor (its kernel's SHA-256)"
	check_result $1 chan-load "status=0 out=gzvm-chan-ab gzvm-chan-bh " \
		"gzvm_channel.ko makes a device for each of its two channels"
	check_result $1 chan-pump "status=0 out=pumped ab bh" "pumps on ab and bh, both OK"
	_got=$(guest_result chan-echo-ab)
	check "vmm: $1: channels: B echoes A's $CH_PINGS round trips on ab" "got '$_got'" \
		[ "$_got" = "status=0 out=gzvm-chan: echoed $CH_PINGS messages" ]
	for _h in ah-pump:$CH_N bh-pump:$CH_N ah-rate:$CH_RATE_N vsock-pump:$CH_RATE_N; do
		check "vmm: $1: channels: the host's ${_h%:*}: ${_h#*:} messages each way, none lost, duplicated, reordered or corrupt" \
			"$(head -n1 /tmp/chan-host-${_h%:*}.txt)" \
			grep -q "pump OK sent=${_h#*:} received=${_h#*:} lost=0 duplicated=0 reordered=0 corrupt=0" /tmp/chan-host-${_h%:*}.txt
	done
	for _h in ah-echo vsock-ping; do
		check "vmm: $1: channels: the host's $_h echoed $CH_PINGS messages" \
			"$(head -n1 /tmp/chan-host-$_h.txt)" grep -q "echoed $CH_PINGS messages" /tmp/chan-host-$_h.txt
	done
	check "vmm: $1: channels: the sockets are gone with gzvm-run" "$(ls $_s-* 2>&1)" [ -z "$(ls $_s-* 2>/dev/null)" ]
}
# --- end vmm channels ---
# gzvmtest.mode=kvm: the host runs at EL2 without the hypervisor (KVM);
# only the guests, on the kvm backend.
if [ "$MODE" = kvm ]; then
	if [ -c /dev/kvm ] && [ -x /lib/gzvm/gzvm-run ] && [ -f /lib/gzvm/guest-Image ]; then
		host_modules
		vmm_guests kvm
		[ "$FIRMWARE" != none ] && vmm_firmware kvm	# vmm firmware
		vmm_disk kvm
		vmm_virtio kvm	# vmm virtio
		vmm_net_vsock kvm	# vmm net and vsock
	else
		nok "vmm: kvm: /dev/kvm, gzvm-run and the guest are there" \
			"$(ls /dev/kvm /lib/gzvm 2>&1 | tr '\n' ' ')"
	fi
	bad=$(dmesg | grep -E 'Internal error|Oops|BUG:|Unable to handle|WARNING:|Call trace:' | head -n3)
	check "no oops, BUG or WARNING in the host kernel log" "$(echo $bad)" [ -z "$bad" ]
	finish poweroff
fi
# --- end vmm ---

# gzvmtest.only=f1,f2:arg (GZVM_SYSTEM_ONLY of run.sh): a development run
# of those test functions of this file with gzvm.ko loaded, each called as
# "f1 gzvm" or "f2 gzvm arg" (vmm_protected, vmm_virtio:protected, ...)
ONLY=$(param only "")
if [ -n "$ONLY" ]; then
	dev_load_gzvm
	for f in $(echo "$ONLY" | tr ',' ' '); do
		case $f in
		*:*) "${f%%:*}" gzvm "${f#*:}" ;;
		*) "$f" gzvm ;;
		esac
	done
	bad=$(dmesg | grep -E 'Internal error|Oops|BUG:|Unable to handle|WARNING:|Call trace:' | head -n3)
	check "no oops, BUG or WARNING in the host kernel log" "$(echo $bad)" [ -z "$bad" ]
	finish poweroff
fi

# --- CPUs ------------------------------------------------------------------
# Count the CPUs in a list such as "0-3" or "0,2-3".
count_cpus() {
	_c=0
	for _r in $(echo "$1" | tr ',' ' '); do
		case $_r in
		*-*) _c=$((_c + ${_r#*-} - ${_r%-*} + 1)) ;;
		*) _c=$((_c + 1)) ;;
		esac
	done
	echo $_c
}
online=$(cat /sys/devices/system/cpu/online)
NCPUS=$(count_cpus "$online")
check "online CPUs equal the -smp count ($CPUS)" "online: $online ($NCPUS CPUs)" \
	[ "$NCPUS" -eq "$CPUS" ]

# --- Device tree: /hypervisor ------------------------------------------------
compat=/proc/device-tree/hypervisor/compatible
if [ -f $compat ]; then
	strs=$(tr '\0' ' ' <$compat)
	has_both() {
		tr '\0' '\n' <$compat | grep -qx 'mediatek,geniezone' &&
			tr '\0' '\n' <$compat | grep -qx 'mediatek,geniezone-hyp'
	}
	check "/hypervisor compatible has mediatek,geniezone and mediatek,geniezone-hyp" \
		"compatible = $strs" has_both
else
	nok "/hypervisor compatible has mediatek,geniezone and mediatek,geniezone-hyp" \
		"no /proc/device-tree/hypervisor/compatible"
fi

# --- Device tree: /reserved-memory/gzvm@... ----------------------------------
be32() { hexdump -v -e '/1 "%02x"' "$1"; }
CO_BASE=0 CO_SIZE=0
rm_dir=/proc/device-tree/reserved-memory
node=$(ls -d $rm_dir/gzvm* 2>/dev/null | head -n1)
name="carve-out in /reserved-memory/gzvm*: no-map, reg with 2+2 cells"
if [ -z "$node" ]; then
	nok "$name" "no $rm_dir/gzvm* node"
elif [ ! -e "$node/no-map" ]; then
	nok "$name" "$node has no no-map"
elif [ ! -f "$node/reg" ] || [ "$(wc -c <"$node/reg")" -ne 16 ]; then
	nok "$name" "$node/reg missing or not 16 bytes"
elif [ "$(be32 $rm_dir/#address-cells)" != 00000002 ] ||
     [ "$(be32 $rm_dir/#size-cells)" != 00000002 ]; then
	nok "$name" "/reserved-memory #address-cells/#size-cells are not 2/2"
else
	reg=$(be32 "$node/reg")
	CO_BASE=$((0x$(echo "$reg" | cut -c1-16)))
	CO_SIZE=$((0x$(echo "$reg" | cut -c17-32)))
	unit=${node##*@}
	if [ "$CO_SIZE" -eq 0 ]; then
		nok "$name" "size 0"
	elif [ "$unit" != "$node" ] && [ "$((0x$unit))" -ne "$CO_BASE" ]; then
		nok "$name" "unit address @$unit differs from reg base $(printf 0x%x $CO_BASE)"
	else
		ok "$name"
	fi
	echo "gzvm-test: carve-out $(printf '0x%x+0x%x' $CO_BASE $CO_SIZE) (${node##*/})"
fi

# A no-map region is not "System RAM": arm64 lists it at the top level of
# /proc/iomem as "<start>-<end> : reserved" (request_standard_resources()).
name="carve-out listed as reserved (not System RAM) in /proc/iomem"
if [ "$CO_SIZE" -ne 0 ]; then
	line=$(printf '%08x-%08x : reserved' $CO_BASE $((CO_BASE + CO_SIZE - 1)))
	check "$name" "no line '$line'" grep -qx "$line" /proc/iomem
else
	nok "$name" "no carve-out in the device tree"
fi

# --- Test module ------------------------------------------------------------
KO=/lib/gzvm/gzvm_hosttest.ko
MOD_CHECKS=7
if [ -f $KO ]; then
	insmod $KO carveout_base=$CO_BASE carveout_size=$CO_SIZE
	rc=$?
	check "gzvm_hosttest.ko loads" "insmod exit status $rc" [ $rc -eq 0 ]
	lines=$(dmesg | grep -o 'GZVM-TAP: .*')
	[ -n "$lines" ] && echo "$lines"
	got=$(echo "$lines" | grep -c 'GZVM-TAP: ')
	check "gzvm_hosttest.ko reported all $MOD_CHECKS checks" \
		"$got lines (oops during the checks?)" [ "$got" -eq $MOD_CHECKS ]
	dmesg | grep 'gzvm_hosttest: ' | sed 's/^/gzvm-test: /'
	rmmod gzvm_hosttest
	rc=$?
	check "gzvm_hosttest.ko unloads" "rmmod exit status $rc" [ $rc -eq 0 ]
else
	nok "gzvm_hosttest.ko loads" "$KO not in the initramfs"
fi

# --- /dev/mem -----------------------------------------------------------------
# The Debian kernels have CONFIG_STRICT_DEVMEM and CONFIG_IO_STRICT_DEVMEM:
# /dev/mem refuses System RAM and regions claimed by drivers (mmap: EPERM),
# so RAM cannot serve as the positive control. The control reads the magic
# value ("virt") of virtio-mmio transport 0 at 0x0a000000, a device that no
# driver claims (virtio_mmio is a module, not loaded here). The carve-out is
# "reserved", not RAM, so the mmap succeeds and only the access itself can
# be stopped: by the hypervisor's stage 2, which must deliver SIGBUS (135).
v=$(timeout 60 devmem 0x0a000000 32 2>&1)
check "devmem of an unclaimed device (virtio-mmio magic at 0x0a000000) works" \
	"got '$v'" [ "$v" = 0x74726976 ]
# busybox's devmem maps a second page when offset-in-page + width *in bits*
# exceeds the page size, and the page after the carve-out is System RAM
# (refused): so the last page is read at offset 0xfe0, not 0xffc.
name_first="devmem of the carve-out's first word dies with SIGBUS"
name_last="devmem of a word in the carve-out's last page dies with SIGBUS"
if [ "$CO_SIZE" -ne 0 ]; then
	for which in first last; do
		if [ $which = first ]; then a=$CO_BASE; dname=$name_first
		else a=$((CO_BASE + CO_SIZE - 0x20)); dname=$name_last; fi
		out=$(timeout 60 devmem "$(printf 0x%x $a)" 32 2>&1)
		rc=$?
		check "$dname" "exit status $rc, output '$out'" [ $rc -eq 135 ]
	done
else
	nok "$name_first" "no carve-out in the device tree"
	nok "$name_last" "no carve-out in the device tree"
fi

# --- CPU hotplug ----------------------------------------------------------
hotplug() { # hotplug CPU-DIR ROUNDS: prints the first failure
	_f=$1/online
	_i=0
	while [ $_i -lt "$2" ]; do
		timeout 30 sh -c "echo 0 >$_f" || { echo "round $_i: offline failed"; return 1; }
		[ "$(cat $_f)" = 0 ] || { echo "round $_i: still online"; return 1; }
		timeout 30 sh -c "echo 1 >$_f" || { echo "round $_i: online failed"; return 1; }
		[ "$(cat $_f)" = 1 ] || { echo "round $_i: still offline"; return 1; }
		_i=$((_i + 1))
	done
	return 0
}
for d in /sys/devices/system/cpu/cpu[0-9]*; do
	c=${d##*/}
	# secondaries only (arm64 lets cpu0 go offline too, but it is the boot CPU)
	[ "$c" != cpu0 ] && [ -f "$d/online" ] || continue
	echo "gzvm-test: $c offline/online x$ROUNDS"
	why=$(hotplug "$d" "$ROUNDS")
	check "$c offline/online $ROUNDS times" "$why" [ -z "$why" ]
done
online=$(cat /sys/devices/system/cpu/online)
check "all CPUs online after hotplug" "online: $online" \
	[ "$(count_cpus "$online")" -eq "$NCPUS" ]

# --- gzvm.ko and /dev/gzvm ---------------------------------------------------
GZKO=/lib/gzvm/gzvm.ko
is_positive() { [ -n "$1" ] && [ "$1" -gt 0 ] 2>/dev/null; }
gzvm_load() { # gzvm_load WHAT: insmod and check
	insmod $GZKO
	_rc=$?
	check "gzvm.ko loads ($1)" "insmod exit status $_rc" [ $_rc -eq 0 ]
}
gzvm_unload() { # gzvm_unload WHAT
	rmmod gzvm
	_rc=$?
	check "rmmod gzvm works $1" "rmmod exit status $_rc" [ $_rc -eq 0 ]
}
if [ -f $GZKO ]; then
	gzvm_load "first time"
	v=$(dmesg | grep -o 'GenieZone hypervisor version [0-9.]*' | tail -n1)
	check "gzvm probe logged hypervisor version 16.0.0" "log: '$v'" \
		[ "$v" = "GenieZone hypervisor version 16.0.0" ]
	dmesg | grep 'gzvm ' | sed 's/^/gzvm-test: /'
	if [ ! -c /dev/gzvm ] && [ -f /sys/class/misc/gzvm/dev ]; then
		dev=$(cat /sys/class/misc/gzvm/dev)
		mknod /dev/gzvm c "${dev%:*}" "${dev#*:}"
	fi
	check "/dev/gzvm is a character device (misc $(cat /sys/class/misc/gzvm/dev 2>/dev/null))" \
		"no /dev/gzvm" [ -c /dev/gzvm ]
	for f in demand_paging_batch_pages destroy_batch_pages; do
		v=$(cat /sys/kernel/gzvm/$f 2>/dev/null)
		check "/sys/kernel/gzvm/$f reads a positive number ($v)" "read '$v'" \
			is_positive "$v"
	done
	check "debugfs has gzvm/" "no /sys/kernel/debug/gzvm" [ -d /sys/kernel/debug/gzvm ]
	gzvm_unload "with no VM ever opened"
	gzvm_load "again"
	[ -c /dev/gzvm ] || { dev=$(cat /sys/class/misc/gzvm/dev) &&
		mknod /dev/gzvm c "${dev%:*}" "${dev#*:}"; }
	pool_before=$(cat /sys/kernel/debug/gzvm/hyp_pool_used 2>/dev/null)
	if [ -x /lib/gzvm/gzvm_smoke ]; then
		timeout 120 /lib/gzvm/gzvm_smoke
		rc=$?
		check "gzvm_smoke finished with no failure" "exit status $rc" [ $rc -eq 0 ]
	else
		nok "gzvm_smoke finished with no failure" "/lib/gzvm/gzvm_smoke not in the initramfs"
	fi
	# every VM is gone: the hypervisor's pool is back where it was, nothing lent
	pool_after=$(cat /sys/kernel/debug/gzvm/hyp_pool_used 2>/dev/null)
	lent=$(cat /sys/kernel/debug/gzvm/hyp_lent_mem 2>/dev/null)
	check "hypervisor pool back to $pool_before bytes after the smoke test's VMs" \
		"before '$pool_before', after '$pool_after'" \
		[ "${pool_before:-none}" = "${pool_after:-unreadable}" ]
	check "no host memory left lent to guests" "hyp_lent_mem '$lent'" [ "$lent" = 0 ]
	# --- selftests (tests/selftests): one TAP line per check, ~5-20 s ---
	if [ -x /lib/gzvm/gzvm_selftest ]; then
		timeout 240 /lib/gzvm/gzvm_selftest
		rc=$?
		check "gzvm_selftest finished with no failure" "exit status $rc" [ $rc -eq 0 ]
	else
		nok "gzvm_selftest finished with no failure" "/lib/gzvm/gzvm_selftest not in the initramfs"
	fi
	# --- end selftests ---
	# --- vmm (gzvm-run): a Linux guest with 1 and 4 vCPUs (vmm_guests) ---
	VMM=/lib/gzvm/gzvm-run
	if [ -x $VMM ] && [ -f /lib/gzvm/guest-Image ] && [ -f /lib/gzvm/guest-initramfs.cpio.gz ]; then
		$VMM --help >/tmp/vmm-help.txt 2>&1
		rc=$?
		first=$(head -n1 /tmp/vmm-help.txt)
		check "vmm: gzvm-run --help exits 0 with a usage text" "status $rc, '$first'" \
			[ $rc -eq 0 -a "${first%% *}" = "usage:" ]
		$VMM --kernel /lib/gzvm/guest-Image --cpus 9 >/tmp/vmm-err.txt 2>&1
		rc=$?
		check "vmm: gzvm-run --cpus 9 is refused with status 2 and a message" \
			"status $rc, '$(head -n1 /tmp/vmm-err.txt)'" \
			[ $rc -eq 2 -a -n "$(grep 'out of range' /tmp/vmm-err.txt)" ]
		vpool_before=$(cat /sys/kernel/debug/gzvm/hyp_pool_used 2>/dev/null)
		host_modules
		vmm_guests gzvm
		vmm_protected
		[ "$FIRMWARE" != none ] && vmm_firmware gzvm	# vmm firmware
		vmm_disk gzvm
		vmm_virtio gzvm	# vmm virtio
		vmm_virtio gzvm protected
		vmm_net_vsock gzvm	# vmm net and vsock
		vmm_channels gzvm	# vmm channels
		vpool_after=$(cat /sys/kernel/debug/gzvm/hyp_pool_used 2>/dev/null)
		lent=$(cat /sys/kernel/debug/gzvm/hyp_lent_mem 2>/dev/null)
		check "vmm: hypervisor pool back to $vpool_before bytes and nothing lent after the guests" \
			"after '$vpool_after', lent '$lent'" \
			[ "${vpool_before:-none}" = "${vpool_after:-unreadable}" -a "$lent" = 0 ]
	else
		nok "vmm: gzvm-run, guest-Image and guest-initramfs.cpio.gz in the initramfs" \
			"missing in /lib/gzvm"
	fi
	# --- end vmm ---
	gzvm_unload "after the smoke test's VMs were closed"
else
	nok "gzvm.ko loads (first time)" "$GZKO not in the initramfs"
fi

# --- Kernel health --------------------------------------------------------
bad=$(dmesg | grep -E 'Internal error|Oops|BUG:|Unable to handle|WARNING:|Call trace:' | head -n3)
check "no oops, BUG or WARNING in the host kernel log" "$(echo $bad)" [ -z "$bad" ]

finish poweroff
