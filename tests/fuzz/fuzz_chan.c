// SPDX-License-Identifier: GPL-2.0-only
/*
 * Message channels (hyp/core/channel.c) under a hostile mix of callers:
 * three VMs (A, B and C, which is given no channel; A sealed protected if
 * the input says so) and the host send, receive, look and leave on three
 * channels (A-host, A-B, B-host) of fuzzed depth and message size, and on
 * random ids, with fuzzed lengths and buffers (across page boundaries,
 * beyond guest memory, in the carve-out), and destroy VMs with messages
 * in flight.
 *
 * The oracle is a model of the channel contract (include/uapi/linux/gzvm.h,
 * docs/channels.md), written apart from channel.c: one FIFO per direction
 * of (sequence number, length); every call's status and results are what
 * the model says; every received message is exactly the oldest one sent
 * that way, byte for byte (so none lost, duplicated, reordered or
 * corrupted); a doorbell (a VM's SPI pending, the host told by the exit or
 * the return value) rings exactly when the contract says, never on a
 * channel's bystanders; after each input, with everything destroyed, no
 * channel is left and the pool is back to its baseline.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <asm/sysreg.h>
#include <gzvm/hvc.h>
#include <hyp/channel.h>
#include <hyp/hypercall.h>
#include <hyp/page_alloc.h>
#include <hyp/vcpu.h>
#include <hyp/vm.h>
#include <uapi/linux/gzvm.h>

#include "arch_fake.h"
#include "core_board.h"
#include "fuzz_input.h"

#define GUEST_RAM	0x80000000ULL
#define GUEST_PAGES	4ULL
#define NR_VMS		3		/* A, B, C */
#define NR_CHANS	3
#define HOST		NR_VMS		/* the host, as an actor and as an end */
#define MAX_DEPTH	8		/* fuzzed depths stay small: queues fill */
#define MAX_OPS		256
#define BUF_REGION	(0 * FUZZ_PG)
#define HOST_BUF	(8 * FUZZ_PG)	/* two pages */
#define RUN_AREA(k)	((16 + 2 * (u64)(k)) * FUZZ_PG)
#define GUEST_MEM(k)	((1ULL << 20) + (u64)(k) * GUEST_PAGES * FUZZ_PG)

struct mqueue {			/* the model of the messages towards one end */
	u32 seq[MAX_DEPTH];
	u16 len[MAX_DEPTH];
	unsigned int head, count;
	bool waiting;		/* its sender was told it is full */
};

struct mchan {
	bool exists;
	u64 id;
	unsigned int who[2];	/* VM index or HOST */
	bool gone[2];
	bool closed;
	u32 depth, size;
	struct mqueue q[2];	/* q[e]: towards end e */
};

static u8 *ram;
static u64 ram_base;
static u16 vm_ids[NR_VMS];
static bool vm_alive[NR_VMS];
static struct mchan chans[NR_CHANS];
static u32 next_seq;

/* chans[m]'s end e rings SPI spi_of(m, e): each end its own, so bystanders show. */
static u32 spi_of(unsigned int m, unsigned int e) { return 2 * m + e; }

static struct smccc_regs hcall(u32 fid, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 a6)
{
	struct smccc_regs r = { .a = { fid, a1, a2, a3, a4, a5, a6 } };

	host_hvc_call(&r);
	return r;
}

static u16 make_vm(unsigned int k, bool protected_vm)
{
	struct gzvm_memory_region_ranges *b = (void *)(ram + BUF_REGION);
	struct smccc_regs r = hcall(GZVM_FID_CREATE_VM, 0, 0, 0, 0, 0, 0);
	u16 vm = (u16)r.a[1];

	CHECK((s64)r.a[0] == GZVM_OK);
	if (protected_vm)
		CHECK((s64)hcall(GZVM_FID_ENABLE_CAP, vm, GZVM_CAP_PROTECTED_VM,
				 GZVM_CAP_PVM_SET_PROTECTED_VM, 0, 0, 0).a[0] == GZVM_OK);
	*b = (struct gzvm_memory_region_ranges){ .slot = 0, .total_pages = GUEST_PAGES, .gpa = GUEST_RAM };
	CHECK((s64)hcall(GZVM_FID_SET_MEMREGION, vm, 2 * FUZZ_PG, ram_base + BUF_REGION, 0, 0, 0).a[0] ==
	      GZVM_OK);
	CHECK((s64)hcall(GZVM_FID_MAP_GUEST, vm, 0, (ram_base + GUEST_MEM(k)) / FUZZ_PG,
			 GUEST_RAM / FUZZ_PG, GUEST_PAGES, 0).a[0] == GZVM_OK);
	CHECK((s64)hcall(GZVM_FID_CREATE_VCPU, GZVM_VCPU_TUPLE(vm, 0), ram_base + RUN_AREA(k),
			 0, 0, 0, 0).a[0] == GZVM_OK);
	return vm;
}

