// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decoding guest exits from ESR_EL2 and the architectural exception entry
 * to EL1.  Pure functions of their arguments: unit-tested on the host.
 */
#include <asm/sysreg.h>
#include <asm/vcpu_ctx.h>

#define ESR_ISV		BIT(24)
#define ESR_SAS_SHIFT	22
#define ESR_SSE		BIT(21)
#define ESR_SRT_SHIFT	16
#define ESR_SF		BIT(15)
#define FSC_TYPE_MASK	0x3c
#define FSC_TRANSLATION	0x04
#define FSC_ACCESS	0x08
#define FSC_PERMISSION	0x0c

bool esr_is_stage2_abort(u64 esr)
{
	u64 fsc = esr & 0x3f, ec = ESR_EC(esr);

	if (ec != EC_DABT_LOW && ec != EC_IABT_LOW)
		return false;
	switch (fsc & FSC_TYPE_MASK) {
	case FSC_TRANSLATION:
	case FSC_ACCESS:
	case FSC_PERMISSION:
		return (fsc & 3) <= 3;
	default:
		return false;
	}
}

bool esr_decode_mmio(u64 esr, struct mmio_access *m)
{
	if (ESR_EC(esr) != EC_DABT_LOW || !(esr & ESR_ISV))
		return false;
	m->write = esr & ESR_WNR;
	m->size = 1U << ((esr >> ESR_SAS_SHIFT) & 3);
	m->reg = (esr >> ESR_SRT_SHIFT) & 0x1f;
	m->sign_extend = esr & ESR_SSE;
	m->sixty_four = esr & ESR_SF;
	return true;
}

u64 mmio_load_value(const struct mmio_access *m, u64 raw)
{
	unsigned int bits = m->size * 8;
	u64 v = bits == 64 ? raw : raw & ((1ULL << bits) - 1);

	if (m->sign_extend && bits < 64 && (v & (1ULL << (bits - 1))))
		v |= ~0ULL << bits;
	/* a W register write zeroes the upper half */
	return m->sixty_four ? v : (u32)v;
}

u64 mmio_store_value(const struct mmio_access *m, u64 reg)
{
	unsigned int bits = m->size * 8;

	return bits == 64 ? reg : reg & ((1ULL << bits) - 1);
}

bool pstate_is_el0(u64 pstate)
{
	return (pstate & PSR_MODE32) || (pstate & PSR_MODE_MASK) == PSR_MODE_EL0t;
}

struct el1_entry el1_exception_entry(u64 old_pstate, u64 vbar, u64 sctlr, bool has_pan,
				     bool has_ssbs)
{
	struct el1_entry e;
	u64 offset;

	if (old_pstate & PSR_MODE32)
		offset = 0x600;			/* lower EL, AArch32 */
	else if (pstate_is_el0(old_pstate))
		offset = 0x400;			/* lower EL, AArch64 */
	else if ((old_pstate & PSR_MODE_MASK) == PSR_MODE_EL1t)
		offset = 0x000;			/* current EL, SP_EL0 */
	else
		offset = 0x200;			/* current EL, SP_EL1 */
	e.pc = vbar + offset;
	/*
	 * The condition flags and DIT are unchanged by taking an exception
	 * (Arm ARM, AArch64.TakeException; KVM's enter_exception64 too): only
	 * the fields below are set, the rest of PSTATE starts at zero.
	 */
	e.pstate = PSR_MODE_EL1h | PSR_DAIF | (old_pstate & PSR_NZCV);
	if (old_pstate & PSR_MODE32)
		e.pstate |= (old_pstate & PSR32_DIT) ? PSR_DIT : 0;
	else
		e.pstate |= old_pstate & PSR_DIT;
	if (has_pan)
		e.pstate |= (old_pstate & PSR_PAN) | ((sctlr & SCTLR_EL1_SPAN) ? 0 : PSR_PAN);
	if (has_ssbs && (sctlr & SCTLR_EL1_DSSBS))
		e.pstate |= PSR_SSBS;
	return e;
}
