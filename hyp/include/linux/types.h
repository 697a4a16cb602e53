/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor is freestanding: these two shims give the shared UAPI
 * header (include/uapi/linux/gzvm.h) the Linux types and ioctl macros it
 * uses, so the hypervisor reads the very same struct definitions.
 */
#ifndef HYP_LINUX_TYPES_H
#define HYP_LINUX_TYPES_H

#include <stdint.h>

typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef int8_t __s8;
typedef int16_t __s16;
typedef int32_t __s32;
typedef int64_t __s64;

#endif
