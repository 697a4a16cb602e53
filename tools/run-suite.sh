#!/usr/bin/env bash
# tools/run-suite.sh NAME RESULTS_DIR -- COMMAND...
#
# Run one test suite for `make check`.  The suite writes its own TAP files
# (RESULTS_DIR/<NAME>*.tap).  If it fails without having reported a failure
# (it did not build, crashed, or wrote nothing), a "not ok" line is added
# in RESULTS_DIR/<NAME>-harness.tap so that the failure is counted.  Always
# exits 0: the summary decides.
set -uo pipefail
name=$1 results=$2
shift 2
[[ ${1:-} == -- ]] && shift
mkdir -p "$results"
log=$results/$name-harness.log
start=$(date +%s)
echo "== $name: $*" >&2
"$@" >"$log" 2>&1
rc=$?
tail -n 20 "$log" >&2
if [[ $rc -ne 0 ]] && ! cat "$results/$name"*.tap 2>/dev/null | grep -q '^not ok'; then
	echo "not ok - $name: '$*' exited with status $rc (see $log)" >>"$results/$name-harness.tap"
fi
if ! ls "$results/$name"*.tap >/dev/null 2>&1; then
	echo "not ok - $name: no results written (see $log)" >>"$results/$name-harness.tap"
fi
echo "== $name: done in $(( $(date +%s) - start )) s (status $rc)" >&2
exit 0
