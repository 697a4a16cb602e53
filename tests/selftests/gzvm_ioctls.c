// SPDX-License-Identifier: GPL-2.0
/*
 * ioctls: random ioctls with random arguments on /dev/gzvm, VM and vCPU
 * fds, from several threads at once (issue 9).
 *
 * Four threads share a table of gzvm fds.  Each step picks one: create a
 * VM or a vCPU, close an fd, map a vCPU's run area, or issue an ioctl on a
 * random fd of the table -- mostly a gzvm ioctl number, sometimes any --
 * with an argument that is a small number, a pointer to random bytes, a
 * plausible struct (memslots on real mappings, eventfds, capability ids),
 * a bad pointer (NULL, unmapped, kernel) or anything.  Guests run whatever
 * the random memory holds; a fifth thread interrupts every RUN after a few
 * milliseconds with a signal.  An fd is closed only while no ioctl uses it
 * (a rwlock), so the numbers never name a file that is not ours.
 *
 * The test passes when the host is still here, every fd was closed, the
 * hypervisor's pool, lent and donated memory and the VMM's locked memory
 * are back to their start values, and a fresh VM still runs a guest.  It
 * counts the ioctls and their errno values.  GZVM_SELFTEST_IOCTLS sets the
 * number of steps per thread (default 5000, 100000 with
 * GZVM_SELFTEST_DEEP=1); GZVM_SELFTEST_SEED the seed (default: the time,
 * printed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "lib/gzvm_util.h"


#define THREADS		4
#define MAX_FDS		24
#define SLOT_SIZE	(2UL << 20)
#define NR_BACKING	4
#define ARG_BUF_SIZE	8192	/* >= sizeof(struct gzvm_vcpu_run) */
_Static_assert(sizeof(struct gzvm_vcpu_run) <= ARG_BUF_SIZE, "RUN copies the run struct out");

enum fd_kind { FD_NONE, FD_VM, FD_VCPU };

static struct {
	pthread_rwlock_t lock;	/* read: using an fd; write: changing the table */
	int fd[MAX_FDS];
	enum fd_kind kind[MAX_FDS];
} table;

static int dev_fd;
static void *backing[NR_BACKING];	/* memslot candidates, SLOT_SIZE each */
static atomic_long ioctls, successes, runs, errnos[134];
static atomic_bool stop;

static const unsigned long gzvm_ioctls[] = {
	GZVM_GET_API_VERSION, GZVM_CREATE_VM, GZVM_CHECK_EXTENSION, GZVM_SET_MEMORY_REGION,
	GZVM_CREATE_VCPU, GZVM_SET_USER_MEMORY_REGION, GZVM_CREATE_IRQCHIP, GZVM_IRQ_LINE,
	GZVM_IRQFD, GZVM_IOEVENTFD, GZVM_ENABLE_CAP, GZVM_CREATE_DEVICE, GZVM_SET_DTB_CONFIG,
	GZVM_RUN, GZVM_GET_ONE_REG, GZVM_SET_ONE_REG,
};
/* the ioctls of a VM fd and of a vCPU fd */
static const unsigned long vm_ioctls[] = {
	GZVM_SET_USER_MEMORY_REGION, GZVM_SET_USER_MEMORY_REGION, GZVM_CREATE_VCPU, GZVM_IRQ_LINE,
	GZVM_IRQFD, GZVM_IOEVENTFD, GZVM_ENABLE_CAP, GZVM_CREATE_DEVICE, GZVM_SET_DTB_CONFIG,
	GZVM_CHECK_EXTENSION,
};
static const unsigned long vcpu_ioctls[] = {
	GZVM_RUN, GZVM_RUN, GZVM_GET_ONE_REG, GZVM_SET_ONE_REG, GZVM_SET_ONE_REG,
};

static uint64_t rnd(unsigned int *seed)
{
	return (uint64_t)rand_r(seed) << 33 ^ (uint64_t)rand_r(seed) << 11 ^ rand_r(seed);
}

#define PICK(seed, arr) ((arr)[rnd(seed) % (sizeof(arr) / sizeof((arr)[0]))])

