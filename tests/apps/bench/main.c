/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench: in-guest figures for `make bench`. Prints one `bench: KEY VALUE
 * UNIT` line per figure and the kernel's boot breakdown (`boot: ...`); the
 * rig collects them. Under nested emulation the absolute times only
 * indicate; cycles, hypercall counts and ratios travel better.
 *
 * `bench report` prints only the breakdown and checks that it makes sense
 * (case boot-report): no timing thresholds, since emulated times vary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <internal/arch.h>
#include <internal/hypercall.h>
#include <internal/kernel.h>
#include <internal/sched.h>
#include <internal/time.h>
#include <uk/xenstore.h>

#define SWITCHES 20000

static volatile bool stop;

static void yielder(void *arg)
{
    (void)arg;
    while (!stop)
        uk_thread_yield();
}

static void bench_switch(void)
{
    struct uk_thread *t = uk_thread_create("yielder", yielder, NULL, 0);
    uint64_t s0, c0, ns0, c, ns, n;

    uk_thread_yield();
    s0 = sched_switch_count();
    ns0 = uk_monotonic_ns();
    c0 = arch_cycles();
    for (int i = 0; i < SWITCHES / 2; i++)
        uk_thread_yield();
    c = arch_cycles() - c0;
    ns = uk_monotonic_ns() - ns0;
    n = sched_switch_count() - s0;
    stop = true;
    uk_thread_join(t);
    printf("bench: switch_ns %.1f ns\n", (double)ns / (double)n);
    printf("bench: switch_cycles %.0f cycles\n", (double)c / (double)n);
}

static void nop_timer(struct uk_timer *t, void *ctx)
{
    (void)t;
    (void)ctx;
}

/*
 * Arm n timers far in the future, then measure arming and cancelling one
 * more among them. timers[0] stays the earliest, so the measured timer
 * never becomes the head: the figure is the heap's cost, not a hypercall's.
 */
static void bench_timers(unsigned int n)
{
    struct uk_timer *timers = calloc(n + 1, sizeof(*timers));
    uint64_t base = uk_monotonic_ns() + 3600 * UK_NSEC_PER_SEC, c0, arm, expire;
    const int reps = 2000;

    for (unsigned int i = 0; i <= n; i++)
        uk_timer_init(&timers[i], nop_timer, NULL);
    uk_timer_arm(&timers[0], base - 1);
    for (unsigned int i = 1; i < n; i++)
        uk_timer_arm(&timers[i], base + (uint64_t)rand() % UK_NSEC_PER_SEC);
    c0 = arch_cycles();
    for (int r = 0; r < reps; r++) {
        uk_timer_arm(&timers[n], base + (uint64_t)rand() % UK_NSEC_PER_SEC);
        uk_timer_cancel(&timers[n]);
    }
    arm = (arch_cycles() - c0) / reps;
    /* Expiry: one timer due now among n, fired by the next timer event. */
    c0 = arch_cycles();
    for (int r = 0; r < 50; r++) {
        uint64_t irqs = time_timer_interrupts();

        uk_timer_arm(&timers[n], 0);
        while (time_timer_interrupts() == irqs)
            uk_thread_yield();
    }
    expire = (arch_cycles() - c0) / 50;
    for (unsigned int i = 0; i <= n; i++)
        uk_timer_destroy(&timers[i]);
    free(timers);
    printf("bench: timer_arm_cancel_%u %llu cycles\n", n, (unsigned long long)arm);
    printf("bench: timer_expire_%u %llu cycles\n", n, (unsigned long long)expire);
}

/* Where one loop of XenStore operations spent its time. */
struct xs_cost {
    uint64_t ns, hypercalls, stolen_ns, blocked_ns;
};

static void xs_cost_start(struct xs_cost *c)
{
    xen_cpu_times(&c->stolen_ns, &c->blocked_ns);
    c->hypercalls = arch_hypercall_count();
    c->ns = uk_monotonic_ns();
}

