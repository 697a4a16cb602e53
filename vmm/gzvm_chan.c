// SPDX-License-Identifier: GPL-2.0
/*
 * gzvm-chan: send, receive, echo and measure messages on a gzvm message
 * channel (docs/channels.md), or on vsock for comparison.  Static arm64, in
 * the host's and the guest's initramfs (/lib/gzvm/gzvm-chan).
 *
 *   gzvm-chan [-t SECONDS] CHANNEL COMMAND [ARGS]
 *
 * CHANNEL is
 *   a character device     the guest's end, /dev/gzvm-chan-NAME
 *   a unix socket path     served by gzvm-run --channel: the host's end,
 *                          whose fd comes in an SCM_RIGHTS message (the
 *                          connection is retried for 30 s while the socket
 *                          does not exist or does not accept yet)
 *   vsock:CID:PORT         connect (retried for 30 s)
 *   vsock-listen:PORT      accept one connection
 * A message channel carries whole messages; vsock is a byte stream, on which
 * every message is one record of exactly the length in its header.
 *
 * Every message that is tested (send, recv, pump, ping) is SIZE bytes
 * (default 64, at least 16): a header of four native-endian u32 (magic
 * "GZCH", the sequence number from 0, the message's length SIZE, the FNV-1a
 * hash of the payload) and a payload the xorshift32 generator derives from
 * the sequence number.
 *
 * COMMAND is
 *   send N [SIZE]   send messages 0..N-1
 *   recv N          receive N messages and check them (the counters below)
 *   pump N [SIZE]   both at once (a sender thread), against an echo peer
 *   echo [N]        send back every message received, unchanged (N of
 *                   them, or until the peer is gone)
 *   ping N [SIZE]   N round trips against an echo peer, timed by the
 *                   virtual counter
 *   full            non-blocking 1-byte sends until EAGAIN (the queue's
 *                   depth, when nobody reads)
 *   oversize SIZE   a SIZE-byte write must fail with EMSGSIZE
 * -t SECONDS (1..86400, default 120) bounds every command that waits for the
 * peer.  What they print (one line on stdout; errors on stderr):
 *   send      gzvm-chan: sent N messages of S bytes
 *   recv      gzvm-chan: recv OK|FAILED received=R lost=L duplicated=D
 *             reordered=O corrupt=C msgs_per_s=X elapsed_ms=Y
 *   pump      gzvm-chan: pump OK|FAILED sent=N received=R ... (as recv)
 *   echo      gzvm-chan: echoed N messages
 *   ping      gzvm-chan: ping OK n=N size=S rtt_ticks_min=A rtt_ticks_median=B
 *             rtt_ticks_p99=C cntfrq=F rtt_us_median=D   (or ping FAILED at I of N)
 *   full      gzvm-chan: full after K messages   (or no back-pressure after 1000 messages)
 *   oversize  gzvm-chan: oversize S: EMSGSIZE    (or oversize S: FAILED: ...)
 * Exit status 0 on success, 1 on failure, 2 on a bad command line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <linux/vm_sockets.h>	/* after sys/socket.h: it needs struct sockaddr */
#include <time.h>
#include <unistd.h>

#define MAGIC		0x48435a47u	/* "GZCH" in memory (little-endian) */
#define HDR_SIZE	16u
#define MAX_MSG		65536u		/* the largest record on vsock; channels: 1024 */
#define DEFAULT_SIZE	64u
#define CONNECT_RETRY	30.0		/* seconds */
#define FULL_LIMIT	1000u

struct hdr {
	uint32_t magic;
	uint32_t seq;
	uint32_t len;		/* the whole message, header included */
	uint32_t sum;		/* FNV-1a of the payload */
};

struct chan {
	const char *name;	/* as given on the command line, for messages */
	int fd;
	bool stream;		/* vsock: records on a byte stream */
	double deadline;	/* CLOCK_MONOTONIC seconds: -t from the start */
};

/* What chan_recv() and chan_send() return instead of a length. */
enum {
	IO_ERR = -1,		/* an error: errno */
	IO_TIMEOUT = -2,	/* the -t deadline passed */
	IO_EOF = -3,		/* the peer is gone (EOF, EPIPE) */
	IO_SHORT = -4,		/* a stream ended inside a record */
};

