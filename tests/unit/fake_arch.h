/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fake architecture for unit tests of the hypervisor core: firmware calls
 * are recorded and answered by a scriptable fake firmware, the current CPU
 * is whatever the test says.
 */
#ifndef GZVM_TESTS_FAKE_ARCH_H
#define GZVM_TESTS_FAKE_ARCH_H

#include <hyp/arch.h>
#include <hyp/cpu.h>
#include <hyp/smccc.h>

#define FAKE_ENTRY_PA	0x40201234ULL
#define FAKE_MAX_CALLS	32

struct fake_fw {
	/* answer for a firmware call; default: PSCI 1.1 with nothing special */
	s64 (*answer)(const struct smccc_regs *call);
	struct smccc_regs calls[FAKE_MAX_CALLS];
	int nr_calls;
	int cleans;		/* arch_dcache_clean_range() calls */
	bool halted;
};

extern struct fake_fw fake_fw;

/* Guest exits the fake arch_vcpu_enter() returns, in order; it records entries. */
#include <asm/vcpu_ctx.h>
struct vcpu;
struct fake_guest {
	struct guest_exit exits[160];
	int nr_exits, next;
	int entries;
	int vmid_flushes, ipa_flushes, icache_syncs;
	int host_flushes;	/* arch_s2_flush_ipa() of VMID 0 */
	/* run on each entry, may change the vCPU like the guest would */
	void (*on_enter)(struct vcpu *vcpu, int entry);
};
extern struct fake_guest fake_guest;
extern int fake_undefs, fake_aborts;
/* the guest's virtual timer condition (its PPI line) */
extern bool fake_irq_pending;
extern struct hyp_cpu *fake_this_cpu;
extern struct arch_cpu_vulns fake_vulns;

void fake_arch_reset(void);
/* The default firmware: PSCI 1.1, no SMCCC_VERSION, CPU_ON etc. succeed. */
s64 fake_fw_default(const struct smccc_regs *call);

#endif
