// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyp/lib's crypto against published vectors.
 *
 * SHA-256 and SHA-512: the FIPS 180-4 examples (NIST "Examples with
 * Intermediate Values" / CAVP short messages): "", "abc", the 448-bit and
 * 896-bit messages and one million 'a', the last also fed in uneven chunks
 * so that every path through the block buffering is taken.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hyp/sha2.h>

static void unhex(uint8_t *out, size_t n, const char *hex)
{
	assert_int_equal(strlen(hex), 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void assert_hex(const uint8_t *got, size_t n, const char *hex)
{
	uint8_t want[128];

	assert_true(n <= sizeof(want));
	unhex(want, n, hex);
	assert_memory_equal(got, want, n);
}

/* ---- SHA-2 ---------------------------------------------------------------- */

#define M448 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define M896 "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn" \
	     "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"

struct sha_vec {
	const char *msg;
	const char *sha256;
	const char *sha512;
};

static const struct sha_vec sha_vecs[] = {
	{ "",
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	  "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
	  "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
	{ "abc",
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
	{ M448,
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	  "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
	  "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445" },
	{ M896,
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
	  "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
	  "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909" },
};

#define MILLION_A_SHA256 \
	"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
#define MILLION_A_SHA512 \
	"e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb" \
	"de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"

/* Chunk sizes around both block sizes, cycled through by the chunked tests. */
static const size_t chunks[] = { 1, 63, 64, 65, 1000, 0, 127, 128, 129, 3, 200, 55, 56, 111, 112 };

#define MILLION 1000000

static uint8_t *million_a(void)
{
	uint8_t *m = malloc(MILLION);

	assert_non_null(m);
	memset(m, 'a', MILLION);
	return m;
}

static void test_sha256_vectors(void **state)
{
	uint8_t out[SHA256_DIGEST_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(sha_vecs) / sizeof(sha_vecs[0]); i++) {
		sha256(sha_vecs[i].msg, strlen(sha_vecs[i].msg), out);
		assert_hex(out, sizeof(out), sha_vecs[i].sha256);
	}
}

/* Each vector one byte at a time, then from an odd address. */
static void test_sha256_bytewise_unaligned(void **state)
{
	uint8_t out[SHA256_DIGEST_SIZE], buf[1 + sizeof(M896)];
	struct sha256_ctx ctx;

	(void)state;
	for (size_t i = 0; i < sizeof(sha_vecs) / sizeof(sha_vecs[0]); i++) {
		size_t n = strlen(sha_vecs[i].msg);

		sha256_init(&ctx);
		for (size_t j = 0; j < n; j++)
			sha256_update(&ctx, sha_vecs[i].msg + j, 1);
		sha256_final(&ctx, out);
		assert_hex(out, sizeof(out), sha_vecs[i].sha256);

		memcpy(buf + 1, sha_vecs[i].msg, n);
		sha256(buf + 1, n, out);
		assert_hex(out, sizeof(out), sha_vecs[i].sha256);
	}
}

static void test_sha256_million_a(void **state)
{
	uint8_t out[SHA256_DIGEST_SIZE];
	uint8_t *m = million_a();

	(void)state;
	sha256(m, MILLION, out);
	assert_hex(out, sizeof(out), MILLION_A_SHA256);
	free(m);
}

static void test_sha256_million_a_chunked(void **state)
{
	uint8_t out[SHA256_DIGEST_SIZE];
	uint8_t *m = million_a();
	struct sha256_ctx ctx;
	size_t done = 0, k = 0;

	(void)state;
	sha256_init(&ctx);
	while (done < MILLION) {
		size_t n = chunks[k++ % (sizeof(chunks) / sizeof(chunks[0]))];

		if (n > MILLION - done)
			n = MILLION - done;
		sha256_update(&ctx, m + done, n);
		done += n;
	}
	sha256_final(&ctx, out);
	assert_hex(out, sizeof(out), MILLION_A_SHA256);
	free(m);
}

static void test_sha512_vectors(void **state)
{
	uint8_t out[SHA512_DIGEST_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(sha_vecs) / sizeof(sha_vecs[0]); i++) {
		sha512(sha_vecs[i].msg, strlen(sha_vecs[i].msg), out);
		assert_hex(out, sizeof(out), sha_vecs[i].sha512);
	}
}

static void test_sha512_bytewise_unaligned(void **state)
{
	uint8_t out[SHA512_DIGEST_SIZE], buf[1 + sizeof(M896)];
	struct sha512_ctx ctx;

	(void)state;
	for (size_t i = 0; i < sizeof(sha_vecs) / sizeof(sha_vecs[0]); i++) {
		size_t n = strlen(sha_vecs[i].msg);

		sha512_init(&ctx);
		for (size_t j = 0; j < n; j++)
			sha512_update(&ctx, sha_vecs[i].msg + j, 1);
		sha512_final(&ctx, out);
		assert_hex(out, sizeof(out), sha_vecs[i].sha512);

		memcpy(buf + 1, sha_vecs[i].msg, n);
		sha512(buf + 1, n, out);
		assert_hex(out, sizeof(out), sha_vecs[i].sha512);
	}
}

static void test_sha512_million_a(void **state)
{
	uint8_t out[SHA512_DIGEST_SIZE];
	uint8_t *m = million_a();

	(void)state;
	sha512(m, MILLION, out);
	assert_hex(out, sizeof(out), MILLION_A_SHA512);
	free(m);
}

static void test_sha512_million_a_chunked(void **state)
{
	uint8_t out[SHA512_DIGEST_SIZE];
	uint8_t *m = million_a();
	struct sha512_ctx ctx;
	size_t done = 0, k = 0;

	(void)state;
	sha512_init(&ctx);
	while (done < MILLION) {
		size_t n = chunks[k++ % (sizeof(chunks) / sizeof(chunks[0]))];

		if (n > MILLION - done)
			n = MILLION - done;
		sha512_update(&ctx, m + done, n);
		done += n;
	}
	sha512_final(&ctx, out);
	assert_hex(out, sizeof(out), MILLION_A_SHA512);
	free(m);
}

/*
 * Every length from 0 to 300 bytes (both padding boundaries, 55/56 and
 * 111/112, and multi-block tails): the digests of m[0..n) for each n are
 * hashed together, and that digest compared with one computed by an
 * independent implementation (Python's hashlib, i.e. OpenSSL).
 */
#define CHAIN_SHA256 \
	"7722024365d27836079cbf29de35d060b9383d7c713083199661392f983216d4"
#define CHAIN_SHA512 \
	"b50fe9ef5437ef0ea020c85f6ce09b3219f9692e48a444ec1db75c1948a56ed8" \
	"4a05f4b904a87d6a6bdab886676b29340b7d3080cf991555c12f59e0dd4158c9"

static void test_sha2_every_length(void **state)
{
	uint8_t m[300], d[SHA512_DIGEST_SIZE];
	struct sha256_ctx c256;
	struct sha512_ctx c512;

	(void)state;
	for (size_t i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)(i * 131 + 7);
	sha256_init(&c256);
	sha512_init(&c512);
	for (size_t n = 0; n <= sizeof(m); n++) {
		sha256(m, n, d);
		sha256_update(&c256, d, SHA256_DIGEST_SIZE);
		sha512(m, n, d);
		sha512_update(&c512, d, SHA512_DIGEST_SIZE);
	}
	sha256_final(&c256, d);
	assert_hex(d, SHA256_DIGEST_SIZE, CHAIN_SHA256);
	sha512_final(&c512, d);
	assert_hex(d, SHA512_DIGEST_SIZE, CHAIN_SHA512);
}

/*
 * The same lengths split at every point: the split must not change the digest.
 */
static void test_sha2_split_lengths(void **state)
{
	uint8_t m[300], a[SHA512_DIGEST_SIZE], b[SHA512_DIGEST_SIZE];
	struct sha256_ctx c256;
	struct sha512_ctx c512;

	(void)state;
	for (size_t i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)(i * 131 + 7);
	for (size_t n = 0; n <= sizeof(m); n += (n < 140 ? 1 : 13)) {
		sha256(m, n, a);
		sha512(m, n, b);
		for (size_t s = 0; s <= n; s++) {
			uint8_t o[SHA512_DIGEST_SIZE];

			sha256_init(&c256);
			sha256_update(&c256, m, s);
			sha256_update(&c256, m + s, n - s);
			sha256_final(&c256, o);
			assert_memory_equal(o, a, SHA256_DIGEST_SIZE);

			sha512_init(&c512);
			sha512_update(&c512, m, s);
			sha512_update(&c512, m + s, n - s);
			sha512_final(&c512, o);
			assert_memory_equal(o, b, SHA512_DIGEST_SIZE);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_sha256_bytewise_unaligned),
		cmocka_unit_test(test_sha256_million_a),
		cmocka_unit_test(test_sha256_million_a_chunked),
		cmocka_unit_test(test_sha512_vectors),
		cmocka_unit_test(test_sha512_bytewise_unaligned),
		cmocka_unit_test(test_sha512_million_a),
		cmocka_unit_test(test_sha512_million_a_chunked),
		cmocka_unit_test(test_sha2_every_length),
		cmocka_unit_test(test_sha2_split_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
