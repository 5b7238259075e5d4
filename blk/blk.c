/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Block devices as the app sees them (<uk/blk.h>, docs/blk.md): the init
 * call (the command line's knobs, every disk under device/vbd opened, a
 * watch for disks attached later), the public calls, and the close of
 * every disk at exit. The driver itself is blkfront.c. An app that calls
 * no uk_blk_* gets none of this: the init call is kept only through
 * blk_needed (internal/kernel.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <internal/cmdline.h>
#include <internal/format.h>
#include <internal/kernel.h>
#include <uk/kernel.h>
#include <uk/time.h>
#include <uk/xenstore.h>

#include "blk_private.h"

#define THREAD_STACK (32 * 1024) /* done callbacks run on it */
/*
 * A disk there at boot has its backend waiting already (xl runs the hotplug
 * scripts before the guest starts), so its open is short; one attached
 * later may wait for its script.
 */
#define BOOT_OPEN_NS    (10 * UK_NSEC_PER_SEC)
#define HOTPLUG_OPEN_NS (30 * UK_NSEC_PER_SEC)
#define BOOT_WAIT_NS    (BOOT_OPEN_NS + 5 * UK_NSEC_PER_SEC) /* every disk's open, at boot */
#define VBD_MAX         64                                   /* vbds told apart by the watcher */

struct blk_disk *blk_disks[UK_BLK_MAX];
unsigned int blk_ndisks;
struct blkw_knobs blk_knobs;
struct uk_waitq blk_boot_wq;
uint64_t blk_exit_ns;

static void blk_needed(void)
{
    INITCALL_NEEDED(blk_init);
}

/* ---- disks: one slot per vdev for the guest's life ---- */

static struct blk_disk *find_vdev(unsigned long vdev)
{
    for (unsigned int i = 0; i < blk_ndisks; i++)
        if (blk_disks[i]->info.vdev == vdev)
            return blk_disks[i];
    return NULL;
}

/* The disk of `vdev`: its slot from before, or a new one with its thread. NULL when full. */
static struct blk_disk *slot_for(unsigned long vdev)
{
    struct blk_disk *d = find_vdev(vdev);
    static bool told;

    if (d)
        return d;
    if (blk_ndisks == UK_BLK_MAX) {
        if (!told)
            uk_printf("blkfront: vbd %lu not attached: %d disks at most\n", vdev, UK_BLK_MAX);
        told = true;
        return NULL;
    }
    d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->index = blk_ndisks;
    d->info.vdev = (unsigned int)vdev;
    /* A vdev no name fits: named after its index, which no real name looks like. */
    if (blkw_vdev_name(vdev, d->info.name))
        ksnprintf(d->info.name, sizeof(d->info.name), "vbd%u", d->index);
    ksnprintf(d->dev, sizeof(d->dev), "device/vbd/%lu", vdev);
    d->state = BLK_NEW;
    d->pool_free = d->shadow_free = BLK_NO_PAGE;
    uk_list_init(&d->queue);
    uk_waitq_init(&d->wq);
    d->thread = uk_thread_create("blkfront", blkfront_thread, d, THREAD_STACK);
    if (!d->thread) {
        free(d);
        return NULL;
    }
    blk_disks[blk_ndisks++] = d;
    return d;
}

static void request_open(struct blk_disk *d, uint64_t wait)
{
    d->open_wait_ns = wait;
    d->want_open = true;
    uk_waitq_wake_all(&d->wq);
}

/* The complete vbds under device/vbd now, ascending: their count, or a negative errno. */
static int list_vbds(unsigned long *out, unsigned int max)
{
    return xenbus_list_devices("device/vbd", out, max);
}

/* ---- disks attached later ---- */

static struct {
    struct xs_watch *w;
    unsigned long known[VBD_MAX];
    unsigned int nknown;
} watcher;

static bool known(unsigned long vdev)
{
    for (unsigned int i = 0; i < watcher.nknown; i++)
        if (watcher.known[i] == vdev)
            return true;
    return false;
}

/*
 * Present now: the complete vbds; those not present at the last look are
 * new (xl block-attach, or attached again after a detach) and opened, in
 * the slot of their vdev if it had one.
 */
static void watch_look(void)
{
    unsigned long now[VBD_MAX];
    int n = list_vbds(now, VBD_MAX);

    if (n < 0)
        return;
    for (int i = 0; i < n; i++) {
        struct blk_disk *d;

        if (known(now[i]))
            continue;
        d = slot_for(now[i]);
        if (d)
            request_open(d, HOTPLUG_OPEN_NS);
    }
    memcpy(watcher.known, now, (size_t)n * sizeof(now[0]));
    watcher.nknown = (unsigned int)n;
}

static void watch_thread(void *arg)
{
    (void)arg;
    for (;;) {
        char *path;
        int rc = xs_watch_wait(watcher.w, &path, UK_TIME_NEVER);

        if (rc == -EIO || rc == -ECANCELED) {
            uk_printf("blkfront: watch on device/vbd ended (%d): no more new disks\n", rc);
            return;
        }
        if (rc)
            continue;
        free(path);
        watch_look();
    }
}

/* ---- boot and exit ---- */

/* The knobs of the command line, which main's argv does not get (docs/blk.md). */
static void configure(void)
{
    static char buf[1024];
    char *words[64], err[96];
    struct cmdline_args a = cmdline_parse(kernel_cmdline(), buf, sizeof(buf), words, 64, 0);

    blkw_knobs_init(&blk_knobs);
    for (int i = 0; i < a.argc; i++)
        if (blkw_knob_apply(&blk_knobs, words[i], err, sizeof(err)) < 0) {
            uk_printf("blk: %s\n", err);
            kernel_exit(2);
        }
    kernel_cmdline_claim(blkw_is_key);
}

static bool boot_opens_done(void *ctx)
{
    (void)ctx;
    for (unsigned int i = 0; i < blk_ndisks; i++)
        if (blk_disks[i]->want_open || blk_disks[i]->state == BLK_OPENING)
            return false;
    return true;
}

/*
 * exit() (atexit): every disk says goodbye to its backend (Closing,
 * Closed, grants ended) before the domain goes, all at once, each on its
 * own thread; its pending requests fail with -EIO.
 */
static void blk_shutdown(void)
{
    blk_exit_ns = uk_monotonic_ns();
    for (unsigned int i = 0; i < blk_ndisks; i++) {
        blk_disks[i]->want_exit = true;
        uk_waitq_wake_all(&blk_disks[i]->wq);
    }
    for (unsigned int i = 0; i < blk_ndisks; i++) {
        struct blk_disk *d = blk_disks[i];

        if (d->thread && d->thread != uk_thread_self())
            uk_thread_join(d->thread);
        d->thread = NULL;
    }
}

static int blk_init(void)
{
    unsigned long vdevs[UK_BLK_MAX];
    int n;

    configure();
    uk_waitq_init(&blk_boot_wq);
    /* Watching first, then listing: a disk cannot slip between the two. */
    watcher.w = xs_watch("device/vbd", NULL, NULL);
    if (!watcher.w || !uk_thread_create("blkfront-watch", watch_thread, NULL, 0))
        uk_printf("blkfront: cannot watch device/vbd: disks attached later are not seen\n");
    n = list_vbds(watcher.known, VBD_MAX);
    watcher.nknown = n > 0 ? (unsigned int)n : 0;
    if (n < 0)
        uk_printf("blkfront: cannot list device/vbd: %d\n", n);
    for (int i = 0; i < n && i < UK_BLK_MAX; i++)
        vdevs[i] = watcher.known[i];
    for (int i = 0; i < n && i < UK_BLK_MAX; i++) {
        struct blk_disk *d = slot_for(vdevs[i]);

        if (d)
            request_open(d, BOOT_OPEN_NS);
    }
    /* The opens run at once, one thread per disk. */
    uk_waitq_wait_cond(&blk_boot_wq, "blk open", boot_opens_done, NULL,
                       uk_deadline_in(BOOT_WAIT_NS));
    if (atexit(blk_shutdown))
        uk_printf("blkfront: cannot register the close at exit\n");
    return 0;
}
INITCALL(blk_init, 3);

/* ---- the app's calls ---- */

unsigned int uk_blk_count(void)
{
    blk_needed();
    return blk_ndisks;
}

int uk_blk_info(unsigned int i, struct uk_blk_info *info)
{
    blk_needed();
    if (i >= blk_ndisks)
        return -ENODEV;
    if (!info)
        return -EINVAL;
    *info = blk_disks[i]->info;
    return 0;
}

int uk_blk_find(const char *name)
{
    blk_needed();
    for (unsigned int i = 0; name && i < blk_ndisks; i++)
        if (strcmp(blk_disks[i]->info.name, name) == 0)
            return (int)i;
    return -ENODEV;
}

int uk_blk_submit(unsigned int i, struct uk_blk_req *req)
{
    struct blk_disk *d;
    int rc;

    blk_needed();
    if (i >= blk_ndisks)
        return -ENODEV;
    if (!req || !req->done)
        return -EINVAL;
    d = blk_disks[i];
    /* Detached, broken or (re)opening: refused at once, never queued for later. */
    if (d->state != BLK_UP)
        return -EIO;
    rc = blkw_check_req(&d->info, req->op, req->offset, req->len, req->buf);
    if (rc)
        return rc;
    blkfront_submit(d, req);
    return 0;
}

static void wake_waiter(struct uk_blk_req *req)
{
    uk_sem_up(req->arg);
}

/* The blocking wrappers: one request, and the tree's semaphore to wait for its callback. */
static int submit_wait(unsigned int i, enum uk_blk_op op, uint64_t offset, void *buf, size_t len)
{
    struct uk_sem done;
    struct uk_blk_req req = {
        .op = op, .offset = offset, .len = len, .buf = buf, .done = wake_waiter, .arg = &done};
    int rc;

    blk_needed();
    /* On the disk's own thread nobody would ever call wake_waiter. */
    if (i < blk_ndisks && blk_disks[i]->thread == uk_thread_self())
        return -EDEADLK;
    uk_sem_init(&done, 0);
    rc = uk_blk_submit(i, &req);
    if (rc)
        return rc;
    uk_sem_down(&done);
    return req.status;
}

int uk_blk_read(unsigned int i, uint64_t offset, void *buf, size_t len)
{
    return submit_wait(i, UK_BLK_READ, offset, buf, len);
}

int uk_blk_write(unsigned int i, uint64_t offset, const void *buf, size_t len)
{
    /* Only read from: the request's buf is not const for reads' sake. */
    return submit_wait(i, UK_BLK_WRITE, offset, (void *)(uintptr_t)buf, len);
}

int uk_blk_flush(unsigned int i)
{
    return submit_wait(i, UK_BLK_FLUSH, 0, NULL, 0);
}

int uk_blk_discard(unsigned int i, uint64_t offset, uint64_t len)
{
    /* size_t is 64 bits here (x86-64 only): nothing is cut. */
    return submit_wait(i, UK_BLK_DISCARD, offset, NULL, (size_t)len);
}
