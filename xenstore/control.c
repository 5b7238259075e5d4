/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The toolstack's control node, in every image: control/shutdown
 * ("poweroff", "reboot", what `xl shutdown` / `xl reboot` / `virsh` write)
 * and control/sysrq (`xl sysrq DOM KEY`). The features we honour are
 * advertised in control/feature-* so that xl and libvirt know.
 *
 * A request is taken in a transaction with its read and acknowledged by
 * writing "" back, as Linux does: the toolstack sees it was taken, and a
 * second watch event for our own write finds "" and does nothing. Unknown
 * shutdown requests are logged and left in place (not acknowledged: we are
 * not prepared to handle them); unknown sysrq keys are acknowledged and
 * ignored with a log line.
 *
 * Nothing here runs before main: the thread `control` sets one watch on
 * the control directory once main first blocks, takes its first event,
 * writes the features (each a round trip with dom0), then takes the
 * watch's events for good. A request that
 * came before the watch was set is seen by the event xenstored sends when a
 * watch is set.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include <internal/kernel.h>
#include <uk/kernel.h>
#include <uk/sched.h>
#include <uk/shutdown.h>
#include <uk/xenstore.h>

#define CONTROL_DIR   "control"
#define SHUTDOWN_NODE "control/shutdown"
#define SYSRQ_NODE    "control/sysrq"
#define REQUEST_MAX   32 /* longer than any request we know */

/*
 * The requests we take. "halt" is a poweroff to us (Linux's view too);
 * "suspend" joins (with control/feature-suspend) once save, restore and
 * migration exist.
 */
static const struct {
    const char *name;
    int reason;
} requests[] = {
    {"poweroff", UK_SHUTDOWN_POWEROFF},
    {"halt", UK_SHUTDOWN_POWEROFF},
    {"reboot", UK_SHUTDOWN_REBOOT},
};

static const char *const features[] = {
    "control/feature-poweroff",
    "control/feature-reboot",
};

/* What one look at control/shutdown found, filled in the transaction. */
struct take {
    char value[REQUEST_MAX];
    int reason; /* UK_SHUTDOWN_NONE: nothing to do */
    bool unknown;
};

static int lookup(const char *value)
{
    for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
        if (!strcmp(value, requests[i].name))
            return requests[i].reason;
    return UK_SHUTDOWN_NONE;
}

/*
 * `path`'s value into buf, cut short to fit, made printable (it is for a log
 * line): the length read, 0 when the node is absent, or a negative errno.
 */
static int read_request(xs_tx_t tx, const char *path, char *buf, size_t size)
{
    char *v;
    size_t n;
    int rc = xs_read(tx, path, &v, &n);

    buf[0] = '\0';
    if (rc == -ENOENT)
        return 0;
    if (rc)
        return rc;
    for (size_t i = 0; i < size - 1 && i < n; i++) {
        buf[i] = v[i] >= ' ' && v[i] < 0x7f ? v[i] : '?';
        buf[i + 1] = '\0';
    }
    free(v);
    return n > size - 1 ? (int)(size - 1) + 1 : (int)n;
}

/* May run more than once (a conflict restarts it): it only fills *t and writes in tx. */
static int take_shutdown(xs_tx_t tx, void *ctx)
{
    struct take *t = ctx;
    int n = read_request(tx, SHUTDOWN_NODE, t->value, sizeof(t->value));

    t->reason = UK_SHUTDOWN_NONE;
    t->unknown = false;
    if (n <= 0)
        return n;
    /* A value cut short matches nothing. */
    t->reason = n < (int)sizeof(t->value) ? lookup(t->value) : UK_SHUTDOWN_NONE;
    if (t->reason == UK_SHUTDOWN_NONE) {
        t->unknown = true;
        return 0;
    }
    return xs_write(tx, SHUTDOWN_NODE, "");
}

/*
 * Whether `path` holds a request: a plain read first, since most events are
 * for nothing (our own acknowledgement, the event a new watch gets), and a
 * transaction costs two more round trips.
 */
