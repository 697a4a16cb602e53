// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for hyp/lib/fdt.c, the hypervisor's device-tree library.
 *
 * The system libfdt (host_libfdt.c) serves as an independent oracle: every
 * blob we produce must pass both dt_check() and fdt_check_full(), and both
 * libraries must agree on node/property offsets, names and values (they
 * use the same offset convention). Hostile blobs are built by hand with a
 * tiny token writer and are allocated with their exact size so that ASan
 * catches any read past them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fdt.h"
#include "host_libfdt.h"

static uint8_t *g_dtb;		/* data/virt.dtb, exactly its size */
static size_t g_size;

/* ---- helpers ------------------------------------------------------------- */

static uint32_t get32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static void put32(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = v >> 24; b[1] = v >> 16; b[2] = v >> 8; b[3] = v;
}

static uint8_t *load(const char *name, size_t *size)
{
	char path[512];
	FILE *f;
	long n;
	uint8_t *buf;

	snprintf(path, sizeof(path), "%s/%s", UNIT_DATA_DIR, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = n;
	return buf;
}

static int group_setup(void **state)
{
	(void)state;
	g_dtb = load("virt.dtb", &g_size);
	return g_dtb ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	free(g_dtb);
	return 0;
}

/* A copy of virt.dtb opened into a buffer of size bytes. */
static uint8_t *fresh(size_t size)
{
	uint8_t *b = malloc(size);

	assert_non_null(b);
	memset(b, 0xa5, size);
	assert_int_equal(dt_open_into(g_dtb, b, size), 0);
	return b;
}

static int node_at(const void *b, const char *path)
{
	int n = dt_path_offset(b, path);

	assert_int_equal(n, oracle_path_offset(b, path));
	return n;
}

/*
 * The blob passes both checkers, and both libraries see the same tree:
 * same node offsets, depths, names, parents, property offsets/names/values.
 */
static void validate(const void *b)
{
	uint32_t size = dt_totalsize(b);
	int n = -1, o = -1, dn = 0, dof = 0, count = 0;

	assert_int_equal(dt_check(b, size), 0);
	assert_int_equal(oracle_check(b, size), 0);
	assert_int_equal(dt_num_mem_rsv(b), oracle_num_mem_rsv(b));
	for (;;) {
		int p, q;

		n = dt_next_node(b, n, &dn);
		o = oracle_next_node(b, o, &dof);
		if (o < 0) {
			assert_int_equal(n, DT_ERR_NOTFOUND);
			break;
		}
		assert_int_equal(n, o);
		assert_int_equal(dn, dof);
		assert_string_equal(dt_node_name(b, n, NULL),
				    oracle_get_name(b, o, NULL));
		if (n)
			assert_int_equal(dt_parent(b, n), oracle_parent(b, o));
		for (p = dt_first_prop(b, n), q = oracle_first_prop(b, o);
		     q >= 0; p = dt_next_prop(b, p), q = oracle_next_prop(b, q)) {
			const char *pn, *qn;
			int pl, ql;
			const void *pv = dt_prop_value(b, p, &pn, &pl);
			const void *qv = oracle_prop_by_offset(b, q, &qn, &ql);

			assert_int_equal(p, q);
			assert_non_null(pv);
			assert_string_equal(pn, qn);
			assert_int_equal(pl, ql);
			assert_memory_equal(pv, qv, pl);
			assert_ptr_equal(dt_getprop(b, n, pn, &pl), pv);
		}
		assert_int_equal(p, DT_ERR_NOTFOUND);
		count++;
	}
	assert_true(count > 0);
}

static void assert_prop_str(const void *b, const char *path, const char *prop,
			    const char *want)
{
	int len, node = node_at(b, path);
	const char *v;

	assert_true(node >= 0);
	v = oracle_getprop(b, node, prop, &len);
	assert_non_null(v);
	assert_int_equal(len, (int)strlen(want) + 1);
	assert_string_equal(v, want);
	assert_ptr_equal(dt_getprop(b, node, prop, NULL), v);
}

/* ---- a tiny blob writer for hostile input -------------------------------- */

struct bld {
	uint8_t s[1 << 20];
	uint32_t sl;
	char str[4096];
	uint32_t strl;
};

static void b_tok(struct bld *b, uint32_t t)
{
	put32(b->s + b->sl, t);
	b->sl += 4;
}

static void b_begin(struct bld *b, const char *name)
{
	size_t n = strlen(name) + 1;

	b_tok(b, DT_TOKEN_BEGIN_NODE);
	memset(b->s + b->sl, 0, (n + 3) & ~3u);
	memcpy(b->s + b->sl, name, n);
	b->sl += (n + 3) & ~3u;
}

static uint32_t b_string(struct bld *b, const char *name)
{
	uint32_t off = b->strl;

	strcpy(b->str + b->strl, name);
	b->strl += strlen(name) + 1;
	return off;
}

static void b_prop(struct bld *b, const char *name, const void *val, uint32_t len)
{
	b_tok(b, DT_TOKEN_PROP);
	b_tok(b, len);
	b_tok(b, b_string(b, name));
	memset(b->s + b->sl, 0, (len + 3) & ~3u);
	memcpy(b->s + b->sl, val, len);
	b->sl += (len + 3) & ~3u;
}

/* Lay out header | rsvmap(empty) | struct | strings; malloc'd exact size. */
static uint8_t *b_finish(const struct bld *b, size_t *size)
{
	size_t total = 40 + 16 + b->sl + b->strl;
	uint8_t *o = calloc(1, total);

	put32(o + 0, DT_MAGIC);
	put32(o + 4, total);
	put32(o + 8, 56);
	put32(o + 12, 56 + b->sl);
	put32(o + 16, 40);
	put32(o + 20, 17);
	put32(o + 24, 16);
	put32(o + 32, b->strl);
	put32(o + 36, b->sl);
	memcpy(o + 56, b->s, b->sl);
	memcpy(o + 56 + b->sl, b->str, b->strl);
	*size = total;
	return o;
}

static struct bld *b_new(void)
{
	struct bld *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	return b;
}

/* A small valid tree used as the base of hostile variants. */
static struct bld *b_small(void)
{
	struct bld *b = b_new();

	b_begin(b, "");
	b_prop(b, "compatible", "a,b\0c,d", 8);
	b_begin(b, "child@1");
	b_prop(b, "reg", "\0\0\0\1", 4);
	b_tok(b, DT_TOKEN_END_NODE);
	b_tok(b, DT_TOKEN_END_NODE);
	b_tok(b, DT_TOKEN_END);
	return b;
}

/* Must be rejected (with any error) by dt_check; exercise navigation anyway. */
static int must_reject(const struct bld *b)
{
	size_t size;
	uint8_t *blob = b_finish(b, &size);
	int err = dt_check(blob, size);
	int n = -1;

	assert_true(err < 0);
	/* Navigation on a rejected blob must stay in bounds and terminate. */
	while ((n = dt_next_node(blob, n, NULL)) >= 0) {
		int p;

		(void)dt_node_name(blob, n, NULL);
		for (p = dt_first_prop(blob, n); p >= 0; p = dt_next_prop(blob, p))
			(void)dt_prop_value(blob, p, NULL, NULL);
		(void)dt_parent(blob, n);
		(void)dt_next_sibling(blob, n);
	}
	free(blob);
	return err;
}

/* ---- parsing and navigation ----------------------------------------------- */

static void test_check_valid(void **state)
{
	(void)state;
	assert_int_equal(dt_check(g_dtb, g_size), 0);
	assert_int_equal(oracle_check(g_dtb, g_size), 0);
	assert_int_equal(dt_totalsize(g_dtb), g_size);
	assert_int_equal(dt_root(), 0);
	validate(g_dtb);
	/* A bigger buffer is fine, a smaller one is not. */
	assert_int_equal(dt_check(g_dtb, g_size + 100), 0);
	assert_int_equal(dt_check(g_dtb, g_size - 1), DT_ERR_TRUNCATED);
	assert_int_equal(dt_check(NULL, 100), DT_ERR_BADVALUE);
	assert_string_equal(dt_strerror(DT_ERR_NOSPACE), "DT_ERR_NOSPACE");
}

static void test_mem_rsv(void **state)
{
	uint64_t a, s, oa, os;

	(void)state;
	assert_int_equal(dt_num_mem_rsv(g_dtb), 1);
	assert_int_equal(dt_get_mem_rsv(g_dtb, 0, &a, &s), 0);
	assert_int_equal(oracle_get_mem_rsv(g_dtb, 0, &oa, &os), 0);
	assert_int_equal(a, 0x48000000);
	assert_int_equal(s, 0x100000);
	assert_int_equal(a, oa);
	assert_int_equal(s, os);
	assert_int_equal(dt_get_mem_rsv(g_dtb, 1, &a, &s), DT_ERR_NOTFOUND);
	assert_int_equal(dt_get_mem_rsv(g_dtb, -1, &a, &s), DT_ERR_NOTFOUND);
}

static void test_children_and_siblings(void **state)
{
	static const char *const want[] = {
		"psci", "memory@40000000", "pl011@9000000", "pmu",
		"intc@8000000", "cpus", "timer", "apb-pclk", "aliases", "chosen",
	};
	int n, o, i = 0, len;

	(void)state;
	for (n = dt_first_child(g_dtb, 0), o = oracle_first_subnode(g_dtb, 0);
	     o >= 0; n = dt_next_sibling(g_dtb, n), o = oracle_next_subnode(g_dtb, o)) {
		assert_int_equal(n, o);
		assert_true(i < 10);
		assert_string_equal(dt_node_name(g_dtb, n, &len), want[i]);
		assert_int_equal(len, (int)strlen(want[i]));
		i++;
	}
	assert_int_equal(i, 10);
	assert_int_equal(n, DT_ERR_NOTFOUND);
	assert_string_equal(dt_node_name(g_dtb, 0, &len), "");
	assert_int_equal(len, 0);
	/* Leaf: no children. */
	n = node_at(g_dtb, "/pmu");
	assert_int_equal(dt_first_child(g_dtb, n), DT_ERR_NOTFOUND);
	/* Root has no sibling. */
	assert_int_equal(dt_next_sibling(g_dtb, 0), DT_ERR_NOTFOUND);
	/* Offsets that are not nodes. */
	assert_int_equal(dt_first_child(g_dtb, 1), DT_ERR_BADOFFSET);
	assert_int_equal(dt_first_child(g_dtb, -4), DT_ERR_BADOFFSET);
	assert_int_equal(dt_first_child(g_dtb, 1 << 30), DT_ERR_BADOFFSET);
	assert_int_equal(dt_first_child(g_dtb, dt_first_prop(g_dtb, 0)),
			 DT_ERR_BADOFFSET);
	assert_null(dt_node_name(g_dtb, 3, &len));
	assert_int_equal(len, DT_ERR_BADOFFSET);
}

static void test_walk_matches_oracle(void **state)
{
	int n = -1, depth = 0, maxdepth = 0, count = 0;

	(void)state;
	validate(g_dtb);
	while ((n = dt_next_node(g_dtb, n, &depth)) >= 0) {
		count++;
		if (depth > maxdepth)
			maxdepth = depth;
	}
	assert_int_equal(count, 25);
	assert_int_equal(maxdepth, 6);	/* /cpus/cpu-map/socket0/cluster0/coreN */
}

static void test_subnode(void **state)
{
	int cpus, n;

	(void)state;
	cpus = dt_subnode(g_dtb, 0, "cpus");
	assert_true(cpus > 0);
	assert_int_equal(cpus, oracle_subnode(g_dtb, 0, "cpus"));
	n = dt_subnode(g_dtb, cpus, "cpu@2");
	assert_int_equal(n, oracle_subnode(g_dtb, cpus, "cpu@2"));
	assert_string_equal(dt_node_name(g_dtb, n, NULL), "cpu@2");
	/* Without unit address: first match ("cpu-map" must not match). */
	n = dt_subnode(g_dtb, cpus, "cpu");
	assert_string_equal(dt_node_name(g_dtb, n, NULL), "cpu@0");
	assert_int_equal(n, oracle_subnode(g_dtb, cpus, "cpu"));
	assert_int_equal(dt_subnode(g_dtb, 0, "intc"),
			 oracle_subnode(g_dtb, 0, "intc@8000000"));
	assert_int_equal(dt_subnode(g_dtb, cpus, "cpu@4"), DT_ERR_NOTFOUND);
	assert_int_equal(dt_subnode(g_dtb, cpus, "cpu@"), DT_ERR_NOTFOUND);
	assert_int_equal(dt_subnode(g_dtb, cpus, "cp"), DT_ERR_NOTFOUND);
	assert_int_equal(dt_subnode(g_dtb, cpus, "cpu@00"), DT_ERR_NOTFOUND);
	assert_int_equal(dt_subnode(g_dtb, 0, ""), DT_ERR_NOTFOUND);
	assert_int_equal(dt_subnode_n(g_dtb, 0, "chosenXXX", 6),
			 dt_subnode(g_dtb, 0, "chosen"));
	assert_int_equal(dt_subnode(g_dtb, 0, NULL), DT_ERR_BADVALUE);
}

static void test_path_offset(void **state)
{
	static const char *const paths[] = {
		"/", "/chosen", "/cpus/cpu@0", "/cpus/cpu@3", "/cpus/cpu",
		"/intc@8000000/its@8080000", "/intc/its", "/chosen/module@62000000",
		"/cpus/cpu-map/socket0/cluster0/core3", "//cpus//cpu@1/",
		"/nonexistent", "/cpus/cpu@9", "/chosen/module@60000000/x",
	};
	size_t i;
	int uart;

	(void)state;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		node_at(g_dtb, paths[i]);
	assert_int_equal(dt_path_offset(g_dtb, "/"), 0);
	assert_int_equal(dt_path_offset(g_dtb, "/nonexistent"), DT_ERR_NOTFOUND);
	assert_int_equal(dt_path_offset(g_dtb, ""), DT_ERR_BADPATH);
	assert_int_equal(dt_path_offset(g_dtb, NULL), DT_ERR_BADVALUE);
	uart = node_at(g_dtb, "/pl011@9000000");
	assert_true(uart > 0);
	/* stdout-path style: options after ':' and aliases. */
	assert_int_equal(dt_path_offset(g_dtb, "/pl011@9000000:115200n8"), uart);
	assert_int_equal(dt_path_offset(g_dtb, "serial0"), uart);
	assert_int_equal(dt_path_offset(g_dtb, "serial0:115200n8"), uart);
	assert_int_equal(dt_path_offset(g_dtb, "serial1"), DT_ERR_NOTFOUND);
	assert_int_equal(dt_path_offset(g_dtb, "serial0/x"), DT_ERR_NOTFOUND);
	/* The path every boot uses. */
	{
		const char *sp = dt_getprop(g_dtb, node_at(g_dtb, "/chosen"),
					    "stdout-path", NULL);
		assert_non_null(sp);
		assert_int_equal(dt_path_offset(g_dtb, sp), uart);
	}
}

static void test_parent(void **state)
{
	int n;

	(void)state;
	assert_int_equal(dt_parent(g_dtb, 0), DT_ERR_NOTFOUND);
	n = node_at(g_dtb, "/cpus/cpu-map/socket0/cluster0/core2");
	assert_int_equal(dt_parent(g_dtb, n),
			 node_at(g_dtb, "/cpus/cpu-map/socket0/cluster0"));
	assert_int_equal(dt_parent(g_dtb, node_at(g_dtb, "/chosen")), 0);
	assert_int_equal(dt_parent(g_dtb, 5), DT_ERR_BADOFFSET);
}

static void test_props(void **state)
{
	int node, len, p, count = 0;
	const char *name;
	const void *v;

	(void)state;
	node = node_at(g_dtb, "/psci");
	v = dt_getprop(g_dtb, node, "method", &len);
	assert_non_null(v);
	assert_int_equal(len, 4);
	assert_string_equal(v, "smc");
	assert_null(dt_getprop(g_dtb, node, "nope", &len));
	assert_int_equal(len, DT_ERR_NOTFOUND);
	assert_null(dt_getprop(g_dtb, node, "metho", &len));
	assert_null(dt_getprop(g_dtb, node, "methodx", &len));
	assert_null(dt_getprop(g_dtb, 2, "method", &len));
	assert_int_equal(len, DT_ERR_BADOFFSET);
	/* Empty property. */
	v = dt_getprop(g_dtb, node_at(g_dtb, "/timer"), "always-on", &len);
	assert_non_null(v);
	assert_int_equal(len, 0);
	for (p = dt_first_prop(g_dtb, node); p >= 0; p = dt_next_prop(g_dtb, p)) {
		v = dt_prop_value(g_dtb, p, &name, &len);
		assert_non_null(v);
		assert_ptr_equal(dt_getprop(g_dtb, node, name, NULL), v);
		count++;
	}
	assert_int_equal(p, DT_ERR_NOTFOUND);
	assert_int_equal(count, 6);
	/* A node without properties. */
	assert_int_equal(dt_first_prop(g_dtb, node_at(g_dtb, "/cpus/cpu-map")),
			 DT_ERR_NOTFOUND);
	/* prop_value on a node offset. */
	assert_null(dt_prop_value(g_dtb, node, &name, &len));
	assert_int_equal(len, DT_ERR_BADOFFSET);
	assert_int_equal(dt_next_prop(g_dtb, node), DT_ERR_BADOFFSET);
}

static void test_prop_helpers(void **state)
{
	uint32_t u;
	uint64_t a, s, c;
	int node, len, cpus, intc;
	const void *v;

	(void)state;
	node = node_at(g_dtb, "/psci");
	assert_int_equal(dt_prop_u32(g_dtb, node, "cpu_on", &u), 0);
	assert_int_equal(u, 0xc4000003);
	assert_int_equal(dt_prop_u32(g_dtb, node, "compatible", &u), DT_ERR_BADVALUE);
	assert_int_equal(dt_prop_u32(g_dtb, node, "none", &u), DT_ERR_NOTFOUND);

	assert_true(dt_prop_is_stringlist_member(g_dtb, node, "compatible", "arm,psci"));
	assert_true(dt_prop_is_stringlist_member(g_dtb, node, "compatible", "arm,psci-1.0"));
	assert_true(dt_prop_is_stringlist_member(g_dtb, node, "compatible", "arm,psci-0.2"));
	assert_false(dt_prop_is_stringlist_member(g_dtb, node, "compatible", "arm,psc"));
	assert_false(dt_prop_is_stringlist_member(g_dtb, node, "compatible", ""));
	assert_false(dt_prop_is_stringlist_member(g_dtb, node, "nothing", "arm,psci"));
	/* Not a string list (no terminating NUL). */
	assert_false(dt_prop_is_stringlist_member(g_dtb, node, "cpu_on", "x"));

	/* Cells. */
	assert_int_equal(dt_addr_cells(g_dtb, 0), 2);
	assert_int_equal(dt_size_cells(g_dtb, 0), 2);
	cpus = node_at(g_dtb, "/cpus");
	assert_int_equal(dt_addr_cells(g_dtb, cpus), 1);
	assert_int_equal(dt_size_cells(g_dtb, cpus), 0);
	/* Defaults when absent. */
	assert_int_equal(dt_addr_cells(g_dtb, node), 2);
	assert_int_equal(dt_size_cells(g_dtb, node), 1);
	/* Wrong-size #address-cells. */
	assert_int_equal(cpus > 0, 1);

	intc = node_at(g_dtb, "/intc");
	v = dt_getprop(g_dtb, intc, "reg", &len);
	assert_int_equal(len, 32);
	assert_int_equal(dt_read_cells(v, len, 0, 2, &c), 0);
	assert_int_equal(c, 0x8000000);
	assert_int_equal(dt_read_cells(v, len, 6, 2, &c), 0);
	assert_int_equal(c, 0xf60000);
	assert_int_equal(dt_read_cells(v, len, 7, 1, &c), 0);
	assert_int_equal(c, 0xf60000);
	assert_int_equal(dt_read_cells(v, len, 7, 2, &c), DT_ERR_BADVALUE);
	assert_int_equal(dt_read_cells(v, len, 8, 1, &c), DT_ERR_BADVALUE);
	assert_int_equal(dt_read_cells(v, len, 8, 0, &c), 0);
	assert_int_equal(c, 0);
	assert_int_equal(dt_read_cells(v, len, 0, 3, &c), DT_ERR_BADVALUE);
	assert_int_equal(dt_read_cells(v, len, -1, 1, &c), DT_ERR_BADVALUE);
	assert_int_equal(dt_read_cells(v, len, 0x7fffffff, 2, &c), DT_ERR_BADVALUE);
	assert_int_equal(dt_read_cells(v, -1, 0, 1, &c), DT_ERR_BADVALUE);

	/* reg decoding through the parent's cells. */
	assert_int_equal(dt_reg(g_dtb, intc, 0, &a, &s), 0);
	assert_int_equal(a, 0x8000000);
	assert_int_equal(s, 0x10000);
	assert_int_equal(dt_reg(g_dtb, intc, 1, &a, &s), 0);
	assert_int_equal(a, 0x80a0000);
	assert_int_equal(s, 0xf60000);
	assert_int_equal(dt_reg(g_dtb, intc, 2, &a, &s), DT_ERR_NOTFOUND);
	assert_int_equal(dt_reg(g_dtb, node_at(g_dtb, "/memory"), 0, &a, &s), 0);
	assert_int_equal(a, 0x40000000);
	assert_int_equal(s, 0x80000000);
	assert_int_equal(dt_reg(g_dtb, node_at(g_dtb, "/cpus/cpu@3"), 0, &a, &s), 0);
	assert_int_equal(a, 3);
	assert_int_equal(s, 0);
	assert_int_equal(dt_reg(g_dtb, node_at(g_dtb, "/chosen/module@62000000"), 0,
				&a, &s), 0);
	assert_int_equal(a, 0x62000000);
	assert_int_equal(s, 0x800000);
	assert_int_equal(dt_reg(g_dtb, node, 0, &a, &s), DT_ERR_NOTFOUND);
	assert_int_equal(dt_reg(g_dtb, 0, 0, &a, &s), DT_ERR_NOTFOUND);
}

static void test_compatible(void **state)
{
	int n, o, count = 0;

	(void)state;
	n = dt_next_node_by_compatible(g_dtb, -1, "multiboot,module");
	assert_string_equal(dt_node_name(g_dtb, n, NULL), "module@60000000");
	assert_true(dt_prop_is_stringlist_member(g_dtb, n, "compatible", "multiboot,kernel"));
	n = dt_next_node_by_compatible(g_dtb, n, "multiboot,module");
	assert_string_equal(dt_node_name(g_dtb, n, NULL), "module@62000000");
	assert_true(dt_prop_is_stringlist_member(g_dtb, n, "compatible", "multiboot,ramdisk"));
	assert_int_equal(dt_next_node_by_compatible(g_dtb, n, "multiboot,module"),
			 DT_ERR_NOTFOUND);
	/* Root itself is found from -1. */
	assert_int_equal(dt_next_node_by_compatible(g_dtb, -1, "linux,dummy-virt"), 0);
	assert_int_equal(dt_next_node_by_compatible(g_dtb, 0, "linux,dummy-virt"),
			 DT_ERR_NOTFOUND);
	/* Agrees with libfdt over all cpus. */
	for (n = dt_next_node_by_compatible(g_dtb, -1, "arm,cortex-a57"),
	     o = oracle_node_by_compatible(g_dtb, -1, "arm,cortex-a57");
	     o >= 0;
	     n = dt_next_node_by_compatible(g_dtb, n, "arm,cortex-a57"),
	     o = oracle_node_by_compatible(g_dtb, o, "arm,cortex-a57")) {
		assert_int_equal(n, o);
		count++;
	}
	assert_int_equal(n, DT_ERR_NOTFOUND);
	assert_int_equal(count, 4);
	assert_int_equal(dt_next_node_by_compatible(g_dtb, -1, "arm,pl011"),
			 node_at(g_dtb, "/pl011@9000000"));
	assert_int_equal(dt_next_node_by_compatible(g_dtb, -1, "arm,cortex"),
			 DT_ERR_NOTFOUND);
}

/* ---- open_into ------------------------------------------------------------ */

static void test_open_into(void **state)
{
	uint8_t *b, *big;
	size_t need;

	(void)state;
	big = fresh(g_size + 4096);
	assert_int_equal(dt_totalsize(big), g_size + 4096);
	validate(big);
	/* Same structure and strings as the source. */
	assert_memory_equal(big + get32(big + 8), g_dtb + get32(g_dtb + 8),
			    get32(g_dtb + 36));

	/* Exactly the used size fits, one byte less does not. */
	need = 40 + 32 + get32(g_dtb + 36) + get32(g_dtb + 32);
	b = malloc(need);
	assert_int_equal(dt_open_into(g_dtb, b, need), 0);
	validate(b);
	free(b);
	b = malloc(need - 1);
	assert_int_equal(dt_open_into(g_dtb, b, need - 1), DT_ERR_NOSPACE);
	free(b);

	/* In place, growing the buffer. */
	b = malloc(g_size + 512);
	memcpy(b, g_dtb, g_size);
	assert_int_equal(dt_open_into(b, b, g_size + 512), 0);
	assert_int_equal(dt_totalsize(b), g_size + 512);
	validate(b);
	/* In place again (already in layout), then shrink to the packed size. */
	assert_int_equal(dt_open_into(b, b, need), 0);
	validate(b);
	free(b);
	free(big);
}

static void test_open_into_overlapping(void **state)
{
	size_t gap = 256, sz = g_size + 2 * gap + 64;
	uint8_t *buf = malloc(sz), *ref = fresh(g_size + gap);
	int shift;

	(void)state;
	/* Source with gaps between the blocks, moved to overlapping places. */
	for (shift = -64; shift <= 64; shift += 8) {
		uint8_t *src = buf + gap, *dst = buf + gap + shift;
		uint32_t soff, ssz, stroff, strsz;

		memset(buf, 0, sz);
		memcpy(src, ref, 40);
		/* rsvmap at 48, struct +40 bytes later, strings +24 later. */
		ssz = get32(ref + 36);
		strsz = get32(ref + 32);
		memcpy(src + 48, ref + 40, 32);
		soff = 48 + 32 + 40;
		memcpy(src + soff, ref + get32(ref + 8), ssz);
		stroff = soff + ssz + 24;
		memcpy(src + stroff, ref + get32(ref + 12), strsz);
		put32(src + 16, 48);
		put32(src + 8, soff);
		put32(src + 12, stroff);
		put32(src + 4, stroff + strsz);
		assert_int_equal(dt_check(src, stroff + strsz), 0);
		assert_int_equal(dt_open_into(src, dst, g_size + gap), 0);
		validate(dst);
		assert_memory_equal(dst + 40, ref + 40, 32 + ssz + strsz);
	}
	free(buf);
	free(ref);
}

/* ---- editing -------------------------------------------------------------- */

static void test_setprop_new_replace(void **state)
{
	uint8_t *b = fresh(g_size + 1024);
	int node, len;
	uint32_t ssz;
	const char *v;

	(void)state;
	node = node_at(b, "/chosen");
	ssz = get32(b + 36);
	/* Replace with longer, shorter, equal, empty. */
	assert_int_equal(dt_setprop_string(b, node, "bootargs",
					   "console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/init"), 0);
	validate(b);
	assert_prop_str(b, "/chosen", "bootargs",
			"console=ttyAMA0 earlycon=pl011,0x9000000 rdinit=/init");
	assert_int_equal(get32(b + 36), ssz - 12 + 56);	/* "earlycon" -> 54 bytes */
	assert_int_equal(dt_setprop_string(b, node, "bootargs", "q"), 0);
	validate(b);
	assert_prop_str(b, "/chosen", "bootargs", "q");
	assert_int_equal(get32(b + 36), ssz - 8);
	assert_int_equal(dt_setprop(b, node, "bootargs", NULL, 0), 0);
	validate(b);
	v = oracle_getprop(b, node, "bootargs", &len);
	assert_non_null(v);
	assert_int_equal(len, 0);
	/* Children stay intact after edits of their parent. */
	assert_prop_str(b, "/chosen/module@60000000", "bootargs",
			"console=ttyAMA0 earlycon rdinit=/init");

	/* New properties on root, on a leaf, and on a node with children. */
	assert_int_equal(dt_setprop_u32(b, 0, "gzvm,test", 0x12345678), 0);
	assert_int_equal(dt_setprop_string(b, node_at(b, "/pmu"), "status", "okay"), 0);
	node = node_at(b, "/cpus");
	assert_int_equal(dt_setprop(b, node, "odd", "abcde", 5), 0);
	validate(b);
	v = oracle_getprop(b, 0, "gzvm,test", &len);
	assert_int_equal(len, 4);
	assert_int_equal(get32(v), 0x12345678);
	assert_prop_str(b, "/pmu", "status", "okay");
	v = oracle_getprop(b, node_at(b, "/cpus"), "odd", &len);
	assert_int_equal(len, 5);
	assert_memory_equal(v, "abcde", 5);
	/* Property order: new props come after existing ones. */
	node = node_at(b, "/cpus");
	{
		int p = dt_first_prop(b, node);
		const char *name;

		p = dt_next_prop(b, dt_next_prop(b, p));
		dt_prop_value(b, p, &name, NULL);
		assert_string_equal(name, "odd");
	}
	/* Bad arguments. */
	assert_int_equal(dt_setprop(b, node, "", "x", 1), DT_ERR_BADNAME);
	assert_int_equal(dt_setprop(b, node, NULL, "x", 1), DT_ERR_BADVALUE);
	assert_int_equal(dt_setprop(b, node, "x", NULL, 1), DT_ERR_BADVALUE);
	assert_int_equal(dt_setprop(b, node, "x", "x", -1), DT_ERR_BADVALUE);
	assert_int_equal(dt_setprop(b, 3, "x", "x", 1), DT_ERR_BADOFFSET);
	validate(b);
	free(b);
}

static void test_strings_reuse(void **state)
{
	uint8_t *b = fresh(g_size + 1024);
	uint32_t strsz = get32(b + 32);
	int node = node_at(b, "/pmu");

	(void)state;
	/* Existing names are reused, also as a suffix of a longer one. */
	assert_int_equal(dt_setprop_u32(b, node, "reg", 1), 0);
	assert_int_equal(dt_setprop_u32(b, node, "phandle", 1), 0);
	assert_int_equal(dt_setprop_u32(b, node, "size-cells", 1), 0);  /* in "#size-cells" */
	assert_int_equal(dt_setprop_u32(b, node, "cells", 1), 0);
	assert_int_equal(get32(b + 32), strsz);
	validate(b);
	/* A new name is appended once, then reused. */
	assert_int_equal(dt_setprop_u32(b, node, "gzvm,new-name", 1), 0);
	assert_int_equal(get32(b + 32), strsz + 14);
	assert_int_equal(dt_setprop_u32(b, node_at(b, "/psci"), "gzvm,new-name", 2), 0);
	assert_int_equal(dt_setprop_u32(b, 0, "new-name", 3), 0);
	assert_int_equal(get32(b + 32), strsz + 14);
	validate(b);
	free(b);
}

static void test_setprop_value_from_blob(void **state)
{
	uint8_t *b = fresh(g_size + 1024);
	int chosen, mod, len;
	const char *v;
	const char *want = "console=ttyAMA0 earlycon rdinit=/init";

	(void)state;
	/* The boot-flow use: copy the kernel module's bootargs to /chosen. */
	chosen = node_at(b, "/chosen");
	mod = dt_next_node_by_compatible(b, -1, "multiboot,kernel");
	v = dt_getprop(b, mod, "bootargs", &len);
	assert_int_equal(dt_setprop(b, chosen, "bootargs", v, len), 0);
	validate(b);
	assert_prop_str(b, "/chosen", "bootargs", want);
	assert_prop_str(b, "/chosen/module@60000000", "bootargs", want);

	/* A value that lies before the edit point (in /psci). */
	v = dt_getprop(b, node_at(b, "/psci"), "method", &len);
	assert_int_equal(dt_setprop(b, node_at(b, "/chosen/module@62000000"),
				    "method", v, len), 0);
	validate(b);
	assert_prop_str(b, "/chosen/module@62000000", "method", "smc");

	/* Its own value, and a tail of its own value (shrinking). */
	chosen = node_at(b, "/chosen");
	v = dt_getprop(b, chosen, "bootargs", &len);
	assert_int_equal(dt_setprop(b, chosen, "bootargs", v, len), 0);
	assert_prop_str(b, "/chosen", "bootargs", want);
	v = dt_getprop(b, chosen, "bootargs", &len);
	assert_int_equal(dt_setprop(b, chosen, "bootargs", v + 16, len - 16), 0);
	validate(b);
	assert_prop_str(b, "/chosen", "bootargs", "earlycon rdinit=/init");
	/* A head of it (growing is impossible from itself; same size is fine). */
	v = dt_getprop(b, chosen, "bootargs", &len);
	assert_int_equal(dt_setprop(b, chosen, "bootargs", v, 9), 0);
	v = dt_getprop(b, chosen, "bootargs", &len);
	assert_int_equal(len, 9);
	assert_memory_equal(v, "earlycon ", 9);
	/* A property name taken from the blob's strings block. */
	{
		const char *name;
		int p = dt_first_prop(b, node_at(b, "/psci"));

		dt_prop_value(b, p, &name, NULL);
		assert_int_equal(dt_setprop_u32(b, node_at(b, "/pmu"), name, 7), 0);
		validate(b);
	}
	/* Value from the free space is refused. */
	chosen = node_at(b, "/chosen");
	assert_int_equal(dt_setprop(b, chosen, "x", b + dt_totalsize(b) - 8, 4),
			 DT_ERR_BADVALUE);
	/* Straddling the edit region is refused. */
	v = dt_getprop(b, chosen, "bootargs", &len);
	assert_int_equal(dt_setprop(b, chosen, "bootargs", v - 4, 8), DT_ERR_BADVALUE);
	validate(b);
	free(b);
}

static void test_setprop_cells(void **state)
{
	uint8_t *b = fresh(g_size + 1024);
	uint64_t reg2[] = { 0x40000000, 0x7f000000, 0x1bf000000ull, 0x1000000 };
	uint64_t reg1[] = { 1, 0xffffffff };
	uint64_t bad[] = { 0x100000000ull };
	uint64_t a, s;
	int node, len;
	const uint8_t *v;

	(void)state;
	node = node_at(b, "/memory");
	assert_int_equal(dt_setprop_cells(b, node, "reg", reg2, 4, 2), 0);
	validate(b);
	node = node_at(b, "/memory");
	v = oracle_getprop(b, node, "reg", &len);
	assert_int_equal(len, 32);
	assert_int_equal(get32(v + 16), 1);
	assert_int_equal(get32(v + 20), 0xbf000000);
	assert_int_equal(dt_reg(b, node, 1, &a, &s), 0);
	assert_int_equal(a, 0x1bf000000ull);
	assert_int_equal(s, 0x1000000);
	assert_int_equal(dt_setprop_cells(b, node, "x", reg1, 2, 1), 0);
	v = dt_getprop(b, node, "x", &len);
	assert_int_equal(len, 8);
	assert_int_equal(get32(v + 4), 0xffffffff);
	assert_int_equal(dt_setprop_cells(b, node, "x", bad, 1, 1), DT_ERR_BADVALUE);
	assert_int_equal(dt_setprop_cells(b, node, "x", reg1, 2, 3), DT_ERR_BADVALUE);
	assert_int_equal(dt_setprop_cells(b, node, "x", reg1, -1, 1), DT_ERR_BADVALUE);
	assert_int_equal(dt_setprop_cells(b, node, "empty", NULL, 0, 2), 0);
	validate(b);
	free(b);
}

static void test_appendprop_string(void **state)
{
	uint8_t *b = fresh(g_size + 1024);
	int node, len;
	const char *v;

	(void)state;
	node = node_at(b, "/pmu");
	assert_int_equal(dt_appendprop_string(b, node, "compatible", "gzvm,pmu"), 0);
	validate(b);
	v = oracle_getprop(b, node, "compatible", &len);
	assert_int_equal(len, 25);
	assert_memory_equal(v, "arm,armv8-pmuv3\0gzvm,pmu", 25);
	assert_true(dt_prop_is_stringlist_member(b, node, "compatible", "gzvm,pmu"));
	assert_true(dt_prop_is_stringlist_member(b, node, "compatible", "arm,armv8-pmuv3"));
	/* Creating one. */
	assert_int_equal(dt_appendprop_string(b, 0, "gzvm,list", "a"), 0);
	assert_int_equal(dt_appendprop_string(b, 0, "gzvm,list", "bc"), 0);
	validate(b);
	v = oracle_getprop(b, 0, "gzvm,list", &len);
	assert_int_equal(len, 5);
	assert_memory_equal(v, "a\0bc", 5);
	free(b);
}

static void test_delprop(void **state)
{
	uint8_t *b = fresh(g_size + 256);
	int node, len;
	uint32_t ssz = get32(b + 36);

	(void)state;
	node = node_at(b, "/chosen");
	assert_int_equal(dt_delprop(b, node, "rng-seed"), 0);
	validate(b);
	assert_int_equal(get32(b + 36), ssz - 28);
	assert_null(oracle_getprop(b, node, "rng-seed", &len));
	assert_int_equal(dt_delprop(b, node, "rng-seed"), DT_ERR_NOTFOUND);
	/* Delete every property of a node. */
	node = node_at(b, "/psci");
	while (dt_first_prop(b, node) >= 0) {
		const char *name;

		dt_prop_value(b, dt_first_prop(b, node), &name, NULL);
		assert_int_equal(dt_delprop(b, node, name), 0);
	}
	validate(b);
	assert_int_equal(dt_first_prop(b, node_at(b, "/psci")), DT_ERR_NOTFOUND);
	assert_prop_str(b, "/chosen", "stdout-path", "/pl011@9000000");
	free(b);
}

static void test_add_subnode(void **state)
{
	uint8_t *b = fresh(g_size + 1024);
	int node, rm, n;

	(void)state;
	node = dt_add_subnode(b, 0, "hypervisor");
	assert_true(node > 0);
	validate(b);
	assert_int_equal(node, node_at(b, "/hypervisor"));
	assert_int_equal(dt_parent(b, node), 0);
	/* Added as the last child. */
	assert_int_equal(dt_next_sibling(b, node), DT_ERR_NOTFOUND);
	assert_int_equal(dt_setprop(b, node, "compatible",
				    "mediatek,geniezone\0mediatek,geniezone-hyp", 42), 0);
	validate(b);
	assert_int_equal(dt_next_node_by_compatible(b, -1, "mediatek,geniezone-hyp"),
			 node_at(b, "/hypervisor"));

	rm = dt_add_subnode(b, 0, "reserved-memory");
	assert_true(rm > 0);
	n = dt_add_subnode(b, rm, "gzvm@7f000000");
	assert_true(n > 0);
	n = dt_add_subnode(b, node_at(b, "/reserved-memory"), "b");
	assert_int_equal(n, node_at(b, "/reserved-memory/b"));
	validate(b);
	/* Exists (exact name); a unit-address sibling is different. */
	assert_int_equal(dt_add_subnode(b, 0, "hypervisor"), DT_ERR_EXISTS);
	assert_int_equal(dt_add_subnode(b, node_at(b, "/reserved-memory"), "gzvm@7f000000"),
			 DT_ERR_EXISTS);
	assert_true(dt_add_subnode(b, node_at(b, "/reserved-memory"), "gzvm") > 0);
	assert_true(dt_add_subnode(b, node_at(b, "/cpus"), "cpu") > 0);
	validate(b);
	/* Bad names. */
	assert_int_equal(dt_add_subnode(b, 0, ""), DT_ERR_BADNAME);
	assert_int_equal(dt_add_subnode(b, 0, "a/b"), DT_ERR_BADNAME);
	assert_int_equal(dt_add_subnode(b, 0, NULL), DT_ERR_BADVALUE);
	assert_int_equal(dt_add_subnode(b, 7, "x"), DT_ERR_BADOFFSET);
	/* Name lengths around the 4-byte padding. */
	{
		static const char *const names[] = { "a", "ab", "abc", "abcd", "abcde" };
		size_t i;

		for (i = 0; i < 5; i++) {
			n = dt_add_subnode(b, node_at(b, "/hypervisor"), names[i]);
			assert_true(n > 0);
			assert_int_equal(dt_setprop_u32(b, n, "reg", i), 0);
		}
		validate(b);
		assert_int_equal(dt_path_offset(b, "/hypervisor/abcd"),
				 oracle_path_offset(b, "/hypervisor/abcd"));
	}
	free(b);
}

static void test_del_node(void **state)
{
	uint8_t *b = fresh(g_size + 256);
	uint32_t ssz = get32(b + 36);

	(void)state;
	/* /cpus with all its children and grandchildren. */
	assert_int_equal(dt_del_node(b, node_at(b, "/cpus")), 0);
	validate(b);
	assert_int_equal(node_at(b, "/cpus"), -1);
	assert_true(get32(b + 36) < ssz);
	assert_int_equal(dt_next_node_by_compatible(b, -1, "arm,cortex-a57"),
			 DT_ERR_NOTFOUND);
	/* Both module nodes, as the hypervisor does after using them. */
	for (;;) {
		int m = dt_next_node_by_compatible(b, -1, "multiboot,module");

		if (m < 0)
			break;
		assert_int_equal(dt_del_node(b, m), 0);
	}
	validate(b);
	assert_int_equal(dt_first_child(b, node_at(b, "/chosen")), DT_ERR_NOTFOUND);
	assert_prop_str(b, "/chosen", "stdout-path", "/pl011@9000000");
	/* Not the root, not a property. */
	assert_int_equal(dt_del_node(b, 0), DT_ERR_BADVALUE);
	assert_int_equal(dt_del_node(b, dt_first_prop(b, 0)), DT_ERR_BADOFFSET);
	/* Delete everything below the root. */
	while (dt_first_child(b, 0) >= 0)
		assert_int_equal(dt_del_node(b, dt_first_child(b, 0)), 0);
	validate(b);
	free(b);
}

static void test_grow_until_nospace(void **state)
{
	size_t size = g_size + 300;
	uint8_t *b = fresh(size), *copy = malloc(size);
	int i, err = 0, added = 0;
	char name[32];

	(void)state;
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		memcpy(copy, b, size);
		err = dt_setprop_u32(b, node_at(b, "/chosen"), name, i);
		if (err)
			break;
		added++;
		assert_int_equal(dt_check(b, size), 0);
	}
	assert_int_equal(err, DT_ERR_NOSPACE);
	assert_true(added > 5);
	/* A failed edit leaves the blob untouched. */
	assert_memory_equal(copy, b, size);
	validate(b);
	/* Nodes too. */
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		err = dt_add_subnode(b, 0, name);
		if (err < 0)
			break;
	}
	/* The last props may still fit (smaller), nodes need 12 bytes. */
	assert_int_equal(err, DT_ERR_NOSPACE);
	assert_int_equal(dt_add_mem_rsv(b, 1, 1) == 0 ||
			 dt_add_mem_rsv(b, 1, 1) == DT_ERR_NOSPACE, 1);
	validate(b);
	/* Shrinking edits make room again. */
	assert_int_equal(dt_del_node(b, node_at(b, "/cpus")), 0);
	assert_int_equal(dt_add_subnode(b, 0, "after") > 0, 1);
	validate(b);
	/* Pack and re-open bigger. */
	assert_int_equal(dt_pack(b), 0);
	assert_int_equal(dt_open_into(b, b, size), 0);
	assert_true(dt_add_subnode(b, 0, "again") > 0);
	validate(b);
	free(copy);
	free(b);
}

