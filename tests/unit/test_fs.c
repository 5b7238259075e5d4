/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The file system's calls (fs/fs.c) over disks in memory: what open, read,
 * pread, lseek, fstat, close, stat, opendir, readdir and closedir give an
 * app, every POSIX error the runtime promises, mounts from the command line
 * and from uk_fs_mount_tar, and reads at every alignment through the cache.
 * fs.c is included (its state reset between tests); the block API, the
 * kernel's fd and path tables, the mutexes and exit are stubs here that
 * check how they are called (whole sectors only, locks balanced).
 */
#include <setjmp.h>
#include <stdarg.h>

/* The host C library has its own: ours get other names here. */
#define opendir   fs_opendir
#define readdir   fs_readdir
#define closedir  fs_closedir
#define rewinddir fs_rewinddir
#include "../../fs/fs.c"

#include "check.h"

/* --- stubs --- */

static char log_buf[4096];
static size_t log_len;

void uk_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (log_len < sizeof(log_buf))
        log_len += (size_t)vsnprintf(log_buf + log_len, sizeof(log_buf) - log_len, fmt, ap);
    va_end(ap);
    if (log_len > sizeof(log_buf))
        log_len = sizeof(log_buf);
}

static int locks_held;

void uk_mutex_init(struct uk_mutex *m)
{
    m->owner = NULL;
}

int uk_mutex_lock(struct uk_mutex *m)
{
    /* One thread here: a mutex taken twice would be a deadlock on the guest. */
    CHECK(m->owner == NULL);
    m->owner = (struct uk_thread *)1;
    locks_held++;
    return 0;
}

int uk_mutex_unlock(struct uk_mutex *m)
{
    CHECK(m->owner != NULL);
    m->owner = NULL;
    locks_held--;
    return 0;
}

struct disk {
    const char *name;
    uint8_t *data;
    uint64_t size;
    int fail_with;
    unsigned int reads;
};
static struct disk disks[3];

int uk_blk_find(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (disks[i].name && strcmp(disks[i].name, name) == 0)
            return i;
    return -ENODEV;
}

int uk_blk_info(unsigned int i, struct uk_blk_info *info)
{
    if (i >= 3 || !disks[i].name)
        return -ENODEV;
    *info = (struct uk_blk_info){
        .connected = true, .read_only = true, .size = disks[i].size, .sector_size = 512};
    return 0;
}

int uk_blk_read(unsigned int i, uint64_t offset, void *buf, size_t len)
{
    struct disk *d = &disks[i];

    /* The block API's contract: whole sectors inside the disk, and no lock of ours held. */
    CHECK(offset % 512 == 0 && len % 512 == 0 && len > 0);
    CHECK(offset <= d->size && len <= d->size - offset);
    CHECK(locks_held <= 1); /* the cache's own at most, never fs_lock */
    CHECK(fs_lock.owner == NULL);
    if (offset % 512 || len % 512 || offset > d->size || len > d->size - offset)
        return -EINVAL;
    d->reads++;
    if (d->fail_with)
        return d->fail_with;
    memcpy(buf, d->data + offset, len);
    return 0;
}

static const struct fd_ops *fd_ops;
static const struct path_ops *path_ops;
static int fd_first, fd_count;

int kernel_fd_range_set(int first, int count_, const struct fd_ops *ops)
{
    fd_first = first;
    fd_count = count_;
    fd_ops = ops;
    return 0;
}

void kernel_path_ops_set(const struct path_ops *ops)
{
    path_ops = ops;
}

static const char *cmdline;
static bool (*claimer)(const char *word);

const char *kernel_cmdline(void)
{
    return cmdline;
}

void kernel_cmdline_claim(bool (*claim)(const char *word))
{
    claimer = claim;
}

static jmp_buf *exit_jmp;
static int exit_status;

void kernel_exit(int status)
{
    exit_status = status;
    if (!exit_jmp)
        abort();
    longjmp(*exit_jmp, 1);
}

/* --- helpers --- */

