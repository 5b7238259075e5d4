/*
 * Splitting the guest's command line into argv, shell-style for simple
 * input: blanks separate words, quotes group, backslash escapes.
 */
#include <uk/cmdline.h>

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

struct cmdline_args cmdline_parse(const char *line, char *buf, size_t bufsize, char **argv,
                                  int max_argv, int first)
{
    struct cmdline_args a = {.argc = first, .truncated = false};
    size_t o = 0;
    const char *p = line ? line : "";

    if (max_argv < 1) {
        a.truncated = *p != 0;
        return a;
    }
    if (first >= max_argv)
        a.argc = first = max_argv - 1;
    for (;;) {
        char quote = 0;
        size_t start;

        while (is_blank(*p))
            p++;
        if (!*p)
            break;
        /* Room for one more argument, its first byte and its NUL? */
        if (a.argc >= max_argv - 1 || o + 2 > bufsize) {
            a.truncated = true;
            break;
        }
        start = o;
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
            if (o + 1 >= bufsize) {
                /* Cut inside this word: keep what fits, drop the rest. */
                a.truncated = true;
                while (*p)
                    p++;
                break;
            }
            buf[o++] = c;
        }
        buf[o++] = 0;
        argv[a.argc++] = buf + start;
    }
    argv[a.argc] = 0;
    return a;
}
