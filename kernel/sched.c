/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The cooperative scheduler: threads, the run queue, wait queues and the
 * synchronisation built on them. One vCPU, so mutual exclusion against
 * other threads is free; against event handlers (which may wake threads)
 * the queues are touched only with interrupts off.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <internal/arch.h>
#include <internal/console.h>
#include <internal/format.h>
#include <internal/kernel.h>
#include <internal/mm.h>
#include <internal/sched.h>
#include <uk/time.h>

#include "kernel_private.h"

enum thread_state { THREAD_RUNNING, THREAD_RUNNABLE, THREAD_BLOCKED, THREAD_EXITED };

/*
 * Who can end a wait. Only the deadlock check cares: an event handler or a
 * timer may end a WAIT_EVENT wait (any wait queue, semaphores, timed waits),
 * so those are never part of a deadlock; the others only a thread can end.
 */
enum wait_kind {
    WAIT_EVENT,
    WAIT_MUTEX, /* wait_obj: the mutex; its owner can end it */
    WAIT_JOIN,  /* wait_obj: the thread joined; its exit ends it */
    WAIT_COND,  /* any other thread can end it */
};

static const char *const state_names[] = {"running", "runnable", "blocked", "exited"};

struct uk_thread {
    struct arch_context ctx;
    enum thread_state state;
    const char *wait_what; /* what a blocked thread waits on */
    enum wait_kind wait_kind;
    const void *wait_obj;
    bool stuck; /* scratch for find_stuck() */
    struct uk_list run_link;
    struct uk_list all_link;
    unsigned long id;
    char name[32];
    void (*fn)(void *);
    void *arg;
    uintptr_t stack_base; /* lowest page: the guard; 0 for main */
    unsigned int stack_order;
    void *libc_state;
    void *posix; /* sched_set_posix */
    void (*posix_release)(void *);
    struct uk_waitq joiners;
    bool detached, joined;
};

static struct uk_thread main_thread;
static struct uk_thread *current;
static struct uk_list run_queue = UK_LIST_INIT(run_queue);
static struct uk_list all_threads = UK_LIST_INIT(all_threads);
static struct uk_list zombies = UK_LIST_INIT(zombies);
static unsigned int nr_threads;
static unsigned long next_id = 1;
static uint64_t nr_switches;

void sched_init(void)
{
    strcpy(main_thread.name, "main");
    main_thread.state = THREAD_RUNNING;
    main_thread.id = next_id++;
    uk_list_init(&main_thread.run_link);
    uk_waitq_init(&main_thread.joiners);
    uk_list_add_tail(&all_threads, &main_thread.all_link);
    nr_threads = 1;
    current = &main_thread;
}

struct uk_thread *uk_thread_self(void)
{
    return current;
}

const char *uk_thread_name(const struct uk_thread *t)
{
    return t ? t->name : "none";
}

const char *kernel_thread_name(void)
{
    return current ? current->name : "boot";
}

unsigned int uk_thread_count(void)
{
    return nr_threads;
}

struct uk_thread *sched_main_thread(void)
{
    return &main_thread;
}

void sched_set_posix(struct uk_thread *t, void *rec, void (*release)(void *rec))
{
    t->posix = rec;
    t->posix_release = release;
}

void *sched_posix(const struct uk_thread *t)
{
    return t->posix;
}

uint64_t sched_switch_count(void)
{
    return nr_switches;
}

static void thread_free(struct uk_thread *t)
{
    uk_list_remove(&t->all_link);
    nr_threads--;
    /* Map the guard page again before the pages go back to the allocator. */
    if (arch_map_page(t->stack_base, t->stack_base, MAP_WRITE))
        uk_panic("thread_free: cannot remap the guard page of %s", t->name);
    uk_page_free_order((void *)t->stack_base, t->stack_order);
    libc_thread_state_free(t->libc_state);
    if (t->posix_release)
        t->posix_release(t->posix);
    free(t);
}

/* Free exited detached threads; never the one whose stack we are on. */
static void reap_zombies(void)
{
    struct uk_list *n;

    while ((n = uk_list_pop(&zombies)) != NULL)
        thread_free(uk_list_entry(n, struct uk_thread, run_link));
}

static bool deadlock_reported;

/* The live thread `p` points to, or NULL: an exited or freed one never runs again. */
static struct uk_thread *live_thread(const void *p)
{
    struct uk_list *n;

    uk_list_for_each(n, &all_threads)
    {
        struct uk_thread *t = uk_list_entry(n, struct uk_thread, all_link);

        if (t == p)
            return t->state == THREAD_EXITED ? NULL : t;
    }
    return NULL;
}

