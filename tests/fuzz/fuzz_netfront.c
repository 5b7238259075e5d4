/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: everything a netback writes that netfront checks
 * (net/netfront_wire.c). The first byte picks what the rest is:
 *
 *   0  rx: a sg flag, a 32-bit start position, then 8-byte ring slots
 *      (responses, or extra-info segments where the previous said so)
 *   1  tx: a bitmap of outstanding ids (32 bytes: 256 ids), then 4-byte
 *      responses
 *   2  producer indices: (cons, prod, req_prod) triples
 *   3  a `mac` node
 *   4  a frame whose transport checksum is to be filled in
 *
 * Invariants (abort() when broken), against what the ring protocol
 * allows rather than against the code: a copy never leaves the page or the
 * frame buffer, a frame is delivered only with all its bytes gathered in
 * order and never longer than NETFRONT_FRAME_MAX nor shorter than an
 * Ethernet header, a slot whose id is not its position's is never used, a
 * tx id is reclaimed only when in range and outstanding, an accepted
 * producer index never claims more responses than requests, and a filled
 * checksum verifies as a receiver checks it, with no other byte changed.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../net/netfront_wire.h"

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void fuzz_rx(const uint8_t *data, size_t size)
{
    struct nfw_rx st;
    RING_IDX pos;
    /* Bytes of the open frame gathered so far, as the driver would copy them. */
    uint32_t gathered = 0;

    if (size < 5)
        return;
    nfw_rx_init(&st, data[0] & 1);
    pos = get32(data + 1);
    for (size_t i = 5; i + 8 <= size; i += 8, pos++) {
        struct netif_rx_response rsp;
        struct nfw_rx_step s;
        bool was_extra = st.extra;

        memcpy(&rsp, data + i, 8);
        nfw_rx_slot(&st, pos, &rsp, &s);
        check(s.kind < NFW_KINDS);
        if (was_extra)
            check(!s.copy && s.kind == NFW_OK);
        if (s.copy) {
            check(!was_extra);
            /* Only the slot this position's buffer answers, and only inside the page. */
            check(rsp.id == (pos & (NFW_RX_RING_SIZE - 1)));
            check(s.kind == NFW_OK);
            check(rsp.status > 0 && s.size == (uint16_t)rsp.status && s.offset == rsp.offset);
            check((uint32_t)s.offset + s.size <= NFW_PAGE_SIZE);
            check((uint32_t)s.at + s.size <= NETFRONT_FRAME_MAX);
            /* A frame starts at 0; its later pieces follow on without a gap. */
            if (s.at == 0)
                gathered = 0;
            check(s.at == gathered);
            gathered += s.size;
        }
        if (s.deliver) {
            check(s.kind == NFW_OK);
            check(s.len >= NFW_ETH_HLEN && s.len <= NETFRONT_FRAME_MAX);
            check(s.len == gathered);
            check((s.flags & ~(NETFRONT_CSUM_BLANK | NETFRONT_DATA_VALIDATED)) == 0);
            check(!(rsp.flags & NETRXF_more_data));
            gathered = 0;
        }
        if (s.kind != NFW_OK)
            check(!s.copy && !s.deliver);
        check(st.len <= NETFRONT_FRAME_MAX);
    }
}

static void fuzz_tx(const uint8_t *data, size_t size)
{
    bool out[NFW_TX_RING_SIZE];

    if (size < 32)
        return;
    for (unsigned int id = 0; id < NFW_TX_RING_SIZE; id++)
        out[id] = data[id / 8] & (1u << (id % 8));
    for (size_t i = 32; i + 4 <= size; i += 4) {
        struct netif_tx_response rsp;
        bool reclaim, was;
        enum nfw_kind kind;

        memcpy(&rsp, data + i, 4);
        was = rsp.id < NFW_TX_RING_SIZE && out[rsp.id];
        kind = nfw_tx_response(&rsp, out, NFW_TX_RING_SIZE, &reclaim);
        check(kind == NFW_OK || kind == NFW_BAD_ID || kind == NFW_DUP_ID || kind == NFW_BAD_STATUS);
        check(!reclaim || was);
        check(reclaim == was);
        if (kind == NFW_OK)
            check(rsp.status == NETIF_RSP_OKAY || rsp.status == NETIF_RSP_ERROR ||
                  rsp.status == NETIF_RSP_DROPPED);
        if (reclaim)
            out[rsp.id] = false; /* as the driver does: a second answer is a duplicate */
    }
}

