// SPDX-License-Identifier: GPL-2.0
/*
 * vmm/virtqueue.c: split virtqueues against everything a guest can put in
 * them.  A heap buffer is the guest's RAM (ASan catches any access outside
 * it); the tests lay out rings as a driver does and check what the device
 * pops, what it pushes, and that every broken rule stops the queue once
 * (on_error) instead of reading outside RAM, looping or crashing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vq_guest.h"

#define NUM	16
#define RO	0
#define W	VIRTQ_DESC_F_WRITE
#define NEXT	VIRTQ_DESC_F_NEXT

static struct vq_guest g;
static struct virtq vq;
static struct virtq_elem elem;
static int errors;
static char last_error[128];

static void on_error(struct virtq *q, const char *why)
{
	(void)q;
	errors++;
	strncpy(last_error, why, sizeof(last_error) - 1);
}

static void start(uint16_t num, bool indirect)
{
	g_init(&g, num);
	g_vq(&g, &vq);
	vq.on_error = on_error;
	errors = 0;
	last_error[0] = 0;
	assert_int_equal(virtq_start(&vq, &g.mem, indirect), 0);
}

static int teardown(void **state)
{
	(void)state;
	g_free(&g);
	return 0;
}

/* pop must fail with exactly one error naming this rule, and stay stopped */
static void expect_broken(const char *words)
{
	assert_int_equal(virtq_pop(&vq, &elem), -1);
	assert_true(vq.broken);
	assert_int_equal(errors, 1);
	assert_non_null(strstr(last_error, words));
	assert_int_equal(virtq_pop(&vq, &elem), 0);
	assert_int_equal(errors, 1);
	assert_false(virtq_has_avail(&vq));
}

static void test_empty_ring(void **state)
{
	(void)state;
	start(NUM, false);
	assert_false(virtq_has_avail(&vq));
	assert_int_equal(virtq_pop(&vq, &elem), 0);
	assert_int_equal(errors, 0);
}

static void test_normal_chain(void **state)
{
	uint32_t id, len;

	(void)state;
	start(NUM, false);
	memcpy(g_ptr(&g, G_DATA), "header..", 8);
	g_desc(&g, 3, G_DATA, 8, NEXT, 7);
	g_desc(&g, 7, G_DATA + 0x100, 100, NEXT, 1);
	g_desc(&g, 1, G_DATA + 0x200, 1, W, 0);
	g_avail(&g, 3);
	assert_true(virtq_has_avail(&vq));
	assert_int_equal(virtq_pop(&vq, &elem), 1);
	assert_int_equal(elem.head, 3);
	assert_int_equal(elem.nr_out, 2);
	assert_int_equal(elem.nr_in, 1);
	assert_int_equal(elem.out_len, 108);
	assert_int_equal(elem.in_len, 1);
	assert_ptr_equal(elem.iov[0].iov_base, g_ptr(&g, G_DATA));
	assert_int_equal(elem.iov[1].iov_len, 100);
	assert_ptr_equal(elem.iov[2].iov_base, g_ptr(&g, G_DATA + 0x200));
	assert_int_equal(virtq_pop(&vq, &elem), 0);

	virtq_push(&vq, &elem, 1);
	assert_int_equal(g_used_idx(&g), 1);
	g_used_elem(&g, 0, &id, &len);
	assert_int_equal(id, 3);
	assert_int_equal(len, 1);
	assert_int_equal(errors, 0);
}

static void test_zero_length_descriptor_is_skipped(void **state)
{
	(void)state;
	start(NUM, false);
	g_desc(&g, 0, G_DATA, 0, NEXT, 1);
	g_desc(&g, 1, G_DATA, 4, W, 0);
	g_avail(&g, 0);
	assert_int_equal(virtq_pop(&vq, &elem), 1);
	assert_int_equal(elem.nr_out + elem.nr_in, 1);
	assert_int_equal(elem.in_len, 4);
}

static void test_several_chains_in_order(void **state)
{
	uint32_t id, len;

	(void)state;
	start(NUM, false);
	for (uint16_t i = 0; i < NUM; i++) {
		g_desc(&g, i, G_DATA + 0x10 * i, 0x10, W, 0);
		g_avail(&g, (uint16_t)(NUM - 1 - i));
	}
	for (uint16_t i = 0; i < NUM; i++) {
		assert_int_equal(virtq_pop(&vq, &elem), 1);
		assert_int_equal(elem.head, NUM - 1 - i);
		virtq_push(&vq, &elem, i);
	}
	assert_int_equal(virtq_pop(&vq, &elem), 0);
	assert_int_equal(g_used_idx(&g), NUM);
	g_used_elem(&g, 5, &id, &len);
	assert_int_equal(id, NUM - 1 - 5);
	assert_int_equal(len, 5);
}

