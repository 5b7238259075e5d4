/*
 * A dom0-side vchan echo peer built on Xen's own libxenvchan: whatever the
 * guest sends comes straight back, until the guest closes.
 *
 *   vchan_peer server DOMID PATH [RING_BYTES]   offer the vchan at PATH
 *   vchan_peer client DOMID PATH                connect to the guest's vchan
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxenvchan.h>

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
