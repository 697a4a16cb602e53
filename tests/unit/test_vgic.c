// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vGICv3 model (hyp/core/vgic.c): reset values and access rules of the
 * distributor and redistributor registers, enable/pending/active/priority/
 * config round trips, SPI routing, SGIs from ICC_SGI1R_EL1 values, level and
 * edge lines, and the list-register protocol (order, underflow, EOI, no
 * double delivery).  Layout as QEMU virt: GICD 0x08000000, GICR 0x080A0000,
 * four vCPUs with MPIDR Aff0 = index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hyp/vgic.h>

#define DIST	0x08000000ULL
#define REDIST	0x080a0000ULL
#define NCPU	4

static struct vgic g;
static struct vgic_cpu cpus[VGIC_MAX_VCPUS];

static int setup(void **state)
{
	(void)state;
	vgic_init(&g);
	assert_int_equal(vgic_create_dist(&g, DIST, VGIC_DIST_SIZE), 0);
	assert_int_equal(vgic_create_redist(&g, REDIST, NCPU * VGIC_REDIST_STRIDE), 0);
	for (unsigned int i = 0; i < NCPU; i++)
		assert_int_equal(vgic_add_cpu(&g, &cpus[i], i, 0x80000000ULL | i), 0);
	return 0;
}

/* ---- accessors ---- */

static u64 acc(u64 ipa, unsigned int size, bool write, u64 v, int expect)
{
	assert_int_equal(vgic_mmio(&g, 0, ipa, size, write, &v), expect);
	return v;
}

static u32 drd(u64 off) { return (u32)acc(DIST + off, 4, false, 0xdeadbeef, 0); }
static void dwr(u64 off, u32 v) { acc(DIST + off, 4, true, v, 0); }
static u64 rd_base(unsigned int c) { return REDIST + c * VGIC_REDIST_STRIDE; }
static u32 rrd(unsigned int c, u64 off) { return (u32)acc(rd_base(c) + off, 4, false, 0xdeadbeef, 0); }
static void rwr(unsigned int c, u64 off, u32 v) { acc(rd_base(c) + off, 4, true, v, 0); }
static u32 srd(unsigned int c, u64 off) { return rrd(c, 0x10000 + off); }
static void swr(unsigned int c, u64 off, u32 v) { rwr(c, 0x10000 + off, v); }

static void enable_groups(void) { dwr(0x0, 3); }

/* Bit of INTID n in a 1-bit-per-IRQ register at dist offset base. */
static u64 bitoff(u64 base, u32 n) { return base + 4 * (n / 32); }
static u32 bit(u32 n) { return 1U << (n % 32); }

static void spi_set(u64 base, u32 n) { dwr(bitoff(base, n), bit(n)); }
static bool spi_get(u64 base, u32 n) { return drd(bitoff(base, n)) & bit(n); }

static unsigned int flush(unsigned int c, u64 *lrs, unsigned int nr, bool *uf)
{
	return vgic_flush_lrs(&g, c, lrs, nr, uf);
}

static u32 lr_intid(u64 lr) { return (u32)(lr & ICH_LR_VINTID_MASK); }
static unsigned int lr_state(u64 lr) { return (unsigned int)(lr >> 62); }
static u64 lr_with_state(u64 lr, unsigned int s) { return (lr & ~(3ULL << 62)) | (u64)s << 62; }

/* ---- regions ---- */

static void test_create_regions(void **state)
{
	struct vgic h;
	struct vgic_cpu c[2];

	(void)state;
	vgic_init(&h);
	assert_int_equal(vgic_create_dist(&h, DIST + 0x1000, VGIC_DIST_SIZE), VGIC_ERR_INVAL);
	assert_int_equal(vgic_create_dist(&h, DIST, 0x8000), VGIC_ERR_INVAL);
	assert_int_equal(vgic_create_dist(&h, 1ULL << 48, VGIC_DIST_SIZE), VGIC_ERR_INVAL);
	assert_int_equal(vgic_create_dist(&h, (1ULL << 48) - 0x10000, 0x20000), VGIC_ERR_INVAL);
	assert_int_equal(vgic_create_dist(&h, DIST, VGIC_DIST_SIZE), 0);
	assert_int_equal(vgic_create_dist(&h, DIST + 0x100000, VGIC_DIST_SIZE), VGIC_ERR_EXIST);
	assert_int_equal(vgic_create_redist(&h, REDIST + 0x1000, VGIC_REDIST_STRIDE), VGIC_ERR_INVAL);
	assert_int_equal(vgic_create_redist(&h, REDIST, 0), VGIC_ERR_INVAL);
	assert_int_equal(vgic_create_redist(&h, REDIST, 0x30000), VGIC_ERR_INVAL);
	assert_int_equal(vgic_create_redist(&h, DIST - 0x10000, VGIC_REDIST_STRIDE), VGIC_ERR_INVAL);
	assert_int_equal(vgic_create_redist(&h, (1ULL << 48) - 0x10000, VGIC_REDIST_STRIDE),
			 VGIC_ERR_INVAL);
	/* crosvm: one stride, just below the distributor */
	assert_int_equal(vgic_create_redist(&h, DIST - VGIC_REDIST_STRIDE, VGIC_REDIST_STRIDE), 0);
	assert_int_equal(vgic_create_redist(&h, REDIST, VGIC_REDIST_STRIDE), VGIC_ERR_EXIST);
	assert_int_equal(vgic_add_cpu(&h, &c[0], 0, 0), 0);
	assert_int_equal(vgic_add_cpu(&h, &c[0], 0, 1), VGIC_ERR_EXIST);
	assert_int_equal(vgic_add_cpu(&h, &c[1], 8, 1), VGIC_ERR_INVAL);
	/* vCPU 1's frames would be the distributor */
	assert_int_equal(vgic_add_cpu(&h, &c[1], 1, 1), VGIC_ERR_INVAL);

	assert_true(vgic_owns(&h, DIST));
	assert_true(vgic_owns(&h, DIST + 0xfffc));
	assert_false(vgic_owns(&h, DIST + 0x10000));
	assert_true(vgic_owns(&h, DIST - VGIC_REDIST_STRIDE));
	assert_false(vgic_owns(&h, DIST - VGIC_REDIST_STRIDE - 4));
	assert_false(vgic_owns(&h, 0));
}

static void test_redist_region_grows(void **state)
{
	struct vgic h;
	struct vgic_cpu c[3];

	(void)state;
	vgic_init(&h);
	assert_int_equal(vgic_create_redist(&h, REDIST, VGIC_REDIST_STRIDE), 0);
	assert_true(vgic_owns(&h, REDIST));	/* no vCPU yet: the one frame */
	assert_true(vgic_owns(&h, REDIST + 0x1fffc));
	assert_false(vgic_owns(&h, REDIST + VGIC_REDIST_STRIDE));
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(vgic_add_cpu(&h, &c[i], i, i), 0);
	assert_true(vgic_owns(&h, REDIST + 3 * VGIC_REDIST_STRIDE - 4));
	assert_false(vgic_owns(&h, REDIST + 3 * VGIC_REDIST_STRIDE));
	/* a distributor in the frames of the vCPUs present is refused */
	assert_int_equal(vgic_create_dist(&h, REDIST + 2 * VGIC_REDIST_STRIDE, VGIC_DIST_SIZE),
			 VGIC_ERR_INVAL);
	assert_int_equal(vgic_add_cpu(&h, &c[0], 3, 1), VGIC_ERR_INVAL);	/* same affinity */
}

