#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/bench.sh [options] [CONFIG...]  (make bench)
#
# Deterministic microbenchmarks of gzvm against KVM.  Each configuration
# boots the board (tools/board.sh --icount --smp 2, -cpu max, host kernel
# 6.1) with tests/bench/init-bench.sh as the host's /init, which runs the
# bench guest (tests/bench/guest) with gzvm-run and powers off.  Under
# -icount shift=0,sleep=off the guest's counter advances 1 ns per
# instruction executed by the whole board, so each figure is the number of
# instructions an operation costs (hypervisor + host kernel + VMM), the same
# on every run and every machine with this QEMU.
#
# Configurations (default: all four):
#   gzvm      the hypervisor at EL2, the host at EL1, gzvm-run --backend gzvm
#   kvm-vhe   the host at EL2 (no hypervisor), KVM in VHE mode, --backend kvm
#   kvm-nvhe  the same with kvm-arm.mode=nvhe
#   pkvm      the same with kvm-arm.mode=protected
#
# Options:
#   --out DIR       results.json, results.md and chart.png (default docs/bench)
#   --no-linux      skip the Linux guest: its boot (VMM start to /init, 3
#                   runs) and its virtio-blk dd (64 MiB each way, 3 runs)
#   --timeout SEC   per boot (default 900)
#
# Console logs and parsed results: build/bench/logs/<config>.{log,txt}.
# The table goes to stdout and OUT/results.md.  Exit status 0 when every
# configuration ran (a configuration that fails is reported, with its
# reason, in the table, the JSON and the exit status 1).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { echo "bench: $*" >&2; exit 2; }

OUT=$ROOT/docs/bench
LINUX=1
TIMEOUT=900
CONFIGS=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--out) OUT=$2; shift ;;
	--no-linux) LINUX=0 ;;
	--timeout) TIMEOUT=$2; shift ;;
	-h|--help) sed -n '4,30p' "${BASH_SOURCE[0]}"; exit 0 ;;
	-*) die "unknown option $1 (--help)" ;;
	*) CONFIGS+=("$1") ;;
	esac
	shift
done
ALL_CONFIGS=(gzvm kvm-vhe kvm-nvhe pkvm)
[[ ${#CONFIGS[@]} -gt 0 ]] || CONFIGS=("${ALL_CONFIGS[@]}")
for c in "${CONFIGS[@]}"; do
	[[ " ${ALL_CONFIGS[*]} " == *" $c "* ]] || die "unknown configuration '$c' (${ALL_CONFIGS[*]})"
done

WORK=$ROOT/build/bench
LOGS=$WORK/logs
mkdir -p "$WORK" "$LOGS" "$OUT"
OUT=$(realpath "$OUT")

# ---- build: hypervisor, VMM, gzvm.ko (6.1), bench guest, host initramfs ----
build() {
	"$ROOT/tools/setup.sh" &&
		make -C "$ROOT/hyp" &&
		make -C "$ROOT/vmm" OUT="$WORK/vmm" &&
		"$ROOT/tools/build-kmod.sh" "$ROOT/driver" K61 "$WORK/K61" &&
		make -C "$ROOT/tests/bench" OUT="$WORK" || return 1
	# shellcheck disable=SC1091
	. "$ROOT/build/deps/deps.env"
	local files=("$WORK/vmm/gzvm-run" "$WORK/bench-guest.bin" "$WORK/bench-off.bin" "$WORK/bench-idle.bin"
		"$WORK/K61/gzvm.ko")
	if [[ $LINUX -eq 1 ]]; then
		# the Linux guest of the system tests: the host's own Image
		"$ROOT/tools/mkinitramfs.sh" -o "$WORK/guest-initramfs.cpio.gz" \
			--modules K61 virtio_mmio,virtio_blk "$ROOT/tests/system/guest-init.sh" || return 1
		ln -f "$K61_IMAGE" "$WORK/guest-Image" 2>/dev/null || cp "$K61_IMAGE" "$WORK/guest-Image"
		files+=("$WORK/guest-initramfs.cpio.gz" "$WORK/guest-Image")
	fi
	"$ROOT/tools/mkinitramfs.sh" -o "$WORK/initramfs.cpio.gz" \
		"$ROOT/tests/bench/init-bench.sh" "${files[@]}"
}
echo "bench: building (log: build/bench/build.log)"
build >"$WORK/build.log" 2>&1 || { tail -20 "$WORK/build.log" >&2; die "build failed"; }

# ---- one configuration: boot, then parse the console into <cfg>.txt ----
board_args() { # board_args CONFIG
	local append="quiet"
	[[ $LINUX -eq 1 ]] && append+=" gzvmbench.linux=1"
	local args=(--icount --cpu max --smp 2 --kernel K61 --initrd "$WORK/initramfs.cpio.gz"
		--timeout "$TIMEOUT" --no-reboot)
	case $1 in
	gzvm) args+=(--hyp "$ROOT/build/hyp/gzvm-hyp.bin") ;;
	kvm-vhe) args+=(--no-hyp) ;;
	kvm-nvhe) args+=(--no-hyp); append+=" kvm-arm.mode=nvhe" ;;
	pkvm) args+=(--no-hyp); append+=" kvm-arm.mode=protected" ;;
	esac
	printf '%s\n' "${args[@]}" --append "$append"
}

