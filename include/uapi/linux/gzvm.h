/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * gzvm: userspace interface of the GenieZone virtual machine driver.
 *
 * This is the v13 ABI of MediaTek's GenieZone driver, re-described from
 * the field tables of the project's ABI reference, gzvm-abi.md (sections
 * 3-5).  The VMM, the
 * driver and the hypervisor all rely on these layouts, so every struct
 * below is byte-exact (little-endian, LP64 arm64) and pinned by the
 * tests in tests/abi/.  Nothing here may change size or move.
 *
 * Three kinds of file descriptors take these ioctls, as with KVM:
 *   /dev/gzvm          - GZVM_CREATE_VM, GZVM_CHECK_EXTENSION
 *   VM fd ("gzvm-vm")  - memory, vCPUs, devices, interrupts, caps, DTB
 *   vCPU fd            - GZVM_RUN, GZVM_{GET,SET}_ONE_REG
 * There is no mmap of the run structure: GZVM_RUN takes a user pointer to
 * a struct gzvm_vcpu_run, which the driver copies in and back out.
 */
#ifndef _UAPI__GZVM_H__
#define _UAPI__GZVM_H__

#include <linux/types.h>
#include <linux/ioctl.h>

/* Driver limits visible to userspace. */
#define GZVM_MAX_VCPUS		8	/* vCPU ids 0..7 */
#define GZVM_MAX_MEM_REGION	10	/* memslots 0..9 */

/* ------------------------------------------------------------------ */
/* Capabilities: GZVM_CHECK_EXTENSION / GZVM_ENABLE_CAP (spec 5.2)     */
/* ------------------------------------------------------------------ */

#define GZVM_CAP_VM_GPA_SIZE			0xa5
#define GZVM_CAP_PROTECTED_VM			0xffbadab1
/* The following are issued by the driver itself, not by VMMs. */
#define GZVM_CAP_BLOCK_BASED_DEMAND_PAGING	0x9201
#define GZVM_CAP_ENABLE_DEMAND_PAGING		0x9202
#define GZVM_CAP_ENABLE_IDLE			0x9203
/* Global queries (vm_id 0), v13. */
#define GZVM_CAP_QUERY_HYP_BATCH_PAGES		0x9204
#define GZVM_CAP_QUERY_DESTROY_BATCH_PAGES	0x9205
/*
 * gzvm extension: message channels (GZVM_CREATE_CHANNEL, docs/channels.md).
 * CHECK_EXTENSION answers 1 when the driver and the hypervisor have them.
 */
#define GZVM_CAP_CHANNELS			0x9280

/* GZVM_CAP_PROTECTED_VM sub-commands, passed in gzvm_enable_cap.args[0]. */
#define GZVM_CAP_PVM_SET_PVMFW_GPA		0	/* args[1] = pvmfw GPA */
#define GZVM_CAP_PVM_GET_PVMFW_SIZE		1	/* size returned in args[1] */
#define GZVM_CAP_PVM_SET_PROTECTED_VM		2	/* protected, no pvmfw load */

/* Older (<= v5) spellings, as still used by crosvm's bindings. */
#define GZVM_CAP_ARM_VM_IPA_SIZE		GZVM_CAP_VM_GPA_SIZE
#define GZVM_CAP_ARM_PROTECTED_VM		GZVM_CAP_PROTECTED_VM
#define GZVM_CAP_ARM_PVM_SET_PVMFW_IPA		GZVM_CAP_PVM_SET_PVMFW_GPA
#define GZVM_CAP_ARM_PVM_GET_PVMFW_SIZE		GZVM_CAP_PVM_GET_PVMFW_SIZE
#define GZVM_CAP_ARM_PVM_SET_PROTECTED_VM	GZVM_CAP_PVM_SET_PROTECTED_VM

/* ------------------------------------------------------------------ */
/* Structures (spec 4.1 - 4.10)                                        */
/* ------------------------------------------------------------------ */

/* 4.1 - GZVM_SET_MEMORY_REGION (declared, never implemented): 24 bytes */
struct gzvm_memory_region {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;	/* bytes */
};

