// SPDX-License-Identifier: GPL-2.0-only
/*
 * Message channels (hyp/include/hyp/channel.h, docs/channels.md): where a
 * message moves from one endpoint's memory into a queue, and from the
 * queue into the other endpoint's memory.
 *
 * A channel is named by an id the host gets at creation: the slot index in
 * the low bits, a generation above them, so an id outlives nothing it named
 * and a guessed id rarely names a live channel.  Whoever calls must be one
 * of the channel's two endpoints: a guest names a channel it was not given
 * and gets INVALID_PARAMETER, exactly as for an id that was never handed out.
 *
 * Each queue is a ring of depth slots of msg_size bytes in pool pages,
 * allocated when the channel is created: nothing is allocated per message,
 * a sender facing a full queue is told so (and nothing is dropped), and a
 * guest flooding its channel only fills that channel's queue.
 */
#include <gzvm/hvc.h>
#include <hyp/channel.h>
#include <hyp/compiler.h>
#include <hyp/mem_owner.h>
#include <hyp/page_alloc.h>
#include <hyp/smccc.h>
#include <hyp/spinlock.h>
#include <hyp/string.h>
#include <hyp/vcpu.h>
#include <hyp/vgic.h>
#include <hyp/vm.h>
#include <uapi/linux/gzvm.h>

#define PAGE_SZ			4096ULL
#define CHAN_INDEX_BITS		6	/* HYP_MAX_CHANNELS slots */
#define CHAN_GEN_LIMIT		(1U << (31 - CHAN_INDEX_BITS))	/* ids stay below 2^31 */

_Static_assert(HYP_MAX_CHANNELS == 1U << CHAN_INDEX_BITS, "id layout");

enum chan_state {
	CHAN_FREE = 0,
	CHAN_CREATING,		/* endpoints being attached */
	CHAN_OPEN,
	CHAN_CLOSED,		/* one endpoint left; the other may drain its queue */
};

/* What an operation came to; each caller maps it to its own status codes. */
enum chan_status {
	CH_OK,
	CH_INVALID,
	CH_FULL,
	CH_EMPTY,
	CH_CLOSED,
	CH_TOO_SMALL,
};

/* The messages on their way to one endpoint. */
struct chan_queue {
	u8 *slots;		/* depth slots of msg_size bytes, pool pages */
	u16 len[GZVM_CHANNEL_MAX_DEPTH];
	u32 head;		/* the next slot to receive */
	u32 count;		/* messages queued */
	bool sender_waiting;	/* a send found it full: ring the sender when one leaves */
};

struct chan_end {
	struct vm *vm;		/* NULL: the host */
	u32 intid;		/* a VM's doorbell */
	bool gone;		/* left: its VM was destroyed, or the host closed its end */
	struct chan_queue rx;
};

struct channel {
	spinlock_t lock;
	enum chan_state state;
	u32 id;
	u32 depth, msg_size;
	unsigned int queue_pages;	/* the size of each queue's slots */
	struct chan_end end[2];
};

/* A message's or a buffer's bytes: guest memory of vm (its lock held), or host memory. */
struct chan_buf {
	struct vm *vm;		/* NULL: host physical memory, pinned by the caller */
	u64 addr;		/* guest physical or host physical */
	u64 size;
};

static struct channel channels[HYP_MAX_CHANNELS];
static spinlock_t alloc_lock = SPINLOCK_INIT;	/* slot allocation, generations */
static u32 next_generation = 1;
static u64 queue_pages_in_use;			/* atomic */

void chan_init(void)
{
	for (unsigned int i = 0; i < HYP_MAX_CHANNELS; i++)
		channels[i] = (struct channel){ .lock = SPINLOCK_INIT };
	queue_pages_in_use = 0;
}

u64 chan_pool_pages(void)
{
	return __atomic_load_n(&queue_pages_in_use, __ATOMIC_RELAXED);
}

/* ---- memory the hypervisor copies from and to ---------------------------- */

