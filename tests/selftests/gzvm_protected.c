// SPDX-License-Identifier: GPL-2.0
/*
 * protected: the attack suite of a protected VM.
 *
 * A guest fills pages of its RAM with a known secret and exits.  Its RAM is
 * shared anonymous memory, so other processes can map the same pages.  The
 * host then tries every way it has to read them:
 *
 *   - the VMM reads its own mapping                        (SIGBUS)
 *   - another process reads its mapping of the same pages  (killed by SIGBUS)
 *   - the kernel reads them by uaccess: write(pipe, ram)   (EFAULT)
 *   - the kernel reads them through its linear map         (faults: a peek
 *     by gzvm_hosttest.ko at the physical address from /proc/self/pagemap)
 *   - another VM maps the same memory and reads it         (never the secret)
 *   - GET_ONE_REG / SET_ONE_REG of the vCPU                (EPERM)
 *
 * and after the VM is closed, and after its VMM is killed by SIGKILL, every
 * page reads as zero.  A guest that shares one page (MEM_SHARE) shows it
 * to the VMM, and only it, until it takes it back (MEM_UNSHARE).  The guest is a payload signed at build time with a
 * key the hypervisor was booted with (pvm_key=): it reads its measurement
 * from the hypervisor, and the same payload changed in one byte, or not
 * named at all, is refused at the first RUN.  The same attacks on a plain (not protected) VM are
 * the control: each of them reads the secret, so the test shows the
 * difference and not a broken read.  Nothing is leaked: the hypervisor's
 * pool, lent and donated memory and the VMM's locked memory come back.
 *
 * Not attacked, because they would take the host kernel down rather than
 * read anything (see docs/protected-vms.md): /proc/PID/mem of the VMM, core
 * dumps, and fork() of a VMM whose protected memory is private.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gzvm_util.h"

void test_protected(void);
/*
 * For other tests: start a protected VM that wrote the secret to its 4
 * pages (their physical addresses in pas[0..*n)); NULL or why not.
 */
const char *protected_victim_start(uint64_t *pas, int max, int *n);
/* Close it; *still_donated: the host kernel could not read it just before. NULL: its RAM reads zero. */
const char *protected_victim_stop(bool *still_donated);
/* The secret guest's signed payload (for a kernel module to seal a VM of its own); NULL or why not. */
const char *protected_secret_payload(const uint8_t **bytes, size_t *len);

GUEST_DECLARE(peek);

#define SLOT_SIZE	(2UL << 20)
#define SECRET_OFF	0x100000UL	/* the secret pages, after the code */
#define SECRET_PAGES	4
#define SECRET		0x5ec7e75ec7e75ec7ULL
#define OTHER_GPA	0x90000000ULL	/* where a second VM maps the same memory */
#define HOSTTEST_KO	"/lib/gzvm/gzvm_hosttest.ko"

struct victim {
	bool protected;
	const char *label;
	const struct payload *payload;	/* NULL: the secret guest */
	long flip;		/* change this byte of the loaded payload (-1: none) */
	bool unsigned_payload;	/* name no payload in ENABLE_CAP */
	struct gzvm_vm vm;
	struct gzvm_vcpu vcpu;
	void *ram;		/* shared anonymous, SLOT_SIZE bytes */
	volatile uint64_t *secret;
	int run_errno;		/* of a failed RUN */
	uint64_t answer[5];	/* what the guest stored to UCALL_ADDR + 8..40 */
};

static const char *check_name(const struct victim *v, const char *what)
{
	return gzvm_fmt("protected: %s VM: %s", v->label, what);
}

/* A signed guest (tests/selftests/Makefile: pvm/<name>.signed) and its digest. */
struct payload {
	uint8_t bytes[8192];
	size_t len;
	uint8_t digest[32];
};

static struct payload secret_payload, guard_payload, share_payload;

static const char *pvm_dir(void)
{
	const char *d = getenv("GZVM_SELFTEST_PVM_DIR");

	return d ? d : "/lib/gzvm/pvm";
}

