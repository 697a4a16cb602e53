#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/bench-profile.sh [--reuse] [--op OP] [CONFIG]
#	OP: hvc (default), mmio_read, mmio_write, gicd_read
#	CONFIG: gzvm (default), kvm-vhe, kvm-nvhe, pkvm
#
# Where the instructions of one of the bench guest's operations go.  Boots
# the configuration as tools/bench.sh does, but the guest is
# bench-profile-OP.bin (the operation in a loop for 60 s of virtual time).
# When the guest announces the loop, and 2 s (wall) later, the QEMU monitor
# turns on one-instruction TBs and -d exec,nochain for 4 s of wall time
# (about a million instructions), so the log has one line per instruction
# executed, and then ends QEMU.  The instructions are counted per place and
# divided by the number of operations in the window (entries into the
# guest's op_OP function):
#   guest       the bench guest (IPA 0x40000000.., MMU off)
#   hyp         gzvm-hyp (identity mapped at 0x40200000), per function
#   host        the host kernel (per function only with a real System.map:
#               Debian's is a stub; the -dbg package has the real one)
#   user        the VMM and anything else below the kernel's addresses
# The report goes to stdout and build/bench/profile/<config>-<op>.txt; the
# trace stays in <config>-<op>.trace; --reuse analyses it again, no boot.
# Run tools/bench.sh first (it builds everything this script uses).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { echo "bench-profile: $*" >&2; exit 2; }
WORK=$ROOT/build/bench
REUSE=0 OP=hvc
while [[ $# -gt 0 ]]; do
	case $1 in
	--reuse) REUSE=1 ;;
	--op) OP=$2; shift ;;
	-h|--help) sed -n '4,24p' "${BASH_SOURCE[0]}"; exit 0 ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
	shift
done
CFG=${1:-gzvm}
case $OP in hvc|mmio_read|mmio_write|gicd_read) ;; *) die "unknown --op '$OP'" ;; esac
GUEST_ELF=$WORK/bench-profile-$OP.elf
PROF=$WORK/profile
mkdir -p "$PROF"
# shellcheck disable=SC1091
. "$ROOT/build/deps/deps.env"
for f in "$WORK/vmm/gzvm-run" "$WORK/K61/gzvm.ko" "$ROOT/build/hyp/gzvm-hyp.elf"; do
	[[ -f $f ]] || die "$f missing: run tools/bench.sh first"
done
LOG=$PROF/$CFG-$OP.console
TRACE=$PROF/$CFG-$OP.trace
boot_and_trace() {
	make -C "$ROOT/tests/bench" OUT="$WORK" >/dev/null || die "building the bench guest failed"
	"$ROOT/tools/mkinitramfs.sh" -o "$PROF/initramfs.cpio.gz" "$ROOT/tests/bench/init-bench.sh" \
		"$WORK/vmm/gzvm-run" "$WORK/bench-profile-$OP.bin" "$WORK/K61/gzvm.ko" >/dev/null ||
		die "mkinitramfs failed"

	append="quiet nokaslr gzvmbench.profile=$OP"
	args=(--icount --cpu max --smp 2 --kernel K61 --initrd "$PROF/initramfs.cpio.gz"
		--timeout 900 --no-reboot)
	case $CFG in
	gzvm) args+=(--hyp "$ROOT/build/hyp/gzvm-hyp.bin") ;;
	kvm-vhe) args+=(--no-hyp) ;;
	kvm-nvhe) args+=(--no-hyp); append+=" kvm-arm.mode=nvhe" ;;
	pkvm) args+=(--no-hyp); append+=" kvm-arm.mode=protected" ;;
	*) die "unknown configuration '$CFG'" ;;
	esac

	MON=$PROF/monitor
	rm -f "$LOG" "$TRACE" "$MON.in" "$MON.out"
	mkfifo "$MON.in" "$MON.out"
	setsid "$ROOT/tools/board.sh" "${args[@]}" --append "$append" --log "$LOG" -- \
		-monitor "pipe:$MON" -D "$TRACE" </dev/null >/dev/null 2>&1 &
	pid=$!
	exec {mon}>"$MON.in"
	cat "$MON.out" >/dev/null &	# drain the monitor's replies
	drain=$!
	trap '' PIPE	# a write to a monitor that is gone fails instead of killing us
	hmp() { printf '%s\n' "$1" >&"$mon" || echo "bench-profile: monitor gone before '$1'" >&2; }

	for _ in $(seq 1 1800); do
		grep -aq 'BENCH-PROFILE-BEGIN' "$LOG" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	if grep -aq 'BENCH-PROFILE-BEGIN' "$LOG" 2>/dev/null; then
		sleep 2		# past the console line (MMIO exits) into the HVC loop
		hmp "singlestep on"
		hmp "log exec,nochain"
		sleep 4		# a traced instruction costs ~4 us: ~1 M instructions
		hmp "log none"
		hmp "quit"	# the guest would loop for a minute of virtual time
	fi
	wait "$pid"
	exec {mon}>&-
	kill "$drain" 2>/dev/null
	rm -f "$MON.in" "$MON.out"
	grep -aq 'BENCH-PROFILE-BEGIN' "$LOG" || die "the profile guest did not start (see $LOG)"
	[[ -s $TRACE ]] || die "no trace in $TRACE"
}
if [[ $REUSE -eq 0 ]]; then
	boot_and_trace
