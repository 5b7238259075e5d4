/* SPDX-License-Identifier: BSD-2-Clause */
/* Address conversions (POSIX <arpa/inet.h>); IPv4 only (docs/net.md). */
#ifndef UK_ARPA_INET_H
#define UK_ARPA_INET_H

#include <netinet/in.h>

/* 1 and *dst set, 0 when src is not an address, -1 (EAFNOSUPPORT) for af. */
int inet_pton(int af, const char *src, void *dst);
/* dst, or NULL with errno ENOSPC (size too small) or EAFNOSUPPORT. */
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
/* INADDR_NONE when cp is not a dotted address. */
in_addr_t inet_addr(const char *cp);
int inet_aton(const char *cp, struct in_addr *inp);
/* A static buffer, overwritten by the next call. */
char *inet_ntoa(struct in_addr in);

#endif
