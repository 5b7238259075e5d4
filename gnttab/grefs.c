/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The grant-reference allocator (see grefs.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <internal/bitmap.h>

#include "grefs.h"

void gref_pool_init(struct gref_pool *p, uint32_t first)
{
    memset(p, 0, sizeof(*p));
    p->head = GREF_NONE;
    p->first = first;
}

int gref_pool_grow(struct gref_pool *p, uint32_t cap)
{
    uint32_t *next;
    unsigned long *used;

    if (cap <= p->capacity)
        return 0;
    next = realloc(p->next, cap * sizeof(*next));
    if (!next)
        return -ENOMEM;
    p->next = next;
    used = realloc(p->used, BITMAP_BYTES(cap));
    if (!used)
        return -ENOMEM;
    /* The old last word's bits past the old capacity were never set. */
    memset(used + BITMAP_WORDS(p->capacity), 0, BITMAP_BYTES(cap) - BITMAP_BYTES(p->capacity));
    p->used = used;
    /* Push the new refs, highest first, so that low refs come out first. */
    for (uint32_t r = cap; r-- > p->capacity;) {
        if (r < p->first) {
            bitmap_set(p->used, r); /* reserved: never free */
            continue;
        }
        p->next[r] = p->head;
        p->head = r;
        p->nr_free++;
    }
    p->capacity = cap;
    return 0;
}

uint32_t gref_alloc(struct gref_pool *p)
{
    uint32_t r = p->head;

    if (r == GREF_NONE)
        return GREF_NONE;
    p->head = p->next[r];
    p->nr_free--;
    bitmap_set(p->used, r);
    return r;
}

int gref_alloc_batch(struct gref_pool *p, uint32_t n, uint32_t *out)
{
    if (n > p->nr_free)
        return -ENOSPC;
    for (uint32_t i = 0; i < n; i++)
        out[i] = gref_alloc(p);
    return 0;
}

int gref_free(struct gref_pool *p, uint32_t ref)
{
    if (ref >= p->capacity || ref < p->first || !bitmap_test(p->used, ref))
        return -EINVAL;
    bitmap_clear(p->used, ref);
    p->next[ref] = p->head;
    p->head = ref;
    p->nr_free++;
    return 0;
}

uint32_t gref_in_use(const struct gref_pool *p)
{
    return p->capacity - (p->capacity < p->first ? p->capacity : p->first) - p->nr_free;
}

void gref_pool_destroy(struct gref_pool *p)
{
    free(p->next);
    free(p->used);
    gref_pool_init(p, p->first);
}

int gref_frame_v1(uint64_t pa, uint32_t *frame)
{
    uint64_t pfn = pa >> 12;

    if (pfn > UINT32_MAX)
        return -ERANGE;
    *frame = (uint32_t)pfn;
    return 0;
}
