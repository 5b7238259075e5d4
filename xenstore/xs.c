/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The XenStore client: the ring on the page Xen names in
 * HVM_PARAM_STORE_PFN, one reader thread that hands every byte of the
 * response ring to the connection's state machine (xs_stream.c: a reply to
 * the thread waiting for that request id, a watch event to its watch), and
 * writers that serialise on a mutex to put whole requests on the request
 * ring. This file does the waiting, the ring indices and the barriers.
 * Anything that loses the framing (an oversized length, indices past the
 * ring, a request we could not finish writing) closes the connection:
 * every waiter, watch waiters included, gets -EIO, nobody hangs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <internal/arch.h>
#include <uk/compiler.h>
#include <internal/console.h>
#include <internal/events.h>
#include <internal/format.h>
#include <internal/hypercall.h>
#include <internal/kernel.h>
#include <internal/mm.h>
#include <uk/ring.h>
#include <internal/sched.h>
#include <internal/time.h>
#include <uk/xenstore.h>
#include <xen/hvm/params.h>

#include "xs_private.h"
#include "xs_stream.h"
#include "xs_wire.h"

/* A slow dom0 under emulation answers in well under this. */
#define XS_REPLY_TIMEOUT (30 * UK_NSEC_PER_SEC)

/*
 * Replies time out by a watchdog, not by a timer per request: the fast
 * path then reads no clock and arms no Xen timer (each an exit to Xen,
 * dearer than the rest of a request under emulation). While requests are
 * in flight the watchdog ticks every XS_WATCHDOG_PERIOD; a request that
 * has seen XS_REPLY_TICKS ticks fails with -ETIMEDOUT, so a reply may take
 * 30 to 40 s.
 */
#define XS_WATCHDOG_PERIOD (10 * UK_NSEC_PER_SEC)
#define XS_REPLY_TICKS     (XS_REPLY_TIMEOUT / XS_WATCHDOG_PERIOD + 1)

static struct xenstore_domain_interface *ring;
static evtchn_port_t port;
static struct xs_stream stream;
static struct uk_mutex write_lock;
static uint32_t next_req_id = 1;
static unsigned long next_watch_id = 1;
static int domid = -1;
static char home[32];
static struct uk_timer watchdog;
static bool watchdog_armed;     /* interrupts off to touch: the handler does */
static uint64_t watchdog_ticks; /* written by the handler only */
static unsigned int in_flight;  /* requests waiting for their reply */

uint64_t xs_watch_events_dropped(void)
{
    return stream.events_dropped;
}

uint64_t xs_watch_events_coalesced(void)
{
    return stream.events_coalesced;
}

/*
 * Read on first use, not at boot: it is a round trip with dom0's xenstored
 * (milliseconds under emulation, while dom0 is still busy creating us), and
 * the daemon resolves relative paths itself, so most guests never need it.
 */
int xs_domid(void)
{
    unsigned long id;
    int rc;

    if (domid >= 0 || !ring)
        return domid;
    rc = xs_read_ulong(XS_NO_TX, "domid", &id);
    if (rc) {
        uk_printf("xenstore: cannot read our domid (%d)\n", rc);
        return -1;
    }
    /* Another thread may have read it meanwhile: the same value. */
    domid = (int)id;
    ksnprintf(home, sizeof(home), "/local/domain/%d", domid);
    return domid;
}

const char *xs_home(void)
{
    (void)xs_domid();
    return home;
}

static void ring_event(evtchn_port_t p, void *ctx)
{
    (void)p;
    (void)ctx;
    uk_waitq_wake_all(&stream.rsp_wq);
    uk_waitq_wake_all(&stream.req_wq);
}

/*
 * Until ready(NULL) or the deadline (0: none): 0, -EIO when the connection
 * broke, or -ETIMEDOUT. Any error is final, never retried. ready runs with
 * interrupts off (uk_waitq_wait_cond): ring_event cannot slip in between
 * its check and the sleep.
 */
static int wait_ring(struct uk_waitq *wq, bool (*ready)(void *), uint64_t deadline)
{
    int rc =
        uk_waitq_wait_cond(wq, "xenstore ring", ready, NULL, deadline ? deadline : UK_TIME_NEVER);

    return stream.broken ? -EIO : rc;
}

/* Space on the request ring, or a broken connection. */
static bool req_space(void *unused)
{
    (void)unused;
    return stream.broken || xs_ring_writable(ring->req_cons, ring->req_prod) != 0;
}

