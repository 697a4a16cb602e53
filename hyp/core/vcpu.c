// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPUs and guest exits.  GZVM_RUN enters the guest and returns to the
 * host with an exit in the run area; exits the hypervisor can answer itself
 * (a guest SMC, a trapped system register, a PSCI version query) re-enter
 * the guest at once.
 */
#include <asm/sysreg.h>
#include <gzvm/hvc.h>
#include <hyp/channel.h>
#include <hyp/log.h>
#include <hyp/mem_owner.h>
#include <hyp/page_alloc.h>
#include <hyp/psci.h>
#include <hyp/smccc.h>
#include <hyp/string.h>
#include <hyp/vcpu.h>

#define PAGE_SZ		4096ULL

_Static_assert(sizeof(struct vcpu) <= PAGE_SZ, "a vCPU is one pool page");

/* GZVM_EXIT_INTERNAL_ERROR sub-errors (data[] carries ESR, IPA, PC). */
#define GZVM_INTERNAL_ABORT_NO_SYNDROME	1
#define GZVM_INTERNAL_SERROR		2

bool vcpu_is_running(const struct vcpu *vcpu)
{
	return __atomic_load_n(&vcpu->running, __ATOMIC_ACQUIRE);
}

void vcpu_free(struct vcpu *vcpu)
{
	if (!vcpu)
		return;
	vgic_remove_cpu(&vcpu->vm->vgic, vcpu->id);
	mem_owner_unpin_host(vcpu->run_pa, GZVM_RUN_AREA_PAGES * PAGE_SZ);
	pool_free_pages(&hyp_pool, vcpu, 1);
}

/* Decode the (vm_id << 16 | vcpu_id) tuple; the VM comes back locked. */
static struct vm *tuple_vm(u64 tuple, unsigned int *vcpu_id)
{
	struct vm *vm;

	if (tuple >> 32)
		return NULL;
	*vcpu_id = GZVM_TUPLE_VCPU_ID(tuple);
	if (*vcpu_id >= GZVM_MAX_VCPUS)
		return NULL;
	vm = vm_get(GZVM_TUPLE_VM_ID(tuple));
	return vm;
}

s64 hvc_create_vcpu(struct smccc_regs *r)
{
	unsigned int id;
	struct vm *vm = tuple_vm(r->a[1], &id);
	u64 run_pa = r->a[2];
	struct vcpu *vcpu = NULL;
	s64 ret = GZVM_ERR_INVALID_ARGS;

	if (!vm)
		return ret;
	/* the run area: host RAM, this vCPU's alone, pinned for its life */
	if (vm->vcpus[id] || !IS_ALIGNED(run_pa, PAGE_SZ) ||
	    mem_owner_pin_host_alone(run_pa, GZVM_RUN_AREA_PAGES * PAGE_SZ))
		goto out;
	vcpu = pool_zalloc_pages(&hyp_pool, 1);
	if (!vcpu) {
		ret = GZVM_ERR_NO_MEMORY;
		goto unpin;
	}
	vcpu->vm = vm;
	vcpu->id = (u16)id;
	vcpu->run_pa = run_pa;
	vcpu->run = (struct gzvm_vcpu_run *)(uintptr_t)run_pa;
	vcpu->hwstate = (struct gzvm_vcpu_hwstate *)(uintptr_t)(run_pa + PAGE_SZ);
	arch_vcpu_reset(vcpu);
	if (vgic_add_cpu(&vm->vgic, &vcpu->vgic_cpu, id, vcpu->ctx.mpidr))
		goto free;
	vcpu->hwstate->vtimer_offset = vm->cntvoff;
	/* the boot vCPU starts on, the others wait for CPU_ON (or a PC from the host) */
	vcpu->powered_off = id != 0;
	vm->vcpus[id] = vcpu;
	vm_put(vm);
	return GZVM_OK;
free:
	pool_free_pages(&hyp_pool, vcpu, 1);
unpin:
	mem_owner_unpin_host(run_pa, GZVM_RUN_AREA_PAGES * PAGE_SZ);
out:
	vm_put(vm);
	return ret;
}