/* A value a field might hold: mostly near the edges a driver checks. */
static uint64_t field(unsigned int *seed)
{
	static const uint64_t edges[] = {
		0, 1, 2, 3, 7, 8, 31, 32, 0xfff, 0x1000, 0x200000, GUEST_RAM_GPA,
		GUEST_RAM_GPA + 0x1000, 0x40000000, 1ULL << 40, 1ULL << 48, ~0ULL, ~0ULL - 0xfff,
		0x7fffffff, 0x80000000, GZVM_CAP_PROTECTED_VM, GZVM_CAP_VM_GPA_SIZE, 0x9201,
		0x9205, GZVM_REG_ARM64_PC, GZVM_REG_ARM64_PSTATE, GZVM_REG_ARM64_X(0),
	};

	switch (rnd(seed) % 4) {
	case 0: return rnd(seed) % 64;
	case 1: return PICK(seed, edges);
	case 2: return rnd(seed) & ~0xfffULL;
	default: return rnd(seed);
	}
}

/*
 * The argument of an ioctl: a number, or a buffer the kernel copies in
 * (random bytes, or fields that might pass its checks), or a bad pointer.
 */
static unsigned long argument(unsigned int *seed, unsigned long nr, uint64_t *buf, int eventfd)
{
	static const unsigned long bad[] = { 0, 1, 0xfff, 0xffff000000000000UL, 0x10UL << 40 };

	switch (rnd(seed) % 8) {
	case 0: return field(seed);
	case 1: return PICK(seed, bad);
	case 2:
		for (int i = 0; i < 8; i++)
			buf[i] = rnd(seed);
		return (unsigned long)buf;
	default:
		break;
	}
	for (int i = 0; i < 8; i++)
		buf[i] = field(seed);
	if (nr == GZVM_SET_USER_MEMORY_REGION) {
		struct gzvm_userspace_memory_region *m = (void *)buf;

		m->slot = rnd(seed) % 5;
		m->flags = rnd(seed) % 4 ? 0 : (uint32_t)field(seed);
		m->guest_phys_addr = GUEST_RAM_GPA + (rnd(seed) % 8) * SLOT_SIZE;
		m->memory_size = rnd(seed) % 4 ? SLOT_SIZE : field(seed);
		m->userspace_addr = (uint64_t)backing[rnd(seed) % NR_BACKING] +
				    (rnd(seed) % 4 ? 0 : field(seed) % SLOT_SIZE);
	} else if (nr == GZVM_IRQFD || nr == GZVM_IOEVENTFD) {
		((uint32_t *)buf)[rnd(seed) % 2 ? 0 : 4] = eventfd;
	} else if (nr == GZVM_RUN) {
		/* the driver refuses a run struct with padding or immediate_exit set */
		memset(buf, 0, 64);
	} else if (nr == GZVM_GET_ONE_REG || nr == GZVM_SET_ONE_REG) {
		static const uint64_t regs[] = {
			GZVM_REG_ARM64_PC, GZVM_REG_ARM64_PSTATE, GZVM_REG_ARM64_X(0),
			GZVM_REG_ARM64_X(30), GZVM_REG_ARM64_SP, GZVM_REG_ARM64_FPSR,
			GZVM_REG_ARM64_SYSREG_ID(3, 0, 12, 0, 0),
		};
		struct gzvm_one_reg *r = (void *)buf;

		r->id = rnd(seed) % 4 ? PICK(seed, regs) : field(seed);
		r->addr = rnd(seed) % 4 ? (uint64_t)&buf[4] : field(seed);
		/* a PC in the slots, often: the guest runs the random memory */
		buf[4] = r->id == GZVM_REG_ARM64_PC && rnd(seed) % 2 ?
			 GUEST_RAM_GPA + (rnd(seed) % (4 * SLOT_SIZE) & ~3ULL) : field(seed);
	} else if (nr == GZVM_CHECK_EXTENSION) {
		buf[0] = rnd(seed) % 2 ? GZVM_CAP_PROTECTED_VM : GZVM_CAP_VM_GPA_SIZE;
	}
	return (unsigned long)buf;
}

/* Put fd into a free entry, or close it if the table is full. */
static void table_add(int fd, enum fd_kind kind)
{
	pthread_rwlock_wrlock(&table.lock);
	for (int i = 0; i < MAX_FDS; i++) {
		if (table.kind[i] == FD_NONE) {
			table.fd[i] = fd;
			table.kind[i] = kind;
			fd = -1;
			break;
		}
	}
	pthread_rwlock_unlock(&table.lock);
	if (fd >= 0)
		close(fd);
}

