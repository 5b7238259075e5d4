/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * XenStore, the filesystem of Xen: a tree of small keys shared with dom0
 * and other guests, with permissions, watches and transactions. The client
 * is concurrent: any number of threads may have requests in flight; each
 * sleeps until its own reply arrives (matched by request id) or a timeout.
 *
 * Paths not starting with '/' are relative to the guest's home,
 * /local/domain/<domid>. Every call returns 0 (or a count) or a negative
 * errno: the daemon's own error (ENOENT, EACCES, EAGAIN, EEXIST, E2BIG,
 * EINVAL, ENOSPC, ...), -ETIMEDOUT when no reply came in time, -EIO when
 * the daemon broke the protocol (the connection is then closed for good).
 * Threads only: never from an event handler.
 */
#ifndef UK_XENSTORE_H
#define UK_XENSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <errno.h> /* Xen's io/xs_wire.h names errno values */
#include <xen/io/xenbus.h>
#include <xen/io/xs_wire.h> /* XENSTORE_PAYLOAD_MAX: the largest value, or reply */

typedef uint32_t xs_tx_t;
#define XS_NO_TX ((xs_tx_t)0)

/*
 * This guest's domid and home path: read from XenStore ("domid") on first
 * use, a round trip, so call from a thread; -1 and "" if that fails (the
 * next call tries again).
 */
int xs_domid(void);
const char *xs_home(void);

/* The value of `path`, NUL-terminated, in a malloc'd *value (free it); *len without the NUL. */
int xs_read(xs_tx_t tx, const char *path, char **value, size_t *len);
/* The same into a caller's buffer; the value's length, or -E2BIG if it does not fit. */
int xs_read_buf(xs_tx_t tx, const char *path, char *buf, size_t size);
/* A decimal value. */
int xs_read_ulong(xs_tx_t tx, const char *path, unsigned long *value);
int xs_write(xs_tx_t tx, const char *path, const char *value);
int xs_write_bytes(xs_tx_t tx, const char *path, const void *data, size_t len);
int xs_mkdir(xs_tx_t tx, const char *path);
/* Remove `path` and everything below it. */
int xs_rm(xs_tx_t tx, const char *path);
/*
 * The children of `path`: a malloc'd array of *count names (one free() of
 * the array frees the names too). Large directories are read in parts
 * (XS_DIRECTORY_PART), restarted if the directory changes meanwhile.
 */
int xs_directory(xs_tx_t tx, const char *path, char ***names, unsigned int *count);

/*
 * Permissions, in xenstored's text form: "n0" (owner dom0, others nothing),
 * "r5" (domain 5 may read), "w5", "b5" (both). The first entry names the
 * owner and what everyone else may do.
 */
int xs_get_perms(xs_tx_t tx, const char *path, char ***perms, unsigned int *count);
int xs_set_perms(xs_tx_t tx, const char *path, const char *const *perms, unsigned int count);

int xs_get_domain_path(unsigned int domid, char **path);
int xs_reset_watches(void);

/*
 * Transactions. xs_transaction_end(tx, true) returns -EAGAIN on a conflict.
 * xenstored lets a domain have only so many open at once (its quota):
 * a start beyond it waits until one of this guest's transactions ends, up
 * to 30 s (xs_transaction_run_until: up to `deadline`), then -ENOSPC;
 * -ENOSPC at once when none of ours is open to free a slot.
 */
int xs_transaction_start(xs_tx_t *tx);
int xs_transaction_end(xs_tx_t tx, bool commit);
/*
 * Run fn(tx, ctx) in a transaction and commit, starting again on -EAGAIN (a
 * bounded number of times). fn's own error aborts the transaction.
 */
int xs_transaction_run(int (*fn)(xs_tx_t tx, void *ctx), void *ctx);
/* The same, waiting for a free transaction slot at most until `deadline` (monotonic ns). */
int xs_transaction_run_until(int (*fn)(xs_tx_t tx, void *ctx), void *ctx, uint64_t deadline);

/*
 * Watches. Every change at or below `path` queues an event (the path that
 * changed); xenstored also fires one event when the watch is set. Without a
 * callback, threads take events with xs_watch_wait; with one, a dedicated
 * thread calls it (so it may use XenStore itself).
 */