static struct vm *vm_of(unsigned int k)
{
	return vm_get(vm_ids[k]);
}

/* SPI spi of VM k pending?  Cleared, so the next check sees only new rings. */
static bool take_spi(unsigned int k, u32 spi)
{
	struct vm *vm = vm_of(k);
	bool rung;

	CHECK(vm);
	rung = vm->vgic.spi[spi].latch;
	vm->vgic.spi[spi].latch = 0;
	vm_put(vm);
	return rung;
}

/* ---- messages ------------------------------------------------------------- */

static u8 msg_byte(u32 seq, u64 i) { return (u8)(seq * 131 + i * 7 + (i >> 8)); }

static void write_msg(u8 *p, u64 len, u32 seq)
{
	for (u64 i = 0; i < len; i++)
		p[i] = msg_byte(seq, i);
}

static bool msg_ok(const u8 *p, u64 len, u32 seq)
{
	for (u64 i = 0; i < len; i++) {
		if (p[i] != msg_byte(seq, i))
			return false;
	}
	return true;
}

/* ---- the model ------------------------------------------------------------- */

static int end_of(const struct mchan *c, unsigned int who)
{
	for (int e = 0; e < 2; e++) {
		if (c->exists && c->who[e] == who && !c->gone[e])
			return e;
	}
	return -1;
}

/* What each call must return and ring, in the contract's terms. */
enum result { R_OK, R_INVALID, R_FULL, R_EMPTY, R_CLOSED, R_TOO_SMALL };

static s64 guest_code(enum result r)
{
	static const s64 c[] = { 0, -3, GZVM_CHAN_RET_FULL, GZVM_CHAN_RET_EMPTY,
				 GZVM_CHAN_RET_CLOSED, GZVM_CHAN_RET_TOO_SMALL };
	return c[r];
}

static s64 host_code(enum result r)
{
	static const s64 c[] = { GZVM_OK, GZVM_ERR_INVALID_ARGS, GZVM_ERR_BUSY, GZVM_ERR_NO_MSG,
				 GZVM_ERR_CHANNEL_CLOSED, GZVM_ERR_NOT_ENOUGH_BUFFER };
	return c[r];
}

/* Expected doorbells of this call: which (channel, end) pairs ring. */
struct rings {
	bool at[NR_CHANS][2];
};

static void model_ring(struct rings *rg, unsigned int m, unsigned int e)
{
	rg->at[m][e] = true;
}

/* The guest memory [off, off + len) of an actor: all inside its mapped pages? */
static bool guest_buf_ok(u64 off, u64 len)
{
	return !len || (off <= GUEST_PAGES * FUZZ_PG && len <= GUEST_PAGES * FUZZ_PG - off);
}

static enum result model_send(struct mchan *c, unsigned int m, int e, u64 len, bool buf_ok,
			      u32 *seq, struct rings *rg)
{
	struct mqueue *q;

	if (e < 0)
		return R_INVALID;
	if (c->closed)
		return R_CLOSED;
	if (len > c->size || !buf_ok)
		return R_INVALID;
	q = &c->q[!e];
	if (q->count == c->depth) {
		q->waiting = true;
		return R_FULL;
	}
	q->seq[(q->head + q->count) % c->depth] = *seq = next_seq++;
	q->len[(q->head + q->count) % c->depth] = (u16)len;
	if (q->count++ == 0)
		model_ring(rg, m, !e);
	return R_OK;
}

/* bufsize: the receiver's buffer; buf_ok(len) says whether len bytes of it are reachable. */
static enum result model_recv(struct mchan *c, unsigned int m, int e, u64 bufsize,
			      bool (*buf_ok)(u64 len, void *ctx), void *ctx,
			      u32 *seq, u64 *len, struct rings *rg)
{
	struct mqueue *q;

	if (e < 0)
		return R_INVALID;
	q = &c->q[e];
	if (!q->count)
		return c->closed ? R_CLOSED : R_EMPTY;
	*len = q->len[q->head];
	*seq = q->seq[q->head];
	if (*len > bufsize)
		return R_TOO_SMALL;
	if (!buf_ok(*len, ctx))
		return R_INVALID;
	q->head = (q->head + 1) % c->depth;
	q->count--;
	if (q->waiting && !c->closed) {
		q->waiting = false;
		model_ring(rg, m, !e);
	}
	return R_OK;
}

