// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vGICv3 model (hyp/core/vgic.c) as guests and devices drive it: random
 * distributor/redistributor accesses of every size (mostly at registers
 * that exist), lines, pulses, ICC_SGI1R_EL1 values, vCPUs coming and going,
 * and list-register flushes and syncs with the State bits changed as a
 * guest might (or could not).  Invariants after every step:
 *   - a flush writes at most the LRs it was given (guard words after them
 *     stay), each naming an INTID < 256 with a non-zero state, none twice;
 *   - an interrupt is never in the LRs of two vCPUs at once, and the
 *     model's own "listed on" marks agree with the LRs each vCPU holds;
 *   - MMIO returns 0 or -1 and a read never has bits beyond its size;
 *   - an interrupt that is not idle (latched, line high, active or listed)
 *     has its busy bit set, so the scans before guest entry see it.
 * ASan/UBSan catch out-of-bounds accesses.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hyp/vgic.h>

#include "fuzz_input.h"

#define DIST	0x08000000ULL
#define REDIST	0x080a0000ULL
#define GUARD	0x5a5a5a5a5a5a5a5aULL

static struct vgic g;
static struct vgic_cpu cpus[VGIC_MAX_VCPUS];
/* what each vCPU's LRs hold since its last flush (the harness's view) */
static u64 live[VGIC_MAX_VCPUS][VGIC_MAX_LRS];
static unsigned int nlive[VGIC_MAX_VCPUS];

/* Register offsets worth hitting. */
static const u16 dist_offs[] = {
	0x0000, 0x0004, 0x0008, 0x000c, 0x0010, 0x0040, 0x0080, 0x0084, 0x009c, 0x0100,
	0x0104, 0x0180, 0x0188, 0x0200, 0x0204, 0x0280, 0x0284, 0x0300, 0x0304, 0x0380,
	0x0388, 0x0400, 0x0420, 0x04fc, 0x0500, 0x0800, 0x0820, 0x0c00, 0x0c08, 0x0c3c,
	0x0c40, 0x0d00, 0x0e00, 0x0f00, 0x0f10, 0x0f20, 0x6000, 0x6100, 0x6108, 0x67f8,
	0x6800, 0xffd0, 0xffe8, 0xfffc,
};
static const u32 redist_offs[] = {
	0x0000, 0x0004, 0x0008, 0x000c, 0x0010, 0x0014, 0x0070, 0x0078, 0x00c0, 0xffe8,
	0x10080, 0x10100, 0x10180, 0x10200, 0x10280, 0x10300, 0x10380, 0x10400, 0x10418,
	0x10420, 0x10c00, 0x10c04, 0x10d00, 0x10e00,
};

static u64 pick_ipa(struct input *in)
{
	u64 sel = take(in, 1), v = take(in, 2);

	switch (sel % 6) {
	case 0:
	case 1:
		return DIST + dist_offs[v % (sizeof(dist_offs) / sizeof(dist_offs[0]))] +
		       (sel >> 3) % 8;
	case 2:
	case 3:
		return REDIST + ((sel >> 3) % 9) * VGIC_REDIST_STRIDE +
		       redist_offs[v % (sizeof(redist_offs) / sizeof(redist_offs[0]))] +
		       (sel >> 7) * ((v >> 8) % 4);
	case 4:
		return DIST + v;
	default:
		return REDIST + ((sel >> 3) % 9) * VGIC_REDIST_STRIDE + (v | take(in, 1) << 16) % 0x20000;
	}
}

/* The model's listed-on marks agree with the harness's LRs; nothing is listed twice. */
static void check_listed(void)
{
	for (unsigned int c = 0; c < VGIC_MAX_VCPUS; c++) {
		for (unsigned int k = 0; k < nlive[c]; k++) {
			u32 intid = (u32)(live[c][k] & ICH_LR_VINTID_MASK);
			const struct vgic_irq *irq = intid < VGIC_NR_PRIVATE ?
				&cpus[c].priv[intid] : &g.spi[intid - VGIC_NR_PRIVATE];

			CHECK(g.cpus[c] == &cpus[c]);
			CHECK(irq->lr_cpu == (s8)c);
			for (unsigned int o = 0; o < VGIC_MAX_VCPUS; o++) {
				if (intid < VGIC_NR_PRIVATE)
					break;
				for (unsigned int j = 0; j < nlive[o]; j++)
					CHECK((o == c && j == k) ||
					      (live[o][j] & ICH_LR_VINTID_MASK) != intid);
			}
		}
	}
	for (unsigned int i = 0; i < VGIC_NR_SPIS; i++) {
		s8 c = g.spi[i].lr_cpu;
		bool found = false;

		if (c < 0)
			continue;
		CHECK(c < VGIC_MAX_VCPUS);
		for (unsigned int k = 0; k < nlive[c]; k++)
			found |= (live[c][k] & ICH_LR_VINTID_MASK) == i + VGIC_NR_PRIVATE;
		CHECK(found);
	}
}

