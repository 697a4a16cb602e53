// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory (gzvm-abi.md section 7.3).
 *
 * Host pages that back guest memory are pinned long-term (FOLL_LONGTERM:
 * not migrated, swapped or merged while the hypervisor maps them) and
 * charged to the VM owner's RLIMIT_MEMLOCK.  Every pinned page is recorded
 * in an rb-tree keyed by its IPA, so that a page the guest relinquishes
 * can be found and everything can be unpinned when the VM is destroyed.
 *
 * Memory reaches the hypervisor in one of two ways:
 *  - fully populated: when a memslot is set, every page is pinned and the
 *    PFNs, coalesced into physically contiguous runs, are pushed with
 *    SET_MEMREGION in chunks of at most 510 runs;
 *  - demand paging: a stage-2 fault of the guest comes to the driver as an
 *    exception exit and one page (MAP_GUEST) or a 2 MiB block (MAP_GUEST_
 *    BLOCK, through the registered PFN buffer) is pinned and mapped.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/rbtree.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "gzvm_drv.h"

static struct gzvm_pinned_page *gzvm_pinned_find(struct gzvm *gzvm, u64 ipa)
{
	struct rb_node *n = gzvm->pinned_pages.rb_node;
	struct gzvm_pinned_page *p;

	while (n) {
		p = rb_entry(n, struct gzvm_pinned_page, node);
		if (ipa < p->ipa)
			n = n->rb_left;
		else if (ipa > p->ipa)
			n = n->rb_right;
		else
			return p;
	}
	return NULL;
}

/* Insert @new, or return the page already recorded at its IPA. */
static struct gzvm_pinned_page *gzvm_pinned_insert(struct gzvm *gzvm,
						   struct gzvm_pinned_page *new)
{
	struct rb_node **link = &gzvm->pinned_pages.rb_node, *parent = NULL;
	struct gzvm_pinned_page *p;

	while (*link) {
		parent = *link;
		p = rb_entry(parent, struct gzvm_pinned_page, node);
		if (new->ipa < p->ipa)
			link = &parent->rb_left;
		else if (new->ipa > p->ipa)
			link = &parent->rb_right;
		else
			return p;
	}
	rb_link_node(&new->node, parent, link);
	rb_insert_color(&new->node, &gzvm->pinned_pages);
	gzvm->nr_pinned++;
	return NULL;
}

static void gzvm_unpin_one(struct gzvm_pinned_page *p)
{
	unpin_user_pages_dirty_lock(&p->page, 1, true);
	kfree(p);
}

/*
 * Pin the host page backing @gfn of @slot (if not pinned yet) and return
 * its PFN.  Runs in the VMM's context (ioctl or vCPU thread).
 */
int gzvm_vm_pin_guest_page(struct gzvm *gzvm, struct gzvm_memslot *slot,
			   u64 gfn, u64 *pfn)
{
	u64 ipa = gfn << PAGE_SHIFT;
	unsigned long hva;
	struct gzvm_pinned_page *p, *old;
	struct page *page;
	int ret;

	if (gfn < slot->base_gfn || gfn >= slot->base_gfn + slot->npages)
		return -EINVAL;
	hva = slot->userspace_addr + ((gfn - slot->base_gfn) << PAGE_SHIFT);

	mutex_lock(&gzvm->mem_lock);
	p = gzvm_pinned_find(gzvm, ipa);
	if (p) {
		*pfn = page_to_pfn(p->page);
		mutex_unlock(&gzvm->mem_lock);
		return 0;
	}
	mutex_unlock(&gzvm->mem_lock);

	/* Only the VM's own process may fault its memory in. */
	if (current->mm != gzvm->mm)
		return -EFAULT;

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return -ENOMEM;
	ret = account_locked_vm(gzvm->mm, 1, true);
	if (ret) {
		kfree(p);
		return ret;
	}
	ret = pin_user_pages_fast(hva, 1, FOLL_WRITE | FOLL_LONGTERM, &page);
	if (ret != 1) {
		account_locked_vm(gzvm->mm, 1, false);
		kfree(p);
		return ret < 0 ? ret : -EFAULT;
	}
	p->page = page;
	p->ipa = ipa;

	mutex_lock(&gzvm->mem_lock);
	old = gzvm_pinned_insert(gzvm, p);
	if (old)	/* pinned meanwhile by another vCPU: keep that one */
		*pfn = page_to_pfn(old->page);
	else
		*pfn = page_to_pfn(page);
	mutex_unlock(&gzvm->mem_lock);

	if (old) {
		gzvm_unpin_one(p);
		account_locked_vm(gzvm->mm, 1, false);
	}
	return 0;
}