s64 hvc_destroy_vcpu(struct smccc_regs *r)
{
	unsigned int id;
	struct vm *vm = tuple_vm(r->a[1], &id);
	struct vcpu *vcpu;

	if (!vm)
		return GZVM_ERR_INVALID_ARGS;
	vcpu = vm->vcpus[id];
	if (!vcpu || vcpu_is_running(vcpu)) {
		vm_put(vm);
		return vcpu ? GZVM_ERR_BUSY : GZVM_ERR_INVALID_ARGS;
	}
	vm->vcpus[id] = NULL;
	vcpu_free(vcpu);
	vm_put(vm);
	return GZVM_OK;
}

enum claim_for { CLAIM_RUN, CLAIM_REGS };

/*
 * A stopped vCPU of a live VM, claimed for running or for register access;
 * the registers of a sealed VM are the guest's alone.
 */
static struct vcpu *claim_vcpu(u64 tuple, enum claim_for what, s64 *err)
{
	unsigned int id;
	struct vm *vm = tuple_vm(tuple, &id);
	struct vcpu *vcpu;
	u32 idle = 0;

	*err = GZVM_ERR_INVALID_ARGS;
	if (!vm)
		return NULL;
	vcpu = vm->vcpus[id];
	if (vcpu && what == CLAIM_REGS && vm_sealed(vm)) {
		*err = GZVM_ERR_ACCESS_DENIED;
		vcpu = NULL;
	} else if (vcpu && !__atomic_compare_exchange_n(&vcpu->running, &idle, 1, false,
						 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		*err = GZVM_ERR_BUSY;
		vcpu = NULL;
	}
	vm_put(vm);
	return vcpu;
}

static void release_vcpu(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->running, 0, __ATOMIC_RELEASE);
}

s64 hvc_set_one_reg(struct smccc_regs *r)
{
	s64 err;
	struct vcpu *vcpu = claim_vcpu(r->a[1], CLAIM_REGS, &err);
	u64 old_mpidr;

	if (!vcpu)
		return err;
	old_mpidr = vcpu->ctx.mpidr;
	err = arch_vcpu_set_reg(vcpu, r->a[2], r->a[3]);
	/* its redistributor answers to the same affinity, or nothing changes */
	if (!err && vcpu->ctx.mpidr != old_mpidr &&
	    vgic_set_mpidr(&vcpu->vm->vgic, vcpu->id, vcpu->ctx.mpidr)) {
		vcpu->ctx.mpidr = old_mpidr;
		err = GZVM_ERR_INVALID_ARGS;
	}
	/*
	 * A vCPU given an entry point before its first run starts powered on;
	 * and a new PC means "run from here": the step over the instruction
	 * of the last MMIO or hypercall exit (and its result) is dropped.
	 */
	if (!err && r->a[2] == GZVM_REG_ARM64_PC) {
		if (!vcpu->has_run) {
			spin_lock(&vcpu->vm->lock);
			vcpu->powered_off = false;
			spin_unlock(&vcpu->vm->lock);
		}
		vcpu->pending = PENDING_NONE;
	}
	release_vcpu(vcpu);
	return err;
}

s64 hvc_get_one_reg(struct smccc_regs *r)
{
	s64 err;
	struct vcpu *vcpu = claim_vcpu(r->a[1], CLAIM_REGS, &err);
	u64 val = 0;

	if (!vcpu)
		return err;
	err = arch_vcpu_get_reg(vcpu, r->a[2], &val);
	release_vcpu(vcpu);
	if (!err)
		r->a[1] = val;
	return err;
}

/* Consume what the host wrote into the run area for the last exit. */
static void complete_pending(struct vcpu *vcpu)
{
	struct gzvm_vcpu_run *run = vcpu->run;

	if ((vcpu->pending == PENDING_MMIO_READ || vcpu->pending == PENDING_MMIO_WRITE) &&
	    READ_ONCE(run->mmio.ext_abort)) {
		/* nothing behind the address: the access faults, as on hardware */
		arch_vcpu_inject_abort(vcpu, false, vcpu->mmio_far);
		vcpu->pending = PENDING_NONE;
		return;
	}
	switch (vcpu->pending) {
	case PENDING_MMIO_READ: {
		u64 raw = 0;

		for (unsigned int i = 0; i < vcpu->mmio.size; i++)
			raw |= (u64)READ_ONCE(run->mmio.data[i]) << (8 * i);
		if (vcpu->mmio.reg != 31)
			vcpu->ctx.x[vcpu->mmio.reg] = mmio_load_value(&vcpu->mmio, raw);
		vcpu->ctx.pc += 4;
		break;
	}
	case PENDING_MMIO_WRITE:
		vcpu->ctx.pc += 4;
		break;
	case PENDING_HYPERCALL:
		if ((u32)vcpu->ctx.x[0] == GZVM_HVC_MEM_RELINQUISH) {
			/* the hypervisor did the work; the host only unpinned */
			vcpu->ctx.x[0] = SMCCC_RET_SUCCESS;
		} else {
			for (unsigned int i = 0; i < 4; i++)
				vcpu->ctx.x[i] = READ_ONCE(run->hypercall.args[i]);
		}
		break;
	case PENDING_NONE:
		break;
	}
	vcpu->pending = PENDING_NONE;
}

