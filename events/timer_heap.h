/*
 * Private to events/: the binary min-heap of armed timers, ordered by
 * deadline. Pure logic, unit-tested on the host.
 */
#ifndef EVENTS_TIMER_HEAP_H
#define EVENTS_TIMER_HEAP_H

#include <stddef.h>

#include <uk/time.h>

struct timer_heap {
    struct timer **slots;
    size_t len;      /* armed timers */
    size_t capacity; /* slots allocated */
    size_t reserved; /* timers initialised: capacity never falls below this */
};

/* Make room for one more timer (thread context). 0 or -ENOMEM. */
int timer_heap_reserve(struct timer_heap *h);
void timer_heap_unreserve(struct timer_heap *h);
/* Insert an idle timer. Never allocates: timer_heap_reserve made room. */
void timer_heap_insert(struct timer_heap *h, struct timer *t);
/* Remove an armed timer. */
void timer_heap_remove(struct timer_heap *h, struct timer *t);
/* The earliest timer, or NULL. */
struct timer *timer_heap_peek(const struct timer_heap *h);

#endif