static const char *prog = "gzvm-chan";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the virtual counter (a monotonic clock in ns elsewhere) ---------- */

static uint64_t ticks(void)
{
#if defined(__aarch64__)
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
#else
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
}

static uint64_t tick_freq(void)
{
#if defined(__aarch64__)
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
#else
	return 1000000000u;
#endif
}

/* ---- command line ------------------------------------------------------ */

static void usage(void)
{
	fprintf(stderr,
		"usage: %s [-t SECONDS] CHANNEL COMMAND [ARGS]\n"
		"  CHANNEL: /dev/gzvm-chan-NAME | UNIX_SOCKET | vsock:CID:PORT | vsock-listen:PORT\n"
		"  COMMAND: send N [SIZE] | recv N | pump N [SIZE] | echo [N] | ping N [SIZE]\n"
		"           | full | oversize SIZE\n", prog);
	exit(2);
}

static unsigned long number(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-') {
		fprintf(stderr, "%s: %s: '%s' is not a number\n", prog, what, s);
		exit(2);
	}
	return v;
}

static uint32_t count_arg(const char *s)
{
	unsigned long n = number(s, "N");

	if (n > UINT32_MAX) {
		fprintf(stderr, "%s: N: %lu is too large\n", prog, n);
		exit(2);
	}
	return (uint32_t)n;
}

static uint32_t size_arg(int argc, char **argv, int i)
{
	unsigned long size = i < argc ? number(argv[i], "SIZE") : DEFAULT_SIZE;

	if (size < HDR_SIZE || size > MAX_MSG) {
		fprintf(stderr, "%s: SIZE: %lu is not in %u..%u\n", prog, size, HDR_SIZE, MAX_MSG);
		exit(2);
	}
	return (uint32_t)size;
}

/* ---- messages ------------------------------------------------------------ */

static uint32_t fnv1a(const uint8_t *p, size_t len)
{
	uint32_t h = 2166136261u;

	while (len--) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

/* The payload of message seq: xorshift32 seeded from seq, one word per 4 bytes. */
static void fill_payload(uint8_t *p, size_t len, uint32_t seq)
{
	uint32_t x = seq * 2654435761u + 0x9e3779b9u;

	for (size_t i = 0; i < len; i++) {
		if (i % 4 == 0) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
		}
		p[i] = (uint8_t)(x >> (8 * (i % 4)));
	}
}

static void make_msg(uint8_t *buf, uint32_t size, uint32_t seq)
{
	struct hdr h = { .magic = MAGIC, .seq = seq, .len = size };

	fill_payload(buf + HDR_SIZE, size - HDR_SIZE, seq);
	h.sum = fnv1a(buf + HDR_SIZE, size - HDR_SIZE);
	memcpy(buf, &h, sizeof(h));
}

/*
 * A received message of len bytes is intact when its header is ours, it is
 * as long as its header says, and its payload has the checksum and the
 * content of its sequence number.  Its sequence number in *seq.
 */
static bool msg_ok(const uint8_t *buf, size_t len, uint32_t *seq)
{
	uint8_t want[MAX_MSG];
	struct hdr h;

	if (len < HDR_SIZE)
		return false;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != MAGIC || h.len != len || h.sum != fnv1a(buf + HDR_SIZE, len - HDR_SIZE))
		return false;
	fill_payload(want, len - HDR_SIZE, h.seq);
	*seq = h.seq;
	return !memcmp(want, buf + HDR_SIZE, len - HDR_SIZE);
}

/* ---- opening a channel ---------------------------------------------------- */

static void die_chan(const char *name, const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s: %s\n", prog, name, what, strerror(err));
	exit(1);
}

