/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests for <internal/bitmap.h>: bits in every word position, ranges across words. */
#include <internal/bitmap.h>

#include "check.h"

#define BITS 200 /* not a multiple of the word size */

TEST(sizes_round_up_to_whole_words)
{
    CHECK_EQ(BITMAP_WORDS(0), 0);
    CHECK_EQ(BITMAP_WORDS(1), 1);
    CHECK_EQ(BITMAP_WORDS(BITMAP_WORD_BITS), 1);
    CHECK_EQ(BITMAP_WORDS(BITMAP_WORD_BITS + 1), 2);
    CHECK_EQ(BITMAP_BYTES(BITMAP_WORD_BITS + 1), 2 * sizeof(unsigned long));
}

TEST(set_and_clear_touch_one_bit_only)
{
    DECLARE_BITMAP(map, BITS) = {0};

    for (size_t b = 0; b < BITS; b++) {
        bitmap_set(map, b);
        for (size_t o = 0; o < BITS; o++)
            CHECK_EQ(bitmap_test(map, o), o == b);
        bitmap_clear(map, b);
        CHECK(!bitmap_test(map, b));
    }
    for (size_t w = 0; w < BITMAP_WORDS(BITS); w++)
        CHECK_EQ(map[w], 0);
}

TEST(clear_keeps_the_other_bits_set)
{
    DECLARE_BITMAP(map, BITS);

    memset(map, 0xff, sizeof(map));
    bitmap_clear(map, 63);
    bitmap_clear(map, 64);
    for (size_t b = 0; b < BITS; b++)
        CHECK_EQ(bitmap_test(map, b), b != 63 && b != 64);
}

TEST(find_set_returns_the_first_set_bit_or_end)
{
    DECLARE_BITMAP(map, BITS) = {0};

    CHECK_EQ(bitmap_find_set(map, 0, BITS), BITS);
    CHECK_EQ(bitmap_find_set(map, 5, 5), 5);
    bitmap_set(map, 70);
    bitmap_set(map, 130);
    CHECK_EQ(bitmap_find_set(map, 0, BITS), 70);
    CHECK_EQ(bitmap_find_set(map, 70, BITS), 70);
    CHECK_EQ(bitmap_find_set(map, 71, BITS), 130);
    CHECK_EQ(bitmap_find_set(map, 71, 130), 130);
    CHECK_EQ(bitmap_find_set(map, 0, 70), 70);
    CHECK_EQ(bitmap_find_set(map, 131, BITS), BITS);
}

TEST(set_range_sets_exactly_the_range_across_words)
{
    DECLARE_BITMAP(map, BITS) = {0};

    bitmap_set_range(map, 60, 140);
    for (size_t b = 0; b < BITS; b++)
        CHECK_EQ(bitmap_test(map, b), b >= 60 && b < 140);
    bitmap_set_range(map, 10, 10);
    CHECK(!bitmap_test(map, 10));
}
