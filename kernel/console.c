/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PV console: the output half of the xencons ring on the page Xen names
 * in HVM_PARAM_CONSOLE_PFN, notified through HVM_PARAM_CONSOLE_EVTCHN. When
 * the ring is full a thread sleeps on the event channel (events/ installs
 * the waiter); before that, or in an event handler, the writer polls.
 * A backend that takes nothing for long is not waited for again: output is
 * dropped, counted, and resumes (with a note) once its index moves.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>

#include <internal/arch.h>
#include <uk/compiler.h>
#include <internal/console.h>
#include <internal/format.h>
#include <internal/hypercall.h>
#include <internal/mm.h>
#include <xen/event_channel.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>

#include "console_ring.h"

/*
 * How long a writer keeps trying without progress before the backend counts
 * as stuck: sleeping waits (threads), polls at boot and for crash reports
 * (nothing else to do), and, for an event handler, which holds up the whole
 * guest with interrupts off, a short time (or a few polls, without a TSC
 * frequency) after which only its own message is dropped.
 */
#define STALL_WAITS     3
#define STALL_POLLS     200000
#define HANDLER_POLL_MS 100
#define HANDLER_POLLS   2000

/* Progress of one writer: polls or waits without progress, and since when. */
struct patience {
    unsigned int idle;
    uint64_t since;
};

static struct xencons_interface *ring;
static evtchn_port_t port;
static int (*waiter)(void);
/*
 * Stuck: output is dropped (and counted) without waiting until
 * xenconsoled's index moves from stall_cons, then a note says how much
 * was lost and output goes on.
 */
static bool stalled;
static XENCONS_RING_IDX stall_cons;
static size_t dropped;

int console_init(void)
{
    uint64_t pfn, evtchn;
    int rc;

    rc = hvm_get_param(HVM_PARAM_CONSOLE_PFN, &pfn);
    if (!rc)
        rc = hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &evtchn);
    if (rc)
        return rc;
    if (!pfn)
        return -ENODEV;
    ring = (void *)(uintptr_t)(pfn << PAGE_SHIFT);
    port = (evtchn_port_t)evtchn;
    return 0;
}

bool console_evtchn(uint32_t *out)
{
    *out = port;
    return ring != NULL;
}

void console_set_waiter(int (*wait)(void))
{
    waiter = wait;
}

static void notify(void)
{
    struct evtchn_send send = {.port = port};

    /* A failed notify only delays output until the next one. */
    (void)hypercall_event_channel_op(EVTCHNOP_send, &send);
}

static void debug_note(const char *what, const char *why)
{
    arch_debug_write(what, __builtin_strlen(what));
    arch_debug_write(why, __builtin_strlen(why));
    arch_debug_write("\n", 1);
}

static void stall(XENCONS_RING_IDX cons, const char *why)
{
    stalled = true;
    stall_cons = cons;
    debug_note("\n[console] output dropped until xenconsoled moves: ", why);
}

enum wait_result { WAIT_AGAIN, WAIT_STUCK, WAIT_GIVE_UP };

/*
 * Wait for xenconsoled to take some output. WAIT_STUCK once it has made no
 * progress for too long; WAIT_GIVE_UP when an event handler stops trying
 * (only this message suffers: the backend may just be slow).
 */
static enum wait_result wait_for_backend(struct patience *p)
{
    uint64_t khz;

    if (p->idle == 0)
        p->since = arch_cycles();
    notify();
    if (waiter && arch_irq_enabled()) {
        /*
         * The ring was seen full with interrupts off and they are on again:
         * xenconsoled's event may come before the wait. The waiter (an
         * event-channel wait) latches it, so the wait returns at once.
         */
        if (waiter() == 0)
            return WAIT_AGAIN;
        return ++p->idle < STALL_WAITS ? WAIT_AGAIN : WAIT_STUCK;
    }
    xen_yield();
    if (!waiter)
        return ++p->idle < STALL_POLLS ? WAIT_AGAIN : WAIT_STUCK;
    ++p->idle;
    khz = arch_tsc_khz();
    if (khz)
        return arch_cycles() - p->since < khz * HANDLER_POLL_MS ? WAIT_AGAIN : WAIT_GIVE_UP;
    return p->idle < HANDLER_POLLS ? WAIT_AGAIN : WAIT_GIVE_UP;
}

