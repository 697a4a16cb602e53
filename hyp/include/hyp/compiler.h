/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HYP_COMPILER_H
#define HYP_COMPILER_H

#define __aligned(x)	__attribute__((aligned(x)))
#define __noreturn	__attribute__((noreturn))
#define __unused	__attribute__((unused))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __section(s)	__attribute__((section(s)))

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))

#define BIT(n)		(1ULL << (n))
/* Mask of bits h..l inclusive. */
#define GENMASK(h, l)	((~0ULL >> (63 - (h))) & ~((1ULL << (l)) - 1))

#define SZ_4K		0x1000ULL
#define SZ_64K		0x10000ULL
#define SZ_1M		0x100000ULL
#define SZ_2M		0x200000ULL
#define SZ_1G		0x40000000ULL

#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define barrier()	__asm__ __volatile__("" ::: "memory")

/* Does [a, a + asz) overlap [b, b + bsz)?  Sizes are non-zero and do not wrap. */
#define RANGES_OVERLAP(a, asz, b, bsz) ((a) < (b) + (bsz) && (b) < (a) + (asz))

#endif
