/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tar reader (fs/ustar.c): archives made by the host's GNU tar
 * (--format=ustar) and busybox tar (the rig's dom0), committed in
 * tests/unit/data/ (make-ustar-fixtures.sh), and archives built here header
 * by header for every way one can be bad. The read callback aborts on any
 * read outside the archive, so a parser that strays is caught too.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fs/ustar.h"

struct mem {
    const uint8_t *p;
    uint64_t size;
    unsigned int reads;
    int fail_with; /* returned by every read when set */
};

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    struct mem *m = ctx;

    if (off > m->size || len > m->size - off) {
        printf("  read of %zu bytes at %llu outside the archive of %llu\n", len,
               (unsigned long long)off, (unsigned long long)m->size);
        abort();
    }
    m->reads++;
    if (m->fail_with)
        return m->fail_with;
    memcpy(buf, m->p + off, len);
    return 0;
}

/* --- archives built here --- */

struct ar {
    uint8_t *p;
    size_t len;
};

static void ar_grow(struct ar *a, size_t more)
{
    a->p = realloc(a->p, a->len + more);
    memset(a->p + a->len, 0, more);
}

static void set_checksum(uint8_t *b)
{
    unsigned int sum = 0;

    memset(b + 148, ' ', 8);
    for (int i = 0; i < 512; i++)
        sum += b[i];
    snprintf((char *)b + 148, 8, "%06o", sum);
    b[155] = ' ';
}

/* A header (name may be 100 bytes: then no NUL), with `size` bytes of data 'd' after it. */
static uint8_t *ar_add(struct ar *a, const char *name, const char *prefix, char type, size_t size)
{
    size_t padded = (size + 511) & ~(size_t)511, at = a->len;
    uint8_t *b;

    ar_grow(a, 512 + padded);
    a->len += 512 + padded;
    b = a->p + at;
    memcpy(b, name, strlen(name) > 100 ? 100 : strlen(name));
    memcpy(b + 100, "0000644", 7);
    memcpy(b + 108, "0001750", 7);
    memcpy(b + 116, "0001750", 7);
    snprintf((char *)b + 124, 12, "%011llo", (unsigned long long)size);
    memcpy(b + 136, "14524770400", 11);
    b[156] = (uint8_t)type;
    memcpy(b + 257,
           "ustar\0"
           "00",
           8);
    if (prefix)
        memcpy(b + 345, prefix, strlen(prefix) > 155 ? 155 : strlen(prefix));
    memset(b + 512, 'd', size);
    set_checksum(b);
    return b;
}

static void ar_end(struct ar *a)
{
    ar_grow(a, 1024);
    a->len += 1024;
}

static int ar_build(struct ar *a, struct ustar_index *ix, char *err, size_t errlen)
{
    struct mem m = {a->p, a->len, 0, 0};

    return ustar_index_build(ix, a->len, mem_read, &m, err, errlen);
}

static const struct ustar_entry *at(const struct ustar_index *ix, const char *path)
{
    long k = ustar_lookup(ix, path);

    if (k < 0) {
        printf("  no entry '%s': %ld\n", path, k);
        return NULL;
    }
    return &ix->e[k];
}

/* The data of a file entry, as the archive holds it. */
static bool content_is(const uint8_t *ar, const struct ustar_entry *e, const char *want)
{
    return e && e->size == strlen(want) && memcmp(ar + e->offset, want, e->size) == 0;
}

/* --- the fixtures --- */

static uint8_t *load(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    p = malloc((size_t)n);
    if (fread(p, 1, (size_t)n, f) != (size_t)n)
        abort();
    fclose(f);
    *len = (size_t)n;
    return p;
}

#define N100                                                                                       \
    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn" \
    "nnnn.txt"
#define LONGD                                                                                      \
    "site/long-directory-name-number-one/long-directory-name-number-two/"                          \
    "long-directory-name-number-three"

/* The names of a directory's entries, in order, joined by ' '. */
static void children(const struct ustar_index *ix, const struct ustar_entry *d, char *out)
{
    unsigned int n = 0;

    out[0] = 0;
    for (uint32_t k = d->first_child; k != USTAR_NONE; k = ix->e[k].next_sibling, n++) {
        if (out[0])
            strcat(out, " ");
        strcat(out, ix->e[k].leaf);
        CHECK_EQ(ix->e[k].parent, d - ix->e);
    }
    CHECK_EQ(n, d->nchildren);
}