/* Can a thread not (yet) known to be stuck end t's wait? */
static bool may_be_woken(const struct uk_thread *t)
{
    const struct uk_thread *w;
    struct uk_list *n;

    switch (t->wait_kind) {
    case WAIT_MUTEX:
        w = live_thread(((const struct uk_mutex *)t->wait_obj)->owner);
        return w && !w->stuck;
    case WAIT_JOIN:
        w = live_thread(t->wait_obj);
        return w && !w->stuck;
    case WAIT_COND:
        uk_list_for_each(n, &all_threads)
        {
            w = uk_list_entry(n, struct uk_thread, all_link);
            if (w != t && w->state != THREAD_EXITED && !w->stuck)
                return true;
        }
        return false;
    default:
        return true;
    }
}

/*
 * The threads that can never run again: blocked on a mutex, a join or a
 * condition variable that only threads as stuck as they are could end.
 * Start from every thread in such a wait and free, until nothing changes,
 * each one some thread not stuck could still wake. Threads in waits an
 * event or a timer may end are never stuck, nor is anything they could
 * end, so this errs towards silence, never towards a false alarm.
 */
static unsigned int find_stuck(void)
{
    unsigned int stuck = 0;
    struct uk_list *n;
    bool changed;

    uk_list_for_each(n, &all_threads)
    {
        struct uk_thread *t = uk_list_entry(n, struct uk_thread, all_link);

        t->stuck = t->state == THREAD_BLOCKED && t->wait_kind != WAIT_EVENT;
    }
    do {
        changed = false;
        uk_list_for_each(n, &all_threads)
        {
            struct uk_thread *t = uk_list_entry(n, struct uk_thread, all_link);

            if (t->stuck && may_be_woken(t)) {
                t->stuck = false;
                changed = true;
            }
        }
    } while (changed);
    uk_list_for_each(n, &all_threads)
    {
        stuck += uk_list_entry(n, struct uk_thread, all_link)->stuck;
    }
    return stuck;
}

/*
 * About to idle: if some threads wait on each other for ever, say so once,
 * with a thread dump (the guest would otherwise hang without a word). The
 * rest of the guest goes on: its other threads may still have work.
 */
static void check_deadlock(void)
{
    struct uk_list *n;
    unsigned int stuck;

    if (deadlock_reported || (stuck = find_stuck()) == 0)
        return;
    deadlock_reported = true;
    uk_printf("\n*** deadlock: %u threads wait on one another for ever:", stuck);
    uk_list_for_each(n, &all_threads)
    {
        const struct uk_thread *t = uk_list_entry(n, struct uk_thread, all_link);

        if (t->stuck)
            uk_printf(" %s", t->name);
    }
    uk_printf("\n");
    uk_sched_dump();
}

/*
 * Run the next runnable thread; with none, idle until an event handler
 * makes one runnable. Called with interrupts off, after the caller has put
 * `current` where it belongs (run queue, a wait queue, or nowhere).
 */
static void schedule(void)
{
    struct uk_thread *prev = current, *next;
    struct uk_list *n;

    while ((n = uk_list_pop(&run_queue)) == NULL) {
        if (prev->state == THREAD_RUNNING)
            return;
        check_deadlock();
        arch_idle();
    }
    next = uk_list_entry(n, struct uk_thread, run_link);
    if (next == prev) {
        prev->state = THREAD_RUNNING;
        return;
    }
    next->state = THREAD_RUNNING;
    current = next;
    nr_switches++;
    libc_thread_state_switch(next->libc_state);
    arch_context_switch(&prev->ctx, &next->ctx);
    reap_zombies();
}

static void make_runnable(struct uk_thread *t)
{
    if (t->state == THREAD_BLOCKED) {
        t->state = THREAD_RUNNABLE;
        uk_list_add_tail(&run_queue, &t->run_link);
    }
}

static int wait_on(struct uk_waitq *wq, const char *what, enum wait_kind kind, const void *obj,
                   bool (*cond)(void *), void *ctx, uint64_t deadline);
static bool thread_exited(void *t);

static void thread_start(void *arg)
{
    struct uk_thread *t = arg;

    reap_zombies();
    arch_irq_enable();
    t->fn(t->arg);
    uk_thread_exit();
}

