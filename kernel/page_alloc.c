/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The physical page allocator: a binary buddy allocator. Free blocks of
 * 2^order pages sit on one list per order, linked through their own first
 * page, so the only metadata is one byte per page of the span: whether the
 * page is managed, and whether it heads a free or an allocated block of
 * which order. Allocation and free take at most PAGE_MAX_ORDER split or
 * merge steps: bounded constant time. A free that does not match an
 * allocated block exactly (double free, wrong order, a page inside a block
 * or outside the ranges) is refused and counted, never let near the lists.
 */
#include <errno.h>
#include <string.h>

#include <internal/mm.h>
#include <uk/assert.h>
#include <uk/list.h>

#define META_FREE    0x80 /* heads a free block */
#define META_ALLOC   0x40 /* heads an allocated block */
#define META_MANAGED 0x20 /* inside a usable range, outside the metadata */
#define META_ORDER   0x1f

/* The order must fit its metadata bits. */
UK_BUILD_BUG_ON(PAGE_MAX_ORDER > META_ORDER);

static uint8_t *meta; /* NULL until an init succeeds */
static uint64_t base_pfn, span_pages;
/* A free block's list node is its own first page. */
static struct uk_list free_lists[PAGE_MAX_ORDER + 1];
static uint64_t nr_free, nr_total, nr_errors;

static uint64_t pfn_of(const void *p)
{
    return (uintptr_t)p >> PAGE_SHIFT;
}

static void *page_of(uint64_t pfn)
{
    return (void *)(uintptr_t)(pfn << PAGE_SHIFT);
}

static bool in_span(uint64_t pfn)
{
    return pfn >= base_pfn && pfn - base_pfn < span_pages;
}

static uint8_t *meta_of(uint64_t pfn)
{
    return &meta[pfn - base_pfn];
}

/* At the head: the block freed last is handed out first, still warm in cache. */
static void list_push(unsigned int order, uint64_t pfn)
{
    uk_list_add(&free_lists[order], page_of(pfn));
    *meta_of(pfn) = (uint8_t)(META_MANAGED | META_FREE | order);
}

static void list_unlink(uint64_t pfn)
{
    uk_list_remove(page_of(pfn));
    *meta_of(pfn) = META_MANAGED;
}

/* Put a block on its list, merged with its buddy for as long as that is free. */
static void free_block(uint64_t pfn, unsigned int order)
{
    while (order < PAGE_MAX_ORDER) {
        uint64_t buddy = pfn ^ ((uint64_t)1 << order);

        if (!in_span(buddy) || *meta_of(buddy) != (META_MANAGED | META_FREE | order))
            break;
        list_unlink(buddy);
        pfn &= ~((uint64_t)1 << order);
        order++;
    }
    list_push(order, pfn);
}

unsigned page_order_for(uint64_t npages)
{
    unsigned int order = 0;

    while (order < 63 && ((uint64_t)1 << order) < npages)
        order++;
    return order;
}

/* Aligned and disjoint: a page listed twice would be handed out twice. */
static int check_ranges(const struct mem_range *r, unsigned int n, uint64_t *lo, uint64_t *hi)
{
    bool any = false;

    *lo = UINT64_MAX;
    *hi = 0;
    for (unsigned int i = 0; i < n; i++) {
        if ((r[i].start | r[i].end) & (PAGE_SIZE - 1) || r[i].start > r[i].end)
            return -EINVAL;
        if (r[i].start == r[i].end)
            continue;
        for (unsigned int j = 0; j < i; j++)
            if (r[j].start < r[j].end && r[j].start < r[i].end && r[i].start < r[j].end)
                return -EINVAL;
        if (r[i].start < *lo)
            *lo = r[i].start;
        if (r[i].end > *hi)
            *hi = r[i].end;
        any = true;
    }
    return any ? 0 : -EINVAL;
}

