/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests for blk/blkfront_wire.c: every rule a response from a hostile
 * backend is judged by (the refused case first, then what passes), the
 * producer-index check, an app's request checks, the segments of a ring
 * request, the negotiation, the command-line knobs, the geometry and the
 * vdev names.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "../../blk/blkfront_wire.h"
#include "check.h"

#define N 32

static uint8_t asked[N];

static void idle_all(void)
{
    memset(asked, BLKW_IDLE, sizeof(asked));
}

static enum blkw_kind judge(uint64_t id, uint8_t op, int16_t status, int *err)
{
    struct blkif_response r = {.id = id, .operation = op, .status = status};

    return blkw_response(&r, asked, N, err);
}

TEST(prod_beyond_what_we_requested_is_bad)
{
    CHECK_EQ(blkw_check_prod(0, 33, 32), BLKW_BAD_PROD);
    CHECK_EQ(blkw_check_prod(10, 13, 12), BLKW_BAD_PROD);
    /* Behind our consumer is far ahead modulo 2^32. */
    CHECK_EQ(blkw_check_prod(10, 9, 42), BLKW_BAD_PROD);
    CHECK_EQ(blkw_check_prod(0xfffffff0u, 0x200u, 0xfffffff0u + 32), BLKW_BAD_PROD);
    /* Then what is within our requests passes, across the wrap too. */
    CHECK_EQ(blkw_check_prod(0, 0, 32), BLKW_OK);
    CHECK_EQ(blkw_check_prod(0, 32, 32), BLKW_OK);
    CHECK_EQ(blkw_check_prod(10, 12, 12), BLKW_OK);
    CHECK_EQ(blkw_check_prod(0xfffffff0u, 0x10u, 0xfffffff0u + 32), BLKW_OK);
}

TEST(id_out_of_range_is_dropped)
{
    int err = 0;

    idle_all();
    asked[3] = BLKIF_OP_READ;
    CHECK_EQ(judge(N, BLKIF_OP_READ, BLKIF_RSP_OKAY, &err), BLKW_BAD_ID);
    CHECK(!blkw_answers(BLKW_BAD_ID));
    CHECK_EQ(err, -EIO);
    CHECK_EQ(judge(~0ull, BLKIF_OP_READ, BLKIF_RSP_OKAY, &err), BLKW_BAD_ID);
    /* A 64-bit id whose low bits name an outstanding id is still out of range. */
    CHECK_EQ(judge((1ull << 32) | 3, BLKIF_OP_READ, BLKIF_RSP_OKAY, &err), BLKW_BAD_ID);
    CHECK_EQ(asked[3], BLKIF_OP_READ);
    CHECK_EQ(judge(3, BLKIF_OP_READ, BLKIF_RSP_OKAY, &err), BLKW_OK);
    CHECK_EQ(err, 0);
}

TEST(id_not_outstanding_is_dropped)
{
    int err = 0;

    idle_all();
    CHECK_EQ(judge(0, BLKIF_OP_READ, BLKIF_RSP_OKAY, &err), BLKW_DUP_ID);
    CHECK(!blkw_answers(BLKW_DUP_ID));
    /* Answered once (the driver marks it idle), a second answer is a duplicate. */
    asked[5] = BLKIF_OP_WRITE;
    CHECK_EQ(judge(5, BLKIF_OP_WRITE, BLKIF_RSP_OKAY, &err), BLKW_OK);
    CHECK(blkw_answers(BLKW_OK));
    asked[5] = BLKW_IDLE;
    CHECK_EQ(judge(5, BLKIF_OP_WRITE, BLKIF_RSP_OKAY, &err), BLKW_DUP_ID);
    CHECK_EQ(err, -EIO);
}

