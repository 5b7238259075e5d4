/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sched: the scheduler in a real guest.
 *  - 1,000 threads pass a token around a ring through wait queues; the
 *    token must come back with exactly ROUNDS * 1000 hops;
 *  - a busy thread that yields lets the others run;
 *  - mutex, semaphore and condition variable hand-offs;
 *  - errno is per thread;
 *  - the thread dump names each thread and what it waits on;
 *  - "overflow" on the command line: a thread overflows its stack and the
 *    crash report must name that thread;
 *  - "debugkey": the dump printed on VIRQ_DEBUG (dom0 runs `xl debug-keys q`,
 *    then writes data/debugged in our home);
 *  - "deadlock": two threads each wait on a mutex the other holds while main
 *    joins them: the runtime must say "deadlock" once, naming the three,
 *    with a thread dump, instead of idling silently for ever. A watchdog
 *    thread (a sleep: an event can end it, so it is not part of the
 *    deadlock) ends the domain 2 s later.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uk/sched.h>
#include <uk/time.h>
#include <uk/xenstore.h>

#define TEST_NAME "sched"
#include "../report.h"

#define RING   1000
#define ROUNDS 3

struct ring_node {
    struct uk_waitq wq;
    bool has_token;
    unsigned long hops;
};

static struct ring_node nodes[RING];
static unsigned long total_hops;
static bool ring_done;

static void ring_thread(void *arg)
{
    unsigned long i = (unsigned long)arg;
    struct ring_node *me = &nodes[i], *next = &nodes[(i + 1) % RING];

    for (;;) {
        while (!me->has_token && !ring_done)
            uk_waitq_wait(&me->wq, "token");
        if (ring_done)
            return;
        me->has_token = false;
        me->hops++;
        if (++total_hops == (unsigned long)RING * ROUNDS) {
            ring_done = true;
            for (int j = 0; j < RING; j++)
                uk_waitq_wake_all(&nodes[j].wq);
            return;
        }
        next->has_token = true;
        uk_waitq_wake_one(&next->wq);
    }
}

static void test_ring(void)
{
    static struct uk_thread *threads[RING];
    /* The runtime's own threads (XenStore's reader, ...) are not counted. */
    unsigned int others = uk_thread_count();
    int ok = 1;

    for (int i = 0; i < RING; i++) {
        uk_waitq_init(&nodes[i].wq);
        threads[i] = uk_thread_create("ring", ring_thread, (void *)(unsigned long)i, 8192);
        if (!threads[i]) {
            test_error("create %d failed: %s", i, strerror(errno));
            return;
        }
    }
    printf("sched: %u ring threads alive beside %u others\n", uk_thread_count() - others, others);
    nodes[0].has_token = true;
    uk_waitq_wake_one(&nodes[0].wq);
    for (int i = 0; i < RING; i++)
        if (uk_thread_join(threads[i]) != 0)
            ok = 0;
    for (int i = 0; i < RING; i++)
        if (nodes[i].hops != ROUNDS)
            ok = 0;
    EXPECT(ok && total_hops == RING * ROUNDS && uk_thread_count() == others,
           "ring of %d, %lu hops, %u ring threads left", RING, total_hops,
           uk_thread_count() - others);
}

static volatile unsigned long busy_iterations, others_ran;
static volatile bool busy_stop;

static void busy_thread(void *arg)
{
    (void)arg;
    while (!busy_stop) {
        busy_iterations++;
        uk_thread_yield();
    }
}

static void polite_thread(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        others_ran++;
        uk_thread_yield();
    }
}

static void test_yield(void)
{
    struct uk_thread *b = uk_thread_create("busy", busy_thread, NULL, 0);
    struct uk_thread *p1 = uk_thread_create("polite1", polite_thread, NULL, 0);
    struct uk_thread *p2 = uk_thread_create("polite2", polite_thread, NULL, 0);

    uk_thread_join(p1);
    uk_thread_join(p2);
    busy_stop = true;
    uk_thread_join(b);
    EXPECT(others_ran == 200 && busy_iterations >= 100,
           "yield: others ran %lu times beside a busy thread (%lu loops)", others_ran,
           busy_iterations);
}

static struct uk_mutex lock;
static struct uk_cond cond;
static struct uk_sem sem;
static int shared_counter, ready;

static void locker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        uk_mutex_lock(&lock);
        int v = shared_counter;
        uk_thread_yield(); /* the others must wait for the lock, not race */
        shared_counter = v + 1;
        uk_mutex_unlock(&lock);
    }
    uk_sem_up(&sem);
}

static void waiter_thread(void *arg)
{
    (void)arg;
    uk_mutex_lock(&lock);
    while (!ready)
        uk_cond_wait(&cond, &lock);
    shared_counter += 1000;
    uk_mutex_unlock(&lock);
}

