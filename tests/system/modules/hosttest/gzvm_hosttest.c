// SPDX-License-Identifier: GPL-2.0
/*
 * gzvm_hosttest - checks of the GenieZone hypervisor interface, run from
 * inside the host kernel by tests/system/init-test.sh.
 *
 * Peek mode (peek_pa=<physical address> given): no checks; the module reads
 * one word of RAM at that address through the kernel's linear map, as any
 * kernel code could, and reports in its read-only parameters whether that
 * worked (peek_status 1, the word in peek_value) or faulted (2), for the
 * protected-VM selftest (tests/selftests, "protected"), which loads and
 * removes it itself.
 *
 * Every check prints one console line
 *	GZVM-TAP: ok - <name>
 *	GZVM-TAP: not ok - <name> # <detail>
 * that the system-test harness turns into TAP.  The module then loads
 * successfully (so it can be removed again) whatever the results.
 *
 * Status codes in x0 are compared as (int)res.a0: the GenieZone ABI defines
 * them as 32-bit Little-Kernel error numbers (spec/gzvm-abi.md section 6.4),
 * and SMCCC's NOT_SUPPORTED (-1) compares equal either way.
 */
#include <linux/arm-smccc.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/virt.h>

#define GZVM_HC_PROBE_SMC64	0xFB00100CU
#define GZVM_HC_PROBE_SMC32	0xBB00100CU
#define GZVM_HC_UNKNOWN		0xFB0010FFU	/* in range, not assigned */
#define NON_GZVM_HC		0xC6000001U	/* vendor hypervisor service */
#define GZVM_DRV_MAJOR		16
#define GZVM_ERR_NOT_SUPPORTED	(-24)

static unsigned long carveout_base;
module_param(carveout_base, ulong, 0444);
MODULE_PARM_DESC(carveout_base, "physical base of the hypervisor carve-out");

static unsigned long carveout_size;
module_param(carveout_size, ulong, 0444);
MODULE_PARM_DESC(carveout_size, "size of the hypervisor carve-out in bytes");

static unsigned long peek_pa;
module_param(peek_pa, ulong, 0444);
MODULE_PARM_DESC(peek_pa, "peek mode: physical address of a RAM word to read");

enum { PEEK_NOT_RUN, PEEK_READ, PEEK_FAULTED, PEEK_NOT_RAM };
static int peek_status;
module_param(peek_status, int, 0444);
MODULE_PARM_DESC(peek_status, "peek result: 1 read, 2 faulted, 3 not a RAM address");

static unsigned long peek_value;
module_param(peek_value, ulong, 0444);
MODULE_PARM_DESC(peek_value, "peek result: the word read");

