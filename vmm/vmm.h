/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gzvm-run: the VMM of gzvm.  Shared definitions.
 *
 * The guest board follows QEMU virt's memory map:
 *   0x0800_0000  GICv3 distributor (64 KiB)
 *   0x080A_0000  GICv3 redistributors (128 KiB per vCPU)
 *   0x0900_0000  PL011 UART, SPI 1
 *   0x0A00_0000  virtio-mmio transports (512 bytes apart, SPI 16 + n)
 *   0x4000_0000  RAM (contiguous)
 * and with --bios (firmware.c) the two flash banks of 64 MiB at 0 and
 * 0x0400_0000.
 */
#ifndef GZVM_VMM_H
#define GZVM_VMM_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"

#define VMM_NAME		"gzvm-run"

#define GIC_DIST_BASE		0x08000000ULL
#define GIC_DIST_SIZE		0x10000ULL
#define GIC_REDIST_BASE		0x080A0000ULL
#define GIC_REDIST_STRIDE	0x20000ULL
#define UART_BASE		0x09000000ULL
#define UART_SIZE		0x1000ULL
#define UART_SPI		1
#define VIRTIO_MMIO_BASE	0x0A000000ULL
#define VIRTIO_MMIO_STRIDE	0x200ULL
#define VIRTIO_MMIO_SPI		16
#define RAM_BASE		0x40000000ULL
#define FLASH_BANK0_BASE	0x00000000ULL	/* --bios: the firmware */
#define FLASH_BANK1_BASE	0x04000000ULL	/* --bios: its variables (CFI flash) */
#define FLASH_BANK_SIZE		0x04000000ULL
#define FLASH_ROM_SLOT		8	/* memslot ids (gzvm has 0-9) */
#define FLASH_ROMD_SLOT		9

#define MAX_VCPUS		8	/* GZVM_MAX_VCPUS; the redistributors must fit below the UART */

/* Exit statuses of gzvm-run (documented in --help and vmm/README.md). */
#define EXIT_POWEROFF		0	/* the guest powered off (PSCI SYSTEM_OFF) */
#define EXIT_VMM_ERROR		1	/* the VMM failed (setup, backend error) */
#define EXIT_USAGE		2	/* bad command line */
#define EXIT_GUEST_CRASH	3	/* the guest crashed or hit a fatal exit */
#define EXIT_GUEST_RESET	4	/* the guest asked for a reset (PSCI SYSTEM_RESET) */
/* killed by SIGINT / SIGTERM: 128 + the signal number (130, 143) */

struct vm;
struct vcpu;
struct virtio_dev;

/* What a vCPU's run ended with, backend-neutral. */
enum exit_kind {
	EXIT_K_NONE,		/* nothing for userspace: run again */
	EXIT_K_INTR,		/* interrupted by a signal (kick) */
	EXIT_K_MMIO,
	EXIT_K_SHUTDOWN,
	EXIT_K_RESET,
	EXIT_K_CRASH,
	EXIT_K_FATAL,		/* an exit the VMM cannot handle */
	EXIT_K_MMIO_NISV,	/* MMIO without a syndrome at addr, instruction at pc */
};

struct vcpu_exit {
	enum exit_kind kind;
	uint64_t addr;		/* MMIO */
	uint32_t len;
	bool is_write;
	uint8_t data[8];
	uint64_t pc;		/* EXIT_K_MMIO_NISV */
	char why[200];		/* EXIT_K_FATAL / CRASH: a description */
};

/* A message channel, backend-neutral (struct gzvm_create_channel). */
struct chan_params {
	int peer_fd;		/* the peer's VM fd, or -1: the host */
	uint32_t depth, msg_size;
	uint32_t irq, peer_irq;	/* doorbell SPI indexes (from 0) here and in the peer */
	uint32_t id;		/* out: the channel id */
	int host_fd;		/* out: the host's end, or -1 */
};

struct backend {
	const char *name;
	const char *dev;	/* device node */
	int (*create_vm)(struct vm *vm);
	int (*add_mem)(struct vm *vm, int slot, uint64_t gpa, uint64_t size, void *hva);
	int (*create_gic)(struct vm *vm);	/* before the vCPUs */
	int (*create_vcpu)(struct vm *vm, struct vcpu *vcpu);
	int (*finalize)(struct vm *vm);		/* after every vCPU exists */
	int (*set_reg)(struct vcpu *vcpu, uint64_t id, uint64_t val);
	int (*get_reg)(struct vcpu *vcpu, uint64_t id, uint64_t *val);
	int (*set_dtb)(struct vm *vm, uint64_t gpa, uint64_t size);
	/* make the VM protected, with its signed payload (size 0: none); NULL: cannot */
	int (*set_protected)(struct vm *vm, uint64_t payload_gpa, uint64_t payload_size);
	/*
	 * Optional (NULL: the backend has no read-only memslots): a read-only
	 * slot whose writes exit as MMIO; hva NULL removes the slot.
	 */
	int (*set_rom)(struct vm *vm, int slot, uint64_t gpa, uint64_t size, void *hva);
	int (*irq_line)(struct vm *vm, uint32_t spi, int level);
	/* run once; fills *e; returns 0 or -errno (EINTR is EXIT_K_INTR) */
	int (*run)(struct vcpu *vcpu, struct vcpu_exit *e);
	/* the data of an MMIO read, before the next run */
	void (*mmio_done)(struct vcpu *vcpu, const uint8_t *data, uint32_t len);
	/* nothing answers the last MMIO exit: the guest takes an external abort */
	int (*mmio_abort)(struct vcpu *vcpu);
	void (*set_immediate_exit)(struct vcpu *vcpu, bool on);
	/*
	 * A 4-byte MMIO write of datamatch at addr signals fd in the kernel,
	 * without an exit (virtio QueueNotify).  0 or -errno.
	 */
	int (*ioeventfd)(struct vm *vm, int fd, uint64_t addr, uint32_t len, uint64_t datamatch);
	/* Writing fd pulses SPI spi (index from 0, INTID - 32).  0 or -errno. */
	int (*irqfd)(struct vm *vm, int fd, uint32_t spi);
	/*
	 * Optional (NULL: the backend has no message channels): create one;
	 * p NULL only asks whether the hypervisor has them.  0 or -errno.
	 */
	int (*create_channel)(struct vm *vm, struct chan_params *p);
	void (*destroy)(struct vm *vm);
};