static const char *load_payload(struct payload *p, const char *name)
{
	char hex[80];
	FILE *f = fopen(gzvm_fmt("%s/%s.signed", pvm_dir(), name), "rb");

	if (!f)
		return gzvm_fmt("%s/%s.signed: %s", pvm_dir(), name, strerror(errno));
	p->len = fread(p->bytes, 1, sizeof(p->bytes), f);
	fclose(f);
	f = fopen(gzvm_fmt("%s/%s.digest", pvm_dir(), name), "r");
	if (!f)
		return gzvm_fmt("%s/%s.digest: %s", pvm_dir(), name, strerror(errno));
	if (!fgets(hex, sizeof(hex), f))
		hex[0] = 0;
	fclose(f);
	for (int i = 0; i < 32; i++) {
		unsigned int b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return gzvm_fmt("%s.digest: not 64 hex digits", name);
		p->digest[i] = (uint8_t)b;
	}
	return p->len > 72 && p->len < sizeof(p->bytes) ? NULL : gzvm_fmt("%s.signed: bad size", name);
}

static int enable_protected(struct gzvm_vm *vm, uint64_t gpa, uint64_t size)
{
	struct gzvm_enable_cap cap = {
		.cap = GZVM_CAP_PROTECTED_VM,
		.args = { GZVM_CAP_PVM_SET_PROTECTED_VM, gpa, size },
	};

	return ioctl(vm->fd, GZVM_ENABLE_CAP, &cap) ? -errno : 0;
}

/* Run until the guest's SYNC, keeping the x0..x4 it stores to UCALL_ADDR + 8..40. */
static const char *run_to_sync(struct victim *v)
{
	struct gzvm_vcpu_run *run = v->vcpu.run;

	for (int i = 0; i < 8; i++) {
		uint64_t pa, val;
		int r = gzvm_vcpu_run(&v->vcpu);

		if (r) {
			v->run_errno = -r;
			return gzvm_fmt("GZVM_RUN failed: %s", strerror(-r));
		}
		if (run->exit_reason != GZVM_EXIT_MMIO || !run->mmio.is_write)
			return gzvm_fmt("unexpected exit: %s", gzvm_exit_str(&v->vcpu));
		pa = run->mmio.phys_addr;
		memcpy(&val, run->mmio.data, sizeof(val));
		if (pa >= UCALL_ADDR + 8 && pa <= UCALL_ADDR + 40) {
			v->answer[(pa - UCALL_ADDR) / 8 - 1] = val;
		} else if (gzvm_is_ucall(&v->vcpu) && val == UCALL_SYNC) {
			return NULL;
		} else {
			return gzvm_fmt("unexpected exit: %s", gzvm_exit_str(&v->vcpu));
		}
	}
	return "no SYNC after 8 exits";
}

/*
 * Build the VM on memory at v->ram (mapped by the caller), load the signed
 * payload and run it until it has written the secret.  NULL or why not.
 */
static const char *victim_run(struct victim *v)
{
	const struct payload *p = v->payload ? v->payload : &secret_payload;
	int r = gzvm_vm_create(&v->vm);

	if (r)
		return gzvm_fmt("CREATE_VM: %s", strerror(-r));
	if (!gzvm_vm_add_mem_at(&v->vm, 0, GUEST_RAM_GPA, SLOT_SIZE, v->ram))
		return gzvm_fmt("SET_USER_MEMORY_REGION: %s", strerror(errno));
	memcpy(v->ram, p->bytes, p->len);
	if (v->flip >= 0)
		((uint8_t *)v->ram)[v->flip] ^= 0x10;
	if (v->protected &&
	    (r = enable_protected(&v->vm, GUEST_RAM_GPA, v->unsigned_payload ? 0 : p->len)))
		return gzvm_fmt("ENABLE_CAP(PROTECTED_VM, SET_PROTECTED_VM): %s", strerror(-r));
	r = gzvm_vcpu_create(&v->vm, 0, &v->vcpu, GUEST_RAM_GPA);
	if (!r)
		r = gzvm_set_reg(&v->vcpu, REG_X(0), GUEST_RAM_GPA + SECRET_OFF);
	if (!r)
		r = gzvm_set_reg(&v->vcpu, REG_X(1), SECRET);
	if (!r)
		r = gzvm_set_reg(&v->vcpu, REG_X(2), SECRET_PAGES);
	if (r)
		return gzvm_fmt("vCPU set-up: %s", strerror(-r));
	return run_to_sync(v);
}

