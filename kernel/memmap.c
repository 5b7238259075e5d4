/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * From Xen's memory map to usable RAM: RAM entries clipped inward to whole
 * pages, minus every non-RAM entry and every reserved range (the image)
 * rounded outward, minus page 0.
 *
 * The output is built in address order, one maximal range at a time,
 * straight from the input: no working copy, so no hidden limit on how many
 * entries or splits a map may have, and the only way to run short is
 * `max_out`, which the caller chose and is told about. Maps have tens of
 * entries, so the quadratic-per-range scans cost nothing at boot.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>

#include <internal/mm.h>
#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>

struct memmap_input {
    const struct hvm_memmap_table_entry *map;
    unsigned int nr_map;
    const struct mem_range *reserved;
    unsigned int nr_reserved;
};

/*
 * addr + size, saturated: an entry that wraps past 2^64 ends at UINT64_MAX,
 * which is as good as 2^64 here since RAM, rounded inward, never reaches the
 * last page.
 */
static uint64_t end_of(uint64_t addr, uint64_t size)
{
    return size > UINT64_MAX - addr ? UINT64_MAX : addr + size;
}

/* Rounded outward; the saturated end keeps a hole in the top page whole. */
static void round_out(uint64_t start, uint64_t end, uint64_t *s, uint64_t *e)
{
    *s = PAGE_ALIGN_DOWN(start);
    *e = end > UINT64_MAX - (PAGE_SIZE - 1) ? UINT64_MAX : PAGE_ALIGN_UP(end);
}

/* Map entry i as whole pages of RAM, if it is RAM and holds one. */
static bool ram_at(const struct memmap_input *in, unsigned int i, uint64_t *s, uint64_t *e)
{
    const struct hvm_memmap_table_entry *m = &in->map[i];

    if (m->type != XEN_HVM_MEMMAP_TYPE_RAM || m->addr > UINT64_MAX - (PAGE_SIZE - 1))
        return false;
    *s = PAGE_ALIGN_UP(m->addr);
    *e = PAGE_ALIGN_DOWN(end_of(m->addr, m->size));
    return *s < *e;
}

/*
 * Hole i: the map's non-RAM entries, then the reserved ranges, then page 0
 * (left unmapped so that NULL dereferences fault). Empty ones cut nothing;
 * in particular an empty range at an unaligned address must not cost the
 * page around it.
 */
static bool hole_at(const struct memmap_input *in, unsigned int i, uint64_t *s, uint64_t *e)
{
    if (i < in->nr_map) {
        const struct hvm_memmap_table_entry *m = &in->map[i];

        if (m->type == XEN_HVM_MEMMAP_TYPE_RAM || !m->size)
            return false;
        round_out(m->addr, end_of(m->addr, m->size), s, e);
        return true;
    }
    i -= in->nr_map;
    if (i < in->nr_reserved) {
        const struct mem_range *r = &in->reserved[i];

        if (r->start >= r->end)
            return false;
        round_out(r->start, r->end, s, e);
        return true;
    }
    *s = 0;
    *e = PAGE_SIZE;
    return true;
}

/*
 * The lowest maximal usable range at or above `from`. Each retry jumps past
 * the end of a hole, so there are at most as many retries as holes.
 */
static bool next_usable(const struct memmap_input *in, uint64_t from, struct mem_range *out)
{
    unsigned int nr_holes = in->nr_map + in->nr_reserved + 1;

    for (;;) {
        uint64_t start = UINT64_MAX, end, s, e, skip;
        bool found = false, grew;

        for (unsigned int i = 0; i < in->nr_map; i++)
            if (ram_at(in, i, &s, &e) && e > from) {
                if (s < from)
                    s = from;
                if (s < start)
                    start = s;
                found = true;
            }
        if (!found)
            return false;

        skip = start;
        for (unsigned int i = 0; i < nr_holes; i++)
            if (hole_at(in, i, &s, &e) && s <= start && e > skip)
                skip = e;
        if (skip != start) {
            from = skip;
            continue;
        }

        /* RAM entries that touch or overlap make one range. */
        end = start;
        do {
            grew = false;
            for (unsigned int i = 0; i < in->nr_map; i++)
                if (ram_at(in, i, &s, &e) && s <= end && e > end) {
                    end = e;
                    grew = true;
                }
        } while (grew);
        for (unsigned int i = 0; i < nr_holes; i++)
            if (hole_at(in, i, &s, &e) && s > start && s < end)
                end = s;

        out->start = start;
        out->end = end;
        return true;
    }
}

int memmap_usable(const struct hvm_memmap_table_entry *map, unsigned nr_map,
                  const struct mem_range *reserved, unsigned nr_reserved, struct mem_range *out,
                  unsigned max_out)
{
    const struct memmap_input in = {map, map ? nr_map : 0, reserved, reserved ? nr_reserved : 0};
    struct mem_range r;
    uint64_t from = 0;
    unsigned int k = 0;

    while (next_usable(&in, from, &r)) {
        if (k == max_out || k == INT_MAX) /* the count must fit the int */
            return -E2BIG;
        out[k++] = r;
        from = r.end;
    }
    return (int)k;
}

uint64_t memmap_total(const struct mem_range *r, unsigned n)
{
    uint64_t t = 0;

    for (unsigned int i = 0; i < n; i++)
        if (r[i].end > r[i].start)
            t += r[i].end - r[i].start;
    return t;
}
