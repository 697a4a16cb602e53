// SPDX-License-Identifier: GPL-2.0
/*
 * gzvm-run: command line, VM set-up, lifecycle.  See vmm/README.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <linux/gzvm.h>

#include "vmm.h"
#include "virtio.h"

#define VMM_VERSION	"0.1"
#define DEFAULT_MEM	(256ULL << 20)
#define DEFAULT_CMDLINE	"console=ttyAMA0"

static struct vm the_vm;

static const char usage_text[] =
"usage: " VMM_NAME " --kernel FILE [options]\n"
"       " VMM_NAME " --bios FILE [--bios-vars FILE] [options]\n"
"\n"
"Run a virtual machine on GenieZone (/dev/gzvm) or KVM (/dev/kvm).\n"
"The guest board follows QEMU virt: RAM from 0x40000000, GICv3 at\n"
"0x08000000 (redistributors 0x080a0000), PL011 at 0x09000000 (SPI 1),\n"
"virtio-mmio transports from 0x0a000000, 0x200 apart (SPI 16 + n, edge).\n"
"\n"
"  -k, --kernel FILE       arm64 Image, ELF64 or raw binary (or --bios)\n"
"  -i, --initrd FILE       initramfs\n"
"  -a, --cmdline STRING    kernel command line (default \"" DEFAULT_CMDLINE "\")\n"
"                          (--append is the same)\n"
"  -m, --memory SIZE       guest RAM, e.g. 256M, 1G (default 256M)\n"
"  -c, --cpus N            vCPUs, 1-8 (default 1)\n"
"      --backend gzvm|kvm  hypervisor (default: gzvm if /dev/gzvm exists, else kvm)\n"
"      --load-addr ADDR    where a raw binary goes (default RAM base + 0x80000)\n"
"      --entry ADDR        entry point of a raw binary (implies raw; default\n"
"                          the load address)\n"
"      --bios FILE         firmware (U-Boot, EDK2) in flash bank 0 at 0x0,\n"
"                          started at 0 with x0 = the DTB at 0x40000000;\n"
"                          no --kernel/--initrd (load them from a disk)\n"
"      --bios-vars FILE    a 64 MiB file behind flash bank 1 (0x4000000, the\n"
"                          firmware's variables); default: erased, in memory\n"
"      --console stdio|virtio|none\n"
"                          stdio: the PL011 on stdin/stdout (default);\n"
"                          virtio: a virtio-console (guest hvc0, use\n"
"                          console=hvc0) on stdin/stdout, the PL011 still\n"
"                          writes to stdout (early console); none: neither\n"
"      --dtb-out FILE      also write the generated device tree to FILE\n"
"      --time-marker STR   log when STR first appears on the console, in\n"
"                          seconds since the VMM started\n"
"      --disk FILE[,ro]    a virtio-blk disk on a raw image (repeatable, up to\n"
"                          4: vda, vdb, ...); ,ro: read-only\n"
"      --rng               a virtio-rng fed from getrandom()\n"
"      --net tap=NAME[,mac=xx:xx:xx:xx:xx:xx]\n"
"                          a virtio-net on tap NAME (attached if it exists,\n"
"                          else created for the VM's lifetime); default MAC\n"
"                          02:67:7a:76:6d:0N for the Nth --net (up to 4)\n"
"      --vsock-cid CID     a virtio-vsock with guest CID CID (>= 3) through\n"
"                          the host's /dev/vhost-vsock (module vhost_vsock)\n"
"      --protected         a protected VM (gzvm backend): its memory and\n"
"                          registers are hidden from the host once it runs;\n"
"                          a kernel signed by tools/gzvm-sign is verified and\n"
"                          measured by the hypervisor; no virtio devices yet\n"
"      --channel NAME,KIND[,depth=D][,size=S]\n"
"                          a message channel (gzvm; repeatable, up to 8):\n"
"                          NAME [a-z0-9_-]{1,20}, D messages per direction\n"
"                          (1-255, default 64) of up to S bytes (1-1024,\n"
"                          default 1024).  KIND host=PATH: with the host; each\n"
"                          client of the unix socket PATH gets the host's end;\n"
"                          listen=PATH / connect=PATH: with the VM of another\n"
"                          gzvm-run given the other one (waits up to 60 s)\n"
"  -v, --verbose           more messages on stderr\n"
"  -h, --help              this text\n"
"  -V, --version           the version\n"
"\n"
"The kernel starts at EL1h with interrupts masked and the MMU off, x0 = the\n"
"DTB (placed above the kernel, 2 MiB aligned; the initramfs follows it).\n"
"Secondary vCPUs start through the guest's PSCI CPU_ON (method hvc).\n"
"With a terminal on stdin, Ctrl-a x quits.\n"
"\n"
"Exit status: 0 the guest powered off; 1 VMM error; 2 bad command line;\n"
"3 the guest crashed (or a fatal exit); 4 the guest asked for a reset;\n"
"130 / 143 SIGINT / SIGTERM (or Ctrl-a x: 130).\n";

void vmm_log(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, VMM_NAME ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

void vmm_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, VMM_NAME ": error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

void vmm_dbg(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	if (!vm->cfg->verbose)
		return;
	fprintf(stderr, VMM_NAME ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

double vmm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void vmm_request_exit(struct vm *vm, int code, const char *why)
{
	bool first;

	pthread_mutex_lock(&vm->exit_lock);
	first = !vm->stopping;
	if (first) {
		vm->exit_code = code;
		vm->stopping = 1;
	}
	pthread_mutex_unlock(&vm->exit_lock);
	if (!first)
		return;
	pl011_restore_tty();
	if (code == EXIT_POWEROFF && !vm->cfg->verbose)
		;	/* the normal end: quiet */
	else
		vmm_log("%s (exit status %d)", why, code);
	vcpus_kick_all(vm);
	pthread_kill(vm->main_thread, SIGUSR2);
}

