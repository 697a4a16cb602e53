#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/board.sh - boot the gzvm board: QEMU virt, EL2, GICv3.
#
#   tools/board.sh [options] [-- extra QEMU arguments]
#
#   --cpu max|a72      -cpu max (default; PAuth emulated with the fast
#                      "impdef" algorithm, see below) or -cpu cortex-a72
#   --smp N            CPUs (default: 4 with max, 2 with a72)
#   --mem SIZE         RAM (default 2G)
#   --kernel K61|K612  host kernel (build/deps/deps.env; default K61)
#   --initrd FILE      host initramfs (default: none)
#   --append "ARGS"    extra host kernel command line
#   --hyp FILE         hypervisor image (default build/hyp/gzvm-hyp.bin)
#   --hyp-args "ARGS"  hypervisor command line (QEMU -append; default empty)
#   --no-hyp           boot the host kernel directly at EL2 (no hypervisor:
#                      the KVM comparison board)
#   --timeout SEC      kill QEMU after SEC seconds (exit status 124)
#   --log FILE         also write the console (and the QEMU command) to FILE
#   --no-reboot        QEMU -no-reboot: a guest reset ends QEMU (status 0)
#   --gdb              QEMU -s -S: wait for gdb-multiarch on :1234
#   --monitor SOCK     the QEMU (HMP) monitor on the unix socket SOCK, e.g.
#                      for 'info registers -a' of a board that hangs
#   --qarma            keep QEMU's default (slow) QARMA PAuth with -cpu max
#   --icount           -icount shift=0,sleep=off: virtual time advances 1 ns
#                      per guest instruction (and not while idle), so a
#                      counter delta is a repeatable instruction count
#                      (single-threaded TCG; tools/bench.sh)
#   --dry-run          print the QEMU command and exit
#
# Memory map with the hypervisor: QEMU loads the hypervisor (Image format)
# at 0x40200000 and the DTB at 0x48000000; the host kernel goes to
# 0x60000000 and the initramfs to the first 2 MiB boundary at or above
# 0x68000000 that is past the kernel's image_size (arm64 Image header).
#
# Exit status: QEMU's (0 after a guest poweroff, or a reset with
# --no-reboot), 124 when the timeout killed it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { echo "board: $*" >&2; exit 2; }

CPU=max SMP='' MEM=2G KTAG=K61 INITRD='' APPEND='' HYP=$ROOT/build/hyp/gzvm-hyp.bin
HYP_ARGS='' NO_HYP=0 TIMEOUT='' LOG='' NO_REBOOT=0 GDB=0 QARMA=0 DRY=0 ICOUNT=0 MONITOR=''
EXTRA=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--cpu) CPU=$2; shift ;;
	--smp) SMP=$2; shift ;;
	--mem) MEM=$2; shift ;;
	--kernel) KTAG=$2; shift ;;
	--initrd) INITRD=$2; shift ;;
	--append) APPEND=$2; shift ;;
	--hyp) HYP=$2; shift ;;
	--hyp-args) HYP_ARGS=$2; shift ;;
	--no-hyp) NO_HYP=1 ;;
	--timeout) TIMEOUT=$2; shift ;;
	--log) LOG=$2; shift ;;
	--no-reboot) NO_REBOOT=1 ;;
	--gdb) GDB=1 ;;
	--monitor) MONITOR=$2; shift ;;
	--qarma) QARMA=1 ;;
	--icount) ICOUNT=1 ;;
	--dry-run) DRY=1 ;;
	--) shift; EXTRA=("$@"); break ;;
	-h|--help) sed -n '4,36p' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) die "unknown option $1 (--help)" ;;
	esac
	shift
done

ENV=$ROOT/build/deps/deps.env
[[ -f $ENV ]] || "$ROOT/tools/setup.sh"
# shellcheck disable=SC1090
. "$ENV"
img_var=${KTAG}_IMAGE
KIMAGE=${!img_var:-}
[[ -n $KIMAGE && -f $KIMAGE ]] || die "unknown kernel '$KTAG' (K61, K612)"
if [[ -n $INITRD ]]; then
	[[ -f $INITRD ]] || die "no initramfs $INITRD"
	INITRD=$(realpath "$INITRD")
fi

