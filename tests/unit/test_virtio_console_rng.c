// SPDX-License-Identifier: GPL-2.0
/*
 * vmm/virtio_console.c and vmm/virtio_rng.c through the real transport and
 * I/O thread, on pipes and a pty instead of stdin/stdout: transmit to the
 * output fd, receive from the input fd only into the guest's buffers,
 * input waiting while there is no buffer, Ctrl-a x / Ctrl-a Ctrl-a on a
 * terminal, random bytes in every writable byte, and buffers in the wrong
 * direction (NEEDS_RESET).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <cmocka.h>

#include "vq_guest.h"
#include "../../vmm/vmm.h"

#define RXQ_DESC	(G_BASE + 0x0000)
#define RXQ_AVAIL	(G_BASE + 0x1000)
#define RXQ_USED	(G_BASE + 0x2000)
#define TXQ_DESC	(G_BASE + 0x4000)
#define TXQ_AVAIL	(G_BASE + 0x5000)
#define TXQ_USED	(G_BASE + 0x6000)
#define QNUM		8

/* ---- fakes ---- */

void vmm_log(const char *fmt, ...) { (void)fmt; }
void vmm_err(const char *fmt, ...) { (void)fmt; }
void vmm_dbg(struct vm *vm, const char *fmt, ...) { (void)vm; (void)fmt; }
void console_tty_raw(void) { }

static char watched[256];
static size_t nr_watched;
static int exit_code = -1;

void console_watch_output(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len && nr_watched < sizeof(watched) - 1; i++)
		watched[nr_watched++] = (char)buf[i];
}

void vmm_request_exit(struct vm *vm, int code, const char *why)
{
	(void)vm, (void)why;
	exit_code = code;
}

static int fake_irq_line(struct vm *vm, uint32_t spi, int level)
{
	(void)vm, (void)spi, (void)level;
	return 0;
}

static const struct backend fake_be = { .name = "fake", .irq_line = fake_irq_line };

static struct config cfg;
static struct vm vm;
static struct vq_guest g;
static struct virtio_dev *dev;
static int in_pipe[2] = { -1, -1 }, out_pipe[2] = { -1, -1 }, pty_master = -1;

static void wr(uint64_t off, uint32_t v)
{
	virtio_mmio_write(dev, off, 4, v);
}

static uint32_t rd(uint64_t off)
{
	return (uint32_t)virtio_mmio_read(dev, off, 4);
}

static void init_vm(void)
{
	memset(&vm, 0, sizeof(vm));
	vm.be = &fake_be;
	vm.cfg = &cfg;
	g_init(&g, QNUM);
	vm.nr_slots = 1;
	vm.slots[0] = (struct mem_slot){ .gpa = G_BASE, .size = G_SIZE, .hva = g.ram };
	nr_watched = 0;
	exit_code = -1;
}

static void queue(uint32_t q, uint64_t desc, uint64_t avail, uint64_t used)
{
	wr(0x30, q);
	wr(0x38, QNUM);
	wr(0x80, (uint32_t)desc);
	wr(0x90, (uint32_t)avail);
	wr(0xa0, (uint32_t)used);
	wr(0x44, 1);
}

/* the driver's side: features, queues, DRIVER_OK; then the I/O thread */
static void bring_up(int nr_queues)
{
	wr(0x70, 3);
	wr(0x24, 1);
	wr(0x20, 1);
	wr(0x70, 11);
	queue(0, RXQ_DESC, RXQ_AVAIL, RXQ_USED);
	if (nr_queues > 1)
		queue(1, TXQ_DESC, TXQ_AVAIL, TXQ_USED);
	wr(0x70, 15);
	assert_int_equal(rd(0x70), 15);
	assert_int_equal(virtio_io_start(&vm), 0);
}

static int teardown(void **state)
{
	(void)state;
	virtio_io_stop(&vm);
	virtio_mmio_destroy_all(&vm);
	for (int i = 0; i < 2; i++) {
		if (in_pipe[i] >= 0)
			close(in_pipe[i]);
		if (out_pipe[i] >= 0)
			close(out_pipe[i]);
		in_pipe[i] = out_pipe[i] = -1;
	}
	if (pty_master >= 0)
		close(pty_master);
	pty_master = -1;
	g_free(&g);
	return 0;
}

