/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to xenstore/: the pure parts of the wire protocol, free of
 * hypercalls and threads so that the host tests and the fuzzer exercise
 * exactly what the guest runs. Everything a peer writes passes through here
 * before the client trusts it.
 */
#ifndef XENSTORE_XS_WIRE_H
#define XENSTORE_XS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

/* Bytes readable in a ring from cons to prod, or -EIO if the indices are impossible. */
int xs_ring_readable(XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod);
/* Bytes writable, or -EIO. */
int xs_ring_writable(XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod);

/* Validate a header from the daemon: 0, or -EIO (bad length or type). */
int xs_check_header(const struct xsd_sockmsg *hdr);

/* An XS_ERROR payload ("ENOENT\0") as a negative errno; -EIO if unknown. */
int xs_parse_error(const char *payload, uint32_t len);

/*
 * A payload of NUL-terminated strings (directory, permissions, watch
 * events). Returns how many, or -EIO when the last is unterminated. If
 * `out` is given, stores up to `max` pointers into the payload.
 */
int xs_parse_strings(const char *payload, uint32_t len, const char **out, int max);

/* A watch event: path and token. 0 or -EIO. */
int xs_parse_watch_event(const char *payload, uint32_t len, const char **path, const char **token);

/*
 * An XS_DIRECTORY_PART reply: "<generation>\0" then children, each
 * NUL-terminated, starting at the requested offset. A part whose list is
 * just an empty string (or ends with one) is the last. Sets *gen, the
 * children bytes (*children, *children_len, to append as they are) and
 * *last. 0 or -EIO.
 */
int xs_parse_directory_part(const char *payload, uint32_t len, const char **gen,
                            const char **children, uint32_t *children_len, bool *last);

/* An unsigned decimal number filling the whole payload (with or without a NUL). */
int xs_parse_uint(const char *payload, uint32_t len, unsigned long *value);

#endif
