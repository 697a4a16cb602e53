/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the host sees when it touches memory its stage-2 does not map (the
 * carve-out, later pages owned by protected guests, addresses beyond the
 * physical map).  The hypervisor never hands back data: it injects a
 * synchronous abort into the host, chosen so that Linux reacts as it would
 * to a forbidden access, and never loops re-taking the same fault:
 *
 *  - from EL0, or on a stage-1 table walk: a synchronous external abort
 *    (Linux: SIGBUS for a process, an oops for a walk of broken tables);
 *  - from EL1 at a kernel (TTBR1) address: a level-3 permission fault, which
 *    Linux resolves through the exception table (copy_from_kernel_nofault()
 *    gets -EFAULT) or reports as "read from unreadable memory";
 *  - from EL1 at a user (TTBR0) address, e.g. a uaccess to a /dev/mem mapping
 *    of the carve-out: an alignment fault.  Linux would treat a permission or
 *    translation fault on a valid user PTE as spurious and retry forever,
 *    and an external abort in the kernel as fatal; the alignment fault goes
 *    straight to the exception table (-EFAULT) and is fatal only without a
 *    fixup, like any bad kernel access.
 */
#ifndef HYP_HOST_ABORT_H
#define HYP_HOST_ABORT_H

#include <hyp/types.h>

enum host_abort_kind {
	HOST_ABORT_EXTERNAL,
	HOST_ABORT_PERMISSION,
	HOST_ABORT_ALIGNMENT,
};

struct host_fault {
	bool from_el0;
	bool instruction;	/* instruction fetch, not data access */
	bool s1ptw;		/* during the host's own stage-1 table walk */
	bool va_valid;		/* FAR holds the virtual address */
	u64 va;
};

enum host_abort_kind host_abort_kind(const struct host_fault *f);

#endif
