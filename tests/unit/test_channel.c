// SPDX-License-Identifier: GPL-2.0-only
/*
 * Message channels (hyp/core/channel.c) through the host's hypercalls and
 * guests' HVCs, on the fake board: argument checks, messages in order
 * across ring wrap-around, back-pressure (FULL, and the doorbell when room
 * frees up), the doorbells (SPI pending, GZVM_EXIT_CHAN_DOORBELL with the
 * channel id), ownership (no VM may use a channel it is not an endpoint
 * of), buffers that are not guest memory, TOO_SMALL keeping the message,
 * endpoints leaving (drain, then CLOSED) and nothing of the pool leaked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <asm/sysreg.h>
#include <gzvm/hvc.h>
#include <hyp/channel.h>
#include <hyp/hypercall.h>
#include <hyp/page_alloc.h>
#include <hyp/vcpu.h>
#include <hyp/vm.h>
#include <uapi/linux/gzvm.h>

#include "fake_arch.h"
#include "hyp_board.h"

#define HOST			GZVM_INVALID_VM_ID
#define GUEST_PAGES		16
#define HOST_BUF		(200 * PG)	/* the host's message buffer */
#define SPI			5

/* A VM with one vCPU and GUEST_PAGES pages of memory at GUEST_RAM (VM k of the test). */
struct test_vm {
	u16 id;
	unsigned int k;
};

static u64 run_off(unsigned int k) { return (32 + 2 * k) * PG; }
static u64 mem_off(unsigned int k) { return (2ULL << 20) + k * GUEST_PAGES * PG; }
/* The host's view of guest address GUEST_RAM + off of VM k. */
static u8 *guest_mem(unsigned int k, u64 off) { return ram + mem_off(k) + off; }

static struct test_vm vm_up(unsigned int k)
{
	struct test_vm v = { .id = new_vm(), .k = k };

	assert_int_equal(register_slot(v.id, 0, GUEST_RAM, 1024), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, v.id, 0, ram_pa(mem_off(k)) / PG,
				     GUEST_RAM / PG, GUEST_PAGES)), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_CREATE_VCPU, GZVM_VCPU_TUPLE(v.id, 0),
				     ram_pa(run_off(k)), 0, 0, 0)), GZVM_OK);
	return v;
}

static struct vcpu *vcpu_of(struct test_vm v)
{
	struct vm *vm = vm_get(v.id);
	struct vcpu *c = vm->vcpus[0];

	vm_put(vm);
	return c;
}

/* Is SPI spi of v pending (its doorbell rung and not yet taken)? Clears it. */
static bool take_doorbell(struct test_vm v, u32 spi)
{
	struct vm *vm = vm_get(v.id);
	bool rung = vm->vgic.spi[spi].latch;

	vm->vgic.spi[spi].latch = 0;
	vm_put(vm);
	return rung;
}

/* The fake guest's exits, replayed from the start when all were used. */
static void push_exit(enum guest_exit_kind kind, u64 esr)
{
	if (fake_guest.next == fake_guest.nr_exits)
		fake_guest.next = fake_guest.nr_exits = 0;
	fake_guest.exits[fake_guest.nr_exits++] = (struct guest_exit){ .kind = kind, .esr = esr };
}

static u32 run(struct test_vm v, u64 *x2)
{
	struct smccc_regs r = call(GZVM_FN_RUN, GZVM_VCPU_TUPLE(v.id, 0), 0, 0, 0, 0);

	assert_int_equal(status(r), GZVM_OK);
	*x2 = r.a[2];
	return (u32)r.a[1];
}

struct guest_result {
	s64 x0;
	u64 x1, x2, x3;
	bool doorbell;		/* the call ended in GZVM_EXIT_CHAN_DOORBELL */
	u64 doorbell_chan;
};

