/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests for kernel/uk_page_alloc.c, over memory from aligned_alloc: the
 * allocator treats addresses as physical == virtual and writes its links
 * into the free pages, so it must be given real, aligned memory.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <internal/mm.h>

#include "check.h"

#define ARENA_PAGES 1024
#define ARENA_ALIGN (4u << 20) /* the arena is one naturally aligned order-10 block */

static uint8_t *arena;

static uint64_t page_addr(unsigned int i)
{
    if (!arena)
        arena = aligned_alloc(ARENA_ALIGN, ARENA_PAGES * PAGE_SIZE);
    return (uintptr_t)arena + (uint64_t)i * PAGE_SIZE;
}

static struct mem_range pages(unsigned int first, unsigned int last)
{
    return (struct mem_range){page_addr(first), page_addr(last)};
}

/* A fresh allocator over arena pages [first, last). */
static void setup(unsigned int first, unsigned int last)
{
    struct mem_range r = pages(first, last);

    CHECK_EQ(page_alloc_init(&r, 1), 0);
}

/* Allocate single pages until none is left; returns how many. */
static uint64_t drain(void **out, uint64_t max)
{
    uint64_t n = 0;
    void *p;

    while ((p = uk_page_alloc()) != NULL) {
        if (n < max)
            out[n] = p;
        n++;
    }
    return n;
}

TEST(init_counts_pages_minus_metadata)
{
    setup(0, ARENA_PAGES);
    /* 1024 pages of span need one metadata page. */
    CHECK_EQ(uk_page_total_count(), ARENA_PAGES - 1);
    CHECK_EQ(uk_page_free_count(), ARENA_PAGES - 1);
    CHECK_EQ(page_alloc_errors(), 0);
}

TEST(init_rejects_bad_ranges)
{
    struct mem_range unaligned = {0x1001, 0x5000}, unaligned_end = {0x1000, 0x5001};
    struct mem_range empty = {0x5000, 0x5000}, inverted = {0x6000, 0x5000};
    struct mem_range overlap[2] = {pages(0, 100), pages(50, 60)};
    struct mem_range same[2] = {pages(0, 100), pages(0, 100)};

    CHECK_EQ(page_alloc_init(&unaligned, 1), -EINVAL);
    CHECK_EQ(page_alloc_init(&unaligned_end, 1), -EINVAL);
    CHECK_EQ(page_alloc_init(&empty, 1), -EINVAL);
    CHECK_EQ(page_alloc_init(&inverted, 1), -EINVAL);
    CHECK_EQ(page_alloc_init(overlap, 2), -EINVAL);
    CHECK_EQ(page_alloc_init(same, 2), -EINVAL);
    CHECK_EQ(page_alloc_init(NULL, 0), -EINVAL);
    CHECK_EQ(page_alloc_init(&unaligned, 0), -EINVAL);
}

TEST(nothing_is_allocatable_after_a_failed_init)
{
    struct mem_range bad = {0x1001, 0x5000};
    void *p;

    setup(0, 16);
    p = uk_page_alloc();
    CHECK_EQ(page_alloc_init(&bad, 1), -EINVAL);
    CHECK(uk_page_alloc() == NULL);
    CHECK(uk_page_alloc_order(3) == NULL);
    CHECK_EQ(uk_page_free_count(), 0);
    CHECK_EQ(uk_page_total_count(), 0);
    uk_page_free(p); /* from before: forgotten, so refused */
    CHECK_EQ(page_alloc_errors(), 1);
}

TEST(init_fails_when_no_range_can_hold_the_metadata)
{
    /* Two single pages 8192 pages apart: the span needs 3 metadata pages. */
    struct mem_range r[2] = {{0x100000, 0x101000}, {0x100000 + 8192 * PAGE_SIZE, 0}};

    r[1].end = r[1].start + PAGE_SIZE;
    CHECK_EQ(page_alloc_init(r, 2), -ENOMEM);
    CHECK(uk_page_alloc() == NULL);
    /* A range all metadata, nothing left over, is not big enough either. */
    r[0] = pages(0, 1);
    r[1] = pages(1, 2);
    CHECK_EQ(page_alloc_init(r, 2), -ENOMEM);
}

TEST(init_skips_empty_ranges)
{
    struct mem_range r[3] = {pages(5, 5), pages(0, 64), {0x3000, 0x3000}};

    CHECK_EQ(page_alloc_init(r, 3), 0);
    CHECK_EQ(uk_page_total_count(), 63);
}

