#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/system/run.sh RESULTS_DIR [CONFIG...]
#
# Boot the board (tools/board.sh) in each configuration, with the host
# initramfs running tests/system/init-test.sh, and write
# RESULTS_DIR/system-<config>.tap (+ .log, the console).
#
# Configurations: max-smp4-k61 a72-smp2-k61 max-smp4-k612 (full checks)
# and max-smp4-k61-reboot a72-smp2-k61-reboot (reboot -f with -no-reboot);
# max-smp4-k61-kvm: the host at EL2 without the hypervisor, booting the
# VMM's Linux guests on /dev/kvm (gzvm-run --backend kvm) only.
# demo: `make run` driven from a script (tests/system/demo.sh, which make
# check runs as a suite of its own), on request only.
#
# Environment:
#   GZVM_NO_HYP=1        boot without the hypervisor (tools/board.sh --no-hyp)
#   GZVM_BOOT_TIMEOUT    seconds per boot (default 480: a full boot takes
#                        210-340 s on a 2-core machine, more with other
#                        QEMUs beside it; a hang is caught by the stall
#                        watchdog long before)
#   GZVM_FIRMWARE_TIMEOUT  more seconds for the boot that runs U-Boot and
#                        EDK2 on gzvm (default 900: every read of their
#                        flash is an exit there, minutes under TCG)
#   GZVM_STALL_TIMEOUT   end a boot whose console was silent this long (120)
#   GZVM_SYSTEM_DEEP=1   the deep run (make check-deep): EDK2 on gzvm as well
#                        (6 minutes under TCG, every flash read an exit);
#                        the default boots U-Boot on gzvm and both firmwares
#                        on kvm
#   GZVM_SYSTEM_BUDGET   skip the boots that would start after this many
#                        seconds (default 1680, 2400 in the deep run: the
#                        six boots take about 1250-1400 s on a 2-core
#                        machine; the last boot ends within 1680 + 480 s,
#                        so make check stays within ~42 minutes)
#   GZVM_SELFTESTS="a b" a development run: each boot only loads gzvm.ko and
#                        runs those selftests (gzvm_selftest -l lists them)
#   GZVM_SYSTEM_ONLY="f g:a" a development run: each boot only loads gzvm.ko
#                        and runs those test functions of init-test.sh, as
#                        "f gzvm" and "g gzvm a" (vmm_protected,
#                        vmm_virtio:protected, ...)
#   GZVM_SELFTEST_DEEP=1 with GZVM_SELFTESTS: their long counts (for
#                        hvcfuzz, randguest, ioctls: 10-20 times as many)
#   GZVM_SELFTEST_SEED=S the seed of the random selftests (hvcfuzz, ioctls,
#                        randguest, killvmm), to replay the seed a log printed;
#                        it and the selftests' other GZVM_SELFTEST_<NAME>
#                        variables (counts, e.g. GZVM_SELFTEST_RANDGUEST=N)
#                        reach gzvm_selftest's environment in every boot
#   GZVM_HOTPLUG_ROUNDS  offline/online rounds per secondary CPU (default 20)
#   GZVM_HYP_ARGS        hypervisor command line (tools/board.sh --hyp-args),
#                        after pvm_key=<the selftests' payload key>
#   GZVM_HYP             hypervisor image (default build/hyp/gzvm-hyp.bin)
#
# Without build/hyp/gzvm-hyp.bin the boots fall back to --no-hyp and each
# TAP file records the missing hypervisor as a failure.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/system/lib.sh
. "$ROOT/tests/system/lib.sh"