static uint8_t *load(const char *path, uint64_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p;
    long n;

    if (!f)
        abort();
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    /* A disk is whole sectors. */
    p = calloc(1, ((size_t)n + 511) & ~(size_t)511);
    if (fread(p, 1, (size_t)n, f) != (size_t)n)
        abort();
    fclose(f);
    *len = ((uint64_t)n + 511) & ~(uint64_t)511;
    return p;
}

/* A disk holding one file "big.bin" of `size` bytes, byte i = (i * 7 + i / 251) & 0xff. */
static uint8_t *big_archive(size_t size, uint64_t *len)
{
    size_t padded = (size + 511) & ~(size_t)511;
    uint8_t *p = calloc(1, 512 + padded + 1024), *b = p;
    unsigned int sum = 0;

    memcpy(b, "big.bin", 7);
    memcpy(b + 100, "0000644", 7);
    snprintf((char *)b + 124, 12, "%011llo", (unsigned long long)size);
    memcpy(b + 136, "00000000000", 11);
    b[156] = '0';
    memcpy(b + 257,
           "ustar\0"
           "00",
           8);
    memset(b + 148, ' ', 8);
    for (int i = 0; i < 512; i++)
        sum += b[i];
    snprintf((char *)b + 148, 8, "%06o", sum);
    for (size_t i = 0; i < size; i++)
        p[512 + i] = (uint8_t)((i * 7 + i / 251) & 0xff);
    *len = 512 + padded + 1024;
    return p;
}

static void reset(void)
{
    for (int i = 0; i < UK_FS_MOUNT_MAX; i++)
        if (mounts[i].state != M_FREE) {
            ustar_index_free(&mounts[i].ix);
            free(mounts[i].cache);
        }
    memset(mounts, 0, sizeof(mounts));
    memset(files, 0, sizeof(files));
    for (int i = 0; i < 3; i++)
        free(disks[i].data);
    memset(disks, 0, sizeof(disks));
    log_len = 0;
    log_buf[0] = 0;
    cmdline = NULL;
    exit_status = -1;
}

/* fs_init with `line` as the command line: the exit status it asked for, or -1. */
static int boot(const char *line)
{
    jmp_buf jb;

    cmdline = line;
    exit_status = -1;
    exit_jmp = &jb;
    if (!setjmp(jb))
        CHECK_EQ(fs_init(), 0);
    exit_jmp = NULL;
    return exit_status;
}

static void setup(void)
{
    reset();
    disks[0] = (struct disk){.name = "xvdb"};
    disks[0].data = load("tests/unit/data/ustar-gnu.tar", &disks[0].size);
    CHECK_EQ(boot("mount=/data:xvdb keep"), -1);
    CHECK(strstr(log_buf, "fs: /data: xvdb mounted, 7 files, 8 directories") != NULL);
}

static int xopen(const char *path, int flags)
{
    errno = 0;
    return path_ops->open(path, flags, 0);
}

/* The errno of a failed open of `path` (0 when it opened). */
static int open_err(const char *path, int flags)
{
    int fd = xopen(path, flags);

    if (fd >= 0) {
        fd_ops->close(fd);
        return 0;
    }
    CHECK_EQ(fd, -1);
    return errno;
}

static void read_all(int fd, char *buf, size_t len)
{
    ssize_t n = fd_ops->read(fd, buf, len - 1);

    CHECK(n >= 0);
    buf[n < 0 ? 0 : n] = 0;
}

/* --- tests --- */

TEST(cmdline_mount_and_fd_range)
{
    setup();
    CHECK_EQ(fd_first, 512);
    CHECK_EQ(fd_count, 64);
    CHECK(claimer && claimer("mount=/x:y") && !claimer("keep") && !claimer("mount"));
    CHECK_EQ(locks_held, 0);
    reset();
}