static enum result model_info(struct mchan *c, int e, u64 *x)
{
	struct mqueue *tx;

	if (e < 0)
		return R_INVALID;
	tx = &c->q[!e];
	x[1] = c->q[e].count;
	x[2] = c->closed ? 0 : c->depth - tx->count;
	x[3] = c->size | (u64)c->depth << 32;
	if (!c->closed && tx->count == c->depth)
		tx->waiting = true;
	return c->closed ? R_CLOSED : R_OK;
}

/* End e of c leaves: the other end is rung, or the channel goes when both have left. */
static void model_leave(struct mchan *c, unsigned int m, unsigned int e, struct rings *rg)
{
	c->gone[e] = true;
	c->q[e] = (struct mqueue){ 0 };
	c->closed = true;
	if (c->gone[!e])
		c->exists = false;
	else
		model_ring(rg, m, !e);
}

/* ---- checking doorbells ----------------------------------------------------- */

/*
 * After a call: every live VM end's SPI is pending iff the model rang it.
 * A guest's call that rang anything (a VM end, whose vCPUs the driver must
 * wake, or the host's end) ends in GZVM_EXIT_CHAN_DOORBELL naming the
 * channel, and only then (exit_chan ~0: it did not).
 */
static bool check_rings(const struct rings *rg)
{
	bool any = false;

	for (unsigned int m = 0; m < NR_CHANS; m++) {
		for (unsigned int e = 0; e < 2; e++) {
			unsigned int who = chans[m].who[e];

			any |= rg->at[m][e];
			if (who != HOST && vm_alive[who])
				CHECK(take_spi(who, spi_of(m, e)) == rg->at[m][e]);
		}
	}
	return any;
}

static void check_guest_rings(const struct rings *rg, unsigned int m, u64 exit_chan)
{
	bool any = check_rings(rg);

	CHECK(any == (exit_chan != ~0ULL));
	CHECK(!any || exit_chan == chans[m].id);
}

/* ---- one operation ---------------------------------------------------------- */

struct op {
	unsigned int actor, kind, m;
	u64 len, off, bufsize, id;
};

static bool guest_recv_buf_ok(u64 len, void *ctx)
{
	return guest_buf_ok(*(u64 *)ctx, len);
}

/* Once pinned, host memory is all reachable. */
static bool host_recv_buf_ok(u64 len, void *ctx)
{
	(void)len;
	(void)ctx;
	return true;
}

/* A guest's call on VM k's vCPU: x0..x3 afterwards, and the doorbell exit's channel (or ~0). */
static void guest_call(unsigned int k, u64 fid, u64 x1, u64 x2, u64 x3, u64 *x, u64 *exit_chan)
{
	u64 in[4] = { fid, x1, x2, x3 };
	struct smccc_regs r;
	struct vm *vm;

	fuzz_arch_queue_exit(GEXIT_SYNC - 1, (u64)EC_HVC64 << 26 | ESR_IL, 0, in);
	r = hcall(GZVM_FID_RUN, GZVM_VCPU_TUPLE(vm_ids[k], 0), 0, 0, 0, 0, 0);
	CHECK((s64)r.a[0] == GZVM_OK);
	*exit_chan = ~0ULL;
	if (r.a[1] == GZVM_EXIT_CHAN_DOORBELL) {
		*exit_chan = r.a[2];
		r = hcall(GZVM_FID_RUN, GZVM_VCPU_TUPLE(vm_ids[k], 0), 0, 0, 0, 0, 0);
	}
	CHECK((s64)r.a[0] == GZVM_OK && r.a[1] == GZVM_EXIT_IRQ);
	fuzz_arch_reset();
	vm = vm_of(k);
	CHECK(vm);
	memcpy(x, vm->vcpus[0]->ctx.x, 4 * sizeof(u64));
	vm_put(vm);
}

