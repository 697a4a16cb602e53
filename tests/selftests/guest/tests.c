// SPDX-License-Identifier: GPL-2.0
/*
 * The C guest's tests.  guest_main(test, a1, a2, a3) on the vCPU(s) the
 * host started; guest_secondary(ctx) on vCPUs started with PSCI CPU_ON.
 * Host actions are requested with GUEST_SYNC(ACT(action, param)); the
 * action numbers are shared with gzvm_selftest.c (guest_abi.h).
 */
#include "guest.h"
#include "../guest_abi.h"

#define PSCI_VERSION		0x84000000UL
#define PSCI_CPU_SUSPEND	0x84000001UL
#define PSCI_CPU_OFF		0x84000002UL
#define PSCI_CPU_ON		0x84000003UL
#define PSCI_CPU_ON64		0xc4000003UL
#define PSCI_AFFINITY_INFO	0x84000004UL
#define PSCI_AFFINITY_INFO64	0xc4000004UL
#define PSCI_MIGRATE		0x84000005UL
#define PSCI_MIGRATE_INFO_TYPE	0x84000006UL
#define PSCI_MIGRATE_INFO_UP	0x84000007UL
#define PSCI_SYSTEM_OFF		0x84000008UL
#define PSCI_SYSTEM_RESET	0x84000009UL
#define PSCI_FEATURES		0x8400000aUL
#define PSCI_SYSTEM_SUSPEND	0x8400000eUL
#define PSCI_SYSTEM_RESET2	0x84000012UL
#define SMCCC_VERSION		0x80000000UL
#define SMCCC_ARCH_FEATURES	0x80000001UL
#define SMCCC_WORKAROUND_1	0x80008000UL
#define SMCCC_WORKAROUND_2	0x80007fffUL
#define SMCCC_WORKAROUND_3	0x80003fffUL
#define VENDOR_HYP_UID		0x8600ff01UL
#define VENDOR_HYP_FEATURES	0x86000000UL

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1)
#define PSCI_INVALID_PARAMS	(-2)
#define PSCI_ALREADY_ON		(-4)
#define PSCI_ON_PENDING		(-5)

static u64 nr_cpus, rounds;
static volatile u64 go;

static u64 ticks_to_us(u64 t) { return t * 1000000 / cntfrq(); }

static void gic_up(void)
{
	gic_cpu_init();
}

/* ======================================================================== */
/* 1. vGIC registers through the guest's own MMIO                           */
/* ======================================================================== */

