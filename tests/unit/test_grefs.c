/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests for gnttab/grefs.c, the grant-reference allocator. */
#include <errno.h>
#include <stdlib.h>

#include "../../gnttab/grefs.h"
#include "check.h"

TEST(reserved_refs_are_never_given)
{
    struct gref_pool p;

    gref_pool_init(&p, 8);
    CHECK_EQ(gref_pool_grow(&p, 512), 0);
    CHECK_EQ(p.nr_free, 504);
    for (int i = 0; i < 504; i++)
        CHECK(gref_alloc(&p) >= 8);
    CHECK_EQ(gref_alloc(&p), GREF_NONE);
    CHECK_EQ(gref_in_use(&p), 504);
    CHECK_EQ(gref_free(&p, 3), -EINVAL);
    gref_pool_destroy(&p);
}

TEST(free_then_alloc_reuses_and_counts)
{
    struct gref_pool p;
    uint32_t a, b;

    gref_pool_init(&p, 8);
    gref_pool_grow(&p, 16);
    a = gref_alloc(&p);
    b = gref_alloc(&p);
    CHECK_EQ(a, 8);
    CHECK_EQ(b, 9);
    CHECK_EQ(gref_free(&p, a), 0);
    CHECK_EQ(gref_free(&p, a), -EINVAL); /* double free refused */
    CHECK_EQ(gref_free(&p, 100), -EINVAL);
    CHECK_EQ(gref_alloc(&p), a);
    CHECK_EQ(gref_in_use(&p), 2);
    gref_pool_destroy(&p);
}

TEST(batch_is_all_or_nothing)
{
    struct gref_pool p;
    uint32_t out[16];

    gref_pool_init(&p, 8);
    gref_pool_grow(&p, 20);
    CHECK_EQ(gref_alloc_batch(&p, 13, out), -ENOSPC);
    CHECK_EQ(p.nr_free, 12);
    CHECK_EQ(gref_alloc_batch(&p, 12, out), 0);
    CHECK_EQ(p.nr_free, 0);
    for (int i = 0; i < 12; i++)
        CHECK_EQ(gref_free(&p, out[i]), 0);
    CHECK_EQ(gref_in_use(&p), 0);
    gref_pool_destroy(&p);
}

TEST(growing_keeps_allocations)
{
    struct gref_pool p;
    uint32_t a;

    gref_pool_init(&p, 8);
    gref_pool_grow(&p, 10);
    a = gref_alloc(&p);
    CHECK_EQ(gref_pool_grow(&p, 5000), 0);
    CHECK_EQ(gref_free(&p, a), 0);
    CHECK_EQ(gref_in_use(&p), 0);
    CHECK_EQ(p.nr_free, 5000 - 8);
    gref_pool_destroy(&p);
}

TEST(random_stress_never_double_allocates)
{
    struct gref_pool p;
    static uint32_t held[2048];
    static bool owned[4096];
    int n = 0;

    gref_pool_init(&p, 8);
    gref_pool_grow(&p, 4096);
    srand(99);
    for (int step = 0; step < 100000; step++) {
        if (n && (rand() % 2 || n == 2048)) {
            int i = rand() % n;

            CHECK_EQ(gref_free(&p, held[i]), 0);
            owned[held[i]] = false;
            held[i] = held[--n];
        } else {
            uint32_t r = gref_alloc(&p);

            CHECK(r != GREF_NONE && r >= 8 && r < 4096);
            if (r == GREF_NONE)
                break;
            CHECK(!owned[r]);
            owned[r] = true;
            held[n++] = r;
        }
        CHECK_EQ(gref_in_use(&p), n);
    }
    gref_pool_destroy(&p);
}

/* A v1 entry names 32-bit frames: anything at or above 16 TiB is refused, not truncated. */
TEST(frames_that_do_not_fit_v1_are_refused)
{
    uint32_t f = 7;

    CHECK_EQ(gref_frame_v1(0x1234000, &f), 0);
    CHECK_EQ(f, 0x1234);
    CHECK_EQ(gref_frame_v1(0xfffffffffffull, &f), 0);
    CHECK_EQ(f, UINT32_MAX);
    f = 7;
    CHECK_EQ(gref_frame_v1(0x100000000000ull, &f), -ERANGE);
    CHECK_EQ(gref_frame_v1(0x100000001000ull, &f), -ERANGE);
    CHECK_EQ(gref_frame_v1(UINT64_MAX, &f), -ERANGE);
    CHECK_EQ(f, 7);
}