/* ---- reset values ---- */

static void test_dist_reset(void **state)
{
	(void)state;
	assert_int_equal(drd(0x0), GICD_CTLR_ARE | GICD_CTLR_DS);
	assert_int_equal(drd(0x4), 7 | 9 << 19 | 1 << 24);
	assert_int_equal(drd(0x8), 0x4701143b);
	assert_int_equal(drd(0xc), 0);		/* TYPER2 */
	assert_int_equal(drd(0x10), 0);		/* STATUSR */
	for (u32 n = 1; n < 8; n++) {
		assert_int_equal(drd(0x80 + 4 * n), 0xffffffff);	/* group 1 */
		for (u64 base = 0x100; base < 0x400; base += 0x80)
			assert_int_equal(drd(base + 4 * n), 0);
	}
	for (u32 i = 32; i < 256; i += 4)
		assert_int_equal(drd(0x400 + i), 0);
	for (u32 n = 2; n < 16; n++)
		assert_int_equal(drd(0xc00 + 4 * n), 0);	/* level */
	for (u32 n = 32; n < 256; n++) {
		assert_int_equal(acc(DIST + 0x6000 + 8 * n, 8, false, 1, 0), 0);
	}
	assert_int_equal(drd(0xffe8), 0x3b);	/* PIDR2: ArchRev 3 */
	assert_int_equal(drd(0xffd0), 0x44);
	assert_int_equal(drd(0xffe0), 0x47);
	assert_int_equal(drd(0xffe4), 0xb0);
	assert_int_equal(drd(0xfff0), 0x0d);
	assert_int_equal(drd(0xfff4), 0xf0);
	assert_int_equal(drd(0xfff8), 0x05);
	assert_int_equal(drd(0xfffc), 0xb1);
}

static void test_redist_reset(void **state)
{
	(void)state;
	for (unsigned int c = 0; c < NCPU; c++) {
		assert_int_equal(rrd(c, 0x0), 0);	/* CTLR */
		assert_int_equal(rrd(c, 0x4), 0x4701143b);
		assert_int_equal(rrd(c, 0x10), 0);	/* STATUSR */
		assert_int_equal(rrd(c, 0x14), GICR_WAKER_PS | GICR_WAKER_CA);
		assert_int_equal(rrd(c, 0xffe8), 0x3b);
		assert_int_equal(srd(c, 0x80), 0xffffffff);
		for (u64 off = 0x100; off < 0x400; off += 0x80)
			assert_int_equal(srd(c, off), 0);
		for (u64 off = 0x400; off < 0x420; off += 4)
			assert_int_equal(srd(c, off), 0);
		assert_int_equal(srd(c, 0xc00), 0xaaaaaaaa);	/* SGIs edge */
		assert_int_equal(srd(c, 0xc04), 0);		/* PPIs level */
		assert_int_equal(srd(c, 0xd00), 0);
		assert_int_equal(srd(c, 0xe00), 0);
	}
	assert_false(vgic_pending_for(&g, 0));
}

/* ---- RAZ/WI ---- */

static void test_dist_raz_wi(void **state)
{
	static const u64 offs[] = {
		0x0c, 0x10, 0x40, 0x48, 0x50, 0x58,		/* TYPER2, STATUSR, SPI regs */
		0x80, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380,	/* private words (ARE) */
		0x0a0, 0x120, 0x3fc,				/* INTIDs >= 256 */
		0x400, 0x41c, 0x500, 0x7fc,			/* private / absent priorities */
		0x800, 0x820, 0xbf8,				/* ITARGETSR */
		0xc00, 0xc04, 0xc40,				/* ICFGR0/1, INTIDs >= 256 */
		0xd00, 0xd04, 0xe00, 0xe08,			/* IGRPMODR, NSACR */
		0xf00, 0xf10, 0xf20, 0xf80,			/* SGIR, C/SPENDSGIR, INMIR */
		0x1000, 0x2000, 0x5ffc, 0x6000, 0x60f8, 0x6800, 0x7ff8, 0x8000, 0xc000,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		dwr(offs[i], 0xffffffff);
		assert_int_equal(drd(offs[i]), 0);
	}
	/* nothing leaked into real state */
	for (unsigned int c = 0; c < NCPU; c++) {
		assert_int_equal(srd(c, 0x100), 0);
		assert_int_equal(srd(c, 0x200), 0);
		assert_int_equal(srd(c, 0x400), 0);
		assert_int_equal(srd(c, 0xc04), 0);
	}
	/* byte-accessible RAZ/WI ones */
	acc(DIST + 0x801, 1, true, 0xff, 0);
	assert_int_equal(acc(DIST + 0x801, 1, false, 7, 0), 0);
	acc(DIST + 0xf21, 1, true, 0xff, 0);
	assert_int_equal(acc(DIST + 0xf21, 1, false, 7, 0), 0);
	/* read-only ones ignore writes */
	dwr(0x4, 0);
	dwr(0x8, 0);
	dwr(0xffe8, 0);
	assert_int_equal(drd(0x4), 7 | 9 << 19 | 1 << 24);
	assert_int_equal(drd(0x8), 0x4701143b);
	assert_int_equal(drd(0xffe8), 0x3b);
}

static void test_redist_raz_wi(void **state)
{
	(void)state;
	/* RD_base: CTLR except DPG, STATUSR, PROPBASER, PENDBASER, LPI registers, reserved */
	rwr(1, 0x0, 0xfcffffff);
	assert_int_equal(rrd(1, 0x0), 0);
	for (u64 off = 0x10; off < 0x100; off += 4) {
		if (off == 0x14)
			continue;
		rwr(1, off, 0xffffffff);
		assert_int_equal(rrd(1, off), 0);
	}
	acc(rd_base(1) + 0x70, 8, true, ~0ULL, 0);
	assert_int_equal(acc(rd_base(1) + 0x70, 8, false, 1, 0), 0);
	acc(rd_base(1) + 0x78, 8, true, ~0ULL, 0);
	assert_int_equal(acc(rd_base(1) + 0x78, 8, false, 1, 0), 0);
	/* TYPER and IIDR are read-only */
	acc(rd_base(1) + 0x8, 8, true, 0, 0);
	assert_int_equal(acc(rd_base(1) + 0x8, 8, false, 0, 0) >> 32, 1);
	rwr(1, 0x4, 0);
	assert_int_equal(rrd(1, 0x4), 0x4701143b);
	/* SGI_base: IGRPMODR0, NSACR, ICFGR0, extended PPI registers */
	for (u64 off = 0xd00; off < 0xf84; off += 4) {
		swr(1, off, 0xffffffff);
		assert_int_equal(srd(1, off), 0);
	}
	swr(1, 0xc00, 0);
	assert_int_equal(srd(1, 0xc00), 0xaaaaaaaa);
	swr(1, 0x84, 0xffffffff);
	assert_int_equal(srd(1, 0x84), 0);
	swr(1, 0x420, 0xffffffff);
	assert_int_equal(srd(1, 0x420), 0);
	/* past the frames of the vCPUs present */
	assert_int_equal(acc(rd_base(NCPU) + 0xffe8, 4, false, 1, -1), 1);	/* not owned */
}

