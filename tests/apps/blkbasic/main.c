/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * blkbasic: the block API (<uk/blk.h>) against dom0's real blkback, one
 * disk, public calls only. Modes:
 *
 *   basic   xvda read-write, 64 MiB, every feature blkback offers: the
 *           disk's description; 12 MiB of a pattern written in requests of
 *           mixed sizes (512 B to 3 MiB) from buffers at odd addresses,
 *           read back asynchronously with up to 32 requests in flight, cut
 *           differently, and compared; a 6 MiB read (more than a disk's
 *           pool of pages); the last sector; a chain of writes each
 *           submitted from the previous one's done callback; a blocking
 *           call from a callback refused; a flush; a discard; requests out
 *           of range or misaligned refused with -EINVAL; the counters
 *   plain   the same with blk_persistent=0 blk_indirect=0 blk_ring_order=0
 *           on the command line: one ring page, direct requests of 11
 *           segments, grants per request
 *   ro      xvda read-only, with a marker dom0 wrote: reads work, writes,
 *           discards and flushes are -EROFS
 *   hotplug no disk at boot; dom0 attaches xvdb (xl block-attach): it
 *           becomes disk 0, usable; 1 MiB written and read back; dom0
 *           detaches it during a write loop: writes fail with -EIO, none
 *           hangs, the disk reads as not connected; dom0 attaches it again:
 *           disk 0 again, and the 1 MiB written before reads back
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/blk.h>
#include <uk/gnttab.h>
#include <uk/mm.h>
#include <uk/sched.h>
#include <uk/time.h>

#define TEST_NAME "blkbasic"
#include "../report.h"

#define MiB        (1024ull * 1024)
#define DISK_SIZE  (64 * MiB)
#define REGION     (12 * MiB)
#define BIG_READ   (6 * MiB)
#define IN_FLIGHT  32
#define CHAIN      100
#define RO_MARKER  "blkbasic read-only marker"
#define RO_MARKER2 "second marker at 1 MiB"

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    uint64_t x = rnd_state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rnd_state = x;
    return x * 0x2545f4914f6cdd1dull;
}

static void print_info(unsigned int i)
{
    struct uk_blk_info in;

    if (uk_blk_info(i, &in))
        return;
    printf("blkbasic: %s: vdev %u, %llu bytes, sector %u, %s%s, ring %u pages, %u segments per "
           "request, persistent %d, flush %d, barrier %d, discard %d\n",
           in.name, in.vdev, (unsigned long long)in.size, in.sector_size,
           in.read_only ? "read-only" : "read-write", in.removable ? ", removable" : "",
           in.ring_pages, in.max_segments, in.persistent, in.flush, in.barrier, in.discard);
}

/* A chunk size in sectors: mostly small, some large, a few of several indirect requests. */
static size_t chunk_size(size_t left)
{
    uint64_t r = rnd() % 10, sectors;

    if (r < 5)
        sectors = 1 + rnd() % 128; /* up to 64 KiB */
    else if (r < 8)
        sectors = 1 + rnd() % 2048; /* up to 1 MiB */
    else
        sectors = 1 + rnd() % 6144; /* up to 3 MiB */
    return sectors * 512 < left ? sectors * 512 : left;
}

/* Write `pat` to [0, n) in mixed sizes, each from a copy at an odd address. */
static int write_mixed(const uint8_t *pat, size_t n, unsigned int *count)
{
    uint8_t *tmp = malloc(3 * MiB + 8);
    size_t at = 0;
    int rc = 0;

    if (!tmp)
        return -ENOMEM;
    *count = 0;
    while (at < n && !rc) {
        size_t len = chunk_size(n - at);
        uint8_t *src = tmp + 1 + rnd() % 7;

        memcpy(src, pat + at, len);
        rc = uk_blk_write(0, at, src, len);
        at += len;
        ++*count;
    }
    free(tmp);
    return rc;
}

/* Asynchronous reads: what is in flight, and who waits for the last. */
static struct {
    struct uk_sem done;
    unsigned int in_flight, max_in_flight, errors;
} aio;

