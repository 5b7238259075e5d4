/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * evpeer: event channels against a peer in dom0 (tests/peers/evtchn_peer,
 * built on Xen's libxenevtchn). The guest allocates a port for dom0 and
 * prints it; the rig's dom0 script binds to it.
 *
 *   evpeer storm   count the peer's notifications while 100 sleeps of 20 ms
 *                  run: every sleep must still end on time (the storm must
 *                  not starve the timer)
 *   evpeer ping N  answer each notification from the handler; end after N
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/events.h>
#include <uk/time.h>

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

static int storm(evtchn_port_t port)
{
    uint64_t worst = 0, start;
    int late = 0;

    /* Start measuring once the storm has begun. */
    if (evtchn_wait(port, uk_monotonic_ns() + 60 * UK_NSEC_PER_SEC)) {
        printf("evpeer: the storm never came: FAIL\n");
        return 1;
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
    printf("evpeer: storm: %llu events during 100 sleeps of 20 ms; worst lateness %llu us, "
           "%d late\n",
           (unsigned long long)(received - start), (unsigned long long)(worst / UK_NSEC_PER_USEC),
           late);
    evtchn_close(port);
    printf("evpeer: storm %s\n", late == 0 && received > start ? "ok" : "FAIL");
    return late == 0 && received > start ? 0 : 1;
}

static int ping(evtchn_port_t port, uint64_t n)
{
    uint64_t deadline = uk_monotonic_ns() + 120 * UK_NSEC_PER_SEC;

    while (received < n && uk_monotonic_ns() < deadline)
        uk_sleep_ns(10 * UK_NSEC_PER_MSEC);
    printf("evpeer: answered %llu pings (port %u): %s\n", (unsigned long long)received, port,
           received == n ? "ok" : "FAIL");
    return received == n ? 0 : 1;
}

int main(int argc, char **argv)
{
    bool is_storm = argc > 1 && strcmp(argv[1], "storm") == 0;
    evtchn_port_t port;
    int rc;

    rc = evtchn_alloc_unbound(0, is_storm ? count_event : answer_event, NULL, &port);
    if (rc) {
        printf("evpeer: evtchn_alloc_unbound: %d: FAIL\n", rc);
        return 1;
    }
    printf("evpeer: port %u\n", port);
    fflush(stdout);
    if (is_storm)
        return storm(port);
    return ping(port, argc > 2 ? strtoull(argv[2], NULL, 10) : 1000);
}
