/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * events-self: event-channel semantics on a loopback channel (a port pair the
 * guest binds to itself: alloc_unbound for DOMID_SELF, then
 * bind_interdomain to it), no peer needed.
 *  - a notify reaches the other end's handler exactly once, with its ctx;
 *  - while masked, notifies are held, not lost: one delivery on unmask
 *    (events on one port coalesce, as Xen's pending bit does);
 *  - evtchn_wait returns for an event that came before the wait began, and
 *    times out when none comes;
 *  - closing a port makes a waiter return -EPIPE... or -EINVAL afterwards;
 *  - binding a bogus remote port is an error, not a crash.
 */
#include <errno.h>
#include <stdio.h>

#include <uk/events.h>
#include <uk/time.h>

#define TEST_NAME "events-self"
#include "../report.h"

static int calls;
static void *seen_ctx;

static void handler(evtchn_port_t port, void *ctx)
{
    (void)port;
    calls++;
    seen_ctx = ctx;
}

int main(void)
{
    evtchn_port_t a, b, bogus;
    int rc, marker = 0;

    rc = evtchn_alloc_unbound(DOMID_SELF, NULL, NULL, &a);
    EXPECT(rc == 0, "alloc_unbound for self");
    rc = rc ? rc : evtchn_bind_interdomain(DOMID_SELF, a, handler, &marker, &b);
    EXPECT(rc == 0, "bind_interdomain to self");
    if (rc)
        return test_result();

    calls = 0;
    evtchn_notify(a);
    uk_sleep_ns(10 * UK_NSEC_PER_MSEC);
    EXPECT(calls == 1 && seen_ctx == &marker, "one notify, one handler call with its ctx");

    evtchn_mask(b);
    calls = 0;
    for (int i = 0; i < 5; i++)
        evtchn_notify(a);
    uk_sleep_ns(10 * UK_NSEC_PER_MSEC);
    EXPECT(calls == 0, "nothing delivered while masked");
    EXPECT(evtchn_unmask(b) == 0, "unmask");
    uk_sleep_ns(10 * UK_NSEC_PER_MSEC);
    EXPECT(calls == 1, "held events delivered once on unmask");
    uk_sleep_ns(10 * UK_NSEC_PER_MSEC);
    EXPECT(calls == 1, "and not again");

    evtchn_notify(a);
    uk_sleep_ns(10 * UK_NSEC_PER_MSEC);
    EXPECT(evtchn_wait(b, uk_monotonic_ns() + UK_NSEC_PER_SEC) == 0,
           "wait returns for an event that came first");
    EXPECT(evtchn_wait(b, uk_monotonic_ns() + 50 * UK_NSEC_PER_MSEC) == -ETIMEDOUT,
           "wait times out with no event");

    EXPECT(evtchn_close(b) == 0, "close");
    EXPECT(evtchn_wait(b, 0) == -EINVAL, "wait on a closed port is refused");
    EXPECT(evtchn_close(b) == -EINVAL, "closing twice is refused");
    EXPECT(evtchn_close(a) == 0, "close the other end");

    rc = evtchn_bind_interdomain(DOMID_SELF, 4000, handler, NULL, &bogus);
    EXPECT(rc < 0, "binding a bogus remote port fails cleanly");
    EXPECT(evtchn_unmask(100000) == -EINVAL, "unmask of an impossible port is refused");

    return test_result();
}
