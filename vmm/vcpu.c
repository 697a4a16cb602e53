// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU threads: one host thread per vCPU, each looping on RUN.
 *
 * Kicking a vCPU (to stop it): set immediate_exit in its run structure,
 * then send the thread SIGUSR1, whose handler does nothing.  A thread in
 * RUN returns EINTR; one about to enter sees immediate_exit.  SIGUSR1 is
 * blocked everywhere except in the vCPU threads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vmm.h"

#define KICK_SIGNAL	SIGUSR1

static void kick_handler(int sig)
{
	(void)sig;
}

/*
 * Nothing is mapped at the address: like a bus error on the board, the
 * guest takes a synchronous external abort at the access.
 */
static void no_device(struct vcpu *v, const struct vcpu_exit *e, bool *warned)
{
	int r = v->vm->be->mmio_abort(v);

	if (r) {
		char why[128];

		snprintf(why, sizeof(why), "vCPU %d: cannot inject an abort for MMIO at 0x%llx: %s",
			 v->id, (unsigned long long)e->addr, strerror(-r));
		vmm_request_exit(v->vm, EXIT_VMM_ERROR, why);
		return;
	}
	if (v->vm->cfg->verbose && !*warned) {
		vmm_log("vCPU %d: MMIO %s of %u bytes at 0x%llx: no device, external abort",
			v->id, e->is_write ? "write" : "read", e->len, (unsigned long long)e->addr);
		*warned = true;
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	struct vcpu_exit e;
	bool warned = false;
	sigset_t set;
	char name[16];

	snprintf(name, sizeof(name), "vcpu%d", v->id);
	pthread_setname_np(pthread_self(), name);
	sigemptyset(&set);
	sigaddset(&set, KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	while (!vm->stopping) {
		int r = vm->be->run(v, &e);

		if (r) {
			char why[96];

			snprintf(why, sizeof(why), "vCPU %d: RUN failed: %s%s", v->id, strerror(-r),
				 vm->cfg->protected_vm && r == -EPERM && !v->nr_exits ?
				 " (the hypervisor refused the protected VM's payload)" : "");
			vmm_request_exit(vm, EXIT_VMM_ERROR, why);
			break;
		}
		v->nr_exits++;
		switch (e.kind) {
		case EXIT_K_NONE:
		case EXIT_K_INTR:
			break;
		case EXIT_K_MMIO:
			v->nr_mmio++;
			if (mmio_access(vm, e.addr, e.len, e.is_write, e.data)) {
				if (!e.is_write)
					vm->be->mmio_done(v, e.data, e.len);
				break;
			}
			no_device(v, &e, &warned);
			break;
		case EXIT_K_MMIO_NISV: {
			char why[200], msg[420];

			v->nr_mmio++;
			v->nr_nisv++;
			if (!mmio_emulate_nisv(v, e.addr, e.pc, why, sizeof(why)))
				break;
			snprintf(msg, sizeof(msg), "vCPU %d: %s: %s", v->id, e.why, why);
			vmm_request_exit(vm, EXIT_GUEST_CRASH, msg);
			break;
		}
		case EXIT_K_SHUTDOWN:
			vmm_request_exit(vm, EXIT_POWEROFF, "guest powered off");
			break;
		case EXIT_K_RESET:
			vmm_request_exit(vm, EXIT_GUEST_RESET, "guest asked for a reset");
			break;
		case EXIT_K_CRASH:
		case EXIT_K_FATAL: {
			char why[260];

			snprintf(why, sizeof(why), "vCPU %d: %s", v->id, e.why);
			vmm_request_exit(vm, EXIT_GUEST_CRASH, why);
			break;
		}
		}
	}
	return NULL;
}

int vcpus_start(struct vm *vm)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;	/* no SA_RESTART: RUN returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(KICK_SIGNAL, &sa, NULL);

	for (int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		int r = pthread_create(&v->thread, NULL, vcpu_thread, v);

		if (r) {
			vmm_err("cannot start the thread of vCPU %d: %s", i, strerror(r));
			return -r;
		}
		v->started = true;
	}
	return 0;
}

void vcpus_kick_all(struct vm *vm)
{
	for (int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (!v->started)
			continue;
		vm->be->set_immediate_exit(v, true);
		pthread_kill(v->thread, KICK_SIGNAL);
	}
}

void vcpus_join(struct vm *vm)
{
	for (int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (!v->started)
			continue;
		/* a thread may re-enter RUN between two kicks: kick until it is gone */
		for (;;) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 100 * 1000 * 1000;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			if (pthread_timedjoin_np(v->thread, NULL, &ts) == 0)
				break;
			vm->be->set_immediate_exit(v, true);
			pthread_kill(v->thread, KICK_SIGNAL);
		}
		v->started = false;
	}
}
