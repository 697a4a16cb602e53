// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel and initramfs loaders.
 *
 *   arm64 Image  at RAM base + text_offset (header), entry = load address
 *   ELF64        PT_LOAD segments at their physical addresses, entry e_entry
 *                (a virtual e_entry is translated through the segment holding it)
 *   raw binary   at --load-addr (default RAM base + 0x80000), entry --entry
 *                (default the load address)
 * The initramfs goes above the kernel (2 MiB aligned), after the DTB's slot.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm.h"

#define SZ_2M		0x200000ULL
#define ALIGN_UP(x, a)	(((x) + (a) - 1) & ~((a) - 1))

struct arm64_image_header {
	uint32_t code0, code1;
	uint64_t text_offset;
	uint64_t image_size;
	uint64_t flags;
	uint64_t res2, res3, res4;
	uint32_t magic;		/* "ARM\x64" */
	uint32_t res5;
};
#define ARM64_IMAGE_MAGIC	0x644d5241U

static int read_file(const char *path, uint8_t **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	if (!*buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < *len) {
		n = read(fd, *buf + got, *len - got);
		if (n <= 0) {
			free(*buf);
			close(fd);
			return n < 0 ? -errno : -EIO;
		}
		got += (size_t)n;
	}
	close(fd);
	return 0;
}

static int copy_in(struct vm *vm, uint64_t gpa, const void *src, uint64_t len, const char *what)
{
	void *dst = gpa_to_hva(vm, gpa, len ? len : 1);

	if (!dst) {
		vmm_err("%s: [0x%llx, 0x%llx) is not inside guest RAM [0x%llx, 0x%llx) (--memory?)",
			what, (unsigned long long)gpa, (unsigned long long)(gpa + len),
			(unsigned long long)RAM_BASE,
			(unsigned long long)(RAM_BASE + vm->cfg->mem_size));
		return -1;
	}
	memcpy(dst, src, len);
	return 0;
}

static int load_image(struct vm *vm, const uint8_t *buf, size_t len)
{
	const struct arm64_image_header *h = (const void *)buf;
	uint64_t off = h->text_offset, size = h->image_size;
	uint64_t gpa;

	if (size == 0) {	/* pre-3.17 kernels: text_offset 0x80000, size unknown */
		off = 0x80000;
		size = len;
	}
	if (size < len)
		size = len;
	gpa = RAM_BASE + off;
	if (copy_in(vm, gpa, buf, len, "kernel Image"))
		return -1;
	vm->entry = gpa;
	vm->kernel_end = gpa + size;
	vmm_dbg(vm, "Image: %zu bytes at 0x%llx, image_size 0x%llx", len,
		(unsigned long long)gpa, (unsigned long long)size);
	return 0;
}

static int load_elf(struct vm *vm, const uint8_t *buf, size_t len)
{
	const Elf64_Ehdr *eh = (const void *)buf;
	uint64_t end = 0, entry = eh->e_entry;
	bool entry_found = false;

	if (len < sizeof(*eh) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_AARCH64) {
		vmm_err("kernel: not a little-endian ELF64 for AArch64");
		return -1;
	}
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > len ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff) {
		vmm_err("kernel: ELF program headers out of the file");
		return -1;
	}
	for (int i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const void *)(buf + eh->e_phoff + i * sizeof(Elf64_Phdr));
		void *dst;

		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		if (ph->p_filesz > ph->p_memsz || ph->p_offset > len ||
		    ph->p_filesz > len - ph->p_offset) {
			vmm_err("kernel: ELF segment %d out of the file", i);
			return -1;
		}
		dst = gpa_to_hva(vm, ph->p_paddr, ph->p_memsz);
		if (!dst) {
			vmm_err("kernel: ELF segment %d [0x%llx, +0x%llx) is not inside guest RAM",
				i, (unsigned long long)ph->p_paddr,
				(unsigned long long)ph->p_memsz);
			return -1;
		}
		memcpy(dst, buf + ph->p_offset, ph->p_filesz);
		memset((char *)dst + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
		if (ph->p_paddr + ph->p_memsz > end)
			end = ph->p_paddr + ph->p_memsz;
		if (!entry_found && eh->e_entry >= ph->p_vaddr &&
		    eh->e_entry - ph->p_vaddr < ph->p_memsz) {
			entry = ph->p_paddr + (eh->e_entry - ph->p_vaddr);
			entry_found = true;
		}
	}
	if (!end) {
		vmm_err("kernel: ELF has no loadable segment");
		return -1;
	}
	vm->entry = entry;
	vm->kernel_end = end;
	vmm_dbg(vm, "ELF: entry 0x%llx, end 0x%llx", (unsigned long long)entry,
		(unsigned long long)end);
	return 0;
}

