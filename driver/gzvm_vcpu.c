// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs: GZVM_CREATE_VCPU on a VM fd, and GZVM_RUN, GZVM_SET_ONE_REG and
 * GZVM_GET_ONE_REG on a vCPU fd (gzvm-abi.md sections 3.1, 7.4, 7.8).
 *
 * Each vCPU owns a zeroed, physically contiguous 2-page run area shared
 * with the hypervisor: page 0 is the struct gzvm_vcpu_run the guest's
 * exits are written to, page 1 the struct gzvm_vcpu_hwstate.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "gzvm_drv.h"
#include "gzvm_trace.h"

static u32 gzvm_vcpu_tuple(struct gzvm_vcpu *vcpu)
{
	return GZVM_VCPU_TUPLE(vcpu->gzvm->vm_id, vcpu->vcpuid);
}

/* ---- ONE_REG -------------------------------------------------------------- */

/* Only 1, 2, 4 and 8-byte registers travel through a hypercall register. */
static int gzvm_reg_size(u64 id)
{
	u32 size = GZVM_REG_SIZE(id);

	switch (size) {
	case 1:
	case 2:
	case 4:
	case 8:
		return size;
	default:
		return -EINVAL;
	}
}

static long gzvm_vcpu_set_one_reg(struct gzvm_vcpu *vcpu, void __user *argp)
{
	struct arm_smccc_res res;
	struct gzvm_one_reg reg;
	u64 val = 0;
	int size;

	if (copy_from_user(&reg, argp, sizeof(reg)))
		return -EFAULT;
	size = gzvm_reg_size(reg.id);
	if (size < 0)
		return size;
	/* little-endian: the low bytes of a zero-extended u64 */
	if (copy_from_user(&val, u64_to_user_ptr(reg.addr), size))
		return -EFAULT;
	return gzvm_hypcall_wrapper(GZVM_FID_SET_ONE_REG, gzvm_vcpu_tuple(vcpu),
				    reg.id, val, 0, 0, 0, 0, &res);
}

static long gzvm_vcpu_get_one_reg(struct gzvm_vcpu *vcpu, void __user *argp)
{
	struct arm_smccc_res res;
	struct gzvm_one_reg reg;
	u64 val;
	int size, ret;

	if (copy_from_user(&reg, argp, sizeof(reg)))
		return -EFAULT;
	size = gzvm_reg_size(reg.id);
	if (size < 0)
		return size;
	ret = gzvm_hypcall_wrapper(GZVM_FID_GET_ONE_REG, gzvm_vcpu_tuple(vcpu),
				   reg.id, 0, 0, 0, 0, 0, &res);
	if (ret)
		return ret;
	val = res.a1;
	if (copy_to_user(u64_to_user_ptr(reg.addr), &val, size))
		return -EFAULT;
	return 0;
}

/* ---- idle (section 7.8) ------------------------------------------------ */

/* The guest's timer deadline passed: only its own vCPU has to wake up. */
static enum hrtimer_restart gzvm_vtimer_expire(struct hrtimer *hrt)
{
	struct gzvm_vcpu *vcpu = container_of(hrt, struct gzvm_vcpu, vtimer);

	WRITE_ONCE(vcpu->idle_events.vtimer_irq, 1);
	rcuwait_wake_up(&vcpu->wait);
	return HRTIMER_NORESTART;
}

/*
 * The guest waits for an interrupt, or the vCPU is powered off.  Sleep
 * until an interrupt is injected, another vCPU sends an IPI or powers it
 * on, or a signal arrives; and, if the hypervisor handed the guest's
 * virtual timer over (vtimer_migrate), until that timer would fire.  (The
 * v13 driver re-enters at once when no timer is handed over; sleeping is
 * what keeps an idle or powered-off vCPU from costing a host CPU.)
 */
static void gzvm_vcpu_handle_idle(struct gzvm_vcpu *vcpu)
{
	bool timer = READ_ONCE(vcpu->hwstate->vtimer_migrate);
	u64 ns;

	if (timer) {
		ns = mul_u64_u32_shr(READ_ONCE(vcpu->hwstate->vtimer_delay),
				     gzvm_drv.cyc_mult, gzvm_drv.cyc_shift);
		hrtimer_start(&vcpu->vtimer, ns_to_ktime(ns),
			      HRTIMER_MODE_REL_HARD);
	}
	rcuwait_wait_event(&vcpu->wait,
			   READ_ONCE(vcpu->idle_events.virtio_irq) ||
			   READ_ONCE(vcpu->idle_events.vtimer_irq),
			   TASK_INTERRUPTIBLE);
	if (timer)
		hrtimer_cancel(&vcpu->vtimer);
	WRITE_ONCE(vcpu->idle_events.virtio_irq, 0);
	WRITE_ONCE(vcpu->idle_events.vtimer_irq, 0);
}

