/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests for events/timer_heap.c (the pairing heap) and <internal/time.h>'s saturating sums. */
#include <stdlib.h>

#include "../../events/timer_heap.h"
#include "check.h"

static struct timer_heap heap;

static void fresh(void)
{
    heap = (struct timer_heap){0};
}

TEST(pops_in_deadline_order)
{
    static struct uk_timer t[1000];
    uint64_t last = 0;

    fresh();
    srand(7);
    for (int i = 0; i < 1000; i++) {
        t[i] = (struct uk_timer){.deadline = (uint64_t)rand() % 5000};
        timer_heap_insert(&heap, &t[i]);
    }
    CHECK_EQ(heap.len, 1000);
    for (int i = 0; i < 1000; i++) {
        struct uk_timer *first = timer_heap_peek(&heap);

        CHECK(first->deadline >= last);
        last = first->deadline;
        timer_heap_remove(&heap, first);
        CHECK(!first->armed);
    }
    CHECK(timer_heap_peek(&heap) == NULL);
    CHECK_EQ(heap.len, 0);
}

TEST(remove_from_the_middle_keeps_order)
{
    static struct uk_timer t[500];
    uint64_t last = 0;
    int left = 0;

    fresh();
    for (int i = 0; i < 500; i++) {
        t[i] = (struct uk_timer){.deadline = (uint64_t)((i * 7919) % 500)};
        timer_heap_insert(&heap, &t[i]);
    }
    /* Pop a few first, so the heap has depth before the middle goes. */
    for (int i = 0; i < 500; i += 3)
        timer_heap_remove(&heap, &t[i]);
    while (timer_heap_peek(&heap)) {
        struct uk_timer *first = timer_heap_peek(&heap);

        CHECK(first->deadline >= last);
        CHECK((first - t) % 3 != 0);
        last = first->deadline;
        timer_heap_remove(&heap, first);
        left++;
    }
    CHECK_EQ(left, 500 - 167);
}

TEST(removing_an_idle_timer_is_harmless_inserting_an_armed_one_a_bug)
{
    struct uk_timer a = {.deadline = 5}, b = {.deadline = 3};

    fresh();
    timer_heap_insert(&heap, &b);
    timer_heap_remove(&heap, &a);
    /* Linked twice it would corrupt the heap: a broken invariant, caught. */
    CHECK_ASSERTS(timer_heap_insert(&heap, &b), "!t->armed");
    CHECK_EQ(heap.len, 1);
    CHECK(timer_heap_peek(&heap) == &b);
    timer_heap_remove(&heap, &b);
    timer_heap_remove(&heap, &b);
    CHECK_EQ(heap.len, 0);
}

/*
 * Finding 6: arming needs no memory. Any number of timers, each arriving
 * with nothing but its own struct, go in (the array heap aborted here: a
 * timer armed without a reserved slot).
 */
TEST(inserting_needs_no_reservation)
{
    static struct uk_timer t[5000];

    fresh();
    for (int i = 0; i < 5000; i++) {
        t[i] = (struct uk_timer){.deadline = (uint64_t)(5000 - i)};
        timer_heap_insert(&heap, &t[i]);
    }
    CHECK_EQ(heap.len, 5000);
    CHECK(timer_heap_peek(&heap) == &t[4999]);
    for (int i = 4999; i >= 0; i--) {
        CHECK(timer_heap_peek(&heap) == &t[i]);
        timer_heap_remove(&heap, &t[i]);
    }
}

/* Random arms, re-arms, cancels and expiries against a plain array. */
TEST(random_operations_match_a_model)
{
    enum { N = 64 };
    static struct uk_timer t[N];
    bool armed[N] = {0};
    size_t n = 0;

    fresh();
    srand(11);
    for (int i = 0; i < N; i++)
        t[i] = (struct uk_timer){0};
    for (int step = 0; step < 200000; step++) {
        int i = rand() % N, op = rand() % 4;
        struct uk_timer *first = timer_heap_peek(&heap);
        uint64_t min = UINT64_MAX;

        for (int j = 0; j < N; j++)
            if (armed[j] && t[j].deadline < min)
                min = t[j].deadline;
        CHECK_EQ(heap.len, n);
        CHECK(n ? first && first->armed && first->deadline == min : first == NULL);
        if (op == 0 && first) { /* expire the earliest */
            armed[first - t] = false;
            timer_heap_remove(&heap, first);
            n--;
        } else if (op == 1 && armed[i]) { /* cancel */
            timer_heap_remove(&heap, &t[i]);
            armed[i] = false;
            n--;
        } else { /* (re)arm, as uk_timer_arm does */
            if (armed[i])
                timer_heap_remove(&heap, &t[i]);
            else
                n++;
            t[i].deadline = (uint64_t)rand() % 1000;
            timer_heap_insert(&heap, &t[i]);
            armed[i] = true;
        }
        if (check_failures)
            return;
    }
}

/* Finding 9: now + timeout saturates instead of wrapping into the past. */
TEST(deadline_sums_saturate)
{
    CHECK_EQ(uk_time_add_sat(1, 2), 3);
    CHECK(uk_time_add_sat(UINT64_MAX - 5, 5) == UINT64_MAX - 0);
    CHECK(uk_time_add_sat(UINT64_MAX - 5, 6) == UK_TIME_NEVER);
    CHECK(uk_time_add_sat(12345, UINT64_MAX) == UK_TIME_NEVER);
    CHECK(uk_time_add_sat(UK_TIME_NEVER, 1) == UK_TIME_NEVER);
    CHECK_EQ(uk_time_ns_sat(0, 999999999), 999999999);
    CHECK(uk_time_ns_sat(3, 5) == 3 * UK_NSEC_PER_SEC + 5);
    /* nanosleep({LONG_MAX, 0}) and friends: for ever, not a short sleep. */
    CHECK(uk_time_ns_sat(INT64_MAX, 0) == UK_TIME_NEVER);
    CHECK(uk_time_ns_sat(UINT64_MAX / UK_NSEC_PER_SEC + 1, 0) == UK_TIME_NEVER);
    CHECK(uk_time_ns_sat(UINT64_MAX / UK_NSEC_PER_SEC, UK_NSEC_PER_SEC - 1) == UK_TIME_NEVER);
    CHECK(uk_time_ns_sat(UINT64_MAX / UK_NSEC_PER_SEC, 0) ==
          UINT64_MAX / UK_NSEC_PER_SEC * UK_NSEC_PER_SEC);
}
