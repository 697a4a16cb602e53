// SPDX-License-Identifier: GPL-2.0-only
/* The host's stage-2 at boot and at run time (see host_s2.h). */
#include <gzvm/hvc.h>
#include <hyp/arch.h>
#include <hyp/host_s2.h>
#include <hyp/log.h>
#include <hyp/mem_owner.h>
#include <hyp/page_alloc.h>
#include <hyp/spinlock.h>

/* The host's stage-2 covers at least the first TiB (all of QEMU virt's map). */
#define HOST_S2_MIN_SPAN (1ULL << 40)
#define HOST_VMID	0

#define S2_HOST_RAM	(S2_MEMATTR_NORMAL_WB | S2_AP_RW | S2_SH_INNER | S2_AF)
#define S2_HOST_DEVICE	(S2_MEMATTR_DEVICE_nGnRE | S2_AP_RW | S2_AF | S2_XN)

static struct {
	spinlock_t lock;
	struct pgtable pt;
	u64 flush_lo, flush_hi;	/* pages unmapped, TLBs not yet invalidated */
} host = { .lock = SPINLOCK_INIT, .flush_lo = ~0ULL };

/*
 * A page leaving the host: its TLB entries are invalidated once, for the
 * whole range, before the lock is dropped (nobody else gets the page
 * earlier).  A block being split or merged: now, as break-before-make
 * requires between the invalid and the new entry.
 */
static void host_flush(void *ctx, u64 ipa, u64 size)
{
	(void)ctx;
	if (size == PAGE_SIZE) {
		host.flush_lo = MIN(host.flush_lo, ipa);
		host.flush_hi = MAX(host.flush_hi, ipa + size);
		return;
	}
	arch_s2_flush_ipa(HOST_VMID, ipa, size);
}

static const struct pgtable_mm_ops host_mm = {
	.zalloc_pages = pool_mm_zalloc,
	.free_pages = pool_mm_free,
	.virt_to_phys = pool_identity_v2p,
	.phys_to_virt = pool_identity_p2v,
	.flush_range = host_flush,
	.ctx = &hyp_pool,
};

static void lock_host(void)
{
	spin_lock(&host.lock);
}

static void unlock_host(void)
{
	if (host.flush_hi) {
		arch_s2_flush_ipa(HOST_VMID, host.flush_lo, host.flush_hi - host.flush_lo);
		host.flush_lo = ~0ULL;
		host.flush_hi = 0;
	}
	spin_unlock(&host.lock);
}

struct pgtable *host_s2_build(const struct boot_info *bi, const struct boot_layout *l,
			      unsigned int pa_bits)
{
	u64 span = HOST_S2_MIN_SPAN;

	for (unsigned int i = 0; i < bi->nr_ram; i++)
		span = MAX(span, ALIGN_UP(bi->ram[i].base + bi->ram[i].size, SZ_1G));
	if (span > (1ULL << pa_bits))
		span = 1ULL << pa_bits;

	lock_host();
	hyp_must(pgt_init(&host.pt, pa_bits, true, &host_mm), "host stage-2 root");
	hyp_must(pgt_map(&host.pt, 0, 0, span, S2_HOST_DEVICE), "host stage-2 device map");
	for (unsigned int i = 0; i < bi->nr_ram; i++) {
		u64 base = bi->ram[i].base, end = base + bi->ram[i].size;

		hyp_must(pgt_map(&host.pt, base, base, end - base, S2_HOST_RAM), "host stage-2 RAM map");
		/*
		 * RAM in blocks of 2 MiB at most (a 2 MiB map splits a 1 GiB
		 * block): a page donated and given back then splits and merges
		 * only a level-3 table, and the pool returns to its boot level.
		 */
		for (u64 g = ALIGN_UP(base, SZ_1G); g < end && end - g >= SZ_1G; g += SZ_1G)
			hyp_must(pgt_map(&host.pt, g, g, SZ_2M, S2_HOST_RAM), "host stage-2 RAM split");
	}
	hyp_must(pgt_unmap(&host.pt, l->carveout_base, l->carveout_size), "host stage-2 carve-out");
	unlock_host();
	hyp_log("host stage-2: %u-bit IPA, identity up to %llx, carve-out [%llx, %llx) unmapped",
		pa_bits, (unsigned long long)span, (unsigned long long)l->carveout_base,
		(unsigned long long)(l->carveout_base + l->carveout_size));
	return &host.pt;
}

