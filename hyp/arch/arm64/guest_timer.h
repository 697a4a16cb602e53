/* SPDX-License-Identifier: GPL-2.0-only */
/* The guest's generic timers (guest_timer.c), for the world switch and traps. */
#ifndef ARM64_GUEST_TIMER_H
#define ARM64_GUEST_TIMER_H

#include <hyp/vcpu.h>

#define CNT_CTL_ENABLE	BIT(0)
#define CNT_CTL_IMASK	BIT(1)
#define CNT_CTL_ISTATUS	BIT(2)

/* The virtual timer's condition, as the guest would read ISTATUS. */
bool guest_vtimer_fired(const struct vcpu *vcpu);
/* When the emulated physical timer fires (physical counter), ~0 if it will not. */
u64 guest_ptimer_deadline(const struct vcpu *vcpu);
/* A trapped CNTP_TVAL/CTL/CVAL_EL0 access (op2 0, 1, 2). */
void guest_ptimer_access(struct vcpu *vcpu, unsigned int op2, bool read, u64 *val);

#endif
