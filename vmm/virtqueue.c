// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues (virtio 1.1, 2.6), device side.
 *
 * Everything in the rings belongs to the guest and may change under our
 * feet (other vCPUs run while the I/O thread works), so every descriptor
 * is copied once and checked on the copy: its buffer must lie inside guest
 * RAM, a chain may not be longer than the queue (loop detection), ring
 * indices are taken modulo the queue size, an avail->idx more than a queue
 * ahead is refused.  A rule broken stops the queue (vq->broken) and calls
 * on_error once; the transport then asks for a reset (NEEDS_RESET).
 *
 * Ordering: avail->idx is loaded with acquire before the ring entries it
 * publishes are read; used->idx is stored with release after the used
 * entry it publishes.
 *
 * No dependency on the VM or on arm64: unit-tested and fuzzed on the build
 * machine (tests/unit/test_virtqueue.c, tests/fuzz/fuzz_virtqueue.c).
 */
#include <string.h>

#include "virtio.h"

#define DESC_SIZE	16
#define AVAIL_RING	4	/* offset of avail->ring[] */
#define USED_RING	4	/* offset of used->ring[] */
#define USED_ELEM_SIZE	8

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

void *gmem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	for (int i = 0; i < m->nr; i++) {
		const struct gmem_region *r = &m->r[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size && len <= r->size - (gpa - r->gpa))
			return r->hva + (gpa - r->gpa);
	}
	return NULL;
}

void virtq_fail(struct virtq *vq, const char *why)
{
	if (vq->broken)
		return;
	vq->broken = true;
	if (vq->on_error)
		vq->on_error(vq, why);
}

static uint64_t avail_size(uint16_t num)
{
	return AVAIL_RING + 2ULL * num + 2;	/* with used_event */
}

static uint64_t used_size(uint16_t num)
{
	return USED_RING + (uint64_t)USED_ELEM_SIZE * num + 2;	/* with avail_event */
}

int virtq_start(struct virtq *vq, const struct guest_mem *mem, bool indirect)
{
	uint16_t num = vq->num;

	vq->desc = vq->avail = vq->used = NULL;
	vq->broken = false;
	vq->mem = mem;
	vq->indirect = indirect;
	vq->last_avail = vq->used_idx = 0;
	if (num == 0 || num > VIRTQ_MAX_SIZE || (num & (num - 1))) {
		virtq_fail(vq, "queue size is not a power of two within the maximum");
		return -1;
	}
	/* the alignments of 2.6: 16, 2 and 4 (atomic 16-bit accesses need them) */
	if ((vq->desc_gpa & 15) || (vq->avail_gpa & 1) || (vq->used_gpa & 3)) {
		virtq_fail(vq, "misaligned ring address");
		return -1;
	}
	vq->desc = gmem_ptr(mem, vq->desc_gpa, (uint64_t)DESC_SIZE * num);
	vq->avail = gmem_ptr(mem, vq->avail_gpa, avail_size(num));
	vq->used = gmem_ptr(mem, vq->used_gpa, used_size(num));
	if (!vq->desc || !vq->avail || !vq->used) {
		vq->desc = vq->avail = vq->used = NULL;
		virtq_fail(vq, "ring outside guest RAM");
		return -1;
	}
	return 0;
}

void virtq_stop(struct virtq *vq)
{
	vq->desc = vq->avail = vq->used = NULL;
	vq->mem = NULL;
	vq->broken = false;
	vq->last_avail = vq->used_idx = 0;
}

static uint16_t load_avail_idx(const struct virtq *vq)
{
	return __atomic_load_n((const uint16_t *)(vq->avail + 2), __ATOMIC_ACQUIRE);
}

static uint16_t load_avail_ring(const struct virtq *vq, uint16_t i)
{
	const uint16_t *ring = (const uint16_t *)(vq->avail + AVAIL_RING);

	return __atomic_load_n(&ring[i & (vq->num - 1)], __ATOMIC_RELAXED);
}

bool virtq_has_avail(struct virtq *vq)
{
	if (!vq->avail || vq->broken)
		return false;
	return load_avail_idx(vq) != vq->last_avail;
}

/* One guest descriptor, copied so that later changes by the guest do not matter. */
static void read_desc(const uint8_t *table, uint32_t i, struct desc *d)
{
	memcpy(d, table + (size_t)i * DESC_SIZE, sizeof(*d));
}

/* Append d's buffer to elem; 0, or -1 with *why set. */
static int add_segment(struct virtq *vq, struct virtq_elem *elem, const struct desc *d,
		       const char **why)
{
	unsigned int n = elem->nr_out + elem->nr_in;
	void *p;

	if (d->len == 0)
		return 0;	/* nothing to read or write: no segment */
	p = gmem_ptr(vq->mem, d->addr, d->len);
	if (!p) {
		*why = "descriptor buffer outside guest RAM";
		return -1;
	}
	if (n >= VIRTQ_MAX_IOV) {
		*why = "descriptor chain has too many segments";
		return -1;
	}
	if (d->flags & VIRTQ_DESC_F_WRITE) {
		elem->nr_in++;
		elem->in_len += d->len;
	} else {
		if (elem->nr_in) {
			*why = "device-readable descriptor after a device-writable one";
			return -1;
		}
		elem->nr_out++;
		elem->out_len += d->len;
	}
	elem->iov[n].iov_base = p;
	elem->iov[n].iov_len = d->len;
	return 0;
}

