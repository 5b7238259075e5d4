/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the XenStore connection's state machine
 * (xenstore/xs_stream.c), fed what a hostile xenstored can write on the
 * response ring, interleaved with what the guest's threads do: requests
 * put in flight and abandoned (timeouts), watches set, failed, unwatched,
 * events taken by waiters and by the callback thread.
 *
 * The input is a list of operations. Ring bytes are written at a ring
 * position the input chooses (so messages straddle the wrap) and taken
 * off in chunks the input chooses. The whole list runs twice, the second
 * time taking each write's bytes off in one piece: what the client
 * delivers must not depend on where the ring splits a message.
 *
 * Invariants (abort() when broken): every readable byte is consumed unless
 * the stream broke, and `broken` is for good; a request completes at most
 * once, with exactly the payload of a reply bearing its id (or -EIO); per
 * watch, the queue is within its bound, holds no path twice and nothing
 * after unwatching; the total of queued bytes is the sum of the queues and
 * within its bound; the callback list holds exactly the set, armed,
 * callback watches with events; references add up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <internal/console.h>
#include <uk/ring.h>

#include "../../xenstore/xs_stream.h"

/* The stream only wakes queues and logs; nobody sleeps here. */
void uk_waitq_init(struct uk_waitq *wq)
{
    uk_list_init(&wq->waiters);
}
bool uk_waitq_wake_one(struct uk_waitq *wq)
{
    (void)wq;
    return false;
}
unsigned int uk_waitq_wake_all(struct uk_waitq *wq)
{
    (void)wq;
    return 0;
}
void uk_printf(const char *fmt, ...)
{
    (void)fmt;
}

/* The harness's own loops are not what the fuzzer should steer by (and cost most). */
#define HARNESS __attribute__((no_sanitize("coverage")))

#define NREQ   8
#define NWATCH 6

static const char *const watch_paths[] = {"/a", "/a/b", "data", "/local/domain/1/x"};

struct run {
    struct xs_stream s;
    char ring[XENSTORE_RING_SIZE];
    XENSTORE_RING_IDX cons, prod;
    struct xs_request *req[NREQ];
    char *seen_reply[NREQ]; /* the reply a completed request got, to see it never changes */
    struct xs_watch *w[NWATCH];
    bool owned[NWATCH]; /* not yet forgotten */
    uint32_t next_token;
    uint64_t digest; /* what was delivered, in order */
    unsigned long ops;
};

HARNESS static void mix(struct run *r, const void *p, size_t n)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++)
        r->digest = (r->digest ^ b[i]) * 0x100000001b3ull;
}

static void dummy_fn(struct xs_watch *w, const char *path, void *ctx)
{
    (void)w;
    (void)path;
    (void)ctx;
}

/* Every check, the quadratic one (no path twice in a queue) only when `full`. */
HARNESS static void check_watch(struct run *r, struct xs_watch *w, size_t *bytes, bool full)
{
    struct uk_list *n, *m;
    unsigned int count = 0;

    uk_list_for_each(n, &w->events)
    {
        struct xs_event *ev = uk_list_entry(n, struct xs_event, link);

        count++;
        check(ev->size == strlen(ev->path) + 1);
        if (ev != w->rescan)
            *bytes += ev->size;
        for (m = n->next; full && m != &w->events; m = m->next)
            check(strcmp(ev->path, uk_list_entry(m, struct xs_event, link)->path) != 0);
    }
    check(count == w->nqueued);
    check(count <= XS_WATCH_QUEUE_MAX + 1);
    check(!w->removed || count == 0);
    check(w->refs == 1u + w->on_ready);
    (void)r;
}

HARNESS static void check_state(struct run *r, bool full)
{
    struct uk_list *n;
    size_t bytes = 0;
    unsigned int ready = 0;

    for (int i = 0; i < NWATCH; i++)
        if (r->owned[i])
            check_watch(r, r->w[i], &bytes, full);
    check(bytes == r->s.queued_bytes);
    check(bytes <= XS_EVENT_BYTES_MAX);
    uk_list_for_each(n, &r->s.ready)
    {
        struct xs_watch *w = uk_list_entry(n, struct xs_watch, ready);

        check(w->on_ready && w->fn && w->armed);
        for (int i = 0; i < NWATCH; i++)
            ready += r->owned[i] && r->w[i] == w;
    }
    for (int i = 0; i < NWATCH; i++)
        if (r->owned[i] && r->w[i]->on_ready)
            ready--;
    check(ready == 0);
    for (int i = 0; i < NREQ; i++) {
        struct xs_request *q = r->req[i];

        if (!q)
            continue;
        if (r->s.broken)
            check(q->done);
        if (!q->done)
            continue;
        check(q->err == 0 || q->err == -EIO);
        check(q->err == 0 ? q->reply != NULL : q->reply == NULL);
        if (q->reply) {
            check(q->reply_len <= XENSTORE_PAYLOAD_MAX && q->reply[q->reply_len] == 0);
            check(r->seen_reply[i] == NULL || r->seen_reply[i] == q->reply);
            r->seen_reply[i] = q->reply;
        }
    }
}

