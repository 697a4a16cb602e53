// SPDX-License-Identifier: GPL-2.0
/*
 * gzvm_util: see gzvm_util.h.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "gzvm_util.h"
#include "../guest_abi.h"

#define GUARD	4096UL

int gzvm_tap_failures;
int gzvm_tap_passes;
bool gzvm_verbose;
int gzvm_run_timeout_ms = 20000;

/* ---- TAP ------------------------------------------------------------------ */

void gzvm_tap_ok(const char *name)
{
	printf("GZVM-TAP: ok - selftest: %s\n", name);
	fflush(stdout);
	gzvm_tap_passes++;
}

static void tap_vfail(const char *name, const char *fmt, va_list ap)
{
	char why[512];

	vsnprintf(why, sizeof(why), fmt ? fmt : "", ap);
	/* keep it one line */
	for (char *p = why; *p; p++)
		if (*p == '\n' || *p == '#')
			*p = ' ';
	printf("GZVM-TAP: not ok - selftest: %s # %s\n", name, why);
	fflush(stdout);
	gzvm_tap_failures++;
}

void gzvm_tap_fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vfail(name, fmt, ap);
	va_end(ap);
}

bool gzvm_tap_check(bool cond, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (cond) {
		gzvm_tap_ok(name);
		return true;
	}
	va_start(ap, fmt);
	tap_vfail(name, fmt, ap);
	va_end(ap);
	return false;
}

void gzvm_info(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* one stdio call: a line of another thread cannot land inside it */
	printf("gzvm-selftest: %s\n", line);
	fflush(stdout);
}

const char *gzvm_fmt(const char *fmt, ...)
{
	static __thread char bufs[8][256];
	static __thread unsigned int next;
	char *b = bufs[next++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return b;
}

/* ---- /dev/gzvm, VMs, memory ------------------------------------------------ */

int gzvm_open_dev(void)
{
	return open("/dev/gzvm", O_RDWR | O_CLOEXEC);
}

int gzvm_vm_create(struct gzvm_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->fd = -1;
	vm->dev_fd = gzvm_open_dev();
	if (vm->dev_fd < 0)
		return -errno;
	vm->fd = ioctl(vm->dev_fd, GZVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		int e = errno;

		close(vm->dev_fd);
		vm->dev_fd = -1;
		return -e;
	}
	return 0;
}

void gzvm_vm_destroy(struct gzvm_vm *vm)
{
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->dev_fd >= 0)
		close(vm->dev_fd);
	vm->fd = vm->dev_fd = -1;
	/* the driver unpins on the last close: after that the memory can go */
	for (int i = 0; i < vm->nr_mem; i++) {
		if (vm->mem[i].owned)
			gzvm_mem_unmap(vm->mem[i].hva, vm->mem[i].size);
	}
	vm->nr_mem = 0;
}