/* Can the hypervisor reach every byte of b?  Guest memory must be mapped RAM. */
static bool buf_usable(const struct chan_buf *b)
{
	u64 end = b->addr + b->size;

	if (!b->vm || !b->size)
		return true;
	if (end < b->addr)
		return false;
	for (u64 page = ALIGN_DOWN(b->addr, PAGE_SZ); page < end; page += PAGE_SZ) {
		if (!vm_guest_page(b->vm, page))
			return false;
	}
	return true;
}

/* The hypervisor's address of byte addr of b (buf_usable() said yes). */
static u8 *buf_byte(const struct chan_buf *b, u64 addr)
{
	if (!b->vm)
		return (u8 *)(uintptr_t)addr;
	/* vm_guest_page() is const for readers; the receiver's page is written */
	return (u8 *)(uintptr_t)vm_guest_page(b->vm, addr) + (addr % PAGE_SZ);
}

/* Copy len bytes between b and data, a page at a time (guest pages need not be contiguous). */
static void buf_copy(const struct chan_buf *b, u8 *data, u64 len, bool into_buf)
{
	for (u64 done = 0; done < len;) {
		u64 addr = b->addr + done;
		u64 chunk = MIN(len - done, PAGE_SZ - addr % PAGE_SZ);
		u8 *p = buf_byte(b, addr);

		if (into_buf)
			memcpy(p, data + done, chunk);
		else
			memcpy(data + done, p, chunk);
		done += chunk;
	}
}

/* ---- channel slots ------------------------------------------------------- */

/* The channel named id, locked, if it exists; NULL otherwise. */
static struct channel *chan_lock_id(u64 id)
{
	struct channel *ch;

	if (id >> 31)
		return NULL;
	ch = &channels[id & (HYP_MAX_CHANNELS - 1)];
	spin_lock(&ch->lock);
	if ((ch->state != CHAN_OPEN && ch->state != CHAN_CLOSED) || ch->id != id) {
		spin_unlock(&ch->lock);
		return NULL;
	}
	return ch;
}

/* Which end of ch belongs to vm (NULL: the host), or -1 if none does. */
static int end_of(const struct channel *ch, const struct vm *vm)
{
	for (int i = 0; i < 2; i++) {
		if (ch->end[i].vm == vm && !ch->end[i].gone)
			return i;
	}
	return -1;
}

static void free_queue(struct channel *ch, struct chan_queue *q)
{
	if (!q->slots)
		return;
	pool_free_pages(&hyp_pool, q->slots, ch->queue_pages);
	__atomic_fetch_sub(&queue_pages_in_use, ch->queue_pages, __ATOMIC_RELAXED);
	*q = (struct chan_queue){ 0 };
}

static bool alloc_queue(struct channel *ch, struct chan_queue *q)
{
	q->slots = pool_zalloc_pages(&hyp_pool, ch->queue_pages);
	if (!q->slots)
		return false;
	__atomic_fetch_add(&queue_pages_in_use, ch->queue_pages, __ATOMIC_RELAXED);
	return true;
}

/* Channel lock held: everything goes, the slot is free again. */
static void free_channel(struct channel *ch)
{
	free_queue(ch, &ch->end[0].rx);
	free_queue(ch, &ch->end[1].rx);
	ch->end[0] = (struct chan_end){ 0 };
	ch->end[1] = (struct chan_end){ 0 };
	ch->state = CHAN_FREE;
}

/* A free slot, CREATING, with a fresh id; NULL when all are taken. */
static struct channel *claim_slot(u32 depth, u32 msg_size)
{
	struct channel *ch = NULL;

	spin_lock(&alloc_lock);
	for (unsigned int i = 0; i < HYP_MAX_CHANNELS && !ch; i++) {
		spin_lock(&channels[i].lock);
		if (channels[i].state == CHAN_FREE) {
			ch = &channels[i];
			ch->state = CHAN_CREATING;
			ch->id = next_generation << CHAN_INDEX_BITS | i;
			ch->depth = depth;
			ch->msg_size = msg_size;
			ch->queue_pages = (unsigned int)(ALIGN_UP((u64)depth * msg_size, PAGE_SZ) / PAGE_SZ);
			next_generation = next_generation + 1 < CHAN_GEN_LIMIT ? next_generation + 1 : 1;
		}
		spin_unlock(&channels[i].lock);
	}
	spin_unlock(&alloc_lock);
	return ch;
}

