/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * events-notify: finding 18, "a sleep that never ends". A timer handler
 * notifies a loopback event channel (a port pair the guest binds to
 * itself) every millisecond (faster saturates an emulated vCPU), while the main thread sleeps in
 * 50-200 us steps. Every sleep must end: a lost upcall leaves the vCPU in
 * hlt with the sleep's deadline long past, and the case's TIMEOUT fails it.
 * Rounds are bounded; the app also checks that no sleep overran wildly and
 * that the loopback handler saw the notifies.
 */
#include <stdio.h>
#include <stdlib.h>

#include <uk/events.h>
#include <uk/time.h>

#define TEST_NAME "events-notify"
#include "../report.h"

/* Defaults; the command line may give other rounds and tick (us). */
static int rounds = 2000;
static uint64_t tick_ns = 1000 * UK_NSEC_PER_USEC;
#define OVERRUN_NS (500 * UK_NSEC_PER_MSEC)

static evtchn_port_t a, b;
static struct uk_timer tick;
static uint64_t ticks, received;

static void on_b(evtchn_port_t port, void *ctx)
{
    (void)port;
    (void)ctx;
    received++;
}

/* Runs in the VIRQ_TIMER handler: the notify raises an event mid-scan. */
static void on_tick(struct uk_timer *t, void *ctx)
{
    (void)ctx;
    ticks++;
    evtchn_notify(a);
    uk_timer_arm(t, uk_monotonic_ns() + tick_ns);
}

int main(int argc, char **argv)
{
    uint64_t seed = 12345, worst = 0, late = 0;
    int rc;

    if (argc > 1)
        rounds = atoi(argv[1]);
    if (argc > 2)
        tick_ns = (uint64_t)atoi(argv[2]) * UK_NSEC_PER_USEC;

    rc = evtchn_alloc_unbound(DOMID_SELF, NULL, NULL, &a);
    rc = rc ? rc : evtchn_bind_interdomain(DOMID_SELF, a, on_b, NULL, &b);
    rc = rc ? rc : uk_timer_init(&tick, on_tick, NULL);
    if (rc) {
        test_error("a loopback channel and its timer: %d", rc);
        return test_result();
    }
    printf("events-notify: loopback ports %u, %u\n", a, b);
    uk_timer_arm(&tick, uk_monotonic_ns() + tick_ns);

    for (int i = 1; i <= rounds; i++) {
        uint64_t ns, t0, took;

        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        ns = (50 + (seed >> 33) % 151) * UK_NSEC_PER_USEC;
        t0 = uk_monotonic_ns();
        uk_sleep_ns(ns);
        took = uk_monotonic_ns() - t0;
        if (took > worst)
            worst = took;
        if (took > ns + OVERRUN_NS)
            late++;
        if (i % 250 == 0)
            printf("events-notify: round %d at %llu ms, %llu ticks, %llu received, worst %llu us\n",
                   i, (unsigned long long)(uk_monotonic_ns() / UK_NSEC_PER_MSEC),
                   (unsigned long long)ticks, (unsigned long long)received,
                   (unsigned long long)(worst / UK_NSEC_PER_USEC));
    }
    uk_timer_destroy(&tick);
    EXPECT(late == 0, "%d sleeps of 50-200 us all ended (%llu overran by 0.5 s)", rounds,
           (unsigned long long)late);
    /* Xen raises a port once when it is bound (bind_interdomain): one more than the ticks. */
    EXPECT(received > 0 && received <= ticks + 1, "loopback handler ran (%llu of %llu notifies)",
           (unsigned long long)received, (unsigned long long)ticks);
    evtchn_close(b);
    evtchn_close(a);
    return test_result();
}
