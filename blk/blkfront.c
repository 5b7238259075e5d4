/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Xen blkfront driver (docs/blk.md): one struct blk_disk per disk
 * (device/vbd/N) and one thread per disk that opens it (the xenbus
 * handshake through the XenStore helpers), drains its ring, calls the
 * app's done callbacks, follows the backend's state and closes it. A ring
 * of 1 to 16 pages, indirect segments for large requests, and a pool of
 * pages the app's data is copied through, granted once (feature-persistent)
 * or per request. Everything the backend writes is copied once and checked
 * (blkfront_wire.c); what is wrong is dropped, counted and logged once per
 * kind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <internal/format.h>
#include <uk/gnttab.h>
#include <uk/kernel.h>
#include <uk/mm.h>
#include <uk/time.h>
#include <uk/xenstore.h>
#include <xen/io/protocols.h>

#include "blk_private.h"

#define PAGE          BLKW_PAGE_SIZE
#define CLOSE_WAIT_NS (3 * UK_NSEC_PER_SEC) /* per step of the close handshake */
/* ... after a failed open: shorter, the backend is probably not there */
#define OPEN_FAIL_WAIT_NS (1 * UK_NSEC_PER_SEC)
#define GRANT_WAIT_NS     (2 * UK_NSEC_PER_SEC) /* for the backend to unmap, at teardown */
#define DRAIN_BATCH       64                    /* responses before letting others run */

static const char *name(const struct blk_disk *d)
{
    return d->info.name;
}

/* Count a bad response; one console line per kind and disk: a backend cannot flood it. */
static void note(struct blk_disk *d, enum blkw_kind kind, const struct blkif_response *r,
                 RING_IDX pos)
{
    blkw_count(&d->info, kind);
    if (kind == BLKW_OK || (d->logged & (1u << kind)))
        return;
    d->logged |= 1u << kind;
    /* The kind's fixed phrase first (tests look for it), then what the response said. */
    uk_printf("blkfront: %s: %s (response id %llu, operation %u, status %d, ring slot %u; "
              "counting, logged once)\n",
              name(d), blkw_kind_name(kind), (unsigned long long)r->id, r->operation, r->status,
              pos);
}

static void blk_event(evtchn_port_t port, void *ctx)
{
    struct blk_disk *d = ctx;

    (void)port;
    d->kick = true;
    uk_waitq_wake_all(&d->wq);
}

/* ---- completion ---- */

static void req_complete(struct blk_disk *d, struct uk_blk_req *req)
{
    struct uk_blk_info *in = &d->info;
    bool ok = req->first_error == 0;

    req->status = req->first_error;
    switch (req->op) {
    case UK_BLK_READ:
        in->reads++;
        in->bytes_read += ok ? req->len : 0;
        break;
    case UK_BLK_WRITE:
        in->writes++;
        in->bytes_written += ok ? req->len : 0;
        break;
    case UK_BLK_FLUSH:
        in->flushes++;
        break;
    case UK_BLK_DISCARD:
        in->discards++;
        break;
    }
    in->errors += !ok;
    req->done(req);
}

/* One part of `req` is over (a ring request, or the bias held while it is split). */
static void part_done(struct blk_disk *d, struct uk_blk_req *req, int err)
{
    if (err && !req->first_error)
        req->first_error = err;
    if (--req->parts_left == 0)
        req_complete(d, req);
}

/* ---- the pool ---- */

static unsigned int pool_available(const struct blk_disk *d)
{
    return d->nfree + (BLK_POOL_MAX - d->npool);
}

static void page_give(struct blk_disk *d, uint16_t i)
{
    d->pool[i].next = d->pool_free;
    d->pool_free = i;
    d->nfree++;
}

/*
 * A page of the pool: a free one, else a new one (zeroed, and when
 * persistent granted once, writable, for good: blkback maps persistent
 * grants read-write whatever the operation). BLK_NO_PAGE when none.
 */
static uint16_t page_take(struct blk_disk *d)
{
    struct blk_page *p;
    uint16_t i = d->pool_free;

    if (i != BLK_NO_PAGE) {
        d->pool_free = d->pool[i].next;
        d->nfree--;
        return i;
    }
    if (d->npool == BLK_POOL_MAX)
        return BLK_NO_PAGE;
    p = &d->pool[d->npool];
    p->page = uk_page_alloc();
    if (!p->page)
        return BLK_NO_PAGE;
    /* Nothing of ours from before goes to the backend. */
    memset(p->page, 0, PAGE);
    p->granted = false;
    if (d->params.persistent) {
        if (gnttab_grant_access(d->be_id, p->page, false, &p->ref)) {
            uk_page_free(p->page);
            p->page = NULL;
            return BLK_NO_PAGE;
        }
        p->granted = true;
    }
    return (uint16_t)d->npool++;
}

