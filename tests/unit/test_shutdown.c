/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests for kernel/shutdown.c over the real scheduler and context
 * switch, on a fake clock: hooks run newest first with the reason, a
 * uk_shutdown_wait thread is woken, a hook that never returns is abandoned
 * exactly at its bound and named, the next hook still runs, exit(0) comes
 * once after the hooks, an app exiting by itself waits for them, and late
 * registrations and second requests are refused. The file is included
 * (exit and atexit caught) so that each test starts from fresh state.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <internal/arch.h>
#include <internal/kernel.h>
#include <internal/mm.h>
#include <internal/sched.h>
#include <uk/time.h>

#include "../../kernel/kernel_private.h"
#include "check.h"
#include "fake_idle.h"
#include "fake_timers.h"
#include "kernel_stubs.h"

static int exit_calls, exit_status = -1;
static void (*exit_handler)(void);

/*
 * shutdown.c's exit(0) is counted, and returns: the shutdown thread then
 * ends as any thread does (ending it here, deep in its stack, left ASan's
 * scope poison on a stack page the next thread reused).
 */
static void test_exit(int status)
{
    exit_calls++;
    exit_status = status;
}

static int test_atexit(void (*fn)(void))
{
    exit_handler = fn;
    return 0;
}

#define exit   test_exit
#define atexit test_atexit
#include "../../kernel/shutdown.c"
#undef exit
#undef atexit

static char console[4096];

void uk_printf(const char *fmt, ...)
{
    size_t n = strlen(console);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(console + n, sizeof(console) - n, fmt, ap);
    va_end(ap);
}

static void hook_never(int reason, void *arg);

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset)
{
    *offset = 0;
    return addr == (uintptr_t)hook_never ? "hook_never" : NULL;
}

static void setup(void)
{
    host_sched_setup();
    while (hooks) {
        struct hook *h = hooks;

        hooks = h->prev;
        free(h);
    }
    requested = UK_SHUTDOWN_NONE;
    started = hooks_done = false;
    runner = NULL;
    hook_timeout = UK_SHUTDOWN_HOOK_TIMEOUT_DEFAULT;
    exit_calls = 0;
    exit_status = -1;
    exit_handler = NULL;
    console[0] = '\0';
}

/* Which hooks ran, in order, as letters. */
static char ran[16];
static int reasons_ok;

static void note(char c, int reason)
{
    size_t n = strlen(ran);

    ran[n] = c;
    ran[n + 1] = '\0';
    reasons_ok += reason == uk_shutdown_requested();
}

static void hook_a(int reason, void *arg)
{
    (void)arg;
    note('a', reason);
}

static void hook_b(int reason, void *arg)
{
    struct uk_waitq wq;

    note(*(char *)arg, reason);
    /* A hook may block: 1 ms on the fake clock. */
    uk_waitq_init(&wq);
    uk_waitq_wait_until(&wq, "hook sleep", fake_now_ns + UK_NSEC_PER_MSEC);
}

static int waiter_saw;

static void waiter(void *arg)
{
    (void)arg;
    waiter_saw = uk_shutdown_wait(UK_TIME_NEVER);
}

/* Let every other thread run until they all wait (on the fake clock too). */
static void run_all(void)
{
    struct uk_waitq wq;

    uk_waitq_init(&wq);
    uk_waitq_wait_until(&wq, "test", fake_now_ns + 60 * UK_NSEC_PER_SEC);
}

