/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event channels over Xen's 2-level ABI: the shared_info page, the upcall
 * and its fair scan, the port table, and the binding operations.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <internal/arch.h>
#include <uk/compiler.h>
#include <internal/console.h>
#include <internal/events.h>
#include <internal/hypercall.h>
#include <internal/kernel.h>
#include <internal/mm.h>
#include <internal/sched.h>
#include <internal/time.h>
#include <uk/assert.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>

#include "events_private.h"
#include "evtchn_scan.h"

#define NR_PORTS        EVTCHN_2L_NR_CHANNELS
#define BITS_PER_WORD   (sizeof(xen_ulong_t) * 8)
#define NR_WORDS        (NR_PORTS / BITS_PER_WORD)
#define SLOTS_PER_CHUNK 64

struct port_slot {
    evtchn_handler_t handler;
    void *ctx;
    bool bound;
    bool fired; /* since the last evtchn_wait */
    uint64_t count;
    struct uk_waitq waiters;
};

/* Slots are allocated a chunk at a time when first bound: most guests use a handful. */
/* Whole chunks only: slot_of indexes chunks by port / SLOTS_PER_CHUNK. */
UK_BUILD_BUG_ON(NR_PORTS % SLOTS_PER_CHUNK);
static struct port_slot *chunks[NR_PORTS / SLOTS_PER_CHUNK];

/* Xen replaces the RAM behind this page with shared_info. */
static uint8_t shared_info_page[4096] __attribute__((aligned(4096)));
static struct shared_info *shared;

static struct evtchn_scan scan;
static uint64_t nr_upcalls;

struct shared_info *evtchn_shared_info(void)
{
    return shared;
}

uint64_t evtchn_upcall_count(void)
{
    return nr_upcalls;
}

static struct port_slot *slot_of(evtchn_port_t port)
{
    struct port_slot *c;

    if (port >= NR_PORTS)
        return NULL;
    c = chunks[port / SLOTS_PER_CHUNK];
    return c ? &c[port % SLOTS_PER_CHUNK] : NULL;
}

static struct port_slot *slot_alloc(evtchn_port_t port)
{
    struct port_slot **c = &chunks[port / SLOTS_PER_CHUNK];

    if (!*c) {
        *c = calloc(SLOTS_PER_CHUNK, sizeof(**c));
        if (!*c)
            return NULL;
        for (int i = 0; i < SLOTS_PER_CHUNK; i++)
            uk_waitq_init(&(*c)[i].waiters);
    }
    return &(*c)[port % SLOTS_PER_CHUNK];
}

static void dispatch(evtchn_port_t port)
{
    struct port_slot *s = slot_of(port);

    if (!s || !s->bound)
        return; /* an event for a port we closed: drop it */
    s->count++;
    if (s->handler)
        s->handler(port, s->ctx);
    s->fired = true;
    uk_waitq_wake_all(&s->waiters);
}

static void dispatch_port(evtchn_port_t port, void *ctx)
{
    (void)ctx;
    dispatch(port);
}

/* Interrupts off. The scan and why it cannot strand an event: evtchn_scan.c. */
static void upcall(void)
{
    nr_upcalls++;
    evtchn_scan_upcall(&scan, shared, &shared->vcpu_info[0], dispatch_port, NULL);
}

void evtchn_mask(evtchn_port_t port)
{
    if (port < NR_PORTS)
        __atomic_fetch_or(&shared->evtchn_mask[port / BITS_PER_WORD],
                          (xen_ulong_t)1 << (port % BITS_PER_WORD), __ATOMIC_SEQ_CST);
}

