/*
 * The XenStore client: the ring on the page Xen names in
 * HVM_PARAM_STORE_PFN, one reader thread that takes every message off the
 * response ring and routes it (a reply to the thread waiting for that
 * request id, a watch event to its watch), and writers that serialise on a
 * mutex to put whole requests on the request ring. Well-framed junk (a
 * reply nobody asked for, an event for no watch) is logged once per kind and
 * dropped. Anything that loses the framing (an oversized length, indices
 * past the ring) closes the connection: every waiter, watch waiters
 * included, gets -EIO, nobody hangs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/arch.h>
#include <uk/compiler.h>
#include <uk/console.h>
#include <uk/events.h>
#include <uk/hypercall.h>
#include <uk/kernel.h>
#include <uk/mm.h>
#include <uk/sched.h>
#include <uk/time.h>
#include <uk/xenstore.h>
#include <xen/hvm/params.h>

#include "xs_private.h"
#include "xs_wire.h"

/* A slow dom0 under emulation answers in well under this. */
#define XS_REPLY_TIMEOUT (30 * NSEC_PER_SEC)

struct xs_request {
    struct list_node link;
    uint32_t req_id;
    bool done;
    int err;
    uint32_t type;
    char *reply; /* malloc'd, NUL-terminated beyond reply_len */
    uint32_t reply_len;
    struct waitq wq;
};

struct xs_watch {
    struct list_node link;
    char token[24];
    char *path;
    xs_watch_fn fn;
    void *ctx;
    struct list_node events; /* struct watch_event, for xs_watch_wait */
    struct waitq wq;
    bool removed;
    unsigned int refs; /* the owner's, plus one per queued callback event */
};

struct watch_event {
    struct list_node link;
    struct xs_watch *watch; /* for the callback queue */
    char path[];
};

static struct xenstore_domain_interface *ring;
static evtchn_port_t port;
static struct waitq rsp_wq, req_wq; /* the reader; writers waiting for space */
static struct mutex write_lock;
static struct list_node requests = LIST_INIT(requests);
static struct list_node watches = LIST_INIT(watches);
static struct list_node callbacks = LIST_INIT(callbacks);
static struct waitq callback_wq;
static uint32_t next_req_id = 1;
static unsigned long next_watch_id = 1;
static bool broken;
static uint64_t protocol_errors;
static int domid = -1;
static char home[32];

uint64_t xs_protocol_errors(void)
{
    return protocol_errors;
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
        kprintf("xenstore: cannot read our domid (%d)\n", rc);
        return -1;
    }
    /* Another thread may have read it meanwhile: the same value. */
    domid = (int)id;
    snprintf(home, sizeof(home), "/local/domain/%d", domid);
    return domid;
}

const char *xs_home(void)
{
    (void)xs_domid();
    return home;
}

/* Log a protocol fault; each distinct kind once, so a hostile peer cannot flood the console. */
void xs_bad_reply(const char *what)
{
    static const char *logged[16];

    protocol_errors++;
    for (unsigned int i = 0; i < ARRAY_SIZE(logged); i++) {
        if (logged[i] == what)
            return;
        if (!logged[i]) {
            logged[i] = what;
            kprintf("xenstore: %s (dropped)\n", what);
            return;
        }
    }
}

/*
 * The daemon broke the protocol: fail everything now and from now on. Every
 * thread that waits on the connection is woken to see `broken`: requests
 * in flight, writers waiting for space, the reader, and threads in
 * xs_watch_wait (whose events can no longer come).
 */
static void connection_broken(const char *what)
{
    struct list_node *n;

    protocol_errors++;
    if (broken)
        return;
    broken = true;
    kprintf("xenstore: %s: connection closed, every request now fails with -EIO\n", what);
    list_for_each(n, &requests)
    {
        struct xs_request *r = list_entry(n, struct xs_request, link);

        r->err = -EIO;
        r->done = true;
        waitq_wake_all(&r->wq);
    }
    list_for_each(n, &watches)
    {
        struct xs_watch *w = list_entry(n, struct xs_watch, link);

        waitq_wake_all(&w->wq);
    }
    waitq_wake_all(&req_wq);
    waitq_wake_all(&rsp_wq);
}

