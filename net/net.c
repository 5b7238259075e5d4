/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The network stack's life: its init call (configuration from the command
 * line, the tcpip thread, the socket fds, every vif up), the worker thread
 * that attaches and removes vifs as they come and go, and the app's view
 * of it all (<uk/net.h>). docs/net.md, "Stack" and "Configuration".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <internal/cmdline.h>
#include <internal/fd.h>
#include <internal/kernel.h>
#include <internal/netfront.h>
#include <uk/net.h>
#include <uk/sched.h>

#include "lwip/dns.h"
#include "lwip/stats.h"
#include "lwip/tcpip.h"
#include "mbox.h"
#include "net_private.h"

_Static_assert(NETCFG_IF_MAX == UK_NET_IF_MAX, "one netcfg entry per interface");

struct net_if net_ifs[NETCFG_IF_MAX];
struct netcfg net_cfg;

/* Woken whenever an interface gets or loses its address. */
static struct uk_waitq up_wq;
/* The worker's events: link changes and new vifs, in order. */
static struct mbox *events;

enum ev_kind { EV_LINK_UP, EV_LINK_DOWN, EV_NEW_VIF };
struct event {
    enum ev_kind kind;
    struct net_if *nif;
    unsigned int index;
};

void net_needed(void)
{
    INITCALL_NEEDED(net_init);
}

static void post(enum ev_kind kind, struct net_if *nif, unsigned int index)
{
    struct event *ev = malloc(sizeof(*ev));

    if (!ev) {
        uk_printf("net: out of memory: a vif event is lost\n");
        return;
    }
    *ev = (struct event){kind, nif, index};
    mbox_post(events, ev);
}

void net_post_link(struct net_if *nif, bool up)
{
    post(up ? EV_LINK_UP : EV_LINK_DOWN, nif, nif->index);
}

void net_post_new_vif(unsigned int index)
{
    post(EV_NEW_VIF, NULL, index);
}

void net_wake_waiters(void)
{
    uk_waitq_wake_all(&up_wq);
}

/* A free slot for vif `index`; NULL when it is attached already (quietly) or none is free. */
static struct net_if *free_slot(unsigned int index)
{
    for (unsigned int i = 0; i < NETCFG_IF_MAX; i++)
        if (net_ifs[i].claimed && net_ifs[i].index == index)
            return NULL;
    for (unsigned int i = 0; i < NETCFG_IF_MAX; i++)
        if (!net_ifs[i].claimed)
            return &net_ifs[i];
    uk_printf("net: vif%u: not attached: %d vifs at most\n", index, NETCFG_IF_MAX);
    return NULL;
}

static void attach(unsigned int index, uint64_t deadline)
{
    struct net_if *nif = free_slot(index);
    int rc;

    if (!nif)
        return;
    rc = netif_xen_attach(nif, index, deadline);
    if (rc)
        uk_printf("net: vif%u: cannot attach: %d\n", index, rc);
}

static void handle(struct event *ev)
{
    struct net_if *nif = ev->nif;

    switch (ev->kind) {
    case EV_NEW_VIF:
        attach(ev->index, uk_deadline_in(10 * UK_NSEC_PER_SEC));
        break;
    case EV_LINK_UP:
        if (!nif->used || nif->gone)
            break;
        LOCK_TCPIP_CORE();
        netif_set_link_up(&nif->netif);
        UNLOCK_TCPIP_CORE();
        break;
    case EV_LINK_DOWN:
        if (!nif->used || nif->gone)
            break;
        /* The driver says down only when the vif is over (closed, gone, broken). */
        netif_xen_detach(nif);
        break;
    }
}

static void worker(void *arg)
{
    (void)arg;
    for (;;) {
        void *ev;

        mbox_fetch(events, &ev, UK_TIME_NEVER);
        handle(ev);
        free(ev);
    }
}

static void on_new_vif(unsigned int index, void *ctx)
{
    (void)ctx;
    net_post_new_vif(index);
}

static void tcpip_ready(void *arg)
{
    uk_sem_up(arg);
}