static void test_sync(void)
{
    struct uk_thread *t[4], *w;
    int ok;

    uk_mutex_init(&lock);
    uk_cond_init(&cond);
    uk_sem_init(&sem, 0);
    for (int i = 0; i < 4; i++)
        t[i] = uk_thread_create("locker", locker, NULL, 0);
    for (int i = 0; i < 4; i++)
        uk_sem_down(&sem);
    for (int i = 0; i < 4; i++)
        uk_thread_join(t[i]);
    ok = shared_counter == 400;
    w = uk_thread_create("condwaiter", waiter_thread, NULL, 0);
    uk_thread_yield();
    uk_mutex_lock(&lock);
    ready = 1;
    uk_cond_signal(&cond);
    uk_mutex_unlock(&lock);
    uk_thread_join(w);
    EXPECT(ok && shared_counter == 1400 && uk_mutex_unlock(&lock) == -EPERM,
           "mutex/semaphore/condvar: counter %d", shared_counter);
}

static int errno_seen;

static void errno_thread(void *arg)
{
    (void)arg;
    errno = 42;
    uk_thread_yield();
    errno_seen = errno;
}

static void test_errno(void)
{
    struct uk_thread *t = uk_thread_create("errno", errno_thread, NULL, 0);
    int ok;

    errno = 7;
    uk_thread_yield();
    ok = errno == 7;
    uk_thread_join(t);
    ok = ok && errno_seen == 42 && errno == 7;
    EXPECT(ok, "per-thread errno (7 here, 42 there)");
}

static struct uk_waitq never;

static void sleeper(void *arg)
{
    (void)arg;
    uk_waitq_wait(&never, "nothing at all");
}

__attribute__((noinline)) static unsigned long overflow_here(unsigned long depth)
{
    volatile char frame[256];

    if (depth > (1ul << 40))
        return 0;
    frame[0] = (char)depth;
    return overflow_here(depth + 1) + frame[0];
}

static void overflow_thread(void *arg)
{
    (void)arg;
    printf("%lu\n", overflow_here(0));
}

static struct uk_mutex lock_a, lock_b;

static void take_a_then_b(void *arg)
{
    (void)arg;
    uk_mutex_lock(&lock_a);
    uk_thread_yield();
    uk_mutex_lock(&lock_b);
}

static void take_b_then_a(void *arg)
{
    (void)arg;
    uk_mutex_lock(&lock_b);
    uk_thread_yield();
    uk_mutex_lock(&lock_a);
}

static void watchdog(void *arg)
{
    (void)arg;
    sleep(2);
    printf("sched: watchdog: still deadlocked after 2 s, ending the domain\n");
    exit(0);
}

static int deadlock(void)
{
    struct uk_thread *t1, *t2;

    uk_thread_detach(uk_thread_create("watchdog", watchdog, NULL, 0));
    uk_mutex_init(&lock_a);
    uk_mutex_init(&lock_b);
    t1 = uk_thread_create("a-then-b", take_a_then_b, NULL, 0);
    t2 = uk_thread_create("b-then-a", take_b_then_a, NULL, 0);
    printf("sched: joining two threads that deadlock\n");
    uk_thread_join(t1);
    uk_thread_join(t2);
    EXPECT(false, "the deadlock was reported (the joins returned)");
    return test_result();
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "deadlock") == 0)
        return deadlock();

    if (argc > 1 && strcmp(argv[1], "overflow") == 0) {
        struct uk_thread *t = uk_thread_create("overflower", overflow_thread, NULL, 8192);

        uk_thread_join(t);
        /* The crash report is the verdict; reaching here is a failure. */
        EXPECT(false, "the overflow was caught (the join returned)");
        return test_result();
    }
    if (argc > 1 && strcmp(argv[1], "debugkey") == 0) {
        int rc;

        uk_waitq_init(&never);
        uk_thread_detach(uk_thread_create("wait-for-virq", sleeper, NULL, 0));
        uk_thread_yield();
        printf("sched: waiting for VIRQ_DEBUG\n");
        /* Xen raises the VIRQ before dom0 writes the key: the dump is out by then. */
        rc = xs_wait_exists("data/debugged", uk_monotonic_ns() + 30 * UK_NSEC_PER_SEC);
        EXPECT(rc == 0, "dom0 says it pressed 'q' (%d)", rc);
        return test_result();
    }
    test_ring();
    test_yield();
    test_sync();
    test_errno();

    uk_waitq_init(&never);
    struct uk_thread *s = uk_thread_create("dump-me", sleeper, NULL, 0);
    uk_thread_yield();
    uk_sched_dump();
    uk_thread_detach(s); /* stays blocked: the domain ends around it */
    return test_result();
}
