#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/run.sh [tools/board.sh options]
#
# Interactive board (make run): the hypervisor and the host kernel with a
# busybox initramfs whose /init is tools/init-shell.sh, a shell on the
# console. The host test module (tests/system/modules/hosttest) built for
# the chosen kernel, gzvm.ko, the VMM (gzvm-run) with a Linux guest
# (/lib/gzvm/run-guest.sh boots it) and any files named in $GZVM_RUN_FILES
# (space-separated) are put in /lib/gzvm. Leave QEMU with Ctrl-a x.
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
# The VMM and a Linux guest (the host's own Image, a busybox shell
# initramfs): /lib/gzvm/run-guest.sh in the host boots it. Whatever fails
# here only leaves the host shell without the guest.
. "$ROOT/build/deps/deps.env"
img_var=${ktag}_IMAGE
if "$ROOT/tools/build-kmod.sh" "$ROOT/driver" "$ktag" "$WORK/$ktag" \
	>"$WORK/driver-$ktag.log" 2>&1; then
	files+=("$WORK/$ktag/gzvm.ko")
else
	echo "run: building gzvm.ko failed (see $WORK/driver-$ktag.log)" >&2
fi
if make -C "$ROOT/vmm" OUT="$WORK/vmm" >"$WORK/vmm.log" 2>&1 &&
	"$ROOT/tools/mkinitramfs.sh" -o "$WORK/guest/guest-shell.cpio.gz" \
		"$ROOT/tools/guest-init-shell.sh" >>"$WORK/vmm.log" 2>&1 &&
	[[ -f ${!img_var:-} ]]; then
	mkdir -p "$WORK/guest/$ktag"
	cp -u "${!img_var}" "$WORK/guest/$ktag/guest-Image"
	files+=("$WORK/vmm/gzvm-run" "$WORK/guest/guest-shell.cpio.gz"
		"$WORK/guest/$ktag/guest-Image" "$ROOT/tools/run-guest.sh")
else
	echo "run: building the VMM or the guest failed (see $WORK/vmm.log)" >&2
fi
# shellcheck disable=SC2206
[[ -n ${GZVM_RUN_FILES:-} ]] && files+=($GZVM_RUN_FILES)
"$ROOT/tools/mkinitramfs.sh" -o "$WORK/initramfs-$ktag.cpio.gz" \
	"$ROOT/tools/init-shell.sh" "${files[@]}" >/dev/null
echo "run: Ctrl-a x leaves QEMU" >&2
exec "$ROOT/tools/board.sh" --initrd "$WORK/initramfs-$ktag.cpio.gz" "$@"
