// SPDX-License-Identifier: GPL-2.0
/* The C guest library: ucall, exceptions, GICv3, timer and PSCI helpers. */
#include "guest.h"

struct percpu cpus[MAX_CPUS];
void (*irq_hook)(u32 intid);

bool guest_check(bool ok, const char *name, u64 a, u64 b, u64 c, u64 d)
{
	ucall6(UCALL_CHECK, ok, (u64)name, a, b, c, d);
	return ok;
}

void guest_done(void)
{
	for (;;)
		ucall6(UCALL_DONE, 0, 0, 0, 0, 0, 0);
}

void guest_fail(u64 code, u64 a, u64 b, u64 c)
{
	for (;;)
		ucall6(UCALL_FAIL, code, a, b, c, 0, 0);
}

static void handle_irq(void)
{
	struct percpu *p = me();
	u64 iar = read_sysreg(s3_0_c12_c12_0);	/* ICC_IAR1_EL1 */
	u32 intid = (u32)(iar & 0xffffff);

	if (intid >= 1020) {
		p->spurious++;
		return;
	}
	p->tstamp = cntvct();
	p->irq_count[intid & 0xff]++;
	if (p->nlog < 64)
		p->log[p->nlog] = (u16)intid;
	p->nlog++;
	p->depth++;
	if (p->depth > p->max_depth)
		p->max_depth = p->depth;
	if (irq_hook)
		irq_hook(intid);
	irq_disable();
	p->depth--;
	write_sysreg(iar, s3_0_c12_c12_1);	/* ICC_EOIR1_EL1 */
	isb();
}

void guest_exception(struct frame *f, u64 kind)
{
	struct percpu *p = me();

	if (kind == EXC_IRQ) {
		handle_irq();
		return;
	}
	if (kind == EXC_SYNC && p->expect_sync) {
		p->last_esr = read_sysreg(esr_el1);
		p->last_far = read_sysreg(far_el1);
		p->last_elr = f->elr;
		p->nsync++;
		f->elr += 4;	/* skip the instruction */
		return;
	}
	guest_fail(0xe0 + kind, read_sysreg(esr_el1), f->elr, read_sysreg(far_el1));
}

/* ---- GIC ---- */

void gic_dist_init(void)
{
	for (u32 n = 1; n < 8; n++) {
		mmio_w32(GICD_BASE + GICD_IGROUPR + 4 * n, 0xffffffff);
		mmio_w32(GICD_BASE + GICD_ICENABLER + 4 * n, 0xffffffff);
		mmio_w32(GICD_BASE + GICD_ICPENDR + 4 * n, 0xffffffff);
		mmio_w32(GICD_BASE + GICD_ICACTIVER + 4 * n, 0xffffffff);
	}
	mmio_w32(GICD_BASE + GICD_CTLR, 1U << 1);	/* EnableGrp1 (ARE is RAO) */
}

void gic_cpu_init(void)
{
	u64 rd = gicr(cpu_id());

	mmio_w32(rd + GICR_WAKER, 0);
	while (mmio_r32(rd + GICR_WAKER) & 4)
		;
	mmio_w32(rd + GICR_SGI + GICD_IGROUPR, 0xffffffff);
	mmio_w32(rd + GICR_SGI + GICD_ICENABLER, 0xffffffff);
	mmio_w32(rd + GICR_SGI + GICD_ICPENDR, 0xffffffff);
	mmio_w32(rd + GICR_SGI + GICD_ICACTIVER, 0xffffffff);
	write_sysreg(0xff, s3_0_c4_c6_0);		/* ICC_PMR_EL1 */
	write_sysreg(0, s3_0_c12_c12_3);		/* ICC_BPR1_EL1: minimum */
	write_sysreg(1, s3_0_c12_c12_7);		/* ICC_IGRPEN1_EL1 */
	isb();
}

void gic_route(u32 intid, u32 cpu)
{
	mmio_w64(GICD_BASE + GICD_IROUTER + 8 * intid, cpu);	/* Aff0 = cpu */
}

void gic_enable(u32 intid, u8 prio)
{
	if (intid < 32) {
		u64 sgi = gicr(cpu_id()) + GICR_SGI;

		mmio_w8(sgi + GICD_IPRIORITYR + intid, prio);
		mmio_w32(sgi + GICD_ISENABLER, 1U << intid);
	} else {
		mmio_w8(GICD_BASE + GICD_IPRIORITYR + intid, prio);
		gic_route(intid, cpu_id());
		mmio_w32(GICD_BASE + GICD_ISENABLER + 4 * (intid / 32), 1U << (intid % 32));
	}
}

void gic_disable(u32 intid)
{
	if (intid < 32)
		mmio_w32(gicr(cpu_id()) + GICR_SGI + GICD_ICENABLER, 1U << intid);
	else
		mmio_w32(GICD_BASE + GICD_ICENABLER + 4 * (intid / 32), 1U << (intid % 32));
}

void gic_set_edge(u32 intid, bool edge)
{
	u64 reg = intid < 32 ? gicr(cpu_id()) + GICR_SGI + GICD_ICFGR + 4 * (intid / 16)
			     : GICD_BASE + GICD_ICFGR + 4 * (intid / 16);
	u32 bit = 2U << (2 * (intid % 16));
	u32 v = mmio_r32(reg);

	mmio_w32(reg, edge ? v | bit : v & ~bit);
}

void send_sgi(u32 sgi, u32 target)
{
	/* Aff3..1 = 0, RS = 0, target list bit Aff0 */
	write_sysreg(((u64)sgi << 24) | (1U << target), s3_0_c12_c11_5);	/* ICC_SGI1R_EL1 */
	isb();
}

/* ---- timer, PSCI ---- */

u64 ms_ticks(u64 ms)
{
	return cntfrq() / 1000 * ms;
}

void delay_ms(u64 ms)
{
	u64 end = cntvct() + ms_ticks(ms);

	while (cntvct() < end)
		;
}

struct smccc_res hvc(u64 fid, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 asm("x0") = fid;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;

	asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : :
		     "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
		     "x14", "x15", "x16", "x17", "memory");
	return (struct smccc_res){ x0, x1, x2, x3 };
}
