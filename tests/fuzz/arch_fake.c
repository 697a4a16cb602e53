// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fake architecture for fuzzing the hypervisor core: firmware answers
 * "not supported", guests exit as the input says (and by IRQ when the
 * input has nothing more to say, so RUN always returns).
 */
#include <stdlib.h>
#include <string.h>

#include <asm/vcpu_ctx.h>
#include <hyp/arch.h>
#include <hyp/cpu.h>
#include <hyp/vcpu.h>

#include "arch_fake.h"

static struct {
	struct guest_exit e;
	u64 x[4];
} queue[8];
static unsigned int queued, next;

void fuzz_arch_queue_exit(u32 kind, u64 esr, u64 ipa, const u64 x[4])
{
	if (queued == 8)
		return;
	queue[queued].e = (struct guest_exit){
		.kind = (enum guest_exit_kind)(1 + kind % 4), .esr = esr, .far = ipa, .ipa = ipa,
	};
	memcpy(queue[queued++].x, x, sizeof(queue[0].x));
}

void fuzz_arch_reset(void)
{
	queued = next = 0;
}

void arch_vcpu_enter(struct vcpu *vcpu, struct guest_exit *exit)
{
	if (next < queued) {
		*exit = queue[next].e;
		memcpy(vcpu->ctx.x, queue[next].x, sizeof(queue[0].x));
		next++;
	} else {
		*exit = (struct guest_exit){ .kind = GEXIT_IRQ };
	}
}

void arch_vcpu_reset(struct vcpu *vcpu)
{
	memset(&vcpu->ctx, 0, sizeof(vcpu->ctx));
	vcpu->ctx.pstate = 0x3c5;
	vcpu->ctx.mpidr = (1ULL << 31) | vcpu->id;
}

void arch_vcpu_inject_undef(struct vcpu *vcpu) { (void)vcpu; }

void arch_vcpu_inject_abort(struct vcpu *vcpu, bool instruction, u64 far)
{
	(void)vcpu;
	(void)instruction;
	(void)far;
}

void arch_fw_call(struct smccc_regs *regs) { regs->a[0] = (u64)-1; }
u64 arch_cpu_entry_pa(void) { return 0x40200000; }

static struct hyp_cpu cpu0;
struct hyp_cpu *arch_this_cpu(void) { return &cpu0; }
void arch_dcache_clean_range(const void *p, size_t len) { (void)p; (void)len; }
void arch_cpu_vulns(struct arch_cpu_vulns *v) { memset(v, 0, sizeof(*v)); }
void arch_s2_flush_vmid(u16 vmid) { (void)vmid; }
void arch_s2_flush_ipa(u16 vmid, u64 ipa, u64 size) { (void)vmid; (void)ipa; (void)size; }
void arch_sync_icache_for_guest(u64 pa, u64 size) { (void)pa; (void)size; }
u64 arch_counter(void) { return 1000; }
void arch_halt(void) { abort(); }
void arch_vcpu_timer_lines(struct vcpu *vcpu, bool *virt, bool *phys)
{
	(void)vcpu;
	*virt = *phys = false;
}
unsigned int arch_nr_lrs(void) { return 4; }
unsigned int arch_vcpu_priority_mask(const struct vcpu *vcpu) { (void)vcpu; return 0xff; }

bool arch_vcpu_timer_deadline(struct vcpu *vcpu, u64 *delay)
{
	(void)vcpu;
	*delay = 0;
	return false;
}

int arch_vcpu_sysreg(struct vcpu *vcpu, u64 esr, u32 *exit)
{
	(void)vcpu;
	*exit = 0;
	return (esr & 1) ? 0 : -1;
}
