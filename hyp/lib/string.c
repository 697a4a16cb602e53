// SPDX-License-Identifier: GPL-2.0-only
/*
 * String and memory helpers for EL2.  Simple loops: the hypervisor may run
 * them with the MMU off (Device memory: no unaligned accesses) and must not
 * use FP/SIMD registers.  memcpy and memset move 8 bytes at a time when the
 * addresses allow it, because the exit path clears and fills the run page's
 * 256-byte exit union on every exit to the host.
 */
#include <hyp/string.h>
#include <hyp/types.h>

/* may_alias: the bytes moved belong to objects of any type */
typedef u64 __attribute__((may_alias)) word_t;
#define WORD	sizeof(word_t)

static bool word_aligned(const void *p)
{
	return ((uintptr_t)p & (WORD - 1)) == 0;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (word_aligned(d) && word_aligned(s)) {
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			*(word_t *)d = *(const word_t *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		d += n;
		s += n;
		while (n--)
			*--d = *--s;
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	for (; n && !word_aligned(d); n--)
		*d++ = (unsigned char)c;
	if (n >= WORD) {
		u64 w = 0x0101010101010101ULL * (unsigned char)c;

		for (; n >= WORD; n -= WORD, d += WORD)
			*(word_t *)d = w;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
	}
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}
