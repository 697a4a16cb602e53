// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMs, guest memory and vCPUs through the hypercall interface, against a
 * fake RAM and the fake architecture: every argument check of the
 * hypercalls, page ownership (lend, pin, refuse hypervisor pages), chunked
 * destroy with nothing leaked, and the exits a guest produces (MMIO with
 * sign extension, demand-paging faults, forwarded hypercalls, relinquish,
 * system events, internal errors) with what RUN does with the host's answers;
 * protected VMs: sealed at the first run (pages donated, out of the host's
 * stage-2, registers hidden), all or nothing, and every page zeroed on its
 * way back to the host.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <asm/sysreg.h>
#include <fdt.h>
#include <gzvm/hvc.h>
#include <hyp/host_s2.h>
#include <hyp/hypercall.h>
#include <hyp/mem_owner.h>
#include <hyp/page_alloc.h>
#include <hyp/payload.h>
#include <hyp/psci.h>
#include <hyp/vcpu.h>
#include <hyp/vm.h>

#include "fake_arch.h"
#include "hyp_board.h"


/*
 * More VMs created and destroyed than the pool has pages: each one's
 * stage-2 root (2 concatenated tables at 40 IPA bits) is reused by the next.
 */
static void test_vm_cycles_outlast_pool(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < 2 * POOL_SIZE / PG; i++)
		destroy_all(new_vm());
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);
}

/* A CREATE_VM that finds no page for its stage-2 root fails cleanly and frees its VM. */
static void test_vm_create_out_of_memory(void **state)
{
	static void *taken[POOL_SIZE / PG];
	unsigned int n = 0, i;
	u16 ids[HYP_MAX_VMS];

	(void)state;
	while (n < POOL_SIZE / PG && (taken[n] = pool_zalloc_pages(&hyp_pool, 1)))
		n++;
	assert_int_equal(status(call(GZVM_FN_CREATE_VM, 0, 0, 0, 0, 0)), GZVM_ERR_NO_MEMORY);
	while (n)
		pool_free_pages(&hyp_pool, taken[--n], 1);
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);
	/* the VM the failed call claimed is free again: all of them can be created */
	for (i = 0; i < HYP_MAX_VMS; i++)
		ids[i] = new_vm();
	for (i = 0; i < HYP_MAX_VMS; i++)
		destroy_all(ids[i]);
}

static void test_vm_lifecycle(void **state)
{
	u16 ids[HYP_MAX_VMS];

	(void)state;
	for (unsigned int i = 0; i < HYP_MAX_VMS; i++)
		ids[i] = new_vm();
	/* all in use */
	assert_int_equal(status(call(GZVM_FN_CREATE_VM, 0, 0, 0, 0, 0)), GZVM_ERR_NO_MEMORY);
	/* only type 0 exists */
	destroy_all(ids[0]);
	assert_int_equal(status(call(GZVM_FN_CREATE_VM, 1, 0, 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	for (unsigned int i = 1; i < HYP_MAX_VMS; i++)
		destroy_all(ids[i]);
	/* destroying twice, or what never existed */
	assert_int_equal(status(call(GZVM_FN_DESTROY_VM, ids[3], 0, 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_DESTROY_VM, 0, 0, 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_DESTROY_VM, 0xffff, 0, 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_DESTROY_VM, 1ULL << 40, 0, 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	/* nothing of the pool leaked; a VMID flush per creation */
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);
	assert_true(fake_guest.vmid_flushes >= HYP_MAX_VMS);
}

static void test_memslots(void **state)
{
	u16 vm = new_vm();

	(void)state;
	assert_int_equal(register_slot(vm, 0, GUEST_RAM, 1024), GZVM_OK);
	/* the same registration again is fine; an overlapping one is not */
	assert_int_equal(register_slot(vm, 0, GUEST_RAM, 1024), GZVM_OK);
	assert_int_equal(register_slot(vm, 1, GUEST_RAM + 1023 * PG, 4), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(register_slot(vm, 1, GUEST_RAM + 1024 * PG, 4), GZVM_OK);
	/* bad slots, sizes and addresses */
	assert_int_equal(register_slot(vm, 10, 0, 1), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(register_slot(vm, 2, 0x1001, 1), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(register_slot(vm, 2, 0, 0), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(register_slot(vm, 2, 1ULL << 40, 1), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(register_slot(vm, 2, (1ULL << 40) - PG, 2), GZVM_ERR_INVALID_ARGS);
	/* the buffer must be host RAM: not the carve-out, not outside RAM, not too big */
	assert_int_equal(status(call(GZVM_FN_SET_MEMREGION, vm, 2 * PG,
				     ram_pa(RAM_SIZE - PG * 4), 0, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_SET_MEMREGION, vm, 2 * PG, 0x1000, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_SET_MEMREGION, vm, 3 * PG, ram_pa(0), 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_SET_MEMREGION, vm, 8, ram_pa(0), 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	/* and the VM must exist */
	assert_int_equal(status(call(GZVM_FN_SET_MEMREGION, vm + 1, 2 * PG, ram_pa(0), 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	/* the buffer is not left pinned */
	assert_int_equal(mem_owner_pin_count(ram_pa(0)), 0);
	/* purposes: only known flags */
	assert_int_equal(status(call(GZVM_FN_MEMREGION_PURPOSE, vm, GUEST_RAM, 1024 * PG, 1, 0)), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_MEMREGION_PURPOSE, vm, GUEST_RAM, 1024 * PG, 8, 0)),
			 GZVM_ERR_INVALID_ARGS);
	destroy_all(vm);
}

static void test_map_guest(void **state)
{
	u16 vm = new_vm();
	u64 pfn = ram_pa(1 << 20) / PG;
	struct smccc_regs st;

	(void)state;
	assert_int_equal(register_slot(vm, 0, GUEST_RAM, 1024), GZVM_OK);
	/* MAP_GUEST(vm, slot, pfn, gfn, n) */
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn, GUEST_RAM / PG, 1)), GZVM_OK);
	assert_int_equal(mem_owner_lend_count(pfn * PG), 1);
	/* the same page again (a second fault): fine and not counted twice */
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn, GUEST_RAM / PG, 1)), GZVM_OK);
	assert_int_equal(mem_owner_lend_count(pfn * PG), 1);
	/* another page at a mapped address: refused */
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn + 1, GUEST_RAM / PG, 1)),
			 GZVM_ERR_INVALID_ARGS);
	/* the carve-out, or memory that is not RAM, is never lent */
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, ram_pa(RAM_SIZE - PG) / PG,
				     GUEST_RAM / PG + 1, 1)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, 0x9000, GUEST_RAM / PG + 1, 1)),
			 GZVM_ERR_INVALID_ARGS);
	/* outside the slot, wrong slot, zero pages, too many pages */
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn + 2, GUEST_RAM / PG + 1024, 1)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 1, pfn + 2, GUEST_RAM / PG + 2, 1)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn + 2, GUEST_RAM / PG + 2, 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn + 2, GUEST_RAM / PG + 1020, 8)),
			 GZVM_ERR_INVALID_ARGS);
	/* a run of pages crossing into the carve-out is refused whole */
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 10, pfn, GUEST_RAM / PG, 1)),
			 GZVM_ERR_INVALID_ARGS);
	{
		u64 last = ram_pa(RAM_SIZE - (1 << 20)) / PG - 2;

		assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, last, GUEST_RAM / PG + 10, 4)),
				 GZVM_ERR_INVALID_ARGS);
		assert_int_equal(mem_owner_lend_count(last * PG), 0);
		assert_int_equal(mem_owner_lend_count((last + 1) * PG), 0);
	}
	st = call(GZVM_FN_GET_STATISTICS, vm, 0, 0, 0, 0);
	assert_int_equal(status(st), GZVM_OK);
	assert_int_equal(st.a[2], PG);			/* one page lent */
	assert_true(st.a[1] >= 2 * PG);			/* at least the stage-2 roots */
	assert_true(fake_guest.icache_syncs > 0);
	destroy_all(vm);
	assert_int_equal(mem_owner_lend_count(pfn * PG), 0);
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);
}