fi
[[ -s $TRACE ]] || die "no trace in $TRACE"

# Symbols: "ADDR NAME" sorted, for the hypervisor (relocated) and the host.
HYP_BASE=0x40200000
nm -n "$ROOT/build/hyp/gzvm-hyp.elf" | while read -r a t n; do
	[[ $t == [tTwW] && $n != \$* ]] && printf '%d %s\n' $((HYP_BASE + 0x$a)) "$n"
done >"$PROF/hyp.syms"
HYP_END=$((HYP_BASE + 0x$(nm "$ROOT/build/hyp/gzvm-hyp.elf" | awk '$3 == "_end" { print $1 }')))
SYSMAP=$(ls "$(dirname "$K61_IMAGE")"/root/boot/System.map-* | head -n1)

# One line per executed instruction: "Trace CPU: HOSTPTR [CSBASE/PC/FLAGS/CFLAGS] SYM"
grep -ao '^Trace [0-9]*: [0-9a-fx]* \[[0-9a-f]*/[0-9a-f]*' "$TRACE" |
	sed 's/^Trace \([0-9]*\): [0-9a-fx]* \[[0-9a-f]*\//\1 /' >"$PROF/$CFG-$OP.pcs"
OP_ENTRY=$(nm "$GUEST_ELF" | awk -v s="op_$OP" '$3 == s { print $1 }')
[[ -n $OP_ENTRY ]] || die "no op_$OP in $GUEST_ELF"

{
	echo "$OP profile, $CFG (tools/bench-profile.sh; QEMU -icount, one line per instruction)"
	awk -v entry="$OP_ENTRY" -v hb="$((HYP_BASE))" -v he="$HYP_END" -v hsyms="$PROF/hyp.syms" -v ksyms="$SYSMAP" '
	function hex(s,   i, c, v) {
		v = 0; s = tolower(s)
		for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
		return v
	}
	function lookup(addr, n, A, N,   lo, hi, mid) {	# last symbol <= addr
		lo = 1; hi = n
		if (n == 0 || addr < A[1]) return "?"
		while (lo < hi) { mid = int((lo + hi + 1) / 2); if (A[mid] <= addr) lo = mid; else hi = mid - 1 }
		return N[lo]
	}
	BEGIN {
		entry = hex(entry)
		hb = hb + 0
		while ((getline l < hsyms) > 0) { split(l, f, " "); ha[++nh] = f[1] + 0; hn[nh] = f[2] }
		while ((getline l < ksyms) > 0) {
			split(l, f, " ")
			if (f[2] ~ /^[tTwW]$/ && substr(f[1], 1, 4) == "ffff") { ka[++nk] = hex(substr(f[1], 5)); kn[nk] = f[3] }
		}
	}
	{
		cpu = $1; pc = $2; total++
		if (substr(pc, 1, 4) == "ffff") {
			where = "host"; sym = lookup(hex(substr(pc, 5)), nk, ka, kn)
		} else {
			v = hex(pc)
			if (v >= hb && v < he) { where = "hyp"; sym = lookup(v, nh, ha, hn) }
			else if (v >= 1073741824 && v < 1073741824 + 536870912) { where = "guest"; sym = "" }
			else { where = "user"; sym = "" }
		}
		if (where == "guest" && v == entry) nop++
		cnt[where]++
		if (sym != "" && sym != "?") fn[where " " sym]++
		percpu[cpu]++
	}
	END {
		if (!nop) { print "no operation in the trace"; exit 1 }
		printf "%d instructions traced, %d operations: %.0f instructions each\n", total, nop, total / nop
		for (c in percpu) printf "  CPU %s: %.0f per operation\n", c, percpu[c] / nop
		print ""
		print "per operation, by place:"
		for (w in cnt) printf "  %-6s %8.0f\n", w, cnt[w] / nop
		print ""
		print "per operation, by function (at least 5 instructions):"
		for (k in fn) if (fn[k] / nop >= 5) printf "  %8.0f  %s\n", fn[k] / nop, k | "sort -rn"
		close("sort -rn")
	}' "$PROF/$CFG-$OP.pcs"
} | tee "$PROF/$CFG-$OP.txt"
rm -f "$PROF/$CFG-$OP.pcs"	# the trace stays for a closer look
