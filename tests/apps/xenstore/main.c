/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xenstore: the XenStore client against the real xenstored in dom0.
 *
 *   xenstore basic    identity, write/read, errors, permissions, a watch
 *                   fired by dom0, 64 concurrent threads, a directory of
 *                   1,000 children, transactions (the rig's dom0 script
 *                   plays its part: see tests/cases/xenstore-basic.test)
 *   xenstore counter  wait for /test/go, then add 1 to /test/counter 1,000
 *                   times, each in a transaction (two guests run this)
 *   xenstore transactions
 *                   64 threads run 10 transactions each, more at once
 *                   than xenstored's quota: all must commit; then the
 *                   watch and directory-size quotas are probed
 *   xenstore ping / xenstore pong
 *                   meet through /test/chan and pass 10,000 events over an
 *                   interdomain event channel
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/events.h>
#include <uk/sched.h>
#include <uk/time.h>
#include <uk/xenstore.h>

#define TEST_NAME "xenstore"
#include "../report.h"

static uint64_t deadline_in(uint64_t s)
{
    return uk_monotonic_ns() + s * UK_NSEC_PER_SEC;
}

/* 64 threads, each writing and reading back its own keys at once. */
#define NTHREADS 64
static int thread_ok[NTHREADS];

static void hammer(void *arg)
{
    long i = (long)arg;
    char key[32], val[32], buf[32];

    thread_ok[i] = 1;
    for (int r = 0; r < 5; r++) {
        snprintf(key, sizeof(key), "data/t%ld", i);
        snprintf(val, sizeof(val), "thread %ld round %d", i, r);
        if (xs_write(XS_NO_TX, key, val) || xs_read_buf(XS_NO_TX, key, buf, sizeof(buf)) < 0 ||
            strcmp(buf, val) != 0)
            thread_ok[i] = 0;
    }
}

static int write_many(void)
{
    char key[32];

    for (int i = 0; i < 1000; i++) {
        int rc;

        snprintf(key, sizeof(key), "data/dir/k%04d", i);
        rc = xs_write(XS_NO_TX, key, "");
        if (rc)
            return rc;
    }
    return 0;
}

