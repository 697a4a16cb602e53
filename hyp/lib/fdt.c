// SPDX-License-Identifier: GPL-2.0-only
/*
 * gzvm: flattened device tree reader/editor, see fdt.h for the contract.
 *
 * Every multi-byte field is read and written byte by byte (the blob may sit
 * at any address and the MMU may be off, so no unaligned accesses). All
 * offsets and sizes come from the blob and are range-checked in 32- or
 * 64-bit unsigned arithmetic before use; totalsize is capped at INT32_MAX so
 * that every valid offset also fits in an int.
 */
#include "fdt.h"

/* Provided by hyp/lib/string.c at EL2 and by libc on the host. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* Header field offsets (version 17 header). */
#define H_MAGIC		0
#define H_TOTALSIZE	4
#define H_OFF_STRUCT	8
#define H_OFF_STRINGS	12
#define H_OFF_RSVMAP	16
#define H_VERSION	20
#define H_LAST_COMP	24
#define H_BOOT_CPUID	28
#define H_SIZE_STRINGS	32
#define H_SIZE_STRUCT	36

#define RSV_ENTRY_SIZE	16u
#define PROP_HDR_SIZE	12u	/* token, len, nameoff */

static uint32_t rd32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static uint64_t rd64(const uint8_t *p)
{
	return ((uint64_t)rd32(p) << 32) | rd32(p + 4);
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, (uint32_t)(v >> 32));
	wr32(p + 4, (uint32_t)v);
}

static uint32_t align4(uint32_t v)
{
	return (v + 3u) & ~3u;
}

/* A decoded, range-checked header. */
struct dtv {
	const uint8_t *b;
	uint32_t total;
	uint32_t soff, ssize;		/* structure block */
	uint32_t stroff, strsize;	/* strings block */
	uint32_t rsvoff;		/* memory reservation map */
};

/*
 * Decode the header and check that each block lies inside totalsize.
 * This is all the non-validating functions rely on.
 */
static int view(const void *blob, struct dtv *v)
{
	const uint8_t *b = blob;
	uint32_t ver, comp;

	if (!b)
		return DT_ERR_BADVALUE;
	if (rd32(b + H_MAGIC) != DT_MAGIC)
		return DT_ERR_BADMAGIC;
	ver = rd32(b + H_VERSION);
	comp = rd32(b + H_LAST_COMP);
	if (ver < DT_VERSION || comp > DT_VERSION || comp > ver)
		return DT_ERR_BADVERSION;
	v->b = b;
	v->total = rd32(b + H_TOTALSIZE);
	v->soff = rd32(b + H_OFF_STRUCT);
	v->ssize = rd32(b + H_SIZE_STRUCT);
	v->stroff = rd32(b + H_OFF_STRINGS);
	v->strsize = rd32(b + H_SIZE_STRINGS);
	v->rsvoff = rd32(b + H_OFF_RSVMAP);
	if (v->total < DT_HEADER_SIZE || v->total > (uint32_t)INT32_MAX)
		return DT_ERR_TRUNCATED;
	if ((v->soff & 3u) || (v->ssize & 3u) || (v->rsvoff & 7u))
		return DT_ERR_BADLAYOUT;
	if (v->soff < DT_HEADER_SIZE || v->stroff < DT_HEADER_SIZE ||
	    v->rsvoff < DT_HEADER_SIZE)
		return DT_ERR_BADLAYOUT;
	if ((uint64_t)v->soff + v->ssize > v->total ||
	    (uint64_t)v->stroff + v->strsize > v->total ||
	    (uint64_t)v->rsvoff + RSV_ENTRY_SIZE > v->total)
		return DT_ERR_TRUNCATED;
	if (v->ssize < 4)
		return DT_ERR_BADSTRUCTURE;
	return 0;
}

/* End (absolute offset past the 0,0 terminator) of the reservation map. */
static int rsv_end(const struct dtv *v, uint32_t *end, int *count)
{
	uint32_t off = v->rsvoff;
	int n = 0;

	while ((uint64_t)off + RSV_ENTRY_SIZE <= v->total) {
		uint64_t a = rd64(v->b + off), s = rd64(v->b + off + 8);

		off += RSV_ENTRY_SIZE;
		if (a == 0 && s == 0) {
			*end = off;
			if (count)
				*count = n;
			return 0;
		}
		n++;
	}
	return DT_ERR_TRUNCATED;
}

/*
 * Decode the token at struct offset off. Returns the tag (> 0) and stores
 * the offset of the following token in *next, or returns a negative error.
 * Guarantees *next > off and *next <= ssize.
 */
static int tok(const struct dtv *v, int off, int *next)
{
	const uint8_t *s = v->b + v->soff;
	uint32_t o, t, n, len;

	if (off < 0 || (off & 3) || (uint32_t)off + 4u > v->ssize)
		return DT_ERR_BADOFFSET;
	o = (uint32_t)off;
	t = rd32(s + o);
	n = o + 4u;
	switch (t) {
	case DT_TOKEN_BEGIN_NODE:
		while (n < v->ssize && s[n])
			n++;
		if (n >= v->ssize)
			return DT_ERR_BADSTRUCTURE;
		n = align4(n + 1u);	/* ssize is a multiple of 4 */
		break;
	case DT_TOKEN_PROP:
		if (v->ssize - n < 8u)
			return DT_ERR_BADSTRUCTURE;
		len = rd32(s + n);
		if (len > v->ssize - n - 8u)
			return DT_ERR_BADSTRUCTURE;
		n = align4(n + 8u + len);
		break;
	case DT_TOKEN_END_NODE:
	case DT_TOKEN_NOP:
	case DT_TOKEN_END:
		break;
	default:
		return DT_ERR_BADSTRUCTURE;
	}
	*next = (int)n;
	return (int)t;
}

