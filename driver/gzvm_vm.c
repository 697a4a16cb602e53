// SPDX-License-Identifier: GPL-2.0
/*
 * VMs: GZVM_CREATE_VM and GZVM_CHECK_EXTENSION on /dev/gzvm, and the
 * ioctls of a VM fd (gzvm-abi.md section 3.1), teardown (section 7.10)
 * and the per-VM debugfs statistics (section 7.11).
 */
#include <linux/anon_inodes.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>

#include "gzvm_drv.h"

static DEFINE_MUTEX(gzvm_list_lock);
static LIST_HEAD(gzvm_list);

#define GZVM_HYP_MAX_GPA_BITS	48U

/*
 * The guest physical address size: the host kernel's PA size
 * (CONFIG_ARM64_PA_BITS), capped by what this CPU implements, since the
 * hypervisor's stage-2 cannot translate more than that, and by 48 bits, the
 * most its 4 KiB-granule tables without FEAT_LPA2 can map.
 */
static u64 gzvm_gpa_bits(void)
{
	u64 mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	u32 cpu_bits = id_aa64mmfr0_parange_to_phys_shift(mmfr0 & 0xf);

	return min_t(u32, min_t(u32, CONFIG_ARM64_PA_BITS, cpu_bits), GZVM_HYP_MAX_GPA_BITS);
}

/*
 * GZVM_CHECK_EXTENSION: @arg points to a __u64 capability id; the answer
 * replaces it and the ioctl returns 0.  Answered without a hypercall.
 */
