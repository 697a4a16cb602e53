/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The DTB the host kernel boots with: the firmware's DTB, plus what the host
 * must know about the hypervisor, minus what only the hypervisor needed.
 */
#ifndef HYP_HOST_DT_H
#define HYP_HOST_DT_H

#include <hyp/types.h>

#define GZVM_DT_COMPATIBLE	"mediatek,geniezone"
#define GZVM_DT_COMPATIBLE_OLD	"mediatek,geniezone-hyp"

/* Room the rewrite may add to the firmware's DTB. */
#define HOST_DT_EXTRA		(16 * 1024)

struct host_dt_params {
	u64 carveout_base;
	u64 carveout_size;
	const char *bootargs;	/* the host's command line, or NULL */
	bool have_initrd;
	u64 initrd_start;
	u64 initrd_end;
};

/*
 * Write the host DTB into dst (dst_size bytes, at least the source size plus
 * HOST_DT_EXTRA).  Starting from src (which passed dt_check()):
 *  - /chosen/bootargs becomes the host's command line (or is removed);
 *  - /chosen/linux,initrd-start and -end describe the initramfs (or are removed);
 *  - the "multiboot,module" nodes under /chosen are removed;
 *  - /reserved-memory/gzvm@<base> (no-map) covers the carve-out, creating
 *    /reserved-memory with 2 address and 2 size cells if needed;
 *  - /hypervisor carries compatible = "mediatek,geniezone", "mediatek,geniezone-hyp"
 *    (replacing any /hypervisor node the firmware had).
 * The result is packed.  Returns 0 or a negative DT_ERR_* code.
 */
int host_dt_build(const void *src, void *dst, size_t dst_size, const struct host_dt_params *p);

#endif
