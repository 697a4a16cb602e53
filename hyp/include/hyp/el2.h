/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot-time set-up of the EL2 translation regime and of the controls the
 * host runs under, implemented in hyp/arch/arm64/el2_setup.c.
 */
#ifndef HYP_EL2_H
#define HYP_EL2_H

#include <asm/pgtable.h>
#include <hyp/compiler.h>
#include <hyp/cpu.h>
#include <hyp/types.h>

/* Physical address bits of this CPU (ID_AA64MMFR0_EL1.PARange), at most 48. */
unsigned int arch_pa_bits(void);

/*
 * Record the EL2 stage-1 tables for el2_mmu_on() (boot CPU and every CPU
 * that enters from firmware later).
 */
void arch_el2_mmu_prepare(const struct pgtable *s1);

/*
 * On the boot CPU, with the MMU still off: invalidate stale cache lines over
 * [start, end) (memory we wrote with caches off), then turn the MMU on.
 */
void arch_el2_mmu_enable_boot(u64 start, u64 end);

/* Record the host's stage-2 (VTTBR/VTCR for VMID 0). */
void arch_host_s2_prepare(const struct pgtable *s2);

/* Program this CPU's EL2 controls for running the host and enter it at EL1. */
void __noreturn arch_enter_host(struct hyp_cpu *cpu);

/* This CPU's MPIDR_EL1. */
u64 arch_read_mpidr(void);

/* Point this CPU's per-CPU register at cpu. */
void arch_set_this_cpu(struct hyp_cpu *cpu);

#endif
