// SPDX-License-Identifier: GPL-2.0
/*
 * The bench guest: microbenchmarks of gzvm-run's board, measured with the
 * virtual counter.  Under QEMU's -icount shift=0 the counter is a function
 * of the instructions executed (1 ns each), so each figure is a repeatable
 * instruction count of everything the operation costs on every CPU:
 * hypervisor, host kernel and VMM.
 *
 * Freestanding, EL1, MMU off (every data access is Device memory: aligned
 * accesses only, no exclusives).  Output goes to the PL011 one character
 * at a time; tools/bench.sh parses these lines:
 *   BENCH-START freq=<CNTFRQ_EL0 Hz>
 *   BENCH <name> iters=<N> ticks=<t1>,<t2>,...	(counter ticks per batch of N)
 *   BENCH-ERROR <name> <reason>
 *   BENCH-DONE
 * and then the guest powers off with PSCI SYSTEM_OFF.
 */
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned char u8;
typedef _Bool bool;

#define RAM_BASE	0x40000000UL
#define UART_BASE	0x09000000UL
#define UART_DR		0x000
#define UART_FR		0x018
#define UART_ILPR	0x020	/* IrDA low-power divisor: storage only */
#define UART_FR_TXFF	(1U << 5)
#define GICD_BASE	0x08000000UL
#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IGROUPR	0x0080
#define GICD_ISENABLER	0x0100
#define GICD_IPRIORITYR	0x0400
#define GICD_ICFGR	0x0c00
#define GICD_IROUTER	0x6000
#define GICR_BASE	0x080A0000UL
#define GICR_STRIDE	0x20000UL
#define GICR_SGI	0x10000UL
#define GICR_WAKER	0x0014
#define GICR_IGROUPR0	(GICR_SGI + 0x0080)
#define GICR_ISENABLER0	(GICR_SGI + 0x0100)
#define GICR_IPRIORITYR	(GICR_SGI + 0x0400)

#define PSCI_VERSION	0x84000000UL
#define PSCI_SYSTEM_OFF	0x84000008UL
#define PSCI_CPU_ON64	0xc4000003UL

/* gzvm-run --rng alone: the virtio-rng is transport 0, SPI 16 (edge) */
#define VIRTIO_BASE	0x0a000000UL
#define INTID_VIRTIO	(32 + 16)

#define SGI_BENCH	1
#define INTID_VTIMER	27
#define SPURIOUS	1023

#define BATCHES		15

#define read_sysreg(r) ({ u64 __v; asm volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(v, r) asm volatile("msr " #r ", %x0" : : "rZ"((u64)(v)))
#define isb() asm volatile("isb" ::: "memory")
#define RD(x) (*(volatile __typeof__(x) *)&(x))
#define WR(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

static inline u32 mmio_r32(u64 a) { u32 v; asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory"); return v; }
static inline void mmio_w32(u64 a, u32 v) { asm volatile("str %w0, [%1]" : : "rZ"(v), "r"(a) : "memory"); }
static inline void mmio_w8(u64 a, u8 v) { asm volatile("strb %w0, [%1]" : : "rZ"((u32)v), "r"(a) : "memory"); }
static inline u64 counter(void) { isb(); return read_sysreg(cntvct_el0); }
static inline void irq_enable(void) { asm volatile("msr daifclr, #2" ::: "memory"); }
static inline void irq_disable(void) { asm volatile("msr daifset, #2" ::: "memory"); }
static inline void wfi(void) { asm volatile("dsb sy; wfi" ::: "memory"); }
static inline u32 cpu_id(void) { return (u32)(read_sysreg(mpidr_el1) & 0xff); }

extern char secondary_entry[];
void bench_main(void);
void bench_secondary(void);
void bench_irq(u64 stamp);
void bench_exit(void) __attribute__((noreturn));
void bench_exception(u64 kind, u64 esr, u64 elr, u64 far) __attribute__((noreturn));

/* ---- output ---- */

static void putc_uart(char c)
{
	while (mmio_r32(UART_BASE + UART_FR) & UART_FR_TXFF)
		;
	mmio_w8(UART_BASE + UART_DR, (u8)c);
}

static void puts_uart(const char *s)
{
	while (*s)
		putc_uart(*s++);
}

static void put_u64(u64 v)
{
	char buf[21];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		putc_uart(buf[--n]);
}

static void put_hex(u64 v)
{
	puts_uart("0x");
	for (int s = 60; s >= 0; s -= 4)
		putc_uart("0123456789abcdef"[(v >> s) & 0xf]);
}

static void report(const char *name, u64 iters, const u64 *ticks)
{
	puts_uart("BENCH ");
	puts_uart(name);
	puts_uart(" iters=");
	put_u64(iters);
	puts_uart(" ticks=");
	for (int b = 0; b < BATCHES; b++) {
		if (b)
			putc_uart(',');
		put_u64(ticks[b]);
	}
	putc_uart('\n');
}

static void report_error(const char *name, const char *why)
{
	puts_uart("BENCH-ERROR ");
	puts_uart(name);
	putc_uart(' ');
	puts_uart(why);
	putc_uart('\n');
}

/* ---- PSCI ---- */

static u64 hvc3(u64 fid, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 asm("x0") = fid;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;

	asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : :
		     "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
		     "x14", "x15", "x16", "x17", "memory");
	return x0;
}

