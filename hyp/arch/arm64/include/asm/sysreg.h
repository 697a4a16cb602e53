/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * System register accessors and the bit fields the hypervisor programs.
 * Values follow the Arm ARM (DDI 0487); registers newer than Armv8.0 are
 * named by their encoding so that any assembler accepts them.
 */
#ifndef ASM_SYSREG_H
#define ASM_SYSREG_H

#include <asm/pgtable.h>
#include <hyp/compiler.h>
#include <hyp/types.h>

#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

#define read_sysreg(r) ({						\
	u64 __v;							\
	__asm__ __volatile__("mrs %0, " __stringify(r) : "=r"(__v));	\
	__v;								\
})

#define write_sysreg(v, r) do {						\
	u64 __v = (u64)(v);						\
	__asm__ __volatile__("msr " __stringify(r) ", %x0" :: "rZ"(__v)); \
} while (0)

#define isb()		__asm__ __volatile__("isb" ::: "memory")
#define dsb(opt)	__asm__ __volatile__("dsb " #opt ::: "memory")

/* Registers by encoding (s<op0>_<op1>_c<n>_c<m>_<op2>). */
#define SYS_ZCR_EL2		s3_4_c1_c2_0
#define SYS_SMCR_EL2		s3_4_c1_c2_6
#define SYS_SMPRIMAP_EL2	s3_4_c1_c2_5
#define SYS_HCRX_EL2		s3_4_c1_c2_2
#define SYS_HFGRTR_EL2		s3_4_c1_c1_4
#define SYS_HFGWTR_EL2		s3_4_c1_c1_5
#define SYS_HFGITR_EL2		s3_4_c1_c1_6
#define SYS_HDFGRTR_EL2		s3_4_c3_c1_4
#define SYS_HDFGWTR_EL2		s3_4_c3_c1_5
#define SYS_ID_AA64PFR0_EL1	s3_0_c0_c4_0
#define SYS_ID_AA64PFR1_EL1	s3_0_c0_c4_1
#define SYS_ID_AA64DFR0_EL1	s3_0_c0_c5_0
#define SYS_ID_AA64ISAR1_EL1	s3_0_c0_c6_1
#define SYS_ID_AA64ISAR2_EL1	s3_0_c0_c6_2
#define SYS_ID_AA64MMFR0_EL1	s3_0_c0_c7_0
#define SYS_ID_AA64MMFR1_EL1	s3_0_c0_c7_1
#define SYS_ID_AA64MMFR3_EL1	s3_0_c0_c7_3
#define SYS_ICC_SRE_EL2		s3_4_c12_c9_5
#define SYS_ICH_HCR_EL2		s3_4_c12_c11_0
#define SYS_ICH_VTR_EL2		s3_4_c12_c11_1
#define SYS_ICH_VMCR_EL2	s3_4_c12_c11_7

/* Extract an unsigned 4-bit ID register field. */
#define ID_FIELD(reg, shift)	(((reg) >> (shift)) & 0xf)

/* ID_AA64PFR0_EL1 */
#define ID_PFR0_GIC_SHIFT	24
#define ID_PFR0_SVE_SHIFT	32
#define ID_PFR0_CSV2_SHIFT	56
#define ID_PFR0_CSV3_SHIFT	60
/* ID_AA64PFR1_EL1 */
#define ID_PFR1_SSBS_SHIFT	4
#define ID_PFR1_MTE_SHIFT	8
#define ID_PFR1_SME_SHIFT	24
/* ID_AA64DFR0_EL1 */
#define ID_DFR0_PMUVER_SHIFT	8
/* ID_AA64MMFR0_EL1 */
#define ID_MMFR0_PARANGE_SHIFT	0
#define ID_MMFR0_FGT_SHIFT	56
/* ID_AA64MMFR1_EL1 */
#define ID_MMFR1_VMIDBITS_SHIFT	4
#define ID_MMFR1_LO_SHIFT	16
#define ID_MMFR1_PAN_SHIFT	20
#define ID_MMFR1_HCX_SHIFT	40
#define ID_MMFR1_ECBHB_SHIFT	60
/* ID_AA64ISAR1_EL1 */
#define ID_ISAR1_APA_SHIFT	4
#define ID_ISAR1_API_SHIFT	8
/* ID_AA64ISAR2_EL1 */
#define ID_ISAR2_APA3_SHIFT	12
#define ID_ISAR2_MOPS_SHIFT	16
/* ID_AA64MMFR3_EL1 */
#define ID_MMFR3_TCRX_SHIFT	0
#define ID_MMFR3_SCTLRX_SHIFT	4

/* HCR_EL2 */
#define HCR_VM		BIT(0)
#define HCR_SWIO	BIT(1)
#define HCR_FMO		BIT(3)
#define HCR_IMO		BIT(4)
#define HCR_AMO		BIT(5)
#define HCR_TSC		BIT(19)
#define HCR_RW		BIT(31)
#define HCR_E2H		BIT(34)
#define HCR_APK		BIT(40)
#define HCR_API		BIT(41)
#define HCR_ATA		BIT(56)

