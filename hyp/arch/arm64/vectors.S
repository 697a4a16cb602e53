/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EL2 exception vectors.
 *
 * Lower EL, synchronous: a trap from the host (HVC, SMC, stage-2 fault).
 * The host's x0..x30, ELR_EL2 and SPSR_EL2 are saved on this CPU's EL2
 * stack as a struct host_regs; handle_host_sync() may change them (results
 * of calls, a step over an SMC, an injected exception), and they are
 * restored before returning with eret.  Saving ELR/SPSR also lets a
 * hypercall run a guest, whose exits overwrite both registers.
 *
 * Everything else is unexpected with our configuration (host interrupts and
 * SErrors are routed to EL1, the hypervisor itself does not fault) and ends
 * in hyp_bad_exception(), which panics with the syndrome.
 */
#include "asm_macros.h"

	.macro	save_gprs
	sub	sp, sp, #HOST_REGS_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	mrs	x0, elr_el2
	stp	x30, x0, [sp, #16 * 15]
	mrs	x0, spsr_el2
	str	x0, [sp, #16 * 16]
	.endm

	.macro	restore_gprs
	/* ELR/SPSR may have been changed by the handler, or used by a guest run */
	ldp	x30, x0, [sp, #16 * 15]
	msr	elr_el2, x0
	ldr	x0, [sp, #16 * 16]
	msr	spsr_el2, x0
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	add	sp, sp, #HOST_REGS_SIZE
	.endm

	/* one 128-byte slot that branches out */
	.macro	vector_entry, target
	.align	7
	b	\target
	.endm

	.macro	bad_vector, kind
	.align	7
	save_gprs
	mov	x0, sp
	mov	x1, #\kind
	b	hyp_bad_exception
	.endm

	.text
	.align	11
	.global	hyp_vectors
hyp_vectors:
	/* current EL with SP_EL0: we always run on SP_EL2 */
	bad_vector	0
	bad_vector	1
	bad_vector	2
	bad_vector	3
	/* current EL with SP_ELx: a fault in the hypervisor itself */
	bad_vector	4
	bad_vector	5
	bad_vector	6
	bad_vector	7
	/* lower EL, AArch64 */
	vector_entry	host_sync
	bad_vector	9
	bad_vector	10
	bad_vector	11
	/* lower EL, AArch32 (compat tasks of the host) */
	vector_entry	host_sync
	bad_vector	13
	bad_vector	14
	bad_vector	15

host_sync:
	save_gprs
	mov	x0, sp
	bl	handle_host_sync
	restore_gprs
	eret
	speculation_barrier
