// SPDX-License-Identifier: GPL-2.0
/*
 * vmm/virtio_net.c through the real transport and I/O thread, with a
 * SOCK_SEQPACKET socket pair standing in for the tap (one frame per
 * message, as a tap reads and writes them): --net parsing, config space
 * and features, frames sent (header and payload reach the "tap"
 * unchanged, short ones are dropped, a writable buffer breaks the queue),
 * frames received (length, payload, num_buffers = 1), a frame that waits
 * in the tap while the guest has no receive buffer and arrives once it
 * posts one, a device-readable receive buffer (NEEDS_RESET), and the
 * tap's end of file (no spinning on it).
 * Also the transport's InterruptStatus for a device whose used buffers the
 * kernel signals (vhost: ops->used_irq_external).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "vq_guest.h"
#include "../../vmm/vmm.h"

#define RXQ		0
#define TXQ		1
#define QSIZE		16
/* queue q's rings: q * 0x8000 above the vq_guest layout */
#define Q_DESC(q)	(G_DESC + 0x8000ULL * (q))
#define Q_AVAIL(q)	(G_AVAIL + 0x8000ULL * (q))
#define Q_USED(q)	(G_USED + 0x8000ULL * (q))
#define RXBUF_GPA	(G_DATA + 0x10000)
#define TXBUF_GPA	(G_DATA + 0x18000)
#define HDR		12

void vmm_log(const char *fmt, ...) { (void)fmt; }
void vmm_err(const char *fmt, ...) { (void)fmt; }
void vmm_dbg(struct vm *vm, const char *fmt, ...) { (void)vm; (void)fmt; }

static int irqs;

static int fake_irq_line(struct vm *vm, uint32_t spi, int level)
{
	(void)vm, (void)spi;
	__atomic_add_fetch(&irqs, level, __ATOMIC_RELAXED);
	return 0;
}

/* readv, counted (-Wl,--wrap=readv in test_virtio_net.mk): how often the device read the tap */
ssize_t __real_readv(int fd, const struct iovec *iov, int n);
ssize_t __wrap_readv(int fd, const struct iovec *iov, int n);
static int tap_reads;

ssize_t __wrap_readv(int fd, const struct iovec *iov, int n)
{
	__atomic_add_fetch(&tap_reads, 1, __ATOMIC_RELAXED);
	return __real_readv(fd, iov, n);
}

static const struct backend fake_be = { .name = "fake", .irq_line = fake_irq_line };
static const uint8_t test_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

static struct config cfg;
static struct vm vm;
static struct vq_guest g;
static struct virtio_dev *dev;
static int peer;		/* the host's side of the "tap" */
static uint16_t avail_idx[2], next_desc[2];

static void wr(uint64_t off, uint32_t v)
{
	virtio_mmio_write(dev, off, 4, v);
}

static uint32_t rd(uint64_t off)
{
	return (uint32_t)virtio_mmio_read(dev, off, 4);
}

static void setup_queue(int q)
{
	wr(0x30, (uint32_t)q);
	wr(0x38, QSIZE);
	wr(0x80, (uint32_t)Q_DESC(q));
	wr(0x84, (uint32_t)(Q_DESC(q) >> 32));
	wr(0x90, (uint32_t)Q_AVAIL(q));
	wr(0xa0, (uint32_t)Q_USED(q));
	wr(0x44, 1);
}

/* The device on a socket pair, brought up by a driver, the I/O thread running. */
static int setup(void **state)
{
	int sv[2];

	(void)state;
	memset(&vm, 0, sizeof(vm));
	vm.be = &fake_be;
	vm.cfg = &cfg;
	g_init(&g, QSIZE);
	vm.nr_slots = 1;
	vm.slots[0] = (struct mem_slot){ .gpa = G_BASE, .size = G_SIZE, .hva = g.ram };
	memset(avail_idx, 0, sizeof(avail_idx));
	memset(next_desc, 0, sizeof(next_desc));
	irqs = 0;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv), 0);
	peer = sv[1];
	assert_int_equal(virtio_net_create_fd(&vm, sv[0], "fake0", test_mac), 0);
	dev = vm.virtio[0];
	assert_int_equal(virtio_io_start(&vm), 0);
	return 0;
}

static void bring_up(void)
{
	wr(0x70, 3);
	wr(0x24, 1);
	wr(0x20, 1);	/* VERSION_1 */
	wr(0x24, 0);
	wr(0x20, (1U << 5) | (1U << 16));
	wr(0x70, 11);
	assert_int_equal(rd(0x70), 11);
	setup_queue(RXQ);
	setup_queue(TXQ);
	wr(0x70, 15);
	assert_int_equal(rd(0x70), 15);
}