/* 4.2 - GZVM_SET_USER_MEMORY_REGION: 32 bytes */
struct gzvm_userspace_memory_region {
	__u32 slot;		/* < GZVM_MAX_MEM_REGION */
	__u32 flags;		/* GZVM_USER_MEM_REGION_* purpose bits */
	__u64 guest_phys_addr;	/* page aligned */
	__u64 memory_size;	/* bytes, page aligned; must equal the VMA size */
	__u64 userspace_addr;	/* start of (or inside) the backing mapping */
};

/* 5.9 - purpose bits of gzvm_userspace_memory_region.flags */
#define GZVM_USER_MEM_REGION_GUEST_MEM		(1U << 0)
#define GZVM_USER_MEM_REGION_PROTECT_FW		(1U << 1)
#define GZVM_USER_MEM_REGION_STATIC_SWIOTLB	(1U << 2)

/* 4.3 - GZVM_IRQ_LINE: 8 bytes */
struct gzvm_irq_level {
	union {
		__u32 irq;	/* GZVM_IRQ_LINE_* fields, see below */
		__s32 status;
	};
	__u32 level;		/* 0 or 1 */
};

/*
 * 5.7 - layout of gzvm_irq_level.irq
 *   31:28  high bits of the vCPU index (index / 256)
 *   27:24  type (GZVM_IRQ_TYPE_*; ignored by v6+ drivers)
 *   23:16  vCPU index, low 8 bits
 *   15:0   interrupt number (0-based SPI index for SPIs)
 */
#define GZVM_IRQ_VCPU2_SHIFT	28
#define GZVM_IRQ_VCPU2_MASK	0xf
#define GZVM_IRQ_TYPE_SHIFT	24
#define GZVM_IRQ_TYPE_MASK	0xf
#define GZVM_IRQ_VCPU_SHIFT	16
#define GZVM_IRQ_VCPU_MASK	0xff
#define GZVM_IRQ_NUM_SHIFT	0
#define GZVM_IRQ_NUM_MASK	0xffff

/* The same fields as in-place masks. */
#define GZVM_IRQ_LINE_VCPU2	0xf0000000U
#define GZVM_IRQ_LINE_TYPE	0x0f000000U
#define GZVM_IRQ_LINE_VCPU	0x00ff0000U
#define GZVM_IRQ_LINE_NUM	0x0000ffffU

#define GZVM_IRQ_TYPE_CPU	0
#define GZVM_IRQ_TYPE_SPI	1
#define GZVM_IRQ_TYPE_PPI	2

/* Lines of GZVM_IRQ_TYPE_CPU (unused by every driver). */
#define GZVM_IRQ_CPU_IRQ	0
#define GZVM_IRQ_CPU_FIQ	1

/* Build an irq word; vcpu may be up to 4095 (split over two fields). */
#define GZVM_IRQ_LINE_ENCODE(type, vcpu, num)					\
	((((__u32)(type) & GZVM_IRQ_TYPE_MASK) << GZVM_IRQ_TYPE_SHIFT) |	\
	 (((__u32)(vcpu) & GZVM_IRQ_VCPU_MASK) << GZVM_IRQ_VCPU_SHIFT) |	\
	 ((((__u32)(vcpu) >> 8) & GZVM_IRQ_VCPU2_MASK) << GZVM_IRQ_VCPU2_SHIFT) | \
	 (((__u32)(num) & GZVM_IRQ_NUM_MASK) << GZVM_IRQ_NUM_SHIFT))

/* Take an irq word apart. */
#define GZVM_IRQ_LINE_GET_TYPE(irq)						\
	(((__u32)(irq) >> GZVM_IRQ_TYPE_SHIFT) & GZVM_IRQ_TYPE_MASK)
#define GZVM_IRQ_LINE_GET_VCPU(irq)						\
	(((((__u32)(irq) >> GZVM_IRQ_VCPU2_SHIFT) & GZVM_IRQ_VCPU2_MASK) << 8) | \
	 (((__u32)(irq) >> GZVM_IRQ_VCPU_SHIFT) & GZVM_IRQ_VCPU_MASK))
#define GZVM_IRQ_LINE_GET_NUM(irq)						\
	(((__u32)(irq) >> GZVM_IRQ_NUM_SHIFT) & GZVM_IRQ_NUM_MASK)

