// SPDX-License-Identifier: GPL-2.0
/*
 * gzvm-run --channel: message channels (GZVM_CREATE_CHANNEL).  See
 * vmm/README.md, "Message channels".
 *
 * host=PATH    the channel joins this VM and the host; its host end is an
 *              fd, handed to every client of the unix socket PATH (one
 *              byte with the fd in SCM_RIGHTS, then the connection closes)
 *              by a small thread until gzvm-run exits.
 * listen=PATH  the channel joins this VM and the VM of a gzvm-run with
 *   connect=PATH: the connector sends its VM fd and doorbell SPI (struct
 *              chan_request), the listener creates the channel with it and
 *              answers the id (struct chan_answer).  The hypervisor copies
 *              the messages, so nothing is shared and the received VM fd
 *              is closed at once: each VM's lifetime stays its own VMM's.
 *
 * Deadlocks: two VMMs may each listen for the other's connect.  So every
 * setup goes in phases that only wait on what the peer does in an earlier
 * phase: bind every socket; connect and send every request; accept and
 * answer every listener; receive every answer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <libfdt.h>
#include <linux/gzvm.h>

#include "vmm.h"

_Static_assert(GZVM_CHANNEL_MAX_DEPTH == 255 && GZVM_CHANNEL_MAX_MSG_SIZE == 1024,
	       "--channel's documented limits");

/* the listener's answer: its own connects and accepts take up to 2 x CHAN_TIMEOUT_S */
#define CHAN_ANSWER_TIMEOUT_S	(2 * CHAN_TIMEOUT_S)

struct chan {
	const struct chan_spec *spec;
	uint32_t spi;		/* this VM's doorbell */
	uint32_t id, depth, size;
	int sock;		/* listening or connected socket, or -1 */
	int host_fd;		/* host=: the host's end, or -1 */
	bool bound;		/* we created spec->path (st_dev/st_ino): remove it */
	dev_t dev;
	ino_t ino;
	bool ready;		/* created (listen=, host=) or answered (connect=) */
};

struct chan_state {
	int nr;
	struct chan ch[MAX_CHANNELS];
	int sig_fd;		/* SIGINT/SIGTERM while waiting for a peer */
	int stop_fd;		/* wakes the host-end server */
	pthread_t server;
	bool serving;
};

/* ---- the command line ------------------------------------------------------ */

