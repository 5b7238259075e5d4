/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest's command line (xl's cmdline= / extra=) as argc/argv.
 */
#ifndef INTERNAL_CMDLINE_H
#define INTERNAL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

struct cmdline_args {
    int argc;
    bool truncated; /* the line or the argument count did not fit */
};

/*
 * Split `line` into words the way a shell would for simple input: words are
 * separated by blanks (space, tab, newline, carriage return); '...' and
 * "..." group blanks into a word, and quoted and unquoted parts next to
 * each other make one word (a'b'"c" is abc; '' is an empty word); a
 * backslash outside single quotes, inside double quotes too, takes the
 * next character literally (one at the very end is kept). An unterminated
 * quote ends at the end of the line. A NULL line is an empty one.
 *
 * The words are copied, NUL-terminated, into `buf` (size `bufsize`), and
 * argv[first..] points at them; argv[argc] is set to NULL. At most
 * `max_argv` - 1 entries of argv are used (counting `first` leading
 * entries the caller has set, such as argv[0]). Input that does not fit is
 * dropped at a word boundary or cut inside the last word (never cut to
 * nothing), and `truncated` is set; nothing is written past `buf` or
 * argv[max_argv - 1]. A `first` beyond max_argv - 1 is lowered to it (and
 * `truncated` set); with max_argv < 1 nothing is written and argc is 0.
 */
struct cmdline_args cmdline_parse(const char *line, char *buf, size_t bufsize, char **argv,
                                  int max_argv, int first);

/*
 * The guest's whole command line, for a subsystem that takes its own keys
 * from it at init (net/: ip=, gw=, dns=, ...). NULL when there is none.
 */
const char *kernel_cmdline(void);
/*
 * Such a subsystem's keys do not reach the app: the argv that main() gets
 * leaves out every word for which a claim(word) is true. Up to four
 * claimers (net/, blk/, fs/, ...); set in an init call (argv is built after them).
 */
void kernel_cmdline_claim(bool (*claim)(const char *word));

#endif
