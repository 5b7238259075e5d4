/*
 * A dom0-side vchan echo peer built on Xen's own libxenvchan: whatever the
 * guest sends comes straight back, until the guest closes.
 *
 *   vchan_peer server DOMID PATH [RING_BYTES]   offer the vchan at PATH
 *   vchan_peer client DOMID PATH                connect to the guest's vchan
 *   vchan_peer garbage DOMID PATH               a hostile client: maps the
 *       guest's vchan page with libxengnttab, writes impossible ring
 *       indices, notifies, and leaves after 2 s
 *   vchan_peer vanish DOMID PATH                a client that connects, then
 *       unmaps and exits without saying it closed
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxenvchan.h>
#include <sys/mman.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>

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
