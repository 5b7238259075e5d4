/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dom0's side of the network tests and benchmarks (tests/cases/net-*.test,
 * tests/bench/bench.sh): ordinary POSIX sockets, so it also runs on any
 * Linux box against apps/httpd and apps/echo built for the host. Every loop
 * is bounded in count and in time: a guest that hangs makes a mode fail
 * (exit 1) after at most -t SECONDS (default 60) overall, or -s SECONDS
 * (default 10) without progress, never hang the rig. -w SECONDS: connects
 * are retried for that long while refused or unanswered (default 0).
 *
 *   net_peer [-t S] [-s S] tcp-echo HOST PORT BYTES SEED
 *       send BYTES of a seeded pseudo-random stream in random chunk sizes
 *       (1 to 64 KiB) to an echo server while reading the echo back; check
 *       every byte, print the bytes and CRC-32 both ways and the time
 *   net_peer udp-echo HOST PORT COUNT
 *       COUNT datagrams of random sizes (1 to 1472 bytes), one at a time,
 *       each resent up to 3 times if its echo is late; print the lost
 *   net_peer conns HOST PORT N http|echo
 *       N TCP connections open at once; then on each one request (GET / or
 *       a line to echo), its answer checked, then all closed (by us first,
 *       so the server holds no TIME_WAIT); all N must succeed
 *   net_peer ping HOST COUNT
 *       COUNT ICMP echo requests (raw socket), each sent once the previous
 *       one's reply came or 1 s passed; print the lost and round trips
 *   net_peer tcp-send HOST PORT BYTES      BYTES to a discard server
 *   net_peer tcp-recv HOST PORT BYTES      BYTES from a source server
 *       (apps/echo's: we send "BYTES SEED\n", it sends that many and closes)
 *   net_peer http HOST PORT N keepalive|close
 *       N GET / one after another (one connection, or one each); requests
 *       per second and latency percentiles
 *   net_peer get HOST PORT PATH
 *       one GET, its body on stdout (we close first, see conns)
 *
 * Output lines start "net_peer: "; exit 0 when everything checked out.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../apps/echo/netcheck.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

#define CHUNK_MAX (64 * 1024)

static double limit_s = 60; /* -t: the whole mode */
static double stall_s = 10; /* -s: without any progress */
static double wait_s;       /* -w: for the server to come up */
static double t_start;

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Milliseconds left of the whole mode's budget (at least 0). */
static int budget_ms(void)
{
    double left = t_start + limit_s - now_s();

    return left > 0 ? (int)(left * 1000) + 1 : 0;
}

static bool over_budget(void)
{
    return now_s() > t_start + limit_s;
}

static int parse_addr(const char *host, int port, struct sockaddr_in *sa)
{
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
        printf("net_peer: bad address %s\n", host);
        return -1;
    }
    return 0;
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL, 0);

    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Start a non-blocking connect; the socket, or -1. */
static int connect_start(const struct sockaddr_in *sa)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return -1;
    if (set_nonblock(fd) < 0 ||
        (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0 && errno != EINPROGRESS)) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* Has the connect finished? 1 yes, 0 not yet, -1 failed (errno set). */
static int connect_done(int fd, short revents)
{
    int err = 0;
    socklen_t len = sizeof(err);

    if (!(revents & (POLLOUT | POLLERR | POLLHUP)))
        return 0;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        return -1;
    if (err) {
        errno = err;
        return -1;
    }
    return 1;
}

/*
 * A connected socket within the budget, or -1 (said why). With -w, a
 * refused or unanswered connect is tried again for up to that long (the
 * server may still be coming up), each attempt given at most a second.
 */
