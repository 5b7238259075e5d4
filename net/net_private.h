/* SPDX-License-Identifier: BSD-2-Clause */
/* What the files of net/ share (docs/net.md). */
#ifndef NET_NET_PRIVATE_H
#define NET_NET_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "lwip/netif.h"
#include "netcfg.h"

/*
 * Keeps the stack's init call in the image (INITCALL_NEEDED): called from
 * what every use of the stack reaches (lwIP's core lock and its mailbox
 * posts, uk_net_*), so an app that never touches the network has none of it.
 */
void net_needed(void);

/* One vif as the stack sees it: a netif over a struct netfront. */
struct net_if {
    struct netif netif;
    struct netfront *nf;
    unsigned int index; /* N of device/vif/N */
    bool claimed;       /* this slot is taken, attached or being attached */
    bool used;          /* this slot holds a vif added to the stack */
    bool dhcp;
    bool gone;      /* being removed: frames from it are dropped */
    bool announced; /* its address has been logged */
    uint8_t mac[6];
    uint64_t rx_nomem; /* frames dropped for want of a pbuf */
};

extern struct net_if net_ifs[NETCFG_IF_MAX];
extern struct netcfg net_cfg;

/* netif_xen.c: open vif `index` and add it to the stack, configured; 0 or -errno. */
int netif_xen_attach(struct net_if *nif, unsigned int index, uint64_t deadline);
/* Remove it from the stack (its TCP connections are aborted) and close the vif. */
void netif_xen_detach(struct net_if *nif);
/* The worker's events (net.c): a link change of `nif`, a vif that appeared. */
void net_post_link(struct net_if *nif, bool up);
void net_post_new_vif(unsigned int index);
/* Log `nif`'s address once it has one (tcpip thread, status callback). */
void net_announce(struct net_if *nif);
/* Someone may be waiting for an address (uk_net_wait_up). */
void net_wake_waiters(void);
/* The socket fds' operations for read/write/close/fcntl (sockets.c). */
struct fd_ops;
extern const struct fd_ops net_socket_fd_ops;
#endif