/* 5.8 - device types for GZVM_CREATE_DEVICE */
enum gzvm_device_type {
	GZVM_DEV_TYPE_ARM_VGIC_V3_DIST = 0,
	GZVM_DEV_TYPE_ARM_VGIC_V3_REDIST = 1,
	GZVM_DEV_TYPE_MAX = 2,
};

/* 4.4 - GZVM_CREATE_DEVICE: 48 bytes */
struct gzvm_create_device {
	__u32 dev_type;		/* enum gzvm_device_type */
	__u32 id;		/* device id */
	__u64 flags;		/* handed to the hypervisor untouched */
	__u64 dev_addr;		/* base IPA of the device in the guest */
	__u64 dev_reg_size;	/* size of its register window */
	__u64 attr_addr;	/* user VA of an attribute blob (driver swaps in a PA) */
	__u64 attr_size;	/* blob size, at most one page */
};

/* 5.3 - gzvm_vcpu_run.exit_reason */
#define GZVM_EXIT_UNKNOWN		0x92920000
#define GZVM_EXIT_MMIO			0x92920001
#define GZVM_EXIT_HYPERCALL		0x92920002
#define GZVM_EXIT_IRQ			0x92920003
#define GZVM_EXIT_EXCEPTION		0x92920004
#define GZVM_EXIT_DEBUG			0x92920005
#define GZVM_EXIT_FAIL_ENTRY		0x92920006
#define GZVM_EXIT_INTERNAL_ERROR	0x92920007
#define GZVM_EXIT_SYSTEM_EVENT		0x92920008
#define GZVM_EXIT_SHUTDOWN		0x92920009
#define GZVM_EXIT_GZ			0x9292000a
#define GZVM_EXIT_IDLE			0x9292000b
/* 0x9292000c has never been assigned. */
#define GZVM_EXIT_IPI			0x9292000d
/* crosvm's name for GZVM_EXIT_HYPERCALL */
#define GZVM_EXIT_HVC			GZVM_EXIT_HYPERCALL

/* 5.4 - exception.exception */
#define GZVM_EXCEPTION_UNKNOWN		0x0
#define GZVM_EXCEPTION_PAGE_FAULT	0x1

/* 5.5 - system_event.type */
#define GZVM_SYSTEM_EVENT_SHUTDOWN	1
#define GZVM_SYSTEM_EVENT_RESET		2
#define GZVM_SYSTEM_EVENT_CRASH		3
#define GZVM_SYSTEM_EVENT_WAKEUP	4
#define GZVM_SYSTEM_EVENT_SUSPEND	5
#define GZVM_SYSTEM_EVENT_SEV_TERM	6
#define GZVM_SYSTEM_EVENT_S2IDLE	7

/* 5.6 - guest SMCCC function ids reported in hypercall.args[0] */
#define GZVM_HVC_PTP			0x86000001	/* KVM-style PTP time query */
#define GZVM_HVC_MEM_RELINQUISH		0xc6000009	/* guest gives a page back */
/*
 * gzvm extension, answered by the hypervisor: a protected guest's
 * measurement (SHA-256 of its verified payload) in x1..x4, 8 bytes each in
 * memory order; x0 = -1 if it has none.
 */
#define GZVM_HVC_PVM_MEASUREMENT	0xc6000040
/*
 * gzvm extension, answered by the hypervisor (modelled on Android pKVM's
 * MMIO guard): after ENROLL, the guest's accesses outside its memory reach
 * the VMM only for pages it named with MAP (x1 = the address); any other
 * is a data abort in the guest, so the host cannot put a device where the
 * guest expects none.  x0 = 0, or -3 (INVALID_PARAMETER: an address inside
 * guest memory, or GZVM_MMIO_GUARD_PAGES pages already named).
 */
#define GZVM_HVC_MMIO_GUARD_ENROLL	0xc6000041
#define GZVM_HVC_MMIO_GUARD_MAP		0xc6000042
#define GZVM_HVC_MMIO_GUARD_UNMAP	0xc6000043
#define GZVM_MMIO_GUARD_PAGES		64
/*
 * gzvm extension, answered by the hypervisor (modelled on Android pKVM's
 * MEM_SHARE / MEM_UNSHARE): a protected guest lets the host see one page of
 * its memory again (x1 = its page-aligned address), for virtio buffers, and
 * takes it back.  A shared page stays the guest's: it is scrubbed like any
 * other on its way back to the host.  x0 = 0; -1 (NOT_SUPPORTED) in a VM
 * that is not protected and sealed, whose memory the host sees anyway; -3
 * (INVALID_PARAMETER) for an address that is not a mapped page of guest
 * memory, or a page already shared (SHARE) or not shared (UNSHARE); -4
 * (GZVM_HVC_RET_NO_MEMORY) when the hypervisor has no page-table page for
 * the host's mapping: nothing changed, and the guest may try again later.
 */