/*
 * A page the backend answered for comes back. Granted per request, its
 * grant ends first; a backend that answered but still maps it gets to keep
 * it (never reused; tried again at teardown).
 */
static void page_release(struct blk_disk *d, uint16_t i)
{
    struct blk_page *p = &d->pool[i];

    if (!d->params.persistent && p->granted) {
        if (gnttab_end_access(p->ref) == -EBUSY) {
            if (!d->leaked)
                uk_printf("blkfront: %s: the backend still maps grant %u after answering: page "
                          "kept, not reused\n",
                          name(d), p->ref);
            d->leaked++;
            return;
        }
        p->granted = false;
    }
    page_give(d, i);
}

static void chain_release(struct blk_disk *d, uint16_t head)
{
    while (head != BLK_NO_PAGE) {
        uint16_t next = d->pool[head].next;

        page_release(d, head);
        head = next;
    }
}

/* Per request (not persistent): grant the page for this request only. */
static int page_grant(struct blk_disk *d, uint16_t i, bool readonly)
{
    struct blk_page *p = &d->pool[i];
    int rc;

    if (p->granted)
        return 0;
    rc = gnttab_grant_access(d->be_id, p->page, readonly, &p->ref);
    p->granted = rc == 0;
    return rc;
}

/* ---- requests onto the ring ---- */

static uint16_t shadow_take(struct blk_disk *d, struct uk_blk_req *req, uint64_t at, uint32_t len)
{
    uint16_t id = d->shadow_free;
    struct blk_shadow *sh = &d->shadow[id];

    d->shadow_free = sh->next_free;
    sh->req = req;
    sh->at = at;
    sh->len = len;
    sh->pages = sh->ind = BLK_NO_PAGE;
    d->in_flight++;
    req->parts_left++;
    return id;
}

static void shadow_give(struct blk_disk *d, uint16_t id)
{
    d->shadow[id].req = NULL;
    d->shadow[id].next_free = d->shadow_free;
    d->shadow_free = id;
    d->asked[id] = BLKW_IDLE;
    d->in_flight--;
}

static void *page_of(struct blk_disk *d, uint16_t i)
{
    return d->pool[i].page;
}

/* The pages for `nseg` segments (and an indirect page), chained; false when short. */
static bool take_pages(struct blk_disk *d, unsigned int nseg, bool ind, uint16_t *head,
                       uint16_t *indp)
{
    uint16_t prev = BLK_NO_PAGE;

    *head = *indp = BLK_NO_PAGE;
    for (unsigned int k = 0; k < nseg; k++) {
        uint16_t i = page_take(d);

        if (i == BLK_NO_PAGE)
            goto short_;
        d->pool[i].next = BLK_NO_PAGE;
        if (prev == BLK_NO_PAGE)
            *head = i;
        else
            d->pool[prev].next = i;
        prev = i;
    }
    if (!ind)
        return true;
    *indp = page_take(d);
    if (*indp != BLK_NO_PAGE)
        return true;
short_:
    /* Not granted yet, nothing to end: straight back. */
    for (uint16_t i = *head; i != BLK_NO_PAGE;) {
        uint16_t next = d->pool[i].next;

        page_give(d, i);
        i = next;
    }
    *head = BLK_NO_PAGE;
    return false;
}