/* The victim's RAM: shared anonymous, so that another process can map it too. */
static bool victim_map(struct victim *v)
{
	v->ram = gzvm_mem_map(SLOT_SIZE, true);
	if (!v->ram) {
		gzvm_tap_fail(check_name(v, "set-up"), "mmap: %s", strerror(errno));
		return false;
	}
	v->secret = (volatile uint64_t *)((char *)v->ram + SECRET_OFF);
	return true;
}

static void victim_close(struct victim *v)
{
	gzvm_vcpu_close(&v->vcpu);
	gzvm_vm_destroy(&v->vm);	/* v->ram stays mapped */
}

/* ---- the attacks: each true when it read the secret ---- */

static sigjmp_buf sigbus_jump;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(sigbus_jump, 1);
}

/* Read a word of our own mapping; false (and *sigbus) if the access faulted. */
static bool read_own(volatile uint64_t *p, uint64_t *val, bool *sigbus)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	bool ok = false;

	sigaction(SIGBUS, &sa, &old);
	*sigbus = true;
	if (!sigsetjmp(sigbus_jump, 1)) {
		*val = *p;
		*sigbus = false;
		ok = true;
	}
	sigaction(SIGBUS, &old, NULL);
	return ok;
}

static void attack_own_mapping(struct victim *v)
{
	uint64_t val = 0;
	bool sigbus;
	bool read = read_own(v->secret, &val, &sigbus) && val == SECRET;

	if (v->protected)
		gzvm_tap_check(!read && sigbus, check_name(v, "the VMM reading its own mapping gets SIGBUS"),
			       "read 0x%llx", (unsigned long long)val);
	else
		gzvm_tap_check(read, check_name(v, "the VMM reads the secret in its own mapping"),
			       "%s 0x%llx", sigbus ? "SIGBUS" : "read", (unsigned long long)val);
}

static void attack_other_process(struct victim *v)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0)
		_exit(*v->secret == SECRET ? 0 : 1);
	waitpid(pid, &status, 0);
	if (v->protected)
		gzvm_tap_check(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS,
			       check_name(v, "another process reading the same pages is killed by SIGBUS"),
			       "wait status 0x%x", status);
	else
		gzvm_tap_check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			       check_name(v, "another process reads the secret in the same pages"),
			       "wait status 0x%x", status);
}

static void attack_uaccess(struct victim *v)
{
	int p[2];
	ssize_t n;
	uint64_t got = 0;
	int e;

	if (pipe(p)) {
		gzvm_tap_fail(check_name(v, "write(pipe, guest RAM)"), "pipe: %s", strerror(errno));
		return;
	}
	n = write(p[1], (const void *)v->secret, 4096);
	e = errno;
	if (n > 0 && read(p[0], &got, sizeof(got)) != (ssize_t)sizeof(got))
		got = 0;
	close(p[0]);
	close(p[1]);
	if (v->protected)
		gzvm_tap_check(n < 0 && e == EFAULT,
			       check_name(v, "the kernel copying the pages from user space (write to a pipe) gets EFAULT"),
			       "write returned %zd (%s), first word 0x%llx", n, n < 0 ? strerror(e) : "data",
			       (unsigned long long)got);
	else
		gzvm_tap_check(n == 4096 && got == SECRET,
			       check_name(v, "the kernel copies the secret from user space (write to a pipe)"),
			       "write returned %zd (%s), first word 0x%llx", n, n < 0 ? strerror(e) : "data",
			       (unsigned long long)got);
}

/* Physical address of a page of ours (/proc/self/pagemap), 0 if unknown. */
static uint64_t phys_addr_of(volatile void *p)
{
	uint64_t entry = 0, vpn = (uint64_t)(uintptr_t)p / 4096;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &entry, sizeof(entry), (off_t)(vpn * sizeof(entry))) != (ssize_t)sizeof(entry))
		entry = 0;
	close(fd);
	/* bit 63: present; bits 54..0: the frame (0 without CAP_SYS_ADMIN) */
	if (!(entry >> 63) || !(entry & ((1ULL << 55) - 1)))
		return 0;
	return (entry & ((1ULL << 55) - 1)) * 4096 + ((uint64_t)(uintptr_t)p & 4095);
}

