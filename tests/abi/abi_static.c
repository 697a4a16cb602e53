// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compile-time ABI pins: every expectation of abi_expect.h as a C11
 * _Static_assert.  Built with gcc and clang for the host and with
 * aarch64-linux-gnu-gcc (the real LP64 target); it only has to compile.
 */
#include <stddef.h>

#include "abi_expect.h"

#define SA_S(t, sz)								\
	_Static_assert(sizeof(t) == (sz), "sizeof(" #t ") == " #sz);
#define SA_F(t, m, off, sz)							\
	_Static_assert(offsetof(t, m) == (off), "offsetof(" #t ", " #m ") == " #off); \
	_Static_assert(sizeof(((t *)0)->m) == (sz), "sizeof(" #t "." #m ") == " #sz);
#define SA_O(t, m, off)							\
	_Static_assert(offsetof(t, m) == (off), "offsetof(" #t ", " #m ") == " #off);
#define SA_LAYOUT(name, desc)	ABI_L_##name(SA_S, SA_F, SA_O)

#define SA_C(e, v)								\
	_Static_assert((unsigned long long)(e) == (unsigned long long)(v), #e " == " #v);
#define SA_CONST(name, desc)	ABI_C_##name(SA_C)

ABI_LAYOUT_GROUPS(SA_LAYOUT)
ABI_CONST_GROUPS(SA_CONST)

/* Every struct is 8-byte aligned on LP64 (no u128 or larger members). */
_Static_assert(_Alignof(struct gzvm_vcpu_run) == 8, "alignof(gzvm_vcpu_run)");
_Static_assert(_Alignof(struct gzvm_vcpu_hwstate) == 8, "alignof(gzvm_vcpu_hwstate)");
_Static_assert(_Alignof(struct gzvm_irq_level) == 4, "alignof(gzvm_irq_level)");
/* The LP64 assumption behind the [derived] hex values of section 3. */
_Static_assert(sizeof(long) == 8 && sizeof(void *) == 8, "LP64 target");
/* Run area: both pages must fit their structures. */
_Static_assert(sizeof(struct gzvm_vcpu_run) <= 4096, "run fits page 0");
_Static_assert(sizeof(struct gzvm_vcpu_hwstate) <= 4096, "hwstate fits page 1");

/* Keep the unit non-empty for -Wpedantic. */
int gzvm_abi_static_unit;