/* Check that node is a BEGIN_NODE token; returns the offset after its name. */
static int node_hdr(const struct dtv *v, int node)
{
	int next, t = tok(v, node, &next);

	if (t < 0)
		return t;
	if (t != DT_TOKEN_BEGIN_NODE)
		return DT_ERR_BADOFFSET;
	return next;
}

/* Offset just past node's matching END_NODE. */
static int node_end(const struct dtv *v, int node)
{
	int off = node, next, depth = 0, t;

	for (;;) {
		t = tok(v, off, &next);
		if (t < 0)
			return t;
		if (t == DT_TOKEN_BEGIN_NODE)
			depth++;
		else if (t == DT_TOKEN_END_NODE && --depth == 0)
			return next;
		else if (t == DT_TOKEN_END)
			return DT_ERR_BADSTRUCTURE;
		if (depth <= 0)
			return DT_ERR_BADOFFSET;
		off = next;
	}
}

/* String at nameoff in the strings block, NULL if out of range/unterminated. */
static const char *str_at(const struct dtv *v, uint32_t nameoff, uint32_t *slen)
{
	const uint8_t *p = v->b + v->stroff;
	uint32_t i;

	if (nameoff >= v->strsize)
		return NULL;
	for (i = nameoff; i < v->strsize; i++) {
		if (!p[i]) {
			if (slen)
				*slen = i - nameoff;
			return (const char *)p + nameoff;
		}
	}
	return NULL;
}

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1;
}

/* ---- validation ----------------------------------------------------------- */

const char *dt_strerror(int err)
{
	switch (err) {
	case 0: return "OK";
	case DT_ERR_NOTFOUND: return "DT_ERR_NOTFOUND";
	case DT_ERR_EXISTS: return "DT_ERR_EXISTS";
	case DT_ERR_NOSPACE: return "DT_ERR_NOSPACE";
	case DT_ERR_BADOFFSET: return "DT_ERR_BADOFFSET";
	case DT_ERR_BADPATH: return "DT_ERR_BADPATH";
	case DT_ERR_BADMAGIC: return "DT_ERR_BADMAGIC";
	case DT_ERR_BADVERSION: return "DT_ERR_BADVERSION";
	case DT_ERR_BADSTRUCTURE: return "DT_ERR_BADSTRUCTURE";
	case DT_ERR_TRUNCATED: return "DT_ERR_TRUNCATED";
	case DT_ERR_BADLAYOUT: return "DT_ERR_BADLAYOUT";
	case DT_ERR_BADVALUE: return "DT_ERR_BADVALUE";
	case DT_ERR_BADNAME: return "DT_ERR_BADNAME";
	case DT_ERR_TOODEEP: return "DT_ERR_TOODEEP";
	default: return "DT_ERR_UNKNOWN";
	}
}

int dt_check(const void *blob, size_t bufsize)
{
	const uint8_t *b = blob;
	struct dtv v;
	uint32_t rend, slen;
	int off = 0, next, t, depth = 0, err;
	bool seen_root = false, after_child = false;

	if (!b)
		return DT_ERR_BADVALUE;
	if (bufsize < 4)
		return DT_ERR_TRUNCATED;
	if (rd32(b + H_MAGIC) != DT_MAGIC)
		return DT_ERR_BADMAGIC;
	if (bufsize < DT_HEADER_SIZE)
		return DT_ERR_TRUNCATED;
	if (rd32(b + H_TOTALSIZE) > bufsize)
		return DT_ERR_TRUNCATED;
	err = view(blob, &v);
	if (err)
		return err;
	err = rsv_end(&v, &rend, NULL);
	if (err)
		return err;
	if (overlaps(v.rsvoff, rend, v.soff, (uint64_t)v.soff + v.ssize) ||
	    overlaps(v.rsvoff, rend, v.stroff, (uint64_t)v.stroff + v.strsize) ||
	    overlaps(v.soff, (uint64_t)v.soff + v.ssize,
		     v.stroff, (uint64_t)v.stroff + v.strsize))
		return DT_ERR_BADLAYOUT;

	for (;;) {
		t = tok(&v, off, &next);
		if (t == DT_ERR_BADOFFSET)
			return DT_ERR_BADSTRUCTURE;	/* ran off the end */
		if (t < 0)
			return t;
		if (off == 0 && t != DT_TOKEN_BEGIN_NODE)
			return DT_ERR_BADSTRUCTURE;
		/* After the root closes, only FDT_END (libfdt agrees). */
		if (seen_root && depth == 0 && t != DT_TOKEN_END)
			return DT_ERR_BADSTRUCTURE;
		switch (t) {
		case DT_TOKEN_BEGIN_NODE: {
			const char *name = (const char *)v.b + v.soff + off + 4;

			if (depth == 0 && seen_root)
				return DT_ERR_BADSTRUCTURE;
			if (depth == 0 && name[0])
				return DT_ERR_BADNAME;	/* the root's name is "" */
			if (depth > 0) {
				int i;

				if (!name[0])
					return DT_ERR_BADNAME;
				for (i = 0; name[i]; i++)
					if (name[i] == '/')
						return DT_ERR_BADNAME;
			}
			if (++depth > DT_MAX_DEPTH)
				return DT_ERR_TOODEEP;
			seen_root = true;
			after_child = false;
			break;
		}
		case DT_TOKEN_END_NODE:
			if (depth == 0)
				return DT_ERR_BADSTRUCTURE;
			depth--;
			after_child = true;
			break;
		case DT_TOKEN_PROP:
			if (depth == 0 || after_child)
				return DT_ERR_BADSTRUCTURE;
			if (!str_at(&v, rd32(v.b + v.soff + off + 8), &slen))
				return DT_ERR_BADSTRUCTURE;
			if (slen == 0)
				return DT_ERR_BADNAME;
			break;
		case DT_TOKEN_NOP:
			break;
		case DT_TOKEN_END:
			if (depth != 0 || !seen_root)
				return DT_ERR_BADSTRUCTURE;
			if ((uint32_t)next != v.ssize)
				return DT_ERR_BADSTRUCTURE;
			return 0;
		}
		off = next;
	}
}

