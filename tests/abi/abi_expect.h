/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Expected ABI values, typed in from the tables of gzvm-abi.md (sections
 * 3, 4, 5 and 6) -- deliberately NOT computed from the headers under test.
 *
 * Every group below is an X-macro list so the same numbers feed
 *   - abi_static.c  (C11 _Static_assert, also cross-compiled for arm64),
 *   - abi_cxx.cc    (C++ static_assert),
 *   - abi_test.c    (runtime checks printing one TAP line per group).
 *
 * Layout groups take two callbacks:
 *   S(type, size)                  sizeof(type) == size
 *   F(type, member, offset, size)  offsetof and sizeof of one member
 * Field groups whose last member is a flexible array use
 *   O(type, member, offset)        offsetof only
 * Constant groups take one callback:
 *   C(expression, expected)        (unsigned long long) equality
 */
#ifndef GZVM_TESTS_ABI_EXPECT_H
#define GZVM_TESTS_ABI_EXPECT_H

#include <linux/gzvm.h>
#include <gzvm/hvc.h>

/* ---- 4.x UAPI structures ------------------------------------------------ */

#define ABI_L_memory_region(S, F, O)					\
	S(struct gzvm_memory_region, 24)					\
	F(struct gzvm_memory_region, slot, 0, 4)				\
	F(struct gzvm_memory_region, flags, 4, 4)				\
	F(struct gzvm_memory_region, guest_phys_addr, 8, 8)			\
	F(struct gzvm_memory_region, memory_size, 16, 8)

#define ABI_L_userspace_memory_region(S, F, O)				\
	S(struct gzvm_userspace_memory_region, 32)				\
	F(struct gzvm_userspace_memory_region, slot, 0, 4)			\
	F(struct gzvm_userspace_memory_region, flags, 4, 4)			\
	F(struct gzvm_userspace_memory_region, guest_phys_addr, 8, 8)		\
	F(struct gzvm_userspace_memory_region, memory_size, 16, 8)		\
	F(struct gzvm_userspace_memory_region, userspace_addr, 24, 8)

#define ABI_L_irq_level(S, F, O)						\
	S(struct gzvm_irq_level, 8)						\
	F(struct gzvm_irq_level, irq, 0, 4)					\
	F(struct gzvm_irq_level, status, 0, 4)				\
	F(struct gzvm_irq_level, level, 4, 4)

#define ABI_L_create_device(S, F, O)						\
	S(struct gzvm_create_device, 48)					\
	F(struct gzvm_create_device, dev_type, 0, 4)				\
	F(struct gzvm_create_device, id, 4, 4)				\
	F(struct gzvm_create_device, flags, 8, 8)				\
	F(struct gzvm_create_device, dev_addr, 16, 8)				\
	F(struct gzvm_create_device, dev_reg_size, 24, 8)			\
	F(struct gzvm_create_device, attr_addr, 32, 8)			\
	F(struct gzvm_create_device, attr_size, 40, 8)

#define ABI_L_vcpu_run_header(S, F, O)					\
	S(struct gzvm_vcpu_run, 264)						\
	F(struct gzvm_vcpu_run, exit_reason, 0, 4)				\
	F(struct gzvm_vcpu_run, immediate_exit, 4, 1)				\
	F(struct gzvm_vcpu_run, padding1, 5, 3)				\
	F(struct gzvm_vcpu_run, padding, 8, 256)				\
	F(struct gzvm_vcpu_run, mmio, 8, 32)					\
	F(struct gzvm_vcpu_run, fail_entry, 8, 16)				\
	F(struct gzvm_vcpu_run, exception, 8, 256)				\
	F(struct gzvm_vcpu_run, hypercall, 8, 64)				\
	F(struct gzvm_vcpu_run, internal, 8, 136)				\
	F(struct gzvm_vcpu_run, system_event, 8, 136)

#define ABI_L_vcpu_run_mmio(S, F, O)						\
	F(struct gzvm_vcpu_run, mmio.phys_addr, 8, 8)				\
	F(struct gzvm_vcpu_run, mmio.data, 16, 8)				\
	F(struct gzvm_vcpu_run, mmio.size, 24, 8)				\
	F(struct gzvm_vcpu_run, mmio.reg_nr, 32, 4)				\
	F(struct gzvm_vcpu_run, mmio.is_write, 36, 1)

#define ABI_L_vcpu_run_fail_entry(S, F, O)					\
	F(struct gzvm_vcpu_run, fail_entry.hardware_entry_failure_reason, 8, 8) \
	F(struct gzvm_vcpu_run, fail_entry.cpu, 16, 4)

