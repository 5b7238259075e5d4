/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests for the XenStore client (xenstore/xs.c, xs_ops.c) on the real
 * scheduler and context switch: guest threads run until every one blocks;
 * then, where the guest would idle, a fake xenstored takes requests off the
 * ring page and answers them. When it has nothing to do, the fake clock
 * jumps to the earliest timed wait and ends it. Nothing runnable, no work
 * for the daemon and no timer is a deadlock: the test aborts.
 *
 * xs.c is included, not linked, so that each test can reset the
 * connection (its state is static) and look at what is queued.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../xenstore/xs.c"
#include "../../kernel/kernel_private.h"
#include "check.h"
#include "fake_timers.h"

/* ---- Stand-ins for arch/, kernel/ and events/ ---- */

static uint64_t now_ns = 1;
static bool daemon_step(void);
static uint64_t daemon_wakes_at(void);

static unsigned long clock_reads, notifies;
/* As xenstored: it found the response ring full, so it writes on only after a notify. */
static bool rsp_ring_was_full;

uint64_t uk_monotonic_ns(void)
{
    clock_reads++;
    return now_ns;
}

/* Every thread blocked: let the daemon work, else jump to the next deadline. */
void arch_idle(void)
{
    struct uk_timer **tm = fake_timer_first();
    uint64_t next = tm ? (*tm)->deadline : UINT64_MAX;
    struct uk_timer *t;

    if (daemon_step())
        return;
    if (daemon_wakes_at() && daemon_wakes_at() < next) {
        now_ns = daemon_wakes_at(); /* the daemon wakes up first */
        return;
    }
    if (!tm) {
        printf("  deadlock: nothing runnable, nothing for xenstored, no timer\n");
        abort();
    }
    if (next > now_ns)
        now_ns = next;
    t = *tm;
    *tm = NULL;
    t->fn(t, t->ctx); /* as from the timer event, interrupts off */
}

unsigned long arch_irq_save(void)
{
    return 0;
}
void arch_irq_restore(unsigned long f)
{
    (void)f;
}
void arch_irq_enable(void)
{
}
void arch_irq_disable(void)
{
}
static bool quiet;
void uk_printf(const char *fmt, ...)
{
    va_list ap;

    if (quiet)
        return;
    va_start(ap, fmt);
    printf("  | ");
    vprintf(fmt, ap);
    va_end(ap);
}

static struct xenstore_domain_interface *fake_ring;
static evtchn_handler_t ring_handler;

int hvm_get_param(uint32_t index, uint64_t *value)
{
    if (index == HVM_PARAM_STORE_PFN)
        *value = (uintptr_t)fake_ring >> PAGE_SHIFT;
    else if (index == HVM_PARAM_STORE_EVTCHN)
        *value = 7;
    else
        return -EINVAL;
    return 0;
}
int evtchn_bind_existing(evtchn_port_t p, evtchn_handler_t handler, void *ctx)
{
    (void)p;
    (void)ctx;
    ring_handler = handler;
    return 0;
}
int evtchn_notify(evtchn_port_t p)
{
    (void)p;
    notifies++;
    rsp_ring_was_full = false;
    return 0;
}

/* ---- The fake xenstored ---- */

#define NODES    256
#define WATCHES  16
#define OUT_SIZE (1 << 20)

static struct {
    char *path[NODES], *value[NODES];
    char *wpath[WATCHES], *wtoken[WATCHES];
    struct xsd_sockmsg hdr; /* the request being read */
    char in[XENSTORE_PAYLOAD_MAX + 1];
    uint32_t in_have;
    char out[OUT_SIZE]; /* replies not yet on the ring */
    size_t out_head, out_tail;
    bool stalled;           /* reads nothing off the request ring */
    uint64_t stalled_until; /* nor until then (fake ns) */
    unsigned int open_tx, tx_quota, next_tx, max_open_tx;
    unsigned long requests, bad_requests;
    /* A test's own answer to a request: true if it answered. */
    bool (*hook)(const struct xsd_sockmsg *hdr, const char *payload);
} d;

static void out_put(const void *p, size_t len)
{
    if (d.out_tail + len > OUT_SIZE) {
        printf("  fake xenstored: output queue full\n");
        abort();
    }
    memcpy(d.out + d.out_tail, p, len);
    d.out_tail += len;
}

static void reply(const struct xsd_sockmsg *req, uint32_t type, const void *p, uint32_t len)
{
    struct xsd_sockmsg h = {.type = type, .req_id = req->req_id, .tx_id = req->tx_id, .len = len};

    out_put(&h, sizeof(h));
    out_put(p, len);
}