uint32_t dt_totalsize(const void *blob)
{
	return blob ? rd32((const uint8_t *)blob + H_TOTALSIZE) : 0;
}

/* ---- navigation ----------------------------------------------------------- */

int dt_root(void)
{
	return 0;
}

int dt_first_child(const void *blob, int node)
{
	struct dtv v;
	int off, next, t, err = view(blob, &v);

	if (err)
		return err;
	off = node_hdr(&v, node);
	if (off < 0)
		return off;
	for (;;) {
		t = tok(&v, off, &next);
		if (t < 0)
			return t;
		if (t == DT_TOKEN_BEGIN_NODE)
			return off;
		if (t == DT_TOKEN_END_NODE)
			return DT_ERR_NOTFOUND;
		if (t == DT_TOKEN_END)
			return DT_ERR_BADSTRUCTURE;
		off = next;
	}
}

int dt_next_sibling(const void *blob, int node)
{
	struct dtv v;
	int off, next, t, err = view(blob, &v);

	if (err)
		return err;
	off = node_hdr(&v, node);
	if (off < 0)
		return off;
	off = node_end(&v, node);
	if (off < 0)
		return off;
	for (;;) {
		t = tok(&v, off, &next);
		if (t < 0)
			return t;
		if (t == DT_TOKEN_BEGIN_NODE)
			return off;
		if (t != DT_TOKEN_NOP)
			return DT_ERR_NOTFOUND;	/* END_NODE, END, stray PROP */
		off = next;
	}
}

int dt_next_node(const void *blob, int node, int *depth)
{
	struct dtv v;
	int off, next, t, d = 0, err = view(blob, &v);

	if (err)
		return err;
	if (node < 0) {
		off = node_hdr(&v, 0);
		if (off < 0)
			return off;
		if (depth)
			*depth += 1;
		return 0;
	}
	off = node_hdr(&v, node);
	if (off < 0)
		return off;
	for (;;) {
		t = tok(&v, off, &next);
		if (t < 0)
			return t;
		if (t == DT_TOKEN_BEGIN_NODE) {
			d++;
			if (depth)
				*depth += d;
			return off;
		}
		if (t == DT_TOKEN_END_NODE)
			d--;
		else if (t == DT_TOKEN_END)
			return DT_ERR_NOTFOUND;
		off = next;
	}
}

const char *dt_node_name(const void *blob, int node, int *len)
{
	struct dtv v;
	const char *name;
	int err = view(blob, &v);

	if (!err) {
		err = node_hdr(&v, node);
		if (err > 0)
			err = 0;
	}
	if (err) {
		if (len)
			*len = err;
		return NULL;
	}
	name = (const char *)v.b + v.soff + node + 4;
	if (len)
		*len = (int)strlen(name);	/* terminated: checked by tok() */
	return name;
}

static bool has_at(const char *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (s[i] == '@')
			return true;
	return false;
}

static bool name_matches(const char *cname, const char *name, int namelen,
			 bool unit_ok)
{
	size_t clen = strlen(cname);

	if (memcmp(cname, name, clen < (size_t)namelen ? clen : (size_t)namelen))
		return false;
	if (clen == (size_t)namelen)
		return true;
	return unit_ok && clen > (size_t)namelen && cname[namelen] == '@';
}

static int subnode_n(const void *blob, int parent, const char *name,
		     int namelen, bool unit_ok)
{
	int child;

	if (!name || namelen < 0)
		return DT_ERR_BADVALUE;
	unit_ok = unit_ok && !has_at(name, namelen);
	for (child = dt_first_child(blob, parent); child >= 0;
	     child = dt_next_sibling(blob, child)) {
		const char *cname = dt_node_name(blob, child, NULL);

		if (!cname)
			return DT_ERR_BADSTRUCTURE;
		if (name_matches(cname, name, namelen, unit_ok))
			return child;
	}
	return child;
}

int dt_subnode_n(const void *blob, int parent, const char *name, int namelen)
{
	return subnode_n(blob, parent, name, namelen, true);
}

int dt_subnode(const void *blob, int parent, const char *name)
{
	if (!name)
		return DT_ERR_BADVALUE;
	return subnode_n(blob, parent, name, (int)strlen(name), true);
}

/* Walk the components of path[0..end) below node. */
static int walk_path(const void *blob, int node, const char *p, const char *end)
{
	while (p < end && node >= 0) {
		const char *q;

		while (p < end && *p == '/')
			p++;
		if (p == end)
			break;
		for (q = p; q < end && *q != '/'; q++)
			;
		if (q - p > INT32_MAX)
			return DT_ERR_BADPATH;
		node = dt_subnode_n(blob, node, p, (int)(q - p));
		p = q;
	}
	return node;
}

static const void *getprop_n(const void *blob, int node, const char *name,
			     int namelen, int *len);