static uint64_t reader_ticks; /* the watchdog tick the reader last acted on */

/* Bytes to read, a watchdog tick to act on, or a broken connection. */
static bool rsp_data_or_tick(void *unused)
{
    (void)unused;
    return stream.broken || xs_ring_readable(ring->rsp_cons, ring->rsp_prod) != 0 ||
           UK_READ_ONCE(watchdog_ticks) != reader_ticks;
}

/*
 * In the timer handler. The request list belongs to threads, so the reader
 * thread, woken here, is the one that fails the requests that are too old.
 */
static void watchdog_tick(struct uk_timer *t, void *ctx)
{
    (void)ctx;
    watchdog_ticks++;
    uk_waitq_wake_all(&stream.rsp_wq);
    if (in_flight)
        uk_timer_arm(t, uk_monotonic_ns() + XS_WATCHDOG_PERIOD);
    else
        watchdog_armed = false;
}

/* A request goes out: count it, and have the watchdog tick while any is out. */
static uint64_t watchdog_start(void)
{
    unsigned long flags = arch_irq_save();

    in_flight++;
    if (!watchdog_armed) {
        watchdog_armed = true;
        uk_timer_arm(&watchdog, uk_monotonic_ns() + XS_WATCHDOG_PERIOD);
    }
    arch_irq_restore(flags);
    return watchdog_ticks;
}

/*
 * Put `len` bytes on the request ring, waiting for space; *started is set
 * once a byte is out. The daemon is told only before a wait for space and
 * once the whole message is out (write_message): one notify per request.
 * A wait for space is bounded by *deadline, set at the first such wait.
 * The caller holds write_lock.
 */
static int ring_write(const void *data, size_t len, uint64_t *deadline, bool *started)
{
    const char *p = data;

    while (len) {
        XENSTORE_RING_IDX cons = UK_READ_ONCE(ring->req_cons), prod = ring->req_prod;
        int space = xs_ring_writable(cons, prod);
        size_t n;

        if (space < 0) {
            xs_stream_break(&stream, "request ring indices past the ring");
            return -EIO;
        }
        if (space == 0) {
            int rc;

            /* The daemon frees space only for what it was told of. */
            evtchn_notify(port);
            if (!*deadline)
                *deadline = uk_time_add_sat(uk_monotonic_ns(), XS_REPLY_TIMEOUT);
            rc = wait_ring(&stream.req_wq, req_space, *deadline);

            if (rc)
                return rc;
            continue;
        }
        uk_smp_mb(); /* read the consumer index before overwriting what it freed */
        n = len < (size_t)space ? len : (size_t)space;
        uk_ring_copy_to(ring->req, XENSTORE_RING_SIZE, prod, p, n);
        uk_smp_wmb(); /* the bytes before the index that publishes them */
        UK_WRITE_ONCE(ring->req_prod, prod + (XENSTORE_RING_IDX)n);
        *started = true;
        p += n;
        len -= n;
    }
    return 0;
}

/*
 * Write one whole message. Once its first byte is on the ring it must be
 * finished: xenstored would read whatever comes next (other requests, whose
 * values a peer may choose) as the rest of its payload. So a failure after
 * that point (the deadline, a failed wait) breaks the connection.
 */
static int write_message(const struct xsd_sockmsg *hdr, const struct xs_part *parts,
                         unsigned int nparts)
{
    uint64_t deadline = 0;
    bool started = false;
    int rc = ring_write(hdr, sizeof(*hdr), &deadline, &started);

    for (unsigned int i = 0; i < nparts && !rc; i++)
        rc = ring_write(parts[i].data, parts[i].len, &deadline, &started);
    if (rc && started && !stream.broken)
        xs_stream_break(&stream, "a request could not be finished on the ring");
    if (!rc)
        evtchn_notify(port);
    return rc;
}

