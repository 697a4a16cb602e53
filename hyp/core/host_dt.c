// SPDX-License-Identifier: GPL-2.0-only
/* Rewriting the firmware's DTB for the host (see host_dt.h for the list). */
#include <fdt.h>
#include <hyp/host_dt.h>
#include <hyp/printf.h>
#include <hyp/string.h>

/* Remove every "multiboot,module" child of /chosen: they describe our boot, not the host's. */
static int remove_modules(void *dt)
{
	for (;;) {
		int chosen = dt_path_offset(dt, "/chosen");
		int n;

		if (chosen < 0)
			return 0;
		for (n = dt_first_child(dt, chosen); n >= 0; n = dt_next_sibling(dt, n)) {
			if (dt_prop_is_stringlist_member(dt, n, "compatible", "multiboot,module"))
				break;
		}
		if (n < 0)
			return 0;
		n = dt_del_node(dt, n);
		if (n < 0)
			return n;
	}
}

static int set_chosen(void *dt, const struct host_dt_params *p)
{
	int chosen = dt_path_offset(dt, "/chosen");
	int ret;

	if (chosen < 0) {
		chosen = dt_add_subnode(dt, dt_root(), "chosen");
		if (chosen < 0)
			return chosen;
	}
	if (p->bootargs)
		ret = dt_setprop_string(dt, chosen, "bootargs", p->bootargs);
	else
		ret = dt_delprop(dt, chosen, "bootargs");
	if (ret < 0 && ret != DT_ERR_NOTFOUND)
		return ret;

	if (p->have_initrd) {
		u64 start = p->initrd_start, end = p->initrd_end;

		chosen = dt_path_offset(dt, "/chosen");
		ret = dt_setprop_cells(dt, chosen, "linux,initrd-start", &start, 1, 2);
		if (ret < 0)
			return ret;
		chosen = dt_path_offset(dt, "/chosen");
		return dt_setprop_cells(dt, chosen, "linux,initrd-end", &end, 1, 2);
	}
	for (int i = 0; i < 2; i++) {
		chosen = dt_path_offset(dt, "/chosen");
		ret = dt_delprop(dt, chosen, i ? "linux,initrd-end" : "linux,initrd-start");
		if (ret < 0 && ret != DT_ERR_NOTFOUND)
			return ret;
	}
	return 0;
}

static int add_reserved_memory(void *dt, u64 base, u64 size)
{
	int rsv = dt_path_offset(dt, "/reserved-memory");
	char name[32];
	int node, ac, sc, ret;
	u64 cells[2] = { base, size };

	if (rsv < 0) {
		rsv = dt_add_subnode(dt, dt_root(), "reserved-memory");
		if (rsv < 0)
			return rsv;
		ret = dt_setprop_u32(dt, rsv, "#address-cells", 2);
		if (ret < 0)
			return ret;
		rsv = dt_path_offset(dt, "/reserved-memory");
		ret = dt_setprop_u32(dt, rsv, "#size-cells", 2);
		if (ret < 0)
			return ret;
		rsv = dt_path_offset(dt, "/reserved-memory");
		ret = dt_setprop(dt, rsv, "ranges", NULL, 0);
		if (ret < 0)
			return ret;
		rsv = dt_path_offset(dt, "/reserved-memory");
	}
	ac = dt_addr_cells(dt, rsv);
	sc = dt_size_cells(dt, rsv);
	/* dt_setprop_cells() writes both with one cell count */
	if (ac != sc || ac < 1 || ac > 2)
		return DT_ERR_BADVALUE;
	hyp_snprintf(name, sizeof(name), "gzvm@%llx", (unsigned long long)base);
	node = dt_add_subnode(dt, rsv, name);
	if (node < 0)
		return node;
	ret = dt_setprop_cells(dt, node, "reg", cells, 2, ac);
	if (ret < 0)
		return ret;
	node = dt_path_offset(dt, "/reserved-memory");
	node = dt_subnode(dt, node, name);
	return dt_setprop(dt, node, "no-map", NULL, 0);
}

static int add_hypervisor_node(void *dt)
{
	static const char compat[] = GZVM_DT_COMPATIBLE "\0" GZVM_DT_COMPATIBLE_OLD;
	int node = dt_subnode(dt, dt_root(), "hypervisor");

	if (node >= 0) {
		int ret = dt_del_node(dt, node);

		if (ret < 0)
			return ret;
	}
	node = dt_add_subnode(dt, dt_root(), "hypervisor");
	if (node < 0)
		return node;
	return dt_setprop(dt, node, "compatible", compat, sizeof(compat));
}

int host_dt_build(const void *src, void *dst, size_t dst_size, const struct host_dt_params *p)
{
	int ret;

	if (!p->carveout_size || p->carveout_base + p->carveout_size < p->carveout_base ||
	    (p->have_initrd && p->initrd_end <= p->initrd_start))
		return DT_ERR_BADVALUE;
	ret = dt_open_into(src, dst, dst_size);
	if (ret >= 0)
		ret = remove_modules(dst);
	if (ret >= 0)
		ret = set_chosen(dst, p);
	if (ret >= 0)
		ret = add_reserved_memory(dst, p->carveout_base, p->carveout_size);
	if (ret >= 0)
		ret = add_hypervisor_node(dst);
	if (ret >= 0)
		ret = dt_pack(dst);
	return ret < 0 ? ret : 0;
}
