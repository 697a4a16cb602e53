#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/run.sh [--host] [tools/board.sh options]
#
# Interactive board (make run): the hypervisor and the host kernel with a
# busybox initramfs whose /init is tools/init-shell.sh. That /init boots
# at once, with the VMM (gzvm-run), a Linux guest: the host's own Image,
# a busybox shell initramfs (tools/guest-init-shell.sh) with the virtio
# modules, and an ext4 disk (virtio-blk) mounted on /mnt, and leaves you at
# the guest's shell; "poweroff" in the guest gives the host's shell
# (/lib/gzvm/run-guest.sh boots the guest again).
#   --host    (make run-host) no guest: the host's shell straight away
# The host test module (tests/system/modules/hosttest) built for the
# chosen kernel, gzvm.ko, the VMM and the guest's files, and any files
# named in $GZVM_RUN_FILES (space-separated) are put in /lib/gzvm.
# $GZVM_GUEST_ARGS: gzvm-run options for the guest (default "--cpus 2").
# Leave QEMU with Ctrl-a x.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/tools/setup.sh"

run_guest=1
ktag=K61
args=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--host) run_guest=0 ;;
	--kernel) ktag=${2:-K61}; args+=("$1" "${2:-}"); shift ;;
	--) args+=("$@"); break ;;
	*) args+=("$1") ;;
	esac
	shift
done
set -- "${args[@]}"

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
GUEST_MODULES=virtio_mmio,virtio_blk,virtio_console,virtio-rng,virtio_net,vmw_vsock_virtio_transport,ext4
gdir=$WORK/guest/$ktag
mkdir -p "$gdir/disk-root"
printf '%s\n' "This is the guest's virtio-blk disk: build/run/guest/$ktag/guest-disk.ext4" \
	"on the build machine, /lib/gzvm/guest-disk.ext4 in the host's RAM. What you" \
	"write here stays across guest boots until QEMU ends." >"$gdir/disk-root/README"
if make -C "$ROOT/vmm" OUT="$WORK/vmm" >"$WORK/vmm.log" 2>&1 &&
	"$ROOT/tools/mkinitramfs.sh" -o "$gdir/guest-shell.cpio.gz" \
		--modules "$ktag" "$GUEST_MODULES" \
		"$ROOT/tools/guest-init-shell.sh" >>"$WORK/vmm.log" 2>&1 &&
	"$ROOT/tools/mkdisk.sh" "$gdir/guest-disk.ext4" 64M "$gdir/disk-root" >>"$WORK/vmm.log" 2>&1 &&
	[[ -f ${!img_var:-} ]]; then
	cp -u "${!img_var}" "$gdir/guest-Image"
	files+=("$WORK/vmm/gzvm-run" "$gdir/guest-shell.cpio.gz" "$gdir/guest-disk.ext4"
		"$gdir/guest-Image" "$ROOT/tools/run-guest.sh")
else
	echo "run: building the VMM or the guest failed (see $WORK/vmm.log)" >&2
	run_guest=0
fi
# What the host's /init (tools/init-shell.sh) does at boot.
printf '%s\n' "GZVM_RUN_GUEST=$run_guest" "GZVM_GUEST_ARGS=\"${GZVM_GUEST_ARGS:---cpus 2}\"" \
	>"$WORK/run.conf"
files+=("$WORK/run.conf")
# shellcheck disable=SC2206
[[ -n ${GZVM_RUN_FILES:-} ]] && files+=($GZVM_RUN_FILES)
# The host gets tun and vhost_vsock (loaded by its /init) for the VMM's
# virtio-net and vsock.
"$ROOT/tools/mkinitramfs.sh" -o "$WORK/initramfs-$ktag.cpio.gz" \
	--modules "$ktag" tun,vhost_vsock \
	"$ROOT/tools/init-shell.sh" "${files[@]}" >/dev/null
echo "run: Ctrl-a x leaves QEMU" >&2
exec "$ROOT/tools/board.sh" --initrd "$WORK/initramfs-$ktag.cpio.gz" "$@"