static void ring_event(evtchn_port_t p, void *ctx)
{
    (void)p;
    (void)ctx;
    waitq_wake_all(&rsp_wq);
    waitq_wake_all(&req_wq);
}

/*
 * Wait (interrupts off across the check, so that the event cannot slip in
 * between) until `ready()` or a timeout; -ETIMEDOUT or -EIO.
 */
static int wait_ring(struct waitq *wq, bool (*ready)(void), uint64_t deadline)
{
    unsigned long flags = arch_irq_save();
    int rc = 0;

    while (!broken && !ready() && rc == 0)
        rc = deadline ? waitq_wait_until(wq, "xenstore ring", deadline)
                      : (waitq_wait(wq, "xenstore ring"), 0);
    arch_irq_restore(flags);
    if (broken)
        return -EIO;
    return rc == 0 ? 0 : -ETIMEDOUT;
}

static bool req_space(void)
{
    return xs_ring_writable(ring->req_cons, ring->req_prod) != 0;
}

static bool rsp_data(void)
{
    return xs_ring_readable(ring->rsp_cons, ring->rsp_prod) != 0;
}

/* Put `len` bytes on the request ring, waiting for space. */
static int ring_write(const void *data, size_t len, uint64_t deadline)
{
    const char *p = data;

    while (len) {
        XENSTORE_RING_IDX cons = READ_ONCE(ring->req_cons), prod = ring->req_prod;
        int space = xs_ring_writable(cons, prod);
        size_t n;

        if (space < 0) {
            connection_broken("request ring indices past the ring");
            return -EIO;
        }
        if (space == 0) {
            int rc = wait_ring(&req_wq, req_space, deadline);

            if (rc)
                return rc;
            continue;
        }
        smp_mb(); /* read the consumer index before overwriting what it freed */
        n = xs_ring_copy_in(ring->req, prod, p, len, (size_t)space);
        smp_wmb(); /* the bytes before the index that publishes them */
        WRITE_ONCE(ring->req_prod, prod + (XENSTORE_RING_IDX)n);
        evtchn_notify(port);
        p += n;
        len -= n;
    }
    return 0;
}

/* Take exactly `len` bytes off the response ring (reader thread only). */
static int ring_read(void *data, size_t len)
{
    char *p = data;

    while (len) {
        XENSTORE_RING_IDX cons = ring->rsp_cons, prod = READ_ONCE(ring->rsp_prod);
        int avail = xs_ring_readable(cons, prod);
        size_t n;

        if (avail < 0) {
            connection_broken("response ring indices past the ring");
            return -EIO;
        }
        if (avail == 0) {
            if (wait_ring(&rsp_wq, rsp_data, 0))
                return -EIO;
            continue;
        }
        smp_rmb(); /* the index before the bytes it covers */
        n = xs_ring_copy_out(p, ring->rsp, cons, len, (size_t)avail);
        smp_mb(); /* done reading before the daemon may reuse the space */
        WRITE_ONCE(ring->rsp_cons, cons + (XENSTORE_RING_IDX)n);
        evtchn_notify(port);
        p += n;
        len -= n;
    }
    return 0;
}

static struct xs_watch *watch_by_token(const char *token)
{
    struct list_node *n;

    list_for_each(n, &watches)
    {
        struct xs_watch *w = list_entry(n, struct xs_watch, link);

        if (strcmp(w->token, token) == 0)
            return w;
    }
    return NULL;
}

