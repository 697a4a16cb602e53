// SPDX-License-Identifier: GPL-2.0
/*
 * gzvm_selftest - KVM-selftests-style tests of /dev/gzvm.
 *
 *   gzvm_selftest            run every default test
 *   gzvm_selftest NAME...    run the named tests (also the opt-in ones)
 *   gzvm_selftest -l         list the tests
 *
 * Each test builds a VM, loads a tiny bare-metal guest (guests.S, or
 * instructions emitted here) and checks every exit.  One TAP line per
 * check ("GZVM-TAP: ok - selftest: ..."); exit status 1 if any failed.
 *
 * Environment:
 *   GZVM_SELFTEST_DEEP=1        larger iteration counts (opt-in deep run)
 *   GZVM_SELFTEST_CYCLES=N      lifecycle create/run/destroy cycles
 *   GZVM_SELFTEST_SPINS=N       exits per vCPU in the concurrency test
 *   GZVM_SELFTEST_DEMAND_MB=N   size of the demand-paging slot
 *   GZVM_SELFTEST_VERBOSE=1     more information lines
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gzvm_util.h"

GUEST_DECLARE(done);
GUEST_DECLARE(hvc);
GUEST_DECLARE(system_off);
GUEST_DECLARE(ptp);
GUEST_DECLARE(relinquish);
GUEST_DECLARE(demand);
GUEST_DECLARE(calls);
GUEST_DECLARE(ldp);
GUEST_DECLARE(preidx);
GUEST_DECLARE(postidx);
GUEST_DECLARE(vectors);
GUEST_DECLARE(spin_ucall);
GUEST_DECLARE(spin);
GUEST_DECLARE(sysregs);

/* gzvm_irq.c: the C guest's interrupt, PSCI and idle tests */
void test_vgic(void);
void test_spi(void);
void test_ppi(void);
void test_sgi(void);
void test_prio(void);
void test_psci(void);
void test_idle(void);
void test_imask(void);
void test_protected(void);
void test_ioctls(void);
void test_randguest(void);
void test_hvcfuzz(void);
void test_stress(void);
void test_killvmm(void);

#define RAM_SIZE	(2UL << 20)
#define CODE_GPA	GUEST_RAM_GPA
#define DATA_GPA	(GUEST_RAM_GPA + 0x100000)

/* A VM with a 2 MiB RAM slot at GUEST_RAM_GPA, guest @start..@end loaded at
 * CODE_GPA + @off, and vCPU 0 at it. */
struct env {
	struct gzvm_vm vm;
	struct gzvm_vcpu vcpu;
	bool ok;
};

static bool env_setup_blob(struct env *e, const char *test, const void *start,
			   const void *end, uint64_t off, uint64_t entry_off)
{
	int r;

	e->ok = false;
	r = gzvm_vm_create(&e->vm);
	if (r) {
		gzvm_tap_fail(gzvm_fmt("%s: set-up", test), "CREATE_VM: %s", strerror(-r));
		return false;
	}
	if (!gzvm_vm_add_mem(&e->vm, 0, GUEST_RAM_GPA, RAM_SIZE)) {
		gzvm_tap_fail(gzvm_fmt("%s: set-up", test), "SET_USER_MEMORY_REGION: %s",
			      strerror(errno));
		gzvm_vm_destroy(&e->vm);
		return false;
	}
	if (start && gzvm_vm_load(&e->vm, CODE_GPA + off, start, end)) {
		gzvm_tap_fail(gzvm_fmt("%s: set-up", test), "guest does not fit");
		gzvm_vm_destroy(&e->vm);
		return false;
	}
	r = gzvm_vcpu_create(&e->vm, 0, &e->vcpu, CODE_GPA + off + entry_off);
	if (r) {
		gzvm_tap_fail(gzvm_fmt("%s: set-up", test), "CREATE_VCPU/SET_ONE_REG: %s",
			      strerror(-r));
		gzvm_vm_destroy(&e->vm);
		return false;
	}
	e->ok = true;
	return true;
}

