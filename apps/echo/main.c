/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * echo: TCP and UDP echo (RFC 862) on PORT (default 7), with two helpers
 * for measuring throughput: a TCP discard server on PORT+1 (reads and drops,
 * RFC 863) and a TCP source on PORT+2 (reads one line "BYTES SEED", sends
 * that many bytes of apps/echo/netcheck.h's stream for SEED and closes).
 *
 *   echo [PORT]
 *
 * One thread, poll() over every socket. When a TCP connection closes it
 * prints what went through it both ways, with the CRC-32 of each, so that a
 * test compares the two ends:
 *
 *   echo: tcp 10.0.0.1:41234 closed: 1048576 bytes in crc32 1a2b3c4d, 1048576 out crc32 1a2b3c4d
 *
 * Ordinary POSIX C: it builds and runs on Linux too (without <uk/net.h>).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

#include "netcheck.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

#define BUF_SIZE  (32 * 1024)
#define CONNS_MAX 1024

enum kind { ECHO, DISCARD, SOURCE };

struct conn {
    int fd;
    enum kind kind;
    struct sockaddr_in peer;
    uint8_t *buf;
    size_t len, off;  /* pending output: buf[off..len) */
    bool eof;         /* the peer has finished sending */
    uint64_t in, out; /* bytes each way */
    uint32_t crc_in, crc_out;
    uint64_t source_left; /* SOURCE: still to send, once the request line is in */
    bool source_go;
    struct netcheck_rng rng;
};

static struct conn *conns[CONNS_MAX];
static unsigned int nconns;
static uint64_t udp_datagrams, udp_bytes;
static bool burst; /* listeners do not block */

static const char *kind_name[] = {"tcp", "discard", "source"};

static int listener(int type, int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, type, 0), one = 1;

    if (fd < 0) {
        printf("echo: socket: %s\n", strerror(errno));
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    /* A burst of connections is accepted in one round when this works. */
    burst = fcntl(fd, F_SETFL, O_NONBLOCK) == 0;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        (type == SOCK_STREAM && listen(fd, 256) < 0)) {
        printf("echo: bind/listen port %d: %s\n", port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static void conn_close(unsigned int i, const char *why)
{
    struct conn *c = conns[i];

    printf("echo: %s %s:%u closed%s%s: %llu bytes in crc32 %08x, %llu out crc32 %08x\n",
           kind_name[c->kind], inet_ntoa(c->peer.sin_addr), ntohs(c->peer.sin_port),
           why ? ", " : "", why ? why : "", (unsigned long long)c->in, c->crc_in,
           (unsigned long long)c->out, c->crc_out);
    close(c->fd);
    free(c->buf);
    free(c);
    conns[i] = conns[--nconns];
}

/* false when nothing (more) was waiting, or no room. */
static bool accept_one(int lfd, enum kind kind)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = accept(lfd, (struct sockaddr *)&sa, &len);
    struct conn *c;

    if (fd < 0)
        return false;
    if (nconns == CONNS_MAX || !(c = calloc(1, sizeof(*c))) || !(c->buf = malloc(BUF_SIZE))) {
        if (nconns < CONNS_MAX)
            free(c);
        printf("echo: refusing a connection: %s\n",
               nconns == CONNS_MAX ? "too many" : "out of memory");
        close(fd);
        return false;
    }
    c->fd = fd;
    c->kind = kind;
    c->peer = sa;
    conns[nconns++] = c;
    return true;
}

/* SOURCE: the request line "BYTES SEED\n" in buf[0..len). */
static const char *source_request(struct conn *c)
{
    char line[64];
    unsigned long long bytes, seed;
    uint8_t *nl = memchr(c->buf, '\n', c->len);

    if (!nl)
        return c->len >= sizeof(line) - 1 ? "request line too long" : NULL;
    memcpy(line, c->buf, (size_t)(nl - c->buf));
    line[nl - c->buf] = 0;
    if (sscanf(line, "%llu %llu", &bytes, &seed) != 2)
        return "bad request line";
    c->source_left = bytes;
    c->source_go = true;
    netcheck_seed(&c->rng, seed);
    c->len = c->off = 0;
    return NULL;
}

/* Readable (or an error or hang-up to collect). false: close it. */
static bool conn_read(struct conn *c, const char **why)
{
    size_t room = c->kind == SOURCE ? 63 - c->len : BUF_SIZE;
    ssize_t n = recv(c->fd, c->buf + (c->kind == SOURCE ? c->len : 0), room, MSG_DONTWAIT);

    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return true;
        *why = strerror(errno);
        return false;
    }
    if (n == 0) {
        c->eof = true;
        return c->kind == SOURCE ? c->source_go : c->len > c->off;
    }
    c->in += (uint64_t)n;
    c->crc_in = netcheck_crc32(c->crc_in, c->buf + (c->kind == SOURCE ? c->len : 0), (size_t)n);
    if (c->kind == ECHO) {
        c->len = (size_t)n;
        c->off = 0;
    } else if (c->kind == SOURCE) {
        c->len += (size_t)n;
        return !(*why = source_request(c));
    }
    return true;
}

/* Writable with output pending. false: close it. */
static bool conn_write(struct conn *c, const char **why)
{
    if (c->kind == SOURCE && c->off == c->len) {
        size_t chunk = c->source_left < BUF_SIZE ? (size_t)c->source_left : BUF_SIZE;
        netcheck_fill(&c->rng, c->buf, chunk);
        c->off = 0;
        c->len = chunk;
        c->source_left -= chunk;
    }
    ssize_t n = send(c->fd, c->buf + c->off, c->len - c->off, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return true;
        *why = strerror(errno);
        return false;
    }
    c->crc_out = netcheck_crc32(c->crc_out, c->buf + c->off, (size_t)n);
    c->off += (size_t)n;
    c->out += (uint64_t)n;
    if (c->off < c->len)
        return true;
    /* All sent: an echo whose peer has finished is done, so is a source. */
    if (c->kind == SOURCE)
        return c->source_left > 0;
    return !c->eof;
}

static bool wants_write(const struct conn *c)
{
    return c->off < c->len || (c->kind == SOURCE && c->source_go && c->source_left);
}

static void udp_echo(int fd)
{
    static uint8_t buf[65536];
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&sa, &len);

    if (n < 0)
        return;
    udp_datagrams++;
    udp_bytes += (uint64_t)n;
    sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&sa, len);
}

