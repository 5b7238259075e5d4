/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests for kernel/sched.c: the real scheduler and the real context
 * switch (arch/x86/context.c, switch.S) over stand-ins for the few arch/
 * and kernel services it needs. The stand-ins model interrupts: an
 * "interrupt" (a function) raised while they are off runs when they come
 * back on, or when the scheduler idles (sti; hlt). Idling with no interrupt
 * pending would hang forever: it fails the test instead.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <internal/arch.h>
#include <internal/console.h>
#include <internal/kernel.h>
#include <internal/mm.h>
#include <internal/sched.h>

#include "../../kernel/kernel_private.h"
#include "check.h"
#include "kernel_stubs.h"

/* Stand-ins. */
static bool irqs_on = true;
static void (*pending_irq)(void);      /* raised, waiting for interrupts on */
static void (*irq_at_next_save)(void); /* raised by the next arch_irq_save */
static void (*irq_while_idle)(void);   /* arrives only once the CPU idles */

static void deliver_pending(void)
{
    void (*fn)(void) = pending_irq;

    pending_irq = NULL;
    irqs_on = false; /* handlers run with interrupts off, as on x86 */
    fn();
    irqs_on = true;
}

void arch_idle(void)
{
    if (!pending_irq) {
        pending_irq = irq_while_idle;
        irq_while_idle = NULL;
    }
    if (pending_irq) {
        deliver_pending();
        irqs_on = false; /* sti; hlt; cli */
        return;
    }
    printf("  idle with nothing runnable and no interrupt pending: a hang\n");
    fflush(stdout);
    abort();
}
unsigned long arch_irq_save(void)
{
    unsigned long was_on = irqs_on;

    irqs_on = false;
    if (irq_at_next_save) {
        /* The event arrives inside the critical section the caller just began. */
        pending_irq = irq_at_next_save;
        irq_at_next_save = NULL;
    }
    return was_on;
}
void arch_irq_restore(unsigned long f)
{
    irqs_on = f;
    if (irqs_on && pending_irq)
        deliver_pending();
}
void arch_irq_enable(void)
{
    arch_irq_restore(1);
}
void arch_irq_disable(void)
{
    irqs_on = false;
}
void uk_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
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
    if (uk_thread_count() == 1)
        page_alloc_init(&r, 1);
}

static int order_log[64], nlog;

static void logger(void *arg)
{
    int id = (int)(intptr_t)arg;

    for (int i = 0; i < 3; i++) {
        order_log[nlog++] = id;
        uk_thread_yield();
    }
}

TEST(yield_round_robins_in_creation_order)
{
    struct uk_thread *t[3];

    setup();
    nlog = 0;
    for (int i = 0; i < 3; i++)
        t[i] = uk_thread_create("logger", logger, (void *)(intptr_t)(i + 1), 0);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(uk_thread_join(t[i]), 0);
    CHECK_EQ(nlog, 9);
    for (int i = 0; i < 9; i++)
        CHECK_EQ(order_log[i], i % 3 + 1);
    CHECK_EQ(uk_thread_count(), 1);
    CHECK_EQ(stub_libc_states, 0);
}

static struct uk_waitq wq;
static int woken;

static void sleeper(void *arg)
{
    (void)arg;
    uk_waitq_wait(&wq, "test");
    woken++;
}

TEST(wake_one_wakes_exactly_one_in_fifo_order)
{
    struct uk_thread *t[4];

    setup();
    uk_waitq_init(&wq);
    woken = 0;
    for (int i = 0; i < 4; i++)
        t[i] = uk_thread_create("sleeper", sleeper, NULL, 0);
    uk_thread_yield(); /* all four now wait */
    CHECK(uk_waitq_wake_one(&wq));
    uk_thread_yield();
    CHECK_EQ(woken, 1);
    CHECK_EQ(uk_waitq_wake_all(&wq), 3);
    CHECK(!uk_waitq_wake_one(&wq));
    for (int i = 0; i < 4; i++)
        uk_thread_join(t[i]);
    CHECK_EQ(woken, 4);
}

static struct uk_mutex m;
static int in_section, max_in_section, sections;

static void worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20; i++) {
        CHECK_EQ(uk_mutex_lock(&m), 0);
        in_section++;
        if (in_section > max_in_section)
            max_in_section = in_section;
        uk_thread_yield();
        in_section--;
        sections++;
        CHECK_EQ(uk_mutex_unlock(&m), 0);
    }
}

TEST(mutex_excludes_and_reports_misuse)
{
    struct uk_thread *t[5];

    setup();
    uk_mutex_init(&m);
    sections = max_in_section = 0;
    for (int i = 0; i < 5; i++)
        t[i] = uk_thread_create("worker", worker, NULL, 0);
    for (int i = 0; i < 5; i++)
        uk_thread_join(t[i]);
    CHECK_EQ(sections, 100);
    CHECK_EQ(max_in_section, 1);
    CHECK_EQ(uk_mutex_unlock(&m), -EPERM);
    CHECK_EQ(uk_mutex_lock(&m), 0);
    CHECK_EQ(uk_mutex_lock(&m), -EDEADLK);
    CHECK_EQ(uk_mutex_trylock(&m), -EBUSY);
    CHECK_EQ(uk_mutex_unlock(&m), 0);
    CHECK_EQ(uk_mutex_trylock(&m), 0);
    CHECK_EQ(uk_mutex_unlock(&m), 0);
}

