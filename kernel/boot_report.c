/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The boot report: boot cut into phases by marks (kernel_boot_mark), each
 * with its TSC cycles, stolen and blocked time, hypercalls and pages, and
 * the table kernel_boot_report prints. See <internal/kernel.h>.
 */
#include <internal/arch.h>
#include <internal/kernel.h>
#include <internal/mm.h>

#include "boot_private.h"

#define MAX_PHASES 48
static struct boot_phase phases[MAX_PHASES];
static unsigned int nr_phases;
static bool in_main;
/* Where the phase now running began; its pages count from last_pages. */
static struct boot_mark last;
static uint64_t last_pages;
static uint64_t main_cycles;

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

void boot_report_start(const struct boot_info *bi)
{
    last = bi->start;
    for (unsigned int i = 0; i < bi->nr_marks; i++)
        phase_end(&bi->marks[i], 0);
}

void boot_report_count_pages(void)
{
    last_pages = pages_used();
}

void boot_report_enter_main(void)
{
    main_cycles = last.cycles - arch_boot_cycles();
    in_main = true;
}

uint64_t kernel_main_cycles(void)
{
    return main_cycles;
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
