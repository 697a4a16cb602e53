/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the C guest (tests/selftests/guest) and gzvm_selftest.c agree on:
 * test numbers (x0 at _start) and the host actions a guest asks for with
 * UCALL_SYNC, x1 = ACT(action, parameter).
 */
#ifndef GUEST_ABI_H
#define GUEST_ABI_H

#define GT_REGS		1	/* x1 = vCPUs */
#define GT_SPI		2
#define GT_PPI		3	/* x2 = timer rounds */
#define GT_SGI		4	/* x1 = vCPUs, x2 = rounds */
#define GT_MANY		5	/* x2 = SPIs */
#define GT_CALLS	6
#define GT_IDLE		7	/* x1 = vCPUs, x2 = seconds */
#define GT_IMASK	8	/* CNTV_CTL.IMASK written during a run */

/* MMIO here is answered with mmio.ext_abort = 1 (nothing behind it): the
 * guest must take a synchronous external abort at the access. */
#define ABORT_MMIO_GPA	0x11000000UL

#define ACT(a, p)	(((unsigned long)(a) << 16) | (unsigned long)(p))
#define ACT_OF(v)	((unsigned int)((v) >> 16))
#define ACT_PARAM(v)	((unsigned int)((v) & 0xffff))

#define A_SPI_LATER	1	/* IRQ_LINE SPI param, level 1, ~30 ms later from another thread */
#define A_SPI_NOW	2	/* IRQ_LINE SPI param, level 1, before resuming */
#define A_SPI_LOWER	3	/* IRQ_LINE SPI param, level 0 */
#define A_IRQFD_LATER	4	/* write the irqfd of SPI param ~30 ms later from another thread */
#define A_PPI_LATER	5	/* IRQ_LINE type PPI, INTID param, vCPU 0, ~30 ms later */
#define A_SPI_MANY	6	/* IRQ_LINE SPIs 0..param-1 */
#define A_IDLE_START	7	/* start measuring the VMM's CPU time */
#define A_IDLE_END	8	/* stop */

#endif
