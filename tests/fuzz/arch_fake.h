/* SPDX-License-Identifier: GPL-2.0-only */
/* The fake architecture the hypercall fuzzer runs the hypervisor core on. */
#ifndef GZVM_FUZZ_ARCH_FAKE_H
#define GZVM_FUZZ_ARCH_FAKE_H

#include <hyp/types.h>

/*
 * Queue an exit for arch_vcpu_enter(), with the guest's x0..x3 at that
 * point (a hypercall's function id and arguments); with none queued the
 * guest exits by IRQ.
 */
void fuzz_arch_queue_exit(u32 kind, u64 esr, u64 ipa, const u64 x[4]);
void fuzz_arch_reset(void);

#endif
