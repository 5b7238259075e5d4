/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Xen netfront driver (docs/net.md, "netfront"): one struct netfront
 * per vif (device/vif/N). The xenbus handshake through the XenStore
 * helpers, a tx and an rx ring of one page each on one event channel, rx
 * buffers (a page each) kept posted and tx buffers (2 KiB halves of pages)
 * whose grants are made once and reused, and a thread per vif that drains
 * both rings, follows the backend's state and tells the glue. Everything
 * the backend writes is copied once and checked (netfront_wire.c); what is
 * wrong is dropped, counted and logged once per kind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <internal/format.h>
#include <internal/netfront.h>
#include <uk/events.h>
#include <uk/gnttab.h>
#include <uk/kernel.h>
#include <uk/mm.h>
#include <uk/ring.h>
#include <uk/sched.h>
#include <uk/time.h>
#include <uk/xenstore.h>

#include "netfront_wire.h"

#define RX_N NFW_RX_RING_SIZE
#define TX_N NFW_TX_RING_SIZE
/* Two tx buffers of 2 KiB (more than NETFRONT_FRAME_MAX) per page. */
#define TX_BUF_SIZE   2048u
#define TX_PAGES      (TX_N * TX_BUF_SIZE / NFW_PAGE_SIZE)
#define TX_SLOTS_MAX  XEN_NETIF_NR_SLOTS_MIN /* what every backend takes per frame */
#define RX_BATCH      32                     /* slots drained before letting others run */
#define CLOSE_WAIT_NS (3 * UK_NSEC_PER_SEC)  /* per step of the close handshake */
/* ... after a failed open, already past the caller's deadline maybe: shorter */
#define OPEN_FAIL_WAIT_NS (1 * UK_NSEC_PER_SEC)
#define THREAD_STACK      (32 * 1024)

enum nf_state {
    NF_CONNECTING, /* in netfront_open */
    NF_UP,         /* connected: frames flow */
    NF_BROKEN,     /* the backend broke the ring protocol: nothing consumed any more */
    NF_GONE,       /* the backend closed (or vanished): resources given back */
};

struct netfront {
    unsigned int index;
    char dev[32]; /* device/vif/N */
    char *be;     /* the backend's path */
    domid_t be_id;
    uint8_t mac[NETFRONT_MAC_LEN];
    struct netfront_callbacks cb;
    void *ctx;
    bool be_sg, be_csum; /* backend takes multi-slot tx frames, tx checksum flags */

    enum nf_state state;
    /* Set by the event handler, taken with interrupts off in vif_has_work. */
    bool kick;       /* the event channel fired */
    bool be_changed; /* the backend's state node changed (the watch callback) */
    bool stopping;   /* netfront_close: the thread ends */
    bool self_close; /* ... called from a callback: the thread frees everything */
    bool link_told;  /* link(false) was called */
    bool resources;  /* rings, grants, buffers and port still held */
    struct uk_waitq wq;
    struct uk_thread *thread;
    struct xs_watch *be_watch;

    evtchn_port_t port;
    bool port_bound;
    netif_tx_front_ring_t tx;
    netif_rx_front_ring_t rx;
    void *tx_ring_page, *rx_ring_page;
    grant_ref_t tx_ring_ref, rx_ring_ref;
    bool tx_ring_granted, rx_ring_granted;

    void *rx_page[RX_N];
    grant_ref_t rx_ref[RX_N];
    bool rx_granted;
    struct nfw_rx rxst;
    uint8_t *frame; /* a frame that spans slots, reassembled */

    void *tx_page[TX_PAGES];
    grant_ref_t tx_ref[TX_PAGES];
    bool tx_granted;
    bool tx_out[TX_N]; /* tx ids the backend has not answered */
    uint16_t tx_free[TX_N];
    unsigned int tx_nfree;

    struct netfront_stats st;
    unsigned int logged;    /* NFW_* kinds already on the console */
    unsigned int leaked;    /* pages kept because the backend still maps them */
    uint64_t close_wait_ns; /* each step of the close handshake waits this long at most */
};

