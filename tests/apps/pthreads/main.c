/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pthreads: POSIX threads, C11 threads and the native timed waits in a
 * real guest, through the headers an ordinary C library would include.
 *  - create/join with results, self/equal, a big stack from the
 *    attributes, detach, the misuse errors;
 *  - mutex contention (one thread in the section at a time, nothing lost),
 *    the static initializer, recursive and error-checking mutexes,
 *    trylock, timedlock timing out on CLOCK_REALTIME;
 *  - condition variables: broadcast, timedwait timing out (mutex held
 *    again) and signalled before its time, CLOCK_MONOTONIC by attribute;
 *  - pthread_once with an init routine that sleeps while others call;
 *  - keys: values per thread, destructors at thread exit, re-set values
 *    destroyed again;
 *  - C11: thrd_*, mtx_* (plain, recursive, timed), cnd_*, tss_*, call_once;
 *  - native: uk_sem_down_until, uk_mutex_lock_until, uk_cond_wait_until
 *    timing out and succeeding, uk_waitq_wait_cond ended by a timer
 *    handler;
 *  - pthread_exit in main: the domain ends (status 0) when the last
 *    pthread does.
 * Waits are measured on CLOCK_MONOTONIC; a timeout may end late (the
 * machine is busy), never early.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <time.h>

#include <uk/sched.h>
#include <uk/time.h>

#define TEST_NAME "pthreads"
#include "../report.h"

#define MS (1000000ll)

static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* The absolute time `ms` from now on `clock`. */
static struct timespec in_ms(clockid_t clock, long ms)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    ts.tv_nsec += (ms % 1000) * MS;
    ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000;
    ts.tv_nsec %= 1000000000;
    return ts;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * MS};

    nanosleep(&ts, NULL);
}

/* ---- create, join, attributes ---- */

static void *square(void *arg)
{
    intptr_t n = (intptr_t)arg;

    return (void *)(n * n);
}

static void *deep_stack(void *arg)
{
    volatile char big[200 * 1024];

    (void)arg;
    memset((char *)big, 0x5a, sizeof(big));
    return (void *)(uintptr_t)(big[0] + big[sizeof(big) - 1]);
}

static pthread_t seen_self;

static void *who_am_i(void *arg)
{
    (void)arg;
    seen_self = pthread_self();
    return NULL;
}

static volatile int detached_ran;

static void *detached(void *arg)
{
    (void)arg;
    detached_ran = 1;
    return NULL;
}

static void test_create_join(void)
{
    pthread_t t[8], t2;
    pthread_attr_t attr;
    size_t size = 0;
    void *ret;
    int ok = 1;

    for (intptr_t i = 0; i < 8; i++)
        ok &= pthread_create(&t[i], NULL, square, (void *)i) == 0;
    for (intptr_t i = 0; i < 8; i++)
        ok &= pthread_join(t[i], &ret) == 0 && ret == (void *)(i * i);
    EXPECT(ok, "8 threads created and joined, each returned its square");

    /* Compared before the join: a joined thread's id may be reused at once. */
    pthread_create(&t2, NULL, who_am_i, NULL);
    sched_yield();
    EXPECT(pthread_equal(seen_self, t2) && !pthread_equal(pthread_self(), t2),
           "pthread_self in the thread is what pthread_create gave, not main's");
    pthread_join(t2, NULL);

    pthread_attr_init(&attr);
    EXPECT(pthread_attr_setstacksize(&attr, 256 * 1024) == 0 &&
               pthread_attr_getstacksize(&attr, &size) == 0 && size == 256 * 1024,
           "stack size attribute set and read back");
    EXPECT(pthread_create(&t2, &attr, deep_stack, NULL) == 0 && pthread_join(t2, &ret) == 0 &&
               ret == (void *)(uintptr_t)(2 * 0x5a),
           "a thread with a 256 KiB stack used 200 KiB of it");
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    EXPECT(pthread_create(&t2, &attr, detached, NULL) == 0, "detached thread created");
    EXPECT(pthread_join(t2, NULL) == EINVAL, "joining a detached thread: EINVAL");
    pthread_attr_destroy(&attr);
    sched_yield();
    EXPECT(detached_ran, "the detached thread ran");
    EXPECT(pthread_join(pthread_self(), NULL) == EDEADLK, "joining oneself: EDEADLK");
    pthread_create(&t2, NULL, who_am_i, NULL);
    EXPECT(pthread_detach(t2) == 0 && pthread_detach(t2) == EINVAL, "detach, then again: EINVAL");
    sched_yield();
}

