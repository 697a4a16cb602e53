// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport, version 2 (virtio 1.1, 4.2.2): the register
 * file the vCPUs access, one kick eventfd per queue (bound to QueueNotify
 * with an ioeventfd, datamatch = queue index), one call eventfd per device
 * (bound to its SPI with an irqfd).
 *
 * If the backend refuses an ioeventfd the vCPU sees the QueueNotify write
 * and writes the same kick eventfd; if it refuses the irqfd the interrupt
 * is pulsed through IRQ_LINE.  Either way the I/O thread does the work.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vmm.h"
#include "virtio.h"

#define REG_MAGIC		0x000
#define REG_VERSION		0x004
#define REG_DEVICE_ID		0x008
#define REG_VENDOR_ID		0x00c
#define REG_DEV_FEATURES	0x010
#define REG_DEV_FEATURES_SEL	0x014
#define REG_DRV_FEATURES	0x020
#define REG_DRV_FEATURES_SEL	0x024
#define REG_QUEUE_SEL		0x030
#define REG_QUEUE_NUM_MAX	0x034
#define REG_QUEUE_NUM		0x038
#define REG_QUEUE_READY		0x044
#define REG_QUEUE_NOTIFY	0x050
#define REG_INT_STATUS		0x060
#define REG_INT_ACK		0x064
#define REG_STATUS		0x070
#define REG_QUEUE_DESC_LO	0x080
#define REG_QUEUE_DESC_HI	0x084
#define REG_QUEUE_DRIVER_LO	0x090
#define REG_QUEUE_DRIVER_HI	0x094
#define REG_QUEUE_DEVICE_LO	0x0a0
#define REG_QUEUE_DEVICE_HI	0x0a4
#define REG_SHM_SEL		0x0ac
#define REG_SHM_LEN_LO		0x0b0
#define REG_SHM_LEN_HI		0x0b4
#define REG_SHM_BASE_LO		0x0b8
#define REG_SHM_BASE_HI		0x0bc
#define REG_CONFIG_GEN		0x0fc

#define MMIO_MAGIC		0x74726976	/* "virt" */
#define MMIO_VERSION		2
#define MMIO_VENDOR		0x4d565a47	/* "GZVM" */
#define MAX_LOGGED_FAILURES	8	/* a guest breaking and resetting in a loop: not a log flood */

