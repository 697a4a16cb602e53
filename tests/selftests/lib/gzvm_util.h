/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gzvm_util: a small KVM-selftests-style library for /dev/gzvm.
 *
 * A test creates a VM (gzvm_vm_create), gives it memory (gzvm_vm_add_mem:
 * one anonymous mmap per memslot, as the driver wants the VMA size to be
 * the slot size), copies guest code in (gzvm_vm_load), creates vCPUs,
 * sets registers and runs them.  Guests run at EL1 with the MMU off
 * (PSTATE 0x3c5), so every data access is Device memory: no unaligned
 * accesses, no exclusives.
 *
 * ucall: the guest reports to the host by storing x27 (the command) to
 * UCALL_ADDR, whose address the guest keeps in x28 (set by
 * gzvm_vcpu_init).  That is an MMIO write exit; the host reads whatever
 * registers the command defines with GZVM_GET_ONE_REG.  Guests keep x27
 * and x28 for this.
 *
 * TAP: gzvm_tap_ok()/gzvm_tap_check() print "GZVM-TAP: ok - name" or
 * "GZVM-TAP: not ok - name # reason", one line per check, as the system
 * test harness (tests/system/run.sh) expects.
 */
#ifndef GZVM_UTIL_H
#define GZVM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/gzvm.h>

#define GUEST_RAM_GPA	0x80000000ULL	/* slot 0: code and data */
#define UCALL_ADDR	0x10000000ULL	/* MMIO, outside every memslot */
#define TEST_MMIO_GPA	0x20000000ULL	/* MMIO window for the tests */

/* ucall commands (x27); arguments are in guest registers. */
#define UCALL_DONE	1	/* test finished */
#define UCALL_REPORT	2	/* values in x1..x8 */
#define UCALL_FAIL	3	/* x1 = code, x2..x4 = details */
#define UCALL_SYNC	4	/* progress, x1 = value */

#define PSTATE_EL1H_MASKED	0x3c5ULL

#define REG_X(n)	GZVM_REG_ARM64_X(n)
#define REG_PC		GZVM_REG_ARM64_PC
#define REG_PSTATE	GZVM_REG_ARM64_PSTATE
#define REG_SP		GZVM_REG_ARM64_SP
#define REG_SP_EL1	GZVM_REG_ARM64_SP_EL1
#define REG_ELR_EL1	GZVM_REG_ARM64_ELR_EL1
#define REG_SPSR_EL1	GZVM_REG_ARM64_SPSR(GZVM_SPSR_EL1)
#define REG_FPSR	GZVM_REG_ARM64_FPSR
#define REG_FPCR	GZVM_REG_ARM64_FPCR
#define REG_SYS(op0, op1, crn, crm, op2) GZVM_REG_ARM64_SYSREG_ID(op0, op1, crn, crm, op2)
#define REG_VBAR_EL1	REG_SYS(3, 0, 12, 0, 0)
#define REG_TPIDR_EL1	REG_SYS(3, 0, 13, 0, 4)

struct gzvm_mem {
	int slot;
	uint64_t gpa;
	size_t size;
	void *hva;
	bool owned;	/* mapped by gzvm_vm_add_mem, unmapped by gzvm_vm_destroy */
};

struct gzvm_vm {
	int dev_fd;
	int fd;
	int nr_mem;
	struct gzvm_mem mem[GZVM_MAX_MEM_REGION];
};

struct gzvm_vcpu {
	struct gzvm_vm *vm;
	int id;
	int fd;
	struct gzvm_vcpu_run *run;	/* page-sized, page-aligned */
};

