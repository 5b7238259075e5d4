/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Name lookup (POSIX <netdb.h>) through lwIP's DNS client: the servers come
 * from dns= on the command line or from DHCP (docs/net.md). IPv4 only.
 */
#ifndef UK_NETDB_H
#define UK_NETDB_H

#include <netinet/in.h>
#include <sys/socket.h>

struct addrinfo {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    socklen_t ai_addrlen;
    struct sockaddr *ai_addr;
    char *ai_canonname;
    struct addrinfo *ai_next;
};

struct hostent {
    char *h_name;
    char **h_aliases;
    int h_addrtype;
    int h_length;
    char **h_addr_list;
};
#define h_addr h_addr_list[0]

#define EAI_NONAME  200
#define EAI_SERVICE 201
#define EAI_FAIL    202
#define EAI_MEMORY  203
#define EAI_FAMILY  204
/* Ours (lwIP has none): no answer from any DNS server; try again later. */
#define EAI_AGAIN      205
#define HOST_NOT_FOUND 210
#define NO_DATA        211
#define NO_RECOVERY    212
#define TRY_AGAIN      213

#define AI_PASSIVE     0x01
#define AI_CANONNAME   0x02
#define AI_NUMERICHOST 0x04
#define AI_NUMERICSERV 0x08
#define AI_V4MAPPED    0x10
#define AI_ALL         0x20
#define AI_ADDRCONFIG  0x40

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res);
void freeaddrinfo(struct addrinfo *ai);
const char *gai_strerror(int err);
struct hostent *gethostbyname(const char *name);

#endif