static void reply_str(const struct xsd_sockmsg *req, uint32_t type, const char *s)
{
    reply(req, type, s, (uint32_t)strlen(s) + 1);
}

static void reply_error(const struct xsd_sockmsg *req, const char *err)
{
    reply_str(req, XS_ERROR, err);
}

static void send_event(const char *path, const char *token)
{
    char buf[4096];
    int n = snprintf(buf, sizeof(buf), "%s%c%s", path, 0, token);
    struct xsd_sockmsg h = {.type = XS_WATCH_EVENT, .len = (uint32_t)n + 1};

    out_put(&h, sizeof(h));
    out_put(buf, h.len);
}

static int node_find(const char *path)
{
    for (int i = 0; i < NODES; i++)
        if (d.path[i] && strcmp(d.path[i], path) == 0)
            return i;
    return -1;
}

static void node_write(const char *path, const char *value, size_t len)
{
    int i = node_find(path);

    for (int j = 0; i < 0 && j < NODES; j++)
        if (!d.path[j]) {
            i = j;
            d.path[i] = strdup(path);
        }
    free(d.value[i]);
    d.value[i] = malloc(len + 1);
    memcpy(d.value[i], value, len);
    d.value[i][len] = 0;
    for (int w = 0; w < WATCHES; w++)
        if (d.wpath[w] && strncmp(path, d.wpath[w], strlen(d.wpath[w])) == 0)
            send_event(path, d.wtoken[w]);
}

/* The names of p's children, each once, NUL-terminated (xenstored's XS_DIRECTORY). */
static void directory(const struct xsd_sockmsg *h, const char *p)
{
    char out[4096];
    size_t plen = strlen(p), len = 0;
    bool any = node_find(p) >= 0;

    for (int i = 0; i < NODES; i++) {
        const char *c = d.path[i], *end;
        size_t n;

        if (!c || strncmp(c, p, plen) != 0 || c[plen] != '/')
            continue;
        any = true;
        c += plen + 1;
        end = strchr(c, '/');
        n = end ? (size_t)(end - c) : strlen(c);
        bool seen = false;
        for (size_t o = 0; o < len; o += strlen(out + o) + 1)
            seen = seen || (strlen(out + o) == n && memcmp(out + o, c, n) == 0);
        if (!seen && len + n + 1 <= sizeof(out)) {
            memcpy(out + len, c, n);
            out[len + n] = 0;
            len += n + 1;
        }
    }
    if (!any)
        reply_error(h, "ENOENT");
    else
        reply(h, XS_DIRECTORY, out, (uint32_t)len);
}

static void handle(const struct xsd_sockmsg *h, const char *p)
{
    int i;

    d.requests++;
    if (h->type >= XS_TYPE_COUNT || (h->len && p[0] == 0 && h->type != XS_TRANSACTION_START)) {
        /* What a desynchronised stream looks like from here. */
        d.bad_requests++;
        reply_error(h, "EINVAL");
        return;
    }
    if (d.hook && d.hook(h, p))
        return;
    switch (h->type) {
    case XS_READ:
        i = node_find(p);
        if (i < 0)
            reply_error(h, "ENOENT");
        else
            reply(h, XS_READ, d.value[i], (uint32_t)strlen(d.value[i]));
        break;
    case XS_WRITE: {
        size_t plen = strlen(p) + 1;

        node_write(p, p + plen, h->len - plen);
        reply_str(h, XS_WRITE, "OK");
        break;
    }
    case XS_DIRECTORY:
        directory(h, p);
        break;
    case XS_WATCH:
        for (i = 0; i < WATCHES && d.wpath[i]; i++)
            ;
        d.wpath[i] = strdup(p);
        d.wtoken[i] = strdup(p + strlen(p) + 1);
        reply_str(h, XS_WATCH, "OK");
        send_event(d.wpath[i], d.wtoken[i]);
        break;
    case XS_UNWATCH:
        for (i = 0; i < WATCHES; i++)
            if (d.wtoken[i] && strcmp(d.wtoken[i], p + strlen(p) + 1) == 0) {
                free(d.wpath[i]);
                free(d.wtoken[i]);
                d.wpath[i] = d.wtoken[i] = NULL;
            }
        reply_str(h, XS_UNWATCH, "OK");
        break;
    case XS_TRANSACTION_START: {
        char id[16];

        if (d.open_tx >= d.tx_quota) {
            reply_error(h, "ENOSPC");
            break;
        }
        d.open_tx++;
        if (d.open_tx > d.max_open_tx)
            d.max_open_tx = d.open_tx;
        snprintf(id, sizeof(id), "%u", ++d.next_tx);
        reply_str(h, XS_TRANSACTION_START, id);
        break;
    }
    case XS_TRANSACTION_END:
        d.open_tx--;
        reply_str(h, XS_TRANSACTION_END, "OK");
        break;
    default:
        reply_error(h, "ENOSYS");
    }
}

