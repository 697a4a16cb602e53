// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for hyp/lib/fdt.c.
 *
 * The input is a DTB. dt_check() must never misbehave on it. If it accepts
 * the blob, so must the system libfdt (fdt_check_full), every navigation
 * function is exercised over every node and property with consistency
 * checks, and a series of edits is applied to a copy opened into a bigger
 * buffer; after each edit dt_check() must accept the result again. Any
 * inconsistency aborts (= a crash for libFuzzer).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt.h"
#include "host_libfdt.h"

#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
	abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void navigate(const uint8_t *b, int checked)
{
	int n = -1, depth = 0, count = 0, p, len, c, children;
	uint64_t a, s;
	uint32_t u;
	const char *name;

	while ((n = dt_next_node(b, n, &depth)) >= 0) {
		const char *nn = dt_node_name(b, n, &len);
		int parent = dt_parent(b, n);

		if (checked) {
			CHECK(nn && (int)strlen(nn) == len);
			CHECK(depth >= 1 && depth <= DT_MAX_DEPTH);
			CHECK(n == 0 ? parent == DT_ERR_NOTFOUND : parent >= 0);
			if (n) {
				/* Found again by name below its parent (first match). */
				c = dt_subnode(b, parent, nn);
				CHECK(c >= 0 && c <= n);
			}
		}
		children = 0;
		for (c = dt_first_child(b, n); c >= 0; c = dt_next_sibling(b, c)) {
			if (checked)
				CHECK(dt_parent(b, c) == n);
			children++;
		}
		for (p = dt_first_prop(b, n); p >= 0; p = dt_next_prop(b, p)) {
			const void *v = dt_prop_value(b, p, &name, &len);

			if (checked) {
				CHECK(v && len >= 0);
				CHECK(dt_getprop(b, n, name, NULL) != NULL);
			}
			if (v) {
				(void)dt_read_cells(v, len, 0, 2, &a);
				(void)dt_read_cells(v, len, len / 4 - 1, 1, &a);
			}
		}
		(void)dt_prop_u32(b, n, "phandle", &u);
		(void)dt_prop_is_stringlist_member(b, n, "compatible", "multiboot,module");
		(void)dt_addr_cells(b, n);
		(void)dt_size_cells(b, n);
		for (c = 0; c < 4 && dt_reg(b, n, c, &a, &s) == 0; c++)
			;
		if (++count > 100000)
			break;
	}
	if (checked)
		CHECK(n == DT_ERR_NOTFOUND);
	for (n = dt_next_node_by_compatible(b, -1, "multiboot,module"); n >= 0;
	     n = dt_next_node_by_compatible(b, n, "multiboot,module"))
		;
	(void)dt_path_offset(b, "/chosen");
	(void)dt_path_offset(b, "/cpus/cpu@0");
	(void)dt_path_offset(b, "serial0:115200");
	n = dt_path_offset(b, "/chosen");
	if (n >= 0) {
		const char *sp = dt_getprop(b, n, "stdout-path", &len);

		if (sp && len > 0 && sp[len - 1] == '\0')
			(void)dt_path_offset(b, sp);
	}
	len = dt_num_mem_rsv(b);
	for (p = 0; p < len && p < 64; p++)
		CHECK(dt_get_mem_rsv(b, p, &a, &s) == 0);
}

/* Run one edit and require a valid blob afterwards. */
#define EDIT(call) do { \
	int r_ = (call); \
	CHECK(r_ >= 0 || r_ == DT_ERR_NOSPACE || r_ == DT_ERR_EXISTS || \
	      r_ == DT_ERR_NOTFOUND || r_ == DT_ERR_TOODEEP || \
	      r_ == DT_ERR_BADVALUE); \
	CHECK(dt_check(buf, bufsize) == 0); \
	} while (0)

static void edit(const uint8_t *data, size_t size)
{
	size_t bufsize = size + 512;
	uint8_t *buf = malloc(bufsize);
	uint64_t cells[4] = { 0x7f000000, 0x1000000, 0x1, 0x2 };
	int n, len, sel = size ? data[size - 1] : 0, i;
	const char *v, *name;

	CHECK(buf);
	CHECK(dt_open_into(data, buf, bufsize) == 0);
	CHECK(dt_check(buf, bufsize) == 0);
	CHECK(oracle_check(buf, bufsize) == 0);

	EDIT(dt_setprop_u32(buf, 0, "gzvm,fuzz", 1));
	EDIT(dt_add_subnode(buf, 0, "hypervisor"));
	n = dt_path_offset(buf, "/hypervisor");
	if (n >= 0) {
		EDIT(dt_setprop(buf, n, "compatible",
				"mediatek,geniezone\0mediatek,geniezone-hyp", 42));
		EDIT(dt_setprop_cells(buf, dt_path_offset(buf, "/hypervisor"),
				      "reg", cells, 2, 2));
	}
	/* Copy a property value inside the blob to the root (offsets move). */
	n = dt_first_child(buf, 0);
	if (n >= 0 && dt_first_prop(buf, n) >= 0) {
		v = dt_prop_value(buf, dt_first_prop(buf, n), &name, &len);
		if (v)
			EDIT(dt_setprop(buf, 0, "gzvm,copy", v, len));
	}
	/* Pick nodes by the input's last byte: delete a prop, a node. */
	for (i = 0, n = 0; n >= 0 && i < (sel & 15); i++)
		n = dt_next_node(buf, n, NULL);
	if (n >= 0) {
		int p = dt_first_prop(buf, n);

		if (p >= 0 && dt_prop_value(buf, p, &name, NULL)) {
			char tmp[256];

			/* name lives in the blob and moves on edit: copy it. */
			snprintf(tmp, sizeof(tmp), "%s", name);
			EDIT(dt_setprop_string(buf, n, tmp, "replaced"));
			EDIT(dt_delprop(buf, n, tmp));
		}
		EDIT(dt_appendprop_string(buf, n, "gzvm,list", "x"));
		EDIT(dt_add_subnode(buf, n, "child@0"));
		if (n > 0 && (sel & 16))
			EDIT(dt_del_node(buf, n));
	}
	EDIT(dt_add_mem_rsv(buf, 0x7f000000, 0x1000000));
	if (dt_num_mem_rsv(buf) > 0)
		EDIT(dt_del_mem_rsv(buf, 0));
	navigate(buf, 1);
	CHECK(oracle_check(buf, bufsize) == 0);
	CHECK(dt_pack(buf) == 0);
	CHECK(dt_check(buf, dt_totalsize(buf)) == 0);
	CHECK(oracle_check(buf, dt_totalsize(buf)) == 0);
	/* Re-open in place, bigger again. */
	CHECK(dt_open_into(buf, buf, bufsize) == 0);
	CHECK(dt_check(buf, bufsize) == 0);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (dt_check(data, size) != 0) {
		/*
		 * Rejected: the other functions only promise not to read
		 * outside totalsize, so exercise them when that fits.
		 */
		if (size >= DT_HEADER_SIZE && dt_totalsize(data) <= size)
			navigate(data, 0);
		return 0;
	}
	/* Whatever we accept, libfdt must accept too. */
	CHECK(oracle_check(data, size) == 0);
	navigate(data, 1);
	edit(data, size);
	return 0;
}
