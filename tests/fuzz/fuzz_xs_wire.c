/*
 * libFuzzer target: everything xenstored (a peer domain, untrusted) can put
 * on the response ring goes through these parsers. The input is taken as a
 * message header, a payload, and ring indices; the sanitizers catch any
 * read past the input or the ring.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../xenstore/xs_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xsd_sockmsg hdr;
    char ring[XENSTORE_RING_SIZE], out[XENSTORE_PAYLOAD_MAX];
    const char *strs[8], *a, *b, *c;
    uint32_t len, clen, cons, prod;
    unsigned long v;
    bool last;
    char *payload;
    int avail;

    if (size < sizeof(hdr) + 8)
        return 0;
    memcpy(&hdr, data, sizeof(hdr));
    memcpy(&cons, data + sizeof(hdr), 4);
    memcpy(&prod, data + sizeof(hdr) + 4, 4);
    data += sizeof(hdr) + 8;
    size -= sizeof(hdr) + 8;

    /* The ring: indices from the input, contents from the input. */
    memset(ring, 0, sizeof(ring));
    memcpy(ring, data, size < sizeof(ring) ? size : sizeof(ring));
    avail = xs_ring_readable(cons, prod);
    if (avail > 0)
        xs_ring_copy_out(out, ring, cons, sizeof(out), (size_t)avail);
    avail = xs_ring_writable(cons, prod);
    if (avail > 0)
        xs_ring_copy_in(ring, prod, data, size, (size_t)avail);

    if (xs_check_header(&hdr))
        return 0;
    /* The client hands parsers exactly hdr.len bytes (it NUL-pads one more). */
    len = hdr.len < size ? hdr.len : (uint32_t)size;
    payload = malloc(len + 1);
    memcpy(payload, data, len);
    payload[len] = 0;
    xs_parse_error(payload, len);
    xs_parse_strings(payload, len, strs, 8);
    xs_parse_watch_event(payload, len, &a, &b);
    xs_parse_directory_part(payload, len, &c, &a, &clen, &last);
    xs_parse_uint(payload, len, &v);
    free(payload);
    return 0;
}
