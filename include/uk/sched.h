/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cooperative threads on one vCPU: a thread runs until it blocks, yields or
 * exits. Wait queues are the one blocking primitive; mutexes, semaphores and
 * condition variables are built on them. Event handlers (interrupt context)
 * may wake threads but never block.
 *
 * Every blocking call has a variant with a deadline (..._until): monotonic
 * ns as uk_monotonic_ns() counts them (uk_deadline_in(ns) makes one), or
 * UK_TIME_NEVER for none. They return 0, or -ETIMEDOUT once the deadline
 * has passed; they allocate nothing, so they fail in no other way.
 */
#ifndef UK_SCHED_H
#define UK_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uk/list.h>
#include <uk/time.h>

struct uk_thread;

#define UK_THREAD_STACK_DEFAULT (16 * 1024)

/*
 * A new runnable thread calling fn(arg), with a stack of at least
 * `stack_size` bytes (0: UK_THREAD_STACK_DEFAULT) above an unmapped guard page.
 * NULL with errno ENOMEM when memory is short. Returning from fn exits the
 * thread.
 */
struct uk_thread *uk_thread_create(const char *name, void (*fn)(void *), void *arg,
                                   size_t stack_size);
__attribute__((noreturn)) void uk_thread_exit(void);
/* Wait for `t` to exit and free it. 0, or -EINVAL (self, detached, or joined). */
int uk_thread_join(struct uk_thread *t);
/* Nobody will join `t`: free it as soon as it has exited. */
void uk_thread_detach(struct uk_thread *t);
/* Let every other runnable thread run once. */
void uk_thread_yield(void);
struct uk_thread *uk_thread_self(void);
const char *uk_thread_name(const struct uk_thread *t);
/* Threads alive now (not yet freed), main included. */
unsigned int uk_thread_count(void);

/*
 * Wait queues. A waiter lives on the waiting thread's stack; whoever wakes
 * it removes it from the queue, so a woken waiter is never woken twice.
 */
struct uk_waitq {
    struct uk_list waiters;
};

void uk_waitq_init(struct uk_waitq *wq);
bool uk_waitq_empty(const struct uk_waitq *wq);
/* Sleep until woken; `what` names the wait in thread dumps. */
void uk_waitq_wait(struct uk_waitq *wq, const char *what);
/* Sleep until woken (0) or until `deadline` (-ETIMEDOUT). */
int uk_waitq_wait_until(struct uk_waitq *wq, const char *what, uint64_t deadline);
/*
 * Sleep until cond(ctx) is true: the race-free way to wait for something an
 * event handler sets. The handler changes the state, then wakes `wq`
 * (uk_waitq_wake_one/all). cond runs with interrupts off, and the thread
 * is queued in the same interrupts-off section, so a handler's wakeup can
 * come neither between the check and the sleep nor be lost there. cond is
 * checked before the first sleep (no sleep if it holds) and after every
 * wake; it must not block, and it may take what it waited for (a count, an
 * item off a list): the wait ends the moment it returns true. 0 once cond
 * held, -ETIMEDOUT at `deadline` (UK_TIME_NEVER: none) with cond false.
 * Threads only.
 */
int uk_waitq_wait_cond(struct uk_waitq *wq, const char *what, bool (*cond)(void *ctx), void *ctx,
                       uint64_t deadline);
/* Wake the longest waiter; true if there was one. Safe in event handlers. */
bool uk_waitq_wake_one(struct uk_waitq *wq);
unsigned int uk_waitq_wake_all(struct uk_waitq *wq);

/* Mutual exclusion between threads (not for event handlers). */
struct uk_mutex {
    struct uk_thread *owner;
    struct uk_waitq waiters;
};
void uk_mutex_init(struct uk_mutex *m);
/* 0, or -EDEADLK when the caller holds it already. */
int uk_mutex_lock(struct uk_mutex *m);
/* The same, or -ETIMEDOUT when still not ours at `deadline`. */
int uk_mutex_lock_until(struct uk_mutex *m, uint64_t deadline);
/* 0, or -EBUSY when held. */
int uk_mutex_trylock(struct uk_mutex *m);
/* 0, or -EPERM when the caller does not hold it. */
int uk_mutex_unlock(struct uk_mutex *m);

struct uk_sem {
    unsigned long count;
    struct uk_waitq waiters;
};
void uk_sem_init(struct uk_sem *s, unsigned long count);
void uk_sem_down(struct uk_sem *s);
/* 0 with the count taken, or -ETIMEDOUT at `deadline` without. */
int uk_sem_down_until(struct uk_sem *s, uint64_t deadline);
bool uk_sem_trydown(struct uk_sem *s);
/* Safe in event handlers. */
void uk_sem_up(struct uk_sem *s);

struct uk_cond {
    struct uk_waitq waiters;
};
void uk_cond_init(struct uk_cond *c);
/*
 * Atomically release `m` and wait; `m` is held again on return. 0, or
 * -EPERM (and no wait) when the caller does not hold `m`.
 */
int uk_cond_wait(struct uk_cond *c, struct uk_mutex *m);
/* The same, or -ETIMEDOUT (with `m` held again) when not signalled by `deadline`. */
int uk_cond_wait_until(struct uk_cond *c, struct uk_mutex *m, uint64_t deadline);
void uk_cond_signal(struct uk_cond *c);
void uk_cond_broadcast(struct uk_cond *c);

/* Every thread: name, state, what it waits on, stack use. To the console. */
void uk_sched_dump(void);

#endif
