/* SPDX-License-Identifier: GPL-2.0-only */
/* A test-and-set spinlock on the compiler's atomics (LL/SC or LSE at EL2). */
#ifndef HYP_SPINLOCK_H
#define HYP_SPINLOCK_H

#include <hyp/types.h>

typedef struct {
	u32 locked;
} spinlock_t;

#define SPINLOCK_INIT	{ 0 }

static inline void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			;
	}
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif
