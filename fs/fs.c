/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The file system (docs/fs.md): tar archives on block devices mounted at
 * directories, their files and directories served to the C library's
 * calls. The owner of paths and of the fds FS_FD_FIRST.. (internal/fd.h).
 * The index of a mount (ustar.c) is built once and never changes while
 * the mount is in use; file data is read from the disk through a small
 * cache, since the block API reads whole sectors only.
 *
 * Locking: fs_lock guards the mount, fd and user-count tables; it is never
 * held across a disk read. A mount's `users` (open fds, open DIRs, calls
 * in flight) keep it, and its index, in place: umount refuses while any.
 * Each mount's cache has its own lock, held across its refill.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>
#include <internal/cmdline.h>
#include <internal/fd.h>
#include <internal/kernel.h>
#include <uk/assert.h>
#include <uk/blk.h>
#include <uk/fs.h>
#include <uk/kernel.h>
#include <uk/sched.h>

#include "ustar.h"

/* The fds of files (and of directories opened with open()). */
#define FS_FD_FIRST 512
#define FS_FD_MAX   64
/* The cache's size: a multiple of any sector size up to it (then the sector). */
#define CACHE_SIZE (16 * 1024)
/* Longest path taken by open() and stat(). */
#define FS_PATH_MAX 1024
#define BLKSIZE     4096

enum mount_state { M_FREE, M_MOUNTING, M_MOUNTED };

struct mount {
    enum mount_state state;
    char dir[sizeof(((struct uk_fs_mount_info *)0)->dir)]; /* normalised, no leading '/' */
    size_t dirlen;
    char disk_name[8];
    int disk;
    uint32_t sector;
    uint64_t disk_size;
    struct ustar_index ix;
    unsigned int users;
    uint64_t disk_reads;
    /* The cache: one run of the disk, CACHE_SIZE-aligned. */
    struct uk_mutex cache_lock;
    uint8_t *cache;
    size_t cache_size, cache_len;
    uint64_t cache_off;
    bool cache_valid;
};

struct file {
    struct mount *m; /* NULL: the fd is free */
    uint32_t entry;
    int flags;
    uint64_t pos;
    uint64_t gen; /* which open this is, for a read that ends after a close */
};

struct __uk_dir {
    struct mount *m;
    uint32_t dir;
    uint32_t next;     /* the child readdir gives next */
    unsigned int dots; /* "." and ".." given so far */
    struct dirent ent;
};

static struct uk_mutex fs_lock;
static struct mount mounts[UK_FS_MOUNT_MAX];
static struct file files[FS_FD_MAX];
static uint64_t open_gen;

static void fs_needed(void);

static int fail(int err)
{
    errno = err;
    return -1;
}

static void put_mount(struct mount *m)
{
    uk_mutex_lock(&fs_lock);
    UK_ASSERT(m->users > 0);
    m->users--;
    uk_mutex_unlock(&fs_lock);
}

/* --- reading the disk --- */

static int blk_read(struct mount *m, uint64_t off, void *buf, size_t len)
{
    int rc = uk_blk_read((unsigned int)m->disk, off, buf, len);

    __atomic_add_fetch(&m->disk_reads, 1, __ATOMIC_RELAXED);
    return rc;
}

/* Up to `len` bytes at `off` from the cache, refilled as needed: how many, or a negative errno. */
static long cached_read(struct mount *m, uint64_t off, uint8_t *out, size_t len)
{
    long n;
    int rc = 0;

    uk_mutex_lock(&m->cache_lock);
    if (!m->cache_valid || off < m->cache_off || off >= m->cache_off + m->cache_len) {
        uint64_t start = off - off % m->cache_size;
        uint64_t avail = m->disk_size - start;

        m->cache_len = (size_t)(avail < m->cache_size ? avail : m->cache_size);
        m->cache_off = start;
        rc = blk_read(m, start, m->cache, m->cache_len);
        m->cache_valid = rc == 0;
    }
    if (rc) {
        uk_mutex_unlock(&m->cache_lock);
        return rc;
    }
    n = (long)(m->cache_off + m->cache_len - off);
    if ((size_t)n > len)
        n = (long)len;
    memcpy(out, m->cache + (off - m->cache_off), (size_t)n);
    uk_mutex_unlock(&m->cache_lock);
    return n;
}

