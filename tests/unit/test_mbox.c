/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests for net/mbox.c, lwIP's mailbox (sys_arch), over the real
 * scheduler and context switch: order, a full box blocking its poster
 * until a fetch, trypost and tryfetch, a fetch timing out on the fake
 * clock, and a producer and a consumer passing many messages through a
 * small box without loss or reordering.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>

#include <internal/arch.h>
#include <internal/kernel.h>
#include <internal/mm.h>
#include <internal/sched.h>
#include <uk/time.h>

#include "../../kernel/kernel_private.h"
#include "../../net/mbox.h"
#include "check.h"
#include "fake_idle.h"
#include "fake_timers.h"
#include "kernel_stubs.h"

void uk_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

static void setup(void)
{
    host_sched_setup();
}

#define MSG(i) ((void *)(uintptr_t)(i))

TEST(fifo_order_and_try_variants)
{
    struct mbox *mb;
    void *m = NULL;

    setup();
    CHECK(mbox_new(0) == NULL);
    mb = mbox_new(3);
    CHECK(mb != NULL);
    CHECK(!mbox_tryfetch(mb, &m));
    for (int i = 1; i <= 3; i++)
        CHECK(mbox_trypost(mb, MSG(i)));
    CHECK(!mbox_trypost(mb, MSG(4))); /* full */
    CHECK_EQ(mbox_count(mb), 3);
    CHECK(mbox_tryfetch(mb, &m));
    CHECK(m == MSG(1));
    CHECK(mbox_trypost(mb, MSG(4))); /* the ring wraps */
    for (int i = 2; i <= 4; i++) {
        CHECK_EQ(mbox_fetch(mb, &m, UK_TIME_NEVER), 0);
        CHECK(m == MSG(i));
    }
    CHECK_EQ(mbox_count(mb), 0);
    mbox_free(mb);
}

TEST(fetch_on_an_empty_box_times_out_at_its_deadline)
{
    struct mbox *mb;
    void *m = MSG(7);

    setup();
    mb = mbox_new(2);
    fake_now_ns = 1000;
    CHECK_EQ(mbox_fetch(mb, &m, 5000), -ETIMEDOUT);
    CHECK_EQ(fake_now_ns, 5000);
    CHECK(m == MSG(7)); /* untouched */
    CHECK_EQ(fake_timers_armed(), 0);
    mbox_free(mb);
}

static struct mbox *shared;
static int produced;

static void producer(void *arg)
{
    int n = (int)(intptr_t)arg;

    for (int i = 1; i <= n; i++) {
        mbox_post(shared, MSG(i)); /* blocks while the box is full */
        produced = i;
    }
}

TEST(a_full_box_blocks_its_poster_until_a_fetch)
{
    struct uk_thread *t;
    void *m;

    setup();
    shared = mbox_new(2);
    produced = 0;
    t = uk_thread_create("producer", producer, (void *)(intptr_t)3, 0);
    uk_thread_yield();
    CHECK_EQ(produced, 2); /* the third post waits */
    CHECK_EQ(mbox_fetch(shared, &m, UK_TIME_NEVER), 0);
    CHECK(m == MSG(1));
    CHECK_EQ(uk_thread_join(t), 0);
    CHECK_EQ(produced, 3);
    for (int i = 2; i <= 3; i++) {
        CHECK(mbox_tryfetch(shared, &m));
        CHECK(m == MSG(i));
    }
    mbox_free(shared);
}

static void late_poster(void *arg)
{
    (void)arg;
    mbox_post(shared, MSG(42));
}

TEST(a_waiting_fetch_gets_a_post_from_another_thread)
{
    struct uk_thread *t;
    void *m = NULL;

    setup();
    shared = mbox_new(1);
    fake_now_ns = 10;
    t = uk_thread_create("poster", late_poster, NULL, 0);
    CHECK_EQ(mbox_fetch(shared, &m, fake_now_ns + 1000000), 0);
    CHECK(m == MSG(42));
    CHECK_EQ(fake_now_ns, 10); /* woken by the post, not by the deadline */
    CHECK_EQ(uk_thread_join(t), 0);
    CHECK_EQ(fake_timers_armed(), 0);
    mbox_free(shared);
}

TEST(many_messages_through_a_small_box_keep_their_order)
{
    struct uk_thread *t[2];
    void *m;
    int bad = 0;

    setup();
    shared = mbox_new(4);
    t[0] = uk_thread_create("producer", producer, (void *)(intptr_t)5000, 0);
    for (int i = 1; i <= 5000; i++) {
        CHECK_EQ(mbox_fetch(shared, &m, UK_TIME_NEVER), 0);
        bad += m != MSG(i);
        if (i % 7 == 0)
            uk_thread_yield();
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(uk_thread_join(t[0]), 0);
    CHECK_EQ(mbox_count(shared), 0);
    (void)t[1];
    mbox_free(shared);
}