/* A VM's doorbell: the SPI is pulsed (a host end is woken by the driver). */
static void ring(struct channel *ch, unsigned int e)
{
	struct chan_end *end = &ch->end[e];

	if (end->vm && !end->gone)
		vgic_pulse(&end->vm->vgic, end->intid, 0);
}

/* An endpoint leaves (channel lock held); the channel goes when both have. */
static void leave(struct channel *ch, unsigned int e)
{
	struct chan_end *end = &ch->end[e];

	end->gone = true;
	free_queue(ch, &end->rx);
	if (ch->state == CHAN_CREATING)
		return;		/* the creator sees it and gives up */
	ch->state = CHAN_CLOSED;
	if (ch->end[!e].gone)
		free_channel(ch);
	else
		ring(ch, !e);	/* a reader waiting there learns it is closed */
}

void chan_vm_gone(struct vm *vm)
{
	for (unsigned int i = 0; i < HYP_MAX_CHANNELS; i++) {
		struct channel *ch = &channels[i];
		int e;

		spin_lock(&ch->lock);
		e = ch->state == CHAN_FREE ? -1 : end_of(ch, vm);
		if (e >= 0)
			leave(ch, (unsigned int)e);
		spin_unlock(&ch->lock);
	}
}

/* ---- the three operations ------------------------------------------------ */

static enum chan_status chan_send(struct channel *ch, unsigned int from,
				  const struct chan_buf *msg, bool *rang)
{
	struct chan_queue *q = &ch->end[!from].rx;
	u32 slot;

	if (ch->state == CHAN_CLOSED)
		return CH_CLOSED;
	if (msg->size > ch->msg_size || !buf_usable(msg))
		return CH_INVALID;
	if (q->count == ch->depth) {
		q->sender_waiting = true;
		return CH_FULL;
	}
	slot = (q->head + q->count) % ch->depth;
	buf_copy(msg, q->slots + (u64)slot * ch->msg_size, msg->size, false);
	q->len[slot] = (u16)msg->size;
	if (q->count++ == 0) {
		/* the receiver drains until empty: only the first message rings */
		ring(ch, !from);
		*rang = true;
	}
	return CH_OK;
}

/* buf->size is the receiver's buffer size; *len gets the message's length. */
static enum chan_status chan_recv(struct channel *ch, unsigned int to,
				  const struct chan_buf *buf, u64 *len, bool *rang)
{
	struct chan_queue *q = &ch->end[to].rx;
	struct chan_buf dst = *buf;

	if (!q->count)
		return ch->state == CHAN_CLOSED ? CH_CLOSED : CH_EMPTY;
	*len = q->len[q->head];
	if (*len > buf->size)
		return CH_TOO_SMALL;	/* it stays first in the queue */
	dst.size = *len;
	if (!buf_usable(&dst))
		return CH_INVALID;
	buf_copy(&dst, q->slots + (u64)q->head * ch->msg_size, *len, true);
	q->head = (q->head + 1) % ch->depth;
	q->count--;
	if (q->sender_waiting && ch->state == CHAN_OPEN) {
		q->sender_waiting = false;
		ring(ch, !to);
		*rang = true;
	}
	return CH_OK;
}

/*
 * x[1] = to receive, x[2] = free to send, x[3] = msg size | depth << 32.
 * An endpoint that finds no room gets the doorbell when room frees up, as
 * after a failed send: a poll for space must not sleep forever.
 */
static enum chan_status chan_info(struct channel *ch, unsigned int e, u64 *x)
{
	struct chan_queue *tx = &ch->end[!e].rx;
	bool open = ch->state == CHAN_OPEN;

