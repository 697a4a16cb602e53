#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Seed inputs for fuzz_chan in its input language (see fuzz_chan.c):
python3 tests/fuzz/chan_seeds.py tests/fuzz/corpus/chan

An input is a byte (bit 0: VM A is protected), depth (1 byte) and message
size (2 bytes) of the channels A-host, A-B and B-host, then operations:
a selector byte (actor: 0 A, 1 B, 2 C, 3 the host; kind << 2: 0-2 send,
3-4 receive, 5 info, 6 leave, 7 a random id), the channel, 16-bit
length, buffer size and buffer offset (little-endian), and for kind 7 a
32-bit id.  Each seed is one scenario the model
must follow exactly."""
import os
import struct
import sys

A, B, C, HOST = 0, 1, 2, 3
SEND, RECV, INFO, LEAVE, RANDOM = 0, 3, 5, 6, 7


def op(actor, kind, chan, length=0, bufsize=0, off=0, ident=None):
    b = bytes([actor | kind << 2, chan]) + struct.pack('<HHH', length, bufsize, off)
    return b + (struct.pack('<I', ident) if kind == RANDOM else b'')


def head(protected=False, chans=((4, 64), (4, 64), (4, 64))):
    return bytes([int(protected)]) + b''.join(struct.pack('<BH', d - 1, s - 1) for d, s in chans)


SEEDS = {
    # the host fills A's queue (the 5th is FULL), A drains it (then EMPTY), room rings the host
    'fill-drain': head() + b''.join(op(HOST, SEND, 0, 60) for _ in range(5)) +
    b''.join(op(A, RECV, 0, 0, 64, 8) for _ in range(5)) + op(HOST, SEND, 0, 10),
    # A and B: A fills B's queue, B looks (INFO) and drains
    'vm-to-vm': head() + b''.join(op(A, SEND, 1, 32, 0, 100) for _ in range(5)) +
    op(B, INFO, 1) + b''.join(op(B, RECV, 1, 0, 64, 200) for _ in range(5)),
    # a buffer too small keeps the message; a big one takes it
    'too-small': head() + op(HOST, SEND, 0, 50) + op(A, RECV, 0, 0, 20) + op(A, RECV, 0, 0, 900),
    # A destroyed with messages in flight both ways: B drains, then CLOSED
    'destroy-in-flight': head() + op(A, SEND, 1, 8) + op(A, SEND, 1, 9) + op(B, SEND, 1, 7) +
    op(A, LEAVE, 1) + b''.join(op(B, RECV, 1, 0, 64) for _ in range(3)) + op(B, INFO, 1) +
    op(B, SEND, 1, 4),
    # C, which has no channel, and random ids
    'intruder': head() + b''.join(op(C, k, m, 8, 8) for k in (SEND, RECV, INFO) for m in range(3)) +
    op(B, SEND, 0, 8) + op(HOST, SEND, 1, 8) + op(A, RANDOM, 0, 8, 8, 0, 0x12345678) +
    op(HOST, RANDOM, 2, 8, 8, 0, 0x40),
    # a sealed protected A talks to the host
    'protected': head(True) + op(HOST, SEND, 0, 64) + op(A, RECV, 0, 0, 64, 512) +
    op(A, SEND, 0, 64, 0, 512) + op(HOST, RECV, 0, 0, 64),
    # a message across A's page boundary, one beyond its memory, one too long
    'buffers': head() + op(A, SEND, 0, 60, 0, 4096 - 10) + op(A, SEND, 0, 60, 0, 4 * 4096 - 8) +
    op(A, SEND, 0, 65) + op(HOST, RECV, 0, 0, 1000, 0xff) + op(HOST, RECV, 0, 0, 1000),
    # the host leaves: A drains, then CLOSED; the largest channels
    'host-leaves': head(chans=((8, 1024), (1, 1), (8, 1024))) + op(HOST, SEND, 0, 1000) +
    op(HOST, LEAVE, 0) + op(A, RECV, 0, 0, 1024) + op(A, RECV, 0, 0, 1024) + op(HOST, SEND, 0, 1) +
    op(A, SEND, 1, 1) + op(A, SEND, 1, 1) + op(B, RECV, 1, 0, 1),
}

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)