#define ABI_L_vcpu_run_exception(S, F, O)					\
	F(struct gzvm_vcpu_run, exception.exception, 8, 4)			\
	F(struct gzvm_vcpu_run, exception.error_code, 12, 4)			\
	F(struct gzvm_vcpu_run, exception.fault_gpa, 16, 8)			\
	F(struct gzvm_vcpu_run, exception.reserved, 24, 240)

#define ABI_L_vcpu_run_hypercall(S, F, O)					\
	F(struct gzvm_vcpu_run, hypercall.args, 8, 64)

#define ABI_L_vcpu_run_internal(S, F, O)					\
	F(struct gzvm_vcpu_run, internal.suberror, 8, 4)			\
	F(struct gzvm_vcpu_run, internal.ndata, 12, 4)			\
	F(struct gzvm_vcpu_run, internal.data, 16, 128)

#define ABI_L_vcpu_run_system_event(S, F, O)					\
	F(struct gzvm_vcpu_run, system_event.type, 8, 4)			\
	F(struct gzvm_vcpu_run, system_event.ndata, 12, 4)			\
	F(struct gzvm_vcpu_run, system_event.data, 16, 128)

#define ABI_L_enable_cap(S, F, O)						\
	S(struct gzvm_enable_cap, 48)						\
	F(struct gzvm_enable_cap, cap, 0, 8)					\
	F(struct gzvm_enable_cap, args, 8, 40)

#define ABI_L_one_reg(S, F, O)						\
	S(struct gzvm_one_reg, 16)						\
	F(struct gzvm_one_reg, id, 0, 8)					\
	F(struct gzvm_one_reg, addr, 8, 8)

#define ABI_L_irqfd(S, F, O)							\
	S(struct gzvm_irqfd, 32)						\
	F(struct gzvm_irqfd, fd, 0, 4)					\
	F(struct gzvm_irqfd, gsi, 4, 4)					\
	F(struct gzvm_irqfd, flags, 8, 4)					\
	F(struct gzvm_irqfd, resamplefd, 12, 4)				\
	F(struct gzvm_irqfd, pad, 16, 16)

#define ABI_L_ioeventfd(S, F, O)						\
	S(struct gzvm_ioeventfd, 64)						\
	F(struct gzvm_ioeventfd, datamatch, 0, 8)				\
	F(struct gzvm_ioeventfd, addr, 8, 8)					\
	F(struct gzvm_ioeventfd, len, 16, 4)					\
	F(struct gzvm_ioeventfd, fd, 20, 4)					\
	F(struct gzvm_ioeventfd, flags, 24, 4)				\
	F(struct gzvm_ioeventfd, pad, 28, 36)

#define ABI_L_dtb_config(S, F, O)						\
	S(struct gzvm_dtb_config, 16)						\
	F(struct gzvm_dtb_config, dtb_addr, 0, 8)				\
	F(struct gzvm_dtb_config, dtb_size, 8, 8)

/* ---- 6.5 / 6.6 driver <-> hypervisor structures -------------------------- */

#define ABI_L_vcpu_hwstate(S, F, O)						\
	S(struct gzvm_vcpu_hwstate, 160)					\
	F(struct gzvm_vcpu_hwstate, nr_lrs, 0, 4)				\
	F(struct gzvm_vcpu_hwstate, __pad, 4, 4)				\
	F(struct gzvm_vcpu_hwstate, lr, 8, 128)				\
	F(struct gzvm_vcpu_hwstate, vtimer_offset, 136, 8)			\
	F(struct gzvm_vcpu_hwstate, vtimer_delay, 144, 8)			\
	F(struct gzvm_vcpu_hwstate, vtimer_migrate, 152, 4)			\
	F(struct gzvm_vcpu_hwstate, __pad2, 156, 4)

#define ABI_L_mem_region_addr_range(S, F, O)					\
	S(struct mem_region_addr_range, 16)					\
	F(struct mem_region_addr_range, address, 0, 8)			\
	F(struct mem_region_addr_range, pg_cnt, 8, 4)				\
	F(struct mem_region_addr_range, reserved, 12, 4)

#define ABI_L_memory_region_ranges(S, F, O)					\
	S(struct gzvm_memory_region_ranges, 24)				\
	F(struct gzvm_memory_region_ranges, slot, 0, 4)			\
	F(struct gzvm_memory_region_ranges, constituent_cnt, 4, 4)		\
	F(struct gzvm_memory_region_ranges, total_pages, 8, 8)		\
	F(struct gzvm_memory_region_ranges, gpa, 16, 8)			\
	O(struct gzvm_memory_region_ranges, constituents, 24)

