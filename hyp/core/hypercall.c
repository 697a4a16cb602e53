// SPDX-License-Identifier: GPL-2.0-only
/*
 * The GenieZone hypercall table.  Every entry validates its own arguments;
 * status codes are the LK-style values of the ABI (include/gzvm/hvc.h).
 * Numbers the ABI does not define answer GZVM_ERR_NOT_SUPPORTED.
 */
#include <gzvm/hvc.h>
#include <hyp/channel.h>
#include <hyp/hypercall.h>
#include <hyp/log.h>
#include <hyp/psci.h>
#include <hyp/vcpu.h>
#include <hyp/vm.h>

typedef s64 (*hvc_handler_t)(struct smccc_regs *regs);

static s64 hvc_probe(struct smccc_regs *regs)
{
	/* v13 drivers announce their version in x1..x3; older ones pass nothing */
	hyp_log("hvc: probe from driver %llu.%llu.%llu",
		(unsigned long long)regs->a[1], (unsigned long long)regs->a[2],
		(unsigned long long)regs->a[3]);
	regs->a[1] = GZVM_HYP_VERSION_MAJOR;
	regs->a[2] = GZVM_HYP_VERSION_MINOR;
	regs->a[3] = GZVM_HYP_VERSION_SUB;
	return GZVM_OK;
}

static const hvc_handler_t gzvm_hvc_table[GZVM_FN_NR] = {
	[GZVM_FN_CREATE_VM]		= hvc_create_vm,
	[GZVM_FN_DESTROY_VM]		= hvc_destroy_vm,
	[GZVM_FN_CREATE_VCPU]		= hvc_create_vcpu,
	[GZVM_FN_DESTROY_VCPU]		= hvc_destroy_vcpu,
	[GZVM_FN_SET_MEMREGION]		= hvc_set_memregion,
	[GZVM_FN_RUN]			= hvc_run,
	[GZVM_FN_GET_ONE_REG]		= hvc_get_one_reg,
	[GZVM_FN_SET_ONE_REG]		= hvc_set_one_reg,
	[GZVM_FN_IRQ_LINE]		= hvc_irq_line,
	[GZVM_FN_CREATE_DEVICE]		= hvc_create_device,
	[GZVM_FN_PROBE]			= hvc_probe,
	[GZVM_FN_ENABLE_CAP]		= hvc_enable_cap,
	[GZVM_FN_INFORM_EXIT]		= hvc_inform_exit,
	[GZVM_FN_MEMREGION_PURPOSE]	= hvc_memregion_purpose,
	[GZVM_FN_SET_DTB_CONFIG]	= hvc_set_dtb_config,
	[GZVM_FN_MAP_GUEST]		= hvc_map_guest,
	[GZVM_FN_MAP_GUEST_BLOCK]	= hvc_map_guest_block,
	[GZVM_FN_GET_STATISTICS]	= hvc_get_statistics,
};

/* gzvm extensions, from GZVM_FN_EXT_BASE on (include/gzvm/hvc.h) */
static const hvc_handler_t gzvm_ext_table[GZVM_FN_EXT_END - GZVM_FN_EXT_BASE] = {
	[GZVM_FN_CHAN_CREATE - GZVM_FN_EXT_BASE]	= hvc_chan_create,
	[GZVM_FN_CHAN_DESTROY - GZVM_FN_EXT_BASE]	= hvc_chan_destroy,
	[GZVM_FN_CHAN_SEND - GZVM_FN_EXT_BASE]		= hvc_chan_send,
	[GZVM_FN_CHAN_RECV - GZVM_FN_EXT_BASE]		= hvc_chan_recv,
	[GZVM_FN_CHAN_INFO - GZVM_FN_EXT_BASE]		= hvc_chan_info,
};

static hvc_handler_t handler_of(unsigned int fn)
{
	if (fn < ARRAY_SIZE(gzvm_hvc_table))
		return gzvm_hvc_table[fn];
	if (fn >= GZVM_FN_EXT_BASE && fn < GZVM_FN_EXT_END)
		return gzvm_ext_table[fn - GZVM_FN_EXT_BASE];
	return NULL;
}

void host_hvc_call(struct smccc_regs *regs)
{
	u32 fid = (u32)regs->a[0];
	int fn = gzvm_hvc_fn(fid);
	hvc_handler_t handler;

	if (fn < 0) {
		/* the same services as by SMC, whichever conduit the host picked */
		if (psci_is_fid(fid) || SMCCC_OWNER(fid) == SMCCC_OWNER_ARCH)
			host_smc_call(regs);
		else
			regs->a[0] = (u64)(s64)SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	handler = handler_of((unsigned int)fn);
	regs->a[0] = (u64)(handler ? handler(regs) : GZVM_ERR_NOT_SUPPORTED);
}
