/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Verified boot of protected VMs.  The VMM loads a payload into guest RAM
 * and names it in ENABLE_CAP(PROTECTED_VM, SET_PROTECTED_VM, gpa, size):
 *
 *   [ image: size - 72 bytes ][ "GZVMSIG1" ][ Ed25519 signature, 64 bytes ]
 *
 * The signature is over the image's SHA-256 digest, which is also the VM's
 * measurement.  It is checked when the VM is sealed, after its pages were
 * donated (so the host can no longer change what was checked), against the
 * key given at boot (pvm_key=); tools/gzvm-sign makes the footer.
 */
#ifndef HYP_PAYLOAD_H
#define HYP_PAYLOAD_H

#include <hyp/ed25519.h>
#include <hyp/sha2.h>
#include <hyp/types.h>

#define PAYLOAD_MAGIC		"GZVMSIG1"
#define PAYLOAD_MAGIC_SIZE	8
#define PAYLOAD_FOOTER_SIZE	(PAYLOAD_MAGIC_SIZE + ED25519_SIGNATURE_SIZE)

struct vm;

/*
 * The boot key (pvm_key=, ED25519_PUBLIC_KEY_SIZE bytes): every protected
 * VM must then present a payload signed by it.  NULL: none (the default),
 * payloads are measured but not verified.
 */
void payload_set_key(const u8 *key);

/* Is (gpa, size) the shape of a payload: room for an image and the footer, no wrap? */
bool payload_range_ok(u64 gpa, u64 size);

/*
 * Check a sealed-to-be VM's payload (vm lock held, its pages donated):
 * measure it into vm->measurement, verify its signature if there is a boot
 * key.  0, GZVM_ERR_FAULT (part of it not mapped) or GZVM_ERR_ACCESS_DENIED
 * (no payload while a key is set, no footer, or a signature that fails).
 */
int payload_verify(struct vm *vm);

/*
 * The measurement in the device tree a protected guest boots with: the
 * value of /chosen's PAYLOAD_DT_PROP (32 bytes, a placeholder the VMM put
 * there) becomes vm->measurement, or zeros without one.  At seal, after
 * payload_verify(), for the DTB at dtb_ipa (a starting vCPU's x0).  A
 * blob the guest could read another value from is refused: a property of
 * that name of another size, twice, or outside /chosen; a DTB with the
 * magic that is malformed, larger than PAYLOAD_DT_MAX or not all mapped.
 * 0 (also when there is no DTB at dtb_ipa), or GZVM_ERR_INVALID_ARGS.
 */
#define PAYLOAD_DT_PROP		"gzvm,pvm-measurement"
#define PAYLOAD_DT_MAX		(64U * 1024)
int payload_show_measurement(struct vm *vm, u64 dtb_ipa);

#endif
