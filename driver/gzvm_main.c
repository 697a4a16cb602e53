// SPDX-License-Identifier: GPL-2.0
/*
 * gzvm.ko: the host driver of the GenieZone hypervisor.
 *
 * A platform driver bound to the /hypervisor node of the device tree
 * (gzvm-abi.md section 2).  Probe shakes hands with the hypervisor
 * (PROBE, with versions both ways), registers the misc device /dev/gzvm,
 * the debugfs directory gzvm/ and the sysfs directory /sys/kernel/gzvm/,
 * and asks the hypervisor for its preferred batch sizes.
 *
 * Every open file of /dev/gzvm, of a VM and of a vCPU holds a reference on
 * this module (their file_operations name THIS_MODULE as owner), so the
 * module cannot go away under a VM; removing it with nothing open is fine.
 */
#include <linux/clocksource.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/kobject.h>
#include <linux/log2.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <asm/arch_timer.h>

#include "gzvm_drv.h"

struct gzvm_driver gzvm_drv = {
	.drv_version = {
		.major = GZVM_DRV_VERSION_MAJOR,
		.minor = GZVM_DRV_VERSION_MINOR,
		.sub = GZVM_DRV_VERSION_SUB,
	},
	.demand_paging_batch_pages = GZVM_DEFAULT_HYP_BATCH_PAGES,
	.destroy_batch_pages = GZVM_DEFAULT_DESTROY_BATCH_PAGES,
};

static long gzvm_dev_ioctl(struct file *filp, unsigned int cmd,
			   unsigned long user_args)
{
	switch (cmd) {
	case GZVM_CREATE_VM:
		return gzvm_dev_ioctl_create_vm(user_args);
	case GZVM_CHECK_EXTENSION:
		return gzvm_dev_ioctl_check_extension(user_args);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations gzvm_chardev_ops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = gzvm_dev_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice gzvm_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KBUILD_MODNAME,
	.fops = &gzvm_chardev_ops,
};

/* ---- /sys/kernel/gzvm ---------------------------------------------------- */

static ssize_t demand_paging_batch_pages_show(struct kobject *kobj,
					      struct kobj_attribute *attr,
					      char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(gzvm_drv.demand_paging_batch_pages));
}

/* Must be non-zero and divide the 512 pages of a 2 MiB block. */
static ssize_t demand_paging_batch_pages_store(struct kobject *kobj,
					       struct kobj_attribute *attr,
					       const char *buf, size_t count)
{
	u32 val;
	int ret;

	ret = kstrtou32(buf, 0, &val);
	if (ret)
		return ret;
	if (!val || GZVM_BLOCK_PAGES % val)
		return -EINVAL;
	WRITE_ONCE(gzvm_drv.demand_paging_batch_pages, val);
	return count;
}

static ssize_t destroy_batch_pages_show(struct kobject *kobj,
					struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(gzvm_drv.destroy_batch_pages));
}

/* Must be a power of two. */
static ssize_t destroy_batch_pages_store(struct kobject *kobj,
					 struct kobj_attribute *attr,
					 const char *buf, size_t count)
{
	u32 val;
	int ret;

	ret = kstrtou32(buf, 0, &val);
	if (ret)
		return ret;
	if (!is_power_of_2(val))
		return -EINVAL;
	WRITE_ONCE(gzvm_drv.destroy_batch_pages, val);
	return count;
}

static struct kobj_attribute demand_paging_batch_pages_attr =
	__ATTR(demand_paging_batch_pages, 0660, demand_paging_batch_pages_show,
	       demand_paging_batch_pages_store);
static struct kobj_attribute destroy_batch_pages_attr =
	__ATTR(destroy_batch_pages, 0660, destroy_batch_pages_show,
	       destroy_batch_pages_store);

static struct attribute *gzvm_sysfs_attrs[] = {
	&demand_paging_batch_pages_attr.attr,
	&destroy_batch_pages_attr.attr,
	NULL,
};

static const struct attribute_group gzvm_sysfs_group = {
	.attrs = gzvm_sysfs_attrs,
};

static int gzvm_sysfs_init(void)
{
	int ret;

	gzvm_drv.sysfs_root_dir = kobject_create_and_add("gzvm", kernel_kobj);
	if (!gzvm_drv.sysfs_root_dir)
		return -ENOMEM;
	ret = sysfs_create_group(gzvm_drv.sysfs_root_dir, &gzvm_sysfs_group);
	if (ret) {
		kobject_put(gzvm_drv.sysfs_root_dir);
		gzvm_drv.sysfs_root_dir = NULL;
	}
	return ret;
}

static void gzvm_sysfs_exit(void)
{
	if (!gzvm_drv.sysfs_root_dir)
		return;
	sysfs_remove_group(gzvm_drv.sysfs_root_dir, &gzvm_sysfs_group);
	kobject_put(gzvm_drv.sysfs_root_dir);
	gzvm_drv.sysfs_root_dir = NULL;
}

/* ---- v13 batch-size queries --------------------------------------------- */