void bench_exit(void)
{
	for (;;)
		hvc3(PSCI_SYSTEM_OFF, 0, 0, 0);
}

void bench_exception(u64 kind, u64 esr, u64 elr, u64 far)
{
	puts_uart("BENCH-ERROR exception kind=");
	put_u64(kind);
	puts_uart(" esr=");
	put_hex(esr);
	puts_uart(" elr=");
	put_hex(elr);
	puts_uart(" far=");
	put_hex(far);
	putc_uart('\n');
	bench_exit();
}

/* ---- GIC ---- */

static void gic_dist_init(void)
{
	mmio_w32(GICD_BASE + GICD_CTLR, 1U << 1);	/* EnableGrp1 (ARE is RAO) */
}

/* this vCPU: awake, SGIs/PPIs group 1, the given ones enabled at 0xa0 */
static void gic_cpu_init(u32 enable_mask)
{
	u64 rd = GICR_BASE + cpu_id() * GICR_STRIDE;

	mmio_w32(rd + GICR_WAKER, 0);
	while (mmio_r32(rd + GICR_WAKER) & 4)
		;
	mmio_w32(rd + GICR_IGROUPR0, 0xffffffff);
	for (u32 i = 0; i < 32; i++)
		if (enable_mask & (1U << i))
			mmio_w8(rd + GICR_IPRIORITYR + i, 0xa0);
	mmio_w32(rd + GICR_ISENABLER0, enable_mask);
	write_sysreg(0xff, s3_0_c4_c6_0);		/* ICC_PMR_EL1 */
	write_sysreg(1, s3_0_c12_c12_7);		/* ICC_IGRPEN1_EL1 */
	isb();
}

static void send_sgi(u32 sgi, u32 target)
{
	/* Aff3..1 = 0, RS = 0, target list bit Aff0 */
	write_sysreg(((u64)sgi << 24) | (1U << target), s3_0_c12_c11_5);	/* ICC_SGI1R_EL1 */
	isb();
}

/* an SPI: group 1, priority 0xa0, edge-triggered, routed to vCPU 0, enabled */
static void gic_spi_enable_edge(u32 intid)
{
	u32 bit = 1U << (intid % 32);
	u64 cfg = GICD_BASE + GICD_ICFGR + intid / 16 * 4;

	mmio_w32(GICD_BASE + GICD_IGROUPR + intid / 32 * 4,
		 mmio_r32(GICD_BASE + GICD_IGROUPR + intid / 32 * 4) | bit);
	mmio_w8(GICD_BASE + GICD_IPRIORITYR + intid, 0xa0);
	mmio_w32(cfg, mmio_r32(cfg) | 2U << (intid % 16 * 2));
	mmio_w32(GICD_BASE + GICD_IROUTER + intid * 8, 0);
	mmio_w32(GICD_BASE + GICD_IROUTER + intid * 8 + 4, 0);
	mmio_w32(GICD_BASE + GICD_ISENABLER + intid / 32 * 4, bit);
}

