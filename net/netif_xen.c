/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lwIP's netif over the netfront driver (internal/netfront.h), one per vif:
 * frames out through netfront_tx (a pbuf chain as fragments), frames in
 * copied into a pbuf and handed to the tcpip thread, link changes passed to
 * the worker (net.c), which removes a vif that is gone. docs/net.md.
 */
#include <errno.h>
#include <string.h>

#include <internal/format.h>
#include <internal/netfront.h>
#include <uk/kernel.h>

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/tcpip.h"
#include "net_private.h"
#include "netif/ethernet.h"

#define TX_FRAGS_MAX 16

static void xen_rx(void *ctx, const void *frame, size_t len, unsigned int flags)
{
    struct net_if *nif = ctx;
    struct pbuf *p;

    /* Not yet added to the stack (frames may come as soon as the vif is open), or going. */
    if (!nif->used || nif->gone || len > NETFRONT_FRAME_MAX)
        return;
    /* One pool pbuf holds a whole frame (PBUF_POOL_BUFSIZE >= NETFRONT_FRAME_MAX). */
    p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (!p || p->next) {
        if (p)
            pbuf_free(p);
        nif->rx_nomem++;
        return;
    }
    /*
     * The copy is what is parsed: the backend may still write `frame`. A
     * blank checksum was filled in by the driver; lwIP checks every one
     * (a frame still flagged NETFRONT_CSUM_BLANK, which the driver could
     * not complete, is dropped by that check if wrong).
     */
    (void)flags;
    memcpy(p->payload, frame, len);
    if (nif->netif.input(p, &nif->netif) != ERR_OK) {
        pbuf_free(p);
        nif->rx_nomem++;
    }
}

static void xen_link(void *ctx, bool up)
{
    net_post_link(ctx, up);
}

static const struct netfront_callbacks callbacks = {.rx = xen_rx, .link = xen_link};

static err_t xen_linkoutput(struct netif *netif, struct pbuf *p)
{
    struct net_if *nif = netif->state;
    struct netfront_frag frags[TX_FRAGS_MAX];
    static uint8_t flat[NETFRONT_FRAME_MAX];
    unsigned int n = 0;
    int rc;

    if (nif->gone || !nif->nf)
        return ERR_IF;
    if (p->tot_len > NETFRONT_FRAME_MAX)
        return ERR_VAL;
    for (struct pbuf *q = p; q && n < TX_FRAGS_MAX; q = q->next)
        if (q->len)
            frags[n++] = (struct netfront_frag){q->payload, q->len};
    if (pbuf_clen(p) > TX_FRAGS_MAX) {
        /* A long chain: one flat copy (tcpip thread only, so one buffer). */
        pbuf_copy_partial(p, flat, p->tot_len, 0);
        frags[0] = (struct netfront_frag){flat, p->tot_len};
        n = 1;
    }
    rc = netfront_tx(nif->nf, frags, n, 0);
    if (rc == 0)
        return ERR_OK;
    LINK_STATS_INC(link.drop);
    return rc == -ENOBUFS ? ERR_MEM : ERR_IF;
}

static void xen_status(struct netif *netif)
{
    struct net_if *nif = netif->state;

    if (netif_is_up(netif) && !ip4_addr_isany_val(*netif_ip4_addr(netif)))
        net_announce(nif);
    net_wake_waiters();
}

static err_t xen_netif_init(struct netif *netif)
{
    struct net_if *nif = netif->state;

    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->output = etharp_output;
    netif->linkoutput = xen_linkoutput;
    netif->mtu = NETFRONT_MTU;
    netif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(netif->hwaddr, nif->mac, ETH_HWADDR_LEN);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    netif_set_status_callback(netif, xen_status);
    return ERR_OK;
}

static void fmt_addr(char *buf, size_t size, uint32_t a)
{
    const uint8_t *b = (const uint8_t *)&a;

    ksnprintf(buf, size, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

void net_announce(struct net_if *nif)
{
    struct netif *n = &nif->netif;
    uint32_t mask = __builtin_bswap32(ip4_addr_get_u32(netif_ip4_netmask(n)));
    char addr[16], gw[16];
    const uint8_t *m = nif->mac;

    if (nif->announced)
        return;
    nif->announced = true;
    fmt_addr(addr, sizeof(addr), ip4_addr_get_u32(netif_ip4_addr(n)));
    fmt_addr(gw, sizeof(gw), ip4_addr_get_u32(netif_ip4_gw(n)));
    uk_printf("net: vif%u %02x:%02x:%02x:%02x:%02x:%02x %s/%d gw %s (%s)\n", nif->index, m[0], m[1],
              m[2], m[3], m[4], m[5], addr, mask ? 32 - __builtin_ctz(mask) : 0,
              ip4_addr_get_u32(netif_ip4_gw(n)) ? gw : "none", nif->dhcp ? "dhcp" : "static");
}

int netif_xen_attach(struct net_if *nif, unsigned int index, uint64_t deadline)
{
    const struct netcfg_if *c = index < NETCFG_IF_MAX ? &net_cfg.vif[index] : NULL;
    ip4_addr_t addr = {0}, mask = {0}, gw = {0};
    struct netfront *nf;
    int rc;

    memset(nif, 0, sizeof(*nif));
    /* Claimed before the wait in netfront_open: another attach takes another slot. */
    nif->claimed = true;
    nif->index = index;
    nif->dhcp = !c || !c->is_static;
    rc = netfront_open(index, &callbacks, nif, deadline, &nf);
    if (rc) {
        nif->claimed = false;
        return rc;
    }
    nif->nf = nf;
    netfront_mac(nf, nif->mac);
    if (c && c->is_static) {
        ip4_addr_set_u32(&addr, c->addr);
        ip4_addr_set_u32(&mask, c->mask);
        ip4_addr_set_u32(&gw, c->gw_set ? c->gw : 0);
    }
    LOCK_TCPIP_CORE();
    if (!netif_add(&nif->netif, &addr, &mask, &gw, nif, xen_netif_init, tcpip_input)) {
        UNLOCK_TCPIP_CORE();
        netfront_close(nf);
        nif->nf = NULL;
        nif->claimed = false;
        return -ENOMEM;
    }
    nif->used = true;
    if (!netif_default)
        netif_set_default(&nif->netif);
    if (netfront_link_up(nf))
        netif_set_link_up(&nif->netif);
    netif_set_up(&nif->netif);
    if (nif->dhcp)
        rc = dhcp_start(&nif->netif) == ERR_OK ? 0 : -ENOMEM;
    UNLOCK_TCPIP_CORE();
    if (rc)
        uk_printf("net: vif%u: cannot start DHCP\n", index);
    /* Its end came while it was being added (the worker ignored it then). */
    if (!netfront_link_up(nf)) {
        netif_xen_detach(nif);
        return -ENETDOWN;
    }
    return 0;
}

void netif_xen_detach(struct net_if *nif)
{
    struct netfront *nf = nif->nf;

    uk_printf("net: vif%u removed\n", nif->index);
    nif->gone = true;
    LOCK_TCPIP_CORE();
    if (nif->dhcp)
        dhcp_cleanup(&nif->netif);
    /* Aborts the TCP connections bound to its address: their sockets get ECONNABORTED. */
    netif_remove(&nif->netif);
    UNLOCK_TCPIP_CORE();
    netfront_close(nf);
    nif->nf = NULL;
    nif->used = false;
    nif->claimed = false;
    net_wake_waiters();
}
