/*
 * timing: sleeps of 10 ms, 100 ms and 1 s measured with the guest's own
 * monotonic clock must land within tolerance (never early; late by at most
 * 20 ms plus 10 %: nested emulation is slow to wake); VIRQ_TIMER must have
 * fired for each; and the wall clock is printed for the rig to compare
 * with dom0's `date`.
 *
 * "idle": sleeping 5 s must cost almost no CPU: the vCPU's running time
 * (VCPUOP_get_runstate_info, Xen's own accounting, the figure `xl list`
 * sums up) may grow by at most 2 % of the sleep.
 */
#include <stdio.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include <uk/hypercall.h>
#include <xen/vcpu.h>

#include <uk/time.h>

static int check_sleep(uint64_t ns)
{
    struct timespec ts = {.tv_sec = (time_t)(ns / NSEC_PER_SEC),
                          .tv_nsec = (long)(ns % NSEC_PER_SEC)};
    uint64_t irqs = time_timer_interrupts();
    uint64_t t0 = time_monotonic_ns(), took;

    nanosleep(&ts, NULL);
    took = time_monotonic_ns() - t0;
    int ok =
        took >= ns && took <= ns + 20 * NSEC_PER_MSEC + ns / 10 && time_timer_interrupts() > irqs;
    printf("timing: sleep %llu ms took %llu us: %s\n", (unsigned long long)(ns / NSEC_PER_MSEC),
           (unsigned long long)(took / NSEC_PER_USEC), ok ? "ok" : "FAIL");
    return ok;
}

static uint64_t running_ns(void)
{
    struct vcpu_runstate_info rs;
    long rc = hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, &rs);

    if (rc) {
        printf("timing: VCPUOP_get_runstate_info: %ld\n", rc);
        return 0;
    }
    return rs.time[RUNSTATE_running];
}

static int idle(void)
{
    uint64_t run0 = running_ns(), t0 = time_monotonic_ns(), ran, slept;
    int ok;

    sleep(5);
    ran = running_ns() - run0;
    slept = time_monotonic_ns() - t0;
    ok = run0 && ran <= slept / 50;
    printf("timing: idle %llu ms, vCPU ran %llu us of it: %s\n",
           (unsigned long long)(slept / NSEC_PER_MSEC), (unsigned long long)(ran / NSEC_PER_USEC),
           ok ? "ok" : "FAIL");
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    int ok = 1;

    if (argc > 1 && strcmp(argv[1], "idle") == 0)
        return idle();
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
