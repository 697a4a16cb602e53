// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest's stage-2 aborts, as a hostile guest makes them: data and
 * instruction aborts with random syndromes (ISV, SAS, SSE, SRT, SF, WnR,
 * CM, S1PTW, any fault status) at addresses in its RAM, in the vGIC's
 * frames, in MMIO space (with and without the MMIO guard) and anywhere,
 * with random values in all 31 registers, in ordinary and in sealed
 * protected VMs; the VMM answers MMIO reads with random data or an
 * external abort.
 *
 * The oracle is a model of what the Arm ARM (D17.2.40, ISS encoding for a
 * Data Abort) and the GenieZone ABI (spec section 5.3) say must happen,
 * written apart from the hypervisor's decoder (hyp/arch/arm64/guest_exit.c)
 * and its dispatch (hyp/core/vcpu.c): which exit the host gets; for an MMIO
 * exit its address, size, direction, register number and, for a store,
 * exactly the transfer register's low bytes and zeros beyond them and in
 * the rest of the exit (nothing else of the guest's state reaches the
 * host), and for a protected VM an abort in the guest where an ordinary
 * VM's exit would need the host to read guest memory; after the VMM's answer, the
 * transfer register holds the data zero- or sign-extended to the register's
 * width (XZR never written) and the PC is past the instruction; every other
 * register is untouched on every path, the vGIC's included.  After each
 * input the VM is destroyed and the pool must be back to its baseline.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <asm/sysreg.h>
#include <gzvm/hvc.h>
#include <hyp/hypercall.h>
#include <hyp/page_alloc.h>
#include <hyp/vcpu.h>
#include <hyp/vm.h>

#include "arch_fake.h"
#include "core_board.h"
#include "fuzz_input.h"

#define GUEST_RAM	0x80000000ULL
#define GUEST_PAGES	64ULL
#define GIC_DIST	0x08000000ULL
#define GIC_DIST_SIZE	0x10000ULL
#define GIC_REDIST	0x080a0000ULL
#define GIC_REDIST_SIZE	0x20000ULL
#define MMIO_BASE	0x09000000ULL	/* where a guest's devices would be */
#define GUEST_PC	(GUEST_RAM + 0x1000)

/* pages of the host's RAM the fuzzer's hypercalls use as buffers */
#define BUF_REGION	(0 * FUZZ_PG)
#define BUF_DEVICE	(1 * FUZZ_PG)
#define RUN_AREA	(2 * FUZZ_PG)

/* The syndrome's fields, from the Arm ARM's ISS encoding for a Data Abort. */
#define ISS_ISV(esr)	(((esr) >> 24) & 1)
#define ISS_SAS(esr)	(((esr) >> 22) & 3)
#define ISS_SSE(esr)	(((esr) >> 21) & 1)
#define ISS_SRT(esr)	((unsigned int)((esr) >> 16) & 31)
#define ISS_SF(esr)	(((esr) >> 15) & 1)
#define ISS_CM(esr)	(((esr) >> 8) & 1)
#define ISS_S1PTW(esr)	(((esr) >> 7) & 1)
#define ISS_WNR(esr)	(((esr) >> 6) & 1)
#define ISS_FSC(esr)	((unsigned int)(esr) & 0x3f)
#define ESR_CLASS(esr)	((unsigned int)((esr) >> 26) & 0x3f)

static u8 *ram;
static u64 ram_base;

static struct gzvm_vcpu_run *run_area(void) { return (void *)(ram + RUN_AREA); }

static s64 call(u32 fn, u64 a1, u64 a2, u64 a3)
{
	struct smccc_regs r = { .a = { GZVM_HVC_ID_SMC64(fn), a1, a2, a3 } };

	host_hvc_call(&r);
	return (s64)r.a[0];
}

static void create_device(u16 vm, u32 type, u64 addr, u64 size)
{
	struct gzvm_create_device *d = (void *)(ram + BUF_DEVICE);

	*d = (struct gzvm_create_device){ .dev_type = type, .dev_addr = addr, .dev_reg_size = size };
	CHECK(call(GZVM_FN_CREATE_DEVICE, vm, ram_base + BUF_DEVICE, 0) == GZVM_OK);
}

