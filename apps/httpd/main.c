/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * httpd: a small HTTP/1.1 server with keep-alive.
 *
 *   httpd [PORT] [root=DIR]   (default 80; no root: the built-in page)
 *
 *   GET / (or /index.html)  a built-in page; with root=DIR, what GET /PATH
 *                           gives below
 *   GET /PATH (root=DIR)    the file DIR/PATH, or for a directory its
 *                           index.html, else a listing (text/html); 404
 *                           when there is nothing there. On libunikernel
 *                           DIR is a tar archive mounted with
 *                           mount=DIR:DISK (docs/fs.md)
 *   GET /stats              text/plain, one "key value" line each: uptime,
 *                           connections, requests, and the network stack's
 *                           counters (uk_net_stats, uk_net_if_info)
 *   HEAD of either          the same headers, no body
 *
 * One thread, poll() over every connection; no request can stall the
 * others: reads and writes never block (MSG_DONTWAIT), a request's head is
 * at most HTTP_HEAD_MAX bytes (431 beyond; http.c parses it), a malformed one gets 400 and the
 * connection is closed, a connection idle for IDLE_S seconds is closed.
 * Persistent connections as HTTP/1.1 says (HTTP/1.0 with
 * "Connection: keep-alive"); pipelined requests are answered in order.
 *
 * Ordinary POSIX C: it builds and runs on Linux too (without <uk/net.h>),
 * which is how dom0 measures its own loopback in the benchmarks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#if __has_include(<uk/net.h>)
#include <uk/net.h>
#include <uk/time.h>
#define ON_UK 1
#else
#include <signal.h>
#define ON_UK 0
#endif

#include "http.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

#define CONNS_MAX 1024
/* Files are sent from memory: read whole, at most this big. */
#define FILE_MAX (8u << 20)
#define IDLE_S   30
#define LINGER_S 2

static const char page[] =
    "<!DOCTYPE html>\n"
    "<html><head><title>libunikernel httpd</title></head>\n"
    "<body><h1>Hello from libunikernel!</h1>\n"
    "<p>This page comes from a Xen PVH domU running one C program on libunikernel: "
    "its own netfront driver, lwIP and the BSD sockets API, no Linux under it.</p>\n"
    "<p>See <a href=\"/stats\">/stats</a> for its counters.</p>\n"
    "</body></html>\n";

struct conn {
    int fd;
    char in[HTTP_HEAD_MAX];
    size_t in_len;
    uint64_t skip; /* request body bytes still to discard */
    char *out;     /* the response being sent: out[off..len) */
    size_t out_len, out_off;
    bool close_after;    /* close once out is sent */
    bool linger;         /* ... after a lingering close (an error: input may be unread) */
    double linger_until; /* lingering since: until when */
    double last;         /* last activity, for the idle timeout */
};

static struct conn *conns[CONNS_MAX];
static unsigned int nconns;
static double t_start;
static const char *root; /* root=DIR: files served from there */
static struct {
    uint64_t served, open_max, requests, bad, not_found, refused, idle_closed, files;
} st;

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Appends to a bounded buffer; returns the new length (never past size). */
__attribute__((format(printf, 4, 5))) static size_t add(char *buf, size_t size, size_t len,
                                                        const char *fmt, ...)
{
    va_list ap;
    int n;

    if (len >= size)
        return len;
    va_start(ap, fmt);
    n = vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
    return n < 0 ? len : len + (size_t)n < size ? len + (size_t)n : size - 1;
}

