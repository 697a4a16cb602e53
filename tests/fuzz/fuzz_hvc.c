// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's hypercall interface as an attacker drives it: random sequences
 * of GenieZone hypercalls with arguments that are small numbers, VM ids,
 * vCPU tuples, addresses of host RAM (whose content is also fuzzed), of
 * the hypervisor's own memory, or garbage; runs whose guests exit in random
 * ways, among them guest hypercalls (PSCI, relinquish, the MMIO guard, the
 * measurement) with random arguments.  The host has a real stage-2, so
 * protected VMs seal: their pages leave the host and, written by "their
 * guest" (the fuzzer, on pages the hypervisor gave a guest), must come back
 * zeroed.  After every hypercall the host's stage-2 must agree with page
 * ownership.  After each input every VM is destroyed and the oracle checks
 * that nothing leaked or stayed hidden: the page pool is back to its
 * baseline (host stage-2 blocks merged again), no RAM page is still lent,
 * pinned or donated, the host's stage-2 maps every host page and none of
 * the carve-out, and every page a guest wrote reads zero.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gzvm/hvc.h>
#include <hyp/host_s2.h>
#include <hyp/hypercall.h>
#include <hyp/mem_owner.h>
#include <hyp/page_alloc.h>
#include <hyp/psci.h>
#include <hyp/vm.h>

#include "arch_fake.h"
#include "core_board.h"
#include "fuzz_input.h"

#define RAM_SIZE	FUZZ_RAM_SIZE
#define HYP_SIZE	FUZZ_HYP_SIZE
#define PG		FUZZ_PG

#define HOST_PAGES	((RAM_SIZE - HYP_SIZE) / PG)

static u8 *ram;
static u64 ram_base, pool_baseline;
/* pages a guest wrote while it owned them: they must reach the host zeroed */
static bool guest_wrote[HOST_PAGES];

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

/* x0 of a guest hypercall: the calls the hypervisor answers, or anything */
static u64 guest_fn(struct input *in)
{
	static const u32 fns[] = {
		PSCI_VERSION, PSCI_CPU_SUSPEND, PSCI_CPU_OFF, PSCI_0_2_FN64(3),
		PSCI_AFFINITY_INFO, PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET, PSCI_FEATURES,
		PSCI_SYSTEM_RESET2, GZVM_HVC_MEM_RELINQUISH, GZVM_HVC_PVM_MEASUREMENT,
		GZVM_HVC_MMIO_GUARD_ENROLL, GZVM_HVC_MMIO_GUARD_ENROLL + 1,
		GZVM_HVC_MMIO_GUARD_ENROLL + 2, GZVM_HVC_MEM_SHARE, GZVM_HVC_MEM_UNSHARE,
		0x80000000 /* SMCCC_VERSION */,
	};
	u64 sel = take(in, 1);

	return sel < 0xc0 ? fns[sel % (sizeof(fns) / sizeof(fns[0]))] : take(in, 4);
}

/* A page the hypervisor would have a guest own must come back to the host zeroed. */
static void check_scrubbed(u64 page)
{
	if (!guest_wrote[page] || mem_owner_of(ram_base + page * PG) != PAGE_OWNER_HOST)
		return;
	for (u64 i = 0; i < PG; i++) {
		if (ram[page * PG + i]) {
			fprintf(stderr, "page at +%llx came back to the host with guest data\n",
				(unsigned long long)(page * PG));
			abort();
		}
	}
	guest_wrote[page] = false;
}

/* What a protected guest does with its memory: write a secret on a page it owns. */
static void guest_write(u64 page, u8 secret)
{
	if (mem_owner_of(ram_base + page * PG) != PAGE_OWNER_GUEST)
		return;
	memset(ram + page * PG, secret | 1, PG);
	guest_wrote[page] = true;
}

static void init_once(void)
{
	ram = fuzz_board_ram();
	ram_base = (u64)(uintptr_t)ram;
	pool_baseline = fuzz_board_pool_baseline();
}

