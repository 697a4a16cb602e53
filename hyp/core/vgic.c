// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vGICv3 model (Arm IHI 0069): distributor and redistributor registers,
 * interrupt lines, SGIs from ICC_SGI1R_EL1 and the list registers.  Pure
 * logic, host-testable; the choices where the architecture leaves room are
 * listed in hyp/include/hyp/vgic.h.
 *
 * Interrupt state: a vgic_irq is pending when its latch is set (an edge, or
 * a write to ISPENDR), or, if it is level-sensitive, while its line is
 * high.  While an interrupt is listed in a vCPU's LRs the guest's view of
 * pending/active lives there; lr_state remembers what the flush gave, and
 * vgic_sync_lrs() merges what the guest did with what happened meanwhile.
 */
#include <hyp/compiler.h>
#include <hyp/string.h>
#include <hyp/vgic.h>

#define LR_P	1U
#define LR_A	2U

/* Distributor offsets. */
#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IIDR		0x0008
#define GICD_TYPER2		0x000c
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICPENDR		0x0280
#define GICD_ISACTIVER		0x0300
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ITARGETSR		0x0800
#define GICD_ICFGR		0x0c00
#define GICD_IGRPMODR		0x0d00
#define GICD_CPENDSGIR		0x0f10
#define GICD_SPENDSGIR		0x0f20
#define GICD_IROUTER		0x6000
#define GICD_IDREGS		0xffd0

/* Redistributor offsets (RD_base, SGI_base = RD_base + 0x10000). */
#define GICR_CTLR		0x0000
#define GICR_IIDR		0x0004
#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
#define GICR_SGI_BASE		0x10000
#define GICR_ICFGR0		0x0c00
#define GICR_ICFGR1		0x0c04

#define VGIC_IIDR		0x4701143bU	/* ProductID 'G', Revision 1, Arm JEP106 */

#define GICD_TYPER_VALUE	((VGIC_NR_IRQS / 32 - 1) |	/* ITLinesNumber */	\
				 (9U << 19) |		/* IDbits: 10 bits */		\
				 (1U << 24))		/* A3V */

#define GICR_TYPER_DPGS		(1ULL << 5)
#define GICR_TYPER_LAST		(1ULL << 4)

#define IROUTER_IRM		(1ULL << 31)
#define IROUTER_MASK		(0xff00ffffffULL | IROUTER_IRM)
#define MPIDR_AFF_BITS		0xff00ffffffULL

/* The CoreSight-style ID registers at 0xFFD0..0xFFFC (PIDR4..7, PIDR0..3, CIDR0..3). */
static const u8 idregs[12] = {
	0x44, 0, 0, 0,		/* PIDR4: 64 KiB, JEP106 continuation 4; PIDR5..7 */
	0x47, 0xb0, 0x3b, 0,	/* PIDR0/1: part 0x047, JEP106 0x3B; PIDR2: ArchRev 3; PIDR3 */
	0x0d, 0xf0, 0x05, 0xb1,	/* CIDR0..3 */
};

/* ---- interrupt state --------------------------------------------------- */

static void irq_reset(struct vgic_irq *irq, bool edge)
{
	*irq = (struct vgic_irq){ .group = 1, .edge = edge, .lr_cpu = -1, .active_cpu = -1 };
}

static bool irq_pending(const struct vgic_irq *irq)
{
	return irq->latch || (!irq->edge && irq->line);
}

/* Pending as the guest sees it, including what sits in an LR. */
static bool irq_pending_view(const struct vgic_irq *irq)
{
	return irq_pending(irq) ||
	       (irq->lr_cpu >= 0 && (irq->lr_state & LR_P) && !irq->touched_pend);
}

static bool group_enabled(const struct vgic *g, const struct vgic_irq *irq)
{
	return g->ctlr & (irq->group ? GICD_CTLR_ENABLE_G1 : GICD_CTLR_ENABLE_G0);
}

static bool irq_deliverable(const struct vgic *g, const struct vgic_irq *irq)
{
	return irq_pending(irq) && irq->enabled && group_enabled(g, irq);
}

static struct vgic_cpu *cpu_of(const struct vgic *g, unsigned int idx)
{
	return idx < VGIC_MAX_VCPUS ? g->cpus[idx] : NULL;
}

/* The interrupt intid as seen by vCPU cpu (private ones need that vCPU). */
static struct vgic_irq *irq_of(struct vgic *g, unsigned int cpu, u32 intid)
{
	struct vgic_cpu *c;

	if (intid >= VGIC_NR_IRQS)
		return NULL;
	if (intid >= VGIC_NR_PRIVATE)
		return &g->spi[intid - VGIC_NR_PRIVATE];
	c = cpu_of(g, cpu);
	return c ? &c->priv[intid] : NULL;
}