/* A read or write of `len` bytes of `req` from `at`: one ring request. 0 or a negative errno. */
static int issue_rw(struct blk_disk *d, struct uk_blk_req *req, uint64_t at, uint32_t len)
{
    unsigned int nseg = (len + PAGE - 1) / PAGE;
    bool ind = nseg > BLKW_DIRECT_SEGS, write = req->op == UK_BLK_WRITE;
    uint8_t op = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
    grant_ref_t refs[BLKW_MAX_SEGS];
    uint16_t head, indp, id, k = 0;
    uint64_t sector = (req->offset + at) / BLKW_SECTOR;
    int rc = 0;

    if (!take_pages(d, nseg, ind, &head, &indp))
        return -ENOMEM;
    for (uint16_t i = head; i != BLK_NO_PAGE; i = d->pool[i].next, k++) {
        uint32_t off = (uint32_t)k * PAGE, n = len - off < PAGE ? len - off : PAGE;

        if (write)
            memcpy(page_of(d, i), (const char *)req->buf + at + off, n);
        /* The backend only reads what we write, and writes what we read. */
        rc = rc ? rc : page_grant(d, i, write);
        refs[k] = d->pool[i].ref;
    }
    if (ind && !rc)
        rc = page_grant(d, indp, true);
    if (rc) {
        chain_release(d, head);
        if (ind)
            page_release(d, indp);
        return rc;
    }
    id = shadow_take(d, req, at, len);
    d->shadow[id].pages = head;
    d->shadow[id].ind = indp;
    if (!ind) {
        struct blkif_request r = {.operation = op,
                                  .nr_segments = (uint8_t)nseg,
                                  .handle = (blkif_vdev_t)d->info.vdev,
                                  .id = id,
                                  .sector_number = sector};

        blkw_segments(r.seg, refs, len);
        memcpy(RING_GET_REQUEST(&d->ring, d->ring.req_prod_pvt), &r, sizeof(r));
        d->asked[id] = op;
    } else {
        struct blkif_request_indirect r = {.operation = BLKIF_OP_INDIRECT,
                                           .indirect_op = op,
                                           .nr_segments = (uint16_t)nseg,
                                           .id = id,
                                           .sector_number = sector,
                                           .handle = (blkif_vdev_t)d->info.vdev,
                                           .indirect_grefs = {d->pool[indp].ref}};

        blkw_segments(page_of(d, indp), refs, len);
        memcpy(RING_GET_REQUEST(&d->ring, d->ring.req_prod_pvt), &r, sizeof(r));
        d->asked[id] = (uint8_t)(BLKW_ASK_INDIRECT | op);
    }
    d->ring.req_prod_pvt++;
    return 0;
}

/* A flush or a discard: no data, one ring request. */
static void issue_simple(struct blk_disk *d, struct uk_blk_req *req)
{
    uint16_t id = shadow_take(d, req, 0, 0);
    void *slot = RING_GET_REQUEST(&d->ring, d->ring.req_prod_pvt);

    if (req->op == UK_BLK_DISCARD) {
        struct blkif_request_discard r = {.operation = BLKIF_OP_DISCARD,
                                          .handle = (blkif_vdev_t)d->info.vdev,
                                          .id = id,
                                          .sector_number = req->offset / BLKW_SECTOR,
                                          .nr_sectors = req->len / BLKW_SECTOR};

        memcpy(slot, &r, sizeof(r));
        d->asked[id] = BLKIF_OP_DISCARD;
    } else {
        /* A cache flush where offered; else a barrier, which also orders (and so flushes). */
        uint8_t op = d->info.flush ? BLKIF_OP_FLUSH_DISKCACHE : BLKIF_OP_WRITE_BARRIER;
        struct blkif_request r = {.operation = op, .handle = (blkif_vdev_t)d->info.vdev, .id = id};

        memcpy(slot, &r, sizeof(r));
        d->asked[id] = op;
    }
    d->ring.req_prod_pvt++;
}

/* Segments for the next part of a read or write: what is left, what a request carries, the pool. */
static unsigned int next_segs(const struct blk_disk *d, uint64_t left)
{
    uint64_t want = (left + PAGE - 1) / PAGE;
    unsigned int segs = want < d->params.max_segs ? (unsigned int)want : d->params.max_segs;
    unsigned int avail = pool_available(d);

    while (segs && segs + (segs > BLKW_DIRECT_SEGS) > avail)
        segs--;
    return segs;
}

/*
 * Put what fits of the queue on the ring, in order: a read or write in
 * parts of up to max_segs pages, as long as ids, ring slots and pool pages
 * last; the rest waits for responses. Never blocks, never completes a
 * request (done callbacks run on the disk's thread only).
 */
static void pump(struct blk_disk *d)
{
    bool issued = false;
    int notify;

    while (d->state == BLK_UP && !uk_list_empty(&d->queue)) {
        struct uk_blk_req *req = uk_list_entry(d->queue.next, struct uk_blk_req, link);

        if (d->shadow_free == BLK_NO_PAGE || RING_FULL(&d->ring))
            break;
        if (req->op == UK_BLK_READ || req->op == UK_BLK_WRITE) {
            uint64_t left = req->len - d->head_done;
            unsigned int segs = next_segs(d, left);
            uint32_t chunk;
            int rc;

            if (!segs) {
                d->starved = d->in_flight == 0;
                break;
            }
            chunk = (uint32_t)(left < (uint64_t)segs * PAGE ? left : (uint64_t)segs * PAGE);
            rc = issue_rw(d, req, d->head_done, chunk);
            if (rc) {
                /* Out of memory or grants: wait for responses, or fail it if none will come. */
                d->starved = d->in_flight == 0;
                break;
            }
            issued = true;
            d->head_done += chunk;
            if (d->head_done < req->len)
                continue;
        } else {
            issue_simple(d, req);
            issued = true;
        }
        uk_list_remove(&req->link);
        d->head_done = 0;
        /* The bias: a part was just issued, so this completes nothing. */
        part_done(d, req, 0);
    }
    if (d->starved)
        uk_waitq_wake_all(&d->wq);
    if (!issued)
        return;
    /* The macro's barrier publishes the requests before req_prod. */
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&d->ring, notify);
    if (notify)
        evtchn_notify(d->port);
}

