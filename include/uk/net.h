/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The network as an app sees it beyond the BSD sockets API (<sys/socket.h>,
 * <netinet/in.h>, <arpa/inet.h>, <netdb.h>, <poll.h>): its interfaces, their
 * addresses and the counters a service reports (docs/net.md). An app that
 * calls none of the network gets none of it linked in.
 */
#ifndef UK_NET_H
#define UK_NET_H

#include <stdbool.h>
#include <stdint.h>

/* How many interfaces (vifs) the runtime has, up or not. */
#define UK_NET_IF_MAX 4

struct uk_net_if {
    unsigned int index; /* N of device/vif/N */
    uint8_t mac[6];
    bool up;                 /* connected to its backend and addressed */
    bool dhcp;               /* address from DHCP (else ip= on the command line) */
    uint32_t addr, mask, gw; /* IPv4, network byte order; 0 when none */
    uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
    uint64_t rx_dropped, tx_busy;
    /* Bad responses from the backend, dropped and counted (docs/net.md). */
    uint64_t bad_id, dup_id, bad_offset, bad_status, bad_prod, bad_flags;
};

struct uk_net_stats {
    unsigned int interfaces; /* uk_net_if entries valid */
    unsigned int sockets;    /* sockets open now */
    unsigned int tcp_pcbs;   /* TCP connections the stack holds (any state) */
    unsigned int pbufs;      /* packet buffers in use (pool and heap) */
    uint64_t mem_errors;     /* allocations the stack could not make */
};

/*
 * Wait until some interface has an address (DHCP may still be running when
 * main starts), at most until `deadline` (monotonic ns, UK_TIME_NEVER for
 * ever). 0, or -ETIMEDOUT, or -ENODEV when the guest has no vif.
 */
int uk_net_wait_up(uint64_t deadline);

/* The stack's counters now. 0 or a negative errno. */
int uk_net_stats(struct uk_net_stats *st);

/* Interface number `i` (0 <= i < interfaces). 0, or -ENODEV. */
int uk_net_if_info(unsigned int i, struct uk_net_if *info);

#endif
