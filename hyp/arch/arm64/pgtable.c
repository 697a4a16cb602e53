// SPDX-License-Identifier: GPL-2.0-only
/*
 * Building and editing VMSAv8-64 translation tables (4 KiB granule).
 * One walker serves map and unmap for stage-1 and stage-2: the attribute
 * bits are the caller's business, the shape of the tree is ours.
 */
#include <asm/pgtable.h>

#define MAX_CONCAT	16

int pgt_geometry(unsigned int ia_bits, bool stage2, unsigned int *start_level,
		 unsigned int *nr_root)
{
	unsigned int levels, extra;

	if (ia_bits < 25 || ia_bits > 48)
		return -1;
	/* Each level resolves 9 bits above the 12-bit page offset... */
	levels = (ia_bits - PAGE_SHIFT + 8) / 9;
	/* ...and concatenating up to 16 stage-2 roots resolves 4 more. */
	if (stage2 && levels > 1 && ia_bits - PAGE_SHIFT <= 9 * (levels - 1) + 4)
		levels--;
	*start_level = 4 - levels;
	extra = ia_bits > PAGE_SHIFT + 9 * levels ? ia_bits - PAGE_SHIFT - 9 * levels : 0;
	*nr_root = 1U << extra;
	/* a level-3 start needs FEAT_TTST, which we do not use */
	if (*start_level > 2 || *nr_root > MAX_CONCAT || (!stage2 && *nr_root > 1))
		return -1;
	return 0;
}

static u64 *table_of(const struct pgtable *pt, u64 pte)
{
	return pt->mm->phys_to_virt(pt->mm->ctx, pte & PTE_ADDR_MASK);
}

static bool is_table(u64 pte, unsigned int level)
{
	return level < 3 && (pte & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE);
}

static u64 leaf_pte(u64 pa, u64 attr, unsigned int level)
{
	return (pa & PTE_ADDR_MASK) | (attr & PTE_ATTR_MASK) | PTE_VALID |
	       (level == 3 ? PTE_TABLE : 0);
}

static void free_tree(struct pgtable *pt, u64 *table, unsigned int level)
{
	for (unsigned int i = 0; i < PTES_PER_TABLE; i++) {
		if (is_table(table[i], level))
			free_tree(pt, table_of(pt, table[i]), level + 1);
	}
	pt->mm->free_pages(pt->mm->ctx, table, 1);
}

/* Replace a live entry: invalidate, flush, then write the new value. */
static void set_pte(struct pgtable *pt, u64 *ptep, u64 new, u64 ia, unsigned int level)
{
	u64 old = *ptep;

	if ((old & PTE_VALID) && old != new) {
		WRITE_ONCE(*ptep, 0);
		if (pt->mm->flush_range)
			pt->mm->flush_range(pt->mm->ctx, ia, pgt_level_size(level));
	}
	WRITE_ONCE(*ptep, new);
	/* the tree under a replaced table entry is unreachable now */
	if (is_table(old, level) && new != old)
		free_tree(pt, table_of(pt, old), level + 1);
}

/*
 * A next-level table for *ptep, creating it if the entry is invalid and
 * splitting it into 512 equivalent smaller mappings if it is a block.
 */
static u64 *next_table(struct pgtable *pt, u64 *ptep, u64 ia, unsigned int level)
{
	u64 old = *ptep;
	u64 *table;

	if (is_table(old, level))
		return table_of(pt, old);

	table = pt->mm->zalloc_pages(pt->mm->ctx, 1);
	if (!table)
		return NULL;
	if (old & PTE_VALID) {
		u64 sub = pgt_level_size(level + 1);

		for (unsigned int i = 0; i < PTES_PER_TABLE; i++)
			table[i] = leaf_pte((old & PTE_ADDR_MASK) + i * sub,
					    old & PTE_ATTR_MASK, level + 1);
	}
	set_pte(pt, ptep, pt->mm->virt_to_phys(pt->mm->ctx, table) | PTE_TABLE | PTE_VALID,
		ia, level);
	return table;
}

struct walk_op {
	u64 pa_offset;	/* pa = ia + pa_offset */
	u64 attr;
	bool unmap;
};

