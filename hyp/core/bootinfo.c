// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading the boot DTB.  The blob comes from firmware and is validated by
 * dt_check() first; here every value is still checked for sense (sizes that
 * wrap, too many CPUs, missing modules) before the boot code relies on it.
 */
#include <fdt.h>
#include <hyp/bootinfo.h>
#include <hyp/printf.h>
#include <hyp/string.h>

#define FAIL(...) do { hyp_snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static bool range_sane(u64 base, u64 size)
{
	return size && base + size > base;
}

static int parse_memory(const void *dtb, struct boot_info *bi, char *err, size_t errlen)
{
	int node = -1;

	/* every node with device_type = "memory" (usually /memory@...) */
	while ((node = dt_next_node(dtb, node, NULL)) >= 0) {
		int len;
		const char *type = dt_getprop(dtb, node, "device_type", &len);
		u64 base, size;

		if (!type || len != sizeof("memory") || memcmp(type, "memory", len))
			continue;
		for (int i = 0; dt_reg(dtb, node, i, &base, &size) == 0; i++) {
			if (!size)
				continue;
			if (!range_sane(base, size))
				FAIL("memory range %d of %s wraps", i, dt_node_name(dtb, node, NULL));
			if (bi->nr_ram == BOOT_MAX_RAM_RANGES)
				FAIL("more than %d memory ranges", BOOT_MAX_RAM_RANGES);
			bi->ram[bi->nr_ram++] = (struct mem_range){ base, size };
		}
	}
	if (!bi->nr_ram)
		FAIL("no memory node in the DTB");
	return 0;
}

static int parse_cpus(const void *dtb, struct boot_info *bi, char *err, size_t errlen)
{
	int cpus = dt_path_offset(dtb, "/cpus");
	int ac;

	if (cpus < 0)
		FAIL("no /cpus node");
	ac = dt_addr_cells(dtb, cpus);
	if (ac < 1 || ac > 2)
		FAIL("/cpus has #address-cells = %d", ac);
	for (int n = dt_first_child(dtb, cpus); n >= 0; n = dt_next_sibling(dtb, n)) {
		int len;
		const char *type = dt_getprop(dtb, n, "device_type", &len);
		const void *reg;
		u64 mpidr;

		if (!type || len != sizeof("cpu") || memcmp(type, "cpu", len))
			continue;
		reg = dt_getprop(dtb, n, "reg", &len);
		if (!reg || dt_read_cells(reg, len, 0, ac, &mpidr))
			FAIL("cpu node %s has no valid reg", dt_node_name(dtb, n, NULL));
		if (bi->nr_cpus == HYP_MAX_CPUS)
			FAIL("more than %d CPUs", HYP_MAX_CPUS);
		for (unsigned int i = 0; i < bi->nr_cpus; i++) {
			if (bi->cpu_mpidr[i] == mpidr)
				FAIL("two CPUs with MPIDR %llx", (unsigned long long)mpidr);
		}
		bi->cpu_mpidr[bi->nr_cpus++] = mpidr;
	}
	if (!bi->nr_cpus)
		FAIL("no cpu nodes under /cpus");
	return 0;
}

bool bootinfo_find_uart(const void *dtb, u64 *base)
{
	int chosen = dt_path_offset(dtb, "/chosen");
	const char *path;
	int len, node, parent;
	u64 size;

	if (chosen < 0)
		return false;
	path = dt_getprop(dtb, chosen, "stdout-path", &len);
	if (!path)
		path = dt_getprop(dtb, chosen, "linux,stdout-path", &len);
	if (!path || len < 2 || path[len - 1] != '\0')
		return false;
	node = dt_path_offset(dtb, path);
	if (node < 0)
		return false;
	if (!dt_prop_is_stringlist_member(dtb, node, "compatible", "arm,pl011") &&
	    !dt_prop_is_stringlist_member(dtb, node, "compatible", "arm,sbsa-uart"))
		return false;
	/* only a direct child of the root: no bus address translation to do */
	parent = dt_parent(dtb, node);
	if (parent != dt_root())
		return false;
	if (dt_reg(dtb, node, 0, base, &size) || !size)
		return false;
	return true;
}

