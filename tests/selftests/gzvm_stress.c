// SPDX-License-Identifier: GPL-2.0
/*
 * Load and lifecycle under stress (issue 9).
 *
 * stress: 16 VMs with 2 vCPUs each (lib/gzvm_victim.c: every iteration a
 * checksum of memory the host filled, a pattern written and read back,
 * checked at every SYNC and at the end) run concurrently, while one thread
 * takes every secondary host CPU offline and back online, one after the
 * other, and another puts the host under memory pressure: it populates
 * anonymous memory until only a sixteenth of the host's memory is left
 * available (the kernel reclaims and compacts around the VMs' pinned
 * pages), checks it and unmaps it, and a third creates a VM, runs it
 * to DONE and destroys it, again and again.  GZVM_SELFTEST_STRESS_SECS
 * (20; 600 with GZVM_SELFTEST_DEEP=1), GZVM_SELFTEST_STRESS_VMS (16).
 *
 * killvmm: 100 child VMMs (GZVM_SELFTEST_KILLS) are killed by SIGKILL at
 * a random point: a delay drawn between 0 and twice the time a first child
 * needed from fork to its guest's first iteration, so that kills land in
 * the VM's set-up (CREATE_VM, memslots, vCPUs, a protected VM's donation)
 * and while its vCPUs run.  Every fourth child starts a protected VM.  The
 * children report their phase in shared memory; the test prints where the
 * kills landed and checks that some landed in each.
 *
 * Both pass when nothing the VMs held is left: the VMM's VmLck, Mlocked
 * and pins, the hypervisor's pool, lent and donated memory, and a fresh VM
 * runs.  GZVM_SELFTEST_SEED replays killvmm's delays.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gzvm_util.h"
#include "gzvm_victim.h"

void test_stress(void);
void test_killvmm(void);
/* gzvm_protected.c */
const char *protected_victim_start(uint64_t *pas, int max, int *n);

#define MAX_VMS		64
#define CPU_SYSFS	"/sys/devices/system/cpu"

/* ---- host CPU hotplug ---------------------------------------------------------- */

struct hotplug {
	atomic_bool stop;
	long rounds;		/* offline and back online */
	long failures;
	char why[160];		/* first failure */
};

static bool cpu_set_online(int cpu, bool on)
{
	return !gzvm_write_str(gzvm_fmt(CPU_SYSFS "/cpu%d/online", cpu), on ? "1" : "0");
}

static int cpu_online(int cpu)
{
	return (int)gzvm_read_long(gzvm_fmt(CPU_SYSFS "/cpu%d/online", cpu));
}

static void hotplug_fail(struct hotplug *h, int cpu, const char *what)
{
	if (!h->failures++)
		snprintf(h->why, sizeof(h->why), "cpu%d: %s: %s", cpu, what, strerror(errno));
}

/* CPU 0 stays: every other CPU goes offline and comes back, round after round. */
static void *hotplug_thread(void *arg)
{
	struct hotplug *h = arg;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	while (!atomic_load(&h->stop)) {
		for (int cpu = 1; cpu < ncpu && !atomic_load(&h->stop); cpu++) {
			if (!cpu_set_online(cpu, false)) {
				hotplug_fail(h, cpu, "offline");
				continue;
			}
			usleep(50000);
			if (!cpu_set_online(cpu, true)) {
				hotplug_fail(h, cpu, "online again");
				continue;
			}
			h->rounds++;
			usleep(100000);
		}
		if (ncpu < 2)
			break;
	}
	return NULL;
}

/* Every CPU online again, after a failure too; the CPUs found offline. */
static int cpus_all_online(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	int offline = 0;

	for (int cpu = 1; cpu < ncpu; cpu++) {
		if (cpu_online(cpu) == 1)
			continue;
		offline++;
		cpu_set_online(cpu, true);
	}
	return offline;
}

/* ---- host memory pressure ------------------------------------------------------ */

#define CHUNK		(64UL << 20)
#define MAX_CHUNKS	64
/*
 * Down to MemTotal / 16 available (about 125 MiB of 2 GiB): deep enough
 * that the kernel must reclaim, with one chunk of margin so that the OOM
 * killer never has to act (the host has no swap).
 */
#define FLOOR_DIV	16

struct pressure {
	atomic_bool stop;
	long rounds;		/* rounds that brought MemAvailable down to the target */
	long mib;		/* populated and checked in all */
	long min_avail_kb;	/* the lowest MemAvailable seen */
	long bad_words;		/* read back wrong */
};

static uint64_t pressure_word(size_t page, long round)
{
	return page * 0x9e3779b97f4a7c15ULL + (uint64_t)round;
}

