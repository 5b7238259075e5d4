/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests for kernel/memmap.c: odd memory maps, and random ones against a page model. */
#include <errno.h>
#include <stdint.h>

#include <internal/mm.h>
#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "check.h"

#define RAM XEN_HVM_MEMMAP_TYPE_RAM
#define RES XEN_HVM_MEMMAP_TYPE_RESERVED
#define TOP (UINT64_MAX - PAGE_SIZE + 1) /* the last page's address */

static struct mem_range out[16];

static int usable(const struct hvm_memmap_table_entry *m, unsigned int n)
{
    return memmap_usable(m, n, NULL, 0, out, 16);
}

/* Output ranges are page aligned, non-empty, sorted and never touching. */
static int well_formed(const struct mem_range *r, int n)
{
    for (int i = 0; i < n; i++) {
        if ((r[i].start | r[i].end) & (PAGE_SIZE - 1) || r[i].start >= r[i].end)
            return 0;
        if (i && r[i - 1].end >= r[i].start)
            return 0;
    }
    return 1;
}

TEST(typical_pvh_map)
{
    /* What Xen gives an 8 MiB PVH guest: RAM, then reserved special pages. */
    struct hvm_memmap_table_entry m[] = {
        {0, 0x800000, RAM, 0},
        {0xfc000000, 0x4000000, RES, 0},
    };
    struct mem_range image = {0x100000, 0x150000};

    CHECK_EQ(memmap_usable(m, 2, &image, 1, out, 16), 2);
    CHECK_EQ(out[0].start, 0x1000); /* page 0 never usable */
    CHECK_EQ(out[0].end, 0x100000);
    CHECK_EQ(out[1].start, 0x150000);
    CHECK_EQ(out[1].end, 0x800000);
    CHECK_EQ(memmap_total(out, 2), 0x800000 - 0x1000 - 0x50000);
}

TEST(unaligned_ram_rounds_inward)
{
    struct hvm_memmap_table_entry m[] = {{0x100123, 0x3000, RAM, 0}};

    CHECK_EQ(usable(m, 1), 1);
    CHECK_EQ(out[0].start, 0x101000);
    CHECK_EQ(out[0].end, 0x103000);
}

TEST(unaligned_ram_entries_that_touch_lose_the_shared_page)
{
    /* Each entry is rounded on its own: neither holds 0x201000..0x202000 whole. */
    struct hvm_memmap_table_entry m[] = {{0x200000, 0x1800, RAM, 0}, {0x201800, 0x2800, RAM, 0}};

    CHECK_EQ(usable(m, 2), 2);
    CHECK_EQ(out[0].start, 0x200000);
    CHECK_EQ(out[0].end, 0x201000);
    CHECK_EQ(out[1].start, 0x202000);
    CHECK_EQ(out[1].end, 0x204000);
}

TEST(tiny_and_empty_entries_vanish)
{
    struct hvm_memmap_table_entry m[] = {{0x5000, 0x800, RAM, 0}, {0x9000, 0, RAM, 0}};

    CHECK_EQ(usable(m, 2), 0);
}

TEST(no_entries)
{
    struct mem_range image = {0x100000, 0x200000};

    CHECK_EQ(memmap_usable(NULL, 0, NULL, 0, out, 16), 0);
    CHECK_EQ(memmap_usable(NULL, 0, &image, 1, out, 16), 0);
    CHECK_EQ(memmap_total(out, 0), 0);
}

TEST(unsorted_overlapping_entries_merge)
{
    struct hvm_memmap_table_entry m[] = {
        {0x300000, 0x100000, RAM, 0},
        {0x100000, 0x180000, RAM, 0},
        {0x280000, 0x80000, RAM, 0}, /* touches both */
        {0x1000000, 0x1000, RAM, 0},
    };

    CHECK_EQ(usable(m, 4), 2);
    CHECK_EQ(out[0].start, 0x100000);
    CHECK_EQ(out[0].end, 0x400000);
    CHECK_EQ(out[1].start, 0x1000000);
    CHECK_EQ(out[1].end, 0x1001000);
}

TEST(touching_and_duplicate_entries_merge)
{
    struct hvm_memmap_table_entry m[] = {
        {0x200000, 0x100000, RAM, 0},
        {0x100000, 0x100000, RAM, 0},
        {0x200000, 0x100000, RAM, 0},
        {0x150000, 0x10000, RAM, 0}, /* inside another */
    };

    CHECK_EQ(usable(m, 4), 1);
    CHECK_EQ(out[0].start, 0x100000);
    CHECK_EQ(out[0].end, 0x300000);
}