int evtchn_unmask(evtchn_port_t port)
{
    struct evtchn_unmask op = {.port = port};
    xen_ulong_t bit = (xen_ulong_t)1 << (port % BITS_PER_WORD);
    struct port_slot *s = slot_of(port);

    if (port >= NR_PORTS)
        return -EINVAL;
    /*
     * With nothing pending, clearing the bit is all EVTCHNOP_unmask would
     * do: skip the hypercall (one per port bound at boot). An event that
     * arrives once the bit is clear is raised by Xen as usual. One that
     * arrived while it was still set raised nothing: the second look finds
     * it, and then the bit goes back so that Xen, clearing it, re-raises.
     * Only for ports bound here: Xen judges any other.
     */
    if (shared && s && s->bound &&
        !(__atomic_load_n(&shared->evtchn_pending[port / BITS_PER_WORD], __ATOMIC_SEQ_CST) & bit)) {
        __atomic_fetch_and(&shared->evtchn_mask[port / BITS_PER_WORD], ~bit, __ATOMIC_SEQ_CST);
        if (!(__atomic_load_n(&shared->evtchn_pending[port / BITS_PER_WORD], __ATOMIC_SEQ_CST) &
              bit))
            return 0;
        __atomic_fetch_or(&shared->evtchn_mask[port / BITS_PER_WORD], bit, __ATOMIC_SEQ_CST);
    }
    /* Xen clears the mask and re-raises the upcall if the port is pending. */
    return (int)hypercall_event_channel_op(EVTCHNOP_unmask, &op);
}

static int attach(evtchn_port_t port, evtchn_handler_t handler, void *ctx)
{
    unsigned long flags;
    struct port_slot *s;

    if (port >= NR_PORTS)
        return -EINVAL;
    s = slot_alloc(port);
    if (!s)
        return -ENOMEM;
    flags = arch_irq_save();
    s->handler = handler;
    s->ctx = ctx;
    s->fired = false;
    s->count = 0;
    s->bound = true;
    arch_irq_restore(flags);
    return evtchn_unmask(port);
}

static int close_port(evtchn_port_t port)
{
    struct evtchn_close op = {.port = port};

    return (int)hypercall_event_channel_op(EVTCHNOP_close, &op);
}

/* Attach, and close the fresh port again if that fails: nothing leaks. */
static int attach_new(evtchn_port_t port, evtchn_handler_t handler, void *ctx, evtchn_port_t *out)
{
    int rc = attach(port, handler, ctx);

    if (rc) {
        close_port(port);
        return rc;
    }
    *out = port;
    return 0;
}

int evtchn_bind_existing(evtchn_port_t port, evtchn_handler_t handler, void *ctx)
{
    return attach(port, handler, ctx);
}

int evtchn_bind_virq(uint32_t virq, evtchn_handler_t handler, void *ctx, evtchn_port_t *port)
{
    struct evtchn_bind_virq op = {.virq = virq, .vcpu = 0};
    long rc = hypercall_event_channel_op(EVTCHNOP_bind_virq, &op);

    if (rc)
        return (int)rc;
    return attach_new(op.port, handler, ctx, port);
}

int evtchn_alloc_unbound(domid_t remote, evtchn_handler_t handler, void *ctx, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound op = {.dom = DOMID_SELF, .remote_dom = remote};
    long rc = hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &op);

    if (rc)
        return (int)rc;
    return attach_new(op.port, handler, ctx, port);
}

int evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_handler_t handler,
                            void *ctx, evtchn_port_t *port)
{
    struct evtchn_bind_interdomain op = {.remote_dom = remote, .remote_port = remote_port};
    long rc = hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &op);

    if (rc)
        return (int)rc;
    return attach_new(op.local_port, handler, ctx, port);
}

int evtchn_notify(evtchn_port_t port)
{
    struct evtchn_send op = {.port = port};

    return (int)hypercall_event_channel_op(EVTCHNOP_send, &op);
}

int evtchn_close(evtchn_port_t port)
{
    struct port_slot *s = slot_of(port);
    unsigned long flags;

    if (!s || !s->bound)
        return -EINVAL;
    evtchn_mask(port);
    flags = arch_irq_save();
    s->bound = false;
    s->handler = NULL;
    uk_waitq_wake_all(&s->waiters);
    arch_irq_restore(flags);
    return close_port(port);
}

uint64_t evtchn_count(evtchn_port_t port)
{
    struct port_slot *s = slot_of(port);

    return s ? s->count : 0;
}

/* What a thread waits for on a port: the next event, or the count to move past `seen`. */
struct port_wait {
    struct port_slot *s;
    bool since;
    uint64_t seen;
};

