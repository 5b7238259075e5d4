/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netfront: the driver on its own, without a network stack, against
 * dom0's real netback and bridge (xenbr0, 10.0.0.1/24). Frames are built
 * by hand: an ARP request "who has 10.0.0.1" must get dom0's reply, an
 * ICMP echo request its echo reply (sent as a two-piece chain, so that a
 * backend with feature-sg gets several slots), and a burst of more frames
 * than the rx ring has slots must come back with the grants in use
 * unchanged (buffers recycled, never granted again), and a TCP SYN from
 * dom0, whose checksum netback leaves blank, must arrive filled in. Modes:
 *
 *   basic   vif 0: the above, then netfront_close, every grant back;
 *           dom0 checks the backend Connected before and Closed after;
 *           then vif 0 opened again, and ARP answered again
 *   two     vifs 0 and 1 at once, each answered on its own; vif 1 closed
 *           from its own rx callback
 *   detach  vif 0 up, then `xl network-detach` from dom0: the link goes
 *           down, tx says -ENETDOWN, close gives every grant back; then
 *           `xl network-attach`: the watcher reports the new vif, which
 *           opens and answers ARP
 *   silent  vif 5 made by dom0 with a backend nobody serves: -ETIMEDOUT at
 *           the deadline, the teardown bounded, every grant back
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <internal/heap.h>
#include <internal/netfront.h>
#include <uk/gnttab.h>
#include <uk/mm.h>
#include <uk/sched.h>
#include <uk/time.h>
#include <uk/xenstore.h>

#define TEST_NAME "netfront"
#include "../report.h"

#define DOM0_IP    0x0a000001u /* 10.0.0.1 */
#define ICMP_ID    0x4e46
#define BURST      300
#define ETH_ARP    0x0806
#define ETH_IP     0x0800
#define OPEN_WAIT  (30 * UK_NSEC_PER_SEC)
#define REPLY_WAIT (10 * UK_NSEC_PER_SEC)

struct vif {
    struct netfront *nf;
    unsigned int index;
    uint8_t mac[6], peer[6];
    uint32_t ip;
    volatile bool arp_reply, link_down;
    volatile unsigned int replies, arp_answered;
    volatile unsigned int syn_good, syn_bad, syn_flags;
    volatile bool close_in_rx, closed_in_rx; /* netfront_close from the rx callback */
    uint8_t seen[(BURST + 8) / 8 + 1];
};

static uint64_t deadline_in(uint64_t ns)
{
    return uk_deadline_in(ns);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint16_t csum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;

    for (size_t i = 0; i + 1 < n; i += 2)
        s += get16(p + i);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static size_t eth(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    put16(f + 12, type);
    return 14;
}

/* An ARP packet (request: op 1 to broadcast; reply: op 2 to `tha`). */
static size_t arp(uint8_t *f, const struct vif *v, uint16_t op, const uint8_t *tha, uint32_t tpa)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, zero[6];
    size_t n = eth(f, op == 1 ? bcast : tha, v->mac, ETH_ARP);

    put16(f + n, 1);
    put16(f + n + 2, ETH_IP);
    f[n + 4] = 6;
    f[n + 5] = 4;
    put16(f + n + 6, op);
    memcpy(f + n + 8, v->mac, 6);
    put32(f + n + 14, v->ip);
    memcpy(f + n + 18, op == 1 ? zero : tha, 6);
    put32(f + n + 24, tpa);
    memset(f + n + 28, 0, 60 - (n + 28));
    return 60;
}

static int send1(struct vif *v, const uint8_t *f, size_t n)
{
    struct netfront_frag frag = {f, n};

    return netfront_tx(v->nf, &frag, 1, 0);
}

/*
 * An ICMP echo request to dom0 with `data` bytes of payload, as a chain of
 * `pieces` (>= 3): the Ethernet header, the IP header, an empty piece (to
 * be skipped), and the ICMP message cut into the rest.
 */