static uint64_t daemon_wakes_at(void)
{
    return d.stalled_until;
}

/* Read what fits of the request ring, answer whole messages, flush replies. */
static bool daemon_step(void)
{
    struct xenstore_domain_interface *r = fake_ring;
    bool progress = false;

    if (d.stalled_until && now_ns >= d.stalled_until)
        d.stalled_until = 0;
    while (!d.stalled && !d.stalled_until && r->req_prod != r->req_cons) {
        size_t hdr_len = sizeof(d.hdr);
        char *dst;
        uint32_t want;

        if (d.in_have < hdr_len) {
            dst = (char *)&d.hdr + d.in_have;
            want = (uint32_t)hdr_len - d.in_have;
        } else {
            dst = d.in + (d.in_have - hdr_len);
            want = (uint32_t)(hdr_len + d.hdr.len) - d.in_have;
        }
        if (d.in_have >= hdr_len && d.hdr.len > XENSTORE_PAYLOAD_MAX) {
            d.bad_requests++;
            d.stalled = true;
            break;
        }
        if (want) {
            XENSTORE_RING_IDX n = r->req_prod - r->req_cons;

            if (n > want)
                n = want;
            uk_ring_copy_from(dst, r->req, XENSTORE_RING_SIZE, r->req_cons, n);
            r->req_cons += n;
            d.in_have += n;
            progress = true;
        }
        if (d.in_have >= hdr_len && d.in_have == hdr_len + d.hdr.len) {
            d.in[d.hdr.len] = 0;
            d.in_have = 0;
            handle(&d.hdr, d.in);
        }
    }
    while (d.out_head < d.out_tail && !rsp_ring_was_full) {
        int space = xs_ring_writable(r->rsp_cons, r->rsp_prod);
        size_t n;

        if (space <= 0) {
            rsp_ring_was_full = true;
            break;
        }
        n = d.out_tail - d.out_head;
        if (n > (size_t)space)
            n = (size_t)space;
        uk_ring_copy_to(r->rsp, XENSTORE_RING_SIZE, r->rsp_prod, d.out + d.out_head, n);
        r->rsp_prod += (XENSTORE_RING_IDX)n;
        d.out_head += n;
        progress = true;
    }
    if (d.out_head == d.out_tail)
        d.out_head = d.out_tail = 0;
    if (progress)
        ring_handler(7, NULL);
    return progress;
}

/* ---- Per-test setup ---- */

static uint8_t *arena;

/* A fresh connection and a fresh daemon; the old reader thread ends. */
static void setup(void)
{
    if (!arena) {
        struct mem_range m;

        setvbuf(stdout, NULL, _IONBF, 0); /* an abort() must not lose what was printed */
        arena = aligned_alloc(1 << 20, 32 << 20);
        m.start = (uintptr_t)arena;
        m.end = m.start + (32 << 20);
        sched_init();
        page_alloc_init(&m, 1);
        fake_ring = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
        memset(fake_ring, 0, PAGE_SIZE);
        CHECK_EQ(xs_init(), 0);
        return;
    }
    quiet = true;
    if (!stream.broken)
        xs_stream_break(&stream, "test reset");
    for (int i = 0; i < 4; i++)
        uk_thread_yield(); /* the reader sees `broken` and ends */
    quiet = false;
    for (int i = 0; i < NODES; i++) {
        free(d.path[i]);
        free(d.value[i]);
    }
    for (int i = 0; i < WATCHES; i++) {
        free(d.wpath[i]);
        free(d.wtoken[i]);
    }
    memset(&d, 0, sizeof(d));
    rsp_ring_was_full = false;
    memset(fake_ring, 0, PAGE_SIZE);
    /* Not the wait queues: the callback thread sleeps on one. */
    uk_list_init(&stream.requests);
    uk_list_init(&stream.watches);
    uk_list_init(&stream.ready);
    stream.have = 0;
    stream.queued_bytes = 0;
    stream.broken = false;
    CHECK(uk_thread_create("xenstore", reader_thread, NULL, 0) != NULL);
}

