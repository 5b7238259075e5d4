/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An app's names are its own: it defines functions the runtime has (or had)
 * inside it, generic ones (panic, list_add, mutex_lock, kprintf) and the
 * runtime's internal ones (console_write, kernel_exit, sched_init, ...),
 * includes newlib's <sys/queue.h> beside every public header, and still
 * gets its own functions while the runtime keeps using its own: printf
 * reaches the console, threads and XenStore work.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <uk/compiler.h>
#include <uk/events.h>
#include <uk/gnttab.h>
#include <uk/kernel.h>
#include <uk/list.h>
#include <uk/mm.h>
#include <uk/ring.h>
#include <uk/sched.h>
#include <uk/time.h>
#include <uk/vchan.h>
#include <uk/xenstore.h>

#define TEST_NAME "namespace"
#include "../report.h"

static int calls;

/* The app's own versions: each only counts, none behaves like ours. */
int panic(const char *why);
int list_add(int a, int b);
int mutex_lock(int m);
int kprintf(int x);
int console_write(const char *s);
int kernel_exit(int x);
int sched_init(void);
int page_alloc_init(int x);
int heap_start(void);
int memmap_top(void);
int xs_request(int x);
int timer_heap_insert(int x);
int ksnprintf(int x);

int panic(const char *why)
{
    calls++;
    return (int)strlen(why);
}
int list_add(int a, int b)
{
    calls++;
    return a + b;
}
int mutex_lock(int m)
{
    calls++;
    return m * 2;
}
int kprintf(int x)
{
    calls++;
    return x + 1;
}
int console_write(const char *s)
{
    calls++;
    return s[0];
}
int kernel_exit(int x)
{
    calls++;
    return -x;
}
int sched_init(void)
{
    calls++;
    return 7;
}
int page_alloc_init(int x)
{
    calls++;
    return x * 3;
}
int heap_start(void)
{
    calls++;
    return 11;
}
int memmap_top(void)
{
    calls++;
    return 13;
}
int xs_request(int x)
{
    calls++;
    return x - 1;
}
int timer_heap_insert(int x)
{
    calls++;
    return x ^ 1;
}
int ksnprintf(int x)
{
    calls++;
    return x * x;
}

/* newlib's <sys/queue.h> lists beside ours. */
struct item {
    LIST_ENTRY(item) link;
    struct uk_list node;
    int value;
};
LIST_HEAD(item_list, item);

static struct uk_mutex lock;
static int shared;

static void worker(void *arg)
{
    (void)arg;
    uk_mutex_lock(&lock);
    shared++;
    uk_sleep_ns(UK_NSEC_PER_MSEC);
    uk_mutex_unlock(&lock);
}

static void check_lists(void)
{
    struct item_list head;
    struct uk_list ours = UK_LIST_INIT(ours);
    struct item a = {.value = 1}, b = {.value = 2};
    int sum = 0;
    struct item *it;
    struct uk_list *n;

    LIST_INIT(&head);
    LIST_INSERT_HEAD(&head, &a, link);
    LIST_INSERT_HEAD(&head, &b, link);
    LIST_FOREACH(it, &head, link)
    sum += it->value;
    uk_list_add_tail(&ours, &a.node);
    uk_list_add_tail(&ours, &b.node);
    uk_list_for_each(n, &ours) sum += uk_list_entry(n, struct item, node)->value * 10;
    EXPECT(sum == 33, "<sys/queue.h> and <uk/list.h> lists side by side (sum %d)", sum);
}

/*
 * `namespace crash`: the app's panic() runs and returns, then the runtime's
 * own uk_panic() still gives the runtime's crash report.
 */
__attribute__((noinline)) static void crash_through_the_runtime(void)
{
    EXPECT(panic("the app's") == 9 && calls == 1, "the app's panic() returned");
    uk_panic("the runtime's own panic, after the app's panic() (%d call)", calls);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "crash") == 0)
        crash_through_the_runtime();

    int own = panic("four") + list_add(1, 2) + mutex_lock(3) + kprintf(4) + console_write("A") +
              kernel_exit(5) + sched_init() + page_alloc_init(6) + heap_start() + memmap_top() +
              xs_request(8) + timer_heap_insert(8) + ksnprintf(3);
    /* 4 + 3 + 6 + 5 + 65 - 5 + 7 + 18 + 11 + 13 + 7 + 9 + 9 */
    EXPECT(own == 152 && calls == 13, "the app's own 13 functions ran (sum %d, calls %d)", own,
           calls);

    check_lists();

    uk_mutex_init(&lock);
    struct uk_thread *t[4];
    for (int i = 0; i < 4; i++)
        t[i] = uk_thread_create("worker", worker, NULL, 0);
    for (int i = 0; i < 4; i++)
        uk_thread_join(t[i]);
    EXPECT(shared == 4, "the runtime's mutexes and threads still work (%d of 4)", shared);

    unsigned long domid = 0;
    int rc = xs_read_ulong(XS_NO_TX, "domid", &domid);
    EXPECT(rc == 0 && domid > 0, "XenStore still works: domid %lu (%d)", domid, rc);
    EXPECT(calls == 13, "the runtime never called the app's functions (%d calls)", calls);

    /* The runtime's kernel_exit prints "exit status 0" after this, not the app's. */
    return test_result();
}