long gzvm_dev_ioctl_check_extension(unsigned long arg)
{
	u64 __user *argp = (u64 __user *)arg;
	u64 cap, val;

	if (!argp)
		return -EINVAL;
	if (get_user(cap, argp))
		return -EFAULT;

	switch (cap) {
	case GZVM_CAP_PROTECTED_VM:
		val = 1;
		break;
	case GZVM_CAP_VM_GPA_SIZE:
		val = gzvm_gpa_bits();
		break;
	case GZVM_CAP_CHANNELS:
		val = gzvm_channels_supported();
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (put_user(val, argp))
		return -EFAULT;
	return 0;
}

/* ---- hypercall helpers -------------------------------------------------- */

static int gzvm_vm_enable_cap_hyp(struct gzvm *gzvm, u64 cap, u64 a0, u64 a1,
				  struct arm_smccc_res *res)
{
	u64 args[5] = { a0, a1, 0, 0, 0 };

	return gzvm_arch_enable_cap(gzvm->vm_id, cap, args, res);
}

int gzvm_vm_irq_line(struct gzvm *gzvm, u32 vcpu_idx, u32 irq, u32 level)
{
	struct arm_smccc_res res;

	return gzvm_hypcall_wrapper(GZVM_FID_IRQ_LINE,
				    GZVM_VCPU_TUPLE(gzvm->vm_id, vcpu_idx),
				    irq, level, 0, 0, 0, 0, &res);
}

/* Wake every idle vCPU of the VM (section 7.8). */
void gzvm_vm_wake_all_vcpus(struct gzvm *gzvm)
{
	struct gzvm_vcpu *vcpu;
	int i;

	/* RCU: a vCPU whose creation fails is unpublished, then freed. */
	rcu_read_lock();
	for (i = 0; i < GZVM_MAX_VCPUS; i++) {
		struct task_struct *task;

		vcpu = READ_ONCE(gzvm->vcpus[i]);
		if (!vcpu)
			continue;
		WRITE_ONCE(vcpu->idle_events.virtio_irq, 1);
		rcuwait_wake_up(&vcpu->wait);
		/*
		 * A vCPU in the guest on another CPU sees new interrupts or
		 * power state only when it exits: a reschedule IPI makes it
		 * exit now (physical interrupts end a guest's run).
		 */
		task = rcu_dereference(vcpu->task);
		if (task && task != current)
			kick_process(task);
	}
	rcu_read_unlock();
}

/* ---- memory regions ----------------------------------------------------- */

static int
gzvm_vm_ioctl_set_memory_region(struct gzvm *gzvm,
				struct gzvm_userspace_memory_region *mem)
{
	struct arm_smccc_res res;
	struct vm_area_struct *vma;
	struct gzvm_memslot *slot;
	unsigned long vma_size;
	u64 npages;
	int ret;

	if (mem->slot >= GZVM_MAX_MEM_REGION)
		return -EINVAL;
	if (!PAGE_ALIGNED(mem->guest_phys_addr) ||
	    !PAGE_ALIGNED(mem->memory_size))
		return -EINVAL;
	if (mem->guest_phys_addr + mem->memory_size < mem->guest_phys_addr)
		return -EINVAL;
	npages = mem->memory_size >> PAGE_SHIFT;
	if (npages > GZVM_MEM_MAX_NR_PAGES)
		return -EINVAL;
	if (current->mm != gzvm->mm)
		return -EIO;

	mmap_read_lock(current->mm);
	vma = vma_lookup(current->mm, mem->userspace_addr);
	vma_size = vma ? vma->vm_end - vma->vm_start : 0;
	mmap_read_unlock(current->mm);
	if (!vma)
		return -EFAULT;
	if (vma_size != mem->memory_size)
		return -EINVAL;

	mutex_lock(&gzvm->lock);
	slot = &gzvm->memslot[mem->slot];
	slot->base_gfn = mem->guest_phys_addr >> PAGE_SHIFT;
	slot->npages = npages;
	slot->userspace_addr = mem->userspace_addr;
	slot->flags = mem->flags;
	slot->slot_id = mem->slot;

	ret = gzvm_hypcall_wrapper(GZVM_FID_MEMREGION_PURPOSE, gzvm->vm_id,
				   mem->guest_phys_addr, mem->memory_size,
				   mem->flags, 0, 0, 0, &res);
	if (ret) {
		ret = -EFAULT;
		goto out;
	}
	if (gzvm_vm_register_mem_region(gzvm, mem->slot)) {
		ret = -EFAULT;
		goto out;
	}
	if (gzvm->mem_alloc_mode == GZVM_FULLY_POPULATED)
		ret = gzvm_vm_populate_mem_region(gzvm, mem->slot);
out:
	mutex_unlock(&gzvm->lock);
	return ret;
}

static int gzvm_vm_populate_all(struct gzvm *gzvm)
{
	int i, ret;

	mutex_lock(&gzvm->lock);
	for (i = 0; i < GZVM_MAX_MEM_REGION; i++) {
		if (!gzvm->memslot[i].npages)
			continue;
		ret = gzvm_vm_populate_mem_region(gzvm, i);
		if (ret)
			break;
	}
	mutex_unlock(&gzvm->lock);
	return i < GZVM_MAX_MEM_REGION ? ret : 0;
}

/* ---- GZVM_ENABLE_CAP ---------------------------------------------------- */

static int gzvm_vm_ioctl_cap_pvm(struct gzvm *gzvm, struct gzvm_enable_cap *cap,
				 void __user *argp)
{
	struct arm_smccc_res res;
	int ret;

	switch (cap->args[0]) {
	case GZVM_CAP_PVM_SET_PVMFW_GPA:
	case GZVM_CAP_PVM_SET_PROTECTED_VM:
		/*
		 * A protected VM's memory is handed over before it starts:
		 * populate every memslot first, whatever the demand-paging
		 * granularity (the spec asks it for 4 KiB; gzvm's hypervisor
		 * also needs the boot payload mapped to verify it at the
		 * first run, and donates every page then anyway).
		 */
		if (gzvm->mem_alloc_mode == GZVM_DEMAND_PAGING) {
			ret = gzvm_vm_populate_all(gzvm);
			if (ret)
				return ret;
		}
		return gzvm_arch_enable_cap(gzvm->vm_id, cap->cap, cap->args,
					    &res);
	case GZVM_CAP_PVM_GET_PVMFW_SIZE:
		if (gzvm_arch_enable_cap(gzvm->vm_id, cap->cap, cap->args, &res))
			return -EINVAL;
		cap->args[1] = res.a1;
		if (copy_to_user(argp, cap, sizeof(*cap)))
			return -EFAULT;
		return 0;
	default:
		return -EINVAL;
	}
}

static int gzvm_vm_ioctl_enable_cap(struct gzvm *gzvm,
				    struct gzvm_enable_cap *cap,
				    void __user *argp)
{
	struct arm_smccc_res res;

	switch (cap->cap) {
	case GZVM_CAP_PROTECTED_VM:
		return gzvm_vm_ioctl_cap_pvm(gzvm, cap, argp);
	case GZVM_CAP_ENABLE_DEMAND_PAGING:
	case GZVM_CAP_ENABLE_IDLE:
		return gzvm_arch_enable_cap(gzvm->vm_id, cap->cap, cap->args,
					    &res);
	case GZVM_CAP_BLOCK_BASED_DEMAND_PAGING:
		/*
		 * args[1] would be the physical address of the PFN buffer the
		 * hypervisor maps guest memory from: never taken from
		 * userspace.  The driver negotiates this cap itself.
		 */
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

/* ---- devices, interrupts, DTB ------------------------------------------- */

static int gzvm_vm_ioctl_create_device(struct gzvm *gzvm, void __user *argp)
{
	struct gzvm_create_device *dev_data;
	struct arm_smccc_res res;
	void *attr = NULL;
	int ret;

	dev_data = (struct gzvm_create_device *)get_zeroed_page(GFP_KERNEL);
	if (!dev_data)
		return -ENOMEM;
	if (copy_from_user(dev_data, argp, sizeof(*dev_data))) {
		ret = -EFAULT;
		goto out;
	}
	if (dev_data->attr_addr && dev_data->attr_size) {
		if (dev_data->attr_size > PAGE_SIZE) {
			ret = -EINVAL;
			goto out;
		}
		attr = (void *)get_zeroed_page(GFP_KERNEL);
		if (!attr) {
			ret = -ENOMEM;
			goto out;
		}
		if (copy_from_user(attr, u64_to_user_ptr(dev_data->attr_addr),
				   dev_data->attr_size)) {
			ret = -EFAULT;
			goto out;
		}
		dev_data->attr_addr = virt_to_phys(attr);
	}
	ret = gzvm_hypcall_wrapper(GZVM_FID_CREATE_DEVICE, gzvm->vm_id,
				   virt_to_phys(dev_data), 0, 0, 0, 0, 0, &res);
out:
	if (attr)
		free_page((unsigned long)attr);
	free_page((unsigned long)dev_data);
	return ret;
}

/*
 * Numbers are SPI indices (7.5); the type field, ignored by v6+ drivers,
 * selects a PPI (INTID 16..31 of the given vCPU) here, passed with
 * GZVM_HVC_IRQ_PPI.  The vCPUs are woken (and kicked out of the guest)
 * after the line changed, so they see it on their next entry.
 */
static int gzvm_vm_ioctl_irq_line(struct gzvm *gzvm, struct gzvm_irq_level *irq)
{
	u32 vcpu_idx = GZVM_IRQ_LINE_GET_VCPU(irq->irq);
	u32 num = GZVM_IRQ_LINE_GET_NUM(irq->irq);
	int ret;

	if (GZVM_IRQ_LINE_GET_TYPE(irq->irq) == GZVM_IRQ_TYPE_PPI)
		num |= GZVM_HVC_IRQ_PPI;
	ret = gzvm_vm_irq_line(gzvm, vcpu_idx, num, irq->level);
	gzvm_vm_wake_all_vcpus(gzvm);
	return ret ? -EFAULT : 0;
}

static int gzvm_vm_ioctl_set_dtb_config(struct gzvm *gzvm,
					struct gzvm_dtb_config *cfg)
{
	struct arm_smccc_res res;

	return gzvm_hypcall_wrapper(GZVM_FID_SET_DTB_CONFIG, gzvm->vm_id,
				    cfg->dtb_addr, cfg->dtb_size, 0, 0, 0, 0,
				    &res);
}

static long gzvm_vm_ioctl(struct file *filp, unsigned int ioctl,
			  unsigned long arg)
{
	struct gzvm *gzvm = filp->private_data;
	void __user *argp = (void __user *)arg;

	switch (ioctl) {
	case GZVM_CHECK_EXTENSION:
		return gzvm_dev_ioctl_check_extension(arg);
	case GZVM_CREATE_VCPU:
		return gzvm_vm_ioctl_create_vcpu(gzvm, arg);
	case GZVM_SET_USER_MEMORY_REGION: {
		struct gzvm_userspace_memory_region mem;

		if (copy_from_user(&mem, argp, sizeof(mem)))
			return -EFAULT;
		return gzvm_vm_ioctl_set_memory_region(gzvm, &mem);
	}
	case GZVM_IRQ_LINE: {
		struct gzvm_irq_level irq;

		if (copy_from_user(&irq, argp, sizeof(irq)))
			return -EFAULT;
		return gzvm_vm_ioctl_irq_line(gzvm, &irq);
	}
	case GZVM_CREATE_DEVICE:
		return gzvm_vm_ioctl_create_device(gzvm, argp);
	case GZVM_IRQFD: {
		struct gzvm_irqfd data;

		if (copy_from_user(&data, argp, sizeof(data)))
			return -EFAULT;
		return gzvm_irqfd(gzvm, &data);
	}
	case GZVM_IOEVENTFD: {
		struct gzvm_ioeventfd data;

		if (copy_from_user(&data, argp, sizeof(data)))
			return -EFAULT;
		return gzvm_ioeventfd(gzvm, &data);
	}
	case GZVM_ENABLE_CAP: {
		struct gzvm_enable_cap cap;

		if (copy_from_user(&cap, argp, sizeof(cap)))
			return -EFAULT;
		return gzvm_vm_ioctl_enable_cap(gzvm, &cap, argp);
	}
	case GZVM_SET_DTB_CONFIG: {
		struct gzvm_dtb_config cfg;

		if (copy_from_user(&cfg, argp, sizeof(cfg)))
			return -EFAULT;
		return gzvm_vm_ioctl_set_dtb_config(gzvm, &cfg);
	}
	case GZVM_CREATE_CHANNEL:
		return gzvm_vm_ioctl_create_channel(gzvm, argp);
	default:
		return -ENOTTY;
	}
}

/* ---- debugfs -------------------------------------------------------------- */

static int gzvm_vm_stat(struct gzvm *gzvm, bool hyp_mem, u64 *val)
{
	struct arm_smccc_res res;
	int ret;

	ret = gzvm_hypcall_wrapper(GZVM_FID_GET_STATISTICS, gzvm->vm_id,
				   0, 0, 0, 0, 0, 0, &res);
	if (ret)
		return ret;
	*val = hyp_mem ? res.a1 : res.a2;
	return 0;
}

static int gzvm_protected_hyp_mem_get(void *data, u64 *val)
{
	return gzvm_vm_stat(data, true, val);
}

static int gzvm_protected_shared_mem_get(void *data, u64 *val)
{
	return gzvm_vm_stat(data, false, val);
}

DEFINE_DEBUGFS_ATTRIBUTE(gzvm_hyp_mem_fops, gzvm_protected_hyp_mem_get,
			 NULL, "%llu\n");
DEFINE_DEBUGFS_ATTRIBUTE(gzvm_shared_mem_fops, gzvm_protected_shared_mem_get,
			 NULL, "%llu\n");

/*
 * The whole hypervisor (GET_STATISTICS of VM id 0, a gzvm extension), in
 * bytes: its page pool in use (x1), host memory lent to all guests (x2)
 * and memory donated to protected guests (x3).
 */
enum gzvm_hyp_stat { GZVM_HYP_POOL = 1, GZVM_HYP_LENT, GZVM_HYP_DONATED };

static int gzvm_hyp_stat(enum gzvm_hyp_stat which, u64 *val)
{
	struct arm_smccc_res res;
	int ret;

	ret = gzvm_hypcall_wrapper(GZVM_FID_GET_STATISTICS, 0, 0, 0, 0, 0, 0, 0,
				   &res);
	if (ret)
		return ret;
	*val = which == GZVM_HYP_POOL ? res.a1 :
	       which == GZVM_HYP_LENT ? res.a2 : res.a3;
	return 0;
}

static int gzvm_hyp_pool_get(void *data, u64 *val)
{
	return gzvm_hyp_stat(GZVM_HYP_POOL, val);
}

static int gzvm_hyp_lent_get(void *data, u64 *val)
{
	return gzvm_hyp_stat(GZVM_HYP_LENT, val);
}

static int gzvm_hyp_donated_get(void *data, u64 *val)
{
	return gzvm_hyp_stat(GZVM_HYP_DONATED, val);
}

DEFINE_DEBUGFS_ATTRIBUTE(gzvm_hyp_pool_fops, gzvm_hyp_pool_get, NULL,
			 "%llu\n");
DEFINE_DEBUGFS_ATTRIBUTE(gzvm_hyp_lent_fops, gzvm_hyp_lent_get, NULL,
			 "%llu\n");
DEFINE_DEBUGFS_ATTRIBUTE(gzvm_hyp_donated_fops, gzvm_hyp_donated_get, NULL,
			 "%llu\n");

void gzvm_debugfs_hyp_init(struct dentry *dir)
{
	if (IS_ERR_OR_NULL(dir))
		return;
	debugfs_create_file_unsafe("hyp_pool_used", 0444, dir, NULL,
				   &gzvm_hyp_pool_fops);
	debugfs_create_file_unsafe("hyp_lent_mem", 0444, dir, NULL,
				   &gzvm_hyp_lent_fops);
	debugfs_create_file_unsafe("hyp_donated_mem", 0444, dir, NULL,
				   &gzvm_hyp_donated_fops);
}

static void gzvm_vm_debugfs_init(struct gzvm *gzvm)
{
	char name[32];

	if (IS_ERR_OR_NULL(gzvm_drv.debugfs_dir))
		return;
	snprintf(name, sizeof(name), "%d-%u", gzvm->pid, gzvm->vm_id);
	gzvm->debug_dir = debugfs_create_dir(name, gzvm_drv.debugfs_dir);
	if (IS_ERR(gzvm->debug_dir)) {
		gzvm->debug_dir = NULL;
		return;
	}
	debugfs_create_file_unsafe("protected_hyp_mem", 0444, gzvm->debug_dir,
				   gzvm, &gzvm_hyp_mem_fops);
	debugfs_create_file_unsafe("protected_shared_mem", 0444,
				   gzvm->debug_dir, gzvm, &gzvm_shared_mem_fops);
}

/* ---- lifetime ------------------------------------------------------------- */

/*
 * DESTROY_VM, in chunks of destroy_batch_pages (v13): the hypervisor
 * answers ERR_BUSY while there is work left.
 */
static int gzvm_arch_destroy_vm(u16 vm_id)
{
	struct arm_smccc_res res;
	int ret;

	for (;;) {
		ret = gzvm_hypcall_wrapper(GZVM_FID_DESTROY_VM, vm_id,
					   READ_ONCE(gzvm_drv.destroy_batch_pages),
					   0, 0, 0, 0, 0, &res);
		if (ret != -EAGAIN)
			return ret;
		cond_resched();
	}
}

/*
 * Teardown (section 7.10), when the VM fd and every vCPU fd are closed:
 * irqfds, vCPUs, the VM in the hypervisor, then the host resources.  Runs
 * from file release, possibly after the owner's mm is gone (process
 * exit); only gzvm->mm (mmgrab) is used, never current->mm.
 */
static void gzvm_destroy_vm(struct gzvm *gzvm)
{
	int ret;

	debugfs_remove_recursive(gzvm->debug_dir);
	gzvm->debug_dir = NULL;

	gzvm_vm_irqfd_release(gzvm);
	gzvm_vm_ioeventfd_release(gzvm);
	gzvm_destroy_vcpus(gzvm);

	ret = gzvm_arch_destroy_vm(gzvm->vm_id);
	/* the hypervisor closed its channels: wake their other ends */
	gzvm_channels_vm_gone(gzvm);

	mutex_lock(&gzvm_list_lock);
	list_del(&gzvm->vm_list);
	mutex_unlock(&gzvm_list_lock);

	if (ret) {
		/*
		 * The hypervisor may still map these pages into the guest:
		 * handing them back to the host would let the guest write
		 * host memory.  Leak them (pinned) instead.
		 */
		pr_err("gzvm: DESTROY_VM of VM %u failed (%d): %lu pinned pages and the PFN buffer are leaked\n",
		       gzvm->vm_id, ret, gzvm->nr_pinned);
	} else {
		if (gzvm->demand_page_buffer)
			free_page((unsigned long)gzvm->demand_page_buffer);
		gzvm_vm_unpin_all(gzvm);
	}
	mmdrop(gzvm->mm);
	kfree(gzvm);
}

static void gzvm_vm_release_kref(struct kref *ref)
{
	gzvm_destroy_vm(container_of(ref, struct gzvm, ref));
}

void gzvm_vm_get(struct gzvm *gzvm)
{
	kref_get(&gzvm->ref);
}

void gzvm_vm_put(struct gzvm *gzvm)
{
	kref_put(&gzvm->ref, gzvm_vm_release_kref);
}

static int gzvm_vm_release(struct inode *inode, struct file *filp)
{
	gzvm_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations gzvm_vm_fops = {
	.owner = THIS_MODULE,
	.release = gzvm_vm_release,
	.unlocked_ioctl = gzvm_vm_ioctl,
	.llseek = noop_llseek,
};

/* The VM of a VM fd, or NULL for any other file. */
struct gzvm *gzvm_vm_of_file(struct file *filp)
{
	return filp->f_op == &gzvm_vm_fops ? filp->private_data : NULL;
}

/*
 * How guest memory is provided to VMs created from now on (read at
 * creation): 0 = the best the hypervisor accepts (2 MiB blocks), 1 = demand
 * paging one 4 KiB page at a time, 2 = every memslot populated when it is
 * set.  For testing and measurement; the default is what v13 does.
 */
static int memory_mode;
module_param(memory_mode, int, 0644);
MODULE_PARM_DESC(memory_mode,
		 "0: demand paging in 2 MiB blocks if possible, 1: 4 KiB pages, 2: fully populated");

/*
 * Memory mode (section 7.2): demand paging if the hypervisor accepts
 * ENABLE_DEMAND_PAGING, in 2 MiB blocks if it also accepts
 * BLOCK_BASED_DEMAND_PAGING with our PFN buffer; otherwise every memslot
 * is populated when it is set (fully populated).
 */
static void gzvm_vm_setup_paging(struct gzvm *gzvm)
{
	struct arm_smccc_res res;
	int mode = READ_ONCE(memory_mode);
	u64 *buf;

	gzvm->mem_alloc_mode = GZVM_FULLY_POPULATED;
	gzvm->demand_page_gran = PAGE_SIZE;
	if (mode == 2 ||
	    gzvm_vm_enable_cap_hyp(gzvm, GZVM_CAP_ENABLE_DEMAND_PAGING, 0, 0,
				   &res))
		return;
	gzvm->mem_alloc_mode = GZVM_DEMAND_PAGING;
	if (mode == 1)
		return;

	buf = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!buf)
		return;
	if (gzvm_vm_enable_cap_hyp(gzvm, GZVM_CAP_BLOCK_BASED_DEMAND_PAGING,
				   GZVM_BLOCK_DEMAND_PAGE_SIZE,
				   virt_to_phys(buf), &res)) {
		free_page((unsigned long)buf);
		return;
	}
	gzvm->demand_page_buffer = buf;
	gzvm->demand_page_gran = GZVM_BLOCK_DEMAND_PAGE_SIZE;
}

long gzvm_dev_ioctl_create_vm(unsigned long vm_type)
{
	struct arm_smccc_res res;
	struct gzvm *gzvm;
	int ret;

	gzvm = kzalloc(sizeof(*gzvm), GFP_KERNEL_ACCOUNT);
	if (!gzvm)
		return -ENOMEM;

	ret = gzvm_hypcall_wrapper(GZVM_FID_CREATE_VM, vm_type, 0, 0, 0, 0, 0,
				   0, &res);
	if (ret) {
		kfree(gzvm);
		return ret;
	}
	if (res.a1 >= GZVM_INVALID_VM_ID) {
		pr_err("gzvm: CREATE_VM returned invalid VM id %lu\n", res.a1);
		kfree(gzvm);
		return -EINVAL;
	}

	kref_init(&gzvm->ref);
	gzvm->vm_id = (u16)res.a1;
	gzvm->mm = current->mm;
	mmgrab(gzvm->mm);
	gzvm->pid = task_pid_nr(current);
	mutex_init(&gzvm->lock);
	mutex_init(&gzvm->mem_lock);
	mutex_init(&gzvm->demand_paging_lock);
	xa_init(&gzvm->pinned);
	gzvm_vm_irqfd_init(gzvm);
	gzvm_vm_ioeventfd_init(gzvm);

	mutex_lock(&gzvm_list_lock);
	list_add(&gzvm->vm_list, &gzvm_list);
	mutex_unlock(&gzvm_list_lock);

	gzvm_vm_setup_paging(gzvm);
	ret = gzvm_vm_enable_cap_hyp(gzvm, GZVM_CAP_ENABLE_IDLE, 0, 0, &res);
	if (ret)
		pr_debug("gzvm: VM %u: ENABLE_IDLE not accepted (%d)\n",
			 gzvm->vm_id, ret);
	gzvm_vm_debugfs_init(gzvm);

	ret = anon_inode_getfd("gzvm-vm", &gzvm_vm_fops, gzvm,
			       O_RDWR | O_CLOEXEC);
	if (ret < 0)
		gzvm_vm_put(gzvm);
	return ret;
}