[[ $# -ge 1 ]] || { echo "usage: $0 RESULTS_DIR [CONFIG...]" >&2; exit 2; }
RESULTS=$(realpath -m "$1")
shift
ALL_CONFIGS=(max-smp4-k61 a72-smp2-k61 max-smp4-k612 max-smp4-k61-reboot a72-smp2-k61-reboot
	max-smp4-k61-kvm)
CONFIGS=("$@")
[[ ${#CONFIGS[@]} -gt 0 ]] || CONFIGS=("${ALL_CONFIGS[@]}")

TIMEOUT=${GZVM_BOOT_TIMEOUT:-480}
FW_TIMEOUT=${GZVM_FIRMWARE_TIMEOUT:-900}
STALL=${GZVM_STALL_TIMEOUT:-120}
DEEP=${GZVM_SYSTEM_DEEP:-0}
if [[ $DEEP == 1 ]]; then BUDGET=${GZVM_SYSTEM_BUDGET:-2400}; else BUDGET=${GZVM_SYSTEM_BUDGET:-1680}; fi
ROUNDS=${GZVM_HOTPLUG_ROUNDS:-20}
HYP=$(realpath -m "${GZVM_HYP:-$ROOT/build/hyp/gzvm-hyp.bin}")
WORK=$ROOT/build/system
mkdir -p "$RESULTS" "$WORK"

"$ROOT/tools/setup.sh" || { echo "system: tools/setup.sh failed" >&2; exit 1; }

NO_HYP=${GZVM_NO_HYP:-0}
HYP_MISSING=0
if [[ $NO_HYP != 1 && ! -f $HYP ]]; then
	echo "system: $HYP missing: booting without the hypervisor (--no-hyp)" >&2
	HYP_MISSING=1
	NO_HYP=1
fi

# The /dev/gzvm smoke test (static arm64), built once.
SMOKE=$WORK/gzvm_smoke
SMOKE_OK=0
if aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror \
	-I"$ROOT/include/uapi" -o "$SMOKE" "$ROOT/tests/system/gzvm_smoke.c" \
	>"$WORK/gzvm_smoke.log" 2>&1; then
	SMOKE_OK=1
else
	echo "system: building gzvm_smoke failed:" >&2
	cat "$WORK/gzvm_smoke.log" >&2
fi

# --- selftests (tests/selftests): KVM-selftests-style guests, built once ---
SELFTEST=$WORK/selftests/gzvm_selftest
SELFTEST_OK=0
if make -C "$ROOT/tests/selftests" OUT="$WORK/selftests" >"$WORK/selftests.log" 2>&1; then
	SELFTEST_OK=1
else
	echo "system: building tests/selftests failed:" >&2
	cat "$WORK/selftests.log" >&2
fi
# The selftests' protected-VM payload is signed with a key made for the
# build: the hypervisor is booted with its public half (pvm_key=).
PVM_DIR=$WORK/selftests/pvm
PVM_KEY=$(cat "$PVM_DIR/test.pub" 2>/dev/null)
# --- end selftests ---

# --- vmm net and vsock: tests/system/vsock_echo.c (host and guest), built once ---
VSOCK_ECHO=$WORK/vsock_echo
if ! aarch64-linux-gnu-gcc -static -O2 -std=c11 -Wall -Wextra -Werror -o "$VSOCK_ECHO" \
	"$ROOT/tests/system/vsock_echo.c" >"$WORK/vsock_echo.log" 2>&1; then
	echo "system: building vsock_echo failed:" >&2
	cat "$WORK/vsock_echo.log" >&2
	VSOCK_ECHO=
fi
# --- end vmm net and vsock ---

# --- vmm (gzvm-run) and its Linux guests' files, built once ---
# The guest's initramfs (per kernel: its modules) runs guest-init.sh with
# a known file whose digest under guest-init.sh's "cmd" pipeline is
# computed here, with the build machine's tools, as the host's oracle
# (/lib/gzvm/guest-known.sha256). guest-disk.ext4 is the virtio-blk disk.
GUEST_MODULES=virtio_mmio,virtio_blk,virtio_console,virtio-rng,virtio_net,vmw_vsock_virtio_transport,ext4
VMM=$WORK/vmm/gzvm-run
GZVM_CHAN=$WORK/vmm/gzvm-chan	# message channels' test tool (vmm/gzvm_chan.c), host and guest
VMM_OK=0
GDIR=$WORK/guest
mkdir -p "$GDIR/files" "$GDIR/disk-root"
seq 1 30000 >"$GDIR/files/known.txt"
grep 7 "$GDIR/files/known.txt" | tail -n 1000 | sha256sum | cut -d' ' -f1 >"$GDIR/guest-known.sha256"
echo "gzvm test disk" >"$GDIR/disk-root/hello.txt"
if make -C "$ROOT/vmm" OUT="$WORK/vmm" >"$WORK/vmm.log" 2>&1 &&
	"$ROOT/tools/mkdisk.sh" "$GDIR/guest-disk.ext4" 16M "$GDIR/disk-root" >>"$WORK/vmm.log" 2>&1; then
	VMM_OK=1
else
	echo "system: building vmm/ or the guest disk failed:" >&2
	cat "$WORK/vmm.log" >&2
fi
# vmm_files KTAG: the files for the host's /lib/gzvm: the VMM, the guest
# kernel (the host's own Image, as guest-Image), its initramfs, the disk.
vmm_files() {
	local var=${1}_IMAGE
	[[ $VMM_OK -eq 1 && -f ${!var:-} ]] || return 0
	mkdir -p "$GDIR/$1"
	ln -f "${!var}" "$GDIR/$1/guest-Image" 2>/dev/null ||
		cp "${!var}" "$GDIR/$1/guest-Image"
	# the protected guest's virtio DMA bounce (guest/gzvm_shared_dma.c) and
	# the guest's end of message channels (guest/gzvm_channel.c, insmod by the tests)
	local shared_dma=$GDIR/$1/kmod/gzvm_shared_dma.ko chan_ko=$GDIR/$1/kmod/gzvm_channel.ko
	if ! "$ROOT/tools/build-kmod.sh" "$ROOT/guest" "$1" "$GDIR/$1/kmod" -- W=1 \
		>"$WORK/guest-kmod-$1.log" 2>&1 || grep -q 'warning:' "$WORK/guest-kmod-$1.log"; then
		echo "system: building gzvm_shared_dma.ko and gzvm_channel.ko for $1 failed (or warned):" >&2
		cat "$WORK/guest-kmod-$1.log" >&2
		shared_dma='' chan_ko=''
	fi
	# a guest that tries channels it was not given (tests/system/modules/guesttest)
	local probe_ko=$GDIR/$1/guesttest/gzvm_chanprobe.ko
	if ! "$ROOT/tools/build-kmod.sh" "$ROOT/tests/system/modules/guesttest" "$1" "$GDIR/$1/guesttest" \
		-- W=1 >"$WORK/guesttest-kmod-$1.log" 2>&1 || grep -q 'warning:' "$WORK/guesttest-kmod-$1.log"; then
		echo "system: building gzvm_chanprobe.ko for $1 failed (or warned):" >&2
		cat "$WORK/guesttest-kmod-$1.log" >&2
		probe_ko=''
	fi
	if ! "$ROOT/tools/mkinitramfs.sh" -o "$GDIR/$1/guest-initramfs.cpio.gz" \
		--modules "$1" "$GUEST_MODULES" "$ROOT/tests/system/guest-init.sh" \
		"$GDIR/files/known.txt" ${VSOCK_ECHO:+"$VSOCK_ECHO"} ${shared_dma:+"$shared_dma"} \
		${chan_ko:+"$chan_ko"} ${probe_ko:+"$probe_ko"} "$GZVM_CHAN" >>"$WORK/vmm.log" 2>&1; then
		echo "system: building the guest initramfs for $1 failed:" >&2
		cat "$WORK/vmm.log" >&2
		return 0
	fi
	# the kernel's signature footer for the protected guest (init-test.sh
	# vmm_protected appends it), made with the selftests' payload key
	local sig=
	if [[ -f $WORK/selftests/pvm-test.key ]] &&
		"$ROOT/tools/gzvm-sign" sign "$WORK/selftests/pvm-test.key" "${!var}" \
			"$GDIR/$1/guest-Image.signed" >>"$WORK/vmm.log" 2>&1; then
		tail -c 72 "$GDIR/$1/guest-Image.signed" >"$GDIR/$1/guest-Image.gzvmsig"
		rm -f "$GDIR/$1/guest-Image.signed"
		sig=$GDIR/$1/guest-Image.gzvmsig
	fi
	echo "$VMM" "$GDIR/$1/guest-initramfs.cpio.gz" "$GDIR/$1/guest-Image" \
		"$GDIR/guest-known.sha256" "$GDIR/guest-disk.ext4" $VSOCK_ECHO "$GZVM_CHAN" $sig
}
# shellcheck disable=SC1091
. "$ROOT/build/deps/deps.env"
# --- end vmm ---
# --- vmm firmware (gzvm-run --bios): Debian's U-Boot and EDK2 builds ---
UBOOT_BIN=/usr/lib/u-boot/qemu_arm64/u-boot.bin	# u-boot-qemu
EDK2_FD=/usr/share/qemu-efi-aarch64/QEMU_EFI.fd	# qemu-efi-aarch64
firmware_files() { # firmware_files KTAG: the firmware and U-Boot's boot disk
	[[ $VMM_OK -eq 1 ]] || return 0
	local f
	for f in "$UBOOT_BIN" "$EDK2_FD"; do
		[[ -f $f ]] && echo "$f"
	done
	firmware_disk "$1"
}
# An ext4 image (mke2fs -d, no root needed) that U-Boot's distro boot finds
# on virtio-blk: /boot/extlinux/extlinux.conf, this kernel's Image and the
# guest initramfs of vmm_guests (vmm_files builds it first).
firmware_disk() {
	local var=${1}_IMAGE dir=$WORK/fwdisk/$1 kib initrd=$GDIR/$1/guest-initramfs.cpio.gz
	[[ -f ${!var:-} && -f $initrd ]] || return 0
	rm -rf "$dir" && mkdir -p "$dir/root/boot/extlinux"
	cp "${!var}" "$dir/root/boot/Image"
	cp "$initrd" "$dir/root/boot/initramfs.cpio.gz"
	cat >"$dir/root/boot/extlinux/extlinux.conf" <<-EOF
	default gzvm
	timeout 0
	label gzvm
	  kernel /boot/Image
	  initrd /boot/initramfs.cpio.gz
	  append console=ttyAMA0 quiet panic=-1 gzvmguest.test=cpus gzvmguest.end=poweroff
	EOF
	kib=$(($(du -sk "$dir/root" | cut -f1) * 5 / 4 + 4096))
	mke2fs -q -F -t ext4 -L gzvm-boot -d "$dir/root" "$dir/fs.img" "${kib}k" \
		>>"$WORK/vmm.log" 2>&1 || return 0
	# distro boot wants a partition: one bootable Linux partition from 1 MiB
	dd if="$dir/fs.img" of="$dir/uboot-disk.img" bs=1M seek=1 conv=sparse status=none &&
		mbr_one_partition "$dir/uboot-disk.img" 2048 $((kib * 2)) &&
		echo "$dir/uboot-disk.img"
}
le32() { printf '\\%03o' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
mbr_one_partition() { # mbr_one_partition IMAGE START_LBA SECTORS: an MBR, entry 1 bootable, type 0x83
	# shellcheck disable=SC2059 (the octal escapes are the format)
	printf "\\200\\376\\377\\377\\203\\376\\377\\377$(le32 "$2")$(le32 "$3")" |
		dd of="$1" bs=1 seek=446 conv=notrunc status=none &&
		printf '\125\252' | dd of="$1" bs=1 seek=510 conv=notrunc status=none
}
# --- end vmm firmware ---

# --- vmm virtio: the guest of init-test.sh's vmm_virtio (virtio-blk/console/rng) ---
# Its initramfs, per kernel: tests/system/guest-virtio.sh and the virtio
# modules that kernel has as modules (6.12's .ko.xz decompressed here:
# busybox insmod cannot).
VIRTIO_MODULES="drivers/virtio/virtio_mmio drivers/block/virtio_blk drivers/char/virtio_console
	drivers/char/hw_random/virtio-rng"
virtio_guest_files() { # virtio_guest_files KTAG: the virtio guest initramfs for /lib/gzvm
	local var=${1}_MODDIR m dir=$WORK/guest/$1/virtio-modules
	[[ $VMM_OK -eq 1 && -d ${!var:-} ]] || return 0
	rm -rf "$dir" && mkdir -p "$dir"
	for m in $VIRTIO_MODULES; do
		if [[ -f ${!var}/kernel/$m.ko ]]; then
			cp "${!var}/kernel/$m.ko" "$dir/"
		elif [[ -f ${!var}/kernel/$m.ko.xz ]]; then
			xz -dc "${!var}/kernel/$m.ko.xz" >"$dir/$(basename "$m").ko"
		fi	# else built in
	done
	# vmm_virtio protected: the bounce pool, loaded first (vmm_files built it)
	[[ -f $GDIR/$1/kmod/gzvm_shared_dma.ko ]] && cp "$GDIR/$1/kmod/gzvm_shared_dma.ko" "$dir/"
	"$ROOT/tools/mkinitramfs.sh" -o "$WORK/guest/$1/guest-virtio-initramfs.cpio.gz" \
		"$ROOT/tests/system/guest-virtio.sh" "$dir"/*.ko >>"$WORK/vmm.log" 2>&1 || return 0
	echo "$WORK/guest/$1/guest-virtio-initramfs.cpio.gz"
}
# --- end vmm virtio ---

# One initramfs per kernel (the test module and gzvm.ko are built for each),
# with the Debian modules the host needs for the VMM's virtio-net and vsock.
HOST_MODULES=tun,vhost_vsock
declare -A INITRD DRIVER_OK
make_initrd() {
	local tag=$1 ko=()
	[[ -n ${INITRD[$tag]:-} ]] && return 0
	if "$ROOT/tools/build-kmod.sh" "$ROOT/tests/system/modules/hosttest" "$tag" \
		"$WORK/$tag" >"$WORK/kmod-$tag.log" 2>&1; then
		ko=("$WORK/$tag/gzvm_hosttest.ko" "$WORK/$tag/gzvm_hvcfuzz.ko")
	else
		echo "system: building gzvm_hosttest.ko and gzvm_hvcfuzz.ko for $tag failed:" >&2
		cat "$WORK/kmod-$tag.log" >&2
	fi
	DRIVER_OK[$tag]=0
	if "$ROOT/tools/build-kmod.sh" "$ROOT/driver" "$tag" "$WORK/$tag" -- W=1 \
		>"$WORK/driver-$tag.log" 2>&1 &&
		! grep -q 'warning:' "$WORK/driver-$tag.log"; then
		ko+=("$WORK/$tag/gzvm.ko")
		DRIVER_OK[$tag]=1
	else
		echo "system: building gzvm.ko for $tag failed (or warned):" >&2
		cat "$WORK/driver-$tag.log" >&2
	fi
	[[ $SMOKE_OK -eq 1 ]] && ko+=("$SMOKE")
	[[ $SELFTEST_OK -eq 1 ]] && ko+=("$SELFTEST" "$PVM_DIR")	# selftests
	# shellcheck disable=SC2207
	ko+=($(vmm_files "$tag"))	# vmm
	# shellcheck disable=SC2207
	ko+=($(firmware_files "$tag"))	# vmm firmware
	ko+=($(virtio_guest_files "$tag"))	# vmm virtio
	"$ROOT/tools/mkinitramfs.sh" -o "$WORK/initramfs-$tag.cpio.gz" \
		--modules "$tag" "$HOST_MODULES" \
		"$ROOT/tests/system/init-test.sh" "${ko[@]}" >/dev/null || return 1
	INITRD[$tag]=$WORK/initramfs-$tag.cpio.gz
}

# stall_dump MONITOR OUT SESSION: the registers of every CPU of a silent
# board (QEMU's monitor: 'info registers -a', sampled twice, a second apart,
# into OUT) and one line saying where each CPU is, e.g. "cpu0 EL2h 40203a10
# <vgic_lock> (still there)": an EL2 PC is named from the hypervisor's ELF,
# which QEMU loads at 0x40200000 (tools/board.sh).  A monitor that does not
# answer means QEMU itself is stuck: then the line names the functions of
# its main thread's stack (gdb-multiarch attached to the QEMU process of
# the board's session SESSION).
stall_dump() {
	local mon=$1 out=$2 session=$3 elf=${HYP%.bin}.elf pass cpu line pc sym sep='' qpid
	local -A first=() last=() el=()
	{ for pass in 1 2; do
		(echo "info registers -a"; sleep 4) | timeout 10 socat - "UNIX-CONNECT:$mon" 2>/dev/null |
			grep -a -E '^CPU#|PC=|PSTATE='
		echo "-- sample $pass"
		sleep 1
	done; } >"$out"
	if ! grep -q '^CPU#' "$out"; then
		qpid=$(pgrep -s "$session" -f "^qemu-system-aarch64 " | head -n1)
		[[ -n $qpid ]] || { echo "QEMU's monitor did not answer"; return; }
		timeout 60 gdb-multiarch -p "$qpid" -batch -ex "thread apply 1 bt 8" >>"$out" 2>&1
		printf "QEMU's monitor did not answer; its main thread in: %s" \
			"$(grep -a -o -E '^#[0-9]+ +(0x[0-9a-f]+ in )?[A-Za-z_][A-Za-z0-9_]*' "$out" |
				awk '{ print $NF }' | paste -sd '<' -)"
		return
	fi
	pass=1
	while read -r line; do
		case $line in
		"-- sample"*) pass=2 ;;
		CPU#*) cpu=${line#CPU#} cpu=${cpu%%[!0-9]*} ;;
		PC=*)
			pc=${line#PC=} pc=${pc%% *}
			if [[ $pass == 1 ]]; then first[$cpu]=$pc; else last[$cpu]=$pc; fi ;;
		PSTATE=*)
			[[ $pass == 1 ]] && el[$cpu]=$(grep -o -E 'EL[0-3][ht]' <<<"$line") ;;
		esac
	done <"$out"
	for cpu in $(printf '%s\n' "${!first[@]}" | sort -n); do
		pc=${first[$cpu]} sym=''
		if [[ -f $elf && $((16#$pc)) -ge $((0x40200000)) && $((16#$pc)) -lt $((0x42200000)) ]]; then
			sym=" <$(aarch64-linux-gnu-addr2line -f -e "$elf" \
				"$(printf '0x%x' $((16#$pc - 0x40200000)))" | head -n1)>"
		fi
		printf '%scpu%s %s %s%s (%s)' "$sep" "$cpu" "${el[$cpu]:-?}" "$pc" "$sym" \
			"$([[ ${last[$cpu]:-} == "$pc" ]] && echo "still there" || echo "moving")"
		sep=', '
	done
}

run_config() {
	local cfg=$1 cpu smp ktag mode=full
	if [[ $cfg == demo ]]; then
		GZVM_DEMO_TIMEOUT=$TIMEOUT "$ROOT/tests/system/demo.sh" "$RESULTS" K61
		return
	fi
	case $cfg in
	*-reboot) mode=reboot ;;
	*-kvm) mode=kvm ;;	# vmm: kvm backend
	esac
	local base=${cfg%-reboot}
	case ${base%-kvm} in
	max-smp4-k61) cpu=max smp=4 ktag=K61 ;;
	a72-smp2-k61) cpu=a72 smp=2 ktag=K61 ;;
	max-smp4-k612) cpu=max smp=4 ktag=K612 ;;
	*) echo "system: unknown configuration $cfg" >&2; return 1 ;;
	esac

	local tap=$RESULTS/system-$cfg.tap log=$RESULTS/system-$cfg.log
	tap_begin "$tap"
	if [[ $HYP_MISSING -eq 1 && $mode != kvm ]]; then
		tap_not_ok "hypervisor image ${HYP#"$ROOT"/} exists" \
			"missing: booted the host without it (--no-hyp)"
	fi
	if ! make_initrd "$ktag"; then
		tap_not_ok "host initramfs built" "tools/mkinitramfs.sh failed"
		tap_end
		return 0
	fi

	tap_check "gzvm.ko builds for $ktag with W=1 and no warning" \
		"see build/system/driver-$ktag.log" [ "${DRIVER_OK[$ktag]}" = 1 ]
	tap_check "gzvm_smoke builds (aarch64-linux-gnu-gcc -static -Werror)" \
		"see build/system/gzvm_smoke.log" [ "$SMOKE_OK" = 1 ]
	tap_check "tests/selftests build (make -C tests/selftests)" \
		"see build/system/selftests.log" [ "$SELFTEST_OK" = 1 ]
	tap_check "vmm/ (gzvm-run) and the guest disk image build" \
		"see build/system/vmm.log" [ "$VMM_OK" = 1 ]	# vmm

	local append="gzvmtest.mode=$mode gzvmtest.cpus=$smp gzvmtest.hotplug=$ROUNDS"
	[[ -n ${GZVM_SELFTESTS:-} ]] && append+=" gzvmtest.selftests=${GZVM_SELFTESTS// /,}"
	[[ -n ${GZVM_SELFTESTS:-} && ${GZVM_SELFTEST_DEEP:-0} == 1 ]] && append+=" gzvmtest.selftest_deep=1"
	[[ -n ${GZVM_SYSTEM_ONLY:-} ]] && append+=" gzvmtest.only=${GZVM_SYSTEM_ONLY// /,}"
	local var	# GZVM_SELFTEST_SEED=S and the selftests' counts, for their environment
	for var in $(compgen -e | grep -E '^GZVM_SELFTEST_[A-Z_]+$' | grep -v -x GZVM_SELFTEST_DEEP); do
		append+=" gzvmtest.env=$var=${!var}"
	done
	local TIMEOUT=$TIMEOUT	# this boot's (the firmware boot gets more)
	# vmm firmware, in the main configuration only: U-Boot and EDK2 on kvm;
	# on gzvm (minutes each) U-Boot, and EDK2 only in the deep run
	if [[ ${base%-kvm} == max-smp4-k61 && $mode != reboot ]]; then
		if [[ $mode == kvm || $DEEP == 1 ]]; then
			append+=" gzvmtest.firmware=all"
		else
			append+=" gzvmtest.firmware=u-boot"
		fi
		[[ $mode == kvm ]] || TIMEOUT=$((TIMEOUT + FW_TIMEOUT))
	fi
	# vmm channels: 100000 messages each way in the main configuration, a quick round elsewhere
	if [[ $base == max-smp4-k61 ]]; then append+=" gzvmtest.chan_n=100000"; else append+=" gzvmtest.chan_n=2000"; fi
	local args=(--cpu "$cpu" --smp "$smp" --kernel "$ktag"
		--initrd "${INITRD[$ktag]}" --timeout "$TIMEOUT" --log "$log"
		--append "$append")
	if [[ $NO_HYP == 1 || $mode == kvm ]]; then args+=(--no-hyp); else args+=(--hyp "$HYP"); fi
	local hyp_args="${PVM_KEY:+pvm_key=$PVM_KEY} ${GZVM_HYP_ARGS:-}"
	[[ -n ${hyp_args// /} ]] && args+=(--hyp-args "${hyp_args# }")
	args+=(--no-reboot)

	local t0 t1 rc stalled=0 mon=$WORK/$cfg.monitor where=''
	args+=(--monitor "$mon")
	t0=$(now)
	rm -f "$log" "$mon" "$log.stall"
	# Own process group, so that the stall watchdog can end QEMU as well.
	setsid "$ROOT/tools/board.sh" "${args[@]}" </dev/null >/dev/null 2>&1 &
	local pid=$! size=-1 last quiet=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 0.5
		last=$(stat -c %s "$log" 2>/dev/null || echo 0)
		if [[ $last -ne $size ]]; then
			size=$last quiet=0
		else
			quiet=$((quiet + 1))	# half seconds
		fi
		if [[ $quiet -ge $((STALL * 2)) ]]; then
			stalled=1
			where=$(stall_dump "$mon" "$log.stall" "$pid")
			kill -TERM -- -"$pid" 2>/dev/null
			sleep 2
			kill -KILL -- -"$pid" 2>/dev/null
			break
		fi
	done
	wait "$pid"
	rc=$?
	t1=$(now)
	local secs
	secs=$(elapsed "$t0" "$t1")

	local clean
	clean=$(clean_log "$log")
	tap_check "host reached /init before the timeout (${TIMEOUT} s)" \
		"no 'Run /init' in the console log" \
		grep -q 'Run /init as init process' <<<"$clean"

	# Results printed by the host's /init (and the test module).
	local l
	while IFS= read -r l; do
		tap_line "$l"
	done < <(grep -ao 'GZVM-TAP: .*' <<<"$clean" | sed 's/^GZVM-TAP: //; s/[[:space:]]*$//')
	tap_check "host /init finished its checks" "no GZVM-TAP-DONE (hang or crash?)" \
		grep -q 'GZVM-TAP-DONE' <<<"$clean"

	# Every test boot runs with -no-reboot, so that a host panic (panic=-1)
	# or a reset ends QEMU at once: status 0 alone proves nothing, the
	# kernel's last words must match too.
	local why="exit status $rc" last_words='reboot: Power down' what=poweroff
	[[ $mode == reboot ]] && last_words='reboot: Restarting system' what="'reboot -f' (-no-reboot)"
	[[ $rc -eq 124 || $rc -eq 137 ]] && why="killed by the ${TIMEOUT} s timeout"
	[[ $stalled -eq 1 ]] && why="killed: console silent for ${STALL} s; CPUs then at: ${where:-unknown} (system-$cfg.log.stall)"
	if [[ $rc -eq 0 ]] && ! grep -q "$last_words" <<<"$clean"; then
		why="exit status 0 but no '$last_words' (panic or reset?)"
		grep -q 'Kernel panic' <<<"$clean" && why="host kernel panic: $(grep -m1 -o 'Kernel panic.*' <<<"$clean")"
	fi
	tap_check "QEMU exited by itself with status 0 after $what ('$last_words')" "$why" \
		[ "$why" = "exit status 0" ]

	if [[ $NO_HYP != 1 && $mode != kvm ]]; then
		tap_check "hypervisor logged to the UART before the host started" \
			"no 'gzvm-hyp: ' line before 'Booting Linux'" \
			grep -q 'gzvm-hyp: ' < <(before_linux_boot "$log")
	fi
	local hyp_lines
	hyp_lines=$(after_linux_boot "$log" | grep -c 'gzvm-hyp: ')
	if grep -q 'Booting Linux' <<<"$clean"; then
		tap_check "hypervisor silent on the UART after the host started" \
			"$hyp_lines 'gzvm-hyp: ' lines after 'Booting Linux'" [ "$hyp_lines" -eq 0 ]
	else
		tap_not_ok "hypervisor silent on the UART after the host started" \
			"the host never printed 'Booting Linux'"
	fi

	local uptime
	uptime=$(grep -o 'gzvm-test: /init running, uptime [0-9.]* s' <<<"$clean" |
		grep -o '[0-9.]* s' || echo '? s')
	tap_end
	local pass fail
	pass=$(grep -c '^ok' "$tap")
	fail=$(grep -c '^not ok' "$tap")
	printf 'system: %-22s %5s s wall, /init at %s guest, QEMU status %d: %d passed, %d failed\n' \
		"$cfg" "$secs" "$uptime" "$rc" "$pass" "$fail"
	# --- vmm: how long the Linux guests took to reach their /init ---
	local vt
	vt=$(grep -o 'vmm-time: .*' <<<"$clean" | sed 's/^vmm-time: //; s/ after the VMM started//' |
		paste -sd';' -)
	[[ -n $vt ]] && printf 'system: %-22s vmm: %s\n' "$cfg" "$vt"
	# --- end vmm ---
}

T0=$(now)
for cfg in "${CONFIGS[@]}"; do
	spent=$(elapsed "$T0" "$(now)")
	if [[ ${spent%.*} -ge $BUDGET ]]; then
		tap_begin "$RESULTS/system-$cfg.tap"
		tap_not_ok "boot $cfg" "skipped: the system tests already took ${spent} s (budget ${BUDGET} s)"
		tap_end
		echo "system: $cfg skipped (time budget)"
		continue
	fi
	run_config "$cfg"
done
echo "system: all configurations in $(elapsed "$T0" "$(now)") s${NO_HYP:+}$([[ $NO_HYP == 1 ]] && echo ' (no hypervisor: --no-hyp)')"
exit 0
