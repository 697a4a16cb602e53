// SPDX-License-Identifier: GPL-2.0-only
/*
 * PSCI and SMCCC as a guest sees them: CPU_ON/CPU_OFF/AFFINITY_INFO across
 * 8 vCPUs, every call with valid and invalid arguments, the vendor UID and
 * features, and WFI/CPU_SUSPEND idle exits with the timer handed over.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <asm/sysreg.h>
#include <gzvm/hvc.h>
#include <hyp/hypercall.h>
#include <hyp/mem_owner.h>
#include <hyp/page_alloc.h>
#include <hyp/psci.h>
#include <hyp/vcpu.h>
#include <hyp/vgic.h>
#include <hyp/vm.h>

#include "fake_arch.h"

#define RAM_SIZE	(4ULL << 20)
#define POOL_SIZE	(2ULL << 20)
#define PG		4096ULL
#define HVC_EXIT	((struct guest_exit){ .kind = GEXIT_SYNC, .esr = ((u64)EC_HVC64 << 26) | ESR_IL })

static u8 *ram, *pool_mem;
static u32 *meta;
static u16 vm;

static int setup(void **state)
{
	struct mem_range r;

	(void)state;
	fake_arch_reset();
	ram = aligned_alloc(2 << 20, RAM_SIZE);
	pool_mem = aligned_alloc(PG, POOL_SIZE);
	memset(ram, 0, RAM_SIZE);
	r = (struct mem_range){ (u64)(uintptr_t)ram, RAM_SIZE };
	meta = calloc(1, mem_owner_meta_size(&r, 1));
	mem_owner_init(&r, 1, meta);
	pool_init(&hyp_pool, pool_mem, POOL_SIZE);
	vm_init(40);
	{
		struct smccc_regs c = { .a = { GZVM_FID_CREATE_VM } };

		host_hvc_call(&c);
		assert_int_equal(c.a[0], 0);
		vm = (u16)c.a[1];
	}
	for (unsigned int i = 0; i < 8; i++) {
		struct smccc_regs c = { .a = { GZVM_FID_CREATE_VCPU, GZVM_VCPU_TUPLE(vm, i),
					       (u64)(uintptr_t)ram + i * 2 * PG } };

		host_hvc_call(&c);
		assert_int_equal(c.a[0], 0);
	}
	{
		struct smccc_regs c = { .a = { GZVM_FID_ENABLE_CAP, vm, GZVM_CAP_ENABLE_IDLE } };

		host_hvc_call(&c);
		assert_int_equal(c.a[0], 0);
	}
	return 0;
}

static int teardown(void **state)
{
	struct smccc_regs c = { .a = { GZVM_FID_DESTROY_VM, vm } };

	(void)state;
	host_hvc_call(&c);
	assert_int_equal(c.a[0], 0);
	free(ram);
	free(pool_mem);
	free(meta);
	return 0;
}

static struct vcpu *vcpu(unsigned int i)
{
	struct vm *v = vm_get(vm);
	struct vcpu *c = v->vcpus[i];

	vm_put(v);
	return c;
}

static struct gzvm_vcpu_run *run_of(unsigned int i)
{
	return (struct gzvm_vcpu_run *)(ram + i * 2 * PG);
}

static u32 run(unsigned int i)
{
	struct smccc_regs c = { .a = { GZVM_FID_RUN, GZVM_VCPU_TUPLE(vm, i) } };

	host_hvc_call(&c);
	assert_int_equal(c.a[0], 0);
	return (u32)c.a[1];
}

/* vCPU i makes the call: one HVC, then (if it goes on) an IRQ exit. */
static u32 guest_call(unsigned int i, u64 fid, u64 a1, u64 a2, u64 a3, u64 *ret)
{
	struct vcpu *c = vcpu(i);
	u32 reason;

	c->ctx.x[0] = fid;
	c->ctx.x[1] = a1;
	c->ctx.x[2] = a2;
	c->ctx.x[3] = a3;
	fake_guest.nr_exits = fake_guest.next = 0;
	fake_guest.exits[fake_guest.nr_exits++] = HVC_EXIT;
	fake_guest.exits[fake_guest.nr_exits++] = (struct guest_exit){ .kind = GEXIT_IRQ };
	reason = run(i);
	/* what is left of the script is not for the next call */
	fake_guest.nr_exits = fake_guest.next = 0;
	*ret = c->ctx.x[0];
	return reason;
}