/* The configuration: the command line's network keys, which main's argv does not get. */
static void configure(void)
{
    static char buf[1024];
    char *words[64], err[160];
    struct cmdline_args a = cmdline_parse(kernel_cmdline(), buf, sizeof(buf), words, 64, 0);

    netcfg_init(&net_cfg);
    for (int i = 0; i < a.argc; i++)
        if (netcfg_apply(&net_cfg, words[i], err, sizeof(err)) < 0)
            goto bad;
    if (netcfg_check(&net_cfg, err, sizeof(err)) < 0)
        goto bad;
    kernel_cmdline_claim(netcfg_is_key);
    return;
bad:
    uk_printf("net: %s\n", err);
    kernel_exit(2);
}

static bool dhcp_pending(void *ctx)
{
    (void)ctx;
    for (unsigned int i = 0; i < NETCFG_IF_MAX; i++)
        if (net_ifs[i].used && net_ifs[i].dhcp && !net_ifs[i].announced)
            return true;
    return false;
}

static bool dhcp_done(void *ctx)
{
    return !dhcp_pending(ctx);
}

static void bring_up_vifs(void)
{
    unsigned int idx[NETCFG_IF_MAX];
    uint64_t deadline = uk_deadline_in(10 * UK_NSEC_PER_SEC);
    int n;

    /* Watching first, then listing: a vif cannot slip between the two (one in both is attached
     * once). */
    if (netfront_watch_new(on_new_vif, NULL))
        uk_printf("net: cannot watch for new vifs\n");
    n = netfront_list(idx, NETCFG_IF_MAX);
    if (n < 0)
        uk_printf("net: cannot list the vifs: %d\n", n);
    for (int i = 0; i < n; i++)
        attach(idx[i], deadline);
    if (!dhcp_pending(NULL))
        return;
    deadline = uk_deadline_in(net_cfg.dhcp_wait_s * UK_NSEC_PER_SEC);
    if (uk_waitq_wait_cond(&up_wq, "dhcp", dhcp_done, NULL, deadline))
        for (unsigned int i = 0; i < NETCFG_IF_MAX; i++)
            if (net_ifs[i].used && net_ifs[i].dhcp && !net_ifs[i].announced)
                uk_printf("net: vif%u: no DHCP lease after %u s (still asking)\n", net_ifs[i].index,
                          net_cfg.dhcp_wait_s);
}

/*
 * exit() (atexit): every vif says goodbye to its backend (Closing, Closed,
 * grants ended) before the domain goes, as a driver unloading would, so
 * netback sees a frontend that closed rather than one that vanished.
 */
static void net_shutdown(void)
{
    for (unsigned int i = 0; i < NETCFG_IF_MAX; i++) {
        struct net_if *nif = &net_ifs[i];
        unsigned int index = nif->index;
        uint64_t t0 = uk_monotonic_ns();

        /* A vif the worker is removing (gone) or adding (not used yet) is its. */
        if (!nif->used || nif->gone)
            continue;
        netif_xen_detach(nif);
        uk_printf("net: vif%u closed at exit (%llu ms)\n", index,
                  (unsigned long long)((uk_monotonic_ns() - t0) / UK_NSEC_PER_MSEC));
    }
}

static int net_init(void)
{
    struct uk_sem ready;
    struct uk_thread *t;
    int rc;

    configure();
    uk_waitq_init(&up_wq);
    events = mbox_new(32);
    if (!events)
        return -ENOMEM;
    uk_sem_init(&ready, 0);
    tcpip_init(tcpip_ready, &ready);
    uk_sem_down(&ready);
    LOCK_TCPIP_CORE();
    for (unsigned int i = 0; i < net_cfg.ndns; i++) {
        ip_addr_t a = IPADDR4_INIT(net_cfg.dns[i]);

        dns_setserver((u8_t)i, &a);
    }
    UNLOCK_TCPIP_CORE();
    rc = kernel_fd_range_set(LWIP_SOCKET_OFFSET, MEMP_NUM_NETCONN, &net_socket_fd_ops);
    if (rc)
        return rc;
    t = uk_thread_create("net", worker, NULL, 0);
    if (!t)
        return -ENOMEM;
    uk_thread_detach(t);
    if (atexit(net_shutdown))
        uk_printf("net: cannot register the close at exit\n");
    bring_up_vifs();
    return 0;
}
INITCALL(net_init, 3);