static int send_ping_n(struct vif *v, uint16_t seq, unsigned int pieces, size_t data)
{
    static uint8_t ip[NETFRONT_FRAME_MAX + 1];
    uint8_t hdr[14];
    struct netfront_frag frags[32];
    size_t total = 20 + 8 + data, icmp = 8 + data, at = 0;
    unsigned int cut = pieces - 2, n = 0;

    eth(hdr, v->peer, v->mac, ETH_IP);
    memset(ip, 0, total);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)total);
    put16(ip + 4, seq);
    put16(ip + 6, 0x4000);
    ip[8] = 64;
    ip[9] = 1;
    put32(ip + 12, v->ip);
    put32(ip + 16, DOM0_IP);
    put16(ip + 10, csum(ip, 20));
    ip[20] = 8;
    put16(ip + 24, ICMP_ID);
    put16(ip + 26, seq);
    for (size_t i = 0; i < data; i++)
        ip[28 + i] = (uint8_t)(seq + i);
    put16(ip + 22, csum(ip + 20, icmp));
    frags[n++] = (struct netfront_frag){hdr, sizeof(hdr)};
    frags[n++] = (struct netfront_frag){ip, 20};
    frags[n++] = (struct netfront_frag){ip, 0};
    for (unsigned int k = 0; k < cut && n < 32; k++) {
        size_t len = k + 1 == cut ? icmp - at : icmp / cut;

        frags[n++] = (struct netfront_frag){ip + 20 + at, len};
        at += len;
    }
    return netfront_tx(v->nf, frags, n, 0);
}

static int send_ping(struct vif *v, uint16_t seq)
{
    return send_ping_n(v, seq, 3, 56);
}

static void on_arp(struct vif *v, const uint8_t *a)
{
    uint16_t op = get16(a + 6);

    if (get16(a) != 1 || get16(a + 2) != ETH_IP || get32(a + 24) != v->ip)
        return;
    if (op == 2 && get32(a + 14) == DOM0_IP) {
        memcpy(v->peer, a + 8, 6);
        v->arp_reply = true;
    } else if (op == 1) {
        /* dom0 asks for us (its neighbour entry going stale): answer from here. */
        uint8_t f[60];

        if (send1(v, f, arp(f, v, 2, a + 8, get32(a + 14))) == 0)
            v->arp_answered++;
    }
}

/* A TCP SYN from dom0 to our port 7: does its checksum verify as a receiver checks it? */
static void on_tcp(struct vif *v, const uint8_t *ip, size_t hl, size_t n, unsigned int flags)
{
    size_t total = get16(ip + 2), l4 = total - hl;
    uint8_t pseudo[12 + NETFRONT_FRAME_MAX];

    if (total > n || l4 < 20 || get16(ip + hl + 2) != 7 || !(ip[hl + 13] & 0x02))
        return;
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = 6;
    put16(pseudo + 10, (uint16_t)l4);
    memcpy(pseudo + 12, ip + hl, l4);
    v->syn_flags = flags;
    if (csum(pseudo, 12 + l4) == 0)
        v->syn_good++;
    else
        v->syn_bad++;
}

static void on_ip(struct vif *v, const uint8_t *ip, size_t n, unsigned int flags)
{
    size_t hl = (size_t)(ip[0] & 15) * 4;
    uint16_t seq;

    if (hl >= 20 && n >= hl && ip[9] == 6 && get32(ip + 12) == DOM0_IP && get32(ip + 16) == v->ip)
        on_tcp(v, ip, hl, n, flags);
    if (n < hl + 8 || ip[9] != 1 || get32(ip + 12) != DOM0_IP || get32(ip + 16) != v->ip)
        return;
    if (ip[hl] != 0 || get16(ip + hl + 4) != ICMP_ID)
        return;
    seq = get16(ip + hl + 6);
    if (seq < BURST + 8 && !(v->seen[seq / 8] & (1u << (seq % 8)))) {
        v->seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
        v->replies++;
    }
    if (v->close_in_rx && !v->closed_in_rx) {
        /* On the driver's own thread: it frees the vif once we return. */
        netfront_close(v->nf);
        v->closed_in_rx = true;
    }
}