static void fuzz_prod(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i + 12 <= size; i += 12) {
        RING_IDX cons = get32(data + i), prod = get32(data + i + 4), req = get32(data + i + 8);
        /* The oracle in 64 bits: distances from cons, modulo 2^32. */
        uint64_t answered = ((uint64_t)prod + (1ull << 32) - cons) & 0xffffffffu;
        uint64_t asked = ((uint64_t)req + (1ull << 32) - cons) & 0xffffffffu;

        check((nfw_check_prod(cons, prod, req) == NFW_OK) == (answered <= asked));
    }
}

static void fuzz_mac(const uint8_t *data, size_t size)
{
    char s[64], back[32];
    uint8_t mac[NETFRONT_MAC_LEN];

    if (size >= sizeof(s))
        size = sizeof(s) - 1;
    memcpy(s, data, size);
    s[size] = '\0';
    if (nfw_parse_mac(s, mac) != 0)
        return;
    snprintf(back, sizeof(back), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
             mac[4], mac[5]);
    check(strlen(s) == 17);
    for (int i = 0; i < 17; i++)
        check(tolower((unsigned char)s[i]) == back[i]);
    check(!(mac[0] & 1));
    check(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/* The receiver's check: pseudo-header and segment sum to 0xffff. */
static bool csum_verifies(const uint8_t *f)
{
    const uint8_t *ip = f + 14;
    size_t hl = (size_t)(ip[0] & 15) * 4, l4len = (size_t)(ip[2] << 8 | ip[3]) - hl;
    uint32_t s = ip[9] + (uint32_t)l4len;

    for (size_t i = 0; i < 8; i += 2)
        s += (uint32_t)(ip[12 + i] << 8 | ip[13 + i]);
    for (size_t i = 0; i < l4len; i += 2)
        s += (uint32_t)(ip[hl + i] << 8 | (i + 1 < l4len ? ip[hl + i + 1] : 0));
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return s == 0xffff;
}

static void fuzz_csum(const uint8_t *data, size_t size)
{
    static uint8_t f[NETFRONT_FRAME_MAX], before[NETFRONT_FRAME_MAX];
    size_t hl, at, changed = 0;

    if (size > sizeof(f))
        size = sizeof(f);
    memcpy(f, data, size);
    memcpy(before, data, size);
    if (nfw_csum_fill(f, size) != 0) {
        check(memcmp(f, before, size) == 0);
        return;
    }
    check(size >= 34 && f[12] == 0x08 && f[13] == 0 && (f[14] >> 4) == 4);
    check(f[23] == 6 || f[23] == 17);
    check(csum_verifies(f));
    hl = (size_t)(f[14] & 15) * 4;
    at = 14 + hl + (f[23] == 6 ? 16 : 6);
    for (size_t i = 0; i < size; i++)
        if (f[i] != before[i]) {
            check(i == at || i == at + 1);
            changed++;
        }
    check(changed <= 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 5) {
    case 0:
        fuzz_rx(data + 1, size - 1);
        break;
    case 1:
        fuzz_tx(data + 1, size - 1);
        break;
    case 2:
        fuzz_prod(data + 1, size - 1);
        break;
    case 3:
        fuzz_mac(data + 1, size - 1);
        break;
    default:
        fuzz_csum(data + 1, size - 1);
        break;
    }
    return 0;
}
