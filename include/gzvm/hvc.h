/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * gzvm driver <-> hypervisor ABI (section 6 of the ABI reference,
 * gzvm-abi.md).
 *
 * The kernel driver calls the EL2 hypervisor with HVC #0 following the
 * SMC Calling Convention: function id in w0, arguments in x1..x7, status
 * in x0 and results in x1..x3.  Bulk data goes through physical
 * addresses of kernel pages (the per-vCPU run area, memory-region
 * buffers, device pages).  This header is shared by
 *   - the hypervisor (freestanding: only <stdint.h>),
 *   - the gzvm.ko driver (kernel types),
 *   - host tests (userspace, C or C++).
 * The names of the original driver (MT_HVC_GZVM_*) are given in comments.
 */
#ifndef _GZVM_HVC_H__
#define _GZVM_HVC_H__

/* ---- type shim -------------------------------------------------------- */
#ifdef __KERNEL__
#include <linux/types.h>
typedef __u8 gzvm_u8;
typedef __u16 gzvm_u16;
typedef __u32 gzvm_u32;
typedef __u64 gzvm_u64;
typedef __s32 gzvm_s32;
#else
#include <stdint.h>
typedef uint8_t gzvm_u8;
typedef uint16_t gzvm_u16;
typedef uint32_t gzvm_u32;
typedef uint64_t gzvm_u64;
typedef int32_t gzvm_s32;
#endif

/* ---- function ids (6.1) ----------------------------------------------- */
/*
 * id(n) = fast call | calling convention | owner 59 ("SMC_ENTITY_MTK",
 * in the SMCCC Trusted-OS range) | (0x1000 + n).
 * Drivers v8 and later use SMC64 ids (0xFB0010nn), v1..v7 and the MediaTek
 * vendor tree SMC32 ids (0xBB0010nn); the hypervisor accepts both.
 */
#define GZVM_HVC_FAST_CALL	0x80000000U	/* bit 31 */
#define GZVM_HVC_SMC64		0x40000000U	/* bit 30 */
#define GZVM_HVC_SVE_HINT	0x00010000U	/* bit 16, SMCCC 1.3 hint, ignored */
#define GZVM_HVC_OWNER_SHIFT	24
#define GZVM_HVC_OWNER_MASK	0x3fU
#define GZVM_HVC_OWNER_MTK	59U
#define GZVM_HVC_FN_BASE	0x1000U
#define GZVM_HVC_FUNC_MASK	0xffffU

#define GZVM_HVC_ID_SMC32(n)							\
	(GZVM_HVC_FAST_CALL | (GZVM_HVC_OWNER_MTK << GZVM_HVC_OWNER_SHIFT) |	\
	 (GZVM_HVC_FN_BASE + (gzvm_u32)(n)))
#define GZVM_HVC_ID_SMC64(n)	(GZVM_HVC_SMC64 | GZVM_HVC_ID_SMC32(n))

/*
 * Function number n of a function id, or -1 if fid is not a GenieZone
 * fast call.  Bit 30 (SMC32/SMC64) is masked so both generations of
 * drivers decode to the same n; the SMCCC 1.3 SVE hint bit is ignored as
 * well.  Any n >= 0 the table does not define is for the caller to refuse
 * (GZVM_ERR_NOT_SUPPORTED).
 */
static inline int gzvm_hvc_fn(gzvm_u32 fid)
{
	gzvm_u32 f = fid & ~(GZVM_HVC_SMC64 | GZVM_HVC_SVE_HINT);
	gzvm_u32 func = f & GZVM_HVC_FUNC_MASK;

	if ((f & ~GZVM_HVC_FUNC_MASK) !=
	    (GZVM_HVC_FAST_CALL | (GZVM_HVC_OWNER_MTK << GZVM_HVC_OWNER_SHIFT)))
		return -1;
	if (func < GZVM_HVC_FN_BASE)
		return -1;
	return (int)(func - GZVM_HVC_FN_BASE);
}

