/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tarcat: files from a tar archive on a disk, through the C library only
 * (docs/fs.md). Its words, in order (mount=DIR:DISK is the runtime's):
 *
 *   ls=DIR            list DIR: "tarcat: ls DIR: NAME/" or "NAME SIZE" per entry
 *   cat=FILE          print FILE: "tarcat: | LINE" per line
 *   check=DIR         the POSIX calls on DIR, the root of dom0's site tree
 *                     (fs-tar.test): contents, sizes, seeks, listings, errors
 *   mountcall=DIR:DISK  uk_fs_mount_tar (prints its result; a failure is expected
 *                     by the case for a bad archive, so it is not a FAIL here)
 *   umount=DIR        uk_fs_umount
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uk/fs.h>

#define TEST_NAME "tarcat"
#include "../report.h"

static void ls(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d) {
        printf("tarcat: ls %s: %s\n", dir, strerror(errno));
        return;
    }
    while ((e = readdir(d))) {
        char path[512];
        struct stat st;

        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (e->d_type == DT_DIR)
            printf("tarcat: ls %s: %s/\n", dir, e->d_name);
        else if (stat(path, &st) == 0)
            printf("tarcat: ls %s: %s %lld\n", dir, e->d_name, (long long)st.st_size);
        else
            printf("tarcat: ls %s: %s (stat: %s)\n", dir, e->d_name, strerror(errno));
    }
    closedir(d);
}

static void cat(const char *file)
{
    FILE *f = fopen(file, "r");
    char line[256];

    if (!f) {
        printf("tarcat: cat %s: %s\n", file, strerror(errno));
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = 0;
        printf("tarcat: | %s\n", line);
    }
    fclose(f);
}

/* errno of open(path, flags), 0 when it opened. */
static int open_errno(const char *path, int flags)
{
    int fd = open(path, flags, 0644);

    if (fd >= 0) {
        close(fd);
        return 0;
    }
    return errno;
}

static void path(char *out, size_t len, const char *dir, const char *rel)
{
    snprintf(out, len, "%s/%s", dir, rel);
}

struct reader {
    const char *path;
    unsigned int id;
    size_t bad, bytes;
};

/* One of several threads: big.bin through one fd of its own and pread, in pieces of its own size.
 */
static void *read_big(void *arg)
{
    struct reader *r = arg;
    unsigned char buf[3000];
    size_t piece = 500 + r->id * 733;
    int fd = open(r->path, O_RDONLY);

    for (size_t off = r->id * 111; fd >= 0 && off < 300000; off += piece) {
        ssize_t n = pread(fd, buf, piece, (off_t)off);

        if (n <= 0) {
            r->bad++;
            break;
        }
        for (ssize_t i = 0; i < n; i++)
            r->bad += buf[i] != (off + (size_t)i) % 251;
        r->bytes += (size_t)n;
    }
    if (fd >= 0)
        close(fd);
    else
        r->bad++;
    return NULL;
}

/* Three threads at once: each one's reads wait on the disk while the others run. */
static void concurrent(const char *path)
{
    struct reader r[3];
    pthread_t t[3];
    size_t bad = 0;
    bool all = true;

    for (unsigned int i = 0; i < 3; i++) {
        r[i] = (struct reader){.path = path, .id = i};
        if (pthread_create(&t[i], NULL, read_big, &r[i]))
            all = false;
    }
    for (unsigned int i = 0; all && i < 3; i++) {
        pthread_join(t[i], NULL);
        bad += r[i].bad + (r[i].bytes != 300000 - i * 111);
    }
    EXPECT(all && bad == 0, "three threads read %s at once: %zu wrong", path, bad);
}

