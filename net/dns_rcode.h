/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Why a name did not resolve. lwIP's DNS client ends a lookup the same way
 * (no address) whether the server said the name does not exist (NXDOMAIN),
 * failed (SERVFAIL, ...) or never answered, and lwIP's getaddrinfo returns
 * EAI_FAIL for all three. POSIX wants EAI_NONAME, EAI_FAIL and EAI_AGAIN:
 * so the stack's IPv4 input hook shows every DNS reply from a configured
 * server to dns_rcode_seen, which remembers the question and its reply
 * code, and getaddrinfo asks afterwards (docs/net.md, DNS). Pure code, no
 * lwIP (tests/unit/test_dns_rcode.c); the caller serialises (lwIP's core lock).
 */
#ifndef NET_DNS_RCODE_H
#define NET_DNS_RCODE_H

#include <stddef.h>
#include <stdint.h>

#define DNS_RCODE_NXDOMAIN 3

/*
 * Parses an IPv4 packet (len bytes, as received: untrusted) that may be a
 * UDP datagram from port 53 carrying a DNS reply with one question. Returns
 * its reply code (0-15) with the sender's address (network order) in *src
 * and the question's name, dotted, in name (cap bytes); -1 for anything
 * else or anything malformed.
 */
int dns_reply_parse(const uint8_t *pkt, size_t len, uint32_t *src, char *name, size_t cap);

/* Remembers the reply code for name (the last few names are kept). */
void dns_rcode_seen(const char *name, int rcode);
/* Forgets what was seen for name (before a new lookup of it). */
void dns_rcode_forget(const char *name);
/* The reply code last seen for name (case-insensitive), or -1. */
int dns_rcode_get(const char *name);
#endif
