// SPDX-License-Identifier: GPL-2.0-only
/*
 * The translation-table code (hyp/arch/arm64/pgtable.c) against a model:
 * random sequences of pgt_map/pgt_unmap over a 2 GiB window of a stage-1
 * or stage-2 table of every supported input size, with ranges of single
 * pages, runs, 2 MiB and 1 GiB blocks and anything between (so blocks are
 * made, split by smaller maps and unmaps, and replaced), and allocations
 * that fail on request.  The model is one entry per 4 KiB page of the
 * window.  Invariants:
 *   - after every call, every page of the range it was given, rounded out
 *     to 2 MiB, translates exactly as the model says (output address and
 *     attributes), through pgt_lookup; so does the whole window at the end;
 *   - a call refused (-1) changes nothing, and is refused exactly when its
 *     arguments are invalid; a call fails for memory (-2) only when an
 *     allocation failed, and then each page of its range holds either its
 *     old translation or the new one (no third state, nothing outside);
 *   - no level-0 leaf; table pages come from the allocator and go back to
 *     it once each (a double or foreign free aborts);
 *   - after unmapping the whole window every page is unmapped, and after
 *     pgt_destroy every table page is free again.
 * ASan/UBSan catch out-of-bounds accesses.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/pgtable.h>

#include "fuzz_input.h"

#define WINDOW_PAGES	(1U << 19)		/* 2 GiB */
#define POOL_PAGES	4096
#define POOL_PA		0x40000000ULL		/* where the fake tables "are" */
#define PG		4096ULL

/* the model's loops run over up to 512K pages: coverage feedback there is only noise */
#define NO_COVERAGE	__attribute__((no_sanitize("coverage")))

/* ---- the table pages ---------------------------------------------------------- */

static u8 pool[POOL_PAGES][PG] __attribute__((aligned(4096)));
static bool used[POOL_PAGES];
static unsigned int nr_used;
static long fail_after = -1;	/* allocations left before one fails; -1: never */
static bool alloc_failed;

static void *zalloc_pages(void *ctx, unsigned int nr)
{
	(void)ctx;
	if (fail_after == 0) {
		alloc_failed = true;
		return NULL;
	}
	if (fail_after > 0)
		fail_after--;
	for (unsigned int i = 0; i + nr <= POOL_PAGES; i++) {
		unsigned int j = 0;

		while (j < nr && !used[i + j])
			j++;
		if (j < nr) {
			i += j;
			continue;
		}
		for (j = 0; j < nr; j++)
			used[i + j] = true;
		nr_used += nr;
		memset(pool[i], 0, nr * PG);
		return pool[i];
	}
	alloc_failed = true;
	return NULL;
}

static unsigned int page_index(const void *page)
{
	uintptr_t off = (uintptr_t)page - (uintptr_t)pool;

	CHECK((uintptr_t)page >= (uintptr_t)pool && off < sizeof(pool) && !(off % PG));
	return (unsigned int)(off / PG);
}

static void free_pages(void *ctx, void *page, unsigned int nr)
{
	unsigned int first = page_index(page);

	(void)ctx;
	for (unsigned int i = first; i < first + nr; i++) {
		CHECK(i < sizeof(pool) / PG && used[i]);
		used[i] = false;
		nr_used--;
		/* a freed table read again would now be garbage */
		memset(pool[i], 0xa5, PG);
	}
}

static u64 virt_to_phys(void *ctx, void *va)
{
	(void)ctx;
	return POOL_PA + (u64)page_index(va) * PG;
}

static void *phys_to_virt(void *ctx, u64 pa)
{
	(void)ctx;
	CHECK(pa >= POOL_PA && pa < POOL_PA + sizeof(pool) && !(pa % PG));
	CHECK(used[(pa - POOL_PA) / PG]);
	return pool[(pa - POOL_PA) / PG];
}

static const struct pgtable_mm_ops mm = {
	.zalloc_pages = zalloc_pages, .free_pages = free_pages,
	.virt_to_phys = virt_to_phys, .phys_to_virt = phys_to_virt,
};

