/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests for net/netfront_wire.c: every kind of bad response a hostile
 * backend can write (XSA-396), the rx reassembly of frames spanning slots,
 * the producer-index check and the `mac` node.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "../../net/netfront_wire.h"
#include "check.h"

static struct netif_rx_response rsp(uint16_t id, uint16_t offset, uint16_t flags, int16_t status)
{
    return (struct netif_rx_response){.id = id, .offset = offset, .flags = flags, .status = status};
}

/* One slot at position `pos` (its expected id is pos & 255). */
static struct nfw_rx_step slot(struct nfw_rx *st, RING_IDX pos, struct netif_rx_response r)
{
    struct nfw_rx_step s;

    nfw_rx_slot(st, pos, &r, &s);
    return s;
}

TEST(prod_within_what_we_requested_is_accepted)
{
    CHECK_EQ(nfw_check_prod(0, 0, 256), NFW_OK);
    CHECK_EQ(nfw_check_prod(0, 256, 256), NFW_OK);
    CHECK_EQ(nfw_check_prod(10, 12, 12), NFW_OK);
    /* Across the wrap of the 32-bit indices. */
    CHECK_EQ(nfw_check_prod(0xfffffff0u, 0x10u, 0xfffffff0u + 256), NFW_OK);
}

TEST(prod_beyond_what_we_requested_is_bad)
{
    CHECK_EQ(nfw_check_prod(0, 257, 256), NFW_BAD_PROD);
    CHECK_EQ(nfw_check_prod(10, 13, 12), NFW_BAD_PROD);
    /* Behind our consumer is far ahead modulo 2^32. */
    CHECK_EQ(nfw_check_prod(10, 9, 266), NFW_BAD_PROD);
    CHECK_EQ(nfw_check_prod(0xfffffff0u, 0x200u, 0xfffffff0u + 256), NFW_BAD_PROD);
}

TEST(tx_response_ids_and_statuses)
{
    bool out[4] = {true, false, true, true};
    bool reclaim;
    struct netif_tx_response r;

    r = (struct netif_tx_response){.id = 0, .status = NETIF_RSP_OKAY};
    CHECK_EQ(nfw_tx_response(&r, out, 4, &reclaim), NFW_OK);
    CHECK(reclaim);
    r = (struct netif_tx_response){.id = 2, .status = NETIF_RSP_ERROR};
    CHECK_EQ(nfw_tx_response(&r, out, 4, &reclaim), NFW_OK);
    CHECK(reclaim);
    r = (struct netif_tx_response){.id = 3, .status = NETIF_RSP_DROPPED};
    CHECK_EQ(nfw_tx_response(&r, out, 4, &reclaim), NFW_OK);
    CHECK(reclaim);
    r = (struct netif_tx_response){.id = 4, .status = NETIF_RSP_OKAY};
    CHECK_EQ(nfw_tx_response(&r, out, 4, &reclaim), NFW_BAD_ID);
    CHECK(!reclaim);
    r = (struct netif_tx_response){.id = 0xffff, .status = NETIF_RSP_OKAY};
    CHECK_EQ(nfw_tx_response(&r, out, 4, &reclaim), NFW_BAD_ID);
    CHECK(!reclaim);
    r = (struct netif_tx_response){.id = 1, .status = NETIF_RSP_OKAY};
    CHECK_EQ(nfw_tx_response(&r, out, 4, &reclaim), NFW_DUP_ID);
    CHECK(!reclaim);
    /* NETIF_RSP_NULL answers extra-info slots, and we send none. */
    r = (struct netif_tx_response){.id = 0, .status = NETIF_RSP_NULL};
    CHECK_EQ(nfw_tx_response(&r, out, 4, &reclaim), NFW_BAD_STATUS);
    CHECK(reclaim);
    r = (struct netif_tx_response){.id = 0, .status = -3};
    CHECK_EQ(nfw_tx_response(&r, out, 4, &reclaim), NFW_BAD_STATUS);
    r = (struct netif_tx_response){.id = 0, .status = 1500};
    CHECK_EQ(nfw_tx_response(&r, out, 4, &reclaim), NFW_BAD_STATUS);
}

