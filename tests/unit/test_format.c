/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests for kernel/format.c: for every conversion it knows, the output
 * and the length must be the host C library's, for every buffer size from
 * 0 up, with guard bytes past the size to show a write out of bounds.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>

#include <internal/format.h>

#include "check.h"

#define GUARD 'X'

/* Format with ours and the host's at every size; report the first mismatch. */
static __attribute__((format(printf, 1, 2))) void same(const char *fmt, ...)
{
    char want[256], got[256 + 8];
    int before = check_failures;
    va_list ap;
    int n, m;

    va_start(ap, fmt);
    n = vsnprintf(want, sizeof(want), fmt, ap);
    va_end(ap);
    for (size_t size = 0; size <= (size_t)n + 1; size++) {
        size_t end = size - 1 < (size_t)n ? size - 1 : (size_t)n;

        memset(got, GUARD, sizeof(got));
        va_start(ap, fmt);
        m = kvsnprintf(got, size, fmt, ap);
        va_end(ap);
        CHECK_EQ(m, n);
        for (size_t i = size; i < sizeof(got); i++)
            CHECK(got[i] == GUARD);
        if (size > 0) {
            CHECK(strncmp(got, want, end) == 0);
            CHECK(got[end] == '\0');
        }
        if (check_failures != before) {
            printf("  fmt \"%s\" size %zu: got %d \"%.*s\", want %d \"%s\"\n", fmt, size, m,
                   (int)end, got, n, want);
            return;
        }
    }
}

TEST(plain_text)
{
    same("%s", "");
    same("hello");
    same("100%% sure");
    same("tab\tnewline\n");
}

/* Flags the C standard ignores for a conversion are part of what is tested. */
#pragma GCC diagnostic ignored "-Wformat"

TEST(signed_integers)
{
    same("%d %i %d %d", 0, 42, -7, INT_MIN);
    same("%d", INT_MAX);
    same("%ld %ld", LONG_MIN, LONG_MAX);
    same("%lld %lld", LLONG_MIN, 1234567890123ll);
    same("%hd %hhd", (short)-300, (signed char)-5);
    same("%hd %hhd", 70000, 300); /* truncated to the length's type */
    same("%zd %td %jd", (ssize_t)-3, (ptrdiff_t)-4, (intmax_t)INT64_MIN);
    same("[%5d] [%-5d] [%05d] [%+d] [% d] [%+05d] [% -5d]", 42, 42, -42, 42, 42, 42, 42);
    same("[%.3d] [%.0d] [%5.0d] [%-+8.4d] [%08.3d]", 7, 0, 0, -12, 5);
    same("[%*d] [%-*d] [%*d] [%.*d] [%.*d]", 6, 1, 6, 2, -6, 3, 4, 4, -1, 5);
}

TEST(unsigned_integers)
{
    same("%u %u %lu %llu", 0u, UINT_MAX, ULONG_MAX, ULLONG_MAX);
    same("%x %X %#x %#X %#x", 0xbeefu, 0xbeefu, 0xbeefu, 0xbeefu, 0u);
    same("%016lx %016llx %#lx %04lx %08lx", 0x1234ul, 0xdeadull, 0x100000ul, 0xful, 0ul);
    same("%o %#o %#o %#.3o %#5o", 8u, 8u, 0u, 8u, 0u);
    same("%zu %zx %ju %hhu %hu", (size_t)-1, (size_t)255, UINTMAX_MAX, 511u, 70000u);
    same("[%8llu] [%-12llu] [%6llu] [%3lu] [%.0u] [%#.0x] [%#.0o]", 12ull, 34ull, 1234567ull, 1ul,
         0u, 0u, 0u);
    same("[%#10x] [%#-10x] [%#010x] [%+u] [% x]", 0xabu, 0xabu, 0xabu, 5u, 6u);
}

TEST(characters_and_strings)
{
    same("%c%c%c", 'a', 'b', 0x263a); /* an int, printed as unsigned char */
    same("[%3c] [%-3c]", 'x', 'y');
    same("[%s] [%8s] [%-8s] [%.2s] [%8.2s] [%-8.2s] [%.0s]", "xen", "xen", "xen", "xen", "xen",
         "xen", "xen");
    same("[%-34s] [%-16s] [%12s] [%6s]", "a phase", "name", "us", "pages");
    same("[%.*s] [%*s]", 3, "abcdef", -5, "ab");
    same("%s %s", "(null) is", "printed for NULL");
}

TEST(pointers)
{
    int x;

    same("%p", (void *)&x);
    same("[%20p] [%-20p]", (void *)0x1234, (void *)0x1234);
}

/* What the host's printf does not do the same way: our own choices. */
TEST(our_own_choices)
{
    /* Through a pointer without the format attribute: these are meant. */
    int (*volatile fmt)(char *, size_t, const char *, ...) = ksnprintf;
    const char *volatile null = NULL;
    char buf[64];

    CHECK_EQ(fmt(buf, sizeof(buf), "%p", NULL), 3);
    CHECK_STR(buf, "0x0");
    CHECK_EQ(fmt(buf, sizeof(buf), "[%s]", null), 8);
    CHECK_STR(buf, "[(null)]");
    /* An unknown conversion stops conversions: the rest is copied as is. */
    CHECK_EQ(fmt(buf, sizeof(buf), "a %d %f %s %d", 1, 2.0, "x", 3), 12);
    CHECK_STR(buf, "a 1 %f %s %d");
    CHECK_EQ(fmt(buf, sizeof(buf), "trailing %"), 10);
    CHECK_STR(buf, "trailing %");
    CHECK_EQ(fmt(buf, sizeof(buf), "%n", (int *)NULL), 2);
    CHECK_STR(buf, "%n");
    /* NULL with size 0: only the length. */
    CHECK_EQ(fmt(NULL, 0, "%d-%s", 12345, "abc"), 9);
}
