/*
 * kernel_start: from the CPU set up by arch/ to the app's main(): console,
 * usable memory, page allocator, heap, argv. Then exit() with main's result.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/arch.h>
#include <uk/cmdline.h>
#include <uk/console.h>
#include <uk/hypercall.h>
#include <uk/kernel.h>
#include <uk/ksyms.h>
#include <uk/mm.h>
#include <uk/sched.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <xen/sched.h>

#define MAX_RANGES 64
#define ARGV_MAX   64

/* The application's entry point. */
int main(int argc, char **argv);

/* Set by the app's build (mk/app.mk): its name is argv[0]. */
extern const char uk_app_name[];

static struct mem_range ranges[MAX_RANGES];
static unsigned int nr_ranges;
static char argbuf[BOOT_CMDLINE_MAX];
static char *argv[ARGV_MAX];
static uint64_t main_cycles;

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

    kprintf("memory map from Xen (%u entries):\n", bi->nr_memmap);
    for (unsigned int i = 0; i < bi->nr_memmap; i++)
        kprintf("  %016llx-%016llx %s\n", (unsigned long long)bi->memmap[i].addr,
                (unsigned long long)(bi->memmap[i].addr + bi->memmap[i].size),
                memmap_type(bi->memmap[i].type));
    kprintf("usable RAM (%u ranges, %llu KiB):\n", nr_ranges,
            (unsigned long long)(memmap_total(ranges, nr_ranges) >> 10));
    for (unsigned int i = 0; i < nr_ranges; i++)
        kprintf("  %016llx-%016llx\n", (unsigned long long)ranges[i].start,
                (unsigned long long)ranges[i].end);
}

static const struct boot_info *boot;

const struct boot_info *kernel_boot_info(void)
{
    return boot;
}

uint64_t memmap_top(void)
{
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
                kprintf("warning: RAM above 4 GiB at %llx not mapped (%d): left unused\n",
                        (unsigned long long)start, rc);
                ranges[i].end = start;
            }
        }
}

static void memory_init(const struct boot_info *bi)
{
    struct mem_range image = {bi->image_start, bi->image_end};
    int n;

    if (bi->memmap_truncated)
        kprintf("warning: memory map has more than %d entries: the rest is ignored\n",
                BOOT_MEMMAP_MAX);
    n = memmap_usable(bi->memmap, bi->nr_memmap, &image, 1, ranges, MAX_RANGES);
    if (n == -E2BIG) {
        kprintf("warning: more than %d usable RAM ranges: the rest is ignored\n", MAX_RANGES);
        n = MAX_RANGES;
    }
    if (n <= 0)
        panic("no usable RAM in the memory map (%d)", n);
    nr_ranges = (unsigned int)n;
    map_high_ram();
    n = page_alloc_init(ranges, nr_ranges);
    if (n)
        panic("page allocator: %d", n);
}

static int build_argv(const struct boot_info *bi)
{
    struct cmdline_args a;

    argv[0] = (char *)uk_app_name;
    a = cmdline_parse(bi->cmdline, argbuf, sizeof(argbuf), argv, ARGV_MAX, 1);
    if (bi->cmdline_truncated || a.truncated)
        kprintf("warning: command line too long: truncated to %d arguments\n", a.argc);
    return a.argc;
}

uint64_t kernel_main_cycles(void)
{
    return main_cycles;
}

extern const initcall_t __initcall_start[], __initcall_end[];

static void run_initcalls(void)
{
    for (const initcall_t *c = __initcall_start; c < __initcall_end; c++) {
        int rc = (*c)();

        if (rc) {
            uintptr_t off;
            const char *name = ksym_lookup((uintptr_t)*c, &off);

            panic("boot: %s failed: %d", name ? name : "an init call", rc);
        }
    }
}

void kernel_start(const struct boot_info *bi)
{
    int rc, argc;

    boot = bi;
    rc = console_init();
    if (rc) {
        static const char msg[] = "warning: no PV console; output goes to port 0xE9 only\n";

        arch_debug_write(msg, sizeof(msg) - 1);
    }
    memory_init(bi);
    sched_init();
    run_initcalls();
    argc = build_argv(bi);
    main_cycles = arch_cycles() - arch_boot_cycles();
    exit(main(argc, argv));
}

void kernel_exit(int status)
{
    kprintf("exit status %d\n", status);
    console_flush();
    xen_shutdown(status == 0 ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}