/* ---- function numbers n (6.2, numbering of v5..v13) -------------------- */
#define GZVM_FN_CREATE_VM		0	/* MT_HVC_GZVM_CREATE_VM */
#define GZVM_FN_DESTROY_VM		1	/* MT_HVC_GZVM_DESTROY_VM */
#define GZVM_FN_CREATE_VCPU		2	/* MT_HVC_GZVM_CREATE_VCPU */
#define GZVM_FN_DESTROY_VCPU		3	/* MT_HVC_GZVM_DESTROY_VCPU */
#define GZVM_FN_SET_MEMREGION		4	/* MT_HVC_GZVM_SET_MEMREGION */
#define GZVM_FN_RUN			5	/* MT_HVC_GZVM_RUN */
/* 6 and 7 were GET_REGS / SET_REGS before v5; unused since. */
#define GZVM_FN_GET_ONE_REG		8	/* MT_HVC_GZVM_GET_ONE_REG */
#define GZVM_FN_SET_ONE_REG		9	/* MT_HVC_GZVM_SET_ONE_REG */
#define GZVM_FN_IRQ_LINE		10	/* MT_HVC_GZVM_IRQ_LINE */
#define GZVM_FN_CREATE_DEVICE		11	/* MT_HVC_GZVM_CREATE_DEVICE */
#define GZVM_FN_PROBE			12	/* MT_HVC_GZVM_PROBE */
#define GZVM_FN_ENABLE_CAP		13	/* MT_HVC_GZVM_ENABLE_CAP */
#define GZVM_FN_INFORM_EXIT		14	/* MT_HVC_GZVM_INFORM_EXIT */
#define GZVM_FN_MEMREGION_PURPOSE	15	/* MT_HVC_GZVM_MEMREGION_PURPOSE */
#define GZVM_FN_SET_DTB_CONFIG		16	/* MT_HVC_GZVM_SET_DTB_CONFIG */
#define GZVM_FN_MAP_GUEST		17	/* MT_HVC_GZVM_MAP_GUEST */
#define GZVM_FN_MAP_GUEST_BLOCK		18	/* MT_HVC_GZVM_MAP_GUEST_BLOCK */
#define GZVM_FN_GET_STATISTICS		19	/* MT_HVC_GZVM_GET_STATISTICS */
#define GZVM_FN_NR			20	/* one past the last number */

/*
 * gzvm extensions: message channels (docs/channels.md).  Numbers from
 * 0x80 on, far above any GenieZone version's table (and below the 16-bit
 * function field's end), so they never collide with one.
 */
#define GZVM_FN_EXT_BASE		0x80
#define GZVM_FN_CHAN_CREATE		0x80
#define GZVM_FN_CHAN_DESTROY		0x81
#define GZVM_FN_CHAN_SEND		0x82
#define GZVM_FN_CHAN_RECV		0x83
#define GZVM_FN_CHAN_INFO		0x84
#define GZVM_FN_EXT_END			0x85	/* one past the last extension */