static void test_access_sizes(void **state)
{
	u64 v = 0;

	(void)state;
	/* halfwords: never */
	acc(DIST + 0x0, 2, false, 0, -1);
	acc(DIST + 0x400, 2, false, 0, -1);
	acc(DIST + 0x6100, 2, true, 0, -1);
	acc(rd_base(0) + 0x14, 2, false, 0, -1);
	acc(rd_base(0) + 0x10400, 2, true, 0, -1);
	/* bytes only where allowed */
	acc(DIST + 0x0, 1, false, 0, -1);
	acc(DIST + 0x101, 1, false, 0, -1);
	acc(DIST + 0xc08, 1, true, 0, -1);
	acc(DIST + 0x6100, 1, false, 0, -1);
	acc(DIST + 0xffe8, 1, false, 0, -1);
	acc(rd_base(0) + 0x14, 1, false, 0, -1);
	acc(rd_base(0) + 0x10100, 1, true, 0, -1);
	acc(DIST + 0x423, 1, false, 0, 0);
	acc(DIST + 0x803, 1, false, 0, 0);
	acc(DIST + 0xf1f, 1, false, 0, 0);
	acc(rd_base(0) + 0x10401, 1, false, 0, 0);
	/* doublewords only where allowed */
	acc(DIST + 0x0, 8, false, 0, -1);
	acc(DIST + 0x100, 8, true, 0, -1);
	acc(DIST + 0x420, 8, false, 0, -1);
	acc(DIST + 0x6100, 8, false, 0, 0);
	acc(rd_base(0) + 0x0, 8, false, 0, -1);
	acc(rd_base(0) + 0x10, 8, false, 0, -1);
	acc(rd_base(0) + 0x8, 8, false, 0, 0);
	acc(rd_base(0) + 0x10100, 8, false, 0, -1);
	acc(rd_base(0) + 0x10400, 8, false, 0, -1);
	/* alignment, odd sizes, not ours */
	acc(DIST + 0x102, 4, false, 0, -1);
	acc(DIST + 0x6104, 8, false, 0, -1);
	acc(rd_base(0) + 0xc, 8, false, 0, -1);
	acc(DIST + 0x400, 3, false, 0, -1);
	acc(DIST + 0x400, 16, false, 0, -1);
	acc(DIST + 0x400, 0, false, 0, -1);
	acc(DIST + 0x10000, 4, false, 0, -1);
	acc(0, 4, false, 0, -1);
	assert_int_equal(vgic_mmio(&g, 0, DIST, 4, false, NULL), -1);
	/* a failed read leaves *val alone */
	v = 1234;
	assert_int_equal(vgic_mmio(&g, 0, DIST + 0x102, 4, false, &v), -1);
	assert_int_equal(v, 1234);
}

/* ---- distributor state ---- */

static void test_dist_ctlr(void **state)
{
	(void)state;
	dwr(0x0, 0xffffffff);
	assert_int_equal(drd(0x0), 0x53);
	dwr(0x0, 0);
	assert_int_equal(drd(0x0), 0x50);
	dwr(0x0, 2);
	assert_int_equal(drd(0x0), 0x52);
}

static void roundtrip_spi(u32 n)
{
	/* enable */
	spi_set(0x100, n);
	assert_true(spi_get(0x100, n));
	assert_true(spi_get(0x180, n));
	assert_int_equal(drd(bitoff(0x100, n)), bit(n));
	spi_set(0x180, n);
	assert_false(spi_get(0x100, n));
	/* pending */
	spi_set(0x200, n);
	assert_true(spi_get(0x200, n));
	assert_true(spi_get(0x280, n));
	spi_set(0x280, n);
	assert_false(spi_get(0x200, n));
	/* active */
	spi_set(0x300, n);
	assert_true(spi_get(0x300, n));
	assert_true(spi_get(0x380, n));
	spi_set(0x380, n);
	assert_false(spi_get(0x300, n));
	/* group */
	dwr(bitoff(0x80, n), ~bit(n));
	assert_int_equal(drd(bitoff(0x80, n)), ~bit(n));
	dwr(bitoff(0x80, n), 0xffffffff);
	/* writing zeros changes nothing */
	spi_set(0x100, n);
	dwr(bitoff(0x100, n), 0);
	dwr(bitoff(0x180, n), 0);
	assert_true(spi_get(0x100, n));
	spi_set(0x180, n);
}

static void test_spi_roundtrips(void **state)
{
	(void)state;
	roundtrip_spi(32);
	roundtrip_spi(33);
	roundtrip_spi(63);
	roundtrip_spi(64);
	roundtrip_spi(200);
	roundtrip_spi(255);
}

static void roundtrip_private(unsigned int c, u32 n)
{
	u32 b = 1U << n;

	swr(c, 0x100, b);
	assert_int_equal(srd(c, 0x100), b);
	assert_int_equal(srd(c, 0x180), b);
	swr(c, 0x180, b);
	assert_int_equal(srd(c, 0x100), 0);
	swr(c, 0x200, b);
	assert_int_equal(srd(c, 0x200), b);
	assert_int_equal(srd(c, 0x280), b);
	swr(c, 0x280, b);
	assert_int_equal(srd(c, 0x200), 0);
	swr(c, 0x300, b);
	assert_int_equal(srd(c, 0x300), b);
	assert_int_equal(srd(c, 0x380), b);
	swr(c, 0x380, b);
	assert_int_equal(srd(c, 0x300), 0);
	swr(c, 0x80, ~b);
	assert_int_equal(srd(c, 0x80), ~b);
	swr(c, 0x80, 0xffffffff);
	/* banked: the other vCPUs did not change */
	for (unsigned int o = 0; o < NCPU; o++) {
		if (o == c)
			continue;
		assert_int_equal(srd(o, 0x100), 0);
		assert_int_equal(srd(o, 0x300), 0);
	}
}

static void test_sgi_ppi_roundtrips(void **state)
{
	(void)state;
	for (unsigned int c = 0; c < NCPU; c++) {
		roundtrip_private(c, 0);
		roundtrip_private(c, 15);
		roundtrip_private(c, 16);
		roundtrip_private(c, VGIC_PPI_VTIMER);
		roundtrip_private(c, 31);
	}
}