/* Guest HVC fid(x1..x3) on v's vCPU: its results, and whether the host was asked to wake the peer. */
static struct guest_result guest_call(struct test_vm v, u32 fid, u64 x1, u64 x2, u64 x3)
{
	struct vcpu *c = vcpu_of(v);
	struct guest_result res = { 0 };
	u64 arg;
	u32 reason;

	c->ctx.x[0] = fid;
	c->ctx.x[1] = x1;
	c->ctx.x[2] = x2;
	c->ctx.x[3] = x3;
	push_exit(GEXIT_SYNC, ((u64)EC_HVC64 << 26) | ESR_IL);
	push_exit(GEXIT_IRQ, 0);
	reason = run(v, &arg);
	if (reason == GZVM_EXIT_CHAN_DOORBELL) {
		res.doorbell = true;
		res.doorbell_chan = arg;
		assert_int_equal(run(v, &arg), GZVM_EXIT_IRQ);
	} else {
		assert_int_equal(reason, GZVM_EXIT_IRQ);
	}
	res.x0 = (s64)c->ctx.x[0];
	res.x1 = c->ctx.x[1];
	res.x2 = c->ctx.x[2];
	res.x3 = c->ctx.x[3];
	return res;
}

static s64 create(u64 a, u64 b, u64 depth, u64 size, u64 *id)
{
	struct smccc_regs r = { .a = { GZVM_FID_CHAN_CREATE, a, b, depth, size, SPI, SPI + 1 } };

	host_hvc_call(&r);
	*id = r.a[1];
	return (s64)r.a[0];
}

static u64 chan(u64 a, u64 b, u64 depth, u64 size)
{
	u64 id;

	assert_int_equal(create(a, b, depth, size, &id), GZVM_OK);
	return id;
}

/* A message whose bytes all say who sent it and its number. */
static void fill_msg(u8 *p, u64 len, u32 seq)
{
	for (u64 i = 0; i < len; i++)
		p[i] = (u8)(seq * 31 + i);
}

static bool msg_is(const u8 *p, u64 len, u32 seq)
{
	for (u64 i = 0; i < len; i++) {
		if (p[i] != (u8)(seq * 31 + i))
			return false;
	}
	return true;
}

static struct smccc_regs host_send(u64 id, u64 len, u32 seq)
{
	fill_msg(ram + HOST_BUF, len, seq);
	return call(GZVM_FN_CHAN_SEND, id, ram_pa(HOST_BUF), len, 0, 0);
}

static struct smccc_regs host_recv(u64 id, u64 size)
{
	memset(ram + HOST_BUF, 0, GZVM_CHANNEL_MAX_MSG_SIZE);
	return call(GZVM_FN_CHAN_RECV, id, ram_pa(HOST_BUF), size, 0, 0);
}

/* ---- creation ------------------------------------------------------------ */