TEST(init_again_starts_afresh)
{
    void *p;

    setup(0, ARENA_PAGES);
    p = uk_page_alloc_order(4);
    uk_page_free((uint8_t *)p + PAGE_SIZE); /* an error to forget */
    CHECK_EQ(page_alloc_errors(), 1);
    setup(0, 512);
    CHECK_EQ(page_alloc_errors(), 0);
    CHECK_EQ(uk_page_total_count(), 511);
    CHECK_EQ(uk_page_free_count(), 511);
}

TEST(alloc_everything_then_free_everything)
{
    static void *all[ARENA_PAGES];
    uint64_t total, n;

    setup(0, ARENA_PAGES);
    total = uk_page_total_count();
    n = drain(all, ARENA_PAGES);
    CHECK_EQ(n, total);
    for (uint64_t i = 0; i < n && i < ARENA_PAGES; i++)
        memset(all[i], 0xa5, PAGE_SIZE); /* ASan: each one is real memory */
    CHECK_EQ(uk_page_free_count(), 0);
    CHECK(uk_page_alloc_order(0) == NULL);
    CHECK(uk_page_alloc_order(5) == NULL);
    for (uint64_t i = 0; i < n && i < ARENA_PAGES; i++)
        uk_page_free(all[i]);
    CHECK_EQ(uk_page_free_count(), total);
    CHECK_EQ(page_alloc_errors(), 0);
    /* And it all merged back: the top half is one block again. */
    CHECK(uk_page_alloc_order(9) == (void *)(uintptr_t)page_addr(512));
}

TEST(exhaustion_of_large_runs_leaves_small_ones)
{
    static void *all[ARENA_PAGES];
    uint64_t n;

    setup(0, 64);
    /* 63 pages: blocks 1, 2, 4, 8, 16, 32. */
    CHECK(uk_page_alloc_order(5) != NULL);
    CHECK(uk_page_alloc_order(5) == NULL);
    CHECK(uk_page_alloc_order(4) != NULL);
    CHECK(uk_page_alloc_order(4) == NULL);
    CHECK(uk_page_alloc_order(PAGE_MAX_ORDER) == NULL);
    n = drain(all, ARENA_PAGES);
    CHECK_EQ(n, 1 + 2 + 4 + 8);
    CHECK_EQ(uk_page_free_count(), 0);
}

TEST(orders_beyond_the_maximum_are_refused)
{
    setup(0, ARENA_PAGES);
    CHECK(uk_page_alloc_order(PAGE_MAX_ORDER + 1) == NULL);
    CHECK(uk_page_alloc_order(64) == NULL);
    CHECK(uk_page_alloc_order(~0u) == NULL);
    CHECK_EQ(uk_page_free_count(), uk_page_total_count());
}

TEST(free_coalesces_back_into_large_blocks)
{
    void *a, *b;

    setup(0, ARENA_PAGES);
    /* Only 1023 pages (one went to metadata): the largest block is order 9. */
    a = uk_page_alloc_order(9);
    CHECK(a == (void *)(uintptr_t)page_addr(512));
    CHECK(uk_page_alloc_order(9) == NULL);
    uk_page_free_order(a, 9);
    for (int i = 0; i < 50; i++)
        uk_page_free(uk_page_alloc());
    b = uk_page_alloc_order(9);
    CHECK(b == a); /* the single pages merged back */
    uk_page_free_order(b, 9);
    CHECK_EQ(uk_page_free_count(), uk_page_total_count());
}

TEST(freeing_in_any_order_coalesces_fully)
{
    enum { N = 256 };
    static void *p[N];
    uint64_t rnd = 7;

    setup(0, ARENA_PAGES);
    CHECK(uk_page_alloc_order(9) != NULL); /* keep the top half out of the way */
    /* The bottom half: 511 pages, as single pages, freed in a random order. */
    for (int i = 0; i < N; i++)
        p[i] = uk_page_alloc();
    for (int i = N - 1; i > 0; i--) {
        int j = (int)(check_rand(&rnd) % (uint64_t)(i + 1));
        void *t = p[i];

        p[i] = p[j];
        p[j] = t;
    }
    for (int i = 0; i < N; i++)
        uk_page_free(p[i]);
    CHECK(uk_page_alloc_order(8) == (void *)(uintptr_t)page_addr(256));
    CHECK_EQ(page_alloc_errors(), 0);
}

