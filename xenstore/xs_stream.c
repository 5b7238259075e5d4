/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The XenStore connection's state machine (see xs_stream.h): framing,
 * reply matching, watch routing with bounded queues, and `broken`. It
 * never blocks and never touches the ring page's indices itself.
 *
 * Well-framed junk (a reply nobody asked for, an event for no watch) is
 * logged once per kind and dropped. Anything that loses the framing (an
 * oversized length, an unknown type, indices past the ring) breaks the
 * connection: every waiter gets -EIO, nobody hangs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <uk/compiler.h>
#include <internal/console.h>
#include <uk/ring.h>

#include "xs_private.h"
#include "xs_stream.h"

static uint64_t protocol_errors;

uint64_t xs_protocol_errors(void)
{
    return protocol_errors;
}

/* Log a protocol fault; each distinct kind once, so a hostile peer cannot flood the console. */
void xs_bad_reply(const char *what)
{
    static const char *logged[16];

    protocol_errors++;
    for (unsigned int i = 0; i < UK_ARRAY_SIZE(logged); i++) {
        if (logged[i] == what)
            return;
        if (!logged[i]) {
            logged[i] = what;
            uk_printf("xenstore: %s (dropped)\n", what);
            return;
        }
    }
}

void xs_stream_init(struct xs_stream *s)
{
    memset(s, 0, sizeof(*s));
    uk_list_init(&s->requests);
    uk_list_init(&s->watches);
    uk_list_init(&s->ready);
    uk_waitq_init(&s->ready_wq);
    uk_waitq_init(&s->rsp_wq);
    uk_waitq_init(&s->req_wq);
}

void xs_stream_break(struct xs_stream *s, const char *what)
{
    struct uk_list *n;

    protocol_errors++;
    if (s->broken)
        return;
    s->broken = true;
    uk_printf("xenstore: %s: connection closed, every request now fails with -EIO\n", what);
    uk_list_for_each(n, &s->requests)
    {
        struct xs_request *r = uk_list_entry(n, struct xs_request, link);

        if (!r->done) {
            r->err = -EIO;
            r->done = true;
        }
        uk_waitq_wake_all(&r->wq);
    }
    uk_list_for_each(n, &s->watches)
    {
        uk_waitq_wake_all(&uk_list_entry(n, struct xs_watch, link)->wq);
    }
    uk_waitq_wake_all(&s->req_wq);
    uk_waitq_wake_all(&s->rsp_wq);
    free(s->payload);
    s->payload = NULL;
}

void xs_stream_add_request(struct xs_stream *s, struct xs_request *r, uint32_t req_id)
{
    memset(r, 0, sizeof(*r));
    r->req_id = req_id;
    uk_waitq_init(&r->wq);
    uk_list_add_tail(&s->requests, &r->link);
    /* Once broken, every request on the list is done: this one too. */
    if (s->broken) {
        r->err = -EIO;
        r->done = true;
    }
}

void xs_stream_expire(struct xs_stream *s, uint64_t tick, uint64_t max)
{
    struct uk_list *n;

    uk_list_for_each(n, &s->requests)
    {
        struct xs_request *r = uk_list_entry(n, struct xs_request, link);

        if (!r->done && tick - r->sent_tick >= max) {
            r->err = -ETIMEDOUT;
            r->done = true;
            uk_waitq_wake_all(&r->wq);
        }
    }
}

static void deliver_reply(struct xs_stream *s)
{
    struct uk_list *n;

    uk_list_for_each(n, &s->requests)
    {
        struct xs_request *r = uk_list_entry(n, struct xs_request, link);

        if (r->req_id != s->hdr.req_id || r->done)
            continue;
        r->type = s->hdr.type;
        r->reply = s->payload;
        r->reply_len = s->hdr.len;
        r->done = true;
        s->payload = NULL;
        uk_waitq_wake_all(&r->wq);
        return;
    }
    xs_bad_reply("reply to an unknown request id");
}

/* ---- Watches ---- */

int xs_stream_watch_new(struct xs_stream *s, struct xs_watch *w, const char *path)
{
    size_t size = strlen(path) + 1;

    w->path = malloc(size);
    w->rescan = malloc(sizeof(*w->rescan) + size);
    if (!w->path || !w->rescan) {
        free(w->path);
        free(w->rescan);
        return -ENOMEM;
    }
    memcpy(w->path, path, size);
    memcpy(w->rescan->path, path, size);
    w->rescan->size = size;
    w->refs = 1;
    uk_list_init(&w->events);
    uk_list_init(&w->ready);
    uk_waitq_init(&w->wq);
    uk_list_add_tail(&s->watches, &w->link);
    return 0;
}

struct xs_event *xs_stream_pop_event(struct xs_stream *s, struct xs_watch *w)
{
    struct uk_list *n = uk_list_pop(&w->events);
    struct xs_event *ev;

    if (!n)
        return NULL;
    ev = uk_list_entry(n, struct xs_event, link);
    w->nqueued--;
    if (ev != w->rescan)
        s->queued_bytes -= ev->size;
    return ev;
}

void xs_stream_event_free(struct xs_watch *w, struct xs_event *ev)
{
    if (ev == w->rescan)
        w->rescan_queued = false;
    else
        free(ev);
}

void xs_stream_watch_put(struct xs_watch *w)
{
    if (--w->refs == 0) {
        free(w->rescan);
        free(w->path);
        free(w);
    }
}