static void clear_exit(struct gzvm_vcpu_run *run)
{
	memset(run->padding, 0, sizeof(run->padding));
}

static u32 exit_internal(struct vcpu *vcpu, u32 suberror, const struct guest_exit *e)
{
	struct gzvm_vcpu_run *run = vcpu->run;

	clear_exit(run);
	run->internal.suberror = suberror;
	/* where a protected guest was and what it did stay hidden */
	if (vm_sealed(vcpu->vm))
		return GZVM_EXIT_INTERNAL_ERROR;
	run->internal.ndata = 3;
	run->internal.data[0] = e->esr;
	run->internal.data[1] = e->ipa;
	run->internal.data[2] = vcpu->ctx.pc;
	return GZVM_EXIT_INTERNAL_ERROR;
}

/* The timers are level-sensitive PPIs: their lines follow the timer conditions. */
static void update_timer_line(struct vcpu *vcpu)
{
	bool virt, phys;

	arch_vcpu_timer_lines(vcpu, &virt, &phys);
	vgic_set_line(&vcpu->vm->vgic, VGIC_PPI_VTIMER, vcpu->id, virt);
	vgic_set_line(&vcpu->vm->vgic, VGIC_PPI_PTIMER, vcpu->id, phys);
}

/* Could the guest take an interrupt now, past its priority mask (a WFI would end)? */
static bool irq_pending(struct vcpu *vcpu)
{
	update_timer_line(vcpu);
	return vgic_pending_above(&vcpu->vm->vgic, vcpu->id, arch_vcpu_priority_mask(vcpu));
}

/*
 * Other vCPUs that got something new to see must be kicked out of the
 * guest (or woken): the driver does that on GZVM_EXIT_IPI.
 */
static u32 kick_others(struct vcpu *vcpu, u32 targets)
{
	targets |= vgic_take_kicks(&vcpu->vm->vgic);
	return (targets & ~(1U << vcpu->id)) ? GZVM_EXIT_IPI : 0;
}

u32 vcpu_send_sgi(struct vcpu *vcpu, u64 sgi1r)
{
	return kick_others(vcpu, vgic_send_sgi(&vcpu->vm->vgic, vcpu->id, sgi1r));
}

/* A load or store to the virtual GIC: emulated here, never a host exit. */
static u32 vgic_access(struct vcpu *vcpu, const struct guest_exit *e)
{
	struct mmio_access m;
	u64 val;

	if (!esr_decode_mmio(e->esr, &m)) {
		arch_vcpu_inject_abort(vcpu, false, e->far);
		return 0;
	}
	val = m.write && m.reg != 31 ? mmio_store_value(&m, vcpu->ctx.x[m.reg]) : 0;
	if (vgic_mmio(&vcpu->vm->vgic, vcpu->id, e->ipa, m.size, m.write, &val)) {
		arch_vcpu_inject_abort(vcpu, false, e->far);
		return 0;
	}
	if (!m.write && m.reg != 31)
		vcpu->ctx.x[m.reg] = mmio_load_value(&m, val);
	vcpu->ctx.pc += 4;
	return kick_others(vcpu, 0);
}

/* Where a guest's stage-2 abort went. */
enum abort_target {
	ABORT_OTHER,		/* not a stage-2 translation, access or permission fault */
	ABORT_RAM_MAPPED,	/* a memslot page another vCPU's fault mapped meanwhile */
	ABORT_RAM,		/* a memslot page not mapped yet */
	ABORT_VGIC,		/* a load or store to the vGIC's frames */
	ABORT_NOT_MEMORY,	/* an instruction fetch or table walk outside memory */
	ABORT_MMIO,		/* a load or store for the host's devices */
	ABORT_UNGUARDED,	/* MMIO at a page the enrolled guest did not name */
};

