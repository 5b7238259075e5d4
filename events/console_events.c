/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console, event-driven: instead of polling while xenconsoled drains a
 * full ring, the writer sleeps on the console's event channel.
 */
#include <internal/console.h>
#include <internal/events.h>
#include <internal/sched.h>
#include <internal/time.h>

#include "events_private.h"

/* Long enough for a slow dom0, short enough that a dead backend cannot hang us. */
#define CONSOLE_WAIT_NS (2 * UK_NSEC_PER_SEC)

static evtchn_port_t port;

static int wait_for_space(void)
{
    return evtchn_wait(port, uk_monotonic_ns() + CONSOLE_WAIT_NS);
}

int console_attach_events(void)
{
    int rc;

    if (!console_evtchn(&port))
        return 0; /* no ring: output goes to port 0xE9 */
    rc = evtchn_bind_existing(port, NULL, NULL);
    if (rc)
        return rc;
    console_set_waiter(wait_for_space);
    return 0;
}