static void test_create_refuses_bad_arguments(void **state)
{
	struct test_vm a = vm_up(0), b = vm_up(1);
	struct smccc_regs r;
	u64 id;

	(void)state;
	assert_int_equal(create(a.id, HOST, 0, 64, &id), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(create(a.id, HOST, 256, 64, &id), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(create(a.id, HOST, 4, 0, &id), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(create(a.id, HOST, 4, 1025, &id), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(create(a.id, a.id, 4, 64, &id), GZVM_ERR_INVALID_ARGS);	/* itself */
	assert_int_equal(create(HOST, a.id, 4, 64, &id), GZVM_ERR_INVALID_ARGS);	/* host first */
	assert_int_equal(create(HOST, HOST, 4, 64, &id), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(create(a.id, 30, 4, 64, &id), GZVM_ERR_INVALID_ARGS);	/* no such VM */
	assert_int_equal(create(0, b.id, 4, 64, &id), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(create(1ULL << 32 | a.id, HOST, 4, 64, &id), GZVM_ERR_INVALID_ARGS);
	/* doorbells must be SPIs of the vGIC */
	r = (struct smccc_regs){ .a = { GZVM_FID_CHAN_CREATE, a.id, b.id, 4, 64, VGIC_NR_SPIS, 0 } };
	host_hvc_call(&r);
	assert_int_equal((s64)r.a[0], GZVM_ERR_INVALID_ARGS);
	r = (struct smccc_regs){ .a = { GZVM_FID_CHAN_CREATE, a.id, b.id, 4, 64, 0, VGIC_NR_SPIS } };
	host_hvc_call(&r);
	assert_int_equal((s64)r.a[0], GZVM_ERR_INVALID_ARGS);
	/* the largest channel is fine, and nothing failed left anything behind */
	assert_int_equal(chan_pool_pages(), 0);
	id = chan(a.id, b.id, GZVM_CHANNEL_MAX_DEPTH, GZVM_CHANNEL_MAX_MSG_SIZE);
	assert_int_equal(chan_pool_pages(), 2 * 64);
	destroy_all(a.id);
	destroy_all(b.id);
	assert_int_equal(chan_pool_pages(), 0);
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);
	(void)id;
}

/*
 * All slots taken: NO_MEMORY.  A slot is free again once both ends have
 * left, and its next channel has a new id: the old one names nothing.
 */
static void test_create_exhausts_and_ids_are_fresh(void **state)
{
	struct test_vm a = vm_up(0);
	u64 ids[HYP_MAX_CHANNELS], id;

	(void)state;
	for (unsigned int i = 0; i < HYP_MAX_CHANNELS; i++)
		ids[i] = chan(a.id, HOST, 1, 16);
	assert_int_equal(create(a.id, HOST, 1, 16, &id), GZVM_ERR_NO_MEMORY);
	/* the host leaving is not enough: the guest may still drain its queue */
	assert_int_equal(status(call(GZVM_FN_CHAN_DESTROY, ids[7], 0, 0, 0, 0)), GZVM_OK);
	assert_int_equal(create(a.id, HOST, 1, 16, &id), GZVM_ERR_NO_MEMORY);
	assert_int_equal(guest_call(a, GZVM_HVC_CHAN_INFO, ids[7], 0, 0).x0, GZVM_CHAN_RET_CLOSED);
	/* the VM leaves too: slot 7 is free, and its new channel has a new id */
	destroy_all(a.id);
	a = vm_up(0);
	id = chan(a.id, HOST, 1, 16);
	assert_true(id != ids[7]);
	assert_int_equal(id % HYP_MAX_CHANNELS, ids[7] % HYP_MAX_CHANNELS);
	assert_int_equal(status(host_send(ids[7], 1, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(guest_call(a, GZVM_HVC_CHAN_INFO, ids[7], 0, 0).x0, SMCCC_RET_INVALID_PARAMETER);
	assert_int_equal(status(call(GZVM_FN_CHAN_DESTROY, ids[7], 0, 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	/* the others lost their VM: closed for the host, until it leaves too */
	assert_int_equal(status(host_send(ids[0], 1, 0)), GZVM_ERR_CHANNEL_CLOSED);
	assert_int_equal(status(call(GZVM_FN_CHAN_INFO, ids[0], 0, 0, 0, 0)), GZVM_ERR_CHANNEL_CLOSED);
	for (unsigned int i = 0; i < HYP_MAX_CHANNELS; i++)
		call(GZVM_FN_CHAN_DESTROY, ids[i], 0, 0, 0, 0);
	assert_int_equal(chan_pool_pages(), 2);
	destroy_all(a.id);
	assert_int_equal(status(call(GZVM_FN_CHAN_DESTROY, id, 0, 0, 0, 0)), GZVM_OK);
	assert_int_equal(chan_pool_pages(), 0);
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);
}

/* ---- messages ------------------------------------------------------------ */

/* Host -> guest and back, in order across many wrap-arounds of a 3-deep ring. */
static void test_host_guest_in_order(void **state)
{
	struct test_vm a = vm_up(0);
	u64 id = chan(a.id, HOST, 3, 100);
	u32 sent = 0, got = 0;

	(void)state;
	while (got < 1000) {
		struct smccc_regs r;
		struct guest_result g;

		/* the host sends until the queue is full: the first one rings */
		while ((r = host_send(id, 1 + sent % 100, sent)).a[0] == GZVM_OK) {
			assert_int_equal(r.a[1], sent == got);
			assert_int_equal(take_doorbell(a, SPI), sent == got);
			sent++;
		}
		assert_int_equal(status(r), GZVM_ERR_BUSY);
		assert_int_equal(sent - got, 3);
		/* the guest drains it; the first receive tells the waiting host */
		for (unsigned int i = 0; i < 3; i++, got++) {
			g = guest_call(a, GZVM_HVC_CHAN_RECV, id, GUEST_RAM + 5, 100);
			assert_int_equal(g.x0, 0);
			assert_int_equal(g.x1, 1 + got % 100);
			assert_true(msg_is(guest_mem(0, 5), g.x1, got));
			assert_int_equal(g.doorbell, i == 0);
			if (g.doorbell)
				assert_int_equal(g.doorbell_chan, id);
		}
		assert_int_equal(guest_call(a, GZVM_HVC_CHAN_RECV, id, GUEST_RAM, 100).x0,
				 GZVM_CHAN_RET_EMPTY);
	}
	/* and the other way, a message crossing a page boundary of the guest */
	fill_msg(guest_mem(0, PG - 10), 100, 77);
	{
		struct guest_result g = guest_call(a, GZVM_HVC_CHAN_SEND, id, GUEST_RAM + PG - 10, 100);
		struct smccc_regs r;

		assert_int_equal(g.x0, 0);
		assert_true(g.doorbell);	/* the host's queue was empty */
		r = host_recv(id, GZVM_CHANNEL_MAX_MSG_SIZE);
		assert_int_equal(status(r), GZVM_OK);
		assert_int_equal(r.a[1], 100);
		assert_true(msg_is(ram + HOST_BUF, 100, 77));
		assert_int_equal(status(host_recv(id, 100)), GZVM_ERR_NO_MSG);
	}
	destroy_all(a.id);
	call(GZVM_FN_CHAN_DESTROY, id, 0, 0, 0, 0);
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);
}

/* INFO: counts, sizes, and a look at a full queue asks for the doorbell too. */
static void test_info_and_poll_for_room(void **state)
{
	struct test_vm a = vm_up(0), b = vm_up(1);
	u64 id = chan(a.id, b.id, 2, 64);
	struct guest_result g;

	(void)state;
	g = guest_call(a, GZVM_HVC_CHAN_INFO, id, 0, 0);
	assert_int_equal(g.x0, 0);
	assert_int_equal(g.x1, 0);
	assert_int_equal(g.x2, 2);
	assert_int_equal(g.x3, 64 | 2ULL << 32);
	assert_true(guest_call(a, GZVM_HVC_CHAN_SEND, id, GUEST_RAM, 64).doorbell);
	assert_true(take_doorbell(b, SPI + 1));
	assert_false(guest_call(a, GZVM_HVC_CHAN_SEND, id, GUEST_RAM, 0).doorbell);
	assert_false(take_doorbell(b, SPI + 1));
	g = guest_call(a, GZVM_HVC_CHAN_INFO, id, 0, 0);
	assert_int_equal(g.x2, 0);	/* full: a's poll sleeps... */
	g = guest_call(b, GZVM_HVC_CHAN_INFO, id, 0, 0);
	assert_int_equal(g.x1, 2);
	g = guest_call(b, GZVM_HVC_CHAN_RECV, id, GUEST_RAM, 64);
	assert_int_equal(g.x1, 64);
	assert_true(g.doorbell);	/* ...and is woken */
	assert_true(take_doorbell(a, SPI));
	g = guest_call(b, GZVM_HVC_CHAN_RECV, id, GUEST_RAM, 64);
	assert_int_equal(g.x0, 0);
	assert_int_equal(g.x1, 0);	/* an empty message is a message */
	assert_false(g.doorbell);
	destroy_all(a.id);
	destroy_all(b.id);
}

/* A buffer too small for the next message: TOO_SMALL with its length; it stays. */
static void test_too_small_keeps_the_message(void **state)
{
	struct test_vm a = vm_up(0);
	u64 id = chan(a.id, HOST, 4, 512);
	struct guest_result g;

	(void)state;
	assert_int_equal(status(host_send(id, 300, 9)), GZVM_OK);
	g = guest_call(a, GZVM_HVC_CHAN_RECV, id, GUEST_RAM, 299);
	assert_int_equal(g.x0, GZVM_CHAN_RET_TOO_SMALL);
	assert_int_equal(g.x1, 300);
	g = guest_call(a, GZVM_HVC_CHAN_RECV, id, GUEST_RAM, 4096);	/* more than msg size is fine */
	assert_int_equal(g.x0, 0);
	assert_int_equal(g.x1, 300);
	assert_true(msg_is(guest_mem(0, 0), 300, 9));
	assert_int_equal(guest_mem(0, 300)[0], 0);	/* not a byte more written */
	/* the host's side the same */
	fill_msg(guest_mem(0, 0), 200, 3);
	assert_int_equal(guest_call(a, GZVM_HVC_CHAN_SEND, id, GUEST_RAM, 200).x0, 0);
	assert_int_equal(status(host_recv(id, 199)), GZVM_ERR_NOT_ENOUGH_BUFFER);
	assert_int_equal(host_recv(id, 199).a[1], 200);
	assert_int_equal(host_recv(id, 200).a[1], 200);
	assert_true(msg_is(ram + HOST_BUF, 200, 3));
	destroy_all(a.id);
	call(GZVM_FN_CHAN_DESTROY, id, 0, 0, 0, 0);
}

/* ---- isolation ----------------------------------------------------------- */

/* Nobody but its endpoints may use a channel; bad buffers and sizes fail and lose nothing. */
static void test_only_endpoints_and_guest_memory(void **state)
{
	struct test_vm a = vm_up(0), b = vm_up(1), c = vm_up(2);
	u64 ab = chan(a.id, b.id, 4, 64), ah = chan(a.id, HOST, 4, 64);
	struct guest_result g;
	u64 seed = 0x9e3779b97f4a7c15ULL;

	(void)state;
	/* c is no endpoint of either; b none of ah; the host none of ab */
	for (u32 fid = GZVM_HVC_CHAN_SEND; fid <= GZVM_HVC_CHAN_INFO; fid++) {
		assert_int_equal(guest_call(c, fid, ab, GUEST_RAM, 8).x0, SMCCC_RET_INVALID_PARAMETER);
		assert_int_equal(guest_call(c, fid, ah, GUEST_RAM, 8).x0, SMCCC_RET_INVALID_PARAMETER);
		assert_int_equal(guest_call(b, fid, ah, GUEST_RAM, 8).x0, SMCCC_RET_INVALID_PARAMETER);
	}
	assert_int_equal(status(host_send(ab, 8, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(host_recv(ab, 8)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_CHAN_INFO, ab, 0, 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_CHAN_DESTROY, ab, 0, 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	/* random ids name nothing of c's */
	for (int i = 0; i < 2000; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		assert_int_equal(guest_call(c, GZVM_HVC_CHAN_SEND, seed >> (i % 40), GUEST_RAM, 8).x0,
				 SMCCC_RET_INVALID_PARAMETER);
	}
	/* oversized, and buffers that are not (all) mapped guest memory */
	assert_int_equal(guest_call(a, GZVM_HVC_CHAN_SEND, ab, GUEST_RAM, 65).x0,
			 SMCCC_RET_INVALID_PARAMETER);
	assert_int_equal(guest_call(a, GZVM_HVC_CHAN_SEND, ab, 0x9000000, 8).x0,
			 SMCCC_RET_INVALID_PARAMETER);
	assert_int_equal(guest_call(a, GZVM_HVC_CHAN_SEND, ab, GUEST_RAM + GUEST_PAGES * PG - 4, 8).x0,
			 SMCCC_RET_INVALID_PARAMETER);
	assert_int_equal(guest_call(a, GZVM_HVC_CHAN_SEND, ab, ~0ULL - 3, 8).x0,
			 SMCCC_RET_INVALID_PARAMETER);
	assert_int_equal(guest_call(b, GZVM_HVC_CHAN_INFO, ab, 0, 0).x1, 0);	/* nothing got through */
	/* a receive into a bad buffer leaves the message queued */
	assert_int_equal(guest_call(a, GZVM_HVC_CHAN_SEND, ab, GUEST_RAM, 8).x0, 0);
	g = guest_call(b, GZVM_HVC_CHAN_RECV, ab, GUEST_RAM + GUEST_PAGES * PG - 4, 64);
	assert_int_equal(g.x0, SMCCC_RET_INVALID_PARAMETER);
	assert_int_equal(guest_call(b, GZVM_HVC_CHAN_INFO, ab, 0, 0).x1, 1);
	/* host buffers must be host RAM: not the carve-out, not beyond RAM */
	assert_int_equal(status(call(GZVM_FN_CHAN_SEND, ah, ram_pa(RAM_SIZE - PG), 8, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_CHAN_SEND, ah, 0x1000, 8, 0, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_CHAN_SEND, ah, ram_pa(HOST_BUF), 65, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(status(call(GZVM_FN_CHAN_SEND, ah, ram_pa(HOST_BUF), 1025, 0, 0)),
			 GZVM_ERR_INVALID_ARGS);
	assert_int_equal(call(GZVM_FN_CHAN_INFO, ah, 0, 0, 0, 0).a[1], 0);
	assert_int_equal(guest_call(a, GZVM_HVC_CHAN_INFO, ah, 0, 0).x1, 0);
	destroy_all(a.id);
	destroy_all(b.id);
	destroy_all(c.id);
	call(GZVM_FN_CHAN_DESTROY, ah, 0, 0, 0, 0);
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);
}

/* A protected VM's memory is out of the host's reach: channels still work for it. */
static void test_sealed_protected_guest(void **state)
{
	struct test_vm a = { .id = new_vm(), .k = 0 };
	u64 id;
	struct guest_result g;

	(void)state;
	assert_int_equal(status(call(GZVM_FN_ENABLE_CAP, a.id, GZVM_CAP_PROTECTED_VM,
				     GZVM_CAP_PVM_SET_PROTECTED_VM, 0, 0)), GZVM_OK);
	assert_int_equal(register_slot(a.id, 0, GUEST_RAM, 1024), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_MAP_GUEST, a.id, 0, ram_pa(mem_off(0)) / PG,
				     GUEST_RAM / PG, GUEST_PAGES)), GZVM_OK);
	assert_int_equal(status(call(GZVM_FN_CREATE_VCPU, GZVM_VCPU_TUPLE(a.id, 0),
				     ram_pa(run_off(0)), 0, 0, 0)), GZVM_OK);
	id = chan(a.id, HOST, 4, 64);
	assert_int_equal(status(host_send(id, 64, 5)), GZVM_OK);
	g = guest_call(a, GZVM_HVC_CHAN_RECV, id, GUEST_RAM + 64, 64);	/* seals it first */
	assert_int_equal(g.x0, 0);
	assert_true(vm_sealed(vcpu_of(a)->vm));
	assert_true(msg_is(guest_mem(0, 64), 64, 5));	/* the fake lets the test look */
	assert_int_equal(guest_call(a, GZVM_HVC_CHAN_SEND, id, GUEST_RAM + 64, 64).x0, 0);
	assert_int_equal(host_recv(id, 64).a[1], 64);
	assert_true(msg_is(ram + HOST_BUF, 64, 5));
	destroy_all(a.id);
	call(GZVM_FN_CHAN_DESTROY, id, 0, 0, 0, 0);
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);
}

/* ---- endpoints leaving ---------------------------------------------------- */

/* A VM destroyed with messages in flight: the peer drains what it was sent, then CLOSED. */
static void test_peer_destroyed_in_flight(void **state)
{
	struct test_vm a = vm_up(0), b = vm_up(1);
	u64 id = chan(a.id, b.id, 8, 64);
	struct guest_result g;

	(void)state;
	for (u32 i = 0; i < 3; i++)
		assert_int_equal(guest_call(a, GZVM_HVC_CHAN_SEND, id, GUEST_RAM, 16).x0, 0);
	for (u32 i = 0; i < 5; i++)
		assert_int_equal(guest_call(b, GZVM_HVC_CHAN_SEND, id, GUEST_RAM, 16).x0, 0);
	take_doorbell(b, SPI + 1);
	destroy_all(a.id);
	assert_true(take_doorbell(b, SPI + 1));	/* b learns at once */
	g = guest_call(b, GZVM_HVC_CHAN_INFO, id, 0, 0);
	assert_int_equal(g.x0, GZVM_CHAN_RET_CLOSED);
	assert_int_equal(g.x1, 3);
	assert_int_equal(g.x2, 0);
	assert_int_equal(guest_call(b, GZVM_HVC_CHAN_SEND, id, GUEST_RAM, 16).x0, GZVM_CHAN_RET_CLOSED);
	for (u32 i = 0; i < 3; i++)
		assert_int_equal(guest_call(b, GZVM_HVC_CHAN_RECV, id, GUEST_RAM, 64).x0, 0);
	assert_int_equal(guest_call(b, GZVM_HVC_CHAN_RECV, id, GUEST_RAM, 64).x0, GZVM_CHAN_RET_CLOSED);
	/* a's queue went with it; the rest goes with b */
	assert_int_equal(chan_pool_pages(), 1);
	/* a new VM in a's place is no endpoint of the old channel */
	a = vm_up(0);
	assert_int_equal(guest_call(a, GZVM_HVC_CHAN_INFO, id, 0, 0).x0, SMCCC_RET_INVALID_PARAMETER);
	destroy_all(b.id);
	destroy_all(a.id);
	assert_int_equal(chan_pool_pages(), 0);
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);
}

/* The host closes its end: the guest drains, then CLOSED; the VM's end goes with the VM. */
static void test_host_closes(void **state)
{
	struct test_vm a = vm_up(0);
	u64 id = chan(a.id, HOST, 8, 64);

	(void)state;
	assert_int_equal(status(host_send(id, 10, 1)), GZVM_OK);
	take_doorbell(a, SPI);
	assert_int_equal(status(call(GZVM_FN_CHAN_DESTROY, id, 0, 0, 0, 0)), GZVM_OK);
	assert_true(take_doorbell(a, SPI));
	assert_int_equal(status(call(GZVM_FN_CHAN_DESTROY, id, 0, 0, 0, 0)), GZVM_ERR_INVALID_ARGS);
	assert_int_equal(guest_call(a, GZVM_HVC_CHAN_RECV, id, GUEST_RAM, 64).x1, 10);
	assert_int_equal(guest_call(a, GZVM_HVC_CHAN_RECV, id, GUEST_RAM, 64).x0, GZVM_CHAN_RET_CLOSED);
	destroy_all(a.id);
	assert_int_equal(chan_pool_pages(), 0);
	assert_int_equal(pool_used_pages(&hyp_pool), pool_baseline);
}

#define T(f) cmocka_unit_test_setup_teardown(f, board_setup, board_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_refuses_bad_arguments),
		T(test_create_exhausts_and_ids_are_fresh),
		T(test_host_guest_in_order),
		T(test_info_and_poll_for_room),
		T(test_too_small_keeps_the_message),
		T(test_only_endpoints_and_guest_memory),
		T(test_sealed_protected_guest),
		T(test_peer_destroyed_in_flight),
		T(test_host_closes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
