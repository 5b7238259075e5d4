/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The C library's clocks and sleeps over <internal/time.h>: clock_gettime,
 * gettimeofday (and so time()), times (and so clock()), nanosleep, usleep,
 * sleep.
 */
#include <errno.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include <internal/time.h>

static void to_timespec(uint64_t ns, struct timespec *ts)
{
    ts->tv_sec = (time_t)(ns / UK_NSEC_PER_SEC);
    ts->tv_nsec = (long)(ns % UK_NSEC_PER_SEC);
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    switch (clock) {
    case CLOCK_MONOTONIC:
        to_timespec(uk_monotonic_ns(), ts);
        return 0;
    case CLOCK_REALTIME:
        to_timespec(uk_realtime_ns(), ts);
        return 0;
    default:
        errno = EINVAL;
        return -1;
    }
}

int clock_getres(clockid_t clock, struct timespec *ts)
{
    if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME) {
        errno = EINVAL;
        return -1;
    }
    if (ts)
        to_timespec(1, ts);
    return 0;
}

int gettimeofday(struct timeval *tv, void *tz)
{
    uint64_t ns = uk_realtime_ns();

    (void)tz;
    if (tv) {
        tv->tv_sec = (time_t)(ns / UK_NSEC_PER_SEC);
        tv->tv_usec = (suseconds_t)(ns % UK_NSEC_PER_SEC / UK_NSEC_PER_USEC);
    }
    return 0;
}

clock_t times(struct tms *t)
{
    /* One process that never waits on children: all time is its own. */
    clock_t ticks = (clock_t)(uk_monotonic_ns() / (UK_NSEC_PER_SEC / CLOCKS_PER_SEC));

    if (t)
        *t = (struct tms){.tms_utime = ticks};
    return ticks;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (!req || req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)UK_NSEC_PER_SEC) {
        errno = EINVAL;
        return -1;
    }
    /* Saturating: {LONG_MAX, 0} sleeps for ever instead of wrapping to a short sleep. */
    uk_sleep_ns(uk_time_ns_sat((uint64_t)req->tv_sec, (uint64_t)req->tv_nsec));
    if (rem)
        *rem = (struct timespec){0};
    return 0;
}

int usleep(useconds_t us)
{
    uk_sleep_ns((uint64_t)us * UK_NSEC_PER_USEC);
    return 0;
}

unsigned int sleep(unsigned int s)
{
    uk_sleep_ns((uint64_t)s * UK_NSEC_PER_SEC);
    return 0;
}