/* Put bytes on the ring as xenstored would (as much as fits). */
static size_t ring_put(struct run *r, const uint8_t *p, size_t n)
{
    int space = xs_ring_writable(r->cons, r->prod);

    if (space <= 0)
        return 0;
    if (n > (size_t)space)
        n = (size_t)space;
    uk_ring_copy_to(r->ring, XENSTORE_RING_SIZE, r->prod, p, n);
    r->prod += (XENSTORE_RING_IDX)n;
    return n;
}

/* Take the ring's bytes off in chunks of `step` (0: all at once). */
static void drain(struct run *r, size_t step)
{
    bool was_broken = r->s.broken;

    while (r->cons != r->prod) {
        XENSTORE_RING_IDX upto = r->prod;
        XENSTORE_RING_IDX before = r->cons;
        int rc;

        if (step && r->prod - r->cons > step)
            upto = r->cons + (XENSTORE_RING_IDX)step;
        rc = xs_stream_rx(&r->s, r->ring, &r->cons, upto);
        check((rc == 0) == !r->s.broken);
        check(!was_broken || rc == -EIO);
        if (rc) {
            check(r->cons - before <= upto - before);
            break;
        }
        check(r->cons == upto);
        check(r->s.have < sizeof(struct xsd_sockmsg) + r->s.hdr.len ||
              r->s.have < sizeof(struct xsd_sockmsg));
    }
}

HARNESS static void digest_state(struct run *r)
{
    for (int i = 0; i < NREQ; i++) {
        struct xs_request *q = r->req[i];

        if (!q)
            continue;
        mix(r, &q->done, sizeof(q->done));
        if (q->done) {
            mix(r, &q->err, sizeof(q->err));
            mix(r, &q->type, sizeof(q->type));
            if (q->reply)
                mix(r, q->reply, q->reply_len);
        }
    }
    for (int i = 0; i < NWATCH; i++) {
        struct uk_list *n;

        if (!r->owned[i])
            continue;
        uk_list_for_each(n, &r->w[i]->events)
        {
            const struct xs_event *ev = uk_list_entry(n, struct xs_event, link);

            /* Paths differ early (their prefix and number); the size covers the rest. */
            mix(r, ev->path, ev->size < 24 ? ev->size : 24);
            mix(r, &ev->size, sizeof(ev->size));
        }
    }
    mix(r, &r->s.broken, sizeof(r->s.broken));
}

static void drop_request(struct run *r, int i)
{
    if (!r->req[i])
        return;
    uk_list_remove(&r->req[i]->link);
    free(r->req[i]->reply);
    free(r->req[i]);
    r->req[i] = NULL;
    r->seen_reply[i] = NULL;
}

static void forget_watch(struct run *r, int i)
{
    if (!r->owned[i])
        return;
    xs_stream_watch_forget(&r->s, r->w[i]);
    r->owned[i] = false;
}

/* What the callback thread does with one ready watch. */
static void run_callbacks(struct run *r)
{
    struct uk_list *n = uk_list_pop(&r->s.ready);
    struct xs_watch *w;
    struct xs_event *ev;

    if (!n)
        return;
    w = uk_list_entry(n, struct xs_watch, ready);
    w->on_ready = false;
    while (!w->removed && (ev = xs_stream_pop_event(&r->s, w)) != NULL) {
        mix(r, ev->path, ev->size);
        xs_stream_event_free(w, ev);
    }
    xs_stream_watch_put(w);
}

struct input {
    const uint8_t *p;
    size_t n;
};

