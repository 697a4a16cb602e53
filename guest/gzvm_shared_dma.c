// SPDX-License-Identifier: GPL-2.0
/*
 * gzvm_shared_dma: virtio DMA of a protected gzvm guest, bounced through
 * pages the guest shares with the host.
 *
 * The memory of a protected VM is out of the host's reach, so the VMM
 * cannot read a ring or a buffer the guest kernel placed anywhere in it.
 * For a protected VM the VMM offers VIRTIO_F_ACCESS_PLATFORM, so the virtio
 * core maps every ring and buffer through the DMA API of the transport's
 * device.  This module gives each virtio-mmio device DMA operations that
 * allocate rings from, and copy buffers through, one pool of pages shared
 * with the host (GZVM_HVC_MEM_SHARE).  No other page of the guest is ever
 * shared.
 *
 * It does what a restricted-dma-pool (CONFIG_DMA_RESTRICTED_POOL) or
 * pKVM's guest support (CONFIG_ARM_PKVM_GUEST) do inside the kernel, for
 * Debian kernels built with neither.  It must be loaded before
 * virtio_mmio binds its devices, and cannot be unloaded.
 */
#include <linux/arm-smccc.h>
#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <uapi/linux/gzvm.h>

/* 2^10 pages: 4 MiB, the largest block the page allocator hands out */
#define POOL_ORDER	10
#define POOL_SLOTS	BIT(POOL_ORDER)
/* one mapping at most: a virtio-blk segment, so no device can take the whole pool */
#define MAX_MAPPING	SZ_256K

/*
 * The pool, in PAGE_SIZE slots.  A mapping takes contiguous slots; its
 * first slot records the buffer it bounces (0 for a coherent allocation)
 * and its length, every slot of it the index of that first slot.
 */
static struct {
	spinlock_t lock;		/* the bitmap and the slot records */
	void *vaddr;
	phys_addr_t phys;
	DECLARE_BITMAP(used, POOL_SLOTS);
	unsigned int head[POOL_SLOTS];
	phys_addr_t orig[POOL_SLOTS];
	size_t len[POOL_SLOTS];
} pool = { .lock = __SPIN_LOCK_UNLOCKED(pool.lock) };

static long mem_share(u32 fid, phys_addr_t pa)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(fid, pa, 0, 0, &res);
	return (long)res.a0;
}

/* Take slots for len bytes: the first slot's index, or -1 when the pool is full. */
static int slots_get(size_t len, phys_addr_t orig)
{
	unsigned int nr = DIV_ROUND_UP(len, PAGE_SIZE), i;
	unsigned long first, flags;

	if (!len || len > MAX_MAPPING)
		return -1;
	spin_lock_irqsave(&pool.lock, flags);
	first = bitmap_find_next_zero_area(pool.used, POOL_SLOTS, 0, nr, 0);
	if (first >= POOL_SLOTS) {
		spin_unlock_irqrestore(&pool.lock, flags);
		return -1;
	}
	bitmap_set(pool.used, first, nr);
	for (i = 0; i < nr; i++)
		pool.head[first + i] = first;
	pool.orig[first] = orig;
	pool.len[first] = len;
	spin_unlock_irqrestore(&pool.lock, flags);
	return first;
}

static void slots_put(unsigned int first)
{
	unsigned long flags;

	spin_lock_irqsave(&pool.lock, flags);
	bitmap_clear(pool.used, first, DIV_ROUND_UP(pool.len[first], PAGE_SIZE));
	spin_unlock_irqrestore(&pool.lock, flags);
}

static void *slot_vaddr(unsigned int slot)
{
	return pool.vaddr + (size_t)slot * PAGE_SIZE;
}

/*
 * The mapping dma (or a place inside it) belongs to: its first slot, and
 * the offset of dma in it.  -1 for an address that is not a live mapping
 * of the pool, which is a bug in the caller.
 */
static int mapping_of(struct device *dev, dma_addr_t dma, size_t *off)
{
	phys_addr_t pa = dma_to_phys(dev, dma);
	unsigned int slot, first;

	if (pa < pool.phys || pa - pool.phys >= (phys_addr_t)POOL_SLOTS * PAGE_SIZE)
		goto bad;
	slot = (pa - pool.phys) >> PAGE_SHIFT;
	if (!test_bit(slot, pool.used))
		goto bad;
	first = pool.head[slot];
	*off = pa - pool.phys - (size_t)first * PAGE_SIZE;
	return first;
bad:
	dev_WARN_ONCE(dev, 1, "gzvm_shared_dma: %pad is not a live mapping\n", &dma);
	return -1;
}