void xs_stream_watch_cancel(struct xs_stream *s, struct xs_watch *w)
{
    struct xs_event *ev;

    w->removed = true;
    while ((ev = xs_stream_pop_event(s, w)) != NULL)
        xs_stream_event_free(w, ev);
    uk_waitq_wake_all(&w->wq);
}

void xs_stream_watch_forget(struct xs_stream *s, struct xs_watch *w)
{
    xs_stream_watch_cancel(s, w);
    uk_list_remove(&w->link);
    xs_stream_watch_put(w);
}

static struct xs_watch *watch_by_token(struct xs_stream *s, const char *token)
{
    struct uk_list *n;

    uk_list_for_each(n, &s->watches)
    {
        struct xs_watch *w = uk_list_entry(n, struct xs_watch, link);

        if (strcmp(w->token, token) == 0)
            return w;
    }
    return NULL;
}

static bool event_queued(const struct xs_watch *w, const char *path)
{
    const struct uk_list *n;

    uk_list_for_each(n, &w->events)
    {
        if (strcmp(uk_list_entry(n, struct xs_event, link)->path, path) == 0)
            return true;
    }
    return false;
}

/* Hand w to the callback thread, if it has one and it is set and has events. */
static void make_ready(struct xs_stream *s, struct xs_watch *w)
{
    if (w->fn && w->armed && !w->on_ready && !uk_list_empty(&w->events)) {
        /* The ready list holds a reference until the callback thread is done with it. */
        w->on_ready = true;
        w->refs++;
        uk_list_add_tail(&s->ready, &w->ready);
        uk_waitq_wake_one(&s->ready_wq);
    }
}

void xs_stream_watch_armed(struct xs_stream *s, struct xs_watch *w)
{
    w->armed = true;
    make_ready(s, w);
}

static void enqueue(struct xs_stream *s, struct xs_watch *w, struct xs_event *ev)
{
    uk_list_add_tail(&w->events, &ev->link);
    w->nqueued++;
    make_ready(s, w);
    uk_waitq_wake_all(&w->wq);
}

static void deliver_watch_event(struct xs_stream *s)
{
    const char *path, *token;
    struct xs_watch *w;
    struct xs_event *ev;
    size_t size;

    if (xs_parse_watch_event(s->payload, s->hdr.len, &path, &token)) {
        xs_bad_reply("malformed watch event");
        return;
    }
    w = watch_by_token(s, token);
    if (!w) {
        xs_bad_reply("watch event for an unknown token");
        return;
    }
    /* Sent before the daemon read our XS_UNWATCH (or for a refused XS_WATCH): not a fault. */
    if (w->removed)
        return;
    if (event_queued(w, path)) {
        s->events_coalesced++;
        return;
    }
    size = strlen(path) + 1;
    ev = NULL;
    if (w->nqueued < XS_WATCH_QUEUE_MAX && s->queued_bytes + size <= XS_EVENT_BYTES_MAX)
        ev = malloc(sizeof(*ev) + size);
    if (!ev) {
        s->events_dropped++;
        w->dropped++;
        if (!w->rescan_queued && !event_queued(w, w->path)) {
            w->rescan_queued = true;
            enqueue(s, w, w->rescan);
        }
        return;
    }
    ev->size = size;
    memcpy(ev->path, path, size);
    s->queued_bytes += size;
    enqueue(s, w, ev);
}

/* ---- Framing ---- */

/* The header is whole: check it and make room for the payload. 0 or -EIO. */
static int header_done(struct xs_stream *s)
{
    if (xs_check_header(&s->hdr)) {
        /*
         * The stream cannot be resynchronised after a bogus length: where
         * the next message starts is unknown. Nor after a type we cannot
         * tell a reply from an event by.
         */
        xs_stream_break(s, s->hdr.len > XENSTORE_PAYLOAD_MAX
                               ? "reply longer than XENSTORE_PAYLOAD_MAX"
                               : "message of an unknown type");
        return -EIO;
    }
    s->payload = malloc(s->hdr.len + 1);
    if (!s->payload) {
        xs_stream_break(s, "out of memory for a reply");
        return -EIO;
    }
    return 0;
}

static void message_done(struct xs_stream *s)
{
    s->payload[s->hdr.len] = 0;
    if (s->hdr.type == XS_WATCH_EVENT)
        deliver_watch_event(s);
    else
        deliver_reply(s);
    free(s->payload); /* NULL if a request took it */
    s->payload = NULL;
    s->have = 0;
}

int xs_stream_rx(struct xs_stream *s, const char *ring, XENSTORE_RING_IDX *cons,
                 XENSTORE_RING_IDX prod)
{
    const uint32_t hsize = sizeof(s->hdr);
    int avail;

    if (s->broken)
        return -EIO;
    avail = xs_ring_readable(*cons, prod);
    if (avail < 0) {
        xs_stream_break(s, "response ring indices past the ring");
        return -EIO;
    }
    while (avail > 0) {
        /* The header first; once it is checked, the payload buffer exists. */
        bool in_hdr = !s->payload;
        char *dst = in_hdr ? (char *)&s->hdr + s->have : s->payload + (s->have - hsize);
        size_t n = in_hdr ? hsize - s->have : hsize + s->hdr.len - s->have;

        if (n > (size_t)avail)
            n = (size_t)avail;
        uk_ring_copy_from(dst, ring, XENSTORE_RING_SIZE, *cons, n);
        *cons += (XENSTORE_RING_IDX)n;
        avail -= (int)n;
        s->have += (uint32_t)n;
        if (in_hdr && s->have == hsize && header_done(s))
            return -EIO;
        if (s->payload && s->have == hsize + s->hdr.len)
            message_done(s);
    }
    return 0;
}
