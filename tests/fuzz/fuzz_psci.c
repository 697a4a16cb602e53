// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's SMCs (hyp/core/smccc.c) and the PSCI relay
 * (hyp/core/psci_relay.c) against a model of the firmware: random SMCs
 * (every PSCI id in both widths, the SMCCC calls, random ids, MPIDRs of
 * CPUs that exist and do not, random entry points and contexts) from
 * random running CPUs, pending CPUs arriving at EL2, and firmware that
 * accepts or refuses.  The firmware model keeps each CPU's power state;
 * a CPU_OFF it accepts never returns (longjmp), as on hardware.
 * Invariants:
 *   - firmware sees only PSCI calls, the SMCCC calls of the relay's set-up
 *     and the workarounds it offers; never a CPU_ON, CPU_SUSPEND,
 *     CPU_DEFAULT_SUSPEND or SYSTEM_SUSPEND with the host's entry point or
 *     context (always the hypervisor's entry and that CPU's hyp_cpu);
 *     never a CPU_ON of a CPU that is not off; SMC32 arguments reach it
 *     truncated to 32 bits;
 *   - the relay's state of every CPU equals the firmware's after every step;
 *   - CPU_ON of a CPU that is on answers ALREADY_ON, of one pending
 *     ON_PENDING, of an MPIDR that does not exist INVALID_PARAMS;
 *   - a call the filter does not know reaches nothing and answers
 *     NOT_SUPPORTED; an SMC32 result is sign-extended from 32 bits;
 *     x4..x7 come back as the host left them.
 */
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <hyp/arch.h>
#include <hyp/cpu.h>
#include <hyp/psci.h>
#include <hyp/psci_relay.h>
#include <hyp/smccc.h>

#include "fuzz_input.h"

#define ENTRY_PA	0x40200000ULL
#define MAX_CPUS	8

enum { FW_OFF, FW_PENDING, FW_ON };

static struct {
	u32 power[MAX_CPUS];
	u32 version;		/* PSCI_VERSION's answer */
	s32 wa[3];		/* ARCH_FEATURES of the workarounds */
	bool smccc_1_1;
	u8 answer;		/* the next call: 0 accepts, else a refusal */
	unsigned int calls;
} fw;

static struct arch_cpu_vulns vulns;
static struct hyp_cpu *this_cpu;
static jmp_buf cpu_gone;	/* the calling CPU powered off, or the system did */

static struct hyp_cpu *fw_cpu(u64 mpidr)
{
	return cpu_by_mpidr(mpidr);
}

static s64 refusal(void)
{
	static const s64 codes[] = { PSCI_RET_DENIED, PSCI_RET_INTERNAL_FAILURE,
				     PSCI_RET_INVALID_PARAMS, PSCI_RET_NOT_PRESENT };
	u8 a = fw.answer;

	fw.answer = 0;
	return a ? codes[a % 4] : PSCI_RET_SUCCESS;
}

static s64 fw_cpu_on(const struct smccc_regs *r)
{
	struct hyp_cpu *t = fw_cpu(r->a[1]);
	s64 ret;

	CHECK(t && r->a[2] == ENTRY_PA && r->a[3] == (u64)(uintptr_t)t);
	CHECK(fw.power[t->index] == FW_OFF);
	/* the relay claimed it first: the state machine says pending already */
	CHECK(t->power == CPU_POWER_ON_PENDING);
	ret = refusal();
	if (ret == PSCI_RET_SUCCESS)
		fw.power[t->index] = FW_PENDING;
	return ret;
}

static s64 fw_suspend(const struct smccc_regs *r, unsigned int entry_arg)
{
	CHECK(r->a[entry_arg] == ENTRY_PA && r->a[entry_arg + 1] == (u64)(uintptr_t)this_cpu);
	/* a standby state, or a refusal: either way the call returns */
	return refusal();
}

static s64 fw_affinity_info(u64 mpidr)
{
	struct hyp_cpu *t = fw_cpu(mpidr);

	if (!t)
		return PSCI_RET_INVALID_PARAMS;
	return fw.power[t->index] == FW_ON ? 0 : fw.power[t->index] == FW_OFF ? 1 : 2;
}