static void xs_cost_end(struct xs_cost *c)
{
    uint64_t stolen, blocked, ns = uk_monotonic_ns();

    xen_cpu_times(&stolen, &blocked);
    c->ns = ns - c->ns;
    c->hypercalls = arch_hypercall_count() - c->hypercalls;
    c->stolen_ns = stolen - c->stolen_ns;
    c->blocked_ns = blocked - c->blocked_ns;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

#define XS_RUNS 3

/* The runs' median and spread, per operation: ops/s, where the time went, hypercalls. */
static void xs_cost_print(const char *what, const struct xs_cost *c, int n)
{
    uint64_t ns[XS_RUNS];
    const struct xs_cost *med = NULL;

    for (int i = 0; i < XS_RUNS; i++)
        ns[i] = c[i].ns;
    qsort(ns, XS_RUNS, sizeof(ns[0]), cmp_u64);
    for (int i = 0; i < XS_RUNS && !med; i++)
        if (c[i].ns == ns[XS_RUNS / 2])
            med = &c[i];
    printf("bench: xs_%ss_per_s %.0f ops/s (median of %d runs of %d; %.0f-%.0f)\n", what,
           n / ((double)med->ns / UK_NSEC_PER_SEC), XS_RUNS, n,
           n / ((double)ns[XS_RUNS - 1] / UK_NSEC_PER_SEC), n / ((double)ns[0] / UK_NSEC_PER_SEC));
    /* Running = the rest: the guest's own time, its exits to Xen included. */
    printf("bench: xs_%s_us_per_op %.1f us (running %.1f, stolen %.1f, blocked %.1f)\n", what,
           (double)med->ns / n / 1000,
           (double)(med->ns - med->stolen_ns - med->blocked_ns) / n / 1000,
           (double)med->stolen_ns / n / 1000, (double)med->blocked_ns / n / 1000);
    printf("bench: xs_%s_hypercalls_per_op %.2f\n", what, (double)med->hypercalls / n);
}

/* n writes of `path`, or (write false) n reads of it. */
static int xs_loop(const char *path, bool write, int n, struct xs_cost *c)
{
    char v[16];

    xs_cost_start(c);
    for (int i = 0; i < n; i++) {
        int rc;

        snprintf(v, sizeof(v), "%d", i);
        rc = write ? xs_write(XS_NO_TX, path, v) : xs_read_buf(XS_NO_TX, path, v, sizeof(v));
        if (rc < 0) {
            printf("bench: FAIL xenstore %s of %s: %d\n", write ? "write" : "read", path, rc);
            return -1;
        }
    }
    xs_cost_end(c);
    return 0;
}

/*
 * The same loops as tests/peers/xs_peer.c runs from dom0 with libxenstore,
 * on a node outside any domain's home as dom0's is (/bench/guest, which
 * dom0 lets us write). The same writes inside our home (data/bench) cost
 * dom0 about half a millisecond more each (docs/xenstore.md): printed
 * apart, as xs_home_writes.
 */
static int bench_xenstore(int n)
{
    struct xs_cost w[XS_RUNS], r[XS_RUNS], h[XS_RUNS];

    for (int run = 0; run < XS_RUNS; run++)
        if (xs_loop("/bench/guest", true, n, &w[run]) ||
            xs_loop("/bench/guest", false, n, &r[run]) || xs_loop("data/bench", true, n, &h[run]))
            return -1;
    xs_cost_print("write", w, n);
    xs_cost_print("read", r, n);
    xs_cost_print("home_write", h, n);
    return 0;
}

/* Index of the first phase whose name starts with `prefix`, or -1. */
static int phase_index(const struct boot_phase *p, unsigned int n, const char *prefix)
{
    for (unsigned int i = 0; i < n; i++)
        if (strncmp(p[i].name, prefix, strlen(prefix)) == 0)
            return (int)i;
    return -1;
}

/* The breakdown's structure: what boots in which order, what costs hypercalls. */
static int check_report(void)
{
    const struct boot_phase *p;
    unsigned int n = kernel_boot_phases(&p);
    static const char *const order[] = {
        "arch: long mode", "arch: paging", "console",     "memory map", "page allocator",
        "scheduler",       "events: time", "evtchn_init", "xs_init",    "argv",
    };
    uint64_t sum = 0, hc = 0;
    int last = -1;

    for (unsigned int i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        int k = phase_index(p, n, order[i]);

        if (k <= last) {
            printf("boot-report: FAIL phase '%s' at %d, after index %d\n", order[i], k, last);
            return 1;
        }
        last = k;
    }
    if (strcmp(p[n - 1].name, "main") != 0) {
        printf("boot-report: FAIL last phase is '%s', not main\n", p[n - 1].name);
        return 1;
    }
    for (unsigned int i = 0; i + 1 < n; i++) {
        sum += p[i].cycles;
        hc += p[i].hypercalls;
    }
    /* The phases tile first instruction -> main exactly. */
    if (sum != kernel_main_cycles() || sum == 0) {
        printf("boot-report: FAIL phases add up to %llu cycles, entry to main is %llu\n",
               (unsigned long long)sum, (unsigned long long)kernel_main_cycles());
        return 1;
    }
    /* Binding the timer VIRQ and XenStore's event channel are hypercalls. */
    if (p[phase_index(p, n, "events: time")].hypercalls == 0 ||
        p[phase_index(p, n, "xs_init")].hypercalls == 0 || hc == 0) {
        printf("boot-report: FAIL no hypercalls counted where there must be some\n");
        return 1;
    }
    printf("boot-report: ok %u phases, %llu hypercalls before main\n", n, (unsigned long long)hc);
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t khz = arch_tsc_khz();

    if (argc > 1 && strcmp(argv[1], "report") == 0) {
        kernel_boot_report();
        return check_report();
    }

    /*
     * dom0 says when it has gone quiet (its script then sleeps in a
     * XenStore watch until bench-done): nothing of dom0's runs while we
     * measure but xenstored answering us.
     */
    if (xs_wait_exists("data/bench-go", uk_monotonic_ns() + 120 * UK_NSEC_PER_SEC)) {
        printf("bench: FAIL dom0 never wrote data/bench-go\n");
        return 1;
    }
    printf("bench: tsc_khz %llu kHz\n", (unsigned long long)khz);
    printf("bench: entry_to_main_cycles %llu cycles\n", (unsigned long long)kernel_main_cycles());
    if (khz)
        printf("bench: entry_to_main_us %llu us\n",
               (unsigned long long)(kernel_main_cycles() * 1000 / khz));
    fflush(stdout);
    kernel_boot_report();
    bench_switch();
    bench_timers(10);
    bench_timers(10000);
    if (bench_xenstore(500)) {
        /* dom0 sleeps until bench-done: wake it, the run failed. */
        xs_write(XS_NO_TX, "data/bench-done", "failed");
        return 1;
    }
    printf("bench: done\n");
    fflush(stdout);
    /* dom0's own figures come once this is written. */
    return xs_write(XS_NO_TX, "data/bench-done", "1") ? 1 : 0;
}
