/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * blk-hostile: the block API (<uk/blk.h>) under a hostile backend, in real
 * Xen; see tests/cases/blk-hostile.test.
 *
 * Disk 0 is xvda, an image file that Linux's blkback serves: a thread
 * writes random data of random length at random offsets to it and reads
 * each back, all along, while dom0's tests/peers/blkback_evil.c adds more
 * disks after boot (xvdb, ...) and plays their backend with bad responses.
 * The peer drives this app through XenStore (data/blk-hostile/ask):
 *
 *   SEQ stats NAME                     NAME's struct uk_blk_info, with the
 *                                      xvda thread's rounds, in .../stats-NAME
 *   SEQ read|write NAME TAG SECTOR N   submit a request of N sectors
 *   SEQ pause xvda 1|0                 hold the xvda thread between rounds
 *                                      (answered once it is idle), or resume it
 *
 * answered "SEQ RC" in .../answer (RC: uk_blk_submit's, -ENODEV when there
 * is no such disk); each request's outcome, once done is called, in
 * .../res/NAME/TAG ("0 ok", "0 mismatch", "0 written", "ERRNO failed") and on
 * the console. The data of the peer's disks is tests/apps/blk-hostile/
 * pattern.h: each sector's generation is counted here, so that every read
 * is checked. Once dom0 writes .../done it stops the xvda thread, checks
 * xvda again, prints every disk's counters and ends.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/blk.h>
#include <uk/sched.h>
#include <uk/time.h>
#include <uk/xenstore.h>

#include "pattern.h"

#define TEST_NAME "blk-hostile"
#include "../report.h"

#define DIR      "data/blk-hostile"
#define MAX_DONE 256

struct job {
    struct uk_blk_req req;
    unsigned int disk, tag;
    char name[8];
    bool write;
    uint64_t sector;
    uint32_t nsect;
    uint8_t *buf;
};

/* Each sector's generation on the peer's disks (pattern.h), by disk index. */
static uint8_t gens[UK_BLK_MAX][BLKH_SECTORS];

/* Requests done, from the block thread to the results thread. */
static struct job *done_q[MAX_DONE];
static unsigned int done_head, done_n, done_lost;
static struct uk_sem done_sem;

/* The xvda thread's rounds: verified, failed. */
static uint64_t xvda_rounds, xvda_bad;
static volatile bool xvda_stop;
/* dom0 asks for a pause while it looks at grants the guest may have recycled: see the peer. */
static volatile bool xvda_pause, xvda_idle;

/* Must not block: queued for the results thread. */
static void on_done(struct uk_blk_req *req)
{
    struct job *j = req->arg;

    if (done_n == MAX_DONE) {
        done_lost++;
        return;
    }
    done_q[(done_head + done_n++) % MAX_DONE] = j;
    uk_sem_up(&done_sem);
}

static bool check_read(const struct job *j)
{
    for (uint32_t s = 0; s < j->nsect; s++)
        for (unsigned int b = 0; b < BLKH_SECTOR; b++)
            if (j->buf[s * BLKH_SECTOR + b] !=
                blkh_byte(j->sector + s, gens[j->disk][j->sector + s], b))
                return false;
    return true;
}

static void results(void *arg)
{
    (void)arg;
    for (;;) {
        char path[64], val[32];
        const char *what;
        struct job *j;

        uk_sem_down(&done_sem);
        j = done_q[done_head];
        done_head = (done_head + 1) % MAX_DONE;
        done_n--;
        if (j->req.status != 0)
            what = "failed";
        else if (j->write)
            what = "written";
        else
            what = check_read(j) ? "ok" : "mismatch";
        if (j->req.status == 0 && j->write)
            for (uint32_t s = 0; s < j->nsect; s++)
                gens[j->disk][j->sector + s]++;
        printf("blk-hostile: %s: request %u, %s of %u sectors at %llu: %d, %s\n", j->name, j->tag,
               j->write ? "write" : "read", j->nsect, (unsigned long long)j->sector, j->req.status,
               what);
        snprintf(path, sizeof(path), DIR "/res/%s/%u", j->name, j->tag);
        snprintf(val, sizeof(val), "%d %s", j->req.status, what);
        xs_write(XS_NO_TX, path, val);
        free(j->buf);
        free(j);
    }
}

