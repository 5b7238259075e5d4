/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest's verdict, in the spirit of the Xen Test Framework: a test app
 * reports each check and ends with exactly one line
 *
 *     Test result: SUCCESS | SKIP | ERROR | FAILURE
 *
 * which its case matches; the case keeps only what the guest cannot judge
 * (crash reports, dom0's side). Define TEST_NAME before including.
 *
 *   EXPECT(cond, fmt, ...)  "<TEST_NAME>: ok <what>" or "... FAIL <what>"
 *   test_skip(fmt, ...)     the test cannot run here (e.g. no peer): SKIP
 *   test_error(fmt, ...)    the test itself went wrong (set-up failed): ERROR
 *   return test_result();   prints the result line; 0 for SUCCESS and SKIP
 *
 * FAILURE wins over ERROR, ERROR over SKIP. Thread-safe enough for
 * cooperative threads: nothing here blocks between reading and writing.
 */
#ifndef TESTS_APPS_REPORT_H
#define TESTS_APPS_REPORT_H

#include <stdbool.h>
#include <stdio.h>

enum test_verdict { TEST_SUCCESS, TEST_SKIP, TEST_ERROR, TEST_FAILURE };

/* The number of failed checks; unused by an app whose verdict is its exit or crash. */
__attribute__((unused)) static int failures;
static enum test_verdict test_verdict_now = TEST_SUCCESS;

static inline void test_verdict_at_least(enum test_verdict v)
{
    if (v > test_verdict_now)
        test_verdict_now = v;
}

/* "<TEST_NAME>: WORD what" and the verdict raised to at least `v`. */
#define test_report_(word, v, ...)                                                                 \
    do {                                                                                           \
        printf(TEST_NAME ": " word " ");                                                           \
        printf(__VA_ARGS__);                                                                       \
        printf("\n");                                                                              \
        test_verdict_at_least(v);                                                                  \
    } while (0)

/* Evaluates `cond` once: it often has side effects. */
#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (cond) {                                                                                \
            test_report_("ok", TEST_SUCCESS, __VA_ARGS__);                                         \
        } else {                                                                                   \
            failures++;                                                                            \
            test_report_("FAIL", TEST_FAILURE, __VA_ARGS__);                                       \
        }                                                                                          \
    } while (0)

#define test_skip(...)  test_report_("SKIP", TEST_SKIP, __VA_ARGS__)
#define test_error(...) test_report_("ERROR", TEST_ERROR, __VA_ARGS__)

/* The one result line; main returns this (0 for SUCCESS and SKIP). */
static inline int test_result(void)
{
    static const char *const names[] = {"SUCCESS", "SKIP", "ERROR", "FAILURE"};

    printf("Test result: %s\n", names[test_verdict_now]);
    fflush(stdout);
    return test_verdict_now <= TEST_SKIP ? 0 : 1;
}

#endif