/*
 * Load gzvm_hosttest.ko in peek mode: it reads the word at pa through the
 * kernel's linear map.  1 read (*val), 2 faulted, other: could not peek.
 */
static long kernel_peek(uint64_t pa, uint64_t *val, const char **why)
{
	const char *params = gzvm_fmt("peek_pa=0x%llx", (unsigned long long)pa);
	int fd = open(HOSTTEST_KO, O_RDONLY | O_CLOEXEC);
	long status;

	if (fd < 0) {
		*why = gzvm_fmt("%s: %s", HOSTTEST_KO, strerror(errno));
		return -1;
	}
	if (syscall(SYS_finit_module, fd, params, 0)) {
		*why = gzvm_fmt("finit_module: %s", strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	status = gzvm_read_long("/sys/module/gzvm_hosttest/parameters/peek_status");
	*val = (uint64_t)gzvm_read_long("/sys/module/gzvm_hosttest/parameters/peek_value");
	if (syscall(SYS_delete_module, "gzvm_hosttest", O_NONBLOCK))
		gzvm_info("protected: delete_module(gzvm_hosttest): %s", strerror(errno));
	*why = gzvm_fmt("peek status %ld, value 0x%llx", status, (unsigned long long)*val);
	return status;
}

static void attack_kernel_linear_map(struct victim *v)
{
	uint64_t pa = phys_addr_of(v->secret), val = 0;
	const char *why = "no physical address in /proc/self/pagemap";
	long status = pa ? kernel_peek(pa, &val, &why) : -1;

	if (v->protected)
		gzvm_tap_check(status == 2,
			       check_name(v, "a kernel module reading the pages through the linear map faults"),
			       "%s", why);
	else
		gzvm_tap_check(status == 1 && val == SECRET,
			       check_name(v, "a kernel module reads the secret through the linear map"),
			       "%s", why);
}

/* A second VM maps the same memory at OTHER_GPA and its guest loads the secret. */
static void attack_other_vm(struct victim *v)
{
	struct gzvm_vm vm;
	struct gzvm_vcpu vcpu = { .fd = -1 };
	const char *what = "set-up failed";
	uint64_t val = 0;
	bool read = false;
	int r = gzvm_vm_create(&vm);

	if (r) {
		gzvm_tap_fail(check_name(v, "second VM"), "CREATE_VM: %s", strerror(-r));
		return;
	}
	if (gzvm_vm_add_mem(&vm, 0, GUEST_RAM_GPA, 64 << 10) && !GUEST_LOAD(&vm, GUEST_RAM_GPA, peek) &&
	    !gzvm_vcpu_create(&vm, 0, &vcpu, GUEST_RAM_GPA) &&
	    !gzvm_set_reg(&vcpu, REG_X(0), OTHER_GPA + SECRET_OFF)) {
		if (!gzvm_vm_add_mem_at(&vm, 1, OTHER_GPA, SLOT_SIZE, v->ram)) {
			what = gzvm_fmt("SET_USER_MEMORY_REGION refused: %s", strerror(errno));
		} else {
			r = gzvm_vcpu_run(&vcpu);
			if (r) {
				what = gzvm_fmt("GZVM_RUN failed: %s", strerror(-r));
			} else if (gzvm_is_ucall(&vcpu)) {
				memcpy(&val, vcpu.run->mmio.data, sizeof(val));
				read = val == SECRET;
				what = gzvm_fmt("the guest loaded 0x%llx", (unsigned long long)val);
			} else {
				what = gzvm_exit_str(&vcpu);
			}
		}
	}
	gzvm_info("protected: %s VM: second VM on the same memory: %s", v->label, what);
	if (v->protected)
		gzvm_tap_check(!read, check_name(v, "a second VM mapping the same memory cannot read it"),
			       "%s", what);
	else
		gzvm_tap_check(read, check_name(v, "a second VM mapping the same memory reads the secret"),
			       "%s", what);
	gzvm_vcpu_close(&vcpu);
	gzvm_vm_destroy(&vm);
}

static void attack_registers(struct victim *v)
{
	uint64_t val = 0;
	int get = gzvm_get_reg(&v->vcpu, REG_X(1), &val);
	int set = gzvm_set_reg(&v->vcpu, REG_PC, GUEST_RAM_GPA);

	if (v->protected)
		gzvm_tap_check(get == -EPERM && set == -EPERM,
			       check_name(v, "GET_ONE_REG and SET_ONE_REG after the first run fail with EPERM"),
			       "get %d (x1 0x%llx), set %d", get, (unsigned long long)val, set);
	else
		gzvm_tap_check(!get && val == SECRET && !set,
			       check_name(v, "GET_ONE_REG reads the secret from x1, SET_ONE_REG works"),
			       "get %d (x1 0x%llx), set %d", get, (unsigned long long)val, set);
}

/* ---- after the VM ---- */

/* Every word of the slot zero (and readable)?  Else where it is not. */
static const char *all_zero(const void *ram)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	const char *why = NULL;
	volatile size_t off = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(sigbus_jump, 1)) {
		why = gzvm_fmt("SIGBUS at offset 0x%zx", (size_t)off);
	} else {
		for (; off < SLOT_SIZE; off += 8) {
			uint64_t val = *(const volatile uint64_t *)((const char *)ram + off);

			if (val) {
				why = gzvm_fmt("0x%llx at offset 0x%zx", (unsigned long long)val,
					       (size_t)off);
				break;
			}
		}
	}
	sigaction(SIGBUS, &old, NULL);
	return why;
}