static void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, VMM_NAME ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" VMM_NAME " --help'.\n");
	exit(EXIT_USAGE);
}

static uint64_t parse_size(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || s[0] == '-')
		usage_error("%s: '%s' is not a size (use e.g. 256M or 1G)", opt, s);
	switch (*end) {
	case 'k': case 'K': mul = 1ULL << 10; end++; break;
	case 'm': case 'M': mul = 1ULL << 20; end++; break;
	case 'g': case 'G': mul = 1ULL << 30; end++; break;
	case '\0': mul = 1ULL << 20; break;	/* plain numbers are MiB, as QEMU's -m */
	default: break;
	}
	if (*end == 'i' || *end == 'B')
		end++;
	if (*end)
		usage_error("%s: '%s' is not a size (use e.g. 256M or 1G)", opt, s);
	if (v > (1ULL << 40) / mul)
		usage_error("%s: '%s' is too large", opt, s);
	return v * mul;
}

static uint64_t parse_u64(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-')
		usage_error("%s: '%s' is not a number", opt, s);
	return v;
}

static void add_channel(struct config *cfg, const char *spec)
{
	const char *why;

	if (chan_spec_add(cfg->channels, &cfg->nr_channels, spec, &why))
		usage_error("--channel %s: %s", spec, why);
}

static void add_net(struct config *cfg, const char *spec)
{
	struct net_spec ns;
	const char *why;

	if (cfg->nr_nets == MAX_NETS)
		usage_error("--net: at most %d interfaces", MAX_NETS);
	if (net_spec_parse(spec, cfg->nr_nets, &ns, &why))
		usage_error("--net %s: %s", spec, why);
	cfg->nets[cfg->nr_nets++] = spec;
}

/* 0-2 are the hypervisor, local and host; U32_MAX is VMADDR_CID_ANY */
static uint64_t parse_cid(const char *s)
{
	uint64_t cid = parse_u64("--vsock-cid", s);

	if (cid < 3 || cid >= 0xffffffffULL)
		usage_error("--vsock-cid: %s is not a guest CID (3 to 4294967294)", s);
	return cid;
}