/* ---- GZVM_RUN (section 7.4) -------------------------------------------- */

static bool gzvm_vcpu_handle_mmio(struct gzvm_vcpu *vcpu)
{
	struct gzvm_run_mmio *mmio = &vcpu->run->mmio;

	if (!mmio->is_write)
		return false;
	if (mmio->size > sizeof(mmio->data))
		return false;
	return gzvm_ioevent_write(vcpu, mmio->phys_addr, (int)mmio->size,
				  mmio->data);
}

/* Returns true when the exit must go to userspace. */
static bool gzvm_vcpu_handle_exit(struct gzvm_vcpu *vcpu,
				  struct arm_smccc_res *res)
{
	u32 exit_reason = (u32)res->a1;

	switch (exit_reason) {
	case GZVM_EXIT_MMIO:
		return !gzvm_vcpu_handle_mmio(vcpu);
	case GZVM_EXIT_HYPERCALL:
		return !gzvm_handle_guest_hvc(vcpu);
	case GZVM_EXIT_EXCEPTION:
		return !gzvm_handle_guest_exception(vcpu);
	case GZVM_EXIT_DEBUG:
	case GZVM_EXIT_FAIL_ENTRY:
	case GZVM_EXIT_INTERNAL_ERROR:
	case GZVM_EXIT_SYSTEM_EVENT:
	case GZVM_EXIT_SHUTDOWN:
		return true;
	case GZVM_EXIT_IRQ:
	case GZVM_EXIT_GZ:
		return false;
	case GZVM_EXIT_IDLE:
		gzvm_vcpu_handle_idle(vcpu);
		return false;
	case GZVM_EXIT_IPI:
		gzvm_vm_wake_all_vcpus(vcpu->gzvm);
		return false;
	case GZVM_EXIT_CHAN_DOORBELL:
		gzvm_channel_doorbell(vcpu->gzvm, (u32)res->a2);
		return false;
	case GZVM_EXIT_UNKNOWN:
	default:
		pr_err_ratelimited("gzvm: VM %u vCPU %d: unknown exit reason 0x%x\n",
				   vcpu->gzvm->vm_id, vcpu->vcpuid, exit_reason);
		return true;
	}
}

static long gzvm_vcpu_run(struct gzvm_vcpu *vcpu, void __user *argp)
{
	struct gzvm_vcpu_run *run = vcpu->run;
	struct arm_smccc_res res;
	bool need_userspace = false;
	int ret = 0, i;

	if (!argp)
		return -EINVAL;
	if (copy_from_user(run, argp, sizeof(*run)))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(run->padding1); i++) {
		if (run->padding1[i])
			return -EINVAL;
	}
	if (run->immediate_exit == 1)
		return -EINTR;

	/* wake-ups of this vCPU also kick it out of the guest (gzvm_vm_wake_all_vcpus) */
	rcu_assign_pointer(vcpu->task, current);
	while (!need_userspace && !signal_pending(current)) {
		ret = gzvm_hypcall_wrapper(GZVM_FID_RUN, gzvm_vcpu_tuple(vcpu),
					   0, 0, 0, 0, 0, 0, &res);
		if (ret)
			break;
		trace_mtk_vcpu_exit(res.a1);
		need_userspace = gzvm_vcpu_handle_exit(vcpu, &res);
		if (!need_userspace)
			cond_resched();
	}
	RCU_INIT_POINTER(vcpu->task, NULL);
	if (ret)
		return ret;

	if (copy_to_user(argp, run, sizeof(*run)))
		return -EFAULT;
	/*
	 * A signal ends the loop (EINTR for the caller) unless an exit is
	 * already waiting for userspace: that one is delivered first, so a
	 * restarted GZVM_RUN never resumes the guest past an unhandled exit.
	 */
	if (!need_userspace && signal_pending(current)) {
		gzvm_arch_inform_exit(vcpu->gzvm->vm_id);
		return -ERESTARTSYS;
	}
	return 0;
}

static long gzvm_vcpu_ioctl(struct file *filp, unsigned int ioctl,
			    unsigned long arg)
{
	struct gzvm_vcpu *vcpu = filp->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	switch (ioctl) {
	case GZVM_RUN:
	case GZVM_SET_ONE_REG:
	case GZVM_GET_ONE_REG:
		break;
	default:
		return -ENOTTY;
	}

	if (mutex_lock_killable(&vcpu->lock))
		return -EINTR;
	switch (ioctl) {
	case GZVM_RUN:
		ret = gzvm_vcpu_run(vcpu, argp);
		break;
	case GZVM_SET_ONE_REG:
		ret = gzvm_vcpu_set_one_reg(vcpu, argp);
		break;
	default:
		ret = gzvm_vcpu_get_one_reg(vcpu, argp);
		break;
	}
	mutex_unlock(&vcpu->lock);
	return ret;
}