static void test_block_and_populate(void **state)
{
	u16 vm = new_vm();
	u64 *pfns = (u64 *)(ram + 2 * PG);
	u64 block = ram_pa(2 << 20) / PG;	/* 2 MiB aligned */
	struct gzvm_memory_region_ranges *b;
	struct smccc_regs st;
	s64 ret;
	int busy = 0;

	(void)state;
	assert_int_equal(register_slot(vm, 0, GUEST_RAM, 2048), GZVM_OK);
	/* MAP_GUEST_BLOCK before the PFN buffer exists */
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST_BLOCK, vm, 0, GUEST_RAM / PG, 512, 0)),
			 GZVM_ERR_INVALID_ARGS);
	/* the buffer: 2 MiB blocks only, host RAM, page aligned, once */
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, vm, GZVM_CAP_BLOCK_BASED_DEMAND_PAGING,
				     4096, ram_pa(2 * PG), 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, vm, GZVM_CAP_BLOCK_BASED_DEMAND_PAGING,
				     2 << 20, ram_pa(2 * PG) + 8, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, vm, GZVM_CAP_BLOCK_BASED_DEMAND_PAGING,
				     2 << 20, ram_pa(2 * PG), 0)), GZVM_OK);
	assert_int_equal(mem_owner_pin_count(ram_pa(2 * PG)), 1);
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, vm, GZVM_CAP_BLOCK_BASED_DEMAND_PAGING,
				     2 << 20, ram_pa(2 * PG), 0)), GZVM_ERR_INVALID_ARGS);
	for (unsigned int i = 0; i < 512; i++)
		pfns[i] = block + i;
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST_BLOCK, vm, 0, GUEST_RAM / PG, 512, 0)), GZVM_OK);
	{
		struct vm *v = vm_get(vm);
		u64 pte;
		unsigned int level;

		assert_non_null(v);
		/* contiguous and aligned: one 2 MiB block */
		assert_true(pgt_lookup(&v->s2, GUEST_RAM + 4 * PG, &pte, &level));
		assert_int_equal(level, 2);
		vm_put(v);
	}
	/* too many entries */
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST_BLOCK, vm, 0, GUEST_RAM / PG, 513, 0)),
			 GZVM_ERR_INVALID_ARGS);

	/* SET_MEMREGION population of the second half: two constituents */
	b = region_buf(8 * PG);
	b->slot = 0;
	b->gpa = GUEST_RAM + 1024 * PG;
	b->total_pages = 12;
	b->constituent_cnt = 2;
	b->constituents[0] = (struct mem_region_addr_range){ ram_pa(6 << 20), 8, 0 };
	b->constituents[1] = (struct mem_region_addr_range){ ram_pa(7 << 20), 4, 0 };
	assert_int_equal(status(call(GZVM_FN_SET_MEMREGION, vm, 2 * PG, ram_pa(8 * PG), 0, 0)), GZVM_OK);
	assert_int_equal(mem_owner_lend_count(ram_pa(7 << 20) + 3 * PG), 1);
	st = call(GZVM_FN_GET_STATISTICS, vm, 0, 0, 0, 0);
	assert_int_equal(st.a[2], (512 + 12) * PG);
	/* the whole hypervisor: pool in use and host memory lent, for leak checks */
	st = call(GZVM_FN_GET_STATISTICS, 0, 0, 0, 0, 0);
	assert_int_equal(status(st), GZVM_OK);
	assert_int_equal(st.a[1], pool_used_pages(&hyp_pool) * PG);
	assert_int_equal(st.a[2], (512 + 12) * PG);

	/* chunked destroy: ERR_BUSY until done, then nothing lent, nothing leaked */
	while ((ret = status(call(GZVM_FN_DESTROY_VM, vm, 64, 0, 0, 0))) == GZVM_ERR_BUSY)
		busy++;
	assert_int_equal(ret, GZVM_OK);
	assert_true(busy >= 1);
	assert_int_equal(mem_owner_lend_count(ram_pa(2 << 20)), 0);
	assert_int_equal(mem_owner_lend_count(ram_pa(6 << 20)), 0);
	assert_int_equal(mem_owner_pin_count(ram_pa(2 * PG)), 0);
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);
	st = call(GZVM_FN_GET_STATISTICS, 0, 0, 0, 0, 0);
	assert_int_equal(st.a[1], pool_baseline * PG);
	assert_int_equal(st.a[2], 0);
}

static void test_enable_cap(void **state)
{
	u16 vm = new_vm();
	struct smccc_regs r;

	(void)state;
	r = call(GZVM_FN_ENABLE_CAP, 0, GZVM_CAP_QUERY_HYP_BATCH_PAGES, 0, 0, 0);
	assert_int_equal(status(r), GZVM_OK);
	assert_true(r.a[1] && 512 % r.a[1] == 0);
	r = call(GZVM_FN_ENABLE_CAP, 0, GZVM_CAP_QUERY_DESTROY_BATCH_PAGES, 0, 0, 0);
	assert_int_equal(status(r), GZVM_OK);
	assert_true(r.a[1] && (r.a[1] & (r.a[1] - 1)) == 0);
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, 0, 0x1234, 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, vm, GZVM_CAP_ENABLE_DEMAND_PAGING, 0, 0, 0)),
			 GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, vm, GZVM_CAP_ENABLE_IDLE, 0, 0, 0)), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, vm, 0xdead, 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, 77, GZVM_CAP_ENABLE_IDLE, 0, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_SET_DTB_CONFIG, vm, GUEST_RAM, 0x200000, 0, 0)), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_SET_DTB_CONFIG, vm, ~0ULL, 0x200000, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_INFORM_EXIT, vm, 0, 0, 0, 0)), GZVM_OK);
	/* the vGIC: CREATE_DEVICE of the distributor and redistributors, IRQ_LINE */
	{
		struct gzvm_create_device *d = (struct gzvm_create_device *)(ram + 4 * PG);

		*d = (struct gzvm_create_device){ .dev_type = GZVM_DEV_TYPE_ARM_VGIC_V3_DIST,
						   .dev_addr = 0x08000000, .dev_reg_size = 0x10000 };
		assert_int_equal(status(call(GZVM_FN_CREATE_DEVICE, vm, ram_pa(4 * PG), 0, 0, 0)), GZVM_OK);
		/* twice, an unknown type, a region over guest RAM, a buffer that is not host RAM */
		assert_int_equal(status(call(GZVM_FN_CREATE_DEVICE, vm, ram_pa(4 * PG), 0, 0, 0)),
				 GZVM_ERR_INVALID_ARGS);
		d->dev_type = 7;
		assert_int_equal(status(call(GZVM_FN_CREATE_DEVICE, vm, ram_pa(4 * PG), 0, 0, 0)),
				 GZVM_ERR_INVALID_ARGS);
		assert_int_equal(register_slot(vm, 0, GUEST_RAM, 16), GZVM_OK);
		*d = (struct gzvm_create_device){ .dev_type = GZVM_DEV_TYPE_ARM_VGIC_V3_REDIST,
						   .dev_addr = GUEST_RAM, .dev_reg_size = 0x20000 };
		assert_int_equal(status(call(GZVM_FN_CREATE_DEVICE, vm, ram_pa(4 * PG), 0, 0, 0)),
				 GZVM_ERR_INVALID_ARGS);
		d->dev_addr = 0x080a0000;
		assert_int_equal(status(call(GZVM_FN_CREATE_DEVICE, vm, ram_pa(4 * PG), 0, 0, 0)), GZVM_OK);
		assert_int_equal(status(call(GZVM_FN_CREATE_DEVICE, vm, ram_pa(RAM_SIZE - PG), 0, 0, 0)),
				 GZVM_ERR_INVALID_ARGS);
	}
	/* SPI index 5 (INTID 37), raised and lowered; out of range refused */
	assert_int_equal(status(call(GZVM_FN_IRQ_LINE, GZVM_VCPU_TUPLE(vm, 0), 5, 1, 0, 0)), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_IRQ_LINE, GZVM_VCPU_TUPLE(vm, 0), 5, 0, 0, 0)), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_IRQ_LINE, GZVM_VCPU_TUPLE(vm, 0), 224, 1, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_IRQ_LINE, GZVM_VCPU_TUPLE(vm, 0), 5, 2, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	/* PPIs with the extension flag: 16..31 only */
	assert_int_equal(status(call(GZVM_FN_IRQ_LINE, GZVM_VCPU_TUPLE(vm, 0), GZVM_HVC_IRQ_PPI | 15, 1,
				     0, 0)), GZVM_ERR_INVALID_ARGS);
	destroy_all(vm);
}

/* --- vCPUs ---------------------------------------------------------------- */

#define RUN_AREA	(64 * PG)

static struct gzvm_vcpu_run *run_area(void)
{
	return (struct gzvm_vcpu_run *)(ram + RUN_AREA);
}

static u16 vm_with_vcpu(void)
{
	u16 vm = new_vm();

	assert_int_equal(register_slot(vm, 0, GUEST_RAM, 1024), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_CREATE_VCPU, GZVM_VCPU_TUPLE(vm, 0), ram_pa(RUN_AREA),
				     0, 0, 0)), GZVM_OK);
	return vm;
}

