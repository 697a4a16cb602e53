// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page pool: a bitmap of its free pages.  A request for nr pages takes
 * the first run of nr free pages aligned to nr rounded up to a power of
 * two (concatenated stage-2 roots need it), and what is given back is free
 * for requests of any size again: creating and destroying VMs forever, or
 * a VM that once used many single table pages, never leaves the pool
 * unable to find a VM's 2-page root while it has free pages enough.
 */
#include <hyp/page_alloc.h>
#include <hyp/string.h>

#define POOL_PAGE	4096UL

struct page_pool hyp_pool;

static bool page_free(const struct page_pool *pool, u64 i)
{
	return pool->free_map[i / 64] >> (i % 64) & 1;
}

static void mark(struct page_pool *pool, u64 first, u64 nr, bool free)
{
	for (u64 i = first; i < first + nr; i++) {
		if (free)
			pool->free_map[i / 64] |= 1ULL << (i % 64);
		else
			pool->free_map[i / 64] &= ~(1ULL << (i % 64));
	}
}

void pool_init(struct page_pool *pool, void *base, u64 size)
{
	uintptr_t start = ALIGN_UP((uintptr_t)base, POOL_PAGE);
	uintptr_t end = ALIGN_DOWN((uintptr_t)base + size, POOL_PAGE);
	u64 pages = end > start ? (end - start) / POOL_PAGE : 0;

	memset(pool, 0, sizeof(*pool));
	pool->lock = (spinlock_t)SPINLOCK_INIT;
	pool->base = start;
	pool->total_pages = pages < POOL_MAX_PAGES ? pages : POOL_MAX_PAGES;
	mark(pool, 0, pool->total_pages, true);
}

/* The first page of a free run of nr, aligned to align pages, or total_pages. */
static u64 find_run(const struct page_pool *pool, u64 nr, u64 align)
{
	u64 first = (ALIGN_UP(pool->base, align * POOL_PAGE) - pool->base) / POOL_PAGE, i, n;

	for (i = first; i + nr <= pool->total_pages; i += align) {
		/* a whole word of used pages: skip it (single pages, mostly) */
		if (align == 1 && !pool->free_map[i / 64]) {
			i = ALIGN_UP(i + 1, 64) - 1;
			continue;
		}
		for (n = 0; n < nr && page_free(pool, i + n); n++)
			;
		if (n == nr)
			return i;
	}
	return pool->total_pages;
}

void *pool_zalloc_pages(struct page_pool *pool, unsigned int nr)
{
	u64 align = 1, i;
	void *p = NULL;

	if (!nr)
		return NULL;
	while (align < nr)
		align <<= 1;
	spin_lock(&pool->lock);
	i = find_run(pool, nr, align);
	if (i < pool->total_pages) {
		mark(pool, i, nr, false);
		pool->used_pages += nr;
		p = (void *)(pool->base + i * POOL_PAGE);
	}
	spin_unlock(&pool->lock);
	if (p)
		memset(p, 0, (size_t)nr * POOL_PAGE);
	return p;
}

void pool_free_pages(struct page_pool *pool, void *page, unsigned int nr)
{
	u64 i = ((uintptr_t)page - pool->base) / POOL_PAGE;

	/* nothing outside the bitmap: a stray pointer must not clear EL2 memory's bits */
	if (!page || !nr || (uintptr_t)page < pool->base || i + nr > pool->total_pages)
		return;
	spin_lock(&pool->lock);
	mark(pool, i, nr, true);
	pool->used_pages -= nr;
	spin_unlock(&pool->lock);
}

u64 pool_used_pages(struct page_pool *pool)
{
	u64 n;

	spin_lock(&pool->lock);
	n = pool->used_pages;
	spin_unlock(&pool->lock);
	return n;
}

void *pool_mm_zalloc(void *ctx, unsigned int nr)
{
	return pool_zalloc_pages(ctx, nr);
}

void pool_mm_free(void *ctx, void *page, unsigned int nr)
{
	pool_free_pages(ctx, page, nr);
}

u64 pool_identity_v2p(void *ctx, void *va)
{
	(void)ctx;
	return (u64)(uintptr_t)va;
}

void *pool_identity_p2v(void *ctx, u64 pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}
