/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The network configuration on the guest's command line (docs/net.md,
 * "Configuration"), parsed without touching the stack so that it is
 * unit-tested and fuzzed on the host:
 *
 *   ip=A.B.C.D/N  gw=A.B.C.D     vif 0: static address, prefix, gateway
 *   ipK=... gwK=...              vif K (0 <= K < NETCFG_IF_MAX); ip0= is ip=
 *   ip=dhcp, ipK=dhcp            DHCP (the default for a vif without ipK=)
 *   dns=A.B.C.D[,A.B.C.D]        DNS servers (else DHCP's)
 *   dhcp_wait=S                  how long boot waits for DHCP (seconds, 0-600)
 */
#ifndef NET_NETCFG_H
#define NET_NETCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETCFG_IF_MAX        4
#define NETCFG_DNS_MAX       2
#define NETCFG_DHCP_WAIT_DEF 10

/* Addresses in network byte order. */
struct netcfg_if {
    bool is_static; /* ip= given (else DHCP) */
    bool gw_set;
    uint32_t addr, mask, gw;
    unsigned int prefix;
};

struct netcfg {
    struct netcfg_if vif[NETCFG_IF_MAX];
    uint32_t dns[NETCFG_DNS_MAX];
    unsigned int ndns;
    unsigned int dhcp_wait_s;
};

void netcfg_init(struct netcfg *c);
/* Whether `arg` is one of the keys above (the app's argv does not get it). */
bool netcfg_is_key(const char *arg);
/*
 * Apply one command-line word. 0 when applied, 1 when not a network key,
 * -EINVAL with a message naming the bad value in `err` (NUL-terminated,
 * cut to errlen).
 */
int netcfg_apply(struct netcfg *c, const char *arg, char *err, size_t errlen);
/* Checks what only the whole line shows (gw= without ip=, gw outside the subnet). */
int netcfg_check(const struct netcfg *c, char *err, size_t errlen);
/* A dotted quad, strictly (four decimal parts 0-255): 0 and *addr, or -EINVAL. */
int netcfg_parse_addr(const char *s, size_t len, uint32_t *addr);

#endif