static void test_mem_rsv_edit(void **state)
{
	uint8_t *b = fresh(g_size + 256);
	uint64_t a, s;

	(void)state;
	assert_int_equal(dt_add_mem_rsv(b, 0x7f000000, 0x1000000), 0);
	assert_int_equal(dt_add_mem_rsv(b, 0x1000, 0x2000), 0);
	assert_int_equal(dt_add_mem_rsv(b, 0, 0), DT_ERR_BADVALUE);
	validate(b);
	assert_int_equal(dt_num_mem_rsv(b), 3);
	assert_int_equal(oracle_get_mem_rsv(b, 1, &a, &s), 0);
	assert_int_equal(a, 0x7f000000);
	assert_int_equal(s, 0x1000000);
	assert_int_equal(dt_del_mem_rsv(b, 0), 0);
	validate(b);
	assert_int_equal(dt_get_mem_rsv(b, 0, &a, &s), 0);
	assert_int_equal(a, 0x7f000000);
	assert_int_equal(dt_del_mem_rsv(b, 2), DT_ERR_NOTFOUND);
	assert_int_equal(dt_del_mem_rsv(b, 1), 0);
	assert_int_equal(dt_del_mem_rsv(b, 0), 0);
	assert_int_equal(dt_num_mem_rsv(b), 0);
	validate(b);
	free(b);
}

