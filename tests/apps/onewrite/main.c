/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * onewrite: the smallest app, one write() and no stdio. What it carries is
 * the runtime itself: `make bench` reports its stripped size (issue 9: at
 * most 64 KiB), case onewrite checks that it still runs.
 */
#include <unistd.h>

int main(void)
{
    static const char msg[] = "onewrite: one write\n";

    return write(1, msg, sizeof(msg) - 1) == (ssize_t)sizeof(msg) - 1 ? 0 : 1;
}