static int connect_to(const struct sockaddr_in *sa)
{
    double until = now_s() + wait_s;

    for (;;) {
        int fd = connect_start(sa), rc = -1, err;
        struct pollfd p;

        if (fd < 0) {
            printf("net_peer: connect: %s\n", strerror(errno));
            return -1;
        }
        p = (struct pollfd){.fd = fd, .events = POLLOUT};
        /* An attempt gets 1 s with -w, else -s: one lost SYN is not the whole budget. */
        int ms = wait_s > 0 ? 1000 : (int)(stall_s * 1000);
        rc = poll(&p, 1, budget_ms() < ms ? budget_ms() : ms);
        if (rc == 1 && connect_done(fd, p.revents) == 1) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            return fd;
        }
        err = rc == 0 ? ETIMEDOUT : errno;
        close(fd);
        if (now_s() < until && !over_budget()) {
            struct timespec ts = {0, 200 * 1000 * 1000};
            nanosleep(&ts, NULL);
            continue;
        }
        printf("net_peer: connect to %s:%d: %s\n", inet_ntoa(sa->sin_addr), ntohs(sa->sin_port),
               strerror(err));
        return -1;
    }
}

/* Wait for the peer's end of stream after ours: 0, or -1 (said why). */
static int wait_eof(int fd, const char *what)
{
    char buf[512];
    double last = now_s();

    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, 200);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc == 1) {
            ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
            if (n == 0)
                return 0;
            if (n > 0) {
                printf("net_peer: %s: %zd bytes more than expected\n", what, n);
                return -1;
            }
            if (errno != EAGAIN && errno != EINTR)
                break;
        }
        if (over_budget() || now_s() - last > stall_s) {
            printf("net_peer: %s: no end of stream from the server\n", what);
            return -1;
        }
    }
    printf("net_peer: %s: %s\n", what, strerror(errno));
    return -1;
}

static int mode_tcp_echo(const struct sockaddr_in *sa, uint64_t bytes, uint64_t seed)
{
    static uint8_t out[CHUNK_MAX], in[CHUNK_MAX], want[CHUNK_MAX];
    struct netcheck_rng tx, rx, sizes;
    uint64_t sent = 0, recvd = 0;
    uint32_t crc_tx = 0, crc_rx = 0;
    size_t chunk = 0, chunk_off = 0;
    double t0, last;
    bool wr_shut = false;
    int fd = connect_to(sa);

    if (fd < 0)
        return 1;
    netcheck_seed(&tx, seed);
    netcheck_seed(&rx, seed);
    netcheck_seed(&sizes, seed ^ 0x5eed);
    t0 = last = now_s();
    while (recvd < bytes) {
        struct pollfd p = {.fd = fd, .events = POLLIN | (sent < bytes ? POLLOUT : 0)};
        int rc = poll(&p, 1, 200);
        if (rc < 0 && errno != EINTR)
            goto fail_errno;
        if (over_budget() || now_s() - last > stall_s) {
            printf("net_peer: tcp-echo: stalled: %llu of %llu sent, %llu echoed\n",
                   (unsigned long long)sent, (unsigned long long)bytes, (unsigned long long)recvd);
            goto fail;
        }
        if (rc <= 0)
            continue;
        if ((p.revents & POLLOUT) && sent < bytes) {
            if (chunk_off == chunk) { /* the next chunk, of a random size */
                chunk = 1 + netcheck_next(&sizes) % CHUNK_MAX;
                if (chunk > bytes - sent)
                    chunk = (size_t)(bytes - sent);
                netcheck_fill(&tx, out, chunk);
                crc_tx = netcheck_crc32(crc_tx, out, chunk);
                chunk_off = 0;
            }
            ssize_t n = send(fd, out + chunk_off, chunk - chunk_off, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n < 0 && errno != EAGAIN && errno != EINTR)
                goto fail_errno;
            if (n > 0) {
                chunk_off += (size_t)n;
                sent += (uint64_t)n;
                last = now_s();
            }
        }
        if (sent == bytes && !wr_shut) {
            shutdown(fd, SHUT_WR); /* the server's echo ends when ours does */
            wr_shut = true;
        }
        if (p.revents & (POLLIN | POLLERR | POLLHUP)) {
            ssize_t n = recv(fd, in, sizeof(in), MSG_DONTWAIT);
            if (n == 0) {
                printf("net_peer: tcp-echo: server closed after %llu of %llu bytes\n",
                       (unsigned long long)recvd, (unsigned long long)bytes);
                goto fail;
            }
            if (n < 0 && errno != EAGAIN && errno != EINTR)
                goto fail_errno;
            if (n > 0) {
                if ((uint64_t)n > sent - recvd) {
                    printf("net_peer: tcp-echo: %zd bytes echoed before they were sent\n", n);
                    goto fail;
                }
                netcheck_fill(&rx, want, (size_t)n);
                if (memcmp(in, want, (size_t)n)) {
                    size_t i = 0;
                    while (in[i] == want[i])
                        i++;
                    printf("net_peer: tcp-echo: byte %llu differs: 0x%02x, sent 0x%02x\n",
                           (unsigned long long)(recvd + i), in[i], want[i]);
                    goto fail;
                }
                crc_rx = netcheck_crc32(crc_rx, in, (size_t)n);
                recvd += (uint64_t)n;
                last = now_s();
            }
        }
    }
    if (wait_eof(fd, "tcp-echo") < 0)
        goto fail;
    double dt = now_s() - t0;
    printf("net_peer: tcp-echo sent %llu bytes crc32 %08x, received %llu bytes crc32 %08x, "
           "verified, %.2f s, %.2f MB/s each way\n",
           (unsigned long long)sent, crc_tx, (unsigned long long)recvd, crc_rx, dt,
           bytes / dt / 1e6);
    close(fd);
    return crc_tx == crc_rx ? 0 : 1;
fail_errno:
    printf("net_peer: tcp-echo: %s after %llu sent, %llu echoed\n", strerror(errno),
           (unsigned long long)sent, (unsigned long long)recvd);
fail:
    close(fd);
    return 1;
}

