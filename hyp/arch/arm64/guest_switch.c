// SPDX-License-Identifier: GPL-2.0-only
/*
 * The world switch between the host and a guest on one CPU, and the
 * guest's architectural state as seen through ONE_REG.
 *
 * Switched on every entry and exit: general registers (guest_entry.S), the
 * EL1 system registers, FP/SIMD, the virtual timer, pointer-authentication
 * keys where present, and the EL2 controls (stage-2, traps).  A guest runs
 * with physical interrupts routed to EL2 (so any host interrupt ends the
 * run), SMCs, PMU, debug, SVE, SME, MTE tags, the physical timer, set/way
 * cache operations and implementation-defined registers trapped.
 */
#include <asm/el2_controls.h>
#include <asm/sysreg.h>
#include <asm/vcpu_ctx.h>
#include <hyp/arch.h>
#include <hyp/cpu.h>
#include <hyp/gic.h>
#include <hyp/vcpu.h>

#include "guest_timer.h"

#define HCR_FB		BIT(9)
#define HCR_TWI		BIT(13)
#define HCR_BSU_IS	(1ULL << 10)
#define HCR_TID3	BIT(18)
#define HCR_TIDCP	BIT(20)
#define HCR_TACR	BIT(21)
#define HCR_TSW		BIT(22)
#define HCR_TLOR	BIT(35)
#define MDCR_TPMCR	BIT(5)
#define MDCR_TPM	BIT(6)
#define MDCR_TDA	BIT(9)
#define MDCR_TDOSA	BIT(10)
#define MDCR_TDRA	BIT(11)

/* A guest never runs longer than this without returning to the host. */
#define GUEST_SLICE_NS	4000000ULL

void fpsimd_save(struct fpsimd_state *fp);
void fpsimd_restore(const struct fpsimd_state *fp);
u64 __guest_enter(struct vcpu_ctx *ctx);

static struct {
	struct el1_sysregs sys;
	struct fpsimd_state fp;
} host_state[HYP_MAX_CPUS];

#define PAUTH_REGS(op)						\
	op(0, s3_0_c2_c1_0) op(1, s3_0_c2_c1_1)			\
	op(2, s3_0_c2_c1_2) op(3, s3_0_c2_c1_3)			\
	op(4, s3_0_c2_c2_0) op(5, s3_0_c2_c2_1)			\
	op(6, s3_0_c2_c2_2) op(7, s3_0_c2_c2_3)			\
	op(8, s3_0_c2_c3_0) op(9, s3_0_c2_c3_1)
#define SAVE_KEY(i, reg)	s->pauth[i] = read_sysreg(reg);
#define LOAD_KEY(i, reg)	write_sysreg(s->pauth[i], reg);

static void save_el1(struct el1_sysregs *s, bool pauth)
{
	s->sctlr = read_sysreg(sctlr_el1);
	s->cpacr = read_sysreg(cpacr_el1);
	s->ttbr0 = read_sysreg(ttbr0_el1);
	s->ttbr1 = read_sysreg(ttbr1_el1);
	s->tcr = read_sysreg(tcr_el1);
	s->esr = read_sysreg(esr_el1);
	s->afsr0 = read_sysreg(afsr0_el1);
	s->afsr1 = read_sysreg(afsr1_el1);
	s->far = read_sysreg(far_el1);
	s->mair = read_sysreg(mair_el1);
	s->vbar = read_sysreg(vbar_el1);
	s->contextidr = read_sysreg(contextidr_el1);
	s->amair = read_sysreg(amair_el1);
	s->cntkctl = read_sysreg(cntkctl_el1);
	s->par = read_sysreg(par_el1);
	s->tpidr_el1 = read_sysreg(tpidr_el1);
	s->sp_el1 = read_sysreg(sp_el1);
	s->elr_el1 = read_sysreg(elr_el1);
	s->spsr_el1 = read_sysreg(spsr_el1);
	s->tpidr_el0 = read_sysreg(tpidr_el0);
	s->tpidrro_el0 = read_sysreg(tpidrro_el0);
	s->sp_el0 = read_sysreg(sp_el0);
	s->csselr = read_sysreg(csselr_el1);
	s->cntv_ctl = read_sysreg(cntv_ctl_el0);
	s->cntv_cval = read_sysreg(cntv_cval_el0);
	if (pauth) {
		PAUTH_REGS(SAVE_KEY)
	}
}