TEST(reserved_inside_ram_wins_and_splits)
{
    struct hvm_memmap_table_entry m[] = {
        {0x100000, 0x400000, RAM, 0},
        {0x200800, 0x100, RES, 0}, /* unaligned: the whole page goes */
    };

    CHECK_EQ(usable(m, 2), 2);
    CHECK_EQ(out[0].end, 0x200000);
    CHECK_EQ(out[1].start, 0x201000);
    CHECK_EQ(out[1].end, 0x500000);
}

TEST(non_ram_overlapping_both_edges_wins)
{
    /* Listed before the RAM it overlaps: order must not matter. */
    struct hvm_memmap_table_entry m[] = {
        {0xff800, 0x1000, XEN_HVM_MEMMAP_TYPE_ACPI, 0},
        {0x3ff000, 0x2000, RES, 0},
        {0x100000, 0x300000, RAM, 0},
    };

    CHECK_EQ(usable(m, 3), 1);
    CHECK_EQ(out[0].start, 0x101000);
    CHECK_EQ(out[0].end, 0x3ff000);
}

TEST(zero_size_non_ram_cuts_nothing)
{
    struct hvm_memmap_table_entry m[] = {{0x100000, 0x100000, RAM, 0}, {0x180800, 0, RES, 0}};

    CHECK_EQ(usable(m, 2), 1);
    CHECK_EQ(out[0].start, 0x100000);
    CHECK_EQ(out[0].end, 0x200000);
}

TEST(non_ram_types_are_not_usable)
{
    struct hvm_memmap_table_entry m[] = {
        {0x100000, 0x100000, XEN_HVM_MEMMAP_TYPE_ACPI, 0},
        {0x200000, 0x100000, XEN_HVM_MEMMAP_TYPE_NVS, 0},
        {0x300000, 0x100000, XEN_HVM_MEMMAP_TYPE_UNUSABLE, 0},
        {0x400000, 0x100000, XEN_HVM_MEMMAP_TYPE_DISABLED, 0},
        {0x500000, 0x100000, XEN_HVM_MEMMAP_TYPE_PMEM, 0},
        {0x600000, 0x100000, 99, 0},
        {0x700000, 0x100000, 0, 0},
    };

    CHECK_EQ(usable(m, 7), 0);
}

TEST(low_memory_is_usable_but_page_zero)
{
    struct hvm_memmap_table_entry m[] = {{0, 0xa0000, RAM, 0}};
    struct hvm_memmap_table_entry only0[] = {{0, 0x1000, RAM, 0}};
    struct hvm_memmap_table_entry from1[] = {{0x800, 0x2000, RAM, 0}};

    CHECK_EQ(usable(m, 1), 1);
    CHECK_EQ(out[0].start, 0x1000);
    CHECK_EQ(out[0].end, 0xa0000);
    CHECK_EQ(usable(only0, 1), 0);
    CHECK_EQ(usable(from1, 1), 1);
    CHECK_EQ(out[0].start, 0x1000);
    CHECK_EQ(out[0].end, 0x2000);
}

TEST(wrapping_ram_is_clipped_below_the_top_page)
{
    /* 16 pages from 8 pages below 2^64: the 8 that exist, less the last. */
    struct hvm_memmap_table_entry m[] = {{TOP - 7 * PAGE_SIZE, 16 * PAGE_SIZE, RAM, 0}};

    CHECK_EQ(usable(m, 1), 1);
    CHECK_EQ(out[0].start, TOP - 7 * PAGE_SIZE);
    CHECK_EQ(out[0].end, TOP);
}

TEST(ram_ending_exactly_at_2_64)
{
    struct hvm_memmap_table_entry m[] = {{TOP - PAGE_SIZE, 2 * PAGE_SIZE, RAM, 0}};

    CHECK_EQ(usable(m, 1), 1);
    CHECK_EQ(out[0].start, TOP - PAGE_SIZE);
    CHECK_EQ(out[0].end, TOP);
}

TEST(ram_starting_in_the_top_page_is_ignored)
{
    struct hvm_memmap_table_entry m[] = {
        {UINT64_MAX, 1, RAM, 0},
        {UINT64_MAX - 0x800, UINT64_MAX, RAM, 0},
        {TOP, UINT64_MAX, RAM, 0},
        {0x100000, 0x1000, RAM, 0},
    };

    CHECK_EQ(usable(m, 4), 1);
    CHECK_EQ(out[0].start, 0x100000);
    CHECK_EQ(out[0].end, 0x101000);
}

TEST(wrapping_non_ram_cuts_to_the_top)
{
    struct hvm_memmap_table_entry m[] = {
        {0x100000, 0x1000, RAM, 0},
        {0x10000000, UINT64_MAX - 0x1000, RAM, 0}, /* wraps */
        {0xffffffffffff0800ull, UINT64_MAX, RES, 0},
    };

    CHECK_EQ(usable(m, 3), 2);
    CHECK_EQ(out[0].start, 0x100000);
    CHECK_EQ(out[1].start, 0x10000000);
    CHECK_EQ(out[1].end, 0xffffffffffff0000ull);
}