/* Count a refused response; one console line per kind and vif: a backend cannot flood it. */
static void note_kind(struct netfront *nf, enum nfw_kind kind, const char *ring, unsigned int id,
                      unsigned int offset, int status, unsigned int flags, RING_IDX pos)
{
    nfw_count(&nf->st, kind);
    if (kind == NFW_OK || (nf->logged & (1u << kind)))
        return;
    nf->logged |= 1u << kind;
    /* The kind's fixed phrase first (tests look for it), then what the response said. */
    uk_printf("netfront: vif%u: %s response id %u: %s (ring slot %u, offset %u, status %d, flags "
              "0x%x; counting, logged once)\n",
              nf->index, ring, id, nfw_kind_name(kind), pos, offset, status, flags);
}

static void note(struct netfront *nf, enum nfw_kind kind, const struct netif_rx_response *r,
                 RING_IDX pos)
{
    if (kind != NFW_OK)
        note_kind(nf, kind, "rx", r->id, r->offset, r->status, r->flags, pos);
}

static void nf_event(evtchn_port_t port, void *ctx)
{
    struct netfront *nf = ctx;

    (void)port;
    nf->kick = true;
    uk_waitq_wake_all(&nf->wq);
}

/*
 * The ring's indices are impossible: stop trusting it. Consuming stops for
 * good, the port is masked (a backend flooding events costs us nothing),
 * and the vif thread tells the glue the link is down.
 */
static void broken(struct netfront *nf, const char *ring, RING_IDX cons, RING_IDX prod)
{
    nfw_count(&nf->st, NFW_BAD_PROD);
    if (nf->state != NF_UP)
        return;
    nf->state = NF_BROKEN;
    if (nf->port_bound)
        evtchn_mask(nf->port);
    uk_printf("netfront: vif%u: %s rsp_prod %u more than a ring ahead of our consumer %u: "
              "vif broken, link down\n",
              nf->index, ring, prod, cons);
    uk_waitq_wake_all(&nf->wq);
}

/* ---- tx ---- */

static void *tx_buf(struct netfront *nf, uint16_t id)
{
    return (char *)nf->tx_page[id / 2] + (id % 2) * TX_BUF_SIZE;
}

/* Take back the buffers of answered tx requests. Never blocks. */
static void tx_reclaim(struct netfront *nf)
{
    int more;

    do {
        RING_IDX cons = nf->tx.rsp_cons, prod = UK_READ_ONCE(nf->tx.sring->rsp_prod);

        /* Read the responses only after the index that publishes them. */
        xen_rmb();
        if (nfw_check_prod(cons, prod, nf->tx.req_prod_pvt) != NFW_OK) {
            broken(nf, "tx", cons, prod);
            return;
        }
        for (; cons != prod; cons++) {
            struct netif_tx_response rsp;
            bool reclaim;
            enum nfw_kind kind;

            RING_COPY_RESPONSE(&nf->tx, cons, &rsp);
            kind = nfw_tx_response(&rsp, nf->tx_out, TX_N, &reclaim);
            if (kind != NFW_OK)
                note_kind(nf, kind, "tx", rsp.id, 0, rsp.status, 0, cons);
            if (reclaim) {
                nf->tx_out[rsp.id] = false;
                nf->tx_free[nf->tx_nfree++] = rsp.id;
            }
        }
        nf->tx.rsp_cons = cons;
        RING_FINAL_CHECK_FOR_RESPONSES(&nf->tx, more);
    } while (more && nf->state == NF_UP);
}

static size_t frags_total(const struct netfront_frag *frags, unsigned int n, unsigned int *pieces)
{
    size_t total = 0;

    *pieces = 0;
    for (unsigned int i = 0; i < n; i++) {
        if (frags[i].len > NETFRONT_FRAME_MAX)
            return SIZE_MAX;
        total += frags[i].len;
        *pieces += frags[i].len != 0;
    }
    return total;
}

static uint16_t tx_take(struct netfront *nf)
{
    uint16_t id = nf->tx_free[--nf->tx_nfree];

    nf->tx_out[id] = true;
    return id;
}

static void tx_request(struct netfront *nf, uint16_t id, uint16_t size, uint16_t flags)
{
    netif_tx_request_t *req = RING_GET_REQUEST(&nf->tx, nf->tx.req_prod_pvt);

    req->gref = nf->tx_ref[id / 2];
    req->offset = (uint16_t)((id % 2) * TX_BUF_SIZE);
    req->flags = flags;
    req->id = id;
    req->size = size;
    nf->tx.req_prod_pvt++;
}

