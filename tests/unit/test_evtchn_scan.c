/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests for events/evtchn_scan.c against a model of Xen's 2-level
 * event delivery (xen_raise: pending bit, selector bit, upcall_pending, and
 * the upcall vector only on upcall_pending's 0 -> 1 step).
 */
#include <stdbool.h>
#include <stdlib.h>

#include "../../events/evtchn_scan.h"
#include "check.h"

#define BITS      (sizeof(xen_ulong_t) * 8)
#define NR_PORTS  EVTCHN_2L_NR_CHANNELS
#define NR_WORDS  (NR_PORTS / BITS)
#define MAX_RAISE 8

static struct shared_info sh;
static struct vcpu_info *v = &sh.vcpu_info[0];
static struct evtchn_scan st;
static unsigned int vector_raises; /* upcall vector edges not yet taken */
static uint64_t dispatched[NR_PORTS];
static unsigned int order[64], nr_order;
/* What a handler does: raise these ports (a handler's EVTCHNOP_send). */
static evtchn_port_t raise_on[NR_PORTS][MAX_RAISE];
static unsigned int nr_raise_on[NR_PORTS], raise_budget;

static bool test_and_set(xen_ulong_t *word, unsigned int bit)
{
    xen_ulong_t m = (xen_ulong_t)1 << bit;

    return __atomic_fetch_or(word, m, __ATOMIC_SEQ_CST) & m;
}

/* Xen's evtchn_2l_set_pending and vcpu_mark_events_pending. */
static void xen_raise(evtchn_port_t port)
{
    if (test_and_set(&sh.evtchn_pending[port / BITS], port % BITS))
        return;
    if (sh.evtchn_mask[port / BITS] & ((xen_ulong_t)1 << (port % BITS)))
        return;
    if (test_and_set(&v->evtchn_pending_sel, port / BITS))
        return;
    if (__atomic_exchange_n(&v->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        return;
    vector_raises++;
}

static void handler(evtchn_port_t port, void *ctx)
{
    (void)ctx;
    dispatched[port]++;
    if (nr_order < 64)
        order[nr_order++] = port;
    for (unsigned int i = 0; i < nr_raise_on[port] && raise_budget; i++, raise_budget--)
        xen_raise(raise_on[port][i]);
}

static void fresh(void)
{
    memset(&sh, 0, sizeof(sh));
    memset(&st, 0, sizeof(st));
    memset(dispatched, 0, sizeof(dispatched));
    memset(nr_raise_on, 0, sizeof(nr_raise_on));
    vector_raises = 0;
    nr_order = 0;
    raise_budget = 1000000;
}

static unsigned int pending_unmasked(void)
{
    unsigned int n = 0;

    for (unsigned int w = 0; w < NR_WORDS; w++)
        n += (unsigned int)__builtin_popcountll(sh.evtchn_pending[w] & ~sh.evtchn_mask[w]);
    return n;
}

/* One upcall taken: the vector edge is consumed, the scan runs. */
static void take_upcall(void)
{
    vector_raises = 0;
    evtchn_scan_upcall(&st, &sh, v, handler, NULL);
}

/*
 * Finding 18's shape: the timer's handler sends on a loopback channel, and
 * a port the scan has passed becomes pending during dispatch. One upcall
 * must leave nothing behind that only a second vector edge would serve:
 * when it returns, no unmasked port is pending and upcall_pending is clear.
 */
TEST(one_upcall_leaves_nothing_pending)
{
    evtchn_port_t timer = 3, a = 5, b = 6;

    fresh();
    raise_on[timer][nr_raise_on[timer]++] = b;
    (void)a;
    st.word = 0;
    st.bit = b + 1; /* b served last: the scan wraps round to the timer */
    xen_raise(timer);
    CHECK_EQ(vector_raises, 1);
    take_upcall();
    CHECK_EQ(dispatched[timer], 1);
    CHECK_EQ(dispatched[b], 1);
    CHECK_EQ(pending_unmasked(), 0);
    CHECK_EQ(v->evtchn_upcall_pending, 0);
    CHECK_EQ(v->evtchn_pending_sel, 0);
}

/*
 * Random handlers raising random ports (their own included) in several
 * words: after each upcall nothing unmasked is pending, and a raise is
 * never served twice (dispatches never exceed raises).
 */
TEST(random_raises_during_dispatch_all_served_once)
{
    static uint64_t raised[NR_PORTS];

    srand(18);
    for (int round = 0; round < 300; round++) {
        evtchn_port_t ports[12];

        fresh();
        memset(raised, 0, sizeof(raised));
        for (int i = 0; i < 12; i++)
            ports[i] = (evtchn_port_t)(rand() % 300);
        for (int i = 0; i < 12; i++)
            for (int k = rand() % 3; k > 0; k--)
                raise_on[ports[i]][nr_raise_on[ports[i]]++] = ports[rand() % 12];
        raise_budget = 200;
        st.word = (unsigned int)rand() % NR_WORDS;
        st.bit = (unsigned int)rand() % BITS;
        for (int i = 0; i < 4; i++)
            xen_raise(ports[rand() % 12]);
        while (vector_raises)
            take_upcall();
        CHECK_EQ(pending_unmasked(), 0);
        CHECK_EQ(v->evtchn_upcall_pending, 0);
    }
}

/* A masked port stays pending, raises nothing, and is not dispatched. */
TEST(masked_port_held)
{
    fresh();
    sh.evtchn_mask[0] = (xen_ulong_t)1 << 6;
    xen_raise(6);
    CHECK_EQ(vector_raises, 0);
    xen_raise(3);
    take_upcall();
    CHECK_EQ(dispatched[6], 0);
    CHECK_EQ(dispatched[3], 1);
    CHECK(sh.evtchn_pending[0] & ((xen_ulong_t)1 << 6));
}

/*
 * Fairness: a port whose handler raises itself again every time (a storm)
 * is served once per pass, and every other pending port, in any word, is
 * served in the first pass, before the storm's second dispatch.
 */
TEST(storm_does_not_starve_others)
{
    evtchn_port_t storm = 70, others[] = {3, 69, 71, 200, 4095};

    fresh();
    raise_on[storm][nr_raise_on[storm]++] = storm;
    raise_budget = 20;
    st.word = storm / BITS;
    st.bit = storm % BITS; /* the storm first */
    xen_raise(storm);
    for (unsigned int i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        xen_raise(others[i]);
    take_upcall();
    CHECK_EQ(order[0], storm);
    for (unsigned int i = 1; i <= 5; i++)
        CHECK(order[i] != storm);
    CHECK_EQ(order[6], storm);
    for (unsigned int i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        CHECK_EQ(dispatched[others[i]], 1);
    CHECK_EQ(dispatched[storm], 21);
    CHECK_EQ(pending_unmasked(), 0);
}

/* Each pass starts just after the port served last, wrapping round. */
TEST(resumes_after_last_served)
{
    fresh();
    xen_raise(10);
    take_upcall();
    CHECK_EQ(st.word, 0);
    CHECK_EQ(st.bit, 11);
    xen_raise(5);
    xen_raise(12);
    take_upcall();
    CHECK_EQ(order[1], 12);
    CHECK_EQ(order[2], 5);
    xen_raise(63);
    take_upcall();
    CHECK_EQ(st.word, 1);
    CHECK_EQ(st.bit, 0);
    xen_raise(NR_PORTS - 1);
    take_upcall();
    CHECK_EQ(st.word, 0);
    CHECK_EQ(st.bit, 0);
}
