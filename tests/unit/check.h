/*
 * A very small unit-test harness for the host tests. A test is a function
 * registered with TEST(name); CHECK and CHECK_EQ record a failure (with
 * file:line) and carry on. main() runs every test and prints one
 * `N passed, N failed` line (N counts tests); tests/unit/run.sh adds up the
 * binaries' lines.
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <stdlib.h>

struct test_case {
    const char *name;
    void (*fn)(void);
};

#define MAX_TESTS 128
extern struct test_case test_cases[MAX_TESTS];
extern int nr_test_cases, check_failures;

#define TEST(name)                                                                                 \
    static void name(void);                                                                        \
    __attribute__((constructor)) static void register_##name(void)                                 \
    {                                                                                              \
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

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                      \
        if (va_ != vb_) {                                                                          \
            check_failures++;                                                                      \
            printf("  %s:%d: CHECK_EQ(%s, %s): %lld != %lld\n", __FILE__, __LINE__, #a, #b, va_,   \
                   vb_);                                                                           \
        }                                                                                          \
    } while (0)

#endif