static void aio_done(struct uk_blk_req *req)
{
    if (req->arg)
        *(bool *)req->arg = false;
    if (req->status)
        aio.errors++;
    aio.in_flight--;
    uk_sem_up(&aio.done);
}

/* Read [0, n) into dst in random sizes, up to IN_FLIGHT requests at once. */
static int read_async(uint8_t *dst, size_t n, unsigned int *count)
{
    static struct uk_blk_req reqs[IN_FLIGHT];
    static bool busy[IN_FLIGHT];
    size_t at = 0;
    unsigned int slot = 0;

    uk_sem_init(&aio.done, 0);
    aio.in_flight = aio.max_in_flight = aio.errors = 0;
    *count = 0;
    while (at < n) {
        struct uk_blk_req *r;
        /* Up to 256 KiB: more requests than IN_FLIGHT, so the limit is reached. */
        size_t len = (1 + rnd() % 512) * 512;
        int rc;

        if (len > n - at)
            len = n - at;

        /* Every completion ups the semaphore: wait until this slot's own is back. */
        while (busy[slot])
            uk_sem_down(&aio.done);
        r = &reqs[slot];
        *r = (struct uk_blk_req){.op = UK_BLK_READ,
                                 .offset = at,
                                 .len = len,
                                 .buf = dst + at,
                                 .done = aio_done,
                                 .arg = &busy[slot]};
        rc = uk_blk_submit(0, r);
        if (rc)
            return rc;
        busy[slot] = true;
        aio.in_flight++;
        if (aio.in_flight > aio.max_in_flight)
            aio.max_in_flight = aio.in_flight;
        at += len;
        ++*count;
        slot = (slot + 1) % IN_FLIGHT;
    }
    while (aio.in_flight)
        uk_sem_down(&aio.done);
    return aio.errors ? -EIO : 0;
}

/* A chain: each done callback submits the next write (from the block thread). */
static struct {
    struct uk_blk_req req;
    struct uk_sem end;
    uint8_t *buf;
    unsigned int left, failed;
    int deadlk; /* what a blocking call said from a callback */
} chain;

static void chain_done(struct uk_blk_req *req)
{
    if (req->status)
        chain.failed++;
    if (chain.left == CHAIN)
        chain.deadlk = uk_blk_flush(0);
    if (--chain.left == 0 || req->status) {
        uk_sem_up(&chain.end);
        return;
    }
    req->offset += 4096;
    req->buf = chain.buf + (CHAIN - chain.left) * 4096;
    if (uk_blk_submit(0, req)) {
        chain.failed++;
        uk_sem_up(&chain.end);
    }
}

static void refused(const struct uk_blk_info *in)
{
    char buf[1024];
    struct uk_blk_req r = {.op = UK_BLK_READ, .offset = 0, .len = 512, .buf = buf};

    EXPECT(uk_blk_read(0, 1, buf, 512) == -EINVAL, "read at offset 1: -EINVAL");
    EXPECT(uk_blk_read(0, 0, buf, 100) == -EINVAL, "read of 100 bytes: -EINVAL");
    EXPECT(uk_blk_read(0, 0, buf, 0) == -EINVAL, "read of 0 bytes: -EINVAL");
    EXPECT(uk_blk_read(0, in->size, buf, 512) == -EINVAL, "read at the end: -EINVAL");
    EXPECT(uk_blk_read(0, in->size - 512, buf, 1024) == -EINVAL, "read across the end: -EINVAL");
    EXPECT(uk_blk_read(0, UINT64_MAX - 511, buf, 1024) == -EINVAL, "read whose end wraps: -EINVAL");
    EXPECT(uk_blk_write(0, 0, NULL, 512) == -EINVAL, "write from NULL: -EINVAL");
    EXPECT(uk_blk_write(0, 4096 + 17, buf, 512) == -EINVAL, "misaligned write: -EINVAL");
    EXPECT(uk_blk_submit(0, &r) == -EINVAL, "submit without a done callback: -EINVAL");
    r.done = aio_done;
    r.op = (enum uk_blk_op)9;
    EXPECT(uk_blk_submit(0, &r) == -EINVAL, "submit of an unknown op: -EINVAL");
    EXPECT(uk_blk_read(1, 0, buf, 512) == -ENODEV, "read of disk 1: -ENODEV");
    EXPECT(uk_blk_info(1, &(struct uk_blk_info){0}) == -ENODEV, "info of disk 1: -ENODEV");
    EXPECT(uk_blk_find("xvdz") == -ENODEV, "no xvdz: -ENODEV");
    if (in->discard)
        EXPECT(uk_blk_discard(0, 256, 512) == -EINVAL, "misaligned discard: -EINVAL");
}