static bool valid_name(const char *s, size_t len)
{
	if (len < 1 || len > CHAN_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* Plain decimal in [1, max]: no sign, no spaces, no hex. */
static bool parse_num(const char *s, size_t len, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;

	if (len < 1 || len > 4)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v < 1 || v > max)
		return false;
	*out = v;
	return true;
}

static bool key_is(const char *p, size_t klen, const char *key)
{
	return klen == strlen(key) && !memcmp(p, key, klen);
}

/* One KEY=VALUE item after the name. */
static int parse_item(struct chan_spec *cs, const char *p, size_t len, bool *have_kind,
		      const char **why)
{
	const char *eq = memchr(p, '=', len);
	size_t klen, vlen;
	const char *v;

	if (!eq) {
		*why = "expected KEY=VALUE after the name (host=, listen=, connect=, depth=, size=)";
		return -1;
	}
	klen = (size_t)(eq - p);
	vlen = len - klen - 1;
	v = eq + 1;
	if (key_is(p, klen, "host") || key_is(p, klen, "listen") || key_is(p, klen, "connect")) {
		if (*have_kind) {
			*why = "more than one of host=, listen=, connect=";
			return -1;
		}
		if (vlen < 1 || vlen > CHAN_PATH_MAX) {
			*why = "PATH: empty, or longer than a unix socket's 107 bytes";
			return -1;
		}
		cs->kind = p[0] == 'h' ? CHAN_HOST : p[0] == 'l' ? CHAN_LISTEN : CHAN_CONNECT;
		memcpy(cs->path, v, vlen);
		cs->path[vlen] = 0;
		*have_kind = true;
	} else if (key_is(p, klen, "depth")) {
		if (cs->have_depth || !parse_num(v, vlen, GZVM_CHANNEL_MAX_DEPTH, &cs->depth)) {
			*why = "depth=D: once, 1 to 255 messages";
			return -1;
		}
		cs->have_depth = true;
	} else if (key_is(p, klen, "size")) {
		if (cs->have_size || !parse_num(v, vlen, GZVM_CHANNEL_MAX_MSG_SIZE, &cs->size)) {
			*why = "size=S: once, 1 to 1024 bytes";
			return -1;
		}
		cs->have_size = true;
	} else {
		*why = "unknown key (host=PATH, listen=PATH, connect=PATH, depth=D, size=S)";
		return -1;
	}
	return 0;
}

int chan_spec_parse(const char *spec, struct chan_spec *cs, const char **why)
{
	const char *end = strchrnul(spec, ',');
	bool have_kind = false;

	*cs = (struct chan_spec){
		.text = spec, .depth = CHAN_DEFAULT_DEPTH, .size = CHAN_DEFAULT_SIZE,
	};
	if (!valid_name(spec, (size_t)(end - spec))) {
		*why = "NAME first: 1 to 20 of a-z 0-9 _ -";
		return -1;
	}
	memcpy(cs->name, spec, (size_t)(end - spec));
	while (*end) {	/* one item per comma, none empty */
		const char *p = end + 1;

		end = strchrnul(p, ',');
		if (parse_item(cs, p, (size_t)(end - p), &have_kind, why))
			return -1;
	}
	if (!have_kind) {
		*why = "no KIND: host=PATH, listen=PATH or connect=PATH";
		return -1;
	}
	return 0;
}

int chan_spec_add(struct chan_spec *list, int *nr, const char *spec, const char **why)
{
	struct chan_spec cs;

	if (*nr >= MAX_CHANNELS) {
		*why = "at most 8 channels";
		return -1;
	}
	if (chan_spec_parse(spec, &cs, why))
		return -1;
	for (int i = 0; i < *nr; i++) {
		if (!strcmp(list[i].name, cs.name)) {
			*why = "a channel of that NAME is given already";
			return -1;
		}
		/* two of ours on one socket would take each other's connections */
		if (!strcmp(list[i].path, cs.path)) {
			*why = "PATH is another --channel's already";
			return -1;
		}
	}
	list[(*nr)++] = cs;
	return 0;
}

/* ---- sockets ---------------------------------------------------------------- */

static int remaining_ms(double deadline)
{
	double left = deadline - vmm_now();

	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

/*
 * Wait until fd has events, the deadline passes (0) or SIGINT/SIGTERM
 * arrive (-EINTR: they are blocked in every thread, so a wait here would
 * otherwise outlast Ctrl-C).  1 when ready.
 */
static int wait_fd(struct chan_state *st, int fd, short events, double deadline)
{
	struct pollfd p[2] = { { .fd = st->sig_fd, .events = POLLIN },
			       { .fd = fd, .events = events } };

	for (;;) {
		int n = poll(p, fd < 0 ? 1 : 2, remaining_ms(deadline));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (p[0].revents)
			return -EINTR;
		return n > 0;
	}
}

static struct sockaddr_un unix_addr(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	memcpy(a.sun_path, path, strlen(path) + 1);	/* the parser bounded it */
	return a;
}

/* A listening socket at PATH, replacing a stale socket (never another kind of file). */
static int bind_path(struct chan *c)
{
	struct sockaddr_un a = unix_addr(c->spec->path);
	struct stat sb;
	mode_t old;
	int fd, r;

	if (!lstat(c->spec->path, &sb)) {
		if (!S_ISSOCK(sb.st_mode))
			return -EEXIST;
		unlink(c->spec->path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* whoever connects gets a channel end: only our user (setup is single-threaded) */
	old = umask(0077);
	r = bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (r || listen(fd, 8) || stat(c->spec->path, &sb)) {
		r = -errno;
		close(fd);
		return r;
	}
	c->sock = fd;
	c->bound = true;
	c->dev = sb.st_dev;
	c->ino = sb.st_ino;
	return 0;
}

/* Remove PATH if it is still the socket we bound. */
static void unbind_path(struct chan *c)
{
	struct stat sb;

	if (c->bound && !stat(c->spec->path, &sb) && sb.st_dev == c->dev && sb.st_ino == c->ino)
		unlink(c->spec->path);
	c->bound = false;
}

static int send_fd(int sock, const void *buf, size_t len, int fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.b, .msg_controllen = sizeof(u.b),
	};
	struct cmsghdr *h;
	ssize_t n;

	memset(&u, 0, sizeof(u));
	h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	n = sendmsg(sock, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;	/* a fresh socket's buffer takes 36 bytes */
}

/* Keep the first fd passed, close any other. */
static void take_fds(struct msghdr *m, int *fd)
{
	for (struct cmsghdr *h = CMSG_FIRSTHDR(m); h; h = CMSG_NXTHDR(m, h)) {
		size_t n;

		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
			continue;
		n = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int f;

			memcpy(&f, CMSG_DATA(h) + i * sizeof(int), sizeof(int));
			if (fd && *fd < 0)
				*fd = f;
			else
				close(f);
		}
	}
}

/* Exactly len bytes (and, if fd, a passed fd, else -1) before the deadline. */
static int recv_full(struct chan_state *st, int sock, void *buf, size_t len, int *fd,
		     double deadline)
{
	size_t got = 0;

	if (fd)
		*fd = -1;
	while (got < len) {
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(4 * sizeof(int))];
		} u;
		struct iovec iov = { .iov_base = (char *)buf + got, .iov_len = len - got };
		struct msghdr m = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = u.b, .msg_controllen = sizeof(u.b),
		};
		int r = wait_fd(st, sock, POLLIN, deadline);
		ssize_t n;

		if (r <= 0)
			return r ? r : -ETIMEDOUT;
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return -errno;
		take_fds(&m, fd);
		if (n == 0)
			return -ECONNRESET;	/* the peer closed early */
		got += (size_t)n;
	}
	return 0;
}