static void daemon_defaults(void)
{
    d.tx_quota = 10;
}

static unsigned int queued_events(struct xs_watch *w)
{
    struct uk_list *n;
    unsigned int count = 0;

    uk_list_for_each(n, &w->events) count++;
    return count;
}

/* ---- Tests ---- */

TEST(read_write_round_trip)
{
    char *v;
    size_t len;

    setup();
    daemon_defaults();
    CHECK_EQ(xs_write(XS_NO_TX, "/a", "hello"), 0);
    CHECK_EQ(xs_read(XS_NO_TX, "/a", &v, &len), 0);
    CHECK_STR(v, "hello");
    CHECK_EQ(len, 5);
    free(v);
    CHECK_EQ(xs_read(XS_NO_TX, "/missing", &v, NULL), -ENOENT);
    CHECK_EQ(d.bad_requests, 0);
}

static uint64_t sec(uint64_t s)
{
    return now_ns + s * UK_NSEC_PER_SEC;
}

/* Drain w's queue without waiting; how many events were taken. */
static unsigned int drain(struct xs_watch *w, bool *saw_own_path)
{
    unsigned int count = 0;
    char *p;

    while (xs_watch_wait(w, &p, now_ns) == 0) {
        if (saw_own_path && strcmp(p, w->path) == 0)
            *saw_own_path = true;
        free(p);
        count++;
    }
    return count;
}

/* Finding 2: events a peer can cause are bounded per watch and in total. */
TEST(watch_event_flood_is_bounded_and_xenstore_keeps_working)
{
    struct xs_watch *w[8];
    char path[2100], *v;
    size_t bytes = 0;
    bool rescan = false;

    setup();
    daemon_defaults();
    CHECK_EQ(xs_write(XS_NO_TX, "/a", "still here"), 0);
    w[0] = xs_watch("/w", NULL, NULL);
    CHECK(w[0] != NULL);
    CHECK_EQ(drain(w[0], NULL), 1); /* the event of setting it */
    for (int i = 0; i < 5000; i++) {
        snprintf(path, sizeof(path), "/w/n%d", i);
        send_event(path, w[0]->token);
    }
    for (int i = 0; i < 1000; i++)
        send_event("/w/same", w[0]->token);
    CHECK_EQ(xs_read(XS_NO_TX, "/a", &v, NULL), 0); /* delivered after every event */
    CHECK_STR(v, "still here");
    free(v);
    printf("  queued for one watch after 6,000 events: %u\n", queued_events(w[0]));
    CHECK(queued_events(w[0]) <= 65);
    /* The consumer learns that it missed some: an event for the watch's own path. */
    CHECK(drain(w[0], &rescan) <= 65);
    CHECK(rescan);

    /* Repeats of one path are coalesced while queued. */
    for (int i = 0; i < 1000; i++)
        send_event("/w/same", w[0]->token);
    CHECK_EQ(xs_read(XS_NO_TX, "/a", &v, NULL), 0);
    free(v);
    CHECK_EQ(queued_events(w[0]), 1);
    CHECK_EQ(drain(w[0], NULL), 1);

    /* In total: eight watches, long paths. */
    memset(path, 'x', sizeof(path) - 1);
    path[0] = '/';
    path[sizeof(path) - 1] = 0;
    for (int i = 1; i < 8; i++) {
        w[i] = xs_watch("/x", NULL, NULL);
        CHECK(w[i] != NULL);
    }
    for (int i = 0; i < 8; i++) {
        drain(w[i], NULL);
        for (int j = 0; j < 64; j++) {
            path[1] = (char)('a' + i);
            path[2] = (char)('a' + j / 26);
            path[3] = (char)('a' + j % 26);
            send_event(path, w[i]->token);
        }
    }
    CHECK_EQ(xs_read(XS_NO_TX, "/a", &v, NULL), 0);
    free(v);
    for (int i = 0; i < 8; i++) {
        struct uk_list *n;

        uk_list_for_each(n, &w[i]->events) bytes +=
            strlen(uk_list_entry(n, struct xs_event, link)->path);
    }
    printf("  bytes queued for 8 watches after 512 events of 2 KiB: %zu\n", bytes);
    CHECK(bytes <= 80 * 1024);
    for (int i = 0; i < 8; i++)
        CHECK_EQ(xs_unwatch(w[i]), 0);
    CHECK_EQ(d.bad_requests, 0);
}