/* A VM with one vCPU, GUEST_PAGES of RAM (not yet mapped) and a vGIC. */
static u16 make_vm(void)
{
	struct gzvm_memory_region_ranges *b = (void *)(ram + BUF_REGION);
	struct smccc_regs r = { .a = { GZVM_FID_CREATE_VM } };
	u16 vm;

	host_hvc_call(&r);
	CHECK((s64)r.a[0] == GZVM_OK);
	vm = (u16)r.a[1];
	*b = (struct gzvm_memory_region_ranges){ .slot = 0, .total_pages = GUEST_PAGES,
						 .gpa = GUEST_RAM };
	CHECK(call(GZVM_FN_SET_MEMREGION, vm, 2 * FUZZ_PG, ram_base + BUF_REGION) == GZVM_OK);
	CHECK(call(GZVM_FN_CREATE_VCPU, GZVM_VCPU_TUPLE(vm, 0), ram_base + RUN_AREA, 0) == GZVM_OK);
	create_device(vm, GZVM_DEV_TYPE_ARM_VGIC_V3_DIST, GIC_DIST, GIC_DIST_SIZE);
	create_device(vm, GZVM_DEV_TYPE_ARM_VGIC_V3_REDIST, GIC_REDIST, GIC_REDIST_SIZE);
	return vm;
}

static struct vcpu *vcpu_of(u16 id)
{
	struct vm *v = vm_get(id);
	struct vcpu *c;

	CHECK(v);
	c = v->vcpus[0];
	vm_put(v);
	return c;
}

static u32 run(u16 vm)
{
	struct smccc_regs r = { .a = { GZVM_FID_RUN, GZVM_VCPU_TUPLE(vm, 0) } };

	host_hvc_call(&r);
	CHECK((s64)r.a[0] == GZVM_OK);
	CHECK(r.a[1] == run_area()->exit_reason);
	return (u32)r.a[1];
}

/* A guest HVC, handled in the hypervisor (the MMIO guard): nothing reaches the host. */
static void guest_hvc(u16 vm, u64 fn, u64 arg)
{
	u64 x[4] = { fn, arg, 0, 0 };

	fuzz_arch_queue_exit(GEXIT_SYNC - 1, (u64)EC_HVC64 << 26 | ESR_IL, 0, x);
	CHECK(run(vm) == GZVM_EXIT_IRQ);
	fuzz_arch_reset();
}

/* ---- the model ------------------------------------------------------------ */

enum outcome {
	IN_GUEST,		/* handled for the guest (an abort injected): nothing changes */
	SKIPPED,		/* cache maintenance outside memory: only the PC moves on */
	VGIC,			/* emulated: at most the transfer register and the PC change */
	PAGE_FAULT,		/* guest RAM not mapped yet: the driver's page-fault exit */
	MMIO,			/* the VMM's MMIO exit */
	NO_SYNDROME,		/* MMIO the host could only decode from guest memory */
};

static bool in_range(u64 a, u64 base, u64 size) { return a >= base && a - base < size; }

static enum outcome expect(u64 esr, u64 ipa, bool guarded, u64 granted, bool sealed)
{
	unsigned int fsc = ISS_FSC(esr) >> 2;
	bool instr = ESR_CLASS(esr) == EC_IABT_LOW;

	/* translation, access flag and permission faults, levels 0-3; others are the guest's */
	if (fsc < 1 || fsc > 3)
		return IN_GUEST;
	if (in_range(ipa, GUEST_RAM, GUEST_PAGES * FUZZ_PG))
		return PAGE_FAULT;
	if (instr || ISS_S1PTW(esr))
		return IN_GUEST;
	if (ISS_CM(esr))
		return SKIPPED;
	if (in_range(ipa, GIC_DIST, GIC_DIST_SIZE) || in_range(ipa, GIC_REDIST, GIC_REDIST_SIZE))
		return ISS_ISV(esr) ? VGIC : IN_GUEST;
	if (guarded && (ipa & ~(FUZZ_PG - 1)) != granted)
		return IN_GUEST;
	if (!ISS_ISV(esr))	/* a protected guest's memory is not the host's to decode */
		return sealed ? IN_GUEST : NO_SYNDROME;
	return MMIO;
}

/* What a load of `size` bytes puts in the transfer register (Arm ARM: LDR, LDRS*). */
static u64 loaded(u64 esr, const u8 *data)
{
	unsigned int bits = 8U << ISS_SAS(esr), width = ISS_SF(esr) ? 64 : 32;
	u64 v = 0;

	for (unsigned int i = 0; i < bits / 8; i++)
		v |= (u64)data[i] << (8 * i);
	if (ISS_SSE(esr) && bits < width && (v >> (bits - 1) & 1))
		v |= ~0ULL << bits;
	return width == 64 ? v : v & 0xffffffffULL;
}

