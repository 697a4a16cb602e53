// SPDX-License-Identifier: GPL-2.0
/*
 * randguest: guests executing random instruction sequences (issue 9, a
 * syzkaller-SYZOS-like guest).
 *
 * A victim VM (lib/gzvm_victim.c: 2 vCPUs, one thread each) checksums a read-only region the
 * host filled and rewrites and verifies a per-vCPU pattern in its RAM, one
 * SYNC ucall per iteration, for the whole test.  Beside it, N rounds each
 * build a VM (one or two memslots, sometimes a vGIC, 1 or 2 vCPUs) whose
 * code is a random sequence of A64 instructions made from templates:
 * MOVZ/MOVK of interesting values (IPAs of RAM, past RAM, the ucall and
 * test MMIO, the GIC frames, nothing, 0, ~0; PSCI, SMCCC, vendor-hyp and
 * GenieZone host function ids, the victim's VM id and vCPU tuples),
 * loads and stores of every size (pre/post-index, LDP/STP, exclusives),
 * MRS/MSR of real EL0/EL1/EL2/EL3, GIC, timer, PMU and debug registers and
 * of random encodings, HVC/SMC/SVC/BRK/HLT/UDF/DCPS/ERET, WFI/WFE/SEV,
 * barriers, DC/IC/TLBI/AT, PSTATE immediates, SP moves and random words.
 * VBAR_EL1 points at vectors that count the exception and step over the
 * instruction, so exceptions land back in the random code.  The host is a
 * VMM that does nothing: MMIO reads get random data (sometimes an external
 * abort), hypercall exits random x0..x3.
 *
 * Afterwards: every round ran and the guests executed (MMIO exits, guest
 * exceptions, some reached their final ucall), no exit the hypervisor must
 * never produce and no RUN error but EINTR (a 10 ms watchdog bounds each
 * RUN, see gzvm_run_timeout_ms), the victim's iterations all passed and
 * its memory is exactly as expected, VmLck, Mlocked, pins and the
 * hypervisor's pool, lent and donated memory are back, and a fresh VM runs
 * to DONE.
 *
 * GZVM_SELFTEST_SEED=S replays a run (default: the time, printed);
 * GZVM_SELFTEST_RANDGUEST=N rounds (default 200, 2000 with
 * GZVM_SELFTEST_DEEP=1); GZVM_SELFTEST_RANDGUEST_FIRST=R starts at round
 * R, so SEED=S FIRST=R RANDGUEST=1 replays the round a failure names (its
 * code and exits; the timing of the watchdog differs).
 *
 * Not done: protected random guests (a protected VM needs a payload signed
 * at build time, see gzvm_protected.c), host-injected SPIs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gzvm_util.h"
#include "gzvm_victim.h"
#include "../guest_abi.h"

/* ---- a PRNG (splitmix64: replayable from the printed seed) --------------------- */

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int below(uint64_t *s, unsigned int n)
{
	return (unsigned int)(rnd(s) % n);
}

#define PICK(s, arr) ((arr)[below(s, sizeof(arr) / sizeof((arr)[0]))])

/* ---- A64 encodings --------------------------------------------------------------- */

#define A64_NOP		0xd503201fU
#define A64_ERET	0xd69f03e0U
#define A64_ISB		0xd5033fdfU

static uint32_t a64_movz(unsigned int rd, unsigned int hw, uint32_t imm)
{
	return 0xd2800000U | hw << 21 | (imm & 0xffff) << 5 | rd;
}

static uint32_t a64_movk(unsigned int rd, unsigned int hw, uint32_t imm)
{
	return 0xf2800000U | hw << 21 | (imm & 0xffff) << 5 | rd;
}

/* LDR/STR (unsigned offset, scaled): size 0..3, opc 0 STR, 1 LDR, 2/3 LDRS */
static uint32_t a64_ldst(unsigned int size, unsigned int opc, unsigned int imm12, unsigned int rn,
			 unsigned int rt)
{
	return size << 30 | 0x39000000U | opc << 22 | (imm12 & 0xfff) << 10 | rn << 5 | rt;
}

/* pre (idx 3) or post (idx 1) index, imm9 signed */
static uint32_t a64_ldst_idx(unsigned int size, unsigned int opc, int imm9, unsigned int idx,
			     unsigned int rn, unsigned int rt)
{
	return size << 30 | 0x38000000U | opc << 22 | ((uint32_t)imm9 & 0x1ff) << 12 | idx << 10 |
	       rn << 5 | rt;
}

/* MRS/MSR (op0 2 or 3), SYS/SYSL (op0 1) */
static uint32_t a64_sys(bool read, unsigned int op0, unsigned int op1, unsigned int crn,
			unsigned int crm, unsigned int op2, unsigned int rt)
{
	return 0xd5000000U | (read ? 1U << 21 : 0) | (op0 & 3) << 19 | (op1 & 7) << 16 |
	       (crn & 15) << 12 | (crm & 15) << 8 | (op2 & 7) << 5 | rt;
}

/* ---- the random guest ---------------------------------------------------------------- */

/*
 * Slot 0 (64 KiB at GUEST_RAM_GPA): each vCPU's entry (0x0, 0x40) sets
 * VBAR_EL1 and branches to its body (0x1000, 0x3000); vectors at 0x800;
 * the exception counter at 0x7ff8; random data from 0x8000.  A second
 * slot, if any, is at one of slot1_gpas[] and full of random words.
 */
#define R_RAM_SIZE	(64UL << 10)
#define R_VECTORS	0x800UL
#define R_BODY(i)	(0x1000UL + (i) * 0x2000UL)
#define R_BODY_WORDS	2048
#define R_EXC_COUNTER	0x7ff8UL
#define R_DATA		0x8000UL
#define R_SLOT1_SIZE	(64UL << 10)
#define MAX_VCPUS	2

/* x25, x26: the vectors' scratch; x27, x28: the final ucall */
#define NR_FREE_REGS	25

static const uint64_t slot1_gpas[] = { GUEST_RAM_GPA + R_RAM_SIZE, 0xc0000000ULL };

struct gen {
	uint64_t *s;
	uint32_t *w;		/* the body */
	unsigned int n, max;
	uint64_t base;		/* GPA of w[0] */
	uint64_t slot1;		/* 0: none */
	int victim_id;
	unsigned int nvcpus;
};

static void emit(struct gen *g, uint32_t insn)
{
	if (g->n < g->max)
		g->w[g->n++] = insn;
}

static void emit_mov64(struct gen *g, unsigned int rd, uint64_t v)
{
	emit(g, a64_movz(rd, 0, (uint32_t)v));
	for (unsigned int hw = 1; hw < 4; hw++)
		if ((v >> (16 * hw)) & 0xffff)
			emit(g, a64_movk(rd, hw, (uint32_t)(v >> (16 * hw))));
}