static void test_regs(void)
{
	u64 d = GICD_BASE, rd = gicr(0), v, v2, dummy;
	struct percpu *p = me();

	v = mmio_r32(d + GICD_TYPER);
	CHECK((v & 0x1f) == 7 && ((v >> 19) & 0x1f) == 9 && !(v & (1U << 17)),
	      "vgic regs: GICD_TYPER ITLinesNumber 7 (256 INTIDs), IDbits 9, no LPIs", v);
	CHECK(mmio_r32(d + GICD_IIDR) == 0x4701143b, "vgic regs: GICD_IIDR 0x4701143B", mmio_r32(d + GICD_IIDR));
	v = mmio_r32(d + GICD_PIDR2);
	CHECK(((v >> 4) & 0xf) == 3, "vgic regs: GICD_PIDR2.ArchRev 3 (GICv3)", v);
	v = mmio_r32(rd + GICR_PIDR2);
	CHECK(((v >> 4) & 0xf) == 3, "vgic regs: GICR_PIDR2.ArchRev 3", v);
	CHECK(mmio_r32(rd + GICR_IIDR) == 0x4701143b, "vgic regs: GICR_IIDR", mmio_r32(rd + GICR_IIDR));
	CHECK((read_sysreg(s3_0_c12_c12_5) & 1) == 1, "vgic regs: ICC_SRE_EL1.SRE reads 1",
	      read_sysreg(s3_0_c12_c12_5));

	for (u32 i = 0; i < nr_cpus; i++) {
		u64 t = mmio_r64(gicr(i) + GICR_TYPER);
		u32 lo = mmio_r32(gicr(i) + GICR_TYPER), hi = mmio_r32(gicr(i) + GICR_TYPER + 4);
		bool last = (t >> 4) & 1;

		CHECK((t >> 32) == i && ((t >> 8) & 0xffff) == i && last == (i == nr_cpus - 1),
		      "vgic regs: GICR_TYPER of each frame: Affinity = MPIDR, Processor_Number, Last on the last vCPU only",
		      i, t);
		CHECK(lo == (u32)t && hi == (u32)(t >> 32), "vgic regs: GICR_TYPER by two 32-bit reads", lo, hi, t);
	}
	/* the region was created with 4 frames: frames without a vCPU are RAZ */
	if (nr_cpus < 4)
		CHECK(mmio_r32(gicr(nr_cpus) + GICR_PIDR2) == 0 && mmio_r64(gicr(nr_cpus) + GICR_TYPER) == 0,
		      "vgic regs: a redistributor frame without a vCPU reads as zero",
		      mmio_r32(gicr(nr_cpus) + GICR_PIDR2));

	/* WAKER handshake */
	v = mmio_r32(rd + GICR_WAKER);
	CHECK(v == 6, "vgic regs: GICR_WAKER resets to ProcessorSleep|ChildrenAsleep", v);
	mmio_w32(rd + GICR_WAKER, 0);
	v = mmio_r32(rd + GICR_WAKER);
	mmio_w32(rd + GICR_WAKER, 2);
	v2 = mmio_r32(rd + GICR_WAKER);
	CHECK(v == 0 && v2 == 6, "vgic regs: WAKER: clearing ProcessorSleep clears ChildrenAsleep, setting sets it",
	      v, v2);

	/* GICD_CTLR */
	mmio_w32(d + GICD_CTLR, 2);
	v = mmio_r32(d + GICD_CTLR);
	CHECK((v & 0x13) == 0x12, "vgic regs: GICD_CTLR EnableGrp1 sticks, ARE reads 1", v);
	mmio_w32(d + GICD_CTLR, 0);
	v = mmio_r32(d + GICD_CTLR);
	CHECK((v & 0x13) == 0x10, "vgic regs: GICD_CTLR ARE is RAO/WI", v);

	/* enable / pending / active round trips (IRQs masked: nothing is taken) */
	mmio_w32(d + GICD_ISENABLER + 4, 0x5);
	v = mmio_r32(d + GICD_ISENABLER + 4);
	mmio_w32(d + GICD_ICENABLER + 4, 0x1);
	v2 = mmio_r32(d + GICD_ICENABLER + 4);
	CHECK(v == 0x5 && v2 == 0x4, "vgic regs: GICD_ISENABLER1/ICENABLER1 round trip", v, v2);
	mmio_w32(d + GICD_ICENABLER + 4, 0xffffffff);
	mmio_w32(d + GICD_ISPENDR + 8, 0x100);
	v = mmio_r32(d + GICD_ISPENDR + 8);
	mmio_w32(d + GICD_ICPENDR + 8, 0x100);
	v2 = mmio_r32(d + GICD_ISPENDR + 8);
	CHECK(v == 0x100 && v2 == 0, "vgic regs: GICD_ISPENDR2/ICPENDR2 round trip (SPI 72)", v, v2);
	mmio_w32(d + GICD_ISACTIVER + 12, 0x80000000);
	v = mmio_r32(d + GICD_ICACTIVER + 12);
	mmio_w32(d + GICD_ICACTIVER + 12, 0x80000000);
	v2 = mmio_r32(d + GICD_ISACTIVER + 12);
	CHECK(v == 0x80000000 && v2 == 0, "vgic regs: GICD_ISACTIVER3/ICACTIVER3 round trip (SPI 127)", v, v2);
	mmio_w32(d + GICD_IGROUPR + 4, 0x0f0f0f0f);
	v = mmio_r32(d + GICD_IGROUPR + 4);
	mmio_w32(d + GICD_IGROUPR + 4, 0xffffffff);
	CHECK(v == 0x0f0f0f0f, "vgic regs: GICD_IGROUPR1 round trip", v);

	/* priorities: 5 bits kept; byte and word access */
	mmio_w32(d + GICD_IPRIORITYR + 32, 0x12345678);
	v = mmio_r32(d + GICD_IPRIORITYR + 32);
	mmio_w8(d + GICD_IPRIORITYR + 37, 0xff);
	v2 = mmio_r8(d + GICD_IPRIORITYR + 37);
	CHECK(v == 0x10305078 && v2 == 0xf8, "vgic regs: GICD_IPRIORITYR keeps bits [7:3], word and byte access",
	      v, v2);
	v = mmio_r32(d + GICD_IPRIORITYR + 36);
	CHECK(v == 0xf800, "vgic regs: a byte write changes only its byte", v);

	/* ICFGR */
	mmio_w32(d + GICD_ICFGR + 8, 0xa);
	v = mmio_r32(d + GICD_ICFGR + 8);
	mmio_w32(d + GICD_ICFGR + 8, 0);
	CHECK(v == 0xa, "vgic regs: GICD_ICFGR2 edge bits round trip", v);
	CHECK(mmio_r32(rd + GICR_SGI + GICR_ICFGR0) == 0xaaaaaaaa, "vgic regs: GICR_ICFGR0 (SGIs) reads edge",
	      mmio_r32(rd + GICR_SGI + GICR_ICFGR0));
	mmio_w32(rd + GICR_SGI + GICR_ICFGR1, 0x80000000);
	v = mmio_r32(rd + GICR_SGI + GICR_ICFGR1);
	mmio_w32(rd + GICR_SGI + GICR_ICFGR1, 0);
	CHECK(v == 0x80000000, "vgic regs: GICR_ICFGR1 (PPIs) configurable", v);

	/* IROUTER: 64-bit and 32-bit halves */
	mmio_w64(d + GICD_IROUTER + 8 * 40, 0x0000000100000203UL);
	v = mmio_r64(d + GICD_IROUTER + 8 * 40);
	mmio_w32(d + GICD_IROUTER + 8 * 40 + 4, 0);
	mmio_w32(d + GICD_IROUTER + 8 * 40, 0x80000000);
	v2 = mmio_r64(d + GICD_IROUTER + 8 * 40);
	CHECK(v == 0x0000000100000203UL && v2 == 0x80000000UL, "vgic regs: GICD_IROUTER40 64-bit and 32-bit accesses",
	      v, v2);
	mmio_w64(d + GICD_IROUTER + 8 * 40, 0);

	/* SGI/PPI registers in the redistributor's SGI frame */
	mmio_w32(rd + GICR_SGI + GICD_ISENABLER, (1U << 5) | (1U << 20));
	v = mmio_r32(rd + GICR_SGI + GICD_ISENABLER);
	mmio_w32(rd + GICR_SGI + GICD_ICENABLER, 0xffffffff);
	v2 = mmio_r32(rd + GICR_SGI + GICD_ISENABLER);
	CHECK(v == ((1U << 5) | (1U << 20)) && v2 == 0, "vgic regs: GICR_ISENABLER0/ICENABLER0 round trip", v, v2);
	mmio_w32(rd + GICR_SGI + GICD_ISPENDR, 1U << 3);
	v = mmio_r32(rd + GICR_SGI + GICD_ISPENDR);
	mmio_w32(rd + GICR_SGI + GICD_ICPENDR, 1U << 3);
	v2 = mmio_r32(rd + GICR_SGI + GICD_ISPENDR);
	CHECK(v == (1U << 3) && v2 == 0, "vgic regs: GICR_ISPENDR0/ICPENDR0 round trip", v, v2);
	mmio_w8(rd + GICR_SGI + GICD_IPRIORITYR + 20, 0x48);
	v = mmio_r8(rd + GICR_SGI + GICD_IPRIORITYR + 20);
	CHECK(v == 0x48, "vgic regs: GICR_IPRIORITYR byte round trip", v);
	v = mmio_r32(d + GICD_IPRIORITYR + 20);
	CHECK(v == 0, "vgic regs: the distributor's SGI/PPI priority words are RAZ", v);
	/* another vCPU's frame from this one */
	if (nr_cpus > 1) {
		mmio_w8(gicr(1) + GICR_SGI + GICD_IPRIORITYR + 21, 0x88);
		v = mmio_r8(gicr(1) + GICR_SGI + GICD_IPRIORITYR + 21);
		v2 = mmio_r8(rd + GICR_SGI + GICD_IPRIORITYR + 21);
		CHECK(v == 0x88 && v2 == 0, "vgic regs: vCPU 1's SGI frame is its own", v, v2);
	}

	/* bad accesses: an abort injected into the guest, not an exit */
	p->expect_sync = true;
	p->nsync = 0;
	asm volatile("ldrh %w0, [%1]" : "=r"(dummy) : "r"(d + GICD_CTLR) : "memory");
	v = RD(p->nsync);
	v2 = RD(p->last_esr);
	asm volatile("ldrb %w0, [%1]" : "=r"(dummy) : "r"(d + GICD_TYPER) : "memory");
	p->expect_sync = false;
	CHECK(v == 1 && (v2 >> 26) == 0x25 && RD(p->nsync) == 2,
	      "vgic regs: 16-bit and unsupported 8-bit accesses -> data abort in the guest", v, v2, p->nsync);
}