static void load_el1(const struct el1_sysregs *s, bool pauth)
{
	write_sysreg(s->sctlr, sctlr_el1);
	write_sysreg(s->cpacr, cpacr_el1);
	write_sysreg(s->ttbr0, ttbr0_el1);
	write_sysreg(s->ttbr1, ttbr1_el1);
	write_sysreg(s->tcr, tcr_el1);
	write_sysreg(s->esr, esr_el1);
	write_sysreg(s->afsr0, afsr0_el1);
	write_sysreg(s->afsr1, afsr1_el1);
	write_sysreg(s->far, far_el1);
	write_sysreg(s->mair, mair_el1);
	write_sysreg(s->vbar, vbar_el1);
	write_sysreg(s->contextidr, contextidr_el1);
	write_sysreg(s->amair, amair_el1);
	write_sysreg(s->cntkctl, cntkctl_el1);
	write_sysreg(s->par, par_el1);
	write_sysreg(s->tpidr_el1, tpidr_el1);
	write_sysreg(s->sp_el1, sp_el1);
	write_sysreg(s->elr_el1, elr_el1);
	write_sysreg(s->spsr_el1, spsr_el1);
	write_sysreg(s->tpidr_el0, tpidr_el0);
	write_sysreg(s->tpidrro_el0, tpidrro_el0);
	write_sysreg(s->sp_el0, sp_el0);
	write_sysreg(s->csselr, csselr_el1);
	write_sysreg(s->cntv_cval, cntv_cval_el0);
	write_sysreg(s->cntv_ctl, cntv_ctl_el0);
	if (pauth) {
		PAUTH_REGS(LOAD_KEY)
	}
}

static struct el2_controls guest_controls(const struct vm *vm)
{
	struct el2_controls c = {
		.hcr = HCR_RW | HCR_VM | HCR_TSC | HCR_IMO | HCR_FMO | HCR_AMO | HCR_FB |
		       HCR_BSU_IS | HCR_TID3 | HCR_TACR | HCR_TIDCP | HCR_TSW,
		/* FP/SIMD for the guest; SVE (TZ) and SME (TSM) trapped: RES1 value */
		.cptr = CPTR_EL2_DEFAULT,
		.mdcr = (host_el2.mdcr & (MDCR_HPMN_MASK | MDCR_HPMD)) | MDCR_TPMCR | MDCR_TPM |
			MDCR_TDA | MDCR_TDOSA | MDCR_TDRA,
		/* the physical counter is readable, the physical timer is not the guest's */
		.cnthctl = CNTHCTL_EL1PCTEN,
		/* FGT "n" bits at 0 trap TPIDR2_EL0 and SMPRI_EL1 */
		.hfgxtr = 0,
		.vttbr = (u64)(uintptr_t)vm->s2.root | ((u64)vm->id << 48),
		.vtcr = arch_s2_vtcr(&vm->s2),
	};

	/* WFI ends in the host (GZVM_EXIT_IDLE) once the driver enabled idle exits */
	if (vm->idle_enabled)
		c.hcr |= HCR_TWI;
	/* keys are switched with the guest; LORegions are not virtualised */
	if (cpu_features.pauth)
		c.hcr |= HCR_API | HCR_APK;
	if (cpu_features.lor)
		c.hcr |= HCR_TLOR;
	return c;
}

static u64 counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

/*
 * While a guest runs, the virtual timer is the guest's: the host's deadline
 * moves to the EL2 timer, whose interrupt ends the run, as does a time
 * slice so that the host's vCPU thread gets control back regularly, and
 * the deadline of the guest's (emulated) physical timer.
 */
static void arm_host_deadline(const struct el1_sysregs *host, const struct vcpu *vcpu)
{
	u64 now = arch_counter();
	u64 deadline = now + counter_freq() * GUEST_SLICE_NS / 1000000000ULL;

	if ((host->cntv_ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) == CNT_CTL_ENABLE &&
	    host->cntv_cval < deadline)
		deadline = host->cntv_cval;	/* the host's CNTVOFF is 0 */
	/* the guest's emulated physical timer fires by ending the run too */
	deadline = MIN(deadline, guest_ptimer_deadline(vcpu));
	gic_enable_hyp_ppis(arch_this_cpu());
	write_sysreg(deadline, cnthp_cval_el2);
	write_sysreg(CNT_CTL_ENABLE, cnthp_ctl_el2);
}

