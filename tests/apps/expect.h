/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The verdict lines of the guest test apps: EXPECT(cond, fmt, ...) prints
 * "<TEST_NAME>: ok <what>" or "<TEST_NAME>: FAIL <what>" and counts
 * failures; the rig's cases match those lines. Define TEST_NAME first.
 */
#ifndef TESTS_APPS_EXPECT_H
#define TESTS_APPS_EXPECT_H

#include <stdbool.h>
#include <stdio.h>

static int failures;

/* Evaluates `cond` once: it often has side effects. */
#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        bool ok_ = (cond);                                                                         \
        printf(TEST_NAME ": %s ", ok_ ? "ok" : "FAIL");                                            \
        printf(__VA_ARGS__);                                                                       \
        printf("\n");                                                                              \
        if (!ok_)                                                                                  \
            failures++;                                                                            \
    } while (0)

#endif