TEST(operation_not_asked_for_answers_with_eio)
{
    int err = 0;

    idle_all();
    asked[1] = BLKIF_OP_READ;
    asked[2] = BLKW_ASK_INDIRECT | BLKIF_OP_WRITE;
    asked[3] = BLKIF_OP_FLUSH_DISKCACHE;
    asked[4] = BLKIF_OP_DISCARD;
    CHECK_EQ(judge(1, BLKIF_OP_WRITE, BLKIF_RSP_OKAY, &err), BLKW_BAD_OP);
    CHECK(blkw_answers(BLKW_BAD_OP));
    CHECK_EQ(err, -EIO);
    CHECK_EQ(judge(1, BLKIF_OP_INDIRECT, BLKIF_RSP_OKAY, &err), BLKW_BAD_OP);
    CHECK_EQ(judge(2, BLKIF_OP_READ, BLKIF_RSP_OKAY, &err), BLKW_BAD_OP);
    CHECK_EQ(judge(3, BLKIF_OP_WRITE_BARRIER, BLKIF_RSP_OKAY, &err), BLKW_BAD_OP);
    CHECK_EQ(judge(4, BLKIF_OP_WRITE, BLKIF_RSP_OKAY, &err), BLKW_BAD_OP);
    CHECK_EQ(judge(4, 0xff, BLKIF_RSP_OKAY, &err), BLKW_BAD_OP);
    /* Then the operation asked passes; an indirect one as blkback echoes it, or its inner op. */
    CHECK_EQ(judge(1, BLKIF_OP_READ, BLKIF_RSP_OKAY, &err), BLKW_OK);
    CHECK_EQ(judge(2, BLKIF_OP_INDIRECT, BLKIF_RSP_OKAY, &err), BLKW_OK);
    CHECK_EQ(judge(2, BLKIF_OP_WRITE, BLKIF_RSP_OKAY, &err), BLKW_OK);
    CHECK_EQ(judge(3, BLKIF_OP_FLUSH_DISKCACHE, BLKIF_RSP_OKAY, &err), BLKW_OK);
    CHECK_EQ(judge(4, BLKIF_OP_DISCARD, BLKIF_RSP_OKAY, &err), BLKW_OK);
}

TEST(bad_status_answers_with_eio)
{
    int err = 0;

    idle_all();
    asked[0] = BLKIF_OP_READ;
    CHECK_EQ(judge(0, BLKIF_OP_READ, 1, &err), BLKW_BAD_STATUS);
    CHECK(blkw_answers(BLKW_BAD_STATUS));
    CHECK_EQ(err, -EIO);
    CHECK_EQ(judge(0, BLKIF_OP_READ, -3, &err), BLKW_BAD_STATUS);
    CHECK_EQ(judge(0, BLKIF_OP_READ, 0x7fff, &err), BLKW_BAD_STATUS);
    CHECK_EQ(judge(0, BLKIF_OP_READ, -0x8000, &err), BLKW_BAD_STATUS);
    /* Then the three statuses blkif.h has. */
    CHECK_EQ(judge(0, BLKIF_OP_READ, BLKIF_RSP_OKAY, &err), BLKW_OK);
    CHECK_EQ(err, 0);
    CHECK_EQ(judge(0, BLKIF_OP_READ, BLKIF_RSP_ERROR, &err), BLKW_OK);
    CHECK_EQ(err, -EIO);
    CHECK_EQ(judge(0, BLKIF_OP_READ, BLKIF_RSP_EOPNOTSUPP, &err), BLKW_OK);
    CHECK_EQ(err, -EOPNOTSUPP);
}

TEST(an_out_of_range_id_is_judged_before_its_op_and_status)
{
    int err = 0;

    idle_all();
    CHECK_EQ(judge(N + 1, 0x77, 99, &err), BLKW_BAD_ID);
    CHECK_EQ(judge(7, 0x77, 99, &err), BLKW_DUP_ID);
    asked[7] = BLKIF_OP_READ;
    CHECK_EQ(judge(7, 0x77, 99, &err), BLKW_BAD_OP);
}

TEST(each_kind_counts_in_its_own_counter_with_its_phrase)
{
    struct uk_blk_info in = {0};

    blkw_count(&in, BLKW_OK);
    CHECK_EQ(in.bad_id + in.dup_id + in.bad_op + in.bad_status + in.bad_prod, 0);
    blkw_count(&in, BLKW_BAD_ID);
    blkw_count(&in, BLKW_DUP_ID);
    blkw_count(&in, BLKW_DUP_ID);
    blkw_count(&in, BLKW_BAD_OP);
    blkw_count(&in, BLKW_BAD_STATUS);
    blkw_count(&in, BLKW_BAD_PROD);
    CHECK_EQ(in.bad_id, 1);
    CHECK_EQ(in.dup_id, 2);
    CHECK_EQ(in.bad_op, 1);
    CHECK_EQ(in.bad_status, 1);
    CHECK_EQ(in.bad_prod, 1);
    CHECK_EQ(in.errors, 0);
    /* The phrases the hostile-backend case greps for. */
    CHECK_STR(blkw_kind_name(BLKW_BAD_ID), "id out of range");
    CHECK_STR(blkw_kind_name(BLKW_DUP_ID), "id not outstanding");
    CHECK_STR(blkw_kind_name(BLKW_BAD_OP), "operation not asked for");
    CHECK_STR(blkw_kind_name(BLKW_BAD_STATUS), "bad status");
    CHECK_STR(blkw_kind_name(BLKW_KINDS), "?");
}

