// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot-time decisions from the DTB: what bootinfo_parse() extracts, the
 * hypervisor's options, the memory layout checks, and the host DTB the
 * hypervisor writes (checked with the system libfdt as an independent
 * oracle).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fdt.h>
#include <hyp/bootinfo.h>
#include <hyp/host_dt.h>
#include <hyp/layout.h>

#include "host_libfdt.h"

static void *virt_dtb;
static size_t virt_size;

static void *load_file(const char *name, size_t *size)
{
	char path[512];
	FILE *f;
	void *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", UNIT_DATA_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static int group_setup(void **state)
{
	(void)state;
	virt_dtb = load_file("virt.dtb", &virt_size);
	return dt_check(virt_dtb, virt_size);
}

static int group_teardown(void **state)
{
	(void)state;
	free(virt_dtb);
	return 0;
}

/* A copy of virt.dtb with room for edits, for tests that change the input. */
static void *editable_copy(void)
{
	void *b = malloc(virt_size + 4096);

	assert_non_null(b);
	assert_int_equal(dt_open_into(virt_dtb, b, virt_size + 4096), 0);
	return b;
}

static void test_parse_virt(void **state)
{
	struct boot_info bi;
	char err[BOOT_ERR_MAX];

	(void)state;
	assert_int_equal(bootinfo_parse(virt_dtb, &bi, err, sizeof(err)), 0);
	assert_int_equal(bi.nr_ram, 1);
	assert_int_equal(bi.ram[0].base, 0x40000000);
	assert_int_equal(bi.ram[0].size, 0x80000000);
	assert_int_equal(bi.nr_cpus, 4);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(bi.cpu_mpidr[i], i);
	assert_true(bi.have_uart);
	assert_int_equal(bi.uart_base, 0x9000000);
	assert_true(bi.psci_smc);
	assert_int_equal(bi.kernel.base, 0x60000000);
	assert_int_equal(bi.kernel.size, 0x2000000);
	assert_string_equal(bi.kernel_args, "console=ttyAMA0 earlycon rdinit=/init");
	assert_true(bi.have_initrd);
	assert_int_equal(bi.initrd.base, 0x62000000);
	assert_int_equal(bi.initrd.size, 0x800000);
	assert_string_equal(bi.hyp_args, "earlycon");
}

static void test_parse_missing_kernel(void **state)
{
	void *b = editable_copy();
	int chosen, mod;
	struct boot_info bi;
	char err[BOOT_ERR_MAX];

	(void)state;
	chosen = dt_path_offset(b, "/chosen");
	mod = dt_subnode(b, chosen, "module@60000000");
	assert_true(mod >= 0);
	assert_int_equal(dt_del_node(b, mod), 0);
	assert_int_equal(bootinfo_parse(b, &bi, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "multiboot,kernel"));
	free(b);
}

/* /chosen/gzvm,pvm-key: the payload key as a DTB property, exactly 32 bytes */
static void test_parse_pvm_key(void **state)
{
	void *b = editable_copy();
	u8 key[33];
	struct boot_info bi;
	char err[BOOT_ERR_MAX];
	int chosen = dt_path_offset(b, "/chosen");

	(void)state;
	for (unsigned int i = 0; i < sizeof(key); i++)
		key[i] = (u8)(0xa0 + i);
	assert_int_equal(bootinfo_parse(b, &bi, err, sizeof(err)), 0);
	assert_false(bi.have_pvm_key);
	assert_int_equal(dt_setprop(b, chosen, "gzvm,pvm-key", key, 32), 0);
	assert_int_equal(bootinfo_parse(b, &bi, err, sizeof(err)), 0);
	assert_true(bi.have_pvm_key);
	assert_memory_equal(bi.pvm_key, key, 32);
	assert_int_equal(dt_setprop(b, chosen, "gzvm,pvm-key", key, 33), 0);
	assert_int_equal(bootinfo_parse(b, &bi, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "32 bytes"));
	free(b);
}

static void test_parse_bad_cpus(void **state)
{
	void *b = editable_copy();
	int cpu;
	struct boot_info bi;
	char err[BOOT_ERR_MAX];
	uint32_t zero = 0;

	(void)state;
	/* two CPUs with the same MPIDR */
	cpu = dt_path_offset(b, "/cpus/cpu@1");
	assert_int_equal(dt_setprop(b, cpu, "reg", &zero, 4), 0);
	assert_int_equal(bootinfo_parse(b, &bi, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "MPIDR"));
	free(b);
}

static void test_parse_wrapping_memory(void **state)
{
	void *b = editable_copy();
	uint64_t reg[2] = { 0xffffffff00000000ULL, 0x200000000ULL };
	struct boot_info bi;
	char err[BOOT_ERR_MAX];

	(void)state;
	assert_int_equal(dt_setprop_cells(b, dt_path_offset(b, "/memory"), "reg", reg, 2, 2), 0);
	assert_int_equal(bootinfo_parse(b, &bi, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "wraps"));
	free(b);
}

static void test_uart_via_alias_and_options(void **state)
{
	void *b = editable_copy();
	u64 base;

	(void)state;
	assert_int_equal(dt_setprop_string(b, dt_path_offset(b, "/chosen"), "stdout-path",
					   "serial0:115200n8"), 0);
	assert_true(bootinfo_find_uart(b, &base));
	assert_int_equal(base, 0x9000000);
	/* a stdout-path naming something that is not a PL011 gives no console */
	assert_int_equal(dt_setprop_string(b, dt_path_offset(b, "/chosen"), "stdout-path",
					   "/pmu"), 0);
	assert_false(bootinfo_find_uart(b, &base));
	free(b);
}

static void test_options(void **state)
{
	struct hyp_options o;
	char err[BOOT_ERR_MAX];

	(void)state;
	assert_int_equal(hyp_options_parse(NULL, &o, err, sizeof(err)), 0);
	assert_int_equal(o.carveout_size, HYP_CARVEOUT_DEFAULT);
	assert_int_equal(hyp_options_parse("carveout=64M", &o, err, sizeof(err)), 0);
	assert_int_equal(o.carveout_size, 64 << 20);
	assert_string_equal(err, "");
	/* rounded up to 2 MiB */
	assert_int_equal(hyp_options_parse("  carveout=9000K  ", &o, err, sizeof(err)), 0);
	assert_int_equal(o.carveout_size, 10 << 20);
	assert_int_equal(hyp_options_parse("carveout=1G", &o, err, sizeof(err)), 0);
	assert_int_equal(o.carveout_size, 1 << 30);
	/* unknown options are reported, not fatal */
	assert_int_equal(hyp_options_parse("earlycon carveout=16M", &o, err, sizeof(err)), 0);
	assert_int_equal(o.carveout_size, 16 << 20);
	assert_non_null(strstr(err, "earlycon"));
	/* bad values are fatal */
	assert_int_equal(hyp_options_parse("carveout=4M", &o, err, sizeof(err)), -1);
	assert_int_equal(hyp_options_parse("carveout=2G", &o, err, sizeof(err)), -1);
	assert_int_equal(hyp_options_parse("carveout=12X", &o, err, sizeof(err)), -1);
	assert_int_equal(hyp_options_parse("carveout=M", &o, err, sizeof(err)), -1);
	assert_int_equal(hyp_options_parse("carveout=99999999999999999999", &o, err, sizeof(err)), -1);
	assert_int_equal(hyp_options_parse("carveout=18446744073709551615G", &o, err, sizeof(err)), -1);
	/* pvm_key: exactly 64 hex digits, either case */
	assert_int_equal(hyp_options_parse(NULL, &o, err, sizeof(err)), 0);
	assert_false(o.have_pvm_key);
	assert_int_equal(hyp_options_parse("pvm_key=00112233445566778899aabbccddeeffFFEEDDCCBBAA99887766554433221100",
					   &o, err, sizeof(err)), 0);
	assert_true(o.have_pvm_key);
	assert_int_equal(o.pvm_key[0], 0x00);
	assert_int_equal(o.pvm_key[1], 0x11);
	assert_int_equal(o.pvm_key[15], 0xff);
	assert_int_equal(o.pvm_key[16], 0xff);
	assert_int_equal(o.pvm_key[31], 0x00);
	assert_int_equal(o.carveout_size, HYP_CARVEOUT_DEFAULT);
	assert_int_equal(hyp_options_parse("pvm_key=0011", &o, err, sizeof(err)), -1);
	assert_int_equal(hyp_options_parse("pvm_key=g0112233445566778899aabbccddeeffffeeddccbbaa99887766554433221100",
					   &o, err, sizeof(err)), -1);
	assert_int_equal(hyp_options_parse("pvm_key=00112233445566778899aabbccddeeffffeeddccbbaa9988776655443322110000",
					   &o, err, sizeof(err)), -1);
}

static struct arm64_image_header kernel_header(void)
{
	return (struct arm64_image_header){
		.text_offset = 0, .image_size = 0x3000000, .flags = 0xa, .magic = ARM64_IMAGE_MAGIC,
	};
}

static void test_layout_ok(void **state)
{
	struct boot_info bi;
	struct boot_layout l;
	struct arm64_image_header kh = kernel_header();
	char err[BOOT_ERR_MAX];

	(void)state;
	assert_int_equal(bootinfo_parse(virt_dtb, &bi, err, sizeof(err)), 0);
	bi.initrd.base = 0x68000000;	/* clear of the kernel's 48 MiB footprint */
	assert_int_equal(layout_plan(&bi, 32 << 20, 0x40200000, 0x40280000, 0x48000000, 0x100000,
				     &kh, &l, err, sizeof(err)), 0);
	assert_int_equal(l.carveout_base, 0x40200000);
	assert_int_equal(l.carveout_size, 32 << 20);
	assert_int_equal(l.pool_start, 0x40280000);
	assert_int_equal(l.pool_end, 0x42200000);
	assert_int_equal(l.host_dtb, 0x42200000);
	assert_true(l.host_dtb_size >= 0x100000 + HOST_DT_EXTRA);
	assert_int_equal(l.kernel_entry, 0x60000000);
}

static void expect_layout_error(struct boot_info *bi, u64 carveout, u64 image, u64 dtb,
				const struct arm64_image_header *kh, const char *needle)
{
	struct boot_layout l;
	char err[BOOT_ERR_MAX];

	assert_int_equal(layout_plan(bi, carveout, image, image + 0x80000, dtb, 0x100000, kh, &l,
				     err, sizeof(err)), -1);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
}

static void test_layout_errors(void **state)
{
	struct boot_info bi;
	struct arm64_image_header kh = kernel_header();
	char err[BOOT_ERR_MAX];

	(void)state;
	assert_int_equal(bootinfo_parse(virt_dtb, &bi, err, sizeof(err)), 0);
	bi.initrd.base = 0x68000000;
	/* a carve-out that reaches the boot DTB at 128 MiB */
	expect_layout_error(&bi, 128 << 20, 0x40200000, 0x48000000, &kh, "boot DTB");
	/* the kernel's footprint (image_size) runs into the initramfs */
	bi.initrd.base = 0x62000000;
	expect_layout_error(&bi, 32 << 20, 0x40200000, 0x48000000, &kh, "initramfs");
	bi.initrd.base = 0x68000000;
	/* not an Image */
	kh.magic = 0;
	expect_layout_error(&bi, 32 << 20, 0x40200000, 0x48000000, &kh, "magic");
	kh = kernel_header();
	/* not 2 MiB aligned */
	bi.kernel.base = 0x60001000;
	expect_layout_error(&bi, 32 << 20, 0x40200000, 0x48000000, &kh, "2 MiB");
	bi.kernel.base = 0x60000000;
	/* carve-out beyond the end of RAM */
	expect_layout_error(&bi, 32 << 20, 0xbfe00000, 0x48000000, &kh, "RAM");
	/* an image too big for its carve-out */
	{
		struct boot_layout l;

		assert_int_equal(layout_plan(&bi, 8 << 20, 0x40200000, 0x40200000 + (8 << 20),
					     0x48000000, 0x100000, &kh, &l, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "pool"));
	}
	/* kernel outside RAM */
	bi.kernel.base = 0x20000000;
	expect_layout_error(&bi, 32 << 20, 0x40200000, 0x48000000, &kh, "not in RAM");
}

static void test_host_dt(void **state)
{
	size_t size = virt_size + HOST_DT_EXTRA;
	void *out = malloc(size);
	struct host_dt_params p = {
		.carveout_base = 0x40200000, .carveout_size = 32 << 20,
		.bootargs = "console=ttyAMA0 quiet", .have_initrd = true,
		.initrd_start = 0x62000000, .initrd_end = 0x62800000,
	};
	const void *v;
	int len, node;

	(void)state;
	assert_non_null(out);
	assert_int_equal(host_dt_build(virt_dtb, out, size, &p), 0);
	assert_int_equal(dt_check(out, size), 0);
	assert_int_equal(oracle_check(out, size), 0);
	/* packed: no free space left at the end */
	assert_true(oracle_totalsize(out) < size);

	node = oracle_path_offset(out, "/chosen");
	assert_true(node >= 0);
	v = oracle_getprop(out, node, "bootargs", &len);
	assert_non_null(v);
	assert_string_equal(v, "console=ttyAMA0 quiet");
	v = oracle_getprop(out, node, "linux,initrd-start", &len);
	assert_int_equal(len, 8);
	assert_memory_equal(v, "\0\0\0\0\x62\0\0\0", 8);
	v = oracle_getprop(out, node, "linux,initrd-end", &len);
	assert_memory_equal(v, "\0\0\0\0\x62\x80\0\0", 8);
	/* the module nodes are gone, the rest of /chosen stays */
	assert_true(oracle_subnode(out, node, "module@60000000") < 0);
	assert_true(oracle_subnode(out, node, "module@62000000") < 0);
	assert_non_null(oracle_getprop(out, node, "stdout-path", &len));
	assert_non_null(oracle_getprop(out, node, "rng-seed", &len));

	node = oracle_path_offset(out, "/reserved-memory/gzvm@40200000");
	assert_true(node >= 0);
	v = oracle_getprop(out, node, "reg", &len);
	assert_int_equal(len, 16);
	assert_memory_equal(v, "\0\0\0\0\x40\x20\0\0\0\0\0\0\x02\0\0\0", 16);
	v = oracle_getprop(out, node, "no-map", &len);
	assert_non_null(v);
	assert_int_equal(len, 0);
	node = oracle_path_offset(out, "/reserved-memory");
	assert_memory_equal(oracle_getprop(out, node, "#address-cells", &len), "\0\0\0\2", 4);
	assert_memory_equal(oracle_getprop(out, node, "#size-cells", &len), "\0\0\0\2", 4);
	assert_non_null(oracle_getprop(out, node, "ranges", &len));

	node = oracle_path_offset(out, "/hypervisor");
	v = oracle_getprop(out, node, "compatible", &len);
	assert_int_equal(len, sizeof("mediatek,geniezone\0mediatek,geniezone-hyp"));
	assert_memory_equal(v, "mediatek,geniezone\0mediatek,geniezone-hyp", (size_t)len);

	/* everything else is untouched: CPUs, memory, the memreserve */
	assert_true(oracle_path_offset(out, "/cpus/cpu@3") >= 0);
	assert_true(oracle_path_offset(out, "/memory@40000000") >= 0);
	assert_int_equal(oracle_num_mem_rsv(out), 1);
	free(out);
}

static void test_host_dt_existing_nodes(void **state)
{
	void *in = editable_copy();
	size_t size = virt_size + 4096 + HOST_DT_EXTRA;
	void *out = malloc(size);
	struct host_dt_params p = { .carveout_base = 0x40200000, .carveout_size = 32 << 20 };
	int node, len;
	const void *v;

	(void)state;
	assert_non_null(out);
	/* firmware already has /reserved-memory (1 cell) and a /hypervisor node */
	node = dt_add_subnode(in, dt_root(), "reserved-memory");
	assert_true(node >= 0);
	assert_int_equal(dt_setprop_u32(in, node, "#address-cells", 1), 0);
	node = dt_path_offset(in, "/reserved-memory");
	assert_int_equal(dt_setprop_u32(in, node, "#size-cells", 1), 0);
	node = dt_add_subnode(in, dt_path_offset(in, "/reserved-memory"), "other@50000000");
	assert_true(node >= 0);
	node = dt_add_subnode(in, dt_root(), "hypervisor");
	assert_int_equal(dt_setprop_string(in, node, "compatible", "xen,xen"), 0);
	node = dt_path_offset(in, "/chosen");
	assert_int_equal(dt_setprop_string(in, node, "linux,initrd-start", "x"), 0);

	assert_int_equal(host_dt_build(in, out, size, &p), 0);
	assert_int_equal(oracle_check(out, size), 0);
	node = oracle_path_offset(out, "/reserved-memory/gzvm@40200000");
	v = oracle_getprop(out, node, "reg", &len);
	assert_int_equal(len, 8);
	assert_memory_equal(v, "\x40\x20\0\0\x02\0\0\0", 8);
	assert_true(oracle_path_offset(out, "/reserved-memory/other@50000000") >= 0);
	node = oracle_path_offset(out, "/hypervisor");
	v = oracle_getprop(out, node, "compatible", &len);
	assert_memory_equal(v, "mediatek,geniezone", sizeof("mediatek,geniezone"));
	/* no initramfs and no bootargs: the properties are removed */
	node = oracle_path_offset(out, "/chosen");
	assert_null(oracle_getprop(out, node, "linux,initrd-start", &len));
	assert_null(oracle_getprop(out, node, "bootargs", &len));
	free(in);
	free(out);
}

static void test_host_dt_errors(void **state)
{
	void *out = malloc(virt_size + HOST_DT_EXTRA);
	struct host_dt_params p = { .carveout_base = 0x40200000, .carveout_size = 32 << 20 };

	(void)state;
	/* no room */
	assert_int_equal(host_dt_build(virt_dtb, out, virt_size / 2, &p), DT_ERR_NOSPACE);
	/* nonsense parameters */
	p.carveout_size = 0;
	assert_int_equal(host_dt_build(virt_dtb, out, virt_size + HOST_DT_EXTRA, &p), DT_ERR_BADVALUE);
	p.carveout_size = 32 << 20;
	p.have_initrd = true;
	p.initrd_start = p.initrd_end = 0x62000000;
	assert_int_equal(host_dt_build(virt_dtb, out, virt_size + HOST_DT_EXTRA, &p), DT_ERR_BADVALUE);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_virt),
		cmocka_unit_test(test_parse_missing_kernel),
		cmocka_unit_test(test_parse_pvm_key),
		cmocka_unit_test(test_parse_bad_cpus),
		cmocka_unit_test(test_parse_wrapping_memory),
		cmocka_unit_test(test_uart_via_alias_and_options),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_layout_ok),
		cmocka_unit_test(test_layout_errors),
		cmocka_unit_test(test_host_dt),
		cmocka_unit_test(test_host_dt_existing_nodes),
		cmocka_unit_test(test_host_dt_errors),
	};

	return cmocka_run_group_tests_name("boot", tests, group_setup, group_teardown);
}
