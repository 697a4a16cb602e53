#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Seed inputs for fuzz_mmio in its input language (see fuzz_mmio.c):
python3 tests/fuzz/mmio_seeds.py tests/fuzz/corpus/mmio

Each seed is one guest access the model must get exactly right: loads
with sign and zero extension, stores of W, X and XZR, the vGIC, guest RAM
not yet mapped, a syndrome without a register, cache maintenance, and the
MMIO guard's granted and refused pages, and a sealed protected VM's
load and syndrome without a register."""
import os
import struct
import sys

ISV, SSE, SF, WNR, CM = 1 << 24, 1 << 21, 1 << 15, 1 << 6, 1 << 8


def sas(n): return n << 22
def srt(r): return r << 16


def esr(iss, register=True):
    # pick_esr: a selector byte (0xc1: fault status 0x07 from the table,
    # ISV forced on; 0x41: the same without forcing ISV), then the ISS
    return bytes([0xc1 if register else 0x41]) + struct.pack('<I', iss)


def ipa(kind, off):
    # pick_ipa: 0 RAM, 1 GICD, 3 the granted page, 4 MMIO space
    return bytes([kind]) + struct.pack('<I', off)


REGS = b'\x80' * 31     # every register i holds i * 0x0101010101010101


def answer(data, ext_abort=False):
    return bytes([0x00 if ext_abort else 0x80]) + bytes(data)


def vm(guarded=False, sealed=False):
    # flags: bit 0 the MMIO guard, bit 1 a sealed protected VM; the granted page
    return bytes([(1 if guarded else 0) | (2 if sealed else 0)]) + struct.pack('<H', 0)


SEEDS = {
    'ldrsh-x5': vm() + esr(sas(1) | SSE | srt(5) | SF) + ipa(4, 0x10) + REGS +
    answer([0x34, 0x92, 0, 0, 0, 0, 0, 0]),
    'ldrsb-w9': vm() + esr(sas(0) | SSE | srt(9)) + ipa(4, 0x11) + REGS +
    answer([0x80] * 8),
    'str-w3': vm() + esr(sas(2) | srt(3) | WNR) + ipa(4, 0x20) + REGS + answer([0] * 8),
    'str-xzr': vm() + esr(sas(3) | srt(31) | WNR | SF) + ipa(4, 0x28) + REGS + answer([0] * 8),
    'ldr-ext-abort': vm() + esr(sas(3) | srt(1) | SF) + ipa(4, 0x30) + REGS +
    answer([0xff] * 8, ext_abort=True),
    'gicd-typer': vm() + esr(sas(2) | srt(7)) + ipa(1, 0x4) + REGS,
    'ram-unmapped': vm() + esr(sas(3) | srt(2) | SF) + ipa(0, 0x100) + REGS,
    'no-syndrome': vm() + esr(0, register=False) + ipa(4, 0x40) + REGS,
    'dc-civac': vm() + esr(CM | WNR, register=False) + ipa(4, 0x80) + REGS,
    'sealed-ldr-x4': vm(sealed=True) + esr(sas(3) | srt(4) | SF) + ipa(4, 0x18) + REGS +
    answer([1, 2, 3, 4, 5, 6, 7, 8]),
    'sealed-no-syndrome': vm(sealed=True) + esr(0, register=False) + ipa(4, 0x40) + REGS,
    'guard-granted-refused': vm(guarded=True) +
    esr(sas(2) | srt(4)) + ipa(3, 0x8) + REGS + answer([1, 2, 3, 4, 0, 0, 0, 0]) +
    esr(sas(2) | srt(4)) + ipa(3, 0x1008) + REGS,
}

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)