enum {
	OPT_BACKEND = 256, OPT_LOAD_ADDR, OPT_ENTRY, OPT_CONSOLE, OPT_DTB_OUT,
	OPT_TIME_MARKER, OPT_DISK, OPT_NET, OPT_VSOCK, OPT_PROTECTED, OPT_RNG,
	OPT_BIOS, OPT_BIOS_VARS, OPT_CHANNEL,
};

static void parse_args(int argc, char **argv, struct config *cfg)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'a' },
		{ "append", required_argument, NULL, 'a' },
		{ "memory", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "load-addr", required_argument, NULL, OPT_LOAD_ADDR },
		{ "entry", required_argument, NULL, OPT_ENTRY },
		{ "console", required_argument, NULL, OPT_CONSOLE },
		{ "dtb-out", required_argument, NULL, OPT_DTB_OUT },
		{ "time-marker", required_argument, NULL, OPT_TIME_MARKER },
		{ "disk", required_argument, NULL, OPT_DISK },
		{ "rng", no_argument, NULL, OPT_RNG },
		{ "net", required_argument, NULL, OPT_NET },
		{ "vsock-cid", required_argument, NULL, OPT_VSOCK },
		{ "protected", no_argument, NULL, OPT_PROTECTED },
		{ "bios", required_argument, NULL, OPT_BIOS },
		{ "bios-vars", required_argument, NULL, OPT_BIOS_VARS },
		{ "channel", required_argument, NULL, OPT_CHANNEL },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*cfg = (struct config){
		.cmdline = DEFAULT_CMDLINE,
		.mem_size = DEFAULT_MEM,
		.nr_cpus = 1,
		.load_addr = RAM_BASE + 0x80000,
		.console = "stdio",
	};
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:i:a:m:c:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'k': cfg->kernel = optarg; break;
		case 'i': cfg->initrd = optarg; break;
		case 'a': cfg->cmdline = optarg; break;
		case 'm': cfg->mem_size = parse_size("--memory", optarg); break;
		case 'c': {
			uint64_t n = parse_u64("--cpus", optarg);

			if (n < 1 || n > MAX_VCPUS)
				usage_error("--cpus: %s is out of range (1-%d)", optarg, MAX_VCPUS);
			cfg->nr_cpus = (int)n;
			break;
		}
		case OPT_BACKEND:
			if (strcmp(optarg, "gzvm") && strcmp(optarg, "kvm"))
				usage_error("--backend: '%s' is neither gzvm nor kvm", optarg);
			cfg->backend = optarg;
			break;
		case OPT_LOAD_ADDR: cfg->load_addr = parse_u64("--load-addr", optarg); break;
		case OPT_ENTRY:
			cfg->entry = parse_u64("--entry", optarg);
			cfg->have_entry = true;
			break;
		case OPT_CONSOLE:
			if (strcmp(optarg, "stdio") && strcmp(optarg, "virtio") && strcmp(optarg, "none"))
				usage_error("--console: '%s' is not stdio, virtio or none", optarg);
			cfg->console = optarg;
			break;
		case OPT_DTB_OUT: cfg->dtb_out = optarg; break;
		case OPT_TIME_MARKER:
			if (!*optarg)
				usage_error("--time-marker: empty string");
			cfg->time_marker = optarg;
			break;
		case OPT_DISK:
			if (cfg->nr_disks == MAX_DISKS)
				usage_error("--disk: at most %d disks", MAX_DISKS);
			if (!*optarg || *optarg == ',')
				usage_error("--disk: expected FILE or FILE,ro");
			cfg->disks[cfg->nr_disks++] = optarg;
			break;
		case OPT_RNG: cfg->rng = true; break;
		case OPT_NET: add_net(cfg, optarg); break;
		case OPT_VSOCK: cfg->vsock_cid = parse_cid(optarg); break;
		case OPT_BIOS: cfg->bios = optarg; break;
		case OPT_BIOS_VARS: cfg->bios_vars = optarg; break;
		case OPT_PROTECTED: cfg->protected_vm = true; break;
		case OPT_CHANNEL: add_channel(cfg, optarg); break;
		case 'v': cfg->verbose++; break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case 'V':
			printf(VMM_NAME " " VMM_VERSION "\n");
			exit(0);
		case ':':
			usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt)
				usage_error("unknown option '-%c'", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (cfg->bios && (cfg->kernel || cfg->initrd || cfg->have_entry))
		usage_error("--bios: the firmware loads the kernel; no --kernel, --initrd or --entry");
	if (cfg->bios_vars && !cfg->bios)
		usage_error("--bios-vars: only with --bios");
	if (!cfg->kernel && !cfg->bios)
		usage_error("no kernel: --kernel FILE (or --bios FILE) is required");
	if (cfg->mem_size < (16ULL << 20) || (cfg->mem_size & 0x1fffff))
		usage_error("--memory: at least 16M, in whole 2M units");
	if (RAM_BASE + cfg->mem_size > (1ULL << 40))
		usage_error("--memory: RAM would end above 1 TiB (40-bit IPA)");
	/*
	 * A protected guest's virtio buffers are bounced through pages it
	 * shares (VIRTIO_F_ACCESS_PLATFORM, guest/gzvm_shared_dma.c);
	 * the vhost backends and the firmware's own devices cannot do that.
	 */
	if (cfg->protected_vm && (cfg->nr_nets || cfg->vsock_cid || cfg->bios))
		usage_error("--protected: no --net, --vsock-cid or --bios yet: only the VMM's "
			    "own virtio devices bounce through memory the guest shares");
	if (cfg->protected_vm && cfg->backend && !strcmp(cfg->backend, "kvm"))
		usage_error("--protected: only with the gzvm backend");
	if (cfg->load_addr < RAM_BASE || cfg->load_addr >= RAM_BASE + cfg->mem_size)
		usage_error("--load-addr: 0x%llx is not in guest RAM",
			    (unsigned long long)cfg->load_addr);
}