/* The address to announce: the first interface that is up. */
static void announce(int port)
{
    char addr[INET_ADDRSTRLEN] = "0.0.0.0";
#if ON_UK
    struct uk_net_stats st;
    struct uk_net_if nif;

    if (uk_net_stats(&st) == 0)
        for (unsigned int i = 0; i < st.interfaces; i++)
            if (uk_net_if_info(i, &nif) == 0 && nif.up) {
                struct in_addr a = {.s_addr = nif.addr};
                inet_ntop(AF_INET, &a, addr, sizeof(addr));
                break;
            }
#endif
    printf("echo: listening on %s port %d (tcp, udp), discard %d, source %d\n", addr, port,
           port + 1, port + 2);
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 7;
    struct pollfd *p = calloc(CONNS_MAX + 4, sizeof(*p));
    int lfd[3], ufd;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (port <= 0 || port > 65533 || !p) {
        printf("echo: usage: echo [PORT] (1-65533)\n");
        return 2;
    }
#if ON_UK
    int rc = uk_net_wait_up(uk_deadline_in(30 * UK_NSEC_PER_SEC));
    if (rc < 0) {
        printf("echo: no network: %s\n", strerror(-rc));
        return 1;
    }
#else
    signal(SIGPIPE, SIG_IGN);
#endif
    for (int k = 0; k < 3; k++)
        if ((lfd[k] = listener(SOCK_STREAM, port + k)) < 0)
            return 1;
    if ((ufd = listener(SOCK_DGRAM, port)) < 0)
        return 1;
    announce(port);
    for (;;) {
        unsigned int n = nconns;
        for (int k = 0; k < 3; k++)
            p[k] = (struct pollfd){.fd = lfd[k], .events = POLLIN};
        p[3] = (struct pollfd){.fd = ufd, .events = POLLIN};
        for (unsigned int i = 0; i < n; i++)
            p[4 + i] = (struct pollfd){.fd = conns[i]->fd,
                                       .events = wants_write(conns[i]) ? POLLOUT : POLLIN};
        if (poll(p, 4 + n, -1) < 0) {
            if (errno == EINTR)
                continue;
            printf("echo: poll: %s\n", strerror(errno));
            return 1;
        }
        /* Backwards: closing i moves the last connection into slot i. */
        for (unsigned int i = n; i-- > 0;) {
            struct conn *c = conns[i];
            const char *why = NULL;
            short ev = p[4 + i].revents;
            bool keep = true;
            if (!ev)
                continue;
            if (wants_write(c))
                keep = (ev & (POLLOUT | POLLERR | POLLHUP)) ? conn_write(c, &why) : true;
            else
                keep = conn_read(c, &why);
            if (keep && c->eof && !wants_write(c))
                keep = false;
            if (keep && c->kind == SOURCE && c->source_go && !wants_write(c))
                keep = false; /* asked for 0 bytes */
            if (!keep)
                conn_close(i, why);
        }
        if (p[3].revents)
            udp_echo(ufd);
        for (int k = 0; k < 3; k++)
            if (p[k].revents)
                for (int m = 0; accept_one(lfd[k], (enum kind)k) && burst && m < 64; m++)
                    ;
    }
}