static void test_priorities(void **state)
{
	(void)state;
	/* SPIs: word then bytes, 5 bits kept */
	dwr(0x420, 0x12345678);
	assert_int_equal(drd(0x420), 0x10305078);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(acc(DIST + 0x420 + i, 1, false, 0, 0), (0x10305078 >> (8 * i)) & 0xff);
	acc(DIST + 0x422, 1, true, 0xff, 0);
	assert_int_equal(drd(0x420), 0x10f85078);
	acc(DIST + 0x4ff, 1, true, 0xa0, 0);
	assert_int_equal(drd(0x4fc), 0xa0000000);
	/* the distributor's private bytes are RAZ/WI */
	acc(DIST + 0x401, 1, true, 0xff, 0);
	assert_int_equal(drd(0x400), 0);
	/* SGIs/PPIs in each redistributor, banked */
	swr(2, 0x418, 0xa0a0a0a0);
	acc(rd_base(2) + 0x10401, 1, true, 0x80, 0);
	assert_int_equal(srd(2, 0x418), 0xa0a0a0a0);
	assert_int_equal(srd(2, 0x400), 0x8000);
	assert_int_equal(acc(rd_base(2) + 0x1041b, 1, false, 0, 0), 0xa0);
	assert_int_equal(srd(1, 0x418), 0);
	assert_int_equal(srd(1, 0x400), 0);
}

static void test_icfgr(void **state)
{
	(void)state;
	/* SPIs: the odd bit (edge) is kept, the even bits are RES0 */
	dwr(0xc08, 0xffffffff);
	assert_int_equal(drd(0xc08), 0xaaaaaaaa);
	dwr(0xc08, 0x2);
	assert_int_equal(drd(0xc08), 0x2);
	dwr(0xc3c, 0x80000000);			/* INTID 255 */
	assert_int_equal(drd(0xc3c), 0x80000000);
	/* PPIs: configurable per vCPU */
	swr(1, 0xc04, 0x00800000);		/* INTID 27 edge */
	assert_int_equal(srd(1, 0xc04), 0x00800000);
	assert_int_equal(srd(0, 0xc04), 0);
	swr(1, 0xc04, 0xffffffff);
	assert_int_equal(srd(1, 0xc04), 0xaaaaaaaa);
	/* SGIs: edge, read-only */
	swr(1, 0xc00, 0);
	assert_int_equal(srd(1, 0xc00), 0xaaaaaaaa);
}

/* ---- routing ---- */

static void test_irouter_routing(void **state)
{
	u64 lrs[4];

	(void)state;
	enable_groups();
	spi_set(0x100, 40);
	/* RES0 bits dropped, affinity fields kept */
	acc(DIST + 0x6000 + 8 * 40, 8, true, ~0ULL, 0);
	assert_int_equal(acc(DIST + 0x6000 + 8 * 40, 8, false, 0, 0), 0xff80ffffffULL);
	/* 32-bit halves */
	acc(DIST + 0x6000 + 8 * 40 + 4, 4, true, 0, 0);
	assert_int_equal(acc(DIST + 0x6000 + 8 * 40, 4, false, 0, 0), 0x80ffffff);
	assert_int_equal(acc(DIST + 0x6000 + 8 * 40 + 4, 4, false, 0, 0), 0);
	acc(DIST + 0x6000 + 8 * 40, 4, true, 0, 0);
	acc(DIST + 0x6000 + 8 * 41 + 4, 4, true, 0x12, 0);
	assert_int_equal(acc(DIST + 0x6000 + 8 * 41, 8, false, 0, 0), 0x1200000000ULL);

	assert_int_equal(vgic_set_line(&g, 40, 0, true), 0);
	for (unsigned int t = 0; t < NCPU; t++) {
		acc(DIST + 0x6000 + 8 * 40, 8, true, t, 0);
		for (unsigned int c = 0; c < NCPU; c++) {
			assert_int_equal(vgic_pending_for(&g, c), c == t);
			assert_int_equal(flush(c, lrs, 4, NULL), c == t);
			if (c == t)
				assert_int_equal(lr_intid(lrs[0]), 40);
			vgic_sync_lrs(&g, c, lrs, 4);
		}
	}
	/* affinity of nobody: stays pending, nowhere */
	acc(DIST + 0x6000 + 8 * 40, 8, true, 0x100, 0);
	for (unsigned int c = 0; c < NCPU; c++)
		assert_false(vgic_pending_for(&g, c));
	assert_true(spi_get(0x200, 40));
}

static void test_irouter_any(void **state)
{
	u64 lrs[4], other[4];

	(void)state;
	enable_groups();
	spi_set(0x100, 50);
	acc(DIST + 0x6000 + 8 * 50, 8, true, 1ULL << 31, 0);
	vgic_set_line(&g, 50, 0, true);
	/* every redistributor asleep: nobody */
	for (unsigned int c = 0; c < NCPU; c++)
		assert_false(vgic_pending_for(&g, c));
	rwr(2, 0x14, 0);
	rwr(3, 0x14, 0);
	assert_true(vgic_pending_for(&g, 2));
	assert_false(vgic_pending_for(&g, 3));
	/* DPG1NS opts vCPU 2 out of group 1 1-of-N */
	rwr(2, 0x0, GICR_CTLR_DPG1NS);
	assert_int_equal(rrd(2, 0x0), GICR_CTLR_DPG1NS);
	assert_false(vgic_pending_for(&g, 2));
	assert_true(vgic_pending_for(&g, 3));
	/* once in vCPU 3's LRs it stays there */
	assert_int_equal(flush(3, lrs, 4, NULL), 1);
	rwr(2, 0x0, 0);
	assert_int_equal(flush(2, other, 4, NULL), 0);
	/* acknowledged: active on vCPU 3, listed there again */
	lrs[0] = lr_with_state(lrs[0], 2);
	vgic_sync_lrs(&g, 3, lrs, 1);
	assert_int_equal(flush(2, other, 4, NULL), 0);
	assert_int_equal(flush(3, lrs, 4, NULL), 1);
	/* active, line still high: listed active only, resampled at its EOI */
	assert_int_equal(lr_state(lrs[0]), 2);
}

static void test_gicr_typer(void **state)
{
	struct vgic_cpu extra;

	(void)state;
	for (unsigned int c = 0; c < NCPU; c++) {
		u64 t = acc(rd_base(c) + 0x8, 8, false, 0, 0);

		assert_int_equal(t >> 32, c);			/* Affinity_Value */
		assert_int_equal((t >> 8) & 0xffff, c);		/* Processor_Number */
		assert_int_equal(!!(t & (1 << 4)), c == NCPU - 1);	/* Last */
		assert_true(t & (1 << 5));			/* DPGS */
		assert_int_equal(t & 0xf, 0);			/* no LPIs */
		assert_int_equal(rrd(c, 0x8), (u32)t);
		assert_int_equal(rrd(c, 0xc), t >> 32);
	}
	/* a vCPU with all affinity levels */
	assert_int_equal(vgic_set_mpidr(&g, 1, 0x8000000000ULL | 0x80000000 | 0x030201), 0);
	assert_int_equal(acc(rd_base(1) + 0x8, 8, false, 0, 0) >> 32, 0x80030201ULL);
	assert_int_equal(vgic_set_mpidr(&g, 1, 0), VGIC_ERR_INVAL);	/* vCPU 0's */
	assert_int_equal(vgic_set_mpidr(&g, 6, 6), VGIC_ERR_INVAL);
	/* a fifth vCPU: the region grows, Last moves */
	assert_false(vgic_owns(&g, rd_base(4)));
	assert_int_equal(vgic_add_cpu(&g, &extra, 4, 4), 0);
	assert_true(vgic_owns(&g, rd_base(4)));
	assert_false(acc(rd_base(3) + 0x8, 8, false, 0, 0) & (1 << 4));
	assert_true(acc(rd_base(4) + 0x8, 8, false, 0, 0) & (1 << 4));
	vgic_remove_cpu(&g, 4);
	assert_true(acc(rd_base(3) + 0x8, 8, false, 0, 0) & (1 << 4));
}

