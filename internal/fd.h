/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * File descriptors beyond the console's 0-2 belong to a subsystem above the
 * kernel (the sockets of net/), which registers its operations at init:
 * kernel/syscalls.c hands read, write, close, fcntl and fstat on fds >= 3
 * to them, so the kernel never names that subsystem. One owner; without
 * one, such an fd is EBADF.
 */
#ifndef INTERNAL_FD_H
#define INTERNAL_FD_H

#include <sys/types.h>

#define FD_FIRST_EXTERNAL 3

/* Each returns what the POSIX call returns, with errno set on failure. */
struct fd_ops {
    ssize_t (*read)(int fd, void *buf, size_t len);
    ssize_t (*write)(int fd, const void *buf, size_t len);
    int (*close)(int fd);
    int (*fcntl)(int fd, int cmd, int arg);
};

void kernel_fd_ops_set(const struct fd_ops *ops);

#endif