int netfront_tx(struct netfront *nf, const struct netfront_frag *frags, unsigned int n,
                unsigned int flags)
{
    unsigned int pieces, slots;
    size_t total = frags_total(frags, n, &pieces);
    bool fill;
    uint16_t txf = nfw_tx_flags(flags, nf->be_csum);
    int notify;

    if (nf->state != NF_UP)
        return -ENETDOWN;
    if (total > NETFRONT_FRAME_MAX)
        return -EMSGSIZE;
    if (!pieces)
        return -EINVAL;
    /*
     * A chain as it is when the backend takes it, else one linear slot; also
     * when we must fill in a checksum the backend will not.
     */
    fill = (flags & NETFRONT_CSUM_BLANK) && !nf->be_csum;
    slots = nf->be_sg && pieces <= TX_SLOTS_MAX && !fill ? pieces : 1;
    if (nf->tx_nfree < slots || RING_FREE_REQUESTS(&nf->tx) < slots)
        tx_reclaim(nf);
    if (nf->state != NF_UP)
        return -ENETDOWN;
    if (nf->tx_nfree < slots || RING_FREE_REQUESTS(&nf->tx) < slots) {
        nf->st.tx_busy++;
        return -ENOBUFS;
    }
    if (slots == 1) {
        uint16_t id = tx_take(nf);
        size_t at = 0;

        for (unsigned int i = 0; i < n; i++) {
            memcpy((char *)tx_buf(nf, id) + at, frags[i].data, frags[i].len);
            at += frags[i].len;
        }
        if (fill)
            nfw_csum_fill(tx_buf(nf, id), total);
        tx_request(nf, id, (uint16_t)total, txf);
    } else {
        /* The first slot's size is the frame's; the others carry their own. */
        unsigned int done = 0;

        for (unsigned int i = 0; i < n; i++) {
            uint16_t id;

            if (!frags[i].len)
                continue;
            id = tx_take(nf);
            memcpy(tx_buf(nf, id), frags[i].data, frags[i].len);
            done++;
            tx_request(nf, id, (uint16_t)(done == 1 ? total : frags[i].len),
                       (uint16_t)((done == 1 ? txf : 0) | (done < slots ? NETTXF_more_data : 0)));
        }
    }
    /* The macro's barrier publishes the requests before req_prod. */
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->tx, notify);
    if (notify)
        evtchn_notify(nf->port);
    nf->st.tx_packets++;
    nf->st.tx_bytes += total;
    return 0;
}

/* ---- rx ---- */

/*
 * Post the buffer of the slot just consumed again. The ring was full, so
 * the new request goes at that position plus the ring's size: the same id.
 */
static void rx_repost(struct netfront *nf)
{
    RING_IDX at = nf->rx.req_prod_pvt;
    netif_rx_request_t *req = RING_GET_REQUEST(&nf->rx, at);
    uint16_t id = (uint16_t)(at & (RX_N - 1));

    req->id = id;
    req->gref = nf->rx_ref[id];
    nf->rx.req_prod_pvt = at + 1;
}

static void rx_push(struct netfront *nf)
{
    int notify;

    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->rx, notify);
    if (notify)
        evtchn_notify(nf->port);
}

static void rx_deliver(struct netfront *nf, const uint8_t *frame, uint16_t len, uint16_t flags)
{
    nf->st.rx_packets++;
    nf->st.rx_bytes += len;
    nf->cb.rx(nf->ctx, frame, len, flags);
}

