// SPDX-License-Identifier: GPL-2.0-only
/*
 * PSCI relay.  The state machine per CPU is
 *
 *     OFF --CPU_ON accepted--> ON_PENDING --arrives at EL2--> ON
 *      ^                           |                           |
 *      +---firmware refused--------+         <---CPU_OFF-------+
 *
 * The claim OFF -> ON_PENDING is a compare-and-swap, so two host CPUs
 * racing to start the same CPU cannot both write its entry point.  The host
 * learns about ALREADY_ON / ON_PENDING from our state, which is exact for
 * every CPU the host can see, since every CPU start goes through here.
 */
#include <hyp/arch.h>
#include <hyp/log.h>
#include <hyp/psci.h>
#include <hyp/psci_relay.h>

struct psci_fw_info psci_fw;

static s64 fw_call(u32 fid, u64 a1, u64 a2, u64 a3)
{
	struct smccc_regs r = { .a = { fid, a1, a2, a3 } };

	arch_fw_call(&r);
	return (s64)r.a[0];
}

/* SMC32 calls carry 32-bit arguments: ignore whatever is in the upper halves. */
static u64 arg(const struct smccc_regs *regs, unsigned int i)
{
	return (regs->a[0] & SMCCC_64) ? regs->a[i] : (u32)regs->a[i];
}

int psci_relay_init(void)
{
	static const u32 wa_ids[3] = {
		SMCCC_ARCH_WORKAROUND_1, SMCCC_ARCH_WORKAROUND_2, SMCCC_ARCH_WORKAROUND_3,
	};
	s64 ret = fw_call(PSCI_VERSION, 0, 0, 0);

	psci_fw = (struct psci_fw_info){ .wa_features = { -1, -1, -1 } };
	if (ret < 0 || (u32)ret < 0x2)
		return -1;
	psci_fw.psci_version = (u32)ret;
	/* PSCI 1.0 lets us ask whether SMCCC_VERSION exists before calling it */
	if (psci_fw.psci_version >= 0x10000 &&
	    fw_call(PSCI_FEATURES, SMCCC_VERSION, 0, 0) == PSCI_RET_SUCCESS &&
	    fw_call(SMCCC_VERSION, 0, 0, 0) >= SMCCC_VERSION_1_1) {
		psci_fw.smccc_1_1 = true;
		for (int i = 0; i < 3; i++)
			psci_fw.wa_features[i] = (s32)fw_call(SMCCC_ARCH_FEATURES, wa_ids[i], 0, 0);
	}
	return 0;
}

void psci_relay_set_boot_cpu(struct hyp_cpu *cpu)
{
	for (unsigned int i = 0; i < hyp_nr_cpus; i++)
		__atomic_store_n(&hyp_cpus[i].power, CPU_POWER_OFF, __ATOMIC_RELAXED);
	__atomic_store_n(&cpu->power, CPU_POWER_ON, __ATOMIC_RELEASE);
}

