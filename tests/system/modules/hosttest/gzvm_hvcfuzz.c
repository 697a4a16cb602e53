// SPDX-License-Identifier: GPL-2.0
/*
 * gzvm_hvcfuzz - random GenieZone hypercalls from inside the host kernel,
 * while guests run (issue 9; the selftest "hvcfuzz" loads it).
 *
 *	insmod gzvm_hvcfuzz.ko calls=N seed=S carveout_base=B carveout_size=Z
 *
 * issues N hypercalls from one kernel thread per online CPU during module
 * init, destroys what it created, and stays loaded with its figures in
 * read-only parameters (issued, succeeded, entered, created, sealed,
 * violations, first_violation, per_fn, per_cpu) until it is removed.
 *
 * What it names.  The host is trusted for availability: the hypervisor does
 * what the host asks with the host's own memory and VMs, so a random call
 * that destroys the VMM's VM, gives a kernel page to a protected guest or
 * turns a CPU off finds nothing.  The fuzzer keeps to what is its own:
 *  - VM ids: a call that changes or claims a VM names one this thread
 *    created, or an id that is never valid (0, above 32, above 0xffff);
 *    only GET_STATISTICS, PROBE and CREATE_VM may name any.
 *  - host memory: its own pages (a guest pool, run areas, buffers) and
 *    memory that is not the host's to give: the carve-out, device memory,
 *    pages its protected VMs were given, addresses beyond RAM.
 *  - function ids: every GenieZone number in both conventions, unassigned
 *    ones, SMCCC architecture calls and PSCI queries, never a PSCI call that
 *    turns a CPU or the system off.
 *
 * Violations (the oracles):
 *  - a call succeeded although a memory argument was the carve-out,
 *    device memory, a page of a protected guest, or beyond RAM;
 *  - CREATE_VCPU accepted a run area another vCPU of ours uses;
 *  - afterwards a VM of ours cannot be destroyed, a page of ours does not
 *    come back to the host (reading it faults), or PROBE fails.
 *
 * Sealed VMs of its own.  Random calls hardly ever build a protected VM
 * that passes its payload check, so with payload=<hex of a signed payload>
 * each thread first builds one on purpose (sealed_vm(): half of its guest
 * pool, the payload, a vCPU) and runs it, which seals it: those pool pages
 * must stop being readable by the host at once (an oracle), and from then
 * on the random calls meet a sealed VM and name its donated pages as
 * forbidden memory, until a random DESTROY_VM or the clean-up scrubs it.
 * Pages that did not come back are leaked rather than freed.
 */
#include <linux/arm-smccc.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/virt.h>

/* spec/gzvm-abi.md section 6 */
#define FID(n)			(0xFB001000U + (n))
#define FID_SMC32(n)		(0xBB001000U + (n))
enum {
	FN_CREATE_VM, FN_DESTROY_VM, FN_CREATE_VCPU, FN_DESTROY_VCPU, FN_SET_MEMREGION,
	FN_RUN, FN_GET_REGS, FN_SET_REGS, FN_GET_ONE_REG, FN_SET_ONE_REG, FN_IRQ_LINE,
	FN_CREATE_DEVICE, FN_PROBE, FN_ENABLE_CAP, FN_INFORM_EXIT, FN_MEMREGION_PURPOSE,
	FN_SET_DTB_CONFIG, FN_MAP_GUEST, FN_MAP_GUEST_BLOCK, FN_GET_STATISTICS, FN_NR
};

#define FN_OTHER		FN_NR	/* per_fn slot of everything else */
#define ERR_BUSY		(-33)
#define HYP_MAX_VMS		32
#define CAP_PROTECTED_VM	0xffbadab1UL
#define PVM_SET_PROTECTED_VM	2
#define REG_X(n)		(0x6030000000100000ULL | (n) * 2)
#define REG_PC			0x6030000000100040ULL
#define CAP_BLOCK_PAGING	0x9201UL
#define BLOCK_SIZE_2M		(2UL << 20)
#define GUEST_GPA		0x80000000UL

/* struct gzvm_memory_region_ranges (spec section 6.6) */
struct region_range {
	u64 address;
	u32 pg_cnt;
	u32 reserved;
};

struct region_ranges {
	u32 slot;
	u32 constituent_cnt;
	u64 total_pages;
	u64 gpa;
	struct region_range constituents[];
};

static unsigned long calls;
module_param(calls, ulong, 0444);
MODULE_PARM_DESC(calls, "hypercalls to issue (over all threads)");
static unsigned long seed;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "seed of the random calls");
static char payload_hex[1024];
module_param_string(payload, payload_hex, sizeof(payload_hex), 0444);
MODULE_PARM_DESC(payload, "hex of a payload signed for the hypervisor's key: each thread seals a VM");
static u8 payload[sizeof(payload_hex) / 2];
static size_t payload_len;
static unsigned long sealed;
module_param(sealed, ulong, 0444);
MODULE_PARM_DESC(sealed, "VMs the threads built from the payload and saw sealed");
static unsigned int seconds = 120;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "stop after this long even if calls remain");
static unsigned long carveout_base, carveout_size;
module_param(carveout_base, ulong, 0444);
MODULE_PARM_DESC(carveout_base, "physical base of the hypervisor carve-out");
module_param(carveout_size, ulong, 0444);
MODULE_PARM_DESC(carveout_size, "size of the carve-out in bytes");
static unsigned long targets[8];
static int nr_targets;
module_param_array(targets, ulong, &nr_targets, 0444);
MODULE_PARM_DESC(targets, "physical addresses the host must not be able to use (a protected guest's)");

