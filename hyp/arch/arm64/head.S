/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry points of the hypervisor image.
 *
 * _start: the arm64 Image header (Documentation/arch/arm64/booting.rst), so
 * that QEMU's -kernel and U-Boot's booti load us as they load Linux or Xen.
 * The boot CPU arrives at EL2 with the MMU off and x0 = DTB.
 *
 * hyp_cpu_entry: where firmware starts every other CPU (PSCI CPU_ON) and
 * wakes CPUs from power-down states, at EL2 with the MMU off and
 * x0 = the CPU's struct hyp_cpu (physical = virtual address).
 */
#include "asm_macros.h"

	.section .head.text, "ax"
	.global _start
_start:
	b	primary_entry			/* code0 */
	.long	0				/* code1 */
	.quad	0				/* text_offset */
	.quad	0				/* image_size incl. bss: set by hyp/Makefile */
	.quad	0xa				/* flags: LE, 4K pages, any 2M-aligned base */
	.quad	0				/* res2 */
	.quad	0				/* res3 */
	.quad	0				/* res4 */
	.ascii	"ARM\x64"			/* magic */
	.long	0				/* res5 */

primary_entry:
	mov	x19, x0				/* DTB */
	mrs	x1, CurrentEL
	cmp	x1, #CURRENTEL_EL2
	b.ne	not_at_el2
	msr	daifset, #0xf
	mov_q	x1, SCTLR_EL2_MMU_OFF
	msr	sctlr_el2, x1
	isb

	adr	x20, _start			/* where we were loaded */
	bl	apply_relocations

	adr_l	x0, __bss_start
	adr_l	x1, __bss_end
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:
	adr_l	x0, boot_stack_top
	mov	sp, x0
	adr_l	x0, hyp_vectors
	msr	vbar_el2, x0
	isb

	mov	x0, x19
	mov	x1, x20
	bl	hyp_boot_main			/* does not return */
	b	halt

/* Not at EL2: there is nothing we can do, not even print (no MMIO mapping known). */
not_at_el2:
	b	halt

/*
 * x20 = load address.  The image is linked at 0, so each R_AARCH64_RELATIVE
 * entry says: *(base + offset) = base + addend.  Any other type means a
 * broken build: stop rather than run with wrong pointers.
 */
apply_relocations:
	adr_l	x9, __rela_start
	adr_l	x10, __rela_end
3:	cmp	x9, x10
	b.hs	4f
	ldp	x11, x12, [x9]			/* r_offset, r_info */
	ldr	x13, [x9, #16]			/* r_addend */
	add	x9, x9, #24
	cmp	x12, #R_AARCH64_RELATIVE
	b.ne	halt
	add	x13, x13, x20
	str	x13, [x11, x20]
	b	3b
4:	ret

	.text
	.global hyp_cpu_entry
hyp_cpu_entry:
	msr	daifset, #0xf
	mov	x19, x0
	mov_q	x1, SCTLR_EL2_MMU_OFF
	msr	sctlr_el2, x1
	isb
	adr_l	x1, hyp_vectors
	msr	vbar_el2, x1
	bl	el2_mmu_on
	ldr	x1, [x19, #HYP_CPU_STACK_TOP]
	mov	sp, x1
	msr	tpidr_el2, x19
	mov	x0, x19
	bl	cpu_entered_from_firmware	/* does not return */
	b	halt

/*
 * Turn on the EL2 MMU with the tables the boot CPU built (el2_mmu_config:
 * mair, tcr, ttbr0, sctlr).  The map is an identity map, so execution
 * continues at the same address.  Clobbers x0, x1.
 */
	.global el2_mmu_on
el2_mmu_on:
	adr_l	x0, el2_mmu_config
	ldr	x1, [x0, #0]
	msr	mair_el2, x1
	ldr	x1, [x0, #8]
	msr	tcr_el2, x1
	ldr	x1, [x0, #16]
	msr	ttbr0_el2, x1
	isb
	tlbi	alle2
	dsb	nsh
	isb
	ldr	x1, [x0, #24]
	msr	sctlr_el2, x1
	isb
	ic	iallu
	dsb	nsh
	isb
	ret

/*
 * Leave for the host at EL1h with interrupts masked: x0 = entry, x1 = the
 * host's x0.  Every other general register is cleared so that no hypervisor
 * value (stack or object addresses) reaches the host.
 */
	.global __enter_host
__enter_host:
	msr	elr_el2, x0
	mov	x2, #SPSR_EL1H_DAIF
	msr	spsr_el2, x2
	mov	x0, x1
	clear_gprs_from_x1
	eret
	speculation_barrier

	.global halt
halt:
	msr	daifset, #0xf
5:	wfe
	b	5b

	.bss
	.balign	4096
	.global	boot_stack_top
boot_stack:
	.space	16384
boot_stack_top:
