// SPDX-License-Identifier: GPL-2.0
/*
 * hvcfuzz (issue 9): random host hypercalls from inside the host kernel
 * while a guest runs beside them.
 *
 * A victim VM with 2 vCPUs runs the spin_ucall guest (a counter in its RAM,
 * one MMIO exit per round, checked) in two threads, while
 * gzvm_hvcfuzz.ko (tests/system/modules/hosttest) issues random
 * hypercalls from one kernel thread per CPU during its init: random ids and
 * registers, VMs and vCPUs of its own, physical addresses in the carve-out,
 * in device memory, in pages its protected guests hold and in the run areas
 * of its other vCPUs, and the 4 pages of a protected VM (the "secret" guest
 * of gzvm_protected.c) beside it.  The module names no VM it did not
 * create, so the victim is not attacked: it must go on, exact, throughout.
 * The protected VM's pages are: no call naming them may succeed, the host
 * kernel still cannot read them afterwards, and they read zero after it is
 * closed.
 *
 * Passes when the module ran every call with no violation of its oracles
 * (see the module), the victim's vCPUs made progress and their counters
 * are exact, the hypervisor's counters and the VMM's locked memory are
 * back, and a fresh VM runs.  GZVM_SELFTEST_HVCS sets the number of calls
 * (200000; 2000000 with GZVM_SELFTEST_DEEP=1), GZVM_SELFTEST_SEED the seed.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "gzvm_util.h"

void test_hvcfuzz(void);
/* gzvm_protected.c */
const char *protected_victim_start(uint64_t *pas, int max, int *n);
const char *protected_victim_stop(bool *still_donated);

GUEST_DECLARE(spin_ucall);

#define FUZZ_KO		"/lib/gzvm/gzvm_hvcfuzz.ko"
#define FUZZ_PARAMS	"/sys/module/gzvm_hvcfuzz/parameters/"
#define VICTIM_VCPUS	2
#define VICTIM_RAM	(64 * 1024)
#define COUNTER_GPA	(GUEST_RAM_GPA + 0x8000)

struct victim_vcpu {
	struct gzvm_vcpu vcpu;
	long rounds;
	char why[256];
};

static atomic_bool stop_victim;

/* One spin_ucall round per MMIO exit until told to stop: the exit carries the round number. */
static void *victim_thread(void *arg)
{
	struct victim_vcpu *v = arg;
	struct gzvm_vcpu_run *run = v->vcpu.run;
	const char *why;

	while (!atomic_load(&stop_victim)) {
		uint64_t d;

		if (!gzvm_expect_exit(&v->vcpu, GZVM_EXIT_MMIO, &why)) {
			snprintf(v->why, sizeof(v->why), "round %ld: %s", v->rounds + 1, why);
			return NULL;
		}
		memcpy(&d, run->mmio.data, sizeof(d));
		if (run->mmio.phys_addr != UCALL_ADDR + 8 || d != (uint64_t)v->rounds + 1) {
			snprintf(v->why, sizeof(v->why), "round %ld: %s", v->rounds + 1,
				 gzvm_exit_str(&v->vcpu));
			return NULL;
		}
		v->rounds++;
	}
	return NULL;
}

/* The carve-out from /proc/device-tree/reserved-memory/gzvm*: reg is 2+2 big-endian cells. */
static void carveout(uint64_t *base, uint64_t *size)
{
	unsigned char reg[16];
	glob_t g;
	FILE *f = NULL;

	*base = *size = 0;
	if (!glob("/proc/device-tree/reserved-memory/gzvm*/reg", 0, NULL, &g) && g.gl_pathc)
		f = fopen(g.gl_pathv[0], "rb");
	globfree(&g);
	if (!f)
		return;
	if (fread(reg, 1, sizeof(reg), f) == sizeof(reg)) {
		for (int i = 0; i < 8; i++) {
			*base = *base << 8 | reg[i];
			*size = *size << 8 | reg[8 + i];
		}
	}
	fclose(f);
}

struct fuzz_result {
	long issued, succeeded, entered, created, guest_named, violations;
	char first_violation[256], per_fn[512];
	const char *why;	/* the module could not run */
};

static void read_param_str(const char *name, char *buf, size_t len)
{
	FILE *f = fopen(gzvm_fmt(FUZZ_PARAMS "%s", name), "r");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
}

