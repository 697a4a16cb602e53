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
	u64 mmio_far;		/* the guest VA of that access, for an abort */

	/*
	 * PSCI power state (vm lock).  A vCPU starts on if it is vCPU 0 or the
	 * host set its PC before the first run; others wait for CPU_ON, which
	 * leaves its request here for the target to apply on its next RUN.
	 */
	bool powered_off;
	bool on_requested;
	u64 on_entry, on_context;

	/* its redistributor, and its list registers across a run */
	struct vgic_cpu vgic_cpu;
	u64 lrs[VGIC_MAX_LRS];
	unsigned int nr_lrs;		/* filled for this run */
	bool lr_underflow;		/* more were pending than fit */

	struct vcpu_ctx ctx;
	u32 doorbell_chan;		/* GZVM_EXIT_CHAN_DOORBELL: the channel */
};

bool vcpu_is_running(const struct vcpu *vcpu);
/* Free a vCPU that is not running; NULL is fine. */
void vcpu_free(struct vcpu *vcpu);

/* Guest PSCI and SMCCC (hyp/core/guest_psci.c): 0, or an exit reason. */
u32 guest_psci_smccc(struct vcpu *vcpu);
/*
 * The subset of those calls that only report (versions, features, UIDs):
 * answered into x0..x3 when true; false, with nothing changed, otherwise.
 */
bool guest_smccc_query(struct vcpu *vcpu);
/*
 * An exit answered with the guest's state still on the CPU: true when done
 * and the guest may go on at once; false, with nothing changed, when it
 * needs the full path (handle_exit).  See vcpu.c.
 */
bool vcpu_exit_fast(struct vcpu *vcpu, const struct guest_exit *e);
/* Apply a pending CPU_ON and settle the power state before RUN (vm lock held). */
void guest_psci_prepare_run(struct vcpu *vcpu);
/* WFI or CPU_SUSPEND: 0 to go on, or GZVM_EXIT_IDLE with the timer in hwstate. */
u32 vcpu_wait_for_interrupt(struct vcpu *vcpu);

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
/* The guest's timer interrupt lines: virtual (PPI 27) and physical (PPI 30). */
void arch_vcpu_timer_lines(struct vcpu *vcpu, bool *virt, bool *phys);
/* The guest's GIC priority mask (ICC_PMR_EL1, kept in ICH_VMCR_EL2.VPMR). */
unsigned int arch_vcpu_priority_mask(const struct vcpu *vcpu);
/* List registers this CPU implements (ICH_VTR_EL2), at most VGIC_MAX_LRS. */
unsigned int arch_nr_lrs(void);
/* Is a guest timer armed? Then *delay = counter ticks until the first fires. */
bool arch_vcpu_timer_deadline(struct vcpu *vcpu, u64 *delay);
/*
 * A trapped system register access: 0 when emulated (the caller steps over
 * it) with *exit set if the host must hear of it, -1 for UNDEFINED.
 */
int arch_vcpu_sysreg(struct vcpu *vcpu, u64 esr, u32 *exit);
/* The guest wrote ICC_SGI1R_EL1 (or a sibling): 0 or GZVM_EXIT_IPI. */
u32 vcpu_send_sgi(struct vcpu *vcpu, u64 sgi1r);
/* ONE_REG ids the architecture knows (core and system registers). */
int arch_vcpu_get_reg(struct vcpu *vcpu, u64 id, u64 *val);
int arch_vcpu_set_reg(struct vcpu *vcpu, u64 id, u64 val);

#endif