/* Datagram i: a 4-byte sequence number, then stream bytes; 1 to 1472 long. */
static size_t udp_datagram(uint8_t *buf, uint32_t seq, uint64_t seed)
{
    struct netcheck_rng r;
    size_t len;

    netcheck_seed(&r, seed ^ ((uint64_t)seq << 20));
    len = 1 + netcheck_next(&r) % 1472;
    memcpy(buf, &seq, len < 4 ? len : 4);
    if (len > 4)
        netcheck_fill(&r, buf + 4, len - 4);
    return len;
}

static int mode_udp_echo(const struct sockaddr_in *sa, unsigned int count)
{
    uint8_t out[1500], in[2048];
    unsigned int lost = 0, resent = 0, bad = 0, stale = 0;
    uint64_t bytes = 0;
    double t0 = now_s();
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    if (fd < 0 || connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
        printf("net_peer: udp-echo: socket: %s\n", strerror(errno));
        return 1;
    }
    for (uint32_t seq = 0; seq < count && !over_budget(); seq++) {
        size_t len = udp_datagram(out, seq, 42);
        bool got = false;
        for (int attempt = 0; attempt < 4 && !got && !over_budget(); attempt++) {
            if (attempt)
                resent++;
            if (send(fd, out, len, 0) < 0 && errno != ECONNREFUSED) {
                printf("net_peer: udp-echo: send: %s\n", strerror(errno));
                close(fd);
                return 1;
            }
            double until = now_s() + 0.5;
            while (!got && now_s() < until) {
                struct pollfd p = {.fd = fd, .events = POLLIN};
                if (poll(&p, 1, (int)((until - now_s()) * 1000) + 1) != 1)
                    continue;
                ssize_t n = recv(fd, in, sizeof(in), MSG_DONTWAIT);
                if (n < 0)
                    continue; /* ECONNREFUSED from an ICMP: not up yet */
                if ((size_t)n >= 4 && memcmp(in, &seq, 4) && len >= 4) {
                    stale++; /* the echo of an earlier attempt */
                    continue;
                }
                if ((size_t)n != len || memcmp(in, out, len)) {
                    bad++;
                    continue;
                }
                got = true;
                bytes += len;
            }
        }
        if (!got)
            lost++;
    }
    close(fd);
    unsigned int done = over_budget() ? 0 : count;
    printf("net_peer: udp-echo %u datagrams (%llu bytes) echoed, %u lost, %u resent, "
           "%u corrupt, %u late, %.2f s%s\n",
           count - lost, (unsigned long long)bytes, lost, resent, bad, stale, now_s() - t0,
           done ? "" : ", out of time");
    return lost || bad || !done ? 1 : 0;
}

