/*
 * granttest: the grant table on its own. The table starts with one frame
 * and grows as references run out, up to the domain's limit; past it,
 * granting fails with -ENOSPC and nothing crashes. A batch is all or none.
 * Afterwards every reference and every page is back where it started.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <uk/gnttab.h>
#include <uk/mm.h>

int main(void)
{
    unsigned int frames0 = gnttab_frames(), refs0 = gnttab_refs_in_use(), max = gnttab_max_frames();
    uint64_t free0;
    void *page = page_alloc(), *batch[64];
    unsigned int cap = max * (4096 / 8), n = 0, batch_n = 64;
    grant_ref_t *refs = malloc(cap * sizeof(*refs)), brefs[64];
    int rc = 0, ok = 1, last = 0;

    free0 = page_free_count();
    printf("granttest: %u frame(s) at start, at most %u\n", frames0, max);
    /* Grant the same page over and over until the table is full. */
    while (n < cap && (rc = gnttab_grant_access(0, page, true, &refs[n])) == 0)
        n++;
    last = rc;
    printf("granttest: %u refs granted over %u frames, then %d\n", n, gnttab_frames(), last);
    ok &= last == -ENOSPC && gnttab_frames() == max && gnttab_frames() > frames0;
    for (int i = 0; i < 64; i++)
        batch[i] = page;
    ok &= gnttab_grant_access_batch(0, batch, batch_n, true, brefs) == -ENOSPC;
    for (unsigned int i = 0; i < n; i++)
        if (gnttab_end_access(refs[i]) != 0)
            ok = 0;
    ok &= gnttab_end_access(refs[0]) == -EINVAL; /* already ended */
    /* The table's frames stay mapped for good: count pages from here. */
    printf("granttest: the table's frames took %llu pages\n",
           (unsigned long long)(free0 - page_free_count()));
    free0 = page_free_count();
    ok &= gnttab_grant_access_batch(0, batch, batch_n, true, brefs) == 0;
    for (unsigned int i = 0; i < batch_n; i++)
        if (gnttab_end_access(brefs[i]) != 0)
            ok = 0;
    ok &= gnttab_grant_access(0, (char *)page + 1, true, &brefs[0]) == -EINVAL;
    free(refs);
    printf("granttest: refs in use %u before, %u after; free pages %llu before, %llu after\n",
           refs0, gnttab_refs_in_use(), (unsigned long long)free0,
           (unsigned long long)page_free_count());
    ok &= gnttab_refs_in_use() == refs0 && page_free_count() == free0;
    page_free(page);
    printf("granttest: %s\n", ok ? "ok" : "FAIL");
    return ok ? 0 : 1;
}