/* figures */
static unsigned long issued, succeeded, entered, created;
static atomic_long_t guest_pages_named;	/* arguments that were a page a protected guest holds */
static unsigned long guest_named;
module_param(guest_named, ulong, 0444);
module_param(issued, ulong, 0444);
module_param(succeeded, ulong, 0444);
module_param(entered, ulong, 0444);
module_param(created, ulong, 0444);
static int violations;
module_param(violations, int, 0444);
static char first_violation[256] = "none";
module_param_string(first_violation, first_violation, sizeof(first_violation), 0444);
static char per_fn[512];
module_param_string(per_fn, per_fn, sizeof(per_fn), 0444);
/* each thread's share, "cpu0:issued/succeeded cpu1:...": all CPUs fuzzed at once */
static char per_cpu[256];
module_param_string(per_cpu, per_cpu, sizeof(per_cpu), 0444);

#define FZ_VMS		3		/* VMs a thread holds at a time */
#define FZ_VCPUS	8		/* the hypervisor's limit per VM */
#define FZ_POOL_ORDER	4		/* 16 pages guests may be given */
#define FZ_RUN_ORDER	4		/* 8 run areas of 2 pages */
#define FZ_RUN_AREAS	((1 << FZ_RUN_ORDER) / 2)
#define FZ_BUF_ORDER	2		/* SET_MEMREGION buffer (2 pages), device (1), PFNs (1) */
#define FZ_MAX_THREADS	8

struct fz_vm {
	u16 id;				/* 0: no VM in this slot */
	s8 run_area[FZ_VCPUS];		/* index into the run areas, -1: none of ours */
	u8 vcpus;			/* bitmap of the vCPUs created */
};

struct fz_thread {
	struct task_struct *task;
	unsigned int cpu;
	bool sealed;			/* its sealed VM ran */
	u16 sealed_id;			/* that VM's id */
	struct rnd_state rnd;
	unsigned long budget;
	struct page *pool, *runs, *bufs;
	bool run_used[FZ_RUN_AREAS];
	struct fz_vm vms[FZ_VMS];
	unsigned long issued, succeeded, entered, created;
	unsigned long fn_issued[FN_NR + 1], fn_ok[FN_NR + 1];
};

static struct fz_thread *threads;
static unsigned int nr_threads;
static DECLARE_BITMAP(ours, HYP_MAX_VMS + 1);	/* VM ids some thread of ours holds */
static atomic_t running;
static DECLARE_COMPLETION(all_done);
static unsigned long deadline;
static DEFINE_SPINLOCK(violation_lock);

static __printf(1, 2) void violation(const char *fmt, ...)
{
	va_list ap;

	spin_lock(&violation_lock);
	if (!violations++) {
		va_start(ap, fmt);
		vsnprintf(first_violation, sizeof(first_violation), fmt, ap);
		va_end(ap);
		pr_err("gzvm_hvcfuzz: violation: %s\n", first_violation);
	}
	spin_unlock(&violation_lock);
}

/* ---- randomness --------------------------------------------------------- */

static u32 below(struct fz_thread *t, u32 n)
{
	return n ? prandom_u32_state(&t->rnd) % n : 0;
}

static u64 rnd64(struct fz_thread *t)
{
	return (u64)prandom_u32_state(&t->rnd) << 32 | prandom_u32_state(&t->rnd);
}

static bool one_in(struct fz_thread *t, u32 n)
{
	return below(t, n) == 0;
}

/* small numbers, edges, random words */
static u64 any_value(struct fz_thread *t)
{
	static const u64 edges[] = { 0, 1, 2, 0xff, 0xffff, 0x10000, 0xffffffff, 0x100000000ULL,
				     0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL };

	switch (below(t, 3)) {
	case 0:
		return below(t, 64);
	case 1:
		return edges[below(t, ARRAY_SIZE(edges))];
	default:
		return rnd64(t);
	}
}

/* ---- VM ids --------------------------------------------------------------- */

/* A VM id of this thread's (or another thread's if others), or one never valid. */
static u64 pick_vm(struct fz_thread *t, bool others)
{
	u16 mine[FZ_VMS];
	int n = 0;

	for (int i = 0; i < FZ_VMS; i++)
		if (t->vms[i].id)
			mine[n++] = t->vms[i].id;
	switch (below(t, 12)) {
	case 0:
		return 0;
	case 1:
		return HYP_MAX_VMS + 1 + below(t, 0xffff - HYP_MAX_VMS);
	case 2:
		return rnd64(t) | BIT_ULL(16 + below(t, 48));
	case 3:
		if (others) {
			unsigned long from = 1 + below(t, HYP_MAX_VMS);
			unsigned long id = find_next_bit(ours, HYP_MAX_VMS + 1, from);

			if (id <= HYP_MAX_VMS)
				return id;
		}
		fallthrough;
	default:
		return n ? mine[below(t, n)] : 0;
	}
}

/* A vCPU tuple (spec 6.1): VM as pick_vm() and below 0x10000, a vCPU id, junk above bit 31. */
static u64 pick_tuple(struct fz_thread *t, bool others)
{
	u64 vm = pick_vm(t, others) & 0xffff;
	u64 vcpu = one_in(t, 8) ? below(t, 0x10000) : below(t, FZ_VCPUS + 2);

	return (one_in(t, 16) ? rnd64(t) << 32 : 0) | vm << 16 | vcpu;
}

/* The slot of our VM `id` (0: a free slot), NULL if none. */
static struct fz_vm *find_slot(struct fz_thread *t, u64 id)
{
	for (int i = 0; i < FZ_VMS; i++)
		if (t->vms[i].id == id)
			return &t->vms[i];
	return NULL;
}