static void table_close(int i)
{
	pthread_rwlock_wrlock(&table.lock);
	if (table.kind[i] != FD_NONE) {
		close(table.fd[i]);
		table.kind[i] = FD_NONE;
	}
	pthread_rwlock_unlock(&table.lock);
}

static void count(long ret)
{
	atomic_fetch_add(&ioctls, 1);
	if (ret >= 0)
		atomic_fetch_add(&successes, 1);
	else if (errno > 0 && errno < 134)
		atomic_fetch_add(&errnos[errno], 1);
}

/* One step on fd (a VM's or a vCPU's): a vCPU fd it created, or -1. */
static int step_on(unsigned int *seed, int fd, enum fd_kind kind, uint64_t *buf, int eventfd)
{
	unsigned int what = rnd(seed) % 16, pick = rnd(seed) % 8;
	unsigned long nr;
	long ret;

	if (pick < 6)
		nr = kind == FD_VM ? PICK(seed, vm_ioctls) : PICK(seed, vcpu_ioctls);
	else
		nr = pick == 6 ? PICK(seed, gzvm_ioctls) : (unsigned long)rnd(seed);
	if (kind == FD_VM && what < 2)
		nr = GZVM_CREATE_VCPU;

	if (kind == FD_VCPU && what < 2) {
		size_t len = (rnd(seed) % 3 + 1) * 4096;
		void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			       rnd(seed) % 4 ? 0 : field(seed) & ~0xfffULL);

		if (p != MAP_FAILED) {
			((volatile uint8_t *)p)[0] = (uint8_t)rnd(seed);
			munmap(p, len);
		}
		return -1;
	}
	ret = ioctl(fd, nr, nr == GZVM_CREATE_VCPU && what < 2 ? rnd(seed) % 10 :
		    argument(seed, nr, buf, eventfd));
	count(ret);
	if (ret == 0 && nr == GZVM_RUN)
		atomic_fetch_add(&runs, 1);	/* the guest ran to an exit */
	return ret >= 0 && kind == FD_VM && nr == GZVM_CREATE_VCPU ? (int)ret : -1;
}

static void *worker(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	long steps = gzvm_env_long("GZVM_SELFTEST_IOCTLS", gzvm_deep() ? 100000 : 5000);
	/* room for what the kernel writes back: RUN copies out a whole struct gzvm_vcpu_run */
	uint64_t *buf = aligned_alloc(4096, ARG_BUF_SIZE);
	int eventfd_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	if (!buf)
		return NULL;

	for (long s = 0; s < steps; s++) {
		unsigned int what = rnd(&seed) % 32;
		int i = rnd(&seed) % MAX_FDS;

		if (what == 0) {
			long ret = ioctl(dev_fd, GZVM_CREATE_VM, rnd(&seed) % 8 ? 0 : field(&seed));

			count(ret);
			if (ret >= 0)
				table_add(ret, FD_VM);
		} else if (what < 3) {
			table_close(i);
		} else if (what == 3) {
			unsigned long nr = rnd(&seed) % 2 ? PICK(&seed, gzvm_ioctls) : rnd(&seed);
			long ret = ioctl(dev_fd, nr, argument(&seed, GZVM_CHECK_EXTENSION, buf,
							      eventfd_fd));

			count(ret);
			if (ret >= 0 && nr == GZVM_CREATE_VM)
				table_add(ret, FD_VM);
		} else {
			int vcpu = -1;

			/* the fd stays open (and ours) while the lock is held */
			pthread_rwlock_rdlock(&table.lock);
			if (table.kind[i] != FD_NONE)
				vcpu = step_on(&seed, table.fd[i], table.kind[i], buf, eventfd_fd);
			pthread_rwlock_unlock(&table.lock);
			if (vcpu >= 0)
				table_add(vcpu, FD_VCPU);
		}
	}
	close(eventfd_fd);
	free(buf);
	return NULL;
}

static void on_kick(int sig) { (void)sig; }

