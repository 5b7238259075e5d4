/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests for <uk/assert.h>: what UK_ASSERT reports, that it evaluates once, UK_BUILD_BUG_ON. */
#include <uk/assert.h>

#include "check.h"

/* At file scope, as the runtime uses it. */
UK_BUILD_BUG_ON(sizeof(uint32_t) != 4);

static int evaluations;

static int counted(int v)
{
    evaluations++;
    return v;
}

static void assert_is_42(int x)
{
    UK_ASSERT(x == 42);
}

TEST(a_true_assertion_does_nothing_and_evaluates_once)
{
    evaluations = 0;
    UK_ASSERT(counted(1) == 1);
    CHECK_EQ(evaluations, 1);
}

TEST(a_false_assertion_fails_naming_the_expression)
{
    CHECK_ASSERTS(assert_is_42(7), "x == 42");
    evaluations = 0;
    CHECK_ASSERTS(UK_ASSERT(counted(0)), "counted(0)");
    CHECK_EQ(evaluations, 1);
}

TEST(build_bug_on_compiles_when_false_in_a_function)
{
    UK_BUILD_BUG_ON(sizeof(uint64_t) < sizeof(uint32_t));
    CHECK(1);
}