static void rx_one(struct netfront *nf, RING_IDX pos)
{
    struct netif_rx_response rsp;
    struct nfw_rx_step step;
    const uint8_t *buf = nf->rx_page[pos & (RX_N - 1)];

    RING_COPY_RESPONSE(&nf->rx, pos, &rsp);
    nfw_rx_slot(&nf->rxst, pos, &rsp, &step);
    note(nf, step.kind, &rsp, pos);
    if (step.deliver && step.copy && step.size == step.len && !(step.flags & NETFRONT_CSUM_BLANK)) {
        /* The whole frame in this one slot, complete: no need to gather it. */
        rx_deliver(nf, buf + step.offset, step.len, step.flags);
        return;
    }
    if (step.copy)
        memcpy(nf->frame + step.at, buf + step.offset, step.size);
    if (!step.deliver)
        return;
    /*
     * A blank checksum (dom0's own TCP and UDP, offloaded to us) is filled
     * in here, in our copy, so that the stack above need not know.
     */
    if ((step.flags & NETFRONT_CSUM_BLANK) && nfw_csum_fill(nf->frame, step.len) == 0)
        step.flags = NETFRONT_DATA_VALIDATED;
    rx_deliver(nf, nf->frame, step.len, step.flags);
}

/*
 * Drain the rx ring: each response copied once and judged, its frame
 * delivered, its buffer posted again. RING_FINAL_CHECK_FOR_RESPONSES asks
 * for the next event only once the ring looks empty, so the backend does
 * not signal us while we drain. Returns false when it stopped early (a
 * batch done: let other threads run, then come back).
 */
static bool rx_drain(struct netfront *nf)
{
    unsigned int budget = RX_BATCH;
    int more;

    do {
        RING_IDX cons = nf->rx.rsp_cons, prod = UK_READ_ONCE(nf->rx.sring->rsp_prod);

        /* Read the responses only after the index that publishes them. */
        xen_rmb();
        if (nfw_check_prod(cons, prod, nf->rx.req_prod_pvt) != NFW_OK) {
            broken(nf, "rx", cons, prod);
            return true;
        }
        for (; cons != prod; cons++) {
            if (!budget-- || nf->state != NF_UP || nf->stopping) {
                rx_push(nf);
                return false;
            }
            rx_one(nf, cons);
            nf->rx.rsp_cons = cons + 1;
            rx_repost(nf);
            rx_push(nf);
        }
        RING_FINAL_CHECK_FOR_RESPONSES(&nf->rx, more);
    } while (more);
    return true;
}

/* ---- the backend's state, and giving everything back ---- */

/*
 * End a grant, waiting (bounded) while the backend still maps the page.
 * False when it never let go: the page must then never be reused.
 */
static bool end_grant(struct netfront *nf, grant_ref_t ref, uint64_t deadline)
{
    int rc;

    while ((rc = gnttab_end_access(ref)) == -EBUSY && uk_monotonic_ns() < deadline)
        uk_sleep_ns(10 * UK_NSEC_PER_MSEC);
    if (rc == -EBUSY) {
        if (!nf->leaked)
            uk_printf("netfront: vif%u: the backend still maps grant %u: page kept, not freed\n",
                      nf->index, ref);
        nf->leaked++;
        return false;
    }
    return true;
}

static void give_back_page(struct netfront *nf, void *page, grant_ref_t ref, bool granted,
                           uint64_t deadline)
{
    if (!page)
        return;
    if (!granted || end_grant(nf, ref, deadline))
        uk_page_free(page);
}

/* Everything open took, back to where it came from (any part of it). */
static void free_resources(struct netfront *nf)
{
    uint64_t deadline = uk_deadline_in(2 * UK_NSEC_PER_SEC);

    if (!nf->resources)
        return;
    nf->resources = false;
    if (nf->port_bound)
        evtchn_close(nf->port);
    nf->port_bound = false;
    give_back_page(nf, nf->tx_ring_page, nf->tx_ring_ref, nf->tx_ring_granted, deadline);
    give_back_page(nf, nf->rx_ring_page, nf->rx_ring_ref, nf->rx_ring_granted, deadline);
    for (unsigned int i = 0; i < RX_N; i++)
        give_back_page(nf, nf->rx_page[i], nf->rx_ref[i], nf->rx_granted, deadline);
    for (unsigned int i = 0; i < TX_PAGES; i++)
        give_back_page(nf, nf->tx_page[i], nf->tx_ref[i], nf->tx_granted, deadline);
    nf->tx_ring_page = nf->rx_ring_page = NULL;
    memset(nf->rx_page, 0, sizeof(nf->rx_page));
    memset(nf->tx_page, 0, sizeof(nf->tx_page));
    nf->tx_nfree = 0;
    free(nf->frame);
    nf->frame = NULL;
}

