/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gzvm-run: virtio-mmio (version 2, VIRTIO_F_VERSION_1 only) with split
 * virtqueues.  The public API for devices; see vmm/README.md, "virtio".
 *
 * Layers:
 *   guest_mem    a table of guest RAM regions, for bounds-checked access
 *   virtq        one split virtqueue: pop a descriptor chain, push used
 *                (virtqueue.c; no dependency on the VM, the backends or
 *                arm64, so it is unit-tested and fuzzed on the build machine)
 *   virtio_dev   one virtio-mmio transport with its device (virtio_mmio.c):
 *                register file, ioeventfd per queue, irqfd per device
 *   I/O thread   one epoll thread for every device (virtio_io.c): it waits
 *                on the kick eventfds and on the devices' own fds
 *
 * Threads and locking: vCPU threads only touch the register file; every
 * device callback (queue_notify, fd handlers, config access, activate,
 * reset) runs with the device's mutex held, so a device never sees a reset
 * in the middle of a request.
 */
#ifndef GZVM_VIRTIO_H
#define GZVM_VIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* ---- guest memory ------------------------------------------------------ */

struct gmem_region {
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
};

#define GMEM_MAX_REGIONS	4

struct guest_mem {
	int nr;
	struct gmem_region r[GMEM_MAX_REGIONS];
};

/* A host pointer to [gpa, gpa + len) if it lies inside one region, else NULL. */
void *gmem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len);

/* ---- split virtqueues (virtio 1.1, 2.6) -------------------------------- */

#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4

#define VIRTIO_F_INDIRECT_DESC	28
#define VIRTIO_F_VERSION_1	32
#define VIRTIO_F_ACCESS_PLATFORM	33	/* the driver maps buffers with its DMA API */

/* The largest queue any device may offer (QueueNumMax). */
#define VIRTQ_MAX_SIZE		1024
/* The longest chain a device accepts (segments, after indirect tables). */
#define VIRTQ_MAX_IOV		256

struct virtq;
/* Called once when the queue turns broken (the transport sets NEEDS_RESET). */
typedef void (*virtq_error_fn)(struct virtq *vq, const char *why);

struct virtq {
	/* set by the driver through the transport */
	uint16_t num;			/* queue size, a power of two */
	uint64_t desc_gpa, avail_gpa, used_gpa;
	/* resolved by virtq_start(); NULL while stopped */
	const struct guest_mem *mem;
	uint8_t *desc, *avail, *used;	/* host pointers into guest RAM */
	uint16_t last_avail;		/* the next avail ring entry to take */
	uint16_t used_idx;		/* our copy of used->idx */
	bool indirect;			/* VIRTIO_F_INDIRECT_DESC negotiated */
	bool broken;			/* stopped after a guest error */
	virtq_error_fn on_error;
	void *opaque;			/* for on_error's owner */
};

/*
 * One descriptor chain: the device-readable ("out") segments first, then
 * the device-writable ("in") ones; iov[0 .. nr_out) and iov[nr_out ..
 * nr_out + nr_in).  Every iov lies inside guest RAM.
 */
struct virtq_elem {
	uint16_t head;
	unsigned int nr_out, nr_in;
	size_t out_len, in_len;		/* bytes in each direction */
	struct iovec iov[VIRTQ_MAX_IOV];
};

/*
 * Validate the ring addresses for vq->num against mem and start the queue
 * (indices from 0).  Returns 0, or -1 after on_error (the queue is broken).
 */
int virtq_start(struct virtq *vq, const struct guest_mem *mem, bool indirect);
/* Forget the rings (reset); the addresses and num stay as the driver set them. */
void virtq_stop(struct virtq *vq);
/*
 * Take the next available chain.  Returns 1 with *elem filled, 0 if the
 * ring is empty (or the queue stopped/broken), -1 if the guest broke the
 * rules (the queue is now broken and on_error was called).
 */
int virtq_pop(struct virtq *vq, struct virtq_elem *elem);
/* Give a chain back with len bytes written into its "in" segments. */
void virtq_push(struct virtq *vq, const struct virtq_elem *elem, uint32_t len);
/* Put the last popped chain back (the device could not use it yet). */
void virtq_unpop(struct virtq *vq);
/* Mark the queue broken for a device-specific rule (e.g. wrong direction). */
void virtq_fail(struct virtq *vq, const char *why);
/* Whether the driver has chains the device has not taken. */
bool virtq_has_avail(struct virtq *vq);