#define ABI_LAYOUT_GROUPS(G)							\
	G(memory_region, "struct gzvm_memory_region (4.1)")			\
	G(userspace_memory_region, "struct gzvm_userspace_memory_region (4.2)") \
	G(irq_level, "struct gzvm_irq_level (4.3)")				\
	G(create_device, "struct gzvm_create_device (4.4)")			\
	G(vcpu_run_header, "struct gzvm_vcpu_run header and union (4.5)")	\
	G(vcpu_run_mmio, "gzvm_vcpu_run.mmio (4.5)")				\
	G(vcpu_run_fail_entry, "gzvm_vcpu_run.fail_entry (4.5)")		\
	G(vcpu_run_exception, "gzvm_vcpu_run.exception, v6+ layout (4.5)")	\
	G(vcpu_run_hypercall, "gzvm_vcpu_run.hypercall (4.5)")		\
	G(vcpu_run_internal, "gzvm_vcpu_run.internal (4.5)")			\
	G(vcpu_run_system_event, "gzvm_vcpu_run.system_event (4.5)")		\
	G(enable_cap, "struct gzvm_enable_cap (4.6)")				\
	G(one_reg, "struct gzvm_one_reg (4.7)")				\
	G(irqfd, "struct gzvm_irqfd (4.8)")					\
	G(ioeventfd, "struct gzvm_ioeventfd (4.9)")				\
	G(dtb_config, "struct gzvm_dtb_config (4.10)")			\
	G(vcpu_hwstate, "struct gzvm_vcpu_hwstate, v12+ (6.5)")		\
	G(mem_region_addr_range, "struct mem_region_addr_range (6.6)")	\
	G(memory_region_ranges, "struct gzvm_memory_region_ranges (6.6)")

/* ---- 3 ioctl numbers (hex values of the section 3 table) ----------------- */

#define ABI_C_ioctls(C)							\
	C(GZVM_IOC_MAGIC, 0x92)						\
	C(GZVM_GET_API_VERSION, 0x00009200)					\
	C(GZVM_CREATE_VM, 0x00009201)						\
	C(GZVM_CHECK_EXTENSION, 0x00009203)					\
	C(GZVM_SET_MEMORY_REGION, 0x40189240)					\
	C(GZVM_CREATE_VCPU, 0x00009241)					\
	C(GZVM_SET_USER_MEMORY_REGION, 0x40209246)				\
	C(GZVM_CREATE_IRQCHIP, 0x00009260)					\
	C(GZVM_IRQ_LINE, 0x40089261)						\
	C(GZVM_IRQFD, 0x40209276)						\
	C(GZVM_IOEVENTFD, 0x40409279)						\
	C(GZVM_RUN, 0x00009280)						\
	C(GZVM_ENABLE_CAP, 0x403092A3)					\
	C(GZVM_GET_ONE_REG, 0x401092AB)					\
	C(GZVM_SET_ONE_REG, 0x401092AC)					\
	C(GZVM_CREATE_DEVICE, 0xC03092E0)					\
	C(GZVM_SET_DTB_CONFIG, 0x401092FF)

/* The same ioctls taken apart: direction, type, number and size fields. */
#define ABI_IOCTL_FIELDS_ONE(C, ioc, dir, nr, size)				\
	C(_IOC_DIR(ioc), dir)							\
	C(_IOC_TYPE(ioc), 0x92)						\
	C(_IOC_NR(ioc), nr)							\
	C(_IOC_SIZE(ioc), size)
#define ABI_C_ioctl_fields(C)							\
	ABI_IOCTL_FIELDS_ONE(C, GZVM_GET_API_VERSION, _IOC_NONE, 0x00, 0)	\
	ABI_IOCTL_FIELDS_ONE(C, GZVM_CREATE_VM, _IOC_NONE, 0x01, 0)		\
	ABI_IOCTL_FIELDS_ONE(C, GZVM_CHECK_EXTENSION, _IOC_NONE, 0x03, 0)	\
	ABI_IOCTL_FIELDS_ONE(C, GZVM_SET_MEMORY_REGION, _IOC_WRITE, 0x40, 24)	\
	ABI_IOCTL_FIELDS_ONE(C, GZVM_CREATE_VCPU, _IOC_NONE, 0x41, 0)		\
	ABI_IOCTL_FIELDS_ONE(C, GZVM_SET_USER_MEMORY_REGION, _IOC_WRITE, 0x46, 32) \
	ABI_IOCTL_FIELDS_ONE(C, GZVM_CREATE_IRQCHIP, _IOC_NONE, 0x60, 0)	\
	ABI_IOCTL_FIELDS_ONE(C, GZVM_IRQ_LINE, _IOC_WRITE, 0x61, 8)		\
	ABI_IOCTL_FIELDS_ONE(C, GZVM_IRQFD, _IOC_WRITE, 0x76, 32)		\
	ABI_IOCTL_FIELDS_ONE(C, GZVM_IOEVENTFD, _IOC_WRITE, 0x79, 64)		\
	ABI_IOCTL_FIELDS_ONE(C, GZVM_RUN, _IOC_NONE, 0x80, 0)			\
	ABI_IOCTL_FIELDS_ONE(C, GZVM_ENABLE_CAP, _IOC_WRITE, 0xa3, 48)	\
	ABI_IOCTL_FIELDS_ONE(C, GZVM_GET_ONE_REG, _IOC_WRITE, 0xab, 16)	\
	ABI_IOCTL_FIELDS_ONE(C, GZVM_SET_ONE_REG, _IOC_WRITE, 0xac, 16)	\
	ABI_IOCTL_FIELDS_ONE(C, GZVM_CREATE_DEVICE, _IOC_READ | _IOC_WRITE, 0xe0, 48) \
	ABI_IOCTL_FIELDS_ONE(C, GZVM_SET_DTB_CONFIG, _IOC_WRITE, 0xff, 16)

/* ---- 5.x constants ------------------------------------------------------- */

#define ABI_C_caps(C)								\
	C(GZVM_CAP_VM_GPA_SIZE, 0xa5)						\
	C(GZVM_CAP_PROTECTED_VM, 0xffbadab1)					\
	C(GZVM_CAP_BLOCK_BASED_DEMAND_PAGING, 0x9201)				\
	C(GZVM_CAP_ENABLE_DEMAND_PAGING, 0x9202)				\
	C(GZVM_CAP_ENABLE_IDLE, 0x9203)					\
	C(GZVM_CAP_QUERY_HYP_BATCH_PAGES, 0x9204)				\
	C(GZVM_CAP_QUERY_DESTROY_BATCH_PAGES, 0x9205)				\
	C(GZVM_CAP_PVM_SET_PVMFW_GPA, 0)					\
	C(GZVM_CAP_PVM_GET_PVMFW_SIZE, 1)					\
	C(GZVM_CAP_PVM_SET_PROTECTED_VM, 2)					\
	C(GZVM_CAP_ARM_VM_IPA_SIZE, 0xa5)					\
	C(GZVM_CAP_ARM_PROTECTED_VM, 0xffbadab1)				\
	C(GZVM_CAP_ARM_PVM_SET_PVMFW_IPA, 0)					\
	C(GZVM_CAP_ARM_PVM_GET_PVMFW_SIZE, 1)					\
	C(GZVM_CAP_ARM_PVM_SET_PROTECTED_VM, 2)

#define ABI_C_exit_reasons(C)							\
	C(GZVM_EXIT_UNKNOWN, 0x92920000)					\
	C(GZVM_EXIT_MMIO, 0x92920001)						\
	C(GZVM_EXIT_HYPERCALL, 0x92920002)					\
	C(GZVM_EXIT_HVC, 0x92920002)						\
	C(GZVM_EXIT_IRQ, 0x92920003)						\
	C(GZVM_EXIT_EXCEPTION, 0x92920004)					\
	C(GZVM_EXIT_DEBUG, 0x92920005)					\
	C(GZVM_EXIT_FAIL_ENTRY, 0x92920006)					\
	C(GZVM_EXIT_INTERNAL_ERROR, 0x92920007)				\
	C(GZVM_EXIT_SYSTEM_EVENT, 0x92920008)					\
	C(GZVM_EXIT_SHUTDOWN, 0x92920009)					\
	C(GZVM_EXIT_GZ, 0x9292000a)						\
	C(GZVM_EXIT_IDLE, 0x9292000b)						\
	C(GZVM_EXIT_IPI, 0x9292000d)

#define ABI_C_exception_and_system_event(C)					\
	C(GZVM_EXCEPTION_UNKNOWN, 0)						\
	C(GZVM_EXCEPTION_PAGE_FAULT, 1)					\
	C(GZVM_SYSTEM_EVENT_SHUTDOWN, 1)					\
	C(GZVM_SYSTEM_EVENT_RESET, 2)						\
	C(GZVM_SYSTEM_EVENT_CRASH, 3)						\
	C(GZVM_SYSTEM_EVENT_WAKEUP, 4)					\
	C(GZVM_SYSTEM_EVENT_SUSPEND, 5)					\
	C(GZVM_SYSTEM_EVENT_SEV_TERM, 6)					\
	C(GZVM_SYSTEM_EVENT_S2IDLE, 7)

#define ABI_C_guest_hypercalls(C)						\
	C(GZVM_HVC_PTP, 0x86000001)						\
	C(GZVM_HVC_MEM_RELINQUISH, 0xc6000009)

#define ABI_C_irq_line(C)							\
	C(GZVM_IRQ_VCPU2_SHIFT, 28)						\
	C(GZVM_IRQ_VCPU2_MASK, 0xf)						\
	C(GZVM_IRQ_TYPE_SHIFT, 24)						\
	C(GZVM_IRQ_TYPE_MASK, 0xf)						\
	C(GZVM_IRQ_VCPU_SHIFT, 16)						\
	C(GZVM_IRQ_VCPU_MASK, 0xff)						\
	C(GZVM_IRQ_NUM_SHIFT, 0)						\
	C(GZVM_IRQ_NUM_MASK, 0xffff)						\
	C(GZVM_IRQ_LINE_VCPU2, 0xf0000000)					\
	C(GZVM_IRQ_LINE_TYPE, 0x0f000000)					\
	C(GZVM_IRQ_LINE_VCPU, 0x00ff0000)					\
	C(GZVM_IRQ_LINE_NUM, 0x0000ffff)					\
	C(GZVM_IRQ_TYPE_CPU, 0)						\
	C(GZVM_IRQ_TYPE_SPI, 1)						\
	C(GZVM_IRQ_TYPE_PPI, 2)						\
	C(GZVM_IRQ_CPU_IRQ, 0)						\
	C(GZVM_IRQ_CPU_FIQ, 1)						\
	C(GZVM_IRQ_LINE_ENCODE(GZVM_IRQ_TYPE_SPI, 0, 5), 0x01000005)		\
	C(GZVM_IRQ_LINE_ENCODE(GZVM_IRQ_TYPE_PPI, 3, 27), 0x0203001b)		\
	C(GZVM_IRQ_LINE_ENCODE(GZVM_IRQ_TYPE_SPI, 0x2a5, 0xbeef), 0x21a5beef)	\
	C(GZVM_IRQ_LINE_GET_TYPE(0x21a5beef), 1)				\
	C(GZVM_IRQ_LINE_GET_VCPU(0x21a5beef), 0x2a5)				\
	C(GZVM_IRQ_LINE_GET_NUM(0x21a5beef), 0xbeef)				\
	C(GZVM_IRQ_LINE_GET_VCPU(0x0007002a), 7)				\
	C(GZVM_IRQ_LINE_GET_NUM(0x0007002a), 42)

#define ABI_C_device_types(C)							\
	C(GZVM_DEV_TYPE_ARM_VGIC_V3_DIST, 0)					\
	C(GZVM_DEV_TYPE_ARM_VGIC_V3_REDIST, 1)				\
	C(GZVM_DEV_TYPE_MAX, 2)

#define ABI_C_mem_region_flags(C)						\
	C(GZVM_USER_MEM_REGION_GUEST_MEM, 1)					\
	C(GZVM_USER_MEM_REGION_PROTECT_FW, 2)					\
	C(GZVM_USER_MEM_REGION_STATIC_SWIOTLB, 4)

#define ABI_C_one_reg_encoding(C)						\
	C(GZVM_REG_GENERIC, 0)							\
	C(GZVM_REG_ARCH_MASK, 0xff00000000000000ULL)				\
	C(GZVM_REG_ARM, 0x4000000000000000ULL)				\
	C(GZVM_REG_ARCH_ARM64, 0x6000000000000000ULL)				\
	C(GZVM_REG_SIZE_SHIFT, 52)						\
	C(GZVM_REG_SIZE_MASK, 0x00f0000000000000ULL)				\
	C(GZVM_REG_SIZE_U8, 0x0000000000000000ULL)				\
	C(GZVM_REG_SIZE_U16, 0x0010000000000000ULL)				\
	C(GZVM_REG_SIZE_U32, 0x0020000000000000ULL)				\
	C(GZVM_REG_SIZE_U64, 0x0030000000000000ULL)				\
	C(GZVM_REG_SIZE_U128, 0x0040000000000000ULL)				\
	C(GZVM_REG_SIZE_U256, 0x0050000000000000ULL)				\
	C(GZVM_REG_SIZE_U512, 0x0060000000000000ULL)				\
	C(GZVM_REG_SIZE_U1024, 0x0070000000000000ULL)				\
	C(GZVM_REG_SIZE_U2048, 0x0080000000000000ULL)				\
	C(GZVM_REG_SIZE(GZVM_REG_SIZE_U8), 1)					\
	C(GZVM_REG_SIZE(GZVM_REG_SIZE_U32), 4)				\
	C(GZVM_REG_SIZE(GZVM_REG_SIZE_U64), 8)				\
	C(GZVM_REG_SIZE(GZVM_REG_SIZE_U128), 16)				\
	C(GZVM_REG_ARM_COPROC_MASK, 0x0fff0000)				\
	C(GZVM_REG_ARM_COPROC_SHIFT, 16)					\
	C(GZVM_REG_ARM_CORE, 0x00100000)					\
	C(GZVM_REG_TYPE_GENERAL, 0x00100000)					\
	C(GZVM_REG_ARM_DEMUX, 0x00110000)					\
	C(GZVM_REG_ARM64_SYSREG, 0x00130000)					\
	C(GZVM_REG_ARM_DEMUX_ID_MASK, 0xff00)					\
	C(GZVM_REG_ARM_DEMUX_ID_SHIFT, 8)					\
	C(GZVM_REG_ARM_DEMUX_ID_CCSIDR, 0)					\
	C(GZVM_REG_ARM_DEMUX_VAL_MASK, 0xff)					\
	C(GZVM_REG_ARM_DEMUX_VAL_SHIFT, 0)					\
	C(GZVM_REG_ARM64_SYSREG_OP0_MASK, 0xc000)				\
	C(GZVM_REG_ARM64_SYSREG_OP0_SHIFT, 14)				\
	C(GZVM_REG_ARM64_SYSREG_OP1_MASK, 0x3800)				\
	C(GZVM_REG_ARM64_SYSREG_OP1_SHIFT, 11)				\
	C(GZVM_REG_ARM64_SYSREG_CRN_MASK, 0x0780)				\
	C(GZVM_REG_ARM64_SYSREG_CRN_SHIFT, 7)					\
	C(GZVM_REG_ARM64_SYSREG_CRM_MASK, 0x0078)				\
	C(GZVM_REG_ARM64_SYSREG_CRM_SHIFT, 3)					\
	C(GZVM_REG_ARM64_SYSREG_OP2_MASK, 0x0007)				\
	C(GZVM_REG_ARM64_SYSREG_OP2_SHIFT, 0)					\
	/* MPIDR_EL1 = op0 3, op1 0, CRn 0, CRm 0, op2 5 */			\
	C(GZVM_REG_ARM64_SYSREG_ID(3, 0, 0, 0, 5), 0x603000000013c005ULL)	\
	/* CNTVOFF_EL2-like max fields: op0 3, op1 7, CRn 15, CRm 15, op2 7 */	\
	C(GZVM_REG_ARM64_SYSREG_ID(3, 7, 15, 15, 7), 0x603000000013ffffULL)

/* 5.10 core register ids ([derived] values of the spec). */
#define ABI_C_core_reg_ids(C)							\
	C(GZVM_REG_ARM64_X(0), 0x6030000000100000ULL)				\
	C(GZVM_REG_ARM64_X(1), 0x6030000000100002ULL)				\
	C(GZVM_REG_ARM64_X(2), 0x6030000000100004ULL)				\
	C(GZVM_REG_ARM64_X(29), 0x603000000010003AULL)			\
	C(GZVM_REG_ARM64_X(30), 0x603000000010003CULL)			\
	C(GZVM_REG_ARM64_SP, 0x603000000010003EULL)				\
	C(GZVM_REG_ARM64_PC, 0x6030000000100040ULL)				\
	C(GZVM_REG_ARM64_PSTATE, 0x6030000000100042ULL)			\
	C(GZVM_REG_ARM64_SP_EL1, 0x6030000000100044ULL)			\
	C(GZVM_REG_ARM64_ELR_EL1, 0x6030000000100046ULL)			\
	C(GZVM_REG_ARM64_SPSR(0), 0x6030000000100048ULL)			\
	C(GZVM_REG_ARM64_SPSR(1), 0x603000000010004AULL)			\
	C(GZVM_REG_ARM64_SPSR(2), 0x603000000010004CULL)			\
	C(GZVM_REG_ARM64_SPSR(3), 0x603000000010004EULL)			\
	C(GZVM_REG_ARM64_SPSR(4), 0x6030000000100050ULL)			\
	C(GZVM_REG_ARM64_SPSR(GZVM_SPSR_EL1), 0x6030000000100048ULL)		\
	C(GZVM_REG_ARM64_SPSR(GZVM_SPSR_FIQ), 0x6030000000100050ULL)		\
	C(GZVM_NR_SPSR, 5)							\
	C(GZVM_REG_ARM64_V(0), 0x6040000000100054ULL)				\
	C(GZVM_REG_ARM64_V(31), 0x60400000001000D0ULL)			\
	C(GZVM_REG_ARM64_FPSR, 0x60200000001000D4ULL)				\
	C(GZVM_REG_ARM64_FPCR, 0x60200000001000D5ULL)

#define ABI_C_eventfd_flags(C)							\
	C(GZVM_IOEVENTFD_FLAG_NR_DATAMATCH, 0)				\
	C(GZVM_IOEVENTFD_FLAG_NR_PIO, 1)					\
	C(GZVM_IOEVENTFD_FLAG_NR_DEASSIGN, 2)					\
	C(GZVM_IOEVENTFD_FLAG_NR_MAX, 3)					\
	C(GZVM_IOEVENTFD_FLAG_DATAMATCH, 1)					\
	C(GZVM_IOEVENTFD_FLAG_PIO, 2)						\
	C(GZVM_IOEVENTFD_FLAG_DEASSIGN, 4)					\
	C(GZVM_IOEVENTFD_VALID_FLAG_MASK, 7)					\
	C(GZVM_IRQFD_FLAG_DEASSIGN, 1)					\
	C(GZVM_IRQFD_FLAG_RESAMPLE, 2)

#define ABI_C_limits(C)							\
	C(GZVM_MAX_VCPUS, 8)							\
	C(GZVM_MAX_MEM_REGION, 10)

/* ---- 6.x driver <-> hypervisor constants --------------------------------- */

#define ABI_C_hvc_fn_numbers(C)						\
	C(GZVM_FN_CREATE_VM, 0)						\
	C(GZVM_FN_DESTROY_VM, 1)						\
	C(GZVM_FN_CREATE_VCPU, 2)						\
	C(GZVM_FN_DESTROY_VCPU, 3)						\
	C(GZVM_FN_SET_MEMREGION, 4)						\
	C(GZVM_FN_RUN, 5)							\
	C(GZVM_FN_GET_ONE_REG, 8)						\
	C(GZVM_FN_SET_ONE_REG, 9)						\
	C(GZVM_FN_IRQ_LINE, 10)						\
	C(GZVM_FN_CREATE_DEVICE, 11)						\
	C(GZVM_FN_PROBE, 12)							\
	C(GZVM_FN_ENABLE_CAP, 13)						\
	C(GZVM_FN_INFORM_EXIT, 14)						\
	C(GZVM_FN_MEMREGION_PURPOSE, 15)					\
	C(GZVM_FN_SET_DTB_CONFIG, 16)						\
	C(GZVM_FN_MAP_GUEST, 17)						\
	C(GZVM_FN_MAP_GUEST_BLOCK, 18)					\
	C(GZVM_FN_GET_STATISTICS, 19)						\
	C(GZVM_FN_NR, 20)							\
	C(GZVM_HVC_OWNER_MTK, 59)						\
	C(GZVM_HVC_FN_BASE, 0x1000)

/* x(C, name, n, SMC64 id, SMC32 id): the ids of the 6.2 table */
#define ABI_HVC_FUNCS(x, C)							\
	x(C, CREATE_VM, 0, 0xFB001000, 0xBB001000)				\
	x(C, DESTROY_VM, 1, 0xFB001001, 0xBB001001)				\
	x(C, CREATE_VCPU, 2, 0xFB001002, 0xBB001002)				\
	x(C, DESTROY_VCPU, 3, 0xFB001003, 0xBB001003)				\
	x(C, SET_MEMREGION, 4, 0xFB001004, 0xBB001004)				\
	x(C, RUN, 5, 0xFB001005, 0xBB001005)					\
	x(C, GET_ONE_REG, 8, 0xFB001008, 0xBB001008)				\
	x(C, SET_ONE_REG, 9, 0xFB001009, 0xBB001009)				\
	x(C, IRQ_LINE, 10, 0xFB00100A, 0xBB00100A)				\
	x(C, CREATE_DEVICE, 11, 0xFB00100B, 0xBB00100B)				\
	x(C, PROBE, 12, 0xFB00100C, 0xBB00100C)					\
	x(C, ENABLE_CAP, 13, 0xFB00100D, 0xBB00100D)				\
	x(C, INFORM_EXIT, 14, 0xFB00100E, 0xBB00100E)				\
	x(C, MEMREGION_PURPOSE, 15, 0xFB00100F, 0xBB00100F)			\
	x(C, SET_DTB_CONFIG, 16, 0xFB001010, 0xBB001010)				\
	x(C, MAP_GUEST, 17, 0xFB001011, 0xBB001011)				\
	x(C, MAP_GUEST_BLOCK, 18, 0xFB001012, 0xBB001012)			\
	x(C, GET_STATISTICS, 19, 0xFB001013, 0xBB001013)

#define ABI_SMC64_ONE(C, name, n, id64, id32)					\
	C(GZVM_HVC_ID_SMC64(GZVM_FN_##name), id64)				\
	C(GZVM_FID_##name, id64)
#define ABI_SMC32_ONE(C, name, n, id64, id32)					\
	C(GZVM_HVC_ID_SMC32(GZVM_FN_##name), id32)				\
	C(GZVM_HVC_ID_SMC32(n), id32)

#define ABI_C_status_codes(C)							\
	C(GZVM_OK, 0)								\
	C(GZVM_ERR_NO_MEMORY, -5)						\
	C(GZVM_ERR_INVALID_ARGS, -8)						\
	C(GZVM_ERR_NOT_SUPPORTED, -24)					\
	C(GZVM_ERR_NOT_IMPLEMENTED, -27)					\
	C(GZVM_ERR_BUSY, -33)							\
	C(GZVM_ERR_FAULT, -40)

#define ABI_C_vcpu_tuple(C)							\
	C(GZVM_INVALID_VM_ID, 0xffff)						\
	C(GZVM_VCPU_TUPLE(0, 0), 0)						\
	C(GZVM_VCPU_TUPLE(3, 5), 0x00030005)					\
	C(GZVM_VCPU_TUPLE(0xfffe, 7), 0xfffe0007)				\
	C(GZVM_TUPLE_VM_ID(0x00030005), 3)					\
	C(GZVM_TUPLE_VCPU_ID(0x00030005), 5)					\
	C(GZVM_TUPLE_VM_ID(0xfffe0007), 0xfffe)				\
	C(GZVM_TUPLE_VCPU_ID(0xfffe0007), 7)

#define ABI_C_versions_and_buffers(C)						\
	C(GZVM_DRV_VERSION_MAJOR, 16)						\
	C(GZVM_DRV_VERSION_MINOR, 0)						\
	C(GZVM_DRV_VERSION_SUB, 0)						\
	C(GZVM_RUN_AREA_PAGES, 2)						\
	C(GZVM_NR_LRS, 16)							\
	C(GZVM_MEMREGION_BUF_SIZE, 8192)					\
	C(GZVM_MAX_MEM_REGION_CONSTITUENTS, 510)				\
	C(GZVM_MAX_MEM_REGION_CONSTITUENTS,					\
	  (8192 - sizeof(struct gzvm_memory_region_ranges)) /			\
	  sizeof(struct mem_region_addr_range))					\
	C(GZVM_BLOCK_DEMAND_PAGE_SIZE, 0x200000)				\
	C(GZVM_BLOCK_PFN_BUF_ENTRIES, 512)					\
	C(GZVM_DEFAULT_HYP_BATCH_PAGES, 512)					\
	C(GZVM_DEFAULT_DESTROY_BATCH_PAGES, 128)

#define ABI_CONST_GROUPS(G)							\
	G(ioctls, "ioctl numbers (3)")					\
	G(ioctl_fields, "ioctl dir/type/nr/size fields (3)")			\
	G(caps, "capabilities and PVM sub-commands (5.2)")			\
	G(exit_reasons, "exit reasons (5.3)")					\
	G(exception_and_system_event, "exception and system-event types (5.4, 5.5)") \
	G(guest_hypercalls, "guest hypercall ids (5.6)")			\
	G(irq_line, "IRQ_LINE field layout and helpers (5.7)")		\
	G(device_types, "device types (5.8)")					\
	G(mem_region_flags, "memory-region purpose flags (5.9)")		\
	G(one_reg_encoding, "ONE_REG id encoding (5.10)")			\
	G(core_reg_ids, "core register ids (5.10)")				\
	G(eventfd_flags, "ioeventfd and irqfd flags (5.11, 5.12)")		\
	G(limits, "limits (GZVM_MAX_VCPUS, GZVM_MAX_MEM_REGION)")		\
	G(hvc_fn_numbers, "hypervisor function numbers (6.2)")		\
	G(hvc_smc64_ids, "SMC64 function ids (6.1, 6.2)")			\
	G(hvc_smc32_ids, "SMC32 function ids (6.1, 6.2)")			\
	G(status_codes, "status codes (6.4)")					\
	G(vcpu_tuple, "vCPU tuple encoding and invalid VM id (6.1)")		\
	G(versions_and_buffers, "driver version and shared buffer sizes (6.3-6.7)")

/* The SMC id groups are generated from ABI_HVC_FUNCS. */
#define ABI_C_hvc_smc64_ids(C)	ABI_HVC_FUNCS(ABI_SMC64_ONE, C)
#define ABI_C_hvc_smc32_ids(C)	ABI_HVC_FUNCS(ABI_SMC32_ONE, C)

#endif
