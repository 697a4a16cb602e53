/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry points and exception vectors of the bench guest.
 *
 *   _start           vCPU 0, from gzvm-run (x0 = DTB, unused): clears .bss
 *   secondary_entry  PSCI CPU_ON entry of vCPU 1
 *
 * Each vCPU gets the 16 KiB stack of its MPIDR Aff0 (0 or 1) and
 * VBAR_EL1 = vectors.  The IRQ vector reads CNTVCT_EL0 before anything
 * else, so that an interrupt's latency ends as early as the guest can
 * see it; every other exception stops the guest (bench_exception).
 */
	.section .text.start, "ax"
	.global	_start
_start:
	bl	setup_cpu
	ldr	x9, =__bss_start
	ldr	x10, =__bss_end
1:	cmp	x9, x10
	b.hs	2f
	str	xzr, [x9], #8
	b	1b
2:	bl	bench_main
	b	bench_exit

	.global	secondary_entry
secondary_entry:
	bl	setup_cpu
	bl	bench_secondary
	b	bench_exit

/* stack by Aff0, vectors; clobbers x9, x10 */
setup_cpu:
	mrs	x9, mpidr_el1
	and	x9, x9, #0x1
	add	x9, x9, #1
	lsl	x9, x9, #14
	ldr	x10, =__stacks
	add	x10, x10, x9
	mov	sp, x10
	ldr	x10, =vectors
	msr	vbar_el1, x10
	isb
	ret

	.ltorg

/* an IRQ: x0 = CNTVCT_EL0 at entry; the caller-saved registers are kept */
irq_entry:
	sub	sp, sp, #176
	stp	x0, x1, [sp, #0]
	isb
	mrs	x0, cntvct_el0
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	str	x30, [sp, #160]
	bl	bench_irq
	ldr	x30, [sp, #160]
	ldp	x18, x29, [sp, #144]
	ldp	x16, x17, [sp, #128]
	ldp	x14, x15, [sp, #112]
	ldp	x12, x13, [sp, #96]
	ldp	x10, x11, [sp, #80]
	ldp	x8, x9, [sp, #64]
	ldp	x6, x7, [sp, #48]
	ldp	x4, x5, [sp, #32]
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #176
	eret

.macro vector kind
	.balign	0x80
	.if \kind == 5
	b	irq_entry		/* IRQ, current EL with SP_ELx */
	.else
	mov	x0, #\kind
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	b	bench_exception
	.endif
.endm

	.balign	0x800
	.global	vectors
vectors:
	.irp	k, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	vector	\k
	.endr
