// SPDX-License-Identifier: GPL-2.0
/*
 * A64 load/store decoding for aborts without a syndrome (see insn.h).
 * Encodings from the Arm ARM, C4.1.88 ("Loads and Stores"):
 *
 *   pair:   opc:2 101 V=0 type:3 L imm7 Rt2 Rn Rt      (bits 29-27 = 101)
 *           type 000 no-allocate, 001 post-index, 010 offset, 011 pre-index
 *   single: size:2 111 V=0 00 opc:2 0 imm9 type:2 Rn Rt (bits 29-27 = 111)
 *           type 01 post-index, 11 pre-index (00 unscaled and 10
 *           unprivileged have a syndrome and never come here; decoded too)
 */
#include "insn.h"

static int64_t sign_extend(uint64_t v, unsigned int bits)
{
	uint64_t m = 1ULL << (bits - 1);

	v &= (1ULL << bits) - 1;
	return (int64_t)((v ^ m) - m);
}

static bool decode_pair(uint32_t insn, struct ldst *d)
{
	unsigned int opc = insn >> 30, type = (insn >> 23) & 7;

	d->pair = true;
	d->load = (insn >> 22) & 1;
	d->rt = insn & 31;
	d->rn = (insn >> 5) & 31;
	d->rt2 = (insn >> 10) & 31;
	switch (opc) {
	case 0:
		d->size = 4;
		break;
	case 1:		/* LDPSW; STGP and the rest of opc 01 are not plain pairs */
		if (!d->load || type == 0)
			return false;
		d->size = 4;
		d->sign_extend = true;
		d->dest64 = true;
		break;
	case 2:
		d->size = 8;
		break;
	default:
		return false;
	}
	switch (type) {
	case 0: case 2:			/* LDNP/STNP, signed offset */
		break;
	case 1:
		d->writeback = d->post_index = true;
		break;
	case 3:
		d->writeback = true;
		break;
	default:
		return false;
	}
	d->offset = sign_extend((insn >> 15) & 0x7f, 7) * (int64_t)d->size;
	/* a load of both registers from one, or writeback into a loaded one: unpredictable */
	if (d->load && (d->rt == d->rt2 || (d->writeback && d->rn != 31 &&
					     (d->rn == d->rt || d->rn == d->rt2))))
		return false;
	return true;
}

static bool decode_single(uint32_t insn, struct ldst *d)
{
	unsigned int size = insn >> 30, opc = (insn >> 22) & 3, type = (insn >> 10) & 3;

	d->size = 1U << size;
	d->rt = insn & 31;
	d->rn = (insn >> 5) & 31;
	switch (opc) {
	case 0:
		break;			/* STR* */
	case 1:
		d->load = true;		/* LDR*, zero-extending */
		break;
	case 2:				/* LDRS* to 64 bits (size 3: PRFM) */
		if (size == 3)
			return false;
		d->load = d->sign_extend = d->dest64 = true;
		break;
	default:			/* LDRS* to 32 bits */
		if (size >= 2)
			return false;
		d->load = d->sign_extend = true;
		break;
	}
	d->offset = sign_extend((insn >> 12) & 0x1ff, 9);
	if (type == 1)
		d->writeback = d->post_index = true;
	else if (type == 3)
		d->writeback = true;
	if (d->load && d->writeback && d->rn == d->rt && d->rn != 31)
		return false;	/* unpredictable */
	return true;
}

bool insn_decode_ldst(uint32_t insn, struct ldst *d)
{
	*d = (struct ldst){ 0 };
	if ((insn & 0x3c000000) == 0x28000000)		/* pair, general registers */
		return decode_pair(insn, d);
	if ((insn & 0x3f200000) == 0x38000000)		/* single, imm9 forms */
		return decode_single(insn, d);
	return false;
}

uint64_t insn_ldst_address(const struct ldst *d, uint64_t base)
{
	return d->post_index ? base : base + (uint64_t)d->offset;
}

uint64_t insn_ldst_extend(const struct ldst *d, uint64_t raw)
{
	unsigned int bits = 8 * d->size;
	uint64_t v = bits == 64 ? raw : raw & ((1ULL << bits) - 1);

	if (!d->sign_extend || bits == 64)
		return v;
	v = (uint64_t)sign_extend(v, bits);
	return d->dest64 ? v : v & 0xffffffffULL;
}
