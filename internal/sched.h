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

/* The boot context's thread, "main". */
struct uk_thread *sched_main_thread(void);

/*
 * One pointer per thread for the POSIX layer (posix/pthread.c): its record
 * of the thread. `release`, when not NULL, gets it back when the thread is
 * freed (joined, or detached and exited), in whichever thread frees it.
 */
void sched_set_posix(struct uk_thread *t, void *rec, void (*release)(void *rec));
void *sched_posix(const struct uk_thread *t);

/* Switches so far, for benchmarks. */
uint64_t sched_switch_count(void);

/* The thread whose stack guard page holds `addr`, or NULL. */
const char *sched_guard_owner(uintptr_t addr);

#endif
