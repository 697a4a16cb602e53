// SPDX-License-Identifier: GPL-2.0
/*
 * Exits the driver handles itself (gzvm-abi.md sections 7.3, 7.4, 7.9):
 * stage-2 page faults under demand paging, and the guest hypercalls
 * MEM_RELINQUISH (a page given back) and PTP (host time for the guest).
 */
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>

#include "gzvm_drv.h"

/* SMCCC return values written back for the guest (x0). */
#define GZVM_SMCCC_SUCCESS		0UL
#define GZVM_SMCCC_NOT_SUPPORTED	(~0UL)

#define GZVM_PTP_VIRT_COUNTER		0
#define GZVM_PTP_PHYS_COUNTER		1

/* Returns true if the fault was resolved and the guest can re-enter. */
static bool gzvm_handle_page_fault(struct gzvm_vcpu *vcpu)
{
	struct gzvm *gzvm = vcpu->gzvm;
	u64 gfn = vcpu->run->exception.fault_gpa >> PAGE_SHIFT;
	int slot_id, ret;

	if (gzvm->mem_alloc_mode != GZVM_DEMAND_PAGING)
		return false;
	slot_id = gzvm_find_memslot(gzvm, gfn);
	if (slot_id < 0)
		return false;
	ret = gzvm_handle_demand_page(gzvm, slot_id, gfn);
	if (ret) {
		pr_debug("gzvm: VM %u: fault at gfn 0x%llx not mapped (%d)\n",
			 gzvm->vm_id, gfn, ret);
		return false;
	}
	return true;
}

/*
 * GZVM_EXIT_EXCEPTION.  Only a page fault whose reserved words are all
 * zero is handled in the kernel; anything else goes to userspace.
 */
bool gzvm_handle_guest_exception(struct gzvm_vcpu *vcpu)
{
	struct gzvm_run_exception *e = &vcpu->run->exception;
	int i;

	for (i = 0; i < ARRAY_SIZE(e->reserved); i++) {
		if (e->reserved[i])
			return false;
	}
	if (e->exception != GZVM_EXCEPTION_PAGE_FAULT)
		return false;
	return gzvm_handle_page_fault(vcpu);
}

/*
 * PTP (the KVM PTP service): args[1] selects the counter.  Results: the
 * host's wall-clock time in ns and the matching counter value (virtual:
 * minus the guest's counter offset), each split into 32-bit halves.
 */
static void gzvm_handle_ptp(struct gzvm_vcpu *vcpu)
{
	u64 *args = vcpu->run->hypercall.args;
	struct system_time_snapshot snap;
	u64 ns, cycles;

	if (args[1] != GZVM_PTP_VIRT_COUNTER &&
	    args[1] != GZVM_PTP_PHYS_COUNTER) {
		args[0] = GZVM_SMCCC_NOT_SUPPORTED;
		return;
	}
	ktime_get_snapshot(&snap);
	ns = ktime_to_ns(snap.real);
	cycles = snap.cycles;
	if (args[1] == GZVM_PTP_VIRT_COUNTER)
		cycles -= READ_ONCE(vcpu->hwstate->vtimer_offset);
	args[0] = upper_32_bits(ns);
	args[1] = lower_32_bits(ns);
	args[2] = upper_32_bits(cycles);
	args[3] = lower_32_bits(cycles);
}

/* GZVM_EXIT_HYPERCALL: returns true if handled here (guest re-enters). */
bool gzvm_handle_guest_hvc(struct gzvm_vcpu *vcpu)
{
	u64 *args = vcpu->run->hypercall.args;

	switch (args[0]) {
	case GZVM_HVC_MEM_RELINQUISH:
		gzvm_handle_relinquish(vcpu->gzvm, args[1] & PAGE_MASK);
		args[0] = GZVM_SMCCC_SUCCESS;
		return true;
	case GZVM_HVC_PTP:
		gzvm_handle_ptp(vcpu);
		return true;
	default:
		return false;
	}
}