/* Load the module (its init is the fuzz), read its figures, remove it. */
static void run_module(long calls, long seed, const uint64_t *targets, int nr_targets,
		       struct fuzz_result *r)
{
	uint64_t base, size;
	int fd = open(FUZZ_KO, O_RDONLY | O_CLOEXEC);
	const char *params;
	char list[8 * 20] = "0";

	for (int i = 0, n = 0; i < nr_targets; i++)
		n += snprintf(list + n, sizeof(list) - n, "%s0x%llx", i ? "," : "",
			      (unsigned long long)targets[i]);

	memset(r, 0, sizeof(*r));
	if (fd < 0) {
		r->why = gzvm_fmt("%s: %s", FUZZ_KO, strerror(errno));
		return;
	}
	carveout(&base, &size);
	/* seconds: a bound for a hypervisor slower than expected, far above the ~25000 calls/s seen */
	params = gzvm_fmt("calls=%ld seed=%ld seconds=%ld carveout_base=0x%llx carveout_size=0x%llx targets=%s",
			  calls, seed, 60 + calls / 2000,
			  (unsigned long long)base, (unsigned long long)size, list);
	gzvm_info("hvcfuzz: insmod gzvm_hvcfuzz.ko %s", params);
	if (syscall(SYS_finit_module, fd, params, 0)) {
		r->why = gzvm_fmt("finit_module: %s", strerror(errno));
		close(fd);
		return;
	}
	close(fd);
	r->issued = gzvm_read_long(FUZZ_PARAMS "issued");
	r->succeeded = gzvm_read_long(FUZZ_PARAMS "succeeded");
	r->entered = gzvm_read_long(FUZZ_PARAMS "entered");
	r->created = gzvm_read_long(FUZZ_PARAMS "created");
	r->guest_named = gzvm_read_long(FUZZ_PARAMS "guest_named");
	r->violations = gzvm_read_long(FUZZ_PARAMS "violations");
	read_param_str("first_violation", r->first_violation, sizeof(r->first_violation));
	read_param_str("per_fn", r->per_fn, sizeof(r->per_fn));
	if (syscall(SYS_delete_module, "gzvm_hvcfuzz", O_NONBLOCK))
		gzvm_info("hvcfuzz: delete_module(gzvm_hvcfuzz): %s", strerror(errno));
}

static bool victim_start(struct gzvm_vm *vm, struct victim_vcpu *v, pthread_t *th)
{
	int r = gzvm_vm_create(vm);

	if (r || !gzvm_vm_add_mem(vm, 0, GUEST_RAM_GPA, VICTIM_RAM) ||
	    GUEST_LOAD(vm, GUEST_RAM_GPA, spin_ucall)) {
		gzvm_tap_fail("hvcfuzz: the victim VM is set up", "%s", strerror(r ? -r : errno));
		if (!r)
			gzvm_vm_destroy(vm);
		return false;
	}
	for (int j = 0; j < VICTIM_VCPUS; j++) {
		r = gzvm_vcpu_create(vm, j, &v[j].vcpu, GUEST_RAM_GPA);
		if (!r)
			r = gzvm_set_reg(&v[j].vcpu, REG_X(1), UINT64_MAX);
		if (!r)
			r = gzvm_set_reg(&v[j].vcpu, REG_X(2), COUNTER_GPA + (uint64_t)j * 64);
		if (r) {
			gzvm_tap_fail("hvcfuzz: the victim VM is set up", "vCPU %d: %s", j, strerror(-r));
			for (int k = 0; k <= j; k++)
				gzvm_vcpu_close(&v[k].vcpu);
			gzvm_vm_destroy(vm);
			return false;
		}
	}
	atomic_store(&stop_victim, false);
	for (int j = 0; j < VICTIM_VCPUS; j++)
		pthread_create(&th[j], NULL, victim_thread, &v[j]);
	return true;
}

