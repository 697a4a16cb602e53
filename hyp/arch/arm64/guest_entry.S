/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entering and leaving a guest.
 *
 * __guest_enter(struct vcpu_ctx *ctx) saves the hypervisor's callee-saved
 * registers in this CPU's struct hyp_cpu, points VBAR_EL2 at guest_vectors,
 * loads the guest's x0..x30, PC and PSTATE and erets.  Any exception from
 * the guest lands in guest_vectors, which stores the guest's registers
 * back into ctx, restores the hypervisor's, and returns from
 * __guest_enter with the kind of exception (enum guest_exit_kind).
 *
 * fpsimd_save/fpsimd_restore switch the FP/SIMD registers: the only code
 * at EL2 that touches them (checked by hyp/Makefile check-nofp).
 */
#include "asm_macros.h"

	.text
	.global	__guest_enter
__guest_enter:
	mrs	x1, tpidr_el2
	str	x0, [x1, #HYP_CPU_GUEST_CTX]
	add	x2, x1, #HYP_CPU_HYP_REGS
	stp	x19, x20, [x2, #0]
	stp	x21, x22, [x2, #16]
	stp	x23, x24, [x2, #32]
	stp	x25, x26, [x2, #48]
	stp	x27, x28, [x2, #64]
	stp	x29, x30, [x2, #80]
	mov	x3, sp
	str	x3, [x2, #96]

	adr_l	x3, guest_vectors
	msr	vbar_el2, x3
	ldr	x2, [x0, #VCPU_CTX_PC]
	msr	elr_el2, x2
	ldr	x2, [x0, #VCPU_CTX_PSTATE]
	msr	spsr_el2, x2

	ldp	x2, x3, [x0, #16 * 1]
	ldp	x4, x5, [x0, #16 * 2]
	ldp	x6, x7, [x0, #16 * 3]
	ldp	x8, x9, [x0, #16 * 4]
	ldp	x10, x11, [x0, #16 * 5]
	ldp	x12, x13, [x0, #16 * 6]
	ldp	x14, x15, [x0, #16 * 7]
	ldp	x16, x17, [x0, #16 * 8]
	ldp	x18, x19, [x0, #16 * 9]
	ldp	x20, x21, [x0, #16 * 10]
	ldp	x22, x23, [x0, #16 * 11]
	ldp	x24, x25, [x0, #16 * 12]
	ldp	x26, x27, [x0, #16 * 13]
	ldp	x28, x29, [x0, #16 * 14]
	ldr	x30, [x0, #16 * 15]
	ldp	x0, x1, [x0, #0]
	eret
	speculation_barrier

	/* x1 = exit kind, guest x0/x1 pushed on the stack */
__guest_exit:
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #HYP_CPU_GUEST_CTX]
	stp	x2, x3, [x0, #16 * 1]
	stp	x4, x5, [x0, #16 * 2]
	stp	x6, x7, [x0, #16 * 3]
	stp	x8, x9, [x0, #16 * 4]
	stp	x10, x11, [x0, #16 * 5]
	stp	x12, x13, [x0, #16 * 6]
	stp	x14, x15, [x0, #16 * 7]
	stp	x16, x17, [x0, #16 * 8]
	stp	x18, x19, [x0, #16 * 9]
	stp	x20, x21, [x0, #16 * 10]
	stp	x22, x23, [x0, #16 * 11]
	stp	x24, x25, [x0, #16 * 12]
	stp	x26, x27, [x0, #16 * 13]
	stp	x28, x29, [x0, #16 * 14]
	str	x30, [x0, #16 * 15]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #0]
	mrs	x2, elr_el2
	str	x2, [x0, #VCPU_CTX_PC]
	mrs	x2, spsr_el2
	str	x2, [x0, #VCPU_CTX_PSTATE]

	adr_l	x3, hyp_vectors
	msr	vbar_el2, x3
	isb
	mrs	x2, tpidr_el2
	add	x2, x2, #HYP_CPU_HYP_REGS
	ldp	x19, x20, [x2, #0]
	ldp	x21, x22, [x2, #16]
	ldp	x23, x24, [x2, #32]
	ldp	x25, x26, [x2, #48]
	ldp	x27, x28, [x2, #64]
	ldp	x29, x30, [x2, #80]
	ldr	x3, [x2, #96]
	mov	sp, x3
	mov	x0, x1
	ret

	.macro	guest_vector, kind
	.align	7
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\kind
	b	__guest_exit
	.endm

	.macro	hyp_fault_vector, kind
	.align	7
	b	guest_vector_bad_\kind
	.endm

	.align	11
guest_vectors:
	/* from EL2 itself: cannot happen while a guest runs (interrupts are masked) */
	hyp_fault_vector 0
	hyp_fault_vector 1
	hyp_fault_vector 2
	hyp_fault_vector 3
	hyp_fault_vector 4
	hyp_fault_vector 5
	hyp_fault_vector 6
	hyp_fault_vector 7
	/* from the guest, AArch64 */
	guest_vector	1	/* GEXIT_SYNC */
	guest_vector	2	/* GEXIT_IRQ */
	guest_vector	3	/* GEXIT_FIQ */
	guest_vector	4	/* GEXIT_SERROR */
	/* from the guest, AArch32 EL0 */
	guest_vector	1
	guest_vector	2
	guest_vector	3
	guest_vector	4

	.irp	k, 0, 1, 2, 3, 4, 5, 6, 7
guest_vector_bad_\k:
	sub	sp, sp, #HOST_REGS_SIZE
	mov	x0, sp
	mov	x1, #(16 + \k)
	b	hyp_bad_exception
	.endr

	.global	fpsimd_save
fpsimd_save:
	stp	q0, q1, [x0, #32 * 0]
	stp	q2, q3, [x0, #32 * 1]
	stp	q4, q5, [x0, #32 * 2]
	stp	q6, q7, [x0, #32 * 3]
	stp	q8, q9, [x0, #32 * 4]
	stp	q10, q11, [x0, #32 * 5]
	stp	q12, q13, [x0, #32 * 6]
	stp	q14, q15, [x0, #32 * 7]
	stp	q16, q17, [x0, #32 * 8]
	stp	q18, q19, [x0, #32 * 9]
	stp	q20, q21, [x0, #32 * 10]
	stp	q22, q23, [x0, #32 * 11]
	stp	q24, q25, [x0, #32 * 12]
	stp	q26, q27, [x0, #32 * 13]
	stp	q28, q29, [x0, #32 * 14]
	stp	q30, q31, [x0, #32 * 15]
	mrs	x1, fpsr
	str	w1, [x0, #512]
	mrs	x1, fpcr
	str	w1, [x0, #516]
	ret

	.global	fpsimd_restore
fpsimd_restore:
	ldp	q0, q1, [x0, #32 * 0]
	ldp	q2, q3, [x0, #32 * 1]
	ldp	q4, q5, [x0, #32 * 2]
	ldp	q6, q7, [x0, #32 * 3]
	ldp	q8, q9, [x0, #32 * 4]
	ldp	q10, q11, [x0, #32 * 5]
	ldp	q12, q13, [x0, #32 * 6]
	ldp	q14, q15, [x0, #32 * 7]
	ldp	q16, q17, [x0, #32 * 8]
	ldp	q18, q19, [x0, #32 * 9]
	ldp	q20, q21, [x0, #32 * 10]
	ldp	q22, q23, [x0, #32 * 11]
	ldp	q24, q25, [x0, #32 * 12]
	ldp	q26, q27, [x0, #32 * 13]
	ldp	q28, q29, [x0, #32 * 14]
	ldp	q30, q31, [x0, #32 * 15]
	ldr	w1, [x0, #512]
	msr	fpsr, x1
	ldr	w1, [x0, #516]
	msr	fpcr, x1
	ret
