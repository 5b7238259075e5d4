/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The scheduler's side that only the runtime uses: boot, and what crash
 * reports and benchmarks read.
 */
#ifndef INTERNAL_SCHED_H
#define INTERNAL_SCHED_H

#include <stdint.h>

#include <uk/sched.h>

/* Turn the boot context into the thread "main". Called once by the kernel. */
void sched_init(void);

/* Switches so far, for benchmarks. */
uint64_t sched_switch_count(void);

/* The thread whose stack guard page holds `addr`, or NULL. */
const char *sched_guard_owner(uintptr_t addr);

#endif
