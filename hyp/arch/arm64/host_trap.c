// SPDX-License-Identifier: GPL-2.0-only
/*
 * Traps from the host, decoded from ESR_EL2: hypercalls (HVC), firmware
 * calls (SMC, trapped by HCR_EL2.TSC) and stage-2 faults.  Whatever the host
 * does, the answer is a return value or an exception injected into the host:
 * nothing the host can trigger here stops the hypervisor.
 */
#include <asm/el2_controls.h>
#include <asm/sysreg.h>
#include <asm/vcpu_ctx.h>
#include <hyp/host_abort.h>
#include <hyp/host_s2.h>
#include <hyp/hypercall.h>
#include <hyp/log.h>
#include <hyp/smccc.h>

#include "asm_macros.h"

struct host_regs {
	u64 x[31];
	u64 elr;	/* ELR_EL2: where the host resumes */
	u64 spsr;	/* SPSR_EL2: the host's PSTATE */
	u64 pad;
};

_Static_assert(sizeof(struct host_regs) == HOST_REGS_SIZE, "frame layout shared with vectors.S");

void handle_host_sync(struct host_regs *regs);
void hyp_bad_exception(struct host_regs *regs, u64 kind);

static void call_service(struct host_regs *regs, void (*service)(struct smccc_regs *))
{
	struct smccc_regs r;

	for (int i = 0; i < 8; i++)
		r.a[i] = regs->x[i];
	service(&r);
	for (int i = 0; i < 4; i++)
		regs->x[i] = r.a[i];
}

/*
 * Enter the host's EL1 exception vector as the hardware would have: the
 * interrupted state goes to ELR_EL1/SPSR_EL1, PSTATE becomes EL1h with all
 * interrupts masked (el1_exception_entry(), shared with guest injection).
 */
static void inject_host_exception(struct host_regs *regs, u64 esr_el1, u64 far)
{
	u64 spsr = regs->spsr;
	struct el1_entry e = el1_exception_entry(spsr, read_sysreg(vbar_el1),
						 read_sysreg(sctlr_el1), cpu_features.pan,
						 cpu_features.ssbs);

	write_sysreg(regs->elr, elr_el1);
	write_sysreg(spsr, spsr_el1);
	write_sysreg(esr_el1, esr_el1);
	write_sysreg(far, far_el1);
	regs->elr = e.pc;
	regs->spsr = e.pstate;
}

static void host_stage2_fault(struct host_regs *regs, u64 esr)
{
	u64 spsr = regs->spsr;
	u64 far = read_sysreg(far_el2);
	u64 ipa = ((read_sysreg(hpfar_el2) >> 4) << 12) | (far & 0xfff);
	bool instr = ESR_EC(esr) == EC_IABT_LOW;
	struct host_fault f = {
		.from_el0 = pstate_is_el0(spsr),
		.instruction = instr,
		.s1ptw = esr & ESR_S1PTW,
		.va_valid = !(esr & ESR_FNV),
		.va = far,
	};
	u64 ec, fsc, iss;

	/* a block being split under us (break-before-make): try again */
	if (host_s2_mapped(ipa))
		return;
	switch (host_abort_kind(&f)) {
	case HOST_ABORT_EXTERNAL:
		fsc = f.s1ptw ? FSC_SEA_TTW_L0 + (esr & 3) : FSC_SEA;
		break;
	case HOST_ABORT_PERMISSION:
		fsc = FSC_PERM_L3;
		break;
	default:
		fsc = FSC_ALIGNMENT;
		break;
	}
	if (instr)
		ec = f.from_el0 ? EC_IABT_LOW : EC_IABT_CUR;
	else
		ec = f.from_el0 ? EC_DABT_LOW : EC_DABT_CUR;
	/* keep WnR, CM and FnV of the original syndrome; no instruction syndrome */
	iss = fsc | (instr ? 0 : esr & (ESR_WNR | ESR_CM)) | (esr & ESR_FNV);

	hyp_log("host %s access to IPA %llx (VA %llx, PC %llx) refused",
		instr ? "instruction" : (esr & ESR_WNR) ? "write" : "read",
		(unsigned long long)ipa, (unsigned long long)far, (unsigned long long)regs->elr);
	inject_host_exception(regs, (ec << ESR_EC_SHIFT) | ESR_IL | iss, far);
}

void handle_host_sync(struct host_regs *regs)
{
	u64 esr = read_sysreg(esr_el2);

	switch (ESR_EC(esr)) {
	case EC_HVC64:
		call_service(regs, host_hvc_call);
		break;
	case EC_SMC64:
		call_service(regs, host_smc_call);
		/* a trapped SMC returns to itself: step over it */
		regs->elr += 4;
		break;
	case EC_DABT_LOW:
	case EC_IABT_LOW:
		host_stage2_fault(regs, esr);
		break;
	default:
		/* nothing else is trapped; should it happen, the host sees UNDEFINED */
		hyp_log("unexpected trap from host: ESR %llx at PC %llx",
			(unsigned long long)esr, (unsigned long long)regs->elr);
		inject_host_exception(regs, ((u64)EC_UNKNOWN << ESR_EC_SHIFT) | ESR_IL, 0);
		break;
	}
}

void hyp_bad_exception(struct host_regs *regs, u64 kind)
{
	hyp_panic("unexpected exception %llu at EL2: ESR %llx ELR %llx FAR %llx SPSR %llx "
		  "x0 %llx x1 %llx x30 %llx",
		  (unsigned long long)kind, (unsigned long long)read_sysreg(esr_el2),
		  (unsigned long long)read_sysreg(elr_el2), (unsigned long long)read_sysreg(far_el2),
		  (unsigned long long)read_sysreg(spsr_el2), (unsigned long long)regs->x[0],
		  (unsigned long long)regs->x[1], (unsigned long long)regs->x[30]);
}
