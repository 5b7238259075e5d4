/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Xenbus helpers for split drivers: where a device's backend lives, and the
 * XenbusState handshake both ends follow through <path>/state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <internal/format.h>
#include <internal/time.h>
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

int xenbus_read_state(const char *path, enum xenbus_state *state)
{
    char key[256];
    unsigned long v;
    int rc = state_path(path, key, sizeof(key));

    if (!rc)
        rc = xs_read_ulong(XS_NO_TX, key, &v);
    if (rc)
        return rc;
    if (v > XenbusStateReconfigured)
        return -EINVAL;
    *state = (enum xenbus_state)v;
    return 0;
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

int xenbus_wait_state(const char *path, enum xenbus_state want, uint64_t deadline)
{
    char key[256];
    struct xs_watch *w;
    enum xenbus_state now;
    int rc = state_path(path, key, sizeof(key));

    if (rc)
        return rc;
    w = xs_watch(key, NULL, NULL);
    if (!w)
        return -errno;
    /* The watch fires once when set, then on every change: read after each. */
    for (;;) {
        char *changed;

        rc = xenbus_read_state(path, &now);
        if (!rc && now == want)
            break;
        if (rc && rc != -ENOENT)
            break;
        rc = xs_watch_wait(w, &changed, deadline);
        if (rc)
            break;
        free(changed);
    }
    xs_unwatch(w);
    return rc;
}