static void test_indirect(void **state)
{
	uint64_t table = G_DATA + 0x1000;

	(void)state;
	start(NUM, true);
	g_desc_at(&g, table, 0, G_DATA, 16, NEXT, 2);
	g_desc_at(&g, table, 2, G_DATA + 0x100, 512, W | NEXT, 1);
	g_desc_at(&g, table, 1, G_DATA + 0x400, 1, W, 0);
	g_desc(&g, 5, table, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	g_avail(&g, 5);
	assert_int_equal(virtq_pop(&vq, &elem), 1);
	assert_int_equal(elem.head, 5);
	assert_int_equal(elem.nr_out, 1);
	assert_int_equal(elem.nr_in, 2);
	assert_int_equal(elem.in_len, 513);
	assert_ptr_equal(elem.iov[2].iov_base, g_ptr(&g, G_DATA + 0x400));
	assert_int_equal(errors, 0);
}

static void test_indirect_not_negotiated(void **state)
{
	(void)state;
	start(NUM, false);
	g_desc_at(&g, G_DATA + 0x1000, 0, G_DATA, 16, 0, 0);
	g_desc(&g, 0, G_DATA + 0x1000, 16, VIRTQ_DESC_F_INDIRECT, 0);
	g_avail(&g, 0);
	expect_broken("VIRTIO_F_INDIRECT_DESC");
}

static void test_indirect_nested(void **state)
{
	uint64_t table = G_DATA + 0x1000;

	(void)state;
	start(NUM, true);
	g_desc_at(&g, table, 0, table, 16, VIRTQ_DESC_F_INDIRECT, 0);
	g_desc(&g, 0, table, 16, VIRTQ_DESC_F_INDIRECT, 0);
	g_avail(&g, 0);
	expect_broken("nested");
}

static void test_indirect_inside_chain(void **state)
{
	(void)state;
	start(NUM, true);
	g_desc_at(&g, G_DATA + 0x1000, 0, G_DATA, 16, 0, 0);
	g_desc(&g, 0, G_DATA, 16, NEXT, 1);
	g_desc(&g, 1, G_DATA + 0x1000, 16, VIRTQ_DESC_F_INDIRECT, 0);
	g_avail(&g, 0);
	expect_broken("inside a chain");
}

static void test_indirect_bad_table(void **state)
{
	(void)state;
	start(NUM, true);
	g_desc(&g, 0, G_DATA, 24, VIRTQ_DESC_F_INDIRECT, 0);	/* not a multiple of 16 */
	g_avail(&g, 0);
	expect_broken("bad size");

	teardown(NULL);
	start(NUM, true);
	g_desc(&g, 0, G_BASE + G_SIZE - 16, 32, VIRTQ_DESC_F_INDIRECT, 0);	/* past RAM */
	g_avail(&g, 0);
	expect_broken("outside guest RAM");
}

static void test_indirect_loop(void **state)
{
	uint64_t table = G_DATA + 0x1000;

	(void)state;
	start(NUM, true);
	g_desc_at(&g, table, 0, G_DATA, 16, NEXT, 1);
	g_desc_at(&g, table, 1, G_DATA, 16, NEXT, 0);
	g_desc(&g, 0, table, 32, VIRTQ_DESC_F_INDIRECT, 0);
	g_avail(&g, 0);
	expect_broken("loops");
}

static void test_loop(void **state)
{
	(void)state;
	start(NUM, false);
	g_desc(&g, 0, G_DATA, 16, NEXT, 1);
	g_desc(&g, 1, G_DATA, 16, NEXT, 2);
	g_desc(&g, 2, G_DATA, 16, NEXT, 0);
	g_avail(&g, 0);
	expect_broken("loops");
}

static void test_self_loop_of_zero_length(void **state)
{
	(void)state;
	start(NUM, false);
	g_desc(&g, 4, G_DATA, 0, NEXT, 4);	/* adds no segment: only the count stops it */
	g_avail(&g, 4);
	expect_broken("loops");
}

static void test_next_out_of_range(void **state)
{
	(void)state;
	start(NUM, false);
	g_desc(&g, 0, G_DATA, 16, NEXT, NUM);
	g_avail(&g, 0);
	expect_broken("index out of range");
}

static void test_head_out_of_range(void **state)
{
	(void)state;
	start(NUM, false);
	g_avail(&g, NUM + 3);
	expect_broken("out of range");
}

static void test_buffer_outside_ram(void **state)
{
	(void)state;
	start(NUM, false);
	g_desc(&g, 0, G_BASE + G_SIZE - 8, 16, 0, 0);	/* straddles the end */
	g_avail(&g, 0);
	expect_broken("outside guest RAM");
}

static void test_buffer_below_ram(void **state)
{
	(void)state;
	start(NUM, false);
	g_desc(&g, 0, G_BASE - 4096, 4096, W, 0);
	g_avail(&g, 0);
	expect_broken("outside guest RAM");
}

static void test_buffer_address_overflow(void **state)
{
	(void)state;
	start(NUM, false);
	g_desc(&g, 0, UINT64_MAX - 15, 0x100, 0, 0);	/* addr + len wraps to low memory */
	g_avail(&g, 0);
	expect_broken("outside guest RAM");
}

static void test_avail_idx_runs_ahead(void **state)
{
	(void)state;
	start(NUM, false);
	g_desc(&g, 0, G_DATA, 16, 0, 0);
	g_set_avail_idx(&g, NUM + 1);
	expect_broken("ahead");
}

static void test_avail_idx_a_full_ring_is_fine(void **state)
{
	(void)state;
	start(NUM, false);
	for (uint16_t i = 0; i < NUM; i++) {
		g_desc(&g, i, G_DATA, 16, 0, 0);
		g_avail(&g, i);
	}
	for (int i = 0; i < NUM; i++)
		assert_int_equal(virtq_pop(&vq, &elem), 1);
	assert_int_equal(errors, 0);
}

static void test_readable_after_writable(void **state)
{
	(void)state;
	start(NUM, false);
	g_desc(&g, 0, G_DATA, 16, W | NEXT, 1);
	g_desc(&g, 1, G_DATA + 0x100, 16, RO, 0);
	g_avail(&g, 0);
	expect_broken("readable descriptor after a device-writable");
}

static void test_device_rule_via_virtq_fail(void **state)
{
	(void)state;
	start(NUM, false);
	g_desc(&g, 0, G_DATA, 16, W, 0);
	g_avail(&g, 0);
	g_avail(&g, 0);
	assert_int_equal(virtq_pop(&vq, &elem), 1);
	virtq_fail(&vq, "wrong direction for this device");
	virtq_fail(&vq, "again");
	assert_int_equal(errors, 1);
	assert_string_equal(last_error, "wrong direction for this device");
	assert_int_equal(virtq_pop(&vq, &elem), 0);
	virtq_push(&vq, &elem, 0);	/* ignored once broken */
	assert_int_equal(g_used_idx(&g), 0);
}

/* The 16-bit indices wrap: the device must follow the driver past 65535. */
static void test_wrap_around_65535(void **state)
{
	uint32_t id, len;

	(void)state;
	start(NUM, false);
	vq.last_avail = vq.used_idx = 65534;
	*(uint16_t *)g_ptr(&g, G_USED + 2) = 65534;
	g_set_avail_idx(&g, 65534);
	for (uint16_t i = 0; i < 4; i++) {
		g_desc(&g, i, G_DATA + 0x100 * i, 0x100, W, 0);
		g_avail(&g, i);	/* ring slots 14, 15, 0, 1 */
	}
	assert_int_equal(*(uint16_t *)g_ptr(&g, G_AVAIL + 2), 2);
	for (uint16_t i = 0; i < 4; i++) {
		assert_int_equal(virtq_pop(&vq, &elem), 1);
		assert_int_equal(elem.head, i);
		virtq_push(&vq, &elem, 0x10 + i);
	}
	assert_int_equal(virtq_pop(&vq, &elem), 0);
	assert_int_equal(g_used_idx(&g), 2);
	g_used_elem(&g, 15, &id, &len);
	assert_int_equal(id, 1);
	assert_int_equal(len, 0x11);
	g_used_elem(&g, 1, &id, &len);
	assert_int_equal(id, 3);
	assert_int_equal(errors, 0);
}

static void test_unpop(void **state)
{
	(void)state;
	start(NUM, false);
	g_desc(&g, 2, G_DATA, 16, W, 0);
	g_avail(&g, 2);
	assert_int_equal(virtq_pop(&vq, &elem), 1);
	virtq_unpop(&vq);
	assert_true(virtq_has_avail(&vq));
	assert_int_equal(virtq_pop(&vq, &elem), 1);
	assert_int_equal(elem.head, 2);
}

static void test_too_many_segments(void **state)
{
	(void)state;
	start(512, false);
	for (uint16_t i = 0; i < VIRTQ_MAX_IOV + 1; i++)
		g_desc(&g, i, G_DATA + i, 1, NEXT, (uint16_t)(i + 1));
	g_desc(&g, VIRTQ_MAX_IOV, G_DATA, 1, 0, 0);
	g_avail(&g, 0);
	expect_broken("too many segments");
}

static void test_start_rejects_bad_rings(void **state)
{
	static const struct { uint16_t num; uint64_t desc, avail, used; const char *why; } bad[] = {
		{ 0, G_DESC, G_AVAIL, G_USED, "power of two" },
		{ 12, G_DESC, G_AVAIL, G_USED, "power of two" },
		{ 2048, G_DESC, G_AVAIL, G_USED, "power of two" },
		{ 16, G_DESC + 8, G_AVAIL, G_USED, "misaligned" },
		{ 16, G_DESC, G_AVAIL + 1, G_USED, "misaligned" },
		{ 16, G_DESC, G_AVAIL, G_USED + 2, "misaligned" },
		{ 16, G_BASE + G_SIZE - 128, G_AVAIL, G_USED, "outside" },
		{ 16, G_DESC, G_BASE + G_SIZE - 32, G_USED, "outside" },
		{ 16, G_DESC, G_AVAIL, G_BASE + G_SIZE - 64, "outside" },
		{ 16, 0x1000, G_AVAIL, G_USED, "outside" },
	};

	(void)state;
	g_init(&g, 16);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&vq, 0, sizeof(vq));
		vq.on_error = on_error;
		vq.num = bad[i].num;
		vq.desc_gpa = bad[i].desc;
		vq.avail_gpa = bad[i].avail;
		vq.used_gpa = bad[i].used;
		errors = 0;
		assert_int_equal(virtq_start(&vq, &g.mem, false), -1);
		assert_int_equal(errors, 1);
		assert_non_null(strstr(last_error, bad[i].why));
		assert_int_equal(virtq_pop(&vq, &elem), 0);
	}
	/* the largest ring that fits exactly at the end of RAM is fine */
	memset(&vq, 0, sizeof(vq));
	vq.num = 16;
	vq.desc_gpa = G_BASE + G_SIZE - 256;
	vq.avail_gpa = G_AVAIL;
	vq.used_gpa = G_BASE + G_SIZE - 0x1000 + 0x100;
	assert_int_equal(virtq_start(&vq, &g.mem, false), 0);
}

