// SPDX-License-Identifier: GPL-2.0
/*
 * gzvm_victim: a guest that checks its own memory, run beside an attack
 * (see gzvm_victim.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gzvm_victim.h"

/*
 * x1 = base of the read-only region, x2 = its words, x3 = base of this
 * vCPU's pattern region, x4 = its words, x5 = seed, x9 = the expected
 * checksum of the read-only region, x6 = stop (the host sets it at a
 * SYNC).  Iteration x7: checksum (x12 = (x12 ror 63) ^ word) and compare,
 * write seed + (x7 << 32) + address into every pattern word, read it all
 * back; SYNC (x7, x12).  FAIL: x20 = 1 (checksum, x12) or 2 (pattern: x10
 * = address, x13 = read, x15 = expected).  DONE when x6 != 0.
 */
__asm__(
"	.section .rodata.guest_victim, \"a\"\n"
"	.balign	2048\n"
"	.global	guest_victim_start\n"
"guest_victim_start:\n"
"	mov	x7, #0\n"
"1:	add	x7, x7, #1\n"
"	mov	x10, x1\n"
"	mov	x11, x2\n"
"	mov	x12, #0\n"
"2:	ldr	x13, [x10], #8\n"
"	eor	x12, x13, x12, ror #63\n"
"	subs	x11, x11, #1\n"
"	b.ne	2b\n"
"	cmp	x12, x9\n"
"	b.ne	8f\n"
"	add	x14, x5, x7, lsl #32\n"
"	mov	x10, x3\n"
"	mov	x11, x4\n"
"3:	add	x13, x14, x10\n"
"	str	x13, [x10], #8\n"
"	subs	x11, x11, #1\n"
"	b.ne	3b\n"
"	mov	x10, x3\n"
"	mov	x11, x4\n"
"4:	ldr	x13, [x10]\n"
"	add	x15, x14, x10\n"
"	cmp	x13, x15\n"
"	b.ne	9f\n"
"	add	x10, x10, #8\n"
"	subs	x11, x11, #1\n"
"	b.ne	4b\n"
"	mov	x27, #4\n"		/* SYNC */
"	str	x27, [x28]\n"
"	cbz	x6, 1b\n"
"5:	mov	x27, #1\n"		/* DONE */
"	str	x27, [x28]\n"
"	b	5b\n"
"8:	mov	x20, #1\n"
"	b	7f\n"
"9:	mov	x20, #2\n"
"7:	mov	x27, #3\n"		/* FAIL */
"	str	x27, [x28]\n"
"	b	7b\n"
"	.global	guest_victim_end\n"
"guest_victim_end:\n"
"	.previous\n");
GUEST_DECLARE(victim);

#define V_RAM_SIZE	(64UL << 10)
#define V_RO_OFF	0x4000UL	/* 16 KiB read-only region */
#define V_RO_WORDS	2048
#define V_W_OFF(i)	(0x8000UL + (i) * 0x4000UL)	/* 8 KiB pattern per vCPU */
#define V_W_WORDS	1024

static uint64_t ror64(uint64_t x, unsigned int n)
{
	return x >> n | x << (64 - n);
}

static uint64_t victim_checksum(const uint64_t *w, size_t n)
{
	uint64_t s = 0;

	for (size_t i = 0; i < n; i++)
		s = w[i] ^ ror64(s, 63);
	return s;
}

/* One SYNC: the next iteration with the right checksum; false on a failure. */
static bool victim_sync(struct gzvm_victim_vcpu *c)
{
	uint64_t it = gzvm_reg(&c->vcpu, REG_X(7)), sum = gzvm_reg(&c->vcpu, REG_X(12));

	if (it != c->iterations + 1 || sum != c->vi->checksum) {
		snprintf(c->why, sizeof(c->why), "SYNC: iteration %llu after %llu, checksum 0x%llx (0x%llx)",
			 (unsigned long long)it, (unsigned long long)c->iterations,
			 (unsigned long long)sum, (unsigned long long)c->vi->checksum);
		return false;
	}
	c->iterations = it;
	if (atomic_load(&c->vi->stop))
		gzvm_set_reg(&c->vcpu, REG_X(6), 1);
	if (c->vi->pause_us)
		usleep(c->vi->pause_us);
	return true;
}

