// SPDX-License-Identifier: GPL-2.0
/*
 * What a guest can do to gzvm-run's flash bank (vmm/flash.c) and to the
 * decoder of loads/stores without syndrome (vmm/insn.c).
 *
 * The input is a list of 12-byte guest accesses:
 *   [0]      bit 0: write; bits 1-2: size 1 << n (1, 2, 4, 8)
 *   [1..3]   offset (20 bits) into a bank of two sectors (512 KiB):
 *            half of the range lies beyond it
 *   [4..11]  the value written (or, for reads, an instruction word to
 *            decode with the low 4 bytes)
 * The bank is a heap buffer of exactly its size, so ASan reports any
 * access outside it; the oracle checks that the dirty range stays inside
 * the bank, the buffered-write counter inside its buffer, and that a
 * decoded access has a sane size and registers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/flash.h"
#include "../../vmm/insn.h"

#define BANK	(2ULL * CFI_SECTOR_SIZE)
#define OP	12

static void check_decode(uint32_t insn)
{
	struct ldst d;

	if (!insn_decode_ldst(insn, &d))
		return;
	if ((d.size != 1 && d.size != 2 && d.size != 4 && d.size != 8) ||
	    d.rt > 31 || d.rt2 > 31 || d.rn > 31 || (d.pair && d.size < 4))
		abort();
	(void)insn_ldst_address(&d, 0x4000000);
	(void)insn_ldst_extend(&d, ~0ULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *mem = malloc(BANK);
	struct cfi_flash f;

	if (!mem)
		return 0;
	memset(mem, 0xff, BANK);
	cfi_flash_init(&f, mem, BANK);
	for (size_t i = 0; i + OP <= size; i += OP) {
		const uint8_t *p = data + i;
		uint32_t len = 1U << ((p[0] >> 1) & 3);
		uint64_t off = p[1] | (uint64_t)p[2] << 8 | (uint64_t)(p[3] & 0xf) << 16, val;

		memcpy(&val, p + 4, 8);
		if (p[0] & 1)
			cfi_flash_write(&f, off, len, val);
		else
			(void)cfi_flash_read(&f, off, len);
		check_decode((uint32_t)val);
		if (f.dirty_len && (f.dirty_off >= BANK || f.dirty_len > BANK - f.dirty_off))
			abort();
		if (f.buf_count > CFI_WRITE_BUFFER_WORDS)
			abort();
		f.dirty_len = 0;
	}
	free(mem);
	return 0;
}
