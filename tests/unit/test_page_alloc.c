/* Host tests for kernel/page_alloc.c, over memory from aligned_alloc. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uk/mm.h>

#include "check.h"

#define ARENA_PAGES 1024

static uint8_t *arena;

/* A fresh allocator over [first, last) pages of a 4 MiB-aligned arena. */
static void setup(unsigned int first, unsigned int last)
{
    struct mem_range r;

    if (!arena)
        arena = aligned_alloc(4 << 20, ARENA_PAGES * PAGE_SIZE);
    r.start = (uintptr_t)arena + first * PAGE_SIZE;
    r.end = (uintptr_t)arena + last * PAGE_SIZE;
    CHECK_EQ(page_alloc_init(&r, 1), 0);
}

TEST(init_counts_pages_minus_metadata)
{
    setup(0, ARENA_PAGES);
    /* 1024 pages of span need one metadata page. */
    CHECK_EQ(page_total_count(), ARENA_PAGES - 1);
    CHECK_EQ(page_free_count(), ARENA_PAGES - 1);
}

TEST(init_rejects_bad_ranges)
{
    struct mem_range unaligned = {0x1001, 0x5000}, empty = {0x5000, 0x5000};

    CHECK_EQ(page_alloc_init(&unaligned, 1), -EINVAL);
    CHECK_EQ(page_alloc_init(&empty, 1), -EINVAL);
    CHECK_EQ(page_alloc_init(NULL, 0), -EINVAL);
    CHECK(page_alloc() == NULL); /* nothing to give after a failed init */
}

TEST(alloc_everything_then_free_everything)
{
    static void *pages[ARENA_PAGES];
    uint64_t total;
    int n = 0;

    setup(0, ARENA_PAGES);
    total = page_total_count();
    while ((pages[n] = page_alloc()) != NULL) {
        memset(pages[n], 0xa5, PAGE_SIZE); /* ASan: it is all real memory */
        n++;
    }
    CHECK_EQ(n, total);
    CHECK_EQ(page_free_count(), 0);
    CHECK(page_alloc_order(0) == NULL);
    for (int i = 0; i < n; i++)
        page_free(pages[i]);
    CHECK_EQ(page_free_count(), total);
    CHECK_EQ(page_alloc_errors(), 0);
}

TEST(free_coalesces_back_into_large_blocks)
{
    void *a, *b;

    setup(0, ARENA_PAGES);
    /* Only 1023 pages (one went to metadata): the largest block is order 9. */
    a = page_alloc_order(9);
    CHECK(a != NULL);
    CHECK(((uintptr_t)a & ((PAGE_SIZE << 9) - 1)) == 0);
    CHECK(page_alloc_order(9) == NULL);
    page_free_order(a, 9);
    for (int i = 0; i < 50; i++)
        page_free(page_alloc());
    b = page_alloc_order(9);
    CHECK(b == a); /* the single pages merged back */
    page_free_order(b, 9);
}

TEST(runs_are_naturally_aligned_and_disjoint)
{
    uint8_t *p[6];
    unsigned int orders[6] = {0, 3, 1, 5, 2, 4};

    setup(0, ARENA_PAGES);
    for (int i = 0; i < 6; i++) {
        p[i] = page_alloc_order(orders[i]);
        CHECK(p[i] != NULL);
        CHECK(((uintptr_t)p[i] & ((PAGE_SIZE << orders[i]) - 1)) == 0);
        memset(p[i], i, PAGE_SIZE << orders[i]);
    }
    for (int i = 0; i < 6; i++)
        for (size_t j = 0; j < (PAGE_SIZE << orders[i]); j += 512)
            CHECK(p[i][j] == i);
    for (int i = 0; i < 6; i++)
        page_free_order(p[i], orders[i]);
    CHECK_EQ(page_free_count(), page_total_count());
}

TEST(misuse_is_refused_and_counted)
{
    void *a;
    uint64_t before;

    setup(0, ARENA_PAGES);
    a = page_alloc_order(2);
    before = page_free_count();
    page_free_order(a, 1);                        /* wrong order */
    page_free_order((uint8_t *)a + 8, 2);         /* not page aligned */
    page_free_order((uint8_t *)a + PAGE_SIZE, 0); /* inside a block */
    page_free((void *)(uintptr_t)0x1000);         /* not ours */
    CHECK_EQ(page_alloc_errors(), 4);
    CHECK_EQ(page_free_count(), before);
    page_free_order(a, 2);
    page_free_order(a, 2); /* double free */
    CHECK_EQ(page_alloc_errors(), 5);
    CHECK_EQ(page_free_count(), page_total_count());
}

TEST(order_for_counts)
{
    CHECK_EQ(page_order_for(0), 0);
    CHECK_EQ(page_order_for(1), 0);
    CHECK_EQ(page_order_for(2), 1);
    CHECK_EQ(page_order_for(3), 2);
    CHECK_EQ(page_order_for(5), 3);
    CHECK_EQ(page_order_for(1 << 18), 18);
}

TEST(ranges_with_holes_and_odd_alignment)
{
    struct mem_range r[3];
    uint64_t base =
        (uintptr_t)(arena ? arena : (arena = aligned_alloc(4 << 20, ARENA_PAGES * PAGE_SIZE)));
    void *p;
    int n = 0;

    r[0] = (struct mem_range){base + 3 * PAGE_SIZE, base + 10 * PAGE_SIZE};
    r[1] = (struct mem_range){base + 17 * PAGE_SIZE, base + 300 * PAGE_SIZE};
    r[2] = (struct mem_range){base + 301 * PAGE_SIZE, base + 302 * PAGE_SIZE};
    CHECK_EQ(page_alloc_init(r, 3), 0);
    CHECK_EQ(page_total_count(), 7 - 1 + 283 + 1);
    while ((p = page_alloc()) != NULL) {
        uint64_t a = (uintptr_t)p;

        CHECK((a >= r[0].start && a < r[0].end) || (a >= r[1].start && a < r[1].end) ||
              (a >= r[2].start && a < r[2].end));
        CHECK(a != r[0].start); /* the metadata page */
        n++;
    }
    CHECK_EQ(n, page_total_count());
}

TEST(random_stress_keeps_blocks_disjoint)
{
    enum { SLOTS = 200 };
    static uint8_t *blk[SLOTS];
    static unsigned int ord[SLOTS];
    uint64_t used = 0;

    setup(0, ARENA_PAGES);
    srand(12345);
    memset(blk, 0, sizeof(blk));
    for (int step = 0; step < 20000; step++) {
        int i = rand() % SLOTS;

        if (blk[i]) {
            /* The block still holds its own tag: nobody else was given it. */
            CHECK(blk[i][0] == (uint8_t)i && blk[i][(PAGE_SIZE << ord[i]) - 1] == (uint8_t)i);
            page_free_order(blk[i], ord[i]);
            used -= 1u << ord[i];
            blk[i] = NULL;
        } else {
            ord[i] = (unsigned int)(rand() % 5);
            blk[i] = page_alloc_order(ord[i]);
            if (blk[i]) {
                memset(blk[i], i, PAGE_SIZE << ord[i]);
                used += 1u << ord[i];
            }
        }
        CHECK_EQ(page_free_count() + used, page_total_count());
    }
    for (int i = 0; i < SLOTS; i++)
        if (blk[i])
            page_free_order(blk[i], ord[i]);
    CHECK_EQ(page_free_count(), page_total_count());
    CHECK_EQ(page_alloc_errors(), 0);
}
