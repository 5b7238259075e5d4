/*
 * Grant tables, v1. The table's frames are mapped (XENMAPSPACE_grant_table)
 * onto pages of ours only as references are needed, up to the domain's
 * limit (GNTTABOP_query_size). Foreign grants are mapped into a window of
 * guest-physical space that holds no RAM (PVH maps a grant at a guest frame:
 * using a RAM frame would waste that page), one slot per page.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <uk/arch.h>
#include <uk/compiler.h>
#include <uk/console.h>
#include <uk/gnttab.h>
#include <uk/hypercall.h>
#include <uk/kernel.h>
#include <uk/mm.h>
#include <xen/memory.h>

#include "grefs.h"

#define ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(grant_entry_v1_t))
#define MAX_FRAMES        256

/* 64 GiB up: far above any RAM a guest of ours has, below Xen's p2m limit. */
#define FOREIGN_BASE  0x0000001000000000ull
#define FOREIGN_SLOTS 16384 /* 64 MiB of mappings at once */

static grant_entry_v1_t *frames[MAX_FRAMES];
static unsigned int nr_frames, max_frames;
static struct gref_pool pool;
static uint8_t slot_used[FOREIGN_SLOTS / 8];
static unsigned int slot_hint;

int gnttab_status_errno(int16_t st)
{
    switch (st) {
    case GNTST_okay:
        return 0;
    case GNTST_bad_domain:
        return -ESRCH;
    case GNTST_bad_gntref:
    case GNTST_bad_handle:
    case GNTST_bad_copy_arg:
        return -EINVAL;
    case GNTST_bad_virt_addr:
    case GNTST_bad_dev_addr:
    case GNTST_bad_page:
        return -EFAULT;
    case GNTST_no_device_space:
    case GNTST_no_space:
        return -ENOSPC;
    case GNTST_permission_denied:
        return -EACCES;
    case GNTST_address_too_big:
        return -E2BIG;
    case GNTST_eagain:
        return -EAGAIN;
    default:
        return -EIO;
    }
}

unsigned int gnttab_frames(void)
{
    return nr_frames;
}

unsigned int gnttab_max_frames(void)
{
    return max_frames;
}

unsigned int gnttab_refs_in_use(void)
{
    return gref_in_use(&pool);
}

/* Map one more frame of the table onto a fresh page; its refs join the pool. */
static int grow(void)
{
    struct xen_add_to_physmap xatp = {.domid = DOMID_SELF, .space = XENMAPSPACE_grant_table};
    void *page;
    long rc;

    if (nr_frames >= max_frames)
        return -ENOSPC;
    page = page_alloc();
    if (!page)
        return -ENOMEM;
    xatp.idx = nr_frames;
    xatp.gpfn = (uintptr_t)page >> PAGE_SHIFT;
    /* The RAM page behind it goes back to Xen: the frame takes its place. */
    rc = hypercall_memory_op(XENMEM_add_to_physmap, &xatp);
    if (rc) {
        page_free(page);
        return (int)rc;
    }
    frames[nr_frames++] = page;
    return gref_pool_grow(&pool, nr_frames * ENTRIES_PER_FRAME);
}

static grant_entry_v1_t *entry(grant_ref_t ref)
{
    return &frames[ref / ENTRIES_PER_FRAME][ref % ENTRIES_PER_FRAME];
}

int gnttab_grant_access(domid_t domid, const void *page, bool readonly, grant_ref_t *ref)
{
    uint32_t r = gref_alloc(&pool);
    grant_entry_v1_t *e;

    if ((uintptr_t)page & (PAGE_SIZE - 1))
        return -EINVAL;
    while (r == GREF_NONE) {
        int rc = grow();

        if (rc)
            return rc == -ENOMEM ? rc : -ENOSPC;
        r = gref_alloc(&pool);
    }
    e = entry(r);
    e->domid = domid;
    e->frame = (uint32_t)((uintptr_t)page >> PAGE_SHIFT);
    /* Frame and domain must be visible before the flags that validate them. */
    smp_wmb();
    WRITE_ONCE(e->flags, (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)));
    *ref = r;
    return 0;
}

