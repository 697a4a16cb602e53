/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's stage-2 translation (VMID 0): where a page leaves the host for
 * a protected guest and where it comes back.  An identity map of the
 * physical address space built at boot (RAM as normal memory, the rest as
 * device memory, the carve-out absent); at run time, pages donated to
 * protected guests are taken out and, once scrubbed, put back.
 *
 * The host keeps running on every other CPU while its stage-2 changes.  A
 * block is split break-before-make, so another CPU can fault on a page that
 * stays mapped: host_s2_mapped() answers under the same lock, and such a
 * fault is simply retried.  Ownership (mem_owner) and the mapping change
 * together under that lock, so no one sees a page owned by a guest and
 * mapped for the host.
 */
#ifndef HYP_HOST_S2_H
#define HYP_HOST_S2_H

#include <asm/pgtable.h>
#include <hyp/bootinfo.h>
#include <hyp/layout.h>
#include <hyp/types.h>

/* Build the boot map (pool pages); returns it for arch_host_s2_prepare(). */
struct pgtable *host_s2_build(const struct boot_info *bi, const struct boot_layout *l,
			      unsigned int pa_bits);

/*
 * Donate nr pages from pa to a protected guest (mem_owner_donate() of each
 * with `lends`) and unmap them from the host, TLBs flushed on return.  All
 * or nothing: 0, GZVM_ERR_BUSY / GZVM_ERR_INVALID_ARGS from mem_owner, or
 * GZVM_ERR_NO_MEMORY when a block could not be split.
 */
int host_s2_donate(u64 pa, u64 nr, u32 lends);

/*
 * Give nr scrubbed pages from pa back to the host, `lends` guest mappings
 * remaining (0 after a guest let go; 1 to undo a donation of its own
 * mapping), and map them again, as 2 MiB blocks where the whole block is
 * the host's.
 */
void host_s2_reclaim(u64 pa, u64 nr, u32 lends);

/*
 * A protected guest's page at pa (donated) shared with the host, mapped into
 * its stage-2 again; and taken back, unmapped, TLBs flushed on return.  0,
 * GZVM_ERR_INVALID_ARGS (not a guest page in the other state) or
 * GZVM_ERR_NO_MEMORY (no table for the mapping; nothing changed).
 */
int host_s2_share(u64 pa);
int host_s2_unshare(u64 pa);

/* Does the host's stage-2 map ipa right now (a fault on it is stale)? */
bool host_s2_mapped(u64 ipa);

#endif
