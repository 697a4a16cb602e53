// SPDX-License-Identifier: GPL-2.0
/*
 * The gzvm backend: /dev/gzvm (the v13 GenieZone ioctls), driven as
 * crosvm does (shared/spec/gzvm-abi.md section 8.2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/gzvm.h>

#include "vmm.h"

#define GZVM_INTERNAL_ABORT_NO_SYNDROME	1

static int gz_create_vm(struct vm *vm)
{
	vm->dev_fd = open("/dev/gzvm", O_RDWR | O_CLOEXEC);
	if (vm->dev_fd < 0)
		return -errno;
	vm->fd = ioctl(vm->dev_fd, GZVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return -errno;
	return 0;
}

static int gz_add_mem(struct vm *vm, int slot, uint64_t gpa, uint64_t size, void *hva)
{
	struct gzvm_userspace_memory_region r = {
		.slot = (uint32_t)slot,
		.flags = GZVM_USER_MEM_REGION_GUEST_MEM,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};

	return ioctl(vm->fd, GZVM_SET_USER_MEMORY_REGION, &r) ? -errno : 0;
}

static int gz_create_gic(struct vm *vm)
{
	struct gzvm_create_device d = {
		.dev_type = GZVM_DEV_TYPE_ARM_VGIC_V3_DIST,
		.dev_addr = GIC_DIST_BASE,
		.dev_reg_size = GIC_DIST_SIZE,
	};

	if (ioctl(vm->fd, GZVM_CREATE_DEVICE, &d))
		return -errno;
	d = (struct gzvm_create_device){
		.dev_type = GZVM_DEV_TYPE_ARM_VGIC_V3_REDIST,
		.dev_addr = GIC_REDIST_BASE,
		.dev_reg_size = GIC_REDIST_STRIDE * (uint64_t)vm->cfg->nr_cpus,
	};
	if (ioctl(vm->fd, GZVM_CREATE_DEVICE, &d))
		return -errno;
	return 0;
}

static int gz_create_vcpu(struct vm *vm, struct vcpu *vcpu)
{
	vcpu->fd = ioctl(vm->fd, GZVM_CREATE_VCPU, vcpu->id);
	if (vcpu->fd < 0)
		return -errno;
	/* the driver copies the run structure in and out of this buffer */
	vcpu->run_size = 4096;
	vcpu->run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vcpu->run == MAP_FAILED) {
		vcpu->run = NULL;
		return -errno;
	}
	return 0;
}

static int gz_finalize(struct vm *vm)
{
	(void)vm;
	return 0;
}

static int gz_set_protected(struct vm *vm, uint64_t payload_gpa, uint64_t payload_size)
{
	struct gzvm_enable_cap cap = {
		.cap = GZVM_CAP_PROTECTED_VM,
		.args = { GZVM_CAP_PVM_SET_PROTECTED_VM, payload_gpa, payload_size },
	};

	return ioctl(vm->fd, GZVM_ENABLE_CAP, &cap) ? -errno : 0;
}

static int gz_set_reg(struct vcpu *vcpu, uint64_t id, uint64_t val)
{
	struct gzvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&val };

	return ioctl(vcpu->fd, GZVM_SET_ONE_REG, &r) ? -errno : 0;
}

static int gz_get_reg(struct vcpu *vcpu, uint64_t id, uint64_t *val)
{
	struct gzvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)val };

	return ioctl(vcpu->fd, GZVM_GET_ONE_REG, &r) ? -errno : 0;
}

static int gz_set_dtb(struct vm *vm, uint64_t gpa, uint64_t size)
{
	struct gzvm_dtb_config c = { .dtb_addr = gpa, .dtb_size = size };

	return ioctl(vm->fd, GZVM_SET_DTB_CONFIG, &c) ? -errno : 0;
}

static int gz_irq_line(struct vm *vm, uint32_t spi, int level)
{
	struct gzvm_irq_level l = {
		.irq = GZVM_IRQ_LINE_ENCODE(GZVM_IRQ_TYPE_SPI, 0, spi),
		.level = level ? 1 : 0,
	};

	return ioctl(vm->fd, GZVM_IRQ_LINE, &l) ? -errno : 0;
}