/*
 * The close handshake: Closing, the backend disconnects (it unmaps our
 * rings), Closed, the backend closes; then every grant ends. Bounded: a
 * backend that never answers costs close_wait_ns per step, and a page it
 * still maps is kept rather than reused.
 */
static void close_step(struct netfront *nf, enum xenbus_state ours, unsigned int want)
{
    int rc = xenbus_close_step(nf->dev, nf->be, ours, want, uk_deadline_in(nf->close_wait_ns));

    /* Gone (detached) is an answer too; silence is not. */
    if (rc == -ETIMEDOUT)
        uk_printf("netfront: vif%u: the backend did not follow our state %d\n", nf->index, ours);
}

static void disconnect(struct netfront *nf)
{
    if (!nf->resources)
        return;
    if (nf->be) {
        close_step(nf, XenbusStateClosing, 1u << XenbusStateClosing | 1u << XenbusStateClosed);
        close_step(nf, XenbusStateClosed, 1u << XenbusStateClosed | 1u << XenbusStateInitWait);
    }
    free_resources(nf);
}

/* In the vif thread: the backend's state node changed. */
static void backend_changed(struct netfront *nf)
{
    char key[256];
    unsigned long v = XenbusStateUnknown;
    int rc = xenbus_path(key, sizeof(key), nf->be, "state");

    rc = rc ? rc : xs_read_ulong(XS_NO_TX, key, &v);
    if (rc == 0 && v == XenbusStateConnected)
        return;
    if (nf->state == NF_GONE)
        return;
    /* Closing, Closed, gone, or anything else: this vif is over. */
    uk_printf("netfront: vif%u: backend state %lu (%d): link down, closing\n", nf->index, v, rc);
    nf->state = NF_GONE;
    if (nf->port_bound)
        evtchn_mask(nf->port);
    if (!nf->link_told && nf->cb.link) {
        nf->link_told = true;
        nf->cb.link(nf->ctx, false);
    }
    disconnect(nf);
}

static void be_watch_fn(struct xs_watch *w, const char *path, void *ctx)
{
    struct netfront *nf = ctx;

    (void)w;
    (void)path;
    nf->be_changed = true;
    uk_waitq_wake_all(&nf->wq);
}

/* ---- the vif thread ---- */

static bool vif_has_work(void *ctx)
{
    struct netfront *nf = ctx;
    bool kick = nf->kick;

    nf->kick = false;
    return kick || nf->be_changed || nf->stopping ||
           (nf->state != NF_UP && nf->state != NF_CONNECTING && !nf->link_told);
}

static void release(struct netfront *nf)
{
    if (nf->be_watch)
        xs_unwatch(nf->be_watch);
    nf->be_watch = NULL;
    disconnect(nf);
    free(nf->be);
    free(nf);
}

static void vif_thread(void *arg)
{
    struct netfront *nf = arg;

    for (;;) {
        uk_waitq_wait_cond(&nf->wq, "netfront", vif_has_work, nf, UK_TIME_NEVER);
        if (nf->stopping)
            break;
        if (nf->be_changed) {
            nf->be_changed = false;
            backend_changed(nf);
        }
        if (nf->state == NF_UP) {
            if (!rx_drain(nf)) {
                nf->kick = true; /* more to do: after the others ran */
                uk_thread_yield();
            }
            if (nf->state == NF_UP)
                tx_reclaim(nf);
        }
        if (nf->state != NF_UP && !nf->link_told && !nf->stopping) {
            nf->link_told = true;
            if (nf->cb.link)
                nf->cb.link(nf->ctx, false);
        }
    }
    if (nf->self_close) {
        /* netfront_close was called from a callback: nobody joins us. */
        uk_thread_detach(uk_thread_self());
        release(nf);
    }
}

/* ---- opening ---- */

static int read_feature(struct netfront *nf, const char *name, bool *on)
{
    char key[256];
    unsigned long v = 0;
    int rc = xenbus_path(key, sizeof(key), nf->be, name);

    rc = rc ? rc : xs_read_ulong(XS_NO_TX, key, &v);
    if (rc && rc != -ENOENT)
        return rc;
    *on = v != 0;
    return 0;
}