static void test_waker(void **state)
{
	(void)state;
	assert_int_equal(rrd(0, 0x14), 6);
	rwr(0, 0x14, 0);
	assert_int_equal(rrd(0, 0x14), 0);
	assert_int_equal(rrd(1, 0x14), 6);
	rwr(0, 0x14, 0xffffffff);
	assert_int_equal(rrd(0, 0x14), 6);
	rwr(0, 0x14, 4);	/* ChildrenAsleep is read-only */
	assert_int_equal(rrd(0, 0x14), 0);
}

/* ---- lines ---- */

static void test_level_line(void **state)
{
	(void)state;
	assert_int_equal(vgic_set_line(&g, 100, 0, true), 0);
	assert_true(spi_get(0x200, 100));
	/* ICPENDR does not remove the pending state of a high line */
	spi_set(0x280, 100);
	assert_true(spi_get(0x200, 100));
	vgic_set_line(&g, 100, 0, false);
	assert_false(spi_get(0x200, 100));
	/* ISPENDR latches it with the line low, ICPENDR clears */
	spi_set(0x200, 100);
	assert_true(spi_get(0x200, 100));
	vgic_set_line(&g, 100, 0, true);
	vgic_set_line(&g, 100, 0, false);
	assert_true(spi_get(0x200, 100));
	spi_set(0x280, 100);
	assert_false(spi_get(0x200, 100));
	/* PPI line of one vCPU */
	assert_int_equal(vgic_set_line(&g, VGIC_PPI_VTIMER, 2, true), 0);
	assert_int_equal(srd(2, 0x200), 1U << VGIC_PPI_VTIMER);
	assert_int_equal(srd(1, 0x200), 0);
	vgic_set_line(&g, VGIC_PPI_VTIMER, 2, false);
	assert_int_equal(srd(2, 0x200), 0);
}

static void test_edge_line(void **state)
{
	(void)state;
	dwr(0xc00 + 4 * (100 / 16), 2U << (2 * (100 % 16)));
	vgic_set_line(&g, 100, 0, true);
	assert_true(spi_get(0x200, 100));
	vgic_set_line(&g, 100, 0, false);
	assert_true(spi_get(0x200, 100));	/* latched */
	spi_set(0x280, 100);
	assert_false(spi_get(0x200, 100));
	/* high -> high is no edge */
	vgic_set_line(&g, 100, 0, true);
	spi_set(0x280, 100);
	vgic_set_line(&g, 100, 0, true);
	assert_false(spi_get(0x200, 100));
	/* edge PPI */
	swr(3, 0xc04, 2U << (2 * (20 - 16)));
	vgic_set_line(&g, 20, 3, true);
	vgic_set_line(&g, 20, 3, false);
	assert_int_equal(srd(3, 0x200), 1U << 20);
}

static void test_set_line_errors(void **state)
{
	(void)state;
	assert_int_equal(vgic_set_line(&g, 0, 0, true), -1);
	assert_int_equal(vgic_set_line(&g, 15, 0, true), -1);
	assert_int_equal(vgic_set_line(&g, 256, 0, true), -1);
	assert_int_equal(vgic_set_line(&g, 1020, 0, true), -1);
	assert_int_equal(vgic_set_line(&g, 16, NCPU, true), -1);
	assert_int_equal(vgic_set_line(&g, 16, 100, true), -1);
	assert_int_equal(vgic_set_line(&g, 32, 100, true), 0);	/* cpu ignored for SPIs */
}

static void test_pulse(void **state)
{
	u64 lrs[4];

	(void)state;
	enable_groups();
	spi_set(0x100, 110);
	/* level-sensitive, pulsed: delivered once, although the line is never lowered */
	assert_int_equal(vgic_pulse(&g, 110, 0), 0);
	assert_true(spi_get(0x200, 110));
	assert_int_equal(vgic_take_kicks(&g), 1);
	assert_int_equal(flush(0, lrs, 4, NULL), 1);
	lrs[0] = lr_with_state(lrs[0], 2);
	vgic_sync_lrs(&g, 0, lrs, 4);
	assert_false(spi_get(0x200, 110));
	assert_int_equal(flush(0, lrs, 4, NULL), 1);
	assert_int_equal(lr_state(lrs[0]), 2);
	lrs[0] = lr_with_state(lrs[0], 0);
	vgic_sync_lrs(&g, 0, lrs, 4);
	assert_int_equal(flush(0, lrs, 4, NULL), 0);
	/* a PPI of one vCPU; the line level is untouched */
	assert_int_equal(vgic_pulse(&g, 20, 2), 0);
	assert_int_equal(srd(2, 0x200), 1 << 20);
	swr(2, 0x280, 1 << 20);
	assert_int_equal(srd(2, 0x200), 0);
	assert_int_equal(vgic_pulse(&g, 3, 0), -1);
	assert_int_equal(vgic_pulse(&g, 256, 0), -1);
	assert_int_equal(vgic_pulse(&g, 20, NCPU), -1);
}

/* ---- SGIs ---- */

static u64 sgi1r(u32 intid, u16 targets, u8 aff1, u8 aff2, u8 aff3, u8 rs, bool irm)
{
	return targets | (u64)aff1 << 16 | (u64)intid << 24 | (u64)aff2 << 32 |
	       (u64)irm << 40 | (u64)rs << 44 | (u64)aff3 << 48;
}

static void test_sgi_pairs(void **state)
{
	(void)state;
	enable_groups();
	for (unsigned int c = 0; c < NCPU; c++)
		swr(c, 0x100, 0xffff);
	for (unsigned int from = 0; from < NCPU; from++) {
		for (unsigned int to = 0; to < NCPU; to++) {
			u32 intid = (from * 4 + to) % 16;

			assert_int_equal(vgic_send_sgi(&g, from, sgi1r(intid, 1U << to, 0, 0, 0, 0, false)),
					 1U << to);
			for (unsigned int c = 0; c < NCPU; c++) {
				assert_int_equal(srd(c, 0x200), c == to ? 1U << intid : 0);
				assert_int_equal(vgic_pending_for(&g, c), c == to);
			}
			swr(to, 0x280, 0xffff);
		}
	}
}

