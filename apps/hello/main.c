/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hello: the smallest useful app. Prints with printf (integers, strings,
 * floats), uses a little of the C library (malloc, strtod, qsort,
 * snprintf) and echoes its command line.
 */
#include <stdio.h>
#include <stdlib.h>

static int by_value(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

int main(int argc, char **argv)
{
    int *v = malloc(5 * sizeof(*v));
    char buf[64];

    printf("Hello from libunikernel!\n");
    printf("int %d, negative %d, hex %#x, long long %lld\n", 42, -7, 0xbeef, 1234567890123ll);
    printf("string '%s', float %.3f, exp %g\n", "xen", 3.14159, 6.02e23);
    if (v) {
        v[0] = 5, v[1] = 3, v[2] = 9, v[3] = 1, v[4] = 7;
        qsort(v, 5, sizeof(*v), by_value);
        snprintf(buf, sizeof(buf), "%.2f", strtod("2.5e3", NULL) / 3);
        printf("sorted %d %d %d %d %d, strtod/snprintf %s\n", v[0], v[1], v[2], v[3], v[4], buf);
        free(v);
    }
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    return 0;
}
