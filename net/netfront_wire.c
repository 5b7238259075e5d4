/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netfront's checks of what the backend writes: the producer index, each
 * tx and rx response (copied out of the ring by the caller), the rx
 * reassembly of frames that span slots, and the `mac` node. Pure code:
 * host-tested (tests/unit/test_netfront_wire.c) and fuzzed
 * (tests/fuzz/fuzz_netfront.c).
 */
#include <errno.h>
#include <string.h>

#include "netfront_wire.h"

/* The rx flags we can be given: we ask for no GSO, so no extra-info or GSO prefix. */
#define RX_FLAGS_KNOWN                                                                             \
    (NETRXF_data_validated | NETRXF_csum_blank | NETRXF_more_data | NETRXF_extra_info |            \
     NETRXF_gso_prefix)

void nfw_count(struct netfront_stats *st, enum nfw_kind kind)
{
    switch (kind) {
    case NFW_BAD_ID:
        st->bad_id++;
        break;
    case NFW_DUP_ID:
        st->dup_id++;
        break;
    case NFW_BAD_OFFSET:
        st->bad_offset++;
        break;
    case NFW_BAD_STATUS:
        st->bad_status++;
        break;
    case NFW_BAD_PROD:
        st->bad_prod++;
        break;
    case NFW_BAD_FLAGS:
        st->bad_flags++;
        break;
    case NFW_BACKEND_ERROR:
    case NFW_TOO_LONG:
    case NFW_RUNT:
        st->rx_dropped++;
        break;
    case NFW_OK:
    case NFW_KINDS:
        break;
    }
}

const char *nfw_kind_name(enum nfw_kind kind)
{
    static const char *const names[NFW_KINDS] = {
        [NFW_OK] = "ok",
        [NFW_BAD_ID] = "id out of range",
        [NFW_DUP_ID] = "id not outstanding",
        [NFW_BAD_OFFSET] = "offset + size beyond the page",
        [NFW_BAD_STATUS] = "bad status",
        [NFW_BAD_PROD] = "rsp_prod more than a ring ahead",
        [NFW_BAD_FLAGS] = "flags not asked for",
        [NFW_BACKEND_ERROR] = "error status from the backend",
        [NFW_TOO_LONG] = "frame too long",
        [NFW_RUNT] = "frame shorter than an Ethernet header",
    };

    return (unsigned int)kind < NFW_KINDS ? names[kind] : "?";
}

enum nfw_kind nfw_check_prod(RING_IDX rsp_cons, RING_IDX rsp_prod, RING_IDX req_prod)
{
    /* Unsigned differences: both wrap the same way, so this holds across 2^32. */
    return (RING_IDX)(rsp_prod - rsp_cons) <= (RING_IDX)(req_prod - rsp_cons) ? NFW_OK
                                                                              : NFW_BAD_PROD;
}

enum nfw_kind nfw_tx_response(const struct netif_tx_response *rsp, const bool *outstanding,
                              unsigned int n, bool *reclaim)
{
    *reclaim = false;
    if (rsp->id >= n)
        return NFW_BAD_ID;
    if (!outstanding[rsp->id])
        return NFW_DUP_ID;
    /* The request was answered, whatever the status says: its buffer is free. */
    *reclaim = true;
    switch (rsp->status) {
    case NETIF_RSP_OKAY:
    case NETIF_RSP_ERROR:
    case NETIF_RSP_DROPPED:
        return NFW_OK;
    default:
        return NFW_BAD_STATUS;
    }
}

void nfw_rx_init(struct nfw_rx *st, bool sg)
{
    memset(st, 0, sizeof(*st));
    st->sg = sg;
}

static uint16_t rx_flags(uint16_t f)
{
    uint16_t out = 0;

    if (f & NETRXF_csum_blank)
        out |= NETFRONT_CSUM_BLANK | NETFRONT_DATA_VALIDATED;
    if (f & NETRXF_data_validated)
        out |= NETFRONT_DATA_VALIDATED;
    return out;
}

/* The first fault of a response slot, or NFW_OK. */
static enum nfw_kind rx_judge(const struct nfw_rx *st, RING_IDX pos,
                              const struct netif_rx_response *rsp)
{
    if (rsp->id >= NFW_RX_RING_SIZE)
        return NFW_BAD_ID;
    if (rsp->id != (pos & (NFW_RX_RING_SIZE - 1)))
        return NFW_DUP_ID;
    if (rsp->status < 0)
        return rsp->status == NETIF_RSP_ERROR || rsp->status == NETIF_RSP_DROPPED
                   ? NFW_BACKEND_ERROR
                   : NFW_BAD_STATUS;
    if (rsp->offset >= NFW_PAGE_SIZE || (uint32_t)rsp->status > NFW_PAGE_SIZE - rsp->offset)
        return NFW_BAD_OFFSET;
    if ((rsp->flags & ~RX_FLAGS_KNOWN) || (rsp->flags & (NETRXF_extra_info | NETRXF_gso_prefix)))
        return NFW_BAD_FLAGS;
    if ((rsp->flags & NETRXF_more_data) && !st->sg)
        return NFW_BAD_FLAGS;
    return NFW_OK;
}

