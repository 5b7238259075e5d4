/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netclient: dom0's network peer (tests/peers/net_peer.c) as a guest, the
 * client side of two guests on one bridge (net-two-guests): the same modes
 * and output, once the guest has an address, then the verdict line.
 *
 *   netclient [ip=...] [-w S] MODE ARGS     (net_peer's modes but ping)
 */
/* net_peer.c uses memmem: newlib declares it for _GNU_SOURCE, which must
 * come before the first header. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <uk/net.h>
#include <uk/time.h>

/* net_peer's main, under another name. */
#define main net_peer_main
#include "../../peers/net_peer.c"
#undef main

int main(int argc, char **argv)
{
    int rc = uk_net_wait_up(uk_deadline_in(30 * UK_NSEC_PER_SEC));

    if (rc < 0) {
        printf("netclient: no network: %s\n", strerror(-rc));
        printf("Test result: ERROR\n");
        return 1;
    }
    rc = net_peer_main(argc, argv);
    printf("Test result: %s\n", rc ? "FAILURE" : "SUCCESS");
    return rc;
}
