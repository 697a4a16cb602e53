// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM objects and guest memory.  This is where a host page is lent or
 * donated to a guest (vm_map_pages, vm_start) and taken back
 * (vm_unmap_page, vm_destroy), and where a protected guest shares a page
 * with the host (vm_mem_share); the ownership bookkeeping itself is in
 * mem_owner.c, the host's side of a donation in host_s2.c.
 */
#include <gzvm/hvc.h>
#include <hyp/arch.h>
#include <hyp/channel.h>
#include <hyp/host_s2.h>
#include <hyp/log.h>
#include <hyp/mem_owner.h>
#include <hyp/page_alloc.h>
#include <hyp/payload.h>
#include <hyp/smccc.h>
#include <hyp/string.h>
#include <hyp/vcpu.h>
#include <hyp/vm.h>

#define PAGE_SZ		4096ULL
/*
 * Holes (empty stage-2 entries) one chunked DESTROY_VM call may skip, so a
 * call stays short; a call with no chunk size (a v12 driver) skips them all.
 */
#define DESTROY_SCAN_LIMIT	65536

static spinlock_t vms_lock = SPINLOCK_INIT;
static struct vm vms[HYP_MAX_VMS];
static unsigned int vm_ipa_bits = 40;

void vm_init(unsigned int ipa_bits)
{
	vm_ipa_bits = ipa_bits;
	for (unsigned int i = 0; i < HYP_MAX_VMS; i++)
		vms[i] = (struct vm){ .lock = SPINLOCK_INIT, .id = (u16)(i + 1) };
}

static void *s2_alloc(void *ctx, unsigned int nr)
{
	struct vm *vm = ctx;
	void *p = pool_zalloc_pages(&hyp_pool, nr);

	if (p)
		vm->table_pages += nr;
	return p;
}

static void s2_free(void *ctx, void *page, unsigned int nr)
{
	struct vm *vm = ctx;

	pool_free_pages(&hyp_pool, page, nr);
	vm->table_pages -= nr;
}

static void s2_flush(void *ctx, u64 ipa, u64 size)
{
	arch_s2_flush_ipa(((struct vm *)ctx)->id, ipa, size);
}

int vm_create(u64 type, u16 *id)
{
	struct vm *vm = NULL;
	int ret;

	/* only Linux-style VMs exist; type 0 is what every driver sends */
	if (type != 0)
		return GZVM_ERR_INVALID_ARGS;
	/* claim a free VM and hold its lock until it is initialised */
	spin_lock(&vms_lock);
	for (unsigned int i = 0; i < HYP_MAX_VMS && !vm; i++) {
		if (vms[i].state == VM_FREE) {
			vm = &vms[i];
			spin_lock(&vm->lock);
			vm->state = VM_ALIVE;
		}
	}
	spin_unlock(&vms_lock);
	if (!vm)
		return GZVM_ERR_NO_MEMORY;

	/*
	 * Reset all but the lock, the id and the state.  Never rewrite the
	 * lock: other CPUs may be waiting on it in vm_get() for this id, and a
	 * stale copy written back would let two of them in at once.  Never let
	 * the state pass through VM_FREE: vms_lock is no longer held, and
	 * another vm_create() would claim this VM too.
	 */
	memset(&vm->s2, 0, sizeof(*vm) - offsetof(struct vm, s2));
	vm->s2_mm = (struct pgtable_mm_ops){
		.zalloc_pages = s2_alloc, .free_pages = s2_free,
		.virt_to_phys = pool_identity_v2p, .phys_to_virt = pool_identity_p2v,
		.flush_range = s2_flush, .ctx = vm,
	};
	vm->cntvoff = arch_counter();
	vgic_init(&vm->vgic);
	ret = pgt_init(&vm->s2, vm_ipa_bits, true, &vm->s2_mm);
	if (ret) {
		/*
		 * Free again, under vms_lock like every write the scan above
		 * reads.  Taking it inside vm->lock cannot deadlock: the scan
		 * only waits for the lock of a VM that is VM_FREE, and this
		 * one is VM_ALIVE until the store below.
		 */
		spin_lock(&vms_lock);
		vm->state = VM_FREE;
		spin_unlock(&vms_lock);
		spin_unlock(&vm->lock);
		return GZVM_ERR_NO_MEMORY;
	}
	/* a recycled VMID may have stale translations */
	arch_s2_flush_vmid(vm->id);
	*id = vm->id;
	spin_unlock(&vm->lock);
	hyp_log("vm%u created", *id);
	return GZVM_OK;
}