static enum abort_target abort_target(struct vcpu *vcpu, const struct guest_exit *e)
{
	bool instr = ESR_EC(e->esr) == EC_IABT_LOW;
	struct vm *vm = vcpu->vm;
	bool in_slot, mapped = false, allowed;

	if (!esr_is_stage2_abort(e->esr))
		return ABORT_OTHER;
	spin_lock(&vm->lock);
	in_slot = vm_slot_of(vm, e->ipa) != NULL;
	if (in_slot)
		mapped = vm_ipa_mapped(vm, e->ipa);
	allowed = vm_mmio_allowed(vm, e->ipa);
	spin_unlock(&vm->lock);
	if (in_slot)
		return mapped ? ABORT_RAM_MAPPED : ABORT_RAM;
	if (instr || (e->esr & ESR_S1PTW))
		return ABORT_NOT_MEMORY;
	if (vgic_owns(&vm->vgic, e->ipa))
		return ABORT_VGIC;
	return allowed ? ABORT_MMIO : ABORT_UNGUARDED;
}

/*
 * Cache maintenance by VA (DC CIVAC and the like) outside guest RAM: no
 * cache can hold a line of an address never mapped as memory, so there is
 * nothing to clean or invalidate and the instruction completes, as on
 * hardware for Device memory (KVM skips it too).  Its syndrome has no
 * register (ISV = 0): without this the host would get an exit it cannot
 * resolve.
 */
static bool is_cache_maintenance(const struct guest_exit *e)
{
	return ESR_EC(e->esr) == EC_DABT_LOW && (e->esr & ESR_CM);
}

static u32 handle_abort(struct vcpu *vcpu, const struct guest_exit *e)
{
	bool instr = ESR_EC(e->esr) == EC_IABT_LOW;
	struct gzvm_vcpu_run *run = vcpu->run;
	enum abort_target target = abort_target(vcpu, e);
	struct mmio_access m;

	if (is_cache_maintenance(e) &&
	    (target == ABORT_VGIC || target == ABORT_MMIO || target == ABORT_UNGUARDED)) {
		vcpu->ctx.pc += 4;
		return 0;
	}
	switch (target) {
	case ABORT_RAM_MAPPED:
		return 0;
	case ABORT_RAM:
		/* guest RAM not mapped yet: the driver pins and maps it */
		clear_exit(run);
		run->exception.exception = GZVM_EXCEPTION_PAGE_FAULT;
		run->exception.fault_gpa = e->ipa;
		return GZVM_EXIT_EXCEPTION;
	case ABORT_VGIC:
		return vgic_access(vcpu, e);
	case ABORT_OTHER:	/* an external abort or the like: as on hardware */
	case ABORT_NOT_MEMORY:
	case ABORT_UNGUARDED:
		arch_vcpu_inject_abort(vcpu, instr, e->far);
		return 0;
	case ABORT_MMIO:
		break;
	}
	if (!esr_decode_mmio(e->esr, &m)) {
		/* the VMM could decode it only from guest memory and registers */
		if (vm_sealed(vcpu->vm)) {
			arch_vcpu_inject_abort(vcpu, false, e->far);
			return 0;
		}
		return exit_internal(vcpu, GZVM_INTERNAL_ABORT_NO_SYNDROME, e);
	}

	clear_exit(run);
	run->mmio.phys_addr = e->ipa;
	run->mmio.size = m.size;
	run->mmio.reg_nr = m.reg;
	run->mmio.is_write = m.write;
	if (m.write) {
		u64 v = mmio_store_value(&m, m.reg == 31 ? 0 : vcpu->ctx.x[m.reg]);

		for (unsigned int i = 0; i < m.size; i++)
			run->mmio.data[i] = (u8)(v >> (8 * i));
	}
	vcpu->mmio = m;
	vcpu->mmio_far = e->far;
	vcpu->pending = m.write ? PENDING_MMIO_WRITE : PENDING_MMIO_READ;
	return GZVM_EXIT_MMIO;
}

static u32 forward_hypercall(struct vcpu *vcpu)
{
	struct gzvm_vcpu_run *run = vcpu->run;

	clear_exit(run);
	for (unsigned int i = 0; i < 8; i++)
		run->hypercall.args[i] = vcpu->ctx.x[i];
	vcpu->pending = PENDING_HYPERCALL;
	return GZVM_EXIT_HYPERCALL;
}

