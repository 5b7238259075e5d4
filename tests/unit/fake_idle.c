/* SPDX-License-Identifier: BSD-2-Clause */
/* The clock and idle of fake_idle.h. */
#include <stdio.h>
#include <stdlib.h>

#include <internal/arch.h>
#include <internal/time.h>
#include <uk/time.h>

#include "fake_idle.h"
#include "fake_timers.h"

uint64_t fake_now_ns = 1;

uint64_t uk_monotonic_ns(void)
{
    return fake_now_ns;
}

uint64_t uk_deadline_in(uint64_t ns)
{
    return uk_time_add_sat(fake_now_ns, ns);
}

void arch_idle(void)
{
    struct uk_timer **tm = fake_timer_first();
    struct uk_timer *t;

    if (!tm) {
        printf("  idle with nothing runnable and no timer: a hang\n");
        fflush(stdout);
        abort();
    }
    t = *tm;
    *tm = NULL;
    if (t->deadline > fake_now_ns)
        fake_now_ns = t->deadline;
    t->fn(t, t->ctx);
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