TEST(rx_one_slot_frame_is_delivered_with_its_flags)
{
    struct nfw_rx st;
    struct nfw_rx_step s;

    nfw_rx_init(&st, true);
    s = slot(&st, 5, rsp(5, 100, NETRXF_data_validated, 60));
    CHECK_EQ(s.kind, NFW_OK);
    CHECK(s.copy && s.deliver);
    CHECK_EQ(s.offset, 100);
    CHECK_EQ(s.size, 60);
    CHECK_EQ(s.at, 0);
    CHECK_EQ(s.len, 60);
    CHECK_EQ(s.flags, NETFRONT_DATA_VALIDATED);
    s = slot(&st, 6, rsp(6, 0, NETRXF_csum_blank, 1514));
    CHECK(s.deliver);
    CHECK_EQ(s.flags, NETFRONT_CSUM_BLANK | NETFRONT_DATA_VALIDATED);
    /* Positions wrap: position 256 + 7 is id 7. */
    s = slot(&st, 263, rsp(7, 0, 0, 64));
    CHECK(s.deliver && s.kind == NFW_OK);
}

TEST(rx_ids_out_of_range_or_not_this_slots_are_dropped)
{
    struct nfw_rx st;
    struct nfw_rx_step s;

    nfw_rx_init(&st, true);
    s = slot(&st, 3, rsp(300, 0, 0, 60));
    CHECK_EQ(s.kind, NFW_BAD_ID);
    CHECK(!s.copy && !s.deliver);
    s = slot(&st, 4, rsp(3, 0, 0, 60)); /* id 3 again: answered already */
    CHECK_EQ(s.kind, NFW_DUP_ID);
    CHECK(!s.copy && !s.deliver);
    /* The state is clean again: the next good slot is a frame. */
    s = slot(&st, 5, rsp(5, 0, 0, 60));
    CHECK(s.deliver && s.kind == NFW_OK);
}

TEST(rx_offset_and_size_beyond_the_page_are_dropped)
{
    struct nfw_rx st;
    struct nfw_rx_step s;

    nfw_rx_init(&st, true);
    s = slot(&st, 0, rsp(0, 4000, 0, 97));
    CHECK_EQ(s.kind, NFW_BAD_OFFSET);
    CHECK(!s.copy && !s.deliver);
    s = slot(&st, 1, rsp(1, 0, 0, 4097));
    CHECK_EQ(s.kind, NFW_BAD_OFFSET);
    s = slot(&st, 2, rsp(2, 0xffff, 0, 1));
    CHECK_EQ(s.kind, NFW_BAD_OFFSET);
    s = slot(&st, 3, rsp(3, 4096, 0, 0));
    CHECK_EQ(s.kind, NFW_BAD_OFFSET);
    /* Exactly to the end of the page is fine. */
    s = slot(&st, 4, rsp(4, 4096 - 100, 0, 100));
    CHECK_EQ(s.kind, NFW_OK);
    CHECK(s.deliver);
}

TEST(rx_statuses_backend_errors_and_garbage)
{
    struct nfw_rx st;
    struct nfw_rx_step s;

    nfw_rx_init(&st, true);
    s = slot(&st, 0, rsp(0, 0, 0, NETIF_RSP_ERROR));
    CHECK_EQ(s.kind, NFW_BACKEND_ERROR);
    s = slot(&st, 1, rsp(1, 0, 0, NETIF_RSP_DROPPED));
    CHECK_EQ(s.kind, NFW_BACKEND_ERROR);
    s = slot(&st, 2, rsp(2, 0, 0, -3));
    CHECK_EQ(s.kind, NFW_BAD_STATUS);
    s = slot(&st, 3, rsp(3, 0, 0, -32768));
    CHECK_EQ(s.kind, NFW_BAD_STATUS);
    CHECK(!s.deliver && !s.copy);
}

TEST(rx_flags_not_asked_for)
{
    struct nfw_rx st;
    struct nfw_rx_step s;

    nfw_rx_init(&st, true);
    s = slot(&st, 0, rsp(0, 0, NETRXF_gso_prefix, 60));
    CHECK_EQ(s.kind, NFW_BAD_FLAGS);
    CHECK(!s.deliver);
    s = slot(&st, 1, rsp(1, 0, 0x40, 60));
    CHECK_EQ(s.kind, NFW_BAD_FLAGS);
    CHECK(!s.deliver);
    s = slot(&st, 2, rsp(2, 0, 0, 60));
    CHECK(s.deliver);
}

