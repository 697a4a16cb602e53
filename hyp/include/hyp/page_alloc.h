/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's page pool: the part of the carve-out after the image.
 * Fixed size, no growth.  Usage is counted so leaks are measurable
 * (reported by GET_STATISTICS and the log).
 */
#ifndef HYP_PAGE_ALLOC_H
#define HYP_PAGE_ALLOC_H

#include <hyp/compiler.h>
#include <hyp/spinlock.h>
#include <hyp/types.h>

/* The largest pool: 64 MiB (the board's carve-out is 32 MiB, image included). */
#define POOL_MAX_PAGES	16384

struct page_pool {
	spinlock_t lock;
	uintptr_t base;		/* the first page */
	u64 free_map[POOL_MAX_PAGES / 64];	/* bit i set: page i is free */
	u64 total_pages;
	u64 used_pages;
};

void pool_init(struct page_pool *pool, void *base, u64 size);
/*
 * nr zeroed, contiguous pages, aligned to nr rounded up to a power of two,
 * or NULL when the pool has no such run of free pages.
 */
void *pool_zalloc_pages(struct page_pool *pool, unsigned int nr);
/* Give back nr pages from page: what pool_zalloc_pages(pool, nr) returned. */
void pool_free_pages(struct page_pool *pool, void *page, unsigned int nr);
u64 pool_used_pages(struct page_pool *pool);

/*
 * In the shape of pgtable_mm_ops, for tables built from a pool: ctx is the
 * struct page_pool for the first two.  EL2 runs on an identity map, so a
 * pool page's address is its physical address (ctx unused).
 */
void *pool_mm_zalloc(void *ctx, unsigned int nr);
void pool_mm_free(void *ctx, void *page, unsigned int nr);
u64 pool_identity_v2p(void *ctx, void *va);
void *pool_identity_p2v(void *ctx, u64 pa);

/* The pool every hypervisor object comes from. */
extern struct page_pool hyp_pool;

#endif
