// SPDX-License-Identifier: GPL-2.0-only
/* The hypervisor log: UART during boot, ring buffer once the host owns the UART. */
#include <stdarg.h>
#include <hyp/arch.h>
#include <hyp/log.h>
#include <hyp/printf.h>
#include <hyp/spinlock.h>

static struct {
	spinlock_t lock;
	struct log_console con;
	bool host_started;
	u64 head;			/* absolute position of the next byte */
	char ring[LOG_RING_SIZE];
} hyp_log_state = { .lock = SPINLOCK_INIT };

#define PREFIX "gzvm-hyp: "

void log_set_console(const struct log_console *con)
{
	hyp_log_state.con = *con;
}

void log_host_started(void)
{
	spin_lock(&hyp_log_state.lock);
	hyp_log_state.host_started = true;
	spin_unlock(&hyp_log_state.lock);
}

bool log_to_console(void)
{
	return !hyp_log_state.host_started && hyp_log_state.con.putc;
}

static void console_puts(const char *s)
{
	const struct log_console *con = &hyp_log_state.con;

	if (!con->putc)
		return;
	for (; *s; s++) {
		if (*s == '\n')
			con->putc(con->ctx, '\r');
		con->putc(con->ctx, *s);
	}
}

static void ring_puts(const char *s)
{
	for (; *s; s++)
		hyp_log_state.ring[hyp_log_state.head++ % LOG_RING_SIZE] = *s;
}

static void log_line(const char *fmt, va_list ap, bool force_console)
{
	char line[LOG_LINE_MAX];
	size_t n;

	hyp_vsnprintf(line, sizeof(line) - 1, fmt, ap);
	/* one line per call: make sure it ends with exactly one newline */
	for (n = 0; line[n]; n++)
		;
	if (!n || line[n - 1] != '\n') {
		line[n++] = '\n';
		line[n] = '\0';
	}
	spin_lock(&hyp_log_state.lock);
	ring_puts(PREFIX);
	ring_puts(line);
	if (!hyp_log_state.host_started || force_console) {
		console_puts(PREFIX);
		console_puts(line);
	}
	spin_unlock(&hyp_log_state.lock);
}

void hyp_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(fmt, ap, false);
	va_end(ap);
}

void hyp_panic(const char *fmt, ...)
{
	va_list ap;

	/* a panic ends the system: it is the one message the host's UART gets */
	va_start(ap, fmt);
	log_line(fmt, ap, true);
	va_end(ap);
	arch_halt();
}

void hyp_must(int ret, const char *what)
{
	if (ret)
		hyp_panic("%s failed (%d): out of pool memory? raise carveout=", what, ret);
}

u64 log_ring_head(void)
{
	return READ_ONCE(hyp_log_state.head);
}

size_t log_ring_read(u64 pos, char *buf, size_t len, u64 *oldest)
{
	size_t n = 0;
	u64 first;

	spin_lock(&hyp_log_state.lock);
	first = hyp_log_state.head > LOG_RING_SIZE ? hyp_log_state.head - LOG_RING_SIZE : 0;
	if (pos < first)
		pos = first;
	while (n < len && pos < hyp_log_state.head)
		buf[n++] = hyp_log_state.ring[pos++ % LOG_RING_SIZE];
	spin_unlock(&hyp_log_state.lock);
	if (oldest)
		*oldest = first;
	return n;
}
