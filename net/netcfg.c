/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Parsing the network keys of the command line (netcfg.h). Pure: no stack,
 * no allocation; the words come from the domain's configuration, so every
 * value is checked and a bad one named in the error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "netcfg.h"

void netcfg_init(struct netcfg *c)
{
    memset(c, 0, sizeof(*c));
    c->dhcp_wait_s = NETCFG_DHCP_WAIT_DEF;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int netcfg_parse_addr(const char *s, size_t len, uint32_t *addr)
{
    uint32_t a = 0;
    size_t i = 0;

    for (int part = 0; part < 4; part++) {
        unsigned int v = 0, digits = 0;

        if (part > 0) {
            if (i >= len || s[i] != '.')
                return -EINVAL;
            i++;
        }
        while (i < len && is_digit(s[i]) && digits < 4) {
            v = v * 10 + (unsigned int)(s[i++] - '0');
            digits++;
        }
        if (digits == 0 || digits > 3 || v > 255)
            return -EINVAL;
        a = a << 8 | v;
    }
    if (i != len)
        return -EINVAL;
    *addr = __builtin_bswap32(a);
    return 0;
}

/* A decimal number of at most `max`, the whole of s[0..len). */
static int parse_uint(const char *s, size_t len, unsigned int max, unsigned int *out)
{
    unsigned long v = 0;

    if (len == 0 || len > 10)
        return -EINVAL;
    for (size_t i = 0; i < len; i++) {
        if (!is_digit(s[i]))
            return -EINVAL;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v > max)
        return -EINVAL;
    *out = (unsigned int)v;
    return 0;
}

static uint32_t prefix_mask(unsigned int prefix)
{
    uint32_t m = prefix ? ~0u << (32 - prefix) : 0;

    return __builtin_bswap32(m);
}

/*
 * The key's name and vif: "ip", "ip3", "gw", "dns", ... `*vif` is 0 when no
 * digit follows the name. -1 when `arg` is not name[K]=...
 */
static int split_key(const char *arg, const char *name, unsigned int *vif, const char **val)
{
    size_t n = strlen(name);
    const char *p = arg + n;

    if (strncmp(arg, name, n) != 0)
        return -1;
    *vif = 0;
    if (is_digit(*p)) {
        *vif = (unsigned int)(*p - '0');
        p++;
        if (is_digit(*p))
            *vif = NETCFG_IF_MAX; /* two digits: beyond any vif */
        while (is_digit(*p))
            p++;
    }
    if (*p != '=')
        return -1;
    *val = p + 1;
    return 0;
}

bool netcfg_is_key(const char *arg)
{
    unsigned int vif;
    const char *val;

    return split_key(arg, "ip", &vif, &val) == 0 || split_key(arg, "gw", &vif, &val) == 0 ||
           strncmp(arg, "dns=", 4) == 0 || strncmp(arg, "dhcp_wait=", 10) == 0;
}

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt,
                                                      ...)
{
    va_list ap;

    if (errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

static int apply_ip(struct netcfg_if *v, const char *arg, const char *val, char *err, size_t errlen)
{
    const char *slash = strchr(val, '/');
    uint32_t addr;
    unsigned int prefix;

    if (strcmp(val, "dhcp") == 0) {
        v->is_static = false;
        return 0;
    }
    if (!slash)
        return fail(err, errlen, "bad %s: want ADDRESS/PREFIX (e.g. 10.0.0.2/24) or dhcp", arg);
    if (netcfg_parse_addr(val, (size_t)(slash - val), &addr))
        return fail(err, errlen, "bad %s: '%.*s' is not an IPv4 address", arg, (int)(slash - val),
                    val);
    if (parse_uint(slash + 1, strlen(slash + 1), 32, &prefix) || prefix == 0)
        return fail(err, errlen, "bad %s: prefix '%s' is not 1-32", arg, slash + 1);
    if (addr == 0 || addr == 0xffffffffu)
        return fail(err, errlen, "bad %s: not a host address", arg);
    v->is_static = true;
    v->addr = addr;
    v->prefix = prefix;
    v->mask = prefix_mask(prefix);
    return 0;
}

static int apply_dns(struct netcfg *c, const char *arg, const char *val, char *err, size_t errlen)
{
    unsigned int n = 0;

    for (const char *p = val;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);

        if (n == NETCFG_DNS_MAX)
            return fail(err, errlen, "bad %s: at most %d servers", arg, NETCFG_DNS_MAX);
        if (netcfg_parse_addr(p, len, &c->dns[n]))
            return fail(err, errlen, "bad %s: '%.*s' is not an IPv4 address", arg, (int)len, p);
        n++;
        if (!comma)
            break;
        p = comma + 1;
    }
    c->ndns = n;
    return 0;
}

int netcfg_apply(struct netcfg *c, const char *arg, char *err, size_t errlen)
{
    unsigned int vif;
    const char *val;
    uint32_t addr;

    if (errlen)
        err[0] = 0;
    if (split_key(arg, "ip", &vif, &val) == 0 || split_key(arg, "gw", &vif, &val) == 0) {
        if (vif >= NETCFG_IF_MAX)
            return fail(err, errlen, "bad %.*s: vifs 0-%d only", (int)(val - arg - 1), arg,
                        NETCFG_IF_MAX - 1);
        if (arg[0] == 'i')
            return apply_ip(&c->vif[vif], arg, val, err, errlen);
        if (netcfg_parse_addr(val, strlen(val), &addr))
            return fail(err, errlen, "bad %s: '%s' is not an IPv4 address", arg, val);
        c->vif[vif].gw = addr;
        c->vif[vif].gw_set = true;
        return 0;
    }
    if (strncmp(arg, "dns=", 4) == 0)
        return apply_dns(c, arg, arg + 4, err, errlen);
    if (strncmp(arg, "dhcp_wait=", 10) == 0) {
        if (parse_uint(arg + 10, strlen(arg + 10), 600, &c->dhcp_wait_s))
            return fail(err, errlen, "bad %s: want seconds, 0-600", arg);
        return 0;
    }
    return 1;
}

int netcfg_check(const struct netcfg *c, char *err, size_t errlen)
{
    for (unsigned int i = 0; i < NETCFG_IF_MAX; i++) {
        const struct netcfg_if *v = &c->vif[i];

        if (!v->gw_set)
            continue;
        if (!v->is_static)
            return fail(err, errlen, "gw%.0u= for vif %u needs ip%.0u= (DHCP gives its own)", i, i,
                        i);
        if ((v->gw & v->mask) != (v->addr & v->mask)) {
            const uint8_t *g = (const uint8_t *)&v->gw, *a = (const uint8_t *)&v->addr;

            return fail(err, errlen, "gw %u.%u.%u.%u of vif %u is outside %u.%u.%u.%u/%u", g[0],
                        g[1], g[2], g[3], i, a[0], a[1], a[2], a[3], v->prefix);
        }
    }
    return 0;
}
