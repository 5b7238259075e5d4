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

#define UK_NSEC_PER_USEC 1000ull
#define UK_NSEC_PER_MSEC 1000000ull
#define UK_NSEC_PER_SEC  1000000000ull

/*
 * Nanoseconds since the domain was created (its vCPU, by Xen's runstate
 * accounting, so the time the toolstack took to build and unpause it
 * counts too); never goes backwards.
 */
uint64_t uk_monotonic_ns(void);
/* Nanoseconds since the Unix epoch (Xen's wall clock plus system time). */
uint64_t uk_realtime_ns(void);

/*
 * A deadline that never comes. Deadlines are sums (now + a timeout) and
 * saturate here instead of wrapping into the past; Xen is never asked for
 * one this far (see program_xen_timer).
 */
#define UK_TIME_NEVER UINT64_MAX

/* t + ns, or UK_TIME_NEVER when the sum does not fit. */
static inline uint64_t uk_time_add_sat(uint64_t t, uint64_t ns)
{
    return ns > UK_TIME_NEVER - t ? UK_TIME_NEVER : t + ns;
}

/* sec seconds plus nsec ns in ns, or UK_TIME_NEVER when that does not fit. */
static inline uint64_t uk_time_ns_sat(uint64_t sec, uint64_t nsec)
{
    if (sec > UK_TIME_NEVER / UK_NSEC_PER_SEC)
        return UK_TIME_NEVER;
    return uk_time_add_sat(sec * UK_NSEC_PER_SEC, nsec);
}

/* The deadline `ns` from now (saturating): what timed waits take. */
uint64_t uk_deadline_in(uint64_t ns);

struct uk_timer;
typedef void (*uk_timer_fn)(struct uk_timer *t, void *ctx);

struct uk_timer {
    uint64_t deadline; /* monotonic ns */
    uk_timer_fn fn;    /* runs in the timer event handler: must not block */
    void *ctx;
    /* The heap's links (events/timer_heap.c): the timer needs no other memory. */
    struct uk_timer *child, *next, *prev;
    bool armed;
};

/*
 * A timer needs no memory beyond its struct: uk_timer_init always returns 0
 * (the int is for callers written when it could fail). uk_timer_arm and
 * uk_timer_cancel are safe in event handlers. uk_timer_destroy cancels.
 */
int uk_timer_init(struct uk_timer *t, uk_timer_fn fn, void *ctx);
void uk_timer_destroy(struct uk_timer *t);
/* (Re)arm for `deadline`; a deadline in the past fires at the next event. */
void uk_timer_arm(struct uk_timer *t, uint64_t deadline);
/* True if it was armed. */
bool uk_timer_cancel(struct uk_timer *t);

/* Sleep the calling thread until `deadline` / for `ns` (UK_TIME_NEVER: for ever). */
void uk_sleep_until(uint64_t deadline);
void uk_sleep_ns(uint64_t ns);

#endif
