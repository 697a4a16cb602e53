#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/checkpatch.sh [RESULTS_DIR]
#
# Run the kernel's checkpatch.pl --strict on every source file of the
# driver (driver/*.c, driver/*.h), of the test kernel modules
# (tests/system/modules/*/*.c) and of the guest modules (guest/*.c).
# checkpatch.pl comes from the linux-source-6.1 package (tools/setup.sh puts it in
# build/deps/checkpatch/).  Prints one result per file; with RESULTS_DIR,
# also writes RESULTS_DIR/checkpatch.tap.  Exit status 1 if any file has
# an error, a warning or a check.
#
# Ignored checkpatch types, each for a reason:
#   FILE_PATH_CHANGES   only reported for new files in patches ("does
#                       MAINTAINERS need updating?"); there is no
#                       MAINTAINERS file out of tree.  (With -f on files it
#                       never fires today; kept so a future --patch use of
#                       this script does not fail on it.)
# Nothing else is ignored.  Kernel-version differences are detected in
# driver/Kbuild from the headers instead of LINUX_VERSION_CODE, which
# checkpatch (rightly) flags.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CP=$ROOT/build/deps/checkpatch/scripts/checkpatch.pl
[[ -x $CP ]] || "$ROOT/tools/setup.sh" >&2 || exit 1
[[ -x $CP ]] || { echo "$0: $CP missing" >&2; exit 1; }

IGNORE=FILE_PATH_CHANGES
RESULTS=${1:-}
TAP=
if [[ -n $RESULTS ]]; then
	mkdir -p "$RESULTS"
	TAP=$RESULTS/checkpatch.tap
fi

mapfile -t files < <(cd "$ROOT" && ls driver/*.c driver/*.h tests/system/modules/*/*.c guest/*.c 2>/dev/null)
n=0 fail=0 body=
for f in "${files[@]}"; do
	n=$((n + 1))
	out=$(cd "$ROOT" && perl "$CP" --strict --no-tree --terse --show-types \
		--ignore "$IGNORE" -f "$f" 2>&1)
	if [[ -z $out ]] || grep -q 'total: 0 errors, 0 warnings, 0 checks' <<<"$out"; then
		line="ok $n - checkpatch --strict $f"
	else
		fail=$((fail + 1))
		echo "$out" >&2
		line="not ok $n - checkpatch --strict $f # $(grep -c ': [A-Z]*:' <<<"$out") findings"
	fi
	echo "$line"
	body+="$line"$'\n'
done
if [[ -n $TAP ]]; then
	printf 'TAP version 13\n1..%d\n%s' "$n" "$body" >"$TAP"
fi
echo "checkpatch: $n files, $fail with findings"
[[ $fail -eq 0 ]]
