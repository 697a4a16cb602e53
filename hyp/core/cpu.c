// SPDX-License-Identifier: GPL-2.0-only
#include <hyp/cpu.h>

struct hyp_cpu hyp_cpus[HYP_MAX_CPUS];
unsigned int hyp_nr_cpus;

struct hyp_cpu *cpu_by_mpidr(u64 mpidr)
{
	for (unsigned int i = 0; i < hyp_nr_cpus; i++) {
		if ((hyp_cpus[i].mpidr & MPIDR_AFF_MASK) == (mpidr & MPIDR_AFF_MASK))
			return &hyp_cpus[i];
	}
	return NULL;
}