static size_t stats_body(char *b, size_t size)
{
    size_t n = 0;

    n = add(b, size, n, "uptime_ms %.0f\n", (now_s() - t_start) * 1e3);
    n = add(b, size, n, "connections_served %llu\n", (unsigned long long)st.served);
    n = add(b, size, n, "connections_open %u\n", nconns);
    n = add(b, size, n, "connections_open_max %llu\n", (unsigned long long)st.open_max);
    n = add(b, size, n, "connections_refused %llu\n", (unsigned long long)st.refused);
    n = add(b, size, n, "connections_idle_closed %llu\n", (unsigned long long)st.idle_closed);
    n = add(b, size, n, "requests %llu\n", (unsigned long long)st.requests);
    n = add(b, size, n, "bad_requests %llu\n", (unsigned long long)st.bad);
    n = add(b, size, n, "not_found %llu\n", (unsigned long long)st.not_found);
    n = add(b, size, n, "files_served %llu\n", (unsigned long long)st.files);
#if ON_UK
    struct uk_net_stats ns;
    if (uk_net_stats(&ns) == 0) {
        n = add(b, size, n, "net_sockets %u\nnet_tcp_pcbs %u\nnet_pbufs %u\nnet_mem_errors %llu\n",
                ns.sockets, ns.tcp_pcbs, ns.pbufs, (unsigned long long)ns.mem_errors);
        n = add(b, size, n, "net_interfaces %u\n", ns.interfaces);
        for (unsigned int i = 0; i < ns.interfaces; i++) {
            struct uk_net_if f;
            char a[3][INET_ADDRSTRLEN];
            if (uk_net_if_info(i, &f) < 0)
                continue;
            inet_ntop(AF_INET, &f.addr, a[0], sizeof(a[0]));
            inet_ntop(AF_INET, &f.mask, a[1], sizeof(a[1]));
            inet_ntop(AF_INET, &f.gw, a[2], sizeof(a[2]));
            n = add(b, size, n,
                    "if%u_vif %u\nif%u_mac %02x:%02x:%02x:%02x:%02x:%02x\nif%u_up %d\n"
                    "if%u_dhcp %d\nif%u_addr %s\nif%u_mask %s\nif%u_gw %s\n",
                    i, f.index, i, f.mac[0], f.mac[1], f.mac[2], f.mac[3], f.mac[4], f.mac[5], i,
                    f.up, i, f.dhcp, i, a[0], i, a[1], i, a[2]);
            n = add(b, size, n,
                    "if%u_rx_packets %llu\nif%u_rx_bytes %llu\nif%u_tx_packets %llu\n"
                    "if%u_tx_bytes %llu\nif%u_rx_dropped %llu\nif%u_tx_busy %llu\n",
                    i, (unsigned long long)f.rx_packets, i, (unsigned long long)f.rx_bytes, i,
                    (unsigned long long)f.tx_packets, i, (unsigned long long)f.tx_bytes, i,
                    (unsigned long long)f.rx_dropped, i, (unsigned long long)f.tx_busy);
            n = add(b, size, n,
                    "if%u_bad_id %llu\nif%u_dup_id %llu\nif%u_bad_offset %llu\n"
                    "if%u_bad_status %llu\nif%u_bad_prod %llu\nif%u_bad_flags %llu\n",
                    i, (unsigned long long)f.bad_id, i, (unsigned long long)f.dup_id, i,
                    (unsigned long long)f.bad_offset, i, (unsigned long long)f.bad_status, i,
                    (unsigned long long)f.bad_prod, i, (unsigned long long)f.bad_flags);
        }
    }
#endif
    return n;
}

/* Queue a response; false when out of memory (the connection is closed). */
static bool respond(struct conn *c, int status, const char *type, const char *body, size_t body_len,
                    bool head_only, const char *extra)
{
    char hdr[256];
    size_t h = 0;

    h = add(hdr, sizeof(hdr), h,
            "HTTP/1.1 %d %s\r\nServer: libunikernel-httpd\r\nContent-Type: %s\r\n"
            "Content-Length: %zu\r\nConnection: %s\r\n%s\r\n",
            status, http_reason(status), type, body_len, c->close_after ? "close" : "keep-alive",
            extra ? extra : "");
    if (head_only)
        body_len = 0;
    c->out = malloc(h + body_len);
    if (!c->out)
        return false;
    memcpy(c->out, hdr, h);
    memcpy(c->out + h, body, body_len);
    c->out_len = h + body_len;
    c->out_off = 0;
    return true;
}

static bool reject(struct conn *c, int status)
{
    char body[64];
    int n = snprintf(body, sizeof(body), "%d %s\n", status, http_reason(status));

    st.bad += status >= 400 && status != 404 && status != 405;
    c->close_after = true;
    c->linger = true;
    return respond(c, status, "text/plain", body, (size_t)n, false, NULL);
}

