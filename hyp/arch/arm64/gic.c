// SPDX-License-Identifier: GPL-2.0-only
/* Physical GICv3 redistributors: see hyp/gic.h for what we touch and why. */
#include <hyp/gic.h>
#include <hyp/log.h>

#define GICR_TYPER		0x0008
#define GICR_TYPER_VLPIS	(1ULL << 1)
#define GICR_TYPER_LAST		(1ULL << 4)
#define GICR_SGI_OFFSET		0x10000
#define GICR_ISENABLER0		0x0100
#define GICR_ISACTIVER0		0x0300
#define GICR_ICACTIVER0		0x0380
#define GICR_FRAME		0x20000

static u64 gicr_base, gicr_size;

void gic_init(u64 base, u64 size)
{
	gicr_base = base;
	gicr_size = size;
}

bool gic_cpu_init(struct hyp_cpu *cpu)
{
	u64 aff = ((cpu->mpidr >> 32) & 0xff) << 24 | (cpu->mpidr & 0xffffff);

	cpu->gicr_sgi = 0;
	for (u64 off = 0; gicr_size && off + 2 * GICR_FRAME <= gicr_size;) {
		u64 typer = *(volatile u64 *)(uintptr_t)(gicr_base + off + GICR_TYPER);

		if ((typer >> 32) == aff) {
			cpu->gicr_sgi = gicr_base + off + GICR_SGI_OFFSET;
			return true;
		}
		if (typer & GICR_TYPER_LAST)
			break;
		/* GICv4 redistributors have two more frames for vLPIs */
		off += (typer & GICR_TYPER_VLPIS) ? 2 * GICR_FRAME : GICR_FRAME;
	}
	return false;
}

void gic_enable_hyp_ppis(struct hyp_cpu *cpu)
{
	/* set-enable: touches no other interrupt */
	if (cpu->gicr_sgi)
		*(volatile u32 *)(uintptr_t)(cpu->gicr_sgi + GICR_ISENABLER0) =
			1U << GIC_PPI_HYP_TIMER | 1U << GIC_PPI_MAINTENANCE;
}

void gic_hold_ppi(struct hyp_cpu *cpu, unsigned int ppi, bool hold)
{
	if (cpu->gicr_sgi)
		*(volatile u32 *)(uintptr_t)(cpu->gicr_sgi +
					     (hold ? GICR_ISACTIVER0 : GICR_ICACTIVER0)) = 1U << ppi;
}
