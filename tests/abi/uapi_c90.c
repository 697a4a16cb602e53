/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel compile-tests every UAPI header as C90 (usr/include/Makefile,
 * -std=c90); <linux/gzvm.h> must pass that too.  Nothing else here.
 */
#include <linux/gzvm.h>

int gzvm_uapi_c90_unit;
