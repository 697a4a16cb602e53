// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runtime ABI checks: the expectations of abi_expect.h (plus a few that
 * can only run, like the function-id decoder) evaluated at run time, one
 * TAP line per struct or constant group on stdout.  The same expectations
 * are also compile-time asserts in abi_static.c (and here unless
 * ABI_RUNTIME_ONLY is defined).
 *
 * Struct members are probed, not just offsetof'd: each member of a zeroed
 * object is filled with 0xff through its own name, and the bytes that
 * changed must be exactly [offset, offset + size).
 *
 *   abi_test [label]   label prefixes every test name (e.g. "gcc")
 * Exit status 1 if anything failed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "abi_expect.h"

/*
 * ---- compile-time pins (same lists as abi_static.c) ---------------------
 * The host binaries are built with -DABI_RUNTIME_ONLY so that a broken
 * layout still yields a runnable program whose TAP lines say which group
 * is wrong; abi_static.c and the arm64 compile of this file keep them.
 */
#ifndef ABI_RUNTIME_ONLY
#define SA_S(t, sz)	_Static_assert(sizeof(t) == (sz), #t);
#define SA_F(t, m, off, sz)							\
	_Static_assert(offsetof(t, m) == (off) && sizeof(((t *)0)->m) == (sz), #t "." #m);
#define SA_O(t, m, off)	_Static_assert(offsetof(t, m) == (off), #t "." #m);
#define SA_LAYOUT(name, desc)	ABI_L_##name(SA_S, SA_F, SA_O)
#define SA_C(e, v)								\
	_Static_assert((unsigned long long)(e) == (unsigned long long)(v), #e " == " #v);
#define SA_CONST(name, desc)	ABI_C_##name(SA_C)
ABI_LAYOUT_GROUPS(SA_LAYOUT)
ABI_CONST_GROUPS(SA_CONST)
#endif

/* ---- tiny TAP writer ----------------------------------------------------- */
static const char *label = "";
static int test_no;
static int total_failed;
static int group_failed;
static char diag[16384];
static size_t diag_len;

static void group_begin(void)
{
	group_failed = 0;
	diag_len = 0;
	diag[0] = '\0';
}

static void failf(const char *fmt, ...)
{
	va_list ap;
	int n;

	group_failed++;
	if (diag_len + 8 >= sizeof(diag))
		return;
	n = snprintf(diag + diag_len, sizeof(diag) - diag_len, "#   ");
	if (n > 0)
		diag_len += (size_t)n;
	va_start(ap, fmt);
	n = vsnprintf(diag + diag_len, sizeof(diag) - diag_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		diag_len += (size_t)n;
	if (diag_len >= sizeof(diag) - 1)
		diag_len = sizeof(diag) - 2;
	diag[diag_len++] = '\n';
	diag[diag_len] = '\0';
}

static void group_end(const char *name)
{
	test_no++;
	printf("%sok %d - %s%s%s\n", group_failed ? "not " : "", test_no,
	       label, *label ? ": " : "", name);
	if (group_failed) {
		total_failed++;
		fputs(diag, stdout);
	}
}

static void check_eq(unsigned long long got, unsigned long long want,
		     const char *what, const char *want_text)
{
	if (got != want)
		failf("%s = 0x%llx (%lld), expected %s = 0x%llx (%lld)", what, got,
		      (long long)got, want_text, want, (long long)want);
}

/* Which bytes of an object did a write through one member touch? */
static void check_probe(const unsigned char *b, size_t objsize, size_t off,
			size_t size, const char *what)
{
	size_t i, lo = objsize, hi = 0, count = 0;

	for (i = 0; i < objsize; i++) {
		if (b[i] == 0xff) {
			if (i < lo)
				lo = i;
			hi = i + 1;
			count++;
		}
	}
	if (lo != off || hi != off + size || count != size)
		failf("%s covers bytes [%zu, %zu) (%zu set), expected [%zu, %zu)",
		      what, lo, hi, count, off, off + size);
}

/* ---- layout groups --------------------------------------------------------- */
#define RT_S(t, sz)	check_eq(sizeof(t), (sz), "sizeof(" #t ")", #sz);
#define RT_F(t, m, off, sz)							\
	{									\
		t v_;								\
		memset(&v_, 0, sizeof(v_));					\
		memset(&v_.m, 0xff, sizeof(v_.m));				\
		check_eq(offsetof(t, m), (off), "offsetof(" #t ", " #m ")", #off); \
		check_eq(sizeof(v_.m), (sz), "sizeof(" #t "." #m ")", #sz);	\
		check_probe((const unsigned char *)&v_, sizeof(v_), (off), (sz), #t "." #m); \
	}
#define RT_O(t, m, off)							\
	{									\
		t v_;								\
		check_eq(offsetof(t, m), (off), "offsetof(" #t ", " #m ")", #off); \
		check_eq((unsigned long long)((const char *)v_.m - (const char *)&v_), \
			 (off), "address of " #t "." #m, #off);		\
	}
#define RT_LAYOUT(name, desc)							\
	group_begin();								\
	ABI_L_##name(RT_S, RT_F, RT_O)						\
	group_end(desc);

/* ---- constant groups ------------------------------------------------------- */
#define RT_C(e, v)	check_eq((unsigned long long)(e), (unsigned long long)(v), #e, #v);
#define RT_CONST(name, desc)							\
	group_begin();								\
	ABI_C_##name(RT_C)							\
	group_end(desc);

/* ---- checks that only make sense at run time ------------------------------- */

#define RT_DECODE_ONE(C, name, n, id64, id32)					\
	check_eq((unsigned long long)gzvm_hvc_fn(id64), (n), "gzvm_hvc_fn(" #id64 ")", #n); \
	check_eq((unsigned long long)gzvm_hvc_fn(id32), (n), "gzvm_hvc_fn(" #id32 ")", #n); \
	check_eq((unsigned long long)gzvm_hvc_fn(GZVM_FID_##name), (n), "gzvm_hvc_fn(GZVM_FID_" #name ")", #n);

static void test_hvc_decode(void)
{
	static const struct {
		uint32_t fid;
		int want;
		const char *why;
	} cases[] = {
		{ 0xFB001000U, 0, "SMC64 base" },
		{ 0xBB001000U, 0, "SMC32 base" },
		{ 0xFB011000U, 0, "SMC64 with the SMCCC 1.3 SVE hint bit" },
		{ 0xFB001006U, 6, "unused number 6 still decodes (caller refuses it)" },
		{ 0xFB001014U, 20, "number past the table still decodes" },
		{ 0xFB00FFFFU, 0xefff, "highest function number" },
		{ 0xFB000FFFU, -1, "below the 0x1000 base" },
		{ 0xFB000000U, -1, "function 0 of owner 59" },
		{ 0x7B00100CU, -1, "yielding call (bit 31 clear)" },
		{ 0x3B00100CU, -1, "yielding SMC32 call" },
		{ 0xFA00100CU, -1, "owner 58" },
		{ 0xFC00100CU, -1, "owner 60" },
		{ 0xFB02100CU, -1, "reserved bit 17 set" },
		{ 0xFB80100CU, -1, "reserved bit 23 set" },
		{ 0x84000000U, -1, "PSCI_VERSION" },
		{ 0xC4000003U, -1, "PSCI CPU_ON (SMC64)" },
		{ 0x80000000U, -1, "SMCCC_VERSION" },
		{ 0x86000001U, -1, "guest PTP id" },
		{ 0xC6000009U, -1, "guest MEM_RELINQUISH id" },
		{ 0xFFFFFFFFU, -1, "all ones" },
		{ 0x00000000U, -1, "zero" },
	};
	size_t i;

	group_begin();
	ABI_HVC_FUNCS(RT_DECODE_ONE, unused)
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = gzvm_hvc_fn(cases[i].fid);

		if (got != cases[i].want)
			failf("gzvm_hvc_fn(0x%08x) = %d, expected %d (%s)",
			      cases[i].fid, got, cases[i].want, cases[i].why);
	}
	/* SMC64 and SMC32 ids differ exactly in bit 30 for every n */
	for (i = 0; i < GZVM_FN_NR; i++) {
		if ((GZVM_HVC_ID_SMC64(i) ^ GZVM_HVC_ID_SMC32(i)) != 0x40000000U)
			failf("SMC64/SMC32 ids of %zu differ by more than bit 30", i);
		if (gzvm_hvc_fn(GZVM_HVC_ID_SMC64(i)) != (int)i ||
		    gzvm_hvc_fn(GZVM_HVC_ID_SMC32(i)) != (int)i)
			failf("round trip of function %zu", i);
	}
	group_end("gzvm_hvc_fn decoder (6.1)");
}

/*
 * Independent derivation of the CORE register indices: a mirror of the
 * arm64 register file layout the ids are defined against (KVM's
 * struct kvm_regs; spec 4.11), written out with plain types.
 */
struct mirror_u128 {
	_Alignas(16) uint64_t lo;
	uint64_t hi;
};

struct mirror_regs {
	uint64_t x[31];
	uint64_t sp;
	uint64_t pc;
	uint64_t pstate;
	uint64_t sp_el1;
	uint64_t elr_el1;
	uint64_t spsr[5];
	struct {
		struct mirror_u128 vregs[32];
		uint32_t fpsr;
		uint32_t fpcr;
		uint32_t reserved[2];
	} fp_regs;
};

_Static_assert(offsetof(struct mirror_regs, sp_el1) == 272, "sp_el1 @272");
_Static_assert(offsetof(struct mirror_regs, spsr) == 288, "spsr @288");
_Static_assert(offsetof(struct mirror_regs, fp_regs) == 336, "fp_regs @336");

#define CORE_ID(size, field)							\
	(GZVM_REG_ARCH_ARM64 | (size) | GZVM_REG_ARM_CORE |			\
	 (unsigned long long)(offsetof(struct mirror_regs, field) / 4))

static void test_core_regs(void)
{
	char what[64];
	unsigned int n;

	group_begin();
	for (n = 0; n <= 30; n++) {
		snprintf(what, sizeof(what), "GZVM_REG_ARM64_X(%u)", n);
		check_eq(GZVM_REG_ARM64_X(n), 0x6030000000100000ULL + 2 * n, what, "0x6030000000100000 + 2n");
		check_eq(GZVM_REG_ARM64_X(n), CORE_ID(GZVM_REG_SIZE_U64, x[n]), what, "offsetof(x[n]) / 4");
		check_eq(GZVM_REG_SIZE(GZVM_REG_ARM64_X(n)), 8, what, "8-byte size field");
	}
	for (n = 0; n < GZVM_NR_SPSR; n++) {
		snprintf(what, sizeof(what), "GZVM_REG_ARM64_SPSR(%u)", n);
		check_eq(GZVM_REG_ARM64_SPSR(n), CORE_ID(GZVM_REG_SIZE_U64, spsr[n]), what, "offsetof(spsr[n]) / 4");
	}
	for (n = 0; n < 32; n++) {
		snprintf(what, sizeof(what), "GZVM_REG_ARM64_V(%u)", n);
		check_eq(GZVM_REG_ARM64_V(n), CORE_ID(GZVM_REG_SIZE_U128, fp_regs.vregs[n]), what, "offsetof(vregs[n]) / 4");
		check_eq(GZVM_REG_SIZE(GZVM_REG_ARM64_V(n)), 16, what, "16-byte size field");
	}
	check_eq(GZVM_REG_ARM64_SP, CORE_ID(GZVM_REG_SIZE_U64, sp), "GZVM_REG_ARM64_SP", "offsetof(sp) / 4");
	check_eq(GZVM_REG_ARM64_PC, CORE_ID(GZVM_REG_SIZE_U64, pc), "GZVM_REG_ARM64_PC", "offsetof(pc) / 4");
	check_eq(GZVM_REG_ARM64_PSTATE, CORE_ID(GZVM_REG_SIZE_U64, pstate), "GZVM_REG_ARM64_PSTATE", "offsetof(pstate) / 4");
	check_eq(GZVM_REG_ARM64_SP_EL1, CORE_ID(GZVM_REG_SIZE_U64, sp_el1), "GZVM_REG_ARM64_SP_EL1", "offsetof(sp_el1) / 4");
	check_eq(GZVM_REG_ARM64_ELR_EL1, CORE_ID(GZVM_REG_SIZE_U64, elr_el1), "GZVM_REG_ARM64_ELR_EL1", "offsetof(elr_el1) / 4");
	check_eq(GZVM_REG_ARM64_FPSR, CORE_ID(GZVM_REG_SIZE_U32, fp_regs.fpsr), "GZVM_REG_ARM64_FPSR", "offsetof(fpsr) / 4");
	check_eq(GZVM_REG_ARM64_FPCR, CORE_ID(GZVM_REG_SIZE_U32, fp_regs.fpcr), "GZVM_REG_ARM64_FPCR", "offsetof(fpcr) / 4");
	check_eq(GZVM_REG_SIZE(GZVM_REG_ARM64_FPSR), 4, "GZVM_REG_SIZE(FPSR)", "4");
	group_end("core register ids derived from the register-file layout (5.10)");
}

static void test_irq_line_roundtrip(void)
{
	unsigned int vcpu, type, num;
	const unsigned int nums[] = { 0, 1, 31, 32, 987, 0xffff };

	group_begin();
	for (vcpu = 0; vcpu < 4096; vcpu += 7) {
		for (type = 0; type <= 2; type++) {
			for (num = 0; num < sizeof(nums) / sizeof(nums[0]); num++) {
				uint32_t irq = GZVM_IRQ_LINE_ENCODE(type, vcpu, nums[num]);

				if (GZVM_IRQ_LINE_GET_VCPU(irq) != vcpu ||
				    GZVM_IRQ_LINE_GET_TYPE(irq) != type ||
				    GZVM_IRQ_LINE_GET_NUM(irq) != nums[num])
					failf("round trip type %u vcpu %u num %u -> 0x%08x",
					      type, vcpu, nums[num], irq);
				if (((irq & GZVM_IRQ_LINE_VCPU) >> 16) != (vcpu & 0xff) ||
				    ((irq & GZVM_IRQ_LINE_VCPU2) >> 28) != (vcpu >> 8))
					failf("vcpu fields of 0x%08x for vcpu %u", irq, vcpu);
			}
		}
	}
	/* crosvm puts the bare SPI number in irq: vCPU 0, type 0 */
	check_eq(GZVM_IRQ_LINE_GET_NUM(17), 17, "GZVM_IRQ_LINE_GET_NUM(17)", "17");
	check_eq(GZVM_IRQ_LINE_GET_VCPU(17), 0, "GZVM_IRQ_LINE_GET_VCPU(17)", "0");
	group_end("IRQ_LINE encode/decode round trip (5.7)");
}

/* The byte image the hypervisor sees in page 0 / page 1 (little-endian). */
static void test_byte_images(void)
{
	struct gzvm_vcpu_run run;
	struct gzvm_vcpu_hwstate hw;
	struct gzvm_irq_level lvl;
	const unsigned char *b = (const unsigned char *)&run;
	static const unsigned char le64[8] = { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 };

	group_begin();
	memset(&run, 0, sizeof(run));
	run.exit_reason = GZVM_EXIT_MMIO;
	run.mmio.phys_addr = 0x1122334455667788ULL;
	run.mmio.size = 4;
	run.mmio.reg_nr = 30;
	run.mmio.is_write = 1;
	run.mmio.ext_abort = 1;
	if (b[0] != 0x01 || b[1] != 0x00 || b[2] != 0x92 || b[3] != 0x92)
		failf("exit_reason bytes %02x %02x %02x %02x", b[0], b[1], b[2], b[3]);
	if (memcmp(b + 8, le64, 8) != 0)
		failf("mmio.phys_addr is not little-endian at byte 8");
	if (b[24] != 4 || b[32] != 30 || b[36] != 1)
		failf("mmio size/reg_nr/is_write at 24/32/36: %u %u %u", b[24], b[32], b[36]);
	if (b[37] != 1 || sizeof(run.mmio) != 32)
		failf("mmio.ext_abort (extension) at 37 in the tail padding, mmio still 32 bytes");

	memset(&run, 0, sizeof(run));
	run.exception.exception = GZVM_EXCEPTION_PAGE_FAULT;
	run.exception.fault_gpa = 0x1122334455667788ULL;
	run.exception.reserved[29] = ~0ULL;
	if (b[8] != 1 || memcmp(b + 16, le64, 8) != 0 || b[263] != 0xff)
		failf("exception image (type @8, fault_gpa @16, reserved[29] ends @263)");

	memset(&run, 0, sizeof(run));
	run.hypercall.args[0] = GZVM_HVC_MEM_RELINQUISH;
	run.hypercall.args[7] = 0x1122334455667788ULL;
	if (b[8] != 0x09 || b[11] != 0xc6 || memcmp(b + 64, le64, 8) != 0)
		failf("hypercall image (args[0] @8, args[7] @64)");

	memset(&hw, 0, sizeof(hw));
	hw.vtimer_migrate = 1;
	hw.vtimer_delay = 0x1122334455667788ULL;
	if (((const unsigned char *)&hw)[152] != 1 ||
	    memcmp((const unsigned char *)&hw + 144, le64, 8) != 0)
		failf("hwstate image (vtimer_delay @144, vtimer_migrate @152)");

	lvl.status = -1;
	if (lvl.irq != 0xffffffffU)
		failf("gzvm_irq_level.status does not alias irq");
	group_end("little-endian byte images of run/hwstate/irq_level");
}

int main(int argc, char **argv)
{
	if (argc > 1)
		label = argv[1];

	ABI_LAYOUT_GROUPS(RT_LAYOUT)
	ABI_CONST_GROUPS(RT_CONST)
	test_hvc_decode();
	test_core_regs();
	test_irq_line_roundtrip();
	test_byte_images();

	printf("1..%d\n", test_no);
	return total_failed ? 1 : 0;
}
