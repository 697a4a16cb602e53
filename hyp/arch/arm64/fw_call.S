/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arch_fw_call(struct smccc_regs *regs): SMC #0 to firmware with x0..x7 from
 * regs, results x0..x3 written back.  x19..x28 are preserved by SMCCC; the
 * caller-saved registers may be clobbered, as for any C call.
 */
	.text
	.global	arch_fw_call
arch_fw_call:
	stp	x29, x30, [sp, #-32]!
	str	x0, [sp, #16]
	ldp	x6, x7, [x0, #48]
	ldp	x4, x5, [x0, #32]
	ldp	x2, x3, [x0, #16]
	ldp	x0, x1, [x0, #0]
	smc	#0
	ldr	x9, [sp, #16]
	stp	x0, x1, [x9, #0]
	stp	x2, x3, [x9, #16]
	ldp	x29, x30, [sp], #32
	ret