/* make the chain at head available, as a driver does (the I/O thread runs) */
static void publish(uint64_t avail_gpa, uint16_t head)
{
	uint16_t *idx = g_ptr(&g, avail_gpa + 2);
	uint16_t *ring = g_ptr(&g, avail_gpa + 4);

	ring[*idx % QNUM] = head;
	__atomic_store_n(idx, (uint16_t)(*idx + 1), __ATOMIC_RELEASE);
}

/* one single-descriptor buffer (descriptor `slot`) */
static void give(uint64_t desc_gpa, uint64_t avail_gpa, uint16_t slot, uint64_t buf, uint32_t len,
		 uint16_t flags)
{
	g_desc_at(&g, desc_gpa, slot, buf, len, flags, 0);
	publish(avail_gpa, slot);
}

static uint16_t used_idx(uint64_t used_gpa)
{
	return __atomic_load_n((uint16_t *)g_ptr(&g, used_gpa + 2), __ATOMIC_ACQUIRE);
}

static uint32_t used_len(uint64_t used_gpa, uint16_t i)
{
	uint32_t len;

	memcpy(&len, (uint8_t *)g_ptr(&g, used_gpa + 4) + 8 * (i % QNUM) + 4, 4);
	return len;
}

/* wait (bounded) until used->idx of the ring reaches n */
static void wait_used(uint64_t used_gpa, uint16_t n)
{
	for (int i = 0; i < 500 && used_idx(used_gpa) != n; i++)
		usleep(10000);
	assert_int_equal(used_idx(used_gpa), n);
}

static void kick(uint32_t q)
{
	wr(0x50, q);
}

static void make_console(bool pty)
{
	init_vm();
	assert_int_equal(pipe(out_pipe), 0);
	if (pty) {
		struct termios t;
		int slave;

		pty_master = posix_openpt(O_RDWR | O_NOCTTY);
		assert_true(pty_master >= 0);
		assert_int_equal(grantpt(pty_master), 0);
		assert_int_equal(unlockpt(pty_master), 0);
		slave = open(ptsname(pty_master), O_RDWR | O_NOCTTY);
		assert_true(slave >= 0);
		tcgetattr(slave, &t);
		cfmakeraw(&t);
		tcsetattr(slave, TCSANOW, &t);
		in_pipe[0] = slave;
	} else {
		assert_int_equal(pipe(in_pipe), 0);
	}
	assert_int_equal(virtio_console_create_fds(&vm, in_pipe[0], out_pipe[1]), 0);
	dev = vm.virtio[0];
	assert_int_equal(rd(0x08), VIRTIO_ID_CONSOLE);
}

static void test_console_transmit(void **state)
{
	char out[64] = { 0 };

	(void)state;
	make_console(false);
	bring_up(2);
	memcpy(g_ptr(&g, G_DATA), "hello, ", 7);
	memcpy(g_ptr(&g, G_DATA + 0x100), "host\n", 5);
	g_desc_at(&g, TXQ_DESC, 0, G_DATA, 7, VIRTQ_DESC_F_NEXT, 1);
	g_desc_at(&g, TXQ_DESC, 1, G_DATA + 0x100, 5, 0, 0);
	publish(TXQ_AVAIL, 0);
	kick(1);
	wait_used(TXQ_USED, 1);
	assert_int_equal(used_len(TXQ_USED, 0), 0);
	assert_int_equal(read(out_pipe[0], out, sizeof(out)), 12);
	assert_string_equal(out, "hello, host\n");
	assert_int_equal(nr_watched, 12);	/* --time-marker sees it too */
}