/* The driver's rx thread: the frame is copied first (the backend may still write the page). */
static void rx(void *ctx, const void *frame, size_t len, unsigned int flags)
{
    struct vif *v = ctx;
    uint8_t f[NETFRONT_FRAME_MAX];

    if (len < 14 || len > sizeof(f))
        return;
    memcpy(f, frame, len);
    if (memcmp(f, v->mac, 6) && f[0] != 0xff)
        return;
    if (get16(f + 12) == ETH_ARP && len >= 14 + 28)
        on_arp(v, f + 14);
    else if (get16(f + 12) == ETH_IP && len >= 14 + 20)
        on_ip(v, f + 14, len - 14, flags);
}

static void link(void *ctx, bool up)
{
    struct vif *v = ctx;

    printf("netfront: vif%u link %s\n", v->index, up ? "up" : "down");
    if (!up)
        v->link_down = true;
}

static const struct netfront_callbacks callbacks = {rx, link};

static int open_vif(struct vif *v, unsigned int index, uint32_t ip)
{
    uint64_t t0 = uk_monotonic_ns();
    int rc;

    memset(v, 0, sizeof(*v));
    v->index = index;
    v->ip = ip;
    rc = netfront_open(index, &callbacks, v, deadline_in(OPEN_WAIT), &v->nf);
    EXPECT(rc == 0, "vif%u opened (%d) in %llu ms", index, rc,
           (unsigned long long)((uk_monotonic_ns() - t0) / UK_NSEC_PER_MSEC));
    if (rc)
        return rc;
    netfront_mac(v->nf, v->mac);
    printf("netfront: vif%u mac %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", index, v->mac[0],
           v->mac[1], v->mac[2], v->mac[3], v->mac[4], v->mac[5],
           netfront_link_up(v->nf) ? "up" : "down");
    EXPECT(netfront_index(v->nf) == index && netfront_link_up(v->nf), "vif%u index and link up",
           index);
    return 0;
}

/* ARP for dom0 until it answers (a request a second, dom0's bridge may still be learning). */
static bool arp_dom0(struct vif *v)
{
    uint64_t end = deadline_in(REPLY_WAIT);
    uint8_t f[60];
    int rc = 0;

    while (!v->arp_reply && uk_monotonic_ns() < end) {
        rc = send1(v, f, arp(f, v, 1, NULL, DOM0_IP));
        for (int i = 0; i < 1000 && !v->arp_reply; i++)
            uk_sleep_ns(UK_NSEC_PER_MSEC);
    }
    EXPECT(v->arp_reply,
           "vif%u: dom0 answered ARP for 10.0.0.1 (last tx %d): %02x:%02x:%02x:%02x:%02x:%02x",
           v->index, rc, v->peer[0], v->peer[1], v->peer[2], v->peer[3], v->peer[4], v->peer[5]);
    return v->arp_reply;
}

static bool wait_replies(struct vif *v, unsigned int n, uint64_t ns)
{
    uint64_t end = deadline_in(ns);

    while (v->replies < n && uk_monotonic_ns() < end)
        uk_sleep_ns(UK_NSEC_PER_MSEC);
    return v->replies >= n;
}

static void ping_one(struct vif *v)
{
    int rc = send_ping(v, 0);

    EXPECT(rc == 0 && wait_replies(v, 1, REPLY_WAIT),
           "vif%u: ICMP echo request (3 pieces) answered by dom0 (tx %d)", v->index, rc);
}

/*
 * Frames of every shape netfront_tx takes: more pieces than a backend's
 * slots (linearized), a full 1514-byte frame (answered by one as long),
 * and what it refuses.
 */
static void ping_shapes(struct vif *v)
{
    struct netfront_frag none = {NULL, 0};
    unsigned int before = v->replies;
    int rc;

    rc = send_ping_n(v, BURST + 1, 25, 1000);
    EXPECT(rc == 0 && wait_replies(v, before + 1, REPLY_WAIT),
           "vif%u: a 1042-byte echo request in 25 pieces (linearized) answered (tx %d)", v->index,
           rc);
    rc = send_ping_n(v, BURST + 2, 4, NETFRONT_FRAME_MAX - 14 - 28);
    EXPECT(rc == 0 && wait_replies(v, before + 2, REPLY_WAIT),
           "vif%u: a 1514-byte echo request in 4 pieces answered (tx %d)", v->index, rc);
    rc = send_ping_n(v, BURST + 3, 3, NETFRONT_FRAME_MAX - 14 - 28 + 1);
    EXPECT(rc == -EMSGSIZE, "vif%u: a 1515-byte frame is -EMSGSIZE (%d)", v->index, rc);
    rc = netfront_tx(v->nf, &none, 1, 0);
    EXPECT(rc == -EINVAL, "vif%u: an empty frame is -EINVAL (%d)", v->index, rc);
}