/* Copy into the ring, waiting while it is full; the bytes it took. */
static size_t ring_write(const char *buf, size_t len)
{
    size_t done = 0;
    struct patience p = {0};

    while (done < len && !stalled) {
        /* Event handlers print too (thread dumps): one writer at a time. */
        unsigned long flags = arch_irq_save();
        XENCONS_RING_IDX cons = UK_READ_ONCE(ring->out_cons);
        XENCONS_RING_IDX prod = ring->out_prod;
        long n;

        /* The index before the bytes it covers (xenconsoled wrote in that order). */
        uk_smp_rmb();
        n = console_ring_put(ring->out, sizeof(ring->out), cons, &prod, buf + done, len - done);
        if (n > 0) {
            /* The bytes must be visible before the index that publishes them. */
            uk_smp_wmb();
            UK_WRITE_ONCE(ring->out_prod, prod);
        }
        arch_irq_restore(flags);
        if (n < 0) {
            stall(cons, "its ring indices are impossible");
        } else if (n > 0) {
            done += (size_t)n;
            p.idle = 0;
            notify();
        } else {
            enum wait_result w = wait_for_backend(&p);

            if (w == WAIT_STUCK)
                stall(cons, "it takes nothing");
            else if (w == WAIT_GIVE_UP)
                break;
        }
    }
    return done;
}

/* After a stall: whether xenconsoled has moved, and if so say what was lost. */
static bool backend_back(void)
{
    char note[96];
    int n;

    if (stalled && UK_READ_ONCE(ring->out_cons) == stall_cons)
        return false;
    if (stalled)
        debug_note("\n[console] ", "xenconsoled moves again: output resumes");
    stalled = false;
    if (!dropped)
        return true;
    n = ksnprintf(note, sizeof(note), "\n[console] %zu bytes of output were dropped\n", dropped);
    dropped = 0;
    if (n > 0 && (size_t)n < sizeof(note))
        dropped += (size_t)n - ring_write(note, (size_t)n);
    return !stalled;
}

/*
 * Every byte is accepted: written, or, while xenconsoled is stuck, counted
 * and dropped (a note tells once it moves again).
 */
size_t console_write(const char *buf, size_t len)
{
    if (!ring) {
        arch_debug_write(buf, len);
        return len;
    }
    if (backend_back())
        dropped += len - ring_write(buf, len);
    else
        dropped += len;
    return len;
}

void console_write_emergency(const char *buf, size_t len)
{
    arch_debug_write(buf, len);
    if (ring) {
        /* Crash reports may come from anywhere: never sleep for them. */
        waiter = NULL;
        console_write(buf, len);
    }
}

void console_flush(void)
{
    struct patience p = {0};

    if (!ring)
        return;
    while (!stalled && UK_READ_ONCE(ring->out_cons) != ring->out_prod)
        if (wait_for_backend(&p) != WAIT_AGAIN)
            break;
}

void uk_printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(buf)) {
        /* Cut, but say so, and keep the line a line: the next message starts its own. */
        static const char cut[] = " [...]\n";
        size_t keep = sizeof(buf) - sizeof(cut);
        size_t f = __builtin_strlen(fmt);
        bool nl = f > 0 && fmt[f - 1] == '\n';

        __builtin_memcpy(buf + keep, cut, sizeof(cut));
        n = (int)(keep + sizeof(cut) - (nl ? 1 : 2));
    }
    console_write(buf, (size_t)n);
}
