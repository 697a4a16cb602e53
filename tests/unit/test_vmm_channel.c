// SPDX-License-Identifier: GPL-2.0
/*
 * vmm/channel.c: gzvm-run --channel.  The SPEC parser; the listen=/connect=
 * handshake between two VMMs (two threads here, each with a fake backend
 * whose "VM fd" is a memfd, so the listener can check it got the
 * connector's); the host= socket handing out the host end; the DTB nodes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <libfdt.h>
#include <cmocka.h>

#include "../../vmm/vmm.h"

void vmm_log(const char *fmt, ...) { (void)fmt; }
void vmm_dbg(struct vm *vm, const char *fmt, ...) { (void)vm; (void)fmt; }

/* the last error of any thread, so tests can check what a user would read */
static char last_err[512];
static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER;

void vmm_err(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&err_lock);
	va_start(ap, fmt);
	vsnprintf(last_err, sizeof(last_err), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&err_lock);
}

double vmm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the parser --------------------------------------------------------------- */

static void parse_ok(const char *spec, struct chan_spec *cs)
{
	const char *why = NULL;

	if (chan_spec_parse(spec, cs, &why))
		fail_msg("'%s' refused: %s", spec, why);
}

static void test_parse_good(void **state)
{
	struct chan_spec cs;

	(void)state;
	parse_ok("ctl,host=/run/ctl.sock", &cs);
	assert_string_equal(cs.name, "ctl");
	assert_int_equal(cs.kind, CHAN_HOST);
	assert_string_equal(cs.path, "/run/ctl.sock");
	assert_int_equal(cs.depth, 64);
	assert_int_equal(cs.size, 1024);
	assert_false(cs.have_depth || cs.have_size);

	parse_ok("a-b_9,listen=rel/p,depth=255,size=1", &cs);
	assert_string_equal(cs.name, "a-b_9");
	assert_int_equal(cs.kind, CHAN_LISTEN);
	assert_string_equal(cs.path, "rel/p");
	assert_int_equal(cs.depth, 255);
	assert_int_equal(cs.size, 1);
	assert_true(cs.have_depth && cs.have_size);

	/* options in any order after the name; KIND among them */
	parse_ok("x,size=1024,connect=/p,depth=1", &cs);
	assert_int_equal(cs.kind, CHAN_CONNECT);
	assert_int_equal(cs.depth, 1);
	assert_int_equal(cs.size, 1024);

	parse_ok("abcdefghijklmnopqrst,host=/p", &cs);	/* 20 characters */
	assert_string_equal(cs.name, "abcdefghijklmnopqrst");
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", ",host=/p", "Bad,host=/p", "a.b,host=/p", "a b,host=/p",
		"abcdefghijklmnopqrstu,host=/p",	/* 21 characters */
		"host=/p",				/* no NAME */
		"a",					/* no KIND */
		"a,depth=4",
		"a,depth=0,host=/p", "a,depth=256,host=/p", "a,size=0,host=/p",
		"a,size=1025,host=/p", "a,depth=-1,host=/p", "a,depth=+5,host=/p",
		"a,depth=0x10,host=/p", "a,depth=,host=/p", "a,depth=4x,host=/p",
		"a,size=99999999999,host=/p",
		"a,host=/p,depth=4,depth=4",		/* a key twice */
		"a,host=/p,foo=1",			/* unknown keys */
		"a,Host=/p", "a,host=/p,depth",		/* no = */
		"a,host=/p,listen=/q",			/* two KINDs */
		"a,host=",				/* empty PATH */
		"a,host=/p,",				/* an empty item */
		"a,,host=/p",
	};
	struct chan_spec cs;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;

		if (!chan_spec_parse(bad[i], &cs, &why))
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(why);
	}
}

static void test_parse_path_length(void **state)
{
	char spec[160], path[120];
	struct chan_spec cs;
	const char *why;

	(void)state;
	memset(path, 'p', sizeof(path));
	path[107] = 0;		/* 107 bytes + NUL: fits sun_path */
	snprintf(spec, sizeof(spec), "a,host=%s", path);
	parse_ok(spec, &cs);
	assert_int_equal(strlen(cs.path), 107);
	path[107] = 'p';
	path[108] = 0;
	snprintf(spec, sizeof(spec), "a,host=%s", path);
	assert_int_equal(chan_spec_parse(spec, &cs, &why), -1);
}