static void test_stop_forgets_rings(void **state)
{
	(void)state;
	start(NUM, false);
	g_desc(&g, 0, G_DATA, 16, W, 0);
	g_avail(&g, 0);
	virtq_stop(&vq);
	assert_false(virtq_has_avail(&vq));
	assert_int_equal(virtq_pop(&vq, &elem), 0);
}

static void test_iov_helpers(void **state)
{
	uint8_t a[5], b[3], c[8], out[16];
	struct iovec iov[3] = { { a, 5 }, { b, 3 }, { c, 8 } }, s[3];
	int n;

	(void)state;
	memset(out, 0, sizeof(out));
	for (int i = 0; i < 16; i++)
		out[i] = (uint8_t)i;
	assert_int_equal(iov_from_buf(iov, 3, 0, out, 16), 16);
	assert_int_equal(b[0], 5);
	assert_int_equal(c[7], 15);
	memset(out, 0, sizeof(out));
	assert_int_equal(iov_to_buf(iov, 3, 4, out, 6), 6);
	assert_memory_equal(out, ((uint8_t[]){ 4, 5, 6, 7, 8, 9 }), 6);
	assert_int_equal(iov_to_buf(iov, 3, 14, out, 6), 2);	/* short at the end */
	assert_int_equal(iov_from_buf(iov, 3, 20, out, 1), 0);

	n = iov_slice(iov, 3, 4, 6, s, 3);
	assert_int_equal(n, 3);
	assert_ptr_equal(s[0].iov_base, a + 4);
	assert_int_equal(s[0].iov_len, 1);
	assert_int_equal(s[1].iov_len, 3);
	assert_ptr_equal(s[2].iov_base, c);
	assert_int_equal(s[2].iov_len, 2);
	assert_int_equal(iov_slice(iov, 3, 4, 6, s, 2), -1);	/* does not fit */
	assert_int_equal(iov_slice(iov, 3, 10, 7, s, 3), -1);	/* past the end */
	assert_int_equal(iov_slice(iov, 3, 16, 0, s, 3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, teardown)
		T(test_empty_ring),
		T(test_normal_chain),
		T(test_zero_length_descriptor_is_skipped),
		T(test_several_chains_in_order),
		T(test_indirect),
		T(test_indirect_not_negotiated),
		T(test_indirect_nested),
		T(test_indirect_inside_chain),
		T(test_indirect_bad_table),
		T(test_indirect_loop),
		T(test_loop),
		T(test_self_loop_of_zero_length),
		T(test_next_out_of_range),
		T(test_head_out_of_range),
		T(test_buffer_outside_ram),
		T(test_buffer_below_ram),
		T(test_buffer_address_overflow),
		T(test_avail_idx_runs_ahead),
		T(test_avail_idx_a_full_ring_is_fine),
		T(test_readable_after_writable),
		T(test_device_rule_via_virtq_fail),
		T(test_wrap_around_65535),
		T(test_unpop),
		T(test_too_many_segments),
		T(test_start_rejects_bad_rings),
		T(test_stop_forgets_rings),
		T(test_iov_helpers),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
