/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host tests for gnttab/vchan.c itself: a server and a client in one
 * process, over stand-ins for grants (a reference names a page of ours),
 * event channels (counters; the wait's result is the test's to choose),
 * XenStore (a small table) and the page allocator (pages full of an old
 * pattern, as the real one hands them out). Single-threaded: every wait
 * either finds its condition true or gets the stand-in's result.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <internal/events.h>
#include <uk/gnttab.h>
#include <internal/mm.h>
#include <internal/time.h>
#include <uk/vchan.h>
#include <uk/xenstore.h>
#include <xen/io/libxenvchan.h>

#include "check.h"

/* --- the page allocator: old memory, never zeroed --- */

void *uk_page_alloc_order(unsigned order)
{
    void *p = aligned_alloc(PAGE_SIZE << order, PAGE_SIZE << order);

    memset(p, 0xa5, PAGE_SIZE << order);
    return p;
}

void *uk_page_alloc(void)
{
    return uk_page_alloc_order(0);
}

void uk_page_free_order(void *pages, unsigned order)
{
    (void)order;
    free(pages);
}

void uk_page_free(void *page)
{
    free(page);
}

/* --- grants: a reference is an index into a table of our pages --- */

#define MAX_GRANTS 2048
static void *granted[MAX_GRANTS];
static unsigned int grants_live;

int gnttab_grant_access_batch(domid_t domid, void *const *pages, unsigned int n, bool readonly,
                              grant_ref_t *refs)
{
    unsigned int k = 0;

    (void)domid;
    (void)readonly;
    for (grant_ref_t r = 8; r < MAX_GRANTS && k < n; r++)
        if (!granted[r]) {
            granted[r] = pages[k];
            refs[k++] = r;
        }
    grants_live += k;
    return k == n ? 0 : -ENOSPC;
}

int gnttab_grant_access(domid_t domid, const void *page, bool readonly, grant_ref_t *ref)
{
    void *p = (void *)page;

    return gnttab_grant_access_batch(domid, &p, 1, readonly, ref);
}

int gnttab_end_access(grant_ref_t ref)
{
    if (ref >= MAX_GRANTS || !granted[ref])
        return -EINVAL;
    granted[ref] = NULL;
    grants_live--;
    return 0;
}

static unsigned int maps_live;

/* Contiguous pages of ours can be "mapped" where they are. */
int gnttab_map_range(domid_t domid, const grant_ref_t *refs, unsigned int n, bool readonly,
                     void **addr, grant_handle_t *handles)
{
    (void)domid;
    (void)readonly;
    for (unsigned int i = 0; i < n; i++) {
        if (refs[i] >= MAX_GRANTS || !granted[refs[i]] ||
            granted[refs[i]] != (uint8_t *)granted[refs[0]] + i * PAGE_SIZE)
            return -EINVAL;
        handles[i] = refs[i];
    }
    *addr = granted[refs[0]];
    maps_live += n;
    return 0;
}

int gnttab_map(domid_t domid, grant_ref_t ref, bool readonly, void **addr, grant_handle_t *handle)
{
    return gnttab_map_range(domid, &ref, 1, readonly, addr, handle);
}

int gnttab_unmap_range(void *addr, const grant_handle_t *handles, unsigned int n)
{
    (void)addr;
    (void)handles;
    maps_live -= n;
    return 0;
}

int gnttab_unmap(void *addr, grant_handle_t handle)
{
    return gnttab_unmap_range(addr, &handle, 1);
}

/* --- event channels: one port pair, counted; waits return wait_result --- */

static uint64_t notified;
static int wait_result;
static unsigned int waits;

int evtchn_alloc_unbound(domid_t remote, evtchn_handler_t handler, void *ctx, evtchn_port_t *port)
{
    (void)remote;
    (void)handler;
    (void)ctx;
    *port = 5;
    return 0;
}

int evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_handler_t handler,
                            void *ctx, evtchn_port_t *port)
{
    (void)remote;
    (void)handler;
    (void)ctx;
    *port = remote_port + 1;
    return 0;
}

int evtchn_notify(evtchn_port_t port)
{
    (void)port;
    notified++;
    return 0;
}