/* ---- creating channels ------------------------------------------------------ */

static int create(struct vm *vm, struct chan *c, int peer_fd, uint32_t peer_spi)
{
	struct chan_params p = {
		.peer_fd = peer_fd, .depth = c->spec->depth, .msg_size = c->spec->size,
		.irq = c->spi, .peer_irq = peer_spi, .host_fd = -1,
	};
	int r = vm->be->create_channel(vm, &p);

	if (r) {
		vmm_err("--channel %s: GZVM_CREATE_CHANNEL: %s", c->spec->text, strerror(-r));
		return r;
	}
	c->id = p.id;
	c->depth = p.depth;
	c->size = p.msg_size;
	c->host_fd = p.host_fd;
	c->ready = true;
	vmm_dbg(vm, "channel %s: id %u, SPI %u, %u x %u bytes", c->spec->name, c->id, c->spi,
		c->depth, c->size);
	return 0;
}

static int host_channel(struct vm *vm, struct chan *c)
{
	if (create(vm, c, -1, 0))
		return -1;
	if (c->host_fd < 0) {
		vmm_err("--channel %s: the driver returned no host end", c->spec->text);
		return -1;
	}
	return 0;
}

/* connect=: connect (retrying while PATH is missing or not yet listening), send the request. */
static int connect_peer(struct vm *vm, struct chan *c, double deadline)
{
	struct sockaddr_un a = unix_addr(c->spec->path);
	struct chan_request rq = { CHAN_PROTO_MAGIC, CHAN_PROTO_VERSION, c->spi, { 0 } };
	double nap;
	int fd = -1, r;

	memcpy(rq.name, c->spec->name, strlen(c->spec->name));
	for (;;) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (!connect(fd, (struct sockaddr *)&a, sizeof(a)))
			break;
		r = -errno;
		close(fd);
		/* ECONNREFUSED: a stale socket the listener has not replaced yet */
		if (r != -ENOENT && r != -ECONNREFUSED)
			return r;
		if (!remaining_ms(deadline))
			return -ETIMEDOUT;
		nap = vmm_now() + 0.1;
		r = wait_fd(vm->chans, -1, 0, nap < deadline ? nap : deadline);
		if (r < 0)
			return r;
	}
	r = send_fd(fd, &rq, sizeof(rq), vm->fd);
	if (r) {
		close(fd);
		return r;
	}
	c->sock = fd;
	return 0;
}

static int check_request(const struct chan *c, const struct chan_request *rq)
{
	if (rq->magic != CHAN_PROTO_MAGIC || rq->version != CHAN_PROTO_VERSION) {
		vmm_err("--channel %s: the peer speaks another protocol (magic 0x%x, version %u)",
			c->spec->text, rq->magic, rq->version);
		return -EPROTO;
	}
	if (strncmp(rq->name, c->spec->name, sizeof(rq->name))) {
		vmm_err("--channel %s: the peer connected for channel '%.*s', not '%s'",
			c->spec->text, (int)sizeof(rq->name), rq->name, c->spec->name);
		return -ENOENT;
	}
	return 0;
}