static void test_sgi_targets(void **state)
{
	(void)state;
	enable_groups();
	for (unsigned int c = 0; c < NCPU; c++)
		swr(c, 0x100, 0xffff);
	/* a target list */
	assert_int_equal(vgic_send_sgi(&g, 0, sgi1r(5, 0xa, 0, 0, 0, 0, false)), 0xa);
	assert_int_equal(srd(1, 0x200), 1 << 5);
	assert_int_equal(srd(3, 0x200), 1 << 5);
	assert_int_equal(srd(0, 0x200) | srd(2, 0x200), 0);
	/* already pending: not new, not kicked again */
	vgic_take_kicks(&g);
	for (unsigned int c = 0; c < NCPU; c++)
		swr(c, 0x280, 0xffff);
	/* wrong Aff1/Aff2/Aff3/RS: nobody */
	assert_int_equal(vgic_send_sgi(&g, 0, sgi1r(1, 0xf, 1, 0, 0, 0, false)), 0);
	assert_int_equal(vgic_send_sgi(&g, 0, sgi1r(1, 0xf, 0, 1, 0, 0, false)), 0);
	assert_int_equal(vgic_send_sgi(&g, 0, sgi1r(1, 0xf, 0, 0, 1, 0, false)), 0);
	assert_int_equal(vgic_send_sgi(&g, 0, sgi1r(1, 0xf, 0, 0, 0, 1, false)), 0);
	for (unsigned int c = 0; c < NCPU; c++)
		assert_int_equal(srd(c, 0x200), 0);
	/* RS selects Aff0 16..31; Aff1..3 match */
	/* vCPU 2 = 1.2.0x14.0x13 */
	assert_int_equal(vgic_set_mpidr(&g, 2, 0x0100000000ULL | 0x20000 | 0x1400 | 0x13), 0);
	assert_int_equal(vgic_send_sgi(&g, 0, sgi1r(7, 1 << 3, 0x14, 2, 1, 1, false)), 1 << 2);
	assert_int_equal(srd(2, 0x200), 1 << 7);
	/* IRM: everyone but the sender */
	assert_int_equal(vgic_send_sgi(&g, 1, sgi1r(9, 0, 0, 0, 0, 0, true)), 0xd);
	assert_int_equal(srd(1, 0x200), 0);
	assert_int_equal(srd(0, 0x200), 1 << 9);
	assert_int_equal(srd(3, 0x200), 1 << 9);
	/* disabled SGI: pending, but nobody to kick */
	swr(3, 0x180, 1 << 4);
	assert_int_equal(vgic_send_sgi(&g, 0, sgi1r(4, 1 << 3, 0, 0, 0, 0, false)), 0);
	assert_int_equal(srd(3, 0x200), 1 << 9 | 1 << 4);
}

/* ---- list registers ---- */

static void test_lr_order(void **state)
{
	u64 lrs[4];
	bool uf = true;

	(void)state;
	enable_groups();
	/* SPIs 40 (prio 0xa0, level), 41 (0x20, edge), PPI 27 (0x80), SGI 1 (0x20, group 0) */
	dwr(0x428, 0x20a0);
	dwr(0xc08, 2U << 18);
	spi_set(0x100, 40);
	spi_set(0x100, 41);
	swr(0, 0x418, 0x80000000);
	swr(0, 0x400, 0x2000);
	swr(0, 0x100, 1U << 27 | 1U << 1);
	swr(0, 0x80, ~(1U << 1));
	vgic_set_line(&g, 40, 0, true);
	vgic_set_line(&g, 41, 0, true);
	vgic_set_line(&g, 27, 0, true);
	vgic_send_sgi(&g, 0, sgi1r(1, 1, 0, 0, 0, 0, false));

	assert_int_equal(flush(0, lrs, 4, &uf), 4);
	assert_false(uf);
	assert_int_equal(lr_intid(lrs[0]), 1);
	assert_int_equal(lr_intid(lrs[1]), 41);
	assert_int_equal(lr_intid(lrs[2]), 27);
	assert_int_equal(lr_intid(lrs[3]), 40);
	/* the fields */
	assert_int_equal(lrs[0], ICH_LR_PENDING | 0x20ULL << 48 | 1);		/* group 0, edge */
	assert_int_equal(lrs[1], ICH_LR_PENDING | ICH_LR_GROUP | 0x20ULL << 48 | 41);
	assert_int_equal(lrs[2], ICH_LR_PENDING | ICH_LR_GROUP | ICH_LR_EOI | 0x80ULL << 48 | 27);
	assert_int_equal(lrs[3], ICH_LR_PENDING | ICH_LR_GROUP | ICH_LR_EOI | 0xa0ULL << 48 | 40);
	assert_false(lrs[0] & ICH_LR_HW);
	/* the other vCPUs get none of it */
	for (unsigned int c = 1; c < NCPU; c++)
		assert_int_equal(flush(c, lrs, 4, &uf), 0);
}

static void test_lr_underflow(void **state)
{
	u64 lrs[6];
	bool uf = false;

	(void)state;
	enable_groups();
	for (u32 n = 32; n < 42; n++) {
		acc(DIST + 0x400 + n, 1, true, (u8)(0xf8 - 8 * (n - 32)), 0);	/* later = higher */
		spi_set(0x100, n);
		vgic_set_line(&g, n, 0, true);
	}
	lrs[4] = lrs[5] = 0x1234;
	assert_int_equal(flush(0, lrs, 4, &uf), 4);
	assert_true(uf);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(lr_intid(lrs[i]), 41 - i);
	assert_int_equal(lrs[4], 0x1234);	/* never more than given */
	/* the guest handles them: EOI, lines low; the next flush takes the rest */
	for (unsigned int i = 0; i < 4; i++) {
		lrs[i] = lr_with_state(lrs[i], 0);
		vgic_set_line(&g, 41 - i, 0, false);
	}
	vgic_sync_lrs(&g, 0, lrs, 4);
	assert_int_equal(flush(0, lrs, 4, &uf), 4);
	assert_true(uf);
	assert_int_equal(lr_intid(lrs[0]), 37);
	vgic_sync_lrs(&g, 0, lrs, 4);
	/* more room than needed */
	assert_int_equal(flush(0, lrs, 6, &uf), 6);
	assert_false(uf);
	/* nr_lrs = 0 */
	vgic_sync_lrs(&g, 0, lrs, 6);
	assert_int_equal(flush(0, lrs, 0, &uf), 0);
	assert_true(uf);
}