static void test_pack(void **state)
{
	uint8_t *b = fresh(g_size + 4096);
	uint32_t used;

	(void)state;
	assert_int_equal(dt_del_node(b, node_at(b, "/intc")), 0);
	assert_int_equal(dt_pack(b), 0);
	used = 40 + 32 + get32(b + 36) + get32(b + 32);
	assert_int_equal(dt_totalsize(b), used);
	assert_int_equal(dt_check(b, used), 0);
	validate(b);
	/* A blob not in the editable layout is refused by edits. */
	{
		struct bld *bb = b_small();
		size_t size;
		uint8_t *o = b_finish(bb, &size), *m = malloc(size + 64);

		memcpy(m, o, size);
		/* Move strings 4 bytes away from struct. */
		memmove(m + get32(m + 12) + 4, m + get32(m + 12), get32(m + 32));
		put32(m + 12, get32(m + 12) + 4);
		put32(m + 4, size + 4);
		assert_int_equal(dt_check(m, size + 4), 0);
		assert_int_equal(dt_setprop_u32(m, 0, "x", 1), DT_ERR_BADLAYOUT);
		assert_int_equal(dt_pack(m), DT_ERR_BADLAYOUT);
		assert_int_equal(dt_open_into(m, m, size + 64), 0);
		assert_int_equal(dt_setprop_u32(m, 0, "x", 1), 0);
		validate(m);
		free(m);
		free(o);
		free(bb);
	}
	free(b);
}

