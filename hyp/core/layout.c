// SPDX-License-Identifier: GPL-2.0-only
/* Boot-time memory layout: see layout.h. */
#include <hyp/host_dt.h>
#include <hyp/layout.h>
#include <hyp/printf.h>

#define FAIL(...) do { hyp_snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static bool in_ram(const struct boot_info *bi, u64 base, u64 size)
{
	for (unsigned int i = 0; i < bi->nr_ram; i++) {
		const struct mem_range *r = &bi->ram[i];

		if (base >= r->base && base - r->base <= r->size && size <= r->size - (base - r->base))
			return true;
	}
	return false;
}

struct region {
	const char *name;
	u64 base, size;
};

int layout_plan(const struct boot_info *bi, u64 carveout_size, u64 image_start, u64 image_end,
		u64 dtb_pa, u64 dtb_size, const struct arm64_image_header *kh,
		struct boot_layout *out, char *err, size_t errlen)
{
	u64 kernel_footprint;
	struct region r[5];
	unsigned int nr = 0;

	*out = (struct boot_layout){ 0 };
	out->carveout_base = ALIGN_DOWN(image_start, SZ_2M);
	out->carveout_size = carveout_size;
	out->image_start = image_start;
	out->image_end = image_end;
	out->pool_start = ALIGN_UP(image_end, SZ_4K);
	out->pool_end = out->carveout_base + carveout_size;
	out->host_dtb = out->pool_end;
	out->host_dtb_size = ALIGN_UP(dtb_size + HOST_DT_EXTRA, SZ_4K);

	if (out->pool_start >= out->pool_end || out->pool_end - out->pool_start < HYP_POOL_MIN)
		FAIL("carve-out of %llu MiB leaves no room for the page pool after the image",
		     (unsigned long long)(carveout_size >> 20));
	if (!in_ram(bi, out->carveout_base, carveout_size + out->host_dtb_size))
		FAIL("carve-out [%llx, +%llx) and host DTB do not fit in one RAM range",
		     (unsigned long long)out->carveout_base, (unsigned long long)carveout_size);

	/* the host kernel: arm64 Image, at text_offset from a 2 MiB boundary */
	if (kh->magic != ARM64_IMAGE_MAGIC)
		FAIL("host kernel at %llx is not an arm64 Image (bad magic)",
		     (unsigned long long)bi->kernel.base);
	if (bi->kernel.base < kh->text_offset ||
	    !IS_ALIGNED(bi->kernel.base - kh->text_offset, SZ_2M))
		FAIL("host kernel at %llx must sit %llx bytes above a 2 MiB boundary",
		     (unsigned long long)bi->kernel.base, (unsigned long long)kh->text_offset);
	kernel_footprint = MAX(kh->image_size, bi->kernel.size);
	if (!in_ram(bi, bi->kernel.base, kernel_footprint))
		FAIL("host kernel [%llx, +%llx) is not in RAM",
		     (unsigned long long)bi->kernel.base, (unsigned long long)kernel_footprint);
	out->kernel_entry = bi->kernel.base;

	if (bi->have_initrd && !in_ram(bi, bi->initrd.base, bi->initrd.size))
		FAIL("initramfs [%llx, +%llx) is not in RAM",
		     (unsigned long long)bi->initrd.base, (unsigned long long)bi->initrd.size);

	r[nr++] = (struct region){ "carve-out", out->carveout_base, carveout_size };
	r[nr++] = (struct region){ "host DTB", out->host_dtb, out->host_dtb_size };
	r[nr++] = (struct region){ "kernel", bi->kernel.base, kernel_footprint };
	r[nr++] = (struct region){ "boot DTB", dtb_pa, dtb_size };
	if (bi->have_initrd)
		r[nr++] = (struct region){ "initramfs", bi->initrd.base, bi->initrd.size };
	for (unsigned int i = 0; i < nr; i++) {
		for (unsigned int j = i + 1; j < nr; j++) {
			if (RANGES_OVERLAP(r[i].base, r[i].size, r[j].base, r[j].size))
				FAIL("%s [%llx, +%llx) overlaps %s [%llx, +%llx)", r[i].name,
				     (unsigned long long)r[i].base, (unsigned long long)r[i].size,
				     r[j].name, (unsigned long long)r[j].base,
				     (unsigned long long)r[j].size);
		}
	}
	return 0;
}
