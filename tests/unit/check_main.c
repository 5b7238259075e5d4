/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The harness's main(): run every registered test, report per test, and
 * print the closing `N passed, N failed` line.
 */
#include <string.h>

#include "check.h"

struct test_case test_cases[MAX_TESTS];
int nr_test_cases, check_failures;

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;

    for (int i = 0; i < nr_test_cases; i++) {
        int before = check_failures;

        if (argc > 1 && strcmp(argv[1], test_cases[i].name) != 0)
            continue;
        test_cases[i].fn();
        if (check_failures == before) {
            passed++;
        } else {
            failed++;
            printf("FAIL %s\n", test_cases[i].name);
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
