/*
 * Host tests for kernel/sched.c: the real scheduler and the real context
 * switch (arch/x86/context.c, switch.S) over stand-ins for the few arch/
 * and kernel services it needs. Idling with nothing runnable would be a
 * deadlock in these tests: it fails the test instead.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <uk/arch.h>
#include <uk/console.h>
#include <uk/kernel.h>
#include <uk/mm.h>
#include <uk/sched.h>

#include "../../kernel/kernel_private.h"
#include "check.h"

/* Stand-ins. */
static int deadlocks;
void arch_idle(void)
{
    deadlocks++;
    printf("  deadlock: nothing runnable\n");
    abort();
}
unsigned long arch_irq_save(void)
{
    return 0;
}
void arch_irq_restore(unsigned long f)
{
    (void)f;
}
void arch_irq_enable(void)
{
}
void arch_irq_disable(void)
{
}
int arch_map_page(uintptr_t va, uint64_t pa, unsigned int flags)
{
    (void)va;
    (void)pa;
    (void)flags;
    return 0;
}
int arch_unmap_page(uintptr_t va)
{
    (void)va;
    return 0;
}
void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}
void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    abort();
}
static int libc_states;
void *libc_thread_state_new(void)
{
    libc_states++;
    return malloc(16);
}
void libc_thread_state_free(void *s)
{
    if (s)
        libc_states--;
    free(s);
}
void libc_thread_state_switch(void *s)
{
    (void)s;
}

static uint8_t *arena;

static void setup(void)
{
    struct mem_range r;

    if (!arena) {
        arena = aligned_alloc(1 << 20, 16 << 20);
        sched_init();
    }
    r.start = (uintptr_t)arena;
    r.end = r.start + (16 << 20);
    if (sched_thread_count() == 1)
        page_alloc_init(&r, 1);
}

static int order_log[64], nlog;

static void logger(void *arg)
{
    int id = (int)(intptr_t)arg;

    for (int i = 0; i < 3; i++) {
        order_log[nlog++] = id;
        thread_yield();
    }
}

TEST(yield_round_robins_in_creation_order)
{
    struct thread *t[3];

    setup();
    nlog = 0;
    for (int i = 0; i < 3; i++)
        t[i] = thread_create("logger", logger, (void *)(intptr_t)(i + 1), 0);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(thread_join(t[i]), 0);
    CHECK_EQ(nlog, 9);
    for (int i = 0; i < 9; i++)
        CHECK_EQ(order_log[i], i % 3 + 1);
    CHECK_EQ(sched_thread_count(), 1);
    CHECK_EQ(libc_states, 0);
}

static struct waitq wq;
static int woken;

static void sleeper(void *arg)
{
    (void)arg;
    waitq_wait(&wq, "test");
    woken++;
}

TEST(wake_one_wakes_exactly_one_in_fifo_order)
{
    struct thread *t[4];

    setup();
    waitq_init(&wq);
    woken = 0;
    for (int i = 0; i < 4; i++)
        t[i] = thread_create("sleeper", sleeper, NULL, 0);
    thread_yield(); /* all four now wait */
    CHECK(waitq_wake_one(&wq));
    thread_yield();
    CHECK_EQ(woken, 1);
    CHECK_EQ(waitq_wake_all(&wq), 3);
    CHECK(!waitq_wake_one(&wq));
    for (int i = 0; i < 4; i++)
        thread_join(t[i]);
    CHECK_EQ(woken, 4);
}

static struct mutex m;
static int in_section, max_in_section, sections;

static void worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20; i++) {
        CHECK_EQ(mutex_lock(&m), 0);
        in_section++;
        if (in_section > max_in_section)
            max_in_section = in_section;
        thread_yield();
        in_section--;
        sections++;
        CHECK_EQ(mutex_unlock(&m), 0);
    }
}