/* Would the hypervisor read x1 as a VM that is not this thread's? (hyp/core/vm_hvc.c, vcpu.c) */
static bool names_foreign_vm(struct fz_thread *t, unsigned int fn, u64 x1)
{
	u64 id;

	switch (fn) {
	case FN_CREATE_VM: case FN_PROBE: case FN_GET_STATISTICS:
		return false;
	case FN_CREATE_VCPU: case FN_DESTROY_VCPU: case FN_RUN: case FN_GET_ONE_REG:
	case FN_SET_ONE_REG: case FN_IRQ_LINE:
		id = (x1 >> 16) & 0xffff;
		break;
	default:
		id = x1;
		break;
	}
	/*
	 * Another thread's VM is foreign too: destroyed behind that thread's
	 * back, its id would stay marked in use, and the next CREATE_VM to
	 * return it would wait in claim_id() for a bookkeeping that never comes.
	 */
	return id >= 1 && id <= HYP_MAX_VMS && !find_slot(t, id);
}

/* ---- memory --------------------------------------------------------------- */

static phys_addr_t pool_pa(struct fz_thread *t)	{ return page_to_phys(t->pool); }
static phys_addr_t runs_pa(struct fz_thread *t)	{ return page_to_phys(t->runs); }
static phys_addr_t bufs_pa(struct fz_thread *t)	{ return page_to_phys(t->bufs); }
static void *buf(struct fz_thread *t, int page)	{ return page_address(t->bufs) + page * PAGE_SIZE; }

/* Does reading this page of ours fault (it belongs to a protected guest now)? */
static bool page_faults(phys_addr_t pa)
{
	u64 v;

	return copy_from_kernel_nofault(&v, phys_to_virt(pa), sizeof(v)) != 0;
}

/* An address the host may not hand to the hypervisor as its memory. */
static phys_addr_t forbidden_pa(struct fz_thread *t)
{
	switch (below(t, nr_targets ? 5 : 4)) {
	case 0:
		if (carveout_size)
			return carveout_base +
			       ((u64)below(t, carveout_size >> PAGE_SHIFT) << PAGE_SHIFT);
		fallthrough;
	case 1:	/* GIC distributor, UART, virtio-mmio, flash of QEMU virt */
		switch (below(t, 4)) {
		case 0: return 0x08000000;
		case 1: return 0x09000000;
		case 2: return 0x0a000000 + (below(t, 32) << 9 & PAGE_MASK);
		default: return below(t, 0x100) << PAGE_SHIFT;
		}
	case 2:	/* beyond a 48-bit address space, or at its very top */
		if (one_in(t, 2))
			return (rnd64(t) | BIT_ULL(48)) & PAGE_MASK;
		return BIT_ULL(48) - PAGE_SIZE;
	case 3:	/* a pool page a protected guest of ours holds, if any */
		for (int i = 0; i < 4; i++) {
			phys_addr_t pa = pool_pa(t) + (below(t, 1 << FZ_POOL_ORDER) << PAGE_SHIFT);

			if (page_faults(pa)) {
				atomic_long_inc(&guest_pages_named);
				return pa;
			}
		}
		return carveout_base;
	default:
		atomic_long_inc(&guest_pages_named);
		return targets[below(t, nr_targets)] & PAGE_MASK;
	}
}

/*
 * A physical address for a memory argument of `pages` pages: usually `own`,
 * sometimes another page of ours, sometimes forbidden (*bad set).
 */
static phys_addr_t pick_pa(struct fz_thread *t, phys_addr_t own, bool *bad)
{
	*bad = false;
	switch (below(t, 10)) {
	case 0:
		*bad = true;
		return forbidden_pa(t);
	case 1: {
		phys_addr_t pa = pool_pa(t) + (below(t, 1 << FZ_POOL_ORDER) << PAGE_SHIFT);

		*bad = page_faults(pa);	/* our sealed VM holds it */
		return pa;
	}
	case 2:
		/* unaligned: refused or not, never harmful */
		return own + 8 * (1 + below(t, 8));
	default:
		return own;
	}
}

/* A first PFN and page count for MAP_GUEST: within the pool, or forbidden at its first page. */
static u64 pick_pfns(struct fz_thread *t, u64 *nr, bool *bad)
{
	u64 pool_pages = 1 << FZ_POOL_ORDER, first;

	*bad = one_in(t, 6);
	if (*bad) {
		*nr = 1 + below(t, 4);
		return forbidden_pa(t) >> PAGE_SHIFT;
	}
	first = below(t, pool_pages);
	*nr = one_in(t, 2) ? 1 : 1 + below(t, pool_pages - first);
	for (u64 i = first; i < first + *nr; i++)
		*bad |= page_faults(pool_pa(t) + (i << PAGE_SHIFT));	/* our sealed VM holds it */
	return (pool_pa(t) >> PAGE_SHIFT) + first;
}

/* our sealed VM: slot 0 holds the first half of the pool, page i at GUEST_GPA + i pages */
#define SEALED_PAGES	(1 << (FZ_POOL_ORDER - 1))

/*
 * Does MAP_GUEST x[] name pages of our sealed VM at the very frames they
 * are mapped at already?  That is a second fault on mapped pages, which
 * the hypervisor answers OK without changing anything: not a use of them.
 */
static bool remaps_sealed(struct fz_thread *t, const u64 *x)
{
	u64 page = x[3] - (pool_pa(t) >> PAGE_SHIFT), frame = x[4] - (GUEST_GPA >> PAGE_SHIFT);

	return t->sealed && x[1] == t->sealed_id && x[2] == 0 && page == frame &&
	       page < SEALED_PAGES && x[5] <= SEALED_PAGES - page;
}

