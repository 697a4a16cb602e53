// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk (virtio 1.1, 5.2) on a raw image: --disk FILE[,ro].
 *
 * One request queue, served in the I/O thread with preadv/pwritev straight
 * into guest memory.  Requests: IN, OUT, FLUSH (fdatasync), GET_ID; the
 * rest get UNSUPP.  A request that is not a whole number of sectors or
 * reaches past the end gets IOERR, as does any write to a read-only disk.
 * A chain laid out in the wrong direction (header or data writable where
 * the device reads, or the reverse) breaks the queue (NEEDS_RESET).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm.h"
#include "virtio.h"

#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_BLK_SIZE	6
#define VIRTIO_BLK_F_FLUSH	9

#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8

#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

#define SECTOR_SIZE		512
#define BLK_QUEUE_SIZE		256
#define BLK_SEG_MAX		(BLK_QUEUE_SIZE - 2)	/* header and status take two */
#define BLK_ID_LEN		20
#define HDR_LEN			16

/* The config space up to blk_size (5.2.4); little-endian host and guest. */
struct blk_config {
	uint64_t capacity;	/* in 512-byte sectors */
	uint32_t size_max;
	uint32_t seg_max;
	uint16_t cylinders;
	uint8_t heads;
	uint8_t sectors;
	uint32_t blk_size;
} __attribute__((packed));

struct blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct blk {
	char *path;
	int fd;
	bool ro;
	uint64_t sectors;
	char id[BLK_ID_LEN];
	struct blk_config config;
	struct virtq_elem elem;		/* too large for the I/O thread's stack */
};

static void blk_config_read(struct virtio_dev *d, uint32_t off, void *buf, uint32_t len)
{
	struct blk *b = d->priv;

	memcpy(buf, (uint8_t *)&b->config + off, len);
}

/* preadv/pwritev all of [sector, sector + len) through iov, or fail. */
static uint8_t do_rw(struct blk *b, bool write, uint64_t sector, const struct virtq_elem *e,
		     unsigned int first, unsigned int n, size_t off, size_t len)
{
	struct iovec iov[VIRTQ_MAX_IOV];
	int cnt;
	off_t pos;

	if (len % SECTOR_SIZE || sector > b->sectors || len / SECTOR_SIZE > b->sectors - sector)
		return VIRTIO_BLK_S_IOERR;
	cnt = iov_slice(&e->iov[first], n, off, len, iov, VIRTQ_MAX_IOV);
	if (cnt < 0)
		return VIRTIO_BLK_S_IOERR;
	pos = (off_t)(sector * SECTOR_SIZE);
	while (len) {
		ssize_t r = write ? pwritev(b->fd, iov, cnt, pos) : preadv(b->fd, iov, cnt, pos);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return VIRTIO_BLK_S_IOERR;	/* an error, or the file shrank */
		len -= (size_t)r;
		pos += r;
		/* a short transfer: drop the bytes done from the front of iov[] */
		while (r > 0 && cnt > 0) {
			if ((size_t)r >= iov[0].iov_len) {
				r -= (ssize_t)iov[0].iov_len;
				memmove(iov, iov + 1, sizeof(iov[0]) * (size_t)--cnt);
			} else {
				iov[0].iov_base = (uint8_t *)iov[0].iov_base + r;
				iov[0].iov_len -= (size_t)r;
				r = 0;
			}
		}
	}
	return VIRTIO_BLK_S_OK;
}

/*
 * Serve one chain; returns the bytes written into its "in" part, or -1
 * if the chain is malformed (the queue is then broken).
 */
