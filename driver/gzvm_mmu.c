// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory (gzvm-abi.md section 7.3).
 *
 * Host pages that back guest memory are pinned long-term (FOLL_LONGTERM:
 * not migrated, swapped or merged while the hypervisor maps them) and
 * charged to the VM owner's RLIMIT_MEMLOCK.  Every pinned page is recorded
 * in an xarray indexed by its guest frame number, so that a page the guest
 * relinquishes can be found and everything can be unpinned when the VM is
 * destroyed.  Pages are pinned a run at a time (one pin_user_pages_fast()
 * and one RLIMIT_MEMLOCK charge for up to a 2 MiB block).
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
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "gzvm_drv.h"

/* Pages pinned per pin_user_pages_fast() call: a 2 MiB block. */
#define GZVM_PIN_BATCH	512

/*
 * Pin the @n host pages at @hva, record them at @gfn.. and return their
 * PFNs.  A page another vCPU recorded meanwhile wins: ours is unpinned.
 */
static int gzvm_pin_run(struct gzvm *gzvm, unsigned long hva, u64 gfn,
			unsigned int n, struct page **pages, u64 *pfns)
{
	unsigned int got = 0, i, dup = 0;
	int ret;

	ret = account_locked_vm(gzvm->mm, n, true);
	if (ret)
		return ret;
	while (got < n) {
		ret = pin_user_pages_fast(hva + ((unsigned long)got << PAGE_SHIFT),
					  n - got, FOLL_WRITE | FOLL_LONGTERM,
					  pages + got);
		if (ret <= 0) {
			unpin_user_pages(pages, got);
			account_locked_vm(gzvm->mm, n, false);
			return ret < 0 ? ret : -EFAULT;
		}
		got += ret;
	}

	mutex_lock(&gzvm->mem_lock);
	for (i = 0; i < n; i++) {
		struct page *old = xa_load(&gzvm->pinned, gfn + i);

		if (!old) {
			ret = xa_insert(&gzvm->pinned, gfn + i, pages[i],
					GFP_KERNEL_ACCOUNT);
			if (ret)
				break;
			gzvm->nr_pinned++;
		} else {
			unpin_user_page(pages[i]);
			pages[i] = old;
			dup++;
		}
		pfns[i] = page_to_pfn(pages[i]);
	}
	mutex_unlock(&gzvm->mem_lock);
	if (ret) {	/* -ENOMEM: what was recorded stays, the rest goes */
		unpin_user_pages(pages + i, n - i);
		dup += n - i;
	}
	if (dup)
		account_locked_vm(gzvm->mm, dup, false);
	return ret;
}

/*
 * Pin the host pages backing @n guest frames from @gfn of @slot (those not
 * pinned yet) and return their PFNs in @pfns.  Runs in the VMM's context
 * (ioctl or vCPU thread).
 */
int gzvm_vm_pin_guest_pages(struct gzvm *gzvm, struct gzvm_memslot *slot,
			    u64 gfn, unsigned int n, u64 *pfns)
{
	struct page *one, **pages = &one;
	unsigned int i = 0, run, batch = min_t(unsigned int, n, GZVM_PIN_BATCH);
	int ret = 0;

	if (!n || gfn < slot->base_gfn || gfn >= slot->base_gfn + slot->npages ||
	    n > slot->base_gfn + slot->npages - gfn)
		return -EINVAL;
	if (batch > 1) {
		pages = kmalloc_array(batch, sizeof(*pages), GFP_KERNEL);
		if (!pages)
			return -ENOMEM;
	}

	while (i < n) {
		struct page *page;

		mutex_lock(&gzvm->mem_lock);
		page = xa_load(&gzvm->pinned, gfn + i);
		mutex_unlock(&gzvm->mem_lock);
		if (page) {
			pfns[i++] = page_to_pfn(page);
			continue;
		}
		/* Only the VM's own process may fault its memory in. */
		if (current->mm != gzvm->mm) {
			ret = -EFAULT;
			break;
		}
		run = min(n - i, batch);
		ret = gzvm_pin_run(gzvm, slot->userspace_addr +
				   ((gfn + i - slot->base_gfn) << PAGE_SHIFT),
				   gfn + i, run, pages, pfns + i);
		if (ret)
			break;
		i += run;
	}
	if (pages != &one)
		kfree(pages);
	return ret;
}

