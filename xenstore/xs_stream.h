/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to xenstore/: the client's connection state machine, free of
 * hypercalls, the ring page and blocking, so that the host tests and the
 * fuzzer drive exactly what the guest runs. It takes bytes off the
 * response ring (framing across the wrap), matches replies to requests by
 * id, routes watch events to their watch under bounded queues, and owns the
 * one-way transition to `broken`. It only wakes wait queues; xs.c does the
 * waiting, the ring indices and the barriers.
 */
#ifndef XENSTORE_XS_STREAM_H
#define XENSTORE_XS_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uk/list.h>
#include <internal/sched.h>
#include <uk/xenstore.h>

#include "xs_wire.h"

/*
 * Bounds on what a peer that can write a watched node makes us queue (the
 * class of XSA-349): events per watch, and bytes of paths across all
 * watches. A repeat of a path still queued for the same watch is coalesced.
 * Beyond a bound the event is dropped and counted, and the watch gets one
 * event for its own path (preallocated, so it cannot fail): "something
 * below changed, look again".
 */
#define XS_WATCH_QUEUE_MAX 64
#define XS_EVENT_BYTES_MAX (64 * 1024)

struct xs_request {
    struct uk_list link;
    uint32_t req_id;
    bool done;
    int err;
    uint32_t type;
    char *reply; /* malloc'd, NUL-terminated beyond reply_len */
    uint32_t reply_len;
    uint64_t sent_tick; /* the reply watchdog's tick when it went out (xs.c) */
    struct uk_waitq wq;
};

struct xs_event {
    struct uk_list link;
    size_t size; /* strlen(path) + 1 */
    char path[];
};

struct xs_watch {
    struct uk_list link; /* on the stream's watches until forgotten */
    char token[24];
    char *path;
    xs_watch_fn fn;
    void *ctx;
    struct uk_list events; /* struct xs_event, oldest first */
    unsigned int nqueued;
    struct xs_event *rescan; /* the event for `path` after a drop */
    bool rescan_queued;
    struct uk_list ready; /* on the stream's ready list (callback watches) */
    bool on_ready;
    struct uk_waitq wq; /* xs_watch_wait's sleepers */
    bool armed;         /* XS_WATCH succeeded: callbacks may run */
    bool removed;       /* unwatched or failed: no more events, waiters leave */
    unsigned int refs;  /* the owner's, the ready list's, each waiter's */
    uint64_t dropped;
};

struct xs_stream {
    /* Framing: the message being received. */
    struct xsd_sockmsg hdr;
    uint32_t have; /* bytes of it received, header included */
    char *payload;
    /* Routing. */
    struct uk_list requests; /* struct xs_request in flight */
    struct uk_list watches;
    struct uk_list ready;     /* callback watches with events queued */
    struct uk_waitq ready_wq; /* the callback thread */
    struct uk_waitq rsp_wq;   /* the reader */
    struct uk_waitq req_wq;   /* writers waiting for ring space */
    size_t queued_bytes;
    bool broken;
    uint64_t events_dropped, events_coalesced;
};

void xs_stream_init(struct xs_stream *s);

/*
 * Take what is readable on the response ring `ring` from *cons to prod,
 * advancing *cons, and route every whole message. 0, or -EIO once the
 * stream is broken (indices more than a ring apart, a bad header, no
 * memory for a payload): then *cons stays where framing was lost.
 */
int xs_stream_rx(struct xs_stream *s, const char *ring, XENSTORE_RING_IDX *cons,
                 XENSTORE_RING_IDX prod);

/*
 * Close the connection for good (logged once): every request in flight
 * completes with -EIO, and every waiter (reader, writers, watch waiters)
 * is woken to see `broken`.
 */
void xs_stream_break(struct xs_stream *s, const char *what);

/* A request goes on the in-flight list before its first byte is written (done with -EIO if broken).
 */
void xs_stream_add_request(struct xs_stream *s, struct xs_request *r, uint32_t req_id);
/*
 * The reply watchdog ticked to `tick`: every request in flight that has
 * seen `max` ticks since it went out is done with -ETIMEDOUT. A reply that
 * comes later is one for an unknown id: dropped.
 */
void xs_stream_expire(struct xs_stream *s, uint64_t tick, uint64_t max);

/*
 * A new watch (refs 1, its rescan event allocated): 0 or -ENOMEM. Added to
 * the watches before XS_WATCH is sent, since its first event may come
 * before the reply.
 */
int xs_stream_watch_new(struct xs_stream *s, struct xs_watch *w, const char *path);
/*
 * XS_WATCH succeeded. Events may come before its reply; they wait in the
 * queue, and a callback (which gets w) runs for them only from now on.
 */
void xs_stream_watch_armed(struct xs_stream *s, struct xs_watch *w);
/*
 * Unwatching, or XS_WATCH failed: no more events, queued ones freed, every
 * waiter woken (to get -ECANCELED). The watch stays known, so the events
 * the daemon sends until it has our XS_UNWATCH are not protocol faults.
 */
void xs_stream_watch_cancel(struct xs_stream *s, struct xs_watch *w);
/* After the daemon's answer: forget the token and drop the owner's reference. */
void xs_stream_watch_forget(struct xs_stream *s, struct xs_watch *w);
void xs_stream_watch_put(struct xs_watch *w);
/* The oldest queued event, or NULL; free it with xs_stream_event_free. */
struct xs_event *xs_stream_pop_event(struct xs_stream *s, struct xs_watch *w);
void xs_stream_event_free(struct xs_watch *w, struct xs_event *ev);

#endif
