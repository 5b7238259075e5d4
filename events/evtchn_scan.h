/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The 2-level event scan, apart from the upcall so that the host tests can
 * run it against a model of Xen: which ports to dispatch, in which order,
 * and when to stop.
 */
#ifndef EVTCHN_SCAN_H
#define EVTCHN_SCAN_H

#include <stdint.h>

#include <xen/event_channel.h>
#include <xen/xen.h>

struct evtchn_scan {
    unsigned int word, bit; /* the next pass starts here: just after the port served last */
    unsigned long long passes;
};

typedef void (*evtchn_dispatch_t)(evtchn_port_t port, void *ctx);

/*
 * Serve what Xen has raised on `v`: pass after pass, each taking the
 * selector anew, until a pass ends with evtchn_upcall_pending still clear.
 * Within a pass each pending, unmasked port is dispatched at most once, its
 * pending bit cleared first.
 */
void evtchn_scan_upcall(struct evtchn_scan *st, struct shared_info *s, struct vcpu_info *v,
                        evtchn_dispatch_t dispatch, void *ctx);

#endif
