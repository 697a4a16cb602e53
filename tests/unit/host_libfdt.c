// SPDX-License-Identifier: GPL-2.0-only
/*
 * The system libfdt as an independent oracle for the fdt unit tests.
 * Compiled without the hypervisor include path (its <fdt.h> clashes with
 * hyp/include/fdt.h); the test sees only these oracle_* wrappers.
 */
#include <libfdt.h>

#include "host_libfdt.h"

int oracle_check(const void *b, size_t size) { return fdt_check_full(b, size); }
int oracle_path_offset(const void *b, const char *path) { return fdt_path_offset(b, path); }
const void *oracle_getprop(const void *b, int node, const char *name, int *len)
{
	return fdt_getprop(b, node, name, len);
}
int oracle_next_node(const void *b, int node, int *depth) { return fdt_next_node(b, node, depth); }
const char *oracle_get_name(const void *b, int node, int *len) { return fdt_get_name(b, node, len); }
int oracle_parent(const void *b, int node) { return fdt_parent_offset(b, node); }
int oracle_num_mem_rsv(const void *b) { return fdt_num_mem_rsv(b); }
int oracle_get_mem_rsv(const void *b, int i, uint64_t *addr, uint64_t *size)
{
	return fdt_get_mem_rsv(b, i, addr, size);
}
int oracle_first_prop(const void *b, int node) { return fdt_first_property_offset(b, node); }
int oracle_next_prop(const void *b, int prop) { return fdt_next_property_offset(b, prop); }
const void *oracle_prop_by_offset(const void *b, int prop, const char **name, int *len)
{
	return fdt_getprop_by_offset(b, prop, name, len);
}
int oracle_first_subnode(const void *b, int node) { return fdt_first_subnode(b, node); }
int oracle_next_subnode(const void *b, int node) { return fdt_next_subnode(b, node); }
int oracle_node_by_compatible(const void *b, int start, const char *compat)
{
	return fdt_node_offset_by_compatible(b, start, compat);
}
int oracle_subnode(const void *b, int parent, const char *name)
{
	return fdt_subnode_offset(b, parent, name);
}
uint32_t oracle_totalsize(const void *b) { return fdt_totalsize(b); }
