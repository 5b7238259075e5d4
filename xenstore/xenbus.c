/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Xenbus helpers for split drivers: where a device's backend lives, and the
 * XenbusState handshake both ends follow through <path>/state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <internal/format.h>
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