struct uk_thread *uk_thread_create(const char *name, void (*fn)(void *), void *arg,
                                   size_t stack_size)
{
    struct uk_thread *t = calloc(1, sizeof(*t));
    uint64_t pages;
    unsigned long flags;

    if (!t)
        goto nomem;
    if (!stack_size)
        stack_size = UK_THREAD_STACK_DEFAULT;
    /* Rounded up without `stack_size + PAGE_SIZE - 1`, which wraps near SIZE_MAX. */
    pages = stack_size / PAGE_SIZE + (stack_size % PAGE_SIZE != 0) + 1;
    if (pages > ((uint64_t)1 << PAGE_MAX_ORDER))
        goto nomem;
    t->stack_order = page_order_for(pages);
    t->stack_base = (uintptr_t)uk_page_alloc_order(t->stack_order);
    if (!t->stack_base)
        goto nomem;
    t->libc_state = libc_thread_state_new();
    if (!t->libc_state || arch_unmap_page(t->stack_base)) {
        uk_page_free_order((void *)t->stack_base, t->stack_order);
        libc_thread_state_free(t->libc_state);
        goto nomem;
    }
    ksnprintf(t->name, sizeof(t->name), "%s", name ? name : "thread");
    t->fn = fn;
    t->arg = arg;
    t->id = next_id++;
    uk_waitq_init(&t->joiners);
    arch_context_init(&t->ctx, t->stack_base + (PAGE_SIZE << t->stack_order), thread_start, t);

    flags = arch_irq_save();
    uk_list_add_tail(&all_threads, &t->all_link);
    nr_threads++;
    t->state = THREAD_BLOCKED;
    make_runnable(t);
    arch_irq_restore(flags);
    return t;

nomem:
    free(t);
    errno = ENOMEM;
    return NULL;
}

void uk_thread_exit(void)
{
    struct uk_thread *t = current;

    if (t == &main_thread)
        uk_panic("uk_thread_exit: main must return from main() instead");
    arch_irq_disable();
    t->state = THREAD_EXITED;
    uk_waitq_wake_all(&t->joiners);
    if (t->detached)
        uk_list_add_tail(&zombies, &t->run_link);
    schedule();
    uk_panic("uk_thread_exit: an exited thread was resumed");
}

int uk_thread_join(struct uk_thread *t)
{
    if (!t || t == current || t == &main_thread || t->detached || t->joined)
        return -EINVAL;
    t->joined = true;
    wait_on(&t->joiners, "join", WAIT_JOIN, t, thread_exited, t, UK_TIME_NEVER);
    thread_free(t);
    return 0;
}

void uk_thread_detach(struct uk_thread *t)
{
    unsigned long flags;

    if (!t || t == &main_thread || t->detached || t->joined)
        return;
    flags = arch_irq_save();
    t->detached = true;
    if (t->state == THREAD_EXITED && t != current)
        uk_list_add_tail(&zombies, &t->run_link);
    arch_irq_restore(flags);
    if (t != current)
        reap_zombies();
}

void uk_thread_yield(void)
{
    unsigned long flags = arch_irq_save();

    if (!uk_list_empty(&run_queue)) {
        current->state = THREAD_RUNNABLE;
        uk_list_add_tail(&run_queue, &current->run_link);
        schedule();
    }
    arch_irq_restore(flags);
}

/* Wait queues. */

void uk_waitq_init(struct uk_waitq *wq)
{
    uk_list_init(&wq->waiters);
}

bool uk_waitq_empty(const struct uk_waitq *wq)
{
    return uk_list_empty(&wq->waiters);
}

/*
 * A blocked thread's place on a wait queue, on its own stack. Whoever ends
 * the wait (a wake, or the deadline's timer) takes it off the queue, so it
 * is never ended twice.
 */
struct waiter {
    struct uk_list link;
    struct uk_thread *thread;
    bool queued;  /* still on its wait queue */
    bool woken;   /* by uk_waitq_wake_*, not by the deadline */
    bool expired; /* the deadline passed */
};

/* The deadline's timer, in the timer event handler. */
static void wait_expired(struct uk_timer *t, void *ctx)
{
    struct waiter *w = ctx;
    unsigned long flags = arch_irq_save();

    (void)t;
    w->expired = true;
    if (w->queued) {
        uk_list_remove(&w->link);
        w->queued = false;
        make_runnable(w->thread);
    }
    arch_irq_restore(flags);
}