static int load_raw(struct vm *vm, const uint8_t *buf, size_t len)
{
	uint64_t gpa = vm->cfg->load_addr;

	if (copy_in(vm, gpa, buf, len, "raw kernel"))
		return -1;
	vm->entry = vm->cfg->have_entry ? vm->cfg->entry : gpa;
	vm->kernel_end = gpa + len;
	return 0;
}

/*
 * A kernel file signed by tools/gzvm-sign ends in "GZVMSIG1" and a 64-byte
 * signature: loaded in one piece (an Image or a raw binary, not an ELF),
 * the whole file is the protected VM's payload.
 */
#define PAYLOAD_FOOTER_SIZE	72

static void find_payload(struct vm *vm, const uint8_t *buf, size_t len)
{
	bool whole = len >= sizeof(struct arm64_image_header) &&
		     ((const struct arm64_image_header *)buf)->magic == ARM64_IMAGE_MAGIC;

	if (len <= PAYLOAD_FOOTER_SIZE || memcmp(buf + len - PAYLOAD_FOOTER_SIZE, "GZVMSIG1", 8) ||
	    !memcmp(buf, ELFMAG, SELFMAG))
		return;
	vm->payload_gpa = whole && !vm->cfg->have_entry ? vm->entry : vm->cfg->load_addr;
	vm->payload_size = len;
}

int load_kernel(struct vm *vm)
{
	uint8_t *buf;
	size_t len;
	int r = read_file(vm->cfg->kernel, &buf, &len);

	if (r) {
		vmm_err("cannot read kernel '%s': %s", vm->cfg->kernel, strerror(-r));
		return -1;
	}
	if (len >= sizeof(struct arm64_image_header) &&
	    ((const struct arm64_image_header *)buf)->magic == ARM64_IMAGE_MAGIC && !vm->cfg->have_entry)
		r = load_image(vm, buf, len);
	else if (len >= 4 && !memcmp(buf, ELFMAG, SELFMAG))
		r = load_elf(vm, buf, len);
	else
		r = load_raw(vm, buf, len);
	if (!r)
		find_payload(vm, buf, len);
	free(buf);
	if (r)
		return -1;
	/* the DTB's 2 MiB slot sits right above the kernel */
	vm->dtb_gpa = ALIGN_UP(vm->kernel_end, SZ_2M);
	vm->dtb_size = SZ_2M;
	if (vm->dtb_gpa + vm->dtb_size > RAM_BASE + vm->cfg->mem_size) {
		vmm_err("no room for the DTB above the kernel (kernel ends at 0x%llx): more --memory",
			(unsigned long long)vm->kernel_end);
		return -1;
	}
	return 0;
}

int load_initrd(struct vm *vm)
{
	uint8_t *buf;
	size_t len;
	int r;

	if (!vm->cfg->initrd)
		return 0;
	r = read_file(vm->cfg->initrd, &buf, &len);
	if (r) {
		vmm_err("cannot read initramfs '%s': %s", vm->cfg->initrd, strerror(-r));
		return -1;
	}
	vm->initrd_gpa = vm->dtb_gpa + vm->dtb_size;
	vm->initrd_size = len;
	r = copy_in(vm, vm->initrd_gpa, buf, len, "initramfs");
	free(buf);
	return r;
}