static bool not_found(struct conn *c, bool head_only)
{
    st.not_found++;
    return respond(c, 404, "text/plain", "404 Not Found\n", 14, head_only, NULL);
}

static const char *type_of(const char *path)
{
    static const char *const types[][2] = {
        {".html", "text/html"}, {".htm", "text/html"},      {".txt", "text/plain"},
        {".css", "text/css"},   {".js", "text/javascript"}, {".json", "application/json"},
        {".png", "image/png"},  {".jpg", "image/jpeg"},     {".svg", "image/svg+xml"},
    };
    const char *dot = strrchr(path, '.');

    for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
        if (!strcasecmp(dot, types[i][0]))
            return types[i][1];
    return "application/octet-stream";
}

/* A growing buffer for a listing; `len` stays put when out of memory (then `bad`). */
struct text {
    char *p;
    size_t len, cap;
    bool bad;
};

static void put(struct text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = (t->len + n + 1) * 2;
        char *p = realloc(t->p, cap);

        if (!p) {
            t->bad = true;
            return;
        }
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
}

/* `s` with HTML's special characters escaped. */
static void put_html(struct text *t, const char *s)
{
    for (; *s; s++) {
        const char *e = *s == '<'   ? "&lt;"
                        : *s == '>' ? "&gt;"
                        : *s == '&' ? "&amp;"
                        : *s == '"' ? "&quot;"
                                    : NULL;

        if (e)
            put(t, e, strlen(e));
        else
            put(t, s, 1);
    }
}

static void put_str(struct text *t, const char *s)
{
    put(t, s, strlen(s));
}

static bool listing(struct conn *c, const char *dir, const char *target, bool head_only)
{
    DIR *d = opendir(dir);
    struct text t = {0};
    size_t tlen = strlen(target);
    char base[1024];
    struct dirent *e;
    bool ok;

    if (!d)
        return not_found(c, head_only);
    /* Links are the target's path and the name, without doubled slashes. */
    while (tlen > 0 && target[tlen - 1] == '/')
        tlen--;
    snprintf(base, sizeof(base), "%.*s/", (int)tlen, target);
    put_str(&t, "<!DOCTYPE html>\n<html><head><title>Index of ");
    put_html(&t, base);
    put_str(&t, "</title></head>\n<body><h1>Index of ");
    put_html(&t, base);
    put_str(&t, "</h1>\n<ul>\n");
    while ((e = readdir(d))) {
        const char *slash = e->d_type == DT_DIR ? "/" : "";

        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        put_str(&t, "<li><a href=\"");
        put_html(&t, base);
        put_html(&t, e->d_name);
        put_str(&t, slash);
        put_str(&t, "\">");
        put_html(&t, e->d_name);
        put_str(&t, slash);
        put_str(&t, "</a></li>\n");
    }
    closedir(d);
    put_str(&t, "</ul></body></html>\n");
    ok = t.bad ? false : respond(c, 200, "text/html", t.p, t.len, head_only, NULL);
    free(t.p);
    st.files += ok;
    return ok;
}

/* GET /PATH under root=: a file, a directory's index.html or listing, else 404. */
static bool serve_path(struct conn *c, const char *target, bool head_only)
{
    char path[1024];
    struct stat sb;
    size_t len;
    char *buf;
    int fd, n;
    bool ok;

    n = snprintf(path, sizeof(path), "%s%s", root, target);
    if (n < 0 || (size_t)n >= sizeof(path) - 16 || strstr(target, "/.."))
        return not_found(c, head_only);
    path[strcspn(path, "?#")] = 0;
    if (stat(path, &sb) < 0)
        return not_found(c, head_only);
    if (S_ISDIR(sb.st_mode)) {
        len = strlen(path);
        snprintf(path + len, sizeof(path) - len, "/index.html");
        if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
            path[len] = 0;
            return listing(c, path, target, head_only);
        }
    }
    if (!S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > FILE_MAX)
        return not_found(c, head_only);
    len = (size_t)sb.st_size;
    buf = malloc(len ? len : 1);
    fd = open(path, O_RDONLY);
    if (!buf || fd < 0) {
        free(buf);
        if (fd >= 0)
            close(fd);
        return fd < 0 ? not_found(c, head_only) : false;
    }
    for (size_t got = 0; got < len;) {
        ssize_t r = read(fd, buf + got, len - got);

        if (r <= 0) {
            len = got; /* shorter than stat said: send what there is */
            break;
        }
        got += (size_t)r;
    }
    close(fd);
    ok = respond(c, 200, type_of(path), buf, len, head_only, NULL);
    free(buf);
    st.files += ok;
    return ok;
}