/*
 * The tree of make-ustar-fixtures.sh; `alpha` is the path of the file that
 * holds docs/a.txt's text (busybox stores the other name as the hard link).
 */
static void check_site(const char *file, bool sorted, const char *alpha)
{
    struct ustar_index ix;
    char err[200], list[400];
    const struct ustar_entry *e;
    size_t len;
    uint8_t *ar = load(file, &len);
    struct mem m = {ar, len, 0, 0};

    if (!ar) {
        printf("  cannot read %s (run from the top of the tree)\n", file);
        CHECK(ar);
        return;
    }
    CHECK_EQ(ustar_index_build(&ix, len, mem_read, &m, err, sizeof(err)), 0);
    CHECK_STR(ix.e[0].path, "");
    CHECK(ix.e[0].is_dir);
    CHECK(content_is(ar, at(&ix, "site/index.html"), "<h1>index</h1>\n"));
    CHECK(content_is(ar, at(&ix, alpha), "alpha\n"));
    CHECK(content_is(ar, at(&ix, "site/docs/sub/deep.txt"), "deep file\n"));
    CHECK(content_is(ar, at(&ix, "site/empty.txt"), ""));
    CHECK(content_is(ar, at(&ix, "site/" N100), "hundred\n"));
    CHECK(content_is(ar, at(&ix, LONGD "/file-with-a-long-path.txt"), "long path\n"));
    e = at(&ix, "site/docs/lines.txt");
    CHECK(e && e->size == 1000 && memcmp(ar + e->offset, "line 0000\n", 10) == 0 &&
          memcmp(ar + e->offset + 990, "line 0099\n", 10) == 0);
    e = at(&ix, "site/empty-dir");
    CHECK(e && e->is_dir && e->nchildren == 0);
    e = at(&ix, "site/docs");
    CHECK(e && e->is_dir && e->mode == 0755);
    if (e && sorted) {
        children(&ix, e, list);
        CHECK_STR(list, "a.txt lines.txt sub");
    }
    children(&ix, &ix.e[0], list);
    CHECK_STR(list, "site");
    CHECK_EQ(ustar_lookup(&ix, "site/index.html/x"), -ENOTDIR);
    CHECK_EQ(ustar_lookup(&ix, "site/nope"), -ENOENT);
    CHECK_EQ(ustar_lookup(&ix, "site/../site"), -EINVAL);
    CHECK_EQ(ustar_lookup(&ix, "site/link-to-index"), -ENOENT);
    /* The symbolic link and the hard link are skipped, the first one named. */
    CHECK_EQ(ix.skipped, 2);
    if (sorted)
        CHECK_STR(ix.skipped_first, "'site/hard-a.txt' (hard link, type '1')");
    CHECK(ix.archive_size <= len);
    ustar_index_free(&ix);
    free(ar);
}

TEST(gnu_tar_ustar_archive)
{
    check_site("tests/unit/data/ustar-gnu.tar", true, "/site//docs/./a.txt");
}

TEST(busybox_tar_archive)
{
    check_site("tests/unit/data/ustar-busybox.tar", false, "site/hard-a.txt");
}

/* --- archives built header by header --- */

TEST(implicit_directories_and_order)
{
    struct ar a = {0};
    struct ustar_index ix;
    char err[200], list[100];
    const struct ustar_entry *e;

    ar_add(&a, "x/y/z.txt", NULL, '0', 3);
    ar_add(&a, "./x/b.txt", NULL, '\0', 600);
    ar_add(&a, "x/y/", NULL, '5', 0);
    ar_add(&a, "c.txt", NULL, '7', 0);
    ar_end(&a);
    CHECK_EQ(ar_build(&a, &ix, err, sizeof(err)), 0);
    CHECK_EQ(ix.n, 6); /* root, x, x/y, z, b, c */
    e = at(&ix, "x");
    CHECK(e && e->is_dir);
    if (e) {
        children(&ix, e, list);
        CHECK_STR(list, "y b.txt");
    }
    e = at(&ix, "x/b.txt");
    CHECK(e && e->size == 600 && e->offset == 1024 + 512);
    e = at(&ix, "c.txt");
    CHECK(e && !e->is_dir && e->size == 0);
    CHECK_EQ(ix.archive_size, a.len - 512); /* read up to the first zero block */
    ustar_index_free(&ix);
    free(a.p);
}