#define GZVM_HVC_MEM_SHARE		0xc6000044
#define GZVM_HVC_MEM_UNSHARE		0xc6000045
#define GZVM_HVC_RET_NO_MEMORY		(-4)

/*
 * gzvm extension, answered by the hypervisor: message channels
 * (docs/channels.md).  x1 = the channel id from the guest's DTB
 * (compatible "gzvm,channel", property "gzvm,channel-id").
 *   SEND  x2 = guest address of the message, x3 = its length
 *         (0..GZVM_CHANNEL_MAX_MSG_SIZE, at most the channel's msg size)
 *   RECV  x2 = guest address of a buffer, x3 = its size -> x1 = length
 *   INFO  -> x1 = messages waiting to be received, x2 = free places in
 *         the send queue, x3 = msg size | queue depth << 32
 * The buffer must be mapped guest memory.  x0 = 0, or -3 (INVALID_PARAMETER:
 * not a channel of this VM, a length above the channel's message size, a
 * buffer that is not mapped guest memory), GZVM_CHAN_RET_FULL (SEND: the
 * queue is full, nothing was sent), GZVM_CHAN_RET_EMPTY (RECV: nothing to
 * receive), GZVM_CHAN_RET_CLOSED (the other endpoint is gone) or
 * GZVM_CHAN_RET_TOO_SMALL (RECV: the next message is longer than the
 * buffer; it stays queued and x1 = its length).
 */
#define GZVM_HVC_CHAN_SEND		0xc6000050
#define GZVM_HVC_CHAN_RECV		0xc6000051
#define GZVM_HVC_CHAN_INFO		0xc6000052
#define GZVM_CHAN_RET_FULL		(-5)
#define GZVM_CHAN_RET_EMPTY		(-6)
#define GZVM_CHAN_RET_CLOSED		(-7)
#define GZVM_CHAN_RET_TOO_SMALL		(-8)

/*
 * Union members of struct gzvm_vcpu_run.  They are named file-scope types
 * (rather than anonymous structs declared inside the union) so the header
 * is also clean ISO C++; the layout is the same either way.
 */

/* GZVM_EXIT_MMIO: 32 bytes (with 3 bytes of tail padding) */
struct gzvm_run_mmio {
	__u64 phys_addr;	/* faulting IPA */
	__u8 data[8];		/* write data; VMM fills it for reads */
	__u64 size;		/* access size in bytes */
	__u32 reg_nr;		/* guest register (ESR_EL2.SRT) */
	__u8 is_write;		/* 1 = write, 0 = read */
	/*
	 * gzvm extension in the tail padding (docs/abi.md): the VMM sets it
	 * to 1 when nothing answers the address, and the guest takes a
	 * synchronous external abort instead of completing the access.
	 * VMMs that leave the padding zero (crosvm) are unaffected.
	 */
	__u8 ext_abort;
};

/* GZVM_EXIT_FAIL_ENTRY: 16 bytes */
struct gzvm_run_fail_entry {
	__u64 hardware_entry_failure_reason;
	__u32 cpu;
};

/* GZVM_EXIT_EXCEPTION (v6+ layout): fills the whole 256-byte union */
struct gzvm_run_exception {
	__u32 exception;	/* GZVM_EXCEPTION_* */
	__u32 error_code;
	__u64 fault_gpa;	/* IPA of a stage-2 fault */
	__u64 reserved[30];	/* must be zero for in-kernel handling */
};

/* GZVM_EXIT_HYPERCALL: guest x0..x7 in, results back in args[0..3] */
struct gzvm_run_hypercall {
	__u64 args[8];
};

/* GZVM_EXIT_INTERNAL_ERROR: 136 bytes */
struct gzvm_run_internal {
	__u32 suberror;
	__u32 ndata;
	__u64 data[16];
};

