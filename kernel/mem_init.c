/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Memory bring-up at boot: the usable RAM ranges made from Xen's memory map
 * minus the image (memmap.c does the arithmetic), RAM above 4 GiB mapped,
 * the page allocator started on them; and printing both maps.
 */
#include <errno.h>

#include <internal/arch.h>
#include <internal/kernel.h>
#include <internal/mm.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "boot_private.h"

#define MAX_RANGES 64

static struct mem_range ranges[MAX_RANGES];
static unsigned int nr_ranges;

static const char *memmap_type(uint32_t type)
{
    static const char *const names[] = {
        [XEN_HVM_MEMMAP_TYPE_RAM] = "RAM",           [XEN_HVM_MEMMAP_TYPE_RESERVED] = "reserved",
        [XEN_HVM_MEMMAP_TYPE_ACPI] = "ACPI",         [XEN_HVM_MEMMAP_TYPE_NVS] = "ACPI NVS",
        [XEN_HVM_MEMMAP_TYPE_UNUSABLE] = "unusable", [XEN_HVM_MEMMAP_TYPE_DISABLED] = "disabled",
        [XEN_HVM_MEMMAP_TYPE_PMEM] = "persistent",
    };

    return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "unknown";
}

void kernel_print_memmap(void)
{
    const struct boot_info *bi = kernel_boot_info();

    uk_printf("memory map from Xen (%u entries):\n", bi->nr_memmap);
    for (unsigned int i = 0; i < bi->nr_memmap; i++)
        uk_printf("  %016llx-%016llx %s\n", (unsigned long long)bi->memmap[i].addr,
                  (unsigned long long)(bi->memmap[i].addr + bi->memmap[i].size),
                  memmap_type(bi->memmap[i].type));
    uk_printf("usable RAM (%u ranges, %llu KiB):\n", nr_ranges,
              (unsigned long long)(memmap_total(ranges, nr_ranges) >> 10));
    for (unsigned int i = 0; i < nr_ranges; i++)
        uk_printf("  %016llx-%016llx\n", (unsigned long long)ranges[i].start,
                  (unsigned long long)ranges[i].end);
}

uint64_t memmap_top(void)
{
    const struct boot_info *boot = kernel_boot_info();
    uint64_t top = 0;

    for (unsigned int i = 0; i < boot->nr_memmap; i++) {
        uint64_t end = boot->memmap[i].addr + boot->memmap[i].size;

        /* An entry that wraps past 2^64 covers everything. */
        if (end < boot->memmap[i].addr)
            return UINT64_MAX;
        if (end > top)
            top = end;
    }
    return top;
}

/*
 * RAM above 4 GiB is not in boot.S's identity map. Map it with 2 MiB pages,
 * taking the page-table pages from the end of the first low range big
 * enough (the page allocator cannot run before its memory is mapped).
 */
static void map_high_ram(void)
{
    uint64_t tables = 0;

    for (unsigned int i = 0; i < nr_ranges; i++)
        if (ranges[i].end > (1ull << 32)) {
            uint64_t start = ranges[i].start < (1ull << 32) ? (1ull << 32) : ranges[i].start;

            /*
             * One PD per GiB and one PDPT per 512 GiB, each plus two for a
             * range that starts and ends inside one, and a 4 KiB table at
             * each unaligned end.
             */
            tables += ((ranges[i].end - start) >> 30) + 2 + ((ranges[i].end - start) >> 39) + 2 + 2;
        }
    if (!tables)
        return;
    for (unsigned int i = 0; i < nr_ranges; i++) {
        uint64_t need = tables * PAGE_SIZE;

        if (ranges[i].end <= (1ull << 32) && ranges[i].end - ranges[i].start > need) {
            ranges[i].end -= need;
            arch_pt_pool_add(ranges[i].end, ranges[i].end + need);
            break;
        }
    }
    for (unsigned int i = 0; i < nr_ranges; i++)
        if (ranges[i].end > (1ull << 32)) {
            uint64_t start = ranges[i].start < (1ull << 32) ? (1ull << 32) : ranges[i].start;
            int rc = arch_map_range(start, start, ranges[i].end - start, MAP_WRITE);

            if (rc) {
                uk_printf("warning: RAM above 4 GiB at %llx not mapped (%d): left unused\n",
                          (unsigned long long)start, rc);
                ranges[i].end = start;
            }
        }
}

void memory_init(const struct boot_info *bi)
{
    struct mem_range image = {bi->image_start, bi->image_end};
    int n;

    if (bi->memmap_truncated)
        uk_printf("warning: memory map has more than %d entries: the rest is ignored\n",
                  BOOT_MEMMAP_MAX);
    n = memmap_usable(bi->memmap, bi->nr_memmap, &image, 1, ranges, MAX_RANGES);
    if (n == -E2BIG) {
        uk_printf("warning: more than %d usable RAM ranges: the rest is ignored\n", MAX_RANGES);
        n = MAX_RANGES;
    }
    if (n <= 0)
        uk_panic("no usable RAM in the memory map (%d)", n);
    nr_ranges = (unsigned int)n;
    map_high_ram();
    kernel_boot_mark("memory map, RAM above 4 GiB");
    n = page_alloc_init(ranges, nr_ranges);
    if (n)
        uk_panic("page allocator: %d", n);
    /* From here on pages are counted: the allocator's metadata is not. */
    boot_report_count_pages();
    kernel_boot_mark("page allocator");
}