static bool irq_idle(const struct vgic_irq *irq)
{
	return !irq->latch && !irq->line && !irq->active && irq->lr_cpu < 0;
}

/* The scans' shortcut: an interrupt that is not idle has its busy bit set. */
static void check_busy(void)
{
	for (unsigned int c = 0; c < VGIC_MAX_VCPUS; c++) {
		if (!g.cpus[c])
			continue;
		for (unsigned int i = 0; i < VGIC_NR_PRIVATE; i++)
			CHECK(irq_idle(&cpus[c].priv[i]) || (cpus[c].busy >> i & 1));
	}
	for (unsigned int i = 0; i < VGIC_NR_SPIS; i++)
		CHECK(irq_idle(&g.spi[i]) || (g.spi_busy[i / 32] >> (i % 32) & 1));
}

static unsigned int min_nr(unsigned int nr)
{
	return nr < VGIC_MAX_LRS ? nr : VGIC_MAX_LRS;
}

static void do_flush(unsigned int c, unsigned int nr)
{
	u64 lrs[VGIC_MAX_LRS + 4];
	bool uf;
	unsigned int n;

	for (unsigned int i = 0; i < VGIC_MAX_LRS + 4; i++)
		lrs[i] = GUARD;
	n = vgic_flush_lrs(&g, c, lrs, nr, &uf);
	CHECK(n <= nr && n <= VGIC_MAX_LRS);
	for (unsigned int i = min_nr(nr); i < VGIC_MAX_LRS + 4; i++)
		CHECK(lrs[i] == GUARD);
	for (unsigned int i = n; i < min_nr(nr); i++)
		CHECK(lrs[i] == 0);
	CHECK(!uf || n == min_nr(nr));
	if (c >= VGIC_MAX_VCPUS || !g.cpus[c]) {
		CHECK(n == 0);
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		CHECK((lrs[i] & ICH_LR_VINTID_MASK) < VGIC_NR_IRQS);
		CHECK(lrs[i] >> ICH_LR_STATE_SHIFT);
		CHECK(!(lrs[i] & ICH_LR_HW));
		for (unsigned int j = 0; j < i; j++)
			CHECK((lrs[i] & ICH_LR_VINTID_MASK) != (lrs[j] & ICH_LR_VINTID_MASK));
	}
	memcpy(live[c], lrs, n * sizeof(u64));
	nlive[c] = n;
	check_listed();
}

static void do_sync(struct input *in, unsigned int c)
{
	u64 lrs[VGIC_MAX_LRS];
	unsigned int n = c < VGIC_MAX_VCPUS ? nlive[c] : 0;
	u64 how = take(in, 4);

	for (unsigned int i = 0; i < n; i++) {
		u64 lr = live[c][i];
		unsigned int s = (unsigned int)(lr >> ICH_LR_STATE_SHIFT);

		switch ((how >> (2 * i)) & 3) {
		case 0:				/* untouched */
			break;
		case 1:				/* acknowledged */
			s = (s & 1) ? (s & ~1U) | 2 : s;
			break;
		case 2:				/* deactivated */
			s &= ~2U;
			break;
		default:			/* anything */
			s = (unsigned int)take(in, 1) & 3;
			break;
		}
		lrs[i] = (lr & ~(3ULL << ICH_LR_STATE_SHIFT)) | (u64)s << ICH_LR_STATE_SHIFT;
	}
	/* sometimes fewer, sometimes rotated, sometimes garbage in the tail */
	if (n > 1 && (how >> 28) & 1) {
		u64 t = lrs[0];

		memmove(lrs, lrs + 1, (n - 1) * sizeof(u64));
		lrs[n - 1] = t;
	}
	if (n < VGIC_MAX_LRS && (how >> 29) & 1)
		lrs[n++] = take(in, 8);
	if (n && (how >> 30) & 1)
		n--;
	vgic_sync_lrs(&g, c, lrs, n);
	if (c < VGIC_MAX_VCPUS)
		nlive[c] = 0;
	check_listed();
}

