// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's generic timers.
 *
 * The virtual timer (CNTV_*, PPI 27) is the hardware's, switched with the
 * guest and offset by the VM's CNTVOFF_EL2.  The EL1 physical timer
 * (CNTP_*, PPI 30) stays the host's: a guest's accesses trap
 * (CNTHCTL_EL2.EL1PCEN = 0) and are emulated here against the physical
 * counter, which the guest reads directly; its deadline ends a run (the EL2
 * timer) and an idle wait (hwstate), and its condition drives PPI 30.
 */
#include <asm/sysreg.h>
#include <hyp/arch.h>

#include "guest_timer.h"

u64 arch_counter(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

static bool armed(u64 ctl)
{
	return (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) == CNT_CTL_ENABLE;
}

bool guest_vtimer_fired(const struct vcpu *vcpu)
{
	const struct el1_sysregs *s = &vcpu->ctx.sys;

	return armed(s->cntv_ctl) && s->cntv_cval <= arch_counter() - vcpu->vm->cntvoff;
}

static bool ptimer_fired(const struct vcpu *vcpu)
{
	return armed(vcpu->ctx.cntp_ctl) && vcpu->ctx.cntp_cval <= arch_counter();
}

u64 guest_ptimer_deadline(const struct vcpu *vcpu)
{
	return armed(vcpu->ctx.cntp_ctl) && !ptimer_fired(vcpu) ? vcpu->ctx.cntp_cval : ~0ULL;
}

void arch_vcpu_timer_lines(struct vcpu *vcpu, bool *virt, bool *phys)
{
	*virt = guest_vtimer_fired(vcpu);
	*phys = ptimer_fired(vcpu);
}

bool arch_vcpu_timer_deadline(struct vcpu *vcpu, u64 *delay)
{
	const struct el1_sysregs *s = &vcpu->ctx.sys;
	u64 now = arch_counter(), vnow = now - vcpu->vm->cntvoff;
	bool any = false;

	*delay = ~0ULL;
	if (armed(s->cntv_ctl)) {
		*delay = s->cntv_cval > vnow ? s->cntv_cval - vnow : 0;
		any = true;
	}
	if (armed(vcpu->ctx.cntp_ctl)) {
		u64 d = vcpu->ctx.cntp_cval > now ? vcpu->ctx.cntp_cval - now : 0;

		*delay = MIN(*delay, d);
		any = true;
	}
	return any;
}

void guest_ptimer_access(struct vcpu *vcpu, unsigned int op2, bool read, u64 *val)
{
	struct vcpu_ctx *c = &vcpu->ctx;
	u64 now = arch_counter();

	switch (op2) {
	case 0:	/* CNTP_TVAL_EL0: a signed 32-bit view of CVAL - now */
		if (read)
			*val = (u32)(c->cntp_cval - now);
		else
			c->cntp_cval = now + (u64)(s64)(s32)*val;
		break;
	case 1:	/* CNTP_CTL_EL0: ENABLE and IMASK writable, ISTATUS read-only */
		if (read)
			*val = c->cntp_ctl | ((c->cntp_ctl & CNT_CTL_ENABLE) && c->cntp_cval <= now ?
					      CNT_CTL_ISTATUS : 0);
		else
			c->cntp_ctl = *val & (CNT_CTL_ENABLE | CNT_CTL_IMASK);
		break;
	default: /* CNTP_CVAL_EL0 */
		if (read)
			*val = c->cntp_cval;
		else
			c->cntp_cval = *val;
		break;
	}
}
