/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Included before every hypervisor source file (-include): the image is
 * position independent, and hidden visibility makes the compiler address
 * globals PC-relative instead of through a GOT.
 */
#pragma GCC visibility push(hidden)
