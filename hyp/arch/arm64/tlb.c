// SPDX-License-Identifier: GPL-2.0-only
/* TLB and cache maintenance for guests' stage-2 changes. */
#include <asm/sysreg.h>
#include <hyp/arch.h>
#include <hyp/spinlock.h>

#define CTR_IDC		BIT(28)
#define CTR_DIC		BIT(29)
#define FLUSH_BY_IPA_MAX	(64 * 4096ULL)

/* TLBIs act on the VMID in VTTBR_EL2: borrow it, on this CPU, with interrupts masked. */
static u64 load_vmid(u16 vmid)
{
	u64 old = read_sysreg(vttbr_el2);

	write_sysreg((u64)vmid << 48, vttbr_el2);
	isb();
	return old;
}

static void restore_vttbr(u64 old)
{
	write_sysreg(old, vttbr_el2);
	isb();
}

void arch_s2_flush_vmid(u16 vmid)
{
	u64 old;

	dsb(ishst);
	old = load_vmid(vmid);
	__asm__ __volatile__("tlbi vmalls12e1is" ::: "memory");
	dsb(ish);
	restore_vttbr(old);
}

void arch_s2_flush_ipa(u16 vmid, u64 ipa, u64 size)
{
	u64 old;

	if (size > FLUSH_BY_IPA_MAX) {
		arch_s2_flush_vmid(vmid);
		return;
	}
	dsb(ishst);
	old = load_vmid(vmid);
	for (u64 a = ipa; a < ipa + size; a += 4096)
		__asm__ __volatile__("tlbi ipas2e1is, %0" :: "r"(a >> 12) : "memory");
	dsb(ish);
	/* stage-1 entries combined with the old stage-2 ones go too */
	__asm__ __volatile__("tlbi vmalle1is" ::: "memory");
	dsb(ish);
	restore_vttbr(old);
}

void arch_sync_icache_for_guest(u64 pa, u64 size)
{
	u64 ctr = read_sysreg(ctr_el0);
	u64 line = 4ULL << ((ctr >> 16) & 0xf);

	if (!(ctr & CTR_IDC)) {
		for (u64 a = ALIGN_DOWN(pa, line); a < pa + size; a += line)
			__asm__ __volatile__("dc cvau, %0" :: "r"(a) : "memory");
		dsb(ish);
	}
	if (!(ctr & CTR_DIC)) {
		__asm__ __volatile__("ic ialluis" ::: "memory");
		dsb(ish);
	}
	isb();
}
