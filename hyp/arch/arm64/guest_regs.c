// SPDX-License-Identifier: GPL-2.0-only
/*
 * GET_ONE_REG / SET_ONE_REG: KVM-style register ids (spec 5.10) onto the
 * vCPU's saved state.  Core registers, FPSR/FPCR and the EL1 system
 * registers the world switch keeps; anything else is refused.  PSTATE
 * must name an AArch64 EL0 or EL1 mode: a host can never start a guest at
 * EL2 or in AArch32.
 */
#include <asm/sysreg.h>
#include <asm/vcpu_ctx.h>
#include <gzvm/hvc.h>
#include <hyp/cpu.h>
#include <hyp/string.h>
#include <hyp/vcpu.h>

#define CORE_PREFIX	(GZVM_REG_ARCH_ARM64 | GZVM_REG_ARM_CORE)
#define SYSREG_PREFIX	(GZVM_REG_ARCH_ARM64 | GZVM_REG_SIZE_U64 | GZVM_REG_ARM64_SYSREG)
#define PSTATE_KNOWN	(GENMASK(31, 28) | GENMASK(25, 20) | BIT(12) | PSR_BTYPE_MASK | \
			 PSR_DAIF | PSR_MODE_MASK)

#define SYSREG(op0, op1, crn, crm, op2, field) \
	{ GZVM_REG_ARM64_SYSREG_ID(op0, op1, crn, crm, op2), \
	  __builtin_offsetof(struct vcpu_ctx, field) }

static const struct {
	u64 id;
	size_t offset;
} sysregs[] = {
	SYSREG(3, 0, 0, 0, 5, mpidr),
	SYSREG(3, 0, 1, 0, 0, sys.sctlr),
	SYSREG(3, 0, 1, 0, 2, sys.cpacr),
	SYSREG(3, 0, 2, 0, 0, sys.ttbr0),
	SYSREG(3, 0, 2, 0, 1, sys.ttbr1),
	SYSREG(3, 0, 2, 0, 2, sys.tcr),
	SYSREG(3, 0, 5, 1, 0, sys.afsr0),
	SYSREG(3, 0, 5, 1, 1, sys.afsr1),
	SYSREG(3, 0, 5, 2, 0, sys.esr),
	SYSREG(3, 0, 6, 0, 0, sys.far),
	SYSREG(3, 0, 7, 4, 0, sys.par),
	SYSREG(3, 0, 10, 2, 0, sys.mair),
	SYSREG(3, 0, 10, 3, 0, sys.amair),
	SYSREG(3, 0, 12, 0, 0, sys.vbar),
	SYSREG(3, 0, 13, 0, 1, sys.contextidr),
	SYSREG(3, 0, 13, 0, 4, sys.tpidr_el1),
	SYSREG(3, 0, 14, 1, 0, sys.cntkctl),
	SYSREG(3, 2, 0, 0, 0, sys.csselr),
	SYSREG(3, 3, 13, 0, 2, sys.tpidr_el0),
	SYSREG(3, 3, 13, 0, 3, sys.tpidrro_el0),
	SYSREG(3, 3, 14, 3, 1, sys.cntv_ctl),
	SYSREG(3, 3, 14, 3, 2, sys.cntv_cval),
};

/* Where a 64-bit core register lives, or NULL. */
static u64 *core_reg64(struct vcpu_ctx *c, u64 idx)
{
	if (idx <= GZVM_REG_ARM_CORE_IDX_X(30) && !(idx & 1))
		return &c->x[idx / 2];
	switch (idx) {
	case GZVM_REG_ARM_CORE_IDX_SP:		return &c->sys.sp_el0;
	case GZVM_REG_ARM_CORE_IDX_PC:		return &c->pc;
	case GZVM_REG_ARM_CORE_IDX_PSTATE:	return &c->pstate;
	case GZVM_REG_ARM_CORE_IDX_SP_EL1:	return &c->sys.sp_el1;
	case GZVM_REG_ARM_CORE_IDX_ELR_EL1:	return &c->sys.elr_el1;
	case GZVM_REG_ARM_CORE_IDX_SPSR(GZVM_SPSR_EL1):	return &c->sys.spsr_el1;
	case GZVM_REG_ARM_CORE_IDX_SPSR(GZVM_SPSR_ABT):	return &c->spsr_aarch32[0];
	case GZVM_REG_ARM_CORE_IDX_SPSR(GZVM_SPSR_UND):	return &c->spsr_aarch32[1];
	case GZVM_REG_ARM_CORE_IDX_SPSR(GZVM_SPSR_IRQ):	return &c->spsr_aarch32[2];
	case GZVM_REG_ARM_CORE_IDX_SPSR(GZVM_SPSR_FIQ):	return &c->spsr_aarch32[3];
	default:				return NULL;
	}
}