static unsigned int reg(struct gen *g)
{
	return below(g->s, NR_FREE_REGS);
}

/* a data register: sometimes XZR */
static unsigned int dreg(struct gen *g)
{
	return below(g->s, 16) ? reg(g) : 31;
}

/* Addresses worth touching, aligned to @align (a power of two). */
static uint64_t address(struct gen *g, uint64_t align)
{
	uint64_t s1 = g->slot1 ? g->slot1 : slot1_gpas[0];
	uint64_t a;

	switch (below(g->s, 16)) {
	case 0: case 1: case 2: case 3:		/* RAM data */
		a = GUEST_RAM_GPA + R_DATA + rnd(g->s) % (R_RAM_SIZE - R_DATA);
		break;
	case 4:					/* anywhere in slot 0, code and vectors too */
		a = GUEST_RAM_GPA + rnd(g->s) % R_RAM_SIZE;
		break;
	case 5:					/* the second slot, or where it would be */
		a = s1 + rnd(g->s) % R_SLOT1_SIZE;
		break;
	case 6:					/* just past the slots, just before */
		a = PICK(g->s, ((const uint64_t[]){ GUEST_RAM_GPA + R_RAM_SIZE, s1 + R_SLOT1_SIZE,
						      GUEST_RAM_GPA - 8, GUEST_RAM_GPA + R_RAM_SIZE - 8 }));
		break;
	case 7:					/* the ucall page and the test MMIO */
		a = (below(g->s, 2) ? UCALL_ADDR : TEST_MMIO_GPA) + rnd(g->s) % 0x2000;
		break;
	case 8:					/* the page the VMM aborts */
		a = ABORT_MMIO_GPA + rnd(g->s) % 0x1000;
		break;
	case 9: case 10:			/* the distributor */
		a = GIC_DIST_GPA + (below(g->s, 2) ? rnd(g->s) % 0x100 : rnd(g->s) % GIC_DIST_SIZE);
		break;
	case 11: case 12:			/* redistributors, RD and SGI frames, one past */
		a = GIC_REDIST_GPA + below(g->s, MAX_VCPUS + 2) * GIC_REDIST_STRIDE +
		    (below(g->s, 2) ? 0x10000 : 0) +
		    (below(g->s, 2) ? rnd(g->s) % 0x100 : rnd(g->s) % 0x10000);
		break;
	case 13:				/* nothing */
		a = PICK(g->s, ((const uint64_t[]){ 0, 0x1000, 0x40000000, 0x3fffffff000ULL,
						      1ULL << 40, 1ULL << 47, 1ULL << 48, ~0ULL,
						      ~0ULL << 12, 0x09000000, 0x0a000000 }));
		break;
	default:
		a = rnd(g->s) & (below(g->s, 2) ? 0xffffffffffULL : ~0ULL);
		break;
	}
	return a & ~(align - 1);
}

/* Function ids of every owner, valid and not, sometimes with junk in bits 63:32. */
static uint64_t function_id(struct gen *g)
{
	uint64_t f;

	switch (below(g->s, 12)) {
	case 0: case 1:
		/* PSCI: SYSTEM_OFF/RESET (8, 9, 18) end the VM, CPU_OFF (2) a vCPU: rarer */
		f = (below(g->s, 2) ? 0x84000000U : 0xc4000000U) + below(g->s, 0x18);
		if ((f & 0xff) == 8 || (f & 0xff) == 9 || (f & 0xff) == 18 || (f & 0xff) == 2)
			f = below(g->s, 4) ? 0x84000004U : f;
		break;
	case 2:
		f = PICK(g->s, ((const uint32_t[]){ 0x80000000U, 0x80000001U, 0x80000002U,
						      0x80008000U, 0x80007fffU, 0x80003fffU }));
		break;
	case 3: case 4:
		/* vendor hyp: UID, features, PTP, relinquish, measurement, MMIO guard */
		f = PICK(g->s, ((const uint32_t[]){ 0x86000000U, 0x86000001U, 0x8600ff01U,
						      0x8600ff00U, 0xc6000009U, 0xc6000009U,
						      0xc6000040U, 0xc6000041U, 0xc6000042U,
						      0xc6000043U, 0x86000002U }));
		break;
	case 5: case 6:
		/* the host's calls into GenieZone (SMC64, SMC32): a guest must not get them */
		f = (below(g->s, 2) ? 0xfb001000U : 0xbb001000U) + below(g->s, 24);
		break;
	case 7:
		f = 0x80000000U | (uint32_t)below(g->s, 64) << 24 | below(g->s, 0x20);
		break;
	case 8:
		f = (uint32_t)rnd(g->s);
		break;
	default:
		f = 0x84000003U;	/* CPU_ON: the other vCPU, a PC in the code */
		break;
	}
	if (!below(g->s, 8))
		f |= rnd(g->s) << 32;	/* SMCCC: only w0 counts */
	return f;
}

static uint64_t value(struct gen *g)
{
	switch (below(g->s, 10)) {
	case 0: return address(g, 1);
	case 1: case 2: return address(g, 8);
	case 3: return function_id(g);
	case 4: return below(g->s, 64);
	case 5: return PICK(g->s, ((const uint64_t[]){ 0, 1, ~0ULL, 0x7fffffffffffffffULL,
						      0x8000000000000000ULL, 0x3c5, 0x3c4, 0x10,
						      0x3c9, 0x5, 0xffffffff, 0xffffffff00000000ULL }));
	case 6:
		/* the victim's VM id and vCPU tuples, for the GenieZone calls */
		if (g->victim_id >= 0)
			return below(g->s, 2) ? (uint64_t)g->victim_id :
			       (uint64_t)g->victim_id << 16 | below(g->s, 2);
		return below(g->s, 16);
	case 7: return g->base + 4 * below(g->s, g->max);	/* a PC in the body */
	default: return rnd(g->s);
	}
}

/* a register holding @v, loaded now */
static unsigned int reg_with(struct gen *g, uint64_t v)
{
	unsigned int r = reg(g);

	emit_mov64(g, r, v);
	return r;
}

static void t_mov(struct gen *g)
{
	emit_mov64(g, reg(g), value(g));
}

static void t_ldst(struct gen *g)
{
	unsigned int size = below(g->s, 4), opc = below(g->s, 4);
	unsigned int rn, off;

	if (size == 3 && opc >= 2)
		opc = 1;	/* PRFM / unallocated: keep it a load */
	if (size == 2 && opc == 3)
		opc = 2;
	off = below(g->s, 4) ? 0 : below(g->s, 8);
	rn = below(g->s, 8) ? reg_with(g, address(g, 1ULL << size) - ((uint64_t)off << size)) : reg(g);
	emit(g, a64_ldst(size, opc, off, rn, dreg(g)));
}

