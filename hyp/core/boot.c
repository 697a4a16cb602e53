// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot: from the firmware's hand-over to the host kernel at EL1.
 *
 *  1. read the boot DTB (MMU off): UART, RAM, CPUs, modules, our options;
 *  2. plan the carve-out and check every region against every other;
 *  3. build the EL2 stage-1 identity map (W^X) and turn the MMU on;
 *  4. build the host's stage-2: identity, block mapped, carve-out absent;
 *  5. write the host's DTB; probe firmware PSCI;
 *  6. from now on log to the ring buffer, and enter the host.
 *
 * Any inconsistency stops the boot with a message on the UART: a hypervisor
 * that started the host on a wrong map would be worse than none.
 */
#include <asm/pgtable.h>
#include <fdt.h>
#include <hyp/arch.h>
#include <hyp/bootinfo.h>
#include <hyp/channel.h>
#include <hyp/cpu.h>
#include <hyp/drivers.h>
#include <hyp/el2.h>
#include <hyp/host_dt.h>
#include <hyp/host_s2.h>
#include <hyp/gic.h>
#include <hyp/layout.h>
#include <hyp/log.h>
#include <hyp/mem_owner.h>
#include <hyp/page_alloc.h>
#include <hyp/payload.h>
#include <hyp/psci_relay.h>
#include <hyp/string.h>
#include <hyp/vm.h>

#define DTB_MAX_SIZE	(2U << 20)	/* as Linux's arm64 boot protocol */
#define CPU_STACK_PAGES	4

/* section boundaries from hyp.lds */
extern char _start[], _etext[], _erodata[], _end[];
extern char boot_stack_top[];

void hyp_boot_main(u64 dtb_pa, u64 load_pa);
void __noreturn cpu_entered_from_firmware(struct hyp_cpu *cpu);

static struct pgtable hyp_s1;

/* The EL2 stage-1 is built before it is live: no TLB maintenance needed. */
static const struct pgtable_mm_ops boot_mm = {
	.zalloc_pages = pool_mm_zalloc,
	.free_pages = pool_mm_free,
	.virt_to_phys = pool_identity_v2p,
	.phys_to_virt = pool_identity_p2v,
	.ctx = &hyp_pool,
};

#define S1_NORMAL_RW	(S1_ATTRIDX(MT_NORMAL) | S1_AP_RW | S1_SH_INNER | S1_AF | S1_XN)
#define S1_NORMAL_RO	(S1_ATTRIDX(MT_NORMAL) | S1_AP_RO | S1_SH_INNER | S1_AF | S1_XN)
#define S1_NORMAL_RX	(S1_ATTRIDX(MT_NORMAL) | S1_AP_RO | S1_SH_INNER | S1_AF)
#define S1_DEVICE_RW	(S1_ATTRIDX(MT_DEVICE_nGnRE) | S1_AP_RW | S1_AF | S1_XN)

static u64 va(const void *p)
{
	return (u64)(uintptr_t)p;
}

/*
 * EL2 stage-1: all RAM identity-mapped read-write, never executable; the
 * image's text read-only and executable, its rodata read-only; the UART
 * as a device; a guard page below every CPU stack.
 */
static void build_hyp_stage1(const struct boot_info *bi)
{
	hyp_must(pgt_init(&hyp_s1, 48, false, &boot_mm), "EL2 stage-1 root");
	for (unsigned int i = 0; i < bi->nr_ram; i++)
		hyp_must(pgt_map(&hyp_s1, bi->ram[i].base, bi->ram[i].base, bi->ram[i].size,
			     S1_NORMAL_RW), "EL2 map of RAM");
	hyp_must(pgt_map(&hyp_s1, va(_start), va(_start), va(_etext) - va(_start), S1_NORMAL_RX),
	     "EL2 map of text");
	hyp_must(pgt_map(&hyp_s1, va(_etext), va(_etext), va(_erodata) - va(_etext), S1_NORMAL_RO),
	     "EL2 map of rodata");
	if (bi->have_uart)
		hyp_must(pgt_map(&hyp_s1, ALIGN_DOWN(bi->uart_base, PAGE_SIZE),
			     ALIGN_DOWN(bi->uart_base, PAGE_SIZE), PAGE_SIZE, S1_DEVICE_RW),
		     "EL2 map of the UART");
	if (bi->gicr.size)
		hyp_must(pgt_map(&hyp_s1, ALIGN_DOWN(bi->gicr.base, PAGE_SIZE),
			     ALIGN_DOWN(bi->gicr.base, PAGE_SIZE),
			     ALIGN_UP(bi->gicr.size, PAGE_SIZE), S1_DEVICE_RW),
		     "EL2 map of the GIC redistributors");
	for (unsigned int i = 0; i < hyp_nr_cpus; i++) {
		u64 guard = hyp_cpus[i].stack_top - (CPU_STACK_PAGES + 1) * PAGE_SIZE;

		if (hyp_cpus[i].stack_top != va(boot_stack_top))
			hyp_must(pgt_unmap(&hyp_s1, guard, PAGE_SIZE), "EL2 stack guard");
	}
}

