// SPDX-License-Identifier: GPL-2.0
/*
 * gzvm_smoke - checks of /dev/gzvm run in the host by init-test.sh.
 *
 * Prints one line per check, "GZVM-TAP: ok - <name>" or
 * "GZVM-TAP: not ok - <name> # <detail>", for the system-test harness.
 * What it checks depends on the hypervisor: if GZVM_CREATE_VM fails with
 * EOPNOTSUPP (a hypervisor without VMs) that is checked and the VM checks
 * are skipped; if it succeeds, the ioctls of the VM and vCPU fds are
 * checked (their validation happens in the driver).
 *
 * Built static for arm64: aarch64-linux-gnu-gcc -static -I include/uapi.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/gzvm.h>

static int failures;

static void result(int ok, const char *name, const char *fmt, ...)
{
	char why[256] = "";
	va_list ap;

	if (!ok && fmt) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	if (ok) {
		printf("GZVM-TAP: ok - gzvm: %s\n", name);
	} else {
		printf("GZVM-TAP: not ok - gzvm: %s # %s\n", name, why);
		failures++;
	}
	fflush(stdout);
}

/* ioctl expected to fail with @err */
static void expect_errno(int fd, unsigned long req, void *arg, int err,
			 const char *name)
{
	int r = ioctl(fd, req, arg);
	int e = errno;

	result(r == -1 && e == err, name, "ioctl returned %d, errno %d (%s), expected %s",
	       r, r == -1 ? e : 0, r == -1 ? strerror(e) : "-", strerror(err));
}

static void check_extension(int fd, const char *on)
{
	char name[128];
	uint64_t v;
	int r;

	v = GZVM_CAP_PROTECTED_VM;
	r = ioctl(fd, GZVM_CHECK_EXTENSION, &v);
	snprintf(name, sizeof(name), "%s CHECK_EXTENSION(PROTECTED_VM) returns 0 and writes 1", on);
	result(r == 0 && v == 1, name, "returned %d (errno %d), value %llu",
	       r, errno, (unsigned long long)v);

	v = GZVM_CAP_VM_GPA_SIZE;
	r = ioctl(fd, GZVM_CHECK_EXTENSION, &v);
	snprintf(name, sizeof(name), "%s CHECK_EXTENSION(VM_GPA_SIZE) returns 0 and writes 33..52", on);
	result(r == 0 && v > 32 && v <= 52, name, "returned %d (errno %d), value %llu",
	       r, errno, (unsigned long long)v);
	if (r == 0)
		printf("gzvm-smoke: %s VM_GPA_SIZE = %llu\n", on, (unsigned long long)v);

	v = 0x12345;
	snprintf(name, sizeof(name), "%s CHECK_EXTENSION(unknown cap) fails with EOPNOTSUPP", on);
	expect_errno(fd, GZVM_CHECK_EXTENSION, &v, EOPNOTSUPP, name);
	snprintf(name, sizeof(name), "%s CHECK_EXTENSION(NULL) fails with EINVAL", on);
	expect_errno(fd, GZVM_CHECK_EXTENSION, NULL, EINVAL, name);
	snprintf(name, sizeof(name), "%s CHECK_EXTENSION(unreadable pointer) fails with EFAULT", on);
	expect_errno(fd, GZVM_CHECK_EXTENSION, (void *)8, EFAULT, name);
}

static void mem_region(int vm, uint32_t slot, uint64_t gpa, uint64_t size,
		       void *hva, int err, const char *name)
{
	struct gzvm_userspace_memory_region m = {
		.slot = slot,
		.flags = GZVM_USER_MEM_REGION_GUEST_MEM,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};

	expect_errno(vm, GZVM_SET_USER_MEMORY_REGION, &m, err, name);
}

