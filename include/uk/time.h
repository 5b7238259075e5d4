/*
 * Time: a monotonic clock in nanoseconds from Xen's pvclock, the wall clock
 * from shared_info, and one-shot timers driven by Xen's single-shot vCPU
 * timer. Timers live in a binary heap: arming and expiry cost O(log n).
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

/* Nanoseconds since the domain started; never goes backwards. */
uint64_t time_monotonic_ns(void);
/* Nanoseconds since the Unix epoch (Xen's wall clock plus system time). */
uint64_t time_realtime_ns(void);

struct timer;
typedef void (*timer_fn_t)(struct timer *t, void *ctx);

struct timer {
    uint64_t deadline; /* monotonic ns */
    timer_fn_t fn;     /* runs in the timer event handler: must not block */
    void *ctx;
    size_t heap_index; /* position in the heap, or TIMER_IDLE */
};
#define TIMER_IDLE ((size_t)-1)

/*
 * timer_init reserves the timer's place in the heap (it may allocate, so it
 * is for threads only); timer_arm and timer_cancel never allocate and are
 * safe in event handlers. timer_destroy cancels and gives the place back.
 * timer_init returns 0 or -ENOMEM.
 */
int timer_init(struct timer *t, timer_fn_t fn, void *ctx);
void timer_destroy(struct timer *t);
/* (Re)arm for `deadline`; a deadline in the past fires at the next event. */
void timer_arm(struct timer *t, uint64_t deadline);
/* True if it was armed. */
bool timer_cancel(struct timer *t);

/* Sleep the calling thread until `deadline` / for `ns`. */
void sleep_until(uint64_t deadline);
void sleep_ns(uint64_t ns);

/* waitq_wait with a deadline: 0 when woken, -ETIMEDOUT at the deadline. */
int waitq_wait_until(struct waitq *wq, const char *what, uint64_t deadline);

/* Timer events handled so far, for tests. */
uint64_t time_timer_interrupts(void);

#endif
