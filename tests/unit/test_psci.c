// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PSCI relay and the host SMC filter against a fake firmware: entry
 * points are substituted, the per-CPU state machine answers ALREADY_ON /
 * ON_PENDING exactly, bad MPIDRs are refused, and nothing but known PSCI
 * calls reaches firmware.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <hyp/psci.h>
#include <hyp/psci_relay.h>
#include <hyp/smccc.h>

#include "fake_arch.h"

static int setup(void **state)
{
	(void)state;
	fake_arch_reset();
	hyp_nr_cpus = 4;
	for (unsigned int i = 0; i < 4; i++)
		hyp_cpus[i] = (struct hyp_cpu){ .mpidr = i, .index = i };
	assert_int_equal(psci_relay_init(), 0);
	psci_relay_set_boot_cpu(&hyp_cpus[0]);
	fake_this_cpu = &hyp_cpus[0];
	fake_fw.nr_calls = 0;
	return 0;
}

static s64 host_call(u64 fid, u64 a1, u64 a2, u64 a3)
{
	struct smccc_regs r = { .a = { fid, a1, a2, a3, 0x44, 0x55, 0x66, 0x77 } };

	host_smc_call(&r);
	return (s64)r.a[0];
}

static void test_cpu_on_substitutes_entry(void **state)
{
	(void)state;
	assert_int_equal(host_call(PSCI_0_2_FN64(3), 2, 0x41000000, 0xc0ffee), PSCI_RET_SUCCESS);
	assert_int_equal(fake_fw.nr_calls, 1);
	/* firmware is told to start cpu 2 at the hypervisor, with its hyp_cpu as context */
	assert_int_equal(fake_fw.calls[0].a[0], PSCI_0_2_FN64(3));
	assert_int_equal(fake_fw.calls[0].a[1], 2);
	assert_int_equal(fake_fw.calls[0].a[2], FAKE_ENTRY_PA);
	assert_int_equal(fake_fw.calls[0].a[3], (u64)(uintptr_t)&hyp_cpus[2]);
	/* the host's entry waits in the hyp_cpu, cleaned for a caches-off reader */
	assert_int_equal(hyp_cpus[2].host_entry, 0x41000000);
	assert_int_equal(hyp_cpus[2].host_ctx, 0xc0ffee);
	assert_true(fake_fw.cleans > 0);
	assert_int_equal(hyp_cpus[2].power, CPU_POWER_ON_PENDING);

	/* a second CPU_ON before it arrived: ON_PENDING, firmware not asked */
	assert_int_equal(host_call(PSCI_0_2_FN64(3), 2, 0x1, 0x2), PSCI_RET_ON_PENDING);
	assert_int_equal(fake_fw.nr_calls, 1);
	assert_int_equal(hyp_cpus[2].host_entry, 0x41000000);

	psci_relay_cpu_entered(&hyp_cpus[2]);
	assert_int_equal(hyp_cpus[2].power, CPU_POWER_ON);
	assert_int_equal(host_call(PSCI_0_2_FN64(3), 2, 0x1, 0x2), PSCI_RET_ALREADY_ON);
	/* the boot CPU is on */
	assert_int_equal(host_call(PSCI_0_2_FN64(3), 0, 0x1, 0x2), PSCI_RET_ALREADY_ON);
	assert_int_equal(fake_fw.nr_calls, 1);
}

static void test_cpu_on_bad_mpidr(void **state)
{
	(void)state;
	assert_int_equal(host_call(PSCI_0_2_FN64(3), 7, 0x41000000, 0), PSCI_RET_INVALID_PARAMS);
	assert_int_equal(host_call(PSCI_0_2_FN64(3), 0x100, 0x41000000, 0), PSCI_RET_INVALID_PARAMS);
	assert_int_equal(fake_fw.nr_calls, 0);
}

