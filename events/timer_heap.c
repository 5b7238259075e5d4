/*
 * A binary min-heap of timers by deadline. Each timer knows its index, so
 * removal from the middle is O(log n) too. Ties keep no particular order.
 */
#include <errno.h>
#include <stdlib.h>

#include "timer_heap.h"

static void place(struct timer_heap *h, size_t i, struct timer *t)
{
    h->slots[i] = t;
    t->heap_index = i;
}

static void sift_up(struct timer_heap *h, size_t i)
{
    struct timer *t = h->slots[i];

    while (i > 0) {
        size_t parent = (i - 1) / 2;

        if (h->slots[parent]->deadline <= t->deadline)
            break;
        place(h, i, h->slots[parent]);
        i = parent;
    }
    place(h, i, t);
}

static void sift_down(struct timer_heap *h, size_t i)
{
    struct timer *t = h->slots[i];

    for (;;) {
        size_t child = 2 * i + 1;

        if (child >= h->len)
            break;
        if (child + 1 < h->len && h->slots[child + 1]->deadline < h->slots[child]->deadline)
            child++;
        if (t->deadline <= h->slots[child]->deadline)
            break;
        place(h, i, h->slots[child]);
        i = child;
    }
    place(h, i, t);
}

int timer_heap_reserve(struct timer_heap *h)
{
    if (h->reserved == h->capacity) {
        size_t cap = h->capacity ? h->capacity * 2 : 16;
        struct timer **s = realloc(h->slots, cap * sizeof(*s));

        if (!s)
            return -ENOMEM;
        h->slots = s;
        h->capacity = cap;
    }
    h->reserved++;
    return 0;
}

void timer_heap_unreserve(struct timer_heap *h)
{
    if (h->reserved)
        h->reserved--;
}

void timer_heap_insert(struct timer_heap *h, struct timer *t)
{
    if (h->len == h->capacity)
        abort(); /* a timer armed without timer_init: a caller bug */
    h->len++;
    place(h, h->len - 1, t);
    sift_up(h, h->len - 1);
}

void timer_heap_remove(struct timer_heap *h, struct timer *t)
{
    size_t i = t->heap_index;
    struct timer *last;

    if (i >= h->len || h->slots[i] != t)
        return;
    t->heap_index = TIMER_IDLE;
    last = h->slots[--h->len];
    if (last == t)
        return;
    place(h, i, last);
    if (i > 0 && h->slots[(i - 1) / 2]->deadline > last->deadline)
        sift_up(h, i);
    else
        sift_down(h, i);
}

struct timer *timer_heap_peek(const struct timer_heap *h)
{
    return h->len ? h->slots[0] : NULL;
}
