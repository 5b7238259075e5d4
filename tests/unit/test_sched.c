/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests for kernel/sched.c: the real scheduler and the real context
 * switch (arch/x86/context.c, switch.S) over stand-ins for the few arch/
 * and kernel services it needs. The stand-ins model interrupts: an
 * "interrupt" (a function) raised while they are off runs when they come
 * back on, or when the scheduler idles (sti; hlt). Timers run on a fake
 * clock: idling with no interrupt pending jumps the clock to the earliest
 * armed timer and runs it as its interrupt would. Idling with neither
 * would hang forever: it fails the test instead.
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
#include <uk/time.h>

#include "../../kernel/kernel_private.h"
#include "check.h"
#include "fake_timers.h"
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

/* An event arrives now: its handler runs at once if interrupts are on, else when they come on. */
static void event_arrives(void (*fn)(void))
{
    pending_irq = fn;
    if (irqs_on)
        deliver_pending();
}

/* The fake clock the fake timers (fake_timers.c) fire on. */
static uint64_t fake_now;

/* The timer interrupt: the clock jumps to the earliest deadline, whose timer runs. */
static bool fire_next_timer(void)
{
    struct uk_timer **first = fake_timer_first(), *t;

    if (!first)
        return false;
    t = *first;
    *first = NULL;
    if (t->deadline > fake_now)
        fake_now = t->deadline;
    irqs_on = false;
    t->fn(t, t->ctx);
    return true;
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
    if (fire_next_timer()) {
        irqs_on = false;
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
    arena = host_sched_setup();
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

/* The calling thread sleeps `ns` on the fake clock. */
static void sleep_for(uint64_t ns)
{
    struct uk_waitq q;

    uk_waitq_init(&q);
    CHECK_EQ(uk_waitq_wait_until(&q, "sleep", fake_now + ns), -ETIMEDOUT);
}

/* Timed waits: the deadline ends them, on the fake clock, and leaves no timer armed. */
TEST(waitq_wait_until_times_out_at_the_deadline_and_wakes_before_it)
{
    struct uk_waitq q;

    setup();
    uk_waitq_init(&q);
    fake_now = 1000;
    CHECK_EQ(uk_waitq_wait_until(&q, "timed", 1500), -ETIMEDOUT);
    CHECK_EQ(fake_now, 1500);
    CHECK(uk_waitq_empty(&q));
    CHECK_EQ(fake_timers_armed(), 0);
    /* Woken by an event before the deadline: 0, and the timer is gone. */
    irq_while_idle = event_wakes_waitq;
    uk_waitq_init(&external_wq);
    CHECK_EQ(uk_waitq_wait_until(&external_wq, "timed", 1000000), 0);
    CHECK_EQ(fake_now, 1500);
    CHECK_EQ(fake_timers_armed(), 0);
    /* UK_TIME_NEVER arms nothing. */
    irq_while_idle = event_wakes_waitq;
    CHECK_EQ(uk_waitq_wait_until(&external_wq, "never", UK_TIME_NEVER), 0);
    CHECK_EQ(fake_now, 1500);
}

/*
 * uk_waitq_wait_cond: the event that makes the condition true arrives just
 * after the condition was checked and found false. The handler sets the
 * flag and wakes the queue.
 */
static struct uk_waitq flag_wq;
static bool flag_set;
static unsigned int cond_checks;

static void handler_sets_flag(void)
{
    flag_set = true;
    uk_waitq_wake_all(&flag_wq);
}

/* The condition; the event comes right after its first check. */
static bool flag_cond(void *ctx)
{
    bool seen = flag_set;

    (void)ctx;
    if (++cond_checks == 1)
        event_arrives(handler_sets_flag);
    return seen;
}

/* The open-coded pattern uk_waitq_wait_cond replaces: check, then sleep. */
static void check_then_wait(void)
{
    if (!flag_cond(NULL))
        uk_waitq_wait(&flag_wq, "flag");
    printf("woken\n");
}

TEST(wait_cond_does_not_lose_a_wake_between_check_and_sleep)
{
    static char out[4096];
    int status;

    setup();
    uk_waitq_init(&flag_wq);
    /* Checked with interrupts on, the handler runs before the sleep and wakes nobody. */
    flag_set = false;
    cond_checks = 0;
    status = in_child(check_then_wait, out, sizeof(out));
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    CHECK(strstr(out, "idle with nothing runnable") != NULL && strstr(out, "woken") == NULL);
    /* uk_waitq_wait_cond: the handler runs once the thread sleeps, and is seen. */
    flag_set = false;
    cond_checks = 0;
    CHECK_EQ(uk_waitq_wait_cond(&flag_wq, "flag", flag_cond, NULL, UK_TIME_NEVER), 0);
    CHECK(flag_set);
    CHECK_EQ(cond_checks, 2);
    CHECK(irqs_on && pending_irq == NULL);
    /* A condition already true: no sleep, no timer. */
    cond_checks = 1;
    CHECK_EQ(uk_waitq_wait_cond(&flag_wq, "flag", flag_cond, NULL, fake_now + 10), 0);
    CHECK_EQ(fake_timers_armed(), 0);
}

static bool never(void *ctx)
{
    (*(unsigned int *)ctx)++;
    return false;
}

static void wakes_flag_wq(void)
{
    uk_waitq_wake_all(&flag_wq);
}

TEST(wait_cond_times_out_after_spurious_wakes_with_one_timer)
{
    unsigned int checks = 0;
    uint64_t deadline;

    setup();
    uk_waitq_init(&flag_wq);
    deadline = fake_now + 5000;
    /* A wake that does not make the condition true: back to sleep, same deadline. */
    irq_while_idle = wakes_flag_wq;
    CHECK_EQ(uk_waitq_wait_cond(&flag_wq, "never", never, &checks, deadline), -ETIMEDOUT);
    CHECK_EQ(fake_now, deadline);
    /* Before the first sleep, after the spurious wake, and once more at the deadline. */
    CHECK_EQ(checks, 3);
    CHECK(uk_waitq_empty(&flag_wq));
    CHECK_EQ(fake_timers_armed(), 0);
}

static struct uk_sem timed_sem;

static void handler_ups_timed_sem(void)
{
    uk_sem_up(&timed_sem);
}

TEST(sem_down_until_times_out_or_takes_a_count_from_a_handler)
{
    uint64_t start;

    setup();
    uk_sem_init(&timed_sem, 0);
    start = fake_now;
    CHECK_EQ(uk_sem_down_until(&timed_sem, start + 700), -ETIMEDOUT);
    CHECK_EQ(fake_now, start + 700);
    CHECK_EQ(timed_sem.count, 0);
    CHECK(uk_waitq_empty(&timed_sem.waiters));
    /* Up from a handler between the check and the sleep: taken, before the deadline. */
    irq_at_next_save = handler_ups_timed_sem;
    CHECK_EQ(uk_sem_down_until(&timed_sem, fake_now + 700), 0);
    CHECK_EQ(fake_now, start + 700);
    CHECK_EQ(timed_sem.count, 0);
    uk_sem_up(&timed_sem);
    CHECK_EQ(uk_sem_down_until(&timed_sem, fake_now), 0); /* a count there: no wait at all */
    CHECK_EQ(fake_timers_armed(), 0);
}

static struct uk_mutex timed_m;
static int timed_rc[2];
static uint64_t timed_deadline[2];

static void timed_locker(void *arg)
{
    int i = (int)(intptr_t)arg;

    timed_rc[i] = uk_mutex_lock_until(&timed_m, timed_deadline[i]);
    if (timed_rc[i] == 0)
        uk_mutex_unlock(&timed_m);
}

TEST(mutex_lock_until_times_out_and_the_next_waiter_gets_it)
{
    struct uk_thread *t[2];

    setup();
    uk_mutex_init(&timed_m);
    CHECK_EQ(uk_mutex_lock(&timed_m), 0);
    /* t0 waits until +100, t1 for ever; both queue behind main. */
    timed_deadline[0] = fake_now + 100;
    timed_deadline[1] = UK_TIME_NEVER;
    timed_rc[0] = timed_rc[1] = 1;
    for (int i = 0; i < 2; i++)
        t[i] = uk_thread_create("timed-lock", timed_locker, (void *)(intptr_t)i, 0);
    uk_thread_yield();
    /* Main sleeps past t0's deadline: t0 gives up; its place in the queue goes. */
    sleep_for(200);
    CHECK_EQ(timed_rc[0], -ETIMEDOUT);
    CHECK(timed_m.owner == uk_thread_self());
    CHECK_EQ(uk_mutex_unlock(&timed_m), 0); /* handed to t1, not to t0 */
    CHECK_EQ(uk_thread_join(t[1]), 0);
    CHECK_EQ(timed_rc[1], 0);
    CHECK_EQ(uk_thread_join(t[0]), 0);
    CHECK(timed_m.owner == NULL);
    CHECK_EQ(uk_mutex_lock_until(&timed_m, fake_now), 0); /* free: no wait */
    CHECK_EQ(uk_mutex_lock_until(&timed_m, UK_TIME_NEVER), -EDEADLK);
    CHECK_EQ(uk_mutex_unlock(&timed_m), 0);
    CHECK_EQ(fake_timers_armed(), 0);
}

/* Ownership handed over, then the deadline passes before the new owner runs: it keeps it. */
TEST(mutex_handed_over_just_before_the_deadline_is_kept)
{
    struct uk_thread *t;

    setup();
    uk_mutex_init(&timed_m);
    CHECK_EQ(uk_mutex_lock(&timed_m), 0);
    timed_deadline[0] = fake_now + 100;
    timed_rc[0] = 1;
    t = uk_thread_create("timed-lock", timed_locker, (void *)(intptr_t)0, 0);
    uk_thread_yield(); /* it waits */
    CHECK_EQ(uk_mutex_unlock(&timed_m), 0);
    CHECK(timed_m.owner == t);
    /* Its timer interrupt comes before it runs. */
    CHECK(fire_next_timer());
    irqs_on = true;
    CHECK_EQ(uk_thread_join(t), 0);
    CHECK_EQ(timed_rc[0], 0);
    CHECK(timed_m.owner == NULL);
}

static struct uk_cond timed_cv;
static int cv_rc;
static bool cv_held_after;

static void timed_cond_waiter(void *arg)
{
    uk_mutex_lock(&timed_m);
    cv_rc = uk_cond_wait_until(&timed_cv, &timed_m, *(uint64_t *)arg);
    cv_held_after = timed_m.owner == uk_thread_self();
    uk_mutex_unlock(&timed_m);
}

TEST(cond_wait_until_times_out_holding_the_mutex_or_is_signalled)
{
    struct uk_thread *t;
    uint64_t deadline;

    setup();
    uk_mutex_init(&timed_m);
    uk_cond_init(&timed_cv);
    /* Nobody signals: -ETIMEDOUT at the deadline, the mutex held again. */
    deadline = fake_now + 300;
    cv_rc = 1;
    t = uk_thread_create("timed-cond", timed_cond_waiter, &deadline, 0);
    CHECK_EQ(uk_thread_join(t), 0);
    CHECK_EQ(cv_rc, -ETIMEDOUT);
    CHECK(cv_held_after);
    CHECK_EQ(fake_now, deadline);
    /* Signalled before the deadline: 0, the clock did not move. */
    deadline = fake_now + 300;
    cv_rc = 1;
    t = uk_thread_create("timed-cond", timed_cond_waiter, &deadline, 0);
    uk_thread_yield(); /* it waits */
    uk_mutex_lock(&timed_m);
    uk_cond_signal(&timed_cv);
    uk_mutex_unlock(&timed_m);
    CHECK_EQ(uk_thread_join(t), 0);
    CHECK_EQ(cv_rc, 0);
    CHECK(cv_held_after);
    CHECK_EQ(fake_now, deadline - 300);
    CHECK_EQ(uk_cond_wait_until(&timed_cv, &timed_m, UK_TIME_NEVER), -EPERM);
    CHECK_EQ(fake_timers_armed(), 0);
}