static s64 fw_psci(u32 fid, const struct smccc_regs *r)
{
	if (!(fid & SMCCC_64))
		for (int i = 1; i < 4; i++)
			CHECK(r->a[i] <= 0xffffffffULL);
	switch (fid & ~SMCCC_64) {
	case PSCI_VERSION:
		return fw.version;
	case PSCI_CPU_ON:
		CHECK(fid & SMCCC_64);
		return fw_cpu_on(r);
	case PSCI_CPU_OFF: {
		s64 ret = refusal();

		CHECK(this_cpu->power == CPU_POWER_OFF);
		if (ret == PSCI_RET_SUCCESS) {
			fw.power[this_cpu->index] = FW_OFF;
			longjmp(cpu_gone, 1);
		}
		return ret;
	}
	case PSCI_CPU_SUSPEND:
		CHECK(fid & SMCCC_64);
		return fw_suspend(r, 2);
	case PSCI_CPU_DEFAULT_SUSPEND:
	case PSCI_SYSTEM_SUSPEND:
		CHECK(fid & SMCCC_64);
		return fw_suspend(r, 1);
	case PSCI_AFFINITY_INFO:
		return fw_affinity_info(r->a[1]);
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_SYSTEM_RESET2:
		if (refusal() == PSCI_RET_SUCCESS)
			longjmp(cpu_gone, 2);
		return PSCI_RET_DENIED;
	case PSCI_MEM_PROTECT:
	case PSCI_MEM_PROTECT_CHECK_RANGE:
		CHECK(!"MEM_PROTECT reached firmware");
		return 0;
	default:
		return refusal() ? PSCI_RET_NOT_SUPPORTED : (s64)(r->a[1] & 0xff);
	}
}

void arch_fw_call(struct smccc_regs *regs)
{
	u32 fid = (u32)regs->a[0];
	s64 ret;

	fw.calls++;
	if (psci_is_fid(fid)) {
		ret = fw_psci(fid, regs);
	} else if (fid == SMCCC_VERSION) {
		ret = fw.smccc_1_1 ? SMCCC_VERSION_1_1 : SMCCC_VERSION_1_0;
	} else if (fid == SMCCC_ARCH_FEATURES) {
		ret = regs->a[1] == SMCCC_ARCH_WORKAROUND_1 ? fw.wa[0] :
		      regs->a[1] == SMCCC_ARCH_WORKAROUND_2 ? fw.wa[1] :
		      regs->a[1] == SMCCC_ARCH_WORKAROUND_3 ? fw.wa[2] : SMCCC_RET_NOT_SUPPORTED;
	} else {
		/* only a workaround the firmware said it implements */
		int wa = fid == SMCCC_ARCH_WORKAROUND_1 ? 0 : fid == SMCCC_ARCH_WORKAROUND_2 ? 1 :
			 fid == SMCCC_ARCH_WORKAROUND_3 ? 2 : -1;

		CHECK(wa >= 0 && fw.smccc_1_1 && fw.wa[wa] >= 0);
		ret = 0;
	}
	regs->a[0] = (u64)ret;
}

u64 arch_cpu_entry_pa(void) { return ENTRY_PA; }
struct hyp_cpu *arch_this_cpu(void) { return this_cpu; }
void arch_dcache_clean_range(const void *p, size_t len) { (void)p; (void)len; }
void arch_cpu_vulns(struct arch_cpu_vulns *v) { *v = vulns; }
u64 arch_counter(void) { return 1000; }
void arch_halt(void) { abort(); }

/* ---- the host's calls ----------------------------------------------------------- */

static const u32 fids[] = {
	SMCCC_VERSION, SMCCC_ARCH_FEATURES, SMCCC_ARCH_SOC_ID, SMCCC_ARCH_WORKAROUND_1,
	SMCCC_ARCH_WORKAROUND_2, SMCCC_ARCH_WORKAROUND_3, 0x82000000, 0xc2000001, 0x86000000,
	0xc6000009, 0xbf000000, 0x8f000000, 0x84000020, 0xc400ffff,
};

static u32 draw_fid(struct input *in)
{
	u8 b = (u8)take(in, 1);

	if (b < 0x80)		/* PSCI 0..0x1f, SMC32 or SMC64 */
		return (b & 0x40 ? PSCI_0_2_FN64(0) : PSCI_0_2_FN(0)) + (b & 0x1f);
	if (b < 0xf0)
		return fids[b % (sizeof(fids) / sizeof(fids[0]))];
	return (u32)take(in, 4);
}

static u64 draw_arg(struct input *in)
{
	u8 b = (u8)take(in, 1);

	switch (b & 3) {
	case 0:
		return b >> 2;					/* a small value: MPIDRs 0..63 */
	case 1:
		return (u64)(b >> 2) << 8 | 0xffffffff00000000ULL;	/* upper bits for SMC32 */
	case 2:
		return ENTRY_PA + (b >> 2) * 0x1000;		/* near the entry point */
	default:
		return take(in, 8);
	}
}

static struct hyp_cpu *draw_running_cpu(struct input *in)
{
	unsigned int start = (unsigned int)take(in, 1);

	for (unsigned int i = 0; i < hyp_nr_cpus; i++) {
		struct hyp_cpu *c = &hyp_cpus[(start + i) % hyp_nr_cpus];

		if (c->power == CPU_POWER_ON)
			return c;
	}
	return NULL;
}

