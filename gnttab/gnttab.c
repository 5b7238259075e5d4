/* SPDX-License-Identifier: BSD-2-Clause */
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

#include <internal/arch.h>
#include <internal/bitmap.h>
#include <uk/compiler.h>
#include <internal/console.h>
#include <uk/gnttab.h>
#include <internal/hypercall.h>
#include <internal/kernel.h>
#include <internal/mm.h>
#include <uk/assert.h>
#include <xen/memory.h>

#include "grefs.h"

#define ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(grant_entry_v1_t))
#define MAX_FRAMES        256

/*
 * Foreign mappings go to a window that holds no RAM: at 64 GiB (well below
 * Xen's p2m limit), or above the memory map, 1 GiB aligned, for a guest
 * whose map reaches that far. Set once at init.
 */
#define FOREIGN_MIN_BASE 0x0000001000000000ull
#define FOREIGN_SLOTS    16384 /* 64 MiB of mappings at once */
static uint64_t foreign_base = FOREIGN_MIN_BASE;
#define FOREIGN_BASE foreign_base

static grant_entry_v1_t *frames[MAX_FRAMES];
static unsigned int nr_frames, max_frames;
static struct gref_pool pool;
static DECLARE_BITMAP(slot_used, FOREIGN_SLOTS);
static unsigned int slots_in_use;
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
    page = uk_page_alloc();
    if (!page)
        return -ENOMEM;
    xatp.idx = nr_frames;
    xatp.gpfn = (uintptr_t)page >> PAGE_SHIFT;
    /* The RAM page behind it goes back to Xen: the frame takes its place. */
    rc = hypercall_memory_op(XENMEM_add_to_physmap, &xatp);
    if (rc) {
        uk_page_free(page);
        return (int)rc;
    }
    frames[nr_frames++] = page;
    return gref_pool_grow(&pool, nr_frames * ENTRIES_PER_FRAME);
}

static grant_entry_v1_t *entry(grant_ref_t ref)
{
    /* Every grant and end of access comes here: the table must exist. */
    INITCALL_NEEDED(gnttab_grants_init);
    return &frames[ref / ENTRIES_PER_FRAME][ref % ENTRIES_PER_FRAME];
}

/*
 * The frame behind `page`, through our page tables: heap pages live at
 * 16 TiB, far from their frames, and a pointer is not a frame number. Only
 * RAM we own may be shared: the image, or pages the allocator handed out and
 * that are not the table's own frames. -EFAULT for anything else (unmapped,
 * a device, a foreign mapping, a free page), -ERANGE for a frame v1 cannot
 * name.
 */
static int frame_of(const void *page, uint32_t *frame)
{
    const struct boot_info *bi = kernel_boot_info();
    int64_t pa = arch_virt_to_phys((uintptr_t)page);
    bool ours;

    if (pa < 0)
        return -EFAULT;
    ours = ((uint64_t)pa >= bi->image_start && (uint64_t)pa < bi->image_end) ||
           page_is_allocated((uint64_t)pa);
    for (unsigned int i = 0; i < nr_frames && ours; i++)
        ours = (uintptr_t)frames[i] != (uintptr_t)pa;
    if (!ours)
        return -EFAULT;
    return gref_frame_v1((uint64_t)pa, frame);
}

static void fill_entry(grant_ref_t r, domid_t domid, uint32_t frame, bool readonly)
{
    grant_entry_v1_t *e = entry(r);

    e->domid = domid;
    e->frame = frame;
    /* Frame and domain must be visible before the flags that validate them. */
    uk_smp_wmb();
    UK_WRITE_ONCE(e->flags, (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)));
}

int gnttab_grant_access_batch(domid_t domid, void *const *pages, unsigned int n, bool readonly,
                              grant_ref_t *refs)
{
    uint32_t frame;

    /* All or none: every page is checked before any reference is taken. */
    for (unsigned int i = 0; i < n; i++) {
        int rc = ((uintptr_t)pages[i] & (PAGE_SIZE - 1)) ? -EINVAL : frame_of(pages[i], &frame);

        if (rc)
            return rc;
    }
    /* Grow until the whole batch fits, or the table is at its limit. */
    while (gref_alloc_batch(&pool, n, refs) == -ENOSPC) {
        int rc = grow();

        if (rc)
            return rc == -ENOMEM ? rc : -ENOSPC;
    }
    for (unsigned int i = 0; i < n; i++) {
        /* Checked above, and nothing ran since: threads are cooperative. */
        int rc = frame_of(pages[i], &frame);

        UK_ASSERT(rc == 0);
        fill_entry(refs[i], domid, frame, readonly);
    }
    return 0;
}

int gnttab_grant_access(domid_t domid, const void *page, bool readonly, grant_ref_t *ref)
{
    void *p = (void *)page;

    return gnttab_grant_access_batch(domid, &p, 1, readonly, ref);
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
    flags = UK_READ_ONCE(e->flags);
    do {
        if (flags & (GTF_reading | GTF_writing))
            return -EBUSY;
    } while (!__atomic_compare_exchange_n(&e->flags, &flags, 0, false, __ATOMIC_SEQ_CST,
                                          __ATOMIC_SEQ_CST));
    return gref_free(&pool, ref);
}

