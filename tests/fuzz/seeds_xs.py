#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the seed corpora of fuzz_xs_stream and fuzz_xs_replies
(tests/fuzz/corpus/NAME/). Each seed is a short program in the target's
input format (see the targets' comments): a run this script can explain,
from which the fuzzer mutates. Run from the top of the tree."""
import os
import struct

def hdr(type_, req_id, tx, length):
    return struct.pack('<IIII', type_, req_id, tx, length)

XS_READ, XS_WATCH_EVENT, XS_ERROR = 2, 15, 16

def stream_msg(step, kind, *rest):
    return bytes([8, step, kind]) + bytes(rest)

def reply_msg(step, req_id, payload):
    return stream_msg(step, 0, req_id, len(payload)) + payload

def event_msg(step, where, which, token, long=False):
    return stream_msg(step, 5 if long else 1, where, which, token)

def raw(step, data):
    return bytes([7, len(data), step]) + data

stream = {
    # A request, its reply straddling the end of the ring and the index wrap.
    'reply_wrap': bytes([0xff, 0, 3]) + reply_msg(5, 3, b'x' * 20) + bytes([1, 3]),
    # A callback watch and a plain one flooded past their bounds.
    'event_flood': bytes([0x10, 2, 0x80, 3, 0]) +
        b''.join(event_msg(7, 0, j, 0) for j in range(70)) + bytes([6, 0]) +
        bytes([2, 1, 3, 1]) + b''.join(event_msg(3, 0, j, 1) for j in range(70)) +
        bytes([5, 1, 5, 1, 4, 0x81]),
    # Long paths: the bound on bytes across watches.
    'long_paths': bytes([0x20, 2, 0, 3, 0, 2, 1, 3, 1]) +
        b''.join(event_msg(9, 0, j, j % 2, long=True) for j in range(30)),
    # A header longer than XENSTORE_PAYLOAD_MAX breaks the stream for good.
    'broken': bytes([0x30, 0, 1]) + raw(5, hdr(XS_READ, 1, 0, 5000)) + bytes([0, 2]),
    # XS_WATCH refused after an event for it came: cancelled, forgotten.
    'watch_fail': bytes([0x40, 2, 0x80]) + event_msg(2, 0, 1, 0) + bytes([4, 0x80, 6, 0]),
    # Well-framed junk: a reply to nobody, an event for no watch, an error reply.
    'junk': bytes([0x50, 0, 4]) + reply_msg(1, 9, b'') + event_msg(1, 0, 0, 5) +
        stream_msg(2, 2, 4, 7) + b'ENOENT\0',
}

def rep(kind, payload):
    return bytes([kind, len(payload) & 0xff, len(payload) >> 8]) + payload

replies = {
    'dir_one': bytes([0]) + rep(0, b'a\0bb\0ccc\0'),
    'dir_parts': bytes([0]) + rep(1, b'E2BIG\0') + rep(0, b'5\0a\0b\0') + rep(0, b'5\0c\0\0'),
    'dir_restart': bytes([0]) + rep(1, b'E2BIG\0') + rep(0, b'5\0a\0') + rep(0, b'6\0a\0\0') +
        rep(0, b'6\0a\0\0'),
    'perms': bytes([1]) + rep(0, b'n1\0r0\0'),
    'tx': bytes([2]) + rep(0, b'17\0') + bytes([1]) + rep(0, b'OK\0'),
    'tx_enospc': bytes([2]) + rep(1, b'ENOSPC\0'),
    'read_buf': bytes([3, 10]) + rep(0, b'hello'),
    'read_ulong': bytes([4]) + rep(0, b'123'),
    'xenbus_state': bytes([5]) + rep(0, b'4'),
}

for name, seeds in (('xs_stream', stream), ('xs_replies', replies)):
    d = os.path.join('tests/fuzz/corpus', name)
    os.makedirs(d, exist_ok=True)
    for seed, data in seeds.items():
        with open(os.path.join(d, seed), 'wb') as f:
            f.write(data)
