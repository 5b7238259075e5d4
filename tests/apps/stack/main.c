/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stack: recurses until the boot stack's guard page is hit. The
 * report must call it a stack overflow, not a random page fault.
 *
 * stack bigframes: a thread recurses with 8 KiB frames, each touched
 * only at its far end, so that without stack probes
 * (-fstack-clash-protection) one frame would step over the 4 KiB guard page
 * into whatever lies below; the probes must hit the guard and the report
 * name the thread.
 */
#include <stdio.h>
#include <string.h>

#include <uk/sched.h>

#define TEST_NAME "stack"
#include "../report.h"

/* Global, not static: a static one may be cloned under another name. */
unsigned long recurse_deeply(unsigned long depth);
unsigned long recurse_big(unsigned long depth);

__attribute__((noinline)) unsigned long recurse_deeply(unsigned long depth)
{
    volatile char frame[512];

    /* Unreachable with a 32 KiB stack; keeps the compiler from calling it infinite. */
    if (depth > (1ul << 40))
        return 0;
    frame[0] = (char)depth;
    frame[sizeof(frame) - 1] = frame[0];
    /* Not a tail call: the frame must stay live below the next one. */
    return recurse_deeply(depth + 1) + frame[sizeof(frame) - 1];
}

#define BIG_FRAME 8192

__attribute__((noinline)) unsigned long recurse_big(unsigned long depth)
{
    volatile char frame[BIG_FRAME];

    if (depth > (1ul << 40))
        return 0;
    /* The lowest byte only: nothing between it and the caller's frame. */
    frame[0] = (char)depth;
    return recurse_big(depth + 1) + frame[0];
}

static void bigframes(void *arg)
{
    (void)arg;
    printf("%lu\n", recurse_big(0));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "bigframes") == 0) {
        printf("stack: recursing with %d-byte frames in a thread\n", BIG_FRAME);
        uk_thread_join(uk_thread_create("bigframes", bigframes, NULL, 64 * 1024));
    } else {
        printf("stack: recursing\n");
        printf("%lu\n", recurse_deeply(0));
    }
    /* The crash report is the verdict; reaching here is a failure. */
    EXPECT(false, "the overflow was caught (the app survived it)");
    return test_result();
}
