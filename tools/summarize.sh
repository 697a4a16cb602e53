#!/usr/bin/env bash
# tools/summarize.sh RESULTS_DIR: count the TAP lines of every suite and end
# with the one line "N passed, N failed".  Exit status 1 if anything failed
# or nothing ran.
set -uo pipefail
results=$1
shopt -s nullglob
taps=("$results"/*.tap)
passed=0 failed=0
for t in "${taps[@]}"; do
	p=$(grep -c '^ok' "$t")
	f=$(grep -c '^not ok' "$t")
	printf '  %-40s %4d passed, %d failed\n' "$(basename "$t" .tap)" "$p" "$f"
	grep '^not ok' "$t" | sed 's/^/    /'
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
