// SPDX-License-Identifier: GPL-2.0-only
/*
 * C++ compatibility of the gzvm headers: both must parse as ISO C++
 * (g++ -std=c++17 -Wpedantic), and the layouts seen by a C++ VMM must be
 * the ones C sees.  Compile-only.
 */
#include <cstddef>
#include <type_traits>

#include "abi_expect.h"

#define SA_S(t, sz)	static_assert(sizeof(t) == (sz), "sizeof(" #t ") == " #sz);
#define SA_F(t, m, off, sz)							\
	static_assert(offsetof(t, m) == (off), "offsetof(" #t ", " #m ") == " #off); \
	static_assert(sizeof(((t *)0)->m) == (sz), "sizeof(" #t "." #m ") == " #sz);
#define SA_O(t, m, off)							\
	static_assert(offsetof(t, m) == (off), "offsetof(" #t ", " #m ") == " #off);
#define SA_LAYOUT(name, desc)	ABI_L_##name(SA_S, SA_F, SA_O)

#define SA_C(e, v)								\
	static_assert((unsigned long long)(e) == (unsigned long long)(v), #e " == " #v);
#define SA_CONST(name, desc)	ABI_C_##name(SA_C)

ABI_LAYOUT_GROUPS(SA_LAYOUT)
ABI_CONST_GROUPS(SA_CONST)

/* Plain data: usable with memcpy, ioctl buffers and bindgen-style FFI. */
static_assert(std::is_standard_layout<gzvm_vcpu_run>::value, "run standard layout");
static_assert(std::is_trivially_copyable<gzvm_vcpu_run>::value, "run trivially copyable");
static_assert(std::is_standard_layout<gzvm_vcpu_hwstate>::value, "hwstate standard layout");
static_assert(std::is_trivially_copyable<gzvm_create_device>::value, "create_device pod");

/* Use the types the way a VMM would. */
int gzvm_abi_cxx_use(gzvm_vcpu_run *run, unsigned int fid);
int gzvm_abi_cxx_use(gzvm_vcpu_run *run, unsigned int fid)
{
	gzvm_one_reg reg = { GZVM_REG_ARM64_PC, 0 };
	gzvm_irq_level lvl = {};
	gzvm_enable_cap cap = { GZVM_CAP_PROTECTED_VM, { GZVM_CAP_PVM_GET_PVMFW_SIZE, 0, 0, 0, 0 } };

	lvl.irq = GZVM_IRQ_LINE_ENCODE(GZVM_IRQ_TYPE_SPI, 0, 4);
	lvl.level = 1;
	if (run->exit_reason == GZVM_EXIT_MMIO && !run->mmio.is_write)
		run->mmio.data[0] = (unsigned char)(reg.id + lvl.irq + cap.args[0]);
	return gzvm_hvc_fn(fid) + (int)GZVM_TUPLE_VCPU_ID(GZVM_VCPU_TUPLE(1, 2));
}
