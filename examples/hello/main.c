/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An app outside libunikernel's tree, built against the installed package
 * only (libunikernel-dev, or `make install`): `make` here builds
 * build/hello.elf and build/hello.cfg; `xl create -c build/hello.cfg` on a
 * Xen host boots it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
    struct timespec t0, t1;
    char *copy;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    printf("Hello from outside the tree, %s!\n", argv[0]);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    copy = strdup(argc > 1 ? argv[1] : "nothing");
    if (!copy)
        return 1;
    printf("first argument %s, %zu bytes\n", copy, strlen(copy));
    free(copy);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("clock moved forward: %s\n",
           t1.tv_sec > t0.tv_sec || t1.tv_nsec >= t0.tv_nsec ? "yes" : "no");
    return 0;
}