/*
 * A module's reg.  QEMU's guest-loader writes it with the root's cell
 * counts and gives /chosen no #address-cells/#size-cells, so those are the
 * fallback here (rather than the spec's 2/1 defaults).
 */
static int module_reg(const void *dtb, int chosen, int node, struct mem_range *r)
{
	int cells = dt_getprop(dtb, chosen, "#address-cells", NULL) ? chosen : dt_root();
	int ac = dt_addr_cells(dtb, cells), sc = dt_size_cells(dtb, cells);
	int len;
	const void *reg = dt_getprop(dtb, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || sc < 1 || sc > 2 || len < 4 * (ac + sc) ||
	    dt_read_cells(reg, len, 0, ac, &r->base) || dt_read_cells(reg, len, ac, sc, &r->size))
		return -1;
	return range_sane(r->base, r->size) ? 0 : -1;
}

static int parse_modules(const void *dtb, struct boot_info *bi, char *err, size_t errlen)
{
	int chosen = dt_path_offset(dtb, "/chosen");
	bool have_kernel = false;

	if (chosen < 0)
		FAIL("no /chosen node");
	for (int n = dt_first_child(dtb, chosen); n >= 0; n = dt_next_sibling(dtb, n)) {
		bool is_kernel = dt_prop_is_stringlist_member(dtb, n, "compatible", "multiboot,kernel");
		bool is_ramdisk = dt_prop_is_stringlist_member(dtb, n, "compatible", "multiboot,ramdisk");
		struct mem_range r;

		if (!is_kernel && !is_ramdisk)
			continue;
		if (module_reg(dtb, chosen, n, &r))
			FAIL("module %s has no valid reg", dt_node_name(dtb, n, NULL));
		if (is_kernel) {
			int len;
			const char *args = dt_getprop(dtb, n, "bootargs", &len);

			if (have_kernel)
				FAIL("more than one multiboot,kernel module");
			have_kernel = true;
			bi->kernel = r;
			bi->kernel_args = args && len > 0 && args[len - 1] == '\0' ? args : NULL;
		} else {
			if (bi->have_initrd)
				FAIL("more than one multiboot,ramdisk module");
			bi->have_initrd = true;
			bi->initrd = r;
		}
	}
	if (!have_kernel)
		FAIL("no multiboot,kernel module in /chosen (QEMU: -device guest-loader,kernel=...)");
	return 0;
}

static int parse_chosen_args(const void *dtb, struct boot_info *bi, char *err, size_t errlen)
{
	int chosen = dt_path_offset(dtb, "/chosen");
	int len, key_len;
	const char *args = chosen >= 0 ? dt_getprop(dtb, chosen, "bootargs", &len) : NULL;
	const u8 *key = chosen >= 0 ? dt_getprop(dtb, chosen, "gzvm,pvm-key", &key_len) : NULL;

	bi->hyp_args = args && len > 0 && args[len - 1] == '\0' ? args : NULL;
	if (key) {
		if (key_len != (int)sizeof(bi->pvm_key))
			FAIL("/chosen/gzvm,pvm-key must be 32 bytes (an Ed25519 public key), not %d",
			     key_len);
		memcpy(bi->pvm_key, key, sizeof(bi->pvm_key));
		bi->have_pvm_key = true;
	}
	return 0;
}

static void parse_psci(const void *dtb, struct boot_info *bi)
{
	int node = dt_next_node_by_compatible(dtb, -1, "arm,psci-0.2");
	int len;
	const char *method;

	if (node < 0)
		node = dt_next_node_by_compatible(dtb, -1, "arm,psci-1.0");
	if (node < 0)
		node = dt_path_offset(dtb, "/psci");
	method = node >= 0 ? dt_getprop(dtb, node, "method", &len) : NULL;
	bi->psci_smc = method && len == sizeof("smc") && !memcmp(method, "smc", len);
}

