/*
 * Shared rings for split drivers: Xen's own io/ring.h macros
 * (DEFINE_RING_TYPES, RING_PUSH_REQUESTS_AND_CHECK_NOTIFY, ...), with the
 * barriers they expect defined from ours. Front and back ends use the
 * macros as Xen documents them; the index helpers below check what a peer
 * wrote before it is trusted.
 */
#ifndef UK_RING_H
#define UK_RING_H

#include <stdbool.h>
#include <string.h>

#include <uk/compiler.h>

#define xen_mb()  smp_mb()
#define xen_rmb() smp_rmb()
#define xen_wmb() smp_wmb()

#include <xen/io/ring.h>

/*
 * Can a peer's producer index be right? A consumer at `cons` on a ring of
 * `size` entries may see at most `size` unconsumed entries: anything more
 * means garbage indices, to be refused rather than followed.
 */
static inline bool ring_prod_valid(RING_IDX cons, RING_IDX prod, unsigned int size)
{
    return (RING_IDX)(prod - cons) <= size;
}

#endif
