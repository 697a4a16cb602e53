/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ed25519 signature verification (RFC 8032 section 5.1.7), for checking a
 * signed payload against a trusted public key.  There is no signing and no
 * key generation: EL2 holds no secret keys.
 */
#ifndef HYP_ED25519_H
#define HYP_ED25519_H

#include <hyp/types.h>

#define ED25519_PUBLIC_KEY_SIZE	32
#define ED25519_SIGNATURE_SIZE	64

/*
 * Is sig (R || S) a valid signature of msg[0..len) under pub?  False for
 * every malformed input: R or pub not a canonical point encoding, S not
 * below the group order L, or the group equation [S]B = R + [k]A failing.
 * Pure: reads only its arguments, keeps no state, calls no allocator.
 */
bool ed25519_verify(const uint8_t sig[ED25519_SIGNATURE_SIZE], const uint8_t *msg, size_t len,
		    const uint8_t pub[ED25519_PUBLIC_KEY_SIZE]);

#endif