/* The guest gave up the page at @ipa (HVC MEM_RELINQUISH): unpin it. */
int gzvm_handle_relinquish(struct gzvm *gzvm, u64 ipa)
{
	struct page *page;

	mutex_lock(&gzvm->mem_lock);
	page = xa_erase(&gzvm->pinned, ipa >> PAGE_SHIFT);
	if (page)
		gzvm->nr_pinned--;
	mutex_unlock(&gzvm->mem_lock);
	if (!page)
		return 0;
	unpin_user_pages_dirty_lock(&page, 1, true);
	account_locked_vm(gzvm->mm, 1, false);
	return 0;
}

/* VM teardown, after DESTROY_VM succeeded. */
void gzvm_vm_unpin_all(struct gzvm *gzvm)
{
	struct page *page;
	unsigned long gfn, nr = 0;

	mutex_lock(&gzvm->mem_lock);
	xa_for_each(&gzvm->pinned, gfn, page) {
		unpin_user_pages_dirty_lock(&page, 1, true);
		if (!(++nr % 512))
			cond_resched();
	}
	xa_destroy(&gzvm->pinned);
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
	u64 gfn, end = slot->base_gfn + slot->npages, prev_pfn = 0, *pfns;
	unsigned int n, i;
	int ret = 0;

	buf = gzvm_alloc_region_buf();
	pfns = kmalloc_array(GZVM_PIN_BATCH, sizeof(*pfns), GFP_KERNEL);
	if (!buf || !pfns) {
		ret = -ENOMEM;
		goto out;
	}
	buf->slot = slot_id;

	for (gfn = slot->base_gfn; gfn < end && !ret; gfn += n) {
		n = min_t(u64, end - gfn, GZVM_PIN_BATCH);
		ret = gzvm_vm_pin_guest_pages(gzvm, slot, gfn, n, pfns);
		for (i = 0; i < n && !ret; i++) {
			if (buf->constituent_cnt && pfns[i] == prev_pfn + 1 &&
			    c->pg_cnt < U32_MAX) {
				c->pg_cnt++;
			} else {
				if (buf->constituent_cnt == GZVM_MAX_MEM_REGION_CONSTITUENTS) {
					ret = gzvm_flush_chunk(gzvm, buf);
					if (ret)
						break;
				}
				if (!buf->constituent_cnt)
					buf->gpa = (gfn + i) << PAGE_SHIFT;
				c = &buf->constituents[buf->constituent_cnt++];
				c->address = pfns[i] << PAGE_SHIFT;
				c->pg_cnt = 1;
				c->reserved = 0;
			}
			buf->total_pages++;
			prev_pfn = pfns[i];
		}
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
		cond_resched();
	}
	if (!ret)
		ret = gzvm_flush_chunk(gzvm, buf);
out:
	kfree(pfns);
	if (buf)
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

	ret = gzvm_vm_pin_guest_pages(gzvm, &gzvm->memslot[slot_id], gfn, 1, &pfn);
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
	u64 g, n;
	int ret = 0;

	start = max(start, slot->base_gfn);
	end = min(end, slot->base_gfn + slot->npages);
	if (!batch || batch > GZVM_BLOCK_PFN_BUF_ENTRIES)
		batch = GZVM_BLOCK_PFN_BUF_ENTRIES;

	mutex_lock(&gzvm->demand_paging_lock);
	for (g = start; g < end; g += n) {
		n = min_t(u64, batch, end - g);
		ret = gzvm_vm_pin_guest_pages(gzvm, slot, g, n,
					      gzvm->demand_page_buffer);
		if (ret)
			goto out;
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
