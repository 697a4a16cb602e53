// SPDX-License-Identifier: GPL-2.0-only
/*
 * SHA-512, FIPS 180-4 sections 4.1.3, 4.2.3, 5.1.2, 5.3.5 and 6.4: the
 * hash Ed25519 (RFC 8032) is defined with.
 *
 * Same shape as sha256.c: words assembled from bytes (big-endian, any input
 * alignment), a 16-word ring for the message schedule (about 200 bytes of
 * stack), no data-dependent branches or table indices.  Messages are
 * limited to 2^64 - 1 bytes, far beyond anything EL2 hashes, so the 128-bit
 * length field of the padding has a high word of at most 7.
 */
#include <hyp/sha2.h>
#include <hyp/string.h>
#include <hyp/types.h>

/* First 64 bits of the fractional parts of the cube roots of the first 80 primes. */
static const u64 K[80] = {
	0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
	0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL, 0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
	0xd807aa98a3030242ULL, 0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
	0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
	0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL, 0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
	0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
	0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
	0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL, 0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
	0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
	0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
	0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL, 0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
	0xd192e819d6ef5218ULL, 0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
	0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
	0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL, 0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
	0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
	0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
	0xca273eceea26619cULL, 0xd186b8c721c0c207ULL, 0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
	0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
	0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
	0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL, 0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};

/* First 64 bits of the fractional parts of the square roots of the first 8 primes. */
static const u64 H0[8] = {
	0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
	0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

static inline u64 ror64(u64 x, unsigned int n)
{
	return (x >> n) | (x << (64 - n));
}

static inline u64 load_be64(const u8 *p)
{
	return (u64)p[0] << 56 | (u64)p[1] << 48 | (u64)p[2] << 40 | (u64)p[3] << 32 |
	       (u64)p[4] << 24 | (u64)p[5] << 16 | (u64)p[6] << 8 | p[7];
}

static inline void store_be64(u8 *p, u64 v)
{
	for (unsigned int i = 0; i < 8; i++)
		p[i] = (u8)(v >> (56 - 8 * i));
}

#define CH(x, y, z)	(((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z)	(((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x)	(ror64(x, 28) ^ ror64(x, 34) ^ ror64(x, 39))
#define BSIG1(x)	(ror64(x, 14) ^ ror64(x, 18) ^ ror64(x, 41))
#define SSIG0(x)	(ror64(x, 1) ^ ror64(x, 8) ^ ((x) >> 7))
#define SSIG1(x)	(ror64(x, 19) ^ ror64(x, 61) ^ ((x) >> 6))

/* Compress one 128-byte block at p (any alignment) into h. */
static void sha512_block(u64 h[8], const u8 *p)
{
	u64 w[16];
	u64 a = h[0], b = h[1], c = h[2], d = h[3];
	u64 e = h[4], f = h[5], g = h[6], hh = h[7];

	for (unsigned int t = 0; t < 80; t++) {
		u64 wt, t1, t2;

		if (t < 16) {
			wt = load_be64(p + 8 * t);
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

void sha512_init(struct sha512_ctx *ctx)
{
	for (unsigned int i = 0; i < 8; i++)
		ctx->h[i] = H0[i];
	ctx->len = 0;
}

void sha512_update(struct sha512_ctx *ctx, const void *data, size_t len)
{
	const u8 *p = data;
	size_t used = ctx->len % SHA512_BLOCK_SIZE;

	ctx->len += len;

	/* Top up a partly filled buffer first. */
	if (used) {
		size_t n = SHA512_BLOCK_SIZE - used;

		if (len < n) {
			memcpy(ctx->buf + used, p, len);
			return;
		}
		memcpy(ctx->buf + used, p, n);
		sha512_block(ctx->h, ctx->buf);
		p += n;
		len -= n;
	}

	/* Whole blocks straight from the input. */
	for (; len >= SHA512_BLOCK_SIZE; len -= SHA512_BLOCK_SIZE, p += SHA512_BLOCK_SIZE)
		sha512_block(ctx->h, p);

	if (len)
		memcpy(ctx->buf, p, len);
}

void sha512_final(struct sha512_ctx *ctx, uint8_t out[SHA512_DIGEST_SIZE])
{
	size_t used = ctx->len % SHA512_BLOCK_SIZE;

	/* Padding (5.1.2): a 1 bit, zeros, then the length as a 128-bit word. */
	ctx->buf[used++] = 0x80;
	if (used > SHA512_BLOCK_SIZE - 16) {
		memset(ctx->buf + used, 0, SHA512_BLOCK_SIZE - used);
		sha512_block(ctx->h, ctx->buf);
		used = 0;
	}
	memset(ctx->buf + used, 0, SHA512_BLOCK_SIZE - 16 - used);
	store_be64(ctx->buf + SHA512_BLOCK_SIZE - 16, ctx->len >> 61);
	store_be64(ctx->buf + SHA512_BLOCK_SIZE - 8, ctx->len << 3);
	sha512_block(ctx->h, ctx->buf);

	for (unsigned int i = 0; i < 8; i++)
		store_be64(out + 8 * i, ctx->h[i]);

	memset(ctx, 0, sizeof(*ctx));
}

void sha512(const void *data, size_t len, uint8_t out[SHA512_DIGEST_SIZE])
{
	struct sha512_ctx ctx;

	sha512_init(&ctx);
	sha512_update(&ctx, data, len);
	sha512_final(&ctx, out);
}
