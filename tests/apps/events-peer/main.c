/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * events-peer: event channels against a peer in dom0 (tests/peers/evtchn_peer,
 * built on Xen's libxenevtchn). The guest allocates a port for dom0 and
 * prints it; the rig's dom0 script binds to it.
 *
 *   events-peer storm   count the peer's notifications while 100 sleeps of 20 ms
 *                  run: every sleep must still end on time (the storm must
 *                  not starve the timer)
 *   events-peer ping N  answer each notification from the handler; end after N
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/events.h>
#include <uk/time.h>

#define TEST_NAME "events-peer"
#include "../report.h"

static volatile uint64_t received;

static void count_event(evtchn_port_t port, void *ctx)
{
    (void)port;
    (void)ctx;
    received++;
}

static void answer_event(evtchn_port_t port, void *ctx)
{
    (void)ctx;
    received++;
    evtchn_notify(port);
}

static void storm(evtchn_port_t port)
{
    uint64_t worst = 0, start;
    int late = 0;

    /* Start measuring once the storm has begun. */
    if (evtchn_wait(port, uk_monotonic_ns() + 60 * UK_NSEC_PER_SEC)) {
        test_error("the storm never came");
        return;
    }
    start = received;
    for (int i = 0; i < 100; i++) {
        uint64_t t0 = uk_monotonic_ns(), over;

        uk_sleep_ns(20 * UK_NSEC_PER_MSEC);
        over = uk_monotonic_ns() - t0 - 20 * UK_NSEC_PER_MSEC;
        if (over > worst)
            worst = over;
        if (over > 50 * UK_NSEC_PER_MSEC)
            late++;
    }
    EXPECT(late == 0 && received > start,
           "storm: %llu events during 100 sleeps of 20 ms; worst lateness %llu us, %d late",
           (unsigned long long)(received - start), (unsigned long long)(worst / UK_NSEC_PER_USEC),
           late);
    evtchn_close(port);
}

static void ping(evtchn_port_t port, uint64_t n)
{
    uint64_t deadline = uk_monotonic_ns() + 120 * UK_NSEC_PER_SEC;

    while (received < n && uk_monotonic_ns() < deadline)
        uk_sleep_ns(10 * UK_NSEC_PER_MSEC);
    EXPECT(received == n, "answered %llu pings of %llu (port %u)", (unsigned long long)received,
           (unsigned long long)n, port);
}

int main(int argc, char **argv)
{
    bool is_storm = argc > 1 && strcmp(argv[1], "storm") == 0;
    evtchn_port_t port;
    int rc;

    rc = evtchn_alloc_unbound(0, is_storm ? count_event : answer_event, NULL, &port);
    if (rc) {
        test_error("evtchn_alloc_unbound: %d", rc);
        return test_result();
    }
    printf("events-peer: port %u\n", port);
    fflush(stdout);
    if (is_storm)
        storm(port);
    else
        ping(port, argc > 2 ? strtoull(argv[2], NULL, 10) : 1000);
    return test_result();
}