static void signal_irq(struct virtio_dev *d)
{
	uint64_t one = 1;

	if (d->irqfd) {
		if (write(d->call_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			vmm_err("%s: irqfd write: %s", d->ops->name, strerror(errno));
		return;
	}
	/* edge-triggered SPI: a pulse */
	d->vm->be->irq_line(d->vm, d->spi, 1);
	d->vm->be->irq_line(d->vm, d->spi, 0);
}

void virtio_signal_used(struct virtio_dev *d)
{
	d->int_status |= VIRTIO_INT_USED;
	signal_irq(d);
}

void virtio_signal_config(struct virtio_dev *d)
{
	d->config_generation++;
	d->int_status |= VIRTIO_INT_CONFIG;
	signal_irq(d);
}

void virtio_dev_fail(struct virtio_dev *d, const char *why)
{
	if (d->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	if (d->nr_failures++ < MAX_LOGGED_FAILURES)
		vmm_log("%s@%llx: %s: the device needs a reset%s", d->ops->name,
			(unsigned long long)d->base, why,
			d->nr_failures == MAX_LOGGED_FAILURES ? " (further ones not logged)" : "");
	d->live = false;
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	for (int q = 0; q < d->ops->nr_queues; q++)
		d->queues[q].vq.broken = true;
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		virtio_signal_config(d);
}

static void queue_error(struct virtq *vq, const char *why)
{
	struct virtio_queue *q = vq->opaque;
	char msg[160];

	snprintf(msg, sizeof(msg), "queue %d: %s", q->index, why);
	virtio_dev_fail(q->dev, msg);
}

bool virtio_queue_live(struct virtio_dev *d, int q)
{
	return d->live && q >= 0 && q < d->ops->nr_queues && d->queues[q].ready &&
	       !d->queues[q].vq.broken && d->queues[q].vq.avail;
}

static void kick(struct virtio_queue *q)
{
	uint64_t one = 1;

	if (write(q->kick_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		vmm_err("%s: kick eventfd: %s", q->dev->ops->name, strerror(errno));
}

/* I/O thread: the queue's kick eventfd fired. */
static void kick_ready(struct virtio_dev *d, void *opaque)
{
	struct virtio_queue *q = opaque;
	uint64_t n;

	if (read(q->kick_fd, &n, sizeof(n)) < 0)
		return;
	if (virtio_queue_live(d, q->index) && d->ops->queue_notify)
		d->ops->queue_notify(d, q->index);
}

static void dev_reset(struct virtio_dev *d)
{
	if (d->ops->reset)
		d->ops->reset(d);
	for (int i = 0; i < d->ops->nr_queues; i++) {
		struct virtio_queue *q = &d->queues[i];

		virtq_stop(&q->vq);
		q->ready = false;
		q->vq.num = 0;
		q->vq.desc_gpa = q->vq.avail_gpa = q->vq.used_gpa = 0;
	}
	d->status = 0;
	d->dev_features_sel = d->drv_features_sel = 0;
	d->driver_features = 0;
	d->queue_sel = 0;
	d->int_status = 0;
	d->live = false;
}

static uint64_t offered_features(const struct virtio_dev *d)
{
	return d->features | (1ULL << VIRTIO_F_VERSION_1);
}

static bool features_acceptable(const struct virtio_dev *d)
{
	return !(d->driver_features & ~offered_features(d)) &&
	       (d->driver_features >> VIRTIO_F_VERSION_1) & 1;
}

static int start_queue(struct virtio_dev *d, struct virtio_queue *q)
{
	return virtq_start(&q->vq, &d->mem, virtio_has_feature(d, VIRTIO_F_INDIRECT_DESC));
}

/* DRIVER_OK: start the ready queues, activate the device, look at every queue once. */
static void activate(struct virtio_dev *d)
{
	for (int i = 0; i < d->ops->nr_queues; i++) {
		struct virtio_queue *q = &d->queues[i];

		if (q->ready && start_queue(d, q))
			return;		/* NEEDS_RESET already */
	}
	d->live = true;
	if (d->ops->activate && d->ops->activate(d)) {
		virtio_dev_fail(d, "activation failed");
		return;
	}
	for (int i = 0; i < d->ops->nr_queues; i++)
		if (d->queues[i].ready)
			kick(&d->queues[i]);
}

static void write_status(struct virtio_dev *d, uint32_t val)
{
	uint32_t old = d->status;

	if (val == 0) {
		dev_reset(d);
		return;
	}
	val &= 0xff & ~VIRTIO_STATUS_NEEDS_RESET;
	if ((val & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK) &&
	    !features_acceptable(d))
		val &= ~VIRTIO_STATUS_FEATURES_OK;	/* the driver reads it back and fails */
	d->status = val | (old & VIRTIO_STATUS_NEEDS_RESET);
	if ((val & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK)) {
		if (!(val & VIRTIO_STATUS_FEATURES_OK))
			virtio_dev_fail(d, "DRIVER_OK without FEATURES_OK");
		else if (!(old & VIRTIO_STATUS_NEEDS_RESET))
			activate(d);
	}
}

static void write_queue_ready(struct virtio_dev *d, struct virtio_queue *q, uint32_t val)
{
	uint16_t num = q->vq.num;

	if (!val) {
		q->ready = false;
		virtq_stop(&q->vq);
		return;
	}
	if (q->ready)
		return;
	if (num == 0 || num > q->num_max || (num & (num - 1))) {
		char why[80];

		snprintf(why, sizeof(why), "queue %d: QueueNum %u is not a power of two <= %u",
			 q->index, num, q->num_max);
		virtio_dev_fail(d, why);
		return;
	}
	q->ready = true;
	if (d->live && start_queue(d, q) == 0)
		kick(q);
}

static void set_lo(uint64_t *r, uint32_t v)
{
	*r = (*r & ~0xffffffffULL) | v;
}

static void set_hi(uint64_t *r, uint32_t v)
{
	*r = (*r & 0xffffffffULL) | ((uint64_t)v << 32);
}

/* The selected queue's registers; ignored while it is ready (2.6.1, 4.2.2.2). */
static void write_queue_reg(struct virtio_dev *d, uint64_t off, uint32_t val)
{
	struct virtio_queue *q;

	if (d->queue_sel >= (uint32_t)d->ops->nr_queues)
		return;
	q = &d->queues[d->queue_sel];
	if (off == REG_QUEUE_READY) {
		write_queue_ready(d, q, val);
		return;
	}
	if (q->ready)
		return;
	switch (off) {
	case REG_QUEUE_NUM: q->vq.num = val > 0xffff ? 0 : (uint16_t)val; break;
	case REG_QUEUE_DESC_LO: set_lo(&q->vq.desc_gpa, val); break;
	case REG_QUEUE_DESC_HI: set_hi(&q->vq.desc_gpa, val); break;
	case REG_QUEUE_DRIVER_LO: set_lo(&q->vq.avail_gpa, val); break;
	case REG_QUEUE_DRIVER_HI: set_hi(&q->vq.avail_gpa, val); break;
	case REG_QUEUE_DEVICE_LO: set_lo(&q->vq.used_gpa, val); break;
	case REG_QUEUE_DEVICE_HI: set_hi(&q->vq.used_gpa, val); break;
	}
}

static uint32_t read_queue_reg(struct virtio_dev *d, uint64_t off)
{
	struct virtio_queue *q;

	if (d->queue_sel >= (uint32_t)d->ops->nr_queues)
		return 0;	/* QueueNumMax 0: no such queue */
	q = &d->queues[d->queue_sel];
	switch (off) {
	case REG_QUEUE_NUM_MAX: return q->num_max;
	case REG_QUEUE_NUM: return q->vq.num;
	case REG_QUEUE_READY: return q->ready;
	case REG_QUEUE_DESC_LO: return (uint32_t)q->vq.desc_gpa;
	case REG_QUEUE_DESC_HI: return (uint32_t)(q->vq.desc_gpa >> 32);
	case REG_QUEUE_DRIVER_LO: return (uint32_t)q->vq.avail_gpa;
	case REG_QUEUE_DRIVER_HI: return (uint32_t)(q->vq.avail_gpa >> 32);
	case REG_QUEUE_DEVICE_LO: return (uint32_t)q->vq.used_gpa;
	case REG_QUEUE_DEVICE_HI: return (uint32_t)(q->vq.used_gpa >> 32);
	}
	return 0;
}

static uint32_t read_reg(struct virtio_dev *d, uint64_t off)
{
	switch (off) {
	case REG_MAGIC: return MMIO_MAGIC;
	case REG_VERSION: return MMIO_VERSION;
	case REG_DEVICE_ID: return d->ops->device_id;
	case REG_VENDOR_ID: return MMIO_VENDOR;
	case REG_DEV_FEATURES:
		return d->dev_features_sel > 1 ? 0 :
		       (uint32_t)(offered_features(d) >> (32 * d->dev_features_sel));
	case REG_INT_STATUS:
		return d->int_status |
		       (d->live && d->ops->used_irq_external ? VIRTIO_INT_USED : 0);
	case REG_STATUS: return d->status;
	case REG_CONFIG_GEN: return d->config_generation;
	case REG_SHM_LEN_LO: case REG_SHM_LEN_HI:
	case REG_SHM_BASE_LO: case REG_SHM_BASE_HI:
		return 0xffffffff;	/* no shared memory regions */
	case REG_QUEUE_NUM_MAX: case REG_QUEUE_NUM: case REG_QUEUE_READY:
	case REG_QUEUE_DESC_LO: case REG_QUEUE_DESC_HI:
	case REG_QUEUE_DRIVER_LO: case REG_QUEUE_DRIVER_HI:
	case REG_QUEUE_DEVICE_LO: case REG_QUEUE_DEVICE_HI:
		return read_queue_reg(d, off);
	}
	return 0;	/* write-only or reserved */
}

static void write_reg(struct virtio_dev *d, uint64_t off, uint32_t val)
{
	switch (off) {
	case REG_DEV_FEATURES_SEL: d->dev_features_sel = val; break;
	case REG_DRV_FEATURES_SEL: d->drv_features_sel = val; break;
	case REG_DRV_FEATURES:
		/* only before FEATURES_OK (3.1.1) */
		if (d->drv_features_sel > 1 || (d->status & VIRTIO_STATUS_FEATURES_OK))
			break;
		if (d->drv_features_sel)
			set_hi(&d->driver_features, val);
		else
			set_lo(&d->driver_features, val);
		break;
	case REG_QUEUE_SEL: d->queue_sel = val; break;
	case REG_QUEUE_NOTIFY:
		/* no ioeventfd took it (refused, or another size/value): the same path */
		if (val < (uint32_t)d->ops->nr_queues)
			kick(&d->queues[val]);
		break;
	case REG_INT_ACK: d->int_status &= ~val; break;
	case REG_STATUS: write_status(d, val); break;
	case REG_SHM_SEL: break;
	case REG_QUEUE_NUM: case REG_QUEUE_READY:
	case REG_QUEUE_DESC_LO: case REG_QUEUE_DESC_HI:
	case REG_QUEUE_DRIVER_LO: case REG_QUEUE_DRIVER_HI:
	case REG_QUEUE_DEVICE_LO: case REG_QUEUE_DEVICE_HI:
		write_queue_reg(d, off, val);
		break;
	default: break;	/* read-only or reserved: ignored */
	}
}

static bool config_range_ok(const struct virtio_dev *d, uint64_t off, uint32_t len)
{
	return off >= VIRTIO_MMIO_CONFIG && off - VIRTIO_MMIO_CONFIG < d->ops->config_size &&
	       len <= d->ops->config_size - (off - VIRTIO_MMIO_CONFIG);
}

uint64_t virtio_mmio_read(void *opaque, uint64_t off, uint32_t len)
{
	struct virtio_dev *d = opaque;
	uint64_t v = 0;

	pthread_mutex_lock(&d->lock);
	if (off >= VIRTIO_MMIO_CONFIG) {
		if (config_range_ok(d, off, len) && len <= sizeof(v) && d->ops->config_read)
			d->ops->config_read(d, (uint32_t)(off - VIRTIO_MMIO_CONFIG), &v, len);
	} else if (len == 4 && !(off & 3)) {
		v = read_reg(d, off);
	}
	pthread_mutex_unlock(&d->lock);
	return v;
}

void virtio_mmio_write(void *opaque, uint64_t off, uint32_t len, uint64_t val)
{
	struct virtio_dev *d = opaque;

	pthread_mutex_lock(&d->lock);
	if (off >= VIRTIO_MMIO_CONFIG) {
		if (config_range_ok(d, off, len) && len <= sizeof(val) && d->ops->config_write)
			d->ops->config_write(d, (uint32_t)(off - VIRTIO_MMIO_CONFIG), &val, len);
	} else if (len == 4 && !(off & 3)) {
		write_reg(d, off, (uint32_t)val);
	}
	pthread_mutex_unlock(&d->lock);
}

void virtio_mmio_destroy_all(struct vm *vm)
{
	for (int i = 0; i < vm->nr_virtio; i++) {
		struct virtio_dev *d = vm->virtio[i];

		if (d->ops->release)
			d->ops->release(d);
		for (int q = 0; q < d->ops->nr_queues; q++)
			if (d->queues[q].kick_fd >= 0)
				close(d->queues[q].kick_fd);
		if (d->call_fd >= 0)
			close(d->call_fd);
		pthread_mutex_destroy(&d->lock);
		free(d);
		vm->virtio[i] = NULL;
	}
	vm->nr_virtio = 0;
}

static void copy_guest_mem(struct virtio_dev *d, const struct vm *vm)
{
	d->mem.nr = 0;
	for (int i = 0; i < vm->nr_slots && i < GMEM_MAX_REGIONS; i++) {
		d->mem.r[i] = (struct gmem_region){
			.gpa = vm->slots[i].gpa, .size = vm->slots[i].size, .hva = vm->slots[i].hva,
		};
		d->mem.nr = i + 1;
	}
}

static int setup_queue(struct virtio_dev *d, int i)
{
	struct virtio_queue *q = &d->queues[i];
	struct vm *vm = d->vm;
	int r = -ENOTSUP;

	q->dev = d;
	q->index = i;
	q->num_max = d->ops->queue_max[i];
	q->vq.on_error = queue_error;
	q->vq.opaque = q;
	q->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->kick_fd < 0)
		return -errno;
	if (vm->be->ioeventfd)
		r = vm->be->ioeventfd(vm, q->kick_fd, d->base + REG_QUEUE_NOTIFY, 4, (uint64_t)i);
	q->ioeventfd = r == 0;
	if (r)
		vmm_dbg(vm, "%s@%llx queue %d: no ioeventfd (%s): QueueNotify exits to the VMM",
			d->ops->name, (unsigned long long)d->base, i, strerror(-r));
	r = virtio_io_add_fd(d, q->kick_fd, EPOLLIN, kick_ready, q);
	return r < 0 ? r : 0;
}

static int setup_irq(struct virtio_dev *d)
{
	struct vm *vm = d->vm;
	int r = -ENOTSUP;

	d->call_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d->call_fd < 0)
		return -errno;
	if (vm->be->irqfd)
		r = vm->be->irqfd(vm, d->call_fd, d->spi);
	d->irqfd = r == 0;
	if (r)
		vmm_dbg(vm, "%s@%llx: no irqfd for SPI %u (%s): IRQ_LINE instead",
			d->ops->name, (unsigned long long)d->base, d->spi, strerror(-r));
	return 0;
}

struct virtio_dev *virtio_mmio_create(struct vm *vm, const struct virtio_dev_ops *ops,
				      uint64_t features, void *priv)
{
	struct virtio_dev *d;
	struct mmio_dev m;
	int r;

	if (vm->nr_virtio >= MAX_VIRTIO_DEVS || ops->nr_queues > VIRTIO_MAX_QUEUES) {
		vmm_err("%s: no room for another virtio-mmio device", ops->name);
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->vm = vm;
	d->ops = ops;
	d->priv = priv;
	d->features = features;
	/*
	 * A protected guest must bounce its buffers through shared memory: the
	 * feature tells its driver to map them with the DMA API.  Addresses
	 * stay guest physical, so nothing else changes here.
	 */
	if (vm->cfg && vm->cfg->protected_vm)
		d->features |= 1ULL << VIRTIO_F_ACCESS_PLATFORM;
	d->index = vm->nr_virtio;
	d->base = VIRTIO_MMIO_BASE + VIRTIO_MMIO_STRIDE * (uint64_t)d->index;
	d->spi = VIRTIO_MMIO_SPI + (uint32_t)d->index;
	d->call_fd = -1;
	for (int i = 0; i < VIRTIO_MAX_QUEUES; i++)
		d->queues[i].kick_fd = -1;
	pthread_mutex_init(&d->lock, NULL);
	copy_guest_mem(d, vm);

	for (int i = 0; i < ops->nr_queues; i++) {
		r = setup_queue(d, i);
		if (r)
			goto fail;
	}
	r = setup_irq(d);
	if (r)
		goto fail;
	m = (struct mmio_dev){
		.name = ops->name, .base = d->base, .size = VIRTIO_MMIO_STRIDE, .opaque = d,
		.read = virtio_mmio_read, .write = virtio_mmio_write,
	};
	r = mmio_register(vm, &m);
	if (r)
		goto fail;
	vm->virtio[vm->nr_virtio++] = d;
	return d;
fail:
	vmm_err("%s: setting up virtio-mmio transport %d: %s", ops->name, d->index, strerror(-r));
	/* the eventfds stay (they may be registered in the VM); closed at exit */
	return NULL;
}
