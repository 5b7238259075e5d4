/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Physical memory as the runtime sees it: the usable memory map and the
 * page allocator's set-up and checks. All RAM is identity-mapped (below
 * 4 GiB from the first instruction, above it from the memory map at boot),
 * so a physical address of RAM is also a pointer to it.
 */
#ifndef INTERNAL_MM_H
#define INTERNAL_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uk/mm.h>

#define PAGE_SHIFT UK_PAGE_SHIFT
#define PAGE_SIZE  UK_PAGE_SIZE

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
 * usable (it stays unmapped so that NULL faults). Non-RAM entries and
 * reserved ranges are rounded outward to whole pages; empty ones cut
 * nothing. Odd maps (overlaps, unaligned or zero-sized entries, unsorted
 * input, entries wrapping past 2^64, which end at 2^64) are handled, and
 * there is no limit on the number of entries. The top page below 2^64 is
 * never usable: its end does not fit a mem_range.
 *
 * The output is sorted, and no two ranges touch. Writes at most `max_out`
 * ranges to `out` and returns how many it wrote, or -E2BIG if more were
 * needed (the first `max_out`, the lowest, are still valid).
 */
int memmap_usable(const struct hvm_memmap_table_entry *map, unsigned nr_map,
                  const struct mem_range *reserved, unsigned nr_reserved, struct mem_range *out,
                  unsigned max_out);

/* Total bytes in `n` ranges. */
uint64_t memmap_total(const struct mem_range *r, unsigned n);

/*
 * The end of the highest entry of Xen's memory map for this guest, whatever
 * its type: guest-physical space above it holds nothing of ours (foreign
 * mappings go there).
 */
uint64_t memmap_top(void);

/*
 * The page allocator: a buddy allocator over the usable ranges. Single-page
 * alloc and free take bounded constant time (at most PAGE_MAX_ORDER steps);
 * runs of 2^order contiguous pages serve stacks and large buffers.
 *
 * page_alloc_init() keeps its metadata (one byte per page of the span the
 * ranges cover, holes included) in pages taken from the start of the first
 * range, in array order, with more pages than that; the ranges must be
 * mapped and writable. They need not be sorted; empty ones are skipped;
 * ranges that touch merge into larger blocks. Calling it again forgets
 * everything (blocks handed out before, the error count) and starts
 * afresh: the host tests do. Returns 0, or -EINVAL (no pages, a range
 * unaligned or inverted, two ranges overlapping) or -ENOMEM (no range can
 * hold the metadata); on error nothing is allocatable.
 */
#define PAGE_MAX_ORDER UK_PAGE_MAX_ORDER

int page_alloc_init(const struct mem_range *ranges, unsigned n);

/* The smallest order whose run holds `npages` pages. */
unsigned page_order_for(uint64_t npages);

/*
 * Frees refused since page_alloc_init(): a double free, a wrong order, an
 * address that is not the start of an allocated block (inside one, not
 * page aligned, not managed, NULL). Such a call changes nothing else: it
 * returns at once, so the kernel can check this count instead.
 */
uint64_t page_alloc_errors(void);

/*
 * True when the page holding physical address `pa` is inside a block the
 * allocator handed out and that was not freed since: memory the runtime
 * owns (grant tables refuse to share anything else but the image).
 */
bool page_is_allocated(uint64_t pa);

#endif
