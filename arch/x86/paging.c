/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest's page tables. boot.S identity-maps 0..4 GiB with 2 MiB pages;
 * here we map and unmap single pages (splitting a 2 MiB page when a finer
 * mapping is needed), map ranges with 2 MiB pages where alignment allows,
 * and keep the list of guard pages so that a fault on one is reported as a
 * stack overflow.
 */
#include <errno.h>
#include <string.h>

#include <internal/arch.h>
#include <internal/mm.h>

#include "x86_private.h"

#define PT_ENTRIES 512
#define ADDR_MASK  0x000ffffffffff000ull
#define LARGE_SIZE 0x200000ull

/*
 * Page-table pages before the page allocator exists: splitting the low 2 MiB
 * and the APIC's 2 MiB, plus what the kernel hands over for mapping RAM
 * above 4 GiB (arch_pt_pool_add).
 */
#define PT_POOL_STATIC 4
static uint8_t pt_pool_static[PT_POOL_STATIC][4096] __attribute__((aligned(4096)));
static unsigned int pt_pool_static_used;
static uintptr_t pt_pool_next, pt_pool_end;

#define MAX_GUARDS 64
static struct {
    uintptr_t va;
    const char *what;
} guards[MAX_GUARDS];
static unsigned int nr_guards;

void arch_pt_pool_add(uintptr_t start, uintptr_t end)
{
    pt_pool_next = start;
    pt_pool_end = end;
}

static uint64_t *pt_page_alloc(void)
{
    void *p = NULL;

    if (pt_pool_static_used < PT_POOL_STATIC)
        p = pt_pool_static[pt_pool_static_used++];
    else if (pt_pool_next < pt_pool_end) {
        p = (void *)pt_pool_next;
        pt_pool_next += PAGE_SIZE;
    } else
        p = uk_page_alloc();
    if (p)
        memset(p, 0, PAGE_SIZE);
    return p;
}

static unsigned int pt_index(uintptr_t va, int level)
{
    return (va >> (PAGE_SHIFT + 9 * level)) & (PT_ENTRIES - 1);
}

/* Replace a 2 MiB mapping by a page table with the same 512 mappings. */
static int split_large(uint64_t *pde)
{
    uint64_t *pt = pt_page_alloc();
    uint64_t base = *pde & ADDR_MASK & ~(LARGE_SIZE - 1);
    uint64_t flags = *pde & (PTE_P | PTE_W | PTE_PWT | PTE_PCD | PTE_G);

    if (!pt)
        return -ENOMEM;
    for (int i = 0; i < PT_ENTRIES; i++)
        pt[i] = (base + (uint64_t)i * PAGE_SIZE) | flags;
    *pde = (uintptr_t)pt | PTE_P | PTE_W;
    return 0;
}

/*
 * The entry for `va` at `level` (0 = 4 KiB PTE, 1 = PDE), creating tables
 * and splitting large pages on the way when `create`. NULL when absent.
 */
static uint64_t *pte_walk(uintptr_t va, int level, bool create, int *err)
{
    uint64_t *table = (uint64_t *)(read_cr3() & ADDR_MASK);

    *err = 0;
    if (va >= 0x0000800000000000ull) {
        *err = -EINVAL; /* the kernel lives in the lower half only */
        return NULL;
    }
    for (int l = 3; l > level; l--) {
        uint64_t *e = &table[pt_index(va, l)];

        if (!(*e & PTE_P)) {
            uint64_t *next;

            if (!create)
                return NULL;
            next = pt_page_alloc();
            if (!next) {
                *err = -ENOMEM;
                return NULL;
            }
            *e = (uintptr_t)next | PTE_P | PTE_W;
        } else if (*e & PTE_PS) {
            if (!create)
                return e;
            *err = split_large(e);
            if (*err)
                return NULL;
        }
        table = (uint64_t *)(*e & ADDR_MASK);
    }
    return &table[pt_index(va, level)];
}

static uint64_t pte_flags(unsigned int flags)
{
    uint64_t f = PTE_P;

    if (flags & MAP_WRITE)
        f |= PTE_W;
    if (flags & MAP_UNCACHED)
        f |= PTE_PCD | PTE_PWT;
    return f;
}

/* Set the 4 KiB entry for `va` (creating tables, splitting a 2 MiB page). */
static int set_pte(uintptr_t va, uint64_t value)
{
    int err;
    uint64_t *pte = pte_walk(va, 0, true, &err);

    if (!pte)
        return err;
    *pte = value;
    invlpg(va);
    return 0;
}

int arch_map_page(uintptr_t va, uint64_t pa, unsigned int flags)
{
    if ((va | pa) & (PAGE_SIZE - 1))
        return -EINVAL;
    return set_pte(va, pa | pte_flags(flags));
}

int arch_map_range(uintptr_t va, uint64_t pa, uint64_t size, unsigned int flags)
{
    int err;

    if ((va | pa | size) & (PAGE_SIZE - 1))
        return -EINVAL;
    while (size) {
        uint64_t *pte;

        if (!((va | pa) & (LARGE_SIZE - 1)) && size >= LARGE_SIZE) {
            pte = pte_walk(va, 1, true, &err);
            if (!pte)
                return err;
            *pte = pa | pte_flags(flags) | PTE_PS;
            invlpg(va);
            va += LARGE_SIZE;
            pa += LARGE_SIZE;
            size -= LARGE_SIZE;
            continue;
        }
        err = arch_map_page(va, pa, flags);
        if (err)
            return err;
        va += PAGE_SIZE;
        pa += PAGE_SIZE;
        size -= PAGE_SIZE;
    }
    return 0;
}

int arch_unmap_page(uintptr_t va)
{
    if (va & (PAGE_SIZE - 1))
        return -EINVAL;
    return set_pte(va, 0);
}

int64_t arch_virt_to_phys(uintptr_t va)
{
    uint64_t *table = (uint64_t *)(read_cr3() & ADDR_MASK);

    if (va >= 0x0000800000000000ull)
        return -1;
    for (int l = 3; l >= 0; l--) {
        uint64_t e = table[pt_index(va, l)];
        uint64_t span = 1ull << (PAGE_SHIFT + 9 * l);

        if (!(e & PTE_P))
            return -1;
        if (l == 0 || (e & PTE_PS))
            return (int64_t)((e & ADDR_MASK & ~(span - 1)) | (va & (span - 1)));
        table = (uint64_t *)(e & ADDR_MASK);
    }
    return -1;
}

int arch_add_guard_page(uintptr_t va, const char *what)
{
    int err;

    if (nr_guards == MAX_GUARDS)
        return -ENOSPC;
    err = arch_unmap_page(va);
    if (err)
        return err;
    guards[nr_guards].va = va;
    guards[nr_guards].what = what;
    nr_guards++;
    return 0;
}

const char *paging_guard_name(uintptr_t va)
{
    for (unsigned int i = 0; i < nr_guards; i++)
        if (va - guards[i].va < PAGE_SIZE)
            return guards[i].what;
    return NULL;
}

void paging_init(void)
{
    int err;

    /* Page 0 unmapped: a NULL dereference faults instead of reading RAM. */
    err = arch_unmap_page(0);
    if (!err)
        err = arch_add_guard_page((uintptr_t)boot_stack_guard, "main (the boot stack)");
    /* The local APIC is a device: uncached. */
    if (!err)
        err = arch_map_page(LAPIC_BASE, LAPIC_BASE, MAP_WRITE | MAP_UNCACHED);
    if (err) {
        static const char msg[] = "paging_init: out of early page-table pages\n";

        arch_debug_write(msg, sizeof(msg) - 1);
        arch_halt_forever();
    }
}
