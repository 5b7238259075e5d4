/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Xenbus helpers for split drivers: where a device's backend lives, and the
 * XenbusState handshake both ends follow through <path>/state.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <internal/format.h>
#include <uk/kernel.h>
#include <uk/sched.h>
#include <uk/xenstore.h>

static int state_path(const char *path, char *buf, size_t size)
{
    int n = ksnprintf(buf, size, "%s/state", path);

    return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int xenbus_backend_path(const char *dev, char **path)
{
    char key[256];
    int n = ksnprintf(key, sizeof(key), "%s/backend", dev);

    if (n < 0 || (size_t)n >= sizeof(key))
        return -ENAMETOOLONG;
    return xs_read(XS_NO_TX, key, path, NULL);
}

static int read_state_key(const char *key, enum xenbus_state *state)
{
    unsigned long v;
    int rc = xs_read_ulong(XS_NO_TX, key, &v);

    if (rc)
        return rc;
    if (v > XenbusStateReconfigured)
        return -EINVAL;
    *state = (enum xenbus_state)v;
    return 0;
}

int xenbus_read_state(const char *path, enum xenbus_state *state)
{
    char key[256];
    int rc = state_path(path, key, sizeof(key));

    return rc ? rc : read_state_key(key, state);
}

int xenbus_switch_state(const char *path, enum xenbus_state state)
{
    char key[256], value[4];
    int rc = state_path(path, key, sizeof(key));

    if (rc)
        return rc;
    ksnprintf(value, sizeof(value), "%d", (int)state);
    return xs_write(XS_NO_TX, key, value);
}

/* Another state, or none yet (-ENOENT), means wait on; any other error ends it. */
static int state_is(const char *key, void *ctx)
{
    enum xenbus_state now;
    int rc = read_state_key(key, &now);

    if (rc)
        return rc == -ENOENT ? -EAGAIN : rc;
    return now == *(const enum xenbus_state *)ctx ? 0 : -EAGAIN;
}

int xenbus_wait_state(const char *path, enum xenbus_state want, uint64_t deadline)
{
    char key[256];
    int rc = state_path(path, key, sizeof(key));

    return rc ? rc : xs_wait_for(key, state_is, &want, deadline);
}

int xenbus_path(char *buf, size_t size, const char *dir, const char *key)
{
    int n = ksnprintf(buf, size, "%s/%s", dir, key);

    return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

struct front_state {
    const char *dev;
    enum xenbus_state state;
};

/*
 * Only while <dev>/backend-id is there: a detach removes the device's
 * directory, and a plain write would make a stray <dev>/state that the
 * toolstack never cleans up (and that a later attach would find).
 */
static int front_state_tx(xs_tx_t tx, void *ctx)
{
    struct front_state *fs = ctx;
    char key[256], value[4];
    unsigned long id;
    int rc = xenbus_path(key, sizeof(key), fs->dev, "backend-id");

    rc = rc ? rc : xs_read_ulong(tx, key, &id);
    rc = rc ? rc : xenbus_path(key, sizeof(key), fs->dev, "state");
    if (rc)
        return rc;
    ksnprintf(value, sizeof(value), "%d", (int)fs->state);
    return xs_write(tx, key, value);
}

int xenbus_front_state(const char *dev, enum xenbus_state state)
{
    struct front_state fs = {dev, state};

    return xs_transaction_run(front_state_tx, &fs);
}

/* Done when the state is one of the mask's, or the node is gone. */
static int state_in(const char *key, void *ctx)
{
    unsigned long v;
    int rc = xs_read_ulong(XS_NO_TX, key, &v);

    if (rc == -ENOENT)
        return 0;
    if (rc)
        return rc;
    return v < 32 && (*(const unsigned int *)ctx & (1u << v)) ? 0 : -EAGAIN;
}

int xenbus_wait_state_in(const char *path, unsigned int want, uint64_t deadline)
{
    char key[256];
    int rc = state_path(path, key, sizeof(key));

    return rc ? rc : xs_wait_for(key, state_in, &want, deadline);
}

int xenbus_close_step(const char *dev, const char *be, enum xenbus_state ours, unsigned int want,
                      uint64_t deadline)
{
    xenbus_front_state(dev, ours);
    return xenbus_wait_state_in(be, want, deadline);
}

/* A device's id: decimal digits only, no leading zero, below 10^9. */
static bool parse_id(const char *s, unsigned long *id)
{
    unsigned long v = 0;

    if (!*s || (s[0] == '0' && s[1]) || strlen(s) > 9)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (unsigned long)(*s - '0');
    }
    *id = v;
    return true;
}

static int cmp_ulong(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

    return x < y ? -1 : x > y;
}

bool xenbus_device_complete(const char *dir, unsigned long id)
{
    char key[256];
    unsigned long backend;
    int n = ksnprintf(key, sizeof(key), "%s/%lu/backend-id", dir, id);

    return n > 0 && (size_t)n < sizeof(key) && xs_read_ulong(XS_NO_TX, key, &backend) == 0;
}

int xenbus_list_devices(const char *dir, unsigned long *ids, unsigned int max)
{
    char **names;
    unsigned int count, n = 0;
    unsigned long *all;
    int rc = xs_directory(XS_NO_TX, dir, &names, &count);

    if (rc == -ENOENT)
        return 0;
    if (rc)
        return rc;
    all = malloc((count ? count : 1) * sizeof(*all));
    if (!all) {
        free(names);
        return -ENOMEM;
    }
    for (unsigned int i = 0; i < count; i++)
        if (parse_id(names[i], &all[n]))
            n++;
    free(names);
    qsort(all, n, sizeof(*all), cmp_ulong);
    count = n;
    n = 0;
    for (unsigned int i = 0; i < count && n < max; i++)
        if (xenbus_device_complete(dir, all[i]))
            ids[n++] = all[i];
    free(all);
    return (int)n;
}

/* Done once Connected; Closing, Closed or gone on the way means it will not be. */
static int connected(const char *key, void *ctx)
{
    unsigned long v;
    int rc = xs_read_ulong(XS_NO_TX, key, &v);

    (void)ctx;
    if (rc)
        return rc == -ENOENT ? -ENOTCONN : rc;
    if (v == XenbusStateConnected)
        return 0;
    return v == XenbusStateClosing || v == XenbusStateClosed ? -ENOTCONN : -EAGAIN;
}

int xenbus_wait_connected(const char *be, uint64_t deadline)
{
    char key[256];
    int rc = state_path(be, key, sizeof(key));

    return rc ? rc : xs_wait_for(key, connected, NULL, deadline);
}

/* Ready to be connected to: the backend said its features (InitWait) or is Connected. */
static int ready(const char *key, void *ctx)
{
    unsigned long v;
    int rc = xs_read_ulong(XS_NO_TX, key, &v);

    (void)ctx;
    if (rc)
        return rc == -ENOENT ? -EAGAIN : rc;
    return v == XenbusStateInitWait || v == XenbusStateConnected ? 0 : -EAGAIN;
}

/*
 * A backend left Closed by an earlier close takes our Initialising as
 * "prepare for reconnect" and goes back to InitWait; a fresh one is there
 * already, which one read shows (each XenStore round trip costs about
 * 10 ms under emulation).
 */
int xenbus_await_backend(const char *dev, const char *be, uint64_t deadline)
{
    char key[256];
    enum xenbus_state bs = XenbusStateUnknown;
    int rc = xenbus_read_state(be, &bs);

    if (!rc && (bs == XenbusStateInitWait || bs == XenbusStateConnected))
        return 0;
    if (!rc && (bs == XenbusStateClosing || bs == XenbusStateClosed))
        rc = xenbus_front_state(dev, XenbusStateInitialising);
    if (rc && rc != -ENOENT)
        return rc;
    rc = state_path(be, key, sizeof(key));
    return rc ? rc : xs_wait_for(key, ready, NULL, deadline);
}

#define DEV_WATCH_MAX 64 /* devices one watch tells apart; more are never reported new */

struct dev_watch {
    const char *dir;
    void (*fn)(unsigned long id, void *ctx);
    void *ctx;
    struct xs_watch *w;
    unsigned long known[DEV_WATCH_MAX];
    unsigned int nknown;
};

static bool is_known(const struct dev_watch *dw, unsigned long id)
{
    for (unsigned int i = 0; i < dw->nknown; i++)
        if (dw->known[i] == id)
            return true;
    return false;
}

/* The complete devices now; those absent at the last look are new. */
static void dev_look(struct dev_watch *dw)
{
    unsigned long now[DEV_WATCH_MAX] = {0};
    int n = xenbus_list_devices(dw->dir, now, DEV_WATCH_MAX);

    if (n < 0)
        return;
    for (int i = 0; i < n; i++)
        if (!is_known(dw, now[i]))
            dw->fn(now[i], dw->ctx);
    /* A device detached and attached again under the same id is new again. */
    memcpy(dw->known, now, (size_t)n * sizeof(now[0]));
    dw->nknown = (unsigned int)n;
}

static void dev_watch_thread(void *arg)
{
    struct dev_watch *dw = arg;

    for (;;) {
        char *path;
        int rc = xs_watch_wait(dw->w, &path, UK_TIME_NEVER);

        if (rc == -EIO || rc == -ECANCELED) {
            uk_printf("xenbus: watch on %s ended (%d): no more new devices there\n", dw->dir, rc);
            return;
        }
        if (rc)
            continue;
        free(path);
        dev_look(dw);
    }
}

int xenbus_watch_devices(const char *dir, const unsigned long *known, unsigned int n,
                         void (*fn)(unsigned long id, void *ctx), void *ctx)
{
    struct dev_watch *dw = calloc(1, sizeof(*dw));

    if (!dw)
        return -ENOMEM;
    *dw = (struct dev_watch){.dir = dir, .fn = fn, .ctx = ctx};
    dw->nknown = n < DEV_WATCH_MAX ? n : DEV_WATCH_MAX;
    memcpy(dw->known, known, dw->nknown * sizeof(known[0]));
    /*
     * The directory itself: xenstored tells us of every change below it,
     * and fires once when the watch is set, so a device that came between
     * the caller's listing and now is seen by the first look.
     */
    dw->w = xs_watch(dir, NULL, NULL);
    if (!dw->w || !uk_thread_create("xenbus-devices", dev_watch_thread, dw, 0)) {
        int rc = -(dw->w ? ENOMEM : errno);

        if (dw->w)
            xs_unwatch(dw->w);
        free(dw);
        return rc;
    }
    return 0;
}
