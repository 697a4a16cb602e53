// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (virtio 1.1, 5.1) on a tap interface: --net tap=NAME[,mac=M].
 * One receive queue (0) and one transmit queue (1), no control queue, no
 * offloads, no mergeable receive buffers; features MAC and STATUS (the
 * link is always up).
 *
 * The tap is opened with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR and a 12-byte
 * vnet header (TUNSETVNETHDRSZ), which is exactly the virtio 1.x
 * virtio_net_hdr, so frames go between the tap and guest memory with one
 * readv/writev and no copy.  The tap fd is non-blocking and watched by the
 * I/O thread only while the guest has receive buffers: when they run out
 * the device stops reading and packets wait in (or are dropped by) the
 * tap's own queue until the guest kicks the receive queue again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm.h"
#include "virtio.h"

#define RXQ			0
#define TXQ			1
#define NET_QUEUE_SIZE		256
#define NET_HDR_LEN		12	/* struct virtio_net_hdr_v1: ... num_buffers (le16) at 10 */
#define NET_HDR_NUM_BUFFERS	10
#define RX_BURST		64	/* packets per wake-up, so one busy tap cannot hog the thread */

#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_STATUS	16
#define VIRTIO_NET_S_LINK_UP	1

struct net_config {
	uint8_t mac[6];
	uint16_t status;	/* le16 */
} __attribute__((packed));

struct vnet {
	int tap_fd;
	int tap_handle;		/* I/O thread handle of the tap */
	bool tap_broken;	/* a read error other than EAGAIN: stop reading */
	char ifname[IFNAMSIZ];
	struct net_config config;
	uint64_t rx_packets, rx_dropped, tx_packets, tx_dropped;
	struct virtq_elem elem;
};

/* ---- --net tap=NAME[,mac=xx:xx:xx:xx:xx:xx] ------------------------------ */

static const uint8_t default_mac[6] = { 0x02, 0x67, 0x7a, 0x76, 0x6d, 0x00 };	/* 02:"gzvm" */

