// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host hypercall decoding and dispatch: both SMC32 and SMC64 GenieZone ids,
 * the PROBE version handshake, documented errors for the rest, and PSCI or
 * SMCCC calls made by HVC served like their SMC twins.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gzvm/hvc.h>
#include <hyp/hypercall.h>
#include <hyp/psci.h>
#include <hyp/psci_relay.h>

#include "fake_arch.h"

static int setup(void **state)
{
	(void)state;
	fake_arch_reset();
	hyp_nr_cpus = 2;
	hyp_cpus[0] = (struct hyp_cpu){ .mpidr = 0, .index = 0 };
	hyp_cpus[1] = (struct hyp_cpu){ .mpidr = 1, .index = 1 };
	assert_int_equal(psci_relay_init(), 0);
	psci_relay_set_boot_cpu(&hyp_cpus[0]);
	fake_this_cpu = &hyp_cpus[0];
	fake_fw.nr_calls = 0;
	return 0;
}

static struct smccc_regs hvc(u64 fid, u64 a1, u64 a2, u64 a3)
{
	struct smccc_regs r = { .a = { fid, a1, a2, a3, 4, 5, 6, 7 } };

	host_hvc_call(&r);
	return r;
}

static void test_probe_both_conventions(void **state)
{
	const u64 ids[] = { 0xfb00100c, 0xbb00100c, GZVM_FID_PROBE };

	(void)state;
	for (unsigned int i = 0; i < 3; i++) {
		struct smccc_regs r = hvc(ids[i], GZVM_DRV_VERSION_MAJOR, GZVM_DRV_VERSION_MINOR,
					  GZVM_DRV_VERSION_SUB);

		assert_int_equal(r.a[0], GZVM_OK);
		assert_int_equal(r.a[1], GZVM_HYP_VERSION_MAJOR);
		assert_int_equal(r.a[2], GZVM_HYP_VERSION_MINOR);
		assert_int_equal(r.a[3], GZVM_HYP_VERSION_SUB);
		/* x4..x7 are not results: untouched */
		assert_int_equal(r.a[4], 4);
	}
	/* pre-v13 drivers send no version: still a success */
	assert_int_equal(hvc(0xfb00100c, 0, 0, 0).a[0], GZVM_OK);
}

static void test_unknown_and_unimplemented(void **state)
{
	(void)state;
	/* numbers the ABI does not define */
	assert_int_equal((s64)hvc(0xfb0010ff, 0, 0, 0).a[0], GZVM_ERR_NOT_SUPPORTED);
	assert_int_equal((s64)hvc(0xfb001006, 0, 0, 0).a[0], GZVM_ERR_NOT_SUPPORTED);
	assert_int_equal((s64)hvc(0xfb001014, 0, 0, 0).a[0], GZVM_ERR_NOT_SUPPORTED);
	assert_int_equal((s64)hvc(0xfb00ffff, 0, 0, 0).a[0], GZVM_ERR_NOT_SUPPORTED);
	/* every defined function validates its arguments: a VM that does not exist */
	for (unsigned int n = 0; n < GZVM_FN_NR; n++) {
		if (n == GZVM_FN_PROBE || n == GZVM_FN_CREATE_VM || n == 6 || n == 7)
			continue;
		assert_int_equal((s64)hvc(GZVM_HVC_ID_SMC64(n), 0x7777, 2, 3).a[0],
				 GZVM_ERR_INVALID_ARGS);
	}
	/* owner 59 but below the 0x1000 base, or a yielding call: not ours */
	assert_int_equal((s64)hvc(0xfb000fff, 0, 0, 0).a[0], SMCCC_RET_NOT_SUPPORTED);
	assert_int_equal((s64)hvc(0x7b00100c, 0, 0, 0).a[0], SMCCC_RET_NOT_SUPPORTED);
	/* other owners */
	assert_int_equal((s64)hvc(0xc6000001, 0, 0, 0).a[0], SMCCC_RET_NOT_SUPPORTED);
	assert_int_equal((s64)hvc(0x86000001, 0, 0, 0).a[0], SMCCC_RET_NOT_SUPPORTED);
	assert_int_equal((s64)hvc(0xc2000001, 0, 0, 0).a[0], SMCCC_RET_NOT_SUPPORTED);
	assert_int_equal(fake_fw.nr_calls, 0);
}

static void test_psci_and_smccc_by_hvc(void **state)
{
	(void)state;
	assert_int_equal(hvc(SMCCC_VERSION, 0, 0, 0).a[0], SMCCC_VERSION_1_1);
	assert_int_equal(hvc(PSCI_0_2_FN64(3), 1, 0x41000000, 9).a[0], PSCI_RET_SUCCESS);
	assert_int_equal(fake_fw.nr_calls, 1);
	assert_int_equal(fake_fw.calls[0].a[2], FAKE_ENTRY_PA);
	assert_int_equal(hyp_cpus[1].host_entry, 0x41000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_probe_both_conventions, setup),
		cmocka_unit_test_setup(test_unknown_and_unimplemented, setup),
		cmocka_unit_test_setup(test_psci_and_smccc_by_hvc, setup),
	};

	return cmocka_run_group_tests_name("hypercall", tests, NULL, NULL);
}