TEST(open_read_lseek_fstat_close)
{
    char buf[64];
    struct stat st;
    int fd;

    setup();
    fd = xopen("/data/site/index.html", O_RDONLY);
    CHECK(fd >= 512 && fd < 512 + 64);
    read_all(fd, buf, sizeof(buf));
    CHECK_STR(buf, "<h1>index</h1>\n");
    CHECK_EQ(fd_ops->read(fd, buf, sizeof(buf)), 0); /* end of file */
    CHECK_EQ(fd_ops->lseek(fd, 4, SEEK_SET), 4);
    read_all(fd, buf, 7);
    CHECK_STR(buf, "index<");
    CHECK_EQ(fd_ops->lseek(fd, -2, SEEK_CUR), 8);
    CHECK_EQ(fd_ops->lseek(fd, -3, SEEK_END), 12);
    read_all(fd, buf, sizeof(buf));
    CHECK_STR(buf, "1>\n");
    CHECK_EQ(fd_ops->lseek(fd, 100, SEEK_SET), 100); /* past the end: reads give 0 */
    CHECK_EQ(fd_ops->read(fd, buf, 10), 0);
    CHECK_EQ(fd_ops->lseek(fd, -101, SEEK_CUR), -1);
    CHECK_EQ(errno, EINVAL);
    CHECK_EQ(fd_ops->lseek(fd, 0, 42), -1);
    CHECK_EQ(errno, EINVAL);
    CHECK_EQ(fd_ops->pread(fd, buf, 5, 1), 5);
    CHECK(memcmp(buf, "h1>in", 5) == 0);
    CHECK_EQ(fd_ops->pread(fd, buf, 5, -1), -1);
    CHECK_EQ(errno, EINVAL);
    CHECK_EQ(fd_ops->fstat(fd, &st), 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_mode & 0777, 0644);
    CHECK_EQ(st.st_size, 15);
    CHECK_EQ(st.st_mtime, 1700000000);
    CHECK_EQ(st.st_blksize, 4096);
    CHECK_EQ(fd_ops->fcntl(fd, F_GETFL, 0), O_RDONLY);
    CHECK_EQ(fd_ops->write(fd, "x", 1), -1);
    CHECK_EQ(errno, EBADF);
    CHECK_EQ(fd_ops->close(fd), 0);
    CHECK_EQ(fd_ops->close(fd), -1);
    CHECK_EQ(errno, EBADF);
    CHECK_EQ(fd_ops->read(fd, buf, 1), -1);
    CHECK_EQ(errno, EBADF);
    CHECK_EQ(fd_ops->fstat(fd, &st), -1);
    CHECK_EQ(fd_ops->lseek(fd, 0, SEEK_SET), -1);
    CHECK_EQ(fd_ops->pread(fd, buf, 1, 0), -1);
    CHECK_EQ(locks_held, 0);
    reset();
}

TEST(posix_errors_of_open)
{
    setup();
    CHECK_EQ(open_err("/data/site/index.html", O_RDONLY), 0);
    CHECK_EQ(open_err("/data/site/nope.html", O_RDONLY), ENOENT);
    CHECK_EQ(open_err("/elsewhere/x", O_RDONLY), ENOENT);
    CHECK_EQ(open_err("", O_RDONLY), ENOENT);
    CHECK_EQ(open_err("/data/site/index.html", O_WRONLY), EROFS);
    CHECK_EQ(open_err("/data/site/index.html", O_RDWR), EROFS);
    CHECK_EQ(open_err("/data/site/index.html", O_RDONLY | O_TRUNC), EROFS);
    CHECK_EQ(open_err("/data/site/new.txt", O_WRONLY | O_CREAT), EROFS);
    CHECK_EQ(open_err("/data/site/index.html", O_RDONLY | O_CREAT | O_EXCL), EEXIST);
    CHECK_EQ(open_err("/data/site/index.html", O_RDONLY | O_CREAT), 0);
    CHECK_EQ(open_err("/data/site/docs", O_WRONLY), EISDIR);
    CHECK_EQ(open_err("/data/site/index.html/x", O_RDONLY), ENOTDIR);
    CHECK_EQ(open_err("/data/site/index.html", O_RDONLY | O_DIRECTORY), ENOTDIR);
    CHECK_EQ(open_err("/data/site/docs", O_RDONLY | O_DIRECTORY), 0);
    /* Lexical "..", relative paths from "/", "//" and "." */
    CHECK_EQ(open_err("/data/site/docs/../index.html", O_RDONLY), 0);
    CHECK_EQ(open_err("/../data/./site//index.html", O_RDONLY), 0);
    CHECK_EQ(open_err("data/site/index.html", O_RDONLY), 0);
    CHECK_EQ(open_err("/data/../index.html", O_RDONLY), ENOENT);
    CHECK_EQ(open_err("/datax/site/index.html", O_RDONLY), ENOENT);
    {
        char longp[2000];

        memset(longp, 'a', sizeof(longp) - 1);
        longp[0] = '/';
        longp[sizeof(longp) - 1] = 0;
        CHECK_EQ(open_err(longp, O_RDONLY), ENAMETOOLONG);
    }
    CHECK_EQ(locks_held, 0);
    reset();
}

