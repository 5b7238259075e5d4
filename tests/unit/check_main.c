/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The harness's main(): run every registered test, report each as TAP
 * (`1..N`, then `ok K - name` or `not ok K - name`), and print the closing
 * `N passed, N failed` line.
 */
#include <string.h>

#include <uk/assert.h>

#include "check.h"

struct test_case test_cases[MAX_TESTS];
int nr_test_cases, check_failures;
jmp_buf *check_assert_jmp;
const char *check_assert_expr;

/* The runtime's UK_ASSERT, failed: back to CHECK_ASSERTS, or the test binary ends. */
void uk_assert_fail(const char *expr, const char *file, int line, const char *func)
{
    if (check_assert_jmp) {
        check_assert_expr = expr;
        longjmp(*check_assert_jmp, 1);
    }
    printf("  %s:%d: %s: UK_ASSERT(%s) failed\n", file, line, func, expr);
    fflush(stdout);
    abort();
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0, planned = 0;

    for (int i = 0; i < nr_test_cases; i++)
        planned += argc <= 1 || strcmp(argv[1], test_cases[i].name) == 0;
    printf("1..%d\n", planned);
    for (int i = 0; i < nr_test_cases; i++) {
        int before = check_failures;

        if (argc > 1 && strcmp(argv[1], test_cases[i].name) != 0)
            continue;
        test_cases[i].fn();
        if (check_failures == before) {
            passed++;
            printf("ok %d - %s\n", passed + failed, test_cases[i].name);
        } else {
            failed++;
            printf("not ok %d - %s\n", passed + failed, test_cases[i].name);
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
