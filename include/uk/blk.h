/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Block devices as an app sees them (docs/blk.md): the guest's virtual
 * disks (device/vbd/N in XenStore, served by a blkback in another domain),
 * found at boot and when attached later, read and written asynchronously
 * with a completion callback or through blocking wrappers for threads. An
 * app that calls none of this gets none of it linked in.
 *
 * Offsets and lengths are in bytes and must be multiples of the disk's
 * sector_size; a request of any length is split by the runtime into as many
 * ring requests as it needs and completes once, when all have. Errors are
 * negative errno values: -EINVAL (misaligned, out of range, bad argument),
 * -EROFS (write or discard on a read-only disk), -EOPNOTSUPP (flush or
 * discard the backend does not offer), -ENODEV (no such disk), -EIO (the
 * backend said so, sent something invalid, or went away).
 */
#ifndef UK_BLK_H
#define UK_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uk/list.h>

/* How many disks the runtime tracks, attached or not. */
#define UK_BLK_MAX 8

struct uk_blk_info {
    unsigned int vdev; /* N of device/vbd/N */
    char name[8];      /* "xvda", "xvdb", ... from the vdev number */
    bool connected;    /* usable now (false once detached, until attached again) */
    bool read_only, removable;
    uint64_t size;        /* bytes */
    uint32_t sector_size; /* bytes, a power of two >= 512 */
    /* What was negotiated with the backend. */
    unsigned int ring_pages;      /* 1 << ring-page-order */
    unsigned int max_segments;    /* per ring request: indirect ones, else 11 */
    bool persistent;              /* feature-persistent in use */
    bool flush, barrier, discard; /* operations the backend offers */
    /* Counters since boot. */
    uint64_t reads, writes, flushes, discards; /* app requests completed */
    uint64_t bytes_read, bytes_written;
    uint64_t errors; /* app requests completed with an error */
    /* Bad responses from the backend, dropped and counted (docs/blk.md). */
    uint64_t bad_id, dup_id, bad_op, bad_status, bad_prod;
};

enum uk_blk_op { UK_BLK_READ, UK_BLK_WRITE, UK_BLK_FLUSH, UK_BLK_DISCARD };

struct uk_blk_req;
/*
 * Called once per submitted request, with req->status set, from the
 * runtime's block thread (never from the upcall). It must not block; it may
 * signal, wake threads and submit further requests.
 */
typedef void (*uk_blk_done_fn)(struct uk_blk_req *req);

struct uk_blk_req {
    /* Set by the caller. */
    enum uk_blk_op op;
    uint64_t offset; /* bytes; multiple of sector_size (ignored for FLUSH) */
    size_t len;      /* bytes; multiple of sector_size (0 for FLUSH) */
    void *buf;       /* READ/WRITE: any alignment; valid until done */
    uk_blk_done_fn done;
    void *arg; /* the caller's */
    /* Set by the runtime before done: 0 or a negative errno. */
    int status;
    /* The runtime's own, untouched by the caller while in flight. */
    struct uk_list link;
    size_t parts_left;
    int first_error;
};

/* How many disks there are (attached now or before): indices 0..n-1. */
unsigned int uk_blk_count(void);

/* Disk `i`'s description and counters. 0, or -ENODEV. */
int uk_blk_info(unsigned int i, struct uk_blk_info *info);

/* The index of the disk named `name` ("xvdb"), or -ENODEV. */
int uk_blk_find(const char *name);

/*
 * Queue `req` on disk `i`. 0: done will be called exactly once later.
 * A negative errno: refused at once (bad argument, read-only, detached),
 * done is not called.
 */
int uk_blk_submit(unsigned int i, struct uk_blk_req *req);

/* Blocking wrappers for threads: 0 or a negative errno. */
int uk_blk_read(unsigned int i, uint64_t offset, void *buf, size_t len);
int uk_blk_write(unsigned int i, uint64_t offset, const void *buf, size_t len);
int uk_blk_flush(unsigned int i);
int uk_blk_discard(unsigned int i, uint64_t offset, uint64_t len);

#endif
