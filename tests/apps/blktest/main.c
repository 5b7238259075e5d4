/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * blktest: the storage cases' guest (tests/cases/blk-*.test) and the block
 * benchmark's (tests/bench/blk-bench.sh), against dom0's real blkback.
 *
 *   blktest MODE [disk=xvda] [disk2=xvdb] [bytes=64M] [seed=N] [depth=8]
 *                [maxreq=256k] [seconds=2]
 *
 *   pattern  write `bytes` of the seeded pattern (tests/apps/blktest/
 *            pattern.h) from offset 0 in requests of random size (sector
 *            multiples up to maxreq, so at random offsets) from buffers at
 *            random addresses, in random order, `depth` in flight through
 *            uk_blk_submit; flush; read it all back cut differently and
 *            compare. dom0 then checks the image file.
 *   verify   only the read back and comparison (a second guest, later)
 *   flush    pattern on `bytes`, then uk_blk_flush; says "flushed" and
 *            waits (60 s at most) for dom0's verdict in data/blktest/checked
 *   two      pattern on disk and disk2 at once (a thread each); requests
 *            must have been in flight on both at once
 *   detach   a write loop (bounded: 60 s) until dom0's xl block-detach
 *            makes requests fail, which must be -EIO, quickly, also for a
 *            blocking uk_blk_write; then waits (60 s) for the disk to come
 *            back at the same index and writes and reads a pattern again
 *   bench    sequential writes and reads of 4 KiB and 1 MiB (one in
 *            flight), 4 KiB random reads with 1 and 32 in flight, each for
 *            `seconds` or `bytes` at most: "blkbench: NAME X MB/s ..."
 *
 * Words the driver takes (blk_persistent=0, blk_indirect=0) are passed
 * over. The seed, when not given, comes from the clock and is printed.
 * Every wait is bounded: a request not completed within 30 s fails the
 * test instead of hanging it.
 */
#define TEST_NAME "blktest"
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/blk.h>
#include <uk/sched.h>
#include <uk/time.h>
#include <uk/xenstore.h>

#include "../report.h"
#include "pattern.h"

#define MAX_DEPTH 64
/* How long one request may take before the test calls it hung. */
#define REQ_WAIT_NS (30 * UK_NSEC_PER_SEC)

typedef unsigned long long ull;

struct opts {
    const char *disk, *disk2;
    uint64_t bytes;
    uint64_t seed;
    unsigned int depth;
    size_t maxreq;
    unsigned int seconds;
};

struct engine;

/* One request buffer and its request, reused once completed. */
struct slot {
    struct uk_blk_req req;
    struct engine *e;
    unsigned char *mem; /* cap + 4096 bytes: buf starts anywhere in the first page */
};

/*
 * Requests on one disk, up to `depth` in flight. Completions come from the
 * runtime's block thread; they are queued here and taken by the submitting
 * thread, which checks them (the callback must not block or take long).
 */
struct engine {
    unsigned int disk;
    const char *name;
    uint32_t ss;
    unsigned int depth, in_flight, max_in_flight;
    size_t cap;
    struct slot slot[MAX_DEPTH];
    unsigned int free_slots[MAX_DEPTH], nfree;
    unsigned int done[MAX_DEPTH], done_head, done_tail;
    struct uk_sem done_sem;
    /* Pattern to write, and to compare reads with. */
    bool fill, verify;
    uint64_t seed;
    /* Results. */
    uint64_t completed, bytes, odd_buffers, eio, other_errors;
    int first_other;
    size_t min_len, max_len;
    uint64_t bad_words, first_bad;
    bool hung;
};

/* Requests in flight per disk, and submissions made while another disk had some. */
static unsigned int in_flight_on[UK_BLK_MAX];
static uint64_t overlapping;

static void slot_done(struct uk_blk_req *req)
{
    struct slot *s = req->arg;
    struct engine *e = s->e;

    /*
     * Cooperative threads on one vCPU: the submitting thread cannot run
     * between the queueing and the semaphore, nor while it is read.
     */
    e->done[e->done_tail++ % MAX_DEPTH] = (unsigned int)(s - e->slot);
    uk_sem_up(&e->done_sem);
}