static int teardown(void **state)
{
	(void)state;
	virtio_io_stop(&vm);
	virtio_mmio_destroy_all(&vm);
	if (peer >= 0)
		close(peer);
	g_free(&g);
	return 0;
}

/* descriptor i of queue q */
static uint16_t desc(int q, uint64_t addr, uint32_t len, uint16_t flags)
{
	uint16_t i = next_desc[q]++;

	g_desc_at(&g, Q_DESC(q), i, addr, len, flags, (uint16_t)(i + 1));
	return i;
}

static void avail(int q, uint16_t head)
{
	uint16_t *ring = (uint16_t *)g_ptr(&g, Q_AVAIL(q) + 4);

	pthread_mutex_lock(&dev->lock);
	ring[avail_idx[q] % QSIZE] = head;
	avail_idx[q]++;
	__atomic_store_n((uint16_t *)g_ptr(&g, Q_AVAIL(q) + 2), avail_idx[q], __ATOMIC_RELEASE);
	pthread_mutex_unlock(&dev->lock);
	wr(0x50, (uint32_t)q);	/* the kick (no ioeventfd on the fake backend) */
}

static uint16_t used_idx(int q)
{
	return __atomic_load_n((uint16_t *)g_ptr(&g, Q_USED(q) + 2), __ATOMIC_ACQUIRE);
}

/* Wait up to 5 s for queue q's used index to reach want. */
static bool wait_used(int q, uint16_t want)
{
	for (int i = 0; i < 5000; i++) {
		if (used_idx(q) == want)
			return true;
		usleep(1000);
	}
	return false;
}

static uint32_t used_len(int q, uint16_t slot)
{
	uint32_t id, len;
	uint8_t *e = (uint8_t *)g_ptr(&g, Q_USED(q) + 4) + 8 * (size_t)(slot % QSIZE);

	memcpy(&id, e, 4);
	memcpy(&len, e + 4, 4);
	return len;
}

static void fill(uint8_t *p, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 13);
}

/* ---- --net parsing ---- */

static void test_spec_parse(void **state)
{
	struct net_spec ns;
	const char *why;

	(void)state;
	assert_int_equal(net_spec_parse("tap=tap0", 0, &ns, &why), 0);
	assert_string_equal(ns.ifname, "tap0");
	assert_memory_equal(ns.mac, ((uint8_t[]){ 0x02, 0x67, 0x7a, 0x76, 0x6d, 0x01 }), 6);
	assert_int_equal(net_spec_parse("tap=vm1,mac=52:54:00:AB:cd:0f", 2, &ns, &why), 0);
	assert_string_equal(ns.ifname, "vm1");
	assert_memory_equal(ns.mac, ((uint8_t[]){ 0x52, 0x54, 0x00, 0xab, 0xcd, 0x0f }), 6);
	assert_int_equal(net_spec_parse("mac=52:54:00:ab:cd:0f,tap=x", 1, &ns, &why), 0);
	assert_int_equal(net_spec_parse("tap=tap0", 3, &ns, &why), 0);
	assert_int_equal(ns.mac[5], 4);

	static const char *const bad[] = {
		"", "tap", "tap=", "mac=52:54:00:ab:cd:0f", "tap=a,foo=1", "tap=a,",
		"tap=0123456789abcdef", "tap=a/b", "tap=a:b", "tap=..", "tap=a b",
		"tap=a,mac=01:00:5e:00:00:01", "tap=a,mac=00:00:00:00:00:00",
		"tap=a,mac=52:54:00:ab:cd", "tap=a,mac=52:54:00:ab:cd:0g",
		"tap=a,mac=52-54-00-ab-cd-0f", "tap=a,mac=52:54:00:ab:cd:0f0",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (net_spec_parse(bad[i], 0, &ns, &why) != -1 || !why)
			fail_msg("'%s' was accepted", bad[i]);
	}
	assert_int_equal(net_spec_parse("tap=0123456789abcde", 0, &ns, &why), 0);	/* 15 */
}

/* ---- config, features ---- */

static void test_config_and_features(void **state)
{
	uint8_t mac[6];

	(void)state;
	assert_int_equal(rd(0x08), VIRTIO_ID_NET);
	wr(0x14, 0);
	assert_int_equal(rd(0x10), (1U << 5) | (1U << 16));
	wr(0x14, 1);
	assert_int_equal(rd(0x10), 1);	/* VERSION_1 */
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)virtio_mmio_read(dev, 0x100 + (uint64_t)i, 1);
	assert_memory_equal(mac, test_mac, 6);
	assert_int_equal(virtio_mmio_read(dev, 0x106, 2), 1);	/* VIRTIO_NET_S_LINK_UP */
	assert_int_equal(virtio_mmio_read(dev, 0x108, 4), 0);	/* past the config: nothing */
}

