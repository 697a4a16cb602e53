// SPDX-License-Identifier: GPL-2.0-only
/*
 * Small hypervisor building blocks: the bounded printf, the log ring buffer
 * and its UART/ring switch, the page pool, the host-abort policy.
 */
#define _GNU_SOURCE	/* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hyp/host_abort.h>
#include <hyp/log.h>
#include <hyp/page_alloc.h>
#include <hyp/printf.h>

static char out[64];

#define FMT(expect, ...) do {							\
	int n = hyp_snprintf(out, sizeof(out), __VA_ARGS__);			\
	assert_string_equal(out, expect);					\
	assert_int_equal(n, (int)strlen(expect));				\
} while (0)

static void test_printf_formats(void **state)
{
	(void)state;
	FMT("42 -7 0", "%d %i %u", 42, -7, 0U);
	FMT("ff FF 0x10", "%x %X %p", 255U, 255U, (void *)0x10);
	FMT("ffffffffffffffff", "%llx", ~0ULL);
	FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	FMT("18446744073709551615", "%llu", ~0ULL);
	FMT("[  7|7  |007|-07]", "[%3d|%-3d|%03d|%03d]", 7, 7, 7, -7);
	{
		const char *volatile nothing = NULL;	/* hide the NULL from -Wformat */

		FMT("ab|abc  |(null)", "%.2s|%-5s|%s", "abcdef", "abc", nothing);
	}
	FMT("xy", "%.*s", 2, "xyz");
	FMT("c=Z 100%", "c=%c 100%%", 'Z');
	FMT("-1 255 65535", "%hhd %hhu %hu", -1, 255, 65535);
	FMT("123456789", "%zu", (size_t)123456789);
	/* an unknown conversion is printed, a trailing '%' too */
	{
		const char *volatile fmt = "%q %";	/* hidden from -Wformat */

		FMT("%q %", fmt, 0);
	}
}

static void test_printf_truncates(void **state)
{
	char small[8];
	int n;

	(void)state;
	memset(small, 'X', sizeof(small));
	n = hyp_snprintf(small, sizeof(small), "%s", "0123456789");
	assert_int_equal(n, 10);
	assert_string_equal(small, "0123456");
	n = hyp_snprintf(small, 1, "%d", 12345);
	assert_int_equal(n, 5);
	assert_string_equal(small, "");
	/* size 0 writes nothing at all */
	small[0] = 'Q';
	assert_int_equal(hyp_snprintf(small, 0, "abc"), 3);
	assert_int_equal(small[0], 'Q');
	/* huge widths are clamped, never overflow */
	n = hyp_snprintf(out, sizeof(out), "%99999999d", 1);
	assert_true(n > 0 && n <= 1000);
	assert_int_equal(strlen(out), sizeof(out) - 1);
}

/* --- log --------------------------------------------------------------- */

static char console[4096];
static size_t console_len;

static void fake_putc(void *ctx, char c)
{
	(void)ctx;
	if (console_len < sizeof(console) - 1)
		console[console_len++] = c;
}

static jmp_buf halted;

void arch_halt(void)
{
	/* hyp_panic() ends here; back to the test, which checks what was printed */
	longjmp(halted, 1);
}

static void test_log_console_then_ring(void **state)
{
	struct log_console con = { .putc = fake_putc };
	char buf[256];
	u64 oldest, start = log_ring_head();
	size_t n;

	(void)state;
	log_set_console(&con);
	assert_true(log_to_console());
	hyp_log("booting %d", 1);
	assert_string_equal(console, "gzvm-hyp: booting 1\r\n");
	log_host_started();
	assert_false(log_to_console());
	hyp_log("cpu%u on\n", 2);
	/* nothing more on the UART ... */
	assert_string_equal(console, "gzvm-hyp: booting 1\r\n");
	/* ... but both lines in the ring, LF only */
	n = log_ring_read(start, buf, sizeof(buf) - 1, &oldest);
	buf[n] = '\0';
	assert_string_equal(buf, "gzvm-hyp: booting 1\ngzvm-hyp: cpu2 on\n");
	/* a panic reaches the UART even after the host started */
	if (!setjmp(halted)) {
		hyp_panic("dead %s", "beef");
		fail_msg("hyp_panic() returned");
	}
	assert_non_null(strstr(console, "gzvm-hyp: dead beef\r\n"));
}

