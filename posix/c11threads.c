/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * C11 <threads.h> (newlib's header, our include/machine/_threads.h) as a
 * layer over the POSIX threads of pthread.c: the same objects, C11's
 * result codes. TIME_UTC is CLOCK_REALTIME, as pthread's default clock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>
#include <time.h>

#include "posix_private.h"

static int result(int rc)
{
    switch (rc) {
    case 0:
        return thrd_success;
    case EBUSY:
        return thrd_busy;
    case ETIMEDOUT:
        return thrd_timedout;
    case ENOMEM:
    case EAGAIN:
        return thrd_nomem;
    default:
        return thrd_error;
    }
}

int timespec_get(struct timespec *ts, int base)
{
    if (base != TIME_UTC || clock_gettime(CLOCK_REALTIME, ts))
        return 0;
    return base;
}

/* ---- Threads ---- */

struct c11_start {
    thrd_start_t fn;
    void *arg;
};

/* C11's thread result is an int: it travels as pthread's void *. */
static void *c11_start(void *p)
{
    struct c11_start s = *(struct c11_start *)p;

    free(p);
    return (void *)(intptr_t)s.fn(s.arg);
}

int thrd_create(thrd_t *thr, thrd_start_t fn, void *arg)
{
    struct c11_start *s = malloc(sizeof(*s));
    int rc;

    if (!s)
        return thrd_nomem;
    *s = (struct c11_start){fn, arg};
    rc = pthread_create(thr, NULL, c11_start, s);
    if (rc)
        free(s);
    return result(rc);
}

thrd_t thrd_current(void)
{
    return pthread_self();
}

int thrd_detach(thrd_t thr)
{
    return result(pthread_detach(thr));
}

int thrd_equal(thrd_t a, thrd_t b)
{
    return pthread_equal(a, b);
}

_Noreturn void thrd_exit(int res)
{
    pthread_exit((void *)(intptr_t)res);
}

int thrd_join(thrd_t thr, int *res)
{
    void *ret;
    int rc = pthread_join(thr, &ret);

    if (rc == 0 && res)
        *res = (int)(intptr_t)ret;
    return result(rc);
}

int thrd_sleep(const struct timespec *duration, struct timespec *remaining)
{
    /* Nothing interrupts a sleep here: 0, or a negative value for a bad duration. */
    if (nanosleep(duration, remaining))
        return -2;
    return 0;
}

void thrd_yield(void)
{
    pthread_yield();
}

/* ---- Mutexes ---- */

int mtx_init(mtx_t *mtx, int type)
{
    pthread_mutexattr_t attr;
    int rc;

    if ((type & ~(mtx_plain | mtx_timed | mtx_recursive)) || !(type & (mtx_plain | mtx_timed)))
        return thrd_error;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, (type & mtx_recursive) ? PTHREAD_MUTEX_RECURSIVE
                                                            : PTHREAD_MUTEX_NORMAL);
    rc = pthread_mutex_init(mtx, &attr);
    pthread_mutexattr_destroy(&attr);
    return rc ? thrd_error : thrd_success;
}

void mtx_destroy(mtx_t *mtx)
{
    pthread_mutex_destroy(mtx);
}

int mtx_lock(mtx_t *mtx)
{
    return result(pthread_mutex_lock(mtx));
}

int mtx_timedlock(mtx_t *restrict mtx, const struct timespec *restrict ts)
{
    return result(pthread_mutex_timedlock(mtx, ts));
}

int mtx_trylock(mtx_t *mtx)
{
    return result(pthread_mutex_trylock(mtx));
}

int mtx_unlock(mtx_t *mtx)
{
    return result(pthread_mutex_unlock(mtx));
}

/* ---- Condition variables ---- */

int cnd_init(cnd_t *cond)
{
    return result(pthread_cond_init(cond, NULL));
}

void cnd_destroy(cnd_t *cond)
{
    pthread_cond_destroy(cond);
}

int cnd_signal(cnd_t *cond)
{
    return result(pthread_cond_signal(cond));
}

int cnd_broadcast(cnd_t *cond)
{
    return result(pthread_cond_broadcast(cond));
}

int cnd_wait(cnd_t *cond, mtx_t *mtx)
{
    return result(pthread_cond_wait(cond, mtx));
}

int cnd_timedwait(cnd_t *restrict cond, mtx_t *restrict mtx, const struct timespec *restrict ts)
{
    return result(pthread_cond_timedwait(cond, mtx, ts));
}

/* ---- Thread-specific storage and once ---- */

int tss_create(tss_t *key, tss_dtor_t dtor)
{
    return result(pthread_key_create(key, dtor));
}

void tss_delete(tss_t key)
{
    pthread_key_delete(key);
}

void *tss_get(tss_t key)
{
    return pthread_getspecific(key);
}

int tss_set(tss_t key, void *value)
{
    return result(pthread_setspecific(key, value));
}

void call_once(once_flag *flag, void (*fn)(void))
{
    pthread_once(flag, fn);
}