void blkfront_submit(struct blk_disk *d, struct uk_blk_req *req)
{
    req->status = 0;
    req->first_error = 0;
    req->parts_left = 1; /* the bias, dropped once the request is wholly on the ring */
    uk_list_add_tail(&d->queue, &req->link);
    pump(d);
}

/* The queue's head can get no page and nothing is in flight to free one: it fails. */
static void starve(struct blk_disk *d)
{
    struct uk_list *n;

    d->starved = false;
    if (d->in_flight || !(n = uk_list_pop(&d->queue)))
        return;
    uk_printf("blkfront: %s: no page or grant for a request: it fails with -ENOMEM\n", name(d));
    d->head_done = 0;
    part_done(d, uk_list_entry(n, struct uk_blk_req, link), -ENOMEM);
}

/* ---- responses ---- */

/* A ring request is over: its data to the app, its pages back, its part done. */
static void finish(struct blk_disk *d, uint16_t id, int err)
{
    struct blk_shadow *sh = &d->shadow[id];
    struct uk_blk_req *req = sh->req;
    uint16_t k = 0;

    if (!err && req->op == UK_BLK_READ)
        for (uint16_t i = sh->pages; i != BLK_NO_PAGE; i = d->pool[i].next, k++) {
            uint32_t off = (uint32_t)k * PAGE, n = sh->len - off < PAGE ? sh->len - off : PAGE;

            memcpy((char *)req->buf + sh->at + off, page_of(d, i), n);
        }
    chain_release(d, sh->pages);
    if (sh->ind != BLK_NO_PAGE)
        page_release(d, sh->ind);
    /* The id is free before the callback runs: it may submit again. */
    shadow_give(d, id);
    part_done(d, req, err);
}

/*
 * Every request of the disk fails with `err`, now: those queued and those
 * on the ring. Their pages stay where they are (the backend may still
 * write them); the pool is not used again until teardown ends its grants.
 */
static void fail_all(struct blk_disk *d, int err)
{
    struct uk_list *n;

    while ((n = uk_list_pop(&d->queue))) {
        d->head_done = 0;
        part_done(d, uk_list_entry(n, struct uk_blk_req, link), err);
    }
    for (unsigned int id = 0; id < d->params.ring_size && d->shadow && d->asked; id++) {
        struct uk_blk_req *req = d->shadow[id].req;

        if (d->asked[id] == BLKW_IDLE)
            continue;
        d->asked[id] = BLKW_IDLE;
        d->shadow[id].req = NULL;
        d->in_flight--;
        part_done(d, req, err);
    }
}

/*
 * The ring's indices are impossible: stop trusting it. Nothing is consumed
 * any more, the port is masked, every request fails with -EIO and new ones
 * are refused, until the backend closes.
 */
static void broken(struct blk_disk *d, RING_IDX cons, RING_IDX prod)
{
    blkw_count(&d->info, BLKW_BAD_PROD);
    if (d->state != BLK_UP)
        return;
    d->state = BLK_BROKEN;
    d->info.connected = false;
    if (d->port_bound)
        evtchn_mask(d->port);
    uk_printf("blkfront: %s: rsp_prod %u more than a ring ahead of our consumer %u: disk broken "
              "(requests fail with -EIO)\n",
              name(d), prod, cons);
    fail_all(d, -EIO);
}

/*
 * Drain the ring: each response copied once and judged, its request
 * finished. RING_FINAL_CHECK_FOR_RESPONSES asks for the next event only
 * once the ring looks empty, so the backend does not signal us while we
 * drain. False when it stopped early (a batch done: let others run).
 */
