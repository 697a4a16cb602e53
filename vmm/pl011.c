// SPDX-License-Identifier: GPL-2.0
/*
 * PL011 UART at 0x0900_0000, SPI 1 (level), as QEMU virt has it.
 *
 * TX goes to stdout at once (the FIFO is always empty: FR.TXFE set, TXFF
 * never); RX comes from stdin through a 32-byte FIFO, raising RXRIS and
 * RTRIS while it holds data.  The interrupt line follows RIS & IMSC.  TXRIS
 * is set by every write of DR and cleared through ICR, as in QEMU's model,
 * which Linux's amba-pl011 driver is known to be happy with.
 *
 * With a terminal on stdin it is put in raw mode; Ctrl-a x ends the VMM
 * (status 130, as for SIGINT), Ctrl-a Ctrl-a sends a Ctrl-a.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vmm.h"

#define DR	0x000
#define RSR	0x004
#define FR	0x018
#define ILPR	0x020
#define IBRD	0x024
#define FBRD	0x028
#define LCR_H	0x02c
#define CR	0x030
#define IFLS	0x034
#define IMSC	0x038
#define RIS	0x03c
#define MIS	0x040
#define ICR	0x044
#define DMACR	0x048

#define FR_RXFE		(1U << 4)
#define FR_TXFF		(1U << 5)
#define FR_RXFF		(1U << 6)
#define FR_TXFE		(1U << 7)
#define INT_RX		(1U << 4)
#define INT_TX		(1U << 5)
#define INT_RT		(1U << 6)
#define INT_ALL		0x7ffU

#define FIFO_SIZE	32

struct pl011 {
	struct vm *vm;
	pthread_mutex_t lock;
	pthread_cond_t room;
	uint32_t ris, imsc, lcr_h, cr, ifls, ibrd, fbrd, ilpr, dmacr;
	uint8_t fifo[FIFO_SIZE];
	unsigned int head, count;
	bool line;
	int out_fd;
	/* --time-marker */
	const char *marker;
	size_t marker_len, matched;
	bool marker_seen, marker_pending;
	double marker_time;
};

static struct pl011 uart;
static struct termios saved_tio;
static bool tio_saved;