struct vm *vm_get(u16 id)
{
	struct vm *vm;

	if (id < 1 || id > HYP_MAX_VMS)
		return NULL;
	vm = &vms[id - 1];
	spin_lock(&vm->lock);
	if (vm->state != VM_ALIVE) {
		spin_unlock(&vm->lock);
		return NULL;
	}
	return vm;
}

void vm_put(struct vm *vm)
{
	spin_unlock(&vm->lock);
}

struct memslot *vm_slot_of(struct vm *vm, u64 ipa)
{
	for (unsigned int i = 0; i < GZVM_MAX_MEM_REGION; i++) {
		struct memslot *s = &vm->slots[i];

		if (s->registered && ipa >= s->gpa && (ipa - s->gpa) / PAGE_SZ < s->npages)
			return s;
	}
	return NULL;
}

int vm_set_purpose(struct vm *vm, u64 gpa, u64 size, u64 flags)
{
	const u64 known = GZVM_USER_MEM_REGION_GUEST_MEM | GZVM_USER_MEM_REGION_PROTECT_FW |
			  GZVM_USER_MEM_REGION_STATIC_SWIOTLB;

	if (!IS_ALIGNED(gpa | size, PAGE_SZ) || !size || gpa + size < gpa || (flags & ~known))
		return GZVM_ERR_INVALID_ARGS;
	vm->purpose.valid = true;
	vm->purpose.gpa = gpa;
	vm->purpose.size = size;
	vm->purpose.flags = (u32)flags;
	return GZVM_OK;
}

/* Skipping holes whole: a huge, sparsely mapped slot costs its mappings, not its size. */
static bool slot_has_mappings(struct vm *vm, const struct memslot *s)
{
	u64 at = s->gpa, end = s->gpa + s->npages * PAGE_SZ, pte, size;
	unsigned int level;

	while (at < end) {
		if (pgt_lookup(&vm->s2, at, &pte, &level))
			return true;
		size = pgt_level_size(level);
		at = ALIGN_DOWN(at, size) + size;
	}
	return false;
}

int vm_register_slot(struct vm *vm, u32 slot, u64 gpa, u64 npages)
{
	struct memslot *s;
	u64 size = npages * PAGE_SZ;

	if (slot >= GZVM_MAX_MEM_REGION || !npages || npages > (1ULL << (vm_ipa_bits - 12)) ||
	    !IS_ALIGNED(gpa, PAGE_SZ) || gpa >= (1ULL << vm_ipa_bits) ||
	    size > (1ULL << vm_ipa_bits) - gpa)
		return GZVM_ERR_INVALID_ARGS;
	for (unsigned int i = 0; i < GZVM_MAX_MEM_REGION; i++) {
		const struct memslot *o = &vm->slots[i];

		if (i != slot && o->registered &&
		    RANGES_OVERLAP(gpa, size, o->gpa, o->npages * PAGE_SZ))
			return GZVM_ERR_INVALID_ARGS;
	}
	s = &vm->slots[slot];
	if (s->registered && (s->gpa != gpa || s->npages != npages) && slot_has_mappings(vm, s))
		return GZVM_ERR_BUSY;	/* memslots are not moved while memory is mapped */
	s->registered = true;
	s->gpa = gpa;
	s->npages = npages;
	s->purpose = 0;
	if (vm->purpose.valid && vm->purpose.gpa == gpa && vm->purpose.size == size)
		s->purpose = vm->purpose.flags;
	vm->purpose.valid = false;
	return GZVM_OK;
}

bool vm_ipa_mapped(struct vm *vm, u64 ipa)
{
	u64 pte;
	unsigned int level;

	return pgt_lookup(&vm->s2, ipa, &pte, &level);
}

/* Host PA of the page mapped at ipa (which must be mapped). */
static u64 mapped_pa(struct vm *vm, u64 ipa)
{
	u64 pte;
	unsigned int level;

	if (!pgt_lookup(&vm->s2, ipa, &pte, &level))
		return ~0ULL;
	return (pte & PTE_ADDR_MASK) + (ipa & (pgt_level_size(level) - 1) & ~(PAGE_SZ - 1));
}

const void *vm_guest_page(struct vm *vm, u64 ipa)
{
	ipa = ALIGN_DOWN(ipa, PAGE_SZ);
	return vm_ipa_mapped(vm, ipa) ? (const void *)(uintptr_t)mapped_pa(vm, ipa) : NULL;
}

#define S2_GUEST_RAM	(S2_MEMATTR_NORMAL_WB | S2_AP_RW | S2_SH_INNER | S2_AF)