static void test_vcpu_create_destroy(void **state)
{
	u16 vm = new_vm();
	u64 tuple = GZVM_VCPU_TUPLE(vm, 0);

	(void)state;
	assert_int_equal(status(call(GZVM_FN_CREATE_VCPU, tuple, ram_pa(RUN_AREA), 0, 0, 0)), GZVM_OK);
	assert_int_equal(mem_owner_pin_count(ram_pa(RUN_AREA)), 1);
	assert_int_equal(mem_owner_pin_count(ram_pa(RUN_AREA + PG)), 1);
	/* a run area is one vCPU's alone: not another's, not a PFN buffer, not lent */
	assert_int_equal(status(call(GZVM_FN_CREATE_VCPU, GZVM_VCPU_TUPLE(vm, 1), ram_pa(RUN_AREA),
				     0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_CREATE_VCPU, GZVM_VCPU_TUPLE(vm, 1),
				     ram_pa(RUN_AREA + PG), 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, vm, GZVM_CAP_BLOCK_BASED_DEMAND_PAGING,
				     GZVM_BLOCK_DEMAND_PAGE_SIZE, ram_pa(RUN_AREA + PG), 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(mem_owner_pin_count(ram_pa(RUN_AREA + PG)), 1);
	assert_int_equal(mem_owner_lend(ram_pa(RUN_AREA + 3 * PG)), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_CREATE_VCPU, GZVM_VCPU_TUPLE(vm, 1),
				     ram_pa(RUN_AREA + 2 * PG), 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	mem_owner_unlend(ram_pa(RUN_AREA + 3 * PG));
	assert_int_equal(mem_owner_pin_count(ram_pa(RUN_AREA + 2 * PG)), 0);
	/* twice the same id; id 8; a run area in the carve-out, unaligned, outside RAM */
	assert_int_equal(status(call(GZVM_FN_CREATE_VCPU, tuple, ram_pa(RUN_AREA + 4 * PG), 0, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_CREATE_VCPU, GZVM_VCPU_TUPLE(vm, 8),
				     ram_pa(RUN_AREA + 4 * PG), 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_CREATE_VCPU, GZVM_VCPU_TUPLE(vm, 1),
				     ram_pa(RAM_SIZE - 2 * PG), 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_CREATE_VCPU, GZVM_VCPU_TUPLE(vm, 1),
				     ram_pa(RUN_AREA + 4 * PG) + 16, 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_CREATE_VCPU, GZVM_VCPU_TUPLE(vm, 1), 0x1000, 0, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	/* the hypervisor's copy of the timer offset is in hwstate */
	assert_int_equal(((struct gzvm_vcpu_hwstate *)(ram + RUN_AREA + PG))->vtimer_offset, 123456789);
	assert_int_equal(status(call(GZVM_FN_DESTROY_VCPU, tuple, 0, 0, 0, 0)), GZVM_OK);
	assert_int_equal(mem_owner_pin_count(ram_pa(RUN_AREA)), 0);
	assert_int_equal(status(call(GZVM_FN_DESTROY_VCPU, tuple, 0, 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	/* DESTROY_VM frees vCPUs left behind */
	assert_int_equal(status(call(GZVM_FN_CREATE_VCPU, tuple, ram_pa(RUN_AREA), 0, 0, 0)), GZVM_OK);
	destroy_all(vm);
	assert_int_equal(mem_owner_pin_count(ram_pa(RUN_AREA)), 0);
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);
}

static void test_one_reg(void **state)
{
	u16 vm = vm_with_vcpu();
	u64 t = GZVM_VCPU_TUPLE(vm, 0);
	struct smccc_regs r;

	(void)state;
	for (unsigned int n = 0; n <= 30; n++)
		assert_int_equal(status(call(GZVM_FN_SET_ONE_REG, t, GZVM_REG_ARM64_X(n), 100 + n, 0, 0)),
				 GZVM_OK);
	r = call(GZVM_FN_GET_ONE_REG, t, GZVM_REG_ARM64_X(17), 0, 0, 0);
	assert_int_equal(status(r), GZVM_OK);
	assert_int_equal(r.a[1], 117);
	assert_int_equal(status(call(GZVM_FN_SET_ONE_REG, t, GZVM_REG_ARM64_PC, GUEST_RAM, 0, 0)), GZVM_OK);
	assert_int_equal(call(GZVM_FN_GET_ONE_REG, t, GZVM_REG_ARM64_PC, 0, 0, 0).a[1], GUEST_RAM);
	/* PSTATE: EL1h/EL1t/EL0t AArch64 only; never EL2, never AArch32 */
	assert_int_equal(status(call(GZVM_FN_SET_ONE_REG, t, GZVM_REG_ARM64_PSTATE, 0x3c5, 0, 0)), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_SET_ONE_REG, t, GZVM_REG_ARM64_PSTATE, 0x3c9, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_SET_ONE_REG, t, GZVM_REG_ARM64_PSTATE, 0x3c8, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_SET_ONE_REG, t, GZVM_REG_ARM64_PSTATE, 0x3d3, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(call(GZVM_FN_GET_ONE_REG, t, GZVM_REG_ARM64_PSTATE, 0, 0, 0).a[1], 0x3c5);
	/* 32-bit FPSR, values that do not fit refused */
	assert_int_equal(status(call(GZVM_FN_SET_ONE_REG, t, GZVM_REG_ARM64_FPSR, 0x8000000, 0, 0)), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_SET_ONE_REG, t, GZVM_REG_ARM64_FPSR, 1ULL << 32, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	/* wrong size for the register, 128-bit V registers, odd indices, other arch */
	assert_int_equal(status(call(GZVM_FN_SET_ONE_REG, t, GZVM_REG_ARM64_X(0) ^ GZVM_REG_SIZE_U64 ^
				     GZVM_REG_SIZE_U32, 1, 0, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_GET_ONE_REG, t, GZVM_REG_ARM64_V(0), 0, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_GET_ONE_REG, t, GZVM_REG_ARM64_X(0) + 1, 0, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_GET_ONE_REG, t, GZVM_REG_ARM64_X(0) & ~GZVM_REG_ARCH_MASK,
				     0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	/* system registers */
	assert_int_equal(status(call(GZVM_FN_SET_ONE_REG, t, GZVM_REG_ARM64_SYSREG_ID(3, 0, 12, 0, 0),
				     0x40001000, 0, 0)), GZVM_OK);
	assert_int_equal(call(GZVM_FN_GET_ONE_REG, t, GZVM_REG_ARM64_SYSREG_ID(3, 0, 12, 0, 0), 0, 0, 0).a[1],
			 0x40001000);
	assert_int_equal(call(GZVM_FN_GET_ONE_REG, t, GZVM_REG_ARM64_SYSREG_ID(3, 0, 0, 0, 5), 0, 0, 0).a[1],
			 0x80000000);
	assert_int_equal(status(call(GZVM_FN_GET_ONE_REG, t, GZVM_REG_ARM64_SYSREG_ID(3, 4, 1, 1, 0),
				     0, 0, 0)), GZVM_ERR_INVALID_ARGS);	/* HCR_EL2: never */
	/* a vCPU that does not exist */
	assert_int_equal(status(call(GZVM_FN_GET_ONE_REG, GZVM_VCPU_TUPLE(vm, 3), GZVM_REG_ARM64_PC,
				     0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	destroy_all(vm);
}

/* --- guest exits ----------------------------------------------------------- */

#define ISV		(1ULL << 24)
#define SAS(s)		((u64)(s) << 22)
#define SSE		(1ULL << 21)
#define SRT(r)		((u64)(r) << 16)
#define SF		(1ULL << 15)
#define WNR		(1ULL << 6)
#define DABT(iss)	(((u64)EC_DABT_LOW << 26) | ESR_IL | (iss) | 0x07 /* translation L3 */)

static void push_exit(enum guest_exit_kind kind, u64 esr, u64 ipa)
{
	fake_guest.exits[fake_guest.nr_exits++] = (struct guest_exit){
		.kind = kind, .esr = esr, .far = 0xffff000000001000ULL | (ipa & 0xfff), .ipa = ipa,
	};
}

static u32 run(u16 vm)
{
	struct smccc_regs r = call(GZVM_FN_RUN, GZVM_VCPU_TUPLE(vm, 0), 0, 0, 0, 0);

	assert_int_equal(status(r), GZVM_OK);
	assert_int_equal(r.a[1], run_area()->exit_reason);
	return (u32)r.a[1];
}

static struct vcpu *vcpu0(u16 id)
{
	struct vm *v = vm_get(id);
	struct vcpu *c = v->vcpus[0];

	vm_put(v);
	return c;
}

static void test_mmio_exits(void **state)
{
	u16 vm = vm_with_vcpu();
	struct vcpu *c = vcpu0(vm);
	struct gzvm_vcpu_run *rn = run_area();

	(void)state;
	c->ctx.pc = GUEST_RAM;
	/* LDRSH x5, [mmio]: 2 bytes, sign-extended into a 64-bit register */
	push_exit(GEXIT_SYNC, DABT(ISV | SAS(1) | SSE | SRT(5) | SF), 0x9000010);
	assert_int_equal(run(vm), GZVM_EXIT_MMIO);
	assert_int_equal(rn->mmio.phys_addr, 0x9000010);
	assert_int_equal(rn->mmio.size, 2);
	assert_int_equal(rn->mmio.reg_nr, 5);
	assert_int_equal(rn->mmio.is_write, 0);
	rn->mmio.data[0] = 0x34;
	rn->mmio.data[1] = 0x92;
	/* STR w3, [mmio]: 4 bytes of the low half */
	c->ctx.x[3] = 0x1122334455667788ULL;
	push_exit(GEXIT_SYNC, DABT(ISV | SAS(2) | SRT(3) | WNR), 0x9000020);
	assert_int_equal(run(vm), GZVM_EXIT_MMIO);
	assert_int_equal(c->ctx.x[5], 0xffffffffffff9234ULL);
	assert_int_equal(c->ctx.pc, GUEST_RAM + 4);
	assert_int_equal(rn->mmio.is_write, 1);
	assert_int_equal(rn->mmio.size, 4);
	assert_memory_equal(rn->mmio.data, "\x88\x77\x66\x55", 4);
	/* LDR w7 (32-bit, zero-extended); then STR xzr (8 bytes of zero) */
	push_exit(GEXIT_SYNC, DABT(ISV | SAS(2) | SRT(7)), 0x9000030);
	assert_int_equal(run(vm), GZVM_EXIT_MMIO);
	assert_int_equal(c->ctx.pc, GUEST_RAM + 8);
	c->ctx.x[7] = ~0ULL;
	memcpy(rn->mmio.data, "\xff\xff\xff\xff\xaa\xaa\xaa\xaa", 8);
	push_exit(GEXIT_SYNC, DABT(ISV | SAS(3) | SRT(31) | WNR | SF), 0x9000038);
	assert_int_equal(run(vm), GZVM_EXIT_MMIO);
	assert_int_equal(c->ctx.x[7], 0xffffffffULL);
	assert_memory_equal(rn->mmio.data, "\0\0\0\0\0\0\0\0", 8);
	/* a load into xzr changes no register */
	push_exit(GEXIT_SYNC, DABT(ISV | SAS(3) | SRT(31) | SF), 0x9000040);
	assert_int_equal(run(vm), GZVM_EXIT_MMIO);
	{
		struct vcpu_ctx before = c->ctx;

		push_exit(GEXIT_IRQ, 0, 0);
		assert_int_equal(run(vm), GZVM_EXIT_IRQ);
		assert_memory_equal(before.x, c->ctx.x, sizeof(before.x));
	}
	/* five accesses completed, each stepped over once */
	assert_int_equal(c->ctx.pc, GUEST_RAM + 20);
	/* no syndrome: reported, never guessed */
	push_exit(GEXIT_SYNC, DABT(0), 0x9000048);
	assert_int_equal(run(vm), GZVM_EXIT_INTERNAL_ERROR);
	assert_int_equal(rn->internal.suberror, 1);
	assert_int_equal(rn->internal.data[1], 0x9000048);
	assert_int_equal(c->ctx.pc, GUEST_RAM + 20);
	/* DC CIVAC of an MMIO address (CM, WnR, no syndrome): completes in the guest */
	push_exit(GEXIT_SYNC, DABT(ESR_CM | WNR), 0x9000050);
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	assert_int_equal(c->ctx.pc, GUEST_RAM + 24);
	assert_int_equal(fake_aborts, 0);
	/* an instruction fetch from MMIO: the guest gets an abort, the host nothing */
	push_exit(GEXIT_SYNC, ((u64)EC_IABT_LOW << 26) | ESR_IL | 0x07, 0x9000000);
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	assert_int_equal(fake_aborts, 1);
	destroy_all(vm);
}

static void test_page_fault_exit(void **state)
{
	u16 vm = vm_with_vcpu();
	struct gzvm_vcpu_run *rn = run_area();
	u64 pfn = ram_pa(1 << 20) / PG;

	(void)state;
	memset(rn->padding, 0x5a, sizeof(rn->padding));
	push_exit(GEXIT_SYNC, DABT(ISV | SAS(3) | SF), GUEST_RAM + 0x5008);
	assert_int_equal(run(vm), GZVM_EXIT_EXCEPTION);
	assert_int_equal(rn->exception.exception, GZVM_EXCEPTION_PAGE_FAULT);
	assert_int_equal(rn->exception.fault_gpa, GUEST_RAM + 0x5008);
	for (unsigned int i = 0; i < 30; i++)
		assert_int_equal(rn->exception.reserved[i], 0);
	/* the driver maps it; the instruction is retried (PC unchanged), and the
	 * same fault arriving late (already mapped) just re-enters */
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn, (GUEST_RAM + 0x5000) / PG, 1)), GZVM_OK);
	push_exit(GEXIT_SYNC, DABT(ISV | SAS(3) | SF), GUEST_RAM + 0x5008);
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	assert_int_equal(fake_guest.entries, 3);
	destroy_all(vm);
}

static void hvc_ptp(struct vcpu *vcpu, int entry)
{
	if (entry == 0) {
		vcpu->ctx.x[0] = GZVM_HVC_PTP;
		vcpu->ctx.x[1] = 1;
	}
}

static void test_hypercall_exits(void **state)
{
	u16 vm = vm_with_vcpu();
	struct vcpu *c = vcpu0(vm);
	struct gzvm_vcpu_run *rn = run_area();

	(void)state;
	fake_guest.on_enter = hvc_ptp;
	push_exit(GEXIT_SYNC, ((u64)EC_HVC64 << 26) | ESR_IL, 0);
	assert_int_equal(run(vm), GZVM_EXIT_HYPERCALL);
	assert_int_equal(rn->hypercall.args[0], GZVM_HVC_PTP);
	assert_int_equal(rn->hypercall.args[1], 1);
	/* the host's answer goes into x0..x3 */
	for (unsigned int i = 0; i < 4; i++)
		rn->hypercall.args[i] = 0x100 + i;
	fake_guest.on_enter = NULL;
	/* then a guest SMC and an unknown HVC are answered in place */
	push_exit(GEXIT_SYNC, ((u64)EC_SMC64 << 26) | ESR_IL, 0);
	push_exit(GEXIT_IRQ, 0, 0);
	c->ctx.pc = 0x1000;
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	assert_int_equal(c->ctx.x[1], 0x101);
	assert_int_equal(c->ctx.x[3], 0x103);
	assert_int_equal(c->ctx.x[0], (u64)-1);	/* SMC: NOT_SUPPORTED */
	assert_int_equal(c->ctx.pc, 0x1004);	/* stepped over the SMC */
	/* PSCI from the guest: SYSTEM_OFF and SYSTEM_RESET */
	c->ctx.x[0] = PSCI_SYSTEM_OFF;
	push_exit(GEXIT_SYNC, ((u64)EC_HVC64 << 26) | ESR_IL, 0);
	assert_int_equal(run(vm), GZVM_EXIT_SYSTEM_EVENT);
	assert_int_equal(rn->system_event.type, GZVM_SYSTEM_EVENT_SHUTDOWN);
	c->ctx.x[0] = PSCI_SYSTEM_RESET;
	push_exit(GEXIT_SYNC, ((u64)EC_HVC64 << 26) | ESR_IL, 0);
	assert_int_equal(run(vm), GZVM_EXIT_SYSTEM_EVENT);
	assert_int_equal(rn->system_event.type, GZVM_SYSTEM_EVENT_RESET);
	/* a trapped system register or an unknown trap: UNDEFINED for the guest */
	push_exit(GEXIT_SYNC, ((u64)EC_SYS64 << 26) | ESR_IL | 0x1, 0);
	push_exit(GEXIT_SYNC, ((u64)0x19 << 26) | ESR_IL, 0);
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	assert_int_equal(fake_undefs, 2);
	destroy_all(vm);
}

static struct guest_exit sync_exit(u64 esr, u64 ipa)
{
	return (struct guest_exit){ .kind = GEXIT_SYNC, .esr = esr, .ipa = ipa, .far = ipa };
}

#define HVC_ESR	(((u64)EC_HVC64 << 26) | ESR_IL)

/*
 * vcpu_exit_fast answers between two entries only what needs nothing but
 * the general registers: everything else must come back false untouched.
 */
static void test_fast_exits(void **state)
{
	u16 vm = vm_with_vcpu();
	struct vcpu *c = vcpu0(vm);
	struct gzvm_create_device *d = (struct gzvm_create_device *)(ram + 4 * PG);
	struct guest_exit e;
	struct vcpu_ctx before;

	(void)state;
	c->ctx.pc = 0x2000;
	/* reporting calls: answered, PC unchanged (an HVC returns past itself) */
	c->ctx.x[0] = PSCI_VERSION;
	e = sync_exit(HVC_ESR, 0);
	assert_true(vcpu_exit_fast(c, &e));
	assert_int_equal(c->ctx.x[0], 0x10001);
	assert_int_equal(c->ctx.pc, 0x2000);
	c->ctx.x[0] = SMCCC_ARCH_FEATURES;
	c->ctx.x[1] = SMCCC_ARCH_WORKAROUND_1;
	fake_vulns.spectre_v2_unaffected = true;
	assert_true(vcpu_exit_fast(c, &e));
	assert_int_equal(c->ctx.x[0], SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED);
	c->ctx.x[0] = PSCI_FEATURES;
	c->ctx.x[1] = PSCI_CPU_ON;
	assert_true(vcpu_exit_fast(c, &e));
	assert_int_equal(c->ctx.x[0], PSCI_RET_SUCCESS);
	/* a trapped SMC: NOT_SUPPORTED and a step over it */
	e = sync_exit(((u64)EC_SMC64 << 26) | ESR_IL, 0);
	assert_true(vcpu_exit_fast(c, &e));
	assert_int_equal(c->ctx.x[0], (u64)-1);
	assert_int_equal(c->ctx.pc, 0x2004);

	/* calls that change state or go to the host: the full path */
	e = sync_exit(HVC_ESR, 0);
	static const u32 slow[] = { PSCI_CPU_ON, PSCI_CPU_OFF, PSCI_CPU_SUSPEND, PSCI_AFFINITY_INFO,
				    PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET, GZVM_HVC_PTP,
				    GZVM_HVC_MEM_RELINQUISH, 0x12345678 };
	for (unsigned int i = 0; i < sizeof(slow) / sizeof(slow[0]); i++) {
		c->ctx.x[0] = slow[i];
		c->ctx.x[1] = 0x77;
		before = c->ctx;
		assert_false(vcpu_exit_fast(c, &e));
		assert_memory_equal(&before, &c->ctx, sizeof(before));
	}
	e = (struct guest_exit){ .kind = GEXIT_IRQ };
	assert_false(vcpu_exit_fast(c, &e));

	/* the vGIC: a load while nothing is listed is answered from the model */
	*d = (struct gzvm_create_device){ .dev_type = GZVM_DEV_TYPE_ARM_VGIC_V3_DIST,
					   .dev_addr = 0x08000000, .dev_reg_size = 0x10000 };
	assert_int_equal(status(call(GZVM_FN_CREATE_DEVICE, vm, ram_pa(4 * PG), 0, 0, 0)), GZVM_OK);
	c->nr_lrs = 0;
	c->ctx.x[4] = 0;
	e = sync_exit(DABT(ISV | SAS(2) | SRT(4)), 0x08000004);	/* LDR w4, GICD_TYPER */
	assert_true(vcpu_exit_fast(c, &e));
	assert_int_not_equal(c->ctx.x[4], 0);
	assert_int_equal(c->ctx.pc, 0x2008);
	/* ... not while this vCPU has list registers in use, nor a store,
	 * nor a load from the host's devices, nor a load the vGIC refuses */
	struct guest_exit slow_aborts[] = {
		sync_exit(DABT(ISV | SAS(2) | SRT(4) | WNR), 0x08000000),
		sync_exit(DABT(ISV | SAS(2) | SRT(4)), 0x09000000),
		sync_exit(DABT(ISV | SAS(1) | SRT(4)), 0x08000004),	/* 16-bit */
		sync_exit(DABT(SAS(2) | SRT(4)), 0x08000004),		/* no syndrome */
		sync_exit(DABT(ISV | SAS(2) | SRT(4)), GUEST_RAM),	/* RAM */
	};
	for (unsigned int i = 0; i < sizeof(slow_aborts) / sizeof(slow_aborts[0]); i++) {
		before = c->ctx;
		assert_false(vcpu_exit_fast(c, &slow_aborts[i]));
		assert_memory_equal(&before, &c->ctx, sizeof(before));
	}
	c->nr_lrs = 1;
	before = c->ctx;
	assert_false(vcpu_exit_fast(c, &e));
	assert_memory_equal(&before, &c->ctx, sizeof(before));
	c->nr_lrs = 0;
	destroy_all(vm);
}

static void test_relinquish(void **state)
{
	u16 vm = vm_with_vcpu();
	struct vcpu *c = vcpu0(vm);
	u64 pfn = ram_pa(1 << 20) / PG;

	(void)state;
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn, GUEST_RAM / PG + 7, 1)), GZVM_OK);
	assert_int_equal(mem_owner_lend_count(pfn * PG), 1);
	c->ctx.x[0] = GZVM_HVC_MEM_RELINQUISH;
	c->ctx.x[1] = GUEST_RAM + 7 * PG;
	push_exit(GEXIT_SYNC, ((u64)EC_HVC64 << 26) | ESR_IL, 0);
	assert_int_equal(run(vm), GZVM_EXIT_HYPERCALL);
	/* unmapped and given back before the host hears of it */
	assert_int_equal(mem_owner_lend_count(pfn * PG), 0);
	assert_int_equal(run_area()->hypercall.args[1], GUEST_RAM + 7 * PG);
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	assert_int_equal(c->ctx.x[0], 0);	/* success, whatever the host left in args */
	/* relinquishing what is not mapped fails in the guest, no exit */
	c->ctx.x[0] = GZVM_HVC_MEM_RELINQUISH;
	push_exit(GEXIT_SYNC, ((u64)EC_HVC64 << 26) | ESR_IL, 0);
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	assert_int_equal(c->ctx.x[0], (u64)-1);
	destroy_all(vm);
}

static void test_run_errors(void **state)
{
	u16 vm = vm_with_vcpu();

	(void)state;
	assert_int_equal(status(call(GZVM_FN_RUN, GZVM_VCPU_TUPLE(vm, 1), 0, 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_RUN, GZVM_VCPU_TUPLE(vm + 1, 0), 0, 0, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_RUN, 1ULL << 33, 0, 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	/* a running vCPU cannot be run, changed or destroyed from elsewhere */
	vcpu0(vm)->running = 1;
	assert_int_equal(status(call(GZVM_FN_RUN, GZVM_VCPU_TUPLE(vm, 0), 0, 0, 0, 0)), GZVM_ERR_BUSY);
	assert_int_equal(status(call(GZVM_FN_SET_ONE_REG, GZVM_VCPU_TUPLE(vm, 0), GZVM_REG_ARM64_PC,
				     0, 0, 0)), GZVM_ERR_BUSY);
	assert_int_equal(status(call(GZVM_FN_DESTROY_VCPU, GZVM_VCPU_TUPLE(vm, 0), 0, 0, 0, 0)),
			 GZVM_ERR_BUSY);
	assert_int_equal(status(call(GZVM_FN_DESTROY_VM, vm, 0, 0, 0, 0)), GZVM_ERR_BUSY);
	vcpu0(vm)->running = 0;
	destroy_all(vm);
}

/*
 * A slot of 2^28 pages (1 TiB, the whole IPA space) with one page mapped at
 * each end: a v12 driver's DESTROY_VM (no chunk size) must finish in one
 * call, and re-registering the slot must find its mappings, without a
 * lookup per page of the slot (2^28 of them at EL2, non-preemptible).
 */
static void test_sparse_slot(void **state)
{
	u64 pages = 1ULL << 28, base = 1ULL << 30, pfn = ram_pa(1 << 20) / PG;
	u16 vm = new_vm();

	(void)state;
	assert_int_equal(register_slot(vm, 0, base, pages - base / PG), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn, base / PG, 1)), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn + 1, pages - 1, 1)), GZVM_OK);
	/* moving a slot that has mappings is refused */
	assert_int_equal(register_slot(vm, 0, base, pages / 2), GZVM_ERR_BUSY);
	assert_int_equal(status(call(GZVM_FN_DESTROY_VM, vm, 0, 0, 0, 0)), GZVM_OK);
	assert_int_equal(mem_owner_lend_count(pfn * PG), 0);
	assert_int_equal(mem_owner_lend_count((pfn + 1) * PG), 0);
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);

	/* chunked, the same: a few calls, not one per 65536 pages */
	vm = new_vm();
	assert_int_equal(register_slot(vm, 0, base, pages - base / PG), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn, pages - 1, 1)), GZVM_OK);
	{
		int calls = 1;

		while (status(call(GZVM_FN_DESTROY_VM, vm, 64, 0, 0, 0)) == GZVM_ERR_BUSY)
			calls++;
		assert_true(calls <= 2);
	}
	assert_int_equal(mem_owner_lend_count(pfn * PG), 0);
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);
}

/* --- protected VMs ---------------------------------------------------------- */

#define SECRET		0x5ec7e75ec7e75ec7ULL

static void make_protected(u16 vm)
{
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, vm, GZVM_CAP_PROTECTED_VM,
				     GZVM_CAP_PVM_SET_PROTECTED_VM, 0, 0)), GZVM_OK);
}

/* Every page from pfn on, n pages: owned by `owner`, host-mapped or not, holding `word`. */
static void assert_pages(u64 pfn, u64 n, enum page_owner owner, bool host_mapped, u64 word)
{
	for (u64 i = 0; i < n; i++) {
		u64 pa = (pfn + i) * PG;

		assert_int_equal(mem_owner_of(pa), owner);
		assert_int_equal(host_s2_mapped(pa), host_mapped);
		assert_int_equal(*(u64 *)(uintptr_t)(pa + PG - 8), word);
	}
}

static void fill(u64 pfn, u64 n, u64 word)
{
	for (u64 i = 0; i < n * PG / 8; i++)
		((u64 *)(uintptr_t)(pfn * PG))[i] = word;
}

static struct smccc_regs global_stats(void)
{
	struct smccc_regs st = call(GZVM_FN_GET_STATISTICS, 0, 0, 0, 0, 0);

	assert_int_equal(status(st), GZVM_OK);
	return st;
}

static void test_protected_cap(void **state)
{
	u16 vm = vm_with_vcpu();

	(void)state;
	make_protected(vm);
	make_protected(vm);	/* idempotent */
	/* no pvmfw: the hypervisor checks what a protected VM boots itself */
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, vm, GZVM_CAP_PROTECTED_VM,
				     GZVM_CAP_PVM_SET_PVMFW_GPA, 0x7fc00000, 0)), GZVM_ERR_NOT_SUPPORTED);
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, vm, GZVM_CAP_PROTECTED_VM,
				     GZVM_CAP_PVM_GET_PVMFW_SIZE, 0, 0)), GZVM_ERR_NOT_SUPPORTED);
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, vm, GZVM_CAP_PROTECTED_VM, 3, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	destroy_all(vm);
	/* a VM that has run cannot become protected */
	vm = vm_with_vcpu();
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, vm, GZVM_CAP_PROTECTED_VM,
				     GZVM_CAP_PVM_SET_PROTECTED_VM, 0, 0)), GZVM_ERR_INVALID_ARGS);
	destroy_all(vm);
}

