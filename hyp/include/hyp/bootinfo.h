/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the hypervisor learns from the boot DTB: RAM, CPUs, the early UART,
 * the PSCI conduit, its own options, and the host's kernel, command line
 * and initramfs from the /chosen "multiboot,module" nodes (the Xen boot
 * protocol that QEMU's guest-loader and U-Boot implement).
 */
#ifndef HYP_BOOTINFO_H
#define HYP_BOOTINFO_H

#include <hyp/types.h>

#define HYP_MAX_CPUS		8
#define BOOT_MAX_RAM_RANGES	8
#define BOOT_ERR_MAX		96

struct mem_range {
	u64 base;
	u64 size;
};

struct boot_info {
	struct mem_range ram[BOOT_MAX_RAM_RANGES];
	unsigned int nr_ram;

	u64 cpu_mpidr[HYP_MAX_CPUS];
	unsigned int nr_cpus;

	bool have_uart;		/* a PL011 named by /chosen/stdout-path */
	u64 uart_base;

	bool psci_smc;		/* /psci method = "smc" */

	struct mem_range gicr;	/* GICv3 redistributor region (size 0: none) */

	struct mem_range kernel;	/* "multiboot,kernel" module */
	const char *kernel_args;	/* its "bootargs" (points into the DTB), or NULL */
	bool have_initrd;
	struct mem_range initrd;	/* "multiboot,ramdisk" module */

	const char *hyp_args;	/* /chosen/bootargs: the hypervisor's own options, or NULL */
	/* /chosen/gzvm,pvm-key (32 bytes): the key of protected VMs' payloads, as pvm_key= */
	bool have_pvm_key;
	u8 pvm_key[32];
};

/*
 * Fill *bi from a DTB that passed dt_check().  Returns 0, or -1 with a
 * one-line reason in err.
 */
int bootinfo_parse(const void *dtb, struct boot_info *bi, char *err, size_t errlen);

/* Just the early console (so errors of bootinfo_parse() can be printed). */
bool bootinfo_find_uart(const void *dtb, u64 *base);

/*
 * Hypervisor options from /chosen/bootargs, space separated:
 *   carveout=<n>[K|M|G]   size of the hypervisor's memory (default 32M;
 *                         rounded up to 2 MiB; 8M..1G)
 *   pvm_key=<64 hex digits>
 *                         the Ed25519 public key protected VMs' payloads
 *                         must be signed with (docs/protected-vms.md),
 *                         as the DTB property /chosen/gzvm,pvm-key gives it
 *                         too; without either, protected VMs run unverified
 * Unknown options are reported, not fatal.
 */
struct hyp_options {
	u64 carveout_size;
	bool have_pvm_key;
	u8 pvm_key[32];
};

#define HYP_CARVEOUT_DEFAULT	(32ULL << 20)
#define HYP_CARVEOUT_MIN	(8ULL << 20)
#define HYP_CARVEOUT_MAX	(1ULL << 30)

int hyp_options_parse(const char *args, struct hyp_options *opt, char *err, size_t errlen);

#endif