/*
 * The one blocking wait; every other wait of the runtime is made of it.
 * Until cond(ctx) holds (cond NULL: until woken once), or until `deadline`
 * (monotonic ns; UK_TIME_NEVER: none): 0, or -ETIMEDOUT.
 *
 * Interrupts stay off from each check of cond to the moment the thread is
 * queued and blocked, so an event handler that makes cond true and wakes
 * `wq` either runs before the check (which sees it) or after the thread is
 * queued (and wakes it): never in between, where its wakeup would find no
 * waiter and be lost. The timer is armed after the first check (a wait
 * that need not sleep costs no timer) and once for the whole wait, however
 * often spurious wakes requeue the thread; it lives on this stack frame, so
 * the wait allocates nothing and cannot fail. A wait a timer can end is
 * never part of a deadlock, whatever `kind` says.
 */
static int wait_on(struct uk_waitq *wq, const char *what, enum wait_kind kind, const void *obj,
                   bool (*cond)(void *), void *ctx, uint64_t deadline)
{
    unsigned long flags = arch_irq_save();
    struct waiter w = {.thread = current};
    struct uk_timer timer;
    bool armed = false;
    int rc = 0;

    for (;;) {
        if (cond && cond(ctx))
            break;
        if (w.expired) {
            rc = -ETIMEDOUT;
            break;
        }
        if (deadline != UK_TIME_NEVER && !armed) {
            uk_timer_init(&timer, wait_expired, &w);
            uk_timer_arm(&timer, deadline);
            armed = true;
            kind = WAIT_EVENT;
            obj = NULL;
        }
        w.queued = true;
        w.woken = false;
        uk_list_add_tail(&wq->waiters, &w.link);
        while (w.queued) {
            current->state = THREAD_BLOCKED;
            current->wait_what = what;
            current->wait_kind = kind;
            current->wait_obj = obj;
            schedule();
        }
        if (!cond) {
            rc = w.woken ? 0 : -ETIMEDOUT;
            break;
        }
    }
    if (armed)
        uk_timer_cancel(&timer);
    current->wait_what = NULL;
    current->wait_kind = WAIT_EVENT;
    current->wait_obj = NULL;
    arch_irq_restore(flags);
    return rc;
}

void uk_waitq_wait(struct uk_waitq *wq, const char *what)
{
    wait_on(wq, what, WAIT_EVENT, NULL, NULL, NULL, UK_TIME_NEVER);
}

int uk_waitq_wait_until(struct uk_waitq *wq, const char *what, uint64_t deadline)
{
    return wait_on(wq, what, WAIT_EVENT, NULL, NULL, NULL, deadline);
}

int uk_waitq_wait_cond(struct uk_waitq *wq, const char *what, bool (*cond)(void *ctx), void *ctx,
                       uint64_t deadline)
{
    return wait_on(wq, what, WAIT_EVENT, NULL, cond, ctx, deadline);
}

/* Take the longest waiter off `wq` and make it runnable: its thread, or NULL. */
static struct uk_thread *wake_first(struct uk_waitq *wq)
{
    unsigned long flags = arch_irq_save();
    struct uk_list *n = uk_list_pop(&wq->waiters);
    struct uk_thread *t = NULL;

    if (n) {
        struct waiter *w = uk_list_entry(n, struct waiter, link);

        w->queued = false;
        w->woken = true;
        t = w->thread;
        make_runnable(t);
    }
    arch_irq_restore(flags);
    return t;
}

bool uk_waitq_wake_one(struct uk_waitq *wq)
{
    return wake_first(wq) != NULL;
}

unsigned int uk_waitq_wake_all(struct uk_waitq *wq)
{
    unsigned int n = 0;

    while (uk_waitq_wake_one(wq))
        n++;
    return n;
}

static bool thread_exited(void *t)
{
    return ((struct uk_thread *)t)->state == THREAD_EXITED;
}

/* Mutexes hand ownership straight to the longest waiter: no barging. */

void uk_mutex_init(struct uk_mutex *m)
{
    m->owner = NULL;
    uk_waitq_init(&m->waiters);
}

int uk_mutex_trylock(struct uk_mutex *m)
{
    if (m->owner)
        return -EBUSY;
    m->owner = current;
    return 0;
}

/* Free: take it. Handed to us by an unlock: ours already. */
static bool mutex_taken(void *ctx)
{
    struct uk_mutex *m = ctx;

    if (!m->owner)
        m->owner = current;
    return m->owner == current;
}

int uk_mutex_lock_until(struct uk_mutex *m, uint64_t deadline)
{
    if (m->owner == current)
        return -EDEADLK;
    return wait_on(&m->waiters, "mutex", WAIT_MUTEX, m, mutex_taken, m, deadline);
}