static void test_lr_level_eoi(void **state)
{
	u64 lrs[4];

	(void)state;
	enable_groups();
	spi_set(0x100, 60);
	vgic_set_line(&g, 60, 0, true);
	assert_int_equal(flush(0, lrs, 4, NULL), 1);
	/* acknowledged: active, and pending again since the line is high */
	lrs[0] = lr_with_state(lrs[0], 2);
	vgic_sync_lrs(&g, 0, lrs, 4);
	assert_true(spi_get(0x300, 60));
	assert_true(spi_get(0x200, 60));
	/*
	 * ... but the LR carries only the active state, with an EOI
	 * maintenance request: the line is sampled again after the EOI, so a
	 * line the guest lowers before its EOI gives no second interrupt.
	 */
	assert_int_equal(flush(0, lrs, 4, NULL), 1);
	assert_int_equal(lr_state(lrs[0]), 2);
	assert_true(lrs[0] & ICH_LR_EOI);
	/* EOId with the line still high: pending again, not active */
	lrs[0] = lr_with_state(lrs[0], 0);
	vgic_sync_lrs(&g, 0, lrs, 4);
	assert_false(spi_get(0x300, 60));
	assert_true(spi_get(0x200, 60));
	assert_int_equal(flush(0, lrs, 4, NULL), 1);
	assert_int_equal(lr_state(lrs[0]), 1);
	/* line low, then EOI: gone */
	vgic_set_line(&g, 60, 0, false);
	lrs[0] = lr_with_state(lrs[0], 0);
	vgic_sync_lrs(&g, 0, lrs, 4);
	assert_false(spi_get(0x200, 60));
	assert_int_equal(flush(0, lrs, 4, NULL), 0);
	/*
	 * Acknowledged, an exit with the line still high (listed active
	 * only), then the guest's handler lowers the line and EOIs: no
	 * second delivery (a timer handler disabling its timer).
	 */
	vgic_set_line(&g, 60, 0, true);
	assert_int_equal(flush(0, lrs, 4, NULL), 1);
	lrs[0] = lr_with_state(lrs[0], 2);
	vgic_sync_lrs(&g, 0, lrs, 4);
	assert_int_equal(flush(0, lrs, 4, NULL), 1);
	assert_int_equal(lr_state(lrs[0]), 2);
	vgic_set_line(&g, 60, 0, false);
	lrs[0] = lr_with_state(lrs[0], 0);
	vgic_sync_lrs(&g, 0, lrs, 4);
	assert_false(spi_get(0x200, 60));
	assert_false(spi_get(0x300, 60));
	assert_int_equal(flush(0, lrs, 4, NULL), 0);
	/* pending set by ISPENDR with the line low: acknowledging clears it */
	spi_set(0x200, 60);
	assert_int_equal(flush(0, lrs, 4, NULL), 1);
	lrs[0] = lr_with_state(lrs[0], 2);
	vgic_sync_lrs(&g, 0, lrs, 4);
	assert_false(spi_get(0x200, 60));
	assert_true(spi_get(0x300, 60));
}

static void test_lr_edge_eoi(void **state)
{
	u64 lrs[4];

	(void)state;
	enable_groups();
	swr(1, 0x100, 1 << 3);
	vgic_send_sgi(&g, 0, sgi1r(3, 1 << 1, 0, 0, 0, 0, false));
	assert_int_equal(flush(1, lrs, 4, NULL), 1);
	assert_false(lrs[0] & ICH_LR_EOI);
	/* the pending state is in the LR: the guest still sees it via ISPENDR */
	assert_int_equal(srd(1, 0x200), 1 << 3);
	/* not taken yet: stays pending */
	vgic_sync_lrs(&g, 1, lrs, 4);
	assert_int_equal(srd(1, 0x200), 1 << 3);
	assert_int_equal(flush(1, lrs, 4, NULL), 1);
	/* taken and EOId: gone for good */
	lrs[0] = lr_with_state(lrs[0], 0);
	vgic_sync_lrs(&g, 1, lrs, 4);
	assert_int_equal(srd(1, 0x200), 0);
	assert_int_equal(srd(1, 0x300), 0);
	assert_int_equal(flush(1, lrs, 4, NULL), 0);
	/* a new edge while listed is kept for after the EOI */
	vgic_send_sgi(&g, 0, sgi1r(3, 1 << 1, 0, 0, 0, 0, false));
	assert_int_equal(flush(1, lrs, 4, NULL), 1);
	lrs[0] = lr_with_state(lrs[0], 2);		/* acknowledged */
	vgic_send_sgi(&g, 0, sgi1r(3, 1 << 1, 0, 0, 0, 0, false));
	vgic_sync_lrs(&g, 1, lrs, 4);
	assert_int_equal(srd(1, 0x300), 1 << 3);
	assert_int_equal(srd(1, 0x200), 1 << 3);
	assert_int_equal(flush(1, lrs, 4, NULL), 1);
	assert_int_equal(lr_state(lrs[0]), 3);
	lrs[0] = lr_with_state(lrs[0], 1);		/* EOId the first */
	vgic_sync_lrs(&g, 1, lrs, 4);
	assert_int_equal(srd(1, 0x300), 0);
	assert_int_equal(srd(1, 0x200), 1 << 3);
}

static void test_lr_no_double_delivery(void **state)
{
	u64 a[4], b[4];

	(void)state;
	enable_groups();
	spi_set(0x100, 70);
	vgic_set_line(&g, 70, 0, true);
	/* flushing vCPU 0 again without a sync lists it once */
	assert_int_equal(flush(0, a, 4, NULL), 1);
	assert_int_equal(flush(0, a, 4, NULL), 1);
	assert_int_equal(lr_intid(a[0]), 70);
	assert_int_equal(a[1], 0);
	/* re-routed while listed on vCPU 0: vCPU 1 does not get it */
	acc(DIST + 0x6000 + 8 * 70, 8, true, 1, 0);
	assert_int_equal(flush(1, b, 4, NULL), 0);
	assert_false(vgic_pending_for(&g, 1));
	/* after the sync it follows the new route */
	vgic_sync_lrs(&g, 0, a, 4);
	assert_int_equal(flush(0, a, 4, NULL), 0);
	assert_int_equal(flush(1, b, 4, NULL), 1);
	assert_int_equal(lr_intid(b[0]), 70);
	/* an LR naming an interrupt not listed there is ignored */
	a[0] = lr_with_state(b[0], 0);
	vgic_sync_lrs(&g, 0, a, 1);
	assert_true(spi_get(0x200, 70));
	vgic_sync_lrs(&g, 1, b, 1);
	assert_true(spi_get(0x200, 70));
}

static void test_not_delivered(void **state)
{
	u64 lrs[4];

	(void)state;
	vgic_set_line(&g, 80, 0, true);
	/* disabled interrupt */
	dwr(0x0, 3);
	assert_int_equal(flush(0, lrs, 4, NULL), 0);
	assert_false(vgic_pending_for(&g, 0));
	/* enabled, group 1 disabled */
	spi_set(0x100, 80);
	dwr(0x0, 1);
	assert_int_equal(flush(0, lrs, 4, NULL), 0);
	assert_false(vgic_pending_for(&g, 0));
	/* group 0 enabled, and it is made group 0 */
	dwr(bitoff(0x80, 80), ~bit(80));
	assert_true(vgic_pending_for(&g, 0));
	assert_int_equal(flush(0, lrs, 4, NULL), 1);
	assert_false(lrs[0] & ICH_LR_GROUP);
	vgic_sync_lrs(&g, 0, lrs, 4);
	/* active but disabled: still listed (as active only) so it can be deactivated */
	spi_set(0x300, 80);
	spi_set(0x180, 80);
	assert_int_equal(flush(0, lrs, 4, NULL), 1);
	assert_int_equal(lr_state(lrs[0]), 2);
	assert_false(vgic_pending_for(&g, 0));
}