static void t_ldst_idx(struct gen *g)
{
	unsigned int rn = reg_with(g, address(g, 8)), rt = reg(g), rt2 = reg(g);

	switch (below(g->s, 4)) {
	case 0:	/* pre/post-indexed LDR/STR */
		emit(g, a64_ldst_idx(below(g->s, 4), below(g->s, 2), (int)below(g->s, 33) - 16,
				     below(g->s, 2) ? 1 : 3, rn, rt));
		break;
	case 1:	/* LDP/STP X, signed offset */
		emit(g, 0xa9000000U | below(g->s, 2) << 22 | below(g->s, 5) << 15 | rt2 << 10 |
			rn << 5 | rt);
		break;
	case 2:	/* LDP/STP X, pre/post-index by 8 */
		emit(g, (below(g->s, 2) ? 0xa9800000U : 0xa8800000U) | below(g->s, 2) << 22 |
			1U << 15 | rt2 << 10 | rn << 5 | rt);
		break;
	default: /* LDP/STP W */
		emit(g, 0x29000000U | below(g->s, 2) << 22 | rt2 << 10 | rn << 5 | rt);
		break;
	}
}

static void t_excl(struct gen *g)
{
	unsigned int rn = reg_with(g, address(g, 8)), rt = reg(g), rs = reg(g);
	bool x = below(g->s, 2);

	/* LDXR / LDAXR, then STXR or CLREX */
	emit(g, (x ? 0xc85f7c00U : 0x885f7c00U) | (below(g->s, 2) ? 0x8000 : 0) | rn << 5 | rt);
	if (below(g->s, 4))
		emit(g, (x ? 0xc8007c00U : 0x88007c00U) | rs << 16 | rn << 5 | rt);
	else
		emit(g, 0xd503305fU);
}

struct sysreg { uint8_t op0, op1, crn, crm, op2; };

static const struct sysreg sysregs[] = {
	/* EL1 */
	{ 3, 0, 1, 0, 0 }, { 3, 0, 1, 0, 1 }, { 3, 0, 1, 0, 2 }, { 3, 0, 2, 0, 0 }, { 3, 0, 2, 0, 1 },
	{ 3, 0, 2, 0, 2 }, { 3, 0, 5, 2, 0 }, { 3, 0, 5, 1, 0 }, { 3, 0, 6, 0, 0 }, { 3, 0, 7, 4, 0 },
	{ 3, 0, 10, 2, 0 }, { 3, 0, 10, 3, 0 }, { 3, 0, 13, 0, 1 }, { 3, 0, 13, 0, 4 },
	{ 3, 0, 14, 1, 0 }, { 3, 0, 4, 1, 0 }, { 3, 0, 4, 0, 1 }, { 3, 0, 4, 0, 0 }, { 3, 0, 4, 2, 2 },
	{ 3, 3, 4, 2, 1 }, { 3, 3, 4, 2, 0 }, { 3, 0, 4, 2, 0 }, { 3, 0, 4, 2, 3 },
	/* ID registers */
	{ 3, 0, 0, 0, 0 }, { 3, 0, 0, 0, 5 }, { 3, 0, 0, 0, 6 }, { 3, 0, 0, 4, 0 }, { 3, 0, 0, 4, 1 },
	{ 3, 0, 0, 5, 0 }, { 3, 0, 0, 6, 0 }, { 3, 0, 0, 7, 0 }, { 3, 0, 0, 7, 2 }, { 3, 1, 0, 0, 1 },
	{ 3, 1, 0, 0, 0 }, { 3, 2, 0, 0, 0 }, { 3, 3, 0, 0, 1 }, { 3, 3, 0, 0, 7 }, { 3, 0, 0, 1, 0 },
	/* EL0 */
	{ 3, 3, 13, 0, 2 }, { 3, 3, 13, 0, 3 }, { 3, 3, 4, 4, 0 }, { 3, 3, 4, 4, 1 },
	/* timers */
	{ 3, 3, 14, 0, 0 }, { 3, 3, 14, 0, 1 }, { 3, 3, 14, 0, 2 }, { 3, 3, 14, 2, 0 }, { 3, 3, 14, 2, 1 },
	{ 3, 3, 14, 2, 2 }, { 3, 3, 14, 3, 0 }, { 3, 3, 14, 3, 1 }, { 3, 3, 14, 3, 2 }, { 3, 3, 14, 0, 5 },
	{ 3, 3, 14, 0, 6 },
	/* GIC CPU interface */
	{ 3, 0, 4, 6, 0 }, { 3, 0, 12, 12, 0 }, { 3, 0, 12, 12, 1 }, { 3, 0, 12, 12, 2 },
	{ 3, 0, 12, 12, 3 }, { 3, 0, 12, 12, 4 }, { 3, 0, 12, 12, 5 }, { 3, 0, 12, 12, 6 },
	{ 3, 0, 12, 12, 7 }, { 3, 0, 12, 11, 5 }, { 3, 0, 12, 11, 6 }, { 3, 0, 12, 11, 7 },
	{ 3, 0, 12, 11, 1 }, { 3, 0, 12, 11, 3 }, { 3, 0, 12, 8, 0 }, { 3, 0, 12, 8, 1 },
	{ 3, 0, 12, 9, 0 }, { 3, 0, 12, 8, 4 },
	/* PMU */
	{ 3, 3, 9, 12, 0 }, { 3, 3, 9, 12, 1 }, { 3, 3, 9, 13, 0 }, { 3, 3, 9, 14, 0 }, { 3, 3, 9, 12, 5 },
	{ 3, 3, 14, 8, 0 }, { 3, 3, 14, 15, 7 }, { 3, 0, 9, 14, 1 },
	/* debug */
	{ 2, 0, 0, 2, 2 }, { 2, 0, 0, 0, 4 }, { 2, 0, 0, 0, 5 }, { 2, 0, 0, 0, 6 }, { 2, 0, 0, 0, 7 },
	{ 2, 0, 1, 0, 4 }, { 2, 0, 1, 1, 4 }, { 2, 0, 1, 3, 4 }, { 2, 3, 0, 1, 0 }, { 2, 3, 0, 4, 0 },
	{ 2, 0, 1, 0, 0 }, { 2, 0, 7, 8, 6 }, { 2, 0, 7, 14, 6 },
	/* EL2, VHE aliases */
	{ 3, 4, 1, 1, 0 }, { 3, 4, 2, 1, 0 }, { 3, 4, 2, 1, 2 }, { 3, 4, 1, 0, 0 }, { 3, 4, 12, 0, 0 },
	{ 3, 4, 4, 0, 1 }, { 3, 4, 4, 0, 0 }, { 3, 4, 5, 2, 0 }, { 3, 4, 13, 0, 2 }, { 3, 4, 14, 1, 0 },
	{ 3, 4, 14, 0, 3 }, { 3, 4, 12, 11, 0 }, { 3, 4, 12, 12, 0 }, { 3, 4, 12, 11, 7 },
	{ 3, 4, 1, 1, 1 }, { 3, 4, 0, 0, 0 }, { 3, 4, 0, 0, 5 }, { 3, 4, 1, 1, 2 }, { 3, 4, 1, 1, 3 },
	{ 3, 4, 4, 1, 0 }, { 3, 4, 2, 0, 0 }, { 3, 4, 14, 2, 1 }, { 3, 5, 1, 0, 0 }, { 3, 5, 14, 3, 1 },
	/* EL3 */
	{ 3, 6, 1, 1, 0 }, { 3, 6, 1, 0, 0 }, { 3, 6, 12, 0, 0 }, { 3, 6, 4, 0, 1 }, { 3, 6, 1, 3, 1 },
	{ 3, 6, 12, 12, 5 }, { 3, 6, 1, 1, 2 },
	/* SVE, SME, MTE, RNDR, RAS, AMU, SPE, trace, PAuth, MPAM, LOR */
	{ 3, 0, 1, 2, 0 }, { 3, 0, 1, 2, 6 }, { 3, 0, 5, 6, 0 }, { 3, 0, 1, 0, 6 }, { 3, 3, 2, 4, 0 },
	{ 3, 0, 5, 3, 1 }, { 3, 0, 12, 1, 1 }, { 3, 3, 13, 2, 0 }, { 3, 0, 9, 9, 0 }, { 3, 0, 1, 2, 1 },
	{ 3, 0, 2, 1, 0 }, { 3, 0, 10, 5, 0 }, { 3, 0, 10, 4, 3 },
};