void *gzvm_mem_map(size_t size, bool shared)
{
	void *hva, *base;

	/*
	 * Linux merges adjacent anonymous mappings into one VMA, and the
	 * driver wants the VMA to be exactly the slot: reserve a PROT_NONE
	 * guard page on each side, then map the slot between them.
	 */
	base = mmap(NULL, size + 2 * GUARD, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	hva = mmap((char *)base + GUARD, size, PROT_READ | PROT_WRITE,
		   (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (hva == MAP_FAILED) {
		int e = errno;

		munmap(base, size + 2 * GUARD);
		errno = e;
		return NULL;
	}
	return hva;
}

void gzvm_mem_unmap(void *hva, size_t size)
{
	munmap((char *)hva - GUARD, size + 2 * GUARD);
}

struct gzvm_mem *gzvm_vm_add_mem_at(struct gzvm_vm *vm, int slot, uint64_t gpa, size_t size,
				    void *hva)
{
	struct gzvm_userspace_memory_region r = {
		.slot = (uint32_t)slot,
		.flags = GZVM_USER_MEM_REGION_GUEST_MEM,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};
	struct gzvm_mem *m;

	if (vm->nr_mem >= GZVM_MAX_MEM_REGION) {
		errno = ENOSPC;
		return NULL;
	}
	if (ioctl(vm->fd, GZVM_SET_USER_MEMORY_REGION, &r))
		return NULL;
	m = &vm->mem[vm->nr_mem++];
	*m = (struct gzvm_mem){ .slot = slot, .gpa = gpa, .size = size, .hva = hva };
	return m;
}

struct gzvm_mem *gzvm_vm_add_mem(struct gzvm_vm *vm, int slot, uint64_t gpa, size_t size)
{
	void *hva;
	struct gzvm_mem *m;

	if (vm->nr_mem >= GZVM_MAX_MEM_REGION) {
		errno = ENOSPC;
		return NULL;
	}
	hva = gzvm_mem_map(size, false);
	if (!hva)
		return NULL;
	m = gzvm_vm_add_mem_at(vm, slot, gpa, size, hva);
	if (!m) {
		int e = errno;

		gzvm_mem_unmap(hva, size);
		errno = e;
		return NULL;
	}
	m->owned = true;
	return m;
}

void *gzvm_gpa_to_hva(struct gzvm_vm *vm, uint64_t gpa)
{
	for (int i = 0; i < vm->nr_mem; i++) {
		struct gzvm_mem *m = &vm->mem[i];

		if (gpa >= m->gpa && gpa - m->gpa < m->size)
			return (char *)m->hva + (gpa - m->gpa);
	}
	return NULL;
}

int gzvm_vm_load(struct gzvm_vm *vm, uint64_t gpa, const void *start, const void *end)
{
	size_t len = (size_t)((const char *)end - (const char *)start);
	char *dst = gzvm_gpa_to_hva(vm, gpa);

	if (!dst || !gzvm_gpa_to_hva(vm, gpa + len - 1))
		return -1;
	memcpy(dst, start, len);
	__builtin___clear_cache(dst, dst + len);
	return 0;
}

/*
 * The per-VM debugfs directory is named "<pid>-<vmid>"; the VM id is not
 * visible otherwise, so take the @nth_newest (0 = highest id) of ours.
 */
const char *gzvm_vm_debugfs_dir(struct gzvm_vm *vm, int nth_newest)
{
	static char path[128];
	int ids[256], n = 0, pid = getpid();
	struct dirent *d;
	DIR *dir;

	(void)vm;
	dir = opendir("/sys/kernel/debug/gzvm");
	if (!dir)
		return NULL;
	while ((d = readdir(dir)) && n < 256) {
		int p, id;

		if (sscanf(d->d_name, "%d-%d", &p, &id) == 2 && p == pid)
			ids[n++] = id;
	}
	closedir(dir);
	/* sort descending */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (ids[j] > ids[i]) {
				int t = ids[i];

				ids[i] = ids[j];
				ids[j] = t;
			}
	if (nth_newest >= n)
		return NULL;
	snprintf(path, sizeof(path), "/sys/kernel/debug/gzvm/%d-%d", pid, ids[nth_newest]);
	return path;
}

/* ---- vCPUs ------------------------------------------------------------------ */

int gzvm_set_reg(struct gzvm_vcpu *vcpu, uint64_t id, uint64_t val)
{
	struct gzvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&val };

	return ioctl(vcpu->fd, GZVM_SET_ONE_REG, &r) ? -errno : 0;
}

int gzvm_get_reg(struct gzvm_vcpu *vcpu, uint64_t id, uint64_t *val)
{
	struct gzvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)val };

	*val = 0;
	return ioctl(vcpu->fd, GZVM_GET_ONE_REG, &r) ? -errno : 0;
}

uint64_t gzvm_reg(struct gzvm_vcpu *vcpu, uint64_t id)
{
	uint64_t v;

	return gzvm_get_reg(vcpu, id, &v) ? ~0ULL : v;
}

int gzvm_vcpu_create_off(struct gzvm_vm *vm, int id, struct gzvm_vcpu *vcpu)
{
	int ret;

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = ioctl(vm->fd, GZVM_CREATE_VCPU, id);
	if (vcpu->fd < 0)
		return -errno;
	vcpu->run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vcpu->run == MAP_FAILED) {
		ret = -errno;
		close(vcpu->fd);
		return ret;
	}
	return 0;
}

int gzvm_vcpu_create(struct gzvm_vm *vm, int id, struct gzvm_vcpu *vcpu, uint64_t pc)
{
	int ret = gzvm_vcpu_create_off(vm, id, vcpu);

	if (ret)
		return ret;
	/* given a PC before its first run, the vCPU starts powered on */
	ret = gzvm_set_reg(vcpu, REG_PC, pc);
	if (!ret)
		ret = gzvm_set_reg(vcpu, REG_PSTATE, PSTATE_EL1H_MASKED);
	if (!ret)
		ret = gzvm_set_reg(vcpu, REG_X(28), UCALL_ADDR);
	if (ret) {
		gzvm_vcpu_close(vcpu);
		return ret;
	}
	return 0;
}

