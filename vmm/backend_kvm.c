// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm backend: /dev/kvm on an arm64 host booted at EL2 (the comparison
 * board, tools/board.sh --no-hyp).  Same guest, same devices.
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
#include <linux/kvm.h>

#include "vmm.h"

static int kvm_create_vm(struct vm *vm)
{
	int v;

	vm->dev_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->dev_fd < 0)
		return -errno;
	v = ioctl(vm->dev_fd, KVM_GET_API_VERSION, 0);
	if (v != KVM_API_VERSION)
		return -ENOTSUP;
	vm->fd = ioctl(vm->dev_fd, KVM_CREATE_VM, 0);	/* 40-bit IPA */
	if (vm->fd < 0)
		return -errno;
	return 0;
}

static int kvm_add_mem(struct vm *vm, int slot, uint64_t gpa, uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = (uint32_t)slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};

	return ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r) ? -errno : 0;
}

static int gic_attr(struct vm *vm, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (uint64_t)(uintptr_t)val,
	};

	return ioctl(vm->gic_fd, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

static int kvm_create_gic(struct vm *vm)
{
	struct kvm_create_device d = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = GIC_DIST_BASE, redist = GIC_REDIST_BASE;
	int r;

	if (ioctl(vm->fd, KVM_CREATE_DEVICE, &d))
		return -errno;
	vm->gic_fd = (int)d.fd;
	r = gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist);
	if (!r)
		r = gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist);
	return r;
}

static int kvm_create_vcpu(struct vm *vm, struct vcpu *vcpu)
{
	struct kvm_vcpu_init init;
	int sz;

	vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, vcpu->id);
	if (vcpu->fd < 0)
		return -errno;
	sz = ioctl(vm->dev_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz <= 0)
		return -errno;
	vcpu->run_size = (size_t)sz;
	vcpu->run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		vcpu->run = NULL;
		return -errno;
	}
	memset(&init, 0, sizeof(init));
	if (ioctl(vm->fd, KVM_ARM_PREFERRED_TARGET, &init))
		return -errno;
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	/* secondaries wait for the guest's PSCI CPU_ON */
	if (vcpu->id != 0)
		init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init))
		return -errno;
	return 0;
}

static int kvm_finalize(struct vm *vm)
{
	uint32_t nr_irqs = 32 + 64 + 32;	/* SGIs/PPIs + 96 SPIs, a multiple of 32 */
	int r;

	r = gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs);
	if (r)
		return r;
	return gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
}

/* The GZVM_REG_* ids are KVM's encoding. */
static int kvm_set_reg(struct vcpu *vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&val };

	return ioctl(vcpu->fd, KVM_SET_ONE_REG, &r) ? -errno : 0;
}

static int kvm_set_dtb(struct vm *vm, uint64_t gpa, uint64_t size)
{
	(void)vm, (void)gpa, (void)size;
	return 0;	/* x0 is enough */
}

static int kvm_irq_line(struct vm *vm, uint32_t spi, int level)
{
	struct kvm_irq_level l = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (32 + spi),
		.level = level ? 1 : 0,
	};

	return ioctl(vm->fd, KVM_IRQ_LINE, &l) ? -errno : 0;
}

static int kvm_run(struct vcpu *vcpu, struct vcpu_exit *e)
{
	struct kvm_run *run = vcpu->run;

	memset(e, 0, sizeof(*e));
	if (ioctl(vcpu->fd, KVM_RUN, 0)) {
		if (errno == EINTR || errno == EAGAIN) {
			run->immediate_exit = 0;
			e->kind = EXIT_K_INTR;
			return 0;
		}
		return -errno;
	}
	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		e->kind = EXIT_K_MMIO;
		e->addr = run->mmio.phys_addr;
		e->len = run->mmio.len;
		e->is_write = run->mmio.is_write;
		memcpy(e->data, run->mmio.data, 8);
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		switch (run->system_event.type) {
		case KVM_SYSTEM_EVENT_SHUTDOWN:
			e->kind = EXIT_K_SHUTDOWN;
			break;
		case KVM_SYSTEM_EVENT_RESET:
			e->kind = EXIT_K_RESET;
			break;
		default:
			e->kind = EXIT_K_CRASH;
			snprintf(e->why, sizeof(e->why), "system event type %u",
				 run->system_event.type);
			break;
		}
		break;
	case KVM_EXIT_INTR:
		e->kind = EXIT_K_INTR;
		break;
	default:
		e->kind = EXIT_K_FATAL;
		snprintf(e->why, sizeof(e->why), "KVM exit reason %u", run->exit_reason);
		break;
	}
	return 0;
}

static void kvm_mmio_done(struct vcpu *vcpu, const uint8_t *data, uint32_t len)
{
	struct kvm_run *run = vcpu->run;

	memcpy(run->mmio.data, data, len > 8 ? 8 : len);
}

/* KVM_CAP_ARM_INJECT_EXT_DABT: KVM injects the abort instead of completing the access */
static int kvm_mmio_abort(struct vcpu *vcpu)
{
	struct kvm_vcpu_events ev;

	memset(&ev, 0, sizeof(ev));
	ev.exception.ext_dabt_pending = 1;
	return ioctl(vcpu->fd, KVM_SET_VCPU_EVENTS, &ev) ? -errno : 0;
}

static void kvm_set_immediate_exit(struct vcpu *vcpu, bool on)
{
	struct kvm_run *run = vcpu->run;

	if (run)
		__atomic_store_n(&run->immediate_exit, on ? 1 : 0, __ATOMIC_SEQ_CST);
}

static int kvm_ioeventfd(struct vm *vm, int fd, uint64_t addr, uint32_t len, uint64_t datamatch)
{
	struct kvm_ioeventfd io = {
		.datamatch = datamatch,
		.addr = addr,
		.len = len,
		.fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	return ioctl(vm->fd, KVM_IOEVENTFD, &io) ? -errno : 0;
}

/* arm64's default routing: gsi n is SPI n (INTID 32 + n). */
static int kvm_irqfd(struct vm *vm, int fd, uint32_t spi)
{
	struct kvm_irqfd irqfd = { .fd = (uint32_t)fd, .gsi = spi };

	return ioctl(vm->fd, KVM_IRQFD, &irqfd) ? -errno : 0;
}

static void kvm_destroy(struct vm *vm)
{
	for (int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (v->run)
			munmap(v->run, v->run_size);
		if (v->fd >= 0)
			close(v->fd);
		v->fd = -1;
		v->run = NULL;
	}
	if (vm->gic_fd >= 0)
		close(vm->gic_fd);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->dev_fd >= 0)
		close(vm->dev_fd);
	vm->gic_fd = vm->fd = vm->dev_fd = -1;
}

const struct backend backend_kvm = {
	.name = "kvm",
	.dev = "/dev/kvm",
	.create_vm = kvm_create_vm,
	.add_mem = kvm_add_mem,
	.create_gic = kvm_create_gic,
	.create_vcpu = kvm_create_vcpu,
	.finalize = kvm_finalize,
	.set_reg = kvm_set_reg,
	.set_dtb = kvm_set_dtb,
	.irq_line = kvm_irq_line,
	.run = kvm_run,
	.mmio_done = kvm_mmio_done,
	.mmio_abort = kvm_mmio_abort,
	.set_immediate_exit = kvm_set_immediate_exit,
	.ioeventfd = kvm_ioeventfd,
	.irqfd = kvm_irqfd,
	.destroy = kvm_destroy,
};