/*
 * The busy bits (struct vgic_cpu.busy for SGIs and PPIs, struct
 * vgic.spi_busy for SPIs) spare the scans before every guest entry
 * (vgic_flush_lrs, pending_for_locked) a walk over all 256 INTIDs.
 * Invariant: an interrupt whose bit is clear is idle.  Whatever may make
 * one non-idle (latch, line or active set) sets its bit with mark_busy();
 * the scans meet busy interrupts through next_busy(), which clears the bits
 * of those found idle again.  A bit set too often costs a test, never a lost
 * interrupt.
 */
#define BUSY_WORDS	(1 + VGIC_NR_SPIS / 32)	/* word 0: private INTIDs 0..31 */

struct busy_iter {
	unsigned int word;	/* INTIDs word * 32 .. word * 32 + 31 */
	u32 left;		/* bits of that word not yet visited */
};

static bool irq_idle(const struct vgic_irq *irq)
{
	return !irq->latch && !irq->line && !irq->active && irq->lr_cpu < 0;
}

static void mark_busy(struct vgic *g, unsigned int cpu, u32 intid)
{
	struct vgic_cpu *c = cpu_of(g, cpu);

	if (intid >= VGIC_NR_PRIVATE)
		g->spi_busy[(intid - VGIC_NR_PRIVATE) / 32] |= 1U << (intid % 32);
	else if (c)
		c->busy |= 1U << intid;
}

static u32 *busy_word(struct vgic *g, struct vgic_cpu *c, unsigned int word)
{
	return word ? &g->spi_busy[word - 1] : &c->busy;
}

static struct busy_iter busy_first(const struct vgic_cpu *c)
{
	return (struct busy_iter){ .word = 0, .left = c->busy };
}

/* The next INTID in vCPU c's view that is not idle; false when none is left. */
static bool next_busy(struct vgic *g, struct vgic_cpu *c, struct busy_iter *it, u32 *intid)
{
	for (;;) {
		unsigned int bit;
		u32 id;

		while (!it->left) {
			if (++it->word >= BUSY_WORDS)
				return false;
			it->left = *busy_word(g, c, it->word);
		}
		bit = (unsigned int)__builtin_ctz(it->left);
		it->left &= it->left - 1;
		id = it->word * 32 + bit;
		if (!irq_idle(irq_of(g, c->idx, id))) {
			*intid = id;
			return true;
		}
		*busy_word(g, c, it->word) &= ~(1U << bit);
	}
}

static u64 aff_of_irouter(u64 r)
{
	return r & MPIDR_AFF_BITS;
}

/*
 * Where an SPI goes: the vCPU whose LRs hold it, else the one it is active
 * on, else by IROUTER; -1 if nowhere.
 */
static int spi_target(const struct vgic *g, unsigned int spi)
{
	const struct vgic_irq *irq = &g->spi[spi];
	u64 r = g->irouter[spi];

	if (irq->lr_cpu >= 0)
		return irq->lr_cpu;
	if (irq->active && irq->active_cpu >= 0 && g->cpus[irq->active_cpu])
		return irq->active_cpu;
	for (unsigned int i = 0; i < VGIC_MAX_VCPUS; i++) {
		const struct vgic_cpu *c = g->cpus[i];

		if (!c)
			continue;
		if (r & IROUTER_IRM) {
			u32 dpg = irq->group ? GICR_CTLR_DPG1NS : GICR_CTLR_DPG0;

			if (!(c->waker & GICR_WAKER_PS) && !(c->ctlr & dpg))
				return (int)i;
		} else if (c->mpidr == aff_of_irouter(r)) {
			return (int)i;
		}
	}
	return -1;
}

/* The vCPU an interrupt concerns: its owner for private ones. */
static int irq_target(const struct vgic *g, unsigned int cpu, u32 intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return cpu_of(g, cpu) ? (int)cpu : -1;
	return spi_target(g, intid - VGIC_NR_PRIVATE);
}

static void kick(struct vgic *g, int cpu)
{
	if (cpu >= 0 && cpu < VGIC_MAX_VCPUS)
		g->kicks |= 1U << cpu;
}

/* After a change to intid: kick whoever may now have to act on it. */
static void notify(struct vgic *g, unsigned int cpu, u32 intid)
{
	struct vgic_irq *irq = irq_of(g, cpu, intid);

	if (!irq)
		return;
	if (irq->lr_cpu >= 0)
		kick(g, irq->lr_cpu);
	else if (irq_deliverable(g, irq))
		kick(g, irq_target(g, cpu, intid));
}

/* ---- MMIO helpers ------------------------------------------------------ */

enum bitreg { R_GROUP, R_SENABLE, R_CENABLE, R_SPEND, R_CPEND, R_SACTIVE, R_CACTIVE };