/* The rewrite the hypervisor does at boot (DESIGN.md §2 step 2). */
static void test_boot_rewrite(void **state)
{
	size_t size = g_size + 2048;
	uint8_t *b = malloc(size);
	int chosen, kern, rd, rm, n, len;
	uint64_t ka, ks, ra, rs;
	uint64_t carve[] = { 0x7f000000, 0x1000000 };
	const void *v;

	(void)state;
	memcpy(b, g_dtb, g_size);
	assert_int_equal(dt_check(b, g_size), 0);
	assert_int_equal(dt_open_into(b, b, size), 0);

	kern = dt_next_node_by_compatible(b, -1, "multiboot,kernel");
	assert_true(kern > 0);
	assert_true(dt_prop_is_stringlist_member(b, kern, "compatible", "multiboot,module"));
	assert_int_equal(dt_reg(b, kern, 0, &ka, &ks), 0);
	rd = dt_next_node_by_compatible(b, -1, "multiboot,ramdisk");
	assert_int_equal(dt_reg(b, rd, 0, &ra, &rs), 0);

	chosen = node_at(b, "/chosen");
	v = dt_getprop(b, kern, "bootargs", &len);
	assert_int_equal(dt_setprop(b, chosen, "bootargs", v, len), 0);
	chosen = node_at(b, "/chosen");
	assert_int_equal(dt_setprop_cells(b, chosen, "linux,initrd-start", &ra, 1, 2), 0);
	ra += rs;
	assert_int_equal(dt_setprop_cells(b, chosen, "linux,initrd-end", &ra, 1, 2), 0);
	while ((n = dt_next_node_by_compatible(b, -1, "multiboot,module")) >= 0)
		assert_int_equal(dt_del_node(b, n), 0);

	rm = dt_add_subnode(b, 0, "reserved-memory");
	assert_true(rm > 0);
	assert_int_equal(dt_setprop_u32(b, rm, "#address-cells", 2), 0);
	assert_int_equal(dt_setprop_u32(b, rm, "#size-cells", 2), 0);
	assert_int_equal(dt_setprop(b, rm, "ranges", NULL, 0), 0);
	n = dt_add_subnode(b, rm, "gzvm@7f000000");
	assert_true(n > 0);
	assert_int_equal(dt_setprop_cells(b, n, "reg", carve, 2, 2), 0);
	assert_int_equal(dt_setprop(b, n, "no-map", NULL, 0), 0);
	n = dt_add_subnode(b, 0, "hypervisor");
	assert_true(n > 0);
	assert_int_equal(dt_setprop(b, n, "compatible",
				    "mediatek,geniezone\0mediatek,geniezone-hyp", 42), 0);
	assert_int_equal(dt_pack(b), 0);
	validate(b);

	assert_prop_str(b, "/chosen", "bootargs", "console=ttyAMA0 earlycon rdinit=/init");
	n = node_at(b, "/reserved-memory/gzvm");
	assert_true(n > 0);
	assert_int_equal(dt_reg(b, n, 0, &ka, &ks), 0);
	assert_int_equal(ka, 0x7f000000);
	assert_int_equal(ks, 0x1000000);
	v = oracle_getprop(b, node_at(b, "/chosen"), "linux,initrd-end", &len);
	assert_int_equal(len, 8);
	assert_int_equal(get32((const uint8_t *)v + 4), 0x62800000);
	assert_int_equal(dt_next_node_by_compatible(b, -1, "multiboot,module"),
			 DT_ERR_NOTFOUND);
	free(b);
}