static int rw_mode(bool plain)
{
    uint8_t *pat = malloc(REGION), *back = malloc(REGION + BIG_READ + 16), *odd;
    struct uk_blk_info in, after;
    unsigned int nw = 0, nr = 0, grants0 = gnttab_refs_in_use();
    uint64_t t0;
    int rc;

    if (!pat || !back) {
        test_error("out of memory");
        return test_result();
    }
    odd = back + 3;
    EXPECT(uk_blk_count() == 1, "one disk (%u)", uk_blk_count());
    EXPECT(uk_blk_find("xvda") == 0, "xvda is disk 0");
    if (uk_blk_info(0, &in)) {
        test_error("no disk 0");
        return test_result();
    }
    print_info(0);
    EXPECT(in.connected && !in.read_only && in.size == DISK_SIZE && in.sector_size == 512,
           "xvda: connected, read-write, %llu bytes, sector %u", (unsigned long long)in.size,
           in.sector_size);
    if (plain)
        EXPECT(in.ring_pages == 1 && in.max_segments == 11 && !in.persistent,
               "knobs off: one ring page, 11 segments, grants per request");
    else
        EXPECT(in.ring_pages == 16 && in.max_segments == 256 && in.persistent,
               "all offered: 16 ring pages, 256 indirect segments, persistent grants");

    for (size_t i = 0; i < REGION; i += 8) {
        uint64_t v = rnd();

        memcpy(pat + i, &v, 8);
    }
    t0 = uk_monotonic_ns();
    rc = write_mixed(pat, REGION, &nw);
    EXPECT(rc == 0, "12 MiB written in %u requests of 512 B-3 MiB from odd addresses (%d, %llu ms)",
           nw, rc, (unsigned long long)((uk_monotonic_ns() - t0) / 1000000));
    memset(odd, 0xee, REGION);
    t0 = uk_monotonic_ns();
    rc = read_async(odd, REGION, &nr);
    EXPECT(rc == 0 && aio.max_in_flight == IN_FLIGHT,
           "read back in %u requests of 512 B-256 KiB, up to %u in flight (%d, %llu ms)", nr,
           aio.max_in_flight, rc, (unsigned long long)((uk_monotonic_ns() - t0) / 1000000));
    EXPECT(memcmp(odd, pat, REGION) == 0, "12 MiB read back identical");

    memset(odd, 0xee, BIG_READ);
    rc = uk_blk_read(0, 0, odd, BIG_READ);
    EXPECT(rc == 0 && memcmp(odd, pat, BIG_READ) == 0,
           "one 6 MiB read (more than the pool) identical (%d)", rc);

    memcpy(odd, "the last sector", 16);
    rc = uk_blk_write(0, in.size - 512, odd, 512);
    memset(odd, 0, 512);
    rc = rc ? rc : uk_blk_read(0, in.size - 512, odd, 512);
    EXPECT(rc == 0 && strcmp((char *)odd, "the last sector") == 0, "the last sector (%d)", rc);

    uk_sem_init(&chain.end, 0);
    chain.buf = pat;
    chain.left = CHAIN;
    chain.req = (struct uk_blk_req){.op = UK_BLK_WRITE,
                                    .offset = REGION + 4 * MiB,
                                    .len = 4096,
                                    .buf = pat,
                                    .done = chain_done};
    rc = uk_blk_submit(0, &chain.req);
    if (!rc)
        uk_sem_down(&chain.end);
    EXPECT(rc == 0 && chain.left == 0 && !chain.failed,
           "%d writes each submitted from the previous one's callback", CHAIN);
    EXPECT(chain.deadlk == -EDEADLK, "a blocking call from a done callback: -EDEADLK (%d)",
           chain.deadlk);
    rc = uk_blk_read(0, REGION + 4 * MiB, odd, CHAIN * 4096);
    EXPECT(rc == 0 && memcmp(odd, pat, CHAIN * 4096) == 0, "the chain's writes read back");

    rc = uk_blk_flush(0);
    EXPECT(rc == (in.flush || in.barrier ? 0 : -EOPNOTSUPP), "flush: %d", rc);
    rc = uk_blk_discard(0, 16 * MiB, MiB);
    EXPECT(rc == (in.discard ? 0 : -EOPNOTSUPP), "discard of 1 MiB: %d", rc);
    if (!rc && !uk_blk_read(0, 16 * MiB, odd, MiB)) {
        size_t z = 0;

        while (z < MiB && !odd[z])
            z++;
        printf("blkbasic: after the discard the range reads as %s\n",
               z == MiB ? "zeros" : "not zeros");
    }
    refused(&in);

    uk_blk_info(0, &after);
    printf("blkbasic: counters: %llu reads, %llu writes, %llu flushes, %llu discards, %llu bytes "
           "read, %llu written, %llu errors; grants in use %u (%u before the test), %llu pages "
           "free\n",
           (unsigned long long)after.reads, (unsigned long long)after.writes,
           (unsigned long long)after.flushes, (unsigned long long)after.discards,
           (unsigned long long)after.bytes_read, (unsigned long long)after.bytes_written,
           (unsigned long long)after.errors, gnttab_refs_in_use(), grants0,
           (unsigned long long)uk_page_free_count());
    EXPECT(after.reads >= nr + 3 && after.writes >= nw + CHAIN + 1 && after.flushes == 1 &&
               after.bytes_written >= REGION && after.errors == 0,
           "counters add up, no errors (refused requests are not counted)");
    EXPECT(after.bad_id + after.dup_id + after.bad_op + after.bad_status + after.bad_prod == 0,
           "no bad response from blkback");
    free(pat);
    free(back);
    return test_result();
}