	x[1] = ch->end[e].rx.count;
	x[2] = open ? ch->depth - tx->count : 0;
	if (open && tx->count == ch->depth)
		tx->sender_waiting = true;
	x[3] = ch->msg_size | (u64)ch->depth << 32;
	return open ? CH_OK : CH_CLOSED;
}

/* ---- guests -------------------------------------------------------------- */

static s64 guest_status(enum chan_status st)
{
	static const s64 code[] = {
		[CH_OK] = SMCCC_RET_SUCCESS,
		[CH_INVALID] = SMCCC_RET_INVALID_PARAMETER,
		[CH_FULL] = GZVM_CHAN_RET_FULL,
		[CH_EMPTY] = GZVM_CHAN_RET_EMPTY,
		[CH_CLOSED] = GZVM_CHAN_RET_CLOSED,
		[CH_TOO_SMALL] = GZVM_CHAN_RET_TOO_SMALL,
	};

	return code[st];
}

static enum chan_status guest_op(struct channel *ch, unsigned int e, struct vcpu *vcpu,
				 bool *rang)
{
	u64 *x = vcpu->ctx.x;
	struct chan_buf b = { .vm = vcpu->vm, .addr = x[2], .size = x[3] };
	enum chan_status st;
	u64 len = 0;

	switch ((u32)x[0]) {
	case GZVM_HVC_CHAN_SEND:
		return chan_send(ch, e, &b, rang);
	case GZVM_HVC_CHAN_RECV:
		/* only the message's length of the buffer is ever written */
		b.size = MIN(b.size, (u64)ch->msg_size);
		st = chan_recv(ch, e, &b, &len, rang);
		x[1] = len;
		return st;
	default:
		return chan_info(ch, e, x);
	}
}

u32 chan_guest_call(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	u64 *x = vcpu->ctx.x;
	enum chan_status st = CH_INVALID;
	struct channel *ch;
	bool rang = false;
	u32 id = 0;
	int e;

	spin_lock(&vm->lock);
	ch = chan_lock_id(x[1]);
	if (ch) {
		e = end_of(ch, vm);
		if (e >= 0)
			st = guest_op(ch, (unsigned int)e, vcpu, &rang);
		id = ch->id;
		spin_unlock(&ch->lock);
	}
	spin_unlock(&vm->lock);
	x[0] = (u64)guest_status(st);
	if (!rang)
		return 0;
	vcpu->doorbell_chan = id;
	return GZVM_EXIT_CHAN_DOORBELL;
}

/* ---- the host ------------------------------------------------------------- */

static s64 host_status(enum chan_status st)
{
	static const s64 code[] = {
		[CH_OK] = GZVM_OK,
		[CH_INVALID] = GZVM_ERR_INVALID_ARGS,
		[CH_FULL] = GZVM_ERR_BUSY,
		[CH_EMPTY] = GZVM_ERR_NO_MSG,
		[CH_CLOSED] = GZVM_ERR_CHANNEL_CLOSED,
		[CH_TOO_SMALL] = GZVM_ERR_NOT_ENOUGH_BUFFER,
	};

	return code[st];
}

/* Attach VM vm_id as end e of a CREATING channel; false if it is not a live VM. */
static bool attach_vm(struct channel *ch, unsigned int e, u64 vm_id, u64 spi)
{
	struct vm *vm = vm_id > 0xffff ? NULL : vm_get((u16)vm_id);

	if (!vm)
		return false;
	/* vm's lock, then the channel's: a destroy now finds the end and marks it gone */
	spin_lock(&ch->lock);
	ch->end[e].vm = vm;
	ch->end[e].intid = (u32)spi + VGIC_NR_PRIVATE;
	spin_unlock(&ch->lock);
	vm_put(vm);
	return true;
}

static bool create_args_valid(const struct smccc_regs *r)
{
	u64 a = r->a[1], b = r->a[2], depth = r->a[3], size = r->a[4];
	bool b_host = b == GZVM_INVALID_VM_ID;

	return a != GZVM_INVALID_VM_ID && a != b &&
	       depth >= 1 && depth <= GZVM_CHANNEL_MAX_DEPTH &&
	       size >= 1 && size <= GZVM_CHANNEL_MAX_MSG_SIZE &&
	       r->a[5] < VGIC_NR_SPIS && (b_host || r->a[6] < VGIC_NR_SPIS);
}