/* listen=: one connection: the request and the peer's VM fd, then the answer. */
static int serve_peer(struct vm *vm, struct chan *c, int conn, double deadline)
{
	struct chan_request rq;
	struct chan_answer an = { .magic = CHAN_PROTO_MAGIC };
	int peer = -1, r;

	r = recv_full(vm->chans, conn, &rq, sizeof(rq), &peer, deadline);
	if (r) {
		vmm_err("--channel %s: reading the peer's request: %s", c->spec->text,
			r == -ETIMEDOUT ? "timed out" : strerror(-r));
		if (peer >= 0)
			close(peer);
		return -1;
	}
	r = check_request(c, &rq);
	if (!r && peer < 0) {
		vmm_err("--channel %s: the peer sent no VM fd", c->spec->text);
		r = -EBADF;
	}
	if (!r)
		r = create(vm, c, peer, rq.spi);
	if (peer >= 0)
		close(peer);	/* the peer VM lives as long as its own VMM keeps it */
	an.status = r;
	if (!r) {
		an.id = c->id;
		an.depth = c->depth;
		an.size = c->size;
	}
	if (send(conn, &an, sizeof(an), MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)sizeof(an) && !r) {
		vmm_err("--channel %s: answering the peer: %s", c->spec->text, strerror(errno));
		return -1;
	}
	return r ? -1 : 0;
}