/* The guest gave up the page at @ipa (HVC MEM_RELINQUISH): unpin it. */
int gzvm_handle_relinquish(struct gzvm *gzvm, u64 ipa)
{
	struct gzvm_pinned_page *p;

	mutex_lock(&gzvm->mem_lock);
	p = gzvm_pinned_find(gzvm, ipa);
	if (p) {
		rb_erase(&p->node, &gzvm->pinned_pages);
		gzvm->nr_pinned--;
	}
	mutex_unlock(&gzvm->mem_lock);
	if (!p)
		return 0;
	gzvm_unpin_one(p);
	account_locked_vm(gzvm->mm, 1, false);
	return 0;
}

/* VM teardown, after DESTROY_VM succeeded. */
void gzvm_vm_unpin_all(struct gzvm *gzvm)
{
	struct rb_node *n;
	unsigned long nr = 0;

	mutex_lock(&gzvm->mem_lock);
	while ((n = rb_first(&gzvm->pinned_pages))) {
		rb_erase(n, &gzvm->pinned_pages);
		gzvm_unpin_one(rb_entry(n, struct gzvm_pinned_page, node));
		nr++;
		if (!(nr % 512))
			cond_resched();
	}
	gzvm->nr_pinned = 0;
	mutex_unlock(&gzvm->mem_lock);
	if (nr)
		account_locked_vm(gzvm->mm, nr, false);
}

/* ---- SET_MEMREGION ------------------------------------------------------- */

static struct gzvm_memory_region_ranges *gzvm_alloc_region_buf(void)
{
	return alloc_pages_exact(GZVM_MEMREGION_BUF_SIZE,
				 GFP_KERNEL_ACCOUNT | __GFP_ZERO);
}

static void gzvm_free_region_buf(struct gzvm_memory_region_ranges *buf)
{
	free_pages_exact(buf, GZVM_MEMREGION_BUF_SIZE);
}

static int gzvm_set_memregion(struct gzvm *gzvm,
			      struct gzvm_memory_region_ranges *buf)
{
	struct arm_smccc_res res;

	return gzvm_hypcall_wrapper(GZVM_FID_SET_MEMREGION, gzvm->vm_id,
				    GZVM_MEMREGION_BUF_SIZE, virt_to_phys(buf),
				    0, 0, 0, 0, &res);
}

/*
 * Tell the hypervisor about a memslot: slot, size and base only, with no
 * constituents (constituent_cnt is zero, unlike the original driver's,
 * which left it uninitialised).
 */
int gzvm_vm_register_mem_region(struct gzvm *gzvm, int slot_id)
{
	struct gzvm_memslot *slot = &gzvm->memslot[slot_id];
	struct gzvm_memory_region_ranges *buf;
	int ret;

	buf = gzvm_alloc_region_buf();
	if (!buf)
		return -ENOMEM;
	buf->slot = slot_id;
	buf->constituent_cnt = 0;
	buf->total_pages = slot->npages;
	buf->gpa = slot->base_gfn << PAGE_SHIFT;
	ret = gzvm_set_memregion(gzvm, buf);
	gzvm_free_region_buf(buf);
	return ret;
}

static int gzvm_flush_chunk(struct gzvm *gzvm,
			    struct gzvm_memory_region_ranges *buf)
{
	int ret;

	if (!buf->constituent_cnt)
		return 0;
	ret = gzvm_set_memregion(gzvm, buf);
	buf->constituent_cnt = 0;
	buf->total_pages = 0;
	return ret;
}

/*
 * Pin every page of a memslot and hand the PFNs over with SET_MEMREGION:
 * contiguous PFNs become one constituent, at most 510 per call.
 */
