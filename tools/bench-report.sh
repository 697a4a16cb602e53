#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/bench-report.sh LOGS_DIR OUT_DIR CONFIG...
#
# The report of tools/bench.sh: from LOGS_DIR/<config>.txt (parsed console
# logs) write OUT_DIR/results.md (the table, also printed), results.json
# and chart.png (gnuplot, medians on a log scale).  A configuration that
# failed appears as "failed" with its reason.
set -euo pipefail

[[ $# -ge 3 ]] || { echo "usage: $0 LOGS_DIR OUT_DIR CONFIG..." >&2; exit 2; }
LOGS=$1 OUT=$2
shift 2
CONFIGS=("$@")
mkdir -p "$OUT"

# Benchmarks in table order: name|what is measured
BENCHES=(
	"hvc|guest HVC round trip (PSCI_VERSION)"
	"mmio_read|MMIO read exit to the VMM and back (PL011 UARTFR)"
	"mmio_write|MMIO write exit to the VMM and back (PL011 UARTILPR)"
	"gicd_read|vGIC distributor MMIO read (GICD_TYPER)"
	"eoi|EOI (ICC_EOIR1_EL1 write of INTID 1023)"
	"ipi|virtual IPI round trip vCPU 0 -> 1 -> 0 (SGIs, both in WFI)"
	"virtio_rng|virtio request round trip: QueueNotify (ioeventfd) -> VMM I/O thread -> irqfd -> guest IRQ (virtio-rng, 16 bytes)"
	"timer_spin|virtual timer IRQ latency, vCPU spinning"
	"timer_wfi|virtual timer IRQ latency, vCPU in WFI"
	"fault_4k|first touch of guest RAM, per 4 KiB page"
	"fault_2m|first touch of guest RAM, per 2 MiB block"
	"vm_cycle|VM create + run + destroy (gzvm-run, a guest that powers off)"
	"idle_10ms|idle 1-vCPU guest: VMM CPU time per 10 ms timer tick"
	"linux_boot|Linux guest: VMM start to /init (1 vCPU, 256 MiB)"
	"blk_read_1m|virtio-blk read from the Linux guest, per MiB (dd, 1 MiB O_DIRECT)"
	"blk_write_1m|virtio-blk write from the Linux guest, per MiB (dd, 1 MiB O_DIRECT)"
	"loop|the guest's empty loop iteration (calibration)"
)
declare -A TITLE=([gzvm]="gzvm" [kvm-vhe]="KVM VHE" [kvm-nvhe]="KVM nVHE" [pkvm]="pKVM")

field() { # field CONFIG NAME COLUMN: from "result NAME MEDIAN MIN MAX ITERS BATCHES Q1 Q3"
	awk -v n="$2" -v c="$3" '$1 == "result" && $2 == n { print $c; exit }' "$LOGS/$1.txt" 2>/dev/null
}
status() { # status CONFIG: ok, or "failed REASON"
	local s
	s=$(grep -m1 '^status ' "$LOGS/$1.txt" 2>/dev/null | cut -d' ' -f2-)
	echo "${s:-failed not run (no $LOGS/$1.txt)}"
}
errors() { grep '^error ' "$LOGS/$1.txt" 2>/dev/null | cut -d' ' -f2- || true; }
host_info() { grep -m1 '^host ' "$LOGS/$1.txt" 2>/dev/null | cut -d' ' -f2- || true; }

# "1234" (instructions) or "12.3 M" for large ones; "-" when missing
fmt() {
	[[ -n $1 ]] || { echo "-"; return; }
	awk -v v="$1" 'BEGIN {
		if (v >= 1e7) printf "%.1f M", v / 1e6
		else if (v >= 100) printf "%d", v + 0.5
		else printf "%.1f", v }'
}
# spread of the batches: half the interquartile range, in % of the median
spread() {
	awk -v m="$1" -v q1="$2" -v q3="$3" 'BEGIN {
		if (m <= 0) { print ""; exit }
		printf " ±%.0f%%", 50 * (q3 - q1) / m }'
}
ratio() { # ratio A B: A / B
	[[ -n $1 && -n $2 ]] || { echo "-"; return; }
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "-" }'
}
has() { [[ " ${CONFIGS[*]} " == *" $1 "* ]]; }

