/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lwIP's configuration for the runtime (docs/net.md, "Stack"): IPv4 with
 * TCP, UDP, ICMP, ARP, DHCP and DNS, the tcpip thread (NO_SYS=0) with core
 * locking, netconn and BSD sockets whose POSIX names net/sockets.c gives.
 */
#ifndef NET_LWIPOPTS_H
#define NET_LWIPOPTS_H

#define NO_SYS                        0
#define SYS_LIGHTWEIGHT_PROT          1
#define LWIP_TCPIP_CORE_LOCKING       1
#define LWIP_TCPIP_CORE_LOCKING_INPUT 0
#define TCPIP_THREAD_NAME             "tcpip"
#define TCPIP_THREAD_STACKSIZE        (32 * 1024)
#define TCPIP_THREAD_PRIO             0
#define DEFAULT_THREAD_STACKSIZE      (16 * 1024)
#define TCPIP_MBOX_SIZE               256
#define DEFAULT_RAW_RECVMBOX_SIZE     32
#define DEFAULT_UDP_RECVMBOX_SIZE     64
#define DEFAULT_TCP_RECVMBOX_SIZE     64
/* Connections waiting for accept(): a burst of 200 clients must not be reset. */
#define DEFAULT_ACCEPTMBOX_SIZE 256
#define LWIP_MPU_COMPATIBLE     0

/* Memory: the heap and every pool come from malloc (newlib's, thread-safe
 * through the scheduler's mutexes), so a pool costs only what is in use and
 * a 32 MiB guest is not carved up at boot. The MEMP_NUM_* still size the
 * statistics and the static socket table. */
#define MEM_LIBC_MALLOC          1
#define MEMP_MEM_MALLOC          1
#define MEM_ALIGNMENT            8
#define MEM_SIZE                 (1024 * 1024)
#define MEMP_NUM_PBUF            256
#define MEMP_NUM_RAW_PCB         4
#define MEMP_NUM_UDP_PCB         32
#define MEMP_NUM_TCP_PCB         256
#define MEMP_NUM_TCP_PCB_LISTEN  16
#define MEMP_NUM_TCP_SEG         1024
#define MEMP_NUM_NETBUF          256
#define MEMP_NUM_NETCONN         256
#define MEMP_NUM_TCPIP_MSG_API   256
#define MEMP_NUM_TCPIP_MSG_INPKT 256
#define MEMP_NUM_SYS_TIMEOUT     (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)
#define PBUF_POOL_SIZE           256
#define PBUF_POOL_BUFSIZE        1536

/* Protocols. */
#define LWIP_IPV4                      1
#define LWIP_IPV6                      0
#define LWIP_ARP                       1
#define LWIP_ETHERNET                  1
#define LWIP_ICMP                      1
#define LWIP_RAW                       0
#define LWIP_UDP                       1
#define LWIP_TCP                       1
#define LWIP_DHCP                      1
#define LWIP_DHCP_DOES_ACD_CHECK       0
#define DHCP_DOES_ARP_CHECK            0
#define LWIP_DNS                       1
#define DNS_MAX_SERVERS                2
#define LWIP_IGMP                      0
#define LWIP_AUTOIP                    0
#define IP_REASSEMBLY                  1
#define IP_FRAG                        1
#define ARP_QUEUEING                   1
#define ARP_TABLE_SIZE                 32
#define ETH_PAD_SIZE                   0
#define LWIP_SINGLE_NETIF              0
#define LWIP_HAVE_LOOPIF               1
#define LWIP_NETIF_LOOPBACK            1
#define LWIP_LOOPBACK_MAX_PBUFS        0
#define LWIP_NETIF_STATUS_CALLBACK     1
#define LWIP_NETIF_LINK_CALLBACK       1
#define LWIP_NETIF_EXT_STATUS_CALLBACK 0
#define LWIP_NETIF_HOSTNAME            0
#define LWIP_NETIF_API                 0

/* TCP: the largest window without scaling (44 segments, 64240 bytes) each
 * way: under emulation a round trip takes milliseconds, and 16 segments
 * held an echo to 1.5 MB/s each way (window-bound). */
#define TCP_MSS                    1460
#define TCP_WND                    (44 * TCP_MSS)
#define TCP_SND_BUF                (44 * TCP_MSS)
#define TCP_SND_QUEUELEN           (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_LISTEN_BACKLOG         1
#define TCP_DEFAULT_LISTEN_BACKLOG 0xff
#define LWIP_TCP_KEEPALIVE         1
#define TCP_QUEUE_OOSEQ            1
#define SO_REUSE                   1
#define LWIP_TCP_TIMESTAMPS        0

/* Sequential APIs. POSIX names are ours (net/sockets.c): no lwIP macros. */
#define LWIP_NETCONN                          1
#define LWIP_SOCKET                           1
#define LWIP_COMPAT_SOCKETS                   0
#define LWIP_POSIX_SOCKETS_IO_NAMES           0
#define LWIP_SOCKET_OFFSET                    3
#define LWIP_SOCKET_SELECT                    1
#define LWIP_SOCKET_POLL                      1
#define LWIP_SO_RCVTIMEO                      1
#define LWIP_SO_SNDTIMEO                      1
#define LWIP_SO_RCVBUF                        0
#define LWIP_SO_LINGER                        1
#define LWIP_TIMEVAL_PRIVATE                  0
#define LWIP_NETCONN_SEM_PER_THREAD           0
#define LWIP_NETCONN_FULLDUPLEX               0
#define LWIP_DNS_API_DECLARE_STRUCTS          1
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1

/* Statistics: uk_net_stats counts sockets, pcbs and pbufs in use from them. */
#define LWIP_STATS         1
#define LWIP_STATS_DISPLAY 0
#define MEM_STATS          1
#define MEMP_STATS         1
#define SYS_STATS          0
#define LINK_STATS         1
#define ETHARP_STATS       1
#define IP_STATS           1
#define ICMP_STATS         1
#define UDP_STATS          1
#define TCP_STATS          1

/* Checksums in software both ways (docs/net.md: the driver completes a
 * received frame's blank checksum before lwIP checks it). */
#define CHECKSUM_GEN_IP     1
#define CHECKSUM_GEN_UDP    1
#define CHECKSUM_GEN_TCP    1
#define CHECKSUM_GEN_ICMP   1
#define CHECKSUM_CHECK_IP   1
#define CHECKSUM_CHECK_UDP  1
#define CHECKSUM_CHECK_TCP  1
#define CHECKSUM_CHECK_ICMP 1

#define LWIP_RAND() net_rand()
unsigned int net_rand(void);

/* Hooks (net/lwip_hooks.h): a SYN may end a TIME_WAIT, as RFC 6191 says
 * (net/tcp_timewait.c); DNS replies are noted for getaddrinfo's error codes
 * (net/dns_rcode.h). */
#define LWIP_HOOK_FILENAME                                             "lwip_hooks.h"
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p) net_tcp_inpacket(pcb, hdr, p)
#define LWIP_HOOK_IP4_INPUT(p, inp)                                    net_dns_peek((p), (inp))

#endif
