/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A dom0-side peer for the event-channel tests, built against Xen's real
 * libxenevtchn and run by the rig inside dom0.
 *
 *   evtchn_peer storm DOMID PORT SECONDS   notify as fast as possible for
 *                                          SECONDS (or until the guest
 *                                          closes the port); print the count
 *   evtchn_peer ping DOMID PORT N          N round trips (notify, wait for
 *                                          the guest's answer); print the
 *                                          median and mean round trip
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenevtchn.h>

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static int storm(xenevtchn_handle *xce, evtchn_port_t port, double seconds)
{
    double end = now_us() + seconds * 1e6;
    unsigned long sent = 0;

    while (now_us() < end) {
        if (xenevtchn_notify(xce, port) < 0) {
            printf("evtchn_peer: notify failed after %lu: %s\n", sent, strerror(errno));
            break;
        }
        sent++;
    }
    printf("evtchn_peer: storm sent %lu notifications\n", sent);
    return 0;
}

/* Wait up to timeout_ms for our port to fire, then unmask it. */
static int wait_event(xenevtchn_handle *xce, int timeout_ms)
{
    struct pollfd pfd = {.fd = xenevtchn_fd(xce), .events = POLLIN};
    xenevtchn_port_or_error_t p;

    if (poll(&pfd, 1, timeout_ms) != 1)
        return -1;
    p = xenevtchn_pending(xce);
    if (p < 0)
        return -1;
    return xenevtchn_unmask(xce, p);
}

static int ping(xenevtchn_handle *xce, evtchn_port_t port, int n)
{
    double *rtt = calloc(n, sizeof(*rtt)), sum = 0;

    /*
     * Binding to the guest's port leaves ours pending (Xen's guard against
     * notifications lost before the bind): take that event first, or every
     * round trip would be off by one.
     */
    wait_event(xce, 100);

    for (int i = 0; i < n; i++) {
        double t0 = now_us();

        if (xenevtchn_notify(xce, port) < 0 || wait_event(xce, 5000) < 0) {
            printf("evtchn_peer: ping %d got no answer\n", i);
            return 1;
        }
        rtt[i] = now_us() - t0;
        sum += rtt[i];
    }
    qsort(rtt, n, sizeof(*rtt), cmp_double);
    printf("evtchn_peer: ping %d round trips: median %.1f us, mean %.1f us\n", n, rtt[n / 2],
           sum / n);
    return 0;
}

int main(int argc, char **argv)
{
    xenevtchn_handle *xce;
    xenevtchn_port_or_error_t local;
    int rc;

    if (argc != 5) {
        fprintf(stderr, "usage: evtchn_peer storm|ping DOMID PORT SECONDS|N\n");
        return 2;
    }
    xce = xenevtchn_open(NULL, 0);
    if (!xce) {
        perror("xenevtchn_open");
        return 1;
    }
    local = xenevtchn_bind_interdomain(xce, atoi(argv[2]), atoi(argv[3]));
    if (local < 0) {
        perror("xenevtchn_bind_interdomain");
        return 1;
    }
    if (strcmp(argv[1], "storm") == 0)
        rc = storm(xce, local, atof(argv[4]));
    else
        rc = ping(xce, local, atoi(argv[4]));
    xenevtchn_unbind(xce, local);
    xenevtchn_close(xce);
    return rc;
}
