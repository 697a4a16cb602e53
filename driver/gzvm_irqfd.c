// SPDX-License-Identifier: GPL-2.0
/*
 * irqfd (gzvm-abi.md section 7.6): an eventfd bound to an SPI of a VM.
 * A write to the eventfd injects the interrupt (IRQ_LINE, level 1, vCPU 0)
 * straight from the eventfd's wake-up callback; the hypervisor treats
 * these as edges.  When the eventfd is closed (EPOLLHUP) or the binding is
 * removed, the entry is torn down on the gzvm-irqfd-cleanup workqueue.
 * RESAMPLE is accepted and has no effect.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "gzvm_drv.h"

struct gzvm_kernel_irqfd {
	struct gzvm *gzvm;
	struct eventfd_ctx *eventfd;
	u32 gsi;
	struct list_head list;		/* gzvm->irqfds.items */
	wait_queue_entry_t wait;
	poll_table pt;
	struct work_struct shutdown;
};

static struct workqueue_struct *irqfd_cleanup_wq;

int gzvm_irqfd_init(void)
{
	irqfd_cleanup_wq = alloc_workqueue("gzvm-irqfd-cleanup", 0, 0);
	return irqfd_cleanup_wq ? 0 : -ENOMEM;
}

void gzvm_irqfd_exit(void)
{
	if (irqfd_cleanup_wq)
		destroy_workqueue(irqfd_cleanup_wq);
	irqfd_cleanup_wq = NULL;
}

void gzvm_vm_irqfd_init(struct gzvm *gzvm)
{
	spin_lock_init(&gzvm->irqfds.lock);
	INIT_LIST_HEAD(&gzvm->irqfds.items);
}

/* Line first, then wake and kick the vCPUs so that they see it. */
static void gzvm_irqfd_inject(struct gzvm_kernel_irqfd *irqfd)
{
	gzvm_vm_irq_line(irqfd->gzvm, 0, irqfd->gsi, 1);
	gzvm_vm_wake_all_vcpus(irqfd->gzvm);
}

static void irqfd_shutdown(struct work_struct *work)
{
	struct gzvm_kernel_irqfd *irqfd =
		container_of(work, struct gzvm_kernel_irqfd, shutdown);
	u64 cnt;

	/* After this the wake-up callback cannot run any more. */
	eventfd_ctx_remove_wait_queue(irqfd->eventfd, &irqfd->wait, &cnt);
	eventfd_ctx_put(irqfd->eventfd);
	kfree(irqfd);
}

static bool irqfd_is_active(struct gzvm_kernel_irqfd *irqfd)
{
	return !list_empty(&irqfd->list);
}

/* Called with gzvm->irqfds.lock held. */
static void irqfd_deactivate(struct gzvm_kernel_irqfd *irqfd)
{
	list_del_init(&irqfd->list);
	queue_work(irqfd_cleanup_wq, &irqfd->shutdown);
}

/* Runs with the eventfd's wait-queue lock held, interrupts off. */
static int irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync,
			void *key)
{
	struct gzvm_kernel_irqfd *irqfd =
		container_of(wait, struct gzvm_kernel_irqfd, wait);
	__poll_t flags = key_to_poll(key);
	struct gzvm *gzvm = irqfd->gzvm;
	unsigned long iflags;
	u64 cnt;

	if (flags & EPOLLIN) {
		eventfd_ctx_do_read(irqfd->eventfd, &cnt);
		gzvm_irqfd_inject(irqfd);
	}
	if (flags & EPOLLHUP) {
		spin_lock_irqsave(&gzvm->irqfds.lock, iflags);
		if (irqfd_is_active(irqfd))
			irqfd_deactivate(irqfd);
		spin_unlock_irqrestore(&gzvm->irqfds.lock, iflags);
	}
	return 0;
}