static const char *exit_name(uint32_t r)
{
	static const char *const names[] = {
		"UNKNOWN", "MMIO", "HYPERCALL", "IRQ", "EXCEPTION", "DEBUG",
		"FAIL_ENTRY", "INTERNAL_ERROR", "SYSTEM_EVENT", "SHUTDOWN", "GZ",
		"IDLE", "0x9292000c", "IPI",
	};

	if (r >= GZVM_EXIT_UNKNOWN && r <= GZVM_EXIT_IPI)
		return names[r - GZVM_EXIT_UNKNOWN];
	return "(not an exit reason)";
}

static int gz_run(struct vcpu *vcpu, struct vcpu_exit *e)
{
	struct gzvm_vcpu_run *run = vcpu->run;

	memset(e, 0, sizeof(*e));
	if (ioctl(vcpu->fd, GZVM_RUN, run)) {
		if (errno == EINTR || errno == EAGAIN) {
			run->immediate_exit = 0;
			e->kind = EXIT_K_INTR;
			return 0;
		}
		return -errno;
	}
	switch (run->exit_reason) {
	case GZVM_EXIT_MMIO:
		e->kind = EXIT_K_MMIO;
		e->addr = run->mmio.phys_addr;
		e->len = (uint32_t)run->mmio.size;
		e->is_write = run->mmio.is_write;
		memcpy(e->data, run->mmio.data, 8);
		break;
	case GZVM_EXIT_SYSTEM_EVENT:
		switch (run->system_event.type) {
		case GZVM_SYSTEM_EVENT_SHUTDOWN:
			e->kind = EXIT_K_SHUTDOWN;
			break;
		case GZVM_SYSTEM_EVENT_RESET:
			e->kind = EXIT_K_RESET;
			break;
		default:
			e->kind = EXIT_K_CRASH;
			snprintf(e->why, sizeof(e->why), "system event type %u",
				 run->system_event.type);
			break;
		}
		break;
	case GZVM_EXIT_SHUTDOWN:
		e->kind = EXIT_K_SHUTDOWN;
		break;
	case GZVM_EXIT_HYPERCALL:
		/* the driver serves PTP and relinquish; anything else: NOT_SUPPORTED */
		run->hypercall.args[0] = (uint64_t)-1LL;
		e->kind = EXIT_K_NONE;
		break;
	case GZVM_EXIT_IRQ:
	case GZVM_EXIT_GZ:
	case GZVM_EXIT_IDLE:
	case GZVM_EXIT_IPI:
		/* the driver should absorb these; harmless if it does not */
		e->kind = EXIT_K_NONE;
		break;
	case GZVM_EXIT_EXCEPTION:
		e->kind = EXIT_K_FATAL;
		snprintf(e->why, sizeof(e->why), "EXCEPTION %u, gpa 0x%llx",
			 run->exception.exception,
			 (unsigned long long)run->exception.fault_gpa);
		break;
	case GZVM_EXIT_INTERNAL_ERROR:
		/* suberror 1: an abort without syndrome; data = ESR, IPA, PC (docs/architecture.md) */
		if (run->internal.suberror == GZVM_INTERNAL_ABORT_NO_SYNDROME) {
			e->kind = EXIT_K_MMIO_NISV;
			e->addr = run->internal.data[1];
			e->pc = run->internal.data[2];
		} else {
			e->kind = EXIT_K_FATAL;
		}
		snprintf(e->why, sizeof(e->why),
			 "INTERNAL_ERROR suberror %u, data 0x%llx 0x%llx 0x%llx",
			 run->internal.suberror, (unsigned long long)run->internal.data[0],
			 (unsigned long long)run->internal.data[1],
			 (unsigned long long)run->internal.data[2]);
		break;
	default:
		e->kind = EXIT_K_FATAL;
		snprintf(e->why, sizeof(e->why), "exit %s (0x%x)",
			 exit_name(run->exit_reason), run->exit_reason);
		break;
	}
	return 0;
}