static void *victim_thread(void *arg)
{
	struct gzvm_victim_vcpu *c = arg;

	for (;;) {
		uint64_t cmd;
		int r = gzvm_vcpu_run(&c->vcpu);

		if (r == -EINTR)
			continue;	/* the RUN watchdog (gzvm_run_timeout_ms) fired */
		if (r) {
			snprintf(c->why, sizeof(c->why), "RUN: %s", strerror(-r));
			return NULL;
		}
		if (!gzvm_is_ucall(&c->vcpu)) {
			snprintf(c->why, sizeof(c->why), "not a ucall: %s", gzvm_exit_str(&c->vcpu));
			return NULL;
		}
		memcpy(&cmd, c->vcpu.run->mmio.data, 8);
		if (cmd == UCALL_SYNC) {
			if (!victim_sync(c))
				return NULL;
			continue;
		}
		if (cmd == UCALL_DONE) {
			c->done = gzvm_reg(&c->vcpu, REG_X(7)) == c->iterations;
			if (!c->done)
				snprintf(c->why, sizeof(c->why), "DONE at iteration %llu after %llu",
					 (unsigned long long)gzvm_reg(&c->vcpu, REG_X(7)),
					 (unsigned long long)c->iterations);
			return NULL;
		}
		snprintf(c->why, sizeof(c->why), "ucall %llu: x20 %llu x10 0x%llx x12 0x%llx x13 0x%llx x15 0x%llx",
			 (unsigned long long)cmd, (unsigned long long)gzvm_reg(&c->vcpu, REG_X(20)),
			 (unsigned long long)gzvm_reg(&c->vcpu, REG_X(10)),
			 (unsigned long long)gzvm_reg(&c->vcpu, REG_X(12)),
			 (unsigned long long)gzvm_reg(&c->vcpu, REG_X(13)),
			 (unsigned long long)gzvm_reg(&c->vcpu, REG_X(15)));
		return NULL;
	}
}

/* The newest of our VMs' debugfs directories names its id. */
static int newest_vm_id(void)
{
	const char *d = gzvm_vm_debugfs_dir(NULL, 0);
	int pid, id;

	if (!d || sscanf(d, "/sys/kernel/debug/gzvm/%d-%d", &pid, &id) != 2)
		return -1;
	return id;
}

