/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * time: sleeps of 10 ms, 100 ms and 1 s measured with the guest's own
 * monotonic clock must land within tolerance (never early; late by at most
 * 20 ms plus 10 %: nested emulation is slow to wake); VIRQ_TIMER must have
 * fired for each; and the wall clock is printed for the rig to compare
 * with dom0's `date`.
 *
 * "idle": sleeping 5 s must cost almost no CPU: the vCPU's running time
 * (VCPUOP_get_runstate_info, Xen's own accounting, the figure `xl list`
 * sums up) may grow by at most 2 % of the sleep.
 *
 * "far": deadlines beyond any uptime. A thread in nanosleep({LONG_MAX, 0})
 * and one in a wait whose deadline is above INT64_MAX must stay asleep while
 * main sleeps 1 s, and that second must cost a handful of timer events, not
 * a storm (a deadline Xen reads as past fires again and again).
 *
 * "nomem": with malloc's heap exhausted, timers still initialise and a
 * timed wait still times out: a timed wait allocates nothing.
 *
 * Always: the monotonic clock starts at the domain's creation, so at
 * main() it shows about the domain's age (Xen's runstate accounting), not
 * the host's uptime.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include <internal/hypercall.h>
#include <xen/vcpu.h>

#include <internal/sched.h>
#include <internal/time.h>

#define TEST_NAME "time"
#include "../report.h"

static void check_sleep(uint64_t ns)
{
    struct timespec ts = {.tv_sec = (time_t)(ns / UK_NSEC_PER_SEC),
                          .tv_nsec = (long)(ns % UK_NSEC_PER_SEC)};
    uint64_t irqs = time_timer_interrupts();
    uint64_t t0 = uk_monotonic_ns(), took;

    nanosleep(&ts, NULL);
    took = uk_monotonic_ns() - t0;
    EXPECT(took >= ns && took <= ns + 20 * UK_NSEC_PER_MSEC + ns / 10 &&
               time_timer_interrupts() > irqs,
           "sleep %llu ms took %llu us", (unsigned long long)(ns / UK_NSEC_PER_MSEC),
           (unsigned long long)(took / UK_NSEC_PER_USEC));
}

static uint64_t running_ns(void)
{
    struct vcpu_runstate_info rs;
    long rc = hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, &rs);

    if (rc) {
        test_error("VCPUOP_get_runstate_info: %ld", rc);
        return 0;
    }
    return rs.time[RUNSTATE_running];
}

static void idle(void)
{
    uint64_t run0 = running_ns(), t0 = uk_monotonic_ns(), ran, slept;

    sleep(5);
    ran = running_ns() - run0;
    slept = uk_monotonic_ns() - t0;
    EXPECT(run0 && ran <= slept / 50, "idle %llu ms, vCPU ran %llu us of it",
           (unsigned long long)(slept / UK_NSEC_PER_MSEC),
           (unsigned long long)(ran / UK_NSEC_PER_USEC));
}

static volatile bool far_returned;

/*
 * A thread asleep in nanosleep(*arg) for good. {LONG_MAX, 999999999} in ns
 * is 2^64 - 1 modulo 2^64: without saturation the deadline is now - 1
 * whatever the clock reads, so the sleep returns at once. ({LONG_MAX, 0}
 * wraps to now - 1 s, which is still far in the future while the clock,
 * counted from the domain's creation, is below 1 s.)
 */
static void forever_nanosleep(void *arg)
{
    const struct timespec *ts = arg;

    nanosleep(ts, NULL);
    far_returned = true;
    printf("time: nanosleep({LONG_MAX, %ld}) returned\n", ts->tv_nsec);
}

static void beyond_int64_wait(void *arg)
{
    struct uk_waitq wq;

    (void)arg;
    uk_waitq_init(&wq);
    uk_waitq_wait_until(&wq, "far deadline", (uint64_t)INT64_MAX + 12345);
    far_returned = true;
    printf("time: a wait until INT64_MAX + 12345 returned\n");
}

