/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests for kernel/cmdline.c. Every parse writes into a buffer and an
 * argv with guard bytes and guard entries around the sizes it is given, so
 * a write out of bounds shows even where ASan would not see it.
 */
#include <string.h>

#include <internal/cmdline.h>

#include "check.h"

#define GUARD 'X'

static char pool[128];
static char *argv[16];
static char untouched[] = "(untouched)";
static char *const poison = untouched; /* what argv holds where nothing may be written */

/* Parse with a buffer of `bufsize` and an argv of `max_argv`, argv[0] = "app". */
static struct cmdline_args parse_first(const char *line, size_t bufsize, int max_argv, int first)
{
    struct cmdline_args a;

    memset(pool, GUARD, sizeof(pool));
    for (int i = 0; i < 16; i++)
        argv[i] = poison;
    if (first > 0 && max_argv > 0)
        argv[0] = "app";
    a = cmdline_parse(line, pool, bufsize, argv, max_argv, first);
    for (size_t i = bufsize; i < sizeof(pool); i++)
        if (pool[i] != GUARD) {
            CHECK(pool[i] == GUARD);
            printf("  byte %zu past a buffer of %zu written\n", i, bufsize);
            break;
        }
    for (int i = max_argv > 0 ? max_argv : 0; i < 16; i++)
        CHECK(argv[i] == poison);
    if (max_argv > 0) {
        CHECK(a.argc >= 0 && a.argc < max_argv);
        if (a.argc >= 0 && a.argc < max_argv)
            CHECK(argv[a.argc] == NULL);
    }
    return a;
}

static struct cmdline_args parse(const char *line, size_t bufsize, int max_argv)
{
    return parse_first(line, bufsize, max_argv, 1);
}

TEST(words_split_on_blanks)
{
    struct cmdline_args a = parse("  one\ttwo \n three\r\nfour  ", 64, 8);

    CHECK_EQ(a.argc, 5);
    CHECK(!a.truncated);
    CHECK_STR(argv[0], "app");
    CHECK_STR(argv[1], "one");
    CHECK_STR(argv[2], "two");
    CHECK_STR(argv[3], "three");
    CHECK_STR(argv[4], "four");
    CHECK(argv[5] == NULL);
}

TEST(empty_and_null_lines)
{
    CHECK_EQ(parse("", 64, 8).argc, 1);
    CHECK(argv[1] == NULL);
    CHECK_EQ(parse(" \t\r\n ", 64, 8).argc, 1);
    CHECK(!parse(NULL, 64, 8).truncated);
    CHECK_EQ(parse(NULL, 64, 8).argc, 1);
    CHECK(argv[1] == NULL);
    CHECK_EQ(parse_first(NULL, 64, 8, 0).argc, 0);
    CHECK(argv[0] == NULL);
}

TEST(words_are_not_touched_by_their_neighbours)
{
    struct cmdline_args a = parse("a bb ccc", 64, 8);

    CHECK_EQ(a.argc, 4);
    CHECK(argv[1] == pool);
    CHECK(argv[2] == pool + 2);
    CHECK(argv[3] == pool + 5);
    CHECK(memcmp(pool, "a\0bb\0ccc\0", 9) == 0);
    CHECK(pool[9] == GUARD); /* exactly what is needed is used */
}

TEST(quotes_group_and_escapes)
{
    struct cmdline_args a = parse("a 'b c' \"d 'e'\" f\\ g 'h\\i' \"\"", 64, 8);

    CHECK_EQ(a.argc, 7);
    CHECK_STR(argv[1], "a");
    CHECK_STR(argv[2], "b c");
    CHECK_STR(argv[3], "d 'e'");
    CHECK_STR(argv[4], "f g");
    CHECK_STR(argv[5], "h\\i"); /* no escapes inside single quotes */
    CHECK_STR(argv[6], "");
}

TEST(quoted_parts_join_their_word)
{
    struct cmdline_args a = parse("a'b'\"c\"d 'x'' 'y \"it's\" 'say \"hi\"' ''\"\"", 64, 8);

    CHECK_EQ(a.argc, 6);
    CHECK_STR(argv[1], "abcd");
    CHECK_STR(argv[2], "x y");
    CHECK_STR(argv[3], "it's");
    CHECK_STR(argv[4], "say \"hi\"");
    CHECK_STR(argv[5], "");
}

