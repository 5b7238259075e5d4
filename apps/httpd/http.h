/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * httpd's request parser: pure functions over bytes a client sent, with no
 * sockets, so that the host's unit tests (tests/unit/test_http.c) and a
 * fuzz target (tests/fuzz/fuzz_http.c) drive it as httpd does.
 */
#ifndef HTTPD_HTTP_H
#define HTTPD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most a request line and its headers may take (431 beyond). */
#define HTTP_HEAD_MAX 4096

struct http_request {
    const char *method; /* a token, inside the parsed head */
    const char *target; /* starts with '/', inside the parsed head */
    bool v11;           /* HTTP/1.1 (else 1.0) */
    bool keep_alive;    /* persistent, as the version and Connection say */
    uint64_t body_len;  /* Content-Length, 0 when none */
};

/*
 * The length of the first complete head in buf[0..len), its blank line
 * included (CRLF CRLF, or bare LFs), or 0 while it is incomplete.
 */
size_t http_head_end(const char *buf, size_t len);

/*
 * Parse a head (as http_head_end delimits it, NUL-terminated; written to:
 * the request's strings point into it). 0, or the status that answers a
 * bad one: 400 (malformed, or HTTP/1.1 without Host), 501
 * (Transfer-Encoding), 505 (an HTTP version other than 1.0 and 1.1).
 */
int http_parse(char *head, struct http_request *req);

/* The reason phrase of a status httpd sends ("Bad Request"...). */
const char *http_reason(int status);

#endif