/* Page ownership for all RAM: the host's, but for the carve-out. */
static void init_ownership(const struct boot_info *bi, const struct boot_layout *l)
{
	u64 size = mem_owner_meta_size(bi->ram, bi->nr_ram);
	void *meta = pool_zalloc_pages(&hyp_pool, (unsigned int)(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE));

	if (!meta)
		hyp_panic("no pool memory for the page ownership table (%llu KiB)",
			  (unsigned long long)(size >> 10));
	mem_owner_init(bi->ram, bi->nr_ram, meta);
	if (mem_owner_claim_hyp(l->carveout_base, l->carveout_size))
		hyp_panic("the carve-out is not RAM");
	vm_init(arch_pa_bits());
	chan_init();
}

static void setup_cpus(const struct boot_info *bi)
{
	u64 self = arch_read_mpidr();
	struct hyp_cpu *boot_cpu;

	hyp_nr_cpus = bi->nr_cpus;
	for (unsigned int i = 0; i < bi->nr_cpus; i++) {
		hyp_cpus[i] = (struct hyp_cpu){ .mpidr = bi->cpu_mpidr[i], .index = i };
	}
	boot_cpu = cpu_by_mpidr(self);
	if (!boot_cpu)
		hyp_panic("boot CPU (MPIDR %llx) is not listed in /cpus", (unsigned long long)self);
	for (unsigned int i = 0; i < hyp_nr_cpus; i++) {
		u8 *stack;

		if (&hyp_cpus[i] == boot_cpu) {
			hyp_cpus[i].stack_top = va(boot_stack_top);
			continue;
		}
		/* one more page below the stack stays unmapped as a guard */
		stack = pool_zalloc_pages(&hyp_pool, CPU_STACK_PAGES + 1);
		if (!stack)
			hyp_panic("no pool memory for CPU stacks");
		hyp_cpus[i].stack_top = va(stack) + (CPU_STACK_PAGES + 1) * PAGE_SIZE;
	}
	arch_set_this_cpu(boot_cpu);
}

static void write_host_dtb(const void *dtb, const struct boot_info *bi,
			   const struct boot_layout *l)
{
	struct host_dt_params p = {
		.carveout_base = l->carveout_base,
		.carveout_size = l->carveout_size,
		.bootargs = bi->kernel_args,
		.have_initrd = bi->have_initrd,
		.initrd_start = bi->initrd.base,
		.initrd_end = bi->initrd.base + bi->initrd.size,
	};
	void *dst = (void *)(uintptr_t)l->host_dtb;
	int ret = host_dt_build(dtb, dst, l->host_dtb_size, &p);

	if (ret)
		hyp_panic("writing the host DTB failed: %s", dt_strerror(ret));
	/* the host reads it with its MMU off */
	arch_dcache_clean_range(dst, dt_totalsize(dst));
	hyp_log("host DTB at %llx (%u bytes)", (unsigned long long)l->host_dtb, dt_totalsize(dst));
}

static const void *check_boot_dtb(u64 dtb_pa)
{
	const void *dtb = (const void *)(uintptr_t)dtb_pa;

	/* nothing can be printed before the DTB names the UART */
	if (!dtb_pa || dt_totalsize(dtb) > DTB_MAX_SIZE || dt_check(dtb, dt_totalsize(dtb)))
		arch_halt();
	return dtb;
}