/* ---- TAP ---- */
extern int gzvm_tap_failures;
extern int gzvm_tap_passes;
extern bool gzvm_verbose;
void gzvm_tap_ok(const char *name);
void gzvm_tap_fail(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* ok if cond, else "not ok" with the formatted reason; returns cond */
bool gzvm_tap_check(bool cond, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void gzvm_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Format into a static buffer (for building names); rotates 8 buffers. */
const char *gzvm_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- /dev/gzvm, VMs, memory ---- */
int gzvm_open_dev(void);		/* -1 with errno */
/* Returns 0 or -errno; on failure *vm is unusable. */
int gzvm_vm_create(struct gzvm_vm *vm);
void gzvm_vm_destroy(struct gzvm_vm *vm);	/* closes fds, unmaps what gzvm_vm_add_mem mapped */
/* mmap @size bytes and register them as @slot at @gpa; returns the mem or NULL (errno) */
struct gzvm_mem *gzvm_vm_add_mem(struct gzvm_vm *vm, int slot, uint64_t gpa, size_t size);
/*
 * Memory the caller maps (gzvm_mem_map: one VMA of exactly size bytes,
 * private or shared anonymous) and keeps after gzvm_vm_destroy, e.g. to
 * share it with another process or look at it after the VM is gone.
 */
void *gzvm_mem_map(size_t size, bool shared);	/* NULL with errno */
void gzvm_mem_unmap(void *hva, size_t size);
struct gzvm_mem *gzvm_vm_add_mem_at(struct gzvm_vm *vm, int slot, uint64_t gpa, size_t size,
				    void *hva);
/* host pointer for a guest physical address (NULL outside every slot) */
void *gzvm_gpa_to_hva(struct gzvm_vm *vm, uint64_t gpa);
/* copy [start, end) to guest physical @gpa; returns 0 or -1 */
int gzvm_vm_load(struct gzvm_vm *vm, uint64_t gpa, const void *start, const void *end);
/* the debugfs directory of this VM's statistics (or NULL) */
const char *gzvm_vm_debugfs_dir(struct gzvm_vm *vm, int nth_newest);

/* ---- vCPUs ---- */
/* create vCPU @id; PC = @pc, PSTATE = 0x3c5, x28 = UCALL_ADDR; 0 or -errno */
int gzvm_vcpu_create(struct gzvm_vm *vm, int id, struct gzvm_vcpu *vcpu, uint64_t pc);
void gzvm_vcpu_close(struct gzvm_vcpu *vcpu);
int gzvm_set_reg(struct gzvm_vcpu *vcpu, uint64_t id, uint64_t val);	/* 0 or -errno */
int gzvm_get_reg(struct gzvm_vcpu *vcpu, uint64_t id, uint64_t *val);	/* 0 or -errno */
uint64_t gzvm_reg(struct gzvm_vcpu *vcpu, uint64_t id);	/* value, or ~0 on error */
/* GZVM_RUN; returns 0 or -errno.  A watchdog (SIGALRM, @ms) bounds the call. */
int gzvm_vcpu_run(struct gzvm_vcpu *vcpu);
extern int gzvm_run_timeout_ms;

/* create vCPU @id without setting its PC: it stays off until a PSCI CPU_ON */
int gzvm_vcpu_create_off(struct gzvm_vm *vm, int id, struct gzvm_vcpu *vcpu);

/* ---- interrupts ---- */
#define GIC_DIST_GPA	0x08000000ULL	/* QEMU virt's layout */
#define GIC_DIST_SIZE	0x10000ULL
#define GIC_REDIST_GPA	0x080A0000ULL
#define GIC_REDIST_STRIDE 0x20000ULL
/* CREATE_DEVICE of the distributor and @nr_frames redistributor frames; 0 or -errno */
int gzvm_vm_create_gic(struct gzvm_vm *vm, int nr_frames);
/* GZVM_IRQ_LINE of (type, vcpu, num) at @level; 0 or -errno */
int gzvm_irq_line(struct gzvm_vm *vm, unsigned int type, unsigned int vcpu, unsigned int num, int level);

/* ---- the C guest (guest/): ucall loop ---- */
#define UCALL_CHECK	5	/* x1 = ok, x2 = GPA of the name, x3..x6 = values */
#define UCALL_PRINT	6	/* x2 = GPA of a printf format, x3..x6 = u64 arguments */
/*
 * Run @vcpu until the guest's DONE: every CHECK is a TAP line, every PRINT
 * an information line, every SYNC calls @on_sync(@ctx, vcpu, x1) (NULL: a
 * failure); any other exit, a FAIL or a failed RUN is a failure.
 * Returns 0 after DONE, -1 otherwise (the reason is a "not ok" line named
 * @what).
 */
int gzvm_guest_loop(struct gzvm_vcpu *vcpu, const char *what,
		    void (*on_sync)(void *ctx, struct gzvm_vcpu *vcpu, uint64_t arg), void *ctx);

/* ---- exits ---- */
const char *gzvm_exit_name(uint32_t reason);
/* A short description of the last exit (static buffer). */
const char *gzvm_exit_str(struct gzvm_vcpu *vcpu);
bool gzvm_is_ucall(struct gzvm_vcpu *vcpu);
/* Run until the next exit that is not ... nothing is filtered: run once and
 * return the ucall command (UCALL_*), or -1 if the exit is not a ucall or
 * RUN failed (described in *why, static). */
int gzvm_run_ucall(struct gzvm_vcpu *vcpu, const char **why);
/* run once; true if the exit is @reason (else *why says what happened) */
bool gzvm_expect_exit(struct gzvm_vcpu *vcpu, uint32_t reason, const char **why);

/* ---- host accounting ---- */
long gzvm_meminfo_kb(const char *field);	/* /proc/meminfo, -1 if absent */
long gzvm_status_kb(const char *field);		/* /proc/self/status (e.g. VmLck) */
long gzvm_vmstat(const char *field);		/* /proc/vmstat */
long gzvm_read_long(const char *path);		/* a number from a file, -1 on error */
int gzvm_write_str(const char *path, const char *s);

/* The hypervisor's global counters in bytes (debugfs gzvm/hyp_*), -1 if unreadable. */
struct gzvm_hyp_counters {
	long pool_used, lent, donated;
};
void gzvm_hyp_counters(struct gzvm_hyp_counters *c);
/* One TAP check "<test>: the hypervisor's pool, lent and donated memory back to the start". */
bool gzvm_check_hyp_counters(const char *test, const struct gzvm_hyp_counters *before);
/*
 * The host's side too: the VMM's VmLck, Mlocked, pages pinned (FOLL_PIN)
 * not yet released, and how many VMs CREATE_VM gives (each holds a VM id).
 */
struct gzvm_host_counters {
	long vmlck, mlocked, pins;
	struct gzvm_hyp_counters hyp;
	int vms;
};
void gzvm_host_counters(struct gzvm_host_counters *k);
/*
 * Three TAP checks, "<test>: the VMM's VmLck, Mlocked and pinned pages
 * back to the start", gzvm_check_hyp_counters() and "<test>: as many VMs
 * can be created as before", after up to 2 s for a teardown still under
 * way.
 */
void gzvm_check_host_counters(const char *test, const struct gzvm_host_counters *before);
/* Create a VM with 64 KiB and a vCPU, run its guest to DONE, destroy it: NULL, or why not. */
const char *gzvm_fresh_vm_run(void);
/* One TAP check "<test>: afterwards a fresh VM still runs its guest to DONE". */
bool gzvm_check_fresh_vm(const char *test);

/* ---- environment ---- */
/* GZVM_SELFTEST_DEEP=1: larger iteration counts */
bool gzvm_deep(void);
long gzvm_env_long(const char *name, long dflt);
double gzvm_now(void);	/* monotonic seconds */

/* A guest blob assembled into the test binary (guests.S). */
#define GUEST_DECLARE(name) \
	extern const char guest_##name##_start[], guest_##name##_end[]
#define GUEST_LOAD(vm, gpa, name) \
	gzvm_vm_load(vm, gpa, guest_##name##_start, guest_##name##_end)

#endif
