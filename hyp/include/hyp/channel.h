/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Message channels (docs/channels.md): a channel joins two endpoints, two
 * VMs or a VM and the host, with one bounded queue of messages towards
 * each.  The hypervisor copies every message from the sender's memory into
 * the queue and from the queue into the receiver's, so neither side ever
 * maps the other's memory; a doorbell SPI tells a VM endpoint that its
 * queue is no longer empty, or that the queue it found full has room again.
 *
 * Locks: the calling VM's lock, then a channel's lock, then a peer VM's
 * vGIC lock; never a VM lock while a channel lock is held, so two VMs
 * sending to each other cannot deadlock.
 */
#ifndef HYP_CHANNEL_H
#define HYP_CHANNEL_H

#include <hyp/types.h>

struct smccc_regs;
struct vcpu;
struct vm;

#define HYP_MAX_CHANNELS	64

/* Every slot free (boot, and each unit test's fresh board). */
void chan_init(void);

/* The host's hypercalls (include/gzvm/hvc.h, GZVM_FN_CHAN_*). */
s64 hvc_chan_create(struct smccc_regs *r);
s64 hvc_chan_destroy(struct smccc_regs *r);
s64 hvc_chan_send(struct smccc_regs *r);
s64 hvc_chan_recv(struct smccc_regs *r);
s64 hvc_chan_info(struct smccc_regs *r);

/*
 * A guest's GZVM_HVC_CHAN_SEND / RECV / INFO (x0 names it): answers in the
 * vCPU's x0..x3 and returns 0, or GZVM_EXIT_CHAN_DOORBELL when the
 * channel's other endpoint was notified, with the channel's id in
 * vcpu->doorbell_chan, so that the driver wakes that endpoint.
 */
u32 chan_guest_call(struct vcpu *vcpu);

/*
 * vm is being destroyed (vm lock held): every channel it is an endpoint
 * of is closed, its queues freed; the other endpoint gets CLOSED from then
 * on, and the channel is freed once both endpoints are gone.
 */
void chan_vm_gone(struct vm *vm);

/* Pool pages held by channel queues (for GET_STATISTICS and tests). */
u64 chan_pool_pages(void);

#endif
