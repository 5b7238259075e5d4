/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to net/: the pure part of netfront, every check of what the
 * backend writes (ring responses, producer indices, the `mac` node), apart
 * from the grant, event and XenStore plumbing so that host tests and the
 * fuzzer drive it directly (as gnttab/vchan_wire.c is for vchan).
 *
 * The caller copies each response out of the shared ring once
 * (RING_COPY_RESPONSE) and hands the copy here; nothing here reads shared
 * memory.
 */
#ifndef NET_NETFRONT_WIRE_H
#define NET_NETFRONT_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uk/ring.h>
#include <xen/io/netif.h>

#include <internal/netfront.h>

#define NFW_PAGE_SIZE 4096u
/* One page each: 256 slots for both rings (the ids run 0..255). */
#define NFW_TX_RING_SIZE __CONST_RING_SIZE(netif_tx, NFW_PAGE_SIZE)
#define NFW_RX_RING_SIZE __CONST_RING_SIZE(netif_rx, NFW_PAGE_SIZE)
#define NFW_ETH_HLEN     14

/* What was wrong with one response, if anything. */
enum nfw_kind {
    NFW_OK,
    NFW_BAD_ID,        /* id out of range */
    NFW_DUP_ID,        /* id not outstanding (unknown, repeated, or not this slot's) */
    NFW_BAD_OFFSET,    /* offset + size beyond the page, or a size too large */
    NFW_BAD_STATUS,    /* neither a size nor a NETIF_RSP_* code we can get */
    NFW_BAD_PROD,      /* rsp_prod ahead of what we requested */
    NFW_BAD_FLAGS,     /* flags we did not ask for */
    NFW_BACKEND_ERROR, /* NETIF_RSP_ERROR / NETIF_RSP_DROPPED: the backend's own drop */
    NFW_TOO_LONG,      /* a frame longer than NETFRONT_FRAME_MAX */
    NFW_RUNT,          /* a frame shorter than an Ethernet header */
    NFW_KINDS
};

/* The counter in struct netfront_stats that `kind` adds to (none for NFW_OK). */
void nfw_count(struct netfront_stats *st, enum nfw_kind kind);
/* A short phrase for the console ("out of range", ...). */
const char *nfw_kind_name(enum nfw_kind kind);

/*
 * Can the backend's rsp_prod be right? It may answer at most the requests
 * we pushed: rsp_prod - rsp_cons <= req_prod - rsp_cons (all modulo 2^32).
 * NFW_OK or NFW_BAD_PROD.
 */
enum nfw_kind nfw_check_prod(RING_IDX rsp_cons, RING_IDX rsp_prod, RING_IDX req_prod);

/*
 * A tx response. `outstanding[id]` says which of our `n` ids wait for an
 * answer. NFW_OK: *reclaim set, the id's buffer is ours again. Anything
 * else is counted and, except NFW_BAD_STATUS (a known id with a garbage
 * status: answered all the same, so reclaimed), leaves every id as it was.
 * We send no extra-info slots, so NETIF_RSP_NULL is a bad status here.
 */
enum nfw_kind nfw_tx_response(const struct netif_tx_response *rsp, const bool *outstanding,
                              unsigned int n, bool *reclaim);

/*
 * The rx ring's reassembly state. Each rx buffer is posted at the ring
 * positions equal to its id modulo the ring size, so the response at
 * position p answers the request at p: its buffer (id p & mask) comes back
 * whatever id the backend wrote, and the response must carry that id.
 */
struct nfw_rx {
    bool sg;        /* we asked for feature-sg: frames may span slots */
    bool extra;     /* the next slot is an extra-info segment */
    bool more;      /* a frame is open: its next slot follows */
    bool drop;      /* the open frame is being dropped */
    uint16_t len;   /* bytes of the open frame so far */
    uint16_t flags; /* NETFRONT_* of the open frame (from its first slot) */
};

/* What to do with one rx slot, once nfw_rx_slot has judged it. */
struct nfw_rx_step {
    enum nfw_kind kind; /* what was wrong, or NFW_OK (count it: nfw_count) */
    bool copy;          /* copy `size` bytes at `offset` in the slot's buffer to frame + `at` */
    uint16_t offset, size, at;
    bool deliver; /* the frame is complete: `len` bytes with NETFRONT_* `flags` */
    uint16_t len, flags;
};

void nfw_rx_init(struct nfw_rx *st, bool sg);
/*
 * One slot at ring position `pos`, its 8 bytes copied out of the ring once
 * (a response, or an extra-info segment when the previous slot said so).
 * Always consumes the slot: the caller then reposts the buffer of `pos`.
 * A bad slot drops its whole frame, and the frame's later slots with it.
 */
void nfw_rx_slot(struct nfw_rx *st, RING_IDX pos, const struct netif_rx_response *rsp,
                 struct nfw_rx_step *step);

/* NETFRONT_* flags as NETTXF_* for a tx request (csum_blank implies data_validated). */
uint16_t nfw_tx_flags(unsigned int flags, bool csum_offload);

/*
 * Fill in the transport checksum of an IPv4 TCP or UDP frame (Ethernet
 * header first) whose checksum field is blank or partial (NETRXF_csum_blank
 * / NETFRONT_CSUM_BLANK: Linux leaves the pseudo-header sum there): the
 * field is computed afresh from the IP header and the payload, whatever it
 * held. 0, or -EINVAL when the frame is none of those or its lengths do
 * not hold together (then nothing is written).
 */
int nfw_csum_fill(uint8_t *frame, size_t len);

/*
 * The frontend's `mac` node: exactly "xx:xx:xx:xx:xx:xx" in hex, a unicast,
 * non-zero address. 0, or -EINVAL.
 */
int nfw_parse_mac(const char *s, uint8_t mac[NETFRONT_MAC_LEN]);

#endif
