/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cooperative threads on one vCPU: a thread runs until it blocks, yields or
 * exits. Wait queues are the one blocking primitive; mutexes, semaphores and
 * condition variables are built on them. Event handlers (interrupt context)
 * may wake threads but never block.
 */
#ifndef UK_SCHED_H
#define UK_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uk/list.h>

struct thread;

#define THREAD_STACK_DEFAULT (16 * 1024)

/* Turn the boot context into the thread "main". Called once by the kernel. */
void sched_init(void);

/*
 * A new runnable thread calling fn(arg), with a stack of at least
 * `stack_size` bytes (0: THREAD_STACK_DEFAULT) above an unmapped guard page.
 * NULL with errno ENOMEM when memory is short. Returning from fn exits the
 * thread.
 */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg, size_t stack_size);
__attribute__((noreturn)) void thread_exit(void);
/* Wait for `t` to exit and free it. 0, or -EINVAL (self, detached, or joined). */
int thread_join(struct thread *t);
/* Nobody will join `t`: free it as soon as it has exited. */
void thread_detach(struct thread *t);
/* Let every other runnable thread run once. */
void thread_yield(void);
struct thread *thread_self(void);
const char *thread_name(const struct thread *t);
/* Threads alive now (not yet freed), main included. */
unsigned int sched_thread_count(void);

/*
 * Wait queues. A waiter lives on the waiting thread's stack; whoever wakes
 * it removes it from the queue, so a woken waiter is never woken twice.
 */
struct waitq {
    struct list_node waiters;
};

struct waiter {
    struct list_node link;
    struct thread *thread;
    bool queued; /* still on its wait queue */
    bool woken;  /* woken by waitq_wake_* (not a timeout or a cancel) */
};

void waitq_init(struct waitq *wq);
bool waitq_empty(const struct waitq *wq);
/* Sleep until woken; `what` names the wait in thread dumps. */
void waitq_wait(struct waitq *wq, const char *what);
/* Wake the longest waiter; true if there was one. Safe in event handlers. */
bool waitq_wake_one(struct waitq *wq);
unsigned int waitq_wake_all(struct waitq *wq);

/* The pieces waitq_wait is made of, for waits that other events can end (timeouts). */
void waiter_enqueue(struct waitq *wq, struct waiter *w);
/* Take `w` off its queue (if still there) and make its thread runnable. */
void waiter_cancel(struct waitq *wq, struct waiter *w);
/* Block until `w` is woken or cancelled. */
void waiter_sleep(struct waiter *w, const char *what);

/* Mutual exclusion between threads (not for event handlers). */
struct mutex {
    struct thread *owner;
    struct waitq waiters;
};
void mutex_init(struct mutex *m);
/* 0, or -EDEADLK when the caller holds it already. */
int mutex_lock(struct mutex *m);
/* 0, or -EBUSY when held. */
int mutex_trylock(struct mutex *m);
/* 0, or -EPERM when the caller does not hold it. */
int mutex_unlock(struct mutex *m);

struct semaphore {
    unsigned long count;
    struct waitq waiters;
};
void sem_init(struct semaphore *s, unsigned long count);
void sem_down(struct semaphore *s);
bool sem_trydown(struct semaphore *s);
/* Safe in event handlers. */
void sem_up(struct semaphore *s);

struct condvar {
    struct waitq waiters;
};
void cond_init(struct condvar *c);
/* Atomically release `m` and wait; `m` is held again on return. */
int cond_wait(struct condvar *c, struct mutex *m);
void cond_signal(struct condvar *c);
void cond_broadcast(struct condvar *c);

/* Every thread: name, state, what it waits on, stack use. To the console. */
void sched_dump(void);

/* Switches so far, for benchmarks. */
uint64_t sched_switch_count(void);

/* The thread whose stack guard page holds `addr`, or NULL. */
const char *sched_guard_owner(uintptr_t addr);

#endif