static void test_secondaries_start_off(void **state)
{
	u64 r;

	(void)state;
	/* vCPU 0 runs; vCPU 1 (no PC set) is off: RUN returns IDLE, nothing entered */
	assert_int_equal(guest_call(0, PSCI_VERSION, 0, 0, 0, &r), GZVM_EXIT_IRQ);
	assert_int_equal(r, 0x10001);
	fake_guest.entries = 0;
	assert_int_equal(run(1), GZVM_EXIT_IDLE);
	assert_int_equal(fake_guest.entries, 0);
	assert_int_equal(((struct gzvm_vcpu_hwstate *)((u8 *)run_of(1) + PG))->vtimer_migrate, 0);
	/* a vCPU whose PC the host set starts on */
	{
		struct smccc_regs c = { .a = { GZVM_FID_SET_ONE_REG, GZVM_VCPU_TUPLE(vm, 2),
					       GZVM_REG_ARM64_PC, 0x80000000 } };

		host_hvc_call(&c);
		assert_int_equal(c.a[0], 0);
	}
	fake_guest.nr_exits = fake_guest.next = 0;
	fake_guest.exits[fake_guest.nr_exits++] = (struct guest_exit){ .kind = GEXIT_IRQ };
	assert_int_equal(run(2), GZVM_EXIT_IRQ);
}

static void test_cpu_on_off_affinity(void **state)
{
	u64 r;

	(void)state;
	assert_int_equal(guest_call(0, PSCI_VERSION, 0, 0, 0, &r), GZVM_EXIT_IRQ);
	for (unsigned int t = 1; t < 8; t++)
		assert_int_equal(run(t), GZVM_EXIT_IDLE);
	/* AFFINITY_INFO of each: vCPU 0 on, the others off */
	assert_int_equal(guest_call(0, PSCI_0_2_FN64(4), 0x80000000, 0, 0, &r), GZVM_EXIT_IRQ);
	assert_int_equal(r, 0);
	assert_int_equal(guest_call(0, PSCI_0_2_FN64(4), 0x80000005, 0, 0, &r), GZVM_EXIT_IRQ);
	assert_int_equal(r, 1);
	/* CPU_ON of vCPU 5: success, and the host is told to wake the others */
	assert_int_equal(guest_call(0, PSCI_0_2_FN64(3), 0x80000005, 0x80001000, 0xc0de, &r),
			 GZVM_EXIT_IPI);
	assert_int_equal(r, PSCI_RET_SUCCESS);
	/* before vCPU 5 ran: ON_PENDING, and a second CPU_ON is ON_PENDING */
	assert_int_equal(guest_call(0, PSCI_0_2_FN64(4), 0x80000005, 0, 0, &r), GZVM_EXIT_IRQ);
	assert_int_equal(r, 2);
	assert_int_equal(guest_call(0, PSCI_0_2_FN64(3), 0x80000005, 0x1, 0x2, &r), GZVM_EXIT_IRQ);
	assert_int_equal((s64)r, PSCI_RET_ON_PENDING);
	/* vCPU 5 starts at the entry with the context id in x0, EL1h, MMU off */
	fake_guest.nr_exits = fake_guest.next = 0;
	fake_guest.exits[fake_guest.nr_exits++] = (struct guest_exit){ .kind = GEXIT_IRQ };
	assert_int_equal(run(5), GZVM_EXIT_IRQ);
	assert_int_equal(vcpu(5)->ctx.pc, 0x80001000);
	assert_int_equal(vcpu(5)->ctx.x[0], 0xc0de);
	assert_int_equal(vcpu(5)->ctx.pstate, 0x3c5);
	assert_int_equal(guest_call(0, PSCI_0_2_FN64(4), 0x80000005, 0, 0, &r), GZVM_EXIT_IRQ);
	assert_int_equal(r, 0);
	assert_int_equal(guest_call(0, PSCI_0_2_FN64(3), 0x80000005, 0x1, 0x2, &r), GZVM_EXIT_IRQ);
	assert_int_equal((s64)r, PSCI_RET_ALREADY_ON);
	/* bad MPIDRs and levels */
	assert_int_equal(guest_call(0, PSCI_0_2_FN64(3), 0x80000008, 0x1, 0x2, &r), GZVM_EXIT_IRQ);
	assert_int_equal((s64)r, PSCI_RET_INVALID_PARAMS);
	assert_int_equal(guest_call(0, PSCI_0_2_FN64(3), 0x80000100, 0x1, 0x2, &r), GZVM_EXIT_IRQ);
	assert_int_equal((s64)r, PSCI_RET_INVALID_PARAMS);
	assert_int_equal(guest_call(0, PSCI_0_2_FN64(4), 0x80000005, 1, 0, &r), GZVM_EXIT_IRQ);
	assert_int_equal((s64)r, PSCI_RET_INVALID_PARAMS);
	/* CPU_OFF: vCPU 5 idles with no timer, stays off */
	assert_int_equal(guest_call(5, PSCI_CPU_OFF, 0, 0, 0, &r), GZVM_EXIT_IDLE);
	fake_guest.entries = 0;
	assert_int_equal(run(5), GZVM_EXIT_IDLE);
	assert_int_equal(fake_guest.entries, 0);
	assert_int_equal(guest_call(0, PSCI_0_2_FN64(4), 0x80000005, 0, 0, &r), GZVM_EXIT_IRQ);
	assert_int_equal(r, 1);
	/* and it can be started again, with the SMC32 form */
	assert_int_equal(guest_call(0, PSCI_CPU_ON, 0xffffffff80000005ULL, 0x80002000, 7, &r),
			 GZVM_EXIT_IPI);
	fake_guest.nr_exits = fake_guest.next = 0;
	fake_guest.exits[fake_guest.nr_exits++] = (struct guest_exit){ .kind = GEXIT_IRQ };
	assert_int_equal(run(5), GZVM_EXIT_IRQ);
	assert_int_equal(vcpu(5)->ctx.pc, 0x80002000);
}