#define env_setup(e, test, name) \
	env_setup_blob(e, test, guest_##name##_start, guest_##name##_end, 0, 0)

static void env_teardown(struct env *e)
{
	if (!e->ok)
		return;
	gzvm_vcpu_close(&e->vcpu);
	gzvm_vm_destroy(&e->vm);
	e->ok = false;
}

/* ======================================================================== */
/* mmio: every size, sign extension, every register                          */
/* ======================================================================== */

enum { K_STRB, K_STRH, K_STRW, K_STRX, K_LDRB, K_LDRH, K_LDRW, K_LDRX,
       K_LDRSBX, K_LDRSBW, K_LDRSHX, K_LDRSHW, K_LDRSWX, K_NR };

static const struct {
	const char *name;
	uint32_t op;
	unsigned int size;
	bool write, sign, x;
} kinds[K_NR] = {
	[K_STRB] = { "STRB Wt", 0x39000000, 1, true, false, false },
	[K_STRH] = { "STRH Wt", 0x79000000, 2, true, false, false },
	[K_STRW] = { "STR Wt", 0xb9000000, 4, true, false, false },
	[K_STRX] = { "STR Xt", 0xf9000000, 8, true, false, true },
	[K_LDRB] = { "LDRB Wt", 0x39400000, 1, false, false, false },
	[K_LDRH] = { "LDRH Wt", 0x79400000, 2, false, false, false },
	[K_LDRW] = { "LDR Wt", 0xb9400000, 4, false, false, false },
	[K_LDRX] = { "LDR Xt", 0xf9400000, 8, false, false, true },
	[K_LDRSBX] = { "LDRSB Xt", 0x39800000, 1, false, true, true },
	[K_LDRSBW] = { "LDRSB Wt", 0x39c00000, 1, false, true, false },
	[K_LDRSHX] = { "LDRSH Xt", 0x79800000, 2, false, true, true },
	[K_LDRSHW] = { "LDRSH Wt", 0x79c00000, 2, false, true, false },
	[K_LDRSWX] = { "LDRSW Xt", 0xb9800000, 4, false, true, true },
};

#define SNIPPET_BYTES	16
#define MMIO_CODE_OFF	0x10000

static uint32_t movz16(unsigned int d, uint32_t imm) { return 0xd2a00000 | imm << 5 | d; }
static uint32_t movk0(unsigned int d, uint32_t imm) { return 0xf2800000 | imm << 5 | d; }

static uint64_t mmio_addr(int k, int reg) { return TEST_MMIO_GPA + ((uint64_t)k << 8) + (uint64_t)reg * 8; }
/* snippets form one chain: kind k, register 0..31 in order (4 instructions each) */
static uint64_t snippet_gpa(int k, int reg) { return CODE_GPA + MMIO_CODE_OFF + (uint64_t)(k * 32 + reg) * SNIPPET_BYTES; }

/* value the host gives a load of @reg: negative for even registers */
static uint64_t load_data(int reg)
{
	return (reg & 1) ? 0x7172737475767778ULL - (uint64_t)reg : 0xf1e2d3c4b5a69788ULL + (uint64_t)reg;
}

static uint64_t store_value(int reg) { return 0x8877665544332211ULL ^ ((uint64_t)reg * 0x0101010101010101ULL); }

static uint64_t expected_load(int k, uint64_t d)
{
	unsigned int bits = kinds[k].size * 8;
	uint64_t v = bits == 64 ? d : d & ((1ULL << bits) - 1);

	if (kinds[k].sign && bits < 64 && (v >> (bits - 1)) & 1)
		v |= ~0ULL << bits;
	return kinds[k].x ? v : (uint32_t)v;
}

/*
 * One chain of snippets "movz/movk xA = address; access; str xA, [xA]"
 * (the last store is the end marker), for every kind and register, then
 * "b .".  The host never sets the PC in between: like KVM, gzvm completes
 * an MMIO exit (register write-back, PC + 4) on the next RUN, so a PC set
 * after an MMIO exit would be advanced as well.
 */
static void emit_snippets(struct gzvm_vm *vm)
{
	uint32_t *p = NULL;

	for (int k = 0; k < K_NR; k++) {
		for (int reg = 0; reg <= 31; reg++) {
			unsigned int a = reg == 1 ? 2 : 1;	/* address register */
			uint64_t addr = mmio_addr(k, reg);

			p = gzvm_gpa_to_hva(vm, snippet_gpa(k, reg));
			p[0] = movz16(a, (uint32_t)(addr >> 16));
			p[1] = movk0(a, (uint32_t)(addr & 0xffff));
			p[2] = kinds[k].op | a << 5 | (unsigned int)reg;
			p[3] = 0xf9000000 | a << 5 | a;		/* str xA, [xA]: the end marker */
		}
	}
	p[4] = 0x14000000;	/* b . */
	__builtin___clear_cache(gzvm_gpa_to_hva(vm, CODE_GPA), (char *)gzvm_gpa_to_hva(vm, CODE_GPA) + RAM_SIZE);
}

/* One access by register @reg; returns NULL or the reason it failed. */
static const char *mmio_one(struct gzvm_vcpu *v, int k, int reg)
{
	uint64_t pc0 = snippet_gpa(k, reg), addr = mmio_addr(k, reg), data, got, pc;
	unsigned int a = reg == 1 ? 2 : 1;
	struct gzvm_vcpu_run *run = v->run;
	const char *why;
	int r;

	if (gzvm_reg(v, REG_PC) != pc0 && gzvm_reg(v, REG_PC) != pc0 - 4)
		return gzvm_fmt("not at the snippet: pc 0x%llx", (unsigned long long)gzvm_reg(v, REG_PC));
	if (reg != 31 && gzvm_set_reg(v, REG_X(reg), kinds[k].write ? store_value(reg) : 0xdeadbeefdeadbeefULL))
		return "SET_ONE_REG(Xn) failed";
	if (!gzvm_expect_exit(v, GZVM_EXIT_MMIO, &why))
		return why;
	memcpy(&data, run->mmio.data, 8);
	pc = gzvm_reg(v, REG_PC);
	if (run->mmio.phys_addr != addr || run->mmio.size != kinds[k].size ||
	    run->mmio.is_write != kinds[k].write || run->mmio.reg_nr != (uint32_t)reg || pc != pc0 + 8)
		return gzvm_fmt("exit %s (want addr 0x%llx size %u %s reg x%d pc 0x%llx)",
				gzvm_exit_str(v), (unsigned long long)addr, kinds[k].size,
				kinds[k].write ? "write" : "read", reg,
				(unsigned long long)pc0 + 8);
	if (kinds[k].write) {
		uint64_t want = reg == 31 ? 0 : store_value(reg);

		if (kinds[k].size < 8)
			want &= (1ULL << (kinds[k].size * 8)) - 1;
		if (kinds[k].size < 8)
			data &= (1ULL << (kinds[k].size * 8)) - 1;
		if (data != want)
			return gzvm_fmt("written data 0x%llx, want 0x%llx", (unsigned long long)data,
					(unsigned long long)want);
	} else {
		data = load_data(reg);
		memset(run->mmio.data, 0, 8);
		memcpy(run->mmio.data, &data, kinds[k].size);
	}
	/* the end marker: str xA, [xA] */
	if (!gzvm_expect_exit(v, GZVM_EXIT_MMIO, &why))
		return gzvm_fmt("after the access: %s", why);
	pc = gzvm_reg(v, REG_PC);
	if (!run->mmio.is_write || run->mmio.reg_nr != a || pc != pc0 + 12)
		return gzvm_fmt("marker exit %s (want write by x%u at pc 0x%llx: PC not advanced?)",
				gzvm_exit_str(v), a, (unsigned long long)pc0 + 12);
	if (!kinds[k].write && reg != 31) {
		uint64_t want = expected_load(k, load_data(reg));

		r = gzvm_get_reg(v, REG_X(reg), &got);
		if (r)
			return gzvm_fmt("GET_ONE_REG(x%d): %s", reg, strerror(-r));
		if (got != want)
			return gzvm_fmt("x%d = 0x%llx after the load of 0x%llx, want 0x%llx", reg,
					(unsigned long long)got, (unsigned long long)load_data(reg),
					(unsigned long long)want);
	}
	return NULL;
}

static void test_mmio(void)
{
	struct env e;

	if (!env_setup_blob(&e, "mmio", NULL, NULL, 0, 0))
		return;
	gzvm_run_timeout_ms = 3000;	/* a lost exit leaves the guest in "b ." */
	bool broken = false;
	emit_snippets(&e.vm);
	gzvm_set_reg(&e.vcpu, REG_PC, snippet_gpa(0, 0));
	for (int k = 0; k < K_NR; k++) {
		char first[320] = "";
		const char *why = NULL;
		int reg, nfail = 0;

		for (reg = 0; reg <= 31; reg++) {
			/* after a failure the chain is out of step: the rest fails */
			const char *w = broken ? "skipped after an earlier failure" : mmio_one(&e.vcpu, k, reg);

			if (w && !broken)
				gzvm_info("mmio: %s x%d: %s", kinds[k].name, reg, w);
			broken |= w != NULL;
			if (reg == 31) {
				/* the zero register: only STR XZR, STRB WZR, LDR XZR are checked */
				if (k == K_STRX || k == K_STRB || k == K_LDRX)
					gzvm_tap_check(!w, gzvm_fmt("mmio: %s with XZR/WZR (reg_nr 31)%s", kinds[k].name,
								    kinds[k].write ? " writes 0" : " completes"),
						       "%s", w);
				continue;
			}
			if (w && !why) {
				snprintf(first, sizeof(first), "x%d: %s", reg, w);
				why = first;
			}
			nfail += w != NULL;
		}
		gzvm_tap_check(!why, gzvm_fmt("mmio: %s [x0..x30] %s of %u bytes: exit fields, data, register, PC+4",
					       kinds[k].name, kinds[k].write ? "write" : "read",
					       kinds[k].size),
			       "%d of 31 registers failed; first: %s", nfail, why);
	}
	gzvm_run_timeout_ms = 20000;
	env_teardown(&e);
}

/* ======================================================================== */
/* ucall and memory basics                                                  */
/* ======================================================================== */

static void test_ucall(void)
{
	struct env e;
	const char *why;
	int cmd;

	if (!env_setup(&e, "ucall", done))
		return;
	cmd = gzvm_run_ucall(&e.vcpu, &why);
	gzvm_tap_check(cmd == UCALL_DONE, "ucall: a guest's DONE ucall arrives as an MMIO write to 0x10000000",
		       "%s", why);
	cmd = gzvm_run_ucall(&e.vcpu, &why);
	gzvm_tap_check(cmd == UCALL_DONE && gzvm_reg(&e.vcpu, REG_PC) == CODE_GPA + 4,
		       "ucall: RUN after a ucall resumes past the store",
		       "%s, pc 0x%llx", why, (unsigned long long)gzvm_reg(&e.vcpu, REG_PC));
	env_teardown(&e);
}

/* ======================================================================== */
/* PTP                                                                      */
/* ======================================================================== */

static uint64_t host_cntvct(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void test_ptp(void)
{
	struct gzvm_vcpu *v;
	struct env e;
	const char *why;

	if (!env_setup(&e, "ptp", ptp))
		return;
	v = &e.vcpu;
	for (int type = 0; type < 3; type++) {
		uint64_t t0 = realtime_ns(), c0 = host_cntvct(), t1, c1, x[4], g0, g1, ns, cnt;
		int cmd = gzvm_run_ucall(v, &why);

		t1 = realtime_ns();
		c1 = host_cntvct();
		if (cmd != UCALL_REPORT) {
			gzvm_tap_fail(gzvm_fmt("ptp: counter type %d", type), "%s", why);
			break;
		}
		for (int i = 0; i < 4; i++)
			x[i] = gzvm_reg(v, REG_X(i));
		g0 = gzvm_reg(v, REG_X(10));
		g1 = gzvm_reg(v, REG_X(11));
		ns = x[0] << 32 | (x[1] & 0xffffffff);
		cnt = x[2] << 32 | (x[3] & 0xffffffff);
		gzvm_info("ptp type %d: x0..x3 = 0x%llx 0x%llx 0x%llx 0x%llx (ns %llu, counter %llu); guest cntvct %llu..%llu, host cntvct %llu..%llu",
			  type, (unsigned long long)x[0], (unsigned long long)x[1],
			  (unsigned long long)x[2], (unsigned long long)x[3],
			  (unsigned long long)ns, (unsigned long long)cnt, (unsigned long long)g0,
			  (unsigned long long)g1, (unsigned long long)c0, (unsigned long long)c1);
		if (type == 2) {
			gzvm_tap_check(x[0] == ~0ULL, "ptp: an unknown counter type returns NOT_SUPPORTED (-1)",
				       "x0 = 0x%llx", (unsigned long long)x[0]);
			break;
		}
		gzvm_tap_check((x[0] >> 32) == 0 && (x[1] >> 32) == 0 && (x[2] >> 32) == 0 &&
			       (x[3] >> 32) == 0 && ns >= t0 && ns <= t1,
			       gzvm_fmt("ptp: %s counter: x0:x1 is the host's wall clock (ns) during the RUN",
					type ? "physical" : "virtual"),
			       "ns %llu not in [%llu, %llu] or a half above 32 bits", (unsigned long long)ns,
			       (unsigned long long)t0, (unsigned long long)t1);
		if (type == 0)
			gzvm_tap_check(cnt >= g0 && cnt <= g1,
				       "ptp: virtual counter: x2:x3 lies between the guest's CNTVCT reads around the HVC",
				       "counter %llu not in [%llu, %llu]", (unsigned long long)cnt,
				       (unsigned long long)g0, (unsigned long long)g1);
		else
			gzvm_tap_check(cnt >= c0 && cnt <= c1,
				       "ptp: physical counter: x2:x3 lies between the host's counter reads around the RUN",
				       "counter %llu not in [%llu, %llu]", (unsigned long long)cnt,
				       (unsigned long long)c0, (unsigned long long)c1);
	}
	gzvm_tap_check(gzvm_run_ucall(v, &why) == UCALL_DONE, "ptp: the guest continues to DONE", "%s", why);
	env_teardown(&e);
}

/* ======================================================================== */
/* relinquish                                                               */
/* ======================================================================== */

static void test_relinquish(void)
{
	uint64_t page = DATA_GPA + 0x3000, pat = 0x5a5aa5a5c3c33c3cULL;
	long l0, l1, l2, l3;
	struct gzvm_vcpu *v;
	struct env e;
	const char *why;
	int cmd;

	if (!env_setup(&e, "relinquish", relinquish))
		return;
	v = &e.vcpu;
	gzvm_set_reg(v, REG_X(1), page);
	gzvm_set_reg(v, REG_X(2), pat);
	l0 = gzvm_status_kb("VmLck");
	cmd = gzvm_run_ucall(v, &why);
	l1 = gzvm_status_kb("VmLck");
	if (!gzvm_tap_check(cmd == UCALL_SYNC && gzvm_reg(v, REG_X(3)) == pat &&
			    *(uint64_t *)gzvm_gpa_to_hva(&e.vm, page) == pat,
			    "relinquish: the guest's write reaches the VMM's mapping", "%s, x3 0x%llx",
			    why, (unsigned long long)gzvm_reg(v, REG_X(3))))
		goto out;
	cmd = gzvm_run_ucall(v, &why);
	l2 = gzvm_status_kb("VmLck");
	gzvm_tap_check(cmd == UCALL_SYNC && gzvm_reg(v, REG_X(5)) == 0,
		       "relinquish: HVC 0xc6000009 on a touched page returns 0 to the guest",
		       "%s, x0 0x%llx", why, (unsigned long long)gzvm_reg(v, REG_X(5)));
	gzvm_tap_check(l2 == l1 - 4, "relinquish: the driver unpinned exactly that page (VmLck -4 kB)",
		       "VmLck %ld kB -> %ld kB", l1, l2);
	cmd = gzvm_run_ucall(v, &why);
	l3 = gzvm_status_kb("VmLck");
	if (cmd == UCALL_REPORT) {
		uint64_t x6 = gzvm_reg(v, REG_X(6));

		gzvm_info("relinquish: VmLck %ld -> %ld (touched) -> %ld (relinquished) -> %ld (touched again) kB; re-read gives %s (0x%llx)",
			  l0, l1, l2, l3, x6 == pat ? "the old content" : x6 == 0 ? "zero" : "something else",
			  (unsigned long long)x6);
		gzvm_tap_check(x6 == pat || x6 == 0,
			       "relinquish: touching the page again faults it back in (old content or zero)",
			       "read 0x%llx", (unsigned long long)x6);
		gzvm_tap_check(l3 == l1, "relinquish: the re-fault pinned the page again (VmLck back)",
			       "VmLck %ld kB, was %ld kB", l3, l1);
	} else {
		gzvm_tap_fail("relinquish: touching the page again faults it back in (old content or zero)",
			      "%s", why);
	}
	cmd = gzvm_run_ucall(v, &why);
	gzvm_tap_check(cmd == UCALL_REPORT && gzvm_reg(v, REG_X(7)) == ~0ULL,
		       "relinquish: an IPA outside every memslot returns NOT_SUPPORTED (-1)",
		       "%s, x0 0x%llx", why, (unsigned long long)gzvm_reg(v, REG_X(7)));
	cmd = gzvm_run_ucall(v, &why);
	gzvm_tap_check(cmd == UCALL_DONE, "relinquish: the guest continues to DONE", "%s", why);
out:
	env_teardown(&e);
}

/* ======================================================================== */
/* demand paging                                                            */
/* ======================================================================== */

#define BATCH_PATH	"/sys/kernel/gzvm/demand_paging_batch_pages"
#define MODE_PATH	"/sys/module/gzvm/parameters/memory_mode"
#define MODE_BLOCKS	0	/* demand paging in 2 MiB blocks (default) */
#define MODE_4K		1	/* demand paging with MAP_GUEST, one page at a time */
#define MODE_POPULATED	2	/* the whole slot pinned and mapped when it is set */

static int demand_mode = MODE_BLOCKS;

static void demand_run(const char *label_in, uint64_t gpa, size_t size)
{
	char label[96];
	uint64_t seed = 0x0123456789abcdefULL ^ (uint64_t)size;
	struct gzvm_mem *m;
	struct gzvm_vcpu *v;
	long l0, l1, l2;
	struct env e;
	const char *why, *dir;
	double t0, t1;
	int cmd;
	size_t bad = 0, first_bad = 0;

	snprintf(label, sizeof(label), "%s", label_in);
	if (!env_setup(&e, label, demand))
		return;
	v = &e.vcpu;
	m = gzvm_vm_add_mem(&e.vm, 1, gpa, size);
	if (!gzvm_tap_check(m != NULL, gzvm_fmt("%s: a %zu KiB slot at 0x%llx is accepted", label,
						size >> 10, (unsigned long long)gpa),
			    "%s", strerror(errno)))
		goto out;
	gzvm_set_reg(v, REG_X(1), gpa);
	gzvm_set_reg(v, REG_X(2), size);
	gzvm_set_reg(v, REG_X(3), seed);
	l0 = gzvm_status_kb("VmLck");
	t0 = gzvm_now();
	cmd = gzvm_run_ucall(v, &why);
	t1 = gzvm_now();
	l1 = gzvm_status_kb("VmLck");
	if (!gzvm_tap_check(cmd == UCALL_SYNC, gzvm_fmt("%s: the guest writes every 4 KiB page", label), "%s", why))
		goto out;
	if (demand_mode == MODE_POPULATED)
		/* pinned when the slot was set: the guest's writes fault nothing in */
		gzvm_tap_check(l1 == l0 && l0 >= (long)(size >> 10),
			       gzvm_fmt("%s: the slot was pinned when set (VmLck %ld kB)", label, l0),
			       "VmLck %ld -> %ld kB", l0, l1);
	else
		/*
		 * Only the data slot is new, but for the code slot's first fault
		 * when nothing was pinned before: a 2 MiB block, or one 4 KiB
		 * page in 4 KiB mode.
		 */
		gzvm_tap_check(l1 - l0 == (long)(size >> 10) ||
			       (l0 == 0 && l1 - (long)(size >> 10) ==
				(demand_mode == MODE_4K ? 4 : 2048)),
			       gzvm_fmt("%s: every page of the slot is pinned (VmLck +%zu kB)", label,
					size >> 10),
			       "VmLck %ld -> %ld kB", l0, l1);
	cmd = gzvm_run_ucall(v, &why);
	l2 = gzvm_status_kb("VmLck");
	gzvm_tap_check(cmd == UCALL_DONE, gzvm_fmt("%s: the guest reads every page back", label), "%s", why);
	for (size_t off = 0, i = 0; off < size; off += 4096, i++) {
		uint64_t want = (gpa + off) ^ seed;

		if (((uint64_t *)((char *)m->hva + off))[i & 511] != want) {
			if (!bad++)
				first_bad = off;
		}
	}
	gzvm_tap_check(!bad, gzvm_fmt("%s: the VMM's mapping holds what the guest wrote in every page", label),
		       "%zu pages differ, first at offset 0x%zx", bad, first_bad);
	gzvm_tap_check(l2 == l1, gzvm_fmt("%s: reading back faults nothing more in", label),
		       "VmLck %ld -> %ld kB", l1, l2);
	dir = gzvm_vm_debugfs_dir(&e.vm, 0);
	if (dir)
		gzvm_info("%s: write pass %.2f s; debugfs %s: protected_hyp_mem %ld, protected_shared_mem %ld",
			  label, t1 - t0, dir, gzvm_read_long(gzvm_fmt("%s/protected_hyp_mem", dir)),
			  gzvm_read_long(gzvm_fmt("%s/protected_shared_mem", dir)));
out:
	env_teardown(&e);
}

static void test_demand(void)
{
	long mb = gzvm_env_long("GZVM_SELFTEST_DEMAND_MB", 64);
	long batch = gzvm_read_long(BATCH_PATH);
	static const long batches[] = { 1, 64 };

	gzvm_info("demand paging: 2 MiB blocks by default; %s = %ld; then %s 1 (4 KiB) and 2 (populated)",
		  BATCH_PATH, batch, MODE_PATH);
	demand_run(gzvm_fmt("demand(%ld MiB, batch %ld)", mb, batch), 0xc0000000ULL, (size_t)mb << 20);
	/* an unaligned slot of 5 pages: blocks clipped to the slot */
	demand_run("demand(5 pages at 0xa0003000)", 0xa0003000ULL, 5 * 4096);
	if (batch <= 0)
		return;
	for (unsigned int i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
		char s[24];
		int r;

		snprintf(s, sizeof(s), "%ld", batches[i]);
		r = gzvm_write_str(BATCH_PATH, s);
		if (!gzvm_tap_check(!r, gzvm_fmt("demand: %s accepts %ld", BATCH_PATH, batches[i]),
				    "%s", strerror(-r)))
			continue;
		demand_run(gzvm_fmt("demand(%ld MiB, batch %ld)", batches[i] == 1 ? mb / 4 : mb, batches[i]),
			   0xc0000000ULL, (size_t)(batches[i] == 1 ? mb / 4 : mb) << 20);
	}
	{
		char s[24];

		snprintf(s, sizeof(s), "%ld", batch);
		gzvm_write_str(BATCH_PATH, s);
	}
	gzvm_tap_check(gzvm_read_long(BATCH_PATH) == batch, "demand: batch size restored",
		       "%ld", gzvm_read_long(BATCH_PATH));

	/* the driver's other memory modes: 4 KiB MAP_GUEST faults, and fully populated slots */
	if (!gzvm_tap_check(!gzvm_write_str(MODE_PATH, "1"), "demand: memory_mode 1 (4 KiB) selected",
			    "cannot write %s", MODE_PATH))
		return;
	demand_mode = MODE_4K;
	demand_run(gzvm_fmt("demand-4k(%ld MiB)", mb), 0xc0000000ULL, (size_t)mb << 20);
	demand_run("demand-4k(5 pages at 0xa0003000)", 0xa0003000ULL, 5 * 4096);
	gzvm_write_str(MODE_PATH, "2");
	demand_mode = MODE_POPULATED;
	demand_run(gzvm_fmt("populated(%ld MiB)", mb / 4), 0xc0000000ULL, (size_t)(mb / 4) << 20);
	gzvm_write_str(MODE_PATH, "0");
	demand_mode = MODE_BLOCKS;
	gzvm_tap_check(gzvm_read_long(MODE_PATH) == 0, "demand: memory_mode restored",
		       "%ld", gzvm_read_long(MODE_PATH));
}

/* ======================================================================== */
/* ONE_REG                                                                  */
/* ======================================================================== */

struct regval { const char *name; uint64_t id, val; };

static void test_regs(void)
{
	static const struct regval good[] = {
		{ "SP (SP_EL0)", REG_SP, 0x0000ffffdead0000ULL },
		{ "PC", REG_PC, 0x80001234ULL & ~3ULL },
		{ "PSTATE EL1h", REG_PSTATE, 0x3c5 },
		{ "PSTATE EL1t", REG_PSTATE, 0x3c4 },
		{ "PSTATE EL0t", REG_PSTATE, 0x0 },
		{ "PSTATE NZCV|EL1h", REG_PSTATE, 0xf00003c5ULL },
		{ "SP_EL1", REG_SP_EL1, 0x80180000ULL },
		{ "ELR_EL1", REG_ELR_EL1, 0xffff000012345678ULL },
		{ "SPSR_EL1", REG_SPSR_EL1, 0x3c5 },
		{ "FPSR", REG_FPSR, 0x0800009f },
		{ "FPCR", REG_FPCR, 0x03c00000 },
		{ "SCTLR_EL1", REG_SYS(3, 0, 1, 0, 0), 0x30d00800 },
		{ "CPACR_EL1", REG_SYS(3, 0, 1, 0, 2), 0x300000 },
		{ "TTBR0_EL1", REG_SYS(3, 0, 2, 0, 0), 0x80010000 },
		{ "TTBR1_EL1", REG_SYS(3, 0, 2, 0, 1), 0x80020000 },
		{ "TCR_EL1", REG_SYS(3, 0, 2, 0, 2), 0x0000000500803510ULL },
		{ "MAIR_EL1", REG_SYS(3, 0, 10, 2, 0), 0x000000ff04440cffULL },
		{ "AMAIR_EL1", REG_SYS(3, 0, 10, 3, 0), 0 },
		{ "VBAR_EL1", REG_SYS(3, 0, 12, 0, 0), 0x80008000ULL },
		{ "CONTEXTIDR_EL1", REG_SYS(3, 0, 13, 0, 1), 0x1234 },
		{ "TPIDR_EL1", REG_SYS(3, 0, 13, 0, 4), 0x1122334455667788ULL },
		{ "TPIDR_EL0", REG_SYS(3, 3, 13, 0, 2), 0x8877665544332211ULL },
		{ "TPIDRRO_EL0", REG_SYS(3, 3, 13, 0, 3), 0x0102030405060708ULL },
		{ "CNTKCTL_EL1", REG_SYS(3, 0, 14, 1, 0), 0x3 },
	};
	static const struct regval bad_ids[] = {
		{ "core index 1 (odd: half of x0)", GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U64, 1), 0 },
		{ "core index 0x3000", GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U64, 0x3000), 0 },
		{ "x0 with size U32", GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U32, 0), 0 },
		{ "x0 with size U8", GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U8, 0), 0 },
		{ "V0 (U128)", GZVM_REG_ARM64_V(0), 0 },
		{ "x0 with arch GZVM_REG_ARM (0x40..)", GZVM_REG_ARM | GZVM_REG_SIZE_U64 | GZVM_REG_ARM_CORE, 0 },
		{ "x0 with no arch", GZVM_REG_SIZE_U64 | GZVM_REG_ARM_CORE, 0 },
		{ "DEMUX CCSIDR", GZVM_REG_ARCH_ARM64 | GZVM_REG_SIZE_U32 | GZVM_REG_ARM_DEMUX, 0 },
		{ "unknown sysreg (3,0,15,15,7)", REG_SYS(3, 0, 15, 15, 7), 0 },
		{ "sysreg id with size U32", GZVM_REG_ARCH_ARM64 | GZVM_REG_SIZE_U32 | GZVM_REG_ARM64_SYSREG | 0xc684, 0 },
	};
	static const struct regval bad_pstate[] = {
		{ "EL2h 0x3c9", REG_PSTATE, 0x3c9 },
		{ "EL2t 0x3c8", REG_PSTATE, 0x3c8 },
		{ "EL3h 0x3cd", REG_PSTATE, 0x3cd },
		{ "AArch32 SVC 0x1d3", REG_PSTATE, 0x1d3 },
		{ "AArch32 USR 0x10", REG_PSTATE, 0x10 },
		{ "M[4] with EL1h 0x3d5", REG_PSTATE, 0x3d5 },
		{ "bit 40 set", REG_PSTATE, (1ULL << 40) | 0x3c5 },
	};
	struct env e;
	char failed[256] = "";
	int nfail = 0;
	uint64_t v;
	int r;

	if (!env_setup(&e, "regs", sysregs))
		return;
	for (int n = 0; n <= 30; n++) {
		uint64_t want = 0x0101010101010101ULL * (uint64_t)(n + 1) ^ 0x8000000000000000ULL;

		r = gzvm_set_reg(&e.vcpu, REG_X(n), want);
		if (!r)
			r = gzvm_get_reg(&e.vcpu, REG_X(n), &v);
		if (r || v != want) {
			if (!nfail++)
				snprintf(failed, sizeof(failed), "x%d: %s, read 0x%llx", n,
					 r ? strerror(-r) : "differs", (unsigned long long)v);
		}
	}
	gzvm_tap_check(!nfail, "regs: SET/GET_ONE_REG round trip of x0..x30", "%d failed; first %s", nfail, failed);
	for (unsigned int i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		r = gzvm_set_reg(&e.vcpu, good[i].id, good[i].val);
		if (!r)
			r = gzvm_get_reg(&e.vcpu, good[i].id, &v);
		gzvm_tap_check(!r && v == good[i].val,
			       gzvm_fmt("regs: SET/GET_ONE_REG round trip of %s (0x%llx)", good[i].name,
					(unsigned long long)good[i].val),
			       "%s, read 0x%llx", r ? strerror(-r) : "differs", (unsigned long long)v);
	}
	r = gzvm_get_reg(&e.vcpu, REG_SYS(3, 0, 0, 0, 5), &v);
	gzvm_tap_check(!r && v == 0x80000000ULL, "regs: MPIDR_EL1 of vCPU 0 reads 0x80000000",
		       "%s, 0x%llx", r ? strerror(-r) : "", (unsigned long long)v);
	for (unsigned int i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		int rs = gzvm_set_reg(&e.vcpu, bad_ids[i].id, 0), rg = gzvm_get_reg(&e.vcpu, bad_ids[i].id, &v);

		gzvm_tap_check(rs == -EINVAL && rg == -EINVAL,
			       gzvm_fmt("regs: invalid id %s (0x%llx) refused by SET and GET with EINVAL",
					bad_ids[i].name, (unsigned long long)bad_ids[i].id),
			       "SET %s, GET %s", rs ? strerror(-rs) : "accepted",
			       rg ? strerror(-rg) : "accepted");
	}
	{
		/* KVM keeps the AArch32 SPSR banks; note what this stack does */
		int rs = gzvm_set_reg(&e.vcpu, GZVM_REG_ARM64_SPSR(GZVM_SPSR_ABT), 0x1d3);

		gzvm_info("regs: SET_ONE_REG(SPSR_ABT) -> %s (only SPSR_EL1 is kept by the hypervisor)",
			  rs ? strerror(-rs) : "accepted");
	}
	gzvm_set_reg(&e.vcpu, REG_PSTATE, 0x3c5);
	for (unsigned int i = 0; i < sizeof(bad_pstate) / sizeof(bad_pstate[0]); i++) {
		r = gzvm_set_reg(&e.vcpu, REG_PSTATE, bad_pstate[i].val);
		gzvm_get_reg(&e.vcpu, REG_PSTATE, &v);
		gzvm_tap_check(r == -EINVAL && v == 0x3c5,
			       gzvm_fmt("regs: PSTATE %s refused with EINVAL, PSTATE unchanged", bad_pstate[i].name),
			       "SET %s, PSTATE now 0x%llx", r ? strerror(-r) : "accepted", (unsigned long long)v);
	}
	{
		uint64_t val = 0x3c5;
		struct gzvm_one_reg reg = { .id = REG_PSTATE, .addr = 8 };

		r = ioctl(e.vcpu.fd, GZVM_SET_ONE_REG, &reg);
		gzvm_tap_check(r == -1 && errno == EFAULT, "regs: SET_ONE_REG with an unreadable value pointer fails with EFAULT",
			       "returned %d errno %d", r, errno);
		(void)val;
	}

	/* The guest sees what was set, and the host sees what the guest set. */
	{
		static const struct { const char *name; uint64_t id, val; int xreg; } seen[] = {
			{ "TPIDR_EL1", REG_SYS(3, 0, 13, 0, 4), 0x1122334455667788ULL, 1 },
			{ "VBAR_EL1", REG_SYS(3, 0, 12, 0, 0), 0x80008000ULL, 2 },
			{ "CONTEXTIDR_EL1", REG_SYS(3, 0, 13, 0, 1), 0x4321, 3 },
			{ "TPIDR_EL0", REG_SYS(3, 3, 13, 0, 2), 0x8877665544332211ULL, 4 },
			{ "TPIDRRO_EL0", REG_SYS(3, 3, 13, 0, 3), 0x0102030405060708ULL, 5 },
			{ "MAIR_EL1", REG_SYS(3, 0, 10, 2, 0), 0x000000ff04440cffULL, 6 },
			{ "SP (SP_EL0)", REG_SP, 0x0000ffffdead0000ULL, 7 },
			{ "SP_EL1", REG_SP_EL1, 0x80180000ULL, 8 },
			{ "FPSR", REG_FPSR, 0x08000000, 9 },
			{ "FPCR", REG_FPCR, 0x03000000, 10 },
			{ "ELR_EL1", REG_ELR_EL1, 0x80004444ULL, 11 },
			{ "SPSR_EL1", REG_SPSR_EL1, 0x3c4, 12 },
		};
		const char *why;
		int cmd;

		gzvm_set_reg(&e.vcpu, REG_PC, CODE_GPA);
		gzvm_set_reg(&e.vcpu, REG_PSTATE, 0x3c5);
		gzvm_set_reg(&e.vcpu, REG_SYS(3, 0, 1, 0, 2), 0x300000);	/* CPACR_EL1.FPEN: no FP trap */
		gzvm_set_reg(&e.vcpu, REG_SYS(3, 0, 1, 0, 0), 0x30d00800);	/* SCTLR_EL1 RES1, MMU off */
		gzvm_set_reg(&e.vcpu, REG_X(28), UCALL_ADDR);
		for (unsigned int i = 0; i < sizeof(seen) / sizeof(seen[0]); i++)
			gzvm_set_reg(&e.vcpu, seen[i].id, seen[i].val);
		gzvm_set_reg(&e.vcpu, REG_X(20), 0xa0a0a0a0b0b0b0b0ULL);
		gzvm_set_reg(&e.vcpu, REG_X(21), 0x0c0c0c0c0d0d0d0dULL);
		gzvm_set_reg(&e.vcpu, REG_X(22), 0x801ff000ULL);
		gzvm_set_reg(&e.vcpu, REG_X(23), 0x00c00000ULL);
		cmd = gzvm_run_ucall(&e.vcpu, &why);
		if (cmd != UCALL_REPORT) {
			gzvm_tap_fail("regs: the guest reads the registers the host set", "%s", why);
		} else {
			for (unsigned int i = 0; i < sizeof(seen) / sizeof(seen[0]); i++) {
				v = gzvm_reg(&e.vcpu, REG_X(seen[i].xreg));
				gzvm_tap_check(v == seen[i].val,
					       gzvm_fmt("regs: the guest reads the %s the host set", seen[i].name),
					       "guest read 0x%llx, set 0x%llx", (unsigned long long)v,
					       (unsigned long long)seen[i].val);
			}
			cmd = gzvm_run_ucall(&e.vcpu, &why);
			gzvm_tap_check(cmd == UCALL_REPORT &&
				       gzvm_reg(&e.vcpu, REG_SYS(3, 0, 13, 0, 4)) == 0xa0a0a0a0b0b0b0b0ULL &&
				       gzvm_reg(&e.vcpu, REG_SYS(3, 3, 13, 0, 2)) == 0x0c0c0c0c0d0d0d0dULL &&
				       gzvm_reg(&e.vcpu, REG_SP_EL1) == 0x801ff000ULL &&
				       gzvm_reg(&e.vcpu, REG_FPCR) == 0x00c00000ULL,
				       "regs: GET_ONE_REG returns what the guest wrote (TPIDR_EL1, TPIDR_EL0, SP_EL1, FPCR)",
				       "%s; TPIDR_EL1 0x%llx TPIDR_EL0 0x%llx SP_EL1 0x%llx FPCR 0x%llx", why,
				       (unsigned long long)gzvm_reg(&e.vcpu, REG_SYS(3, 0, 13, 0, 4)),
				       (unsigned long long)gzvm_reg(&e.vcpu, REG_SYS(3, 3, 13, 0, 2)),
				       (unsigned long long)gzvm_reg(&e.vcpu, REG_SP_EL1),
				       (unsigned long long)gzvm_reg(&e.vcpu, REG_FPCR));
		}
		r = gzvm_set_reg(&e.vcpu, REG_SYS(3, 0, 0, 0, 5), 0x80000001ULL);
		gzvm_tap_check(r == -EINVAL, "regs: MPIDR_EL1 cannot change once the vCPU has run",
			       "SET %s", r ? strerror(-r) : "accepted");
	}
	env_teardown(&e);
}