/* A guest frame in the window the fuzzer's memslots cover, or anywhere. */
static u64 pick_gfn(struct fz_thread *t)
{
	return one_in(t, 8) ? any_value(t) : (GUEST_GPA >> PAGE_SHIFT) + below(t, 64);
}

/* ---- one hypercall ------------------------------------------------------ */

struct call {
	unsigned int fn;		/* FN_* or FN_OTHER */
	u64 x[8];
	bool bad_memory;		/* a memory argument the host may not use */
	int run_area;			/* CREATE_VCPU: our run area index, -1 */
};

static void fill_regions(struct fz_thread *t)
{
	struct region_ranges *r = buf(t, 0);
	u32 n = one_in(t, 8) ? below(t, 600) : below(t, 5);

	if (one_in(t, 10)) {	/* random bytes */
		prandom_bytes_state(&t->rnd, r, 2 * PAGE_SIZE);
		return;
	}
	r->slot = one_in(t, 8) ? (u32)any_value(t) : below(t, 4);
	r->gpa = one_in(t, 8) ? any_value(t) : GUEST_GPA + (below(t, 8) << PAGE_SHIFT);
	r->total_pages = one_in(t, 8) ? any_value(t) : 1 + below(t, 64);
	r->constituent_cnt = n;
	n = min_t(u32, n, (2 * PAGE_SIZE - sizeof(*r)) / sizeof(r->constituents[0]));
	for (u32 i = 0; i < n; i++) {
		u64 pfn, nr;
		bool bad;

		pfn = pick_pfns(t, &nr, &bad);
		r->constituents[i].address = pfn << PAGE_SHIFT;
		r->constituents[i].pg_cnt = (u32)nr;
		r->constituents[i].reserved = one_in(t, 16) ? prandom_u32_state(&t->rnd) : 0;
	}
}

static void fill_device(struct fz_thread *t)
{
	u64 *d = buf(t, 2);
	bool bad;

	/*
	 * struct gzvm_create_device: dev_type, id, flags, dev_addr,
	 * dev_reg_size, attr_addr, attr_size
	 */
	d[0] = one_in(t, 4) ? any_value(t) : below(t, 3);
	d[1] = one_in(t, 4) ? any_value(t) : 0x08000000UL + (below(t, 4) << 16);
	d[2] = one_in(t, 4) ? any_value(t) : 0x20000UL * (1 + below(t, 4));
	d[3] = pick_pa(t, bufs_pa(t) + 3 * PAGE_SIZE, &bad);
	d[4] = one_in(t, 4) ? any_value(t) : below(t, 64);
	d[5] = any_value(t);
}

static void fill_pfn_buffer(struct fz_thread *t)
{
	u64 *pfns = buf(t, 3);
	u64 base = pool_pa(t) >> PAGE_SHIFT;
	u32 good = below(t, 1 << FZ_POOL_ORDER) + 1;

	/* a run of our pages, then what must be refused */
	for (u32 i = 0; i < PAGE_SIZE / sizeof(u64); i++) {
		if (i < good)
			pfns[i] = one_in(t, 8) ? base + below(t, 1 << FZ_POOL_ORDER) : base + i;
		else
			pfns[i] = forbidden_pa(t) >> PAGE_SHIFT;
	}
}

/* A free run area of ours (index), or -1. */
static int free_run_area(struct fz_thread *t)
{
	for (int i = 0; i < FZ_RUN_AREAS; i++)
		if (!t->run_used[i])
			return i;
	return -1;
}

static int used_run_area(struct fz_thread *t)
{
	int i = below(t, FZ_RUN_AREAS);

	for (int n = 0; n < FZ_RUN_AREAS; n++, i = (i + 1) % FZ_RUN_AREAS)
		if (t->run_used[i])
			return i;
	return -1;
}

static void make_create_vcpu(struct fz_thread *t, struct call *c)
{
	int i = free_run_area(t), u = used_run_area(t);

	c->x[1] = pick_tuple(t, false);
	c->run_area = -1;
	if (u >= 0 && one_in(t, 6)) {
		/* another vCPU's run area, or overlapping it by a page: must be refused */
		c->x[2] = runs_pa(t) + (2 * u + (one_in(t, 2) ? 0 : 1)) * PAGE_SIZE;
		if (c->x[2] >= runs_pa(t) + (2 << FZ_RUN_ORDER) * PAGE_SIZE / 2)
			c->x[2] -= 2 * PAGE_SIZE;
		c->bad_memory = true;
		return;
	}
	if (i < 0) {
		c->x[2] = pick_pa(t, runs_pa(t), &c->bad_memory);
		return;
	}
	c->x[2] = pick_pa(t, runs_pa(t) + 2 * i * PAGE_SIZE, &c->bad_memory);
	if (c->x[2] == runs_pa(t) + 2 * i * PAGE_SIZE)
		c->run_area = i;
}

static u64 pick_reg_id(struct fz_thread *t)
{
	/*
	 * KVM-style ids: core registers (0x6030 0000 0010 xxxx), system
	 * registers (0x6030 0000 0013 xxxx)
	 */
	switch (below(t, 4)) {
	case 0: return 0x6030000000100000ULL | (below(t, 0x110) & ~1U);
	case 1: return 0x6030000000130000ULL | (0xc000 | below(t, 0x4000));
	case 2: return 0x6020000000100000ULL | below(t, 0x200);
	default: return any_value(t);
	}
}

