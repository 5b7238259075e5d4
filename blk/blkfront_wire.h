/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to blk/: the pure part of blkfront (docs/blk.md): every check of
 * what the backend writes (ring responses, the producer index, the disk's
 * geometry), the checks of an app's request, the split of a request into
 * ring segments, the negotiation of features and the command-line knobs.
 * Apart from the grant, event and XenStore plumbing so that host tests
 * (tests/unit/test_blkfront_wire.c) and the fuzzer
 * (tests/fuzz/fuzz_blkfront.c) drive it directly, as net/netfront_wire.c is
 * for netfront.
 *
 * The caller copies each response out of the shared ring once
 * (RING_COPY_RESPONSE) and hands the copy here; nothing here reads shared
 * memory.
 */
#ifndef BLK_BLKFRONT_WIRE_H
#define BLK_BLKFRONT_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uk/blk.h>
#include <uk/ring.h>
#include <xen/io/blkif.h>

#define BLKW_PAGE_SIZE 4096u
/* blkif's sector: without feature-large-sector-size every sector quantity is in 512 bytes. */
#define BLKW_SECTOR      512u
#define BLKW_MAX_ORDER   4u /* ring-page-order: 16 pages, 512 slots */
#define BLKW_RING_SIZE   __CONST_RING_SIZE(blkif, BLKW_PAGE_SIZE)
#define BLKW_RING_MAX    (BLKW_RING_SIZE << BLKW_MAX_ORDER)
#define BLKW_DIRECT_SEGS BLKIF_MAX_SEGMENTS_PER_REQUEST
/* Indirect segments per request we use at most (Linux's blkback offers 256): one indirect page. */
#define BLKW_MAX_SEGS     256u
#define BLKW_SEGS_PER_IND (BLKW_PAGE_SIZE / sizeof(struct blkif_request_segment))

/* What was wrong with one response, or with the producer index. */
enum blkw_kind {
    BLKW_OK,
    BLKW_BAD_ID,     /* id out of range */
    BLKW_DUP_ID,     /* id not outstanding (unknown or answered already) */
    BLKW_BAD_OP,     /* operation not the one asked */
    BLKW_BAD_STATUS, /* status not a BLKIF_RSP_* code */
    BLKW_BAD_PROD,   /* rsp_prod beyond what we requested */
    BLKW_KINDS
};

/* The counter in struct uk_blk_info that `kind` adds to (none for BLKW_OK). */
void blkw_count(struct uk_blk_info *info, enum blkw_kind kind);
/* The kind's fixed phrase for the console ("id out of range", ...). */
const char *blkw_kind_name(enum blkw_kind kind);

/*
 * Can the backend's rsp_prod be right? It may answer at most the requests
 * we pushed: rsp_prod - rsp_cons <= req_prod - rsp_cons (modulo 2^32).
 */
enum blkw_kind blkw_check_prod(RING_IDX rsp_cons, RING_IDX rsp_prod, RING_IDX req_prod);

/*
 * What each ring id waits for, as blkw_response checks it: BLKW_IDLE (not
 * outstanding), a BLKIF_OP_* put on the ring, or for an indirect request
 * BLKW_ASK_INDIRECT | the inner BLKIF_OP_READ/WRITE (the response may
 * carry BLKIF_OP_INDIRECT, as Linux's blkback echoes it, or the inner op).
 */
#define BLKW_IDLE         0xffu
#define BLKW_ASK_INDIRECT 0x80u

/*
 * One response, copied out of the ring. `asked[id]` for the `n` ids.
 * BLKW_OK, BLKW_BAD_OP and BLKW_BAD_STATUS answer the id (blkw_answers):
 * the request is over, *err says how (0, -EIO, -EOPNOTSUPP; always -EIO
 * for a bad op or status). BLKW_BAD_ID and BLKW_DUP_ID answer nothing: the
 * response is dropped and every id stays as it was.
 */
enum blkw_kind blkw_response(const struct blkif_response *rsp, const uint8_t *asked, unsigned int n,
                             int *err);
static inline bool blkw_answers(enum blkw_kind kind)
{
    return kind == BLKW_OK || kind == BLKW_BAD_OP || kind == BLKW_BAD_STATUS;
}

/*
 * An app's request against the disk as negotiated: 0, -EINVAL (no buffer,
 * empty, misaligned, beyond the end, unknown op), -EROFS (write, discard
 * or flush on a read-only disk), -EOPNOTSUPP (flush or discard the backend
 * does not offer). Offset and length of a flush are ignored.
 */
int blkw_check_req(const struct uk_blk_info *info, enum uk_blk_op op, uint64_t offset, size_t len,
                   const void *buf);

/*
 * The segments of one read or write of `bytes` (> 0, a multiple of
 * BLKW_SECTOR) through whole pages, page k holding bytes k*4096 onwards:
 * seg[k] gets refs[k] and the sectors used in that page. Returns the
 * number of segments, ceil(bytes / 4096).
 */
unsigned int blkw_segments(struct blkif_request_segment *seg, const grant_ref_t *refs,
                           size_t bytes);

/* What the backend offers (its XenStore nodes), and what we allow (the knobs). */
struct blkw_offer {
    unsigned int max_ring_order; /* max-ring-page-order (0 when absent) */
    unsigned int max_indirect;   /* feature-max-indirect-segments (0 when absent) */
    bool persistent;             /* feature-persistent */
};
struct blkw_knobs {
    bool persistent;         /* blk_persistent= (default 1) */
    bool indirect;           /* blk_indirect= (default 1) */
    unsigned int ring_order; /* blk_ring_order= (default BLKW_MAX_ORDER) */
};
struct blkw_params {
    unsigned int ring_order, ring_pages, ring_size;
    unsigned int max_segs; /* per ring request */
    bool indirect, persistent;
};
void blkw_knobs_init(struct blkw_knobs *k);
void blkw_negotiate(const struct blkw_offer *be, const struct blkw_knobs *k,
                    struct blkw_params *out);

/*
 * The command line's knobs: blk_persistent=0|1, blk_indirect=0|1,
 * blk_ring_order=0..4. 0 when applied, 1 when `word` is not one of them,
 * -EINVAL with a message in `err` (cut to errlen) for a bad value.
 */
bool blkw_is_key(const char *word);
int blkw_knob_apply(struct blkw_knobs *k, const char *word, char *err, size_t errlen);

/*
 * The backend's `sectors` and `sector-size`: the size in bytes, or -EINVAL
 * (sector size not a power of two in 512..4096, size overflowing 64 bits).
 */
int blkw_geometry(uint64_t sectors, uint64_t sector_size, uint64_t *size);

/*
 * The name of virtual device `vdev` (docs/misc/vbd-interface.txt):
 * "xvda", "xvdb1", "xvdaa", "sda", "hdc"... 0, or -EINVAL when it is no
 * known encoding or the name does not fit in 8 bytes.
 */
int blkw_vdev_name(unsigned long vdev, char name[8]);

#endif
