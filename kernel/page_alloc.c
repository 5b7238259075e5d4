/*
 * The physical page allocator: a binary buddy allocator. Free blocks of
 * 2^order pages sit on one list per order, linked through their own first
 * page; one metadata byte per page records whether it heads a free or an
 * allocated block, and of which order. Allocation and free take at most
 * PAGE_MAX_ORDER split or merge steps: bounded constant time. Misuse (double
 * free, wrong order, a page it does not manage) is refused and counted,
 * never allowed to corrupt the lists.
 */
#include <errno.h>
#include <string.h>

#include <uk/mm.h>

#define META_FREE    0x80 /* heads a free block */
#define META_ALLOC   0x40 /* heads an allocated block */
#define META_MANAGED 0x20 /* inside a usable range */
#define META_ORDER   0x1f

struct free_block {
    struct free_block *next, *prev;
};

static uint8_t *meta;
static uint64_t base_pfn, span_pages;
static struct free_block free_lists[PAGE_MAX_ORDER + 1]; /* list heads */
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

static void list_push(unsigned int order, uint64_t pfn)
{
    struct free_block *b = page_of(pfn), *head = &free_lists[order];

    b->next = head->next;
    b->prev = head;
    head->next->prev = b;
    head->next = b;
    *meta_of(pfn) = (uint8_t)((*meta_of(pfn) & META_MANAGED) | META_FREE | order);
}

static void list_unlink(uint64_t pfn)
{
    struct free_block *b = page_of(pfn);

    b->prev->next = b->next;
    b->next->prev = b->prev;
    *meta_of(pfn) &= META_MANAGED;
}

unsigned page_order_for(uint64_t npages)
{
    unsigned int order = 0;

    while (order < 63 && ((uint64_t)1 << order) < npages)
        order++;
    return order;
}

int page_alloc_init(const struct mem_range *ranges, unsigned n)
{
    uint64_t lo = UINT64_MAX, hi = 0, meta_pages;
    int meta_range = -1;

    for (unsigned int o = 0; o <= PAGE_MAX_ORDER; o++)
        free_lists[o].next = free_lists[o].prev = &free_lists[o];
    meta = NULL;
    nr_free = nr_total = nr_errors = 0;
    span_pages = 0;

    for (unsigned int i = 0; i < n; i++) {
        if ((ranges[i].start | ranges[i].end) & (PAGE_SIZE - 1) || ranges[i].start >= ranges[i].end)
            return -EINVAL;
        if (ranges[i].start < lo)
            lo = ranges[i].start;
        if (ranges[i].end > hi)
            hi = ranges[i].end;
    }
    if (!n)
        return -EINVAL;
    base_pfn = lo >> PAGE_SHIFT;
    span_pages = (hi - lo) >> PAGE_SHIFT;
    meta_pages = (span_pages + PAGE_SIZE - 1) / PAGE_SIZE;
    for (unsigned int i = 0; i < n && meta_range < 0; i++)
        if ((ranges[i].end - ranges[i].start) >> PAGE_SHIFT > meta_pages)
            meta_range = (int)i;
    if (meta_range < 0)
        return -ENOMEM;
    meta = (uint8_t *)(uintptr_t)ranges[meta_range].start;
    memset(meta, 0, span_pages);

    for (unsigned int i = 0; i < n; i++) {
        uint64_t pfn = ranges[i].start >> PAGE_SHIFT, end = ranges[i].end >> PAGE_SHIFT;

        if ((int)i == meta_range)
            pfn += meta_pages;
        for (uint64_t p = pfn; p < end; p++)
            *meta_of(p) = META_MANAGED;
        nr_total += end - pfn;
        /* The largest naturally aligned blocks that fit, left to right. */
        while (pfn < end) {
            unsigned int order = 0;

            while (order < PAGE_MAX_ORDER && !(pfn & ((uint64_t)1 << order)) &&
                   pfn + ((uint64_t)2 << order) <= end)
                order++;
            list_push(order, pfn);
            pfn += (uint64_t)1 << order;
        }
    }
    nr_free = nr_total;
    return 0;
}

void *page_alloc_order(unsigned order)
{
    unsigned int k = order;
    uint64_t pfn;

    if (order > PAGE_MAX_ORDER || !meta)
        return NULL;
    while (k <= PAGE_MAX_ORDER && free_lists[k].next == &free_lists[k])
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

void page_free_order(void *pages, unsigned order)
{
    uint64_t pfn = pfn_of(pages);

    if (!meta || ((uintptr_t)pages & (PAGE_SIZE - 1)) || !in_span(pfn) ||
        *meta_of(pfn) != (META_MANAGED | META_ALLOC | order)) {
        nr_errors++; /* double free, wrong order, or not ours: refuse */
        return;
    }
    *meta_of(pfn) = META_MANAGED;
    nr_free += (uint64_t)1 << order;
    /* Merge with the buddy while it is a free block of the same order. */
    while (order < PAGE_MAX_ORDER) {
        uint64_t buddy = pfn ^ ((uint64_t)1 << order);

        if (!in_span(buddy) || *meta_of(buddy) != (META_MANAGED | META_FREE | order))
            break;
        list_unlink(buddy);
        if (buddy < pfn)
            pfn = buddy;
        order++;
    }
    list_push(order, pfn);
}

void *page_alloc(void)
{
    return page_alloc_order(0);
}

void page_free(void *page)
{
    page_free_order(page, 0);
}

uint64_t page_free_count(void)
{
    return nr_free;
}

uint64_t page_total_count(void)
{
    return nr_total;
}

uint64_t page_alloc_errors(void)
{
    return nr_errors;
}