/*
 * Populate 64 MiB chunks (MAP_POPULATE: the kernel faults them in, quicker
 * than a touch per page under emulation) until MemTotal / FLOOR_DIV is
 * available, write a word in every page, read them all back, unmap.
 */
static void pressure_round(struct pressure *p)
{
	long floor = gzvm_meminfo_kb("MemTotal") / FLOOR_DIV + (long)(CHUNK >> 10);
	long avail = gzvm_meminfo_kb("MemAvailable"), round = p->rounds;
	uint64_t *chunk[MAX_CHUNKS];
	int n = 0;

	while (n < MAX_CHUNKS && !atomic_load(&p->stop) && avail > floor) {
		uint64_t *m = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

		if (m == MAP_FAILED)
			break;
		for (size_t i = 0; i < CHUNK / 4096; i++)
			m[i * 512] = pressure_word((size_t)n * (CHUNK / 4096) + i, round);
		chunk[n++] = m;
		avail = gzvm_meminfo_kb("MemAvailable");
		if (p->min_avail_kb < 0 || avail < p->min_avail_kb)
			p->min_avail_kb = avail;
	}
	if (avail <= floor)
		p->rounds++;
	for (int c = 0; c < n; c++) {
		for (size_t i = 0; i < CHUNK / 4096; i++)
			p->bad_words += chunk[c][i * 512] !=
					pressure_word((size_t)c * (CHUNK / 4096) + i, round);
		munmap(chunk[c], CHUNK);
		p->mib += (long)(CHUNK >> 20);
	}
}

static void *pressure_thread(void *arg)
{
	struct pressure *p = arg;

	/* 32 vCPU threads share the CPUs: without a larger share the pressure would hardly build up */
	setpriority(PRIO_PROCESS, (id_t)gettid(), -20);
	while (!atomic_load(&p->stop)) {
		pressure_round(p);
		usleep(200000);
	}
	return NULL;
}

/* ---- VMs coming and going ------------------------------------------------------ */

struct cycler {
	atomic_bool stop;
	long cycles;
	long failures;
	char why[160];
};

/* VMs created, run to DONE and destroyed, one after the other, beside the others. */
static void *cycler_thread(void *arg)
{
	struct cycler *c = arg;

	while (!atomic_load(&c->stop)) {
		const char *why = gzvm_fresh_vm_run();

		if (why && !c->failures++)
			snprintf(c->why, sizeof(c->why), "cycle %ld: %s", c->cycles, why);
		c->cycles++;
	}
	return NULL;
}

/* ---- stress --------------------------------------------------------------------- */

static void stress_report(const struct hotplug *h, const struct pressure *p,
			  const struct cycler *c, long secs)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	gzvm_info("stress: %ld VMs created, run and destroyed beside them (%ld failed%s%s)",
		  c->cycles, c->failures, c->failures ? ", the first: " : "", c->why);
	gzvm_tap_check(c->cycles > 0 && !c->failures,
		       "stress: VMs created, run to DONE and destroyed while the others ran",
		       "%ld cycles, %ld failures, the first: %s", c->cycles, c->failures, c->why);

	gzvm_info("stress: %ld CPU offline/online rounds in %ld s (%ld failed%s%s)", h->rounds, secs,
		  h->failures, h->failures ? ", the first: " : "", h->why);
	gzvm_tap_check(ncpu < 2 || (h->rounds > 0 && !h->failures),
		       "stress: the secondary host CPUs went offline and online again while the vCPUs ran",
		       "%ld rounds, %ld failures, the first: %s", h->rounds, h->failures, h->why);
	gzvm_info("stress: memory pressure: %ld MiB populated and checked, MemAvailable down to %ld kB of %ld kB %ld times",
		  p->mib, p->min_avail_kb, gzvm_meminfo_kb("MemTotal"), p->rounds);
	gzvm_tap_check(p->rounds > 0 && !p->bad_words,
		       "stress: the host's available memory down to a sixteenth while the vCPUs ran, its memory read back intact",
		       "%ld times down to a sixteenth, %ld words read back wrong", p->rounds, p->bad_words);
}

/* Stop and check every victim; the first failure, or NULL. */
static const char *stress_victims_end(struct gzvm_victim *vi, int n, uint64_t *iterations)
{
	const char *first = NULL;

	*iterations = 0;
	for (int i = 0; i < n; i++) {
		const char *why = gzvm_victim_stop(&vi[i]);

		*iterations += gzvm_victim_iterations(&vi[i]);
		if (why && !first)
			first = gzvm_fmt("VM %d of %d: %s", i, n, why);
	}
	for (int i = 0; i < n; i++)
		gzvm_victim_destroy(&vi[i]);
	return first;
}