static void deliver_watch_event(const char *payload, uint32_t len)
{
    const char *path, *token;
    struct xs_watch *w;
    struct watch_event *ev;

    if (xs_parse_watch_event(payload, len, &path, &token)) {
        xs_bad_reply("malformed watch event");
        return;
    }
    w = watch_by_token(token);
    if (!w || w->removed) {
        xs_bad_reply("watch event for an unknown token");
        return;
    }
    ev = malloc(sizeof(*ev) + strlen(path) + 1);
    if (!ev) {
        xs_bad_reply("out of memory for a watch event");
        return;
    }
    strcpy(ev->path, path);
    ev->watch = w;
    if (w->fn) {
        w->refs++;
        list_add_tail(&callbacks, &ev->link);
        waitq_wake_one(&callback_wq);
    } else {
        list_add_tail(&w->events, &ev->link);
        waitq_wake_all(&w->wq);
    }
}

static void deliver_reply(const struct xsd_sockmsg *hdr, char *payload)
{
    struct list_node *n;

    list_for_each(n, &requests)
    {
        struct xs_request *r = list_entry(n, struct xs_request, link);

        if (r->req_id != hdr->req_id || r->done)
            continue;
        r->type = hdr->type;
        r->reply = payload;
        r->reply_len = hdr->len;
        r->done = true;
        waitq_wake_all(&r->wq);
        return;
    }
    xs_bad_reply("reply to an unknown request id");
    free(payload);
}

static void reader_thread(void *arg)
{
    (void)arg;
    for (;;) {
        struct xsd_sockmsg hdr;
        char *payload;

        if (ring_read(&hdr, sizeof(hdr)))
            break;
        if (xs_check_header(&hdr)) {
            /*
             * The stream cannot be resynchronised after a bogus length: where
             * the next message starts is unknown. Nor after a type we cannot
             * tell a reply from an event by.
             */
            connection_broken(hdr.len > XENSTORE_PAYLOAD_MAX
                                  ? "reply longer than XENSTORE_PAYLOAD_MAX"
                                  : "message of an unknown type");
            break;
        }
        payload = malloc(hdr.len + 1);
        if (!payload) {
            connection_broken("out of memory for a reply");
            break;
        }
        if (ring_read(payload, hdr.len)) {
            free(payload);
            break;
        }
        payload[hdr.len] = 0;
        if (hdr.type == XS_WATCH_EVENT) {
            deliver_watch_event(payload, hdr.len);
            free(payload);
        } else {
            deliver_reply(&hdr, payload);
        }
    }
}

static void watch_put(struct xs_watch *w)
{
    if (--w->refs == 0) {
        free(w->path);
        free(w);
    }
}