/*
 * After every step: a page the host owns or a guest shares with it is in
 * its stage-2, any other page of a guest or of the hypervisor is not, and
 * the donated and shared totals count the guests' pages.
 */
static void check_ownership(void)
{
	u64 guest_pages = 0, shared_pages = 0;

	for (u64 off = 0; off < RAM_SIZE; off += PG) {
		enum page_owner o = mem_owner_of(ram_base + off);

		bool host_sees = o == PAGE_OWNER_HOST || mem_owner_guest_shared(ram_base + off);

		if (host_sees != host_s2_mapped(ram_base + off)) {
			fprintf(stderr, "page at +%llx: owner %d, host-mapped %d\n",
				(unsigned long long)off, o, host_s2_mapped(ram_base + off));
			abort();
		}
		guest_pages += o == PAGE_OWNER_GUEST;
		shared_pages += o == PAGE_OWNER_GUEST && host_sees;
	}
	if (mem_owner_total_donated() != guest_pages || mem_owner_total_shared() != shared_pages) {
		fprintf(stderr, "%llu pages donated, %llu guest pages; %llu shared, %llu counted\n",
			(unsigned long long)mem_owner_total_donated(),
			(unsigned long long)guest_pages, (unsigned long long)shared_pages,
			(unsigned long long)mem_owner_total_shared());
		abort();
	}
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
	/* each page's owner and host mapping agree; now every owner must be the first one */
	check_ownership();
	for (u64 off = 0; off < RAM_SIZE - HYP_SIZE; off += PG) {
		if (mem_owner_lend_count(ram_base + off) || mem_owner_pin_count(ram_base + off) ||
		    mem_owner_of(ram_base + off) != PAGE_OWNER_HOST) {
			fprintf(stderr, "page at +%llx still lent/pinned/not host's\n",
				(unsigned long long)off);
			abort();
		}
		check_scrubbed(off / PG);
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
			/* the host fills a piece of its RAM (buffers, PFN lists) */
			u64 off = take(&in, 3) % (RAM_SIZE - HYP_SIZE);
			unsigned int len = (unsigned int)take(&in, 1);

			for (unsigned int i = 0; i < len && in.n && off + i < RAM_SIZE - HYP_SIZE; i++) {
				u8 byte = (u8)take(&in, 1);

				check_scrubbed((off + i) / PG);
				/* the host's stage-2 stops it on any other page */
				if (mem_owner_of(ram_base + off + i) == PAGE_OWNER_HOST ||
				    mem_owner_guest_shared(ram_base + off + i))
					ram[off + i] = byte;
			}
		} else if (op < 0x24) {
			guest_write(take(&in, 2) % HOST_PAGES, (u8)take(&in, 1));
		} else if (op < 0x30) {
			/* queue guest exits for the next RUN */
			u32 kind = (u32)take(&in, 1);
			u64 esr = take(&in, 4) << 32 | take(&in, 4), ipa = arg(&in);
			/* x1: often a page of guest memory, as MEM_SHARE and RELINQUISH take */
			u64 x1 = take(&in, 1) < 0x80 ? 0x80000000ULL + take(&in, 2) % 4096 * PG : ipa;
			u64 x[4] = { guest_fn(&in), x1, arg(&in), arg(&in) };

			fuzz_arch_queue_exit(kind, esr, ipa, x);
		} else {
			struct smccc_regs r;
			u32 fn = op % (GZVM_FN_NR + 2);	/* and a couple outside the table */

			r.a[0] = (op & 0x80) ? GZVM_HVC_ID_SMC32(fn) : GZVM_HVC_ID_SMC64(fn);
			for (int i = 1; i < 8; i++)
				r.a[i] = arg(&in);
			host_hvc_call(&r);
			check_ownership();
		}
	}
	check_nothing_leaked();
	fuzz_arch_reset();
	return 0;
}