/*
 * Zero pages and clean them to the point of coherency: whoever reads them
 * next may do so through a non-cacheable mapping and must see the zeros,
 * not what memory held before.
 */
static void scrub(u64 pa, u64 nr)
{
	memset((void *)(uintptr_t)pa, 0, nr * PAGE_SZ);
	arch_dcache_clean_range((void *)(uintptr_t)pa, nr * PAGE_SZ);
}

/* Pages that left a guest (unmapped, its TLBs flushed) go back to the host, a sealed VM's scrubbed. */
static void give_back(struct vm *vm, u64 pa, u64 nr)
{
	if (!vm_sealed(vm)) {
		for (u64 i = 0; i < nr; i++)
			mem_owner_unlend(pa + i * PAGE_SZ);
		return;
	}
	scrub(pa, nr);
	host_s2_reclaim(pa, nr, 0);
}

/* Lend (donate, once sealed) nr pages from pfn and map them at gfn (none mapped yet). */
static int map_run(struct vm *vm, u64 gfn, u64 pfn, u64 nr)
{
	u64 i = 0;
	int ret;

	if (vm_sealed(vm)) {
		ret = host_s2_donate(pfn * PAGE_SZ, nr, 0);
		if (ret)
			return ret;
		/* the guest finds zeros in memory it did not have, never what the host put there */
		scrub(pfn * PAGE_SZ, nr);
		i = nr;
	}
	for (; i < nr; i++) {
		ret = mem_owner_lend((pfn + i) * PAGE_SZ);
		if (ret)
			goto undo;
	}
	arch_sync_icache_for_guest(pfn * PAGE_SZ, nr * PAGE_SZ);
	if (pgt_map(&vm->s2, gfn * PAGE_SZ, pfn * PAGE_SZ, nr * PAGE_SZ, S2_GUEST_RAM)) {
		/* a partial map may remain, and another vCPU may have used it */
		pgt_unmap(&vm->s2, gfn * PAGE_SZ, nr * PAGE_SZ);
		give_back(vm, pfn * PAGE_SZ, nr);
		return GZVM_ERR_NO_MEMORY;
	}
	vm->lent_pages += nr;
	return GZVM_OK;
undo:
	while (i--)
		mem_owner_unlend((pfn + i) * PAGE_SZ);
	return ret;
}

int vm_map_pages(struct vm *vm, u32 slot, u64 gfn, u64 pfn, u64 nr)
{
	struct memslot *s;
	u64 run_start = 0, run_len = 0;

	if (slot >= GZVM_MAX_MEM_REGION || !nr || nr > VM_BLOCK_BUF_ENTRIES)
		return GZVM_ERR_INVALID_ARGS;
	s = &vm->slots[slot];
	if (!s->registered || gfn < s->gpa / PAGE_SZ || gfn - s->gpa / PAGE_SZ >= s->npages ||
	    nr > s->npages - (gfn - s->gpa / PAGE_SZ) || pfn + nr < pfn ||
	    pfn + nr > (1ULL << (48 - 12)))
		return GZVM_ERR_INVALID_ARGS;

	for (u64 i = 0; i <= nr; i++) {
		bool mapped = false;

		if (i < nr && vm_ipa_mapped(vm, (gfn + i) * PAGE_SZ)) {
			/* a second fault on the same page: fine if it is the same page */
			if (mapped_pa(vm, (gfn + i) * PAGE_SZ) != (pfn + i) * PAGE_SZ)
				return GZVM_ERR_INVALID_ARGS;
			mapped = true;
		}
		if (i == nr || mapped) {
			if (run_len) {
				int ret = map_run(vm, gfn + run_start, pfn + run_start, run_len);

				if (ret)
					return ret;
			}
			run_len = 0;
			run_start = i + 1;
		} else {
			run_len++;
		}
	}
	return GZVM_OK;
}

int vm_unmap_page(struct vm *vm, u64 ipa)
{
	u64 pa;

	ipa = ALIGN_DOWN(ipa, PAGE_SZ);
	if (!vm_ipa_mapped(vm, ipa))
		return GZVM_ERR_INVALID_ARGS;
	pa = mapped_pa(vm, ipa);
	if (pgt_unmap(&vm->s2, ipa, PAGE_SZ))
		return GZVM_ERR_NO_MEMORY;	/* splitting a block needs a table */
	give_back(vm, pa, 1);
	vm->lent_pages--;
	return GZVM_OK;
}