/* ---- virtio-rng (virtio-mmio version 2, one split queue) ---- */

#define VIRTIO_MAGIC		0x000
#define VIRTIO_VERSION		0x004
#define VIRTIO_DEVICE_ID	0x008
#define VIRTIO_DEV_FEATURES	0x010
#define VIRTIO_DEV_FEATURES_SEL	0x014
#define VIRTIO_DRV_FEATURES	0x020
#define VIRTIO_DRV_FEATURES_SEL	0x024
#define VIRTIO_QUEUE_SEL	0x030
#define VIRTIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_QUEUE_NUM	0x038
#define VIRTIO_QUEUE_READY	0x044
#define VIRTIO_QUEUE_NOTIFY	0x050
#define VIRTIO_INT_STATUS	0x060
#define VIRTIO_INT_ACK		0x064
#define VIRTIO_STATUS		0x070
#define VIRTIO_QUEUE_DESC	0x080
#define VIRTIO_QUEUE_DRIVER	0x090
#define VIRTIO_QUEUE_DEVICE	0x0a0
#define VIRTIO_S_ACK		1
#define VIRTIO_S_DRIVER		2
#define VIRTIO_S_DRIVER_OK	4
#define VIRTIO_S_FEATURES_OK	8
#define VIRTIO_ID_RNG		4
#define VRING_DESC_F_WRITE	2
#define VQ_SIZE			4

/*
 * The split ring, in guest RAM.  With the MMU off every access is to
 * Device memory, so the VMM sees each store as soon as it is done (and
 * QEMU models no caches): no cache maintenance.
 */
struct vq_desc { u64 addr; u32 len; unsigned short flags, next; };
struct vq_avail { unsigned short flags, idx, ring[VQ_SIZE], used_event; };
struct vq_used_elem { u32 id, len; };
struct vq_used { unsigned short flags, idx; struct vq_used_elem ring[VQ_SIZE]; unsigned short avail_event; };
static struct {
	struct vq_desc desc[VQ_SIZE];
	struct vq_avail avail;
	struct vq_used used __attribute__((aligned(4)));
	u8 buf[16];
} vq __attribute__((aligned(4096)));
static u64 virtio_count;	/* vCPU 0: used-buffer interrupts taken */

static void virtio_irq(void)
{
	u32 st = mmio_r32(VIRTIO_BASE + VIRTIO_INT_STATUS);

	mmio_w32(VIRTIO_BASE + VIRTIO_INT_ACK, st);
	if (st & 1)
		WR(virtio_count, virtio_count + 1);
}

static void virtio_w64(u32 reg, u64 v)
{
	mmio_w32(VIRTIO_BASE + reg, (u32)v);
	mmio_w32(VIRTIO_BASE + reg + 4, (u32)(v >> 32));
}

