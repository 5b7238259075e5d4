/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fake clock for host tests that run the real scheduler with no other
 * source of events: when every thread waits (arch_idle), time jumps to the
 * earliest armed timer (fake_timers.h), which fires; with none armed the
 * test has hung, and aborts. Interrupts are no-ops: nothing raises one.
 */
#ifndef TESTS_UNIT_FAKE_IDLE_H
#define TESTS_UNIT_FAKE_IDLE_H

#include <stdint.h>

/* Monotonic time now, in ns (uk_monotonic_ns); tests may move it. */
extern uint64_t fake_now_ns;

#endif