/* iov helpers: copy between a flat buffer and iov[] from byte offset off. */
size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t off, void *buf, size_t len);
size_t iov_from_buf(const struct iovec *iov, unsigned int n, size_t off, const void *buf, size_t len);
/*
 * Fill out[] (at most max entries) with the bytes [off, off + len) of iov[];
 * returns the number of entries, or -1 if they do not fit in max.
 */
int iov_slice(const struct iovec *iov, unsigned int n, size_t off, size_t len,
	      struct iovec *out, int max);

/* ---- virtio-mmio devices ------------------------------------------------ */

/* Device status bits (virtio 1.1, 2.1) */
#define VIRTIO_STATUS_ACKNOWLEDGE	1
#define VIRTIO_STATUS_DRIVER		2
#define VIRTIO_STATUS_DRIVER_OK		4
#define VIRTIO_STATUS_FEATURES_OK	8
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* InterruptStatus bits */
#define VIRTIO_INT_USED			1
#define VIRTIO_INT_CONFIG		2

/* Device ids */
#define VIRTIO_ID_NET		1
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_CONSOLE	3
#define VIRTIO_ID_RNG		4
#define VIRTIO_ID_VSOCK		19

#define VIRTIO_MAX_QUEUES	8
#define VIRTIO_MMIO_MAX_DEVS	16
#define VIRTIO_MMIO_CONFIG	0x100	/* config space offset */

struct vm;
struct virtio_dev;

/* What a device is; a const table in each device file. */
struct virtio_dev_ops {
	const char *name;		/* for messages: "virtio-blk" */
	uint32_t device_id;		/* VIRTIO_ID_* */
	int nr_queues;
	uint16_t queue_max[VIRTIO_MAX_QUEUES];	/* QueueNumMax, powers of two */
	uint32_t config_size;		/* bytes of config space */
	/*
	 * Config space access (off + len <= config_size is checked by the
	 * transport).  config_write may be NULL (read-only config).
	 */
	void (*config_read)(struct virtio_dev *d, uint32_t off, void *buf, uint32_t len);
	void (*config_write)(struct virtio_dev *d, uint32_t off, const void *buf, uint32_t len);
	/*
	 * The driver kicked queue q (I/O thread).  Called only while the device
	 * is live (DRIVER_OK, the queue ready and not broken); also once per
	 * ready queue right after activate.  May be NULL for a device whose
	 * queues the kernel serves (vhost).
	 */
	void (*queue_notify)(struct virtio_dev *d, int q);
	/*
	 * DRIVER_OK: every ready queue is started (virtio_queue() has its ring
	 * pointers).  A vhost device hands its rings, kick and call fds to the
	 * kernel here.  Nonzero: the device sets NEEDS_RESET.  May be NULL.
	 */
	int (*activate)(struct virtio_dev *d);
	/* Status 0 written (or the VMM stops): forget every request.  May be NULL. */
	void (*reset)(struct virtio_dev *d);
	/* The VMM is done with the device: close its files, free priv.  May be NULL. */
	void (*release)(struct virtio_dev *d);
	/*
	 * The kernel (vhost) signals used buffers on the call eventfd itself, so
	 * the transport never learns of them: InterruptStatus then reads with
	 * VIRTIO_INT_USED set while the device is live (Linux's vm_interrupt
	 * returns IRQ_NONE on a status of 0 and would never look at the rings).
	 */
	bool used_irq_external;
};

/* One queue as the transport keeps it. */
struct virtio_queue {
	struct virtq vq;
	uint16_t num_max;
	bool ready;			/* QueueReady */
	int kick_fd;			/* eventfd: written by ioeventfd or the MMIO fallback */
	bool ioeventfd;			/* registered with the backend */
	struct virtio_dev *dev;
	int index;
};

struct virtio_dev {
	struct vm *vm;
	const struct virtio_dev_ops *ops;
	void *priv;			/* the device's own state */
	uint64_t features;		/* offered; the transport adds VERSION_1 */
	int index;			/* transport n: base 0x0A00_0000 + 0x200 n, SPI 16 + n */
	uint64_t base;
	uint32_t spi;			/* SPI index (INTID - 32) */
	pthread_mutex_t lock;

	/* the register file */
	uint32_t status;
	uint32_t dev_features_sel, drv_features_sel;
	uint64_t driver_features;
	uint32_t queue_sel;
	uint32_t int_status;
	uint32_t config_generation;
	bool live;			/* DRIVER_OK accepted, not broken */
	unsigned int nr_failures;	/* NEEDS_RESET so far (the log is bounded) */

