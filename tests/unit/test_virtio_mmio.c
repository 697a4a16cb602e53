// SPDX-License-Identifier: GPL-2.0
/*
 * vmm/virtio_mmio.c (+ virtio_io.c, mmio.c): the virtio-mmio version 2
 * register file as a driver sees it through the MMIO bus, on a fake
 * backend: identification, feature negotiation, queue set-up, DRIVER_OK,
 * reset, NEEDS_RESET on bad queue sizes and rings, QueueNotify (ioeventfd
 * and the MMIO fallback), interrupts (irqfd and the IRQ_LINE fallback),
 * config space, and a request served by the I/O thread end to end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>
#include <cmocka.h>

#include "vq_guest.h"
#include "../../vmm/vmm.h"

#define BASE	VIRTIO_MMIO_BASE
#define NUM_MAX	16

/* ---- fakes for main.c and the backend ---- */

static int nr_logs;

void vmm_log(const char *fmt, ...) { (void)fmt; nr_logs++; }
void vmm_err(const char *fmt, ...) { (void)fmt; }
void vmm_dbg(struct vm *vm, const char *fmt, ...) { (void)vm; (void)fmt; }

static int ioeventfd_result, irqfd_result;
static int nr_ioeventfds, irq_pulses, irq_level;
static uint64_t ioeventfd_addr[VIRTIO_MAX_QUEUES], ioeventfd_match[VIRTIO_MAX_QUEUES];
static uint32_t irqfd_spi;

static int fake_ioeventfd(struct vm *vm, int fd, uint64_t addr, uint32_t len, uint64_t datamatch)
{
	(void)vm, (void)fd;
	assert_int_equal(len, 4);
	if (ioeventfd_result)
		return ioeventfd_result;
	ioeventfd_addr[nr_ioeventfds] = addr;
	ioeventfd_match[nr_ioeventfds++] = datamatch;
	return 0;
}

static int fake_irqfd(struct vm *vm, int fd, uint32_t spi)
{
	(void)vm, (void)fd;
	irqfd_spi = spi;
	return irqfd_result;
}

static int fake_irq_line(struct vm *vm, uint32_t spi, int level)
{
	(void)vm;
	assert_int_equal(spi, VIRTIO_MMIO_SPI);
	if (level && !irq_level)
		irq_pulses++;
	irq_level = level;
	return 0;
}

static const struct backend fake_be = {
	.name = "fake", .ioeventfd = fake_ioeventfd, .irqfd = fake_irqfd,
	.irq_line = fake_irq_line,
};

/* ---- a test device: 2 queues, 8 bytes of config ---- */

