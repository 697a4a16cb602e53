// SPDX-License-Identifier: GPL-2.0-only
/* Which abort the host gets for a forbidden access (see host_abort.h for why). */
#include <hyp/host_abort.h>

/* VA bit 55 selects TTBR1 (kernel half) for both 48- and 52-bit VAs. */
#define VA_TTBR1	(1ULL << 55)

enum host_abort_kind host_abort_kind(const struct host_fault *f)
{
	if (f->from_el0 || f->s1ptw)
		return HOST_ABORT_EXTERNAL;
	if (f->instruction)
		return HOST_ABORT_PERMISSION;
	if (f->va_valid && (f->va & VA_TTBR1))
		return HOST_ABORT_PERMISSION;
	return HOST_ABORT_ALIGNMENT;
}
