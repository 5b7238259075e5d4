/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A hostile blkback, for tests/cases/blk-hostile.test: dom0 plays the
 * backend of disk NAME (xvdb, xvdc, ...) of domain D, beside the guest's
 * real xvda that Linux's blkback serves, maps the guest's ring and answers
 * its requests with every kind of bad response, one phase after another,
 * with good responses in between (real data, kept here, so that the guest
 * checks every read) to show that the disk still works where it can.
 *
 *   blkback_evil DOMID NAME [order=N] PHASE...   ("all": every phase below)
 *   blkback_evil DOMID NAME refuse|bad-geometry
 *
 * It writes a backend directory /local/domain/0/blkback-evil/vbd/D/VDEV
 * and the frontend directory /local/domain/D/device/vbd/VDEV with the
 * nodes and permissions xl gives them, in one transaction; offers no
 * feature (with order=N, max-ring-page-order N: a multi-page ring), waits
 * for the frontend's Initialised, maps its ring, binds its channel, writes
 * sectors, sector-size and info and goes Connected, as Linux's blkback
 * does. Not under backend/vbd, where dom0's kernel blkback would race this
 * peer for the ring (as netback did for netback_evil).
 *
 * The guest is tests/apps/blk-hostile. This peer makes it issue requests
 * through XenStore: it writes "SEQ read|write NAME TAG SECTOR NSECT" or
 * "SEQ stats NAME" to data/blk-hostile/ask; the guest submits the request
 * (or writes NAME's struct uk_blk_info as data/blk-hostile/stats-NAME) and
 * answers "SEQ RC" in .../answer; each request's outcome later in
 * .../res/NAME/TAG: "0 ok" (a read whose data the guest checked against
 * pattern.h), "0 mismatch", "0 written" or "ERRNO failed". A request is
 * found on the ring by its sectors (each in flight has its own).
 *
 * Every response takes the place of a request (they share the slots): a
 * bad response without a valid id uses the slot of a request it does not
 * answer, and that request stays outstanding ("stuck") until the disk
 * breaks, as a backend that lost it. So this peer never gives the guest
 * more responses than it made requests; a driver may check that too.
 *
 * Phases (each bad kind sent twice, each alone: counted twice, logged once):
 *   good          a read (data checked by the guest), a write, the write read back
 *   good-multi    8 reads and a 64 KiB read (more segments than one request
 *                 holds: split by the guest) in flight at once, answered in
 *                 reverse order in one batch
 *   bad-id        ids 2^32 + 5 and 2^64 - 1                    -> bad_id, stuck
 *   dup-id        a request answered, then its id again          -> dup_id, stuck
 *   unknown-id    an id in range that is not outstanding         -> dup_id, stuck
 *   bad-op        a read answered as a write, a write as a read  -> bad_op, -EIO
 *   bad-status    status 7, status -1000                         -> bad_status, -EIO
 *   rsp-error     BLKIF_RSP_ERROR on a read, on a write (legal)  -> -EIO only
 *   notify-flood  20,000 events (at most 3 s) with nothing on the ring, then good
 *   prod-jump     rsp_prod more than a ring ahead: bad_prod, the disk broken,
 *                 every stuck request -EIO, a new one -EIO at once (never
 *                 reaching the ring)
 *   keep-mapped   two reads left unanswered, then at the end Closed with the
 *                 ring and one of their pages still mapped (this peer writes
 *                 into that page all along) until dom0 writes BACKEND/release:
 *                 the guest must fail both with -EIO and give up on those
 *                 grants without reusing the pages
 *   refuse        (alone) Closing instead of Connected: the disk never
 *                 connects, a request to it fails at once, grants ended
 *   bad-geometry  (alone) Connected with sector-size 513: the guest must
 *                 refuse the disk and close, a request fails at once
 *
 * Every request of the guest is checked on the way: a known operation
 * (nothing else was offered), 1 to 11 segments, sectors inside their page
 * and inside the disk, and a write's pages granted read-only.
 *
 * After each phase it asks the guest for the disk's counters and wants them
 * exactly as the phase leaves them, and every request's outcome as this
 * peer decided it. Then Closing, the frontend's Closing/Closed awaited, the
 * ring unmapped, Closed, the guest's ring grants and those of requests it
 * never had answered found ended, both directories removed. Every wait is
 * bounded. Exit status 0 when every phase found the guest as expected.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>
#include <xen/io/blkif.h>
#include <xen/io/protocols.h>
#include <xen/io/xenbus.h>

#include "../apps/blk-hostile/pattern.h"
#include "backend_peer.h"

#define PAGE           4096
#define SECTORS_PAGE   (PAGE / BLKH_SECTOR)
#define MAX_ORDER      2
#define MAX_RING_PAGES (1u << MAX_ORDER)
#define MAX_RING       __CONST_RING_SIZE(blkif, PAGE *MAX_RING_PAGES)
#define MAX_JOBS       512

static unsigned int vdev, offer_order;
static char name[16], ctl[128];

static blkif_sring_t *sring;
static unsigned int ring_pages, ring_size;
static uint32_t ring_refs[MAX_RING_PAGES];
static RING_IDX req_cons, rsp_prod;
static bool keep_mapped;
static bool bad_geometry; /* bad-geometry: sector-size 513 */
static void *held_page;   /* keep-mapped: a data page of an unanswered read */
static uint32_t held_gref;

/* The disk this peer serves: its bytes as the guest wrote them. */
static uint8_t disk[BLKH_SECTORS * BLKH_SECTOR];

/* What the phases decided a request's outcome must be. */
enum outcome { OUT_OPEN, OUT_STUCK, OUT_OK, OUT_EIO };

/* A request the guest was asked to make (its TAG is its index + 1). */
struct job {
    bool write;
    uint32_t sector, nsect, covered;
    enum outcome out;
    bool checked;
};
static struct job jobs[MAX_JOBS];
static unsigned int njobs;

/* Ring requests taken and not answered, oldest first, with their job. */
struct pend {
    blkif_request_t rq;
    unsigned int job;
};
static struct pend pend[MAX_JOBS];
static unsigned int npend;
static bool id_seen[MAX_RING];

/* What the guest's counters must be now. */
struct counters {
    uint64_t reads, writes, errors, bad_id, dup_id, bad_op, bad_status, bad_prod, connected;
};
static struct counters want;

/* The disk's own nodes, in create_nodes' transaction. */
static bool vbd_nodes(xs_transaction_t t)
{
    char vd[16];
    bool ok;

    snprintf(vd, sizeof(vd), "%u", vdev);
    ok = xwrite(t, be, "removable", "0");
    ok = ok && xwrite(t, be, "bootable", "1");
    ok = ok && xwrite(t, be, "dev", name);
    ok = ok && xwrite(t, be, "type", "phy");
    ok = ok && xwrite(t, be, "mode", "w");
    ok = ok && xwrite(t, be, "device-type", "disk");
    ok = ok && xwrite(t, be, "params", "blkback_evil");
    ok = ok && xwrite(t, fe, "virtual-device", vd);
    ok = ok && xwrite(t, fe, "device-type", "disk");
    return ok;
}

static int create_nodes(void)
{
    char num[16];

    if (bp_create_nodes(vbd_nodes))
        return -1;
    /* What this backend offers, before InitWait as blkback's probe does. */
    if (offer_order) {
        snprintf(num, sizeof(num), "%u", offer_order);
        xwrite(XBT_NULL, be, "max-ring-page-order", num);
    }
    set_state(XenbusStateInitWait);
    say("domain %d vdev %u: backend %s in InitWait%s", domid, vdev, be,
        offer_order ? ", max-ring-page-order offered" : "");
    return 0;
}

static long port = -1;

/* The frontend published its ring and said Initialised or Connected (20 s): 0, or -1. */
static int published(void)
{
    long state = 0, order = -1;
    uint64_t t0 = now_ms();
    char key[32], *proto;

    while (now_ms() - t0 < 20000) {
        state = xread_long(fe, "state", 0);
        if (state == XenbusStateInitialised || state == XenbusStateConnected)
            break;
        usleep(50 * 1000);
    }
    if (state != XenbusStateInitialised && state != XenbusStateConnected) {
        fail("the frontend did not say Initialised in 20 s: state %ld", state);
        return -1;
    }
    order = xread_long(fe, "ring-page-order", 0);
    if (order < 0 || (unsigned long)order > offer_order) {
        fail("the frontend chose ring-page-order %ld, offered %u", order, offer_order);
        return -1;
    }
    ring_pages = 1u << order;
    for (unsigned int i = 0; i < ring_pages; i++) {
        long r;

        if (order == 0)
            snprintf(key, sizeof(key), "ring-ref");
        else
            snprintf(key, sizeof(key), "ring-ref%u", i);
        r = xread_long(fe, key, -1);
        if (r < 0) {
            fail("the frontend wrote no %s (ring-page-order %ld)", key, order);
            return -1;
        }
        ring_refs[i] = (uint32_t)r;
    }
    port = xread_long(fe, "event-channel", -1);
    if (port < 0) {
        fail("the frontend wrote no event-channel");
        return -1;
    }
    proto = xread(fe, "protocol");
    if (proto && strcmp(proto, XEN_IO_PROTO_ABI_X86_64) != 0)
        fail("the frontend's protocol is %s", proto);
    say("frontend state %ld: ring-page-order %ld, ring-ref %u, event-channel %ld, protocol %s",
        state, order, ring_refs[0], port, proto ? proto : "(none)");
    free(proto);
    return 0;
}

/* Map the ring the frontend published, bind its channel, describe the disk, go Connected. */
static int connect_ring(void)
{
    char num[32];

    if (published())
        return -1;
    sring = bp_map(ring_pages, ring_refs);
    if (!sring) {
        fail("cannot map the ring: %s", strerror(errno));
        return -1;
    }
    ring_size = __RING_SIZE(sring, PAGE * ring_pages);
    if (bp_bind(port))
        return -1;
    /* The backend's private indices start where the shared ones are. */
    req_cons = rsp_prod = sring->rsp_prod;
    snprintf(num, sizeof(num), "%u", BLKH_SECTORS);
    xwrite(XBT_NULL, be, "sectors", num);
    snprintf(num, sizeof(num), "%u", bad_geometry ? BLKH_SECTOR + 1 : BLKH_SECTOR);
    xwrite(XBT_NULL, be, "sector-size", num);
    xwrite(XBT_NULL, be, "info", "0");
    set_state(XenbusStateConnected);
    say("connected: %u ring pages, %u slots, %u sectors of %u bytes", ring_pages, ring_size,
        BLKH_SECTORS, bad_geometry ? BLKH_SECTOR + 1 : BLKH_SECTOR);
    return 0;
}

/* ---- the guest, through XenStore ---- */

static int ask_seq;

/* "SEQ what": the guest's answer RC, or -1000 when it did not answer in 5 s. */
static int guest_ask(const char *fmt, ...)
{
    char q[200], seq[16], *v;
    va_list ap;
    uint64_t t0 = now_ms();
    int rc = -1000;
    size_t n;

    n = (size_t)snprintf(q, sizeof(q), "%d ", ++ask_seq);
    va_start(ap, fmt);
    vsnprintf(q + n, sizeof(q) - n, fmt, ap);
    va_end(ap);
    snprintf(seq, sizeof(seq), "%d ", ask_seq);
    if (!xwrite(XBT_NULL, ctl, "ask", q)) {
        fail("cannot write %s/ask", ctl);
        return rc;
    }
    for (;;) {
        v = xread(ctl, "answer");
        if (v && strncmp(v, seq, strlen(seq)) == 0) {
            rc = atoi(v + strlen(seq));
            free(v);
            return rc;
        }
        free(v);
        if (now_ms() - t0 > 5000) {
            fail("the guest did not answer \"%s\" in 5 s", q);
            return rc;
        }
        usleep(10 * 1000);
    }
}

static uint64_t field(const char *s, const char *key)
{
    char k[40];
    const char *p;

    snprintf(k, sizeof(k), " %s=", key);
    p = strstr(s, k);
    return p ? strtoull(p + strlen(k), NULL, 10) : ~0ull;
}

/* The disk's uk_blk_info as the guest wrote it ("present=... name=value ..."), or NULL. */
static char *guest_stats(const char *disk)
{
    char key[32], *v, *s;

    if (guest_ask("stats %s", disk) != 0)
        return NULL;
    snprintf(key, sizeof(key), "stats-%s", disk);
    v = xread(ctl, key);
    if (!v)
        return NULL;
    /* A leading blank, so that every key is found as " key=". */
    s = malloc(strlen(v) + 2);
    if (s)
        sprintf(s, " %s", v);
    free(v);
    return s;
}

static int guest_counters(struct counters *c)
{
    char *s = guest_stats(name);

    if (!s)
        return -1;
#define FIELD(f) c->f = field(s, #f);
    FIELD(reads)
    FIELD(writes)
    FIELD(errors)
    FIELD(bad_id)
    FIELD(dup_id)
    FIELD(bad_op)
    FIELD(bad_status)
    FIELD(bad_prod)
    FIELD(connected)
#undef FIELD
    free(s);
    return 0;
}

static void print_counters(const char *what, const struct counters *c)
{
    say("  %s: reads=%llu writes=%llu errors=%llu bad_id=%llu dup_id=%llu bad_op=%llu "
        "bad_status=%llu bad_prod=%llu connected=%llu",
        what, (unsigned long long)c->reads, (unsigned long long)c->writes,
        (unsigned long long)c->errors, (unsigned long long)c->bad_id, (unsigned long long)c->dup_id,
        (unsigned long long)c->bad_op, (unsigned long long)c->bad_status,
        (unsigned long long)c->bad_prod, (unsigned long long)c->connected);
}

/* The guest's counters must become `want` (within 5 s). */
static void check_counters(const char *phase)
{
    struct counters got = {0};
    uint64_t t0 = now_ms();

    for (;;) {
        if (guest_counters(&got) == 0 && memcmp(&got, &want, sizeof(got)) == 0)
            return;
        if (now_ms() - t0 > 5000)
            break;
        usleep(50 * 1000);
    }
    fail("phase %s: the guest's counters are not as expected", phase);
    print_counters("guest", &got);
    print_counters("expected", &want);
    /* Carry on from what the guest says, to judge the next phases alone. */
    want = got;
}

/* Job `j`'s outcome is `out` from now: what the guest must count and report. */
static void decide(unsigned int j, enum outcome out)
{
    jobs[j].out = out;
    if (out == OUT_OK || out == OUT_EIO) {
        if (jobs[j].write)
            want.writes++;
        else
            want.reads++;
        if (out == OUT_EIO)
            want.errors++;
    }
}

/* Every decided job's outcome as the guest reports it (5 s each); the stuck ones not yet. */
static void check_jobs(const char *phase)
{
    for (unsigned int j = 0; j < njobs; j++) {
        struct job *jb = &jobs[j];
        const char *w = jb->out == OUT_EIO ? "-5 failed" : jb->write ? "0 written" : "0 ok";
        char key[32], *v = NULL;
        uint64_t t0 = now_ms();

        if (jb->checked || jb->out == OUT_OPEN)
            continue;
        snprintf(key, sizeof(key), "res/%s/%u", name, j + 1);
        if (jb->out == OUT_STUCK) {
            v = xread(ctl, key);
            if (v)
                fail("phase %s: request %u (%s of %u at %u) ended \"%s\", it has no answer", phase,
                     j + 1, jb->write ? "write" : "read", jb->nsect, jb->sector, v);
            free(v);
            continue;
        }
        while (!(v = xread(ctl, key)) && now_ms() - t0 < 5000)
            usleep(10 * 1000);
        if (!v || strcmp(v, w) != 0)
            fail("phase %s: request %u (%s of %u at %u) ended \"%s\", not \"%s\"", phase, j + 1,
                 jb->write ? "write" : "read", jb->nsect, jb->sector, v ? v : "(not yet)", w);
        jb->checked = true;
        free(v);
    }
}

static void check_phase(const char *phase)
{
    int before = failures;

    check_counters(phase);
    check_jobs(phase);
    if (failures == before)
        say("phase %s: ok", phase);
}

/* ---- the ring ---- */

static bool overlaps(uint32_t s, uint32_t n, const struct job *jb)
{
    return s < jb->sector + jb->nsect && jb->sector < s + n;
}

/*
 * What a backend may expect of a request: a known operation (only read
 * and write: nothing else was offered), 1 to 11 segments, each inside its
 * page, the sectors inside the disk, and for a write, pages the guest
 * granted read-only (its data is not ours to change). Then its job, by
 * its sectors: -1 when it is none of them.
 */
static int check_request(const blkif_request_t *rq)
{
    uint32_t n = 0;

    if (rq->operation != BLKIF_OP_READ && rq->operation != BLKIF_OP_WRITE) {
        fail("the guest's request id %llu has operation %u, never offered",
             (unsigned long long)rq->id, rq->operation);
        return -1;
    }
    if (rq->nr_segments == 0 || rq->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST) {
        fail("the guest's request id %llu has %u segments", (unsigned long long)rq->id,
             rq->nr_segments);
        return -1;
    }
    for (unsigned int i = 0; i < rq->nr_segments; i++) {
        if (rq->seg[i].first_sect > rq->seg[i].last_sect || rq->seg[i].last_sect >= SECTORS_PAGE) {
            fail("the guest's request id %llu: segment %u has sectors %u to %u",
                 (unsigned long long)rq->id, i, rq->seg[i].first_sect, rq->seg[i].last_sect);
            return -1;
        }
        n += rq->seg[i].last_sect - rq->seg[i].first_sect + 1u;
    }
    if (rq->sector_number >= BLKH_SECTORS || n > BLKH_SECTORS - rq->sector_number) {
        fail("the guest's request id %llu: %u sectors at %llu, past the disk's end",
             (unsigned long long)rq->id, n, (unsigned long long)rq->sector_number);
        return -1;
    }
    if (rq->operation == BLKIF_OP_WRITE) {
        void *w =
            xengnttab_map_grant_ref(gt, (uint32_t)domid, rq->seg[0].gref, PROT_READ | PROT_WRITE);

        if (w) {
            xengnttab_unmap(gt, w, 1);
            fail("the guest's write id %llu: its page (gref %u) can be mapped writable",
                 (unsigned long long)rq->id, rq->seg[0].gref);
        }
    }
    for (unsigned int j = 0; j < njobs; j++) {
        struct job *jb = &jobs[j];

        if (jb->out == OUT_OPEN && jb->write == (rq->operation == BLKIF_OP_WRITE) &&
            rq->sector_number >= jb->sector && rq->sector_number + n <= jb->sector + jb->nsect) {
            jb->covered += n;
            return (int)j;
        }
    }
    fail("the guest's request id %llu (%s of %u sectors at %llu) is none the peer asked for",
         (unsigned long long)rq->id, rq->operation ? "write" : "read", n,
         (unsigned long long)rq->sector_number);
    return -1;
}

/* Take the guest's new requests, each copied once out of the ring. */
static void pull(void)
{
    RING_IDX prod = sring->req_prod;

    __sync_synchronize(); /* the requests after the index that published them */
    if (prod - rsp_prod > ring_size) {
        fail("the guest's req_prod %u is more than a ring past our responses %u", prod, rsp_prod);
        return;
    }
    for (; req_cons != prod; req_cons++) {
        blkif_request_t rq;
        int j;

        memcpy(&rq, &sring->ring[req_cons & (ring_size - 1)].req, sizeof(rq));
        j = check_request(&rq);
        if (j < 0 || npend == MAX_JOBS)
            continue;
        if (rq.id < MAX_RING)
            id_seen[rq.id] = true;
        pend[npend].rq = rq;
        pend[npend].job = (unsigned int)j;
        npend++;
    }
    sring->req_event = req_cons + 1;
    __sync_synchronize();
}

/* Every ring request of job `j` taken (5 s): 0, or -1. */
static int wait_pulled(unsigned int j)
{
    uint64_t t0 = now_ms();

    for (;;) {
        pull();
        if (jobs[j].covered == jobs[j].nsect)
            return 0;
        if (now_ms() - t0 > 5000) {
            fail("request %u (%s of %u at %u) did not reach the ring in 5 s (%u sectors did)",
                 j + 1, jobs[j].write ? "write" : "read", jobs[j].nsect, jobs[j].sector,
                 jobs[j].covered);
            return -1;
        }
        nap(10);
    }
}

static uint32_t next_sector;

/*
 * The guest asked to make a request of `nsect` sectors (at `sector`, or
 * anywhere no request in flight touches when it is ~0u): the job's index,
 * or -1. The guest's answer RC goes to *rc when asked for; else it must be
 * 0 and the request must reach the ring.
 */
static int submit_at(bool write, uint32_t sector, uint32_t nsect, int *rc)
{
    unsigned int j = njobs;
    int r;

    if (njobs == MAX_JOBS) {
        fail("too many requests");
        return -1;
    }
    for (unsigned int tries = 0; sector == ~0u && tries < BLKH_SECTORS / 8; tries++) {
        uint32_t s = next_sector;
        bool busy = false;

        next_sector = (next_sector + 8) % BLKH_SECTORS;
        if (s + nsect > BLKH_SECTORS)
            continue;
        for (unsigned int k = 0; k < njobs && !busy; k++)
            busy = (jobs[k].out == OUT_OPEN || jobs[k].out == OUT_STUCK) &&
                   overlaps(s, nsect, &jobs[k]);
        if (!busy)
            sector = s;
    }
    if (sector == ~0u) {
        fail("no free sectors for a request");
        return -1;
    }
    jobs[j] = (struct job){.write = write, .sector = sector, .nsect = nsect};
    njobs++;
    r = guest_ask("%s %s %u %u %u", write ? "write" : "read", name, j + 1, sector, nsect);
    if (rc) {
        *rc = r;
        return (int)j;
    }
    if (r != 0) {
        fail("the guest could not submit request %u: %d", j + 1, r);
        return -1;
    }
    return wait_pulled(j) ? -1 : (int)j;
}

static int submit(bool write, uint32_t nsect)
{
    return submit_at(write, ~0u, nsect, NULL);
}

/* One response in the next free slot (there must be one: see the top). */
static int respond(uint64_t id, uint8_t op, int16_t status)
{
    blkif_response_t *r;

    if (req_cons == rsp_prod) {
        fail("no slot left for a response");
        return -1;
    }
    r = &sring->ring[rsp_prod & (ring_size - 1)].rsp;
    r->id = id;
    r->operation = op;
    r->status = status;
    rsp_prod++;
    return 0;
}

static void push(void)
{
    __sync_synchronize(); /* the responses before the index that publishes them */
    sring->rsp_prod = rsp_prod;
    __sync_synchronize();
    notify();
}

/* Read or write the sectors of ring request `rq` between its pages and `disk`. */
static int transfer(const blkif_request_t *rq)
{
    uint64_t at = rq->sector_number * BLKH_SECTOR;
    bool write = rq->operation == BLKIF_OP_WRITE;

    for (unsigned int i = 0; i < rq->nr_segments; i++) {
        const struct blkif_request_segment *s = &rq->seg[i];
        size_t off = s->first_sect * BLKH_SECTOR;
        size_t len = (s->last_sect - s->first_sect + 1u) * BLKH_SECTOR;
        uint8_t *page = xengnttab_map_grant_ref(gt, (uint32_t)domid, s->gref,
                                                write ? PROT_READ : PROT_READ | PROT_WRITE);

        if (!page) {
            fail("cannot map gref %u of request id %llu: %s", s->gref, (unsigned long long)rq->id,
                 strerror(errno));
            return -1;
        }
        if (write)
            memcpy(disk + at, page + off, len);
        else
            memcpy(page + off, disk + at, len);
        xengnttab_unmap(gt, page, 1);
        at += len;
    }
    return 0;
}

static void pend_remove(unsigned int i)
{
    memmove(&pend[i], &pend[i + 1], (npend - i - 1) * sizeof(pend[0]));
    npend--;
}

/* Answer taken request pend[i] (the data moved first when OKAY) and forget it. */
static int answer(unsigned int i, int16_t status)
{
    if (status == BLKIF_RSP_OKAY && transfer(&pend[i].rq))
        return -1;
    if (respond(pend[i].rq.id, pend[i].rq.operation, status))
        return -1;
    pend_remove(i);
    return 0;
}

/* The index in pend of the (first) ring request of job `j`, or -1. */
static int pend_of(unsigned int j)
{
    for (unsigned int i = 0; i < npend; i++)
        if (pend[i].job == j)
            return (int)i;
    return -1;
}

/* Answer every ring request of job `j` with `status`. */
static int answer_job(unsigned int j, int16_t status)
{
    int i;

    while ((i = pend_of(j)) >= 0)
        if (answer((unsigned int)i, status))
            return -1;
    return 0;
}

/* Job `j` is stuck: its requests stay taken and unanswered (their slots went to bad responses). */
static void stick(unsigned int j)
{
    decide(j, OUT_STUCK);
}

/* ---- the phases ---- */

/* A read, checked by the guest; a write; the write read back. */
static int phase_good(void)
{
    int r, w;

    if ((r = submit(false, SECTORS_PAGE)) < 0 || answer_job((unsigned int)r, BLKIF_RSP_OKAY))
        return -1;
    push();
    decide((unsigned int)r, OUT_OK);
    if ((w = submit(true, SECTORS_PAGE)) < 0 || answer_job((unsigned int)w, BLKIF_RSP_OKAY))
        return -1;
    push();
    decide((unsigned int)w, OUT_OK);
    /* The guest counts the write's new generation once it succeeded. */
    check_jobs("good");
    r = submit_at(false, jobs[w].sector, jobs[w].nsect, NULL);
    if (r < 0 || answer_job((unsigned int)r, BLKIF_RSP_OKAY))
        return -1;
    push();
    decide((unsigned int)r, OUT_OK);
    return 0;
}

/* Nine requests in flight (one split by the guest), answered last first in one batch. */
static int phase_good_multi(void)
{
    unsigned int first = njobs;

    for (int k = 0; k < 8; k++)
        if (submit(false, SECTORS_PAGE) < 0)
            return -1;
    /* 64 KiB: 16 pages, more than the 11 segments a request holds. */
    if (submit(false, 128) < 0)
        return -1;
    while (npend) {
        unsigned int i = npend - 1;

        while (jobs[pend[i].job].out == OUT_STUCK && i > 0)
            i--;
        if (jobs[pend[i].job].out == OUT_STUCK)
            break;
        if (answer(i, BLKIF_RSP_OKAY))
            return -1;
    }
    push();
    for (unsigned int k = first; k < njobs; k++)
        decide(k, OUT_OK);
    return 0;
}

/* An id in the guest's range (below the ring's size) that is not outstanding, unused if any. */
static uint64_t unknown_id(void)
{
    uint64_t best = ~0ull;

    for (uint64_t id = 0; id < ring_size; id++) {
        bool out = false;

        for (unsigned int i = 0; i < npend && !out; i++)
            out = pend[i].rq.id == id;
        if (out)
            continue;
        if (!id_seen[id])
            return id;
        if (best == ~0ull)
            best = id;
    }
    return best;
}

static int phase_bad(const char *phase)
{
    for (int round = 0; round < 2; round++) {
        bool write = round == 1;
        int a, b;
        int i;

        if ((a = submit(write, SECTORS_PAGE)) < 0)
            return -1;
        i = pend_of((unsigned int)a);
        if (strcmp(phase, "bad-id") == 0) {
            if (respond(round ? ~0ull : (1ull << 32) + 5, pend[i].rq.operation, BLKIF_RSP_OKAY))
                return -1;
            want.bad_id++;
            stick((unsigned int)a);
        } else if (strcmp(phase, "dup-id") == 0) {
            /* The first answered, then its id again in the second's slot, one batch. */
            uint64_t id = pend[i].rq.id;
            uint8_t op = pend[i].rq.operation;

            if ((b = submit(false, SECTORS_PAGE)) < 0 || answer((unsigned int)i, BLKIF_RSP_OKAY) ||
                respond(id, op, BLKIF_RSP_OKAY))
                return -1;
            want.dup_id++;
            decide((unsigned int)a, OUT_OK);
            stick((unsigned int)b);
        } else if (strcmp(phase, "unknown-id") == 0) {
            uint64_t id = unknown_id();

            say("phase unknown-id: id %llu", (unsigned long long)id);
            if (respond(id, BLKIF_OP_READ, BLKIF_RSP_OKAY))
                return -1;
            want.dup_id++;
            stick((unsigned int)a);
        } else if (strcmp(phase, "bad-op") == 0) {
            /* Its own id, another operation: nothing moved (a write is not stored). */
            if (respond(pend[i].rq.id, write ? BLKIF_OP_READ : BLKIF_OP_WRITE, BLKIF_RSP_OKAY))
                return -1;
            pend_remove((unsigned int)i);
            want.bad_op++;
            decide((unsigned int)a, OUT_EIO);
        } else if (strcmp(phase, "bad-status") == 0) {
            if (answer((unsigned int)i, round ? -1000 : 7))
                return -1;
            want.bad_status++;
            decide((unsigned int)a, OUT_EIO);
        } else if (strcmp(phase, "rsp-error") == 0) {
            /* The backend's own failure: legal, -EIO for that request only. */
            if (answer((unsigned int)i, BLKIF_RSP_ERROR))
                return -1;
            decide((unsigned int)a, OUT_EIO);
        } else {
            return 1;
        }
        push();
        /* Each alone: the guest has dealt with the first before the second comes. */
        check_phase(phase);
    }
    return 0;
}

static int phase_flood(void)
{
    bp_notify_flood();
    return phase_good();
}

/*
 * rsp_prod more than a ring ahead: the disk is broken. Every request still
 * outstanding fails with -EIO, and a new one at once, without reaching the
 * ring.
 */
static int phase_jump(void)
{
    RING_IDX before;
    int rc, j;

    for (unsigned int j2 = 0; j2 < njobs; j2++)
        if (jobs[j2].out == OUT_STUCK || jobs[j2].out == OUT_OPEN)
            decide(j2, OUT_EIO);
    __sync_synchronize();
    sring->rsp_prod = rsp_prod + ring_size + 1;
    __sync_synchronize();
    notify();
    want.bad_prod++;
    want.connected = 0;
    check_phase("prod-jump");
    before = sring->req_prod;
    j = submit_at(false, 0, SECTORS_PAGE, &rc);
    if (j < 0)
        return -1;
    if (rc == 0) {
        /* Accepted: it must end with -EIO at once (check_jobs waits up to 5 s). */
        decide((unsigned int)j, OUT_EIO);
        check_phase("prod-jump, a request after");
    } else {
        say("phase prod-jump: a request after refused at once: %d", rc);
        jobs[j].out = OUT_EIO;
        jobs[j].checked = true;
        if (rc != -EIO)
            fail("phase prod-jump: a request after refused with %d, not -EIO", rc);
    }
    usleep(200 * 1000);
    if (sring->req_prod != before)
        fail("phase prod-jump: the broken disk still made requests (req_prod %u, was %u)",
             sring->req_prod, before);
    return 0;
}

/* keep-mapped: two reads left unanswered, one of their pages mapped to the end. */
static int phase_keep_mapped(void)
{
    int a, b, i;

    if ((a = submit(false, SECTORS_PAGE)) < 0 || (b = submit(false, SECTORS_PAGE)) < 0)
        return -1;
    i = pend_of((unsigned int)a);
    held_gref = pend[i].rq.seg[0].gref;
    held_page = xengnttab_map_grant_ref(gt, (uint32_t)domid, held_gref, PROT_READ | PROT_WRITE);
    if (!held_page) {
        fail("cannot map gref %u of a read: %s", held_gref, strerror(errno));
        return -1;
    }
    keep_mapped = true;
    say("phase keep-mapped: requests %d and %d unanswered, gref %u mapped", a + 1, b + 1,
        held_gref);
    return 0;
}

static int run_phase(const char *phase)
{
    int rc;

    say("phase %s", phase);
    if (strcmp(phase, "good") == 0)
        rc = phase_good();
    else if (strcmp(phase, "good-multi") == 0)
        rc = phase_good_multi();
    else if (strcmp(phase, "notify-flood") == 0)
        rc = phase_flood();
    else if (strcmp(phase, "prod-jump") == 0)
        return phase_jump();
    else if (strcmp(phase, "keep-mapped") == 0)
        return phase_keep_mapped();
    else {
        rc = phase_bad(phase);
        if (rc > 0)
            fail("unknown phase %s", phase);
        else if (rc < 0)
            fail("phase %s could not run", phase);
        return rc;
    }
    if (rc == 0)
        check_phase(phase);
    else
        fail("phase %s could not run", phase);
    return rc;
}

/*
 * keep-mapped: Closed while the ring and a data page are still mapped, as
 * a backend that never lets go, writing into that page all along (if the
 * guest reused it, whatever it put there is overwritten: its own checks
 * fail). Until dom0 writes BACKEND/release (the case does once the guest
 * said it keeps the pages), at most 60 s.
 */
static unsigned long hold_writes;

static void hold_write(void)
{
    memset(held_page, 0xa5 ^ (int)(hold_writes & 0xff), PAGE);
    hold_writes++;
}

static void hold(void)
{
    uint64_t t0 = now_ms();
    long ms;

    if (wait_frontend(1u << XenbusStateClosed) < 0)
        return;
    set_state(XenbusStateClosed);
    say("Closed with the ring and gref %u still mapped", held_gref);
    ms = bp_wait_release(t0, hold_write, 10);
    if (ms >= 0)
        say("released the ring after %llu ms, %lu writes into gref %u", (unsigned long long)ms,
            hold_writes, held_gref);
}

/*
 * A grant whose end is checked. The guest recycles grant references at
 * once (its xvda's requests take them all along, granted to dom0 as
 * well), so that a reference that can still be mapped may be a new grant
 * of another page: the page is recognised by its contents, copied here
 * while the grant was surely still the one we knew, after a stamp where
 * this peer may write (ring pages, reads' pages). The first run mistook
 * xvda's grant for a leak and, mapping it, made the guest keep that page.
 */
struct grant_mark {
    uint32_t ref;
    uint8_t page[PAGE];
};
static struct grant_mark *marks;
static unsigned int nmarks;

#define STAMP_AT 24 /* the ring's header has padding there; any place in a data page */

static void mark(uint32_t ref, uint8_t *mapped)
{
    struct grant_mark *m = realloc(marks, (nmarks + 1) * sizeof(*marks));
    uint8_t *p = mapped;
    bool stamp = true;

    if (!m) {
        fail("out of memory");
        return;
    }
    marks = m;
    m = &marks[nmarks];
    if (!p) {
        p = xengnttab_map_grant_ref(gt, (uint32_t)domid, ref, PROT_READ | PROT_WRITE);
        if (!p) {
            /* A write's page is granted read-only: its data tells it apart. */
            p = xengnttab_map_grant_ref(gt, (uint32_t)domid, ref, PROT_READ);
            stamp = false;
        }
        if (!p) {
            fail("cannot map gref %u to note it: %s", ref, strerror(errno));
            return;
        }
    }
    if (stamp)
        snprintf((char *)p + STAMP_AT, 32, "blkback_evil gref %u", ref);
    m->ref = ref;
    memcpy(m->page, p, PAGE);
    if (p != mapped)
        xengnttab_unmap(gt, p, 1);
    nmarks++;
}

/* The grant of `m` ended within 5 s: it cannot be mapped, or maps another page (reused). */
static bool grant_ended(const struct grant_mark *m, unsigned int *reused)
{
    uint64_t t0 = now_ms();

    while (now_ms() - t0 < 5000) {
        uint8_t *p = xengnttab_map_grant_ref(gt, (uint32_t)domid, m->ref, PROT_READ);
        bool same;

        if (!p)
            return true;
        same = memcmp(p, m->page, PAGE) == 0;
        xengnttab_unmap(gt, p, 1);
        if (!same) {
            (*reused)++;
            return true;
        }
        usleep(50 * 1000);
    }
    return false;
}

/* Note the pages of the requests never answered, while the guest cannot have ended them yet. */
static void mark_unanswered(void)
{
    for (unsigned int p = 0; p < npend; p++)
        for (unsigned int s = 0; s < pend[p].rq.nr_segments; s++)
            mark(pend[p].rq.seg[s].gref, NULL);
}

/*
 * Once the frontend has closed and this backend said Closed, the guest's
 * ring grants and those of the requests it never had answered must end.
 */
static void check_grants_ended(void)
{
    unsigned int reused = 0;

    /*
     * The xvda thread recycles references all along, granted to dom0 too:
     * mapping one of those for a look made the guest find it still mapped
     * when its blkback answered (it kept the page, rightly). Held meanwhile.
     */
    if (guest_ask("pause xvda 1") != 0)
        fail("the guest could not pause its xvda thread");
    for (unsigned int i = 0; i < nmarks; i++)
        if (!grant_ended(&marks[i], &reused))
            fail("the guest's gref %u (%s) still maps the same page 5 s after Closed", marks[i].ref,
                 i < ring_pages ? "ring" : "an unanswered request's");
    if (guest_ask("pause xvda 0") != 0)
        fail("the guest could not resume its xvda thread");
    say("the guest ended its %u ring grants and the %u of %u unanswered requests (%u references "
        "reused already)",
        ring_pages, nmarks - ring_pages, npend, reused);
}

/*
 * refuse: the frontend published its ring, the backend never connects and
 * goes Closing instead. The disk must never connect, a request to it must
 * fail at once, and the guest must close its side and end its grants
 * (this peer never mapped them).
 */
static void refuse(void)
{
    char *s;
    int rc, j;

    if (published())
        return;
    /* Noted, not kept: this peer never holds the ring. */
    for (unsigned int i = 0; i < ring_pages; i++)
        mark(ring_refs[i], NULL);
    if (bp_refuse())
        return;
    check_grants_ended();
    s = guest_stats(name);
    if (s && field(s, "present") == 1 && field(s, "connected") != 0)
        fail("the guest says %s is connected:%s", name, s);
    else
        say("the guest: %s", s ? s : "(no answer)");
    free(s);
    j = submit_at(false, 0, SECTORS_PAGE, &rc);
    if (j >= 0 && rc == 0) {
        decide((unsigned int)j, OUT_EIO);
        check_jobs("refuse");
    } else if (j >= 0) {
        say("a request to %s refused at once: %d", name, rc);
    }
}

/*
 * bad-geometry: Connected with sector-size 513, not a power of two. The
 * guest must refuse the disk: close its side, never count it connected,
 * refuse requests at once; then the usual teardown ends its grants.
 */
static void refuse_geometry(void)
{
    long state = wait_frontend(1u << XenbusStateClosing | 1u << XenbusStateClosed);

    /* The rest after the teardown: the guest waits only so long for ours. */
    if (state >= 0)
        say("the frontend went to state %ld: sector-size %u refused", state, BLKH_SECTOR + 1);
}

/* After bad-geometry's teardown: the disk never counted connected, a request refused. */
static void check_refused(void)
{
    char *s;
    int rc, j;

    s = guest_stats(name);
    if (!s || field(s, "present") != 1 || field(s, "connected") != 0 || field(s, "size") != 0)
        fail("the guest's view of %s:%s", name, s ? s : " (none)");
    free(s);
    j = submit_at(false, 0, SECTORS_PAGE, &rc);
    if (j >= 0 && rc != -EIO)
        fail("a request to %s: %d, not refused with -EIO", name, rc);
    else if (j >= 0)
        say("a request to %s refused at once: %d", name, rc);
}

static void teardown(void)
{
    if (sring) {
        bp_closing();
        if (keep_mapped) {
            /* Both reads end with -EIO: the disk went away. */
            for (unsigned int j = 0; j < njobs; j++)
                if (jobs[j].out == OUT_OPEN)
                    decide(j, OUT_EIO);
            want.connected = 0;
            check_phase("keep-mapped");
            hold();
        }
    }
    if (sring && !keep_mapped) {
        /* The guest no longer touches the ring: its pages as they are now, and the unanswered. */
        for (unsigned int i = 0; i < ring_pages; i++)
            mark(ring_refs[i], (uint8_t *)sring + (size_t)i * PAGE);
        mark_unanswered();
    }
    if (local_port != ~0u)
        xenevtchn_unbind(ev, local_port);
    if (sring)
        xengnttab_unmap(gt, sring, ring_pages);
    if (held_page)
        xengnttab_unmap(gt, held_page, 1);
    set_state(XenbusStateClosed);
    if (sring && !keep_mapped)
        check_grants_ended();
    if (bp_remove())
        say("removed");
}

/* The order of "all": good requests between the bad kinds, the phase that breaks the disk last. */
static const char *const all_phases[] = {
    "good",       "good-multi", "bad-id",     "good",         "dup-id",     "good",
    "unknown-id", "good",       "bad-op",     "good",         "bad-status", "good",
    "rsp-error",  "good",       "good-multi", "notify-flood", "prod-jump",
};

/* The guest's real xvda, served all along: rounds it verified, and failed, so far. */
static void xvda_rounds(uint64_t *ok, uint64_t *bad)
{
    char *s = guest_stats("xvda");

    *ok = s ? field(s, "xvda_rounds") : 0;
    *bad = s ? field(s, "xvda_bad") : ~0ull;
    free(s);
}

int main(int argc, char **argv)
{
    uint64_t ok0 = 0, bad0 = 0, ok1, bad1;
    int first = 3;

    if (argc < 4 || strncmp(argv[2], "xvd", 3) != 0 || argv[2][3] < 'b' || argv[2][3] > 'p' ||
        argv[2][4]) {
        fprintf(stderr,
                "usage: blkback_evil DOMID xvd[b-p] [order=N] PHASE...|all|refuse|bad-geometry\n");
        return 2;
    }
    domid = atoi(argv[1]);
    snprintf(name, sizeof(name), "%s", argv[2]);
    vdev = 202u << 8 | (unsigned int)(argv[2][3] - 'a') << 4;
    if (strncmp(argv[3], "order=", 6) == 0) {
        offer_order = (unsigned int)atoi(argv[3] + 6);
        first = 4;
        if (offer_order > MAX_ORDER) {
            fprintf(stderr, "blkback_evil: order at most %u\n", MAX_ORDER);
            return 2;
        }
    }
    snprintf(be, sizeof(be), "/local/domain/0/blkback-evil/vbd/%d/%u", domid, vdev);
    snprintf(fe, sizeof(fe), "/local/domain/%d/device/vbd/%u", domid, vdev);
    snprintf(ctl, sizeof(ctl), "/local/domain/%d/data/blk-hostile", domid);
    for (unsigned int s = 0; s < BLKH_SECTORS; s++)
        for (unsigned int b = 0; b < BLKH_SECTOR; b++)
            disk[s * BLKH_SECTOR + b] = blkh_byte(s, 0, b);
    snprintf(bp_prefix, sizeof(bp_prefix), "blkback_evil: %s: ", name);
    if (bp_open("blkback_evil"))
        return 1;
    want.connected = 1;
    if (first < argc && strcmp(argv[first], "refuse") == 0) {
        if (create_nodes() == 0)
            refuse();
        bp_remove();
        say("%s", failed ? "FAILED" : "every phase as expected");
        return failed;
    }
    xvda_rounds(&ok0, &bad0);
    if (first < argc && strcmp(argv[first], "bad-geometry") == 0) {
        bad_geometry = true;
        if (create_nodes() == 0 && connect_ring() == 0)
            refuse_geometry();
    } else if (create_nodes() == 0 && connect_ring() == 0) {
        char *s;

        /* A fresh disk: the guest's counters start at zero. */
        check_counters("connect");
        s = guest_stats(name);
        if (!s || field(s, "size") != (uint64_t)BLKH_SECTORS * BLKH_SECTOR ||
            field(s, "sector_size") != BLKH_SECTOR || field(s, "ring_pages") != ring_pages ||
            field(s, "read_only") != 0)
            fail("the guest's view of %s:%s", name, s ? s : " (none)");
        else
            say("the guest sees %s:%s", name, s);
        free(s);
        bp_run_phases(argv + first, argc - first, all_phases,
                      sizeof(all_phases) / sizeof(all_phases[0]), run_phase);
    }
    teardown();
    if (bad_geometry)
        check_refused();
    xvda_rounds(&ok1, &bad1);
    if (ok1 == ~0ull || ok1 <= ok0 || bad1 != 0)
        fail("xvda meanwhile: %llu rounds verified, %llu failed", (unsigned long long)(ok1 - ok0),
             (unsigned long long)bad1);
    else
        say("xvda meanwhile: %llu rounds verified, none failed", (unsigned long long)(ok1 - ok0));
    say("%s", failed ? "FAILED" : "every phase as expected");
    bp_close();
    return failed;
}