static const struct backend *pick_backend(const struct config *cfg)
{
	if (cfg->backend)
		return strcmp(cfg->backend, "kvm") ? &backend_gzvm : &backend_kvm;
	if (access("/dev/gzvm", F_OK) == 0)
		return &backend_gzvm;
	return &backend_kvm;
}

static int write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

/* In this order: transport n is at VIRTIO_MMIO_BASE + 0x200 n. */
static int create_virtio_devices(struct vm *vm)
{
	const struct config *cfg = vm->cfg;

	if (!strcmp(cfg->console, "virtio") && virtio_console_create(vm))
		return -1;
	for (int i = 0; i < cfg->nr_disks; i++)
		if (virtio_blk_create(vm, cfg->disks[i]))
			return -1;
	if (cfg->rng && virtio_rng_create(vm))
		return -1;
	for (int i = 0; i < cfg->nr_nets; i++)
		if (virtio_net_create(vm, cfg->nets[i], i))
			return -1;
	if (cfg->vsock_cid && virtio_vsock_create(vm, cfg->vsock_cid))
		return -1;
	return 0;
}

/*
 * A protected guest's memory faults for the VMM, except the pages the guest
 * shares: a device given anything else (a guest without gzvm_shared_dma,
 * or a hostile one) is a SIGBUS in the thread touching it.  That is the
 * guest's own doing, so it ends the VM with a message rather than a bare
 * signal; a SIGBUS anywhere else keeps its default action.
 */
static const struct vm *sigbus_vm;

static void put_hex(char *p, uint64_t v)
{
	for (int i = 15; i >= 0; i--, v >>= 4)
		p[i] = "0123456789abcdef"[v & 15];
}

static void protected_sigbus(int sig, siginfo_t *si, void *uc)
{
	static const char msg[] = "gzvm-run: a device touched guest memory at 0x"
				  "................ that the protected guest does not "
				  "share with the host; stopping (status 1)\n";
	char line[sizeof(msg)];
	uintptr_t a = (uintptr_t)si->si_addr;

	(void)uc;
	for (int i = 0; i < sigbus_vm->nr_slots; i++) {
		const struct mem_slot *m = &sigbus_vm->slots[i];

		if (a >= (uintptr_t)m->hva && a - (uintptr_t)m->hva < m->size) {
			memcpy(line, msg, sizeof(msg));
			put_hex(line + sizeof("gzvm-run: a device touched guest memory at 0x") - 1,
				m->gpa + (a - (uintptr_t)m->hva));
			if (write(STDERR_FILENO, line, sizeof(line) - 1) < 0) {
				/* nothing more to say */
			}
			pl011_restore_tty();	/* tcsetattr: async-signal-safe */
			_exit(1);
		}
	}
	signal(sig, SIG_DFL);	/* not guest memory: the fault recurs and kills, as it would have */
}