static void callback_thread(void *arg)
{
    (void)arg;
    for (;;) {
        struct list_node *n;
        struct watch_event *ev;

        while ((n = list_pop(&callbacks)) == NULL)
            waitq_wait(&callback_wq, "watch events");
        ev = list_entry(n, struct watch_event, link);
        if (!ev->watch->removed)
            ev->watch->fn(ev->watch, ev->path, ev->watch->ctx);
        watch_put(ev->watch);
        free(ev);
    }
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
    struct xs_request req = {.done = false};
    struct xsd_sockmsg hdr = {.type = type, .tx_id = tx, .len = 0};
    uint64_t deadline = time_monotonic_ns() + XS_REPLY_TIMEOUT;
    unsigned long flags;
    int rc;

    if (!ring)
        return -ENODEV;
    for (unsigned int i = 0; i < nparts; i++)
        hdr.len += (uint32_t)parts[i].len;
    if (hdr.len > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    waitq_init(&req.wq);

    mutex_lock(&write_lock);
    if (broken) {
        mutex_unlock(&write_lock);
        return -EIO;
    }
    req.req_id = hdr.req_id = next_req_id++;
    list_add_tail(&requests, &req.link);
    rc = ring_write(&hdr, sizeof(hdr), deadline);
    for (unsigned int i = 0; i < nparts && !rc; i++)
        rc = ring_write(parts[i].data, parts[i].len, deadline);
    mutex_unlock(&write_lock);

    flags = arch_irq_save();
    while (!rc && !req.done)
        if (waitq_wait_until(&req.wq, "xenstore reply", deadline) == -ETIMEDOUT && !req.done)
            rc = -ETIMEDOUT;
    list_remove(&req.link);
    arch_irq_restore(flags);

    if (!rc)
        rc = req.err;
    if (!rc && req.type == XS_ERROR) {
        rc = xs_parse_error(req.reply, req.reply_len);
        /* reply[reply_len] is a NUL of ours: strcmp stays inside. */
        if (rc == -EIO && strcmp(req.reply, "EIO") != 0)
            xs_bad_reply("error reply without its NUL or naming no known error");
    } else if (!rc && req.type != type) {
        xs_bad_reply("reply of the wrong type");
        rc = -EIO;
    }
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
    int rc;

    if (!w || !(w->path = strdup(path))) {
        free(w);
        errno = ENOMEM;
        return NULL;
    }
    snprintf(w->token, sizeof(w->token), "uk%lu", next_watch_id++);
    w->fn = fn;
    w->ctx = ctx;
    w->refs = 1;
    list_init(&w->events);
    waitq_init(&w->wq);
    list_add_tail(&watches, &w->link);
    {
        struct xs_part parts[] = {{path, strlen(path) + 1}, {w->token, strlen(w->token) + 1}};

        rc = xs_request(XS_WATCH, XS_NO_TX, parts, 2, NULL, NULL);
    }
    if (rc) {
        list_remove(&w->link);
        free(w->path);
        free(w);
        errno = -rc;
        return NULL;
    }
    return w;
}

int xs_watch_wait(struct xs_watch *w, char **path, uint64_t deadline)
{
    struct list_node *n;
    struct watch_event *ev;
    unsigned long flags = arch_irq_save();
    int rc = 0;

    while ((n = list_pop(&w->events)) == NULL && rc == 0 && !broken) {
        if (deadline)
            rc = waitq_wait_until(&w->wq, "xenstore watch", deadline);
        else
            waitq_wait(&w->wq, "xenstore watch");
    }
    arch_irq_restore(flags);
    if (!n)
        return broken ? -EIO : -ETIMEDOUT;
    ev = list_entry(n, struct watch_event, link);
    *path = strdup(ev->path);
    free(ev);
    return *path ? 0 : -ENOMEM;
}

int xs_unwatch(struct xs_watch *w)
{
    struct xs_part parts[] = {{w->path, strlen(w->path) + 1}, {w->token, strlen(w->token) + 1}};
    int rc = xs_request(XS_UNWATCH, XS_NO_TX, parts, 2, NULL, NULL);
    struct list_node *n;

    /* Forget it locally whatever the daemon said (the node may be gone). */
    w->removed = true;
    list_remove(&w->link);
    while ((n = list_pop(&w->events)) != NULL)
        free(list_entry(n, struct watch_event, link));
    /* Queued callbacks still point at it: they see `removed`; the last frees it. */
    watch_put(w);
    return rc;
}

static int xs_init(void)
{
    uint64_t pfn, evtchn;
    int rc;

    waitq_init(&rsp_wq);
    waitq_init(&req_wq);
    waitq_init(&callback_wq);
    mutex_init(&write_lock);
    rc = hvm_get_param(HVM_PARAM_STORE_PFN, &pfn);
    if (!rc)
        rc = hvm_get_param(HVM_PARAM_STORE_EVTCHN, &evtchn);
    if (rc || !pfn) {
        kprintf("xenstore: no ring (%d): XenStore calls will fail\n", rc);
        return 0;
    }
    ring = (void *)(uintptr_t)(pfn << PAGE_SHIFT);
    port = (evtchn_port_t)evtchn;
    rc = evtchn_bind_existing(port, ring_event, NULL);
    if (rc)
        return rc;
    if (!thread_create("xenstore", reader_thread, NULL, 0) ||
        !thread_create("xs-watch", callback_thread, NULL, 0))
        return -ENOMEM;
    /* No request here: the domid is read when first asked for (xs_domid). */
    return 0;
}
INITCALL(xs_init, 2);