static int basic(void)
{
    char name[64], *v, **names;
    unsigned int n;
    int rc;
    struct xs_watch *w;
    struct uk_thread *t[NTHREADS];

    rc = xs_read_buf(XS_NO_TX, "name", name, sizeof(name));
    EXPECT(rc > 0, "read my name: %s", rc > 0 ? name : "?");
    EXPECT(xs_domid() > 0, "my domid is %d, home %s", xs_domid(), xs_home());

    EXPECT(xs_write(XS_NO_TX, "data/hello", "world") == 0, "write data/hello");
    rc = xs_read(XS_NO_TX, "data/hello", &v, NULL);
    EXPECT(rc == 0 && strcmp(v, "world") == 0, "read it back");
    if (!rc)
        free(v);
    printf("xenstore: wrote data/hello\n");

    EXPECT(xs_write(XS_NO_TX, "/local/domain/0/intruder", "x") == -EACCES,
           "writing under /local/domain/0 gives EACCES");
    EXPECT(xs_read(XS_NO_TX, "data/missing", &v, NULL) == -ENOENT, "a missing key gives ENOENT");
    EXPECT(xs_rm(XS_NO_TX, "data/missing") == -ENOENT || 1, "rm of a missing key is harmless");
    EXPECT(xs_read_buf(XS_NO_TX, "data/hello", name, 3) == -E2BIG, "a short buffer gives E2BIG");

    /* Permissions: owner us, dom0 may read. */
    {
        const char *perms[] = {"n0", "r0"};
        char **got;

        perms[0] = "n0";
        EXPECT(xs_mkdir(XS_NO_TX, "data/private") == 0, "mkdir data/private");
        rc = xs_get_perms(XS_NO_TX, "data/private", &got, &n);
        EXPECT(rc == 0 && n >= 1, "get_perms: %s", rc == 0 && n ? got[0] : "?");
        if (!rc)
            free(got);
        {
            char owner[16];

            snprintf(owner, sizeof(owner), "n%d", xs_domid());
            perms[0] = owner;
            EXPECT(xs_set_perms(XS_NO_TX, "data/private", perms, 2) == 0, "set_perms %s r0", owner);
        }
    }

    /* A watch that dom0 fires. */
    w = xs_watch("data/trigger", NULL, NULL);
    EXPECT(w != NULL, "watch data/trigger");
    if (w) {
        char *path;
        bool fired = false;

        printf("xenstore: watching\n");
        fflush(stdout);
        /* The first event comes from setting the watch; then dom0's write. */
        while (!fired && xs_watch_wait(w, &path, deadline_in(30)) == 0) {
            if (xs_read(XS_NO_TX, "data/trigger", &v, NULL) == 0) {
                fired = strcmp(v, "fired") == 0;
                free(v);
            }
            free(path);
        }
        EXPECT(fired, "dom0's xenstore-write fired my watch");
        EXPECT(xs_unwatch(w) == 0, "unwatch");
    }

    /* 64 threads at once. */
    for (long i = 0; i < NTHREADS; i++)
        t[i] = uk_thread_create("xs-hammer", hammer, (void *)i, 0);
    rc = 0;
    for (int i = 0; i < NTHREADS; i++) {
        uk_thread_join(t[i]);
        rc += thread_ok[i];
    }
    EXPECT(rc == NTHREADS, "%d threads of %d each got their own replies", rc, NTHREADS);

    /* 1,000 children: larger than one reply, so read in parts. */
    rc = write_many();
    EXPECT(rc == 0, "1000 keys written (%d)", rc);
    rc = xs_directory(XS_NO_TX, "data/dir", &names, &n);
    EXPECT(rc == 0 && n == 1000, "directory lists %u children (%d)", rc ? 0 : n, rc);
    if (!rc) {
        bool all = true;

        for (unsigned int i = 0; i < n; i++) {
            char want[16];

            snprintf(want, sizeof(want), "k%04u", i);
            all = all && strcmp(names[i], want) == 0;
        }
        EXPECT(all, "every child named in order");
        free(names);
    }

    /* A transaction that aborts leaves nothing. */
    {
        xs_tx_t tx;

        rc = xs_transaction_start(&tx);
        EXPECT(rc == 0, "transaction start");
        xs_write(tx, "data/ghost", "boo");
        EXPECT(xs_transaction_end(tx, false) == 0, "transaction abort");
        EXPECT(xs_read(XS_NO_TX, "data/ghost", &v, NULL) == -ENOENT, "aborted write is gone");
    }
    EXPECT(xs_rm(XS_NO_TX, "data/dir") == 0, "rm a whole subtree");

    /* GET_DOMAIN_PATH, and the xenbus helpers over a pretend device. */
    {
        char *dp, *backend, bpath[96];
        enum xenbus_state st;

        rc = xs_get_domain_path((unsigned int)xs_domid(), &dp);
        EXPECT(rc == 0 && strcmp(dp, xs_home()) == 0, "get_domain_path is %s", rc ? "?" : dp);
        if (!rc)
            free(dp);
        snprintf(bpath, sizeof(bpath), "%s/data/backend-dev", xs_home());
        rc = xs_write(XS_NO_TX, "data/dev/backend", bpath);
        rc = rc ? rc : xenbus_backend_path("data/dev", &backend);
        EXPECT(rc == 0 && strcmp(backend, bpath) == 0, "xenbus_backend_path");
        if (!rc)
            free(backend);
        rc = xenbus_switch_state(bpath, XenbusStateInitialised);
        rc = rc ? rc : xenbus_read_state(bpath, &st);
        EXPECT(rc == 0 && st == XenbusStateInitialised, "xenbus state switched and read back");
        EXPECT(xenbus_wait_state(bpath, XenbusStateInitialised, deadline_in(5)) == 0,
               "waiting for a state already reached returns at once");
        EXPECT(xenbus_wait_state(bpath, XenbusStateConnected,
                                 uk_monotonic_ns() + 200 * UK_NSEC_PER_MSEC) == -ETIMEDOUT,
               "waiting for a state never reached times out");
        EXPECT(xs_write(XS_NO_TX, "data/backend-dev/state", "banana") == 0 &&
                   xenbus_read_state(bpath, &st) == -EINVAL,
               "a garbage state is an error");
    }
    EXPECT(xs_reset_watches() == 0, "reset_watches");
    EXPECT(xs_protocol_errors() == 0, "no protocol errors");
    return test_result();
}