/* More frames than the rx ring has slots, and the grants in use do not move. */
static void burst(struct vif *v)
{
    unsigned int refs = gnttab_refs_in_use(), busy = 0, sent = 0, replies0 = v->replies;
    struct netfront_stats st0, st;

    netfront_stats(v->nf, &st0);
    for (uint16_t seq = 1; seq <= BURST; seq++) {
        int rc = send_ping(v, seq);
        uint64_t end = deadline_in(REPLY_WAIT);

        while (rc == -ENOBUFS && uk_monotonic_ns() < end) {
            busy++;
            uk_sleep_ns(UK_NSEC_PER_MSEC);
            rc = send_ping(v, seq);
        }
        sent += rc == 0;
        /* Let the replies come in a window, as ping -f would. */
        if (seq % 32 == 0)
            wait_replies(v, replies0 + seq - 16, REPLY_WAIT);
    }
    wait_replies(v, replies0 + BURST, REPLY_WAIT);
    netfront_stats(v->nf, &st);
    printf("netfront: vif%u burst: %u sent, %u -ENOBUFS retries, %u replies, rx %llu frames\n",
           v->index, sent, busy, v->replies - replies0,
           (unsigned long long)(st.rx_packets - st0.rx_packets));
    EXPECT(sent == BURST && v->replies == replies0 + BURST, "vif%u: all %d echo requests answered",
           v->index, BURST);
    EXPECT(st.rx_packets - st0.rx_packets >= BURST, "vif%u: more frames in than rx slots (%llu)",
           v->index, (unsigned long long)(st.rx_packets - st0.rx_packets));
    EXPECT(gnttab_refs_in_use() == refs, "vif%u: grants in use unchanged by the burst (%u, %u)",
           v->index, refs, gnttab_refs_in_use());
}

/*
 * dom0 connects to our port 7: its SYN leaves dom0's stack with the
 * checksum left to the NIC (netback passes NETRXF_csum_blank), and must
 * reach us filled in.
 */
static void tcp_syn(struct vif *v)
{
    uint64_t end = deadline_in(REPLY_WAIT);

    printf("netfront: vif%u ready for a TCP SYN\n", v->index);
    fflush(stdout);
    while (!v->syn_good && !v->syn_bad && uk_monotonic_ns() < end)
        uk_sleep_ns(UK_NSEC_PER_MSEC);
    EXPECT(v->syn_good && !v->syn_bad,
           "vif%u: dom0's TCP SYN has a checksum that verifies (%u good, %u bad, flags 0x%x)",
           v->index, v->syn_good, v->syn_bad, v->syn_flags);
    EXPECT(!(v->syn_flags & NETFRONT_CSUM_BLANK), "vif%u: no blank checksum handed up", v->index);
}

static void print_stats(const struct vif *v)
{
    struct netfront_stats s;

    netfront_stats(v->nf, &s);
    printf("netfront: vif%u stats rx %llu/%llu B tx %llu/%llu B dropped %llu busy %llu bad "
           "%llu %llu %llu %llu %llu %llu\n",
           v->index, (unsigned long long)s.rx_packets, (unsigned long long)s.rx_bytes,
           (unsigned long long)s.tx_packets, (unsigned long long)s.tx_bytes,
           (unsigned long long)s.rx_dropped, (unsigned long long)s.tx_busy,
           (unsigned long long)s.bad_id, (unsigned long long)s.dup_id,
           (unsigned long long)s.bad_offset, (unsigned long long)s.bad_status,
           (unsigned long long)s.bad_prod, (unsigned long long)s.bad_flags);
    EXPECT(s.bad_id + s.dup_id + s.bad_offset + s.bad_status + s.bad_prod + s.bad_flags == 0,
           "vif%u: netback sent no bad response", v->index);
}