static void vcpu_checks(int vm)
{
	struct gzvm_vcpu_run *run;
	int vcpu;

	expect_errno(vm, GZVM_CREATE_VCPU, (void *)8, EINVAL,
		     "VM CREATE_VCPU(8) fails with EINVAL");
	vcpu = ioctl(vm, GZVM_CREATE_VCPU, 0);
	if (vcpu < 0) {
		/* creation needs the hypervisor; the driver side was checked */
		printf("gzvm-smoke: CREATE_VCPU(0) failed: %s; vCPU fd checks skipped\n",
		       strerror(errno));
		return;
	}
	result(1, "VM CREATE_VCPU(0) returns an fd", NULL);
	expect_errno(vcpu, _IO(GZVM_IOC_MAGIC, 0x7f), NULL, ENOTTY,
		     "vCPU fd: unknown ioctl fails with ENOTTY");
	run = calloc(1, 4096);
	run->immediate_exit = 1;
	expect_errno(vcpu, GZVM_RUN, run, EINTR,
		     "vCPU fd: RUN with immediate_exit fails with EINTR");
	run->immediate_exit = 0;
	run->padding1[1] = 1;
	expect_errno(vcpu, GZVM_RUN, run, EINVAL,
		     "vCPU fd: RUN with non-zero padding1 fails with EINVAL");
	expect_errno(vcpu, GZVM_RUN, (void *)8, EFAULT,
		     "vCPU fd: RUN with an unreadable run struct fails with EFAULT");
	{
		uint64_t val = 0;
		struct gzvm_one_reg reg = {
			.id = GZVM_REG_ARCH_ARM64 | GZVM_REG_SIZE_U128 |
			      GZVM_REG_ARM_CORE | GZVM_REG_ARM_CORE_IDX_V(0),
			.addr = (uint64_t)(uintptr_t)&val,
		};

		expect_errno(vcpu, GZVM_SET_ONE_REG, &reg, EINVAL,
			     "vCPU fd: SET_ONE_REG of a 128-bit register fails with EINVAL");
		expect_errno(vcpu, GZVM_GET_ONE_REG, &reg, EINVAL,
			     "vCPU fd: GET_ONE_REG of a 128-bit register fails with EINVAL");
	}
	free(run);
	result(close(vcpu) == 0, "vCPU fd closes", "errno %d", errno);
}