static int ro_mode(void)
{
    struct uk_blk_info in;
    char buf[512] = {0};
    struct uk_blk_req r = {
        .op = UK_BLK_WRITE, .offset = 0, .len = 512, .buf = buf, .done = aio_done};
    int rc;

    EXPECT(uk_blk_count() == 1 && uk_blk_info(0, &in) == 0, "one disk");
    print_info(0);
    EXPECT(in.connected && in.read_only, "xvda: connected, read-only");
    rc = uk_blk_read(0, 0, buf, 512);
    EXPECT(rc == 0 && strcmp(buf, RO_MARKER) == 0, "dom0's marker read at 0 (%d)", rc);
    rc = uk_blk_read(0, MiB, buf, 512);
    EXPECT(rc == 0 && strcmp(buf, RO_MARKER2) == 0, "dom0's marker read at 1 MiB (%d)", rc);
    EXPECT((rc = uk_blk_write(0, 0, buf, 512)) == -EROFS, "write: -EROFS (%d)", rc);
    EXPECT((rc = uk_blk_submit(0, &r)) == -EROFS, "asynchronous write: -EROFS (%d)", rc);
    EXPECT((rc = uk_blk_discard(0, 0, 4096)) == -EROFS, "discard: -EROFS (%d)", rc);
    EXPECT((rc = uk_blk_flush(0)) == -EROFS, "flush: -EROFS (%d)", rc);
    rc = uk_blk_read(0, 0, buf, 512);
    EXPECT(rc == 0 && strcmp(buf, RO_MARKER) == 0, "still the marker (%d)", rc);
    uk_blk_info(0, &in);
    EXPECT(in.reads == 3 && in.writes == 0 && in.errors == 0, "3 reads, no write counted");
    return test_result();
}