/* ---- the model ---------------------------------------------------------------- */

struct page_map {
	u64 pa;		/* output address of the page; 0 with attr 0: unmapped */
	u64 attr;	/* PTE_ATTR_MASK bits | PTE_VALID */
};

static struct page_map model[WINDOW_PAGES];
static struct pgtable pt;
static u64 window;	/* IA of the window's first page */

/*
 * What the tables say for page p of the window, and in *run how many pages
 * from p on the same entry covers (a leaf, or an invalid entry at any level).
 */
static struct page_map actual(u32 p, u64 *run)
{
	u64 ia = window + (u64)p * PG, pte, size;
	unsigned int level;
	bool mapped = pgt_lookup(&pt, ia, &pte, &level);

	size = pgt_level_size(level);
	*run = (size - (ia & (size - 1))) / PG;
	if (!mapped)
		return (struct page_map){ 0, 0 };
	CHECK(level >= 1 && level <= 3);
	return (struct page_map){
		(pte & PTE_ADDR_MASK & ~(size - 1)) + (ia & (size - 1)),
		(pte & PTE_ATTR_MASK) | PTE_VALID,
	};
}

NO_COVERAGE static bool same(struct page_map a, struct page_map b)
{
	return a.pa == b.pa && a.attr == b.attr;
}

/* Page i of a run that starts with translation a. */
NO_COVERAGE static struct page_map nth(struct page_map a, u64 i)
{
	return a.attr ? (struct page_map){ a.pa + i * PG, a.attr } : a;
}

/* Every page of [first, first + n) of the window as the model says. */
NO_COVERAGE static void check_pages(u32 first, u64 n)
{
	u64 end = MIN((u64)first + n, (u64)WINDOW_PAGES);

	static const struct page_map none[512];

	for (u64 p = first, run; p < end; p += run) {
		struct page_map a = actual((u32)p, &run);
		u64 n = MIN(run, end - p);

		if (a.attr) {
			for (u64 i = 0; i < n; i++)
				CHECK(same(nth(a, i), model[p + i]));
			continue;
		}
		/* unmapped: the model must hold nothing there (memcmp: quick over 1 GiB) */
		for (u64 i = 0; i < n; i += 512)
			CHECK(!memcmp(&model[p + i], none, MIN(512, n - i) * sizeof(none[0])));
	}
}

/*
 * The range a call was given, rounded out to 2 MiB with a page more on each
 * side: the blocks a split or a merge may have rewritten.
 */
static void check_around(u32 first, u64 n)
{
	u64 from = first & ~511U, to = ((u64)first + n + 511) & ~511ULL;

	from = from ? from - 1 : 0;
	check_pages((u32)from, to + 1 - from);
}

/* ---- the calls ---------------------------------------------------------------- */

struct call {
	bool unmap;
	u32 first;	/* page of the window */
	u64 n;		/* pages */
	u64 pa, attr;
};

static u64 draw_pages(struct input *in, u32 first)
{
	u64 left = WINDOW_PAGES - first, n;

	switch (take(in, 1) & 7) {
	case 0: case 1: case 2:
		n = 1 + take(in, 1) % 16;
		break;
	case 3:
		n = 1 + take(in, 2) % 2048;
		break;
	case 4: case 5:
		n = 512 * (1 + take(in, 1) % 4);	/* 2 MiB blocks */
		break;
	case 6:
		n = 1U << 18;				/* 1 GiB */
		break;
	default:
		/* anything: 0, past the window, past the input range */
		return take(in, 3) % (2ULL * WINDOW_PAGES);
	}
	return MIN(n, left);
}

static u32 draw_first(struct input *in)
{
	u32 p = (u32)take(in, 3) % WINDOW_PAGES;

	switch (take(in, 1) & 3) {
	case 0:
		return p & ~511U;		/* 2 MiB aligned */
	case 1:
		return p & ~((1U << 18) - 1);	/* 1 GiB aligned */
	default:
		return p;
	}
}

static struct call draw_call(struct input *in)
{
	struct call c = { .unmap = take(in, 1) & 1 };
	u64 ia;