TEST(touching_ranges_merge_into_one_block)
{
    /* Given apart, in reverse, with the metadata in a third range. */
    struct mem_range r[3] = {pages(768, 1024), pages(256, 512), pages(0, 256)};
    void *a;

    CHECK_EQ(page_alloc_init(r, 3), 0);
    CHECK_EQ(uk_page_total_count(), 767);
    a = uk_page_alloc_order(9);
    CHECK(a == (void *)(uintptr_t)page_addr(0));
    CHECK(uk_page_alloc_order(9) == NULL);
}

TEST(unaligned_ranges_are_used_whole)
{
    /* Pages [4, 300) after the metadata page: blocks of 4, 8, ..., 128, 32, 8, 4. */
    struct mem_range r = pages(3, 300);
    static void *all[ARENA_PAGES];

    CHECK_EQ(page_alloc_init(&r, 1), 0);
    CHECK_EQ(uk_page_total_count(), 296);
    CHECK(uk_page_alloc_order(7) == (void *)(uintptr_t)page_addr(128));
    CHECK(uk_page_alloc_order(7) == NULL);
    CHECK(uk_page_alloc_order(6) == (void *)(uintptr_t)page_addr(64));
    CHECK(uk_page_alloc_order(6) == NULL);
    CHECK(uk_page_alloc_order(5) != NULL);
    CHECK(uk_page_alloc_order(5) != NULL);
    CHECK(uk_page_alloc_order(5) == NULL);
    CHECK_EQ(drain(all, ARENA_PAGES), 296 - 128 - 64 - 64);
}

TEST(ranges_with_holes)
{
    struct mem_range r[3] = {pages(3, 10), pages(17, 300), pages(301, 302)};
    void *p;
    int n = 0;

    CHECK_EQ(page_alloc_init(r, 3), 0);
    CHECK_EQ(uk_page_total_count(), 7 - 1 + 283 + 1);
    while ((p = uk_page_alloc()) != NULL) {
        uint64_t a = (uintptr_t)p;

        CHECK((a >= r[0].start && a < r[0].end) || (a >= r[1].start && a < r[1].end) ||
              (a >= r[2].start && a < r[2].end));
        CHECK(a != r[0].start); /* the metadata page */
        n++;
    }
    CHECK_EQ(n, uk_page_total_count());
}

TEST(runs_are_naturally_aligned_and_disjoint)
{
    uint8_t *p[6];
    unsigned int orders[6] = {0, 3, 1, 5, 2, 4};

    setup(0, ARENA_PAGES);
    for (int i = 0; i < 6; i++) {
        p[i] = uk_page_alloc_order(orders[i]);
        CHECK(p[i] != NULL);
        if (!p[i])
            return;
        CHECK(((uintptr_t)p[i] & ((PAGE_SIZE << orders[i]) - 1)) == 0);
        memset(p[i], i, PAGE_SIZE << orders[i]);
    }
    for (int i = 0; i < 6; i++)
        for (size_t j = 0; j < (PAGE_SIZE << orders[i]); j += 512)
            CHECK(p[i][j] == i);
    for (int i = 0; i < 6; i++)
        uk_page_free_order(p[i], orders[i]);
    CHECK_EQ(uk_page_free_count(), uk_page_total_count());
}

TEST(misuse_is_refused_and_counted)
{
    uint8_t *a, *b;
    uint64_t before;
    static void *all[ARENA_PAGES];

    setup(0, ARENA_PAGES);
    a = uk_page_alloc_order(2);
    b = uk_page_alloc();
    before = uk_page_free_count();
    uk_page_free_order(a, 1);                      /* wrong order, smaller */
    uk_page_free_order(a, 3);                      /* wrong order, larger */
    uk_page_free_order(a + 8, 2);                  /* not page aligned */
    uk_page_free_order(a + PAGE_SIZE, 0);          /* inside a block */
    uk_page_free((void *)(uintptr_t)0x1000);       /* not ours */
    uk_page_free(NULL);                            /* not ours either */
    uk_page_free(arena);                           /* the metadata page */
    uk_page_free(arena + 600 * PAGE_SIZE);         /* inside a free block */
    uk_page_free(arena + ARENA_PAGES * PAGE_SIZE); /* just past the span */
    CHECK_EQ(page_alloc_errors(), 9);
    CHECK_EQ(uk_page_free_count(), before);
    uk_page_free_order(a, 2);
    uk_page_free_order(a, 2); /* double free */
    uk_page_free(b);
    uk_page_free(b); /* double free */
    CHECK_EQ(page_alloc_errors(), 11);
    CHECK_EQ(uk_page_free_count(), uk_page_total_count());
    /* The lists are intact: every page can still be had, once. */
    CHECK_EQ(drain(all, ARENA_PAGES), uk_page_total_count());
}

