/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vchan: our vchan against Xen's libxenvchan in dom0
 * (tests/peers/vchan_peer, an echo). 1 MiB goes out from one thread while
 * another reads the echo back; both checksums must match.
 *
 *   vchan server [LEFT [RIGHT]] we offer the vchan (rings of at least
 *                                   LEFT client-to-server and RIGHT bytes,
 *                                   RIGHT = LEFT by default), dom0 connects;
 *                                   free memory is dirtied first, so that
 *                                   dom0 can check fresh rings hold zeroes
 *   vchan client PATH           dom0 offers it at PATH, we connect
 *   vchan pair-server RING      two guests: we offer the vchan at
 *   vchan pair-client           /test/vchan to the pair-client guest
 *                                   (domids meet in /test), which sends
 *                                   1 MiB that we echo
 *   vchan garbage               we offer it; a hostile dom0 client writes
 *                                   impossible indices: reads must fail with
 *                                   -EIO, and closing must leak nothing
 *   vchan vanish                the client connects and disappears without
 *                                   closing: reads end in -ETIMEDOUT, no leak
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/gnttab.h>
#include <uk/mm.h>
#include <uk/sched.h>
#include <uk/time.h>
#include <uk/vchan.h>
#include <uk/xenstore.h>

#define TEST_NAME "vchan"
#include "../report.h"

#define TOTAL (1024 * 1024)
#define CHUNK 4000

static struct vchan *v;
static uint64_t sent_sum;
static int write_rc;

static uint64_t mix(uint64_t s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        s = (s ^ p[i]) * 0x100000001b3ull;
    return s;
}

static void writer(void *arg)
{
    static uint8_t buf[CHUNK];
    uint64_t x = 88172645463325252ull;
    size_t done = 0;

    (void)arg;
    sent_sum = 0xcbf29ce484222325ull;
    while (done < TOTAL && write_rc >= 0) {
        size_t n = TOTAL - done < CHUNK ? TOTAL - done : CHUNK;

        for (size_t i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[i] = (uint8_t)x;
        }
        sent_sum = mix(sent_sum, buf, n);
        write_rc = vchan_write(v, buf, n);
        done += n;
    }
}

/*
 * Fill every free page with a pattern and give it back: a ring the vchan
 * then takes from the allocator holds that pattern unless it is cleared.
 */
static void dirty_free_memory(void)
{
    void *head = NULL, *p;
    unsigned long n = 0;

    while ((p = uk_page_alloc()) != NULL) {
        memset(p, 0xa5, UK_PAGE_SIZE);
        *(void **)p = head;
        head = p;
        n++;
    }
    while (head) {
        p = head;
        head = *(void **)p;
        uk_page_free(p);
    }
    printf("vchan: dirtied %lu free pages\n", n);
}

/* Wait (60 s at most) for `path` to exist, then read a number from it. */
static int wait_ulong(const char *path, unsigned long *value)
{
    int rc = xs_wait_exists(path, uk_monotonic_ns() + 60 * UK_NSEC_PER_SEC);

    return rc ? rc : xs_read_ulong(XS_NO_TX, path, value);
}

/* Two guests: echo whatever the pair-client sends, until it closes. */
static void pair_server(size_t ring)
{
    static uint8_t buf[8192];
    unsigned int refs0 = gnttab_refs_in_use();
    unsigned long client = 0, total = 0;
    char me[16];
    int rc = wait_ulong("/test/vchan-client", &client);

    v = rc ? NULL : vchan_server_init((domid_t)client, "/test/vchan", ring, ring);
    if (!v) {
        test_error("serving domain %lu at /test/vchan: %s", client, strerror(rc ? -rc : errno));
        return;
    }
    printf("vchan: serving domain %lu at /test/vchan\n", client);
    snprintf(me, sizeof(me), "%d", xs_domid());
    xs_write(XS_NO_TX, "/test/vchan-server", me);
    for (;;) {
        int n = vchan_read(v, buf, sizeof(buf));

        if (n < 0) {
            rc = n;
            break;
        }
        if (vchan_write(v, buf, (size_t)n) != n) {
            rc = -EIO;
            break;
        }
        total += (unsigned long)n;
    }
    vchan_close(v);
    xs_rm(XS_NO_TX, "/test/vchan-server");
    EXPECT(total == TOTAL && rc == -EPIPE, "echoed %lu bytes, then %d", total, rc);
    EXPECT(gnttab_refs_in_use() == refs0, "grant refs in use %u before, %u after", refs0,
           gnttab_refs_in_use());
}

