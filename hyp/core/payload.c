// SPDX-License-Identifier: GPL-2.0-only
/* Verified boot of protected VMs (see payload.h). */
#include <gzvm/hvc.h>
#include <hyp/log.h>
#include <hyp/payload.h>
#include <hyp/string.h>
#include <hyp/vm.h>

#define PAGE_SZ		4096ULL

static struct {
	bool have_key;
	u8 key[ED25519_PUBLIC_KEY_SIZE];
} trust;

void payload_set_key(const u8 *key)
{
	trust.have_key = key != NULL;
	if (key)
		memcpy(trust.key, key, sizeof(trust.key));
}

bool payload_range_ok(u64 gpa, u64 size)
{
	return size > PAYLOAD_FOOTER_SIZE && gpa + size > gpa;
}

/* Hash [ipa, ipa + len) of guest memory, or copy it to out (if not NULL). */
static int walk_guest(struct vm *vm, u64 ipa, u64 len, struct sha256_ctx *hash, u8 *out)
{
	while (len) {
		const u8 *page = vm_guest_page(vm, ipa);
		u64 off = ipa & (PAGE_SZ - 1), n = MIN(len, PAGE_SZ - off);

		if (!page)
			return GZVM_ERR_FAULT;
		if (hash)
			sha256_update(hash, page + off, n);
		if (out) {
			memcpy(out, page + off, n);
			out += n;
		}
		ipa += n;
		len -= n;
	}
	return GZVM_OK;
}

int payload_verify(struct vm *vm)
{
	u8 footer[PAYLOAD_FOOTER_SIZE];
	struct sha256_ctx ctx;
	u64 image;
	int ret;

	if (!vm->payload_size) {
		if (!trust.have_key)
			return GZVM_OK;	/* unverified, unmeasured: what the boot asked for */
		hyp_log("vm%u: no payload to verify against pvm_key", vm->id);
		return GZVM_ERR_ACCESS_DENIED;
	}
	image = vm->payload_size - PAYLOAD_FOOTER_SIZE;	/* payload_range_ok() */
	sha256_init(&ctx);
	ret = walk_guest(vm, vm->payload_gpa, image, &ctx, NULL);
	if (!ret)
		ret = walk_guest(vm, vm->payload_gpa + image, sizeof(footer), NULL, footer);
	if (ret) {
		hyp_log("vm%u: payload not all in mapped guest memory", vm->id);
		return ret;
	}
	sha256_final(&ctx, vm->measurement);
	if (memcmp(footer, PAYLOAD_MAGIC, PAYLOAD_MAGIC_SIZE)) {
		hyp_log("vm%u: payload has no signature footer", vm->id);
		return GZVM_ERR_ACCESS_DENIED;
	}
	if (trust.have_key &&
	    !ed25519_verify(footer + PAYLOAD_MAGIC_SIZE, vm->measurement, SHA256_DIGEST_SIZE,
			    trust.key)) {
		hyp_log("vm%u: payload signature does not verify", vm->id);
		return GZVM_ERR_ACCESS_DENIED;
	}
	vm->measured = true;
	hyp_log("vm%u: payload of %llu bytes %s, measurement %02x%02x%02x%02x...", vm->id,
		(unsigned long long)image, trust.have_key ? "verified" : "measured (no pvm_key)",
		vm->measurement[0], vm->measurement[1], vm->measurement[2], vm->measurement[3]);
	return GZVM_OK;
}
