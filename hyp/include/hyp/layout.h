/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where things go in memory at boot.  The carve-out starts at the 2 MiB
 * boundary at or below the hypervisor image and holds the image and the
 * page pool; the host's DTB is written just above it, in host memory.
 * Every region is checked against every other and against RAM before
 * anything is written.
 */
#ifndef HYP_LAYOUT_H
#define HYP_LAYOUT_H

#include <hyp/bootinfo.h>
#include <hyp/types.h>

/* The fields of the arm64 Image header we use (Documentation/arch/arm64/booting.rst). */
struct arm64_image_header {
	u32 code0;
	u32 code1;
	u64 text_offset;
	u64 image_size;
	u64 flags;
	u64 res2;
	u64 res3;
	u64 res4;
	u32 magic;
	u32 res5;
};

#define ARM64_IMAGE_MAGIC	0x644d5241U	/* "ARM\x64" */
#define HYP_POOL_MIN		(1ULL << 20)

struct boot_layout {
	u64 carveout_base;
	u64 carveout_size;
	u64 image_start, image_end;
	u64 pool_start, pool_end;	/* rest of the carve-out */
	u64 host_dtb;			/* host DTB destination and its buffer size */
	u64 host_dtb_size;
	u64 kernel_entry;
};

/*
 * Plan the layout.  kernel_hdr is the start of the kernel module (at least
 * sizeof(struct arm64_image_header) bytes, which the caller checked).
 * Returns 0, or -1 with the reason in err.
 */
int layout_plan(const struct boot_info *bi, u64 carveout_size, u64 image_start, u64 image_end,
		u64 dtb_pa, u64 dtb_size, const struct arm64_image_header *kernel_hdr,
		struct boot_layout *out, char *err, size_t errlen);

#endif