static u32 bitreg_read_one(const struct vgic_irq *irq, enum bitreg r)
{
	switch (r) {
	case R_GROUP:
		return irq->group;
	case R_SENABLE:
	case R_CENABLE:
		return irq->enabled;
	case R_SPEND:
	case R_CPEND:
		return irq_pending_view(irq);
	default:
		return irq->active;
	}
}

static void bitreg_write_one(struct vgic *g, struct vgic_irq *irq, unsigned int from,
			     enum bitreg r, int target)
{
	bool listed = irq->lr_cpu >= 0;

	switch (r) {
	case R_GROUP:
		irq->group = 1;
		break;
	case R_SENABLE:
		irq->enabled = 1;
		break;
	case R_CENABLE:
		irq->enabled = 0;
		break;
	case R_SPEND:
		irq->latch = 1;
		irq->touched_pend = listed;
		break;
	case R_CPEND:
		/* a level interrupt whose line is high stays pending */
		irq->latch = 0;
		irq->touched_pend = listed;
		break;
	case R_SACTIVE:
		if (!irq->active) {
			if (target < 0 && from < VGIC_MAX_VCPUS && g->cpus[from])
				target = (int)from;
			irq->active_cpu = (s8)target;
		}
		irq->active = 1;
		irq->touched_act = listed;
		break;
	case R_CACTIVE:
		irq->active = 0;
		irq->active_cpu = -1;
		irq->touched_act = listed;
		break;
	}
}

/* A 1-bit-per-INTID register covering INTIDs base..base+31 (32-bit access). */
static void bitreg_access(struct vgic *g, unsigned int from, unsigned int cpu, u32 base,
			  enum bitreg r, bool write, u64 *val)
{
	u32 v = 0;

	for (unsigned int i = 0; i < 32; i++) {
		u32 intid = base + i;
		struct vgic_irq *irq = irq_of(g, cpu, intid);

		if (!irq)
			continue;
		if (!write) {
			v |= bitreg_read_one(irq, r) << i;
		} else if (r == R_GROUP) {
			irq->group = (*val >> i) & 1;
			notify(g, cpu, intid);
		} else if ((*val >> i) & 1) {
			bitreg_write_one(g, irq, from, r, irq_target(g, cpu, intid));
			if (r == R_SPEND || r == R_SACTIVE)
				mark_busy(g, cpu, intid);
			notify(g, cpu, intid);
		}
	}
	if (!write)
		*val = v;
}

/* Priority bytes of INTIDs base..base+size-1. */
static void prio_access(struct vgic *g, unsigned int cpu, u32 base, unsigned int size,
			bool write, u64 *val)
{
	u64 v = 0;

	for (unsigned int i = 0; i < size; i++) {
		struct vgic_irq *irq = irq_of(g, cpu, base + i);

		if (!irq)
			continue;
		if (write) {
			irq->priority = (u8)(*val >> (8 * i)) & VGIC_PRIO_MASK;
			notify(g, cpu, base + i);
		} else {
			v |= (u64)irq->priority << (8 * i);
		}
	}
	if (!write)
		*val = v;
}

/* ICFGR: 2 bits per INTID (bit 2k+1 = edge), INTIDs base..base+15. */
static void cfg_access(struct vgic *g, unsigned int cpu, u32 base, bool write, u64 *val)
{
	u32 v = 0;

	for (unsigned int i = 0; i < 16; i++) {
		struct vgic_irq *irq = irq_of(g, cpu, base + i);

		if (!irq)
			continue;
		if (write) {
			irq->edge = (*val >> (2 * i + 1)) & 1;
			notify(g, cpu, base + i);
		} else {
			v |= (u32)irq->edge << (2 * i + 1);
		}
	}
	if (!write)
		*val = v;
}

static void kick_all_deliverable(struct vgic *g);
static void unlist(struct vgic_irq *irq, unsigned int state);

/* ---- distributor ------------------------------------------------------- */