static u32 pick_other_fid(struct fz_thread *t)
{
	static const u32 fids[] = {
		0x80000000, 0x80000001, 0x80008000, 0x80007fff,	/* SMCCC */
		0x84000000, 0x8400000a, 0x84000004, 0xc4000004,	/* PSCI */
		0x86000000, 0x8600ff01, 0x86000001, 0xc6000009,	/* vendor hyp (guest calls) */
		FID(6), FID(7), FID(20), FID(0xff), FID(0xfff),	/* unassigned GenieZone numbers */
	};

	return fids[below(t, ARRAY_SIZE(fids))];
}

/* The function's id: SMC64 mostly, the SMC32 twin of old drivers, with the SVE hint bit. */
static u32 fid_of(struct fz_thread *t, unsigned int fn)
{
	u32 fid = one_in(t, 8) ? FID_SMC32(fn) : FID(fn);

	return one_in(t, 16) ? fid | BIT(16) : fid;
}

static void make_call(struct fz_thread *t, struct call *c)
{
	static const u8 weights[FN_NR] = {
		[FN_CREATE_VM] = 4, [FN_DESTROY_VM] = 3,
		[FN_CREATE_VCPU] = 6, [FN_DESTROY_VCPU] = 3,
		[FN_SET_MEMREGION] = 10, [FN_RUN] = 3, [FN_GET_ONE_REG] = 4, [FN_SET_ONE_REG] = 6,
		[FN_IRQ_LINE] = 5, [FN_CREATE_DEVICE] = 4, [FN_PROBE] = 1, [FN_ENABLE_CAP] = 6,
		[FN_INFORM_EXIT] = 2, [FN_MEMREGION_PURPOSE] = 3, [FN_SET_DTB_CONFIG] = 2,
		[FN_MAP_GUEST] = 14, [FN_MAP_GUEST_BLOCK] = 6, [FN_GET_STATISTICS] = 3,
	};
	unsigned int total = 4, pick, fn;	/* 4: other function ids */

	for (fn = 0; fn < FN_NR; fn++)
		total += weights[fn];
	pick = below(t, total);
	for (fn = 0; fn < FN_NR && pick >= weights[fn]; fn++)
		pick -= weights[fn];

	memset(c, 0, sizeof(*c));
	c->fn = fn;
	c->run_area = -1;
	for (int i = 1; i < 8; i++)
		c->x[i] = one_in(t, 4) ? any_value(t) : 0;
	c->x[0] = fn == FN_OTHER ? pick_other_fid(t) : fid_of(t, fn);
	switch (fn) {
	case FN_CREATE_VM:
		c->x[1] = one_in(t, 4) ? any_value(t) : 0;
		break;
	case FN_DESTROY_VM:
		c->x[1] = pick_vm(t, false);
		c->x[2] = one_in(t, 2) ? 0 : any_value(t);
		break;
	case FN_CREATE_VCPU:
		make_create_vcpu(t, c);
		break;
	case FN_DESTROY_VCPU:
		c->x[1] = pick_tuple(t, false);
		break;
	case FN_SET_MEMREGION:
		c->x[1] = pick_vm(t, false);
		c->x[2] = one_in(t, 8) ? any_value(t) & 0xffff : 2 * PAGE_SIZE;
		c->x[3] = pick_pa(t, bufs_pa(t), &c->bad_memory);
		fill_regions(t);
		break;
	case FN_RUN:
	case FN_GET_ONE_REG:
		c->x[1] = pick_tuple(t, true);
		c->x[2] = pick_reg_id(t);
		break;
	case FN_SET_ONE_REG:
		c->x[1] = pick_tuple(t, true);
		c->x[2] = pick_reg_id(t);
		c->x[3] = one_in(t, 2) ? GUEST_GPA + (below(t, 64) << PAGE_SHIFT) : any_value(t);
		break;
	case FN_IRQ_LINE:
		c->x[1] = pick_tuple(t, true);
		c->x[2] = one_in(t, 4) ? any_value(t) : below(t, 0x3000);
		c->x[3] = one_in(t, 4) ? any_value(t) : below(t, 2);
		break;
	case FN_CREATE_DEVICE:
		c->x[1] = pick_vm(t, false);
		c->x[2] = pick_pa(t, bufs_pa(t) + 2 * PAGE_SIZE, &c->bad_memory);
		fill_device(t);
		break;
	case FN_PROBE:
		c->x[1] = one_in(t, 2) ? 16 : any_value(t);
		break;
	case FN_ENABLE_CAP:
		c->x[1] = one_in(t, 6) ? 0 : pick_vm(t, false);
		switch (below(t, 4)) {
		case 0:
			c->x[2] = CAP_PROTECTED_VM;
			c->x[3] = one_in(t, 6) ? any_value(t) : below(t, 3);
			c->x[4] = one_in(t, 2) ? GUEST_GPA : any_value(t);
			c->x[5] = one_in(t, 2) ? 0 : any_value(t) & 0xffff;
			break;
		case 1:
			c->x[2] = CAP_BLOCK_PAGING;
			c->x[3] = one_in(t, 6) ? any_value(t) : BLOCK_SIZE_2M;
			c->x[4] = pick_pa(t, bufs_pa(t) + 3 * PAGE_SIZE, &c->bad_memory);
			break;
		case 2:
			c->x[2] = 0x9200 + below(t, 8);
			break;
		default:
			c->x[2] = one_in(t, 2) ? 0xa5 : any_value(t);
			break;
		}
		break;
	case FN_INFORM_EXIT:
		c->x[1] = pick_vm(t, false);
		break;
	case FN_MEMREGION_PURPOSE:
	case FN_SET_DTB_CONFIG:
		c->x[1] = pick_vm(t, false);
		c->x[2] = one_in(t, 2) ? GUEST_GPA + (below(t, 64) << PAGE_SHIFT) : any_value(t);
		c->x[3] = one_in(t, 2) ? PAGE_SIZE * below(t, 64) : any_value(t);
		c->x[4] = below(t, 8);
		break;
	case FN_MAP_GUEST:
		c->x[1] = pick_vm(t, false);
		c->x[2] = one_in(t, 8) ? any_value(t) : below(t, 4);
		c->x[3] = pick_pfns(t, &c->x[5], &c->bad_memory);
		c->x[4] = pick_gfn(t);
		c->bad_memory &= !remaps_sealed(t, c->x);
		break;
	case FN_MAP_GUEST_BLOCK:
		c->x[1] = pick_vm(t, false);
		c->x[2] = one_in(t, 8) ? any_value(t) : below(t, 4);
		c->x[3] = pick_gfn(t);
		c->x[4] = one_in(t, 4) ? any_value(t) : below(t, 1 << FZ_POOL_ORDER) + 1;
		fill_pfn_buffer(t);
		/* the PFNs past the pool's run are forbidden: those must be refused */
		break;
	case FN_GET_STATISTICS:
		c->x[1] = one_in(t, 2) ? any_value(t) & 0xffff : pick_vm(t, true);
		break;
	}
	/* whatever the templates produced, never name a VM that is not ours */
	if (fn != FN_OTHER && names_foreign_vm(t, fn, c->x[1]))
		c->x[1] = fn == FN_CREATE_VCPU || fn == FN_DESTROY_VCPU || fn == FN_RUN ||
			  fn == FN_GET_ONE_REG || fn == FN_SET_ONE_REG || fn == FN_IRQ_LINE ?
			  c->x[1] & 0xffff : 0;
}

