/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vchan, libxenvchan-compatible. One shared page (struct vchan_interface)
 * holds the two rings' indices, their sizes, the liveness and notification
 * bytes; small rings live inside that page (1 KiB at offset 1024, 2 KiB at
 * 2048), larger ones in pages whose grants the page lists. "left" carries
 * client-to-server data, "right" server-to-client.
 *
 * Notification is asked for, not assumed: a side about to wait sets a bit
 * in the other side's notify byte (VCHAN_NOTIFY_WRITE: "tell me when you
 * write"); a side that writes or reads clears that bit and sends an event
 * only if it was set. Every index the peer writes is checked before use.
 * The layout and index checks live in vchan_wire.c, shared by both ends.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <uk/compiler.h>
#include <internal/events.h>
#include <internal/format.h>
#include <uk/gnttab.h>
#include <internal/mm.h>
#include <uk/ring.h>
#include <internal/time.h>
#include <uk/vchan.h>
#include <uk/xenstore.h>
#include <xen/io/libxenvchan.h>

#include "vchan_wire.h"

#define VCHAN_TIMEOUT (30 * UK_NSEC_PER_SEC)

struct vchan_ring {
    struct ring_shared *shr;
    uint8_t *buffer;
    unsigned int order;
    /* Server: pages we granted. Client: pages we mapped. */
    void *pages;
    unsigned int npages;
    grant_ref_t refs[VCHAN_MAX_PAGES];
    grant_handle_t handles[VCHAN_MAX_PAGES];
};

struct vchan {
    bool is_server;
    domid_t peer;
    struct vchan_interface *shared;
    grant_ref_t shared_ref;       /* server */
    grant_handle_t shared_handle; /* client */
    evtchn_port_t port;
    struct vchan_ring read, write;
    char *path; /* server: the XenStore nodes to remove */
};

/* My notify byte (the other side sets bits in it to ask me for events) and theirs. */
static uint8_t *my_notify(struct vchan *v)
{
    return v->is_server ? &v->shared->srv_notify : &v->shared->cli_notify;
}

static uint8_t *peer_notify(struct vchan *v)
{
    return v->is_server ? &v->shared->cli_notify : &v->shared->srv_notify;
}

static void request_notify(struct vchan *v, uint8_t bit)
{
    __atomic_or_fetch(peer_notify(v), bit, __ATOMIC_SEQ_CST);
}

static void send_notify(struct vchan *v, uint8_t bit)
{
    uk_smp_mb(); /* indices updated before we look at what the peer asked for */
    if (__atomic_fetch_and(my_notify(v), (uint8_t)~bit, __ATOMIC_SEQ_CST) & bit)
        evtchn_notify(v->port);
}

static uint8_t peer_live(struct vchan *v)
{
    return UK_READ_ONCE(*(v->is_server ? &v->shared->cli_live : &v->shared->srv_live));
}

int vchan_is_open(struct vchan *v)
{
    return peer_live(v);
}

int vchan_data_ready(struct vchan *v)
{
    return vchan_ring_used(UK_READ_ONCE(v->read.shr->prod), UK_READ_ONCE(v->read.shr->cons),
                           v->read.order);
}

int vchan_buffer_space(struct vchan *v)
{
    return vchan_ring_space(UK_READ_ONCE(v->write.shr->prod), UK_READ_ONCE(v->write.shr->cons),
                            v->write.order);
}

/*
 * Sleep until the peer signals, giving up when it closed or time runs out.
 * Any error from the wait is final (a deadline passed, the port closed, no
 * memory for the timer): looping on it would spin.
 */
static int wait_peer(struct vchan *v, int (*ready)(struct vchan *), uint8_t bit)
{
    uint64_t deadline = uk_monotonic_ns() + VCHAN_TIMEOUT;

    for (;;) {
        int n = ready(v), rc;
        uint64_t seen;

        if (n != 0)
            return n;
        if (peer_live(v) == 0)
            return -EPIPE;
        request_notify(v, bit);
        /* Check again: the peer may have acted before it saw our request. */
        seen = evtchn_count(v->port);
        n = ready(v);
        if (n != 0)
            return n;
        /* Reader and writer threads may both wait here: wait on the count. */
        rc = evtchn_wait_since(v->port, seen, deadline);
        if (rc)
            return rc;
    }
}

int vchan_write(struct vchan *v, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    size_t left = len;

    while (left) {
        int space = wait_peer(v, vchan_buffer_space, VCHAN_NOTIFY_READ);
        uint32_t prod = v->write.shr->prod, n;

        if (space < 0)
            return space;
        if (peer_live(v) == 0)
            return -EPIPE;
        n = (uint32_t)space < left ? (uint32_t)space : (uint32_t)left;
        uk_smp_mb(); /* read the indices, then write the data */
        uk_ring_copy_to(v->write.buffer, (size_t)1 << v->write.order, prod, p, n);
        uk_smp_wmb(); /* the data, then the index that publishes it */
        UK_WRITE_ONCE(v->write.shr->prod, prod + n);
        send_notify(v, VCHAN_NOTIFY_WRITE);
        p += n;
        left -= n;
    }
    return (int)len;
}

