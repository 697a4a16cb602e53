/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host hypercalls (HVC #0 from the host kernel).  The GenieZone functions
 * (owner 59, numbers 0x1000 + n, SMC32 and SMC64 ids alike) go through one
 * table; PSCI and SMCCC architecture calls made with HVC are served as if
 * they came by SMC; anything else gets SMCCC NOT_SUPPORTED.
 */
#ifndef HYP_HYPERCALL_H
#define HYP_HYPERCALL_H

#include <hyp/smccc.h>

/* The ABI level the hypervisor speaks, returned by PROBE in x1..x3. */
#define GZVM_HYP_VERSION_MAJOR	16
#define GZVM_HYP_VERSION_MINOR	0
#define GZVM_HYP_VERSION_SUB	0

void host_hvc_call(struct smccc_regs *regs);

#endif
