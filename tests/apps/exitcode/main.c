/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * exitcode: ends with the status given on the command line, by returning
 * from main ("return N") or by calling exit ("exit N"). The rig checks the
 * `exit status N` line and that xl saw a poweroff for 0, a crash otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int status;

    if (argc != 3) {
        printf("usage: exitcode return|exit N\n");
        return 2;
    }
    status = atoi(argv[2]);
    printf("exitcode: %s %d\n", argv[1], status);
    if (strcmp(argv[1], "exit") == 0)
        exit(status);
    return status;
}
