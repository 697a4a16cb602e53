// SPDX-License-Identifier: GPL-2.0
/*
 * vmm/virtqueue.c against arbitrary guest memory.
 *
 * The input is a 16-byte header and a guest memory image:
 *   [0]      queue size = 1 << (b % 11) (1..1024; sizes the device never
 *            offers included), bit 7 of [1]: VIRTIO_F_INDIRECT_DESC
 *   [2..7]   desc, avail, used ring offsets (16-bit, scaled by 16, 2, 4
 *            from the start of guest RAM, so they may fall outside it)
 *   [8..9]   the device's starting index (last_avail = used_idx), so
 *            every input can test 16-bit wrap-around
 *   [10..11] how many device operations to run (pops, pushes, unpops)
 *   [12..15] a split point: the image is two RAM regions with a gap
 *            (0: one region)
 * The image is copied into two heap buffers of exactly its size, so
 * ASan reports any access outside guest RAM.  Every chain popped is read
 * and written in full through its iovs, then pushed back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/virtio.h"

#define RAM_GPA		0x40000000ULL
#define GAP		0x1000ULL
#define HDR		16

static void on_error(struct virtq *vq, const char *why)
{
	(void)vq, (void)why;
}

static uint16_t u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Read every byte the chain offers and write every writable one. */
static uint32_t touch(const struct virtq_elem *e)
{
	volatile uint8_t sink = 0;

	for (unsigned int i = 0; i < e->nr_out; i++)
		for (size_t j = 0; j < e->iov[i].iov_len; j++)
			sink ^= ((const uint8_t *)e->iov[i].iov_base)[j];
	for (unsigned int i = e->nr_out; i < e->nr_out + e->nr_in; i++)
		memset(e->iov[i].iov_base, sink, e->iov[i].iov_len);
	return (uint32_t)e->in_len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct virtq_elem elem;
	struct guest_mem mem = { 0 };
	struct virtq vq = { 0 };
	uint8_t *a = NULL, *b = NULL;
	size_t len, split;
	unsigned int ops;

	if (size < HDR + 1)
		return 0;
	len = size - HDR;
	split = (size_t)(data[12] | data[13] << 8 | data[14] << 16 | (uint32_t)data[15] << 24) % (len + 1);
	if (split) {
		a = malloc(split);
		memcpy(a, data + HDR, split);
		mem.r[mem.nr++] = (struct gmem_region){ RAM_GPA, split, a };
	}
	if (len - split) {
		b = malloc(len - split);
		memcpy(b, data + HDR + split, len - split);
		mem.r[mem.nr++] = (struct gmem_region){ RAM_GPA + split + (split ? GAP : 0), len - split, b };
	}

	vq.num = (uint16_t)(1u << (data[0] % 11));
	vq.desc_gpa = RAM_GPA + 16ULL * data[2] + 4096ULL * data[3];
	vq.avail_gpa = RAM_GPA + 2ULL * data[4] + 512ULL * data[5];
	vq.used_gpa = RAM_GPA + 4ULL * data[6] + 1024ULL * data[7];
	vq.on_error = on_error;
	ops = u16(data + 10) % 4096;

	if (virtq_start(&vq, &mem, data[1] & 0x80) == 0) {
		vq.last_avail = vq.used_idx = u16(data + 8);
		for (unsigned int i = 0; i < ops; i++) {
			int r = virtq_pop(&vq, &elem);

			if (r != 1)
				break;
			if ((i & 7) == 3) {	/* sometimes give it back and take it again */
				virtq_unpop(&vq);
				continue;
			}
			virtq_push(&vq, &elem, touch(&elem));
		}
		(void)virtq_has_avail(&vq);
	}
	free(a);
	free(b);
	return 0;
}