static int read_frontend(struct netfront *nf)
{
    char key[64], mac[32];
    unsigned long id;
    int rc = xenbus_path(key, sizeof(key), nf->dev, "backend-id");

    rc = rc ? rc : xs_read_ulong(XS_NO_TX, key, &id);
    if (rc)
        return rc;
    if (id >= DOMID_FIRST_RESERVED)
        return -EINVAL;
    nf->be_id = (domid_t)id;
    rc = xenbus_backend_path(nf->dev, &nf->be);
    if (rc)
        return rc;
    if (nf->be[0] != '/')
        return -EINVAL;
    rc = xenbus_path(key, sizeof(key), nf->dev, "mac");
    rc = rc ? rc : xs_read_buf(XS_NO_TX, key, mac, sizeof(mac));
    if (rc < 0)
        return rc == -E2BIG ? -EINVAL : rc;
    rc = nfw_parse_mac(mac, nf->mac);
    if (rc)
        uk_printf("netfront: vif%u: bad mac \"%s\"\n", nf->index, mac);
    return rc;
}

static int alloc_pages(void **pages, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        pages[i] = uk_page_alloc();
        if (!pages[i])
            return -ENOMEM;
        /* Nothing of ours from before goes to the backend. */
        memset(pages[i], 0, NFW_PAGE_SIZE);
    }
    return 0;
}

static int setup_rings(struct netfront *nf)
{
    int rc;

    nf->resources = true;
    nf->tx_ring_page = uk_page_alloc();
    nf->rx_ring_page = uk_page_alloc();
    nf->frame = malloc(NETFRONT_FRAME_MAX);
    if (!nf->tx_ring_page || !nf->rx_ring_page || !nf->frame)
        return -ENOMEM;
    memset(nf->tx_ring_page, 0, NFW_PAGE_SIZE);
    memset(nf->rx_ring_page, 0, NFW_PAGE_SIZE);
    SHARED_RING_INIT((netif_tx_sring_t *)nf->tx_ring_page);
    SHARED_RING_INIT((netif_rx_sring_t *)nf->rx_ring_page);
    FRONT_RING_INIT(&nf->tx, (netif_tx_sring_t *)nf->tx_ring_page, NFW_PAGE_SIZE);
    FRONT_RING_INIT(&nf->rx, (netif_rx_sring_t *)nf->rx_ring_page, NFW_PAGE_SIZE);
    rc = gnttab_grant_access(nf->be_id, nf->tx_ring_page, false, &nf->tx_ring_ref);
    nf->tx_ring_granted = rc == 0;
    rc = rc ? rc : gnttab_grant_access(nf->be_id, nf->rx_ring_page, false, &nf->rx_ring_ref);
    nf->rx_ring_granted = nf->tx_ring_granted && rc == 0;
    rc = rc ? rc : alloc_pages(nf->rx_page, RX_N);
    rc = rc ? rc : gnttab_grant_access_batch(nf->be_id, nf->rx_page, RX_N, false, nf->rx_ref);
    nf->rx_granted = rc == 0;
    rc = rc ? rc : alloc_pages(nf->tx_page, TX_PAGES);
    /* The backend only reads what we send. */
    rc = rc ? rc : gnttab_grant_access_batch(nf->be_id, nf->tx_page, TX_PAGES, true, nf->tx_ref);
    nf->tx_granted = nf->rx_granted && rc == 0;
    if (rc)
        return rc;
    for (unsigned int i = 0; i < TX_N; i++)
        nf->tx_free[i] = (uint16_t)(TX_N - 1 - i);
    nf->tx_nfree = TX_N;
    nfw_rx_init(&nf->rxst, true);
    /* Every rx buffer posted: buffer i at ring position i. */
    for (unsigned int i = 0; i < RX_N; i++)
        rx_repost(nf);
    nf->rx.sring->req_prod = nf->rx.req_prod_pvt;
    rc = evtchn_alloc_unbound(nf->be_id, nf_event, nf, &nf->port);
    nf->port_bound = rc == 0;
    return rc;
}