/* Last before the first run: from then on the host sees neither memory nor registers. */
static int set_protected(struct vm *vm)
{
	struct sigaction sa = { .sa_sigaction = protected_sigbus, .sa_flags = SA_SIGINFO };
	int r;

	if (!vm->be->set_protected) {
		vmm_err("--protected: the %s backend has no protected VMs", vm->be->name);
		return -1;
	}
	r = vm->be->set_protected(vm, vm->payload_gpa, vm->payload_size);
	if (r) {
		vmm_err("ENABLE_CAP(PROTECTED_VM): %s", strerror(-r));
		return -1;
	}
	sigbus_vm = vm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	if (vm->payload_size)
		vmm_log("protected VM: the hypervisor checks the signed kernel (%llu bytes at 0x%llx) "
			"at the first run", (unsigned long long)vm->payload_size,
			(unsigned long long)vm->payload_gpa);
	else
		vmm_log("protected VM: the kernel is not signed (tools/gzvm-sign): "
			"a hypervisor booted with pvm_key= refuses to run it");
	return 0;
}

static int setup(struct vm *vm)
{
	const struct config *cfg = vm->cfg;
	void *dtb;
	int r;

	r = vm->be->create_vm(vm);
	if (r) {
		if (r == -ENOENT)
			vmm_err("%s: no such device (is %s loaded?)", vm->be->dev,
				vm->be == &backend_gzvm ? "gzvm.ko" : "KVM: host at EL2");
		else
			vmm_err("creating the VM on %s: %s", vm->be->dev, strerror(-r));
		return -1;
	}
	r = vm_add_ram(vm, RAM_BASE, cfg->mem_size);
	if (r) {
		vmm_err("guest RAM (%llu MiB at 0x%llx): %s",
			(unsigned long long)(cfg->mem_size >> 20), (unsigned long long)RAM_BASE,
			strerror(-r));
		return -1;
	}
	r = vm->be->create_gic(vm);
	if (r) {
		vmm_err("creating the vGICv3: %s", strerror(-r));
		return -1;
	}
	if (cfg->bios ? firmware_load(vm) : (load_kernel(vm) || load_initrd(vm)))
		return -1;

	for (int i = 0; i < cfg->nr_cpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->vm = vm;
		v->id = i;
		v->fd = -1;
		vm->nr_vcpus = i + 1;
		r = vm->be->create_vcpu(vm, v);
		if (r) {
			vmm_err("creating vCPU %d: %s", i, strerror(-r));
			return -1;
		}
	}
	r = vm->be->finalize(vm);
	if (r) {
		vmm_err("initialising the vGIC: %s", strerror(-r));
		return -1;
	}

	if (create_virtio_devices(vm))
		return -1;
	/* after the transports (the doorbells take the next SPIs), before the DTB */
	if (channels_setup(vm))
		return -1;

	/* the DTB, in guest RAM */
	dtb = gpa_to_hva(vm, vm->dtb_gpa, vm->dtb_size);
	if (!dtb || build_fdt(vm, dtb, 0x10000))
		return -1;
	if (cfg->dtb_out && (r = write_file(cfg->dtb_out, dtb, 0x10000))) {
		vmm_err("--dtb-out %s: %s", cfg->dtb_out, strerror(-r));
		return -1;
	}
	r = vm->be->set_dtb(vm, vm->dtb_gpa, vm->dtb_size);
	if (r) {
		vmm_err("SET_DTB_CONFIG: %s", strerror(-r));
		return -1;
	}
	if (pl011_init(vm))
		return -1;

	/* the boot vCPU; the others wait for CPU_ON (gzvm: their PC stays unset) */
	{
		struct vcpu *v = &vm->vcpus[0];
		static const struct { uint64_t id; int which; } regs[] = {
			{ GZVM_REG_ARM64_PSTATE, 0 }, { GZVM_REG_ARM64_X(0), 1 },
			{ GZVM_REG_ARM64_X(1), 2 }, { GZVM_REG_ARM64_X(2), 2 },
			{ GZVM_REG_ARM64_X(3), 2 }, { GZVM_REG_ARM64_PC, 3 },
		};

		for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
			uint64_t val = regs[i].which == 0 ? 0x3c5 :	/* EL1h, DAIF masked */
				       regs[i].which == 1 ? vm->dtb_gpa :
				       regs[i].which == 2 ? 0 : vm->entry;

			r = vm->be->set_reg(v, regs[i].id, val);
			if (r) {
				vmm_err("vCPU 0: SET_ONE_REG 0x%llx: %s",
					(unsigned long long)regs[i].id, strerror(-r));
				return -1;
			}
		}
	}
	if (cfg->protected_vm && set_protected(vm))
		return -1;
	vmm_dbg(vm, "%s backend, %d vCPU(s), %llu MiB, entry 0x%llx, DTB 0x%llx, initrd 0x%llx+0x%llx",
		vm->be->name, cfg->nr_cpus, (unsigned long long)(cfg->mem_size >> 20),
		(unsigned long long)vm->entry, (unsigned long long)vm->dtb_gpa,
		(unsigned long long)vm->initrd_gpa, (unsigned long long)vm->initrd_size);
	return 0;
}