/* The reader thread: everything on the response ring goes through the stream. */
static void reader_thread(void *arg)
{
    (void)arg;
    for (;;) {
        XENSTORE_RING_IDX cons = ring->rsp_cons, prod = UK_READ_ONCE(ring->rsp_prod), was = cons;
        uint64_t ticks = UK_READ_ONCE(watchdog_ticks);
        int rc;

        if (ticks != reader_ticks) {
            reader_ticks = ticks;
            xs_stream_expire(&stream, ticks, XS_REPLY_TICKS);
        }
        if (cons == prod) {
            if (wait_ring(&stream.rsp_wq, rsp_data_or_tick, 0))
                break;
            continue;
        }
        uk_smp_rmb(); /* the index before the bytes it covers */
        rc = xs_stream_rx(&stream, ring->rsp, &cons, prod);
        uk_smp_mb(); /* done reading before the daemon may reuse the space */
        UK_WRITE_ONCE(ring->rsp_cons, cons);
        /*
         * xenstored waits for an event only when it found the ring full:
         * tell it only then. Our index is out before we look at its (the
         * barrier): if it filled the ring before seeing our index, we see
         * that here; if after, it saw the space.
         */
        uk_smp_mb();
        if (UK_READ_ONCE(ring->rsp_prod) - was >= XENSTORE_RING_SIZE)
            evtchn_notify(port);
        if (rc)
            break;
    }
}

/* A watch with events for its callback, taken off the ready list. */
static bool ready_watch(void *n)
{
    return (*(struct uk_list **)n = uk_list_pop(&stream.ready)) != NULL;
}

static void callback_thread(void *arg)
{
    (void)arg;
    for (;;) {
        struct uk_list *n;
        struct xs_watch *w;
        struct xs_event *ev;

        uk_waitq_wait_cond(&stream.ready_wq, "watch events", ready_watch, &n, UK_TIME_NEVER);
        w = uk_list_entry(n, struct xs_watch, ready);
        w->on_ready = false;
        /* The callback may block: the reader may queue more meanwhile (and requeue w). */
        while (!w->removed && (ev = xs_stream_pop_event(&stream, w)) != NULL) {
            w->fn(w, ev->path, w->ctx);
            xs_stream_event_free(w, ev);
        }
        xs_stream_watch_put(w); /* the ready list's reference */
    }
}

/* Wait for r's reply, its error, or the watchdog's -ETIMEDOUT. */
static bool reply_done(void *r)
{
    return ((struct xs_request *)r)->done;
}

static int wait_reply(struct xs_request *r)
{
    unsigned long flags;

    uk_waitq_wait_cond(&r->wq, "xenstore reply", reply_done, r, UK_TIME_NEVER);
    /* in_flight is the watchdog handler's too. */
    flags = arch_irq_save();
    uk_list_remove(&r->link);
    in_flight--;
    arch_irq_restore(flags);
    return r->err;
}

/* The payload's length: the parts' sum without wrapping, or -E2BIG. */
static int payload_len(const struct xs_part *parts, unsigned int nparts, uint32_t *len)
{
    size_t total = 0;

    for (unsigned int i = 0; i < nparts; i++) {
        if (parts[i].len > XENSTORE_PAYLOAD_MAX - total)
            return -E2BIG;
        total += parts[i].len;
    }
    *len = (uint32_t)total;
    return 0;
}

static int check_reply(struct xs_request *r, uint32_t type)
{
    int rc;

    if (r->type == XS_ERROR) {
        rc = xs_parse_error(r->reply, r->reply_len);
        /* reply[reply_len] is a NUL of ours: strcmp stays inside. */
        if (rc == -EIO && strcmp(r->reply, "EIO") != 0)
            xs_bad_reply("error reply without its NUL or naming no known error");
        return rc;
    }
    if (r->type != type) {
        xs_bad_reply("reply of the wrong type");
        return -EIO;
    }
    return 0;
}

/*
 * One request: send `type` with the payload made of `parts` (each counted
 * by its length; strings include their NUL when the protocol wants it),
 * wait for the reply. On success *reply holds the malloc'd payload (NUL
 * added after it) unless reply is NULL.
 */
int xs_request(uint32_t type, xs_tx_t tx, const struct xs_part *parts, unsigned int nparts,
               char **reply, uint32_t *reply_len)
{
    struct xs_request req;
    struct xsd_sockmsg hdr = {.type = type, .tx_id = tx, .len = 0};
    int rc;

    /* Every request, watch and xs_domid() comes here: the ring must be set up. */
    INITCALL_NEEDED(xs_init);

    if (!ring)
        return -ENODEV;
    rc = payload_len(parts, nparts, &hdr.len);
    if (rc)
        return rc;

    uk_mutex_lock(&write_lock);
    if (stream.broken) {
        uk_mutex_unlock(&write_lock);
        return -EIO;
    }
    hdr.req_id = next_req_id++;
    xs_stream_add_request(&stream, &req, hdr.req_id);
    /* From here: time spent queued behind other writers does not count. */
    req.sent_tick = watchdog_start();
    rc = write_message(&hdr, parts, nparts);
    uk_mutex_unlock(&write_lock);

    if (rc) {
        unsigned long flags = arch_irq_save();

        uk_list_remove(&req.link);
        in_flight--;
        arch_irq_restore(flags);
        return rc;
    }
    rc = wait_reply(&req);
    if (!rc)
        rc = check_reply(&req, type);
    if (rc || !reply) {
        free(req.reply);
        return rc;
    }
    *reply = req.reply;
    if (reply_len)
        *reply_len = req.reply_len;
    return 0;
}

