/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * appflags: an app's own flags reach the compiler (APP_CFLAGS) and the
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

/* Defined by the linker only (--defsym in APP_LDFLAGS). */
extern const char appflags_ldflag[];

int main(void)
{
    void *p;
    volatile size_t huge = SIZE_MAX;
    int fails = 0;

    printf("appflags: APPFLAGS_CFLAG=%d\n", APPFLAGS_CFLAG);
    printf("appflags: appflags_ldflag=%p\n", (const void *)appflags_ldflag);
    if ((uintptr_t)appflags_ldflag != 0x5a5a000) {
        printf("appflags: FAIL the linker flag did not arrive\n");
        fails++;
    }
    errno = 0;
    p = malloc(SIZE_MAX);
    if (p) {
        printf("appflags: FAIL malloc(SIZE_MAX) returned %p\n", p);
        fails++;
    } else {
        printf("appflags: malloc(SIZE_MAX) is NULL, errno %s\n",
               errno == ENOMEM ? "ENOMEM" : "not ENOMEM");
    }
    /* The same size unknown to the compiler: the runtime's malloc decides. */
    p = malloc(huge);
    if (p) {
        printf("appflags: FAIL malloc(%zu) returned %p\n", (size_t)huge, p);
        fails++;
    }
    if (!fails)
        printf("appflags: ok\n");
    return fails;
}