static int engine_init(struct engine *e, const char *name, unsigned int depth, size_t cap)
{
    struct uk_blk_info info;
    int i = uk_blk_find(name);

    memset(e, 0, sizeof(*e));
    if (i < 0 || uk_blk_info((unsigned int)i, &info) < 0)
        return -ENODEV;
    if (depth < 1 || depth > MAX_DEPTH)
        return -EINVAL;
    e->disk = (unsigned int)i;
    e->name = name;
    e->ss = info.sector_size;
    e->depth = depth;
    e->cap = cap;
    e->min_len = SIZE_MAX;
    uk_sem_init(&e->done_sem, 0);
    for (unsigned int k = 0; k < depth; k++) {
        e->slot[k].e = e;
        e->slot[k].mem = malloc(cap + 4096);
        if (!e->slot[k].mem)
            return -ENOMEM;
        e->free_slots[e->nfree++] = k;
    }
    return 0;
}

/* The buffers of requests still in flight (a hung test) are left alone. */
static void engine_free(struct engine *e)
{
    if (e->hung)
        return;
    for (unsigned int k = 0; k < e->depth; k++)
        free(e->slot[k].mem);
}

static void count_error(struct engine *e, int rc)
{
    if (rc == -EIO) {
        e->eio++;
    } else {
        if (!e->other_errors++)
            e->first_other = rc;
    }
}

/* Take one completion (waiting for it): 0, or -ETIMEDOUT (hung). */
static int harvest(struct engine *e)
{
    struct slot *s;
    unsigned int k;

    if (uk_sem_down_until(&e->done_sem, uk_deadline_in(REQ_WAIT_NS)) < 0) {
        e->hung = true;
        return -ETIMEDOUT;
    }
    k = e->done[e->done_head++ % MAX_DEPTH];
    s = &e->slot[k];
    e->in_flight--;
    in_flight_on[e->disk]--;
    e->completed++;
    if (s->req.status) {
        count_error(e, s->req.status);
    } else {
        e->bytes += s->req.len;
        if (s->req.op == UK_BLK_READ && e->verify) {
            uint64_t first = 0;
            uint64_t bad = blk_pattern_diff(e->seed, s->req.offset, s->req.buf, s->req.len, &first);

            if (bad && !e->bad_words)
                e->first_bad = first;
            e->bad_words += bad;
        }
    }
    e->free_slots[e->nfree++] = k;
    return 0;
}

static int drain(struct engine *e)
{
    while (e->in_flight)
        if (harvest(e) < 0)
            return -ETIMEDOUT;
    return 0;
}

/*
 * Queue one request, waiting for a free slot first: 0, -ETIMEDOUT (an
 * earlier request hung), or uk_blk_submit's refusal (counted).
 */
static int submit(struct engine *e, enum uk_blk_op op, uint64_t off, size_t len, size_t misalign)
{
    struct slot *s;
    unsigned int k;
    int rc;

    while (!e->nfree)
        if (harvest(e) < 0)
            return -ETIMEDOUT;
    k = e->free_slots[--e->nfree];
    s = &e->slot[k];
    memset(&s->req, 0, sizeof(s->req));
    s->req.op = op;
    s->req.offset = off;
    s->req.len = len;
    s->req.buf = s->mem + misalign;
    s->req.done = slot_done;
    s->req.arg = s;
    if (op == UK_BLK_WRITE && e->fill)
        blk_pattern_fill(e->seed, off, s->req.buf, len);
    for (unsigned int d = 0; d < UK_BLK_MAX; d++)
        if (d != e->disk && in_flight_on[d])
            overlapping++;
    rc = uk_blk_submit(e->disk, &s->req);
    if (rc < 0) {
        count_error(e, rc);
        e->free_slots[e->nfree++] = k;
        return rc;
    }
    if (misalign & 511)
        e->odd_buffers++;
    if (len < e->min_len)
        e->min_len = len;
    if (len > e->max_len)
        e->max_len = len;
    e->in_flight++;
    in_flight_on[e->disk]++;
    if (e->in_flight > e->max_in_flight)
        e->max_in_flight = e->in_flight;
    return 0;
}