void test_stress(void)
{
	long secs = gzvm_env_long("GZVM_SELFTEST_STRESS_SECS", gzvm_deep() ? 600 : 20);
	long nvms = gzvm_env_long("GZVM_SELFTEST_STRESS_VMS", 16);
	struct gzvm_victim *vi = calloc(MAX_VMS, sizeof(*vi));
	struct hotplug h = { 0 };
	struct pressure p = { .min_avail_kb = -1 };
	struct cycler cy = { 0 };
	struct gzvm_host_counters before;
	pthread_t ht, pt, ct;
	bool h_on, p_on, c_on;
	uint64_t iterations;
	const char *why = NULL;
	int made = 0, offline;

	if (!vi || nvms < 1 || nvms > MAX_VMS) {
		gzvm_tap_fail("stress: set-up", "%ld VMs (1..%d), calloc %p", nvms, MAX_VMS, vi);
		free(vi);
		return;
	}
	gzvm_host_counters(&before);
	for (; made < nvms && !why; made++) {
		int r = gzvm_victim_start(&vi[made], (uint64_t)made * 0x5851f42d4c957f2dULL, 0);

		if (r)
			why = gzvm_fmt("VM %d: %s", made, strerror(-r));
	}
	h_on = !why && !pthread_create(&ht, NULL, hotplug_thread, &h);
	p_on = !why && !pthread_create(&pt, NULL, pressure_thread, &p);
	c_on = !why && !pthread_create(&ct, NULL, cycler_thread, &cy);
	for (long t = 0; !why && t < secs; t++) {
		sleep(1);
		if ((t + 1) % 30 == 0)
			gzvm_info("stress: %ld s of %ld, %ld CPU rounds, %ld pressure rounds, %ld VMs cycled",
				  t + 1, secs, h.rounds, p.rounds, cy.cycles);
	}
	atomic_store(&h.stop, true);
	atomic_store(&p.stop, true);
	atomic_store(&cy.stop, true);
	if (h_on)
		pthread_join(ht, NULL);
	if (p_on)
		pthread_join(pt, NULL);
	if (c_on)
		pthread_join(ct, NULL);
	offline = cpus_all_online();
	if (!why)
		why = stress_victims_end(vi, made, &iterations);
	else
		stress_victims_end(vi, made, &iterations);
	free(vi);
	gzvm_info("stress: %d VMs x %d vCPUs for %ld s: %llu iterations (each a checksum of 16 KiB, 8 KiB written and verified)",
		  made, GZVM_VICTIM_VCPUS, secs, (unsigned long long)iterations);
	gzvm_tap_check(!why, gzvm_fmt("stress: %ld VMs x %d vCPUs ran for %ld s, every vCPU passed every iteration, their memory exact",
				      nvms, GZVM_VICTIM_VCPUS, secs),
		       "%s", why);
	stress_report(&h, &p, &cy, secs);
	gzvm_tap_check(!offline, "stress: every host CPU online at the end", "%d CPUs were offline", offline);
	gzvm_check_host_counters("stress", &before);
	gzvm_check_fresh_vm("stress");
}

/* ---- killvmm -------------------------------------------------------------------- */

enum { PHASE_FORKED, PHASE_SETUP, PHASE_RUNNING, PHASE_ERROR, NR_PHASES };
static const char *const phase_names[NR_PHASES] = {
	"before CREATE_VM", "during the set-up", "once the guest ran", "after a set-up error",
};

/* The child VMM: set a VM up, run it, report the phase, wait for the kill. */
static void __attribute__((noreturn)) killvmm_child(_Atomic int *phase, bool protected)
{
	struct gzvm_victim vi = { 0 };
	uint64_t pas[4];
	int n;

	gzvm_run_timeout_ms = 0;
	atomic_store(phase, PHASE_SETUP);
	if (protected) {
		if (protected_victim_start(pas, 4, &n))
			atomic_store(phase, PHASE_ERROR);
		else
			atomic_store(phase, PHASE_RUNNING);
		for (;;)
			pause();
	}
	if (gzvm_victim_start(&vi, (uint64_t)getpid(), 0)) {
		atomic_store(phase, PHASE_ERROR);
		for (;;)
			pause();
	}
	while (!gzvm_victim_iterations(&vi))
		usleep(200);
	atomic_store(phase, PHASE_RUNNING);
	for (;;)
		pause();
}

/* The killed child's VMs are gone: no debugfs directory of its pid is left. */
static int debugfs_dirs_of(pid_t pid)
{
	struct stat st;
	int found = 0;

	for (int id = 0; id < 64; id++)
		found += !stat(gzvm_fmt("/sys/kernel/debug/gzvm/%d-%d", pid, id), &st);
	return found;
}

struct kill_result {
	long phases[NR_PHASES];
	long not_killed;	/* died otherwise, or did not die */
	long left;		/* debugfs directories left */
	char why[160];
};

