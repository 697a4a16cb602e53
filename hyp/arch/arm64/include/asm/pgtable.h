/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMSAv8-64 translation tables with a 4 KiB granule, for both the EL2
 * stage-1 regime and stage-2.  Pure table manipulation: no system register
 * is touched, so the code is unit-tested on the host.  The caller owns TLB
 * maintenance except where an existing valid entry is replaced, for which
 * the break-before-make hook is called.
 */
#ifndef ASM_PGTABLE_H
#define ASM_PGTABLE_H

#include <hyp/compiler.h>
#include <hyp/types.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1ULL << PAGE_SHIFT)
#define PTES_PER_TABLE	512

/* Descriptor type bits */
#define PTE_VALID	BIT(0)
#define PTE_TABLE	BIT(1)	/* at levels 0-2; at level 3 this bit marks a page */
#define PTE_ADDR_MASK	GENMASK(47, 12)
#define PTE_ATTR_MASK	(GENMASK(11, 2) | GENMASK(63, 50))

/* Stage-1 memory types: indices into MAIR_EL2 (see asm/sysreg.h) */
#define MT_DEVICE_nGnRnE	0
#define MT_DEVICE_nGnRE		1
#define MT_NORMAL		2
#define MT_NORMAL_NC		3

/* Stage-1 (EL2 regime, single VA range) leaf attributes */
#define S1_ATTRIDX(i)	((u64)(i) << 2)
#define S1_AP_RW	(1ULL << 6)	/* AP[1] is RES1 at EL2 */
#define S1_AP_RO	(3ULL << 6)
#define S1_SH_INNER	(3ULL << 8)
#define S1_AF		BIT(10)
#define S1_XN		BIT(54)

/* Stage-2 leaf attributes */
#define S2_MEMATTR_DEVICE_nGnRE	(1ULL << 2)
#define S2_MEMATTR_NORMAL_WB	(0xfULL << 2)
#define S2_AP_R		(1ULL << 6)
#define S2_AP_W		(2ULL << 6)
#define S2_AP_RW	(S2_AP_R | S2_AP_W)
#define S2_SH_INNER	(3ULL << 8)
#define S2_AF		BIT(10)
#define S2_XN		(2ULL << 53)	/* not executable at EL1 nor EL0 */

struct pgtable_mm_ops {
	/* nr zeroed, physically contiguous, page-aligned pages, or NULL. */
	void *(*zalloc_pages)(void *ctx, unsigned int nr);
	/* Give back nr pages zalloc_pages(ctx, nr) returned (nr > 1: a concatenated root). */
	void (*free_pages)(void *ctx, void *page, unsigned int nr);
	u64 (*virt_to_phys)(void *ctx, void *va);
	void *(*phys_to_virt)(void *ctx, u64 pa);
	/*
	 * Break-before-make: called after a valid entry covering [ia, ia+size)
	 * was made invalid and before its replacement is written.  Must
	 * invalidate the TLBs for that range.  May be NULL while the tables
	 * are not live.
	 */
	void (*flush_range)(void *ctx, u64 ia, u64 size);
	void *ctx;
};

struct pgtable {
	u64 *root;		/* nr_root physically contiguous tables */
	unsigned int ia_bits;	/* input address size */
	unsigned int start_level;
	unsigned int nr_root;	/* concatenated root tables (stage-2 only) */
	const struct pgtable_mm_ops *mm;
};

/*
 * Geometry for an input-address size.  Stage-2 may concatenate up to 16 root
 * tables to save a level (as KVM does); stage-1 never concatenates.
 * Returns 0, or -1 if ia_bits is unsupported.
 */
int pgt_geometry(unsigned int ia_bits, bool stage2, unsigned int *start_level,
		 unsigned int *nr_root);

/* Allocate the root.  Returns 0 or -1 (bad size / no memory). */
int pgt_init(struct pgtable *pt, unsigned int ia_bits, bool stage2,
	     const struct pgtable_mm_ops *mm);

/*
 * Map [ia, ia + size) to [pa, pa + size) with leaf attributes attr
 * (PTE_ATTR_MASK bits), using the largest blocks that fit (1 GiB, 2 MiB,
 * 4 KiB).  Existing mappings in the range are replaced; blocks straddling
 * the range edges are split.  ia, pa and size must be page aligned.
 * Returns 0, -1 for bad arguments, -2 when out of memory (the tables then
 * hold a partial update that is still well formed).
 */
int pgt_map(struct pgtable *pt, u64 ia, u64 pa, u64 size, u64 attr);

/* Remove [ia, ia + size), splitting blocks at the edges.  Same returns. */
int pgt_unmap(struct pgtable *pt, u64 ia, u64 size);

/*
 * Look up ia.  Returns true with the leaf descriptor and its level when ia
 * is mapped; false otherwise, with the level of the entry that was empty:
 * nothing is mapped in the pgt_level_size(*level) bytes around ia.
 */
bool pgt_lookup(const struct pgtable *pt, u64 ia, u64 *pte, unsigned int *level);

/* Free every table, including the root. */
void pgt_destroy(struct pgtable *pt);

/* Size of the region one entry at a level maps. */
static inline u64 pgt_level_size(unsigned int level)
{
	return 1ULL << (PAGE_SHIFT + 9 * (3 - level));
}

#endif