	struct virtio_queue queues[VIRTIO_MAX_QUEUES];
	int call_fd;			/* eventfd bound to the SPI with irqfd */
	bool irqfd;			/* registered with the backend */
	struct guest_mem mem;
};

/*
 * Create transport number vm->nr_virtio with this device: eventfds,
 * ioeventfds (fallback: the MMIO write of QueueNotify), the irqfd, the MMIO
 * region.  Before the vCPUs start.  Returns the device, or NULL after an
 * error message.
 */
struct virtio_dev *virtio_mmio_create(struct vm *vm, const struct virtio_dev_ops *ops,
				      uint64_t features, void *priv);
/*
 * After virtio_io_stop(): release every device and its eventfds (the VM
 * must be gone or going, as they may still be registered in it).
 */
void virtio_mmio_destroy_all(struct vm *vm);
/* The register file, for the MMIO bus and the unit tests. */
uint64_t virtio_mmio_read(void *dev, uint64_t off, uint32_t len);
void virtio_mmio_write(void *dev, uint64_t off, uint32_t len, uint64_t val);

/* Helpers for devices (call with the device's lock held, i.e. from callbacks). */
static inline struct virtq *virtio_vq(struct virtio_dev *d, int q)
{
	return &d->queues[q].vq;
}
/* Whether queue q may be used now (live, ready, not broken). */
bool virtio_queue_live(struct virtio_dev *d, int q);
/* A used buffer: InterruptStatus bit 0, then a write to the irqfd eventfd. */
void virtio_signal_used(struct virtio_dev *d);
/* A config change: InterruptStatus bit 1 and ConfigGeneration++. */
void virtio_signal_config(struct virtio_dev *d);
/* The device gives up: NEEDS_RESET, a config interrupt, queues stop. */
void virtio_dev_fail(struct virtio_dev *d, const char *why);
/* Whether the driver accepted feature bit (after FEATURES_OK). */
static inline bool virtio_has_feature(const struct virtio_dev *d, int bit)
{
	return (d->driver_features >> bit) & 1;
}

/* ---- the I/O thread (virtio_io.c) --------------------------------------- */

/*
 * Call fn(d, opaque) in the I/O thread, with d's lock held, whenever fd is
 * ready for events (EPOLLIN/EPOLLOUT; level-triggered).  Before
 * virtio_io_start() (at device creation).  Returns a handle >= 0 or -errno.
 */
int virtio_io_add_fd(struct virtio_dev *d, int fd, uint32_t events,
		     void (*fn)(struct virtio_dev *d, void *opaque), void *opaque);
/* Stop (false) or resume (true) watching a handle's fd, e.g. while a queue is full. */
void virtio_io_enable(int handle, bool on);
/* The thread: start after every device exists; stop before guest RAM goes away. */
int virtio_io_start(struct vm *vm);
void virtio_io_stop(struct vm *vm);

/* ---- devices ------------------------------------------------------------ */

/* virtio_blk.c: --disk FILE[,ro] */
int virtio_blk_create(struct vm *vm, const char *spec);
/* virtio_console.c: --console virtio (stdin -> port 0 rx, tx -> stdout) */
int virtio_console_create(struct vm *vm);
/* the same on other fds (the unit tests); only a terminal on stdin is made raw */
int virtio_console_create_fds(struct vm *vm, int in_fd, int out_fd);
/* virtio_rng.c: --rng */
int virtio_rng_create(struct vm *vm);

/* virtio_net.c: --net tap=NAME[,mac=xx:xx:xx:xx:xx:xx] */
struct net_spec {
	char ifname[16];	/* IFNAMSIZ */
	uint8_t mac[6];
};
/*
 * Parse a --net argument; the default MAC is 02:67:7a:76:6d:(index + 1).
 * Returns 0, or -1 with *why set.
 */
int net_spec_parse(const char *spec, int index, struct net_spec *ns, const char **why);
/* The index-th --net: open (or create) the tap and add the device. */
int virtio_net_create(struct vm *vm, const char *spec, int index);
/* The device on an open fd with the tap's semantics (frames with a 12-byte vnet header). */
int virtio_net_create_fd(struct vm *vm, int tap_fd, const char *ifname, const uint8_t mac[6]);

/* virtio_vsock.c: --vsock-cid CID, through /dev/vhost-vsock */
int virtio_vsock_create(struct vm *vm, uint64_t cid);

#endif