TEST(hooks_run_newest_first_then_exit_once)
{
    static char b = 'b';
    struct uk_thread *w;

    setup();
    ran[0] = '\0';
    reasons_ok = 0;
    waiter_saw = 0;
    CHECK_EQ(uk_shutdown_hook(NULL, NULL), -EINVAL);
    CHECK_EQ(uk_shutdown_hook(hook_a, NULL), 0);
    CHECK_EQ(uk_shutdown_hook(hook_b, &b), 0);
    CHECK_EQ(uk_shutdown_requested(), UK_SHUTDOWN_NONE);
    w = uk_thread_create("waiter", waiter, NULL, 0);
    uk_thread_yield();
    CHECK_EQ(kernel_shutdown_request(7), -EINVAL);
    CHECK_EQ(kernel_shutdown_request(UK_SHUTDOWN_REBOOT), 0);
    CHECK_EQ(kernel_shutdown_request(UK_SHUTDOWN_POWEROFF), -EALREADY);
    CHECK_EQ(uk_shutdown_requested(), UK_SHUTDOWN_REBOOT);
    CHECK_EQ(kernel_shutdown_reason(), UK_SHUTDOWN_REBOOT);
    CHECK(exit_handler != NULL);
    run_all();
    CHECK_EQ(uk_thread_join(w), 0);
    CHECK_EQ(waiter_saw, UK_SHUTDOWN_REBOOT);
    CHECK_STR(ran, "ba");
    CHECK_EQ(reasons_ok, 2);
    CHECK_EQ(uk_shutdown_hook(hook_a, NULL), -EBUSY);
    CHECK_EQ(exit_calls, 1);
    CHECK_EQ(exit_status, 0);
    CHECK(strstr(console, "shutdown: reboot requested") != NULL);
    CHECK(strstr(console, "abandoned") == NULL);
}

static struct uk_waitq never_wq;
static uint64_t after_slow_at;

static void hook_never(int reason, void *arg)
{
    (void)reason;
    (void)arg;
    uk_waitq_wait(&never_wq, "never");
}

static void hook_after(int reason, void *arg)
{
    (void)reason;
    (void)arg;
    after_slow_at = fake_now_ns;
}

TEST(a_hook_that_never_returns_is_abandoned_at_its_bound)
{
    uint64_t start;

    setup();
    uk_waitq_init(&never_wq);
    after_slow_at = 0;
    CHECK_EQ(uk_shutdown_set_hook_timeout(2 * UK_NSEC_PER_SEC), UK_SHUTDOWN_HOOK_TIMEOUT_DEFAULT);
    CHECK_EQ(uk_shutdown_hook(hook_after, NULL), 0);
    CHECK_EQ(uk_shutdown_hook(hook_never, NULL), 0);
    start = fake_now_ns;
    CHECK_EQ(kernel_shutdown_request(UK_SHUTDOWN_POWEROFF), 0);
    run_all();
    CHECK_EQ(after_slow_at, start + 2 * UK_NSEC_PER_SEC);
    CHECK_EQ(exit_calls, 1);
    CHECK(strstr(console, "shutdown: hook hook_never did not return within 2000 ms: abandoned") !=
          NULL);
    /* Let the abandoned hook finish, so that no thread is left behind. */
    uk_waitq_wake_all(&never_wq);
    run_all();
    CHECK_EQ(uk_thread_count(), 1);
    CHECK_EQ(uk_shutdown_set_hook_timeout(0), 2 * UK_NSEC_PER_SEC);
    CHECK_EQ(hook_timeout, UK_SHUTDOWN_HOOK_TIMEOUT_DEFAULT);
}

static void slow_hook(int reason, void *arg)
{
    struct uk_waitq wq;

    (void)arg;
    uk_waitq_init(&wq);
    uk_waitq_wait_until(&wq, "hook sleep", fake_now_ns + UK_NSEC_PER_SEC);
    note('s', reason);
}

TEST(an_app_exiting_by_itself_waits_for_the_hooks)
{
    setup();
    ran[0] = '\0';
    CHECK_EQ(uk_shutdown_hook(slow_hook, NULL), 0);
    CHECK_EQ(kernel_shutdown_request(UK_SHUTDOWN_POWEROFF), 0);
    /* As main returning from uk_shutdown_wait: exit's first handler waits. */
    CHECK_EQ(uk_shutdown_wait(UK_TIME_NEVER), UK_SHUTDOWN_POWEROFF);
    CHECK(exit_handler != NULL);
    exit_handler();
    CHECK_STR(ran, "s");
    CHECK(hooks_done);
    run_all();
    CHECK_EQ(exit_calls, 1);
    CHECK_EQ(uk_thread_count(), 1);
}

TEST(no_hooks_still_exits)
{
    setup();
    CHECK_EQ(uk_shutdown_wait(fake_now_ns + 10), -ETIMEDOUT);
    CHECK_EQ(kernel_shutdown_request(UK_SHUTDOWN_POWEROFF), 0);
    run_all();
    CHECK_EQ(exit_calls, 1);
    CHECK(strstr(console, "shutdown: hooks done, exiting") != NULL);
}
