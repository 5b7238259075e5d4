/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tar (ustar) archive reader under the file system (docs/fs.md): the
 * header parser and the in-memory index that a mount builds once. Pure: no
 * I/O of its own (the archive's bytes come through a read callback) and no
 * runtime calls, so that it is unit-tested and fuzzed on the host. The
 * archive is what a disk holds, so every header is checked and a bad one
 * refused with a message naming the entry and the reason.
 *
 * What is read (POSIX ustar, and the GNU variant busybox and GNU tar write):
 *   '0', '\0', '7'  regular files (data follows, size bytes in 512-byte blocks)
 *   '5'             directories (also made implicitly for a file's parents)
 *   'L'             GNU long name: its data is the next entry's name
 * What is skipped, counted, its data stepped over (the first one is kept to
 * be named in a log line): '1' hard links, '2' symbolic links, '3' '4' '6'
 * devices and FIFOs, 'x' 'g' pax headers, 'K' GNU long link names, and
 * any other type.
 * What refuses the whole archive (-EINVAL): a bad checksum, a magic that
 * is neither ustar's nor GNU's, a number field that is not octal, data
 * running past the end of the archive, a header cut short, a name with a
 * '..' component or a control character, a path whose parent is a file, a
 * directory over a file or the reverse, too many entries, a long name too
 * long. Past a bad header nothing can be trusted (its size says where the
 * next header is), so no entry after it is guessed at.
 */
#ifndef FS_USTAR_H
#define FS_USTAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USTAR_BLOCK 512
/* Longest path kept (bytes, without the NUL): ustar's 155 + 1 + 100, GNU's 'L' up to this. */
#define USTAR_PATH_MAX 1023
/* Longest component of a path (readdir's d_name). */
#define USTAR_NAME_MAX 255
/* Entries in one index, implicit directories and the root included. */
#define USTAR_ENTRIES_MAX 65536
#define USTAR_NONE        UINT32_MAX

/* One header, decoded and checked (ustar_header_parse). */
struct ustar_header {
    char name[USTAR_PATH_MAX + 1]; /* prefix "/" name, as written */
    char type;                     /* the typeflag byte */
    uint32_t mode;
    uint64_t size, mtime;
};

enum { USTAR_HDR_OK = 0, USTAR_HDR_END = 1 };

/*
 * Decode the 512-byte block `b`. USTAR_HDR_OK with *h filled, USTAR_HDR_END
 * for an all-zero block (the end of the archive), or -EINVAL with the reason
 * in `why` (NUL-terminated, cut to whylen) and whatever name could be read
 * in h->name (printable, for the message).
 */
int ustar_header_parse(const uint8_t b[USTAR_BLOCK], struct ustar_header *h, char *why,
                       size_t whylen);

/* An entry of the index. e[0] is the root directory, path "". */
struct ustar_entry {
    char *path;       /* normalised: no leading '/', no "." or "..", no "//", no trailing '/' */
    const char *leaf; /* the last component, within path */
    uint64_t offset;  /* of the data in the archive (a multiple of 512) */
    uint64_t size;    /* of a file; 0 for a directory */
    uint64_t mtime;
    uint32_t mode; /* permission bits (07777) */
    bool is_dir;
    uint32_t parent;                  /* its directory (the root's is itself) */
    uint32_t first_child, last_child; /* a directory's entries, in archive order */
    uint32_t next_sibling;            /* USTAR_NONE at the end */
    uint32_t nchildren;
};

struct ustar_index {
    struct ustar_entry *e;
    uint32_t n, cap;
    uint32_t *hash; /* open addressing over e[], by path; hash_size a power of two */
    uint32_t hash_size;
    uint64_t archive_size;  /* bytes of archive read: headers, data, end block */
    uint32_t skipped;       /* entries of a type we do not serve */
    char skipped_first[96]; /* "'NAME' (symbolic link)" of the first one */
};

/* Read `len` bytes at `off` of the archive into buf: 0 or a negative errno. */
typedef int (*ustar_read_fn)(void *ctx, uint64_t off, void *buf, size_t len);

/*
 * Read the archive of `size` bytes from its start, header by header, and
 * build the index. 0; -EINVAL with a message in `err` ("'NAME': the
 * reason" or "at byte N: the reason"); -ENOMEM; or what read returned.
 * On error the index holds nothing (ustar_index_free is still fine).
 */
int ustar_index_build(struct ustar_index *ix, uint64_t size, ustar_read_fn read, void *ctx,
                      char *err, size_t errlen);
void ustar_index_free(struct ustar_index *ix);

/*
 * The entry at `path` (relative to the archive's root; normalised as names
 * are: "", ".", "/" and "a/./b//" are fine, ".." is not): its index, or
 * -ENOENT, -ENOTDIR (a component before the last is a file), -EINVAL,
 * -ENAMETOOLONG.
 */
long ustar_lookup(const struct ustar_index *ix, const char *path);

/*
 * Normalise `in` into out (size outlen): '/' and "." components dropped,
 * no trailing '/'. 0, -EINVAL (a ".." component, a control character),
 * -ENAMETOOLONG.
 */
int ustar_path_normalise(const char *in, size_t inlen, char *out, size_t outlen);

#endif