/* ======================================================================== */
/* 2. SPIs: IRQ_LINE (level, edge), irqfd                                    */
/* ======================================================================== */

static u64 count(u32 intid) { return RD(me()->irq_count[intid]); }

/* ask the host to act after ~30 ms, wait in WFI for intid; returns ticks waited */
static u64 wait_for(u32 intid, u64 act, const char *name)
{
	u64 before = count(intid), t0 = cntvct(), dt;
	bool ok;

	GUEST_SYNC(act);
	ok = wfi_until(count(intid) > before, 3000);
	dt = me()->tstamp - t0;
	CHECK(ok && count(intid) == before + 1, name, count(intid) - before, ticks_to_us(dt));
	return dt;
}

static void test_spi(void)
{
	u64 dt, v;

	gic_dist_init();
	gic_up();
	gic_enable(32 + 5, 0xa0);		/* level (reset) */
	gic_enable(32 + 6, 0xa0);
	gic_set_edge(32 + 6, true);
	gic_enable(32 + 7, 0xa0);		/* irqfd, level */
	irq_enable();

	dt = wait_for(37, ACT(A_SPI_LATER, 5), "spi: level SPI 37 by IRQ_LINE wakes the vCPU from WFI, taken once");
	CHECK(dt >= ms_ticks(15), "spi: the vCPU stayed in WFI until the line was raised (>= 15 ms)", ticks_to_us(dt));
	delay_ms(30);
	CHECK(count(37) == 1, "spi: a level SPI raised and never lowered is not taken again (no storm)", count(37));
	wait_for(38, ACT(A_SPI_LATER, 6), "spi: edge SPI 38 by IRQ_LINE wakes the vCPU from WFI, taken once");

	/* two edges while masked: one pending interrupt */
	irq_disable();
	GUEST_SYNC(ACT(A_SPI_NOW, 6));
	GUEST_SYNC(ACT(A_SPI_NOW, 6));
	v = mmio_r32(GICD_BASE + GICD_ISPENDR + 4);
	irq_enable();
	delay_ms(10);
	CHECK(v == (1U << 6) && count(38) == 2, "spi: two edges while masked: pending (ISPENDR1) and taken once",
	      v, count(38));

	/* a disabled SPI stays pending and is taken when enabled */
	gic_disable(37);
	GUEST_SYNC(ACT(A_SPI_NOW, 5));
	delay_ms(10);
	v = mmio_r32(GICD_BASE + GICD_ISPENDR + 4);
	CHECK(count(37) == 1 && v == (1U << 5), "spi: a disabled SPI is not taken, but pending", count(37), v);
	gic_enable(37, 0xa0);
	delay_ms(10);
	CHECK(count(37) == 2, "spi: enabling it delivers it", count(37));

	/* raised and lowered while masked: what the guest sees (information) */
	irq_disable();
	GUEST_SYNC(ACT(A_SPI_NOW, 5));
	GUEST_SYNC(ACT(A_SPI_LOWER, 5));
	v = mmio_r32(GICD_BASE + GICD_ISPENDR + 4);
	irq_enable();
	delay_ms(10);
	GUEST_PRINT("spi: level SPI 37 raised then lowered while masked: ISPENDR1 0x%llx, taken %llu time(s) (IRQ_LINE raises latch)",
		    v, count(37) - 2);

	/* irqfd */
	wait_for(39, ACT(A_IRQFD_LATER, 7), "spi: irqfd (eventfd write from another thread) wakes the vCPU from WFI");
	delay_ms(50);
	CHECK(count(39) == 1, "spi: level SPI raised by irqfd and never lowered: taken once (no storm)", count(39));
	for (int i = 0; i < 3; i++)
		wait_for(39, ACT(A_IRQFD_LATER, 7), "spi: irqfd again: one interrupt per write");
	CHECK(me()->spurious == 0, "spi: no spurious INTID 1023", me()->spurious);
}

/* ======================================================================== */
/* 3. PPIs: the virtual timer (spinning, in WFI), a PPI by IRQ_LINE          */
/* ======================================================================== */

static u64 late_min, late_max, late_sum, nlate;

static void timer_hook(u32 intid)
{
	if (intid != INTID_VTIMER)
		return;
	u64 late = read_sysreg(cntvct_el0) - read_sysreg(cntv_cval_el0);

	write_sysreg(0, cntv_ctl_el0);		/* disable: the line goes down */
	isb();
	if (late < late_min)
		late_min = late;
	if (late > late_max)
		late_max = late;
	late_sum += late;
	nlate++;
}

