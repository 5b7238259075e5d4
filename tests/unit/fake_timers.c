/* SPDX-License-Identifier: BSD-2-Clause */
/* The fake timers of fake_timers.h: a table, no clock of its own. */
#include <stdlib.h>
#include <string.h>

#include <uk/compiler.h>

#include "fake_timers.h"

static struct uk_timer *armed[64];

int uk_timer_init(struct uk_timer *t, uk_timer_fn fn, void *ctx)
{
    memset(t, 0, sizeof(*t));
    t->fn = fn;
    t->ctx = ctx;
    return 0;
}

bool uk_timer_cancel(struct uk_timer *t)
{
    for (unsigned int i = 0; i < UK_ARRAY_SIZE(armed); i++)
        if (armed[i] == t) {
            armed[i] = NULL;
            return true;
        }
    return false;
}

void uk_timer_arm(struct uk_timer *t, uint64_t deadline)
{
    uk_timer_cancel(t);
    t->deadline = deadline;
    for (unsigned int i = 0; i < UK_ARRAY_SIZE(armed); i++)
        if (!armed[i]) {
            armed[i] = t;
            return;
        }
    abort(); /* more timers than a test should ever arm */
}

struct uk_timer **fake_timer_first(void)
{
    struct uk_timer **first = NULL;

    for (unsigned int i = 0; i < UK_ARRAY_SIZE(armed); i++)
        if (armed[i] && (!first || armed[i]->deadline < (*first)->deadline))
            first = &armed[i];
    return first;
}

unsigned int fake_timers_armed(void)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < UK_ARRAY_SIZE(armed); i++)
        n += armed[i] != NULL;
    return n;
}
