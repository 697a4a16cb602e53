// SPDX-License-Identifier: GPL-2.0-only
/*
 * PSCI 1.1 and SMCCC 1.1 for guests (HVC conduit), as the Arm specs
 * (DEN 0022, DEN 0028) define them for a system of vCPUs:
 *
 *   PSCI_VERSION, PSCI_FEATURES, CPU_ON, CPU_OFF, CPU_SUSPEND (as WFI),
 *   AFFINITY_INFO (level 0), MIGRATE_INFO_TYPE (no Trusted OS),
 *   SYSTEM_OFF, SYSTEM_RESET, SYSTEM_RESET2 (-> GZVM_EXIT_SYSTEM_EVENT);
 *   SMCCC_VERSION, ARCH_FEATURES and the ARCH_WORKAROUNDs (answered from
 *   this CPU's ID registers), the vendor-hypervisor UID (KVM's, so that
 *   Linux's ptp_kvm finds PTP) and its feature bitmap (PTP).
 *
 * CPU_ON leaves the entry point for the target, which applies it on its
 * next RUN; the caller's host thread gets GZVM_EXIT_IPI so the driver wakes
 * the target's thread.
 */
#include <gzvm/hvc.h>
#include <hyp/arch.h>
#include <hyp/cpu.h>
#include <hyp/psci.h>
#include <hyp/smccc.h>
#include <hyp/vcpu.h>

#define SMCCC_VENDOR_HYP_UID		0x8600ff01U
#define SMCCC_VENDOR_HYP_FEATURES	0x86000000U
#define PSCI_AFFINITY_ON		0
#define PSCI_AFFINITY_OFF		1
#define PSCI_AFFINITY_ON_PENDING	2
#define PSCI_TOS_NOT_PRESENT_MP		2
#define SMCCC_ARCH_WORKAROUND_RET_AFFECTED 0	/* the call is implemented and needed */

/* KVM's vendor-hypervisor UID: the one guests' drivers look for. */
static const u32 vendor_uid[4] = { 0xb66fb428, 0xe911c52e, 0x564bcaa9, 0x743a004d };

static struct vcpu *vcpu_by_mpidr(struct vm *vm, u64 mpidr)
{
	for (unsigned int i = 0; i < GZVM_MAX_VCPUS; i++) {
		struct vcpu *v = vm->vcpus[i];

		if (v && (v->ctx.mpidr & MPIDR_AFF_MASK) == (mpidr & MPIDR_AFF_MASK))
			return v;
	}
	return NULL;
}

static s64 cpu_on(struct vcpu *self, u64 mpidr, u64 entry, u64 context, bool *ipi)
{
	struct vm *vm = self->vm;
	struct vcpu *target;
	s64 ret;

	spin_lock(&vm->lock);
	target = vcpu_by_mpidr(vm, mpidr);
	if (!target)
		ret = PSCI_RET_INVALID_PARAMS;
	else if (target->on_requested)
		ret = PSCI_RET_ON_PENDING;
	else if (!target->powered_off)
		ret = PSCI_RET_ALREADY_ON;
	else {
		target->on_requested = true;
		target->on_entry = entry;
		target->on_context = context;
		*ipi = true;
		ret = PSCI_RET_SUCCESS;
	}
	spin_unlock(&vm->lock);
	return ret;
}

static s64 affinity_info(struct vcpu *self, u64 mpidr, u64 level)
{
	struct vm *vm = self->vm;
	struct vcpu *target;
	s64 ret;

	if (level != 0)
		return PSCI_RET_INVALID_PARAMS;
	spin_lock(&vm->lock);
	target = vcpu_by_mpidr(vm, mpidr);
	if (!target)
		ret = PSCI_RET_INVALID_PARAMS;
	else if (target->on_requested)
		ret = PSCI_AFFINITY_ON_PENDING;
	else
		ret = target->powered_off ? PSCI_AFFINITY_OFF : PSCI_AFFINITY_ON;
	spin_unlock(&vm->lock);
	return ret;
}

void guest_psci_prepare_run(struct vcpu *vcpu)
{
	if (vcpu->on_requested) {
		/* as after reset, at the entry point the caller gave, context id in x0 */
		u64 mpidr = vcpu->ctx.mpidr;

		arch_vcpu_reset(vcpu);
		vcpu->ctx.mpidr = mpidr;
		vcpu->ctx.pc = vcpu->on_entry;
		vcpu->ctx.x[0] = vcpu->on_context;
		vcpu->pending = PENDING_NONE;
		vcpu->on_requested = false;
		vcpu->powered_off = false;
	}
}

