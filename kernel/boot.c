/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kernel_start: from the CPU set up by arch/ to the app's main(): console,
 * usable memory, page allocator, heap, argv. Then exit() with main's result.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <internal/arch.h>
#include <internal/cmdline.h>
#include <internal/console.h>
#include <internal/hypercall.h>
#include <internal/kernel.h>
#include <internal/ksyms.h>
#include <internal/mm.h>
#include <internal/sched.h>
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

#define MAX_PHASES 48
static struct boot_phase phases[MAX_PHASES];
static unsigned int nr_phases;
static bool in_main;
/* Where the phase now running began; its pages count from last_pages. */
static struct boot_mark last;
static uint64_t last_pages;

static uint64_t pages_used(void)
{
    return uk_page_total_count() - uk_page_free_count();
}

static struct boot_phase phase_since_last(const struct boot_mark *m, uint64_t pages)
{
    return (struct boot_phase){
        m->name,
        m->cycles - last.cycles,
        m->hypercalls - last.hypercalls,
        pages - last_pages,
        m->stolen_ns - last.stolen_ns,
        m->blocked_ns - last.blocked_ns,
    };
}

/* End the running phase at `m` (named after it). */
static void phase_end(const struct boot_mark *m, uint64_t pages)
{
    /* The last slot is main's: a boot with more phases folds the extra ones into main's. */
    if (nr_phases >= MAX_PHASES - 1)
        return;
    phases[nr_phases++] = phase_since_last(m, pages);
    last = *m;
    last_pages = pages;
}

void kernel_boot_mark(const char *name)
{
    struct boot_mark m;

    if (in_main)
        return;
    m = arch_boot_mark_now(name);
    phase_end(&m, pages_used());
}

unsigned int kernel_boot_phases(const struct boot_phase **out)
{
    struct boot_mark m = arch_boot_mark_now("main");

    /* main's figures are whatever it has spent up to now. */
    phases[nr_phases] = phase_since_last(&m, pages_used());
    if (!in_main)
        phases[nr_phases] = (struct boot_phase){"main", 0, 0, 0, 0, 0};
    *out = phases;
    return nr_phases + 1;
}

static void report_line(const char *name, const struct boot_phase *p, uint64_t khz)
{
    uk_printf("boot: %-34s %12llu %8llu %8llu %8llu %10llu %6llu\n", name,
              (unsigned long long)p->cycles, (unsigned long long)(khz ? p->cycles * 1000 / khz : 0),
              (unsigned long long)(p->stolen_ns / 1000), (unsigned long long)(p->blocked_ns / 1000),
              (unsigned long long)p->hypercalls, (unsigned long long)p->pages);
}

/*
 * What the report itself costs: each mark reads the TSC (and the runstate
 * area), and where Xen emulates the TSC each read is an exit to Xen. The
 * figures above include those reads; say how much they are.
 */
static void boot_report_overhead(unsigned int marks, uint64_t khz)
{
    uint64_t c0 = arch_cycles(), c1 = arch_cycles(), per_read = c1 - c0;

    uk_printf("boot: the %u marks read the TSC once each, %llu cycles (%llu us) a read here: "
              "included above\n",
              marks, (unsigned long long)per_read,
              (unsigned long long)(khz ? per_read * 1000 / khz : 0));
}

void kernel_boot_report(void)
{
    const struct boot_phase *p;
    unsigned int n = kernel_boot_phases(&p);
    uint64_t khz = arch_tsc_khz();
    struct boot_phase total = {"total to main", main_cycles, 0, 0, 0, 0};

    uk_printf("boot: %-34s %12s %8s %8s %8s %10s %6s\n", "phase", "cycles", "us", "stolen",
              "blocked", "hypercalls", "pages");
    for (unsigned int i = 0; i < n; i++) {
        report_line(p[i].name, &p[i], khz);
        if (i + 1 < n) {
            total.hypercalls += p[i].hypercalls;
            total.pages += p[i].pages;
            total.stolen_ns += p[i].stolen_ns;
            total.blocked_ns += p[i].blocked_ns;
        }
    }
    report_line(total.name, &total, khz);
    boot_report_overhead(n, khz);
}

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
                uk_printf("warning: RAM above 4 GiB at %llx not mapped (%d): left unused\n",
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
    last_pages = pages_used();
    kernel_boot_mark("page allocator");
}

static int build_argv(const struct boot_info *bi)
{
    struct cmdline_args a;

    argv[0] = (char *)uk_app_name;
    a = cmdline_parse(bi->cmdline, argbuf, sizeof(argbuf), argv, ARGV_MAX, 1);
    if (bi->cmdline_truncated || a.truncated)
        uk_printf("warning: command line too long: truncated to %d arguments\n", a.argc);
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
        uintptr_t off;
        const char *name = ksym_lookup((uintptr_t)*c, &off);

        if (!name)
            name = "an init call";
        if (rc)
            uk_panic("boot: %s failed: %d", name, rc);
        /* The phase is named after the init call (its symbol). */
        kernel_boot_mark(name);
    }
}

void kernel_start(const struct boot_info *bi)
{
    int rc, argc;

    boot = bi;
    /* Phases start at the first instruction; arch/ marked its own. */
    last = bi->start;
    for (unsigned int i = 0; i < bi->nr_marks; i++)
        phase_end(&bi->marks[i], 0);
    rc = console_init();
    if (rc) {
        static const char msg[] = "warning: no PV console; output goes to port 0xE9 only\n";

        arch_debug_write(msg, sizeof(msg) - 1);
    }
    kernel_boot_mark("console");
    memory_init(bi);
    sched_init();
    kernel_boot_mark("scheduler");
    run_initcalls();
    argc = build_argv(bi);
    kernel_boot_mark("argv");
    main_cycles = last.cycles - arch_boot_cycles();
    in_main = true;
    exit(main(argc, argv));
}

void kernel_exit(int status)
{
    uk_printf("exit status %d\n", status);
    console_flush();
    xen_shutdown(status == 0 ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}