struct xs_watch *xs_watch(const char *path, xs_watch_fn fn, void *ctx)
{
    struct xs_watch *w = calloc(1, sizeof(*w));
    int rc = -ENOMEM;

    if (w) {
        /* The token before it is known: its first event may come before XS_WATCH's reply. */
        ksnprintf(w->token, sizeof(w->token), "uk%lu", next_watch_id++);
        w->fn = fn;
        w->ctx = ctx;
        rc = xs_stream_watch_new(&stream, w, path);
    }
    if (rc) {
        free(w);
        errno = -rc;
        return NULL;
    }
    {
        struct xs_part parts[] = {{path, strlen(path) + 1}, {w->token, strlen(w->token) + 1}};

        rc = xs_request(XS_WATCH, XS_NO_TX, parts, 2, NULL, NULL);
    }
    if (rc) {
        /* An event for it may be queued already, even handed to the callback thread. */
        xs_stream_watch_forget(&stream, w);
        errno = -rc;
        return NULL;
    }
    xs_stream_watch_armed(&stream, w);
    return w;
}

/* What xs_watch_wait waits for: an event (taken here), the watch's end, or the connection's. */
struct watch_wait {
    struct xs_watch *w;
    struct xs_event *ev;
};

static bool watch_ready(void *ctx)
{
    struct watch_wait *ww = ctx;

    if (stream.broken || ww->w->removed)
        return true;
    ww->ev = xs_stream_pop_event(&stream, ww->w);
    return ww->ev != NULL;
}

int xs_watch_wait(struct xs_watch *w, char **path, uint64_t deadline)
{
    struct watch_wait ww = {.w = w};
    int rc;

    /* Our own reference: xs_unwatch may drop the owner's while we sleep. */
    w->refs++;
    rc = uk_waitq_wait_cond(&w->wq, "xenstore watch", watch_ready, &ww,
                            deadline ? deadline : UK_TIME_NEVER);
    if (ww.ev) {
        *path = strdup(ww.ev->path);
        rc = *path ? 0 : -ENOMEM;
        xs_stream_event_free(w, ww.ev);
    } else if (w->removed) {
        rc = -ECANCELED;
    } else if (stream.broken) {
        rc = -EIO;
    }
    xs_stream_watch_put(w);
    return rc;
}

int xs_unwatch(struct xs_watch *w)
{
    struct xs_part parts[] = {{w->path, strlen(w->path) + 1}, {w->token, strlen(w->token) + 1}};
    int rc;

    /* Threads in xs_watch_wait leave now, not after the round trip. */
    xs_stream_watch_cancel(&stream, w);
    rc = xs_request(XS_UNWATCH, XS_NO_TX, parts, 2, NULL, NULL);
    /* Forget it whatever the daemon said (the node may be gone). */
    xs_stream_watch_forget(&stream, w);
    return rc;
}

static int xs_init(void)
{
    uint64_t pfn, evtchn;
    int rc;

    xs_stream_init(&stream);
    uk_mutex_init(&write_lock);
    uk_timer_init(&watchdog, watchdog_tick, NULL);
    rc = hvm_get_param(HVM_PARAM_STORE_PFN, &pfn);
    if (!rc)
        rc = hvm_get_param(HVM_PARAM_STORE_EVTCHN, &evtchn);
    if (rc || !pfn) {
        uk_printf("xenstore: no ring (%d): XenStore calls will fail\n", rc);
        return 0;
    }
    ring = (void *)(uintptr_t)(pfn << PAGE_SHIFT);
    port = (evtchn_port_t)evtchn;
    rc = evtchn_bind_existing(port, ring_event, NULL);
    if (rc)
        return rc;
    if (!uk_thread_create("xenstore", reader_thread, NULL, 0) ||
        !uk_thread_create("xs-watch", callback_thread, NULL, 0))
        return -ENOMEM;
    /* No request here: the domid is read when first asked for (xs_domid). */
    return 0;
}
INITCALL(xs_init, 2);
