#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/kmodules.sh KTAG MOD[,MOD...] OUT_DIR
#
# Collect kernel modules of one of the Debian kernels of build/deps
# (KTAG = K61 or K612, see build/deps/deps.env) with everything they need,
# for an initramfs whose busybox insmod knows neither dependencies nor
# compressed modules:
#   OUT_DIR/NAME.ko   every module, decompressed (.ko.xz/.ko.gz/.ko)
#   OUT_DIR/order     their names, one a line, in an order that loads
#                     (each module after its dependencies)
# Dependencies come from modules.dep (and "pre:" soft dependencies, such as
# ext4's crypto-crc32c, from modules.softdep through modules.alias). The
# Debian package leaves no modules.dep (its postinst runs depmod), so the
# index is made once with depmod into build/modindex/KTAG. Modules built
# into the kernel (modules.builtin) are skipped with a note on stderr.
# Names may use '-' or '_' (virtio-rng, virtio_rng).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { echo "kmodules: $*" >&2; exit 1; }
[[ $# -eq 3 ]] || { echo "usage: $0 K61|K612 MOD[,MOD...] OUT_DIR" >&2; exit 2; }
KTAG=$1 LIST=$2 OUT=$3

ENV=$ROOT/build/deps/deps.env
[[ -f $ENV ]] || "$ROOT/tools/setup.sh"
# shellcheck disable=SC1090
. "$ENV"
ver_var=${KTAG}_VER moddir_var=${KTAG}_MODDIR
VER=${!ver_var:-} MODDIR=${!moddir_var:-}
[[ -n $VER && -d $MODDIR/kernel ]] || die "unknown kernel '$KTAG' (K61 or K612) or no modules in build/deps"
command -v depmod >/dev/null || PATH=$PATH:/usr/sbin:/sbin
command -v depmod >/dev/null || die "depmod missing (Debian package kmod; tools/setup.sh installs it)"

# The index: a tree whose kernel/ links to the real modules, so that
# depmod writes its files here and build/deps stays as extracted.
index_dir() {
	local base=$ROOT/build/modindex/$KTAG
	local dir=$base/lib/modules/$VER
	if [[ ! -s $dir/modules.dep || $MODDIR/modules.order -nt $dir/modules.dep ]]; then
		rm -rf "$base"
		mkdir -p "$dir"
		ln -s "$MODDIR/kernel" "$dir/kernel"
		cp "$MODDIR"/modules.order "$MODDIR"/modules.builtin* "$dir/"
		depmod -b "$base" "$VER" || die "depmod failed for $KTAG"
	fi
	echo "$dir"
}
IDX=$(index_dir)

# norm PATH|NAME: the module name, with '_' for '-' (into $NORM: no
# subshell, the index has thousands of lines)
norm() { NORM=${1##*/}; NORM=${NORM%%.ko*}; NORM=${NORM//-/_}; }

declare -A PATH_OF DEPS_OF BUILTIN ALIAS PRE_OF
while IFS= read -r line; do
	p=${line%%:*}
	norm "$p"
	PATH_OF[$NORM]=$p
	DEPS_OF[$p]=${line#*:}
done <"$IDX/modules.dep"
while IFS= read -r p; do norm "$p"; BUILTIN[$NORM]=1; done <"$IDX/modules.builtin"
while read -r _ a m; do
	norm "$m"
	[[ -z ${ALIAS[$a]:-} ]] && ALIAS[$a]=$NORM
done < <(grep '^alias ' "$IDX/modules.alias")
while read -r _ m rest; do
	pre=${rest#pre: }
	[[ $pre == "$rest" ]] && continue	# post: only
	norm "$m"
	PRE_OF[$NORM]=${pre%%post:*}
done < <(grep '^softdep ' "$IDX/modules.softdep")

ORDER=()
declare -A SEEN
# visit NAME STRICT: append NAME after what it needs; STRICT=0 for soft
# dependencies, which may be missing or built in.
visit() {
	local n p d s
	norm "$1"
	n=$NORM
	[[ -n ${SEEN[$n]:-} ]] && return 0
	SEEN[$n]=1
	if [[ -z ${PATH_OF[$n]:-} && -n ${ALIAS[$1]:-} ]]; then
		n=${ALIAS[$1]}
		[[ -n ${SEEN[$n]:-} ]] && return 0
		SEEN[$n]=1
	fi
	if [[ -n ${BUILTIN[$n]:-} ]]; then
		[[ $2 -eq 1 ]] && echo "kmodules: $n is built into $KTAG ($VER): skipped" >&2
		return 0
	fi
	p=${PATH_OF[$n]:-}
	if [[ -z $p ]]; then
		[[ $2 -eq 1 ]] && die "no module '$1' in $KTAG ($VER)"
		return 0
	fi
	for s in ${PRE_OF[$n]:-}; do visit "$s" 0; done
	for d in ${DEPS_OF[$p]}; do visit "$d" 1; done
	ORDER+=("$n")
}
IFS=, read -r -a WANT <<<"$LIST"
for m in "${WANT[@]}"; do
	[[ -n $m ]] && visit "$m" 1
done

mkdir -p "$OUT"
: >"$OUT/order"
for n in "${ORDER[@]}"; do
	src=$IDX/${PATH_OF[$n]}
	case $src in
	*.ko.xz) xz -dc "$src" >"$OUT/$n.ko" ;;
	*.ko.gz) gzip -dc "$src" >"$OUT/$n.ko" ;;
	*.ko) cp "$src" "$OUT/$n.ko" ;;
	*) die "$src: unknown module compression" ;;
	esac
	echo "$n" >>"$OUT/order"
done
