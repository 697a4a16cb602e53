// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host SMCs.  HCR_EL2.TSC traps every SMC of the host here.  PSCI goes to the
 * relay; the SMCCC architecture calls are answered by the hypervisor itself;
 * everything else is refused with NOT_SUPPORTED and never reaches firmware,
 * so the host cannot use firmware services behind the hypervisor's back.
 */
#include <hyp/arch.h>
#include <hyp/psci.h>
#include <hyp/psci_relay.h>
#include <hyp/smccc.h>

static int workaround_index(u32 fid)
{
	switch (fid) {
	case SMCCC_ARCH_WORKAROUND_1: return 0;
	case SMCCC_ARCH_WORKAROUND_2: return 1;
	case SMCCC_ARCH_WORKAROUND_3: return 2;
	default: return -1;
	}
}

/*
 * ARCH_FEATURES for the Spectre workarounds, truthfully: a CPU that says in
 * its ID registers it is not affected is "unaffected"; otherwise only a
 * firmware that implements the workaround makes it available; a hypervisor
 * cannot mitigate these on the firmware's behalf.
 */
static s64 arch_features(u32 fid)
{
	struct arch_cpu_vulns v;
	int wa = workaround_index(fid);

	switch (fid) {
	case SMCCC_VERSION:
	case SMCCC_ARCH_FEATURES:
		return SMCCC_RET_SUCCESS;
	default:
		break;
	}
	if (wa < 0)
		return SMCCC_RET_NOT_SUPPORTED;
	arch_cpu_vulns(&v);
	if ((wa == 0 && v.spectre_v2_unaffected) || (wa == 2 && v.spectre_bhb_unaffected))
		return SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED;
	if (psci_fw.smccc_1_1)
		return psci_fw.wa_features[wa];
	return SMCCC_RET_NOT_SUPPORTED;
}

void host_smc_call(struct smccc_regs *regs)
{
	u32 fid = (u32)regs->a[0];
	int wa = workaround_index(fid);

	if (psci_is_fid(fid)) {
		psci_relay_call(regs);
		return;
	}
	if (fid == SMCCC_VERSION) {
		regs->a[0] = SMCCC_VERSION_1_1;
	} else if (fid == SMCCC_ARCH_FEATURES) {
		regs->a[0] = (u64)arch_features((u32)regs->a[1]);
	} else if (wa >= 0 && psci_fw.smccc_1_1 && psci_fw.wa_features[wa] >= 0) {
		/* the firmware's mitigation runs in the firmware: call it */
		struct smccc_regs fw = { .a = { fid, regs->a[1] } };

		arch_fw_call(&fw);
		regs->a[0] = fw.a[0];
	} else {
		regs->a[0] = (u64)(s64)SMCCC_RET_NOT_SUPPORTED;
	}
}