static long donated_bytes(void)
{
	struct gzvm_hyp_counters c;

	gzvm_hyp_counters(&c);
	return c.donated;
}

static void round_trip(bool protect)
{
	struct victim v = { .protected = protect, .label = protect ? "protected" : "plain", .flip = -1 };
	const char *why;
	long donated;

	if (!victim_map(&v))
		return;
	why = victim_run(&v);
	if (!gzvm_tap_check(!why, check_name(&v, "the guest wrote its secret and exited to the VMM"),
			    "%s", why)) {
		victim_close(&v);
		gzvm_mem_unmap(v.ram, SLOT_SIZE);
		return;
	}
	donated = donated_bytes();
	if (protect)
		gzvm_tap_check(donated >= SECRET_PAGES * 4096L,
			       check_name(&v, "its pages are donated (debugfs hyp_donated_mem)"),
			       "hyp_donated_mem %ld", donated);
	else
		gzvm_tap_check(donated == 0, check_name(&v, "nothing is donated (debugfs hyp_donated_mem)"),
			       "hyp_donated_mem %ld", donated);
	if (protect)
		gzvm_tap_check(v.answer[0] == 0 && !memcmp(&v.answer[1], secret_payload.digest, 32),
			       check_name(&v, "the guest reads its measurement from the hypervisor: the payload's SHA-256"),
			       "x0 %lld, x1 0x%016llx", (long long)v.answer[0],
			       (unsigned long long)v.answer[1]);
	else
		gzvm_tap_check(v.answer[0] == (uint64_t)-1,
			       check_name(&v, "the guest has no measurement (the hypercall returns -1)"),
			       "x0 %lld", (long long)v.answer[0]);
	attack_registers(&v);
	attack_own_mapping(&v);
	attack_other_process(&v);
	attack_uaccess(&v);
	attack_kernel_linear_map(&v);
	attack_other_vm(&v);

	victim_close(&v);
	why = all_zero(v.ram);
	if (protect)
		gzvm_tap_check(!why, check_name(&v, "after close, every page of its RAM reads as zero"),
			       "%s", why);
	else
		gzvm_tap_check(*v.secret == SECRET,
			       check_name(&v, "after close, the VMM's memory still holds the secret"),
			       "first word 0x%llx", (unsigned long long)*v.secret);
	gzvm_mem_unmap(v.ram, SLOT_SIZE);
}

