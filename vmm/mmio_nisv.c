// SPDX-License-Identifier: GPL-2.0
/*
 * Emulating a load or store that hit MMIO without a syndrome (ISV = 0:
 * LDP/STP, writeback forms), which the hypervisor cannot decode: gzvm
 * reports it as GZVM_EXIT_INTERNAL_ERROR, suberror 1, with ESR, IPA and PC
 * (docs/architecture.md).  Firmware needs this: EDK2 copies its variable
 * store out of the flash bank with LDP, and on gzvm that bank is MMIO
 * (firmware.c).
 *
 * The instruction is fetched at the PC taken as a guest physical address,
 * so this works with the MMU off or an identity map (U-Boot and EDK2 on
 * QEMU virt both map 1:1); the address the instruction computes must be
 * the faulting IPA, or nothing is emulated and the VM stops as before.
 * General-purpose registers only (insn.h); the result goes back through
 * SET_ONE_REG with PC + 4.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <linux/gzvm.h>

#include "insn.h"
#include "vmm.h"

#define PSTATE_MODE_MASK	0x1fULL
#define PSTATE_MODE_EL1H	0x5ULL

static int get(struct vcpu *v, uint64_t id, uint64_t *val)
{
	return v->vm->be->get_reg(v, id, val);
}

static int set(struct vcpu *v, uint64_t id, uint64_t val)
{
	return v->vm->be->set_reg(v, id, val);
}

/* The register that Rn = 31 means: the SP of the current mode. */
static uint64_t base_reg_id(unsigned int rn, uint64_t pstate)
{
	if (rn != 31)
		return GZVM_REG_ARM64_X(rn);
	return (pstate & PSTATE_MODE_MASK) == PSTATE_MODE_EL1H ? GZVM_REG_ARM64_SP_EL1 :
								  GZVM_REG_ARM64_SP;
}

/* Is [gpa, gpa + size) guest RAM or inside one device? */
static bool claimed(struct vm *vm, uint64_t gpa, uint32_t size)
{
	if (gpa_to_hva(vm, gpa, size))
		return true;
	for (int i = 0; i < vm->nr_devs; i++) {
		const struct mmio_dev *d = &vm->devs[i];

		if (gpa >= d->base && gpa - d->base < d->size && size <= d->size - (gpa - d->base))
			return true;
	}
	return false;
}

/* One register's worth: guest RAM directly, else the MMIO bus. */
static void access_element(struct vm *vm, uint64_t gpa, uint32_t size, bool write, uint8_t *data)
{
	void *hva = gpa_to_hva(vm, gpa, size);

	if (hva) {
		if (write)
			memcpy(hva, data, size);
		else
			memcpy(data, hva, size);
		return;
	}
	mmio_access(vm, gpa, size, write, data);
}

static int transfer(struct vcpu *v, const struct ldst *d, uint64_t addr)
{
	unsigned int regs[2] = { d->rt, d->rt2 };

	for (int i = 0; i < (d->pair ? 2 : 1); i++) {
		uint64_t gpa = addr + (uint64_t)i * d->size, val = 0;
		uint8_t data[8] = { 0 };

		if (d->load) {
			access_element(v->vm, gpa, d->size, false, data);
			memcpy(&val, data, d->size);
			if (regs[i] != 31 && set(v, GZVM_REG_ARM64_X(regs[i]), insn_ldst_extend(d, val)))
				return -1;
		} else {
			if (regs[i] != 31 && get(v, GZVM_REG_ARM64_X(regs[i]), &val))
				return -1;
			memcpy(data, &val, d->size);
			access_element(v->vm, gpa, d->size, true, data);
		}
	}
	return 0;
}

int mmio_emulate_nisv(struct vcpu *v, uint64_t ipa, uint64_t pc, char *why, size_t why_len)
{
	struct vm *vm = v->vm;
	uint64_t pstate = 0, base, addr, len;
	const uint32_t *code;
	struct ldst d;

	if (!vm->be->get_reg) {
		snprintf(why, why_len, "no syndrome, and the registers are out of reach");
		return -1;
	}
	code = gpa_to_hva(vm, pc, 4);
	if (!code)
		code = firmware_rom_hva(pc, 4);	/* U-Boot before relocation runs there */
	if (!code || !insn_decode_ldst(*code, &d)) {
		snprintf(why, why_len, "no syndrome, and the instruction at 0x%llx (%s) is not a "
			 "general-register load/store the VMM emulates",
			 (unsigned long long)pc, code ? "read as a physical address" : "not in memory");
		return -1;
	}
	/* every ONE_REG is a hypercall: PSTATE only when Rn is SP (which SP?) */
	if (d.rn == 31 && get(v, GZVM_REG_ARM64_PSTATE, &pstate))
		goto reg_error;
	if (get(v, base_reg_id(d.rn, pstate), &base))
		goto reg_error;
	addr = insn_ldst_address(&d, base);
	len = (uint64_t)d.size * (d.pair ? 2 : 1);
	if (ipa < addr || ipa - addr >= len) {
		snprintf(why, why_len, "no syndrome; the instruction at 0x%llx accesses 0x%llx, not "
			 "the faulting 0x%llx (no identity map?)", (unsigned long long)pc,
			 (unsigned long long)addr, (unsigned long long)ipa);
		return -1;
	}
	/* nothing behind it: no abort can be injected from here, so the VM stops */
	if (!claimed(vm, addr, d.size) || (d.pair && !claimed(vm, addr + d.size, d.size))) {
		snprintf(why, why_len, "no syndrome, and no device at 0x%llx", (unsigned long long)addr);
		return -1;
	}
	if (transfer(v, &d, addr))
		goto reg_error;
	if (d.writeback && set(v, base_reg_id(d.rn, pstate), base + (uint64_t)d.offset))
		goto reg_error;
	if (set(v, GZVM_REG_ARM64_PC, pc + 4))
		goto reg_error;
	return 0;
reg_error:
	snprintf(why, why_len, "no syndrome; ONE_REG failed while emulating the instruction at 0x%llx",
		 (unsigned long long)pc);
	return -1;
}