int gzvm_victim_start(struct gzvm_victim *vi, uint64_t seed, unsigned int pause_us)
{
	uint64_t *ro;
	int r;

	vi->pause_us = pause_us;
	vi->vm_id = -1;
	r = gzvm_vm_create(&vi->vm);
	if (r)
		return r;
	if (!gzvm_vm_add_mem(&vi->vm, 0, GUEST_RAM_GPA, V_RAM_SIZE) ||
	    GUEST_LOAD(&vi->vm, GUEST_RAM_GPA, victim))
		return errno ? -errno : -EINVAL;
	vi->vm_id = newest_vm_id();
	ro = gzvm_gpa_to_hva(&vi->vm, GUEST_RAM_GPA + V_RO_OFF);
	for (int i = 0; i < V_RO_WORDS; i++)
		ro[i] = seed * 0x9e3779b97f4a7c15ULL + (uint64_t)i * 0xbf58476d1ce4e5b9ULL;
	vi->ro_copy = malloc(V_RO_WORDS * 8);
	if (!vi->ro_copy)
		return -ENOMEM;
	memcpy(vi->ro_copy, ro, V_RO_WORDS * 8);
	vi->checksum = victim_checksum(ro, V_RO_WORDS);
	for (int i = 0; i < GZVM_VICTIM_VCPUS; i++) {
		struct gzvm_victim_vcpu *c = &vi->v[i];

		r = gzvm_vcpu_create(&vi->vm, i, &c->vcpu, GUEST_RAM_GPA);
		if (r)
			return r;
		c->vi = vi;
		c->seed = seed ^ (0x1111111111111111ULL * (uint64_t)(i + 1));
		gzvm_set_reg(&c->vcpu, REG_X(1), GUEST_RAM_GPA + V_RO_OFF);
		gzvm_set_reg(&c->vcpu, REG_X(2), V_RO_WORDS);
		gzvm_set_reg(&c->vcpu, REG_X(3), GUEST_RAM_GPA + V_W_OFF(i));
		gzvm_set_reg(&c->vcpu, REG_X(4), V_W_WORDS);
		gzvm_set_reg(&c->vcpu, REG_X(5), c->seed);
		gzvm_set_reg(&c->vcpu, REG_X(6), 0);
		gzvm_set_reg(&c->vcpu, REG_X(9), vi->checksum);
	}
	for (int i = 0; i < GZVM_VICTIM_VCPUS; i++)
		if (!pthread_create(&vi->th[i], NULL, victim_thread, &vi->v[i]))
			vi->nth++;
	return vi->nth == GZVM_VICTIM_VCPUS ? 0 : -EAGAIN;
}

/* The first thing wrong with vCPU @i's end or pattern, or NULL. */
static const char *victim_vcpu_wrong(struct gzvm_victim *vi, int i)
{
	struct gzvm_victim_vcpu *c = &vi->v[i];
	const uint64_t *w = gzvm_gpa_to_hva(&vi->vm, GUEST_RAM_GPA + V_W_OFF(i));

	if (c->why[0] || !c->done || c->iterations < 2)
		return gzvm_fmt("vCPU %d: %s (%llu iterations, done %d)", i, c->why,
				(unsigned long long)c->iterations, c->done);
	for (int j = 0; j < V_W_WORDS; j++) {
		uint64_t gpa = GUEST_RAM_GPA + V_W_OFF(i) + (uint64_t)j * 8;
		uint64_t want = c->seed + (c->iterations << 32) + gpa;

		if (w[j] != want)
			return gzvm_fmt("vCPU %d: word at 0x%llx is 0x%llx, not 0x%llx", i,
					(unsigned long long)gpa, (unsigned long long)w[j],
					(unsigned long long)want);
	}
	return NULL;
}

uint64_t gzvm_victim_iterations(struct gzvm_victim *vi)
{
	uint64_t n = 0;

	for (int i = 0; i < GZVM_VICTIM_VCPUS; i++)
		n += atomic_load(&vi->v[i].iterations);
	return n;
}

static void victim_join(struct gzvm_victim *vi)
{
	atomic_store(&vi->stop, true);
	for (int i = 0; i < vi->nth; i++)
		pthread_join(vi->th[i], NULL);
	vi->nth = 0;
}

const char *gzvm_victim_stop(struct gzvm_victim *vi)
{
	const uint64_t *ro = gzvm_gpa_to_hva(&vi->vm, GUEST_RAM_GPA + V_RO_OFF);
	const char *why = NULL;

	victim_join(vi);
	for (int i = 0; i < GZVM_VICTIM_VCPUS && !why; i++)
		why = victim_vcpu_wrong(vi, i);
	if (!why && memcmp(ro, vi->ro_copy, V_RO_WORDS * 8))
		why = "the read-only region changed";
	return why;
}

void gzvm_victim_destroy(struct gzvm_victim *vi)
{
	victim_join(vi);
	for (int i = 0; i < GZVM_VICTIM_VCPUS; i++)
		if (vi->v[i].vcpu.run)
			gzvm_vcpu_close(&vi->v[i].vcpu);
	gzvm_vm_destroy(&vi->vm);
	free(vi->ro_copy);
	vi->ro_copy = NULL;
}