/* ---- hostile input -------------------------------------------------------- */

static void test_hostile_truncated(void **state)
{
	size_t len;

	(void)state;
	for (len = 0; len < g_size; len++) {
		uint8_t *b = malloc(len ? len : 1);

		memcpy(b, g_dtb, len);
		/* Short buffer with the original header ... */
		assert_true(dt_check(b, len) < 0);
		/* ... and a header that claims the short size. */
		if (len >= 8) {
			put32(b + 4, len);
			assert_true(dt_check(b, len) < 0);
		}
		free(b);
	}
}

static void test_hostile_header(void **state)
{
	static const uint32_t vals[] = {
		0, 1, 2, 3, 4, 7, 8, 16, 39, 40, 41, 56, 0x100, 0x7fffffff,
		0x80000000, 0xfffffff0, 0xfffffffc, 0xffffffff,
	};
	size_t f, i;
	int accepted = 0;

	(void)state;
	for (f = 0; f < 10; f++) {
		for (i = 0; i < sizeof(vals) / sizeof(vals[0]) + 4; i++) {
			uint8_t *b = malloc(g_size);
			uint32_t orig = get32(g_dtb + f * 4), v;
			int err, n = -1;

			memcpy(b, g_dtb, g_size);
			if (i < sizeof(vals) / sizeof(vals[0]))
				v = vals[i];
			else	/* near the original value */
				v = orig + (uint32_t)(i - sizeof(vals) / sizeof(vals[0])) * 3 - 4;
			put32(b + f * 4, v);
			err = dt_check(b, g_size);
			if (f == 0 && v != DT_MAGIC)
				assert_int_equal(err, DT_ERR_BADMAGIC);
			if (f == 5 && v < 17)
				assert_int_equal(err, DT_ERR_BADVERSION);
			if (f == 6 && v > 17)
				assert_int_equal(err, DT_ERR_BADVERSION);
			if (err == 0) {
				accepted++;
				assert_int_equal(oracle_check(b, g_size), 0);
			}
			while ((n = dt_next_node(b, n, NULL)) >= 0)
				(void)dt_getprop(b, n, "reg", NULL);
			(void)dt_num_mem_rsv(b);
			free(b);
		}
	}
	assert_true(accepted > 0);	/* e.g. boot_cpuid_phys changes */
}

