/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A vCPU's architectural state while it is not on a CPU, and the decoded
 * reason it left the guest.  Offsets of the first fields are used by
 * guest_entry.S.
 */
#ifndef ASM_VCPU_CTX_H
#define ASM_VCPU_CTX_H

#include <hyp/compiler.h>
#include "../../asm_macros.h"
#include <hyp/types.h>


struct el1_sysregs {
	u64 sctlr, cpacr, ttbr0, ttbr1, tcr, esr, afsr0, afsr1, far, mair, vbar;
	u64 contextidr, amair, cntkctl, par, tpidr_el1, sp_el1, elr_el1, spsr_el1;
	u64 tpidr_el0, tpidrro_el0, sp_el0, csselr;
	u64 cntv_ctl, cntv_cval;
	u64 pauth[10];		/* APIA, APIB, APDA, APDB, APGA keys: lo, hi */
};

struct fpsimd_state {
	u64 v[64];		/* v0..v31, low half first */
	u32 fpsr, fpcr;
} __aligned(16);

struct vcpu_ctx {
	u64 x[31];
	u64 pc;
	u64 pstate;
	struct el1_sysregs sys;
	struct fpsimd_state fp;
	u64 mpidr;
	u64 vmcr;		/* ICH_VMCR_EL2: the guest's GIC CPU interface state */
	u64 ap0r[4], ap1r[4];	/* ICH_AP0R<n>/AP1R<n>_EL2: active priorities */
	u64 spsr_aarch32[4];	/* SPSR_abt/und/irq/fiq: kept for ONE_REG, unused by AArch64 guests */
	u64 cntp_ctl, cntp_cval;	/* the emulated EL1 physical timer */
};

_Static_assert(__builtin_offsetof(struct vcpu_ctx, pc) == VCPU_CTX_PC, "guest_entry.S");
_Static_assert(__builtin_offsetof(struct vcpu_ctx, pstate) == VCPU_CTX_PSTATE, "guest_entry.S");

/* Why the guest stopped. */
enum guest_exit_kind {
	GEXIT_SYNC = 1,		/* synchronous exception: see esr */
	GEXIT_IRQ = 2,
	GEXIT_FIQ = 3,
	GEXIT_SERROR = 4,
};

struct guest_exit {
	enum guest_exit_kind kind;
	u64 esr;
	u64 far;
	u64 ipa;		/* for stage-2 aborts (HPFAR_EL2 + FAR offset) */
};

/* What a data abort asks for, decoded from its syndrome (ISV = 1). */
struct mmio_access {
	bool write;
	unsigned int size;	/* bytes: 1, 2, 4, 8 */
	unsigned int reg;	/* 0..30, 31 = xzr */
	bool sign_extend;
	bool sixty_four;	/* the register is Xn (else Wn) */
};

/* ESR_EL2 syndrome helpers (hyp/arch/arm64/guest_exit.c, host-testable). */
bool esr_is_stage2_abort(u64 esr);
/* False when the syndrome carries no instruction information (ISV = 0). */
bool esr_decode_mmio(u64 esr, struct mmio_access *m);
/* The value a load of m puts into its register, from the raw bytes read. */
u64 mmio_load_value(const struct mmio_access *m, u64 raw);
/* The bytes a store of m writes, from the register's value. */
u64 mmio_store_value(const struct mmio_access *m, u64 reg);

/* Exception entry to EL1 as the architecture does it (shared by host and guest injection). */
struct el1_entry {
	u64 pc;
	u64 pstate;
};
struct el1_entry el1_exception_entry(u64 old_pstate, u64 vbar, u64 sctlr, bool has_pan,
				     bool has_ssbs);
/* Was an exception with this saved PSTATE taken from EL0 (AArch64 or AArch32)? */
bool pstate_is_el0(u64 pstate);

#endif
