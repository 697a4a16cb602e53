#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/build-kmod.sh SRC_DIR TAG OUT_DIR
#
# Cross-build the out-of-tree module in SRC_DIR (a directory with a Kbuild
# file) against the extracted arm64 headers of kernel TAG (K61 or K612, see
# build/deps/deps.env written by tools/setup.sh) and copy the resulting
# .ko files into OUT_DIR.  SRC_DIR is copied to
# build/kmod/<TAG>/<name>/ first so it is left free of build litter.
#
# Extra make arguments may follow after "--" (e.g. -- W=1).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
usage() { echo "usage: $0 SRC_DIR K61|K612 OUT_DIR [-- make args]" >&2; exit 2; }
[[ $# -ge 3 ]] || usage
SRC=$(cd "$1" && pwd)
TAG=$2
OUT=$3
shift 3
[[ ${1:-} == -- ]] && shift
[[ -f $SRC/Kbuild || -f $SRC/Makefile ]] || { echo "$0: no Kbuild in $SRC" >&2; exit 1; }

ENV=$ROOT/build/deps/deps.env
[[ -f $ENV ]] || "$ROOT/tools/setup.sh"
# shellcheck disable=SC1090
. "$ENV"
kdir_var=${TAG}_KDIR
KDIR=${!kdir_var:-}
[[ -n $KDIR && -d $KDIR ]] || { echo "$0: unknown kernel tag '$TAG' (K61, K612)" >&2; exit 1; }

BDIR=$ROOT/build/kmod/$TAG/$(basename "$SRC")
mkdir -p "$BDIR" "$OUT"
# Mirror the sources (keeping timestamps so make stays incremental).
if command -v rsync >/dev/null; then
	rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod*' --exclude=modules.order --exclude=Module.symvers \
		"$SRC/" "$BDIR/"
else
	(cd "$SRC" && find . -type f ! -name '*.o' ! -name '*.ko' ! -name '.*.cmd' \
		! -name '*.mod' ! -name '*.mod.c' ! -name modules.order \
		! -name Module.symvers -print0 |
		while IFS= read -r -d '' f; do
			mkdir -p "$BDIR/$(dirname "$f")"
			cp -p "$f" "$BDIR/$f"
		done)
fi

make -s -C "$KDIR" M="$BDIR" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
	-j"$(nproc)" "$@" modules

shopt -s nullglob
kos=("$BDIR"/*.ko)
[[ ${#kos[@]} -gt 0 ]] || { echo "$0: no .ko produced in $BDIR" >&2; exit 1; }
cp "${kos[@]}" "$OUT/"
for k in "${kos[@]}"; do
	echo "$OUT/$(basename "$k")"
done
