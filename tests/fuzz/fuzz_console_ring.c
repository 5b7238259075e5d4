/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the console's output ring indices. xenconsoled (in
 * dom0, not trusted with our memory) writes the consumer index; the input
 * chooses the ring size, the starting indices (wrap-around included) and a
 * session of puts and consumptions. Invariants, checked after every step:
 * impossible indices are refused with nothing written; a put copies exactly
 * what fits, where it belongs, and touches nothing else; the consumer reads
 * back the bytes put, in order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernel/console_ring.h"

#define MAX_RING 2048 /* sizeof(xencons_interface.out) */

/* One put with indices straight from the input, checked against a model. */
static void one_put(size_t size, uint32_t cons, uint32_t prod, const uint8_t *buf, size_t len)
{
    char ring[MAX_RING], before[MAX_RING];
    uint32_t p = prod;
    size_t used = (uint32_t)(prod - cons);
    long n;

    memset(ring, 0x5a, sizeof(ring));
    memcpy(before, ring, sizeof(ring));
    n = console_ring_put(ring, size, cons, &p, (const char *)buf, len);
    if (used > size) {
        check(n == -1 && p == prod && memcmp(ring, before, sizeof(ring)) == 0);
        return;
    }
    check(n >= 0 && (size_t)n == (len < size - used ? len : size - used));
    check(p == prod + (uint32_t)n);
    for (size_t i = 0; i < size; i++) {
        size_t off = (i - (prod & (size - 1))) & (size - 1);

        /* Slot i holds byte `off` of this put if the put reached it, else is as it was. */
        check(off < (size_t)n ? ring[i] == (char)buf[off] : ring[i] == before[i]);
    }
    for (size_t i = size; i < sizeof(ring); i++)
        check(ring[i] == before[i]);
}

/* A producer and a consumer over one ring: the stream must come out whole. */
static void session(size_t size, uint32_t start, const uint8_t *ops, size_t nops)
{
    char ring[MAX_RING], chunk[64];
    uint32_t cons = start, prod = start;
    uint8_t next_put = 0, next_get = 0;

    for (size_t i = 0; i < nops; i++) {
        size_t k = ops[i] >> 1;

        if (ops[i] & 1) {
            /* Consume up to k bytes: exactly those put, in order. */
            size_t avail = (uint32_t)(prod - cons);

            for (size_t j = 0; j < k && j < avail; j++)
                check(ring[cons++ & (size - 1)] == (char)next_get++);
            continue;
        }
        if (k > sizeof(chunk))
            k = sizeof(chunk);
        for (size_t j = 0; j < k; j++)
            chunk[j] = (char)(next_put + j);
        long n = console_ring_put(ring, size, cons, &prod, chunk, k);
        check(n >= 0 && (uint32_t)(prod - cons) <= size);
        next_put = (uint8_t)(next_put + n);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t ring_size;
    uint32_t cons, prod;

    if (size < 9)
        return 0;
    ring_size = (size_t)1 << (data[0] % 12); /* 1 .. 2048 */
    memcpy(&cons, data + 1, 4);
    memcpy(&prod, data + 5, 4);
    data += 9;
    size -= 9;
    one_put(ring_size, cons, prod, data, size);
    session(ring_size, cons, data, size);
    return 0;
}