static s64 refuse_cpu_on(const struct smccc_regs *call)
{
	if ((u32)call->a[0] == PSCI_0_2_FN64(3))
		return PSCI_RET_INTERNAL_FAILURE;
	return fake_fw_default(call);
}

static void test_cpu_on_firmware_refuses(void **state)
{
	(void)state;
	fake_fw.answer = refuse_cpu_on;
	assert_int_equal(host_call(PSCI_0_2_FN64(3), 1, 0x41000000, 0), PSCI_RET_INTERNAL_FAILURE);
	/* the claim is released: the host may try again */
	assert_int_equal(hyp_cpus[1].power, CPU_POWER_OFF);
	fake_fw.answer = fake_fw_default;
	assert_int_equal(host_call(PSCI_0_2_FN64(3), 1, 0x41000000, 0), PSCI_RET_SUCCESS);
}

static void test_cpu_on_smc32_truncates(void **state)
{
	(void)state;
	assert_int_equal(host_call(PSCI_CPU_ON, 0xffffffff00000003ULL, 0xaaaaaaaa41000000ULL,
				   0xbbbbbbbb00000007ULL), PSCI_RET_SUCCESS);
	assert_int_equal(hyp_cpus[3].host_entry, 0x41000000);
	assert_int_equal(hyp_cpus[3].host_ctx, 7);
}

static void test_cpu_off_and_on_again(void **state)
{
	(void)state;
	assert_int_equal(host_call(PSCI_0_2_FN64(3), 1, 0x41000000, 0), PSCI_RET_SUCCESS);
	psci_relay_cpu_entered(&hyp_cpus[1]);
	for (int round = 0; round < 20; round++) {
		fake_this_cpu = &hyp_cpus[1];
		/* CPU_OFF: with the fake firmware it "returns", i.e. the call failed */
		host_call(PSCI_CPU_OFF, 0, 0, 0);
		assert_int_equal(fake_fw.calls[fake_fw.nr_calls - 1].a[0], PSCI_CPU_OFF);
		/* firmware refused, so the CPU is still on */
		assert_int_equal(hyp_cpus[1].power, CPU_POWER_ON);
		/* simulate a successful power-down as the real firmware does it */
		__atomic_store_n(&hyp_cpus[1].power, CPU_POWER_OFF, __ATOMIC_RELAXED);
		fake_this_cpu = &hyp_cpus[0];
		assert_int_equal(host_call(PSCI_0_2_FN64(3), 1, 0x41000000 + round, round),
				 PSCI_RET_SUCCESS);
		psci_relay_cpu_entered(&hyp_cpus[1]);
		assert_int_equal(hyp_cpus[1].host_entry, 0x41000000 + round);
		fake_fw.nr_calls = 0;
	}
}

static void test_suspend_substitutes_entry(void **state)
{
	(void)state;
	fake_this_cpu = &hyp_cpus[0];
	assert_int_equal(host_call(PSCI_0_2_FN64(1), 0x10000, 0x41234000, 0x99), 0);
	assert_int_equal(fake_fw.calls[0].a[0], PSCI_0_2_FN64(1));
	assert_int_equal(fake_fw.calls[0].a[1], 0x10000);
	assert_int_equal(fake_fw.calls[0].a[2], FAKE_ENTRY_PA);
	assert_int_equal(fake_fw.calls[0].a[3], (u64)(uintptr_t)&hyp_cpus[0]);
	assert_int_equal(hyp_cpus[0].host_entry, 0x41234000);
	assert_int_equal(hyp_cpus[0].host_ctx, 0x99);
	/* waking up from it does not change the power state */
	psci_relay_cpu_entered(&hyp_cpus[0]);
	assert_int_equal(hyp_cpus[0].power, CPU_POWER_ON);

	assert_int_equal(host_call(PSCI_0_2_FN64(14), 0x41235000, 0x98, 0), 0);
	assert_int_equal(fake_fw.calls[1].a[0], PSCI_0_2_FN64(14));
	assert_int_equal(fake_fw.calls[1].a[1], FAKE_ENTRY_PA);
	assert_int_equal(fake_fw.calls[1].a[2], (u64)(uintptr_t)&hyp_cpus[0]);
	assert_int_equal(hyp_cpus[0].host_entry, 0x41235000);
}

