// SPDX-License-Identifier: GPL-2.0-only
/*
 * EL2 state: the hypervisor's own translation regime, and the controls under
 * which the host kernel runs at EL1 (stage-2 on, SMCs trapped, nothing else
 * trapped: FP/SIMD, SVE, SME, PMU, debug, timers and the GIC system
 * registers all belong to the host).
 */
#include <asm/el2_controls.h>
#include <asm/pgtable.h>
#include <asm/sysreg.h>
#include <hyp/arch.h>
#include <hyp/cpu.h>
#include <hyp/el2.h>
#include <hyp/log.h>

#include "asm_macros.h"

/* Read by el2_mmu_on() in head.S: keep the order. */
struct el2_mmu_config {
	u64 mair;
	u64 tcr;
	u64 ttbr0;
	u64 sctlr;
} el2_mmu_config;

static struct {
	u64 vtcr;
	u64 vttbr;
} host_s2_config;

static unsigned int parange_field(void);
static void compute_host_el2(void);
static void read_cpu_features(void);
static const unsigned int s2_sl0_for_start_level[] = { 2, 1, 0 };

u64 arch_s2_vtcr(const struct pgtable *s2)
{
	return VTCR_EL2_RES1 | TCR_T0SZ(s2->ia_bits) |
	       ((u64)s2_sl0_for_start_level[s2->start_level] << VTCR_SL0_SHIFT) |
	       TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
	       ((u64)parange_field() << VTCR_PS_SHIFT);
}

_Static_assert(__builtin_offsetof(struct hyp_cpu, stack_top) == HYP_CPU_STACK_TOP &&
	       __builtin_offsetof(struct hyp_cpu, guest_ctx) == HYP_CPU_GUEST_CTX &&
	       __builtin_offsetof(struct hyp_cpu, hyp_regs) == HYP_CPU_HYP_REGS,
	       "entry code reads struct hyp_cpu at fixed offsets");

void el2_mmu_on(void);
void __noreturn __enter_host(u64 entry, u64 ctx);
void __noreturn halt(void);
void hyp_cpu_entry(void);

static const unsigned int parange_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

static unsigned int parange_field(void)
{
	unsigned int pa = ID_FIELD(read_sysreg(SYS_ID_AA64MMFR0_EL1), ID_MMFR0_PARANGE_SHIFT);

	/* 4 KiB pages without FEAT_LPA2 stop at 48 bits */
	return pa > 5 ? 5 : pa;
}

unsigned int arch_pa_bits(void)
{
	return parange_bits[parange_field()];
}

void arch_el2_mmu_prepare(const struct pgtable *s1)
{
	el2_mmu_config.mair = MAIR_EL2_VALUE;
	el2_mmu_config.tcr = TCR_EL2_RES1 | TCR_T0SZ(s1->ia_bits) | TCR_IRGN0_WBWA |
			     TCR_ORGN0_WBWA | TCR_SH0_INNER |
			     ((u64)parange_field() << TCR_EL2_PS_SHIFT);
	el2_mmu_config.ttbr0 = (u64)(uintptr_t)s1->root;
	el2_mmu_config.sctlr = SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I | SCTLR_WXN;
}