int dt_path_offset(const void *blob, const char *path)
{
	const char *end, *q, *val;
	int node, len;

	if (!path)
		return DT_ERR_BADVALUE;
	for (end = path; *end && *end != ':'; end++)
		;
	if (end == path)
		return DT_ERR_BADPATH;
	if (*path == '/') {
		node = dt_first_child(blob, 0);	/* validates the root */
		if (node < 0 && node != DT_ERR_NOTFOUND)
			return node;
		return walk_path(blob, 0, path, end);
	}
	/* alias[/rest] */
	for (q = path; q < end && *q != '/'; q++)
		;
	node = dt_subnode(blob, 0, "aliases");
	if (node < 0)
		return node;
	if (q - path > INT32_MAX)
		return DT_ERR_BADPATH;
	val = getprop_n(blob, node, path, (int)(q - path), &len);
	if (!val)
		return len;
	if (len < 2 || val[len - 1] != '\0' || val[0] != '/')
		return DT_ERR_BADVALUE;
	node = walk_path(blob, 0, val, val + strlen(val));
	if (node < 0)
		return node;
	return walk_path(blob, node, q, end);
}

/* Depth (root = 1) and parent of node by a walk from the root. */
static int locate(const struct dtv *v, int node, int *parent)
{
	int stack[DT_MAX_DEPTH];
	int off = 0, next, t, depth = 0;

	for (;;) {
		t = tok(v, off, &next);
		if (t < 0)
			return t;
		if (t == DT_TOKEN_BEGIN_NODE) {
			if (off == node) {
				if (parent)
					*parent = depth ? stack[depth - 1]
							: DT_ERR_NOTFOUND;
				return depth + 1;
			}
			if (depth >= DT_MAX_DEPTH)
				return DT_ERR_TOODEEP;
			stack[depth++] = off;
		} else if (t == DT_TOKEN_END_NODE) {
			if (depth == 0)
				return DT_ERR_BADSTRUCTURE;
			depth--;
		} else if (t == DT_TOKEN_END || off > node) {
			return DT_ERR_BADOFFSET;
		}
		off = next;
	}
}

int dt_parent(const void *blob, int node)
{
	struct dtv v;
	int parent = DT_ERR_NOTFOUND, err = view(blob, &v);

	if (err)
		return err;
	err = node_hdr(&v, node);
	if (err < 0)
		return err;
	err = locate(&v, node, &parent);
	return err < 0 ? err : parent;
}

/* ---- properties ----------------------------------------------------------- */

static int skip_to_prop(const struct dtv *v, int off)
{
	int next, t;

	for (;;) {
		t = tok(v, off, &next);
		if (t < 0)
			return t;
		if (t == DT_TOKEN_PROP)
			return off;
		if (t != DT_TOKEN_NOP)
			return DT_ERR_NOTFOUND;
		off = next;
	}
}

int dt_first_prop(const void *blob, int node)
{
	struct dtv v;
	int off, err = view(blob, &v);

	if (err)
		return err;
	off = node_hdr(&v, node);
	if (off < 0)
		return off;
	return skip_to_prop(&v, off);
}

int dt_next_prop(const void *blob, int prop)
{
	struct dtv v;
	int next, t, err = view(blob, &v);

	if (err)
		return err;
	t = tok(&v, prop, &next);
	if (t < 0)
		return t;
	if (t != DT_TOKEN_PROP)
		return DT_ERR_BADOFFSET;
	return skip_to_prop(&v, next);
}

/* Decode the property at prop (already known to be a PROP token). */
static const void *prop_at(const struct dtv *v, int prop, const char **name,
			   uint32_t *namelen, int *len)
{
	const uint8_t *p = v->b + v->soff + prop;
	const char *n = str_at(v, rd32(p + 8), namelen);

	if (!n) {
		if (len)
			*len = DT_ERR_BADSTRUCTURE;
		return NULL;
	}
	if (name)
		*name = n;
	if (len)
		*len = (int)rd32(p + 4);	/* <= ssize, checked by tok() */
	return p + PROP_HDR_SIZE;
}

const void *dt_prop_value(const void *blob, int prop, const char **name,
			  int *len)
{
	struct dtv v;
	int next, t = view(blob, &v);

	if (!t) {
		t = tok(&v, prop, &next);
		if (t > 0 && t != DT_TOKEN_PROP)
			t = DT_ERR_BADOFFSET;
	}
	if (t < 0) {
		if (len)
			*len = t;
		return NULL;
	}
	return prop_at(&v, prop, name, NULL, len);
}

/* Find property name[0..namelen) of node; returns its offset or an error. */
static int find_prop(const struct dtv *v, int node, const char *name,
		     int namelen)
{
	int off, next, t;

	off = node_hdr(v, node);
	for (off = skip_to_prop(v, off); off >= 0; off = skip_to_prop(v, next)) {
		const char *pname;
		uint32_t plen;

		t = tok(v, off, &next);
		if (t < 0)
			return t;
		if (!prop_at(v, off, &pname, &plen, NULL))
			return DT_ERR_BADSTRUCTURE;
		if (plen == (uint32_t)namelen && !memcmp(pname, name, plen))
			return off;
	}
	return off;
}

static const void *getprop_n(const void *blob, int node, const char *name,
			     int namelen, int *len)
{
	struct dtv v;
	int off = view(blob, &v);

	if (!off && (!name || namelen < 0))
		off = DT_ERR_BADVALUE;
	if (!off)
		off = node_hdr(&v, node);
	if (off >= 0)
		off = find_prop(&v, node, name, namelen);
	if (off < 0) {
		if (len)
			*len = off;
		return NULL;
	}
	return prop_at(&v, off, NULL, NULL, len);
}

const void *dt_getprop(const void *blob, int node, const char *name, int *len)
{
	if (!name) {
		if (len)
			*len = DT_ERR_BADVALUE;
		return NULL;
	}
	return getprop_n(blob, node, name, (int)strlen(name), len);
}

