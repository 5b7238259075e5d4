/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The cooperative switch (arch/x86/switch.S) measured on the host: the same
 * instructions the guest runs, free of nested emulation. Two contexts switch
 * back and forth; prints ns and TSC cycles per switch.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

void arch_switch(uintptr_t *save_sp, uintptr_t new_sp);

#define SWITCHES 10000000

static uintptr_t main_sp, other_sp;

static void other(void)
{
    for (;;)
        arch_switch(&other_sp, main_sp);
}

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(void)
{
    size_t size = 64 * 1024;
    uint64_t *stack = aligned_alloc(16, size), *sp = stack + size / 8;
    double best_ns = 1e30, best_cycles = 1e30;

    /* The frame arch_switch pops: control words, six registers, return. */
    *--sp = 0; /* so that other() starts with the ABI's stack alignment */
    *--sp = (uintptr_t)other;
    for (int i = 0; i < 6; i++)
        *--sp = 0;
    *--sp = 0x1f80 | (0x37full << 32);
    other_sp = (uintptr_t)sp;

    for (int run = 0; run < 5; run++) {
        double t0 = now_ns();
        uint64_t c0 = __rdtsc();

        for (int i = 0; i < SWITCHES / 2; i++)
            arch_switch(&main_sp, other_sp);
        double ns = (now_ns() - t0) / SWITCHES;
        double cycles = (double)(__rdtsc() - c0) / SWITCHES;

        if (ns < best_ns)
            best_ns = ns, best_cycles = cycles;
    }
    printf("switch_host_ns %.2f ns\n", best_ns);
    printf("switch_host_cycles %.1f cycles\n", best_cycles);
    return 0;
}
