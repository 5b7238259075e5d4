/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A very small unit-test harness for the host tests. A test is a function
 * registered with TEST(name); CHECK, CHECK_EQ and CHECK_STR record a failure
 * (with file:line) and carry on, so one run shows every broken check.
 * main() runs every test (or only the one named on its command line) and
 * prints one `N passed, N failed` line (N counts tests); tests/unit/run.sh
 * adds up the binaries' lines.
 */
#ifndef CHECK_H
#define CHECK_H

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct test_case {
    const char *name;
    void (*fn)(void);
};

#define MAX_TESTS 128
extern struct test_case test_cases[MAX_TESTS];
extern int nr_test_cases, check_failures;

/* Registration runs before main(): too many tests cannot wait for a report. */
#define TEST(name)                                                                                 \
    static void name(void);                                                                        \
    __attribute__((constructor)) static void register_##name(void)                                 \
    {                                                                                              \
        if (nr_test_cases == MAX_TESTS) {                                                          \
            fprintf(stderr, "check.h: more than %d tests: raise MAX_TESTS\n", MAX_TESTS);          \
            exit(2);                                                                               \
        }                                                                                          \
        test_cases[nr_test_cases++] = (struct test_case){#name, name};                             \
    }                                                                                              \
    static void name(void)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            check_failures++;                                                                      \
            printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);                      \
        }                                                                                          \
    } while (0)

/* Integers of any width and sign; shown in decimal and hex (addresses). */
#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                      \
        if (va_ != vb_) {                                                                          \
            check_failures++;                                                                      \
            printf("  %s:%d: CHECK_EQ(%s, %s): %lld != %lld (%#llx != %#llx)\n", __FILE__,         \
                   __LINE__, #a, #b, va_, vb_, (unsigned long long)va_, (unsigned long long)vb_);  \
        }                                                                                          \
    } while (0)

/* Strings, either of which may be NULL. */
#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *sa_ = (a), *sb_ = (b);                                                         \
        if (sa_ != sb_ && (!sa_ || !sb_ || strcmp(sa_, sb_) != 0)) {                               \
            check_failures++;                                                                      \
            printf("  %s:%d: CHECK_STR(%s, %s): \"%s\" != \"%s\"\n", __FILE__, __LINE__, #a, #b,   \
                   sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");                                    \
        }                                                                                          \
    } while (0)

/*
 * CHECK_ASSERTS(stmt, "expr"): running stmt must fail the runtime's
 * UK_ASSERT(expr) (<uk/assert.h>). The harness's uk_assert_fail jumps back
 * here instead of crashing; outside CHECK_ASSERTS a failed UK_ASSERT prints
 * where and aborts the test binary.
 */
extern jmp_buf *check_assert_jmp;
extern const char *check_assert_expr;
#define CHECK_ASSERTS(stmt, expr)                                                                  \
    do {                                                                                           \
        jmp_buf jb_;                                                                               \
        check_assert_expr = NULL;                                                                  \
        check_assert_jmp = &jb_;                                                                   \
        if (!setjmp(jb_)) {                                                                        \
            stmt;                                                                                  \
        }                                                                                          \
        check_assert_jmp = NULL;                                                                   \
        if (!check_assert_expr || strcmp(check_assert_expr, (expr)) != 0) {                        \
            check_failures++;                                                                      \
            printf("  %s:%d: CHECK_ASSERTS(%s): UK_ASSERT(%s) did not fail (%s)\n", __FILE__,      \
                   __LINE__, #stmt, (expr),                                                        \
                   check_assert_expr ? check_assert_expr : "no assertion failed");                 \
        }                                                                                          \
    } while (0)

/* A fixed-seed generator (xorshift64*), the same on every libc. */
static inline uint64_t check_rand(uint64_t *state)
{
    uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ull;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dull;
}

#endif
