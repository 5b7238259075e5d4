/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel's system calls on fds and paths (kernel/syscalls.c): the fd
 * ranges of several owners (sockets 3.., files 512..), what is refused when
 * a range is registered, which owner each call reaches, and the errors for
 * fds nobody owns and for calls an owner does not offer. syscalls.c is
 * included with its POSIX names changed to sys_*, after the host's headers
 * declared the real ones.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

/*
 * Object-like, so that the members of struct fd_ops and path_ops (whose
 * header syscalls.c includes next) and this file's initializers of them
 * are renamed alike. Not stat: `struct stat` must stay itself, and ours
 * is compatible with the C library's declaration (it stands in for it in
 * this binary, which calls stat nowhere else).
 */
#define write   sys_write
#define read    sys_read
#define pread   sys_pread
#define sbrk    sys_sbrk
#define _exit   sys_exit
#define close   sys_close
#define fstat   sys_fstat
#define isatty  sys_isatty
#define lseek   sys_lseek
#define getpid  sys_getpid
#define kill    sys_kill
#define open    sys_open
#define fcntl   sys_fcntl
#define link    sys_link
#define unlink  sys_unlink
#define mkdir   sys_mkdir
#define fork    sys_fork
#define execve  sys_execve
#define wait    sys_wait
#define environ sys_environ
#define __env   sys_env
/* The renamed calls have no prototypes of their own here. */
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
/* The host's stat says its arguments are never NULL; the guest's may be. */
#pragma GCC diagnostic ignored "-Wnonnull-compare"
#include "../../kernel/syscalls.c"
#pragma GCC diagnostic warning "-Wmissing-prototypes"

/* --- stubs of what syscalls.c calls --- */

static size_t console_bytes;

size_t console_write(const char *buf, size_t len)
{
    (void)buf;
    console_bytes += len;
    return len;
}

void *heap_sbrk(intptr_t incr)
{
    (void)incr;
    return NULL;
}

void kernel_exit(int status)
{
    (void)status;
    abort();
}

void uk_panic(const char *fmt, ...)
{
    (void)fmt;
    abort();
}

/* --- two owners that record what reached them --- */

static int last_fd, last_owner;
static bool sock_open[300];

static void seen(int owner, int fd)
{
    last_owner = owner;
    last_fd = fd;
}

static ssize_t a_read(int fd, void *buf, size_t len)
{
    (void)buf;
    seen(1, fd);
    return (ssize_t)len;
}

static ssize_t a_write(int fd, const void *buf, size_t len)
{
    (void)buf;
    seen(1, fd);
    return (ssize_t)len;
}

static int a_close(int fd)
{
    seen(1, fd);
    return 0;
}

static int a_fstat(int fd, struct stat *st)
{
    seen(1, fd);
    if (!sock_open[fd]) {
        errno = EBADF;
        return -1;
    }
    *st = (struct stat){.st_mode = S_IFSOCK};
    return 0;
}

/* Sockets: no lseek, no pread, no fcntl (ESPIPE, ESPIPE, ENOSYS for open ones). */
static const struct fd_ops sockets = {
    .read = a_read, .write = a_write, .close = a_close, .fstat = a_fstat};

static ssize_t b_read(int fd, void *buf, size_t len)
{
    (void)buf;
    (void)len;
    seen(2, fd);
    return 7;
}

static int b_fstat(int fd, struct stat *st)
{
    seen(2, fd);
    *st = (struct stat){.st_mode = S_IFREG};
    return 0;
}

static off_t b_lseek(int fd, off_t off, int whence)
{
    (void)whence;
    seen(2, fd);
    return off;
}

static ssize_t b_pread(int fd, void *buf, size_t len, off_t off)
{
    (void)buf;
    (void)len;
    seen(2, fd);
    return (ssize_t)off;
}

static int b_fcntl(int fd, int cmd, int arg)
{
    (void)cmd;
    seen(2, fd);
    return arg;
}

static const struct fd_ops files = {.read = b_read,
                                    .write = a_write,
                                    .close = a_close,
                                    .fcntl = b_fcntl,
                                    .lseek = b_lseek,
                                    .fstat = b_fstat,
                                    .pread = b_pread};

static int p_flags;
static mode_t p_mode;

static int p_open(const char *path, int flags, mode_t mode)
{
    (void)path;
    p_flags = flags;
    p_mode = mode;
    return 512;
}

static int p_stat(const char *path, struct stat *st)
{
    (void)path;
    *st = (struct stat){.st_mode = S_IFDIR};
    return 0;
}

static const struct path_ops paths = {.open = p_open, .stat = p_stat};

static void reset(void)
{
    nranges = 0;
    path_ops = NULL;
    memset(sock_open, 0, sizeof(sock_open));
    last_owner = last_fd = -1;
}

/* -1 with errno `err`. */
#define CHECK_ERR(call, err)                                                                       \
    do {                                                                                           \
        errno = 0;                                                                                 \
        CHECK_EQ((call), -1);                                                                      \
        CHECK_EQ(errno, (err));                                                                    \
    } while (0)

