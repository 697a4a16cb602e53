// SPDX-License-Identifier: GPL-2.0
/*
 * Message channels (gzvm extension, docs/channels.md): GZVM_CREATE_CHANNEL
 * on a VM fd, the file descriptor of the host's end, and the doorbells.
 *
 * The hypervisor holds the queues and copies the messages; this file only
 * asks it to, and wakes whoever a doorbell is for: the host end's readers
 * and writers, or the vCPUs of the VM at the other end (its SPI is already
 * pending, but an idle vCPU sleeps here and a running one must exit to see
 * it).  A channel object does not keep its VMs alive: a VM going away
 * clears its pointer (gzvm_channels_vm_gone), so each VM's lifetime stays
 * its own VMM's.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pagemap.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "gzvm_drv.h"

struct gzvm_channel {
	struct list_head node;		/* in channels, under channels_lock */
	u32 id;
	u32 msg_size;
	struct gzvm *vm[2];		/* vm[1] NULL: the host is the other end */
	bool host_end;			/* a host channel (its fd is open) */
	wait_queue_head_t wq;		/* the host end's readers, writers, pollers */
	struct mutex rx_lock;		/* one reader at a time: rx_buf */
	struct mutex tx_lock;		/* one writer at a time: tx_buf */
	u8 *rx_buf, *tx_buf;		/* msg_size bytes each, kmalloc (contiguous) */
};

/* A spinlock: doorbells are routed from the vCPU run loop. */
static DEFINE_SPINLOCK(channels_lock);
static LIST_HEAD(channels);

/* Channel lock held: the end of ch that is not @from is told. */
static void wake_other_end(struct gzvm_channel *ch, struct gzvm *from)
{
	struct gzvm *other = ch->vm[0] == from ? ch->vm[1] : ch->vm[0];

	if (other)
		gzvm_vm_wake_all_vcpus(other);
	else if (ch->host_end)
		wake_up_interruptible(&ch->wq);
}

/* GZVM_EXIT_CHAN_DOORBELL from a vCPU of @from: channel @id's other end. */
void gzvm_channel_doorbell(struct gzvm *from, u32 id)
{
	struct gzvm_channel *ch;

	spin_lock(&channels_lock);
	list_for_each_entry(ch, &channels, node) {
		if (ch->id == id && (ch->vm[0] == from || ch->vm[1] == from)) {
			wake_other_end(ch, from);
			break;
		}
	}
	spin_unlock(&channels_lock);
}

/* The host end rang the VM's doorbell: make its vCPUs look. */
static void wake_vm_end(struct gzvm_channel *ch)
{
	spin_lock(&channels_lock);
	if (ch->vm[0])
		gzvm_vm_wake_all_vcpus(ch->vm[0]);
	spin_unlock(&channels_lock);
}

static void channel_free(struct gzvm_channel *ch)
{
	kfree(ch->rx_buf);
	kfree(ch->tx_buf);
	kfree(ch);
}

/*
 * @gzvm was destroyed in the hypervisor, which closed its channels: their
 * other ends are woken to see CLOSED, and channels between two VMs go
 * with the second.  Host channels stay until their fd is closed.
 */
void gzvm_channels_vm_gone(struct gzvm *gzvm)
{
	struct gzvm_channel *ch, *tmp;
	LIST_HEAD(dead);

	spin_lock(&channels_lock);
	list_for_each_entry_safe(ch, tmp, &channels, node) {
		int i = ch->vm[0] == gzvm ? 0 : ch->vm[1] == gzvm ? 1 : -1;

		if (i < 0)
			continue;
		wake_other_end(ch, gzvm);
		ch->vm[i] = NULL;
		if (!ch->host_end && !ch->vm[!i])
			list_move(&ch->node, &dead);
	}
	spin_unlock(&channels_lock);
	list_for_each_entry_safe(ch, tmp, &dead, node)
		channel_free(ch);
}

/* ---- the host's end --------------------------------------------------- */

/* CHAN_INFO: messages to receive, places free to send; false once closed. */
static bool host_end_info(struct gzvm_channel *ch, u64 *rx, u64 *tx)
{
	struct arm_smccc_res res;
	int ret = gzvm_hypcall_wrapper(GZVM_FID_CHAN_INFO, ch->id, 0, 0, 0, 0,
				       0, 0, &res);

	*rx = res.a1;
	*tx = res.a2;
	return !ret;
}

static bool host_end_readable(struct gzvm_channel *ch)
{
	u64 rx, tx;

	return !host_end_info(ch, &rx, &tx) || rx;
}