int main(int argc, char **argv)
{
    static uint8_t buf[8192];
    uint64_t got_sum = 0xcbf29ce484222325ull, t0, ns;
    unsigned int refs0 = gnttab_refs_in_use();
    size_t got = 0;
    struct uk_thread *t;
    char path[128];
    int rc = 0;

    if (argc > 1 && (strcmp(argv[1], "garbage") == 0 || strcmp(argv[1], "vanish") == 0)) {
        int want = strcmp(argv[1], "garbage") == 0 ? -EIO : -ETIMEDOUT;

        snprintf(path, sizeof(path), "%s/data/vchan", xs_home());
        v = vchan_server_init(0, path, 0, 0);
        printf("vchan: serving at %s\n", v ? path : strerror(errno));
        fflush(stdout);
        for (int i = 0; v && i < 600 && vchan_is_open(v) == 2; i++)
            uk_sleep_ns(100 * UK_NSEC_PER_MSEC);
        if (!v) {
            test_error("no vchan to serve");
            return test_result();
        }
        rc = vchan_read(v, buf, sizeof(buf));
        EXPECT(rc == want, "read from a hostile peer: %d (want %d)", rc, want);
        vchan_close(v);
        EXPECT(gnttab_refs_in_use() == refs0, "grant refs in use %u before, %u after", refs0,
               gnttab_refs_in_use());
        return test_result();
    }
    if (argc > 2 && strcmp(argv[1], "pair-server") == 0) {
        pair_server(strtoul(argv[2], NULL, 10));
        return test_result();
    }
    if (argc > 1 && strcmp(argv[1], "pair-client") == 0) {
        unsigned long server = 0;
        char me[16];

        snprintf(me, sizeof(me), "%d", xs_domid());
        rc = xs_write(XS_NO_TX, "/test/vchan-client", me);
        rc = rc ? rc : wait_ulong("/test/vchan-server", &server);
        v = rc ? NULL : vchan_client_init((domid_t)server, "/test/vchan", 60 * UK_NSEC_PER_SEC);
        printf("vchan: client of domain %lu: %s\n", server,
               v ? "connected" : strerror(rc ? -rc : errno));
        xs_rm(XS_NO_TX, "/test/vchan-client");
        rc = 0;
    } else if (argc > 1 && strcmp(argv[1], "client") == 0 && argc > 2) {
        v = vchan_client_init(0, argv[2], 60 * UK_NSEC_PER_SEC);
        printf("vchan: client of %s: %s\n", argv[2], v ? "connected" : strerror(errno));
    } else {
        size_t left = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;
        size_t right = argc > 3 ? strtoul(argv[3], NULL, 10) : left;

        dirty_free_memory();
        snprintf(path, sizeof(path), "%s/data/vchan", xs_home());
        v = vchan_server_init(0, path, left, right);
        printf("vchan: serving at %s\n", v ? path : strerror(errno));
        fflush(stdout);
        /* Wait for dom0's client to connect. */
        for (int i = 0; v && i < 600 && vchan_is_open(v) == 2; i++)
            uk_sleep_ns(100 * UK_NSEC_PER_MSEC);
    }
    if (!v) {
        EXPECT(false, "a vchan to echo through");
        return test_result();
    }
    t0 = uk_monotonic_ns();
    t = uk_thread_create("vchan-writer", writer, NULL, 0);
    while (got < TOTAL) {
        int n = vchan_read(v, buf, sizeof(buf));

        if (n < 0) {
            rc = n;
            break;
        }
        got_sum = mix(got_sum, buf, (size_t)n);
        got += (size_t)n;
    }
    uk_thread_join(t);
    ns = uk_monotonic_ns() - t0;
    vchan_close(v);
    EXPECT(got == TOTAL && rc == 0 && write_rc >= 0 && sent_sum == got_sum,
           "%zu bytes echoed (read rc %d, write rc %d), sums %016llx %016llx, %.2f MB/s each way",
           got, rc, write_rc, (unsigned long long)sent_sum, (unsigned long long)got_sum,
           (double)got / ((double)ns / 1e9) / 1e6);
    EXPECT(gnttab_refs_in_use() == refs0, "grant refs in use %u before, %u after", refs0,
           gnttab_refs_in_use());
    return test_result();
}
