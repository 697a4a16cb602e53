// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM-scoped hypercalls (spec 6.2/6.3): argument decoding and validation
 * in front of vm.c.  Every physical address the host names is checked to
 * be host RAM before it is read; values read from host memory are read
 * once, then validated.
 */
#include <gzvm/hvc.h>
#include <hyp/mem_owner.h>
#include <hyp/page_alloc.h>
#include <hyp/payload.h>
#include <hyp/smccc.h>
#include <hyp/vm.h>

#define PAGE_SZ		4096ULL

s64 hvc_create_vm(struct smccc_regs *r)
{
	u16 id;
	int ret = vm_create(r->a[1], &id);

	if (!ret)
		r->a[1] = id;
	return ret;
}

s64 hvc_destroy_vm(struct smccc_regs *r)
{
	if (r->a[1] > 0xffff)
		return GZVM_ERR_INVALID_ARGS;
	/* x2: pages per call (v13); older drivers pass 0 and get it all done at once */
	return vm_destroy((u16)r->a[1], r->a[2]);
}

static struct vm *vm_of(u64 id)
{
	return id > 0xffff ? NULL : vm_get((u16)id);
}

s64 hvc_memregion_purpose(struct smccc_regs *r)
{
	struct vm *vm = vm_of(r->a[1]);
	int ret;

	if (!vm)
		return GZVM_ERR_INVALID_ARGS;
	ret = vm_set_purpose(vm, r->a[2], r->a[3], r->a[4]);
	vm_put(vm);
	return ret;
}

/*
 * SET_MEMREGION: x2 = buffer size, x3 = PA of struct gzvm_memory_region_ranges.
 * A buffer whose constituents describe exactly total_pages of a registered
 * slot populates it; anything else registers the slot (older drivers leave
 * constituent_cnt uninitialised in registration calls, so it is not trusted
 * to tell the two apart on its own).
 */
s64 hvc_set_memregion(struct smccc_regs *r)
{
	const struct gzvm_memory_region_ranges *buf;
	u64 size = r->a[2], pa = r->a[3];
	u32 slot, cnt;
	u64 total, gpa, sum = 0, max;
	struct vm *vm;
	int ret = GZVM_OK;

	if (size < GZVM_MEMREGION_HDR_SIZE || size > GZVM_MEMREGION_BUF_SIZE ||
	    !IS_ALIGNED(pa, 8) || mem_owner_pin_host(pa, size))
		return GZVM_ERR_INVALID_ARGS;
	buf = (const void *)(uintptr_t)pa;
	slot = READ_ONCE(buf->slot);
	cnt = READ_ONCE(buf->constituent_cnt);
	total = READ_ONCE(buf->total_pages);
	gpa = READ_ONCE(buf->gpa);
	max = (size - GZVM_MEMREGION_HDR_SIZE) / GZVM_MEMREGION_ENTRY_SIZE;

	vm = vm_of(r->a[1]);
	if (!vm) {
		ret = GZVM_ERR_INVALID_ARGS;
		goto out;
	}
	if (cnt && cnt <= max && slot < GZVM_MAX_MEM_REGION && vm->slots[slot].registered) {
		/* first pass: do the constituents add up? */
		for (u32 i = 0; i < cnt && sum <= total; i++)
			sum += READ_ONCE(buf->constituents[i].pg_cnt);
	}
	if (!cnt || sum != total || !total) {
		ret = vm_register_slot(vm, slot, gpa, total);
	} else {
		u64 gfn = gpa / PAGE_SZ;

		if (!IS_ALIGNED(gpa, PAGE_SZ))
			ret = GZVM_ERR_INVALID_ARGS;
		for (u32 i = 0; i < cnt && !ret; i++) {
			u64 addr = READ_ONCE(buf->constituents[i].address);
			u64 pages = READ_ONCE(buf->constituents[i].pg_cnt);

			if (!IS_ALIGNED(addr, PAGE_SZ) || !pages) {
				ret = GZVM_ERR_INVALID_ARGS;
				break;
			}
			/* vm_map_pages takes at most a block's worth at once */
			for (u64 done = 0; done < pages && !ret;) {
				u64 n = MIN(pages - done, (u64)VM_BLOCK_BUF_ENTRIES);

				ret = vm_map_pages(vm, slot, gfn, addr / PAGE_SZ + done, n);
				gfn += n;
				done += n;
			}
		}
	}
	vm_put(vm);
out:
	mem_owner_unpin_host(pa, size);
	return ret;
}

s64 hvc_map_guest(struct smccc_regs *r)
{
	struct vm *vm = vm_of(r->a[1]);
	int ret;

	if (!vm)
		return GZVM_ERR_INVALID_ARGS;
	/* x2 slot, x3 host PFN, x4 guest GFN, x5 pages */
	ret = r->a[2] > 0xffffffff ? GZVM_ERR_INVALID_ARGS :
	      vm_map_pages(vm, (u32)r->a[2], r->a[4], r->a[3], r->a[5]);
	vm_put(vm);
	return ret;
}

