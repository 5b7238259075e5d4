/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared rings: Xen's own io/ring.h macros for the request/response rings
 * of split drivers (DEFINE_RING_TYPES, RING_PUSH_REQUESTS_AND_CHECK_NOTIFY,
 * ...), with the barriers they expect defined from ours, and the one copy
 * in and out of a byte ring (console, XenStore, vchan). Front and back ends
 * use the macros as Xen documents them; the index helpers below check what
 * a peer wrote before it is trusted.
 */
#ifndef UK_RING_H
#define UK_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <uk/compiler.h>

#define xen_mb()  uk_smp_mb()
#define xen_rmb() uk_smp_rmb()
#define xen_wmb() uk_smp_wmb()

#include <xen/io/ring.h>

/*
 * Can a peer's producer index be right? A consumer at `cons` on a ring of
 * `size` entries may see at most `size` unconsumed entries: anything more
 * means garbage indices, to be refused rather than followed.
 */
static inline bool uk_ring_prod_valid(RING_IDX cons, RING_IDX prod, unsigned int size)
{
    return (RING_IDX)(prod - cons) <= size;
}

/*
 * Byte rings: `size` bytes (a power of two) addressed by free-running
 * indices, so `idx` is masked here, whatever a peer wrote. The caller has
 * bounded `n` by the ring's free or used bytes (at most `size`), from
 * indices it checked; the copy wraps at the ring's end.
 */
static inline void uk_ring_copy_to(void *ring, size_t size, uint32_t idx, const void *src, size_t n)
{
    size_t at = idx & (size - 1), first = size - at < n ? size - at : n;

    memcpy((char *)ring + at, src, first);
    memcpy(ring, (const char *)src + first, n - first);
}

static inline void uk_ring_copy_from(void *dst, const void *ring, size_t size, uint32_t idx,
                                     size_t n)
{
    size_t at = idx & (size - 1), first = size - at < n ? size - at : n;

    memcpy(dst, (const char *)ring + at, first);
    memcpy((char *)dst + first, ring, n - first);
}

#endif