/* ======================================================================== */
/* guest HVC/SMC, PSCI, aborts                                              */
/* ======================================================================== */

static void test_calls(void)
{
	struct gzvm_vcpu *v;
	struct env e;
	const char *why;
	int cmd;

	if (!env_setup(&e, "calls", calls))
		return;
	v = &e.vcpu;
	cmd = gzvm_run_ucall(v, &why);
	if (gzvm_tap_check(cmd == UCALL_REPORT && gzvm_reg(v, REG_X(14)) == 0x77,
			   "calls: the guest runs on after an unknown HVC and an SMC", "%s", why)) {
		uint64_t x10 = gzvm_reg(v, REG_X(10)), x11 = gzvm_reg(v, REG_X(11));
		uint64_t x12 = gzvm_reg(v, REG_X(12)), x13 = gzvm_reg(v, REG_X(13));
		uint64_t x15 = gzvm_reg(v, REG_X(15));

		gzvm_tap_check(x10 == ~0ULL, "calls: an unknown HVC (0xc3000123) returns -1 in x0",
			       "x0 0x%llx", (unsigned long long)x10);
		gzvm_tap_check(x15 == ~0ULL, "calls: an unknown vendor-hyp HVC (0x86000002) returns -1 in x0",
			       "x0 0x%llx", (unsigned long long)x15);
		gzvm_tap_check(x11 == ~0ULL, "calls: a guest SMC (PSCI_VERSION by SMC) returns -1 in x0",
			       "x0 0x%llx", (unsigned long long)x11);
		gzvm_tap_check(x12 != ~0ULL && x12 >= 2 && (x12 >> 32) == 0,
			       "calls: PSCI_VERSION by HVC is answered (>= 0.2)", "x0 0x%llx",
			       (unsigned long long)x12);
		gzvm_tap_check(x13 != ~0ULL && x13 >= 0x10000 && (x13 >> 32) == 0,
			       "calls: SMCCC_VERSION is answered (>= 1.0)", "x0 0x%llx", (unsigned long long)x13);
		gzvm_info("calls: PSCI_VERSION 0x%llx, SMCCC_VERSION 0x%llx", (unsigned long long)x12,
			  (unsigned long long)x13);
	}
	gzvm_tap_check(gzvm_expect_exit(v, GZVM_EXIT_SYSTEM_EVENT, &why) &&
		       v->run->system_event.type == GZVM_SYSTEM_EVENT_SHUTDOWN,
		       "calls: PSCI SYSTEM_OFF ends with SYSTEM_EVENT type SHUTDOWN", "%s", why);
	env_teardown(&e);

	/* SYSTEM_RESET */
	if (!env_setup(&e, "calls", hvc))
		return;
	gzvm_set_reg(&e.vcpu, REG_X(0), 0x84000009);
	gzvm_tap_check(gzvm_expect_exit(&e.vcpu, GZVM_EXIT_SYSTEM_EVENT, &why) &&
		       e.vcpu.run->system_event.type == GZVM_SYSTEM_EVENT_RESET,
		       "calls: PSCI SYSTEM_RESET ends with SYSTEM_EVENT type RESET", "%s", why);
	env_teardown(&e);
}

