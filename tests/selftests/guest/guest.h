/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C guest library (freestanding, EL1, MMU off: every data access is
 * Device memory, so -mstrict-align, no exclusives, and MMIO through
 * the accessors below: plain [Xn] addressing, which always has a syndrome).
 *
 * ucall (tests/selftests/lib/gzvm_util.h): x27 = command stored to [x28];
 * the host reads x1..x6.  Extra commands of the C guest:
 *   UCALL_CHECK  x1 = ok, x2 = GPA of the check's name, x3..x6 = values
 *   UCALL_PRINT  x2 = GPA of a printf format, x3..x6 = its (u64) arguments
 */
#ifndef GUEST_H
#define GUEST_H

typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef long s64;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

#define UCALL_ADDR	0x10000000UL
#define UCALL_DONE	1
#define UCALL_REPORT	2
#define UCALL_FAIL	3
#define UCALL_SYNC	4
#define UCALL_CHECK	5
#define UCALL_PRINT	6

#define GICD_BASE	0x08000000UL
#define GICR_BASE	0x080A0000UL
#define GICR_STRIDE	0x20000UL
#define GICR_SGI	0x10000UL

#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IIDR	0x0008
#define GICD_IGROUPR	0x0080
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_ISPENDR	0x0200
#define GICD_ICPENDR	0x0280
#define GICD_ISACTIVER	0x0300
#define GICD_ICACTIVER	0x0380
#define GICD_IPRIORITYR	0x0400
#define GICD_ICFGR	0x0c00
#define GICD_IROUTER	0x6000
#define GICD_PIDR2	0xffe8
#define GICR_CTLR	0x0000
#define GICR_IIDR	0x0004
#define GICR_TYPER	0x0008
#define GICR_WAKER	0x0014
#define GICR_PIDR2	0xffe8
#define GICR_ICFGR0	0x0c00
#define GICR_ICFGR1	0x0c04

#define INTID_VTIMER	27
#define MAX_CPUS	8

#define read_sysreg(r) ({ u64 __v; asm volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(v, r) asm volatile("msr " #r ", %x0" : : "rZ"((u64)(v)))
#define isb() asm volatile("isb" ::: "memory")
#define dsb() asm volatile("dsb sy" ::: "memory")
#define barrier() asm volatile("" ::: "memory")
#define irq_enable() asm volatile("msr daifclr, #2" ::: "memory")
#define irq_disable() asm volatile("msr daifset, #2" ::: "memory")
#define wfi() asm volatile("dsb sy; wfi" ::: "memory")

