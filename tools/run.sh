#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/run.sh [tools/board.sh options]
#
# Interactive board (make run): the hypervisor and the host kernel with a
# busybox initramfs whose /init is tools/init-shell.sh, a shell on the
# console. The host test module (tests/system/modules/hosttest) built for
# the chosen kernel and any files named in $GZVM_RUN_FILES (space-separated)
# are put in /lib/gzvm. Leave QEMU with Ctrl-a x.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/tools/setup.sh"

ktag=K61
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
	[[ ${args[i]} == --kernel ]] && ktag=${args[i + 1]:-K61}
	[[ ${args[i]} == -- ]] && break
done

WORK=$ROOT/build/run
mkdir -p "$WORK"
files=()
if "$ROOT/tools/build-kmod.sh" "$ROOT/tests/system/modules/hosttest" "$ktag" \
	"$WORK/$ktag" >"$WORK/kmod-$ktag.log" 2>&1; then
	files+=("$WORK/$ktag/gzvm_hosttest.ko")
else
	echo "run: building gzvm_hosttest.ko failed (see $WORK/kmod-$ktag.log)" >&2
fi
# shellcheck disable=SC2206
[[ -n ${GZVM_RUN_FILES:-} ]] && files+=($GZVM_RUN_FILES)
"$ROOT/tools/mkinitramfs.sh" -o "$WORK/initramfs-$ktag.cpio.gz" \
	"$ROOT/tools/init-shell.sh" "${files[@]}" >/dev/null
echo "run: Ctrl-a x leaves QEMU" >&2
exec "$ROOT/tools/board.sh" --initrd "$WORK/initramfs-$ktag.cpio.gz" "$@"
