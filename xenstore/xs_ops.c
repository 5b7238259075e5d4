/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The XenStore operations of <uk/xenstore.h>, each one request (or, for a
 * large directory, a few) over xs_request.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <internal/format.h>
#include <internal/sched.h>
#include <internal/time.h>
#include <uk/xenstore.h>

#include "xs_private.h"
#include "xs_wire.h"

/* A request whose payload is one NUL-terminated string. */
static int request_path(uint32_t type, xs_tx_t tx, const char *path, char **reply, uint32_t *len)
{
    struct xs_part part = {path, strlen(path) + 1};

    return xs_request(type, tx, &part, 1, reply, len);
}

int xs_read(xs_tx_t tx, const char *path, char **value, size_t *len)
{
    uint32_t n;
    int rc = request_path(XS_READ, tx, path, value, &n);

    if (!rc && len)
        *len = n;
    return rc;
}

int xs_read_buf(xs_tx_t tx, const char *path, char *buf, size_t size)
{
    char *v;
    size_t n;
    int rc = xs_read(tx, path, &v, &n);

    if (rc)
        return rc;
    if (n + 1 > size) {
        free(v);
        return -E2BIG;
    }
    memcpy(buf, v, n + 1);
    free(v);
    return (int)n;
}

int xs_read_ulong(xs_tx_t tx, const char *path, unsigned long *value)
{
    char buf[24];
    int n = xs_read_buf(tx, path, buf, sizeof(buf));

    if (n < 0)
        return n;
    return xs_parse_uint(buf, (uint32_t)n, value) ? -EINVAL : 0;
}

int xs_write_bytes(xs_tx_t tx, const char *path, const void *data, size_t len)
{
    /* The path with its NUL, then the value without one. */
    struct xs_part parts[] = {{path, strlen(path) + 1}, {data, len}};

    return xs_request(XS_WRITE, tx, parts, 2, NULL, NULL);
}

int xs_write(xs_tx_t tx, const char *path, const char *value)
{
    return xs_write_bytes(tx, path, value, strlen(value));
}

int xs_mkdir(xs_tx_t tx, const char *path)
{
    return request_path(XS_MKDIR, tx, path, NULL, NULL);
}

int xs_rm(xs_tx_t tx, const char *path)
{
    return request_path(XS_RM, tx, path, NULL, NULL);
}

/* Turn a payload of strings into one malloc'd block: pointers, then the strings. */
static int string_array(const char *payload, uint32_t len, char ***out, unsigned int *count)
{
    int n = xs_parse_strings(payload, len, NULL, 0);
    char **arr;

    if (n < 0) {
        xs_bad_reply("reply without its terminating NUL");
        return n;
    }
    arr = malloc((size_t)n * sizeof(char *) + len + 1);
    if (!arr)
        return -ENOMEM;
    memcpy(arr + n, payload, len);
    xs_parse_strings((const char *)(arr + n), len, (const char **)arr, n);
    *out = arr;
    *count = (unsigned int)n;
    return 0;
}

/*
 * XS_DIRECTORY_PART: "<path>\0<offset>\0" -> "<generation>\0<child>\0...\0":
 * the children from byte `offset` of the list, then one more NUL; a part
 * with no children ends the list. A change of generation between parts
 * means the directory changed: start again.
 */