/* The disk `name`, waiting up to 10 s for it to be there and connected. */
static int wait_disk(const char *name, struct uk_blk_info *info)
{
    uint64_t deadline = uk_deadline_in(10 * UK_NSEC_PER_SEC);

    for (;;) {
        int i = uk_blk_find(name);

        if (i >= 0 && uk_blk_info((unsigned int)i, info) == 0 && info->connected)
            return i;
        if (uk_monotonic_ns() >= deadline)
            return i < 0 ? i : -ETIMEDOUT;
        uk_sleep_ns(50 * UK_NSEC_PER_MSEC);
    }
}

static void print_info(const struct uk_blk_info *in)
{
    printf("blktest: %s (vbd %u): %llu bytes, sector %u, %s, ring pages %u, segments %u, "
           "persistent %d, flush %d, barrier %d, discard %d\n",
           in->name, in->vdev, (ull)in->size, in->sector_size, in->read_only ? "ro" : "rw",
           in->ring_pages, in->max_segments, in->persistent, in->flush, in->barrier, in->discard);
}

static double mb_per_s(uint64_t bytes, uint64_t ns)
{
    return ns ? (double)bytes * 1e3 / (double)ns : 0.0;
}

struct chunk {
    uint64_t off;
    size_t len;
};

/*
 * [0, bytes) cut into requests of random length (a quarter of them 1-8
 * sectors, the rest up to maxreq), in random order. NULL without memory.
 */
static struct chunk *make_chunks(uint64_t *rng, uint64_t bytes, uint32_t ss, size_t maxreq,
                                 size_t *count)
{
    size_t n = 0, cap = 256;
    struct chunk *c = malloc(cap * sizeof(*c));
    uint64_t max_sectors = maxreq / ss ? maxreq / ss : 1;

    for (uint64_t off = 0; c && off < bytes;) {
        uint64_t r = blk_rng_next(rng);
        uint64_t sectors = (r & 3) == 0 ? 1 + (r >> 8) % 8 : 1 + (r >> 8) % max_sectors;
        uint64_t len = sectors * ss;

        if (len > bytes - off)
            len = bytes - off;
        if (n == cap) {
            struct chunk *bigger = realloc(c, 2 * cap * sizeof(*c));

            if (!bigger) {
                free(c);
                return NULL;
            }
            c = bigger;
            cap *= 2;
        }
        c[n].off = off;
        c[n++].len = (size_t)len;
        off += len;
    }
    for (size_t i = n; c && i > 1; i--) {
        size_t j = (size_t)(blk_rng_next(rng) % i);
        struct chunk t = c[i - 1];

        c[i - 1] = c[j];
        c[j] = t;
    }
    *count = n;
    return c;
}

/* Every chunk as one request, from buffers at random addresses; then all completed. */
static int run_chunks(struct engine *e, uint64_t *rng, enum uk_blk_op op, const struct chunk *c,
                      size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t r = blk_rng_next(rng);
        /* Half of the buffers anywhere in a page, odd addresses included. */
        size_t misalign = (r & 1) ? (size_t)((r >> 1) % 4096) : 0;
        int rc = submit(e, op, c[i].off, c[i].len, misalign);

        if (rc == -ETIMEDOUT)
            return rc;
    }
    return drain(e);
}

