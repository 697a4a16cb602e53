/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the generic hypervisor core needs from the architecture.  The arm64
 * implementation lives in hyp/arch/arm64/; the unit tests provide fakes.
 */
#ifndef HYP_ARCH_H
#define HYP_ARCH_H

#include <hyp/compiler.h>
#include <hyp/smccc.h>
#include <hyp/types.h>

struct hyp_cpu;

/* Call firmware (EL3, or QEMU's built-in PSCI) through SMC: x0..x7 in, x0..x3 out. */
void arch_fw_call(struct smccc_regs *regs);

/* Physical address where CPUs started by firmware enter the hypervisor. */
u64 arch_cpu_entry_pa(void);

/* The hyp_cpu of the CPU we run on. */
struct hyp_cpu *arch_this_cpu(void);

/* Make [p, p + len) visible to an observer with caches off (clean to PoC). */
void arch_dcache_clean_range(const void *p, size_t len);

/* Spectre-style exposure of this CPU, from its ID registers. */
struct arch_cpu_vulns {
	bool spectre_v2_unaffected;	/* CSV2 */
	bool spectre_bhb_unaffected;	/* CSV2_3 or ECBHB */
};
void arch_cpu_vulns(struct arch_cpu_vulns *v);

/* Invalidate every stage-2 (and stage-1) TLB entry of a guest's VMID, on all CPUs. */
void arch_s2_flush_vmid(u16 vmid);

/* Invalidate the stage-2 TLB entries of [ipa, ipa + size) of a VMID, on all CPUs. */
void arch_s2_flush_ipa(u16 vmid, u64 ipa, u64 size);

/*
 * Make host-written data at [pa, pa + size) safe to execute in a guest
 * (clean D-cache to PoU, invalidate I-cache), unless the CPU does not need it.
 */
void arch_sync_icache_for_guest(u64 pa, u64 size);

/* The physical counter (CNTPCT_EL0). */
u64 arch_counter(void);

/* Stop this CPU for good (after a panic). */
void __noreturn arch_halt(void);

#endif
