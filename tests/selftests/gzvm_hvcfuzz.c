// SPDX-License-Identifier: GPL-2.0
/*
 * hvcfuzz (issue 9): random host hypercalls from inside the host kernel
 * while a guest runs beside them.
 *
 * A victim VM (lib/gzvm_victim.c: 2 vCPUs checksumming and rewriting
 * their memory, every iteration checked) runs in two threads, while
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
 * (see the module), the victim's vCPUs made progress and passed every
 * iteration, the hypervisor's counters and the VMM's locked memory are
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
#include "gzvm_victim.h"

void test_hvcfuzz(void);
/* gzvm_protected.c */
const char *protected_victim_start(uint64_t *pas, int max, int *n);
const char *protected_victim_stop(bool *still_donated);
const char *protected_secret_payload(const uint8_t **bytes, size_t *len);

#define FUZZ_KO		"/lib/gzvm/gzvm_hvcfuzz.ko"
#define FUZZ_PARAMS	"/sys/module/gzvm_hvcfuzz/parameters/"

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
	long issued, succeeded, entered, created, sealed, guest_named, violations;
	char first_violation[256], per_fn[512], per_cpu[256];
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
	char list[8 * 20] = "0", params[1536];
	const char *no_payload;
	const uint8_t *pl;
	size_t pl_len, n;

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
	n = (size_t)snprintf(params, sizeof(params),
			     "calls=%ld seed=%ld seconds=%ld carveout_base=0x%llx carveout_size=0x%llx targets=%s",
			     calls, seed, 60 + calls / 2000,
			     (unsigned long long)base, (unsigned long long)size, list);
	/* each module thread seals a VM of its own from it; without it, the check on "sealed" fails */
	no_payload = protected_secret_payload(&pl, &pl_len);
	gzvm_info("hvcfuzz: insmod gzvm_hvcfuzz.ko %s payload=<%s>", params,
		  no_payload ? no_payload : "the secret guest's signed payload, in hex");
	if (!no_payload && 2 * pl_len + 10 < sizeof(params) - n) {
		n += (size_t)snprintf(params + n, sizeof(params) - n, " payload=");
		for (size_t i = 0; i < pl_len; i++)
			n += (size_t)snprintf(params + n, sizeof(params) - n, "%02x", pl[i]);
	}
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
	r->sealed = gzvm_read_long(FUZZ_PARAMS "sealed");
	r->guest_named = gzvm_read_long(FUZZ_PARAMS "guest_named");
	r->violations = gzvm_read_long(FUZZ_PARAMS "violations");
	read_param_str("first_violation", r->first_violation, sizeof(r->first_violation));
	read_param_str("per_fn", r->per_fn, sizeof(r->per_fn));
	read_param_str("per_cpu", r->per_cpu, sizeof(r->per_cpu));
	if (syscall(SYS_delete_module, "gzvm_hvcfuzz", O_NONBLOCK))
		gzvm_info("hvcfuzz: delete_module(gzvm_hvcfuzz): %s", strerror(errno));
}

