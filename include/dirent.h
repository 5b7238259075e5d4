/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Directories, POSIX <dirent.h>: newlib has none for this target (its
 * <sys/dirent.h> is an #error), so the runtime gives its own, served by the
 * file system (fs/, docs/fs.md). DIR is opaque; readdir's entry is valid
 * until the next readdir or closedir on the same DIR.
 */
#ifndef _DIRENT_H_
#define _DIRENT_H_

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef NAME_MAX
#define NAME_MAX 255
#endif

/* d_type values (BSD and Linux spell them the same). */
#define DT_UNKNOWN 0
#define DT_DIR     4
#define DT_REG     8

struct dirent {
    ino_t d_ino;
    unsigned char d_type;
    char d_name[NAME_MAX + 1];
};

typedef struct __uk_dir DIR;

DIR *opendir(const char *path);
struct dirent *readdir(DIR *dir);
int closedir(DIR *dir);
void rewinddir(DIR *dir);

#ifdef __cplusplus
}
#endif

#endif