static bool drain(struct blk_disk *d)
{
    unsigned int budget = DRAIN_BATCH;
    int more;

    do {
        RING_IDX cons = d->ring.rsp_cons, prod = UK_READ_ONCE(d->ring.sring->rsp_prod);

        /* Read the responses only after the index that publishes them. */
        xen_rmb();
        if (blkw_check_prod(cons, prod, d->ring.req_prod_pvt) != BLKW_OK) {
            broken(d, cons, prod);
            return true;
        }
        for (; cons != prod; cons++) {
            struct blkif_response rsp;
            enum blkw_kind kind;
            int err;

            if (!budget--)
                return false;
            RING_COPY_RESPONSE(&d->ring, cons, &rsp);
            d->ring.rsp_cons = cons + 1;
            kind = blkw_response(&rsp, d->asked, d->params.ring_size, &err);
            note(d, kind, &rsp, cons);
            if (blkw_answers(kind))
                finish(d, (uint16_t)rsp.id, err);
            if (d->state != BLK_UP)
                return true;
        }
        RING_FINAL_CHECK_FOR_RESPONSES(&d->ring, more);
    } while (more);
    return true;
}

/* ---- XenStore: our state, the backend's ---- */

/*
 * End a grant, waiting (bounded) while the backend still maps the page.
 * False when it never let go: the page must then never be reused.
 */
static bool end_grant(struct blk_disk *d, grant_ref_t ref, uint64_t deadline)
{
    int rc;

    while ((rc = gnttab_end_access(ref)) == -EBUSY && uk_monotonic_ns() < deadline)
        uk_sleep_ns(10 * UK_NSEC_PER_MSEC);
    if (rc == -EBUSY) {
        if (!d->leaked)
            uk_printf("blkfront: %s: the backend still maps grant %u: page kept, not freed\n",
                      name(d), ref);
        d->leaked++;
        return false;
    }
    return true;
}

/* Everything open took, back to where it came from (any part of it). */
static void free_resources(struct blk_disk *d)
{
    uint64_t deadline = uk_deadline_in(GRANT_WAIT_NS);
    bool ring_free = true;

    if (!d->resources)
        return;
    d->resources = false;
    if (d->port_bound)
        evtchn_close(d->port);
    d->port_bound = false;
    for (unsigned int i = 0; i < d->ring_granted; i++)
        ring_free = end_grant(d, d->ring_ref[i], deadline) && ring_free;
    /* One block of pages: kept whole if the backend still maps any of it. */
    if (d->ring_mem && ring_free)
        uk_page_free_order(d->ring_mem, d->params.ring_order);
    d->ring_mem = NULL;
    d->ring_granted = 0;
    for (unsigned int i = 0; i < d->npool; i++) {
        struct blk_page *p = &d->pool[i];

        if (p->page && (!p->granted || end_grant(d, p->ref, deadline)))
            uk_page_free(p->page);
    }
    free(d->pool);
    free(d->shadow);
    free(d->asked);
    d->pool = NULL;
    d->shadow = NULL;
    d->asked = NULL;
    d->npool = d->nfree = d->in_flight = 0;
}

/*
 * The close handshake: Closing, the backend disconnects (it unmaps our
 * ring and pages), Closed, the backend closes; then every grant ends.
 * Bounded: a backend that never answers costs `wait` per step, and a page
 * it still maps is kept rather than reused.
 */
static void close_step(struct blk_disk *d, enum xenbus_state ours, unsigned int want, uint64_t wait)
{
    int rc = xenbus_close_step(d->dev, d->be, ours, want, uk_deadline_in(wait));

    /* Gone (detached) is an answer too; silence is not. */
    if (rc == -ETIMEDOUT)
        uk_printf("blkfront: %s: the backend did not follow our state %d\n", name(d), ours);
}

static void release(struct blk_disk *d, uint64_t wait)
{
    if (d->be_watch)
        xs_unwatch(d->be_watch);
    d->be_watch = NULL;
    if (d->resources && d->be) {
        close_step(d, XenbusStateClosing, 1u << XenbusStateClosing | 1u << XenbusStateClosed, wait);
        close_step(d, XenbusStateClosed, 1u << XenbusStateClosed | 1u << XenbusStateInitWait, wait);
    }
    free_resources(d);
    free(d->be);
    d->be = NULL;
}

/* The disk is over (detached, the backend closed, exit): requests fail, everything given back. */
static void go_away(struct blk_disk *d, uint64_t wait)
{
    d->state = BLK_GONE;
    d->info.connected = false;
    if (d->port_bound)
        evtchn_mask(d->port);
    fail_all(d, -EIO);
    release(d, wait);
}

/* On the disk's thread: the backend's state node changed. */
static void backend_changed(struct blk_disk *d)
{
    char key[256];
    unsigned long v = XenbusStateUnknown;
    int rc;

    if (d->state != BLK_UP && d->state != BLK_BROKEN)
        return;
    rc = xenbus_path(key, sizeof(key), d->be, "state");
    rc = rc ? rc : xs_read_ulong(XS_NO_TX, key, &v);
    if (rc == 0 && v == XenbusStateConnected)
        return;
    /* Closing, Closed, gone, or anything else: this connection is over. */
    uk_printf("blkfront: %s: backend state %lu (%d): disk gone, its requests fail with -EIO\n",
              name(d), v, rc);
    go_away(d, CLOSE_WAIT_NS);
}