/* GZVM_EXIT_SYSTEM_EVENT: 136 bytes */
struct gzvm_run_system_event {
	__u32 type;		/* GZVM_SYSTEM_EVENT_* */
	__u32 ndata;
	__u64 data[16];
};

/* 4.5 - argument of GZVM_RUN (by pointer): 264 bytes */
struct gzvm_vcpu_run {
	__u32 exit_reason;	/* GZVM_EXIT_*, written by the hypervisor */
	__u8 immediate_exit;	/* 1: GZVM_RUN returns -EINTR without entering */
	__u8 padding1[3];	/* must be zero */
	union {
		struct gzvm_run_mmio mmio;
		struct gzvm_run_fail_entry fail_entry;
		struct gzvm_run_exception exception;
		struct gzvm_run_hypercall hypercall;
		struct gzvm_run_internal internal;
		struct gzvm_run_system_event system_event;
		char padding[256];	/* fixes the size of the union */
	};
};

/* 4.6 - GZVM_ENABLE_CAP: 48 bytes; args map to hypercall x3..x7 */
struct gzvm_enable_cap {
	__u64 cap;
	__u64 args[5];
};

/* 4.7 - GZVM_{GET,SET}_ONE_REG: 16 bytes */
struct gzvm_one_reg {
	__u64 id;		/* GZVM_REG_* encoding */
	__u64 addr;		/* user pointer to the value */
};

/* 5.12 - gzvm_irqfd.flags */
#define GZVM_IRQFD_FLAG_DEASSIGN	(1U << 0)
#define GZVM_IRQFD_FLAG_RESAMPLE	(1U << 1)	/* accepted, no effect since v6 */

/* 4.8 - GZVM_IRQFD: 32 bytes */
struct gzvm_irqfd {
	__u32 fd;		/* eventfd */
	__u32 gsi;		/* 0-based SPI index */
	__u32 flags;		/* GZVM_IRQFD_FLAG_* */
	__u32 resamplefd;	/* ignored */
	__u8 pad[16];		/* must be zero */
};

/* 5.11 - gzvm_ioeventfd.flags: bit numbers and masks */
#define GZVM_IOEVENTFD_FLAG_NR_DATAMATCH	0
#define GZVM_IOEVENTFD_FLAG_NR_PIO		1
#define GZVM_IOEVENTFD_FLAG_NR_DEASSIGN		2
#define GZVM_IOEVENTFD_FLAG_NR_MAX		3
#define GZVM_IOEVENTFD_FLAG_DATAMATCH	(1U << GZVM_IOEVENTFD_FLAG_NR_DATAMATCH)
#define GZVM_IOEVENTFD_FLAG_PIO		(1U << GZVM_IOEVENTFD_FLAG_NR_PIO)
#define GZVM_IOEVENTFD_FLAG_DEASSIGN	(1U << GZVM_IOEVENTFD_FLAG_NR_DEASSIGN)
#define GZVM_IOEVENTFD_VALID_FLAG_MASK	((1U << GZVM_IOEVENTFD_FLAG_NR_MAX) - 1)

/* 4.9 - GZVM_IOEVENTFD: 64 bytes */
struct gzvm_ioeventfd {
	__u64 datamatch;
	__u64 addr;		/* MMIO IPA */
	__u32 len;		/* 0 (any), 1, 2, 4 or 8 */
	__s32 fd;
	__u32 flags;		/* GZVM_IOEVENTFD_FLAG_* */
	__u8 pad[36];
};

/* 4.10 - GZVM_SET_DTB_CONFIG: 16 bytes */
struct gzvm_dtb_config {
	__u64 dtb_addr;		/* guest PA of the DTB already in guest memory */
	__u64 dtb_size;
};

/* ------------------------------------------------------------------ */
/* ONE_REG register ids (spec 5.10; same encoding as KVM arm64)        */
/* ------------------------------------------------------------------ */

#define GZVM_REG_GENERIC	0x0000000000000000ULL
#define GZVM_REG_ARCH_MASK	0xff00000000000000ULL
#define GZVM_REG_ARM		0x4000000000000000ULL	/* <= v5 / crosvm */
#define GZVM_REG_ARCH_ARM64	0x6000000000000000ULL

