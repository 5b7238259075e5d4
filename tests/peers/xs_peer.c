/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A dom0-side XenStore peer built on Xen's own libxenstore, for
 * benchmarks: the same read and write loops the guest runs, so that the two
 * can be set side by side in one rig run.
 *
 *   xs_peer bench N    N writes then N reads of /bench/dom0; prints ops/s
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

#define RUNS 3

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* One run: n writes, then n reads; their seconds in *tw and *tr. */
static int run(struct xs_handle *xs, int n, double *tw, double *tr)
{
    double t0 = now_s();

    for (int i = 0; i < n; i++) {
        char v[16];

        snprintf(v, sizeof(v), "%d", i);
        if (!xs_write(xs, XBT_NULL, "/bench/dom0", v, strlen(v))) {
            perror("xs_write");
            return -1;
        }
    }
    *tw = now_s() - t0;
    t0 = now_s();
    for (int i = 0; i < n; i++) {
        unsigned int len;
        char *v = xs_read(xs, XBT_NULL, "/bench/dom0", &len);

        if (!v) {
            perror("xs_read");
            return -1;
        }
        free(v);
    }
    *tr = now_s() - t0;
    return 0;
}

int main(int argc, char **argv)
{
    struct xs_handle *xs;
    int n = argc > 2 ? atoi(argv[2]) : 1000;
    double tw[RUNS], tr[RUNS];

    if (argc < 2 || strcmp(argv[1], "bench") != 0 || n <= 0) {
        fprintf(stderr, "usage: xs_peer bench N\n");
        return 2;
    }
    xs = xs_open(0);
    if (!xs) {
        perror("xs_open");
        return 1;
    }
    for (int i = 0; i < RUNS; i++)
        if (run(xs, n, &tw[i], &tr[i]))
            return 1;
    qsort(tw, RUNS, sizeof(tw[0]), cmp_double);
    qsort(tr, RUNS, sizeof(tr[0]), cmp_double);
    printf("xs_peer: dom0 libxenstore: %.0f writes/s (%.0f-%.0f), %.0f reads/s (%.0f-%.0f), "
           "median of %d runs of %d\n",
           n / tw[RUNS / 2], n / tw[RUNS - 1], n / tw[0], n / tr[RUNS / 2], n / tr[RUNS - 1],
           n / tr[0], RUNS, n);
    xs_rm(xs, XBT_NULL, "/bench");
    xs_close(xs);
    return 0;
}
