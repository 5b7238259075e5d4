/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stand-ins for the kernel services the scheduler calls that host tests do
 * not model: mapping always works (no guard pages on the host), a uk_panic
 * fails the test, and each thread's libc state is a counted allocation so
 * that a test can check none leaks. Interrupts, idling and the console are
 * each test's own, since that is where the tests differ.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <internal/arch.h>
#include <internal/kernel.h>
#include <internal/mm.h>
#include <internal/sched.h>
#include <uk/sched.h>

#include "../../kernel/kernel_private.h"
#include "kernel_stubs.h"

int stub_libc_states;

int arch_map_page(uintptr_t va, uint64_t pa, unsigned int flags)
{
    (void)va;
    (void)pa;
    (void)flags;
    return 0;
}

int arch_unmap_page(uintptr_t va)
{
    (void)va;
    return 0;
}

void uk_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    printf("PANIC: ");
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    abort();
}

void *libc_thread_state_new(void)
{
    stub_libc_states++;
    return malloc(16);
}

void libc_thread_state_free(void *s)
{
    if (s)
        stub_libc_states--;
    free(s);
}

void libc_thread_state_switch(void *s)
{
    (void)s;
}

static uint8_t *arena;

uint8_t *host_sched_setup(void)
{
    struct mem_range r;

    if (!arena) {
        arena = aligned_alloc(1 << 20, 16 << 20);
        sched_init();
    }
    r.start = (uintptr_t)arena;
    r.end = r.start + (16 << 20);
    /* Threads a test left blocked still own pages: then the allocator stays. */
    if (uk_thread_count() == 1)
        page_alloc_init(&r, 1);
    return arena;
}
