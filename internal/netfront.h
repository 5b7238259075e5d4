/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Xen netfront driver (net/netfront.c) as the network stack's glue
 * (net/netif_xen.c) sees it: one struct netfront per vif (device/vif/N),
 * Ethernet frames out through netfront_tx, frames in through the rx
 * callback, link changes (the backend closing, a vif detached, one attached
 * later) through the link callback. The driver never trusts its backend:
 * every response is validated and copied once (docs/net.md).
 */
#ifndef INTERNAL_NETFRONT_H
#define INTERNAL_NETFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETFRONT_MAC_LEN 6
/* The largest frame either way without GSO: MTU 1500 + Ethernet header. */
#define NETFRONT_MTU       1500
#define NETFRONT_FRAME_MAX (NETFRONT_MTU + 14)

struct netfront;

/* Per-frame flags, both ways (from Xen's NETTXF_ / NETRXF_ meanings). */
#define NETFRONT_CSUM_BLANK     0x1u /* transport checksum not yet filled in */
#define NETFRONT_DATA_VALIDATED 0x2u /* checksum known good, need not be checked */

struct netfront_callbacks {
    /*
     * A frame arrived, its response validated. Runs on the driver's rx
     * thread (never in an event handler), may block briefly. `frame` is
     * valid only during the call and may sit in a page the backend can
     * still write: copy it (into a pbuf) before parsing any of it, so that
     * the copy is the one read. `len` <= NETFRONT_FRAME_MAX.
     */
    void (*rx)(void *ctx, const void *frame, size_t len, unsigned int flags);
    /* The link came up (connected) or went down (backend closed, vif gone). */
    void (*link)(void *ctx, bool up);
};

/* One piece of an outgoing frame (a pbuf of a chain). */
struct netfront_frag {
    const void *data;
    size_t len;
};

/*
 * Connect to the vif at device/vif/<index>: xenbus handshake, rings, rx
 * buffers posted; waits for the backend at most until `deadline`
 * (monotonic ns). 0 and *out set, or a negative errno (-ENOENT: no such
 * vif; -ETIMEDOUT: the backend did not connect).
 */
int netfront_open(unsigned int index, const struct netfront_callbacks *cb, void *ctx,
                  uint64_t deadline, struct netfront **out);
/* Disconnect cleanly (XenbusStateClosing/Closed), end every grant, free all. */
void netfront_close(struct netfront *nf);

/* The MAC from the frontend's `mac` node, checked when opened. */
void netfront_mac(const struct netfront *nf, uint8_t mac[NETFRONT_MAC_LEN]);
unsigned int netfront_index(const struct netfront *nf);
bool netfront_link_up(const struct netfront *nf);

/*
 * Send one frame made of `n` pieces (total <= NETFRONT_FRAME_MAX), with
 * NETFRONT_* flags. The data is copied before return (into tx buffers whose
 * grants are kept and reused). -ENOBUFS when the ring or the buffers are
 * full (the caller may drop or retry), -ENETDOWN when the link is down,
 * -EMSGSIZE when too long.
 */
int netfront_tx(struct netfront *nf, const struct netfront_frag *frags, unsigned int n,
                unsigned int flags);

/*
 * The complete vifs (backend-id written) under device/vif now, ascending, at most `max`;
 * the count, or a negative errno.
 */
int netfront_list(unsigned int *indices, unsigned int max);

/*
 * Call `fn` once for every vif that appears under device/vif after this
 * call (xl network-attach), on the driver's watch thread. One watcher.
 */
int netfront_watch_new(void (*fn)(unsigned int index, void *ctx), void *ctx);

/* Counters, for /stats, tests and benchmarks. */
struct netfront_stats {
    uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
    uint64_t rx_dropped; /* no room upstream, or errors the backend reported */
    uint64_t tx_busy;    /* netfront_tx refused with -ENOBUFS */
    uint64_t bad_id;     /* response id out of range */
    uint64_t dup_id;     /* response for an id not outstanding (unknown or repeated) */
    uint64_t bad_offset; /* offset + size beyond the page, or a size too large */
    uint64_t bad_status; /* a status that is neither a size nor a NETIF_RSP_* code */
    uint64_t bad_prod;   /* rsp_prod more than a ring ahead of our consumer */
    uint64_t bad_flags;  /* flags we did not ask for (extra_info, more_data without sg) */
};
void netfront_stats(const struct netfront *nf, struct netfront_stats *st);

#endif