s64 hvc_map_guest_block(struct smccc_regs *r)
{
	struct vm *vm = vm_of(r->a[1]);
	u64 slot = r->a[2], gfn = r->a[3], nr = r->a[4];
	const u64 *pfns;
	int ret = GZVM_OK;

	if (!vm)
		return GZVM_ERR_INVALID_ARGS;
	/* v6 drivers pass no count: the block is 2 MiB */
	if (!nr)
		nr = VM_BLOCK_BUF_ENTRIES;
	if (!vm->block_buf_pa || slot > 0xffffffff || nr > VM_BLOCK_BUF_ENTRIES) {
		vm_put(vm);
		return GZVM_ERR_INVALID_ARGS;
	}
	pfns = (const u64 *)(uintptr_t)vm->block_buf_pa;
	/* map runs of contiguous PFNs in one go, so 2 MiB blocks can be used */
	for (u64 i = 0; i < nr && !ret;) {
		u64 first = READ_ONCE(pfns[i]), n = 1;

		while (i + n < nr && READ_ONCE(pfns[i + n]) == first + n)
			n++;
		ret = vm_map_pages(vm, (u32)slot, gfn + i, first, n);
		i += n;
	}
	vm_put(vm);
	return ret;
}

static s64 enable_cap_global(struct smccc_regs *r)
{
	switch (r->a[2]) {
	case GZVM_CAP_QUERY_HYP_BATCH_PAGES:
		r->a[1] = HYP_BATCH_PAGES;
		return GZVM_OK;
	case GZVM_CAP_QUERY_DESTROY_BATCH_PAGES:
		r->a[1] = HYP_DESTROY_BATCH_PAGES;
		return GZVM_OK;
	default:
		return GZVM_ERR_INVALID_ARGS;
	}
}

/*
 * x3 = sub-command.  A VM becomes protected before it first runs, and is
 * sealed then (vm_start); x4/x5 = guest address and size of its signed
 * payload (payload.h), or 0.  There is no pvmfw to load: the hypervisor
 * itself checks what a protected VM boots.
 */
static s64 enable_protected(struct vm *vm, const struct smccc_regs *r)
{
	u64 gpa = r->a[4], size = r->a[5];

	switch (r->a[3]) {
	case GZVM_CAP_PVM_SET_PROTECTED_VM:
		if (vm->started || (size && !payload_range_ok(gpa, size)))
			return GZVM_ERR_INVALID_ARGS;
		vm->protected_vm = true;
		vm->payload_gpa = gpa;
		vm->payload_size = size;
		return GZVM_OK;
	case GZVM_CAP_PVM_SET_PVMFW_GPA:
	case GZVM_CAP_PVM_GET_PVMFW_SIZE:
		return GZVM_ERR_NOT_SUPPORTED;
	default:
		return GZVM_ERR_INVALID_ARGS;
	}
}

/* x1 = VM (0: global query), x2 = cap, x3.. = args[0..4] */
s64 hvc_enable_cap(struct smccc_regs *r)
{
	struct vm *vm;
	s64 ret = GZVM_OK;

	if (r->a[1] == 0)
		return enable_cap_global(r);
	vm = vm_of(r->a[1]);
	if (!vm)
		return GZVM_ERR_INVALID_ARGS;
	switch (r->a[2]) {
	case GZVM_CAP_ENABLE_DEMAND_PAGING:
		vm->demand_paging = true;
		break;
	case GZVM_CAP_BLOCK_BASED_DEMAND_PAGING:
		/* x3 = block size, x4 = PA of the 512-entry PFN buffer, kept until destroy */
		if (r->a[3] != GZVM_BLOCK_DEMAND_PAGE_SIZE || !IS_ALIGNED(r->a[4], PAGE_SZ) ||
		    vm->block_buf_pa || mem_owner_pin_host_alone(r->a[4], PAGE_SZ))
			ret = GZVM_ERR_INVALID_ARGS;
		else
			vm->block_buf_pa = r->a[4];
		break;
	case GZVM_CAP_ENABLE_IDLE:
		vm->idle_enabled = true;
		break;
	case GZVM_CAP_PROTECTED_VM:
		ret = enable_protected(vm, r);
		break;
	default:
		ret = GZVM_ERR_INVALID_ARGS;
		break;
	}
	vm_put(vm);
	return ret;
}

s64 hvc_set_dtb_config(struct smccc_regs *r)
{
	struct vm *vm = vm_of(r->a[1]);
	u64 gpa = r->a[2], size = r->a[3];

	if (!vm)
		return GZVM_ERR_INVALID_ARGS;
	if (!size || gpa + size < gpa) {
		vm_put(vm);
		return GZVM_ERR_INVALID_ARGS;
	}
	/* recorded for the virtual platform; the VMM also passes it in x0 */
	vm->dtb_gpa = gpa;
	vm->dtb_size = size;
	vm_put(vm);
	return GZVM_OK;
}

s64 hvc_inform_exit(struct smccc_regs *r)
{
	struct vm *vm = vm_of(r->a[1]);

	/* nothing is deferred to the host's leaving the run loop */
	if (!vm)
		return GZVM_ERR_INVALID_ARGS;
	vm_put(vm);
	return GZVM_OK;
}

