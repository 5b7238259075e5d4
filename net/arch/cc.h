/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lwIP's compiler and platform glue. Every lwIP source, and net/, sees the
 * runtime's public socket headers first: lwIP then takes their typedefs
 * (the *_DEFINED guards), their struct pollfd and struct iovec, and its own
 * socket structures are renamed lwip_* here so that both can be seen in
 * one file; net/sockets_abi.c asserts that the two agree, and the
 * constants both define must be spelled alike (gcc's redefinition check,
 * with -Werror there).
 */
#ifndef NET_ARCH_CC_H
#define NET_ARCH_CC_H

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <uk/kernel.h>

#define LWIP_ERRNO_STDINCLUDE 1
#define LWIP_TIMEVAL_PRIVATE  0

#define SA_FAMILY_T_DEFINED 1
#define IN_PORT_T_DEFINED   1
#define IN_ADDR_T_DEFINED   1
#define SOCKLEN_T_DEFINED   1
#define iovec               iovec

/* lwIP's structures under other names (compared in net/sockets_abi.c). */
#define sockaddr         lwip_sockaddr
#define sockaddr_in      lwip_sockaddr_in
#define sockaddr_storage lwip_sockaddr_storage
#define msghdr           lwip_msghdr
#define linger           lwip_linger
#define in_addr          lwip_in_addr
#define addrinfo         lwip_addrinfo
#define hostent          lwip_hostent

/* Spelled differently in lwIP (values checked in net/sockets_abi.c). */
#undef INADDR_ANY
#undef INADDR_BROADCAST
#undef INADDR_NONE
#undef INADDR_LOOPBACK
#undef htonl
#undef htons
#undef ntohl
#undef ntohs

/* newlib's <sys/types.h> gave BYTE_ORDER and ssize_t; lwIP looks for SSIZE_MAX. */
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif
#define lwip_htons(x) __builtin_bswap16((uint16_t)(x))
#define lwip_htonl(x) __builtin_bswap32((uint32_t)(x))

#define LWIP_NO_STDINT_H   0
#define LWIP_NO_INTTYPES_H 0
#define LWIP_NO_LIMITS_H   0
#define LWIP_NO_CTYPE_H    0

#define LWIP_PLATFORM_DIAG(x)                                                                      \
    do {                                                                                           \
        uk_printf x;                                                                               \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                                    \
    uk_panic("lwIP: assertion \"%s\" failed at %s:%d", x, __FILE__, __LINE__)

#endif
