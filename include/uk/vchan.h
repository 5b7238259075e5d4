/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vchan: a byte stream between two domains over grant-shared rings,
 * compatible with Xen's libxenvchan (the shared-page layout of
 * <xen/io/libxenvchan.h>, and its XenStore handshake: the server writes
 * <path>/ring-ref and <path>/event-channel, readable by the client domain).
 * Threads only. Errors are negative errno values: -EPIPE once the other end
 * has closed, -ETIMEDOUT when nothing moves for the timeout, -EIO when the
 * peer wrote impossible ring indices.
 */
#ifndef UK_VCHAN_H
#define UK_VCHAN_H

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

struct vchan;

/*
 * Offer a vchan to `peer` at XenStore `path`. Rings of at least left_min
 * (client to server) and right_min (server to client) bytes; 0 picks the
 * in-page rings (1 KiB and 2 KiB). NULL with errno on failure.
 */
struct vchan *vchan_server_init(domid_t peer, const char *path, size_t left_min, size_t right_min);
/* Connect to the server `peer` offers at `path` (waits up to `timeout_ns` for it). */
struct vchan *vchan_client_init(domid_t peer, const char *path, uint64_t timeout_ns);

/* Write all of `buf` (blocking while the ring is full): len, or an error. */
int vchan_write(struct vchan *v, const void *buf, size_t len);
/* Read what is there, at least one byte (blocking while empty): a count, or an error. */
int vchan_read(struct vchan *v, void *buf, size_t len);
/* Bytes ready to read, and room to write, now. */
int vchan_data_ready(struct vchan *v);
int vchan_buffer_space(struct vchan *v);
/* 1 while both ends are connected (2: server waiting for its client), 0 after a close. */
int vchan_is_open(struct vchan *v);
/* Mark our end closed, notify, and release everything (grants, mappings, port, nodes). */
void vchan_close(struct vchan *v);

#endif
