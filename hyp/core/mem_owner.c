// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page ownership (see mem_owner.h).  One word per page of RAM:
 *
 *   bits 31..30  owner (enum page_owner)
 *   bits 29..16  pins by the hypervisor (up to 16383)
 *   bits 15..0   guest mappings of a lent host page (up to 65535)
 *
 * A GUEST page has no pins and no lends; bit 0 then says the guest shares it
 * with the host (GUEST_SHARED).
 *
 * A single lock serialises transitions; they are short and rare compared
 * with guest execution.
 */
#include <gzvm/hvc.h>
#include <hyp/compiler.h>
#include <hyp/mem_owner.h>
#include <hyp/spinlock.h>

#define PAGE_SZ		4096ULL
#define OWNER_SHIFT	30
#define PIN_SHIFT	16
#define PIN_MAX		0x3fffU
#define LEND_MAX	0xffffU
#define GUEST_WORD	((u32)PAGE_OWNER_GUEST << OWNER_SHIFT)
#define GUEST_SHARED	1U

static struct {
	spinlock_t lock;
	struct mem_range ram[BOOT_MAX_RAM_RANGES];
	u32 *meta[BOOT_MAX_RAM_RANGES];
	unsigned int nr;
	u64 lent;		/* guest mappings of host pages, all VMs */
	u64 donated;		/* pages owned by protected guests */
	u64 shared;		/* of which shared with the host */
} owners = { .lock = SPINLOCK_INIT };

static inline enum page_owner word_owner(u32 w)	{ return (enum page_owner)(w >> OWNER_SHIFT); }
static inline u32 word_pins(u32 w)		{ return (w >> PIN_SHIFT) & PIN_MAX; }
static inline u32 word_lends(u32 w)		{ return w & LEND_MAX; }

u64 mem_owner_meta_size(const struct mem_range *ram, unsigned int nr)
{
	u64 pages = 0;

	for (unsigned int i = 0; i < nr; i++)
		pages += ram[i].size / PAGE_SZ;
	return pages * sizeof(u32);
}

void mem_owner_init(const struct mem_range *ram, unsigned int nr, void *meta)
{
	u32 *w = meta;

	owners.nr = MIN(nr, (unsigned int)BOOT_MAX_RAM_RANGES);
	for (unsigned int i = 0; i < owners.nr; i++) {
		owners.ram[i] = ram[i];
		owners.meta[i] = w;
		w += ram[i].size / PAGE_SZ;
	}
}

/* The metadata word of pa, or NULL if pa is not tracked RAM. */
static u32 *word_of(u64 pa)
{
	for (unsigned int i = 0; i < owners.nr; i++) {
		const struct mem_range *r = &owners.ram[i];

		if (pa >= r->base && pa - r->base < r->size)
			return &owners.meta[i][(pa - r->base) / PAGE_SZ];
	}
	return NULL;
}

