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
