/* SPDX-License-Identifier: GPL-2.0-only */
/* Wrappers around the system libfdt, used as a test oracle (host_libfdt.c). */
#ifndef GZVM_TESTS_HOST_LIBFDT_H
#define GZVM_TESTS_HOST_LIBFDT_H

#include <stddef.h>
#include <stdint.h>

int oracle_check(const void *b, size_t size);
int oracle_path_offset(const void *b, const char *path);
const void *oracle_getprop(const void *b, int node, const char *name, int *len);
int oracle_next_node(const void *b, int node, int *depth);
const char *oracle_get_name(const void *b, int node, int *len);
int oracle_parent(const void *b, int node);
int oracle_num_mem_rsv(const void *b);
int oracle_get_mem_rsv(const void *b, int i, uint64_t *addr, uint64_t *size);
int oracle_first_prop(const void *b, int node);
int oracle_next_prop(const void *b, int prop);
const void *oracle_prop_by_offset(const void *b, int prop, const char **name, int *len);
int oracle_first_subnode(const void *b, int node);
int oracle_next_subnode(const void *b, int node);
int oracle_node_by_compatible(const void *b, int start, const char *compat);
int oracle_subnode(const void *b, int parent, const char *name);
uint32_t oracle_totalsize(const void *b);

#endif
