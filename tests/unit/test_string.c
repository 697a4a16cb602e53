// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor's memcpy, memset and memmove (hyp/lib/string.c) against
 * byte-by-byte references, for every alignment of source and destination
 * and lengths around the 8-byte word: right bytes, nothing written outside
 * [dst, dst + n), the destination returned.  The file is built here under
 * other names so that the host's own memcpy stays in use by everything else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define memcpy	hyp_memcpy
#define memmove	hyp_memmove
#define memset	hyp_memset
#define memcmp	hyp_memcmp
#define strlen	hyp_strlen
#define strnlen	hyp_strnlen
#define strcmp	hyp_strcmp
#define strncmp	hyp_strncmp
#define strchr	hyp_strchr
#include "../../hyp/lib/string.c"

#define BUF	96
#define MAXLEN	40
#define GUARD	0xee

static unsigned char src[BUF], dst[BUF], want[BUF];

static void fill_src(void)
{
	for (unsigned int i = 0; i < BUF; i++)
		src[i] = (unsigned char)(i * 7 + 1);
}

static void reset(unsigned char *b)
{
	for (unsigned int i = 0; i < BUF; i++)
		b[i] = GUARD;
}

static void assert_same(void)
{
	for (unsigned int i = 0; i < BUF; i++)
		assert_int_equal(dst[i], want[i]);
}

static void test_memcpy_alignments(void **state)
{
	(void)state;
	fill_src();
	for (unsigned int so = 0; so < 16; so++)
		for (unsigned int d = 0; d < 16; d++)
			for (unsigned int n = 0; n <= MAXLEN; n++) {
				reset(dst);
				reset(want);
				for (unsigned int i = 0; i < n; i++)
					want[d + i] = src[so + i];
				assert_ptr_equal(hyp_memcpy(dst + d, src + so, n), dst + d);
				assert_same();
			}
}

static void test_memset_alignments(void **state)
{
	(void)state;
	for (unsigned int d = 0; d < 16; d++)
		for (unsigned int n = 0; n <= MAXLEN; n++)
			for (int c = 0; c < 512; c += 0x55) {
				reset(dst);
				reset(want);
				for (unsigned int i = 0; i < n; i++)
					want[d + i] = (unsigned char)c;
				assert_ptr_equal(hyp_memset(dst + d, c, n), dst + d);
				assert_same();
			}
}

/* Overlapping moves both ways: the result is as if copied through a buffer. */
static void test_memmove_overlaps(void **state)
{
	(void)state;
	for (unsigned int so = 0; so < 24; so++)
		for (unsigned int d = 0; d < 24; d++)
			for (unsigned int n = 0; n <= MAXLEN; n++) {
				unsigned char tmp[MAXLEN];

				fill_src();
				for (unsigned int i = 0; i < BUF; i++)
					dst[i] = want[i] = src[i];
				for (unsigned int i = 0; i < n; i++)
					tmp[i] = dst[so + i];
				for (unsigned int i = 0; i < n; i++)
					want[d + i] = tmp[i];
				assert_ptr_equal(hyp_memmove(dst + d, dst + so, n), dst + d);
				assert_same();
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_alignments),
		cmocka_unit_test(test_memset_alignments),
		cmocka_unit_test(test_memmove_overlaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
