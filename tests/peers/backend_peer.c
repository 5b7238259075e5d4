/* SPDX-License-Identifier: BSD-2-Clause */
/* The plumbing the hostile dom0 backend peers share: backend_peer.h. */
#include "backend_peer.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xentoollog.h>

struct xs_handle *xs;
xengnttab_handle *gt;
xenevtchn_handle *ev;
int domid;
char be[128], fe[128];
char bp_prefix[64];
int failed, failures;
evtchn_port_t local_port = ~0u;

static xentoollog_logger *quiet;

void say(const char *fmt, ...)
{
    va_list ap;

    printf("%s", bp_prefix);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

void fail(const char *fmt, ...)
{
    va_list ap;

    printf("%sFAIL ", bp_prefix);
    failures++;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    failed = 1;
}

uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void nap(int ms)
{
    struct pollfd p = {.fd = xenevtchn_fd(ev), .events = POLLIN};

    if (local_port == ~0u) {
        usleep((useconds_t)ms * 1000);
        return;
    }
    if (poll(&p, 1, ms) > 0) {
        xenevtchn_port_or_error_t port = xenevtchn_pending(ev);

        if (port >= 0)
            xenevtchn_unmask(ev, (evtchn_port_t)port);
    }
}

void notify(void)
{
    if (xenevtchn_notify(ev, local_port) < 0)
        fail("notify: %s", strerror(errno));
}

char *xread(const char *dir, const char *key)
{
    char path[320];

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return xs_read(xs, XBT_NULL, path, NULL);
}

long xread_long(const char *dir, const char *key, long dflt)
{
    char *v = xread(dir, key);
    long r = v ? strtol(v, NULL, 10) : dflt;

    free(v);
    return r;
}

bool xwrite(xs_transaction_t t, const char *dir, const char *key, const char *val)
{
    char path[320];

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return xs_write(xs, t, path, val, (unsigned int)strlen(val));
}

void set_state(enum xenbus_state s)
{
    char v[4];

    snprintf(v, sizeof(v), "%d", (int)s);
    if (!xwrite(XBT_NULL, be, "state", v))
        fail("cannot write %s/state", be);
}

long wait_frontend(unsigned int mask)
{
    uint64_t t0 = now_ms();
    long state = 0;

    while (now_ms() - t0 < 10000) {
        state = xread_long(fe, "state", 0);
        if (state >= 0 && state < 32 && (mask & (1u << state)))
            return state;
        usleep(50 * 1000);
    }
    fail("the frontend's state is %ld after 10 s (want mask %#x)", state, mask);
    return -1;
}

int bp_open(const char *prog)
{
    xs = xs_open(0);
    /* Quiet: the peers check that ended grants fail to map, which the library would log. */
    quiet = (xentoollog_logger *)xtl_createlogger_stdiostream(stderr, XTL_CRITICAL, 0);
    gt = xengnttab_open(quiet, 0);
    ev = xenevtchn_open(NULL, 0);
    if (!xs || !gt || !ev) {
        printf("%s: cannot open xenstore, gnttab or evtchn: %s\n", prog, strerror(errno));
        return 1;
    }
    return 0;
}

void bp_close(void)
{
    xenevtchn_close(ev);
    xengnttab_close(gt);
    xs_close(xs);
    if (quiet)
        xtl_logger_destroy(quiet);
}

/*
 * Both directories in one transaction, so that the guest's watch on its
 * device directory never sees a half-made device. Permissions as libxl
 * sets them: each side owns its directory, the other side may read it.
 */
int bp_create_nodes(bool (*nodes)(xs_transaction_t t))
{
    struct xs_permissions fe_perms[2] = {{.id = (unsigned int)domid, .perms = XS_PERM_NONE},
                                         {.id = 0, .perms = XS_PERM_READ}};
    struct xs_permissions be_perms[2] = {{.id = 0, .perms = XS_PERM_NONE},
                                         {.id = (unsigned int)domid, .perms = XS_PERM_READ}};
    char num[16];

    snprintf(num, sizeof(num), "%d", domid);
    for (int attempt = 0; attempt < 10; attempt++) {
        xs_transaction_t t = xs_transaction_start(xs);
        bool ok = t != XBT_NULL;

        ok = ok && xs_mkdir(xs, t, be) && xs_set_permissions(xs, t, be, be_perms, 2);
        ok = ok && xwrite(t, be, "frontend", fe);
        ok = ok && xwrite(t, be, "frontend-id", num);
        ok = ok && xwrite(t, be, "online", "1");
        ok = ok && xwrite(t, be, "state", "1");
        ok = ok && xwrite(t, be, "hotplug-status", "connected");
        ok = ok && xs_mkdir(xs, t, fe) && xs_set_permissions(xs, t, fe, fe_perms, 2);
        ok = ok && xwrite(t, fe, "backend", be);
        ok = ok && xwrite(t, fe, "backend-id", "0");
        ok = ok && xwrite(t, fe, "state", "1");
        ok = ok && nodes(t);
        if (!ok) {
            if (t != XBT_NULL)
                xs_transaction_end(xs, t, true);
            break;
        }
        if (xs_transaction_end(xs, t, false))
            return 0;
        if (errno != EAGAIN)
            break;
    }
    fail("cannot create %s and %s: %s", be, fe, strerror(errno));
    return -1;
}

void *bp_map(unsigned int n, uint32_t *refs)
{
    return xengnttab_map_domain_grant_refs(gt, n, (uint32_t)domid, refs, PROT_READ | PROT_WRITE);
}

int bp_bind(long port)
{
    xenevtchn_port_or_error_t lp = xenevtchn_bind_interdomain(ev, (uint32_t)domid, (uint32_t)port);

    if (lp < 0) {
        fail("cannot bind event channel %ld: %s", port, strerror(errno));
        return -1;
    }
    local_port = (evtchn_port_t)lp;
    return 0;
}

bool bp_remove(void)
{
    if (!xs_rm(xs, XBT_NULL, fe) || !xs_rm(xs, XBT_NULL, be)) {
        fail("cannot remove %s or %s: %s", fe, be, strerror(errno));
        return false;
    }
    return true;
}

void bp_notify_flood(void)
{
    uint64_t t0 = now_ms();
    unsigned int n = 0;

    while (n < 20000 && now_ms() - t0 < 3000) {
        notify();
        n++;
    }
    say("phase notify-flood: %u events in %llu ms", n, (unsigned long long)(now_ms() - t0));
}

int bp_refuse(void)
{
    set_state(XenbusStateClosing);
    say("Closing instead of Connected");
    if (wait_frontend(1u << XenbusStateClosed) < 0)
        return -1;
    set_state(XenbusStateClosed);
    say("frontend Closed");
    return 0;
}

void bp_closing(void)
{
    long state;

    set_state(XenbusStateClosing);
    state = wait_frontend(1u << XenbusStateClosing | 1u << XenbusStateClosed);
    if (state >= 0)
        say("frontend state %ld after the backend's Closing", state);
}

void bp_run_phases(char **argv, int argc, const char *const *all, size_t nall,
                   int (*run)(const char *phase))
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "all") == 0) {
            for (size_t k = 0; k < nall; k++)
                if (run(all[k]) < 0)
                    break;
        } else if (run(argv[i]) < 0) {
            break;
        }
    }
}

long bp_wait_release(uint64_t t0, void (*tick)(void), int tick_ms)
{
    char *v;

    while (!(v = xread(be, "release")) && now_ms() - t0 < 60000) {
        if (tick)
            tick();
        usleep((useconds_t)tick_ms * 1000);
    }
    if (!v) {
        fail("nobody wrote %s/release in 60 s", be);
        return -1;
    }
    free(v);
    return (long)(now_ms() - t0);
}
