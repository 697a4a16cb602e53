/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Who owns every page of RAM.  This is where a page changes owner: every
 * hypercall that names a physical address asks here first, and every
 * transition (lending a host page to a guest, pinning a page the hypervisor
 * reads or writes on the host's behalf) is recorded here.
 *
 * States (one 32-bit word per page):
 *   HOST   the host's page; it may also be lent to guests (shared: the host
 *          keeps access, as for every non-protected VM) and pinned by the
 *          hypervisor (the driver's run areas and buffers);
 *   HYP    the hypervisor's own (the carve-out);
 *   GUEST  donated to a protected guest: absent from the host's stage-2,
 *          mapped by exactly one VM, zeroed before it becomes HOST again;
 *          unless the guest shares it with the host (MEM_SHARE): then it is
 *          in the host's stage-2 too, still the guest's, until MEM_UNSHARE.
 */
#ifndef HYP_MEM_OWNER_H
#define HYP_MEM_OWNER_H

#include <hyp/bootinfo.h>
#include <hyp/types.h>

enum page_owner {
	PAGE_OWNER_HOST = 0,
	PAGE_OWNER_HYP = 1,
	PAGE_OWNER_GUEST = 2,
	PAGE_OWNER_NONE = 3,	/* not RAM (mem_owner_of() only) */
};

/* Bytes of page metadata mem_owner_init() needs for these RAM ranges. */
u64 mem_owner_meta_size(const struct mem_range *ram, unsigned int nr);

/*
 * Track the given RAM ranges (page aligned) with metadata at meta (zeroed,
 * mem_owner_meta_size() bytes).  Every page starts as the host's.
 */
void mem_owner_init(const struct mem_range *ram, unsigned int nr, void *meta);

/* Mark [pa, pa + size) as the hypervisor's (the carve-out at boot). */
int mem_owner_claim_hyp(u64 pa, u64 size);

/* Is [pa, pa + size) RAM that belongs to the host (whatever it is lent to)? */
bool mem_owner_is_host(u64 pa, u64 size);

/*
 * The hypervisor will read and write [pa, pa + size) on the host's behalf
 * (run area, buffers): it must be host RAM, and stays pinned so that it can
 * never be donated away while in use.  Returns 0 or a GZVM_ERR_* status.
 */
int mem_owner_pin_host(u64 pa, u64 size);
void mem_owner_unpin_host(u64 pa, u64 size);

/*
 * The same for memory the hypervisor keeps for an object's whole life (a
 * vCPU's run area, a VM's PFN buffer): when it is pinned, no page of it may
 * be pinned for anything else or mapped into a guest, so that another
 * vCPU's exits or a guest's stores cannot overwrite it (GZVM_ERR_BUSY).
 * Mapping it into a non-protected guest later stays possible: that is the
 * host handing out its own memory.  Released with mem_owner_unpin_host().
 */
int mem_owner_pin_host_alone(u64 pa, u64 size);

/* Lend one host page to a non-protected guest (counted).  0 or GZVM_ERR_*. */
int mem_owner_lend(u64 pa);
void mem_owner_unlend(u64 pa);

/* Guest mappings of host pages over all VMs (a page lent twice counts twice). */
u64 mem_owner_total_lent(void);

/*
 * Donate one host page to a protected guest: it must be pinned by nobody and
 * mapped by exactly `lends` guests (1: the VM's own lent mapping, converted
 * when the VM is sealed; 0: a page about to be mapped).  The caller removes
 * it from the host's stage-2.  0, GZVM_ERR_BUSY (pinned or mapped elsewhere)
 * or GZVM_ERR_INVALID_ARGS (not host RAM).
 */
int mem_owner_donate(u64 pa, u32 lends);
/*
 * A donated page back to the host, still mapped by `lends` guests: 0 when
 * the guest let go (the caller has scrubbed the page), 1 to undo a
 * donation of a VM's own lent mapping.
 */
void mem_owner_reclaim(u64 pa, u32 lends);
/* Pages owned by protected guests. */
u64 mem_owner_total_donated(void);

/*
 * A donated page the guest shares with the host, or takes back (the caller
 * maps it into the host's stage-2, or out of it).  0, or
 * GZVM_ERR_INVALID_ARGS when pa is not a guest page not shared (share) or
 * shared (unshare).  mem_owner_reclaim() ends sharing too.
 */
int mem_owner_share(u64 pa);
int mem_owner_unshare(u64 pa);
bool mem_owner_guest_shared(u64 pa);
/* Guest pages shared with the host, over all VMs. */
u64 mem_owner_total_shared(void);

/* Counters for the tests and statistics of a page (0 when not RAM). */
enum page_owner mem_owner_of(u64 pa);
u32 mem_owner_lend_count(u64 pa);
u32 mem_owner_pin_count(u64 pa);

#endif
