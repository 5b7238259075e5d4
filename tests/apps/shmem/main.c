/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shmem: sharing memory between two unikernels, the example of
 * docs/gnttab.md. The producer grants a control page and a 64 KiB data
 * window to the consumer, allocates an event channel for it, and publishes
 * the grant references and the port in XenStore; the consumer maps them.
 * Each round the producer fills the window, records its checksum in the
 * control page and notifies; the consumer checks it and notifies back.
 * 64 MiB pass; then both detach cleanly (unmap, end access, close the
 * port, remove their XenStore nodes) and check that they leak nothing.
 * With `vanish`, the consumer expects dom0 to destroy the producer during
 * the transfer: its wait then times out, and it detaches just as cleanly.
 *
 *   shmem producer [MiB]      shmem consumer [vanish]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/events.h>
#include <uk/gnttab.h>
#include <uk/mm.h>
#include <uk/time.h>
#include <uk/xenstore.h>

#define TEST_NAME "shmem"
#include "../expect.h"

#define DATA_PAGES 16
#define WINDOW     (DATA_PAGES * UK_PAGE_SIZE)

struct control {
    uint32_t round; /* written by the producer */
    uint32_t last;  /* the final round */
    uint64_t sum;   /* checksum of this round's window */
};

static uint64_t checksum(const uint64_t *w, size_t n)
{
    uint64_t s = 0;

    for (size_t i = 0; i < n; i++)
        s = (s ^ w[i]) * 0x100000001b3ull;
    return s;
}

static void fill(uint64_t *w, size_t n, uint32_t round)
{
    uint64_t x = 0x9e3779b97f4a7c15ull * (round + 1);

    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        w[i] = x;
    }
}

/* Wait (60 s at most) for another domain to create `path`, then read it. */
static int wait_key(const char *path, char *buf, size_t size)
{
    int rc = xs_wait_exists(path, uk_monotonic_ns() + 60 * UK_NSEC_PER_SEC);

    rc = rc ? rc : xs_read_buf(XS_NO_TX, path, buf, size);
    return rc < 0 ? rc : 0;
}

static int producer(unsigned int mib)
{
    char buf[512], *p;
    uint8_t *pages = uk_page_alloc_order(5); /* 32 pages: control + 16 data, aligned */
    struct control *ctl = (struct control *)pages;
    uint64_t *data = (uint64_t *)(pages + UK_PAGE_SIZE), total = 0, t0, ns;
    grant_ref_t refs[1 + DATA_PAGES];
    unsigned long consumer;
    unsigned int refs_before = gnttab_refs_in_use(), rounds = mib * (1024 * 1024 / WINDOW);
    evtchn_port_t port;
    int rc;

    rc = wait_key("/test/consumer", buf, sizeof(buf));
    rc = rc ? rc : xs_read_ulong(XS_NO_TX, "/test/consumer", &consumer);
    EXPECT(rc == 0 && pages, "consumer is domain %lu", consumer);
    if (rc || !pages)
        return 1;
    /* The consumer maps the window before the first round fills it: no old memory in it. */
    memset(pages, 0, (1 + DATA_PAGES) * UK_PAGE_SIZE);
    for (int i = 0; i <= DATA_PAGES && !rc; i++)
        rc = gnttab_grant_access((domid_t)consumer, pages + i * UK_PAGE_SIZE, i == 0 ? false : true,
                                 &refs[i]);
    rc = rc ? rc : evtchn_alloc_unbound((domid_t)consumer, NULL, NULL, &port);
    p = buf + snprintf(buf, sizeof(buf), "%d %u", xs_domid(), port);
    for (int i = 0; i <= DATA_PAGES; i++)
        p += snprintf(p, (size_t)(buf + sizeof(buf) - p), " %u", refs[i]);
    rc = rc ? rc : xs_write(XS_NO_TX, "/test/shm", buf);
    EXPECT(rc == 0, "granted %d pages, port %u, published", 1 + DATA_PAGES, port);
    if (rc)
        return 1;
    /* The consumer says it is ready with its first event. */
    rc = evtchn_wait(port, uk_monotonic_ns() + 60 * UK_NSEC_PER_SEC);
    EXPECT(rc == 0, "consumer attached");
    t0 = uk_monotonic_ns();
    for (uint32_t r = 0; r < rounds && !rc; r++) {
        fill(data, WINDOW / 8, r);
        ctl->sum = checksum(data, WINDOW / 8);
        total ^= ctl->sum;
        ctl->last = rounds - 1;
        __atomic_store_n(&ctl->round, r + 1, __ATOMIC_RELEASE);
        evtchn_notify(port);
        rc = evtchn_wait(port, uk_monotonic_ns() + 30 * UK_NSEC_PER_SEC);
    }
    ns = uk_monotonic_ns() - t0;
    EXPECT(rc == 0, "%u MiB sent in %u rounds, checksum %016llx, %.1f MB/s", mib, rounds,
           (unsigned long long)total, (double)mib * 1048576 / ((double)ns / 1e9) / 1e6);
    /* The consumer still has the window mapped: ending access must be refused. */
    EXPECT(gnttab_end_access(refs[1]) == -EBUSY, "end access refused while the peer maps it");
    EXPECT(gnttab_end_access(3) == -EINVAL, "end access of a reserved ref refused");
    /* Detach: end access (waiting for the consumer's unmap), close, clean XenStore. */
    for (int i = 0; i <= DATA_PAGES; i++) {
        uint64_t deadline = uk_monotonic_ns() + 30 * UK_NSEC_PER_SEC;

        while ((rc = gnttab_end_access(refs[i])) == -EBUSY && uk_monotonic_ns() < deadline)
            uk_sleep_ns(10 * UK_NSEC_PER_MSEC);
        if (rc)
            break;
    }
    EXPECT(rc == 0, "access ended on every page");
    EXPECT(evtchn_close(port) == 0, "port closed");
    EXPECT(xs_rm(XS_NO_TX, "/test/shm") == 0, "XenStore node removed");
    EXPECT(gnttab_refs_in_use() == refs_before, "grant refs in use: %u before, %u after",
           refs_before, gnttab_refs_in_use());
    uk_page_free_order(pages, 5);
    printf("shmem: producer %s\n", failures ? "FAIL" : "done");
    return failures ? 1 : 0;
}

