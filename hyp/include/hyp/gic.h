/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The little the hypervisor does with the host's physical GICv3: find each
 * CPU's redistributor and keep two PPIs enabled there while a guest runs:
 * the EL2 timer's (26), so the hypervisor's own timer can end a guest's
 * run, and the virtual CPU interface's maintenance interrupt (25).  The
 * host owns everything else in the GIC and never uses those two.  While a
 * guest's timer interrupt is in flight, the timer's PPI is also held
 * active (gic_hold_ppi) for the length of the run.
 */
#ifndef HYP_GIC_H
#define HYP_GIC_H

#include <hyp/cpu.h>
#include <hyp/types.h>

#define GIC_PPI_MAINTENANCE	25
#define GIC_PPI_VTIMER		27
#define GIC_PPI_HYP_TIMER	26

/* The redistributor region from the DTB (0 size: no GICv3 known). */
void gic_init(u64 gicr_base, u64 gicr_size);
/* Find cpu's redistributor (by MPIDR); false if there is none. */
bool gic_cpu_init(struct hyp_cpu *cpu);
void gic_enable_hyp_ppis(struct hyp_cpu *cpu);
/*
 * Hold a PPI's physical line down on this CPU (mark it active, so it cannot
 * be signalled) or release it.  Used for the virtual timer's PPI while its
 * interrupt is being delivered to a guest through the vGIC; always
 * released before the host runs again.
 */
void gic_hold_ppi(struct hyp_cpu *cpu, unsigned int ppi, bool hold);

#endif
