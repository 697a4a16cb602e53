/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A CFI parallel NOR flash bank with the Intel/Sharp command set, modelled
 * on QEMU's pflash_cfi01 as QEMU virt configures it: a 32-bit bank of two
 * interleaved x16 chips (bank-width 4, device-width 2), 256 KiB sectors
 * (128 KiB per chip), manufacturer 0x89, device 0x18.  Every answer of a
 * chip (status, CFI query, IDs) appears in both 16-bit halves of a word.
 *
 * The state machine only: no locking, no I/O.  vmm/firmware.c puts it on
 * the MMIO bus and writes changes back to a file.
 */
#ifndef GZVM_VMM_FLASH_H
#define GZVM_VMM_FLASH_H

#include <stdbool.h>
#include <stdint.h>

#define CFI_BANK_WIDTH		4
#define CFI_DEVICE_WIDTH	2
#define CFI_SECTOR_SIZE		0x40000U	/* per bank: 2 x 128 KiB */

/* Commands (the low byte of a write) */
#define CFI_CMD_READ_ARRAY	0xff
#define CFI_CMD_AMD_RESET	0xf0	/* accepted as read array, as QEMU does */
#define CFI_CMD_READ_STATUS	0x70
#define CFI_CMD_CLEAR_STATUS	0x50
#define CFI_CMD_READ_ID		0x90
#define CFI_CMD_QUERY		0x98
#define CFI_CMD_ERASE		0x20
#define CFI_CMD_CONFIRM		0xd0
#define CFI_CMD_PROGRAM		0x40
#define CFI_CMD_PROGRAM_ALT	0x10
#define CFI_CMD_BUFFERED	0xe8
#define CFI_CMD_LOCK_SETUP	0x60

#define CFI_STATUS_READY	0x80
#define CFI_STATUS_ERASE_ERR	0x20
#define CFI_STATUS_PROGRAM_ERR	0x10

/* How many writes one buffered write may carry: 2 KiB per chip, 1024 x16 words. */
#define CFI_WRITE_BUFFER_WORDS	1024

struct cfi_flash {
	uint8_t *mem;		/* the contents, as read in array mode */
	uint64_t size;		/* a multiple of CFI_SECTOR_SIZE */
	uint8_t cmd;		/* 0: read array; else the command in progress */
	uint8_t wcycle;		/* which write of a multi-write command comes next */
	uint8_t status;
	uint32_t counter;	/* buffered write: words still to come, minus one */
	uint32_t buf_count;	/* buffered write: writes received */
	struct {
		uint64_t off, val;
		uint32_t len;
	} buf[CFI_WRITE_BUFFER_WORDS];
	/* the range written since the caller last cleared it (dirty_len 0: none) */
	uint64_t dirty_off, dirty_len;
};

/* mem: size bytes the caller owns (fill it with 0xff for an erased bank). */
void cfi_flash_init(struct cfi_flash *f, uint8_t *mem, uint64_t size);
/* A guest read of len (1, 2, 4 or 8) bytes at off inside the bank. */
uint64_t cfi_flash_read(struct cfi_flash *f, uint64_t off, uint32_t len);
/* A guest write; returns true if the bank's contents changed. */
bool cfi_flash_write(struct cfi_flash *f, uint64_t off, uint32_t len, uint64_t val);
/* In read-array mode, reads return the contents (what "romd" maps directly). */
bool cfi_flash_array_mode(const struct cfi_flash *f);

#endif
