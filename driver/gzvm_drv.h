/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gzvm.ko: internal definitions shared by the files of the driver.
 *
 * Object model (gzvm-abi.md section 7.1): one struct gzvm_driver for the
 * module, one struct gzvm per VM fd, one struct gzvm_vcpu per vCPU.  A VM
 * is reference counted: its fd holds one reference and every vCPU fd holds
 * another, so a vCPU thread inside GZVM_RUN can never see its VM freed.
 */
#ifndef __GZVM_DRV_H__
#define __GZVM_DRV_H__

#include <linux/arm-smccc.h>
#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/xarray.h>
#include <linux/rcuwait.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <uapi/linux/gzvm.h>
#include "gzvm/hvc.h"

#define GZVM_VCPU_RUN_MAP_SIZE		(GZVM_RUN_AREA_PAGES * PAGE_SIZE)
#define GZVM_MEM_MAX_NR_PAGES		((1UL << 31) - 1)
#define GZVM_BLOCK_PAGES		(GZVM_BLOCK_DEMAND_PAGE_SIZE >> PAGE_SHIFT)

struct gzvm_version {
	u32 major;
	u32 minor;
	u64 sub;
};

/* Module-wide state (v13 "struct gzvm_driver"). */
struct gzvm_driver {
	struct gzvm_version drv_version;
	struct gzvm_version hyp_version;
	struct kobject *sysfs_root_dir;
	u32 demand_paging_batch_pages;
	u32 destroy_batch_pages;
	struct dentry *debugfs_dir;
	/* counter ticks -> ns, for the vtimer of idle vCPUs */
	u32 cyc_mult;
	u32 cyc_shift;
};

extern struct gzvm_driver gzvm_drv;

enum gzvm_mem_alloc_mode {
	GZVM_FULLY_POPULATED = 0,
	GZVM_DEMAND_PAGING = 1,
};

struct gzvm_memslot {
	u64 base_gfn;
	unsigned long npages;
	unsigned long userspace_addr;
	u32 flags;
	u32 slot_id;
};

struct gzvm;

struct gzvm_vcpu {
	struct gzvm *gzvm;
	int vcpuid;
	struct mutex lock;		/* one GZVM_RUN / ONE_REG at a time */
	struct gzvm_vcpu_run *run;	/* page 0 of the run area */
	struct gzvm_vcpu_hwstate *hwstate; /* page 1 */
	struct hrtimer vtimer;		/* wakes an idle vCPU */
	struct {
		u32 vtimer_irq;
		u32 virtio_irq;
	} idle_events;
	struct rcuwait wait;
	struct task_struct __rcu *task;	/* in GZVM_RUN now, or NULL */
};

struct gzvm {
	struct kref ref;
	struct gzvm_vcpu *vcpus[GZVM_MAX_VCPUS];
	struct mm_struct *mm;		/* the creator's, mmgrab()ed */
	struct gzvm_memslot memslot[GZVM_MAX_MEM_REGION];
	struct mutex lock;		/* memslots, vCPU creation */
	u16 vm_id;
	pid_t pid;

	struct {
		spinlock_t lock;	/* items; taken in wake-up callbacks */
		struct list_head items;
	} irqfds;
	struct list_head ioevents;
	struct mutex ioevent_lock;	/* ioevents */

	struct list_head vm_list;

	enum gzvm_mem_alloc_mode mem_alloc_mode;
	struct xarray pinned;		/* gfn -> pinned struct page */
	unsigned long nr_pinned;
	struct mutex mem_lock;		/* pinned, nr_pinned */

	u32 demand_page_gran;		/* PAGE_SIZE or 2 MiB */
	u64 *demand_page_buffer;	/* GZVM_BLOCK_PFN_BUF_ENTRIES host PFNs */
	struct mutex demand_paging_lock;

	struct dentry *debug_dir;
};

/* gzvm_hvc.c */
int gzvm_err_to_errno(unsigned long err);
int gzvm_hypcall_wrapper(unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3,
			 unsigned long a4, unsigned long a5,
			 unsigned long a6, unsigned long a7,
			 struct arm_smccc_res *res);
int gzvm_arch_probe(struct gzvm_version drv, struct gzvm_version *hyp);
int gzvm_arch_query_batch_pages(u64 cap, u64 *pages);
int gzvm_arch_enable_cap(u16 vm_id, u64 cap, const u64 *args,
			 struct arm_smccc_res *res);
int gzvm_arch_inform_exit(u16 vm_id);

/* gzvm_vm.c */
long gzvm_dev_ioctl_check_extension(unsigned long arg);
void gzvm_debugfs_hyp_init(struct dentry *dir);
long gzvm_dev_ioctl_create_vm(unsigned long vm_type);
void gzvm_vm_put(struct gzvm *gzvm);
void gzvm_vm_get(struct gzvm *gzvm);
void gzvm_vm_wake_all_vcpus(struct gzvm *gzvm);
int gzvm_vm_irq_line(struct gzvm *gzvm, u32 vcpu_idx, u32 irq, u32 level);
struct gzvm *gzvm_vm_of_file(struct file *filp);

/* gzvm_channel.c */
int gzvm_vm_ioctl_create_channel(struct gzvm *gzvm,
				 struct gzvm_create_channel __user *argp);
void gzvm_channel_doorbell(struct gzvm *from, u32 id);
void gzvm_channels_vm_gone(struct gzvm *gzvm);
bool gzvm_channels_supported(void);

/* gzvm_vcpu.c */
int gzvm_vm_ioctl_create_vcpu(struct gzvm *gzvm, unsigned long cpuid);
void gzvm_destroy_vcpus(struct gzvm *gzvm);

/* gzvm_mmu.c */
int gzvm_vm_populate_mem_region(struct gzvm *gzvm, int slot_id);
int gzvm_vm_register_mem_region(struct gzvm *gzvm, int slot_id);
int gzvm_vm_pin_guest_pages(struct gzvm *gzvm, struct gzvm_memslot *slot,
			    u64 gfn, unsigned int n, u64 *pfns);
int gzvm_handle_relinquish(struct gzvm *gzvm, u64 ipa);
void gzvm_vm_unpin_all(struct gzvm *gzvm);
int gzvm_find_memslot(struct gzvm *gzvm, u64 gfn);
int gzvm_handle_demand_page(struct gzvm *gzvm, int slot_id, u64 gfn);

/* gzvm_exception.c */
bool gzvm_handle_guest_exception(struct gzvm_vcpu *vcpu);
bool gzvm_handle_guest_hvc(struct gzvm_vcpu *vcpu);

/* gzvm_irqfd.c */
int gzvm_irqfd_init(void);
void gzvm_irqfd_exit(void);
void gzvm_vm_irqfd_init(struct gzvm *gzvm);
int gzvm_irqfd(struct gzvm *gzvm, struct gzvm_irqfd *args);
void gzvm_vm_irqfd_release(struct gzvm *gzvm);

/* gzvm_ioeventfd.c */
void gzvm_vm_ioeventfd_init(struct gzvm *gzvm);
int gzvm_ioeventfd(struct gzvm *gzvm, struct gzvm_ioeventfd *args);
bool gzvm_ioevent_write(struct gzvm_vcpu *vcpu, u64 addr, int len,
			const void *val);
void gzvm_vm_ioeventfd_release(struct gzvm *gzvm);

#endif /* __GZVM_DRV_H__ */
