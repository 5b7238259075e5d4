/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Taking part in a shutdown the toolstack asks for (`xl shutdown`, `xl
 * reboot`, `virsh shutdown`: XenStore's control/shutdown, which the runtime
 * watches in every image). On a request the runtime
 *
 *   1. wakes every thread in uk_shutdown_wait() (uk_shutdown_requested()
 *      says which request from then on);
 *   2. runs the hooks registered here, last registered first, each in a
 *      thread of its own and each bounded: a hook that has not returned
 *      after the bound (uk_shutdown_set_hook_timeout, default
 *      UK_SHUTDOWN_HOOK_TIMEOUT_DEFAULT) is abandoned with a console line
 *      naming it, and the next one runs;
 *   3. calls exit(0): atexit handlers (the network's vifs close), stdio
 *      flushed, the console drained; then Xen's SHUTDOWN_poweroff or
 *      SHUTDOWN_reboot, whichever was asked.
 *
 * None of this waits for main: an app blocked in a sleep or a read still
 * goes down. An app that would rather end by itself waits with
 * uk_shutdown_wait() and returns from main; its exit(0) then ends with the
 * request's reason too. Threads are cooperative: a thread that spins
 * without ever blocking or yielding keeps the request from being seen at
 * all, and a hook that spins cannot be abandoned.
 */
#ifndef UK_SHUTDOWN_H
#define UK_SHUTDOWN_H

#include <stdint.h>

enum uk_shutdown_reason {
    UK_SHUTDOWN_NONE = 0,     /* nothing asked (yet) */
    UK_SHUTDOWN_POWEROFF = 1, /* control/shutdown = "poweroff" (also "halt") */
    UK_SHUTDOWN_REBOOT = 2,   /* control/shutdown = "reboot" */
};

#define UK_SHUTDOWN_HOOK_TIMEOUT_DEFAULT (5 * 1000000000ull) /* ns */

typedef void (*uk_shutdown_hook_fn)(int reason, void *arg);

/*
 * Call fn(reason, arg) when a shutdown is asked. 0, -EINVAL for a NULL fn,
 * -ENOMEM, or -EBUSY once the shutdown has started (the hook would not run).
 * Threads only.
 */
int uk_shutdown_hook(uk_shutdown_hook_fn fn, void *arg);
/* How long each hook may take (ns, 0: the default). Returns the previous bound. */
uint64_t uk_shutdown_set_hook_timeout(uint64_t ns);
/* The request so far: UK_SHUTDOWN_NONE until one comes. Safe in event handlers. */
int uk_shutdown_requested(void);
/*
 * Sleep until a shutdown is asked (its reason) or until `deadline`
 * (monotonic ns, UK_TIME_NEVER: none; -ETIMEDOUT). Threads only.
 */
int uk_shutdown_wait(uint64_t deadline);

#endif
