/*
 * timing: sleeps of 10 ms, 100 ms and 1 s measured with the guest's own
 * monotonic clock must land within tolerance (never early; late by at most
 * 20 ms plus 10 %: nested emulation is slow to wake); VIRQ_TIMER must have
 * fired for each; and the wall clock is printed for the rig to compare
 * with dom0's `date`.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <uk/time.h>

static int check_sleep(uint64_t ns)
{
    struct timespec ts = {.tv_sec = (time_t)(ns / NSEC_PER_SEC), .tv_nsec = (long)(ns % NSEC_PER_SEC)};
    uint64_t irqs = time_timer_interrupts();
    uint64_t t0 = time_monotonic_ns(), took;

    nanosleep(&ts, NULL);
    took = time_monotonic_ns() - t0;
    int ok = took >= ns && took <= ns + 20 * NSEC_PER_MSEC + ns / 10 &&
             time_timer_interrupts() > irqs;
    printf("timing: sleep %llu ms took %llu us: %s\n", (unsigned long long)(ns / NSEC_PER_MSEC),
           (unsigned long long)(took / NSEC_PER_USEC), ok ? "ok" : "FAIL");
    return ok;
}

int main(void)
{
    int ok = 1;
    struct timespec rt, mono1, mono2;

    clock_gettime(CLOCK_MONOTONIC, &mono1);
    ok &= check_sleep(10 * NSEC_PER_MSEC);
    ok &= check_sleep(100 * NSEC_PER_MSEC);
    ok &= check_sleep(1 * NSEC_PER_SEC);
    usleep(1000);
    clock_gettime(CLOCK_MONOTONIC, &mono2);
    if (mono2.tv_sec < mono1.tv_sec + 1) {
        printf("timing: CLOCK_MONOTONIC did not advance by the sleeps: FAIL\n");
        ok = 0;
    }
    clock_gettime(CLOCK_REALTIME, &rt);
    printf("timing: realtime %lld.%09ld time() %lld\n", (long long)rt.tv_sec, rt.tv_nsec,
           (long long)time(NULL));
    printf("timing: %s\n", ok ? "ok" : "FAIL");
    return ok ? 0 : 1;
}