/* Until disk 0 is connected (true) or `s` seconds passed. */
static bool wait_connected(unsigned int s)
{
    uint64_t end = uk_deadline_in(s * UK_NSEC_PER_SEC);
    struct uk_blk_info in;

    while (uk_monotonic_ns() < end) {
        if (uk_blk_info(0, &in) == 0 && in.connected)
            return true;
        uk_sleep_ns(20 * UK_NSEC_PER_MSEC);
    }
    return false;
}

static int hotplug_mode(void)
{
    uint8_t *pat = malloc(MiB), *back = malloc(MiB + 1), *b = back + 1;
    unsigned int good = 0;
    uint64_t t0, t_err = 0;
    struct uk_blk_info in;
    int rc = 0;

    if (!pat || !back) {
        test_error("out of memory");
        return test_result();
    }
    for (size_t i = 0; i < MiB; i += 8) {
        uint64_t v = rnd();

        memcpy(pat + i, &v, 8);
    }
    EXPECT(uk_blk_count() == 0, "no disk at boot");
    printf("blkbasic: waiting for a disk\n");
    fflush(stdout);
    t0 = uk_monotonic_ns();
    EXPECT(wait_connected(60), "a disk attached later is connected");
    printf("blkbasic: attached after %llu ms\n",
           (unsigned long long)((uk_monotonic_ns() - t0) / UK_NSEC_PER_MSEC));
    print_info(0);
    EXPECT(uk_blk_find("xvdb") == 0 && uk_blk_count() == 1, "xvdb is disk 0");
    rc = uk_blk_write(0, 0, pat, MiB);
    rc = rc ? rc : uk_blk_read(0, 0, b, MiB);
    EXPECT(rc == 0 && memcmp(b, pat, MiB) == 0, "1 MiB written and read back (%d)", rc);
    rc = uk_blk_flush(0);
    printf("blkbasic: detach me\n");
    fflush(stdout);
    /* Writes of the second MiB, over and over, until the detach makes them fail. */
    t0 = uk_monotonic_ns();
    while (uk_monotonic_ns() - t0 < 60 * UK_NSEC_PER_SEC) {
        rc = uk_blk_write(0, MiB + (good % 256) * 4096, pat, 4096);
        if (rc)
            break;
        good++;
    }
    EXPECT(rc == -EIO, "writes fail with -EIO after %u good ones (%d)", good, rc);
    t_err = uk_monotonic_ns();
    rc = uk_blk_read(0, 0, b, 4096);
    EXPECT(rc == -EIO, "a read of the detached disk: -EIO in %llu ms (%d)",
           (unsigned long long)((uk_monotonic_ns() - t_err) / UK_NSEC_PER_MSEC), rc);
    EXPECT(uk_blk_info(0, &in) == 0 && !in.connected, "xvdb reads as not connected");
    printf("blkbasic: attach me again\n");
    fflush(stdout);
    EXPECT(wait_connected(60), "attached again: connected");
    EXPECT(uk_blk_find("xvdb") == 0 && uk_blk_count() == 1, "xvdb is disk 0 again");
    memset(b, 0, MiB);
    rc = uk_blk_read(0, 0, b, MiB);
    EXPECT(rc == 0 && memcmp(b, pat, MiB) == 0, "the 1 MiB written before reads back (%d)", rc);
    free(pat);
    free(back);
    return test_result();
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "basic";

    if (strcmp(mode, "plain") == 0)
        EXPECT(argc == 2, "the blk_ knobs are not in argv (argc %d)", argc);
    if (strcmp(mode, "basic") == 0 || strcmp(mode, "plain") == 0)
        return rw_mode(mode[0] == 'p');
    if (strcmp(mode, "ro") == 0)
        return ro_mode();
    if (strcmp(mode, "hotplug") == 0)
        return hotplug_mode();
    printf("blkbasic: unknown mode %s (basic, plain, ro, hotplug)\n", mode);
    return 2;
}
