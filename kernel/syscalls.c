/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The system calls newlib expects (built with
 * --disable-newlib-supplied-syscalls): console output on fd 1 and 2, the
 * heap, exit, and clean errors for everything a unikernel does not have.
 * Other fds go to the subsystem owning their range, paths to the path
 * owner (internal/fd.h); pread, which newlib does not have for us, too.
 * The clock calls live with the clocks, in events/libc_time.c.
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

#include <internal/console.h>
#include <internal/fd.h>
#include <internal/heap.h>
#include <internal/kernel.h>

/*
 * errno here is the calling thread's (newlib's *__errno()), not the global
 * `errno` newlib's _r wrappers read: apps call read, isatty, open, ...
 * directly, and would not see an error left only in the global (a wrapper
 * copies the global only when it is non-zero, so ours stands there too).
 */

/* The owners of fds beyond the console's (internal/fd.h), and of paths. */
static struct fd_range {
    int first, count;
    const struct fd_ops *ops;
} ranges[FD_RANGES_MAX];
static unsigned int nranges;
static const struct path_ops *path_ops;

int kernel_fd_range_set(int first, int count, const struct fd_ops *ops)
{
    if (first < FD_FIRST_EXTERNAL || count <= 0 || first > INT32_MAX - count || !ops ||
        !ops->read || !ops->write || !ops->close || !ops->fstat)
        return -EINVAL;
    for (unsigned int i = 0; i < nranges; i++)
        if (first < ranges[i].first + ranges[i].count && ranges[i].first < first + count)
            return -EINVAL;
    if (nranges == FD_RANGES_MAX)
        return -ENOSPC;
    ranges[nranges++] = (struct fd_range){first, count, ops};
    return 0;
}

void kernel_path_ops_set(const struct path_ops *ops)
{
    path_ops = ops;
}

/* The ops of fd's owner, or NULL (then the fd is the console's or nobody's). */
static const struct fd_ops *owner(int fd)
{
    for (unsigned int i = 0; i < nranges; i++)
        if (fd >= ranges[i].first && fd - ranges[i].first < ranges[i].count)
            return ranges[i].ops;
    return NULL;
}

static bool is_console(int fd)
{
    return fd >= 0 && fd <= 2;
}

static int fail(int err)
{
    errno = err;
    return -1;
}

/* For calls an owner may not offer: EBADF when fd is not open, else `err`. */
static int not_offered(const struct fd_ops *ops, int fd, int err)
{
    struct stat st;

    return ops->fstat(fd, &st) < 0 ? -1 : fail(err);
}

/*
 * open() and stat() keep the path owner (internal/fd.h): a relocation the
 * linker's --gc-sections follows, against a weak symbol so that a runtime
 * without one still links.
 */
#define PATH_OWNER_NEEDED()                                                                        \
    __asm__ volatile(".weak kernel_path_owner\n\t.reloc ., BFD_RELOC_NONE, kernel_path_owner")

char *__env[1] = {0};
char **environ = __env;

int write(int fd, const void *buf, size_t len)
{
    const struct fd_ops *ops = owner(fd);

    if (ops)
        return (int)ops->write(fd, buf, len);
    if (fd != 1 && fd != 2)
        return fail(EBADF);
    return (int)console_write(buf, len);
}

int read(int fd, void *buf, size_t len)
{
    const struct fd_ops *ops = owner(fd);

    if (ops)
        return (int)ops->read(fd, buf, len);
    /* No console input yet: stdin is at end of file. */
    if (fd == 0)
        return 0;
    return fail(EBADF);
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
    const struct fd_ops *ops = owner(fd);

    if (ops && ops->pread)
        return ops->pread(fd, buf, len, off);
    if (ops)
        return not_offered(ops, fd, ESPIPE);
    return fail(is_console(fd) ? ESPIPE : EBADF);
}

void *sbrk(ptrdiff_t incr)
{
    return heap_sbrk(incr);
}

void _exit(int status)
{
    kernel_exit(status);
}

int close(int fd)
{
    const struct fd_ops *ops = owner(fd);

    if (ops)
        return ops->close(fd);
    if (is_console(fd))
        return 0;
    return fail(EBADF);
}

int fstat(int fd, struct stat *st)
{
    const struct fd_ops *ops = owner(fd);

    if (ops)
        return ops->fstat(fd, st);
    if (!is_console(fd))
        return fail(EBADF);
    *st = (struct stat){.st_mode = S_IFCHR};
    return 0;
}

int isatty(int fd)
{
    const struct fd_ops *ops = owner(fd);
    struct stat st;

    if (is_console(fd))
        return 1;
    if (!ops || ops->fstat(fd, &st) == 0)
        errno = ops ? ENOTTY : EBADF;
    return 0;
}

off_t lseek(int fd, off_t off, int whence)
{
    const struct fd_ops *ops = owner(fd);

    if (ops && ops->lseek)
        return ops->lseek(fd, off, whence);
    if (ops)
        return not_offered(ops, fd, ESPIPE);
    return fail(is_console(fd) ? ESPIPE : EBADF);
}

int getpid(void)
{
    return 1;
}

int kill(int pid, int sig)
{
    if (pid != 1) {
        errno = ESRCH;
        return -1;
    }
    /* Only abort() and raise() get here: a signal with no handler is fatal. */
    uk_panic("killed by signal %d%s", sig, sig == SIGABRT ? " (abort)" : "");
}

static int unsupported(void)
{
    errno = ENOSYS;
    return -1;
}

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    va_list ap;

    PATH_OWNER_NEEDED();
    if (flags & O_CREAT) {
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if (!path)
        return fail(EFAULT);
    if (path_ops)
        return path_ops->open(path, flags, mode);
    return fail(ENOENT);
}

int stat(const char *path, struct stat *st)
{
    PATH_OWNER_NEEDED();
    if (!path || !st)
        return fail(EFAULT);
    if (path_ops)
        return path_ops->stat(path, st);
    return fail(ENOENT);
}

int fcntl(int fd, int cmd, ...)
{
    const struct fd_ops *ops = owner(fd);
    va_list ap;
    int arg;

    va_start(ap, cmd);
    arg = va_arg(ap, int);
    va_end(ap);
    if (ops && ops->fcntl)
        return ops->fcntl(fd, cmd, arg);
    if (ops)
        return not_offered(ops, fd, ENOSYS);
    if (is_console(fd))
        return unsupported();
    return fail(EBADF);
}

int link(const char *old, const char *new)
{
    (void)old;
    (void)new;
    return unsupported();
}

int unlink(const char *path)
{
    (void)path;
    return unsupported();
}

int mkdir(const char *path, mode_t mode)
{
    (void)path;
    (void)mode;
    return unsupported();
}

int fork(void)
{
    errno = EAGAIN;
    return -1;
}

int execve(const char *path, char *const argv[], char *const envp[])
{
    (void)path;
    (void)argv;
    (void)envp;
    return unsupported();
}

int wait(int *status)
{
    (void)status;
    errno = ECHILD;
    return -1;
}