/*
 * SMC64 function ids, as issued by v8+ drivers.  Register use:
 *   CREATE_VM          x1 vm_type                      -> x1 vm_id
 *   DESTROY_VM         x1 vm_id, x2 batch pages (v13)  (GZVM_ERR_BUSY: call again)
 *   CREATE_VCPU        x1 tuple, x2 PA of the 2-page run area
 *   DESTROY_VCPU       x1 tuple
 *   SET_MEMREGION      x1 vm_id, x2 buffer size, x3 PA of gzvm_memory_region_ranges
 *   RUN                x1 tuple                        -> x1 exit reason
 *   GET_ONE_REG        x1 tuple, x2 reg id             -> x1 value
 *   SET_ONE_REG        x1 tuple, x2 reg id, x3 value
 *   IRQ_LINE           x1 tuple, x2 irq (SPI index), x3 level
 *   CREATE_DEVICE      x1 vm_id, x2 PA of struct gzvm_create_device
 *   PROBE              x1..x3 driver version (v13)     -> x1..x3 hyp version
 *   ENABLE_CAP         x1 vm_id (0: global), x2 cap, x3..x7 args[0..4] -> x1
 *   INFORM_EXIT        x1 vm_id
 *   MEMREGION_PURPOSE  x1 vm_id, x2 gpa, x3 size, x4 flags
 *   SET_DTB_CONFIG     x1 vm_id, x2 dtb gpa, x3 dtb size
 *   MAP_GUEST          x1 vm_id, x2 slot, x3 host pfn, x4 gfn, x5 nr_pages
 *   MAP_GUEST_BLOCK    x1 vm_id, x2 slot, x3 start gfn, x4 nr_pages
 *   GET_STATISTICS     x1 vm_id                        -> x1, x2 byte counts
 *                      (vm 0, gzvm extension: x1 pool used, x2 lent, x3 donated)
 * gzvm extensions (the host's end of a channel is the one that is no VM):
 *   CHAN_CREATE        x1 vm a, x2 vm b (GZVM_INVALID_VM_ID: the host), x3 depth,
 *                      x4 msg size, x5 SPI index in a, x6 SPI index in b -> x1 id
 *   CHAN_DESTROY       x1 id
 *   CHAN_SEND          x1 id, x2 PA of the message, x3 length -> x1 doorbell rung
 *   CHAN_RECV          x1 id, x2 PA of a buffer, x3 size -> x1 length, x2 doorbell rung
 *   CHAN_INFO          x1 id -> x1 to receive, x2 free to send, x3 msg size | depth << 32
 * "doorbell rung" (1) means the VM at the other end got its SPI: the driver
 * wakes its vCPUs so that it sees it.
 */
#define GZVM_FID_CREATE_VM		GZVM_HVC_ID_SMC64(GZVM_FN_CREATE_VM)
#define GZVM_FID_DESTROY_VM		GZVM_HVC_ID_SMC64(GZVM_FN_DESTROY_VM)
#define GZVM_FID_CREATE_VCPU		GZVM_HVC_ID_SMC64(GZVM_FN_CREATE_VCPU)
#define GZVM_FID_DESTROY_VCPU		GZVM_HVC_ID_SMC64(GZVM_FN_DESTROY_VCPU)
#define GZVM_FID_SET_MEMREGION		GZVM_HVC_ID_SMC64(GZVM_FN_SET_MEMREGION)
#define GZVM_FID_RUN			GZVM_HVC_ID_SMC64(GZVM_FN_RUN)
#define GZVM_FID_GET_ONE_REG		GZVM_HVC_ID_SMC64(GZVM_FN_GET_ONE_REG)
#define GZVM_FID_SET_ONE_REG		GZVM_HVC_ID_SMC64(GZVM_FN_SET_ONE_REG)
#define GZVM_FID_IRQ_LINE		GZVM_HVC_ID_SMC64(GZVM_FN_IRQ_LINE)
#define GZVM_FID_CREATE_DEVICE		GZVM_HVC_ID_SMC64(GZVM_FN_CREATE_DEVICE)
#define GZVM_FID_PROBE			GZVM_HVC_ID_SMC64(GZVM_FN_PROBE)
#define GZVM_FID_ENABLE_CAP		GZVM_HVC_ID_SMC64(GZVM_FN_ENABLE_CAP)
#define GZVM_FID_INFORM_EXIT		GZVM_HVC_ID_SMC64(GZVM_FN_INFORM_EXIT)
#define GZVM_FID_MEMREGION_PURPOSE	GZVM_HVC_ID_SMC64(GZVM_FN_MEMREGION_PURPOSE)
#define GZVM_FID_SET_DTB_CONFIG		GZVM_HVC_ID_SMC64(GZVM_FN_SET_DTB_CONFIG)
#define GZVM_FID_MAP_GUEST		GZVM_HVC_ID_SMC64(GZVM_FN_MAP_GUEST)
#define GZVM_FID_MAP_GUEST_BLOCK	GZVM_HVC_ID_SMC64(GZVM_FN_MAP_GUEST_BLOCK)
#define GZVM_FID_GET_STATISTICS		GZVM_HVC_ID_SMC64(GZVM_FN_GET_STATISTICS)
#define GZVM_FID_CHAN_CREATE		GZVM_HVC_ID_SMC64(GZVM_FN_CHAN_CREATE)
#define GZVM_FID_CHAN_DESTROY		GZVM_HVC_ID_SMC64(GZVM_FN_CHAN_DESTROY)
#define GZVM_FID_CHAN_SEND		GZVM_HVC_ID_SMC64(GZVM_FN_CHAN_SEND)
#define GZVM_FID_CHAN_RECV		GZVM_HVC_ID_SMC64(GZVM_FN_CHAN_RECV)
#define GZVM_FID_CHAN_INFO		GZVM_HVC_ID_SMC64(GZVM_FN_CHAN_INFO)

