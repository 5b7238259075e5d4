/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to gnttab/: the pure part of vchan, what both ends must agree on
 * and every check of what the peer wrote, apart from the grant and event
 * plumbing so that the host tests and the fuzzer drive it directly (as
 * xenstore/xs_wire.c is for XenStore).
 *
 * The shared page is Xen's struct vchan_interface (io/libxenvchan.h): the
 * two rings' indices and orders, liveness and notify bytes, then the list
 * of grants for rings that live in pages of their own. A ring of order 10
 * lives in the page at offset 1024, one of order 11 at 2048; orders 12 to
 * 20 are 2^(order-12) granted pages each, left's grants first.
 */
#ifndef GNTTAB_VCHAN_WIRE_H
#define GNTTAB_VCHAN_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define VCHAN_SMALL_ORDER 10 /* in the shared page, at offset 1024 */
#define VCHAN_LARGE_ORDER 11 /* in the shared page, at offset 2048 */
#define VCHAN_PAGE_ORDER  12 /* the smallest ring in pages of its own */
#define VCHAN_MAX_ORDER   20 /* 1 MiB: 256 grants */
#define VCHAN_MAX_PAGES   (1u << (VCHAN_MAX_ORDER - VCHAN_PAGE_ORDER))
#define VCHAN_PAGE_BYTES  4096u

/* Where one ring lives. */
struct vchan_place {
    unsigned int order;
    uint32_t offset;      /* in the shared page: its byte offset; else 0 */
    uint32_t npages;      /* in pages of its own: how many; else 0 */
    uint32_t first_grant; /* index of its first grant in the list */
};

struct vchan_layout {
    struct vchan_place left, right;
    uint32_t grants_end; /* the byte after the grant list */
};

/*
 * The one layout check, for both ends: orders from 10 to 20, not both rings
 * in one in-page slot, and a grant list that ends before any in-page ring
 * begins. Fills *l and returns 0, or -EIO. This accepts every layout that
 * libxenvchan's client accepts except two, left/right orders 10/20 and
 * 20/10, whose 256 grants would run over the ring at 1024 (libxenvchan's
 * server never produces them: it puts an in-page ring beside a page ring
 * at 2048).
 */
int vchan_layout(unsigned int left_order, unsigned int right_order, struct vchan_layout *l);

/*
 * The server's orders for rings of at least left_min and right_min bytes,
 * as libxenvchan's server picks them: both rings in the page when they fit
 * (1 KiB + 2 KiB), an in-page ring beside a page ring at offset 2048.
 * 0 (and the result always passes vchan_layout), or -EINVAL above 1 MiB.
 */
int vchan_pick_orders(size_t left_min, size_t right_min, unsigned int *left_order,
                      unsigned int *right_order);

/*
 * From indices the peer may have written: bytes unread (prod - cons) and
 * room left in a ring of 2^order bytes, or -EIO when more is unread than
 * the ring holds.
 */
int vchan_ring_used(uint32_t prod, uint32_t cons, unsigned int order);
int vchan_ring_space(uint32_t prod, uint32_t cons, unsigned int order);

#endif