int evtchn_close(evtchn_port_t port)
{
    (void)port;
    return 0;
}

uint64_t evtchn_count(evtchn_port_t port)
{
    (void)port;
    return 0;
}

/* A caller that loops on an error would call this forever: stop it after 1000. */
int evtchn_wait_since(evtchn_port_t port, uint64_t seen, uint64_t deadline)
{
    (void)port;
    (void)seen;
    (void)deadline;
    return ++waits > 1000 ? -ETIMEDOUT : wait_result;
}

/* --- time --- */

static uint64_t now;

uint64_t uk_monotonic_ns(void)
{
    return now += 1000;
}

static unsigned int sleeps;

void uk_sleep_ns(uint64_t ns)
{
    sleeps++;
    now += ns;
}

/* --- XenStore: a few numeric nodes --- */

static struct {
    char key[64];
    unsigned long value;
} nodes[8];

int xs_domid(void)
{
    return 3;
}

int xs_write(xs_tx_t tx, const char *path, const char *value)
{
    (void)tx;
    for (int i = 0; i < 8; i++)
        if (!nodes[i].key[0] || strcmp(nodes[i].key, path) == 0) {
            snprintf(nodes[i].key, sizeof(nodes[i].key), "%s", path);
            nodes[i].value = strtoul(value, NULL, 10);
            return 0;
        }
    return -ENOSPC;
}

int xs_set_perms(xs_tx_t tx, const char *path, const char *const *perms, unsigned int count)
{
    (void)tx;
    (void)path;
    (void)perms;
    (void)count;
    return 0;
}

int xs_read_ulong(xs_tx_t tx, const char *path, unsigned long *value)
{
    (void)tx;
    for (int i = 0; i < 8; i++)
        if (strcmp(nodes[i].key, path) == 0) {
            *value = nodes[i].value;
            return 0;
        }
    return -ENOENT;
}

/* The watch-based wait: no other domain writes here, so one check, then the deadline. */
static unsigned int xs_waits;

int xs_wait_for(const char *path, xs_wait_check_fn check, void *ctx, uint64_t deadline)
{
    int rc = check(path, ctx);

    (void)deadline;
    xs_waits++;
    return rc == -EAGAIN ? -ETIMEDOUT : rc;
}

int xs_rm(xs_tx_t tx, const char *path)
{
    (void)tx;
    for (int i = 0; i < 8; i++)
        if (strncmp(nodes[i].key, path, strlen(path)) == 0)
            nodes[i].key[0] = 0;
    return 0;
}

/* --- the tests --- */

static void reset(void)
{
    memset(granted, 0, sizeof(granted));
    memset(nodes, 0, sizeof(nodes));
    grants_live = maps_live = waits = sleeps = xs_waits = 0;
    wait_result = 0;
}

/* Bytes other than zero in everything the server shares, past the header and grant list. */
static unsigned long shared_nonzero(const struct vchan_interface *shr)
{
    const uint8_t *page = (const uint8_t *)shr;
    unsigned int orders[2] = {shr->left_order, shr->right_order}, first = 0, n[2];
    unsigned long bad = 0;
    uint32_t end;

    for (int k = 0; k < 2; k++)
        n[k] = orders[k] >= 12 ? 1u << (orders[k] - 12) : 0;
    end = (uint32_t)offsetof(struct vchan_interface, grants) + 4 * (n[0] + n[1]);
    for (uint32_t i = end; i < PAGE_SIZE; i++)
        bad += page[i] != 0;
    for (int k = 0; k < 2; first += n[k], k++)
        for (unsigned int p = 0; p < n[k]; p++)
            for (uint32_t i = 0; i < PAGE_SIZE; i++)
                bad += ((const uint8_t *)granted[shr->grants[first + p]])[i] != 0;
    return bad;
}

