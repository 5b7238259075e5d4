/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * struct uk_timer stand-ins for host tests on a fake clock: uk_timer_init,
 * uk_timer_arm and uk_timer_cancel keep the armed timers in a small
 * unordered table; the test decides when time passes and fires them.
 */
#ifndef TESTS_UNIT_FAKE_TIMERS_H
#define TESTS_UNIT_FAKE_TIMERS_H

#include <uk/time.h>

/* The earliest armed timer's slot (set it to NULL to disarm), or NULL. */
struct uk_timer **fake_timer_first(void);
/* Timers armed now. */
unsigned int fake_timers_armed(void);

#endif