static void far(void)
{
    static const struct timespec max = {LONG_MAX, 0}, wraps = {LONG_MAX, 999999999};
    uint64_t irqs, t0, took;

    uk_thread_detach(uk_thread_create("nanosleep-max", forever_nanosleep, (void *)&max, 0));
    uk_thread_detach(uk_thread_create("beyond-int64", beyond_int64_wait, NULL, 0));
    uk_thread_detach(uk_thread_create("nanosleep-wrap", forever_nanosleep, (void *)&wraps, 0));
    uk_thread_yield();
    irqs = time_timer_interrupts();
    t0 = uk_monotonic_ns();
    sleep(1);
    took = uk_monotonic_ns() - t0;
    irqs = time_timer_interrupts() - irqs;
    EXPECT(!far_returned && irqs <= 10 && took >= UK_NSEC_PER_SEC && took < 2 * UK_NSEC_PER_SEC,
           "far deadlines: asleep, main slept %llu ms with %llu timer events",
           (unsigned long long)(took / UK_NSEC_PER_MSEC), (unsigned long long)irqs);
}

static void nothing_timer(struct uk_timer *t, void *ctx)
{
    (void)t;
    (void)ctx;
}

/* Every byte malloc will give, as a chain of blocks; returns the chain. */
static void **exhaust_heap(void)
{
    void **chain = NULL;

    for (size_t size = 1 << 20; size >= sizeof(void *); size /= 2) {
        void **b;

        while ((b = malloc(size)) != NULL) {
            *b = chain;
            chain = b;
        }
    }
    return chain;
}

static void nomem(void)
{
    static struct uk_timer timers[1000];
    struct uk_waitq wq;
    void **chain;
    int init_failed = 0, rc;
    uint64_t t0, took;

    uk_waitq_init(&wq);
    printf("time: exhausting the heap\n");
    chain = exhaust_heap();
    for (int i = 0; i < 1000; i++)
        if (uk_timer_init(&timers[i], nothing_timer, NULL))
            init_failed++;
    t0 = uk_monotonic_ns();
    rc = uk_waitq_wait_until(&wq, "nomem", uk_deadline_in(20 * UK_NSEC_PER_MSEC));
    took = uk_monotonic_ns() - t0;
    for (int i = 0; i < 1000; i++)
        uk_timer_destroy(&timers[i]);
    while (chain) {
        void **next = *chain;

        free(chain);
        chain = next;
    }
    EXPECT(!init_failed && rc == -ETIMEDOUT && took >= 20 * UK_NSEC_PER_MSEC,
           "heap exhausted: %d uk_timer_init failures, timed wait %d after %llu us", init_failed,
           rc, (unsigned long long)(took / UK_NSEC_PER_USEC));
}

/* The clock at main() against the domain's age by Xen's runstate accounting. */
static void clock_starts_with_domain(void)
{
    uint64_t mono, lived = 0;
    struct vcpu_runstate_info rs;
    long rc = hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, &rs);

    if (rc) {
        test_error("VCPUOP_get_runstate_info: %ld", rc);
        return;
    }
    mono = uk_monotonic_ns();
    /* The vCPU's age by Xen, read first: the clock may only be a little ahead. */
    for (int i = 0; i < 4; i++)
        lived += rs.time[i];
    EXPECT(mono >= lived && mono - lived < UK_NSEC_PER_SEC && mono < 30 * UK_NSEC_PER_SEC,
           "clock at main %llu ms, domain age by Xen %llu ms",
           (unsigned long long)(mono / UK_NSEC_PER_MSEC),
           (unsigned long long)(lived / UK_NSEC_PER_MSEC));
}

int main(int argc, char **argv)
{
    struct timespec rt, mono1, mono2;

    clock_starts_with_domain();
    if (argc > 1 && strcmp(argv[1], "idle") == 0) {
        idle();
        return test_result();
    }
    if (argc > 1 && strcmp(argv[1], "far") == 0) {
        far();
        return test_result();
    }
    if (argc > 1 && strcmp(argv[1], "nomem") == 0) {
        nomem();
        return test_result();
    }
    clock_gettime(CLOCK_MONOTONIC, &mono1);
    check_sleep(10 * UK_NSEC_PER_MSEC);
    check_sleep(100 * UK_NSEC_PER_MSEC);
    check_sleep(1 * UK_NSEC_PER_SEC);
    usleep(1000);
    clock_gettime(CLOCK_MONOTONIC, &mono2);
    EXPECT(mono2.tv_sec >= mono1.tv_sec + 1, "CLOCK_MONOTONIC advanced by the sleeps");
    /* dom0 compares this with its `date`: the guest cannot judge it alone. */
    clock_gettime(CLOCK_REALTIME, &rt);
    printf("time: realtime %lld.%09ld time() %lld\n", (long long)rt.tv_sec, rt.tv_nsec,
           (long long)time(NULL));
    fflush(stdout);
    return test_result();
}
