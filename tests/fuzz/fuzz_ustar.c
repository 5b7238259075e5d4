/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the tar reader (fs/ustar.c) on an archive of any bytes,
 * as a disk may hold. Invariants: the reader never reads outside the
 * archive; it returns 0 or -EINVAL (or -ENOMEM) with a NUL-terminated
 * message, and an empty index on error; on success the index is a tree
 * rooted at entry 0 whose paths are normalised and found again by lookup,
 * each entry in its parent's list exactly once, files' data inside the
 * archive on block boundaries. The header parser alone on the first block
 * says OK, END or -EINVAL with a NUL-terminated name.
 */
#include <errno.h>
#include <string.h>

#include "../../fs/ustar.h"

struct mem {
    const uint8_t *p;
    size_t size;
};

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    struct mem *m = ctx;

    check(off <= m->size && len <= m->size - off);
    memcpy(buf, m->p + off, len);
    return 0;
}

static bool normalised(const char *p)
{
    char again[USTAR_PATH_MAX + 1];

    if (ustar_path_normalise(p, strlen(p), again, sizeof(again)))
        return false;
    return strcmp(again, p) == 0;
}

static void check_entry(const struct ustar_index *ix, uint32_t k, size_t size)
{
    const struct ustar_entry *e = &ix->e[k];
    const struct ustar_entry *p = &ix->e[e->parent];
    const char *slash = strrchr(e->path, '/');
    size_t plen = slash ? (size_t)(slash - e->path) : 0;

    check(e->path[0] && normalised(e->path));
    check(ustar_lookup(ix, e->path) == (long)k);
    check(e->parent < ix->n && p->is_dir && e->parent != k);
    check(strlen(p->path) == plen && strncmp(p->path, e->path, plen) == 0);
    check(e->leaf == (slash ? slash + 1 : e->path));
    check(strlen(e->leaf) <= USTAR_NAME_MAX);
    check(e->mode <= 07777);
    if (e->is_dir) {
        check(e->size == 0);
    } else {
        check(e->offset % USTAR_BLOCK == 0 && e->offset >= USTAR_BLOCK);
        check(e->offset <= size && e->size <= size - e->offset);
        check(e->first_child == USTAR_NONE && e->nchildren == 0);
    }
}

static void check_index(const struct ustar_index *ix, size_t size)
{
    uint64_t listed = 0;

    check(ix->n >= 1 && ix->n <= USTAR_ENTRIES_MAX);
    check(ix->e[0].path[0] == 0 && ix->e[0].is_dir && ix->e[0].parent == 0);
    check(ustar_lookup(ix, "") == 0 && ustar_lookup(ix, "/./") == 0);
    check(ix->archive_size <= size);
    check(memchr(ix->skipped_first, 0, sizeof(ix->skipped_first)) != NULL);
    for (uint32_t k = 1; k < ix->n; k++)
        check_entry(ix, k, size);
    for (uint32_t d = 0; d < ix->n; d++) {
        uint32_t n = 0, last = USTAR_NONE;

        for (uint32_t c = ix->e[d].first_child; c != USTAR_NONE; c = ix->e[c].next_sibling) {
            check(c < ix->n && c != 0 && ix->e[c].parent == d);
            check(++n <= ix->n);
            last = c;
        }
        check(n == ix->e[d].nchildren && last == ix->e[d].last_child);
        listed += n;
    }
    check(listed == ix->n - 1u);
}

static void header(const uint8_t *data, size_t size)
{
    uint8_t b[USTAR_BLOCK] = {0};
    struct ustar_header h;
    char why[64];
    int rc;

    memcpy(b, data, size < sizeof(b) ? size : sizeof(b));
    memset(why, 0x7e, sizeof(why));
    rc = ustar_header_parse(b, &h, why, sizeof(why));
    check(rc == USTAR_HDR_OK || rc == USTAR_HDR_END || rc == -EINVAL);
    check(memchr(h.name, 0, sizeof(h.name)) != NULL);
    if (rc == -EINVAL)
        check(memchr(why, 0, sizeof(why)) != NULL);
    if (rc == USTAR_HDR_OK)
        check(h.mode <= 07777 && strlen(h.name) <= 256);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mem m = {data, size};
    struct ustar_index ix;
    char err[128];
    int rc;

    header(data, size);
    memset(err, 0x7e, sizeof(err));
    rc = ustar_index_build(&ix, size, mem_read, &m, err, sizeof(err));
    check(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
    check(memchr(err, 0, sizeof(err)) != NULL);
    if (rc) {
        check(ix.n == 0 && ix.e == NULL);
    } else {
        check_index(&ix, size);
        /* Lookups of what the input ends with (any bytes) stay in bounds. */
        if (size > 0 && size < 64) {
            char path[64];

            memcpy(path, data, size);
            path[size] = 0;
            long k = ustar_lookup(&ix, path);
            check(k == -ENOENT || k == -ENOTDIR || k == -EINVAL || k == -ENAMETOOLONG ||
                  (k >= 0 && k < (long)ix.n));
        }
    }
    ustar_index_free(&ix);
    return 0;
}
