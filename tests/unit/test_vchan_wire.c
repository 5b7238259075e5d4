/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests for gnttab/vchan_wire.c: the shared-page layout both ends
 * check, the server's choice of ring orders, and the index checks.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <xen/io/libxenvchan.h>

#include "../../gnttab/vchan_wire.h"
#include "check.h"

/*
 * What libxenvchan's client (Xen 4.17, tools/libs/vchan/init.c) accepts,
 * restated: both orders from 10 to 20, and not the same in-page order twice.
 */
static bool libxenvchan_client_accepts(unsigned int lo, unsigned int ro)
{
    return lo >= 10 && lo <= 20 && ro >= 10 && ro <= 20 && !(lo == ro && lo < 12);
}

/* Mark every byte of the shared page a layout uses; false if one is used twice. */
static bool page_bytes_disjoint(const struct vchan_layout *l)
{
    static uint8_t used[VCHAN_PAGE_BYTES];
    const struct vchan_place *p[2] = {&l->left, &l->right};
    bool ok = true;

    memset(used, 0, sizeof(used));
    for (uint32_t i = 0; i < l->grants_end && ok; i++)
        ok = used[i]++ == 0;
    for (int k = 0; k < 2 && ok; k++)
        if (!p[k]->npages)
            for (uint32_t i = 0; i < (1u << p[k]->order) && ok; i++)
                ok = p[k]->offset + i < VCHAN_PAGE_BYTES && used[p[k]->offset + i]++ == 0;
    return ok;
}

TEST(layout_accepts_what_libxenvchan_accepts_without_overlap)
{
    for (unsigned int lo = 0; lo < 24; lo++)
        for (unsigned int ro = 0; ro < 24; ro++) {
            struct vchan_layout l;
            int rc = vchan_layout(lo, ro, &l);
            bool overlap_pair = (lo == 10 && ro == 20) || (lo == 20 && ro == 10);

            if (libxenvchan_client_accepts(lo, ro) && !overlap_pair) {
                if (rc != 0)
                    printf("  layout %u/%u refused\n", lo, ro);
                CHECK_EQ(rc, 0);
            } else {
                CHECK_EQ(rc, -EIO);
            }
            if (rc == 0) {
                CHECK(page_bytes_disjoint(&l));
                CHECK_EQ(l.left.npages, lo >= 12 ? 1u << (lo - 12) : 0);
                CHECK_EQ(l.right.first_grant, l.left.npages);
            }
        }
}

/* The case two of our guests hit: 1 MiB both ways is 512 grants, 2072 bytes of page. */
TEST(layout_one_mib_both_ways)
{
    struct vchan_layout l;

    CHECK_EQ(vchan_layout(20, 20, &l), 0);
    CHECK_EQ(l.grants_end, offsetof(struct vchan_interface, grants) + 512 * 4);
    CHECK_EQ(l.right.first_grant, 256);
    /* 256 grants beside a ring at 1024 would run into it; beside 2048 they fit. */
    CHECK_EQ(vchan_layout(10, 20, &l), -EIO);
    CHECK_EQ(vchan_layout(11, 20, &l), 0);
    CHECK_EQ(l.right.first_grant, 0);
    CHECK_EQ(l.left.offset, 2048);
    CHECK_EQ(vchan_layout(10, 19, &l), 0); /* 128 grants end at 536 */
}

/* Ring sizes a caller may ask for, including every boundary. */
static const size_t sizes[] = {0,    1,    1023, 1024, 1025,  2047,    2048,   2049,
                               4095, 4096, 4097, 8192, 65536, 1048575, 1048576};

TEST(server_orders_always_pass_the_client_check)
{
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
            unsigned int lo = 0, ro = 0;
            struct vchan_layout l;

            CHECK_EQ(vchan_pick_orders(sizes[i], sizes[k], &lo, &ro), 0);
            CHECK((size_t)1 << lo >= sizes[i]);
            CHECK((size_t)1 << ro >= sizes[k]);
            CHECK_EQ(vchan_layout(lo, ro, &l), 0);
            CHECK(page_bytes_disjoint(&l));
        }
}

TEST(server_orders_like_libxenvchan)
{
    unsigned int lo, ro;

    CHECK_EQ(vchan_pick_orders(0, 0, &lo, &ro), 0);
    CHECK(lo == 10 && ro == 11);
    CHECK_EQ(vchan_pick_orders(2048, 1024, &lo, &ro), 0);
    CHECK(lo == 11 && ro == 10);
    CHECK_EQ(vchan_pick_orders(0, 1048576, &lo, &ro), 0); /* was 10/20: grants over the ring */
    CHECK(lo == 11 && ro == 20);
    CHECK_EQ(vchan_pick_orders(1048576, 0, &lo, &ro), 0);
    CHECK(lo == 20 && ro == 11);
    CHECK_EQ(vchan_pick_orders(2048, 2048, &lo, &ro), 0);
    CHECK(lo == 11 && ro == 12);
    CHECK_EQ(vchan_pick_orders(65536, 65536, &lo, &ro), 0);
    CHECK(lo == 16 && ro == 16);
    CHECK_EQ(vchan_pick_orders(1048577, 0, &lo, &ro), -EINVAL);
    CHECK_EQ(vchan_pick_orders(0, (size_t)-1, &lo, &ro), -EINVAL);
}

TEST(indices_from_the_peer)
{
    CHECK_EQ(vchan_ring_used(10, 10, 10), 0);
    CHECK_EQ(vchan_ring_used(1024, 0, 10), 1024);
    CHECK_EQ(vchan_ring_used(1025, 0, 10), -EIO);
    CHECK_EQ(vchan_ring_used(5, 0xfffffffb, 10), 10); /* across the 32-bit wrap */
    CHECK_EQ(vchan_ring_used(0, 1, 10), -EIO);        /* consumer ahead of producer */
    CHECK_EQ(vchan_ring_space(1024, 0, 10), 0);
    CHECK_EQ(vchan_ring_space(3, 0xffffffff, 20), (1 << 20) - 4);
    CHECK_EQ(vchan_ring_space(0, 12345678, 20), -EIO);
}
