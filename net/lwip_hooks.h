/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hooks lwIP calls into the port (LWIP_HOOK_FILENAME in lwipopts.h):
 * included by lwIP's own sources, so it declares only what they need.
 */
#ifndef NET_LWIP_HOOKS_H
#define NET_LWIP_HOOKS_H

#include "lwip/err.h"

struct tcp_pcb;
struct tcp_hdr;
struct pbuf;
struct netif;

/* A segment for `pcb` (net/tcp_timewait.c); anything but ERR_OK drops it. */
err_t net_tcp_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr, struct pbuf *p);
/* Every IPv4 packet in, seen before lwIP takes it (net/dns_rcode.c); 0 lets it on. */
int net_dns_peek(struct pbuf *p, struct netif *inp);

#endif