static int dist_access(struct vgic *g, unsigned int from, u64 off, unsigned int size,
		       bool write, u64 *val)
{
	/* byte-accessible: IPRIORITYR, ITARGETSR, C/SPENDSGIR */
	bool bytes = (off >= GICD_IPRIORITYR && off < GICD_ICFGR) ||
		     (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 0x10);
	bool dword = off >= GICD_IROUTER && off < GICD_IROUTER + 8 * 1024;

	if (size == 2 || (size == 1 && !bytes) || (size == 8 && !dword))
		return -1;

	if (off >= GICD_IROUTER && off < GICD_IROUTER + 8 * 1024) {
		u32 n = (u32)((off - GICD_IROUTER) / 8);
		unsigned int shift = (off & 4) ? 32 : 0;
		u64 mask = size == 8 ? ~0ULL : 0xffffffffULL << shift;
		unsigned int spi = n - VGIC_NR_PRIVATE;

		if (n < VGIC_NR_PRIVATE || n >= VGIC_NR_IRQS) {
			if (!write)
				*val = 0;
			return 0;
		}
		if (write) {
			u64 nv = (*val << shift) & mask;

			g->irouter[spi] = ((g->irouter[spi] & ~mask) | nv) & IROUTER_MASK;
			notify(g, from, n);
		} else {
			*val = (g->irouter[spi] & mask) >> shift;
		}
		return 0;
	}

	if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) {
		u32 base = (u32)(off - GICD_IPRIORITYR);

		if (base < VGIC_NR_PRIVATE) {	/* the redistributors have them */
			if (!write)
				*val = 0;
			return 0;
		}
		prio_access(g, from, base, size, write, val);
		return 0;
	}

	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
		static const enum bitreg regs[] = { R_GROUP, R_SENABLE, R_CENABLE, R_SPEND,
						    R_CPEND, R_SACTIVE, R_CACTIVE };
		u32 base = (u32)(off & 0x7f) * 8;

		if (base < VGIC_NR_PRIVATE || base >= VGIC_NR_IRQS) {
			if (!write)
				*val = 0;
			return 0;
		}
		bitreg_access(g, from, from, base, regs[(off - GICD_IGROUPR) / 0x80], write, val);
		return 0;
	}

	if (off >= GICD_ICFGR && off < GICD_IGRPMODR) {
		u32 base = (u32)(off - GICD_ICFGR) * 4;

		if (base < VGIC_NR_PRIVATE || base >= VGIC_NR_IRQS) {
			if (!write)
				*val = 0;
			return 0;
		}
		cfg_access(g, from, base, write, val);
		return 0;
	}

	if (off >= GICD_IDREGS) {
		if (!write)
			*val = idregs[(off - GICD_IDREGS) / 4];
		return 0;
	}

	switch (off) {
	case GICD_CTLR:
		if (write) {
			g->ctlr = ((u32)*val & (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1)) |
				  GICD_CTLR_ARE | GICD_CTLR_DS;
			kick_all_deliverable(g);
		} else {
			*val = g->ctlr;
		}
		return 0;
	case GICD_TYPER:
		if (!write)
			*val = GICD_TYPER_VALUE;
		return 0;
	case GICD_IIDR:
		if (!write)
			*val = VGIC_IIDR;
		return 0;
	default:
		/* TYPER2, STATUSR, ITARGETSR, IGRPMODR, NSACR, SGIR, C/SPENDSGIR, reserved */
		if (!write)
			*val = 0;
		return 0;
	}
}

/* ---- redistributors ---------------------------------------------------- */

static unsigned int last_cpu(const struct vgic *g)
{
	unsigned int last = 0;

	for (unsigned int i = 0; i < VGIC_MAX_VCPUS; i++)
		if (g->cpus[i])
			last = i;
	return last;
}

static u64 redist_extent(const struct vgic *g)
{
	u64 need = g->nr_cpus ? (last_cpu(g) + 1) * VGIC_REDIST_STRIDE : 0;

	return MAX(g->redist_size, need);
}

static int rd_access(struct vgic *g, struct vgic_cpu *c, u64 off, unsigned int size,
		     bool write, u64 *val)
{
	/* 64-bit: TYPER, SETLPIR, CLRLPIR, PROPBASER, PENDBASER, INVLPIR, INVALLR */
	bool dword = off == 0x08 || off == 0x40 || off == 0x48 || off == 0x70 ||
		     off == 0x78 || off == 0xa0 || off == 0xb0;

	if (size != 4 && !(size == 8 && dword))
		return -1;

	if (off == GICR_TYPER || off == GICR_TYPER + 4) {
		u64 t = ((c->mpidr >> 32) & 0xff) << 56 | (c->mpidr & 0xffffff) << 32 |
			(u64)c->idx << 8 | GICR_TYPER_DPGS;

		if (c->idx == last_cpu(g))
			t |= GICR_TYPER_LAST;
		if (!write)
			*val = size == 8 ? t : (u32)(t >> (off == GICR_TYPER ? 0 : 32));
		return 0;
	}
	if (off >= GICD_IDREGS) {
		if (!write)
			*val = idregs[(off - GICD_IDREGS) / 4];
		return 0;
	}
	switch (off) {
	case GICR_CTLR:
		if (write) {
			c->ctlr = (u32)*val & (GICR_CTLR_DPG0 | GICR_CTLR_DPG1NS);
			kick_all_deliverable(g);
		} else {
			*val = c->ctlr;
		}
		return 0;
	case GICR_IIDR:
		if (!write)
			*val = VGIC_IIDR;
		return 0;
	case GICR_WAKER:
		if (write) {
			c->waker = ((u32)*val & GICR_WAKER_PS) ?
				   GICR_WAKER_PS | GICR_WAKER_CA : 0;
			kick_all_deliverable(g);
		} else {
			*val = c->waker;
		}
		return 0;
	default:
		/* STATUSR, PROPBASER, PENDBASER, LPI registers, SYNCR, reserved */
		if (!write)
			*val = 0;
		return 0;
	}
}