/* Fork a child, kill it after @delay_us; its phase then, or -1. */
static int kill_one(_Atomic int *phase, bool protected, long delay_us, struct kill_result *k)
{
	int status = 0, at;
	pid_t pid;

	atomic_store(phase, PHASE_FORKED);
	pid = fork();
	if (pid < 0) {
		snprintf(k->why, sizeof(k->why), "fork: %s", strerror(errno));
		return -1;
	}
	if (!pid)
		killvmm_child(phase, protected);
	if (delay_us > 0)
		usleep((useconds_t)delay_us);
	at = atomic_load(phase);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
		if (!k->not_killed++)
			snprintf(k->why, sizeof(k->why), "child %d ended with status 0x%x", pid, status);
	}
	k->left += debugfs_dirs_of(pid);
	return at;
}

/* Time from fork to the first guest iteration (or to a protected VM's secret), in us. */
static long time_to_running_once(_Atomic int *phase, bool protected)
{
	double t0 = gzvm_now();
	pid_t pid;
	long us;

	atomic_store(phase, PHASE_FORKED);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid)
		killvmm_child(phase, protected);
	while (atomic_load(phase) < PHASE_RUNNING && gzvm_now() - t0 < 10)
		usleep(100);
	us = (long)((gzvm_now() - t0) * 1e6);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return atomic_load(phase) == PHASE_RUNNING ? us : -1;
}

/* The quickest of 3 (the first child also pays for cold caches), or -1. */
static long time_to_running(_Atomic int *phase, bool protected)
{
	long best = -1;

	for (int i = 0; i < 3; i++) {
		long us = time_to_running_once(phase, protected);

		if (us < 0)
			return -1;
		if (best < 0 || us < best)
			best = us;
	}
	return best;
}

void test_killvmm(void)
{
	long kills = gzvm_env_long("GZVM_SELFTEST_KILLS", gzvm_deep() ? 1000 : 100);
	uint64_t seed = (uint64_t)gzvm_env_long("GZVM_SELFTEST_SEED", (long)time(NULL));
	_Atomic int *phase = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct kill_result k = { 0 };
	struct gzvm_host_counters before;
	long plain_us, prot_us;
	double t0 = gzvm_now();

	if (phase == MAP_FAILED) {
		gzvm_tap_fail("killvmm: set-up", "mmap: %s", strerror(errno));
		return;
	}
	gzvm_host_counters(&before);
	plain_us = time_to_running(phase, false);
	prot_us = time_to_running(phase, true);
	gzvm_info("killvmm: seed %llu (GZVM_SELFTEST_SEED to replay); fork to running: %ld us, protected %ld us",
		  (unsigned long long)seed, plain_us, prot_us);
	if (!gzvm_tap_check(plain_us > 0 && prot_us > 0,
			    "killvmm: a child VMM runs its guest, a plain and a protected one",
			    "fork to running: %ld us, protected %ld us", plain_us, prot_us)) {
		munmap(phase, 4096);
		return;
	}
	for (long i = 0; i < kills; i++) {
		bool prot = i % 4 == 3;
		uint64_t r = seed + (uint64_t)i * 0x9e3779b97f4a7c15ULL;
		long delay, at;

		r = (r ^ (r >> 31)) * 0xbf58476d1ce4e5b9ULL;
		delay = (long)((r >> 11) % (uint64_t)(2 * (prot ? prot_us : plain_us)));
		at = kill_one(phase, prot, delay, &k);
		if (at < 0)
			break;
		k.phases[at]++;
	}
	munmap(phase, 4096);
	gzvm_info("killvmm: %ld children killed in %.1f s: %s %ld, %s %ld, %s %ld, %s %ld", kills,
		  gzvm_now() - t0, phase_names[0], k.phases[0], phase_names[1], k.phases[1],
		  phase_names[2], k.phases[2], phase_names[3], k.phases[3]);
	gzvm_tap_check(k.phases[0] + k.phases[1] + k.phases[2] == kills && !k.not_killed,
		       gzvm_fmt("killvmm: %ld child VMMs died by SIGKILL, none after a set-up error", kills),
		       "%ld set-up errors, %ld not killed: %s", k.phases[PHASE_ERROR], k.not_killed,
		       k.why);
	gzvm_tap_check(k.phases[PHASE_SETUP] > 0 && k.phases[PHASE_RUNNING] > 0,
		       "killvmm: the kills landed in the VMs' set-up and once their guests ran",
		       "set-up %ld, running %ld", k.phases[PHASE_SETUP], k.phases[PHASE_RUNNING]);
	gzvm_tap_check(!k.left, "killvmm: every killed VMM's VMs are torn down (no debugfs directory left)",
		       "%ld directories left", k.left);
	gzvm_check_host_counters("killvmm", &before);
	gzvm_check_fresh_vm("killvmm");
}