/* Write (if `write`) and read back the pattern on [0, bytes) of e's disk. */
static void pattern_pass(struct engine *e, const struct opts *o, bool write)
{
    uint64_t rng = o->seed ^ 0x5eedf00dull ^ e->disk;
    struct chunk *c;
    size_t n;
    uint64_t t0, ns;
    int rc;

    e->seed = o->seed;
    e->fill = true;
    e->verify = true;
    if (write) {
        c = make_chunks(&rng, o->bytes, e->ss, o->maxreq, &n);
        if (!c) {
            test_error("%s: no memory for the request list", e->name);
            return;
        }
        t0 = uk_monotonic_ns();
        rc = run_chunks(e, &rng, UK_BLK_WRITE, c, n);
        ns = uk_monotonic_ns() - t0;
        free(c);
        EXPECT(rc == 0, "%s: every write completed (none hung 30 s)", e->name);
        EXPECT(e->eio + e->other_errors == 0,
               "%s: %llu writes, %llu -EIO, %llu other errors (first %d)", e->name,
               (ull)e->completed, (ull)e->eio, (ull)e->other_errors, e->first_other);
        printf("blktest: %s: wrote %llu bytes in %llu requests of %zu..%zu bytes, %llu from odd "
               "buffer addresses, up to %u in flight, %.2f MB/s\n",
               e->name, (ull)e->bytes, (ull)e->completed, e->min_len, e->max_len,
               (ull)e->odd_buffers, e->max_in_flight, mb_per_s(e->bytes, ns));
        if (rc)
            return;
        rc = uk_blk_flush(e->disk);
        EXPECT(rc == 0, "%s: flush after the writes (%d)", e->name, rc);
    }
    /* Read back cut differently from the writes. */
    rng ^= 0x7eadull;
    c = make_chunks(&rng, o->bytes, e->ss, o->maxreq, &n);
    if (!c) {
        test_error("%s: no memory for the request list", e->name);
        return;
    }
    e->completed = e->bytes = e->odd_buffers = e->eio = e->other_errors = 0;
    e->max_in_flight = 0;
    t0 = uk_monotonic_ns();
    rc = run_chunks(e, &rng, UK_BLK_READ, c, n);
    ns = uk_monotonic_ns() - t0;
    free(c);
    EXPECT(rc == 0, "%s: every read completed (none hung 30 s)", e->name);
    EXPECT(e->eio + e->other_errors == 0, "%s: %llu reads, %llu -EIO, %llu other errors (first %d)",
           e->name, (ull)e->completed, (ull)e->eio, (ull)e->other_errors, e->first_other);
    printf("blktest: %s: read %llu bytes in %llu requests, up to %u in flight, %.2f MB/s\n",
           e->name, (ull)e->bytes, (ull)e->completed, e->max_in_flight, mb_per_s(e->bytes, ns));
    EXPECT(e->bytes == o->bytes && e->bad_words == 0,
           "%s: pattern of seed %llu on %llu bytes read back intact (%llu words differ, first at "
           "%llu)",
           e->name, (ull)o->seed, (ull)o->bytes, (ull)e->bad_words, (ull)e->first_bad);
}

static int open_engine(struct engine *e, const char *name, const struct opts *o, size_t cap,
                       struct uk_blk_info *info)
{
    int i = wait_disk(name, info);
    int rc;

    if (i < 0) {
        test_error("no disk %s connected within 10 s (%d)", name, i);
        return i;
    }
    print_info(info);
    if (info->size < o->bytes) {
        test_error("%s has %llu bytes, fewer than %llu", name, (ull)info->size, (ull)o->bytes);
        return -EINVAL;
    }
    rc = engine_init(e, name, o->depth, cap);
    if (rc < 0)
        test_error("%s: cannot set up %u requests of %zu bytes (%d)", name, o->depth, cap, rc);
    return rc;
}

static struct engine eng[2];

static int mode_pattern(const struct opts *o, bool write)
{
    struct uk_blk_info info;

    if (open_engine(&eng[0], o->disk, o, o->maxreq, &info) == 0)
        pattern_pass(&eng[0], o, write);
    engine_free(&eng[0]);
    printf("blktest: done\n");
    return test_result();
}

static int mode_flush(const struct opts *o)
{
    struct uk_blk_info info;
    char *v = NULL;
    int rc;

    if (open_engine(&eng[0], o->disk, o, o->maxreq, &info) == 0) {
        EXPECT(info.flush || info.barrier, "%s: the backend offers flush or barrier", o->disk);
        pattern_pass(&eng[0], o, true);
        rc = uk_blk_flush(eng[0].disk);
        EXPECT(rc == 0, "%s: uk_blk_flush returned %d", o->disk, rc);
        printf("blktest: flushed: seed %llu bytes %llu\n", (ull)o->seed, (ull)o->bytes);
        fflush(stdout);
        rc = xs_wait_exists("data/blktest/checked", uk_deadline_in(60 * UK_NSEC_PER_SEC));
        if (rc == 0)
            rc = xs_read(XS_NO_TX, "data/blktest/checked", &v, NULL);
        EXPECT(rc == 0 && v && strcmp(v, "ok") == 0,
               "dom0 found the data in the image while I ran (%d: %s)", rc, v ? v : "nothing");
        free(v);
    }
    engine_free(&eng[0]);
    return test_result();
}

struct two_arg {
    struct engine *e;
    const struct opts *o;
    struct uk_sem *done;
};