static void nosyndrome_one(const char *what, const void *start, const void *end)
{
	struct env e;
	const char *why;
	struct gzvm_vcpu_run *run;

	if (!env_setup_blob(&e, "nosyndrome", start, end, 0, 0))
		return;
	run = e.vcpu.run;
	gzvm_set_reg(&e.vcpu, REG_X(3), TEST_MMIO_GPA);
	gzvm_set_reg(&e.vcpu, REG_X(1), 0x1234);
	if (gzvm_expect_exit(&e.vcpu, GZVM_EXIT_INTERNAL_ERROR, &why)) {
		gzvm_tap_check(run->internal.ndata >= 3 && run->internal.data[1] == TEST_MMIO_GPA + (what[1] == 'r' ? 8 : 0) &&
			       run->internal.data[2] == CODE_GPA && (run->internal.data[0] >> 26) == 0x24,
			       gzvm_fmt("nosyndrome: %s from MMIO gives INTERNAL_ERROR (ESR, IPA, PC in data)", what),
			       "%s", gzvm_exit_str(&e.vcpu));
		gzvm_info("nosyndrome: %s: %s", what, gzvm_exit_str(&e.vcpu));
	} else {
		gzvm_tap_fail(gzvm_fmt("nosyndrome: %s from MMIO gives INTERNAL_ERROR (ESR, IPA, PC in data)", what),
			      "%s", why);
	}
	env_teardown(&e);
}

