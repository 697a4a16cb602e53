#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/system/demo.sh RESULTS_DIR [K61|K612]
#
# `make run` as a user would drive it, scripted: tools/run.sh boots the
# hypervisor, the host and the guest, with the console's input fed from a
# fifo. At the guest's shell it runs a command, reads and writes the
# virtio-blk disk on /mnt and types "poweroff"; at the host's shell that
# comes back it boots the guest again (/lib/gzvm/run-guest.sh), which must
# find the file on the disk, leaves it with Ctrl-a Ctrl-a x, and powers the
# host off.
# Writes RESULTS_DIR/demo-KTAG.tap and demo-KTAG.log (the console); it is
# the "demo" suite of make check.
# Environment: GZVM_DEMO_TIMEOUT (seconds for the whole run, default 240).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/system/lib.sh
. "$ROOT/tests/system/lib.sh"

[[ $# -ge 1 ]] || { echo "usage: $0 RESULTS_DIR [K61|K612]" >&2; exit 2; }
RESULTS=$(realpath -m "$1")
KTAG=${2:-K61}
TIMEOUT=${GZVM_DEMO_TIMEOUT:-240}
mkdir -p "$RESULTS"
TAP=$RESULTS/demo-$KTAG.tap
LOG=$RESULTS/demo-$KTAG.log
FIFO=$(mktemp -u /tmp/gzvm-demo.XXXXXX)
mkfifo "$FIFO"
trap 'rm -f "$FIFO"' EXIT

tap_begin "$TAP"
t0=$(now)
rm -f "$LOG"
# Own process group (setsid), so that a hang can be ended as a whole.
GZVM_GUEST_ARGS="--cpus 2" setsid "$ROOT/tools/run.sh" --kernel "$KTAG" --smp 2 \
	--timeout "$TIMEOUT" --log "$LOG" --no-reboot <"$FIFO" >/dev/null 2>"$RESULTS/demo-$KTAG.err" &
pid=$!
exec 3>"$FIFO"	# the console's input stays open until we close it

# seen PATTERN [N]: the console log has N (default 1) lines with PATTERN
seen() {
	[[ $(clean_log "$LOG" 2>/dev/null | grep -acE "$1") -ge ${2:-1} ]]
}
# wait_for PATTERN SECONDS [N]: until seen PATTERN N, or QEMU ended
wait_for() {
	local end=$((SECONDS + $2))
	while [[ $SECONDS -lt $end ]] && kill -0 "$pid" 2>/dev/null; do
		seen "$1" "${3:-1}" && return 0
		sleep 0.5
	done
	seen "$1" "${3:-1}"
}
# type LINE: one line at the console, slowly enough for the guest's UART
type_line() {
	local s=$1 i
	for ((i = 0; i < ${#s}; i += 8)); do
		printf '%s' "${s:i:8}" >&3
		sleep 0.05
	done
	printf '\r' >&3
	sleep 0.3
}
# step NAME PATTERN SECONDS [N]: a check that the console shows PATTERN
# (on N lines) within SECONDS
step() {
	if wait_for "$2" "$3" "${4:-1}"; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "not ${4:-1} line(s) with '$2' on the console within $3 s"
		return 1
	fi
}

# (the $(...) in these lines is for the guest's shell)
# shellcheck disable=SC2016
demo() {
	step "make run: the guest's shell comes up (banner, then the guest's /init)" \
		'\(poweroff returns to the host' 180 || return
	step "make run: the banner told how to leave the guest" 'Ctrl-a Ctrl-a x' 1
	step "make run: the guest mounted its virtio-blk disk on /mnt" \
		'gzvm guest: /dev/vda \(virtio-blk, ext4\) mounted on /mnt' 1
	sleep 1
	type_line 'echo "demo: $((6 * 7)) $(grep -c ^processor /proc/cpuinfo)"'
	step "make run: a command at the guest's shell runs (2 vCPUs)" 'demo: 42 2' 30
	type_line 'head -n1 /mnt/README; echo kept-on-disk >/mnt/demo.txt; echo "wrote: $?"'
	step "make run: the guest reads the disk's README" "This is the guest's virtio-blk disk" 30
	step "make run: the guest writes a file on the disk" 'wrote: 0' 30
	type_line 'poweroff'
	step "make run: 'poweroff' in the guest gives the host's shell (gzvm-run status 0)" \
		'gzvm host: the guest ended \(gzvm-run exit status 0\)' 60 || return
	sleep 1
	type_line '/lib/gzvm/run-guest.sh --cpus 1; echo "host: guest status $?"'
	step "make run: run-guest.sh boots the guest again, with its disk" \
		'gzvm guest: /dev/vda \(virtio-blk, ext4\) mounted on /mnt' 120 2
	sleep 1
	type_line 'echo "disk: $(cat /mnt/demo.txt)"'
	step "make run: the second guest finds the file the first wrote" 'disk: kept-on-disk' 30
	# Ctrl-a Ctrl-a x: QEMU passes one Ctrl-a on, gzvm-run quits (130)
	printf '\001\001x' >&3
	step "make run: Ctrl-a Ctrl-a x makes gzvm-run quit (status 130), back to the host's shell" \
		'host: guest status 130' 60
	sleep 1
	type_line 'poweroff -f'
}
demo
wait_for 'reboot: Power down' 30 >/dev/null
exec 3>&-
# whatever is left (a hang) is ended here; run.sh's --timeout bounds it too
if kill -0 "$pid" 2>/dev/null; then
	sleep 5
	kill -TERM -- -"$pid" 2>/dev/null
fi
wait "$pid"
rc=$?
tap_check "make run: QEMU ended by itself with status 0 after the host's poweroff -f" \
	"status $rc" [ $rc -eq 0 ]
tap_end
printf 'system: %-22s %5s s wall: %d passed, %d failed\n' "demo-$KTAG" "$(elapsed "$t0" "$(now)")" \
	"$(grep -c '^ok' "$TAP")" "$(grep -c '^not ok' "$TAP")"
exit 0
