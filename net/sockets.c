/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The BSD sockets API under its POSIX names (<sys/socket.h>, <poll.h>,
 * <netdb.h>, <arpa/inet.h>), each a call into lwIP's lwip_* functions,
 * which set errno; and the socket fds' read/write/close/fcntl that
 * kernel/syscalls.c hands over (internal/fd.h). The public types have
 * lwIP's layout (net/sockets_abi.c), so pointers are passed as they are.
 */
#include <errno.h>
#include <string.h>
#include <sys/select.h>

#include <internal/fd.h>

#include "dns_rcode.h"
#include "lwip_hooks.h"
#include "lwip/dns.h"
#include "lwip/inet.h"
#include "lwip/netdb.h"
#include "lwip/sockets.h"
#include "lwip/tcpip.h"
#include "net_private.h"

/*
 * The public types (struct sockaddr, ...) are lwIP's under another name
 * here (arch/cc.h renames lwIP's): the same layout, so a cast passes them.
 */
#undef sockaddr
#undef sockaddr_in
#undef sockaddr_storage
#undef msghdr
#undef linger
#undef in_addr
#undef addrinfo
#undef hostent
/* lwIP's inet.h makes these macros; here they are the functions. */
#undef inet_addr
#undef inet_aton
#undef inet_ntoa
#define LW_SA(p)  ((struct lwip_sockaddr *)(p))
#define LW_CSA(p) ((const struct lwip_sockaddr *)(p))

int socket(int domain, int type, int protocol)
{
    net_needed();
    return lwip_socket(domain, type, protocol);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    return lwip_bind(fd, LW_CSA(addr), len);
}

int listen(int fd, int backlog)
{
    return lwip_listen(fd, backlog);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    return lwip_accept(fd, LW_SA(addr), len);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    int rc = lwip_connect(fd, LW_CSA(addr), len);

    /* lwIP reports the RST that answers a SYN as ECONNRESET; POSIX says refused. */
    if (rc < 0 && errno == ECONNRESET)
        errno = ECONNREFUSED;
    return rc;
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
    return lwip_send(fd, buf, len, flags);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    return lwip_recv(fd, buf, len, flags);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
               socklen_t tolen)
{
    return lwip_sendto(fd, buf, len, flags, LW_CSA(to), tolen);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                 socklen_t *fromlen)
{
    return lwip_recvfrom(fd, buf, len, flags, LW_SA(from), fromlen);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
    return lwip_sendmsg(fd, (const struct lwip_msghdr *)msg, flags);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
    return lwip_recvmsg(fd, (struct lwip_msghdr *)msg, flags);
}

int shutdown(int fd, int how)
{
    return lwip_shutdown(fd, how);
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
    return lwip_setsockopt(fd, level, name, val, len);
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
    return lwip_getsockopt(fd, level, name, val, len);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
    return lwip_getsockname(fd, LW_SA(addr), len);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
    return lwip_getpeername(fd, LW_SA(addr), len);
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
    return lwip_poll(fds, nfds, timeout);
}

int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *timeout)
{
    return lwip_select(nfds, rd, wr, ex, timeout);
}

int inet_pton(int af, const char *src, void *dst)
{
    return lwip_inet_pton(af, src, dst);
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
    return lwip_inet_ntop(af, src, dst, size);
}

in_addr_t inet_addr(const char *cp)
{
    return ipaddr_addr(cp);
}

int inet_aton(const char *cp, struct in_addr *inp)
{
    return ip4addr_aton(cp, (ip4_addr_t *)inp);
}

char *inet_ntoa(struct in_addr in)
{
    return ip4addr_ntoa((const ip4_addr_t *)&in);
}

/*
 * LWIP_HOOK_IP4_INPUT (lwipopts.h): every IPv4 packet, in the tcpip thread
 * with the core lock held, before lwIP checks it. A DNS reply from one of
 * our servers has its question and reply code noted for getaddrinfo; the
 * packet always goes on to lwIP. The glue hands each frame over in one pbuf,
 * so the first is the whole packet.
 */
