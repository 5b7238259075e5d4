/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * newlib and threads. Each thread has its own struct _reent (errno,
 * strtok-like state), reached through _impure_ptr, which the scheduler
 * points at it on every switch, so two threads never see each other's
 * errno. The stdio streams are not per thread: newlib is built with global
 * stdio streams, so every reent's stdin/stdout/stderr are the one program's
 * (what a thread has buffered is flushed by exit() like everything else),
 * and with retargetable locking, whose locks (below) are the scheduler's
 * mutexes made recursive: a thread that sleeps in the console while it
 * holds stdout keeps the others out of the stream's buffer.
 */
#include <errno.h>
#include <reent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h> /* _REENT_INIT_PTR uses memset */
#include <sys/lock.h>

#include <internal/arch.h>
#include <internal/sched.h>

#include "kernel_private.h"

/* newlib's, from stdio/local.h (not installed): sets up the streams. */
extern void __sinit(struct _reent *r);

void *libc_thread_state_new(void)
{
    struct _reent *r;

    /*
     * exit() flushes through the global reent's cleanup hook, which only its
     * own stdio set-up installs: do it before a thread's printf can come first.
     */
    if (!_GLOBAL_REENT->__sdidinit)
        __sinit(_GLOBAL_REENT);
    r = calloc(1, sizeof(*r));
    if (r)
        _REENT_INIT_PTR(r);
    return r;
}

void libc_thread_state_free(void *state)
{
    struct _reent *r = state;

    if (!r)
        return;
    /* Frees the thread's own state; the shared streams stay open. */
    _reclaim_reent(r);
    free(r);
}

void libc_thread_state_switch(void *state)
{
    _impure_ptr = state ? state : _global_impure_ptr;
}

/*
 * newlib's locks. Before the scheduler runs there is one flow of control
 * and nothing to lock. With interrupts off (an event handler) a lock held
 * by another thread cannot be waited for: the handler goes on without it,
 * as it would have before locking existed, rather than sleep where it may
 * not. The static locks newlib names are set up on first use.
 */
struct __lock {
    bool ready;
    unsigned int depth;
    struct uk_mutex m;
};

struct __lock __lock___sinit_recursive_mutex;
struct __lock __lock___sfp_recursive_mutex;
struct __lock __lock___atexit_recursive_mutex;
struct __lock __lock___at_quick_exit_mutex;
struct __lock __lock___malloc_recursive_mutex;
struct __lock __lock___env_recursive_mutex;
struct __lock __lock___tz_mutex;
struct __lock __lock___dd_hash_mutex;
struct __lock __lock___arc4random_mutex;

static void lock_ready(struct __lock *l)
{
    /* Interrupts off: an event handler must not see it half set up. */
    unsigned long flags = arch_irq_save();

    if (!l->ready) {
        uk_mutex_init(&l->m);
        l->depth = 0;
        l->ready = true;
    }
    arch_irq_restore(flags);
}

static int lock_take(struct __lock *l, bool may_sleep)
{
    struct uk_thread *self = uk_thread_self();

    if (!l || !self)
        return 0;
    lock_ready(l);
    if (l->m.owner == self) {
        l->depth++;
        return 0;
    }
    if (uk_mutex_trylock(&l->m)) {
        if (!may_sleep || !arch_irq_enabled())
            return EBUSY;
        uk_mutex_lock(&l->m);
    }
    l->depth = 1;
    return 0;
}

static void lock_give(struct __lock *l)
{
    struct uk_thread *self = uk_thread_self();

    /* Not ours: taken before the scheduler ran, or skipped by a handler. */
    if (!l || !self || !l->ready || l->m.owner != self)
        return;
    if (--l->depth == 0)
        uk_mutex_unlock(&l->m);
}

static void lock_new(_LOCK_T *lock)
{
    *lock = calloc(1, sizeof(**lock));
    /* Without memory the lock is NULL, which every operation treats as free. */
}

void __retarget_lock_init(_LOCK_T *lock)
{
    lock_new(lock);
}

void __retarget_lock_init_recursive(_LOCK_T *lock)
{
    lock_new(lock);
}

void __retarget_lock_close(_LOCK_T lock)
{
    free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock)
{
    free(lock);
}

void __retarget_lock_acquire(_LOCK_T lock)
{
    (void)lock_take(lock, true);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
    (void)lock_take(lock, true);
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
    return lock_take(lock, false);
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
    return lock_take(lock, false);
}

void __retarget_lock_release(_LOCK_T lock)
{
    lock_give(lock);
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
    lock_give(lock);
}