/*
 * QEMU's generic timer model (7.2, Debian 12's) arms its host timer for
 * the virtual timer at CNTV_CVAL_EL0 + CNTVOFF_EL2, without checking for
 * wrap-around: a deadline that wraps lands in the past, and QEMU's main
 * loop then runs the timer's callback forever with its global lock held,
 * freezing every CPU of the board (a silent console; found by this test,
 * confirmed with QEMU's arm_gt_* trace events).  Two guest writes do it: a
 * CVAL within CNTVOFF of 2^64, and a negative TVAL larger than the virtual
 * count (CVAL = CNTVCT + TVAL wraps).  Real CPUs compare CNTVCT >= CVAL
 * and are not affected.  So a random guest's CVAL is kept below 2^62
 * (CNTVOFF, the counter at VM creation, stays far below 2^64 - 2^62) and
 * its TVAL non-negative; every other timer write stays as random as it was.
 */
static void emit_sysreg(struct gen *g, bool read, unsigned int op0, unsigned int op1,
			unsigned int crn, unsigned int crm, unsigned int op2, unsigned int rt)
{
	bool cntv = op0 == 3 && op1 == 3 && crn == 14 && crm == 3;

	/* XZR (31) writes zero; as AND's destination 31 would be SP */
	if (!read && rt != 31 && cntv && op2 == 2)
		emit(g, 0x9240f400U | rt << 5 | rt);	/* AND Xt, Xt, #(1 << 62) - 1 */
	if (!read && rt != 31 && cntv && op2 == 0)
		emit(g, 0x92407800U | rt << 5 | rt);	/* AND Xt, Xt, #0x7fffffff */
	emit(g, a64_sys(read, op0, op1, crn, crm, op2, rt));
}

static void t_sysreg(struct gen *g)
{
	bool read = below(g->s, 2);
	unsigned int rt = read || below(g->s, 2) ? reg(g) : reg_with(g, value(g));

	if (below(g->s, 4)) {
		struct sysreg r = PICK(g->s, sysregs);

		/* a new VBAR_EL1 would send every exception to random places: leave it */
		if (!read && r.op0 == 3 && r.op1 == 0 && r.crn == 12 && r.crm == 0 && r.op2 == 0)
			read = true;
		emit_sysreg(g, read, r.op0, r.op1, r.crn, r.crm, r.op2, rt);
	} else {
		/* any encoding: op0 3 (registers), 2 (debug), 1 (SYS/SYSL) */
		unsigned int op0 = below(g->s, 4) ? 3 : 1 + below(g->s, 2);
		unsigned int op1 = below(g->s, 8), crn = below(g->s, 16), crm = below(g->s, 16);

		emit_sysreg(g, read, op0, op1, crn, crm, below(g->s, 8), rt);
	}
}

static void t_call(struct gen *g, bool smc)
{
	uint64_t fid = function_id(g);

	emit_mov64(g, 0, fid);
	if ((uint32_t)fid == 0x84000003U || (uint32_t)fid == 0xc4000003U) {
		/* CPU_ON: a vCPU of this VM or not, entry in the body or anywhere */
		emit_mov64(g, 1, below(g->s, 4) ? below(g->s, g->nvcpus + 1) : value(g));
		emit_mov64(g, 2, below(g->s, 2) ? g->base + 4 * below(g->s, g->max) : value(g));
	} else {
		for (unsigned int r = 1; r < 4; r++)
			if (below(g->s, 2))
				emit_mov64(g, r, value(g));
	}
	emit(g, (smc ? 0xd4000003U : 0xd4000002U) |
		(below(g->s, 4) ? 0 : below(g->s, 0x10000)) << 5);
}

static void t_exception(struct gen *g)
{
	static const uint32_t ops[] = { 0xd4000001U /* SVC */, 0xd4200000U /* BRK */,
					0xd4400000U /* HLT */, 0x00000000U /* UDF */,
					0xd4a00001U /* DCPS1 */, 0xd4a00002U /* DCPS2 */ };
	uint32_t op = PICK(g->s, ops);

	emit(g, op | (op ? below(g->s, 0x10000) << 5 : below(g->s, 0x10000)));
}

/* ERET to the next instruction, in a random mode (EL0, EL1t, AArch32, illegal EL2) */
static void t_eret(struct gen *g)
{
	static const uint64_t spsr[] = { 0x3c5, 0x3c4, 0x0, 0x3c0, 0x10, 0x3c9, 0x3cd, 0x5, 0x200005 };
	unsigned int r = reg(g);
	uint64_t elr;

	emit_mov64(g, r, below(g->s, 4) ? PICK(g->s, spsr) : rnd(g->s));
	emit(g, a64_sys(false, 3, 0, 4, 0, 0, r));		/* MSR SPSR_EL1 */
	/* ELR_EL1 = just past the ERET: 4 words of MOVZ/MOVK, MSR, ERET */
	elr = g->base + 4 * (g->n + 6);
	emit(g, a64_movz(r, 0, (uint32_t)elr));
	for (unsigned int hw = 1; hw < 4; hw++)
		emit(g, a64_movk(r, hw, (uint32_t)(elr >> (16 * hw))));
	emit(g, a64_sys(false, 3, 0, 4, 0, 1, r));		/* MSR ELR_EL1 */
	emit(g, A64_ERET);
}