static int sgi_access(struct vgic *g, unsigned int from, struct vgic_cpu *c, u64 off,
		      unsigned int size, bool write, u64 *val)
{
	bool bytes = off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x80;

	if (size != 4 && !(size == 1 && bytes))
		return -1;

	if (bytes) {
		u32 base = (u32)(off - GICD_IPRIORITYR);

		if (base >= VGIC_NR_PRIVATE) {	/* extended PPIs: not implemented */
			if (!write)
				*val = 0;
			return 0;
		}
		prio_access(g, c->idx, base, size, write, val);
		return 0;
	}
	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR && (off & 0x7f) == 0) {
		static const enum bitreg regs[] = { R_GROUP, R_SENABLE, R_CENABLE, R_SPEND,
						    R_CPEND, R_SACTIVE, R_CACTIVE };

		bitreg_access(g, from, c->idx, 0, regs[(off - GICD_IGROUPR) / 0x80], write, val);
		return 0;
	}
	switch (off) {
	case GICR_ICFGR0:	/* SGIs: edge, read-only */
		if (!write)
			*val = 0xaaaaaaaaU;
		return 0;
	case GICR_ICFGR1:
		cfg_access(g, c->idx, 16, write, val);
		return 0;
	default:
		/* IGRPMODR0, NSACR, INMIR0, extended PPI registers, reserved */
		if (!write)
			*val = 0;
		return 0;
	}
}

/* ---- the API ----------------------------------------------------------- */

void vgic_init(struct vgic *g)
{
	*g = (struct vgic){ .lock = SPINLOCK_INIT, .ctlr = GICD_CTLR_ARE | GICD_CTLR_DS };
	for (unsigned int i = 0; i < VGIC_NR_SPIS; i++)
		irq_reset(&g->spi[i], false);
}

static bool aff_taken(const struct vgic *g, unsigned int idx, u64 aff)
{
	for (unsigned int i = 0; i < VGIC_MAX_VCPUS; i++)
		if (i != idx && g->cpus[i] && g->cpus[i]->mpidr == aff)
			return true;
	return false;
}

/* Would vCPU idx's frames be badly placed in the current layout? */
static bool frame_bad(const struct vgic *g, unsigned int idx)
{
	u64 start, end;

	if (!g->redist_created)
		return false;
	start = g->redist_base + idx * VGIC_REDIST_STRIDE;
	end = start + VGIC_REDIST_STRIDE;
	if (end > VGIC_IPA_LIMIT)
		return true;
	return g->dist_created && RANGES_OVERLAP(start, VGIC_REDIST_STRIDE,
						 g->dist_base, VGIC_DIST_SIZE);
}

int vgic_add_cpu(struct vgic *g, struct vgic_cpu *c, unsigned int idx, u64 mpidr)
{
	u64 aff = mpidr & MPIDR_AFF_BITS;
	int ret = 0;

	if (idx >= VGIC_MAX_VCPUS || !c)
		return VGIC_ERR_INVAL;
	spin_lock(&g->lock);
	if (g->cpus[idx]) {
		ret = VGIC_ERR_EXIST;
	} else if (aff_taken(g, idx, aff) || frame_bad(g, idx)) {
		ret = VGIC_ERR_INVAL;
	} else {
		*c = (struct vgic_cpu){ .mpidr = aff, .idx = idx,
					.waker = GICR_WAKER_PS | GICR_WAKER_CA };
		for (unsigned int i = 0; i < VGIC_NR_PRIVATE; i++)
			irq_reset(&c->priv[i], i < 16);
		g->cpus[idx] = c;
		g->nr_cpus++;
	}
	spin_unlock(&g->lock);
	return ret;
}

void vgic_remove_cpu(struct vgic *g, unsigned int idx)
{
	if (idx >= VGIC_MAX_VCPUS)
		return;
	spin_lock(&g->lock);
	if (g->cpus[idx]) {
		for (unsigned int i = 0; i < VGIC_NR_SPIS; i++) {
			struct vgic_irq *irq = &g->spi[i];

			if (irq->lr_cpu == (s8)idx)	/* as if the guest had not touched it */
				unlist(irq, irq->lr_state);
			if (irq->active_cpu == (s8)idx)
				irq->active_cpu = -1;
		}
		g->cpus[idx] = NULL;
		g->nr_cpus--;
	}
	spin_unlock(&g->lock);
}

