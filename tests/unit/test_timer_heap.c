/* Host tests for events/timer_heap.c. */
#include <stdlib.h>

#include "../../events/timer_heap.h"
#include "check.h"

static struct timer_heap heap;

static void fresh(void)
{
    free(heap.slots);
    heap = (struct timer_heap){0};
}

static void reserve(int n)
{
    for (int i = 0; i < n; i++)
        CHECK_EQ(timer_heap_reserve(&heap), 0);
}

TEST(pops_in_deadline_order)
{
    static struct timer t[1000];
    uint64_t last = 0;

    fresh();
    reserve(1000);
    srand(7);
    for (int i = 0; i < 1000; i++) {
        t[i].deadline = (uint64_t)rand() % 5000;
        timer_heap_insert(&heap, &t[i]);
    }
    CHECK_EQ(heap.len, 1000);
    for (int i = 0; i < 1000; i++) {
        struct timer *first = timer_heap_peek(&heap);

        CHECK(first->deadline >= last);
        last = first->deadline;
        timer_heap_remove(&heap, first);
        CHECK_EQ(first->heap_index, TIMER_IDLE);
    }
    CHECK(timer_heap_peek(&heap) == NULL);
}

TEST(remove_from_the_middle_keeps_order)
{
    static struct timer t[500];
    uint64_t last = 0;
    int left = 0;

    fresh();
    reserve(500);
    for (int i = 0; i < 500; i++) {
        t[i].deadline = (uint64_t)((i * 7919) % 500);
        timer_heap_insert(&heap, &t[i]);
    }
    for (int i = 0; i < 500; i += 3)
        timer_heap_remove(&heap, &t[i]);
    while (timer_heap_peek(&heap)) {
        struct timer *first = timer_heap_peek(&heap);

        CHECK(first->deadline >= last);
        CHECK((first - t) % 3 != 0);
        last = first->deadline;
        timer_heap_remove(&heap, first);
        left++;
    }
    CHECK_EQ(left, 500 - 167);
}

TEST(removing_an_idle_timer_is_harmless)
{
    struct timer a = {.deadline = 5, .heap_index = TIMER_IDLE}, b = {.deadline = 3};

    fresh();
    reserve(2);
    timer_heap_insert(&heap, &b);
    timer_heap_remove(&heap, &a);
    CHECK_EQ(heap.len, 1);
    CHECK(timer_heap_peek(&heap) == &b);
}

TEST(reserve_grows_capacity_once_per_timer)
{
    fresh();
    reserve(100);
    CHECK(heap.capacity >= 100);
    CHECK_EQ(heap.reserved, 100);
    for (int i = 0; i < 100; i++)
        timer_heap_unreserve(&heap);
    CHECK_EQ(heap.reserved, 0);
}
