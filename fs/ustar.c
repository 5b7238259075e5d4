/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tar (ustar) header parser and the index a mount builds (ustar.h).
 * Pure: the archive comes through a read callback, the index lives in
 * malloc'ed memory, nothing here knows of disks or file descriptors.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ustar.h"

/* Where the fields of a header block are (POSIX ustar). */
enum {
    F_NAME = 0,
    F_MODE = 100,
    F_SIZE = 124,
    F_MTIME = 136,
    F_CHKSUM = 148,
    F_TYPE = 156,
    F_MAGIC = 257,
    F_VERSION = 263,
    F_PREFIX = 345,
    L_NAME = 100,
    L_MODE = 8,
    L_SIZE = 12,
    L_MTIME = 12,
    L_CHKSUM = 8,
    L_PREFIX = 155,
};

__attribute__((format(printf, 3, 4))) static void say(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;

    if (!len)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

/*
 * An octal number field: leading spaces, at least one digit (unless
 * `empty_ok` and the field is blank), then only NULs or spaces. A field
 * filled with digits (no terminator) is fine, as GNU tar writes large
 * sizes. Base-256 (the high bit of the first byte) is not read.
 */
static int octal(const uint8_t *f, size_t len, bool empty_ok, uint64_t *out)
{
    size_t i = 0, digits = 0;
    uint64_t v = 0;

    while (i < len && f[i] == ' ')
        i++;
    for (; i < len && f[i] >= '0' && f[i] <= '7'; i++, digits++)
        v = v << 3 | (uint64_t)(f[i] - '0');
    for (; i < len; i++)
        if (f[i] != 0 && f[i] != ' ')
            return -EINVAL;
    if (!digits && !empty_ok)
        return -EINVAL;
    *out = v;
    return 0;
}

static bool all_zero(const uint8_t *b, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (b[i])
            return false;
    return true;
}

/* Bytes of a name field up to its NUL or its end (a full field has none: legal). */
static size_t field_len(const uint8_t *f, size_t max)
{
    const uint8_t *nul = memchr(f, 0, max);

    return nul ? (size_t)(nul - f) : max;
}

/* The name as written, for use and for messages (any byte; checked when normalised). */
static void header_name(const uint8_t *b, bool posix, char *name)
{
    size_t np = posix ? field_len(b + F_PREFIX, L_PREFIX) : 0;
    size_t nn = field_len(b + F_NAME, L_NAME), o = 0;

    if (np) {
        memcpy(name, b + F_PREFIX, np);
        o = np;
        name[o++] = '/';
    }
    memcpy(name + o, b + F_NAME, nn);
    name[o + nn] = 0;
}

static bool checksum_ok(const uint8_t *b, uint64_t want)
{
    uint64_t sum = 0;
    int64_t ssum = 0;

    for (size_t i = 0; i < USTAR_BLOCK; i++) {
        uint8_t c = i >= F_CHKSUM && i < F_CHKSUM + L_CHKSUM ? ' ' : b[i];

        sum += c;
        ssum += (int8_t)c;
    }
    /* POSIX says unsigned; some old tars summed signed chars. */
    return sum == want || (uint64_t)ssum == want;
}

int ustar_header_parse(const uint8_t b[USTAR_BLOCK], struct ustar_header *h, char *why,
                       size_t whylen)
{
    bool posix = memcmp(b + F_MAGIC, "ustar\0", 6) == 0 && memcmp(b + F_VERSION, "00", 2) == 0;
    bool gnu = memcmp(b + F_MAGIC, "ustar  \0", 8) == 0;
    uint64_t sum, mode;

    h->name[0] = 0;
    if (all_zero(b, USTAR_BLOCK))
        return USTAR_HDR_END;
    header_name(b, posix, h->name);
    h->type = (char)b[F_TYPE];
    if (octal(b + F_CHKSUM, L_CHKSUM, false, &sum)) {
        say(why, whylen, "the checksum field is not an octal number");
        return -EINVAL;
    }
    if (!checksum_ok(b, sum)) {
        say(why, whylen, "bad checksum (the header says %llo)", (unsigned long long)sum);
        return -EINVAL;
    }
    if (!posix && !gnu) {
        say(why, whylen, "not a ustar header (magic)");
        return -EINVAL;
    }
    if (octal(b + F_SIZE, L_SIZE, false, &h->size)) {
        say(why, whylen, "the size is not an octal number");
        return -EINVAL;
    }
    if (octal(b + F_MODE, L_MODE, true, &mode) || octal(b + F_MTIME, L_MTIME, true, &h->mtime)) {
        say(why, whylen, "the mode or time is not an octal number");
        return -EINVAL;
    }
    h->mode = (uint32_t)(mode & 07777);
    return USTAR_HDR_OK;
}

/* --- the index --- */

static uint32_t hash_of(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static long find(const struct ustar_index *ix, const char *path, size_t len)
{
    uint32_t mask = ix->hash_size - 1;

    for (uint32_t i = hash_of(path, len) & mask;; i = (i + 1) & mask) {
        uint32_t k = ix->hash[i];

        if (k == USTAR_NONE)
            return -ENOENT;
        if (strlen(ix->e[k].path) == len && memcmp(ix->e[k].path, path, len) == 0)
            return k;
    }
}

static void hash_put(uint32_t *tab, uint32_t size, const char *path, uint32_t k)
{
    uint32_t mask = size - 1, i = hash_of(path, strlen(path)) & mask;

    while (tab[i] != USTAR_NONE)
        i = (i + 1) & mask;
    tab[i] = k;
}

/* Room for one more entry: the array and a hash table at most half full. */
static int grow(struct ustar_index *ix)
{
    if (ix->n == ix->cap) {
        uint32_t cap = ix->cap ? ix->cap * 2 : 16;
        struct ustar_entry *e = realloc(ix->e, cap * sizeof(*e));

        if (!e)
            return -ENOMEM;
        ix->e = e;
        ix->cap = cap;
    }
    if ((ix->n + 1) * 2 > ix->hash_size) {
        uint32_t size = ix->hash_size ? ix->hash_size * 2 : 32;
        uint32_t *tab = malloc(size * sizeof(*tab));

        if (!tab)
            return -ENOMEM;
        memset(tab, 0xff, size * sizeof(*tab));
        for (uint32_t k = 0; k < ix->n; k++)
            hash_put(tab, size, ix->e[k].path, k);
        free(ix->hash);
        ix->hash = tab;
        ix->hash_size = size;
    }
    return 0;
}

/* A new entry at `path` (len bytes) in directory `parent`: its index, or -ENOMEM. */
static long add_entry(struct ustar_index *ix, const char *path, size_t len, uint32_t parent,
                      bool is_dir)
{
    struct ustar_entry *e;
    const char *slash;
    char *copy;
    uint32_t k;

    if (grow(ix))
        return -ENOMEM;
    copy = malloc(len + 1);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, path, len);
    copy[len] = 0;
    k = ix->n++;
    e = &ix->e[k];
    slash = strrchr(copy, '/');
    *e = (struct ustar_entry){.path = copy,
                              .leaf = slash ? slash + 1 : copy,
                              .is_dir = is_dir,
                              .mode = is_dir ? 0755 : 0644,
                              .parent = parent,
                              .first_child = USTAR_NONE,
                              .last_child = USTAR_NONE,
                              .next_sibling = USTAR_NONE};
    hash_put(ix->hash, ix->hash_size, copy, k);
    if (k != parent) {
        struct ustar_entry *p = &ix->e[parent];

        if (p->last_child == USTAR_NONE)
            p->first_child = k;
        else
            ix->e[p->last_child].next_sibling = k;
        p->last_child = k;
        p->nchildren++;
    }
    return k;
}

struct build {
    struct ustar_index *ix;
    char *err;
    size_t errlen;
    const char *name; /* the entry being added, as written (h's or long_buf) */
    struct ustar_header h;
    char long_buf[USTAR_PATH_MAX + 1];
};

/* A printable copy of a name for a message: control bytes shown as '?'. */
static void printable(const char *in, char *out, size_t outlen)
{
    size_t i = 0;

    for (; in[i] && i + 1 < outlen; i++)
        out[i] = (unsigned char)in[i] < 0x20 || (unsigned char)in[i] >= 0x7f ? '?' : in[i];
    out[i] = 0;
}

__attribute__((format(printf, 2, 3))) static int fail(struct build *b, const char *fmt, ...)
{
    char why[160], name[80];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    printable(b->name, name, sizeof(name));
    say(b->err, b->errlen, "'%s%s': %s", name, strlen(b->name) >= sizeof(name) ? "..." : "", why);
    return -EINVAL;
}

/* The directory holding path[0..len) (every component before the last), made as needed. */
static long parent_dir(struct build *b, const char *path, size_t len)
{
    struct ustar_index *ix = b->ix;
    uint32_t dir = 0;

    for (size_t i = 0; i < len; i++) {
        long k;

        if (path[i] != '/')
            continue;
        k = find(ix, path, i);
        if (k >= 0 && !ix->e[k].is_dir)
            return fail(b, "'%.*s' is a file, not a directory", (int)i, path);
        if (k < 0) {
            if (ix->n >= USTAR_ENTRIES_MAX)
                return fail(b, "more than %d entries", USTAR_ENTRIES_MAX);
            k = add_entry(ix, path, i, dir, true);
            if (k < 0)
                return k;
        }
        dir = (uint32_t)k;
    }
    return dir;
}

/* normalise's work: the length of out, or a negative errno with the reason in *why. */
static long normalise(const char *in, size_t inlen, char *out, size_t outlen, const char **why)
{
    size_t o = 0, i = 0;

    while (i < inlen) {
        size_t s, n;

        while (i < inlen && in[i] == '/')
            i++;
        for (s = i; i < inlen && in[i] != '/'; i++) {
            if ((unsigned char)in[i] < 0x20 || in[i] == 0x7f) {
                *why = "a control character in the name";
                return -EINVAL;
            }
        }
        n = i - s;
        if (n == 0 || (n == 1 && in[s] == '.'))
            continue;
        if (n == 2 && in[s] == '.' && in[s + 1] == '.') {
            *why = "a '..' component";
            return -EINVAL;
        }
        if (n > USTAR_NAME_MAX) {
            *why = "a name component longer than 255 bytes";
            return -ENAMETOOLONG;
        }
        if (o + (o ? 1 : 0) + n + 1 > outlen) {
            *why = "the name is too long";
            return -ENAMETOOLONG;
        }
        if (o)
            out[o++] = '/';
        memcpy(out + o, in + s, n);
        o += n;
    }
    if (!outlen) {
        *why = "the name is too long";
        return -ENAMETOOLONG;
    }
    out[o] = 0;
    return (long)o;
}

int ustar_path_normalise(const char *in, size_t inlen, char *out, size_t outlen)
{
    const char *why;
    long rc = normalise(in, inlen, out, outlen, &why);

    return rc < 0 ? (int)rc : 0;
}

/* Header `h` (a file or a directory, data at `data`) into the index. */
static int add(struct build *b, const struct ustar_header *h, bool is_dir, uint64_t data)
{
    struct ustar_index *ix = b->ix;
    char path[USTAR_PATH_MAX + 1];
    const char *why;
    struct ustar_entry *e;
    long k, parent;
    size_t len;

    b->name = h->name;
    k = normalise(h->name, strlen(h->name), path, sizeof(path), &why);
    if (k < 0)
        return fail(b, "%s", why);
    len = (size_t)k;
    if (!len && !is_dir)
        return fail(b, "a file with an empty name");
    k = find(ix, path, len);
    if (k < 0) {
        const char *slash = strrchr(path, '/');

        parent = parent_dir(b, path, slash ? (size_t)(slash - path) + 1 : 0);
        if (parent < 0)
            return (int)parent;
        if (ix->n >= USTAR_ENTRIES_MAX)
            return fail(b, "more than %d entries", USTAR_ENTRIES_MAX);
        k = add_entry(ix, path, len, (uint32_t)parent, is_dir);
        if (k < 0)
            return (int)k;
    } else if (ix->e[k].is_dir != is_dir) {
        return fail(b, "both a file and a directory");
    }
    /* A later copy of a file replaces the earlier one, as tar's extraction does. */
    e = &ix->e[k];
    e->mode = h->mode;
    e->mtime = h->mtime;
    if (!is_dir) {
        e->offset = data;
        e->size = h->size;
    }
    return 0;
}

static bool has_data(char type)
{
    /* POSIX: no data blocks follow links, devices, FIFOs and directories. */
    return type == 0 || !strchr("123456", type);
}

static const char *type_name(char type)
{
    switch (type) {
    case '1':
        return "hard link";
    case '2':
        return "symbolic link";
    case '3':
        return "character device";
    case '4':
        return "block device";
    case '6':
        return "FIFO";
    case 'x':
    case 'g':
        return "pax header";
    case 'K':
        return "GNU long link name";
    default:
        return "unknown type";
    }
}

static void note_skipped(struct ustar_index *ix, const struct ustar_header *h)
{
    char name[64];

    if (!ix->skipped++) {
        printable(h->name, name, sizeof(name));
        say(ix->skipped_first, sizeof(ix->skipped_first), "'%s' (%s, type '%c')", name,
            type_name(h->type), h->type >= 0x21 && h->type < 0x7f ? h->type : '?');
    }
}

/* A GNU 'L' entry: its data, up to a NUL, is the name of the entry after it. */
static int long_name(struct build *b, const struct ustar_header *h, uint64_t data,
                     ustar_read_fn read, void *ctx, char *name)
{
    int rc;

    b->name = h->name;
    if (h->size == 0 || h->size > USTAR_PATH_MAX)
        return fail(b, "a long name of %llu bytes (1-%d)", (unsigned long long)h->size,
                    USTAR_PATH_MAX);
    rc = read(ctx, data, name, (size_t)h->size);
    if (rc)
        return rc;
    name[h->size] = 0;
    if (!name[0])
        return fail(b, "an empty long name");
    return 0;
}

static int build(struct build *b, uint64_t size, ustar_read_fn read, void *ctx)
{
    struct ustar_index *ix = b->ix;
    bool have_long = false;
    uint8_t blk[USTAR_BLOCK];
    uint64_t off = 0;
    char why[96];
    int rc;

    if (add_entry(ix, "", 0, 0, true) < 0)
        return -ENOMEM;
    /* An archive ends with a zero block, or at the end of its disk. */
    while (off < size) {
        uint64_t data, dsize;

        b->name = "";
        if (size - off < USTAR_BLOCK) {
            say(b->err, b->errlen, "at byte %llu: a header cut short (%llu bytes)",
                (unsigned long long)off, (unsigned long long)(size - off));
            return -EINVAL;
        }
        rc = read(ctx, off, blk, sizeof(blk));
        if (rc)
            return rc;
        rc = ustar_header_parse(blk, &b->h, why, sizeof(why));
        if (rc == USTAR_HDR_END) {
            off += USTAR_BLOCK;
            break;
        }
        b->name = b->h.name;
        if (rc < 0 && b->h.name[0])
            return fail(b, "%s", why);
        if (rc < 0) {
            say(b->err, b->errlen, "at byte %llu: %s", (unsigned long long)off, why);
            return -EINVAL;
        }
        data = off + USTAR_BLOCK;
        dsize = has_data(b->h.type) ? b->h.size : 0;
        if (dsize > size - data)
            return fail(b, "%llu bytes of data run past the end of the archive (%llu bytes)",
                        (unsigned long long)dsize, (unsigned long long)size);
        if (have_long) {
            memcpy(b->h.name, b->long_buf, sizeof(b->h.name));
            have_long = false;
        }
        switch (b->h.type) {
        case 'L':
            rc = long_name(b, &b->h, data, read, ctx, b->long_buf);
            have_long = rc == 0;
            break;
        case '0':
        case '\0':
        case '7':
            rc = add(b, &b->h, false, data);
            break;
        case '5':
            rc = add(b, &b->h, true, data);
            break;
        default:
            note_skipped(ix, &b->h);
            rc = 0;
        }
        if (rc)
            return rc;
        /* The padding of the last file may be missing at the very end: data fits all the same. */
        off = data + ((dsize + USTAR_BLOCK - 1) & ~(uint64_t)(USTAR_BLOCK - 1));
    }
    if (have_long) {
        b->name = b->long_buf;
        return fail(b, "a long name with no entry after it");
    }
    ix->archive_size = off < size ? off : size;
    return 0;
}

void ustar_index_free(struct ustar_index *ix)
{
    for (uint32_t k = 0; k < ix->n; k++)
        free(ix->e[k].path);
    free(ix->e);
    free(ix->hash);
    memset(ix, 0, sizeof(*ix));
}

int ustar_index_build(struct ustar_index *ix, uint64_t size, ustar_read_fn read, void *ctx,
                      char *err, size_t errlen)
{
    struct build b = {.ix = ix, .err = err, .errlen = errlen, .name = ""};
    int rc;

    memset(ix, 0, sizeof(*ix));
    say(err, errlen, "no error");
    rc = build(&b, size, read, ctx);
    if (rc == -ENOMEM)
        say(err, errlen, "out of memory for the index (%u entries)", ix->n);
    else if (rc && rc != -EINVAL)
        say(err, errlen, "cannot read the archive: error %d", rc);
    if (rc)
        ustar_index_free(ix);
    return rc;
}

long ustar_lookup(const struct ustar_index *ix, const char *path)
{
    char norm[USTAR_PATH_MAX + 1];
    const char *why;
    size_t len;
    long k;

    k = normalise(path, strlen(path), norm, sizeof(norm), &why);
    if (k < 0)
        return k;
    len = (size_t)k;
    k = find(ix, norm, len);
    if (k >= 0)
        return k;
    /* ENOTDIR when some component on the way is a file. */
    for (size_t i = 0; i < len; i++) {
        long p;

        if (norm[i] != '/')
            continue;
        p = find(ix, norm, i);
        if (p < 0)
            return -ENOENT;
        if (!ix->e[p].is_dir)
            return -ENOTDIR;
    }
    return -ENOENT;
}