/* Finding 3: a request that timed out half-written must not desynchronise the stream. */
TEST(timed_out_half_written_request_never_desyncs)
{
    static char big[1500];
    char *v;
    int rc;

    setup();
    daemon_defaults();
    memset(big, 'v', sizeof(big) - 1);
    d.stalled = true;
    rc = xs_write(XS_NO_TX, "/big", big); /* more than a ring: waits for space, times out */
    CHECK(rc != 0);
    d.stalled = false;
    rc = xs_read(XS_NO_TX, "/a", &v, NULL);
    printf("  the request after it: %d; requests the daemon could not parse: %lu\n", rc,
           d.bad_requests);
    CHECK_EQ(rc, -EIO); /* the connection was declared broken */
    CHECK_EQ(d.bad_requests, 0);
}

static int slow_rc = 1;

static bool stall_after_big_write(const struct xsd_sockmsg *h, const char *p)
{
    if (h->type == XS_WRITE && strcmp(p, "/big") == 0) {
        reply_str(h, XS_WRITE, "OK");
        d.stalled_until = sec(15);
        return true;
    }
    return false;
}

static void slow_reader(void *arg)
{
    char *v;

    (void)arg;
    slow_rc = xs_read(XS_NO_TX, "/a", &v, NULL);
    if (!slow_rc)
        free(v);
}

/* Finding 3: the 30 s start when the request may be written, not while it waits for the lock. */
TEST(reply_deadline_starts_after_the_write_lock)
{
    static char big[1500];
    struct uk_thread *t;

    setup();
    daemon_defaults();
    CHECK_EQ(xs_write(XS_NO_TX, "/a", "x"), 0);
    memset(big, 'v', sizeof(big) - 1);
    d.hook = stall_after_big_write;
    d.stalled_until = sec(20);
    t = uk_thread_create("slow", slow_reader, NULL, 0);
    /* This thread takes the lock first and holds it 20 s; the reader waits 15 s more. */
    CHECK_EQ(xs_write(XS_NO_TX, "/big", big), 0);
    uk_thread_join(t);
    printf("  a read queued behind a 20 s write, answered 15 s later: %d\n", slow_rc);
    CHECK_EQ(slow_rc, 0);
}

static int callbacks_run;

static void count_callback(struct xs_watch *w, const char *path, void *ctx)
{
    (void)w;
    (void)path;
    (void)ctx;
    callbacks_run++;
}

static bool watch_refused_after_event(const struct xsd_sockmsg *h, const char *p)
{
    if (h->type != XS_WATCH)
        return false;
    send_event(p, p + strlen(p) + 1);
    reply_error(h, "EACCES");
    return true;
}

/* Finding 4: XS_WATCH refused after an event for it was queued. */
TEST(failed_watch_with_an_event_queued_is_freed_safely)
{
    char *v;

    setup();
    daemon_defaults();
    CHECK_EQ(xs_write(XS_NO_TX, "/a", "x"), 0);
    d.hook = watch_refused_after_event;
    callbacks_run = 0;
    errno = 0;
    CHECK(xs_watch("/denied", count_callback, NULL) == NULL);
    CHECK_EQ(errno, EACCES);
    CHECK(xs_watch("/denied", NULL, NULL) == NULL);
    CHECK_EQ(errno, EACCES);
    for (int i = 0; i < 4; i++)
        uk_thread_yield(); /* the callback thread runs what was queued */
    CHECK_EQ(callbacks_run, 0);
    CHECK_EQ(xs_read(XS_NO_TX, "/a", &v, NULL), 0);
    free(v);
}

static int waiter_rc = 1;
static uint64_t waiter_deadline;

static void watch_waiter(void *arg)
{
    char *p;

    waiter_rc = xs_watch_wait(arg, &p, waiter_deadline);
    if (!waiter_rc)
        free(p);
}

/* Finding 5: xs_unwatch while another thread waits on the watch. */
TEST(unwatch_ends_a_concurrent_watch_wait)
{
    for (int timed = 0; timed < 2; timed++) {
        struct xs_watch *w;
        struct uk_thread *t;
        uint64_t start;

        setup();
        daemon_defaults();
        w = xs_watch("/u", NULL, NULL);
        CHECK(w != NULL);
        CHECK_EQ(drain(w, NULL), 1);
        waiter_rc = 1;
        waiter_deadline = timed ? sec(5) : 0;
        start = now_ns;
        t = uk_thread_create("waiter", watch_waiter, w, 0);
        uk_thread_yield(); /* it waits */
        CHECK_EQ(xs_unwatch(w), 0);
        uk_thread_join(t);
        printf("  waiter (deadline %s) got %d after %llu ns\n", timed ? "5 s" : "none", waiter_rc,
               (unsigned long long)(now_ns - start));
        CHECK_EQ(waiter_rc, -ECANCELED);
        CHECK_EQ(now_ns, start);
    }
}

