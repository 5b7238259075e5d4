/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Time's counters that only the runtime and its benchmarks read.
 */
#ifndef INTERNAL_TIME_H
#define INTERNAL_TIME_H

#include <stdint.h>

#include <uk/time.h>

/* Timer events handled so far, for tests. */
uint64_t time_timer_interrupts(void);

#endif