/* Tell dom0 where we are and wait for its checks: data/<key> written by dom0. */
static void dom0_check(const char *what, const char *key)
{
    char path[64];
    int rc;

    snprintf(path, sizeof(path), "data/%s", key);
    printf("netfront: %s, waiting for dom0\n", what);
    fflush(stdout);
    rc = xs_wait_exists(path, deadline_in(60 * UK_NSEC_PER_SEC));
    EXPECT(rc == 0, "dom0 checked: %s (%d)", what, rc);
}

/*
 * Free pages, counting the heap's as free: malloc's heap grows by whole
 * pages and keeps them (below its trim threshold), by how much depending on
 * every allocation the runtime made before (its control thread's
 * included), so that the drivers' own pages are what is compared.
 */
static uint64_t pages_free_but_heap(void)
{
    return uk_page_free_count() + (heap_size() + UK_PAGE_SIZE - 1) / UK_PAGE_SIZE;
}

static int basic(void)
{
    unsigned int refs0;
    uint64_t free0;
    struct vif v;
    struct netfront *none = NULL;
    int rc;

    /*
     * The runtime's control thread allocates as it sets up (xenstore/control.c),
     * concurrently with what follows: its last step is this node.
     */
    if (xs_wait_exists("control/feature-reboot", deadline_in(OPEN_WAIT)))
        test_error("no control/feature-reboot: page counts may be off");
    refs0 = gnttab_refs_in_use();
    free0 = pages_free_but_heap();
    rc = netfront_open(7, &callbacks, &v, deadline_in(OPEN_WAIT), &none);

    EXPECT(rc == -ENOENT && !none && gnttab_refs_in_use() == refs0,
           "no vif 7: -ENOENT, nothing granted (%d)", rc);
    if (open_vif(&v, 0, 0x0a000002u))
        return test_result();
    printf("netfront: vif0 takes %llu pages, %u grants; %llu of %llu pages free\n",
           (unsigned long long)(free0 - pages_free_but_heap()), gnttab_refs_in_use() - refs0,
           (unsigned long long)uk_page_free_count(), (unsigned long long)uk_page_total_count());
    if (arp_dom0(&v)) {
        ping_one(&v);
        ping_shapes(&v);
        burst(&v);
        tcp_syn(&v);
    }
    print_stats(&v);
    dom0_check("connected", "connected");
    netfront_close(v.nf);
    EXPECT(gnttab_refs_in_use() == refs0, "every grant back after close (%u, %u)", refs0,
           gnttab_refs_in_use());
    EXPECT(pages_free_but_heap() >= free0 - 2, "every page back after close (%llu, %llu)",
           (unsigned long long)free0, (unsigned long long)pages_free_but_heap());
    dom0_check("closed", "closed");
    /* The same vif again: the backend, Closed, goes back to InitWait for us. */
    if (open_vif(&v, 0, 0x0a000002u) == 0) {
        arp_dom0(&v);
        netfront_close(v.nf);
    }
    EXPECT(gnttab_refs_in_use() == refs0, "every grant back after the reopen (%u, %u)", refs0,
           gnttab_refs_in_use());
    return test_result();
}

static int two(void)
{
    unsigned int refs0 = gnttab_refs_in_use();
    static struct vif v[2];
    uint64_t end;

    for (unsigned int i = 0; i < 2; i++)
        if (open_vif(&v[i], i, 0x0a000002u + i))
            return test_result();
    for (unsigned int i = 0; i < 2; i++)
        if (arp_dom0(&v[i]))
            ping_one(&v[i]);
    for (unsigned int i = 0; i < 2; i++)
        print_stats(&v[i]);
    netfront_close(v[0].nf);
    /* vif 1 is closed by its own rx callback, on the echo reply. */
    v[1].close_in_rx = true;
    EXPECT(send_ping(&v[1], 1) == 0, "vif1: echo request sent");
    end = deadline_in(REPLY_WAIT);
    while ((!v[1].closed_in_rx || gnttab_refs_in_use() != refs0) && uk_monotonic_ns() < end)
        uk_sleep_ns(UK_NSEC_PER_MSEC);
    EXPECT(v[1].closed_in_rx, "vif1: closed from its rx callback");
    EXPECT(gnttab_refs_in_use() == refs0, "every grant back after both closed (%u, %u)", refs0,
           gnttab_refs_in_use());
    return test_result();
}