static void be_watch_fn(struct xs_watch *w, const char *path, void *ctx)
{
    struct blk_disk *d = ctx;

    (void)w;
    (void)path;
    d->be_changed = true;
    uk_waitq_wake_all(&d->wq);
}

/* ---- opening ---- */

/* A backend node as a number; `def` when absent. */
static int read_be(struct blk_disk *d, const char *node, unsigned long def, unsigned long *v)
{
    char key[256];
    int rc = xenbus_path(key, sizeof(key), d->be, node);

    *v = def;
    rc = rc ? rc : xs_read_ulong(XS_NO_TX, key, v);
    if (rc == -ENOENT) {
        *v = def;
        return 0;
    }
    return rc;
}

static int read_frontend(struct blk_disk *d)
{
    char key[64];
    unsigned long id;
    int rc = xenbus_path(key, sizeof(key), d->dev, "backend-id");

    rc = rc ? rc : xs_read_ulong(XS_NO_TX, key, &id);
    if (rc)
        return rc;
    if (id >= DOMID_FIRST_RESERVED)
        return -EINVAL;
    d->be_id = (domid_t)id;
    rc = xenbus_backend_path(d->dev, &d->be);
    if (rc)
        return rc;
    return d->be && d->be[0] == '/' ? 0 : -EINVAL;
}

static int setup_ring(struct blk_disk *d)
{
    const struct blkw_params *p = &d->params;
    int rc = 0;

    d->resources = true;
    d->ring_mem = uk_page_alloc_order(p->ring_order);
    d->shadow = calloc(p->ring_size, sizeof(*d->shadow));
    d->asked = malloc(p->ring_size);
    d->pool = calloc(BLK_POOL_MAX, sizeof(*d->pool));
    if (!d->ring_mem || !d->shadow || !d->asked || !d->pool)
        return -ENOMEM;
    memset(d->ring_mem, 0, (size_t)PAGE << p->ring_order);
    SHARED_RING_INIT((blkif_sring_t *)d->ring_mem);
    FRONT_RING_INIT(&d->ring, (blkif_sring_t *)d->ring_mem, PAGE << p->ring_order);
    for (unsigned int i = 0; i < p->ring_pages && !rc; i++) {
        rc = gnttab_grant_access(d->be_id, (char *)d->ring_mem + i * PAGE, false, &d->ring_ref[i]);
        d->ring_granted += rc == 0;
    }
    if (rc)
        return rc;
    memset(d->asked, BLKW_IDLE, p->ring_size);
    for (unsigned int i = 0; i < p->ring_size; i++)
        d->shadow[i].next_free = (uint16_t)(i + 1 < p->ring_size ? i + 1 : BLK_NO_PAGE);
    d->shadow_free = 0;
    d->in_flight = 0;
    d->pool_free = BLK_NO_PAGE;
    d->npool = d->nfree = 0;
    d->head_done = 0;
    rc = evtchn_alloc_unbound(d->be_id, blk_event, d, &d->port);
    d->port_bound = rc == 0;
    return rc;
}

static int write_key(xs_tx_t tx, struct blk_disk *d, const char *node, const char *val)
{
    char key[64];
    int rc = xenbus_path(key, sizeof(key), d->dev, node);

    return rc ? rc : xs_write(tx, key, val);
}

static int write_num(xs_tx_t tx, struct blk_disk *d, const char *node, unsigned int v)
{
    char val[16];

    ksnprintf(val, sizeof(val), "%u", v);
    return write_key(tx, d, node, val);
}

/* The transport and Initialised in one transaction: the backend sees all or nothing. */
static int write_keys(xs_tx_t tx, void *ctx)
{
    struct blk_disk *d = ctx;
    char node[32], key[64];
    int rc = 0;

    if (d->params.ring_order == 0) {
        rc = write_num(tx, d, "ring-ref", d->ring_ref[0]);
        /* A single page says ring-ref alone: no order left over from an earlier connection. */
        if (!rc && !xenbus_path(key, sizeof(key), d->dev, "ring-page-order")) {
            rc = xs_rm(tx, key);
            rc = rc == -ENOENT ? 0 : rc;
        }
    } else {
        rc = write_num(tx, d, "ring-page-order", d->params.ring_order);
        for (unsigned int i = 0; i < d->params.ring_pages && !rc; i++) {
            ksnprintf(node, sizeof(node), "ring-ref%u", i);
            rc = write_num(tx, d, node, d->ring_ref[i]);
        }
    }
    rc = rc ? rc : write_num(tx, d, "event-channel", d->port);
    rc = rc ? rc : write_key(tx, d, "protocol", XEN_IO_PROTO_ABI_NATIVE);
    rc = rc ? rc : write_num(tx, d, "feature-persistent", d->params.persistent);
    return rc ? rc : write_num(tx, d, "state", XenbusStateInitialised);
}