static void test_mpidr_stays_unique(void **state)
{
	u64 id = GZVM_REG_ARM64_SYSREG_ID(3, 0, 0, 0, 5);
	struct smccc_regs c = { .a = { GZVM_FID_SET_ONE_REG, GZVM_VCPU_TUPLE(vm, 3), id,
				       0x80000002 } };

	(void)state;
	/* vCPU 2 has that affinity: refused, and vCPU 3 keeps its own */
	host_hvc_call(&c);
	assert_int_equal((s64)c.a[0], GZVM_ERR_INVALID_ARGS);
	assert_int_equal(vcpu(3)->ctx.mpidr, 0x80000003);
	/* a free one is fine, and CPU_ON then finds vCPU 3 by it */
	c = (struct smccc_regs){ .a = { GZVM_FID_SET_ONE_REG, GZVM_VCPU_TUPLE(vm, 3), id, 0x80000100 } };
	host_hvc_call(&c);
	assert_int_equal(c.a[0], 0);
	{
		u64 r;

		assert_int_equal(guest_call(0, PSCI_0_2_FN64(3), 0x80000100, 0x80003000, 0, &r),
				 GZVM_EXIT_IPI);
		assert_int_equal(r, 0);
	}
}

static void test_features_and_smccc(void **state)
{
	u64 r;
	static const u32 supported[] = {
		PSCI_VERSION, PSCI_CPU_ON, PSCI_0_2_FN64(3), PSCI_CPU_OFF, PSCI_CPU_SUSPEND,
		PSCI_AFFINITY_INFO, PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET,
		PSCI_FEATURES, SMCCC_VERSION,
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(supported) / sizeof(supported[0]); i++) {
		guest_call(0, PSCI_FEATURES, supported[i], 0, 0, &r);
		assert_int_equal(r, 0);
	}
	guest_call(0, PSCI_FEATURES, PSCI_SYSTEM_SUSPEND, 0, 0, &r);
	assert_int_equal((s64)r, PSCI_RET_NOT_SUPPORTED);
	guest_call(0, PSCI_FEATURES, PSCI_MEM_PROTECT, 0, 0, &r);
	assert_int_equal((s64)r, PSCI_RET_NOT_SUPPORTED);
	guest_call(0, PSCI_MIGRATE_INFO_TYPE, 0, 0, 0, &r);
	assert_int_equal(r, 2);
	guest_call(0, PSCI_SYSTEM_SUSPEND, 0x80000000, 0, 0, &r);
	assert_int_equal((s64)r, PSCI_RET_NOT_SUPPORTED);
	guest_call(0, SMCCC_VERSION, 0, 0, 0, &r);
	assert_int_equal(r, 0x10001);
	guest_call(0, SMCCC_ARCH_FEATURES, SMCCC_ARCH_FEATURES, 0, 0, &r);
	assert_int_equal(r, 0);
	guest_call(0, SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0, 0, &r);
	assert_int_equal((s64)r, -1);		/* affected CPU, no mitigation to offer */
	fake_vulns.spectre_v2_unaffected = true;
	guest_call(0, SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_1, 0, 0, &r);
	assert_int_equal(r, 1);			/* "not affected" */
	guest_call(0, SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_2, 0, 0, &r);
	assert_int_equal((s64)r, -1);
	/* vendor hypervisor: KVM's UID, PTP in the feature bitmap */
	guest_call(0, 0x8600ff01, 0, 0, 0, &r);
	assert_int_equal(r, 0xb66fb428);
	assert_int_equal(vcpu(0)->ctx.x[3], 0x743a004d);
	guest_call(0, 0x86000000, 0, 0, 0, &r);
	assert_int_equal(r, 3);
	/* unknown calls: NOT_SUPPORTED, the guest goes on */
	assert_int_equal(guest_call(0, 0xc4001234, 0, 0, 0, &r), GZVM_EXIT_IRQ);
	assert_int_equal((s64)r, -1);
	assert_int_equal(guest_call(0, 0x82000000, 0, 0, 0, &r), GZVM_EXIT_IRQ);
	assert_int_equal((s64)r, -1);
	/* SYSTEM_RESET2 is a reset */
	assert_int_equal(guest_call(0, PSCI_0_2_FN64(18), 0, 0, 0, &r), GZVM_EXIT_SYSTEM_EVENT);
	assert_int_equal(run_of(0)->system_event.type, GZVM_SYSTEM_EVENT_RESET);
}