/* ---- bookkeeping of what a successful call changed ------------------------ */

static struct fz_vm *vm_slot(struct fz_thread *t, u64 id)
{
	return id ? find_slot(t, id) : NULL;
}

/* Its vCPUs are gone, or may be: their run areas are no longer known to be in use. */
static void forget_vcpus(struct fz_thread *t, struct fz_vm *v)
{
	for (int i = 0; i < FZ_VCPUS; i++)
		if (v->run_area[i] >= 0)
			t->run_used[v->run_area[i]] = false;
	v->vcpus = 0;
	memset(v->run_area, -1, sizeof(v->run_area));
}

static void forget_vm(struct fz_thread *t, struct fz_vm *v)
{
	forget_vcpus(t, v);
	clear_bit(v->id, ours);
	if (v->id == t->sealed_id)
		t->sealed_id = 0;	/* its id may name another VM of ours next */
	v->id = 0;
}

/*
 * Mark a new VM id ours.  The thread that destroyed its last holder clears
 * the bit only after its DESTROY_VM returned, so wait a little for that
 * before calling the id still in use.
 */
static bool claim_id(unsigned long id)
{
	if (id < 1 || id > HYP_MAX_VMS)
		return false;
	for (int ms = 0; ms < 200; ms++) {
		if (!test_and_set_bit(id, ours))
			return true;
		usleep_range(1000, 2000);
	}
	return false;
}

static long hvc(const u64 x[8], struct arm_smccc_res *res)
{
	arm_smccc_1_1_hvc(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], res);
	return (int)res->a0;
}

static void destroy_vm(struct fz_thread *t, struct fz_vm *v);

static void after_call(struct fz_thread *t, const struct call *c, const struct arm_smccc_res *res)
{
	struct fz_vm *v;
	u64 vcpu = c->x[1] & 0xffff;

	switch (c->fn) {
	case FN_CREATE_VM:
		if (!claim_id(res->a1)) {
			violation("CREATE_VM returned VM id %lu, out of range or in use",
				  res->a1);
			return;
		}
		t->created++;
		v = find_slot(t, 0);
		if (!v) {
			struct fz_vm tmp = { .id = (u16)res->a1 };

			memset(tmp.run_area, -1, sizeof(tmp.run_area));
			destroy_vm(t, &tmp);	/* no room: give it back at once */
			return;
		}
		v->id = (u16)res->a1;
		break;
	case FN_DESTROY_VM:
		v = vm_slot(t, c->x[1]);
		if (v)
			forget_vm(t, v);
		break;
	case FN_CREATE_VCPU:
		v = vm_slot(t, (c->x[1] >> 16) & 0xffff);
		if (v && vcpu < FZ_VCPUS) {
			v->vcpus |= 1U << vcpu;
			v->run_area[vcpu] = (s8)c->run_area;
			if (c->run_area >= 0)
				t->run_used[c->run_area] = true;
		}
		break;
	case FN_DESTROY_VCPU:
		v = vm_slot(t, (c->x[1] >> 16) & 0xffff);
		if (v && vcpu < FZ_VCPUS && v->run_area[vcpu] >= 0) {
			t->run_used[v->run_area[vcpu]] = false;
			v->run_area[vcpu] = -1;
		}
		break;
	case FN_RUN:
		t->entered++;
		break;
	}
}

static void one_call(struct fz_thread *t)
{
	struct arm_smccc_res res;
	struct call c;
	long st;

	make_call(t, &c);
	st = hvc(c.x, &res);
	t->issued++;
	t->fn_issued[c.fn]++;
	/* a DESTROY_VM that is not done yet may have freed the vCPUs already */
	if (st == ERR_BUSY && c.fn == FN_DESTROY_VM && vm_slot(t, c.x[1]))
		forget_vcpus(t, vm_slot(t, c.x[1]));
	if (st)
		return;
	t->succeeded++;
	t->fn_ok[c.fn]++;
	if (c.fn == FN_OTHER)
		return;
	if (c.bad_memory)
		violation("function %u took memory it may not use: x1-x5 %llx %llx %llx %llx %llx",
			  c.fn, c.x[1], c.x[2], c.x[3], c.x[4], c.x[5]);
	after_call(t, &c, &res);
}