TEST(ranges_are_disjoint_and_few)
{
    struct fd_ops no_fstat = sockets;

    reset();
    no_fstat.fstat = NULL;
    CHECK_EQ(kernel_fd_range_set(3, 256, &sockets), 0);
    CHECK_EQ(kernel_fd_range_set(512, 64, &files), 0);
    CHECK_EQ(kernel_fd_range_set(258, 10, &files), -EINVAL); /* overlaps 3..258 */
    CHECK_EQ(kernel_fd_range_set(500, 13, &files), -EINVAL); /* overlaps 512.. */
    CHECK_EQ(kernel_fd_range_set(575, 1, &files), -EINVAL);
    CHECK_EQ(kernel_fd_range_set(0, 3, &files), -EINVAL); /* the console's */
    CHECK_EQ(kernel_fd_range_set(600, 0, &files), -EINVAL);
    CHECK_EQ(kernel_fd_range_set(INT32_MAX - 5, 10, &files), -EINVAL);
    CHECK_EQ(kernel_fd_range_set(600, 1, NULL), -EINVAL);
    CHECK_EQ(kernel_fd_range_set(600, 1, &no_fstat), -EINVAL);
    CHECK_EQ(kernel_fd_range_set(259, 253, &files), 0); /* 259..511: fits between */
    CHECK_EQ(kernel_fd_range_set(576, 1, &files), 0);
    CHECK_EQ(kernel_fd_range_set(700, 1, &files), -ENOSPC);
}

TEST(each_call_reaches_its_owner)
{
    char buf[8];
    struct stat st;

    reset();
    kernel_fd_range_set(3, 256, &sockets);
    kernel_fd_range_set(512, 64, &files);
    sock_open[3] = sock_open[258] = true;
    CHECK_EQ(sys_read(3, buf, 5), 5);
    CHECK(last_owner == 1 && last_fd == 3);
    CHECK_EQ(sys_read(258, buf, 5), 5);
    CHECK(last_owner == 1 && last_fd == 258);
    CHECK_EQ(sys_read(512, buf, 5), 7);
    CHECK(last_owner == 2 && last_fd == 512);
    CHECK_EQ(sys_read(575, buf, 5), 7);
    CHECK(last_owner == 2 && last_fd == 575);
    CHECK_EQ(sys_fstat(575, &st), 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(sys_fstat(3, &st), 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK_EQ(sys_lseek(512, 42, SEEK_SET), 42);
    CHECK_EQ(sys_pread(513, buf, 1, 99), 99);
    CHECK_EQ(sys_fcntl(514, F_GETFL, 5), 5);
    CHECK_EQ(sys_close(515), 0);
    CHECK(last_owner == 1 && last_fd == 515); /* files' close is a_close */
    CHECK_EQ(sys_write(1, "abc", 3), 3);
    CHECK_EQ(console_bytes, 3);
    CHECK_EQ(sys_read(0, buf, 1), 0);
}

TEST(fds_nobody_owns_and_calls_not_offered)
{
    char buf[8];
    struct stat st;

    reset();
    kernel_fd_range_set(3, 256, &sockets);
    kernel_fd_range_set(512, 64, &files);
    sock_open[4] = true;
    CHECK_ERR(sys_read(259, buf, 1), EBADF);
    CHECK_ERR(sys_read(511, buf, 1), EBADF);
    CHECK_ERR(sys_read(576, buf, 1), EBADF);
    CHECK_ERR(sys_read(-1, buf, 1), EBADF);
    CHECK_ERR(sys_write(0, buf, 1), EBADF);
    CHECK_ERR(sys_write(300, buf, 1), EBADF);
    CHECK_ERR(sys_close(300), EBADF);
    CHECK_ERR(sys_fstat(300, &st), EBADF);
    CHECK_ERR(sys_lseek(300, 0, SEEK_SET), EBADF);
    CHECK_ERR(sys_pread(300, buf, 1, 0), EBADF);
    CHECK_ERR(sys_fcntl(300, F_GETFL, 0), EBADF);
    /* An open socket: no seeking (ESPIPE), no fcntl here (ENOSYS), not a tty. */
    CHECK_ERR(sys_lseek(4, 0, SEEK_SET), ESPIPE);
    CHECK_ERR(sys_pread(4, buf, 1, 0), ESPIPE);
    CHECK_ERR(sys_fcntl(4, F_GETFL, 0), ENOSYS);
    errno = 0;
    CHECK_EQ(sys_isatty(4), 0);
    CHECK_EQ(errno, ENOTTY);
    /* A socket fd not open: EBADF for all of them. */
    CHECK_ERR(sys_lseek(5, 0, SEEK_SET), EBADF);
    CHECK_ERR(sys_pread(5, buf, 1, 0), EBADF);
    errno = 0;
    CHECK_EQ(sys_isatty(5), 0);
    CHECK_EQ(errno, EBADF);
    errno = 0;
    CHECK_EQ(sys_isatty(300), 0);
    CHECK_EQ(errno, EBADF);
    CHECK_EQ(sys_isatty(2), 1);
    /* The console: a character device that does not seek. */
    CHECK_EQ(sys_fstat(1, &st), 0);
    CHECK(S_ISCHR(st.st_mode));
    CHECK_ERR(sys_lseek(1, 0, SEEK_SET), ESPIPE);
    CHECK_ERR(sys_pread(0, buf, 1, 0), ESPIPE);
}

TEST(paths_go_to_their_owner)
{
    struct stat st;

    reset();
    CHECK_ERR(sys_open("/data/x", O_RDONLY), ENOENT);
    CHECK_ERR(stat("/data/x", &st), ENOENT);
    CHECK_ERR(sys_open(NULL, O_RDONLY), EFAULT);
    kernel_path_ops_set(&paths);
    CHECK_EQ(sys_open("/data/x", O_RDONLY), 512);
    CHECK_EQ(p_flags, O_RDONLY);
    CHECK_EQ(p_mode, 0);
    CHECK_EQ(sys_open("/data/x", O_WRONLY | O_CREAT, 0640), 512);
    CHECK_EQ(p_flags, O_WRONLY | O_CREAT);
    CHECK_EQ(p_mode, 0640);
    CHECK_EQ(stat("/data", &st), 0);
    CHECK(S_ISDIR(st.st_mode));
}
