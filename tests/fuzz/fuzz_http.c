/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: httpd's request parser (apps/httpd/http.c) on what a
 * client sends, as httpd feeds it: the head delimited in a buffer of at
 * most HTTP_HEAD_MAX bytes, copied out NUL-terminated, parsed. Invariants:
 * the head's end is inside the input and is the first blank line there;
 * the parse gives 0 or one of the statuses http.h names, the same twice;
 * a good request's method is a non-empty token and its target starts with
 * '/', both inside the parsed copy and free of control bytes; HTTP/1.0
 * without "keep-alive" is never persistent and HTTP/1.1 had a Host.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../apps/httpd/http.h"

/* Does s (NUL-terminated) contain w, ignoring case? */
static bool contains(const char *s, const char *w)
{
    size_t n = strlen(w);

    for (; *s; s++)
        if (!strncasecmp(s, w, n))
            return true;
    return false;
}

static void check_request(const char *copy, size_t n, const char *orig,
                          const struct http_request *r)
{
    const char *end = copy + n;

    if (r->method < copy || r->method >= end || r->target < copy || r->target >= end)
        abort();
    if (!*r->method || r->target[0] != '/')
        abort();
    for (const char *c = r->method; *c; c++)
        if ((unsigned char)*c <= 0x20 || *c == '/' || *c == ':')
            abort();
    for (const char *c = r->target; *c; c++)
        if ((unsigned char)*c < 0x20 && *c != '\t')
            abort();
    if (!r->v11 && r->keep_alive && !contains(orig, "keep-alive"))
        abort();
    if (r->v11 && !contains(orig, "host:"))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char in[HTTP_HEAD_MAX], copy[HTTP_HEAD_MAX + 1], again[HTTP_HEAD_MAX + 1];
    char orig[HTTP_HEAD_MAX + 1];
    struct http_request r, r2;
    size_t len = size < sizeof(in) ? size : sizeof(in), end;
    int rc;

    memcpy(in, data, len);
    end = http_head_end(in, len);
    if (end > len)
        abort();
    if (!end)
        return 0;
    /* The first blank line: no earlier one. */
    if (in[end - 1] != '\n' ||
        (in[end - 2] != '\n' && (in[end - 2] != '\r' || in[end - 3] != '\n')))
        abort();
    if (http_head_end(in, end - 1))
        abort();
    memcpy(copy, in, end);
    copy[end] = 0;
    memcpy(again, copy, end + 1);
    memcpy(orig, copy, end + 1);
    rc = http_parse(copy, &r);
    if (rc != 0 && rc != 400 && rc != 501 && rc != 505)
        abort();
    if (http_parse(again, &r2) != rc)
        abort();
    if (rc == 0) {
        check_request(copy, end + 1, orig, &r);
        if (r.v11 != r2.v11 || r.keep_alive != r2.keep_alive || r.body_len != r2.body_len)
            abort();
    }
    return 0;
}