/*
 * A hypervisor that does not know a query (ERR_INVALID_ARGS, or
 * ERR_NOT_SUPPORTED / ERR_NOT_IMPLEMENTED) leaves the default in place.
 * v13 as posted fails the probe when QUERY_DESTROY_BATCH_PAGES is not
 * answered; this driver keeps the default instead, so that hypervisors
 * older than v13 still work.  An answer that is out of range does fail.
 */
static int gzvm_query_batch(struct device *dev, u64 cap, const char *what,
			    u32 *pages, bool (*valid)(u64))
{
	u64 val = 0;
	int ret;

	ret = gzvm_arch_query_batch_pages(cap, &val);
	if (ret == -EINVAL || ret == -EOPNOTSUPP) {
		dev_info(dev, "%s: not answered (%d), default %u pages\n",
			 what, ret, *pages);
		return 0;
	}
	if (ret) {
		dev_err(dev, "%s: query failed (%d)\n", what, ret);
		return ret;
	}
	if (!valid(val)) {
		dev_err(dev, "%s: invalid answer %llu\n", what, val);
		return -EFAULT;
	}
	*pages = (u32)val;
	dev_info(dev, "%s: %u pages\n", what, *pages);
	return 0;
}

static bool gzvm_hyp_batch_valid(u64 val)
{
	return val && val <= GZVM_BLOCK_PAGES && !(GZVM_BLOCK_PAGES % val);
}

static bool gzvm_destroy_batch_valid(u64 val)
{
	return val <= U32_MAX && is_power_of_2(val);
}

/* ---- probe / remove ------------------------------------------------------- */

static void gzvm_arch_timer_init(void)
{
	u32 freq = arch_timer_get_cntfrq();

	if (!freq)
		freq = 1;
	clocks_calc_mult_shift(&gzvm_drv.cyc_mult, &gzvm_drv.cyc_shift, freq,
			       NSEC_PER_SEC, 10);
}

static int gzvm_drv_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct gzvm_version *hv = &gzvm_drv.hyp_version;
	int ret;

	ret = gzvm_arch_probe(gzvm_drv.drv_version, hv);
	if (ret) {
		dev_err(dev, "no GenieZone hypervisor answered PROBE\n");
		return -ENODEV;
	}
	dev_info(dev, "GenieZone hypervisor version %u.%u.%llu, driver %u.%u.%llu\n",
		 hv->major, hv->minor, hv->sub, gzvm_drv.drv_version.major,
		 gzvm_drv.drv_version.minor, gzvm_drv.drv_version.sub);

	gzvm_arch_timer_init();

	ret = gzvm_irqfd_init();
	if (ret)
		return ret;

	gzvm_drv.debugfs_dir = debugfs_create_dir("gzvm", NULL);
	gzvm_debugfs_hyp_init(gzvm_drv.debugfs_dir);

	ret = gzvm_sysfs_init();
	if (ret)
		goto err_debugfs;

	ret = gzvm_query_batch(dev, GZVM_CAP_QUERY_HYP_BATCH_PAGES,
			       "demand-paging batch",
			       &gzvm_drv.demand_paging_batch_pages,
			       gzvm_hyp_batch_valid);
	if (ret)
		goto err_sysfs;
	ret = gzvm_query_batch(dev, GZVM_CAP_QUERY_DESTROY_BATCH_PAGES,
			       "destroy batch", &gzvm_drv.destroy_batch_pages,
			       gzvm_destroy_batch_valid);
	if (ret)
		goto err_sysfs;

	/* Last: from here on userspace can open /dev/gzvm. */
	ret = misc_register(&gzvm_dev);
	if (ret)
		goto err_sysfs;
	return 0;

err_sysfs:
	gzvm_sysfs_exit();
err_debugfs:
	debugfs_remove_recursive(gzvm_drv.debugfs_dir);
	gzvm_drv.debugfs_dir = NULL;
	gzvm_irqfd_exit();
	return ret;
}

static void gzvm_drv_remove(struct platform_device *pdev)
{
	misc_deregister(&gzvm_dev);
	gzvm_sysfs_exit();
	debugfs_remove_recursive(gzvm_drv.debugfs_dir);
	gzvm_drv.debugfs_dir = NULL;
	gzvm_irqfd_exit();
}

static const struct of_device_id gzvm_of_match[] = {
	{ .compatible = "mediatek,geniezone" },
	{ .compatible = "mediatek,geniezone-hyp" },
	{ /* sentinel */ },
};
MODULE_DEVICE_TABLE(of, gzvm_of_match);

static struct platform_driver gzvm_driver = {
	.probe = gzvm_drv_probe,
	.remove_new = gzvm_drv_remove,
	.driver = {
		.name = KBUILD_MODNAME,
		.of_match_table = gzvm_of_match,
		/* VMs outlive an unbind; only module removal ends the driver. */
		.suppress_bind_attrs = true,
	},
};

module_platform_driver(gzvm_driver);

MODULE_DESCRIPTION("GenieZone hypervisor host driver");
MODULE_LICENSE("GPL");
