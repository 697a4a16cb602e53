// SPDX-License-Identifier: GPL-2.0
/*
 * vsock_echo: a tiny AF_VSOCK echo server and checking client for the
 * system tests (busybox has no vsock).  Static arm64, in the host's and
 * the guest's initramfs.
 *
 *   vsock_echo server PORT [TIMEOUT]
 *       accept one connection on any CID, send back every byte until the
 *       peer shuts down its side; give up after TIMEOUT seconds (default
 *       120).  Prints "vsock_echo: echoed N bytes".
 *   vsock_echo client CID PORT BYTES [RETRY]
 *       connect (retrying for RETRY seconds, default 60, while the peer is
 *       not listening yet), send BYTES pseudo-random bytes while reading the
 *       echo, and compare.  Prints "vsock_echo: OK N bytes in T s (R MiB/s)"
 *       or where the echo differs.
 * Exit status 0 on success, 1 on failure, 2 on a bad command line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/vm_sockets.h>	/* after sys/socket.h: it needs struct sockaddr */
#include <time.h>
#include <unistd.h>

#define CHUNK	65536

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long number(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end) {
		fprintf(stderr, "vsock_echo: %s: '%s' is not a number\n", what, s);
		exit(2);
	}
	return v;
}

/* The byte at offset i of the payload: xorshift32, one word per 4 bytes. */
static uint8_t pattern(size_t i)
{
	uint32_t x = (uint32_t)(i / 4) * 2654435761u + 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return (uint8_t)(x >> (8 * (i % 4)));
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int serve(unsigned int port, unsigned int timeout)
{
	struct sockaddr_vm addr = {
		.svm_family = AF_VSOCK, .svm_port = port, .svm_cid = VMADDR_CID_ANY,
	};
	static uint8_t buf[CHUNK];
	unsigned long long total = 0;
	int ls, fd;

	alarm(timeout);		/* never hang the guest's /init */
	ls = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) || listen(ls, 1)) {
		perror("vsock_echo: server socket");
		return 1;
	}
	printf("vsock_echo: listening on port %u\n", port);
	fflush(stdout);
	fd = accept(ls, NULL, NULL);
	if (fd < 0) {
		perror("vsock_echo: accept");
		return 1;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("vsock_echo: read");
			return 1;
		}
		if (n == 0)
			break;
		if (write_all(fd, buf, (size_t)n)) {
			perror("vsock_echo: write");
			return 1;
		}
		total += (unsigned long long)n;
	}
	printf("vsock_echo: echoed %llu bytes\n", total);
	close(fd);
	close(ls);
	return 0;
}

/* Connect, retrying while the peer does not listen yet (or its vsock is not up). */
static int connect_retry(unsigned int cid, unsigned int port, unsigned int retry)
{
	struct sockaddr_vm addr = { .svm_family = AF_VSOCK, .svm_port = port, .svm_cid = cid };
	double deadline = now() + retry;
	int err;

	do {
		int fd = socket(AF_VSOCK, SOCK_STREAM, 0);

		if (fd < 0) {
			perror("vsock_echo: socket");
			return -1;
		}
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
			return fd;
		err = errno;
		close(fd);
		usleep(200 * 1000);
	} while (now() < deadline);
	fprintf(stderr, "vsock_echo: connect to %u:%u: %s (for %u s)\n", cid, port, strerror(err),
		retry);
	return -1;
}

/* Send len pattern bytes from *sent on, as much as the socket takes. */
static int send_some(int fd, size_t *sent, size_t len)
{
	uint8_t buf[CHUNK];
	size_t n = len - *sent < sizeof(buf) ? len - *sent : sizeof(buf);
	ssize_t w;

	for (size_t i = 0; i < n; i++)
		buf[i] = pattern(*sent + i);
	w = send(fd, buf, n, MSG_DONTWAIT);
	if (w < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	*sent += (size_t)w;
	return 0;
}

/* Read what came back and compare it; -1 on an error or a difference. */
static int receive_some(int fd, size_t *got, size_t len)
{
	uint8_t buf[CHUNK];
	ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (r < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (r == 0 || *got + (size_t)r > len) {
		fprintf(stderr, "vsock_echo: echo %s after %zu of %zu bytes\n",
			r == 0 ? "ended" : "too long", *got, len);
		return -1;
	}
	for (ssize_t i = 0; i < r; i++)
		if (buf[i] != pattern(*got + (size_t)i)) {
			fprintf(stderr, "vsock_echo: echo differs at byte %zu\n", *got + (size_t)i);
			return -1;
		}
	*got += (size_t)r;
	return 0;
}

static int client(unsigned int cid, unsigned int port, size_t len, unsigned int retry)
{
	size_t sent = 0, got = 0;
	bool shut = false;
	double t0, dt;
	int fd = connect_retry(cid, port, retry);

	if (fd < 0)
		return 1;
	t0 = now();
	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN | (sent < len ? POLLOUT : 0) };

		if (poll(&p, 1, 30000) <= 0) {
			fprintf(stderr, "vsock_echo: no progress for 30 s (%zu sent, %zu back)\n",
				sent, got);
			return 1;
		}
		if ((p.revents & POLLOUT) && send_some(fd, &sent, len)) {
			perror("vsock_echo: send");
			return 1;
		}
		if (sent == len && !shut) {
			shutdown(fd, SHUT_WR);	/* the server's read sees EOF */
			shut = true;
		}
		if ((p.revents & (POLLIN | POLLHUP | POLLERR)) && receive_some(fd, &got, len))
			return 1;
	}
	dt = now() - t0;
	printf("vsock_echo: OK %zu bytes in %.3f s (%.2f MiB/s)\n", len, dt,
	       dt > 0 ? len / dt / 1048576.0 : 0.0);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && argc <= 4 && !strcmp(argv[1], "server"))
		return serve((unsigned int)number(argv[2], "PORT"),
			     argc > 3 ? (unsigned int)number(argv[3], "TIMEOUT") : 120);
	if (argc >= 5 && argc <= 6 && !strcmp(argv[1], "client"))
		return client((unsigned int)number(argv[2], "CID"),
			      (unsigned int)number(argv[3], "PORT"),
			      (size_t)number(argv[4], "BYTES"),
			      argc > 5 ? (unsigned int)number(argv[5], "RETRY") : 60);
	fprintf(stderr, "usage: vsock_echo server PORT [TIMEOUT]\n"
		"       vsock_echo client CID PORT BYTES [RETRY]\n");
	return 2;
}