TEST(rx_extra_info_is_bad_and_its_segments_are_skipped)
{
    struct nfw_rx st;
    struct nfw_rx_step s;
    struct netif_extra_info ex = {.type = XEN_NETIF_EXTRA_TYPE_GSO,
                                  .flags = XEN_NETIF_EXTRA_FLAG_MORE};
    struct netif_rx_response r;

    nfw_rx_init(&st, true);
    s = slot(&st, 0, rsp(0, 0, NETRXF_extra_info, 60));
    CHECK_EQ(s.kind, NFW_BAD_FLAGS);
    CHECK(!s.deliver);
    /* Two extra segments (the first says more), which look nothing like responses. */
    memcpy(&r, &ex, sizeof(ex));
    s = slot(&st, 1, r);
    CHECK_EQ(s.kind, NFW_OK);
    CHECK(!s.copy && !s.deliver);
    ex.flags = 0;
    memcpy(&r, &ex, sizeof(ex));
    s = slot(&st, 2, r);
    CHECK(!s.copy && !s.deliver);
    s = slot(&st, 3, rsp(3, 0, 0, 60));
    CHECK(s.deliver && s.kind == NFW_OK);
}

TEST(rx_frame_spanning_slots_is_gathered)
{
    struct nfw_rx st;
    struct nfw_rx_step s;

    nfw_rx_init(&st, true);
    s = slot(&st, 10, rsp(10, 0, NETRXF_more_data | NETRXF_data_validated, 1000));
    CHECK(s.copy && !s.deliver);
    CHECK_EQ(s.at, 0);
    s = slot(&st, 11, rsp(11, 200, NETRXF_more_data, 400));
    CHECK(s.copy && !s.deliver);
    CHECK_EQ(s.at, 1000);
    CHECK_EQ(s.offset, 200);
    s = slot(&st, 12, rsp(12, 0, 0, 114));
    CHECK(s.copy && s.deliver);
    CHECK_EQ(s.at, 1400);
    CHECK_EQ(s.len, 1514);
    CHECK_EQ(s.flags, NETFRONT_DATA_VALIDATED);
}

TEST(rx_frame_too_long_is_dropped_whole)
{
    struct nfw_rx st;
    struct nfw_rx_step s;

    nfw_rx_init(&st, true);
    s = slot(&st, 0, rsp(0, 0, NETRXF_more_data, 1500));
    CHECK(s.copy);
    s = slot(&st, 1, rsp(1, 0, NETRXF_more_data, 15));
    CHECK_EQ(s.kind, NFW_TOO_LONG);
    CHECK(!s.copy);
    s = slot(&st, 2, rsp(2, 0, 0, 10));
    CHECK_EQ(s.kind, NFW_OK);
    CHECK(!s.copy && !s.deliver);
    s = slot(&st, 3, rsp(3, 0, 0, 60));
    CHECK(s.deliver);
    CHECK_EQ(s.len, 60);
}

TEST(rx_bad_slot_in_the_middle_drops_the_frame)
{
    struct nfw_rx st;
    struct nfw_rx_step s;

    nfw_rx_init(&st, true);
    slot(&st, 0, rsp(0, 0, NETRXF_more_data, 100));
    s = slot(&st, 1, rsp(99, 0, NETRXF_more_data, 100));
    CHECK_EQ(s.kind, NFW_DUP_ID);
    s = slot(&st, 2, rsp(2, 0, 0, 100));
    CHECK(!s.deliver && !s.copy);
    s = slot(&st, 3, rsp(3, 0, 0, 100));
    CHECK(s.deliver);
    CHECK_EQ(s.len, 100);
}

TEST(rx_more_data_without_sg_is_bad)
{
    struct nfw_rx st;
    struct nfw_rx_step s;

    nfw_rx_init(&st, false);
    s = slot(&st, 0, rsp(0, 0, NETRXF_more_data, 100));
    CHECK_EQ(s.kind, NFW_BAD_FLAGS);
    s = slot(&st, 1, rsp(1, 0, 0, 100)); /* the rest of that frame */
    CHECK(!s.deliver);
    s = slot(&st, 2, rsp(2, 0, 0, 100));
    CHECK(s.deliver);
}