int dt_prop_u32(const void *blob, int node, const char *name, uint32_t *out)
{
	int len;
	const uint8_t *p = dt_getprop(blob, node, name, &len);

	if (!p)
		return len;
	if (len != 4)
		return DT_ERR_BADVALUE;
	if (out)
		*out = rd32(p);
	return 0;
}

bool dt_prop_is_stringlist_member(const void *blob, int node, const char *prop,
				  const char *str)
{
	int len, i = 0;
	const char *p = dt_getprop(blob, node, prop, &len);
	size_t slen;

	if (!p || !str || len <= 0 || p[len - 1] != '\0')
		return false;
	slen = strlen(str);
	while (i < len) {
		size_t l = strlen(p + i);	/* terminated: p[len-1] == 0 */

		if (l == slen && !memcmp(p + i, str, l))
			return true;
		i += (int)l + 1;
	}
	return false;
}

int dt_read_cells(const void *val, int len, int idx, int ncells, uint64_t *out)
{
	const uint8_t *p = val;
	uint64_t r = 0;
	int i;

	if (!out || len < 0 || idx < 0 || ncells < 0 || ncells > 2)
		return DT_ERR_BADVALUE;
	if (((uint64_t)idx + (uint64_t)ncells) * 4u > (uint64_t)len)
		return DT_ERR_BADVALUE;
	if (ncells && !p)
		return DT_ERR_BADVALUE;
	for (i = 0; i < ncells; i++)
		r = (r << 32) | rd32(p + ((size_t)idx + (size_t)i) * 4u);
	*out = r;
	return 0;
}

static int cells(const void *blob, int node, const char *name, int dflt,
		 int max)
{
	uint32_t val = 0;
	int err = dt_prop_u32(blob, node, name, &val);

	if (err == DT_ERR_NOTFOUND)
		return dflt;
	if (err)
		return err;
	if (val > (uint32_t)max)
		return DT_ERR_BADVALUE;
	return (int)val;
}

int dt_addr_cells(const void *blob, int node)
{
	return cells(blob, node, "#address-cells", 2, 4);
}

int dt_size_cells(const void *blob, int node)
{
	return cells(blob, node, "#size-cells", 1, 2);
}

int dt_reg(const void *blob, int node, int idx, uint64_t *addr, uint64_t *size)
{
	int parent, ac, sc, len, err;
	const void *val;
	uint64_t a, s;

	if (idx < 0)
		return DT_ERR_BADVALUE;
	parent = dt_parent(blob, node);
	if (parent < 0)
		return parent;
	ac = dt_addr_cells(blob, parent);
	if (ac < 0)
		return ac;
	sc = dt_size_cells(blob, parent);
	if (sc < 0)
		return sc;
	if (ac > 2 || ac + sc == 0)
		return DT_ERR_BADVALUE;
	val = dt_getprop(blob, node, "reg", &len);
	if (!val)
		return len;
	if (((uint64_t)idx + 1u) * (uint64_t)(ac + sc) * 4u > (uint64_t)len)
		return DT_ERR_NOTFOUND;
	err = dt_read_cells(val, len, idx * (ac + sc), ac, &a);
	if (!err)
		err = dt_read_cells(val, len, idx * (ac + sc) + ac, sc, &s);
	if (err)
		return err;
	if (addr)
		*addr = a;
	if (size)
		*size = s;
	return 0;
}

int dt_next_node_by_compatible(const void *blob, int start, const char *compat)
{
	int node = dt_next_node(blob, start < 0 ? -1 : start, NULL);

	if (!compat)
		return DT_ERR_BADVALUE;
	while (node >= 0) {
		if (dt_prop_is_stringlist_member(blob, node, "compatible", compat))
			return node;
		node = dt_next_node(blob, node, NULL);
	}
	return node;
}

/* ---- memory reservation map ---------------------------------------------- */

int dt_num_mem_rsv(const void *blob)
{
	struct dtv v;
	uint32_t end;
	int n, err = view(blob, &v);

	if (!err)
		err = rsv_end(&v, &end, &n);
	return err ? err : n;
}

int dt_get_mem_rsv(const void *blob, int i, uint64_t *addr, uint64_t *size)
{
	struct dtv v;
	int n = dt_num_mem_rsv(blob);

	if (n < 0)
		return n;
	if (i < 0 || i >= n)
		return DT_ERR_NOTFOUND;
	view(blob, &v);
	if (addr)
		*addr = rd64(v.b + v.rsvoff + (uint32_t)i * RSV_ENTRY_SIZE);
	if (size)
		*size = rd64(v.b + v.rsvoff + (uint32_t)i * RSV_ENTRY_SIZE + 8);
	return 0;
}

/* ---- editing -------------------------------------------------------------- */

/*
 * The editable layout: header, rsvmap, struct, strings in this order, the
 * strings block immediately after the struct block; free space after it.
 */
struct ev {
	struct dtv v;
	uint8_t *b;
	uint32_t rend;	/* end of the reservation map */
	uint32_t used;	/* end of the strings block */
};

static int eview(void *blob, struct ev *e)
{
	int err = view(blob, &e->v);

	if (err)
		return err;
	err = rsv_end(&e->v, &e->rend, NULL);
	if (err)
		return err;
	if (e->rend > e->v.soff || e->v.soff + e->v.ssize != e->v.stroff)
		return DT_ERR_BADLAYOUT;
	e->b = blob;
	e->used = e->v.stroff + e->v.strsize;
	return 0;
}

static uint32_t ev_free(const struct ev *e)
{
	return e->v.total - e->used;
}