/* The tree fs-tar.test makes in dom0: index.html, hello.txt, docs/{a.txt,big.bin}, empty/. */
static void check(const char *dir)
{
    char p[512], buf[64], names[256] = "";
    struct stat st;
    struct dirent *e;
    DIR *d;
    FILE *f;
    int fd;

    path(p, sizeof(p), dir, "hello.txt");
    f = fopen(p, "r");
    EXPECT(f && fgets(buf, sizeof(buf), f) && !strcmp(buf, "hello from dom0\n"),
           "fopen and fgets of %s", p);
    if (f)
        fclose(f);
    fd = open(p, O_RDONLY);
    EXPECT(fd >= 512, "open gives an fd of the file range (%d)", fd);
    EXPECT(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 16,
           "fstat: a file of 16 bytes");
    EXPECT(lseek(fd, 6, SEEK_SET) == 6 && read(fd, buf, 4) == 4 && !memcmp(buf, "from", 4),
           "lseek and read");
    EXPECT(pread(fd, buf, 5, 0) == 5 && !memcmp(buf, "hello", 5) && lseek(fd, 0, SEEK_CUR) == 10,
           "pread leaves the position");
    EXPECT(lseek(fd, 0, SEEK_END) == 16 && read(fd, buf, 4) == 0, "end of file");
    EXPECT(write(fd, "x", 1) == -1 && errno == EBADF, "write: EBADF");
    EXPECT(isatty(fd) == 0 && errno == ENOTTY, "isatty: ENOTTY");
    EXPECT(close(fd) == 0 && close(fd) == -1 && errno == EBADF, "close, and again: EBADF");

    /* 300,000 bytes, byte i = i % 251: reads at odd offsets and sizes through the block API. */
    path(p, sizeof(p), dir, "docs/big.bin");
    fd = open(p, O_RDONLY);
    {
        static unsigned char big[300000];
        size_t got = 0, bad = 0;
        ssize_t n;

        while ((n = read(fd, big + got, got % 3 ? 777 : 70001)) > 0)
            got += (size_t)n;
        for (size_t i = 0; i < got; i++)
            bad += big[i] != i % 251;
        EXPECT(got == 300000 && bad == 0, "%s read whole in pieces: %zu bytes, %zu wrong", p, got,
               bad);
        EXPECT(pread(fd, big, 10, 299995) == 5 && big[4] == 299999 % 251, "pread at the end");
        close(fd);
    }
    concurrent(p);

    path(p, sizeof(p), dir, "missing.txt");
    EXPECT(open_errno(p, O_RDONLY) == ENOENT, "missing file: ENOENT");
    EXPECT(fopen(p, "r") == NULL && errno == ENOENT, "fopen of a missing file: ENOENT");
    EXPECT(stat(p, &st) == -1 && errno == ENOENT, "stat of a missing file: ENOENT");
    path(p, sizeof(p), dir, "hello.txt");
    EXPECT(open_errno(p, O_WRONLY) == EROFS, "O_WRONLY: EROFS");
    EXPECT(open_errno(p, O_RDWR) == EROFS, "O_RDWR: EROFS");
    EXPECT(fopen(p, "w") == NULL && errno == EROFS, "fopen for writing: EROFS");
    path(p, sizeof(p), dir, "new.txt");
    EXPECT(open_errno(p, O_WRONLY | O_CREAT) == EROFS, "O_CREAT: EROFS");
    path(p, sizeof(p), dir, "docs");
    EXPECT(open_errno(p, O_WRONLY) == EISDIR, "a directory for writing: EISDIR");
    EXPECT(stat(p, &st) == 0 && S_ISDIR(st.st_mode), "stat of a directory");
    path(p, sizeof(p), dir, "hello.txt/x");
    EXPECT(open_errno(p, O_RDONLY) == ENOTDIR, "through a file: ENOTDIR");
    path(p, sizeof(p), dir, "hello.txt");
    EXPECT(opendir(p) == NULL && errno == ENOTDIR, "opendir of a file: ENOTDIR");
    EXPECT(read(600, buf, 1) == -1 && errno == EBADF, "read of an fd nobody has: EBADF");

    path(p, sizeof(p), dir, "docs");
    d = opendir(p);
    while (d && (e = readdir(d))) {
        strcat(names, e->d_name);
        strcat(names, e->d_type == DT_DIR ? "/ " : " ");
    }
    EXPECT(d && closedir(d) == 0, "opendir, readdir, closedir of %s: %s", p, names);
    EXPECT(strstr(names, "./ ../ ") == names && strstr(names, " a.txt ") &&
               strstr(names, " big.bin ") && strlen(names) == strlen("./ ../ a.txt big.bin "),
           "the listing has ., .., a.txt, big.bin");
    EXPECT(uk_fs_umount(dir) == 0, "umount %s: nothing open", dir);
    EXPECT(open_errno(p, O_RDONLY) == ENOENT, "after umount: ENOENT");
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        char *a = argv[i], *colon;
        int rc;

        if (!strncmp(a, "ls=", 3)) {
            ls(a + 3);
        } else if (!strncmp(a, "cat=", 4)) {
            cat(a + 4);
        } else if (!strncmp(a, "check=", 6)) {
            check(a + 6);
        } else if (!strncmp(a, "mountcall=", 10) && (colon = strchr(a, ':'))) {
            *colon = 0;
            rc = uk_fs_mount_tar(a + 10, colon + 1);
            printf("tarcat: uk_fs_mount_tar(%s, %s): %d (%s)\n", a + 10, colon + 1, rc,
                   rc ? strerror(-rc) : "mounted");
        } else if (!strncmp(a, "umount=", 7)) {
            rc = uk_fs_umount(a + 7);
            printf("tarcat: uk_fs_umount(%s): %d\n", a + 7, rc);
        } else {
            test_error("unknown word '%s'", a);
        }
    }
    return test_result();
}
