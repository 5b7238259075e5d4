/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the consumers of xenstored's replies (xenstore/xs_ops.c,
 * xenbus.c) as the guest links them, with xs_request answered from the
 * input: directory listings (one reply, or parts restarted on a new
 * generation), permission lists, transaction ids, decimal values and xenbus
 * states. Each reply is a type choice (the right type, XS_ERROR, a wrong
 * type), a length and bytes.
 *
 * Invariants (abort() when broken): a listing returned is exactly the
 * strings of the reply (one reply) or at most XS_DIRECTORY_MAX bytes
 * (parts), each name inside the block; a transaction id is non-zero and the
 * reply's number; a value read into a buffer fits it, NUL-terminated, and
 * is the reply's bytes; a xenbus state is a valid enum value; a failure is
 * a negative errno and returns nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <internal/time.h>
#include <uk/kernel.h>
#include <uk/sched.h>

#include "../../xenstore/xs_private.h"
#include "../../xenstore/xs_wire.h"

static const uint8_t *in;
static size_t in_len;
static unsigned int replies;
static char last[XENSTORE_PAYLOAD_MAX + 1]; /* the last reply of the right type */
static uint32_t last_len;
static uint32_t last_type;

static unsigned int take(void)
{
    if (!in_len)
        return 0;
    in_len--;
    return *in++;
}

int xs_request(uint32_t type, xs_tx_t tx, const struct xs_part *parts, unsigned int nparts,
               char **reply, uint32_t *reply_len)
{
    unsigned int kind, len;
    char *p;
    int rc = 0;

    (void)tx;
    (void)parts;
    (void)nparts;
    if (!in_len)
        return -ETIMEDOUT;
    replies++;
    kind = take() % 4;
    len = take();
    len |= (take() & 0x0f) << 8; /* up to 4095, within XENSTORE_PAYLOAD_MAX */
    if (len > in_len)
        len = (unsigned int)in_len;
    p = malloc(len + 1);
    memcpy(p, in, len);
    p[len] = 0;
    in += len;
    in_len -= len;
    /* As xs_request checks a reply (xs.c: check_reply). */
    if (kind == 1)
        rc = xs_parse_error(p, len);
    else if (kind == 2)
        rc = -EIO;
    if (rc || !reply) {
        free(p);
        return rc;
    }
    memcpy(last, p, len + 1);
    last_len = len;
    last_type = type;
    *reply = p;
    if (reply_len)
        *reply_len = len;
    return 0;
}

void xs_bad_reply(const char *what)
{
    (void)what;
}
uint64_t uk_monotonic_ns(void)
{
    return 0;
}
int uk_waitq_wait_cond(struct uk_waitq *wq, const char *what, bool (*cond)(void *ctx), void *ctx,
                       uint64_t deadline)
{
    (void)wq;
    (void)what;
    (void)deadline;
    return cond(ctx) ? 0 : -ETIMEDOUT;
}
bool uk_waitq_wake_one(struct uk_waitq *wq)
{
    (void)wq;
    return false;
}
struct xs_watch *xs_watch(const char *path, xs_watch_fn fn, void *ctx)
{
    (void)path;
    (void)fn;
    (void)ctx;
    errno = ENOSYS;
    return NULL;
}
int xs_watch_wait(struct xs_watch *w, char **path, uint64_t deadline)
{
    (void)w;
    (void)path;
    (void)deadline;
    return -ENOSYS;
}
int xs_unwatch(struct xs_watch *w)
{
    (void)w;
    return -ENOSYS;
}
/* xenbus_watch_devices's thread and log: never reached, as xs_watch fails here. */
struct uk_thread *uk_thread_create(const char *name, void (*fn)(void *), void *arg,
                                   size_t stack_size)
{
    (void)name;
    (void)fn;
    (void)arg;
    (void)stack_size;
    abort();
}
void uk_printf(const char *fmt, ...)
{
    (void)fmt;
}

/* A list of `count` names in one block: each inside it, their bytes `len` in all. */
static void check_list(char **names, unsigned int count, size_t *len)
{
    *len = 0;
    for (unsigned int i = 0; i < count; i++) {
        check(names[i] != NULL);
        *len += strlen(names[i]) + 1;
    }
}

static void directory(void)
{
    char **names = NULL;
    unsigned int count = 12345, before = replies;
    size_t len;
    int rc = xs_directory(XS_NO_TX, "/d", &names, &count);

    if (rc) {
        check(rc < 0 && names == NULL && count == 12345);
        return;
    }
    check_list(names, count, &len);
    check(len <= XS_DIRECTORY_MAX);
    if (replies == before + 1) {
        /* One XS_DIRECTORY reply: exactly its strings. */
        check(last_type == XS_DIRECTORY && len == last_len);
        for (unsigned int i = 0, off = 0; i < count; off += (unsigned int)strlen(names[i]) + 1, i++)
            check(strcmp(names[i], last + off) == 0);
    }
    free(names);
}

static void perms(void)
{
    char **p = NULL;
    unsigned int count;
    size_t len;
    int rc = xs_get_perms(XS_NO_TX, "/p", &p, &count);

    if (rc) {
        check(rc < 0 && p == NULL);
        return;
    }
    check_list(p, count, &len);
    check(len == last_len);
    free(p);
}

static void transaction(void)
{
    xs_tx_t tx = 0;
    int rc = xs_transaction_start(&tx);
    unsigned long v;

    if (rc) {
        check(rc < 0 && tx == 0);
        return;
    }
    check(tx != 0);
    check(xs_parse_uint(last, last_len, &v) == 0 && v == tx);
    xs_transaction_end(tx, take() & 1);
}

static void read_buf(void)
{
    char buf[64];
    size_t size = take() % sizeof(buf) + 1;
    int rc;

    memset(buf, 0x55, sizeof(buf));
    rc = xs_read_buf(XS_NO_TX, "/v", buf, size);
    if (rc < 0) {
        check(buf[0] == 0x55);
        return;
    }
    check((size_t)rc < size && buf[rc] == 0 && (uint32_t)rc == last_len);
    check(memcmp(buf, last, (size_t)rc) == 0);
    check(size == sizeof(buf) || buf[size] == 0x55);
}

static void read_ulong(void)
{
    unsigned long v = 777, w;
    int rc = xs_read_ulong(XS_NO_TX, "/n", &v);

    if (rc) {
        check(rc < 0 && v == 777);
        return;
    }
    check(xs_parse_uint(last, last_len, &w) == 0 && w == v);
}

static void xenbus_state(void)
{
    enum xenbus_state st = (enum xenbus_state)99;
    int rc = xenbus_read_state("device/vif/0", &st);

    if (rc) {
        check(rc < 0);
        return;
    }
    check(st <= XenbusStateReconfigured);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    in = data;
    in_len = size;
    while (in_len) {
        switch (take() % 6) {
        case 0:
            directory();
            break;
        case 1:
            perms();
            break;
        case 2:
            transaction();
            break;
        case 3:
            read_buf();
            break;
        case 4:
            read_ulong();
            break;
        default:
            xenbus_state();
        }
    }
    return 0;
}