/* `n` contiguous free slots (a multi-page ring must look contiguous), first fit from the hint. */
static int slots_alloc(unsigned int n)
{
    /* Every mapping takes its address here: foreign_base must be set. */
    INITCALL_NEEDED(gnttab_maps_init);
    for (unsigned int i = 0; i < FOREIGN_SLOTS; i++) {
        unsigned int s = (slot_hint + i) % FOREIGN_SLOTS;

        if (s + n > FOREIGN_SLOTS || bitmap_find_set(slot_used, s, s + n) < s + n)
            continue;
        bitmap_set_range(slot_used, s, s + n);
        slots_in_use += n;
        slot_hint = s + n;
        return (int)s;
    }
    return -ENOSPC;
}

static void slot_free(unsigned int s)
{
    /* Only a slot we mapped (Xen accepted its unmap) or reserved comes back. */
    UK_ASSERT(s < FOREIGN_SLOTS && bitmap_test(slot_used, s));
    bitmap_clear(slot_used, s);
    slots_in_use--;
}

unsigned int gnttab_maps_in_use(void)
{
    return slots_in_use;
}

/* Map one grant at guest-physical `gpa` (a slot of the window). */
static int map_one(domid_t domid, grant_ref_t ref, bool readonly, uint64_t gpa,
                   grant_handle_t *handle)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = gpa,
        .flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0),
        .ref = ref,
        .dom = domid,
    };
    int rc = (int)hypercall_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);

    if (!rc)
        rc = gnttab_status_errno(op.status);
    if (!rc && arch_map_page((uintptr_t)gpa, gpa, readonly ? 0 : MAP_WRITE)) {
        struct gnttab_unmap_grant_ref un = {.host_addr = gpa, .handle = op.handle};

        hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, &un, 1);
        rc = -ENOMEM;
    }
    if (!rc)
        *handle = op.handle;
    return rc;
}

static int unmap_one(uint64_t gpa, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref op = {.host_addr = gpa, .handle = handle};
    int rc = (int)hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);

    if (!rc)
        rc = gnttab_status_errno(op.status);
    if (rc)
        return rc;
    arch_unmap_page((uintptr_t)gpa);
    slot_free((unsigned int)((gpa - FOREIGN_BASE) / PAGE_SIZE));
    return 0;
}

int gnttab_map_range(domid_t domid, const grant_ref_t *refs, unsigned int n, bool readonly,
                     void **addr, grant_handle_t *handles)
{
    int s = n ? slots_alloc(n) : -EINVAL, rc = 0;
    uint64_t base;
    unsigned int i;

    if (s < 0)
        return s;
    base = FOREIGN_BASE + (uint64_t)s * PAGE_SIZE;
    for (i = 0; i < n && !rc; i++)
        rc = map_one(domid, refs[i], readonly, base + i * PAGE_SIZE, &handles[i]);
    if (rc) {
        /* All or nothing: undo the ones that worked, give every slot back. */
        for (unsigned int k = 0; k + 1 < i; k++)
            unmap_one(base + k * PAGE_SIZE, handles[k]);
        for (unsigned int k = i - 1; k < n; k++)
            slot_free((unsigned int)s + k);
        return rc;
    }
    *addr = (void *)(uintptr_t)base;
    return 0;
}

int gnttab_map(domid_t domid, grant_ref_t ref, bool readonly, void **addr, grant_handle_t *handle)
{
    return gnttab_map_range(domid, &ref, 1, readonly, addr, handle);
}

int gnttab_unmap_range(void *addr, const grant_handle_t *handles, unsigned int n)
{
    uint64_t gpa = (uintptr_t)addr;
    int rc = 0;

    if (gpa < FOREIGN_BASE ||
        gpa + (uint64_t)n * PAGE_SIZE > FOREIGN_BASE + FOREIGN_SLOTS * PAGE_SIZE ||
        (gpa & (PAGE_SIZE - 1)))
        return -EINVAL;
    for (unsigned int i = 0; i < n; i++) {
        int r = unmap_one(gpa + i * PAGE_SIZE, handles[i]);

        rc = rc ? rc : r;
    }
    return rc;
}

int gnttab_unmap(void *addr, grant_handle_t handle)
{
    return gnttab_unmap_range(addr, &handle, 1);
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

/* The grant side: our table's size, the reference pool and its first frame. */
static int gnttab_grants_init(void)
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
INITCALL(gnttab_grants_init, 2);

/* The mapping side: where foreign pages go, above everything Xen gave us. */
static int gnttab_maps_init(void)
{
    if (memmap_top() <= FOREIGN_MIN_BASE)
        return 0;
    /* Identity-mapped, so it must stay in the lower canonical half. */
    if (memmap_top() > (1ull << 47) - (2ull << 30)) {
        uk_printf("gnttab: memory map ends at %llx: no room for foreign mappings\n",
                  (unsigned long long)memmap_top());
        return -ERANGE;
    }
    foreign_base = (memmap_top() + (1ull << 30) - 1) & ~((1ull << 30) - 1);
    return 0;
}
INITCALL(gnttab_maps_init, 2);
