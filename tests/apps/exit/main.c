/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exit: ends with the status given on the command line, by returning
 * from main ("return N") or by calling exit ("exit N"). The rig checks the
 * `exit status N` line and that xl saw a poweroff for 0, a crash otherwise;
 * the guest's own verdict (nothing went wrong before the exit) comes first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_NAME "exit"
#include "../report.h"

int main(int argc, char **argv)
{
    int status;

    if (argc != 3) {
        test_error("usage: exit return|exit N");
        return test_result();
    }
    status = atoi(argv[2]);
    printf("exit: %s %d\n", argv[1], status);
    /* The status is the thing tested: the verdict comes before it. */
    test_result();
    if (strcmp(argv[1], "exit") == 0)
        exit(status);
    return status;
}
