// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock (virtio 1.1, 5.10) served by the host kernel's vhost-vsock:
 * --vsock-cid CID.  Queue 0 (rx) and 1 (tx) are handed to /dev/vhost-vsock
 * at DRIVER_OK: the memory table (one region per memslot), the rings' host
 * addresses, the queues' kick eventfds (the transport's ioeventfds, so a
 * guest kick goes from the hypervisor straight to the vhost worker) and the
 * device's call eventfd (its irqfd, so the worker interrupts the guest
 * without the VMM).  Queue 2 (events) stays here: the VMM never sends an
 * event, the guest's buffers just wait in it.
 *
 * Since the kernel, not the VMM, signals used buffers, InterruptStatus
 * cannot count them: the transport reports VIRTIO_INT_USED whenever the
 * device is live (ops->used_irq_external), so Linux's vm_interrupt looks at
 * the queues on every interrupt.  If the backend refused the irqfd, the
 * vhost worker gets an eventfd of ours instead and the I/O thread relays it
 * with virtio_signal_used() (IRQ_LINE).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm.h"
#include "virtio.h"

#define VSOCK_RXQ		0
#define VSOCK_TXQ		1
#define VSOCK_EVQ		2
#define VSOCK_QUEUE_SIZE	256
#define VHOST_VSOCK_DEV		"/dev/vhost-vsock"

#define VIRTIO_VSOCK_F_SEQPACKET	1

struct vsock {
	int vhost_fd;
	uint64_t cid;		/* config space: guest_cid, le64 */
	int call_fd;		/* what the vhost worker signals: the irqfd's eventfd, or relay_fd */
	int relay_fd;		/* without an irqfd: an eventfd the I/O thread relays */
	bool running;
};

/* An ioctl on /dev/vhost-vsock; 0 or -1 after a message naming it. */
static int vhost_ioctl(struct vsock *v, unsigned long req, const char *what, void *arg)
{
	if (ioctl(v->vhost_fd, req, arg) == 0)
		return 0;
	vmm_err("virtio-vsock: %s: %s", what, strerror(errno));
	return -1;
}

static int vhost_set_mem_table(struct vm *vm, struct vsock *v)
{
	struct {
		struct vhost_memory hdr;
		struct vhost_memory_region r[4];
	} mem;

	memset(&mem, 0, sizeof(mem));
	for (int i = 0; i < vm->nr_slots && i < 4; i++) {
		mem.r[i].guest_phys_addr = vm->slots[i].gpa;
		mem.r[i].memory_size = vm->slots[i].size;
		mem.r[i].userspace_addr = (uint64_t)(uintptr_t)vm->slots[i].hva;
		mem.hdr.nregions = (uint32_t)i + 1;
	}
	return vhost_ioctl(v, VHOST_SET_MEM_TABLE, "VHOST_SET_MEM_TABLE", &mem);
}

/* One queue to the kernel: size, start index, ring addresses, kick and call. */
static int vhost_give_queue(struct virtio_dev *d, struct vsock *v, unsigned int q)
{
	struct virtq *vq = virtio_vq(d, (int)q);
	struct vhost_vring_state num = { .index = q, .num = vq->num };
	struct vhost_vring_state base = { .index = q, .num = 0 };
	struct vhost_vring_addr addr = {
		.index = q,
		.desc_user_addr = (uint64_t)(uintptr_t)vq->desc,
		.avail_user_addr = (uint64_t)(uintptr_t)vq->avail,
		.used_user_addr = (uint64_t)(uintptr_t)vq->used,
	};
	struct vhost_vring_file kick = { .index = q, .fd = d->queues[q].kick_fd };
	struct vhost_vring_file call = { .index = q, .fd = v->call_fd };

	return vhost_ioctl(v, VHOST_SET_VRING_NUM, "VHOST_SET_VRING_NUM", &num) ||
	       vhost_ioctl(v, VHOST_SET_VRING_BASE, "VHOST_SET_VRING_BASE", &base) ||
	       vhost_ioctl(v, VHOST_SET_VRING_ADDR, "VHOST_SET_VRING_ADDR", &addr) ||
	       vhost_ioctl(v, VHOST_SET_VRING_KICK, "VHOST_SET_VRING_KICK", &kick) ||
	       vhost_ioctl(v, VHOST_SET_VRING_CALL, "VHOST_SET_VRING_CALL", &call) ? -1 : 0;
}

static void vhost_stop(struct vsock *v)
{
	int off = 0;

	if (!v->running)
		return;
	vhost_ioctl(v, VHOST_VSOCK_SET_RUNNING, "VHOST_VSOCK_SET_RUNNING 0", &off);
	v->running = false;
}

/* DRIVER_OK: the transport has validated and started the rings. */
static int vsock_activate(struct virtio_dev *d)
{
	struct vsock *v = d->priv;
	uint64_t features = d->driver_features;
	int on = 1;

	if (!d->queues[VSOCK_RXQ].ready || !d->queues[VSOCK_TXQ].ready) {
		vmm_err("virtio-vsock: DRIVER_OK without the rx and tx queues ready");
		return -1;
	}
	if (vhost_ioctl(v, VHOST_SET_FEATURES, "VHOST_SET_FEATURES", &features) ||
	    vhost_give_queue(d, v, VSOCK_RXQ) || vhost_give_queue(d, v, VSOCK_TXQ) ||
	    vhost_ioctl(v, VHOST_VSOCK_SET_RUNNING, "VHOST_VSOCK_SET_RUNNING 1", &on))
		return -1;
	v->running = true;
	return 0;
}

