/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vchan's layout and index checks (see vchan_wire.h). Pure logic: no
 * grants, events or XenStore; host-tested and fuzzed.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <xen/io/libxenvchan.h>

#include "vchan_wire.h"

#define GRANTS_START ((uint32_t)offsetof(struct vchan_interface, grants))

static uint32_t pages_of(unsigned int order)
{
    return order >= VCHAN_PAGE_ORDER ? 1u << (order - VCHAN_PAGE_ORDER) : 0;
}

static uint32_t in_page_offset(unsigned int order)
{
    return order == VCHAN_SMALL_ORDER ? 1024 : order == VCHAN_LARGE_ORDER ? 2048 : 0;
}

int vchan_layout(unsigned int left_order, unsigned int right_order, struct vchan_layout *l)
{
    uint32_t lowest_ring = VCHAN_PAGE_BYTES;

    if (left_order < VCHAN_SMALL_ORDER || left_order > VCHAN_MAX_ORDER ||
        right_order < VCHAN_SMALL_ORDER || right_order > VCHAN_MAX_ORDER)
        return -EIO;
    /* Two rings in one in-page slot would be one ring written from both ends. */
    if (left_order == right_order && left_order < VCHAN_PAGE_ORDER)
        return -EIO;
    l->left = (struct vchan_place){left_order, in_page_offset(left_order), pages_of(left_order), 0};
    l->right = (struct vchan_place){right_order, in_page_offset(right_order), pages_of(right_order),
                                    l->left.npages};
    l->grants_end = GRANTS_START + (l->left.npages + l->right.npages) * (uint32_t)sizeof(uint32_t);
    if (l->left.offset && l->left.offset < lowest_ring)
        lowest_ring = l->left.offset;
    if (l->right.offset && l->right.offset < lowest_ring)
        lowest_ring = l->right.offset;
    /* The grant list must not run into a ring: each end would overwrite the other's bytes. */
    return l->grants_end <= lowest_ring ? 0 : -EIO;
}

/* The smallest order from 10 whose ring holds `min` bytes (21 when none does). */
static unsigned int order_for(size_t min)
{
    unsigned int o = VCHAN_SMALL_ORDER;

    while (o <= VCHAN_MAX_ORDER && ((size_t)1 << o) < min)
        o++;
    return o;
}

int vchan_pick_orders(size_t left_min, size_t right_min, unsigned int *left_order,
                      unsigned int *right_order)
{
    unsigned int lo = order_for(left_min), ro = order_for(right_min);

    if (lo > VCHAN_MAX_ORDER || ro > VCHAN_MAX_ORDER)
        return -EINVAL;
    if (lo <= VCHAN_SMALL_ORDER && ro <= VCHAN_LARGE_ORDER) {
        lo = VCHAN_SMALL_ORDER;
        ro = VCHAN_LARGE_ORDER;
    } else if (lo <= VCHAN_LARGE_ORDER && ro <= VCHAN_SMALL_ORDER) {
        lo = VCHAN_LARGE_ORDER;
        ro = VCHAN_SMALL_ORDER;
    } else if (lo <= VCHAN_LARGE_ORDER) {
        /* At 2048 the ring leaves room below it for the other one's 256 grants. */
        lo = VCHAN_LARGE_ORDER;
        ro = ro < VCHAN_PAGE_ORDER ? VCHAN_PAGE_ORDER : ro;
    } else if (ro <= VCHAN_LARGE_ORDER) {
        ro = VCHAN_LARGE_ORDER;
    }
    *left_order = lo;
    *right_order = ro;
    return 0;
}

int vchan_ring_used(uint32_t prod, uint32_t cons, unsigned int order)
{
    uint32_t used = prod - cons; /* free-running indices: wrap-around is fine */

    return used > (1u << order) ? -EIO : (int)used;
}

int vchan_ring_space(uint32_t prod, uint32_t cons, unsigned int order)
{
    int used = vchan_ring_used(prod, cons, order);

    return used < 0 ? used : (int)((1u << order) - (uint32_t)used);
}