#define GZVM_REG_SIZE_SHIFT	52
#define GZVM_REG_SIZE_MASK	0x00f0000000000000ULL
#define GZVM_REG_SIZE_U8	0x0000000000000000ULL
#define GZVM_REG_SIZE_U16	0x0010000000000000ULL
#define GZVM_REG_SIZE_U32	0x0020000000000000ULL
#define GZVM_REG_SIZE_U64	0x0030000000000000ULL
#define GZVM_REG_SIZE_U128	0x0040000000000000ULL
#define GZVM_REG_SIZE_U256	0x0050000000000000ULL
#define GZVM_REG_SIZE_U512	0x0060000000000000ULL
#define GZVM_REG_SIZE_U1024	0x0070000000000000ULL
#define GZVM_REG_SIZE_U2048	0x0080000000000000ULL
/* Size in bytes of the value a register id names. */
#define GZVM_REG_SIZE(id)						\
	(1U << (((id) & GZVM_REG_SIZE_MASK) >> GZVM_REG_SIZE_SHIFT))

#define GZVM_REG_ARM_COPROC_MASK	0x000000000fff0000ULL
#define GZVM_REG_ARM_COPROC_SHIFT	16
#define GZVM_REG_ARM_CORE		(0x0010ULL << GZVM_REG_ARM_COPROC_SHIFT)
#define GZVM_REG_TYPE_GENERAL		GZVM_REG_ARM_CORE
#define GZVM_REG_ARM_DEMUX		(0x0011ULL << GZVM_REG_ARM_COPROC_SHIFT)
#define GZVM_REG_ARM64_SYSREG		(0x0013ULL << GZVM_REG_ARM_COPROC_SHIFT)

/* DEMUX ids: selector in bits 15:8, value in bits 7:0 */
#define GZVM_REG_ARM_DEMUX_ID_MASK	0x000000000000ff00ULL
#define GZVM_REG_ARM_DEMUX_ID_SHIFT	8
#define GZVM_REG_ARM_DEMUX_ID_CCSIDR	(0x00ULL << GZVM_REG_ARM_DEMUX_ID_SHIFT)
#define GZVM_REG_ARM_DEMUX_VAL_MASK	0x00000000000000ffULL
#define GZVM_REG_ARM_DEMUX_VAL_SHIFT	0

/* SYSREG ids: op0 15:14, op1 13:11, CRn 10:7, CRm 6:3, op2 2:0 */
#define GZVM_REG_ARM64_SYSREG_OP0_MASK	0x000000000000c000ULL
#define GZVM_REG_ARM64_SYSREG_OP0_SHIFT	14
#define GZVM_REG_ARM64_SYSREG_OP1_MASK	0x0000000000003800ULL
#define GZVM_REG_ARM64_SYSREG_OP1_SHIFT	11
#define GZVM_REG_ARM64_SYSREG_CRN_MASK	0x0000000000000780ULL
#define GZVM_REG_ARM64_SYSREG_CRN_SHIFT	7
#define GZVM_REG_ARM64_SYSREG_CRM_MASK	0x0000000000000078ULL
#define GZVM_REG_ARM64_SYSREG_CRM_SHIFT	3
#define GZVM_REG_ARM64_SYSREG_OP2_MASK	0x0000000000000007ULL
#define GZVM_REG_ARM64_SYSREG_OP2_SHIFT	0

#define GZVM_REG_ARM64_SYSREG_ID(op0, op1, crn, crm, op2)			\
	(GZVM_REG_ARCH_ARM64 | GZVM_REG_SIZE_U64 | GZVM_REG_ARM64_SYSREG |	\
	 (((__u64)(op0) << GZVM_REG_ARM64_SYSREG_OP0_SHIFT) & GZVM_REG_ARM64_SYSREG_OP0_MASK) | \
	 (((__u64)(op1) << GZVM_REG_ARM64_SYSREG_OP1_SHIFT) & GZVM_REG_ARM64_SYSREG_OP1_MASK) | \
	 (((__u64)(crn) << GZVM_REG_ARM64_SYSREG_CRN_SHIFT) & GZVM_REG_ARM64_SYSREG_CRN_MASK) | \
	 (((__u64)(crm) << GZVM_REG_ARM64_SYSREG_CRM_SHIFT) & GZVM_REG_ARM64_SYSREG_CRM_MASK) | \
	 (((__u64)(op2) << GZVM_REG_ARM64_SYSREG_OP2_SHIFT) & GZVM_REG_ARM64_SYSREG_OP2_MASK))

