/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gnttab: the grant table on its own. The table starts with one frame
 * and grows as references run out, up to the domain's limit; past it,
 * granting fails with -ENOSPC and nothing crashes. A batch is all or none.
 * Afterwards every reference and every page is back where it started.
 *
 * What is granted is the page's own frame, found through the page tables:
 * a heap page (virtual 16 TiB) granted to ourselves and read back through
 * Xen (GNTTABOP_copy from the grant) must hold what we wrote. Memory that is
 * not RAM we own (unmapped, a device page, a freed page) is refused.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uk/gnttab.h>
#include <internal/heap.h>
#include <internal/mm.h>
#include <uk/xenstore.h>

#define TEST_NAME "gnttab"
#include "../report.h"

/* Grant `page` to ourselves and read it back through Xen: 0 if Xen sees `page`'s bytes. */
static int read_back(const void *page, const char *what)
{
    uint8_t *dst = uk_page_alloc();
    grant_ref_t ref;
    struct gnttab_copy op;
    int rc = gnttab_grant_access((domid_t)xs_domid(), page, true, &ref), same = 0;

    if (!rc && dst) {
        op = (struct gnttab_copy){
            .source = {.u.ref = ref, .domid = DOMID_SELF},
            .dest = {.u.gmfn = (uintptr_t)dst >> PAGE_SHIFT, .domid = DOMID_SELF},
            .len = PAGE_SIZE,
            .flags = GNTCOPY_source_gref,
        };
        memset(dst, 0, PAGE_SIZE);
        rc = gnttab_copy(&op, 1);
        same = !rc && memcmp(dst, page, PAGE_SIZE) == 0;
        gnttab_end_access(ref);
    }
    EXPECT(!rc && same, "%s at %p: Xen reads the granted frame back %s (rc %d)", what, page,
           same ? "identical" : "DIFFERENT", rc);
    uk_page_free(dst);
    return rc || !same;
}

static void frames(void)
{
    static uint8_t image_page[4096] __attribute__((aligned(4096)));
    uint8_t *heap = memalign(PAGE_SIZE, PAGE_SIZE), *freed = uk_page_alloc();
    void *bad[3] = {(void *)(uintptr_t)(heap_start() + (512ull << 30)), (void *)0xfee00000ul,
                    freed};
    const char *bad_name[3] = {"an unmapped address", "the local APIC", "a freed page"};
    unsigned int refs0 = gnttab_refs_in_use();
    grant_ref_t ref, refs[2];
    void *batch[2] = {image_page, NULL};

    for (unsigned int i = 0; i < PAGE_SIZE; i++) {
        heap[i] = (uint8_t)(i * 7 + 1);
        image_page[i] = (uint8_t)(i * 13 + 5);
    }
    EXPECT((uintptr_t)heap >= heap_start(), "a heap page at %p (heap from %lx)", (void *)heap,
           (unsigned long)heap_start());
    read_back(heap, "a heap page");
    read_back(image_page, "a page of the image");
    uk_page_free(freed);
    for (int i = 0; i < 3; i++) {
        int rc = gnttab_grant_access(0, bad[i], false, &ref);

        EXPECT(rc == -EFAULT, "granting %s (%p) refused: %d", bad_name[i], bad[i], rc);
        if (rc == 0)
            gnttab_end_access(ref);
    }
    batch[1] = bad[0];
    EXPECT(gnttab_grant_access_batch(0, batch, 2, true, refs) == -EFAULT &&
               gnttab_refs_in_use() == refs0,
           "a batch with one bad page grants nothing");
    free(heap);
}

int main(void)
{
    unsigned int frames0 = gnttab_frames(), refs0 = gnttab_refs_in_use(), max = gnttab_max_frames();
    uint64_t free0;
    void *page = uk_page_alloc(), *batch[64];
    unsigned int cap = max * (4096 / 8), n = 0, batch_n = 64;
    grant_ref_t *refs = malloc(cap * sizeof(*refs)), brefs[64];
    int rc = 0, last = 0, ended = 1;

    if (!page || !refs) {
        test_error("no memory for the test (page %p, refs %p)", page, (void *)refs);
        return test_result();
    }
    frames();
    free0 = uk_page_free_count();
    printf("gnttab: %u frame(s) at start, at most %u\n", frames0, max);
    /* Grant the same page over and over until the table is full. */
    while (n < cap && (rc = gnttab_grant_access(0, page, true, &refs[n])) == 0)
        n++;
    last = rc;
    EXPECT(last == -ENOSPC && gnttab_frames() == max && gnttab_frames() > frames0,
           "%u refs granted over %u frames, then %d", n, gnttab_frames(), last);
    for (int i = 0; i < 64; i++)
        batch[i] = page;
    EXPECT(gnttab_grant_access_batch(0, batch, batch_n, true, brefs) == -ENOSPC,
           "a batch on a full table: -ENOSPC");
    for (unsigned int i = 0; i < n; i++)
        if (gnttab_end_access(refs[i]) != 0)
            ended = 0;
    EXPECT(ended, "every ref ended");
    EXPECT(gnttab_end_access(refs[0]) == -EINVAL, "ending a ref twice: -EINVAL");
    /* The table's frames stay mapped for good: count pages from here. */
    printf("gnttab: the table's frames took %llu pages\n",
           (unsigned long long)(free0 - uk_page_free_count()));
    free0 = uk_page_free_count();
    rc = gnttab_grant_access_batch(0, batch, batch_n, true, brefs);
    EXPECT(rc == 0, "a batch of %u on the emptied table (%d)", batch_n, rc);
    ended = 1;
    for (unsigned int i = 0; rc == 0 && i < batch_n; i++)
        if (gnttab_end_access(brefs[i]) != 0)
            ended = 0;
    EXPECT(ended, "every ref of the batch ended");
    EXPECT(gnttab_grant_access(0, (char *)page + 1, true, &brefs[0]) == -EINVAL,
           "granting an unaligned address: -EINVAL");
    free(refs);
    EXPECT(gnttab_refs_in_use() == refs0 && uk_page_free_count() == free0,
           "refs in use %u before, %u after; free pages %llu before, %llu after", refs0,
           gnttab_refs_in_use(), (unsigned long long)free0,
           (unsigned long long)uk_page_free_count());
    uk_page_free(page);
    return test_result();
}