static void connect_transfer_close(size_t left, size_t right)
{
    struct vchan *s, *c;
    char msg[3000], got[3000];
    unsigned long ref = 0;

    reset();
    s = vchan_server_init(1, "/v", left, right);
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_EQ(xs_read_ulong(XS_NO_TX, "/v/ring-ref", &ref), 0);
    CHECK_EQ(shared_nonzero(granted[ref]), 0);
    c = vchan_client_init(0, "/v", 0);
    CHECK(c != NULL);
    if (!c) {
        printf("  client refused %zu/%zu: %d\n", left, right, errno);
        vchan_close(s);
        return;
    }
    CHECK_EQ(vchan_is_open(s), 1);
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (char)(i * 7 + 1);
    /* Client to server (left), then back (right); 1000 bytes fit any ring. */
    CHECK_EQ(vchan_write(c, msg, 1000), 1000);
    CHECK_EQ(vchan_read(s, got, sizeof(got)), 1000);
    CHECK(memcmp(msg, got, 1000) == 0);
    CHECK_EQ(vchan_write(s, msg + 5, 1000), 1000);
    CHECK_EQ(vchan_read(c, got, sizeof(got)), 1000);
    CHECK(memcmp(msg + 5, got, 1000) == 0);
    vchan_close(c);
    CHECK_EQ(maps_live, 0);
    CHECK_EQ(vchan_read(s, got, 1), -EPIPE);
    vchan_close(s);
    CHECK_EQ(grants_live, 0);
}

TEST(connects_transfers_and_closes_for_every_layout)
{
    static const size_t sizes[] = {0, 1024, 2048, 4096, 65536, 1 << 20};

    for (size_t i = 0; i < 6; i++)
        for (size_t k = 0; k < 6; k++)
            connect_transfer_close(sizes[i], sizes[k]);
}

TEST(server_refuses_rings_over_one_mib)
{
    reset();
    CHECK(vchan_server_init(1, "/v", (1 << 20) + 1, 0) == NULL);
    CHECK_EQ(errno, EINVAL);
    CHECK_EQ(grants_live, 0);
}

TEST(client_refuses_a_broken_layout)
{
    struct vchan *s;
    unsigned long ref = 0;
    struct vchan_interface *shr;

    reset();
    s = vchan_server_init(1, "/v", 0, 0);
    xs_read_ulong(XS_NO_TX, "/v/ring-ref", &ref);
    shr = granted[ref];
    shr->left_order = 11; /* both rings in one slot */
    CHECK(vchan_client_init(0, "/v", 0) == NULL);
    CHECK_EQ(errno, EIO);
    shr->left_order = 10;
    shr->right_order = 20; /* 256 grants over the ring at 1024 */
    CHECK(vchan_client_init(0, "/v", 0) == NULL);
    CHECK_EQ(errno, EIO);
    CHECK_EQ(maps_live, 0);
    shr->right_order = 11;
    vchan_close(s);
    CHECK_EQ(grants_live, 0);
}

/* An error from the timed wait (no memory for its timer, a closed port) ends the call. */
TEST(wait_errors_are_final)
{
    static const int errs[] = {-ENOMEM, -EPIPE, -EINVAL};
    struct vchan *s, *c;
    char buf[16];

    for (int i = 0; i < 3; i++) {
        reset();
        s = vchan_server_init(1, "/v", 0, 0);
        c = vchan_client_init(0, "/v", 0);
        CHECK(s && c);
        if (!s || !c)
            return;
        wait_result = errs[i];
        CHECK_EQ(vchan_read(c, buf, sizeof(buf)), errs[i]);
        CHECK_EQ(waits, 1);
        waits = 0;
        while (vchan_buffer_space(s) > 0)
            vchan_write(s, buf,
                        sizeof(buf) < (size_t)vchan_buffer_space(s)
                            ? sizeof(buf)
                            : (size_t)vchan_buffer_space(s));
        CHECK_EQ(vchan_write(s, buf, 1), errs[i]);
        CHECK_EQ(waits, 1);
        vchan_close(c);
        vchan_close(s);
    }
}

/* The client waits for the server's nodes on a watch (xs_wait_for), never by sleeping and polling.
 */
TEST(client_waits_for_the_server_nodes_without_polling)
{
    reset();
    CHECK(vchan_client_init(0, "/absent", 2 * UK_NSEC_PER_SEC) == NULL);
    CHECK_EQ(errno, ETIMEDOUT);
    CHECK_EQ(sleeps, 0);
    CHECK_EQ(xs_waits, 1);
    CHECK_EQ(maps_live, 0);
}
