/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The little the hypervisor does with the host's physical GICv3: find each
 * CPU's redistributor and keep two PPIs enabled there while a guest runs:
 * the EL2 timer's (26), so the hypervisor's own timer can end a guest's
 * run, and the virtual CPU interface's maintenance interrupt (25).  The
 * host owns everything else in the GIC and never uses those two.
 */
#ifndef HYP_GIC_H
#define HYP_GIC_H

#include <hyp/cpu.h>
#include <hyp/types.h>

#define GIC_PPI_MAINTENANCE	25
#define GIC_PPI_HYP_TIMER	26

/* The redistributor region from the DTB (0 size: no GICv3 known). */
void gic_init(u64 gicr_base, u64 gicr_size);
/* Find cpu's redistributor (by MPIDR); false if there is none. */
bool gic_cpu_init(struct hyp_cpu *cpu);
void gic_enable_hyp_ppis(struct hyp_cpu *cpu);

#endif
