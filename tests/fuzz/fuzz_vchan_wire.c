/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: what a vchan peer writes into the shared page (ring
 * orders, indices) and what a caller asks of the server (ring sizes) goes
 * through gnttab/vchan_wire.c. The input is taken as two orders, two
 * sizes, a producer and a consumer index, a copy position and length, and
 * data. Invariants are asserted (abort() when broken), against oracles
 * written independently of the code under test.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uk/ring.h>
#include <xen/io/libxenvchan.h>

#include "../../gnttab/vchan_wire.h"

/*
 * The oracle: libxenvchan's client conditions (orders 10..20, not one
 * in-page order twice), plus no byte of the page used twice by the header
 * and grant list and the in-page rings.
 */
static bool oracle_layout(unsigned int lo, unsigned int ro)
{
    static uint8_t used[4096];
    unsigned int orders[2] = {lo, ro}, grants = 0;
    uint32_t end;

    if (lo < 10 || lo > 20 || ro < 10 || ro > 20 || (lo == ro && lo < 12))
        return false;
    memset(used, 0, sizeof(used));
    for (int k = 0; k < 2; k++)
        if (orders[k] >= 12)
            grants += 1u << (orders[k] - 12);
    end = (uint32_t)offsetof(struct vchan_interface, grants) + 4 * grants;
    for (uint32_t i = 0; i < end; i++)
        used[i]++;
    for (int k = 0; k < 2; k++)
        if (orders[k] < 12)
            for (uint32_t i = 0; i < (1u << orders[k]); i++)
                if (used[(orders[k] == 10 ? 1024 : 2048) + i]++)
                    return false;
    return true;
}

static void check_layout(unsigned int lo, unsigned int ro)
{
    struct vchan_layout l;
    int rc = vchan_layout(lo, ro, &l);

    check((rc == 0) == oracle_layout(lo, ro));
    if (rc)
        return;
    check(l.left.order == lo && l.right.order == ro);
    check(l.left.npages == (lo >= 12 ? 1u << (lo - 12) : 0));
    check(l.right.npages == (ro >= 12 ? 1u << (ro - 12) : 0));
    check(l.left.first_grant == 0 && l.right.first_grant == l.left.npages);
    check(l.left.npages + l.right.npages <= 2 * VCHAN_MAX_PAGES);
    check(l.grants_end <= 4096);
    check(l.left.npages || l.left.offset >= l.grants_end);
    check(l.right.npages || l.right.offset >= l.grants_end);
}

static void check_pick(size_t left_min, size_t right_min)
{
    unsigned int lo = 0, ro = 0;
    struct vchan_layout l;
    int rc = vchan_pick_orders(left_min, right_min, &lo, &ro);

    check((rc == 0) == (left_min <= (1u << 20) && right_min <= (1u << 20)));
    if (rc)
        return;
    check(((size_t)1 << lo) >= left_min && ((size_t)1 << ro) >= right_min);
    check(vchan_layout(lo, ro, &l) == 0);
    /* No page is allocated when both fit in the shared page. */
    if (left_min <= 1024 && right_min <= 2048)
        check(lo == 10 && ro == 11);
}

static void check_ring(unsigned int order, uint32_t prod, uint32_t cons, uint32_t idx, uint32_t n,
                       const uint8_t *data, size_t size)
{
    uint32_t ring_size = 1u << order;
    int used = vchan_ring_used(prod, cons, order), space = vchan_ring_space(prod, cons, order);
    uint8_t *ring = malloc(ring_size), *src = malloc(ring_size), *out = malloc(ring_size);

    check((used < 0) == (prod - cons > ring_size));
    check((space < 0) == (used < 0));
    if (used >= 0)
        check((uint32_t)used == prod - cons && (uint32_t)(used + space) == ring_size);
    /* Copies of at most a ring's worth, at any stream index: exact, in bounds (ASan). */
    n %= ring_size + 1;
    for (uint32_t i = 0; i < ring_size; i++)
        src[i] = size ? data[i % size] : (uint8_t)i;
    memset(ring, 0xee, ring_size);
    uk_ring_copy_to(ring, ring_size, idx, src, n);
    for (uint32_t i = 0; i < n; i++)
        check(ring[(idx + i) & (ring_size - 1)] == src[i]);
    uk_ring_copy_from(out, ring, ring_size, idx, n);
    check(memcmp(out, src, n) == 0);
    free(ring);
    free(src);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint16_t lo, ro, n;
    uint32_t left_min, right_min, prod, cons, idx;

    if (size < 26)
        return 0;
    memcpy(&lo, data, 2);
    memcpy(&ro, data + 2, 2);
    memcpy(&left_min, data + 4, 4);
    memcpy(&right_min, data + 8, 4);
    memcpy(&prod, data + 12, 4);
    memcpy(&cons, data + 16, 4);
    memcpy(&idx, data + 20, 4);
    memcpy(&n, data + 24, 2);
    check_layout(lo, ro);
    /* Sizes around the interesting ones more often than not: scale by the low bits. */
    check_pick(left_min >> (left_min & 15), right_min >> (right_min & 15));
    /* The index checks at any order; copies (whose logic no order changes) up to 16 KiB. */
    for (unsigned int o = 10; o <= 20; o++)
        check((vchan_ring_used(prod, cons, o) < 0) == (prod - cons > (1u << o)));
    check_ring(10 + lo % 5, prod, cons, idx, n, data + 26, size - 26);
    return 0;
}