s64 hvc_chan_create(struct smccc_regs *r)
{
	bool b_host = r->a[2] == GZVM_INVALID_VM_ID;
	struct channel *ch;
	s64 ret = GZVM_OK;

	if (!create_args_valid(r))
		return GZVM_ERR_INVALID_ARGS;
	ch = claim_slot((u32)r->a[3], (u32)r->a[4]);
	if (!ch)
		return GZVM_ERR_NO_MEMORY;
	/* CREATING: no call finds it, only chan_vm_gone() and this creator touch it */
	if (!alloc_queue(ch, &ch->end[0].rx) || !alloc_queue(ch, &ch->end[1].rx))
		ret = GZVM_ERR_NO_MEMORY;
	else if (!attach_vm(ch, 0, r->a[1], r->a[5]) ||
		 (!b_host && !attach_vm(ch, 1, r->a[2], r->a[6])))
		ret = GZVM_ERR_INVALID_ARGS;
	spin_lock(&ch->lock);
	if (!ret && (ch->end[0].gone || ch->end[1].gone))
		ret = GZVM_ERR_INVALID_ARGS;	/* a VM was destroyed meanwhile */
	if (ret)
		free_channel(ch);
	else
		ch->state = CHAN_OPEN;
	r->a[1] = ret ? 0 : ch->id;
	spin_unlock(&ch->lock);
	return ret;
}

/* The host closes its end (only channels it is an endpoint of). */
s64 hvc_chan_destroy(struct smccc_regs *r)
{
	struct channel *ch = chan_lock_id(r->a[1]);
	int e = ch ? end_of(ch, NULL) : -1;

	if (e >= 0)
		leave(ch, (unsigned int)e);
	if (ch)
		spin_unlock(&ch->lock);
	return e >= 0 ? GZVM_OK : GZVM_ERR_INVALID_ARGS;
}

/*
 * SEND and RECV of the host's end: the buffer is host RAM, pinned while the
 * hypervisor copies (x2 = its address, x3 = length or size).
 */
static s64 host_op(struct smccc_regs *r, bool send)
{
	struct chan_buf b = { .vm = NULL, .addr = r->a[2],
			      .size = send ? r->a[3] : MIN(r->a[3], (u64)GZVM_CHANNEL_MAX_MSG_SIZE) };
	enum chan_status st = CH_INVALID;
	struct channel *ch;
	bool rang = false;
	u64 len = 0;
	int e;

	if (b.size > GZVM_CHANNEL_MAX_MSG_SIZE)
		return GZVM_ERR_INVALID_ARGS;
	if (b.size && mem_owner_pin_host(b.addr, b.size))
		return GZVM_ERR_INVALID_ARGS;
	ch = chan_lock_id(r->a[1]);
	e = ch ? end_of(ch, NULL) : -1;
	if (e >= 0)
		st = send ? chan_send(ch, (unsigned int)e, &b, &rang) :
			    chan_recv(ch, (unsigned int)e, &b, &len, &rang);
	if (ch)
		spin_unlock(&ch->lock);
	if (b.size)
		mem_owner_unpin_host(b.addr, b.size);
	if (send) {
		r->a[1] = rang;
	} else {
		r->a[1] = len;
		r->a[2] = rang;
	}
	return host_status(st);
}

s64 hvc_chan_send(struct smccc_regs *r)
{
	return host_op(r, true);
}

s64 hvc_chan_recv(struct smccc_regs *r)
{
	return host_op(r, false);
}

s64 hvc_chan_info(struct smccc_regs *r)
{
	struct channel *ch = chan_lock_id(r->a[1]);
	int e = ch ? end_of(ch, NULL) : -1;
	enum chan_status st = CH_INVALID;

	if (e >= 0)
		st = chan_info(ch, (unsigned int)e, r->a);
	if (ch)
		spin_unlock(&ch->lock);
	return host_status(st);
}