static void test_nosyndrome(void)
{
	nosyndrome_one("LDP", guest_ldp_start, guest_ldp_end);
}

/* writeback forms: the CPU reports no syndrome (ISV = 0; QEMU does so) */
static void test_writeback(void)
{
	nosyndrome_one("pre-indexed LDR", guest_preidx_start, guest_preidx_end);
	nosyndrome_one("post-indexed STR", guest_postidx_start, guest_postidx_end);
}

static void test_ifetch(void)
{
	struct gzvm_vcpu *v;
	struct env e;
	const char *why;
	int cmd;

	if (!env_setup_blob(&e, "ifetch", guest_vectors_start, guest_vectors_end, 0x8000, 0x800))
		return;
	v = &e.vcpu;
	gzvm_set_reg(v, REG_X(1), 0x40000000);
	cmd = gzvm_run_ucall(v, &why);
	if (cmd == UCALL_REPORT) {
		uint64_t esr = gzvm_reg(v, REG_X(10)), far = gzvm_reg(v, REG_X(11));
		uint64_t elr = gzvm_reg(v, REG_X(12)), spsr = gzvm_reg(v, REG_X(13));
		uint64_t vec = gzvm_reg(v, REG_X(15));

		gzvm_info("ifetch: vector +0x%llx ESR_EL1 0x%llx FAR 0x%llx ELR 0x%llx SPSR 0x%llx",
			  (unsigned long long)vec, (unsigned long long)esr, (unsigned long long)far,
			  (unsigned long long)elr, (unsigned long long)spsr);
		gzvm_tap_check(vec == 0x200 && (esr >> 26) == 0x21 && elr == 0x40000000,
			       "ifetch: a jump outside every memslot enters the guest's current-EL sync vector with an instruction abort (EC 0x21) at ELR",
			       "vector +0x%llx, ESR 0x%llx, ELR 0x%llx", (unsigned long long)vec,
			       (unsigned long long)esr, (unsigned long long)elr);
		gzvm_tap_check(far == 0x40000000 && (spsr & 0xf) == 5,
			       "ifetch: FAR_EL1 is the address, SPSR_EL1 the EL1h state",
			       "FAR 0x%llx SPSR 0x%llx", (unsigned long long)far, (unsigned long long)spsr);
	} else {
		gzvm_tap_fail("ifetch: a jump outside every memslot enters the guest's current-EL sync vector with an instruction abort (EC 0x21) at ELR",
			      "%s", why);
	}
	env_teardown(&e);
}

