// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory: one anonymous mapping per memslot, with PROT_NONE guard
 * pages on each side.  The gzvm driver wants the slot to be exactly one VMA,
 * and Linux merges adjacent anonymous mappings (docs/abi.md).
 *
 * The mapping starts at the same offset within a 2 MiB block as the slot's
 * guest address, so the host can back each guest 2 MiB block with one
 * transparent huge page, and a stage-2 fault is served with one physically
 * contiguous run (one block mapping, one host fault) instead of 512 pages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "vmm.h"

#define GUARD	4096UL
#define HUGE	(2UL << 20)

int vm_add_ram(struct vm *vm, uint64_t gpa, uint64_t size)
{
	struct mem_slot *s;
	size_t map_size = size + 2 * GUARD + HUGE;
	uintptr_t want;
	void *base, *hva;
	int r;

	if (vm->nr_slots >= (int)(sizeof(vm->slots) / sizeof(vm->slots[0])))
		return -ENOSPC;
	base = mmap(NULL, map_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	/* the first address >= base + GUARD congruent to gpa modulo 2 MiB */
	want = (uintptr_t)base + GUARD;
	want += (gpa - want) & (HUGE - 1);
	hva = mmap((void *)want, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	if (hva == MAP_FAILED) {
		r = -errno;
		munmap(base, map_size);
		return r;
	}
	madvise(hva, size, MADV_HUGEPAGE);	/* a hint only: THP may be off */
	r = vm->be->add_mem(vm, vm->nr_slots, gpa, size, hva);
	if (r) {
		munmap(base, map_size);
		return r;
	}
	s = &vm->slots[vm->nr_slots++];
	*s = (struct mem_slot){ .gpa = gpa, .size = size, .hva = hva,
				.map_base = base, .map_size = map_size };
	return 0;
}

/* A host pointer to [gpa, gpa + len) if it lies inside one slot, else NULL. */
void *gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len)
{
	for (int i = 0; i < vm->nr_slots; i++) {
		struct mem_slot *s = &vm->slots[i];

		if (gpa >= s->gpa && gpa - s->gpa < s->size && len <= s->size - (gpa - s->gpa))
			return (char *)s->hva + (gpa - s->gpa);
	}
	return NULL;
}
