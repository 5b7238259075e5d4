/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event channels' boot and what only the runtime's time code and benchmarks
 * read.
 */
#ifndef INTERNAL_EVENTS_H
#define INTERNAL_EVENTS_H

#include <stdint.h>

#include <uk/events.h>

/* Map shared_info, register the upcall, start time. Called once at boot. */
int evtchn_init(void);

/* Xen's shared_info page (time, event bitmaps), for the time code. */
struct shared_info *evtchn_shared_info(void);

/* Upcalls taken so far, for tests and benchmarks. */
uint64_t evtchn_upcall_count(void);

#endif
