// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ed25519 signature verification, RFC 8032 section 5.1.7.
 *
 * NOT CONSTANT TIME.  Everything here works on public data only (the
 * signature, the message and the public key), so branches and loop counts
 * that depend on those values leak nothing: an attacker who can time the
 * verifier learns about values they already have.  Do not reuse these
 * routines with secret inputs (signing, key exchange) without rewriting
 * them: the scalar multiplication branches on scalar bits, and fe_pow,
 * fe_tobytes and the point decoding branch on field values.
 *
 * Verification follows RFC 8032 section 5.1.7 with the cofactorless
 * equation that the RFC allows ("it's sufficient, but not required, to
 * instead check [S]B = R + [k]A'"):
 *
 *   1. S must be below the group order L (rejects the malleable S + L);
 *      R and A must decode as points (section 5.1.3): y < p, x recovered
 *      with the square root of section 5.1.3, x = 0 with sign bit 1
 *      rejected.  So only canonical encodings of R and A are accepted.
 *   2. k = SHA-512(R || A || M) mod L.
 *   3. The encodings of [S]B and R + [k]A must be equal.  The encoding is
 *      canonical, so this is the comparison of the two points.
 *
 * Small-order R and A are not rejected (RFC 8032 does not ask for it): the
 * public key must come from a trusted source (pinned or measured), as it
 * must for any signature check to mean anything.
 *
 * Field elements mod p = 2^255 - 19 are five 51-bit limbs (value =
 * sum v[i] 2^(51 i)), multiplied with 64x64->128-bit products.  Every
 * function returns limbs below 2^52 ("tight") given tight inputs; the
 * bounds are worked out where they matter.  Points are extended twisted
 * Edwards coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, xy = T/Z, with the
 * formulas of RFC 8032 section 5.1.4 for a = -1.
 */
#include <hyp/ed25519.h>
#include <hyp/sha2.h>
#include <hyp/string.h>
#include <hyp/types.h>

__extension__ typedef unsigned __int128 u128;

#define MASK51	((1ULL << 51) - 1)

struct fe {
	u64 v[5];
};

struct ge {
	struct fe X, Y, Z, T;
};

/*
 * Constants, generated from their definitions (and checked against the
 * decimal values of RFC 8032 section 5.1) as 51-bit limbs, least
 * significant first.
 */
/* d = -121665 / 121666 mod p */
static const struct fe D = { { 0x34dca135978a3ULL, 0x1a8283b156ebdULL, 0x5e7a26001c029ULL,
			       0x739c663a03cbbULL, 0x52036cee2b6ffULL } };
/* 2 d mod p */
static const struct fe D2 = { { 0x69b9426b2f159ULL, 0x35050762add7aULL, 0x3cf44c0038052ULL,
				0x6738cc7407977ULL, 0x2406d9dc56dffULL } };
/* sqrt(-1) = 2^((p - 1) / 4) mod p */
static const struct fe SQRTM1 = { { 0x61b274a0ea0b0ULL, 0x0d5a5fc8f189dULL, 0x7ef5e9cbd0c60ULL,
				    0x78595a6804c9eULL, 0x2b8324804fc1dULL } };
/* The base point B: y = 4/5, x positive (even); T = x y. */
static const struct ge BASE = {
	.X = { { 0x62d608f25d51aULL, 0x412a4b4f6592aULL, 0x75b7171a4b31dULL,
		 0x1ff60527118feULL, 0x216936d3cd6e5ULL } },
	.Y = { { 0x6666666666658ULL, 0x4ccccccccccccULL, 0x1999999999999ULL,
		 0x3333333333333ULL, 0x6666666666666ULL } },
	.Z = { { 1, 0, 0, 0, 0 } },
	.T = { { 0x68ab3a5b7dda3ULL, 0x00eea2a5eadbbULL, 0x2af8df483c27eULL,
		 0x332b375274732ULL, 0x67875f0fd78b7ULL } },
};

/* Exponents, little-endian: p - 2 = 2^255 - 21 and (p - 5) / 8 = 2^252 - 3. */
static const u8 P_MINUS_2[32] = {
	0xeb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
};
static const u8 P_MINUS_5_DIV_8[32] = {
	0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f,
};

/* The group order L = 2^252 + 27742317777372353535851937790883648493, 64-bit words. */
static const u64 L[4] = {
	0x5812631a5cf5d3edULL, 0x14def9dea2f79cd6ULL, 0x0000000000000000ULL, 0x1000000000000000ULL,
};

static u64 load_le64(const u8 *p)
{
	u64 v = 0;

	for (unsigned int i = 0; i < 8; i++)
		v |= (u64)p[i] << (8 * i);
	return v;
}

static void store_le64(u8 *p, u64 v)
{
	for (unsigned int i = 0; i < 8; i++)
		p[i] = (u8)(v >> (8 * i));
}

/* ---- Field arithmetic mod p = 2^255 - 19 ---------------------------------- */

static void fe_set(struct fe *h, u64 small)
{
	h->v[0] = small;
	h->v[1] = h->v[2] = h->v[3] = h->v[4] = 0;
}

/*
 * Carry limbs holding up to 64 bits each into tight form: limbs 1-4 below
 * 2^51, limb 0 below 2^51 + 19 * 2^13 (the carry out of limb 4 is below
 * 2^13 and wraps round as 19, since 2^255 = 19 mod p).
 */
static void fe_carry(struct fe *h)
{
	u64 c;

	for (unsigned int i = 0; i < 4; i++) {
		c = h->v[i] >> 51;
		h->v[i] &= MASK51;
		h->v[i + 1] += c;
	}
	c = h->v[4] >> 51;
	h->v[4] &= MASK51;
	h->v[0] += 19 * c;
}

/* h = f + g; tight inputs give limbs below 2^53 before the carry. */
static void fe_add(struct fe *h, const struct fe *f, const struct fe *g)
{
	for (unsigned int i = 0; i < 5; i++)
		h->v[i] = f->v[i] + g->v[i];
	fe_carry(h);
}

/*
 * h = f - g, computed as f + 4p - g so that no limb goes negative: the
 * limbs of 4p are 2^53 - 76 and 2^53 - 4, above any tight g (< 2^52).
 */
static void fe_sub(struct fe *h, const struct fe *f, const struct fe *g)
{
	h->v[0] = f->v[0] + 0x1fffffffffffb4ULL - g->v[0];
	for (unsigned int i = 1; i < 5; i++)
		h->v[i] = f->v[i] + 0x1ffffffffffffcULL - g->v[i];
	fe_carry(h);
}

static void fe_neg(struct fe *h, const struct fe *f)
{
	struct fe zero;

	fe_set(&zero, 0);
	fe_sub(h, &zero, f);
}

/*
 * h = f * g (h may alias f or g).  Schoolbook product of the limbs, the
 * terms at or above 2^255 folded back multiplied by 19.  With tight inputs
 * (< 2^52), 19 g[j] < 2^57 fits a u64, each product is below 2^109 and each
 * column of five products below 2^112.  Column 4 has no folded terms, so
 * it is below 5 * 2^104 plus the carry in (< 2^61), and its carry out is
 * below 2^56: 19 times that, added to limb 0, fits in 64 bits.
 */
static void fe_mul(struct fe *h, const struct fe *f, const struct fe *g)
{
	const u64 *a = f->v, *b = g->v;
	u64 b19[5];
	u128 r[5];
	u64 c;

	for (unsigned int i = 1; i < 5; i++)
		b19[i] = 19 * b[i];

	r[0] = (u128)a[0] * b[0] + (u128)a[1] * b19[4] + (u128)a[2] * b19[3] +
	       (u128)a[3] * b19[2] + (u128)a[4] * b19[1];
	r[1] = (u128)a[0] * b[1] + (u128)a[1] * b[0] + (u128)a[2] * b19[4] +
	       (u128)a[3] * b19[3] + (u128)a[4] * b19[2];
	r[2] = (u128)a[0] * b[2] + (u128)a[1] * b[1] + (u128)a[2] * b[0] +
	       (u128)a[3] * b19[4] + (u128)a[4] * b19[3];
	r[3] = (u128)a[0] * b[3] + (u128)a[1] * b[2] + (u128)a[2] * b[1] +
	       (u128)a[3] * b[0] + (u128)a[4] * b19[4];
	r[4] = (u128)a[0] * b[4] + (u128)a[1] * b[3] + (u128)a[2] * b[2] +
	       (u128)a[3] * b[1] + (u128)a[4] * b[0];

	for (unsigned int i = 0; i < 4; i++) {
		r[i + 1] += (u64)(r[i] >> 51);
		h->v[i] = (u64)r[i] & MASK51;
	}
	c = (u64)(r[4] >> 51);
	h->v[4] = (u64)r[4] & MASK51;
	h->v[0] += 19 * c;
	/* limb 0 is now below 2^51 + 2^61: one more carry makes it tight */
	h->v[1] += h->v[0] >> 51;
	h->v[0] &= MASK51;
}

static void fe_sq(struct fe *h, const struct fe *f)
{
	fe_mul(h, f, f);
}

/* h = z^e, e a 256-bit little-endian exponent (public), square and multiply. */
static void fe_pow(struct fe *h, const struct fe *z, const u8 e[32])
{
	struct fe base = *z, r;

	fe_set(&r, 1);
	for (int i = 255; i >= 0; i--) {
		fe_sq(&r, &r);
		if ((e[i >> 3] >> (i & 7)) & 1)
			fe_mul(&r, &r, &base);
	}
	*h = r;
}

/* h = 1 / z = z^(p - 2) (Fermat); 1 / 0 comes out as 0. */
static void fe_invert(struct fe *h, const struct fe *z)
{
	fe_pow(h, z, P_MINUS_2);
}

/*
 * The 255 low bits of s, little-endian; bit 255 (the sign of x in a point
 * encoding) is ignored.  The value may be p..2^255-1 (not reduced): callers
 * that need a canonical input check it with fe_tobytes.
 */
static void fe_frombytes(struct fe *h, const u8 s[32])
{
	h->v[0] = load_le64(s) & MASK51;		/* bits   0..50  */
	h->v[1] = (load_le64(s + 6) >> 3) & MASK51;	/* bits  51..101 */
	h->v[2] = (load_le64(s + 12) >> 6) & MASK51;	/* bits 102..152 */
	h->v[3] = (load_le64(s + 19) >> 1) & MASK51;	/* bits 153..203 */
	h->v[4] = (load_le64(s + 24) >> 12) & MASK51;	/* bits 204..254 */
}

/*
 * The canonical encoding of f: the value reduced into [0, p), 32 bytes
 * little-endian, bit 255 clear.
 */
static void fe_tobytes(u8 s[32], const struct fe *f)
{
	struct fe t = *f;
	u64 q;

	/*
	 * Tight limbs put t below 2^255 + 2^18 < 2p, so t mod p is t - q p
	 * with q = 1 exactly when t >= p, i.e. when t + 19 >= 2^255: q is the
	 * carry out of bit 255 of t + 19.
	 */
	fe_carry(&t);
	q = (t.v[0] + 19) >> 51;
	for (unsigned int i = 1; i < 5; i++)
		q = (t.v[i] + q) >> 51;

	/* t - q p = t + 19 q - q 2^255: add 19 q, carry, drop bit 255. */
	t.v[0] += 19 * q;
	for (unsigned int i = 0; i < 4; i++) {
		t.v[i + 1] += t.v[i] >> 51;
		t.v[i] &= MASK51;
	}
	t.v[4] &= MASK51;

	store_le64(s, t.v[0] | t.v[1] << 51);
	store_le64(s + 8, t.v[1] >> 13 | t.v[2] << 38);
	store_le64(s + 16, t.v[2] >> 26 | t.v[3] << 25);
	store_le64(s + 24, t.v[3] >> 39 | t.v[4] << 12);
}

static bool fe_iszero(const struct fe *f)
{
	u8 s[32];
	u8 acc = 0;

	fe_tobytes(s, f);
	for (unsigned int i = 0; i < 32; i++)
		acc |= s[i];
	return acc == 0;
}

/* The "sign" of RFC 8032: the least significant bit of the reduced value. */
static unsigned int fe_isodd(const struct fe *f)
{
	u8 s[32];

	fe_tobytes(s, f);
	return s[0] & 1;
}

/* ---- Points ---------------------------------------------------------------- */

static void ge_identity(struct ge *p)
{
	fe_set(&p->X, 0);
	fe_set(&p->Y, 1);
	fe_set(&p->Z, 1);
	fe_set(&p->T, 0);
}

/* r = p + q (RFC 8032 section 5.1.4, complete for a = -1); r may alias p or q. */
static void ge_add(struct ge *r, const struct ge *p, const struct ge *q)
{
	struct fe a, b, c, d, e, f, g, h, t;

	fe_sub(&a, &p->Y, &p->X);
	fe_sub(&t, &q->Y, &q->X);
	fe_mul(&a, &a, &t);		/* A = (Y1 - X1) (Y2 - X2) */
	fe_add(&b, &p->Y, &p->X);
	fe_add(&t, &q->Y, &q->X);
	fe_mul(&b, &b, &t);		/* B = (Y1 + X1) (Y2 + X2) */
	fe_mul(&c, &p->T, &q->T);
	fe_mul(&c, &c, &D2);		/* C = T1 2d T2 */
	fe_mul(&d, &p->Z, &q->Z);
	fe_add(&d, &d, &d);		/* D = Z1 2 Z2 */
	fe_sub(&e, &b, &a);		/* E = B - A */
	fe_sub(&f, &d, &c);		/* F = D - C */
	fe_add(&g, &d, &c);		/* G = D + C */
	fe_add(&h, &b, &a);		/* H = B + A */
	fe_mul(&r->X, &e, &f);
	fe_mul(&r->Y, &g, &h);
	fe_mul(&r->T, &e, &h);
	fe_mul(&r->Z, &f, &g);
}

/* r = 2 p (RFC 8032 section 5.1.4); r may alias p. */
static void ge_double(struct ge *r, const struct ge *p)
{
	struct fe a, b, c, e, f, g, h;

	fe_sq(&a, &p->X);		/* A = X1^2 */
	fe_sq(&b, &p->Y);		/* B = Y1^2 */
	fe_sq(&c, &p->Z);
	fe_add(&c, &c, &c);		/* C = 2 Z1^2 */
	fe_add(&h, &a, &b);		/* H = A + B */
	fe_add(&e, &p->X, &p->Y);
	fe_sq(&e, &e);
	fe_sub(&e, &h, &e);		/* E = H - (X1 + Y1)^2 */
	fe_sub(&g, &a, &b);		/* G = A - B */
	fe_add(&f, &c, &g);		/* F = C + G */
	fe_mul(&r->X, &e, &f);
	fe_mul(&r->Y, &g, &h);
	fe_mul(&r->T, &e, &h);
	fe_mul(&r->Z, &f, &g);
}

/* r = [k] p, k a 256-bit little-endian scalar (public): double and add. */
static void ge_scalarmult(struct ge *r, const u8 k[32], const struct ge *p)
{
	struct ge q = *p;

	ge_identity(r);
	for (int i = 255; i >= 0; i--) {
		ge_double(r, r);
		if ((k[i >> 3] >> (i & 7)) & 1)
			ge_add(r, r, &q);
	}
}

/* The encoding of section 5.1.2: y, with the parity of x in bit 255. */
static void ge_tobytes(u8 s[32], const struct ge *p)
{
	struct fe zinv, x, y;

	fe_invert(&zinv, &p->Z);
	fe_mul(&x, &p->X, &zinv);
	fe_mul(&y, &p->Y, &zinv);
	fe_tobytes(s, &y);
	s[31] |= (u8)(fe_isodd(&x) << 7);
}

/*
 * Decode a point (section 5.1.3).  False if y >= p (non-canonical), if
 * (y^2 - 1) / (d y^2 + 1) has no square root (not on the curve), or if
 * x = 0 and the sign bit is 1 (non-canonical).
 */
static bool ge_frombytes(struct ge *p, const u8 s[32])
{
	unsigned int sign = s[31] >> 7;
	struct fe one, u, v, v3, x, vxx, chk;
	u8 y[32];

	/* 1. y, and reject y >= p by comparing with its canonical encoding */
	fe_frombytes(&p->Y, s);
	fe_tobytes(y, &p->Y);
	y[31] |= (u8)(sign << 7);
	if (memcmp(y, s, 32) != 0)
		return false;

	/* 2. u = y^2 - 1, v = d y^2 + 1 (never 0: -1/d is not a square) */
	fe_set(&one, 1);
	fe_sq(&u, &p->Y);
	fe_mul(&v, &u, &D);
	fe_sub(&u, &u, &one);
	fe_add(&v, &v, &one);

	/* candidate x = u v^3 (u v^7)^((p - 5) / 8) */
	fe_sq(&v3, &v);
	fe_mul(&v3, &v3, &v);		/* v^3 */
	fe_sq(&x, &v3);
	fe_mul(&x, &x, &v);		/* v^7 */
	fe_mul(&x, &x, &u);		/* u v^7 */
	fe_pow(&x, &x, P_MINUS_5_DIV_8);
	fe_mul(&x, &x, &v3);
	fe_mul(&x, &x, &u);

	/* 3. v x^2 = u: x is a root; v x^2 = -u: x sqrt(-1) is; else none */
	fe_sq(&vxx, &x);
	fe_mul(&vxx, &vxx, &v);
	fe_sub(&chk, &vxx, &u);
	if (!fe_iszero(&chk)) {
		fe_add(&chk, &vxx, &u);
		if (!fe_iszero(&chk))
			return false;
		fe_mul(&x, &x, &SQRTM1);
	}

	/* 4. x = 0 has only one encoding, with sign 0; else pick the root by parity */
	if (fe_iszero(&x) && sign)
		return false;
	if (fe_isodd(&x) != sign)
		fe_neg(&x, &x);

	p->X = x;
	fe_set(&p->Z, 1);
	fe_mul(&p->T, &x, &p->Y);
	return true;
}

/* ---- Scalars mod L --------------------------------------------------------- */

/* a < L for a 256-bit little-endian-word a. */
static bool sc_below_l(const u64 a[4])
{
	for (int i = 3; i >= 0; i--) {
		if (a[i] != L[i])
			return a[i] < L[i];
	}
	return false;
}

/* Is the 32-byte little-endian s below L (section 5.1.7 step 1)? */
static bool sc_is_canonical(const u8 s[32])
{
	u64 a[4];

	for (unsigned int i = 0; i < 4; i++)
		a[i] = load_le64(s + 8 * i);
	return sc_below_l(a);
}

/*
 * out = h mod L for a 512-bit little-endian h, one bit at a time from the
 * top: r stays below L, so 2 r + 1 < 2L < 2^254 fits in four words and one
 * conditional subtraction of L brings it back below L.
 */
static void sc_reduce512(u8 out[32], const u8 h[64])
{
	u64 r[4] = { 0, 0, 0, 0 };

	for (int i = 511; i >= 0; i--) {
		r[3] = r[3] << 1 | r[2] >> 63;
		r[2] = r[2] << 1 | r[1] >> 63;
		r[1] = r[1] << 1 | r[0] >> 63;
		r[0] = r[0] << 1 | ((h[i >> 3] >> (i & 7)) & 1);
		if (!sc_below_l(r)) {
			u64 borrow = 0;

			for (unsigned int j = 0; j < 4; j++) {
				u64 d = r[j] - L[j] - borrow;

				borrow = (r[j] < L[j]) || (r[j] == L[j] && borrow);
				r[j] = d;
			}
		}
	}
	for (unsigned int i = 0; i < 4; i++)
		store_le64(out + 8 * i, r[i]);
}

/* k = SHA-512(R || A || M) mod L (section 5.1.7 step 2). */
static void challenge(u8 k[32], const u8 r[32], const u8 pub[32], const u8 *msg, size_t len)
{
	struct sha512_ctx ctx;
	u8 h[SHA512_DIGEST_SIZE];

	sha512_init(&ctx);
	sha512_update(&ctx, r, 32);
	sha512_update(&ctx, pub, 32);
	sha512_update(&ctx, msg, len);
	sha512_final(&ctx, h);
	sc_reduce512(k, h);
}

/* ---- Verification ---------------------------------------------------------- */

/* s = encoding of [S]B */
static void lhs_bytes(u8 s[32], const u8 S[32])
{
	struct ge t;

	ge_scalarmult(&t, S, &BASE);
	ge_tobytes(s, &t);
}

/* s = encoding of R + [k]A */
static void rhs_bytes(u8 s[32], const struct ge *R, const u8 k[32], const struct ge *A)
{
	struct ge t;

	ge_scalarmult(&t, k, A);
	ge_add(&t, &t, R);
	ge_tobytes(s, &t);
}

bool ed25519_verify(const uint8_t sig[ED25519_SIGNATURE_SIZE], const uint8_t *msg, size_t len,
		    const uint8_t pub[ED25519_PUBLIC_KEY_SIZE])
{
	const u8 *r = sig, *s = sig + 32;
	struct ge A, R;
	u8 k[32], lhs[32], rhs[32];

	/* 1. S < L; A and R decode (canonically) */
	if (!sc_is_canonical(s))
		return false;
	if (!ge_frombytes(&A, pub) || !ge_frombytes(&R, r))
		return false;

	/* 2. k = SHA-512(R || A || M) mod L */
	challenge(k, r, pub, msg, len);

	/* 3. [S]B = R + [k]A, compared through the canonical encodings */
	lhs_bytes(lhs, s);
	rhs_bytes(rhs, &R, k, &A);
	return memcmp(lhs, rhs, 32) == 0;
}
