/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What both ends of a storage test compute the same way: a seeded
 * pseudo-random disk content whose every 8-byte word depends only on the
 * seed and its offset (splitmix64 of seed and word index), so that any
 * cutting into requests writes and reads the same bytes, and dom0 can make
 * the same content for an image file (tests/peers/blk_peer.c). Little
 * endian, as x86 stores it on both ends. Header-only: tests/apps/blktest
 * and tests/peers/blk_peer.c include it.
 */
#ifndef BLK_PATTERN_H
#define BLK_PATTERN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The pattern's word at byte offset 8 * index. */
static inline uint64_t blk_pattern_word(uint64_t seed, uint64_t index)
{
    uint64_t z = seed + (index + 1) * 0x9e3779b97f4a7c15ull;

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The pattern's bytes [offset, offset + len); both multiples of 8. */
static inline void blk_pattern_fill(uint64_t seed, uint64_t offset, void *buf, size_t len)
{
    unsigned char *p = buf;

    for (size_t i = 0; i < len; i += 8) {
        uint64_t w = blk_pattern_word(seed, (offset + i) / 8);
        memcpy(p + i, &w, 8);
    }
}

/*
 * How buf, holding the disk's bytes [offset, offset + len) (multiples of
 * 8), differs from the pattern: the number of differing 8-byte words, and
 * in *first the offset on disk of the first (untouched when none).
 */
static inline uint64_t blk_pattern_diff(uint64_t seed, uint64_t offset, const void *buf, size_t len,
                                        uint64_t *first)
{
    const unsigned char *p = buf;
    uint64_t bad = 0;

    for (size_t i = 0; i < len; i += 8) {
        uint64_t w;

        memcpy(&w, p + i, 8);
        if (w != blk_pattern_word(seed, (offset + i) / 8) && !bad++)
            *first = offset + i;
    }
    return bad;
}

/* xorshift64*: request sizes, offsets and alignments, the same for a seed. */
static inline uint64_t blk_rng_next(uint64_t *s)
{
    uint64_t x = *s ? *s : 0x2545f4914f6cdd1dull;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

#endif