/*
 * The next run of mapped guest pages from the cursor on, contiguous in both
 * guest and host physical addresses, at most max pages (whole leaves, so at
 * least one leaf): its guest and host addresses and length.  False when
 * nothing is mapped past the cursor, or (*more) when *budget holes were
 * skipped.  A hole is skipped whole, so the scan costs what the VM's
 * stage-2 holds, not the size of its memslots.
 */
static bool next_mapped_run(struct vm *vm, struct map_cursor *c, u64 max, u64 *budget,
			    u64 *ipa, u64 *pa, u64 *nr, bool *more)
{
	*nr = 0;
	*more = false;
	for (; c->slot < GZVM_MAX_MEM_REGION; c->slot++, c->gfn = 0) {
		struct memslot *s = &vm->slots[c->slot];

		while (s->registered && c->gfn < s->npages) {
			u64 at = s->gpa + c->gfn * PAGE_SZ, pte, size, base;
			unsigned int level;

			if (!pgt_lookup(&vm->s2, at, &pte, &level)) {
				if (*nr)
					return true;
				if (!*budget) {
					*more = true;
					return false;
				}
				--*budget;
				size = pgt_level_size(level);
				c->gfn = (ALIGN_DOWN(at, size) + size - s->gpa) / PAGE_SZ;
				continue;
			}
			size = pgt_level_size(level);
			base = ALIGN_DOWN(at, size);
			if (*nr && ((pte & PTE_ADDR_MASK) != *pa + *nr * PAGE_SZ ||
				    *nr + size / PAGE_SZ > max))
				return true;
			if (!*nr) {
				*ipa = base;
				*pa = pte & PTE_ADDR_MASK;
			}
			*nr += size / PAGE_SZ;
			c->gfn = (base + size - s->gpa) / PAGE_SZ;
		}
		if (*nr) {
			c->slot++;
			c->gfn = 0;
			return true;
		}
	}
	return false;
}

/*
 * Donate every page a protected VM has mapped, then check its payload (the
 * host can no longer change it): all or nothing.
 */
static int seal(struct vm *vm)
{
	struct map_cursor c = { 0 };
	u64 ipa, pa, nr, runs = 0, budget = ~0ULL;
	bool more;
	int ret = GZVM_OK;

	/* no scan limit: sealing is once per VM, and the VM is not running yet */
	while (next_mapped_run(vm, &c, ~0ULL, &budget, &ipa, &pa, &nr, &more)) {
		ret = host_s2_donate(pa, nr, 1);
		if (ret)
			break;
		runs++;
	}
	if (!ret)
		ret = payload_verify(vm);
	for (unsigned int i = 0; !ret && i < GZVM_MAX_VCPUS; i++) {
		/* each vCPU that starts on boots with the DTB in its x0 */
		if (vm->vcpus[i] && !vm->vcpus[i]->powered_off)
			ret = payload_show_measurement(vm, vm->vcpus[i]->ctx.x[0]);
	}
	if (ret) {
		/* the guest never ran: nothing to scrub, the pages go back as they were */
		c = (struct map_cursor){ 0 };
		while (runs-- && next_mapped_run(vm, &c, ~0ULL, &budget, &ipa, &pa, &nr, &more))
			host_s2_reclaim(pa, nr, 1);
		hyp_log("vm%u: not sealed (%d): memory shared, pool full or payload refused", vm->id,
			ret);
		return ret;
	}
	hyp_log("vm%u sealed: %llu pages donated", vm->id, (unsigned long long)vm->lent_pages);
	return GZVM_OK;
}

int vm_start(struct vm *vm)
{
	int ret = GZVM_OK;

	if (vm->started)
		return GZVM_OK;
	if (vm->protected_vm)
		ret = seal(vm);
	if (!ret)
		vm->started = true;
	return ret;
}

static int guard_index(struct vm *vm, u64 page)
{
	for (unsigned int i = 0; i < vm->mmio_guard.nr; i++) {
		if (vm->mmio_guard.pages[i] == page)
			return (int)i;
	}
	return -1;
}

