/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Files for apps (docs/fs.md): read-only tar (ustar) archives on block
 * devices, mounted at a directory and read through the C library's calls
 * (open, read, pread, lseek, fstat, close, stat; fopen and friends;
 * opendir, readdir, closedir from <dirent.h>). A mount comes from the
 * command line, `mount=/data:xvdb` (taken before main; a bad one ends the
 * guest with status 2), or from the calls below. Writes are refused with
 * EROFS: a disk is written through <uk/blk.h> only.
 */
#ifndef UK_FS_H
#define UK_FS_H

#include <stdint.h>

/* How many archives can be mounted at once. */
#define UK_FS_MOUNT_MAX 4

/*
 * Mount the tar archive on disk `disk` ("xvdb", <uk/blk.h>) at directory
 * `dir` (absolute, e.g. "/data"; not "/", not inside or above another
 * mount). The headers are read and checked once, here; file data is read
 * from the disk when asked for. 0, or -EINVAL (a bad dir, or a bad archive:
 * the console names the entry and the reason), -EBUSY (dir mounted
 * already), -ENODEV (no such disk), -ENOSPC (UK_FS_MOUNT_MAX mounts),
 * -ENOMEM, -EIO. Threads only.
 */
int uk_fs_mount_tar(const char *dir, const char *disk);

/* Unmount `dir`: 0, -ENOENT (not mounted), -EBUSY (a file or directory is open). */
int uk_fs_umount(const char *dir);

struct uk_fs_mount_info {
    char dir[64];
    char disk[8];
    uint32_t files, dirs;   /* in the index (directories include the top) */
    uint32_t skipped;       /* entries of a type not served (links, devices, pax headers) */
    uint64_t archive_bytes; /* of the disk, what the archive takes */
    uint64_t disk_reads;    /* block requests made for this mount */
};

/* Mount `i` (0 .. UK_FS_MOUNT_MAX - 1): 0, or -ENOENT when none is there. */
int uk_fs_mount_info(unsigned int i, struct uk_fs_mount_info *info);

#endif