static bool host_end_writable(struct gzvm_channel *ch)
{
	u64 rx, tx;

	return !host_end_info(ch, &rx, &tx) || tx;
}

/* The status of a CHAN_SEND / CHAN_RECV as an errno (full, empty: -EAGAIN). */
static int chan_errno(struct arm_smccc_res *res)
{
	switch ((int)(s32)res->a0) {
	case GZVM_ERR_NO_MSG:
	case GZVM_ERR_BUSY:
		return -EAGAIN;
	case GZVM_ERR_NOT_ENOUGH_BUFFER:
		return -EMSGSIZE;
	case GZVM_ERR_CHANNEL_CLOSED:
		return -EPIPE;
	default:
		return gzvm_err_to_errno(res->a0);
	}
}

static int host_end_recv(struct gzvm_channel *ch, size_t size, size_t *len)
{
	struct arm_smccc_res res;
	int ret;

	gzvm_hypcall_wrapper(GZVM_FID_CHAN_RECV, ch->id, virt_to_phys(ch->rx_buf),
			     min_t(size_t, size, ch->msg_size), 0, 0, 0, 0, &res);
	ret = chan_errno(&res);
	if (!ret) {
		*len = res.a1;
		if (res.a2)
			wake_vm_end(ch);
	}
	return ret;
}

/* One whole message per read; a closed channel reads as end of file once drained. */
static ssize_t host_end_read(struct file *filp, char __user *buf, size_t size,
			     loff_t *off)
{
	struct gzvm_channel *ch = filp->private_data;
	size_t len = 0;
	int ret;

	/* fault the buffer in first, so a received message is not lost on EFAULT */
	if (fault_in_writeable(buf, min_t(size_t, size, ch->msg_size)))
		return -EFAULT;
	if (mutex_lock_interruptible(&ch->rx_lock))
		return -ERESTARTSYS;
	for (;;) {
		ret = host_end_recv(ch, size, &len);
		if (ret != -EAGAIN || (filp->f_flags & O_NONBLOCK))
			break;
		ret = wait_event_interruptible(ch->wq, host_end_readable(ch));
		if (ret)
			break;
	}
	if (!ret && copy_to_user(buf, ch->rx_buf, len))
		ret = -EFAULT;
	mutex_unlock(&ch->rx_lock);
	if (ret == -EPIPE)
		return 0;
	return ret ? ret : len;
}

static ssize_t host_end_write(struct file *filp, const char __user *buf,
			      size_t len, loff_t *off)
{
	struct gzvm_channel *ch = filp->private_data;
	struct arm_smccc_res res;
	int ret;

	if (len > ch->msg_size)
		return -EMSGSIZE;
	if (mutex_lock_interruptible(&ch->tx_lock))
		return -ERESTARTSYS;
	ret = copy_from_user(ch->tx_buf, buf, len) ? -EFAULT : 0;
	while (!ret) {
		gzvm_hypcall_wrapper(GZVM_FID_CHAN_SEND, ch->id,
				     virt_to_phys(ch->tx_buf), len, 0, 0, 0, 0,
				     &res);
		ret = chan_errno(&res);
		if (!ret && res.a1)
			wake_vm_end(ch);
		if (ret != -EAGAIN || (filp->f_flags & O_NONBLOCK))
			break;
		ret = wait_event_interruptible(ch->wq, host_end_writable(ch));
	}
	mutex_unlock(&ch->tx_lock);
	return ret ? ret : len;
}