static void irqfd_ptable_queue_proc(struct file *file, wait_queue_head_t *wqh,
				    poll_table *pt)
{
	struct gzvm_kernel_irqfd *irqfd =
		container_of(pt, struct gzvm_kernel_irqfd, pt);

	add_wait_queue_priority(wqh, &irqfd->wait);
}

static int gzvm_irqfd_assign(struct gzvm *gzvm, struct gzvm_irqfd *args)
{
	struct gzvm_kernel_irqfd *irqfd, *tmp;
	struct eventfd_ctx *eventfd;
	struct file *file;
	__poll_t events;
	int ret;

	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	if (!irqfd)
		return -ENOMEM;
	irqfd->gzvm = gzvm;
	irqfd->gsi = args->gsi;
	INIT_LIST_HEAD(&irqfd->list);
	INIT_WORK(&irqfd->shutdown, irqfd_shutdown);

	file = fget(args->fd);
	if (!file) {
		ret = -EBADF;
		goto err_free;
	}
	eventfd = eventfd_ctx_fileget(file);
	if (IS_ERR(eventfd)) {
		ret = PTR_ERR(eventfd);
		goto err_fput;
	}
	irqfd->eventfd = eventfd;
	init_waitqueue_func_entry(&irqfd->wait, irqfd_wakeup);
	init_poll_funcptr(&irqfd->pt, irqfd_ptable_queue_proc);

	spin_lock_irq(&gzvm->irqfds.lock);
	list_for_each_entry(tmp, &gzvm->irqfds.items, list) {
		if (tmp->eventfd == eventfd) {
			spin_unlock_irq(&gzvm->irqfds.lock);
			ret = -EBUSY;
			goto err_put;
		}
	}
	list_add_tail(&irqfd->list, &gzvm->irqfds.items);
	spin_unlock_irq(&gzvm->irqfds.lock);

	/* Hooks the wait queue; an event already pending is injected now. */
	events = vfs_poll(file, &irqfd->pt);
	if (events & EPOLLIN)
		gzvm_irqfd_inject(irqfd);

	fput(file);
	return 0;

err_put:
	eventfd_ctx_put(eventfd);
err_fput:
	fput(file);
err_free:
	kfree(irqfd);
	return ret;
}

static int gzvm_irqfd_deassign(struct gzvm *gzvm, struct gzvm_irqfd *args)
{
	struct gzvm_kernel_irqfd *irqfd, *tmp;
	struct eventfd_ctx *eventfd;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);

	spin_lock_irq(&gzvm->irqfds.lock);
	list_for_each_entry_safe(irqfd, tmp, &gzvm->irqfds.items, list) {
		if (irqfd->eventfd == eventfd && irqfd->gsi == args->gsi)
			irqfd_deactivate(irqfd);
	}
	spin_unlock_irq(&gzvm->irqfds.lock);
	eventfd_ctx_put(eventfd);

	/* No injection through this binding after we return. */
	flush_workqueue(irqfd_cleanup_wq);
	return 0;
}

int gzvm_irqfd(struct gzvm *gzvm, struct gzvm_irqfd *args)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(args->pad); i++) {
		if (args->pad[i])
			return -EINVAL;
	}
	if (args->flags & ~(GZVM_IRQFD_FLAG_DEASSIGN | GZVM_IRQFD_FLAG_RESAMPLE))
		return -EINVAL;
	if (args->flags & GZVM_IRQFD_FLAG_DEASSIGN)
		return gzvm_irqfd_deassign(gzvm, args);
	return gzvm_irqfd_assign(gzvm, args);
}

/* VM teardown: every binding goes, and no callback runs after this. */
void gzvm_vm_irqfd_release(struct gzvm *gzvm)
{
	struct gzvm_kernel_irqfd *irqfd, *tmp;

	spin_lock_irq(&gzvm->irqfds.lock);
	list_for_each_entry_safe(irqfd, tmp, &gzvm->irqfds.items, list)
		irqfd_deactivate(irqfd);
	spin_unlock_irq(&gzvm->irqfds.lock);
	flush_workqueue(irqfd_cleanup_wq);
}
