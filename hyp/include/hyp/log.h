/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypervisor log.  During boot lines go to the UART named by
 * /chosen/stdout-path, prefixed "gzvm-hyp: ".  Once the host runs, the UART
 * is the host's: lines then go only to an in-memory ring buffer (read by the
 * host driver later).  A panic is the one exception: it also goes to the
 * UART, since nothing else will ever be printed.
 */
#ifndef HYP_LOG_H
#define HYP_LOG_H

#include <hyp/compiler.h>
#include <hyp/types.h>

#define LOG_RING_SIZE	(64 * 1024)
#define LOG_LINE_MAX	160

struct log_console {
	void (*putc)(void *ctx, char c);
	void *ctx;
};

void log_set_console(const struct log_console *con);
/* From now on, log lines stay in the ring buffer. */
void log_host_started(void);
bool log_to_console(void);

void hyp_log(const char *fmt, ...) __printf(1, 2);
void __noreturn hyp_panic(const char *fmt, ...) __printf(1, 2);
/* Boot-time table building: ret != 0 (pool exhausted) stops the boot, naming what failed. */
void hyp_must(int ret, const char *what);

/*
 * Copy up to len bytes of the ring starting at absolute position pos into
 * buf.  Returns the bytes copied; *oldest receives the oldest position still
 * held (older bytes were overwritten).
 */
size_t log_ring_read(u64 pos, char *buf, size_t len, u64 *oldest);
/* Absolute position of the next byte to be written. */
u64 log_ring_head(void);

#endif