static int directory_parts(xs_tx_t tx, const char *path, char ***names, unsigned int *count)
{
    for (int attempt = 0; attempt < 8; attempt++) {
        char *all = NULL, gen[24] = "";
        size_t all_len = 0;
        bool restart = false, last = false;
        int rc = 0;

        while (!last && !restart && !rc) {
            char off[24], *reply;
            const char *g, *children;
            uint32_t len, clen;
            struct xs_part parts[2] = {{path, strlen(path) + 1}, {off, 0}};

            parts[1].len = (size_t)ksnprintf(off, sizeof(off), "%lu", (unsigned long)all_len) + 1;
            rc = xs_request(XS_DIRECTORY_PART, tx, parts, 2, &reply, &len);
            if (rc)
                break;
            rc = xs_parse_directory_part(reply, len, &g, &children, &clen, &last);
            if (rc)
                xs_bad_reply("malformed directory part");
            if (!rc && !gen[0])
                strcpy(gen, g);
            else if (!rc && strcmp(gen, g) != 0)
                restart = true;
            if (!rc && !restart && clen > XS_DIRECTORY_MAX - all_len)
                rc = -E2BIG;
            if (!rc && !restart && clen) {
                char *grown = realloc(all, all_len + clen);

                if (grown) {
                    all = grown;
                    memcpy(all + all_len, children, clen);
                    all_len += clen;
                } else {
                    rc = -ENOMEM;
                }
            }
            free(reply);
        }
        if (!rc && !restart)
            rc = string_array(all ? all : "", (uint32_t)all_len, names, count);
        free(all);
        if (!restart)
            return rc;
    }
    return -EAGAIN;
}

int xs_directory(xs_tx_t tx, const char *path, char ***names, unsigned int *count)
{
    char *reply;
    uint32_t len;
    int rc = request_path(XS_DIRECTORY, tx, path, &reply, &len);

    /* Too big for one reply: the daemon says E2BIG; read it in parts. */
    if (rc == -E2BIG)
        return directory_parts(tx, path, names, count);
    if (rc)
        return rc;
    rc = string_array(reply, len, names, count);
    free(reply);
    return rc;
}

int xs_get_perms(xs_tx_t tx, const char *path, char ***perms, unsigned int *count)
{
    char *reply;
    uint32_t len;
    int rc = request_path(XS_GET_PERMS, tx, path, &reply, &len);

    if (rc)
        return rc;
    rc = string_array(reply, len, perms, count);
    free(reply);
    return rc;
}

int xs_set_perms(xs_tx_t tx, const char *path, const char *const *perms, unsigned int count)
{
    struct xs_part parts[1 + 16];

    if (count == 0 || count > 16)
        return -EINVAL;
    parts[0] = (struct xs_part){path, strlen(path) + 1};
    for (unsigned int i = 0; i < count; i++)
        parts[1 + i] = (struct xs_part){perms[i], strlen(perms[i]) + 1};
    return xs_request(XS_SET_PERMS, tx, parts, 1 + count, NULL, NULL);
}

int xs_get_domain_path(unsigned int id, char **path)
{
    char buf[16];

    ksnprintf(buf, sizeof(buf), "%u", id);
    return request_path(XS_GET_DOMAIN_PATH, XS_NO_TX, buf, path, NULL);
}

int xs_reset_watches(void)
{
    return request_path(XS_RESET_WATCHES, XS_NO_TX, "", NULL, NULL);
}

/*
 * xenstored limits the transactions a domain has open at once (its quota)
 * and refuses a start beyond it with ENOSPC. A start so refused waits for
 * one of ours to end (each end bumps tx_ended and wakes a waiter), up to
 * its deadline; with none of ours open nothing would free a slot, so
 * ENOSPC is final at once.
 */
#define TX_SLOT_TIMEOUT (30 * UK_NSEC_PER_SEC)

static struct uk_waitq tx_wq = {UK_LIST_INIT(tx_wq.waiters)};
static unsigned int tx_open;
static uint64_t tx_ended;

static int transaction_start_once(xs_tx_t *tx)
{
    char *reply;
    uint32_t len;
    unsigned long id;
    int rc = request_path(XS_TRANSACTION_START, XS_NO_TX, "", &reply, &len);

    if (rc)
        return rc;
    /* Not 0 (no transaction), nor past 32 bits (a truncated id could be 0, or another's). */
    rc = xs_parse_uint(reply, len, &id) || id == 0 || id > UINT32_MAX ? -EIO : 0;
    if (rc)
        xs_bad_reply("malformed transaction id");
    free(reply);
    if (!rc)
        *tx = (xs_tx_t)id;
    return rc;
}