/* ---- status codes in x0 (6.4; Little-Kernel style) -------------------- */
/* Driver mapping in brackets; any other value (SMCCC -1 too) is -EINVAL. */
#define GZVM_OK				0	/* NO_ERROR          [0] */
#define GZVM_ERR_NO_MEMORY		(-5)	/* ERR_NO_MEMORY     [-ENOMEM] */
#define GZVM_ERR_INVALID_ARGS		(-8)	/* ERR_INVALID_ARGS  [-EINVAL] */
#define GZVM_ERR_NOT_SUPPORTED		(-24)	/* ERR_NOT_SUPPORTED [-EOPNOTSUPP] */
#define GZVM_ERR_NOT_IMPLEMENTED	(-27)	/* ERR_NOT_IMPLEMENTED [-EOPNOTSUPP] */
#define GZVM_ERR_BUSY			(-33)	/* ERR_BUSY (v13)    [-EAGAIN] */
#define GZVM_ERR_FAULT			(-40)	/* ERR_FAULT         [-EFAULT] */
/* gzvm extension: a protected VM's vCPU state after its first run */
#define GZVM_ERR_ACCESS_DENIED		(-43)	/* ERR_ACCESS_DENIED [-EPERM] */
/* gzvm extensions, channel calls only (full queue: GZVM_ERR_BUSY) */
#define GZVM_ERR_NO_MSG			(-3)	/* ERR_NO_MSG: queue empty [-EAGAIN] */
#define GZVM_ERR_NOT_ENOUGH_BUFFER	(-9)	/* ERR_NOT_ENOUGH_BUFFER [-EMSGSIZE] */
#define GZVM_ERR_CHANNEL_CLOSED		(-15)	/* ERR_CHANNEL_CLOSED [-EPIPE] */

/*
 * gzvm extension: RUN's x1 when a guest's channel call rang the doorbell of
 * the channel's other end (x2 = the channel id): the driver wakes that end
 * (the host's readers and writers, or the other VM's vCPUs) and runs the
 * vCPU again.  Userspace never sees it.
 */
#define GZVM_EXIT_CHAN_DOORBELL		0x92920080U

/* ---- VM / vCPU addressing (6.1) ---------------------------------------- */
/* vCPU-scoped calls carry (vm_id << 16) | vcpu_id in x1. */
/*
 * IRQ_LINE x2: a 0-based SPI index (the hypervisor adds 32), as v8+ drivers
 * send; with GZVM_HVC_IRQ_PPI set (a gzvm extension), the INTID 16..31 of a
 * PPI of the vCPU in x1's tuple.
 */
#define GZVM_HVC_IRQ_PPI		0x80000000U

#define GZVM_INVALID_VM_ID		0xffffU	/* VM ids are u16; never handed out */
#define GZVM_VCPU_TUPLE(vm_id, vcpu_id)						\
	((((gzvm_u32)(vm_id) & 0xffffU) << 16) | ((gzvm_u32)(vcpu_id) & 0xffffU))