/* ---- mutexes ---- */

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static int in_section, max_in_section;

static void *contend(void *arg)
{
    (void)arg;
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&counter_lock);
        in_section++;
        if (in_section > max_in_section)
            max_in_section = in_section;
        long c = counter;
        if (i % 7 == 0)
            sched_yield(); /* others run, and queue on the mutex */
        counter = c + 1;
        in_section--;
        pthread_mutex_unlock(&counter_lock);
    }
    return NULL;
}

static pthread_mutex_t held;

static void *holds_for_300ms(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&held);
    sleep_ms(300);
    pthread_mutex_unlock(&held);
    return NULL;
}

static void *tries_held(void *arg)
{
    return (void *)(intptr_t)pthread_mutex_trylock(arg);
}

static void test_mutexes(void)
{
    pthread_t t[8], h;
    pthread_mutexattr_t attr;
    pthread_mutex_t rec, chk;
    struct timespec abs;
    long long t0, waited;
    void *ret;
    int rc;

    for (int i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, contend, NULL);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    EXPECT(counter == 8 * 500 && max_in_section == 1,
           "8 threads x 500 increments under a static mutex: %ld, at most %d inside", counter,
           max_in_section);

    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&rec, &attr);
    rc = pthread_mutex_lock(&rec) | pthread_mutex_lock(&rec) | pthread_mutex_trylock(&rec);
    pthread_create(&h, NULL, tries_held, &rec);
    pthread_join(h, &ret);
    EXPECT(rc == 0 && ret == (void *)EBUSY, "recursive mutex taken 3 times; busy for another");
    rc = pthread_mutex_unlock(&rec) | pthread_mutex_unlock(&rec);
    EXPECT(rc == 0 && pthread_mutex_destroy(&rec) == EBUSY, "still held after 2 of 3 unlocks");
    EXPECT(pthread_mutex_unlock(&rec) == 0 && pthread_mutex_unlock(&rec) == EPERM &&
               pthread_mutex_destroy(&rec) == 0,
           "free after the third; a fourth unlock: EPERM");

    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&chk, &attr);
    pthread_mutexattr_destroy(&attr);
    EXPECT(pthread_mutex_lock(&chk) == 0 && pthread_mutex_lock(&chk) == EDEADLK,
           "error-checking mutex relocked: EDEADLK");
    pthread_mutex_unlock(&chk);
    pthread_mutex_destroy(&chk);

    pthread_mutex_init(&held, NULL);
    pthread_create(&h, NULL, holds_for_300ms, NULL);
    sched_yield(); /* it holds the mutex now, and sleeps */
    t0 = now_ns();
    abs = in_ms(CLOCK_REALTIME, 100);
    rc = pthread_mutex_timedlock(&held, &abs);
    waited = now_ns() - t0;
    EXPECT(rc == ETIMEDOUT && waited >= 100 * MS,
           "timedlock on a held mutex: ETIMEDOUT after %lld ms (>= 100)", waited / MS);
    t0 = now_ns();
    abs = in_ms(CLOCK_REALTIME, 10000);
    rc = pthread_mutex_timedlock(&held, &abs);
    waited = now_ns() - t0;
    EXPECT(rc == 0 && waited < 10000 * MS,
           "timedlock got the mutex when it was released, after %lld ms", waited / MS);
    pthread_mutex_unlock(&held);
    pthread_join(h, NULL);
    abs.tv_nsec = 1000000000;
    EXPECT(pthread_mutex_timedlock(&held, &abs) == 0, "a free mutex is taken whatever the time");
    pthread_mutex_unlock(&held);
    pthread_create(&h, NULL, holds_for_300ms, NULL);
    sched_yield();
    EXPECT(pthread_mutex_timedlock(&held, &abs) == EINVAL, "a bad time when it must wait: EINVAL");
    pthread_join(h, NULL);
    pthread_mutex_destroy(&held);
}

/* ---- condition variables ---- */

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cond = PTHREAD_COND_INITIALIZER;
static int go, woke;

static void *waits_for_go(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&q_lock);
    while (!go)
        pthread_cond_wait(&q_cond, &q_lock);
    woke++;
    pthread_mutex_unlock(&q_lock);
    return NULL;
}

static void *signals_after_50ms(void *arg)
{
    (void)arg;
    sleep_ms(50);
    pthread_mutex_lock(&q_lock);
    go = 2;
    pthread_cond_signal(&q_cond);
    pthread_mutex_unlock(&q_lock);
    return NULL;
}

