// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stage-1/stage-2 table construction: geometry, block choice, splitting of
 * blocks on partial map/unmap, attribute preservation, concatenated roots,
 * argument validation and memory accounting (no table leaks).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <asm/pgtable.h>

struct fake_mem {
	int live_pages;
	int fail_after;		/* allocations left before failing; -1 = never */
	int flushes;
};

static void *fake_zalloc(void *ctx, unsigned int nr)
{
	struct fake_mem *m = ctx;
	void *p;

	if (m->fail_after == 0)
		return NULL;
	if (m->fail_after > 0)
		m->fail_after--;
	p = aligned_alloc(4096 * nr, 4096 * nr);
	assert_non_null(p);
	memset(p, 0, 4096 * nr);
	m->live_pages += (int)nr;
	return p;
}

/* Blocks come back whole, as they were allocated (a concatenated root: nr > 1). */
static void fake_free(void *ctx, void *page, unsigned int nr)
{
	struct fake_mem *m = ctx;

	m->live_pages -= (int)nr;
	free(page);
}

static u64 fake_v2p(void *ctx, void *va)
{
	(void)ctx;
	return (u64)(uintptr_t)va;
}

static void *fake_p2v(void *ctx, u64 pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static void fake_flush(void *ctx, u64 ia, u64 size)
{
	(void)ia;
	(void)size;
	((struct fake_mem *)ctx)->flushes++;
}

static struct fake_mem mem;
static struct pgtable_mm_ops ops = {
	.zalloc_pages = fake_zalloc,
	.free_pages = fake_free,
	.virt_to_phys = fake_v2p,
	.phys_to_virt = fake_p2v,
	.ctx = &mem,
};

static int setup(void **state)
{
	(void)state;
	mem = (struct fake_mem){ .fail_after = -1 };
	ops.flush_range = NULL;
	return 0;
}

static void init_pt(struct pgtable *pt, unsigned int bits, bool stage2)
{
	assert_int_equal(pgt_init(pt, bits, stage2, &ops), 0);
}

static void destroy_pt(struct pgtable *pt)
{
	pgt_destroy(pt);
	assert_null(pt->root);
	assert_int_equal(mem.live_pages, 0);
}

#define ATTR_A	(S2_MEMATTR_NORMAL_WB | S2_AP_RW | S2_AF)
#define ATTR_B	(S2_MEMATTR_DEVICE_nGnRE | S2_AP_RW | S2_AF | S2_XN)

static void expect_leaf(const struct pgtable *pt, u64 ia, u64 pa, unsigned int level, u64 attr)
{
	u64 pte;
	unsigned int l;

	assert_true(pgt_lookup(pt, ia, &pte, &l));
	assert_int_equal(l, level);
	assert_int_equal(pte & PTE_ADDR_MASK, ALIGN_DOWN(pa, pgt_level_size(level)));
	assert_int_equal(pte & PTE_ATTR_MASK, attr);
	/* level 3 entries are pages (0b11), others blocks (0b01) */
	assert_int_equal(pte & 3, level == 3 ? 3 : 1);
}

static void test_geometry(void **state)
{
	unsigned int level, nr;

	(void)state;
	/* stage-1 never concatenates */
	assert_int_equal(pgt_geometry(48, false, &level, &nr), 0);
	assert_int_equal(level, 0);
	assert_int_equal(nr, 1);
	assert_int_equal(pgt_geometry(39, false, &level, &nr), 0);
	assert_int_equal(level, 1);
	assert_int_equal(nr, 1);
	/* stage-2 saves a level by concatenating up to 16 roots */
	assert_int_equal(pgt_geometry(40, true, &level, &nr), 0);
	assert_int_equal(level, 1);
	assert_int_equal(nr, 2);
	assert_int_equal(pgt_geometry(42, true, &level, &nr), 0);
	assert_int_equal(level, 1);
	assert_int_equal(nr, 8);
	assert_int_equal(pgt_geometry(43, true, &level, &nr), 0);
	assert_int_equal(level, 1);
	assert_int_equal(nr, 16);
	assert_int_equal(pgt_geometry(44, true, &level, &nr), 0);
	assert_int_equal(level, 0);
	assert_int_equal(nr, 1);
	assert_int_equal(pgt_geometry(48, true, &level, &nr), 0);
	assert_int_equal(level, 0);
	assert_int_equal(pgt_geometry(34, true, &level, &nr), 0);
	assert_int_equal(level, 2);
	assert_int_equal(nr, 16);
	assert_int_equal(pgt_geometry(36, true, &level, &nr), 0);
	assert_int_equal(level, 1);
	assert_int_equal(nr, 1);
	/* out of range */
	assert_int_equal(pgt_geometry(49, true, &level, &nr), -1);
	assert_int_equal(pgt_geometry(24, false, &level, &nr), -1);
}

static void test_blocks_chosen(void **state)
{
	struct pgtable pt;

	(void)state;
	init_pt(&pt, 44, true);
	/* 1 GiB + 2 MiB + 4 KiB, each aligned for its level */
	assert_int_equal(pgt_map(&pt, 0x40000000, 0x40000000, 0x40000000 + 0x200000 + 0x1000, ATTR_A), 0);
	expect_leaf(&pt, 0x40000000, 0x40000000, 1, ATTR_A);
	expect_leaf(&pt, 0x7fffffff, 0x7fffffff, 1, ATTR_A);
	expect_leaf(&pt, 0x80000000, 0x80000000, 2, ATTR_A);
	expect_leaf(&pt, 0x80200000, 0x80200000, 3, ATTR_A);
	assert_false(pgt_lookup(&pt, 0x80201000, &(u64){ 0 }, &(unsigned int){ 0 }));
	assert_false(pgt_lookup(&pt, 0x3ffff000, &(u64){ 0 }, &(unsigned int){ 0 }));
	/* root + L1 + L2 + L3 */
	assert_int_equal(mem.live_pages, 4);
	destroy_pt(&pt);
}

static void test_unaligned_pa_uses_pages(void **state)
{
	struct pgtable pt;

	(void)state;
	init_pt(&pt, 40, true);
	/* IA 2 MiB aligned but PA only 4 KiB aligned: no block possible */
	assert_int_equal(pgt_map(&pt, 0x200000, 0x5000, 0x200000, ATTR_A), 0);
	expect_leaf(&pt, 0x200000, 0x5000, 3, ATTR_A);
	expect_leaf(&pt, 0x3ff000, 0x5000 + 0x1ff000, 3, ATTR_A);
	destroy_pt(&pt);
}

static void test_unmap_splits_block(void **state)
{
	struct pgtable pt;
	u64 pte;
	unsigned int level;

	(void)state;
	init_pt(&pt, 40, true);
	assert_int_equal(pgt_map(&pt, 0, 0, 1ULL << 32, ATTR_B), 0);
	assert_int_equal(pgt_map(&pt, 0x40000000, 0x40000000, 0x80000000, ATTR_A), 0);
	/* a carve-out at 0x40200000, 32 MiB: the first GiB block is split into 2 MiB blocks */
	assert_int_equal(pgt_unmap(&pt, 0x40200000, 32 << 20), 0);
	expect_leaf(&pt, 0x40000000, 0x40000000, 2, ATTR_A);
	/* a miss names the level of the empty entry: a 2 MiB hole each */
	assert_false(pgt_lookup(&pt, 0x40200000, &pte, &level));
	assert_int_equal(level, 2);
	assert_false(pgt_lookup(&pt, 0x421ff000, &pte, &level));
	assert_int_equal(level, 2);
	expect_leaf(&pt, 0x42200000, 0x42200000, 2, ATTR_A);
	expect_leaf(&pt, 0x80000000, 0x80000000, 1, ATTR_A);
	expect_leaf(&pt, 0x09000000, 0x09000000, 1, ATTR_B);
	/* one 4 KiB hole in a 2 MiB block gives a level-3 table around it */
	assert_int_equal(pgt_unmap(&pt, 0x42201000, 0x1000), 0);
	expect_leaf(&pt, 0x42200000, 0x42200000, 3, ATTR_A);
	assert_false(pgt_lookup(&pt, 0x42201000, &pte, &level));
	assert_int_equal(level, 3);
	expect_leaf(&pt, 0x42202000, 0x42202000, 3, ATTR_A);
	expect_leaf(&pt, 0x42400000, 0x42400000, 2, ATTR_A);
	/* unmapping what is not mapped is fine and allocates nothing */
	int before = mem.live_pages;

	assert_int_equal(pgt_unmap(&pt, 0x42201000, 0x1000), 0);
	assert_int_equal(pgt_unmap(&pt, 0x100000000ULL * 200, 0x1000), 0);
	assert_int_equal(mem.live_pages, before);
	destroy_pt(&pt);
}

static void test_remap_replaces_and_frees(void **state)
{
	struct pgtable pt;

	(void)state;
	init_pt(&pt, 48, false);
	assert_int_equal(pgt_map(&pt, 0, 0, 0x200000, ATTR_A), 0);	/* one 2 MiB block */
	assert_int_equal(pgt_map(&pt, 0x1000, 0x1000, 0x1000, ATTR_B), 0);	/* split */
	expect_leaf(&pt, 0x1000, 0x1000, 3, ATTR_B);
	expect_leaf(&pt, 0x2000, 0x2000, 3, ATTR_A);
	assert_int_equal(mem.live_pages, 4);
	/* mapping the whole 2 MiB again collapses to a block and frees the L3 table */
	assert_int_equal(pgt_map(&pt, 0, 0, 0x200000, ATTR_A), 0);
	expect_leaf(&pt, 0x1000, 0x1000, 2, ATTR_A);
	assert_int_equal(mem.live_pages, 3);
	/* unmapping a whole 512 GiB entry frees its subtree */
	assert_int_equal(pgt_unmap(&pt, 0, 1ULL << 39), 0);
	assert_int_equal(mem.live_pages, 1);
	destroy_pt(&pt);
}

static void test_break_before_make(void **state)
{
	struct pgtable pt;

	(void)state;
	ops.flush_range = fake_flush;
	init_pt(&pt, 40, true);
	assert_int_equal(pgt_map(&pt, 0, 0, 0x200000, ATTR_A), 0);
	assert_int_equal(mem.flushes, 0);	/* new entries need no flush */
	assert_int_equal(pgt_map(&pt, 0, 0, 0x200000, ATTR_A), 0);
	assert_int_equal(mem.flushes, 0);	/* identical rewrite: no flush */
	assert_int_equal(pgt_unmap(&pt, 0x1000, 0x1000), 0);
	/* the 2 MiB block was replaced by a table (1), then the page removed (1) */
	assert_int_equal(mem.flushes, 2);
	destroy_pt(&pt);
}

static void test_bad_arguments(void **state)
{
	struct pgtable pt;

	(void)state;
	init_pt(&pt, 40, true);
	assert_int_equal(pgt_map(&pt, 0x1001, 0, 0x1000, ATTR_A), -1);
	assert_int_equal(pgt_map(&pt, 0x1000, 0x10, 0x1000, ATTR_A), -1);
	assert_int_equal(pgt_map(&pt, 0x1000, 0, 0x1800, ATTR_A), -1);
	assert_int_equal(pgt_map(&pt, 0x1000, 0, 0, ATTR_A), -1);
	assert_int_equal(pgt_map(&pt, 1ULL << 40, 0, 0x1000, ATTR_A), -1);
	assert_int_equal(pgt_map(&pt, (1ULL << 40) - 0x1000, 0, 0x2000, ATTR_A), -1);
	/* size that wraps the address space */
	assert_int_equal(pgt_map(&pt, 0x1000, 0, ~0xfffULL, ATTR_A), -1);
	/* PA beyond 48 bits */
	assert_int_equal(pgt_map(&pt, 0, 1ULL << 48, 0x1000, ATTR_A), -1);
	assert_int_equal(pgt_map(&pt, 0, (1ULL << 48) - 0x1000, 0x2000, ATTR_A), -1);
	assert_int_equal(pgt_unmap(&pt, 0x1001, 0x1000), -1);
	assert_int_equal(mem.live_pages, 2);	/* the two concatenated roots only */
	/* ... but its last page is a page like the others (fuzz_pgtable found it refused) */
	assert_int_equal(pgt_map(&pt, 0x5000, (1ULL << 48) - 0x1000, 0x1000, ATTR_A), 0);
	expect_leaf(&pt, 0x5000, (1ULL << 48) - 0x1000, 3, ATTR_A);
	destroy_pt(&pt);
}

static void test_out_of_memory(void **state)
{
	struct pgtable pt;
	u64 pte;
	unsigned int level;

	(void)state;
	init_pt(&pt, 48, false);
	mem.fail_after = 1;	/* one table, then nothing */
	assert_int_equal(pgt_map(&pt, 0x1000, 0x1000, 0x1000, ATTR_A), -2);
	assert_false(pgt_lookup(&pt, 0x1000, &pte, &level));
	mem.fail_after = -1;
	assert_int_equal(pgt_map(&pt, 0x1000, 0x1000, 0x1000, ATTR_A), 0);
	expect_leaf(&pt, 0x1000, 0x1000, 3, ATTR_A);
	destroy_pt(&pt);
	mem.fail_after = 0;
	assert_int_equal(pgt_init(&pt, 48, false, &ops), -2);
	assert_int_equal(pgt_init(&pt, 20, false, &ops), -1);
}

static void test_host_identity_map_shape(void **state)
{
	struct pgtable pt;

	(void)state;
	/* the hypervisor's boot map for QEMU virt: 1 TiB device, 2 GiB RAM, 32 MiB hole */
	init_pt(&pt, 44, true);
	assert_int_equal(pgt_map(&pt, 0, 0, 1ULL << 40, ATTR_B), 0);
	assert_int_equal(pgt_map(&pt, 0x40000000, 0x40000000, 0x80000000, ATTR_A), 0);
	assert_int_equal(pgt_unmap(&pt, 0x40200000, 32 << 20), 0);
	/* root + 2 L1 + 1 L2 */
	assert_int_equal(mem.live_pages, 4);
	expect_leaf(&pt, (1ULL << 40) - 0x1000, (1ULL << 40) - 0x1000, 1, ATTR_B);
	assert_false(pgt_lookup(&pt, 1ULL << 40, &(u64){ 0 }, &(unsigned int){ 0 }));
	destroy_pt(&pt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_geometry, setup),
		cmocka_unit_test_setup(test_blocks_chosen, setup),
		cmocka_unit_test_setup(test_unaligned_pa_uses_pages, setup),
		cmocka_unit_test_setup(test_unmap_splits_block, setup),
		cmocka_unit_test_setup(test_remap_replaces_and_frees, setup),
		cmocka_unit_test_setup(test_break_before_make, setup),
		cmocka_unit_test_setup(test_bad_arguments, setup),
		cmocka_unit_test_setup(test_out_of_memory, setup),
		cmocka_unit_test_setup(test_host_identity_map_shape, setup),
	};

	return cmocka_run_group_tests_name("pgtable", tests, NULL, NULL);
}