case $CPU in
max)
	# QEMU emulates the architected QARMA5 pointer-authentication cipher
	# by default, which dominates TCG run time for a PAuth-enabled kernel;
	# pauth-impdef=on keeps FEAT_PAuth (the same -cpu max features as seen
	# by the guest) with a cheap IMPLEMENTATION DEFINED algorithm.
	if [[ $QARMA -eq 1 ]]; then QCPU=max; else QCPU=max,pauth-impdef=on; fi
	: "${SMP:=4}" ;;
a72|cortex-a72)
	QCPU=cortex-a72
	: "${SMP:=2}" ;;
*) die "--cpu must be max or a72" ;;
esac

# QEMU option values: a comma is written as two commas.
qesc() { printf '%s' "${1//,/,,}"; }

HOST_CMDLINE="console=ttyAMA0 panic=-1${APPEND:+ $APPEND}"

# shellcheck disable=SC2054
QEMU=(qemu-system-aarch64 -M virt,virtualization=on,gic-version=3
	-cpu "$QCPU" -smp "$SMP" -m "$MEM" -nographic -nic none)
if [[ $NO_HYP -eq 1 ]]; then
	QEMU+=(-kernel "$KIMAGE" -append "$HOST_CMDLINE")
	[[ -n $INITRD ]] && QEMU+=(-initrd "$INITRD")
else
	[[ -f $HYP ]] || die "no hypervisor image $HYP (build it first, or use --no-hyp)"
	KADDR=$((0x60000000))
	# image_size: little-endian u64 at offset 16 of the arm64 Image header
	ksize=$(od -A n -t u8 -j 16 -N 8 "$KIMAGE" | tr -d ' ')
	[[ $ksize -gt 0 ]] || ksize=$(stat -c %s "$KIMAGE")
	align=$((2 << 20))
	iaddr=$(( (KADDR + ksize + align - 1) / align * align ))
	[[ $iaddr -lt $((0x68000000)) ]] && iaddr=$((0x68000000))
	QEMU+=(-kernel "$HYP")
	[[ -n $HYP_ARGS ]] && QEMU+=(-append "$HYP_ARGS")
	QEMU+=(-device "guest-loader,addr=$(printf '0x%x' $KADDR),kernel=$(qesc "$KIMAGE"),bootargs=$(qesc "$HOST_CMDLINE")")
	if [[ -n $INITRD ]]; then
		QEMU+=(-device "guest-loader,addr=$(printf '0x%x' $iaddr),initrd=$(qesc "$INITRD")")
	fi
fi
[[ $NO_REBOOT -eq 1 ]] && QEMU+=(-no-reboot)
[[ $GDB -eq 1 ]] && QEMU+=(-s -S)
[[ -n $MONITOR ]] && QEMU+=(-monitor "unix:$(qesc "$MONITOR"),server=on,wait=off")
[[ $ICOUNT -eq 1 ]] && QEMU+=(-icount shift=0,sleep=off)
QEMU+=("${EXTRA[@]}")

CMD=()
if [[ -n $TIMEOUT ]]; then
	CMD=(timeout -k 10)
	[[ -t 0 ]] && CMD+=(--foreground)
	CMD+=("$TIMEOUT")
fi
CMD+=("${QEMU[@]}")

cmdline=$(printf '%q ' "${CMD[@]}")
if [[ $DRY -eq 1 ]]; then
	echo "$cmdline"
	exit 0
fi
if [[ -n $LOG ]]; then
	mkdir -p "$(dirname "$LOG")"
	printf 'board: %s\n' "$cmdline" >"$LOG"
	printf 'board: %s\n' "$cmdline" >&2
	# timeout(1) runs QEMU in a process group of its own: forward our
	# SIGTERM/SIGINT to it so that whoever ends this script ends QEMU too.
	set +e
	exec {out}> >(tee -a "$LOG")
	tpid=$!
	exec {in}<&0	# a background job would otherwise get /dev/null as stdin
	"${CMD[@]}" <&$in >&$out 2>&1 &
	qpid=$!
	trap 'kill -TERM $qpid 2>/dev/null' TERM INT HUP
	wait $qpid
	rc=$?
	# wait returns early (>128) when a trapped signal arrives; wait again
	while kill -0 $qpid 2>/dev/null; do
		wait $qpid
		rc=$?
	done
	exec {out}>&-
	wait $tpid 2>/dev/null	# the console log is complete once tee is done
	set -e
	printf '\nboard: exit status %d\n' "$rc" >>"$LOG"
	exit "$rc"
fi
printf 'board: %s\n' "$cmdline" >&2
exec "${CMD[@]}"
