/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to events/: the pairing heap of armed timers, ordered by
 * deadline. Pure logic, unit-tested on the host. Never allocates.
 */
#ifndef EVENTS_TIMER_HEAP_H
#define EVENTS_TIMER_HEAP_H

#include <stddef.h>

#include <internal/time.h>

struct timer_heap {
    struct uk_timer *root; /* the earliest deadline */
    size_t len;            /* armed timers */
};

/* Insert an idle timer (one already armed is a bug: UK_ASSERT). */
void timer_heap_insert(struct timer_heap *h, struct uk_timer *t);
/* Remove a timer; an idle one is left as it is. */
void timer_heap_remove(struct timer_heap *h, struct uk_timer *t);
/* The earliest timer, or NULL. */
struct uk_timer *timer_heap_peek(const struct timer_heap *h);

#endif