/* ======================================================================== */
/* concurrency                                                              */
/* ======================================================================== */

#define CONC_VMS	4
#define CONC_VCPUS	2

struct conc_vcpu {
	struct gzvm_vcpu vcpu;
	long n, done_rounds;
	int cpu;
	char why[256];
};

static void *conc_thread(void *arg)
{
	struct conc_vcpu *c = arg;
	struct gzvm_vcpu_run *run = c->vcpu.run;
	cpu_set_t set;
	const char *why;

	CPU_ZERO(&set);
	CPU_SET(c->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	for (long i = 1; i <= c->n; i++) {
		uint64_t d;

		if (!gzvm_expect_exit(&c->vcpu, GZVM_EXIT_MMIO, &why)) {
			snprintf(c->why, sizeof(c->why), "round %ld: %s", i, why);
			return NULL;
		}
		memcpy(&d, run->mmio.data, 8);
		if (run->mmio.phys_addr != UCALL_ADDR + 8 || d != (uint64_t)i || run->mmio.reg_nr != 5) {
			snprintf(c->why, sizeof(c->why), "round %ld: %s", i, gzvm_exit_str(&c->vcpu));
			return NULL;
		}
		c->done_rounds = i;
	}
	if (gzvm_run_ucall(&c->vcpu, &why) != UCALL_DONE)
		snprintf(c->why, sizeof(c->why), "end: %s", why);
	return NULL;
}

static void test_concurrency(void)
{
	long n = gzvm_env_long("GZVM_SELFTEST_SPINS", gzvm_deep() ? 5000 : 1000);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct gzvm_vm vms[CONC_VMS];
	struct conc_vcpu *cv = calloc(CONC_VMS * CONC_VCPUS, sizeof(*cv));
	pthread_t th[CONC_VMS * CONC_VCPUS];
	int nvm = 0, nth = 0, bad = 0;
	char why[300] = "";
	double t0;

	for (int i = 0; i < CONC_VMS; i++) {
		int r = gzvm_vm_create(&vms[i]);

		if (r || !gzvm_vm_add_mem(&vms[i], 0, GUEST_RAM_GPA, RAM_SIZE) ||
		    GUEST_LOAD(&vms[i], CODE_GPA, spin_ucall)) {
			gzvm_tap_fail("concurrency: set-up", "VM %d: %s", i, strerror(r ? -r : errno));
			if (!r)
				gzvm_vm_destroy(&vms[i]);
			goto out;
		}
		nvm++;
		for (int j = 0; j < CONC_VCPUS; j++) {
			struct conc_vcpu *c = &cv[i * CONC_VCPUS + j];

			r = gzvm_vcpu_create(&vms[i], j, &c->vcpu, CODE_GPA);
			if (r) {
				gzvm_tap_fail("concurrency: set-up", "VM %d vCPU %d: %s", i, j, strerror(-r));
				goto out;
			}
			c->n = n;
			c->cpu = (int)((i * CONC_VCPUS + j) % ncpu);
			gzvm_set_reg(&c->vcpu, REG_X(1), (uint64_t)n);
			gzvm_set_reg(&c->vcpu, REG_X(2), DATA_GPA + (uint64_t)j * 64);
		}
	}
	t0 = gzvm_now();
	for (int i = 0; i < CONC_VMS * CONC_VCPUS; i++)
		if (!pthread_create(&th[i], NULL, conc_thread, &cv[i]))
			nth++;
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < CONC_VMS * CONC_VCPUS; i++) {
		uint64_t *ctr = gzvm_gpa_to_hva(&vms[i / CONC_VCPUS], DATA_GPA + (uint64_t)(i % CONC_VCPUS) * 64);

		if (cv[i].why[0] || *ctr != (uint64_t)n) {
			if (!bad++)
				snprintf(why, sizeof(why), "VM %d vCPU %d: %s (counter %llu, %ld rounds)",
					 i / CONC_VCPUS, i % CONC_VCPUS, cv[i].why,
					 (unsigned long long)*ctr, cv[i].done_rounds);
		}
	}
	gzvm_info("concurrency: %d VMs x %d vCPUs x %ld MMIO exits on %ld CPUs in %.2f s",
		  CONC_VMS, CONC_VCPUS, n, ncpu, gzvm_now() - t0);
	gzvm_tap_check(nth == CONC_VMS * CONC_VCPUS && !bad,
		       gzvm_fmt("concurrency: %d VMs x %d vCPU threads on %ld CPUs, %ld MMIO exits each, all results right",
				CONC_VMS, CONC_VCPUS, ncpu, n),
		       "%d threads started, %d vCPUs wrong; first: %s", nth, bad, why);
out:
	for (int i = 0; i < CONC_VMS * CONC_VCPUS; i++)
		if (cv[i].vcpu.run)
			gzvm_vcpu_close(&cv[i].vcpu);
	for (int i = 0; i < nvm; i++)
		gzvm_vm_destroy(&vms[i]);
	free(cv);
}