static bool mapped_locked(u64 ipa)
{
	u64 pte;
	unsigned int level;

	return host.pt.root && pgt_lookup(&host.pt, ipa, &pte, &level);
}

bool host_s2_mapped(u64 ipa)
{
	bool mapped;

	lock_host();
	mapped = mapped_locked(ipa);
	unlock_host();
	return mapped;
}

/*
 * Map the holes of [pa, pa + nr pages) as RAM.  The tables down to every
 * hole exist (it was unmapped from them), so nothing is allocated; then
 * merge each 2 MiB block that is wholly the host's again.
 */
static void map_ram_locked(u64 pa, u64 nr)
{
	u64 end = pa + nr * PAGE_SIZE;

	for (u64 p = pa; p < end;) {
		u64 run = p;

		while (run < end && !mapped_locked(run))
			run += PAGE_SIZE;
		if (run > p && pgt_map(&host.pt, p, p, run - p, S2_HOST_RAM))
			hyp_log("host stage-2: [%llx, %llx) not mapped back", (unsigned long long)p,
				(unsigned long long)run);
		p = run > p ? run : p + PAGE_SIZE;
	}
	for (u64 b = ALIGN_DOWN(pa, SZ_2M); b < end; b += SZ_2M) {
		if (mem_owner_is_host(b, SZ_2M))
			pgt_map(&host.pt, b, b, SZ_2M, S2_HOST_RAM);	/* frees the L3 table */
	}
}

static void reclaim_locked(u64 pa, u64 nr, u32 lends)
{
	for (u64 i = 0; i < nr; i++)
		mem_owner_reclaim(pa + i * PAGE_SIZE, lends);
	map_ram_locked(pa, nr);
}

int host_s2_donate(u64 pa, u64 nr, u32 lends)
{
	u64 i;
	int ret = GZVM_OK;

	if (!host.pt.root)
		return GZVM_ERR_NOT_SUPPORTED;
	lock_host();
	for (i = 0; i < nr; i++) {
		ret = mem_owner_donate(pa + i * PAGE_SIZE, lends);
		if (ret)
			break;
	}
	if (ret) {
		/* page i was refused; the ones before it are still mapped */
		while (i--)
			mem_owner_reclaim(pa + i * PAGE_SIZE, lends);
	} else if (pgt_unmap(&host.pt, pa, nr * PAGE_SIZE)) {
		reclaim_locked(pa, nr, lends);
		ret = GZVM_ERR_NO_MEMORY;
	}
	unlock_host();
	return ret;
}

void host_s2_reclaim(u64 pa, u64 nr, u32 lends)
{
	lock_host();
	reclaim_locked(pa, nr, lends);
	unlock_host();
}

int host_s2_share(u64 pa)
{
	int ret;

	if (!host.pt.root)
		return GZVM_ERR_NOT_SUPPORTED;
	lock_host();
	ret = mem_owner_share(pa);
	/* the page may lie in a hole left by a whole 2 MiB block: a table is needed */
	if (!ret && pgt_map(&host.pt, pa, pa, PAGE_SIZE, S2_HOST_RAM)) {
		mem_owner_unshare(pa);
		ret = GZVM_ERR_NO_MEMORY;
	}
	unlock_host();
	return ret;
}

int host_s2_unshare(u64 pa)
{
	int ret;

	if (!host.pt.root)
		return GZVM_ERR_NOT_SUPPORTED;
	lock_host();
	ret = mem_owner_unshare(pa);
	/* a page-sized leaf (host_s2_share made it): unmapping it needs no table */
	if (!ret && pgt_unmap(&host.pt, pa, PAGE_SIZE)) {
		mem_owner_share(pa);
		ret = GZVM_ERR_NO_MEMORY;
	}
	unlock_host();	/* the host's TLB entries for it are gone before the guest runs on */
	return ret;
}