/* The kernel's dev_valid_name(), so a bad name fails on the command line. */
static bool valid_ifname(const char *s, size_t len)
{
	if (len == 0 || len >= IFNAMSIZ)
		return false;
	if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '/' || s[i] == ':' || s[i] == ',' || s[i] == '=' ||
		    (unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return false;
	return true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly "xx:xx:xx:xx:xx:xx" (17 characters) of a unicast, nonzero address. */
static bool parse_mac(const char *s, size_t len, uint8_t mac[6])
{
	if (len != 17)
		return false;
	for (int i = 0; i < 6; i++) {
		int hi = hex_digit(s[3 * i]), lo = hex_digit(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	if (mac[0] & 1)
		return false;	/* multicast */
	return mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5];
}

int net_spec_parse(const char *spec, int index, struct net_spec *ns, const char **why)
{
	const char *p = spec;
	bool have_tap = false;

	memset(ns, 0, sizeof(*ns));
	memcpy(ns->mac, default_mac, sizeof(ns->mac));
	ns->mac[5] = (uint8_t)(index + 1);
	for (;;) {	/* one KEY=VALUE per comma-separated item, none empty */
		const char *end = strchrnul(p, ',');
		const char *eq = memchr(p, '=', (size_t)(end - p));
		size_t klen = eq ? (size_t)(eq - p) : 0, vlen = eq ? (size_t)(end - eq - 1) : 0;

		if (!eq) {
			*why = "expected KEY=VALUE (tap=NAME, mac=xx:xx:xx:xx:xx:xx)";
			return -1;
		}
		if (klen == 3 && !memcmp(p, "tap", 3)) {
			if (!valid_ifname(eq + 1, vlen)) {
				*why = "tap=NAME: not a valid interface name (1-15 characters, no / : , = or space)";
				return -1;
			}
			memcpy(ns->ifname, eq + 1, vlen);
			ns->ifname[vlen] = 0;
			have_tap = true;
		} else if (klen == 3 && !memcmp(p, "mac", 3)) {
			if (!parse_mac(eq + 1, vlen, ns->mac)) {
				*why = "mac=: expected xx:xx:xx:xx:xx:xx, unicast and not all zeros";
				return -1;
			}
		} else {
			*why = "unknown key (tap=NAME, mac=xx:xx:xx:xx:xx:xx)";
			return -1;
		}
		if (!*end)
			break;
		p = end + 1;
	}
	if (!have_tap) {
		*why = "tap=NAME is required";
		return -1;
	}
	return 0;
}

/* ---- the tap ---------------------------------------------------------------- */

/* Attach to tap NAME, creating it if it does not exist (it then goes away with us). */
static int open_tap(const char *name)
{
	struct ifreq ifr;
	int hdr_len = NET_HDR_LEN;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		vmm_err("virtio-net: /dev/net/tun: %s%s", strerror(errno),
			errno == ENOENT ? " (is the tun module loaded?)" : "");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	memcpy(ifr.ifr_name, name, strnlen(name, IFNAMSIZ - 1));
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		vmm_err("virtio-net: tap %s: TUNSETIFF: %s%s", name, strerror(errno),
			errno == EPERM ? " (needs CAP_NET_ADMIN or the tap's owner)" :
			errno == EINVAL || errno == EBUSY ?
			" (an interface of that name that is not a free tap?)" : "");
		close(fd);
		return -1;
	}
	/* no offloads: the host sends us only whole frames with plain headers */
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_len) || ioctl(fd, TUNSETOFFLOAD, 0UL)) {
		vmm_err("virtio-net: tap %s: vnet header set-up: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- receive: tap -> guest ------------------------------------------------------ */

/* Wait for a receive-queue kick before reading the tap again. */
static void rx_pause(struct vnet *n)
{
	virtio_io_enable(n->tap_handle, false);
}

/*
 * Read one frame into the popped chain: > 0 when a frame was taken (pushed,
 * or dropped with the chain put back), 0 if the tap had none, -1 if the ring
 * or the tap broke.
 */
static ssize_t rx_one(struct vnet *n, struct virtq *vq)
{
	static const uint16_t one_buffer = 1;	/* le16 */
	struct virtq_elem *e = &n->elem;
	ssize_t len;

	if (e->nr_out || e->in_len < NET_HDR_LEN) {
		virtq_fail(vq, "virtio-net receive buffer is device-readable or shorter than the header");
		return -1;
	}
	len = readv(n->tap_fd, e->iov, (int)e->nr_in);
	if (len < 0) {
		virtq_unpop(vq);
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		/* a frame larger than the chain: the tap dropped it, the buffer stays */
		if (errno == EFAULT || errno == EINVAL) {
			n->rx_dropped++;
			return 1;
		}
		vmm_err("virtio-net: tap %s: read: %s: no more receiving", n->ifname, strerror(errno));
		n->tap_broken = true;
		return -1;
	}
	if (len < NET_HDR_LEN) {
		/* a tap always writes the header: an end of file, stop before it spins */
		virtq_unpop(vq);
		vmm_err("virtio-net: tap %s: read %zd bytes: no more receiving", n->ifname, len);
		n->tap_broken = true;
		return -1;
	}
	/* without MRG_RXBUF one chain per frame; the tap leaves this field alone */
	iov_from_buf(e->iov, e->nr_in, NET_HDR_NUM_BUFFERS, &one_buffer, sizeof(one_buffer));
	virtq_push(vq, e, (uint32_t)len);
	n->rx_packets++;
	return len;
}

/* I/O thread: the tap has frames for the guest. */
static void net_rx(struct virtio_dev *d, void *opaque)
{
	struct vnet *n = opaque;
	struct virtq *vq = virtio_vq(d, RXQ);
	uint16_t used_before = vq->used_idx;

	for (int i = 0; i < RX_BURST; i++) {
		int r;

		if (!virtio_queue_live(d, RXQ)) {
			rx_pause(n);
			break;
		}
		r = virtq_pop(vq, &n->elem);
		if (r != 1) {
			rx_pause(n);	/* no buffers (0) or a broken ring (-1) */
			break;
		}
		r = (int)rx_one(n, vq);
		if (r <= 0) {
			if (r < 0)
				rx_pause(n);
			break;
		}
	}
	if (vq->used_idx != used_before)
		virtio_signal_used(d);
}

/* ---- transmit: guest -> tap -------------------------------------------------------- */

static void net_tx(struct virtio_dev *d, struct vnet *n)
{
	struct virtq *vq = virtio_vq(d, TXQ);
	bool pushed = false;

	while (virtq_pop(vq, &n->elem) == 1) {
		struct virtq_elem *e = &n->elem;

		if (e->nr_in) {
			virtq_fail(vq, "virtio-net transmit buffer is device-writable");
			return;
		}
		/*
		 * A frame the tap refuses (a bad header, the interface down, its
		 * queue full) is dropped, as a NIC drops it: the buffer goes back.
		 */
		if (e->out_len <= NET_HDR_LEN || writev(n->tap_fd, e->iov, (int)e->nr_out) < 0)
			n->tx_dropped++;
		else
			n->tx_packets++;
		virtq_push(vq, e, 0);
		pushed = true;
	}
	if (pushed)
		virtio_signal_used(d);
}

static void net_queue_notify(struct virtio_dev *d, int q)
{
	struct vnet *n = d->priv;

	if (q == TXQ)
		net_tx(d, n);
	else if (q == RXQ && !n->tap_broken)
		virtio_io_enable(n->tap_handle, true);	/* new receive buffers */
}

static void net_config_read(struct virtio_dev *d, uint32_t off, void *buf, uint32_t len)
{
	struct vnet *n = d->priv;

	memcpy(buf, (uint8_t *)&n->config + off, len);
}

static void net_reset(struct virtio_dev *d)
{
	struct vnet *n = d->priv;

	rx_pause(n);
}

static void net_release(struct virtio_dev *d)
{
	struct vnet *n = d->priv;

	vmm_dbg(d->vm, "virtio-net %s: %llu frames received (%llu too big), %llu sent (%llu dropped)",
		n->ifname, (unsigned long long)n->rx_packets, (unsigned long long)n->rx_dropped,
		(unsigned long long)n->tx_packets, (unsigned long long)n->tx_dropped);
	if (n->tap_fd >= 0)
		close(n->tap_fd);
	free(n);
}

static const struct virtio_dev_ops net_ops = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.nr_queues = 2,
	.queue_max = { NET_QUEUE_SIZE, NET_QUEUE_SIZE },
	.config_size = sizeof(struct net_config),
	.config_read = net_config_read,
	.queue_notify = net_queue_notify,
	.reset = net_reset,
	.release = net_release,
};

int virtio_net_create_fd(struct vm *vm, int tap_fd, const char *ifname, const uint8_t mac[6])
{
	struct vnet *n = calloc(1, sizeof(*n));
	struct virtio_dev *d;

	if (!n) {
		close(tap_fd);
		return -1;
	}
	n->tap_fd = tap_fd;
	snprintf(n->ifname, sizeof(n->ifname), "%s", ifname);
	memcpy(n->config.mac, mac, sizeof(n->config.mac));
	n->config.status = VIRTIO_NET_S_LINK_UP;	/* le16 on a little-endian host */
	d = virtio_mmio_create(vm, &net_ops,
			       (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS), n);
	if (!d) {
		close(tap_fd);
		free(n);
		return -1;
	}
	n->tap_handle = virtio_io_add_fd(d, tap_fd, EPOLLIN, net_rx, n);
	if (n->tap_handle < 0) {
		vmm_err("virtio-net: tap %s: cannot watch it: %s", ifname, strerror(-n->tap_handle));
		return -1;	/* released with the device */
	}
	rx_pause(n);	/* until DRIVER_OK and receive buffers */
	return 0;
}

int virtio_net_create(struct vm *vm, const char *spec, int index)
{
	struct net_spec ns;
	const char *why;
	int fd;

	if (net_spec_parse(spec, index, &ns, &why)) {
		vmm_err("--net %s: %s", spec, why);
		return -1;
	}
	fd = open_tap(ns.ifname);
	if (fd < 0)
		return -1;
	vmm_dbg(vm, "virtio-net: tap %s, MAC %02x:%02x:%02x:%02x:%02x:%02x", ns.ifname,
		ns.mac[0], ns.mac[1], ns.mac[2], ns.mac[3], ns.mac[4], ns.mac[5]);
	return virtio_net_create_fd(vm, fd, ns.ifname, ns.mac);
}
