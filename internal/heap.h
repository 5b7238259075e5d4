/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The heap newlib's malloc grows through sbrk (kernel/heap.c).
 */
#ifndef INTERNAL_HEAP_H
#define INTERNAL_HEAP_H

#include <stdint.h>

/* Move the break by `incr` bytes; the old break, or (void *)-1 and ENOMEM. */
void *heap_sbrk(intptr_t incr);
uintptr_t heap_start(void);
uint64_t heap_size(void);

#endif