static inline u32 mmio_r32(u64 a) { u32 v; asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory"); return v; }
static inline u64 mmio_r64(u64 a) { u64 v; asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory"); return v; }
static inline u8 mmio_r8(u64 a) { u32 v; asm volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory"); return (u8)v; }
static inline void mmio_w32(u64 a, u32 v) { asm volatile("str %w0, [%1]" : : "rZ"(v), "r"(a) : "memory"); }
static inline void mmio_w64(u64 a, u64 v) { asm volatile("str %x0, [%1]" : : "rZ"(v), "r"(a) : "memory"); }
static inline void mmio_w8(u64 a, u8 v) { asm volatile("strb %w0, [%1]" : : "rZ"((u32)v), "r"(a) : "memory"); }
/* shared RAM between vCPUs: always go to memory */
#define RD(x) (*(volatile __typeof__(x) *)&(x))
#define WR(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

static inline void ucall6(u64 cmd, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 a6)
{
	register u64 x27 asm("x27") = cmd;
	register u64 x28 asm("x28") = UCALL_ADDR;
	register u64 x1 asm("x1") = a1;
	register u64 x2 asm("x2") = a2;
	register u64 x3 asm("x3") = a3;
	register u64 x4 asm("x4") = a4;
	register u64 x5 asm("x5") = a5;
	register u64 x6 asm("x6") = a6;

	asm volatile("str x27, [x28]" : : "r"(x27), "r"(x28), "r"(x1), "r"(x2), "r"(x3),
		     "r"(x4), "r"(x5), "r"(x6) : "memory");
}

#define GUEST_SYNC(v)	ucall6(UCALL_SYNC, (u64)(v), 0, 0, 0, 0, 0)
#define GUEST_PRINT(fmt, ...) guest_print(fmt, ##__VA_ARGS__, 0, 0, 0, 0)
#define guest_print(fmt, a, b, c, d, ...) \
	ucall6(UCALL_PRINT, 0, (u64)(fmt), (u64)(a), (u64)(b), (u64)(c), (u64)(d))
/* one TAP line on the host: ok/not ok - name; values shown on failure */
#define CHECK(cond, name, ...) check_((cond), name, ##__VA_ARGS__, 0, 0, 0, 0)
#define check_(c, name, a, b, d, e, ...) \
	guest_check(!!(c), name, (u64)(a), (u64)(b), (u64)(d), (u64)(e))
bool guest_check(bool ok, const char *name, u64 a, u64 b, u64 c, u64 d);
void guest_done(void) __attribute__((noreturn));
void guest_fail(u64 code, u64 a, u64 b, u64 c) __attribute__((noreturn));

/* ---- exceptions ---- */
struct frame {
	u64 x[19];
	u64 x29, x30, elr, spsr, pad;
};
/* kinds are the vector index: 4 = sync, 5 = IRQ (current EL, SP_ELx) */
#define EXC_SYNC	4
#define EXC_IRQ		5

struct percpu {
	u64 irq_count[256];	/* per INTID, this vCPU */
	u16 log[64];		/* INTIDs in the order taken */
	u32 nlog;
	u32 spurious;
	u32 depth, max_depth;
	u64 last_esr, last_elr, last_far, nsync;	/* an expected sync exception */
	bool expect_sync;
	u64 tstamp;		/* counter at the last interrupt */
	u64 ctx;		/* CPU_ON context id received */
	u64 alive;
	u64 phase;
	u64 pad[8];
};
extern struct percpu cpus[MAX_CPUS];
/* test-specific hook run for each acknowledged INTID (before EOI) */
extern void (*irq_hook)(u32 intid);

static inline u32 cpu_id(void) { return (u32)(read_sysreg(mpidr_el1) & 0xff); }
static inline struct percpu *me(void) { return &cpus[cpu_id()]; }

/* ---- GIC ---- */
static inline u64 gicr(u32 cpu) { return GICR_BASE + cpu * GICR_STRIDE; }
void gic_dist_init(void);		/* once: CTLR = EnableGrp1, all group 1 */
void gic_cpu_init(void);		/* this vCPU: WAKER, PMR, IGRPEN1, group 1 */
void gic_enable(u32 intid, u8 prio);	/* priority, routing (SPIs: to this vCPU), enable */
void gic_disable(u32 intid);
void gic_set_edge(u32 intid, bool edge);
void gic_route(u32 spi_intid, u32 cpu);
void send_sgi(u32 sgi, u32 target);

/* ---- timer, PSCI ---- */
static inline u64 cntvct(void) { isb(); return read_sysreg(cntvct_el0); }
static inline u64 cntfrq(void) { return read_sysreg(cntfrq_el0); }
u64 ms_ticks(u64 ms);
void delay_ms(u64 ms);
struct smccc_res { u64 a0, a1, a2, a3; };
struct smccc_res hvc(u64 fid, u64 a1, u64 a2, u64 a3);
static inline s64 psci(u64 fid, u64 a1, u64 a2, u64 a3) { return (s64)hvc(fid, a1, a2, a3).a0; }
extern char secondary_entry[];

/* spin (IRQs as they are) until cond or ms elapse; true if cond */
#define wait_until(cond, ms) ({						\
	u64 __end = cntvct() + ms_ticks(ms);				\
	bool __ok;							\
	while (!(__ok = (cond)) && cntvct() < __end)			\
		;							\
	__ok; })
/* the same, waiting in WFI (IRQs must be unmasked, or something pending) */
#define wfi_until(cond, ms) ({						\
	u64 __end = cntvct() + ms_ticks(ms);				\
	bool __ok;							\
	while (!(__ok = (cond)) && cntvct() < __end)			\
		wfi();							\
	__ok; })

#endif