/* Done once the backend is Connected; Closing or Closed on the way means it will not. */
static int be_connected(const char *path, void *ctx)
{
    unsigned long v;
    int rc = xs_read_ulong(XS_NO_TX, path, &v);

    (void)ctx;
    if (rc)
        return rc == -ENOENT ? -ENOTCONN : rc;
    if (v == XenbusStateConnected)
        return 0;
    return v == XenbusStateClosing || v == XenbusStateClosed ? -ENOTCONN : -EAGAIN;
}

/* Ready to be connected to: the backend said its features (InitWait) or is Connected. */
static int be_ready(const char *path, void *ctx)
{
    unsigned long v;
    int rc = xs_read_ulong(XS_NO_TX, path, &v);

    (void)ctx;
    if (rc)
        return rc == -ENOENT ? -EAGAIN : rc;
    return v == XenbusStateInitWait || v == XenbusStateConnected ? 0 : -EAGAIN;
}

/*
 * Until the backend can be connected to. One left Closed by an earlier
 * connection takes our Initialising as "prepare for reconnect"; a fresh
 * one (its hotplug script done) is in InitWait already, which one read
 * shows.
 */
static int await_backend(struct blk_disk *d, const char *state_key, uint64_t deadline)
{
    enum xenbus_state bs = XenbusStateUnknown;
    int rc = xenbus_read_state(d->be, &bs);

    if (!rc && (bs == XenbusStateInitWait || bs == XenbusStateConnected))
        return 0;
    if (!rc && (bs == XenbusStateClosing || bs == XenbusStateClosed))
        rc = xenbus_front_state(d->dev, XenbusStateInitialising);
    if (rc && rc != -ENOENT)
        return rc;
    return xs_wait_for(state_key, be_ready, NULL, deadline);
}

static int read_offer(struct blk_disk *d)
{
    struct blkw_offer o = {0};
    unsigned long order, ind;
    int rc = read_be(d, "max-ring-page-order", 0, &order);

    rc = rc ? rc : read_be(d, "feature-max-indirect-segments", 0, &ind);
    if (rc)
        return rc;
    o.max_ring_order = order > BLKW_MAX_ORDER ? BLKW_MAX_ORDER : (unsigned int)order;
    o.max_indirect = ind > BLKW_MAX_SEGS ? BLKW_MAX_SEGS : (unsigned int)ind;
    /*
     * Linux's blkback says feature-persistent only when it connects, from
     * what we wrote: we offer ours now (the knob), and read_disk settles it
     * (before any pool page is granted).
     */
    o.persistent = true;
    blkw_negotiate(&o, &blk_knobs, &d->params);
    return 0;
}

/* What the backend published on connecting: size, sector size, info, the operations. */
static int read_disk(struct blk_disk *d)
{
    struct uk_blk_info *in = &d->info;
    unsigned long sectors, ss, info, flush, barrier, discard, pers;
    int rc = read_be(d, "sectors", ~0ul, &sectors);

    rc = rc ? rc : read_be(d, "sector-size", ~0ul, &ss);
    rc = rc ? rc : read_be(d, "info", 0, &info);
    rc = rc ? rc : read_be(d, "feature-flush-cache", 0, &flush);
    rc = rc ? rc : read_be(d, "feature-barrier", 0, &barrier);
    rc = rc ? rc : read_be(d, "feature-discard", 0, &discard);
    rc = rc ? rc : read_be(d, "feature-persistent", 0, &pers);
    if (rc)
        return rc;
    d->params.persistent = d->params.persistent && pers;
    if (sectors == ~0ul || blkw_geometry(sectors, ss, &in->size)) {
        uk_printf("blkfront: %s: bad geometry (sectors %lu, sector-size %lu)\n", name(d), sectors,
                  ss);
        return -EINVAL;
    }
    in->sector_size = (uint32_t)ss;
    in->read_only = (info & VDISK_READONLY) != 0;
    in->removable = (info & VDISK_REMOVABLE) != 0;
    in->flush = flush != 0;
    in->barrier = barrier != 0;
    in->discard = discard != 0;
    in->ring_pages = d->params.ring_pages;
    in->max_segments = d->params.max_segs;
    in->persistent = d->params.persistent;
    return 0;
}

