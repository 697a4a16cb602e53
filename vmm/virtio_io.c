// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O thread: one epoll loop for every virtio device.  It waits on the
 * queues' kick eventfds and on the devices' own fds (stdin for the console,
 * a tap, ...) and calls the device's handler with the device's lock held.
 * It stops (virtio_io_stop) before guest RAM is unmapped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vmm.h"
#include "virtio.h"

#define MAX_HANDLES	(MAX_VIRTIO_DEVS * (VIRTIO_MAX_QUEUES + 2))
#define STOP_HANDLE	UINT32_MAX

struct io_handle {
	int fd;
	uint32_t events;
	struct virtio_dev *dev;
	void (*fn)(struct virtio_dev *d, void *opaque);
	void *opaque;
	bool watched;		/* in the epoll set */
};

static struct {
	int epfd;
	int stop_fd;
	int nr;
	struct io_handle h[MAX_HANDLES];
	pthread_t thread;
	bool running;
} io = { .epfd = -1, .stop_fd = -1 };

static int ensure_epoll(void)
{
	if (io.epfd >= 0)
		return 0;
	io.epfd = epoll_create1(EPOLL_CLOEXEC);
	return io.epfd < 0 ? -errno : 0;
}

int virtio_io_add_fd(struct virtio_dev *d, int fd, uint32_t events,
		     void (*fn)(struct virtio_dev *d, void *opaque), void *opaque)
{
	struct epoll_event ev = { .events = events };
	int r = ensure_epoll();

	if (r)
		return r;
	if (io.nr >= MAX_HANDLES)
		return -ENOSPC;
	io.h[io.nr] = (struct io_handle){ fd, events, d, fn, opaque, true };
	ev.data.u32 = (uint32_t)io.nr;
	if (epoll_ctl(io.epfd, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	return io.nr++;
}

/*
 * Out of the epoll set and back, rather than an empty event mask: epoll
 * reports EPOLLHUP whatever the mask (a pipe on stdin whose writer left).
 */
void virtio_io_enable(int handle, bool on)
{
	struct io_handle *h;
	struct epoll_event ev = { .data.u32 = (uint32_t)handle };

	if (handle < 0 || handle >= io.nr)
		return;
	h = &io.h[handle];
	if (h->watched == on)
		return;
	ev.events = h->events;
	if (epoll_ctl(io.epfd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, h->fd, &ev) == 0)
		h->watched = on;
}

static void dispatch(uint32_t i)
{
	struct io_handle *h = &io.h[i];

	pthread_mutex_lock(&h->dev->lock);
	h->fn(h->dev, h->opaque);
	pthread_mutex_unlock(&h->dev->lock);
}

static void *io_thread(void *arg)
{
	struct epoll_event ev[16];

	(void)arg;
	pthread_setname_np(pthread_self(), "virtio-io");
	for (;;) {
		int n = epoll_wait(io.epfd, ev, 16, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			vmm_err("virtio I/O thread: epoll_wait: %s", strerror(errno));
			return NULL;
		}
		for (int i = 0; i < n; i++) {
			if (ev[i].data.u32 == STOP_HANDLE)
				return NULL;
			if (ev[i].data.u32 < (uint32_t)io.nr)
				dispatch(ev[i].data.u32);
		}
	}
}

int virtio_io_start(struct vm *vm)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = STOP_HANDLE };
	sigset_t all, old;
	int r;

	if (!vm->nr_virtio)
		return 0;
	r = ensure_epoll();
	if (r)
		return r;
	io.stop_fd = eventfd(0, EFD_CLOEXEC);
	if (io.stop_fd < 0 || epoll_ctl(io.epfd, EPOLL_CTL_ADD, io.stop_fd, &ev))
		return -errno;
	/*
	 * no signal for this thread: SIGUSR1 kicks vCPUs, the rest go to main;
	 * but its own faults on guest memory (a protected guest's page it did
	 * not share) must reach main.c's SIGBUS handler, not kill blocked
	 */
	sigfillset(&all);
	sigdelset(&all, SIGBUS);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&io.thread, NULL, io_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r)
		return -r;
	io.running = true;
	return 0;
}

void virtio_io_stop(struct vm *vm)
{
	uint64_t one = 1;

	if (io.running) {
		if (write(io.stop_fd, &one, sizeof(one)) < 0)
			vmm_err("virtio I/O thread: cannot stop it: %s", strerror(errno));
		pthread_join(io.thread, NULL);
		io.running = false;
	}
	/* the devices forget their requests (a console restores the terminal) */
	for (int i = 0; i < vm->nr_virtio; i++) {
		struct virtio_dev *d = vm->virtio[i];

		pthread_mutex_lock(&d->lock);
		if (d->ops->reset)
			d->ops->reset(d);
		d->live = false;
		pthread_mutex_unlock(&d->lock);
	}
	if (io.stop_fd >= 0)
		close(io.stop_fd);
	if (io.epfd >= 0)
		close(io.epfd);
	io.stop_fd = io.epfd = -1;
	io.nr = 0;
}
