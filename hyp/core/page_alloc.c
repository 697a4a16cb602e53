// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page pool.  Pages are handed out from a bump pointer; single pages
 * that come back go on a free list and are reused first.  Multi-page
 * requests (concatenated stage-2 roots) only come from the bump region.
 */
#include <hyp/page_alloc.h>
#include <hyp/string.h>

#define POOL_PAGE	4096UL

struct page_pool hyp_pool;

void pool_init(struct page_pool *pool, void *base, u64 size)
{
	uintptr_t start = ALIGN_UP((uintptr_t)base, POOL_PAGE);
	uintptr_t end = ALIGN_DOWN((uintptr_t)base + size, POOL_PAGE);

	*pool = (struct page_pool){
		.lock = SPINLOCK_INIT,
		.next = start,
		.end = end > start ? end : start,
		.total_pages = end > start ? (end - start) / POOL_PAGE : 0,
	};
}

void *pool_zalloc_pages(struct page_pool *pool, unsigned int nr)
{
	void *p = NULL;

	if (!nr)
		return NULL;
	spin_lock(&pool->lock);
	if (nr == 1 && pool->free_list) {
		p = pool->free_list;
		pool->free_list = *(void **)p;
	} else {
		/*
		 * Multi-page blocks are aligned to their size (rounded up to a
		 * power of two), as concatenated stage-2 roots must be; the
		 * pages skipped for that go on the free list.
		 */
		uintptr_t align = POOL_PAGE;
		uintptr_t start;

		while (align < (uintptr_t)nr * POOL_PAGE)
			align <<= 1;
		start = ALIGN_UP(pool->next, align);
		if (start <= pool->end && (pool->end - start) / POOL_PAGE >= nr) {
			for (uintptr_t skip = pool->next; skip < start; skip += POOL_PAGE) {
				*(void **)skip = pool->free_list;
				pool->free_list = (void *)skip;
			}
			p = (void *)start;
			pool->next = start + (uintptr_t)nr * POOL_PAGE;
		}
	}
	if (p)
		pool->used_pages += nr;
	spin_unlock(&pool->lock);
	if (p)
		memset(p, 0, (size_t)nr * POOL_PAGE);
	return p;
}

void pool_free_page(struct page_pool *pool, void *page)
{
	if (!page)
		return;
	spin_lock(&pool->lock);
	*(void **)page = pool->free_list;
	pool->free_list = page;
	pool->used_pages--;
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

void pool_mm_free(void *ctx, void *page)
{
	pool_free_page(ctx, page);
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