/*
 * `len` bytes at any `off` of the disk (within it). Whole sectors of a
 * large read go straight into `buf`; the rest, and small reads, through
 * the cache, which also reads ahead for stdio's BLKSIZE reads and the
 * headers at mount.
 */
static int disk_read(struct mount *m, uint64_t off, void *buf, size_t len)
{
    uint8_t *out = buf;

    if (off > m->disk_size || len > m->disk_size - off)
        return -EINVAL;
    while (len) {
        long n;

        if (off % m->sector == 0 && len >= m->cache_size) {
            size_t whole = len - len % m->sector;
            int rc = blk_read(m, off, out, whole);

            if (rc)
                return rc;
            n = (long)whole;
        } else {
            n = cached_read(m, off, out, len);
            if (n < 0)
                return (int)n;
        }
        off += (uint64_t)n;
        out += n;
        len -= (size_t)n;
    }
    return 0;
}

static int tar_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    return disk_read(ctx, off, buf, len);
}

/* --- paths --- */

/*
 * `path` made absolute and normalised into out, without its leading '/':
 * "." and "//" dropped, ".." taking the last component off (the root's
 * parent is the root). 0, or -ENAMETOOLONG, -ENOENT (empty).
 */
static int path_normalise(const char *path, char *out, size_t outlen)
{
    size_t o = 0;

    if (!path[0])
        return -ENOENT;
    while (*path) {
        const char *s;
        size_t n;

        while (*path == '/')
            path++;
        for (s = path; *path && *path != '/'; path++)
            ;
        n = (size_t)(path - s);
        if (n == 0 || (n == 1 && s[0] == '.'))
            continue;
        if (n == 2 && s[0] == '.' && s[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            continue;
        }
        if (o + (o ? 1 : 0) + n + 1 > outlen)
            return -ENAMETOOLONG;
        if (o)
            out[o++] = '/';
        memcpy(out + o, s, n);
        o += n;
    }
    out[o] = 0;
    return 0;
}

/* Whether normalised `path` is `dir` or below it; then *rest is the part inside. */
static bool under(const char *path, const char *dir, size_t dirlen, const char **rest)
{
    if (strncmp(path, dir, dirlen) != 0 || (path[dirlen] && path[dirlen] != '/'))
        return false;
    *rest = path + dirlen + (path[dirlen] ? 1 : 0);
    return true;
}

/*
 * The mount holding `path` (taken: put_mount when done) and the entry
 * there (*entry: its index, or -ENOENT, -ENOTDIR). 0, or a negative errno
 * when no mount holds it.
 */
static int resolve(const char *path, struct mount **mp, long *entry)
{
    char norm[FS_PATH_MAX];
    const char *rest = NULL;
    struct mount *m = NULL;
    int rc;

    if (strnlen(path, FS_PATH_MAX) == FS_PATH_MAX)
        return -ENAMETOOLONG;
    rc = path_normalise(path, norm, sizeof(norm));
    if (rc)
        return rc;
    uk_mutex_lock(&fs_lock);
    for (unsigned int i = 0; i < UK_FS_MOUNT_MAX && !m; i++)
        if (mounts[i].state == M_MOUNTED && under(norm, mounts[i].dir, mounts[i].dirlen, &rest))
            m = &mounts[i];
    if (m)
        m->users++;
    uk_mutex_unlock(&fs_lock);
    if (!m)
        return -ENOENT;
    *mp = m;
    *entry = ustar_lookup(&m->ix, rest);
    /* "file/" names a directory (POSIX): not this file. */
    if (*entry >= 0 && path[strlen(path) - 1] == '/' && !m->ix.e[*entry].is_dir)
        *entry = -ENOTDIR;
    return 0;
}

static void fill_stat(const struct mount *m, uint32_t k, struct stat *st)
{
    const struct ustar_entry *e = &m->ix.e[k];

    *st = (struct stat){0};
    st->st_dev = (dev_t)(m - mounts + 1);
    st->st_ino = (ino_t)(k + 1);
    st->st_mode = (e->is_dir ? S_IFDIR : S_IFREG) | (mode_t)e->mode;
    st->st_nlink = e->is_dir ? 2 : 1;
    st->st_size = (off_t)e->size;
    st->st_blksize = BLKSIZE;
    st->st_blocks = (blkcnt_t)((e->size + 511) / 512);
    st->st_mtime = (time_t)e->mtime;
    st->st_atime = st->st_mtime;
    st->st_ctime = st->st_mtime;
}

/* --- fds --- */

/* The open file at fd, with its mount taken for the caller (put_mount), copied into *f. */
static int get_file(int fd, struct file *f)
{
    struct file *s = &files[fd - FS_FD_FIRST];
    int rc = 0;

    uk_mutex_lock(&fs_lock);
    if (!s->m) {
        rc = -EBADF;
    } else {
        *f = *s;
        s->m->users++;
    }
    uk_mutex_unlock(&fs_lock);
    return rc;
}

static ssize_t file_pread(int fd, void *buf, size_t len, off_t off)
{
    const struct ustar_entry *e;
    struct file f;
    uint64_t n;
    int rc = get_file(fd, &f);

    if (rc)
        return fail(-rc);
    e = &f.m->ix.e[f.entry];
    if (e->is_dir)
        rc = -EISDIR;
    else if (off < 0)
        rc = -EINVAL;
    n = !rc && (uint64_t)off < e->size ? e->size - (uint64_t)off : 0;
    if (n > len)
        n = len;
    if (n > SIZE_MAX >> 1) /* what ssize_t can say */
        n = SIZE_MAX >> 1;
    if (n)
        rc = disk_read(f.m, e->offset + (uint64_t)off, buf, (size_t)n);
    put_mount(f.m);
    if (rc)
        return fail(rc == -EINVAL || rc == -EISDIR ? -rc : EIO);
    return (ssize_t)n;
}

static ssize_t file_read(int fd, void *buf, size_t len)
{
    struct file f, *s = &files[fd - FS_FD_FIRST];
    ssize_t n;

    if (get_file(fd, &f))
        return fail(EBADF);
    n = file_pread(fd, buf, len, (off_t)f.pos);
    put_mount(f.m);
    if (n <= 0)
        return n;
    /* The same open still (no close and reopen meanwhile): its position moves. */
    uk_mutex_lock(&fs_lock);
    if (s->m && s->gen == f.gen)
        s->pos = f.pos + (uint64_t)n;
    uk_mutex_unlock(&fs_lock);
    return n;
}

static ssize_t file_write(int fd, const void *buf, size_t len)
{
    struct file f;

    (void)buf;
    (void)len;
    if (get_file(fd, &f) == 0)
        put_mount(f.m);
    /* Open for reading only, as every file here: EBADF either way (POSIX). */
    return fail(EBADF);
}

static int file_close(int fd)
{
    struct file *s = &files[fd - FS_FD_FIRST];
    struct mount *m;

    uk_mutex_lock(&fs_lock);
    m = s->m;
    if (m) {
        s->m = NULL;
        m->users--;
    }
    uk_mutex_unlock(&fs_lock);
    return m ? 0 : fail(EBADF);
}

static off_t file_lseek(int fd, off_t off, int whence)
{
    struct file *s = &files[fd - FS_FD_FIRST];
    int64_t base = 0, pos = 0;
    int err = 0;

    uk_mutex_lock(&fs_lock);
    if (!s->m) {
        err = EBADF;
    } else {
        switch (whence) {
        case SEEK_SET:
            base = 0;
            break;
        case SEEK_CUR:
            base = (int64_t)s->pos;
            break;
        case SEEK_END:
            base = (int64_t)s->m->ix.e[s->entry].size;
            break;
        default:
            err = EINVAL;
        }
        if (!err && __builtin_add_overflow(base, (int64_t)off, &pos))
            err = EOVERFLOW;
        else if (!err && pos < 0)
            err = EINVAL;
        if (!err)
            s->pos = (uint64_t)pos;
    }
    uk_mutex_unlock(&fs_lock);
    return err ? fail(err) : (off_t)pos;
}

static int file_fstat(int fd, struct stat *st)
{
    struct file f;

    if (get_file(fd, &f))
        return fail(EBADF);
    fill_stat(f.m, f.entry, st);
    put_mount(f.m);
    return 0;
}

static int file_fcntl(int fd, int cmd, int arg)
{
    struct file f;

    (void)arg;
    if (get_file(fd, &f))
        return fail(EBADF);
    put_mount(f.m);
    switch (cmd) {
    case F_GETFL:
        return f.flags & O_ACCMODE;
    case F_SETFL:
    case F_GETFD:
    case F_SETFD:
        return 0;
    default:
        return fail(EINVAL);
    }
}

static const struct fd_ops fs_fd_ops = {
    .read = file_read,
    .write = file_write,
    .close = file_close,
    .fcntl = file_fcntl,
    .lseek = file_lseek,
    .fstat = file_fstat,
    .pread = file_pread,
};

/* What open() may do to entry k: 0, or the errno POSIX gives. */
static int open_check(const struct ustar_entry *e, int flags)
{
    int acc = flags & O_ACCMODE;

    if ((flags & O_CREAT) && (flags & O_EXCL))
        return EEXIST;
    if (e->is_dir && (acc != O_RDONLY || (flags & O_TRUNC)))
        return EISDIR;
    if (!e->is_dir && (flags & O_DIRECTORY))
        return ENOTDIR;
    if (acc != O_RDONLY || (flags & O_TRUNC))
        return EROFS;
    return 0;
}

static int fs_open(const char *path, int flags, mode_t mode)
{
    struct mount *m;
    long k;
    int rc, err;

    (void)mode;
    rc = resolve(path, &m, &k);
    if (rc)
        return fail(rc == -ENOENT && (flags & O_CREAT) ? EROFS : -rc);
    if (k < 0)
        err = k == -ENOENT && (flags & O_CREAT) ? EROFS : (int)-k;
    else
        err = open_check(&m->ix.e[k], flags);
    if (err) {
        put_mount(m);
        return fail(err);
    }
    uk_mutex_lock(&fs_lock);
    for (int i = 0; i < FS_FD_MAX; i++) {
        if (files[i].m)
            continue;
        /* The mount taken by resolve stays taken by the fd. */
        files[i] = (struct file){.m = m, .entry = (uint32_t)k, .flags = flags, .gen = ++open_gen};
        uk_mutex_unlock(&fs_lock);
        return FS_FD_FIRST + i;
    }
    m->users--;
    uk_mutex_unlock(&fs_lock);
    return fail(EMFILE);
}

static int fs_stat(const char *path, struct stat *st)
{
    struct mount *m;
    long k;
    int rc = resolve(path, &m, &k);

    if (rc)
        return fail(-rc);
    if (k >= 0)
        fill_stat(m, (uint32_t)k, st);
    put_mount(m);
    return k < 0 ? fail((int)-k) : 0;
}

static const struct path_ops fs_path_ops = {
    .open = fs_open,
    .stat = fs_stat,
};

/* --- directories --- */

DIR *opendir(const char *path)
{
    struct mount *m;
    DIR *d;
    long k;
    int rc;

    fs_needed();
    if (!path) {
        errno = EFAULT;
        return NULL;
    }
    rc = resolve(path, &m, &k);
    if (rc) {
        errno = -rc;
        return NULL;
    }
    if (k < 0 || !m->ix.e[k].is_dir) {
        put_mount(m);
        errno = k < 0 ? (int)-k : ENOTDIR;
        return NULL;
    }
    d = malloc(sizeof(*d));
    if (!d) {
        put_mount(m);
        errno = ENOMEM;
        return NULL;
    }
    *d = (struct __uk_dir){.m = m, .dir = (uint32_t)k, .next = m->ix.e[k].first_child};
    return d;
}

/* Entries "." and "..", then the directory's own in archive order. */
struct dirent *readdir(DIR *d)
{
    const struct ustar_index *ix;
    const struct ustar_entry *e;
    size_t len;
    uint32_t k;

    if (!d) {
        errno = EBADF;
        return NULL;
    }
    ix = &d->m->ix;
    if (d->dots < 2) {
        k = d->dots ? ix->e[d->dir].parent : d->dir;
        d->ent.d_ino = (ino_t)(k + 1);
        d->ent.d_type = DT_DIR;
        strcpy(d->ent.d_name, d->dots ? ".." : ".");
        d->dots++;
        return &d->ent;
    }
    if (d->next == USTAR_NONE)
        return NULL;
    k = d->next;
    e = &ix->e[k];
    d->next = e->next_sibling;
    d->ent.d_ino = (ino_t)(k + 1);
    d->ent.d_type = e->is_dir ? DT_DIR : DT_REG;
    /* A component is at most NAME_MAX bytes (ustar.c refuses longer ones). */
    len = strnlen(e->leaf, NAME_MAX);
    memcpy(d->ent.d_name, e->leaf, len);
    d->ent.d_name[len] = 0;
    return &d->ent;
}

void rewinddir(DIR *d)
{
    if (!d)
        return;
    d->dots = 0;
    d->next = d->m->ix.e[d->dir].first_child;
}

int closedir(DIR *d)
{
    if (!d)
        return fail(EBADF);
    put_mount(d->m);
    free(d);
    return 0;
}

/* --- mounting --- */

/* `dir` as a mount point: absolute, normalised into out (no leading '/'), not the root. */
static int mount_dir(const char *dir, char *out, size_t outlen)
{
    if (!dir || dir[0] != '/')
        return -EINVAL;
    /* One byte kept for the '/' uk_fs_mount_info puts back. */
    if (ustar_path_normalise(dir, strlen(dir), out, outlen - 1) || !out[0])
        return -EINVAL;
    return 0;
}

/* A slot for `dir`, marked M_MOUNTING: its address, or a negative errno. */
static struct mount *reserve(const char *dir, int *err)
{
    struct mount *free_slot = NULL;
    size_t len = strlen(dir);
    const char *rest;

    *err = 0;
    uk_mutex_lock(&fs_lock);
    for (unsigned int i = 0; i < UK_FS_MOUNT_MAX && !*err; i++) {
        struct mount *m = &mounts[i];

        if (m->state == M_FREE) {
            free_slot = free_slot ? free_slot : m;
            continue;
        }
        if (strcmp(m->dir, dir) == 0)
            *err = -EBUSY;
        else if (under(dir, m->dir, m->dirlen, &rest) || under(m->dir, dir, len, &rest))
            *err = -EINVAL; /* one inside the other */
    }
    if (!*err && !free_slot)
        *err = -ENOSPC;
    if (!*err) {
        free_slot->state = M_MOUNTING;
        strcpy(free_slot->dir, dir);
        free_slot->dirlen = len;
    }
    uk_mutex_unlock(&fs_lock);
    return *err ? NULL : free_slot;
}

static void release(struct mount *m)
{
    ustar_index_free(&m->ix);
    free(m->cache);
    uk_mutex_lock(&fs_lock);
    *m = (struct mount){.state = M_FREE};
    uk_mutex_unlock(&fs_lock);
}

static int open_disk(struct mount *m, const char *disk)
{
    struct uk_blk_info info;
    int i = uk_blk_find(disk);

    if (i < 0)
        return i;
    if (uk_blk_info((unsigned int)i, &info) || !info.connected)
        return -ENODEV;
    if (!info.sector_size || info.sector_size & (info.sector_size - 1))
        return -EIO;
    m->disk = i;
    m->sector = info.sector_size;
    m->disk_size = info.size;
    m->cache_size = info.sector_size > CACHE_SIZE ? info.sector_size : CACHE_SIZE;
    m->cache = malloc(m->cache_size);
    if (!m->cache)
        return -ENOMEM;
    uk_mutex_init(&m->cache_lock);
    return 0;
}

static void count(const struct ustar_index *ix, uint32_t *files_n, uint32_t *dirs_n)
{
    *files_n = *dirs_n = 0;
    for (uint32_t k = 0; k < ix->n; k++)
        (*(ix->e[k].is_dir ? dirs_n : files_n))++;
}

int uk_fs_mount_tar(const char *dir, const char *disk)
{
    char norm[sizeof(mounts[0].dir)], err[200];
    uint32_t nf, nd;
    struct mount *m;
    int rc;

    fs_needed();
    if (mount_dir(dir, norm, sizeof(norm)) || !disk || !disk[0] ||
        strlen(disk) >= sizeof(m->disk_name)) {
        uk_printf("fs: cannot mount %s: bad directory or disk name\n", dir ? dir : "(null)");
        return -EINVAL;
    }
    m = reserve(norm, &rc);
    if (!m) {
        uk_printf("fs: cannot mount /%s: %s\n", norm,
                  rc == -EBUSY    ? "mounted already"
                  : rc == -EINVAL ? "inside or above another mount"
                                  : "too many mounts");
        return rc;
    }
    strcpy(m->disk_name, disk);
    rc = open_disk(m, disk);
    if (rc) {
        uk_printf("fs: cannot mount /%s: disk %s: %s\n", norm, disk,
                  rc == -ENODEV ? "no such disk" : "cannot use it");
        release(m);
        return rc;
    }
    rc = ustar_index_build(&m->ix, m->disk_size, tar_read, m, err, sizeof(err));
    if (rc) {
        uk_printf("fs: cannot mount /%s (%s): %s\n", norm, disk, err);
        release(m);
        return rc == -EINVAL || rc == -ENOMEM ? rc : -EIO;
    }
    if (m->ix.skipped)
        uk_printf("fs: /%s: skipped %u entries of types not served, the first %s\n", norm,
                  m->ix.skipped, m->ix.skipped_first);
    count(&m->ix, &nf, &nd);
    uk_printf("fs: /%s: %s mounted, %u files, %u directories\n", norm, disk, nf, nd);
    uk_mutex_lock(&fs_lock);
    m->state = M_MOUNTED;
    uk_mutex_unlock(&fs_lock);
    return 0;
}

int uk_fs_umount(const char *dir)
{
    char norm[sizeof(mounts[0].dir)];
    struct mount *m = NULL;
    int rc = -ENOENT;

    fs_needed();
    if (mount_dir(dir, norm, sizeof(norm)))
        return -ENOENT;
    uk_mutex_lock(&fs_lock);
    for (unsigned int i = 0; i < UK_FS_MOUNT_MAX; i++) {
        if (mounts[i].state != M_MOUNTED || strcmp(mounts[i].dir, norm) != 0)
            continue;
        rc = mounts[i].users ? -EBUSY : 0;
        if (!rc) {
            m = &mounts[i];
            m->state = M_MOUNTING; /* no new users from here */
        }
    }
    uk_mutex_unlock(&fs_lock);
    if (m)
        release(m);
    return rc;
}

int uk_fs_mount_info(unsigned int i, struct uk_fs_mount_info *info)
{
    struct mount *m;
    int rc = -ENOENT;

    fs_needed();
    if (i >= UK_FS_MOUNT_MAX)
        return -ENOENT;
    m = &mounts[i];
    uk_mutex_lock(&fs_lock);
    if (m->state == M_MOUNTED) {
        *info = (struct uk_fs_mount_info){0};
        info->dir[0] = '/';
        memcpy(info->dir + 1, m->dir, sizeof(info->dir) - 2);
        strcpy(info->disk, m->disk_name);
        count(&m->ix, &info->files, &info->dirs);
        info->skipped = m->ix.skipped;
        info->archive_bytes = m->ix.archive_size;
        info->disk_reads = m->disk_reads;
        rc = 0;
    }
    uk_mutex_unlock(&fs_lock);
    return rc;
}

/* --- the command line: mount=DIR:DISK --- */

static bool is_mount_key(const char *word)
{
    return strncmp(word, "mount=", 6) == 0;
}

/* Each mount=DIR:DISK of the command line, mounted before main; any failure ends the guest. */
static void mount_cmdline(void)
{
    static char buf[1024];
    char *words[64];
    struct cmdline_args a = cmdline_parse(kernel_cmdline(), buf, sizeof(buf), words, 64, 0);

    for (int i = 0; i < a.argc; i++) {
        char *val = words[i] + 6, *colon, norm[sizeof(mounts[0].dir)];

        if (!is_mount_key(words[i]))
            continue;
        colon = strrchr(val, ':');
        if (!colon || colon == val || !colon[1]) {
            uk_printf("fs: bad %s: want mount=DIR:DISK (e.g. mount=/data:xvdb)\n", words[i]);
            kernel_exit(2);
        }
        *colon = 0;
        if (mount_dir(val, norm, sizeof(norm))) {
            uk_printf("fs: bad mount=%s:%s: '%s' is not an absolute directory below /\n", val,
                      colon + 1, val);
            kernel_exit(2);
        }
        if (uk_fs_mount_tar(val, colon + 1)) {
            uk_printf("fs: mount=%s:%s failed\n", val, colon + 1);
            kernel_exit(2);
        }
    }
}

static int fs_init(void)
{
    int rc;

    uk_mutex_init(&fs_lock);
    rc = kernel_fd_range_set(FS_FD_FIRST, FS_FD_MAX, &fs_fd_ops);
    if (rc)
        return rc;
    kernel_path_ops_set(&fs_path_ops);
    kernel_cmdline_claim(is_mount_key);
    mount_cmdline();
    return 0;
}
/* After the disks (level 3: built on XenStore). */
INITCALL(fs_init, 4);

static void fs_needed(void)
{
    INITCALL_NEEDED(fs_init);
}

void kernel_path_owner(void)
{
    INITCALL_NEEDED(fs_init);
}
