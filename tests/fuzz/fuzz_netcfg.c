/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the network keys of the command line (net/netcfg.c)
 * and the blank-checksum fill of a received frame (net/csum.c). The input
 * is split at NUL bytes into words, each applied in turn; the whole input is
 * also tried as a frame. Invariants: a word is a key exactly when apply
 * does not say "not ours"; an error is a message naming the word, within
 * its buffer; a static vif has a host address and the mask of its prefix;
 * a filled frame's checksum verifies and only its two checksum bytes
 * changed; a frame not filled is untouched.
 */
#include <errno.h>
#include <string.h>

#include "../../net/csum.h"
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

static uint16_t verify(const uint8_t *f)
{
    size_t ihl = (size_t)(f[14] & 0xf) * 4, total = (size_t)(f[16] << 8 | f[17]);
    size_t tlen = total - ihl;
    uint32_t sum = f[23] + (uint32_t)tlen;

    for (size_t i = 26; i < 34; i += 2)
        sum += (uint32_t)(f[i] << 8 | f[i + 1]);
    for (size_t i = 0; i < tlen; i += 2)
        sum += (uint32_t)(f[14 + ihl + i] << 8 | (i + 1 < tlen ? f[15 + ihl + i] : 0));
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

static void frame(const uint8_t *data, size_t size)
{
    uint8_t *f = malloc(size ? size : 1), *orig = malloc(size ? size : 1);
    size_t diff = 0;

    memcpy(f, data, size);
    memcpy(orig, data, size);
    if (net_csum_fill(f, size)) {
        check(verify(f) == 0xffff);
        for (size_t i = 0; i < size; i++)
            diff += f[i] != orig[i];
        check(diff <= 2);
    } else {
        check(memcmp(f, orig, size) == 0);
    }
    free(f);
    free(orig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    words(data, size);
    frame(data, size);
    return 0;
}