static void timer_round(const char *mode, bool use_wfi, u64 n, u64 ms)
{
	u64 ok = 0;

	late_min = ~0UL;
	late_max = late_sum = nlate = 0;
	for (u64 i = 0; i < n; i++) {
		u64 before = count(INTID_VTIMER);
		bool got;

		write_sysreg(ms_ticks(ms), cntv_tval_el0);
		write_sysreg(1, cntv_ctl_el0);
		isb();
		if (use_wfi)
			got = wfi_until(count(INTID_VTIMER) > before, 2000);
		else
			got = wait_until(count(INTID_VTIMER) > before, 2000);
		ok += got;
	}
	delay_ms(5);
	if (use_wfi)
		CHECK(ok == n && nlate == n, "ppi: virtual timer (PPI 27) fires while the vCPU is in WFI (driver hrtimer)", ok, n);
	else
		CHECK(ok == n && nlate == n, "ppi: virtual timer (PPI 27) fires while the vCPU spins", ok, n);
	if (use_wfi)
		GUEST_PRINT("ppi: timer in WFI: 10 ms deadlines, late by min %llu / avg %llu / max %llu us",
			    ticks_to_us(late_min), nlate ? ticks_to_us(late_sum / nlate) : 0, ticks_to_us(late_max));
	else
		GUEST_PRINT("ppi: timer spinning: 10 ms deadlines, late by min %llu / avg %llu / max %llu us",
			    ticks_to_us(late_min), nlate ? ticks_to_us(late_sum / nlate) : 0, ticks_to_us(late_max));
	(void)mode;
}

static void test_ppi(u64 n)
{
	u64 c;

	gic_dist_init();
	gic_up();
	gic_enable(INTID_VTIMER, 0xa0);
	gic_enable(20, 0xa0);
	irq_hook = timer_hook;
	irq_enable();
	GUEST_PRINT("ppi: CNTFRQ_EL0 %llu Hz", cntfrq());

	timer_round("spinning", false, n, 10);
	timer_round("in WFI", true, n, 10);
	c = count(INTID_VTIMER);
	delay_ms(20);
	CHECK(count(INTID_VTIMER) == c, "ppi: a disabled timer raises nothing more", count(INTID_VTIMER) - c);

	wait_for(20, ACT(A_PPI_LATER, 20), "ppi: PPI 20 by IRQ_LINE (type PPI) wakes the vCPU from WFI, taken once");
	irq_hook = NULL;
}

/*
 * CNTV_CTL.IMASK written by the guest during a run.  Each step is followed
 * by a ucall (an exit), so the hypervisor saves the guest's timer state in
 * between; delay_ms() spans several 4 ms host slices (more exits).
 */
static void test_imask(void)
{
	u64 v, c;

	gic_dist_init();
	gic_up();
	gic_enable(INTID_VTIMER, 0xa0);
	irq_hook = timer_hook;
	irq_enable();

	/* A: IMASK set while the timer's saved state is "disabled, unmasked" */
	write_sysreg(0, cntv_ctl_el0);
	isb();
	GUEST_PRINT("imask: step A: CNTV_CTL 0 saved; now ENABLE|IMASK, deadline in 1 ms");
	c = count(INTID_VTIMER);
	write_sysreg(ms_ticks(1), cntv_tval_el0);
	write_sysreg(3, cntv_ctl_el0);
	isb();
	delay_ms(20);
	v = read_sysreg(cntv_ctl_el0);
	CHECK(count(INTID_VTIMER) == c && v == 7,
	      "imask: the guest sets CNTV_CTL.IMASK during a run: it stays set, ISTATUS 1, no interrupt",
	      count(INTID_VTIMER) - c, v);
	write_sysreg(0, cntv_ctl_el0);
	isb();

	/* B: IMASK cleared while the saved state is "enabled, masked, fired" */
	write_sysreg(ms_ticks(1), cntv_tval_el0);
	write_sysreg(3, cntv_ctl_el0);
	isb();
	delay_ms(2);
	GUEST_PRINT("imask: step B: CNTV_CTL ENABLE|IMASK saved, deadline passed; now clear IMASK");
	c = count(INTID_VTIMER);
	write_sysreg(1, cntv_ctl_el0);
	isb();
	delay_ms(20);
	CHECK(count(INTID_VTIMER) == c + 1, "imask: the guest clears CNTV_CTL.IMASK during a run: the interrupt comes",
	      count(INTID_VTIMER) - c, read_sysreg(cntv_ctl_el0));
	write_sysreg(0, cntv_ctl_el0);
	irq_hook = NULL;
}

/* ======================================================================== */
/* 4. PSCI CPU_ON and SGIs between every pair of vCPUs                       */
/* ======================================================================== */

#define SGI_WAKE	14
#define SGI_NUDGE	15

static u64 sgi_fail, sgi_fail_detail;

static void all_pairs(void)
{
	u32 self = cpu_id();

	for (u64 r = 0; r < rounds; r++)
		for (u32 t = 0; t < nr_cpus; t++) {
			u64 before;

			if (t == self)
				continue;
			before = RD(cpus[t].irq_count[self]);
			send_sgi(self, t);
			if (!wait_until(RD(cpus[t].irq_count[self]) > before, 2000)) {
				WR(sgi_fail, RD(sgi_fail) + 1);
				WR(sgi_fail_detail, (u64)self << 8 | t);
			}
		}
	WR(cpus[self].phase, 1);
}

static void nudge_all(void)
{
	for (u32 t = 1; t < nr_cpus; t++)
		send_sgi(SGI_NUDGE, t);
}

static void sgi_setup_cpu(void)
{
	gic_up();
	for (u32 i = 0; i < 16; i++)
		gic_enable(i, 0xa0);
	irq_enable();
}