/* ======================================================================== */
/* lifecycle                                                                */
/* ======================================================================== */

struct snapshot {
	long memfree_kb, slab_kb, sunreclaim_kb;
	struct gzvm_host_counters host;	/* VmLck, Mlocked, pins, the hypervisor's counters */
	long hyp_mem, shared_mem;
	char vmdir[128];
};

/* One VM with a 64 KiB slot and one vCPU that runs to SYSTEM_OFF; 0 or -1. */
static int one_cycle(const char **why, struct snapshot *stats)
{
	struct gzvm_vm vm;
	struct gzvm_vcpu v;
	int r = gzvm_vm_create(&vm);

	if (r) {
		*why = gzvm_fmt("CREATE_VM: %s", strerror(-r));
		return -1;
	}
	if (!gzvm_vm_add_mem(&vm, 0, GUEST_RAM_GPA, 64 << 10) || GUEST_LOAD(&vm, CODE_GPA, system_off)) {
		*why = gzvm_fmt("memory: %s", strerror(errno));
		gzvm_vm_destroy(&vm);
		return -1;
	}
	r = gzvm_vcpu_create(&vm, 0, &v, CODE_GPA);
	if (r) {
		*why = gzvm_fmt("CREATE_VCPU: %s", strerror(-r));
		gzvm_vm_destroy(&vm);
		return -1;
	}
	r = gzvm_expect_exit(&v, GZVM_EXIT_SYSTEM_EVENT, why) &&
	    v.run->system_event.type == GZVM_SYSTEM_EVENT_SHUTDOWN ? 0 : -1;
	if (stats) {
		const char *d = gzvm_vm_debugfs_dir(&vm, 0);

		stats->hyp_mem = d ? gzvm_read_long(gzvm_fmt("%s/protected_hyp_mem", d)) : -1;
		stats->shared_mem = d ? gzvm_read_long(gzvm_fmt("%s/protected_shared_mem", d)) : -1;
		snprintf(stats->vmdir, sizeof(stats->vmdir), "%s", d ? d : "(none)");
	}
	gzvm_vcpu_close(&v);
	gzvm_vm_destroy(&vm);
	return r;
}

/*
 * Pages sitting in the per-CPU free lists (the "count:" lines of each CPU's
 * pageset in /proc/zoneinfo): free, but not in MemFree.  Since Linux 6.7
 * those lists grow with use, so MemFree alone drifts by megabytes.
 */
static long pcp_free_kb(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256];
	long pages = 0, n;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " count: %ld", &n) == 1)
			pages += n;
	}
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

static void snap(struct snapshot *s)
{
	const char *why;

	sync();
	gzvm_write_str("/proc/sys/vm/drop_caches", "3");
	usleep(200000);
	one_cycle(&why, s);	/* hypervisor statistics of a fresh VM */
	/* (before MemFree: it creates and closes VMs, whose memory is freed again by then) */
	gzvm_host_counters(&s->host);
	s->memfree_kb = gzvm_meminfo_kb("MemFree") + pcp_free_kb();
	s->slab_kb = gzvm_meminfo_kb("Slab");
	s->sunreclaim_kb = gzvm_meminfo_kb("SUnreclaim");
}

/* free memory (MemFree + per-CPU lists) may still move by slab caches and the like */
#define MEMFREE_TOLERANCE_KB	4096

static void compare(const char *test, const struct snapshot *a, const struct snapshot *b)
{
	gzvm_info("%s: Slab %ld -> %ld kB, SUnreclaim %ld -> %ld kB", test, a->slab_kb, b->slab_kb,
		  a->sunreclaim_kb, b->sunreclaim_kb);
	gzvm_info("%s: MemFree %ld -> %ld kB, Mlocked %ld -> %ld kB, VmLck %ld -> %ld kB, pins outstanding %ld -> %ld; fresh VM: protected_hyp_mem %ld -> %ld, protected_shared_mem %ld -> %ld (%s -> %s)",
		  test, a->memfree_kb, b->memfree_kb, a->host.mlocked, b->host.mlocked, a->host.vmlck,
		  b->host.vmlck, a->host.pins, b->host.pins, a->hyp_mem, b->hyp_mem, a->shared_mem,
		  b->shared_mem, a->vmdir, b->vmdir);
	gzvm_tap_check(b->memfree_kb >= a->memfree_kb - MEMFREE_TOLERANCE_KB,
		       gzvm_fmt("%s: host free memory (MemFree + per-CPU lists) back within %d kB",
				test, MEMFREE_TOLERANCE_KB),
		       "free %ld -> %ld kB", a->memfree_kb, b->memfree_kb);
	gzvm_tap_check(b->host.mlocked == a->host.mlocked && b->host.vmlck == a->host.vmlck,
		       gzvm_fmt("%s: Mlocked and the VMM's VmLck back to the start", test),
		       "Mlocked %ld -> %ld, VmLck %ld -> %ld", a->host.mlocked, b->host.mlocked,
		       a->host.vmlck, b->host.vmlck);
	if (a->host.pins >= 0)
		gzvm_tap_check(b->host.pins == a->host.pins,
			       gzvm_fmt("%s: every pinned page released (nr_foll_pin_acquired - released)", test),
			       "%ld -> %ld", a->host.pins, b->host.pins);
	if (a->host.hyp.pool_used >= 0) {
		const struct gzvm_hyp_counters *ha = &a->host.hyp, *hb = &b->host.hyp;

		gzvm_info("%s: hypervisor pool used %ld -> %ld bytes, host memory lent %ld -> %ld bytes",
			  test, ha->pool_used, hb->pool_used, ha->lent, hb->lent);
		gzvm_tap_check(hb->pool_used == ha->pool_used && hb->lent == ha->lent,
			       gzvm_fmt("%s: the hypervisor's pool and lent memory back to the start (debugfs hyp_pool_used, hyp_lent_mem)", test),
			       "pool %ld -> %ld, lent %ld -> %ld", ha->pool_used, hb->pool_used, ha->lent,
			       hb->lent);
	} else {
		gzvm_info("%s: no /sys/kernel/debug/gzvm/hyp_pool_used: no global hypervisor counter", test);
	}
	gzvm_tap_check(a->hyp_mem >= 0 && b->hyp_mem == a->hyp_mem && b->shared_mem == a->shared_mem,
		       gzvm_fmt("%s: a fresh VM's hypervisor statistics (debugfs) unchanged", test),
		       "protected_hyp_mem %ld -> %ld, protected_shared_mem %ld -> %ld", a->hyp_mem,
		       b->hyp_mem, a->shared_mem, b->shared_mem);
}

