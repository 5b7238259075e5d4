/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A tiny DNS server for the rig's dom0 (busybox has no dnsd), for the cases
 * that resolve names in the guest through lwIP's DNS client
 * (tests/cases/net-dns*.test):
 *
 *   dns_peer [-t SECONDS] [-a ADDR] NAME=A.B.C.D...
 *
 * listens on UDP port 53 of ADDR (default any), answers an A query for a
 * NAME given (case-insensitive) with its address, any other name with
 * NXDOMAIN, and prints one line per answer ("dns_peer: A NAME -> ADDR" or
 * "dns_peer: A NAME -> NXDOMAIN"). Anything that is not a one-question
 * query with a well-formed name is dropped unanswered. Exits 0 after
 * SECONDS (default 60).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_NAMES 16
#define HDR       12

struct entry {
    char name[256];
    struct in_addr addr;
};

static struct entry names[MAX_NAMES];
static int nnames;

/*
 * Reads the question's name at q[0..len) into out as dotted text. Returns the
 * bytes the name took, or -1: compression pointers, labels over 63 bytes, a
 * name over 253 characters or one running off the packet are refused.
 */
static int read_name(const uint8_t *q, size_t len, char *out)
{
    size_t i = 0, o = 0;

    while (i < len && q[i] != 0) {
        size_t l = q[i];

        if (l > 63 || i + 1 + l >= len || o + l + 1 > 253)
            return -1;
        if (o)
            out[o++] = '.';
        memcpy(out + o, q + i + 1, l);
        o += l;
        i += 1 + l;
    }
    if (i >= len)
        return -1;
    out[o] = '\0';
    return (int)i + 1;
}

static const struct entry *lookup(const char *name)
{
    for (int i = 0; i < nnames; i++)
        if (strcasecmp(names[i].name, name) == 0)
            return &names[i];
    return NULL;
}

/* Builds the answer to the query in buf (n bytes) in place; returns its size or 0 to drop it. */
static size_t answer(uint8_t *buf, size_t n)
{
    char name[256];
    const struct entry *e;
    int nl;
    size_t end;

    if (n < HDR || (buf[2] & 0x80) || (buf[2] & 0x78) != 0) /* a response, or not QUERY */
        return 0;
    if (buf[4] != 0 || buf[5] != 1) /* exactly one question */
        return 0;
    nl = read_name(buf + HDR, n - HDR, name);
    if (nl < 0 || HDR + (size_t)nl + 4 > n)
        return 0;
    end = HDR + (size_t)nl + 4;
    if (buf[end - 4] != 0 || buf[end - 3] != 1 || buf[end - 2] != 0 || buf[end - 1] != 1)
        return 0; /* not type A, class IN */
    e = lookup(name);
    buf[2] = 0x84 | (buf[2] & 0x01); /* QR, AA, the query's RD */
    buf[3] = e ? 0 : 3;              /* NOERROR or NXDOMAIN */
    memset(buf + 6, 0, 6);           /* no answers, authority or additional yet */
    if (!e) {
        printf("dns_peer: A %s -> NXDOMAIN\n", name);
        return end;
    }
    buf[7] = 1;
    /* The answer: a pointer to the question's name, A, IN, TTL 60, 4 bytes. */
    static const uint8_t rr[] = {0xc0, HDR, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4};
    memcpy(buf + end, rr, sizeof(rr));
    memcpy(buf + end + sizeof(rr), &e->addr, 4);
    printf("dns_peer: A %s -> %s\n", name, inet_ntoa(e->addr));
    return end + sizeof(rr) + 4;
}

static int usage(void)
{
    fprintf(stderr, "usage: dns_peer [-t SECONDS] [-a ADDR] NAME=A.B.C.D...\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(53)};
    double limit = 60;
    time_t end;
    int fd, c;

    while ((c = getopt(argc, argv, "t:a:")) != -1) {
        if (c == 't')
            limit = atof(optarg);
        else if (c == 'a' && inet_pton(AF_INET, optarg, &sa.sin_addr) == 1)
            continue;
        else
            return usage();
    }
    for (int i = optind; i < argc; i++) {
        char *eq = strchr(argv[i], '=');

        if (!eq || nnames == MAX_NAMES || eq - argv[i] > 253)
            return usage();
        *eq = '\0';
        strcpy(names[nnames].name, argv[i]);
        if (inet_pton(AF_INET, eq + 1, &names[nnames++].addr) != 1)
            return usage();
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        perror("dns_peer: bind udp 53");
        return 1;
    }
    printf("dns_peer: serving %d names on %s:53\n", nnames, inet_ntoa(sa.sin_addr));
    end = time(NULL) + (time_t)limit;
    for (time_t now; (now = time(NULL)) < end;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        /* Room for the largest query we accept and the answer appended to it. */
        uint8_t buf[512 + 16];
        struct sockaddr_in from;
        socklen_t fl = sizeof(from);
        ssize_t n;
        size_t r;

        if (poll(&p, 1, (int)(end - now) * 1000) <= 0)
            continue;
        n = recvfrom(fd, buf, 512, 0, (struct sockaddr *)&from, &fl);
        if (n > 0 && (r = answer(buf, (size_t)n)) > 0)
            sendto(fd, buf, r, 0, (struct sockaddr *)&from, fl);
    }
    return 0;
}
