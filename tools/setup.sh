#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/setup.sh - install everything gzvm needs on a Debian 12 machine.
#
#   tools/setup.sh [--force]
#
# System-wide (apt-get install): the cross toolchain, QEMU, dtc/libfdt,
# cmocka, clang, gdb-multiarch, cpio, xz, the firmware that gzvm-run --bios
# boots in the system tests (u-boot-qemu, qemu-efi-aarch64; both arch all),
# mtools, dosfstools and e2fsprogs (disk images for them), gnuplot (make
# bench), socat (the QEMU monitor of a board that hangs), and the native (amd64) linux-kbuild-* packages that match the
# arm64 kernel headers.
#
# Into build/deps/ (apt-get download + dpkg -x, nothing system-wide):
#   k61/   the kernel of the linux-image-arm64 meta-package (today 6.1)
#   k612/  the kernel of linux-image-6.12-arm64
#          each: root/ (extracted image + headers + headers-common),
#          Image (raw arm64 Image), fixed-up headers usable as KDIR
#   busybox/root/bin/busybox         busybox-static:arm64
#   libfdt-arm64/root/usr/...        libfdt-dev:arm64 + libfdt1:arm64
#   checkpatch/scripts/checkpatch.pl from linux-source-6.1 (+ spelling.txt,
#                                    const_structs.checkpatch)
#   deps.mk, deps.env                paths of all the above
#
# Idempotent: a stamp file (build/deps/.stamp) records a completed run;
# when it is present and every recorded path and package is still there the
# script returns in well under a second, without apt-get update.
# --force re-resolves the kernel versions from the meta-packages.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPS=$ROOT/build/deps
DEBS=$DEPS/debs
STAMP=$DEPS/.stamp

SYSTEM_PKGS=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
	device-tree-compiler libfdt-dev libcmocka-dev clang libclang-rt-14-dev
	gdb-multiarch cpio xz-utils kmod e2fsprogs u-boot-qemu qemu-efi-aarch64 mtools dosfstools
	gnuplot-nox openssl socat)

# Kernel tags and the meta-packages they are resolved from.
TAGS=(K61 K612)
declare -A META_IMAGE=([K61]=linux-image-arm64 [K612]=linux-image-6.12-arm64)
declare -A META_HEADERS=([K61]=linux-headers-arm64 [K612]=linux-headers-6.12-arm64)

FORCE=0
[[ ${1:-} == --force ]] && FORCE=1

log() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
	command -v sudo >/dev/null && SUDO=(sudo)
fi

APT_UPDATED=0
apt_update() {
	[[ $APT_UPDATED -eq 1 ]] && return 0
	log "apt-get update"
	"${SUDO[@]}" apt-get update -qq
	APT_UPDATED=1
}

# Print the packages (of the arguments) that are not installed.
missing_pkgs() {
	local p st
	for p in "$@"; do
		st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
		[[ $st == ii* ]] || echo "$p"
	done
}