static bool pending(const char *path)
{
    char buf[2];

    return read_request(XS_NO_TX, path, buf, sizeof(buf)) != 0;
}

static void shutdown_event(void)
{
    struct take t;
    int rc;

    if (!pending(SHUTDOWN_NODE))
        return;
    rc = xs_transaction_run(take_shutdown, &t);
    if (rc) {
        uk_printf("control: cannot read %s (%d)\n", SHUTDOWN_NODE, rc);
        return;
    }
    if (t.unknown)
        uk_printf("control: unknown shutdown request \"%s\": ignored\n", t.value);
    else if (t.reason != UK_SHUTDOWN_NONE)
        kernel_shutdown_request(t.reason);
}

/* The key, or '\0' when there is none; acknowledged in the same transaction. */
static int take_sysrq(xs_tx_t tx, void *ctx)
{
    char *key = ctx;
    char buf[2];
    int n = read_request(tx, SYSRQ_NODE, buf, sizeof(buf));

    *key = buf[0];
    if (n <= 0)
        return n;
    return xs_write(tx, SYSRQ_NODE, "");
}

static void sysrq_event(void)
{
    char key;
    int rc;

    if (!pending(SYSRQ_NODE))
        return;
    rc = xs_transaction_run(take_sysrq, &key);
    if (rc) {
        uk_printf("control: cannot read %s (%d)\n", SYSRQ_NODE, rc);
        return;
    }
    if (key == 't') {
        uk_printf("control: sysrq t: threads\n");
        uk_sched_dump();
    } else if (key) {
        uk_printf("control: sysrq %c: ignored (only t is known)\n", key);
    }
}

/* Whether the event's path is `node` (relative) or below: xenstored gives relative paths back. */
static bool event_for(const char *path, const char *node)
{
    size_t n = strlen(node), len = strlen(path);

    return len >= n && !strcmp(path + len - n, node);
}

/*
 * The features, then one watch on the whole control directory, and its
 * events for ever. A thread of its own (not a watch callback), so that the
 * requests do not wait behind other watches' callbacks, and the same
 * threads exist from boot to the end, whatever XenStore answers.
 */
/* Take one event: false once the watch is over for good. */
static bool take_event(struct xs_watch *w)
{
    char *path;
    int rc = xs_watch_wait(w, &path, 0);
    bool all;

    if (rc == -EIO || rc == -ECANCELED) {
        uk_printf("control: watch ended (%d): xl shutdown will not be seen\n", rc);
        return false;
    }
    if (rc)
        return true; /* -ENOMEM: that event is gone, the next one will come */
    /* The directory itself: the watch's first event, or events were dropped. */
    all = event_for(path, CONTROL_DIR);
    if (all || event_for(path, SHUTDOWN_NODE))
        shutdown_event();
    if (all || event_for(path, SYSRQ_NODE))
        sysrq_event();
    free(path);
    return true;
}

static void control_thread(void *arg)
{
    struct xs_watch *w;

    (void)arg;
    w = xs_watch(CONTROL_DIR, NULL, NULL);
    if (!w) {
        uk_printf("control: cannot watch %s (%d): xl shutdown will not be seen\n", CONTROL_DIR,
                  -errno);
        return;
    }
    /*
     * The event every new watch gets (a request made before it included),
     * then the features, last: once control/feature-reboot is there, the
     * set-up's round trips and allocations are over (tests that count pages
     * wait for it), and a request the toolstack makes is watched.
     */
    if (!take_event(w))
        return;
    for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
        int rc = xs_write(XS_NO_TX, features[i], "1");

        if (rc)
            uk_printf("control: cannot write %s (%d)\n", features[i], rc);
    }
    while (take_event(w))
        ;
}

/* Global so that white-box apps, linked from the archive, pull it in (-u, mk/app.mk). */
int control_init(void);
int control_init(void)
{
    struct uk_thread *t = uk_thread_create("control", control_thread, NULL, 0);

    if (!t)
        return -ENOMEM;
    uk_thread_detach(t);
    return 0;
}
INITCALL_ALWAYS(control_init, 3);
