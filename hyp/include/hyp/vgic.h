/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vGICv3 model: distributor, redistributors, interrupt lines, SGIs and
 * list registers, as pure logic (no system registers, no allocation; the
 * state lives in the caller's structs).  The hypervisor routes MMIO traps,
 * ICC_SGI1R_EL1 traps, device lines and the world switch's list registers
 * here (hyp/core/vgic.c).
 *
 * What is emulated (Arm IHI 0069, GICv3):
 *   - one security state: GICD_CTLR.DS = 1 (RAO/WI); affinity routing always
 *     enabled (GICD_CTLR.ARE RAO/WI), so ITARGETSR, SGIR, C/SPENDSGIR and the
 *     distributor's SGI/PPI words of IGROUPR/I[SC]ENABLER/... are RAZ/WI;
 *   - INTIDs 0..255: 16 SGIs and 16 PPIs per vCPU (in its redistributor),
 *     224 SPIs; no LPIs/ITS, no extended SPI/PPI ranges, no NMIs;
 *   - group 0 and group 1, both enabled by GICD_CTLR (bits 0 and 1), both
 *     delivered through the list registers' Group bit (group 0 is a vFIQ);
 *   - 5 priority bits (IPRIORITYR keeps bits [7:3], like KVM and the
 *     minimum ICH_VTR_EL2.PRIbits, so the model orders interrupts exactly
 *     as the virtual CPU interface compares them);
 *   - SPI routing by GICD_IROUTER: Interrupt_Routing_Mode 0 to the vCPU
 *     whose MPIDR affinity matches (none: the SPI stays pending), 1 ("any")
 *     to the lowest-numbered vCPU that is awake (GICR_WAKER.ProcessorSleep
 *     0) and does not opt out with GICR_CTLR.DPG0/DPG1NS; an SPI that is
 *     active or in a list register stays with the vCPU that holds it.
 *
 * Choices where the architecture leaves room (also in vgic.c):
 *   GICD_IIDR = GICR_IIDR = 0x4701143B: Implementer 0x43B (Arm's JEP106
 *     code, the convention KVM uses for its own vGIC), ProductID 0x47 'G'
 *     (gzvm), Variant 0, Revision 1.  The ID registers at 0xFFD0..0xFFFC
 *     match: PIDR2 = 0x3B (ArchRev 3), PIDR0/1 part number 0x047, CIDR
 *     0x0D/0xF0/0x05/0xB1.
 *   GICD_TYPER: ITLinesNumber 7, IDbits 9 (10 bits), A3V 1, No1N 0 (1-of-N
 *     is implemented), RSS 0 (ICC_SGI1R.RS is honoured anyway), no LPIs,
 *     MBIS, ESPI, NMI, SecurityExtn.  GICD_TYPER2 = 0.
 *   IGROUPR resets to group 1 for every INTID (reset is IMPLEMENTATION
 *     DEFINED with DS = 1; Linux and U-Boot write all-ones anyway).
 *   PPIs are configurable in GICR_ICFGR1 (as in KVM), reset level-sensitive;
 *     SGIs are edge (GICR_ICFGR0 reads 0xAAAAAAAA, WI); SPIs reset level.
 *   GICR_CTLR: DPG0 (bit 24) and DPG1NS (bit 25) are read/write and steer
 *     1-of-N routing (GICR_TYPER.DPGS = 1); everything else RAZ/WI
 *     (EnableLPIs: no LPIs; RWP and UWP: writes take effect at once).
 *   GICR_WAKER: ProcessorSleep (bit 1) RW, ChildrenAsleep (bit 2) mirrors
 *     it; reset 0x6.  Sleep only affects 1-of-N selection, never delivery
 *     to a targeted vCPU.
 *   GICR_TYPER: Affinity_Value from the vCPU's MPIDR, Processor_Number =
 *     vCPU index, DPGS = 1, Last on the highest-numbered vCPU.
 *   The redistributor region: vCPU i's frames are at redist_base +
 *     i * VGIC_REDIST_STRIDE.  The region covers max(size given, frames of
 *     every vCPU): crosvm creates it with one stride whatever the number of
 *     vCPUs (its device tree describes all frames).  Frames without a vCPU
 *     are RAZ/WI (PIDR2 reads 0, so Linux's walk stops there).
 *   The distributor is the 64 KiB frame at dist_base; a larger size given
 *     at creation is accepted but only that frame is emulated.
 *   Access sizes: 32-bit everywhere; 8-bit too for IPRIORITYR, ITARGETSR,
 *     C/SPENDSGIR (and the reserved extended-PPI priority bytes of the SGI
 *     frame); 64-bit too for GICD_IROUTER<n>, GICR_TYPER, GICR_PROPBASER,
 *     GICR_PENDBASER, GICR_SETLPIR/CLRLPIR/INVLPIR/INVALLR; 16-bit never.
 *     Accesses must be naturally aligned.  Reserved locations are RAZ/WI
 *     for 32-bit accesses.  Anything else returns -1 (inject an abort).
 *
 * Locking: every function below takes g->lock itself (do not hold it).
 *
 * The list-register protocol: vgic_flush_lrs() before entering vCPU idx
 * builds its LRs and marks those interrupts as listed on idx; vgic_sync_lrs()
 * after the exit reads them back and unlists them.  A listed interrupt is
 * never given to another LR.  Interrupt state changed meanwhile by another
 * vCPU (MMIO, lines, SGIs) is merged at sync; the vCPU whose LRs hold an
 * interrupt that another vCPU's MMIO changed is reported in the kick mask
 * (vgic_take_kicks) so it can be made to exit and see the change.
 */
#ifndef HYP_VGIC_H
#define HYP_VGIC_H

#include <hyp/spinlock.h>
#include <hyp/types.h>

#define VGIC_NR_IRQS		256	/* INTIDs 0..255: 16 SGIs, 16 PPIs, 224 SPIs */
#define VGIC_NR_PRIVATE		32
#define VGIC_NR_SPIS		(VGIC_NR_IRQS - VGIC_NR_PRIVATE)
#define VGIC_MAX_VCPUS		8
#define VGIC_MAX_LRS		16	/* ICH_VTR_EL2.ListRegs is at most 15 (+1) */
#define VGIC_DIST_SIZE		0x10000ULL
#define VGIC_REDIST_STRIDE	0x20000ULL	/* RD_base + SGI_base frames per vCPU */
#define VGIC_IPA_LIMIT		(1ULL << 48)
#define VGIC_PRIO_MASK		0xf8	/* 5 implemented priority bits */

/* Errors of the create/add calls. */
#define VGIC_ERR_INVAL		(-1)	/* bad argument, bad place, overlap */
#define VGIC_ERR_EXIST		(-2)	/* already created / vCPU already there */

/* ICH_LR<n>_EL2 fields. */
#define ICH_LR_VINTID_MASK	0xffffffffULL
#define ICH_LR_EOI		(1ULL << 41)	/* maintenance interrupt on deactivation */
#define ICH_LR_PRIO_SHIFT	48
#define ICH_LR_GROUP		(1ULL << 60)
#define ICH_LR_HW		(1ULL << 61)
#define ICH_LR_STATE_SHIFT	62
#define ICH_LR_PENDING		(1ULL << 62)
#define ICH_LR_ACTIVE		(1ULL << 63)

/* GICD_CTLR bits (single security state layout). */
#define GICD_CTLR_ENABLE_G0	(1U << 0)
#define GICD_CTLR_ENABLE_G1	(1U << 1)
#define GICD_CTLR_ARE		(1U << 4)
#define GICD_CTLR_DS		(1U << 6)

#define GICR_WAKER_PS		(1U << 1)	/* ProcessorSleep */
#define GICR_WAKER_CA		(1U << 2)	/* ChildrenAsleep */
#define GICR_CTLR_DPG0		(1U << 24)
#define GICR_CTLR_DPG1NS	(1U << 25)

#define VGIC_PPI_VTIMER		27
#define VGIC_PPI_PTIMER		30

/* One interrupt (8 bytes).  Pending = latch, or line for level-sensitive. */
struct vgic_irq {
	u8 priority;		/* bits [7:3] */
	u8 group : 1;		/* 1 = group 1 */
	u8 enabled : 1;
	u8 latch : 1;		/* edge pending / pending set by ISPENDR */
	u8 active : 1;
	u8 line : 1;		/* input level (vgic_set_line) */
	u8 edge : 1;		/* ICFGR: 1 = edge-triggered */
	u8 touched_pend : 1;	/* pending changed by MMIO while listed */
	u8 touched_act : 1;	/* active changed by MMIO while listed */
	s8 lr_cpu;		/* vCPU whose LRs hold it, -1: none */
	u8 lr_state;		/* ICH_LR state bits given at flush (1 P, 2 A) */
	s8 active_cpu;		/* SPIs: vCPU that holds it active, -1: none */
	u8 pad[3];
};

struct vgic_cpu {
	struct vgic_irq priv[VGIC_NR_PRIVATE];	/* SGIs 0..15, PPIs 16..31 */
	u64 mpidr;		/* affinity bits only (Aff3 [39:32], Aff2..0 [23:0]) */
	u32 waker;		/* GICR_WAKER */
	u32 ctlr;		/* GICR_CTLR (DPG bits) */
	unsigned int idx;	/* vCPU index = redistributor frame number */
	unsigned int nr_listed;	/* INTIDs in its LRs since the last flush */
	u16 listed[VGIC_MAX_LRS];
	u32 busy;		/* private INTIDs that may not be idle (see vgic.c) */
};

struct vgic {
	spinlock_t lock;
	bool dist_created, redist_created;
	u64 dist_base;
	u64 redist_base, redist_size;	/* size as created (see vgic_owns) */
	u32 ctlr;			/* GICD_CTLR */
	u32 kicks;			/* vCPUs to kick, see vgic_take_kicks */
	struct vgic_irq spi[VGIC_NR_SPIS];
	u32 spi_busy[VGIC_NR_SPIS / 32];	/* SPIs that may not be idle */
	u64 irouter[VGIC_NR_SPIS];
	struct vgic_cpu *cpus[VGIC_MAX_VCPUS];
	unsigned int nr_cpus;		/* vCPUs present */
};

/* Reset the whole model: no regions, no vCPUs, every SPI at its reset state. */
void vgic_init(struct vgic *g);

/*
 * A vCPU was created: c becomes vCPU idx's redistributor (reset to its
 * architectural reset values), its affinity taken from mpidr.  0, or
 * VGIC_ERR_INVAL (idx >= VGIC_MAX_VCPUS, another vCPU has the same
 * affinity, its frames would overlap the distributor or leave the 48-bit
 * IPA space), VGIC_ERR_EXIST (idx taken).
 */
int vgic_add_cpu(struct vgic *g, struct vgic_cpu *c, unsigned int idx, u64 mpidr);
/*
 * A vCPU goes away (its LRs are not running): SPIs listed on or active on
 * it lose that binding (their state stays in the distributor).
 */
void vgic_remove_cpu(struct vgic *g, unsigned int idx);
/* The VMM set vCPU idx's MPIDR before its first run.  0 or VGIC_ERR_INVAL. */
int vgic_set_mpidr(struct vgic *g, unsigned int idx, u64 mpidr);

/*
 * CREATE_DEVICE for the distributor: base 64 KiB aligned, size >= 64 KiB
 * (only the first 64 KiB are the distributor), inside the 48-bit IPA space,
 * no overlap with the redistributor region.  0, VGIC_ERR_INVAL or
 * VGIC_ERR_EXIST (second call).
 */
int vgic_create_dist(struct vgic *g, u64 base, u64 size);
/*
 * CREATE_DEVICE for the redistributors: base 64 KiB aligned, size a
 * non-zero multiple of VGIC_REDIST_STRIDE, inside the 48-bit IPA space,
 * no overlap with the distributor (also once extended to the frames of the
 * vCPUs present; vgic_add_cpu refuses a later vCPU whose frames would
 * overlap it).  0, VGIC_ERR_INVAL or VGIC_ERR_EXIST.
 */
int vgic_create_redist(struct vgic *g, u64 base, u64 size);

/*
 * Is ipa inside the distributor's 64 KiB or the redistributor region
 * (max(size created, frames of every present vCPU))?
 */
bool vgic_owns(struct vgic *g, u64 ipa);

/*
 * A guest MMIO access at ipa (size 1/2/4/8, as the syndrome says) from vCPU
 * `from`.  0, or -1 when the access is not valid (not owned, bad size or
 * alignment for that register): the caller injects an external abort.
 * Reads fill *val (zero-extended); writes take the low `size` bytes of *val.
 */
int vgic_mmio(struct vgic *g, unsigned int from, u64 ipa, unsigned int size, bool write,
	      u64 *val);

/*
 * Raise or lower an interrupt line: an SPI by INTID (32..255; cpu ignored),
 * or PPI 16..31 of vCPU cpu.  Edge-configured interrupts latch pending on a
 * rising level; level-sensitive ones are pending while the line is high.
 * 0, or -1 (bad INTID, SGI, no such vCPU).
 */
int vgic_set_line(struct vgic *g, u32 intid, unsigned int cpu, bool level);

/*
 * An interrupt "pulse" (IRQ_LINE raises from irqfds, which never lower):
 * make intid pending as a rising edge would, whatever its configuration.
 * The latch is set and the line level is left alone, so a level-sensitive
 * interrupt pulsed once is delivered once (its latch clears when the guest
 * acknowledges it, or by ICPENDR).  Same arguments and result as
 * vgic_set_line().
 */
int vgic_pulse(struct vgic *g, u32 intid, unsigned int cpu);

/*
 * A guest's write of sgi1r to ICC_SGI1R_EL1 on vCPU `from`: INTID [27:24],
 * TargetList [15:0] with Aff1 [23:16], Aff2 [39:32], Aff3 [55:48] and
 * RS [47:44] (Aff0 = RS * 16 + bit), or IRM [40] = every vCPU but `from`.
 * The SGI becomes pending on each target.  Returns the vCPUs on which it is
 * now deliverable (enabled, group enabled, not already listed): those to
 * kick; they are also added to the kick mask.
 */
u32 vgic_send_sgi(struct vgic *g, unsigned int from, u64 sgi1r);

/*
 * Fill up to nr_lrs (at most VGIC_MAX_LRS) list registers for vCPU idx:
 * every active interrupt routed to it first (even if disabled, so that the
 * guest can still deactivate it), then pending interrupts that are enabled
 * and whose group GICD_CTLR enables, by priority (lower value first), then
 * INTID.  LR = vINTID | Priority << 48 | Group << 60 | State << 62 (HW = 0),
 * plus ICH_LR_EOI for level-sensitive interrupts so the caller gets a
 * maintenance interrupt when the guest deactivates one and can resample its
 * line; an active level interrupt is listed active only (its pending state
 * comes back from the line after the EOI, not from the LR, so a guest that
 * lowers the line in its handler is not interrupted twice).  An edge
 * interrupt's pending state moves into the LR.  Those
 * interrupts are listed on idx until vgic_sync_lrs() (a flush without a sync
 * first puts the previous ones back as they were).  Returns the number of
 * LRs written (the rest of lrs[] is zeroed); *underflow (if non-NULL) says
 * whether more were eligible than fit (set ICH_HCR_EL2.UIE).
 */
unsigned int vgic_flush_lrs(struct vgic *g, unsigned int idx, u64 *lrs, unsigned int nr_lrs,
			    bool *underflow);

/*
 * After vCPU idx ran: read back its LRs (the values the flush wrote, with
 * the State bits as the guest left them, in any order; lrs[] may be longer
 * or shorter than what was written: an interrupt missing from it counts as
 * untouched).  State 0 means the guest deactivated it: active clears, and
 * a level-sensitive interrupt whose line is still high is pending again.
 * Pending -> active means acknowledged (a level interrupt's latch clears).
 * LRs that name no interrupt listed on idx are ignored.
 */
void vgic_sync_lrs(struct vgic *g, unsigned int idx, const u64 *lrs, unsigned int nr_lrs);

/*
 * Does vCPU idx have an interrupt it could take: pending, enabled, group
 * enabled in GICD_CTLR, routed to it and not listed on another vCPU?  (The
 * guest's priority mask is the CPU interface's business.)  For WFI.
 */
bool vgic_pending_for(struct vgic *g, unsigned int idx);
/*
 * The same, counting only interrupts whose priority is higher (a lower
 * value) than pmr, the guest's priority mask (ICC_PMR_EL1): what would
 * end its WFI.  pmr 0x100: any.
 */
bool vgic_pending_above(struct vgic *g, unsigned int idx, unsigned int pmr);

/*
 * The vCPUs that may have something new to see since the last call
 * (bitmap, bit i = vCPU i), then cleared: an interrupt became deliverable
 * to them (line, SGI, MMIO enable/pending/routing/group/priority change),
 * or an interrupt in their LRs was changed by someone else's MMIO.
 * Spurious bits are possible; kicking is always safe.
 */
u32 vgic_take_kicks(struct vgic *g);

#endif
