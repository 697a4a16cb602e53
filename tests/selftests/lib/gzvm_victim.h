/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gzvm_victim: a guest that checks its own memory, run beside an attack.
 *
 * A victim is a VM with 2 vCPUs, one host thread each.  Every iteration,
 * each vCPU checksums a 16 KiB region the host filled (and never writes
 * again), writes a pattern made of the seed, the iteration and the address
 * into its own 8 KiB, reads it all back, and reports with a SYNC ucall.
 * The host checks every SYNC (the next iteration, the right checksum).
 * gzvm_victim_stop() lets each vCPU finish with DONE and then checks the
 * pattern words and the read-only region from the host's side: a page
 * another VM, the host or the hypervisor changed, lost or swapped shows as
 * a FAIL, a wrong checksum or a wrong word.
 */
#ifndef GZVM_VICTIM_H
#define GZVM_VICTIM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "gzvm_util.h"

#define GZVM_VICTIM_VCPUS	2

struct gzvm_victim;

struct gzvm_victim_vcpu {
	struct gzvm_vcpu vcpu;
	struct gzvm_victim *vi;
	uint64_t seed;
	_Atomic uint64_t iterations;	/* SYNCs seen, each the next iteration */
	bool done;			/* reached DONE after the stop */
	char why[256];			/* first failure */
};

struct gzvm_victim {
	struct gzvm_vm vm;
	int vm_id;		/* the hypervisor's id (debugfs), or -1 */
	unsigned int pause_us;	/* the host thread sleeps this long at each SYNC */
	uint64_t checksum;
	uint64_t *ro_copy;
	atomic_bool stop;
	struct gzvm_victim_vcpu v[GZVM_VICTIM_VCPUS];
	pthread_t th[GZVM_VICTIM_VCPUS];
	int nth;
};

/*
 * Create the VM and its vCPUs and start their threads; 0 or -errno.
 * @pause_us leaves the host's CPUs to others between iterations.  On
 * failure, gzvm_victim_destroy() still releases what was made.
 */
int gzvm_victim_start(struct gzvm_victim *vi, uint64_t seed, unsigned int pause_us);
/* Iterations of both vCPUs so far. */
uint64_t gzvm_victim_iterations(struct gzvm_victim *vi);
/* Stop the vCPUs and check every iteration and all memory: NULL, or what is wrong. */
const char *gzvm_victim_stop(struct gzvm_victim *vi);
/* Stop the threads if they still run, close the vCPUs and the VM. */
void gzvm_victim_destroy(struct gzvm_victim *vi);

#endif