TEST(reserved_ranges_round_outward_and_may_overlap)
{
    struct hvm_memmap_table_entry m[] = {{0x100000, 0x100000, RAM, 0}};
    struct mem_range res[] = {
        {0x120800, 0x130001}, /* 0x120000 .. 0x131000 */
        {0x128000, 0x140000}, /* overlaps the first */
        {0x1ff000, 0x1ff001}, /* the last page */
    };

    CHECK_EQ(memmap_usable(m, 1, res, 3, out, 16), 2);
    CHECK_EQ(out[0].start, 0x100000);
    CHECK_EQ(out[0].end, 0x120000);
    CHECK_EQ(out[1].start, 0x140000);
    CHECK_EQ(out[1].end, 0x1ff000);
}

TEST(empty_or_inverted_reserved_ranges_cut_nothing)
{
    struct hvm_memmap_table_entry m[] = {{0x100000, 0x100000, RAM, 0}};
    struct mem_range res[] = {{0x180800, 0x180800}, {0x190000, 0x150000}};

    CHECK_EQ(memmap_usable(m, 1, res, 2, out, 16), 1);
    CHECK_EQ(out[0].start, 0x100000);
    CHECK_EQ(out[0].end, 0x200000);
}

TEST(reserved_range_up_to_the_top)
{
    struct hvm_memmap_table_entry m[] = {{0x100000, 0x100000, RAM, 0}};
    struct mem_range res = {0x1f0000, UINT64_MAX};

    CHECK_EQ(memmap_usable(m, 1, &res, 1, out, 16), 1);
    CHECK_EQ(out[0].end, 0x1f0000);
}

TEST(reserved_range_covering_everything)
{
    struct hvm_memmap_table_entry m[] = {{0x100000, 0x100000, RAM, 0}};
    struct mem_range all = {0, 0x10000000};

    CHECK_EQ(memmap_usable(m, 1, &all, 1, out, 16), 0);
}

TEST(too_many_ranges_reports_e2big)
{
    struct hvm_memmap_table_entry m[20];

    for (int i = 0; i < 20; i++)
        m[i] = (struct hvm_memmap_table_entry){0x100000 + i * 0x10000ull, 0x8000, RAM, 0};
    out[15].start = 0;
    CHECK_EQ(memmap_usable(m, 20, NULL, 0, out, 16), -E2BIG);
    CHECK_EQ(out[0].start, 0x100000); /* the lowest ones */
    CHECK_EQ(out[15].start, 0x100000 + 15 * 0x10000);
    CHECK_EQ(memmap_usable(m, 16, NULL, 0, out, 16), 16); /* exactly full is fine */
    CHECK_EQ(memmap_usable(m, 1, NULL, 0, out, 0), -E2BIG);
    CHECK_EQ(memmap_usable(m, 0, NULL, 0, out, 0), 0);
}

TEST(many_entries_have_no_hidden_limit)
{
    /* 300 RAM entries, unsorted, each cut in two by its own reserved range. */
    enum { N = 300 };
    static struct hvm_memmap_table_entry m[N];
    static struct mem_range res[N], big[2 * N + 1];
    int n;

    for (int i = 0; i < N; i++) {
        uint64_t a = 0x100000 + (uint64_t)((i * 7) % N) * 0x10000;

        m[i] = (struct hvm_memmap_table_entry){a, 0x8000, RAM, 0};
        res[i] = (struct mem_range){a + 0x2000, a + 0x3000};
    }
    n = memmap_usable(m, N, res, N, big, 2 * N + 1);
    CHECK_EQ(n, 2 * N);
    CHECK(well_formed(big, n > 0 ? n : 0));
    CHECK_EQ(memmap_total(big, n > 0 ? n : 0), N * 0x7000ull);
    CHECK_EQ(big[2 * N - 1].end, 0x100000 + (N - 1) * 0x10000ull + 0x8000);
}

TEST(total_adds_sizes)
{
    struct mem_range r[] = {{0x1000, 0x3000}, {0x10000, 0x11000}, {0, UINT64_MAX}};

    CHECK_EQ(memmap_total(r, 2), 0x3000);
    CHECK_EQ(memmap_total(&r[2], 1), UINT64_MAX);
}

/*
 * Random maps inside a window of NPAGES pages at `base` (which may straddle
 * 2^64), against a model that decides page by page: usable when one RAM
 * entry holds the whole page and no non-RAM entry, reserved range or page 0
 * touches any byte of it. The model works in 128 bits, so it cannot wrap;
 * entries run past 2^64 only when the window ends there, so all RAM lies
 * inside the window.
 */
