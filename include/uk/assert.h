/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Assertions for invariants of the code itself (docs/conventions.md): a
 * broken one is a bug, reported and fatal. Never for what a peer domain,
 * XenStore or a caller can get wrong: that is an error return.
 */
#ifndef UK_ASSERT_H
#define UK_ASSERT_H

/*
 * Crash with `assertion "EXPR" failed: file "FILE", line N, function: FN`,
 * the running thread and a backtrace (the report of C's assert()).
 */
__attribute__((noreturn)) void uk_assert_fail(const char *expr, const char *file, int line,
                                              const char *func);

/* Always compiled in (NDEBUG does not remove it); `cond` must have no side effects. */
#define UK_ASSERT(cond) ((cond) ? (void)0 : uk_assert_fail(#cond, __FILE__, __LINE__, __func__))

/* Fail the build when `cond`, a constant expression, is true. */
#define UK_BUILD_BUG_ON(cond) _Static_assert(!(cond), "UK_BUILD_BUG_ON(" #cond ")")

#endif