static void test_conds(void)
{
    pthread_t t[5], s;
    pthread_condattr_t attr;
    pthread_cond_t mono;
    clockid_t clock;
    struct timespec abs;
    long long t0, waited;
    int rc, held;

    for (int i = 0; i < 5; i++)
        pthread_create(&t[i], NULL, waits_for_go, NULL);
    sched_yield();
    pthread_mutex_lock(&q_lock);
    go = 1;
    pthread_cond_broadcast(&q_cond);
    pthread_mutex_unlock(&q_lock);
    for (int i = 0; i < 5; i++)
        pthread_join(t[i], NULL);
    EXPECT(woke == 5, "broadcast woke all 5 waiters");

    pthread_mutex_lock(&q_lock);
    t0 = now_ns();
    abs = in_ms(CLOCK_REALTIME, 100);
    rc = pthread_cond_timedwait(&q_cond, &q_lock, &abs);
    waited = now_ns() - t0;
    held = pthread_mutex_trylock(&q_lock) == EBUSY; /* (not recursive: ours, so busy) */
    EXPECT(rc == ETIMEDOUT && waited >= 100 * MS && held,
           "cond timedwait, nobody signals: ETIMEDOUT after %lld ms, mutex held again",
           waited / MS);
    go = 0;
    pthread_create(&s, NULL, signals_after_50ms, NULL);
    t0 = now_ns();
    abs = in_ms(CLOCK_REALTIME, 10000);
    rc = 0;
    while (go != 2 && rc == 0)
        rc = pthread_cond_timedwait(&q_cond, &q_lock, &abs);
    waited = now_ns() - t0;
    EXPECT(rc == 0 && go == 2 && waited >= 50 * MS && waited < 10000 * MS,
           "cond timedwait signalled after %lld ms, before its 10 s", waited / MS);
    pthread_mutex_unlock(&q_lock);
    pthread_join(s, NULL);

    pthread_condattr_init(&attr);
    EXPECT(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
               pthread_condattr_getclock(&attr, &clock) == 0 && clock == CLOCK_MONOTONIC,
           "condattr clock CLOCK_MONOTONIC");
    pthread_cond_init(&mono, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_lock(&q_lock);
    t0 = now_ns();
    abs = in_ms(CLOCK_MONOTONIC, 80);
    rc = pthread_cond_timedwait(&mono, &q_lock, &abs);
    waited = now_ns() - t0;
    pthread_mutex_unlock(&q_lock);
    EXPECT(rc == ETIMEDOUT && waited >= 80 * MS,
           "CLOCK_MONOTONIC timedwait: ETIMEDOUT after %lld ms", waited / MS);
    EXPECT(pthread_cond_destroy(&mono) == 0, "cond destroyed");
}

/* ---- once ---- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_runs, saw_init_done;

static void slow_init(void)
{
    sleep_ms(50); /* the other callers arrive meanwhile */
    init_runs++;
}

static void *calls_once(void *arg)
{
    (void)arg;
    pthread_once(&once, slow_init);
    if (init_runs == 1)
        saw_init_done++;
    return NULL;
}

static void test_once(void)
{
    pthread_t t[4];

    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, calls_once, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    calls_once(NULL);
    EXPECT(init_runs == 1 && saw_init_done == 5,
           "pthread_once: init ran %d time(s), %d of 5 callers returned after it", init_runs,
           saw_init_done);
}

/* ---- keys ---- */

static pthread_key_t key, key2;
static int destroyed, reset_rounds;
static int value_ok;

static void destroy(void *v)
{
    destroyed++;
    free(v);
}

/* Sets a value again twice: destroyed three times in all. */
static void destroy_and_reset(void *v)
{
    if (++reset_rounds < 3)
        pthread_setspecific(key2, v);
}

static void *uses_keys(void *arg)
{
    int *mine = malloc(sizeof(*mine));

    *mine = (int)(intptr_t)arg;
    pthread_setspecific(key, mine);
    sched_yield(); /* the others set theirs */
    if (pthread_getspecific(key) == mine && *(int *)pthread_getspecific(key) == (int)(intptr_t)arg)
        value_ok++;
    return NULL;
}

static void *resets_key(void *arg)
{
    pthread_setspecific(key2, arg);
    return NULL;
}

