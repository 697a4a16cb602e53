// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's device tree, built with libfdt's sequential-write API, laid
 * out like QEMU virt's.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <libfdt.h>

#include "vmm.h"
#include "virtio.h"

#define PHANDLE_GIC	1
#define PHANDLE_CLK	2

/* GIC interrupt specifier: type (0 SPI, 1 PPI), number, flags */
#define GIC_SPI			0
#define GIC_PPI			1
#define IRQ_TYPE_EDGE_RISING	1
#define IRQ_TYPE_LEVEL_HIGH	4

#define TRY(x)	do { int _e = (x); if (_e < 0) { err = _e; what = #x; goto fail; } } while (0)

static int prop_u64x2(void *fdt, const char *name, uint64_t a, uint64_t b)
{
	fdt64_t v[2] = { cpu_to_fdt64(a), cpu_to_fdt64(b) };

	return fdt_property(fdt, name, v, sizeof(v));
}

int build_fdt(struct vm *vm, void *fdt, size_t size)
{
	const struct config *cfg = vm->cfg;
	const char *what = "";
	char name[64];
	int err;

	TRY(fdt_create(fdt, (int)size));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	TRY(fdt_property_string(fdt, "model", "gzvm-run virt"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC));

	/* /chosen */
	TRY(fdt_begin_node(fdt, "chosen"));
	TRY(fdt_property_string(fdt, "bootargs", cfg->cmdline ? cfg->cmdline : ""));
	snprintf(name, sizeof(name), "/pl011@%llx", (unsigned long long)UART_BASE);
	TRY(fdt_property_string(fdt, "stdout-path", name));
	if (vm->initrd_size) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start", vm->initrd_gpa));
		TRY(fdt_property_u64(fdt, "linux,initrd-end", vm->initrd_gpa + vm->initrd_size));
	}
	/*
	 * A protected guest's measurement, filled in by the hypervisor when it
	 * seals the VM (docs/protected-vms.md); zeros until then, and for a
	 * VM with no payload.
	 */
	if (cfg->protected_vm) {
		static const uint8_t placeholder[32];

		TRY(fdt_property(fdt, "gzvm,pvm-measurement", placeholder, sizeof(placeholder)));
	}
	TRY(fdt_end_node(fdt));

	/* /memory: one contiguous bank */
	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)RAM_BASE);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(prop_u64x2(fdt, "reg", RAM_BASE, cfg->mem_size));
	TRY(fdt_end_node(fdt));

	/* /cpus: reg = MPIDR (Aff0 = vCPU id, on both backends) */
	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (int i = 0; i < cfg->nr_cpus; i++) {
		snprintf(name, sizeof(name), "cpu@%d", i);
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
		TRY(fdt_property_u32(fdt, "reg", (uint32_t)i));
		TRY(fdt_property_string(fdt, "enable-method", "psci"));
		TRY(fdt_end_node(fdt));
	}
	TRY(fdt_end_node(fdt));

	/* /psci */
	TRY(fdt_begin_node(fdt, "psci"));
	{
		static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";

		TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	}
	TRY(fdt_property_string(fdt, "method", "hvc"));
	TRY(fdt_end_node(fdt));

	/* the GICv3 */
	snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)GIC_DIST_BASE);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "#redistributor-regions", 1));
	{
		fdt64_t reg[4] = {
			cpu_to_fdt64(GIC_DIST_BASE), cpu_to_fdt64(GIC_DIST_SIZE),
			cpu_to_fdt64(GIC_REDIST_BASE),
			cpu_to_fdt64(GIC_REDIST_STRIDE * (uint64_t)cfg->nr_cpus),
		};

		TRY(fdt_property(fdt, "reg", reg, sizeof(reg)));
	}
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
	TRY(fdt_end_node(fdt));

	/* the architected timer: secure phys, non-secure phys, virtual, hyp phys */
	TRY(fdt_begin_node(fdt, "timer"));
	TRY(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	{
		static const uint32_t ppis[4] = { 13, 14, 11, 10 };
		fdt32_t irq[12];

		for (int i = 0; i < 4; i++) {
			irq[3 * i] = cpu_to_fdt32(GIC_PPI);
			irq[3 * i + 1] = cpu_to_fdt32(ppis[i]);
			irq[3 * i + 2] = cpu_to_fdt32(IRQ_TYPE_LEVEL_HIGH);
		}
		TRY(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
	}
	TRY(fdt_property(fdt, "always-on", NULL, 0));
	TRY(fdt_end_node(fdt));

	/* the UART's clock */
	TRY(fdt_begin_node(fdt, "apb-pclk"));
	TRY(fdt_property_string(fdt, "compatible", "fixed-clock"));
	TRY(fdt_property_u32(fdt, "#clock-cells", 0));
	TRY(fdt_property_u32(fdt, "clock-frequency", 24000000));
	TRY(fdt_property_string(fdt, "clock-output-names", "clk24mhz"));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_CLK));
	TRY(fdt_end_node(fdt));

	/* the PL011 */
	snprintf(name, sizeof(name), "pl011@%llx", (unsigned long long)UART_BASE);
	TRY(fdt_begin_node(fdt, name));
	{
		static const char compat[] = "arm,pl011\0arm,primecell";
		static const char clk_names[] = "uartclk\0apb_pclk";
		fdt32_t irq[3] = { cpu_to_fdt32(GIC_SPI), cpu_to_fdt32(UART_SPI),
				   cpu_to_fdt32(IRQ_TYPE_LEVEL_HIGH) };
		fdt32_t clocks[2] = { cpu_to_fdt32(PHANDLE_CLK), cpu_to_fdt32(PHANDLE_CLK) };

		TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
		TRY(prop_u64x2(fdt, "reg", UART_BASE, UART_SIZE));
		TRY(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
		TRY(fdt_property(fdt, "clock-names", clk_names, sizeof(clk_names)));
		TRY(fdt_property(fdt, "clocks", clocks, sizeof(clocks)));
	}
	TRY(fdt_end_node(fdt));

	/* the virtio-mmio transports, in address order (vda is the first disk) */
	for (int i = 0; i < vm->nr_virtio; i++) {
		const struct virtio_dev *d = vm->virtio[i];
		fdt32_t irq[3] = { cpu_to_fdt32(GIC_SPI), cpu_to_fdt32(d->spi),
				   cpu_to_fdt32(IRQ_TYPE_EDGE_RISING) };

		snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)d->base);
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
		TRY(prop_u64x2(fdt, "reg", d->base, VIRTIO_MMIO_STRIDE));
		TRY(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
		TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
		TRY(fdt_end_node(fdt));
	}

	/* --channel: gzvm-channel-<n> */
	TRY(channels_fdt(vm, fdt));

	/* --bios: the variable bank (1) only; bank 0 holds the running firmware */
	if (cfg->bios) {
		snprintf(name, sizeof(name), "flash@%llx", (unsigned long long)FLASH_BANK1_BASE);
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_string(fdt, "compatible", "cfi-flash"));
		TRY(prop_u64x2(fdt, "reg", FLASH_BANK1_BASE, FLASH_BANK_SIZE));
		TRY(fdt_property_u32(fdt, "bank-width", 4));
		TRY(fdt_end_node(fdt));
	}

	TRY(fdt_end_node(fdt));	/* / */
	TRY(fdt_finish(fdt));
	return 0;
fail:
	vmm_err("building the DTB: %s: %s", what, fdt_strerror(err));
	return -1;
}