/* One request head, NUL-terminated; queue its response. false: out of memory. */
static bool handle(struct conn *c, char *head)
{
    struct http_request r;
    bool head_only;
    int status;

    st.requests++;
    status = http_parse(head, &r);
    if (status)
        return reject(c, status);
    c->skip = r.body_len;
    c->close_after = !r.keep_alive;
    head_only = !strcmp(r.method, "HEAD");
    if (!head_only && strcmp(r.method, "GET")) {
        c->close_after = true;
        return respond(c, 405, "text/plain", "405 Method Not Allowed\n", 23, false,
                       "Allow: GET, HEAD\r\n");
    }
    if (!strcmp(r.target, "/stats")) {
        char b[3072];
        size_t n = stats_body(b, sizeof(b));
        return respond(c, 200, "text/plain", b, n, head_only, NULL);
    }
    if (root)
        return serve_path(c, r.target, head_only);
    if (!strcmp(r.target, "/") || !strcmp(r.target, "/index.html"))
        return respond(c, 200, "text/html", page, sizeof(page) - 1, head_only, NULL);
    return not_found(c, head_only);
}

/* Answer what is buffered: one request at a time. false: close it now. */
static bool process(struct conn *c)
{
    while (!c->out && !c->close_after) {
        if (c->skip) { /* a body nobody asked for */
            size_t n = c->skip < c->in_len ? (size_t)c->skip : c->in_len;
            memmove(c->in, c->in + n, c->in_len - n);
            c->in_len -= n;
            c->skip -= n;
            if (c->skip)
                return true;
        }
        size_t end = http_head_end(c->in, c->in_len);
        if (!end) {
            if (c->in_len == sizeof(c->in))
                return reject(c, 431);
            return true;
        }
        char head[HTTP_HEAD_MAX + 1];
        memcpy(head, c->in, end);
        head[end] = 0;
        memmove(c->in, c->in + end, c->in_len - end);
        c->in_len -= end;
        if (!handle(c, head))
            return false;
    }
    return true;
}

static void conn_close(unsigned int i)
{
    struct conn *c = conns[i];

    close(c->fd);
    free(c->out);
    free(c);
    conns[i] = conns[--nconns];
}

/* Readable, or an error or hang-up. false: close it. */
static bool conn_read(struct conn *c)
{
    ssize_t n;

    if (c->linger_until) { /* discard, until the client's end or the deadline */
        n = recv(c->fd, c->in, sizeof(c->in), MSG_DONTWAIT);
        return n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR));
    }
    n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);

    if (n < 0)
        return errno == EAGAIN || errno == EINTR;
    if (n == 0)
        return false; /* the client is done: we close, no TIME_WAIT here */
    c->in_len += (size_t)n;
    return process(c);
}

/* Writable with a response pending. false: close it. */
static bool conn_write(struct conn *c)
{
    ssize_t n =
        send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_DONTWAIT | MSG_NOSIGNAL);

    if (n < 0)
        return errno == EAGAIN || errno == EINTR;
    c->out_off += (size_t)n;
    if (c->out_off < c->out_len)
        return true;
    free(c->out);
    c->out = NULL;
    if (c->close_after && c->linger) {
        /*
         * After an error the client may still be sending (a head too
         * large): closing now with its bytes unread would make the stack
         * reset the connection, and the reset can destroy our response
         * before the client reads it. So end our side only, read and drop
         * what comes until the client closes, for at most LINGER_S.
         */
        shutdown(c->fd, SHUT_WR);
        c->linger_until = now_s() + LINGER_S;
        return true;
    }
    if (c->close_after)
        return false;
    return process(c); /* a pipelined request may be waiting */
}