/* The first redistributor region of a GICv3 that is a direct child of the root. */
static void parse_gic(const void *dtb, struct boot_info *bi)
{
	int node = dt_next_node_by_compatible(dtb, -1, "arm,gic-v3");

	if (node < 0 || dt_parent(dtb, node) != dt_root() ||
	    dt_reg(dtb, node, 1, &bi->gicr.base, &bi->gicr.size) || !range_sane(bi->gicr.base, bi->gicr.size))
		bi->gicr = (struct mem_range){ 0, 0 };
}

int bootinfo_parse(const void *dtb, struct boot_info *bi, char *err, size_t errlen)
{
	memset(bi, 0, sizeof(*bi));
	if (parse_memory(dtb, bi, err, errlen) || parse_cpus(dtb, bi, err, errlen) ||
	    parse_modules(dtb, bi, err, errlen) || parse_chosen_args(dtb, bi, err, errlen))
		return -1;
	bi->have_uart = bootinfo_find_uart(dtb, &bi->uart_base);
	parse_psci(dtb, bi);
	parse_gic(dtb, bi);
	return 0;
}

/* "32M" -> bytes; false on junk or overflow. */
static bool parse_size(const char *s, size_t n, u64 *out)
{
	u64 v = 0;
	size_t i = 0;
	unsigned int shift = 0;

	if (!n)
		return false;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (~0ULL - 9) / 10)
			return false;
		v = v * 10 + (u64)(s[i] - '0');
	}
	if (i == 0)
		return false;
	if (i < n) {
		switch (s[i]) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		default: return false;
		}
		if (++i != n)
			return false;
	}
	if (v > (~0ULL >> shift))
		return false;
	*out = v << shift;
	return true;
}

/* Exactly 2 * len hex digits into out[0..len). */
static bool parse_hex(const char *s, size_t n, u8 *out, size_t len)
{
	if (n != 2 * len)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		unsigned int v;

		if (c >= '0' && c <= '9')
			v = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = (unsigned int)(c - 'A' + 10);
		else
			return false;
		out[i / 2] = (u8)((i & 1) ? (out[i / 2] | v) : v << 4);
	}
	return true;
}

int hyp_options_parse(const char *args, struct hyp_options *opt, char *err, size_t errlen)
{
	const char *p = args;

	*opt = (struct hyp_options){ .carveout_size = HYP_CARVEOUT_DEFAULT };
	if (err && errlen)
		err[0] = '\0';
	while (p && *p) {
		const char *word;
		size_t n;

		while (*p == ' ')
			p++;
		word = p;
		while (*p && *p != ' ')
			p++;
		n = (size_t)(p - word);
		if (!n)
			continue;
		if (n > 9 && !strncmp(word, "carveout=", 9)) {
			u64 size;

			if (!parse_size(word + 9, n - 9, &size))
				FAIL("bad carveout size '%.*s'", (int)(n - 9), word + 9);
			size = ALIGN_UP(size, SZ_2M);
			if (size < HYP_CARVEOUT_MIN || size > HYP_CARVEOUT_MAX)
				FAIL("carveout must be between 8M and 1G");
			opt->carveout_size = size;
		} else if (n > 8 && !strncmp(word, "pvm_key=", 8)) {
			if (!parse_hex(word + 8, n - 8, opt->pvm_key, sizeof(opt->pvm_key)))
				FAIL("pvm_key must be 64 hex digits (an Ed25519 public key)");
			opt->have_pvm_key = true;
		} else {
			/* not fatal: say so and go on */
			hyp_snprintf(err, errlen, "ignoring unknown option '%.*s'", (int)n, word);
		}
	}
	return 0;
}