static struct uk_sem sem;
static int consumed;

static void consumer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5; i++) {
        uk_sem_down(&sem);
        consumed++;
    }
}

TEST(semaphore_counts)
{
    struct uk_thread *t;

    setup();
    uk_sem_init(&sem, 2);
    consumed = 0;
    t = uk_thread_create("consumer", consumer, NULL, 0);
    uk_thread_yield();
    CHECK_EQ(consumed, 2);
    CHECK(!uk_sem_trydown(&sem));
    for (int i = 0; i < 3; i++)
        uk_sem_up(&sem);
    uk_thread_join(t);
    CHECK_EQ(consumed, 5);
}

static struct uk_cond cv;
static int flag, seen_flag;

static void cond_waiter(void *arg)
{
    (void)arg;
    uk_mutex_lock(&m);
    while (!flag)
        uk_cond_wait(&cv, &m);
    seen_flag = flag;
    uk_mutex_unlock(&m);
}

TEST(condvar_signal_is_not_lost)
{
    struct uk_thread *t[3];

    setup();
    uk_mutex_init(&m);
    uk_cond_init(&cv);
    flag = seen_flag = 0;
    for (int i = 0; i < 3; i++)
        t[i] = uk_thread_create("cond", cond_waiter, NULL, 0);
    uk_thread_yield();
    uk_mutex_lock(&m);
    flag = 7;
    uk_cond_broadcast(&cv);
    uk_mutex_unlock(&m);
    for (int i = 0; i < 3; i++)
        uk_thread_join(t[i]);
    CHECK_EQ(seen_flag, 7);
    CHECK(uk_cond_wait(&cv, &m) == -EPERM); /* without holding the mutex */
}

static void nothing(void *arg)
{
    (void)arg;
}

TEST(join_and_detach_free_everything)
{
    uint64_t free_before;
    struct uk_thread *t;

    setup();
    free_before = uk_page_free_count();
    t = uk_thread_create("short", nothing, NULL, 0);
    CHECK_EQ(uk_thread_join(uk_thread_self()), -EINVAL);
    CHECK_EQ(uk_thread_join(t), 0);
    t = uk_thread_create("detached", nothing, NULL, 0);
    uk_thread_detach(t);
    uk_thread_yield(); /* it runs, exits, and the next switch frees it */
    uk_thread_yield();
    CHECK_EQ(uk_thread_count(), 1);
    CHECK_EQ(uk_page_free_count(), free_before);
    CHECK_EQ(stub_libc_states, 0);
}

TEST(stack_guard_is_found)
{
    struct uk_thread *t;
    int guards = 0;

    setup();
    t = uk_thread_create("guarded", nothing, NULL, 12 * 1024);
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
    uk_thread_join(t);
    CHECK(sched_guard_owner((uintptr_t)arena + 123) == NULL);
}

/* Finding 8: uk_sem_up from an event handler between uk_sem_down's check and its sleep. */
static struct uk_sem irq_sem;

static void irq_sem_up(void)
{
    uk_sem_up(&irq_sem);
}

TEST(sem_up_from_an_interrupt_during_sem_down_is_not_lost)
{
    setup();
    uk_sem_init(&irq_sem, 0);
    /*
     * The event arrives just after uk_sem_down turns interrupts off for its
     * check, so its handler runs at the first moment interrupts are on
     * again (or when the scheduler idles). Checked and queued in two
     * sections, the wakeup lands between them and main sleeps forever
     * (the idle stand-in aborts); in one, the idle runs the handler.
     */
    irq_at_next_save = irq_sem_up;
    uk_sem_down(&irq_sem);
    CHECK(irq_at_next_save == NULL && pending_irq == NULL);
    CHECK(!uk_sem_trydown(&irq_sem));
    CHECK(irqs_on);
}

/* Finding 16: a stack size near SIZE_MAX must not wrap to a tiny stack. */
TEST(huge_stack_sizes_are_enomem)
{
    static const size_t sizes[] = {SIZE_MAX, SIZE_MAX - PAGE_SIZE + 2, SIZE_MAX / 2,
                                   (size_t)1 << 40, ((size_t)PAGE_SIZE << PAGE_MAX_ORDER)};
    uint64_t free_before;

    setup();
    free_before = uk_page_free_count();
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct uk_thread *t;

        errno = 0;
        t = uk_thread_create("huge", nothing, NULL, sizes[i]);
        CHECK(t == NULL);
        CHECK_EQ(errno, ENOMEM);
        if (t)
            uk_thread_join(t);
    }
    CHECK_EQ(uk_page_free_count(), free_before);
    CHECK_EQ(uk_thread_count(), 1);
    CHECK_EQ(stub_libc_states, 0);
}

