/* SPDX-License-Identifier: GPL-2.0-only */
/* PSCI (Arm DEN 0022) function ids and return codes. */
#ifndef HYP_PSCI_H
#define HYP_PSCI_H

#include <hyp/smccc.h>
#include <hyp/types.h>

#define PSCI_0_2_FN(n)		(0x84000000U + (n))
#define PSCI_0_2_FN64(n)	(0xc4000000U + (n))

#define PSCI_VERSION			PSCI_0_2_FN(0)
#define PSCI_CPU_SUSPEND		PSCI_0_2_FN(1)
#define PSCI_CPU_OFF			PSCI_0_2_FN(2)
#define PSCI_CPU_ON			PSCI_0_2_FN(3)
#define PSCI_AFFINITY_INFO		PSCI_0_2_FN(4)
#define PSCI_MIGRATE			PSCI_0_2_FN(5)
#define PSCI_MIGRATE_INFO_TYPE		PSCI_0_2_FN(6)
#define PSCI_MIGRATE_INFO_UP_CPU	PSCI_0_2_FN(7)
#define PSCI_SYSTEM_OFF			PSCI_0_2_FN(8)
#define PSCI_SYSTEM_RESET		PSCI_0_2_FN(9)
#define PSCI_FEATURES			PSCI_0_2_FN(10)
#define PSCI_CPU_FREEZE			PSCI_0_2_FN(11)
#define PSCI_CPU_DEFAULT_SUSPEND	PSCI_0_2_FN(12)
#define PSCI_NODE_HW_STATE		PSCI_0_2_FN(13)
#define PSCI_SYSTEM_SUSPEND		PSCI_0_2_FN(14)
#define PSCI_SET_SUSPEND_MODE		PSCI_0_2_FN(15)
#define PSCI_STAT_RESIDENCY		PSCI_0_2_FN(16)
#define PSCI_STAT_COUNT			PSCI_0_2_FN(17)
#define PSCI_SYSTEM_RESET2		PSCI_0_2_FN(18)
#define PSCI_MEM_PROTECT		PSCI_0_2_FN(19)
#define PSCI_MEM_PROTECT_CHECK_RANGE	PSCI_0_2_FN(20)

#define PSCI_RET_SUCCESS		0
#define PSCI_RET_NOT_SUPPORTED		(-1)
#define PSCI_RET_INVALID_PARAMS		(-2)
#define PSCI_RET_DENIED			(-3)
#define PSCI_RET_ALREADY_ON		(-4)
#define PSCI_RET_ON_PENDING		(-5)
#define PSCI_RET_INTERNAL_FAILURE	(-6)
#define PSCI_RET_NOT_PRESENT		(-7)
#define PSCI_RET_DISABLED		(-8)
#define PSCI_RET_INVALID_ADDRESS	(-9)

/* Is this a PSCI function id (SMC32 or SMC64 form)? */
static inline bool psci_is_fid(u32 fid)
{
	return (fid & ~SMCCC_64) >= PSCI_0_2_FN(0) && (fid & ~SMCCC_64) <= PSCI_0_2_FN(0x1f);
}

#endif