/* Accept every listen= channel's peer, in whatever order they come. */
static int accept_peers(struct vm *vm, double deadline)
{
	struct chan_state *st = vm->chans;

	for (;;) {
		struct pollfd p[MAX_CHANNELS + 1];
		struct chan *who[MAX_CHANNELS];
		int n = 0, r;

		for (int i = 0; i < st->nr; i++)
			if (st->ch[i].spec->kind == CHAN_LISTEN && !st->ch[i].ready) {
				who[n] = &st->ch[i];
				p[n++] = (struct pollfd){ .fd = st->ch[i].sock, .events = POLLIN };
			}
		if (!n)
			return 0;
		p[n] = (struct pollfd){ .fd = st->sig_fd, .events = POLLIN };
		r = poll(p, (nfds_t)n + 1, remaining_ms(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || p[n].revents) {
			vmm_err("--channel %s: %s", who[0]->spec->text,
				r < 0 ? strerror(errno) : r ? "interrupted while waiting for the peer" :
				"no peer connected to the socket in 60 s");
			return -1;
		}
		for (int i = 0; i < n; i++) {
			int conn;

			if (!p[i].revents)
				continue;
			conn = accept4(p[i].fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
			if (conn < 0)
				continue;	/* gone again; poll tells */
			r = serve_peer(vm, who[i], conn, deadline);
			close(conn);
			/* one peer per listen=: nobody else may find the socket */
			close(who[i]->sock);
			who[i]->sock = -1;
			unbind_path(who[i]);
			if (r)
				return -1;
		}
	}
}

/* connect=: the listener's answer; its depth and size win, ours must agree. */
static int take_answer(struct vm *vm, struct chan *c, double deadline)
{
	const struct chan_spec *s = c->spec;
	struct chan_answer an;
	int r = recv_full(vm->chans, c->sock, &an, sizeof(an), NULL, deadline);

	close(c->sock);
	c->sock = -1;
	if (r) {
		vmm_err("--channel %s: no answer from the listener at %s: %s", s->text, s->path,
			r == -ETIMEDOUT ? "timed out" : r == -ECONNRESET ?
			"it closed the connection (see its messages)" : strerror(-r));
		return -1;
	}
	if (an.magic != CHAN_PROTO_MAGIC) {
		vmm_err("--channel %s: %s does not answer as a gzvm-run listen= socket", s->text,
			s->path);
		return -1;
	}
	if (an.status) {
		vmm_err("--channel %s: the listener at %s could not create the channel: %s",
			s->text, s->path, an.status == -ENOENT ? "its channel has another name" :
			strerror(-an.status));
		return -1;
	}
	if ((s->have_depth && s->depth != an.depth) || (s->have_size && s->size != an.size)) {
		vmm_err("--channel %s: the listener made it depth=%u,size=%u; drop depth=/size= "
			"here or give the same", s->text, an.depth, an.size);
		return -1;
	}
	c->id = an.id;
	c->depth = an.depth;
	c->size = an.size;
	c->ready = true;
	vmm_dbg(vm, "channel %s: id %u, SPI %u, %u x %u bytes (from %s)", s->name, c->id, c->spi,
		c->depth, c->size, s->path);
	return 0;
}

/* ---- serving host ends ------------------------------------------------------ */

/* Each client gets one byte with the host end in SCM_RIGHTS; then it is closed. */
static void *host_server(void *opaque)
{
	struct chan_state *st = opaque;

	for (;;) {
		struct pollfd p[MAX_CHANNELS + 1];
		struct chan *who[MAX_CHANNELS];
		int n = 0;

		for (int i = 0; i < st->nr; i++)
			if (st->ch[i].spec->kind == CHAN_HOST && st->ch[i].sock >= 0) {
				who[n] = &st->ch[i];
				p[n++] = (struct pollfd){ .fd = st->ch[i].sock, .events = POLLIN };
			}
		p[n] = (struct pollfd){ .fd = st->stop_fd, .events = POLLIN };
		if (poll(p, (nfds_t)n + 1, -1) < 0)
			continue;
		if (p[n].revents)
			return NULL;
		for (int i = 0; i < n; i++) {
			int conn, r;

			if (!p[i].revents)
				continue;
			conn = accept4(p[i].fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
			if (conn < 0)
				continue;
			r = send_fd(conn, "", 1, who[i]->host_fd);
			if (r)
				vmm_log("channel %s: a client of %s did not take the fd: %s",
					who[i]->spec->name, who[i]->spec->path, strerror(-r));
			close(conn);
		}
	}
}

static int start_server(struct chan_state *st)
{
	int r;

	st->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (st->stop_fd < 0)
		return -errno;
	/* created with SIGINT/TERM/USR1/USR2 blocked (main), as every thread */
	r = pthread_create(&st->server, NULL, host_server, st);
	if (r)
		return -r;
	st->serving = true;
	return 0;
}

/* ---- the phases ------------------------------------------------------------- */

static int state_init(struct vm *vm)
{
	const struct config *cfg = vm->cfg;
	struct chan_state *st = calloc(1, sizeof(*st));
	sigset_t sigs;

	if (!st)
		return -ENOMEM;
	vm->chans = st;
	st->stop_fd = -1;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	st->sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	if (st->sig_fd < 0)
		return -errno;
	st->nr = cfg->nr_channels;
	for (int i = 0; i < st->nr; i++) {
		st->ch[i] = (struct chan){ .spec = &cfg->channels[i], .sock = -1, .host_fd = -1 };
		/*
		 * The virtio transports take SPI 16 + n in creation order
		 * (virtio_mmio.c) and every one exists by now: the doorbells
		 * come next, so nothing in the DTB shares a line.
		 */
		st->ch[i].spi = VIRTIO_MMIO_SPI + (uint32_t)vm->nr_virtio + (uint32_t)i;
	}
	return 0;
}

static int check_backend(struct vm *vm)
{
	int r;

	if (!vm->be->create_channel) {
		vmm_err("--channel: the %s backend has no message channels (they are gzvm's)",
			vm->be->name);
		return -1;
	}
	r = vm->be->create_channel(vm, NULL);
	if (r) {
		vmm_err("--channel: %s lacks GZVM_CAP_CHANNELS (CHECK_EXTENSION 0x%x: %s): "
			"gzvm.ko or the hypervisor has no message channels", vm->be->dev,
			GZVM_CAP_CHANNELS, r == -ENOTSUP ? "not 1" : strerror(-r));
		return -1;
	}
	return 0;
}

/* Phase 1: every host= channel and socket, every listen= socket. */
static int bind_all(struct vm *vm)
{
	struct chan_state *st = vm->chans;

	for (int i = 0; i < st->nr; i++) {
		struct chan *c = &st->ch[i];
		int r;

		if (c->spec->kind == CHAN_CONNECT)
			continue;
		r = bind_path(c);
		if (r) {
			vmm_err("--channel %s: socket %s: %s", c->spec->text, c->spec->path,
				r == -EEXIST ? "exists and is not a socket" : strerror(-r));
			return -1;
		}
		if (c->spec->kind == CHAN_HOST && host_channel(vm, c))
			return -1;
	}
	return 0;
}

/* Phase 2: every connect= request, sent (listeners bound in their phase 1). */
static int connect_all(struct vm *vm)
{
	struct chan_state *st = vm->chans;
	double deadline = vmm_now() + CHAN_TIMEOUT_S;

	for (int i = 0; i < st->nr; i++) {
		struct chan *c = &st->ch[i];
		int r;

		if (c->spec->kind != CHAN_CONNECT)
			continue;
		r = connect_peer(vm, c, deadline);
		if (r) {
			vmm_err("--channel %s: connecting to %s: %s", c->spec->text, c->spec->path,
				r == -ETIMEDOUT ? "no listener in 60 s" :
				r == -EINTR ? "interrupted" : strerror(-r));
			return -1;
		}
	}
	return 0;
}

/* Phase 4: every connect= answer. */
static int answers_all(struct vm *vm)
{
	struct chan_state *st = vm->chans;
	double deadline = vmm_now() + CHAN_ANSWER_TIMEOUT_S;

	for (int i = 0; i < st->nr; i++)
		if (st->ch[i].spec->kind == CHAN_CONNECT && take_answer(vm, &st->ch[i], deadline))
			return -1;
	return 0;
}

int channels_setup(struct vm *vm)
{
	int r;

	if (!vm->cfg->nr_channels)
		return 0;
	if (check_backend(vm))
		return -1;
	r = state_init(vm);
	if (r) {
		vmm_err("--channel: %s", strerror(-r));
		return -1;
	}
	if (bind_all(vm) || connect_all(vm) ||
	    accept_peers(vm, vmm_now() + CHAN_TIMEOUT_S) || answers_all(vm))
		return -1;
	for (int i = 0; i < vm->chans->nr; i++)
		if (vm->chans->ch[i].spec->kind == CHAN_HOST) {
			r = start_server(vm->chans);
			if (r) {
				vmm_err("--channel: the host-end server: %s", strerror(-r));
				return -1;
			}
			break;
		}
	return 0;
}

/* ---- the DTB and the end ---------------------------------------------------- */

int channels_fdt(struct vm *vm, void *fdt)
{
	const struct chan_state *st = vm->chans;
	char name[32];
	int e = 0;

	for (int i = 0; st && i < st->nr && !e; i++) {
		const struct chan *c = &st->ch[i];
		/* GIC_SPI, its index, IRQ_TYPE_EDGE_RISING: a doorbell is an event */
		fdt32_t irq[3] = { cpu_to_fdt32(0), cpu_to_fdt32(c->spi), cpu_to_fdt32(1) };

		snprintf(name, sizeof(name), "gzvm-channel-%d", i);
		if ((e = fdt_begin_node(fdt, name)) ||
		    (e = fdt_property_string(fdt, "compatible", "gzvm,channel")) ||
		    (e = fdt_property_string(fdt, "label", c->spec->name)) ||
		    (e = fdt_property_u32(fdt, "gzvm,channel-id", c->id)) ||
		    (e = fdt_property_u32(fdt, "gzvm,msg-size", c->size)) ||
		    (e = fdt_property_u32(fdt, "gzvm,queue-depth", c->depth)) ||
		    (e = fdt_property(fdt, "interrupts", irq, sizeof(irq))))
			break;
		e = fdt_end_node(fdt);
	}
	return e;
}

void channels_teardown(struct vm *vm)
{
	struct chan_state *st = vm->chans;

	if (!st)
		return;
	if (st->serving) {
		uint64_t one = 1;

		if (write(st->stop_fd, &one, sizeof(one)) == (ssize_t)sizeof(one))
			pthread_join(st->server, NULL);
	}
	for (int i = 0; i < st->nr; i++) {
		struct chan *c = &st->ch[i];

		if (c->sock >= 0)
			close(c->sock);
		unbind_path(c);
		if (c->host_fd >= 0)
			close(c->host_fd);
	}
	if (st->stop_fd >= 0)
		close(st->stop_fd);
	if (st->sig_fd >= 0)
		close(st->sig_fd);
	free(st);
	vm->chans = NULL;
}