static s64 psci_features(u32 fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_CPU_ON:
	case PSCI_0_2_FN64(3):
	case PSCI_CPU_OFF:
	case PSCI_CPU_SUSPEND:
	case PSCI_0_2_FN64(1):
	case PSCI_AFFINITY_INFO:
	case PSCI_0_2_FN64(4):
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_SYSTEM_RESET2:
	case PSCI_0_2_FN64(18):
	case PSCI_FEATURES:
	case SMCCC_VERSION:
		return PSCI_RET_SUCCESS;
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

static s64 arch_features(u32 fid)
{
	struct arch_cpu_vulns v;

	arch_cpu_vulns(&v);
	switch (fid) {
	case SMCCC_VERSION:
	case SMCCC_ARCH_FEATURES:
		return SMCCC_RET_SUCCESS;
	case SMCCC_ARCH_WORKAROUND_1:
		/* the hypervisor cannot mitigate Spectre-v2 for a guest on an affected CPU */
		return v.spectre_v2_unaffected ? SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED
					       : SMCCC_RET_NOT_SUPPORTED;
	case SMCCC_ARCH_WORKAROUND_3:
		return v.spectre_bhb_unaffected ? SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED
						: SMCCC_RET_NOT_SUPPORTED;
	default:
		return SMCCC_RET_NOT_SUPPORTED;
	}
}

static u32 system_event(struct vcpu *vcpu, u32 type)
{
	struct gzvm_vcpu_run *run = vcpu->run;

	for (unsigned int i = 0; i < sizeof(run->padding); i++)
		run->padding[i] = 0;
	run->system_event.type = type;
	return GZVM_EXIT_SYSTEM_EVENT;
}

/* SMC32 calls carry 32-bit arguments */
static u64 arg(const struct vcpu *vcpu, unsigned int i)
{
	return ((u32)vcpu->ctx.x[0] & SMCCC_64) ? vcpu->ctx.x[i] : (u32)vcpu->ctx.x[i];
}

/* x0 of a call that returns ret: SMC32 calls sign-extend a 32-bit result. */
static u64 result(u32 fid, s64 ret)
{
	return (fid & SMCCC_64) ? (u64)ret : (u64)(s64)(s32)ret;
}

bool guest_smccc_query(struct vcpu *vcpu)
{
	u64 *x = vcpu->ctx.x;
	u32 fid = (u32)x[0];
	s64 ret;

	switch (fid) {
	case PSCI_VERSION:
		ret = 0x10001;
		break;
	case PSCI_FEATURES:
		ret = psci_features((u32)x[1]);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		ret = PSCI_TOS_NOT_PRESENT_MP;
		break;
	case SMCCC_VERSION:
		ret = SMCCC_VERSION_1_1;
		break;
	case SMCCC_ARCH_FEATURES:
		ret = arch_features((u32)x[1]);
		break;
	case SMCCC_VENDOR_HYP_UID:
		x[0] = vendor_uid[0];
		x[1] = vendor_uid[1];
		x[2] = vendor_uid[2];
		x[3] = vendor_uid[3];
		return true;
	case SMCCC_VENDOR_HYP_FEATURES:
		/* bit 0: this call, bit 1: PTP */
		ret = BIT(0) | BIT(1);
		break;
	default:
		return false;
	}
	x[0] = result(fid, ret);
	return true;
}

u32 guest_psci_smccc(struct vcpu *vcpu)
{
	u64 *x = vcpu->ctx.x;
	u32 fid = (u32)x[0];
	bool ipi = false;
	s64 ret;

	if (guest_smccc_query(vcpu))
		return 0;
	switch (fid) {
	case PSCI_CPU_ON:
	case PSCI_0_2_FN64(3):
		ret = cpu_on(vcpu, arg(vcpu, 1), arg(vcpu, 2), arg(vcpu, 3), &ipi);
		break;
	case PSCI_AFFINITY_INFO:
	case PSCI_0_2_FN64(4):
		ret = affinity_info(vcpu, arg(vcpu, 1), arg(vcpu, 2));
		break;
	case PSCI_CPU_OFF:
		spin_lock(&vcpu->vm->lock);
		vcpu->powered_off = true;
		spin_unlock(&vcpu->vm->lock);
		return GZVM_EXIT_IDLE;	/* the driver sleeps until CPU_ON wakes it */
	case PSCI_CPU_SUSPEND:
	case PSCI_0_2_FN64(1):
		/* a suspend is a WFI that returns success (any state may wake early) */
		x[0] = PSCI_RET_SUCCESS;
		return vcpu_wait_for_interrupt(vcpu);
	case PSCI_SYSTEM_OFF:
		return system_event(vcpu, GZVM_SYSTEM_EVENT_SHUTDOWN);
	case PSCI_SYSTEM_RESET:
	case PSCI_SYSTEM_RESET2:
	case PSCI_0_2_FN64(18):
		return system_event(vcpu, GZVM_SYSTEM_EVENT_RESET);
	default:
		ret = SMCCC_RET_NOT_SUPPORTED;
		break;
	}
	x[0] = result(fid, ret);
	return ipi ? GZVM_EXIT_IPI : 0;
}
