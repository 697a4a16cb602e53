// SPDX-License-Identifier: GPL-2.0
/*
 * ioeventfd (gzvm-abi.md section 7.7): an eventfd signalled when the guest
 * writes to an MMIO address, instead of an exit to userspace.  Only MMIO
 * writes are matched; port I/O does not exist on arm64 and is refused.
 */
#include <linux/eventfd.h>
#include <linux/slab.h>

#include "gzvm_drv.h"

struct gzvm_ioevent {
	struct list_head list;		/* gzvm->ioevents */
	u64 addr;
	u32 len;			/* 0: any access size */
	struct eventfd_ctx *evt_ctx;
	u64 datamatch;
	bool wildcard;			/* no DATAMATCH flag */
};

void gzvm_vm_ioeventfd_init(struct gzvm *gzvm)
{
	INIT_LIST_HEAD(&gzvm->ioevents);
	mutex_init(&gzvm->ioevent_lock);
}

/* Linux 6.8 dropped the count argument (always 1); see Kbuild. */
static void gzvm_eventfd_signal(struct eventfd_ctx *ctx)
{
#ifdef GZVM_EVENTFD_SIGNAL_NO_COUNT
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/* Would @p and a new entry (@addr, @len, @wildcard, @datamatch) clash? */
static bool gzvm_ioevent_collides(struct gzvm_ioevent *p, u64 addr, u32 len,
				  bool wildcard, u64 datamatch)
{
	if (p->addr == addr &&
	    (!p->len || !len ||
	     (p->len == len &&
	      (p->wildcard || wildcard || p->datamatch == datamatch))))
		return true;
	/* inside an existing range */
	return p->len && addr >= p->addr && addr < p->addr + p->len;
}

static int gzvm_assign_ioeventfd(struct gzvm *gzvm, struct gzvm_ioeventfd *args)
{
	bool wildcard = !(args->flags & GZVM_IOEVENTFD_FLAG_DATAMATCH);
	struct eventfd_ctx *ctx;
	struct gzvm_ioevent *evt, *p;
	int ret;

	ctx = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	evt = kzalloc(sizeof(*evt), GFP_KERNEL_ACCOUNT);
	if (!evt) {
		eventfd_ctx_put(ctx);
		return -ENOMEM;
	}
	evt->addr = args->addr;
	evt->len = args->len;
	evt->evt_ctx = ctx;
	evt->wildcard = wildcard;
	evt->datamatch = wildcard ? 0 : args->datamatch;

	mutex_lock(&gzvm->ioevent_lock);
	list_for_each_entry(p, &gzvm->ioevents, list) {
		if (gzvm_ioevent_collides(p, evt->addr, evt->len, wildcard,
					  evt->datamatch)) {
			ret = -EEXIST;
			goto err_unlock;
		}
	}
	list_add_tail(&evt->list, &gzvm->ioevents);
	mutex_unlock(&gzvm->ioevent_lock);
	return 0;

err_unlock:
	mutex_unlock(&gzvm->ioevent_lock);
	eventfd_ctx_put(ctx);
	kfree(evt);
	return ret;
}

static int gzvm_deassign_ioeventfd(struct gzvm *gzvm,
				   struct gzvm_ioeventfd *args)
{
	bool wildcard = !(args->flags & GZVM_IOEVENTFD_FLAG_DATAMATCH);
	struct gzvm_ioevent *p, *tmp;
	struct eventfd_ctx *ctx;
	int ret = -ENOENT;

	ctx = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);

	mutex_lock(&gzvm->ioevent_lock);
	list_for_each_entry_safe(p, tmp, &gzvm->ioevents, list) {
		if (p->evt_ctx != ctx || p->addr != args->addr ||
		    p->len != args->len || p->wildcard != wildcard)
			continue;
		if (!wildcard && p->datamatch != args->datamatch)
			continue;
		list_del(&p->list);
		eventfd_ctx_put(p->evt_ctx);
		kfree(p);
		ret = 0;
		break;
	}
	mutex_unlock(&gzvm->ioevent_lock);
	eventfd_ctx_put(ctx);
	return ret;
}

int gzvm_ioeventfd(struct gzvm *gzvm, struct gzvm_ioeventfd *args)
{
	switch (args->len) {
	case 0:
	case 1:
	case 2:
	case 4:
	case 8:
		break;
	default:
		return -EINVAL;
	}
	if (args->addr + args->len < args->addr)
		return -EINVAL;
	if (args->flags & ~GZVM_IOEVENTFD_VALID_FLAG_MASK)
		return -EINVAL;
	if ((args->flags & GZVM_IOEVENTFD_FLAG_DATAMATCH) && !args->len)
		return -EINVAL;
	if (args->flags & GZVM_IOEVENTFD_FLAG_PIO)
		return -EINVAL;

	if (args->flags & GZVM_IOEVENTFD_FLAG_DEASSIGN)
		return gzvm_deassign_ioeventfd(gzvm, args);
	return gzvm_assign_ioeventfd(gzvm, args);
}

static bool gzvm_ioevent_in_range(struct gzvm_ioevent *p, u64 addr, int len,
				  const void *val)
{
	u64 v = 0;

	if (p->addr != addr)
		return false;
	if (!p->len)
		return true;
	if (p->len != len)
		return false;
	if (p->wildcard)
		return true;
	memcpy(&v, val, len);	/* little-endian */
	return v == p->datamatch;
}

/*
 * An MMIO write exit: signal the first matching ioeventfd.  Returns true if
 * one matched (the guest re-enters without a userspace exit).
 */
bool gzvm_ioevent_write(struct gzvm_vcpu *vcpu, u64 addr, int len,
			const void *val)
{
	struct gzvm *gzvm = vcpu->gzvm;
	struct gzvm_ioevent *p;
	bool found = false;

	mutex_lock(&gzvm->ioevent_lock);
	list_for_each_entry(p, &gzvm->ioevents, list) {
		if (gzvm_ioevent_in_range(p, addr, len, val)) {
			gzvm_eventfd_signal(p->evt_ctx);
			found = true;
			break;
		}
	}
	mutex_unlock(&gzvm->ioevent_lock);
	return found;
}

void gzvm_vm_ioeventfd_release(struct gzvm *gzvm)
{
	struct gzvm_ioevent *p, *tmp;

	mutex_lock(&gzvm->ioevent_lock);
	list_for_each_entry_safe(p, tmp, &gzvm->ioevents, list) {
		list_del(&p->list);
		eventfd_ctx_put(p->evt_ctx);
		kfree(p);
	}
	mutex_unlock(&gzvm->ioevent_lock);
}