void gzvm_vcpu_close(struct gzvm_vcpu *vcpu)
{
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	if (vcpu->run && vcpu->run != MAP_FAILED)
		munmap(vcpu->run, 4096);
	vcpu->fd = -1;
	vcpu->run = NULL;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* One watchdog timer per thread, signalling that thread. */
static __thread timer_t run_timer;
static __thread bool run_timer_ok;

static void arm_watchdog(int ms)
{
	struct itimerspec its = { .it_value = { .tv_sec = ms / 1000,
						.tv_nsec = (long)(ms % 1000) * 1000000L } };

	if (!run_timer_ok) {
		static bool handler;
		struct sigevent sev = { 0 };

		if (!handler) {
			struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */

			sigaction(SIGALRM, &sa, NULL);
			handler = true;
		}
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = SIGALRM;
		sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
		if (timer_create(CLOCK_MONOTONIC, &sev, &run_timer))
			return;
		run_timer_ok = true;
	}
	timer_settime(run_timer, 0, &its, NULL);
}

int gzvm_vcpu_run(struct gzvm_vcpu *vcpu)
{
	int r, e;

	vcpu->run->exit_reason = 0;
	if (gzvm_run_timeout_ms > 0)
		arm_watchdog(gzvm_run_timeout_ms);
	r = ioctl(vcpu->fd, GZVM_RUN, vcpu->run);
	e = errno;
	if (gzvm_run_timeout_ms > 0)
		arm_watchdog(0);
	return r ? -e : 0;
}

/* ---- interrupts ---------------------------------------------------------------- */

int gzvm_vm_create_gic(struct gzvm_vm *vm, int nr_frames)
{
	struct gzvm_create_device d = {
		.dev_type = GZVM_DEV_TYPE_ARM_VGIC_V3_DIST,
		.dev_addr = GIC_DIST_GPA,
		.dev_reg_size = GIC_DIST_SIZE,
	};

	if (ioctl(vm->fd, GZVM_CREATE_DEVICE, &d))
		return -errno;
	d = (struct gzvm_create_device){
		.dev_type = GZVM_DEV_TYPE_ARM_VGIC_V3_REDIST,
		.dev_addr = GIC_REDIST_GPA,
		.dev_reg_size = GIC_REDIST_STRIDE * (uint64_t)nr_frames,
	};
	if (ioctl(vm->fd, GZVM_CREATE_DEVICE, &d))
		return -errno;
	return 0;
}

int gzvm_irq_line(struct gzvm_vm *vm, unsigned int type, unsigned int vcpu, unsigned int num, int level)
{
	struct gzvm_irq_level l = {
		.irq = GZVM_IRQ_LINE_ENCODE(type, vcpu, num),
		.level = (uint32_t)level,
	};

	return ioctl(vm->fd, GZVM_IRQ_LINE, &l) ? -errno : 0;
}

/* ---- the C guest ------------------------------------------------------------------ */

static const char *guest_str(struct gzvm_vm *vm, uint64_t gpa)
{
	static __thread char buf[256];
	const char *s = gzvm_gpa_to_hva(vm, gpa);
	size_t i;

	if (!s || !gzvm_gpa_to_hva(vm, gpa + sizeof(buf)))
		return "(bad guest string)";
	for (i = 0; i < sizeof(buf) - 1 && s[i]; i++)
		buf[i] = s[i];
	buf[i] = 0;
	return buf;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
static void guest_printf(const char *fmt, const uint64_t *a)
{
	/* only u64 conversions (%llu, %llx, %lld) in guest formats */
	gzvm_info(fmt, (unsigned long long)a[0], (unsigned long long)a[1],
		  (unsigned long long)a[2], (unsigned long long)a[3]);
}
#pragma GCC diagnostic pop

int gzvm_guest_loop(struct gzvm_vcpu *vcpu, const char *what,
		    void (*on_sync)(void *ctx, struct gzvm_vcpu *vcpu, uint64_t arg), void *ctx)
{
	for (;;) {
		uint64_t cmd, x[7];
		int r = gzvm_vcpu_run(vcpu);

		if (r) {
			gzvm_tap_fail(what, "vCPU %d: GZVM_RUN failed: %s (pc 0x%llx)", vcpu->id, strerror(-r),
				      (unsigned long long)gzvm_reg(vcpu, REG_PC));
			return -1;
		}
		if (vcpu->run->exit_reason == GZVM_EXIT_MMIO &&
		    vcpu->run->mmio.phys_addr - ABORT_MMIO_GPA < 0x1000) {
			vcpu->run->mmio.ext_abort = 1;	/* nothing there: abort the access */
			continue;
		}
		if (!gzvm_is_ucall(vcpu)) {
			gzvm_tap_fail(what, "vCPU %d: an exit that is not a ucall reached the VMM: %s",
				      vcpu->id, gzvm_exit_str(vcpu));
			return -1;
		}
		memcpy(&cmd, vcpu->run->mmio.data, 8);
		for (int i = 1; i <= 6; i++)
			x[i] = gzvm_reg(vcpu, REG_X(i));
		switch (cmd) {
		case UCALL_DONE:
			return 0;
		case UCALL_CHECK:
			gzvm_tap_check(x[1] != 0, guest_str(vcpu->vm, x[2]),
				       "vCPU %d: values 0x%llx 0x%llx 0x%llx 0x%llx", vcpu->id,
				       (unsigned long long)x[3], (unsigned long long)x[4],
				       (unsigned long long)x[5], (unsigned long long)x[6]);
			break;
		case UCALL_PRINT:
			guest_printf(guest_str(vcpu->vm, x[2]), &x[3]);
			break;
		case UCALL_SYNC:
			if (!on_sync) {
				gzvm_tap_fail(what, "vCPU %d: unexpected SYNC 0x%llx", vcpu->id,
					      (unsigned long long)x[1]);
				return -1;
			}
			on_sync(ctx, vcpu, x[1]);
			break;
		case UCALL_FAIL:
			gzvm_tap_fail(what, "vCPU %d: guest failure 0x%llx: 0x%llx 0x%llx 0x%llx", vcpu->id,
				      (unsigned long long)x[1], (unsigned long long)x[2],
				      (unsigned long long)x[3], (unsigned long long)x[4]);
			return -1;
		default:
			gzvm_tap_fail(what, "vCPU %d: unknown ucall %llu", vcpu->id, (unsigned long long)cmd);
			return -1;
		}
	}
}

/* ---- exits ------------------------------------------------------------------- */

const char *gzvm_exit_name(uint32_t reason)
{
	static const char *const names[] = {
		"UNKNOWN", "MMIO", "HYPERCALL", "IRQ", "EXCEPTION", "DEBUG",
		"FAIL_ENTRY", "INTERNAL_ERROR", "SYSTEM_EVENT", "SHUTDOWN", "GZ",
		"IDLE", "0xc", "IPI",
	};

	if (reason >= GZVM_EXIT_UNKNOWN && reason <= GZVM_EXIT_IPI)
		return names[reason - GZVM_EXIT_UNKNOWN];
	return gzvm_fmt("0x%x", reason);
}

const char *gzvm_exit_str(struct gzvm_vcpu *vcpu)
{
	struct gzvm_vcpu_run *run = vcpu->run;
	uint64_t pc = gzvm_reg(vcpu, REG_PC);

	switch (run->exit_reason) {
	case GZVM_EXIT_MMIO: {
		uint64_t d;

		memcpy(&d, run->mmio.data, 8);
		return gzvm_fmt("MMIO %s 0x%llx size %llu reg x%u data 0x%llx, pc 0x%llx",
				run->mmio.is_write ? "write" : "read",
				(unsigned long long)run->mmio.phys_addr,
				(unsigned long long)run->mmio.size, run->mmio.reg_nr,
				(unsigned long long)d, (unsigned long long)pc);
	}
	case GZVM_EXIT_EXCEPTION:
		return gzvm_fmt("EXCEPTION %u gpa 0x%llx, pc 0x%llx", run->exception.exception,
				(unsigned long long)run->exception.fault_gpa,
				(unsigned long long)pc);
	case GZVM_EXIT_INTERNAL_ERROR:
		return gzvm_fmt("INTERNAL_ERROR suberror %u ndata %u data 0x%llx 0x%llx 0x%llx",
				run->internal.suberror, run->internal.ndata,
				(unsigned long long)run->internal.data[0],
				(unsigned long long)run->internal.data[1],
				(unsigned long long)run->internal.data[2]);
	case GZVM_EXIT_SYSTEM_EVENT:
		return gzvm_fmt("SYSTEM_EVENT type %u, pc 0x%llx", run->system_event.type,
				(unsigned long long)pc);
	case GZVM_EXIT_HYPERCALL:
		return gzvm_fmt("HYPERCALL 0x%llx 0x%llx", (unsigned long long)run->hypercall.args[0],
				(unsigned long long)run->hypercall.args[1]);
	default:
		return gzvm_fmt("%s, pc 0x%llx", gzvm_exit_name(run->exit_reason),
				(unsigned long long)pc);
	}
}

bool gzvm_is_ucall(struct gzvm_vcpu *vcpu)
{
	struct gzvm_vcpu_run *run = vcpu->run;

	return run->exit_reason == GZVM_EXIT_MMIO && run->mmio.phys_addr == UCALL_ADDR &&
	       run->mmio.is_write && run->mmio.size == 8;
}

int gzvm_run_ucall(struct gzvm_vcpu *vcpu, const char **why)
{
	int r = gzvm_vcpu_run(vcpu);
	uint64_t cmd;

	if (r) {
		*why = gzvm_fmt("GZVM_RUN failed: %s", strerror(-r));
		return -1;
	}
	if (!gzvm_is_ucall(vcpu)) {
		*why = gzvm_fmt("not a ucall: %s", gzvm_exit_str(vcpu));
		return -1;
	}
	memcpy(&cmd, vcpu->run->mmio.data, 8);
	if (cmd == UCALL_FAIL)
		*why = gzvm_fmt("guest reported failure: code %llu, x2 0x%llx x3 0x%llx x4 0x%llx",
				(unsigned long long)gzvm_reg(vcpu, REG_X(1)),
				(unsigned long long)gzvm_reg(vcpu, REG_X(2)),
				(unsigned long long)gzvm_reg(vcpu, REG_X(3)),
				(unsigned long long)gzvm_reg(vcpu, REG_X(4)));
	else
		*why = gzvm_fmt("ucall %llu", (unsigned long long)cmd);
	return (int)cmd;
}

bool gzvm_expect_exit(struct gzvm_vcpu *vcpu, uint32_t reason, const char **why)
{
	int r = gzvm_vcpu_run(vcpu);

	if (r) {
		*why = gzvm_fmt("GZVM_RUN failed: %s", strerror(-r));
		return false;
	}
	*why = gzvm_fmt("expected %s, got %s", gzvm_exit_name(reason), gzvm_exit_str(vcpu));
	return vcpu->run->exit_reason == reason;
}

/* ---- host accounting ------------------------------------------------------------ */

static long field_of(const char *path, const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, n) && (line[n] == ':' || line[n] == ' ')) {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

long gzvm_meminfo_kb(const char *field)
{
	return field_of("/proc/meminfo", field);
}

long gzvm_status_kb(const char *field)
{
	return field_of("/proc/self/status", field);
}

long gzvm_vmstat(const char *field)
{
	return field_of("/proc/vmstat", field);
}

#define HYP_DEBUGFS	"/sys/kernel/debug/gzvm"

void gzvm_hyp_counters(struct gzvm_hyp_counters *c)
{
	c->pool_used = gzvm_read_long(HYP_DEBUGFS "/hyp_pool_used");
	c->lent = gzvm_read_long(HYP_DEBUGFS "/hyp_lent_mem");
	c->donated = gzvm_read_long(HYP_DEBUGFS "/hyp_donated_mem");
}

bool gzvm_check_hyp_counters(const char *test, const struct gzvm_hyp_counters *a)
{
	struct gzvm_hyp_counters b;

	gzvm_hyp_counters(&b);
	gzvm_info("%s: hypervisor pool %ld -> %ld, lent %ld -> %ld, donated %ld -> %ld bytes", test,
		  a->pool_used, b.pool_used, a->lent, b.lent, a->donated, b.donated);
	return gzvm_tap_check(a->pool_used >= 0 && b.pool_used == a->pool_used && b.lent == a->lent &&
			      b.donated == a->donated,
			      gzvm_fmt("%s: the hypervisor's pool, lent and donated memory back to the start",
				       test),
			      "pool %ld -> %ld, lent %ld -> %ld, donated %ld -> %ld", a->pool_used,
			      b.pool_used, a->lent, b.lent, a->donated, b.donated);
}

/*
 * How many more VMs CREATE_VM gives now (each VM holds a VM id and VMID of
 * the hypervisor): a VM that was not torn down, or an id not given back,
 * shows as one fewer.
 */
static int creatable_vms(void)
{
	int fds[256], n = 0, dev = gzvm_open_dev();

	if (dev < 0)
		return -1;
	while (n < 256 && (fds[n] = ioctl(dev, GZVM_CREATE_VM, 0)) >= 0)
		n++;
	for (int i = 0; i < n; i++)
		close(fds[i]);
	close(dev);
	return n;
}

void gzvm_host_counters(struct gzvm_host_counters *k)
{
	long acq, rel;

	/* fold the per-CPU vmstat deltas first */
	gzvm_write_str("/proc/sys/vm/stat_refresh", "1");
	acq = gzvm_vmstat("nr_foll_pin_acquired");
	rel = gzvm_vmstat("nr_foll_pin_released");
	k->pins = acq < 0 || rel < 0 ? -1 : acq - rel;
	k->vmlck = gzvm_status_kb("VmLck");
	k->mlocked = gzvm_meminfo_kb("Mlocked");
	gzvm_hyp_counters(&k->hyp);
	k->vms = creatable_vms();
}

static bool host_counters_equal(const struct gzvm_host_counters *a,
				const struct gzvm_host_counters *b)
{
	return a->vmlck == b->vmlck && a->mlocked == b->mlocked && a->pins == b->pins &&
	       a->hyp.pool_used == b->hyp.pool_used && a->hyp.lent == b->hyp.lent &&
	       a->hyp.donated == b->hyp.donated && a->vms == b->vms;
}

void gzvm_check_host_counters(const char *test, const struct gzvm_host_counters *a)
{
	struct gzvm_host_counters b;
	int tries = 0;

	/* give a teardown that finishes a moment after the close its chance */
	for (gzvm_host_counters(&b); !host_counters_equal(a, &b) && tries < 20; tries++) {
		usleep(100000);
		gzvm_host_counters(&b);
	}
	gzvm_info("%s: VmLck %ld -> %ld kB, Mlocked %ld -> %ld kB, pins outstanding %ld -> %ld%s",
		  test, a->vmlck, b.vmlck, a->mlocked, b.mlocked, a->pins, b.pins,
		  tries ? gzvm_fmt(" (after %d x 100 ms)", tries) : "");
	gzvm_tap_check(a->vmlck == b.vmlck && a->mlocked == b.mlocked && a->pins == b.pins,
		       gzvm_fmt("%s: the VMM's VmLck, Mlocked and pinned pages back to the start", test),
		       "VmLck %ld -> %ld kB, Mlocked %ld -> %ld kB, pins %ld -> %ld", a->vmlck, b.vmlck,
		       a->mlocked, b.mlocked, a->pins, b.pins);
	gzvm_check_hyp_counters(test, &a->hyp);
	gzvm_info("%s: VMs CREATE_VM still gives: %d -> %d", test, a->vms, b.vms);
	gzvm_tap_check(a->vms > 0 && b.vms == a->vms,
		       gzvm_fmt("%s: as many VMs can be created as before (no VM id left behind)", test),
		       "%d -> %d", a->vms, b.vms);
}

GUEST_DECLARE(done);

const char *gzvm_fresh_vm_run(void)
{
	struct gzvm_vm vm;
	struct gzvm_vcpu vcpu;
	const char *why = "set-up failed";
	int cmd = -1;

	if (!gzvm_vm_create(&vm)) {
		if (gzvm_vm_add_mem(&vm, 0, GUEST_RAM_GPA, 64 * 1024) &&
		    !GUEST_LOAD(&vm, GUEST_RAM_GPA, done) &&
		    !gzvm_vcpu_create(&vm, 0, &vcpu, GUEST_RAM_GPA)) {
			cmd = gzvm_run_ucall(&vcpu, &why);
			gzvm_vcpu_close(&vcpu);
		}
		gzvm_vm_destroy(&vm);
	}
	return cmd == UCALL_DONE ? NULL : why;
}

bool gzvm_check_fresh_vm(const char *test)
{
	const char *why = gzvm_fresh_vm_run();

	return gzvm_tap_check(!why, gzvm_fmt("%s: afterwards a fresh VM still runs its guest to DONE", test),
			      "%s", why);
}

long gzvm_read_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int gzvm_write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), r;

	if (fd < 0)
		return -errno;
	r = (int)write(fd, s, strlen(s));
	r = r < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* ---- environment ---------------------------------------------------------------------- */

long gzvm_env_long(const char *name, long dflt)
{
	const char *s = getenv(name);

	return s && *s ? strtol(s, NULL, 0) : dflt;
}

bool gzvm_deep(void)
{
	return gzvm_env_long("GZVM_SELFTEST_DEEP", 0) != 0;
}

double gzvm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