/* ICH_LR<n>_EL2 by number (the encodings are immediates). */
#define LR_CASES(op)							\
	op(0, s3_4_c12_c12_0) op(1, s3_4_c12_c12_1) op(2, s3_4_c12_c12_2)	\
	op(3, s3_4_c12_c12_3) op(4, s3_4_c12_c12_4) op(5, s3_4_c12_c12_5)	\
	op(6, s3_4_c12_c12_6) op(7, s3_4_c12_c12_7) op(8, s3_4_c12_c13_0)	\
	op(9, s3_4_c12_c13_1) op(10, s3_4_c12_c13_2) op(11, s3_4_c12_c13_3)	\
	op(12, s3_4_c12_c13_4) op(13, s3_4_c12_c13_5) op(14, s3_4_c12_c13_6)	\
	op(15, s3_4_c12_c13_7)
#define WRITE_LR(n, reg)	case n: write_sysreg(v, reg); break;
#define READ_LR(n, reg)		case n: return read_sysreg(reg);

#define ICH_HCR_EN		BIT(0)
#define ICH_HCR_UIE		BIT(1)

static void write_lr(unsigned int n, u64 v)
{
	switch (n) {
	LR_CASES(WRITE_LR)
	default: break;
	}
}

static u64 read_lr(unsigned int n)
{
	switch (n) {
	LR_CASES(READ_LR)
	default: return 0;
	}
}

#define APR_CASES(op)							\
	op(0, s3_4_c12_c8_0, s3_4_c12_c9_0) op(1, s3_4_c12_c8_1, s3_4_c12_c9_1)	\
	op(2, s3_4_c12_c8_2, s3_4_c12_c9_2) op(3, s3_4_c12_c8_3, s3_4_c12_c9_3)
#define LOAD_APR(n, r0, r1)	case n: write_sysreg(c->ap0r[n], r0); write_sysreg(c->ap1r[n], r1); break;
#define SAVE_APR(n, r0, r1)	case n: c->ap0r[n] = read_sysreg(r0); c->ap1r[n] = read_sysreg(r1); break;

static void load_aprs(const struct vcpu_ctx *c)
{
	for (unsigned int i = 0; i < cpu_features.nr_aprs && i < 4; i++) {
		switch (i) {
		APR_CASES(LOAD_APR)
		}
	}
}

static void save_aprs(struct vcpu_ctx *c)
{
	for (unsigned int i = 0; i < cpu_features.nr_aprs && i < 4; i++) {
		switch (i) {
		APR_CASES(SAVE_APR)
		}
	}
}

unsigned int arch_vcpu_priority_mask(const struct vcpu *vcpu)
{
	return (unsigned int)(vcpu->ctx.vmcr >> 24) & 0xff;	/* VPMR */
}

unsigned int arch_nr_lrs(void)
{
	return cpu_features.nr_lrs;
}

/*
 * The virtual CPU interface for this run: the list registers the vGIC
 * filled, the guest's VMCR (its priority mask and group enables), and a
 * maintenance interrupt when the LRs run dry while more are pending.
 */
static void load_vgic(struct vcpu *vcpu)
{
	for (unsigned int i = 0; i < vcpu->nr_lrs; i++)
		write_lr(i, vcpu->lrs[i]);
	write_sysreg(vcpu->ctx.vmcr, SYS_ICH_VMCR_EL2);
	load_aprs(&vcpu->ctx);
	write_sysreg(ICH_HCR_EN | (vcpu->lr_underflow ? ICH_HCR_UIE : 0), SYS_ICH_HCR_EL2);
}

static void save_vgic(struct vcpu *vcpu)
{
	for (unsigned int i = 0; i < vcpu->nr_lrs; i++) {
		vcpu->lrs[i] = read_lr(i);
		write_lr(i, 0);
	}
	vcpu->ctx.vmcr = read_sysreg(SYS_ICH_VMCR_EL2);
	save_aprs(&vcpu->ctx);
	/* the maintenance interrupt (if any) goes away with En */
	write_sysreg(0, SYS_ICH_HCR_EL2);
}

