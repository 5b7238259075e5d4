/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dom0's side of the storage tests and benchmark (tests/cases/blk-*.test,
 * tests/bench/blk-bench.sh): what a guest's disk image should hold, and
 * dom0's own random-read figure beside the guest's. Plain POSIX, so it
 * runs on any Linux box too.
 *
 *   blk_peer gen SEED BYTES
 *       the pattern of tests/apps/blktest/pattern.h for [0, BYTES) on
 *       stdout (for `| sha256sum` beside the image's)
 *   blk_peer check FILE SEED OFFSET BYTES
 *       whether FILE holds that pattern on [OFFSET, OFFSET + BYTES):
 *       prints the bytes compared, the words that differ and the first
 *   blk_peer randread FILE BLOCK THREADS SECONDS [direct]
 *       BLOCK-byte reads at random BLOCK-aligned offsets of FILE from
 *       THREADS threads at once (each one read in flight) for SECONDS,
 *       with O_DIRECT when asked: reads per second
 *
 * SEED, OFFSET, BYTES take 0x and k/M/G suffixes. Output lines start
 * "blk_peer: "; exit 0 when everything checked out. Every loop is bounded
 * by the file's size or SECONDS.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../apps/blktest/pattern.h"

#define CHUNK (1u << 20)

typedef unsigned long long ull;

static uint64_t number(const char *s)
{
    char *end;
    uint64_t v = strtoull(s, &end, 0);

    switch (*end) {
    case 'k':
    case 'K':
        v <<= 10, end++;
        break;
    case 'm':
    case 'M':
        v <<= 20, end++;
        break;
    case 'g':
    case 'G':
        v <<= 30, end++;
        break;
    }
    if (*end || end == s) {
        fprintf(stderr, "blk_peer: bad number '%s'\n", s);
        exit(2);
    }
    return v;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int gen(uint64_t seed, uint64_t bytes)
{
    static unsigned char buf[CHUNK];

    for (uint64_t off = 0; off < bytes;) {
        size_t n = bytes - off < CHUNK ? (size_t)(bytes - off) : CHUNK;

        blk_pattern_fill(seed, off, buf, (n + 7) & ~(size_t)7);
        if (fwrite(buf, 1, n, stdout) != n) {
            fprintf(stderr, "blk_peer: gen: write: %s\n", strerror(errno));
            return 1;
        }
        off += n;
    }
    return fflush(stdout) ? 1 : 0;
}

static int check(const char *file, uint64_t seed, uint64_t offset, uint64_t bytes)
{
    static unsigned char buf[CHUNK];
    uint64_t bad = 0, first = 0, done = 0;
    int fd = open(file, O_RDONLY);

    if (fd < 0) {
        printf("blk_peer: check: %s: %s\n", file, strerror(errno));
        return 1;
    }
    if (offset % 8 || bytes % 8) {
        printf("blk_peer: check: OFFSET and BYTES must be multiples of 8\n");
        close(fd);
        return 2;
    }
    while (done < bytes) {
        size_t want = bytes - done < CHUNK ? (size_t)(bytes - done) : CHUNK;
        ssize_t got = pread(fd, buf, want, (off_t)(offset + done));
        uint64_t f = 0, b;

        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0 || got % 8) {
            printf("blk_peer: check: %s: short read at %llu (%zd: %s)\n", file,
                   (ull)(offset + done), got, got < 0 ? strerror(errno) : "end of file");
            close(fd);
            return 1;
        }
        b = blk_pattern_diff(seed, offset + done, buf, (size_t)got, &f);
        if (b && !bad)
            first = f;
        bad += b;
        done += (uint64_t)got;
    }
    close(fd);
    if (bad)
        printf("blk_peer: check: %s: %llu bytes from %llu: %llu words differ from seed %llu, "
               "first at %llu\n",
               file, (ull)bytes, (ull)offset, (ull)bad, (ull)seed, (ull)first);
    else
        printf("blk_peer: check: %s: %llu bytes from %llu hold the pattern of seed %llu\n", file,
               (ull)bytes, (ull)offset, (ull)seed);
    return bad ? 1 : 0;
}

struct reader {
    pthread_t t;
    int fd;
    size_t block;
    uint64_t blocks, rng, reads;
    double until;
    int err;
};

static void *reader(void *p)
{
    struct reader *r = p;
    void *buf;

    if (posix_memalign(&buf, 4096, r->block)) {
        r->err = ENOMEM;
        return NULL;
    }
    for (;;) {
        /* The clock read every 64 reads only: the time is the reads'. */
        if (r->reads % 64 == 0 && now_s() >= r->until)
            break;
        off_t off = (off_t)((blk_rng_next(&r->rng) % r->blocks) * r->block);
        if (pread(r->fd, buf, r->block, off) != (ssize_t)r->block) {
            r->err = errno ? errno : EIO;
            break;
        }
        r->reads++;
    }
    free(buf);
    return NULL;
}

static int randread(const char *file, size_t block, unsigned int threads, double seconds,
                    bool direct)
{
    struct reader *r = calloc(threads, sizeof(*r));
    int fd = open(file, O_RDONLY | (direct ? O_DIRECT : 0));
    off_t size = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
    uint64_t reads = 0;
    double t0, t;
    int rc = 0;

    if (!r || fd < 0 || size < (off_t)block || !block || !threads || threads > 1024) {
        printf("blk_peer: randread: %s: %s\n", file, fd < 0 ? strerror(errno) : "bad arguments");
        return 1;
    }
    t0 = now_s();
    for (unsigned int i = 0; i < threads; i++) {
        r[i] = (struct reader){.fd = fd,
                               .block = block,
                               .blocks = (uint64_t)size / block,
                               .rng = 0x9e3779b97f4a7c15ull * (i + 1),
                               .until = t0 + seconds};
        if (pthread_create(&r[i].t, NULL, reader, &r[i])) {
            printf("blk_peer: randread: no thread\n");
            return 1;
        }
    }
    for (unsigned int i = 0; i < threads; i++) {
        pthread_join(r[i].t, NULL);
        reads += r[i].reads;
        if (r[i].err && !rc) {
            printf("blk_peer: randread: %s: %s\n", file, strerror(r[i].err));
            rc = 1;
        }
    }
    t = now_s() - t0;
    printf("blk_peer: randread %zu bytes, %u in flight%s: %llu reads in %.2f s, %.0f reads/s\n",
           block, threads, direct ? ", O_DIRECT" : "", (ull)reads, t, (double)reads / t);
    close(fd);
    free(r);
    return rc;
}

static int usage(void)
{
    fprintf(stderr, "usage: blk_peer gen SEED BYTES\n"
                    "       blk_peer check FILE SEED OFFSET BYTES\n"
                    "       blk_peer randread FILE BLOCK THREADS SECONDS [direct]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "gen"))
        return gen(number(argv[2]), number(argv[3]));
    if (argc == 6 && !strcmp(argv[1], "check"))
        return check(argv[2], number(argv[3]), number(argv[4]), number(argv[5]));
    if ((argc == 6 || argc == 7) && !strcmp(argv[1], "randread"))
        return randread(argv[2], (size_t)number(argv[3]), (unsigned int)number(argv[4]),
                        (double)number(argv[5]), argc == 7 && !strcmp(argv[6], "direct"));
    return usage();
}
