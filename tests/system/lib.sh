# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers of tests/system/run.sh (sourced, bash).

# tap_begin FILE: start a TAP file (the plan line is written by tap_end).
tap_begin() {
	TAP_FILE=$1
	TAP_N=0
	TAP_BODY=$(mktemp)
}

# tap_line "ok - name" | "not ok - name # reason"
tap_line() {
	local l=$1
	TAP_N=$((TAP_N + 1))
	case $l in
	"ok - "*) echo "ok $TAP_N - ${l#ok - }" ;;
	"not ok - "*) echo "not ok $TAP_N - ${l#not ok - }" ;;
	*) echo "not ok $TAP_N - unparsable result: $l" ;;
	esac >>"$TAP_BODY"
}

tap_ok() { tap_line "ok - $1"; }
tap_not_ok() { tap_line "not ok - $1 # $2"; }
# tap_check NAME REASON-IF-FAILED COMMAND...
tap_check() {
	local n=$1 r=$2
	shift 2
	if "$@"; then tap_ok "$n"; else tap_not_ok "$n" "$r"; fi
}

tap_end() {
	{
		echo "TAP version 13"
		echo "1..$TAP_N"
		cat "$TAP_BODY"
	} >"$TAP_FILE"
	rm -f "$TAP_BODY"
}

# The console log without carriage returns and ANSI escapes.
clean_log() {
	tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g'
}

# Lines of the console that follow the first line containing "Booting Linux".
after_linux_boot() {
	clean_log "$1" | awk 'seen { print } /Booting Linux/ { seen = 1 }'
}

before_linux_boot() {
	clean_log "$1" | awk '/Booting Linux/ { exit } { print }'
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
