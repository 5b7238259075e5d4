/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The public socket headers (include/sys/socket.h, netinet/in.h, netdb.h,
 * poll.h) describe lwIP's own structures and constants, so that
 * net/sockets.c passes an app's pointers and flags to lwIP as they are.
 * This file has no code: it fails the build if they ever differ. Here
 * (arch/cc.h) the public types have their POSIX names and lwIP's are
 * renamed lwip_*; a constant both define is checked by the preprocessor
 * (a redefinition with another spelling is an error under -Werror), those
 * lwIP spells otherwise by value below.
 */
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>

/* Captured before arch/cc.h lets lwIP define them its own way. */
enum {
    pub_inaddr_any = INADDR_ANY,
    pub_inaddr_broadcast = INADDR_BROADCAST,
    pub_inaddr_none = INADDR_NONE,
    pub_inaddr_loopback = INADDR_LOOPBACK,
};

#include "lwip/inet.h"
#include "lwip/netdb.h"
#include "lwip/sockets.h"

#define SAME_SIZE(pub, lw) _Static_assert(sizeof(pub) == sizeof(lw), #pub " differs from lwIP's")
#define SAME_FIELD(pub, lw, f)                                                                     \
    _Static_assert(offsetof(pub, f) == offsetof(lw, f) &&                                          \
                       sizeof(((pub *)0)->f) == sizeof(((lw *)0)->f),                              \
                   #pub "." #f " differs from lwIP's")

SAME_SIZE(struct sockaddr, struct lwip_sockaddr);
SAME_FIELD(struct sockaddr, struct lwip_sockaddr, sa_len);
SAME_FIELD(struct sockaddr, struct lwip_sockaddr, sa_family);
SAME_FIELD(struct sockaddr, struct lwip_sockaddr, sa_data);

SAME_SIZE(struct sockaddr_in, struct lwip_sockaddr_in);
SAME_FIELD(struct sockaddr_in, struct lwip_sockaddr_in, sin_len);
SAME_FIELD(struct sockaddr_in, struct lwip_sockaddr_in, sin_family);
SAME_FIELD(struct sockaddr_in, struct lwip_sockaddr_in, sin_port);
SAME_FIELD(struct sockaddr_in, struct lwip_sockaddr_in, sin_addr);
SAME_FIELD(struct sockaddr_in, struct lwip_sockaddr_in, sin_zero);

SAME_SIZE(struct sockaddr_storage, struct lwip_sockaddr_storage);
SAME_FIELD(struct sockaddr_storage, struct lwip_sockaddr_storage, ss_family);
_Static_assert(_Alignof(struct sockaddr_storage) == _Alignof(struct lwip_sockaddr_storage),
               "sockaddr_storage alignment");

SAME_SIZE(struct in_addr, struct lwip_in_addr);
SAME_FIELD(struct in_addr, struct lwip_in_addr, s_addr);

SAME_SIZE(struct msghdr, struct lwip_msghdr);
SAME_FIELD(struct msghdr, struct lwip_msghdr, msg_name);
SAME_FIELD(struct msghdr, struct lwip_msghdr, msg_namelen);
SAME_FIELD(struct msghdr, struct lwip_msghdr, msg_iov);
SAME_FIELD(struct msghdr, struct lwip_msghdr, msg_iovlen);
SAME_FIELD(struct msghdr, struct lwip_msghdr, msg_control);
SAME_FIELD(struct msghdr, struct lwip_msghdr, msg_controllen);
SAME_FIELD(struct msghdr, struct lwip_msghdr, msg_flags);

SAME_SIZE(struct linger, struct lwip_linger);
SAME_FIELD(struct linger, struct lwip_linger, l_onoff);
SAME_FIELD(struct linger, struct lwip_linger, l_linger);

SAME_SIZE(struct addrinfo, struct lwip_addrinfo);
SAME_FIELD(struct addrinfo, struct lwip_addrinfo, ai_flags);
SAME_FIELD(struct addrinfo, struct lwip_addrinfo, ai_family);
SAME_FIELD(struct addrinfo, struct lwip_addrinfo, ai_socktype);
SAME_FIELD(struct addrinfo, struct lwip_addrinfo, ai_protocol);
SAME_FIELD(struct addrinfo, struct lwip_addrinfo, ai_addrlen);
SAME_FIELD(struct addrinfo, struct lwip_addrinfo, ai_addr);
SAME_FIELD(struct addrinfo, struct lwip_addrinfo, ai_canonname);
SAME_FIELD(struct addrinfo, struct lwip_addrinfo, ai_next);

SAME_SIZE(struct hostent, struct lwip_hostent);
SAME_FIELD(struct hostent, struct lwip_hostent, h_name);
SAME_FIELD(struct hostent, struct lwip_hostent, h_aliases);
SAME_FIELD(struct hostent, struct lwip_hostent, h_addrtype);
SAME_FIELD(struct hostent, struct lwip_hostent, h_length);
SAME_FIELD(struct hostent, struct lwip_hostent, h_addr_list);

_Static_assert(pub_inaddr_any == INADDR_ANY, "INADDR_ANY");
_Static_assert(pub_inaddr_broadcast == INADDR_BROADCAST, "INADDR_BROADCAST");
_Static_assert(pub_inaddr_none == INADDR_NONE, "INADDR_NONE");
_Static_assert(pub_inaddr_loopback == INADDR_LOOPBACK, "INADDR_LOOPBACK");
_Static_assert(INET_ADDRSTRLEN >= IP4ADDR_STRLEN_MAX, "INET_ADDRSTRLEN");
/* lwIP took these from the public headers (their guards): the same by construction. */
_Static_assert(sizeof(struct pollfd) == 8 && POLLIN == 0x1, "struct pollfd");
_Static_assert(sizeof(socklen_t) == 4 && sizeof(sa_family_t) == 1, "socklen_t, sa_family_t");
/* select() uses the C library's fd_set: every socket fd must fit in it. */
_Static_assert(FD_SETSIZE >= LWIP_SOCKET_OFFSET + MEMP_NUM_NETCONN, "FD_SETSIZE");