static bool swallow_reads(const struct xsd_sockmsg *h, const char *p)
{
    (void)p;
    return h->type == XS_READ; /* never answered */
}

/* A reply that never comes: -ETIMEDOUT after 30 to 40 s, and the client goes on. */
TEST(unanswered_request_times_out_by_the_watchdog)
{
    uint64_t t0;
    char *v;

    setup();
    daemon_defaults();
    CHECK_EQ(xs_write(XS_NO_TX, "/a", "x"), 0);
    d.hook = swallow_reads;
    t0 = now_ns;
    CHECK_EQ(xs_read(XS_NO_TX, "/a", &v, NULL), -ETIMEDOUT);
    printf("  unanswered read gave up after %llu s\n",
           (unsigned long long)((now_ns - t0) / UK_NSEC_PER_SEC));
    CHECK(now_ns - t0 >= 30 * UK_NSEC_PER_SEC && now_ns - t0 <= 40 * UK_NSEC_PER_SEC);
    d.hook = NULL;
    CHECK_EQ(xs_read(XS_NO_TX, "/a", &v, NULL), 0);
    CHECK(strcmp(v, "x") == 0);
    free(v);
}

/*
 * The fast path (issue 9): a request answered in time costs one notify and
 * reads no clock; the watchdog's timer is armed once for the whole run.
 */
TEST(answered_requests_notify_once_and_read_no_clock)
{
    unsigned long reads0, notifies0;
    char *v;

    setup();
    daemon_defaults();
    CHECK_EQ(xs_write(XS_NO_TX, "/a", "x"), 0); /* the watchdog is armed */
    reads0 = clock_reads;
    notifies0 = notifies;
    for (int i = 0; i < 100; i++) {
        CHECK_EQ(xs_read(XS_NO_TX, "/a", &v, NULL), 0);
        free(v);
    }
    printf("  100 reads: %lu notifies, %lu clock reads\n", notifies - notifies0,
           clock_reads - reads0);
    CHECK_EQ(notifies - notifies0, 100);
    CHECK(clock_reads - reads0 <= 1);
}

/* Finding 12: the parts' lengths are summed without wrapping. */
TEST(request_length_does_not_wrap)
{
    static char small[16];

    setup();
    daemon_defaults();
    /* 2 + (2^32 - 2) is 0 in 32 bits. */
    CHECK_EQ(xs_write_bytes(XS_NO_TX, "/a", small, (size_t)UINT32_MAX - 1), -E2BIG);
    CHECK_EQ(xs_write_bytes(XS_NO_TX, "/a", small, SIZE_MAX - 1), -E2BIG);
    CHECK_EQ(xs_write_bytes(XS_NO_TX, "/a", small, XENSTORE_PAYLOAD_MAX), -E2BIG);
    CHECK_EQ(d.requests, 0);
}

static unsigned int parts_served;

static bool endless_directory(const struct xsd_sockmsg *h, const char *p)
{
    char buf[1100];
    size_t n;

    (void)p;
    if (h->type == XS_DIRECTORY) {
        reply_error(h, "E2BIG");
        return true;
    }
    if (h->type != XS_DIRECTORY_PART)
        return false;
    if (++parts_served > 5000) {
        reply_error(h, "ENOSPC"); /* stop the test */
        return true;
    }
    n = (size_t)snprintf(buf, sizeof(buf), "7") + 1;
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "child%04d", i) + 1;
    reply(h, XS_DIRECTORY_PART, buf, (uint32_t)n);
    return true;
}

/* Finding 15: a daemon that never ends a directory listing. */
TEST(endless_directory_parts_are_bounded)
{
    char **names;
    unsigned int count;
    int rc;

    setup();
    daemon_defaults();
    d.hook = endless_directory;
    parts_served = 0;
    rc = xs_directory(XS_NO_TX, "/big", &names, &count);
    printf("  xs_directory: %d after %u parts of 1 KB\n", rc, parts_served);
    CHECK_EQ(rc, -E2BIG);
    CHECK(parts_served < 1000);
}

static int tx_failures, tx_done;

static int tx_body(xs_tx_t tx, void *ctx)
{
    (void)ctx;
    return xs_write(tx, "/t", "x");
}