int net_dns_peek(struct pbuf *p, struct netif *inp)
{
    char name[DNS_MAX_NAME_LENGTH];
    uint32_t src;
    int rcode;

    (void)inp;
    rcode = dns_reply_parse(p->payload, p->len, &src, name, sizeof(name));
    if (rcode < 0 || src == 0)
        return 0;
    for (u8_t i = 0; i < DNS_MAX_SERVERS; i++)
        if (ip4_addr_get_u32(ip_2_ip4(dns_getserver(i))) == src) {
            dns_rcode_seen(name, rcode);
            break;
        }
    return 0;
}

/*
 * lwIP says EAI_FAIL whenever a lookup ends without an address; POSIX
 * distinguishes a name that does not exist (EAI_NONAME), a server that
 * failed (EAI_FAIL) and no answer at all (EAI_AGAIN): the reply code the
 * input hook saw for this name tells which (dns_rcode.h).
 */
static int lookup_error(const char *node)
{
    int rcode;

    if (strlen(node) >= DNS_MAX_NAME_LENGTH || ip_addr_isany_val(*dns_getserver(0)))
        return EAI_FAIL; /* refused before any query: a bad name, or no server */
    LOCK_TCPIP_CORE();
    rcode = dns_rcode_get(node);
    UNLOCK_TCPIP_CORE();
    if (rcode == DNS_RCODE_NXDOMAIN)
        return EAI_NONAME;
    return rcode >= 0 ? EAI_FAIL : EAI_AGAIN;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
    int rc;

    net_needed();
    if (node) {
        /* What an earlier lookup of this name saw is not this one's answer. */
        LOCK_TCPIP_CORE();
        dns_rcode_forget(node);
        UNLOCK_TCPIP_CORE();
    }
    rc = lwip_getaddrinfo(node, service, (const struct lwip_addrinfo *)hints,
                          (struct lwip_addrinfo **)res);
    if (rc == EAI_FAIL && node && res && !(hints && (hints->ai_flags & AI_NUMERICHOST)))
        rc = lookup_error(node);
    return rc;
}

void freeaddrinfo(struct addrinfo *ai)
{
    lwip_freeaddrinfo((struct lwip_addrinfo *)ai);
}

struct hostent *gethostbyname(const char *name)
{
    net_needed();
    return (struct hostent *)lwip_gethostbyname(name);
}

const char *gai_strerror(int err)
{
    switch (err) {
    case 0:
        return "Success";
    case EAI_NONAME:
        return "Name or service not known";
    case EAI_SERVICE:
        return "Service not supported";
    case EAI_FAIL:
        return "Non-recoverable failure in name resolution";
    case EAI_MEMORY:
        return "Memory allocation failure";
    case EAI_FAMILY:
        return "Address family not supported";
    case EAI_AGAIN:
        return "Temporary failure in name resolution";
    default:
        return "Unknown error";
    }
}

uint32_t(htonl)(uint32_t x)
{
    return __builtin_bswap32(x);
}

uint16_t(htons)(uint16_t x)
{
    return __builtin_bswap16(x);
}

uint32_t(ntohl)(uint32_t x)
{
    return __builtin_bswap32(x);
}

uint16_t(ntohs)(uint16_t x)
{
    return __builtin_bswap16(x);
}

static ssize_t sock_read(int fd, void *buf, size_t len)
{
    return lwip_read(fd, buf, len);
}

static ssize_t sock_write(int fd, const void *buf, size_t len)
{
    return lwip_write(fd, buf, len);
}

static int sock_close(int fd)
{
    return lwip_close(fd);
}

static int sock_fcntl(int fd, int cmd, int arg)
{
    return lwip_fcntl(fd, cmd, arg);
}

/* A socket fd that is open is a socket; lwIP says EBADF for one that is not. */
static int sock_fstat(int fd, struct stat *st)
{
    if (lwip_fcntl(fd, F_GETFL, 0) < 0)
        return -1;
    *st = (struct stat){.st_mode = S_IFSOCK};
    return 0;
}

const struct fd_ops net_socket_fd_ops = {
    .read = sock_read,
    .write = sock_write,
    .close = sock_close,
    .fcntl = sock_fcntl,
    .fstat = sock_fstat,
};