static bool claim(struct hyp_cpu *cpu, u32 from, u32 to, u32 *seen)
{
	*seen = from;
	return __atomic_compare_exchange_n(&cpu->power, seen, to, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

static s64 cpu_on(const struct smccc_regs *regs)
{
	struct hyp_cpu *target = cpu_by_mpidr(arg(regs, 1));
	u32 seen;
	s64 ret;

	if (!target)
		return PSCI_RET_INVALID_PARAMS;
	if (!claim(target, CPU_POWER_OFF, CPU_POWER_ON_PENDING, &seen))
		return seen == CPU_POWER_ON ? PSCI_RET_ALREADY_ON : PSCI_RET_ON_PENDING;

	target->host_entry = arg(regs, 2);
	target->host_ctx = arg(regs, 3);
	/* the target reads these with its MMU and caches off */
	arch_dcache_clean_range(target, sizeof(*target));

	ret = fw_call(PSCI_0_2_FN64(3), target->mpidr, arch_cpu_entry_pa(), (u64)(uintptr_t)target);
	if (ret != PSCI_RET_SUCCESS) {
		__atomic_store_n(&target->power, CPU_POWER_OFF, __ATOMIC_RELEASE);
		hyp_log("psci: firmware refused CPU_ON of cpu%u: %lld", target->index, (long long)ret);
	}
	return ret;
}

static s64 cpu_off(void)
{
	struct hyp_cpu *self = arch_this_cpu();
	s64 ret;

	__atomic_store_n(&self->power, CPU_POWER_OFF, __ATOMIC_RELEASE);
	ret = fw_call(PSCI_CPU_OFF, 0, 0, 0);
	/* only reached if firmware refused: the CPU keeps running the host */
	__atomic_store_n(&self->power, CPU_POWER_ON, __ATOMIC_RELEASE);
	return ret;
}

/*
 * CPU_SUSPEND (power_state, entry, ctx), CPU_DEFAULT_SUSPEND (entry, ctx)
 * and SYSTEM_SUSPEND (entry, ctx): a power-down state wakes up at our
 * entry, a standby state simply returns.
 */
static s64 suspend(const struct smccc_regs *regs, u32 fn64, unsigned int entry_arg)
{
	struct hyp_cpu *self = arch_this_cpu();
	u64 power_state = entry_arg == 2 ? arg(regs, 1) : 0;

	self->host_entry = arg(regs, entry_arg);
	self->host_ctx = arg(regs, entry_arg + 1);
	arch_dcache_clean_range(self, sizeof(*self));
	if (entry_arg == 2)
		return fw_call(fn64, power_state, arch_cpu_entry_pa(), (u64)(uintptr_t)self);
	return fw_call(fn64, arch_cpu_entry_pa(), (u64)(uintptr_t)self, 0);
}

static s64 features(u32 fid)
{
	if (fid == SMCCC_VERSION)
		return PSCI_RET_SUCCESS;	/* we implement it ourselves */
	if (!psci_is_fid(fid) || (fid & ~SMCCC_64) == PSCI_MEM_PROTECT ||
	    (fid & ~SMCCC_64) == PSCI_MEM_PROTECT_CHECK_RANGE)
		return PSCI_RET_NOT_SUPPORTED;
	return fw_call(PSCI_FEATURES, fid, 0, 0);
}

void psci_relay_call(struct smccc_regs *regs)
{
	u32 fid = (u32)regs->a[0];
	u32 fn = fid & ~SMCCC_64;
	s64 ret;

	switch (fn) {
	case PSCI_CPU_ON:
		ret = cpu_on(regs);
		break;
	case PSCI_CPU_OFF:
		ret = cpu_off();
		break;
	case PSCI_CPU_SUSPEND:
		ret = suspend(regs, PSCI_0_2_FN64(1), 2);
		break;
	case PSCI_CPU_DEFAULT_SUSPEND:
		ret = suspend(regs, PSCI_0_2_FN64(12), 1);
		break;
	case PSCI_SYSTEM_SUSPEND:
		ret = suspend(regs, PSCI_0_2_FN64(14), 1);
		break;
	case PSCI_FEATURES:
		ret = features((u32)arg(regs, 1));
		break;
	case PSCI_VERSION:
	case PSCI_AFFINITY_INFO:
	case PSCI_MIGRATE:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_MIGRATE_INFO_UP_CPU:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_CPU_FREEZE:
	case PSCI_NODE_HW_STATE:
	case PSCI_SET_SUSPEND_MODE:
	case PSCI_STAT_RESIDENCY:
	case PSCI_STAT_COUNT:
	case PSCI_SYSTEM_RESET2:
		/* no address of the caller's in these: pass through unchanged */
		if (fn == PSCI_SYSTEM_OFF || fn == PSCI_SYSTEM_RESET || fn == PSCI_SYSTEM_RESET2)
			hyp_log("psci: host asked for %s", fn == PSCI_SYSTEM_OFF ? "SYSTEM_OFF" : "reset");
		ret = fw_call(fid, arg(regs, 1), arg(regs, 2), arg(regs, 3));
		break;
	default:
		/* MEM_PROTECT*, and ids PSCI does not define */
		ret = PSCI_RET_NOT_SUPPORTED;
		break;
	}
	/* SMC32 results are 32-bit values, sign-extended into x0 as TF-A does */
	regs->a[0] = (fid & SMCCC_64) ? (u64)ret : (u64)(s64)(s32)ret;
}

void psci_relay_cpu_entered(struct hyp_cpu *cpu)
{
	u32 seen;

	/* first arrival after CPU_ON; a wake-up from suspend is already ON */
	claim(cpu, CPU_POWER_ON_PENDING, CPU_POWER_ON, &seen);
}
