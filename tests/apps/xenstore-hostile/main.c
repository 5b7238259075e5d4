/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xenstore-hostile: the XenStore client against a hostile response ring, in real
 * Xen. A dom0 peer (tests/peers/xs_inject.c) maps this guest's ring and
 * appends what xenstored never would; see tests/cases/xenstore-hostile.test.
 *
 * The guest allocates an event channel for dom0 and prints its port, then
 * for each phase prints "xenstore-hostile: quiet N" with no request in flight and
 * no watch about to fire, and waits for the peer's notification on that
 * port before it talks to XenStore again.
 *
 *   xenstore-hostile framing   phase 1: well-framed junk (unknown request ids,
 *                       unknown tokens, watch events without NULs) is
 *                       dropped and counted, the next read gets the real
 *                       value, watches still work; phases 2 and 3: a
 *                       directory listing, then an error reply, without
 *                       its final NUL fail that call only; phase 4: a
 *                       length above XENSTORE_PAYLOAD_MAX closes the
 *                       connection
 *   xenstore-hostile indices   phase 1: rsp_prod more than a ring ahead closes it
 *
 * A closed connection must fail the request in flight, every later call,
 * and a thread blocked in xs_watch_wait without a deadline, each with -EIO
 * and at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/events.h>
#include <uk/sched.h>
#include <uk/time.h>
#include <uk/xenstore.h>

#define TEST_NAME "xenstore-hostile"
#include "../report.h"

#define VALUE "the real value"

static evtchn_port_t port;

static uint64_t deadline_in_ms(uint64_t ms)
{
    return uk_monotonic_ns() + ms * UK_NSEC_PER_MSEC;
}

static uint64_t ms_since(uint64_t t0)
{
    return (uk_monotonic_ns() - t0) / UK_NSEC_PER_MSEC;
}

/* Announce that the ring is quiet; 0 once the peer has injected and notified us. */
static int quiet(int phase)
{
    uint64_t seen = evtchn_count(port);
    int rc;

    printf("xenstore-hostile: quiet %d\n", phase);
    rc = evtchn_wait_since(port, seen, deadline_in_ms(30000));
    EXPECT(rc == 0, "the peer injected (phase %d, rc %d)", phase, rc);
    return rc;
}

/* A thread blocked on a watch with no deadline: a closed connection must wake it. */
static struct xs_watch *idle_watch;
static volatile int idle_rc = 1;

static void idle_waiter(void *arg)
{
    char *path;

    (void)arg;
    idle_rc = xs_watch_wait(idle_watch, &path, 0);
    if (idle_rc == 0)
        free(path);
}

static struct xs_watch *watch_consumed(const char *path)
{
    struct xs_watch *w = xs_watch(path, NULL, NULL);
    char *p;

    /* xenstored fires every new watch once: take that event now. */
    if (w && xs_watch_wait(w, &p, deadline_in_ms(5000)) == 0) {
        free(p);
        return w;
    }
    return NULL;
}

/* Phase 1 of "framing": the junk is dropped, the connection keeps working. */
static void dropped(struct xs_watch *live)
{
    uint64_t errors = xs_protocol_errors();
    char *v = NULL, *p = NULL;
    int rc;

    if (quiet(1))
        return;
    rc = xs_read(XS_NO_TX, "data/value", &v, NULL);
    EXPECT(rc == 0 && strcmp(v, VALUE) == 0, "read after the injected replies: %d \"%s\"", rc,
           rc ? "" : v);
    free(v);
    EXPECT(xs_protocol_errors() - errors == 6, "protocol errors counted: %llu (6 injected)",
           (unsigned long long)(xs_protocol_errors() - errors));
    rc = xs_watch_wait(live, &p, uk_monotonic_ns());
    EXPECT(rc == -ETIMEDOUT, "no watch took an injected event (%d)", rc);
    if (!rc)
        free(p);
    EXPECT(idle_rc == 1, "the idle watcher still waits");

    /* Requests and watches still work. */
    rc = xs_write(XS_NO_TX, "data/live", "changed");
    EXPECT(rc == 0, "write after the junk (%d)", rc);
    rc = xs_watch_wait(live, &p, deadline_in_ms(5000));
    EXPECT(rc == 0 && strcmp(p, "data/live") == 0, "a real watch event still arrives: %s",
           rc ? "none" : p);
    if (!rc)
        free(p);
}