static bool any_up(void *ctx)
{
    (void)ctx;
    for (unsigned int i = 0; i < NETCFG_IF_MAX; i++) {
        struct net_if *nif = &net_ifs[i];

        if (nif->used && !nif->gone && netif_is_up(&nif->netif) && netif_is_link_up(&nif->netif) &&
            !ip4_addr_isany_val(*netif_ip4_addr(&nif->netif)))
            return true;
    }
    return false;
}

static bool any_vif(void)
{
    for (unsigned int i = 0; i < NETCFG_IF_MAX; i++)
        if (net_ifs[i].used)
            return true;
    return false;
}

int uk_net_wait_up(uint64_t deadline)
{
    net_needed();
    if (!any_vif())
        return -ENODEV;
    return uk_waitq_wait_cond(&up_wq, "net up", any_up, NULL, deadline);
}

static unsigned int pool_used(int pool)
{
    return lwip_stats.memp[pool] ? lwip_stats.memp[pool]->used : 0;
}

int uk_net_stats(struct uk_net_stats *st)
{
    net_needed();
    memset(st, 0, sizeof(*st));
    for (unsigned int i = 0; i < NETCFG_IF_MAX; i++)
        st->interfaces += net_ifs[i].used;
    st->sockets = pool_used(MEMP_NETCONN);
    st->tcp_pcbs = pool_used(MEMP_TCP_PCB) + pool_used(MEMP_TCP_PCB_LISTEN);
    st->pbufs = pool_used(MEMP_PBUF) + pool_used(MEMP_PBUF_POOL);
    st->mem_errors = lwip_stats.mem.err;
    for (int i = 0; i < MEMP_MAX; i++)
        if (lwip_stats.memp[i])
            st->mem_errors += lwip_stats.memp[i]->err;
    return 0;
}

int uk_net_if_info(unsigned int i, struct uk_net_if *info)
{
    unsigned int n = 0;

    net_needed();
    for (unsigned int k = 0; k < NETCFG_IF_MAX; k++) {
        struct net_if *nif = &net_ifs[k];
        struct netfront_stats fs = {0};

        if (!nif->used || n++ != i)
            continue;
        memset(info, 0, sizeof(*info));
        info->index = nif->index;
        memcpy(info->mac, nif->mac, sizeof(info->mac));
        info->dhcp = nif->dhcp;
        LOCK_TCPIP_CORE();
        info->up = !nif->gone && netif_is_up(&nif->netif) && netif_is_link_up(&nif->netif);
        info->addr = ip4_addr_get_u32(netif_ip4_addr(&nif->netif));
        info->mask = ip4_addr_get_u32(netif_ip4_netmask(&nif->netif));
        info->gw = ip4_addr_get_u32(netif_ip4_gw(&nif->netif));
        UNLOCK_TCPIP_CORE();
        info->up = info->up && info->addr;
        if (nif->nf)
            netfront_stats(nif->nf, &fs);
        info->rx_packets = fs.rx_packets;
        info->rx_bytes = fs.rx_bytes;
        info->tx_packets = fs.tx_packets;
        info->tx_bytes = fs.tx_bytes;
        info->rx_dropped = fs.rx_dropped + nif->rx_nomem;
        info->tx_busy = fs.tx_busy;
        info->bad_id = fs.bad_id;
        info->dup_id = fs.dup_id;
        info->bad_offset = fs.bad_offset;
        info->bad_status = fs.bad_status;
        info->bad_prod = fs.bad_prod;
        info->bad_flags = fs.bad_flags;
        return 0;
    }
    return -ENODEV;
}