/* NULL when the device works, else why not */
static const char *virtio_rng_init(void)
{
	u64 b = VIRTIO_BASE;

	if (mmio_r32(b + VIRTIO_MAGIC) != 0x74726976 || mmio_r32(b + VIRTIO_VERSION) != 2 ||
	    mmio_r32(b + VIRTIO_DEVICE_ID) != VIRTIO_ID_RNG)
		return "no virtio-rng at 0x0a000000 (gzvm-run --rng)";
	mmio_w32(b + VIRTIO_STATUS, 0);
	mmio_w32(b + VIRTIO_STATUS, VIRTIO_S_ACK | VIRTIO_S_DRIVER);
	mmio_w32(b + VIRTIO_DEV_FEATURES_SEL, 1);
	if (!(mmio_r32(b + VIRTIO_DEV_FEATURES) & 1))
		return "the device does not offer VIRTIO_F_VERSION_1";
	mmio_w32(b + VIRTIO_DRV_FEATURES_SEL, 1);
	mmio_w32(b + VIRTIO_DRV_FEATURES, 1);		/* VERSION_1 */
	mmio_w32(b + VIRTIO_DRV_FEATURES_SEL, 0);
	mmio_w32(b + VIRTIO_DRV_FEATURES, 0);
	mmio_w32(b + VIRTIO_STATUS, VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK);
	if (!(mmio_r32(b + VIRTIO_STATUS) & VIRTIO_S_FEATURES_OK))
		return "FEATURES_OK did not stick";
	mmio_w32(b + VIRTIO_QUEUE_SEL, 0);
	if (mmio_r32(b + VIRTIO_QUEUE_NUM_MAX) < VQ_SIZE)
		return "queue 0 is too small";
	mmio_w32(b + VIRTIO_QUEUE_NUM, VQ_SIZE);
	virtio_w64(VIRTIO_QUEUE_DESC, (u64)vq.desc);
	virtio_w64(VIRTIO_QUEUE_DRIVER, (u64)&vq.avail);
	virtio_w64(VIRTIO_QUEUE_DEVICE, (u64)&vq.used);
	mmio_w32(b + VIRTIO_QUEUE_READY, 1);
	mmio_w32(b + VIRTIO_STATUS, VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK |
		 VIRTIO_S_DRIVER_OK);
	gic_spi_enable_edge(INTID_VIRTIO);
	return 0;
}

/* ---- interrupts ---- */

static u64 ipi_count;		/* vCPU 0: pongs received */
static u64 timer_late;		/* vCPU 0: handler entry - CNTV_CVAL */
static u64 timer_count;
static u64 unexpected_irq;

void bench_irq(u64 stamp)
{
	u64 iar = read_sysreg(s3_0_c12_c12_0);		/* ICC_IAR1_EL1 */
	u32 intid = (u32)(iar & 0xffffff);

	if (intid >= 1020)
		return;
	if (intid == SGI_BENCH && cpu_id() == 1) {
		send_sgi(SGI_BENCH, 0);		/* pong */
	} else if (intid == SGI_BENCH) {
		WR(ipi_count, ipi_count + 1);
	} else if (intid == INTID_VIRTIO) {
		virtio_irq();
	} else if (intid == INTID_VTIMER) {
		/* disable: the line goes down before the EOI */
		write_sysreg(0, cntv_ctl_el0);
		isb();
		WR(timer_late, stamp - read_sysreg(cntv_cval_el0));
		WR(timer_count, timer_count + 1);
	} else {
		WR(unexpected_irq, intid);
	}
	write_sysreg(iar, s3_0_c12_c12_1);		/* ICC_EOIR1_EL1 */
	isb();
}

/* ---- the benchmarks: each op() does one operation ---- */

static u64 ticks[BATCHES];

typedef void (*op_fn)(void);

static void run_batches(const char *name, op_fn op, u64 iters)
{
	for (int b = 0; b < BATCHES; b++) {
		u64 t0 = counter();

		for (u64 i = 0; i < iters; i++)
			op();
		ticks[b] = counter() - t0;
	}
	report(name, iters, ticks);
}

static void op_nothing(void) { asm volatile("" ::: "memory"); }
static void op_hvc(void) { hvc3(PSCI_VERSION, 0, 0, 0); }
static void op_mmio_read(void) { (void)mmio_r32(UART_BASE + UART_FR); }
static u32 ilpr;
static void op_mmio_write(void) { mmio_w32(UART_BASE + UART_ILPR, ilpr); }
static void op_gicd_read(void) { (void)mmio_r32(GICD_BASE + GICD_TYPER); }
static void op_eoi(void) { write_sysreg(SPURIOUS, s3_0_c12_c12_1); isb(); }

/*
 * First touch of fresh guest RAM: every op stores to the next address,
 * stride apart, in an area no benchmark touched before.  fault_4k touches
 * each 4 KiB page of one 2 MiB block per batch, so that its per-page
 * figure is the average over whole blocks whatever granule the backend
 * maps on a fault; fault_2m touches one word per 2 MiB block.
 */
static u64 touch_next, touch_stride;
static void op_touch(void)
{
	*(volatile u64 *)touch_next = 1;
	touch_next += touch_stride;
}