/*
 * Replace oldlen bytes at absolute offset at by newlen bytes (contents of
 * the new bytes are left to the caller), moving everything up to the end of
 * the strings block. Block offsets after the region are adjusted; the
 * caller adjusts the size of the block that contains the region. The
 * caller has checked that the result fits.
 */
static void splice(struct ev *e, uint32_t at, uint32_t oldlen, uint32_t newlen)
{
	uint32_t tail = at + oldlen;

	memmove(e->b + at + newlen, e->b + tail, e->used - tail);
	if (e->v.soff >= tail)
		e->v.soff = e->v.soff - oldlen + newlen;
	if (e->v.stroff >= tail)
		e->v.stroff = e->v.stroff - oldlen + newlen;
	e->used = e->used - oldlen + newlen;
	if (e->rend >= tail)
		e->rend = e->rend - oldlen + newlen;
}

static void ev_commit(struct ev *e)
{
	wr32(e->b + H_OFF_STRUCT, e->v.soff);
	wr32(e->b + H_SIZE_STRUCT, e->v.ssize);
	wr32(e->b + H_OFF_STRINGS, e->v.stroff);
	wr32(e->b + H_SIZE_STRINGS, e->v.strsize);
}

/* Splice inside the structure block (off relative to it). */
static void splice_struct(struct ev *e, uint32_t off, uint32_t oldlen,
			  uint32_t newlen)
{
	splice(e, e->v.soff + off, oldlen, newlen);
	e->v.ssize = e->v.ssize - oldlen + newlen;
	ev_commit(e);
}

int dt_open_into(const void *src, void *dst, size_t dstsize)
{
	struct dtv v;
	uint32_t rend, rsvsz, total, cpuid, i;
	uint32_t o[3], n[3], sz[3];	/* old offset, new offset, size */
	int64_t delta;
	int err = view(src, &v);
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (err)
		return err;
	if (!dst)
		return DT_ERR_BADVALUE;
	err = rsv_end(&v, &rend, NULL);
	if (err)
		return err;
	rsvsz = rend - v.rsvoff;
	total = dstsize > (size_t)INT32_MAX ? (uint32_t)INT32_MAX
					     : (uint32_t)dstsize;
	if ((uint64_t)DT_HEADER_SIZE + rsvsz + v.ssize + v.strsize > total)
		return DT_ERR_NOSPACE;
	o[0] = v.rsvoff;  sz[0] = rsvsz;     n[0] = DT_HEADER_SIZE;
	o[1] = v.soff;    sz[1] = v.ssize;   n[1] = n[0] + rsvsz;
	o[2] = v.stroff;  sz[2] = v.strsize; n[2] = n[1] + v.ssize;
	/* The blocks must be disjoint. */
	if (overlaps(o[0], (uint64_t)o[0] + sz[0], o[1], (uint64_t)o[1] + sz[1]) ||
	    overlaps(o[0], (uint64_t)o[0] + sz[0], o[2], (uint64_t)o[2] + sz[2]) ||
	    overlaps(o[1], (uint64_t)o[1] + sz[1], o[2], (uint64_t)o[2] + sz[2]))
		return DT_ERR_BADLAYOUT;
	cpuid = rd32(s + H_BOOT_CPUID);

	if (overlaps((uintptr_t)s, (uintptr_t)s + v.total,
		     (uintptr_t)d, (uintptr_t)d + total)) {
		/*
		 * In-place / overlapping: with the source blocks in canonical
		 * order the per-block shift (new - old position) does not
		 * increase from block to block, so moving the right-moving
		 * blocks last-first and then the left-moving ones first-last
		 * never overwrites a block not yet moved.
		 */
		if (!(o[0] + sz[0] <= o[1] && o[1] + sz[1] <= o[2]))
			return DT_ERR_BADLAYOUT;
		for (i = 3; i-- > 0;) {
			delta = ((int64_t)(uintptr_t)d + n[i]) -
				((int64_t)(uintptr_t)s + o[i]);
			if (delta > 0)
				memmove(d + n[i], s + o[i], sz[i]);
		}
		for (i = 0; i < 3; i++) {
			delta = ((int64_t)(uintptr_t)d + n[i]) -
				((int64_t)(uintptr_t)s + o[i]);
			if (delta <= 0)
				memmove(d + n[i], s + o[i], sz[i]);
		}
	} else {
		for (i = 0; i < 3; i++)
			memcpy(d + n[i], s + o[i], sz[i]);
	}
	wr32(d + H_MAGIC, DT_MAGIC);
	wr32(d + H_TOTALSIZE, total);
	wr32(d + H_OFF_STRUCT, n[1]);
	wr32(d + H_OFF_STRINGS, n[2]);
	wr32(d + H_OFF_RSVMAP, n[0]);
	wr32(d + H_VERSION, DT_VERSION);
	wr32(d + H_LAST_COMP, DT_LAST_COMP_VERSION);
	wr32(d + H_BOOT_CPUID, cpuid);
	wr32(d + H_SIZE_STRINGS, v.strsize);
	wr32(d + H_SIZE_STRUCT, v.ssize);
	return 0;
}

/* Offset in the strings block of an existing copy of name, or -1. */
static int64_t find_string(const struct ev *e, const char *name, uint32_t nlen)
{
	const uint8_t *p = e->b + e->v.stroff;
	uint32_t i;

	if (e->v.strsize <= nlen)
		return -1;
	for (i = 0; i + nlen < e->v.strsize; i++)
		if (!p[i + nlen] && !memcmp(p + i, name, nlen))
			return i;
	return -1;
}