TEST(backslashes)
{
    struct cmdline_args a =
        parse("\\\"q \\'q \\\\ \"a\\\"b\" \"c\\\\d\" \\a e\\\\\\ f\\\tg\\\nh end\\", 128, 12);

    CHECK_EQ(a.argc, 9);
    CHECK_STR(argv[1], "\"q");
    CHECK_STR(argv[2], "'q");
    CHECK_STR(argv[3], "\\");
    CHECK_STR(argv[4], "a\"b"); /* inside double quotes too */
    CHECK_STR(argv[5], "c\\d");
    CHECK_STR(argv[6], "a"); /* any character */
    CHECK_STR(argv[7], "e\\ f\tg\nh");
    CHECK_STR(argv[8], "end\\"); /* at the very end: kept */
}

TEST(escaped_quote_opens_nothing)
{
    struct cmdline_args a = parse("\\'a b\\'", 64, 8);

    CHECK_EQ(a.argc, 3);
    CHECK_STR(argv[1], "'a");
    CHECK_STR(argv[2], "b'");
}

TEST(unterminated_quote_ends_at_end)
{
    struct cmdline_args a = parse("x 'y z", 64, 8);

    CHECK_EQ(a.argc, 3);
    CHECK_STR(argv[2], "y z");
    CHECK(!a.truncated);
    a = parse("x \"y \\\" z", 64, 8);
    CHECK_EQ(a.argc, 3);
    CHECK_STR(argv[2], "y \" z");
    a = parse("'", 64, 8);
    CHECK_EQ(a.argc, 2);
    CHECK_STR(argv[1], "");
}

TEST(too_many_words_truncates)
{
    struct cmdline_args a = parse("1 2 3 4 5 6 7 8 9", 64, 4);

    CHECK_EQ(a.argc, 3);
    CHECK(a.truncated);
    CHECK_STR(argv[2], "2");
    CHECK(argv[3] == NULL);
}

TEST(exactly_enough_argv_is_not_truncated)
{
    struct cmdline_args a = parse("1 2 3   ", 64, 5);

    CHECK_EQ(a.argc, 4);
    CHECK(!a.truncated);
    CHECK_STR(argv[3], "3");
}

TEST(exactly_enough_buffer_is_not_truncated)
{
    struct cmdline_args a = parse("ab 'c d'", 7, 8);

    CHECK(!a.truncated);
    CHECK_EQ(a.argc, 3);
    CHECK_STR(argv[2], "c d");
    a = parse("ab ''", 4, 8); /* an empty word needs its NUL only */
    CHECK(!a.truncated);
    CHECK_EQ(a.argc, 3);
    CHECK_STR(argv[2], "");
}

TEST(small_buffer_cuts_inside_word)
{
    struct cmdline_args a = parse("abc defghij klm", 8, 8);

    CHECK(a.truncated);
    CHECK_EQ(a.argc, 3);
    CHECK_STR(argv[1], "abc");
    CHECK_STR(argv[2], "def"); /* 4 + 4 bytes fill the buffer */
}

TEST(word_cut_to_nothing_is_dropped)
{
    struct cmdline_args a = parse("ab cd", 4, 8);

    CHECK(a.truncated);
    CHECK_EQ(a.argc, 2);
    CHECK_STR(argv[1], "ab");
    a = parse("ab ''", 3, 8); /* not even the empty word's NUL */
    CHECK(a.truncated);
    CHECK_EQ(a.argc, 2);
}

TEST(buffer_full_at_word_boundary)
{
    struct cmdline_args a = parse("ab cd", 3, 8);

    CHECK(a.truncated);
    CHECK_EQ(a.argc, 2);
    CHECK_STR(argv[1], "ab");
}

TEST(no_buffer_at_all)
{
    struct cmdline_args a = parse("ab", 0, 8);

    CHECK(a.truncated);
    CHECK_EQ(a.argc, 1);
    CHECK_STR(argv[0], "app");
    a = cmdline_parse("ab", NULL, 64, argv, 8, 1);
    CHECK(a.truncated);
    CHECK_EQ(a.argc, 1);
    CHECK(argv[1] == NULL);
    a = parse("  ", 0, 8); /* nothing to store: nothing lost */
    CHECK(!a.truncated);
}