static int activations, resets, notifies[2];
static uint8_t config[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static struct virtq_elem elem;

static void t_config_read(struct virtio_dev *d, uint32_t off, void *buf, uint32_t len)
{
	(void)d;
	memcpy(buf, config + off, len);
}

static void t_config_write(struct virtio_dev *d, uint32_t off, const void *buf, uint32_t len)
{
	(void)d;
	memcpy(config + off, buf, len);
}

/* answers every chain with its first byte + 1 in its first writable byte */
static void t_notify(struct virtio_dev *d, int q)
{
	struct virtq *vq = virtio_vq(d, q);

	notifies[q]++;
	while (virtq_pop(vq, &elem) == 1) {
		uint8_t b = 0;

		iov_to_buf(elem.iov, elem.nr_out, 0, &b, 1);
		b++;
		iov_from_buf(&elem.iov[elem.nr_out], elem.nr_in, 0, &b, 1);
		virtq_push(vq, &elem, 1);
		virtio_signal_used(d);
	}
}

static int t_activate(struct virtio_dev *d)
{
	(void)d;
	activations++;
	return 0;
}

static void t_reset(struct virtio_dev *d)
{
	(void)d;
	resets++;
}

static const struct virtio_dev_ops t_ops = {
	.name = "virtio-test", .device_id = 42, .nr_queues = 2,
	.queue_max = { NUM_MAX, NUM_MAX / 2 }, .config_size = sizeof(config),
	.config_read = t_config_read, .config_write = t_config_write,
	.queue_notify = t_notify, .activate = t_activate, .reset = t_reset,
};

static struct config cfg;
static struct vm vm;
static struct vq_guest g;
static struct virtio_dev *dev;

static int setup(void **state)
{
	(void)state;
	memset(&vm, 0, sizeof(vm));
	vm.be = &fake_be;
	vm.cfg = &cfg;
	g_init(&g, NUM_MAX);
	vm.nr_slots = 1;
	vm.slots[0] = (struct mem_slot){ .gpa = G_BASE, .size = G_SIZE, .hva = g.ram };
	activations = resets = notifies[0] = notifies[1] = 0;
	nr_logs = 0;
	nr_ioeventfds = irq_pulses = irq_level = 0;
	dev = virtio_mmio_create(&vm, &t_ops, 1ULL << 3, NULL);
	assert_non_null(dev);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	virtio_io_stop(&vm);
	virtio_mmio_destroy_all(&vm);
	g_free(&g);
	return 0;
}

/* ---- the guest's accesses, through the MMIO bus ---- */

static uint32_t rd(uint64_t off)
{
	uint8_t data[4];
	uint32_t v;

	assert_true(mmio_access(&vm, BASE + off, 4, false, data));
	memcpy(&v, data, 4);
	return v;
}

static void wr(uint64_t off, uint32_t v)
{
	uint8_t data[4];

	memcpy(data, &v, 4);
	assert_true(mmio_access(&vm, BASE + off, 4, true, data));
}

static uint64_t counter(int fd)
{
	uint64_t n = 0;

	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

static void negotiate(uint64_t features)
{
	wr(0x70, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(0x70, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(0x24, 0);
	wr(0x20, (uint32_t)features);
	wr(0x24, 1);
	wr(0x20, (uint32_t)(features >> 32));
	wr(0x70, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
}

static void setup_queue(uint32_t q, uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
	wr(0x30, q);
	wr(0x38, num);
	wr(0x80, (uint32_t)desc);
	wr(0x84, (uint32_t)(desc >> 32));
	wr(0x90, (uint32_t)avail);
	wr(0x94, (uint32_t)(avail >> 32));
	wr(0xa0, (uint32_t)used);
	wr(0xa4, (uint32_t)(used >> 32));
	wr(0x44, 1);
}

static const uint32_t STATUS_OK = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				  VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK;

static void driver_ok(void)
{
	wr(0x70, STATUS_OK);
}

/* ---- tests ---- */

static void test_identification(void **state)
{
	(void)state;
	assert_int_equal(rd(0x000), 0x74726976);
	assert_int_equal(rd(0x004), 2);
	assert_int_equal(rd(0x008), 42);
	assert_int_equal(rd(0x00c), 0x4d565a47);
	assert_int_equal(rd(0x070), 0);
	assert_int_equal(dev->spi, VIRTIO_MMIO_SPI);
	assert_int_equal(irqfd_spi, VIRTIO_MMIO_SPI);
	/* one ioeventfd per queue on QueueNotify, datamatch = queue index */
	assert_int_equal(nr_ioeventfds, 2);
	assert_int_equal(ioeventfd_addr[1], BASE + 0x50);
	assert_int_equal(ioeventfd_match[1], 1);
}

static void test_features(void **state)
{
	(void)state;
	wr(0x14, 0);
	assert_int_equal(rd(0x10), 1U << 3);
	wr(0x14, 1);
	assert_int_equal(rd(0x10), 1);	/* VIRTIO_F_VERSION_1 */
	wr(0x14, 2);
	assert_int_equal(rd(0x10), 0);

	/* a feature not offered: FEATURES_OK does not stick */
	negotiate((1ULL << 32) | (1ULL << 4));
	assert_false(rd(0x70) & VIRTIO_STATUS_FEATURES_OK);
	wr(0x70, 0);
	/* without VERSION_1 (a legacy driver): refused too */
	negotiate(1ULL << 3);
	assert_false(rd(0x70) & VIRTIO_STATUS_FEATURES_OK);
	wr(0x70, 0);
	negotiate((1ULL << 32) | (1ULL << 3));
	assert_true(rd(0x70) & VIRTIO_STATUS_FEATURES_OK);
	assert_true(virtio_has_feature(dev, 3));
	/* DriverFeatures is frozen after FEATURES_OK */
	wr(0x24, 0);
	wr(0x20, 0);
	assert_true(virtio_has_feature(dev, 3));
}

static void test_queue_registers(void **state)
{
	(void)state;
	wr(0x30, 0);
	assert_int_equal(rd(0x34), NUM_MAX);
	wr(0x30, 1);
	assert_int_equal(rd(0x34), NUM_MAX / 2);
	wr(0x30, 2);
	assert_int_equal(rd(0x34), 0);	/* no such queue */
	wr(0x38, 4);			/* ignored */
	assert_int_equal(rd(0x38), 0);
	wr(0x30, 0);
	wr(0x38, 8);
	wr(0x80, 0x1234);
	wr(0x84, 0x5);
	assert_int_equal(rd(0x38), 8);
	assert_int_equal(rd(0x80), 0x1234);
	assert_int_equal(rd(0x84), 0x5);
	assert_int_equal(rd(0x44), 0);
}

static void test_driver_ok_activates(void **state)
{
	(void)state;
	negotiate(1ULL << 32);
	setup_queue(0, NUM_MAX, G_DESC, G_AVAIL, G_USED);
	assert_int_equal(rd(0x44), 1);
	assert_int_equal(activations, 0);
	driver_ok();
	assert_int_equal(rd(0x70), STATUS_OK);
	assert_int_equal(activations, 1);
	assert_true(virtio_queue_live(dev, 0));
	assert_false(virtio_queue_live(dev, 1));	/* never made ready */
	assert_ptr_equal(dev->queues[0].vq.desc, g_ptr(&g, G_DESC));
	/* each ready queue is looked at once after activation */
	assert_int_equal(counter(dev->queues[0].kick_fd), 1);
	/* a ready queue's registers no longer change */
	wr(0x30, 0);
	wr(0x38, 2);
	assert_int_equal(rd(0x38), NUM_MAX);
}

static void test_bad_queue_size_needs_reset(void **state)
{
	(void)state;
	negotiate(1ULL << 32);
	driver_ok();
	setup_queue(1, 12, G_DESC, G_AVAIL, G_USED);	/* not a power of two */
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(rd(0x44), 0);
	assert_int_equal(rd(0x60), VIRTIO_INT_CONFIG);
	assert_int_equal(counter(dev->call_fd), 1);	/* the config interrupt, through irqfd */
	assert_int_equal(rd(0xfc), 1);			/* ConfigGeneration moved */
	/* the driver's status writes keep the bit until a reset */
	wr(0x70, STATUS_OK | VIRTIO_STATUS_FAILED);
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
	wr(0x70, 0);
	assert_int_equal(rd(0x70), 0);
	assert_int_equal(rd(0x60), 0);
	assert_int_equal(resets, 1);
}

static void test_queue_size_above_max_needs_reset(void **state)
{
	(void)state;
	negotiate(1ULL << 32);
	setup_queue(1, NUM_MAX, G_DESC, G_AVAIL, G_USED);	/* queue 1's max is NUM_MAX / 2 */
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(rd(0x60), 0);	/* before DRIVER_OK: no interrupt */
	driver_ok();
	assert_int_equal(activations, 0);
	assert_false(virtio_queue_live(dev, 0));
}

static void test_ring_outside_ram_needs_reset(void **state)
{
	(void)state;
	negotiate(1ULL << 32);
	setup_queue(0, NUM_MAX, G_BASE + G_SIZE - 16, G_AVAIL, G_USED);
	driver_ok();
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(activations, 0);
	assert_int_equal(rd(0x60), VIRTIO_INT_CONFIG);
	assert_false(virtio_queue_live(dev, 0));
}

static void test_reset_clears_everything(void **state)
{
	(void)state;
	negotiate(1ULL << 32);
	setup_queue(0, NUM_MAX, G_DESC, G_AVAIL, G_USED);
	driver_ok();
	virtio_signal_used(dev);
	assert_int_equal(rd(0x60), VIRTIO_INT_USED);
	wr(0x70, 0);
	assert_int_equal(resets, 1);
	assert_int_equal(rd(0x70), 0);
	assert_int_equal(rd(0x60), 0);
	wr(0x30, 0);
	assert_int_equal(rd(0x38), 0);
	assert_int_equal(rd(0x44), 0);
	assert_int_equal(rd(0x80), 0);
	assert_false(virtio_queue_live(dev, 0));
	assert_false(virtio_has_feature(dev, VIRTIO_F_VERSION_1));
	/* and it comes up again */
	negotiate(1ULL << 32);
	setup_queue(0, NUM_MAX, G_DESC, G_AVAIL, G_USED);
	driver_ok();
	assert_int_equal(activations, 2);
	assert_true(virtio_queue_live(dev, 0));
}

/* A guest breaking the device and resetting it in a loop: every time
 * NEEDS_RESET, but only the first few are logged. */
static void test_failure_log_is_bounded(void **state)
{
	(void)state;
	for (int i = 0; i < 20; i++) {
		negotiate(1ULL << 32);
		setup_queue(0, 3, G_DESC, G_AVAIL, G_USED);
		assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
		wr(0x70, 0);
	}
	assert_int_equal(nr_logs, 8);
}

static void test_driver_ok_without_features_ok(void **state)
{
	(void)state;
	wr(0x70, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(activations, 0);
}

static void test_interrupt_status_and_ack(void **state)
{
	(void)state;
	virtio_signal_used(dev);
	virtio_signal_config(dev);
	assert_int_equal(rd(0x60), 3);
	assert_int_equal(counter(dev->call_fd), 2);
	wr(0x64, VIRTIO_INT_USED);
	assert_int_equal(rd(0x60), VIRTIO_INT_CONFIG);
	wr(0x64, VIRTIO_INT_CONFIG);
	assert_int_equal(rd(0x60), 0);
	assert_int_equal(irq_pulses, 0);	/* all through irqfd */
}

static void test_irq_line_fallback(void **state)
{
	struct virtio_dev *d2;

	(void)state;
	irqfd_result = -ENOSYS;
	ioeventfd_result = -ENOSYS;
	d2 = virtio_mmio_create(&vm, &t_ops, 0, NULL);
	irqfd_result = ioeventfd_result = 0;
	assert_non_null(d2);
	assert_false(d2->irqfd);
	assert_false(d2->queues[0].ioeventfd);
	assert_int_equal(d2->base, BASE + VIRTIO_MMIO_STRIDE);
	assert_int_equal(d2->spi, VIRTIO_MMIO_SPI + 1);
	/* its SPI is 17: make the fake accept it for this pulse */
	d2->spi = VIRTIO_MMIO_SPI;
	virtio_signal_used(d2);
	assert_int_equal(irq_pulses, 1);
	assert_int_equal(irq_level, 0);	/* a pulse: up, then down */
}

static void test_queue_notify_mmio_fallback(void **state)
{
	(void)state;
	wr(0x50, 1);
	assert_int_equal(counter(dev->queues[1].kick_fd), 1);
	assert_int_equal(counter(dev->queues[0].kick_fd), 0);
	wr(0x50, 7);	/* no such queue: ignored */
	assert_int_equal(counter(dev->queues[0].kick_fd), 0);
	assert_int_equal(counter(dev->queues[1].kick_fd), 0);
}

static void test_config_space(void **state)
{
	uint8_t data[8];
	uint64_t v = 0;

	(void)state;
	assert_true(mmio_access(&vm, BASE + 0x100, 4, false, data));
	assert_memory_equal(data, config, 4);
	assert_true(mmio_access(&vm, BASE + 0x106, 2, false, data));
	assert_memory_equal(data, config + 6, 2);
	/* past the device's 8 bytes: zero, nothing read out of bounds */
	assert_true(mmio_access(&vm, BASE + 0x106, 4, false, data));
	memcpy(&v, data, 4);
	assert_int_equal(v, 0);
	assert_true(mmio_access(&vm, BASE + 0x1f0, 8, false, data));
	memcpy(&v, data, 8);
	assert_int_equal(v, 0);
	data[0] = 0xaa;
	assert_true(mmio_access(&vm, BASE + 0x101, 1, true, data));
	assert_int_equal(config[1], 0xaa);
	config[1] = 2;
}

static void test_narrow_register_access_ignored(void **state)
{
	uint8_t data[4] = { 0 };

	(void)state;
	assert_true(mmio_access(&vm, BASE + 0x000, 2, false, data));
	assert_int_equal(data[0] | data[1], 0);
	data[0] = VIRTIO_STATUS_ACKNOWLEDGE;
	assert_true(mmio_access(&vm, BASE + 0x070, 1, true, data));
	assert_int_equal(rd(0x70), 0);
	assert_int_equal(rd(0x002 + 2), 2);	/* 0x004, aligned: fine */
}

static void wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	assert_int_equal(poll(&p, 1, 5000), 1);
}

/* A request through the I/O thread: kick -> queue_notify -> used + irqfd. */
static void test_io_thread_serves_a_request(void **state)
{
	uint32_t id, len;

	(void)state;
	assert_int_equal(virtio_io_start(&vm), 0);
	negotiate(1ULL << 32);
	setup_queue(0, NUM_MAX, G_DESC, G_AVAIL, G_USED);
	driver_ok();
	*(uint8_t *)g_ptr(&g, G_DATA) = 41;
	g_desc(&g, 0, G_DATA, 1, VIRTQ_DESC_F_NEXT, 1);
	g_desc(&g, 1, G_DATA + 0x10, 1, VIRTQ_DESC_F_WRITE, 0);
	g_avail(&g, 0);
	wr(0x50, 0);	/* what the ioeventfd does in the kernel: write the kick eventfd */
	wait_readable(dev->call_fd);
	pthread_mutex_lock(&dev->lock);
	assert_int_equal(g_used_idx(&g), 1);
	g_used_elem(&g, 0, &id, &len);
	assert_int_equal(id, 0);
	assert_int_equal(len, 1);
	assert_int_equal(*(uint8_t *)g_ptr(&g, G_DATA + 0x10), 42);
	assert_true(notifies[0] >= 1);
	pthread_mutex_unlock(&dev->lock);
	assert_int_equal(rd(0x60), VIRTIO_INT_USED);
}

/* A broken chain seen by the I/O thread: NEEDS_RESET and a config interrupt. */
static void test_io_thread_broken_chain(void **state)
{
	(void)state;
	assert_int_equal(virtio_io_start(&vm), 0);
	negotiate(1ULL << 32);
	setup_queue(0, NUM_MAX, G_DESC, G_AVAIL, G_USED);
	driver_ok();
	g_desc(&g, 0, G_DATA, 1, VIRTQ_DESC_F_NEXT, 0);	/* loops on itself */
	g_avail(&g, 0);
	wr(0x50, 0);
	wait_readable(dev->call_fd);
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(rd(0x60), VIRTIO_INT_CONFIG);
	assert_int_equal(g_used_idx(&g), 0);
	/* further kicks are ignored until a reset */
	wr(0x50, 0);
	usleep(20000);
	assert_int_equal(g_used_idx(&g), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_identification),
		T(test_features),
		T(test_queue_registers),
		T(test_driver_ok_activates),
		T(test_bad_queue_size_needs_reset),
		T(test_queue_size_above_max_needs_reset),
		T(test_ring_outside_ram_needs_reset),
		T(test_reset_clears_everything),
		T(test_failure_log_is_bounded),
		T(test_driver_ok_without_features_ok),
		T(test_interrupt_status_and_ack),
		T(test_irq_line_fallback),
		T(test_queue_notify_mmio_fallback),
		T(test_config_space),
		T(test_narrow_register_access_ignored),
		T(test_io_thread_serves_a_request),
		T(test_io_thread_broken_chain),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