struct conn {
    int fd;
    int state; /* 0 connecting, 1 connected, 2 request sent, 3 answered, -1 failed */
    char buf[2048];
    size_t have;
};

/*
 * A complete HTTP response in buf? 1 yes (and *status), 0 not yet, -1
 * malformed. Only what httpd sends: a status line, headers with
 * Content-Length, the body.
 */
static int http_complete(const char *buf, size_t have, int *status, size_t *total)
{
    const char *end = memmem(buf, have, "\r\n\r\n", 4);
    const char *cl;
    size_t hlen, blen = 0;

    if (!end)
        return have >= 8 && memcmp(buf, "HTTP/1.", 7) ? -1 : 0;
    hlen = (size_t)(end - buf) + 4;
    if (sscanf(buf, "HTTP/1.%*d %d", status) != 1)
        return -1;
    cl = memmem(buf, hlen, "\r\nContent-Length:", 17);
    if (cl)
        blen = strtoul(cl + 17, NULL, 10);
    if (have < hlen + blen)
        return 0;
    *total = hlen + blen;
    return 1;
}

#define ECHO_LINE "net_peer conns: a line to echo back\n"

static int mode_conns(const struct sockaddr_in *sa, unsigned int n, bool http)
{
    struct conn *c = calloc(n, sizeof(*c));
    struct pollfd *p = calloc(n, sizeof(*p));
    unsigned int connected = 0, answered = 0, failed = 0;
    double t0 = now_s(), last = t0;
    const char *req = http ? "GET / HTTP/1.1\r\nHost: guest\r\n\r\n" : ECHO_LINE;

    if (!c || !p)
        return 1;
    for (unsigned int i = 0; i < n; i++) {
        c[i].fd = connect_start(sa);
        if (c[i].fd < 0) {
            printf("net_peer: conns: socket %u: %s\n", i, strerror(errno));
            c[i].state = -1;
            failed++;
        }
    }
    /* All connected first, so that the server holds all n at once. */
    while (connected + failed < n) {
        for (unsigned int i = 0; i < n; i++)
            p[i] = (struct pollfd){.fd = c[i].state == 0 ? c[i].fd : -1, .events = POLLOUT};
        int rc = poll(p, n, 200);
        if (over_budget() || now_s() - last > stall_s)
            break;
        for (unsigned int i = 0; rc > 0 && i < n; i++) {
            if (c[i].state != 0)
                continue;
            int d = connect_done(c[i].fd, p[i].revents);
            if (d == 1) {
                c[i].state = 1;
                connected++;
                last = now_s();
            } else if (d < 0) {
                if (failed < 5)
                    printf("net_peer: conns: connect %u: %s\n", i, strerror(errno));
                c[i].state = -1;
                failed++;
            }
        }
    }
    double t_conn = now_s() - t0;
    for (unsigned int i = 0; i < n; i++) {
        if (c[i].state != 1)
            continue;
        /* Small: goes out whole into an empty socket buffer. */
        if (send(c[i].fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
            c[i].state = -1;
            failed++;
        } else {
            c[i].state = 2;
        }
    }
    last = now_s();
    while (answered + failed < n && !over_budget() && now_s() - last < stall_s) {
        for (unsigned int i = 0; i < n; i++)
            p[i] = (struct pollfd){.fd = c[i].state == 2 ? c[i].fd : -1, .events = POLLIN};
        if (poll(p, n, 200) <= 0)
            continue;
        for (unsigned int i = 0; i < n; i++) {
            if (c[i].state != 2 || !p[i].revents)
                continue;
            ssize_t r =
                recv(c[i].fd, c[i].buf + c[i].have, sizeof(c[i].buf) - c[i].have, MSG_DONTWAIT);
            if (r < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            int status = 0, done;
            size_t total = 0;
            if (r > 0)
                c[i].have += (size_t)r;
            if (http)
                done = http_complete(c[i].buf, c[i].have, &status, &total);
            else
                done = c[i].have < strlen(req) ? 0 : !memcmp(c[i].buf, req, strlen(req)) ? 1 : -1;
            if (done == 0 && r > 0 && c[i].have < sizeof(c[i].buf))
                continue;
            if (done == 1 && (!http || status == 200)) {
                c[i].state = 3;
                answered++;
                last = now_s();
            } else {
                if (failed < 5)
                    printf("net_peer: conns: connection %u: %s after %zu bytes\n", i,
                           r < 0    ? strerror(errno)
                           : r == 0 ? "closed"
                                    : "bad answer",
                           c[i].have);
                c[i].state = -1;
                failed++;
            }
        }
    }
    /* Ours closes first: the server's side ends in LAST_ACK, then CLOSED. */
    for (unsigned int i = 0; i < n; i++)
        if (c[i].fd >= 0)
            close(c[i].fd);
    printf("net_peer: conns %u at once: %u connected in %.2f s, %u answered, %u failed, "
           "%.2f s\n",
           n, connected, t_conn, answered, n - answered, now_s() - t0);
    free(c);
    free(p);
    return answered == n ? 0 : 1;
}

struct icmp_echo {
    uint8_t type, code;
    uint16_t csum, id, seq;
    uint8_t data[56];
};

static uint16_t inet_csum(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint32_t sum = 0;

    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return htons((uint16_t)~sum);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* The q-th quantile (0..1) of n sorted values. */
static double quantile(const double *v, size_t n, double q)
{
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);

    return n ? v[i < n ? i : n - 1] : 0;
}

static int mode_ping(const struct sockaddr_in *sa, unsigned int count)
{
    double *rtt = calloc(count ? count : 1, sizeof(double));
    unsigned int got = 0, lost = 0, sent = 0, bad = 0;
    uint16_t id = (uint16_t)getpid();
    double t0 = now_s();
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);

    if (fd < 0 || !rtt) {
        printf("net_peer: ping: raw socket: %s\n", strerror(errno));
        return 1;
    }
    for (uint16_t seq = 0; sent < count && !over_budget(); seq++) {
        struct icmp_echo req = {.type = 8, .id = htons(id), .seq = htons(seq)};
        for (size_t i = 0; i < sizeof(req.data); i++)
            req.data[i] = (uint8_t)(seq + i);
        req.csum = inet_csum(&req, sizeof(req));
        double ts = now_s();
        if (sendto(fd, &req, sizeof(req), 0, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
            printf("net_peer: ping: send: %s\n", strerror(errno));
            break;
        }
        sent++;
        bool ok = false;
        while (!ok && now_s() < ts + 1.0) {
            uint8_t pkt[256];
            struct pollfd p = {.fd = fd, .events = POLLIN};
            if (poll(&p, 1, (int)((ts + 1.0 - now_s()) * 1000) + 1) != 1)
                continue;
            ssize_t n = recv(fd, pkt, sizeof(pkt), MSG_DONTWAIT);
            if (n < 20)
                continue;
            size_t ihl = (size_t)(pkt[0] & 0xf) * 4; /* raw IPv4 sockets get the IP header */
            const struct icmp_echo *r = (const void *)(pkt + ihl);
            if ((size_t)n < ihl + sizeof(*r) || r->type != 0 || r->id != req.id ||
                r->seq != req.seq)
                continue; /* someone else's, or our own request looped back */
            if (memcmp(r->data, req.data, sizeof(req.data))) {
                bad++;
                continue;
            }
            rtt[got++] = (now_s() - ts) * 1e3;
            ok = true;
        }
        if (!ok)
            lost++;
    }
    close(fd);
    lost += count - sent;
    double sum = 0;
    for (unsigned int i = 0; i < got; i++)
        sum += rtt[i];
    qsort(rtt, got, sizeof(double), cmp_double);
    printf("net_peer: ping %s: %u sent, %u received, %u lost, %u corrupt, rtt ms min %.3f avg "
           "%.3f p50 %.3f p99 %.3f max %.3f, %.2f s\n",
           inet_ntoa(sa->sin_addr), sent, got, lost, bad, got ? rtt[0] : 0, got ? sum / got : 0,
           quantile(rtt, got, 0.5), quantile(rtt, got, 0.99), got ? rtt[got - 1] : 0, now_s() - t0);
    free(rtt);
    return lost || bad ? 1 : 0;
}

static int mode_tcp_send(const struct sockaddr_in *sa, uint64_t bytes)
{
    static uint8_t buf[CHUNK_MAX];
    struct netcheck_rng r;
    uint64_t sent = 0;
    double t0 = now_s(), last = t0;
    int fd = connect_to(sa);

    if (fd < 0)
        return 1;
    netcheck_seed(&r, 7);
    netcheck_fill(&r, buf, sizeof(buf));
    while (sent < bytes) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int rc = poll(&p, 1, 200);
        if (over_budget() || now_s() - last > stall_s) {
            printf("net_peer: tcp-send: stalled after %llu bytes\n", (unsigned long long)sent);
            close(fd);
            return 1;
        }
        if (rc != 1)
            continue;
        size_t len = bytes - sent < sizeof(buf) ? (size_t)(bytes - sent) : sizeof(buf);
        ssize_t n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            printf("net_peer: tcp-send: %s after %llu bytes\n", strerror(errno),
                   (unsigned long long)sent);
            close(fd);
            return 1;
        }
        if (n > 0) {
            sent += (uint64_t)n;
            last = now_s();
        }
    }
    /* Done when the server has read it all and closed: its EOF after ours. */
    shutdown(fd, SHUT_WR);
    int rc = wait_eof(fd, "tcp-send");
    double dt = now_s() - t0;
    close(fd);
    if (rc == 0)
        printf("net_peer: tcp-send %llu bytes in %.3f s: %.2f MB/s\n", (unsigned long long)sent, dt,
               sent / dt / 1e6);
    return rc ? 1 : 0;
}