/* The table an indirect descriptor points at; NULL with *why set. */
static const uint8_t *indirect_table(struct virtq *vq, const struct desc *d, uint32_t *len,
				     const char **why)
{
	const uint8_t *t;

	if (!vq->indirect) {
		*why = "indirect descriptor without VIRTIO_F_INDIRECT_DESC";
		return NULL;
	}
	if (d->flags & VIRTQ_DESC_F_NEXT) {
		*why = "indirect descriptor with NEXT";
		return NULL;
	}
	if (d->len == 0 || d->len % DESC_SIZE || d->len / DESC_SIZE > VIRTQ_MAX_SIZE) {
		*why = "indirect table of a bad size";
		return NULL;
	}
	t = gmem_ptr(vq->mem, d->addr, d->len);
	if (!t)
		*why = "indirect table outside guest RAM";
	*len = d->len / DESC_SIZE;
	return t;
}

/*
 * Walk the chain from head into elem.  In a table of n entries a chain has
 * at most n descriptors: one more means a loop.  Only the head may point
 * to an indirect table (as QEMU requires), and not from inside one.
 */
static int walk_chain(struct virtq *vq, uint16_t head, struct virtq_elem *elem, const char **why)
{
	const uint8_t *table = vq->desc;
	uint32_t table_len = vq->num, i = head, count = 0;
	bool in_indirect = false;
	struct desc d;

	for (;;) {
		if (i >= table_len) {
			*why = "descriptor index out of range";
			return -1;
		}
		if (++count > table_len) {
			*why = "descriptor chain loops or is longer than its table";
			return -1;
		}
		read_desc(table, i, &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (in_indirect || count != 1) {
				*why = in_indirect ? "nested indirect descriptor"
						   : "indirect descriptor inside a chain";
				return -1;
			}
			table = indirect_table(vq, &d, &table_len, why);
			if (!table)
				return -1;
			in_indirect = true;
			i = 0;
			count = 0;
			continue;
		}
		if (add_segment(vq, elem, &d, why))
			return -1;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		i = d.next;
	}
}

int virtq_pop(struct virtq *vq, struct virtq_elem *elem)
{
	const char *why = NULL;
	uint16_t avail_idx, head;

	if (!vq->avail || vq->broken)
		return 0;
	avail_idx = load_avail_idx(vq);
	if (avail_idx == vq->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->num) {
		virtq_fail(vq, "avail->idx ran more than the queue size ahead");
		return -1;
	}
	head = load_avail_ring(vq, vq->last_avail);
	if (head >= vq->num) {
		virtq_fail(vq, "avail ring entry out of range");
		return -1;
	}
	elem->head = head;
	elem->nr_out = elem->nr_in = 0;
	elem->out_len = elem->in_len = 0;
	if (walk_chain(vq, head, elem, &why)) {
		virtq_fail(vq, why);
		return -1;
	}
	vq->last_avail++;
	return 1;
}

void virtq_unpop(struct virtq *vq)
{
	vq->last_avail--;
}

void virtq_push(struct virtq *vq, const struct virtq_elem *elem, uint32_t len)
{
	uint8_t *slot;
	uint32_t e[2] = { elem->head, len };

	if (!vq->used || vq->broken)
		return;
	slot = vq->used + USED_RING + (size_t)(vq->used_idx & (vq->num - 1)) * USED_ELEM_SIZE;
	memcpy(slot, e, sizeof(e));
	vq->used_idx++;
	__atomic_store_n((uint16_t *)(vq->used + 2), vq->used_idx, __ATOMIC_RELEASE);
}

/* Copy between buf and the bytes [off, off + len) of iov[], either way. */
static size_t iov_copy(const struct iovec *iov, unsigned int n, size_t off, uint8_t *buf,
		       size_t len, bool into_iov)
{
	size_t done = 0;

	for (unsigned int i = 0; i < n && done < len; i++) {
		size_t l = iov[i].iov_len, c;
		uint8_t *seg;

		if (off >= l) {
			off -= l;
			continue;
		}
		seg = (uint8_t *)iov[i].iov_base + off;
		c = l - off < len - done ? l - off : len - done;
		if (into_iov)
			memcpy(seg, buf + done, c);
		else
			memcpy(buf + done, seg, c);
		done += c;
		off = 0;
	}
	return done;
}

size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t off, void *buf, size_t len)
{
	return iov_copy(iov, n, off, buf, len, false);
}

size_t iov_from_buf(const struct iovec *iov, unsigned int n, size_t off, const void *buf, size_t len)
{
	return iov_copy(iov, n, off, (uint8_t *)buf, len, true);
}

int iov_slice(const struct iovec *iov, unsigned int n, size_t off, size_t len,
	      struct iovec *out, int max)
{
	int k = 0;

	for (unsigned int i = 0; i < n && len; i++) {
		size_t l = iov[i].iov_len, c;

		if (off >= l) {
			off -= l;
			continue;
		}
		if (k == max)
			return -1;
		c = l - off < len ? l - off : len;
		out[k].iov_base = (uint8_t *)iov[i].iov_base + off;
		out[k].iov_len = c;
		k++;
		len -= c;
		off = 0;
	}
	return len ? -1 : k;
}