TEST(mutex_excludes_and_reports_misuse)
{
    struct thread *t[5];

    setup();
    mutex_init(&m);
    sections = max_in_section = 0;
    for (int i = 0; i < 5; i++)
        t[i] = thread_create("worker", worker, NULL, 0);
    for (int i = 0; i < 5; i++)
        thread_join(t[i]);
    CHECK_EQ(sections, 100);
    CHECK_EQ(max_in_section, 1);
    CHECK_EQ(mutex_unlock(&m), -EPERM);
    CHECK_EQ(mutex_lock(&m), 0);
    CHECK_EQ(mutex_lock(&m), -EDEADLK);
    CHECK_EQ(mutex_trylock(&m), -EBUSY);
    CHECK_EQ(mutex_unlock(&m), 0);
    CHECK_EQ(mutex_trylock(&m), 0);
    CHECK_EQ(mutex_unlock(&m), 0);
}

static struct semaphore sem;
static int consumed;

static void consumer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5; i++) {
        sem_down(&sem);
        consumed++;
    }
}

TEST(semaphore_counts)
{
    struct thread *t;

    setup();
    sem_init(&sem, 2);
    consumed = 0;
    t = thread_create("consumer", consumer, NULL, 0);
    thread_yield();
    CHECK_EQ(consumed, 2);
    CHECK(!sem_trydown(&sem));
    for (int i = 0; i < 3; i++)
        sem_up(&sem);
    thread_join(t);
    CHECK_EQ(consumed, 5);
}

static struct condvar cv;
static int flag, seen_flag;

static void cond_waiter(void *arg)
{
    (void)arg;
    mutex_lock(&m);
    while (!flag)
        cond_wait(&cv, &m);
    seen_flag = flag;
    mutex_unlock(&m);
}

TEST(condvar_signal_is_not_lost)
{
    struct thread *t[3];

    setup();
    mutex_init(&m);
    cond_init(&cv);
    flag = seen_flag = 0;
    for (int i = 0; i < 3; i++)
        t[i] = thread_create("cond", cond_waiter, NULL, 0);
    thread_yield();
    mutex_lock(&m);
    flag = 7;
    cond_broadcast(&cv);
    mutex_unlock(&m);
    for (int i = 0; i < 3; i++)
        thread_join(t[i]);
    CHECK_EQ(seen_flag, 7);
    CHECK(cond_wait(&cv, &m) == -EPERM); /* without holding the mutex */
}

static void nothing(void *arg)
{
    (void)arg;
}

TEST(join_and_detach_free_everything)
{
    uint64_t free_before;
    struct thread *t;

    setup();
    free_before = page_free_count();
    t = thread_create("short", nothing, NULL, 0);
    CHECK_EQ(thread_join(thread_self()), -EINVAL);
    CHECK_EQ(thread_join(t), 0);
    t = thread_create("detached", nothing, NULL, 0);
    thread_detach(t);
    thread_yield(); /* it runs, exits, and the next switch frees it */
    thread_yield();
    CHECK_EQ(sched_thread_count(), 1);
    CHECK_EQ(page_free_count(), free_before);
    CHECK_EQ(libc_states, 0);
}

TEST(stack_guard_is_found)
{
    struct thread *t;
    int guards = 0;

    setup();
    t = thread_create("guarded", nothing, NULL, 12 * 1024);
    /* Exactly one page of the arena, the lowest of the stack's run, is its guard. */
    for (uintptr_t a = (uintptr_t)arena; a < (uintptr_t)arena + (16 << 20); a += PAGE_SIZE) {
        const char *owner = sched_guard_owner(a + 123);

        if (owner) {
            CHECK(strcmp(owner, "guarded") == 0);
            guards++;
        }
    }
    CHECK_EQ(guards, 1);
    CHECK(sched_guard_owner(0) == NULL);
    thread_join(t);
    CHECK(sched_guard_owner((uintptr_t)arena + 123) == NULL);
}
