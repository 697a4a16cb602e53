// SPDX-License-Identifier: GPL-2.0
/*
 * gzvm_channel: the guest's end of a gzvm message channel, as a misc
 * device /dev/gzvm-chan-<label>.
 *
 * The VMM describes each channel in the device tree (compatible
 * "gzvm,channel": label, gzvm,channel-id, gzvm,msg-size, gzvm,queue-depth
 * and a doorbell SPI).  Messages are copied by the hypervisor
 * (GZVM_HVC_CHAN_SEND / RECV / INFO) from and into one bounce buffer per
 * direction.  The device behaves as the host's end does:
 *   write  sends one message of 0..msg_size bytes: -EMSGSIZE when longer;
 *          a full queue blocks (-EAGAIN with O_NONBLOCK); -EPIPE when the
 *          peer is gone.  A message is sent whole or not at all.
 *   read   receives one whole message and returns its length: -EMSGSIZE
 *          (the message stays queued) when the buffer is shorter; an empty
 *          queue blocks (-EAGAIN with O_NONBLOCK); 0 when the peer is gone.
 *   poll   EPOLLIN, EPOLLOUT; EPOLLHUP (with EPOLLIN: read returns at once)
 *          when the peer is gone.
 *
 * The doorbell is pulsed when the receive queue goes from empty to
 * non-empty and when the send queue, after a FULL, has room again.  It
 * only wakes the waiters; each of them asks INFO whether it can go on, so
 * that a pulse that came before it slept is not lost.
 *
 * Writers are serialized by one mutex and readers by another, each around
 * its bounce buffer; nobody sleeps for the peer with a mutex held.
 */
#include <linux/arm-smccc.h>
#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/log2.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <uapi/linux/gzvm.h>

#define LABEL_MAX	20
#define NAME_PREFIX	"gzvm-chan-"

struct gzvm_chan {
	struct miscdevice misc;
	char name[sizeof(NAME_PREFIX) + LABEL_MAX];
	u32 id;
	u32 msg_size;
	u32 depth;
	wait_queue_head_t wq;		/* readers, writers and pollers */
	struct mutex rx_lock;		/* rx_buf and the RECV calls */
	struct mutex tx_lock;		/* tx_buf and the SEND calls */
	void *rx_buf;
	void *tx_buf;
};

/* What INFO says: messages to receive, free places to send, the peer gone. */
struct chan_state {
	unsigned long rx;
	unsigned long tx;
	bool closed;
};

static long chan_info(struct gzvm_chan *ch, struct chan_state *st,
		      unsigned long *geometry)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(GZVM_HVC_CHAN_INFO, ch->id, 0, 0, &res);
	st->closed = (long)res.a0 == GZVM_CHAN_RET_CLOSED;
	st->rx = res.a0 ? 0 : res.a1;
	st->tx = res.a0 ? 0 : res.a2;
	if (geometry)
		*geometry = res.a3;
	return (long)res.a0;
}

static bool chan_readable(struct gzvm_chan *ch)
{
	struct chan_state st;

	return chan_info(ch, &st, NULL) || st.rx || st.closed;
}

static bool chan_writable(struct gzvm_chan *ch)
{
	struct chan_state st;

	return chan_info(ch, &st, NULL) || st.tx || st.closed;
}

/* A hypercall's failure as an errno; EMPTY and FULL: -EAGAIN (wait and retry). */
static ssize_t chan_errno(long ret)
{
	switch (ret) {
	case GZVM_CHAN_RET_FULL:
	case GZVM_CHAN_RET_EMPTY:
		return -EAGAIN;
	case GZVM_CHAN_RET_CLOSED:
		return -EPIPE;
	case GZVM_CHAN_RET_TOO_SMALL:
		return -EMSGSIZE;
	default:
		return -EIO;
	}
}

/* One SEND of count bytes from ubuf: count, or -EAGAIN when the queue is full. */
static ssize_t chan_try_send(struct gzvm_chan *ch, const char __user *ubuf, size_t count)
{
	struct arm_smccc_res res;
	ssize_t ret = count;

	if (mutex_lock_interruptible(&ch->tx_lock))
		return -ERESTARTSYS;
	if (copy_from_user(ch->tx_buf, ubuf, count)) {
		ret = -EFAULT;
		goto out;
	}
	arm_smccc_1_1_hvc(GZVM_HVC_CHAN_SEND, ch->id, virt_to_phys(ch->tx_buf), count, &res);
	if (res.a0)
		ret = chan_errno((long)res.a0);
out:
	mutex_unlock(&ch->tx_lock);
	return ret;
}