static struct uk_blk_info disk(bool ro)
{
    return (struct uk_blk_info){
        .size = 1 << 20, .sector_size = 512, .read_only = ro, .flush = true, .discard = true};
}

TEST(requests_misaligned_empty_or_beyond_the_end_are_refused)
{
    struct uk_blk_info d = disk(false);
    char buf[1] = {0};

    CHECK_EQ(blkw_check_req(&d, UK_BLK_READ, 1, 512, buf), -EINVAL);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_READ, 0, 511, buf), -EINVAL);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_WRITE, 512, 0, buf), -EINVAL);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_READ, 0, 512, NULL), -EINVAL);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_READ, 1 << 20, 512, buf), -EINVAL);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_READ, (1 << 20) - 512, 1024, buf), -EINVAL);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_READ, (1 << 20) + 512, 512, buf), -EINVAL);
    /* offset + len wraps around 2^64: still beyond the end. */
    CHECK_EQ(blkw_check_req(&d, UK_BLK_READ, UINT64_MAX - 511, 1024, buf), -EINVAL);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_READ, 512, SIZE_MAX - 511, buf), -EINVAL);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_DISCARD, 0, 0, NULL), -EINVAL);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_DISCARD, 256, 512, NULL), -EINVAL);
    CHECK_EQ(blkw_check_req(&d, (enum uk_blk_op)42, 0, 512, buf), -EINVAL);
    /* A larger sector size: aligned to it, not to 512. */
    d.sector_size = 4096;
    CHECK_EQ(blkw_check_req(&d, UK_BLK_READ, 512, 4096, buf), -EINVAL);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_READ, 4096, 4096, buf), 0);
    d.sector_size = 512;
    /* Then the whole disk, its last sector, a discard and a flush (whose range is ignored). */
    CHECK_EQ(blkw_check_req(&d, UK_BLK_READ, 0, 1 << 20, buf), 0);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_WRITE, (1 << 20) - 512, 512, buf), 0);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_DISCARD, 4096, 65536, NULL), 0);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_FLUSH, 3, 7, NULL), 0);
}

TEST(writes_discards_and_flushes_on_a_read_only_disk_are_erofs)
{
    struct uk_blk_info d = disk(true);
    char buf[1] = {0};

    CHECK_EQ(blkw_check_req(&d, UK_BLK_WRITE, 0, 512, buf), -EROFS);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_DISCARD, 0, 512, NULL), -EROFS);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_FLUSH, 0, 0, NULL), -EROFS);
    /* A bad argument is that first. */
    CHECK_EQ(blkw_check_req(&d, UK_BLK_WRITE, 1, 512, buf), -EINVAL);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_READ, 0, 512, buf), 0);
}

TEST(operations_the_backend_does_not_offer_are_eopnotsupp)
{
    struct uk_blk_info d = disk(false);

    d.flush = d.discard = d.barrier = false;
    CHECK_EQ(blkw_check_req(&d, UK_BLK_FLUSH, 0, 0, NULL), -EOPNOTSUPP);
    CHECK_EQ(blkw_check_req(&d, UK_BLK_DISCARD, 0, 512, NULL), -EOPNOTSUPP);
    /* A barrier flushes too. */
    d.barrier = true;
    CHECK_EQ(blkw_check_req(&d, UK_BLK_FLUSH, 0, 0, NULL), 0);
}

