/* SPDX-License-Identifier: GPL-2.0-only */
/* Assembler helpers and the constants the .S files share with C. */
#ifndef ARM64_ASM_MACROS_H
#define ARM64_ASM_MACROS_H

#define CURRENTEL_EL2		(2 << 2)
#define R_AARCH64_RELATIVE	1027
/* SCTLR_EL2 RES1 bits only: MMU, caches and alignment checks off, little-endian. */
#define SCTLR_EL2_MMU_OFF	0x30c50830
/* EL1h with D, A, I and F masked */
#define SPSR_EL1H_DAIF		0x3c5
/* struct hyp_cpu offsets, checked in el2_setup.c */
#define HYP_CPU_STACK_TOP	0
#define HYP_CPU_GUEST_CTX	24
#define HYP_CPU_HYP_REGS	32
/* struct vcpu_ctx offsets, checked in asm/vcpu_ctx.h */
#define VCPU_CTX_PC		248
#define VCPU_CTX_PSTATE		256
/* sizeof(struct host_regs): x0..x30, ELR_EL2, SPSR_EL2, one pad for 16-byte alignment */
#define HOST_REGS_SIZE		272

#ifdef __ASSEMBLER__

	/* PC-relative address of sym, +/- 4 GiB */
	.macro	adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm

	/* load a 64-bit constant */
	.macro	mov_q, reg, val
	movz	\reg, #((\val) & 0xffff)
	movk	\reg, #(((\val) >> 16) & 0xffff), lsl #16
	.endm

	/* stop straight-line speculation past an eret */
	.macro	speculation_barrier
	dsb	nsh
	isb
	.endm

	.macro	clear_gprs_from_x1
	.irp	n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30
	mov	x\n, xzr
	.endr
	.endm

#endif
#endif