/* Stop the victim's threads and check what its guest counted. */
static void victim_check(struct gzvm_vm *vm, struct victim_vcpu *v, pthread_t *th,
			 const long *rounds_before)
{
	char why[300] = "";

	atomic_store(&stop_victim, true);
	for (int j = 0; j < VICTIM_VCPUS; j++)
		pthread_join(th[j], NULL);
	for (int j = 0; j < VICTIM_VCPUS && !why[0]; j++) {
		uint64_t *ctr = gzvm_gpa_to_hva(vm, COUNTER_GPA + (uint64_t)j * 64);

		if (v[j].why[0])
			snprintf(why, sizeof(why), "vCPU %d: %s", j, v[j].why);
		else if (*ctr != (uint64_t)v[j].rounds)
			snprintf(why, sizeof(why), "vCPU %d: guest counter %llu, %ld rounds seen", j,
				 (unsigned long long)*ctr, v[j].rounds);
		else if (v[j].rounds <= rounds_before[j])
			snprintf(why, sizeof(why), "vCPU %d: no round during the fuzz (%ld)", j,
				 v[j].rounds);
	}
	gzvm_info("hvcfuzz: victim rounds: vCPU 0 %ld (%ld during the fuzz), vCPU 1 %ld (%ld)",
		  v[0].rounds, v[0].rounds - rounds_before[0], v[1].rounds,
		  v[1].rounds - rounds_before[1]);
	gzvm_tap_check(!why[0],
		       "hvcfuzz: the victim VM's 2 vCPUs ran throughout, every exit and counter exact",
		       "%s", why);
	for (int j = 0; j < VICTIM_VCPUS; j++)
		gzvm_vcpu_close(&v[j].vcpu);
	gzvm_vm_destroy(vm);
}

void test_hvcfuzz(void)
{
	long calls = gzvm_env_long("GZVM_SELFTEST_HVCS", gzvm_deep() ? 2000000 : 200000);
	long seed = gzvm_env_long("GZVM_SELFTEST_SEED", (long)time(NULL));
	long vmlck = gzvm_status_kb("VmLck"), before[VICTIM_VCPUS];
	struct victim_vcpu v[VICTIM_VCPUS] = { 0 };
	struct gzvm_hyp_counters hyp;
	struct fuzz_result r;
	pthread_t th[VICTIM_VCPUS];
	struct gzvm_vm vm;
	uint64_t pas[4];
	int npas = 0;
	bool donated = false;
	const char *why;
	double t0;

	gzvm_hyp_counters(&hyp);
	why = protected_victim_start(pas, 4, &npas);
	if (!gzvm_tap_check(!why, "hvcfuzz: a protected VM wrote its secret beside the fuzz", "%s", why))
		return;
	if (!victim_start(&vm, v, th)) {
		protected_victim_stop(&donated);
		return;
	}
	usleep(100000);
	for (int j = 0; j < VICTIM_VCPUS; j++)
		before[j] = v[j].rounds;
	t0 = gzvm_now();
	run_module(calls, seed, pas, npas, &r);
	if (!gzvm_tap_check(!r.why, "hvcfuzz: gzvm_hvcfuzz.ko loads and runs", "%s", r.why)) {
		victim_check(&vm, v, th, before);
		protected_victim_stop(&donated);
		return;
	}
	gzvm_info("hvcfuzz: seed %ld (GZVM_SELFTEST_SEED to replay): %ld hypercalls fuzzed in %.1f s, %ld succeeded, %ld RUNs entered, %ld VMs created, %ld arguments a page a protected guest held",
		  seed, r.issued, gzvm_now() - t0, r.succeeded, r.entered, r.created, r.guest_named);
	gzvm_info("hvcfuzz: per function number (ok/issued; %d: other ids): %s", 20, r.per_fn);
	victim_check(&vm, v, th, before);
	why = protected_victim_stop(&donated);
	gzvm_tap_check(donated, "hvcfuzz: the protected VM's pages were still unreadable to the host kernel after the fuzz",
		       "a kernel module read its first secret page");
	gzvm_tap_check(!why, "hvcfuzz: after close, every page of the protected VM reads zero", "%s", why);
	gzvm_tap_check(r.issued == calls && r.succeeded > 0 && r.created > 0 && r.entered > 0 &&
		       r.guest_named > 0,
		       gzvm_fmt("hvcfuzz: %ld random hypercalls issued; some succeeded, created VMs, entered guests and named the protected VM's pages",
				calls),
		       "%ld issued, %ld succeeded, %ld VMs created, %ld RUNs entered, %ld protected pages named",
		       r.issued, r.succeeded, r.created, r.entered, r.guest_named);
	gzvm_tap_check(r.violations == 0,
		       "hvcfuzz: no call used memory the host may not use, shared a run area, or left a VM or page behind",
		       "%ld violations, the first: %s", r.violations, r.first_violation);
	gzvm_check_hyp_counters("hvcfuzz", &hyp);
	gzvm_tap_check(gzvm_status_kb("VmLck") == vmlck, "hvcfuzz: the VMM's locked memory back to the start",
		       "VmLck %ld -> %ld kB", vmlck, gzvm_status_kb("VmLck"));
	gzvm_check_fresh_vm("hvcfuzz");
}