static dma_addr_t slot_dma(struct device *dev, unsigned int slot)
{
	return phys_to_dma(dev, pool.phys + (phys_addr_t)slot * PAGE_SIZE);
}

static void *shared_alloc(struct device *dev, size_t size, dma_addr_t *dma,
			  gfp_t gfp, unsigned long attrs)
{
	int first = slots_get(size, 0);

	if (first < 0)
		return NULL;
	memset(slot_vaddr(first), 0, PAGE_ALIGN(size));
	*dma = slot_dma(dev, first);
	return slot_vaddr(first);
}

static void shared_free(struct device *dev, size_t size, void *vaddr,
			dma_addr_t dma, unsigned long attrs)
{
	size_t off;
	int first = mapping_of(dev, dma, &off);

	if (first >= 0)
		slots_put(first);
}

/*
 * Copy between a buffer and its bounce: to the device (into the shared
 * page) or back from it, off bytes into the mapping.
 */
static void bounce(unsigned int first, size_t off, size_t size, bool to_device)
{
	void *buf = phys_to_virt(pool.orig[first] + off);
	void *shared = slot_vaddr(first) + off;

	if (off > pool.len[first] || size > pool.len[first] - off)
		return;
	if (to_device)
		memcpy(shared, buf, size);
	else
		memcpy(buf, shared, size);
}

static bool dir_to_device(enum dma_data_direction dir)
{
	return dir == DMA_TO_DEVICE || dir == DMA_BIDIRECTIONAL;
}

static bool dir_from_device(enum dma_data_direction dir)
{
	return dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL;
}

static dma_addr_t shared_map_page(struct device *dev, struct page *page,
				  unsigned long offset, size_t size,
				  enum dma_data_direction dir, unsigned long attrs)
{
	int first = slots_get(size, page_to_phys(page) + offset);

	if (first < 0) {
		dev_warn_ratelimited(dev, "gzvm_shared_dma: no room for %zu bytes\n", size);
		return DMA_MAPPING_ERROR;
	}
	/*
	 * A buffer the device only writes starts as zeros, not as what the
	 * guest had there: the host must not see it.
	 */
	if (dir_to_device(dir) && !(attrs & DMA_ATTR_SKIP_CPU_SYNC))
		bounce(first, 0, size, true);
	else
		memset(slot_vaddr(first), 0, size);
	return slot_dma(dev, first);
}

static void shared_unmap_page(struct device *dev, dma_addr_t dma, size_t size,
			      enum dma_data_direction dir, unsigned long attrs)
{
	size_t off;
	int first = mapping_of(dev, dma, &off);

	if (first < 0)
		return;
	if (dir_from_device(dir) && !(attrs & DMA_ATTR_SKIP_CPU_SYNC))
		bounce(first, 0, pool.len[first], false);
	slots_put(first);
}

static void shared_sync_for_cpu(struct device *dev, dma_addr_t dma, size_t size,
				enum dma_data_direction dir)
{
	size_t off;
	int first = mapping_of(dev, dma, &off);

	if (first >= 0 && dir_from_device(dir))
		bounce(first, off, size, false);
}

static void shared_sync_for_device(struct device *dev, dma_addr_t dma, size_t size,
				   enum dma_data_direction dir)
{
	size_t off;
	int first = mapping_of(dev, dma, &off);

	if (first >= 0 && dir_to_device(dir))
		bounce(first, off, size, true);
}

static void shared_unmap_sg(struct device *dev, struct scatterlist *sgl, int nents,
			    enum dma_data_direction dir, unsigned long attrs)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i)
		shared_unmap_page(dev, sg_dma_address(sg), sg_dma_len(sg), dir, attrs);
}

static int shared_map_sg(struct device *dev, struct scatterlist *sgl, int nents,
			 enum dma_data_direction dir, unsigned long attrs)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i) {
		sg_dma_address(sg) = shared_map_page(dev, sg_page(sg), sg->offset,
						     sg->length, dir, attrs);
		if (sg_dma_address(sg) == DMA_MAPPING_ERROR) {
			shared_unmap_sg(dev, sgl, i, dir, attrs | DMA_ATTR_SKIP_CPU_SYNC);
			return -ENOMEM;
		}
		sg_dma_len(sg) = sg->length;
	}
	return nents;
}