/* The fd gzvm-run passes in an SCM_RIGHTS message with one byte. */
static int receive_fd(const char *name, int sock)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die_chan(name, "recvmsg", errno);
	c = CMSG_FIRSTHDR(&msg);
	if (n != 1 || !c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int))) {
		fprintf(stderr, "%s: %s: the server sent no file descriptor\n", prog, name);
		exit(1);
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

/* connect(), retried for CONNECT_RETRY s while the peer is not there yet. */
static int connect_retry(const char *name, int family, const struct sockaddr *sa,
			 socklen_t len)
{
	double deadline = now() + CONNECT_RETRY;
	int err;

	do {
		int s = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (s < 0)
			die_chan(name, "socket", errno);
		if (connect(s, sa, len) == 0)
			return s;
		err = errno;
		close(s);
		if (err != ENOENT && err != ECONNREFUSED && err != ECONNRESET &&
		    err != ETIMEDOUT && err != ENODEV && err != EHOSTUNREACH)
			break;
		usleep(100 * 1000);
	} while (now() < deadline);
	die_chan(name, "connect", err);
	return -1;
}

static int open_unix(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s, fd;

	if (strlen(name) >= sizeof(sa.sun_path))
		die_chan(name, "socket path", ENAMETOOLONG);
	strcpy(sa.sun_path, name);
	s = connect_retry(name, AF_UNIX, (struct sockaddr *)&sa, sizeof(sa));
	fd = receive_fd(name, s);
	close(s);
	return fd;
}

static int open_vsock(const char *name, const char *spec)
{
	struct sockaddr_vm sa = { .svm_family = AF_VSOCK };
	char *end;

	sa.svm_cid = (unsigned int)strtoul(spec, &end, 0);
	if (end == spec || *end != ':')
		usage();
	sa.svm_port = (unsigned int)number(end + 1, "PORT");
	return connect_retry(name, AF_VSOCK, (struct sockaddr *)&sa, sizeof(sa));
}

static int listen_vsock(struct chan *ch, const char *port)
{
	struct sockaddr_vm sa = {
		.svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY,
		.svm_port = (unsigned int)number(port, "PORT"),
	};
	double left = ch->deadline - now();
	struct pollfd p = { .events = POLLIN };
	int fd;

	p.fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p.fd < 0 || bind(p.fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(p.fd, 1))
		die_chan(ch->name, "listen", errno);
	if (poll(&p, 1, left > 0 ? (int)(left * 1000) : 0) != 1) {
		fprintf(stderr, "%s: %s: nobody connected\n", prog, ch->name);
		exit(1);
	}
	fd = accept4(p.fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		die_chan(ch->name, "accept", errno);
	close(p.fd);
	return fd;
}

static bool is_stream(const char *name)
{
	return !strncmp(name, "vsock:", 6) || !strncmp(name, "vsock-listen:", 13);
}

/*
 * A path is a device or a socket; a path that does not exist yet is a
 * socket gzvm-run has still to make, unless it is in /dev.
 */
static void chan_open(struct chan *ch)
{
	const char *n = ch->name;
	struct stat st;
	int err = stat(n, &st) ? errno : 0;

	ch->stream = is_stream(n);
	if (!strncmp(n, "vsock:", 6))
		ch->fd = open_vsock(n, n + 6);
	else if (ch->stream)
		ch->fd = listen_vsock(ch, n + 13);
	else if (!err && S_ISCHR(st.st_mode))
		ch->fd = open(n, O_RDWR | O_CLOEXEC);
	else if ((!err && S_ISSOCK(st.st_mode)) || (err == ENOENT && strncmp(n, "/dev/", 5)))
		ch->fd = open_unix(n);
	else
		die_chan(n, "open", err ? err : ENOTSOCK);
	if (ch->fd < 0)
		die_chan(n, "open", errno);
}

/* ---- one message in, one message out ------------------------------------- */

/* Wait until fd is ready for events: 0, IO_TIMEOUT or IO_ERR. */
static int wait_fd(const struct chan *ch, short events)
{
	struct pollfd p = { .fd = ch->fd, .events = events };

	for (;;) {
		double left = ch->deadline - now();
		int r;

		if (left <= 0)
			return IO_TIMEOUT;
		r = poll(&p, 1, left > 1000 ? 1000000 : (int)(left * 1000) + 1);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return IO_ERR;
	}
}

/* Exactly len bytes of a stream: len, IO_EOF before the first byte, IO_SHORT after it. */
static ssize_t read_full(const struct chan *ch, uint8_t *buf, size_t len, bool first)
{
	size_t got = 0;

	while (got < len) {
		int w = wait_fd(ch, POLLIN);
		ssize_t n;

		if (w < 0)
			return w;
		n = read(ch->fd, buf + got, len - got);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return errno == ECONNRESET ? IO_EOF : IO_ERR;
		if (n == 0)
			return first && !got ? IO_EOF : IO_SHORT;
		got += (size_t)n;
	}
	return (ssize_t)len;
}

/* A stream's record: its header, then as many bytes as the header says. */
static ssize_t read_record(const struct chan *ch, uint8_t *buf, size_t cap)
{
	struct hdr h;
	ssize_t n = read_full(ch, buf, HDR_SIZE, true);

	if (n < 0)
		return n;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != MAGIC || h.len < HDR_SIZE || h.len > cap) {
		fprintf(stderr, "%s: %s: bad record header (length %u): the stream is lost\n",
			prog, ch->name, h.len);
		errno = EPROTO;
		return IO_ERR;
	}
	n = read_full(ch, buf + HDR_SIZE, h.len - HDR_SIZE, false);
	return n < 0 ? n : (ssize_t)h.len;
}

/*
 * One message into buf: its length or an IO_* code.  On a message channel
 * read() returns 0 for an empty message and at the end, which is also
 * POLLHUP.
 */
static ssize_t chan_recv(const struct chan *ch, uint8_t *buf, size_t cap)
{
	struct pollfd p = { .fd = ch->fd, .events = POLLIN };
	ssize_t n;

	if (ch->stream)
		return read_record(ch, buf, cap);
	for (;;) {
		int w = wait_fd(ch, POLLIN);

		if (w < 0)
			return w;
		n = read(ch->fd, buf, cap);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return errno == EPIPE || errno == ECONNRESET ? IO_EOF : IO_ERR;
		if (n == 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLHUP))
			return IO_EOF;
		return n;
	}
}

