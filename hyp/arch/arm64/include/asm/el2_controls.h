/* SPDX-License-Identifier: GPL-2.0-only */
/* EL2 controls switched between the host and a guest (el2_setup.c, guest_switch.c). */
#ifndef ASM_EL2_CONTROLS_H
#define ASM_EL2_CONTROLS_H

#include <asm/pgtable.h>
#include <hyp/types.h>

struct el2_controls {
	u64 hcr;
	u64 cptr;
	u64 mdcr;
	u64 cnthctl;
	u64 hfgxtr;		/* HFGRTR_EL2 and HFGWTR_EL2 */
	u64 vttbr;
	u64 vtcr;
};

/* The host's, computed at boot. */
extern struct el2_controls host_el2;

void write_el2_controls(const struct el2_controls *c);
/*
 * The CPU features the world switch and exception injection depend on,
 * read once at boot (all CPUs are alike): bits of controls that a CPU
 * lacks are RES0, and registers it lacks must not be touched.
 */
struct arch_features {
	bool pauth;		/* pointer-authentication keys to switch */
	bool lor;		/* LORegions (HCR_EL2.TLOR exists) */
	bool fgt;		/* fine-grained traps */
	bool pan;		/* PSTATE.PAN on exception entry */
	bool ssbs;		/* PSTATE.SSBS on exception entry */
	unsigned int nr_lrs;	/* GIC list registers (0: no GICv3 CPU interface) */
	unsigned int nr_aprs;	/* active-priority registers per group */
};

extern struct arch_features cpu_features;

/* VTCR_EL2 for a stage-2 table of this geometry. */
u64 arch_s2_vtcr(const struct pgtable *s2);

#endif