static bool tx_ended_since(void *gen)
{
    return *(const uint64_t *)gen != tx_ended;
}

/* Until a transaction of ours ended after generation `gen`: 0, or -ENOSPC at the deadline. */
static int wait_tx_slot(uint64_t gen, uint64_t deadline)
{
    int rc;

    if (tx_open == 0 && gen == tx_ended)
        return -ENOSPC;
    /* One that ended while our start was in flight shows in tx_ended. */
    rc = uk_waitq_wait_cond(&tx_wq, "xenstore transaction slot", tx_ended_since, &gen, deadline);
    return rc == -ETIMEDOUT ? -ENOSPC : rc;
}

static int transaction_start_until(xs_tx_t *tx, uint64_t deadline)
{
    for (;;) {
        uint64_t gen = tx_ended;
        int rc = transaction_start_once(tx);

        if (rc == 0)
            tx_open++;
        if (rc != -ENOSPC)
            return rc;
        rc = wait_tx_slot(gen, deadline);
        if (rc)
            return rc;
    }
}

int xs_transaction_start(xs_tx_t *tx)
{
    return transaction_start_until(tx, uk_monotonic_ns() + TX_SLOT_TIMEOUT);
}

int xs_transaction_end(xs_tx_t tx, bool commit)
{
    int rc = request_path(XS_TRANSACTION_END, tx, commit ? "T" : "F", NULL, NULL);

    /* Ended by the daemon (committed, aborted or EAGAIN) or lost: either way not ours now. */
    if (tx_open)
        tx_open--;
    tx_ended++;
    uk_waitq_wake_one(&tx_wq);
    return rc;
}

#define TRANSACTION_RETRIES 1000

int xs_transaction_run_until(int (*fn)(xs_tx_t tx, void *ctx), void *ctx, uint64_t deadline)
{
    for (int i = 0; i < TRANSACTION_RETRIES; i++) {
        xs_tx_t tx;
        int rc = transaction_start_until(&tx, deadline);

        if (rc)
            return rc;
        rc = fn(tx, ctx);
        if (rc) {
            xs_transaction_end(tx, false);
            if (rc == -EAGAIN)
                continue;
            return rc;
        }
        rc = xs_transaction_end(tx, true);
        if (rc != -EAGAIN)
            return rc;
    }
    return -EAGAIN;
}

int xs_transaction_run(int (*fn)(xs_tx_t tx, void *ctx), void *ctx)
{
    return xs_transaction_run_until(fn, ctx, uk_monotonic_ns() + TX_SLOT_TIMEOUT);
}

int xs_wait_for(const char *path, xs_wait_check_fn ready, void *ctx, uint64_t deadline)
{
    struct xs_watch *w = xs_watch(path, NULL, NULL);
    int rc;

    if (!w)
        return -errno;
    /*
     * Check after every event; the watch was set before the first check, so
     * a change between that check and the wait still queues an event.
     */
    for (;;) {
        char *changed;

        rc = ready(path, ctx);
        if (rc != -EAGAIN)
            break;
        rc = xs_watch_wait(w, &changed, deadline);
        if (rc)
            break;
        free(changed);
    }
    xs_unwatch(w);
    return rc;
}

/* Not there, or not readable yet, means wait on; a closed connection (-EIO) ends it. */
static int key_exists(const char *path, void *ctx)
{
    char *v;
    int rc = xs_read(XS_NO_TX, path, &v, NULL);

    (void)ctx;
    if (rc == 0)
        free(v);
    return rc == 0 || rc == -EIO ? rc : -EAGAIN;
}

int xs_wait_exists(const char *path, uint64_t deadline)
{
    return xs_wait_for(path, key_exists, NULL, deadline);
}