static u64 dcache_line_size(void)
{
	return 4ULL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

void arch_el2_mmu_enable_boot(u64 start, u64 end)
{
	u64 line = dcache_line_size();

	/*
	 * Everything written so far went to memory with caches off.  Drop any
	 * stale lines for it so that the first cached reads see memory.
	 */
	for (u64 p = ALIGN_DOWN(start, line); p < end; p += line)
		__asm__ __volatile__("dc ivac, %0" :: "r"(p) : "memory");
	dsb(sy);
	/* the secondaries read el2_mmu_config with their MMU off */
	el2_mmu_on();
	arch_dcache_clean_range(&el2_mmu_config, sizeof(el2_mmu_config));
}

void arch_dcache_clean_range(const void *p, size_t len)
{
	u64 line = dcache_line_size();
	u64 end = (u64)(uintptr_t)p + len;

	for (u64 a = ALIGN_DOWN((u64)(uintptr_t)p, line); a < end; a += line)
		__asm__ __volatile__("dc cvac, %0" :: "r"(a) : "memory");
	dsb(sy);
}

void arch_host_s2_prepare(const struct pgtable *s2)
{
	host_s2_config.vtcr = arch_s2_vtcr(s2);
	/* VMID 0 is the host's */
	host_s2_config.vttbr = (u64)(uintptr_t)s2->root;
	read_cpu_features();
	compute_host_el2();
	/* CPUs starting later read these with their caches off */
	arch_dcache_clean_range(&host_s2_config, sizeof(host_s2_config));
	arch_dcache_clean_range(&host_el2, sizeof(host_el2));
	arch_dcache_clean_range(&cpu_features, sizeof(cpu_features));
}

u64 arch_read_mpidr(void)
{
	return read_sysreg(mpidr_el1);
}

void arch_set_this_cpu(struct hyp_cpu *cpu)
{
	write_sysreg((u64)(uintptr_t)cpu, tpidr_el2);
}

struct hyp_cpu *arch_this_cpu(void)
{
	return (struct hyp_cpu *)(uintptr_t)read_sysreg(tpidr_el2);
}

u64 arch_cpu_entry_pa(void)
{
	return (u64)(uintptr_t)hyp_cpu_entry;
}

void arch_cpu_vulns(struct arch_cpu_vulns *v)
{
	u64 pfr0 = read_sysreg(SYS_ID_AA64PFR0_EL1);
	u64 mmfr1 = read_sysreg(SYS_ID_AA64MMFR1_EL1);
	unsigned int csv2 = ID_FIELD(pfr0, ID_PFR0_CSV2_SHIFT);

	v->spectre_v2_unaffected = csv2 >= 1;
	v->spectre_bhb_unaffected = csv2 >= 3 || ID_FIELD(mmfr1, ID_MMFR1_ECBHB_SHIFT) >= 1;
}

void arch_halt(void)
{
	halt();
}

/*
 * The EL2 controls that differ between running the host and a guest,
 * computed once from the ID registers (all CPUs are alike).
 */
struct el2_controls host_el2;

struct arch_features cpu_features;

#define VGIC_LRS_MAX		16

static void read_cpu_features(void)
{
	u64 isar1 = read_sysreg(SYS_ID_AA64ISAR1_EL1);
	u64 isar2 = read_sysreg(SYS_ID_AA64ISAR2_EL1);
	u64 mmfr1 = read_sysreg(SYS_ID_AA64MMFR1_EL1);
	struct arch_features f = {
		.pauth = ID_FIELD(isar1, ID_ISAR1_APA_SHIFT) || ID_FIELD(isar1, ID_ISAR1_API_SHIFT) ||
			 ID_FIELD(isar2, ID_ISAR2_APA3_SHIFT),
		.lor = ID_FIELD(mmfr1, ID_MMFR1_LO_SHIFT) != 0,
		.fgt = ID_FIELD(read_sysreg(SYS_ID_AA64MMFR0_EL1), ID_MMFR0_FGT_SHIFT) != 0,
		.pan = ID_FIELD(mmfr1, ID_MMFR1_PAN_SHIFT) != 0,
		.ssbs = ID_FIELD(read_sysreg(SYS_ID_AA64PFR1_EL1), ID_PFR1_SSBS_SHIFT) != 0,
	};

	if (ID_FIELD(read_sysreg(SYS_ID_AA64PFR0_EL1), ID_PFR0_GIC_SHIFT)) {
		u64 vtr = read_sysreg(SYS_ICH_VTR_EL2);

		f.nr_lrs = MIN((unsigned int)(vtr & 0x1f) + 1, VGIC_LRS_MAX);
		/* 5, 6 or 7 preemption bits: 1, 2 or 4 registers */
		f.nr_aprs = 1U << (((vtr >> 26) & 7) - 4);
	}
	cpu_features = f;
}

static void compute_host_el2(void)
{
	u64 pfr0 = read_sysreg(SYS_ID_AA64PFR0_EL1);
	u64 pfr1 = read_sysreg(SYS_ID_AA64PFR1_EL1);
	u64 dfr0 = read_sysreg(SYS_ID_AA64DFR0_EL1);
	unsigned int pmuver = ID_FIELD(dfr0, ID_DFR0_PMUVER_SHIFT);
	struct el2_controls c = {
		.hcr = HCR_RW | HCR_VM | HCR_TSC,
		/* FP/SIMD, SVE and SME untrapped */
		.cptr = CPTR_EL2_DEFAULT,
		/* physical timer and counter for EL1 */
		.cnthctl = CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN,
		.vttbr = host_s2_config.vttbr,
		.vtcr = host_s2_config.vtcr,
	};

	/* the pointer-authentication keys are the host's own: no traps */
	if (cpu_features.pauth)
		c.hcr |= HCR_API | HCR_APK;
	if (ID_FIELD(pfr1, ID_PFR1_MTE_SHIFT) >= 2)
		c.hcr |= HCR_ATA;
	if (ID_FIELD(pfr0, ID_PFR0_SVE_SHIFT))
		c.cptr &= ~CPTR_EL2_TZ;
	if (ID_FIELD(pfr1, ID_PFR1_SME_SHIFT)) {
		c.cptr &= ~CPTR_EL2_TSM;
		/* fine-grained "n" bits: 0 traps, so set them when SME exists */
		c.hfgxtr = HFGXTR_NSMPRI_EL1 | HFGXTR_NTPIDR2_EL0;
	}
	/* every PMU counter belongs to the host; EL2 does not count */
	if (pmuver && pmuver != 0xf) {
		c.mdcr = (read_sysreg(pmcr_el0) >> 11) & MDCR_HPMN_MASK;
		if (pmuver >= 4)
			c.mdcr |= MDCR_HPMD;
	}
	host_el2 = c;
}

void write_el2_controls(const struct el2_controls *c)
{
	write_sysreg(c->cptr, cptr_el2);
	write_sysreg(c->mdcr, mdcr_el2);
	write_sysreg(c->cnthctl, cnthctl_el2);
	if (cpu_features.fgt) {
		write_sysreg(c->hfgxtr, SYS_HFGRTR_EL2);
		write_sysreg(c->hfgxtr, SYS_HFGWTR_EL2);
	}
	write_sysreg(c->vtcr, vtcr_el2);
	write_sysreg(c->vttbr, vttbr_el2);
	write_sysreg(c->hcr, hcr_el2);
	isb();
}

/* Fine-grained traps reset to UNKNOWN values: the ones we never change trap nothing. */
static void init_fgt(void)
{
	if (!cpu_features.fgt)
		return;
	write_sysreg(0, SYS_HFGITR_EL2);
	write_sysreg(0, SYS_HDFGRTR_EL2);
	write_sysreg(0, SYS_HDFGWTR_EL2);
}

static void init_hcrx(void)
{
	u64 hcrx = 0;

	if (ID_FIELD(read_sysreg(SYS_ID_AA64MMFR1_EL1), ID_MMFR1_HCX_SHIFT) == 0)
		return;
	/* enable, rather than trap, what the host may use */
	if (ID_FIELD(read_sysreg(SYS_ID_AA64ISAR2_EL1), ID_ISAR2_MOPS_SHIFT))
		hcrx |= HCRX_MSCEN;
	if (ID_FIELD(read_sysreg(SYS_ID_AA64MMFR3_EL1), ID_MMFR3_TCRX_SHIFT))
		hcrx |= HCRX_TCR2EN;
	if (ID_FIELD(read_sysreg(SYS_ID_AA64MMFR3_EL1), ID_MMFR3_SCTLRX_SHIFT))
		hcrx |= HCRX_SCTLR2EN;
	write_sysreg(hcrx, SYS_HCRX_EL2);
}

/* SVE and SME vector lengths: as long as implemented. */
static void init_vector_lengths(void)
{
	u64 pfr0 = read_sysreg(SYS_ID_AA64PFR0_EL1);
	u64 pfr1 = read_sysreg(SYS_ID_AA64PFR1_EL1);

	write_sysreg(host_el2.cptr, cptr_el2);
	isb();
	if (ID_FIELD(pfr0, ID_PFR0_SVE_SHIFT))
		write_sysreg(0x1ff, SYS_ZCR_EL2);
	if (ID_FIELD(pfr1, ID_PFR1_SME_SHIFT)) {
		write_sysreg(0, SYS_SMPRIMAP_EL2);
		/* LEN max, FA64 and EZT0 (RES0 where not implemented) */
		write_sysreg(0x1ffULL | BIT(31) | BIT(30), SYS_SMCR_EL2);
	}
}

static void init_host_controls(void)
{
	u64 pfr0 = read_sysreg(SYS_ID_AA64PFR0_EL1);

	/* the host sees its own CPU's identity */
	write_sysreg(read_sysreg(midr_el1), vpidr_el2);
	write_sysreg(read_sysreg(mpidr_el1), vmpidr_el2);
	write_sysreg(0, cntvoff_el2);
	write_sysreg(0, cnthp_ctl_el2);
	init_vector_lengths();
	init_fgt();
	init_hcrx();
	write_sysreg(0, hstr_el2);
	/* GICv3: let EL1 use the system register interface */
	if (ID_FIELD(pfr0, ID_PFR0_GIC_SHIFT)) {
		write_sysreg(ICC_SRE_EL2_SRE | ICC_SRE_EL2_ENABLE, SYS_ICC_SRE_EL2);
		isb();
		write_sysreg(0, SYS_ICH_HCR_EL2);
	}
	write_el2_controls(&host_el2);
	__asm__ __volatile__("tlbi vmalls12e1" ::: "memory");
	dsb(nsh);
	/* the EL1 state a CPU has after reset (MMU off, little-endian) */
	write_sysreg(SCTLR_EL1_RESET, sctlr_el1);
	isb();
}

void arch_enter_host(struct hyp_cpu *cpu)
{
	init_host_controls();
	__enter_host(cpu->host_entry, cpu->host_ctx);
}