/* ---- clean-up --------------------------------------------------------------- */

static void destroy_vm(struct fz_thread *t, struct fz_vm *v)
{
	u64 x[8] = { FID(FN_DESTROY_VCPU) };
	struct arm_smccc_res res;
	long st = ERR_BUSY;

	for (u64 i = 0; i < FZ_VCPUS; i++) {
		x[1] = (u64)v->id << 16 | i;
		hvc(x, &res);
	}
	x[0] = FID(FN_DESTROY_VM);
	x[1] = v->id;
	x[2] = one_in(t, 2) ? 0 : 64;
	for (int n = 0; n < 1000000 && st == ERR_BUSY; n++) {
		st = hvc(x, &res);
		if (!(n % 256))
			cond_resched();
	}
	if (st)
		violation("DESTROY_VM of our VM %u failed: %ld", v->id, st);
	forget_vm(t, v);
}

/* Every page the guests could be given is the host's again. */
static bool pages_back(struct page *p, unsigned int order, const char *what)
{
	for (unsigned int i = 0; i < 1U << order; i++) {
		if (page_faults(page_to_phys(p + i))) {
			violation("%s page %u (PA 0x%llx) did not come back to the host", what, i,
				  (u64)page_to_phys(p + i));
			return false;
		}
	}
	return true;
}

static void free_thread(struct fz_thread *t)
{
	/* a page still held by a guest would be reused by the kernel: leak it instead */
	if (t->pool && pages_back(t->pool, FZ_POOL_ORDER, "pool"))
		__free_pages(t->pool, FZ_POOL_ORDER);
	if (t->runs && pages_back(t->runs, FZ_RUN_ORDER, "run area"))
		__free_pages(t->runs, FZ_RUN_ORDER);
	if (t->bufs)
		__free_pages(t->bufs, FZ_BUF_ORDER);
}

/* ---- a sealed VM of our own ---------------------------------------------------- */

static long hvc_args(u32 fid, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	u64 x[8] = { fid, a1, a2, a3, a4, a5 };
	struct arm_smccc_res res;

	return hvc(x, &res);
}

/*
 * Build a protected VM on the first half of our pool (the payload at its
 * start, the secret guest's pages after it) with one vCPU, and run it:
 * the first RUN seals it.  NULL, or why not.
 */
static const char *sealed_vm(struct fz_thread *t)
{
	struct region_ranges *r = buf(t, 0);
	int area = free_run_area(t);
	struct arm_smccc_res res;
	u64 x[8] = { FID(FN_CREATE_VM) }, tuple;
	struct fz_vm *v = find_slot(t, 0);

	if (!v || area < 0 || hvc(x, &res) || !claim_id(res.a1))
		return "CREATE_VM";
	t->created++;
	v->id = (u16)res.a1;
	tuple = (u64)v->id << 16;
	/* register slot 0, then populate it with our pages */
	memset(r, 0, sizeof(*r) + sizeof(r->constituents[0]));
	*r = (struct region_ranges){ .total_pages = SEALED_PAGES, .gpa = GUEST_GPA };
	if (hvc_args(FID(FN_SET_MEMREGION), v->id, 2 * PAGE_SIZE, bufs_pa(t), 0, 0))
		return "SET_MEMREGION (register)";
	r->constituent_cnt = 1;
	r->constituents[0] = (struct region_range){ .address = pool_pa(t), .pg_cnt = SEALED_PAGES };
	if (hvc_args(FID(FN_SET_MEMREGION), v->id, 2 * PAGE_SIZE, bufs_pa(t), 0, 0))
		return "SET_MEMREGION (populate)";
	memcpy(page_address(t->pool), payload, payload_len);
	if (hvc_args(FID(FN_ENABLE_CAP), v->id, CAP_PROTECTED_VM, PVM_SET_PROTECTED_VM, GUEST_GPA,
		     payload_len))
		return "ENABLE_CAP(PROTECTED_VM)";
	if (hvc_args(FID(FN_CREATE_VCPU), tuple, runs_pa(t) + 2 * area * PAGE_SIZE, 0, 0, 0))
		return "CREATE_VCPU";
	v->vcpus = 1;
	v->run_area[0] = (s8)area;
	t->run_used[area] = true;
	/* the secret guest: x0 its pages, x1 the secret, x2 how many pages */
	if (hvc_args(FID(FN_SET_ONE_REG), tuple, REG_PC, GUEST_GPA, 0, 0) ||
	    hvc_args(FID(FN_SET_ONE_REG), tuple, REG_X(0), GUEST_GPA + 4 * PAGE_SIZE, 0, 0) ||
	    hvc_args(FID(FN_SET_ONE_REG), tuple, REG_X(1), 0x5ec2e7, 0, 0) ||
	    hvc_args(FID(FN_SET_ONE_REG), tuple, REG_X(2), 4, 0, 0))
		return "SET_ONE_REG";
	if (hvc_args(FID(FN_RUN), tuple, 0, 0, 0, 0))
		return "RUN (the seal)";
	t->entered++;
	for (int i = 0; i < SEALED_PAGES; i++) {
		if (!page_faults(pool_pa(t) + i * PAGE_SIZE))
			violation("sealed VM %u: its page %d is still readable by the host",
				  v->id, i);
	}
	t->sealed = true;
	t->sealed_id = v->id;
	return NULL;
}

