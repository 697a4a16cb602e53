#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Seed inputs for fuzz_pgtable in its input language (see fuzz_pgtable.c):
python3 tests/fuzz/pgtable_seeds.py tests/fuzz/corpus/pgtable

Each seed makes a block and then changes part of it, which the fuzzer
would take long to find on its own: a 2 MiB or 1 GiB block split by an
unmap or a map inside it, with and without an allocation failing."""
import os
import sys

ATTR = (0x4c4).to_bytes(8, 'little')    # some attribute bits (AF, SH, AP)
OTHER = (0x7fc).to_bytes(8, 'little')


def setup(ia_index, stage2, window=0):
    return bytes([ia_index | (0x10 if stage2 else 0)]) + window.to_bytes(3, 'little')


def call(unmap, page, align, pages, pa_block=None, pa=0, attr=ATTR):
    """align: 0 = 2 MiB, 1 = 1 GiB, 2 = as given; pages: 'small' count,
    '2m' count (1-4), or '1g'; pa_block: the PA is the IA + this many GiB."""
    b = bytes([0x10, 1 if unmap else 0]) + page.to_bytes(3, 'little') + bytes([align])
    kind, n = pages
    if kind == 'small':
        b += bytes([0, n - 1])
    elif kind == '2m':
        b += bytes([4, n - 1])
    else:
        b += bytes([6])
    if pa_block is not None:
        b += bytes([1, pa_block])
    else:
        b += bytes([0]) + (pa >> 12).to_bytes(5, 'little')
    return b + attr


def fail_after(n):
    return bytes([n])


SEEDS = {
    'block2m_unmap_inside': setup(0, True) +
        call(False, 512, 0, ('2m', 1), pa_block=1) +
        call(True, 517, 2, ('small', 4)),
    'block2m_map_inside': setup(4, True) +
        call(False, 512, 0, ('2m', 2), pa_block=3) +
        call(False, 700, 2, ('small', 3), pa=0x12345000, attr=OTHER),
    'block1g_unmap_inside': setup(3, True, window=5) +
        call(False, 0, 1, ('1g', 0), pa_block=2) +
        call(True, 4097, 2, ('small', 16)),
    'block1g_map_inside_stage1': setup(6, False) +
        call(False, 262144, 1, ('1g', 0), pa_block=7) +
        call(False, 300000, 2, ('small', 1), pa=0x4000, attr=OTHER),
    'split_fails': setup(1, True) +
        call(False, 1024, 0, ('2m', 1), pa_block=1) +
        fail_after(0) + call(True, 1030, 2, ('small', 2)) +
        fail_after(8) + call(True, 1030, 2, ('small', 2)),
    'split_1g_fails_late': setup(5, True, window=9) +
        call(False, 0, 1, ('1g', 0), pa_block=4) +
        fail_after(1) + call(False, 1000, 2, ('small', 5), pa=0x80000000, attr=OTHER),
    # the last page of the 48-bit output address space is a page like any other
    'last_output_page': setup(8, True) +
        call(False, 3, 2, ('small', 1), pa=0xfffffffff000),
}

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)
