// SPDX-License-Identifier: GPL-2.0-only
/*
 * PL011 UART, transmit only, for the boot log.  The baud rate and line
 * settings are left as firmware/QEMU configured them.
 */
#include <hyp/drivers.h>

#define UART_DR		0x00
#define UART_FR		0x18
#define UART_FR_TXFF	(1U << 5)

static void pl011_putc(void *ctx, char c)
{
	volatile u32 *base = ctx;

	while (base[UART_FR / 4] & UART_FR_TXFF)
		;
	base[UART_DR / 4] = (u32)(unsigned char)c;
}

void pl011_console(u64 base, struct log_console *con)
{
	con->putc = pl011_putc;
	con->ctx = (void *)(uintptr_t)base;
}