TEST(later_copy_of_a_file_wins)
{
    struct ar a = {0};
    struct ustar_index ix;
    char err[200];
    const struct ustar_entry *e;

    ar_add(&a, "f", NULL, '0', 10);
    ar_add(&a, "f", NULL, '0', 20);
    ar_end(&a);
    CHECK_EQ(ar_build(&a, &ix, err, sizeof(err)), 0);
    e = at(&ix, "f");
    CHECK(e && e->size == 20 && e->offset == 1024 + 512);
    CHECK_EQ(ix.n, 2);
    ustar_index_free(&ix);
    free(a.p);
}

TEST(names_filling_their_fields_without_nul)
{
    struct ar a = {0};
    struct ustar_index ix;
    char err[200], name[101], prefix[156], path[300];

    memset(name, 'a', 100);
    name[100] = 0;
    memset(prefix, 'p', 155);
    prefix[155] = 0;
    ar_add(&a, name, prefix, '0', 5);
    ar_end(&a);
    CHECK_EQ(ar_build(&a, &ix, err, sizeof(err)), 0);
    snprintf(path, sizeof(path), "%s/%s", prefix, name);
    CHECK(at(&ix, path) != NULL);
    CHECK(at(&ix, prefix) && at(&ix, prefix)->is_dir);
    ustar_index_free(&ix);
    free(a.p);
}

/* Builds `a` (freed), which must fail with -EINVAL and a message holding `want`. */
static void refused(struct ar *a, const char *want)
{
    struct ustar_index ix;
    char err[200];
    int rc = ar_build(a, &ix, err, sizeof(err));

    CHECK_EQ(rc, -EINVAL);
    if (!strstr(err, want)) {
        printf("  message '%s' lacks '%s'\n", err, want);
        CHECK(strstr(err, want));
    }
    CHECK_EQ(ix.n, 0);
    CHECK(ix.e == NULL);
    ustar_index_free(&ix);
    free(a->p);
    *a = (struct ar){0};
}

TEST(bad_checksum)
{
    struct ar a = {0};
    uint8_t *b;

    ar_add(&a, "a.txt", NULL, '0', 3);
    b = ar_add(&a, "b.txt", NULL, '0', 3);
    b[137] ^= 1; /* the time changed, the checksum not */
    ar_end(&a);
    refused(&a, "'b.txt': bad checksum");
}

TEST(checksum_field_not_octal)
{
    struct ar a = {0};
    uint8_t *b = ar_add(&a, "a.txt", NULL, '0', 3);

    b[150] = '9';
    ar_end(&a);
    refused(&a, "'a.txt': the checksum field is not an octal number");
}

TEST(signed_checksum_of_old_tars)
{
    struct ar a = {0};
    struct ustar_index ix;
    char err[200];
    uint8_t *b = ar_add(&a, "\xe9t\xe9.txt", NULL, '0', 3);
    int sum = 0;

    /* The same header summed as signed chars, as some old tars did. */
    memset(b + 148, ' ', 8);
    for (int i = 0; i < 512; i++)
        sum += (signed char)b[i];
    snprintf((char *)b + 148, 8, "%06o", sum);
    b[155] = ' ';
    ar_end(&a);
    CHECK_EQ(ar_build(&a, &ix, err, sizeof(err)), 0);
    CHECK(at(&ix, "\xe9t\xe9.txt") != NULL);
    ustar_index_free(&ix);
    free(a.p);
}

static void fix(uint8_t *b, size_t off, const char *s)
{
    memcpy(b + off, s, strlen(s));
    set_checksum(b);
}

TEST(numbers_not_octal)
{
    struct ar a = {0};

    fix(ar_add(&a, "s", NULL, '0', 3), 124, "0000000008");
    ar_end(&a);
    refused(&a, "'s': the size is not an octal number");
    fix(ar_add(&a, "s", NULL, '0', 3), 124, "00000000 3 ");
    ar_end(&a);
    refused(&a, "the size is not an octal number");
    fix(ar_add(&a, "s", NULL, '0', 3), 124, "\x80\0\0\0\0\0\0\0\0\0\0\x03"); /* base-256 */
    ar_end(&a);
    refused(&a, "the size is not an octal number");
    fix(ar_add(&a, "m", NULL, '0', 3), 100, "07x0644");
    ar_end(&a);
    refused(&a, "'m': the mode or time is not an octal number");
    fix(ar_add(&a, "t", NULL, '0', 3), 136, "-1");
    ar_end(&a);
    refused(&a, "'t': the mode or time is not an octal number");
}