static void t_hint(struct gen *g)
{
	static const uint32_t ops[] = { 0xd503207fU /* WFI */, 0xd503205fU /* WFE */,
					0xd503209fU /* SEV */, 0xd50320bfU /* SEVL */,
					0xd503203fU /* YIELD */, A64_NOP, A64_ISB,
					0xd5033f9fU /* DSB SY */, 0xd5033fbfU /* DMB SY */,
					0xd5033b9fU /* DSB ISH */, 0xd503229fU /* CSDB */,
					0xd503233fU /* PACIASP */, 0xd503241fU /* BTI */,
					0xd503207fU /* WFI */ };

	emit(g, PICK(g->s, ops));
}

/* DC/IC/TLBI/AT (SYS, op0 1) on an address */
static void t_cache(struct gen *g)
{
	static const struct sysreg ops[] = {
		{ 1, 3, 7, 14, 1 } /* DC CIVAC */, { 1, 3, 7, 10, 1 } /* DC CVAC */,
		{ 1, 0, 7, 6, 1 } /* DC IVAC */, { 1, 3, 7, 4, 1 } /* DC ZVA */,
		{ 1, 3, 7, 11, 1 } /* DC CVAU */, { 1, 3, 7, 12, 1 } /* DC CVAP */,
		{ 1, 0, 7, 6, 2 } /* DC ISW */, { 1, 0, 7, 10, 2 } /* DC CSW */,
		{ 1, 0, 7, 14, 2 } /* DC CISW */, { 1, 0, 7, 5, 0 } /* IC IALLU */,
		{ 1, 0, 7, 1, 0 } /* IC IALLUIS */, { 1, 3, 7, 5, 1 } /* IC IVAU */,
		{ 1, 0, 8, 7, 0 } /* TLBI VMALLE1 */, { 1, 0, 8, 3, 0 } /* TLBI VMALLE1IS */,
		{ 1, 0, 8, 7, 1 } /* TLBI VAE1 */, { 1, 0, 8, 7, 2 } /* TLBI ASIDE1 */,
		{ 1, 0, 8, 7, 3 } /* TLBI VAAE1 */, { 1, 4, 8, 7, 0 } /* TLBI ALLE2 */,
		{ 1, 4, 8, 7, 4 } /* TLBI ALLE1 */, { 1, 6, 8, 7, 0 } /* TLBI ALLE3 */,
		{ 1, 0, 7, 8, 0 } /* AT S1E1R */, { 1, 0, 7, 8, 1 } /* AT S1E1W */,
		{ 1, 0, 7, 8, 2 } /* AT S1E0R */, { 1, 4, 7, 8, 4 } /* AT S12E1R */,
		{ 1, 4, 7, 8, 0 } /* AT S1E2R */, { 1, 6, 7, 8, 0 } /* AT S1E3R */,
	};
	struct sysreg o = PICK(g->s, ops);
	unsigned int rt = below(g->s, 8) ? reg_with(g, address(g, 1)) : reg(g);

	emit(g, a64_sys(false, 1, o.op1, o.crn, o.crm, o.op2, rt));
	if (!below(g->s, 4))
		emit(g, a64_sys(true, 3, 0, 7, 4, 0, reg(g)));	/* MRS PAR_EL1 */
}

/* MSR DAIFSet/DAIFClr/SPSel/PAN/UAO/SSBS/DIT/TCO/..., #imm */
static void t_pstate(struct gen *g)
{
	static const uint8_t op1_op2[][2] = { { 3, 6 }, { 3, 7 }, { 0, 5 }, { 0, 4 }, { 0, 3 },
					      { 3, 1 }, { 3, 2 }, { 3, 4 }, { 1, 0 } };
	unsigned int i = below(g->s, sizeof(op1_op2) / sizeof(op1_op2[0]));

	emit(g, 0xd500401fU | (uint32_t)op1_op2[i][0] << 16 | below(g->s, 16) << 8 |
		(uint32_t)op1_op2[i][1] << 5);
}

/* SP somewhere (aligned or not), then a load/store or a push through it */
static void t_sp(struct gen *g)
{
	unsigned int r = reg_with(g, below(g->s, 2) ? address(g, 16) : address(g, 1));

	emit(g, 0x9100001fU | r << 5);	/* MOV SP, Xr */
	if (below(g->s, 2))
		emit(g, a64_ldst(3, below(g->s, 2), 0, 31, reg(g)));
	else
		emit(g, 0xa9bf0000U | reg(g) << 10 | 31 << 5 | reg(g));	/* STP ..., [SP, #-16]! */
}

/* One body of about @len words, ending in the DONE ucall; returns its words. */
static unsigned int gen_body(struct gen *g, unsigned int len)
{
	g->n = 0;
	while (g->n < len && g->n + 24 < g->max) {
		unsigned int t = below(g->s, 100);

		if (t < 16)
			t_mov(g);
		else if (t < 36)
			t_ldst(g);
		else if (t < 41)
			t_ldst_idx(g);
		else if (t < 44)
			t_excl(g);
		else if (t < 58)
			t_sysreg(g);
		else if (t < 67)
			t_call(g, false);
		else if (t < 70)
			t_call(g, true);
		else if (t < 74)
			t_exception(g);
		else if (t < 75)
			t_eret(g);
		else if (t < 81)
			t_hint(g);
		else if (t < 87)
			t_cache(g);
		else if (t < 90)
			t_pstate(g);
		else if (t < 91)
			t_sp(g);
		else if (t < 93)
			emit(g, 0x14000002U);	/* B .+8: over the random word that follows */
		else
			emit(g, (uint32_t)rnd(g->s));
	}
	/* the end: DONE to the ucall address, again and again */
	emit_mov64(g, 28, UCALL_ADDR);
	emit(g, a64_movz(27, 0, UCALL_DONE));
	emit(g, a64_ldst(3, 0, 0, 28, 27));
	emit(g, 0x17ffffffU);		/* B .-4 */
	return g->n;
}

/* Entry at byte @off of slot 0: VBAR_EL1 = the vectors, ISB, branch to the body. */
static void gen_entry(uint32_t *ram, unsigned int off, unsigned int body)
{
	uint64_t vbar = GUEST_RAM_GPA + R_VECTORS;
	unsigned int i = off / 4;

	ram[i++] = a64_movz(25, 0, (uint32_t)vbar);
	ram[i++] = a64_movk(25, 1, (uint32_t)(vbar >> 16));
	ram[i++] = a64_sys(false, 3, 0, 12, 0, 0, 25);	/* MSR VBAR_EL1, x25 */
	ram[i++] = A64_ISB;
	ram[i] = 0x14000000U | (((body - 4 * i) / 4) & 0x3ffffff);	/* B body */
}