static bool touch_fits(u64 start, u64 stride, u64 iters, u64 ram_end)
{
	return start + stride * iters * BATCHES <= ram_end;
}

static void bench_fault(const char *name, u64 start, u64 stride, u64 iters, u64 ram_end)
{
	if (!touch_fits(start, stride, iters, ram_end)) {
		report_error(name, "guest RAM too small (gzvm-run --memory 512M)");
		return;
	}
	touch_next = start;
	touch_stride = stride;
	run_batches(name, op_touch, iters);
}

/*
 * IPI ping-pong: vCPU 0 sends SGI 1 to vCPU 1, whose handler sends it
 * back; both wait in WFI.  Under -icount QEMU runs the CPUs round robin,
 * and a CPU that spins keeps the other one from running until its time
 * slice ends (tens of ms of virtual time), so nobody spins here.
 */
static bool secondary_up;
static void op_ipi(void)
{
	u64 seen = RD(ipi_count);

	send_sgi(SGI_BENCH, 1);
	while (RD(ipi_count) == seen)
		wfi();
}

void bench_secondary(void)
{
	gic_cpu_init(1U << SGI_BENCH);
	WR(secondary_up, 1);
	irq_enable();
	for (;;)
		wfi();
}

static bool start_secondary(void)
{
	u64 r = hvc3(PSCI_CPU_ON64, 1, (u64)secondary_entry, 0);
	u64 end = counter() + read_sysreg(cntfrq_el0);	/* 1 s */

	if (r != 0)
		return 0;
	while (!RD(secondary_up) && counter() < end)
		;
	return RD(secondary_up);
}

/*
 * virtio request round trip: one 16-byte buffer offered to the rng, its
 * QueueNotify (an ioeventfd on both backends: no VMM exit), the VMM's I/O
 * thread fills it, its irqfd raises the SPI, vCPU 0 wakes from WFI into
 * the handler; the op ends when the interrupt was taken.
 */
static void op_virtio(void)
{
	u64 seen = RD(virtio_count);
	unsigned short idx = RD(vq.avail.idx);

	WR(vq.desc[0].addr, (u64)vq.buf);
	WR(vq.desc[0].len, (u32)sizeof(vq.buf));
	WR(vq.desc[0].flags, (unsigned short)VRING_DESC_F_WRITE);
	WR(vq.avail.ring[idx % VQ_SIZE], (unsigned short)0);
	asm volatile("dmb st" ::: "memory");
	WR(vq.avail.idx, (unsigned short)(idx + 1));
	asm volatile("dsb st" ::: "memory");
	mmio_w32(VIRTIO_BASE + VIRTIO_QUEUE_NOTIFY, 0);
	/* masked while deciding to wait: an interrupt between the test and
	 * the WFI would otherwise leave nothing to wake it */
	while (RD(virtio_count) == seen) {
		irq_disable();
		if (RD(virtio_count) == seen)
			wfi();
		irq_enable();
	}
}

/*
 * Timer: CNTV_CVAL = now + 100 us, wait (spinning or in WFI) until the
 * handler ran; an op's cost is how late the handler ran.
 */
static u64 timer_sum;
static bool timer_wfi;
static void op_timer(void)
{
	u64 seen = RD(timer_count);

	write_sysreg(counter() + read_sysreg(cntfrq_el0) / 10000, cntv_cval_el0);
	write_sysreg(1, cntv_ctl_el0);
	isb();
	while (RD(timer_count) == seen)
		if (timer_wfi)
			wfi();
	timer_sum += RD(timer_late);
}

static void bench_timer(const char *name, bool use_wfi, u64 iters)
{
	timer_wfi = use_wfi;
	for (int b = 0; b < BATCHES; b++) {
		timer_sum = 0;
		for (u64 i = 0; i < iters; i++)
			op_timer();
		ticks[b] = timer_sum;
	}
	report(name, iters, ticks);
}