/* HCRX_EL2 */
#define HCRX_MSCEN	BIT(11)
#define HCRX_TCR2EN	BIT(14)
#define HCRX_SCTLR2EN	BIT(15)

/* HFGRTR_EL2/HFGWTR_EL2 "negative" bits: 0 traps, so set them when the feature exists. */
#define HFGXTR_NSMPRI_EL1	BIT(54)
#define HFGXTR_NTPIDR2_EL0	BIT(55)

/* SCTLR_EL2 (HCR_EL2.E2H == 0) */
#define SCTLR_EL2_RES1	(BIT(29) | BIT(28) | BIT(23) | BIT(22) | BIT(18) | \
			 BIT(16) | BIT(11) | BIT(5) | BIT(4))
#define SCTLR_M		BIT(0)
#define SCTLR_C		BIT(2)
#define SCTLR_SA	BIT(3)
#define SCTLR_I		BIT(12)
#define SCTLR_WXN	BIT(19)

/* SCTLR_EL1 as after reset with the MMU off (Linux's INIT_SCTLR_EL1_MMU_OFF). */
#define SCTLR_EL1_RESET	(BIT(29) | BIT(28) | BIT(23) | BIT(22) | BIT(20) | BIT(11))
#define SCTLR_EL1_SPAN	BIT(23)
#define SCTLR_EL1_DSSBS	BIT(44)

/* TCR_EL2 (E2H == 0) */
#define TCR_EL2_RES1	(BIT(31) | BIT(23))
#define TCR_T0SZ(bits)	((u64)(64 - (bits)))
#define TCR_IRGN0_WBWA	(1ULL << 8)
#define TCR_ORGN0_WBWA	(1ULL << 10)
#define TCR_SH0_INNER	(3ULL << 12)
#define TCR_EL2_PS_SHIFT 16

/* VTCR_EL2 */
#define VTCR_EL2_RES1	BIT(31)
#define VTCR_SL0_SHIFT	6
#define VTCR_PS_SHIFT	16
#define VTCR_VS_16BIT	BIT(19)

/* MAIR_EL2 for the MT_* indices of asm/pgtable.h */
#define MAIR_EL2_VALUE	((0x00ULL << (8 * MT_DEVICE_nGnRnE)) | \
			 (0x04ULL << (8 * MT_DEVICE_nGnRE)) | \
			 (0xffULL << (8 * MT_NORMAL)) | \
			 (0x44ULL << (8 * MT_NORMAL_NC)))

/* CPTR_EL2 (E2H == 0): RES1 bits plus the trap bits we clear when the feature exists. */
#define CPTR_EL2_DEFAULT	0x33ffULL
#define CPTR_EL2_TZ		BIT(8)
#define CPTR_EL2_TSM		BIT(12)

/* CNTHCTL_EL2 (E2H == 0) */
#define CNTHCTL_EL1PCTEN	BIT(0)
#define CNTHCTL_EL1PCEN		BIT(1)

/* MDCR_EL2 */
#define MDCR_HPMN_MASK		0x1fULL
#define MDCR_HPMD		BIT(17)

/* ICC_SRE_EL2 */
#define ICC_SRE_EL2_SRE		BIT(0)
#define ICC_SRE_EL2_ENABLE	BIT(3)

/* PSTATE / SPSR */
#define PSR_MODE_EL0t	0x0ULL
#define PSR_MODE_EL1t	0x4ULL
#define PSR_MODE_EL1h	0x5ULL
#define PSR_MODE_MASK	0xfULL
#define PSR_MODE32	BIT(4)
#define PSR_F		BIT(6)
#define PSR_I		BIT(7)
#define PSR_A		BIT(8)
#define PSR_D		BIT(9)
#define PSR_BTYPE_MASK	(3ULL << 10)
#define PSR_SSBS	BIT(12)
#define PSR_PAN		BIT(22)
#define PSR_UAO		BIT(23)
#define PSR_DIT		BIT(24)
#define PSR_NZCV	(0xfULL << 28)
#define PSR32_DIT	BIT(21)		/* where an AArch32 CPSR keeps DIT */
#define PSR_DAIF	(PSR_D | PSR_A | PSR_I | PSR_F)

/* ESR_ELx */
#define ESR_EC_SHIFT		26
#define ESR_EC(esr)		(((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_IL			BIT(25)
#define ESR_ISS_MASK		GENMASK(24, 0)
#define EC_UNKNOWN		0x00
#define EC_WFX			0x01
#define EC_HVC64		0x16
#define EC_SMC64		0x17
#define EC_SYS64		0x18
#define EC_IABT_LOW		0x20
#define EC_IABT_CUR		0x21
#define EC_DABT_LOW		0x24
#define EC_DABT_CUR		0x25
/* Abort ISS */
#define ESR_FSC_MASK		0x3fULL
#define ESR_WNR			BIT(6)
#define ESR_S1PTW		BIT(7)
#define ESR_CM			BIT(8)
#define ESR_FNV			BIT(10)
#define FSC_PERM_L3		0x0f
#define FSC_SEA			0x10
#define FSC_SEA_TTW_L0		0x14
#define FSC_ALIGNMENT		0x21

#endif