TEST(double_free_after_buddies_merged)
{
    uint8_t *a, *b;

    setup(0, 64);
    CHECK(uk_page_alloc() == (void *)(uintptr_t)page_addr(1));
    a = uk_page_alloc(); /* pages 2 and 3: buddies */
    b = uk_page_alloc();
    CHECK(a == (void *)(uintptr_t)page_addr(2) && b == a + PAGE_SIZE);
    uk_page_free(a);
    uk_page_free(b); /* now one order-1 block at a */
    uk_page_free(b);
    uk_page_free(a);
    uk_page_free_order(a, 1); /* free, so not allocated with order 1 either */
    CHECK_EQ(page_alloc_errors(), 3);
    CHECK_EQ(uk_page_free_count(), uk_page_total_count() - 1);
    CHECK(uk_page_alloc_order(1) == a);
}

TEST(huge_orders_on_free_do_not_alias_valid_ones)
{
    void *a;
    uint64_t before;

    setup(0, ARENA_PAGES);
    a = uk_page_alloc();
    before = uk_page_free_count();
    /* 32 and 64 share their low bits with order 0 in a metadata byte. */
    uk_page_free_order(a, 32);
    uk_page_free_order(a, 64);
    uk_page_free_order(a, PAGE_MAX_ORDER + 1);
    uk_page_free_order(a, ~0u);
    CHECK_EQ(page_alloc_errors(), 4);
    CHECK_EQ(uk_page_free_count(), before);
    uk_page_free(a);
    CHECK_EQ(page_alloc_errors(), 4);
    CHECK_EQ(uk_page_free_count(), uk_page_total_count());
}

TEST(order_for_counts)
{
    CHECK_EQ(page_order_for(0), 0);
    CHECK_EQ(page_order_for(1), 0);
    CHECK_EQ(page_order_for(2), 1);
    CHECK_EQ(page_order_for(3), 2);
    CHECK_EQ(page_order_for(4), 2);
    CHECK_EQ(page_order_for(5), 3);
    CHECK_EQ(page_order_for(1 << 18), 18);
    CHECK_EQ(page_order_for((1 << 18) + 1), 19); /* more than the allocator gives: caller checks */
    CHECK_EQ(page_order_for(UINT64_MAX), 63);
}

TEST(random_stress_keeps_blocks_disjoint)
{
    enum { SLOTS = 200, STEPS = 20000 };
    static uint8_t *blk[SLOTS];
    static unsigned int ord[SLOTS];
    uint64_t used = 0, rnd = 12345, errors = 0;
    int allocs = 0, failures = 0;

    setup(0, ARENA_PAGES);
    memset(blk, 0, sizeof(blk));
    for (int step = 0; step < STEPS; step++) {
        int i = (int)(check_rand(&rnd) % SLOTS);

        if (blk[i]) {
            /* The block still holds its own tag: nobody else was given it. */
            CHECK(blk[i][0] == (uint8_t)i && blk[i][(PAGE_SIZE << ord[i]) - 1] == (uint8_t)i);
            uk_page_free_order(blk[i], ord[i]);
            used -= 1u << ord[i];
            if (check_rand(&rnd) % 16 == 0) {
                uk_page_free_order(blk[i], ord[i]); /* a double free now and then */
                errors++;
            }
            blk[i] = NULL;
        } else {
            uint64_t s, e;

            ord[i] = (unsigned int)(check_rand(&rnd) % 7);
            blk[i] = uk_page_alloc_order(ord[i]);
            if (!blk[i]) {
                failures++;
                continue;
            }
            allocs++;
            s = (uintptr_t)blk[i];
            e = s + (PAGE_SIZE << ord[i]);
            CHECK((s & ((PAGE_SIZE << ord[i]) - 1)) == 0);
            CHECK(s >= page_addr(1) && e <= page_addr(ARENA_PAGES));
            for (int j = 0; j < SLOTS; j++)
                if (j != i && blk[j])
                    CHECK(e <= (uintptr_t)blk[j] || (uintptr_t)blk[j] + (PAGE_SIZE << ord[j]) <= s);
            memset(blk[i], i, PAGE_SIZE << ord[i]);
            used += 1u << ord[i];
        }
        CHECK_EQ(uk_page_free_count() + used, uk_page_total_count());
    }
    /* Both paths were exercised, under pressure. */
    CHECK(allocs > STEPS / 4);
    CHECK(failures > 0);
    CHECK_EQ(page_alloc_errors(), errors);
    for (int i = 0; i < SLOTS; i++)
        if (blk[i])
            uk_page_free_order(blk[i], ord[i]);
    CHECK_EQ(uk_page_free_count(), uk_page_total_count());
    CHECK(uk_page_alloc_order(9) == (void *)(uintptr_t)page_addr(512));
}

