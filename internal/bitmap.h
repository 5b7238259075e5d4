/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bit arrays: one bit per item (a grant reference, a mapping slot), in
 * words of unsigned long. The caller owns the storage and its bounds: these
 * helpers index, they do not check `bit` against a size.
 */
#ifndef INTERNAL_BITMAP_H
#define INTERNAL_BITMAP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define BITMAP_WORD_BITS (sizeof(unsigned long) * CHAR_BIT)
/* Words, and bytes, that hold `bits` bits. */
#define BITMAP_WORDS(bits) (((bits) + BITMAP_WORD_BITS - 1) / BITMAP_WORD_BITS)
#define BITMAP_BYTES(bits) (BITMAP_WORDS(bits) * sizeof(unsigned long))
/* A bit array of `bits` bits, all clear when static. */
#define DECLARE_BITMAP(name, bits) unsigned long name[BITMAP_WORDS(bits)]

static inline unsigned long bitmap_mask_(size_t bit)
{
    return 1ul << (bit % BITMAP_WORD_BITS);
}

static inline bool bitmap_test(const unsigned long *map, size_t bit)
{
    return map[bit / BITMAP_WORD_BITS] & bitmap_mask_(bit);
}

static inline void bitmap_set(unsigned long *map, size_t bit)
{
    map[bit / BITMAP_WORD_BITS] |= bitmap_mask_(bit);
}

static inline void bitmap_clear(unsigned long *map, size_t bit)
{
    map[bit / BITMAP_WORD_BITS] &= ~bitmap_mask_(bit);
}

/* The first set bit in [start, end), or `end` when there is none. */
static inline size_t bitmap_find_set(const unsigned long *map, size_t start, size_t end)
{
    while (start < end && !bitmap_test(map, start))
        start++;
    return start;
}

/* Set every bit of [start, end). */
static inline void bitmap_set_range(unsigned long *map, size_t start, size_t end)
{
    for (; start < end; start++)
        bitmap_set(map, start);
}

#endif
