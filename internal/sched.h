/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The scheduler's side that only the runtime uses: boot, the waiter a
 * blocking wait is made of, and what crash reports and benchmarks read.
 */
#ifndef INTERNAL_SCHED_H
#define INTERNAL_SCHED_H

#include <stdint.h>

#include <uk/sched.h>

/* Turn the boot context into the thread "main". Called once by the kernel. */
void sched_init(void);

struct waiter {
    struct uk_list link;
    struct uk_thread *thread;
    bool queued; /* still on its wait queue */
    bool woken;  /* woken by waitq_wake_* (not a timeout or a cancel) */
};

/* The pieces uk_waitq_wait is made of, for waits that other events can end (timeouts). */
void waiter_enqueue(struct uk_waitq *wq, struct waiter *w);
/* Take `w` off its queue (if still there) and make its thread runnable. */
void waiter_cancel(struct uk_waitq *wq, struct waiter *w);
/* Block until `w` is woken or cancelled. */
void waiter_sleep(struct waiter *w, const char *what);

/* Switches so far, for benchmarks. */
uint64_t sched_switch_count(void);

/* The thread whose stack guard page holds `addr`, or NULL. */
const char *sched_guard_owner(uintptr_t addr);

#endif