static void tx_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 10; i++) {
        int rc = xs_transaction_run(tx_body, NULL);

        if (rc)
            tx_failures++;
        else
            tx_done++;
    }
}

/* Finding 20: more transactions than xenstored's quota wait for a slot. */
TEST(transactions_wait_for_the_daemon_quota)
{
    struct uk_thread *t[64];

    setup();
    daemon_defaults();
    tx_failures = tx_done = 0;
    for (int i = 0; i < 64; i++)
        t[i] = uk_thread_create("tx", tx_worker, NULL, 0);
    for (int i = 0; i < 64; i++)
        uk_thread_join(t[i]);
    printf("  640 transactions, quota 10: %d committed, %d failed, at most %u open\n", tx_done,
           tx_failures, d.max_open_tx);
    CHECK_EQ(tx_done, 640);
    CHECK_EQ(tx_failures, 0);
    CHECK(d.max_open_tx <= 10);
}

/* A callback watch gets the event of setting it (sent before XS_WATCH's reply) and later ones. */
TEST(callback_watch_runs_once_set)
{
    struct xs_watch *w;
    char *v;

    setup();
    daemon_defaults();
    callbacks_run = 0;
    w = xs_watch("/cb", count_callback, NULL);
    CHECK(w != NULL);
    CHECK_EQ(xs_write(XS_NO_TX, "/cb/x", "1"), 0);
    CHECK_EQ(xs_read(XS_NO_TX, "/cb/x", &v, NULL), 0);
    free(v);
    for (int i = 0; i < 4; i++)
        uk_thread_yield();
    CHECK_EQ(callbacks_run, 2);
    CHECK_EQ(xs_unwatch(w), 0);
    for (int i = 0; i < 4; i++)
        uk_thread_yield();
    CHECK_EQ(callbacks_run, 2);
}

/*
 * The one wait for a key another domain writes (xs_wait_for, under
 * xs_wait_exists and xenbus_wait_state): woken by the watch event of the
 * write, with no clock-driven retries, and the watch removed after.
 */
static int key_wait_rc = 1;
static uint64_t key_wait_deadline;

static void exists_waiter(void *arg)
{
    key_wait_rc = xs_wait_exists(arg, key_wait_deadline);
}

static void state_waiter(void *arg)
{
    key_wait_rc = xenbus_wait_state(arg, XenbusStateConnected, key_wait_deadline);
}

static unsigned int watches_set(void)
{
    unsigned int n = 0;

    for (int i = 0; i < WATCHES; i++)
        n += d.wpath[i] != NULL;
    return n;
}

/* Start `fn` and let it reach its wait (its requests answered, nothing written yet). */
static struct uk_thread *start_key_waiter(void (*fn)(void *), const char *arg)
{
    struct uk_thread *t;
    char *v;

    key_wait_rc = 1;
    key_wait_deadline = sec(5);
    t = uk_thread_create("key-waiter", fn, (void *)arg, 0);
    uk_thread_yield();
    /* Our read goes after its watch and first read: answered, they are too. */
    CHECK_EQ(xs_read(XS_NO_TX, "/nothing", &v, NULL), -ENOENT);
    for (int i = 0; i < 4; i++)
        uk_thread_yield();
    return t;
}

TEST(wait_exists_wakes_on_the_write)
{
    uint64_t start;
    struct uk_thread *t;

    setup();
    daemon_defaults();
    start = now_ns;
    t = start_key_waiter(exists_waiter, "/k");
    CHECK_EQ(key_wait_rc, 1); /* still waiting */
    CHECK_EQ(watches_set(), 1);
    CHECK_EQ(xs_write(XS_NO_TX, "/k", "v"), 0);
    uk_thread_join(t);
    CHECK_EQ(key_wait_rc, 0);
    CHECK_EQ(now_ns, start); /* no time passed: no poll, no timeout */
    CHECK_EQ(watches_set(), 0);
}

TEST(wait_exists_times_out_at_the_deadline_without_polling)
{
    uint64_t deadline;
    unsigned int before;

    setup();
    daemon_defaults();
    deadline = sec(2);
    before = d.requests;
    CHECK_EQ(xs_wait_exists("/never", deadline), -ETIMEDOUT);
    CHECK_EQ(now_ns, deadline);
    /* Watch, a read before and after the event of setting it, unwatch. */
    CHECK_EQ(d.requests - before, 4);
    CHECK_EQ(watches_set(), 0);
}

