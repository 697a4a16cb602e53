// SPDX-License-Identifier: GPL-2.0
/*
 * vmm/flash.c: the CFI flash bank of gzvm-run --bios, driven with the
 * sequences U-Boot's cfi_flash and EDK2's VirtNorFlashDxe send (as seen
 * in QEMU's pflash traces): 32-bit commands replicated for the two x16
 * chips, query, identifiers, erase, word program, buffered write, status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../vmm/flash.h"

#define BANK	(64ULL << 20)
#define X2(v)	((uint64_t)(v) * 0x00010001ULL)	/* one 16-bit value per chip */

static uint8_t *mem;
static struct cfi_flash f;

static int setup(void **state)
{
	(void)state;
	mem = malloc(BANK);
	if (!mem)
		return -1;
	memset(mem, 0xff, BANK);
	cfi_flash_init(&f, mem, BANK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	return 0;
}

static void cmd(uint64_t off, uint8_t c)
{
	cfi_flash_write(&f, off, 4, X2(c));
}

static void test_array_mode_reads_contents(void **state)
{
	(void)state;
	memcpy(mem + 0x100, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	assert_true(cfi_flash_array_mode(&f));
	assert_int_equal(cfi_flash_read(&f, 0x100, 4), 0x44332211);
	assert_int_equal(cfi_flash_read(&f, 0x100, 8), 0x8877665544332211ULL);
	assert_int_equal(cfi_flash_read(&f, 0x101, 1), 0x22);
	/* beyond the bank: 0, and writes there change nothing */
	assert_int_equal(cfi_flash_read(&f, BANK - 2, 4), 0);
	assert_false(cfi_flash_write(&f, BANK, 4, 0x40));
}

static void test_cfi_query(void **state)
{
	(void)state;
	cmd(0x55 * 4, 0x98);
	assert_false(cfi_flash_array_mode(&f));
	assert_int_equal(cfi_flash_read(&f, 0x10 * 4, 4), X2('Q'));
	assert_int_equal(cfi_flash_read(&f, 0x11 * 4, 4), X2('R'));
	assert_int_equal(cfi_flash_read(&f, 0x12 * 4, 4), X2('Y'));
	assert_int_equal(cfi_flash_read(&f, 0x10 * 4, 1), 'Q');	/* byte reads */
	assert_int_equal(cfi_flash_read(&f, 0x10 * 4, 8), X2('Q') | X2('R') << 32);
	assert_int_equal(cfi_flash_read(&f, 0x13 * 4, 4), X2(1));	/* Intel/Sharp */
	assert_int_equal(cfi_flash_read(&f, 0x27 * 4, 4), X2(25));	/* 32 MiB per chip */
	assert_int_equal(cfi_flash_read(&f, 0x2a * 4, 4), X2(11));	/* 2 KiB buffer */
	assert_int_equal(cfi_flash_read(&f, 0x2d * 4, 4), X2(0xff));	/* 256 sectors */
	assert_int_equal(cfi_flash_read(&f, 0x2e * 4, 4), 0);
	assert_int_equal(cfi_flash_read(&f, 0x30 * 4, 4), X2(2));	/* 128 KiB per chip */
	assert_int_equal(cfi_flash_read(&f, 0x31 * 4, 4), X2('P'));
	/* another 0x98 while probing keeps query mode; 0xff leaves it */
	cmd(0x555 * 4, 0x98);
	assert_int_equal(cfi_flash_read(&f, 0x10 * 4, 4), X2('Q'));
	cmd(0, 0xff);
	assert_true(cfi_flash_array_mode(&f));
	assert_int_equal(cfi_flash_read(&f, 0x40, 4), 0xffffffff);
}

static void test_identifiers(void **state)
{
	(void)state;
	cmd(0, 0x90);
	assert_int_equal(cfi_flash_read(&f, 0, 4), X2(0x89));
	assert_int_equal(cfi_flash_read(&f, 4, 4), X2(0x18));
	assert_int_equal(cfi_flash_read(&f, 0x40000 + 8, 4), 0);	/* sector unlocked */
	cmd(0, 0xff);
	assert_true(cfi_flash_array_mode(&f));
}

static void test_erase_one_sector(void **state)
{
	(void)state;
	memset(mem, 0, 3 * CFI_SECTOR_SIZE);
	cmd(CFI_SECTOR_SIZE + 0x1234, 0x20);
	cmd(CFI_SECTOR_SIZE + 0x1234, 0xd0);
	assert_int_equal(cfi_flash_read(&f, 0, 4), X2(0x80));	/* status: ready */
	assert_int_equal(f.dirty_off, CFI_SECTOR_SIZE);
	assert_int_equal(f.dirty_len, CFI_SECTOR_SIZE);
	cmd(0, 0xff);
	assert_int_equal(cfi_flash_read(&f, CFI_SECTOR_SIZE - 4, 4), 0);
	assert_int_equal(cfi_flash_read(&f, CFI_SECTOR_SIZE, 4), 0xffffffff);
	assert_int_equal(cfi_flash_read(&f, 2 * CFI_SECTOR_SIZE - 4, 4), 0xffffffff);
	assert_int_equal(cfi_flash_read(&f, 2 * CFI_SECTOR_SIZE, 4), 0);
}

static void test_word_program_and_status(void **state)
{
	(void)state;
	cmd(0x2000, 0x40);
	assert_true(cfi_flash_write(&f, 0x2000, 4, 0x12345678));
	assert_int_equal(cfi_flash_read(&f, 0x2000, 4), X2(0x80));	/* status until 0xff */
	cmd(0, 0x70);
	assert_int_equal(cfi_flash_read(&f, 0, 2), 0x80);
	cmd(0, 0x50);						/* clear status: read array */
	assert_int_equal(cfi_flash_read(&f, 0x2000, 4), 0x12345678);
	assert_int_equal(f.status, 0);
}

/* EDK2: 0xe8, poll ready, count - 1 per chip, the words, 0xd0 */
static void test_buffered_write(void **state)
{
	(void)state;
	cmd(0x4000, 0xe8);
	assert_int_equal(cfi_flash_read(&f, 0x4000, 4) & 0x80, 0x80);
	cfi_flash_write(&f, 0x4000, 4, X2(3));
	for (int i = 0; i < 4; i++)
		assert_false(cfi_flash_write(&f, 0x4000 + 4 * i, 4, 0xa0 + i));
	assert_int_equal(mem[0x4000], 0xff);		/* nothing before the confirmation */
	assert_true(cfi_flash_write(&f, 0x4000, 4, X2(0xd0)));
	assert_int_equal(cfi_flash_read(&f, 0x4000, 4), X2(0x80));
	cmd(0, 0xff);
	for (int i = 0; i < 4; i++)
		assert_int_equal(cfi_flash_read(&f, 0x4000 + 4 * i, 4), 0xa0 + i);
	assert_int_equal(cfi_flash_read(&f, 0x4010, 4), 0xffffffff);
}

static void test_buffered_write_aborted(void **state)
{
	(void)state;
	cmd(0x4000, 0xe8);
	cfi_flash_write(&f, 0x4000, 4, X2(0));
	cfi_flash_write(&f, 0x4000, 4, 0x55);
	assert_false(cfi_flash_write(&f, 0x4000, 4, X2(0xff)));	/* not a confirmation */
	assert_true(cfi_flash_array_mode(&f));
	assert_int_equal(cfi_flash_read(&f, 0x4000, 4), 0xffffffff);
	assert_int_equal(f.status & CFI_STATUS_PROGRAM_ERR, CFI_STATUS_PROGRAM_ERR);
	/* a count larger than the buffer is refused too */
	cmd(0x4000, 0xe8);
	cfi_flash_write(&f, 0x4000, 4, X2(CFI_WRITE_BUFFER_WORDS));
	assert_true(cfi_flash_array_mode(&f));
}

static void test_unknown_command_reads_array(void **state)
{
	(void)state;
	mem[0] = 0x5a;
	cmd(0, 0x42);
	assert_true(cfi_flash_array_mode(&f));
	assert_int_equal(cfi_flash_read(&f, 0, 1), 0x5a);
	cmd(0, 0x20);
	cmd(0, 0x33);			/* erase not confirmed: back to array mode */
	assert_true(cfi_flash_array_mode(&f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_array_mode_reads_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cfi_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identifiers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_erase_one_sector, setup, teardown),
		cmocka_unit_test_setup_teardown(test_word_program_and_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buffered_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buffered_write_aborted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_command_reads_array, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
