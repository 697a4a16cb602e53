#!/usr/bin/env bash
# tests/hyp-image.sh RESULTS_DIR: build the hypervisor image and check what
# its loaders and its security rely on, as TAP (RESULTS_DIR/hyp-build.tap).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
results=$1
tap=$results/hyp-build.tap
bin=$ROOT/build/hyp/gzvm-hyp.bin
elf=$ROOT/build/hyp/gzvm-hyp.elf
mkdir -p "$results"
: >"$tap"
n=0
check() { # name, command...
	local name=$1
	shift
	n=$((n + 1))
	if "$@" >>"$results/hyp-build.log" 2>&1; then
		echo "ok $n - $name" >>"$tap"
	else
		echo "not ok $n - $name" >>"$tap"
	fi
}
le64() { od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '; }

check "hypervisor builds (-Werror)" make -C "$ROOT/hyp"
check "arm64 Image magic at offset 0x38" \
	bash -c "[[ \$(od -An -c -j 56 -N 4 '$bin' | tr -d ' ') == 'ARMd' ]]"
check "Image image_size covers the file and the bss" \
	bash -c "(( $(le64 "$bin" 16) >= $(stat -c %s "$bin") )) && (( $(le64 "$bin" 16) % 4096 == 0 ))"
check "only R_AARCH64_RELATIVE relocations (applied at entry)" \
	bash -c "! aarch64-linux-gnu-readelf -r '$elf' | grep -E '^[0-9a-f]{12}' | grep -v R_AARCH64_RELATIV"
check "no FP/SIMD instruction at EL2" make -C "$ROOT/hyp" check-nofp
check "text, rodata and data are page aligned (W^X mapping)" \
	bash -c "for s in _etext _erodata _end; do a=\$(aarch64-linux-gnu-nm '$elf' | awk -v s=\$s '\$3 == s { print \$1 }'); (( 16#\$a % 4096 == 0 )) || exit 1; done"
echo "1..$n" >>"$tap"
! grep -q '^not ok' "$tap"