int uk_mutex_lock(struct uk_mutex *m)
{
    return uk_mutex_lock_until(m, UK_TIME_NEVER);
}

int uk_mutex_unlock(struct uk_mutex *m)
{
    unsigned long flags;

    if (m->owner != current)
        return -EPERM;
    /*
     * The next owner is chosen and woken in one interrupts-off section. Were
     * its deadline to pass in between, a separate wake would wake the waiter
     * behind it instead, which would find the mutex taken and requeue last.
     * A chosen owner whose deadline passes before it runs still sees the
     * mutex as its own (mutex_taken) and keeps it.
     */
    flags = arch_irq_save();
    m->owner = wake_first(&m->waiters);
    arch_irq_restore(flags);
    return 0;
}

void uk_sem_init(struct uk_sem *s, unsigned long count)
{
    s->count = count;
    uk_waitq_init(&s->waiters);
}

/* Interrupts off (a wait's check, or uk_sem_trydown): uk_sem_up may run in a handler. */
static bool sem_taken(void *ctx)
{
    struct uk_sem *s = ctx;

    if (s->count == 0)
        return false;
    s->count--;
    return true;
}

bool uk_sem_trydown(struct uk_sem *s)
{
    unsigned long flags = arch_irq_save();
    bool ok = sem_taken(s);

    arch_irq_restore(flags);
    return ok;
}

int uk_sem_down_until(struct uk_sem *s, uint64_t deadline)
{
    /*
     * The count is checked in wait_on, in the section that queues the
     * waiter: checked in one and queued in another, a uk_sem_up from an
     * event handler in between would find no waiter and be lost.
     */
    return wait_on(&s->waiters, "semaphore", WAIT_EVENT, NULL, sem_taken, s, deadline);
}

void uk_sem_down(struct uk_sem *s)
{
    uk_sem_down_until(s, UK_TIME_NEVER);
}

void uk_sem_up(struct uk_sem *s)
{
    unsigned long flags = arch_irq_save();

    s->count++;
    uk_waitq_wake_one(&s->waiters);
    arch_irq_restore(flags);
}

void uk_cond_init(struct uk_cond *c)
{
    uk_waitq_init(&c->waiters);
}

int uk_cond_wait_until(struct uk_cond *c, struct uk_mutex *m, uint64_t deadline)
{
    unsigned long flags = arch_irq_save();
    int rc = uk_mutex_unlock(m), lock_rc;

    if (rc) {
        arch_irq_restore(flags);
        return rc;
    }
    /*
     * Unlocked and queued in one interrupts-off section: only threads
     * signal, and none runs before this thread blocks, so a signal cannot
     * come between the unlock and the wait.
     */
    rc = wait_on(&c->waiters, "condvar", WAIT_COND, NULL, NULL, NULL, deadline);
    arch_irq_restore(flags);
    /* Held again on return, timed out or not (as POSIX has it). */
    lock_rc = uk_mutex_lock(m);
    return rc ? rc : lock_rc;
}

int uk_cond_wait(struct uk_cond *c, struct uk_mutex *m)
{
    return uk_cond_wait_until(c, m, UK_TIME_NEVER);
}

void uk_cond_signal(struct uk_cond *c)
{
    uk_waitq_wake_one(&c->waiters);
}

void uk_cond_broadcast(struct uk_cond *c)
{
    uk_waitq_wake_all(&c->waiters);
}

const char *sched_guard_owner(uintptr_t addr)
{
    struct uk_list *n;

    uk_list_for_each(n, &all_threads)
    {
        struct uk_thread *t = uk_list_entry(n, struct uk_thread, all_link);

        if (t->stack_base && addr - t->stack_base < PAGE_SIZE)
            return t->name;
    }
    return NULL;
}

void uk_sched_dump(void)
{
    struct uk_list *n;

    uk_printf("threads (%u, %llu switches):\n", nr_threads, (unsigned long long)nr_switches);
    uk_list_for_each(n, &all_threads)
    {
        struct uk_thread *t = uk_list_entry(n, struct uk_thread, all_link);
        uintptr_t top = t->stack_base + (PAGE_SIZE << t->stack_order);

        uk_printf("  %3lu %-16s %-8s%s%s", t->id, t->name, state_names[t->state],
                  t->wait_what ? " on " : "", t->wait_what ? t->wait_what : "");
        if (t->stack_base && t != current)
            uk_printf(" stack %lu/%lu bytes", (unsigned long)(top - t->ctx.sp),
                      (unsigned long)(top - t->stack_base - PAGE_SIZE));
        uk_printf("\n");
    }
}
