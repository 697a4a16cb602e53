// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page pool.  Pages are handed out from a bump pointer; blocks that
 * come back go on a free list for their size and are reused first, so a
 * VM's concatenated stage-2 root is reused by the next VM, never lost to
 * the single pages (creating and destroying VMs forever must not use the
 * pool up).  Larger blocks are only taken at boot, never given back.
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

/* Hand out nr pages at start (taken from the free list or the bump region). */
static void *take_block(struct page_pool *pool, unsigned int nr)
{
	uintptr_t align = POOL_PAGE, start;

	if (nr <= POOL_MAX_BLOCK && pool->free_list[nr]) {
		void *p = pool->free_list[nr];

		pool->free_list[nr] = *(void **)p;
		return p;
	}
	/*
	 * From the bump region, aligned to the size rounded up to a power of
	 * two, as concatenated stage-2 roots must be; the pages skipped for
	 * that go on the single-page list.
	 */
	while (align < (uintptr_t)nr * POOL_PAGE)
		align <<= 1;
	start = ALIGN_UP(pool->next, align);
	if (start > pool->end || (pool->end - start) / POOL_PAGE < nr)
		return NULL;
	for (uintptr_t skip = pool->next; skip < start; skip += POOL_PAGE) {
		*(void **)skip = pool->free_list[1];
		pool->free_list[1] = (void *)skip;
	}
	pool->next = start + (uintptr_t)nr * POOL_PAGE;
	return (void *)start;
}

void *pool_zalloc_pages(struct page_pool *pool, unsigned int nr)
{
	void *p;

	if (!nr)
		return NULL;
	spin_lock(&pool->lock);
	p = take_block(pool, nr);
	if (p)
		pool->used_pages += nr;
	spin_unlock(&pool->lock);
	if (p)
		memset(p, 0, (size_t)nr * POOL_PAGE);
	return p;
}

void pool_free_pages(struct page_pool *pool, void *page, unsigned int nr)
{
	if (!page || !nr)
		return;
	spin_lock(&pool->lock);
	if (nr <= POOL_MAX_BLOCK) {
		*(void **)page = pool->free_list[nr];
		pool->free_list[nr] = page;
	} else {
		/* never done today; the pages still come back, one by one */
		for (unsigned int i = 0; i < nr; i++) {
			void *one = (u8 *)page + (uintptr_t)i * POOL_PAGE;

			*(void **)one = pool->free_list[1];
			pool->free_list[1] = one;
		}
	}
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
