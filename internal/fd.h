/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * File descriptors and paths, shared between the kernel's system calls and
 * the subsystems above it that own them (docs/fs.md, "File descriptors").
 * fds 0-2 are the console's. Beyond them each owner registers a range of
 * its own at init, disjoint from the others:
 *
 *   3 .. 258     sockets (net/: LWIP_SOCKET_OFFSET 3, MEMP_NUM_NETCONN 256)
 *   512 .. 575   files and directories of mounted archives (fs/)
 *
 * kernel/syscalls.c hands read, write, close, fcntl, lseek, fstat and pread
 * on an fd to its range's owner, and open and stat on a path to the one
 * path owner, so the kernel never names them. An fd in no range is EBADF.
 */
#ifndef INTERNAL_FD_H
#define INTERNAL_FD_H

#include <sys/stat.h>
#include <sys/types.h>

#define FD_FIRST_EXTERNAL 3
/* How many owners of fd ranges there can be. */
#define FD_RANGES_MAX 4

/*
 * Each returns what the POSIX call returns, with errno set on failure.
 * read, write, close and fstat are required (fstat says whether an fd of
 * the range is open: EBADF when not); a missing lseek or pread is ESPIPE, a
 * missing fcntl ENOSYS, for an fd that is open.
 */
struct fd_ops {
    ssize_t (*read)(int fd, void *buf, size_t len);
    ssize_t (*write)(int fd, const void *buf, size_t len);
    int (*close)(int fd);
    int (*fcntl)(int fd, int cmd, int arg);
    off_t (*lseek)(int fd, off_t off, int whence);
    int (*fstat)(int fd, struct stat *st);
    ssize_t (*pread)(int fd, void *buf, size_t len, off_t off);
};

/*
 * fds first .. first + count - 1 belong to `ops` from now on. 0, or
 * -EINVAL (below FD_FIRST_EXTERNAL, overlapping another range, required
 * ops missing), -ENOSPC (FD_RANGES_MAX ranges already). At init.
 */
int kernel_fd_range_set(int first, int count, const struct fd_ops *ops);

/*
 * The owner of paths (fs/): open() and stat() go to it; without one, every
 * path is ENOENT. Each returns what the POSIX call returns, errno set.
 */
struct path_ops {
    int (*open)(const char *path, int flags, mode_t mode);
    int (*stat)(const char *path, struct stat *st);
};
void kernel_path_ops_set(const struct path_ops *ops);

/*
 * open() and stat() keep the path owner in the image without naming it: a
 * no-op relocation against the weak symbol kernel_path_owner, which the
 * owner defines as a function holding its INITCALL_NEEDED. So an app that
 * opens files gets the file system and its mounts at boot, and one that
 * never calls open() or stat() carries none of it.
 */
void kernel_path_owner(void);

#endif
