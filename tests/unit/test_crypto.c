// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyp/lib's crypto against published vectors.
 *
 * SHA-256 and SHA-512: the FIPS 180-4 examples (NIST "Examples with
 * Intermediate Values" / CAVP short messages): "", "abc", the 448-bit and
 * 896-bit messages and one million 'a', the last also fed in uneven chunks
 * so that every path through the block buffering is taken.
 *
 * Ed25519: the RFC 8032 section 7.1 vectors and more made with OpenSSL,
 * then every way of breaking them that verification must catch: flipped
 * bits in the message, R, S and the key, S + L, S out of range,
 * non-canonical and off-curve encodings, the all-zero signature.  And the
 * internals: the constants against their definitions, the field arithmetic
 * at the limits of its limb bounds, reduction mod p and mod L.
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

/* Included rather than linked, so that the tests can reach its static helpers. */
#include "../../hyp/lib/ed25519.c"

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

/* ---- Ed25519 ---------------------------------------------------------------- */

/*
 * RFC 8032 section 7.1: TEST 1, 2, 3, 1024 and SHA(abc).  The hex was
 * taken from two independent transcriptions of the RFC text, which agree,
 * and checked by signing each message with the RFC's secret key using
 * OpenSSL (Ed25519 signing is deterministic): both the public keys and the
 * signatures came out as printed in the RFC.
 */
#define TEST1024_MSG \
	"08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98" \
	"fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8" \
	"79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d" \
	"658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc" \
	"1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe" \
	"ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e" \
	"06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef" \
	"efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7" \
	"aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1" \
	"85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2" \
	"d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24" \
	"554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270" \
	"88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc" \
	"2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07" \
	"07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba" \
	"b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a" \
	"ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e" \
	"c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7" \
	"51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c" \
	"42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8" \
	"ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df" \
	"f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08" \
	"d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649" \
	"de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4" \
	"88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3" \
	"2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e" \
	"6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f" \
	"b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5" \
	"0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1" \
	"369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d" \
	"b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c" \
	"0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0"

struct ed_vec {
	const char *name;
	const char *pub;
	const char *msg;
	const char *sig;
};

static const struct ed_vec rfc8032[] = {
	{ "TEST 1",
	  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
	  "",
	  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	  "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
	{ "TEST 2",
	  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
	  "72",
	  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	{ "TEST 3",
	  "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
	  "af82",
	  "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
	  "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
	{ "TEST 1024",
	  "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
	  TEST1024_MSG,
	  "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
	  "aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03" },
	{ "TEST SHA(abc)",
	  "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
	  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
	  "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
	  "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704" },
};

/*
 * More keys and lengths (around the SHA-512 block of 128 bytes once R and
 * A take 64 of it): random keys, signatures made by OpenSSL (through
 * Python's cryptography module) over pattern_msg()'s first len bytes.
 */
struct ed_extra {
	size_t len;
	const char *pub;
	const char *sig;
};

static const struct ed_extra openssl_vecs[] = {
	{ 0,
	  "b5f90739d779f5a2fcc5d8b46c965e4fbc7c8ec6f426938842deb477f8c678b2",
	  "0b4c58324606287d575ad167002a6706adea9abc537f9d203f64fbf5b46fd682"
	  "3c686cb8704e49fc449f2bc918f1389e97c4133e991c4f567ea5acad060db60d" },
	{ 1,
	  "764795f370c2bf2a20fd9d66fb589c2bd17fb0e1ee66992eedd7e6a90bd1c545",
	  "5ee92811b27a5a51604794951ba1ac78c245a42cea282ca7e9970532de64ea9c"
	  "d93633d53aba63e8534e406d8823d3acbc198f68c30f3f002d00fb050aec3007" },
	{ 3,
	  "138553f6035b470b8b41de1f0424fb5db898915ebc8f7b70c4eafff783a7148a",
	  "cb7b933830c48a3c13432ce5cd3dc541277b556132b581345e6fd42c769d7dbe"
	  "3551b5822478f1978b135598db17492d7d34d36b87460426658780b3c9922202" },
	{ 31,
	  "9327dc8a3b48158173c2ac0d454f4849524fa217048f86fb37d85da228d62d05",
	  "9264e6bef651cac0e8410bdf37fb5821825babe45795ba8d306f018cc2c6ed3c"
	  "52ddcd58402daf74ced9568eb665a0c0612f53918b1df37f90752c11ed60be0e" },
	{ 32,
	  "ed07d93646d5e762458e80db17123efe4406c1834394c720e865e15b93c9ec36",
	  "e674e339ecf4fb3bac0334c2f706b183459a4aaf9c2c9451a865ed7914ee9235"
	  "afff4961699de8e5456d47dbae31aa9a7fbee5e4ab57d533ecc095b22e82050b" },
	{ 33,
	  "b0056061488e20df5605638d1c7a20f6c635c7ec06194018ea45253fec23eb1a",
	  "4a3b2d857025cbea15a25495f3721cf3b6eb7cc389710bf7e736d64f2ae5e572"
	  "ae2660caa43c20935de1086d5693125aecdf1e1991fb588cc857fd83f6d1b10e" },
	{ 63,
	  "9ba16b25519589ba7a8d70e1a75107e8112500326ad773878df21a76286d410b",
	  "df790588005da9e29350cd58a73ebc5efdd1f1671f5a0f6cb42da71f9ca6c4c6"
	  "0f534c64530492667d0e5c95da1bd1e1f00f2817493b1bf3a51e5bdf5dd9f205" },
	{ 64,
	  "fd702aed16745f3a4768523f957775f6ef93c248693362e0c553efd88aa120d8",
	  "3710b6142aa3a8e08f4410bb655316c8d9d68881ee23d7738e8f63e5a21609e0"
	  "92b76f8e9b5839e8f4b9dc4462017875b420ae2d243cc5ecddd6a14be371bc0f" },
	{ 65,
	  "50e45e818e370ef693436f13daf2b482561c1847960b4f6714c4015263a2c59a",
	  "e6ecacd52d5d83c0c2fcc9dc5e671a3108f5aff28cdb1689ad2920ab66981b71"
	  "26e754dfaff0aa0c55a3b0f90027841c28ca3b0edeaeb3698ccf2e23906a5f04" },
	{ 95,
	  "d7d5a427b161f4617c6d5ae9d661fbb7304f8e39e527196702d4286ed22a5e99",
	  "d7571439bfe938a3dd7cce5f82cdd1147839bc373771c0e7a6107cacb5667df8"
	  "b8fe40e830fd04ac4c88bfbdb5f4663070c3b51d7ecf3859095a30dcb0e5a402" },
	{ 96,
	  "3917df09c38dbb9930dbeca6b203544c2b26925623430bc6b6d2438ff843aef5",
	  "78eaeed7db1b12b4b338f9ccd18286a265ba8a26979bfec149fb604c302438b8"
	  "c747ec3f68a43caf6e3fb79bd2c64f8112a9db8b2e5d8dcf2827d30c17f00608" },
	{ 111,
	  "64110ab2c83b89684dcd1e80d96356b50b00a1c86acedd276c9ae24c2ae83404",
	  "306760398257e4e4971e088b230c058e8ac6ed49b6a3b0ec53f10c978d0c9e98"
	  "3355d9b495426acff71a7649e2c46f2180bb4b308c74483ad76bfcd9f922a806" },
	{ 112,
	  "74f1dec5e272909c2b7fd3dc5729cd0c6c086ede03738bf21a490c42b42f68db",
	  "cb933eb4d52d1353552d25ef2c2aaae4475d1e201888ec9552c2a3ed69e38fc7"
	  "03720bf168aba3e995eaf2419f1b6fafe243cbc00d712deb52b3f3e8d660800c" },
	{ 127,
	  "2dc02546c21c209178b8ee642da0c084c34e91faeaade780feab056e6296ef9d",
	  "bd44ffe651b182e656bc562b945c1c47d104f2e8e5b0d32422585b9c48e27b59"
	  "912a69b2a519dad47141973c03b2761b756ddbf6ac597383a15a4ce85ebee20f" },
	{ 128,
	  "d91af7d0a3620f77d689ba6526d40437a091eb0be149d4d4e31bebffef231cd6",
	  "ac2a8c252fc814f30c0c9b5c99a9e58d9b8f1e79234d489e4c5d8e3cf5974617"
	  "c53e1c5b29bd5a3e2daf07f4107e9be295c64961ab9d81b8a5b1364727f0e20d" },
	{ 129,
	  "05ecb17ab155c4185e4af181afff74a9e3be23e85e20bf48a0a64df562d758ef",
	  "5b8b2bcfc48c5b4eb566776b4dc58a19c47c794d74f17748ac4148832bcc0216"
	  "d4d28f5e6adcc386264012cab2fd15936d5ef750e8a1ce6e2d831fc8781ad20f" },
	{ 191,
	  "7cb6663164f1234469103927bda3336248e10d4221e14cad51edef6385251162",
	  "5de37479b78316ee6ffc338937b038e545f3e22b2fe0750ae59d6688e5756d81"
	  "9194108e92e076a48d52604984da5bf733bd7a203f693fb316fdc58df3fc5e02" },
	{ 192,
	  "4f96c4e5fd50d8c518396d7b13a70bb6f8473244df3f8704f88b8a0fba27fc53",
	  "78cbb4dddc4caa260ee4d597cbcbed9e4a6e4eb1cc54dde6520ff5070092e4f0"
	  "068ec7b93914e7c74e57b2bc758bc4d005490477cad79240e15847e510a9cb0e" },
	{ 255,
	  "6c35151bcc89850f151348a46638aa4810466b3dd2d4af4993922cb36a914570",
	  "fb237d4ea0134a2135d10edb64c6fe23c83561c6a10c8e8f4720ef5bef072435"
	  "f17bb4ca5683b87987fd6d760ed017f9b65abaa3e7d7aae87de8de706d5e7302" },
	{ 256,
	  "8b0a79bd544a692618817d1c6df93cde40dd514d3cc018c654fdad19033f735a",
	  "75d4a336d402c4a2b91255e038f278405ad32663d4c9d589d7202206c90e2e49"
	  "46def854b8c9906d70a19897e525e5d80209af971976352eeee67eff65418a03" },
	{ 300,
	  "08b0a7f12a5cc66a36072e4ad3e6376dd8d209fc0766a84f2eadb9536c6ade30",
	  "65c7ca00edd9e591166cd0465bdc6fe4d7d300aed57d8ab24a38f57e6d0a6adf"
	  "3d79d18e172a4e94d846570caf2273768e76fb127d81dc484cb895a4ba85e502" },
	{ 511,
	  "b2b806f569a493816c2a76e3cff32ead332c991a4f22f5bc3ec38792e8fc75d0",
	  "631942797cd67ebd4cf15b5849f4eee353b549cbcabeced74c10459c1af516c7"
	  "9607fbdda4276868f4a0bedf212bb4ab80ec4e0184c4b8233907523e553bdb07" },
	{ 512,
	  "d97bdf40dade0e16306b351d89c8cd0f706131862ba5491e7381e040cb44c32b",
	  "c4264e0e10508a3c8e29c77165555dcd1cb67c065f6099158b8272eb51864b5f"
	  "552a0cc55fbfd9459d60db392491d8b4c08c161918b3f2b2250ca735d61c3401" },
	{ 1000,
	  "25c518c5fc4f2629348850be5fd123e15fbb68d783c36dd9bb5a0bc44fcccdf4",
	  "a98781a6a0541d81d807fed39fe1d6eae3a8d1dcba975452cec3ffc7311388cd"
	  "5f92469421d3b9c56fb4718e9eb1a1ba35d6906fb38f3a7b7da61b4d2cf08c01" },
};

#define PATTERN_MAX 1000

static void pattern_msg(uint8_t *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		m[i] = (uint8_t)(i * 131 + 7);
}

/* The vector's fields decoded; msg is malloc'ed (exactly len bytes, for ASan). */
struct ed_case {
	uint8_t pub[32], sig[64];
	uint8_t *msg;
	size_t len;
};

static void load_rfc(struct ed_case *c, const struct ed_vec *v)
{
	c->len = strlen(v->msg) / 2;
	c->msg = malloc(c->len ? c->len : 1);
	assert_non_null(c->msg);
	unhex(c->msg, c->len, v->msg);
	unhex(c->pub, 32, v->pub);
	unhex(c->sig, 64, v->sig);
}

static void load_extra(struct ed_case *c, const struct ed_extra *v)
{
	c->len = v->len;
	c->msg = malloc(c->len ? c->len : 1);
	assert_non_null(c->msg);
	pattern_msg(c->msg, c->len);
	unhex(c->pub, 32, v->pub);
	unhex(c->sig, 64, v->sig);
}

static bool verify_case(const struct ed_case *c)
{
	return ed25519_verify(c->sig, c->msg, c->len, c->pub);
}

#define N_RFC		(sizeof(rfc8032) / sizeof(rfc8032[0]))
#define N_OPENSSL	(sizeof(openssl_vecs) / sizeof(openssl_vecs[0]))

static void test_ed25519_rfc8032(void **state)
{
	struct ed_case c;

	(void)state;
	for (size_t i = 0; i < N_RFC; i++) {
		load_rfc(&c, &rfc8032[i]);
		if (!verify_case(&c))
			fail_msg("RFC 8032 %s rejected", rfc8032[i].name);
		free(c.msg);
	}
}

static void test_ed25519_test1024_length(void **state)
{
	(void)state;
	assert_int_equal(strlen(TEST1024_MSG), 2 * 1023);
}

static void test_ed25519_openssl(void **state)
{
	struct ed_case c;

	(void)state;
	for (size_t i = 0; i < N_OPENSSL; i++) {
		load_extra(&c, &openssl_vecs[i]);
		if (!verify_case(&c))
			fail_msg("OpenSSL vector of %zu bytes rejected", c.len);
		free(c.msg);
	}
}

/* Every vector checked against every other vector's public key: all rejected. */
static void test_ed25519_wrong_key(void **state)
{
	struct ed_case c, o;

	(void)state;
	for (size_t i = 0; i < N_RFC; i++) {
		load_rfc(&c, &rfc8032[i]);
		for (size_t j = 0; j < N_RFC; j++) {
			if (j == i)
				continue;
			load_rfc(&o, &rfc8032[j]);
			assert_false(ed25519_verify(c.sig, c.msg, c.len, o.pub));
			free(o.msg);
		}
		free(c.msg);
	}
}

/* A flipped bit anywhere in the message, or a byte more or less: rejected. */
static void test_ed25519_flipped_message(void **state)
{
	struct ed_case c;

	(void)state;
	for (size_t i = 0; i < N_RFC; i++) {
		load_rfc(&c, &rfc8032[i]);
		for (size_t bit = 0; bit < 8 * c.len; bit += (c.len > 64 ? 61 : 1)) {
			c.msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			assert_false(verify_case(&c));
			c.msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		if (c.len) {
			c.msg[c.len - 1] ^= 0x80;
			assert_false(verify_case(&c));
			c.msg[c.len - 1] ^= 0x80;
			assert_false(ed25519_verify(c.sig, c.msg, c.len - 1, c.pub));
		}
		assert_true(verify_case(&c));
		free(c.msg);
	}
}

/* Each of the 256 bits of R, of S and of the public key flipped: rejected. */
static void test_ed25519_flipped_sig_and_key(void **state)
{
	struct ed_case c;

	(void)state;
	for (size_t i = 0; i < N_RFC; i++) {
		load_rfc(&c, &rfc8032[i]);
		for (unsigned int bit = 0; bit < 512; bit++) {
			c.sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			if (verify_case(&c))
				fail_msg("%s: signature bit %u flipped accepted", rfc8032[i].name, bit);
			c.sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		for (unsigned int bit = 0; bit < 256; bit++) {
			c.pub[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			if (verify_case(&c))
				fail_msg("%s: public key bit %u flipped accepted", rfc8032[i].name, bit);
			c.pub[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		assert_true(verify_case(&c));
		free(c.msg);
	}
}

/* L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
static const uint8_t L_BYTES[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

/* s += L (256-bit little-endian; S < L, so S + L < 2^254 does not overflow) */
static void add_l(uint8_t s[32])
{
	unsigned int carry = 0;

	for (unsigned int i = 0; i < 32; i++) {
		carry += s[i] + L_BYTES[i];
		s[i] = (uint8_t)carry;
		carry >>= 8;
	}
	assert_int_equal(carry, 0);
}

/*
 * S + L satisfies the group equation just as S does ([L]B is the identity),
 * so only the S < L check stops this malleability; likewise S + 2L, ...
 * S + 14L (the most that always fits in 256 bits: 15L < 2^256).
 */
static void test_ed25519_s_plus_l(void **state)
{
	struct ed_case c;

	(void)state;
	for (size_t i = 0; i < N_RFC; i++) {
		load_rfc(&c, &rfc8032[i]);
		for (unsigned int m = 1; m <= 14; m++) {
			add_l(c.sig + 32);
			assert_false(verify_case(&c));
		}
		free(c.msg);
	}
	for (size_t i = 0; i < N_OPENSSL; i++) {
		load_extra(&c, &openssl_vecs[i]);
		add_l(c.sig + 32);
		assert_false(verify_case(&c));
		free(c.msg);
	}
}

/* S = L, S = 2^256 - 1, S with only bit 255 set: all rejected before any point work. */
static void test_ed25519_s_out_of_range(void **state)
{
	struct ed_case c;

	(void)state;
	load_rfc(&c, &rfc8032[0]);
	memcpy(c.sig + 32, L_BYTES, 32);
	assert_false(verify_case(&c));
	memset(c.sig + 32, 0xff, 32);
	assert_false(verify_case(&c));
	memset(c.sig + 32, 0, 32);
	c.sig[63] = 0x80;
	assert_false(verify_case(&c));
	free(c.msg);
}

static void test_ed25519_all_zero_signature(void **state)
{
	static const uint8_t zero[64];
	struct ed_case c;

	(void)state;
	for (size_t i = 0; i < N_RFC; i++) {
		load_rfc(&c, &rfc8032[i]);
		assert_false(ed25519_verify(zero, c.msg, c.len, c.pub));
		free(c.msg);
	}
}

/*
 * Non-canonical encodings.  Only y < 19 has a second encoding, y + p, so the
 * tests use the identity point (0, 1), whose multiples are all itself: under
 * the public key A = identity, R = [S]B satisfies [S]B = R + [k]A for every
 * message.  With S = 1 and R = B that signature is accepted under the
 * canonical encoding of the identity (RFC 8032 does not reject small-order
 * keys; see hyp/lib/ed25519.c), which shows that what rejects the same
 * signature under y = p + 1 is the canonicity check and nothing else.
 */
static const uint8_t B_ENC[32] = {	/* the base point: y = 4/5, x even */
	0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
};

/* enc = y as 255 bits little-endian, for y = 2^255 - 19 + off (off < 19, so y >= p) */
static void enc_p_plus(uint8_t enc[32], unsigned int off, unsigned int sign)
{
	memset(enc, 0xff, 32);
	enc[0] = (uint8_t)(0xed + off);
	enc[31] = (uint8_t)(0x7f | sign << 7);
}

static void test_ed25519_noncanonical_key(void **state)
{
	static const char msg[] = "gzvm";
	uint8_t sig[64] = { 0 }, pub[32] = { 0 };

	(void)state;
	memcpy(sig, B_ENC, 32);
	sig[32] = 1;				/* S = 1, R = B */
	pub[0] = 1;				/* canonical identity: y = 1, x = 0 */
	assert_true(ed25519_verify(sig, (const uint8_t *)msg, 4, pub));

	enc_p_plus(pub, 1, 0);			/* y = p + 1: the identity again */
	assert_false(ed25519_verify(sig, (const uint8_t *)msg, 4, pub));

	/* every y in [p, 2^255), either sign: rejected */
	for (unsigned int off = 0; off < 19; off++)
		for (unsigned int sign = 0; sign < 2; sign++) {
			enc_p_plus(pub, off, sign);
			assert_false(ed25519_verify(sig, (const uint8_t *)msg, 4, pub));
		}
}

static void test_ed25519_noncanonical_r(void **state)
{
	static const char msg[] = "gzvm";
	uint8_t sig[64] = { 0 }, pub[32] = { 0 };

	(void)state;
	pub[0] = 1;				/* A = identity */
	sig[0] = 1;				/* R = identity, S = 0: [0]B = R */
	assert_true(ed25519_verify(sig, (const uint8_t *)msg, 4, pub));

	enc_p_plus(sig, 1, 0);			/* R = identity as y = p + 1 */
	assert_false(ed25519_verify(sig, (const uint8_t *)msg, 4, pub));
}

/* x = 0 with the sign bit set: (0, 1) and (0, -1) each have one encoding. */
static void test_ed25519_x0_sign_bit(void **state)
{
	static const char msg[] = "gzvm";
	uint8_t sig[64] = { 0 }, pub[32] = { 0 };

	(void)state;
	memcpy(sig, B_ENC, 32);
	sig[32] = 1;
	pub[0] = 1;
	pub[31] = 0x80;				/* y = 1, sign 1 */
	assert_false(ed25519_verify(sig, (const uint8_t *)msg, 4, pub));

	memset(pub, 0xff, 32);
	pub[0] = 0xec;				/* y = p - 1 = -1, sign 1 */
	assert_false(ed25519_verify(sig, (const uint8_t *)msg, 4, pub));

	/* R = identity with the sign bit, A = identity, S = 0 */
	memset(sig, 0, sizeof(sig));
	memset(pub, 0, sizeof(pub));
	pub[0] = 1;
	sig[0] = 1;
	sig[31] = 0x80;
	assert_false(ed25519_verify(sig, (const uint8_t *)msg, 4, pub));
}

/* y = 2: (y^2 - 1) / (d y^2 + 1) is not a square, so no point has it. */
static void test_ed25519_not_on_curve(void **state)
{
	struct ed_case c;

	(void)state;
	load_rfc(&c, &rfc8032[0]);
	memset(c.pub, 0, 32);
	c.pub[0] = 2;
	assert_false(verify_case(&c));
	unhex(c.pub, 32, rfc8032[0].pub);
	memset(c.sig, 0, 32);
	c.sig[0] = 2;
	assert_false(verify_case(&c));
	free(c.msg);
}

/* ---- Ed25519 internals ------------------------------------------------------- */

static void fe_from_hex(struct fe *f, const char *hex)
{
	uint8_t b[32];

	unhex(b, 32, hex);
	fe_frombytes(f, b);
}

static void assert_fe(const struct fe *f, const char *hex)
{
	uint8_t b[32];

	fe_tobytes(b, f);
	assert_hex(b, 32, hex);
}

static bool fe_equal(const struct fe *a, const struct fe *b)
{
	struct fe t;

	fe_sub(&t, a, b);
	return fe_iszero(&t);
}

/* sqrt(-1)^2 = -1, 2d = d + d, d * 121666 = -121665, B on the curve, T = XY. */
static void test_ed25519_constants(void **state)
{
	struct fe t, u, x2, y2, k;
	struct ge b;
	uint8_t enc[32];

	(void)state;
	fe_sq(&t, &SQRTM1);
	fe_set(&u, 1);
	fe_neg(&u, &u);
	assert_true(fe_equal(&t, &u));

	fe_add(&t, &D, &D);
	assert_true(fe_equal(&t, &D2));

	fe_set(&k, 121666);
	fe_mul(&t, &D, &k);
	fe_set(&k, 121665);
	fe_neg(&k, &k);
	assert_true(fe_equal(&t, &k));

	/* -x^2 + y^2 = 1 + d x^2 y^2 */
	fe_sq(&x2, &BASE.X);
	fe_sq(&y2, &BASE.Y);
	fe_sub(&t, &y2, &x2);
	fe_mul(&u, &x2, &y2);
	fe_mul(&u, &u, &D);
	fe_set(&k, 1);
	fe_add(&u, &u, &k);
	assert_true(fe_equal(&t, &u));
	fe_mul(&t, &BASE.X, &BASE.Y);
	assert_true(fe_equal(&t, &BASE.T));

	/* y = 4/5 */
	fe_set(&k, 5);
	fe_mul(&t, &BASE.Y, &k);
	fe_set(&k, 4);
	assert_true(fe_equal(&t, &k));

	/* B encodes as RFC 8032's 0x5866...66 and decodes back to itself */
	ge_tobytes(enc, &BASE);
	assert_memory_equal(enc, B_ENC, 32);
	assert_true(ge_frombytes(&b, B_ENC));
	assert_true(fe_equal(&b.X, &BASE.X) && fe_equal(&b.Y, &BASE.Y));
	assert_true(fe_equal(&b.T, &BASE.T));
}

/* [L]B is the identity, [L - 1]B = -B, [2]B by doubling = B + B. */
static void test_ed25519_group_order(void **state)
{
	static const uint8_t identity[32] = { 1 };
	uint8_t s[32], enc[32], enc2[32];
	struct ge p, q;

	(void)state;
	ge_scalarmult(&p, L_BYTES, &BASE);
	ge_tobytes(enc, &p);
	assert_memory_equal(enc, identity, 32);

	memcpy(s, L_BYTES, 32);
	s[0]--;
	ge_scalarmult(&p, s, &BASE);
	ge_tobytes(enc, &p);
	memcpy(enc2, B_ENC, 32);
	enc2[31] |= 0x80;			/* -B: same y, odd x */
	assert_memory_equal(enc, enc2, 32);

	ge_double(&p, &BASE);
	ge_add(&q, &BASE, &BASE);
	ge_tobytes(enc, &p);
	ge_tobytes(enc2, &q);
	assert_memory_equal(enc, enc2, 32);
}

/*
 * Field arithmetic with every limb at 2^52 - 1, above anything the code
 * produces (the bound its overflow reasoning assumes), against Python's
 * big integers: the value, its square and its negation mod p.
 */
static void test_ed25519_field_limits(void **state)
{
	struct fe m, t;

	(void)state;
	for (unsigned int i = 0; i < 5; i++)
		m.v[i] = (1ULL << 52) - 1;
	assert_fe(&m, "2500000000000800000000004000000000000002000000000010000000000000");
	fe_mul(&t, &m, &m);
	assert_fe(&t, "a50500000000180400000000401c0000000000be0000000000d0040000000000");
	fe_neg(&t, &m);
	assert_fe(&t, "c8fffffffffff7ffffffffffbffffffffffffffdffffffffffefffffffffff7f");
}

/* y in [p, 2^255) reduces to y - p; p - 1 stays; 1/x * x = 1. */
static void test_ed25519_field_reduce(void **state)
{
	uint8_t enc[32], want[32] = { 0 };
	struct fe f, g, t;

	(void)state;
	for (unsigned int off = 0; off < 19; off++) {
		enc_p_plus(enc, off, 0);
		fe_frombytes(&f, enc);
		fe_tobytes(enc, &f);
		want[0] = (uint8_t)off;
		assert_memory_equal(enc, want, 32);
	}
	fe_from_hex(&f, "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
	assert_fe(&f, "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");

	fe_from_hex(&f, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	fe_invert(&g, &f);
	fe_mul(&t, &f, &g);
	assert_fe(&t, "0100000000000000000000000000000000000000000000000000000000000000");
}

/* Decoding: y = 2 is on no point; every vector's A and R round-trip. */
static void test_ed25519_decode(void **state)
{
	uint8_t enc[32] = { 2 }, out[32];
	struct ed_case c;
	struct ge p;

	(void)state;
	assert_false(ge_frombytes(&p, enc));
	for (size_t i = 0; i < N_RFC; i++) {
		load_rfc(&c, &rfc8032[i]);
		assert_true(ge_frombytes(&p, c.pub));
		ge_tobytes(out, &p);
		assert_memory_equal(out, c.pub, 32);
		assert_true(ge_frombytes(&p, c.sig));
		ge_tobytes(out, &p);
		assert_memory_equal(out, c.sig, 32);
		free(c.msg);
	}
}

/* Reduction mod L against Python's big integers; the S < L boundary. */
static void test_ed25519_scalars(void **state)
{
	uint8_t h[64], k[32];

	(void)state;
	memset(h, 0xff, sizeof(h));
	sc_reduce512(k, h);
	assert_hex(k, 32, "000f9c44e31106a447938568a71b0ed065bef517d273ecce3d9a307c1b419903");
	for (unsigned int i = 0; i < 64; i++)
		h[i] = (uint8_t)(i * 37 + 11);
	sc_reduce512(k, h);
	assert_hex(k, 32, "e4bd7e91ae5bc31c71141e4ec81f5f7f93ee3d65da95bfe3d45af0f452e56808");

	/*
	 * 2^252 + 2^192: subtracting L borrows through word 2 of L, which is 0
	 * (a path random hashes take with probability 2^-64).
	 */
	memset(h, 0, sizeof(h));
	h[24] = 1;
	h[31] = 0x10;
	sc_reduce512(k, h);
	assert_hex(k, 32, "132c0aa3e59ceda72963085d210621ebffffffffffffffff0000000000000000");

	memset(h, 0, sizeof(h));
	memcpy(h, L_BYTES, 32);
	sc_reduce512(k, h);
	assert_true(sc_is_canonical(k));
	for (unsigned int i = 0; i < 32; i++)
		assert_int_equal(k[i], 0);

	assert_false(sc_is_canonical(L_BYTES));
	memcpy(k, L_BYTES, 32);
	k[0]--;
	assert_true(sc_is_canonical(k));
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
		cmocka_unit_test(test_ed25519_test1024_length),
		cmocka_unit_test(test_ed25519_rfc8032),
		cmocka_unit_test(test_ed25519_openssl),
		cmocka_unit_test(test_ed25519_wrong_key),
		cmocka_unit_test(test_ed25519_flipped_message),
		cmocka_unit_test(test_ed25519_flipped_sig_and_key),
		cmocka_unit_test(test_ed25519_s_plus_l),
		cmocka_unit_test(test_ed25519_s_out_of_range),
		cmocka_unit_test(test_ed25519_all_zero_signature),
		cmocka_unit_test(test_ed25519_noncanonical_key),
		cmocka_unit_test(test_ed25519_noncanonical_r),
		cmocka_unit_test(test_ed25519_x0_sign_bit),
		cmocka_unit_test(test_ed25519_not_on_curve),
		cmocka_unit_test(test_ed25519_constants),
		cmocka_unit_test(test_ed25519_group_order),
		cmocka_unit_test(test_ed25519_field_limits),
		cmocka_unit_test(test_ed25519_field_reduce),
		cmocka_unit_test(test_ed25519_decode),
		cmocka_unit_test(test_ed25519_scalars),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