static void gz_mmio_done(struct vcpu *vcpu, const uint8_t *data, uint32_t len)
{
	struct gzvm_vcpu_run *run = vcpu->run;

	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	memcpy(run->mmio.data, data, len > 8 ? 8 : len);
}

/* docs/abi.md: mmio.ext_abort, a gzvm extension in the tail padding */
static int gz_mmio_abort(struct vcpu *vcpu)
{
	struct gzvm_vcpu_run *run = vcpu->run;

	run->mmio.ext_abort = 1;
	return 0;
}

static void gz_set_immediate_exit(struct vcpu *vcpu, bool on)
{
	struct gzvm_vcpu_run *run = vcpu->run;

	if (run)
		__atomic_store_n(&run->immediate_exit, on ? 1 : 0, __ATOMIC_SEQ_CST);
}

static int gz_ioeventfd(struct vm *vm, int fd, uint64_t addr, uint32_t len, uint64_t datamatch)
{
	struct gzvm_ioeventfd io = {
		.datamatch = datamatch,
		.addr = addr,
		.len = len,
		.fd = fd,
		.flags = GZVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	return ioctl(vm->fd, GZVM_IOEVENTFD, &io) ? -errno : 0;
}

/* The driver's gsi is the SPI index (spec 4.8, 7.5): it calls IRQ_LINE with it. */
static int gz_irqfd(struct vm *vm, int fd, uint32_t spi)
{
	struct gzvm_irqfd irqfd = { .fd = (uint32_t)fd, .gsi = spi };

	return ioctl(vm->fd, GZVM_IRQFD, &irqfd) ? -errno : 0;
}

/* GZVM_CAP_CHANNELS is a global capability: asked on /dev/gzvm. */
static int gz_create_channel(struct vm *vm, struct chan_params *p)
{
	struct gzvm_create_channel c;
	__u64 cap = GZVM_CAP_CHANNELS;

	if (!p) {
		if (ioctl(vm->dev_fd, GZVM_CHECK_EXTENSION, &cap))
			return -errno;
		return cap == 1 ? 0 : -ENOTSUP;
	}
	c = (struct gzvm_create_channel){
		.peer_fd = p->peer_fd < 0 ? GZVM_CHANNEL_PEER_HOST : p->peer_fd,
		.depth = p->depth,
		.msg_size = p->msg_size,
		.irq = p->irq,
		.peer_irq = p->peer_irq,
		.fd = -1,
	};
	if (ioctl(vm->fd, GZVM_CREATE_CHANNEL, &c))
		return -errno;
	p->id = c.id;
	p->host_fd = p->peer_fd < 0 ? c.fd : -1;
	return 0;
}

static void gz_destroy(struct vm *vm)
{
	for (int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (v->fd >= 0)
			close(v->fd);
		if (v->run)
			munmap(v->run, v->run_size);
		v->fd = -1;
		v->run = NULL;
	}
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->dev_fd >= 0)
		close(vm->dev_fd);
	vm->fd = vm->dev_fd = -1;
}

const struct backend backend_gzvm = {
	.name = "gzvm",
	.dev = "/dev/gzvm",
	.create_vm = gz_create_vm,
	.add_mem = gz_add_mem,
	.create_gic = gz_create_gic,
	.create_vcpu = gz_create_vcpu,
	.finalize = gz_finalize,
	.set_protected = gz_set_protected,
	.set_reg = gz_set_reg,
	.get_reg = gz_get_reg,
	.set_dtb = gz_set_dtb,
	.irq_line = gz_irq_line,
	.run = gz_run,
	.mmio_done = gz_mmio_done,
	.mmio_abort = gz_mmio_abort,
	.set_immediate_exit = gz_set_immediate_exit,
	.ioeventfd = gz_ioeventfd,
	.irqfd = gz_irqfd,
	.create_channel = gz_create_channel,
	.destroy = gz_destroy,
};