static void test_keys(void)
{
    pthread_t t[4];
    static int main_value = 42;

    pthread_key_create(&key, destroy);
    pthread_setspecific(key, &main_value);
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, uses_keys, (void *)(intptr_t)(i + 1));
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    EXPECT(value_ok == 4 && destroyed == 4 && pthread_getspecific(key) == &main_value,
           "4 threads each saw their own value, 4 destructors ran, main's value kept");
    EXPECT(pthread_key_delete(key) == 0, "key deleted");
    pthread_key_create(&key2, destroy_and_reset);
    EXPECT(pthread_getspecific(key2) == NULL,
           "a new key reads NULL, even where the old one was set");
    pthread_create(&t[0], NULL, resets_key, &main_value);
    pthread_join(t[0], NULL);
    EXPECT(reset_rounds == 3, "a destructor that sets the value again: called %d times",
           reset_rounds);
    pthread_key_delete(key2);
}

/* ---- C11 ---- */

static int c11_sum(void *arg)
{
    return *(int *)arg + 1;
}

static mtx_t c11_m;
static cnd_t c11_c;
static tss_t c11_key;
static once_flag c11_once = ONCE_FLAG_INIT;
static int c11_once_runs, c11_dtors;

static void c11_init(void)
{
    c11_once_runs++;
}

static void c11_dtor(void *v)
{
    (void)v;
    c11_dtors++;
}

static int c11_holder(void *arg)
{
    (void)arg;
    mtx_lock(&c11_m);
    tss_set(c11_key, &c11_dtors);
    call_once(&c11_once, c11_init);
    thrd_sleep(&(struct timespec){0, 200 * MS}, NULL);
    mtx_unlock(&c11_m);
    thrd_exit(7);
}

static void test_c11(void)
{
    thrd_t t;
    int x = 41, res = 0;
    struct timespec abs;
    long long t0, waited;
    int rc;

    EXPECT(thrd_create(&t, c11_sum, &x) == thrd_success && thrd_join(t, &res) == thrd_success &&
               res == 42,
           "thrd_create/thrd_join: result %d", res);
    EXPECT(mtx_init(&c11_m, mtx_timed) == thrd_success && cnd_init(&c11_c) == thrd_success &&
               tss_create(&c11_key, c11_dtor) == thrd_success,
           "mtx_init, cnd_init, tss_create");
    thrd_create(&t, c11_holder, NULL);
    thrd_yield();  /* it holds c11_m for 200 ms */
    t0 = now_ns(); /* before the deadline is taken, so that waited >= 100 ms holds */
    timespec_get(&abs, TIME_UTC);
    abs.tv_nsec += 100 * MS;
    if (abs.tv_nsec >= 1000000000) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000;
    }
    rc = mtx_timedlock(&c11_m, &abs);
    waited = now_ns() - t0;
    EXPECT(rc == thrd_timedout && waited >= 100 * MS,
           "mtx_timedlock on a held mutex: thrd_timedout after %lld ms", waited / MS);
    EXPECT(mtx_trylock(&c11_m) == thrd_busy, "mtx_trylock: thrd_busy");
    EXPECT(thrd_join(t, &res) == thrd_success && res == 7, "thrd_exit(7) joined: %d", res);
    EXPECT(c11_dtors == 1, "tss destructor ran at thread exit");
    call_once(&c11_once, c11_init);
    EXPECT(c11_once_runs == 1, "call_once ran once");

    mtx_lock(&c11_m);
    t0 = now_ns();
    timespec_get(&abs, TIME_UTC);
    abs.tv_nsec += 60 * MS;
    if (abs.tv_nsec >= 1000000000) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000;
    }
    rc = cnd_timedwait(&c11_c, &c11_m, &abs);
    waited = now_ns() - t0;
    EXPECT(rc == thrd_timedout && waited >= 60 * MS && mtx_unlock(&c11_m) == thrd_success,
           "cnd_timedwait: thrd_timedout after %lld ms, mutex held again", waited / MS);
    mtx_destroy(&c11_m);

    EXPECT(mtx_init(&c11_m, mtx_plain | mtx_recursive) == thrd_success &&
               mtx_lock(&c11_m) == thrd_success && mtx_lock(&c11_m) == thrd_success &&
               mtx_unlock(&c11_m) == thrd_success && mtx_unlock(&c11_m) == thrd_success,
           "recursive mtx locked twice, unlocked twice");
    mtx_destroy(&c11_m);
    cnd_destroy(&c11_c);
    tss_delete(c11_key);
    EXPECT(thrd_equal(thrd_current(), thrd_current()), "thrd_current, thrd_equal");
}

/* ---- native timed waits ---- */

static struct uk_sem sem;
static struct uk_mutex um;
static struct uk_cond uc;
static struct uk_waitq flag_wq;
static volatile bool flag;

