/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The BSD sockets API over lwIP's loopback (127.0.0.1), no vif needed: TCP
 * between two threads (send/recv and read/write on the fds), UDP
 * sendto/recvfrom, poll and select, O_NONBLOCK giving EAGAIN, a closed port
 * giving ECONNREFUSED, bad fds giving EBADF, address conversions, and no
 * socket left in uk_net_stats once all are closed. The case passes network
 * keys on the command line: the app must not see them in argv.
 *
 * `sockets serve PORT` instead waits for a vif's address, prints it, and
 * echoes one TCP connection on PORT back to its sender (dom0's nc), for the
 * cases that go through netfront and netback. `sockets hotplug PORT` does
 * the same, but its first connection must end with an error when dom0
 * detaches the vif (xl network-detach), and it serves a second one once a
 * vif is attached again (xl network-attach), without a reboot.
 *
 * `sockets resolve NAME PORT` resolves NAME through lwIP's DNS client (the
 * server from dns= or DHCP; dom0's tests/peers/dns_peer answers), connects
 * to PORT there (dom0's nc echoes), sends a line and reads it back; then a
 * name the server does not know must give EAI_NONAME.
 */
#define TEST_NAME "sockets"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <uk/net.h>
#include <uk/time.h>

#include "../report.h"

#define TCP_PORT 7001
#define UDP_PORT 7002

static struct sockaddr_in loopback(uint16_t port)
{
    struct sockaddr_in a;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static void *client(void *arg)
{
    struct sockaddr_in a = loopback(TCP_PORT);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char buf[32];
    ssize_t n;

    (void)arg;
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        test_error("client: socket/connect: errno %d", errno);
        return NULL;
    }
    EXPECT(send(fd, "ping", 4, 0) == 4, "client: send 4 bytes");
    n = recv(fd, buf, sizeof(buf), 0);
    EXPECT(n == 4 && memcmp(buf, "pong", 4) == 0, "client: recv the reply (%zd bytes)", n);
    /* The same socket through the fd calls. */
    EXPECT(write(fd, "again", 5) == 5, "client: write() on a socket fd");
    n = read(fd, buf, sizeof(buf));
    EXPECT(n == 5 && memcmp(buf, "AGAIN", 5) == 0, "client: read() on a socket fd (%zd)", n);
    EXPECT(close(fd) == 0, "client: close() on a socket fd");
    return NULL;
}

static void test_tcp(void)
{
    struct sockaddr_in a = loopback(TCP_PORT), peer;
    socklen_t len = sizeof(peer);
    int one = 1, lfd, cfd;
    struct pollfd pfd;
    pthread_t t;
    char buf[32];
    ssize_t n;

    lfd = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT(lfd >= 3, "socket() gives an fd above the console's (%d)", lfd);
    EXPECT(setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0, "SO_REUSEADDR");
    EXPECT(bind(lfd, (struct sockaddr *)&a, sizeof(a)) == 0, "bind 127.0.0.1:%d", TCP_PORT);
    EXPECT(listen(lfd, 8) == 0, "listen");

    /* Nobody yet: poll times out, a non-blocking accept says EAGAIN. */
    pfd = (struct pollfd){.fd = lfd, .events = POLLIN};
    EXPECT(poll(&pfd, 1, 50) == 0, "poll on an idle listener times out");
    EXPECT(fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL, 0) | O_NONBLOCK) == 0, "fcntl O_NONBLOCK");
    EXPECT((fcntl(lfd, F_GETFL, 0) & O_NONBLOCK) != 0, "F_GETFL shows O_NONBLOCK");
    errno = 0;
    EXPECT(accept(lfd, NULL, NULL) < 0 && errno == EAGAIN, "non-blocking accept: EAGAIN (%d)",
           errno);
    EXPECT(fcntl(lfd, F_SETFL, 0) == 0, "back to blocking");

    pthread_create(&t, NULL, client, NULL);
    pfd.revents = 0;
    EXPECT(poll(&pfd, 1, 5000) == 1 && (pfd.revents & POLLIN), "poll: the client is there");
    cfd = accept(lfd, (struct sockaddr *)&peer, &len);
    EXPECT(cfd >= 3 && peer.sin_family == AF_INET && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
           "accept, from 127.0.0.1");
    EXPECT(setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0, "TCP_NODELAY");
    n = recv(cfd, buf, sizeof(buf), 0);
    EXPECT(n == 4 && memcmp(buf, "ping", 4) == 0, "server: recv (%zd bytes)", n);

    /* Nothing more to read yet: MSG_DONTWAIT says EAGAIN. */
    errno = 0;
    EXPECT(recv(cfd, buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno == EAGAIN,
           "recv MSG_DONTWAIT with no data: EAGAIN (%d)", errno);
    EXPECT(send(cfd, "pong", 4, 0) == 4, "server: send");
    n = recv(cfd, buf, sizeof(buf), 0);
    EXPECT(n == 5 && memcmp(buf, "again", 5) == 0, "server: recv what write() sent");
    EXPECT(send(cfd, "AGAIN", 5, 0) == 5, "server: send again");
    n = recv(cfd, buf, sizeof(buf), 0);
    EXPECT(n == 0, "server: recv 0 at the client's close (%zd)", n);
    pthread_join(t, NULL);

    len = sizeof(peer);
    EXPECT(getsockname(lfd, (struct sockaddr *)&peer, &len) == 0 &&
               peer.sin_port == htons(TCP_PORT),
           "getsockname");
    len = sizeof(peer);
    errno = 0;
    EXPECT(getpeername(lfd, (struct sockaddr *)&peer, &len) < 0 && errno == ENOTCONN,
           "getpeername on a listener: ENOTCONN (%d)", errno);
    EXPECT(close(cfd) == 0 && close(lfd) == 0, "close both");
}

/*
 * Many connections at once: PAIRS clients connect (the listener's backlog
 * holds them all before any accept), then each pair exchanges a line and
 * both ends close. 2 * PAIRS sockets and TCP pcbs are open at the peak.
 */
#define PAIRS 110

static void test_many(void)
{
    static int cli[PAIRS], srv[PAIRS];
    struct sockaddr_in a = loopback(TCP_PORT + 1);
    struct uk_net_stats st;
    int lfd = socket(AF_INET, SOCK_STREAM, 0), ok_conn = 0, ok_io = 0;
    char buf[16];

    EXPECT(bind(lfd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(lfd, PAIRS) == 0,
           "listen with a backlog of %d", PAIRS);
    for (int i = 0; i < PAIRS; i++) {
        cli[i] = socket(AF_INET, SOCK_STREAM, 0);
        ok_conn += cli[i] >= 0 && connect(cli[i], (struct sockaddr *)&a, sizeof(a)) == 0;
    }
    EXPECT(ok_conn == PAIRS, "%d of %d connected before any accept", ok_conn, PAIRS);
    for (int i = 0; i < PAIRS; i++)
        srv[i] = accept(lfd, NULL, NULL);
    EXPECT(uk_net_stats(&st) == 0 && st.sockets == 2 * PAIRS + 1 && st.mem_errors == 0,
           "at the peak: %u sockets (want %d), %u tcp pcbs, %u pbufs, %llu mem errors", st.sockets,
           2 * PAIRS + 1, st.tcp_pcbs, st.pbufs, (unsigned long long)st.mem_errors);
    for (int i = 0; i < PAIRS; i++) {
        char line[16];
        int n = snprintf(line, sizeof(line), "pair %d", i);

        ok_io += send(cli[i], line, (size_t)n, 0) == n && recv(srv[i], buf, sizeof(buf), 0) == n &&
                 memcmp(buf, line, (size_t)n) == 0;
    }
    EXPECT(ok_io == PAIRS, "%d of %d pairs exchanged their line", ok_io, PAIRS);
    for (int i = 0; i < PAIRS; i++) {
        close(cli[i]);
        close(srv[i]);
    }
    close(lfd);
    EXPECT(uk_net_stats(&st) == 0 && st.sockets == 0 && st.pbufs == 0,
           "all closed: %u sockets, %u pbufs (%u tcp pcbs in TIME_WAIT or closing)", st.sockets,
           st.pbufs, st.tcp_pcbs);
}

static void test_udp(void)
{
    struct sockaddr_in a = loopback(UDP_PORT), from;
    socklen_t len = sizeof(from);
    int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
    struct timeval tv = {.tv_sec = 0, .tv_usec = 50000};
    fd_set rd;
    char buf[32];
    ssize_t n;

    EXPECT(rx >= 3 && tx >= 3, "two UDP sockets");
    EXPECT(bind(rx, (struct sockaddr *)&a, sizeof(a)) == 0, "bind UDP 127.0.0.1:%d", UDP_PORT);
    FD_ZERO(&rd);
    FD_SET(rx, &rd);
    EXPECT(select(rx + 1, &rd, NULL, NULL, &tv) == 0 && !FD_ISSET(rx, &rd),
           "select on an empty UDP socket times out");
    EXPECT(sendto(tx, "datagram", 8, 0, (struct sockaddr *)&a, sizeof(a)) == 8, "sendto");
    FD_ZERO(&rd);
    FD_SET(rx, &rd);
    tv = (struct timeval){.tv_sec = 5};
    EXPECT(select(rx + 1, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(rx, &rd),
           "select: the datagram is there");
    n = recvfrom(rx, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
    EXPECT(n == 8 && memcmp(buf, "datagram", 8) == 0 &&
               from.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && from.sin_port != 0,
           "recvfrom: the datagram and its sender");
    EXPECT(close(rx) == 0 && close(tx) == 0, "close the UDP sockets");
}

static void test_errors(void)
{
    struct sockaddr_in a = loopback(7999);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char c;

    errno = 0;
    EXPECT(connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 && errno == ECONNREFUSED,
           "connect to a closed port: ECONNREFUSED (%d)", errno);
    close(fd);
    errno = 0;
    EXPECT(send(200, "x", 1, 0) < 0 && errno == EBADF, "send on a bad fd: EBADF (%d)", errno);
    errno = 0;
    EXPECT(read(fd, &c, 1) < 0 && errno == EBADF, "read on a closed socket fd: EBADF (%d)", errno);
    errno = 0;
    EXPECT(close(fd) < 0 && errno == EBADF, "close twice: EBADF (%d)", errno);
    errno = 0;
    EXPECT(socket(AF_INET, 99, 0) < 0, "socket of an unknown type fails (errno %d)", errno);
}

static void test_addresses(void)
{
    struct in_addr in;
    char buf[INET_ADDRSTRLEN];
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int rc;

    EXPECT(inet_pton(AF_INET, "10.0.0.2", &in) == 1 && in.s_addr == htonl(0x0a000002), "inet_pton");
    EXPECT(inet_pton(AF_INET, "10.0.0.300", &in) == 0, "inet_pton rejects 10.0.0.300");
    EXPECT(inet_ntop(AF_INET, &in, buf, sizeof(buf)) && strcmp(buf, "10.0.0.2") == 0, "inet_ntop");
    EXPECT(inet_addr("127.0.0.1") == htonl(INADDR_LOOPBACK), "inet_addr");
    EXPECT(strcmp(inet_ntoa(in), "10.0.0.2") == 0, "inet_ntoa");
    EXPECT(ntohs(htons(0x1234)) == 0x1234 && (htons)(0x1234) == 0x3412, "htons and ntohs");
    rc = getaddrinfo("127.0.0.1", "80", &hints, &res);
    EXPECT(rc == 0 && res && res->ai_family == AF_INET &&
               ((struct sockaddr_in *)res->ai_addr)->sin_port == htons(80),
           "getaddrinfo of a numeric address (%d: %s)", rc, gai_strerror(rc));
    if (res)
        freeaddrinfo(res);
    EXPECT(strlen(gai_strerror(EAI_NONAME)) > 0, "gai_strerror");
}

static int serve(int port)
{
    struct sockaddr_in a = loopback((uint16_t)port);
    struct uk_net_stats st;
    struct uk_net_if nif = {0};
    int lfd, fd, rc;
    long total = 0;
    char buf[512];
    ssize_t n;

    rc = uk_net_wait_up(uk_deadline_in(30 * UK_NSEC_PER_SEC));
    EXPECT(rc == 0, "an interface is up (%d)", rc);
    if (rc)
        return test_result();
    EXPECT(uk_net_if_info(0, &nif) == 0 && nif.up && nif.addr != 0, "uk_net_if_info: vif%u up",
           nif.index);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT(bind(lfd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(lfd, 4) == 0,
           "listen on port %d", port);
    printf("sockets: serving on %s:%d\n", inet_ntoa((struct in_addr){nif.addr}), port);
    fflush(stdout);
    fd = accept(lfd, NULL, NULL);
    EXPECT(fd >= 0, "accept a connection from dom0");
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        total += n;
        if (write(fd, buf, (size_t)n) != n)
            break;
    }
    EXPECT(n == 0 && total > 0, "echoed %ld bytes until dom0 closed", total);
    close(fd);
    close(lfd);
    EXPECT(uk_net_if_info(0, &nif) == 0 && nif.rx_packets > 0 && nif.tx_packets > 0,
           "vif counters: rx %llu tx %llu packets", (unsigned long long)nif.rx_packets,
           (unsigned long long)nif.tx_packets);
    EXPECT(uk_net_stats(&st) == 0 && st.sockets == 0, "no socket left open (%u)", st.sockets);
    return test_result();
}

/* Waits (polling: uk_net_wait_up says -ENODEV while there is no vif at all) for an address. */
static int wait_vif(uint64_t deadline)
{
    int rc;

    while ((rc = uk_net_wait_up(deadline)) == -ENODEV && uk_monotonic_ns() < deadline)
        usleep(100000);
    return rc;
}

static int hotplug(int port)
{
    struct sockaddr_in a = loopback((uint16_t)port);
    struct uk_net_if nif = {0};
    struct uk_net_stats st;
    int lfd, fd, err = 0;
    char buf[512];
    ssize_t n;

    EXPECT(wait_vif(uk_deadline_in(30 * UK_NSEC_PER_SEC)) == 0, "an interface is up");
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT(bind(lfd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(lfd, 4) == 0,
           "listen on port %d", port);
    printf("sockets: serving on port %d\n", port);
    fflush(stdout);
    fd = accept(lfd, NULL, NULL);
    n = read(fd, buf, sizeof(buf));
    EXPECT(n > 0 && write(fd, buf, (size_t)n) == n, "first connection: echoed %zd bytes", n);
    printf("sockets: echoing\n");
    fflush(stdout);
    /* dom0 detaches the vif now: the connection must end with an error, not hang. */
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        ;
    err = errno;
    printf("sockets: connection ended (read %zd, errno %d)\n", n, err);
    EXPECT(n < 0 && (err == ECONNABORTED || err == ECONNRESET),
           "read after the vif was detached: ECONNABORTED or ECONNRESET");
    EXPECT(close(fd) == 0, "close the broken connection");
    EXPECT(wait_vif(uk_deadline_in(60 * UK_NSEC_PER_SEC)) == 0, "a vif is up again");
    EXPECT(uk_net_if_info(0, &nif) == 0 && nif.up, "uk_net_if_info: vif%u up", nif.index);
    printf("sockets: serving again\n");
    fflush(stdout);
    fd = accept(lfd, NULL, NULL);
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        if (write(fd, buf, (size_t)n) != n)
            break;
    EXPECT(n == 0, "second connection echoed until dom0 closed");
    close(fd);
    close(lfd);
    EXPECT(uk_net_stats(&st) == 0 && st.sockets == 0 && st.interfaces == 1,
           "no socket left (%u), one interface (%u)", st.sockets, st.interfaces);
    return test_result();
}

static int resolve(const char *name, const char *port)
{
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res = NULL;
    const char line[] = "resolved and reached\n";
    struct uk_net_stats st;
    char buf[64];
    int rc, fd = -1;
    ssize_t n = 0, got = 0;

    rc = uk_net_wait_up(uk_deadline_in(30 * UK_NSEC_PER_SEC));
    EXPECT(rc == 0, "an interface is up (%d)", rc);
    if (rc)
        return test_result();
    rc = getaddrinfo(name, port, &hints, &res);
    EXPECT(rc == 0 && res && res->ai_family == AF_INET && res->ai_socktype == SOCK_STREAM,
           "getaddrinfo %s: %d (%s)", name, rc, gai_strerror(rc));
    if (rc == 0 && res) {
        struct sockaddr_in *sin = (struct sockaddr_in *)res->ai_addr;

        printf("sockets: %s is %s port %d\n", name, inet_ntoa(sin->sin_addr), ntohs(sin->sin_port));
        fd = socket(AF_INET, SOCK_STREAM, 0);
        EXPECT(fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) == 0,
               "connect to %s:%s (errno %d)", name, port, errno);
        EXPECT(send(fd, line, sizeof(line) - 1, 0) == (ssize_t)sizeof(line) - 1, "send a line");
        /* Bounded: dom0's nc dies at its timeout, and the read then ends. */
        while (got < (ssize_t)sizeof(line) - 1 &&
               (n = recv(fd, buf + got, sizeof(buf) - (size_t)got, 0)) > 0)
            got += n;
        EXPECT(got == (ssize_t)sizeof(line) - 1 && memcmp(buf, line, sizeof(line) - 1) == 0,
               "the line came back (%zd bytes)", got);
        close(fd);
        freeaddrinfo(res);
    }
    res = NULL;
    rc = getaddrinfo("nosuch.rig.test", port, &hints, &res);
    EXPECT(rc == EAI_NONAME && res == NULL, "getaddrinfo nosuch.rig.test: EAI_NONAME (%d: %s)", rc,
           gai_strerror(rc));
    EXPECT(strcmp(gai_strerror(rc), "Unknown error") != 0, "gai_strerror(%d) has a text", rc);
    EXPECT(uk_net_stats(&st) == 0 && st.sockets == 0, "no socket left open (%u)", st.sockets);
    return test_result();
}

int main(int argc, char **argv)
{
    struct uk_net_stats st;

    if (argc == 3 && strcmp(argv[1], "serve") == 0)
        return serve(atoi(argv[2]));
    if (argc == 3 && strcmp(argv[1], "hotplug") == 0)
        return hotplug(atoi(argv[2]));
    if (argc == 4 && strcmp(argv[1], "resolve") == 0)
        return resolve(argv[2], argv[3]);

    EXPECT(argc == 2 && strcmp(argv[1], "keep") == 0,
           "argv has no network keys (argc %d, argv[1] %s)", argc, argc > 1 ? argv[1] : "-");
    EXPECT(uk_net_wait_up(uk_deadline_in(UK_NSEC_PER_SEC)) == -ENODEV,
           "uk_net_wait_up without a vif: -ENODEV");
    test_tcp();
    test_many();
    test_udp();
    test_errors();
    test_addresses();
    EXPECT(uk_net_stats(&st) == 0 && st.sockets == 0 && st.interfaces == 0,
           "uk_net_stats: no socket left open (%u), no vif (%u); tcp pcbs %u, pbufs %u, "
           "mem errors %llu",
           st.sockets, st.interfaces, st.tcp_pcbs, st.pbufs, (unsigned long long)st.mem_errors);
    return test_result();
}
