/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pure half of the XenStore protocol: ring arithmetic and the parsing
 * of what xenstored (a peer we must not trust blindly) writes. Every
 * function bounds its reads by the lengths it is given.
 */
#include <errno.h>
#include <string.h>

#include "xs_wire.h"

int xs_ring_readable(XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod)
{
    XENSTORE_RING_IDX used = prod - cons;

    return used > XENSTORE_RING_SIZE ? -EIO : (int)used;
}

int xs_ring_writable(XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod)
{
    XENSTORE_RING_IDX used = prod - cons;

    return used > XENSTORE_RING_SIZE ? -EIO : (int)(XENSTORE_RING_SIZE - used);
}

int xs_check_header(const struct xsd_sockmsg *hdr)
{
    if (hdr->len > XENSTORE_PAYLOAD_MAX)
        return -EIO;
    if (hdr->type >= XS_TYPE_COUNT && hdr->type != XS_INVALID)
        return -EIO;
    return 0;
}

int xs_parse_error(const char *payload, uint32_t len)
{
    if (!len || payload[len - 1] != 0)
        return -EIO;
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (strcmp(payload, xsd_errors[i].errstring) == 0)
            return -xsd_errors[i].errnum;
    return -EIO;
}

int xs_parse_strings(const char *payload, uint32_t len, const char **out, int max)
{
    int n = 0;
    uint32_t start = 0;

    if (len && payload[len - 1] != 0)
        return -EIO;
    for (uint32_t i = 0; i < len; i++) {
        if (payload[i] != 0)
            continue;
        if (out && n < max)
            out[n] = payload + start;
        n++;
        start = i + 1;
    }
    return n;
}

int xs_parse_watch_event(const char *payload, uint32_t len, const char **path, const char **token)
{
    const char *s[2];

    if (xs_parse_strings(payload, len, s, 2) < 2)
        return -EIO;
    *path = s[0];
    *token = s[1];
    return 0;
}

int xs_parse_directory_part(const char *payload, uint32_t len, const char **gen,
                            const char **children, uint32_t *children_len, bool *last)
{
    uint32_t glen = 0, rlen;
    const char *rest;

    while (glen < len && payload[glen] != 0) {
        if (payload[glen] < '0' || payload[glen] > '9' || glen >= 20)
            return -EIO;
        glen++;
    }
    if (glen == 0 || glen == len)
        return -EIO;
    *gen = payload;
    rest = payload + glen + 1;
    rlen = len - glen - 1;
    *children = rest;
    *children_len = 0;
    *last = true;
    if (rlen == 0 || rest[0] == 0)
        return rlen <= 1 ? 0 : -EIO;
    if (rest[rlen - 1] != 0)
        return -EIO;
    if (rlen >= 2 && rest[rlen - 2] == 0) {
        *children_len = rlen - 1;
        return 0;
    }
    *children_len = rlen;
    *last = false;
    return 0;
}

int xs_parse_uint(const char *payload, uint32_t len, unsigned long *value)
{
    unsigned long v = 0;
    uint32_t i;

    if (len && payload[len - 1] == 0)
        len--;
    if (!len || len > 10)
        return -EIO;
    for (i = 0; i < len; i++) {
        if (payload[i] < '0' || payload[i] > '9')
            return -EIO;
        v = v * 10 + (unsigned long)(payload[i] - '0');
    }
    *value = v;
    return 0;
}