static void test_console_receive(void **state)
{
	(void)state;
	make_console(false);
	bring_up(2);
	/* input before any buffer waits in the pipe */
	assert_int_equal(write(in_pipe[1], "abcdefgh", 8), 8);
	usleep(50000);
	assert_int_equal(used_idx(RXQ_USED), 0);
	give(RXQ_DESC, RXQ_AVAIL, 0, G_DATA, 5, VIRTQ_DESC_F_WRITE);
	kick(0);
	wait_used(RXQ_USED, 1);
	assert_int_equal(used_len(RXQ_USED, 0), 5);
	assert_memory_equal(g_ptr(&g, G_DATA), "abcde", 5);
	give(RXQ_DESC, RXQ_AVAIL, 1, G_DATA + 0x100, 64, VIRTQ_DESC_F_WRITE);
	kick(0);
	wait_used(RXQ_USED, 2);
	assert_int_equal(used_len(RXQ_USED, 1), 3);
	assert_memory_equal(g_ptr(&g, G_DATA + 0x100), "fgh", 3);
	assert_false(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
}

static void test_console_eof(void **state)
{
	(void)state;
	make_console(false);
	bring_up(2);
	give(RXQ_DESC, RXQ_AVAIL, 0, G_DATA, 16, VIRTQ_DESC_F_WRITE);
	kick(0);
	close(in_pipe[1]);
	in_pipe[1] = -1;
	usleep(100000);
	/* the buffer stays with the device, nothing breaks */
	assert_int_equal(used_idx(RXQ_USED), 0);
	assert_false(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
}

static void test_console_ctrl_a(void **state)
{
	(void)state;
	make_console(true);
	bring_up(2);
	give(RXQ_DESC, RXQ_AVAIL, 0, G_DATA, 16, VIRTQ_DESC_F_WRITE);
	kick(0);
	/* Ctrl-a Ctrl-a is one Ctrl-a for the guest */
	assert_int_equal(write(pty_master, "a\x01\x01z", 4), 4);
	wait_used(RXQ_USED, 1);
	assert_int_equal(used_len(RXQ_USED, 0), 3);
	assert_memory_equal(g_ptr(&g, G_DATA), "a\x01z", 3);
	assert_int_equal(exit_code, -1);
	give(RXQ_DESC, RXQ_AVAIL, 1, G_DATA + 0x100, 16, VIRTQ_DESC_F_WRITE);
	kick(0);
	assert_int_equal(write(pty_master, "\x01x", 2), 2);
	for (int i = 0; i < 500 && exit_code < 0; i++)
		usleep(10000);
	assert_int_equal(exit_code, 130);
	assert_int_equal(used_idx(RXQ_USED), 1);	/* the escape is not input */
}

static void test_console_wrong_directions(void **state)
{
	(void)state;
	make_console(false);
	bring_up(2);
	give(TXQ_DESC, TXQ_AVAIL, 0, G_DATA, 8, VIRTQ_DESC_F_WRITE);	/* writable tx */
	kick(1);
	for (int i = 0; i < 500 && !(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET); i++)
		usleep(10000);
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(used_idx(TXQ_USED), 0);

	teardown(NULL);
	make_console(false);
	bring_up(2);
	give(RXQ_DESC, RXQ_AVAIL, 0, G_DATA, 8, 0);	/* readable rx */
	kick(0);
	assert_int_equal(write(in_pipe[1], "x", 1), 1);
	for (int i = 0; i < 500 && !(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET); i++)
		usleep(10000);
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(used_idx(RXQ_USED), 0);
}

static void test_rng_fills_buffers(void **state)
{
	static const uint8_t zero[4096];
	uint8_t first[64];

	(void)state;
	init_vm();
	assert_int_equal(virtio_rng_create(&vm), 0);
	dev = vm.virtio[0];
	assert_int_equal(rd(0x08), VIRTIO_ID_RNG);
	bring_up(1);
	give(RXQ_DESC, RXQ_AVAIL, 0, G_DATA, 4096, VIRTQ_DESC_F_WRITE);
	give(RXQ_DESC, RXQ_AVAIL, 1, G_DATA + 0x2000, 64, VIRTQ_DESC_F_WRITE);
	kick(0);
	wait_used(RXQ_USED, 2);
	assert_int_equal(used_len(RXQ_USED, 0), 4096);
	assert_int_equal(used_len(RXQ_USED, 1), 64);
	/* 4096 random bytes are not all zero, nor equal to the next 64 */
	assert_memory_not_equal(g_ptr(&g, G_DATA), zero, 4096);
	memcpy(first, g_ptr(&g, G_DATA), 64);
	assert_memory_not_equal(first, g_ptr(&g, G_DATA + 0x2000), 64);
}

static void test_rng_readable_buffer_needs_reset(void **state)
{
	(void)state;
	init_vm();
	assert_int_equal(virtio_rng_create(&vm), 0);
	dev = vm.virtio[0];
	bring_up(1);
	give(RXQ_DESC, RXQ_AVAIL, 0, G_DATA, 64, 0);
	kick(0);
	for (int i = 0; i < 500 && !(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET); i++)
		usleep(10000);
	assert_true(rd(0x70) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(used_idx(RXQ_USED), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, teardown)
		T(test_console_transmit),
		T(test_console_receive),
		T(test_console_eof),
		T(test_console_ctrl_a),
		T(test_console_wrong_directions),
		T(test_rng_fills_buffers),
		T(test_rng_readable_buffer_needs_reset),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