/* Interrupts off (uk_waitq_wait_cond): the upcall sets what this reads. */
static bool port_ready(void *ctx)
{
    struct port_wait *pw = ctx;
    struct port_slot *s = pw->s;

    if (!s->bound)
        return true;
    if (pw->since)
        return s->count != pw->seen;
    if (!s->fired)
        return false;
    s->fired = false; /* taken: the next evtchn_wait waits for a new event */
    return true;
}

/* Until the event, the port's close (-EPIPE), or the deadline (0: none). */
static int port_wait(struct port_wait *pw, uint64_t deadline)
{
    int rc = uk_waitq_wait_cond(&pw->s->waiters, "event channel", port_ready, pw,
                                deadline ? deadline : UK_TIME_NEVER);

    return pw->s->bound ? rc : -EPIPE;
}

int evtchn_wait(evtchn_port_t port, uint64_t deadline)
{
    struct port_wait pw = {.s = slot_of(port)};

    if (!pw.s || !pw.s->bound)
        return -EINVAL;
    return port_wait(&pw, deadline);
}

int evtchn_wait_since(evtchn_port_t port, uint64_t seen, uint64_t deadline)
{
    struct port_wait pw = {.s = slot_of(port), .since = true, .seen = seen};

    if (!pw.s || !pw.s->bound)
        return -EINVAL;
    return port_wait(&pw, deadline);
}

/* The event state behind a hang, beside Xen's own dump (xl debug-keys e). */
static void events_dump(void)
{
    struct vcpu_info *v = &shared->vcpu_info[0];

    uk_printf("events: %llu upcalls, %llu passes, upcall_pending %u, selector %#lx, next scan at "
              "port %u\n",
              (unsigned long long)nr_upcalls, scan.passes, UK_READ_ONCE(v->evtchn_upcall_pending),
              (unsigned long)UK_READ_ONCE(v->evtchn_pending_sel),
              scan.word * (unsigned int)BITS_PER_WORD + scan.bit);
    for (unsigned int w = 0; w < NR_WORDS; w++) {
        xen_ulong_t p = UK_READ_ONCE(shared->evtchn_pending[w]);

        if (p)
            uk_printf("events: word %u pending %#lx mask %#lx\n", w, (unsigned long)p,
                      (unsigned long)UK_READ_ONCE(shared->evtchn_mask[w]));
    }
}

static void debug_virq(evtchn_port_t port, void *ctx)
{
    (void)port;
    (void)ctx;
    uk_sched_dump();
    events_dump();
}

int evtchn_init(void)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_shared_info,
        .idx = 0,
        .gpfn = (uintptr_t)shared_info_page >> PAGE_SHIFT,
    };
    struct xen_hvm_evtchn_upcall_vector uv = {.vcpu = 0};
    evtchn_port_t port;
    long rc;

    rc = hypercall_memory_op(XENMEM_add_to_physmap, &xatp);
    if (rc)
        return (int)rc;
    shared = (struct shared_info *)shared_info_page;
    /* Every port masked until something binds it. */
    for (unsigned int i = 0; i < NR_WORDS; i++)
        shared->evtchn_mask[i] = ~(xen_ulong_t)0;

    uv.vector = (uint8_t)arch_upcall_init(upcall);
    rc = hypercall_hvm_op(HVMOP_set_evtchn_upcall_vector, &uv);
    if (rc)
        return (int)rc;
    /* As Linux does once the per-vCPU vector is set: any non-zero value. */
    rc = hvm_set_param(HVM_PARAM_CALLBACK_IRQ, 1);
    if (rc)
        return (int)rc;
    /* Sub-phases, so that the boot report says which part of events cost what. */
    kernel_boot_mark("events: shared info, upcall");

    rc = time_init();
    if (rc)
        return (int)rc;
    kernel_boot_mark("events: time");
    rc = evtchn_bind_virq(VIRQ_DEBUG, debug_virq, NULL, &port);
    if (rc)
        return (int)rc;
    rc = console_attach_events();
    if (rc)
        return (int)rc;
    kernel_boot_mark("events: debug VIRQ, console events");
    arch_irq_enable();
    return 0;
}
INITCALL_CORE(evtchn_init);
