/* SPDX-License-Identifier: GPL-2.0-only */
/* SMC Calling Convention (Arm DEN 0028) values the hypervisor uses. */
#ifndef HYP_SMCCC_H
#define HYP_SMCCC_H

#include <hyp/types.h>

/* x0..x7 in, x0..x3 out. */
struct smccc_regs {
	u64 a[8];
};

#define SMCCC_FAST_CALL		(1U << 31)
#define SMCCC_64		(1U << 30)
#define SMCCC_OWNER(fid)	(((fid) >> 24) & 0x3f)
#define SMCCC_FUNC(fid)		((fid) & 0xffff)

#define SMCCC_OWNER_ARCH	0
#define SMCCC_OWNER_STANDARD	4
#define SMCCC_OWNER_VENDOR_HYP	6

#define SMCCC_VERSION			0x80000000U
#define SMCCC_ARCH_FEATURES		0x80000001U
#define SMCCC_ARCH_SOC_ID		0x80000002U
#define SMCCC_ARCH_WORKAROUND_1		0x80008000U
#define SMCCC_ARCH_WORKAROUND_2		0x80007fffU
#define SMCCC_ARCH_WORKAROUND_3		0x80003fffU

#define SMCCC_VERSION_1_0	0x10000
#define SMCCC_VERSION_1_1	0x10001

#define SMCCC_RET_SUCCESS		0
#define SMCCC_RET_NOT_SUPPORTED		(-1)
#define SMCCC_RET_NOT_REQUIRED		(-2)
#define SMCCC_RET_INVALID_PARAMETER	(-3)
/* ARCH_FEATURES answer for WORKAROUND_1/3: "this CPU is not affected" */
#define SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED	1

/* Host SMC (trapped by HCR_EL2.TSC): answer it in place. */
void host_smc_call(struct smccc_regs *regs);

#endif