/* Reset (or the VMM stops): the worker lets go of the rings before they may move. */
static void vsock_reset(struct virtio_dev *d)
{
	vhost_stop(d->priv);
}

static void vsock_config_read(struct virtio_dev *d, uint32_t off, void *buf, uint32_t len)
{
	struct vsock *v = d->priv;
	uint8_t config[8];

	memcpy(config, &v->cid, sizeof(config));	/* le64 on a little-endian host */
	memcpy(buf, config + off, len);
}

/* I/O thread, only without an irqfd: the vhost worker used buffers. */
static void vsock_relay_call(struct virtio_dev *d, void *opaque)
{
	struct vsock *v = opaque;
	uint64_t n;

	if (read(v->relay_fd, &n, sizeof(n)) == (ssize_t)sizeof(n) && d->live)
		virtio_signal_used(d);
}

static void vsock_release(struct virtio_dev *d)
{
	struct vsock *v = d->priv;

	vhost_stop(v);
	close(v->vhost_fd);
	if (v->relay_fd >= 0)
		close(v->relay_fd);
	free(v);
}

static const struct virtio_dev_ops vsock_ops = {
	.name = "virtio-vsock",
	.device_id = VIRTIO_ID_VSOCK,
	.nr_queues = 3,
	.queue_max = { VSOCK_QUEUE_SIZE, VSOCK_QUEUE_SIZE, VSOCK_QUEUE_SIZE },
	.config_size = 8,
	.config_read = vsock_config_read,
	.activate = vsock_activate,
	.reset = vsock_reset,
	.release = vsock_release,
	.used_irq_external = true,
};

/* Open /dev/vhost-vsock, claim it, take the CID; returns the features it offers. */
static int vhost_open(struct vsock *v, uint64_t *features)
{
	v->vhost_fd = open(VHOST_VSOCK_DEV, O_RDWR | O_CLOEXEC);
	if (v->vhost_fd < 0) {
		vmm_err("virtio-vsock: %s: %s%s", VHOST_VSOCK_DEV, strerror(errno),
			errno == ENOENT ? " (load the vhost_vsock module)" : "");
		return -1;
	}
	if (vhost_ioctl(v, VHOST_SET_OWNER, "VHOST_SET_OWNER", NULL) ||
	    vhost_ioctl(v, VHOST_GET_FEATURES, "VHOST_GET_FEATURES", features))
		return -1;
	if (ioctl(v->vhost_fd, VHOST_VSOCK_SET_GUEST_CID, &v->cid)) {
		vmm_err("virtio-vsock: guest CID %llu: %s", (unsigned long long)v->cid,
			errno == EADDRINUSE ? "another VM has it" : strerror(errno));
		return -1;
	}
	if (!((*features >> VIRTIO_F_VERSION_1) & 1)) {
		vmm_err("virtio-vsock: vhost-vsock does not offer VIRTIO_F_VERSION_1");
		return -1;
	}
	return 0;
}

/* Without an irqfd the worker signals our eventfd and the I/O thread relays it. */
static int setup_call(struct virtio_dev *d, struct vsock *v)
{
	int h;

	if (d->irqfd) {
		v->call_fd = d->call_fd;
		return 0;
	}
	v->relay_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (v->relay_fd < 0)
		return -errno;
	v->call_fd = v->relay_fd;
	h = virtio_io_add_fd(d, v->relay_fd, EPOLLIN, vsock_relay_call, v);
	return h < 0 ? h : 0;
}

int virtio_vsock_create(struct vm *vm, uint64_t cid)
{
	struct vsock *v = calloc(1, sizeof(*v));
	struct virtio_dev *d;
	uint64_t vhost_features = 0;
	int r;

	if (!v)
		return -1;
	v->cid = cid;
	v->relay_fd = -1;
	if (vhost_open(v, &vhost_features) || vhost_set_mem_table(vm, v)) {
		if (v->vhost_fd >= 0)
			close(v->vhost_fd);
		free(v);
		return -1;
	}
	/* what the transport handles (no event index: the event queue is ours) */
	vhost_features &= (1ULL << VIRTIO_F_INDIRECT_DESC) | (1ULL << VIRTIO_VSOCK_F_SEQPACKET);
	d = virtio_mmio_create(vm, &vsock_ops, vhost_features, v);
	if (!d) {
		close(v->vhost_fd);
		free(v);
		return -1;
	}
	r = setup_call(d, v);
	if (r) {
		vmm_err("virtio-vsock: relaying the vhost interrupt: %s", strerror(-r));
		return -1;	/* released with the device */
	}
	vmm_dbg(vm, "virtio-vsock: guest CID %llu through %s%s", (unsigned long long)cid,
		VHOST_VSOCK_DEV, d->irqfd ? "" : " (interrupts relayed: no irqfd)");
	return 0;
}
