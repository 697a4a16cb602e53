// SPDX-License-Identifier: GPL-2.0
/*
 * vmm/insn.c: decoding the loads and stores that reach the VMM without a
 * syndrome.  Encodings from aarch64-linux-gnu-as (binutils 2.40).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../vmm/insn.h"

static struct ldst decode_ok(uint32_t insn)
{
	struct ldst d;

	assert_true(insn_decode_ldst(insn, &d));
	return d;
}

/* ldp x6, x7, [x1]: EDK2's CopyMem */
static void test_ldp_offset(void **state)
{
	struct ldst d = decode_ok(0xa9401c26);

	(void)state;
	assert_true(d.load && d.pair && !d.writeback && !d.sign_extend);
	assert_int_equal(d.size, 8);
	assert_int_equal(d.rt, 6);
	assert_int_equal(d.rt2, 7);
	assert_int_equal(d.rn, 1);
	assert_int_equal(d.offset, 0);
	assert_int_equal(insn_ldst_address(&d, 0x4000000), 0x4000000);
}

/* ldp x6, x7, [x1, #64]! */
static void test_ldp_pre_index(void **state)
{
	struct ldst d = decode_ok(0xa9c41c26);

	(void)state;
	assert_true(d.load && d.pair && d.writeback && !d.post_index);
	assert_int_equal(d.offset, 64);
	assert_int_equal(insn_ldst_address(&d, 0x4000000), 0x4000040);
}

/* ldp w2, w3, [x4], #-8 */
static void test_ldp_post_index_32(void **state)
{
	struct ldst d = decode_ok(0x28ff0c82);

	(void)state;
	assert_true(d.load && d.pair && d.writeback && d.post_index);
	assert_int_equal(d.size, 4);
	assert_int_equal(d.offset, -8);
	assert_int_equal(insn_ldst_address(&d, 0x4000010), 0x4000010);
	assert_int_equal(insn_ldst_extend(&d, 0xffffffff80000000ULL), 0x80000000ULL);
}

/* stp x8, x9, [sp, #-16]! */
static void test_stp_sp(void **state)
{
	struct ldst d = decode_ok(0xa9bf27e8);

	(void)state;
	assert_false(d.load);
	assert_true(d.pair && d.writeback);
	assert_int_equal(d.rn, 31);
	assert_int_equal(d.offset, -16);
}

/* ldpsw x2, x3, [x5, #4] */
static void test_ldpsw(void **state)
{
	struct ldst d = decode_ok(0x69408ca2);

	(void)state;
	assert_true(d.load && d.pair && d.sign_extend && d.dest64);
	assert_int_equal(d.size, 4);
	assert_int_equal(d.offset, 4);
	assert_int_equal(insn_ldst_extend(&d, 0x80000001ULL), 0xffffffff80000001ULL);
}

/* ldr w3, [x1, #4]! ; ldrb w0, [x2], #1 */
static void test_single_writeback(void **state)
{
	struct ldst d = decode_ok(0xb8404c23);

	(void)state;
	assert_true(d.load && !d.pair && d.writeback && !d.post_index);
	assert_int_equal(d.size, 4);
	assert_int_equal(d.offset, 4);
	assert_int_equal(d.rt, 3);
	assert_int_equal(d.rn, 1);

	d = decode_ok(0x38401440);
	assert_true(d.load && d.post_index);
	assert_int_equal(d.size, 1);
	assert_int_equal(d.offset, 1);
	assert_int_equal(insn_ldst_extend(&d, 0x1ff), 0xff);
}

/* ldrsh x5, [x6, #-2]! ; ldrsb w5, [x6], #3 */
static void test_sign_extending(void **state)
{
	struct ldst d = decode_ok(0x789fecc5);

	(void)state;
	assert_true(d.sign_extend && d.dest64);
	assert_int_equal(d.size, 2);
	assert_int_equal(d.offset, -2);
	assert_int_equal(insn_ldst_extend(&d, 0x8000), 0xffffffffffff8000ULL);

	d = decode_ok(0x38c034c5);
	assert_true(d.sign_extend && !d.dest64);
	assert_int_equal(insn_ldst_extend(&d, 0x80), 0xffffff80ULL);
}

/* str x10, [x11, #8]! ; stnp x1, x2, [x3, #32] ; ldur w1, [x2, #-3] */
static void test_stores_and_unscaled(void **state)
{
	struct ldst d = decode_ok(0xf8008d6a);

	(void)state;
	assert_false(d.load);
	assert_true(d.writeback);
	assert_int_equal(d.size, 8);
	assert_int_equal(d.offset, 8);

	d = decode_ok(0xa8020861);
	assert_false(d.load || d.writeback);
	assert_true(d.pair);
	assert_int_equal(d.offset, 32);

	d = decode_ok(0xb85fd041);
	assert_true(d.load && !d.writeback);
	assert_int_equal(d.offset, -3);
}

/* What the VMM must not try: SIMD registers, unsigned-offset forms, PRFM, unpredictable */
static void test_refused(void **state)
{
	static const uint32_t refused[] = {
		0x3cc10c20,	/* ldr q0, [x1, #16]! */
		0xad400420,	/* ldp q0, q1, [x1] */
		0xf9400441,	/* ldr x1, [x2, #8] (has a syndrome, other class) */
		0xf9800020,	/* prfm */
		0xa9c10821,	/* ldp x1, x2, [x1, #16]! (writeback into a loaded register) */
		0xd503201f,	/* nop */
		0x00000000,
	};
	struct ldst d;

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		assert_false(insn_decode_ldst(refused[i], &d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ldp_offset),
		cmocka_unit_test(test_ldp_pre_index),
		cmocka_unit_test(test_ldp_post_index_32),
		cmocka_unit_test(test_stp_sp),
		cmocka_unit_test(test_ldpsw),
		cmocka_unit_test(test_single_writeback),
		cmocka_unit_test(test_sign_extending),
		cmocka_unit_test(test_stores_and_unscaled),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
