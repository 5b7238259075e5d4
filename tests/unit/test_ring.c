/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests for <uk/ring.h>: Xen's ring macros over our barriers, at wrap-around. */
#include <stdint.h>
#include <stdlib.h>

#include <uk/ring.h>

#include "check.h"

struct test_req {
    uint32_t id;
};
struct test_rsp {
    uint32_t id;
};
DEFINE_RING_TYPES(test, struct test_req, struct test_rsp);

static union {
    struct test_sring s;
    char page[4096];
} shared;

TEST(front_and_back_pass_requests_across_wraparound)
{
    struct test_front_ring front;
    struct test_back_ring back;
    uint32_t next = 0, seen = 0;
    int notify;

    SHARED_RING_INIT(&shared.s);
    /* Start the indices just below 2^32, so that they wrap during the test. */
    shared.s.req_prod = shared.s.rsp_prod = 0xffffff00u;
    shared.s.req_event = shared.s.rsp_event = 0xffffff01u;
    FRONT_RING_ATTACH(&front, &shared.s, 0xffffff00u, sizeof(shared));
    BACK_RING_ATTACH(&back, &shared.s, 0xffffff00u, sizeof(shared));
    CHECK(RING_SIZE(&front) > 1);
    for (int round = 0; round < 1000; round++) {
        int n = 1 + round % (int)RING_SIZE(&front);

        for (int i = 0; i < n && !RING_FULL(&front); i++) {
            RING_GET_REQUEST(&front, front.req_prod_pvt)->id = next++;
            front.req_prod_pvt++;
        }
        RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
        (void)notify;
        CHECK(uk_ring_prod_valid(back.req_cons, shared.s.req_prod, RING_SIZE(&back)));
        while (RING_HAS_UNCONSUMED_REQUESTS(&back)) {
            struct test_req *rq = RING_GET_REQUEST(&back, back.req_cons);

            CHECK_EQ(rq->id, seen);
            seen++;
            back.req_cons++;
            RING_GET_RESPONSE(&back, back.rsp_prod_pvt)->id = rq->id;
            back.rsp_prod_pvt++;
        }
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
        while (RING_HAS_UNCONSUMED_RESPONSES(&front))
            front.rsp_cons++;
    }
    CHECK_EQ(seen, next);
    CHECK(shared.s.req_prod < 0xffffff00u); /* it wrapped */
}

TEST(garbage_producer_indices_are_refused)
{
    CHECK(uk_ring_prod_valid(10, 10, 32));
    CHECK(uk_ring_prod_valid(10, 42, 32));
    CHECK(!uk_ring_prod_valid(10, 43, 32));
    CHECK(!uk_ring_prod_valid(10, 9, 32)); /* behind the consumer */
    CHECK(uk_ring_prod_valid(0xfffffff0u, 0x10u, 32));
}

TEST(byte_copies_wrap_around_the_ring)
{
    uint8_t ring[1024], in[1024], out[1024];

    for (int i = 0; i < 1024; i++)
        in[i] = (uint8_t)(i * 31 + 7);
    memset(ring, 0, sizeof(ring));
    uk_ring_copy_to(ring, sizeof(ring), 0xfffffff0u + 1024 * 3, in,
                    100); /* index 1008 of the ring */
    CHECK_EQ(ring[1008], in[0]);
    CHECK_EQ(ring[1023], in[15]);
    CHECK_EQ(ring[0], in[16]);
    CHECK_EQ(ring[83], in[99]);
    CHECK_EQ(ring[84], 0); /* nothing past the n bytes */
    uk_ring_copy_from(out, ring, sizeof(ring), 1008, 100);
    CHECK(memcmp(out, in, 100) == 0);
    uk_ring_copy_to(ring, sizeof(ring), 5, in, 1024);
    uk_ring_copy_from(out, ring, sizeof(ring), 5, 1024);
    CHECK(memcmp(out, in, 1024) == 0);
    uk_ring_copy_from(out, ring, sizeof(ring), 7, 0); /* an empty copy touches nothing */
}