static void vm_checks(int vm)
{
	long pg = sysconf(_SC_PAGESIZE);
	void *four, *hole;

	check_extension(vm, "VM fd");

	four = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* an address with no mapping: map and unmap a page */
	hole = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(hole, pg);

	mem_region(vm, GZVM_MAX_MEM_REGION, 0x80000000, 4 * pg, four, EINVAL,
		   "VM SET_USER_MEMORY_REGION slot 10 fails with EINVAL");
	mem_region(vm, 0, 0x80000001, 4 * pg, four, EINVAL,
		   "VM SET_USER_MEMORY_REGION unaligned gpa fails with EINVAL");
	mem_region(vm, 0, 0x80000000, 4 * pg - 1, four, EINVAL,
		   "VM SET_USER_MEMORY_REGION unaligned size fails with EINVAL");
	mem_region(vm, 0, (uint64_t)-2 * pg, 4 * pg, four, EINVAL,
		   "VM SET_USER_MEMORY_REGION wrapping gpa+size fails with EINVAL");
	mem_region(vm, 0, 0x80000000, 2 * pg, four, EINVAL,
		   "VM SET_USER_MEMORY_REGION size != VMA size fails with EINVAL");
	mem_region(vm, 0, 0x80000000, 4 * pg, hole, EFAULT,
		   "VM SET_USER_MEMORY_REGION without a VMA fails with EFAULT");
	mem_region(vm, 0, 0, 0, NULL, EFAULT,
		   "VM SET_USER_MEMORY_REGION size-0 delete fails with EFAULT");

	{
		struct gzvm_memory_region old = { 0 };

		expect_errno(vm, GZVM_SET_MEMORY_REGION, &old, ENOTTY,
			     "VM SET_MEMORY_REGION (never implemented) fails with ENOTTY");
	}
	expect_errno(vm, _IO(GZVM_IOC_MAGIC, 0x7f), NULL, ENOTTY,
		     "VM fd: unknown ioctl fails with ENOTTY");
	{
		struct gzvm_enable_cap cap = { .cap = 0x1234 };

		expect_errno(vm, GZVM_ENABLE_CAP, &cap, EINVAL,
			     "VM ENABLE_CAP(unknown cap) fails with EINVAL");
		cap.cap = GZVM_CAP_PROTECTED_VM;
		cap.args[0] = 7;
		expect_errno(vm, GZVM_ENABLE_CAP, &cap, EINVAL,
			     "VM ENABLE_CAP(PROTECTED_VM, unknown subcommand) fails with EINVAL");
	}
	{
		struct gzvm_irqfd irqfd = { .fd = (uint32_t)eventfd(0, 0), .gsi = 1 };

		irqfd.pad[3] = 1;
		expect_errno(vm, GZVM_IRQFD, &irqfd, EINVAL,
			     "VM IRQFD with non-zero pad fails with EINVAL");
		irqfd.pad[3] = 0;
		irqfd.flags = 4;
		expect_errno(vm, GZVM_IRQFD, &irqfd, EINVAL,
			     "VM IRQFD with unknown flags fails with EINVAL");
		irqfd.flags = 0;
		result(ioctl(vm, GZVM_IRQFD, &irqfd) == 0, "VM IRQFD assign returns 0",
		       "errno %d", errno);
		expect_errno(vm, GZVM_IRQFD, &irqfd, EBUSY,
			     "VM IRQFD of the same eventfd twice fails with EBUSY");
		irqfd.flags = GZVM_IRQFD_FLAG_DEASSIGN;
		result(ioctl(vm, GZVM_IRQFD, &irqfd) == 0, "VM IRQFD deassign returns 0",
		       "errno %d", errno);
		/* bound again, then left for VM teardown to release */
		irqfd.flags = 0;
		result(ioctl(vm, GZVM_IRQFD, &irqfd) == 0, "VM IRQFD re-assign returns 0",
		       "errno %d", errno);
	}
	{
		struct gzvm_ioeventfd io = {
			.addr = 0x10000, .len = 4, .fd = eventfd(0, 0),
		};

		io.flags = GZVM_IOEVENTFD_FLAG_PIO;
		expect_errno(vm, GZVM_IOEVENTFD, &io, EINVAL,
			     "VM IOEVENTFD with the PIO flag fails with EINVAL");
		io.flags = 0;
		io.len = 3;
		expect_errno(vm, GZVM_IOEVENTFD, &io, EINVAL,
			     "VM IOEVENTFD with length 3 fails with EINVAL");
		io.len = 4;
		result(ioctl(vm, GZVM_IOEVENTFD, &io) == 0, "VM IOEVENTFD assign returns 0",
		       "errno %d", errno);
		expect_errno(vm, GZVM_IOEVENTFD, &io, EEXIST,
			     "VM IOEVENTFD of the same address twice fails with EEXIST");
		io.flags = GZVM_IOEVENTFD_FLAG_DEASSIGN;
		result(ioctl(vm, GZVM_IOEVENTFD, &io) == 0, "VM IOEVENTFD deassign returns 0",
		       "errno %d", errno);
		expect_errno(vm, GZVM_IOEVENTFD, &io, ENOENT,
			     "VM IOEVENTFD deassign of nothing fails with ENOENT");
		io.flags = 0;
		result(ioctl(vm, GZVM_IOEVENTFD, &io) == 0, "VM IOEVENTFD re-assign returns 0",
		       "errno %d", errno);
	}

	vcpu_checks(vm);
	munmap(four, 4 * pg);
}

/* ---- a tiny guest (needs RUN, memory and MMIO exits in the hypervisor) -- */

#define GUEST_RAM	0x80000000ULL
#define GUEST_MMIO	0x10000000ULL

static const uint32_t guest_code[] = {
	0xd2a20001,	/* movz x1, #0x1000, lsl #16  (x1 = 0x10000000) */
	0xd2824682,	/* movz x2, #0x1234 */
	0xb9000022,	/* 1: str w2, [x1]             (MMIO write) */
	0x17ffffff,	/* b 1b */
};

static void on_alarm(int sig)
{
	(void)sig;
}

