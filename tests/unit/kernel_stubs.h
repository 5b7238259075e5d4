/* SPDX-License-Identifier: BSD-2-Clause */
/* tests/unit/kernel_stubs.c: what the shared kernel stand-ins let a test check. */
#ifndef TESTS_KERNEL_STUBS_H
#define TESTS_KERNEL_STUBS_H

#include <stdint.h>

/* Per-thread libc states allocated and not yet freed. */
extern int stub_libc_states;

/*
 * The real scheduler and page allocator over a 16 MiB arena, for a test's
 * setup: the first call starts the scheduler; each call with only the
 * test's own thread left gives the allocator the whole arena again.
 * Returns the arena.
 */
uint8_t *host_sched_setup(void);

#endif
