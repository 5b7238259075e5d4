/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The contents of a disk that tests/peers/blkback_evil.c serves, shared
 * with the guest (tests/apps/blk-hostile) so that it can check every read:
 * byte j of sector s after g writes of that sector is blkh_byte(s, g, j).
 * The peer starts each disk at generation 0; the guest writes generation
 * g + 1 and counts it once the write succeeded.
 */
#ifndef BLK_HOSTILE_PATTERN_H
#define BLK_HOSTILE_PATTERN_H

#include <stdint.h>

#define BLKH_SECTOR  512u
#define BLKH_SECTORS 2048u /* 1 MiB per disk */

static inline uint8_t blkh_byte(uint64_t sector, unsigned int gen, unsigned int j)
{
    uint32_t x = (uint32_t)sector * 2654435761u ^ (uint32_t)gen * 40503u ^ j * 2246822519u;

    x ^= x >> 15;
    x *= 0x2c1b3c6du;
    return (uint8_t)(x ^ (x >> 12));
}

#endif