static void guest_op(const struct op *o, struct mchan *c, u64 id)
{
	static const u64 fids[] = { GZVM_HVC_CHAN_SEND, GZVM_HVC_CHAN_RECV, GZVM_HVC_CHAN_INFO };
	u8 *mem = ram + GUEST_MEM(o->actor);
	int e = c ? end_of(c, o->actor) : -1;
	struct rings rg = { 0 };
	u64 x[4], exit_chan, want[4] = { 0 }, len = 0;
	enum result r;
	u32 seq = 0;

	switch (o->kind) {
	case 0:
		if (guest_buf_ok(o->off, o->len) && o->len)
			write_msg(mem + o->off, o->len, next_seq);
		r = e < 0 ? R_INVALID : model_send(c, o->m, e, o->len, guest_buf_ok(o->off, o->len),
						   &seq, &rg);
		guest_call(o->actor, fids[0], id, GUEST_RAM + o->off, o->len, x, &exit_chan);
		break;
	case 1:
		r = e < 0 ? R_INVALID : model_recv(c, o->m, e, o->bufsize, guest_recv_buf_ok,
						   (void *)&o->off, &seq, &len, &rg);
		guest_call(o->actor, fids[1], id, GUEST_RAM + o->off, o->bufsize, x, &exit_chan);
		if (r == R_OK || r == R_TOO_SMALL)
			CHECK(x[1] == len);
		if (r == R_OK)
			CHECK(msg_ok(mem + o->off, len, seq));
		break;
	default:
		r = e < 0 ? R_INVALID : model_info(c, e, want);
		guest_call(o->actor, fids[2], id, 0, 0, x, &exit_chan);
		if (r == R_OK || r == R_CLOSED)
			CHECK(x[1] == want[1] && x[2] == want[2] && x[3] == want[3]);
		break;
	}
	CHECK((s64)x[0] == guest_code(r));
	check_guest_rings(&rg, o->m, exit_chan);
}

static void host_op(const struct op *o, struct mchan *c, u64 id)
{
	/* a host buffer in its RAM, or (rarely) in the carve-out: refused */
	bool bad_pa = (o->off & 0xff) == 0xff;
	u64 pa = bad_pa ? ram_base + FUZZ_RAM_SIZE - FUZZ_PG : ram_base + HOST_BUF + o->off % FUZZ_PG;
	u8 *buf = ram + HOST_BUF + o->off % FUZZ_PG;
	int e = c ? end_of(c, HOST) : -1;
	struct rings rg = { 0 };
	struct smccc_regs regs;
	u64 len = 0, want[4] = { 0 };
	enum result r;
	bool told = false, buf_ok = !bad_pa;
	u32 seq = 0;

	switch (o->kind) {
	case 0:
		write_msg(buf, o->len > GZVM_CHANNEL_MAX_MSG_SIZE ? 0 : o->len, next_seq);
		r = o->len > GZVM_CHANNEL_MAX_MSG_SIZE || (!buf_ok && o->len) ? R_INVALID :
		    e < 0 ? R_INVALID : model_send(c, o->m, e, o->len, true, &seq, &rg);
		regs = hcall(GZVM_FID_CHAN_SEND, id, pa, o->len, 0, 0, 0);
		told = r == R_OK && regs.a[1];
		break;
	case 1: {
		u64 size = o->bufsize;
		bool pinned = !bad_pa || !MIN(size, (u64)GZVM_CHANNEL_MAX_MSG_SIZE);

		r = !pinned || e < 0 ? R_INVALID :
		    model_recv(c, o->m, e, size, host_recv_buf_ok, NULL, &seq, &len, &rg);
		regs = hcall(GZVM_FID_CHAN_RECV, id, pa, size, 0, 0, 0);
		if (r == R_OK || r == R_TOO_SMALL)
			CHECK(regs.a[1] == len);
		if (r == R_OK) {
			CHECK(msg_ok(buf, len, seq));
			told = regs.a[2];
		}
		break;
	}
	default:
		r = e < 0 ? R_INVALID : model_info(c, e, want);
		regs = hcall(GZVM_FID_CHAN_INFO, id, 0, 0, 0, 0, 0);
		if (r == R_OK || r == R_CLOSED)
			CHECK(regs.a[1] == want[1] && regs.a[2] == want[2] && regs.a[3] == want[3]);
		break;
	}
	CHECK((s64)regs.a[0] == host_code(r));
	/* "rang" tells the driver to wake the VM end, whose SPI check_rings() checks */
	CHECK(told == check_rings(&rg));
}

/* The host leaves channel m, or VM k is destroyed: the model's leave for each end. */
static void leave_op(unsigned int actor, unsigned int m)
{
	struct rings rg = { 0 };

	if (actor == HOST) {
		int e = end_of(&chans[m], HOST);
		s64 st = (s64)hcall(GZVM_FID_CHAN_DESTROY, chans[m].id, 0, 0, 0, 0, 0).a[0];

		CHECK(st == (e < 0 ? GZVM_ERR_INVALID_ARGS : GZVM_OK));
		if (e >= 0)
			model_leave(&chans[m], m, (unsigned int)e, &rg);
	} else {
		for (unsigned int i = 0; i < NR_CHANS; i++) {
			int e = end_of(&chans[i], actor);

			if (e >= 0)
				model_leave(&chans[i], i, (unsigned int)e, &rg);
		}
		CHECK((s64)hcall(GZVM_FID_DESTROY_VM, vm_ids[actor], 0, 0, 0, 0, 0).a[0] == GZVM_OK);
		vm_alive[actor] = false;
	}
	/* the host's ends are woken by the driver, which knows who left */
	check_rings(&rg);
}

