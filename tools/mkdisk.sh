#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/mkdisk.sh OUT.img SIZE [DIR]
#
# Make an ext4 disk image for a guest's virtio-blk (gzvm-run --disk) on
# the build machine, without root: mke2fs -d copies DIR (if given) into
# the new file system, files owned by root. SIZE as mke2fs takes it
# (16M, 64M, ...). The volume label is "gzvm".
set -euo pipefail

usage() { echo "usage: $0 OUT.img SIZE [DIR]" >&2; exit 2; }
[[ $# -eq 2 || $# -eq 3 ]] || usage
OUT=$1 SIZE=$2 DIR=${3:-}
PATH=$PATH:/usr/sbin:/sbin
command -v mke2fs >/dev/null ||
	{ echo "$0: mke2fs missing (Debian package e2fsprogs; tools/setup.sh installs it)" >&2; exit 1; }
[[ -z $DIR || -d $DIR ]] || { echo "$0: no such directory: $DIR" >&2; exit 1; }

mkdir -p "$(dirname "$OUT")"
rm -f "$OUT.tmp"
args=(-q -F -t ext4 -L gzvm -E root_owner=0:0)
[[ -n $DIR ]] && args+=(-d "$DIR")
truncate -s "$SIZE" "$OUT.tmp"
mke2fs "${args[@]}" "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
