// SPDX-License-Identifier: GPL-2.0-only
/* Verified boot of protected VMs (see payload.h). */
#include <fdt.h>
#include <gzvm/hvc.h>
#include <hyp/arch.h>
#include <hyp/log.h>
#include <hyp/payload.h>
#include <hyp/spinlock.h>
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

/*
 * Hash [ipa, ipa + len) of guest memory, copy it to out, or write in over
 * it (each if not NULL; a write is cleaned to the point of coherency, as
 * the guest may read it with its MMU off).
 */
static int walk_guest(struct vm *vm, u64 ipa, u64 len, struct sha256_ctx *hash, u8 *out,
		      const u8 *in)
{
	while (len) {
		u8 *page = (u8 *)vm_guest_page(vm, ipa);
		u64 off = ipa & (PAGE_SZ - 1), n = MIN(len, PAGE_SZ - off);

		if (!page)
			return GZVM_ERR_FAULT;
		if (hash)
			sha256_update(hash, page + off, n);
		if (out) {
			memcpy(out, page + off, n);
			out += n;
		}
		if (in) {
			memcpy(page + off, in, n);
			arch_dcache_clean_range(page + off, n);
			in += n;
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
	ret = walk_guest(vm, vm->payload_gpa, image, &ctx, NULL, NULL);
	if (!ret)
		ret = walk_guest(vm, vm->payload_gpa + image, sizeof(footer), NULL, footer, NULL);
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

/* One guest DTB at a time is read here to find the property (seals are rare). */
static struct {
	spinlock_t lock;
	u8 blob[PAYLOAD_DT_MAX];
} dt_scratch = { .lock = SPINLOCK_INIT };

/*
 * Where the value of PAYLOAD_DT_PROP is in blob (size bytes): *off, or -1
 * when it has none.  Any other place or size it could have is refused, so
 * the blob can hold no value but the one the hypervisor writes.
 */
static int find_measurement_prop(const u8 *blob, u32 size, int *off)
{
	int chosen, node, depth = 0;

	*off = -1;
	if (dt_check(blob, size) < 0)
		return GZVM_ERR_INVALID_ARGS;
	chosen = dt_path_offset(blob, "/chosen");
	for (node = dt_next_node(blob, -1, &depth); node >= 0; node = dt_next_node(blob, node, &depth)) {
		for (int prop = dt_first_prop(blob, node); prop >= 0; prop = dt_next_prop(blob, prop)) {
			const char *name;
			int len;
			const u8 *val = dt_prop_value(blob, prop, &name, &len);

			if (!val || strcmp(name, PAYLOAD_DT_PROP))
				continue;
			if (node != chosen || len != SHA256_DIGEST_SIZE || *off >= 0)
				return GZVM_ERR_INVALID_ARGS;
			*off = (int)(val - blob);
		}
	}
	return GZVM_OK;
}

int payload_show_measurement(struct vm *vm, u64 dtb_ipa)
{
	static const u8 none[SHA256_DIGEST_SIZE];
	static const u8 magic[4] = { DT_MAGIC >> 24, (DT_MAGIC >> 16) & 0xff, (DT_MAGIC >> 8) & 0xff,
				     DT_MAGIC & 0xff };
	u8 hdr[8];	/* magic, totalsize */
	u32 size;
	int off, ret;

	/* no DTB at all: the guest boots without one and finds nothing to believe */
	if (walk_guest(vm, dtb_ipa, sizeof(hdr), NULL, hdr, NULL) || memcmp(hdr, magic, sizeof(magic)))
		return GZVM_OK;
	size = dt_totalsize(hdr);
	if (size > sizeof(dt_scratch.blob)) {
		hyp_log("vm%u: DTB at %llx larger than %u bytes: not sealed", vm->id,
			(unsigned long long)dtb_ipa, (unsigned int)PAYLOAD_DT_MAX);
		return GZVM_ERR_INVALID_ARGS;
	}
	spin_lock(&dt_scratch.lock);
	ret = walk_guest(vm, dtb_ipa, size, NULL, dt_scratch.blob, NULL);
	if (!ret)
		ret = find_measurement_prop(dt_scratch.blob, size, &off);
	spin_unlock(&dt_scratch.lock);
	if (ret) {
		hyp_log("vm%u: DTB at %llx not all mapped, malformed, or with a %s elsewhere than "
			"in /chosen: not sealed", vm->id, (unsigned long long)dtb_ipa, PAYLOAD_DT_PROP);
		return GZVM_ERR_INVALID_ARGS;
	}
	if (off < 0)
		return GZVM_OK;
	return walk_guest(vm, dtb_ipa + (u64)off, SHA256_DIGEST_SIZE, NULL, NULL,
			  vm->measured ? vm->measurement : none);
}
