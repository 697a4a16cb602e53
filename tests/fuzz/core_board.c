// SPDX-License-Identifier: GPL-2.0-only
/* The fuzzers' board (core_board.h), set up once per process. */
#include <stdint.h>
#include <stdlib.h>

#include <hyp/bootinfo.h>
#include <hyp/channel.h>
#include <hyp/host_s2.h>
#include <hyp/layout.h>
#include <hyp/mem_owner.h>
#include <hyp/page_alloc.h>
#include <hyp/vm.h>

#include "core_board.h"

#define POOL_SIZE	(8ULL << 20)

static u8 *ram;
static u64 pool_baseline;

static void board_init(void)
{
	u64 base, carveout;
	struct mem_range r;
	void *pool, *meta;

	ram = aligned_alloc(2 << 20, FUZZ_RAM_SIZE);
	pool = aligned_alloc(FUZZ_PG, POOL_SIZE);
	if (!ram || !pool)
		abort();
	base = (u64)(uintptr_t)ram;
	carveout = base + FUZZ_RAM_SIZE - FUZZ_HYP_SIZE;
	r = (struct mem_range){ base, FUZZ_RAM_SIZE };
	meta = calloc(1, mem_owner_meta_size(&r, 1));
	if (!meta)
		abort();
	mem_owner_init(&r, 1, meta);
	if (mem_owner_claim_hyp(carveout, FUZZ_HYP_SIZE))
		abort();
	pool_init(&hyp_pool, pool, POOL_SIZE);
	{
		struct boot_info bi = { .ram = { r }, .nr_ram = 1 };
		struct boot_layout l = { .carveout_base = carveout, .carveout_size = FUZZ_HYP_SIZE };

		if (!host_s2_build(&bi, &l, 48))
			abort();
	}
	vm_init(40);
	chan_init();
	pool_baseline = pool_used_pages(&hyp_pool);
}

u8 *fuzz_board_ram(void)
{
	if (!ram)
		board_init();
	return ram;
}

u64 fuzz_board_pool_baseline(void)
{
	fuzz_board_ram();
	return pool_baseline;
}
