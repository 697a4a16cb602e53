// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console (virtio 1.1, 5.3), one port, no feature bits: the guest's
 * hvc0 with --console virtio.  Port 0's receiveq (queue 0) gets stdin,
 * its transmitq (queue 1) goes to stdout.  The PL011 keeps writing to
 * stdout for the early console but no longer reads stdin.
 *
 * stdin is watched by the I/O thread only while the guest has receive
 * buffers; when they run out it stops watching until the guest kicks the
 * receiveq again, so input waits in the kernel's pipe/terminal buffer.
 * With a terminal on stdin: raw mode, Ctrl-a x quits, Ctrl-a Ctrl-a sends
 * Ctrl-a (as with the PL011).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "vmm.h"
#include "virtio.h"

#define RXQ		0
#define TXQ		1
#define CONSOLE_QUEUE_SIZE	128
#define RX_CHUNK	4096

struct console_config {
	uint16_t cols;
	uint16_t rows;
	uint32_t max_nr_ports;
	uint32_t emerg_wr;
} __attribute__((packed));

struct vconsole {
	struct vm *vm;
	int in_fd, out_fd;
	int in_handle;		/* I/O thread handle of stdin */
	bool in_eof;
	bool tty, esc;
	struct console_config config;
	struct virtq_elem elem;
};

static void console_config_read(struct virtio_dev *d, uint32_t off, void *buf, uint32_t len)
{
	struct vconsole *c = d->priv;

	memcpy(buf, (uint8_t *)&c->config + off, len);
}

static void write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;		/* stdout gone: the guest's output is lost */
		p += n;
		len -= (size_t)n;
	}
}

static void console_tx(struct virtio_dev *d, struct vconsole *c)
{
	struct virtq *vq = virtio_vq(d, TXQ);
	bool done = false;

	while (virtq_pop(vq, &c->elem) == 1) {
		if (c->elem.nr_in) {
			virtq_fail(vq, "virtio-console transmit buffer is device-writable");
			return;
		}
		for (unsigned int i = 0; i < c->elem.nr_out; i++) {
			const struct iovec *v = &c->elem.iov[i];

			write_all(c->out_fd, v->iov_base, v->iov_len);
			console_watch_output(v->iov_base, v->iov_len);
		}
		virtq_push(vq, &c->elem, 0);
		done = true;
	}
	if (done)
		virtio_signal_used(d);
}

/* Ctrl-a handling on a terminal; returns the bytes kept, or -1 for Ctrl-a x. */
static ssize_t filter_input(struct vconsole *c, uint8_t *buf, ssize_t n)
{
	ssize_t k = 0;

	if (!c->tty)
		return n;
	for (ssize_t i = 0; i < n; i++) {
		uint8_t ch = buf[i];

		if (c->esc) {
			c->esc = false;
			if (ch == 'x')
				return -1;
			if (ch != 1)
				buf[k++] = 1;
		} else if (ch == 1) {
			c->esc = true;
			continue;
		}
		buf[k++] = ch;
	}
	return k;
}

/* I/O thread: stdin is readable. */
static void console_rx(struct virtio_dev *d, void *opaque)
{
	struct vconsole *c = opaque;
	struct virtq *vq = virtio_vq(d, RXQ);
	uint8_t buf[RX_CHUNK];
	ssize_t n;
	size_t want;

	if (!virtio_queue_live(d, RXQ) || virtq_pop(vq, &c->elem) != 1) {
		virtio_io_enable(c->in_handle, false);	/* until the guest gives buffers */
		return;
	}
	if (c->elem.nr_out) {
		virtq_fail(vq, "virtio-console receive buffer is device-readable");
		return;
	}
	want = c->elem.in_len < sizeof(buf) ? c->elem.in_len : sizeof(buf);
	n = read(c->in_fd, buf, want);
	if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
		virtq_unpop(vq);
		return;
	}
	if (n <= 0) {
		c->in_eof = true;	/* EOF: the guest just sees no more input */
		virtio_io_enable(c->in_handle, false);
		virtq_unpop(vq);
		return;
	}
	n = filter_input(c, buf, n);
	if (n < 0) {
		virtq_unpop(vq);
		virtio_io_enable(c->in_handle, false);
		vmm_request_exit(c->vm, 128 + SIGINT, "Ctrl-a x");
		return;
	}
	if (n == 0) {
		virtq_unpop(vq);
		return;
	}
	iov_from_buf(&c->elem.iov[c->elem.nr_out], c->elem.nr_in, 0, buf, (size_t)n);
	virtq_push(vq, &c->elem, (uint32_t)n);
	virtio_signal_used(d);
}

static void console_queue_notify(struct virtio_dev *d, int q)
{
	struct vconsole *c = d->priv;

	if (q == TXQ)
		console_tx(d, c);
	else if (q == RXQ && !c->in_eof)
		virtio_io_enable(c->in_handle, true);	/* new receive buffers */
}

static void console_reset(struct virtio_dev *d)
{
	struct vconsole *c = d->priv;

	virtio_io_enable(c->in_handle, false);
	c->esc = false;
}

static void console_release(struct virtio_dev *d)
{
	free(d->priv);
}

static const struct virtio_dev_ops console_ops = {
	.name = "virtio-console",
	.device_id = VIRTIO_ID_CONSOLE,
	.nr_queues = 2,
	.queue_max = { CONSOLE_QUEUE_SIZE, CONSOLE_QUEUE_SIZE },
	.config_size = sizeof(struct console_config),
	.config_read = console_config_read,
	.queue_notify = console_queue_notify,
	.reset = console_reset,
	.release = console_release,
};

int virtio_console_create_fds(struct vm *vm, int in_fd, int out_fd)
{
	struct vconsole *c = calloc(1, sizeof(*c));
	struct virtio_dev *d;

	if (!c)
		return -1;
	c->vm = vm;
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	c->tty = isatty(in_fd);
	c->config.max_nr_ports = 1;
	d = virtio_mmio_create(vm, &console_ops, 0, c);
	if (!d) {
		free(c);
		return -1;
	}
	c->in_handle = virtio_io_add_fd(d, c->in_fd, EPOLLIN, console_rx, c);
	if (c->in_handle < 0) {
		/* stdin that epoll cannot watch (a regular file, /dev/null): no input */
		vmm_dbg(vm, "virtio-console: stdin is not pollable (%s): no input",
			strerror(-c->in_handle));
		c->in_eof = true;
	} else {
		virtio_io_enable(c->in_handle, false);	/* until DRIVER_OK and buffers */
	}
	if (c->tty && in_fd == STDIN_FILENO)
		console_tty_raw();
	return 0;
}

int virtio_console_create(struct vm *vm)
{
	return virtio_console_create_fds(vm, STDIN_FILENO, STDOUT_FILENO);
}