/* ---- the checks ----------------------------------------------------------- */

/* Every register but `except` (32: none) as it was, the PC at `pc`. */
static void check_regs(const struct vcpu *c, const u64 *x, unsigned int except, u64 pc)
{
	for (unsigned int i = 0; i < 31; i++) {
		if (i != except && c->ctx.x[i] != x[i])
			fprintf(stderr, "x%u: %llx, was %llx\n", i, (unsigned long long)c->ctx.x[i],
				(unsigned long long)x[i]);
		CHECK(i == except || c->ctx.x[i] == x[i]);
	}
	CHECK(c->ctx.pc == pc);
}

/* The MMIO exit: the access as the syndrome says, a store's bytes and nothing more. */
static void check_mmio_exit(const struct gzvm_run_mmio *m, u64 esr, u64 ipa, const u64 *x)
{
	unsigned int size = 1U << ISS_SAS(esr), rt = ISS_SRT(esr);
	u64 stored = rt == 31 ? 0 : x[rt];

	const u8 *tail = (const u8 *)&m->is_write + 1, *end = (const u8 *)run_area() +
							      sizeof(struct gzvm_vcpu_run);

	for (; tail < end; tail++)
		CHECK(*tail == 0);
	CHECK(m->phys_addr == ipa);
	CHECK(m->size == size);
	CHECK(m->is_write == ISS_WNR(esr));
	CHECK(m->reg_nr == rt);
	for (unsigned int i = 0; i < sizeof(m->data); i++) {
		u8 want = ISS_WNR(esr) && i < size ? (u8)(stored >> (8 * i)) : 0;

		CHECK(m->data[i] == want);
	}
}

/* The VMM answers an MMIO exit with data or an external abort; the next RUN applies it. */
static void answer_mmio(struct input *in, u16 vm, struct vcpu *c, u64 esr, const u64 *x)
{
	struct gzvm_run_mmio *m = &run_area()->mmio;
	unsigned int rt = ISS_SRT(esr);
	bool abort_it = take(in, 1) < 0x20;
	u8 data[8];

	for (unsigned int i = 0; i < 8; i++)
		data[i] = (u8)take(in, 1);
	if (!ISS_WNR(esr))
		memcpy(m->data, data, sizeof(data));
	m->ext_abort = abort_it;
	CHECK(run(vm) == GZVM_EXIT_IRQ);
	if (abort_it)
		check_regs(c, x, 32, GUEST_PC);
	else if (ISS_WNR(esr) || rt == 31)
		check_regs(c, x, 32, GUEST_PC + 4);
	else {
		check_regs(c, x, rt, GUEST_PC + 4);
		CHECK(c->ctx.x[rt] == loaded(esr, data));
	}
}

static void check_vgic(const struct vcpu *c, u64 esr, const u64 *x)
{
	unsigned int rt = ISS_SRT(esr);

	if (c->ctx.pc == GUEST_PC) {		/* refused: an abort for the guest */
		check_regs(c, x, 32, GUEST_PC);
		return;
	}
	check_regs(c, x, ISS_WNR(esr) ? 32 : rt, GUEST_PC + 4);
	/* a W register's load clears its upper half */
	if (!ISS_WNR(esr) && rt != 31 && !ISS_SF(esr))
		CHECK(c->ctx.x[rt] >> 32 == 0);
}

/* ---- the input -------------------------------------------------------------- */

static u64 pick_ipa(struct input *in, u64 granted)
{
	u64 sel = take(in, 1), v = take(in, 4);

	switch (sel % 6) {
	case 0: return GUEST_RAM + v % (GUEST_PAGES * FUZZ_PG + FUZZ_PG);	/* and just past it */
	case 1: return GIC_DIST + v % (GIC_DIST_SIZE + 0x100);
	case 2: return GIC_REDIST + v % (GIC_REDIST_SIZE + 0x100);
	case 3: return granted + v % (2 * FUZZ_PG);
	case 4: return MMIO_BASE + v % 0x1000000;
	default: return (v | take(in, 3) << 32) & ((1ULL << 48) - 1);
	}
}