/*
 * One RECV into ubuf (count bytes): the message's length, 0 when the peer
 * is gone, -EAGAIN when there is nothing to receive.  The buffer given to
 * the hypervisor is no longer than count, so that a longer message stays
 * queued (TOO_SMALL).
 */
static ssize_t chan_try_recv(struct gzvm_chan *ch, char __user *ubuf, size_t count)
{
	size_t size = min_t(size_t, count, ch->msg_size);
	struct arm_smccc_res res;
	ssize_t ret;

	if (mutex_lock_interruptible(&ch->rx_lock))
		return -ERESTARTSYS;
	arm_smccc_1_1_hvc(GZVM_HVC_CHAN_RECV, ch->id, virt_to_phys(ch->rx_buf), size, &res);
	if ((long)res.a0 == GZVM_CHAN_RET_CLOSED)
		ret = 0;
	else if (res.a0)
		ret = chan_errno((long)res.a0);
	else if (res.a1 > size)
		ret = -EIO;	/* the hypervisor broke its word */
	else if (copy_to_user(ubuf, ch->rx_buf, res.a1))
		ret = -EFAULT;
	else
		ret = res.a1;
	mutex_unlock(&ch->rx_lock);
	return ret;
}

static ssize_t chan_write(struct file *file, const char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	struct gzvm_chan *ch = file->private_data;
	ssize_t ret;

	if (count > ch->msg_size)
		return -EMSGSIZE;
	for (;;) {
		ret = chan_try_send(ch, ubuf, count);
		if (ret != -EAGAIN)
			return ret;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(ch->wq, chan_writable(ch)))
			return -ERESTARTSYS;
	}
}

static ssize_t chan_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct gzvm_chan *ch = file->private_data;
	ssize_t ret;

	for (;;) {
		ret = chan_try_recv(ch, ubuf, count);
		if (ret != -EAGAIN)
			return ret;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(ch->wq, chan_readable(ch)))
			return -ERESTARTSYS;
	}
}