static int consumer(bool vanish)
{
    char buf[512], me[16];
    unsigned int dom, rport, refs[1 + DATA_PAGES];
    void *map[1 + DATA_PAGES];
    grant_handle_t handles[1 + DATA_PAGES];
    evtchn_port_t port;
    uint64_t total = 0, t0, ns;
    uint32_t seen = 0, last = 0;
    unsigned int maps_before = gnttab_maps_in_use();
    /* A producer that vanishes is noticed by this wait timing out. */
    uint64_t wait_ns = (vanish ? 3 : 30) * UK_NSEC_PER_SEC;
    int rc, n = 0, off;

    rc = wait_key("/test/ready", buf, sizeof(buf)); /* dom0 made /test writable */
    snprintf(me, sizeof(me), "%d", xs_domid());
    rc = rc ? rc : xs_write(XS_NO_TX, "/test/consumer", me);
    rc = rc ? rc : wait_key("/test/shm", buf, sizeof(buf));
    if (!rc && sscanf(buf, "%u %u%n", &dom, &rport, &off) == 2) {
        char *p = buf + off;

        for (n = 0; n <= DATA_PAGES; n++) {
            int used;

            if (sscanf(p, "%u%n", &refs[n], &used) != 1)
                break;
            p += used;
        }
    }
    EXPECT(rc == 0 && n == 1 + DATA_PAGES, "read %d grant refs from /test/shm", n);
    if (rc || n != 1 + DATA_PAGES)
        return 1;
    for (int i = 0; i <= DATA_PAGES && !rc; i++)
        rc = gnttab_map((domid_t)dom, refs[i], i != 0, &map[i], &handles[i]);
    EXPECT(rc == 0, "mapped %d foreign pages", 1 + DATA_PAGES);
    rc = rc ? rc : evtchn_bind_interdomain((domid_t)dom, rport, NULL, NULL, &port);
    EXPECT(rc == 0, "bound to the producer's port");
    if (rc)
        return 1;
    /* Binding leaves our port pending: take that before counting rounds. */
    evtchn_wait(port, uk_monotonic_ns() + 50 * UK_NSEC_PER_MSEC);
    evtchn_notify(port);
    t0 = uk_monotonic_ns();
    {
        volatile struct control *ctl = map[0];
        int bad = 0;

        while (!rc) {
            uint32_t r;
            uint64_t sum = 0;

            rc = evtchn_wait(port, uk_monotonic_ns() + wait_ns);
            r = __atomic_load_n(&ctl->round, __ATOMIC_ACQUIRE);
            if (rc || r == seen)
                continue;
            seen = r;
            last = ctl->last;
            for (int i = 1; i <= DATA_PAGES; i++) {
                /* One checksum over the window, page by page as mapped. */
                const uint64_t *w = map[i];

                for (size_t k = 0; k < UK_PAGE_SIZE / 8; k++)
                    sum = (sum ^ w[k]) * 0x100000001b3ull;
            }
            if (sum != ctl->sum)
                bad++;
            total ^= sum;
            evtchn_notify(port);
            if (r - 1 == last)
                break;
        }
        ns = uk_monotonic_ns() - t0;
        if (vanish) {
            EXPECT(rc == -ETIMEDOUT && bad == 0 && seen > 0,
                   "producer vanished after %u rounds (%d bad): wait gave %d", seen, bad, rc);
            goto detach;
        }
        EXPECT(rc == 0 && bad == 0, "%u rounds received, %d bad, checksum %016llx, %.1f MB/s", seen,
               bad, (unsigned long long)total, (double)seen * WINDOW / ((double)ns / 1e9) / 1e6);
    }
    /* Bad input must be an error, not a crash. */
    {
        void *a;
        grant_handle_t h;
        evtchn_port_t p2;

        EXPECT(gnttab_map((domid_t)dom, 100000, true, &a, &h) < 0, "mapping a bogus ref fails");
        EXPECT(gnttab_map(DOMID_SELF + 7, refs[1], true, &a, &h) < 0,
               "mapping from a bogus domain fails");
        EXPECT(gnttab_unmap((void *)0x1000, 0) == -EINVAL, "unmapping a bogus address fails");
        EXPECT(evtchn_bind_interdomain((domid_t)dom, 4000, NULL, NULL, &p2) < 0,
               "binding a bogus port fails");
    }
    /* Benchmarks: map+unmap of one page, and grant copy into our own pages. */
    {
        uint8_t *local = uk_page_alloc_order(4);
        struct gnttab_copy ops[DATA_PAGES];
        uint64_t t;
        int reps = 200, copies = 64, same = 1;

        t = uk_monotonic_ns();
        for (int i = 0; i < reps && !rc; i++) {
            void *a;
            grant_handle_t h;

            rc = gnttab_map((domid_t)dom, refs[2], true, &a, &h);
            rc = rc ? rc : gnttab_unmap(a, h);
        }
        t = uk_monotonic_ns() - t;
        EXPECT(rc == 0, "bench: map+unmap %.1f us per page", (double)t / reps / UK_NSEC_PER_USEC);
        t = uk_monotonic_ns();
        for (int c = 0; c < copies && !rc && local; c++) {
            for (int i = 0; i < DATA_PAGES; i++)
                ops[i] = (struct gnttab_copy){
                    .source = {.u.ref = refs[1 + i], .domid = (domid_t)dom},
                    .dest = {.u.gmfn = ((uintptr_t)local >> UK_PAGE_SHIFT) + (xen_pfn_t)i,
                             .domid = DOMID_SELF},
                    .len = UK_PAGE_SIZE,
                    .flags = GNTCOPY_source_gref,
                };
            rc = gnttab_copy(ops, DATA_PAGES);
        }
        t = uk_monotonic_ns() - t;
        for (int i = 1; i <= DATA_PAGES && !rc && local; i++)
            same = same && memcmp(local + (i - 1) * UK_PAGE_SIZE, map[i], UK_PAGE_SIZE) == 0;
        EXPECT(rc == 0 && local && same, "bench: grant copy %.1f MB/s, data identical",
               (double)copies * WINDOW / ((double)t / 1e9) / 1e6);
        if (local)
            uk_page_free_order(local, 4);
    }
detach:
    rc = 0;
    for (int i = 0; i <= DATA_PAGES; i++)
        rc = gnttab_unmap(map[i], handles[i]) || rc;
    EXPECT(rc == 0, "unmapped every page");
    EXPECT(gnttab_maps_in_use() == maps_before, "foreign pages mapped: %u before, %u after",
           maps_before, gnttab_maps_in_use());
    EXPECT(evtchn_close(port) == 0, "port closed");
    EXPECT(xs_rm(XS_NO_TX, "/test/consumer") == 0, "XenStore node removed");
    if (vanish) {
        /*
         * dom0 checks that the dead producer is released now, while we
         * still run: our end would release whatever we forgot to unmap.
         */
        printf("shmem: detached, waiting for dom0's check\n");
        rc = xs_wait_exists("/test/checked", uk_monotonic_ns() + 30 * UK_NSEC_PER_SEC);
        EXPECT(rc == 0, "dom0 checked");
        xs_rm(XS_NO_TX, "/test/checked");
    }
    printf("shmem: consumer %s\n", failures ? "FAIL" : "done");
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "consumer") == 0)
        return consumer(argc > 2 && strcmp(argv[2], "vanish") == 0);
    return producer(argc > 2 ? (unsigned int)atoi(argv[2]) : 64);
}
