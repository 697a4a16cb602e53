// SPDX-License-Identifier: GPL-2.0
/*
 * --bios: firmware (U-Boot, EDK2) in flash, as on QEMU virt.
 *
 *   bank 0  0x0000_0000, 64 MiB: the firmware, executed in place.  A RAM
 *           memslot: an instruction fetch from MMIO cannot be emulated.
 *           kvm: a KVM_MEM_READONLY slot (writes exit and are dropped);
 *           gzvm has no read-only memslots: the bank is writable RAM.
 *           Not described in the DT, so that no firmware probes it.
 *   bank 1  0x0400_0000, 64 MiB: the variable store, a CFI flash (flash.c)
 *           described as cfi-flash in the DT, in memory or in --bios-vars.
 *           kvm: in read-array mode the contents are mapped read-only
 *           ("romd", as QEMU does it), so reads are plain memory and any
 *           load instruction works; the first command write removes the
 *           slot, and the return to read-array mode maps it again.
 *           gzvm has neither read-only slots nor slot removal: every access
 *           is MMIO, which works only for loads and stores with a valid
 *           syndrome (ISV) - see vmm/README.md.
 *
 * vCPU 0 starts at 0 with x0 = the DTB, which sits at the base of RAM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flash.h"
#include "vmm.h"

#define GUARD		4096UL

struct flash_bank {
	struct vm *vm;
	pthread_mutex_t lock;
	struct cfi_flash cfi;
	uint8_t *mem;
	int vars_fd;		/* -1: contents in memory only */
	const char *vars_path;
	bool romd;		/* kvm: the contents are mapped read-only now */
	bool write_failed;
};

static struct flash_bank bank1;
static uint8_t *bank0_mem;	/* the firmware, for firmware_rom_hva */

const void *firmware_rom_hva(uint64_t gpa, uint64_t len)
{
	_Static_assert(FLASH_BANK0_BASE == 0, "bank 0 starts at 0");
	if (!bank0_mem || gpa >= FLASH_BANK_SIZE || len > FLASH_BANK_SIZE - gpa)
		return NULL;
	return bank0_mem + gpa;
}

/* An anonymous mapping between two PROT_NONE guard pages (see memory.c). */
static void *map_guarded(uint64_t size)
{
	void *base = mmap(NULL, size + 2 * GUARD, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	void *p;

	if (base == MAP_FAILED)
		return NULL;
	p = mmap((char *)base + GUARD, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		munmap(base, size + 2 * GUARD);
		return NULL;
	}
	return p;
}

static int read_whole(const char *path, uint8_t *dst, uint64_t max, uint64_t *len)
{
	struct stat st;
	uint64_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		r = -EINVAL;
		goto out;
	}
	if ((uint64_t)st.st_size > max || st.st_size == 0) {
		r = -EFBIG;
		goto out;
	}
	while (got < (uint64_t)st.st_size) {
		ssize_t n = read(fd, dst + got, (size_t)st.st_size - got);

		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			goto out;
		}
		got += (uint64_t)n;
	}
	*len = got;
out:
	close(fd);
	return r;
}

/* kvm only: map or unmap the bank's contents read-only. */
static void set_romd(struct flash_bank *b, bool on)
{
	struct vm *vm = b->vm;
	int r;

	if (b->romd == on)
		return;
	r = vm->be->set_rom(vm, FLASH_ROMD_SLOT, FLASH_BANK1_BASE, FLASH_BANK_SIZE,
			    on ? b->mem : NULL);
	if (r) {
		vmm_err("flash: %s the variable bank: %s", on ? "mapping" : "unmapping",
			strerror(-r));
		vmm_request_exit(vm, EXIT_VMM_ERROR, "flash: memslot change failed");
		return;
	}
	b->romd = on;
}

static void write_back(struct flash_bank *b)
{
	struct cfi_flash *f = &b->cfi;
	uint64_t off = f->dirty_off, left = f->dirty_len;

	f->dirty_len = 0;
	if (b->vars_fd < 0 || b->write_failed)
		return;
	while (left) {
		ssize_t n = pwrite(b->vars_fd, b->mem + off, left, (off_t)off);

		if (n <= 0) {
			vmm_err("--bios-vars %s: write: %s (later changes stay in memory)",
				b->vars_path, n < 0 ? strerror(errno) : "short write");
			b->write_failed = true;
			return;
		}
		off += (uint64_t)n;
		left -= (uint64_t)n;
	}
}

static uint64_t bank1_read(void *opaque, uint64_t off, uint32_t len)
{
	struct flash_bank *b = opaque;
	uint64_t v;

	pthread_mutex_lock(&b->lock);
	v = cfi_flash_read(&b->cfi, off, len);
	pthread_mutex_unlock(&b->lock);
	return v;
}

static void bank1_write(void *opaque, uint64_t off, uint32_t len, uint64_t val)
{
	struct flash_bank *b = opaque;

	pthread_mutex_lock(&b->lock);
	if (cfi_flash_write(&b->cfi, off, len, val))
		write_back(b);
	if (b->vm->be->set_rom)
		set_romd(b, cfi_flash_array_mode(&b->cfi));
	pthread_mutex_unlock(&b->lock);
}