static __poll_t chan_poll(struct file *file, struct poll_table_struct *wait)
{
	struct gzvm_chan *ch = file->private_data;
	struct chan_state st;
	__poll_t mask = 0;

	poll_wait(file, &ch->wq, wait);
	if (chan_info(ch, &st, NULL) && !st.closed)
		return EPOLLERR;
	if (st.closed)
		return EPOLLHUP | EPOLLIN | EPOLLRDNORM;
	if (st.rx)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (st.tx)
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static int chan_open(struct inode *inode, struct file *file)
{
	/* misc_open() left the miscdevice in private_data */
	struct gzvm_chan *ch = container_of(file->private_data, struct gzvm_chan, misc);

	file->private_data = ch;
	return stream_open(inode, file);
}

static int chan_release(struct inode *inode, struct file *file)
{
	/* the endpoint belongs to the device, not to a file: nothing to close */
	return 0;
}

static const struct file_operations chan_fops = {
	.owner		= THIS_MODULE,
	.open		= chan_open,
	.release	= chan_release,
	.read		= chan_read,
	.write		= chan_write,
	.poll		= chan_poll,
};

static irqreturn_t chan_irq(int irq, void *data)
{
	struct gzvm_chan *ch = data;

	wake_up_interruptible_all(&ch->wq);
	return IRQ_HANDLED;
}

static bool label_ok(const char *label)
{
	size_t i, len = strlen(label);

	if (len < 1 || len > LABEL_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!islower(label[i]) && !isdigit(label[i]) &&
		    label[i] != '_' && label[i] != '-')
			return false;
	return true;
}

/* The node's properties, checked against the ABI's limits. */
static int chan_parse(struct device *dev, struct gzvm_chan *ch)
{
	struct device_node *np = dev->of_node;
	const char *label;

	if (of_property_read_string(np, "label", &label) || !label_ok(label)) {
		dev_err(dev, "missing or invalid label ([a-z0-9_-]{1,%d})\n", LABEL_MAX);
		return -EINVAL;
	}
	if (of_property_read_u32(np, "gzvm,channel-id", &ch->id) ||
	    of_property_read_u32(np, "gzvm,msg-size", &ch->msg_size) ||
	    of_property_read_u32(np, "gzvm,queue-depth", &ch->depth)) {
		dev_err(dev, "missing gzvm,channel-id, gzvm,msg-size or gzvm,queue-depth\n");
		return -EINVAL;
	}
	if (!ch->msg_size || ch->msg_size > GZVM_CHANNEL_MAX_MSG_SIZE ||
	    !ch->depth || ch->depth > GZVM_CHANNEL_MAX_DEPTH) {
		dev_err(dev, "msg-size %u or queue-depth %u out of range\n",
			ch->msg_size, ch->depth);
		return -EINVAL;
	}
	snprintf(ch->name, sizeof(ch->name), NAME_PREFIX "%s", label);
	return 0;
}

/* Ask the hypervisor whether it knows the channel as the device tree does. */
static int chan_check(struct device *dev, struct gzvm_chan *ch)
{
	struct chan_state st;
	unsigned long geometry;
	long ret = chan_info(ch, &st, &geometry);

	if (ret && !st.closed) {
		dev_err(dev, "channel %u: INFO refused (%ld): not a gzvm channel\n", ch->id, ret);
		return -ENODEV;
	}
	if (!ret && (geometry != (ch->msg_size | (u64)ch->depth << 32)))
		dev_warn(dev, "channel %u: the hypervisor says msg size %lu depth %lu\n",
			 ch->id, geometry & U32_MAX, geometry >> 32);
	return 0;
}

static void chan_free(void *buf)
{
	kfree(buf);
}

/*
 * The bounce buffers: one kmalloc of twice GZVM_CHANNEL_MAX_MSG_SIZE, a
 * power of two that kmalloc aligns to its size, so that neither buffer
 * crosses a page.  Zeroed, so that their pages are mapped before the
 * hypervisor writes into them.
 */
static int chan_alloc(struct device *dev, struct gzvm_chan *ch)
{
	void *buf;

	BUILD_BUG_ON(!is_power_of_2(GZVM_CHANNEL_MAX_MSG_SIZE));
	buf = kzalloc(2 * GZVM_CHANNEL_MAX_MSG_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ch->rx_buf = buf;
	ch->tx_buf = buf + GZVM_CHANNEL_MAX_MSG_SIZE;
	return devm_add_action_or_reset(dev, chan_free, buf);
}

static int chan_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct gzvm_chan *ch;
	int irq, ret;

	ch = devm_kzalloc(dev, sizeof(*ch), GFP_KERNEL);
	if (!ch)
		return -ENOMEM;
	ret = chan_parse(dev, ch);
	if (ret)
		return ret;
	ret = chan_check(dev, ch);
	if (ret)
		return ret;
	ret = chan_alloc(dev, ch);
	if (ret)
		return ret;
	init_waitqueue_head(&ch->wq);
	mutex_init(&ch->rx_lock);
	mutex_init(&ch->tx_lock);

	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	ret = devm_request_irq(dev, irq, chan_irq, 0, ch->name, ch);
	if (ret)
		return dev_err_probe(dev, ret, "irq %d\n", irq);

	ch->misc.minor = MISC_DYNAMIC_MINOR;
	ch->misc.name = ch->name;
	ch->misc.fops = &chan_fops;
	ch->misc.parent = dev;
	ret = misc_register(&ch->misc);
	if (ret)
		return dev_err_probe(dev, ret, "misc_register %s\n", ch->name);
	platform_set_drvdata(pdev, ch);
	dev_info(dev, "/dev/%s: channel %u, %u messages of up to %u bytes, irq %d\n",
		 ch->name, ch->id, ch->depth, ch->msg_size, irq);
	return 0;
}

/*
 * Only at module unload (no sysfs unbind: suppress_bind_attrs), which the
 * module reference of every open file (chan_fops.owner) holds off: no file
 * is open, nobody waits.  The irq and the memory go with the device (devm).
 */
static void chan_remove(struct platform_device *pdev)
{
	struct gzvm_chan *ch = platform_get_drvdata(pdev);

	misc_deregister(&ch->misc);
}

static const struct of_device_id chan_of_match[] = {
	{ .compatible = "gzvm,channel" },
	{ }
};
MODULE_DEVICE_TABLE(of, chan_of_match);

static struct platform_driver chan_driver = {
	.probe		= chan_probe,
	.remove_new	= chan_remove,	/* in both 6.1 (backported) and 6.12 */
	.driver		= {
		.name			= "gzvm-channel",
		.of_match_table		= chan_of_match,
		.suppress_bind_attrs	= true,
	},
};
module_platform_driver(chan_driver);

MODULE_DESCRIPTION("gzvm guest: message channels as /dev/gzvm-chan-<label>");
MODULE_LICENSE("GPL");