int vgic_set_mpidr(struct vgic *g, unsigned int idx, u64 mpidr)
{
	u64 aff = mpidr & MPIDR_AFF_BITS;
	int ret = VGIC_ERR_INVAL;

	if (idx >= VGIC_MAX_VCPUS)
		return ret;
	spin_lock(&g->lock);
	if (g->cpus[idx] && !aff_taken(g, idx, aff)) {
		g->cpus[idx]->mpidr = aff;
		ret = 0;
	}
	spin_unlock(&g->lock);
	return ret;
}

int vgic_create_dist(struct vgic *g, u64 base, u64 size)
{
	int ret = 0;

	if (!IS_ALIGNED(base, SZ_64K) || size < VGIC_DIST_SIZE ||
	    base >= VGIC_IPA_LIMIT || size > VGIC_IPA_LIMIT - base)
		return VGIC_ERR_INVAL;
	spin_lock(&g->lock);
	if (g->dist_created)
		ret = VGIC_ERR_EXIST;
	else if (g->redist_created &&
		 RANGES_OVERLAP(base, VGIC_DIST_SIZE, g->redist_base, redist_extent(g)))
		ret = VGIC_ERR_INVAL;
	if (!ret) {
		g->dist_base = base;
		g->dist_created = true;
	}
	spin_unlock(&g->lock);
	return ret;
}

int vgic_create_redist(struct vgic *g, u64 base, u64 size)
{
	int ret = 0;

	if (!IS_ALIGNED(base, SZ_64K) || !size || size % VGIC_REDIST_STRIDE ||
	    base >= VGIC_IPA_LIMIT || size > VGIC_IPA_LIMIT - base)
		return VGIC_ERR_INVAL;
	spin_lock(&g->lock);
	if (g->redist_created) {
		ret = VGIC_ERR_EXIST;
	} else {
		u64 need = g->nr_cpus ? (last_cpu(g) + 1) * VGIC_REDIST_STRIDE : 0;
		u64 ext = MAX(size, need);

		if (ext > VGIC_IPA_LIMIT - base ||
		    (g->dist_created && RANGES_OVERLAP(base, ext, g->dist_base, VGIC_DIST_SIZE)))
			ret = VGIC_ERR_INVAL;
	}
	if (!ret) {
		g->redist_base = base;
		g->redist_size = size;
		g->redist_created = true;
	}
	spin_unlock(&g->lock);
	return ret;
}

static bool in_dist(const struct vgic *g, u64 ipa)
{
	return g->dist_created && ipa >= g->dist_base && ipa - g->dist_base < VGIC_DIST_SIZE;
}

static bool in_redist(const struct vgic *g, u64 ipa)
{
	return g->redist_created && ipa >= g->redist_base &&
	       ipa - g->redist_base < redist_extent(g);
}

bool vgic_owns(struct vgic *g, u64 ipa)
{
	bool r;

	spin_lock(&g->lock);
	r = in_dist(g, ipa) || in_redist(g, ipa);
	spin_unlock(&g->lock);
	return r;
}

int vgic_mmio(struct vgic *g, unsigned int from, u64 ipa, unsigned int size, bool write,
	      u64 *val)
{
	u64 v = 0;
	int ret = -1;

	if ((size != 1 && size != 2 && size != 4 && size != 8) || !IS_ALIGNED(ipa, size) || !val)
		return -1;
	if (write)
		v = size == 8 ? *val : *val & ((1ULL << (8 * size)) - 1);

	spin_lock(&g->lock);
	if (in_dist(g, ipa)) {
		ret = dist_access(g, from, ipa - g->dist_base, size, write, &v);
	} else if (in_redist(g, ipa)) {
		u64 off = ipa - g->redist_base;
		struct vgic_cpu *c = cpu_of(g, (unsigned int)(off / VGIC_REDIST_STRIDE));

		off %= VGIC_REDIST_STRIDE;
		if (!c) {
			/* a frame without a vCPU: RAZ/WI */
			ret = size == 4 || size == 8 ? 0 : -1;
			v = 0;
		} else if (off < GICR_SGI_BASE) {
			ret = rd_access(g, c, off, size, write, &v);
		} else {
			ret = sgi_access(g, from, c, off - GICR_SGI_BASE, size, write, &v);
		}
	}
	spin_unlock(&g->lock);
	if (!ret && !write)
		*val = v;
	return ret;
}

int vgic_set_line(struct vgic *g, u32 intid, unsigned int cpu, bool level)
{
	struct vgic_irq *irq;
	int ret = -1;

	if (intid < 16 || intid >= VGIC_NR_IRQS)
		return -1;
	spin_lock(&g->lock);
	irq = irq_of(g, cpu, intid);
	if (irq && irq->line == level) {
		ret = 0;	/* no edge, no new level: nothing to tell anyone */
	} else if (irq) {
		if (irq->edge && level)
			irq->latch = 1;
		irq->line = level;
		if (level)
			mark_busy(g, cpu, intid);
		notify(g, cpu, intid);
		ret = 0;
	}
	spin_unlock(&g->lock);
	return ret;
}