TEST(wait_state_reads_after_each_change_until_the_state)
{
    uint64_t start;
    struct uk_thread *t;

    setup();
    daemon_defaults();
    start = now_ns;
    t = start_key_waiter(state_waiter, "/dev");
    CHECK_EQ(xs_write(XS_NO_TX, "/dev/state", "2"), 0); /* Initialised: not yet */
    for (int i = 0; i < 4; i++)
        uk_thread_yield();
    CHECK_EQ(key_wait_rc, 1);
    CHECK_EQ(xs_write(XS_NO_TX, "/dev/state", "4"), 0); /* Connected */
    uk_thread_join(t);
    CHECK_EQ(key_wait_rc, 0);
    CHECK_EQ(now_ns, start);
    CHECK_EQ(watches_set(), 0);
}

TEST(wait_state_refuses_a_value_that_is_no_state)
{
    setup();
    daemon_defaults();
    CHECK_EQ(xs_write(XS_NO_TX, "/bad/state", "99"), 0);
    CHECK_EQ(xenbus_wait_state("/bad", XenbusStateConnected, sec(5)), -EINVAL);
    CHECK_EQ(xs_write(XS_NO_TX, "/bad/state", "4"), 0);
    CHECK_EQ(xenbus_wait_state("/bad", XenbusStateConnected, sec(5)), 0);
    CHECK_EQ(watches_set(), 0);
}

TEST(list_devices_takes_complete_decimal_ids_in_order)
{
    unsigned long ids[4];

    setup();
    daemon_defaults();
    CHECK_EQ(xenbus_list_devices("/dev-none", ids, 4), 0);
    /* Complete (backend-id written): 51728, 768, 5; not: 9 (no backend-id). */
    CHECK_EQ(xs_write(XS_NO_TX, "/vbd/51728/backend-id", "0"), 0);
    CHECK_EQ(xs_write(XS_NO_TX, "/vbd/768/backend-id", "0"), 0);
    CHECK_EQ(xs_write(XS_NO_TX, "/vbd/5/backend-id", "0"), 0);
    CHECK_EQ(xs_write(XS_NO_TX, "/vbd/9/state", "1"), 0);
    /* Not ids: a leading zero, a sign, letters, too many digits. */
    CHECK_EQ(xs_write(XS_NO_TX, "/vbd/07/backend-id", "0"), 0);
    CHECK_EQ(xs_write(XS_NO_TX, "/vbd/-1/backend-id", "0"), 0);
    CHECK_EQ(xs_write(XS_NO_TX, "/vbd/xvda/backend-id", "0"), 0);
    CHECK_EQ(xs_write(XS_NO_TX, "/vbd/1234567890/backend-id", "0"), 0);
    CHECK_EQ(xenbus_list_devices("/vbd", ids, 4), 3);
    CHECK_EQ(ids[0], 5);
    CHECK_EQ(ids[1], 768);
    CHECK_EQ(ids[2], 51728);
    /* At most max, the lowest first. */
    CHECK_EQ(xenbus_list_devices("/vbd", ids, 2), 2);
    CHECK_EQ(ids[1], 768);
}

TEST(front_state_is_not_written_once_the_device_is_gone)
{
    char *v;

    setup();
    daemon_defaults();
    CHECK_EQ(xenbus_front_state("/fe", XenbusStateClosing), -ENOENT);
    CHECK_EQ(xs_read(XS_NO_TX, "/fe/state", &v, NULL), -ENOENT);
    CHECK_EQ(xs_write(XS_NO_TX, "/fe/backend-id", "0"), 0);
    CHECK_EQ(xenbus_front_state("/fe", XenbusStateClosing), 0);
    CHECK_EQ(xs_read(XS_NO_TX, "/fe/state", &v, NULL), 0);
    CHECK(strcmp(v, "5") == 0);
    free(v);
}

TEST(wait_state_in_ends_on_a_state_of_the_mask_or_the_node_gone)
{
    const unsigned int closed = 1u << XenbusStateClosing | 1u << XenbusStateClosed;

    setup();
    daemon_defaults();
    CHECK_EQ(xenbus_wait_state_in("/be", closed, sec(1)), 0); /* no node: gone */
    CHECK_EQ(xs_write(XS_NO_TX, "/be/state", "4"), 0);
    CHECK_EQ(xenbus_wait_state_in("/be", closed, sec(2)), -ETIMEDOUT);
    CHECK_EQ(xs_write(XS_NO_TX, "/be/state", "6"), 0);
    CHECK_EQ(xenbus_wait_state_in("/be", closed, sec(10)), 0);
    CHECK_EQ(watches_set(), 0);
}