static void test_add(void **state)
{
	struct chan_spec list[MAX_CHANNELS];
	const char *why;
	char spec[64];
	int nr = 0;

	(void)state;
	assert_int_equal(chan_spec_add(list, &nr, "a,host=/p1", &why), 0);
	assert_int_equal(chan_spec_add(list, &nr, "a,listen=/p2", &why), -1);	/* duplicate name */
	assert_int_equal(chan_spec_add(list, &nr, "b,listen=/p1", &why), -1);	/* duplicate path */
	assert_int_equal(chan_spec_add(list, &nr, "b,bogus", &why), -1);
	assert_int_equal(nr, 1);
	assert_string_equal(list[0].text, "a,host=/p1");
	for (int i = 1; i < MAX_CHANNELS; i++) {
		snprintf(spec, sizeof(spec), "c%d,connect=/q%d", i, i);
		assert_int_equal(chan_spec_add(list, &nr, spec, &why), 0);
	}
	assert_int_equal(nr, MAX_CHANNELS);
	assert_int_equal(chan_spec_add(list, &nr, "z,host=/z", &why), -1);	/* a 9th */
	assert_int_equal(nr, MAX_CHANNELS);
}

/* ---- two VMMs with a fake backend ---------------------------------------------- */

struct fake {
	struct vm vm;
	struct config cfg;
	struct backend be;
	int calls;
	struct chan_params got;		/* the last create_channel */
	ino_t expect_peer;		/* listener: the connector's "VM fd" */
	int host_end;			/* host=: what the driver would return */
	int result;			/* setup's return */
};

static struct fake *fake_of(struct vm *vm)
{
	return (struct fake *)((char *)vm - offsetof(struct fake, vm));
}

static ino_t ino_of(int fd)
{
	struct stat sb;

	assert_int_equal(fstat(fd, &sb), 0);
	return sb.st_ino;
}

/* runs in the setup threads: no cmocka asserts here */
static int fake_create_channel(struct vm *vm, struct chan_params *p)
{
	struct fake *f = fake_of(vm);
	struct stat sb;

	if (!p)
		return 0;
	f->calls++;
	f->got = *p;
	if (p->peer_fd >= 0 && (fstat(p->peer_fd, &sb) || sb.st_ino != f->expect_peer))
		return -EBADF;
	p->id = 42;
	p->host_fd = p->peer_fd < 0 ? dup(f->host_end) : -1;
	return 0;
}

static int no_caps(struct vm *vm, struct chan_params *p)
{
	(void)vm;
	return p ? -EIO : -ENOTSUP;
}

static char dir[64];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/gzvm-chan-test.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void fake_init(struct fake *f, int nr_virtio, const char *const *specs, int n)
{
	const char *why;

	memset(f, 0, sizeof(*f));
	f->be = (struct backend){ .name = "fake", .dev = "/dev/fake",
				  .create_channel = fake_create_channel };
	f->vm.be = &f->be;
	f->vm.cfg = &f->cfg;
	f->vm.nr_virtio = nr_virtio;
	f->vm.fd = memfd_create("vm", MFD_CLOEXEC);
	f->vm.dev_fd = -1;
	f->host_end = -1;
	assert_true(f->vm.fd >= 0);
	for (int i = 0; i < n; i++)
		if (chan_spec_add(f->cfg.channels, &f->cfg.nr_channels, specs[i], &why))
			fail_msg("'%s': %s", specs[i], why);
}

static void fake_fini(struct fake *f)
{
	channels_teardown(&f->vm);
	close(f->vm.fd);
	if (f->host_end >= 0)
		close(f->host_end);
}

static void *run_setup(void *opaque)
{
	struct fake *f = opaque;

	f->result = channels_setup(&f->vm);
	return NULL;
}