void guest_secondary(u64 ctx)
{
	struct percpu *p = me();

	WR(p->ctx, ctx);
	if ((ctx & 0xffff0000) == 0x1d1e0000) {		/* idle test */
		extern void idle_cpu(void);

		idle_cpu();
		guest_done();
	}
	if ((ctx & 0xff00) == 0x0200) {			/* back on after CPU_OFF */
		WR(p->alive, 2);
		guest_done();
	}
	sgi_setup_cpu();
	WR(p->alive, 1);
	wfi_until(RD(go) >= 1, 5000);
	all_pairs();
	wfi_until(RD(go) >= 2, 5000);
	if (cpu_id() == nr_cpus - 1) {
		s64 r = psci(PSCI_CPU_OFF, 0, 0, 0);

		guest_fail(0xc0ff, (u64)r, 0, 0);
	}
	guest_done();
}

static void test_sgi(void)
{
	s64 r, r2;
	u64 all;

	gic_dist_init();
	sgi_setup_cpu();

	r = psci(PSCI_CPU_ON64, 0x80000000UL | 1, (u64)secondary_entry, 0xc0de0101);
	r2 = psci(PSCI_CPU_ON64, 1, (u64)secondary_entry, 0xc0de0101);
	CHECK(r == PSCI_SUCCESS && (r2 == PSCI_ON_PENDING || r2 == PSCI_ALREADY_ON),
	      "sgi: CPU_ON(vCPU 1) succeeds; again at once: ON_PENDING or ALREADY_ON", r, r2);
	for (u32 i = 2; i < nr_cpus; i++) {
		r = psci(PSCI_CPU_ON, i, (u64)secondary_entry, 0xc0de0100 | i);
		CHECK(r == PSCI_SUCCESS, "sgi: CPU_ON (SMC32) of the other vCPUs", i, r);
	}
	/* Aff0 = nr_cpus: one past the last vCPU (at most 8 exist) */
	CHECK(psci(PSCI_CPU_ON64, nr_cpus, (u64)secondary_entry, 0) == PSCI_INVALID_PARAMS &&
	      psci(PSCI_CPU_ON64, 0x100, (u64)secondary_entry, 0) == PSCI_INVALID_PARAMS,
	      "sgi: CPU_ON of an MPIDR without a vCPU (Aff0 = vCPU count, Aff1 1) -> INVALID_PARAMETERS");
	CHECK(psci(PSCI_CPU_ON64, 0, (u64)secondary_entry, 0) == PSCI_ALREADY_ON,
	      "sgi: CPU_ON of itself -> ALREADY_ON");
	all = 0;
	wait_until((all = ({ u64 a = 0; for (u32 i = 1; i < nr_cpus; i++) a += RD(cpus[i].alive) == 1; a; })) == nr_cpus - 1, 5000);
	CHECK(all == nr_cpus - 1, "sgi: every secondary runs at the entry point", all);
	for (u32 i = 1; i < nr_cpus; i++)
		CHECK(RD(cpus[i].ctx) == (0xc0de0100UL | i), "sgi: the secondary got its context id in x0", i, RD(cpus[i].ctx));
	CHECK(psci(PSCI_CPU_ON64, 1, (u64)secondary_entry, 0) == PSCI_ALREADY_ON, "sgi: CPU_ON of a running vCPU -> ALREADY_ON");
	CHECK(psci(PSCI_AFFINITY_INFO64, 1, 0, 0) == 0 && psci(PSCI_AFFINITY_INFO, 0, 0, 0) == 0,
	      "sgi: AFFINITY_INFO of running vCPUs -> ON (0)");
	CHECK(psci(PSCI_AFFINITY_INFO64, 1, 1, 0) == PSCI_INVALID_PARAMS &&
	      psci(PSCI_AFFINITY_INFO64, nr_cpus, 0, 0) == PSCI_INVALID_PARAMS,
	      "sgi: AFFINITY_INFO level 1 or an unknown MPIDR -> INVALID_PARAMETERS");

	/* every pair */
	WR(go, 1);
	nudge_all();
	all_pairs();
	wait_until(({ u64 a = 0; for (u32 i = 0; i < nr_cpus; i++) a += RD(cpus[i].phase) == 1; a; }) == nr_cpus, 5000);
	all = 0;
	for (u32 rcv = 0; rcv < nr_cpus; rcv++)
		for (u32 s = 0; s < nr_cpus; s++)
			if (s != rcv && RD(cpus[rcv].irq_count[s]) == rounds)
				all++;
	CHECK(all == nr_cpus * (nr_cpus - 1) && !RD(sgi_fail),
	      "sgi: SGIs between every pair of vCPUs, each taken once per send", all, RD(sgi_fail),
	      RD(sgi_fail_detail), rounds);

	/* SGIs to vCPUs idle in WFI */
	delay_ms(30);
	for (u32 t = 1; t < nr_cpus; t++) {
		u64 t0 = cntvct(), c = RD(cpus[t].irq_count[SGI_WAKE]);
		bool ok;

		send_sgi(SGI_WAKE, t);
		ok = wait_until(RD(cpus[t].irq_count[SGI_WAKE]) > c, 2000);
		CHECK(ok, "sgi: an SGI wakes a vCPU idle in WFI", t, ticks_to_us(RD(cpus[t].tstamp) - t0));
		if (ok)
			GUEST_PRINT("sgi: SGI to idle vCPU %llu taken after %llu us", t, ticks_to_us(RD(cpus[t].tstamp) - t0));
	}

	/* CPU_OFF (the last vCPU) and back on */
	WR(go, 2);
	nudge_all();
	{
		u32 last = (u32)nr_cpus - 1;
		bool off = wait_until(psci(PSCI_AFFINITY_INFO64, last, 0, 0) == 1, 3000);

		CHECK(off, "sgi: after its CPU_OFF, AFFINITY_INFO of the vCPU -> OFF (1)", psci(PSCI_AFFINITY_INFO64, last, 0, 0));
		r = psci(PSCI_CPU_ON64, last, (u64)secondary_entry, 0xc0de0200 | last);
		CHECK(r == PSCI_SUCCESS, "sgi: CPU_ON after CPU_OFF succeeds", r);
		CHECK(wait_until(RD(cpus[last].alive) == 2, 3000) && RD(cpus[last].ctx) == (0xc0de0200UL | last),
		      "sgi: the vCPU runs again from the new entry point with the new context id",
		      RD(cpus[last].alive), RD(cpus[last].ctx));
	}
	CHECK(me()->spurious == 0, "sgi: no spurious INTID 1023 on vCPU 0", me()->spurious);
}