int page_alloc_init(const struct mem_range *ranges, unsigned n)
{
    uint64_t lo, hi, meta_pages;
    int meta_range = -1, rc;

    for (unsigned int o = 0; o <= PAGE_MAX_ORDER; o++)
        uk_list_init(&free_lists[o]);
    meta = NULL;
    nr_free = nr_total = nr_errors = 0;
    base_pfn = span_pages = 0;

    rc = ranges ? check_ranges(ranges, n, &lo, &hi) : -EINVAL;
    if (rc)
        return rc;
    span_pages = (hi - lo) >> PAGE_SHIFT;
    meta_pages = (span_pages + PAGE_SIZE - 1) / PAGE_SIZE;
    /* Strictly bigger: a range that would be all metadata helps nobody. */
    for (unsigned int i = 0; i < n && meta_range < 0; i++)
        if ((ranges[i].end - ranges[i].start) >> PAGE_SHIFT > meta_pages)
            meta_range = (int)i;
    if (meta_range < 0) {
        span_pages = 0;
        return -ENOMEM;
    }
    base_pfn = lo >> PAGE_SHIFT;
    meta = (uint8_t *)(uintptr_t)ranges[meta_range].start;
    memset(meta, 0, span_pages);

    for (unsigned int i = 0; i < n; i++) {
        uint64_t pfn = ranges[i].start >> PAGE_SHIFT, end = ranges[i].end >> PAGE_SHIFT;

        if (pfn == end)
            continue;
        if ((int)i == meta_range)
            pfn += meta_pages;
        memset(meta_of(pfn), META_MANAGED, end - pfn);
        nr_total += end - pfn;
        nr_free += end - pfn;
        /*
         * The largest naturally aligned blocks that fit, left to right;
         * free_block() merges them across ranges that touch.
         */
        while (pfn < end) {
            unsigned int order = 0;

            while (order < PAGE_MAX_ORDER && !(pfn & ((uint64_t)1 << order)) &&
                   end - pfn >= ((uint64_t)2 << order))
                order++;
            free_block(pfn, order);
            pfn += (uint64_t)1 << order;
        }
    }
    return 0;
}

void *uk_page_alloc_order(unsigned order)
{
    unsigned int k = order;
    uint64_t pfn;

    if (order > PAGE_MAX_ORDER || !meta)
        return NULL;
    while (k <= PAGE_MAX_ORDER && uk_list_empty(&free_lists[k]))
        k++;
    if (k > PAGE_MAX_ORDER)
        return NULL;
    pfn = pfn_of(free_lists[k].next);
    list_unlink(pfn);
    /* Split: the upper halves go back on the lists. */
    while (k > order) {
        k--;
        list_push(k, pfn + ((uint64_t)1 << k));
    }
    *meta_of(pfn) = (uint8_t)(META_MANAGED | META_ALLOC | order);
    nr_free -= (uint64_t)1 << order;
    return page_of(pfn);
}

void uk_page_free_order(void *pages, unsigned order)
{
    uint64_t pfn = pfn_of(pages);

    /* The order is checked on its own: a large one would alias a valid byte. */
    if (!meta || !pages || order > PAGE_MAX_ORDER || ((uintptr_t)pages & (PAGE_SIZE - 1)) ||
        !in_span(pfn) || *meta_of(pfn) != (META_MANAGED | META_ALLOC | order)) {
        nr_errors++;
        return;
    }
    *meta_of(pfn) = META_MANAGED; /* the head may end up inside a merged block */
    nr_free += (uint64_t)1 << order;
    free_block(pfn, order);
}

void *uk_page_alloc(void)
{
    return uk_page_alloc_order(0);
}

void uk_page_free(void *page)
{
    uk_page_free_order(page, 0);
}

bool page_is_allocated(uint64_t pa)
{
    uint64_t pfn = pa >> PAGE_SHIFT;

    if (!meta || !in_span(pfn) || !(*meta_of(pfn) & META_MANAGED))
        return false;
    /*
     * The block holding pfn starts at pfn rounded down to the block's order,
     * and the pages between that head and pfn are no heads (their bytes are
     * plain META_MANAGED): the first head met going down is the block's.
     */
    for (unsigned int o = 0; o <= PAGE_MAX_ORDER; o++) {
        uint64_t head = pfn & ~(((uint64_t)1 << o) - 1);
        uint8_t m;

        if (!in_span(head))
            break;
        m = *meta_of(head);
        if (m & (META_FREE | META_ALLOC))
            return (m & META_ALLOC) && (m & META_ORDER) >= o;
    }
    return false;
}

uint64_t uk_page_free_count(void)
{
    return nr_free;
}

uint64_t uk_page_total_count(void)
{
    return nr_total;
}

uint64_t page_alloc_errors(void)
{
    return nr_errors;
}
