/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding the A64 loads and stores whose data aborts carry no syndrome
 * (ESR_ELx.ISV = 0), so that the VMM can emulate them on MMIO itself:
 * register pairs (LDP, STP, LDPSW, LDNP, STNP) and single registers with
 * pre- or post-index writeback, general-purpose registers only.  SIMD/FP
 * registers, exclusives and atomics are not decoded (their registers are
 * not reachable through ONE_REG on gzvm).  Pure functions, unit-tested.
 */
#ifndef GZVM_VMM_INSN_H
#define GZVM_VMM_INSN_H

#include <stdbool.h>
#include <stdint.h>

struct ldst {
	bool load;
	bool pair;
	bool sign_extend;	/* LDRS*, LDPSW */
	bool dest64;		/* sign extension to 64 bits (else 32, upper half zero) */
	bool writeback;
	bool post_index;	/* the access at the base; the base += offset after */
	uint32_t size;		/* bytes per register: 1, 2, 4, 8 */
	unsigned int rt, rt2, rn;	/* rn 31: SP; rt 31: XZR */
	int64_t offset;		/* bytes */
};

/* Fill *d from insn; false for anything else. */
bool insn_decode_ldst(uint32_t insn, struct ldst *d);
/* The address of the first access, from the base register's value. */
uint64_t insn_ldst_address(const struct ldst *d, uint64_t base);
/* A loaded value as the destination register receives it. */
uint64_t insn_ldst_extend(const struct ldst *d, uint64_t raw);

#endif