static void test_log_ring_wraps(void **state)
{
	char buf[128];
	u64 oldest, head;
	size_t n;

	(void)state;
	for (int i = 0; i < 2000; i++)
		hyp_log("line %05d ..........................................", i);
	head = log_ring_head();
	/* the oldest bytes were overwritten: reading from 0 starts at the oldest kept */
	n = log_ring_read(0, buf, sizeof(buf), &oldest);
	assert_int_equal(n, sizeof(buf));
	assert_int_equal(oldest, head - LOG_RING_SIZE);
	/* reading at the head gives nothing */
	assert_int_equal(log_ring_read(head, buf, sizeof(buf), NULL), 0);
	/* the newest line is intact */
	n = log_ring_read(head - 64, buf, 64, NULL);
	assert_int_equal(n, 64);
	assert_non_null(memmem(buf, n, "line 01999", 10));
}

/* --- page pool ----------------------------------------------------------- */

static void test_pool(void **state)
{
	size_t size = 64 * 4096;
	char *mem = aligned_alloc(4096, size);
	struct page_pool pool;
	void *pages[70];
	void *quad;
	int n = 0;

	(void)state;
	memset(mem, 0xaa, size);
	/* an unaligned base: only whole pages inside are used */
	pool_init(&pool, mem + 100, size - 100);
	assert_int_equal(pool.total_pages, 63);
	pages[n] = pool_zalloc_pages(&pool, 1);
	assert_non_null(pages[n]);
	assert_int_equal((uintptr_t)pages[n] % 4096, 0);
	assert_int_equal(((char *)pages[n])[4095], 0);	/* zeroed */
	n++;
	/* a 4-page block is 16 KiB aligned; the skipped pages are not lost */
	quad = pool_zalloc_pages(&pool, 4);
	assert_non_null(quad);
	assert_int_equal((uintptr_t)quad % (4 * 4096), 0);
	assert_int_equal(pool_used_pages(&pool), 5);
	while ((pages[n] = pool_zalloc_pages(&pool, 1)))
		n++;
	assert_int_equal(n + 4, 63);
	assert_int_equal(pool_used_pages(&pool), 63);
	assert_null(pool_zalloc_pages(&pool, 1));
	assert_null(pool_zalloc_pages(&pool, 0));
	/* freed pages come back, zeroed again */
	memset(pages[3], 0x55, 4096);
	pool_free_pages(&pool, pages[3], 1);
	assert_int_equal(pool_used_pages(&pool), 62);
	assert_ptr_equal(pool_zalloc_pages(&pool, 1), pages[3]);
	assert_int_equal(((char *)pages[3])[17], 0);
	/* multi-page requests larger than what is left fail cleanly */
	assert_null(pool_zalloc_pages(&pool, 2));
	/* freed pages serve requests of any size: two pairs in the freed block, then it whole */
	memset(quad, 0x55, 4 * 4096);
	pool_free_pages(&pool, quad, 4);
	assert_int_equal(pool_used_pages(&pool), 59);
	assert_ptr_equal(pool_zalloc_pages(&pool, 2), quad);
	assert_ptr_equal(pool_zalloc_pages(&pool, 2), (char *)quad + 2 * 4096);
	assert_null(pool_zalloc_pages(&pool, 1));
	pool_free_pages(&pool, quad, 2);
	pool_free_pages(&pool, (char *)quad + 2 * 4096, 2);
	assert_ptr_equal(pool_zalloc_pages(&pool, 4), quad);
	assert_int_equal(((char *)quad)[4 * 4096 - 1], 0);
	free(mem);
}

/* Pages handed out one by one and given back can later make up an aligned block. */
static void test_pool_no_fragment_loss(void **state)
{
	size_t size = 32 * 4096;
	char *mem = aligned_alloc(16 * 4096, size);
	struct page_pool pool;
	void *pages[32], *block;
	int n = 0;

	(void)state;
	pool_init(&pool, mem, size);
	while (n < 32 && (pages[n] = pool_zalloc_pages(&pool, 1)))
		n++;
	assert_int_equal(n, 32);
	assert_null(pool_zalloc_pages(&pool, 2));
	while (n)
		pool_free_pages(&pool, pages[--n], 1);
	block = pool_zalloc_pages(&pool, 16);
	assert_non_null(block);
	assert_int_equal((uintptr_t)block % (16 * 4096), 0);
	assert_non_null(pool_zalloc_pages(&pool, 16));
	assert_int_equal(pool_used_pages(&pool), 32);
	free(mem);
}

/*
 * A VM's stage-2 root is a block of 2 concatenated tables on a 40-bit
 * PA CPU: creating and destroying VMs without end must not use the pool
 * up (a root used to go back page by page, lost to the 2-page requests).
 */
static void test_pool_blocks_cycle(void **state)
{
	size_t size = 16 * 4096;
	char *mem = aligned_alloc(4096, size);
	struct page_pool pool;

	(void)state;
	pool_init(&pool, mem, size);
	for (int i = 0; i < 10000; i++) {
		void *root = pool_zalloc_pages(&pool, 2), *table = pool_zalloc_pages(&pool, 1);

		assert_non_null(root);
		assert_non_null(table);
		assert_int_equal((uintptr_t)root % (2 * 4096), 0);
		pool_free_pages(&pool, table, 1);
		pool_free_pages(&pool, root, 2);
	}
	assert_int_equal(pool_used_pages(&pool), 0);
	free(mem);
}

/* --- host abort policy --------------------------------------------------- */

static void test_host_abort_kind(void **state)
{
	struct host_fault f = { .va_valid = true, .va = 0xffff000012345000ULL };

	(void)state;
	/* kernel address from EL1: permission fault (exception table -> -EFAULT) */
	assert_int_equal(host_abort_kind(&f), HOST_ABORT_PERMISSION);
	/* user address from EL1 (uaccess to a /dev/mem mapping): alignment fault */
	f.va = 0x0000ffff80001000ULL;
	assert_int_equal(host_abort_kind(&f), HOST_ABORT_ALIGNMENT);
	/* unknown VA from EL1 */
	f.va_valid = false;
	assert_int_equal(host_abort_kind(&f), HOST_ABORT_ALIGNMENT);
	/* EL0: external abort (SIGBUS) */
	f = (struct host_fault){ .from_el0 = true, .va_valid = true, .va = 0x1000 };
	assert_int_equal(host_abort_kind(&f), HOST_ABORT_EXTERNAL);
	/* a stage-1 table walk into forbidden memory */
	f = (struct host_fault){ .s1ptw = true, .va_valid = true, .va = 0xffff000000000000ULL };
	assert_int_equal(host_abort_kind(&f), HOST_ABORT_EXTERNAL);
	/* instruction fetch by the kernel */
	f = (struct host_fault){ .instruction = true, .va_valid = true, .va = 0x1000 };
	assert_int_equal(host_abort_kind(&f), HOST_ABORT_PERMISSION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printf_formats),
		cmocka_unit_test(test_printf_truncates),
		cmocka_unit_test(test_log_console_then_ring),
		cmocka_unit_test(test_log_ring_wraps),
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_pool_blocks_cycle),
		cmocka_unit_test(test_pool_no_fragment_loss),
		cmocka_unit_test(test_host_abort_kind),
	};

	return cmocka_run_group_tests_name("lib", tests, NULL, NULL);
}