static void test_protected_seal(void **state)
{
	u16 vm = vm_with_vcpu();
	u64 pfn = ram_pa(1 << 20) / PG, late = pfn + 100;
	struct vm *v;
	int flushes;

	(void)state;
	make_protected(vm);
	/* the VMM loads the image before the first run: the host still sees it */
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn, GUEST_RAM / PG, 4)), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn + 8, GUEST_RAM / PG + 4, 1)),
			 GZVM_OK);
	fill(pfn, 9, SECRET);
	assert_pages(pfn, 4, PAGE_OWNER_HOST, true, SECRET);
	assert_int_equal(mem_owner_lend_count(pfn * PG), 1);
	assert_int_equal(status(call(GZVM_FN_SET_ONE_REG, GZVM_VCPU_TUPLE(vm, 0), GZVM_REG_ARM64_PC,
				     GUEST_RAM, 0, 0)), GZVM_OK);

	flushes = fake_guest.host_flushes;
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	/* sealed: donated, out of the host's stage-2 (its TLBs flushed), not lent */
	assert_pages(pfn, 4, PAGE_OWNER_GUEST, false, SECRET);
	assert_pages(pfn + 8, 1, PAGE_OWNER_GUEST, false, SECRET);
	assert_true(fake_guest.host_flushes > flushes);
	assert_int_equal(mem_owner_lend_count(pfn * PG), 0);
	assert_int_equal(global_stats().a[2], 0);
	assert_int_equal(global_stats().a[3], 5 * PG);
	assert_int_equal(call(GZVM_FN_GET_STATISTICS, vm, 0, 0, 0, 0).a[2], 5 * PG);

	/* its registers are the guest's now */
	assert_int_equal(status(call(GZVM_FN_GET_ONE_REG, GZVM_VCPU_TUPLE(vm, 0), GZVM_REG_ARM64_X(0),
				     0, 0, 0)), GZVM_ERR_ACCESS_DENIED);
	assert_int_equal(status(call(GZVM_FN_SET_ONE_REG, GZVM_VCPU_TUPLE(vm, 0), GZVM_REG_ARM64_PC,
				     0, 0, 0)), GZVM_ERR_ACCESS_DENIED);

	/* a page mapped later (demand paging) is donated at once, zeroed: the host plants nothing */
	fill(late, 1, SECRET);
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, late, GUEST_RAM / PG + 20, 1)), GZVM_OK);
	assert_pages(late, 1, PAGE_OWNER_GUEST, false, 0);

	/* nobody else gets a donated page: another VM, the host as a buffer */
	{
		u16 other = new_vm();

		assert_int_equal(register_slot(other, 0, GUEST_RAM, 16), GZVM_OK);
		assert_int_equal(status(call(GZVM_FN_MAP_GUEST, other, 0, pfn, GUEST_RAM / PG, 1)),
				 GZVM_ERR_INVALID_ARGS);
		assert_int_equal(status(call(GZVM_FN_SET_MEMREGION, other, 2 * PG, pfn * PG, 0, 0)),
				 GZVM_ERR_INVALID_ARGS);
		destroy_all(other);
	}

	/* relinquish: zeroed before the host sees it again */
	v = vm_get(vm);
	assert_int_equal(vm_unmap_page(v, GUEST_RAM + 4 * PG), GZVM_OK);
	vm_put(v);
	assert_pages(pfn + 8, 1, PAGE_OWNER_HOST, true, 0);
	assert_int_equal(mem_owner_lend_count((pfn + 8) * PG), 0);

	destroy_all(vm);
	assert_pages(pfn, 4, PAGE_OWNER_HOST, true, 0);
	assert_pages(late, 1, PAGE_OWNER_HOST, true, 0);
	assert_int_equal(global_stats().a[3], 0);
	assert_int_equal(global_stats().a[2], 0);
	/* the host's 2 MiB block is whole again: no table left behind */
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);
}