static int mode_tcp_recv(const struct sockaddr_in *sa, uint64_t bytes)
{
    static uint8_t buf[CHUNK_MAX];
    char req[64];
    uint64_t got = 0;
    uint32_t crc = 0;
    double t0 = now_s(), last = t0;
    int fd = connect_to(sa);

    if (fd < 0)
        return 1;
    snprintf(req, sizeof(req), "%llu 7\n", (unsigned long long)bytes);
    if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0) {
        printf("net_peer: tcp-recv: send: %s\n", strerror(errno));
        close(fd);
        return 1;
    }
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, 200);
        if (over_budget() || now_s() - last > stall_s) {
            printf("net_peer: tcp-recv: stalled after %llu bytes\n", (unsigned long long)got);
            close(fd);
            return 1;
        }
        if (rc != 1)
            continue;
        ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n == 0)
            break;
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            printf("net_peer: tcp-recv: %s after %llu bytes\n", strerror(errno),
                   (unsigned long long)got);
            close(fd);
            return 1;
        }
        if (n > 0) {
            crc = netcheck_crc32(crc, buf, (size_t)n);
            got += (uint64_t)n;
            last = now_s();
        }
    }
    double dt = now_s() - t0;
    close(fd);
    printf("net_peer: tcp-recv %llu bytes crc32 %08x in %.3f s: %.2f MB/s\n",
           (unsigned long long)got, crc, dt, got / dt / 1e6);
    return got == bytes ? 0 : 1;
}

