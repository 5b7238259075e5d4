/*
 * The guest's command line (xl's cmdline= / extra=) as argc/argv.
 */
#ifndef UK_CMDLINE_H
#define UK_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

struct cmdline_args {
    int argc;
    bool truncated; /* the line or the argument count did not fit */
};

/*
 * Split `line` into words the way a shell would for simple input: words are
 * separated by blanks (space, tab, newline); '...' and "..." group blanks
 * into a word; a backslash outside single quotes takes the next character
 * literally. An unterminated quote ends at the end of the line.
 *
 * The words are copied, NUL-terminated, into `buf` (size `bufsize`), and
 * argv[first..] points at them; argv[argc] is set to NULL. At most
 * `max_argv` - 1 entries of argv are used (counting `first` leading
 * entries the caller has set, such as argv[0]). Input that does not fit is
 * dropped at a word boundary or cut inside the last word, and `truncated`
 * is set; nothing is written past `buf` or `argv`.
 */
struct cmdline_args cmdline_parse(const char *line, char *buf, size_t bufsize, char **argv,
                                  int max_argv, int first);

#endif