static void test_active_first(void **state)
{
	u64 lrs[2];
	bool uf;

	(void)state;
	enable_groups();
	for (u32 n = 32; n < 36; n++) {
		spi_set(0x100, n);
		vgic_set_line(&g, n, 0, true);
	}
	acc(DIST + 0x423, 1, true, 0xf0, 0);	/* 35: lowest priority */
	spi_set(0x300, 35);
	assert_int_equal(flush(0, lrs, 2, &uf), 2);
	assert_true(uf);
	assert_int_equal(lr_intid(lrs[0]), 35);
	assert_int_equal(lr_state(lrs[0]), 2);	/* level: active only until its EOI */
	assert_int_equal(lr_intid(lrs[1]), 32);
}

static void test_pending_for(void **state)
{
	(void)state;
	for (unsigned int c = 0; c < NCPU; c++)
		assert_false(vgic_pending_for(&g, c));
	vgic_set_line(&g, VGIC_PPI_VTIMER, 2, true);
	assert_false(vgic_pending_for(&g, 2));		/* disabled, groups off */
	swr(2, 0x100, 1U << VGIC_PPI_VTIMER);
	assert_false(vgic_pending_for(&g, 2));		/* groups off */
	enable_groups();
	assert_true(vgic_pending_for(&g, 2));
	assert_false(vgic_pending_for(&g, 1));
	assert_false(vgic_pending_for(&g, 7));		/* no such vCPU */
	assert_false(vgic_pending_for(&g, 1000));
	vgic_set_line(&g, VGIC_PPI_VTIMER, 2, false);
	assert_false(vgic_pending_for(&g, 2));
	/* active only is not something to take */
	swr(2, 0x300, 1U << VGIC_PPI_VTIMER);
	assert_false(vgic_pending_for(&g, 2));
}

static void test_mmio_while_listed(void **state)
{
	u64 lrs[4];

	(void)state;
	enable_groups();
	dwr(0xc00 + 4 * (90 / 16), 2U << (2 * (90 % 16)));	/* edge */
	spi_set(0x100, 90);
	vgic_set_line(&g, 90, 0, true);
	assert_int_equal(flush(0, lrs, 4, NULL), 1);
	vgic_take_kicks(&g);
	/* vCPU 1 clears the pending state: vCPU 0 must be kicked; the sync keeps the clear */
	assert_int_equal(vgic_mmio(&g, 1, DIST + bitoff(0x280, 90), 4, true, &(u64){ bit(90) }), 0);
	assert_int_equal(vgic_take_kicks(&g), 1);
	assert_false(spi_get(0x200, 90));
	vgic_sync_lrs(&g, 0, lrs, 4);
	assert_false(spi_get(0x200, 90));
	assert_int_equal(flush(0, lrs, 4, NULL), 0);
	/* activated by MMIO while listed as pending: the sync keeps the active state */
	spi_set(0x200, 90);
	assert_int_equal(flush(0, lrs, 4, NULL), 1);
	spi_set(0x300, 90);
	vgic_sync_lrs(&g, 0, lrs, 4);
	assert_true(spi_get(0x300, 90));
	assert_true(spi_get(0x200, 90));
}

static void test_kicks(void **state)
{
	(void)state;
	vgic_take_kicks(&g);
	vgic_set_line(&g, 45, 0, true);
	assert_int_equal(vgic_take_kicks(&g), 0);	/* disabled */
	spi_set(0x100, 45);
	assert_int_equal(vgic_take_kicks(&g), 0);	/* groups disabled */
	enable_groups();
	assert_int_equal(vgic_take_kicks(&g), 1);
	assert_int_equal(vgic_take_kicks(&g), 0);
	acc(DIST + 0x6000 + 8 * 45, 8, true, 3, 0);
	assert_int_equal(vgic_take_kicks(&g), 1 << 3);
	swr(2, 0x100, 1U << VGIC_PPI_VTIMER);
	vgic_set_line(&g, VGIC_PPI_VTIMER, 2, true);
	assert_int_equal(vgic_take_kicks(&g), 1 << 2);
}

static void test_remove_cpu(void **state)
{
	u64 lrs[4];

	(void)state;
	enable_groups();
	dwr(0xc00 + 4 * (95 / 16), 2U << (2 * (95 % 16)));	/* edge */
	spi_set(0x100, 95);
	acc(DIST + 0x6000 + 8 * 95, 8, true, 1ULL << 31, 0);	/* any */
	for (unsigned int c = 0; c < NCPU; c++)
		rwr(c, 0x14, 0);
	vgic_set_line(&g, 95, 0, true);
	assert_int_equal(flush(0, lrs, 4, NULL), 1);
	/* vCPU 0 goes away with it listed: it is pending again, for vCPU 1 */
	vgic_remove_cpu(&g, 0);
	assert_true(vgic_owns(&g, rd_base(0)));
	assert_true(vgic_pending_for(&g, 1));
	assert_int_equal(flush(1, lrs, 4, NULL), 1);
	assert_int_equal(lr_intid(lrs[0]), 95);
	/* vCPU 0's frames are RAZ/WI now; it can come back, reset */
	assert_int_equal(acc(rd_base(0) + 0xffe8, 4, false, 1, 0), 0);
	assert_int_equal(vgic_add_cpu(&g, &cpus[0], 0, 0), 0);
	assert_int_equal(rrd(0, 0x14), 6);
	vgic_remove_cpu(&g, 0);
	vgic_remove_cpu(&g, 0);
	vgic_remove_cpu(&g, 99);
	assert_int_equal(vgic_flush_lrs(&g, 0, lrs, 4, NULL), 0);
	vgic_sync_lrs(&g, 0, lrs, 4);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_regions),
		T(test_redist_region_grows),
		T(test_dist_reset),
		T(test_redist_reset),
		T(test_dist_raz_wi),
		T(test_redist_raz_wi),
		T(test_access_sizes),
		T(test_dist_ctlr),
		T(test_spi_roundtrips),
		T(test_sgi_ppi_roundtrips),
		T(test_priorities),
		T(test_icfgr),
		T(test_irouter_routing),
		T(test_irouter_any),
		T(test_gicr_typer),
		T(test_waker),
		T(test_level_line),
		T(test_edge_line),
		T(test_set_line_errors),
		T(test_pulse),
		T(test_sgi_pairs),
		T(test_sgi_targets),
		T(test_lr_order),
		T(test_lr_underflow),
		T(test_lr_level_eoi),
		T(test_lr_edge_eoi),
		T(test_lr_no_double_delivery),
		T(test_not_delivered),
		T(test_active_first),
		T(test_pending_for),
		T(test_mmio_while_listed),
		T(test_kicks),
		T(test_remove_cpu),
	};

	return cmocka_run_group_tests_name("vgic", tests, NULL, NULL);
}