/* FPSR/FPCR (32 bits) */
static u32 *core_reg32(struct vcpu_ctx *c, u64 idx)
{
	if (idx == GZVM_REG_ARM_CORE_IDX_FPSR)
		return &c->fp.fpsr;
	if (idx == GZVM_REG_ARM_CORE_IDX_FPCR)
		return &c->fp.fpcr;
	return NULL;
}

static u64 *sysreg(struct vcpu_ctx *c, u64 id)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(sysregs); i++) {
		if (sysregs[i].id == id)
			return (u64 *)((char *)c + sysregs[i].offset);
	}
	return NULL;
}

static bool pstate_ok(u64 v)
{
	u64 mode = v & PSR_MODE_MASK;

	return !(v & ~PSTATE_KNOWN) && !(v & PSR_MODE32) &&
	       (mode == PSR_MODE_EL0t || mode == PSR_MODE_EL1t || mode == PSR_MODE_EL1h);
}

static int locate(struct vcpu *vcpu, u64 id, u64 **p64, u32 **p32)
{
	u64 size = id & GZVM_REG_SIZE_MASK;
	u64 idx = id & ~(GZVM_REG_ARCH_MASK | GZVM_REG_SIZE_MASK | GZVM_REG_ARM_COPROC_MASK);

	*p64 = NULL;
	*p32 = NULL;
	if ((id & (GZVM_REG_ARCH_MASK | GZVM_REG_ARM_COPROC_MASK)) == CORE_PREFIX) {
		if (size == GZVM_REG_SIZE_U64)
			*p64 = core_reg64(&vcpu->ctx, idx);
		else if (size == GZVM_REG_SIZE_U32)
			*p32 = core_reg32(&vcpu->ctx, idx);
	} else if ((id & ~(GZVM_REG_ARM64_SYSREG_OP0_MASK | GZVM_REG_ARM64_SYSREG_OP1_MASK |
			   GZVM_REG_ARM64_SYSREG_CRN_MASK | GZVM_REG_ARM64_SYSREG_CRM_MASK |
			   GZVM_REG_ARM64_SYSREG_OP2_MASK)) == SYSREG_PREFIX) {
		*p64 = sysreg(&vcpu->ctx, id);
	}
	return *p64 || *p32 ? GZVM_OK : GZVM_ERR_INVALID_ARGS;
}

int arch_vcpu_get_reg(struct vcpu *vcpu, u64 id, u64 *val)
{
	u64 *p64;
	u32 *p32;
	int ret = locate(vcpu, id, &p64, &p32);

	if (!ret)
		*val = p64 ? *p64 : *p32;
	return ret;
}

int arch_vcpu_set_reg(struct vcpu *vcpu, u64 id, u64 val)
{
	u64 *p64;
	u32 *p32;
	int ret = locate(vcpu, id, &p64, &p32);

	if (ret)
		return ret;
	if (p32) {
		if (val >> 32)
			return GZVM_ERR_INVALID_ARGS;
		*p32 = (u32)val;
		return GZVM_OK;
	}
	if (p64 == &vcpu->ctx.pstate && !pstate_ok(val))
		return GZVM_ERR_INVALID_ARGS;
	/* the MPIDR is fixed once the guest has seen it */
	if (p64 == &vcpu->ctx.mpidr && (vcpu->has_run || !(val & BIT(31)) ||
					(val & ~(MPIDR_AFF_MASK | BIT(31) | BIT(30)))))
		return GZVM_ERR_INVALID_ARGS;
	*p64 = val;
	return GZVM_OK;
}