static int walk_range(struct pgtable *pt, u64 *table, unsigned int level,
		      u64 ia, u64 end, const struct walk_op *op)
{
	u64 size = pgt_level_size(level);
	unsigned int shift = PAGE_SHIFT + 9 * (3 - level);

	while (ia < end) {
		/* index within this table; the root may be concatenated */
		u64 idx = level == pt->start_level ? ia >> shift : (ia >> shift) & 511;
		u64 *ptep = &table[idx];
		u64 entry_end = ALIGN_DOWN(ia, size) + size;
		u64 next = MIN(end, entry_end);
		bool whole = IS_ALIGNED(ia, size) && next == entry_end;

		if (whole && op->unmap) {
			set_pte(pt, ptep, 0, ia, level);
		} else if (whole && level >= 1 && IS_ALIGNED(ia + op->pa_offset, size)) {
			set_pte(pt, ptep, leaf_pte(ia + op->pa_offset, op->attr, level), ia, level);
		} else if (op->unmap && !(*ptep & PTE_VALID)) {
			/* nothing mapped here: nothing to split */
		} else {
			u64 *sub = next_table(pt, ptep, ALIGN_DOWN(ia, size), level);
			int ret;

			if (!sub)
				return -2;
			ret = walk_range(pt, sub, level + 1, ia, next, op);
			if (ret)
				return ret;
		}
		ia = next;
	}
	return 0;
}

static bool range_ok(const struct pgtable *pt, u64 ia, u64 size)
{
	u64 limit = 1ULL << pt->ia_bits;

	return IS_ALIGNED(ia, PAGE_SIZE) && IS_ALIGNED(size, PAGE_SIZE) && size &&
	       ia < limit && size <= limit - ia;
}

int pgt_map(struct pgtable *pt, u64 ia, u64 pa, u64 size, u64 attr)
{
	struct walk_op op = { .pa_offset = pa - ia, .attr = attr, .unmap = false };

	/* output addresses have 48 bits: [pa, pa + size) must end at 2^48 at most */
	if (!range_ok(pt, ia, size) || !IS_ALIGNED(pa, PAGE_SIZE) || pa > PTE_ADDR_MASK ||
	    size > PTE_ADDR_MASK + PAGE_SIZE - pa)
		return -1;
	return walk_range(pt, pt->root, pt->start_level, ia, ia + size, &op);
}

int pgt_unmap(struct pgtable *pt, u64 ia, u64 size)
{
	struct walk_op op = { .unmap = true };

	if (!range_ok(pt, ia, size))
		return -1;
	return walk_range(pt, pt->root, pt->start_level, ia, ia + size, &op);
}

bool pgt_lookup(const struct pgtable *pt, u64 ia, u64 *pte, unsigned int *level)
{
	const u64 *table = pt->root;

	*level = pt->start_level;
	if (ia >> pt->ia_bits)
		return false;
	for (unsigned int l = pt->start_level; l <= 3; l++) {
		unsigned int shift = PAGE_SHIFT + 9 * (3 - l);
		u64 idx = l == pt->start_level ? ia >> shift : (ia >> shift) & 511;
		u64 e = table[idx];

		*level = l;
		if (!(e & PTE_VALID))
			return false;
		if (!is_table(e, l)) {
			if (l == 0)
				return false;	/* no level-0 blocks with 4 KiB pages */
			*pte = e;
			return true;
		}
		table = table_of(pt, e);
	}
	return false;
}

int pgt_init(struct pgtable *pt, unsigned int ia_bits, bool stage2,
	     const struct pgtable_mm_ops *mm)
{
	*pt = (struct pgtable){ .ia_bits = ia_bits, .mm = mm };
	if (pgt_geometry(ia_bits, stage2, &pt->start_level, &pt->nr_root))
		return -1;
	/* concatenated roots must be physically contiguous */
	pt->root = mm->zalloc_pages(mm->ctx, pt->nr_root);
	return pt->root ? 0 : -2;
}

void pgt_destroy(struct pgtable *pt)
{
	unsigned int level = pt->start_level;

	if (!pt->root)
		return;
	for (unsigned int r = 0; r < pt->nr_root; r++) {
		u64 *table = pt->root + r * PTES_PER_TABLE;

		for (unsigned int i = 0; i < PTES_PER_TABLE; i++) {
			if (is_table(table[i], level))
				free_tree(pt, table_of(pt, table[i]), level + 1);
		}
	}
	/* the root goes back as the block it was allocated as */
	pt->mm->free_pages(pt->mm->ctx, pt->root, pt->nr_root);
	pt->root = NULL;
}
