// SPDX-License-Identifier: GPL-2.0-only
/*
 * The board the hypervisor-core unit tests run on: a fake host RAM (its
 * last MiB the carve-out), a page pool, the host's stage-2, VMs at 40 IPA
 * bits, and the host's hypercalls into it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <gzvm/hvc.h>
#include <hyp/bootinfo.h>
#include <hyp/channel.h>
#include <hyp/host_s2.h>
#include <hyp/hypercall.h>
#include <hyp/layout.h>
#include <hyp/mem_owner.h>
#include <hyp/page_alloc.h>
#include <hyp/vm.h>

#include "fake_arch.h"
#include "hyp_board.h"

u8 *ram;
static u8 *pool_mem;
static u32 *meta;
u64 ram_base;
u64 pool_baseline;

u64 ram_pa(u64 off)
{
	return ram_base + off;
}

int board_setup(void **state)
{
	struct mem_range r;

	(void)state;
	fake_arch_reset();
	ram = aligned_alloc(2 << 20, RAM_SIZE);
	pool_mem = aligned_alloc(PG, POOL_SIZE);
	assert_non_null(ram);
	assert_non_null(pool_mem);
	memset(ram, 0, RAM_SIZE);
	ram_base = (u64)(uintptr_t)ram;
	r = (struct mem_range){ ram_base, RAM_SIZE };
	meta = calloc(1, mem_owner_meta_size(&r, 1));
	mem_owner_init(&r, 1, meta);
	/* the last MiB of the fake RAM plays the carve-out */
	assert_int_equal(mem_owner_claim_hyp(ram_pa(RAM_SIZE - (1 << 20)), 1 << 20), GZVM_OK);
	pool_init(&hyp_pool, pool_mem, POOL_SIZE);
	{
		struct boot_info bi = { .ram = { r }, .nr_ram = 1 };
		struct boot_layout l = { .carveout_base = ram_pa(RAM_SIZE - (1 << 20)),
					 .carveout_size = 1 << 20 };

		host_s2_build(&bi, &l, 48);
	}
	vm_init(40);
	chan_init();
	pool_baseline = pool_used_pages(&hyp_pool);
	return 0;
}

int board_teardown(void **state)
{
	(void)state;
	free(ram);
	free(pool_mem);
	free(meta);
	return 0;
}

struct smccc_regs call(u32 fn, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	struct smccc_regs r = { .a = { GZVM_HVC_ID_SMC64(fn), a1, a2, a3, a4, a5 } };

	host_hvc_call(&r);
	return r;
}

s64 status(struct smccc_regs r)
{
	return (s64)r.a[0];
}

u16 new_vm(void)
{
	struct smccc_regs r = call(GZVM_FN_CREATE_VM, 0, 0, 0, 0, 0);

	assert_int_equal(status(r), GZVM_OK);
	assert_true(r.a[1] >= 1 && r.a[1] < 0xffff);
	return (u16)r.a[1];
}

void destroy_all(u16 vm)
{
	assert_int_equal(status(call(GZVM_FN_DESTROY_VM, vm, 0, 0, 0, 0)), GZVM_OK);
}

/* A SET_MEMREGION buffer in fake host RAM at offset off. */
struct gzvm_memory_region_ranges *region_buf(u64 off)
{
	memset(ram + off, 0, 2 * PG);
	return (struct gzvm_memory_region_ranges *)(ram + off);
}

s64 register_slot(u16 vm, u32 slot, u64 gpa, u64 pages)
{
	struct gzvm_memory_region_ranges *b = region_buf(0);

	b->slot = slot;
	b->total_pages = pages;
	b->gpa = gpa;
	b->constituent_cnt = 0;
	return status(call(GZVM_FN_SET_MEMREGION, vm, 2 * PG, ram_pa(0), 0, 0));
}
