/* SPDX-License-Identifier: BSD-2-Clause */
/* httpd's request parser (http.h): RFC 9112's syntax, strictly. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

size_t http_head_end(const char *buf, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (buf[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

/* A character of a token (methods, header names). */
static bool tchar(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static bool token(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!tchar(*s))
            return false;
    return true;
}

/* Is `tok` one of the comma-separated, case-insensitive tokens in `list`? */
static bool has_token(const char *list, const char *tok)
{
    size_t len = strlen(tok);

    while (*list) {
        list += strspn(list, " \t,");
        size_t n = strcspn(list, ",");
        size_t m = n;
        while (m && (list[m - 1] == ' ' || list[m - 1] == '\t'))
            m--;
        if (m == len && !strncasecmp(list, tok, len))
            return true;
        list += n;
    }
    return false;
}

/* The next line of *p, its CR LF or LF cut; NULL at the end. */
static char *next_line(char **p)
{
    char *line = *p, *nl;

    if (!line || !*line)
        return NULL;
    nl = strchr(line, '\n');
    if (nl) {
        *nl = 0;
        *p = nl + 1;
    } else {
        *p = NULL;
    }
    line[strcspn(line, "\r")] = 0;
    return line;
}

/* The request line "METHOD SP TARGET SP HTTP/x.y". */
static int request_line(char *line, struct http_request *req)
{
    char *target = strchr(line, ' '), *version;

    if (!target)
        return 400;
    *target++ = 0;
    version = strchr(target, ' ');
    if (!version || *target != '/')
        return 400;
    *version++ = 0;
    if (!token(line))
        return 400;
    if (!strcmp(version, "HTTP/1.1"))
        req->v11 = true;
    else if (!strcmp(version, "HTTP/1.0"))
        req->v11 = false;
    else if (!strncmp(version, "HTTP/", 5))
        return 505;
    else
        return 400;
    req->method = line;
    req->target = target;
    req->keep_alive = req->v11;
    return 0;
}

int http_parse(char *head, struct http_request *req)
{
    char *p = head, *line;
    bool host = false, length = false;
    int rc;

    memset(req, 0, sizeof(*req));
    for (const char *c = head; *c; c++)
        if ((unsigned char)*c < 0x20 && *c != '\r' && *c != '\n' && *c != '\t')
            return 400;
    line = next_line(&p);
    if (!line || (rc = request_line(line, req)))
        return line ? rc : 400;
    while ((line = next_line(&p)) && *line) {
        char *colon = strchr(line, ':'), *value, *end;
        if (!colon)
            return 400;
        *colon = 0;
        if (!token(line)) /* also no blank before the colon, no folded lines */
            return 400;
        value = colon + 1 + strspn(colon + 1, " \t");
        if (!strcasecmp(line, "Host")) {
            if (host)
                return 400;
            host = true;
        } else if (!strcasecmp(line, "Connection")) {
            if (has_token(value, "close"))
                req->keep_alive = false;
            else if (has_token(value, "keep-alive"))
                req->keep_alive = true;
        } else if (!strcasecmp(line, "Content-Length")) {
            if (length || *value < '0' || *value > '9')
                return 400;
            errno = 0;
            req->body_len = strtoull(value, &end, 10);
            if (errno || *(end + strspn(end, " \t")))
                return 400;
            length = true;
        } else if (!strcasecmp(line, "Transfer-Encoding")) {
            return 501;
        }
    }
    if (req->v11 && !host)
        return 400;
    return 0;
}

const char *http_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 431:
        return "Request Header Fields Too Large";
    case 501:
        return "Not Implemented";
    case 505:
        return "HTTP Version Not Supported";
    }
    return "Error";
}