static void two_thread(void *p)
{
    struct two_arg *a = p;

    pattern_pass(a->e, a->o, true);
    uk_sem_up(a->done);
}

static int mode_two(const struct opts *o)
{
    struct uk_blk_info ia, ib;
    struct uk_sem done;
    struct two_arg args[2];
    struct opts o2[2];
    const char *names[2] = {o->disk, o->disk2};
    unsigned int started = 0, finished = 0;

    uk_sem_init(&done, 0);
    if (open_engine(&eng[0], o->disk, o, o->maxreq, &ia) < 0 ||
        open_engine(&eng[1], o->disk2, o, o->maxreq, &ib) < 0)
        return test_result();
    /* Another seed on the second disk: data on the wrong disk would show. */
    o2[0] = *o;
    o2[1] = *o;
    o2[1].seed = o->seed + 1;
    printf("blktest: %s seed %llu, %s seed %llu\n", o->disk, (ull)o2[0].seed, o->disk2,
           (ull)o2[1].seed);
    for (int k = 0; k < 2; k++) {
        args[k] = (struct two_arg){&eng[k], &o2[k], &done};
        struct uk_thread *t = uk_thread_create(names[k], two_thread, &args[k], 0);

        if (t) {
            uk_thread_detach(t);
            started++;
        } else {
            test_error("no thread for %s", names[k]);
        }
    }
    /* Each pass is bounded by its requests' 30 s each; this by the whole. */
    while (finished < started &&
           uk_sem_down_until(&done, uk_deadline_in(600 * UK_NSEC_PER_SEC)) == 0)
        finished++;
    EXPECT(finished == started, "both passes finished (%u of %u)", finished, started);
    EXPECT(overlapping > 0, "requests in flight on both disks at once (%llu submissions)",
           (ull)overlapping);
    printf("blktest: done\n");
    return test_result();
}

struct blocking_arg {
    unsigned int disk;
    void *buf;
    size_t len;
    int rc;
    struct uk_sem done;
};

static void blocking_write(void *p)
{
    struct blocking_arg *a = p;

    a->rc = uk_blk_write(a->disk, 0, a->buf, a->len);
    uk_sem_up(&a->done);
}

static int mode_detach(const struct opts *o)
{
    struct engine *e = &eng[0];
    struct uk_blk_info info, again;
    uint64_t deadline, t_err = 0, errs_at_first = 0, off = 0;
    const size_t len = 65536;
    int idx, rc;

    if (open_engine(e, o->disk, o, len, &info) < 0)
        return test_result();
    idx = (int)e->disk;
    e->seed = o->seed;
    e->fill = true;
    printf("blktest: writing\n");
    fflush(stdout);
    /* Until requests fail, then 20 more; 60 s and a million requests at most. */
    deadline = uk_deadline_in(60 * UK_NSEC_PER_SEC);
    for (uint64_t n = 0; n < 1000000 && uk_monotonic_ns() < deadline; n++) {
        uint64_t errs;

        rc = submit(e, UK_BLK_WRITE, off, len, 0);
        if (rc == -ETIMEDOUT)
            break;
        off = (off + len) % (o->bytes - o->bytes % len);
        errs = e->eio + e->other_errors;
        if (!t_err && errs) {
            t_err = uk_monotonic_ns();
            errs_at_first = errs;
            printf("blktest: first error after %llu good writes: %s\n", (ull)(e->bytes / len),
                   rc ? "submit refused" : "a request failed");
        }
        if (t_err && errs >= errs_at_first + 20)
            break;
    }
    rc = drain(e);
    EXPECT(rc == 0, "no request hung (30 s each)");
    EXPECT(t_err != 0, "the detach made requests fail within 60 s (%llu written)",
           (ull)(e->bytes / len));
    EXPECT(e->other_errors == 0 && e->eio > 0, "%llu failed with -EIO, %llu otherwise (first %d)",
           (ull)e->eio, (ull)e->other_errors, e->first_other);
    if (t_err) {
        /* Static: a thread still blocked at the end must not write into a dead frame. */
        static struct blocking_arg a;
        uint64_t t0 = uk_monotonic_ns();

        a = (struct blocking_arg){.disk = e->disk, .buf = e->slot[0].mem, .len = len};
        uk_sem_init(&a.done, 0);
        struct uk_thread *t = uk_thread_create("blocking", blocking_write, &a, 0);

        if (!t) {
            test_error("no thread");
        } else {
            uk_thread_detach(t);
            rc = uk_sem_down_until(&a.done, uk_deadline_in(10 * UK_NSEC_PER_SEC));
            EXPECT(rc == 0 && a.rc == -EIO,
                   "a blocking uk_blk_write on the detached disk: %d in %llu ms", rc ? rc : a.rc,
                   (ull)((uk_monotonic_ns() - t0) / UK_NSEC_PER_MSEC));
            if (rc)
                e->hung = true; /* its buffer may still be written from */
        }
    }
    uk_blk_info((unsigned int)idx, &again);
    EXPECT(!again.connected, "%s reads as not connected", o->disk);
    printf("blktest: waiting for the disk to come back\n");
    fflush(stdout);
    rc = -ETIMEDOUT;
    deadline = uk_deadline_in(60 * UK_NSEC_PER_SEC);
    while (uk_monotonic_ns() < deadline) {
        if (uk_blk_info((unsigned int)idx, &again) == 0 && again.connected) {
            rc = 0;
            break;
        }
        uk_sleep_ns(100 * UK_NSEC_PER_MSEC);
    }
    EXPECT(rc == 0, "%s connected again within 60 s", o->disk);
    if (rc == 0) {
        struct opts small = *o;

        EXPECT(uk_blk_find(o->disk) == idx, "%s has its index %d again", o->disk, idx);
        print_info(&again);
        small.bytes = 4 << 20;
        small.seed = o->seed + 1;
        engine_free(e);
        if (engine_init(e, o->disk, o->depth, o->maxreq) == 0)
            pattern_pass(e, &small, true);
        else
            test_error("cannot set up requests");
    }
    engine_free(e);
    printf("blktest: done\n");
    return test_result();
}