static int connect(struct blk_disk *d, uint64_t deadline)
{
    char key[256];
    int rc = xenbus_path(key, sizeof(key), d->be, "state");

    rc = rc ? rc : await_backend(d, key, deadline);
    rc = rc ? rc : read_offer(d);
    rc = rc ? rc : setup_ring(d);
    rc = rc ? rc : xs_transaction_run_until(write_keys, d, deadline);
    d->be_connect_ns = uk_monotonic_ns();
    rc = rc ? rc : xs_wait_for(key, be_connected, NULL, deadline);
    d->be_connect_ns = uk_monotonic_ns() - d->be_connect_ns;
    rc = rc ? rc : read_disk(d);
    rc = rc ? rc : xenbus_front_state(d->dev, XenbusStateConnected);
    if (!rc) {
        d->be_watch = xs_watch(key, be_watch_fn, d);
        rc = d->be_watch ? 0 : -errno;
    }
    return rc;
}

static void print_opened(const struct blk_disk *d)
{
    const struct uk_blk_info *in = &d->info;

    uk_printf("blkfront: %s: %llu MiB (%llu sectors of %u B), %s; ring %u page%s, %u segments "
              "per request%s%s%s%s%s; opened in %llu ms (%llu waiting for the backend to "
              "connect)\n",
              name(d), (unsigned long long)(in->size >> 20),
              (unsigned long long)(in->size / in->sector_size), in->sector_size,
              in->read_only ? "read-only" : "read-write", in->ring_pages,
              in->ring_pages == 1 ? "" : "s", in->max_segments,
              d->params.indirect ? " (indirect)" : "",
              in->persistent ? ", persistent grants" : ", grants per request",
              in->flush ? ", flush" : "", in->barrier ? ", barrier" : "",
              in->discard ? ", discard" : "", (unsigned long long)(d->open_ns / UK_NSEC_PER_MSEC),
              (unsigned long long)(d->be_connect_ns / UK_NSEC_PER_MSEC));
}

static void open_disk(struct blk_disk *d)
{
    uint64_t t0 = uk_monotonic_ns();
    int rc;

    d->state = BLK_OPENING;
    rc = read_frontend(d);
    rc = rc ? rc : connect(d, uk_deadline_in(d->open_wait_ns));
    if (rc) {
        if (rc != -ENOENT)
            uk_printf("blkfront: %s: open failed (%d)\n", name(d), rc);
        release(d, OPEN_FAIL_WAIT_NS);
        d->state = BLK_GONE;
        return;
    }
    d->open_ns = uk_monotonic_ns() - t0;
    d->state = BLK_UP;
    d->info.connected = true;
    print_opened(d);
    /* The watch set at the end of connect fires once at once: that looks at the backend again. */
}

/* ---- the disk's thread ---- */

static bool has_work(void *ctx)
{
    struct blk_disk *d = ctx;
    bool kick = d->kick;

    d->kick = false;
    return kick || d->be_changed || d->want_open || d->want_exit || d->starved;
}

static void close_at_exit(struct blk_disk *d)
{
    if (d->state != BLK_UP && d->state != BLK_BROKEN)
        return;
    go_away(d, CLOSE_WAIT_NS);
    uk_printf("blkfront: %s closed at exit (%llu ms)\n", name(d),
              (unsigned long long)((uk_monotonic_ns() - blk_exit_ns) / UK_NSEC_PER_MSEC));
}

void blkfront_thread(void *arg)
{
    struct blk_disk *d = arg;

    for (;;) {
        uk_waitq_wait_cond(&d->wq, "blkfront", has_work, d, UK_TIME_NEVER);
        if (d->want_exit) {
            close_at_exit(d);
            return;
        }
        if (d->want_open) {
            d->want_open = false;
            /* Attached again while we still thought it up: whatever is there now decides. */
            backend_changed(d);
            if (d->state == BLK_NEW || d->state == BLK_GONE)
                open_disk(d);
            uk_waitq_wake_all(&blk_boot_wq);
        }
        if (d->be_changed) {
            d->be_changed = false;
            backend_changed(d);
        }
        if (d->state != BLK_UP) {
            d->starved = false;
            continue;
        }
        if (!drain(d))
            d->kick = true; /* more to do, after the others ran */
        pump(d);
        while (d->starved) {
            starve(d);
            pump(d);
        }
        if (d->kick)
            uk_thread_yield();
    }
}
