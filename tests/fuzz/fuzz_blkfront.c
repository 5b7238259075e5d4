/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: everything a blkback writes that blkfront checks, and
 * the other pure checks of blk/blkfront_wire.c. The first byte picks what
 * the rest is:
 *
 *   0  responses: 64 bytes of what each of 64 ids waits for, then 11-byte
 *      responses (id 8, operation 1, status 2, little-endian)
 *   1  producer indices: (cons, prod, req_prod) triples
 *   2  an app's request against a disk: sector size, size, flags, op,
 *      offset, length
 *   3  the segments of a read or write of a length
 *   4  a command-line word (the knobs)
 *   5  a vdev number and a geometry
 *
 * Invariants (abort() when broken), against what the protocol and the API
 * allow rather than against the code: an id is answered only when in
 * range and outstanding, and only once; an answer is a success only for
 * the operation asked with BLKIF_RSP_OKAY; an accepted producer index
 * never claims more responses than requests; an accepted request is
 * aligned, non-empty, inside the disk, and no write on a read-only disk;
 * segments cover exactly the bytes asked, page by page; knobs stay in
 * range; names fit and are made of the letters a name has.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../../blk/blkfront_wire.h"

#define IDS 64

static uint64_t get(const uint8_t *p, unsigned int n)
{
    uint64_t v = 0;

    for (unsigned int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static bool op_ok(uint8_t asked, uint8_t op)
{
    if (asked & BLKW_ASK_INDIRECT)
        return op == BLKIF_OP_INDIRECT || op == (asked & 0x7f);
    return op == asked;
}

static void fuzz_responses(const uint8_t *data, size_t size)
{
    uint8_t asked[IDS];

    if (size < IDS)
        return;
    /* Each id idle, or waiting for an op (some indirect), as the driver leaves them. */
    for (unsigned int i = 0; i < IDS; i++)
        asked[i] = data[i] >= 0xc0 ? BLKW_IDLE : (uint8_t)(data[i] & 0x87);
    for (size_t i = IDS; i + 11 <= size; i += 11) {
        struct blkif_response r = {.id = get(data + i, 8),
                                   .operation = data[i + 8],
                                   .status = (int16_t)get(data + i + 9, 2)};
        bool was = r.id < IDS && asked[r.id] != BLKW_IDLE;
        int err = 1;
        enum blkw_kind kind = blkw_response(&r, asked, IDS, &err);

        check(kind == BLKW_OK || kind == BLKW_BAD_ID || kind == BLKW_DUP_ID ||
              kind == BLKW_BAD_OP || kind == BLKW_BAD_STATUS);
        check(blkw_answers(kind) == was);
        check((kind == BLKW_BAD_ID) == (r.id >= IDS));
        check(err == 0 || err == -EIO || err == -EOPNOTSUPP);
        if (err == 0)
            check(kind == BLKW_OK && r.status == BLKIF_RSP_OKAY && op_ok(asked[r.id], r.operation));
        if (kind == BLKW_OK)
            check(op_ok(asked[r.id], r.operation) &&
                  (r.status == BLKIF_RSP_OKAY || r.status == BLKIF_RSP_ERROR ||
                   r.status == BLKIF_RSP_EOPNOTSUPP));
        if (kind == BLKW_BAD_OP)
            check(!op_ok(asked[r.id], r.operation));
        if (!blkw_answers(kind))
            check(err == -EIO);
        if (was)
            asked[r.id] = BLKW_IDLE; /* as the driver does: a second answer is a duplicate */
    }
}

static void fuzz_prod(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i + 12 <= size; i += 12) {
        RING_IDX cons = (RING_IDX)get(data + i, 4), prod = (RING_IDX)get(data + i + 4, 4);
        RING_IDX req = (RING_IDX)get(data + i + 8, 4);
        /* The oracle in 64 bits: distances from cons, modulo 2^32. */
        uint64_t answered = ((uint64_t)prod + (1ull << 32) - cons) & 0xffffffffu;
        uint64_t asked = ((uint64_t)req + (1ull << 32) - cons) & 0xffffffffu;

        check((blkw_check_prod(cons, prod, req) == BLKW_OK) == (answered <= asked));
    }
}

static void fuzz_request(const uint8_t *data, size_t size)
{
    struct uk_blk_info d = {0};
    enum uk_blk_op op;
    uint64_t offset;
    size_t len;
    char buf[1] = {0};
    int rc;

    if (size < 28)
        return;
    d.sector_size = 512u << (data[0] % 5); /* 512 .. 8192: the check must not care */
    d.size = get(data + 1, 8);
    d.read_only = data[9] & 1;
    d.flush = data[9] & 2;
    d.barrier = data[9] & 4;
    d.discard = data[9] & 8;
    op = (enum uk_blk_op)(data[10] % 6);
    offset = get(data + 11, 8);
    len = (size_t)get(data + 19, 8);
    rc = blkw_check_req(&d, op, offset, len, (data[27] & 1) ? NULL : buf);
    check(rc == 0 || rc == -EINVAL || rc == -EROFS || rc == -EOPNOTSUPP);
    if (rc)
        return;
    check(op <= UK_BLK_DISCARD);
    if (op == UK_BLK_FLUSH) {
        check(!d.read_only && (d.flush || d.barrier));
        return;
    }
    check(len > 0 && offset % d.sector_size == 0 && len % d.sector_size == 0);
    check(offset <= d.size && len <= d.size - offset);
    if (op != UK_BLK_READ)
        check(!d.read_only);
    if (op == UK_BLK_DISCARD)
        check(d.discard);
    else
        check(!(data[27] & 1));
}

static void fuzz_segments(const uint8_t *data, size_t size)
{
    struct blkif_request_segment seg[BLKW_MAX_SEGS + 1];
    grant_ref_t refs[BLKW_MAX_SEGS];
    size_t bytes, covered = 0;
    unsigned int n;

    if (size < 2)
        return;
    /* 1 .. max_segs pages' worth, in sectors. */
    bytes = ((size_t)get(data, 2) % (BLKW_MAX_SEGS * 8) + 1) * BLKW_SECTOR;
    for (unsigned int i = 0; i < BLKW_MAX_SEGS; i++)
        refs[i] = 1000 + i;
    memset(seg, 0xa5, sizeof(seg));
    n = blkw_segments(seg, refs, bytes);
    check(n == (bytes + BLKW_PAGE_SIZE - 1) / BLKW_PAGE_SIZE);
    for (unsigned int i = 0; i < n; i++) {
        check(seg[i].gref == refs[i] && seg[i].first_sect == 0 && seg[i].last_sect < 8);
        /* Every page but the last is full. */
        check(i + 1 == n || seg[i].last_sect == 7);
        covered += (size_t)(seg[i].last_sect + 1) * BLKW_SECTOR;
    }
    check(covered == bytes);
    check(seg[n].gref == 0xa5a5a5a5u);
}

static void fuzz_knob(const uint8_t *data, size_t size)
{
    char word[64], err[40];
    struct blkw_knobs k;
    int rc;

    if (size >= sizeof(word))
        size = sizeof(word) - 1;
    memcpy(word, data, size);
    word[size] = 0;
    blkw_knobs_init(&k);
    memset(err, 'x', sizeof(err));
    rc = blkw_knob_apply(&k, word, err, sizeof(err));
    check(rc == 0 || rc == 1 || rc == -EINVAL);
    check(memchr(err, 0, sizeof(err)) != NULL);
    check((rc != 1) == blkw_is_key(word));
    check(k.ring_order <= BLKW_MAX_ORDER);
    if (rc == -EINVAL)
        check(strncmp(err, "bad blk_", 8) == 0);
}

static void fuzz_names(const uint8_t *data, size_t size)
{
    char name[8];
    uint64_t bytes;

    if (size < 24)
        return;
    memset(name, 'x', sizeof(name));
    if (blkw_vdev_name((unsigned long)get(data, 8), name) == 0) {
        size_t n = strnlen(name, sizeof(name));

        check(n < sizeof(name));
        check(strncmp(name, "xvd", 3) == 0 || strncmp(name, "sd", 2) == 0 ||
              strncmp(name, "hd", 2) == 0);
        for (size_t i = 0; i < n; i++)
            check((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9'));
    }
    if (blkw_geometry(get(data + 8, 8), get(data + 16, 8), &bytes) == 0) {
        uint64_t ss = get(data + 16, 8);

        check(ss >= 512 && ss <= 4096 && (ss & (ss - 1)) == 0);
        check(bytes / ss == get(data + 8, 8));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 6) {
    case 0:
        fuzz_responses(data + 1, size - 1);
        break;
    case 1:
        fuzz_prod(data + 1, size - 1);
        break;
    case 2:
        fuzz_request(data + 1, size - 1);
        break;
    case 3:
        fuzz_segments(data + 1, size - 1);
        break;
    case 4:
        fuzz_knob(data + 1, size - 1);
        break;
    default:
        fuzz_names(data + 1, size - 1);
        break;
    }
    return 0;
}
