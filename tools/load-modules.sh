#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /lib/gzvm/load-modules [-v]: insmod the kernel modules that
# tools/mkinitramfs.sh --modules put in /lib/gzvm/modules, in the order of
# /lib/gzvm/modules/order (dependencies first). A module already loaded is
# left alone, so that running it twice is harmless. Prints one line per
# module that fails (and, with -v, per module loaded); the exit status is
# 0 when every module is loaded, 1 otherwise.
D=/lib/gzvm/modules
verbose=0
[ "$1" = -v ] && verbose=1
[ -f $D/order ] || { echo "load-modules: no $D/order" >&2; exit 1; }
failed=0
while read -r m; do
	[ -n "$m" ] || continue
	if [ -e "/sys/module/$m/initstate" ]; then
		continue
	fi
	if out=$(insmod "$D/$m.ko" 2>&1); then
		[ $verbose = 1 ] && echo "load-modules: $m"
	else
		echo "load-modules: insmod $m failed: $out" >&2
		failed=1
	fi
done <$D/order
exit $failed
