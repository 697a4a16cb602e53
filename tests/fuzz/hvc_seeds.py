#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Seed inputs for fuzz_hvc in its input language (see fuzz_hvc.c):
python3 tests/fuzz/hvc_seeds.py tests/fuzz/corpus/hvc

Each seed is a path the fuzzer would take long to find on its own: a VM
that runs with memory, and a protected VM that seals, gives a page back
and is written by its guest."""
import struct
import sys

FN = dict(CREATE_VM=0, DESTROY_VM=1, CREATE_VCPU=2, SET_MEMREGION=4, RUN=5,
          ENABLE_CAP=13, MAP_GUEST=17)
FN_NR = 20
PG = 4096
HVC64_ESR = (0x16 << 26) | (1 << 25)
RELINQUISH = 0xc6000009
GUARD_ENROLL = 0xc6000041
CAP_PROTECTED_VM = 0xffbadab1
SET_PROTECTED_VM = 2
RUN_AREA = 0x10000     # host RAM offset of the vCPU's run area
GUEST_PAGES = 0x100000  # host RAM offset of the guest's pages


def u32(v):
    return struct.pack('<I', v & 0xffffffff)


# arguments (arg() in fuzz_hvc.c): a selector byte, then 4 (or 8) bytes
def small(v): return b'\x00' + u32(v)
def vm(i): return b'\x01' + u32(i - 1)
def vcpu(i, n): return b'\x02' + u32((i - 1) | n << 8)
def ram(off): return b'\x03' + u32(off)
def pfn(off): return b'\x04' + u32(off)
def gfn(n): return b'\x05' + u32(n)
def any64(v): return b'\x07' + u32(v) + u32(v >> 32)


def call(fn, *args):
    op = fn + FN_NR + 2
    while op < 0x30:
        op += FN_NR + 2
    args = list(args) + [small(0)] * (7 - len(args))
    return bytes([op]) + b''.join(args)


def fill(off, data):
    assert len(data) < 256
    return b'\x00' + struct.pack('<I', off)[:3] + bytes([len(data)]) + data


def hvc_exit(fn_index, x1, x2=small(0), x3=small(0)):
    # kind 0 = a synchronous exception; esr as high word, low word
    esr = u32(0) + u32(HVC64_ESR)
    return b'\x24' + b'\x00' + esr + x1 + bytes([fn_index]) + x2 + x3


def guest_write(page, secret):
    return b'\x20' + struct.pack('<H', page) + bytes([secret])


def guest_fn(fn):
    # index into fns[] of guest_fn() in fuzz_hvc.c
    return {RELINQUISH: 9, GUARD_ENROLL: 11}[fn]


def vm_with_memory():
    region = struct.pack('<IIQQ', 0, 0, 1024, 0x80000000)
    return (fill(0, region) + call(FN['CREATE_VM']) +
            call(FN['SET_MEMREGION'], vm(1), any64(2 * PG), ram(0)) +
            call(FN['CREATE_VCPU'], vcpu(1, 0), ram(RUN_AREA)) +
            call(FN['MAP_GUEST'], vm(1), small(0), pfn(GUEST_PAGES), gfn(0), small(4)))


SEEDS = {
    'run_mapped': vm_with_memory() + hvc_exit(0, small(0)) + call(FN['RUN'], vcpu(1, 0)),
    'protected_seal': (
        vm_with_memory() +
        call(FN['ENABLE_CAP'], vm(1), any64(CAP_PROTECTED_VM), small(SET_PROTECTED_VM)) +
        call(FN['RUN'], vcpu(1, 0)) +
        guest_write(GUEST_PAGES // PG, 0x5a) + guest_write(GUEST_PAGES // PG + 1, 0x5a) +
        hvc_exit(guest_fn(RELINQUISH), gfn(1)) +
        hvc_exit(guest_fn(GUARD_ENROLL), small(0)) +
        call(FN['RUN'], vcpu(1, 0)) +
        call(FN['MAP_GUEST'], vm(1), small(0), pfn(GUEST_PAGES + 8 * PG), gfn(8), small(2)) +
        guest_write(GUEST_PAGES // PG + 8, 0x77)),
}

for name, data in SEEDS.items():
    with open(f'{sys.argv[1]}/{name}', 'wb') as f:
        f.write(data)