int vchan_read(struct vchan *v, void *buf, size_t len)
{
    int ready = wait_peer(v, vchan_data_ready, VCHAN_NOTIFY_WRITE);
    uint32_t cons = v->read.shr->cons, n;

    if (ready < 0)
        return ready;
    n = (uint32_t)ready < len ? (uint32_t)ready : (uint32_t)len;
    uk_smp_rmb(); /* the index, then the data it covers */
    uk_ring_copy_from(buf, v->read.buffer, (size_t)1 << v->read.order, cons, n);
    uk_smp_mb(); /* done reading before the space is given back */
    UK_WRITE_ONCE(v->read.shr->cons, cons + n);
    send_notify(v, VCHAN_NOTIFY_READ);
    return (int)n;
}

/*
 * Server: a ring in the shared page, or in pages of its own granted to the
 * peer, their grants at `place`'s slots of the list. Fresh pages are
 * cleared before the peer can see them: the page allocator hands out old
 * contents (stacks, buffers), which are not the peer's to read.
 */
static int server_ring(struct vchan *v, struct vchan_ring *r, const struct vchan_place *place)
{
    void *pages[VCHAN_MAX_PAGES];
    int rc;

    r->order = place->order;
    if (!place->npages) {
        r->buffer = (uint8_t *)v->shared + place->offset;
        return 0;
    }
    r->pages = uk_page_alloc_order(place->order - VCHAN_PAGE_ORDER);
    if (!r->pages)
        return -ENOMEM;
    memset(r->pages, 0, (size_t)1 << place->order);
    r->buffer = r->pages;
    for (unsigned int i = 0; i < place->npages; i++)
        pages[i] = (uint8_t *)r->pages + i * PAGE_SIZE;
    rc = gnttab_grant_access_batch(v->peer, pages, place->npages, false, r->refs);
    if (rc)
        return rc; /* release_ring frees the pages: npages is still 0 */
    r->npages = place->npages;
    for (unsigned int i = 0; i < place->npages; i++)
        v->shared->grants[place->first_grant + i] = r->refs[i];
    return 0;
}

static void release_ring(struct vchan *v, struct vchan_ring *r)
{
    if (v->is_server) {
        for (unsigned int i = 0; i < r->npages; i++)
            /* Still mapped by a peer that will not let go: keep the pages, never reuse them. */
            if (gnttab_end_access(r->refs[i]) != 0)
                r->pages = NULL;
        if (r->pages)
            uk_page_free_order(r->pages, r->order - VCHAN_PAGE_ORDER);
    } else if (r->npages) {
        gnttab_unmap_range(r->pages, r->handles, r->npages);
    }
}

static int write_node(const char *path, const char *leaf, unsigned int value, domid_t peer)
{
    char key[256], val[16], owner[16], reader[16];
    const char *perms[2] = {owner, reader};
    int rc;

    if (ksnprintf(key, sizeof(key), "%s/%s", path, leaf) >= (int)sizeof(key))
        return -ENAMETOOLONG;
    ksnprintf(val, sizeof(val), "%u", value);
    ksnprintf(owner, sizeof(owner), "n%d", xs_domid());
    ksnprintf(reader, sizeof(reader), "r%u", peer);
    rc = xs_write(XS_NO_TX, key, val);
    return rc ? rc : xs_set_perms(XS_NO_TX, key, perms, 2);
}

/* A failed init: release what was set up, report through errno. */
static struct vchan *give_up(struct vchan *v, int rc)
{
    if (v)
        vchan_close(v);
    errno = -rc;
    return NULL;
}

struct vchan *vchan_server_init(domid_t peer, const char *path, size_t left_min, size_t right_min)
{
    struct vchan *v = calloc(1, sizeof(*v));
    struct vchan_layout layout;
    unsigned int lo, ro;
    int rc = vchan_pick_orders(left_min, right_min, &lo, &ro);

    /* The same check the client makes: what we offer, it accepts. */
    rc = rc ? rc : vchan_layout(lo, ro, &layout);
    rc = rc ? rc : v ? 0 : -ENOMEM;
    if (rc)
        goto fail;
    v->is_server = true;
    v->peer = peer;
    v->shared = uk_page_alloc();
    v->path = strdup(path);
    rc = -ENOMEM;
    if (!v->shared || !v->path)
        goto fail;
    memset(v->shared, 0, PAGE_SIZE); /* the in-page rings included: no old memory for the peer */
    rc = server_ring(v, &v->read, &layout.left);
    rc = rc ? rc : server_ring(v, &v->write, &layout.right);
    if (rc)
        goto fail;
    v->read.shr = &v->shared->left;
    v->write.shr = &v->shared->right;
    v->shared->left_order = (uint16_t)lo;
    v->shared->right_order = (uint16_t)ro;
    v->shared->cli_live = 2;
    v->shared->srv_live = 1;
    v->shared->cli_notify = VCHAN_NOTIFY_WRITE;
    v->shared->srv_notify = VCHAN_NOTIFY_WRITE;
    rc = gnttab_grant_access(peer, v->shared, false, &v->shared_ref);
    rc = rc ? rc : evtchn_alloc_unbound(peer, NULL, NULL, &v->port);
    rc = rc ? rc : write_node(path, "ring-ref", v->shared_ref, peer);
    rc = rc ? rc : write_node(path, "event-channel", v->port, peer);
    if (rc)
        goto fail;
    return v;
fail:
    return give_up(v, rc);
}

