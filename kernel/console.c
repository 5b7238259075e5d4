/*
 * The PV console: the output half of the xencons ring on the page Xen names
 * in HVM_PARAM_CONSOLE_PFN, notified through HVM_PARAM_CONSOLE_EVTCHN. When
 * the ring is full a thread sleeps on the event channel (events/ installs
 * the waiter); before that, or in an event handler, the writer polls.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include <uk/arch.h>
#include <uk/compiler.h>
#include <uk/console.h>
#include <uk/hypercall.h>
#include <uk/mm.h>
#include <xen/event_channel.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>

/* How many polls, or waits, without progress before the backend counts as gone. */
#define STALL_POLLS 200000
#define STALL_WAITS 3

static struct xencons_interface *ring;
static evtchn_port_t port;
static bool stalled;
static int (*waiter)(void);

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

static void report_stall(const char *why)
{
    static const char msg[] = "\n[console] output dropped: ";

    stalled = true;
    arch_debug_write(msg, sizeof(msg) - 1);
    arch_debug_write(why, __builtin_strlen(why));
    arch_debug_write("\n", 1);
}

/*
 * Wait for xenconsoled to take some output. Returns false once it has made
 * no progress for too long: the caller then drops output.
 */
static bool wait_for_backend(unsigned int *idle)
{
    notify();
    if (waiter && arch_irq_enabled()) {
        if (waiter() == 0)
            return true;
        return ++*idle < STALL_WAITS;
    }
    xen_yield();
    return ++*idle < STALL_POLLS;
}

size_t console_write(const char *buf, size_t len)
{
    size_t done = 0;
    unsigned int idle = 0;

    if (!ring) {
        arch_debug_write(buf, len);
        return len;
    }
    while (done < len && !stalled) {
        /* Event handlers print too (thread dumps): one writer at a time. */
        unsigned long flags = arch_irq_save();
        XENCONS_RING_IDX cons = READ_ONCE(ring->out_cons);
        XENCONS_RING_IDX prod = ring->out_prod;
        size_t space;

        smp_rmb();
        space = sizeof(ring->out) - (prod - cons);
        if (space > sizeof(ring->out)) {
            arch_irq_restore(flags);
            report_stall("xenconsoled's ring indices are impossible");
            break;
        }
        if (space == 0) {
            arch_irq_restore(flags);
            if (!wait_for_backend(&idle))
                report_stall("xenconsoled takes nothing");
            continue;
        }
        idle = 0;
        while (space-- && done < len)
            ring->out[MASK_XENCONS_IDX(prod++, ring->out)] = buf[done++];
        /* The bytes must be visible before the index that publishes them. */
        smp_wmb();
        WRITE_ONCE(ring->out_prod, prod);
        arch_irq_restore(flags);
        notify();
    }
    return done;
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
    unsigned int idle = 0;

    if (!ring)
        return;
    while (!stalled && READ_ONCE(ring->out_cons) != ring->out_prod)
        if (!wait_for_backend(&idle))
            break;
}

void kprintf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;
    console_write(buf, (size_t)n);
}