	c.first = draw_first(in);
	c.n = draw_pages(in, c.first);
	ia = window + (u64)c.first * PG;
	/* an output address as aligned as the IA half of the time, so blocks fit */
	if (take(in, 1) & 1)
		c.pa = ia + (take(in, 1) << 30);
	else
		c.pa = take(in, 5) << 12;
	c.attr = take(in, 8) & PTE_ATTR_MASK;
	return c;
}

static bool call_valid(const struct call *c)
{
	u64 ia = window + (u64)c->first * PG, size = c->n * PG;

	if (!c->n || c->n > (1ULL << pt.ia_bits) / PG || ia + size > (1ULL << pt.ia_bits))
		return false;
	/* output addresses are 48 bits: the last page, 0xffff_ffff_f000, too */
	return c->unmap || (c->pa < (1ULL << 48) && size <= (1ULL << 48) - c->pa);
}

NO_COVERAGE static struct page_map wanted(const struct call *c, u64 i)
{
	if (c->unmap)
		return (struct page_map){ 0, 0 };
	return (struct page_map){ c->pa + i * PG, c->attr | PTE_VALID };
}

NO_COVERAGE static void model_set(const struct call *c, u64 n)
{
	for (u64 i = 0; i < n; i++)
		model[c->first + i] = wanted(c, i);
}

/* After a failure: each page old or new, and the model follows the tables. */
NO_COVERAGE static void model_follow(const struct call *c, u64 n)
{
	for (u64 i = 0, run; i < n; i += run) {
		struct page_map a = actual((u32)(c->first + i), &run);

		for (u64 j = 0; j < run && i + j < n; j++) {
			struct page_map now = nth(a, j), *m = &model[c->first + i + j];

			CHECK(same(now, *m) || same(now, wanted(c, i + j)));
			*m = now;
		}
	}
}

static void do_call(const struct call *c)
{
	u64 ia = window + (u64)c->first * PG;
	u64 in_window = MIN(c->n, (u64)WINDOW_PAGES - c->first);
	int ret;

	alloc_failed = false;
	ret = c->unmap ? pgt_unmap(&pt, ia, c->n * PG) : pgt_map(&pt, ia, c->pa, c->n * PG, c->attr);
	CHECK((ret == -1) == !call_valid(c));
	CHECK(ret == 0 || ret == -1 || (ret == -2 && alloc_failed));
	if (ret == -1) {
		check_around(c->first, in_window);
		return;
	}
	if (ret == -2) {
		model_follow(c, in_window);
	} else {
		model_set(c, in_window);
	}
	check_around(c->first, in_window);
}

/* ---- one input ---------------------------------------------------------------- */

static const unsigned int ia_sizes[] = { 32, 33, 36, 39, 40, 42, 44, 47, 48 };

static bool setup(struct input *in)
{
	u8 how = (u8)take(in, 1);
	unsigned int ia_bits = ia_sizes[(how & 15) % (sizeof(ia_sizes) / sizeof(ia_sizes[0]))];
	bool stage2 = how & 16;
	u64 windows = (1ULL << (ia_bits - 30)) - 1;	/* 1 GiB-aligned starts that fit 2 GiB */

	if (pgt_init(&pt, ia_bits, stage2, &mm))
		return false;
	window = (take(in, 3) % windows) << 30;
	memset(model, 0, sizeof(model));
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct call all = { .unmap = true, .first = 0, .n = WINDOW_PAGES };

	fail_after = -1;
	if (!setup(&in)) {
		CHECK(!nr_used);
		return 0;
	}
	while (in.n) {
		u8 op = (u8)take(&in, 1);

		if (op < 0x10)
			fail_after = op < 0x08 ? (long)(op & 7) : -1;
		else {
			struct call c = draw_call(&in);

			do_call(&c);
		}
	}
	fail_after = -1;
	check_pages(0, WINDOW_PAGES);
	do_call(&all);
	check_pages(0, WINDOW_PAGES);
	pgt_destroy(&pt);
	CHECK(!nr_used);
	return 0;
}