/* Start from a configured GIC more often than the fuzzer would find one. */
static void preset(u64 flags)
{
	u64 v;

	if (flags & 1) {
		v = 3;
		vgic_mmio(&g, 0, DIST, 4, true, &v);
	}
	for (unsigned int c = 0; c < VGIC_MAX_VCPUS; c++) {
		if (!g.cpus[c])
			continue;
		v = 0xffffffff;
		if (flags & 2)
			vgic_mmio(&g, c, REDIST + c * VGIC_REDIST_STRIDE + 0x10100, 4, true, &v);
		v = 0;
		if (flags & 4)
			vgic_mmio(&g, c, REDIST + c * VGIC_REDIST_STRIDE + 0x14, 4, true, &v);
	}
	for (unsigned int n = 1; n < VGIC_NR_IRQS / 32 && (flags & 2); n++) {
		v = 0xffffffff;
		vgic_mmio(&g, 0, DIST + 0x100 + 4 * n, 4, true, &v);
	}
	for (unsigned int n = 2; n < VGIC_NR_IRQS / 16 && (flags & 8); n++) {
		v = 0xaaaaaaaa;		/* SPIs edge */
		vgic_mmio(&g, 0, DIST + 0xc00 + 4 * n, 4, true, &v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	unsigned int ncpu = 1 + take(&in, 1) % VGIC_MAX_VCPUS;
	unsigned int steps = 0;

	vgic_init(&g);
	memset(nlive, 0, sizeof(nlive));
	if (vgic_create_dist(&g, DIST, VGIC_DIST_SIZE) ||
	    vgic_create_redist(&g, REDIST, (1 + take(&in, 1) % 4) * VGIC_REDIST_STRIDE))
		abort();
	for (unsigned int i = 0; i < ncpu; i++)
		vgic_add_cpu(&g, &cpus[i], i, (i & 3) | ((take(&in, 1) & 3) << 8));
	preset(take(&in, 1));

	while (in.n && steps++ < 4096) {
		u64 op = take(&in, 1);
		unsigned int c = take(&in, 1) % (VGIC_MAX_VCPUS + 1);

		if ((op & 0xf) == 12) {
			/* route an SPI to vCPU c (or to any), as a guest's IROUTER write */
			u64 spi = VGIC_NR_PRIVATE + take(&in, 1) % VGIC_NR_SPIS;
			u64 v = c < VGIC_MAX_VCPUS && g.cpus[c] && !(op & 0x10) ?
				g.cpus[c]->mpidr : (1ULL << 31);

			CHECK(vgic_mmio(&g, c, DIST + 0x6000 + 8 * spi, 8, true, &v) == 0);
			continue;
		}
		switch ((op & 0xf) % 12) {
		case 0:
		case 1:
		case 2: {
			static const unsigned int sizes[] = { 4, 4, 4, 1, 8, 2, 3, 4 };
			u64 ipa = pick_ipa(&in), val = take(&in, 8);
			unsigned int sz = sizes[(op >> 4) % 8];
			bool write = (op >> 7) & 1;
			int r = vgic_mmio(&g, c, ipa, sz, write, &val);

			CHECK(r == 0 || r == -1);
			if (!r && !write && sz < 8)
				CHECK(val >> (8 * sz) == 0);
			break;
		}
		case 3:
			vgic_set_line(&g, (u32)take(&in, 2) % 300, c, (op >> 4) & 1);
			break;
		case 4:
			vgic_pulse(&g, (u32)take(&in, 2) % 300, c);
			break;
		case 5:
			vgic_send_sgi(&g, c, take(&in, 8));
			break;
		case 6:
		case 7:
			do_flush(c, (unsigned int)(op >> 4) + (op & 0x80 ? 4 : 0));
			break;
		case 8:
		case 9:
			do_sync(&in, c);
			break;
		case 10:
			if (c < VGIC_MAX_VCPUS && g.cpus[c] && (op >> 4) & 1) {
				vgic_remove_cpu(&g, c);
				nlive[c] = 0;
			} else if (c < VGIC_MAX_VCPUS && !g.cpus[c]) {
				vgic_add_cpu(&g, &cpus[c], c, take(&in, 8));
			} else {
				vgic_set_mpidr(&g, c, take(&in, 8));
			}
			check_listed();
			break;
		default:
			vgic_pending_for(&g, c);
			vgic_take_kicks(&g);
			vgic_owns(&g, pick_ipa(&in));
			break;
		}
		check_busy();
	}
	return 0;
}