static void test_hostile_layout(void **state)
{
	uint8_t *b = malloc(g_size);
	uint32_t soff = get32(g_dtb + 8), stroff = get32(g_dtb + 12);
	uint32_t ssz = get32(g_dtb + 36);

	(void)state;
#define RESET() memcpy(b, g_dtb, g_size)
	RESET(); put32(b + 8, soff + 1);
	assert_int_equal(dt_check(b, g_size), DT_ERR_BADLAYOUT);
	RESET(); put32(b + 8, soff + 4);	/* aligned, but starts mid-block */
	assert_true(dt_check(b, g_size) < 0);
	RESET(); put32(b + 16, 44);		/* misaligned rsvmap */
	assert_int_equal(dt_check(b, g_size), DT_ERR_BADLAYOUT);
	RESET(); put32(b + 36, ssz + 2);	/* misaligned size */
	assert_int_equal(dt_check(b, g_size), DT_ERR_BADLAYOUT);
	RESET(); put32(b + 12, stroff - 8);	/* strings overlap struct */
	assert_int_equal(dt_check(b, g_size), DT_ERR_BADLAYOUT);
	RESET(); put32(b + 16, soff);		/* rsvmap overlaps struct */
	assert_true(dt_check(b, g_size) < 0);
	RESET(); put32(b + 8, 0);		/* struct in the header */
	assert_int_equal(dt_check(b, g_size), DT_ERR_BADLAYOUT);
	RESET(); put32(b + 32, 0xfffffff0);	/* huge strings */
	assert_int_equal(dt_check(b, g_size), DT_ERR_TRUNCATED);
	RESET(); put32(b + 36, 0xfffffffc);
	assert_int_equal(dt_check(b, g_size), DT_ERR_TRUNCATED);
	RESET(); put32(b + 4, 0xffffffff);
	assert_int_equal(dt_check(b, g_size), DT_ERR_TRUNCATED);
	/* rsvmap without terminator up to totalsize. */
	RESET(); put32(b + 16, stroff & ~7u);
	memset(b + (stroff & ~7u), 0xff, g_size - (stroff & ~7u));
	assert_true(dt_check(b, g_size) < 0);
	/* Edits on a layout-broken blob are refused, not done. */
	RESET(); put32(b + 12, stroff - 8);
	assert_true(dt_setprop_u32(b, 0, "x", 1) < 0);
	assert_true(dt_open_into(b, b, g_size) < 0);
#undef RESET
	free(b);
}

