/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * console: the console and stdio as the program sees them; the mode is the
 * command line.
 *  - "longline": uk_printf of a line longer than its buffer is cut visibly
 *    and stays a line of its own.
 *  - "exitflush": a thread leaves text without a newline in stdout and is
 *    still alive when main returns: exit() must flush it. errno stays per
 *    thread.
 *  - "share": two threads print blocks of lines to the one stdout while the
 *    console ring is full and the first sleeps in the middle of its block:
 *    no line may be torn.
 *  - "stall": dom0 stops xenconsoled (kill -STOP), we print more than the
 *    ring holds until the console gives up, dom0 lets xenconsoled go on, and
 *    what we print then must arrive, after a note of what was dropped.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <uk/kernel.h>
#include <uk/sched.h>
#include <uk/time.h>
#include <uk/xenstore.h>

#define TEST_NAME "console"
#include "../expect.h"

static int longline(void)
{
    char word[301];

    memset(word, 'x', sizeof(word) - 1);
    word[sizeof(word) - 1] = 0;
    uk_printf("console: long %s\n", word);
    uk_printf("console: the line after the long one\n");
    return 0;
}

static struct uk_waitq never;
static int thread_errno;

static void leave_text(void *arg)
{
    (void)arg;
    errno = ERANGE;
    printf("console: text of a live thread, no newline");
    thread_errno = errno;
    /* Still alive, its text still buffered, when main returns. */
    uk_waitq_wait(&never, "nothing");
}

static int exitflush(void)
{
    bool ok;

    uk_waitq_init(&never);
    errno = 0;
    printf("console: main starts\n");
    uk_thread_detach(uk_thread_create("leaver", leave_text, NULL, 0));
    uk_thread_yield();
    /* uk_printf: a printf would join the thread's text in the one stdout. */
    ok = errno == 0 && thread_errno == ERANGE;
    uk_printf("console: %s errno is per thread\n", ok ? "ok" : "FAIL");
    return !ok;
}

#define LINE_CHARS 60
#define A_LINES    100
#define B_LINES    20

/* Each line is 16 + LINE_CHARS bytes; one more for the NUL snprintf writes. */
static char block[A_LINES * (LINE_CHARS + 16) + 1];
static size_t block_len;

/* A's block in one fwrite: it fills the ring and sleeps in the middle. */
static void writer_a(void *arg)
{
    (void)arg;
    fwrite(block, 1, block_len, stdout);
}

static void writer_b(void *arg)
{
    char fill[LINE_CHARS + 1];

    (void)arg;
    memset(fill, 'b', LINE_CHARS);
    fill[LINE_CHARS] = 0;
    for (int i = 0; i < B_LINES; i++)
        printf("console: B %03d %s\n", i, fill);
}

static int share(void)
{
    char fill[LINE_CHARS + 1];
    struct uk_thread *a, *b;

    memset(fill, 'a', LINE_CHARS);
    fill[LINE_CHARS] = 0;
    for (int i = 0; i < A_LINES; i++)
        block_len += (size_t)snprintf(block + block_len, sizeof(block) - block_len,
                                      "console: A %03d %s\n", i, fill);
    printf("console: two threads share stdout\n");
    a = uk_thread_create("writer-a", writer_a, NULL, 0);
    b = uk_thread_create("writer-b", writer_b, NULL, 0);
    EXPECT(a && b && uk_thread_join(a) == 0 && uk_thread_join(b) == 0, "both writers done");
    return failures;
}

#define STALL_LINES 150

static int wait_key(const char *key)
{
    return xs_wait_exists(key, uk_monotonic_ns() + 60 * UK_NSEC_PER_SEC);
}

static int stall(void)
{
    int rc;

    printf("console: waiting for dom0 to stop xenconsoled\n");
    rc = wait_key("data/stopped");
    if (rc) {
        printf("console: FAIL data/stopped: %d\n", rc);
        return 1;
    }
    /* More than the ring holds: the console waits, gives up, drops the rest. */
    for (int i = 0; i < STALL_LINES; i++)
        printf("console: during the stall %03d ..............................................\n",
               i);
    rc = xs_write(XS_NO_TX, "data/burst-done", "1");
    rc = rc ? rc : wait_key("data/continued");
    printf("console: after the stall (%d)\n", rc);
    return rc != 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    if (strcmp(mode, "longline") == 0)
        return longline();
    if (strcmp(mode, "exitflush") == 0)
        return exitflush();
    if (strcmp(mode, "share") == 0)
        return share();
    if (strcmp(mode, "stall") == 0)
        return stall();
    printf("console: FAIL unknown mode '%s'\n", mode);
    return 1;
}