TEST(rx_runt_frames_are_dropped)
{
    struct nfw_rx st;
    struct nfw_rx_step s;

    nfw_rx_init(&st, true);
    s = slot(&st, 0, rsp(0, 0, 0, 13));
    CHECK_EQ(s.kind, NFW_RUNT);
    CHECK(!s.deliver && !s.copy);
    s = slot(&st, 1, rsp(1, 0, 0, 0));
    CHECK_EQ(s.kind, NFW_RUNT);
    s = slot(&st, 2, rsp(2, 0, NETRXF_more_data, 7));
    s = slot(&st, 3, rsp(3, 0, 0, 7));
    CHECK(s.deliver);
    CHECK_EQ(s.len, 14);
}

TEST(counts_go_to_their_counters)
{
    struct netfront_stats st;

    memset(&st, 0, sizeof(st));
    for (int k = 0; k < NFW_KINDS; k++)
        nfw_count(&st, (enum nfw_kind)k);
    CHECK_EQ(st.bad_id, 1);
    CHECK_EQ(st.dup_id, 1);
    CHECK_EQ(st.bad_offset, 1);
    CHECK_EQ(st.bad_status, 1);
    CHECK_EQ(st.bad_prod, 1);
    CHECK_EQ(st.bad_flags, 1);
    CHECK_EQ(st.rx_dropped, 3); /* backend error, too long, runt */
    CHECK_EQ(st.rx_packets + st.tx_packets + st.tx_busy, 0);
    CHECK(strcmp(nfw_kind_name(NFW_BAD_ID), "id out of range") == 0);
    CHECK(strcmp(nfw_kind_name((enum nfw_kind)99), "?") == 0);
}

TEST(tx_flags_follow_the_backends_offload)
{
    CHECK_EQ(nfw_tx_flags(NETFRONT_CSUM_BLANK, true), NETTXF_csum_blank | NETTXF_data_validated);
    CHECK_EQ(nfw_tx_flags(NETFRONT_DATA_VALIDATED, true), NETTXF_data_validated);
    CHECK_EQ(nfw_tx_flags(0, true), 0);
    CHECK_EQ(nfw_tx_flags(NETFRONT_CSUM_BLANK | NETFRONT_DATA_VALIDATED, false), 0);
}

TEST(mac_node_format)
{
    uint8_t mac[6] = {0};
    const uint8_t want[6] = {0x00, 0x16, 0x3e, 0xab, 0xcd, 0xef};
    static const char *const bad[] = {
        "",
        "00:16:3e:ab:cd",
        "00:16:3e:ab:cd:ef:",
        "00:16:3e:ab:cd:ef:00",
        "00-16-3e-ab-cd-ef",
        "0:16:3e:ab:cd:ef",
        "00:16:3e:ab:cd:eg",
        "00:16:3e:ab:cd:e",
        " 00:16:3e:ab:cd:ef",
        "01:16:3e:ab:cd:ef", /* multicast */
        "ff:ff:ff:ff:ff:ff", /* broadcast */
        "00:00:00:00:00:00",
    };

    CHECK_EQ(nfw_parse_mac("00:16:3e:ab:cd:ef", mac), 0);
    CHECK(memcmp(mac, want, 6) == 0);
    CHECK_EQ(nfw_parse_mac("00:16:3E:AB:CD:EF", mac), 0);
    CHECK(memcmp(mac, want, 6) == 0);
    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(mac, 0x55, sizeof(mac));
        if (nfw_parse_mac(bad[i], mac) != -EINVAL)
            printf("  accepted \"%s\"\n", bad[i]);
        CHECK_EQ(nfw_parse_mac(bad[i], mac), -EINVAL);
        CHECK_EQ(mac[0], 0x55); /* nothing written */
    }
}

/* An Ethernet + IPv4 frame of protocol `proto` with `l4len` bytes of transport after the IP header.
 */