/*
 * Phases 2 and 3 of "framing": the peer answers our next request before
 * xenstored does, without the reply's final NUL. That call fails with -EIO;
 * xenstored's own reply, later, is one for an unknown request id.
 */
static void unterminated(int phase, bool directory)
{
    uint64_t errors = xs_protocol_errors();
    char **names = NULL, *v = NULL;
    unsigned int n;
    int rc;

    if (quiet(phase))
        return;
    if (directory)
        rc = xs_directory(XS_NO_TX, "data", &names, &n);
    else
        rc = xs_read(XS_NO_TX, "data/value", &v, NULL);
    EXPECT(rc == -EIO, "%s answered without its NUL: %d", directory ? "directory" : "read", rc);
    free(names);
    free(v);
    v = NULL;
    /* xenstored answers in order: its late reply comes before this one. */
    rc = xs_read(XS_NO_TX, "data/value", &v, NULL);
    EXPECT(rc == 0 && strcmp(v, VALUE) == 0, "the next read gets the real value: %d", rc);
    free(v);
    EXPECT(xs_protocol_errors() - errors == 2, "protocol errors counted: %llu (2 expected)",
           (unsigned long long)(xs_protocol_errors() - errors));
}

/* The peer made the stream unusable: everything fails with -EIO, at once. */
static void closed(int phase)
{
    uint64_t errors = xs_protocol_errors(), t0;
    char *v = NULL;
    int rc;

    if (quiet(phase))
        return;
    t0 = uk_monotonic_ns();
    rc = xs_read(XS_NO_TX, "data/value", &v, NULL);
    EXPECT(rc == -EIO && ms_since(t0) < 2000, "read on a broken ring: %d after %llu ms", rc,
           (unsigned long long)ms_since(t0));
    if (!rc)
        free(v);
    EXPECT(xs_protocol_errors() > errors, "the fault was counted");
    t0 = uk_monotonic_ns();
    rc = xs_write(XS_NO_TX, "data/value", "x");
    EXPECT(rc == -EIO && ms_since(t0) < 100, "a later write: %d after %llu ms", rc,
           (unsigned long long)ms_since(t0));
    errno = 0;
    EXPECT(xs_watch("data/other", NULL, NULL) == NULL && errno == EIO, "a later watch: errno %d",
           errno);
    for (int i = 0; i < 100 && idle_rc == 1; i++)
        uk_sleep_ns(10 * UK_NSEC_PER_MSEC);
    EXPECT(idle_rc == -EIO, "the thread blocked in xs_watch_wait got %d", idle_rc);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "framing";
    struct xs_watch *live;
    int rc;

    rc = xs_write(XS_NO_TX, "data/value", VALUE);
    live = rc ? NULL : watch_consumed("data/live");
    idle_watch = live ? watch_consumed("data/idle") : NULL;
    rc = idle_watch ? evtchn_alloc_unbound(0, NULL, NULL, &port) : -EIO;
    if (rc || !uk_thread_create("idle-waiter", idle_waiter, NULL, 0)) {
        test_error("set up (%d)", rc);
        return test_result();
    }
    printf("xenstore-hostile: port %u\n", port);

    if (strcmp(mode, "framing") == 0) {
        dropped(live);
        unterminated(2, true);
        unterminated(3, false);
        closed(4);
    } else if (strcmp(mode, "indices") == 0) {
        closed(1);
    } else {
        test_error("unknown mode %s", mode);
    }
    printf("xenstore-hostile: %llu protocol errors in all\n",
           (unsigned long long)xs_protocol_errors());
    return test_result();
}
