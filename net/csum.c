/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The transport checksum of a received frame whose sender left it blank
 * (csum.h). Pure: it reads only the frame, whose lengths are checked
 * against `len` before any is used, so it is unit-tested on the host.
 */
#include "csum.h"

#define ETH_HLEN     14
#define ETHTYPE_IPV4 0x0800
#define PROTO_TCP    6
#define PROTO_UDP    17

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* The one's complement sum of `n` bytes as big-endian 16-bit words. */
static uint32_t sum_bytes(uint32_t sum, const uint8_t *p, size_t n)
{
    for (; n > 1; p += 2, n -= 2)
        sum += be16(p);
    if (n)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

bool net_csum_fill(uint8_t *frame, size_t len)
{
    uint8_t *ip = frame + ETH_HLEN;
    size_t ihl, total, tlen, off;
    uint32_t sum;
    uint16_t csum, folded;

    if (len < ETH_HLEN + 20 || be16(frame + 12) != ETHTYPE_IPV4 || (ip[0] >> 4) != 4)
        return false;
    ihl = (size_t)(ip[0] & 0xf) * 4;
    total = be16(ip + 2);
    /* Fragments carry no whole transport segment: nothing to fill. */
    if (ihl < 20 || total < ihl || total > len - ETH_HLEN || (be16(ip + 6) & 0x3fff))
        return false;
    tlen = total - ihl;
    if (ip[9] == PROTO_TCP && tlen >= 20)
        off = 16;
    else if (ip[9] == PROTO_UDP && tlen >= 8)
        off = 6;
    else
        return false;
    ip[ihl + off] = ip[ihl + off + 1] = 0;
    sum = sum_bytes(0, ip + 12, 8); /* source and destination */
    sum += ip[9];
    sum += (uint32_t)tlen;
    sum = sum_bytes(sum, ip + ihl, tlen);
    folded = fold(sum);
    /* A checksum of 0 means "none" in UDP: it is sent as 0xffff. */
    csum = folded == 0xffff && ip[9] == PROTO_UDP ? 0xffff : (uint16_t)(0xffff ^ folded);
    ip[ihl + off] = (uint8_t)(csum >> 8);
    ip[ihl + off + 1] = (uint8_t)csum;
    return true;
}
