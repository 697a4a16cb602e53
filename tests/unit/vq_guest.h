/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake guest for the virtqueue tests: one RAM region in a heap buffer
 * (ASan catches any access outside it) and helpers that lay out split
 * rings in it as a driver does.
 */
#ifndef VQ_GUEST_H
#define VQ_GUEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/virtio.h"

#define G_BASE		0x40000000ULL
#define G_SIZE		0x40000ULL	/* 256 KiB */
#define G_DESC		(G_BASE + 0x0000)
#define G_AVAIL		(G_BASE + 0x4000)
#define G_USED		(G_BASE + 0x6000)
#define G_DATA		(G_BASE + 0x10000)

struct vq_guest {
	struct guest_mem mem;
	uint8_t *ram;
	uint16_t num;
	uint16_t avail_idx;
};

static inline void *g_ptr(struct vq_guest *g, uint64_t gpa)
{
	return g->ram + (gpa - G_BASE);
}

static inline void g_init(struct vq_guest *g, uint16_t num)
{
	g->ram = calloc(1, G_SIZE);
	g->mem.nr = 1;
	g->mem.r[0] = (struct gmem_region){ .gpa = G_BASE, .size = G_SIZE, .hva = g->ram };
	g->num = num;
	g->avail_idx = 0;
}

static inline void g_free(struct vq_guest *g)
{
	free(g->ram);
	g->ram = NULL;
}

static inline void g_vq(struct vq_guest *g, struct virtq *vq)
{
	memset(vq, 0, sizeof(*vq));
	vq->num = g->num;
	vq->desc_gpa = G_DESC;
	vq->avail_gpa = G_AVAIL;
	vq->used_gpa = G_USED;
}

/* descriptor i of the table at table_gpa */
static inline void g_desc_at(struct vq_guest *g, uint64_t table_gpa, uint16_t i, uint64_t addr,
			     uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = (uint8_t *)g_ptr(g, table_gpa) + 16 * (size_t)i;

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

static inline void g_desc(struct vq_guest *g, uint16_t i, uint64_t addr, uint32_t len,
			  uint16_t flags, uint16_t next)
{
	g_desc_at(g, G_DESC, i, addr, len, flags, next);
}

/* publish head in the avail ring and bump avail->idx */
static inline void g_avail(struct vq_guest *g, uint16_t head)
{
	uint16_t *ring = (uint16_t *)g_ptr(g, G_AVAIL + 4);

	ring[g->avail_idx % g->num] = head;
	g->avail_idx++;
	*(uint16_t *)g_ptr(g, G_AVAIL + 2) = g->avail_idx;
}

static inline void g_set_avail_idx(struct vq_guest *g, uint16_t idx)
{
	g->avail_idx = idx;
	*(uint16_t *)g_ptr(g, G_AVAIL + 2) = idx;
}

static inline uint16_t g_used_idx(struct vq_guest *g)
{
	return *(uint16_t *)g_ptr(g, G_USED + 2);
}

static inline void g_used_elem(struct vq_guest *g, uint16_t slot, uint32_t *id, uint32_t *len)
{
	uint8_t *e = (uint8_t *)g_ptr(g, G_USED + 4) + 8 * (size_t)slot;

	memcpy(id, e, 4);
	memcpy(len, e + 4, 4);
}

#endif