/*
 * One benchmark figure: requests of `len` bytes, `depth` in flight,
 * sequential from offset 0 or at random offsets (aligned to len), for
 * `seconds` or `bytes` at most.
 */
static void bench_one(const char *what, const char *disk, const struct opts *o, enum uk_blk_op op,
                      size_t len, unsigned int depth, bool random)
{
    struct engine *e = &eng[0];
    uint64_t rng = o->seed | 1, slots = o->bytes / len, t0, ns, deadline;
    uint64_t n = 0;
    struct uk_blk_info info;
    int rc = 0;

    if (uk_blk_info((unsigned int)uk_blk_find(disk), &info) < 0 ||
        engine_init(e, disk, depth, len) < 0) {
        test_error("%s: cannot set up %u requests of %zu bytes", what, depth, len);
        return;
    }
    t0 = uk_monotonic_ns();
    deadline = t0 + o->seconds * UK_NSEC_PER_SEC;
    for (; n < slots && uk_monotonic_ns() < deadline; n++) {
        uint64_t off = random ? (blk_rng_next(&rng) % slots) * len : n * len;

        rc = submit(e, op, off, len, 0);
        if (rc < 0)
            break;
    }
    if (rc != -ETIMEDOUT)
        rc = drain(e);
    ns = uk_monotonic_ns() - t0;
    if (rc < 0 || e->eio + e->other_errors) {
        EXPECT(0, "%s: %llu requests, %llu failed, rc %d", what, (ull)e->completed,
               (ull)(e->eio + e->other_errors), rc);
    } else {
        printf("blkbench: %s %.2f MB/s %.0f req/s (%llu requests of %zu bytes, %llu ms, %u in "
               "flight, persistent %d, segments %u)\n",
               what, mb_per_s(e->bytes, ns), (double)e->completed * 1e9 / (double)ns,
               (ull)e->completed, len, (ull)(ns / UK_NSEC_PER_MSEC), depth, info.persistent,
               info.max_segments);
    }
    engine_free(e);
}