# ---- results.md ----
{
	echo "| benchmark (instructions per operation: median ± half the interquartile range of its batches) |$(for c in "${CONFIGS[@]}"; do printf ' %s |' "${TITLE[$c]}"; done)$(has gzvm && has kvm-vhe && printf ' gzvm / VHE |')$(has gzvm && has kvm-nvhe && printf ' gzvm / nVHE |')"
	printf '|---|'
	for _ in "${CONFIGS[@]}"; do printf -- '--:|'; done
	has gzvm && has kvm-vhe && printf -- '--:|'
	has gzvm && has kvm-nvhe && printf -- '--:|'
	echo
	for b in "${BENCHES[@]}"; do
		name=${b%%|*} what=${b#*|}
		printf '| %s |' "$what"
		for c in "${CONFIGS[@]}"; do
			if [[ $(status "$c") != ok && -z $(field "$c" "$name" 3) ]]; then
				printf ' failed |'
				continue
			fi
			m=$(field "$c" "$name" 3)
			if [[ -z $m ]]; then printf ' - |'; continue; fi
			printf ' %s%s |' "$(fmt "$m")" "$(spread "$m" "$(field "$c" "$name" 8)" "$(field "$c" "$name" 9)")"
		done
		has gzvm && has kvm-vhe && printf ' %s |' "$(ratio "$(field gzvm "$name" 3)" "$(field kvm-vhe "$name" 3)")"
		has gzvm && has kvm-nvhe && printf ' %s |' "$(ratio "$(field gzvm "$name" 3)" "$(field kvm-nvhe "$name" 3)")"
		echo
	done
	echo
	for c in "${CONFIGS[@]}"; do
		s=$(status "$c")
		printf -- '- %s: %s' "${TITLE[$c]}" "$( [[ $s == ok ]] && echo "ran" || echo "**$s**")"
		h=$(host_info "$c")
		[[ -n $h ]] && printf ' (%s)' "$h"
		echo
		errors "$c" | sed 's/^/  - error: /'
	done
} >"$OUT/results.md"
cat "$OUT/results.md"

# ---- results.json ----
json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
{
	echo '{'
	echo '  "unit": "instructions per operation (ns of virtual time at -icount shift=0)",'
	echo '  "method": "tools/bench.sh: QEMU virt -cpu max -smp 2 -icount shift=0,sleep=off, host Linux 6.1, bench guest (tests/bench/guest) with 2 vCPUs and 512 MiB; 15 batches per benchmark, median/min/max of the per-operation cost of each batch",'
	printf '  "qemu": %s,\n' "$(json_str "$(qemu-system-aarch64 --version | head -n1)")"
	echo '  "benchmarks": {'
	n=0
	for b in "${BENCHES[@]}"; do
		n=$((n + 1))
		printf '    %s: %s%s\n' "$(json_str "${b%%|*}")" "$(json_str "${b#*|}")" "$([[ $n -lt ${#BENCHES[@]} ]] && echo ,)"
	done
	echo '  },'
	echo '  "configs": {'
	k=0
	for c in "${CONFIGS[@]}"; do
		k=$((k + 1))
		s=$(status "$c")
		printf '    %s: {\n' "$(json_str "$c")"
		printf '      "title": %s,\n' "$(json_str "${TITLE[$c]}")"
		printf '      "status": %s,\n' "$(json_str "${s%% *}")"
		[[ $s != ok ]] && printf '      "reason": %s,\n' "$(json_str "${s#failed }")"
		printf '      "host": %s,\n' "$(json_str "$(host_info "$c")")"
		printf '      "errors": [%s],\n' "$(errors "$c" | while IFS= read -r e; do printf '%s,' "$(json_str "$e")"; done | sed 's/,$//')"
		echo '      "results": {'
		awk '$1 == "result" { r[++n] = sprintf("        \"%s\": {\"median\": %s, \"min\": %s, \"max\": %s, \"q1\": %s, \"q3\": %s, \"iterations\": %s, \"batches\": %s}", $2, $3, $4, $5, $8, $9, $6, $7) }
			END { for (i = 1; i <= n; i++) print r[i] (i < n ? "," : "") }' "$LOGS/$c.txt" 2>/dev/null || true
		echo '      }'
		printf '    }%s\n' "$([[ $k -lt ${#CONFIGS[@]} ]] && echo ,)"
	done
	echo '  }'
	echo '}'
} >"$OUT/results.json"

# ---- chart.png: medians, one cluster per benchmark, log scale ----
DAT=$(mktemp)
trap 'rm -f "$DAT"' EXIT
{
	printf 'benchmark'
	for c in "${CONFIGS[@]}"; do printf '\t"%s"' "${TITLE[$c]}"; done
	echo
	for b in "${BENCHES[@]}"; do
		name=${b%%|*}
		# loop, eoi: a few instructions, no exit; vm_cycle and linux_boot:
		# millions to billions, scales of their own
		[[ $name == loop || $name == eoi || $name == linux_boot || $name == vm_cycle ]] && continue
		printf '%s' "$name"
		for c in "${CONFIGS[@]}"; do
			m=$(field "$c" "$name" 3)
			printf '\t%s' "${m:-NaN}"
		done
		echo
	done
} >"$DAT"
ncol=$((${#CONFIGS[@]} + 1))
if command -v gnuplot >/dev/null; then
	gnuplot <<EOF
set terminal pngcairo size 1100,560 font ",10" noenhanced
set output "$OUT/chart.png"
set title "gzvm vs KVM: instructions per operation (median, QEMU -icount shift=0; lower is better)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set yrange [10:*]
set format y "%.0s%c"
set grid ytics
set xtics rotate by -30 scale 0
set key top left
set datafile missing "NaN"
plot for [i=2:$ncol] "$DAT" using i:xtic(1) title columnhead(i)
EOF
	echo "bench: wrote $OUT/results.md, results.json, chart.png"
else
	echo "bench: gnuplot missing (tools/setup.sh installs gnuplot-nox): no chart" >&2
	echo "bench: wrote $OUT/results.md, results.json"
fi
