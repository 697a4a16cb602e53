// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM objects and guest memory.  This is where a host page is lent to a
 * guest (vm_map_pages) and taken back (vm_unmap_page, vm_destroy); the
 * ownership bookkeeping itself is in mem_owner.c.
 */
#include <gzvm/hvc.h>
#include <hyp/arch.h>
#include <hyp/log.h>
#include <hyp/mem_owner.h>
#include <hyp/page_alloc.h>
#include <hyp/string.h>
#include <hyp/vcpu.h>
#include <hyp/vm.h>

#define PAGE_SZ		4096ULL
/* Stage-2 lookups one DESTROY_VM call may make, so a call stays short. */
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

static void s2_free(void *ctx, void *page)
{
	struct vm *vm = ctx;

	pool_free_page(&hyp_pool, page);
	vm->table_pages--;
}

static u64 s2_v2p(void *ctx, void *va)
{
	(void)ctx;
	return (u64)(uintptr_t)va;
}

static void *s2_p2v(void *ctx, u64 pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
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

	*vm = (struct vm){
		.lock = vm->lock, .id = vm->id, .state = VM_ALIVE,
		.s2_mm = {
			.zalloc_pages = s2_alloc, .free_page = s2_free,
			.virt_to_phys = s2_v2p, .phys_to_virt = s2_p2v,
			.flush_range = s2_flush, .ctx = vm,
		},
		.cntvoff = arch_counter(),
	};
	vgic_init(&vm->vgic);
	ret = pgt_init(&vm->s2, vm_ipa_bits, true, &vm->s2_mm);
	if (ret) {
		vm->state = VM_FREE;
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

static bool slot_has_mappings(struct vm *vm, const struct memslot *s)
{
	for (u64 i = 0; i < s->npages; i++) {
		if (vm_ipa_mapped(vm, s->gpa + i * PAGE_SZ))
			return true;
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

#define S2_GUEST_RAM	(S2_MEMATTR_NORMAL_WB | S2_AP_RW | S2_SH_INNER | S2_AF)

/* Lend and map nr pages from pfn at gfn (none of them mapped yet). */
static int map_run(struct vm *vm, u64 gfn, u64 pfn, u64 nr)
{
	u64 i;
	int ret;

	for (i = 0; i < nr; i++) {
		ret = mem_owner_lend((pfn + i) * PAGE_SZ);
		if (ret)
			goto undo;
	}
	arch_sync_icache_for_guest(pfn * PAGE_SZ, nr * PAGE_SZ);
	if (pgt_map(&vm->s2, gfn * PAGE_SZ, pfn * PAGE_SZ, nr * PAGE_SZ, S2_GUEST_RAM)) {
		/* a partial map may remain: take out what may be there */
		pgt_unmap(&vm->s2, gfn * PAGE_SZ, nr * PAGE_SZ);
		ret = GZVM_ERR_NO_MEMORY;
		goto undo;
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
	mem_owner_unlend(pa);
	vm->lent_pages--;
	return GZVM_OK;
}

/*
 * Unmap the next mapped leaves of the VM, at most batch pages (0: all).
 * True when nothing is mapped any more.
 */
static bool destroy_step(struct vm *vm, u64 batch)
{
	u64 done = 0, scanned = 0;

	for (; vm->destroy_slot < GZVM_MAX_MEM_REGION; vm->destroy_slot++, vm->destroy_gfn = 0) {
		struct memslot *s = &vm->slots[vm->destroy_slot];

		if (!s->registered)
			continue;
		while (vm->destroy_gfn < s->npages) {
			u64 ipa = s->gpa + vm->destroy_gfn * PAGE_SZ, pte;
			unsigned int level;

			if ((batch && done >= batch) || ++scanned > DESTROY_SCAN_LIMIT)
				return false;
			if (pgt_lookup(&vm->s2, ipa, &pte, &level)) {
				u64 size = pgt_level_size(level);
				u64 base = ALIGN_DOWN(ipa, size), pa = pte & PTE_ADDR_MASK;

				for (u64 off = 0; off < size; off += PAGE_SZ)
					mem_owner_unlend(pa + off);
				pgt_unmap(&vm->s2, base, size);	/* whole leaves: no split */
				vm->lent_pages -= size / PAGE_SZ;
				done += size / PAGE_SZ;
				vm->destroy_gfn = (base + size - s->gpa) / PAGE_SZ;
			} else {
				vm->destroy_gfn++;
			}
		}
	}
	return true;
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
		vm->destroy_slot = 0;
		vm->destroy_gfn = 0;
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