/* false when nothing (more) was waiting, or no room. */
static bool accept_one(int lfd)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = accept(lfd, (struct sockaddr *)&sa, &len);
    struct conn *c = NULL;

    if (fd < 0) {
        st.refused += errno != EAGAIN && errno != EWOULDBLOCK;
        return false;
    }
    if (nconns == CONNS_MAX || !(c = calloc(1, sizeof(*c)))) {
        st.refused++;
        close(fd);
        return false;
    }
    c->fd = fd;
    c->last = now_s();
    conns[nconns++] = c;
    st.served++;
    if (nconns > st.open_max)
        st.open_max = nconns;
    return true;
}

static void announce(int port)
{
    char addr[INET_ADDRSTRLEN] = "0.0.0.0";
#if ON_UK
    struct uk_net_stats ns;
    struct uk_net_if f;

    if (uk_net_stats(&ns) == 0)
        for (unsigned int i = 0; i < ns.interfaces; i++)
            if (uk_net_if_info(i, &f) == 0 && f.up) {
                inet_ntop(AF_INET, &f.addr, addr, sizeof(addr));
                break;
            }
#endif
    printf("httpd: listening on %s:%d\n", addr, port);
}

int main(int argc, char **argv)
{
    int port = 80, one = 1, lfd;
    struct sockaddr_in sa = {.sin_family = AF_INET};
    struct pollfd *p = calloc(CONNS_MAX + 1, sizeof(*p));
    struct stat rs;

    setvbuf(stdout, NULL, _IOLBF, 0);
    t_start = now_s();
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "root=", 5))
            root = argv[i] + 5;
        else
            port = atoi(argv[i]);
    }
    if (port <= 0 || port > 65535 || !p) {
        printf("httpd: usage: httpd [PORT] [root=DIR] (PORT 1-65535)\n");
        return 2;
    }
    errno = 0;
    if (root && (stat(root, &rs) < 0 || !S_ISDIR(rs.st_mode))) {
        printf("httpd: root=%s: %s\n", root, errno ? strerror(errno) : "not a directory");
        return 2;
    }
    if (root)
        printf("httpd: serving files from %s\n", root);
#if ON_UK
    int rc = uk_net_wait_up(uk_deadline_in(30 * UK_NSEC_PER_SEC));
    if (rc < 0) {
        printf("httpd: no network: %s\n", strerror(-rc));
        return 1;
    }
#else
    signal(SIGPIPE, SIG_IGN);
#endif
    sa.sin_port = htons((uint16_t)port);
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0) {
        printf("httpd: socket: %s\n", strerror(errno));
        return 1;
    }
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    /*
     * A burst of connections is accepted in one round when the listener
     * does not block (else one per round: a backlog that overflows drops
     * SYNs, and clients wait a second to retry).
     */
    bool burst = fcntl(lfd, F_SETFL, O_NONBLOCK) == 0;
    if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 256) < 0) {
        printf("httpd: bind/listen port %d: %s\n", port, strerror(errno));
        return 1;
    }
    announce(port);
    for (;;) {
        unsigned int n = nconns;
        p[0] = (struct pollfd){.fd = lfd, .events = POLLIN};
        for (unsigned int i = 0; i < n; i++)
            p[1 + i] =
                (struct pollfd){.fd = conns[i]->fd, .events = conns[i]->out ? POLLOUT : POLLIN};
        int rc = poll(p, 1 + n, 1000);
        if (rc < 0 && errno != EINTR) {
            printf("httpd: poll: %s\n", strerror(errno));
            return 1;
        }
        double now = now_s();
        /* Backwards: closing i moves the last connection into slot i. */
        for (unsigned int i = n; i-- > 0;) {
            struct conn *c = conns[i];
            short ev = rc > 0 ? p[1 + i].revents : 0;
            bool keep;
            if (c->linger_until && now > c->linger_until) {
                conn_close(i);
                continue;
            }
            if (!ev) {
                if (now - c->last > IDLE_S) {
                    st.idle_closed++;
                    conn_close(i);
                }
                continue;
            }
            c->last = now;
            if (c->out)
                keep = (ev & (POLLOUT | POLLERR | POLLHUP)) ? conn_write(c) : true;
            else
                keep = conn_read(c);
            if (!keep)
                conn_close(i);
        }
        if (rc > 0 && p[0].revents)
            for (int k = 0; accept_one(lfd) && burst && k < 64; k++)
                ;
    }
}