int vgic_pulse(struct vgic *g, u32 intid, unsigned int cpu)
{
	struct vgic_irq *irq;
	int ret = -1;

	if (intid < 16 || intid >= VGIC_NR_IRQS)
		return -1;
	spin_lock(&g->lock);
	irq = irq_of(g, cpu, intid);
	if (irq) {
		irq->latch = 1;
		mark_busy(g, cpu, intid);
		notify(g, cpu, intid);
		ret = 0;
	}
	spin_unlock(&g->lock);
	return ret;
}

u32 vgic_send_sgi(struct vgic *g, unsigned int from, u64 sgi1r)
{
	u32 intid = (sgi1r >> 24) & 0xf;
	u16 targets = sgi1r & 0xffff;
	u64 aff321 = ((sgi1r >> 48) & 0xff) << 32 | ((sgi1r >> 32) & 0xff) << 16 |
		     ((sgi1r >> 16) & 0xff) << 8;
	unsigned int rs = (sgi1r >> 44) & 0xf;
	bool irm = sgi1r & (1ULL << 40);
	u32 out = 0;

	spin_lock(&g->lock);
	for (unsigned int i = 0; i < VGIC_MAX_VCPUS; i++) {
		struct vgic_cpu *c = g->cpus[i];
		struct vgic_irq *irq;
		u64 aff0;

		if (!c)
			continue;
		if (irm) {
			if (i == from)
				continue;
		} else {
			aff0 = c->mpidr & 0xff;
			if ((c->mpidr & ~0xffULL) != aff321 || aff0 / 16 != rs ||
			    !(targets & (1U << (aff0 % 16))))
				continue;
		}
		irq = &c->priv[intid];
		irq->latch = 1;
		c->busy |= 1U << intid;
		if (irq->lr_cpu < 0 && irq_deliverable(g, irq))
			out |= 1U << i;
	}
	g->kicks |= out;
	spin_unlock(&g->lock);
	return out;
}

/* Put an interrupt listed on idx back as the flush gave it (LR untouched). */
static void unlist(struct vgic_irq *irq, unsigned int state)
{
	unsigned int given = irq->lr_state;
	bool p = state & LR_P, a = state & LR_A;

	if (!irq->touched_act)
		irq->active = a;
	if (!irq->touched_pend) {
		if (irq->edge)
			irq->latch |= p;
		else if ((given & LR_P) && !p)
			irq->latch = 0;		/* acknowledged */
	}
	irq->lr_cpu = -1;
	irq->lr_state = 0;
	irq->touched_act = irq->touched_pend = 0;
}

static void sync_locked(struct vgic *g, struct vgic_cpu *c, const u64 *lrs, unsigned int nr)
{
	for (unsigned int k = 0; k < c->nr_listed; k++) {
		u32 intid = c->listed[k];
		struct vgic_irq *irq = irq_of(g, c->idx, intid);
		unsigned int state;

		if (!irq || irq->lr_cpu != (s8)c->idx)
			continue;
		state = irq->lr_state;
		if (lrs) {
			for (unsigned int j = 0; j < nr; j++) {
				unsigned int s = (k + j) % nr;	/* same slot first */

				if ((lrs[s] & ICH_LR_VINTID_MASK) == intid) {
					state = (unsigned int)(lrs[s] >> ICH_LR_STATE_SHIFT);
					break;
				}
			}
		}
		unlist(irq, state);
		if (intid >= VGIC_NR_PRIVATE)
			irq->active_cpu = irq->active ? (s8)c->idx : -1;
	}
	c->nr_listed = 0;
}

void vgic_sync_lrs(struct vgic *g, unsigned int idx, const u64 *lrs, unsigned int nr_lrs)
{
	struct vgic_cpu *c;

	spin_lock(&g->lock);
	c = cpu_of(g, idx);
	if (c)
		sync_locked(g, c, nr_lrs ? lrs : NULL, nr_lrs);
	spin_unlock(&g->lock);
}

/* Sort key: active first, then priority, then INTID; lower is better. */
static u32 lr_key(const struct vgic_irq *irq, u32 intid)
{
	return (irq->active ? 0 : 1U << 17) | (u32)irq->priority << 9 | intid;
}

/*
 * The pending state an LR may carry.  A level interrupt that is active
 * because of its line is listed active only: the line is sampled again at
 * the EOI maintenance interrupt (ICH_LR_EOI), so a guest that lowers it in
 * its handler (a timer handler disabling its timer) is not interrupted a
 * second time by a pending state the LR would otherwise keep.
 */