static void test_passthrough_calls(void **state)
{
	static const u32 relayed[] = {
		PSCI_VERSION, PSCI_AFFINITY_INFO, PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF,
		PSCI_SYSTEM_RESET, PSCI_0_2_FN64(18), PSCI_0_2_FN64(4),
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(relayed) / sizeof(relayed[0]); i++) {
		fake_fw.nr_calls = 0;
		host_call(relayed[i], 1, 2, 3);
		assert_int_equal(fake_fw.nr_calls, 1);
		assert_int_equal(fake_fw.calls[0].a[0], relayed[i]);
		assert_int_equal(fake_fw.calls[0].a[1], 1);
	}
	assert_int_equal(host_call(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0), 2);
	assert_int_equal(host_call(PSCI_VERSION, 0, 0, 0), 0x10001);
}

static void test_refused_calls_never_reach_firmware(void **state)
{
	static const u64 refused[] = {
		PSCI_MEM_PROTECT, PSCI_0_2_FN64(20), PSCI_0_2_FN(0x1f),
		SMCCC_ARCH_SOC_ID, 0x84000050 /* TRNG_VERSION */, 0x8600ff01 /* vendor hyp UID */,
		0xc2000000 /* SiP */, 0xbf00ff01 /* trusted OS */, 0xfb00100c /* GZ PROBE by SMC */,
		0x3f000000 /* yielding call */,
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		fake_fw.nr_calls = 0;
		assert_int_equal(host_call(refused[i], 1, 2, 3), SMCCC_RET_NOT_SUPPORTED);
		assert_int_equal(fake_fw.nr_calls, 0);
	}
}

static void test_psci_features(void **state)
{
	(void)state;
	/* we implement SMCCC_VERSION, whatever firmware says */
	assert_int_equal(host_call(PSCI_FEATURES, SMCCC_VERSION, 0, 0), PSCI_RET_SUCCESS);
	assert_int_equal(fake_fw.nr_calls, 0);
	assert_int_equal(host_call(PSCI_FEATURES, PSCI_MEM_PROTECT, 0, 0), PSCI_RET_NOT_SUPPORTED);
	assert_int_equal(host_call(PSCI_FEATURES, 0xc2000000, 0, 0), PSCI_RET_NOT_SUPPORTED);
	assert_int_equal(fake_fw.nr_calls, 0);
	assert_int_equal(host_call(PSCI_FEATURES, PSCI_0_2_FN64(3), 0, 0), PSCI_RET_SUCCESS);
	assert_int_equal(fake_fw.nr_calls, 1);
}

static void test_smccc_arch_calls(void **state)
{
	struct smccc_regs r = { .a = { SMCCC_VERSION } };

	(void)state;
	host_smc_call(&r);
	assert_int_equal(r.a[0], SMCCC_VERSION_1_1);
	assert_int_equal(host_call(SMCCC_ARCH_FEATURES, SMCCC_VERSION, 0, 0), 0);
	assert_int_equal(host_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_FEATURES, 0, 0), 0);
	assert_int_equal(host_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_SOC_ID, 0, 0), -1);
	/* the firmware (like QEMU's) has no SMCCC 1.1: no workaround available */
	assert_int_equal(host_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0, 0), -1);
	assert_int_equal(host_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_2, 0, 0), -1);
	assert_int_equal(host_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_3, 0, 0), -1);
	assert_int_equal(host_call(SMCCC_ARCH_WORKAROUND_1, 0, 0, 0), -1);
	/* a CPU that says it is not affected is reported unaffected */
	fake_vulns.spectre_v2_unaffected = true;
	fake_vulns.spectre_bhb_unaffected = true;
	assert_int_equal(host_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0, 0), 1);
	assert_int_equal(host_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_3, 0, 0), 1);
	assert_int_equal(host_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_2, 0, 0), -1);
	assert_int_equal(fake_fw.nr_calls, 0);
}

