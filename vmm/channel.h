/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gzvm-run --channel: message channels between this VM and the host or
 * another VM (GZVM_CREATE_CHANNEL, include/uapi/linux/gzvm.h).  See
 * vmm/README.md, "Message channels".
 *
 * The parser (chan_spec_parse, chan_spec_add) is pure, so it is unit-tested
 * on the build machine; the rest runs in setup(), before the DTB is built.
 */
#ifndef GZVM_VMM_CHANNEL_H
#define GZVM_VMM_CHANNEL_H

#include <stdbool.h>
#include <stdint.h>

#define MAX_CHANNELS		8
#define CHAN_NAME_MAX		20	/* [a-z0-9_-]{1,20} */
#define CHAN_PATH_MAX		107	/* sun_path, with its NUL */
#define CHAN_DEFAULT_DEPTH	64
#define CHAN_DEFAULT_SIZE	1024
#define CHAN_TIMEOUT_S		60	/* listen=: accept; connect=: retry while PATH is missing */

enum chan_kind {
	CHAN_HOST,		/* host=PATH: with the host, its end served on PATH */
	CHAN_LISTEN,		/* listen=PATH: with the VM of a connect=PATH */
	CHAN_CONNECT,		/* connect=PATH */
};

struct chan_spec {
	const char *text;	/* the option's argument, for messages */
	char name[CHAN_NAME_MAX + 1];
	enum chan_kind kind;
	char path[CHAN_PATH_MAX + 1];
	uint32_t depth, size;
	bool have_depth, have_size;	/* given: a connector checks them against the listener's */
};

/*
 * NAME,KIND[,depth=D][,size=S], KIND host=PATH, listen=PATH or
 * connect=PATH.  0, or -1 with *why set (cs->text is spec).
 */
int chan_spec_parse(const char *spec, struct chan_spec *cs, const char **why);
/* Parse and append to list[*nr] (at most MAX_CHANNELS, names and paths unique). */
int chan_spec_add(struct chan_spec *list, int *nr, const char *spec, const char **why);

/*
 * The listen=/connect= handshake on a unix SOCK_STREAM socket.  Native
 * byte order (both ends are on one host).  The connector sends the request
 * with its VM fd in an SCM_RIGHTS message; the listener creates the channel
 * and answers.
 */
#define CHAN_PROTO_MAGIC	0x4e48435aU	/* "ZCHN" */
#define CHAN_PROTO_VERSION	1

struct chan_request {
	uint32_t magic;		/* CHAN_PROTO_MAGIC */
	uint32_t version;	/* CHAN_PROTO_VERSION */
	uint32_t spi;		/* the connector's doorbell, SPI index from 0 */
	char name[24];		/* NAME, NUL-padded */
};

struct chan_answer {
	uint32_t magic;		/* CHAN_PROTO_MAGIC */
	int32_t status;		/* 0 or -errno */
	uint32_t id;		/* the channel id, for both DTBs */
	uint32_t depth;		/* the listener's: they win */
	uint32_t size;
};

_Static_assert(sizeof(struct chan_request) == 36, "chan_request layout");
_Static_assert(sizeof(struct chan_answer) == 20, "chan_answer layout");

struct vm;
/* Create every --channel (after the virtio devices, before the DTB); 0 or -1 (reported). */
int channels_setup(struct vm *vm);
/* One gzvm-channel-<n> node per channel at the root; 0 or a libfdt error. */
int channels_fdt(struct vm *vm, void *fdt);
/* Stop serving host ends, remove the sockets, close the fds. */
void channels_teardown(struct vm *vm);

#endif
