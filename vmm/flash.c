// SPDX-License-Identifier: GPL-2.0
/*
 * The CFI flash state machine (see flash.h): the Intel/Sharp command set
 * as QEMU's pflash_cfi01 implements it, which is what U-Boot's cfi_flash
 * driver and EDK2's VirtNorFlashDxe were written against:
 *
 *   0xff / 0xf0 read array          0x70 read status       0x50 clear status
 *   0x90 read identifier            0x98 CFI query ("QRY")
 *   0x20 erase sector, 0xd0 confirm 0x10 / 0x40 program one word
 *   0xe8 buffered write: count - 1, the data, 0xd0 confirm
 *   0x60 lock set-up, then 0x01 / 0xd0 (accepted; sectors are never locked)
 *
 * As in QEMU, an erase happens at once on 0x20 (0xd0 only completes it),
 * a program stores the value as written (no AND with the old contents),
 * and an unknown sequence returns the bank to read-array mode.
 */
#include <string.h>

#include "flash.h"

#define ID_MANUFACTURER	0x89	/* Intel */
#define ID_DEVICE	0x18

/* The query table of one chip, indexed by CFI offset. */
#define CFI_TABLE_SIZE	0x40

static unsigned int log2u(uint64_t v)
{
	unsigned int n = 0;

	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

static uint8_t cfi_table_entry(const struct cfi_flash *f, unsigned int idx)
{
	uint64_t chip_size = f->size / (CFI_BANK_WIDTH / CFI_DEVICE_WIDTH);
	uint32_t chip_sector = CFI_SECTOR_SIZE / (CFI_BANK_WIDTH / CFI_DEVICE_WIDTH);
	uint32_t blocks = (uint32_t)(f->size / CFI_SECTOR_SIZE) - 1;

	switch (idx) {
	case 0x10: return 'Q';
	case 0x11: return 'R';
	case 0x12: return 'Y';
	case 0x13: return 0x01;		/* primary command set: Intel/Sharp extended */
	case 0x15: return 0x31;		/* its extended table at 0x31 */
	case 0x1b: return 0x45;		/* Vcc min 4.5 V */
	case 0x1c: return 0x55;		/* Vcc max 5.5 V */
	case 0x1f: return 0x07;		/* typical word program: 2^7 us */
	case 0x20: return 0x07;		/* typical buffered write: 2^7 us */
	case 0x21: return 0x0a;		/* typical sector erase: 2^10 ms */
	case 0x23: return 0x04;		/* maximum timeouts: 2^4 times the typical */
	case 0x24: return 0x04;
	case 0x25: return 0x04;
	case 0x27: return (uint8_t)log2u(chip_size);
	case 0x28: return 0x02;		/* interface: x8/x16 asynchronous */
	case 0x2a: return (uint8_t)log2u(CFI_WRITE_BUFFER_WORDS * CFI_DEVICE_WIDTH);
	case 0x2c: return 0x01;		/* one erase block region */
	case 0x2d: return (uint8_t)blocks;
	case 0x2e: return (uint8_t)(blocks >> 8);
	case 0x2f: return (uint8_t)((chip_sector >> 8) & 0xff);
	case 0x30: return (uint8_t)(chip_sector >> 16);
	case 0x31: return 'P';
	case 0x32: return 'R';
	case 0x33: return 'I';
	case 0x34: return '1';
	case 0x35: return '0';
	default: return 0;
	}
}

/* One chip's 16-bit answer repeated in every chip lane of a len-byte read. */
static uint64_t replicate(uint16_t v, uint32_t len)
{
	uint64_t r = 0;

	for (uint32_t i = 0; i < 8; i += CFI_DEVICE_WIDTH)
		r |= (uint64_t)v << (8 * i);
	return len >= 8 ? r : r & ((1ULL << (8 * len)) - 1);
}

/* Query and identifier reads: each bank-wide word at off answers index off / 4. */
static uint64_t per_word(const struct cfi_flash *f, uint64_t off, uint32_t len, bool query)
{
	uint64_t r = 0;

	for (uint32_t i = 0; i < len; i += CFI_BANK_WIDTH) {
		uint64_t idx = (off + i) / CFI_BANK_WIDTH;
		uint16_t v;

		if (query)
			v = idx < CFI_TABLE_SIZE ? cfi_table_entry(f, (unsigned int)idx) : 0;
		else	/* offset 0: manufacturer, 1: device, else (lock status) 0 */
			v = (idx & 0xff) == 0 ? ID_MANUFACTURER :
			    (idx & 0xff) == 1 ? ID_DEVICE : 0;
		r |= replicate(v, CFI_BANK_WIDTH) << (8 * i);
	}
	return len >= 8 ? r : r & ((1ULL << (8 * len)) - 1);
}

void cfi_flash_init(struct cfi_flash *f, uint8_t *mem, uint64_t size)
{
	memset(f, 0, sizeof(*f));
	f->mem = mem;
	f->size = size;
}

bool cfi_flash_array_mode(const struct cfi_flash *f)
{
	return f->cmd == 0;
}

uint64_t cfi_flash_read(struct cfi_flash *f, uint64_t off, uint32_t len)
{
	uint64_t v = 0;

	if (len == 0 || len > 8 || off >= f->size || len > f->size - off)
		return 0;
	switch (f->cmd) {
	case 0:
		memcpy(&v, f->mem + off, len);	/* little-endian host and guest */
		return v;
	case CFI_CMD_READ_ID:
		return per_word(f, off, len, false);
	case CFI_CMD_QUERY:
		return per_word(f, off, len, true);
	default:	/* program, erase, buffered write, status, lock: the status */
		return replicate(f->status, len);
	}
}

static void mark_dirty(struct cfi_flash *f, uint64_t off, uint64_t len)
{
	uint64_t end = off + len;

	if (f->dirty_len) {
		uint64_t old_end = f->dirty_off + f->dirty_len;

		if (f->dirty_off < off)
			off = f->dirty_off;
		if (old_end > end)
			end = old_end;
	}
	f->dirty_off = off;
	f->dirty_len = end - off;
}

static bool store(struct cfi_flash *f, uint64_t off, uint32_t len, uint64_t val)
{
	if (off >= f->size || len > f->size - off)
		return false;
	memcpy(f->mem + off, &val, len);
	mark_dirty(f, off, len);
	return true;
}

static void read_array(struct cfi_flash *f)
{
	f->cmd = 0;
	f->wcycle = 0;
}

/* The first write of a command. */
static bool command(struct cfi_flash *f, uint64_t off, uint8_t cmd)
{
	switch (cmd) {
	case CFI_CMD_READ_ARRAY:
	case CFI_CMD_AMD_RESET:
	case 0x00:
		read_array(f);
		return false;
	case CFI_CMD_CLEAR_STATUS:
		f->status = 0;
		read_array(f);
		return false;
	case CFI_CMD_READ_STATUS:
	case CFI_CMD_READ_ID:
		f->cmd = cmd;	/* the next write is a new command */
		f->wcycle = 0;
		return false;
	case CFI_CMD_ERASE: {
		uint64_t start = off & ~(uint64_t)(CFI_SECTOR_SIZE - 1);

		memset(f->mem + start, 0xff, CFI_SECTOR_SIZE);
		mark_dirty(f, start, CFI_SECTOR_SIZE);
		f->status |= CFI_STATUS_READY;
		f->cmd = cmd;
		f->wcycle = 1;
		return true;
	}
	case CFI_CMD_PROGRAM:
	case CFI_CMD_PROGRAM_ALT:
	case CFI_CMD_QUERY:
	case CFI_CMD_LOCK_SETUP:
		f->cmd = cmd;
		f->wcycle = 1;
		return false;
	case CFI_CMD_BUFFERED:
		f->status |= CFI_STATUS_READY;	/* the buffer is free */
		f->cmd = cmd;
		f->wcycle = 1;
		f->buf_count = 0;
		return false;
	default:
		read_array(f);
		return false;
	}
}

static bool second_write(struct cfi_flash *f, uint64_t off, uint32_t len, uint64_t val)
{
	uint8_t cmd = (uint8_t)val;
	bool changed = false;

	switch (f->cmd) {
	case CFI_CMD_PROGRAM:
	case CFI_CMD_PROGRAM_ALT:
		changed = store(f, off, len, val);
		f->status |= CFI_STATUS_READY;
		f->wcycle = 0;	/* reads give the status until read array */
		break;
	case CFI_CMD_ERASE:
	case CFI_CMD_LOCK_SETUP:
		if (cmd == CFI_CMD_CONFIRM || (f->cmd == CFI_CMD_LOCK_SETUP && cmd == 0x01)) {
			f->status |= CFI_STATUS_READY;
			f->wcycle = 0;
		} else {
			read_array(f);
		}
		break;
	case CFI_CMD_QUERY:
		if (cmd == CFI_CMD_READ_ARRAY || cmd == CFI_CMD_AMD_RESET)
			read_array(f);
		/* anything else (another 0x98 while probing): stay in query mode */
		break;
	case CFI_CMD_BUFFERED: {
		/* each chip gets count - 1 in its own lane: take the first chip's */
		uint32_t count = (uint32_t)(val & 0xffff);

		if (count >= CFI_WRITE_BUFFER_WORDS) {
			f->status |= CFI_STATUS_PROGRAM_ERR;
			read_array(f);
			break;
		}
		f->counter = count;
		f->wcycle = 2;
		break;
	}
	default:
		read_array(f);
		break;
	}
	return changed;
}

static bool buffered_write(struct cfi_flash *f, uint64_t off, uint32_t len, uint64_t val)
{
	bool changed = false;

	if (f->wcycle == 2) {	/* the data, buffered until the confirmation */
		f->buf[f->buf_count].off = off;
		f->buf[f->buf_count].len = len;
		f->buf[f->buf_count].val = val;
		f->buf_count++;
		if (f->counter-- == 0)
			f->wcycle = 3;
		return false;
	}
	if ((uint8_t)val == CFI_CMD_CONFIRM) {
		for (uint32_t i = 0; i < f->buf_count; i++)
			changed |= store(f, f->buf[i].off, f->buf[i].len, f->buf[i].val);
		f->status |= CFI_STATUS_READY;
		f->wcycle = 0;	/* status mode until read array */
	} else {
		f->status |= CFI_STATUS_PROGRAM_ERR;
		read_array(f);
	}
	f->buf_count = 0;
	return changed;
}

bool cfi_flash_write(struct cfi_flash *f, uint64_t off, uint32_t len, uint64_t val)
{
	if (len == 0 || len > 8 || off >= f->size || len > f->size - off)
		return false;
	if (len < 8)
		val &= (1ULL << (8 * len)) - 1;
	switch (f->wcycle) {
	case 0:
		return command(f, off, (uint8_t)val);
	case 1:
		return second_write(f, off, len, val);
	default:
		return buffered_write(f, off, len, val);
	}
}