static bool lr_pending(const struct vgic *g, const struct vgic_irq *irq)
{
	if (!irq_deliverable(g, irq))
		return false;
	return irq->edge || irq->latch || !irq->active;
}

static bool lr_eligible(const struct vgic *g, const struct vgic_irq *irq)
{
	return irq->lr_cpu < 0 && (irq->active || irq_deliverable(g, irq));
}

unsigned int vgic_flush_lrs(struct vgic *g, unsigned int idx, u64 *lrs, unsigned int nr_lrs,
			    bool *underflow)
{
	u32 keys[VGIC_MAX_LRS], intid;
	unsigned int n = 0, eligible = 0;
	struct vgic_cpu *c;

	if (nr_lrs > VGIC_MAX_LRS)
		nr_lrs = VGIC_MAX_LRS;
	for (unsigned int i = 0; i < nr_lrs; i++)
		lrs[i] = 0;
	if (underflow)
		*underflow = false;

	spin_lock(&g->lock);
	c = cpu_of(g, idx);
	if (!c) {
		spin_unlock(&g->lock);
		return 0;
	}
	if (c->nr_listed)	/* flushed again without a sync */
		sync_locked(g, c, NULL, 0);

	for (struct busy_iter it = busy_first(c); next_busy(g, c, &it, &intid);) {
		struct vgic_irq *irq = irq_of(g, idx, intid);
		u32 key;
		unsigned int pos;

		if (!lr_eligible(g, irq))
			continue;
		if (intid >= VGIC_NR_PRIVATE && spi_target(g, intid - VGIC_NR_PRIVATE) != (int)idx)
			continue;
		eligible++;
		key = lr_key(irq, intid);
		/* insertion into keys[0..n), sorted, at most nr_lrs kept */
		for (pos = n; pos > 0 && keys[pos - 1] > key; pos--)
			;
		if (pos >= nr_lrs)
			continue;
		if (n < nr_lrs)
			n++;
		for (unsigned int j = n - 1; j > pos; j--)
			keys[j] = keys[j - 1];
		keys[pos] = key;
	}

	for (unsigned int k = 0; k < n; k++) {
		struct vgic_irq *irq;

		intid = keys[k] & 0x1ff;
		irq = irq_of(g, idx, intid);
		unsigned int state = (irq->active ? LR_A : 0) |
				     (lr_pending(g, irq) ? LR_P : 0);

		lrs[k] = (u64)intid | (u64)irq->priority << ICH_LR_PRIO_SHIFT |
			 (irq->group ? ICH_LR_GROUP : 0) | (u64)state << ICH_LR_STATE_SHIFT |
			 (irq->edge ? 0 : ICH_LR_EOI);
		irq->lr_cpu = (s8)idx;
		irq->lr_state = (u8)state;
		irq->touched_act = irq->touched_pend = 0;
		if (irq->edge && (state & LR_P))
			irq->latch = 0;		/* the pending state moves into the LR */
		if (intid >= VGIC_NR_PRIVATE && (state & LR_A))
			irq->active_cpu = (s8)idx;
		c->listed[k] = (u16)intid;
	}
	c->nr_listed = n;
	if (underflow)
		*underflow = eligible > n;
	spin_unlock(&g->lock);
	return n;
}

/* Deliverable to vCPU idx with a priority above the mask (lower value); mask 0x100: any. */
static bool pending_for_locked(struct vgic *g, unsigned int idx, unsigned int mask)
{
	struct vgic_cpu *c = cpu_of(g, idx);
	u32 intid;

	if (!c)
		return false;
	for (struct busy_iter it = busy_first(c); next_busy(g, c, &it, &intid);) {
		const struct vgic_irq *irq = irq_of(g, idx, intid);

		if (irq_deliverable(g, irq) && irq->priority < mask &&
		    irq_target(g, idx, intid) == (int)idx)
			return true;
	}
	return false;
}

static void kick_all_deliverable(struct vgic *g)
{
	for (unsigned int i = 0; i < VGIC_MAX_VCPUS; i++)
		if (pending_for_locked(g, i, 0x100))
			kick(g, (int)i);
}

bool vgic_pending_for(struct vgic *g, unsigned int idx)
{
	return vgic_pending_above(g, idx, 0x100);
}

bool vgic_pending_above(struct vgic *g, unsigned int idx, unsigned int pmr)
{
	bool r;

	spin_lock(&g->lock);
	r = pending_for_locked(g, idx, pmr);
	spin_unlock(&g->lock);
	return r;
}

u32 vgic_take_kicks(struct vgic *g)
{
	u32 k;

	spin_lock(&g->lock);
	k = g->kicks;
	g->kicks = 0;
	spin_unlock(&g->lock);
	return k;
}