#define GZVM_TUPLE_VM_ID(tuple)		((gzvm_u16)(((gzvm_u64)(tuple) >> 16) & 0xffffU))
#define GZVM_TUPLE_VCPU_ID(tuple)	((gzvm_u16)((gzvm_u64)(tuple) & 0xffffU))

/* ---- version handshake (PROBE, v13) ------------------------------------ */
/* What the driver announces in x1..x3 (major u32, minor u32, sub u64). */
#define GZVM_DRV_VERSION_MAJOR		16
#define GZVM_DRV_VERSION_MINOR		0
#define GZVM_DRV_VERSION_SUB		0

/* ---- per-vCPU run area (6.3, 6.5) -------------------------------------- */
/*
 * CREATE_VCPU hands over a zeroed, physically contiguous 2-page area:
 * page 0 holds struct gzvm_vcpu_run (<linux/gzvm.h>), page 1 this struct.
 */
#define GZVM_RUN_AREA_PAGES		2
#define GZVM_NR_LRS			16	/* GIC_V3_NR_LRS */

/* v12+ layout, 160 bytes, little-endian. */
struct gzvm_vcpu_hwstate {
	gzvm_u32 nr_lrs;
	gzvm_u32 __pad;
	gzvm_u64 lr[GZVM_NR_LRS];	/* GIC list registers (no driver reads them) */
	gzvm_u64 vtimer_offset;		/* host counter at guest start (CNTVOFF), v8+ */
	gzvm_u64 vtimer_delay;		/* ticks until the guest vtimer fires, v12+ */
	gzvm_u32 vtimer_migrate;	/* non-zero: host must arm a timer, v12+ */
	gzvm_u32 __pad2;		/* explicit tail padding */
};

/* ---- SET_MEMREGION buffer (6.6) ----------------------------------------- */
/* One physically contiguous host range; same shape as an FF-A constituent. */
struct mem_region_addr_range {
	gzvm_u64 address;		/* host PA, 4 KiB aligned */
	gzvm_u32 pg_cnt;		/* pages */
	gzvm_u32 reserved;
};

/* The flexible array member is C99; ISO C++ only has it as an extension. */
#if defined(__cplusplus) && defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
struct gzvm_memory_region_ranges {
	gzvm_u32 slot;
	gzvm_u32 constituent_cnt;	/* entries in constituents[] */
	gzvm_u64 total_pages;		/* pages in this call (slot size when registering) */
	gzvm_u64 gpa;			/* guest PA of the first page */
	struct mem_region_addr_range constituents[];
};
#if defined(__cplusplus) && defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* The driver passes a 2-page buffer: 24-byte header + 16-byte entries. */
#define GZVM_MEMREGION_BUF_SIZE		8192
#define GZVM_MEMREGION_HDR_SIZE		24
#define GZVM_MEMREGION_ENTRY_SIZE	16
#define GZVM_MAX_MEM_REGION_CONSTITUENTS					\
	((GZVM_MEMREGION_BUF_SIZE - GZVM_MEMREGION_HDR_SIZE) / GZVM_MEMREGION_ENTRY_SIZE)

/* ---- other shared buffers (6.3, 6.7) ------------------------------------ */
/* BLOCK_BASED_DEMAND_PAGING: x3 = block size, x4 = PA of a PFN buffer. */
#define GZVM_BLOCK_DEMAND_PAGE_SIZE	0x200000U	/* 2 MiB */
#define GZVM_BLOCK_PFN_BUF_ENTRIES	512		/* u64 host PFNs, one 4 KiB page */
/* Driver defaults when the v13 batch queries are not answered. */
#define GZVM_DEFAULT_HYP_BATCH_PAGES	512
#define GZVM_DEFAULT_DESTROY_BATCH_PAGES	128

#endif /* _GZVM_HVC_H__ */