static int set_reg(int vcpu, uint64_t id, uint64_t val)
{
	struct gzvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)&val };

	return ioctl(vcpu, GZVM_SET_ONE_REG, &reg);
}

/* RUN, interrupted by SIGALRM after @ms milliseconds if it does not return */
static int run_for(int vcpu, struct gzvm_vcpu_run *run, int ms)
{
	struct itimerval it = { .it_value = { .tv_sec = ms / 1000,
					      .tv_usec = (ms % 1000) * 1000 } };
	struct itimerval off = { 0 };
	int r, e;

	setitimer(ITIMER_REAL, &it, NULL);
	r = ioctl(vcpu, GZVM_RUN, run);
	e = errno;
	setitimer(ITIMER_REAL, &off, NULL);
	errno = e;
	return r;
}

static void guest_checks(int dev)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t size = 2 << 20;
	struct gzvm_userspace_memory_region m;
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct gzvm_vcpu_run *run;
	int vm, vcpu, r, efd;
	uint64_t cnt = 0, pc = 0;
	void *ram;

	(void)pg;
	sigaction(SIGALRM, &sa, NULL);
	vm = ioctl(dev, GZVM_CREATE_VM, 0);
	if (vm < 0)
		return;
	ram = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memcpy(ram, guest_code, sizeof(guest_code));
	m = (struct gzvm_userspace_memory_region){
		.slot = 0, .flags = GZVM_USER_MEM_REGION_GUEST_MEM,
		.guest_phys_addr = GUEST_RAM, .memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)ram,
	};
	r = ioctl(vm, GZVM_SET_USER_MEMORY_REGION, &m);
	if (r) {
		printf("gzvm-smoke: SET_USER_MEMORY_REGION of 2 MiB: %s; guest checks skipped\n",
		       strerror(errno));
		goto out_vm;
	}
	result(1, "VM SET_USER_MEMORY_REGION of a 2 MiB slot returns 0", NULL);
	vcpu = ioctl(vm, GZVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		goto out_vm;
	if (set_reg(vcpu, GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U64, GZVM_REG_ARM_CORE_IDX_PC),
		    GUEST_RAM) ||
	    set_reg(vcpu, GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U64, GZVM_REG_ARM_CORE_IDX_PSTATE),
		    0x3c5)) {
		printf("gzvm-smoke: SET_ONE_REG(PC/PSTATE): %s; guest checks skipped\n",
		       strerror(errno));
		goto out_vcpu;
	}
	result(1, "vCPU SET_ONE_REG of PC and PSTATE returns 0", NULL);
	{
		struct gzvm_one_reg reg = {
			.id = GZVM_REG_ARM64_CORE(GZVM_REG_SIZE_U64, GZVM_REG_ARM_CORE_IDX_PC),
			.addr = (uint64_t)(uintptr_t)&pc,
		};

		r = ioctl(vcpu, GZVM_GET_ONE_REG, &reg);
		if (r && errno == EOPNOTSUPP)
			printf("gzvm-smoke: GET_ONE_REG: EOPNOTSUPP from the hypervisor\n");
		else
			result(r == 0 && pc == GUEST_RAM, "vCPU GET_ONE_REG(PC) reads back the PC set",
			       "returned %d (errno %d), pc 0x%llx", r, errno,
			       (unsigned long long)pc);
	}

	run = calloc(1, 4096);
	r = run_for(vcpu, run, 2000);
	if (r && errno == EOPNOTSUPP) {
		printf("gzvm-smoke: RUN: EOPNOTSUPP from the hypervisor; guest checks skipped\n");
		goto out_run;
	}
	result(r == 0 && run->exit_reason == GZVM_EXIT_MMIO &&
	       run->mmio.phys_addr == GUEST_MMIO && run->mmio.is_write &&
	       run->mmio.size == 4 && *(uint32_t *)run->mmio.data == 0x1234,
	       "guest: first RUN exits with an MMIO write of 0x1234 to 0x10000000",
	       "returned %d (errno %d), exit 0x%x, addr 0x%llx, size %llu, write %u",
	       r, errno, run->exit_reason, (unsigned long long)run->mmio.phys_addr,
	       (unsigned long long)run->mmio.size, run->mmio.is_write);

	/* The same writes now go to an ioeventfd; SIGALRM ends the RUN. */
	efd = eventfd(0, EFD_NONBLOCK);
	{
		struct gzvm_ioeventfd io = { .addr = GUEST_MMIO, .len = 4, .fd = efd };

		ioctl(vm, GZVM_IOEVENTFD, &io);
	}
	r = run_for(vcpu, run, 300);
	result(r == -1 && errno == EINTR, "guest: RUN with writes to an ioeventfd ends with EINTR on SIGALRM",
	       "returned %d, errno %d (%s)", r, errno, strerror(errno));
	if (read(efd, &cnt, sizeof(cnt)) != sizeof(cnt))
		cnt = 0;
	result(cnt > 0, "guest: the ioeventfd counted the guest's MMIO writes",
	       "counter %llu", (unsigned long long)cnt);
	printf("gzvm-smoke: ioeventfd counted %llu guest writes in 300 ms\n",
	       (unsigned long long)cnt);
	close(efd);
