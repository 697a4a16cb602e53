/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual machines: an id, a stage-2 translation for the guest physical
 * address space, memory slots registered by the driver, and vCPUs.  Guest
 * memory of a non-protected VM is host memory lent to the guest: the host
 * keeps access, the hypervisor counts every lent page (mem_owner) and takes
 * them all back on destroy.
 *
 * A protected VM is sealed when its first vCPU first runs: from then on
 * every page it maps is donated (taken out of the host's stage-2, see
 * host_s2.h), the host can no longer read or set its registers, and every
 * page it gives back is zeroed first.  Until then it is an ordinary VM, so
 * the VMM can load its image.
 */
#ifndef HYP_VM_H
#define HYP_VM_H

#include <asm/pgtable.h>
#include <hyp/spinlock.h>
#include <hyp/types.h>
#include <hyp/vgic.h>
#include <uapi/linux/gzvm.h>

#define HYP_MAX_VMS		32	/* VM ids 1..32; VMID = VM id */
#define VM_BLOCK_BUF_ENTRIES	512

struct vcpu;

struct memslot {
	bool registered;
	u32 purpose;		/* GZVM_USER_MEM_REGION_* flags */
	u64 gpa;
	u64 npages;
};

/* Where a walk over a VM's mapped memory stands: a slot, a page in it. */
struct map_cursor {
	unsigned int slot;
	u64 gfn;
};

enum vm_state {
	VM_FREE = 0,
	VM_ALIVE,
	VM_DYING,		/* DESTROY_VM in progress */
};

struct vm {
	/* lock, id and state first: vm_create() resets everything after them */
	spinlock_t lock;	/* slots, stage-2, vcpus[] */
	u16 id;
	enum vm_state state;
	struct pgtable s2;
	struct pgtable_mm_ops s2_mm;
	struct memslot slots[GZVM_MAX_MEM_REGION];
	struct vcpu *vcpus[GZVM_MAX_VCPUS];

	/* MEMREGION_PURPOSE comes just before the slot's registration */
	struct { bool valid; u64 gpa, size; u32 flags; } purpose;

	bool protected_vm;	/* SET_PROTECTED_VM: sealed once started */
	bool started;		/* a vCPU has entered the guest */
	u64 payload_gpa, payload_size;	/* signed boot payload (payload.h), size 0: none */
	bool measured;		/* measurement holds the payload's SHA-256 */
	u8 measurement[32];
	struct {		/* MMIO guard: once enrolled, MMIO exits only for these pages */
		bool enrolled;
		unsigned int nr;
		u64 pages[GZVM_MMIO_GUARD_PAGES];
	} mmio_guard;
	bool demand_paging;
	bool idle_enabled;
	u64 block_buf_pa;	/* BLOCK_BASED_DEMAND_PAGING PFN buffer, pinned */
	u64 dtb_gpa, dtb_size;
	u64 cntvoff;		/* the guest's virtual counter starts at 0 */

	struct vgic vgic;	/* the virtual GICv3 (has its own lock) */

	u64 table_pages;	/* stage-2 tables (pool pages) */
	u64 lent_pages;		/* host pages mapped into the guest */
	struct map_cursor destroy_at;	/* DESTROY_VM progress */
};

/*
 * Global: ipa_bits is the size of every guest's physical address space,
 * the CPU's physical address size (what the driver reports as
 * GZVM_CAP_VM_GPA_SIZE), at most 48.
 */
void vm_init(unsigned int ipa_bits);
/* Returns 0 and the VM id in *id, or a GZVM_ERR_* status. */
int vm_create(u64 type, u16 *id);
/*
 * Tear a VM down, unmapping at most batch pages (0: no limit) per call.
 * GZVM_ERR_BUSY while work remains (call again), GZVM_OK when the VM is gone.
 */
int vm_destroy(u16 id, u64 batch);

/* A live VM by id, with its lock taken; NULL if none.  vm_put() unlocks. */
struct vm *vm_get(u16 id);
void vm_put(struct vm *vm);

/* Memory (vm lock held). */
int vm_set_purpose(struct vm *vm, u64 gpa, u64 size, u64 flags);
int vm_register_slot(struct vm *vm, u32 slot, u64 gpa, u64 npages);
int vm_map_pages(struct vm *vm, u32 slot, u64 gfn, u64 pfn, u64 nr);
int vm_unmap_page(struct vm *vm, u64 ipa);
/* The slot containing ipa, or NULL. */
struct memslot *vm_slot_of(struct vm *vm, u64 ipa);
bool vm_ipa_mapped(struct vm *vm, u64 ipa);
/* The hypervisor's view of the guest page mapped at ipa (vm lock held), or NULL. */
const void *vm_guest_page(struct vm *vm, u64 ipa);
/*
 * A vCPU is about to enter the guest for the first time (vm lock held):
 * seals a protected VM.  0, or the status of a seal that failed (nothing
 * ran, nothing changed: the VM is as it was).
 */
int vm_start(struct vm *vm);

/*
 * The MMIO guard (vm lock held).  vm_mmio_guard() runs the guest's ENROLL,
 * MAP and UNMAP calls (fid) and returns the SMCCC status;
 * vm_mmio_allowed() says whether an access at ipa may exit to the VMM.
 */
s64 vm_mmio_guard(struct vm *vm, u32 fid, u64 ipa);
bool vm_mmio_allowed(struct vm *vm, u64 ipa);

/*
 * A sealed VM's MEM_SHARE or MEM_UNSHARE (fid) of its page at ipa (vm lock
 * held): the SMCCC status of gzvm.h's GZVM_HVC_MEM_SHARE.
 */
s64 vm_mem_share(struct vm *vm, u32 fid, u64 ipa);

/* Is the VM protected and sealed: its memory and vCPU state hidden from the host? */
static inline bool vm_sealed(const struct vm *vm)
{
	return vm->protected_vm && vm->started;
}

/* Hypercall handlers (hyp/core/vm_hvc.c); regs per spec 6.2. */
struct smccc_regs;
s64 hvc_create_vm(struct smccc_regs *r);
s64 hvc_destroy_vm(struct smccc_regs *r);
s64 hvc_set_memregion(struct smccc_regs *r);
s64 hvc_memregion_purpose(struct smccc_regs *r);
s64 hvc_map_guest(struct smccc_regs *r);
s64 hvc_map_guest_block(struct smccc_regs *r);
s64 hvc_enable_cap(struct smccc_regs *r);
s64 hvc_set_dtb_config(struct smccc_regs *r);
s64 hvc_inform_exit(struct smccc_regs *r);
s64 hvc_get_statistics(struct smccc_regs *r);
s64 hvc_create_device(struct smccc_regs *r);
s64 hvc_irq_line(struct smccc_regs *r);

#define HYP_BATCH_PAGES		512	/* pages per MAP_GUEST_BLOCK the driver should send */
#define HYP_DESTROY_BATCH_PAGES	256	/* pages per DESTROY_VM call */

#endif