TEST(segments_cover_whole_pages_then_the_rest)
{
    struct blkif_request_segment seg[BLKW_MAX_SEGS];
    grant_ref_t refs[BLKW_MAX_SEGS];

    for (unsigned int i = 0; i < BLKW_MAX_SEGS; i++)
        refs[i] = 100 + i;
    memset(seg, 0xee, sizeof(seg));
    CHECK_EQ(blkw_segments(seg, refs, 512), 1);
    CHECK_EQ(seg[0].gref, 100);
    CHECK_EQ(seg[0].first_sect, 0);
    CHECK_EQ(seg[0].last_sect, 0);
    CHECK_EQ(seg[1].gref, 0xeeeeeeeeu); /* nothing written past the last */
    CHECK_EQ(blkw_segments(seg, refs, 4096), 1);
    CHECK_EQ(seg[0].last_sect, 7);
    CHECK_EQ(blkw_segments(seg, refs, 4096 + 1536), 2);
    CHECK_EQ(seg[1].gref, 101);
    CHECK_EQ(seg[1].first_sect, 0);
    CHECK_EQ(seg[1].last_sect, 2);
    CHECK_EQ(blkw_segments(seg, refs, BLKW_MAX_SEGS * 4096), BLKW_MAX_SEGS);
    CHECK_EQ(seg[BLKW_MAX_SEGS - 1].gref, 100 + BLKW_MAX_SEGS - 1);
    CHECK_EQ(seg[BLKW_MAX_SEGS - 1].last_sect, 7);
    /* One indirect page holds more segments than we ever use. */
    CHECK(BLKW_SEGS_PER_IND >= BLKW_MAX_SEGS);
}

TEST(negotiation_takes_what_both_sides_allow)
{
    struct blkw_offer all = {.max_ring_order = 4, .max_indirect = 256, .persistent = true};
    struct blkw_offer none = {0};
    struct blkw_knobs k;
    struct blkw_params p;

    blkw_knobs_init(&k);
    blkw_negotiate(&all, &k, &p);
    CHECK_EQ(p.ring_order, 4);
    CHECK_EQ(p.ring_pages, 16);
    CHECK_EQ(p.ring_size, 512);
    CHECK(p.indirect);
    CHECK_EQ(p.max_segs, 256);
    CHECK(p.persistent);
    blkw_negotiate(&none, &k, &p);
    CHECK_EQ(p.ring_order, 0);
    CHECK_EQ(p.ring_size, 32);
    CHECK(!p.indirect);
    CHECK_EQ(p.max_segs, BLKIF_MAX_SEGMENTS_PER_REQUEST);
    CHECK(!p.persistent);
    /* The knobs turn each off. */
    k.persistent = k.indirect = false;
    k.ring_order = 1;
    blkw_negotiate(&all, &k, &p);
    CHECK_EQ(p.ring_order, 1);
    CHECK_EQ(p.ring_size, 64);
    CHECK(!p.indirect);
    CHECK_EQ(p.max_segs, 11);
    CHECK(!p.persistent);
    /* An offer beyond what we take, or below a direct request, is capped. */
    blkw_knobs_init(&k);
    all.max_ring_order = 9;
    all.max_indirect = 4096;
    blkw_negotiate(&all, &k, &p);
    CHECK_EQ(p.ring_order, 4);
    CHECK_EQ(p.max_segs, 256);
    all.max_indirect = 8;
    blkw_negotiate(&all, &k, &p);
    CHECK(!p.indirect);
    CHECK_EQ(p.max_segs, 11);
}

TEST(ring_sizes_are_what_the_ring_macros_make)
{
    for (unsigned int order = 0; order <= BLKW_MAX_ORDER; order++) {
        struct blkw_offer o = {.max_ring_order = order};
        struct blkw_knobs k;
        struct blkw_params p;

        blkw_knobs_init(&k);
        blkw_negotiate(&o, &k, &p);
        CHECK_EQ(p.ring_size, __RING_SIZE((blkif_sring_t *)0, BLKW_PAGE_SIZE << order));
    }
}

