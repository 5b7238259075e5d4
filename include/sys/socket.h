/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * BSD sockets (POSIX <sys/socket.h>) over the runtime's lwIP (docs/net.md).
 * The types have lwIP's layout (BSD's, with a length byte before the
 * family) and the constants lwIP's values, so calls go straight through;
 * net/sockets_abi.c fails the build if they ever differ. Socket fds start
 * at 3 and work with read, write, close, fcntl(O_NONBLOCK), poll and select.
 */
#ifndef UK_SYS_SOCKET_H
#define UK_SYS_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef uint8_t sa_family_t;
typedef uint32_t socklen_t;

struct sockaddr {
    uint8_t sa_len;
    sa_family_t sa_family;
    char sa_data[14];
};

/* Big enough and aligned for any address this stack has (IPv4). */
struct sockaddr_storage {
    uint8_t s2_len;
    sa_family_t ss_family;
    char s2_data1[2];
    uint32_t s2_data2[3];
};

#ifndef UK_IOVEC_DEFINED
#define UK_IOVEC_DEFINED
struct iovec {
    void *iov_base;
    size_t iov_len;
};
#endif

struct msghdr {
    void *msg_name;
    socklen_t msg_namelen;
    struct iovec *msg_iov;
    int msg_iovlen;
    void *msg_control;
    socklen_t msg_controllen;
    int msg_flags;
};

struct linger {
    int l_onoff;
    int l_linger; /* seconds */
};

#define SOCK_STREAM 1
#define SOCK_DGRAM  2
#define SOCK_RAW    3

#define SOL_SOCKET 0xfff

#define SO_DEBUG        0x0001
#define SO_ACCEPTCONN   0x0002
#define SO_REUSEADDR    0x0004
#define SO_KEEPALIVE    0x0008
#define SO_DONTROUTE    0x0010
#define SO_BROADCAST    0x0020
#define SO_LINGER       0x0080
#define SO_OOBINLINE    0x0100
#define SO_REUSEPORT    0x0200
#define SO_SNDBUF       0x1001
#define SO_RCVBUF       0x1002
#define SO_SNDLOWAT     0x1003
#define SO_RCVLOWAT     0x1004
#define SO_SNDTIMEO     0x1005
#define SO_RCVTIMEO     0x1006
#define SO_ERROR        0x1007
#define SO_TYPE         0x1008
#define SO_BINDTODEVICE 0x100b

#define AF_UNSPEC 0
#define AF_INET   2
#define PF_INET   AF_INET
#define PF_UNSPEC AF_UNSPEC

#define MSG_PEEK     0x01
#define MSG_WAITALL  0x02
#define MSG_OOB      0x04
#define MSG_DONTWAIT 0x08
#define MSG_MORE     0x10
#define MSG_NOSIGNAL 0x20
#define MSG_TRUNC    0x04
#define MSG_CTRUNC   0x08

#define SHUT_RD   0
#define SHUT_WR   1
#define SHUT_RDWR 2

#define SOMAXCONN 255

int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr *addr, socklen_t *len);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t send(int fd, const void *buf, size_t len, int flags);
ssize_t recv(int fd, void *buf, size_t len, int flags);
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
               socklen_t tolen);
ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                 socklen_t *fromlen);
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t recvmsg(int fd, struct msghdr *msg, int flags);
int shutdown(int fd, int how);
int setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int getpeername(int fd, struct sockaddr *addr, socklen_t *len);

#endif