static int64_t blk_request(struct blk *b, struct virtq *vq, struct virtq_elem *e)
{
	struct blk_req_hdr hdr;
	size_t data_in;
	uint8_t status;

	if (e->out_len < HDR_LEN || e->in_len < 1) {
		virtq_fail(vq, "virtio-blk request without a readable header or a writable status");
		return -1;
	}
	iov_to_buf(e->iov, e->nr_out, 0, &hdr, sizeof(hdr));
	data_in = e->in_len - 1;	/* the status byte is the last writable one */
	switch (hdr.type) {
	case VIRTIO_BLK_T_IN:
		if (e->out_len != HDR_LEN)
			goto wrong_direction;
		status = do_rw(b, false, hdr.sector, e, e->nr_out, e->nr_in, 0, data_in);
		break;
	case VIRTIO_BLK_T_OUT:
		if (data_in)
			goto wrong_direction;
		data_in = 0;
		status = b->ro ? VIRTIO_BLK_S_IOERR :
			 do_rw(b, true, hdr.sector, e, 0, e->nr_out, HDR_LEN, e->out_len - HDR_LEN);
		break;
	case VIRTIO_BLK_T_FLUSH:
		status = fdatasync(b->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
		data_in = 0;
		break;
	case VIRTIO_BLK_T_GET_ID:
		if (e->out_len != HDR_LEN)
			goto wrong_direction;
		data_in = data_in < BLK_ID_LEN ? data_in : BLK_ID_LEN;
		iov_from_buf(&e->iov[e->nr_out], e->nr_in, 0, b->id, data_in);
		status = VIRTIO_BLK_S_OK;
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		data_in = 0;
		break;
	}
	iov_from_buf(&e->iov[e->nr_out], e->nr_in, e->in_len - 1, &status, 1);
	return status == VIRTIO_BLK_S_OK ? (int64_t)data_in + 1 : 1;
wrong_direction:
	virtq_fail(vq, "virtio-blk request with data in the wrong direction");
	return -1;
}

static void blk_queue_notify(struct virtio_dev *d, int q)
{
	struct blk *b = d->priv;
	struct virtq *vq = virtio_vq(d, q);
	bool done = false;

	while (virtq_pop(vq, &b->elem) == 1) {
		int64_t len = blk_request(b, vq, &b->elem);

		if (len < 0)
			return;
		virtq_push(vq, &b->elem, (uint32_t)len);
		done = true;
	}
	if (done)
		virtio_signal_used(d);
}

static void blk_release(struct virtio_dev *d)
{
	struct blk *b = d->priv;

	close(b->fd);
	free(b->path);
	free(b);
}

static const struct virtio_dev_ops blk_ops = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.nr_queues = 1,
	.queue_max = { BLK_QUEUE_SIZE },
	.config_size = sizeof(struct blk_config),
	.config_read = blk_config_read,
	.queue_notify = blk_queue_notify,
	.release = blk_release,
};

/* FILE or FILE,ro; returns 0 and the path in *path (malloc'ed), or -1. */
static int parse_spec(const char *spec, char **path, bool *ro)
{
	const char *comma = strrchr(spec, ',');

	*ro = false;
	if (comma && !strcmp(comma, ",ro")) {
		*ro = true;
		*path = strndup(spec, (size_t)(comma - spec));
	} else if (comma && !strcmp(comma, ",rw")) {
		*path = strndup(spec, (size_t)(comma - spec));
	} else {
		*path = strdup(spec);
	}
	if (*path && !**path) {
		free(*path);
		*path = NULL;
	}
	return *path ? 0 : -1;
}

static int open_image(struct blk *b)
{
	off_t size;

	b->fd = open(b->path, (b->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0)
		return -errno;
	size = lseek(b->fd, 0, SEEK_END);
	if (size < 0)
		return -errno;
	b->sectors = (uint64_t)size / SECTOR_SIZE;	/* a partial last sector is not seen */
	return 0;
}

int virtio_blk_create(struct vm *vm, const char *spec)
{
	uint64_t features = (1ULL << VIRTIO_BLK_F_SEG_MAX) | (1ULL << VIRTIO_BLK_F_BLK_SIZE) |
			    (1ULL << VIRTIO_BLK_F_FLUSH) | (1ULL << VIRTIO_F_INDIRECT_DESC);
	struct blk *b = calloc(1, sizeof(*b));
	const char *base;
	char *path;
	int r;

	if (!b || parse_spec(spec, &path, &b->ro)) {
		vmm_err("--disk '%s': expected FILE or FILE,ro", spec);
		free(b);
		return -1;
	}
	b->path = path;
	r = open_image(b);
	if (r) {
		vmm_err("--disk %s: %s", b->path, strerror(-r));
		if (b->fd >= 0)
			close(b->fd);
		free(path);
		free(b);
		return -1;
	}
	if (b->ro)
		features |= 1ULL << VIRTIO_BLK_F_RO;
	base = strrchr(b->path, '/');
	base = base ? base + 1 : b->path;
	/* the serial: up to 20 bytes, NUL-padded, not terminated at 20 (5.2.6) */
	memcpy(b->id, base, strnlen(base, BLK_ID_LEN));
	b->config = (struct blk_config){
		.capacity = b->sectors, .seg_max = BLK_SEG_MAX, .blk_size = SECTOR_SIZE,
	};
	if (!virtio_mmio_create(vm, &blk_ops, features, b)) {
		blk_release(&(struct virtio_dev){ .priv = b });
		return -1;
	}
	vmm_dbg(vm, "virtio-blk: %s, %llu sectors%s", b->path,
		(unsigned long long)b->sectors, b->ro ? ", read-only" : "");
	return 0;
}