# Parsed format, one record a line:
#   status ok | status failed REASON
#   host KEY=VALUE...        (BENCH-HOST line)
#   result NAME MEDIAN MIN MAX ITERS BATCHES Q1 Q3  (per operation, in ns;
#                            Q1, Q3: the quartiles of the batches)
#   error NAME REASON
parse_log() { # parse_log LOG QEMU_STATUS
	tr -d '\r' <"$1" | awk -v rc="$2" -v timeout="$TIMEOUT" '
	function sort(a, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	}
	/^BENCH-HOST backend=/ { sub(/^BENCH-HOST /, ""); print "host " $0 }
	/^BENCH-START freq=/ { split($2, f, "="); freq = f[2] + 0 }
	# BENCH: counter ticks per batch; BENCH-NS (from the host): ns per batch
	/^BENCH(-NS)? [a-z0-9_]+ iters=[0-9]+ (ticks|ns)=/ {
		split($3, it, "="); split($4, tk, "="); iters = it[2] + 0
		hz = ($1 == "BENCH-NS") ? 1e9 : freq
		n = split(tk[2], t, ",")
		if (!hz || !iters || n < 1) next
		for (i = 1; i <= n; i++) v[i] = t[i] * 1e9 / hz / iters
		sort(v, n)
		med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		printf "result %s %.1f %.1f %.1f %d %d %.1f %.1f\n", $2, med, v[1], v[n], iters, n,
			v[int((n + 3) / 4)], v[int((3 * n + 3) / 4)]
	}
	/^BENCH-ERROR / { sub(/^BENCH-ERROR /, ""); print "error " $0 }
	/^BENCH-DONE/ { done = 1 }
	/^BENCH-OUTPUT-END status=/ { split($2, s, "="); vmm = s[2] }
	/^BENCH-LINUX run=[0-9]+ status=0 init_s=[0-9.]+$/ {
		split($4, s, "="); boot[++nboot] = s[2] * 1e9
	}
	/^BENCH-LINUX / && !/status=0 init_s=[0-9.]+$/ { print "error linux_boot " $0 }
	/Kernel panic/ && !panic { panic = $0 }
	END {
		if (nboot) {
			sort(boot, nboot)
			printf "result linux_boot %.1f %.1f %.1f 1 %d %.1f %.1f\n", boot[int((nboot + 1) / 2)],
				boot[1], boot[nboot], nboot, boot[1], boot[nboot]
		}
		if (done && vmm == "0") print "status ok"
		else if (rc == 124 || rc == 137) print "status failed killed by the " timeout " s timeout"
		else if (panic != "") print "status failed host: " panic
		else if (vmm == "") print "status failed the host never ran the bench guest (QEMU status " rc ")"
		else if (!done) print "status failed the guest did not finish (gzvm-run status " vmm ")"
		else print "status failed gzvm-run exited with status " vmm
	}'
}

run_config() { # run_config CONFIG
	local cfg=$1 log=$LOGS/$1.log rc t0
	local -a args
	mapfile -t args < <(board_args "$cfg")
	t0=$(date +%s)
	rm -f "$log"
	setsid "$ROOT/tools/board.sh" "${args[@]}" --log "$log" </dev/null >/dev/null 2>&1
	rc=$?
	parse_log "$log" "$rc" >"$LOGS/$cfg.txt"
	printf 'bench: %-9s %4d s wall, %s\n' "$cfg" $(($(date +%s) - t0)) \
		"$(grep '^status' "$LOGS/$cfg.txt" | cut -d' ' -f2-)"
}

for cfg in "${CONFIGS[@]}"; do
	run_config "$cfg"
done

# ---- the table, the JSON and the chart, from every <cfg>.txt there is ----
"$ROOT/tools/bench-report.sh" "$LOGS" "$OUT" "${CONFIGS[@]}"
rc=0
for cfg in "${CONFIGS[@]}"; do
	grep -q '^status ok' "$LOGS/$cfg.txt" || rc=1
done
exit $rc
