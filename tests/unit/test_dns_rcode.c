/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests for net/dns_rcode.c: DNS replies seen for getaddrinfo's errors. */
#include <string.h>

#include "../../net/dns_rcode.h"
#include "check.h"

/* An IPv4/UDP packet from 10.0.0.1:53 carrying a reply for `name` with `rcode`. */
static size_t reply(uint8_t *pkt, const char *name, int rcode)
{
    uint8_t *dns = pkt + 28;
    size_t n = 12, tot;
    const char *s = name;

    memset(pkt, 0, 28 + 12);
    dns[0] = 0x12;
    dns[2] = 0x84;
    dns[3] = (uint8_t)rcode;
    dns[5] = 1;
    while (*s) {
        const char *dot = strchr(s, '.');
        size_t l = dot ? (size_t)(dot - s) : strlen(s);

        dns[n++] = (uint8_t)l;
        memcpy(dns + n, s, l);
        n += l;
        s += l + (dot != NULL);
    }
    dns[n++] = 0;
    memcpy(dns + n, "\0\1\0\1", 4);
    n += 4;
    tot = 28 + n;
    pkt[0] = 0x45;
    pkt[2] = (uint8_t)(tot >> 8);
    pkt[3] = (uint8_t)tot;
    pkt[9] = 17;
    memcpy(pkt + 12, "\x0a\0\0\x01", 4);
    pkt[21] = 53;
    pkt[24] = (uint8_t)((n + 8) >> 8);
    pkt[25] = (uint8_t)(n + 8);
    return tot;
}

TEST(nxdomain_reply_parsed)
{
    uint8_t pkt[600];
    char name[256];
    uint32_t src = 0;
    size_t len = reply(pkt, "nosuch.rig.test", 3);

    CHECK_EQ(dns_reply_parse(pkt, len, &src, name, sizeof(name)), DNS_RCODE_NXDOMAIN);
    CHECK(strcmp(name, "nosuch.rig.test") == 0);
    CHECK(memcmp(&src, "\x0a\0\0\x01", 4) == 0);
    /* Ethernet padding after the packet is ignored. */
    CHECK_EQ(dns_reply_parse(pkt, len + 6, &src, name, sizeof(name)), 3);
}

TEST(malformed_replies_refused)
{
    uint8_t pkt[600], bad[600];
    char name[256];
    uint32_t src;
    size_t len = reply(pkt, "a.b", 3);

    /* Every truncation of the packet is refused, never read beyond. */
    for (size_t cut = 0; cut < len; cut++)
        CHECK_EQ(dns_reply_parse(pkt, cut, &src, name, sizeof(name)), -1);
    /* The same, with the IP and UDP lengths saying the packet ends there. */
    for (size_t cut = 28 + 12; cut < len - 4; cut++) {
        memcpy(bad, pkt, cut);
        bad[2] = 0;
        bad[3] = (uint8_t)cut;
        bad[24] = 0;
        bad[25] = (uint8_t)(cut - 20);
        CHECK_EQ(dns_reply_parse(bad, cut, &src, name, sizeof(name)), -1);
    }
    memcpy(bad, pkt, len);
    bad[21] = 54; /* not from port 53 */
    CHECK_EQ(dns_reply_parse(bad, len, &src, name, sizeof(name)), -1);
    memcpy(bad, pkt, len);
    bad[28 + 2] = 0x04; /* a query, not a response */
    CHECK_EQ(dns_reply_parse(bad, len, &src, name, sizeof(name)), -1);
    memcpy(bad, pkt, len);
    bad[28 + 12] = 0xc0; /* a compression pointer in the question */
    CHECK_EQ(dns_reply_parse(bad, len, &src, name, sizeof(name)), -1);
    memcpy(bad, pkt, len);
    bad[6] = 0x20; /* a fragment */
    CHECK_EQ(dns_reply_parse(bad, len, &src, name, sizeof(name)), -1);
    memcpy(bad, pkt, len);
    bad[25] = 200; /* UDP length beyond the packet */
    CHECK_EQ(dns_reply_parse(bad, len, &src, name, sizeof(name)), -1);
    /* A name that does not fit the caller's buffer. */
    CHECK_EQ(dns_reply_parse(pkt, len, &src, name, 3), -1);
    CHECK_EQ(dns_reply_parse(pkt, len, &src, name, 4), 3);
}

TEST(rcodes_remembered_per_name)
{
    dns_rcode_seen("nosuch.rig.test", 3);
    dns_rcode_seen("broken.rig.test", 2);
    CHECK_EQ(dns_rcode_get("NOSUCH.rig.test"), 3);
    CHECK_EQ(dns_rcode_get("broken.rig.test"), 2);
    CHECK_EQ(dns_rcode_get("other.rig.test"), -1);
    dns_rcode_forget("nosuch.rig.test");
    CHECK_EQ(dns_rcode_get("nosuch.rig.test"), -1);
    /* Only the last few are kept: older names fall out, nothing overflows. */
    for (int i = 0; i < 10; i++) {
        char n[16] = "n0.test";

        n[1] = (char)('0' + i);
        dns_rcode_seen(n, i);
    }
    CHECK_EQ(dns_rcode_get("n9.test"), 9);
    CHECK_EQ(dns_rcode_get("n0.test"), -1);
    CHECK_EQ(dns_rcode_get("broken.rig.test"), -1);
}
