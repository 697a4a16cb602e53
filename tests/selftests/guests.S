/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bare-metal guests for the gzvm selftests.  Each is a position-independent
 * blob between guest_<name>_start and guest_<name>_end in .rodata; a test
 * copies it into guest memory and points the PC at its start.  They run at
 * EL1 with the MMU off (Device memory: aligned accesses only).
 *
 * ucall (gzvm_util.h): x27 = command, stored to [x28] (UCALL_ADDR, set
 * by the host); the host reads the arguments from the registers.
 */
#define UCALL_DONE	1
#define UCALL_REPORT	2
#define UCALL_FAIL	3
#define UCALL_SYNC	4

.macro ucall cmd
	mov	x27, #\cmd
	str	x27, [x28]
.endm

.macro guest name
	.section .rodata.guest_\name, "a"
	.balign	2048
	.global	guest_\name\()_start
guest_\name\()_start:
.endm

.macro end_guest name
	.global	guest_\name\()_end
guest_\name\()_end:
	.previous
.endm

.macro mov32 reg, val
	movz	\reg, #((\val) >> 16), lsl #16
	movk	\reg, #((\val) & 0xffff)
.endm

/* ---- done: report DONE forever ---- */
guest done
1:	ucall	UCALL_DONE
	b	1b
end_guest done

/* ---- hvc: one HVC with the host's x0..x7, report, DONE ---- */
guest hvc
	hvc	#0
	ucall	UCALL_REPORT
1:	ucall	UCALL_DONE
	b	1b
end_guest hvc

/* ---- system_off: PSCI SYSTEM_OFF; FAIL if it returns ---- */
guest system_off
	mov32	x0, 0x84000008
	hvc	#0
	mov	x1, #0x0ff
1:	ucall	UCALL_FAIL
	b	1b
end_guest system_off

/* ---- ptp: virtual (x1 = 0), physical (1) and an unknown (2) counter ---- */
guest ptp
	.irp	type, 0, 1, 2
	isb
	mrs	x10, cntvct_el0
	mov32	x0, 0x86000001
	mov	x1, #\type
	hvc	#0
	isb
	mrs	x11, cntvct_el0
	ucall	UCALL_REPORT
	.endr
1:	ucall	UCALL_DONE
	b	1b
end_guest ptp

/*
 * relinquish: x1 = IPA of a RAM page, x2 = a pattern.  Touch the page,
 * SYNC; relinquish it (x5 = result), SYNC; read it again (x6), REPORT;
 * relinquish an IPA outside every memslot (x7 = result), REPORT; DONE.
 */
guest relinquish
	mov	x4, x1
	str	x2, [x4]
	ldr	x3, [x4]
	ucall	UCALL_SYNC
	mov32	x0, 0xc6000009
	mov	x1, x4
	hvc	#0
	mov	x5, x0
	ucall	UCALL_SYNC
	ldr	x6, [x4]
	ucall	UCALL_REPORT
	mov32	x0, 0xc6000009
	mov32	x1, 0x40000000
	hvc	#0
	mov	x7, x0
	ucall	UCALL_REPORT
1:	ucall	UCALL_DONE
	b	1b
end_guest relinquish

/*
 * demand: x1 = base, x2 = size, x3 = seed.  Write (addr ^ seed) into one
 * word of every 4 KiB page (word index = page index % 512), SYNC, read
 * everything back, DONE; FAIL with x2 = address, x3 = read, x4 = expected.
 */
guest demand
	mov	x4, x1
	add	x5, x1, x2
	mov	x6, #0
