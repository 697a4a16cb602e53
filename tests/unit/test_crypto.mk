# hyp/lib's SHA-2 and Ed25519 verification on the build machine.
# test_crypto.c #includes hyp/lib/ed25519.c to test its static helpers.
SRCS_test_crypto := hyp/lib/sha256.c hyp/lib/sha512.c
