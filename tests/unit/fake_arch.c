// SPDX-License-Identifier: GPL-2.0-only
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hyp/psci.h>

#include "fake_arch.h"

struct fake_fw fake_fw;
struct fake_guest fake_guest;
struct hyp_cpu *fake_this_cpu;
struct arch_cpu_vulns fake_vulns;

s64 fake_fw_default(const struct smccc_regs *call)
{
	switch ((u32)call->a[0]) {
	case PSCI_VERSION:
		return 0x10001;
	case PSCI_FEATURES:
		return call->a[1] == SMCCC_VERSION ? PSCI_RET_NOT_SUPPORTED : PSCI_RET_SUCCESS;
	case PSCI_MIGRATE_INFO_TYPE:
		return 2;
	default:
		return PSCI_RET_SUCCESS;
	}
}

void fake_arch_reset(void)
{
	memset(&fake_fw, 0, sizeof(fake_fw));
	fake_fw.answer = fake_fw_default;
	fake_vulns = (struct arch_cpu_vulns){ 0 };
	fake_this_cpu = NULL;
	memset(&fake_guest, 0, sizeof(fake_guest));
	fake_undefs = fake_aborts = 0;
	fake_irq_pending = false;
}

void arch_vcpu_enter(struct vcpu *vcpu, struct guest_exit *exit)
{
	assert_true(fake_guest.next < fake_guest.nr_exits);
	if (fake_guest.on_enter)
		fake_guest.on_enter(vcpu, fake_guest.entries);
	fake_guest.entries++;
	*exit = fake_guest.exits[fake_guest.next++];
}

void arch_s2_flush_vmid(u16 vmid)
{
	(void)vmid;
	fake_guest.vmid_flushes++;
}

void arch_s2_flush_ipa(u16 vmid, u64 ipa, u64 size)
{
	(void)ipa;
	(void)size;
	fake_guest.ipa_flushes++;
	if (vmid == 0)
		fake_guest.host_flushes++;
}

void arch_sync_icache_for_guest(u64 pa, u64 size)
{
	(void)pa;
	(void)size;
	fake_guest.icache_syncs++;
}

u64 arch_counter(void)
{
	return 123456789;
}

void arch_fw_call(struct smccc_regs *regs)
{
	assert_true(fake_fw.nr_calls < FAKE_MAX_CALLS);
	fake_fw.calls[fake_fw.nr_calls++] = *regs;
	regs->a[0] = (u64)fake_fw.answer(regs);
	/* firmware may leave junk in x1..x3: the hypervisor must not pass it on */
	regs->a[1] = regs->a[2] = regs->a[3] = 0xdeadbeef;
}

u64 arch_cpu_entry_pa(void)
{
	return FAKE_ENTRY_PA;
}

struct hyp_cpu *arch_this_cpu(void)
{
	return fake_this_cpu;
}

void arch_dcache_clean_range(const void *p, size_t len)
{
	(void)p;
	(void)len;
	fake_fw.cleans++;
}

void arch_cpu_vulns(struct arch_cpu_vulns *v)
{
	*v = fake_vulns;
}

void arch_halt(void)
{
	fake_fw.halted = true;
	/* a unit test must never get here: fail loudly */
	fail_msg("arch_halt() called");
	abort();
}

/* The vCPU's architectural reset and exception injection are thin
 * register-level code in hyp/arch/arm64/guest_switch.c; here they record. */
#include <hyp/vcpu.h>

int fake_undefs, fake_aborts;

void arch_vcpu_reset(struct vcpu *vcpu)
{
	memset(&vcpu->ctx, 0, sizeof(vcpu->ctx));
	vcpu->ctx.pstate = 0x3c5;
	vcpu->ctx.mpidr = (1ULL << 31) | vcpu->id;
}

void arch_vcpu_inject_undef(struct vcpu *vcpu)
{
	(void)vcpu;
	fake_undefs++;
}

void arch_vcpu_inject_abort(struct vcpu *vcpu, bool instruction, u64 far)
{
	(void)vcpu;
	(void)instruction;
	(void)far;
	fake_aborts++;
}

bool fake_irq_pending;

void arch_vcpu_timer_lines(struct vcpu *vcpu, bool *virt, bool *phys)
{
	(void)vcpu;
	*virt = fake_irq_pending;
	*phys = false;
}

unsigned int arch_nr_lrs(void)
{
	return 4;
}

unsigned int arch_vcpu_priority_mask(const struct vcpu *vcpu)
{
	return (unsigned int)(vcpu->ctx.vmcr >> 24) & 0xff;
}

bool arch_vcpu_timer_deadline(struct vcpu *vcpu, u64 *delay)
{
	(void)vcpu;
	*delay = 5000;
	return true;
}

/* System register emulation is register-level (guest_sysreg.c): UNDEFINED here. */
int arch_vcpu_sysreg(struct vcpu *vcpu, u64 esr, u32 *exit)
{
	(void)vcpu;
	(void)esr;
	*exit = 0;
	return -1;
}