/* Every page from first to last, both included (last may be the top page). */
#define for_each_page(p, first, last) \
	for (u64 p = (first), p##_done = 0; !p##_done; p##_done = (p == (last)), p += PAGE_SZ)

/* Page-aligned [first, last] page range of [pa, pa + size), false if empty or wrapping. */
static bool page_span(u64 pa, u64 size, u64 *first, u64 *last)
{
	if (!size || pa + size < pa)
		return false;
	*first = ALIGN_DOWN(pa, PAGE_SZ);
	*last = ALIGN_DOWN(pa + size - 1, PAGE_SZ);
	return true;
}

/* Every page of the span is tracked and owned by `owner`. Lock held. */
static bool span_owned_by(u64 first, u64 last, enum page_owner owner)
{
	for_each_page(p, first, last) {
		u32 *w = word_of(p);

		if (!w || word_owner(*w) != owner)
			return false;
	}
	return true;
}

int mem_owner_claim_hyp(u64 pa, u64 size)
{
	u64 first, last;
	int ret = GZVM_ERR_INVALID_ARGS;

	if (!page_span(pa, size, &first, &last))
		return ret;
	spin_lock(&owners.lock);
	if (span_owned_by(first, last, PAGE_OWNER_HOST)) {
		for_each_page(p, first, last)
			*word_of(p) = (u32)PAGE_OWNER_HYP << OWNER_SHIFT;
		ret = GZVM_OK;
	}
	spin_unlock(&owners.lock);
	return ret;
}

bool mem_owner_is_host(u64 pa, u64 size)
{
	u64 first, last;
	bool ok;

	if (!page_span(pa, size, &first, &last))
		return false;
	spin_lock(&owners.lock);
	ok = span_owned_by(first, last, PAGE_OWNER_HOST);
	spin_unlock(&owners.lock);
	return ok;
}

/* Pin [first, last] for the hypervisor; `alone`: no page pinned or lent yet. */
static int pin_host(u64 pa, u64 size, bool alone)
{
	u64 first, last;
	int ret = GZVM_ERR_INVALID_ARGS;

	if (!page_span(pa, size, &first, &last))
		return ret;
	spin_lock(&owners.lock);
	if (span_owned_by(first, last, PAGE_OWNER_HOST)) {
		ret = GZVM_OK;
		for_each_page(p, first, last) {
			u32 w = *word_of(p);

			if (word_pins(w) == PIN_MAX || (alone && (word_pins(w) || word_lends(w))))
				ret = GZVM_ERR_BUSY;
		}
	}
	if (ret == GZVM_OK) {
		for_each_page(p, first, last)
			*word_of(p) += 1U << PIN_SHIFT;
	}
	spin_unlock(&owners.lock);
	return ret;
}

int mem_owner_pin_host(u64 pa, u64 size)
{
	return pin_host(pa, size, false);
}

int mem_owner_pin_host_alone(u64 pa, u64 size)
{
	return pin_host(pa, size, true);
}

void mem_owner_unpin_host(u64 pa, u64 size)
{
	u64 first, last;

	if (!page_span(pa, size, &first, &last))
		return;
	spin_lock(&owners.lock);
	for_each_page(p, first, last) {
		u32 *w = word_of(p);

		/* unbalanced unpins are a hypervisor bug: never underflow */
		if (w && word_pins(*w))
			*w -= 1U << PIN_SHIFT;
	}
	spin_unlock(&owners.lock);
}

int mem_owner_lend(u64 pa)
{
	u32 *w;
	int ret = GZVM_ERR_INVALID_ARGS;

	spin_lock(&owners.lock);
	w = word_of(pa);
	if (w && word_owner(*w) == PAGE_OWNER_HOST) {
		if (word_lends(*w) == LEND_MAX) {
			ret = GZVM_ERR_BUSY;
		} else {
			*w += 1;
			owners.lent++;
			ret = GZVM_OK;
		}
	}
	spin_unlock(&owners.lock);
	return ret;
}

void mem_owner_unlend(u64 pa)
{
	u32 *w;

	spin_lock(&owners.lock);
	w = word_of(pa);
	if (w && word_lends(*w)) {
		*w -= 1;
		owners.lent--;
	}
	spin_unlock(&owners.lock);
}

u64 mem_owner_total_lent(void)
{
	return READ_ONCE(owners.lent);
}

int mem_owner_donate(u64 pa, u32 lends)
{
	u32 *w;
	int ret = GZVM_ERR_INVALID_ARGS;

	spin_lock(&owners.lock);
	w = word_of(pa);
	if (w && word_owner(*w) == PAGE_OWNER_HOST) {
		/* pinned for the hypervisor's use, or mapped by some other VM: not now */
		ret = GZVM_ERR_BUSY;
		if (!word_pins(*w) && word_lends(*w) == lends) {
			*w = GUEST_WORD;
			owners.lent -= lends;
			owners.donated++;
			ret = GZVM_OK;
		}
	}
	spin_unlock(&owners.lock);
	return ret;
}

void mem_owner_reclaim(u64 pa, u32 lends)
{
	u32 *w;

	spin_lock(&owners.lock);
	w = word_of(pa);
	/* reclaiming what is not a guest's is a hypervisor bug: change nothing */
	if (w && word_owner(*w) == PAGE_OWNER_GUEST) {
		owners.shared -= *w & GUEST_SHARED;
		*w = ((u32)PAGE_OWNER_HOST << OWNER_SHIFT) | lends;
		owners.lent += lends;
		owners.donated--;
	}
	spin_unlock(&owners.lock);
}

u64 mem_owner_total_donated(void)
{
	return READ_ONCE(owners.donated);
}

/* A guest page from one sharing state to the other: from `from` to `to`. */
static int set_shared(u64 pa, u32 from, u32 to)
{
	u32 *w;
	int ret = GZVM_ERR_INVALID_ARGS;

	spin_lock(&owners.lock);
	w = word_of(pa);
	if (w && *w == (GUEST_WORD | from)) {
		*w = GUEST_WORD | to;
		owners.shared = owners.shared + to - from;
		ret = GZVM_OK;
	}
	spin_unlock(&owners.lock);
	return ret;
}

int mem_owner_share(u64 pa)
{
	return set_shared(pa, 0, GUEST_SHARED);
}

int mem_owner_unshare(u64 pa)
{
	return set_shared(pa, GUEST_SHARED, 0);
}

bool mem_owner_guest_shared(u64 pa)
{
	u32 *w = word_of(pa);

	return w && READ_ONCE(*w) == (GUEST_WORD | GUEST_SHARED);
}

u64 mem_owner_total_shared(void)
{
	return READ_ONCE(owners.shared);
}

enum page_owner mem_owner_of(u64 pa)
{
	u32 *w = word_of(pa);

	return w ? word_owner(READ_ONCE(*w)) : PAGE_OWNER_NONE;
}

u32 mem_owner_lend_count(u64 pa)
{
	u32 *w = word_of(pa);

	return w ? word_lends(READ_ONCE(*w)) : 0;
}

u32 mem_owner_pin_count(u64 pa)
{
	u32 *w = word_of(pa);

	return w ? word_pins(READ_ONCE(*w)) : 0;
}
