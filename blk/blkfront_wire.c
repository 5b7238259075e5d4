/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * blkfront's pure checks (blkfront_wire.h): responses, the producer index,
 * an app's request, the segments of a ring request, the negotiation, the
 * command-line knobs, the geometry and the vdev's name. No shared memory,
 * no allocation: host-tested and fuzzed.
 */
#include <errno.h>
#include <string.h>

#include "blkfront_wire.h"

void blkw_count(struct uk_blk_info *info, enum blkw_kind kind)
{
    switch (kind) {
    case BLKW_BAD_ID:
        info->bad_id++;
        break;
    case BLKW_DUP_ID:
        info->dup_id++;
        break;
    case BLKW_BAD_OP:
        info->bad_op++;
        break;
    case BLKW_BAD_STATUS:
        info->bad_status++;
        break;
    case BLKW_BAD_PROD:
        info->bad_prod++;
        break;
    case BLKW_OK:
    case BLKW_KINDS:
        break;
    }
}

const char *blkw_kind_name(enum blkw_kind kind)
{
    static const char *const names[BLKW_KINDS] = {
        [BLKW_OK] = "ok",
        [BLKW_BAD_ID] = "id out of range",
        [BLKW_DUP_ID] = "id not outstanding",
        [BLKW_BAD_OP] = "operation not asked for",
        [BLKW_BAD_STATUS] = "bad status",
        [BLKW_BAD_PROD] = "rsp_prod more than a ring ahead",
    };

    return (unsigned int)kind < BLKW_KINDS ? names[kind] : "?";
}

enum blkw_kind blkw_check_prod(RING_IDX rsp_cons, RING_IDX rsp_prod, RING_IDX req_prod)
{
    /* Unsigned differences: both wrap the same way, so this holds across 2^32. */
    return (RING_IDX)(rsp_prod - rsp_cons) <= (RING_IDX)(req_prod - rsp_cons) ? BLKW_OK
                                                                              : BLKW_BAD_PROD;
}

static bool op_matches(uint8_t asked, uint8_t op)
{
    if (asked & BLKW_ASK_INDIRECT)
        return op == BLKIF_OP_INDIRECT || op == (asked & ~BLKW_ASK_INDIRECT);
    return op == asked;
}

enum blkw_kind blkw_response(const struct blkif_response *rsp, const uint8_t *asked, unsigned int n,
                             int *err)
{
    *err = -EIO;
    if (rsp->id >= n)
        return BLKW_BAD_ID;
    if (asked[rsp->id] == BLKW_IDLE)
        return BLKW_DUP_ID;
    /* From here the id is answered, whatever else is wrong: its request is over. */
    if (!op_matches(asked[rsp->id], rsp->operation))
        return BLKW_BAD_OP;
    switch (rsp->status) {
    case BLKIF_RSP_OKAY:
        *err = 0;
        return BLKW_OK;
    case BLKIF_RSP_ERROR:
        return BLKW_OK;
    case BLKIF_RSP_EOPNOTSUPP:
        *err = -EOPNOTSUPP;
        return BLKW_OK;
    default:
        return BLKW_BAD_STATUS;
    }
}

static int check_range(const struct uk_blk_info *info, uint64_t offset, size_t len)
{
    uint64_t ss = info->sector_size;

    if (len == 0 || ss == 0 || offset % ss || len % ss)
        return -EINVAL;
    /* offset + len may not wrap: compare against what is left after offset. */
    if (offset > info->size || len > info->size - offset)
        return -EINVAL;
    return 0;
}

int blkw_check_req(const struct uk_blk_info *info, enum uk_blk_op op, uint64_t offset, size_t len,
                   const void *buf)
{
    int rc;

    switch (op) {
    case UK_BLK_READ:
    case UK_BLK_WRITE:
        if (!buf)
            return -EINVAL;
        rc = check_range(info, offset, len);
        if (rc)
            return rc;
        return op == UK_BLK_WRITE && info->read_only ? -EROFS : 0;
    case UK_BLK_DISCARD:
        rc = check_range(info, offset, len);
        if (rc)
            return rc;
        if (info->read_only)
            return -EROFS;
        return info->discard ? 0 : -EOPNOTSUPP;
    case UK_BLK_FLUSH:
        if (info->read_only)
            return -EROFS;
        return info->flush || info->barrier ? 0 : -EOPNOTSUPP;
    default:
        return -EINVAL;
    }
}

unsigned int blkw_segments(struct blkif_request_segment *seg, const grant_ref_t *refs, size_t bytes)
{
    unsigned int n = 0;

    for (size_t at = 0; at < bytes; at += BLKW_PAGE_SIZE, n++) {
        size_t in_page = bytes - at < BLKW_PAGE_SIZE ? bytes - at : BLKW_PAGE_SIZE;

        seg[n].gref = refs[n];
        seg[n].first_sect = 0;
        seg[n].last_sect = (uint8_t)(in_page / BLKW_SECTOR - 1);
    }
    return n;
}