static void test_hostile_names(void **state)
{
	struct bld *b;
	size_t size;
	uint8_t *o;

	(void)state;
	/* Node name without NUL up to the end of the struct block. */
	b = b_new();
	b_begin(b, "");
	b_tok(b, DT_TOKEN_BEGIN_NODE);
	memcpy(b->s + b->sl, "abcdefgh", 8);
	b->sl += 8;
	assert_int_equal(must_reject(b), DT_ERR_BADSTRUCTURE);
	free(b);

	/* Property name offset out of range / unterminated strings block. */
	b = b_small();
	put32(b->s + 8 + 8, b->strl);	/* "compatible" nameoff := strsize */
	assert_int_equal(must_reject(b), DT_ERR_BADSTRUCTURE);
	free(b);
	b = b_small();
	put32(b->s + 8 + 8, 0xffffffff);
	assert_int_equal(must_reject(b), DT_ERR_BADSTRUCTURE);
	free(b);
	b = b_small();
	b->str[b->strl - 1] = 'x';	/* "reg" loses its NUL */
	assert_int_equal(must_reject(b), DT_ERR_BADSTRUCTURE);
	free(b);
	/* Empty child name, '/' in a name, empty property name. */
	b = b_new();
	b_begin(b, ""); b_begin(b, ""); b_tok(b, 2); b_tok(b, 2); b_tok(b, 9);
	assert_int_equal(must_reject(b), DT_ERR_BADNAME);
	free(b);
	b = b_new();
	b_begin(b, ""); b_begin(b, "a/b"); b_tok(b, 2); b_tok(b, 2); b_tok(b, 9);
	assert_int_equal(must_reject(b), DT_ERR_BADNAME);
	free(b);
	b = b_new();
	b_begin(b, ""); b_prop(b, "", "x", 1); b_tok(b, 2); b_tok(b, 9);
	assert_int_equal(must_reject(b), DT_ERR_BADNAME);
	free(b);
	/* And the base is fine. */
	b = b_small();
	o = b_finish(b, &size);
	assert_int_equal(dt_check(o, size), 0);
	assert_int_equal(oracle_check(o, size), 0);
	free(o);
	free(b);
}