apt_install() {
	[[ $# -eq 0 ]] && return 0
	log "apt-get install $*"
	if ! DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq \
		--no-install-recommends "$@" >/dev/null; then
		apt_update
		DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq \
			--no-install-recommends "$@" >/dev/null
	fi
}

# ---------------------------------------------------------------------------
# Fast path: everything recorded by the last run is still there.
# ---------------------------------------------------------------------------
stamp_valid() {
	[[ -f $STAMP && -f $DEPS/deps.env && -f $DEPS/deps.mk ]] || return 1
	[[ $(cat "$STAMP") == "$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1) $ROOT" ]] || return 1
	# shellcheck disable=SC1091
	(
		set +u
		. "$DEPS/deps.env"
		for t in "${TAGS[@]}"; do
			for v in IMAGE KDIR MODDIR; do
				eval "p=\${${t}_${v}}"
				[[ -n $p && -e $p ]] || exit 1
			done
			eval "k=\${${t}_KBUILD_PKG}"
			[[ -z $(missing_pkgs "$k") ]] || exit 1
		done
		[[ -x $BUSYBOX && -d $ARM64_LIBFDT_INC && -d $ARM64_LIBFDT_LIB ]]
	)
}


# ---------------------------------------------------------------------------
# checkpatch.pl (tools/checkpatch.sh): not packaged on its own, so the
# three files it needs are taken from the kernel tarball inside the
# linux-source-6.1 .deb, which is deleted afterwards.  Own stamp
# (build/deps/checkpatch/.stamp), checked on the fast path as well.
# ---------------------------------------------------------------------------
CP_DIR=$DEPS/checkpatch
CP_FILES=(scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch)
setup_checkpatch() {
	local f ok=1 tmp deb src
	for f in "${CP_FILES[@]}"; do
		[[ -s $CP_DIR/$f ]] || ok=0
	done
	[[ $ok -eq 1 && -f $CP_DIR/.stamp ]] && return 0
	[[ -z $(missing_pkgs perl xz-utils) ]] || apt_install perl xz-utils
	log "checkpatch: apt-get download linux-source-6.1"
	tmp=$(mktemp -d "$DEPS/linux-source.XXXXXX")
	if ! (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root \
		linux-source-6.1 >/dev/null); then
		apt_update
		(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root \
			linux-source-6.1 >/dev/null) || { rm -rf "$tmp"; die "apt-get download linux-source-6.1 failed"; }
	fi
	deb=$(ls "$tmp"/linux-source-6.1_*.deb)
	src=$(dpkg-deb -c "$deb" | grep -o '\./usr/src/linux-source-6\.1\.tar\.xz' | head -n1)
	[[ -n $src ]] || { rm -rf "$tmp"; die "no kernel tarball in $deb"; }
	rm -rf "$CP_DIR"
	mkdir -p "$CP_DIR"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "$src" |
		tar -xJ -C "$CP_DIR" --strip-components=1 \
			"${CP_FILES[@]/#/linux-source-6.1/}"
	rm -rf "$tmp"
	for f in "${CP_FILES[@]}"; do
		[[ -s $CP_DIR/$f ]] || die "checkpatch: $f not extracted"
	done
	chmod +x "$CP_DIR/scripts/checkpatch.pl"
	date -u +%F >"$CP_DIR/.stamp"
	log "checkpatch: ${CP_DIR#"$ROOT"/}/scripts/checkpatch.pl"
}

missing=$(missing_pkgs "${SYSTEM_PKGS[@]}")
if [[ $FORCE -eq 0 && -z $missing ]] && stamp_valid; then
	mkdir -p "$DEPS"
	setup_checkpatch
	log "all dependencies present (build/deps/.stamp); nothing to do"
	exit 0
fi

# ---------------------------------------------------------------------------
# System packages
# ---------------------------------------------------------------------------
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	log "dpkg --add-architecture arm64"
	"${SUDO[@]}" dpkg --add-architecture arm64
	apt_update
fi
if [[ -n $missing ]]; then
	apt_update
	# shellcheck disable=SC2086
	apt_install $missing
fi

# apt-cache must know the arm64 packages; a fresh machine may need an update.
if ! apt-cache show linux-image-arm64:arm64 >/dev/null 2>&1 ||
   ! apt-cache show busybox-static:arm64 >/dev/null 2>&1; then
	apt_update
fi

# First "Depends:" of PKG whose name matches REGEX (strips <> and :arch).
dep_of() {
	apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *|\{0,1\}Depends: *<\{0,1\}\([^>]*\)>\{0,1\}$/\1/p' |
		sed 's/:[a-z0-9]*$//' | grep -E "$2" | head -n1
}

# apt-get download PKG... into $DEBS, skipping those already there.
# Prints the .deb paths, one a line, in argument order.
fetch_debs() {
	local p name ver arch f
	mkdir -p "$DEBS"
	for p in "$@"; do
		name=${p%%:*}
		ver=$(apt-cache show --no-all-versions "$p" 2>/dev/null |
			sed -n 's/^Version: //p' | head -n1)
		arch=$(apt-cache show --no-all-versions "$p" 2>/dev/null |
			sed -n 's/^Architecture: //p' | head -n1)
		[[ -n $ver ]] || { apt_update; ver=$(apt-cache show --no-all-versions "$p" |
			sed -n 's/^Version: //p' | head -n1); arch=$(apt-cache show \
			--no-all-versions "$p" | sed -n 's/^Architecture: //p' | head -n1); }
		[[ -n $ver ]] || die "no candidate for $p"
		# apt-get download names files NAME_VERSION_ARCH.deb, ':' -> %3a
		f=$DEBS/${name}_${ver//:/%3a}_${arch}.deb
		if [[ ! -s $f ]]; then
			log "apt-get download $p ($ver)"
			(cd "$DEBS" && apt-get download -qq -o APT::Sandbox::User=root \
				"$p=$ver" >/dev/null) || die "apt-get download $p failed"
		fi
		[[ -s $f ]] || die "expected $f after apt-get download"
		echo "$f"
	done
}

mkdir -p "$DEPS"
rm -f "$STAMP"

ENV_LINES=()
add_var() { ENV_LINES+=("$1=$2"); }

# ---------------------------------------------------------------------------
# Kernels
# ---------------------------------------------------------------------------
kbuild_pkgs=()
for tag in "${TAGS[@]}"; do
	dir=$DEPS/${tag,,}
	img_pkg=$(dep_of "${META_IMAGE[$tag]}:arm64" '^linux-image-')
	hdr_pkg=$(dep_of "${META_HEADERS[$tag]}:arm64" '^linux-headers-')
	[[ -n $img_pkg && -n $hdr_pkg ]] ||
		die "cannot resolve ${META_IMAGE[$tag]} / ${META_HEADERS[$tag]}"
	common_pkg=$(dep_of "$hdr_pkg:arm64" '^linux-headers-.*-common$')
	kbuild_pkg=$(dep_of "$hdr_pkg:arm64" '^linux-kbuild-')
	[[ -n $common_pkg && -n $kbuild_pkg ]] ||
		die "cannot resolve the common headers / kbuild of $hdr_pkg"
	ver=${img_pkg#linux-image-}
	log "$tag: $ver ($img_pkg, $hdr_pkg, $common_pkg, native $kbuild_pkg)"

	mapfile -t debs < <(fetch_debs "$img_pkg:arm64" "$hdr_pkg:arm64" "$common_pkg")
	kbuild_pkgs+=("$kbuild_pkg")

	# Re-extract unless this exact set of .debs is already extracted.
	sig=$(printf '%s\n' "${debs[@]##*/}" "$ROOT")
	if [[ ! -f $dir/.extracted || $(cat "$dir/.extracted") != "$sig" ]]; then
		log "$tag: extracting into ${dir#"$ROOT"/}"
		rm -rf "$dir"
		mkdir -p "$dir/root"
		for d in "${debs[@]}"; do
			dpkg -x "$d" "$dir/root"
		done
		# The device trees of real boards are not needed here.
		rm -rf "$dir/root/usr/lib/linux-image-$ver"
		printf '%s\n' "$sig" >"$dir/.extracted"
	fi

	kdir=$dir/root/usr/src/$hdr_pkg
	common=$dir/root/usr/src/$common_pkg
	[[ -f $kdir/Makefile && -f $common/Makefile ]] || die "$tag: headers layout unexpected"

	# Fix-ups (DESIGN.md section 6): the include of the common Makefile is
	# an absolute /usr/src path; scripts/ and tools/ point into
	# ../../lib/linux-kbuild-<x>, which is the native package's directory.
	sed -i "s|^include /usr/src/$common_pkg/Makefile\$|include $common/Makefile|" "$kdir/Makefile"
	grep -qx "include $common/Makefile" "$kdir/Makefile" ||
		die "$tag: could not rewrite $kdir/Makefile"
	for d in "$kdir" "$common"; do
		for l in scripts tools; do
			[[ -L $d/$l || ! -e $d/$l ]] || continue
			tgt=$(readlink "$d/$l" || true)
			base=${tgt#../../lib/}
			base=${base%%/*}
			[[ -n $base && $base == linux-kbuild-* ]] || base=$kbuild_pkg
			ln -sfn "/usr/lib/$base/$l" "$d/$l"
		done
	done

	# Raw arm64 Image: gunzip if compressed (QEMU's guest-loader copies
	# its payload verbatim and the hypervisor does not decompress).
	vmlinuz=$dir/root/boot/vmlinuz-$ver
	[[ -f $vmlinuz ]] || die "$tag: no $vmlinuz"
	if [[ ! -s $dir/Image || $vmlinuz -nt $dir/Image ]]; then
		if [[ $(od -A n -t x1 -N 2 "$vmlinuz" | tr -d ' ') == 1f8b ]]; then
			gunzip -c "$vmlinuz" >"$dir/Image.tmp"
		else
			cp "$vmlinuz" "$dir/Image.tmp"
		fi
		# "ARM\x64" magic at offset 56
		[[ $(od -A n -t x1 -j 56 -N 4 "$dir/Image.tmp" | tr -d ' ') == 41524d64 ]] ||
			die "$tag: $vmlinuz is not an arm64 Image"
		mv "$dir/Image.tmp" "$dir/Image"
	fi

	add_var "${tag}_VER" "$ver"
	add_var "${tag}_IMAGE" "$dir/Image"
	add_var "${tag}_KDIR" "$kdir"
	add_var "${tag}_MODDIR" "$dir/root/lib/modules/$ver"
	add_var "${tag}_KBUILD_PKG" "$kbuild_pkg"
done

# Native kbuild tools (amd64), system-wide.
mapfile -t kb_missing < <(missing_pkgs "${kbuild_pkgs[@]}")
if [[ ${#kb_missing[@]} -gt 0 ]]; then
	apt_install "${kb_missing[@]}" || { apt_update; apt_install "${kb_missing[@]}"; }
fi
for k in "${kbuild_pkgs[@]}"; do
	[[ -d /usr/lib/$k/scripts ]] || die "/usr/lib/$k/scripts missing after install"
done

# ---------------------------------------------------------------------------
# busybox-static:arm64 and libfdt for arm64
# ---------------------------------------------------------------------------
bb_deb=$(fetch_debs busybox-static:arm64)
if [[ ! -x $DEPS/busybox/root/bin/busybox || $bb_deb -nt $DEPS/busybox/root/bin/busybox ]]; then
	rm -rf "$DEPS/busybox"
	mkdir -p "$DEPS/busybox/root"
	dpkg -x "$bb_deb" "$DEPS/busybox/root"
	touch "$DEPS/busybox/root/bin/busybox"
fi
add_var BUSYBOX "$DEPS/busybox/root/bin/busybox"

# libfdt-dev:arm64 cannot be co-installed with the native libfdt-dev (apt
# would remove the amd64 one: its headers are not Multi-Arch: same), so it
# is extracted into build/deps instead.
mapfile -t fdt_debs < <(fetch_debs libfdt-dev:arm64 libfdt1:arm64)
fdt_sig=$(printf '%s\n' "${fdt_debs[@]##*/}")
if [[ ! -f $DEPS/libfdt-arm64/.extracted || $(cat "$DEPS/libfdt-arm64/.extracted") != "$fdt_sig" ]]; then
	rm -rf "$DEPS/libfdt-arm64"
	mkdir -p "$DEPS/libfdt-arm64/root"
	for d in "${fdt_debs[@]}"; do
		dpkg -x "$d" "$DEPS/libfdt-arm64/root"
	done
	printf '%s\n' "$fdt_sig" >"$DEPS/libfdt-arm64/.extracted"
fi
add_var ARM64_LIBFDT_INC "$DEPS/libfdt-arm64/root/usr/include"
add_var ARM64_LIBFDT_LIB "$DEPS/libfdt-arm64/root/usr/lib/aarch64-linux-gnu"
[[ -f $DEPS/libfdt-arm64/root/usr/include/libfdt.h &&
   -f $DEPS/libfdt-arm64/root/usr/lib/aarch64-linux-gnu/libfdt.a ]] ||
	die "arm64 libfdt layout unexpected"

# ---------------------------------------------------------------------------
# deps.mk / deps.env
# ---------------------------------------------------------------------------
{
	echo "# Generated by tools/setup.sh - do not edit."
	for l in "${ENV_LINES[@]}"; do
		echo "${l%%=*} := ${l#*=}"
	done
} >"$DEPS/deps.mk"
{
	echo "# Generated by tools/setup.sh - do not edit."
	for l in "${ENV_LINES[@]}"; do
		printf '%s=%q\n' "${l%%=*}" "${l#*=}"
	done
} >"$DEPS/deps.env"

setup_checkpatch

sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1 | tr -d '\n' >"$STAMP"
printf ' %s\n' "$ROOT" >>"$STAMP"
log "done: build/deps/deps.mk, build/deps/deps.env"