int gzvm_vm_populate_mem_region(struct gzvm *gzvm, int slot_id)
{
	struct gzvm_memslot *slot = &gzvm->memslot[slot_id];
	struct gzvm_memory_region_ranges *buf;
	struct mem_region_addr_range *c = NULL;
	u64 gfn, pfn, prev_pfn = 0;
	int ret = 0;

	buf = gzvm_alloc_region_buf();
	if (!buf)
		return -ENOMEM;
	buf->slot = slot_id;

	for (gfn = slot->base_gfn; gfn < slot->base_gfn + slot->npages; gfn++) {
		ret = gzvm_vm_pin_guest_page(gzvm, slot, gfn, &pfn);
		if (ret)
			break;
		if (buf->constituent_cnt && pfn == prev_pfn + 1 &&
		    c->pg_cnt < U32_MAX) {
			c->pg_cnt++;
		} else {
			if (buf->constituent_cnt == GZVM_MAX_MEM_REGION_CONSTITUENTS) {
				ret = gzvm_flush_chunk(gzvm, buf);
				if (ret)
					break;
			}
			if (!buf->constituent_cnt)
				buf->gpa = gfn << PAGE_SHIFT;
			c = &buf->constituents[buf->constituent_cnt++];
			c->address = pfn << PAGE_SHIFT;
			c->pg_cnt = 1;
			c->reserved = 0;
		}
		buf->total_pages++;
		prev_pfn = pfn;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	if (!ret)
		ret = gzvm_flush_chunk(gzvm, buf);
	gzvm_free_region_buf(buf);
	return ret;
}

/* ---- demand paging --------------------------------------------------------- */

int gzvm_find_memslot(struct gzvm *gzvm, u64 gfn)
{
	struct gzvm_memslot *s;
	int i;

	for (i = 0; i < GZVM_MAX_MEM_REGION; i++) {
		s = &gzvm->memslot[i];
		if (s->npages && gfn >= s->base_gfn &&
		    gfn < s->base_gfn + s->npages)
			return i;
	}
	return -ENOENT;
}

static int gzvm_map_page(struct gzvm *gzvm, int slot_id, u64 gfn)
{
	struct arm_smccc_res res;
	u64 pfn;
	int ret;

	ret = gzvm_vm_pin_guest_page(gzvm, &gzvm->memslot[slot_id], gfn, &pfn);
	if (ret)
		return ret;
	return gzvm_hypcall_wrapper(GZVM_FID_MAP_GUEST, gzvm->vm_id, slot_id,
				    pfn, gfn, 1, 0, 0, &res);
}

/*
 * Map the 2 MiB-aligned block around @gfn (clipped to the memslot) in
 * batches of demand_paging_batch_pages: the PFNs of a batch go into the
 * registered buffer from index 0, then one MAP_GUEST_BLOCK.
 */
static int gzvm_map_block(struct gzvm *gzvm, int slot_id, u64 gfn)
{
	struct gzvm_memslot *slot = &gzvm->memslot[slot_id];
	u64 start = ALIGN_DOWN(gfn, GZVM_BLOCK_PAGES);
	u64 end = start + GZVM_BLOCK_PAGES;
	u32 batch = READ_ONCE(gzvm_drv.demand_paging_batch_pages);
	struct arm_smccc_res res;
	u64 g, n, i, pfn;
	int ret = 0;

	start = max(start, slot->base_gfn);
	end = min(end, slot->base_gfn + slot->npages);
	if (!batch || batch > GZVM_BLOCK_PFN_BUF_ENTRIES)
		batch = GZVM_BLOCK_PFN_BUF_ENTRIES;

	mutex_lock(&gzvm->demand_paging_lock);
	for (g = start; g < end; g += n) {
		n = min_t(u64, batch, end - g);
		for (i = 0; i < n; i++) {
			ret = gzvm_vm_pin_guest_page(gzvm, slot, g + i, &pfn);
			if (ret)
				goto out;
			gzvm->demand_page_buffer[i] = pfn;
		}
		ret = gzvm_hypcall_wrapper(GZVM_FID_MAP_GUEST_BLOCK, gzvm->vm_id,
					   slot_id, g, n, 0, 0, 0, &res);
		if (ret)
			goto out;
	}
out:
	mutex_unlock(&gzvm->demand_paging_lock);
	return ret;
}

int gzvm_handle_demand_page(struct gzvm *gzvm, int slot_id, u64 gfn)
{
	if (gzvm->demand_page_gran == GZVM_BLOCK_DEMAND_PAGE_SIZE &&
	    gzvm->demand_page_buffer)
		return gzvm_map_block(gzvm, slot_id, gfn);
	return gzvm_map_page(gzvm, slot_id, gfn);
}
