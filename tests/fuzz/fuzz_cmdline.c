/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the guest's command line (from the domain's
 * configuration) split into argv. The input is three size bytes and the
 * line. Invariants: nothing written outside the buffer and argv given
 * (guard bytes and entries); argc in range and argv[argc] NULL; every word
 * a NUL-terminated string inside the buffer, in order, not overlapping;
 * and unless truncated, the words quoted back into a line parse again to
 * the same words.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <internal/cmdline.h>

#define MAX_BUF  512
#define MAX_ARGV 32
#define GUARD    0x7e

static char untouched;
#define POISON (&untouched)

/* Single-quote every word ('\'' for a quote) and join them with spaces. */
static char *requote(char **argv, int from, int argc)
{
    size_t n = 1;
    char *line, *o;

    for (int i = from; i < argc; i++)
        n += strlen(argv[i]) * 4 + 3;
    line = o = malloc(n);
    for (int i = from; i < argc; i++) {
        *o++ = '\'';
        for (const char *c = argv[i]; *c; c++)
            if (*c == '\'') {
                memcpy(o, "'\\''", 4);
                o += 4;
            } else {
                *o++ = *c;
            }
        *o++ = '\'';
        *o++ = ' ';
    }
    *o = 0;
    return line;
}

static void reparse_same(char **argv, int first, int argc)
{
    static char buf2[MAX_BUF * 4 + 8];
    char *argv2[MAX_ARGV + 1];
    char *line = requote(argv, first, argc);
    struct cmdline_args b = cmdline_parse(line, buf2, sizeof(buf2), argv2, MAX_ARGV + 1, 0);

    check(!b.truncated && b.argc == argc - first);
    for (int i = 0; i < b.argc; i++)
        check(strcmp(argv2[i], argv[first + i]) == 0);
    free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char buf[MAX_BUF + 16], *argv[MAX_ARGV + 4];
    size_t bufsize;
    int max_argv, first;
    struct cmdline_args a;
    char *line;

    if (size < 3)
        return 0;
    bufsize = data[0] * 2 % (MAX_BUF + 1);
    max_argv = data[1] % (MAX_ARGV + 1);
    first = data[2] % 4;
    line = malloc(size - 2);
    memcpy(line, data + 3, size - 3);
    line[size - 3] = 0;

    memset(buf, GUARD, sizeof(buf));
    for (int i = 0; i < MAX_ARGV + 4; i++)
        argv[i] = POISON;
    for (int i = 0; i < first && i < max_argv; i++)
        argv[i] = "app";
    a = cmdline_parse(line, bufsize ? buf : NULL, bufsize, argv, max_argv, first);

    for (size_t i = bufsize; i < sizeof(buf); i++)
        check(buf[i] == GUARD);
    for (int i = max_argv > 0 ? max_argv : 0; i < MAX_ARGV + 4; i++)
        check(argv[i] == POISON);
    if (max_argv < 1) {
        check(a.argc == 0);
    } else {
        int from = first < max_argv - 1 ? first : max_argv - 1;
        const char *end = buf;

        check(a.argc >= from && a.argc < max_argv && argv[a.argc] == NULL);
        for (int i = from; i < a.argc; i++) {
            /* Inside the buffer, after the previous word, NUL-terminated there. */
            check(argv[i] >= end && argv[i] < buf + bufsize);
            end = memchr(argv[i], 0, (size_t)(buf + bufsize - argv[i]));
            check(end != NULL);
            end++;
        }
        if (!a.truncated)
            reparse_same(argv, from, a.argc);
    }
    free(line);
    return 0;
}