static int mode_bench(const struct opts *o)
{
    static const struct {
        const char *what;
        enum uk_blk_op op;
        size_t len;
        unsigned int depth;
        bool random;
    } figs[] = {
        {"seq_write_4k", UK_BLK_WRITE, 4096, 1, false},
        {"seq_write_1m", UK_BLK_WRITE, 1 << 20, 1, false},
        {"seq_read_4k", UK_BLK_READ, 4096, 1, false},
        {"seq_read_1m", UK_BLK_READ, 1 << 20, 1, false},
        {"rand_read_4k_qd1", UK_BLK_READ, 4096, 1, true},
        {"rand_read_4k_qd32", UK_BLK_READ, 4096, 32, true},
    };

    struct uk_blk_info info;
    int i = wait_disk(o->disk, &info);

    if (i < 0) {
        test_error("no disk %s connected within 10 s (%d)", o->disk, i);
        return test_result();
    }
    print_info(&info);
    if (info.size < o->bytes) {
        test_error("%s has %llu bytes, fewer than %llu", o->disk, (ull)info.size, (ull)o->bytes);
        return test_result();
    }
    for (size_t k = 0; k < sizeof(figs) / sizeof(figs[0]); k++)
        bench_one(figs[k].what, o->disk, o, figs[k].op, figs[k].len, figs[k].depth, figs[k].random);
    return test_result();
}

/* "64M", "4k", "512": bytes; 0 for a bad number. */
static uint64_t parse_size(const char *s)
{
    char *end;
    uint64_t v = strtoull(s, &end, 0);

    switch (*end) {
    case 'k':
    case 'K':
        v <<= 10;
        end++;
        break;
    case 'm':
    case 'M':
        v <<= 20;
        end++;
        break;
    case 'g':
    case 'G':
        v <<= 30;
        end++;
        break;
    }
    return *end ? 0 : v;
}

static bool parse_opts(int argc, char **argv, struct opts *o)
{
    bool seeded = false;

    *o = (struct opts){.disk = "xvda",
                       .disk2 = "xvdb",
                       .bytes = 64 << 20,
                       .depth = 8,
                       .maxreq = 256 << 10,
                       .seconds = 2};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];

        if (!strncmp(a, "disk=", 5)) {
            o->disk = a + 5;
        } else if (!strncmp(a, "disk2=", 6)) {
            o->disk2 = a + 6;
        } else if (!strncmp(a, "bytes=", 6)) {
            o->bytes = parse_size(a + 6);
        } else if (!strncmp(a, "seed=", 5)) {
            o->seed = strtoull(a + 5, NULL, 0);
            seeded = true;
        } else if (!strncmp(a, "depth=", 6)) {
            o->depth = (unsigned int)strtoul(a + 6, NULL, 0);
        } else if (!strncmp(a, "maxreq=", 7)) {
            o->maxreq = (size_t)parse_size(a + 7);
        } else if (!strncmp(a, "seconds=", 8)) {
            o->seconds = (unsigned int)strtoul(a + 8, NULL, 0);
        } else if (strncmp(a, "blk_", 4) != 0) {
            printf("blktest: unknown argument '%s'\n", a);
            return false;
        }
    }
    if (!seeded)
        o->seed = (uk_realtime_ns() ^ uk_monotonic_ns()) & 0xffffffffffffull;
    if (!o->bytes || o->bytes % 4096 || !o->maxreq || o->maxreq % 4096 || o->maxreq > (16u << 20) ||
        o->depth < 1 || o->depth > MAX_DEPTH || !o->seconds) {
        printf("blktest: bad bytes, maxreq (multiples of 4096), depth (1-%d) or seconds\n",
               MAX_DEPTH);
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    struct opts o;

    if (!parse_opts(argc, argv, &o)) {
        test_error("usage: blktest pattern|verify|flush|two|detach|bench [key=value...]");
        return test_result();
    }
    printf("blktest: %s seed %llu bytes %llu depth %u\n", mode, (ull)o.seed, (ull)o.bytes, o.depth);
    fflush(stdout);
    if (!strcmp(mode, "pattern"))
        return mode_pattern(&o, true);
    if (!strcmp(mode, "verify"))
        return mode_pattern(&o, false);
    if (!strcmp(mode, "flush"))
        return mode_flush(&o);
    if (!strcmp(mode, "two"))
        return mode_two(&o);
    if (!strcmp(mode, "detach"))
        return mode_detach(&o);
    if (!strcmp(mode, "bench"))
        return mode_bench(&o);
    test_error("unknown mode '%s'", mode);
    return test_result();
}