#define NPAGES 64
#define TWO64  ((unsigned __int128)1 << 64)

/* Returns how many rounds had usable RAM, to show the maps are not all trivial. */
static int random_maps(uint64_t base, uint64_t seed, int rounds)
{
    bool top = base + NPAGES * PAGE_SIZE == 0;
    uint64_t rnd = seed;
    int nonempty = 0;

    for (int round = 0; round < rounds; round++) {
        struct hvm_memmap_table_entry m[10];
        struct mem_range res[3], got[NPAGES];
        unsigned int nm = (unsigned int)(check_rand(&rnd) % 11);
        unsigned int nr = (unsigned int)(check_rand(&rnd) % 4);
        bool want[NPAGES], have[NPAGES] = {false};
        int n, bad = 0;

        for (unsigned int i = 0; i < nm; i++) {
            uint64_t r = check_rand(&rnd);
            uint64_t off = (r % 40) * PAGE_SIZE;
            uint64_t size = (check_rand(&rnd) % 21) * PAGE_SIZE;

            if (r & 0x100)
                off += check_rand(&rnd) % PAGE_SIZE; /* unaligned start */
            if (r & 0x200)
                size += check_rand(&rnd) % PAGE_SIZE; /* unaligned end */
            if (top && (r & 0x3000) == 0x3000)
                size = UINT64_MAX - check_rand(&rnd) % 4; /* wraps past 2^64 */
            m[i].addr = base + off;
            m[i].size = size;
            m[i].type = (r >> 16) % 3 ? RAM : (uint32_t)(r >> 20) % 8;
            m[i].reserved = 0;
        }
        for (unsigned int i = 0; i < nr; i++) {
            uint64_t a = base + check_rand(&rnd) % (NPAGES * PAGE_SIZE);
            uint64_t len = check_rand(&rnd) % (6 * PAGE_SIZE);

            res[i].start = a;
            res[i].end = len > UINT64_MAX - a ? UINT64_MAX : a + len;
            if (check_rand(&rnd) % 8 == 0)
                res[i].end = a - 1; /* inverted, or empty at 0: cuts nothing */
        }

        for (int p = 0; p < NPAGES; p++) {
            unsigned __int128 ps = (uint64_t)(base + (uint64_t)p * PAGE_SIZE), pe = ps + PAGE_SIZE;
            /* Page 0 faults NULL; the top page cannot be a 64-bit [start, end). */
            bool ram = false, hole = ps == 0 || pe == TWO64;

            for (unsigned int i = 0; i < nm; i++) {
                unsigned __int128 s = m[i].addr, e = s + m[i].size;

                if (e > TWO64)
                    e = TWO64;
                if (m[i].type == RAM && s <= ps && pe <= e)
                    ram = true;
                if (m[i].type != RAM && m[i].size && s < pe && ps < e)
                    hole = true;
            }
            for (unsigned int i = 0; i < nr; i++)
                if (res[i].start < res[i].end && res[i].start < pe && ps < res[i].end)
                    hole = true;
            want[p] = ram && !hole;
        }

        n = memmap_usable(m, nm, res, nr, got, NPAGES);
        if (n < 0 || !well_formed(got, n)) {
            CHECK(n >= 0 && well_formed(got, n));
            printf("  round %d (base %#llx): n = %d\n", round, (unsigned long long)base, n);
            return -1;
        }
        for (int i = 0; i < n && !bad; i++) {
            if (got[i].end - got[i].start > NPAGES * PAGE_SIZE) {
                bad++;
                break;
            }
            for (uint64_t a = got[i].start; a != got[i].end; a += PAGE_SIZE) {
                if (a - base >= NPAGES * PAGE_SIZE) /* outside the window: no RAM there */
                    bad++;
                else
                    have[(a - base) / PAGE_SIZE] = true;
            }
        }
        for (int p = 0; p < NPAGES; p++)
            bad += want[p] != have[p];
        if (bad) {
            CHECK_EQ(bad, 0);
            printf("  round %d (base %#llx): %d pages differ\n", round, (unsigned long long)base,
                   bad);
            return -1;
        }
        nonempty += n > 0;
    }
    return nonempty;
}

TEST(random_low_maps_match_the_page_model)
{
    CHECK(random_maps(0, 1, 20000) > 5000);
    CHECK(random_maps(0x7ff000, 2, 5000) > 1250);
}

TEST(random_maps_near_2_64_match_the_page_model)
{
    CHECK(random_maps(0 - (uint64_t)NPAGES * PAGE_SIZE, 3, 20000) > 5000);
    CHECK(random_maps(0 - (uint64_t)NPAGES / 2 * PAGE_SIZE, 4, 5000) > 1250); /* straddles 2^64 */
}
