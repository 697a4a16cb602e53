/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench-off.bin: a guest that powers off at once (PSCI SYSTEM_OFF), for
 * the VM create + run + destroy benchmark of tests/bench/init-bench.sh.
 */
	.text
	.global	_start
_start:
	movz	x0, #0x0008
	movk	x0, #0x8400, lsl #16	/* PSCI_SYSTEM_OFF */
	hvc	#0
	b	_start