/* One request on fd, its whole response into buf; the status, or -1. */
static int http_once(int fd, const char *path, bool keep, char *buf, size_t size, size_t *len)
{
    char req[512];
    size_t have = 0, total = 0;
    int status = 0;

    snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: guest\r\n%s\r\n", path,
             keep ? "" : "Connection: close\r\n");
    if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req))
        return -1;
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, (int)(stall_s * 1000));
        if (rc != 1 || over_budget())
            return -1;
        ssize_t n = recv(fd, buf + have, size - have, MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0)
            return -1;
        have += (size_t)n;
        rc = http_complete(buf, have, &status, &total);
        if (rc < 0 || (rc == 0 && have == size))
            return -1;
        if (rc == 1) {
            *len = total;
            return status;
        }
    }
}

static int mode_http(const struct sockaddr_in *sa, unsigned int n, bool keep)
{
    static char buf[64 * 1024];
    double *lat = calloc(n ? n : 1, sizeof(double));
    unsigned int done = 0, failed = 0;
    double t0 = now_s();
    int fd = -1;

    if (!lat)
        return 1;
    for (unsigned int i = 0; i < n && !over_budget() && failed < 10; i++) {
        double ts = now_s();
        size_t len;
        if (fd < 0 && (fd = connect_to(sa)) < 0) {
            failed++;
            continue;
        }
        int status = http_once(fd, "/", keep, buf, sizeof(buf), &len);
        if (status != 200) {
            if (failed < 3)
                printf("net_peer: http: request %u: %s\n", i,
                       status < 0 ? "no complete response" : "status not 200");
            failed++;
        } else {
            lat[done++] = (now_s() - ts) * 1e3;
        }
        if (!keep || status != 200) {
            close(fd);
            fd = -1;
        }
    }
    if (fd >= 0)
        close(fd);
    double dt = now_s() - t0;
    qsort(lat, done, sizeof(double), cmp_double);
    printf("net_peer: http %s: %u requests, %u failed, %.2f s, %.1f req/s, latency ms p50 %.3f "
           "p90 %.3f p99 %.3f max %.3f\n",
           keep ? "keepalive" : "close", done, n - done, dt, done / dt, quantile(lat, done, 0.5),
           quantile(lat, done, 0.9), quantile(lat, done, 0.99), done ? lat[done - 1] : 0);
    free(lat);
    return done == n ? 0 : 1;
}

