// SPDX-License-Identifier: GPL-2.0-only
/*
 * System register traps from a guest (ESR_EL2.EC = 0x18).
 *
 *  - ID registers (HCR_EL2.TID3): the CPU's values with every feature the
 *    hypervisor does not virtualise hidden (SVE, SME, MTE, PMU, debug beyond
 *    the minimum, AMU, MPAM, RAS, SPE, trace, nested virtualisation, ...),
 *    and the physical address size cut to the guest's IPA size;
 *  - debug registers (MDCR_EL2.TDA/TDOSA/TDRA): read as zero, writes
 *    ignored, so a guest kernel may reset its breakpoints but gets none;
 *  - ICC_SGI1R/ASGI1R/SGI0R_EL1 (trapped with HCR_EL2.IMO): SGIs, handed to
 *    the virtual interrupt controller;
 *  - the EL1 physical timer (CNTHCTL_EL2.EL1PCEN = 0): emulated (guest_timer.c);
 *  - set/way cache maintenance (HCR_EL2.TSW): a no-op, guest memory is coherent;
 *  - anything else: UNDEFINED.
 */
#include <asm/sysreg.h>
#include <asm/vcpu_ctx.h>
#include <hyp/vcpu.h>

#include "guest_timer.h"

struct sysreg_access {
	unsigned int op0, op1, crn, crm, op2, rt;
	bool read;
};

static struct sysreg_access decode(u64 esr)
{
	return (struct sysreg_access){
		.op0 = (esr >> 20) & 3, .op2 = (esr >> 17) & 7, .op1 = (esr >> 14) & 7,
		.crn = (esr >> 10) & 0xf, .rt = (esr >> 5) & 0x1f, .crm = (esr >> 1) & 0xf,
		.read = esr & 1,
	};
}

#define FIELD_MASK(shift)	(0xfULL << (shift))

/* Keep only the listed 4-bit fields of v. */
static u64 keep(u64 v, const unsigned int *shifts, unsigned int n)
{
	u64 mask = 0;

	for (unsigned int i = 0; i < n; i++)
		mask |= FIELD_MASK(shifts[i]);
	return v & mask;
}

#define KEEP(v, ...) ({								\
	static const unsigned int __s[] = { __VA_ARGS__ };			\
	keep((v), __s, ARRAY_SIZE(__s));					\
})

static unsigned int parange_enc(unsigned int bits)
{
	static const unsigned int enc_bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	unsigned int e = 0;

	while (e + 1 < ARRAY_SIZE(enc_bits) && enc_bits[e + 1] <= bits)
		e++;
	return e;
}

/* The guest's view of ID register (3, 0, 0, crm, op2). */
static u64 id_reg(const struct vcpu *vcpu, unsigned int crm, unsigned int op2)
{
	u64 v;

	switch (crm << 3 | op2) {
	case 4 << 3 | 0:	/* ID_AA64PFR0_EL1: EL0, EL1, FP, AdvSIMD, GIC, DIT, CSV2, CSV3 */
		v = read_sysreg(SYS_ID_AA64PFR0_EL1);
		return KEEP(v, 0, 4, 16, 20, 24, 48, 56, 60);
	case 4 << 3 | 1:	/* ID_AA64PFR1_EL1: BT, SSBS, CSV2_frac */
		return KEEP(read_sysreg(SYS_ID_AA64PFR1_EL1), 0, 4, 32);
	case 5 << 3 | 0:	/* ID_AA64DFR0_EL1: Armv8 debug, 2 breakpoints, 2 watchpoints */
		return 6 | 1ULL << 12 | 1ULL << 20;
	case 6 << 3 | 0:	/* ID_AA64ISAR0_EL1: instructions run natively */
		return read_sysreg(s3_0_c0_c6_0);
	case 6 << 3 | 1:	/* ID_AA64ISAR1_EL1 */
		return read_sysreg(SYS_ID_AA64ISAR1_EL1);
	case 6 << 3 | 2:	/* ID_AA64ISAR2_EL1 */
		return read_sysreg(SYS_ID_AA64ISAR2_EL1);
	case 7 << 3 | 0:	/* ID_AA64MMFR0_EL1: granules, ASID, BigEnd...; PA = guest IPA */
		v = read_sysreg(SYS_ID_AA64MMFR0_EL1);
		return KEEP(v, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44) |
		       parange_enc(vcpu->vm->s2.ia_bits);
	case 7 << 3 | 1:	/* ID_AA64MMFR1_EL1: HAFDBS, ASIDs, PAN, SpecSEI, XNX, ETS, ... */
		v = read_sysreg(SYS_ID_AA64MMFR1_EL1);
		return KEEP(v, 0, 4, 20, 24, 28, 32, 36, 44, 48, 52, 60);
	case 7 << 3 | 2:	/* ID_AA64MMFR2_EL1: CnP, UAO, IESB, VARange, CCIDX, ST, AT, IDS, TTL, BBM, E0PD */
		v = read_sysreg(s3_0_c0_c7_2);
		return KEEP(v, 0, 4, 12, 16, 20, 28, 32, 36, 48, 52, 60);
	default:
		/*
		 * AArch32 ID registers (the guest runs AArch64 only), reserved
		 * encodings, ZFR0, SMFR0, DFR1, AFR0/1, MMFR3/4: nothing to offer
		 */
		return 0;
	}
}

/* Rt = 31 is the zero register here */
static u64 get_reg(const struct vcpu *vcpu, unsigned int rt)
{
	return rt == 31 ? 0 : vcpu->ctx.x[rt];
}

static void set_reg(struct vcpu *vcpu, unsigned int rt, u64 v)
{
	if (rt != 31)
		vcpu->ctx.x[rt] = v;
}

int arch_vcpu_sysreg(struct vcpu *vcpu, u64 esr, u32 *exit)
{
	struct sysreg_access a = decode(esr);

	*exit = 0;
	/* ID registers: read only */
	if (a.op0 == 3 && a.op1 == 0 && a.crn == 0 && a.crm >= 1 && a.crm <= 7 && a.read) {
		set_reg(vcpu, a.rt, id_reg(vcpu, a.crm, a.op2));
		return 0;
	}
	/* debug registers: RAZ/WI */
	if (a.op0 == 2) {
		if (a.read)
			set_reg(vcpu, a.rt, 0);
		return 0;
	}
	/* SGIs: ICC_SGI1R_EL1 (3,0,12,11,5), ICC_ASGI1R_EL1 (3,1,12,11,6), ICC_SGI0R_EL1 (3,2,12,11,7) */
	if (a.op0 == 3 && a.crn == 12 && a.crm == 11 && !a.read &&
	    ((a.op1 == 0 && a.op2 == 5) || (a.op1 == 1 && a.op2 == 6) || (a.op1 == 2 && a.op2 == 7))) {
		*exit = vcpu_send_sgi(vcpu, get_reg(vcpu, a.rt));
		return 0;
	}
	/* CNTP_TVAL/CTL/CVAL_EL0 (3,3,14,2,0..2): the emulated physical timer */
	if (a.op0 == 3 && a.op1 == 3 && a.crn == 14 && a.crm == 2 && a.op2 <= 2) {
		u64 v = get_reg(vcpu, a.rt);

		guest_ptimer_access(vcpu, a.op2, a.read, &v);
		if (a.read)
			set_reg(vcpu, a.rt, v);
		return 0;
	}
	/* DC ISW/CSW/CISW */
	if (a.op0 == 1 && a.op1 == 0 && a.crn == 7 && a.op2 == 2 && !a.read &&
	    (a.crm == 6 || a.crm == 10 || a.crm == 14))
		return 0;
	return -1;
}
