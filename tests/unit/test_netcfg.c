/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests for net/netcfg.c: the network keys of the command line. */
#include <errno.h>

#include "../../net/netcfg.h"
#include "check.h"

#define A(a, b, c, d)                                                                              \
    ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

static int apply(struct netcfg *c, const char *arg, char *err)
{
    return netcfg_apply(c, arg, err, 160);
}

TEST(static_address_prefix_and_gateway)
{
    struct netcfg c;
    char err[160];

    netcfg_init(&c);
    CHECK_EQ(c.dhcp_wait_s, NETCFG_DHCP_WAIT_DEF);
    CHECK(!c.vif[0].is_static);
    CHECK_EQ(apply(&c, "ip=10.0.0.2/24", err), 0);
    CHECK_EQ(apply(&c, "gw=10.0.0.1", err), 0);
    CHECK_EQ(apply(&c, "dns=10.0.0.1,8.8.8.8", err), 0);
    CHECK(c.vif[0].is_static);
    CHECK_EQ(c.vif[0].addr, A(10, 0, 0, 2));
    CHECK_EQ(c.vif[0].mask, A(255, 255, 255, 0));
    CHECK_EQ(c.vif[0].prefix, 24);
    CHECK_EQ(c.vif[0].gw, A(10, 0, 0, 1));
    CHECK_EQ(c.ndns, 2);
    CHECK_EQ(c.dns[1], A(8, 8, 8, 8));
    CHECK_EQ(netcfg_check(&c, err, sizeof(err)), 0);
    CHECK_EQ(apply(&c, "ip1=192.168.1.5/32", err), 0);
    CHECK_EQ(c.vif[1].mask, A(255, 255, 255, 255));
    CHECK_EQ(apply(&c, "ip0=dhcp", err), 0);
    CHECK(!c.vif[0].is_static);
    CHECK_EQ(apply(&c, "dhcp_wait=0", err), 0);
    CHECK_EQ(c.dhcp_wait_s, 0);
}

TEST(bad_values_are_named_in_the_error)
{
    static const struct {
        const char *arg, *msg;
    } bad[] = {
        {"ip=10.0.0.300/24", "bad ip=10.0.0.300/24: '10.0.0.300' is not an IPv4 address"},
        {"ip=10.0.0.2/33", "bad ip=10.0.0.2/33: prefix '33' is not 1-32"},
        {"ip=10.0.0.2/0", "bad ip=10.0.0.2/0: prefix '0' is not 1-32"},
        {"ip=10.0.0.2/", "bad ip=10.0.0.2/: prefix '' is not 1-32"},
        {"ip=garbage", "bad ip=garbage: want ADDRESS/PREFIX (e.g. 10.0.0.2/24) or dhcp"},
        {"ip=10.0.0.2", "bad ip=10.0.0.2: want ADDRESS/PREFIX (e.g. 10.0.0.2/24) or dhcp"},
        {"ip=10.0.0/24", "bad ip=10.0.0/24: '10.0.0' is not an IPv4 address"},
        {"ip=10.0.0.2.1/24", "bad ip=10.0.0.2.1/24: '10.0.0.2.1' is not an IPv4 address"},
        {"ip=1..2.3/8", "bad ip=1..2.3/8: '1..2.3' is not an IPv4 address"},
        {"ip=0.0.0.0/8", "bad ip=0.0.0.0/8: not a host address"},
        {"ip=10.0.0.2/24x", "bad ip=10.0.0.2/24x: prefix '24x' is not 1-32"},
        {"ip=+1.2.3.4/8", "bad ip=+1.2.3.4/8: '+1.2.3.4' is not an IPv4 address"},
        {"ip=0001.2.3.4/8", "bad ip=0001.2.3.4/8: '0001.2.3.4' is not an IPv4 address"},
        {"ip7=10.0.0.2/24", "bad ip7: vifs 0-3 only"},
        {"ip12=10.0.0.2/24", "bad ip12: vifs 0-3 only"},
        {"gw=10.0.0", "bad gw=10.0.0: '10.0.0' is not an IPv4 address"},
        {"dns=1.2.3.4,", "bad dns=1.2.3.4,: '' is not an IPv4 address"},
        {"dns=1.1.1.1,2.2.2.2,3.3.3.3", "bad dns=1.1.1.1,2.2.2.2,3.3.3.3: at most 2 servers"},
        {"dhcp_wait=601", "bad dhcp_wait=601: want seconds, 0-600"},
        {"dhcp_wait=-1", "bad dhcp_wait=-1: want seconds, 0-600"},
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct netcfg c;
        char err[160];

        netcfg_init(&c);
        CHECK_EQ(apply(&c, bad[i].arg, err), -EINVAL);
        CHECK_STR(err, bad[i].msg);
        CHECK(!c.vif[0].is_static);
    }
}

TEST(other_words_are_not_network_keys)
{
    static const char *const words[] = {"keep", "ipx=1",   "ip",  "gateway=1",
                                        "dns",  "port=80", "ip1", "-ip=1"};
    struct netcfg c;
    char err[160];

    netcfg_init(&c);
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        CHECK_EQ(apply(&c, words[i], err), 1);
        CHECK(!netcfg_is_key(words[i]));
    }
    CHECK(netcfg_is_key("ip=whatever"));
    CHECK(netcfg_is_key("ip3=x"));
    CHECK(netcfg_is_key("gw1=x"));
    CHECK(netcfg_is_key("dns="));
    CHECK(netcfg_is_key("dhcp_wait=5"));
}

TEST(gateway_needs_a_static_address_in_its_subnet)
{
    struct netcfg c;
    char err[160];

    netcfg_init(&c);
    CHECK_EQ(apply(&c, "gw1=10.0.0.1", err), 0);
    CHECK_EQ(netcfg_check(&c, err, sizeof(err)), -EINVAL);
    CHECK_STR(err, "gw1= for vif 1 needs ip1= (DHCP gives its own)");
    netcfg_init(&c);
    CHECK_EQ(apply(&c, "ip=10.0.0.2/24", err), 0);
    CHECK_EQ(apply(&c, "gw=10.0.1.1", err), 0);
    CHECK_EQ(netcfg_check(&c, err, sizeof(err)), -EINVAL);
    CHECK_STR(err, "gw 10.0.1.1 of vif 0 is outside 10.0.0.2/24");
}