static const uint8_t id_regs[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

/* with the lock held */
static void update_irq(struct pl011 *u)
{
	bool level = (u->ris & u->imsc) != 0;

	if (level == u->line)
		return;
	u->line = level;
	if (u->vm->be->irq_line(u->vm, UART_SPI, level))
		vmm_err("pl011: IRQ_LINE(SPI %d, %d): %s", UART_SPI, level, strerror(errno));
}

static void watch_marker(struct pl011 *u, uint8_t c)
{
	if (!u->marker_len)
		return;
	/* reported at the end of the guest's line, so as not to split it */
	if (u->marker_pending && c == '\n') {
		u->marker_pending = false;
		vmm_log("'%s' on the console %.3f s after the VMM started",
			u->marker, u->marker_time);
	}
	if (u->marker_seen)
		return;
	if (c == (uint8_t)u->marker[u->matched]) {
		if (++u->matched == u->marker_len) {
			u->marker_seen = u->marker_pending = true;
			u->marker_time = vmm_now() - u->vm->t_start;
		}
	} else {
		u->matched = c == (uint8_t)u->marker[0] ? 1 : 0;
	}
}

static uint64_t pl011_read(void *opaque, uint64_t off, uint32_t len)
{
	struct pl011 *u = opaque;
	uint64_t v = 0;

	(void)len;
	pthread_mutex_lock(&u->lock);
	switch (off) {
	case DR:
		if (u->count) {
			v = u->fifo[u->head];
			u->head = (u->head + 1) % FIFO_SIZE;
			u->count--;
			pthread_cond_signal(&u->room);
		}
		if (!u->count)
			u->ris &= ~(INT_RX | INT_RT);
		update_irq(u);
		break;
	case RSR: v = 0; break;
	case FR:
		v = FR_TXFE | (u->count ? 0 : FR_RXFE) | (u->count == FIFO_SIZE ? FR_RXFF : 0);
		break;
	case ILPR: v = u->ilpr; break;
	case IBRD: v = u->ibrd; break;
	case FBRD: v = u->fbrd; break;
	case LCR_H: v = u->lcr_h; break;
	case CR: v = u->cr; break;
	case IFLS: v = u->ifls; break;
	case IMSC: v = u->imsc; break;
	case RIS: v = u->ris; break;
	case MIS: v = u->ris & u->imsc; break;
	case DMACR: v = u->dmacr; break;
	default:
		if (off >= 0xfe0 && off < 0x1000 && !(off & 3))
			v = id_regs[(off - 0xfe0) >> 2];
		break;
	}
	pthread_mutex_unlock(&u->lock);
	return v;
}

static void pl011_write(void *opaque, uint64_t off, uint32_t len, uint64_t val)
{
	struct pl011 *u = opaque;
	uint32_t v = (uint32_t)val;
	uint8_t c;

	(void)len;
	pthread_mutex_lock(&u->lock);
	switch (off) {
	case DR:
		c = (uint8_t)v;
		if (u->out_fd >= 0) {
			while (write(u->out_fd, &c, 1) < 0 && errno == EINTR)
				;
		}
		watch_marker(u, c);
		u->ris |= INT_TX;
		update_irq(u);
		break;
	case RSR: break;	/* error clear */
	case ILPR: u->ilpr = v & 0xff; break;
	case IBRD: u->ibrd = v & 0xffff; break;
	case FBRD: u->fbrd = v & 0x3f; break;
	case LCR_H: u->lcr_h = v & 0xff; break;
	case CR: u->cr = v & 0xffff; break;
	case IFLS: u->ifls = v & 0x3f; break;
	case IMSC:
		u->imsc = v & INT_ALL;
		update_irq(u);
		break;
	case ICR:
		u->ris &= ~(v & INT_ALL);
		/* data still waiting keeps its interrupts */
		if (u->count)
			u->ris |= INT_RX | INT_RT;
		update_irq(u);
		break;
	case DMACR: u->dmacr = v & 7; break;
	default: break;
	}
	pthread_mutex_unlock(&u->lock);
}

int pl011_init(struct vm *vm)
{
	struct mmio_dev d = {
		.name = "pl011", .base = UART_BASE, .size = UART_SIZE, .opaque = &uart,
		.read = pl011_read, .write = pl011_write,
	};

	uart.vm = vm;
	pthread_mutex_init(&uart.lock, NULL);
	pthread_cond_init(&uart.room, NULL);
	uart.cr = 0x300;	/* TXE | RXE, as after reset */
	uart.ifls = 0x12;
	uart.out_fd = strcmp(vm->cfg->console, "none") ? STDOUT_FILENO : -1;
	uart.marker = vm->cfg->time_marker;
	uart.marker_len = uart.marker ? strlen(uart.marker) : 0;
	return mmio_register(vm, &d);
}

void pl011_restore_tty(void)
{
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	tio_saved = false;
}

static void push_byte(struct pl011 *u, uint8_t c)
{
	pthread_mutex_lock(&u->lock);
	while (u->count == FIFO_SIZE && !u->vm->stopping)
		pthread_cond_wait(&u->room, &u->lock);
	if (u->count < FIFO_SIZE) {
		u->fifo[(u->head + u->count) % FIFO_SIZE] = c;
		u->count++;
		u->ris |= INT_RX | INT_RT;
		update_irq(u);
	}
	pthread_mutex_unlock(&u->lock);
}

static void *input_thread(void *arg)
{
	struct pl011 *u = arg;
	bool tty = isatty(STDIN_FILENO), esc = false;
	uint8_t buf[64];
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;	/* EOF: the guest just sees no input */
		for (ssize_t i = 0; i < n; i++) {
			uint8_t c = buf[i];

			if (tty && esc) {
				esc = false;
				if (c == 'x') {
					pl011_restore_tty();
					vmm_request_exit(u->vm, 128 + SIGINT, "Ctrl-a x");
					return NULL;
				}
				if (c != 1)
					push_byte(u, 1);
			} else if (tty && c == 1) {
				esc = true;
				continue;
			}
			push_byte(u, c);
		}
	}
}

/* Raw mode for a terminal on stdin (restored by pl011_restore_tty). */
void console_tty_raw(void)
{
	struct termios raw;

	if (tio_saved || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio))
		return;
	raw = saved_tio;
	raw.c_iflag &= ~(unsigned)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	raw.c_lflag &= ~(unsigned)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	raw.c_cflag &= ~(unsigned)(CSIZE | PARENB);
	raw.c_cflag |= CS8;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tio_saved = true;
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
}

/* --time-marker for the other consoles (virtio-console's output). */
void console_watch_output(const uint8_t *buf, size_t len)
{
	pthread_mutex_lock(&uart.lock);
	for (size_t i = 0; i < len; i++)
		watch_marker(&uart, buf[i]);
	pthread_mutex_unlock(&uart.lock);
}

void pl011_start_input(struct vm *vm)
{
	pthread_t t;

	/* only one console reads stdin: with --console virtio it is virtio-console */
	if (strcmp(vm->cfg->console, "stdio"))
		return;
	console_tty_raw();
	if (pthread_create(&t, NULL, input_thread, &uart) == 0)
		pthread_detach(t);
}