static void test_lifecycle(void)
{
	long n = gzvm_env_long("GZVM_SELFTEST_CYCLES", gzvm_deep() ? 5000 : 1000);
	struct snapshot a, b;
	const char *why = "";
	double t0;
	long i;

	snap(&a);
	t0 = gzvm_now();
	for (i = 0; i < n; i++) {
		if (one_cycle(&why, NULL))
			break;
	}
	gzvm_info("lifecycle: %ld cycles in %.2f s", i, gzvm_now() - t0);
	gzvm_tap_check(i == n, gzvm_fmt("lifecycle: %ld create/run to SYSTEM_OFF/destroy cycles", n),
		       "cycle %ld: %s", i, why);
	snap(&b);
	compare("lifecycle", &a, &b);
}

static void *spin_thread(void *arg)
{
	gzvm_vcpu_run(arg);
	return NULL;
}

static void test_sigkill(void)
{
	struct snapshot a, b;
	int p[2], status = 0;
	char buf[CONC_VCPUS];
	pid_t pid;
	ssize_t got = 0;
	char dir[96];
	struct stat st;

	snap(&a);
	if (pipe(p))
		return;
	pid = fork();
	if (pid == 0) {
		struct gzvm_vm vm;
		struct gzvm_vcpu v[CONC_VCPUS];
		const char *why;

		close(p[0]);
		gzvm_run_timeout_ms = 0;
		if (gzvm_vm_create(&vm) || !gzvm_vm_add_mem(&vm, 0, GUEST_RAM_GPA, RAM_SIZE) ||
		    GUEST_LOAD(&vm, CODE_GPA, spin))
			_exit(1);
		for (int j = 0; j < CONC_VCPUS; j++)
			if (gzvm_vcpu_create(&vm, j, &v[j], CODE_GPA))
				_exit(1);
		for (int j = 0; j < CONC_VCPUS; j++) {
			if (gzvm_run_ucall(&v[j], &why) != UCALL_SYNC)
				_exit(2);
		}
		if (write(p[1], "yy", 2) != 2)
			_exit(3);
		/* vCPU 1 spins in a second thread, vCPU 0 here */
		{
			pthread_t t;

			pthread_create(&t, NULL, spin_thread, &v[1]);
			gzvm_vcpu_run(&v[0]);
		}
		_exit(4);
	}
	close(p[1]);
	{
		struct timespec ts = { 0, 0 };
		double t0 = gzvm_now();

		while (got < CONC_VCPUS && gzvm_now() - t0 < 30) {
			ssize_t r = read(p[0], buf + got, sizeof(buf) - (size_t)got);

			if (r <= 0)
				break;
			got += r;
		}
		ts.tv_nsec = 300 * 1000000L;
		nanosleep(&ts, NULL);
	}
	snprintf(dir, sizeof(dir), "/sys/kernel/debug/gzvm");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(p[0]);
	gzvm_tap_check(got == CONC_VCPUS && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		       "sigkill: a VMM whose 2 vCPUs spin in the guest dies by SIGKILL",
		       "child reported %zd of %d vCPUs running, status 0x%x", got, CONC_VCPUS, status);
	{
		char d[128];
		int found = 0;

		/* the per-VM debugfs directory of the dead VMM is gone */
		for (int id = 0; id < 64; id++) {
			snprintf(d, sizeof(d), "%s/%d-%d", dir, pid, id);
			found += stat(d, &st) == 0;
		}
		gzvm_tap_check(!found, "sigkill: the killed VMM's VM is torn down (its debugfs directory is gone)",
			       "%d directories %s/%d-* left", found, dir, pid);
	}
	snap(&b);
	compare("sigkill", &a, &b);
}

/* ======================================================================== */

static const struct {
	const char *name;
	void (*fn)(void);
	bool dflt;
	const char *what;
} tests[] = {
	{ "ucall", test_ucall, true, "the ucall convention" },
	{ "mmio", test_mmio, true, "MMIO reads/writes of 1/2/4/8 bytes, sign extension, x0..x30 and XZR" },
	{ "ptp", test_ptp, true, "PTP hypercall (0x86000001)" },
	{ "relinquish", test_relinquish, true, "MEM_RELINQUISH hypercall (0xc6000009)" },
	{ "demand", test_demand, true, "demand paging of a 64 MiB slot, batch sizes, an unaligned slot" },
	{ "regs", test_regs, true, "SET/GET_ONE_REG" },
	{ "calls", test_calls, true, "unknown HVC, SMC, PSCI/SMCCC versions, SYSTEM_OFF/RESET" },
	{ "nosyndrome", test_nosyndrome, true, "LDP from MMIO -> INTERNAL_ERROR" },
	{ "writeback", test_writeback, true, "pre/post-indexed MMIO accesses -> INTERNAL_ERROR" },
	{ "ifetch", test_ifetch, true, "instruction fetch outside memslots -> guest abort" },
	{ "concurrency", test_concurrency, true, "4 VMs x 2 vCPUs running concurrently" },
	{ "lifecycle", test_lifecycle, true, "create/run/destroy cycles, memory returned" },
	{ "sigkill", test_sigkill, true, "SIGKILL of a VMM with running vCPUs, memory returned" },
	{ "vgic", test_vgic, true, "vGICv3 registers from the guest's own MMIO, no VMM exits" },
	{ "spi", test_spi, true, "SPIs by IRQ_LINE (level, edge) and irqfd into a guest in WFI" },
	{ "ppi", test_ppi, true, "virtual timer (spinning, WFI, IMASK), a PPI by IRQ_LINE" },
	{ "sgi", test_sgi, true, "PSCI CPU_ON/OFF, SGIs between every pair of 4 vCPUs, SGIs to idle vCPUs" },
	{ "prio", test_prio, true, "20 SPIs (more than the LRs) in priority order, PMR, preemption" },
	{ "psci", test_psci, true, "guest PSCI/SMCCC calls, CPU_SUSPEND, ID/debug/PMU registers" },
	{ "idle", test_idle, true, "host CPU time of an idle 4-vCPU guest (10 s)" },
	{ "imask", test_imask, true, "CNTV_CTL.IMASK set and cleared by the guest during a run" },
	{ "protected", test_protected, true, "a protected VM's memory and registers against every host access path" },
	{ "ioctls", test_ioctls, true, "random ioctls on /dev/gzvm, VM and vCPU fds from 4 threads, nothing leaked" },
	{ "randguest", test_randguest, true, "guests executing random instruction sequences beside a checksumming guest" },
	{ "hvcfuzz", test_hvcfuzz, true, "random host hypercalls from a kernel module while guests run" },
	{ "killvmm", test_killvmm, true, "100 VMMs killed by SIGKILL at random points, nothing left" },
	{ "stress", test_stress, true, "16 VMs x 2 vCPUs checking their memory, host CPU hotplug, memory pressure" },
};

int main(int argc, char **argv)
{
	unsigned int nt = sizeof(tests) / sizeof(tests[0]);
	double t0 = gzvm_now();

	setvbuf(stdout, NULL, _IOLBF, 0);
	gzvm_verbose = gzvm_env_long("GZVM_SELFTEST_VERBOSE", 0) != 0;
	if (argc > 1 && !strcmp(argv[1], "-l")) {
		for (unsigned int i = 0; i < nt; i++)
			printf("%-12s %s%s\n", tests[i].name, tests[i].what, tests[i].dflt ? "" : " [not default]");
		return 0;
	}
	if (access("/dev/gzvm", R_OK | W_OK)) {
		gzvm_tap_fail("/dev/gzvm is there", "%s", strerror(errno));
		return 1;
	}
	for (unsigned int i = 0; i < nt; i++) {
		bool run = argc == 1 ? tests[i].dflt : false;
		double ts = gzvm_now();

		for (int a = 1; a < argc; a++)
			run |= !strcmp(argv[a], tests[i].name);
		if (!run)
			continue;
		gzvm_info("test %s: %s", tests[i].name, tests[i].what);
		tests[i].fn();
		gzvm_info("test %s: %.2f s", tests[i].name, gzvm_now() - ts);
	}
	gzvm_info("done in %.1f s: %d passed, %d failed", gzvm_now() - t0, gzvm_tap_passes, gzvm_tap_failures);
	return gzvm_tap_failures ? 1 : 0;
}