/* A child VMM runs a protected guest that writes the secret and is killed. */
static void killed_vmm(void)
{
	const char *name = "protected: after SIGKILL of its VMM, every page of the VM's RAM reads as zero";
	void *ram = gzvm_mem_map(SLOT_SIZE, true);
	int p[2], status = 0;
	char c = 0;
	pid_t pid;
	const char *why;

	if (!ram || pipe(p)) {
		gzvm_tap_fail(name, "set-up: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		struct victim v = { .protected = true, .label = "killed", .ram = ram, .flip = -1 };

		close(p[0]);
		why = victim_run(&v);
		if (why)
			fprintf(stderr, "gzvm-selftest: protected: child VMM: %s\n", why);
		if (write(p[1], why ? "n" : "y", 1) != 1)
			_exit(1);
		pause();
		_exit(2);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		c = 0;
	close(p[0]);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	why = c == 'y' ? all_zero(ram) : "the child VMM's guest did not run";
	gzvm_tap_check(!why && WIFSIGNALED(status), name, "%s (child status 0x%x)", why ? why : "",
		       status);
	gzvm_mem_unmap(ram, SLOT_SIZE);
}

/* A payload changed after signing, or none at all, never runs. */
static void refused(const char *what, long flip, bool unsigned_payload)
{
	struct victim v = { .protected = true, .label = what, .flip = flip,
			    .unsigned_payload = unsigned_payload };
	const char *why;

	if (!victim_map(&v))
		return;
	why = victim_run(&v);
	/* not sealed: the pages are the host's again, and the guest never wrote them */
	gzvm_tap_check(v.run_errno == EPERM && *v.secret == 0,
		       check_name(&v, "its first RUN fails with EPERM and nothing ran"),
		       "%s; secret word 0x%llx", why ? why : "the guest ran",
		       (unsigned long long)*v.secret);
	victim_close(&v);
	gzvm_mem_unmap(v.ram, SLOT_SIZE);
}

/* The guest enrolls in the MMIO guard: MMIO it did not name is an abort in the guest. */
static void mmio_guard(void)
{
	struct victim v = { .protected = true, .label = "guarded", .payload = &guard_payload,
			    .flip = -1 };
	const char *why;

	if (!victim_map(&v))
		return;
	why = victim_run(&v);
	gzvm_tap_check(!why && v.answer[0] == 0 && v.answer[1] == 0,
		       check_name(&v, "enrolls in the MMIO guard and names the ucall page"),
		       "%s; enroll %lld, map %lld", why ? why : "ran", (long long)v.answer[0],
		       (long long)v.answer[1]);
	gzvm_tap_check(!why && (v.answer[2] >> 26) == 0x25 && v.answer[3] == TEST_MMIO_GPA,
		       check_name(&v, "a store to MMIO it did not name is a data abort in the guest (EC 0x25, FAR), not an exit"),
		       "%s; ESR 0x%llx FAR 0x%llx (0xbad: the store went through)",
		       why ? why : "ran", (unsigned long long)v.answer[2],
		       (unsigned long long)v.answer[3]);
	victim_close(&v);
	gzvm_mem_unmap(v.ram, SLOT_SIZE);
}

/*
 * The guest shares one page of its secret with the host and takes it back:
 * the VMM reads that page (and only it) while it is shared, and faults on
 * it again afterwards.  A plain VM is told its memory is the host's anyway.
 */
static void mem_share(bool protect)
{
	struct victim v = { .protected = protect, .label = protect ? "sharing" : "plain sharing",
			    .payload = &share_payload, .flip = -1 };
	uint64_t first = 0, second = 0;
	bool bus_first = false, bus_second = false;
	const char *why;

	if (!victim_map(&v))
		return;
	why = victim_run(&v);
	if (!protect) {
		gzvm_tap_check(!why && (int64_t)v.answer[0] == -1,
			       check_name(&v, "MEM_SHARE answers -1 (NOT_SUPPORTED): its memory is the host's"),
			       "%s; MEM_SHARE %lld", why ? why : "ran", (long long)v.answer[0]);
		goto out;
	}
	gzvm_tap_check(!why && v.answer[0] == 0, check_name(&v, "MEM_SHARE of its first page answers 0"),
		       "%s; MEM_SHARE %lld", why ? why : "ran", (long long)v.answer[0]);
	read_own(v.secret, &first, &bus_first);
	read_own(v.secret + 512, &second, &bus_second);
	gzvm_tap_check(!bus_first && first == SECRET,
		       check_name(&v, "the VMM reads the page the guest shared"),
		       "%s, 0x%llx", bus_first ? "SIGBUS" : "read", (unsigned long long)first);
	gzvm_tap_check(bus_second, check_name(&v, "the VMM still faults on the pages it did not share"),
		       "read 0x%llx", (unsigned long long)second);
	why = why ? why : run_to_sync(&v);
	bus_first = false;
	read_own(v.secret, &first, &bus_first);
	gzvm_tap_check(!why && v.answer[1] == 0 && bus_first,
		       check_name(&v, "after MEM_UNSHARE (0) the VMM faults on that page again, never sees the new word"),
		       "%s; MEM_UNSHARE %lld; %s 0x%llx", why ? why : "ran", (long long)v.answer[1],
		       bus_first ? "SIGBUS" : "read", (unsigned long long)first);
out:
	victim_close(&v);
	why = all_zero(v.ram);
	if (protect)
		gzvm_tap_check(!why, check_name(&v, "after close every page reads zero, the shared one too"),
			       "%s", why ? why : "");
	gzvm_mem_unmap(v.ram, SLOT_SIZE);
}

void test_protected(void)
{
	long vmlck = gzvm_status_kb("VmLck");
	struct gzvm_hyp_counters hyp;
	const char *why = load_payload(&secret_payload, "secret");

	gzvm_hyp_counters(&hyp);
	if (!why)
		why = load_payload(&guard_payload, "guard");
	if (!why)
		why = load_payload(&share_payload, "share");
	if (why) {
		gzvm_tap_fail("protected: the signed payloads (tests/selftests/Makefile) are there", "%s", why);
		return;
	}
	round_trip(false);
	round_trip(true);
	refused("tampered", 8, false);
	refused("unsigned", -1, true);
	killed_vmm();
	mmio_guard();
	mem_share(false);
	mem_share(true);
	gzvm_check_hyp_counters("protected", &hyp);
	gzvm_tap_check(gzvm_status_kb("VmLck") == vmlck, "protected: the VMM's locked memory back to the start",
		       "VmLck %ld -> %ld kB", vmlck, gzvm_status_kb("VmLck"));
}

/* ---- for other tests (hvcfuzz): a protected VM holding the secret ---- */

const char *protected_secret_payload(const uint8_t **bytes, size_t *len)
{
	const char *why = secret_payload.len ? NULL : load_payload(&secret_payload, "secret");

	*bytes = secret_payload.bytes;
	*len = why ? 0 : secret_payload.len;
	return why;
}

static struct victim lent_victim;

const char *protected_victim_start(uint64_t *pas, int max, int *n)
{
	struct victim *v = &lent_victim;
	const char *why = secret_payload.len ? NULL : load_payload(&secret_payload, "secret");

	*n = 0;
	if (why)
		return why;
	*v = (struct victim){ .protected = true, .label = "other test's", .flip = -1 };
	if (!victim_map(v))
		return "mmap of its RAM failed";
	why = victim_run(v);
	for (int i = 0; !why && i < SECRET_PAGES && *n < max; i++) {
		uint64_t pa = phys_addr_of((volatile char *)v->secret + i * 4096L);

		if (pa)
			pas[(*n)++] = pa;
	}
	if (!why && !*n)
		why = "no physical address in /proc/self/pagemap";
	if (why) {
		victim_close(v);
		gzvm_mem_unmap(v->ram, SLOT_SIZE);
	}
	return why;
}

const char *protected_victim_stop(bool *still_donated)
{
	struct victim *v = &lent_victim;
	uint64_t pa = phys_addr_of(v->secret), val = 0;
	const char *why = "no physical address in /proc/self/pagemap";

	*still_donated = pa && kernel_peek(pa, &val, &why) == 2;
	victim_close(v);
	why = all_zero(v->ram);
	gzvm_mem_unmap(v->ram, SLOT_SIZE);
	return why;
}