/* kvm: writes to the read-only firmware bank exit here; flash would ignore them too. */
static uint64_t bank0_read(void *opaque, uint64_t off, uint32_t len)
{
	(void)opaque, (void)off, (void)len;
	return 0;	/* not reached: the bank is memory */
}

static void bank0_write(void *opaque, uint64_t off, uint32_t len, uint64_t val)
{
	(void)opaque, (void)off, (void)len, (void)val;
}

static int load_bank0(struct vm *vm)
{
	const char *path = vm->cfg->bios;
	uint8_t *mem = map_guarded(FLASH_BANK_SIZE);
	uint64_t len = 0;
	int r;

	if (!mem)
		return -errno;
	r = read_whole(path, mem, FLASH_BANK_SIZE, &len);
	if (r) {
		if (r == -EFBIG)
			vmm_err("--bios %s: empty or larger than the 64 MiB flash bank", path);
		else
			vmm_err("cannot read firmware '%s': %s", path, strerror(-r));
		return -1;
	}
	memset(mem + len, 0xff, FLASH_BANK_SIZE - len);	/* erased flash */
	if (vm->be->set_rom)
		r = vm->be->set_rom(vm, FLASH_ROM_SLOT, FLASH_BANK0_BASE, FLASH_BANK_SIZE, mem);
	else
		r = vm->be->add_mem(vm, FLASH_ROM_SLOT, FLASH_BANK0_BASE, FLASH_BANK_SIZE, mem);
	if (r) {
		vmm_err("--bios: the flash bank at 0x%llx: %s",
			(unsigned long long)FLASH_BANK0_BASE, strerror(-r));
		return -1;
	}
	/* not in vm->slots: those are the RAM devices may DMA into; a ROM is not */
	bank0_mem = mem;
	vmm_dbg(vm, "firmware: %llu bytes at 0x%llx (%s)", (unsigned long long)len,
		(unsigned long long)FLASH_BANK0_BASE,
		vm->be->set_rom ? "read-only memslot" : "RAM memslot");
	return 0;
}

static int open_vars(struct flash_bank *b, const char *path)
{
	struct stat st;
	uint64_t len = 0;
	int r;

	b->vars_fd = open(path, O_RDWR | O_CLOEXEC);
	if (b->vars_fd < 0) {
		vmm_err("--bios-vars %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(b->vars_fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != FLASH_BANK_SIZE) {
		vmm_err("--bios-vars %s: must be a file of exactly 64 MiB "
			"(e.g. a copy of /usr/share/AAVMF/AAVMF_VARS.fd)", path);
		return -1;
	}
	r = read_whole(path, b->mem, FLASH_BANK_SIZE, &len);
	if (r) {
		vmm_err("--bios-vars %s: %s", path, strerror(-r));
		return -1;
	}
	b->vars_path = path;
	return 0;
}

static int setup_bank1(struct vm *vm)
{
	struct flash_bank *b = &bank1;
	const struct mmio_dev dev = {
		.name = "cfi-flash", .base = FLASH_BANK1_BASE, .size = FLASH_BANK_SIZE,
		.opaque = b, .read = bank1_read, .write = bank1_write,
	};
	int r;

	memset(b, 0, sizeof(*b));
	b->vm = vm;
	b->vars_fd = -1;
	pthread_mutex_init(&b->lock, NULL);
	b->mem = map_guarded(FLASH_BANK_SIZE);
	if (!b->mem) {
		vmm_err("flash: %s", strerror(errno));
		return -1;
	}
	if (vm->cfg->bios_vars) {
		if (open_vars(b, vm->cfg->bios_vars))
			return -1;
	} else {
		memset(b->mem, 0xff, FLASH_BANK_SIZE);	/* erased, lost at exit */
	}
	cfi_flash_init(&b->cfi, b->mem, FLASH_BANK_SIZE);
	r = mmio_register(vm, &dev);
	if (r) {
		vmm_err("flash: MMIO registration: %s", strerror(-r));
		return -1;
	}
	if (vm->be->set_rom)
		set_romd(b, true);
	return b->romd || !vm->be->set_rom ? 0 : -1;
}

int firmware_load(struct vm *vm)
{
	const struct mmio_dev rom = {
		.name = "firmware-rom", .base = FLASH_BANK0_BASE, .size = FLASH_BANK_SIZE,
		.read = bank0_read, .write = bank0_write,
	};
	int r;

	if (load_bank0(vm) || setup_bank1(vm))
		return -1;
	r = mmio_register(vm, &rom);
	if (r) {
		vmm_err("flash: MMIO registration: %s", strerror(-r));
		return -1;
	}
	/* as QEMU virt does for firmware: the DTB at the base of RAM */
	vm->entry = FLASH_BANK0_BASE;
	vm->dtb_gpa = RAM_BASE;
	vm->dtb_size = 0x200000;
	return 0;
}