/* Each vector: count the exception, ELR_EL1 += 4 (over the instruction), ERET. */
static void gen_vectors(uint32_t *ram)
{
	uint64_t ctr = GUEST_RAM_GPA + R_EXC_COUNTER;

	for (unsigned int v = 0; v < 16; v++) {
		uint32_t *p = ram + (R_VECTORS + v * 0x80) / 4;

		*p++ = a64_movz(25, 0, (uint32_t)ctr);
		*p++ = a64_movk(25, 1, (uint32_t)(ctr >> 16));
		*p++ = a64_ldst(3, 1, 0, 25, 26);
		*p++ = 0x91000400U | 26 << 5 | 26;		/* ADD x26, x26, #1 */
		*p++ = a64_ldst(3, 0, 0, 25, 26);
		*p++ = a64_sys(true, 3, 0, 4, 0, 1, 26);	/* MRS x26, ELR_EL1 */
		*p++ = 0x91001000U | 26 << 5 | 26;		/* ADD x26, x26, #4 */
		*p++ = a64_sys(false, 3, 0, 4, 0, 1, 26);	/* MSR ELR_EL1, x26 */
		*p = A64_ERET;
	}
}

/* ---- running a round ------------------------------------------------------------------- */

#define ROUND_MS	20	/* per vCPU and round */
#define RUN_MS		10	/* the watchdog of one RUN */
#define MAX_EXITS	200	/* per vCPU and round */
#define HANG_S		10	/* a vCPU's round not over after this: a RUN hangs */
#define NR_REASONS	16

static struct {
	atomic_long reasons[NR_REASONS + 1];	/* [NR_REASONS]: anything else */
	atomic_long errnos[134];
	atomic_long eintr, runs, dones, aborts_injected, hypercall_answers, exceptions;
	atomic_long bad, instructions, internal_sub[4], system_events[4];
	atomic_long vcpus, gic_rounds, slot1_rounds, skipped, exc_rounds;
	atomic_ullong first_hvc;	/* x0 of the first hypercall exit */
	double max_run, run_secs;	/* the longest RUN, the time in the vCPUs' rounds */
	char why[400];		/* the first failure */
	pthread_mutex_t lock;
} st = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct rvcpu {
	struct gzvm_vcpu vcpu;
	uint64_t seed;		/* for the answers to its exits */
	long round;
};

static void failure(long round, int vcpu, const char *what, const char *detail)
{
	atomic_fetch_add(&st.bad, 1);
	pthread_mutex_lock(&st.lock);
	if (!st.why[0])
		snprintf(st.why, sizeof(st.why), "round %ld vCPU %d: %s%s", round, vcpu, what, detail);
	pthread_mutex_unlock(&st.lock);
}

static void answer_mmio(struct rvcpu *c, struct gzvm_vcpu_run *run)
{
	if (!below(&c->seed, 16) || run->mmio.phys_addr - ABORT_MMIO_GPA < 0x1000) {
		run->mmio.ext_abort = 1;	/* nothing there: the access aborts */
		atomic_fetch_add(&st.aborts_injected, 1);
	} else if (!run->mmio.is_write) {
		uint64_t d = rnd(&c->seed);

		memcpy(run->mmio.data, &d, 8);
	}
}

/* One exit, answered like a VMM that does nothing; false ends this vCPU's round. */
static bool answer(struct rvcpu *c)
{
	struct gzvm_vcpu_run *run = c->vcpu.run;
	uint32_t reason = run->exit_reason;
	unsigned int idx = reason - GZVM_EXIT_UNKNOWN;
	uint64_t d;

	atomic_fetch_add(&st.reasons[idx < NR_REASONS ? idx : NR_REASONS], 1);
	switch (reason) {
	case GZVM_EXIT_MMIO:
		memcpy(&d, run->mmio.data, 8);
		if (gzvm_is_ucall(&c->vcpu) && d == UCALL_DONE) {
			atomic_fetch_add(&st.dones, 1);
			return false;
		}
		answer_mmio(c, run);
		return true;
	case GZVM_EXIT_HYPERCALL:
		if (!atomic_load(&st.first_hvc))
			atomic_store(&st.first_hvc, run->hypercall.args[0]);
		for (int i = 0; i < 4; i++)
			run->hypercall.args[i] = below(&c->seed, 2) ? rnd(&c->seed) : ~0ULL;
		atomic_fetch_add(&st.hypercall_answers, 1);
		return true;
	case GZVM_EXIT_SYSTEM_EVENT:
		atomic_fetch_add(&st.system_events[run->system_event.type & 3], 1);
		return false;
	case GZVM_EXIT_INTERNAL_ERROR:
		atomic_fetch_add(&st.internal_sub[run->internal.suberror & 3], 1);
		/* an MMIO access without a syndrome (LDP, writeback): step over it, go on */
		if (run->internal.suberror == 1 && run->internal.ndata == 3 &&
		    !gzvm_set_reg(&c->vcpu, REG_PC, run->internal.data[2] + 4)) {
			atomic_fetch_add(&st.skipped, 1);
			return true;
		}
		return false;
	case GZVM_EXIT_EXCEPTION:
	case GZVM_EXIT_SHUTDOWN:
		return false;
	default:
		/* FAIL_ENTRY, UNKNOWN, DEBUG, and what the driver keeps (IRQ, GZ, IDLE, IPI) */
		failure(c->round, c->vcpu.id, "an exit the hypervisor must never give: ",
			gzvm_exit_str(&c->vcpu));
		return false;
	}
}

/* Run one vCPU for its round: ROUND_MS or MAX_EXITS, whichever comes first. */
static void run_vcpu(struct rvcpu *c)
{
	double end = gzvm_now() + ROUND_MS / 1000.0;

	for (int exits = 0; exits < MAX_EXITS && gzvm_now() < end; exits++) {
		double t = gzvm_now(), dt;
		int r = gzvm_vcpu_run(&c->vcpu);

		dt = gzvm_now() - t;
		pthread_mutex_lock(&st.lock);
		if (dt > st.max_run)
			st.max_run = dt;
		pthread_mutex_unlock(&st.lock);
		atomic_fetch_add(&st.runs, 1);
		if (dt > 2.0)
			failure(c->round, c->vcpu.id, "a RUN ended only ",
				gzvm_fmt("%.1f s after its %d ms watchdog", dt, RUN_MS));
		if (r == -EINTR) {
			atomic_fetch_add(&st.eintr, 1);
			continue;
		}
		if (r) {
			atomic_fetch_add(&st.errnos[-r < 134 ? -r : 0], 1);
			failure(c->round, c->vcpu.id, "GZVM_RUN failed: ", strerror(-r));
			break;
		}
		if (!answer(c))
			break;
	}
}