/* A vCPU fd holds a reference on its VM; the vCPU dies with the VM. */
static int gzvm_vcpu_release(struct inode *inode, struct file *filp)
{
	struct gzvm_vcpu *vcpu = filp->private_data;

	gzvm_vm_put(vcpu->gzvm);
	return 0;
}

static const struct file_operations gzvm_vcpu_fops = {
	.owner = THIS_MODULE,
	.release = gzvm_vcpu_release,
	.unlocked_ioctl = gzvm_vcpu_ioctl,
	.llseek = noop_llseek,
};

/* ---- creation and destruction ------------------------------------------ */

static void gzvm_vcpu_free(struct gzvm_vcpu *vcpu)
{
	memset(vcpu->run, 0, GZVM_VCPU_RUN_MAP_SIZE);
	free_pages_exact(vcpu->run, GZVM_VCPU_RUN_MAP_SIZE);
	kfree(vcpu);
}

/* Called by VM teardown, when no vCPU fd is left. */
void gzvm_destroy_vcpus(struct gzvm *gzvm)
{
	struct arm_smccc_res res;
	struct gzvm_vcpu *vcpu;
	int i;

	for (i = 0; i < GZVM_MAX_VCPUS; i++) {
		vcpu = gzvm->vcpus[i];
		if (!vcpu)
			continue;
		hrtimer_cancel(&vcpu->vtimer);
		gzvm_hypcall_wrapper(GZVM_FID_DESTROY_VCPU,
				     gzvm_vcpu_tuple(vcpu), 0, 0, 0, 0, 0, 0,
				     &res);
		WRITE_ONCE(gzvm->vcpus[i], NULL);
		gzvm_vcpu_free(vcpu);
	}
}

int gzvm_vm_ioctl_create_vcpu(struct gzvm *gzvm, unsigned long cpuid)
{
	struct arm_smccc_res res;
	struct gzvm_vcpu *vcpu;
	char name[24];
	int ret;

	if (cpuid >= GZVM_MAX_VCPUS)
		return -EINVAL;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->run = alloc_pages_exact(GZVM_VCPU_RUN_MAP_SIZE,
				      GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!vcpu->run) {
		kfree(vcpu);
		return -ENOMEM;
	}
	vcpu->hwstate = (void *)vcpu->run + PAGE_SIZE;
	vcpu->gzvm = gzvm;
	vcpu->vcpuid = (int)cpuid;
	mutex_init(&vcpu->lock);
	rcuwait_init(&vcpu->wait);
	hrtimer_init(&vcpu->vtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	vcpu->vtimer.function = gzvm_vtimer_expire;

	mutex_lock(&gzvm->lock);
	/* The original driver overwrote (and leaked) a vCPU created twice. */
	if (gzvm->vcpus[cpuid]) {
		ret = -EEXIST;
		goto err_free;
	}
	ret = gzvm_hypcall_wrapper(GZVM_FID_CREATE_VCPU, gzvm_vcpu_tuple(vcpu),
				   virt_to_phys(vcpu->run), 0, 0, 0, 0, 0, &res);
	if (ret)
		goto err_free;

	/*
	 * Published before the fd exists: the VM (kept alive by the VM fd
	 * this ioctl came through) owns the vCPU from here on.
	 */
	WRITE_ONCE(gzvm->vcpus[cpuid], vcpu);
	gzvm_vm_get(gzvm);
	snprintf(name, sizeof(name), "gzvm-vcpu:%lu", cpuid);
	ret = anon_inode_getfd(name, &gzvm_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (ret < 0) {
		WRITE_ONCE(gzvm->vcpus[cpuid], NULL);
		gzvm_hypcall_wrapper(GZVM_FID_DESTROY_VCPU,
				     gzvm_vcpu_tuple(vcpu), 0, 0, 0, 0, 0, 0,
				     &res);
		mutex_unlock(&gzvm->lock);
		synchronize_rcu();
		gzvm_vcpu_free(vcpu);
		/* not the last reference: the VM fd is held by this ioctl */
		gzvm_vm_put(gzvm);
		return ret;
	}
	mutex_unlock(&gzvm->lock);
	return ret;

err_free:
	mutex_unlock(&gzvm->lock);
	gzvm_vcpu_free(vcpu);
	return ret;
}
