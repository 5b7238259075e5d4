/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * app-flags: an app's own flags reach the compiler (APP_CFLAGS) and the
 * linker (APP_LDFLAGS), and app code is not built with -Werror: the
 * deliberate malloc(SIZE_MAX) below draws a gcc warning
 * (-Walloc-size-larger-than) and must still compile, then fail cleanly at
 * run time.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef APPFLAGS_CFLAG
#error "APP_CFLAGS of the app's Makefile did not reach the compiler"
#endif

#define TEST_NAME "app-flags"
#include "../report.h"

/* Defined by the linker only (--defsym in APP_LDFLAGS). */
extern const char appflags_ldflag[];

int main(void)
{
    void *p;
    volatile size_t huge = SIZE_MAX;

    printf("app-flags: APPFLAGS_CFLAG=%d\n", APPFLAGS_CFLAG);
    EXPECT((uintptr_t)appflags_ldflag == 0x5a5a000, "the linker flag arrived: appflags_ldflag=%p",
           (const void *)appflags_ldflag);
    errno = 0;
    p = malloc(SIZE_MAX);
    EXPECT(!p && errno == ENOMEM, "malloc(SIZE_MAX) is %p, errno %s", p,
           errno == ENOMEM ? "ENOMEM" : "not ENOMEM");
    /* The same size unknown to the compiler: the runtime's malloc decides. */
    p = malloc(huge);
    EXPECT(!p, "malloc(%zu) is %p", (size_t)huge, p);
    return test_result();
}
