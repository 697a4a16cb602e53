/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU state.  Physical CPUs are numbered in /cpus order.  A CPU enters
 * the hypervisor from firmware (boot, PSCI CPU_ON, wake-up from a power-down
 * suspend) at arch_cpu_entry_pa() with x0 = its struct hyp_cpu, and leaves
 * for the host at host_entry with x0 = host_ctx.
 */
#ifndef HYP_CPU_H
#define HYP_CPU_H

#include <hyp/bootinfo.h>
#include <hyp/types.h>

enum cpu_power {
	CPU_POWER_OFF,		/* not running (never started, or CPU_OFF) */
	CPU_POWER_ON_PENDING,	/* CPU_ON accepted, not yet in the host */
	CPU_POWER_ON,
};

struct hyp_cpu {
	/* Read by the entry code with the MMU off: offsets fixed in entry.S. */
	u64 stack_top;		/* 0 */
	u64 host_entry;		/* 8: where the host asked this CPU to start */
	u64 host_ctx;		/* 16: its x0 */
	/* 24: the guest context while one runs; 32: the hypervisor's x19..x30, sp */
	void *guest_ctx;
	u64 hyp_regs[13];
	u64 mpidr;
	u64 gicr_sgi;		/* this CPU's redistributor SGI/PPI frame, or 0 */
	unsigned int index;
	u32 power;		/* enum cpu_power, updated atomically */
};

extern struct hyp_cpu hyp_cpus[HYP_MAX_CPUS];
extern unsigned int hyp_nr_cpus;

/* The CPU with this MPIDR (affinity bits only), or NULL. */
struct hyp_cpu *cpu_by_mpidr(u64 mpidr);

#define MPIDR_AFF_MASK	0xff00ffffffULL

#endif
