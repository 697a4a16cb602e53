/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HYP_DRIVERS_H
#define HYP_DRIVERS_H

#include <hyp/log.h>
#include <hyp/types.h>

/* A log console on the PL011 at physical address base (identity mapped). */
void pl011_console(u64 base, struct log_console *con);

#endif
