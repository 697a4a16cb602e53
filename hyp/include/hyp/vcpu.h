/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vCPUs.  Each is bound to the driver's 2-page run area (page 0: struct
 * gzvm_vcpu_run, page 1: struct gzvm_vcpu_hwstate), pinned for the
 * vCPU's life: the only channel that carries exits out and resume data in.
 * This is where an exit is produced (vcpu_run / handle_exit in vcpu.c).
 */
#ifndef HYP_VCPU_H
#define HYP_VCPU_H

#include <asm/vcpu_ctx.h>
#include <gzvm/hvc.h>
#include <hyp/types.h>
#include <hyp/vm.h>

/* What must be completed before the guest runs again. */
enum vcpu_pending {
	PENDING_NONE,
	PENDING_MMIO_READ,	/* load mmio.data into the register, step over */
	PENDING_MMIO_WRITE,	/* step over the store */
	PENDING_HYPERCALL,	/* results in hypercall.args[0..3] -> x0..x3 */
};

struct vcpu {
	struct vm *vm;
	u16 id;
	u32 running;		/* on a CPU now (atomic) */
	bool has_run;
	u64 run_pa;		/* the run area */
	struct gzvm_vcpu_run *run;
	struct gzvm_vcpu_hwstate *hwstate;
	enum vcpu_pending pending;
	struct mmio_access mmio;
	struct vcpu_ctx ctx;
};

bool vcpu_is_running(const struct vcpu *vcpu);
/* Free a vCPU that is not running; NULL is fine. */
void vcpu_free(struct vcpu *vcpu);

/* Hypercall handlers (spec 6.2). */
struct smccc_regs;
s64 hvc_create_vcpu(struct smccc_regs *r);
s64 hvc_destroy_vcpu(struct smccc_regs *r);
s64 hvc_run(struct smccc_regs *r);
s64 hvc_set_one_reg(struct smccc_regs *r);
s64 hvc_get_one_reg(struct smccc_regs *r);

/* The architecture's part (hyp/arch/arm64/guest_switch.c). */
void arch_vcpu_reset(struct vcpu *vcpu);
/* Run the guest until it exits; fill *exit. */
void arch_vcpu_enter(struct vcpu *vcpu, struct guest_exit *exit);
/* Inject into the guest: an UNDEFINED exception, or an external abort at far. */
void arch_vcpu_inject_undef(struct vcpu *vcpu);
void arch_vcpu_inject_abort(struct vcpu *vcpu, bool instruction, u64 far);
/* ONE_REG ids the architecture knows (core and system registers). */
int arch_vcpu_get_reg(struct vcpu *vcpu, u64 id, u64 *val);
int arch_vcpu_set_reg(struct vcpu *vcpu, u64 id, u64 val);

#endif
