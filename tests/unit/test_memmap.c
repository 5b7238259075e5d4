/* Host tests for kernel/memmap.c: odd memory maps. */
#include <errno.h>
#include <stdint.h>

#include <uk/mm.h>
#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "check.h"

#define RAM XEN_HVM_MEMMAP_TYPE_RAM
#define RES XEN_HVM_MEMMAP_TYPE_RESERVED

static struct mem_range out[16];

static int usable(const struct hvm_memmap_table_entry *m, unsigned int n)
{
    return memmap_usable(m, n, NULL, 0, out, 16);
}

TEST(typical_pvh_map)
{
    /* What Xen gives an 8 MiB PVH guest: RAM, then reserved special pages. */
    struct hvm_memmap_table_entry m[] = {
        {0, 0x800000, RAM, 0},
        {0xfc000000, 0x4000000, RES, 0},
    };
    struct mem_range image = {0x100000, 0x150000};

    CHECK_EQ(memmap_usable(m, 2, &image, 1, out, 16), 2);
    CHECK_EQ(out[0].start, 0x1000); /* page 0 never usable */
    CHECK_EQ(out[0].end, 0x100000);
    CHECK_EQ(out[1].start, 0x150000);
    CHECK_EQ(out[1].end, 0x800000);
    CHECK_EQ(memmap_total(out, 2), 0x800000 - 0x1000 - 0x50000);
}

TEST(unaligned_ram_rounds_inward)
{
    struct hvm_memmap_table_entry m[] = {{0x100123, 0x3000, RAM, 0}};

    CHECK_EQ(usable(m, 1), 1);
    CHECK_EQ(out[0].start, 0x101000);
    CHECK_EQ(out[0].end, 0x103000);
}

TEST(tiny_and_empty_entries_vanish)
{
    struct hvm_memmap_table_entry m[] = {{0x5000, 0x800, RAM, 0}, {0x9000, 0, RAM, 0}};

    CHECK_EQ(usable(m, 2), 0);
}

TEST(unsorted_overlapping_entries_merge)
{
    struct hvm_memmap_table_entry m[] = {
        {0x300000, 0x100000, RAM, 0},
        {0x100000, 0x180000, RAM, 0},
        {0x280000, 0x80000, RAM, 0}, /* touches both */
        {0x1000000, 0x1000, RAM, 0},
    };

    CHECK_EQ(usable(m, 4), 2);
    CHECK_EQ(out[0].start, 0x100000);
    CHECK_EQ(out[0].end, 0x400000);
    CHECK_EQ(out[1].start, 0x1000000);
}

TEST(reserved_inside_ram_wins_and_splits)
{
    struct hvm_memmap_table_entry m[] = {
        {0x100000, 0x400000, RAM, 0},
        {0x200800, 0x100, RES, 0}, /* unaligned: the whole page goes */
    };

    CHECK_EQ(usable(m, 2), 2);
    CHECK_EQ(out[0].end, 0x200000);
    CHECK_EQ(out[1].start, 0x201000);
    CHECK_EQ(out[1].end, 0x500000);
}

TEST(low_memory_is_usable_but_page_zero)
{
    struct hvm_memmap_table_entry m[] = {{0, 0xa0000, RAM, 0}};

    CHECK_EQ(usable(m, 1), 1);
    CHECK_EQ(out[0].start, 0x1000);
    CHECK_EQ(out[0].end, 0xa0000);
}

TEST(wrapping_entry_is_clipped)
{
    struct hvm_memmap_table_entry m[] = {
        {0xfffffffffffff000ull, 0x10000, RAM, 0},
        {0x100000, 0x1000, RAM, 0},
        {0xffffffffffff0000ull, UINT64_MAX, RES, 0},
    };

    CHECK_EQ(usable(m, 3), 1);
    CHECK_EQ(out[0].start, 0x100000);
}

TEST(non_ram_types_are_not_usable)
{
    struct hvm_memmap_table_entry m[] = {
        {0x100000, 0x100000, XEN_HVM_MEMMAP_TYPE_ACPI, 0},
        {0x200000, 0x100000, XEN_HVM_MEMMAP_TYPE_NVS, 0},
        {0x300000, 0x100000, 99, 0},
    };

    CHECK_EQ(usable(m, 3), 0);
}

TEST(too_many_ranges_reports_e2big)
{
    struct hvm_memmap_table_entry m[20];

    for (int i = 0; i < 20; i++)
        m[i] = (struct hvm_memmap_table_entry){0x100000 + i * 0x10000ull, 0x8000, RAM, 0};
    CHECK_EQ(memmap_usable(m, 20, NULL, 0, out, 16), -E2BIG);
    CHECK_EQ(out[15].start, 0x100000 + 15 * 0x10000);
}

TEST(reserved_range_covering_everything)
{
    struct hvm_memmap_table_entry m[] = {{0x100000, 0x100000, RAM, 0}};
    struct mem_range all = {0, 0x10000000};

    CHECK_EQ(memmap_usable(m, 1, &all, 1, out, 16), 0);
}