out_run:
	free(run);
out_vcpu:
	close(vcpu);
out_vm:
	close(vm);
	munmap(ram, size);
}

/* A child creates a VM and is killed with SIGKILL while holding it. */
static void killed_child(int dev)
{
	int p[2], status = 0;
	pid_t pid;
	char c;

	if (pipe(p))
		return;
	pid = fork();
	if (pid == 0) {
		int vm = ioctl(dev, GZVM_CREATE_VM, 0);

		if (vm >= 0)
			ioctl(vm, GZVM_CREATE_VCPU, 0);
		c = vm >= 0 ? 'y' : 'n';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	c = 0;
	if (read(p[0], &c, 1) != 1)
		c = 0;
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(p[0]);
	result(c == 'y' && WIFSIGNALED(status), "a child holding a VM and a vCPU is killed by SIGKILL",
	       "child said '%c', status 0x%x", c ? c : '?', status);
}

int main(void)
{
	int dev, vm, i, ok;

	dev = open("/dev/gzvm", O_RDWR | O_CLOEXEC);
	result(dev >= 0, "open /dev/gzvm", "%s", strerror(errno));
	if (dev < 0)
		return 1;

	check_extension(dev, "/dev/gzvm");
	expect_errno(dev, _IO(GZVM_IOC_MAGIC, 0x7f), NULL, ENOTTY,
		     "/dev/gzvm unknown ioctl fails with ENOTTY");
	expect_errno(dev, GZVM_GET_API_VERSION, NULL, ENOTTY,
		     "/dev/gzvm GET_API_VERSION (never implemented) fails with ENOTTY");

	vm = ioctl(dev, GZVM_CREATE_VM, 0);
	if (vm < 0 && errno == EOPNOTSUPP) {
		printf("gzvm-smoke: hypervisor without VMs (CREATE_VM: EOPNOTSUPP); VM checks skipped\n");
		result(1, "CREATE_VM fails with EOPNOTSUPP (hypervisor without VMs)", NULL);
	} else if (vm < 0) {
		result(0, "CREATE_VM returns a VM fd or EOPNOTSUPP", "errno %d (%s)",
		       errno, strerror(errno));
	} else {
		printf("gzvm-smoke: hypervisor with VMs (CREATE_VM returned fd %d)\n", vm);
		result(1, "CREATE_VM returns a VM fd", NULL);
		vm_checks(vm);
		result(close(vm) == 0, "VM fd closes", "errno %d", errno);
		for (ok = 1, i = 0; i < 8 && ok; i++) {
			vm = ioctl(dev, GZVM_CREATE_VM, 0);
			ok = vm >= 0 && close(vm) == 0;
		}
		result(ok, "8 more VMs created and destroyed", "round %d: errno %d", i, errno);
		killed_child(dev);
		guest_checks(dev);
	}
	close(dev);
	printf("gzvm-smoke: done, %d failures\n", failures);
	return failures ? 1 : 0;
}