extern const struct backend backend_gzvm;
extern const struct backend backend_kvm;

struct vcpu {
	struct vm *vm;
	int id;
	int fd;
	void *run;		/* gzvm: struct gzvm_vcpu_run; kvm: the mmap'd kvm_run */
	size_t run_size;
	pthread_t thread;
	bool started;
	uint64_t nr_exits, nr_mmio, nr_nisv;	/* nr_nisv: emulated without syndrome */
};

struct mem_slot {
	uint64_t gpa;
	uint64_t size;
	void *hva;
	void *map_base;		/* with the guard pages */
	size_t map_size;
};

/* An MMIO device on the bus. */
struct mmio_dev {
	const char *name;
	uint64_t base, size;
	void *opaque;
	uint64_t (*read)(void *opaque, uint64_t off, uint32_t len);
	void (*write)(void *opaque, uint64_t off, uint32_t len, uint64_t val);
};

#define MAX_MMIO_DEVS	32
#define MAX_DISKS	4
#define MAX_NETS	4
#define MAX_VIRTIO_DEVS	16	/* VIRTIO_MMIO_MAX_DEVS */

struct config {
	const char *kernel;
	const char *initrd;
	const char *cmdline;
	uint64_t mem_size;
	int nr_cpus;
	const char *backend;	/* NULL: auto */
	uint64_t load_addr;	/* raw binaries */
	uint64_t entry;		/* raw binaries; 0 = load address */
	bool have_entry;
	const char *console;	/* "stdio", "virtio" or "none" */
	const char *disks[MAX_DISKS];	/* --disk FILE[,ro] */
	int nr_disks;
	bool rng;		/* --rng */
	const char *nets[MAX_NETS];	/* --net tap=NAME[,mac=..] */
	int nr_nets;
	uint64_t vsock_cid;	/* --vsock-cid; 0: no vsock */
	const char *dtb_out;	/* write the DTB here too */
	const char *time_marker;
	const char *bios;	/* firmware for flash bank 0 (firmware.c) */
	const char *bios_vars;	/* file behind flash bank 1, or NULL */
	bool protected_vm;	/* --protected */
	struct chan_spec channels[MAX_CHANNELS];	/* --channel, in order (channel.c) */
	int nr_channels;
	int verbose;
};

struct vm {
	const struct backend *be;
	const struct config *cfg;
	int dev_fd;
	int fd;
	int gic_fd;		/* kvm */
	int nr_slots;
	struct mem_slot slots[4];
	int nr_vcpus;
	struct vcpu vcpus[MAX_VCPUS];
	struct mmio_dev devs[MAX_MMIO_DEVS];
	int nr_devs;
	struct virtio_dev *virtio[MAX_VIRTIO_DEVS];	/* transport n at VIRTIO_MMIO_BASE + n * stride */
	int nr_virtio;
	struct chan_state *chans;	/* channel.c; NULL without --channel */

	/* boot */
	uint64_t entry;
	uint64_t dtb_gpa, dtb_size;
	uint64_t initrd_gpa, initrd_size;
	uint64_t kernel_end;	/* first byte above the loaded kernel */
	/* a kernel file ending in a "GZVMSIG1" footer: its bytes, for --protected */
	uint64_t payload_gpa, payload_size;

	/* lifecycle */
	volatile sig_atomic_t stopping;
	int exit_code;
	pthread_mutex_t exit_lock;
	pthread_t main_thread;
	double t_start;
};

/* main.c */
void vmm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vmm_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vmm_dbg(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
double vmm_now(void);
/* Ask every vCPU to stop; the first caller's code wins. */
void vmm_request_exit(struct vm *vm, int code, const char *why);

/* memory.c */
int vm_add_ram(struct vm *vm, uint64_t gpa, uint64_t size);
void *gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len);

/* loader.c */
int load_kernel(struct vm *vm);
int load_initrd(struct vm *vm);

/* firmware.c: --bios, the flash banks; sets the entry and the DTB slot */
int firmware_load(struct vm *vm);
/* Where [gpa, gpa + len) of the firmware bank is in the VMM, or NULL (code fetches) */
const void *firmware_rom_hva(uint64_t gpa, uint64_t len);

/* fdt.c */
int build_fdt(struct vm *vm, void *buf, size_t bufsize);

/* mmio.c */
int mmio_register(struct vm *vm, const struct mmio_dev *dev);
/* returns false if no device claims the address */
bool mmio_access(struct vm *vm, uint64_t addr, uint32_t len, bool is_write, uint8_t *data);

/* mmio_nisv.c: emulate the load/store at pc that hit MMIO at ipa without a syndrome */
int mmio_emulate_nisv(struct vcpu *v, uint64_t ipa, uint64_t pc, char *why, size_t why_len);

/* pl011.c */
int pl011_init(struct vm *vm);
void pl011_start_input(struct vm *vm);
void pl011_restore_tty(void);
void console_tty_raw(void);
void console_watch_output(const uint8_t *buf, size_t len);

/* vcpu.c */
int vcpus_start(struct vm *vm);
void vcpus_kick_all(struct vm *vm);
void vcpus_join(struct vm *vm);

#endif
