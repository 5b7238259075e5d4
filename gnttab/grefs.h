/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to gnttab/: the grant-reference allocator. A stack of free
 * references threaded through an array: alloc and free in constant time,
 * a batch all-or-nothing, a bitmap that refuses double frees. Pure logic,
 * unit-tested on the host; gnttab.c grows it as it maps more frames.
 */
#ifndef GNTTAB_GREFS_H
#define GNTTAB_GREFS_H

#include <stdbool.h>
#include <stdint.h>

#define GREF_NONE UINT32_MAX

struct gref_pool {
    uint32_t *next;      /* next free ref after each free ref */
    unsigned long *used; /* one bit per ref (internal/bitmap.h) */
    uint32_t capacity, head, nr_free, first;
};

/* Refs below `first` (Xen reserves the first 8) are never handed out. */
void gref_pool_init(struct gref_pool *p, uint32_t first);
/* Make refs [capacity, new_capacity) available. 0 or -ENOMEM. */
int gref_pool_grow(struct gref_pool *p, uint32_t new_capacity);
/* One ref, or GREF_NONE when none is free. */
uint32_t gref_alloc(struct gref_pool *p);
/* n refs into out[], all or none: 0 or -ENOSPC. */
int gref_alloc_batch(struct gref_pool *p, uint32_t n, uint32_t *out);
/* 0, or -EINVAL for a ref not allocated (double free, out of range, reserved). */
int gref_free(struct gref_pool *p, uint32_t ref);
uint32_t gref_in_use(const struct gref_pool *p);
void gref_pool_destroy(struct gref_pool *p);

/*
 * The frame number a v1 grant entry holds for physical address `pa`: 0, or
 * -ERANGE when it does not fit the entry's 32 bits (RAM at or above 16 TiB,
 * which only grant table v2 could name).
 */
int gref_frame_v1(uint64_t pa, uint32_t *frame);

#endif
