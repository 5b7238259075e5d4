/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Time: a monotonic clock in nanoseconds from Xen's pvclock, the wall clock
 * from shared_info, and one-shot timers driven by Xen's single-shot vCPU
 * timer. Timers live in an intrusive pairing heap: arming never allocates,
 * expiry and cancelling cost O(log n) amortized.
 */
#ifndef UK_TIME_H
#define UK_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uk/sched.h>

#define NSEC_PER_USEC 1000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_SEC  1000000000ull

/*
 * Nanoseconds since the domain was created (its vCPU, by Xen's runstate
 * accounting, so the time the toolstack took to build and unpause it
 * counts too); never goes backwards.
 */
uint64_t time_monotonic_ns(void);
/* Nanoseconds since the Unix epoch (Xen's wall clock plus system time). */
uint64_t time_realtime_ns(void);

/*
 * A deadline that never comes. Deadlines are sums (now + a timeout) and
 * saturate here instead of wrapping into the past; Xen is never asked for
 * one this far (see program_xen_timer).
 */
#define TIME_NEVER UINT64_MAX

/* t + ns, or TIME_NEVER when the sum does not fit. */
static inline uint64_t time_add_sat(uint64_t t, uint64_t ns)
{
    return ns > TIME_NEVER - t ? TIME_NEVER : t + ns;
}

/* sec seconds plus nsec ns in ns, or TIME_NEVER when that does not fit. */
static inline uint64_t time_ns_sat(uint64_t sec, uint64_t nsec)
{
    if (sec > TIME_NEVER / NSEC_PER_SEC)
        return TIME_NEVER;
    return time_add_sat(sec * NSEC_PER_SEC, nsec);
}

/* The deadline `ns` from now (saturating): what timed waits take. */
uint64_t time_deadline_in(uint64_t ns);

struct timer;
typedef void (*timer_fn_t)(struct timer *t, void *ctx);

struct timer {
    uint64_t deadline; /* monotonic ns */
    timer_fn_t fn;     /* runs in the timer event handler: must not block */
    void *ctx;
    /* The heap's links (events/timer_heap.c): the timer needs no other memory. */
    struct timer *child, *next, *prev;
    bool armed;
};

/*
 * A timer needs no memory beyond its struct: timer_init always returns 0
 * (the int is for callers written when it could fail). timer_arm and
 * timer_cancel are safe in event handlers. timer_destroy cancels.
 */
int timer_init(struct timer *t, timer_fn_t fn, void *ctx);
void timer_destroy(struct timer *t);
/* (Re)arm for `deadline`; a deadline in the past fires at the next event. */
void timer_arm(struct timer *t, uint64_t deadline);
/* True if it was armed. */
bool timer_cancel(struct timer *t);

/* Sleep the calling thread until `deadline` / for `ns` (TIME_NEVER: for ever). */
void sleep_until(uint64_t deadline);
void sleep_ns(uint64_t ns);

/*
 * waitq_wait with a deadline: 0 when woken, -ETIMEDOUT at the deadline.
 * Never anything else: the wait allocates nothing, so it cannot fail.
 */
int waitq_wait_until(struct waitq *wq, const char *what, uint64_t deadline);

/* Timer events handled so far, for tests. */
uint64_t time_timer_interrupts(void);

#endif