/* A seal that cannot complete changes nothing, and the VM can try again. */
static void test_protected_seal_refused(void **state)
{
	u16 vm = vm_with_vcpu(), other = new_vm();
	u64 pfn = ram_pa(1 << 20) / PG;

	(void)state;
	make_protected(vm);
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn, GUEST_RAM / PG, 8)), GZVM_OK);
	/* the last page is mapped by another VM too: it cannot be donated */
	assert_int_equal(register_slot(other, 0, GUEST_RAM, 16), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, other, 0, pfn + 7, GUEST_RAM / PG, 1)), GZVM_OK);
	fill(pfn, 8, SECRET);
	assert_int_equal(status(call(GZVM_FN_RUN, GZVM_VCPU_TUPLE(vm, 0), 0, 0, 0, 0)), GZVM_ERR_BUSY);
	assert_int_equal(fake_guest.entries, 0);	/* nothing ran */
	assert_pages(pfn, 8, PAGE_OWNER_HOST, true, SECRET);
	assert_int_equal(mem_owner_lend_count(pfn * PG), 1);
	assert_int_equal(mem_owner_lend_count((pfn + 7) * PG), 2);
	assert_int_equal(global_stats().a[3], 0);
	assert_int_equal(global_stats().a[2], 9 * PG);
	assert_int_equal(status(call(GZVM_FN_GET_ONE_REG, GZVM_VCPU_TUPLE(vm, 0), GZVM_REG_ARM64_PC,
				     0, 0, 0)), GZVM_OK);
	destroy_all(other);
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	assert_pages(pfn, 8, PAGE_OWNER_GUEST, false, SECRET);
	destroy_all(vm);
	assert_pages(pfn, 8, PAGE_OWNER_HOST, true, 0);
}

