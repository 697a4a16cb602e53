// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's hypercall interface as an attacker drives it: random sequences
 * of GenieZone hypercalls with arguments that are small numbers, VM ids,
 * vCPU tuples, addresses of host RAM (whose content is also fuzzed), of
 * the hypervisor's own memory, or garbage; runs whose guests exit in random
 * ways.  After each input every VM is destroyed and the oracle checks that
 * nothing leaked: the page pool is back to its baseline, and no RAM page
 * is still lent or pinned.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gzvm/hvc.h>
#include <hyp/hypercall.h>
#include <hyp/mem_owner.h>
#include <hyp/page_alloc.h>
#include <hyp/vm.h>

#include "arch_fake.h"

#define RAM_SIZE	(8ULL << 20)
#define HYP_SIZE	(1ULL << 20)
#define POOL_SIZE	(8ULL << 20)
#define PG		4096ULL

static u8 *ram;
static u64 ram_base, pool_baseline;

struct input {
	const u8 *p;
	size_t n;
};

static u64 take(struct input *in, unsigned int bytes)
{
	u64 v = 0;

	for (unsigned int i = 0; i < bytes && in->n; i++, in->n--)
		v |= (u64)*in->p++ << (8 * i);
	return v;
}

/* An argument: mostly plausible values, sometimes anything. */
static u64 arg(struct input *in)
{
	u64 sel = take(in, 1), v = take(in, 4);

	switch (sel % 8) {
	case 0: return v & 0xff;				/* small numbers, slot ids, counts */
	case 1: return 1 + v % HYP_MAX_VMS;			/* a VM id */
	case 2: return GZVM_VCPU_TUPLE(1 + v % 4, (v >> 8) % 9);	/* a vCPU */
	case 3: return ram_base + (v % RAM_SIZE & ~7ULL);	/* host RAM, maybe a buffer */
	case 4: return (ram_base + v % RAM_SIZE) / PG;	/* a host PFN */
	case 5: return 0x80000000ULL / PG + v % 4096;		/* a guest frame */
	case 6: return ram_base + RAM_SIZE - HYP_SIZE + (v % HYP_SIZE);	/* hypervisor memory */
	default: return v | take(in, 4) << 32;		/* anything */
	}
}

static void init_once(void)
{
	static bool done;
	struct mem_range r;
	void *pool, *meta;

	if (done)
		return;
	done = true;
	ram = aligned_alloc(2 << 20, RAM_SIZE);
	pool = aligned_alloc(PG, POOL_SIZE);
	ram_base = (u64)(uintptr_t)ram;
	r = (struct mem_range){ ram_base, RAM_SIZE };
	meta = calloc(1, mem_owner_meta_size(&r, 1));
	if (!ram || !pool || !meta)
		abort();
	mem_owner_init(&r, 1, meta);
	if (mem_owner_claim_hyp(ram_base + RAM_SIZE - HYP_SIZE, HYP_SIZE))
		abort();
	pool_init(&hyp_pool, pool, POOL_SIZE);
	vm_init(40);
	pool_baseline = pool_used_pages(&hyp_pool);
}

static void check_nothing_leaked(void)
{
	for (u16 id = 1; id <= HYP_MAX_VMS; id++) {
		struct smccc_regs r = { .a = { GZVM_FID_DESTROY_VM, id, 0 } };

		host_hvc_call(&r);
		if ((s64)r.a[0] == GZVM_ERR_BUSY) {
			fprintf(stderr, "vm%u still busy after the input\n", id);
			abort();
		}
	}
	if (pool_used_pages(&hyp_pool) != pool_baseline) {
		fprintf(stderr, "pool: %llu pages used, baseline %llu\n",
			(unsigned long long)pool_used_pages(&hyp_pool),
			(unsigned long long)pool_baseline);
		abort();
	}
	for (u64 off = 0; off < RAM_SIZE - HYP_SIZE; off += PG) {
		if (mem_owner_lend_count(ram_base + off) || mem_owner_pin_count(ram_base + off) ||
		    mem_owner_of(ram_base + off) != PAGE_OWNER_HOST) {
			fprintf(stderr, "page at +%llx still lent/pinned/not host's\n",
				(unsigned long long)off);
			abort();
		}
	}
	for (u64 off = RAM_SIZE - HYP_SIZE; off < RAM_SIZE; off += PG) {
		if (mem_owner_of(ram_base + off) != PAGE_OWNER_HYP)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };

	init_once();
	while (in.n) {
		unsigned int op = (unsigned int)take(&in, 1);

		if (op < 0x20) {
			/* fill a piece of host RAM with input bytes (buffers, PFN lists) */
			u64 off = take(&in, 3) % (RAM_SIZE - HYP_SIZE);
			unsigned int len = (unsigned int)take(&in, 1);

			for (unsigned int i = 0; i < len && in.n && off + i < RAM_SIZE - HYP_SIZE; i++)
				ram[off + i] = (u8)take(&in, 1);
		} else if (op < 0x30) {
			/* queue guest exits for the next RUN */
			fuzz_arch_queue_exit((u32)take(&in, 1), take(&in, 4) << 32 | take(&in, 4),
					     arg(&in), take(&in, 8));
		} else {
			struct smccc_regs r;
			u32 fn = op % (GZVM_FN_NR + 2);	/* and a couple outside the table */

			r.a[0] = (op & 0x80) ? GZVM_HVC_ID_SMC32(fn) : GZVM_HVC_ID_SMC64(fn);
			for (int i = 1; i < 8; i++)
				r.a[i] = arg(&in);
			host_hvc_call(&r);
		}
	}
	check_nothing_leaked();
	fuzz_arch_reset();
	return 0;
}