TEST(knobs_with_bad_values_are_refused_with_a_message)
{
    struct blkw_knobs k;
    char err[64], tiny[6];

    blkw_knobs_init(&k);
    CHECK_EQ(blkw_knob_apply(&k, "blk_ring_order=5", err, sizeof(err)), -EINVAL);
    CHECK_STR(err, "bad blk_ring_order=5: want 0-4");
    CHECK_EQ(blkw_knob_apply(&k, "blk_persistent=2", err, sizeof(err)), -EINVAL);
    CHECK_STR(err, "bad blk_persistent=2: want 0 or 1");
    CHECK_EQ(blkw_knob_apply(&k, "blk_indirect=", err, sizeof(err)), -EINVAL);
    CHECK_EQ(blkw_knob_apply(&k, "blk_indirect=01", err, sizeof(err)), -EINVAL);
    CHECK_EQ(blkw_knob_apply(&k, "blk_indirect=x", err, sizeof(err)), -EINVAL);
    CHECK_EQ(blkw_knob_apply(&k, "blk_ring_order=-1", tiny, sizeof(tiny)), -EINVAL);
    CHECK_STR(tiny, "bad b");
    CHECK_EQ(blkw_knob_apply(&k, "blk_ring_order=-1", NULL, 0), -EINVAL);
    CHECK(k.persistent && k.indirect && k.ring_order == 4);
    /* Then good values apply, and other words are not ours. */
    CHECK_EQ(blkw_knob_apply(&k, "blk_persistent=0", err, sizeof(err)), 0);
    CHECK_EQ(blkw_knob_apply(&k, "blk_indirect=0", err, sizeof(err)), 0);
    CHECK_EQ(blkw_knob_apply(&k, "blk_ring_order=0", err, sizeof(err)), 0);
    CHECK(!k.persistent && !k.indirect && k.ring_order == 0);
    CHECK_EQ(blkw_knob_apply(&k, "blk_persistent=1", err, sizeof(err)), 0);
    CHECK(k.persistent);
    CHECK_EQ(blkw_knob_apply(&k, "ip=10.0.0.2/24", err, sizeof(err)), 1);
    CHECK_EQ(blkw_knob_apply(&k, "blk_persistent", err, sizeof(err)), 1);
    CHECK(blkw_is_key("blk_ring_order=9"));
    CHECK(blkw_is_key("blk_indirect=1"));
    CHECK(!blkw_is_key("blk_ring_order"));
    CHECK(!blkw_is_key("xblk_indirect=1"));
}

TEST(geometry_with_a_bad_sector_size_or_overflow_is_refused)
{
    uint64_t size = 7;

    CHECK_EQ(blkw_geometry(100, 0, &size), -EINVAL);
    CHECK_EQ(blkw_geometry(100, 256, &size), -EINVAL);
    CHECK_EQ(blkw_geometry(100, 1000, &size), -EINVAL);
    CHECK_EQ(blkw_geometry(100, 8192, &size), -EINVAL);
    CHECK_EQ(blkw_geometry(UINT64_MAX / 512 + 1, 512, &size), -EINVAL);
    CHECK_EQ(size, 7);
    CHECK_EQ(blkw_geometry(163840, 512, &size), 0);
    CHECK_EQ(size, 80ull << 20);
    CHECK_EQ(blkw_geometry(2, 4096, &size), 0);
    CHECK_EQ(size, 8192);
    CHECK_EQ(blkw_geometry(0, 512, &size), 0);
    CHECK_EQ(size, 0);
}

static const char *vname(unsigned long vdev)
{
    static char name[8];

    memset(name, 0, sizeof(name));
    if (blkw_vdev_name(vdev, name))
        return "(einval)";
    return name;
}

TEST(vdev_names_follow_the_vbd_interface)
{
    CHECK_STR(vname(0), "(einval)");
    CHECK_STR(vname(1ul << 16), "(einval)");
    CHECK_STR(vname(3ul << 28), "(einval)");
    /* xvd + four letters + a three-digit partition does not fit in 8 bytes. */
    CHECK_STR(vname(1ul << 28 | 20000ul << 8 | 255), "(einval)");
    CHECK_STR(vname(1ul << 28 | 800000ul << 8), "(einval)");
    CHECK_STR(vname(51712), "xvda");
    CHECK_STR(vname(51728), "xvdb");
    CHECK_STR(vname(51713), "xvda1");
    CHECK_STR(vname(202 << 8 | 0xff), "xvdp15");
    CHECK_STR(vname(1ul << 28 | 26ul << 8), "xvdaa");
    CHECK_STR(vname(1ul << 28 | 701ul << 8), "xvdzz");
    CHECK_STR(vname(1ul << 28 | 702ul << 8), "xvdaaa");
    CHECK_STR(vname(1ul << 28 | 16ul << 8 | 3), "xvdq3");
    CHECK_STR(vname(8 << 8), "sda");
    CHECK_STR(vname(3 << 8), "hda");
    CHECK_STR(vname(3 << 8 | 64), "hdb");
    CHECK_STR(vname(22 << 8 | 64 | 2), "hdd2");
}
