/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fuzzers' input, read as little-endian fields (0 once it runs out), and
 * their invariant check (abort(): libFuzzer saves the input).
 */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <hyp/types.h>

struct input {
	const u8 *p;
	size_t n;
};

static inline u64 take(struct input *in, unsigned int bytes)
{
	u64 v = 0;

	for (unsigned int i = 0; i < bytes && in->n; i++, in->n--)
		v |= (u64)*in->p++ << (8 * i);
	return v;
}

#define CHECK(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "invariant failed: %s (line %d)\n", #c, __LINE__); \
			abort();					\
		}							\
	} while (0)

#endif