1:	eor	x7, x4, x3
	and	x8, x6, #0x1ff
	str	x7, [x4, x8, lsl #3]
	add	x4, x4, #4096
	add	x6, x6, #1
	cmp	x4, x5
	b.lo	1b
	ucall	UCALL_SYNC
	mov	x4, x1
	mov	x6, #0
2:	eor	x7, x4, x3
	and	x8, x6, #0x1ff
	ldr	x9, [x4, x8, lsl #3]
	cmp	x9, x7
	b.ne	3f
	add	x4, x4, #4096
	add	x6, x6, #1
	cmp	x4, x5
	b.lo	2b
4:	ucall	UCALL_DONE
	b	4b
3:	mov	x2, x4
	mov	x3, x9
	mov	x4, x7
	mov	x1, #1
	ucall	UCALL_FAIL
	b	3b
end_guest demand

/*
 * calls: an unknown HVC (x10), PSCI_VERSION by SMC (x11) and by HVC (x12),
 * SMCCC_VERSION (x13), x14 = 0x77 proves the guest went on; REPORT; then
 * PSCI SYSTEM_OFF (FAIL if it returns).
 */
guest calls
	mov32	x0, 0xc3000123
	hvc	#0
	mov	x10, x0
	mov32	x0, 0x84000000
	smc	#0
	mov	x11, x0
	mov32	x0, 0x84000000
	hvc	#0
	mov	x12, x0
	mov32	x0, 0x80000000
	hvc	#0
	mov	x13, x0
	mov32	x0, 0x86000002	/* vendor-hyp service, unknown function */
	hvc	#0
	mov	x15, x0
	mov	x14, #0x77
	ucall	UCALL_REPORT
	mov32	x0, 0x84000008
	hvc	#0
	mov	x1, #0x0ff
1:	ucall	UCALL_FAIL
	b	1b
end_guest calls

/* ldp: a load pair from MMIO (x3 = address): no syndrome for the hypervisor */
guest ldp
	ldp	x1, x2, [x3]
1:	ucall	UCALL_DONE
	b	1b
end_guest ldp

/* preidx: a pre-indexed load from MMIO (x3 = address): writeback, no syndrome */
guest preidx
	ldr	x1, [x3, #8]!
1:	ucall	UCALL_DONE
	b	1b
end_guest preidx

/* postidx: a post-indexed store to MMIO (x3 = address) */
guest postidx
	str	x1, [x3], #8
1:	ucall	UCALL_DONE
	b	1b
end_guest postidx

/*
 * vectors: a vector table at the start (2 KiB aligned), the code at +0x800.
 * It jumps to x1 (an address outside every memslot); the synchronous
 * exception handler of the current EL with SP_ELx (+0x200) reports ESR,
 * FAR, ELR, SPSR of EL1 in x1..x4 and the vector offset in x5; every
 * other vector does the same with its own offset.
 */
guest vectors
	.set	off, 0
	.rept	16
	.balign	0x80
	mrs	x10, esr_el1
	mrs	x11, far_el1
	mrs	x12, elr_el1
	mrs	x13, spsr_el1
	mov	x15, #off
	ucall	UCALL_REPORT
1:	ucall	UCALL_DONE
	b	1b
	.set	off, off + 0x80
	.endr
	.balign	0x800
	adr	x0, guest_vectors_start
	msr	vbar_el1, x0
	isb
	br	x1
end_guest vectors

/*
 * spin_ucall: x1 = iterations, x2 = guest address of a counter.  Each
 * round stores the round number to RAM and to UCALL_ADDR + 8 (an MMIO
 * write of x5 the host checks), then DONE.
 */
guest spin_ucall
	mov	x5, #0
1:	add	x5, x5, #1
	str	x5, [x2]
	str	x5, [x28, #8]
	cmp	x5, x1
	b.lo	1b
2:	ucall	UCALL_DONE
	b	2b
end_guest spin_ucall

/* spin: one SYNC, then loop without exits */
guest spin
	ucall	UCALL_SYNC
1:	add	x1, x1, #1
	b	1b
end_guest spin

/*
 * sysregs: report what the host set (x1 TPIDR_EL1, x2 VBAR_EL1, x3
 * CONTEXTIDR_EL1, x4 TPIDR_EL0, x5 TPIDRRO_EL0, x6 MAIR_EL1, x7 SP_EL0,
 * x8 SP (SP_EL1), x9 FPSR, x10 FPCR, x11 ELR_EL1, x12 SPSR_EL1), then
 * write x20 to TPIDR_EL1, x21 to TPIDR_EL0, x22 to SP_EL1, x23 to FPCR
 * and report again, DONE.
 */
guest sysregs
	mrs	x1, tpidr_el1
	mrs	x2, vbar_el1
	mrs	x3, contextidr_el1
	mrs	x4, tpidr_el0
	mrs	x5, tpidrro_el0
	mrs	x6, mair_el1
	mrs	x7, sp_el0
	mov	x8, sp
	mrs	x9, fpsr
	mrs	x10, fpcr
	mrs	x11, elr_el1
	mrs	x12, spsr_el1
	ucall	UCALL_REPORT
	msr	tpidr_el1, x20
	msr	tpidr_el0, x21
	mov	sp, x22
	msr	fpcr, x23
	isb
	ucall	UCALL_REPORT
1:	ucall	UCALL_DONE
	b	1b
end_guest sysregs

/*
 * ---- secret: fill x2 pages from GPA x0 with the word x1 (protected: the
 * host must not see them), ask the hypervisor for the measurement and
 * store x0..x4 of the answer to UCALL_ADDR + 8..40 (MMIO exits carry the
 * value: the host cannot read a protected vCPU's registers), then SYNC
 * forever.  tests/selftests/Makefile also signs this blob as a payload ----
 */
guest secret
	lsl	x3, x2, #9
	mov	x4, x0
1:	str	x1, [x4], #8
	subs	x3, x3, #1
	b.ne	1b
	mov32	x0, 0xc6000040
	hvc	#0
	str	x0, [x28, #8]
	str	x1, [x28, #16]
	str	x2, [x28, #24]
	str	x3, [x28, #32]
	str	x4, [x28, #40]
2:	ucall	UCALL_SYNC
	b	2b
end_guest secret

/*
 * ---- share: fill x2 pages from GPA x0 with the word x1, as secret does;
 * share the first page with the host (MEM_SHARE: its x0 to UCALL_ADDR +
 * 8) and SYNC; then take it back (MEM_UNSHARE: + 16), write x1 + 1 over
 * its first word and SYNC forever.  Also signed as a payload ----
 */
guest share
	mov	x20, x0
	mov	x21, x1
	lsl	x3, x2, #9
	mov	x4, x0
1:	str	x1, [x4], #8
	subs	x3, x3, #1
	b.ne	1b
	mov32	x0, 0xc6000044
	mov	x1, x20
	hvc	#0
	str	x0, [x28, #8]
	ucall	UCALL_SYNC
	mov32	x0, 0xc6000045
	mov	x1, x20
	hvc	#0
	str	x0, [x28, #16]
	add	x22, x21, #1
	str	x22, [x20]
2:	ucall	UCALL_SYNC
	b	2b
end_guest share

/* ---- peek: store the word at GPA x0 to the ucall address, forever ---- */
guest peek
1:	ldr	x27, [x0]
	str	x27, [x28]
	b	1b
end_guest peek

/*
 * ---- guard: enroll in the MMIO guard, name the ucall page and store the
 * two answers there (UCALL_ADDR + 8, + 16), then store to TEST_MMIO_GPA,
 * which it did not name: that must be a data abort in the guest, whose
 * handler stores ESR_EL1 and FAR_EL1 (+ 24, + 32) and SYNCs.  0xbad at +24
 * means the store went through.  Also signed as a payload ----
 */
guest guard
	mov32	x0, 0xc6000041
	hvc	#0
	mov	x20, x0
	mov32	x0, 0xc6000042
	mov	x1, x28
	hvc	#0
	str	x20, [x28, #8]
	str	x0, [x28, #16]
	adr	x9, guard_vectors
	msr	vbar_el1, x9
	isb
	mov32	x2, 0x20000000
	str	x20, [x2]
	mov	x3, #0xbad
	str	x3, [x28, #24]
1:	ucall	UCALL_SYNC
	b	1b
	.balign	2048
guard_vectors:
	.skip	0x200
	mrs	x10, esr_el1
	str	x10, [x28, #24]
	mrs	x11, far_el1
	str	x11, [x28, #32]
2:	ucall	UCALL_SYNC
	b	2b
end_guest guard