static s64 smccc11_firmware(const struct smccc_regs *call)
{
	switch ((u32)call->a[0]) {
	case PSCI_FEATURES:
		return PSCI_RET_SUCCESS;
	case SMCCC_VERSION:
		return SMCCC_VERSION_1_1;
	case SMCCC_ARCH_FEATURES:
		return call->a[1] == SMCCC_ARCH_WORKAROUND_1 ? 0 : -1;
	default:
		return fake_fw_default(call);
	}
}

static void test_firmware_workaround_relayed(void **state)
{
	(void)state;
	fake_fw.answer = smccc11_firmware;
	assert_int_equal(psci_relay_init(), 0);
	assert_true(psci_fw.smccc_1_1);
	fake_fw.nr_calls = 0;
	assert_int_equal(host_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0, 0), 0);
	assert_int_equal(host_call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_2, 0, 0), -1);
	assert_int_equal(fake_fw.nr_calls, 0);	/* answered from the boot-time probe */
	host_call(SMCCC_ARCH_WORKAROUND_1, 0, 0, 0);
	assert_int_equal(fake_fw.nr_calls, 1);
	assert_int_equal(fake_fw.calls[0].a[0], SMCCC_ARCH_WORKAROUND_1);
	/* WORKAROUND_2 is not offered by this firmware: not forwarded */
	assert_int_equal(host_call(SMCCC_ARCH_WORKAROUND_2, 1, 0, 0), -1);
	assert_int_equal(fake_fw.nr_calls, 1);
}

static s64 old_firmware(const struct smccc_regs *call)
{
	return (u32)call->a[0] == PSCI_VERSION ? 0x1 : 0;
}

static void test_old_firmware_rejected(void **state)
{
	(void)state;
	fake_fw.answer = old_firmware;
	assert_int_equal(psci_relay_init(), -1);
}

static void test_results_only_in_x0(void **state)
{
	struct smccc_regs r = { .a = { PSCI_AFFINITY_INFO, 1, 0, 0x33 } };

	(void)state;
	host_smc_call(&r);
	/* firmware's junk in x1..x3 is not passed to the host */
	assert_int_equal(r.a[1], 1);
	assert_int_equal(r.a[3], 0x33);
	/* a negative SMC32 result is a 32-bit value, sign-extended as TF-A does */
	fake_fw.answer = refuse_cpu_on;
	r = (struct smccc_regs){ .a = { PSCI_CPU_ON, 1, 0x41000000, 0 } };
	host_smc_call(&r);
	assert_int_equal(r.a[0], (u64)(s64)PSCI_RET_INTERNAL_FAILURE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_cpu_on_substitutes_entry, setup),
		cmocka_unit_test_setup(test_cpu_on_bad_mpidr, setup),
		cmocka_unit_test_setup(test_cpu_on_firmware_refuses, setup),
		cmocka_unit_test_setup(test_cpu_on_smc32_truncates, setup),
		cmocka_unit_test_setup(test_cpu_off_and_on_again, setup),
		cmocka_unit_test_setup(test_suspend_substitutes_entry, setup),
		cmocka_unit_test_setup(test_passthrough_calls, setup),
		cmocka_unit_test_setup(test_refused_calls_never_reach_firmware, setup),
		cmocka_unit_test_setup(test_psci_features, setup),
		cmocka_unit_test_setup(test_smccc_arch_calls, setup),
		cmocka_unit_test_setup(test_firmware_workaround_relayed, setup),
		cmocka_unit_test_setup(test_old_firmware_rejected, setup),
		cmocka_unit_test_setup(test_results_only_in_x0, setup),
	};

	return cmocka_run_group_tests_name("psci", tests, NULL, NULL);
}
