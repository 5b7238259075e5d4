/*
 * From Xen's memory map to usable RAM: RAM entries clipped to whole pages,
 * minus everything that is not RAM, minus the ranges the caller reserves
 * (the image), minus page 0. Written for odd maps: unsorted, overlapping,
 * unaligned, empty or wrapping entries.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <uk/mm.h>
#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>

/* Working space: RAM ranges, before merging and cutting. */
#define WORK_MAX 128

/* [start, end) of an entry, clipped at 2^64 instead of wrapping. */
static void entry_span(const struct hvm_memmap_table_entry *e, uint64_t *start, uint64_t *end)
{
    *start = e->addr;
    *end = e->addr + e->size < e->addr ? UINT64_MAX : e->addr + e->size;
}

static void sort_ranges(struct mem_range *r, unsigned int n)
{
    /* Insertion sort: maps have tens of entries. */
    for (unsigned int i = 1; i < n; i++) {
        struct mem_range x = r[i];
        unsigned int j = i;

        while (j > 0 && r[j - 1].start > x.start) {
            r[j] = r[j - 1];
            j--;
        }
        r[j] = x;
    }
}

/* Remove [cs, ce) from the sorted, disjoint ranges; may split one in two. */
static unsigned int cut(struct mem_range *r, unsigned int n, unsigned int max, uint64_t cs,
                        uint64_t ce, bool *overflow)
{
    for (unsigned int i = 0; i < n && cs < ce; i++) {
        if (ce <= r[i].start || cs >= r[i].end)
            continue;
        if (cs > r[i].start && ce < r[i].end) {
            /* A hole in the middle: split. */
            if (n == max) {
                *overflow = true;
                r[i].end = cs; /* keep the lower part; lose the upper rather than overflow */
                continue;
            }
            memmove(&r[i + 2], &r[i + 1], (n - i - 1) * sizeof(*r));
            r[i + 1].start = ce;
            r[i + 1].end = r[i].end;
            r[i].end = cs;
            n++;
            i++;
        } else if (cs <= r[i].start && ce >= r[i].end) {
            r[i].end = r[i].start; /* swallowed whole: dropped below */
        } else if (cs <= r[i].start) {
            r[i].start = ce;
        } else {
            r[i].end = cs;
        }
    }
    return n;
}

int memmap_usable(const struct hvm_memmap_table_entry *map, unsigned nr_map,
                  const struct mem_range *reserved, unsigned nr_reserved, struct mem_range *out,
                  unsigned max_out)
{
    struct mem_range work[WORK_MAX];
    unsigned int n = 0, k = 0;
    bool overflow = false;

    for (unsigned int i = 0; i < nr_map; i++) {
        uint64_t s, e;

        if (map[i].type != XEN_HVM_MEMMAP_TYPE_RAM)
            continue;
        entry_span(&map[i], &s, &e);
        /* Whole pages only: round the start up and the end down. */
        if (s > UINT64_MAX - (PAGE_SIZE - 1))
            continue;
        s = PAGE_ALIGN_UP(s);
        e = PAGE_ALIGN_DOWN(e);
        if (s >= e)
            continue;
        if (n == WORK_MAX) {
            overflow = true;
            break;
        }
        work[n].start = s;
        work[n].end = e;
        n++;
    }
    sort_ranges(work, n);

    /* Merge touching and overlapping ranges. */
    for (unsigned int i = 0; i < n; i++) {
        if (k && work[i].start <= work[k - 1].end) {
            if (work[i].end > work[k - 1].end)
                work[k - 1].end = work[i].end;
        } else {
            work[k++] = work[i];
        }
    }
    n = k;

    /* Anything Xen marks as not RAM wins over RAM, whole pages outward. */
    for (unsigned int i = 0; i < nr_map; i++) {
        uint64_t s, e;

        if (map[i].type == XEN_HVM_MEMMAP_TYPE_RAM || !map[i].size)
            continue;
        entry_span(&map[i], &s, &e);
        n = cut(work, n, WORK_MAX, PAGE_ALIGN_DOWN(s),
                e > UINT64_MAX - (PAGE_SIZE - 1) ? UINT64_MAX : PAGE_ALIGN_UP(e), &overflow);
    }
    for (unsigned int i = 0; i < nr_reserved; i++) {
        uint64_t e = reserved[i].end;

        n = cut(work, n, WORK_MAX, PAGE_ALIGN_DOWN(reserved[i].start),
                e > UINT64_MAX - (PAGE_SIZE - 1) ? UINT64_MAX : PAGE_ALIGN_UP(e), &overflow);
    }
    /* Page 0 stays unmapped so that NULL dereferences fault. */
    n = cut(work, n, WORK_MAX, 0, PAGE_SIZE, &overflow);

    k = 0;
    for (unsigned int i = 0; i < n; i++) {
        if (work[i].start >= work[i].end)
            continue;
        if (k == max_out)
            return -E2BIG;
        out[k++] = work[i];
    }
    (void)overflow; /* a map beyond WORK_MAX entries loses its tail, never memory safety */
    return (int)k;
}

uint64_t memmap_total(const struct mem_range *r, unsigned n)
{
    uint64_t t = 0;

    for (unsigned int i = 0; i < n; i++)
        t += r[i].end - r[i].start;
    return t;
}