static size_t ip_frame(uint8_t *f, uint8_t proto, size_t l4len)
{
    size_t total = 20 + l4len;

    memset(f, 0, 14 + total);
    f[12] = 0x08;
    f[14] = 0x45;
    f[16] = (uint8_t)(total >> 8);
    f[17] = (uint8_t)total;
    f[14 + 8] = 64;
    f[14 + 9] = proto;
    memcpy(f + 14 + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
    for (size_t i = 0; i < l4len; i++)
        f[34 + i] = (uint8_t)(i * 7 + 3);
    return 14 + total;
}

/* The receiver's check, written apart from the code: pseudo-header + segment sum to 0xffff. */
static bool csum_verifies(const uint8_t *f, uint8_t proto, size_t l4len)
{
    uint32_t s = proto + (uint32_t)l4len;

    for (size_t i = 0; i < 8; i += 2)
        s += (uint32_t)(f[26 + i] << 8 | f[27 + i]);
    for (size_t i = 0; i < l4len; i += 2)
        s += (uint32_t)(f[34 + i] << 8 | (i + 1 < l4len ? f[35 + i] : 0));
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return s == 0xffff;
}

TEST(csum_fill_tcp_and_udp_whatever_the_field_held)
{
    uint8_t f[1514];
    size_t n;

    n = ip_frame(f, 6, 20 + 101); /* odd length */
    f[34 + 16] = 0x12;            /* a partial sum left by the sender */
    f[34 + 17] = 0x34;
    CHECK_EQ(nfw_csum_fill(f, n), 0);
    CHECK(csum_verifies(f, 6, 20 + 101));
    n = ip_frame(f, 17, 8 + 1000);
    CHECK_EQ(nfw_csum_fill(f, n), 0);
    CHECK(csum_verifies(f, 17, 8 + 1000));
    /* Trailing Ethernet padding beyond the IP length is not summed. */
    n = ip_frame(f, 17, 8 + 10);
    memset(f + n, 0xaa, 20);
    CHECK_EQ(nfw_csum_fill(f, n + 20), 0);
    CHECK(csum_verifies(f, 17, 8 + 10));
}

TEST(csum_fill_udp_zero_is_sent_as_ffff)
{
    uint8_t f[100];
    size_t n = ip_frame(f, 17, 8 + 4);
    uint16_t c;

    f[34 + 8] = f[34 + 9] = 0;
    CHECK_EQ(nfw_csum_fill(f, n), 0);
    c = (uint16_t)(f[40] << 8 | f[41]);
    /* A payload word equal to that checksum makes the sum 0xffff, the checksum 0. */
    f[34 + 8] = (uint8_t)(c >> 8);
    f[34 + 9] = (uint8_t)c;
    CHECK_EQ(nfw_csum_fill(f, n), 0);
    CHECK_EQ(f[40], 0xff);
    CHECK_EQ(f[41], 0xff);
}

TEST(csum_fill_refuses_what_it_cannot_do_and_writes_nothing)
{
    uint8_t f[200], copy[200];
    size_t n = ip_frame(f, 6, 40);

    memcpy(copy, f, sizeof(f));
    CHECK_EQ(nfw_csum_fill(f, 14 + 19), -EINVAL); /* truncated IP header */
    CHECK_EQ(nfw_csum_fill(f, n - 1), -EINVAL);   /* IP length beyond the frame */
    f[12] = 0x86, f[13] = 0xdd;                   /* IPv6 */
    CHECK_EQ(nfw_csum_fill(f, n), -EINVAL);
    memcpy(f, copy, sizeof(f));
    f[14 + 6] = 0x20; /* more fragments */
    CHECK_EQ(nfw_csum_fill(f, n), -EINVAL);
    memcpy(f, copy, sizeof(f));
    f[14] = 0x44; /* header of 16 bytes */
    CHECK_EQ(nfw_csum_fill(f, n), -EINVAL);
    memcpy(f, copy, sizeof(f));
    f[14 + 9] = 1; /* ICMP: no offload */
    CHECK_EQ(nfw_csum_fill(f, n), -EINVAL);
    f[14 + 9] = 6;
    n = ip_frame(f, 6, 19); /* a TCP header cut short */
    memcpy(copy, f, sizeof(f));
    CHECK_EQ(nfw_csum_fill(f, n), -EINVAL);
    CHECK(memcmp(f, copy, sizeof(f)) == 0);
}