/* ---- set-up and the input ------------------------------------------------- */

static void create_chans(struct input *in)
{
	static const unsigned int ends[NR_CHANS][2] = { { 0, HOST }, { 0, 1 }, { 1, HOST } };
	static u64 ever[NR_CHANS * 64];
	static unsigned int nr_ever;

	for (unsigned int m = 0; m < NR_CHANS; m++) {
		struct mchan *c = &chans[m];
		unsigned int a = ends[m][0], b = ends[m][1];
		struct smccc_regs r;

		*c = (struct mchan){ .exists = true, .who = { a, b } };
		c->depth = 1 + (u32)take(in, 1) % MAX_DEPTH;
		c->size = 1 + (u32)take(in, 2) % GZVM_CHANNEL_MAX_MSG_SIZE;
		r = hcall(GZVM_FID_CHAN_CREATE, vm_ids[a], b == HOST ? GZVM_INVALID_VM_ID : vm_ids[b],
			  c->depth, c->size, spi_of(m, 0), spi_of(m, 1));
		CHECK((s64)r.a[0] == GZVM_OK);
		c->id = r.a[1];
		/* never an id handed out before */
		for (unsigned int i = 0; i < nr_ever; i++)
			CHECK(ever[i] != c->id);
		if (nr_ever < NR_CHANS * 64)
			ever[nr_ever++] = c->id;
	}
}

static struct op read_op(struct input *in)
{
	u64 sel = take(in, 1);
	struct op o = {
		.actor = (unsigned int)(sel % 4),
		.kind = (unsigned int)(sel >> 2) % 8,
		.m = (unsigned int)take(in, 1) % NR_CHANS,
	};
	/* lengths mostly within a message, sometimes beyond the largest */
	o.len = take(in, 2) % 1100;
	o.bufsize = take(in, 2) % 1100;
	o.off = take(in, 2) % (GUEST_PAGES * FUZZ_PG + 64);
	if (o.kind == 7)
		o.id = take(in, 4);
	return o;
}

static void do_op(const struct op *o)
{
	struct mchan *c = &chans[o->m];
	u64 id = c->id;

	if (o->actor != HOST && !vm_alive[o->actor])
		return;
	if (o->kind == 6) {
		leave_op(o->actor, o->m);
		return;
	}
	if (o->kind == 7) {
		/* a random id: unless it is one of the actor's own, it names nothing of its */
		for (unsigned int m = 0; m < NR_CHANS; m++) {
			if (chans[m].exists && chans[m].id == o->id)
				return;
		}
		c = NULL;
		id = o->id;
	}
	if (c && !c->exists)
		c = NULL;
	{
		struct op k = *o;

		/* kinds 0-2 send (a queue must fill), 3-4 receive, 5 info */
		static const unsigned int call_of[6] = { 0, 0, 0, 1, 1, 2 };

		k.kind = o->kind == 7 ? (unsigned int)(o->id % 3) : call_of[o->kind];
		if (o->actor == HOST)
			host_op(&k, c, id);
		else
			guest_op(&k, c, id);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { data, size };
	bool protected_a = take(&in, 1) & 1;

	ram = fuzz_board_ram();
	ram_base = (u64)(uintptr_t)ram;
	fuzz_arch_reset();
	for (unsigned int k = 0; k < NR_VMS; k++) {
		vm_ids[k] = make_vm(k, k == 0 && protected_a);
		vm_alive[k] = true;
	}
	create_chans(&in);
	for (unsigned int i = 0; i < MAX_OPS && in.n; i++) {
		struct op o = read_op(&in);

		do_op(&o);
	}
	/* everything goes: the VMs, then the host's ends */
	for (unsigned int k = 0; k < NR_VMS; k++) {
		if (vm_alive[k])
			leave_op(k, 0);
	}
	for (unsigned int m = 0; m < NR_CHANS; m++) {
		if (chans[m].exists)
			leave_op(HOST, m);
		CHECK(!chans[m].exists);
		CHECK((s64)hcall(GZVM_FID_CHAN_INFO, chans[m].id, 0, 0, 0, 0, 0).a[0] ==
		      GZVM_ERR_INVALID_ARGS);
	}
	CHECK(chan_pool_pages() == 0);
	CHECK(pool_used_pages(&hyp_pool) == fuzz_board_pool_baseline());
	return 0;
}