/* One message of len bytes: len or an IO_* code. */
static ssize_t chan_send(const struct chan *ch, const uint8_t *buf, size_t len)
{
	size_t done = 0;

	do {
		int w = wait_fd(ch, POLLOUT);
		ssize_t n;

		if (w < 0)
			return w;
		n = write(ch->fd, buf + done, len - done);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return errno == EPIPE || errno == ECONNRESET ? IO_EOF : IO_ERR;
		if (!ch->stream && (size_t)n != len) {
			errno = EIO;	/* a message channel never writes part of one */
			return IO_ERR;
		}
		done += (size_t)n;
	} while (done < len);
	return (ssize_t)len;
}

/* Complain about an IO_* code that stopped what after done messages. */
static void io_error(const struct chan *ch, const char *what, ssize_t r, uint32_t done)
{
	const char *why = r == IO_TIMEOUT ? "timed out" :
			  r == IO_EOF ? "the peer is gone" :
			  r == IO_SHORT ? "short read (the stream ended inside a message)" :
			  strerror(errno);

	fprintf(stderr, "%s: %s: %s: %s after %u messages\n", prog, ch->name, what, why, done);
}

/* ---- checking a received sequence ------------------------------------------ */

/*
 * The counters of recv and pump, over the messages 0..n-1 the peer sends:
 *   received    messages read (every read that returned a message)
 *   corrupt     received messages that are not intact (msg_ok: header,
 *               length, checksum, payload) or whose seq is not below n
 *   duplicated  intact messages whose seq had been received before
 *   reordered   intact messages received for the first time while a
 *               higher seq had already been received (each arrives late)
 *   lost        seqs of 0..n-1 never received when reading stops (after n
 *               messages, at the end of the channel, an error or the
 *               timeout); a late message is reordered, not lost
 * OK means received == n, nothing lost, and every other counter 0.
 */
struct tally {
	uint32_t n;
	uint32_t received, corrupt, duplicated, reordered, distinct;
	uint32_t next;		/* one past the highest seq received */
	uint8_t *seen;		/* a bit per seq */
};

