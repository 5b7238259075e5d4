/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to blk/: one struct blk_disk per disk the runtime knows (an index
 * of <uk/blk.h>, kept for the guest's life: the same vdev attached again
 * gets its old index back), the driver's entry points (blkfront.c) and what
 * the public API (blk.c) shares with it. docs/blk.md.
 */
#ifndef BLK_BLK_PRIVATE_H
#define BLK_BLK_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <uk/blk.h>
#include <uk/events.h>
#include <uk/sched.h>

#include "blkfront_wire.h"

struct xs_watch;

enum blk_state {
    BLK_NEW,     /* never opened yet */
    BLK_OPENING, /* the handshake runs */
    BLK_UP,      /* connected: requests flow */
    BLK_BROKEN,  /* the backend broke the ring protocol: nothing consumed any more */
    BLK_GONE,    /* closed, detached or failed to open: resources given back */
};

/* One page of the disk's pool: data or indirect segments, granted for good or per request. */
struct blk_page {
    void *page;
    grant_ref_t ref;
    bool granted;  /* ref is valid: the backend may map the page */
    uint16_t next; /* the free list, or a ring request's chain */
};

/* One ring request in flight (the shadow of a ring slot's id). */
struct blk_shadow {
    struct uk_blk_req *req; /* the app request it is part of */
    uint64_t at;            /* where in req->buf (and on the disk, from req->offset) */
    uint32_t len;           /* bytes */
    uint16_t pages;         /* chain of data pages (BLK_NO_PAGE: none) */
    uint16_t ind;           /* the indirect page, or BLK_NO_PAGE */
    uint16_t next_free;
};
#define BLK_NO_PAGE 0xffffu

struct blk_disk {
    unsigned int index;
    struct uk_blk_info info; /* the app's view: description, negotiated, counters */
    char dev[32];            /* device/vbd/N */
    char *be;                /* the backend's path */
    domid_t be_id;
    struct blkw_params params;

    enum blk_state state;
    /* Set by the event handler or a watch callback, taken by the disk's thread. */
    bool kick;       /* the event channel fired */
    bool be_changed; /* the backend's state node changed */
    bool want_open;  /* open (at boot, or the vdev attached again) */
    bool want_exit;  /* exit(): close and end the thread */
    bool starved;    /* the queue's head cannot get a page: fail it (the thread does) */
    struct uk_waitq wq;
    struct uk_thread *thread;
    struct xs_watch *be_watch;
    uint64_t open_wait_ns;  /* the open's deadline, from its start */
    uint64_t open_ns;       /* how long the last open took */
    uint64_t be_connect_ns; /* ... of which waiting for the backend's Connected */

    evtchn_port_t port;
    bool port_bound;
    bool resources; /* ring, pool, port held */
    blkif_front_ring_t ring;
    void *ring_mem;
    grant_ref_t ring_ref[1u << BLKW_MAX_ORDER];
    unsigned int ring_granted; /* ring_ref[0..n) are valid */

    struct blk_shadow *shadow; /* params.ring_size of them */
    uint8_t *asked;            /* per id: what blkw_response checks (BLKW_IDLE: free) */
    uint16_t shadow_free;
    unsigned int in_flight;

    struct blk_page *pool; /* BLK_POOL_MAX entries, pages allocated as needed */
    unsigned int npool;    /* entries with a page */
    uint16_t pool_free;    /* free list */
    unsigned int nfree;

    struct uk_list queue; /* app requests not yet wholly on the ring, in order */
    uint64_t head_done;   /* bytes of the queue's head already on the ring */

    unsigned int logged; /* blkw_kind bits already on the console */
    unsigned int leaked; /* pages kept because the backend still maps them */
};

/* Pages of a disk's pool at most: data pages and indirect pages, 4 MiB. */
#define BLK_POOL_MAX 1024u

extern struct blk_disk *blk_disks[UK_BLK_MAX];
extern unsigned int blk_ndisks;
extern struct blkw_knobs blk_knobs;
/* Woken whenever a disk's open ends (boot waits for every disk's). */
extern struct uk_waitq blk_boot_wq;
/* When exit() began closing the disks (monotonic ns), for the "closed at exit" lines. */
extern uint64_t blk_exit_ns;

/* The disk's thread (blkfront.c): opens, drains, follows the backend, closes. */
void blkfront_thread(void *arg);
/* Queue a checked request and put what fits on the ring (never blocks). */
void blkfront_submit(struct blk_disk *d, struct uk_blk_req *req);

#endif