static int submit(const char *verb, const char *name, unsigned int tag, unsigned long long sector,
                  unsigned int nsect)
{
    int d = uk_blk_find(name);
    struct job *j;
    int rc;

    if (d < 0)
        return d;
    if (d >= UK_BLK_MAX || nsect == 0 || sector >= BLKH_SECTORS || nsect > BLKH_SECTORS - sector)
        return -EINVAL;
    j = calloc(1, sizeof(*j));
    if (!j || !(j->buf = malloc((size_t)nsect * BLKH_SECTOR))) {
        free(j);
        return -ENOMEM;
    }
    j->disk = (unsigned int)d;
    j->tag = tag;
    snprintf(j->name, sizeof(j->name), "%s", name);
    j->write = strcmp(verb, "write") == 0;
    j->sector = sector;
    j->nsect = nsect;
    if (j->write)
        for (uint32_t s = 0; s < nsect; s++)
            for (unsigned int b = 0; b < BLKH_SECTOR; b++)
                j->buf[s * BLKH_SECTOR + b] =
                    blkh_byte(sector + s, (uint8_t)(gens[d][sector + s] + 1), b);
    else
        memset(j->buf, 0x5a, (size_t)nsect * BLKH_SECTOR);
    j->req.op = j->write ? UK_BLK_WRITE : UK_BLK_READ;
    j->req.offset = sector * BLKH_SECTOR;
    j->req.len = (size_t)nsect * BLKH_SECTOR;
    j->req.buf = j->buf;
    j->req.done = on_done;
    j->req.arg = j;
    rc = uk_blk_submit((unsigned int)d, &j->req);
    if (rc) {
        printf("blk-hostile: %s: request %u, %s of %u sectors at %llu: refused, %d\n", name, tag,
               verb, nsect, sector, rc);
        free(j->buf);
        free(j);
    }
    return rc;
}

static void stats(const char *name)
{
    struct uk_blk_info in;
    char path[64], buf[512];
    int d = uk_blk_find(name);
    int n = 0;

    if (d >= 0 && uk_blk_info((unsigned int)d, &in) == 0)
        n = snprintf(buf, sizeof(buf),
                     "present=1 connected=%d size=%llu sector_size=%u ring_pages=%u read_only=%d "
                     "reads=%llu writes=%llu errors=%llu bad_id=%llu dup_id=%llu bad_op=%llu "
                     "bad_status=%llu bad_prod=%llu ",
                     in.connected, (unsigned long long)in.size, in.sector_size, in.ring_pages,
                     in.read_only, (unsigned long long)in.reads, (unsigned long long)in.writes,
                     (unsigned long long)in.errors, (unsigned long long)in.bad_id,
                     (unsigned long long)in.dup_id, (unsigned long long)in.bad_op,
                     (unsigned long long)in.bad_status, (unsigned long long)in.bad_prod);
    else
        n = snprintf(buf, sizeof(buf), "present=0 ");
    snprintf(buf + n, sizeof(buf) - (size_t)n, "xvda_rounds=%llu xvda_bad=%llu",
             (unsigned long long)xvda_rounds, (unsigned long long)xvda_bad);
    snprintf(path, sizeof(path), DIR "/stats-%s", name);
    xs_write(XS_NO_TX, path, buf);
}

/*
 * Pause (or resume) the xvda thread between rounds: 0 once it is idle, with
 * no request in flight (so none of its grants), or -ETIMEDOUT after 5 s.
 */
static int pause_xvda(bool pause)
{
    uint64_t deadline = uk_deadline_in(5 * UK_NSEC_PER_SEC);

    xvda_pause = pause;
    while (pause && !xvda_idle && !xvda_stop) {
        if (uk_monotonic_ns() > deadline)
            return -ETIMEDOUT;
        uk_sleep_ns(UK_NSEC_PER_MSEC);
    }
    return 0;
}

/* Does what dom0 writes to data/blk-hostile/ask, once per SEQ. */
static void commands(void *arg)
{
    struct xs_watch *w = arg;
    long last = -1;

    for (;;) {
        char ask[128], verb[16], name[16], ans[32], *p;
        unsigned long long sector = 0;
        unsigned int tag = 0, nsect = 0;
        long seq;
        int rc = -EINVAL, n;

        if (xs_watch_wait(w, &p, 0))
            return;
        free(p);
        if (xs_read_buf(XS_NO_TX, DIR "/ask", ask, sizeof(ask)) < 0)
            continue;
        n = sscanf(ask, "%ld %15s %7s %u %llu %u", &seq, verb, name, &tag, &sector, &nsect);
        if (n < 3 || seq == last)
            continue;
        last = seq;
        if (strcmp(verb, "stats") == 0) {
            stats(name);
            rc = 0;
        } else if (n == 4 && strcmp(verb, "pause") == 0 && strcmp(name, "xvda") == 0) {
            rc = pause_xvda(tag != 0);
        } else if (n == 6 && (strcmp(verb, "read") == 0 || strcmp(verb, "write") == 0)) {
            rc = submit(verb, name, tag, sector, nsect);
        }
        snprintf(ans, sizeof(ans), "%ld %d", seq, rc);
        xs_write(XS_NO_TX, DIR "/answer", ans);
    }
}

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* One round on xvda: random data, random length and offset, written and read back. */
static bool xvda_round(unsigned int d, uint64_t sectors)
{
    uint32_t n = 1 + rng() % 128;
    uint64_t at = rng() % (sectors - n);
    size_t len = (size_t)n * 512;
    uint8_t *w = malloc(len), *r = malloc(len);
    bool ok = false;
    int rc = -ENOMEM;

    /* Fresh buffers each round: a page the runtime wrongly let go of would show here. */
    if (w && r) {
        for (size_t i = 0; i < len; i++)
            w[i] = (uint8_t)rng();
        memset(r, 0, len);
        rc = uk_blk_write(d, at * 512, w, len);
        if (rc == 0)
            rc = uk_blk_read(d, at * 512, r, len);
        ok = rc == 0 && memcmp(w, r, len) == 0;
    }
    if (!ok)
        printf("blk-hostile: xvda: %u sectors at %llu: %d, %s\n", n, (unsigned long long)at, rc,
               rc ? "failed" : "read back differs");
    free(w);
    free(r);
    return ok;
}

