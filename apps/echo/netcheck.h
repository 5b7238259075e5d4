/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What both ends of a network test compute, the same way: CRC-32 (IEEE
 * 802.3, as zlib and `cksum -o 3` compute it) over a byte stream fed in
 * pieces of any size, and a seeded pseudo-random byte stream whose bytes do
 * not depend on how it is cut into pieces (the dom0 peer sends it in random
 * chunk sizes and checks the echo against a second copy). Header-only:
 * apps/echo and tests/peers/net_peer.c include it.
 */
#ifndef NETCHECK_H
#define NETCHECK_H

#include <stddef.h>
#include <stdint.h>

static uint32_t netcheck_crc_table[256];

/* Running CRC-32: start with crc = 0, feed every piece in order. */
static inline uint32_t netcheck_crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;

    if (!netcheck_crc_table[1]) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            netcheck_crc_table[i] = c;
        }
    }
    crc = ~crc;
    while (len--)
        crc = netcheck_crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* xorshift64*: fast, and the same on every machine for the same seed. */
struct netcheck_rng {
    uint64_t s;
    uint64_t word; /* the bytes of the last output not yet handed out */
    unsigned int left;
};

static inline void netcheck_seed(struct netcheck_rng *r, uint64_t seed)
{
    r->s = seed * 0x9e3779b97f4a7c15ull + 1; /* never 0, which would stick */
    r->left = 0;
}

static inline uint64_t netcheck_next(struct netcheck_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dull;
}

/* The next `len` bytes of the stream, whatever the earlier pieces' sizes. */
static inline void netcheck_fill(struct netcheck_rng *r, void *buf, size_t len)
{
    uint8_t *p = buf;

    while (len--) {
        if (!r->left) {
            r->word = netcheck_next(r);
            r->left = 8;
        }
        *p++ = (uint8_t)r->word;
        r->word >>= 8;
        r->left--;
    }
}

#endif