/* Guest HVCs: two go to the host, PSCI/SMCCC are answered in guest_psci.c. */
static u32 handle_hvc(struct vcpu *vcpu)
{
	u64 *x = vcpu->ctx.x;

	switch ((u32)x[0]) {
	case GZVM_HVC_PTP:
		return forward_hypercall(vcpu);
	case GZVM_HVC_MMIO_GUARD_ENROLL:
	case GZVM_HVC_MMIO_GUARD_MAP:
	case GZVM_HVC_MMIO_GUARD_UNMAP:
		spin_lock(&vcpu->vm->lock);
		x[0] = (u64)vm_mmio_guard(vcpu->vm, (u32)x[0], x[1]);
		spin_unlock(&vcpu->vm->lock);
		return 0;
	case GZVM_HVC_MEM_SHARE:
	case GZVM_HVC_MEM_UNSHARE:
		spin_lock(&vcpu->vm->lock);
		x[0] = (u64)vm_mem_share(vcpu->vm, (u32)x[0], x[1]);
		spin_unlock(&vcpu->vm->lock);
		return 0;
	case GZVM_HVC_CHAN_SEND:
	case GZVM_HVC_CHAN_RECV:
	case GZVM_HVC_CHAN_INFO:
		return chan_guest_call(vcpu);
	case GZVM_HVC_PVM_MEASUREMENT:
		/* answered here: the host is not trusted to tell the guest what it booted */
		if (!vm_sealed(vcpu->vm) || !vcpu->vm->measured) {
			x[0] = (u64)(s64)SMCCC_RET_NOT_SUPPORTED;
			return 0;
		}
		x[0] = SMCCC_RET_SUCCESS;
		for (unsigned int i = 0; i < 4; i++)
			memcpy(&x[1 + i], vcpu->vm->measurement + 8 * i, 8);
		return 0;
	case GZVM_HVC_MEM_RELINQUISH: {
		struct vm *vm = vcpu->vm;
		bool ok;

		spin_lock(&vm->lock);
		ok = vm_slot_of(vm, x[1]) && vm_unmap_page(vm, x[1]) == GZVM_OK;
		spin_unlock(&vm->lock);
		if (!ok) {
			x[0] = (u64)(s64)SMCCC_RET_NOT_SUPPORTED;
			return 0;
		}
		/* unmapped and no longer lent: the driver may unpin it */
		return forward_hypercall(vcpu);
	}
	default:
		return guest_psci_smccc(vcpu);
	}
}

/*
 * The guest waits for an interrupt (WFI, CPU_SUSPEND).  With idle exits
 * enabled the host thread sleeps (GZVM_EXIT_IDLE) until the guest's timer
 * deadline, which hwstate hands over, or an interrupt for it; without, the
 * wait simply ends (as a WFI may).
 */
u32 vcpu_wait_for_interrupt(struct vcpu *vcpu)
{
	struct gzvm_vcpu_hwstate *hw = vcpu->hwstate;
	u64 delay;

	if (!vcpu->vm->idle_enabled || irq_pending(vcpu))
		return 0;
	hw->vtimer_migrate = arch_vcpu_timer_deadline(vcpu, &delay);
	hw->vtimer_delay = hw->vtimer_migrate ? delay : 0;
	return GZVM_EXIT_IDLE;
}

/*
 * A load from the vGIC while nothing is listed for this vCPU: the model is
 * then exact for it (its list registers hold nothing to read back), and a
 * read changes no interrupt state.  A read the model refuses takes the
 * full path, which injects the abort.
 */
static bool vgic_read_fast(struct vcpu *vcpu, const struct guest_exit *e)
{
	struct mmio_access m;
	u64 val = 0;

	/* vgic_owns first: it is cheaper, and sends the host's MMIO on at once */
	if (vcpu->nr_lrs || !esr_decode_mmio(e->esr, &m) || m.write ||
	    !vgic_owns(&vcpu->vm->vgic, e->ipa) || abort_target(vcpu, e) != ABORT_VGIC ||
	    vgic_mmio(&vcpu->vm->vgic, vcpu->id, e->ipa, m.size, false, &val))
		return false;
	if (m.reg != 31)
		vcpu->ctx.x[m.reg] = mmio_load_value(&m, val);
	vcpu->ctx.pc += 4;
	return true;
}