/* ---- transmit ---- */

static void test_tx_frame_reaches_tap(void **state)
{
	uint8_t *hdr = g_ptr(&g, TXBUF_GPA), *payload = g_ptr(&g, TXBUF_GPA + 0x100);
	uint8_t got[2048];
	uint16_t head;
	struct pollfd p = { .fd = peer, .events = POLLIN };

	(void)state;
	bring_up();
	memset(hdr, 0, HDR);
	fill(payload, 60, 7);
	head = desc(TXQ, TXBUF_GPA, HDR, VIRTQ_DESC_F_NEXT);
	g_desc_at(&g, Q_DESC(TXQ), desc(TXQ, TXBUF_GPA + 0x100, 60, 0), TXBUF_GPA + 0x100, 60, 0, 0);
	avail(TXQ, head);
	assert_true(wait_used(TXQ, 1));
	assert_int_equal(used_len(TXQ, 0), 0);
	assert_int_equal(poll(&p, 1, 5000), 1);
	assert_int_equal(recv(peer, got, sizeof(got), 0), HDR + 60);
	assert_memory_equal(got, hdr, HDR);
	assert_memory_equal(got + HDR, payload, 60);
	assert_true(__atomic_load_n(&irqs, __ATOMIC_RELAXED) >= 1);
}