struct xs_watch;
typedef void (*xs_watch_fn)(struct xs_watch *w, const char *path, void *ctx);
/* NULL with errno set on failure. */
struct xs_watch *xs_watch(const char *path, xs_watch_fn fn, void *ctx);
/*
 * The next event's path, malloc'd; -ETIMEDOUT at `deadline` (monotonic ns,
 * 0: none), -EIO as soon as the connection is closed, -ECANCELED as soon as
 * another thread calls xs_unwatch(w) (do not use w after that). Events are
 * queued per watch up to a bound (docs/xenstore.md): repeats of a path
 * still queued are merged, and after events were dropped the watch gets one
 * event for its own path: look at everything below it again.
 */
int xs_watch_wait(struct xs_watch *w, char **path, uint64_t deadline);
int xs_unwatch(struct xs_watch *w);
/*
 * Wait for what another domain writes at or below `path`: a watch on it, and
 * ready(path, ctx) now and after every event. ready returns 0 when the wait
 * is over, -EAGAIN to wait on, another negative errno to give up with it.
 * 0, ready's error, or xs_watch_wait's (-ETIMEDOUT at `deadline`, monotonic
 * ns, 0: none; -EIO on a closed connection). Threads only.
 */
typedef int (*xs_wait_check_fn)(const char *path, void *ctx);
int xs_wait_for(const char *path, xs_wait_check_fn ready, void *ctx, uint64_t deadline);
/*
 * Wait until `path` exists (another domain creates it): 0, or -ETIMEDOUT
 * at `deadline` (0: none), -EIO on a closed connection. A node we may not
 * read yet counts as not there.
 */
int xs_wait_exists(const char *path, uint64_t deadline);

/* Protocol faults seen so far (bad replies dropped, unknown ids, ...), for tests. */
uint64_t xs_protocol_errors(void);
/* Watch events dropped at a queue bound, and merged into one still queued, so far. */
uint64_t xs_watch_events_dropped(void);
uint64_t xs_watch_events_coalesced(void);

/*
 * Xenbus helpers for split drivers. `dev` is a frontend's device path
 * ("device/vif/0", relative or absolute).
 */
/* The backend's path, malloc'd, from <dev>/backend. */
int xenbus_backend_path(const char *dev, char **path);
/* <path>/state as an XenbusState (from <xen/io/xenbus.h>). */
int xenbus_read_state(const char *path, enum xenbus_state *state);
int xenbus_switch_state(const char *path, enum xenbus_state state);
/*
 * Wait until <path>/state is `want` (xs_wait_for): -ETIMEDOUT at `deadline`,
 * -EINVAL for a value that is no XenbusState, a read's error but -ENOENT.
 */
int xenbus_wait_state(const char *path, enum xenbus_state want, uint64_t deadline);
/*
 * Wait until <path>/state is one of `want` (a mask of 1u << XenbusState),
 * or the node is gone (a detach is an answer too): 0, -ETIMEDOUT at
 * `deadline`, or a read's error.
 */
int xenbus_wait_state_in(const char *path, unsigned int want, uint64_t deadline);
/* "<dir>/<key>" into buf: 0 or -ENAMETOOLONG. */
int xenbus_path(char *buf, size_t size, const char *dir, const char *key);
/*
 * A frontend's own <dev>/state, written only while the device is there
 * (<dev>/backend-id, in one transaction): -ENOENT once it was detached.
 */
int xenbus_front_state(const char *dev, enum xenbus_state state);
/*
 * One step of a frontend's close: our state `ours`, then wait (bounded)
 * for the backend `be` to reach one of `want` or go. -ETIMEDOUT when it
 * did not follow; the caller names the device in its log.
 */
int xenbus_close_step(const char *dev, const char *be, enum xenbus_state ours, unsigned int want,
                      uint64_t deadline);
/*
 * The complete devices under `dir` ("device/vif"): children named by a
 * decimal id whose backend-id is written (the toolstack writes a device in
 * one transaction), ascending, at most `max`. Their count or a negative errno.
 */
int xenbus_list_devices(const char *dir, unsigned long *ids, unsigned int max);
bool xenbus_device_complete(const char *dir, unsigned long id);

#endif
