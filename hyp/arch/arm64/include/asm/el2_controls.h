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
/* CPU features that decide which controls exist (bits are RES0 without them). */
bool arch_has_pauth(void);
bool arch_has_lor(void);

/* VTCR_EL2 for a stage-2 table of this geometry. */
u64 arch_s2_vtcr(const struct pgtable *s2);

#endif