static void tally_init(struct tally *t, uint32_t n)
{
	memset(t, 0, sizeof(*t));
	t->n = n;
	t->seen = calloc((size_t)n / 8 + 1, 1);
	if (!t->seen) {
		perror("gzvm-chan: calloc");
		exit(1);
	}
}

static void tally_add(struct tally *t, const uint8_t *buf, size_t len)
{
	uint32_t seq;

	t->received++;
	if (!msg_ok(buf, len, &seq) || seq >= t->n) {
		t->corrupt++;
		return;
	}
	if (t->seen[seq / 8] & (1u << (seq % 8))) {
		t->duplicated++;
		return;
	}
	t->seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
	t->distinct++;
	if (seq < t->next)
		t->reordered++;
	else
		t->next = seq + 1;
}

/* Receive and check messages until n are in: 0, or the IO_* code that stopped it. */
static int receive_all(const struct chan *ch, struct tally *t)
{
	static uint8_t buf[MAX_MSG];

	while (t->received < t->n) {
		ssize_t r = chan_recv(ch, buf, sizeof(buf));

		if (r < 0) {
			io_error(ch, "receive", r, t->received);
			return (int)r;
		}
		tally_add(t, buf, (size_t)r);
	}
	return 0;
}

/* The line of recv and pump (sent: pump's, or -1): 0 if OK, else 1. */
static int report(const char *cmd, const struct tally *t, bool io_ok, long long sent,
		  double elapsed)
{
	bool ok = io_ok && t->received == t->n && t->distinct == t->n && !t->corrupt &&
		  !t->duplicated && !t->reordered;
	char sent_s[32] = "";

	if (sent >= 0)
		snprintf(sent_s, sizeof(sent_s), " sent=%lld", sent);
	printf("%s: %s %s%s received=%u lost=%u duplicated=%u reordered=%u corrupt=%u "
	       "msgs_per_s=%.0f elapsed_ms=%.0f\n", prog, cmd, ok ? "OK" : "FAILED", sent_s,
	       t->received, t->n - t->distinct, t->duplicated, t->reordered, t->corrupt,
	       elapsed > 0 ? t->received / elapsed : 0.0, elapsed * 1000);
	return ok ? 0 : 1;
}

/* ---- commands ----------------------------------------------------------------- */

/* Send messages 0..n-1 of size bytes, counting them in *sent: 0 or an IO_* code. */
static int send_all(const struct chan *ch, uint32_t n, uint32_t size, _Atomic uint32_t *sent)
{
	static uint8_t buf[MAX_MSG];

	for (uint32_t i = 0; i < n; i++) {
		ssize_t r;

		make_msg(buf, size, i);
		r = chan_send(ch, buf, size);
		if (r < 0) {
			io_error(ch, "send", r, i);
			return (int)r;
		}
		*sent = i + 1;
	}
	return 0;
}

static int cmd_send(const struct chan *ch, uint32_t n, uint32_t size)
{
	_Atomic uint32_t sent = 0;

	if (send_all(ch, n, size, &sent))
		return 1;
	printf("%s: sent %u messages of %u bytes\n", prog, (uint32_t)sent, size);
	return 0;
}

static int cmd_recv(const struct chan *ch, uint32_t n)
{
	struct tally t;
	double t0 = now();
	int io;

	tally_init(&t, n);
	io = receive_all(ch, &t);
	io = report("recv", &t, io == 0, -1, now() - t0);
	free(t.seen);
	return io;
}

struct sender {
	const struct chan *ch;
	uint32_t n, size;
	_Atomic uint32_t sent;
	int io;
};

static void *sender_main(void *arg)
{
	struct sender *s = arg;

	s->io = send_all(s->ch, s->n, s->size, &s->sent);
	return NULL;
}

/*
 * A sender thread sends, this thread receives.  When the receiving stops
 * early the sender is not waited for (it may be stuck until the deadline):
 * exit() ends it.
 */