static int write_keys(xs_tx_t tx, void *ctx)
{
    struct netfront *nf = ctx;
    struct {
        const char *key;
        unsigned int val;
    } keys[] = {
        {"tx-ring-ref", nf->tx_ring_ref}, {"rx-ring-ref", nf->rx_ring_ref},
        {"event-channel", nf->port},      {"request-rx-copy", 1},
        {"feature-rx-notify", 1},         {"feature-sg", 1},
    };
    char key[64], val[16];
    int rc = 0;

    for (unsigned int i = 0; i < UK_ARRAY_SIZE(keys) && !rc; i++) {
        ksnprintf(val, sizeof(val), "%u", keys[i].val);
        rc = xenbus_path(key, sizeof(key), nf->dev, keys[i].key);
        rc = rc ? rc : xs_write(tx, key, val);
    }
    rc = rc ? rc : xenbus_path(key, sizeof(key), nf->dev, "state");
    ksnprintf(val, sizeof(val), "%d", (int)XenbusStateConnected);
    return rc ? rc : xs_write(tx, key, val);
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
 * Until the backend can be connected to. A backend left Closed by an
 * earlier close takes our Initialising as "prepare for reconnect" and goes
 * back to InitWait; a fresh one is there already, which one read shows
 * (each XenStore round trip costs about 10 ms under emulation).
 */
static int await_backend(struct netfront *nf, const char *state_key, uint64_t deadline)
{
    enum xenbus_state bs = XenbusStateUnknown;
    int rc = xenbus_read_state(nf->be, &bs);

    if (!rc && (bs == XenbusStateInitWait || bs == XenbusStateConnected))
        return 0;
    if (!rc && (bs == XenbusStateClosing || bs == XenbusStateClosed))
        rc = xenbus_front_state(nf->dev, XenbusStateInitialising);
    if (rc && rc != -ENOENT)
        return rc;
    return xs_wait_for(state_key, be_ready, NULL, deadline);
}

static int connect(struct netfront *nf, uint64_t deadline)
{
    char key[256];
    bool rx_copy;
    int rc = xenbus_path(key, sizeof(key), nf->be, "state");

    rc = rc ? rc : await_backend(nf, key, deadline);
    rc = rc ? rc : read_feature(nf, "feature-rx-copy", &rx_copy);
    if (!rc && !rx_copy) {
        uk_printf("netfront: vif%u: backend has no feature-rx-copy\n", nf->index);
        rc = -EOPNOTSUPP;
    }
    rc = rc ? rc : read_feature(nf, "feature-sg", &nf->be_sg);
    rc = rc ? rc : read_feature(nf, "feature-no-csum-offload", &nf->be_csum);
    nf->be_csum = !nf->be_csum;
    rc = rc ? rc : setup_rings(nf);
    /* The keys and Connected together: the backend sees all or nothing. */
    rc = rc ? rc : xs_transaction_run_until(write_keys, nf, deadline);
    rc = rc ? rc : xs_wait_for(key, be_connected, NULL, deadline);
    return rc;
}

static int dev_path(char *buf, size_t size, unsigned int index)
{
    int n = ksnprintf(buf, size, "device/vif/%u", index);

    return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int netfront_open(unsigned int index, const struct netfront_callbacks *cb, void *ctx,
                  uint64_t deadline, struct netfront **out)
{
    struct netfront *nf = calloc(1, sizeof(*nf));
    char key[256];
    int rc;

    if (!nf)
        return -ENOMEM;
    nf->index = index;
    nf->cb = *cb;
    nf->ctx = ctx;
    nf->state = NF_CONNECTING;
    nf->close_wait_ns = CLOSE_WAIT_NS;
    uk_waitq_init(&nf->wq);
    rc = dev_path(nf->dev, sizeof(nf->dev), index);
    rc = rc ? rc : read_frontend(nf);
    rc = rc ? rc : connect(nf, deadline);
    if (!rc) {
        rc = xenbus_path(key, sizeof(key), nf->be, "state");
        nf->be_watch = rc ? NULL : xs_watch(key, be_watch_fn, nf);
        rc = rc ? rc : nf->be_watch ? 0 : -errno;
    }
    if (!rc) {
        nf->thread = uk_thread_create("netfront", vif_thread, nf, THREAD_STACK);
        rc = nf->thread ? 0 : -ENOMEM;
    }
    if (rc) {
        if (rc != -ENOENT && rc != -ETIMEDOUT)
            uk_printf("netfront: vif%u: open failed (%d)\n", index, rc);
        nf->close_wait_ns = OPEN_FAIL_WAIT_NS;
        release(nf);
        return rc;
    }
    nf->state = NF_UP;
    /* Responses may have come while we waited: look now. */
    nf->kick = true;
    uk_waitq_wake_all(&nf->wq);
    *out = nf;
    return 0;
}

void netfront_close(struct netfront *nf)
{
    if (!nf)
        return;
    nf->stopping = true;
    if (uk_thread_self() == nf->thread) {
        nf->self_close = true;
        return;
    }
    uk_waitq_wake_all(&nf->wq);
    uk_thread_join(nf->thread);
    release(nf);
}

void netfront_mac(const struct netfront *nf, uint8_t mac[NETFRONT_MAC_LEN])
{
    memcpy(mac, nf->mac, NETFRONT_MAC_LEN);
}

unsigned int netfront_index(const struct netfront *nf)
{
    return nf->index;
}

bool netfront_link_up(const struct netfront *nf)
{
    return nf->state == NF_UP;
}

void netfront_stats(const struct netfront *nf, struct netfront_stats *st)
{
    *st = nf->st;
}

/* ---- which vifs there are ---- */

#define WATCH_MAX 64 /* vifs told apart by the watcher; more are never reported new */

int netfront_list(unsigned int *indices, unsigned int max)
{
    unsigned long ids[WATCH_MAX];
    int n = xenbus_list_devices("device/vif", ids, max < WATCH_MAX ? max : WATCH_MAX);

    for (int i = 0; i < n; i++)
        indices[i] = (unsigned int)ids[i];
    return n;
}

/* ---- vifs attached later ---- */

static struct {
    void (*fn)(unsigned int index, void *ctx);
    void *ctx;
    struct xs_watch *w;
    unsigned int known[WATCH_MAX], nknown;
} watcher;

static bool known(const unsigned int *set, unsigned int n, unsigned int index)
{
    for (unsigned int i = 0; i < n; i++)
        if (set[i] == index)
            return true;
    return false;
}

/* Present now: the complete ones; the new among them are reported. */
static void watch_look(void)
{
    unsigned int now[WATCH_MAX] = {0};
    int n = netfront_list(now, WATCH_MAX);

    if (n < 0)
        return;
    for (int i = 0; i < n; i++)
        if (!known(watcher.known, watcher.nknown, now[i]))
            watcher.fn(now[i], watcher.ctx);
    /* A vif detached and attached again under the same index is new again. */
    memcpy(watcher.known, now, (size_t)n * sizeof(now[0]));
    watcher.nknown = (unsigned int)n;
}

static void watch_thread(void *arg)
{
    (void)arg;
    for (;;) {
        char *path;
        int rc = xs_watch_wait(watcher.w, &path, UK_TIME_NEVER);

        if (rc == -EIO || rc == -ECANCELED) {
            uk_printf("netfront: watch on device/vif ended (%d): no more new vifs\n", rc);
            return;
        }
        if (rc)
            continue;
        free(path);
        watch_look();
    }
}

int netfront_watch_new(void (*fn)(unsigned int index, void *ctx), void *ctx)
{
    unsigned int now[WATCH_MAX] = {0};
    int n;

    if (watcher.fn)
        return -EBUSY;
    n = netfront_list(now, WATCH_MAX);
    if (n < 0)
        return n;
    watcher.nknown = 0;
    for (int i = 0; i < n; i++)
        watcher.known[watcher.nknown++] = now[i];
    watcher.fn = fn;
    watcher.ctx = ctx;
    /* Watching the directory itself: xenstored tells us of every change below it. */
    watcher.w = xs_watch("device/vif", NULL, NULL);
    if (!watcher.w || !uk_thread_create("netfront-watch", watch_thread, NULL, 0)) {
        int rc = -(watcher.w ? ENOMEM : errno);

        if (watcher.w)
            xs_unwatch(watcher.w);
        watcher.fn = NULL;
        return rc;
    }
    return 0;
}