void hyp_boot_main(u64 dtb_pa, u64 load_pa)
{
	const void *dtb = check_boot_dtb(dtb_pa);
	struct log_console con;
	struct boot_info bi;
	struct hyp_options opt;
	struct boot_layout l;
	char err[BOOT_ERR_MAX];
	u64 uart;

	if (bootinfo_find_uart(dtb, &uart)) {
		pl011_console(uart, &con);
		log_set_console(&con);
	}
	hyp_log("gzvm hypervisor (GenieZone ABI %d.%d.%d) loaded at %llx, DTB at %llx",
		16, 0, 0, (unsigned long long)load_pa, (unsigned long long)dtb_pa);
	if (bootinfo_parse(dtb, &bi, err, sizeof(err)))
		hyp_panic("boot DTB: %s", err);
	if (hyp_options_parse(bi.hyp_args, &opt, err, sizeof(err)))
		hyp_panic("options: %s", err);
	if (err[0])
		hyp_log("options: %s", err);
	/* the key from the DTB or the command line; two different keys is a broken boot */
	if (bi.have_pvm_key && opt.have_pvm_key && memcmp(bi.pvm_key, opt.pvm_key, sizeof(opt.pvm_key)))
		hyp_panic("pvm_key= and /chosen/gzvm,pvm-key name different keys");
	if (bi.have_pvm_key || opt.have_pvm_key)
		payload_set_key(bi.have_pvm_key ? bi.pvm_key : opt.pvm_key);
	hyp_log("protected VMs: %s", bi.have_pvm_key ? "payloads verified against /chosen/gzvm,pvm-key" :
		opt.have_pvm_key ? "payloads verified against pvm_key" :
		"no pvm_key, payloads measured, not verified");
	if (!bi.psci_smc)
		hyp_panic("the DTB's PSCI node must use the smc method (EL2 calls firmware by SMC)");
	if (layout_plan(&bi, opt.carveout_size, load_pa, va(_end), dtb_pa, dt_totalsize(dtb),
			(const struct arm64_image_header *)(uintptr_t)bi.kernel.base, &l, err,
			sizeof(err)))
		hyp_panic("memory layout: %s", err);
	hyp_log("carve-out [%llx, %llx): image %llu KiB, pool %llu KiB; %u CPUs",
		(unsigned long long)l.carveout_base,
		(unsigned long long)(l.carveout_base + l.carveout_size),
		(unsigned long long)((l.image_end - l.image_start) >> 10),
		(unsigned long long)((l.pool_end - l.pool_start) >> 10), bi.nr_cpus);

	pool_init(&hyp_pool, (void *)(uintptr_t)l.pool_start, l.pool_end - l.pool_start);
	init_ownership(&bi, &l);
	setup_cpus(&bi);
	build_hyp_stage1(&bi);
	arch_el2_mmu_prepare(&hyp_s1);
	arch_el2_mmu_enable_boot(l.carveout_base, l.carveout_base + l.carveout_size);
	hyp_log("EL2 MMU on (W^X identity map)");

	arch_host_s2_prepare(host_s2_build(&bi, &l, arch_pa_bits()));
	gic_init(bi.gicr.base, bi.gicr.size);
	write_host_dtb(dtb, &bi, &l);

	if (psci_relay_init())
		hyp_panic("firmware does not implement PSCI 0.2 or later");
	hyp_log("firmware PSCI %u.%u%s", psci_fw.psci_version >> 16, psci_fw.psci_version & 0xffff,
		psci_fw.smccc_1_1 ? ", SMCCC 1.1" : "");
	psci_relay_set_boot_cpu(arch_this_cpu());
	/* the secondaries read their hyp_cpu with caches off */
	arch_dcache_clean_range(hyp_cpus, sizeof(hyp_cpus));

	arch_this_cpu()->host_entry = l.kernel_entry;
	arch_this_cpu()->host_ctx = l.host_dtb;
	if (!gic_cpu_init(arch_this_cpu()))
		hyp_log("no GICv3 redistributor for the boot CPU: guests cannot be preempted");
	hyp_log("pool: %llu of %llu pages used; starting the host kernel at %llx at EL1",
		(unsigned long long)pool_used_pages(&hyp_pool),
		(unsigned long long)hyp_pool.total_pages, (unsigned long long)l.kernel_entry);
	log_host_started();
	arch_enter_host(arch_this_cpu());
}

void cpu_entered_from_firmware(struct hyp_cpu *cpu)
{
	psci_relay_cpu_entered(cpu);
	gic_cpu_init(cpu);
	hyp_log("cpu%u entering the host at %llx", cpu->index,
		(unsigned long long)cpu->host_entry);
	arch_enter_host(cpu);
}
