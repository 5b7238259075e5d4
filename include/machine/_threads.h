/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The types behind newlib's C11 <threads.h>, which includes this header
 * but installs none for a target without an operating system of its own.
 * C11 threads are a layer over the POSIX ones (posix/c11threads.c), so
 * each type is its POSIX counterpart from newlib's <sys/_pthreadtypes.h>.
 */
#ifndef _MACHINE__THREADS_H_
#define _MACHINE__THREADS_H_

/* sys/_pthreadtypes.h uses clock_t without declaring it. */
#include <sys/types.h>
#include <sys/_pthreadtypes.h>
#include <sys/_timespec.h>

typedef pthread_t thrd_t;
typedef pthread_mutex_t mtx_t;
typedef pthread_cond_t cnd_t;
typedef pthread_key_t tss_t;
typedef pthread_once_t once_flag;

#define ONCE_FLAG_INIT      _PTHREAD_ONCE_INIT
#define TSS_DTOR_ITERATIONS 4

/*
 * C11's timespec_get, for the absolute times of cnd_timedwait and
 * mtx_timedlock: newlib's <time.h> does not have it.
 */
#ifndef TIME_UTC
#define TIME_UTC 1
#endif
int timespec_get(struct timespec *ts, int base);

#endif
