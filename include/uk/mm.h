/*
 * Physical memory: the usable memory map, the page allocator and the
 * kernel heap. Memory is identity-mapped below 4 GiB, so a physical address
 * of RAM is also a pointer to it.
 */
#ifndef UK_MM_H
#define UK_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  ((uint64_t)1 << PAGE_SHIFT)

#define PAGE_ALIGN_DOWN(x) ((uint64_t)(x) & ~(PAGE_SIZE - 1))
#define PAGE_ALIGN_UP(x)   PAGE_ALIGN_DOWN((uint64_t)(x) + PAGE_SIZE - 1)

/* A half-open range of physical addresses, [start, end). */
struct mem_range {
    uint64_t start;
    uint64_t end;
};

struct hvm_memmap_table_entry;

/*
 * Turn the memory map Xen gave into usable RAM: RAM entries only, clipped
 * to whole pages, sorted, merged where they touch or overlap, with every
 * non-RAM entry and every range in `reserved` cut out, and page 0 never
 * usable (it stays unmapped so that NULL faults). Odd maps (overlaps,
 * unaligned or zero-sized entries, unsorted input) are handled.
 *
 * Writes at most `max_out` ranges to `out` and returns how many it wrote,
 * or -E2BIG if more were needed (the first `max_out` are still valid).
 */
int memmap_usable(const struct hvm_memmap_table_entry *map, unsigned nr_map,
                  const struct mem_range *reserved, unsigned nr_reserved, struct mem_range *out,
                  unsigned max_out);

/* Total bytes in `n` ranges. */
uint64_t memmap_total(const struct mem_range *r, unsigned n);

/*
 * The page allocator: a buddy allocator over the usable ranges. Single-page
 * alloc and free take bounded constant time (at most PAGE_MAX_ORDER steps);
 * runs of 2^order contiguous pages serve stacks and large buffers.
 *
 * page_alloc_init() keeps its metadata (one byte per page of the span the
 * ranges cover) in pages taken from the first range big enough; the ranges
 * must be mapped and writable. Calling it again starts afresh (the host
 * tests do). Returns 0, or -EINVAL (empty or unaligned ranges) / -ENOMEM.
 */
#define PAGE_MAX_ORDER 18 /* 2^18 pages = 1 GiB, the largest run */

int page_alloc_init(const struct mem_range *ranges, unsigned n);

/* One page, or NULL when memory is exhausted. */
void *page_alloc(void);
void page_free(void *page);

/* 2^order contiguous, naturally aligned pages, or NULL. */
void *page_alloc_order(unsigned order);
void page_free_order(void *pages, unsigned order);

/* The smallest order whose run holds `npages` pages. */
unsigned page_order_for(uint64_t npages);

/*
 * Frees refused so far: a double free, a wrong order, an address the
 * allocator does not manage. The lists are never touched by such a call.
 */
uint64_t page_alloc_errors(void);

/* Pages free now, and pages managed in all. */
uint64_t page_free_count(void);
uint64_t page_total_count(void);

#endif