static void test_wfi_and_suspend_idle(void **state)
{
	struct gzvm_vcpu_hwstate *hw = (struct gzvm_vcpu_hwstate *)((u8 *)run_of(0) + PG);
	u64 r;

	(void)state;
	vcpu(0)->ctx.pc = 0x1000;
	/* WFI with nothing pending: IDLE, PC past the WFI, timer handed over */
	fake_guest.exits[fake_guest.nr_exits++] = (struct guest_exit){
		.kind = GEXIT_SYNC, .esr = ((u64)EC_WFX << 26) | ESR_IL };
	assert_int_equal(run(0), GZVM_EXIT_IDLE);
	assert_int_equal(vcpu(0)->ctx.pc, 0x1004);
	assert_int_equal(hw->vtimer_migrate, 1);
	assert_int_equal(hw->vtimer_delay, 5000);
	/* the guest's GIC: distributor and group 1 on, the timer PPI enabled */
	{
		struct vm *v = vm_get(vm);
		u64 val;

		assert_int_equal(vgic_create_dist(&v->vgic, 0x08000000, 0x10000), 0);
		assert_int_equal(vgic_create_redist(&v->vgic, 0x080a0000, 8 * 0x20000), 0);
		vm_put(v);
		val = GICD_CTLR_ENABLE_G1;
		assert_int_equal(vgic_mmio(&v->vgic, 0, 0x08000000, 4, true, &val), 0);
		val = 1U << 27;		/* GICR_ISENABLER0 of vCPU 0 */
		assert_int_equal(vgic_mmio(&v->vgic, 0, 0x080a0000 + 0x10000 + 0x100, 4, true, &val), 0);
	}
	/* the timer fires, but the guest's priority mask (PMR 0) masks it: WFI idles */
	fake_irq_pending = true;
	fake_guest.nr_exits = fake_guest.next = 0;
	fake_guest.exits[fake_guest.nr_exits++] = (struct guest_exit){
		.kind = GEXIT_SYNC, .esr = ((u64)EC_WFX << 26) | ESR_IL };
	assert_int_equal(run(0), GZVM_EXIT_IDLE);
	/* with PMR 0xf0 (ICH_VMCR_EL2.VPMR) it is taken: the WFI does not exit */
	vcpu(0)->ctx.vmcr = 0xf0ULL << 24;
	fake_guest.nr_exits = fake_guest.next = 0;
	fake_guest.exits[fake_guest.nr_exits++] = (struct guest_exit){
		.kind = GEXIT_SYNC, .esr = ((u64)EC_WFX << 26) | ESR_IL };
	fake_guest.exits[fake_guest.nr_exits++] = (struct guest_exit){ .kind = GEXIT_IRQ };
	assert_int_equal(run(0), GZVM_EXIT_IRQ);
	assert_int_equal(fake_guest.next, 2);
	fake_irq_pending = false;
	/* CPU_SUSPEND behaves as WFI and returns success */
	assert_int_equal(guest_call(0, PSCI_0_2_FN64(1), 0, 0x1000, 0, &r), GZVM_EXIT_IDLE);
	assert_int_equal(r, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_secondaries_start_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_on_off_affinity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mpidr_stays_unique, setup, teardown),
		cmocka_unit_test_setup_teardown(test_features_and_smccc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wfi_and_suspend_idle, setup, teardown),
	};

	return cmocka_run_group_tests_name("guest_psci", tests, NULL, NULL);
}