/* Offset of the first token after node's properties (insertion point). */
static int props_end(const struct ev *e, int node)
{
	int off = node_hdr(&e->v, node), next, t;

	while (off >= 0) {
		t = tok(&e->v, off, &next);
		if (t < 0)
			return t;
		if (t != DT_TOKEN_PROP && t != DT_TOKEN_NOP)
			return off;
		off = next;
	}
	return off;
}

enum { SET_COPY, SET_ZERO, SET_KEEP };

/*
 * Create or resize property name of node to len bytes. SET_COPY copies the
 * value from val, SET_ZERO zeroes it, SET_KEEP keeps the existing bytes (up
 * to the new length) and zeroes any growth. *valp = the value in the blob.
 */
static int setprop_common(void *blob, int node, const char *name,
			  const void *val, int len, int mode, void **valp)
{
	bool copy = mode == SET_COPY;
	uint32_t oldlen = 0;
	struct ev e;
	size_t nl;
	uint32_t nlen, nameoff, at, oldsz, newsz, addstr = 0;
	int64_t soff_str, vo = -1;
	int prop, ins, err = eview(blob, &e);
	bool moved = false;

	if (err)
		return err;
	if (!name)
		return DT_ERR_BADVALUE;
	nl = strlen(name);
	if (nl == 0 || nl > 0xffffu)
		return DT_ERR_BADNAME;
	nlen = (uint32_t)nl;
	if (len < 0 || len > INT32_MAX - 64 || (copy && len && !val))
		return DT_ERR_BADVALUE;
	ins = props_end(&e, node);
	if (ins < 0)
		return ins;
	prop = find_prop(&e.v, node, name, (int)nlen);
	if (prop < 0 && prop != DT_ERR_NOTFOUND)
		return prop;
	newsz = align4((uint32_t)len);
	if (prop >= 0) {
		nameoff = rd32(e.b + e.v.soff + prop + 8);
		oldlen = rd32(e.b + e.v.soff + prop + 4);
		oldsz = align4(oldlen);
		at = e.v.soff + (uint32_t)prop + PROP_HDR_SIZE;
	} else {
		soff_str = find_string(&e, name, nlen);
		if (soff_str < 0) {
			addstr = nlen + 1u;
			nameoff = e.v.strsize;
		} else {
			nameoff = (uint32_t)soff_str;
		}
		oldsz = 0;
		newsz += PROP_HDR_SIZE;
		at = e.v.soff + (uint32_t)ins;
	}
	if ((uint64_t)e.used + addstr + newsz - oldsz > e.v.total)
		return DT_ERR_NOSPACE;

	/* A value inside the blob: see where it goes. */
	if (copy && len && (const uint8_t *)val >= e.b &&
	    (const uint8_t *)val < e.b + e.v.total) {
		vo = (const uint8_t *)val - e.b;
		if ((uint64_t)vo + (uint32_t)len > e.used)
			return DT_ERR_BADVALUE;	/* from the free space */
		if (vo < (int64_t)at + oldsz && vo + len > (int64_t)at) {
			/* Overlaps the old value: must lie inside it. */
			if (vo < (int64_t)at ||
			    vo + len > (int64_t)at + oldsz)
				return DT_ERR_BADVALUE;
			memmove(e.b + at, e.b + vo, (uint32_t)len);
			moved = true;
		} else if (vo >= (int64_t)at + oldsz) {
			vo = vo + (int64_t)newsz - (int64_t)oldsz;
		}
	}

	if (addstr) {
		memmove(e.b + e.used, name, nlen);
		e.b[e.used + nlen] = 0;
		e.v.strsize += addstr;
		e.used += addstr;
	}
	if (prop >= 0) {
		splice_struct(&e, at - e.v.soff, oldsz, newsz);
	} else {
		splice_struct(&e, at - e.v.soff, 0, newsz);
		wr32(e.b + at, DT_TOKEN_PROP);
		wr32(e.b + at + 8, nameoff);
		at += PROP_HDR_SIZE;
		newsz -= PROP_HDR_SIZE;
	}
	/* Value first: an in-blob source may include the old length field. */
	if (copy && len && !moved) {
		if (vo >= 0)
			memmove(e.b + at, e.b + vo, (uint32_t)len);
		else
			memcpy(e.b + at, val, (uint32_t)len);
	} else if (mode == SET_ZERO) {
		memset(e.b + at, 0, (uint32_t)len);
	} else if (mode == SET_KEEP && (uint32_t)len > oldlen) {
		memset(e.b + at + oldlen, 0, (uint32_t)len - oldlen);
	}
	memset(e.b + at + len, 0, newsz - (uint32_t)len);
	wr32(e.b + at - 8, (uint32_t)len);
	if (valp)
		*valp = e.b + at;
	return 0;
}

int dt_setprop(void *blob, int node, const char *name, const void *val,
	       int len)
{
	return setprop_common(blob, node, name, val, len, SET_COPY, NULL);
}

int dt_setprop_placeholder(void *blob, int node, const char *name, int len,
			   void **valp)
{
	return setprop_common(blob, node, name, NULL, len, SET_ZERO, valp);
}

int dt_setprop_string(void *blob, int node, const char *name, const char *str)
{
	size_t l;

	if (!str)
		return DT_ERR_BADVALUE;
	l = strlen(str);
	if (l >= (size_t)INT32_MAX - 64)
		return DT_ERR_BADVALUE;
	return dt_setprop(blob, node, name, str, (int)l + 1);
}

int dt_setprop_u32(void *blob, int node, const char *name, uint32_t val)
{
	uint8_t b[4];

	wr32(b, val);
	return dt_setprop(blob, node, name, b, 4);
}

