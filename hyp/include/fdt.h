/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gzvm: a small flattened-device-tree (DTB) reader and editor.
 *
 * Written from the Devicetree Specification v0.4, chapter 5. It runs
 * freestanding at EL2 (no libc, no allocation, no recursion, no unaligned
 * accesses, no FP/SIMD) and is built on the host for unit tests and fuzzing.
 *
 * Trust model
 *   The boot DTB comes from firmware or QEMU and is treated as hostile until
 *   dt_check() accepted it. dt_check() validates the header, the placement of
 *   the three blocks and the complete structure block. All other functions
 *   may assume a blob that passed dt_check(), but they still bounds-check every
 *   access against the header's block sizes, so a blob that did not pass only
 *   gets errors, never out-of-bounds accesses or endless loops (the only thing
 *   they trust is that the header's totalsize bytes are readable).
 *
 * Offsets
 *   A node or property is named by its byte offset inside the structure
 *   block (as libfdt does); the root node is at offset 0 (dt_root()).
 *   Offsets are only valid until the next edit of the blob: every edit
 *   function may move nodes and properties, so re-look them up afterwards
 *   (dt_path_offset(), dt_subnode(), ...).
 *
 * Errors
 *   Functions returning int return >= 0 on success and a negative DT_ERR_*
 *   on failure. Functions returning a pointer return NULL on failure and,
 *   when they take an `int *len`, store the negative error there.
 *
 * Editing
 *   Edits work in place in a buffer with spare room, in the layout
 *   header | memory reservation map | structure block | strings block | free
 *   which dt_open_into() produces (and dtc emits). An edit that needs more
 *   room than is free fails with DT_ERR_NOSPACE and leaves the blob unchanged.
 */
#ifndef GZVM_HYP_FDT_H
#define GZVM_HYP_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* On-disk constants (big-endian in the blob). */
#define DT_MAGIC		0xd00dfeedu
#define DT_VERSION		17u	/* the version we write */
#define DT_LAST_COMP_VERSION	16u	/* the last version we can read */
#define DT_HEADER_SIZE		40u	/* size of a version 17 header */

#define DT_TOKEN_BEGIN_NODE	1u
#define DT_TOKEN_END_NODE	2u
#define DT_TOKEN_PROP		3u
#define DT_TOKEN_NOP		4u
#define DT_TOKEN_END		9u

/* Nodes nested deeper than this (root = depth 1) are rejected by dt_check(). */
#define DT_MAX_DEPTH		64

/* Errors (negative). */
#define DT_ERR_NOTFOUND		(-1)	/* no such node / property / entry */
#define DT_ERR_EXISTS		(-2)	/* node already exists (dt_add_subnode) */
#define DT_ERR_NOSPACE		(-3)	/* buffer too small for the edit */
#define DT_ERR_BADOFFSET	(-4)	/* offset is not a node / property */
#define DT_ERR_BADPATH		(-5)	/* malformed path */
#define DT_ERR_BADMAGIC		(-6)	/* not a DTB */
#define DT_ERR_BADVERSION	(-7)	/* unsupported version */
#define DT_ERR_BADSTRUCTURE	(-8)	/* malformed structure block */
#define DT_ERR_TRUNCATED	(-9)	/* blob larger than the buffer, or a
					   block runs past totalsize */
#define DT_ERR_BADLAYOUT	(-10)	/* blocks misaligned / overlapping, or not
					   in the editable layout */
#define DT_ERR_BADVALUE		(-11)	/* bad argument or property value */
#define DT_ERR_BADNAME		(-12)	/* invalid node / property name */
#define DT_ERR_TOODEEP		(-13)	/* nesting deeper than DT_MAX_DEPTH */

/* A short static description of an error code ("DT_ERR_NOSPACE"...). */
const char *dt_strerror(int err);

/* ---- validation and header --------------------------------------------- */

/*
 * Fully validate the blob in a buffer of bufsize bytes: magic, version
 * (version >= 17, last_comp_version <= 17), totalsize <= bufsize, the memory
 * reservation map (8-aligned, terminated by a 0,0 entry), structure block
 * (4-aligned offset and size) and strings block all inside totalsize, after
 * the header and pairwise disjoint; then the whole structure block: it starts
 * with the root node, nodes are well nested (at most DT_MAX_DEPTH deep),
 * node names are NUL-terminated (the root's empty, others non-empty and
 * without '/'),
 * properties come before subnodes, their values fit, their name offsets lie
 * inside the strings block and name a NUL-terminated string, and the block
 * ends with FDT_END right after the root's FDT_END_NODE and exactly at the
 * block's end (nothing, not even FDT_NOP, between the root and FDT_END; NOPs
 * are accepted elsewhere). Returns 0 or a negative error.
 */
int dt_check(const void *blob, size_t bufsize);

/* Header totalsize (no validation beyond reading the field). */
uint32_t dt_totalsize(const void *blob);

/* ---- navigation --------------------------------------------------------- */

/* Offset of the root node: 0. */
int dt_root(void);

/* First child of node, or DT_ERR_NOTFOUND. */
int dt_first_child(const void *blob, int node);

/* Next sibling of node, or DT_ERR_NOTFOUND. */
int dt_next_sibling(const void *blob, int node);

/*
 * Depth-first walk: the node after `node` in document order, or
 * DT_ERR_NOTFOUND at the end. If depth is non-NULL it is updated by the
 * relative depth change (+1 for a child, 0 for a sibling, -n going up).
 * node < 0 starts at the root (returns 0, *depth += 1), so a walk from -1
 * with depth = 0 reports depth 1 for the root, as libfdt's fdt_next_node().
 */
int dt_next_node(const void *blob, int node, int *depth);

/* Name of node ("" for the root, "name@unit" otherwise); *len = strlen. */
const char *dt_node_name(const void *blob, int node, int *len);

/*
 * Child of parent called name. Matches the exact name, or, if name has no
 * '@', also "name@<anything>" (first match in document order).
 */
int dt_subnode(const void *blob, int parent, const char *name);

/* Like dt_subnode() with a name of namelen bytes (need not be terminated). */
int dt_subnode_n(const void *blob, int parent, const char *name, int namelen);

/*
 * Node at an absolute path: "/", "/chosen", "/cpus/cpu@0" (components are
 * matched like dt_subnode(); repeated and trailing '/' are ignored). A path
 * that does not start with '/' begins with an alias name looked up in
 * /aliases ("serial0", "serial0/child"); the alias value itself must be an
 * absolute path. Anything after a ':' in the path is ignored (as in
 * stdout-path = "serial0:115200n8"; stop at it).
 */
int dt_path_offset(const void *blob, const char *path);

/* Parent of node (linear walk from the root); DT_ERR_NOTFOUND for root. */
int dt_parent(const void *blob, int node);

/* ---- properties --------------------------------------------------------- */

/*
 * Value of property name of node; *len (if non-NULL) = value length, or the
 * negative error when NULL is returned (DT_ERR_NOTFOUND if absent).
 */
const void *dt_getprop(const void *blob, int node, const char *name, int *len);

/* Offset of the first / next property of a node, or DT_ERR_NOTFOUND. */
int dt_first_prop(const void *blob, int node);
int dt_next_prop(const void *blob, int prop);

/*
 * Value of the property at offset prop; *name (if non-NULL) = its name,
 * *len (if non-NULL) = value length (or the negative error on NULL).
 */
const void *dt_prop_value(const void *blob, int prop, const char **name,
			  int *len);

/* Read a one-cell (4-byte) property into *out. DT_ERR_BADVALUE if len != 4. */
int dt_prop_u32(const void *blob, int node, const char *name, uint32_t *out);

/*
 * True if property prop of node is a list of NUL-terminated strings and one
 * of them equals str (e.g. compatible). False if absent or malformed.
 */
bool dt_prop_is_stringlist_member(const void *blob, int node, const char *prop,
				  const char *str);

/*
 * Read ncells (0, 1 or 2) big-endian 32-bit cells starting at cell index idx
 * of a property value of len bytes into *out (0 cells read as 0). So entry i
 * of a reg property is address at idx = i*(ac+sc), size at i*(ac+sc)+ac.
 * Returns 0, or DT_ERR_BADVALUE if out of range / bad ncells.
 */
int dt_read_cells(const void *val, int len, int idx, int ncells, uint64_t *out);

/*
 * #address-cells / #size-cells of node (they describe node's children's
 * reg): the property's value, or 2 / 1 when absent. DT_ERR_BADVALUE if the
 * property is not one cell or is > 4 (address) / > 2 (size; we handle at
 * most 64-bit sizes; address > 2 cells is allowed here but dt_reg() fails).
 */
int dt_addr_cells(const void *blob, int node);
int dt_size_cells(const void *blob, int node);

/*
 * Entry idx of node's reg property decoded with the parent's #address-cells
 * and #size-cells (each must be <= 2). DT_ERR_NOTFOUND if no such entry.
 */
int dt_reg(const void *blob, int node, int idx, uint64_t *addr,
	   uint64_t *size);

/*
 * Next node after start in depth-first order (start = -1: from and
 * including the root) whose "compatible" contains compat.
 */
int dt_next_node_by_compatible(const void *blob, int start, const char *compat);

/* ---- memory reservation map -------------------------------------------- */

/* Number of entries (without the 0,0 terminator), or a negative error. */
int dt_num_mem_rsv(const void *blob);

/* Entry i; DT_ERR_NOTFOUND if i is out of range. */
int dt_get_mem_rsv(const void *blob, int i, uint64_t *addr, uint64_t *size);

/* ---- editing ------------------------------------------------------------ */

/*
 * Copy the blob src (which passed dt_check()) into dst (dstsize bytes) in the
 * editable layout and set totalsize = dstsize (capped at INT32_MAX). src and
 * dst may be the same buffer or overlap. DT_ERR_NOSPACE if it does not fit.
 */
int dt_open_into(const void *src, void *dst, size_t dstsize);

/*
 * Create or replace property name of node with len bytes at val (val may be
 * NULL if len == 0). val may point into the blob itself (e.g. another
 * property's value) but not into its free space. The name is reused from the
 * strings block if present there, else appended.
 */
int dt_setprop(void *blob, int node, const char *name, const void *val,
	       int len);

/*
 * Like dt_setprop() but leaves the len-byte value uninitialised (zeroed) and
 * returns a pointer to it in *valp for the caller to fill in.
 */
int dt_setprop_placeholder(void *blob, int node, const char *name, int len,
			   void **valp);

int dt_setprop_string(void *blob, int node, const char *name, const char *str);
int dt_setprop_u32(void *blob, int node, const char *name, uint32_t val);

/*
 * Set name to n values of ncells (1 or 2) cells each (e.g. reg with
 * #address-cells = #size-cells = 2 uses ncells 2 and vals = {a0, s0, ...}).
 * DT_ERR_BADVALUE if a value does not fit in one cell. vals must not point
 * into the blob.
 */
int dt_setprop_cells(void *blob, int node, const char *name,
		     const uint64_t *vals, int n, int ncells);

/*
 * Append str (with its NUL) to a string-list property, creating it if
 * absent. str must not point into the blob.
 */
int dt_appendprop_string(void *blob, int node, const char *name,
			 const char *str);

/* Delete a property; DT_ERR_NOTFOUND if absent. */
int dt_delprop(void *blob, int node, const char *name);

/*
 * Add an empty child node called name (no '/', not empty) as the last child
 * of parent. Returns the new node's offset, DT_ERR_EXISTS if a child with
 * exactly that name exists.
 */
int dt_add_subnode(void *blob, int parent, const char *name);

/* Delete node and its whole subtree (not the root). */
int dt_del_node(void *blob, int node);

/* Append an entry to the memory reservation map. */
int dt_add_mem_rsv(void *blob, uint64_t addr, uint64_t size);

/* Remove entry i of the memory reservation map. */
int dt_del_mem_rsv(void *blob, int i);

/* Shrink totalsize to the used size (the blob must be in editable layout). */
int dt_pack(void *blob);

#endif /* GZVM_HYP_FDT_H */