TEST(octal_fields_in_the_forms_tars_write)
{
    struct ar a = {0};
    struct ustar_index ix;
    char err[200];
    uint8_t *b;

    /* Leading spaces, a space terminator, a field of 12 digits without one. */
    fix(ar_add(&a, "a", NULL, '0', 3), 124, "         3 ");
    b = ar_add(&a, "b", NULL, '0', 0);
    memcpy(b + 124, "000000000005", 12);
    memcpy(b + 100, "\0\0\0\0\0\0\0\0", 8); /* empty mode: 0 */
    set_checksum(b);
    ar_grow(&a, 512); /* b's data block */
    memset(a.p + a.len, 'd', 5);
    a.len += 512;
    ar_end(&a);
    CHECK_EQ(ar_build(&a, &ix, err, sizeof(err)), 0);
    CHECK(at(&ix, "a") && at(&ix, "a")->size == 3);
    CHECK(at(&ix, "b") && at(&ix, "b")->size == 5 && at(&ix, "b")->mode == 0);
    ustar_index_free(&ix);
    free(a.p);
}

TEST(bad_magic)
{
    struct ar a = {0};

    fix(ar_add(&a, "old", NULL, '0', 3), 257, "ustaR");
    ar_end(&a);
    refused(&a, "'old': not a ustar header (magic)");
}

TEST(gnu_magic_ignores_the_prefix_field)
{
    struct ar a = {0};
    struct ustar_index ix;
    char err[200];
    uint8_t *b = ar_add(&a, "g.txt", "junk-of-gnu-fields", '0', 3);

    memcpy(b + 257, "ustar  \0", 8);
    set_checksum(b);
    ar_end(&a);
    CHECK_EQ(ar_build(&a, &ix, err, sizeof(err)), 0);
    CHECK(at(&ix, "g.txt") != NULL);
    ustar_index_free(&ix);
    free(a.p);
}

TEST(data_past_the_end)
{
    struct ar a = {0};
    uint8_t *b;

    ar_add(&a, "ok", NULL, '0', 3);
    b = ar_add(&a, "big", NULL, '0', 3);
    fix(b, 124, "00000010000"); /* 4096 bytes, 512 there */
    refused(&a, "'big': 4096 bytes of data run past the end of the archive (2048 bytes)");
    fix(ar_add(&a, "huge", NULL, '0', 3), 124, "77777777777");
    ar_end(&a);
    refused(&a, "'huge': 8589934591 bytes of data run past the end");
}

TEST(truncated_archives)
{
    struct ar a = {0};
    struct ustar_index ix;
    char err[200];
    struct mem m;

    ar_add(&a, "a", NULL, '0', 1000);
    ar_add(&a, "b", NULL, '0', 10);
    /* Cut inside b's data. */
    m = (struct mem){a.p, a.len - 507, 0, 0};
    CHECK_EQ(ustar_index_build(&ix, m.size, mem_read, &m, err, sizeof(err)), -EINVAL);
    CHECK(strstr(err, "'b': 10 bytes of data run past the end") != NULL);
    /* Cut inside b's header. */
    m = (struct mem){a.p, 512 + 1024 + 100, 0, 0};
    CHECK_EQ(ustar_index_build(&ix, m.size, mem_read, &m, err, sizeof(err)), -EINVAL);
    CHECK_STR(err, "at byte 1536: a header cut short (100 bytes)");
    /* Cut after b's data, inside its padding: the data is whole, accepted. */
    m = (struct mem){a.p, a.len - 500, 0, 0};
    CHECK_EQ(ustar_index_build(&ix, m.size, mem_read, &m, err, sizeof(err)), 0);
    CHECK(at(&ix, "b") != NULL);
    ustar_index_free(&ix);
    /* No end blocks: the archive ends with its disk. */
    m = (struct mem){a.p, a.len, 0, 0};
    CHECK_EQ(ustar_index_build(&ix, m.size, mem_read, &m, err, sizeof(err)), 0);
    CHECK_EQ(ix.n, 3);
    ustar_index_free(&ix);
    free(a.p);
}

TEST(empty_archive_and_empty_disk)
{
    struct ar a = {0};
    struct ustar_index ix;
    char err[200];

    ar_end(&a);
    CHECK_EQ(ar_build(&a, &ix, err, sizeof(err)), 0);
    CHECK_EQ(ix.n, 1);
    CHECK_EQ(ix.e[0].nchildren, 0);
    ustar_index_free(&ix);
    a.len = 0;
    CHECK_EQ(ar_build(&a, &ix, err, sizeof(err)), 0);
    CHECK_EQ(ix.n, 1);
    ustar_index_free(&ix);
    free(a.p);
}

