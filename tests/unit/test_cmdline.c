/* Host tests for kernel/cmdline.c. */
#include <string.h>

#include <uk/cmdline.h>

#include "check.h"

static char buf[64];
static char *argv[8];

static struct cmdline_args parse(const char *line, size_t bufsize, int max_argv)
{
    memset(buf, 'X', sizeof(buf));
    argv[0] = "app";
    return cmdline_parse(line, buf, bufsize, argv, max_argv, 1);
}

TEST(words_split_on_blanks)
{
    struct cmdline_args a = parse("  one\ttwo \n three  ", sizeof(buf), 8);

    CHECK_EQ(a.argc, 4);
    CHECK(!a.truncated);
    CHECK(strcmp(argv[0], "app") == 0);
    CHECK(strcmp(argv[1], "one") == 0);
    CHECK(strcmp(argv[2], "two") == 0);
    CHECK(strcmp(argv[3], "three") == 0);
    CHECK(argv[4] == NULL);
}

TEST(empty_and_null_lines)
{
    CHECK_EQ(parse("", sizeof(buf), 8).argc, 1);
    CHECK(argv[1] == NULL);
    CHECK_EQ(parse("   ", sizeof(buf), 8).argc, 1);
    CHECK_EQ(parse(NULL, sizeof(buf), 8).argc, 1);
    CHECK(argv[1] == NULL);
}

TEST(quotes_group_and_escapes)
{
    struct cmdline_args a = parse("a 'b c' \"d 'e'\" f\\ g 'h\\i' \"\"", sizeof(buf), 8);

    CHECK_EQ(a.argc, 7);
    CHECK(strcmp(argv[1], "a") == 0);
    CHECK(strcmp(argv[2], "b c") == 0);
    CHECK(strcmp(argv[3], "d 'e'") == 0);
    CHECK(strcmp(argv[4], "f g") == 0);
    CHECK(strcmp(argv[5], "h\\i") == 0); /* no escapes inside single quotes */
    CHECK(strcmp(argv[6], "") == 0);
}

TEST(unterminated_quote_ends_at_end)
{
    struct cmdline_args a = parse("x 'y z", sizeof(buf), 8);

    CHECK_EQ(a.argc, 3);
    CHECK(strcmp(argv[2], "y z") == 0);
    CHECK(!a.truncated);
}

TEST(too_many_words_truncates)
{
    struct cmdline_args a = parse("1 2 3 4 5 6 7 8 9", sizeof(buf), 4);

    CHECK_EQ(a.argc, 3);
    CHECK(a.truncated);
    CHECK(strcmp(argv[2], "2") == 0);
    CHECK(argv[3] == NULL);
}

TEST(small_buffer_cuts_inside_word_without_overflow)
{
    struct cmdline_args a = parse("abc defghij klm", 8, 8);

    CHECK(a.truncated);
    CHECK_EQ(a.argc, 3);
    CHECK(strcmp(argv[1], "abc") == 0);
    CHECK(strcmp(argv[2], "def") == 0); /* 4 + 4 bytes fill the buffer */
    CHECK(buf[8] == 'X');               /* nothing written past it */
}

TEST(buffer_full_at_word_boundary)
{
    struct cmdline_args a = parse("ab cd", 3, 8);

    CHECK(a.truncated);
    CHECK_EQ(a.argc, 2);
    CHECK(strcmp(argv[1], "ab") == 0);
    CHECK(buf[3] == 'X');
}

TEST(no_room_for_arguments)
{
    struct cmdline_args a = parse("one", sizeof(buf), 1);

    CHECK(a.truncated);
    CHECK(argv[0] == NULL || a.argc == 0);
}
