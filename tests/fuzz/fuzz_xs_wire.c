/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: everything xenstored (a peer domain, untrusted) can put
 * on the response ring goes through these parsers. The input is taken as a
 * message header, ring indices, and ring contents / a payload.
 *
 * Invariants (abort() when broken): the ring arithmetic says -EIO exactly
 * when the indices are more than a ring apart, and copies no more than
 * asked, available, or contiguous, byte for byte; a header passes exactly
 * when its length and type are possible; every string a parser returns
 * lies inside the payload and ends there with its NUL; an error string
 * maps to a negative errno and only a known one to other than -EIO; a
 * number parsed is the decimal value of the payload.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/ring.h>

#include "../../xenstore/xs_wire.h"

/* s (a string the parser returned) lies inside payload[0..len) with its NUL. */
static void check_inside(const char *s, const char *payload, uint32_t len)
{
    check(s >= payload && s < payload + len);
    check(s + strlen(s) < payload + len);
}

static void check_ring(const char *ring_in, XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod,
                       const uint8_t *data, size_t size)
{
    static char ring[XENSTORE_RING_SIZE], out[XENSTORE_PAYLOAD_MAX];
    XENSTORE_RING_IDX used = prod - cons;
    int readable = xs_ring_readable(cons, prod), writable = xs_ring_writable(cons, prod);
    size_t n, want;

    memcpy(ring, ring_in, sizeof(ring));
    if (used > XENSTORE_RING_SIZE) {
        check(readable == -EIO && writable == -EIO);
        return;
    }
    check(readable == (int)used && writable == XENSTORE_RING_SIZE - (int)used);
    /* Copies of what the indices allow, at any index: exact and in bounds (ASan). */
    want = size % (XENSTORE_PAYLOAD_MAX + 1);
    n = want < (size_t)readable ? want : (size_t)readable;
    uk_ring_copy_from(out, ring, XENSTORE_RING_SIZE, cons, n);
    for (size_t i = 0; i < n; i++)
        check(out[i] == ring[MASK_XENSTORE_IDX(cons + (XENSTORE_RING_IDX)i)]);

    n = size < (size_t)writable ? size : (size_t)writable;
    uk_ring_copy_to(ring, XENSTORE_RING_SIZE, prod, data, n);
    for (size_t i = 0; i < n; i++)
        check(ring[MASK_XENSTORE_IDX(prod + (XENSTORE_RING_IDX)i)] == (char)data[i]);
}

static void check_strings(const char *payload, uint32_t len)
{
    const char *strs[8];
    uint32_t nuls = 0;
    int n = xs_parse_strings(payload, len, strs, 8);

    for (uint32_t i = 0; i < len; i++)
        nuls += payload[i] == 0;
    if (len && payload[len - 1] != 0) {
        check(n == -EIO);
        return;
    }
    check(n == (int)nuls);
    for (int i = 0; i < n && i < 8; i++)
        check_inside(strs[i], payload, len);
    for (int i = 1; i < n && i < 8; i++)
        check(strs[i] == strs[i - 1] + strlen(strs[i - 1]) + 1);
}

static void check_parsers(const char *payload, uint32_t len)
{
    const char *a, *b, *gen, *children;
    uint32_t clen;
    unsigned long v;
    bool last;
    int rc;

    rc = xs_parse_error(payload, len);
    check(rc < 0);
    if (rc != -EIO)
        check(len && payload[len - 1] == 0 && payload[0] == 'E');

    check_strings(payload, len);

    if (xs_parse_watch_event(payload, len, &a, &b) == 0) {
        check_inside(a, payload, len);
        check_inside(b, payload, len);
        check(a == payload && b == a + strlen(a) + 1);
    }

    if (xs_parse_directory_part(payload, len, &gen, &children, &clen, &last) == 0) {
        check(gen == payload && strlen(gen) >= 1 && strlen(gen) <= 20);
        for (const char *g = gen; *g; g++)
            check(*g >= '0' && *g <= '9');
        check(children == gen + strlen(gen) + 1);
        check(children + clen <= payload + len);
        check(last || clen > 0);
        if (clen)
            check(children[clen - 1] == 0);
    }

    if (xs_parse_uint(payload, len, &v) == 0) {
        char copy[16];
        uint32_t digits = len && payload[len - 1] == 0 ? len - 1 : len;

        check(digits >= 1 && digits <= 10);
        memcpy(copy, payload, digits);
        copy[digits] = 0;
        check(strspn(copy, "0123456789") == digits && strtoul(copy, NULL, 10) == v);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char ring[XENSTORE_RING_SIZE];
    struct xsd_sockmsg hdr;
    uint32_t len, cons, prod;
    char *payload;
    bool valid;

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
    check_ring(ring, cons, prod, data, size);

    valid = hdr.len <= XENSTORE_PAYLOAD_MAX && (hdr.type < XS_TYPE_COUNT || hdr.type == XS_INVALID);
    check((xs_check_header(&hdr) == 0) == valid);
    if (!valid)
        return 0;
    /* The client hands parsers exactly hdr.len bytes (it NUL-pads one more). */
    len = hdr.len < size ? hdr.len : (uint32_t)size;
    payload = malloc(len + 1);
    memcpy(payload, data, len);
    payload[len] = 0;
    check_parsers(payload, len);
    free(payload);
    return 0;
}