/* Interrupt every thread's RUN now and then: a random guest may never exit. */
static void *kicker(void *arg)
{
	pthread_t *threads = arg;
	double t0 = gzvm_now(), next = 30;

	while (!atomic_load(&stop)) {
		usleep(5000);
		for (int t = 0; t < THREADS; t++)
			pthread_kill(threads[t], SIGUSR1);
		/* a sign of life for the console's stall watchdog on long runs */
		if (gzvm_now() - t0 >= next) {
			gzvm_info("ioctls: %ld ioctls after %.0f s", atomic_load(&ioctls), next);
			next += 30;
		}
	}
	return NULL;
}

static void report_errnos(void)
{
	char line[512];
	int n = 0;

	for (int e = 1; e < 134 && n < (int)sizeof(line) - 32; e++) {
		long c = atomic_load(&errnos[e]);

		if (c)
			n += snprintf(line + n, sizeof(line) - n, " %s %ld", strerrorname_np(e), c);
	}
	gzvm_info("ioctls: %ld ioctls, %ld succeeded (%ld RUNs to an exit); errors:%s",
		  atomic_load(&ioctls), atomic_load(&successes), atomic_load(&runs),
		  n ? line : " none");
}

void test_ioctls(void)
{
	long seed = gzvm_env_long("GZVM_SELFTEST_SEED", (long)time(NULL));
	long vmlck = gzvm_status_kb("VmLck");
	pthread_t threads[THREADS], kick;
	struct sigaction sa = { .sa_handler = on_kick };	/* no SA_RESTART: RUN returns EINTR */
	struct gzvm_hyp_counters hyp;
	double t0 = gzvm_now();
	int open_fds = 0;
	pthread_rwlockattr_t attr;

	gzvm_hyp_counters(&hyp);

	/* glibc prefers readers by default: with 4 threads reading, a close could wait forever */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&table.lock, &attr);
	dev_fd = gzvm_open_dev();
	if (dev_fd < 0) {
		gzvm_tap_fail("ioctls: set-up", "/dev/gzvm: %s", strerror(errno));
		return;
	}
	for (int i = 0; i < NR_BACKING; i++) {
		unsigned int fill = (unsigned int)seed + i;

		backing[i] = gzvm_mem_map(SLOT_SIZE, i % 2);
		/* guests execute what is there: random words, and zeros (UDF) in the others */
		for (size_t w = 0; backing[i] && i < 2 && w < SLOT_SIZE / 4; w++)
			((uint32_t *)backing[i])[w] = (uint32_t)rnd(&fill);
	}
	sigaction(SIGUSR1, &sa, NULL);
	gzvm_info("ioctls: seed %ld (GZVM_SELFTEST_SEED to replay), %d threads", seed, THREADS);
	for (int t = 0; t < THREADS; t++)
		pthread_create(&threads[t], NULL, worker, (void *)(uintptr_t)(seed + t));
	pthread_create(&kick, NULL, kicker, threads);
	for (int t = 0; t < THREADS; t++)
		pthread_join(threads[t], NULL);
	atomic_store(&stop, true);
	pthread_join(kick, NULL);
	signal(SIGUSR1, SIG_DFL);

	for (int i = 0; i < MAX_FDS; i++) {
		open_fds += table.kind[i] != FD_NONE;
		table_close(i);
	}
	close(dev_fd);
	for (int i = 0; i < NR_BACKING; i++)
		if (backing[i])
			gzvm_mem_unmap(backing[i], SLOT_SIZE);
	report_errnos();
	gzvm_info("ioctls: %.1f s; %d VM/vCPU fds were open at the end", gzvm_now() - t0, open_fds);
	gzvm_tap_check(atomic_load(&ioctls) > 0 && atomic_load(&successes) > 0,
		       "ioctls: the random ioctls ran, and some succeeded", "%ld ioctls, %ld succeeded",
		       atomic_load(&ioctls), atomic_load(&successes));
	gzvm_check_hyp_counters("ioctls", &hyp);
	gzvm_tap_check(gzvm_status_kb("VmLck") == vmlck, "ioctls: the VMM's locked memory back to the start",
		       "VmLck %ld -> %ld kB", vmlck, gzvm_status_kb("VmLck"));
	gzvm_check_fresh_vm("ioctls");
}