#define tap_ok(name) pr_info("GZVM-TAP: ok - %s\n", name)
#define tap_fail(name, fmt, ...) \
	pr_info("GZVM-TAP: not ok - %s # " fmt "\n", name, ##__VA_ARGS__)

/*
 * With no hypervisor below it the kernel may itself run at EL2 (VHE): an HVC
 * there is not a call to anyone and would take the kernel down.
 */
static bool hvc_is_safe(const char *name)
{
	if (is_kernel_in_hyp_mode()) {
		tap_fail(name, "kernel runs at EL2, no hypervisor below it");
		return false;
	}
	return true;
}

static void check_probe(u32 id, const char *name)
{
	struct arm_smccc_res res;

	if (!hvc_is_safe(name))
		return;
	arm_smccc_1_1_hvc(id, GZVM_DRV_MAJOR, 0, 0, &res);
	if ((int)res.a0 != 0) {
		tap_fail(name, "x0=%d (0x%lx)", (int)res.a0, res.a0);
		return;
	}
	pr_info("gzvm_hosttest: %s: hypervisor version %u.%u.%lu\n",
		name, (u32)res.a1, (u32)res.a2, res.a3);
	if (!res.a1 && !res.a2 && !res.a3)
		tap_fail(name, "x0=0 but version 0.0.0");
	else
		tap_ok(name);
}

static void check_status(u32 id, int expect, const char *name)
{
	struct arm_smccc_res res;

	if (!hvc_is_safe(name))
		return;
	arm_smccc_1_1_hvc(id, 0, 0, 0, &res);
	if ((int)res.a0 == expect)
		tap_ok(name);
	else
		tap_fail(name, "function 0x%08x: x0=%d (0x%lx), expected %d",
			 id, (int)res.a0, res.a0, expect);
}

/* Map one page of the carve-out and try to read it without faulting. */
static void check_carveout_page(phys_addr_t pa, const char *name)
{
	const char *how = "memremap";
	void __iomem *io = NULL;
	void *va;
	u64 val = 0;
	long ret;

	va = memremap(pa, PAGE_SIZE, MEMREMAP_WB);
	if (!va) {
		how = "ioremap_cache";
		io = ioremap_cache(pa, PAGE_SIZE);
		va = (void __force *)io;
	}
	if (!va) {
		tap_fail(name, "cannot map %pa (memremap and ioremap_cache failed)",
			 &pa);
		return;
	}
	pr_info("gzvm_hosttest: %pa mapped with %s\n", &pa, how);
	ret = copy_from_kernel_nofault(&val, va, sizeof(val));
	if (ret == -EFAULT)
		tap_ok(name);
	else
		tap_fail(name, "%s of %pa: nofault read returned %ld (value 0x%llx), not -EFAULT",
			 how, &pa, ret, val);
	if (io)
		iounmap(io);
	else
		memunmap(va);
}

static void check_carveout(void)
{
	if (!carveout_size || !PAGE_ALIGNED(carveout_base) ||
	    !PAGE_ALIGNED(carveout_size)) {
		tap_fail("carve-out first page unreadable from the host kernel",
			 "no usable carveout_base/carveout_size (0x%lx/0x%lx)",
			 carveout_base, carveout_size);
		tap_fail("carve-out last page unreadable from the host kernel",
			 "no usable carveout_base/carveout_size (0x%lx/0x%lx)",
			 carveout_base, carveout_size);
		return;
	}
	check_carveout_page(carveout_base,
			    "carve-out first page unreadable from the host kernel");
	check_carveout_page(carveout_base + carveout_size - PAGE_SIZE,
			    "carve-out last page unreadable from the host kernel");
}

static void check_control(void)
{
	const char *name = "kernel nofault read of own kmalloc buffer works";
	u64 *buf, val = 0;
	long ret;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf) {
		tap_fail(name, "kmalloc failed");
		return;
	}
	buf[0] = 0x677a766d686f7374ULL;
	ret = copy_from_kernel_nofault(&val, buf, sizeof(val));
	if (ret == 0 && val == buf[0])
		tap_ok(name);
	else
		tap_fail(name, "returned %ld, value 0x%llx", ret, val);
	kfree(buf);
}

static void peek(void)
{
	u64 val = 0;

	if (!IS_ALIGNED(peek_pa, sizeof(val)) || !pfn_valid(PHYS_PFN(peek_pa)) ||
	    !page_is_ram(PHYS_PFN(peek_pa))) {
		peek_status = PEEK_NOT_RAM;
		return;
	}
	if (copy_from_kernel_nofault(&val, phys_to_virt(peek_pa), sizeof(val))) {
		peek_status = PEEK_FAULTED;
		return;
	}
	peek_status = PEEK_READ;
	peek_value = val;
}

static int __init gzvm_hosttest_init(void)
{
	if (peek_pa) {
		peek();
		pr_info("gzvm_hosttest: peek of 0x%lx: status %d\n", peek_pa, peek_status);
		return 0;
	}
	pr_info("gzvm_hosttest: start (kernel at EL%d, carve-out 0x%lx+0x%lx)\n",
		is_kernel_in_hyp_mode() ? 2 : 1, carveout_base, carveout_size);
	check_probe(GZVM_HC_PROBE_SMC64, "hvc PROBE (SMC64 0xfb00100c) returns 0 and a version");
	check_probe(GZVM_HC_PROBE_SMC32, "hvc PROBE (SMC32 0xbb00100c) returns 0 and a version");
	check_status(GZVM_HC_UNKNOWN, GZVM_ERR_NOT_SUPPORTED,
		     "hvc unknown GenieZone id 0xfb0010ff returns -24 (ERR_NOT_SUPPORTED)");
	check_status(NON_GZVM_HC, SMCCC_RET_NOT_SUPPORTED,
		     "hvc id 0xc6000001 outside the GenieZone range returns -1");
	check_control();
	check_carveout();
	pr_info("gzvm_hosttest: done\n");
	return 0;
}

static void __exit gzvm_hosttest_exit(void)
{
	pr_info("gzvm_hosttest: unloaded\n");
}

module_init(gzvm_hosttest_init);
module_exit(gzvm_hosttest_exit);

MODULE_DESCRIPTION("gzvm system test: hypervisor interface checks from the host");
MODULE_LICENSE("GPL");