s64 vm_mmio_guard(struct vm *vm, u32 fid, u64 ipa)
{
	u64 page = ALIGN_DOWN(ipa, PAGE_SZ);
	int i = guard_index(vm, page);

	switch (fid) {
	case GZVM_HVC_MMIO_GUARD_ENROLL:
		vm->mmio_guard.enrolled = true;
		return SMCCC_RET_SUCCESS;
	case GZVM_HVC_MMIO_GUARD_MAP:
		/* guest memory is never MMIO: the host would answer for the guest's RAM */
		if (vm_slot_of(vm, page))
			return SMCCC_RET_INVALID_PARAMETER;
		if (i < 0) {
			if (vm->mmio_guard.nr == GZVM_MMIO_GUARD_PAGES)
				return SMCCC_RET_INVALID_PARAMETER;
			vm->mmio_guard.pages[vm->mmio_guard.nr++] = page;
		}
		return SMCCC_RET_SUCCESS;
	case GZVM_HVC_MMIO_GUARD_UNMAP:
		if (i >= 0)
			vm->mmio_guard.pages[i] = vm->mmio_guard.pages[--vm->mmio_guard.nr];
		return SMCCC_RET_SUCCESS;
	default:
		return SMCCC_RET_NOT_SUPPORTED;
	}
}

bool vm_mmio_allowed(struct vm *vm, u64 ipa)
{
	return !vm->mmio_guard.enrolled || guard_index(vm, ALIGN_DOWN(ipa, PAGE_SZ)) >= 0;
}

s64 vm_mem_share(struct vm *vm, u32 fid, u64 ipa)
{
	int ret;

	/* an ordinary VM's memory is the host's to see anyway */
	if (!vm_sealed(vm))
		return SMCCC_RET_NOT_SUPPORTED;
	if (ipa & (PAGE_SZ - 1) || !vm_slot_of(vm, ipa) || !vm_ipa_mapped(vm, ipa))
		return SMCCC_RET_INVALID_PARAMETER;
	if (fid == GZVM_HVC_MEM_SHARE)
		ret = host_s2_share(mapped_pa(vm, ipa));
	else
		ret = host_s2_unshare(mapped_pa(vm, ipa));
	if (ret == GZVM_ERR_NO_MEMORY)
		return GZVM_HVC_RET_NO_MEMORY;
	return ret ? SMCCC_RET_INVALID_PARAMETER : SMCCC_RET_SUCCESS;
}

/*
 * Unmap the next mapped leaves of the VM, at most batch pages (0: all).
 * True when nothing is mapped any more.
 */
static bool destroy_step(struct vm *vm, u64 batch)
{
	u64 done = 0, budget = batch ? DESTROY_SCAN_LIMIT : ~0ULL, ipa, pa, nr;
	bool more;

	while (!batch || done < batch) {
		if (!next_mapped_run(vm, &vm->destroy_at, batch ? batch - done : ~0ULL, &budget,
				     &ipa, &pa, &nr, &more))
			return !more;
		pgt_unmap(&vm->s2, ipa, nr * PAGE_SZ);	/* whole leaves: no split */
		give_back(vm, pa, nr);
		vm->lent_pages -= nr;
		done += nr;
	}
	return false;
}

int vm_destroy(u16 id, u64 batch)
{
	struct vm *vm;

	if (id < 1 || id > HYP_MAX_VMS)
		return GZVM_ERR_INVALID_ARGS;
	vm = &vms[id - 1];
	spin_lock(&vm->lock);
	if (vm->state == VM_FREE) {
		spin_unlock(&vm->lock);
		return GZVM_ERR_INVALID_ARGS;
	}
	if (vm->state == VM_ALIVE) {
		/* vCPUs still running on other CPUs keep the VM alive */
		for (unsigned int i = 0; i < GZVM_MAX_VCPUS; i++) {
			if (vm->vcpus[i] && vcpu_is_running(vm->vcpus[i])) {
				spin_unlock(&vm->lock);
				return GZVM_ERR_BUSY;
			}
		}
		for (unsigned int i = 0; i < GZVM_MAX_VCPUS; i++) {
			vcpu_free(vm->vcpus[i]);
			vm->vcpus[i] = NULL;
		}
		vm->state = VM_DYING;
		vm->destroy_at = (struct map_cursor){ 0 };
		/* its peers see CLOSED from now on; its queues go back to the pool */
		chan_vm_gone(vm);
	}
	if (!destroy_step(vm, batch)) {
		spin_unlock(&vm->lock);
		return GZVM_ERR_BUSY;
	}
	pgt_destroy(&vm->s2);
	arch_s2_flush_vmid(vm->id);
	if (vm->block_buf_pa)
		mem_owner_unpin_host(vm->block_buf_pa, PAGE_SZ);
	hyp_log("vm%u destroyed", vm->id);
	spin_unlock(&vm->lock);

	spin_lock(&vms_lock);
	vm->state = VM_FREE;
	spin_unlock(&vms_lock);
	return GZVM_OK;
}