static int cmd_pump(const struct chan *ch, uint32_t n, uint32_t size)
{
	static struct sender s;	/* not on the stack: the sender may outlive this */
	struct tally t;
	pthread_t thread;
	double t0 = now();
	int err;

	s = (struct sender){ .ch = ch, .n = n, .size = size };
	tally_init(&t, n);
	err = pthread_create(&thread, NULL, sender_main, &s);
	if (err)
		die_chan(ch->name, "pthread_create", err);
	if (receive_all(ch, &t) == 0)
		pthread_join(thread, NULL);	/* bounded by the deadline too */
	else
		s.io = IO_ERR;		/* the sender may still be stuck */
	err = report("pump", &t, s.io == 0, s.sent, now() - t0);
	free(t.seen);
	return err;
}

static int cmd_echo(const struct chan *ch, bool counted, uint32_t n)
{
	static uint8_t buf[MAX_MSG];
	uint32_t done = 0;
	ssize_t r = 0;

	while (!counted || done < n) {
		r = chan_recv(ch, buf, sizeof(buf));
		if (r >= 0)
			r = chan_send(ch, buf, (size_t)r);
		if (r < 0)
			break;
		done++;
	}
	if (r < 0 && (counted || r != IO_EOF)) {
		io_error(ch, "echo", r, done);
		return 1;
	}
	printf("%s: echoed %u messages\n", prog, done);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One round trip of message seq: its time in ticks (at least 1), 0 after an error. */
static uint64_t round_trip(const struct chan *ch, uint32_t seq, uint32_t size)
{
	static uint8_t out[MAX_MSG], in[MAX_MSG];
	uint64_t t0, t1;
	ssize_t r;

	make_msg(out, size, seq);
	t0 = ticks();
	r = chan_send(ch, out, size);
	if (r >= 0)
		r = chan_recv(ch, in, sizeof(in));
	t1 = ticks();
	if (r < 0) {
		io_error(ch, "ping", r, seq);
		return 0;
	}
	if ((size_t)r != size || memcmp(in, out, size)) {
		fprintf(stderr, "%s: %s: echo of message %u differs (%zd bytes)\n", prog,
			ch->name, seq, r);
		return 0;
	}
	return t1 > t0 ? t1 - t0 : 1;
}

static int cmd_ping(const struct chan *ch, uint32_t n, uint32_t size)
{
	uint64_t *rtt = calloc(n, sizeof(*rtt)), freq = tick_freq(), med;

	if (!rtt) {
		perror("gzvm-chan: calloc");
		return 1;
	}
	for (uint32_t i = 0; i < n; i++) {
		rtt[i] = round_trip(ch, i, size);
		if (!rtt[i]) {
			printf("%s: ping FAILED at %u of %u\n", prog, i, n);
			free(rtt);
			return 1;
		}
	}
	qsort(rtt, n, sizeof(*rtt), cmp_u64);
	med = rtt[n / 2];
	printf("%s: ping OK n=%u size=%u rtt_ticks_min=%llu rtt_ticks_median=%llu "
	       "rtt_ticks_p99=%llu cntfrq=%llu rtt_us_median=%.1f\n", prog, n, size,
	       (unsigned long long)rtt[0], (unsigned long long)med,
	       (unsigned long long)rtt[((uint64_t)n * 99 + 99) / 100 - 1],
	       (unsigned long long)freq, freq ? (double)med * 1e6 / (double)freq : 0.0);
	free(rtt);
	return 0;
}

static void set_nonblock(const struct chan *ch)
{
	int fl = fcntl(ch->fd, F_GETFL);

	if (fl < 0 || fcntl(ch->fd, F_SETFL, fl | O_NONBLOCK) < 0)
		die_chan(ch->name, "O_NONBLOCK", errno);
}

static int cmd_full(const struct chan *ch)
{
	const uint8_t byte = 0x5a;
	uint32_t k = 0;

	set_nonblock(ch);
	while (k < FULL_LIMIT) {
		ssize_t n = write(ch->fd, &byte, 1);

		if (n == 1) {
			k++;
		} else if (n < 0 && errno == EAGAIN) {
			printf("%s: full after %u messages\n", prog, k);
			return 0;
		} else if (n >= 0 || errno != EINTR) {
			die_chan(ch->name, "write", n < 0 ? errno : EIO);
		}
	}
	printf("%s: no back-pressure after %u messages\n", prog, k);
	return 1;
}

static int cmd_oversize(const struct chan *ch, uint32_t size)
{
	static uint8_t buf[MAX_MSG + 1];
	ssize_t n;

	set_nonblock(ch);
	memset(buf, 0xa5, size);
	n = write(ch->fd, buf, size);
	if (n < 0 && errno == EMSGSIZE) {
		printf("%s: oversize %u: EMSGSIZE\n", prog, size);
		return 0;
	}
	if (n < 0)
		printf("%s: oversize %u: FAILED: %s, not EMSGSIZE\n", prog, size, strerror(errno));
	else
		printf("%s: oversize %u: FAILED: %zd bytes written\n", prog, size, n);
	return 1;
}

/* ---- main ------------------------------------------------------------------ */

static int run(struct chan *ch, int argc, char **argv)
{
	const char *cmd = argv[0];

	if (!strcmp(cmd, "send"))
		return cmd_send(ch, count_arg(argv[1]), size_arg(argc, argv, 2));
	if (!strcmp(cmd, "recv"))
		return cmd_recv(ch, count_arg(argv[1]));
	if (!strcmp(cmd, "pump"))
		return cmd_pump(ch, count_arg(argv[1]), size_arg(argc, argv, 2));
	if (!strcmp(cmd, "echo"))
		return cmd_echo(ch, argc == 2, argc == 2 ? count_arg(argv[1]) : 0);
	if (!strcmp(cmd, "ping"))
		return cmd_ping(ch, count_arg(argv[1]), size_arg(argc, argv, 2));
	if (!strcmp(cmd, "full"))
		return cmd_full(ch);
	return cmd_oversize(ch, (uint32_t)number(argv[1], "SIZE"));
}

/*
 * The command line of a command (argv[0]) checked before the channel is
 * opened, which may wait: 0 if good, or exit(2).
 */
static void check_command(const char *chan, int argc, char **argv)
{
	static const struct {
		const char *name;
		int min_args, max_args;
		bool messages_only;	/* not on vsock */
	} cmds[] = {
		{ "send", 1, 2, false }, { "recv", 1, 1, false }, { "pump", 1, 2, false },
		{ "echo", 0, 1, false }, { "ping", 1, 2, false }, { "full", 0, 0, true },
		{ "oversize", 1, 1, true },
	};
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[0], cmds[i].name))
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0]) || argc - 1 < cmds[i].min_args ||
	    argc - 1 > cmds[i].max_args)
		usage();
	if (cmds[i].messages_only && is_stream(chan)) {
		fprintf(stderr, "%s: %s: %s needs a message channel, not vsock\n", prog, chan,
			argv[0]);
		exit(2);
	}
	if (argc > 1)		/* numbers are checked again where used, by then silently */
		number(argv[1], "N");
	if (argc > 2)
		size_arg(argc, argv, 2);
	if (!strcmp(argv[0], "ping") && count_arg(argv[1]) == 0) {
		fprintf(stderr, "%s: ping: N must be at least 1\n", prog);
		exit(2);
	}
	if (!strcmp(argv[0], "oversize") && number(argv[1], "SIZE") > MAX_MSG) {
		fprintf(stderr, "%s: SIZE: at most %u\n", prog, MAX_MSG);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	static struct chan ch;	/* static: pump's sender thread may outlive main() */
	double timeout = 120;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);	/* EPIPE instead */
	while ((opt = getopt(argc, argv, "+t:")) != -1) {
		if (opt != 't')
			usage();
		timeout = (double)number(optarg, "SECONDS");
		if (timeout < 1 || timeout > 86400) {
			fprintf(stderr, "%s: -t: %s is not in 1..86400\n", prog, optarg);
			exit(2);
		}
	}
	if (argc - optind < 2)
		usage();
	check_command(argv[optind], argc - optind - 1, argv + optind + 1);
	ch = (struct chan){ .name = argv[optind], .fd = -1, .deadline = now() + timeout };
	chan_open(&ch);
	return run(&ch, argc - optind - 1, argv + optind + 1);
}
