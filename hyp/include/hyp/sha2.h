/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SHA-256 and SHA-512 (FIPS 180-4) for EL2.  Streaming: init, any number of
 * updates of any length and alignment, final; the one-shot helpers do the
 * three at once.  Contexts hold no pointers and may live on the stack; final
 * leaves a context that must be initialised again before reuse.
 */
#ifndef HYP_SHA2_H
#define HYP_SHA2_H

#include <hyp/types.h>

#define SHA256_BLOCK_SIZE	64
#define SHA256_DIGEST_SIZE	32
#define SHA512_BLOCK_SIZE	128
#define SHA512_DIGEST_SIZE	64

struct sha256_ctx {
	u32 h[8];
	u64 len;		/* bytes hashed so far; len % 64 of them are in buf */
	u8 buf[SHA256_BLOCK_SIZE];
};

struct sha512_ctx {
	u64 h[8];
	u64 len;		/* bytes hashed so far (< 2^64); len % 128 are in buf */
	u8 buf[SHA512_BLOCK_SIZE];
};

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_SIZE]);
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

void sha512_init(struct sha512_ctx *ctx);
void sha512_update(struct sha512_ctx *ctx, const void *data, size_t len);
void sha512_final(struct sha512_ctx *ctx, uint8_t out[SHA512_DIGEST_SIZE]);
void sha512(const void *data, size_t len, uint8_t out[SHA512_DIGEST_SIZE]);

#endif
