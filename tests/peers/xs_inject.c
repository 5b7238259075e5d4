/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A hostile XenStore daemon, for tests/cases/xenstore-hostile.test: dom0
 * maps a guest's XenStore ring page (its pfn from Xen's HVM_PARAM_STORE_PFN,
 * through libxenctrl and libxenforeignmemory) and writes on the response
 * ring what the real xenstored never would. The real xenstored reads
 * rsp_prod from the shared page each time it writes, so its next reply
 * lands after what was injected here.
 *
 * Only while the guest is quiet (no request in flight, no watch that may
 * fire): the guest says so on its console, and this peer checks that both
 * rings are empty before it writes. Afterwards it notifies the guest's
 * unbound event channel PORT, so that the guest carries on.
 *
 *   xs_inject benign DOMID PORT     well-framed junk: replies to request ids
 *                                   nobody sent, watch events for a token
 *                                   nobody set, watch events without their
 *                                   NULs (each kind twice)
 *   xs_inject unterminated DOMID PORT
 *                                   the reply to the guest's next request,
 *                                   before xenstored's, without its final
 *                                   NUL: a directory listing for
 *                                   XS_DIRECTORY, else an XS_ERROR
 *                                   "ENOENT". xenstored is stopped
 *                                   (SIGSTOP) meanwhile, so the request id
 *                                   can be read off the request ring and
 *                                   the forged reply is sure to come first
 *   xs_inject oversize DOMID PORT   a header whose len is XENSTORE_PAYLOAD_MAX + 1
 *   xs_inject indices DOMID PORT    rsp_prod more than a ring ahead of rsp_cons
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xen/hvm/params.h>
#include <xen/io/xs_wire.h>

#define PAGE_SIZE 4096

static struct xenstore_domain_interface *intf;
static XENSTORE_RING_IDX prod; /* our private copy of rsp_prod while we append */
static int appended;

static void append(const void *data, size_t len)
{
    const char *p = data;

    for (size_t i = 0; i < len; i++)
        intf->rsp[MASK_XENSTORE_IDX(prod + i)] = p[i];
    prod += (XENSTORE_RING_IDX)len;
}

/* One message: header and payload (len bytes of it, whatever the header says). */
static void message(uint32_t type, uint32_t req_id, uint32_t hdr_len, const void *payload,
                    size_t len)
{
    struct xsd_sockmsg hdr = {.type = type, .req_id = req_id, .tx_id = 0, .len = hdr_len};

    append(&hdr, sizeof(hdr));
    append(payload, len);
    appended++;
}

/* Both rings empty, for up to two seconds (the guest may still be taking its last reply). */
static int wait_quiet(void)
{
    for (int i = 0; i < 200; i++) {
        XENSTORE_RING_IDX rc = intf->rsp_cons, rp = intf->rsp_prod;
        XENSTORE_RING_IDX qc = intf->req_cons, qp = intf->req_prod;

        __sync_synchronize();
        if (rc == rp && qc == qp)
            return 0;
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    printf("xs_inject: the guest is not quiet: req %u/%u rsp %u/%u\n", intf->req_cons,
           intf->req_prod, intf->rsp_cons, intf->rsp_prod);
    return -1;
}

static int notify_guest(int domid, const char *port)
{
    xenevtchn_handle *xce = xenevtchn_open(NULL, 0);
    xenevtchn_port_or_error_t local = xce ? xenevtchn_bind_interdomain(xce, domid, atoi(port)) : -1;

    if (local < 0 || xenevtchn_notify(xce, local) < 0) {
        printf("xs_inject: cannot notify port %s of domain %d: %s\n", port, domid, strerror(errno));
        return -1;
    }
    xenevtchn_unbind(xce, local);
    xenevtchn_close(xce);
    return 0;
}

static pid_t xenstored_pid(void)
{
    FILE *f = fopen("/var/run/xenstored.pid", "r");
    int pid = 0;

    if (!f || fscanf(f, "%d", &pid) != 1)
        pid = 0;
    if (f)
        fclose(f);
    return (pid_t)pid;
}

/* Stopped for sure: signals are asynchronous, /proc says when it took effect. */
static int wait_stopped(pid_t pid)
{
    char path[64], stat[256], *close_paren;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    for (int i = 0; i < 200; i++) {
        FILE *f = fopen(path, "r");
        size_t n = f ? fread(stat, 1, sizeof(stat) - 1, f) : 0;

        if (f)
            fclose(f);
        stat[n] = 0;
        close_paren = strrchr(stat, ')');
        if (close_paren && close_paren[1] == ' ' && close_paren[2] == 'T')
            return 0;
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    return -1;
}

/*
 * With xenstored stopped: let the guest send one request, wait until it is
 * whole on the request ring, and answer it first, without the final NUL.
 */
static int forge_reply(int domid, const char *port)
{
    static const char listing[] = "value\0live"; /* no NUL after "live" */
    struct xsd_sockmsg req;
    XENSTORE_RING_IDX cons = intf->req_cons;

    if (notify_guest(domid, port))
        return -1;
    for (int i = 0;; i++) {
        XENSTORE_RING_IDX avail = intf->req_prod - cons;

        __sync_synchronize();
        if (avail >= sizeof(req)) {
            for (size_t b = 0; b < sizeof(req); b++)
                ((char *)&req)[b] = intf->req[MASK_XENSTORE_IDX(cons + b)];
            if (avail >= sizeof(req) + req.len)
                break;
        }
        if (i == 500) {
            printf("xs_inject: the guest sent no request\n");
            return -1;
        }
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    prod = intf->rsp_prod;
    if (req.type == XS_DIRECTORY)
        message(XS_DIRECTORY, req.req_id, sizeof(listing) - 1, listing, sizeof(listing) - 1);
    else
        message(XS_ERROR, req.req_id, 6, "ENOENT", 6);
    printf("xs_inject: unterminated: answered request %u of type %u with %s\n", req.req_id,
           req.type, req.type == XS_DIRECTORY ? "a listing" : "an error");
    return 0;
}

static int inject(const char *mode, int domid, const char *port)
{
    static const char stale[] = "stale";
    static const char unknown_token[] = "data/x\0hostile-token";
    static const char no_nul[] = "data/x";

    prod = intf->rsp_prod;
    if (strcmp(mode, "benign") == 0) {
        /* A READ reply carries no NUL; an ERROR reply does. */
        message(XS_READ, 0xdead0001u, sizeof(stale) - 1, stale, sizeof(stale) - 1);
        message(XS_ERROR, 0xdead0002u, 7, "ENOENT", 7);
        message(XS_WATCH_EVENT, 0, sizeof(unknown_token), unknown_token, sizeof(unknown_token));
        message(XS_WATCH_EVENT, 0, sizeof(unknown_token), unknown_token, sizeof(unknown_token));
        message(XS_WATCH_EVENT, 0, sizeof(no_nul) - 1, no_nul, sizeof(no_nul) - 1);
        message(XS_WATCH_EVENT, 0, sizeof(no_nul) - 1, no_nul, sizeof(no_nul) - 1);
    } else if (strcmp(mode, "unterminated") == 0) {
        pid_t pid = xenstored_pid();
        int rc = -1;

        if (pid <= 0 || kill(pid, SIGSTOP)) {
            printf("xs_inject: cannot stop xenstored (%d): %s\n", (int)pid, strerror(errno));
            return -1;
        }
        if (wait_stopped(pid) == 0)
            rc = forge_reply(domid, port);
        else
            printf("xs_inject: xenstored did not stop\n");
        if (!rc) {
            __sync_synchronize(); /* the bytes before the index that publishes them */
            intf->rsp_prod = prod;
            __sync_synchronize();
        }
        kill(pid, SIGCONT);
        return rc;
    } else if (strcmp(mode, "oversize") == 0) {
        /* Only the header: nothing after it can be framed anyway. */
        message(XS_READ, 0xdead0003u, XENSTORE_PAYLOAD_MAX + 1, NULL, 0);
    } else if (strcmp(mode, "indices") == 0) {
        prod = intf->rsp_cons + XENSTORE_RING_SIZE + 1;
        appended = 0;
    } else {
        return -1;
    }
    __sync_synchronize(); /* the bytes before the index that publishes them */
    intf->rsp_prod = prod;
    __sync_synchronize();
    printf("xs_inject: %s: %d messages appended, rsp_cons %u rsp_prod %u\n", mode, appended,
           intf->rsp_cons, intf->rsp_prod);
    return 0;
}

int main(int argc, char **argv)
{
    xc_interface *xch;
    xenforeignmemory_handle *fmem;
    uint64_t pfn = 0;
    xen_pfn_t gfn;
    int domid, err = 0, rc;

    if (argc != 4) {
        fprintf(stderr, "usage: xs_inject benign|oversize|indices DOMID PORT\n");
        return 2;
    }
    domid = atoi(argv[2]);
    xch = xc_interface_open(NULL, NULL, 0);
    if (!xch || xc_hvm_param_get(xch, domid, HVM_PARAM_STORE_PFN, &pfn) || !pfn) {
        printf("xs_inject: no store pfn for domain %d: %s\n", domid, strerror(errno));
        return 1;
    }
    fmem = xenforeignmemory_open(NULL, 0);
    gfn = (xen_pfn_t)pfn;
    intf = fmem ? xenforeignmemory_map(fmem, domid, PROT_READ | PROT_WRITE, 1, &gfn, &err) : NULL;
    if (!intf || err) {
        printf("xs_inject: cannot map the ring of domain %d: %s\n", domid,
               strerror(err ? -err : errno));
        return 1;
    }
    rc = wait_quiet();
    if (!rc)
        rc = inject(argv[1], domid, argv[3]);
    xenforeignmemory_unmap(fmem, intf, 1);
    xenforeignmemory_close(fmem);
    xc_interface_close(xch);
    if (rc)
        return 1;
    /* The guest waits for this before it sends its next request ("unterminated" did it). */
    if (strcmp(argv[1], "unterminated") != 0 && notify_guest(domid, argv[3]))
        return 1;
    return 0;
}
