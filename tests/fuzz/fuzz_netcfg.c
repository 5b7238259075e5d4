/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the network keys of the command line (net/netcfg.c).
 * The input is split at NUL bytes into words, each applied in turn.
 * Invariants: a word is a key exactly when apply does not say "not ours";
 * an error is a "bad ..." message within its buffer; a static vif has a
 * host address and the mask of its prefix; the DNS count and DHCP wait stay
 * in range.
 */
#include <errno.h>
#include <string.h>

#include "../../net/netcfg.h"

static void check_cfg(const struct netcfg *c)
{
    for (int i = 0; i < NETCFG_IF_MAX; i++) {
        const struct netcfg_if *v = &c->vif[i];
        uint32_t mask;

        if (!v->is_static)
            continue;
        check(v->prefix >= 1 && v->prefix <= 32);
        mask = __builtin_bswap32(~0u << (32 - v->prefix));
        check(v->mask == mask);
        check(v->addr != 0 && v->addr != 0xffffffffu);
    }
    check(c->ndns <= NETCFG_DNS_MAX);
    check(c->dhcp_wait_s <= 600);
}

static void words(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1), err[64];
    struct netcfg c;

    memcpy(buf, data, size);
    buf[size] = 0;
    netcfg_init(&c);
    for (char *w = buf; w <= buf + size; w += strlen(w) + 1) {
        int rc;

        memset(err, 0x7e, sizeof(err));
        rc = netcfg_apply(&c, w, err, sizeof(err));
        check(rc == 0 || rc == 1 || rc == -EINVAL);
        check((rc == 1) == !netcfg_is_key(w));
        if (rc == -EINVAL) {
            check(memchr(err, 0, sizeof(err)) != NULL);
            check(strncmp(err, "bad ", 4) == 0);
        }
        check_cfg(&c);
    }
    if (netcfg_check(&c, err, sizeof(err)) < 0)
        check(memchr(err, 0, sizeof(err)) != NULL);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    words(data, size);
    return 0;
}