static void xvda_thread(void *arg)
{
    struct uk_blk_info *in = arg;

    while (!xvda_stop) {
        xvda_idle = xvda_pause;
        if (xvda_pause) {
            uk_sleep_ns(UK_NSEC_PER_MSEC);
            continue;
        }
        if (xvda_round(0, in->size / 512))
            xvda_rounds++;
        else
            xvda_bad++;
    }
}

static int rounds(unsigned int d, uint64_t sectors, int n)
{
    int ok = 0;

    for (int i = 0; i < n; i++)
        ok += xvda_round(d, sectors);
    return ok;
}

int main(void)
{
    static struct uk_blk_info xvda;
    struct uk_thread *worker;
    struct xs_watch *w;
    uint64_t deadline;
    int rc, d = -ENODEV;

    uk_sem_init(&done_sem, 0);
    rc = xs_write(XS_NO_TX, DIR "/answer", "0 0");
    w = rc ? NULL : xs_watch(DIR "/ask", NULL, NULL);
    if (!w || !uk_thread_create("results", results, NULL, 0) ||
        !uk_thread_create("commands", commands, w, 0)) {
        test_error("set up (%d)", rc);
        return test_result();
    }
    /* xvda comes with the domain; wait for it to connect. */
    deadline = uk_deadline_in(20 * UK_NSEC_PER_SEC);
    while ((d = uk_blk_find("xvda")) < 0 || uk_blk_info((unsigned int)d, &xvda) ||
           !xvda.connected) {
        if (uk_monotonic_ns() > deadline)
            break;
        uk_sleep_ns(10 * UK_NSEC_PER_MSEC);
    }
    if (d != 0 || !xvda.connected || xvda.size < 1024 * 512) {
        test_error("no xvda as disk 0 (%d)", d);
        return test_result();
    }
    rc = rounds(0, xvda.size / 512, 8);
    printf("blk-hostile: xvda before the attack: %d of 8 rounds verified\n", rc);
    EXPECT(rc == 8, "xvda served before the attack");
    worker = uk_thread_create("xvda", xvda_thread, &xvda, 0);
    if (!worker) {
        test_error("no xvda thread");
        return test_result();
    }
    printf("blk-hostile: ready\n");

    rc = xs_wait_exists(DIR "/done", uk_deadline_in(300 * UK_NSEC_PER_SEC));
    EXPECT(rc == 0, "dom0 said done (%d)", rc);
    xvda_stop = true;
    uk_thread_join(worker);
    printf("blk-hostile: xvda during the attack: %llu rounds verified, %llu failed\n",
           (unsigned long long)xvda_rounds, (unsigned long long)xvda_bad);
    EXPECT(xvda_rounds > 0 && xvda_bad == 0, "xvda served during the attack");
    rc = rounds(0, xvda.size / 512, 8);
    printf("blk-hostile: xvda after the attack: %d of 8 rounds verified\n", rc);
    EXPECT(rc == 8, "xvda served after the attack");
    EXPECT(done_lost == 0, "no completion lost by this app (%u)", done_lost);

    for (unsigned int i = 0; i < uk_blk_count(); i++) {
        struct uk_blk_info in;

        if (uk_blk_info(i, &in))
            continue;
        printf("blk-hostile: %s: connected %d, %u ring pages, reads %llu, writes %llu, errors "
               "%llu, bad_id %llu, dup_id %llu, bad_op %llu, bad_status %llu, bad_prod %llu\n",
               in.name, in.connected, in.ring_pages, (unsigned long long)in.reads,
               (unsigned long long)in.writes, (unsigned long long)in.errors,
               (unsigned long long)in.bad_id, (unsigned long long)in.dup_id,
               (unsigned long long)in.bad_op, (unsigned long long)in.bad_status,
               (unsigned long long)in.bad_prod);
        if (i == 0)
            EXPECT(in.connected && in.errors == 0 &&
                       in.bad_id + in.dup_id + in.bad_op + in.bad_status + in.bad_prod == 0,
                   "xvda: still connected, no error, no bad response from Linux's blkback");
    }
    EXPECT(uk_blk_count() >= 2, "%u disks seen (the peer's added after boot)", uk_blk_count());
    return test_result();
}
