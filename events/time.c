/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The clocks (pvclock and Xen's wall clock) and the timers behind sleeps and
 * timeouts: a heap of struct uk_timer, with Xen's single-shot vCPU timer always
 * set for the earliest deadline, and VIRQ_TIMER running what expired.
 */
#include <errno.h>

#include <internal/arch.h>
#include <uk/compiler.h>
#include <internal/events.h>
#include <internal/hypercall.h>
#include <internal/kernel.h>
#include <internal/sched.h>
#include <internal/time.h>
#include <xen/vcpu.h>

#include "events_private.h"
#include "timer_heap.h"

static struct timer_heap heap;
static uint64_t last_now;
static uint64_t nr_timer_interrupts;
/* Xen's system time (from Xen's boot) when our vCPU was created: our zero. */
static uint64_t xen_start;
static bool xen_start_known;

/*
 * Deadlines further than this (about 73 years) go to Xen as this: a
 * deadline above INT64_MAX would reach Xen's signed s_time_t as a time in
 * the past and fire at once, again and again. Firing early is harmless:
 * the handler finds nothing due and programs the timer again.
 */
#define XEN_TIMER_MAX ((uint64_t)INT64_MAX / 4)

/*
 * pvclock: system_time was exact at tsc_timestamp; scale the TSC cycles
 * since then. Xen bumps `version` to odd while updating: retry until a
 * stable, even version brackets the reads.
 */
static uint64_t pvclock_read(const struct vcpu_time_info *t)
{
    uint32_t version;
    uint64_t ns;

    do {
        uint64_t delta;

        version = UK_READ_ONCE(t->version);
        uk_smp_rmb();
        delta = arch_cycles() - t->tsc_timestamp;
        if (t->tsc_shift < 0)
            delta >>= -t->tsc_shift;
        else
            delta <<= t->tsc_shift;
        ns = t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
        uk_smp_rmb();
    } while ((version & 1) || version != UK_READ_ONCE(t->version));
    return ns;
}

/*
 * When the vCPU was created, in Xen's system time: Xen's runstate times
 * (running, runnable, blocked, offline) add up to the vCPU's age, the
 * current state counted up to the call. Asked after `now` was read, so the
 * result is at most `now`. Read once, at the first clock read; `now` if Xen
 * will not say.
 */
static uint64_t vcpu_created_at(uint64_t now)
{
    struct vcpu_runstate_info rs;
    uint64_t lived = 0;

    if (hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, &rs))
        return now;
    for (unsigned int i = 0; i < 4; i++)
        lived += rs.time[i];
    return lived <= now ? now - lived : now;
}

/* Xen's system time, never backwards. Interrupts off. */
static uint64_t xen_now(void)
{
    uint64_t now = pvclock_read(&evtchn_shared_info()->vcpu_info[0].time);

    /* Xen's updates may step a few ns back: never show that. */
    if (now < last_now)
        now = last_now;
    last_now = now;
    if (!xen_start_known) {
        xen_start = vcpu_created_at(now);
        xen_start_known = true;
    }
    return now;
}

uint64_t uk_monotonic_ns(void)
{
    unsigned long flags = arch_irq_save();
    uint64_t now = xen_now() - xen_start;

    arch_irq_restore(flags);
    return now;
}

uint64_t uk_deadline_in(uint64_t ns)
{
    return uk_time_add_sat(uk_monotonic_ns(), ns);
}

uint64_t uk_realtime_ns(void)
{
    const struct shared_info *s = evtchn_shared_info();
    unsigned long flags;
    uint32_t version;
    uint64_t sec, nsec, now;

    do {
        version = UK_READ_ONCE(s->wc_version);
        uk_smp_rmb();
        sec = ((uint64_t)s->wc_sec_hi << 32) | s->wc_sec;
        nsec = s->wc_nsec;
        uk_smp_rmb();
    } while ((version & 1) || version != UK_READ_ONCE(s->wc_version));
    /* The wall clock is of Xen's boot: add Xen's system time, not ours. */
    flags = arch_irq_save();
    now = xen_now();
    arch_irq_restore(flags);
    return sec * UK_NSEC_PER_SEC + nsec + now;
}

uint64_t time_timer_interrupts(void)
{
    return nr_timer_interrupts;
}

/* Point Xen's one-shot timer at the earliest deadline. Interrupts off. */
static void program_xen_timer(void)
{
    struct uk_timer *first = timer_heap_peek(&heap);
    struct vcpu_set_singleshot_timer st = {.flags = 0};
    long rc;

    if (!first)
        return;
    /* Without VCPU_SSHOTTMR_future, a deadline already past fires at once. */
    st.timeout_abs_ns =
        first->deadline < XEN_TIMER_MAX ? xen_start + first->deadline : XEN_TIMER_MAX;
    rc = hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st);
    if (rc)
        uk_panic("VCPUOP_set_singleshot_timer: %ld", rc);
}

static void timer_virq(evtchn_port_t port, void *ctx)
{
    uint64_t now = uk_monotonic_ns();
    struct uk_timer *t;

    (void)port;
    (void)ctx;
    nr_timer_interrupts++;
    while ((t = timer_heap_peek(&heap)) != NULL && t->deadline <= now) {
        timer_heap_remove(&heap, t);
        t->fn(t, t->ctx);
    }
    program_xen_timer();
}

int uk_timer_init(struct uk_timer *t, uk_timer_fn fn, void *ctx)
{
    *t = (struct uk_timer){.fn = fn, .ctx = ctx};
    return 0;
}

void uk_timer_destroy(struct uk_timer *t)
{
    uk_timer_cancel(t);
}

void uk_timer_arm(struct uk_timer *t, uint64_t deadline)
{
    unsigned long flags = arch_irq_save();

    timer_heap_remove(&heap, t);
    t->deadline = deadline;
    timer_heap_insert(&heap, t);
    if (timer_heap_peek(&heap) == t)
        program_xen_timer();
    arch_irq_restore(flags);
}

bool uk_timer_cancel(struct uk_timer *t)
{
    unsigned long flags = arch_irq_save();
    bool armed = t->armed;

    /* The Xen timer may stay set for it: an early interrupt finds nothing due. */
    timer_heap_remove(&heap, t);
    arch_irq_restore(flags);
    return armed;
}

void uk_sleep_until(uint64_t deadline)
{
    struct uk_waitq wq;

    uk_waitq_init(&wq);
    while (uk_monotonic_ns() < deadline)
        uk_waitq_wait_until(&wq, "sleep", deadline);
}

void uk_sleep_ns(uint64_t ns)
{
    uk_sleep_until(uk_deadline_in(ns));
}

int time_init(void)
{
    evtchn_port_t port;
    long rc;

    /* No periodic tick: the one-shot timer is set only when something waits. */
    rc = hypercall_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    if (rc)
        return (int)rc;
    return evtchn_bind_virq(VIRQ_TIMER, timer_virq, NULL, &port);
}