static void check_states(void)
{
	static const u32 relay_of[] = { [FW_OFF] = CPU_POWER_OFF, [FW_PENDING] = CPU_POWER_ON_PENDING,
					[FW_ON] = CPU_POWER_ON };

	for (unsigned int i = 0; i < hyp_nr_cpus; i++)
		CHECK(hyp_cpus[i].power == relay_of[fw.power[i]]);
}

/* What the relay must answer a CPU_ON by its own state, or 1 if it asks firmware. */
static s64 cpu_on_answer(u64 mpidr)
{
	struct hyp_cpu *t = cpu_by_mpidr(mpidr);

	if (!t)
		return PSCI_RET_INVALID_PARAMS;
	if (t->power == CPU_POWER_ON)
		return PSCI_RET_ALREADY_ON;
	return t->power == CPU_POWER_ON_PENDING ? PSCI_RET_ON_PENDING : 1;
}

static bool known_fid(u32 fid)
{
	u32 fn = fid & ~SMCCC_64;

	return (psci_is_fid(fid) && fn <= PSCI_SYSTEM_RESET2 && fn != PSCI_MEM_PROTECT) ||
	       fid == SMCCC_VERSION || fid == SMCCC_ARCH_FEATURES || fid == SMCCC_ARCH_WORKAROUND_1 ||
	       fid == SMCCC_ARCH_WORKAROUND_2 || fid == SMCCC_ARCH_WORKAROUND_3;
}

/* One SMC of the host; false once the system is off. */
static bool host_smc(struct input *in)
{
	struct smccc_regs r = { .a = { draw_fid(in) } }, before;
	u32 fid = (u32)r.a[0];
	unsigned int calls = fw.calls;
	s64 expect = 1;

	this_cpu = draw_running_cpu(in);
	if (!this_cpu)
		return false;
	for (int i = 1; i < 8; i++)
		r.a[i] = draw_arg(in);
	before = r;
	if ((fid & ~SMCCC_64) == PSCI_CPU_ON)
		expect = cpu_on_answer((fid & SMCCC_64) ? r.a[1] : (u32)r.a[1]);
	switch (setjmp(cpu_gone)) {
	case 0:
		host_smc_call(&r);
		break;
	case 1:		/* this CPU is off: the others go on */
		check_states();
		return true;
	default:	/* the system is off or resets */
		return false;
	}
	check_states();
	for (int i = 4; i < 8; i++)
		CHECK(r.a[i] == before.a[i]);
	if (!(fid & SMCCC_64) && (psci_is_fid(fid) || fid == SMCCC_ARCH_FEATURES))
		CHECK(r.a[0] == (u64)(s64)(s32)r.a[0]);
	if (!known_fid(fid)) {
		CHECK(fw.calls == calls && (s64)r.a[0] == PSCI_RET_NOT_SUPPORTED);
	} else if (expect != 1) {
		CHECK((s64)r.a[0] == expect && fw.calls == calls);
	}
	return true;
}

/* A CPU the firmware started arrives at the hypervisor's entry. */
static void cpu_arrives(struct input *in)
{
	unsigned int i = (unsigned int)take(in, 1) % hyp_nr_cpus;

	if (fw.power[i] != FW_PENDING)
		return;
	fw.power[i] = FW_ON;
	psci_relay_cpu_entered(&hyp_cpus[i]);
	check_states();
}

/* ---- one input ------------------------------------------------------------------ */

static bool setup(struct input *in)
{
	u8 how = (u8)take(in, 1);
	static const u32 versions[] = { 0x10001, 0x10000, 0x2, 0x1 };

	memset(&fw, 0, sizeof(fw));
	hyp_nr_cpus = 1 + how % MAX_CPUS;
	for (unsigned int i = 0; i < hyp_nr_cpus; i++)
		hyp_cpus[i] = (struct hyp_cpu){
			/* sparse affinities, as on big.LITTLE parts */
			.mpidr = (how & 8) ? (i / 4) << 8 | (i % 4) : i, .index = i,
		};
	fw.version = versions[(how >> 4) & 3];
	fw.smccc_1_1 = how & 0x40;
	for (int i = 0; i < 3; i++)
		fw.wa[i] = (s32)(take(in, 1) % 3) - 1;
	vulns = (struct arch_cpu_vulns){ .spectre_v2_unaffected = how & 0x80,
					 .spectre_bhb_unaffected = fw.wa[2] == 1 };
	if (psci_relay_init()) {
		CHECK(fw.version < 0x2);
		return false;
	}
	psci_relay_set_boot_cpu(&hyp_cpus[0]);
	fw.power[0] = FW_ON;
	fw.calls = 0;
	check_states();
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };

	if (!setup(&in))
		return 0;
	while (in.n) {
		u8 op = (u8)take(&in, 1);

		if (op < 0xa0) {
			if (!host_smc(&in))
				break;
		} else if (op < 0xd0) {
			cpu_arrives(&in);
		} else {
			fw.answer = (u8)(op - 0xd0);
		}
	}
	return 0;
}