/*
 * The server may not have written it yet, or not yet given us read
 * permission (a node we may not read is -EACCES): wait on until it does.
 */
static int node_ulong(const char *key, void *value)
{
    int rc = xs_read_ulong(XS_NO_TX, key, value);

    return rc == -ENOENT || rc == -EACCES ? -EAGAIN : rc;
}

static int read_node(const char *path, const char *leaf, unsigned long *value, uint64_t deadline)
{
    char key[256];
    int n = ksnprintf(key, sizeof(key), "%s/%s", path, leaf);

    if (n < 0 || (size_t)n >= sizeof(key))
        return -ENAMETOOLONG;
    return xs_wait_for(key, node_ulong, value, deadline);
}

/* Client: map a ring the server described; `grants` is our copy of the list. */
static int client_ring(struct vchan *v, struct vchan_ring *r, const struct vchan_place *place,
                       const uint32_t *grants)
{
    int rc;

    r->order = place->order;
    if (!place->npages) {
        r->buffer = (uint8_t *)v->shared + place->offset;
        return 0;
    }
    for (unsigned int i = 0; i < place->npages; i++)
        r->refs[i] = grants[place->first_grant + i];
    rc = gnttab_map_range(v->peer, r->refs, place->npages, false, &r->pages, r->handles);
    if (rc)
        return rc;
    r->npages = place->npages;
    r->buffer = r->pages;
    return 0;
}

struct vchan *vchan_client_init(domid_t peer, const char *path, uint64_t timeout_ns)
{
    struct vchan *v = calloc(1, sizeof(*v));
    uint64_t deadline = uk_monotonic_ns() + timeout_ns;
    unsigned long ref = 0, port = 0;
    struct vchan_layout layout;
    uint32_t grants[2 * VCHAN_MAX_PAGES];
    int rc = -ENOMEM;
    void *page;

    if (!v)
        goto fail;
    v->peer = peer;
    rc = read_node(path, "ring-ref", &ref, deadline);
    rc = rc ? rc : read_node(path, "event-channel", &port, deadline);
    rc = rc ? rc : gnttab_map(peer, (grant_ref_t)ref, false, &page, &v->shared_handle);
    if (rc)
        goto fail;
    v->shared = page;
    /* The server can still write the page: read the orders and the grants once, then check. */
    rc = vchan_layout(UK_READ_ONCE(v->shared->left_order), UK_READ_ONCE(v->shared->right_order),
                      &layout);
    if (rc)
        goto fail;
    for (uint32_t i = 0; i < layout.left.npages + layout.right.npages; i++)
        grants[i] = UK_READ_ONCE(v->shared->grants[i]);
    rc = client_ring(v, &v->write, &layout.left, grants);
    rc = rc ? rc : client_ring(v, &v->read, &layout.right, grants);
    rc = rc ? rc : evtchn_bind_interdomain(peer, (evtchn_port_t)port, NULL, NULL, &v->port);
    if (rc)
        goto fail;
    v->write.shr = &v->shared->left;
    v->read.shr = &v->shared->right;
    UK_WRITE_ONCE(v->shared->cli_live, 1);
    __atomic_or_fetch(&v->shared->srv_notify, VCHAN_NOTIFY_WRITE, __ATOMIC_SEQ_CST);
    evtchn_notify(v->port);
    return v;
fail:
    return give_up(v, rc);
}

void vchan_close(struct vchan *v)
{
    bool busy = false;

    if (v->shared) {
        UK_WRITE_ONCE(*(v->is_server ? &v->shared->srv_live : &v->shared->cli_live), 0);
        if (v->port)
            evtchn_notify(v->port);
    }
    if (v->is_server && v->shared_ref) {
        uint64_t deadline = uk_monotonic_ns() + 5 * UK_NSEC_PER_SEC;

        /* The client unmaps everything when it sees us gone: give it a moment. */
        while ((busy = (gnttab_end_access(v->shared_ref) == -EBUSY)) &&
               uk_monotonic_ns() < deadline)
            uk_sleep_ns(10 * UK_NSEC_PER_MSEC);
    }
    if (v->port)
        evtchn_close(v->port);
    release_ring(v, &v->read);
    release_ring(v, &v->write);
    if (v->is_server) {
        if (v->path)
            xs_rm(XS_NO_TX, v->path);
        /* A page a peer still maps is never given back (see gnttab.md). */
        if (v->shared && !busy)
            uk_page_free(v->shared);
    } else if (v->shared) {
        gnttab_unmap(v->shared, v->shared_handle);
    }
    free(v->path);
    free(v);
}
