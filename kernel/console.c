/*
 * The PV console: the output half of the xencons ring on the page Xen names
 * in HVM_PARAM_CONSOLE_PFN, notified through HVM_PARAM_CONSOLE_EVTCHN. Until
 * event channels exist the writer polls for space with SCHEDOP_yield.
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

/* How many yields without progress before the backend counts as gone. */
#define STALL_LIMIT 200000

static struct xencons_interface *ring;
static evtchn_port_t port;
static bool stalled;

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

static void notify(void)
{
    struct evtchn_send send = {.port = port};

    /* A failed notify only delays output until the next one. */
    (void)hypercall_event_channel_op(EVTCHNOP_send, &send);
}

static void report_stall(void)
{
    static const char msg[] = "\n[console] xenconsoled takes no output: dropping it\n";

    stalled = true;
    arch_debug_write(msg, sizeof(msg) - 1);
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
        XENCONS_RING_IDX cons = READ_ONCE(ring->out_cons);
        XENCONS_RING_IDX prod = ring->out_prod;
        size_t space;

        smp_rmb();
        space = sizeof(ring->out) - (prod - cons);
        if (space > sizeof(ring->out)) {
            /* The backend wrote indices that cannot be: stop trusting them. */
            report_stall();
            break;
        }
        if (space == 0) {
            notify();
            xen_yield();
            if (++idle > STALL_LIMIT)
                report_stall();
            continue;
        }
        idle = 0;
        while (space-- && done < len)
            ring->out[MASK_XENCONS_IDX(prod++, ring->out)] = buf[done++];
        /* The bytes must be visible before the index that publishes them. */
        smp_wmb();
        WRITE_ONCE(ring->out_prod, prod);
        notify();
    }
    return done;
}

void console_write_emergency(const char *buf, size_t len)
{
    arch_debug_write(buf, len);
    if (ring)
        console_write(buf, len);
}

void console_flush(void)
{
    unsigned int idle = 0;

    if (!ring)
        return;
    while (!stalled && READ_ONCE(ring->out_cons) != ring->out_prod && idle++ < STALL_LIMIT) {
        notify();
        xen_yield();
    }
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