/* End the open frame (its last slot was consumed): deliver it unless dropped. */
static void rx_end_frame(struct nfw_rx *st, struct nfw_rx_step *step)
{
    if (!st->drop && st->len < NFW_ETH_HLEN) {
        step->kind = NFW_RUNT;
        step->copy = false;
    } else if (!st->drop) {
        step->deliver = true;
        step->len = st->len;
        step->flags = st->flags;
    }
    st->more = st->drop = false;
    st->len = st->flags = 0;
}

void nfw_rx_slot(struct nfw_rx *st, RING_IDX pos, const struct netif_rx_response *rsp,
                 struct nfw_rx_step *step)
{
    bool first = !st->more;
    uint16_t size;

    memset(step, 0, sizeof(*step));
    if (st->extra) {
        /* An extra-info segment in the response's place: skipped, it may chain. */
        struct netif_extra_info ex;

        memcpy(&ex, rsp, sizeof(ex));
        st->extra = (ex.flags & XEN_NETIF_EXTRA_FLAG_MORE) != 0;
        if (!st->extra && !st->more)
            rx_end_frame(st, step);
        return;
    }
    step->kind = rx_judge(st, pos, rsp);
    /* A slot's own flags say whether the frame goes on, even when it is bad. */
    st->more = (rsp->flags & NETRXF_more_data) != 0;
    if (rsp->flags & NETRXF_extra_info)
        st->extra = true; /* only the first slot of a frame may, but follow it anyway */
    if (first)
        st->flags = rx_flags(rsp->flags);
    if (step->kind != NFW_OK) {
        st->drop = true;
    } else if (!st->drop) {
        size = (uint16_t)rsp->status;
        if (size > NETFRONT_FRAME_MAX - st->len) {
            step->kind = NFW_TOO_LONG;
            st->drop = true;
        } else {
            step->copy = size != 0;
            step->offset = rsp->offset;
            step->size = size;
            step->at = st->len;
            st->len = (uint16_t)(st->len + size);
        }
    }
    if (!st->more && !st->extra)
        rx_end_frame(st, step);
}

uint16_t nfw_tx_flags(unsigned int flags, bool csum_offload)
{
    uint16_t f = 0;

    if (!csum_offload)
        return 0;
    if (flags & NETFRONT_CSUM_BLANK)
        f |= NETTXF_csum_blank | NETTXF_data_validated;
    if (flags & NETFRONT_DATA_VALIDATED)
        f |= NETTXF_data_validated;
    return f;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* The ones' complement sum of n bytes (an odd last byte padded with zero), not folded. */
static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
    for (; n > 1; p += 2, n -= 2)
        s += be16(p);
    if (n)
        s += (uint32_t)p[0] << 8;
    return s;
}

int nfw_csum_fill(uint8_t *frame, size_t len)
{
    uint8_t *ip = frame + NFW_ETH_HLEN, *l4;
    size_t hl, total, l4len, at;
    uint32_t s;
    uint16_t c;

    if (len < NFW_ETH_HLEN + 20 || be16(frame + 12) != 0x0800 || (ip[0] >> 4) != 4)
        return -EINVAL;
    hl = (size_t)(ip[0] & 15) * 4;
    total = be16(ip + 2);
    /* Not a fragment (offset 0, no more fragments): the checksum covers the whole datagram. */
    if (hl < 20 || total < hl || total > len - NFW_ETH_HLEN || (be16(ip + 6) & 0x3fff))
        return -EINVAL;
    l4 = ip + hl;
    l4len = total - hl;
    if (ip[9] == 6 && l4len >= 20)
        at = 16;
    else if (ip[9] == 17 && l4len >= 8)
        at = 6;
    else
        return -EINVAL;
    l4[at] = l4[at + 1] = 0;
    /* The pseudo-header: addresses, protocol, transport length. */
    s = sum16(0, ip + 12, 8) + ip[9] + (uint32_t)l4len;
    s = sum16(s, l4, l4len);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    /* A sum of 0xffff gives a checksum of 0, which UDP sends as 0xffff ("no checksum" else). */
    c = s == 0xffff && ip[9] == 17 ? 0xffff : (uint16_t)(0xffff - s);
    l4[at] = (uint8_t)(c >> 8);
    l4[at + 1] = (uint8_t)c;
    return 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int nfw_parse_mac(const char *s, uint8_t mac[NETFRONT_MAC_LEN])
{
    uint8_t m[NETFRONT_MAC_LEN];
    bool zero = true;

    for (unsigned int i = 0; i < NETFRONT_MAC_LEN; i++) {
        const char *p = s + 3 * i;
        int hi = hex_digit(p[0]), lo = hi < 0 ? -1 : hex_digit(p[1]);

        if (lo < 0 || p[2] != (i + 1 < NETFRONT_MAC_LEN ? ':' : '\0'))
            return -EINVAL;
        m[i] = (uint8_t)(hi << 4 | lo);
        zero = zero && m[i] == 0;
    }
    /* The group bit would make every frame we send a multicast. */
    if (zero || (m[0] & 1))
        return -EINVAL;
    memcpy(mac, m, sizeof(m));
    return 0;
}