TEST(a_directory_fd)
{
    struct stat st;
    char buf[8];
    int fd;

    setup();
    fd = xopen("/data/site/docs", O_RDONLY);
    CHECK(fd >= 512);
    CHECK_EQ(fd_ops->read(fd, buf, sizeof(buf)), -1);
    CHECK_EQ(errno, EISDIR);
    CHECK_EQ(fd_ops->fstat(fd, &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(fd_ops->close(fd), 0);
    reset();
}

TEST(stat_of_paths)
{
    struct stat st;

    setup();
    CHECK_EQ(path_ops->stat("/data/site/docs/lines.txt", &st), 0);
    CHECK(S_ISREG(st.st_mode) && st.st_size == 1000 && st.st_blocks == 2);
    CHECK_EQ(path_ops->stat("/data", &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(path_ops->stat("/data/site/", &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(path_ops->stat("/data/missing", &st), -1);
    CHECK_EQ(errno, ENOENT);
    CHECK_EQ(path_ops->stat("/data/site/index.html/", &st), -1); /* a directory, or nothing */
    CHECK_EQ(errno, ENOTDIR);
    CHECK_EQ(path_ops->stat("/data/site/index.html/a", &st), -1);
    CHECK_EQ(errno, ENOTDIR);
    CHECK_EQ(locks_held, 0);
    reset();
}

static void list(const char *path, char *out)
{
    DIR *d = fs_opendir(path);
    struct dirent *e;

    out[0] = 0;
    CHECK(d != NULL);
    if (!d)
        return;
    while ((e = fs_readdir(d))) {
        strcat(out, e->d_name);
        strcat(out, e->d_type == DT_DIR ? "/ " : " ");
    }
    CHECK_EQ(fs_closedir(d), 0);
}

TEST(directories)
{
    char out[512];
    DIR *d;

    setup();
    list("/data/site/docs", out);
    CHECK_STR(out, "./ ../ a.txt lines.txt sub/ ");
    list("/data", out);
    CHECK_STR(out, "./ ../ site/ ");
    list("/data/site/empty-dir/", out);
    CHECK_STR(out, "./ ../ ");
    errno = 0;
    CHECK(fs_opendir("/data/site/index.html") == NULL);
    CHECK_EQ(errno, ENOTDIR);
    CHECK(fs_opendir("/data/site/nope") == NULL);
    CHECK_EQ(errno, ENOENT);
    CHECK(fs_opendir("/") == NULL);
    CHECK_EQ(errno, ENOENT);
    /* A directory open keeps the mount. */
    d = fs_opendir("/data/site");
    CHECK(d != NULL);
    CHECK(fs_readdir(d) && fs_readdir(d) && fs_readdir(d));
    fs_rewinddir(d);
    CHECK_STR(fs_readdir(d)->d_name, ".");
    CHECK_EQ(uk_fs_umount("/data"), -EBUSY);
    CHECK_EQ(fs_closedir(d), 0);
    CHECK_EQ(uk_fs_umount("/data"), 0);
    CHECK(fs_opendir("/data") == NULL);
    CHECK_EQ(locks_held, 0);
    reset();
}

TEST(reads_at_every_alignment)
{
    const size_t size = 100000;
    uint64_t state = 1;
    uint8_t *want, *got = malloc(size + 16);
    int fd;

    reset();
    disks[1] = (struct disk){.name = "xvdc"};
    disks[1].data = big_archive(size, &disks[1].size);
    want = disks[1].data + 512;
    CHECK_EQ(boot(NULL), -1);
    CHECK_EQ(uk_fs_mount_tar("/big", "xvdc"), 0);
    fd = xopen("/big/big.bin", O_RDONLY);
    CHECK(fd >= 0);
    for (int i = 0; i < 400; i++) {
        size_t off = check_rand(&state) % (size + 10);
        size_t len = i % 4 == 0 ? check_rand(&state) % 70000 : check_rand(&state) % 1500;
        size_t expect = off >= size ? 0 : (size - off < len ? size - off : len);
        ssize_t n = fd_ops->pread(fd, got, len, (off_t)off);

        CHECK_EQ(n, expect);
        if (n > 0 && memcmp(got, want + off, (size_t)n) != 0) {
            printf("  pread(%zu, %zu): wrong bytes\n", off, len);
            CHECK(0);
            break;
        }
    }
    /* Read through in stdio's pieces: the cache serves most of them. */
    {
        unsigned int before = disks[1].reads;
        size_t total = 0;
        ssize_t n;

        fd_ops->lseek(fd, 0, SEEK_SET);
        while ((n = fd_ops->read(fd, got, 4096)) > 0) {
            CHECK(memcmp(got, want + total, (size_t)n) == 0);
            total += (size_t)n;
        }
        CHECK_EQ(total, size);
        CHECK(disks[1].reads - before <= size / (16 * 1024) + 2);
    }
    fd_ops->close(fd);
    CHECK_EQ(locks_held, 0);
    free(got);
    reset();
}

TEST(disk_errors_are_eio)
{
    char buf[16];
    int fd;

    setup();
    fd = xopen("/data/site/docs/a.txt", O_RDONLY);
    /* Another part of the disk than the cache holds after mounting. */
    mounts[0].cache_valid = false;
    disks[0].fail_with = -EIO;
    CHECK_EQ(fd_ops->read(fd, buf, sizeof(buf)), -1);
    CHECK_EQ(errno, EIO);
    disks[0].fail_with = 0;
    CHECK_EQ(fd_ops->read(fd, buf, sizeof(buf)), 6);
    fd_ops->close(fd);
    reset();
}

TEST(bad_archives_refuse_the_mount)
{
    uint8_t *b;

    setup();
    disks[1] = (struct disk){.name = "xvdc"};
    disks[1].data = load("tests/unit/data/ustar-gnu.tar", &disks[1].size);
    b = disks[1].data + 512 * 3; /* some header after the first */
    while (b[0] == 0 || memcmp(b + 257, "ustar", 5) != 0)
        b += 512;
    b[140] ^= 1;
    log_len = 0;
    CHECK_EQ(uk_fs_mount_tar("/bad", "xvdc"), -EINVAL);
    CHECK(strstr(log_buf, "fs: cannot mount /bad (xvdc): 'site/") != NULL);
    CHECK(strstr(log_buf, "': bad checksum (the header says ") != NULL);
    CHECK_EQ(uk_fs_mount_info(1, &(struct uk_fs_mount_info){0}), -ENOENT);
    /* The slot is free again. */
    b[140] ^= 1;
    CHECK_EQ(uk_fs_mount_tar("/bad", "xvdc"), 0);
    CHECK_EQ(open_err("/bad/site/index.html", O_RDONLY), 0);
    reset();
}

TEST(mount_errors)
{
    struct uk_fs_mount_info info;
    int fd;

    setup();
    disks[1] = (struct disk){.name = "xvdc"};
    disks[1].data = load("tests/unit/data/ustar-gnu.tar", &disks[1].size);
    CHECK_EQ(uk_fs_mount_tar("/data", "xvdc"), -EBUSY);
    CHECK_EQ(uk_fs_mount_tar("/data/site", "xvdc"), -EINVAL);
    CHECK_EQ(uk_fs_mount_tar("/", "xvdc"), -EINVAL);
    CHECK_EQ(uk_fs_mount_tar("rel", "xvdc"), -EINVAL);
    CHECK_EQ(uk_fs_mount_tar("/a/../b", "xvdc"), -EINVAL);
    CHECK_EQ(uk_fs_mount_tar(NULL, "xvdc"), -EINVAL);
    CHECK_EQ(uk_fs_mount_tar("/x", "xvdz"), -ENODEV);
    CHECK_EQ(uk_fs_mount_tar("/x", ""), -EINVAL);
    CHECK_EQ(uk_fs_mount_tar("/m1", "xvdc"), 0);
    CHECK_EQ(uk_fs_mount_tar("/m2", "xvdc"), 0);
    CHECK_EQ(uk_fs_mount_tar("/m3", "xvdc"), 0);
    CHECK_EQ(uk_fs_mount_tar("/m4", "xvdc"), -ENOSPC);
    CHECK_EQ(uk_fs_mount_info(2, &info), 0);
    CHECK_STR(info.dir, "/m2");
    CHECK_STR(info.disk, "xvdc");
    CHECK_EQ(info.files, 7);
    CHECK_EQ(info.dirs, 8);
    CHECK_EQ(info.skipped, 2);
    CHECK_EQ(uk_fs_mount_info(9, &info), -ENOENT);
    fd = xopen("/m3/site/index.html", O_RDONLY);
    CHECK_EQ(uk_fs_umount("/m3"), -EBUSY);
    fd_ops->close(fd);
    CHECK_EQ(uk_fs_umount("/m3/"), 0);
    CHECK_EQ(uk_fs_umount("/m3"), -ENOENT);
    CHECK_EQ(open_err("/m3/site/index.html", O_RDONLY), ENOENT);
    CHECK_EQ(uk_fs_mount_tar("/m4", "xvdc"), 0);
    CHECK_EQ(locks_held, 0);
    reset();
}

TEST(fds_run_out)
{
    int fds[64];

    setup();
    for (int i = 0; i < 64; i++) {
        fds[i] = xopen("/data/site/index.html", O_RDONLY);
        CHECK_EQ(fds[i], 512 + i);
    }
    CHECK_EQ(open_err("/data/site/index.html", O_RDONLY), EMFILE);
    for (int i = 0; i < 64; i++)
        CHECK_EQ(fd_ops->close(fds[i]), 0);
    CHECK_EQ(mounts[0].users, 0);
    reset();
}

static int boot_fails(const char *line, const char *msg)
{
    int st;

    reset();
    disks[0] = (struct disk){.name = "xvdb"};
    disks[0].data = load("tests/unit/data/ustar-gnu.tar", &disks[0].size);
    st = boot(line);
    if (!strstr(log_buf, msg)) {
        printf("  log '%s' lacks '%s'\n", log_buf, msg);
        CHECK(0);
    }
    return st;
}

TEST(bad_mount_words_end_the_guest)
{
    CHECK_EQ(boot_fails("mount=/data", "fs: bad mount=/data: want mount=DIR:DISK"), 2);
    CHECK_EQ(boot_fails("mount=:xvdb", "fs: bad mount=:xvdb: want mount=DIR:DISK"), 2);
    CHECK_EQ(boot_fails("mount=data:xvdb",
                        "fs: bad mount=data:xvdb: 'data' is not an absolute directory below /"),
             2);
    CHECK_EQ(boot_fails("mount=/data:xvdq", "fs: cannot mount /data: disk xvdq: no such disk\n"
                                            "fs: mount=/data:xvdq failed"),
             2);
    CHECK_EQ(boot_fails("mount=/a:xvdb mount=/a:xvdb", "fs: cannot mount /a: mounted already"), 2);
    reset();
}