/*
 * CORE register ids.  The index is the byte offset of the register in
 * KVM's arm64 struct kvm_regs (x0..x30, sp, pc, pstate, sp_el1, elr_el1,
 * spsr[5], 8 bytes of padding, then the 16-byte aligned FP/SIMD state:
 * v0..v31, fpsr, fpcr) divided by 4.  That struct is not defined here
 * (it needs <asm/ptrace.h>); only the resulting indices are.
 */
#define GZVM_REG_ARM_CORE_IDX_X(n)	(2U * (n))	/* n = 0..30 */
#define GZVM_REG_ARM_CORE_IDX_SP	0x3eU		/* byte offset 248 */
#define GZVM_REG_ARM_CORE_IDX_PC	0x40U		/* 256 */
#define GZVM_REG_ARM_CORE_IDX_PSTATE	0x42U		/* 264 */
#define GZVM_REG_ARM_CORE_IDX_SP_EL1	0x44U		/* 272 */
#define GZVM_REG_ARM_CORE_IDX_ELR_EL1	0x46U		/* 280 */
#define GZVM_REG_ARM_CORE_IDX_SPSR(i)	(0x48U + 2U * (i))	/* 288 + 8i */
#define GZVM_REG_ARM_CORE_IDX_V(n)	(0x54U + 4U * (n))	/* 336 + 16n */
#define GZVM_REG_ARM_CORE_IDX_FPSR	0xd4U		/* 848 */
#define GZVM_REG_ARM_CORE_IDX_FPCR	0xd5U		/* 852 */

/* Banks of the spsr[] array (same order as KVM). */
#define GZVM_SPSR_EL1		0
#define GZVM_SPSR_SVC		GZVM_SPSR_EL1
#define GZVM_SPSR_ABT		1
#define GZVM_SPSR_UND		2
#define GZVM_SPSR_IRQ		3
#define GZVM_SPSR_FIQ		4
#define GZVM_NR_SPSR		5

#define GZVM_REG_ARM64_CORE(size, idx)					\
	(GZVM_REG_ARCH_ARM64 | (size) | GZVM_REG_ARM_CORE | (__u64)(idx))

#define GZVM_REG_ARM64_X(n)	GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U64, GZVM_REG_ARM_CORE_IDX_X(n))
#define GZVM_REG_ARM64_SP	GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U64, GZVM_REG_ARM_CORE_IDX_SP)
#define GZVM_REG_ARM64_PC	GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U64, GZVM_REG_ARM_CORE_IDX_PC)
#define GZVM_REG_ARM64_PSTATE	GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U64, GZVM_REG_ARM_CORE_IDX_PSTATE)
#define GZVM_REG_ARM64_SP_EL1	GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U64, GZVM_REG_ARM_CORE_IDX_SP_EL1)
#define GZVM_REG_ARM64_ELR_EL1	GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U64, GZVM_REG_ARM_CORE_IDX_ELR_EL1)
#define GZVM_REG_ARM64_SPSR(i)	GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U64, GZVM_REG_ARM_CORE_IDX_SPSR(i))
/* 128-bit, so rejected by GZVM_SET_ONE_REG (only 1/2/4/8-byte values). */
#define GZVM_REG_ARM64_V(n)	GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U128, GZVM_REG_ARM_CORE_IDX_V(n))
#define GZVM_REG_ARM64_FPSR	GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U32, GZVM_REG_ARM_CORE_IDX_FPSR)
#define GZVM_REG_ARM64_FPCR	GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U32, GZVM_REG_ARM_CORE_IDX_FPCR)

/*
 * gzvm extension: GZVM_CREATE_CHANNEL, 32 bytes.  A channel joins this VM
 * to another VM (peer_fd: its VM fd) or to the host (peer_fd =
 * GZVM_CHANNEL_PEER_HOST): a bounded queue of messages in each direction,
 * copied by the hypervisor.  irq and peer_irq are the 0-based SPI indexes
 * of the doorbells in this VM and in the peer (peer_irq: ignored for the
 * host).  The driver returns the channel id both guests name in their
 * hypercalls and, for a host channel, a file descriptor for the host's end
 * (read/write one message per call, poll).
 */