/* The module's threads: one per online CPU, at most FZ_MAX_THREADS (8). */
static int cpus_fuzzing(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/* How many "cpuN:issued/succeeded" entries of per_cpu issued any call. */
static int cpu_threads_that_fuzzed(const char *per_cpu)
{
	const char *p = per_cpu;
	unsigned int cpu;
	long is, ok;
	int n = 0, used;

	while (sscanf(p, " cpu%u:%ld/%ld%n", &cpu, &is, &ok, &used) == 3) {
		n += is > 0;
		p += used;
	}
	return n;
}

struct heartbeat {
	struct gzvm_victim *vi;
	atomic_bool stop;
};

/* While the module runs (in finit_module), a sign of life every 30 s for the stall watchdog. */
static void *heartbeat(void *arg)
{
	struct heartbeat *hb = arg;
	double t0 = gzvm_now();

	for (int t = 1; !atomic_load(&hb->stop); ) {
		usleep(100000);
		if (gzvm_now() - t0 < t * 30.0)
			continue;
		gzvm_info("hvcfuzz: fuzzing for %d s, the victim at %llu iterations", t++ * 30,
			  (unsigned long long)gzvm_victim_iterations(hb->vi));
	}
	return NULL;
}

/* The victim's end: it ran during the fuzz and passed every iteration. */
static void victim_check(struct gzvm_victim *vi, uint64_t before)
{
	const char *why = gzvm_victim_stop(vi);
	uint64_t after = gzvm_victim_iterations(vi);

	if (!why && after <= before)
		why = gzvm_fmt("no iteration during the fuzz (%llu)", (unsigned long long)after);
	gzvm_info("hvcfuzz: victim VM %d: %llu iterations (%llu during the fuzz)", vi->vm_id,
		  (unsigned long long)after, (unsigned long long)(after - before));
	gzvm_tap_check(!why,
		       "hvcfuzz: the victim VM's 2 vCPUs ran throughout and passed every iteration, their memory exact",
		       "%s", why);
	gzvm_victim_destroy(vi);
}

void test_hvcfuzz(void)
{
	long calls = gzvm_env_long("GZVM_SELFTEST_HVCS", gzvm_deep() ? 2000000 : 200000);
	long seed = gzvm_env_long("GZVM_SELFTEST_SEED", (long)time(NULL));
	long vmlck = gzvm_status_kb("VmLck");
	struct gzvm_victim vi = { 0 };
	struct heartbeat hb = { .vi = &vi };
	pthread_t hb_thread;
	bool hb_running;
	struct gzvm_hyp_counters hyp;
	struct fuzz_result r;
	uint64_t pas[4], before;
	int npas = 0, err, threads;
	bool donated = false;
	const char *why;
	double t0;

	gzvm_hyp_counters(&hyp);
	why = protected_victim_start(pas, 4, &npas);
	if (!gzvm_tap_check(!why, "hvcfuzz: a protected VM wrote its secret beside the fuzz", "%s", why))
		return;
	err = gzvm_victim_start(&vi, (uint64_t)seed, 0);
	if (err) {
		gzvm_tap_fail("hvcfuzz: the victim VM is set up", "%s", strerror(-err));
		gzvm_victim_destroy(&vi);
		protected_victim_stop(&donated);
		return;
	}
	usleep(100000);
	before = gzvm_victim_iterations(&vi);
	t0 = gzvm_now();
	hb_running = !pthread_create(&hb_thread, NULL, heartbeat, &hb);
	run_module(calls, seed, pas, npas, &r);
	atomic_store(&hb.stop, true);
	if (hb_running)
		pthread_join(hb_thread, NULL);
	if (!gzvm_tap_check(!r.why, "hvcfuzz: gzvm_hvcfuzz.ko loads and runs", "%s", r.why)) {
		victim_check(&vi, before);
		protected_victim_stop(&donated);
		return;
	}
	gzvm_info("hvcfuzz: seed %ld (GZVM_SELFTEST_SEED to replay): %ld hypercalls fuzzed in %.1f s, %ld succeeded, %ld RUNs entered, %ld VMs created, %ld arguments a page a protected guest held",
		  seed, r.issued, gzvm_now() - t0, r.succeeded, r.entered, r.created, r.guest_named);
	gzvm_info("hvcfuzz: per function number (ok/issued; %d: other ids): %s", 20, r.per_fn);
	gzvm_info("hvcfuzz: per CPU thread (issued/succeeded): %s", r.per_cpu);
	victim_check(&vi, before);
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
	gzvm_tap_check(r.sealed == cpus_fuzzing(),
		       "hvcfuzz: each thread sealed a protected VM of its own (the signed payload) and fuzzed beside it",
		       "%ld of %d sealed (the module's log names why)", r.sealed, cpus_fuzzing());
	threads = cpu_threads_that_fuzzed(r.per_cpu);
	gzvm_tap_check(threads == cpus_fuzzing(),
		       "hvcfuzz: one thread per online CPU (up to 8) issued hypercalls, all at once",
		       "%d of %d threads issued calls: %s", threads, cpus_fuzzing(), r.per_cpu);
	gzvm_tap_check(r.violations == 0,
		       "hvcfuzz: no call used memory the host may not use, shared a run area, or left a VM or page behind",
		       "%ld violations, the first: %s", r.violations, r.first_violation);
	gzvm_check_hyp_counters("hvcfuzz", &hyp);
	gzvm_tap_check(gzvm_status_kb("VmLck") == vmlck, "hvcfuzz: the VMM's locked memory back to the start",
		       "VmLck %ld -> %ld kB", vmlck, gzvm_status_kb("VmLck"));
	gzvm_check_fresh_vm("hvcfuzz");
}
