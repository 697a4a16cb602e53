/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Relaying the host's PSCI calls to firmware.  Calls that name an entry
 * point (CPU_ON, CPU_SUSPEND, CPU_DEFAULT_SUSPEND, SYSTEM_SUSPEND) are given
 * the hypervisor's own entry instead, so every CPU that starts or wakes up
 * passes through EL2 first; the host's entry point and context id wait in
 * the target's struct hyp_cpu.
 */
#ifndef HYP_PSCI_RELAY_H
#define HYP_PSCI_RELAY_H

#include <hyp/cpu.h>
#include <hyp/smccc.h>

/* What the firmware offers; filled once at boot by psci_relay_init(). */
struct psci_fw_info {
	u32 psci_version;
	bool smccc_1_1;		/* firmware implements SMCCC_VERSION >= 1.1 */
	s32 wa_features[3];	/* firmware's ARCH_FEATURES for WORKAROUND_1/2/3 */
};

extern struct psci_fw_info psci_fw;

/* Probe firmware.  Returns 0, or -1 if it lacks PSCI 0.2 or later. */
int psci_relay_init(void);

/* The CPU that booted the hypervisor is on; all others off. */
void psci_relay_set_boot_cpu(struct hyp_cpu *cpu);

/* Handle a host PSCI call (regs->a[0] is a PSCI function id). */
void psci_relay_call(struct smccc_regs *regs);

/* A CPU arrived from firmware and is about to enter the host. */
void psci_relay_cpu_entered(struct hyp_cpu *cpu);

#endif