/* Both VMMs' setup at once, as two processes would run it. */
static void run_pair(struct fake *a, struct fake *b)
{
	pthread_t ta, tb;

	assert_int_equal(pthread_create(&ta, NULL, run_setup, a), 0);
	assert_int_equal(pthread_create(&tb, NULL, run_setup, b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
}

static char *path(const char *name)
{
	static char p[4][128];
	static int n;
	char *s = p[n++ % 4];

	snprintf(s, 128, "%s/%s", dir, name);
	return s;
}

static void spec_with(char *buf, size_t len, const char *fmt, const char *sock)
{
	snprintf(buf, len, fmt, sock);
}

/* The node of channel n in a DTB built with channels_fdt() alone. */
static void check_dtb(struct fake *f, int n, const char *label, uint32_t id, uint32_t spi,
		      uint32_t depth, uint32_t size)
{
	static char fdt[4096];
	char node[32];
	const fdt32_t *v;
	int off, len;

	assert_int_equal(fdt_create(fdt, sizeof(fdt)), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(channels_fdt(&f->vm, fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
	snprintf(node, sizeof(node), "/gzvm-channel-%d", n);
	off = fdt_path_offset(fdt, node);
	assert_true(off >= 0);
	assert_string_equal(fdt_getprop(fdt, off, "compatible", NULL), "gzvm,channel");
	assert_string_equal(fdt_getprop(fdt, off, "label", NULL), label);
#define U32(prop, want) do { v = fdt_getprop(fdt, off, prop, &len); \
	assert_int_equal(len, 4); assert_int_equal(fdt32_to_cpu(*v), want); } while (0)
	U32("gzvm,channel-id", id);
	U32("gzvm,msg-size", size);
	U32("gzvm,queue-depth", depth);
#undef U32
	v = fdt_getprop(fdt, off, "interrupts", &len);
	assert_int_equal(len, 12);
	assert_int_equal(fdt32_to_cpu(v[0]), 0);	/* GIC_SPI */
	assert_int_equal(fdt32_to_cpu(v[1]), spi);
	assert_int_equal(fdt32_to_cpu(v[2]), 1);	/* edge rising */
}

static void test_listen_connect(void **state)
{
	struct fake l, c;
	char ls[160], cs[160];
	const char *p = path("link.sock");
	const char *lspec[] = { ls }, *cspec[] = { cs };

	(void)state;
	spec_with(ls, sizeof(ls), "link,listen=%s,depth=16,size=512", p);
	spec_with(cs, sizeof(cs), "link,connect=%s", p);
	fake_init(&l, 2, lspec, 1);
	fake_init(&c, 0, cspec, 1);
	l.expect_peer = ino_of(c.vm.fd);
	run_pair(&c, &l);	/* the connector first: it waits for the socket */
	if (l.result || c.result)
		fail_msg("listener %d, connector %d: %s", l.result, c.result, last_err);
	assert_int_equal(l.calls, 1);
	assert_int_equal(c.calls, 0);
	assert_int_equal(l.got.irq, 16 + 2);		/* after two virtio transports */
	assert_int_equal(l.got.peer_irq, 16);		/* the connector's first free SPI */
	assert_int_equal(l.got.depth, 16);
	assert_int_equal(l.got.msg_size, 512);
	assert_int_equal(access(p, F_OK), -1);		/* one peer: the socket is gone */
	check_dtb(&l, 0, "link", 42, 18, 16, 512);
	check_dtb(&c, 0, "link", 42, 16, 16, 512);	/* the listener's depth and size */
	fake_fini(&l);
	fake_fini(&c);
}

/* Each VMM listens for the other's connect: the phases keep it from deadlocking. */
static void test_crossed_pairs(void **state)
{
	struct fake a, b;
	char a0[160], a1[160], b0[160], b1[160];
	const char *pa = path("a.sock"), *pb = path("b.sock");
	const char *as[] = { a0, a1 }, *bs[] = { b0, b1 };

	(void)state;
	spec_with(a0, sizeof(a0), "to-b,listen=%s", pa);
	spec_with(a1, sizeof(a1), "from-b,connect=%s", pb);
	spec_with(b0, sizeof(b0), "from-b,listen=%s", pb);
	spec_with(b1, sizeof(b1), "to-b,connect=%s", pa);
	fake_init(&a, 1, as, 2);
	fake_init(&b, 3, bs, 2);
	a.expect_peer = ino_of(b.vm.fd);
	b.expect_peer = ino_of(a.vm.fd);
	run_pair(&a, &b);
	if (a.result || b.result)
		fail_msg("a %d, b %d: %s", a.result, b.result, last_err);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 1);
	assert_int_equal(a.got.irq, 17);
	assert_int_equal(a.got.peer_irq, 20);	/* b's to-b */
	assert_int_equal(b.got.irq, 19);
	assert_int_equal(b.got.peer_irq, 18);	/* a's from-b */
	check_dtb(&a, 0, "to-b", 42, 17, 64, 1024);
	check_dtb(&a, 1, "from-b", 42, 18, 64, 1024);
	check_dtb(&b, 1, "to-b", 42, 20, 64, 1024);
	fake_fini(&a);
	fake_fini(&b);
}

static void test_name_mismatch(void **state)
{
	struct fake l, c;
	char ls[160], cs[160];
	const char *p = path("names.sock");
	const char *lspec[] = { ls }, *cspec[] = { cs };

	(void)state;
	spec_with(ls, sizeof(ls), "one,listen=%s", p);
	spec_with(cs, sizeof(cs), "two,connect=%s", p);
	fake_init(&l, 0, lspec, 1);
	fake_init(&c, 0, cspec, 1);
	run_pair(&l, &c);
	assert_int_equal(l.result, -1);
	assert_int_equal(c.result, -1);
	assert_int_equal(l.calls, 0);		/* no channel made */
	fake_fini(&l);
	fake_fini(&c);
}

static void test_connector_options_must_agree(void **state)
{
	struct fake l, c;
	char ls[160], cs[160];
	const char *p = path("opts.sock");
	const char *lspec[] = { ls }, *cspec[] = { cs };

	(void)state;
	spec_with(ls, sizeof(ls), "q,listen=%s,depth=16", p);
	spec_with(cs, sizeof(cs), "q,connect=%s,depth=8", p);
	fake_init(&l, 0, lspec, 1);
	fake_init(&c, 0, cspec, 1);
	l.expect_peer = ino_of(c.vm.fd);
	run_pair(&l, &c);
	assert_int_equal(l.result, 0);
	assert_int_equal(c.result, -1);
	assert_non_null(strstr(last_err, "depth=16,size=1024"));	/* the connector's */
	fake_fini(&l);
	fake_fini(&c);
}

/* A client of the host= socket: one byte, the host end in SCM_RIGHTS. */
static int fetch_host_end(const char *sock)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} u;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.b, .msg_controllen = sizeof(u.b) };
	struct cmsghdr *h;
	int s = socket(AF_UNIX, SOCK_STREAM, 0), fd = -1;

	strcpy(a.sun_path, sock);
	assert_int_equal(connect(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(recvmsg(s, &m, 0), 1);
	h = CMSG_FIRSTHDR(&m);
	assert_non_null(h);
	assert_int_equal(h->cmsg_type, SCM_RIGHTS);
	memcpy(&fd, CMSG_DATA(h), sizeof(fd));
	assert_int_equal(recv(s, &byte, 1, 0), 0);	/* then closed */
	close(s);
	return fd;
}

static void test_host_socket(void **state)
{
	struct fake f;
	char spec[160];
	const char *p = path("host.sock");
	const char *specs[] = { spec };
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat sb;
	int stale;

	(void)state;
	/* a stale socket of an earlier run is replaced */
	stale = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(a.sun_path, p);
	assert_int_equal(bind(stale, (struct sockaddr *)&a, sizeof(a)), 0);
	close(stale);

	spec_with(spec, sizeof(spec), "ctl,host=%s,depth=4,size=100", p);
	fake_init(&f, 1, specs, 1);
	f.host_end = memfd_create("host-end", MFD_CLOEXEC);
	assert_int_equal(channels_setup(&f.vm), 0);
	assert_int_equal(f.got.peer_fd, -1);
	assert_int_equal(f.got.irq, 17);
	assert_int_equal(f.got.depth, 4);
	assert_int_equal(f.got.msg_size, 100);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0077, 0);	/* only our user's */
	for (int i = 0; i < 2; i++) {		/* every client gets it */
		int fd = fetch_host_end(p);

		assert_int_equal(ino_of(fd), ino_of(f.host_end));
		close(fd);
	}
	check_dtb(&f, 0, "ctl", 42, 17, 4, 100);
	fake_fini(&f);
	assert_int_equal(access(p, F_OK), -1);	/* removed at exit */
}

static void test_refusals(void **state)
{
	struct fake f;
	char spec[160];
	const char *p = path("file");
	const char *specs[] = { spec };
	FILE *file = fopen(p, "w");

	(void)state;
	assert_non_null(file);
	fclose(file);
	spec_with(spec, sizeof(spec), "x,host=%s", p);

	fake_init(&f, 0, specs, 1);		/* a regular file is never replaced */
	assert_int_equal(channels_setup(&f.vm), -1);
	assert_non_null(strstr(last_err, "not a socket"));
	assert_int_equal(access(p, F_OK), 0);
	fake_fini(&f);

	fake_init(&f, 0, specs, 1);		/* the kvm backend */
	f.be.create_channel = NULL;
	assert_int_equal(channels_setup(&f.vm), -1);
	assert_non_null(strstr(last_err, "no message channels"));
	fake_fini(&f);

	fake_init(&f, 0, specs, 1);		/* no GZVM_CAP_CHANNELS */
	f.be.create_channel = no_caps;
	assert_int_equal(channels_setup(&f.vm), -1);
	assert_non_null(strstr(last_err, "GZVM_CAP_CHANNELS"));
	fake_fini(&f);

	fake_init(&f, 0, NULL, 0);		/* no --channel: nothing asked */
	f.be.create_channel = no_caps;
	assert_int_equal(channels_setup(&f.vm), 0);
	fake_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_path_length),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_listen_connect),
		cmocka_unit_test(test_crossed_pairs),
		cmocka_unit_test(test_name_mismatch),
		cmocka_unit_test(test_connector_options_must_agree),
		cmocka_unit_test(test_host_socket),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