TEST(types_we_do_not_serve_are_skipped)
{
    struct ar a = {0};
    struct ustar_index ix;
    char err[200];

    ar_add(&a, "hard", NULL, '1', 0);
    ar_add(&a, "sym", NULL, '2', 0);
    ar_add(&a, "chr", NULL, '3', 0);
    ar_add(&a, "blk", NULL, '4', 0);
    ar_add(&a, "fifo", NULL, '6', 0);
    ar_add(&a, "PaxHeaders/f", NULL, 'x', 700); /* its data is stepped over */
    ar_add(&a, "f", NULL, '0', 3);
    ar_add(&a, "vendor", NULL, 'Q', 30);
    ar_end(&a);
    CHECK_EQ(ar_build(&a, &ix, err, sizeof(err)), 0);
    CHECK_EQ(ix.skipped, 7);
    CHECK_STR(ix.skipped_first, "'hard' (hard link, type '1')");
    CHECK(at(&ix, "f") && at(&ix, "f")->offset == 5 * 512 + 512 + 1024 + 512);
    CHECK_EQ(ustar_lookup(&ix, "sym"), -ENOENT);
    CHECK_EQ(ix.n, 2);
    ustar_index_free(&ix);
    free(a.p);
}

TEST(gnu_long_names)
{
    struct ar a = {0};
    struct ustar_index ix;
    char err[200], longname[400];
    uint8_t *b;

    memset(longname, 'L', 300);
    memcpy(longname + 100, "/", 1);
    longname[300] = 0;
    b = ar_add(&a, "././@LongLink", NULL, 'L', 301);
    memcpy(b + 512, longname, 301);
    ar_add(&a, "cut-short-name", NULL, '0', 4);
    ar_add(&a, "plain", NULL, '0', 4);
    ar_end(&a);
    CHECK_EQ(ar_build(&a, &ix, err, sizeof(err)), 0);
    CHECK(at(&ix, longname) && at(&ix, longname)->size == 4);
    CHECK_EQ(ustar_lookup(&ix, "cut-short-name"), -ENOENT);
    CHECK(at(&ix, "plain") != NULL);
    ustar_index_free(&ix);
    free(a.p);
    a = (struct ar){0};

    /* Without NUL in its data: the name is the data. */
    b = ar_add(&a, "././@LongLink", NULL, 'L', 5);
    memcpy(b + 512, "named", 5);
    ar_add(&a, "x", NULL, '0', 1);
    ar_end(&a);
    CHECK_EQ(ar_build(&a, &ix, err, sizeof(err)), 0);
    CHECK(at(&ix, "named") != NULL);
    ustar_index_free(&ix);
    free(a.p);
    a = (struct ar){0};

    ar_add(&a, "././@LongLink", NULL, 'L', 2000);
    ar_end(&a);
    refused(&a, "a long name of 2000 bytes (1-1023)");
    ar_add(&a, "././@LongLink", NULL, 'L', 0);
    ar_end(&a);
    refused(&a, "a long name of 0 bytes");
    b = ar_add(&a, "././@LongLink", NULL, 'L', 4);
    memcpy(b + 512, "\0abc", 4);
    ar_end(&a);
    refused(&a, "an empty long name");
    b = ar_add(&a, "././@LongLink", NULL, 'L', 4);
    memcpy(b + 512, "last", 4);
    ar_end(&a);
    refused(&a, "'last': a long name with no entry after it");
}

TEST(bad_names)
{
    struct ar a = {0};

    ar_add(&a, "a/../../etc/passwd", NULL, '0', 1);
    ar_end(&a);
    refused(&a, "'a/../../etc/passwd': a '..' component");
    ar_add(&a, "bad\x01name", NULL, '0', 1);
    ar_end(&a);
    refused(&a, "'bad?name': a control character in the name");
    ar_add(&a, "./", NULL, '0', 1);
    ar_end(&a);
    refused(&a, "a file with an empty name");
}

TEST(long_components_refused)
{
    struct ar a = {0};
    char name[400];

    memset(name, 'c', 300);
    name[300] = 0;
    ar_add(&a, name + 200, name, '0', 1); /* prefix of 155 'c' + '/' + 100 'c': fine */
    ar_end(&a);
    {
        struct ustar_index ix;
        char err[200];

        CHECK_EQ(ar_build(&a, &ix, err, sizeof(err)), 0);
        ustar_index_free(&ix);
    }
    free(a.p);
    a = (struct ar){0};
    {
        uint8_t *b = ar_add(&a, "././@LongLink", NULL, 'L', 300);

        memcpy(b + 512, name, 300);
    }
    ar_add(&a, "x", NULL, '0', 1);
    ar_end(&a);
    refused(&a, "a name component longer than 255 bytes");
}