static int increment(xs_tx_t tx, void *ctx)
{
    unsigned long v;
    char buf[24];
    int rc = xs_read_ulong(tx, "/test/counter", &v);

    (void)ctx;
    if (rc)
        return rc;
    snprintf(buf, sizeof(buf), "%lu", v + 1);
    return xs_write(tx, "/test/counter", buf);
}

static int counter(void)
{
    int rc = xs_wait_exists("/test/go", deadline_in(60)), done = 0;

    EXPECT(rc == 0, "saw /test/go");
    for (int i = 0; i < 1000 && !rc; i++) {
        rc = xs_transaction_run(increment, NULL);
        done += rc == 0;
    }
    EXPECT(done == 1000, "%d increments committed", done);
    return test_result();
}

/*
 * More transactions at once than xenstored lets a domain have open: 64
 * threads, 10 each, every one must commit (the client waits for a slot).
 */
#define TX_PER_THREAD 10
static int tx_committed[NTHREADS], tx_failed[NTHREADS], tx_last_error[NTHREADS];

static int bump_own_key(xs_tx_t tx, void *ctx)
{
    long i = (long)ctx;
    char key[32], buf[24];
    unsigned long v = 0;
    int rc;

    snprintf(key, sizeof(key), "data/tx/t%ld", i);
    rc = xs_read_ulong(tx, key, &v);
    if (rc && rc != -ENOENT)
        return rc;
    snprintf(buf, sizeof(buf), "%lu", v + 1);
    return xs_write(tx, key, buf);
}

static void tx_thread(void *arg)
{
    long i = (long)arg;

    for (int r = 0; r < TX_PER_THREAD; r++) {
        int rc = xs_transaction_run(bump_own_key, arg);

        if (rc) {
            tx_failed[i]++;
            tx_last_error[i] = rc;
        } else {
            tx_committed[i]++;
        }
    }
}

/* How many watches xenstored lets us set, and what the next one gets. */
static void probe_watch_quota(void)
{
    static struct xs_watch *w[1024];
    int n = 0, err = 0;

    while (n < 1024) {
        w[n] = xs_watch("data/tx", NULL, NULL);
        if (!w[n]) {
            err = errno;
            break;
        }
        n++;
    }
    printf("xenstore: quota: %d watches set, the next got errno %d\n", n, err);
    while (n > 0)
        xs_unwatch(w[--n]);
}

/* How many children a directory node takes, and what the next write gets. */
static void probe_directory_quota(void)
{
    char key[40];
    int n = 0, rc = 0;

    while (n < 100000) {
        snprintf(key, sizeof(key), "data/full/child%05d", n);
        rc = xs_write(XS_NO_TX, key, "");
        if (rc)
            break;
        n++;
    }
    printf("xenstore: quota: a directory took %d children, the next write got %d\n", n, rc);
    xs_rm(XS_NO_TX, "data/full");
}

static int transactions(void)
{
    struct uk_thread *t[NTHREADS];
    uint64_t t0 = uk_monotonic_ns();
    int committed = 0, failed = 0, err = 0, values_ok = 1;

    for (long i = 0; i < NTHREADS; i++)
        t[i] = uk_thread_create("tx", tx_thread, (void *)i, 0);
    for (int i = 0; i < NTHREADS; i++) {
        uk_thread_join(t[i]);
        committed += tx_committed[i];
        failed += tx_failed[i];
        if (tx_last_error[i])
            err = tx_last_error[i];
    }
    for (long i = 0; i < NTHREADS; i++) {
        char key[32];
        unsigned long v = 0;

        snprintf(key, sizeof(key), "data/tx/t%ld", i);
        if (xs_read_ulong(XS_NO_TX, key, &v) || v != TX_PER_THREAD)
            values_ok = 0;
    }
    EXPECT(committed == NTHREADS * TX_PER_THREAD && failed == 0,
           "%d transactions of %d threads committed, %d failed (last error %d), %llu ms", committed,
           NTHREADS, failed, err,
           (unsigned long long)((uk_monotonic_ns() - t0) / UK_NSEC_PER_MSEC));
    EXPECT(values_ok, "every thread's key counts %d", TX_PER_THREAD);
    probe_watch_quota();
    probe_directory_quota();
    EXPECT(xs_protocol_errors() == 0, "no protocol errors");
    return test_result();
}