/* ======================================================================== */
/* 5. More pending interrupts than list registers; PMR; preemption           */
/* ======================================================================== */

static u8 prio_of(u32 k, u32 n) { return (u8)(((k * 7) % n) * 8); }

static u64 preempt_step;

static void preempt_hook(u32 intid)
{
	if (intid != 61 || RD(preempt_step))
		return;
	WR(preempt_step, 1);
	send_sgi(1, cpu_id());				/* higher priority: preempts */
	mmio_w32(GICD_BASE + GICD_ISPENDR + 4, 1U << 30);	/* SPI 62, lower: waits */
	irq_enable();
	delay_ms(5);
	irq_disable();
}

static void test_many(u64 n)
{
	struct percpu *p = me();
	u64 v, order_ok = 1, once = 1;

	gic_dist_init();
	gic_up();
	for (u32 k = 0; k < n; k++)
		gic_enable(32 + k, prio_of(k, (u32)n));
	GUEST_SYNC(ACT(A_SPI_MANY, n));
	v = mmio_r32(GICD_BASE + GICD_ISPENDR + 4);
	CHECK(v == (u32)((1UL << n) - 1), "many: every raised SPI is pending while the vCPU masks IRQs", v, n);
	p->nlog = 0;
	irq_enable();
	wait_until(RD(p->nlog) >= n, 1000);
	delay_ms(10);
	irq_disable();
	for (u32 i = 0; i < n && i < 64; i++) {
		if (i && prio_of(p->log[i] - 32, (u32)n) <= prio_of(p->log[i - 1] - 32, (u32)n))
			order_ok = 0;
		if (p->irq_count[32 + i] != 1)
			once = 0;
	}
	CHECK(p->nlog == n && once, "many: more pending SPIs than list registers: all delivered, once each", p->nlog, n);
	CHECK(order_ok, "many: ... in priority order", p->log[0], p->log[1], p->log[2], p->log[3]);

	/* priority mask */
	gic_enable(60, 0xa0);
	gic_enable(59, 0x60);
	write_sysreg(0x80, s3_0_c4_c6_0);		/* ICC_PMR_EL1 */
	isb();
	mmio_w32(GICD_BASE + GICD_ISPENDR + 4, (1U << 28) | (1U << 27));
	irq_enable();
	delay_ms(10);
	CHECK(p->irq_count[59] == 1 && p->irq_count[60] == 0,
	      "many: PMR 0x80 lets priority 0x60 through and holds 0xa0 back", p->irq_count[59], p->irq_count[60]);
	write_sysreg(0xff, s3_0_c4_c6_0);
	isb();
	delay_ms(10);
	CHECK(p->irq_count[60] == 1, "many: PMR 0xff: the held-back interrupt is taken", p->irq_count[60]);
	irq_disable();

	/* preemption: SGI 1 (0x40) inside the handler of SPI 61 (0xc0); SPI 62 (0xe0) waits */
	gic_enable(61, 0xc0);
	gic_enable(62, 0xe0);
	gic_enable(1, 0x40);
	irq_hook = preempt_hook;
	p->nlog = 0;
	p->max_depth = 0;
	mmio_w32(GICD_BASE + GICD_ISPENDR + 4, 1U << 29);
	irq_enable();
	wait_until(RD(p->nlog) >= 3, 1000);
	delay_ms(5);
	irq_disable();
	irq_hook = NULL;
	CHECK(p->nlog == 3 && p->log[0] == 61 && p->log[1] == 1 && p->log[2] == 62 && p->max_depth == 2,
	      "many: a higher-priority SGI preempts a handler, a lower-priority SPI waits for its EOI",
	      p->nlog, (u64)p->log[0] << 32 | (u64)p->log[1] << 16 | p->log[2], p->max_depth);
}

/* ======================================================================== */
/* 6. PSCI, SMCCC, system registers                                          */
/* ======================================================================== */

