/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A shutdown someone asked for (include/uk/shutdown.h): the app's hooks,
 * each in a thread of its own and each bounded, then exit(0), which ends
 * with the request's reason (kernel_exit). Who asks does not matter here:
 * XenStore's control/shutdown (xenstore/control.c) calls
 * kernel_shutdown_request from its watch thread.
 */
#include <errno.h>
#include <stdlib.h>

#include <internal/format.h>
#include <internal/kernel.h>
#include <internal/ksyms.h>
#include <uk/compiler.h>
#include <uk/kernel.h>
#include <uk/sched.h>
#include <uk/shutdown.h>
#include <uk/time.h>

struct hook {
    uk_shutdown_hook_fn fn;
    void *arg;
    struct hook *prev; /* registered before: the list runs newest first */
};

/* One hook's run, shared by the runner and the hook's thread. */
struct hook_run {
    const struct hook *h;
    int reason;
    bool done;
    struct uk_waitq wq;
};

static struct hook *hooks; /* the newest */
static int requested;      /* enum uk_shutdown_reason; set once */
static bool started;       /* hooks are running: no more registrations */
static bool hooks_done;    /* every hook returned or was abandoned */
static struct uk_thread *runner;
static uint64_t hook_timeout = UK_SHUTDOWN_HOOK_TIMEOUT_DEFAULT;
static struct uk_waitq request_wq = {.waiters = UK_LIST_INIT(request_wq.waiters)};
static struct uk_waitq hooks_wq = {.waiters = UK_LIST_INIT(hooks_wq.waiters)};

int uk_shutdown_hook(uk_shutdown_hook_fn fn, void *arg)
{
    struct hook *h;

    if (!fn)
        return -EINVAL;
    if (started)
        return -EBUSY;
    h = malloc(sizeof(*h));
    if (!h)
        return -ENOMEM;
    h->fn = fn;
    h->arg = arg;
    h->prev = hooks;
    hooks = h;
    return 0;
}

uint64_t uk_shutdown_set_hook_timeout(uint64_t ns)
{
    uint64_t old = hook_timeout;

    hook_timeout = ns ? ns : UK_SHUTDOWN_HOOK_TIMEOUT_DEFAULT;
    return old;
}

int uk_shutdown_requested(void)
{
    return UK_READ_ONCE(requested);
}

static bool request_seen(void *ctx)
{
    (void)ctx;
    return requested != UK_SHUTDOWN_NONE;
}

int uk_shutdown_wait(uint64_t deadline)
{
    int rc = uk_waitq_wait_cond(&request_wq, "shutdown request", request_seen, NULL, deadline);

    return rc ? rc : requested;
}

int kernel_shutdown_reason(void)
{
    return UK_READ_ONCE(requested);
}

static void hook_thread(void *arg)
{
    struct hook_run *r = arg;

    r->h->fn(r->reason, r->h->arg);
    r->done = true;
    uk_waitq_wake_all(&r->wq);
}

static bool hook_done(void *r)
{
    return ((struct hook_run *)r)->done;
}

static const char *hook_name(const struct hook *h, char *buf, size_t size)
{
    uintptr_t off;
    const char *name = ksym_lookup((uintptr_t)h->fn, &off);

    if (name && !off)
        return name;
    ksnprintf(buf, size, "%p", (void *)h->fn);
    return buf;
}

/*
 * One hook in its own thread, so that one which never returns can be left
 * behind. An abandoned hook keeps its run record (and its thread) for good:
 * it may still touch them, and the domain ends soon anyway.
 */
static void run_hook(const struct hook *h, int reason)
{
    struct hook_run *r = calloc(1, sizeof(*r));
    struct uk_thread *t;
    char buf[24];
    uint64_t start = uk_monotonic_ns();

    if (r) {
        r->h = h;
        r->reason = reason;
        uk_waitq_init(&r->wq);
    }
    t = r ? uk_thread_create("shutdown-hook", hook_thread, r, 0) : NULL;
    if (!t) {
        /* No memory for a thread: run it here, unbounded, rather than not at all. */
        uk_printf("shutdown: no memory for a hook thread: %s runs unbounded\n",
                  hook_name(h, buf, sizeof(buf)));
        h->fn(reason, h->arg);
        free(r);
        return;
    }
    if (uk_waitq_wait_cond(&r->wq, "shutdown hook", hook_done, r,
                           uk_time_add_sat(start, hook_timeout)) == -ETIMEDOUT) {
        uk_printf("shutdown: hook %s did not return within %llu ms: abandoned\n",
                  hook_name(h, buf, sizeof(buf)),
                  (unsigned long long)(hook_timeout / UK_NSEC_PER_MSEC));
        uk_thread_detach(t);
        return;
    }
    uk_thread_join(t);
    free(r);
}

static void shutdown_thread(void *arg)
{
    int reason = (int)(intptr_t)arg;

    started = true;
    for (const struct hook *h = hooks; h; h = h->prev)
        run_hook(h, reason);
    hooks_done = true;
    uk_waitq_wake_all(&hooks_wq);
    uk_printf("shutdown: hooks done, exiting\n");
    exit(0);
}

static bool hooks_finished(void *ctx)
{
    (void)ctx;
    return hooks_done;
}

/*
 * The first atexit handler to run once a request came (the last
 * registered): an app that returns from main when uk_shutdown_wait wakes
 * it must not cut its own hooks short. Bounded: each hook is.
 */
static void wait_for_hooks(void)
{
    if (uk_thread_self() != runner)
        uk_waitq_wait_cond(&hooks_wq, "shutdown hooks", hooks_finished, NULL, UK_TIME_NEVER);
}

static const char *reason_name(int reason)
{
    return reason == UK_SHUTDOWN_REBOOT ? "reboot" : "poweroff";
}

int kernel_shutdown_request(int reason)
{
    struct uk_thread *t;

    if (reason != UK_SHUTDOWN_POWEROFF && reason != UK_SHUTDOWN_REBOOT)
        return -EINVAL;
    if (requested) {
        uk_printf("shutdown: %s asked while a %s is under way: ignored\n", reason_name(reason),
                  reason_name(requested));
        return -EALREADY;
    }
    requested = reason;
    uk_printf("shutdown: %s requested\n", reason_name(reason));
    /* Its own thread: the caller (a watch callback) must not be held up by the hooks. */
    t = uk_thread_create("shutdown", shutdown_thread, (void *)(intptr_t)reason, 0);
    if (!t) {
        uk_printf("shutdown: no memory for the shutdown thread: exiting now\n");
        exit(0);
    }
    runner = t;
    uk_thread_detach(t);
    /* Before anyone can exit because of the wakeup below. */
    if (atexit(wait_for_hooks))
        uk_printf(
            "shutdown: cannot register the exit wait: an app that exits now cuts hooks short\n");
    uk_waitq_wake_all(&request_wq);
    return 0;
}