/*
 * The exits worth answering between two guest entries without a world
 * switch (arch_vcpu_enter calls this while the guest's EL1, FP/SIMD, timer
 * and list registers are still on the CPU): those that read and write
 * nothing but the guest's general registers and PC and change no interrupt
 * state, so no list-register fill is due.  handle_exit starts with it too,
 * so both paths answer these exits the same way.
 */
bool vcpu_exit_fast(struct vcpu *vcpu, const struct guest_exit *e)
{
	if (e->kind != GEXIT_SYNC)
		return false;
	switch (ESR_EC(e->esr)) {
	case EC_HVC64:
		return guest_smccc_query(vcpu);
	case EC_SMC64:
		/* a trapped SMC returns to itself: answer and step over */
		vcpu->ctx.x[0] = (u64)(s64)SMCCC_RET_NOT_SUPPORTED;
		vcpu->ctx.pc += 4;
		return true;
	case EC_DABT_LOW:
		return vgic_read_fast(vcpu, e);
	default:
		return false;
	}
}

/* 0: re-enter the guest; else the exit reason for the host. */
static u32 handle_exit(struct vcpu *vcpu, const struct guest_exit *e)
{
	switch (e->kind) {
	case GEXIT_IRQ:
	case GEXIT_FIQ:
		return GZVM_EXIT_IRQ;
	case GEXIT_SERROR:
		return exit_internal(vcpu, GZVM_INTERNAL_SERROR, e);
	case GEXIT_SYNC:
		break;
	}
	if (vcpu_exit_fast(vcpu, e))
		return 0;
	switch (ESR_EC(e->esr)) {
	case EC_DABT_LOW:
	case EC_IABT_LOW:
		return handle_abort(vcpu, e);
	case EC_HVC64:
		return handle_hvc(vcpu);
	case EC_WFX:
		/* WFI traps only with idle exits enabled; resume after it */
		vcpu->ctx.pc += 4;
		return vcpu_wait_for_interrupt(vcpu);
	case EC_SYS64: {
		u32 reason;

		if (arch_vcpu_sysreg(vcpu, e->esr, &reason)) {
			arch_vcpu_inject_undef(vcpu);
			return 0;
		}
		vcpu->ctx.pc += 4;
		return reason;
	}
	default:
		/* debug, PMU, SVE, SME, ...: not virtualized, UNDEFINED as on a CPU without them */
		arch_vcpu_inject_undef(vcpu);
		return 0;
	}
}

s64 hvc_run(struct smccc_regs *r)
{
	s64 err;
	struct vcpu *vcpu = claim_vcpu(r->a[1], CLAIM_RUN, &err);
	struct guest_exit e;
	u32 reason;

	if (!vcpu)
		return err;
	spin_lock(&vcpu->vm->lock);
	guest_psci_prepare_run(vcpu);
	spin_unlock(&vcpu->vm->lock);
	if (vcpu->powered_off) {
		/* off until another vCPU's CPU_ON: the driver sleeps until woken */
		vcpu->hwstate->vtimer_migrate = 0;
		vcpu->run->exit_reason = GZVM_EXIT_IDLE;
		release_vcpu(vcpu);
		r->a[1] = GZVM_EXIT_IDLE;
		return GZVM_OK;
	}
	if (!vcpu->has_run) {
		/* a protected VM is sealed before any of its instructions runs */
		spin_lock(&vcpu->vm->lock);
		err = vm_start(vcpu->vm);
		spin_unlock(&vcpu->vm->lock);
		if (err) {
			release_vcpu(vcpu);
			return err;
		}
	}
	complete_pending(vcpu);
	vcpu->has_run = true;
	do {
		struct vgic *g = &vcpu->vm->vgic;

		/* interrupts go in through the list registers, and come back out */
		update_timer_line(vcpu);
		vcpu->nr_lrs = g->dist_created ?
			vgic_flush_lrs(g, vcpu->id, vcpu->lrs, arch_nr_lrs(), &vcpu->lr_underflow) : 0;
		arch_vcpu_enter(vcpu, &e);
		if (g->dist_created)
			vgic_sync_lrs(g, vcpu->id, vcpu->lrs, vcpu->nr_lrs);
		update_timer_line(vcpu);
		reason = handle_exit(vcpu, &e);
	} while (!reason);
	vcpu->run->exit_reason = reason;
	r->a[1] = reason;
	if (reason == GZVM_EXIT_CHAN_DOORBELL)
		r->a[2] = vcpu->doorbell_chan;
	release_vcpu(vcpu);
	return GZVM_OK;
}
