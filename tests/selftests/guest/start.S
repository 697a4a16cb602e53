/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry points and exception vectors of the C guest (tests/selftests/guest).
 *
 *   _start           (0x80000000) the host's entry: x0 = test, x1..x3 = arguments
 *   secondary_entry  PSCI CPU_ON entry: x0 = context id
 *
 * Each vCPU gets the 16 KiB stack of its MPIDR Aff0, VBAR_EL1 = vectors and
 * x28 = UCALL_ADDR.  Exceptions save x0..x18, x29, x30, ELR_EL1, SPSR_EL1
 * (so a handler may unmask IRQs and be preempted) and call
 * guest_exception(frame, kind).
 */
#define UCALL_ADDR	0x10000000

	.section .text.start, "ax"
	.global	_start
_start:
	mov	x19, x0
	mov	x20, x1
	mov	x21, x2
	mov	x22, x3
	bl	setup_cpu
	mov	x0, x19
	mov	x1, x20
	mov	x2, x21
	mov	x3, x22
	bl	guest_main
	b	guest_done

	.global	secondary_entry
secondary_entry:
	mov	x19, x0
	bl	setup_cpu
	mov	x0, x19
	bl	guest_secondary
	b	guest_done

/* stack by Aff0, vectors, ucall register; clobbers x9, x10 */
setup_cpu:
	mrs	x9, mpidr_el1
	and	x9, x9, #0x7
	add	x9, x9, #1
	lsl	x9, x9, #14
	ldr	x10, =__stacks
	add	x10, x10, x9
	mov	sp, x10
	ldr	x10, =vectors
	msr	vbar_el1, x10
	mov	x28, #UCALL_ADDR
	isb
	ret

	.ltorg

.macro vector kind
	.balign	0x80
	sub	sp, sp, #192
	stp	x0, x1, [sp, #0]
	mov	x1, #\kind
	b	save_and_call
.endm

	.balign	0x800
	.global	vectors
vectors:
	.irp	k, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	vector	\k
	.endr

save_and_call:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x30, x2, [sp, #160]
	str	x3, [sp, #176]
	mov	x0, sp
	bl	guest_exception
	msr	daifset, #2
	ldp	x30, x2, [sp, #160]
	ldr	x3, [sp, #176]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x29, [sp, #144]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #192
	eret
