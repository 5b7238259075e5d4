/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The system calls newlib expects (built with
 * --disable-newlib-supplied-syscalls): console output on fd 1 and 2, the
 * heap, exit, and clean errors for everything a unikernel does not have.
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

#undef errno
extern int errno;

/* fds from FD_FIRST_EXTERNAL up (the sockets, when net/ is linked in). */
static const struct fd_ops *ext_ops;

void kernel_fd_ops_set(const struct fd_ops *ops)
{
    ext_ops = ops;
}

static bool is_external(int fd)
{
    return fd >= FD_FIRST_EXTERNAL && ext_ops;
}

char *__env[1] = {0};
char **environ = __env;

int write(int fd, const void *buf, size_t len)
{
    if (is_external(fd))
        return (int)ext_ops->write(fd, buf, len);
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    return (int)console_write(buf, len);
}

int read(int fd, void *buf, size_t len)
{
    if (is_external(fd))
        return (int)ext_ops->read(fd, buf, len);
    /* No console input yet: stdin is at end of file. */
    if (fd == 0)
        return 0;
    errno = EBADF;
    return -1;
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
    if (is_external(fd))
        return ext_ops->close(fd);
    if (fd >= 0 && fd <= 2)
        return 0;
    errno = EBADF;
    return -1;
}

int fstat(int fd, struct stat *st)
{
    if (is_external(fd) && ext_ops->fcntl(fd, F_GETFL, 0) >= 0) {
        *st = (struct stat){.st_mode = S_IFSOCK};
        return 0;
    }
    if (fd < 0 || fd > 2) {
        errno = EBADF;
        return -1;
    }
    *st = (struct stat){.st_mode = S_IFCHR};
    return 0;
}

int isatty(int fd)
{
    if (fd >= 0 && fd <= 2)
        return 1;
    errno = is_external(fd) && ext_ops->fcntl(fd, F_GETFL, 0) >= 0 ? ENOTTY : EBADF;
    return 0;
}

off_t lseek(int fd, off_t off, int whence)
{
    (void)off;
    (void)whence;
    errno = fd >= 0 && fd <= 2 ? ESPIPE : EBADF;
    return -1;
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
    (void)path;
    (void)flags;
    errno = ENOENT;
    return -1;
}

int stat(const char *path, struct stat *st)
{
    (void)path;
    (void)st;
    errno = ENOENT;
    return -1;
}

int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    int arg;

    va_start(ap, cmd);
    arg = va_arg(ap, int);
    va_end(ap);
    if (is_external(fd))
        return ext_ops->fcntl(fd, cmd, arg);
    if (fd >= 0 && fd <= 2)
        return unsupported();
    errno = EBADF;
    return -1;
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
