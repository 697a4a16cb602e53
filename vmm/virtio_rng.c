// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-rng (virtio 1.1, 5.4), fed from getrandom(): --rng.  One queue of
 * device-writable buffers; a readable descriptor in it breaks the queue.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "vmm.h"
#include "virtio.h"

#define RNG_QUEUE_SIZE	64
#define RNG_MAX_FILL	(64 * 1024)	/* bytes per request, so one request cannot hog the thread */

struct rng {
	struct virtq_elem elem;
};

/* Fill one iov from getrandom(); returns the bytes written. */
static size_t fill_random(void *p, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = getrandom((uint8_t *)p + done, len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	return done;
}

static uint32_t fill_elem(struct virtq_elem *e)
{
	size_t total = 0;

	for (unsigned int i = 0; i < e->nr_in && total < RNG_MAX_FILL; i++) {
		struct iovec *v = &e->iov[e->nr_out + i];
		size_t want = v->iov_len < RNG_MAX_FILL - total ? v->iov_len : RNG_MAX_FILL - total;
		size_t got = fill_random(v->iov_base, want);

		total += got;
		if (got < want)
			break;
	}
	return (uint32_t)total;
}

static void rng_queue_notify(struct virtio_dev *d, int q)
{
	struct rng *r = d->priv;
	struct virtq *vq = virtio_vq(d, q);
	bool done = false;

	while (virtq_pop(vq, &r->elem) == 1) {
		if (r->elem.nr_out) {
			virtq_fail(vq, "virtio-rng buffer is device-readable");
			return;
		}
		virtq_push(vq, &r->elem, fill_elem(&r->elem));
		done = true;
	}
	if (done)
		virtio_signal_used(d);
}

static void rng_release(struct virtio_dev *d)
{
	free(d->priv);
}

static const struct virtio_dev_ops rng_ops = {
	.name = "virtio-rng",
	.device_id = VIRTIO_ID_RNG,
	.nr_queues = 1,
	.queue_max = { RNG_QUEUE_SIZE },
	.queue_notify = rng_queue_notify,
	.release = rng_release,
};

int virtio_rng_create(struct vm *vm)
{
	struct rng *r = calloc(1, sizeof(*r));

	if (!r || !virtio_mmio_create(vm, &rng_ops, 0, r)) {
		free(r);
		return -1;
	}
	return 0;
}