int dt_setprop_cells(void *blob, int node, const char *name,
		     const uint64_t *vals, int n, int ncells)
{
	uint8_t *p;
	void *vp;
	int i, err;

	if (n < 0 || n > 0x1000000 || (ncells != 1 && ncells != 2) ||
	    (n && !vals))
		return DT_ERR_BADVALUE;
	if (ncells == 1)
		for (i = 0; i < n; i++)
			if (vals[i] > 0xffffffffu)
				return DT_ERR_BADVALUE;
	err = dt_setprop_placeholder(blob, node, name, n * ncells * 4, &vp);
	if (err)
		return err;
	p = vp;
	for (i = 0; i < n; i++) {
		if (ncells == 1)
			wr32(p + i * 4, (uint32_t)vals[i]);
		else
			wr64(p + i * 8, vals[i]);
	}
	return 0;
}

int dt_appendprop_string(void *blob, int node, const char *name,
			 const char *str)
{
	const void *old;
	void *vp;
	int oldlen, err;
	size_t l;

	if (!str || !name)
		return DT_ERR_BADVALUE;
	l = strlen(str) + 1;
	old = dt_getprop(blob, node, name, &oldlen);
	if (!old) {
		if (oldlen != DT_ERR_NOTFOUND)
			return oldlen;
		oldlen = 0;
	}
	if (l > (size_t)(INT32_MAX - 128 - oldlen))
		return DT_ERR_BADVALUE;
	err = setprop_common(blob, node, name, NULL, oldlen + (int)l, SET_KEEP,
			     &vp);
	if (err)
		return err;
	memmove((uint8_t *)vp + oldlen, str, l);
	return 0;
}

int dt_delprop(void *blob, int node, const char *name)
{
	struct ev e;
	int prop, next, t, err = eview(blob, &e);

	if (err)
		return err;
	if (!name)
		return DT_ERR_BADVALUE;
	err = node_hdr(&e.v, node);
	if (err < 0)
		return err;
	prop = find_prop(&e.v, node, name, (int)strlen(name));
	if (prop < 0)
		return prop;
	t = tok(&e.v, prop, &next);
	if (t < 0)
		return t;
	splice_struct(&e, (uint32_t)prop, (uint32_t)(next - prop), 0);
	return 0;
}

int dt_add_subnode(void *blob, int parent, const char *name)
{
	struct ev e;
	size_t nl;
	uint32_t sz, at, i;
	int depth, end, child, err = eview(blob, &e);

	if (err)
		return err;
	if (!name)
		return DT_ERR_BADVALUE;
	nl = strlen(name);
	if (nl == 0 || nl > 0xffffu)
		return DT_ERR_BADNAME;
	for (i = 0; i < nl; i++)
		if (name[i] == '/')
			return DT_ERR_BADNAME;
	err = node_hdr(&e.v, parent);
	if (err < 0)
		return err;
	depth = locate(&e.v, parent, NULL);
	if (depth < 0)
		return depth;
	if (depth + 1 > DT_MAX_DEPTH)
		return DT_ERR_TOODEEP;
	child = subnode_n(blob, parent, name, (int)nl, false);
	if (child >= 0)
		return DT_ERR_EXISTS;
	if (child != DT_ERR_NOTFOUND)
		return child;
	end = node_end(&e.v, parent);
	if (end < 0)
		return end;
	sz = 4u + align4((uint32_t)nl + 1u) + 4u;
	if ((uint64_t)e.used + sz > e.v.total)
		return DT_ERR_NOSPACE;
	at = (uint32_t)end - 4u;	/* parent's END_NODE */
	splice_struct(&e, at, 0, sz);
	at += e.v.soff;
	memset(e.b + at, 0, sz);
	wr32(e.b + at, DT_TOKEN_BEGIN_NODE);
	memcpy(e.b + at + 4, name, nl);
	wr32(e.b + at + sz - 4, DT_TOKEN_END_NODE);
	return end - 4;
}

int dt_del_node(void *blob, int node)
{
	struct ev e;
	int end, err = eview(blob, &e);

	if (err)
		return err;
	err = node_hdr(&e.v, node);
	if (err < 0)
		return err;
	if (node == 0)
		return DT_ERR_BADVALUE;
	end = node_end(&e.v, node);
	if (end < 0)
		return end;
	splice_struct(&e, (uint32_t)node, (uint32_t)(end - node), 0);
	return 0;
}

int dt_add_mem_rsv(void *blob, uint64_t addr, uint64_t size)
{
	struct ev e;
	uint32_t at;
	int err = eview(blob, &e);

	if (err)
		return err;
	if (addr == 0 && size == 0)
		return DT_ERR_BADVALUE;
	if (ev_free(&e) < RSV_ENTRY_SIZE)
		return DT_ERR_NOSPACE;
	at = e.rend - RSV_ENTRY_SIZE;	/* the terminator */
	splice(&e, at, 0, RSV_ENTRY_SIZE);
	ev_commit(&e);
	wr64(e.b + at, addr);
	wr64(e.b + at + 8, size);
	return 0;
}

int dt_del_mem_rsv(void *blob, int i)
{
	struct ev e;
	int n, err = eview(blob, &e);

	if (err)
		return err;
	n = dt_num_mem_rsv(blob);
	if (n < 0)
		return n;
	if (i < 0 || i >= n)
		return DT_ERR_NOTFOUND;
	splice(&e, e.v.rsvoff + (uint32_t)i * RSV_ENTRY_SIZE, RSV_ENTRY_SIZE, 0);
	ev_commit(&e);
	return 0;
}

int dt_pack(void *blob)
{
	struct ev e;
	int err = eview(blob, &e);

	if (err)
		return err;
	wr32(e.b + H_TOTALSIZE, e.used);
	return 0;
}
