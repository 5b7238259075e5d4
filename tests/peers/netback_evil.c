/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A hostile netback, for tests/cases/net-hostile.test: dom0 plays the
 * backend of vif N of domain D (beside the guest's real vif 0, which
 * Linux's netback serves), maps the guest's tx and rx rings and answers
 * with every kind of bad response, one phase after another, with good
 * frames in between to check that the vif still works where it can.
 *
 *   netback_evil DOMID N PHASE...      (or "all": every phase below, in order)
 *
 * It writes a backend directory /local/domain/0/netback-evil/vif/D/N and
 * the frontend directory /local/domain/D/device/vif/N with the nodes and
 * permissions xl gives them (the guest owns its frontend directory and
 * reads the backend's), waits for the frontend's tx-ring-ref, rx-ring-ref
 * and event-channel, maps the rings, binds the channel and goes Connected.
 * Not under backend/vif: dom0's kernel netback probes every directory
 * there and would race this peer for the rings and the event channel (it
 * did: "cannot bind event channel: Invalid argument" one run in three).
 * The frontend finds its backend through its `backend` node either way.
 *
 * The guest is tests/apps/netfront-hostile: on vif N it is 10.0.N.2 with
 * MAC 00:16:3e:ee:0N:02 (written here) and answers ARP requests; this peer
 * is 10.0.N.1. After each phase it asks the guest for its counters through
 * XenStore (data/netfront-hostile/ask, answered in .../answer and
 * .../vifN) and checks that they are exactly what the phase should have
 * made them: the bad kind counted, nothing else counted, good frames
 * delivered.
 *
 * Every response takes the place of a request (they share the slots), so
 * it answers one the guest made. Rx: the response at ring position p
 * answers the request at p, whatever id it carries (netif.h: frontends
 * match them by slot), so a bad response costs the guest nothing but that
 * slot's frame. Tx: a bad response without a valid id leaves a real id
 * unanswered, answered in a later slot (the guest's tx completions lag by
 * that many).
 *
 * Phases (each bad kind sent twice: counted twice, logged once):
 *   good           an ARP request delivered, the guest's ARP reply sent back
 *   good-edge      the ARP request at the very end of its page (legal)
 *   good-chain     the ARP request in two slots (NETRXF_more_data), when the
 *                  frontend asked for feature-sg
 *   rx-id-range    rx responses with ids beyond the ring       -> bad_id
 *   rx-other-id    an in-range id, not the one of its slot       -> dup_id
 *   rx-dup-id      a good frame, then its id again, one batch   -> dup_id
 *   rx-offset      offset + size past the page; size > page    -> bad_offset
 *   rx-status      status -32768 and -1000                       -> bad_status
 *   rx-error       NETIF_RSP_ERROR, NETIF_RSP_DROPPED (legal)    -> rx_dropped
 *   rx-runt        frames of 0 and 10 bytes                      -> rx_dropped
 *   rx-extra-info  NETRXF_extra_info (GSO) not asked for, with
 *                  its extra segment                             -> bad_flags
 *   rx-flags       NETRXF_gso_prefix; a flag Xen does not define -> bad_flags
 *   rx-more-data   NETRXF_more_data without feature-sg          -> bad_flags;
 *                  with feature-sg, a 2000-byte chain           -> rx_dropped
 *   tx-id-range    tx responses with ids beyond the ring       -> bad_id
 *   tx-unknown-id  a tx id not outstanding                      -> dup_id
 *   tx-dup-id      a tx completion, then the same id again      -> dup_id
 *   tx-error       NETIF_RSP_ERROR, NETIF_RSP_DROPPED (legal)    -> nothing
 *   tx-status      tx status -1000                              -> bad_status
 *   rx-flood       3 s of empty frames in every slot the guest posts, as
 *                  fast as dom0 can (-> rx_dropped), then a good frame
 *   notify-flood   20,000 events (at most 3 s) with nothing on the rings,
 *                  then a good frame
 *   rx-prod-jump   rx rsp_prod more than a ring ahead  -> bad_prod, link down
 *   tx-prod-jump   tx rsp_prod more than a ring ahead  -> bad_prod, link down
 *   refuse         (alone) the backend goes Closing instead of Connected:
 *                  the guest's open must fail and end its grants
 *   keep-mapped    at the end, Closed with both rings still mapped, until
 *                  dom0 writes BACKEND/release: the guest must give up on
 *                  those grants (and keep their pages) rather than hang
 *
 * Every tx request of the guest is checked on the way: id in range, known
 * flags, inside its page, granted read-only (mapping it writable fails).
 *
 * Then Closing, the frontend's Closing/Closed awaited, rings unmapped,
 * Closed, the guest's ring grants found ended, both directories removed.
 * Every wait is bounded. Exit status 0 when every phase found the guest as
 * expected.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>
#include <xen/io/netif.h>
#include <xen/io/xenbus.h>

#include "backend_peer.h"

#define PAGE 4096
#define RING 256 /* netif rings in one page: both tx and rx hold 256 */
_Static_assert(__CONST_RING_SIZE(netif_tx, PAGE) == RING, "tx ring size");
_Static_assert(__CONST_RING_SIZE(netif_rx, PAGE) == RING, "rx ring size");
#define FRAME_MAX 1514
#define ETH_ARP   0x0806

static int vif;
static char nfh[128];

static netif_tx_sring_t *txs;
static netif_rx_sring_t *rxs;
static RING_IDX tx_req_cons, tx_rsp_prod, rx_req_cons, rx_rsp_prod;
static bool frontend_sg;
static bool keep_mapped; /* the keep-mapped phase: see hold_rings */

/*
 * The rx requests taken, by ring position: the response at position p
 * answers the request at p (netif.h: frontends match them by slot).
 */
static netif_rx_request_t rx_req[RING];

/* Tx ids consumed and not yet answered, in order. */
static uint16_t tx_pool[RING];
static unsigned int tx_pool_head, tx_pool_n;
/* ARP replies the guest sent to this peer, counted as tx requests are taken. */
static unsigned int arp_replies, tx_frames, tx_checked;

static const uint8_t peer_mac[6] = {0x02, 0x00, 0x00, 0xee, 0x00, 0x01};
static uint8_t guest_mac[6];

/* What the guest's counters must be now. */
struct counters {
    uint64_t rx_packets, rx_dropped, bad_id, dup_id, bad_offset, bad_status, bad_prod, bad_flags,
        link;
};
static struct counters want;

static char mac[32];

/* The vif's own nodes, in create_nodes' transaction. */
static bool vif_nodes(xs_transaction_t t)
{
    char num[16];
    bool ok;

    snprintf(num, sizeof(num), "%d", vif);
    ok = xwrite(t, be, "handle", num);
    ok = ok && xwrite(t, be, "mac", mac);
    ok = ok && xwrite(t, be, "script", "none");
    ok = ok && xwrite(t, be, "type", "vif");
    ok = ok && xwrite(t, fe, "handle", num);
    ok = ok && xwrite(t, fe, "mac", mac);
    return ok;
}

static int create_nodes(void)
{
    snprintf(mac, sizeof(mac), "00:16:3e:ee:%02x:02", vif & 0xff);
    for (int i = 0; i < 6; i++)
        guest_mac[i] = (uint8_t)strtoul(mac + 3 * i, NULL, 16);
    if (bp_create_nodes(vif_nodes))
        return -1;
    /* What netback offers, as the backend probes: then InitWait. */
    xwrite(XBT_NULL, be, "feature-rx-copy", "1");
    xwrite(XBT_NULL, be, "feature-rx-flip", "0");
    xwrite(XBT_NULL, be, "feature-sg", "1");
    set_state(XenbusStateInitWait);
    say("vif %d of domain %d: backend %s in InitWait", vif, domid, be);
    return 0;
}

/* The frontend published its rings and said Initialised or Connected: map them. */
static long txref = -1, rxref = -1, port = -1;

/* The frontend published its rings and said Initialised or Connected (20 s): 0, or -1. */
static int published(void)
{
    long state = 0;
    uint64_t t0 = now_ms();

    while (now_ms() - t0 < 20000) {
        state = xread_long(fe, "state", 0);
        if (state == XenbusStateInitialised || state == XenbusStateConnected) {
            txref = xread_long(fe, "tx-ring-ref", -1);
            rxref = xread_long(fe, "rx-ring-ref", -1);
            port = xread_long(fe, "event-channel", -1);
            break;
        }
        usleep(50 * 1000);
    }
    if (txref < 0 || rxref < 0 || port < 0) {
        fail("the frontend did not connect in 20 s: state %ld, tx-ring-ref %ld, rx-ring-ref "
             "%ld, event-channel %ld",
             state, txref, rxref, port);
        return -1;
    }
    frontend_sg = xread_long(fe, "feature-sg", 0) == 1;
    say("frontend state %ld: tx-ring-ref %ld rx-ring-ref %ld event-channel %ld "
        "request-rx-copy %ld feature-sg %d",
        state, txref, rxref, port, xread_long(fe, "request-rx-copy", 0), frontend_sg);
    return 0;
}

/* Map the rings the frontend published, bind its channel, go Connected. */
static int connect_rings(void)
{
    uint32_t tref, rref;

    if (published())
        return -1;
    tref = (uint32_t)txref;
    rref = (uint32_t)rxref;
    txs = bp_map(1, &tref);
    rxs = bp_map(1, &rref);
    if (!txs || !rxs) {
        fail("cannot map the rings: %s", strerror(errno));
        return -1;
    }
    if (bp_bind(port))
        return -1;
    /* The backend's private indices start where the shared ones are. */
    tx_req_cons = tx_rsp_prod = txs->rsp_prod;
    rx_req_cons = rx_rsp_prod = rxs->rsp_prod;
    set_state(XenbusStateConnected);
    say("connected");
    return 0;
}

/* ---- rx: this peer's frames into the guest ---- */

/* Take the guest's new rx requests. */
static void rx_pull(void)
{
    RING_IDX prod = rxs->req_prod;

    __sync_synchronize(); /* the requests after the index that published them */
    if (prod - rx_rsp_prod > RING) {
        fail("the guest's rx req_prod %u is more than a ring past our responses %u", prod,
             rx_rsp_prod);
        return;
    }
    for (; rx_req_cons != prod; rx_req_cons++)
        rx_req[rx_req_cons % RING] = rxs->ring[rx_req_cons % RING].req;
    rxs->req_event = rx_req_cons + 1;
    __sync_synchronize();
}

/* At least `slots` rx requests taken and not answered yet: wait up to 5 s. */
static int rx_wait(unsigned int slots)
{
    uint64_t t0 = now_ms();

    for (;;) {
        rx_pull();
        if (rx_req_cons - rx_rsp_prod >= slots)
            return 0;
        if (now_ms() - t0 > 5000) {
            fail("the guest posted too few rx buffers: %u free slots, want %u",
                 rx_req_cons - rx_rsp_prod, slots);
            return -1;
        }
        nap(10);
    }
}

/* The id of the request the next response answers. */
static uint16_t rx_slot_id(void)
{
    return rx_req[rx_rsp_prod % RING].id;
}

static void rx_respond(uint16_t id, uint16_t offset, uint16_t flags, int16_t status)
{
    netif_rx_response_t *r = &rxs->ring[rx_rsp_prod % RING].rsp;

    r->id = id;
    r->offset = offset;
    r->flags = flags;
    r->status = status;
    rx_rsp_prod++;
}

/* An extra-info segment in the next slot, as a backend that set NETRXF_extra_info sends. */
static void rx_respond_extra(void)
{
    struct netif_extra_info *ex = (struct netif_extra_info *)&rxs->ring[rx_rsp_prod % RING].rsp;

    memset(ex, 0, sizeof(*ex));
    ex->type = XEN_NETIF_EXTRA_TYPE_GSO;
    ex->u.gso.size = 1448;
    ex->u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
    rx_rsp_prod++;
}

static void rx_push(void)
{
    __sync_synchronize(); /* the responses before the index that publishes them */
    rxs->rsp_prod = rx_rsp_prod;
    __sync_synchronize();
    notify();
}

/* `len` bytes of `frame` into the buffer of the next response's slot, at `offset`. */
static int rx_fill(const void *frame, size_t len, size_t offset)
{
    netif_rx_request_t rq = rx_req[rx_rsp_prod % RING];
    void *page;

    page = xengnttab_map_grant_ref(gt, (uint32_t)domid, rq.gref, PROT_READ | PROT_WRITE);
    if (!page) {
        fail("cannot map rx buffer id %u gref %u: %s", rq.id, rq.gref, strerror(errno));
        return -1;
    }
    memcpy((uint8_t *)page + offset, frame, len);
    xengnttab_unmap(gt, page, 1);
    return 0;
}

static size_t arp_request(uint8_t *f)
{
    static const uint8_t hdr[] = {0, 1, 8, 0, 6, 4, 0, 1}; /* Ethernet, IPv4, request */
    uint8_t spa[4] = {10, 0, (uint8_t)vif, 1}, tpa[4] = {10, 0, (uint8_t)vif, 2};

    memset(f, 0, 60);
    memset(f, 0xff, 6);
    memcpy(f + 6, peer_mac, 6);
    f[12] = ETH_ARP >> 8;
    f[13] = ETH_ARP & 0xff;
    memcpy(f + 14, hdr, sizeof(hdr));
    memcpy(f + 22, peer_mac, 6);
    memcpy(f + 28, spa, 4);
    memcpy(f + 38, tpa, 4);
    return 60; /* padded to Ethernet's minimum */
}

/* One good frame (an ARP request for the guest) in its own batch. */
static int rx_good_arp(void)
{
    uint8_t f[64];
    size_t len = arp_request(f);

    if (rx_wait(1) || rx_fill(f, len, 0))
        return -1;
    rx_respond(rx_slot_id(), 0, 0, (int16_t)len);
    rx_push();
    want.rx_packets++;
    return 0;
}

/* ---- tx: the guest's frames out ---- */

static bool is_arp_reply(const uint8_t *f, size_t len)
{
    return len >= 42 && f[12] == (ETH_ARP >> 8) && f[13] == (ETH_ARP & 0xff) && f[21] == 2 &&
           memcmp(f, peer_mac, 6) == 0 && memcmp(f + 6, guest_mac, 6) == 0 &&
           memcmp(f + 22, guest_mac, 6) == 0 && f[28] == 10 && f[29] == 0 &&
           f[30] == (uint8_t)vif && f[31] == 2 && memcmp(f + 32, peer_mac, 6) == 0 && f[38] == 10 &&
           f[39] == 0 && f[40] == (uint8_t)vif && f[41] == 1;
}

/*
 * What a backend may expect of the frontend's tx requests: an id in range,
 * known flags, a one-slot frame inside its page, and a grant for reading
 * only (the guest's data is not ours to write).
 */
static void tx_check_request(const netif_tx_request_t *rq, bool first)
{
    void *w;

    if (rq->id >= RING)
        fail("the guest's tx request id %u is beyond the ring", rq->id);
    if (rq->flags &
        ~(NETTXF_csum_blank | NETTXF_data_validated | NETTXF_more_data | NETTXF_extra_info))
        fail("the guest's tx request has unknown flags %#x", rq->flags);
    if (first && !(rq->flags & NETTXF_more_data) && rq->offset + rq->size > PAGE)
        fail("the guest's tx request %u: offset %u + size %u past the page", rq->id, rq->offset,
             rq->size);
    w = xengnttab_map_grant_ref(gt, (uint32_t)domid, rq->gref, PROT_READ | PROT_WRITE);
    if (w) {
        xengnttab_unmap(gt, w, 1);
        fail("the guest's tx buffer (gref %u) can be mapped writable", rq->gref);
    }
    tx_checked++;
}

/* Take the guest's new tx requests: read each frame, keep its ids to answer. */
static void tx_pull(void)
{
    static uint8_t frame[65536];
    static size_t flen;
    static bool extra_next;
    RING_IDX prod = txs->req_prod;

    __sync_synchronize(); /* the requests after the index that published them */
    if (prod - tx_rsp_prod > RING) {
        fail("the guest's tx req_prod %u is more than a ring past our responses %u", prod,
             tx_rsp_prod);
        return;
    }
    for (; tx_req_cons != prod; tx_req_cons++) {
        netif_tx_request_t rq = txs->ring[tx_req_cons % RING].req;
        unsigned int tail = (tx_pool_head + tx_pool_n) % RING;

        if (tx_pool_n == RING) {
            fail("more tx requests than a ring");
            return;
        }
        /* An extra slot is answered NETIF_RSP_NULL; mark it with an impossible id. */
        tx_pool[tail] = extra_next ? 0xffff : rq.id;
        tx_pool_n++;
        if (extra_next) {
            extra_next = false;
            continue;
        }
        extra_next = rq.flags & NETTXF_extra_info;
        tx_check_request(&rq, flen == 0);
        if (rq.offset + rq.size <= PAGE && flen + rq.size <= sizeof(frame)) {
            void *page = xengnttab_map_grant_ref(gt, (uint32_t)domid, rq.gref, PROT_READ);

            if (page) {
                memcpy(frame + flen, (uint8_t *)page + rq.offset, rq.size);
                xengnttab_unmap(gt, page, 1);
            } else {
                fail("cannot map tx gref %u: %s", rq.gref, strerror(errno));
            }
            flen += rq.size;
        }
        if (!(rq.flags & NETTXF_more_data)) {
            tx_frames++;
            if (is_arp_reply(frame, flen))
                arp_replies++;
            flen = 0;
        }
    }
    txs->req_event = tx_req_cons + 1;
    __sync_synchronize();
}

static void tx_respond(uint16_t id, int16_t status)
{
    netif_tx_response_t *r = &txs->ring[tx_rsp_prod % RING].rsp;

    r->id = id;
    r->status = status;
    tx_rsp_prod++;
}

static void tx_push(void)
{
    __sync_synchronize(); /* the responses before the index that publishes them */
    txs->rsp_prod = tx_rsp_prod;
    __sync_synchronize();
    notify();
}

/* Answer every tx slot taken, oldest id first, with NETIF_RSP_OKAY. */
static void tx_complete_all(void)
{
    bool any = false;

    tx_pull();
    while (tx_req_cons != tx_rsp_prod && tx_pool_n) {
        uint16_t id = tx_pool[tx_pool_head];

        tx_pool_head = (tx_pool_head + 1) % RING;
        tx_pool_n--;
        tx_respond(id == 0xffff ? 0 : id, id == 0xffff ? NETIF_RSP_NULL : NETIF_RSP_OKAY);
        any = true;
    }
    if (any)
        tx_push();
}

/* Wait up to 5 s for the guest's ARP reply number `n` (counted from the start). */
static int wait_arp_replies(unsigned int n)
{
    uint64_t t0 = now_ms();

    while (arp_replies < n) {
        if (now_ms() - t0 > 5000) {
            fail("no ARP reply from the guest in 5 s (%u of %u, %u frames sent by the guest)",
                 arp_replies, n, tx_frames);
            return -1;
        }
        tx_pull();
        nap(10);
    }
    return 0;
}

/* ---- the guest's counters, through XenStore ---- */

static int ask_seq;

static int guest_counters(struct counters *c)
{
    char key[32], seq[16], *v;
    uint64_t t0 = now_ms();

    snprintf(seq, sizeof(seq), "%d", ++ask_seq);
    if (!xwrite(XBT_NULL, nfh, "ask", seq))
        return -1;
    for (;;) {
        v = xread(nfh, "answer");
        if (v && strcmp(v, seq) == 0)
            break;
        free(v);
        if (now_ms() - t0 > 5000) {
            fail("the guest did not answer request %s for its counters", seq);
            return -1;
        }
        usleep(20 * 1000);
    }
    free(v);
    snprintf(key, sizeof(key), "vif%d", vif);
    v = xread(nfh, key);
    if (!v)
        return -1;
    memset(c, 0, sizeof(*c));
    /* "name=value ..." */
    for (char *tok = strtok(v, " "); tok; tok = strtok(NULL, " ")) {
        char *eq = strchr(tok, '=');
        uint64_t x;

        if (!eq)
            continue;
        *eq = 0;
        x = strtoull(eq + 1, NULL, 10);
#define FIELD(f)                                                                                   \
    if (strcmp(tok, #f) == 0)                                                                      \
        c->f = x;
        FIELD(rx_packets)
        FIELD(rx_dropped)
        FIELD(bad_id)
        FIELD(dup_id)
        FIELD(bad_offset)
        FIELD(bad_status)
        FIELD(bad_prod)
        FIELD(bad_flags)
        FIELD(link)
#undef FIELD
    }
    free(v);
    return 0;
}

static void print_counters(const char *what, const struct counters *c)
{
    say("  %s: rx_packets=%llu rx_dropped=%llu bad_id=%llu dup_id=%llu bad_offset=%llu "
        "bad_status=%llu bad_prod=%llu bad_flags=%llu link=%llu",
        what, (unsigned long long)c->rx_packets, (unsigned long long)c->rx_dropped,
        (unsigned long long)c->bad_id, (unsigned long long)c->dup_id,
        (unsigned long long)c->bad_offset, (unsigned long long)c->bad_status,
        (unsigned long long)c->bad_prod, (unsigned long long)c->bad_flags,
        (unsigned long long)c->link);
}

/* The guest's counters must become `want` (within 5 s) and stay so. */
static void check_counters(const char *phase)
{
    struct counters got = {0};
    uint64_t t0 = now_ms();

    for (;;) {
        if (guest_counters(&got) == 0 && memcmp(&got, &want, sizeof(got)) == 0) {
            say("phase %s: ok", phase);
            return;
        }
        if (now_ms() - t0 > 5000)
            break;
        usleep(50 * 1000);
    }
    fail("phase %s: the guest's counters are not as expected", phase);
    print_counters("guest", &got);
    print_counters("expected", &want);
    /* Carry on from what the guest says, to judge the next phases alone. */
    want = got;
}

/* ---- the phases ---- */

static int phase_good(void)
{
    unsigned int before = arp_replies;

    if (rx_good_arp())
        return -1;
    if (wait_arp_replies(before + 1))
        return -1;
    tx_complete_all();
    return 0;
}

/* The ARP request in two slots (NETRXF_more_data), which a frontend with feature-sg joins. */
/* The ARP request at the very end of its page: offset + size == 4096 is legal. */
static int phase_good_edge(void)
{
    uint8_t f[64];
    size_t len = arp_request(f);
    unsigned int before = arp_replies;

    if (rx_wait(1) || rx_fill(f, len, PAGE - len))
        return -1;
    rx_respond(rx_slot_id(), (uint16_t)(PAGE - len), 0, (int16_t)len);
    rx_push();
    want.rx_packets++;
    if (wait_arp_replies(before + 1))
        return -1;
    tx_complete_all();
    return 0;
}

static int phase_good_chain(void)
{
    uint8_t f[64];
    size_t len = arp_request(f);
    unsigned int before = arp_replies;

    if (!frontend_sg) {
        say("phase good-chain: skipped, the frontend did not ask for feature-sg");
        return 0;
    }
    if (rx_wait(2) || rx_fill(f, 20, 0))
        return -1;
    rx_respond(rx_slot_id(), 0, NETRXF_more_data, 20);
    /* The second piece not at the start of its page. */
    if (rx_fill(f + 20, len - 20, 100))
        return -1;
    rx_respond(rx_slot_id(), 100, 0, (int16_t)(len - 20));
    rx_push();
    want.rx_packets++;
    if (wait_arp_replies(before + 1))
        return -1;
    tx_complete_all();
    return 0;
}

static int phase_rx(const char *name)
{
    uint8_t f[64];
    size_t len = arp_request(f);
    unsigned int replies = arp_replies;
    uint16_t id;

    for (int round = 0; round < 2; round++) {
        if (rx_wait(2))
            return -1;
        if (strcmp(name, "rx-id-range") == 0) {
            rx_respond(round ? 0xffff : RING, 0, 0, (int16_t)len);
            want.bad_id++;
        } else if (strcmp(name, "rx-other-id") == 0) {
            /* In range, but another slot's: a buffer the guest did not offer here. */
            rx_respond((uint16_t)((rx_slot_id() + 1 + 100 * round) % RING), 0, 0, (int16_t)len);
            want.dup_id++;
        } else if (strcmp(name, "rx-dup-id") == 0) {
            /* A good frame, then its id again in the next slot of the same batch. */
            if (rx_fill(f, len, 0))
                return -1;
            id = rx_slot_id();
            rx_respond(id, 0, 0, (int16_t)len);
            rx_respond(id, 0, 0, (int16_t)len);
            want.rx_packets++;
            want.dup_id++;
        } else if (strcmp(name, "rx-offset") == 0) {
            if (rx_fill(f, len, 0))
                return -1;
            if (round == 0)
                rx_respond(rx_slot_id(), PAGE - 16, 0, (int16_t)len); /* past the page's end */
            else
                rx_respond(rx_slot_id(), 0, 0, PAGE + 100); /* a size beyond the page */
            want.bad_offset++;
        } else if (strcmp(name, "rx-status") == 0) {
            rx_respond(rx_slot_id(), 0, 0, round ? -1000 : INT16_MIN);
            want.bad_status++;
        } else if (strcmp(name, "rx-error") == 0) {
            /* The backend's own drops: legal, counted as drops only. */
            rx_respond(rx_slot_id(), 0, 0, round ? NETIF_RSP_DROPPED : NETIF_RSP_ERROR);
            want.rx_dropped++;
        } else if (strcmp(name, "rx-runt") == 0) {
            /* Empty, then shorter than an Ethernet header: nothing to deliver. */
            if (rx_fill(f, len, 0))
                return -1;
            rx_respond(rx_slot_id(), 0, 0, round ? 10 : 0);
            want.rx_dropped++;
        } else if (strcmp(name, "rx-extra-info") == 0) {
            /* GSO info nobody asked for, its extra segment in the next slot. */
            if (rx_fill(f, len, 0))
                return -1;
            rx_respond(rx_slot_id(), 0, NETRXF_extra_info, (int16_t)len);
            rx_respond_extra();
            want.bad_flags++;
        } else if (strcmp(name, "rx-flags") == 0) {
            /* A GSO prefix, then a flag Xen does not define. */
            if (rx_fill(f, len, 0))
                return -1;
            rx_respond(rx_slot_id(), 0, round ? 0x8000 : NETRXF_gso_prefix, (int16_t)len);
            want.bad_flags++;
        } else if (strcmp(name, "rx-more-data") == 0) {
            if (rx_fill(f, len, 0))
                return -1;
            if (!frontend_sg) {
                /* A frame continued, from a frontend that cannot take that. */
                rx_respond(rx_slot_id(), 0, NETRXF_more_data, (int16_t)len);
                want.bad_flags++;
            } else {
                /* A chain longer than any frame without GSO: dropped. */
                rx_respond(rx_slot_id(), 0, NETRXF_more_data, 1000);
                rx_respond(rx_slot_id(), 0, 0, 1000);
                want.rx_dropped++;
            }
        } else {
            return 1;
        }
        rx_push();
        /* Each alone: the guest has dealt with the first before the second comes. */
        check_counters(name);
    }
    if (strcmp(name, "rx-more-data") == 0 && !frontend_sg)
        say("phase rx-more-data: a lone NETRXF_more_data, the frontend has no feature-sg");
    else if (strcmp(name, "rx-more-data") == 0)
        say("phase rx-more-data: the frontend asked for feature-sg: a 2000-byte chain instead");
    /* The good frames of rx-dup-id drew ARP replies: take and answer them. */
    if (strcmp(name, "rx-dup-id") == 0 && wait_arp_replies(replies + 2))
        return -1;
    tx_complete_all();
    return 0;
}

/* A tx slot with a real id: make the guest send an ARP reply, take its request. */
static int tx_one(uint16_t *id)
{
    unsigned int before = arp_replies;

    if (rx_good_arp() || wait_arp_replies(before + 1))
        return -1;
    if (tx_req_cons == tx_rsp_prod || !tx_pool_n) {
        fail("no tx slot to answer");
        return -1;
    }
    *id = tx_pool[(tx_pool_head + tx_pool_n - 1) % RING];
    return 0;
}

/* Drop the newest id from the tx pool (it was answered out of order). */
static void tx_pool_drop_newest(void)
{
    tx_pool_n--;
}

static bool tx_outstanding(uint16_t id)
{
    for (unsigned int i = 0; i < tx_pool_n; i++)
        if (tx_pool[(tx_pool_head + i) % RING] == id)
            return true;
    return false;
}

static int phase_tx(const char *name)
{
    uint16_t id, id2;

    /* Answer what is pending first: every slot now belongs to this phase. */
    tx_complete_all();
    for (int round = 0; round < 2; round++) {
        if (tx_one(&id))
            return -1;
        if (strcmp(name, "tx-id-range") == 0) {
            tx_respond(round ? 0xffff : RING + 7, NETIF_RSP_OKAY);
            want.bad_id++;
        } else if (strcmp(name, "tx-unknown-id") == 0) {
            uint16_t u = 0;

            while (u < RING && tx_outstanding(u))
                u++;
            tx_respond(u, NETIF_RSP_OKAY);
            want.dup_id++;
        } else if (strcmp(name, "tx-dup-id") == 0) {
            /* Two slots: the id answered, then answered again. */
            if (tx_one(&id2))
                return -1;
            tx_pool_drop_newest();
            tx_pool_drop_newest();
            tx_respond(id2, NETIF_RSP_OKAY);
            tx_respond(id2, NETIF_RSP_OKAY);
            /* `id` keeps its place in the pool, answered later. */
            tx_pool[(tx_pool_head + tx_pool_n) % RING] = id;
            tx_pool_n++;
            want.dup_id++;
        } else if (strcmp(name, "tx-error") == 0) {
            /* The backend's own failures to send: legal, nothing to count. */
            tx_pool_drop_newest();
            tx_respond(id, round ? NETIF_RSP_DROPPED : NETIF_RSP_ERROR);
        } else if (strcmp(name, "tx-status") == 0) {
            tx_pool_drop_newest();
            tx_respond(id, -1000);
            want.bad_status++;
        } else {
            return 1;
        }
        tx_push();
        check_counters(name);
    }
    return 0;
}

/* Events as fast as dom0 can send them, with nothing on the rings: a good frame after. */
static int phase_flood(void)
{
    bp_notify_flood();
    return phase_good();
}

/*
 * Every rx slot the guest posts answered at once with an empty frame, as
 * fast as dom0 can, for 3 s: the guest drops and counts them, and must
 * still serve its other vifs meanwhile (the case pings vif 0).
 */
static int phase_rx_flood(void)
{
    uint64_t t0 = now_ms();
    unsigned long n = 0;

    while (now_ms() - t0 < 3000) {
        unsigned int k = 0;

        rx_pull();
        while (rx_req_cons != rx_rsp_prod) {
            rx_respond(rx_slot_id(), 0, 0, 0);
            k++;
        }
        if (k) {
            rx_push();
            n += k;
        } else {
            nap(1);
        }
    }
    want.rx_dropped += n;
    say("phase rx-flood: %lu empty frames in 3 s", n);
    check_counters("rx-flood");
    return phase_good();
}

static int phase_jump(const char *name)
{
    if (strcmp(name, "rx-prod-jump") == 0) {
        __sync_synchronize();
        rxs->rsp_prod = rx_rsp_prod + RING + 1;
    } else {
        __sync_synchronize();
        txs->rsp_prod = tx_rsp_prod + RING + 1;
    }
    __sync_synchronize();
    notify();
    want.bad_prod++;
    want.link = 0;
    check_counters(name);
    return 0;
}

static int run_phase(const char *name)
{
    int rc;

    say("phase %s", name);
    if (strcmp(name, "good-edge") == 0) {
        rc = phase_good_edge();
        if (!rc)
            check_counters(name);
    } else if (strcmp(name, "good-chain") == 0) {
        rc = phase_good_chain();
        if (!rc)
            check_counters(name);
    } else if (strcmp(name, "keep-mapped") == 0) {
        keep_mapped = true;
        rc = 0;
    } else if (strcmp(name, "rx-flood") == 0) {
        rc = phase_rx_flood();
        if (!rc)
            check_counters(name);
    } else if (strcmp(name, "notify-flood") == 0) {
        rc = phase_flood();
        if (!rc)
            check_counters(name);
    } else if (strcmp(name, "good") == 0) {
        rc = phase_good();
        if (!rc) {
            check_counters(name);
            say("phase good: the guest answered ARP on vif %d", vif);
        }
    } else if (strncmp(name, "rx-prod-jump", 12) == 0 || strncmp(name, "tx-prod-jump", 12) == 0) {
        rc = phase_jump(name);
    } else if (strncmp(name, "rx-", 3) == 0) {
        rc = phase_rx(name);
    } else if (strncmp(name, "tx-", 3) == 0) {
        rc = phase_tx(name);
    } else {
        rc = 1;
    }
    if (rc > 0)
        fail("unknown phase %s", name);
    else if (rc < 0)
        fail("phase %s could not run", name);
    return rc;
}

/*
 * keep-mapped: Closed while the rings are still mapped, as a backend that
 * never lets go; they stay so until dom0 writes BACKEND/release (the case
 * does once the guest said it keeps those pages), at most 60 s.
 */
static void hold_rings(void)
{
    uint64_t t0 = now_ms();
    long ms;

    if (wait_frontend(1u << XenbusStateClosed) < 0)
        return;
    set_state(XenbusStateClosed);
    say("Closed with the rings still mapped");
    ms = bp_wait_release(t0, NULL, 50);
    if (ms >= 0)
        say("released the rings after %llu ms", (unsigned long long)ms);
}

/*
 * Once the frontend has closed and this backend said Closed, its ring
 * grants must end (within 5 s): mapping them must fail.
 */
static void check_grants_ended(void)
{
    uint64_t t0 = now_ms();

    while (now_ms() - t0 < 5000) {
        void *t = xengnttab_map_grant_ref(gt, (uint32_t)domid, (uint32_t)txref, PROT_READ);
        void *r = xengnttab_map_grant_ref(gt, (uint32_t)domid, (uint32_t)rxref, PROT_READ);

        if (t)
            xengnttab_unmap(gt, t, 1);
        if (r)
            xengnttab_unmap(gt, r, 1);
        if (!t && !r) {
            say("the guest ended its ring grants");
            return;
        }
        usleep(50 * 1000);
    }
    fail("the guest's ring grants %ld and %ld can still be mapped 5 s after Closed", txref, rxref);
}

/*
 * refuse: the frontend published its rings, the backend never connects
 * and goes Closing instead. The guest's open must fail, close its side and
 * end its grants (this peer never mapped them).
 */
static void refuse(void)
{
    if (published())
        return;
    if (bp_refuse())
        return;
    check_grants_ended();
}

static void teardown(void)
{
    if (txs && rxs) {
        bp_closing();
        if (keep_mapped)
            hold_rings();
    }
    if (local_port != ~0u)
        xenevtchn_unbind(ev, local_port);
    if (txs)
        xengnttab_unmap(gt, txs, 1);
    if (rxs)
        xengnttab_unmap(gt, rxs, 1);
    set_state(XenbusStateClosed);
    if (txs && rxs && !keep_mapped)
        check_grants_ended();
    if (bp_remove())
        say("vif %d removed", vif);
}

/* The order of "all": good frames between the bad kinds, the phase that breaks the vif last. */
static const char *const all_phases[] = {
    "good",         "rx-flood",    "good-edge",     "good-chain",    "rx-id-range", "good",
    "rx-other-id",  "rx-dup-id",   "good",          "rx-offset",     "rx-status",   "rx-error",
    "rx-runt",      "good",        "rx-extra-info", "good",          "rx-flags",    "rx-more-data",
    "good",         "tx-id-range", "good",          "tx-unknown-id", "good",        "tx-dup-id",
    "good",         "tx-error",    "good",          "tx-status",     "good",        "notify-flood",
    "rx-prod-jump",
};

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: netback_evil DOMID VIF PHASE...|all\n");
        return 2;
    }
    domid = atoi(argv[1]);
    vif = atoi(argv[2]);
    snprintf(be, sizeof(be), "/local/domain/0/netback-evil/vif/%d/%d", domid, vif);
    snprintf(fe, sizeof(fe), "/local/domain/%d/device/vif/%d", domid, vif);
    snprintf(nfh, sizeof(nfh), "/local/domain/%d/data/netfront-hostile", domid);
    snprintf(bp_prefix, sizeof(bp_prefix), "netback_evil: ");
    if (bp_open("netback_evil"))
        return 1;
    want.link = 1;
    if (strcmp(argv[3], "refuse") == 0) {
        if (create_nodes() == 0)
            refuse();
        bp_remove();
        say("vif %d: %s", vif, failed ? "FAILED" : "every phase as expected");
        return failed;
    }
    if (create_nodes() == 0 && connect_rings() == 0) {
        /* The guest's counters start at zero for a fresh vif. */
        check_counters("connect");
        bp_run_phases(argv + 3, argc - 3, all_phases, sizeof(all_phases) / sizeof(all_phases[0]),
                      run_phase);
    }
    if (guest_counters(&want) == 0)
        print_counters("the guest's counters at the end", &want);
    if (tx_checked)
        say("%u tx requests from the guest checked: ids in range, known flags, in the page, "
            "read-only grants",
            tx_checked);
    teardown();
    say("vif %d: %s", vif, failed ? "FAILED" : "every phase as expected");
    bp_close();
    return failed;
}