/*
 * GET_STATISTICS(vm): x1 = the hypervisor memory the VM uses, x2 = the host
 * memory lent to it.  VM id 0 (no VM has it) asks for the whole hypervisor:
 * x1 = pool memory in use, x2 = host memory lent to all guests, x3 = memory
 * donated to protected guests, x4 = the part of it they share with the host;
 * this is how leaks are measured from the host.
 */
s64 hvc_get_statistics(struct smccc_regs *r)
{
	struct vm *vm;
	u64 vcpus = 0;

	if (r->a[1] == 0) {
		r->a[1] = pool_used_pages(&hyp_pool) * PAGE_SZ;
		r->a[2] = mem_owner_total_lent() * PAGE_SZ;
		r->a[3] = mem_owner_total_donated() * PAGE_SZ;
		r->a[4] = mem_owner_total_shared() * PAGE_SZ;
		return GZVM_OK;
	}
	vm = vm_of(r->a[1]);
	if (!vm)
		return GZVM_ERR_INVALID_ARGS;
	for (unsigned int i = 0; i < GZVM_MAX_VCPUS; i++)
		vcpus += vm->vcpus[i] != NULL;
	/* hypervisor memory for this VM: stage-2 tables and vCPU objects */
	r->a[1] = (vm->table_pages + vcpus) * PAGE_SZ;
	/* host memory the guest uses */
	r->a[2] = vm->lent_pages * PAGE_SZ;
	vm_put(vm);
	return GZVM_OK;
}

/*
 * CREATE_DEVICE: x2 = PA of a page holding struct gzvm_create_device.  The
 * GICv3 distributor and redistributors go to the VM's vGIC at the guest
 * addresses the VMM chose; no attributes are defined for them.
 */
s64 hvc_create_device(struct smccc_regs *r)
{
	const struct gzvm_create_device *d;
	u64 pa = r->a[2], addr, size;
	u32 type;
	struct vm *vm;
	int ret;

	if (!IS_ALIGNED(pa, 8) || mem_owner_pin_host(pa, sizeof(*d)))
		return GZVM_ERR_INVALID_ARGS;
	d = (const void *)(uintptr_t)pa;
	type = READ_ONCE(d->dev_type);
	addr = READ_ONCE(d->dev_addr);
	size = READ_ONCE(d->dev_reg_size);
	mem_owner_unpin_host(pa, sizeof(*d));

	vm = vm_of(r->a[1]);
	if (!vm)
		return GZVM_ERR_INVALID_ARGS;
	/* the regions must not hide guest memory */
	if (size && addr + size > addr && (vm_slot_of(vm, addr) || vm_slot_of(vm, addr + size - 1))) {
		vm_put(vm);
		return GZVM_ERR_INVALID_ARGS;
	}
	switch (type) {
	case GZVM_DEV_TYPE_ARM_VGIC_V3_DIST:
		ret = vgic_create_dist(&vm->vgic, addr, size);
		break;
	case GZVM_DEV_TYPE_ARM_VGIC_V3_REDIST:
		ret = vgic_create_redist(&vm->vgic, addr, size);
		break;
	default:
		ret = -1;
		break;
	}
	vm_put(vm);
	return ret ? GZVM_ERR_INVALID_ARGS : GZVM_OK;
}

/*
 * IRQ_LINE: x1 = (vm << 16 | vcpu), x2 = SPI index (the hypervisor adds 32)
 * or, with GZVM_HVC_IRQ_PPI, a PPI's INTID on that vCPU; x3 = level.
 * Every raise is also latched as an edge, since irqfds only ever raise
 * (spec 7.6): a level-sensitive SPI raised and never lowered is delivered
 * once, not forever.
 */
s64 hvc_irq_line(struct smccc_regs *r)
{
	unsigned int vcpu_id = GZVM_TUPLE_VCPU_ID(r->a[1]);
	u64 irq = r->a[2];
	bool level = r->a[3] != 0;
	struct vm *vm;
	u32 intid;
	int ret;

	if ((r->a[1] >> 32) || r->a[3] > 1)
		return GZVM_ERR_INVALID_ARGS;
	if (irq & GZVM_HVC_IRQ_PPI)
		intid = (u32)(irq & ~(u64)GZVM_HVC_IRQ_PPI);
	else
		intid = irq < VGIC_NR_SPIS ? (u32)irq + VGIC_NR_PRIVATE : VGIC_NR_IRQS;
	if (intid < 16 || intid >= VGIC_NR_IRQS || vcpu_id >= GZVM_MAX_VCPUS)
		return GZVM_ERR_INVALID_ARGS;
	vm = vm_get(GZVM_TUPLE_VM_ID(r->a[1]));
	if (!vm)
		return GZVM_ERR_INVALID_ARGS;
	ret = level ? vgic_pulse(&vm->vgic, intid, vcpu_id) :
		      vgic_set_line(&vm->vgic, intid, vcpu_id, false);
	vm_put(vm);
	return ret ? GZVM_ERR_INVALID_ARGS : GZVM_OK;
}