TEST(files_and_directories_in_conflict)
{
    struct ar a = {0};

    ar_add(&a, "a", NULL, '0', 1);
    ar_add(&a, "a/b", NULL, '0', 1);
    ar_end(&a);
    refused(&a, "'a/b': 'a' is a file, not a directory");
    ar_add(&a, "d/", NULL, '5', 0);
    ar_add(&a, "d", NULL, '0', 1);
    ar_end(&a);
    refused(&a, "'d': both a file and a directory");
    ar_add(&a, "f", NULL, '0', 1);
    ar_add(&a, "f/", NULL, '5', 0);
    ar_end(&a);
    refused(&a, "'f/': both a file and a directory");
}

TEST(a_directory_twice_is_one)
{
    struct ar a = {0};
    struct ustar_index ix;
    char err[200];
    uint8_t *b;

    ar_add(&a, "d/", NULL, '5', 0);
    ar_add(&a, "d/x", NULL, '0', 1);
    b = ar_add(&a, "d", NULL, '5', 0);
    fix(b, 100, "0000700");
    ar_end(&a);
    CHECK_EQ(ar_build(&a, &ix, err, sizeof(err)), 0);
    CHECK(at(&ix, "d") && at(&ix, "d")->mode == 0700 && at(&ix, "d")->nchildren == 1);
    CHECK_EQ(ix.n, 3);
    ustar_index_free(&ix);
    free(a.p);
}

TEST(read_errors_are_passed_on)
{
    struct ar a = {0};
    struct ustar_index ix;
    char err[200];
    struct mem m;

    ar_add(&a, "a", NULL, '0', 1);
    ar_end(&a);
    m = (struct mem){a.p, a.len, 0, -EIO};
    CHECK_EQ(ustar_index_build(&ix, a.len, mem_read, &m, err, sizeof(err)), -EIO);
    CHECK_STR(err, "cannot read the archive: error -5");
    CHECK_EQ(ix.n, 0);
    free(a.p);
}

TEST(many_entries)
{
    struct ar a = {0};
    struct ustar_index ix;
    char err[200], name[32];

    for (int i = 0; i < 3000; i++) {
        snprintf(name, sizeof(name), "d%d/f%d", i % 7, i);
        ar_add(&a, name, NULL, '0', 0);
    }
    ar_end(&a);
    CHECK_EQ(ar_build(&a, &ix, err, sizeof(err)), 0);
    CHECK_EQ(ix.n, 1 + 7 + 3000);
    CHECK(at(&ix, "d3/f2999") && at(&ix, "d3")->nchildren == 429);
    ustar_index_free(&ix);
    free(a.p);
}

TEST(path_normalise)
{
    char out[16];

    CHECK_EQ(ustar_path_normalise("/a//b/./c/", 10, out, sizeof(out)), 0);
    CHECK_STR(out, "a/b/c");
    CHECK_EQ(ustar_path_normalise("./", 2, out, sizeof(out)), 0);
    CHECK_STR(out, "");
    CHECK_EQ(ustar_path_normalise("a/..", 4, out, sizeof(out)), -EINVAL);
    CHECK_EQ(ustar_path_normalise("a/..b", 5, out, sizeof(out)), 0);
    CHECK_STR(out, "a/..b");
    CHECK_EQ(ustar_path_normalise("0123456789abcdef", 16, out, sizeof(out)), -ENAMETOOLONG);
    CHECK_EQ(ustar_path_normalise("0123456789abcde", 15, out, sizeof(out)), 0);
    CHECK_EQ(ustar_path_normalise("a", 1, out, 0), -ENAMETOOLONG);
    CHECK_EQ(ustar_path_normalise("a\nb", 3, out, sizeof(out)), -EINVAL);
}

TEST(header_parse_end_block)
{
    uint8_t b[512] = {0};
    struct ustar_header h;
    char why[64];

    CHECK_EQ(ustar_header_parse(b, &h, why, sizeof(why)), USTAR_HDR_END);
    b[511] = 1;
    CHECK_EQ(ustar_header_parse(b, &h, why, sizeof(why)), -EINVAL);
    CHECK_STR(why, "the checksum field is not an octal number");
}