static void test_hostile_structure(void **state)
{
	struct bld *b;

	(void)state;
	/* FDT_END missing. */
	b = b_small();
	b->sl -= 4;
	assert_true(must_reject(b) < 0);
	free(b);
	/* FDT_END inside a node. */
	b = b_new();
	b_begin(b, ""); b_tok(b, DT_TOKEN_END);
	assert_int_equal(must_reject(b), DT_ERR_BADSTRUCTURE);
	free(b);
	/* Tokens after FDT_END. */
	b = b_small();
	b_tok(b, DT_TOKEN_NOP);
	assert_int_equal(must_reject(b), DT_ERR_BADSTRUCTURE);
	free(b);
	/* END_NODE at depth 0, two roots, prop outside nodes, unknown token. */
	b = b_new();
	b_tok(b, 2); b_tok(b, 9);
	assert_int_equal(must_reject(b), DT_ERR_BADSTRUCTURE);
	free(b);
	b = b_new();
	b_begin(b, ""); b_tok(b, 2); b_begin(b, ""); b_tok(b, 2); b_tok(b, 9);
	assert_int_equal(must_reject(b), DT_ERR_BADSTRUCTURE);
	free(b);
	b = b_new();
	b_begin(b, ""); b_tok(b, 2); b_prop(b, "x", "", 0); b_tok(b, 9);
	assert_int_equal(must_reject(b), DT_ERR_BADSTRUCTURE);
	free(b);
	b = b_new();
	b_begin(b, ""); b_tok(b, 5); b_tok(b, 2); b_tok(b, 9);
	assert_int_equal(must_reject(b), DT_ERR_BADSTRUCTURE);
	free(b);
	/* NOP between the root's end and FDT_END. */
	b = b_new();
	b_begin(b, ""); b_tok(b, 2); b_tok(b, 4); b_tok(b, 9);
	assert_int_equal(must_reject(b), DT_ERR_BADSTRUCTURE);
	free(b);
	/* NOP before the root. */
	b = b_new();
	b_tok(b, 4); b_begin(b, ""); b_tok(b, 2); b_tok(b, 9);
	assert_int_equal(must_reject(b), DT_ERR_BADSTRUCTURE);
	free(b);
	/* Property after a subnode. */
	b = b_new();
	b_begin(b, ""); b_begin(b, "a"); b_tok(b, 2); b_prop(b, "x", "", 0);
	b_tok(b, 2); b_tok(b, 9);
	assert_int_equal(must_reject(b), DT_ERR_BADSTRUCTURE);
	free(b);
	/* Property lengths that overflow or run past the block. */
	{
		static const uint32_t lens[] = { 0xffffffff, 0xfffffffc, 0x80000000, 13, 9 };
		size_t i;

		for (i = 0; i < 5; i++) {
			b = b_new();
			b_begin(b, "");
			b_prop(b, "x", "abcd", 4);
			put32(b->s + 12, lens[i]);
			b_tok(b, 2); b_tok(b, 9);
			assert_int_equal(must_reject(b), DT_ERR_BADSTRUCTURE);
			free(b);
		}
	}
	/* Prop header cut by the block end. */
	b = b_new();
	b_begin(b, ""); b_tok(b, 3); b_tok(b, 0);
	assert_int_equal(must_reject(b), DT_ERR_BADSTRUCTURE);
	free(b);
	/* Empty struct block. */
	b = b_new();
	assert_true(must_reject(b) < 0);
	free(b);
	/* Unclosed nodes. */
	b = b_new();
	b_begin(b, ""); b_begin(b, "a"); b_tok(b, 2); b_tok(b, 9);
	assert_int_equal(must_reject(b), DT_ERR_BADSTRUCTURE);
	free(b);
	/* NOPs in valid places are accepted, and skipped by navigation. */
	{
		size_t size;
		uint8_t *o;
		int n;

		b = b_new();
		b_begin(b, ""); b_tok(b, 4); b_prop(b, "x", "y", 2); b_tok(b, 4);
		b_begin(b, "a"); b_tok(b, 4); b_tok(b, 2); b_tok(b, 4);
		b_begin(b, "b"); b_tok(b, 2); b_tok(b, 4); b_tok(b, 2);
		b_tok(b, 9);
		o = b_finish(b, &size);
		assert_int_equal(dt_check(o, size), 0);
		validate(o);
		n = dt_first_child(o, 0);
		assert_string_equal(dt_node_name(o, n, NULL), "a");
		n = dt_next_sibling(o, n);
		assert_string_equal(dt_node_name(o, n, NULL), "b");
		assert_int_equal(dt_next_sibling(o, n), DT_ERR_NOTFOUND);
		assert_non_null(dt_getprop(o, 0, "x", NULL));
		free(o);
		free(b);
	}
}

static void test_hostile_deep(void **state)
{
	struct bld *b;
	size_t size;
	uint8_t *o;
	int i, n, depth = 0;

	(void)state;
	/* DT_MAX_DEPTH levels are fine ... */
	b = b_new();
	b_begin(b, "");
	for (i = 1; i < DT_MAX_DEPTH; i++)
		b_begin(b, "n");
	for (i = 0; i < DT_MAX_DEPTH; i++)
		b_tok(b, 2);
	b_tok(b, 9);
	o = b_finish(b, &size);
	assert_int_equal(dt_check(o, size), 0);
	n = -1;
	while (dt_next_node(o, n, &depth) >= 0)
		n = dt_next_node(o, n, &depth);
	assert_int_equal(dt_parent(o, n), n - 8);
	/* ... but a child below the deepest node cannot be added. */
	{
		uint8_t *e = malloc(size + 64);

		assert_int_equal(dt_open_into(o, e, size + 64), 0);
		assert_int_equal(dt_add_subnode(e, n, "x"), DT_ERR_TOODEEP);
		assert_true(dt_add_subnode(e, dt_parent(e, n), "x") > 0);
		assert_int_equal(dt_check(e, size + 64), 0);
		free(e);
	}
	free(o);
	free(b);
	/* ... one more is not. */
	b = b_new();
	b_begin(b, "");
	for (i = 0; i < DT_MAX_DEPTH; i++)
		b_begin(b, "n");
	for (i = 0; i <= DT_MAX_DEPTH; i++)
		b_tok(b, 2);
	b_tok(b, 9);
	assert_int_equal(must_reject(b), DT_ERR_TOODEEP);
	free(b);
	/* Very deep, unbalanced: rejected, navigation terminates. */
	b = b_new();
	b_begin(b, "");
	for (i = 0; i < 20000; i++)
		b_begin(b, "n");
	b_tok(b, 9);
	assert_int_equal(must_reject(b), DT_ERR_TOODEEP);
	free(b);
}

/* Flip every bit of the header and of a sample of the body. */
static void test_hostile_bitflips(void **state)
{
	uint8_t *b = malloc(g_size), *e = malloc(g_size + 512);
	size_t pos;
	int bit, accepted = 0;

	(void)state;
	for (pos = 0; pos < g_size; pos += (pos < 128 ? 1 : 7)) {
		for (bit = 0; bit < 8; bit++) {
			int n = -1;

			memcpy(b, g_dtb, g_size);
			b[pos] ^= 1u << bit;
			if (dt_check(b, g_size))
				continue;
			accepted++;
			/* Whatever we accept, libfdt accepts too. */
			assert_int_equal(oracle_check(b, g_size), 0);
			while ((n = dt_next_node(b, n, NULL)) >= 0)
				(void)dt_parent(b, n);
			if (dt_open_into(b, e, g_size + 512) == 0) {
				assert_true(dt_setprop_u32(e, 0, "x", 1) >= 0);
				assert_int_equal(dt_check(e, g_size + 512), 0);
			}
		}
	}
	assert_true(accepted > 0);
	free(b);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_valid),
		cmocka_unit_test(test_mem_rsv),
		cmocka_unit_test(test_children_and_siblings),
		cmocka_unit_test(test_walk_matches_oracle),
		cmocka_unit_test(test_subnode),
		cmocka_unit_test(test_path_offset),
		cmocka_unit_test(test_parent),
		cmocka_unit_test(test_props),
		cmocka_unit_test(test_prop_helpers),
		cmocka_unit_test(test_compatible),
		cmocka_unit_test(test_open_into),
		cmocka_unit_test(test_open_into_overlapping),
		cmocka_unit_test(test_setprop_new_replace),
		cmocka_unit_test(test_strings_reuse),
		cmocka_unit_test(test_setprop_value_from_blob),
		cmocka_unit_test(test_setprop_cells),
		cmocka_unit_test(test_appendprop_string),
		cmocka_unit_test(test_delprop),
		cmocka_unit_test(test_add_subnode),
		cmocka_unit_test(test_del_node),
		cmocka_unit_test(test_grow_until_nospace),
		cmocka_unit_test(test_mem_rsv_edit),
		cmocka_unit_test(test_pack),
		cmocka_unit_test(test_boot_rewrite),
		cmocka_unit_test(test_hostile_truncated),
		cmocka_unit_test(test_hostile_header),
		cmocka_unit_test(test_hostile_layout),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_hostile_structure),
		cmocka_unit_test(test_hostile_deep),
		cmocka_unit_test(test_hostile_bitflips),
	};

	return cmocka_run_group_tests_name("fdt", tests, group_setup, group_teardown);
}