/* What a sealed VM's exits tell the host. */
static void test_protected_exits(void **state)
{
	u16 vm = vm_with_vcpu();
	struct gzvm_vcpu_run *rn = run_area();

	(void)state;
	make_protected(vm);
	/* an abort the VMM cannot decode without guest state: the guest gets it */
	push_exit(GEXIT_SYNC, DABT(0), 0x9000000);
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	assert_int_equal(fake_aborts, 1);
	/* an internal error carries no guest PC, syndrome or address */
	push_exit(GEXIT_SERROR, 0xbf000000, 0);
	assert_int_equal(run(vm), GZVM_EXIT_INTERNAL_ERROR);
	assert_int_equal(rn->internal.suberror, 2);	/* SError */
	assert_int_equal(rn->internal.ndata, 0);
	assert_int_equal(rn->internal.data[2], 0);
	destroy_all(vm);
}

/* --- verified boot of protected VMs ---------------------------------------- */

/* tests/unit/Makefile signs UNIT_DATA_DIR/payload.bin with tools/gzvm-sign */
static size_t read_data(const char *name, void *buf, size_t max)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", UNIT_DATA_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, max, f);
	fclose(f);
	assert_true(n > 0 && n < max);
	return n;
}

static void read_hex(const char *name, u8 *out, size_t len)
{
	char hex[160];

	assert_true(read_data(name, hex, sizeof(hex)) >= 2 * len);
	for (size_t i = 0; i < len; i++) {
		unsigned int v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (u8)v;
	}
}

static u8 signed_payload[16384];
static size_t signed_len;
static u8 payload_pub[32], payload_digest[32];

#define MEASURE_HVC	(((u64)EC_HVC64 << 26) | ESR_IL)

/* A protected VM with the signed payload (changed at byte `flip`, or not) in `pages` mapped pages. */
static u16 payload_vm(long flip, u64 pages, u64 size)
{
	u16 vm = vm_with_vcpu();
	u64 pfn = ram_pa(1 << 20) / PG;

	memcpy((void *)(uintptr_t)(pfn * PG), signed_payload, signed_len);
	if (flip >= 0)
		((u8 *)(uintptr_t)(pfn * PG))[flip] ^= 1;
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn, GUEST_RAM / PG, pages)), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, vm, GZVM_CAP_PROTECTED_VM,
				     GZVM_CAP_PVM_SET_PROTECTED_VM, GUEST_RAM, size)), GZVM_OK);
	return vm;
}

static s64 first_run(u16 vm)
{
	return status(call(GZVM_FN_RUN, GZVM_VCPU_TUPLE(vm, 0), 0, 0, 0, 0));
}

/* Run the guest's measurement hypercall: x0, and the measurement in *out. */
static u64 guest_measurement(u16 vm, u8 out[32])
{
	struct vcpu *c = vcpu0(vm);

	c->ctx.x[0] = GZVM_HVC_PVM_MEASUREMENT;
	push_exit(GEXIT_SYNC, MEASURE_HVC, 0);
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	memcpy(out, &c->ctx.x[1], 32);
	return c->ctx.x[0];
}

/* The payload signed at build time, its key and digest (build/unit/data). */
static void load_test_payload(void)
{
	signed_len = read_data("payload.signed", signed_payload, sizeof(signed_payload));
	read_hex("payload.pub", payload_pub, sizeof(payload_pub));
	read_hex("payload.digest", payload_digest, sizeof(payload_digest));
}

