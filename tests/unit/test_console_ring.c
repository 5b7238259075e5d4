/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests for kernel/console_ring.c: the console ring's index arithmetic. */
#include <string.h>

#include "../../kernel/console_ring.h"

#include "check.h"

#define SIZE 16

static char ring[SIZE + 4];

static void reset(void)
{
    memset(ring, '.', sizeof(ring));
}

TEST(empty_ring_takes_what_fits)
{
    uint32_t prod = 0;

    reset();
    CHECK_EQ(console_ring_put(ring, SIZE, 0, &prod, "hello", 5), 5);
    CHECK_EQ(prod, 5);
    CHECK(memcmp(ring, "hello.", 6) == 0);
    CHECK_EQ(console_ring_put(ring, SIZE, 0, &prod, "0123456789abcdefXYZ", 19), SIZE - 5);
    CHECK_EQ(prod, SIZE);
    CHECK(memcmp(ring + SIZE, "....", 4) == 0); /* nothing past the ring */
}

TEST(full_ring_takes_nothing)
{
    uint32_t prod = 100 + SIZE;

    reset();
    CHECK_EQ(console_ring_put(ring, SIZE, 100, &prod, "x", 1), 0);
    CHECK_EQ(prod, 100 + SIZE);
}

TEST(indices_wrap_at_32_bits)
{
    uint32_t cons = 0xfffffffcu, prod = 0xfffffffeu;

    reset();
    CHECK_EQ(console_ring_put(ring, SIZE, cons, &prod, "abcd", 4), 4);
    CHECK_EQ(prod, 2);
    CHECK(ring[14] == 'a' && ring[15] == 'b' && ring[0] == 'c' && ring[1] == 'd');
    /* 6 in flight across the wrap: 10 more fit. */
    CHECK_EQ(console_ring_put(ring, SIZE, cons, &prod, "0123456789ABC", 13), 10);
}

TEST(impossible_indices_are_refused)
{
    uint32_t prod = SIZE + 1;

    reset();
    CHECK_EQ(console_ring_put(ring, SIZE, 0, &prod, "x", 1), -1);
    CHECK_EQ(prod, SIZE + 1);
    prod = 5; /* a consumer ahead of the producer */
    CHECK_EQ(console_ring_put(ring, SIZE, 6, &prod, "x", 1), -1);
    CHECK_EQ(prod, 5);
    CHECK(ring[5] == '.');
}