static int mode_get(const struct sockaddr_in *sa, const char *path)
{
    static char buf[64 * 1024];
    size_t len = 0;
    int fd = connect_to(sa), status;

    if (fd < 0)
        return 1;
    status = http_once(fd, path, true, buf, sizeof(buf), &len);
    close(fd); /* ours first: no TIME_WAIT left on the server for /stats */
    if (status < 0) {
        printf("net_peer: get %s: no complete response\n", path);
        return 1;
    }
    char *body = memmem(buf, len, "\r\n\r\n", 4) + 4;
    fwrite(body, 1, len - (size_t)(body - buf), stdout);
    return status == 200 ? 0 : 1;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: net_peer [-t SECONDS] [-s SECONDS] [-w SECONDS] MODE ARGS (see the source)\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct sockaddr_in sa;
    int opt;

    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    while ((opt = getopt(argc, argv, "t:s:w:")) != -1) {
        if (opt == 't')
            limit_s = atof(optarg);
        else if (opt == 's')
            stall_s = atof(optarg);
        else if (opt == 'w')
            wait_s = atof(optarg);
        else
            return usage();
    }
    argc -= optind;
    argv += optind;
    t_start = now_s();
    if (argc < 3)
        return usage();
    const char *mode = argv[0];
    if (!strcmp(mode, "ping"))
        return parse_addr(argv[1], 0, &sa) ? 2 : mode_ping(&sa, (unsigned)atoi(argv[2]));
    if (argc < 4 || parse_addr(argv[1], atoi(argv[2]), &sa))
        return usage();
    if (!strcmp(mode, "tcp-echo") && argc == 5)
        return mode_tcp_echo(&sa, strtoull(argv[3], NULL, 0), strtoull(argv[4], NULL, 0));
    if (!strcmp(mode, "udp-echo"))
        return mode_udp_echo(&sa, (unsigned)atoi(argv[3]));
    if (!strcmp(mode, "conns") && argc == 5)
        return mode_conns(&sa, (unsigned)atoi(argv[3]), !strcmp(argv[4], "http"));
    if (!strcmp(mode, "tcp-send"))
        return mode_tcp_send(&sa, strtoull(argv[3], NULL, 0));
    if (!strcmp(mode, "tcp-recv"))
        return mode_tcp_recv(&sa, strtoull(argv[3], NULL, 0));
    if (!strcmp(mode, "http") && argc == 5)
        return mode_http(&sa, (unsigned)atoi(argv[3]), !strcmp(argv[4], "keepalive"));
    if (!strcmp(mode, "get"))
        return mode_get(&sa, argv[3]);
    return usage();
}
