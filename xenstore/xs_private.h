/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to xenstore/: the one request primitive the operations are built
 * on (xs.c implements it; xs_ops.c and xenbus.c use it).
 */
#ifndef XENSTORE_XS_PRIVATE_H
#define XENSTORE_XS_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <uk/xenstore.h>

/*
 * What xs_directory accumulates from parts at most (bytes of names): far
 * above what xenstored's node size quota lets a directory reach (its list
 * of children is part of the node), and a bound on a daemon that never
 * ends the list. Beyond it: -E2BIG.
 */
#define XS_DIRECTORY_MAX (256 * 1024)

struct xs_part {
    const void *data;
    size_t len;
};

/*
 * Send a request made of `parts` and wait for its reply. 0 with the reply's
 * payload in a malloc'd *reply (a NUL added after it) when `reply` is given,
 * or a negative errno (the daemon's error, -ETIMEDOUT, -EIO, -E2BIG).
 */
int xs_request(uint32_t type, xs_tx_t tx, const struct xs_part *parts, unsigned int nparts,
               char **reply, uint32_t *reply_len);

/*
 * A reply the daemon got wrong (a list without its final NUL, ...): the
 * call fails with -EIO; this logs it once per kind and counts it.
 */
void xs_bad_reply(const char *what);

#endif
