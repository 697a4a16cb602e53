// SPDX-License-Identifier: GPL-2.0-only
/*
 * SHA-256, FIPS 180-4 sections 4.1.2, 4.2.2, 5.1.1, 5.3.3 and 6.2.
 *
 * Plain C for EL2: message words are assembled from bytes (big-endian, no
 * unaligned loads, the input may have any alignment), the 64-word message
 * schedule is kept as a 16-word ring so the compression function needs
 * about 100 bytes of stack, and nothing here depends on the data in a way
 * that matters (SHA-256 has no secret-dependent branches or indices).
 */
#include <hyp/sha2.h>
#include <hyp/string.h>
#include <hyp/types.h>

/* First 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const u32 K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* First 32 bits of the fractional parts of the square roots of the first 8 primes. */
static const u32 H0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static inline u32 ror32(u32 x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static inline u32 load_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline void store_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

#define CH(x, y, z)	(((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z)	(((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x)	(ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22))
#define BSIG1(x)	(ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25))
#define SSIG0(x)	(ror32(x, 7) ^ ror32(x, 18) ^ ((x) >> 3))
#define SSIG1(x)	(ror32(x, 17) ^ ror32(x, 19) ^ ((x) >> 10))

/* Compress one 64-byte block at p (any alignment) into h. */
static void sha256_block(u32 h[8], const u8 *p)
{
	u32 w[16];
	u32 a = h[0], b = h[1], c = h[2], d = h[3];
	u32 e = h[4], f = h[5], g = h[6], hh = h[7];

	for (unsigned int t = 0; t < 64; t++) {
		u32 wt, t1, t2;

		if (t < 16) {
			wt = load_be32(p + 4 * t);
		} else {
			/* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16] */
			wt = SSIG1(w[(t - 2) & 15]) + w[(t - 7) & 15] +
			     SSIG0(w[(t - 15) & 15]) + w[t & 15];
		}
		w[t & 15] = wt;

		t1 = hh + BSIG1(e) + CH(e, f, g) + K[t] + wt;
		t2 = BSIG0(a) + MAJ(a, b, c);
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}

	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
}

void sha256_init(struct sha256_ctx *ctx)
{
	for (unsigned int i = 0; i < 8; i++)
		ctx->h[i] = H0[i];
	ctx->len = 0;
}

void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	const u8 *p = data;
	size_t used = ctx->len % SHA256_BLOCK_SIZE;

	ctx->len += len;

	/* Top up a partly filled buffer first. */
	if (used) {
		size_t n = SHA256_BLOCK_SIZE - used;

		if (len < n) {
			memcpy(ctx->buf + used, p, len);
			return;
		}
		memcpy(ctx->buf + used, p, n);
		sha256_block(ctx->h, ctx->buf);
		p += n;
		len -= n;
	}

	/* Whole blocks straight from the input. */
	for (; len >= SHA256_BLOCK_SIZE; len -= SHA256_BLOCK_SIZE, p += SHA256_BLOCK_SIZE)
		sha256_block(ctx->h, p);

	if (len)
		memcpy(ctx->buf, p, len);
}

void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_SIZE])
{
	size_t used = ctx->len % SHA256_BLOCK_SIZE;
	u64 bits = ctx->len << 3;	/* FIPS 180-4 limits messages to 2^64 - 1 bits */

	/* Padding (5.1.1): a 1 bit, zeros, then the length as a 64-bit word. */
	ctx->buf[used++] = 0x80;
	if (used > SHA256_BLOCK_SIZE - 8) {
		memset(ctx->buf + used, 0, SHA256_BLOCK_SIZE - used);
		sha256_block(ctx->h, ctx->buf);
		used = 0;
	}
	memset(ctx->buf + used, 0, SHA256_BLOCK_SIZE - 8 - used);
	store_be32(ctx->buf + SHA256_BLOCK_SIZE - 8, (u32)(bits >> 32));
	store_be32(ctx->buf + SHA256_BLOCK_SIZE - 4, (u32)bits);
	sha256_block(ctx->h, ctx->buf);

	for (unsigned int i = 0; i < 8; i++)
		store_be32(out + 4 * i, ctx->h[i]);

	memset(ctx, 0, sizeof(*ctx));
}

void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, out);
}