static __poll_t host_end_poll(struct file *filp, poll_table *wait)
{
	struct gzvm_channel *ch = filp->private_data;
	__poll_t mask = 0;
	u64 rx, tx;

	poll_wait(filp, &ch->wq, wait);
	if (!host_end_info(ch, &rx, &tx))
		mask |= EPOLLHUP;
	if (rx || (mask & EPOLLHUP))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (tx)
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static int host_end_release(struct inode *inode, struct file *filp)
{
	struct gzvm_channel *ch = filp->private_data;
	struct arm_smccc_res res;

	/* the host leaves: the VM end drains what is queued, then sees CLOSED */
	gzvm_hypcall_wrapper(GZVM_FID_CHAN_DESTROY, ch->id, 0, 0, 0, 0, 0, 0,
			     &res);
	spin_lock(&channels_lock);
	if (ch->vm[0])
		gzvm_vm_wake_all_vcpus(ch->vm[0]);
	list_del(&ch->node);
	spin_unlock(&channels_lock);
	channel_free(ch);
	return 0;
}

static const struct file_operations host_end_fops = {
	.owner = THIS_MODULE,
	.read = host_end_read,
	.write = host_end_write,
	.poll = host_end_poll,
	.release = host_end_release,
	.llseek = noop_llseek,
};

/* ---- GZVM_CREATE_CHANNEL ---------------------------------------------- */

static bool create_args_valid(const struct gzvm_create_channel *args)
{
	return !args->flags && args->depth >= 1 &&
	       args->depth <= GZVM_CHANNEL_MAX_DEPTH && args->msg_size >= 1 &&
	       args->msg_size <= GZVM_CHANNEL_MAX_MSG_SIZE;
}

static struct gzvm_channel *channel_alloc(u32 msg_size, bool host_end)
{
	struct gzvm_channel *ch = kzalloc(sizeof(*ch), GFP_KERNEL);

	if (!ch)
		return NULL;
	ch->msg_size = msg_size;
	ch->host_end = host_end;
	init_waitqueue_head(&ch->wq);
	mutex_init(&ch->rx_lock);
	mutex_init(&ch->tx_lock);
	if (host_end) {
		ch->rx_buf = kmalloc(msg_size, GFP_KERNEL);
		ch->tx_buf = kmalloc(msg_size, GFP_KERNEL);
		if (!ch->rx_buf || !ch->tx_buf) {
			channel_free(ch);
			return NULL;
		}
	}
	return ch;
}

/* The hypervisor's channel between @gzvm and @peer (NULL: the host). */
static int channel_create_hyp(struct gzvm_channel *ch, struct gzvm *gzvm,
			      struct gzvm *peer,
			      const struct gzvm_create_channel *args)
{
	struct arm_smccc_res res;
	int ret;

	ret = gzvm_hypcall_wrapper(GZVM_FID_CHAN_CREATE, gzvm->vm_id,
				   peer ? peer->vm_id : GZVM_INVALID_VM_ID,
				   args->depth, args->msg_size, args->irq,
				   args->peer_irq, 0, &res);
	if (!ret)
		ch->id = (u32)res.a1;
	return ret;
}

/*
 * Publish @ch and, for a host channel, make its fd (which then owns @ch):
 * the fd, 0 for a channel between two VMs, or -errno.
 */
static int channel_install(struct gzvm_channel *ch)
{
	struct arm_smccc_res res;
	int fd = 0;

	if (ch->host_end) {
		fd = anon_inode_getfd("gzvm-channel", &host_end_fops, ch,
				      O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			gzvm_hypcall_wrapper(GZVM_FID_CHAN_DESTROY, ch->id, 0,
					     0, 0, 0, 0, 0, &res);
			return fd;
		}
	}
	spin_lock(&channels_lock);
	list_add(&ch->node, &channels);
	spin_unlock(&channels_lock);
	return fd;
}

int gzvm_vm_ioctl_create_channel(struct gzvm *gzvm,
				 struct gzvm_create_channel __user *argp)
{
	struct gzvm_create_channel args;
	struct gzvm_channel *ch;
	struct gzvm *peer = NULL;
	struct file *peer_file = NULL;
	int ret;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (!create_args_valid(&args))
		return -EINVAL;
	if (args.peer_fd != GZVM_CHANNEL_PEER_HOST) {
		/* the peer's fd keeps it alive until the channel is published */
		peer_file = fget(args.peer_fd);
		if (!peer_file)
			return -EBADF;
		peer = gzvm_vm_of_file(peer_file);
		if (!peer || peer == gzvm) {
			fput(peer_file);
			return -EINVAL;
		}
	}
	ch = channel_alloc(args.msg_size, !peer);
	ret = ch ? channel_create_hyp(ch, gzvm, peer, &args) : -ENOMEM;
	if (!ret) {
		ch->vm[0] = gzvm;
		ch->vm[1] = peer;
		ret = channel_install(ch);
	}
	if (ret < 0 && ch)
		channel_free(ch);
	if (peer_file)
		fput(peer_file);
	if (ret < 0)
		return ret;

	args.id = ch->id;
	args.fd = peer ? -1 : ret;
	/* the channel exists now; a bad pointer only loses the caller its answer */
	if (copy_to_user(argp, &args, sizeof(args)))
		return -EFAULT;
	return 0;
}

/* CHECK_EXTENSION(GZVM_CAP_CHANNELS): does the hypervisor know CHAN_INFO? */
bool gzvm_channels_supported(void)
{
	struct arm_smccc_res res;

	return gzvm_hypcall_wrapper(GZVM_FID_CHAN_INFO, U32_MAX, 0, 0, 0, 0, 0,
				    0, &res) != -EOPNOTSUPP;
}
