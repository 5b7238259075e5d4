/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netfront-hostile: the netfront driver (internal/netfront.h) under a
 * hostile backend, in real Xen; see tests/cases/net-hostile.test.
 *
 * The guest opens vif 0 (Linux's netback in dom0, on the bridge xenbr0)
 * and every vif that appears later (netfront_watch_new): dom0's
 * tests/peers/netback_evil.c plays the backend of those and answers with
 * bad responses. On vif N the guest is 10.0.N.2 and answers ARP requests
 * and ICMP echo requests for that address: dom0 pings vif 0 before and
 * after the attack, the peer sends ARP requests between its phases.
 *
 * Whenever dom0 writes data/netfront-hostile/ask, the guest writes each
 * open vif's counters to data/netfront-hostile/vifN ("name=value ...") and
 * then the value asked to .../answer. Once dom0 writes .../done it prints
 * every vif's counters, checks vif 0 (up, served, no bad response counted),
 * closes every vif and ends.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <internal/netfront.h>
#include <uk/sched.h>
#include <uk/time.h>
#include <uk/xenstore.h>

#define TEST_NAME "netfront-hostile"
#include "../report.h"

#define MAX_VIFS 8
#define DIR      "data/netfront-hostile"

struct vif {
    struct netfront *nf;
    unsigned int index;
    uint8_t mac[NETFRONT_MAC_LEN];
    uint8_t ip[4];
    uint64_t arp_answered, ping_answered, tx_errors;
};

static struct vif vifs[MAX_VIFS];
static unsigned int nvifs;
static struct uk_mutex vifs_lock;

/* Indices the watch reported, for the opener thread. */
static unsigned int pending[MAX_VIFS];
static unsigned int npending;
static struct uk_sem pending_sem;

static uint16_t csum(const uint8_t *p, size_t len)
{
    uint32_t s = 0;

    for (size_t i = 0; i + 1 < len; i += 2)
        s += (uint32_t)p[i] << 8 | p[i + 1];
    if (len & 1)
        s += (uint32_t)p[len - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static void send(struct vif *v, const uint8_t *f, size_t len)
{
    struct netfront_frag frag = {.data = f, .len = len};
    int rc = netfront_tx(v->nf, &frag, 1, 0);

    if (rc)
        v->tx_errors++;
}

static void answer_arp(struct vif *v, const uint8_t *in, size_t len)
{
    uint8_t out[42];

    /* Ethernet/IPv4 request for our address. */
    if (len < 42 || in[14] != 0 || in[15] != 1 || in[16] != 8 || in[17] != 0 || in[21] != 1 ||
        memcmp(in + 38, v->ip, 4) != 0)
        return;
    memcpy(out, in + 6, 6);
    memcpy(out + 6, v->mac, 6);
    memcpy(out + 12, in + 12, 2);
    memcpy(out + 14, in + 14, 6);
    out[20] = 0;
    out[21] = 2;
    memcpy(out + 22, v->mac, 6);
    memcpy(out + 28, v->ip, 4);
    memcpy(out + 32, in + 22, 10); /* their MAC and address */
    send(v, out, sizeof(out));
    v->arp_answered++;
}

static void answer_ping(struct vif *v, const uint8_t *in, size_t len)
{
    static uint8_t out[NETFRONT_FRAME_MAX];
    size_t ihl, iplen;

    if (len < 34 || (in[14] >> 4) != 4 || in[23] != 1 || memcmp(in + 30, v->ip, 4) != 0)
        return;
    ihl = (size_t)(in[14] & 0xf) * 4;
    iplen = (size_t)in[16] << 8 | in[17];
    if (ihl < 20 || iplen < ihl + 8 || 14 + iplen > len || in[14 + ihl] != 8)
        return;
    memcpy(out, in + 6, 6);
    memcpy(out + 6, v->mac, 6);
    memcpy(out + 12, in + 12, 14 + iplen - 12);
    /* Swapped addresses leave the IP header's checksum as it was. */
    memcpy(out + 26, in + 30, 4);
    memcpy(out + 30, in + 26, 4);
    out[14 + ihl] = 0; /* echo reply */
    out[14 + ihl + 2] = out[14 + ihl + 3] = 0;
    uint16_t c = csum(out + 14 + ihl, iplen - ihl);
    out[14 + ihl + 2] = (uint8_t)(c >> 8);
    out[14 + ihl + 3] = (uint8_t)c;
    send(v, out, 14 + iplen);
    v->ping_answered++;
}

static void on_rx(void *ctx, const void *frame, size_t len, unsigned int flags)
{
    static uint8_t copy[NETFRONT_FRAME_MAX];
    struct vif *v = ctx;

    (void)flags;
    if (len > sizeof(copy))
        return;
    /* The page may still be the backend's: parse our own copy. */
    memcpy(copy, frame, len);
    if (len >= 14 && copy[12] == 0x08 && copy[13] == 0x06)
        answer_arp(v, copy, len);
    else if (len >= 14 && copy[12] == 0x08 && copy[13] == 0x00)
        answer_ping(v, copy, len);
}

static void on_link(void *ctx, bool up)
{
    struct vif *v = ctx;

    printf("netfront-hostile: vif %u link %s\n", v->index, up ? "up" : "down");
}

static const struct netfront_callbacks callbacks = {.rx = on_rx, .link = on_link};

static bool is_open(unsigned int index)
{
    for (unsigned int i = 0; i < nvifs; i++)
        if (vifs[i].index == index)
            return true;
    return false;
}

/* The slot is taken under the lock, the vif opened outside it (that may take seconds). */
static void open_vif(unsigned int index)
{
    struct netfront *nf;
    struct vif *v;
    int rc;

    uk_mutex_lock(&vifs_lock);
    if (is_open(index) || nvifs == MAX_VIFS) {
        uk_mutex_unlock(&vifs_lock);
        return;
    }
    v = &vifs[nvifs++];
    memset(v, 0, sizeof(*v));
    v->index = index;
    v->ip[0] = 10;
    v->ip[2] = (uint8_t)index;
    v->ip[3] = 2;
    uk_mutex_unlock(&vifs_lock);
    rc = netfront_open(index, &callbacks, v, uk_deadline_in(20 * UK_NSEC_PER_SEC), &nf);
    if (rc) {
        printf("netfront-hostile: vif %u did not open: %d\n", index, rc);
        return;
    }
    uk_mutex_lock(&vifs_lock);
    netfront_mac(nf, v->mac);
    v->nf = nf;
    uk_mutex_unlock(&vifs_lock);
    printf("netfront-hostile: vif %u open, mac %02x:%02x:%02x:%02x:%02x:%02x, 10.0.%u.2\n", index,
           v->mac[0], v->mac[1], v->mac[2], v->mac[3], v->mac[4], v->mac[5], index);
}

static void on_new(unsigned int index, void *ctx)
{
    (void)ctx;
    if (npending < MAX_VIFS) {
        pending[npending++] = index;
        uk_sem_up(&pending_sem);
    }
}

/* Opens what the watch reported, away from the driver's watch thread. */
static void opener(void *arg)
{
    (void)arg;
    for (;;) {
        unsigned int index;

        uk_sem_down(&pending_sem);
        index = pending[0];
        npending--;
        memmove(pending, pending + 1, npending * sizeof(pending[0]));
        open_vif(index);
    }
}

static int format_stats(const struct vif *v, char *buf, size_t size)
{
    struct netfront_stats st;

    netfront_stats(v->nf, &st);
    return snprintf(buf, size,
                    "rx_packets=%llu tx_packets=%llu rx_dropped=%llu tx_busy=%llu bad_id=%llu "
                    "dup_id=%llu bad_offset=%llu bad_status=%llu bad_prod=%llu bad_flags=%llu "
                    "link=%d arp=%llu ping=%llu tx_errors=%llu",
                    (unsigned long long)st.rx_packets, (unsigned long long)st.tx_packets,
                    (unsigned long long)st.rx_dropped, (unsigned long long)st.tx_busy,
                    (unsigned long long)st.bad_id, (unsigned long long)st.dup_id,
                    (unsigned long long)st.bad_offset, (unsigned long long)st.bad_status,
                    (unsigned long long)st.bad_prod, (unsigned long long)st.bad_flags,
                    netfront_link_up(v->nf), (unsigned long long)v->arp_answered,
                    (unsigned long long)v->ping_answered, (unsigned long long)v->tx_errors);
}

/* Answers dom0's requests for the counters (data/netfront-hostile/ask). */
static void reporter(void *arg)
{
    struct xs_watch *w = arg;

    for (;;) {
        char ask[32], path[64], buf[320], *p;

        if (xs_watch_wait(w, &p, 0))
            return;
        free(p);
        if (xs_read_buf(XS_NO_TX, DIR "/ask", ask, sizeof(ask)) < 0)
            continue;
        uk_mutex_lock(&vifs_lock);
        for (unsigned int i = 0; i < nvifs; i++) {
            if (!vifs[i].nf)
                continue;
            format_stats(&vifs[i], buf, sizeof(buf));
            snprintf(path, sizeof(path), DIR "/vif%u", vifs[i].index);
            xs_write(XS_NO_TX, path, buf);
        }
        uk_mutex_unlock(&vifs_lock);
        xs_write(XS_NO_TX, DIR "/answer", ask);
    }
}

int main(void)
{
    unsigned int idx[MAX_VIFS];
    struct xs_watch *w;
    char buf[320];
    int n, rc;

    uk_mutex_init(&vifs_lock);
    uk_sem_init(&pending_sem, 0);
    rc = xs_write(XS_NO_TX, DIR "/answer", "0");
    w = rc ? NULL : xs_watch(DIR "/ask", NULL, NULL);
    if (!w || !uk_thread_create("reporter", reporter, w, 0) ||
        !uk_thread_create("opener", opener, NULL, 0)) {
        test_error("set up (%d)", rc);
        return test_result();
    }
    /* The watch first, so that no vif falls between the list and it. */
    rc = netfront_watch_new(on_new, NULL);
    n = rc ? rc : netfront_list(idx, MAX_VIFS);
    if (n <= 0 || idx[0] != 0) {
        test_error("no vif 0 (%d)", n);
        return test_result();
    }
    for (int i = 0; i < n; i++)
        open_vif(idx[i]);
    if (!vifs[0].nf || vifs[0].index != 0) {
        test_error("vif 0 did not open");
        return test_result();
    }
    printf("netfront-hostile: ready\n");

    rc = xs_wait_exists(DIR "/done", uk_deadline_in(200 * UK_NSEC_PER_SEC));
    EXPECT(rc == 0, "dom0 said done (%d)", rc);

    uk_mutex_lock(&vifs_lock);
    for (unsigned int i = 0; i < nvifs; i++) {
        if (!vifs[i].nf)
            continue;
        format_stats(&vifs[i], buf, sizeof(buf));
        printf("netfront-hostile: vif %u: %s\n", vifs[i].index, buf);
    }
    if (vifs[0].nf) {
        struct netfront_stats st;
        struct vif *v = &vifs[0];

        netfront_stats(v->nf, &st);
        EXPECT(netfront_link_up(v->nf), "vif 0 is still up");
        EXPECT(v->ping_answered > 0 && v->arp_answered > 0,
               "vif 0 served dom0: %llu pings, %llu ARP requests answered",
               (unsigned long long)v->ping_answered, (unsigned long long)v->arp_answered);
        EXPECT(st.bad_id + st.dup_id + st.bad_offset + st.bad_status + st.bad_prod + st.bad_flags ==
                   0,
               "Linux's netback on vif 0 sent no bad response");
    }
    unsigned int opened = 0;

    for (unsigned int i = 0; i < nvifs; i++)
        opened += vifs[i].nf != NULL;
    EXPECT(opened > 1, "%u of %u vifs opened (the hostile ones after boot)", opened, nvifs);
    uk_mutex_unlock(&vifs_lock);

    /* Whatever the backends did, closing must end and free everything. */
    for (unsigned int i = 0; i < nvifs; i++) {
        if (!vifs[i].nf)
            continue;
        netfront_close(vifs[i].nf);
        printf("netfront-hostile: vif %u closed\n", vifs[i].index);
    }
    return test_result();
}
