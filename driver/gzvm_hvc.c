// SPDX-License-Identifier: GPL-2.0
/*
 * Calls from the driver to the GenieZone hypervisor (gzvm-abi.md section 6):
 * HVC #0 with the SMC Calling Convention, function id in x0, arguments in
 * x1..x7, a Little-Kernel status in x0 and results in x1..x3.
 */
#include <linux/arm-smccc.h>
#include <linux/errno.h>
#include <linux/kernel.h>

#include "gzvm_drv.h"

#define CREATE_TRACE_POINTS
#include "gzvm_trace.h"

/* Map a hypervisor status (x0, a 32-bit LK error number) to an errno. */
int gzvm_err_to_errno(unsigned long err)
{
	int status = (int)(s32)err;

	switch (status) {
	case GZVM_OK:
		return 0;
	case GZVM_ERR_NO_MEMORY:
		return -ENOMEM;
	case GZVM_ERR_INVALID_ARGS:
		return -EINVAL;
	case GZVM_ERR_NOT_SUPPORTED:
	case GZVM_ERR_NOT_IMPLEMENTED:
		return -EOPNOTSUPP;
	case GZVM_ERR_BUSY:
		return -EAGAIN;
	case GZVM_ERR_FAULT:
		return -EFAULT;
	case GZVM_ERR_ACCESS_DENIED:
		return -EPERM;
	default:
		return -EINVAL;
	}
}

/*
 * One hypercall.  x0..x7 are loaded and x0..x3 read back: SMCCC 1.2 where
 * the kernel has it (every arm64 kernel this builds for), SMCCC 1.1
 * otherwise.  Returns the status mapped to an errno; @res holds x0..x3.
 */
int gzvm_hypcall_wrapper(unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3,
			 unsigned long a4, unsigned long a5,
			 unsigned long a6, unsigned long a7,
			 struct arm_smccc_res *res)
{
#ifdef CONFIG_ARM64
	struct arm_smccc_1_2_regs args = {
		.a0 = a0, .a1 = a1, .a2 = a2, .a3 = a3,
		.a4 = a4, .a5 = a5, .a6 = a6, .a7 = a7,
	};
	struct arm_smccc_1_2_regs out;

	trace_mtk_hypcall_enter(a0);
	arm_smccc_1_2_hvc(&args, &out);
	res->a0 = out.a0;
	res->a1 = out.a1;
	res->a2 = out.a2;
	res->a3 = out.a3;
#else
	trace_mtk_hypcall_enter(a0);
	arm_smccc_1_1_hvc(a0, a1, a2, a3, a4, a5, a6, a7, res);
#endif
	trace_mtk_hypcall_leave(a0, (int)(s32)res->a0 == GZVM_ERR_NOT_SUPPORTED);
	return gzvm_err_to_errno(res->a0);
}

/*
 * PROBE (v13): announce the driver's version in x1..x3, learn the
 * hypervisor's from x1..x3.  Any non-zero status means no hypervisor.
 */
int gzvm_arch_probe(struct gzvm_version drv, struct gzvm_version *hyp)
{
	struct arm_smccc_res res;

	gzvm_hypcall_wrapper(GZVM_FID_PROBE, drv.major, drv.minor, drv.sub,
			     0, 0, 0, 0, &res);
	if (res.a0)
		return -ENODEV;
	hyp->major = (u32)res.a1;
	hyp->minor = (u32)res.a2;
	hyp->sub = res.a3;
	return 0;
}

int gzvm_arch_enable_cap(u16 vm_id, u64 cap, const u64 *args,
			 struct arm_smccc_res *res)
{
	return gzvm_hypcall_wrapper(GZVM_FID_ENABLE_CAP, vm_id, cap,
				    args[0], args[1], args[2], args[3], args[4],
				    res);
}

/* A global (vm_id 0) v13 batch-size query; the answer is in x1. */
int gzvm_arch_query_batch_pages(u64 cap, u64 *pages)
{
	u64 args[5] = { 0 };
	struct arm_smccc_res res;
	int ret;

	ret = gzvm_arch_enable_cap(0, cap, args, &res);
	if (!ret)
		*pages = res.a1;
	return ret;
}

int gzvm_arch_inform_exit(u16 vm_id)
{
	struct arm_smccc_res res;

	return gzvm_hypcall_wrapper(GZVM_FID_INFORM_EXIT, vm_id,
				    0, 0, 0, 0, 0, 0, &res) ? -ENXIO : 0;
}