/* A timer handler (an event, interrupts off): sets the flag and wakes the waiter. */
static void set_flag(struct uk_timer *t, void *ctx)
{
    (void)t;
    (void)ctx;
    flag = true;
    uk_waitq_wake_all(&flag_wq);
}

static void up_sem(struct uk_timer *t, void *ctx)
{
    (void)t;
    (void)ctx;
    uk_sem_up(&sem);
}

static bool flag_is_set(void *ctx)
{
    (void)ctx;
    return flag;
}

static void *holds_um(void *arg)
{
    (void)arg;
    uk_mutex_lock(&um);
    sleep_ms(200);
    uk_mutex_unlock(&um);
    return NULL;
}

static void test_native(void)
{
    struct uk_timer timer;
    long long t0, waited;
    pthread_t h;
    int rc;

    uk_sem_init(&sem, 0);
    t0 = now_ns();
    rc = uk_sem_down_until(&sem, uk_deadline_in(50 * UK_NSEC_PER_MSEC));
    waited = now_ns() - t0;
    EXPECT(rc == -ETIMEDOUT && waited >= 50 * MS,
           "uk_sem_down_until with no up: -ETIMEDOUT after %lld ms", waited / MS);
    uk_timer_init(&timer, up_sem, NULL);
    uk_timer_arm(&timer, uk_deadline_in(20 * UK_NSEC_PER_MSEC));
    t0 = now_ns();
    rc = uk_sem_down_until(&sem, uk_deadline_in(10 * UK_NSEC_PER_SEC));
    waited = now_ns() - t0;
    EXPECT(rc == 0 && waited < 10000 * MS,
           "uk_sem_down_until, up from a timer handler: 0 after %lld ms", waited / MS);

    uk_mutex_init(&um);
    pthread_create(&h, NULL, holds_um, NULL);
    sched_yield();
    t0 = now_ns();
    rc = uk_mutex_lock_until(&um, uk_deadline_in(50 * UK_NSEC_PER_MSEC));
    waited = now_ns() - t0;
    EXPECT(rc == -ETIMEDOUT && waited >= 50 * MS,
           "uk_mutex_lock_until on a held mutex: -ETIMEDOUT after %lld ms", waited / MS);
    rc = uk_mutex_lock_until(&um, uk_deadline_in(10 * UK_NSEC_PER_SEC));
    EXPECT(rc == 0, "uk_mutex_lock_until got it when released");
    uk_cond_init(&uc);
    t0 = now_ns();
    rc = uk_cond_wait_until(&uc, &um, uk_deadline_in(50 * UK_NSEC_PER_MSEC));
    waited = now_ns() - t0;
    EXPECT(rc == -ETIMEDOUT && waited >= 50 * MS && uk_mutex_unlock(&um) == 0,
           "uk_cond_wait_until: -ETIMEDOUT after %lld ms, mutex held again", waited / MS);
    pthread_join(h, NULL);

    uk_waitq_init(&flag_wq);
    uk_timer_init(&timer, set_flag, NULL);
    uk_timer_arm(&timer, uk_deadline_in(30 * UK_NSEC_PER_MSEC));
    t0 = now_ns();
    rc = uk_waitq_wait_cond(&flag_wq, "flag", flag_is_set, NULL, UK_TIME_NEVER);
    waited = now_ns() - t0;
    EXPECT(rc == 0 && flag && waited >= 30 * MS,
           "uk_waitq_wait_cond ended by a timer handler after %lld ms", waited / MS);
    flag = false;
    t0 = now_ns();
    rc = uk_waitq_wait_cond(&flag_wq, "flag", flag_is_set, NULL,
                            uk_deadline_in(40 * UK_NSEC_PER_MSEC));
    waited = now_ns() - t0;
    EXPECT(rc == -ETIMEDOUT && waited >= 40 * MS,
           "uk_waitq_wait_cond, flag never set: -ETIMEDOUT after %lld ms", waited / MS);
}

/* ---- the end: pthread_exit in main ---- */

static void *last_thread(void *arg)
{
    (void)arg;
    sleep_ms(50);
    EXPECT(true, "last pthread done, main is in pthread_exit");
    /* The domain ends with this thread: exit status 0 only if all passed. */
    if (test_result())
        exit(1);
    return NULL;
}

int main(void)
{
    pthread_attr_t attr;
    pthread_t t;

    test_create_join();
    test_mutexes();
    test_conds();
    test_once();
    test_keys();
    test_c11();
    test_native();
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_create(&t, &attr, last_thread, NULL);
    pthread_exit(NULL);
}