static unsigned int take(struct input *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

/* A well-formed message made from the input: a reply to an id, or an event for a token. */
static size_t make_message(struct run *r, struct input *in, uint8_t *buf)
{
    struct xsd_sockmsg h = {0};
    unsigned int kind = take(in), len;
    char *payload = (char *)buf + sizeof(h);

    if (kind & 1) {
        /* Paths below the watches', some 3,000 bytes long (for the byte bound). */
        unsigned int where = take(in), which = take(in);

        h.type = XS_WATCH_EVENT;
        len = (unsigned int)snprintf(payload, 64, "%s/%u", watch_paths[where % 4], which);
        if (kind & 4) {
            memset(payload + len, 'x', 3000);
            len += 3000;
        }
        payload[len++] = 0;
        len +=
            (unsigned int)snprintf(payload + len, 32, "uk%u", take(in) % (r->next_token + 1)) + 1;
    } else {
        h.type = kind & 2 ? XS_ERROR : XS_READ;
        h.req_id = take(in) % 12;
        len = take(in) % 64;
        for (unsigned int i = 0; i < len; i++)
            payload[i] = (char)take(in);
    }
    h.len = len;
    memcpy(buf, &h, sizeof(h));
    return sizeof(h) + len;
}

static void run(struct run *r, const uint8_t *data, size_t size, bool split)
{
    struct input in = {data, size};
    uint8_t buf[sizeof(struct xsd_sockmsg) + 4096];

    memset(r, 0, sizeof(*r));
    xs_stream_init(&r->s);
    /* Anywhere on the index circle: messages straddle the ring's end and the index wrap. */
    r->cons = r->prod = (XENSTORE_RING_IDX)(take(&in) * 0x01010101u);
    while (in.n) {
        unsigned int op = take(&in), arg = take(&in);
        int i = (int)(arg % NREQ), k = (int)(arg % NWATCH);

        switch (op % 9) {
        case 0: /* a thread puts a request in flight */
            if (!r->req[i]) {
                r->req[i] = malloc(sizeof(*r->req[i]));
                xs_stream_add_request(&r->s, r->req[i], arg % 12);
            }
            break;
        case 1: /* ... and leaves (reply taken, or timed out) */
            drop_request(r, i);
            break;
        case 2: /* xs_watch: known before XS_WATCH is sent */
            if (!r->owned[k]) {
                struct xs_watch *w = calloc(1, sizeof(*w));

                snprintf(w->token, sizeof(w->token), "uk%u", r->next_token++);
                w->fn = arg & 0x80 ? dummy_fn : NULL;
                check(xs_stream_watch_new(&r->s, w, watch_paths[(arg >> 3) % 4]) == 0);
                r->w[k] = w;
                r->owned[k] = true;
            }
            break;
        case 3: /* XS_WATCH answered OK */
            if (r->owned[k] && !r->w[k]->removed)
                xs_stream_watch_armed(&r->s, r->w[k]);
            break;
        case 4: /* XS_WATCH failed, or xs_unwatch: cancel then forget */
            if (r->owned[k]) {
                xs_stream_watch_cancel(&r->s, r->w[k]);
                if (arg & 0x80)
                    forget_watch(r, k);
            }
            break;
        case 5: /* xs_watch_wait takes an event */
            if (r->owned[k] && !r->w[k]->removed) {
                struct xs_event *ev = xs_stream_pop_event(&r->s, r->w[k]);

                if (ev) {
                    mix(r, ev->path, ev->size);
                    xs_stream_event_free(r->w[k], ev);
                }
            }
            break;
        case 6: /* the callback thread */
            run_callbacks(r);
            break;
        case 7: { /* raw bytes from the peer */
            unsigned int step = take(&in) % 40 + 1;
            size_t n = arg < in.n ? arg : in.n;

            n = ring_put(r, in.p, n);
            in.p += n;
            in.n -= n;
            drain(r, split ? step : 0);
            break;
        }
        default: { /* a well-formed message */
            size_t n = make_message(r, &in, buf);

            /* Longer than the ring: as xenstored does, put what fits, let it be read, go on. */
            for (size_t off = 0; off < n && !r->s.broken;) {
                off += ring_put(r, buf + off, n - off);
                drain(r, split ? arg % 40 + 1 : 0);
            }
            break;
        }
        }
        check_state(r, ++r->ops % 16 == 0);
        digest_state(r);
    }
    check_state(r, true);
    for (int i = 0; i < NREQ; i++)
        drop_request(r, i);
    while (!uk_list_empty(&r->s.ready))
        run_callbacks(r);
    for (int i = 0; i < NWATCH; i++)
        forget_watch(r, i);
    check(r->s.queued_bytes == 0);
    free(r->s.payload);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct run a, b;

    run(&a, data, size, true);
    run(&b, data, size, false);
    /* Where the ring split the bytes must not change what was delivered. */
    check(a.digest == b.digest);
    return 0;
}