/*
 * The vCPU threads live for the whole test (a thread's RUN watchdog is a
 * POSIX timer that outlives it): each waits for a job, runs it, reports.
 */
static struct worker {
	pthread_t th;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct rvcpu *job;
	bool busy, quit;
} workers[MAX_VCPUS];

static void *worker_thread(void *arg)
{
	struct worker *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->busy && !w->quit)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->quit)
			break;
		pthread_mutex_unlock(&w->lock);
		run_vcpu(w->job);
		pthread_mutex_lock(&w->lock);
		w->busy = false;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static void worker_start(struct worker *w, struct rvcpu *job)
{
	pthread_mutex_lock(&w->lock);
	w->job = job;
	w->busy = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* Wait for the worker's job; a round that never ends is a RUN that hangs. */
static void worker_wait(struct worker *w, long round)
{
	struct timespec ts;
	bool told = false;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += HANG_S;
	pthread_mutex_lock(&w->lock);
	while (w->busy) {
		if (pthread_cond_timedwait(&w->cond, &w->lock, &ts) && w->busy && !told) {
			/* say so now: the test cannot go on until the RUN returns */
			gzvm_tap_fail("randguest: a vCPU's round ends", "round %ld: a RUN still runs after %d s",
				      round, HANG_S);
			told = true;
		}
	}
	pthread_mutex_unlock(&w->lock);
}

static int workers_init(void)
{
	for (int i = 0; i < MAX_VCPUS; i++) {
		pthread_mutex_init(&workers[i].lock, NULL);
		pthread_cond_init(&workers[i].cond, NULL);
		if (pthread_create(&workers[i].th, NULL, worker_thread, &workers[i]))
			return -1;
	}
	return 0;
}

static void workers_end(void)
{
	for (int i = 0; i < MAX_VCPUS; i++) {
		pthread_mutex_lock(&workers[i].lock);
		workers[i].quit = true;
		pthread_cond_broadcast(&workers[i].cond);
		pthread_mutex_unlock(&workers[i].lock);
		pthread_join(workers[i].th, NULL);
	}
}

struct round_cfg {
	unsigned int nvcpus;
	bool gic, slot1;
	uint64_t slot1_gpa;
};

static void round_fill(struct gzvm_vm *vm, uint64_t *s, const struct round_cfg *cfg, int victim_id)
{
	uint32_t *ram = gzvm_gpa_to_hva(vm, GUEST_RAM_GPA);
	struct gen g = { .s = s, .max = R_BODY_WORDS, .victim_id = victim_id, .nvcpus = cfg->nvcpus,
			 .slot1 = cfg->slot1 ? cfg->slot1_gpa : 0 };

	for (size_t i = R_DATA / 4; i < R_RAM_SIZE / 4; i++)
		ram[i] = (uint32_t)rnd(s);
	if (cfg->slot1) {
		uint32_t *s1 = gzvm_gpa_to_hva(vm, cfg->slot1_gpa);

		for (size_t i = 0; i < R_SLOT1_SIZE / 4; i++)
			s1[i] = below(s, 4) ? (uint32_t)rnd(s) : 0;
	}
	gen_vectors(ram);
	for (unsigned int v = 0; v < MAX_VCPUS; v++) {
		gen_entry(ram, v * 0x40, R_BODY(v));
		g.w = ram + R_BODY(v) / 4;
		g.base = GUEST_RAM_GPA + R_BODY(v);
		atomic_fetch_add(&st.instructions, gen_body(&g, 32 + below(s, 700)));
	}
	__builtin___clear_cache((char *)ram, (char *)ram + R_RAM_SIZE);
}

/* The VM of a round; NULL (why in *why) if it could not be set up. */
static const char *round_vm(struct gzvm_vm *vm, struct round_cfg *cfg, uint64_t *s, int victim_id)
{
	int r;

	cfg->nvcpus = 1 + below(s, 2);
	cfg->gic = below(s, 2);
	cfg->slot1 = below(s, 2);
	cfg->slot1_gpa = PICK(s, slot1_gpas);
	r = gzvm_vm_create(vm);
	if (r)
		return gzvm_fmt("CREATE_VM: %s", strerror(-r));
	if (!gzvm_vm_add_mem(vm, 0, GUEST_RAM_GPA, R_RAM_SIZE) ||
	    (cfg->slot1 && !gzvm_vm_add_mem(vm, 1, cfg->slot1_gpa, R_SLOT1_SIZE)))
		return gzvm_fmt("memslots: %s", strerror(errno));
	if (cfg->gic && (r = gzvm_vm_create_gic(vm, (int)cfg->nvcpus)))
		return gzvm_fmt("vGIC: %s", strerror(-r));
	round_fill(vm, s, cfg, victim_id);
	return NULL;
}

/* One round: 0, or -1 if its VM could not be set up (a failure too). */
static int one_round(uint64_t master, long round, int victim_id)
{
	uint64_t s = master ^ (uint64_t)round * 0xd1b54a32d192ed03ULL;
	struct rvcpu c[MAX_VCPUS];
	struct round_cfg cfg;
	struct gzvm_vm vm;
	const char *why;
	unsigned int made = 0;
	uint64_t exc;
	int r;

	memset(c, 0, sizeof(c));
	why = round_vm(&vm, &cfg, &s, victim_id);
	for (; !why && made < cfg.nvcpus; made++) {
		c[made].seed = rnd(&s);
		c[made].round = round;
		r = gzvm_vcpu_create(&vm, (int)made, &c[made].vcpu, GUEST_RAM_GPA + made * 0x40);
		if (r)
			why = gzvm_fmt("CREATE_VCPU: %s", strerror(-r));
	}
	if (!why) {
		double t0 = gzvm_now();

		for (unsigned int i = 0; i < made; i++)
			worker_start(&workers[i], &c[i]);
		for (unsigned int i = 0; i < made; i++)
			worker_wait(&workers[i], round);
		st.run_secs += gzvm_now() - t0;
		exc = *(uint64_t *)gzvm_gpa_to_hva(&vm, GUEST_RAM_GPA + R_EXC_COUNTER);
		/* the random stores may hit the counter too: take only a plausible count */
		if (exc && exc < 1ULL << 24) {
			atomic_fetch_add(&st.exceptions, (long)exc);
			atomic_fetch_add(&st.exc_rounds, 1);
		}
		atomic_fetch_add(&st.vcpus, made);
		atomic_fetch_add(&st.gic_rounds, cfg.gic);
		atomic_fetch_add(&st.slot1_rounds, cfg.slot1);
	}
	for (unsigned int i = 0; i < made; i++)
		if (c[i].vcpu.run)
			gzvm_vcpu_close(&c[i].vcpu);
	if (vm.fd >= 0 || vm.dev_fd >= 0)
		gzvm_vm_destroy(&vm);
	if (!why)
		return 0;
	failure(round, -1, "set-up: ", why);
	return -1;
}

/* ---- accounting ------------------------------------------------------------------------- */

static void report(long rounds, double secs)
{
	char line[700];
	int n = 0;

	for (int i = 0; i <= NR_REASONS; i++) {
		long v = atomic_load(&st.reasons[i]);

		if (v)
			n += snprintf(line + n, sizeof(line) - (size_t)n, " %s %ld",
				      i < NR_REASONS ? gzvm_exit_name(GZVM_EXIT_UNKNOWN + (uint32_t)i) : "other", v);
	}
	gzvm_info("randguest: %ld rounds (%ld vCPUs, %ld with a vGIC, %ld with 2 memslots) in %.1f s (%.1f s running the vCPUs), %ld guest instructions fuzzed",
		  rounds, atomic_load(&st.vcpus), atomic_load(&st.gic_rounds),
		  atomic_load(&st.slot1_rounds), secs, st.run_secs, atomic_load(&st.instructions));
	gzvm_info("randguest: %ld RUNs, %ld EINTR by the %d ms watchdog, longest RUN %.3f s, %ld vCPUs reached their final ucall",
		  atomic_load(&st.runs), atomic_load(&st.eintr), RUN_MS, st.max_run,
		  atomic_load(&st.dones));
	gzvm_info("randguest: exits to the VMM:%s", n ? line : " none");
	gzvm_info("randguest: %ld guest exceptions taken by the vectors (in %ld rounds), %ld MMIO external aborts injected, %ld hypercall exits answered (first x0 0x%llx), SYSTEM_EVENT shutdown %ld reset %ld, INTERNAL_ERROR no-syndrome %ld (%ld stepped over) SError %ld",
		  atomic_load(&st.exceptions), atomic_load(&st.exc_rounds),
		  atomic_load(&st.aborts_injected), atomic_load(&st.hypercall_answers),
		  (unsigned long long)atomic_load(&st.first_hvc),
		  atomic_load(&st.system_events[GZVM_SYSTEM_EVENT_SHUTDOWN & 3]),
		  atomic_load(&st.system_events[GZVM_SYSTEM_EVENT_RESET & 3]),
		  atomic_load(&st.internal_sub[1]), atomic_load(&st.skipped),
		  atomic_load(&st.internal_sub[2]));
}

#define PROGRESS_SECS	30

/* The random rounds beside the running victim; returns the rounds done. */
static long rounds_run(long seed, long first, long rounds, int victim_id)
{
	int saved = gzvm_run_timeout_ms;
	double t0 = gzvm_now();
	long done = 0;

	/* random guests may never exit by themselves: bound each RUN */
	gzvm_run_timeout_ms = RUN_MS;
	for (long i = first, t = 0; i < first + rounds; i++) {
		if (one_round((uint64_t)seed, i, victim_id))
			break;
		done++;
		/* a sign of life for the console's stall watchdog on long runs */
		if (gzvm_now() - t0 > (double)(t + 1) * PROGRESS_SECS)
			gzvm_info("randguest: %ld of %ld rounds after %ld s", done, rounds,
				  ++t * PROGRESS_SECS);
	}
	gzvm_run_timeout_ms = saved;
	return done;
}

void test_randguest(void);

void test_randguest(void)
{
	long seed = gzvm_env_long("GZVM_SELFTEST_SEED", (long)time(NULL));
	long rounds = gzvm_env_long("GZVM_SELFTEST_RANDGUEST", gzvm_deep() ? 2000 : 200);
	long first = gzvm_env_long("GZVM_SELFTEST_RANDGUEST_FIRST", 0), done;
	struct gzvm_victim *vi = calloc(1, sizeof(*vi));
	struct gzvm_host_counters before;
	const char *why;
	double t0;
	int r;

	if (!vi || workers_init()) {
		gzvm_tap_fail("randguest: set-up", "threads: %s", strerror(errno));
		free(vi);
		return;
	}
	gzvm_host_counters(&before);
	gzvm_info("randguest: seed %ld (GZVM_SELFTEST_SEED to replay), rounds %ld..%ld", seed, first,
		  first + rounds - 1);
	/* the victim leaves the host's CPUs to the random guests most of the time */
	r = gzvm_victim_start(vi, (uint64_t)seed, 2000);
	if (r) {
		gzvm_tap_fail("randguest: set-up of the victim VM", "%s", strerror(-r));
		gzvm_victim_destroy(vi);
		free(vi);
		workers_end();
		return;
	}
	t0 = gzvm_now();
	done = rounds_run(seed, first, rounds, vi->vm_id);
	why = gzvm_victim_stop(vi);
	gzvm_info("randguest: victim VM %d: %llu + %llu iterations (each a checksum of 16 KiB, 8 KiB of pattern written and verified)",
		  vi->vm_id, (unsigned long long)vi->v[0].iterations,
		  (unsigned long long)vi->v[1].iterations);
	gzvm_tap_check(!why, "randguest: the victim VM's 2 vCPUs passed every iteration and reached DONE, its memory exactly as expected",
		       "%s", why);
	gzvm_victim_destroy(vi);
	free(vi);
	workers_end();
	report(done, gzvm_now() - t0);

	gzvm_tap_check(done == rounds && !atomic_load(&st.bad),
		       gzvm_fmt("randguest: %ld rounds of random guests: no exit the hypervisor must never give, no RUN error but EINTR, no RUN past its watchdog",
				rounds),
		       "%ld rounds done, %ld failures; first: %s (seed %ld)", done,
		       atomic_load(&st.bad), st.why, seed);
	gzvm_tap_check(atomic_load(&st.reasons[GZVM_EXIT_MMIO - GZVM_EXIT_UNKNOWN]) > done &&
		       atomic_load(&st.exceptions) > done && atomic_load(&st.dones) > 0,
		       "randguest: the random guests executed: MMIO exits, exceptions in the guest, some reached their final ucall",
		       "MMIO exits %ld, guest exceptions %ld, final ucalls %ld",
		       atomic_load(&st.reasons[GZVM_EXIT_MMIO - GZVM_EXIT_UNKNOWN]),
		       atomic_load(&st.exceptions), atomic_load(&st.dones));
	gzvm_check_host_counters("randguest", &before);
	gzvm_check_fresh_vm("randguest");
}
