/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fault: commits the fault named on the command line. Each must end in a
 * crash report naming the faulting function and its caller, and a crashed
 * domain. The functions are noinline so that they appear in the backtrace.
 * "spurious" raises the APIC's spurious vector, which must simply return,
 * and then an unexpected vector. "assert" fails an assert(), which the
 * runtime reports as a uk_panic (kernel/crash.c owns __assert_func);
 * "uk-assert" fails the runtime's UK_ASSERT, which must say the same.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/assert.h>

#define TEST_NAME "fault"
#include "../report.h"

/*
 * Global, not static: GCC may clone a static function (fault_page_here.constprop.0)
 * and the backtrace must show the plain names.
 */
void fault_page_here(volatile int *p);
int fault_divide_here(volatile int a, volatile int b);
void fault_invalid_opcode_here(void);
void fault_vector_here(void);
void spurious_vector_here(void);
void fault_abort_here(void);
void fault_assert_here(volatile int x);
void fault_uk_assert_here(volatile int x);

__attribute__((noinline)) void fault_page_here(volatile int *p)
{
    *p = 42;
}

__attribute__((noinline)) int fault_divide_here(volatile int a, volatile int b)
{
    return a / b;
}

__attribute__((noinline)) void fault_invalid_opcode_here(void)
{
    __builtin_trap();
}

/* A vector nothing should raise: the report must name it. */
__attribute__((noinline)) void fault_vector_here(void)
{
    __asm__ volatile("int $0x40");
}

/* The APIC's spurious vector: no fault, execution goes on. */
__attribute__((noinline)) void spurious_vector_here(void)
{
    __asm__ volatile("int $0xff");
}

__attribute__((noinline)) void fault_abort_here(void)
{
    abort();
}

__attribute__((noinline)) void fault_assert_here(volatile int x)
{
    assert(x == 42);
}

__attribute__((noinline)) void fault_uk_assert_here(volatile int x)
{
    UK_ASSERT(x == 42);
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";

    printf("fault: committing '%s'\n", what);
    fflush(stdout);
    if (strcmp(what, "null") == 0)
        fault_page_here(NULL);
    else if (strcmp(what, "unmapped") == 0)
        fault_page_here((int *)0x7fff00000000ull);
    else if (strcmp(what, "divide") == 0)
        printf("%d\n", fault_divide_here(1, 0));
    else if (strcmp(what, "ud2") == 0)
        fault_invalid_opcode_here();
    else if (strcmp(what, "abort") == 0)
        fault_abort_here();
    else if (strcmp(what, "assert") == 0)
        fault_assert_here(7);
    else if (strcmp(what, "uk-assert") == 0)
        fault_uk_assert_here(7);
    else if (strcmp(what, "vector") == 0)
        fault_vector_here();
    else if (strcmp(what, "spurious") == 0) {
        spurious_vector_here();
        spurious_vector_here();
        printf("fault: spurious vector 0xff returned\n");
        fault_vector_here();
    }
    /* The crash report is the verdict (the case judges it); reaching here is a failure. */
    EXPECT(false, "'%s' faulted", what);
    return test_result();
}