static void test_protected_payload(void **state)
{
	u64 pages, pfn = ram_pa(1 << 20) / PG;
	u8 m[32];
	u16 vm;

	(void)state;
	load_test_payload();
	pages = (signed_len + PG - 1) / PG;
	assert_true(pages >= 2);	/* the image crosses a page boundary */
	payload_set_key(payload_pub);

	/* signed by the boot key: runs, and the guest reads the image's SHA-256 */
	vm = payload_vm(-1, pages, signed_len);
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	assert_int_equal(guest_measurement(vm, m), 0);
	assert_memory_equal(m, payload_digest, 32);
	destroy_all(vm);

	/* one bit changed in the image, in the signature, in the magic: refused, nothing changed */
	for (long flip = 0; flip < 3; flip++) {
		long at = flip == 0 ? 5000 : flip == 1 ? (long)signed_len - 1 : (long)signed_len - 72;

		int entries = fake_guest.entries;

		vm = payload_vm(at, pages, signed_len);
		assert_int_equal(first_run(vm), GZVM_ERR_ACCESS_DENIED);
		assert_int_equal(fake_guest.entries, entries);	/* nothing ran */
		assert_int_equal(mem_owner_of(pfn * PG), PAGE_OWNER_HOST);
		assert_true(host_s2_mapped(pfn * PG));
		assert_int_equal(mem_owner_lend_count(pfn * PG), 1);
		assert_int_equal(global_stats().a[3], 0);
		destroy_all(vm);
	}
	/* the payload not all mapped; no payload at all while there is a key */
	vm = payload_vm(-1, 1, signed_len);
	assert_int_equal(first_run(vm), GZVM_ERR_FAULT);
	destroy_all(vm);
	vm = payload_vm(-1, pages, 0);
	assert_int_equal(first_run(vm), GZVM_ERR_ACCESS_DENIED);
	destroy_all(vm);
	/* no room for the footer, or wrapping: refused at once */
	vm = vm_with_vcpu();
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, vm, GZVM_CAP_PROTECTED_VM,
				     GZVM_CAP_PVM_SET_PROTECTED_VM, GUEST_RAM, PAYLOAD_FOOTER_SIZE)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, vm, GZVM_CAP_PROTECTED_VM,
				     GZVM_CAP_PVM_SET_PROTECTED_VM, ~0ULL - 100, 1000)),
			 GZVM_ERR_INVALID_ARGS);
	/* a VM that is not protected has no measurement */
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	assert_int_equal(guest_measurement(vm, m), (u64)-1);
	destroy_all(vm);

	/* no boot key: measured, not verified, so a changed image runs and measures differently */
	payload_set_key(NULL);
	vm = payload_vm(5000, pages, signed_len);
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	assert_int_equal(guest_measurement(vm, m), 0);
	assert_memory_not_equal(m, payload_digest, 32);
	destroy_all(vm);
	vm = payload_vm(-1, pages, 0);
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	assert_int_equal(guest_measurement(vm, m), (u64)-1);	/* nothing measured */
	destroy_all(vm);
}

/* --- the measurement in the guest's DTB ---------------------------------- */

enum dt_shape { DT_GOOD, DT_SHORT, DT_TWICE, DT_ELSEWHERE, DT_NONE, DT_BROKEN };

/* A DTB of one page at pa: /chosen and /soc, the measurement property where shape says. */
static void make_guest_dtb(u64 pa, enum dt_shape shape, u8 fill)
{
	/* the smallest tree: header, an empty reservation map, a root node, no strings */
	static const u8 empty[72] = {
		0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 72, 0, 0, 0, 56, 0, 0, 0, 72,
		0, 0, 0, 40, 0, 0, 0, 17, 0, 0, 0, 16, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 16, [56] = 0, 0, 0, 1, 0, 0, 0, 0,
		0, 0, 0, 2, 0, 0, 0, 9,
	};
	void *dt = (void *)(uintptr_t)pa;
	u8 val[32];
	int chosen, soc;

	memset(val, fill, sizeof(val));
	assert_int_equal(dt_open_into(empty, dt, PG), 0);
	chosen = dt_add_subnode(dt, dt_root(), "chosen");
	assert_true(chosen >= 0);
	assert_int_equal(dt_setprop_string(dt, chosen, "bootargs", "console=ttyAMA0"), 0);
	if (shape == DT_GOOD || shape == DT_TWICE || shape == DT_BROKEN)
		assert_int_equal(dt_setprop(dt, chosen, PAYLOAD_DT_PROP, val, 32), 0);
	if (shape == DT_SHORT)
		assert_int_equal(dt_setprop(dt, chosen, PAYLOAD_DT_PROP, val, 16), 0);
	soc = dt_add_subnode(dt, dt_root(), "soc");
	assert_true(soc >= 0);
	if (shape == DT_TWICE || shape == DT_ELSEWHERE)
		assert_int_equal(dt_setprop(dt, soc, PAYLOAD_DT_PROP, val, 32), 0);
	if (shape == DT_BROKEN)
		((u8 *)dt)[11] = 0xfe;	/* off_dt_struct outside the blob */
}

/* The 32 bytes of /chosen's measurement property in the DTB at pa. */
static const u8 *dtb_measurement(u64 pa)
{
	const void *dt = (const void *)(uintptr_t)pa;
	int len;
	const u8 *v = dt_getprop(dt, dt_path_offset(dt, "/chosen"), PAYLOAD_DT_PROP, &len);

	assert_non_null(v);
	assert_int_equal(len, 32);
	return v;
}

/* A protected VM with the signed payload and a DTB of that shape in x0: its first RUN. */
static s64 seal_with_dtb(u16 *vm, u64 dtb_pfn, enum dt_shape shape, u64 payload_size)
{
	u64 pages = (signed_len + PG - 1) / PG, dtb_gpa = GUEST_RAM + 64 * PG;
	s64 ret;

	*vm = payload_vm(-1, pages, payload_size);
	make_guest_dtb(dtb_pfn * PG, shape, 0xee);	/* the host's own claim in the placeholder */
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, *vm, 0, dtb_pfn, dtb_gpa / PG, 1)), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_SET_ONE_REG, GZVM_VCPU_TUPLE(*vm, 0),
				     GZVM_REG_ARM64_X(0), shape == DT_NONE ? GUEST_RAM : dtb_gpa,
				     0, 0)), GZVM_OK);
	push_exit(GEXIT_IRQ, 0, 0);
	ret = first_run(*vm);
	if (ret)
		fake_guest.nr_exits = fake_guest.next = 0;	/* nothing ran: the exit stays unused */
	return ret;
}

static void test_protected_dt_measurement(void **state)
{
	u64 dtb_pfn = ram_pa(1 << 20) / PG + 200;
	static const u8 zeros[32];
	int entries;
	u8 m[32];
	u16 vm;

	(void)state;
	load_test_payload();
	payload_set_key(payload_pub);

	/* the hypervisor's value replaces whatever the host put in the placeholder */
	assert_int_equal(seal_with_dtb(&vm, dtb_pfn, DT_GOOD, signed_len), GZVM_OK);
	assert_memory_equal(dtb_measurement(dtb_pfn * PG), payload_digest, 32);
	assert_int_equal(guest_measurement(vm, m), 0);
	assert_memory_equal(m, payload_digest, 32);
	destroy_all(vm);

	/* x0 is not a DTB (the payload itself): sealed, nothing written */
	assert_int_equal(seal_with_dtb(&vm, dtb_pfn, DT_NONE, signed_len), GZVM_OK);
	destroy_all(vm);

	/* a blob the guest could read another value from: never runs */
	for (enum dt_shape shape = DT_SHORT; shape <= DT_BROKEN; shape++) {
		if (shape == DT_NONE)
			continue;
		entries = fake_guest.entries;
		assert_int_equal(seal_with_dtb(&vm, dtb_pfn, shape, signed_len), GZVM_ERR_INVALID_ARGS);
		assert_int_equal(fake_guest.entries, entries);
		assert_int_equal(global_stats().a[3], 0);	/* nothing stays donated */
		destroy_all(vm);
	}

	/* no payload, no key: no measurement, and the DTB says so with zeros */
	payload_set_key(NULL);
	assert_int_equal(seal_with_dtb(&vm, dtb_pfn, DT_GOOD, 0), GZVM_OK);
	assert_memory_equal(dtb_measurement(dtb_pfn * PG), zeros, 32);
	destroy_all(vm);
}

/* A guest HVC of fid with x1 = a1: its x0 afterwards (no exit). */
static u64 guest_hvc(u16 vm, u32 fid, u64 a1)
{
	struct vcpu *c = vcpu0(vm);

	c->ctx.x[0] = fid;
	c->ctx.x[1] = a1;
	push_exit(GEXIT_SYNC, ((u64)EC_HVC64 << 26) | ESR_IL, 0);
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	return c->ctx.x[0];
}