void blkw_knobs_init(struct blkw_knobs *k)
{
    k->persistent = true;
    k->indirect = true;
    k->ring_order = BLKW_MAX_ORDER;
}

static unsigned int min_u(unsigned int a, unsigned int b)
{
    return a < b ? a : b;
}

void blkw_negotiate(const struct blkw_offer *be, const struct blkw_knobs *k,
                    struct blkw_params *out)
{
    out->ring_order = min_u(min_u(be->max_ring_order, k->ring_order), BLKW_MAX_ORDER);
    out->ring_pages = 1u << out->ring_order;
    out->ring_size = BLKW_RING_SIZE << out->ring_order;
    /* Indirect only when it carries more than a direct request does. */
    out->indirect = k->indirect && be->max_indirect > BLKW_DIRECT_SEGS;
    out->max_segs = out->indirect ? min_u(be->max_indirect, BLKW_MAX_SEGS) : BLKW_DIRECT_SEGS;
    out->persistent = k->persistent && be->persistent;
}

static const char *const knob_names[] = {"blk_persistent=", "blk_indirect=", "blk_ring_order="};

bool blkw_is_key(const char *word)
{
    for (unsigned int i = 0; i < sizeof(knob_names) / sizeof(knob_names[0]); i++)
        if (strncmp(word, knob_names[i], strlen(knob_names[i])) == 0)
            return true;
    return false;
}

/* "bad WORD: want WHAT" into err, cut to errlen (no printf: this links into the guest). */
static int fail(char *err, size_t errlen, const char *word, const char *what)
{
    const char *parts[] = {"bad ", word, ": want ", what};
    size_t at = 0;

    for (unsigned int i = 0; i < 4 && errlen; i++)
        for (const char *p = parts[i]; *p && at + 1 < errlen; p++)
            err[at++] = *p;
    if (errlen)
        err[at] = 0;
    return -EINVAL;
}

/* One decimal digit, the whole value, at most `max`. */
static int digit(const char *s, unsigned int max, unsigned int *v)
{
    if (s[0] < '0' || s[0] > '9' || s[1] || (unsigned int)(s[0] - '0') > max)
        return -EINVAL;
    *v = (unsigned int)(s[0] - '0');
    return 0;
}

int blkw_knob_apply(struct blkw_knobs *k, const char *word, char *err, size_t errlen)
{
    unsigned int v;

    if (errlen)
        err[0] = 0;
    for (unsigned int i = 0; i < sizeof(knob_names) / sizeof(knob_names[0]); i++) {
        size_t n = strlen(knob_names[i]);

        if (strncmp(word, knob_names[i], n) != 0)
            continue;
        if (digit(word + n, i == 2 ? BLKW_MAX_ORDER : 1, &v))
            return fail(err, errlen, word, i == 2 ? "0-4" : "0 or 1");
        if (i == 0)
            k->persistent = v;
        else if (i == 1)
            k->indirect = v;
        else
            k->ring_order = v;
        return 0;
    }
    return 1;
}

int blkw_geometry(uint64_t sectors, uint64_t sector_size, uint64_t *size)
{
    if (sector_size < BLKW_SECTOR || sector_size > BLKW_PAGE_SIZE ||
        (sector_size & (sector_size - 1)))
        return -EINVAL;
    if (sectors > UINT64_MAX / sector_size)
        return -EINVAL;
    *size = sectors * sector_size;
    return 0;
}

/* "xvd" + the disk's letters (a..z, aa..zz, ...) + the partition's number if any. */
static int make_name(char name[8], const char *prefix, unsigned long disk, unsigned long part)
{
    char out[8], rev[8];
    size_t len = strlen(prefix), nr = 0;
    unsigned long n = disk + 1;

    /* Letters: bijective base 26, last letter first. */
    while (n && nr < sizeof(rev)) {
        n--;
        rev[nr++] = (char)('a' + n % 26);
        n /= 26;
    }
    if (n || len + nr > 7)
        return -EINVAL;
    memcpy(out, prefix, len);
    while (nr)
        out[len++] = rev[--nr];
    for (; part; part /= 10)
        rev[nr++] = (char)('0' + part % 10); /* part < 2^8: three digits at most */
    if (len + nr > 7)
        return -EINVAL;
    while (nr)
        out[len++] = rev[--nr];
    out[len] = 0;
    memcpy(name, out, len + 1);
    return 0;
}

int blkw_vdev_name(unsigned long vdev, char name[8])
{
    unsigned long major = vdev >> 8, minor = vdev & 0xff;

    if (vdev >> 28 == 1)
        return make_name(name, "xvd", (vdev >> 8) & 0xfffff, vdev & 0xff);
    if (vdev >> 16)
        return -EINVAL;
    switch (major) {
    case 202:
        return make_name(name, "xvd", minor >> 4, minor & 15);
    case 8:
        return make_name(name, "sd", minor >> 4, minor & 15);
    case 3:
        return make_name(name, "hd", minor >> 6, minor & 63);
    case 22:
        return make_name(name, "hd", 2 + (minor >> 6), minor & 63);
    default:
        return -EINVAL;
    }
}
