/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Splitting the guest's command line into argv, shell-style for simple
 * input: blanks separate words, quotes group, backslash escapes. The line
 * comes from the domain's configuration, so every size is checked: nothing
 * is written outside `buf` and argv[0 .. max_argv - 1].
 */
#include <internal/cmdline.h>

/* '\r' too: a configuration file written on another system may carry it. */
static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_blanks(const char *p)
{
    while (is_blank(*p))
        p++;
    return p;
}

struct cmdline_args cmdline_parse(const char *line, char *buf, size_t bufsize, char **argv,
                                  int max_argv, int first)
{
    struct cmdline_args a = {.argc = 0, .truncated = false};
    const char *p = skip_blanks(line ? line : "");
    size_t o = 0;

    if (first < 0)
        first = 0;
    if (!buf)
        bufsize = 0;
    if (max_argv < 1 || !argv) {
        /* Not even room for the terminating NULL. */
        a.truncated = first > 0 || *p;
        return a;
    }
    if (first > max_argv - 1) {
        first = max_argv - 1;
        a.truncated = true;
    }
    a.argc = first;

    for (; *p; p = skip_blanks(p)) {
        size_t start = o;
        bool cut = false;
        char quote = 0;

        if (a.argc == max_argv - 1 || o == bufsize) {
            a.truncated = true;
            break;
        }
        while (*p && (quote || !is_blank(*p))) {
            char c = *p++;

            if (quote && c == quote) {
                quote = 0;
                continue;
            }
            if (!quote && (c == '\'' || c == '"')) {
                quote = c;
                continue;
            }
            if (c == '\\' && quote != '\'' && *p)
                c = *p++;
            if (bufsize - o < 2) {
                cut = true; /* the NUL has the last byte */
                break;
            }
            buf[o++] = c;
        }
        if (cut) {
            a.truncated = true;
            /* A word cut down to nothing would be a different argument: drop it. */
            if (o > start) {
                buf[o++] = 0;
                argv[a.argc++] = buf + start;
            }
            break;
        }
        buf[o++] = 0;
        argv[a.argc++] = buf + start;
    }
    argv[a.argc] = NULL;
    return a;
}