#define PINGS 10000
static volatile unsigned long got;
static struct uk_sem got_sem;

static void on_event(evtchn_port_t port, void *ctx)
{
    (void)port;
    (void)ctx;
    got++;
    uk_sem_up(&got_sem);
}

static int ping(bool initiator)
{
    evtchn_port_t port;
    char buf[64];
    int rc;
    uint64_t t0;

    uk_sem_init(&got_sem, 0);
    if (initiator) {
        unsigned long peer = 0;

        /* The peer announces its domid; we allocate a port for it and publish it. */
        rc = xs_wait_exists("/test/peer", deadline_in(60));
        rc = rc ? rc : xs_read_ulong(XS_NO_TX, "/test/peer", &peer);
        EXPECT(rc == 0, "peer is domain %lu", peer);
        rc = rc ? rc : evtchn_alloc_unbound((domid_t)peer, on_event, NULL, &port);
        snprintf(buf, sizeof(buf), "%d %u", xs_domid(), port);
        rc = rc ? rc : xs_write(XS_NO_TX, "/test/chan", buf);
        EXPECT(rc == 0, "published %s in /test/chan", buf);
    } else {
        unsigned int dom = 0, rport = 0;

        /* dom0 makes /test writable for us once both guests exist. */
        rc = xs_wait_exists("/test", deadline_in(60));
        snprintf(buf, sizeof(buf), "%d", xs_domid());
        rc = rc ? rc : xs_write(XS_NO_TX, "/test/peer", buf);
        EXPECT(rc == 0, "announced myself in /test/peer");
        rc = rc ? rc : xs_wait_exists("/test/chan", deadline_in(60));
        rc = rc ? rc : xs_read_buf(XS_NO_TX, "/test/chan", buf, sizeof(buf));
        if (rc > 0)
            rc = sscanf(buf, "%u %u", &dom, &rport) == 2 ? 0 : -EINVAL;
        rc = rc ? rc : evtchn_bind_interdomain((domid_t)dom, rport, on_event, NULL, &port);
        EXPECT(rc == 0, "bound to domain %u port %u", dom, rport);
        /* Binding leaves our own port pending (Xen's guard against lost events): drop it. */
        uk_sleep_ns(20 * UK_NSEC_PER_MSEC);
        got = 0;
        uk_sem_init(&got_sem, 0);
    }
    if (rc || failures)
        return test_result();
    t0 = uk_monotonic_ns();
    /* The answering side serves first: the initiator waits for its "ready" event. */
    if (!initiator)
        evtchn_notify(port);
    else
        uk_sem_down(&got_sem);
    for (int i = 0; i < PINGS; i++) {
        if (initiator) {
            evtchn_notify(port);
            uk_sem_down(&got_sem);
        } else {
            uk_sem_down(&got_sem);
            evtchn_notify(port);
        }
    }
    {
        uint64_t ns = uk_monotonic_ns() - t0;
        unsigned long want = initiator ? PINGS + 1 : PINGS;

        EXPECT(got == want, "%lu events received (want %lu), %llu us per round trip", got, want,
               (unsigned long long)(ns / PINGS / UK_NSEC_PER_USEC));
    }
    evtchn_close(port);
    return test_result();
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "basic";

    if (strcmp(mode, "counter") == 0)
        return counter();
    if (strcmp(mode, "transactions") == 0)
        return transactions();
    if (strcmp(mode, "ping") == 0)
        return ping(true);
    if (strcmp(mode, "pong") == 0)
        return ping(false);
    return basic();
}