/*
 * PAGE_MAX_ORDER for real: a 1 GiB block needs 1 GiB-aligned memory, and
 * aligned_alloc wants a multiple of the alignment, so this takes 2 GiB of
 * address space. Only a few pages are ever touched (metadata, list links,
 * and the pages the test writes).
 */
TEST(max_order_blocks_split_and_coalesce)
{
    const uint64_t gib = 1ull << 30;
    uint8_t *mem = aligned_alloc(gib, 2 * gib);
    struct mem_range r[2];
    void *a, *p[1000];

    if (!mem) {
        printf("  note: no 2 GiB of address space: max_order test skipped\n");
        return;
    }
    /* The metadata (1 byte a page of the 2 GiB span: 128 pages) from the top. */
    r[0] = (struct mem_range){(uintptr_t)mem + 2 * gib - (1 << 20), (uintptr_t)mem + 2 * gib};
    r[1] = (struct mem_range){(uintptr_t)mem, (uintptr_t)mem + gib};
    CHECK_EQ(page_alloc_init(r, 2), 0);
    a = uk_page_alloc_order(PAGE_MAX_ORDER);
    CHECK(a == mem);
    CHECK(uk_page_alloc_order(PAGE_MAX_ORDER) == NULL);
    uk_page_free_order(a, PAGE_MAX_ORDER);
    /* Split it down to single pages, then give them back. */
    for (int i = 0; i < 1000; i++) {
        p[i] = uk_page_alloc();
        CHECK(p[i] != NULL);
    }
    CHECK(uk_page_alloc_order(PAGE_MAX_ORDER) == NULL);
    for (int i = 999; i >= 0; i--)
        uk_page_free(p[i]);
    CHECK(uk_page_alloc_order(PAGE_MAX_ORDER) == mem);
    CHECK_EQ(page_alloc_errors(), 0);
    free(mem);
}

/* What grant tables may share: pages inside allocated blocks, nothing else. */
TEST(is_allocated_only_inside_allocated_blocks)
{
    uint8_t *a, *b, *one;

    setup(0, ARENA_PAGES);
    CHECK(!page_is_allocated(page_addr(0))); /* the metadata page */
    CHECK(!page_is_allocated(page_addr(5))); /* free */
    a = uk_page_alloc_order(3);
    b = uk_page_alloc_order(5);
    one = uk_page_alloc();
    for (unsigned int i = 0; i < 8; i++)
        CHECK(page_is_allocated((uintptr_t)a + i * PAGE_SIZE + 123));
    for (unsigned int i = 0; i < 32; i++)
        CHECK(page_is_allocated((uintptr_t)b + i * PAGE_SIZE));
    CHECK(page_is_allocated((uintptr_t)one + PAGE_SIZE - 1));
    CHECK(!page_is_allocated((uintptr_t)one + PAGE_SIZE) ||
          (uintptr_t)one + PAGE_SIZE == (uintptr_t)a || (uintptr_t)one + PAGE_SIZE == (uintptr_t)b);
    uk_page_free_order(b, 5);
    for (unsigned int i = 0; i < 32; i++)
        CHECK(!page_is_allocated((uintptr_t)b + i * PAGE_SIZE));
    CHECK(page_is_allocated((uintptr_t)a + 7 * PAGE_SIZE));
    uk_page_free_order(a, 3);
    uk_page_free(one);
    for (unsigned int i = 0; i < ARENA_PAGES; i++)
        CHECK(!page_is_allocated(page_addr(i)));
    CHECK(!page_is_allocated((uintptr_t)arena - PAGE_SIZE));
    CHECK(!page_is_allocated(page_addr(ARENA_PAGES)));
    CHECK(!page_is_allocated(UINT64_MAX));
    CHECK_EQ(page_alloc_errors(), 0);
}
