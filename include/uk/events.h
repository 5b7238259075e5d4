/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event channels: Xen's signals. Every event arrives through one upcall,
 * which dispatches it to the handler bound to its port (a function and a
 * context pointer, like a signal handler) and wakes any thread waiting on
 * the port. Handlers run with interrupts off: they may wake threads, never
 * block.
 */
#ifndef UK_EVENTS_H
#define UK_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/event_channel.h>
#include <xen/xen.h>

typedef void (*evtchn_handler_t)(evtchn_port_t port, void *ctx);

/*
 * Binding. Each returns 0 and the local port in *port, or a negative errno
 * from Xen. `handler` may be NULL: the port is then only waited on. The port
 * is unmasked when this returns.
 */
int evtchn_bind_virq(uint32_t virq, evtchn_handler_t handler, void *ctx, evtchn_port_t *port);
int evtchn_alloc_unbound(domid_t remote, evtchn_handler_t handler, void *ctx, evtchn_port_t *port);
int evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_handler_t handler,
                            void *ctx, evtchn_port_t *port);
/* Attach a handler to a port Xen gave us already (console, XenStore). */
int evtchn_bind_existing(evtchn_port_t port, evtchn_handler_t handler, void *ctx);

/* Signal the other end. */
int evtchn_notify(evtchn_port_t port);
/* Close the port and forget its handler; waiters get -EPIPE. */
int evtchn_close(evtchn_port_t port);

/*
 * Masking. An event that arrives while its port is masked stays pending and
 * is delivered on unmask: none is lost.
 */
void evtchn_mask(evtchn_port_t port);
int evtchn_unmask(evtchn_port_t port);

/*
 * Wait for the port to fire: returns 0 at once if it fired since the last
 * wait, else sleeps until it does, or until `deadline` (monotonic ns, see
 * <uk/time.h>; 0 = no deadline) gives -ETIMEDOUT. -EINVAL for an unbound
 * port. Threads only.
 */
int evtchn_wait(evtchn_port_t port, uint64_t deadline);

/* Events dispatched on `port` since it was bound. */
uint64_t evtchn_count(evtchn_port_t port);

/*
 * Wait until evtchn_count(port) differs from `seen` (read before checking
 * whatever the caller waits for): safe with several threads waiting on one
 * port, where evtchn_wait's single "fired" flag would wake only one.
 * 0, -ETIMEDOUT at `deadline` (0: none), -EINVAL, or -EPIPE when closed.
 */
int evtchn_wait_since(evtchn_port_t port, uint64_t seen, uint64_t deadline);

#endif
