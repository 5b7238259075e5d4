/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * control: a guest the toolstack stops from outside (control/shutdown,
 * control/sysrq; cases control-*). It says "control: ready" once it is
 * waiting, then blocks for good; dom0 asks, and the hooks and the atexit
 * handler give the verdict on the way down.
 *
 *   hooks   two hooks and a thread in uk_shutdown_wait; main sleeps for an
 *           hour. The hooks must run newest first, with the request's reason.
 *   self    one hook; main itself waits in uk_shutdown_wait and returns 0:
 *           the hook must still have run before the exit (control-reboot).
 *   slow    a hook that never returns (registered last, so run first) with
 *           a 2 s bound, then one that must still run, after the bound.
 *   busy    no hook: main in a one-hour sleep, another thread blocked on a
 *           semaphore nobody raises; only the atexit handler reports.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/sched.h>
#include <uk/shutdown.h>
#include <uk/time.h>

#define TEST_NAME "control"
#include "../report.h"

#define SLOW_BOUND (2 * UK_NSEC_PER_SEC)

static int hooks_run;    /* in order: 1 after the first to run, ... */
static bool waiter_woke; /* the uk_shutdown_wait thread saw the request */
static uint64_t requested_at;

static const char *reason_name(int reason)
{
    return reason == UK_SHUTDOWN_REBOOT     ? "reboot"
           : reason == UK_SHUTDOWN_POWEROFF ? "poweroff"
                                            : "?";
}

static void waiter(void *arg)
{
    int rc = uk_shutdown_wait(UK_TIME_NEVER);

    (void)arg;
    requested_at = uk_monotonic_ns();
    waiter_woke = rc == uk_shutdown_requested() && rc != UK_SHUTDOWN_NONE;
    printf("control: waiter woken: %s\n", reason_name(rc));
}

/* Registered second, so it runs first. */
static void hook_newer(int reason, void *arg)
{
    EXPECT(arg == &hooks_run, "hook_newer gets its argument");
    EXPECT(hooks_run == 0, "hook_newer runs first");
    EXPECT(reason == uk_shutdown_requested(), "hook_newer gets the request's reason");
    printf("control: hook hook_newer ran (%s)\n", reason_name(reason));
    /* Blocking in a hook is fine: the runtime waits (within the bound). */
    uk_sleep_ns(100 * UK_NSEC_PER_MSEC);
    hooks_run++;
}

/* Registered first: the last to run, it gives the verdict. */
static void hook_older(int reason, void *arg)
{
    (void)arg;
    EXPECT(hooks_run == 1, "hook_older runs after hook_newer");
    EXPECT(waiter_woke, "the uk_shutdown_wait thread was woken first");
    EXPECT(uk_shutdown_hook(hook_older, NULL) == -EBUSY, "no registration once hooks run");
    printf("control: hook hook_older ran (%s)\n", reason_name(reason));
    hooks_run++;
    test_result();
}

static void hook_never(int reason, void *arg)
{
    (void)arg;
    printf("control: hook hook_never ran (%s): sleeping for ever\n", reason_name(reason));
    uk_sleep_ns(UK_TIME_NEVER);
}

static void hook_after_slow(int reason, void *arg)
{
    uint64_t waited = uk_monotonic_ns() - requested_at;

    (void)arg;
    printf("control: hook hook_after_slow ran (%s) %llu ms after the request\n",
           reason_name(reason), (unsigned long long)(waited / UK_NSEC_PER_MSEC));
    EXPECT(waited >= SLOW_BOUND - 100 * UK_NSEC_PER_MSEC, "the slow hook had its bound");
    EXPECT(waited < SLOW_BOUND + 3 * UK_NSEC_PER_SEC, "and no more than its bound");
    test_result();
}

static void self_hook(int reason, void *arg)
{
    (void)arg;
    /* Long enough that main's exit would overtake it if exit did not wait. */
    uk_sleep_ns(300 * UK_NSEC_PER_MSEC);
    printf("control: hook self_hook ran (%s)\n", reason_name(reason));
    hooks_run++;
}

/* The count tells the case that exit waited for the hooks. */
static void at_exit(void)
{
    printf("control: atexit handler ran (hooks run: %d)\n", hooks_run);
}

static void busy_at_exit(void)
{
    EXPECT(uk_shutdown_requested() == UK_SHUTDOWN_POWEROFF, "exit comes from the request");
    test_result();
}

static void blocked(void *arg)
{
    struct uk_sem never;

    (void)arg;
    uk_sem_init(&never, 0);
    uk_sem_down(&never);
}

static int start(const char *name, void (*fn)(void *))
{
    struct uk_thread *t = uk_thread_create(name, fn, NULL, 0);

    if (!t) {
        test_error("cannot start %s", name);
        return -1;
    }
    uk_thread_detach(t);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    atexit(at_exit);
    if (!strcmp(mode, "hooks")) {
        EXPECT(uk_shutdown_hook(NULL, NULL) == -EINVAL, "a NULL hook is refused");
        EXPECT(uk_shutdown_hook(hook_older, NULL) == 0, "hook_older registered");
        EXPECT(uk_shutdown_hook(hook_newer, &hooks_run) == 0, "hook_newer registered");
        if (start("waiter", waiter))
            return test_result();
    } else if (!strcmp(mode, "self")) {
        int reason;

        EXPECT(uk_shutdown_hook(self_hook, NULL) == 0, "self_hook registered");
        printf("control: ready\n");
        reason = uk_shutdown_wait(UK_TIME_NEVER);
        printf("control: main woken: %s, returning\n", reason_name(reason));
        EXPECT(reason == uk_shutdown_requested() && reason != UK_SHUTDOWN_NONE,
               "main sees the request");
        /* The hook runs while main exits: exit waits for it (checked by the case). */
        return test_result();
    } else if (!strcmp(mode, "slow")) {
        EXPECT(uk_shutdown_set_hook_timeout(SLOW_BOUND) == UK_SHUTDOWN_HOOK_TIMEOUT_DEFAULT,
               "the default bound");
        EXPECT(uk_shutdown_hook(hook_after_slow, NULL) == 0, "hook_after_slow registered");
        EXPECT(uk_shutdown_hook(hook_never, NULL) == 0, "hook_never registered");
        if (start("waiter", waiter))
            return test_result();
    } else if (!strcmp(mode, "busy")) {
        atexit(busy_at_exit);
        if (start("blocked", blocked))
            return test_result();
    } else {
        test_error("usage: control hooks|self|slow|busy");
        return test_result();
    }
    printf("control: ready\n");
    /* Blocked for good: the request must not need main. */
    uk_sleep_ns(3600 * UK_NSEC_PER_SEC);
    test_error("main woke after an hour");
    return test_result();
}
