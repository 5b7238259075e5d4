#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the seed corpus of fuzz_netfront (tests/fuzz/corpus/netfront/).
Each seed is in the target's input format (see tests/fuzz/fuzz_netfront.c):
a first byte choosing rx (0), tx (1), producer indices (2) or a mac (3),
then that part's input. Run from the top of the tree."""
import os
import struct

MORE, EXTRA, CSUM_BLANK, VALID = 4, 8, 2, 1


def rx(sg, start, slots):
    return bytes([0, sg]) + struct.pack('<I', start) + b''.join(slots)


def rsp(id_, offset, flags, status):
    return struct.pack('<HHHh', id_, offset, flags, status)


def extra(type_, flags):
    return bytes([type_, flags]) + bytes(6)


def tx(outstanding, rsps):
    bitmap = bytearray(32)
    for i in outstanding:
        bitmap[i // 8] |= 1 << (i % 8)
    return bytes([1]) + bytes(bitmap) + b''.join(struct.pack('<Hh', i, s) for i, s in rsps)


def ipv4(proto, l4):
    total = 20 + len(l4)
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, total, 1, 0x4000, 64, proto, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return bytes(12) + b'\x08\x00' + ip + l4


seeds = {
    'rx_one_frame': rx(1, 0, [rsp(0, 0, VALID, 60)]),
    'rx_three_slots': rx(1, 254, [rsp(254, 0, MORE, 1000), rsp(255, 100, MORE, 400),
                                  rsp(0, 0, 0, 114)]),
    'rx_wrap_index': rx(1, 0xfffffffe, [rsp(254, 0, 0, 64), rsp(255, 0, CSUM_BLANK, 64),
                                        rsp(0, 0, 0, 64)]),
    'rx_bad_kinds': rx(1, 0, [rsp(300, 0, 0, 60), rsp(0, 0, 0, 60), rsp(2, 4000, 0, 200),
                              rsp(3, 0, 0, -1), rsp(4, 0, 0, -7), rsp(5, 0, 0x40, 60)]),
    'rx_extra_chain': rx(1, 7, [rsp(7, 0, EXTRA | MORE, 100), extra(1, 1), extra(1, 0),
                                rsp(10, 0, 0, 100), rsp(11, 0, 0, 60)]),
    'rx_too_long': rx(1, 0, [rsp(0, 0, MORE, 1500), rsp(1, 0, MORE, 100), rsp(2, 0, 0, 10),
                             rsp(3, 0, 0, 12)]),
    'rx_no_sg': rx(0, 0, [rsp(0, 0, MORE, 100), rsp(1, 0, 0, 100), rsp(2, 0, 0, 100)]),
    'tx_mixed': tx([0, 1, 2, 255], [(0, 0), (1, -1), (2, -2), (0, 0), (300, 0), (255, 1),
                                    (7, 0), (255, 0)]),
    'prod': bytes([2]) + struct.pack('<III', 0, 256, 256) + struct.pack('<III', 10, 9, 266)
            + struct.pack('<III', 0xfffffff0, 0x10, 0xf0),
    'mac_good': bytes([3]) + b'00:16:3e:00:00:02',
    'mac_upper': bytes([3]) + b'00:16:3E:AB:CD:EF',
    'mac_multicast': bytes([3]) + b'01:00:5e:00:00:01',
    'mac_short': bytes([3]) + b'00:16:3e:00:00',
    'csum_tcp': bytes([4]) + ipv4(6, bytes(20) + b'hello, tcp'),
    'csum_udp': bytes([4]) + ipv4(17, struct.pack('>HHHH', 68, 67, 8 + 5, 0) + b'hello'),
}

out = 'tests/fuzz/corpus/netfront'
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)
