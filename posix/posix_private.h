/* SPDX-License-Identifier: BSD-2-Clause */
/* What the POSIX threads (pthread.c) and C11 threads (c11threads.c) share. */
#ifndef POSIX_PRIVATE_H
#define POSIX_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* tv_nsec within [0, 1e9): what POSIX and C11 accept as a time. */
bool posix_timespec_valid(const struct timespec *ts);
/* The monotonic deadline (<uk/time.h>) of the absolute time `abs` on `clock`. */
uint64_t posix_deadline(clockid_t clock, const struct timespec *abs);

#endif
