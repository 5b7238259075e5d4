#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the seed corpus of fuzz_blkfront (tests/fuzz/corpus/blkfront/).
Each seed is in the target's input format (see tests/fuzz/fuzz_blkfront.c):
a first byte choosing responses (0), producer indices (1), an app's request
(2), segments (3), a knob (4) or a vdev and a geometry (5), then that
part's input. Run from the top of the tree."""
import os
import struct

IDLE = 0xc0  # >= 0xc0: the id is not outstanding
READ, WRITE, BARRIER, FLUSH, DISCARD, INDIRECT = 0, 1, 2, 3, 5, 6
IND = 0x80


def rsp(id_, op, status):
    return struct.pack('<QBh', id_, op, status)


def responses(asked, rsps):
    table = bytearray([IDLE] * 64)
    for i, op in asked.items():
        table[i] = op
    return bytes([0]) + bytes(table) + b''.join(rsp(*r) for r in rsps)


def request(ss_shift, size, flags, op, offset, length, nobuf=0):
    return bytes([2, ss_shift]) + struct.pack('<QBBQQB', size, flags, op, offset, length, nobuf)


seeds = {
    'rsp_good': responses({0: READ, 1: WRITE, 2: FLUSH, 3: DISCARD},
                          [(0, READ, 0), (1, WRITE, -1), (2, FLUSH, -2), (3, DISCARD, 0)]),
    'rsp_indirect': responses({5: IND | READ, 6: IND | WRITE},
                              [(5, INDIRECT, 0), (6, WRITE, 0)]),
    'rsp_bad_kinds': responses({0: READ, 1: READ, 2: WRITE},
                               [(64, READ, 0), (1 << 40, READ, 0), (7, READ, 0), (0, WRITE, 0),
                                (1, READ, 5), (2, WRITE, 0), (2, WRITE, 0)]),
    'prod': bytes([1]) + struct.pack('<III', 0, 32, 32) + struct.pack('<III', 10, 9, 42)
    + struct.pack('<III', 0xfffffff0, 0x10, (0xfffffff0 + 32) & 0xffffffff),
    'req_read': request(0, 80 << 20, 0, 0, 4096, 65536),
    'req_ro_write': request(0, 80 << 20, 1, 1, 0, 512),
    'req_wrap': request(0, 80 << 20, 15, 0, (1 << 64) - 512, 1024),
    'req_flush': request(3, 1 << 30, 2, 2, 0, 0, 1),
    'req_discard': request(0, 1 << 30, 8, 3, 1 << 20, 1 << 20, 1),
    'seg_one': bytes([3]) + struct.pack('<H', 0),
    'seg_partial': bytes([3]) + struct.pack('<H', 10),
    'seg_max': bytes([3]) + struct.pack('<H', 2047),
    'knob_order': bytes([4]) + b'blk_ring_order=3',
    'knob_bad': bytes([4]) + b'blk_persistent=7',
    'knob_other': bytes([4]) + b'ip=10.0.0.2/24',
    'vdev_xvda': bytes([5]) + struct.pack('<QQQ', 51712, 163840, 512),
    'vdev_ext': bytes([5]) + struct.pack('<QQQ', 1 << 28 | 702 << 8 | 3, 1 << 60, 4096),
}

out = 'tests/fuzz/corpus/blkfront'
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)