static void test_mmio_guard(void **state)
{
	u16 vm = vm_with_vcpu();

	(void)state;
	/* not enrolled: every MMIO address exits */
	push_exit(GEXIT_SYNC, DABT(ISV | SAS(2) | SRT(1) | WNR), 0x9000000);
	assert_int_equal(run(vm), GZVM_EXIT_MMIO);
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MMIO_GUARD_ENROLL, 0), 0);
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MMIO_GUARD_MAP, 0x9000010), 0);	/* its page */
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MMIO_GUARD_MAP, 0x9000000), 0);	/* again: fine */
	/* guest memory is never MMIO */
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MMIO_GUARD_MAP, GUEST_RAM + PG), (u64)-3);
	/* a named page exits; another is a data abort in the guest, not an exit */
	push_exit(GEXIT_SYNC, DABT(ISV | SAS(2) | SRT(1) | WNR), 0x9000ff8);
	assert_int_equal(run(vm), GZVM_EXIT_MMIO);
	fake_aborts = 0;
	push_exit(GEXIT_SYNC, DABT(ISV | SAS(2) | SRT(1) | WNR), 0x9001000);
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	assert_int_equal(fake_aborts, 1);
	/* unmapped: refused too */
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MMIO_GUARD_UNMAP, 0x9000000), 0);
	push_exit(GEXIT_SYNC, DABT(ISV | SAS(2) | SRT(1) | WNR), 0x9000000);
	push_exit(GEXIT_IRQ, 0, 0);
	assert_int_equal(run(vm), GZVM_EXIT_IRQ);
	assert_int_equal(fake_aborts, 2);
	/* at most GZVM_MMIO_GUARD_PAGES pages */
	for (u64 i = 0; i < GZVM_MMIO_GUARD_PAGES; i++)
		assert_int_equal(guest_hvc(vm, GZVM_HVC_MMIO_GUARD_MAP, 0x10000000 + i * PG), 0);
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MMIO_GUARD_MAP, 0x20000000), (u64)-3);
	destroy_all(vm);
}

/* MEM_SHARE / MEM_UNSHARE: a protected guest's page visible to the host, and back. */
static void test_mem_share(void **state)
{
	u16 vm = vm_with_vcpu(), other;
	u64 pfn = ram_pa(1 << 20) / PG;
	int flushes;

	(void)state;
	/* an ordinary VM's memory is the host's anyway */
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn, GUEST_RAM / PG, 1)), GZVM_OK);
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MEM_SHARE, GUEST_RAM), (u64)-1);
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MEM_UNSHARE, GUEST_RAM), (u64)-1);
	destroy_all(vm);

	vm = vm_with_vcpu();
	make_protected(vm);
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, vm, 0, pfn, GUEST_RAM / PG, 4)), GZVM_OK);
	fill(pfn, 4, SECRET);
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MEM_SHARE, GUEST_RAM + PG), 0);	/* seals, then shares */
	assert_pages(pfn, 1, PAGE_OWNER_GUEST, false, SECRET);
	assert_pages(pfn + 1, 1, PAGE_OWNER_GUEST, true, SECRET);	/* what the guest left there */
	assert_pages(pfn + 2, 2, PAGE_OWNER_GUEST, false, SECRET);
	assert_true(mem_owner_guest_shared((pfn + 1) * PG));
	assert_int_equal(global_stats().a[3], 4 * PG);
	assert_int_equal(global_stats().a[4], PG);

	/* bad requests change nothing */
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MEM_SHARE, GUEST_RAM + PG), (u64)-3);	/* again */
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MEM_UNSHARE, GUEST_RAM + 2 * PG), (u64)-3);
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MEM_SHARE, GUEST_RAM + 8), (u64)-3);	/* unaligned */
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MEM_SHARE, 0x9000000), (u64)-3);	/* not memory */
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MEM_SHARE, GUEST_RAM + 10 * PG), (u64)-3); /* unmapped */
	assert_pages(pfn + 2, 2, PAGE_OWNER_GUEST, false, SECRET);
	assert_int_equal(global_stats().a[4], PG);

	/* shared is not the host's: it lends or pins it to nobody */
	other = new_vm();
	assert_int_equal(register_slot(other, 0, GUEST_RAM, 16), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, other, 0, pfn + 1, GUEST_RAM / PG, 1)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_SET_MEMREGION, other, 2 * PG, (pfn + 1) * PG, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	destroy_all(other);

	/* taken back: out of the host's stage-2, its TLB entries invalidated, content kept */
	flushes = fake_guest.host_flushes;
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MEM_UNSHARE, GUEST_RAM + PG), 0);
	assert_pages(pfn + 1, 1, PAGE_OWNER_GUEST, false, SECRET);
	assert_true(fake_guest.host_flushes > flushes);
	assert_int_equal(global_stats().a[4], 0);

	/* a shared page relinquished, another one shared at destroy: both come back zeroed */
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MEM_SHARE, GUEST_RAM + PG), 0);
	assert_int_equal(guest_hvc(vm, GZVM_HVC_MEM_SHARE, GUEST_RAM + 2 * PG), 0);
	{
		struct vm *v = vm_get(vm);

		assert_int_equal(vm_unmap_page(v, GUEST_RAM + PG), GZVM_OK);
		vm_put(v);
	}
	assert_pages(pfn + 1, 1, PAGE_OWNER_HOST, true, 0);
	assert_int_equal(global_stats().a[4], PG);
	destroy_all(vm);
	assert_pages(pfn, 4, PAGE_OWNER_HOST, true, 0);
	assert_int_equal(global_stats().a[3], 0);
	assert_int_equal(global_stats().a[4], 0);
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);
}

static void test_mmio_decode(void **state)
{
	struct mmio_access m;

	(void)state;
	assert_false(esr_decode_mmio(DABT(0), &m));
	assert_false(esr_decode_mmio(((u64)EC_IABT_LOW << 26) | ISV, &m));
	assert_true(esr_decode_mmio(DABT(ISV | SAS(0) | SSE | SRT(30)), &m));
	assert_int_equal(m.size, 1);
	assert_int_equal(m.reg, 30);
	assert_int_equal(mmio_load_value(&m, 0x80), 0xffffff80);	/* Wt: upper half zero */
	m.sixty_four = true;
	assert_int_equal(mmio_load_value(&m, 0x80), 0xffffffffffffff80ULL);
	assert_int_equal(mmio_load_value(&m, 0x7f), 0x7f);
	m.size = 8;
	m.sign_extend = false;
	assert_int_equal(mmio_load_value(&m, ~0ULL), ~0ULL);
	m.size = 2;
	assert_int_equal(mmio_store_value(&m, 0x123456), 0x3456);
	assert_true(esr_is_stage2_abort(DABT(0)));
	assert_false(esr_is_stage2_abort(((u64)EC_DABT_LOW << 26) | 0x10));	/* external abort */
}

static void test_exception_entry(void **state)
{
	struct el1_entry e;

	(void)state;
	/* from EL1h: current EL with SP_ELx vector, all masked */
	e = el1_exception_entry(PSR_MODE_EL1h, 0x40000000, SCTLR_EL1_RESET, false, false);
	assert_int_equal(e.pc, 0x40000200);
	assert_int_equal(e.pstate, PSR_MODE_EL1h | PSR_DAIF);
	assert_int_equal(el1_exception_entry(PSR_MODE_EL0t, 0x1000, 0, false, false).pc, 0x1400);
	assert_int_equal(el1_exception_entry(PSR_MODE_EL1t, 0x1000, 0, false, false).pc, 0x1000);
	assert_int_equal(el1_exception_entry(PSR_MODE32, 0x1000, 0, false, false).pc, 0x1600);
	/* PAN set on entry unless SCTLR_EL1.SPAN; SSBS from SCTLR_EL1.DSSBS */
	e = el1_exception_entry(PSR_MODE_EL0t, 0, 0, true, true);
	assert_true(e.pstate & PSR_PAN);
	assert_false(e.pstate & PSR_SSBS);
	e = el1_exception_entry(PSR_MODE_EL0t, 0, SCTLR_EL1_SPAN | SCTLR_EL1_DSSBS, true, true);
	assert_false(e.pstate & PSR_PAN);
	assert_true(e.pstate & PSR_SSBS);
	/* the flags and DIT are kept (AArch32: DIT from CPSR bit 21); UAO, SS, BTYPE cleared */
	e = el1_exception_entry(PSR_MODE_EL1h | PSR_NZCV | PSR_DIT | PSR_UAO | BIT(21) |
				PSR_BTYPE_MASK, 0, 0, false, false);
	assert_int_equal(e.pstate, PSR_MODE_EL1h | PSR_DAIF | PSR_NZCV | PSR_DIT);
	e = el1_exception_entry(PSR_MODE32 | 0x10 | (0x5ULL << 28) | PSR32_DIT, 0, 0, false, false);
	assert_int_equal(e.pstate, PSR_MODE_EL1h | PSR_DAIF | (0x5ULL << 28) | PSR_DIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vm_lifecycle, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_vm_cycles_outlast_pool, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_vm_create_out_of_memory, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_memslots, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_map_guest, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_block_and_populate, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_enable_cap, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_vcpu_create_destroy, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_one_reg, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_mmio_exits, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_page_fault_exit, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_hypercall_exits, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_fast_exits, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_relinquish, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_run_errors, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_sparse_slot, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_protected_cap, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_protected_seal, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_protected_seal_refused, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_protected_exits, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_protected_payload, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_protected_dt_measurement, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_mmio_guard, board_setup, board_teardown),
		cmocka_unit_test_setup_teardown(test_mem_share, board_setup, board_teardown),
		cmocka_unit_test(test_mmio_decode),
		cmocka_unit_test(test_exception_entry),
	};

	return cmocka_run_group_tests_name("vm", tests, NULL, NULL);
}