static u64 pick_esr(struct input *in)
{
	static const u8 fsc[] = { 0x04, 0x05, 0x06, 0x07, 0x09, 0x0b, 0x0c, 0x0f, 0x10, 0x21 };
	u64 sel = take(in, 1), iss = take(in, 4) & 0x1ffffff, ec = EC_DABT_LOW;

	if (sel < 0x20)
		ec = EC_IABT_LOW;
	if (sel & 0x40)		/* mostly the fault statuses that matter */
		iss = (iss & ~0x3fULL) | fsc[sel % sizeof(fsc)];
	if (sel & 0x80)		/* mostly a syndrome that names a register */
		iss |= 1ULL << 24;
	/* what a CPU can report: cache maintenance names no register and says "write" */
	if (ISS_CM(iss))
		iss = (iss & ~(1ULL << 24)) | 1ULL << 6;
	return ec << 26 | ESR_IL | iss;
}

static void one_abort(struct input *in, u16 vm, struct vcpu *c, bool guarded, u64 granted,
		      bool sealed)
{
	u64 esr = pick_esr(in), ipa = pick_ipa(in, granted), x[31];
	enum outcome want = expect(esr, ipa, guarded, granted, sealed);
	u32 exit;

	for (unsigned int i = 0; i < 31; i++)
		x[i] = take(in, 1) < 0x80 ? take(in, 8) : (u64)i * 0x0101010101010101ULL;
	memcpy(c->ctx.x, x, sizeof(x));
	c->ctx.pc = GUEST_PC;
	fuzz_arch_queue_exit(GEXIT_SYNC - 1, esr, ipa, x);
	exit = run(vm);
	fuzz_arch_reset();
	switch (want) {
	case IN_GUEST:
		CHECK(exit == GZVM_EXIT_IRQ);
		check_regs(c, x, 32, GUEST_PC);
		break;
	case SKIPPED:
		CHECK(exit == GZVM_EXIT_IRQ);
		check_regs(c, x, 32, GUEST_PC + 4);
		break;
	case VGIC:
		CHECK(exit == GZVM_EXIT_IRQ);	/* one vCPU: no other to kick */
		check_vgic(c, esr, x);
		break;
	case PAGE_FAULT:
		CHECK(exit == GZVM_EXIT_EXCEPTION);
		CHECK(run_area()->exception.exception == GZVM_EXCEPTION_PAGE_FAULT);
		CHECK(run_area()->exception.fault_gpa == ipa);
		check_regs(c, x, 32, GUEST_PC);
		break;
	case NO_SYNDROME:
		CHECK(exit == GZVM_EXIT_INTERNAL_ERROR);
		check_regs(c, x, 32, GUEST_PC);
		break;
	case MMIO:
		CHECK(exit == GZVM_EXIT_MMIO);
		check_mmio_exit(&run_area()->mmio, esr, ipa, x);
		check_regs(c, x, 32, GUEST_PC);
		answer_mmio(in, vm, c, esr, x);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	bool guarded, sealed;
	u64 granted, flags;
	struct vcpu *c;
	u16 vm;

	ram = fuzz_board_ram();
	ram_base = (u64)(uintptr_t)ram;
	vm = make_vm();
	c = vcpu_of(vm);
	flags = take(&in, 1);
	guarded = flags & 1;
	sealed = flags & 2;
	granted = MMIO_BASE + take(&in, 2) * FUZZ_PG;
	if (sealed) {
		/* no payload and no key on this board: the first RUN seals it unverified */
		CHECK(call(GZVM_FN_ENABLE_CAP, vm, GZVM_CAP_PROTECTED_VM,
			   GZVM_CAP_PVM_SET_PROTECTED_VM) == GZVM_OK);
		CHECK(run(vm) == GZVM_EXIT_IRQ);
		CHECK(vm_sealed(c->vm));
	}
	if (guarded) {
		guest_hvc(vm, GZVM_HVC_MMIO_GUARD_ENROLL, 0);
		guest_hvc(vm, GZVM_HVC_MMIO_GUARD_MAP, granted);
	}
	while (in.n)
		one_abort(&in, vm, c, guarded, granted, sealed);
	CHECK(call(GZVM_FN_DESTROY_VM, vm, 0, 0) == GZVM_OK);
	CHECK(pool_used_pages(&hyp_pool) == fuzz_board_pool_baseline());
	return 0;
}
