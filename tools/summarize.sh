#!/usr/bin/env bash
# tools/summarize.sh RESULTS_DIR: count the TAP lines of every suite and end
# with the one line "N passed, N failed".  Before it, the figures of the
# fuzzing and stress tests (issue 9), read off their logs: what ran, not
# what passed.  Exit status 1 if anything failed or nothing ran.
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

# sum_of BEFORE AFTER: the sum of the numbers between the extended regexes
# BEFORE and AFTER over the console logs of the system tests
sum_of() {
	cat "$results"/system-*.log 2>/dev/null | tr -d '\r' |
		sed -nE "s/.*$1([0-9]+)$2.*/\\1/p" | awk '{ s += $1 } END { print s + 0 }'
}

# bytes the hypervisor or the host had more after a selftest than before it
leaked_bytes() {
	cat "$results"/system-*.log 2>/dev/null | tr -d '\r' |
		grep -oE '(pool|pool used|lent|donated|host memory lent) -?[0-9]+ -> -?[0-9]+' |
		awk '{ d = $(NF) - $(NF - 2); if (d > 0) s += d } END { print s + 0 }'
}

fuzz_runs() {
	cat "$results"/fuzz-*.log 2>/dev/null |
		sed -nE 's/^Done ([0-9]+) runs in.*/\1/p' | awk '{ s += $1 } END { print s + 0 }'
}

crash_files=("$results"/fuzz-*-crash-*)
echo "figures (docs/testing.md; make fuzz and GZVM_SELFTEST_DEEP=1 run longer):"
printf '  %-40s %s\n' "hypercalls fuzzed (gzvm_hvcfuzz.ko)" "$(sum_of 'hvcfuzz: seed [0-9]+ [^:]*: ' ' hypercalls fuzzed')"
printf '  %-40s %s\n' "ioctls fuzzed (selftest ioctls)" "$(sum_of 'ioctls: ' ' ioctls, ')"
printf '  %-40s %s\n' "guest instructions fuzzed (randguest)" "$(sum_of 'randguest: .*, ' ' guest instructions fuzzed')"
printf '  %-40s %s\n' "libFuzzer inputs run (tests/fuzz)" "$(fuzz_runs)"
printf '  %-40s %s\n' "crash inputs found by libFuzzer" "${#crash_files[@]}"
printf '  %-40s %s\n' "boots with a host oops, BUG or WARNING" \
	"$(cat "$results"/system-*.tap 2>/dev/null | grep -c '^not ok .*no oops, BUG or WARNING')"
printf '  %-40s %s\n' "VMs cycled (lifecycle, stress)" \
	"$(( $(sum_of 'lifecycle: ' ' cycles in ') + $(sum_of 'stress: ' ' VMs created, run and destroyed') ))"
printf '  %-40s %s\n' "VMMs killed by SIGKILL (killvmm)" "$(sum_of 'killvmm: ' ' children killed')"
# every message a channel pump received in order and intact (vmm_channels), at either end
chan_ok=' lost=0 duplicated=0 reordered=0 corrupt=0'
printf '  %-40s %s\n' "channel messages checked (vmm_channels)" \
	"$(( $(sum_of 'channels: host [ab]h-[a-z]+: gzvm-chan: pump OK sent=[0-9]+ received=' "$chan_ok") +
	     $(sum_of 'channels: guest A a[hb]: a[hb]: gzvm-chan: pump OK sent=[0-9]+ received=' "$chan_ok") +
	     $(sum_of 'channels: A chan-rate-ah: status=0 out=gzvm-chan: pump OK sent=[0-9]+ received=' "$chan_ok") ))"
printf '  %-40s %s\n' "bytes leaked (hyp pool, lent, donated)" "$(leaked_bytes)"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
