/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A dom0-side vchan echo peer built on Xen's own libxenvchan: whatever the
 * guest sends comes straight back, until the guest closes.
 *
 *   vchan_peer server DOMID PATH [RING_BYTES]   offer the vchan at PATH
 *   vchan_peer client DOMID PATH                connect to the guest's vchan
 *   vchan_peer client-zero DOMID PATH           first map the guest's fresh
 *       vchan read-only and count the non-zero bytes in its rings (in-page
 *       and granted pages) and past its grant list, then connect as client
 *   vchan_peer garbage DOMID PATH               a hostile client: maps the
 *       guest's vchan page with libxengnttab, writes impossible ring
 *       indices, notifies, and leaves after 2 s
 *   vchan_peer vanish DOMID PATH                a client that connects, then
 *       unmaps and exits without saying it closed
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxenvchan.h>
#include <sys/mman.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>

/* Non-zero bytes in [p, p + n). */
static unsigned long nonzero(const uint8_t *p, size_t n)
{
    unsigned long c = 0;

    for (size_t i = 0; i < n; i++)
        c += p[i] != 0;
    return c;
}

/*
 * Before libxenvchan connects (the guest writes nothing until it has):
 * whatever the guest shares in a fresh vchan must hold zeroes, not the
 * guest's old memory. 0 when the check ran.
 */
static int check_fresh(int domid, const char *path)
{
    struct xs_handle *xs = xs_open(0);
    xengnttab_handle *gt = xengnttab_open(NULL, 0);
    char key[256], *ref = NULL;
    const uint8_t *page;
    const struct vchan_interface *shr;
    unsigned int order[2], npages[2], in_page_bad = 0;
    unsigned long bad = 0, checked = 0;
    uint32_t end;

    snprintf(key, sizeof(key), "%s/ring-ref", path);
    for (int i = 0; i < 600 && !ref; i++)
        if (!(ref = xs_read(xs, XBT_NULL, key, NULL)))
            usleep(100000);
    if (!ref || !gt)
        return 1;
    page = xengnttab_map_grant_ref(gt, domid, atoi(ref), PROT_READ);
    if (!page)
        return 1;
    shr = (const struct vchan_interface *)page;
    order[0] = shr->left_order;
    order[1] = shr->right_order;
    for (int k = 0; k < 2; k++) {
        if (order[k] < 10 || order[k] > 20)
            return 1;
        npages[k] = order[k] >= 12 ? 1u << (order[k] - 12) : 0;
    }
    end = offsetof(struct vchan_interface, grants) + 4 * (npages[0] + npages[1]);
    /* The in-page rings, whole (a grant list running into one shows up here). */
    for (int k = 0; k < 2; k++)
        if (!npages[k]) {
            in_page_bad += nonzero(page + (order[k] == 10 ? 1024 : 2048), 1u << order[k]);
            checked += 1u << order[k];
        }
    bad += in_page_bad;
    bad += nonzero(page + end, 4096 - end);
    checked += 4096 - end;
    for (int k = 0, first = 0; k < 2; first += npages[k], k++) {
        uint32_t refs[256];
        void *ring;

        if (!npages[k])
            continue;
        memcpy(refs, shr->grants + first, npages[k] * 4);
        ring = xengnttab_map_domain_grant_refs(gt, npages[k], domid, refs, PROT_READ);
        if (!ring)
            return 1;
        bad += nonzero(ring, npages[k] * 4096ul);
        checked += npages[k] * 4096ul;
        xengnttab_unmap(gt, ring, npages[k]);
    }
    xengnttab_unmap(gt, (void *)page, 1);
    printf("vchan_peer: fresh vchan %u/%u: %lu of %lu bytes non-zero (%u in in-page rings)\n",
           order[0], order[1], bad, checked, in_page_bad);
    xengnttab_close(gt);
    xs_close(xs);
    free(ref);
    return 0;
}

static int hostile(int domid, const char *path, int vanish)
{
    struct xs_handle *xs = xs_open(0);
    xengnttab_handle *gt = xengnttab_open(NULL, 0);
    xenevtchn_handle *ev = xenevtchn_open(NULL, 0);
    char key[256], *ref = NULL, *port = NULL;
    struct vchan_interface *shared;
    int local;

    for (int i = 0; i < 600 && !(ref && port); i++) {
        snprintf(key, sizeof(key), "%s/ring-ref", path);
        ref = xs_read(xs, XBT_NULL, key, NULL);
        snprintf(key, sizeof(key), "%s/event-channel", path);
        port = xs_read(xs, XBT_NULL, key, NULL);
        if (!(ref && port))
            usleep(100000);
    }
    if (!ref || !port || !gt || !ev)
        return 1;
    shared = xengnttab_map_grant_ref(gt, domid, atoi(ref), PROT_READ | PROT_WRITE);
    local = xenevtchn_bind_interdomain(ev, domid, atoi(port));
    if (!shared || local < 0)
        return 1;
    shared->cli_live = 1;
    if (vanish) {
        __sync_synchronize();
        xenevtchn_notify(ev, local);
        xengnttab_unmap(gt, shared, 1);
        printf("vchan_peer: connected, then vanished\n");
        return 0;
    }
    /* Far more unread data than any ring holds. */
    shared->left.prod = shared->left.cons + 12345678;
    __sync_synchronize();
    xenevtchn_notify(ev, local);
    printf("vchan_peer: wrote garbage indices\n");
    sleep(2);
    shared->cli_live = 0;
    xenevtchn_notify(ev, local);
    xengnttab_unmap(gt, shared, 1);
    return 0;
}

int main(int argc, char **argv)
{
    struct libxenvchan *ctrl = NULL;
    static char buf[65536];
    unsigned long total = 0;
    int domid;

    if (argc < 4) {
        fprintf(stderr, "usage: vchan_peer server|client DOMID PATH [RING_BYTES]\n");
        return 2;
    }
    domid = atoi(argv[2]);
    if (strcmp(argv[1], "garbage") == 0 || strcmp(argv[1], "vanish") == 0)
        return hostile(domid, argv[3], strcmp(argv[1], "vanish") == 0);
    if (strcmp(argv[1], "server") == 0) {
        size_t ring = argc > 4 ? strtoul(argv[4], NULL, 10) : 0;

        ctrl = libxenvchan_server_init(NULL, domid, argv[3], ring, ring);
    } else {
        if (strcmp(argv[1], "client-zero") == 0 && check_fresh(domid, argv[3])) {
            fprintf(stderr, "vchan_peer: cannot map the fresh vchan\n");
            return 1;
        }
        /* The guest may not have published yet. */
        for (int i = 0; i < 600 && !ctrl; i++) {
            ctrl = libxenvchan_client_init(NULL, domid, argv[3]);
            if (!ctrl)
                usleep(100000);
        }
    }
    if (!ctrl) {
        perror("vchan_peer: init");
        return 1;
    }
    ctrl->blocking = 1;
    for (;;) {
        int n = libxenvchan_read(ctrl, buf, sizeof(buf));

        if (n <= 0)
            break;
        if (libxenvchan_write(ctrl, buf, n) != n)
            break;
        total += n;
    }
    printf("vchan_peer: echoed %lu bytes\n", total);
    libxenvchan_close(ctrl);
    return 0;
}