TEST(first_is_clamped)
{
    struct cmdline_args a = parse("one", 64, 1);

    /* Only room for the NULL: argv[0] is given up. */
    CHECK(a.truncated);
    CHECK_EQ(a.argc, 0);
    CHECK(argv[0] == NULL);
    a = parse_first("one two", 64, 3, 5);
    CHECK(a.truncated);
    CHECK_EQ(a.argc, 2);
    CHECK(argv[2] == NULL);
    a = parse_first("one two", 64, 8, -3);
    CHECK(!a.truncated);
    CHECK_EQ(a.argc, 2);
    CHECK_STR(argv[0], "one");
    CHECK_STR(argv[1], "two");
    a = parse_first("", 64, 1, 1);
    CHECK(a.truncated);
    a = parse_first("", 64, 1, 0);
    CHECK(!a.truncated);
    CHECK_EQ(a.argc, 0);
}

TEST(no_argv_at_all)
{
    struct cmdline_args a = parse_first("one", 64, 0, 1);

    CHECK_EQ(a.argc, 0);
    CHECK(a.truncated);
    CHECK(argv[0] == poison); /* not even argv[0] */
    CHECK(pool[0] == GUARD);
    a = parse_first("", 64, 0, 1); /* argv[0] itself is lost */
    CHECK(a.truncated);
    a = parse_first("", 64, -1, 0);
    CHECK_EQ(a.argc, 0);
    CHECK(!a.truncated);
    a = cmdline_parse("one", pool, 64, NULL, 8, 1);
    CHECK_EQ(a.argc, 0);
    CHECK(a.truncated);
}

/*
 * Every buffer size and argv size for one tricky line: the words that come
 * out are the expected words, in order, all whole but the last, which may
 * be cut (never to nothing); `truncated` says exactly whether any was lost.
 */
TEST(every_size_keeps_the_contract)
{
    static const char line[] = " a 'b c'  d\\ e\"f\" '' \\\\g \"h\" ijklmnop  ";
    static const char *const words[] = {"a", "b c", "d ef", "", "\\g", "h", "ijklmnop"};
    const int nwords = 7;
    int cases = 0;

    for (size_t bufsize = 0; bufsize <= 40; bufsize++)
        for (int max_argv = 2; max_argv <= 10; max_argv++) {
            struct cmdline_args a = parse(line, bufsize, max_argv);
            int got = a.argc - 1, ok = got >= 0 && got <= nwords, whole = 1;

            for (int i = 0; ok && i < got; i++) {
                const char *w = argv[i + 1];
                size_t n = strlen(w);

                ok = w >= pool && w + n < pool + bufsize && strncmp(w, words[i], n) == 0;
                if (ok && strcmp(w, words[i]) != 0) {
                    ok = i == got - 1 && n > 0; /* only the last is cut */
                    whole = 0;
                }
            }
            if (ok)
                ok = a.truncated == (!whole || got < nwords);
            if (!ok) {
                CHECK(ok);
                printf("  bufsize %zu, max_argv %d: argc %d truncated %d\n", bufsize, max_argv,
                       a.argc, a.truncated);
                return;
            }
            cases++;
        }
    CHECK_EQ(cases, 41 * 9);
    /* The whole line needs 26 bytes and 9 entries (with argv[0] and the NULL). */
    CHECK(!parse(line, 26, 9).truncated);
    CHECK(parse(line, 25, 9).truncated);
    CHECK(parse(line, 26, 8).truncated);
}

TEST(long_line_small_buffer)
{
    static char line[10000];

    for (size_t i = 0; i < sizeof(line) - 1; i++)
        line[i] = i % 7 == 6 ? ' ' : (char)('a' + i % 26);
    line[sizeof(line) - 1] = 0;
    for (size_t bufsize = 0; bufsize < 40; bufsize += 3) {
        struct cmdline_args a = parse(line, bufsize, 16);

        CHECK(a.truncated);
    }
    CHECK_EQ(parse(line, sizeof(pool), 16).argc, 15);
}
