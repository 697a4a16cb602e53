// SPDX-License-Identifier: GPL-2.0-only
/*
 * <gzvm/hvc.h> as the hypervisor sees it: freestanding, no libc and no
 * Linux headers on the include path (built with -ffreestanding -nostdinc
 * and only the compiler's own include directory).
 */
#include <stddef.h>

#include <gzvm/hvc.h>

_Static_assert(sizeof(struct gzvm_vcpu_hwstate) == 160, "hwstate size");
_Static_assert(offsetof(struct gzvm_vcpu_hwstate, vtimer_offset) == 136, "vtimer_offset");
_Static_assert(offsetof(struct gzvm_vcpu_hwstate, vtimer_delay) == 144, "vtimer_delay");
_Static_assert(offsetof(struct gzvm_vcpu_hwstate, vtimer_migrate) == 152, "vtimer_migrate");
_Static_assert(sizeof(struct gzvm_memory_region_ranges) == 24, "ranges header");
_Static_assert(sizeof(struct mem_region_addr_range) == 16, "constituent");
_Static_assert(GZVM_HVC_ID_SMC64(GZVM_FN_PROBE) == 0xFB00100CU, "PROBE SMC64");
_Static_assert(GZVM_HVC_ID_SMC32(GZVM_FN_PROBE) == 0xBB00100CU, "PROBE SMC32");

int hvc_decode(gzvm_u32 fid);
int hvc_decode(gzvm_u32 fid)
{
	return gzvm_hvc_fn(fid);
}
