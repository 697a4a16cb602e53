// SPDX-License-Identifier: GPL-2.0-only
/*
 * The gzvm headers inside a kernel build (__KERNEL__, the kernel's own
 * <linux/types.h> and <linux/ioctl.h>, gnu11, -Werror-ish kbuild flags):
 * every expectation of abi_expect.h becomes a static_assert.  The module
 * is never loaded; building it is the test.
 */
#include <linux/build_bug.h>
#include <linux/module.h>
#include <linux/stddef.h>

#include "abi_expect.h"

#define SA_S(t, sz)	static_assert(sizeof(t) == (sz), #t);
#define SA_F(t, m, off, sz)							\
	static_assert(offsetof(t, m) == (off) && sizeof(((t *)0)->m) == (sz), #t "." #m);
#define SA_O(t, m, off)	static_assert(offsetof(t, m) == (off), #t "." #m);
#define SA_LAYOUT(name, desc)	ABI_L_##name(SA_S, SA_F, SA_O)
#define SA_C(e, v)								\
	static_assert((unsigned long long)(e) == (unsigned long long)(v), #e " == " #v);
#define SA_CONST(name, desc)	ABI_C_##name(SA_C)

ABI_LAYOUT_GROUPS(SA_LAYOUT)
ABI_CONST_GROUPS(SA_CONST)

/* In the kernel the hvc.h shim must resolve to the kernel's fixed types. */
static_assert(__builtin_types_compatible_p(gzvm_u64, __u64), "gzvm_u64 is __u64");
static_assert(__builtin_types_compatible_p(gzvm_u32, __u32), "gzvm_u32 is __u32");

static int __init gzvm_abi_kmod_init(void)
{
	return gzvm_hvc_fn(GZVM_FID_PROBE) == GZVM_FN_PROBE ? 0 : -EINVAL;
}
module_init(gzvm_abi_kmod_init);

MODULE_DESCRIPTION("gzvm ABI header compile check");
MODULE_LICENSE("GPL");