int gnttab_end_access(grant_ref_t ref)
{
    grant_entry_v1_t *e;
    uint16_t flags;

    if (ref >= pool.capacity || ref < GNTTAB_NR_RESERVED_ENTRIES)
        return -EINVAL;
    e = entry(ref);
    /*
     * Clear the entry only if the peer has no mapping: compare-exchange
     * against the value that has neither GTF_reading nor GTF_writing, so a
     * mapping made between our check and our write makes the exchange fail.
     */
    flags = READ_ONCE(e->flags);
    do {
        if (flags & (GTF_reading | GTF_writing))
            return -EBUSY;
    } while (!__atomic_compare_exchange_n(&e->flags, &flags, 0, false, __ATOMIC_SEQ_CST,
                                          __ATOMIC_SEQ_CST));
    return gref_free(&pool, ref);
}

static int slot_alloc(void)
{
    for (unsigned int i = 0; i < FOREIGN_SLOTS; i++) {
        unsigned int s = (slot_hint + i) % FOREIGN_SLOTS;

        if (!(slot_used[s / 8] & (1u << (s % 8)))) {
            slot_used[s / 8] |= (uint8_t)(1u << (s % 8));
            slot_hint = s + 1;
            return (int)s;
        }
    }
    return -ENOSPC;
}

static void slot_free(unsigned int s)
{
    slot_used[s / 8] &= (uint8_t) ~(1u << (s % 8));
}

int gnttab_map(domid_t domid, grant_ref_t ref, bool readonly, void **addr,
               grant_handle_t *handle)
{
    int s = slot_alloc(), rc;
    uint64_t gpa;
    struct gnttab_map_grant_ref op;

    if (s < 0)
        return s;
    gpa = FOREIGN_BASE + (uint64_t)s * PAGE_SIZE;
    op = (struct gnttab_map_grant_ref){
        .host_addr = gpa,
        .flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0),
        .ref = ref,
        .dom = domid,
    };
    rc = (int)hypercall_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);
    if (!rc)
        rc = gnttab_status_errno(op.status);
    if (!rc)
        rc = arch_map_page((uintptr_t)gpa, gpa, readonly ? 0 : MAP_WRITE);
    if (rc) {
        if (op.status == GNTST_okay && op.handle) {
            struct gnttab_unmap_grant_ref un = {.host_addr = gpa, .handle = op.handle};

            hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, &un, 1);
        }
        slot_free((unsigned int)s);
        return rc;
    }
    *addr = (void *)(uintptr_t)gpa;
    *handle = op.handle;
    return 0;
}

int gnttab_unmap(void *addr, grant_handle_t handle)
{
    uint64_t gpa = (uintptr_t)addr;
    struct gnttab_unmap_grant_ref op = {.host_addr = gpa, .handle = handle};
    int rc;

    if (gpa < FOREIGN_BASE || gpa >= FOREIGN_BASE + FOREIGN_SLOTS * PAGE_SIZE ||
        (gpa & (PAGE_SIZE - 1)))
        return -EINVAL;
    rc = (int)hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);
    if (!rc)
        rc = gnttab_status_errno(op.status);
    if (rc)
        return rc;
    arch_unmap_page((uintptr_t)gpa);
    slot_free((unsigned int)((gpa - FOREIGN_BASE) / PAGE_SIZE));
    return 0;
}

int gnttab_copy(struct gnttab_copy *ops, unsigned int n)
{
    int rc = (int)hypercall_grant_table_op(GNTTABOP_copy, ops, n);

    if (rc)
        return rc;
    for (unsigned int i = 0; i < n; i++)
        if (ops[i].status != GNTST_okay)
            return gnttab_status_errno(ops[i].status);
    return 0;
}

static int gnttab_init(void)
{
    struct gnttab_query_size q = {.dom = DOMID_SELF};
    long rc = hypercall_grant_table_op(GNTTABOP_query_size, &q, 1);

    if (!rc)
        rc = gnttab_status_errno(q.status);
    if (rc)
        return (int)rc;
    max_frames = q.max_nr_frames < MAX_FRAMES ? q.max_nr_frames : MAX_FRAMES;
    gref_pool_init(&pool, GNTTAB_NR_RESERVED_ENTRIES);
    /* The first frame now; more as references run out. */
    return grow();
}
INITCALL(gnttab_init, 2);