void arch_vcpu_enter(struct vcpu *vcpu, struct guest_exit *e)
{
	struct hyp_cpu *cpu = arch_this_cpu();
	struct el1_sysregs *host = &host_state[cpu->index].sys;
	struct fpsimd_state *host_fp = &host_state[cpu->index].fp;
	struct el2_controls guest = guest_controls(vcpu->vm);
	bool pauth = cpu_features.pauth;
	/*
	 * While the timer condition holds, its interrupt goes to the guest
	 * through the vGIC: hold the physical PPI so that it does not end
	 * every run at once.  The guest's timer registers stay as it wrote them.
	 */
	bool hold_timer = guest_vtimer_fired(vcpu);

	save_el1(host, pauth);
	fpsimd_save(host_fp);
	load_el1(&vcpu->ctx.sys, pauth);
	fpsimd_restore(&vcpu->ctx.fp);
	if (hold_timer)
		gic_hold_ppi(cpu, GIC_PPI_VTIMER, true);
	write_sysreg(vcpu->vm->cntvoff, cntvoff_el2);
	write_sysreg(vcpu->ctx.mpidr, vmpidr_el2);
	write_el2_controls(&guest);
	if (vcpu->vm->vgic.dist_created)
		load_vgic(vcpu);
	arm_host_deadline(host, vcpu);

	/* exits that need none of the state switched below are answered in between */
	do {
		e->kind = (enum guest_exit_kind)__guest_enter(&vcpu->ctx);
		e->esr = read_sysreg(esr_el2);
		e->far = read_sysreg(far_el2);
		e->ipa = ((read_sysreg(hpfar_el2) >> 4) << 12) | (e->far & 0xfff);
	} while (vcpu_exit_fast(vcpu, e));

	write_sysreg(0, cnthp_ctl_el2);
	if (vcpu->vm->vgic.dist_created)
		save_vgic(vcpu);
	save_el1(&vcpu->ctx.sys, pauth);
	fpsimd_save(&vcpu->ctx.fp);
	write_el2_controls(&host_el2);
	write_sysreg(0, cntvoff_el2);
	write_sysreg(read_sysreg(mpidr_el1), vmpidr_el2);
	load_el1(host, pauth);
	fpsimd_restore(host_fp);
	if (hold_timer)
		gic_hold_ppi(cpu, GIC_PPI_VTIMER, false);
}

void arch_vcpu_reset(struct vcpu *vcpu)
{
	vcpu->ctx = (struct vcpu_ctx){
		.pstate = PSR_MODE_EL1h | PSR_DAIF,
		.sys = { .sctlr = SCTLR_EL1_RESET },
		/* Aff0 = vCPU id; bit 31 is RES1 */
		.mpidr = BIT(31) | vcpu->id,
	};
}

static void inject(struct vcpu *vcpu, u64 esr, u64 far)
{
	struct vcpu_ctx *c = &vcpu->ctx;
	struct el1_entry entry = el1_exception_entry(c->pstate, c->sys.vbar, c->sys.sctlr,
						     cpu_features.pan, cpu_features.ssbs);

	c->sys.elr_el1 = c->pc;
	c->sys.spsr_el1 = c->pstate;
	c->sys.esr = esr;
	c->sys.far = far;
	c->pc = entry.pc;
	c->pstate = entry.pstate;
}

void arch_vcpu_inject_undef(struct vcpu *vcpu)
{
	inject(vcpu, ((u64)EC_UNKNOWN << ESR_EC_SHIFT) | ESR_IL, 0);
}

void arch_vcpu_inject_abort(struct vcpu *vcpu, bool instruction, u64 far)
{
	u64 ec;

	if (instruction)
		ec = pstate_is_el0(vcpu->ctx.pstate) ? EC_IABT_LOW : EC_IABT_CUR;
	else
		ec = pstate_is_el0(vcpu->ctx.pstate) ? EC_DABT_LOW : EC_DABT_CUR;
	inject(vcpu, (ec << ESR_EC_SHIFT) | ESR_IL | FSC_SEA, far);
}