/* wait in WFI for ms milliseconds of virtual time (IRQs unmasked) */
static void settle(u64 ms)
{
	u64 seen = RD(timer_count);

	write_sysreg(counter() + read_sysreg(cntfrq_el0) / 1000 * ms, cntv_cval_el0);
	write_sysreg(1, cntv_ctl_el0);
	isb();
	while (RD(timer_count) == seen)
		wfi();
}

#if defined(BENCH_IDLE)
/*
 * bench-idle.bin: an idle guest, one vCPU in WFI woken by its virtual
 * timer every 10 ms (an idle kernel with HZ=100), for 12 s, then off;
 * tests/bench/init-bench.sh samples the VMM's CPU time meanwhile.
 */
void bench_main(void)
{
	u64 period = read_sysreg(cntfrq_el0) / 100;

	gic_dist_init();
	gic_cpu_init(1U << INTID_VTIMER);
	irq_enable();
	for (int i = 0; i < 1200; i++) {
		u64 seen = RD(timer_count);

		write_sysreg(counter() + period, cntv_cval_el0);
		write_sysreg(1, cntv_ctl_el0);
		isb();
		while (RD(timer_count) == seen)
			wfi();
	}
	puts_uart("BENCH-IDLE-DONE\n");
}
#elif defined(BENCH_PROFILE)
/*
 * bench-profile-<op>.bin (tools/bench-profile.sh): BENCH_PROFILE (op_hvc,
 * op_mmio_read, ...) in a loop for 60 s of virtual time, called through a
 * pointer so that each operation starts at its function's entry; QEMU
 * traces every instruction for a while and ends before the loop does.
 */
static op_fn profile_op = BENCH_PROFILE;

void bench_main(void)
{
	u64 end;

	gic_dist_init();
	gic_cpu_init(0);
	puts_uart("BENCH-PROFILE-BEGIN\n");
	end = counter() + 60 * read_sysreg(cntfrq_el0);
	while (counter() < end)
		for (int i = 0; i < 100; i++)
			RD(profile_op)();
	puts_uart("BENCH-PROFILE-END\n");
}
#else
void bench_main(void)
{
	/* tools/bench.sh runs this guest with gzvm-run --memory 512M */
	u64 ram_end = RAM_BASE + (512UL << 20);

	puts_uart("BENCH-START freq=");
	put_u64(read_sysreg(cntfrq_el0));
	putc_uart('\n');

	gic_dist_init();
	gic_cpu_init(1U << INTID_VTIMER | 1U << SGI_BENCH);
	ilpr = mmio_r32(UART_BASE + UART_ILPR);

	/*
	 * Idle for 100 ms first: the host's /init pins the vCPU threads
	 * meanwhile, and every instruction any CPU executes counts, so the
	 * host must be quiet before the first measurement.
	 */
	irq_enable();
	settle(100);
	irq_disable();

	run_batches("loop", op_nothing, 1000);
	run_batches("hvc", op_hvc, 200);
	run_batches("mmio_read", op_mmio_read, 50);
	run_batches("mmio_write", op_mmio_write, 50);
	run_batches("gicd_read", op_gicd_read, 200);
	run_batches("eoi", op_eoi, 1000);

	irq_enable();
	bench_timer("timer_spin", 0, 10);
	bench_timer("timer_wfi", 1, 10);
	irq_disable();

	if (start_secondary()) {
		irq_enable();
		run_batches("ipi", op_ipi, 20);
		irq_disable();
	} else {
		report_error("ipi", "vCPU 1 did not start (PSCI CPU_ON)");
	}

	{
		const char *why = virtio_rng_init();

		if (why) {
			report_error("virtio_rng", why);
		} else {
			irq_enable();
			run_batches("virtio_rng", op_virtio, 20);
			irq_disable();
		}
	}

	bench_fault("fault_4k", RAM_BASE + (64UL << 20), 4096, 512, ram_end);
	bench_fault("fault_2m", RAM_BASE + (128UL << 20), 2UL << 20, 8, ram_end);
	if (RD(unexpected_irq))
		report_error("irq", "an unexpected interrupt was taken");
	puts_uart("BENCH-DONE\n");
}
#endif