static void shared_sync_sg_for_cpu(struct device *dev, struct scatterlist *sgl,
				   int nents, enum dma_data_direction dir)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i)
		shared_sync_for_cpu(dev, sg_dma_address(sg), sg_dma_len(sg), dir);
}

static void shared_sync_sg_for_device(struct device *dev, struct scatterlist *sgl,
				      int nents, enum dma_data_direction dir)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i)
		shared_sync_for_device(dev, sg_dma_address(sg), sg_dma_len(sg), dir);
}

static size_t shared_max_mapping_size(struct device *dev)
{
	return MAX_MAPPING;
}

static const struct dma_map_ops shared_dma_ops = {
	.alloc = shared_alloc,
	.free = shared_free,
	.map_page = shared_map_page,
	.unmap_page = shared_unmap_page,
	.map_sg = shared_map_sg,
	.unmap_sg = shared_unmap_sg,
	.sync_single_for_cpu = shared_sync_for_cpu,
	.sync_single_for_device = shared_sync_for_device,
	.sync_sg_for_cpu = shared_sync_sg_for_cpu,
	.sync_sg_for_device = shared_sync_sg_for_device,
	.max_mapping_size = shared_max_mapping_size,
};

static bool is_virtio_mmio(struct device *dev)
{
	return dev->of_node && of_device_is_compatible(dev->of_node, "virtio,mmio");
}

/*
 * A device is about to be probed: its bus has just configured its DMA
 * (really_probe() calls dma_configure before BUS_NOTIFY_BIND_DRIVER), so
 * the operations set here are the ones its driver finds.
 */
static int bind_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	struct device *dev = data;

	if (action == BUS_NOTIFY_BIND_DRIVER && is_virtio_mmio(dev))
		set_dma_ops(dev, &shared_dma_ops);
	return NOTIFY_DONE;
}

static struct notifier_block bind_nb = { .notifier_call = bind_notify };

static int warn_if_bound(struct device *dev, void *unused)
{
	if (is_virtio_mmio(dev) && dev->driver)
		dev_warn(dev, "gzvm_shared_dma: bound before this module: its DMA is not bounced\n");
	return 0;
}

/* Take back the first nr pages of the pool: the host loses sight of them. */
static void unshare_pool(unsigned int nr)
{
	while (nr--)
		mem_share(GZVM_HVC_MEM_UNSHARE, pool.phys + (phys_addr_t)nr * PAGE_SIZE);
}

/* Share every page of the pool: 0, or the first refusal with nothing left shared. */
static long share_pool(void)
{
	unsigned int i;
	long ret;

	for (i = 0; i < POOL_SLOTS; i++) {
		ret = mem_share(GZVM_HVC_MEM_SHARE, pool.phys + (phys_addr_t)i * PAGE_SIZE);
		if (ret) {
			unshare_pool(i);
			return ret;
		}
	}
	return 0;
}

static int __init shared_dma_init(void)
{
	struct page *pages;
	long ret;

	/* zeroed: each page is mapped (a protected VM's memory is faulted in on touch) */
	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, POOL_ORDER);
	if (!pages)
		return -ENOMEM;
	pool.vaddr = page_address(pages);
	pool.phys = page_to_phys(pages);
	ret = share_pool();
	if (ret) {
		__free_pages(pages, POOL_ORDER);
		if (ret == SMCCC_RET_NOT_SUPPORTED) {
			pr_info("gzvm_shared_dma: not a protected gzvm VM: nothing to bounce\n");
			return -ENODEV;
		}
		pr_err("gzvm_shared_dma: MEM_SHARE refused (%ld)\n", ret);
		return ret == GZVM_HVC_RET_NO_MEMORY ? -ENOMEM : -EIO;
	}
	ret = bus_register_notifier(&platform_bus_type, &bind_nb);
	if (ret) {
		unshare_pool(POOL_SLOTS);
		__free_pages(pages, POOL_ORDER);
		return ret;
	}
	bus_for_each_dev(&platform_bus_type, NULL, NULL, warn_if_bound);
	pr_info("gzvm_shared_dma: %lu KiB shared with the host at %pa for virtio DMA\n",
		POOL_SLOTS * (PAGE_SIZE / SZ_1K), &pool.phys);
	return 0;
}
module_init(shared_dma_init);

MODULE_DESCRIPTION("gzvm protected guest: virtio DMA through memory shared with the host");
MODULE_LICENSE("GPL");