static void teardown(struct vm *vm)
{
	channels_teardown(vm);
	vm->be->destroy(vm);
	virtio_mmio_destroy_all(vm);
	/* the memory only after the VM is gone (the driver unpins on close) */
	for (int i = 0; i < vm->nr_slots; i++)
		munmap(vm->slots[i].map_base, vm->slots[i].map_size);
	vm->nr_slots = 0;
}

int main(int argc, char **argv)
{
	static struct config cfg;
	struct vm *vm = &the_vm;
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	sigset_t set;
	int sig;

	parse_args(argc, argv, &cfg);
	memset(vm, 0, sizeof(*vm));
	vm->cfg = &cfg;
	vm->be = pick_backend(&cfg);
	vm->dev_fd = vm->fd = vm->gic_fd = -1;
	vm->t_start = vmm_now();
	vm->main_thread = pthread_self();
	pthread_mutex_init(&vm->exit_lock, NULL);
	/* guest pages are pinned and charged to RLIMIT_MEMLOCK: lift it if we may */
	setrlimit(RLIMIT_MEMLOCK, &rl);

	/* every thread inherits this; vCPU threads unblock only SIGUSR1 */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if (setup(vm)) {
		pl011_restore_tty();
		teardown(vm);
		return EXIT_VMM_ERROR;
	}
	pl011_start_input(vm);
	if (virtio_io_start(vm)) {
		vmm_err("cannot start the virtio I/O thread");
		pl011_restore_tty();
		teardown(vm);
		return EXIT_VMM_ERROR;
	}
	if (vcpus_start(vm))
		vmm_request_exit(vm, EXIT_VMM_ERROR, "could not start the vCPUs");

	sigdelset(&set, SIGUSR1);
	for (;;) {
		if (sigwait(&set, &sig))
			continue;
		if (sig == SIGUSR2 && vm->stopping)
			break;
		if (sig == SIGINT || sig == SIGTERM)
			vmm_request_exit(vm, 128 + sig, sig == SIGINT ? "SIGINT" : "SIGTERM");
	}
	vcpus_join(vm);
	/* no device may touch guest memory once it is unmapped */
	virtio_io_stop(vm);
	pl011_restore_tty();
	if (cfg.verbose)
		for (int i = 0; i < vm->nr_vcpus; i++)
			vmm_log("vCPU %d: %llu exits, %llu MMIO (%llu without syndrome)", i,
				(unsigned long long)vm->vcpus[i].nr_exits,
				(unsigned long long)vm->vcpus[i].nr_mmio,
				(unsigned long long)vm->vcpus[i].nr_nisv);
	teardown(vm);
	return vm->exit_code;
}