static void test_tx_header_only_is_dropped(void **state)
{
	uint8_t got[64];
	uint16_t head;

	(void)state;
	bring_up();
	head = desc(TXQ, TXBUF_GPA, HDR, 0);
	avail(TXQ, head);
	assert_true(wait_used(TXQ, 1));		/* the buffer goes back */
	usleep(20000);
	assert_int_equal(recv(peer, got, sizeof(got), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET, 0);
}

static void test_tx_writable_buffer_needs_reset(void **state)
{
	uint16_t head;

	(void)state;
	bring_up();
	head = desc(TXQ, TXBUF_GPA, 100, VIRTQ_DESC_F_WRITE);
	g_desc_at(&g, Q_DESC(TXQ), head, TXBUF_GPA, 100, VIRTQ_DESC_F_WRITE, 0);
	avail(TXQ, head);
	for (int i = 0; i < 5000 && !(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET); i++)
		usleep(1000);
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(used_idx(TXQ), 0);
}

/* ---- receive ---- */

static void post_rx(uint64_t gpa, uint32_t len, uint16_t flags)
{
	uint16_t head = desc(RXQ, gpa, len, flags);

	g_desc_at(&g, Q_DESC(RXQ), head, gpa, len, flags, 0);
	avail(RXQ, head);
}

static void send_frame(size_t len, uint8_t seed)
{
	uint8_t frame[2048];

	memset(frame, 0, HDR);
	frame[HDR - 2] = 0xee;	/* num_buffers: the tap does not write it, the device must */
	fill(frame + HDR, len, seed);
	assert_int_equal(send(peer, frame, HDR + len, 0), (ssize_t)(HDR + len));
}

static void check_rx(uint16_t slot, uint64_t gpa, size_t len, uint8_t seed)
{
	uint8_t want[2048];
	uint8_t *buf = g_ptr(&g, gpa);

	fill(want, len, seed);
	assert_int_equal(used_len(RXQ, slot), HDR + len);
	assert_int_equal(buf[HDR - 2] | buf[HDR - 1] << 8, 1);	/* num_buffers */
	assert_memory_equal(buf + HDR, want, len);
}

static void test_rx_frame_reaches_guest(void **state)
{
	(void)state;
	bring_up();
	post_rx(RXBUF_GPA, 1526, VIRTQ_DESC_F_WRITE);
	post_rx(RXBUF_GPA + 0x800, 1526, VIRTQ_DESC_F_WRITE);
	send_frame(98, 1);
	send_frame(1514, 2);
	assert_true(wait_used(RXQ, 2));
	check_rx(0, RXBUF_GPA, 98, 1);
	check_rx(1, RXBUF_GPA + 0x800, 1514, 2);
	assert_true(__atomic_load_n(&irqs, __ATOMIC_RELAXED) >= 1);
	assert_int_equal(rd(0x60) & VIRTIO_INT_USED, VIRTIO_INT_USED);
}

/* No receive buffer: the frame stays in the tap (not read, not dropped) until one comes. */
static void test_rx_waits_for_buffers(void **state)
{
	(void)state;
	bring_up();
	__atomic_store_n(&tap_reads, 0, __ATOMIC_RELAXED);
	send_frame(200, 3);
	send_frame(300, 4);
	usleep(50000);
	assert_int_equal(used_idx(RXQ), 0);
	assert_int_equal(__atomic_load_n(&tap_reads, __ATOMIC_RELAXED), 0);	/* not even tried */
	post_rx(RXBUF_GPA, 1526, VIRTQ_DESC_F_WRITE);
	assert_true(wait_used(RXQ, 1));
	check_rx(0, RXBUF_GPA, 200, 3);
	usleep(50000);
	assert_int_equal(used_idx(RXQ), 1);	/* the second one still waits */
	post_rx(RXBUF_GPA + 0x800, 1526, VIRTQ_DESC_F_WRITE);
	assert_true(wait_used(RXQ, 2));
	check_rx(1, RXBUF_GPA + 0x800, 300, 4);
}

static void test_rx_readable_buffer_needs_reset(void **state)
{
	(void)state;
	bring_up();
	post_rx(RXBUF_GPA, 1526, 0);
	send_frame(64, 5);
	for (int i = 0; i < 5000 && !(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET); i++)
		usleep(1000);
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(used_idx(RXQ), 0);
}

/* The tap's end of file (here: the peer gone): no frame, and no spinning on it. */
static void test_rx_eof_stops_reading(void **state)
{
	(void)state;
	bring_up();
	close(peer);
	peer = -1;
	__atomic_store_n(&tap_reads, 0, __ATOMIC_RELAXED);
	post_rx(RXBUF_GPA, 1526, VIRTQ_DESC_F_WRITE);
	usleep(300000);
	assert_int_equal(used_idx(RXQ), 0);
	assert_int_equal(__atomic_load_n(&tap_reads, __ATOMIC_RELAXED), 1);
	assert_int_equal(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET, 0);
}

/* A reset and a second bring-up: frames flow again from index 0. */
static void test_rx_after_reset(void **state)
{
	(void)state;
	bring_up();
	post_rx(RXBUF_GPA, 1526, VIRTQ_DESC_F_WRITE);
	send_frame(100, 6);
	assert_true(wait_used(RXQ, 1));
	wr(0x70, 0);
	pthread_mutex_lock(&dev->lock);
	memset(g_ptr(&g, Q_USED(RXQ)), 0, 4 + 8 * QSIZE);
	memset(g_ptr(&g, Q_AVAIL(RXQ)), 0, 4 + 2 * QSIZE);
	pthread_mutex_unlock(&dev->lock);
	memset(avail_idx, 0, sizeof(avail_idx));
	memset(next_desc, 0, sizeof(next_desc));
	bring_up();
	post_rx(RXBUF_GPA + 0x800, 1526, VIRTQ_DESC_F_WRITE);
	send_frame(120, 7);
	assert_true(wait_used(RXQ, 1));
	check_rx(0, RXBUF_GPA + 0x800, 120, 7);
}

/* ---- InterruptStatus of a vhost-style device (ops->used_irq_external) ---- */

static const struct virtio_dev_ops external_ops = {
	.name = "external", .device_id = VIRTIO_ID_VSOCK, .nr_queues = 1,
	.queue_max = { QSIZE }, .used_irq_external = true,
};

static void test_used_irq_external(void **state)
{
	(void)state;
	memset(&vm, 0, sizeof(vm));
	vm.be = &fake_be;
	vm.cfg = &cfg;
	g_init(&g, QSIZE);
	vm.nr_slots = 1;
	vm.slots[0] = (struct mem_slot){ .gpa = G_BASE, .size = G_SIZE, .hva = g.ram };
	peer = -1;
	dev = virtio_mmio_create(&vm, &external_ops, 0, NULL);
	assert_non_null(dev);
	assert_int_equal(rd(0x60), 0);	/* not live: nothing */
	wr(0x70, 3);
	wr(0x24, 1);
	wr(0x20, 1);
	wr(0x70, 11);
	setup_queue(0);
	assert_int_equal(rd(0x60), 0);
	wr(0x70, 15);
	assert_int_equal(rd(0x60), VIRTIO_INT_USED);	/* live: bit 0, whatever was acked */
	wr(0x64, VIRTIO_INT_USED);
	assert_int_equal(rd(0x60), VIRTIO_INT_USED);
	wr(0x70, 0);
	assert_int_equal(rd(0x60), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_parse),
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_config_and_features),
		T(test_tx_frame_reaches_tap),
		T(test_tx_header_only_is_dropped),
		T(test_tx_writable_buffer_needs_reset),
		T(test_rx_frame_reaches_guest),
		T(test_rx_waits_for_buffers),
		T(test_rx_readable_buffer_needs_reset),
		T(test_rx_eof_stops_reading),
		T(test_rx_after_reset),
#undef T
		cmocka_unit_test_teardown(test_used_irq_external, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
