/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests for apps/httpd/http.c, the request parser httpd runs on what
 * any client sends: heads delimited, good requests read right (version,
 * keep-alive, body length), bad ones answered with the right status.
 */
#include <string.h>

#include "../../apps/httpd/http.h"
#include "check.h"

static char buf[HTTP_HEAD_MAX + 1];

/* Parse a copy of `head` (its blank line included). */
static int parse(const char *head, struct http_request *r)
{
    size_t n = strlen(head);

    CHECK(n < sizeof(buf));
    memcpy(buf, head, n + 1);
    return http_parse(buf, r);
}

TEST(head_end_finds_the_first_blank_line)
{
    CHECK_EQ(http_head_end("GET / HTTP/1.0\r\n\r\n", 18), 18);
    CHECK_EQ(http_head_end("GET / HTTP/1.0\n\nrest", 20), 16);
    CHECK_EQ(http_head_end("GET / HTTP/1.0\r\nA: b\r\n\r\nGET", 27), 24);
    CHECK_EQ(http_head_end("GET / HTTP/1.0\r\n\r", 17), 0);
    CHECK_EQ(http_head_end("GET / HTTP/1.0\r\n", 16), 0);
    CHECK_EQ(http_head_end("", 0), 0);
    CHECK_EQ(http_head_end("\n", 1), 0);
    /* The length given bounds the search, not a NUL. */
    CHECK_EQ(http_head_end("A\n\n", 2), 0);
}

TEST(good_requests)
{
    struct http_request r;

    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n", &r), 0);
    CHECK_STR(r.method, "GET");
    CHECK_STR(r.target, "/");
    CHECK(r.v11 && r.keep_alive);
    CHECK_EQ(r.body_len, 0);

    CHECK_EQ(parse("HEAD /stats HTTP/1.0\r\n\r\n", &r), 0);
    CHECK_STR(r.method, "HEAD");
    CHECK_STR(r.target, "/stats");
    CHECK(!r.v11 && !r.keep_alive);

    /* Bare LFs, header names in any case, blanks around values. */
    CHECK_EQ(parse("GET /x HTTP/1.1\nhOsT:a\nCONTENT-LENGTH:  12 \n\n", &r), 0);
    CHECK_EQ(r.body_len, 12);
    /* A method this server does not serve still parses (405 is httpd's). */
    CHECK_EQ(parse("DELETE / HTTP/1.0\r\n\r\n", &r), 0);
    CHECK_STR(r.method, "DELETE");
}

TEST(keep_alive_as_the_version_and_connection_say)
{
    struct http_request r;

    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", &r), 0);
    CHECK(!r.keep_alive);
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, CLOSE\r\n\r\n", &r), 0);
    CHECK(!r.keep_alive);
    CHECK_EQ(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &r), 0);
    CHECK(r.keep_alive);
    /* A token is whole: "closed" is not "close". */
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: closed\r\n\r\n", &r), 0);
    CHECK(r.keep_alive);
}

TEST(bad_requests_get_their_status)
{
    struct http_request r;

    CHECK_EQ(parse("GARBAGE\r\n\r\n", &r), 400);
    CHECK_EQ(parse("\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.1\r\n\r\n", &r), 400); /* no Host */
    CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET x HTTP/1.0\r\n\r\n", &r), 400);  /* not origin-form */
    CHECK_EQ(parse("G(T / HTTP/1.0\r\n\r\n", &r), 400);  /* not a token */
    CHECK_EQ(parse(" / HTTP/1.0\r\n\r\n", &r), 400);     /* no method */
    CHECK_EQ(parse("GET /  HTTP/1.0\r\n\r\n", &r), 400); /* two spaces */
    CHECK_EQ(parse("GET / FTP/1.0\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n", &r), 505);
    CHECK_EQ(parse("GET / HTTP/1.0\r\nNo colon\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.0\r\nName : v\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.0\r\n folded\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.0\r\n: v\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.0\r\nX: \001\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.0\r\nContent-Length: -1\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.0\r\nContent-Length: 1x\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.0\r\nContent-Length:\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.0\r\nContent-Length: 99999999999999999999999\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.0\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", &r), 400);
    CHECK_EQ(parse("GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", &r), 501);
}

TEST(reasons)
{
    CHECK_STR(http_reason(400), "Bad Request");
    CHECK_STR(http_reason(431), "Request Header Fields Too Large");
    CHECK_STR(http_reason(505), "HTTP Version Not Supported");
    CHECK_STR(http_reason(999), "Error");
}