static int fuzz_thread(void *arg)
{
	struct fz_thread *t = arg;
	const char *why = payload_len ? sealed_vm(t) : NULL;

	if (why)
		violation("CPU %u: the sealed VM could not be built: %s failed", t->cpu, why);

	for (unsigned long i = 0; i < t->budget && time_before(jiffies, deadline); i++) {
		one_call(t);
		if (!(i % 64))
			cond_resched();
	}
	for (int i = 0; i < FZ_VMS; i++)
		if (t->vms[i].id)
			destroy_vm(t, &t->vms[i]);
	if (atomic_dec_and_test(&running))
		complete(&all_done);
	return 0;
}

static int setup_thread(struct fz_thread *t, unsigned int idx)
{
	prandom_seed_state(&t->rnd, seed * 1000003ULL + idx);
	t->budget = calls / nr_threads + (idx < calls % nr_threads);
	for (int i = 0; i < FZ_VMS; i++)
		memset(t->vms[i].run_area, -1, sizeof(t->vms[i].run_area));
	t->pool = alloc_pages(GFP_KERNEL, FZ_POOL_ORDER);
	t->runs = alloc_pages(GFP_KERNEL | __GFP_ZERO, FZ_RUN_ORDER);
	t->bufs = alloc_pages(GFP_KERNEL | __GFP_ZERO, FZ_BUF_ORDER);
	if (!t->pool || !t->runs || !t->bufs)
		return -ENOMEM;
	/* what a guest of ours executes: random words, written before any guest has the pages */
	prandom_bytes_state(&t->rnd, page_address(t->pool), PAGE_SIZE << FZ_POOL_ORDER);
	return 0;
}

static void report(void)
{
	int n = 0;

	for (unsigned int i = 0; i < nr_threads; i++) {
		issued += threads[i].issued;
		succeeded += threads[i].succeeded;
		entered += threads[i].entered;
		created += threads[i].created;
		sealed += threads[i].sealed;
	}
	guest_named = atomic_long_read(&guest_pages_named);
	for (unsigned int i = 0; i < nr_threads && n < (int)sizeof(per_cpu) - 32; i++)
		n += scnprintf(per_cpu + n, sizeof(per_cpu) - n, "%scpu%u:%lu/%lu", n ? " " : "",
			       threads[i].cpu, threads[i].issued, threads[i].succeeded);
	n = 0;
	for (unsigned int fn = 0; fn <= FN_NR && n < (int)sizeof(per_fn) - 24; fn++) {
		unsigned long is = 0, ok = 0;

		for (unsigned int i = 0; i < nr_threads; i++) {
			is += threads[i].fn_issued[fn];
			ok += threads[i].fn_ok[fn];
		}
		if (is)
			n += scnprintf(per_fn + n, sizeof(per_fn) - n, "%s%u:%lu/%lu", n ? " " : "",
				       fn, ok, is);
	}
}

static int __init gzvm_hvcfuzz_init(void)
{
	struct arm_smccc_res res;
	unsigned int cpu, i = 0;
	int ret = 0;

	if (is_kernel_in_hyp_mode())
		return -ENODEV;	/* no hypervisor below: an HVC would call ourselves */
	payload_len = strlen(payload_hex) / 2;
	if (hex2bin(payload, payload_hex, payload_len))
		return -EINVAL;
	nr_threads = min_t(unsigned int, num_online_cpus(), FZ_MAX_THREADS);
	threads = kcalloc(nr_threads, sizeof(*threads), GFP_KERNEL);
	if (!threads)
		return -ENOMEM;
	for (i = 0; i < nr_threads && !ret; i++)
		ret = setup_thread(&threads[i], i);
	if (ret)
		goto out;
	deadline = jiffies + seconds * HZ;
	atomic_set(&running, nr_threads);
	i = 0;
	for_each_online_cpu(cpu) {
		struct fz_thread *t = &threads[i];

		if (i == nr_threads)
			break;
		t->task = kthread_create(fuzz_thread, t, "gzvm_hvcfuzz/%u", cpu);
		if (IS_ERR(t->task)) {
			ret = PTR_ERR(t->task);
			/* the threads not started will not count down */
			for (; i < nr_threads; i++)
				if (atomic_dec_and_test(&running))
					complete(&all_done);
			break;
		}
		t->cpu = cpu;
		kthread_bind(t->task, cpu);
		wake_up_process(t->task);
		i++;
	}
	wait_for_completion(&all_done);
	report();
	arm_smccc_1_1_hvc(FID(FN_PROBE), 16, 0, 0, &res);
	if ((int)res.a0)
		violation("PROBE after the fuzz returned %d", (int)res.a0);
	pr_info("gzvm_hvcfuzz: seed %lu: %lu hypercalls on %u CPUs, %lu succeeded, %lu RUNs entered, %lu VMs created, %lu sealed, %lu arguments a protected guest's page, %d violations (%s)\n",
		seed, issued, nr_threads, succeeded, entered, created, sealed, guest_named,
		violations, first_violation);
	pr_info("gzvm_hvcfuzz: per function (ok/issued): %s\n", per_fn);
	pr_info("gzvm_hvcfuzz: per CPU (issued/succeeded): %s\n", per_cpu);
out:
	for (i = 0; i < nr_threads; i++)
		free_thread(&threads[i]);
	kfree(threads);
	threads = NULL;
	return ret;
}

static void __exit gzvm_hvcfuzz_exit(void)
{
}

module_init(gzvm_hvcfuzz_init);
module_exit(gzvm_hvcfuzz_exit);

MODULE_DESCRIPTION("gzvm system test: random host hypercalls while guests run");
MODULE_LICENSE("GPL");
