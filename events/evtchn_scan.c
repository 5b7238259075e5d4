/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The 2-level event scan. Xen raises a port in this order: its bit in
 * evtchn_pending, then (unless masked, and unless already set) the word's
 * bit in vcpu_info's evtchn_pending_sel, then (unless already set)
 * evtchn_upcall_pending, and only on that last 0 -> 1 step the upcall
 * vector. So once the guest has cleared evtchn_upcall_pending, a word whose
 * selector bit it has taken is raised again only if one of its ports goes
 * from clear to pending: a port the guest saw pending but did not serve is
 * raised by nothing. Hence the two rules here:
 *  - every word taken from the selector is finished in the same upcall
 *    (no selector kept for "the next upcall", which may never come);
 *  - the upcall ends only after a pass in which evtchn_upcall_pending
 *    stayed clear, so an event raised during the pass (a handler's own
 *    EVTCHNOP_send included) is served before the guest may go idle.
 */
#include <uk/assert.h>
#include <uk/compiler.h>

#include "evtchn_scan.h"

#define BITS_PER_WORD (sizeof(xen_ulong_t) * 8)
#define NR_WORDS      (EVTCHN_2L_NR_CHANNELS / BITS_PER_WORD)

/* One selector bit per word of pending bits. */
UK_BUILD_BUG_ON(NR_WORDS > BITS_PER_WORD);

/* Which bits of the word to serve on its visit `i` of a pass (0 and NR_WORDS: the start word). */
static xen_ulong_t visit_range(unsigned int i, unsigned int first_bit)
{
    xen_ulong_t from_first = ~(xen_ulong_t)0 << first_bit;

    if (i == 0)
        return from_first;
    if (i == NR_WORDS)
        return ~from_first; /* the start word's bits below first_bit; none if 0 */
    return ~(xen_ulong_t)0;
}

static void serve_word(struct evtchn_scan *st, struct shared_info *s, unsigned int w,
                       xen_ulong_t range, evtchn_dispatch_t dispatch, void *ctx)
{
    xen_ulong_t bits =
        UK_READ_ONCE(s->evtchn_pending[w]) & ~UK_READ_ONCE(s->evtchn_mask[w]) & range;

    while (bits) {
        unsigned int bit = (unsigned int)__builtin_ctzll(bits);
        xen_ulong_t m = (xen_ulong_t)1 << bit;

        bits &= ~m;
        /*
         * Clear before dispatch (a locked op, a full barrier): an event that
         * arrives during the handler sets the bit again, and with it the
         * selector and upcall_pending, so the loop in evtchn_scan_upcall
         * serves it.
         */
        __atomic_fetch_and(&s->evtchn_pending[w], ~m, __ATOMIC_SEQ_CST);
        st->word = bit + 1 < BITS_PER_WORD ? w : (w + 1) % NR_WORDS;
        st->bit = (bit + 1) % BITS_PER_WORD;
        dispatch(w * BITS_PER_WORD + bit, ctx);
    }
}

/*
 * One pass over the words in `sel`, starting just after the port served
 * last: the start word is visited twice (its bits from the start bit on,
 * first; those below it, last), every other word once. Under a storm on one
 * port, every other pending port (the timer's included) is served in each
 * pass.
 */
static void pass(struct evtchn_scan *st, struct shared_info *s, xen_ulong_t sel,
                 evtchn_dispatch_t dispatch, void *ctx)
{
    unsigned int w = st->word % NR_WORDS, first_bit = st->bit % BITS_PER_WORD;

    for (unsigned int i = 0; i <= NR_WORDS; i++, w = (w + 1) % NR_WORDS)
        if (sel & ((xen_ulong_t)1 << w))
            serve_word(st, s, w, visit_range(i, first_bit), dispatch, ctx);
}

void evtchn_scan_upcall(struct evtchn_scan *st, struct shared_info *s, struct vcpu_info *v,
                        evtchn_dispatch_t dispatch, void *ctx)
{
    do {
        /*
         * Clear upcall_pending before taking the selector: the xchg is a
         * full barrier, so an event Xen raises after it finds either the
         * selector bit still set (and this pass serves the port), or clear
         * (and Xen sets upcall_pending again, which the loop test sees).
         */
        __atomic_store_n(&v->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
        pass(st, s, __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST), dispatch,
             ctx);
        st->passes++;
        /* Seq-cst load, ordered after the pass's locked ops: sees any re-raise. */
    } while (__atomic_load_n(&v->evtchn_upcall_pending, __ATOMIC_SEQ_CST));
}
