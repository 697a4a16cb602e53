/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HYP_PRINTF_H
#define HYP_PRINTF_H

#include <stdarg.h>
#include <hyp/compiler.h>
#include <hyp/types.h>

/*
 * A small vsnprintf: %d %i %u %x %X %p %s %c %%, flags '0' and '-', field
 * width, precision for %s (".N" and ".*"), length modifiers hh h l ll z.
 * Always NUL-terminates when size > 0 and returns the length the full
 * output would have had.
 */
int hyp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hyp_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