/* Finding 21: waits only a thread can end, all at once, are a reported deadlock. */
static struct uk_mutex lock_a, lock_b;

static void take_a_then_b(void *arg)
{
    (void)arg;
    uk_mutex_lock(&lock_a);
    uk_thread_yield();
    uk_mutex_lock(&lock_b);
}

static void take_b_then_a(void *arg)
{
    (void)arg;
    uk_mutex_lock(&lock_b);
    uk_thread_yield();
    uk_mutex_lock(&lock_a);
}

/* Run fn in a child process; its output in out, its end status returned. */
static int in_child(void (*fn)(void), char *out, size_t size)
{
    int fds[2], status = 0;
    size_t len = 0;
    ssize_t n;
    pid_t pid;

    fflush(stdout);
    if (pipe(fds))
        abort();
    pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        setvbuf(stdout, NULL, _IONBF, 0);
        fn();
        _exit(0);
    }
    close(fds[1]);
    while (len + 1 < size && (n = read(fds[0], out + len, size - 1 - len)) > 0)
        len += (size_t)n;
    out[len] = 0;
    close(fds[0]);
    waitpid(pid, &status, 0);
    return status;
}

static struct uk_waitq service_wq;
static int service_rounds;

/* Like XenStore's reader: waits on events for ever, alongside the deadlock. */
static void service(void *arg)
{
    (void)arg;
    for (;;) {
        uk_waitq_wait(&service_wq, "an event");
        service_rounds++;
    }
}

static void service_event(void)
{
    uk_waitq_wake_all(&service_wq);
}

static void mutex_cycle(void)
{
    struct uk_thread *t1, *t2;

    uk_mutex_init(&lock_a);
    uk_mutex_init(&lock_b);
    uk_waitq_init(&service_wq);
    uk_thread_detach(uk_thread_create("service", service, NULL, 0));
    t1 = uk_thread_create("a-then-b", take_a_then_b, NULL, 0);
    t2 = uk_thread_create("b-then-a", take_b_then_a, NULL, 0);
    /* After the deadlock, one more event: the idle after it must not report again. */
    irq_while_idle = service_event;
    uk_thread_join(t1);
    uk_thread_join(t2);
    printf("joined: no deadlock seen\n");
}

TEST(mutex_cycle_is_reported_once_as_a_deadlock)
{
    static char out[8192];
    int status;
    char *first;

    setup();
    status = in_child(mutex_cycle, out, sizeof(out));
    /* Reported, then the guest idles on: here the idle stand-in aborts. */
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    first = strstr(
        out, "*** deadlock: 3 threads wait on one another for ever: main a-then-b b-then-a\n");
    CHECK(first != NULL);
    CHECK(first && strstr(first + 1, "*** deadlock") == NULL);
    CHECK(strstr(out, "a-then-b         blocked  on mutex") != NULL);
    CHECK(strstr(out, "b-then-a         blocked  on mutex") != NULL);
    CHECK(strstr(out, "main             blocked  on join") != NULL);
    CHECK(strstr(out, "service          blocked  on an event") != NULL);
    CHECK(strstr(out, "idle with nothing runnable and no interrupt pending") != NULL);
    CHECK(strstr(out, "joined") == NULL);
    if (check_failures)
        printf("%s", out);
}

static struct uk_waitq external_wq;
static struct uk_sem external_sem;

static void event_wakes_waitq(void)
{
    uk_waitq_wake_all(&external_wq);
}

static void event_ups_sem(void)
{
    uk_sem_up(&external_sem);
}

static void waits_on_event(void *arg)
{
    (void)arg;
    uk_mutex_lock(&lock_a); /* held while waiting: its waiter is still not a deadlock */
    uk_waitq_wait(&external_wq, "an event");
    irq_while_idle = event_ups_sem;
    uk_sem_down(&external_sem);
    uk_mutex_unlock(&lock_a);
}

static void blocks_on_mutex(void *arg)
{
    (void)arg;
    uk_mutex_lock(&lock_a);
    uk_mutex_unlock(&lock_a);
}

TEST(waits_an_event_can_end_are_not_a_deadlock)
{
    struct uk_thread *t1, *t2;

    setup();
    uk_mutex_init(&lock_a);
    uk_waitq_init(&external_wq);
    uk_sem_init(&external_sem, 0);
    t1 = uk_thread_create("on-event", waits_on_event, NULL, 0);
    t2 = uk_thread_create("on-mutex", blocks_on_mutex, NULL, 0);
    /* Main joins, t2 waits on t1's mutex, t1 on an event: the idle delivers it. */
    irq_while_idle = event_wakes_waitq;
    CHECK_EQ(uk_thread_join(t1), 0);
    CHECK_EQ(uk_thread_join(t2), 0);
    CHECK(irq_while_idle == NULL && pending_irq == NULL);
}
