/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The heap behind newlib's malloc: sbrk over a virtual range of its own,
 * backed page by page from the page allocator as it grows and given back as
 * it shrinks. Physical pages need not be contiguous, so a fragmented page
 * allocator does not limit malloc.
 *
 * Also the allocation calls newlib gets wrong or lacks: its calloc does not
 * check n * size for overflow (a small block for a huge request), and it
 * has no posix_memalign (so its aligned_alloc, which calls it, cannot link).
 * These override newlib's because libunikernel.a comes first in the link
 * and this file is always linked (libc_thread.c calls calloc).
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <internal/arch.h>
#include <internal/heap.h>
#include <internal/mm.h>
#include <uk/assert.h>

/* Far from the identity map (which ends where RAM ends). */
#define HEAP_BASE 0x0000100000000000ull
#define HEAP_MAX  0x0000010000000000ull /* 1 TiB of address space */

static uintptr_t brk = HEAP_BASE;    /* the current break */
static uintptr_t mapped = HEAP_BASE; /* end of the mapped pages */

uintptr_t heap_start(void)
{
    return HEAP_BASE;
}

uint64_t heap_size(void)
{
    return brk - HEAP_BASE;
}

static void shrink_to(uintptr_t end)
{
    while (mapped > end) {
        int64_t pa;
        int rc;

        mapped -= PAGE_SIZE;
        pa = arch_virt_to_phys(mapped);
        /* heap_sbrk mapped every page below `mapped`, 4 KiB each: it unmaps. */
        UK_ASSERT(pa >= 0);
        rc = arch_unmap_page(mapped);
        UK_ASSERT(rc == 0);
        uk_page_free((void *)(uintptr_t)pa);
    }
}

void *heap_sbrk(intptr_t incr)
{
    uintptr_t old = brk, want = brk + incr;

    if (incr < 0 ? want < HEAP_BASE || want > brk : want > HEAP_BASE + HEAP_MAX || want < brk) {
        errno = ENOMEM;
        return (void *)-1;
    }
    while (mapped < want) {
        void *page = uk_page_alloc();

        if (!page || arch_map_page(mapped, (uintptr_t)page, MAP_WRITE)) {
            if (page)
                uk_page_free(page);
            /* Give back what this call took: the break is unchanged. */
            shrink_to(PAGE_ALIGN_UP(old));
            errno = ENOMEM;
            return (void *)-1;
        }
        mapped += PAGE_SIZE;
    }
    brk = want;
    if (incr < 0)
        shrink_to(PAGE_ALIGN_UP(brk));
    return (void *)old;
}

void *_calloc_r(struct _reent *r, size_t n, size_t size)
{
    size_t bytes;
    void *p;

    if (__builtin_mul_overflow(n, size, &bytes)) {
        r->_errno = ENOMEM;
        return NULL;
    }
    p = _malloc_r(r, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

void *calloc(size_t n, size_t size)
{
    return _calloc_r(_REENT, n, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
    void *p;

    /* POSIX: a power of two and a multiple of sizeof(void *); errno untouched. */
    if (align < sizeof(void *) || (align & (align - 1)))
        return EINVAL;
    p = memalign(align, size);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}
