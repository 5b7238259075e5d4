/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pages: what an app may take from the runtime's page allocator (a buddy
 * allocator over all usable RAM), e.g. to share with another domain. All
 * RAM is identity-mapped, so a page's address is also its physical address.
 */
#ifndef UK_MM_H
#define UK_MM_H

#include <stdint.h>

#define UK_PAGE_SHIFT     12
#define UK_PAGE_SIZE      ((uint64_t)1 << UK_PAGE_SHIFT)
#define UK_PAGE_MAX_ORDER 18 /* 2^18 pages = 1 GiB, the largest run */

/*
 * Nothing here is zeroed: uk_page_alloc, uk_page_alloc_order and the heap behind
 * malloc hand out whatever the memory last held (old stacks, buffers,
 * another thread's data); calloc zeroes, as C says. Only Xen's fresh pages
 * are zero at boot, and nothing may count on that. A page shared with
 * another domain must be cleared (or filled) before it is granted: vchan
 * clears its shared page and rings, the shmem example its window.
 */

/* One page, or NULL when memory is exhausted. */
void *uk_page_alloc(void);
void uk_page_free(void *page);

/*
 * 2^order contiguous, naturally aligned pages, or NULL (also for an order
 * above UK_PAGE_MAX_ORDER). A block is freed whole, with the order it was
 * allocated with.
 */
void *uk_page_alloc_order(unsigned order);
void uk_page_free_order(void *pages, unsigned order);

/* Pages free now, and pages managed in all. */
uint64_t uk_page_free_count(void);
uint64_t uk_page_total_count(void);

#endif