static void test_calls(void)
{
	static const u64 implemented[] = {
		PSCI_VERSION, PSCI_CPU_SUSPEND, 0xc4000001UL, PSCI_CPU_OFF, PSCI_CPU_ON, PSCI_CPU_ON64,
		PSCI_AFFINITY_INFO, PSCI_AFFINITY_INFO64, PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF,
		PSCI_SYSTEM_RESET, PSCI_FEATURES, PSCI_SYSTEM_RESET2, 0xc4000012UL, SMCCC_VERSION,
	};
	static const u64 absent[] = {
		PSCI_MIGRATE, 0xc4000005UL, PSCI_MIGRATE_INFO_UP, 0xc4000007UL, PSCI_SYSTEM_SUSPEND,
		0xc400000eUL, 0x8400000bUL /* CPU_FREEZE */, 0x84000010UL /* NODE_HW_STATE */,
		0x84000013UL /* MEM_PROTECT */, 0xdeadbeefUL, SMCCC_ARCH_FEATURES,
	};
	struct percpu *p = me();
	struct smccc_res res;
	u64 bad = 0, badfid = 0, v;
	s64 r, w1, w2, w3;

	for (u32 i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++)
		if (psci(PSCI_FEATURES, implemented[i], 0, 0) != 0) {
			bad++;
			badfid = implemented[i];
		}
	CHECK(!bad, "calls: PSCI_FEATURES of every implemented function -> 0", bad, badfid);
	bad = 0;
	for (u32 i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (psci(PSCI_FEATURES, absent[i], 0, 0) != PSCI_NOT_SUPPORTED) {
			bad++;
			badfid = absent[i];
		}
	CHECK(!bad, "calls: PSCI_FEATURES of MIGRATE, MIGRATE_INFO_UP_CPU, SYSTEM_SUSPEND, ... unknown -> NOT_SUPPORTED",
	      bad, badfid);
	CHECK(psci(PSCI_VERSION, 0, 0, 0) == 0x10001, "calls: PSCI_VERSION 1.1");
	CHECK(psci(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0) == 2, "calls: MIGRATE_INFO_TYPE = 2 (no Trusted OS)",
	      psci(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0));
	r = psci(PSCI_MIGRATE, 0, 0, 0);
	CHECK(r == PSCI_NOT_SUPPORTED, "calls: MIGRATE -> NOT_SUPPORTED", r);
	r = psci(PSCI_AFFINITY_INFO, 0xffffffff00000000UL, 0, 0);
	CHECK(r == 0, "calls: AFFINITY_INFO (SMC32) ignores the upper half of its arguments", r);
	r = psci(PSCI_AFFINITY_INFO64, 0, 2, 0);
	CHECK(r == PSCI_INVALID_PARAMS, "calls: AFFINITY_INFO level 2 -> INVALID_PARAMETERS", r);
	r = psci(PSCI_CPU_ON64, 0xff, 0x80000000, 0);
	CHECK(r == PSCI_INVALID_PARAMS, "calls: CPU_ON of MPIDR 0xff -> INVALID_PARAMETERS", r);

	CHECK(psci(SMCCC_VERSION, 0, 0, 0) == 0x10001, "calls: SMCCC_VERSION 1.1");
	CHECK(psci(SMCCC_ARCH_FEATURES, SMCCC_VERSION, 0, 0) == 0 &&
	      psci(SMCCC_ARCH_FEATURES, SMCCC_ARCH_FEATURES, 0, 0) == 0,
	      "calls: SMCCC_ARCH_FEATURES(VERSION / ARCH_FEATURES) -> 0");
	w1 = psci(SMCCC_ARCH_FEATURES, SMCCC_WORKAROUND_1, 0, 0);
	w2 = psci(SMCCC_ARCH_FEATURES, SMCCC_WORKAROUND_2, 0, 0);
	w3 = psci(SMCCC_ARCH_FEATURES, SMCCC_WORKAROUND_3, 0, 0);
	CHECK((w1 == 1 || w1 == -1) && (w3 == 1 || w3 == -1) && (w2 == -1 || w2 == 1 || w2 == 0),
	      "calls: ARCH_FEATURES of ARCH_WORKAROUND_1/2/3 -> 1 (not needed) or NOT_SUPPORTED", w1, w2, w3);
	GUEST_PRINT("calls: ARCH_WORKAROUND_1 %lld, _2 %lld, _3 %lld", w1, w2, w3);
	r = psci(SMCCC_ARCH_FEATURES, 0x80001234UL, 0, 0);
	CHECK(r == -1, "calls: ARCH_FEATURES of an unknown function -> NOT_SUPPORTED", r);
	res = hvc(VENDOR_HYP_UID, 0, 0, 0);
	CHECK(res.a0 == 0xb66fb428 && res.a1 == 0xe911c52e && res.a2 == 0x564bcaa9 && res.a3 == 0x743a004d,
	      "calls: vendor-hypervisor UID is KVM's", res.a0, res.a1, res.a2, res.a3);
	r = psci(VENDOR_HYP_FEATURES, 0, 0, 0);
	CHECK(r == 3, "calls: vendor-hypervisor feature bitmap = 3 (features, PTP)", r);
	r = psci(0xc600abcdUL, 0, 0, 0);
	CHECK(r == -1, "calls: an unknown vendor-hypervisor call -> NOT_SUPPORTED", r);

	/* CPU_SUSPEND: a WFI that returns 0; the timer wakes it */
	gic_dist_init();
	gic_up();
	gic_enable(INTID_VTIMER, 0xa0);
	irq_hook = timer_hook;		/* disables the timer */
	write_sysreg(ms_ticks(20), cntv_tval_el0);
	write_sysreg(1, cntv_ctl_el0);
	isb();
	v = cntvct();
	r = psci(PSCI_CPU_SUSPEND, 0, 0, 0);
	v = cntvct() - v;
	irq_enable();
	delay_ms(2);
	irq_disable();
	irq_hook = NULL;
	write_sysreg(0, cntv_ctl_el0);
	CHECK(r == 0 && v >= ms_ticks(15) && p->irq_count[INTID_VTIMER] == 1,
	      "calls: CPU_SUSPEND sleeps until the timer interrupt, returns SUCCESS", r, ticks_to_us(v),
	      p->irq_count[INTID_VTIMER]);

	/* ID registers (trapped, sanitised) */
	v = read_sysreg(id_aa64pfr0_el1);
	CHECK(((v >> 32) & 0xf) == 0, "calls: ID_AA64PFR0_EL1.SVE = 0", v);
	v = read_sysreg(id_aa64dfr0_el1);
	CHECK(((v >> 8) & 0xf) == 0, "calls: ID_AA64DFR0_EL1.PMUVer = 0", v);
	v = read_sysreg(s3_0_c0_c4_1);	/* ID_AA64PFR1_EL1 */
	CHECK(((v >> 24) & 0xf) == 0 && ((v >> 8) & 0xf) == 0, "calls: ID_AA64PFR1_EL1.SME = 0, MTE = 0", v);
	/* a debug register: reads as zero, writes ignored */
	write_sysreg(0x1234, dbgbvr0_el1);
	isb();
	v = read_sysreg(dbgbvr0_el1);
	CHECK(v == 0, "calls: DBGBVR0_EL1 reads 0 after a write", v);

	/* PMU registers: UNDEFINED (EC 0) in the guest */
	p->expect_sync = true;
	p->nsync = 0;
	asm volatile("1: mrs %0, pmcr_el0\n adr %1, 1b" : "=r"(v), "=r"(w1) : : "memory");
	CHECK(RD(p->nsync) == 1 && (RD(p->last_esr) >> 26) == 0 && RD(p->last_elr) == (u64)w1,
	      "calls: PMCR_EL0 read -> UNDEFINED (EC 0) at the instruction", RD(p->nsync), RD(p->last_esr),
	      RD(p->last_elr), (u64)w1);
	asm volatile("msr pmcr_el0, %0" : : "r"(0UL) : "memory");
	asm volatile("mrs %0, pmccntr_el0" : "=r"(v) : : "memory");
	CHECK(RD(p->nsync) == 3 && (RD(p->last_esr) >> 26) == 0, "calls: PMCR_EL0 write, PMCCNTR_EL0 read -> UNDEFINED",
	      RD(p->nsync), RD(p->last_esr));

	/* MMIO the VMM answers with ext_abort: a synchronous external abort at the access */
	p->nsync = 0;
	v = 0x5a5a;
	asm volatile("1: ldr %0, [%2]\n adr %1, 1b" : "+r"(v), "=r"(w1) : "r"(ABORT_MMIO_GPA + 8) : "memory");
	CHECK(RD(p->nsync) == 1 && (RD(p->last_esr) >> 26) == 0x25 && (RD(p->last_esr) & 0x3f) == 0x10 &&
	      RD(p->last_far) == ABORT_MMIO_GPA + 8 && RD(p->last_elr) == (u64)w1 && v == 0x5a5a,
	      "calls: MMIO load the VMM aborts -> data abort (EC 0x25, SEA) at the load, FAR = address, Xt kept",
	      RD(p->nsync), RD(p->last_esr), RD(p->last_far), v);
	asm volatile("1: str %2, [%3]\n adr %0, 1b\n mov %1, #0" : "=r"(w1), "=r"(v) : "r"(7UL),
		     "r"(ABORT_MMIO_GPA + 0x10) : "memory");
	CHECK(RD(p->nsync) == 2 && (RD(p->last_esr) >> 26) == 0x25 && (RD(p->last_esr) & 0x3f) == 0x10 &&
	      RD(p->last_far) == ABORT_MMIO_GPA + 0x10 && RD(p->last_elr) == (u64)w1,
	      "calls: MMIO store the VMM aborts -> data abort (EC 0x25, SEA) at the store",
	      RD(p->nsync), RD(p->last_esr), RD(p->last_far), RD(p->last_elr));
	p->expect_sync = false;
}

/* ======================================================================== */
/* 7. Idle cost: every vCPU in WFI, a 1 s timer                              */
/* ======================================================================== */

static u64 idle_secs;

static void idle_hook(u32 intid)
{
	if (intid == INTID_VTIMER) {
		if (count(INTID_VTIMER) < idle_secs + 2)
			write_sysreg(cntfrq(), cntv_tval_el0);
		else
			write_sysreg(0, cntv_ctl_el0);
		isb();
	}
}

void idle_cpu(void)
{
	gic_up();
	gic_enable(INTID_VTIMER, 0xa0);
	gic_enable(SGI_NUDGE, 0xa0);
	irq_hook = idle_hook;
	WR(me()->alive, 1);
	wfi_until(RD(go) >= 1, 5000);
	write_sysreg(cntfrq(), cntv_tval_el0);
	write_sysreg(1, cntv_ctl_el0);
	isb();
	irq_enable();
	wfi_until(RD(go) >= 2, (idle_secs + 5) * 1000);
	irq_disable();
	write_sysreg(0, cntv_ctl_el0);
	WR(me()->phase, count(INTID_VTIMER));
}

static void test_idle(void)
{
	u64 n;

	gic_dist_init();
	gic_up();
	gic_enable(SGI_NUDGE, 0xa0);
	for (u32 i = 1; i < nr_cpus; i++)
		psci(PSCI_CPU_ON64, i, (u64)secondary_entry, 0x1d1e0000 | i);
	n = 0;
	wait_until((n = ({ u64 a = 0; for (u32 i = 1; i < nr_cpus; i++) a += RD(cpus[i].alive); a; })) == nr_cpus - 1, 5000);
	CHECK(n == nr_cpus - 1, "idle: every vCPU up", n);
	GUEST_SYNC(ACT(A_IDLE_START, 0));
	WR(go, 1);
	nudge_all();
	gic_enable(INTID_VTIMER, 0xa0);
	irq_hook = idle_hook;
	write_sysreg(cntfrq(), cntv_tval_el0);
	write_sysreg(1, cntv_ctl_el0);
	isb();
	irq_enable();
	wfi_until(count(INTID_VTIMER) >= idle_secs, (idle_secs + 5) * 1000);
	irq_disable();
	GUEST_SYNC(ACT(A_IDLE_END, 0));
	write_sysreg(0, cntv_ctl_el0);
	WR(go, 2);
	nudge_all();
	n = 0;
	wait_until((n = ({ u64 a = 0; for (u32 i = 1; i < nr_cpus; i++) a += RD(cpus[i].phase) != 0; a; })) == nr_cpus - 1, 5000);
	for (u32 i = 1; i < nr_cpus; i++)
		CHECK(RD(cpus[i].phase) + 1 >= idle_secs && RD(cpus[i].phase) <= idle_secs + 2,
		      "idle: each vCPU took its 1 s timer interrupts", i, RD(cpus[i].phase), idle_secs);
	CHECK(count(INTID_VTIMER) == idle_secs, "idle: vCPU 0 took its 1 s timer interrupts", count(INTID_VTIMER));
}

/* ======================================================================== */

void guest_main(u64 test, u64 a1, u64 a2, u64 a3)
{
	(void)a3;
	nr_cpus = a1 ? a1 : 1;
	switch (test) {
	case GT_REGS:
		test_regs();
		break;
	case GT_SPI:
		test_spi();
		break;
	case GT_PPI:
		test_ppi(a2);
		break;
	case GT_SGI:
		rounds = a2;
		test_sgi();
		break;
	case GT_MANY:
		test_many(a2);
		break;
	case GT_CALLS:
		test_calls();
		break;
	case GT_IMASK:
		test_imask();
		break;
	case GT_IDLE:
		idle_secs = a2;
		test_idle();
		break;
	default:
		guest_fail(0xbad, test, 0, 0);
	}
	guest_done();
}
