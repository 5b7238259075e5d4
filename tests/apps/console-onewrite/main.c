/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * console-onewrite: the smallest app, one write() and no stdio. What it carries is
 * the runtime itself: `make bench` reports its stripped size (issue 9: at
 * most 64 KiB), case onewrite checks that it still runs. Its verdict
 * (tests/apps/report.h's result line) is a second write: report.h's printf
 * would pull in stdio.
 */
#include <unistd.h>

#define WRITE_ALL(s) (write(1, s, sizeof(s) - 1) == (ssize_t)sizeof(s) - 1)

int main(void)
{
    if (!WRITE_ALL("console-onewrite: one write\n")) {
        (void)WRITE_ALL("Test result: FAILURE\n");
        return 1;
    }
    return WRITE_ALL("Test result: SUCCESS\n") ? 0 : 1;
}
