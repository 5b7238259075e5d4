/* SPDX-License-Identifier: BSD-2-Clause */
/* What a DNS server answered, for getaddrinfo's error (dns_rcode.h). */
#include "dns_rcode.h"

#include <string.h>
#include <strings.h>

#define KEEP     4
#define NAME_MAX 254

static struct {
    char name[NAME_MAX];
    int rcode;
} seen[KEEP];
static unsigned int next;

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* The question's name at msg[off..len): plain labels only (a question has no pointers). */
static int parse_name(const uint8_t *msg, size_t len, size_t off, char *name, size_t cap)
{
    size_t o = 0;

    while (off < len && msg[off] != 0) {
        size_t l = msg[off];

        if (l > 63 || off + 1 + l >= len || o + l + 2 > cap)
            return -1;
        if (o)
            name[o++] = '.';
        memcpy(name + o, msg + off + 1, l);
        o += l;
        off += 1 + l;
    }
    if (off >= len || cap == 0)
        return -1;
    name[o] = '\0';
    return 0;
}

int dns_reply_parse(const uint8_t *pkt, size_t len, uint32_t *src, char *name, size_t cap)
{
    size_t ihl, tot;
    const uint8_t *udp, *dns;
    size_t ulen;

    if (len < 20 || (pkt[0] >> 4) != 4 || pkt[9] != 17)
        return -1;
    ihl = (size_t)(pkt[0] & 0x0f) * 4;
    tot = be16(pkt + 2);
    /* A fragment is left to lwIP's reassembly; its first piece is not a whole reply. */
    if (ihl < 20 || tot < ihl + 8 || tot > len || (be16(pkt + 6) & 0x3fff) != 0)
        return -1;
    udp = pkt + ihl;
    ulen = be16(udp + 4);
    if (be16(udp) != 53 || ulen < 8 + 12 || ulen > tot - ihl)
        return -1;
    dns = udp + 8;
    ulen -= 8;
    /* A response (QR) to a standard query with exactly one question. */
    if (!(dns[2] & 0x80) || (dns[2] & 0x78) != 0 || be16(dns + 4) != 1)
        return -1;
    if (parse_name(dns, ulen, 12, name, cap) != 0)
        return -1;
    memcpy(src, pkt + 12, 4);
    return dns[3] & 0x0f;
}

void dns_rcode_seen(const char *name, int rcode)
{
    dns_rcode_forget(name);
    if (strlen(name) >= NAME_MAX)
        return;
    strcpy(seen[next].name, name);
    seen[next].rcode = rcode;
    next = (next + 1) % KEEP;
}

void dns_rcode_forget(const char *name)
{
    for (unsigned int i = 0; i < KEEP; i++)
        if (seen[i].name[0] && strcasecmp(seen[i].name, name) == 0)
            seen[i].name[0] = '\0';
}

int dns_rcode_get(const char *name)
{
    for (unsigned int i = 0; i < KEEP; i++)
        if (seen[i].name[0] && strcasecmp(seen[i].name, name) == 0)
            return seen[i].rcode;
    return -1;
}