static volatile int attached = -1;

static void on_new(unsigned int index, void *ctx)
{
    (void)ctx;
    printf("netfront: new vif %u\n", index);
    attached = (int)index;
}

static int detach(void)
{
    unsigned int refs0 = gnttab_refs_in_use(), list[8];
    static struct vif v, w;
    uint8_t f[60];
    uint64_t end;
    int n, rc;

    n = netfront_list(list, 8);
    EXPECT(n == 1 && list[0] == 0, "netfront_list: one vif, 0 (%d)", n);
    rc = netfront_watch_new(on_new, NULL);
    EXPECT(rc == 0, "watching for new vifs (%d)", rc);
    EXPECT(netfront_watch_new(on_new, NULL) == -EBUSY, "a second watcher is refused");
    if (open_vif(&v, 0, 0x0a000002u) || !arp_dom0(&v))
        return test_result();
    printf("netfront: ready for detach\n");
    fflush(stdout);
    end = deadline_in(60 * UK_NSEC_PER_SEC);
    while (!v.link_down && uk_monotonic_ns() < end)
        uk_sleep_ns(10 * UK_NSEC_PER_MSEC);
    EXPECT(v.link_down && !netfront_link_up(v.nf), "link down after xl network-detach");
    rc = send1(&v, f, arp(f, &v, 1, NULL, DOM0_IP));
    EXPECT(rc == -ENETDOWN, "tx on the detached vif: -ENETDOWN (%d)", rc);
    print_stats(&v);
    netfront_close(v.nf);
    EXPECT(gnttab_refs_in_use() == refs0, "every grant back after the detach (%u, %u)", refs0,
           gnttab_refs_in_use());
    printf("netfront: detached, waiting for attach\n");
    fflush(stdout);
    end = deadline_in(60 * UK_NSEC_PER_SEC);
    while (attached < 0 && uk_monotonic_ns() < end)
        uk_sleep_ns(10 * UK_NSEC_PER_MSEC);
    EXPECT(attached >= 0, "the watcher reported the attached vif (%d)", attached);
    if (attached < 0 || open_vif(&w, (unsigned int)attached, 0x0a000004u))
        return test_result();
    if (arp_dom0(&w))
        ping_one(&w);
    print_stats(&w);
    netfront_close(w.nf);
    EXPECT(gnttab_refs_in_use() == refs0, "every grant back at the end (%u, %u)", refs0,
           gnttab_refs_in_use());
    return test_result();
}

/*
 * A vif whose backend never answers (dom0 made its nodes, nobody serves
 * them): -ETIMEDOUT at the deadline, the teardown bounded, nothing kept.
 */
static int silent(void)
{
    unsigned int refs0 = gnttab_refs_in_use();
    struct netfront *nf = NULL;
    struct vif v;
    uint64_t t0, ms;
    int rc;

    memset(&v, 0, sizeof(v));
    rc = xs_wait_exists("data/silent-ready", deadline_in(60 * UK_NSEC_PER_SEC));
    if (rc) {
        test_error("dom0 did not make vif 5 (%d)", rc);
        return test_result();
    }
    t0 = uk_monotonic_ns();
    rc = netfront_open(5, &callbacks, &v, deadline_in(3 * UK_NSEC_PER_SEC), &nf);
    ms = (uk_monotonic_ns() - t0) / UK_NSEC_PER_MSEC;
    EXPECT(rc == -ETIMEDOUT && !nf, "vif 5, its backend silent: -ETIMEDOUT (%d) after %llu ms", rc,
           (unsigned long long)ms);
    EXPECT(ms >= 3000 && ms < 3000 + 3000, "the deadline kept, the teardown bounded (%llu ms)",
           (unsigned long long)ms);
    EXPECT(gnttab_refs_in_use() == refs0, "nothing granted after the failed open (%u, %u)", refs0,
           gnttab_refs_in_use());
    return test_result();
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "basic";

    if (!strcmp(mode, "basic"))
        return basic();
    if (!strcmp(mode, "two"))
        return two();
    if (!strcmp(mode, "detach"))
        return detach();
    if (!strcmp(mode, "silent"))
        return silent();
    test_error("unknown mode %s", mode);
    return test_result();
}