#define GZVM_CHANNEL_PEER_HOST		(-1)
#define GZVM_CHANNEL_MAX_MSG_SIZE	1024	/* bytes; Gunyah's msgq: < 1 KiB */
#define GZVM_CHANNEL_MAX_DEPTH		255	/* messages per direction; < 256 */

struct gzvm_create_channel {
	__s32 peer_fd;		/* VM fd, or GZVM_CHANNEL_PEER_HOST */
	__u32 flags;		/* 0 */
	__u32 depth;		/* messages per direction, 1..GZVM_CHANNEL_MAX_DEPTH */
	__u32 msg_size;		/* largest message, 1..GZVM_CHANNEL_MAX_MSG_SIZE */
	__u32 irq;		/* doorbell SPI index in this VM */
	__u32 peer_irq;		/* doorbell SPI index in the peer VM */
	__u32 id;		/* out: the channel id */
	__s32 fd;		/* out: the host's end, or -1 */
};

/* ------------------------------------------------------------------ */
/* ioctls (spec 3)                                                     */
/* ------------------------------------------------------------------ */

#define GZVM_IOC_MAGIC		0x92	/* "gz" */

/* /dev/gzvm */
/* Only in the pre-v5 UAPI; no driver implements it. */
#define GZVM_GET_API_VERSION	_IO(GZVM_IOC_MAGIC, 0x00)
/* arg: VM type by value (0) */
#define GZVM_CREATE_VM		_IO(GZVM_IOC_MAGIC, 0x01)
/* arg: pointer to a __u64 cap id; the result is written there, ioctl returns 0 */
#define GZVM_CHECK_EXTENSION	_IO(GZVM_IOC_MAGIC, 0x03)

/* VM fd */
/* Declared only; drivers answer -ENOTTY. */
#define GZVM_SET_MEMORY_REGION	_IOW(GZVM_IOC_MAGIC, 0x40, struct gzvm_memory_region)
/* arg: vCPU id by value */
#define GZVM_CREATE_VCPU	_IO(GZVM_IOC_MAGIC, 0x41)
#define GZVM_SET_USER_MEMORY_REGION	\
	_IOW(GZVM_IOC_MAGIC, 0x46, struct gzvm_userspace_memory_region)
/* Only in crosvm's bindings; drivers answer -ENOTTY. */
#define GZVM_CREATE_IRQCHIP	_IO(GZVM_IOC_MAGIC, 0x60)
#define GZVM_IRQ_LINE		_IOW(GZVM_IOC_MAGIC, 0x61, struct gzvm_irq_level)
#define GZVM_IRQFD		_IOW(GZVM_IOC_MAGIC, 0x76, struct gzvm_irqfd)
#define GZVM_IOEVENTFD		_IOW(GZVM_IOC_MAGIC, 0x79, struct gzvm_ioeventfd)
/* The driver may write the struct back (GZVM_CAP_PVM_GET_PVMFW_SIZE). */
#define GZVM_ENABLE_CAP		_IOW(GZVM_IOC_MAGIC, 0xa3, struct gzvm_enable_cap)
#define GZVM_CREATE_DEVICE	_IOWR(GZVM_IOC_MAGIC, 0xe0, struct gzvm_create_device)
#define GZVM_SET_DTB_CONFIG	_IOW(GZVM_IOC_MAGIC, 0xff, struct gzvm_dtb_config)
/* gzvm extension (GZVM_CAP_CHANNELS): nr 0xc0 is unused by every version */
#define GZVM_CREATE_CHANNEL	_IOWR(GZVM_IOC_MAGIC, 0xc0, struct gzvm_create_channel)

/* vCPU fd */
/* arg: pointer to struct gzvm_vcpu_run (encoded without a size) */
#define GZVM_RUN		_IO(GZVM_IOC_MAGIC, 0x80)
/* _IOW although the value flows out through addr: kept as the ABI has it. */
#define GZVM_GET_ONE_REG	_IOW(GZVM_IOC_MAGIC, 0xab, struct gzvm_one_reg)
#define GZVM_SET_ONE_REG	_IOW(GZVM_IOC_MAGIC, 0xac, struct gzvm_one_reg)

#endif /* _UAPI__GZVM_H__ */
