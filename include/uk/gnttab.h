/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Grant tables: sharing pages with other domains, Xen's POSIX shared
 * memory. A guest grants a page to a domain (a grant reference names it);
 * the other domain maps it, or copies through it. Grant table v1.
 *
 * Errors are negative errno values: -ENOSPC when references run out (the
 * table grows frame by frame up to the domain's limit first), -EBUSY from
 * gnttab_end_access while the peer still has the page mapped, Xen's
 * GNTST_* codes mapped to errno for map, unmap and copy.
 */
#ifndef UK_GNTTAB_H
#define UK_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>

#include <xen/grant_table.h>

/* Grant `domid` access to the page at `page` (page aligned, ours). */
int gnttab_grant_access(domid_t domid, const void *page, bool readonly, grant_ref_t *ref);
/* Grant `n` pages at once, all or none (one batch from the allocator). */
int gnttab_grant_access_batch(domid_t domid, void *const *pages, unsigned int n, bool readonly,
                              grant_ref_t *refs);
/*
 * Take the access back and free the reference. -EBUSY while the peer has it
 * mapped (the page must not be reused then); try again after the peer
 * unmaps.
 */
int gnttab_end_access(grant_ref_t ref);
/* References granted now (for leak checks). */
unsigned int gnttab_refs_in_use(void);
/* Frames of the grant table mapped now, and the most the domain may have. */
unsigned int gnttab_frames(void);
unsigned int gnttab_max_frames(void);

/*
 * Map a page another domain granted us, in the region kept unpopulated for
 * foreign mappings. *addr is where it appears; *handle is for the unmap.
 */
int gnttab_map(domid_t domid, grant_ref_t ref, bool readonly, void **addr, grant_handle_t *handle);
int gnttab_unmap(void *addr, grant_handle_t handle);
/* n grants mapped at contiguous addresses (a multi-page ring), all or none. */
int gnttab_map_range(domid_t domid, const grant_ref_t *refs, unsigned int n, bool readonly,
                     void **addr, grant_handle_t *handles);
int gnttab_unmap_range(void *addr, const grant_handle_t *handles, unsigned int n);
/* Foreign pages mapped now (for leak checks). */
unsigned int gnttab_maps_in_use(void);

/* Batched GNTTABOP_copy; each op's own status is in ops[i].status. 0 if all succeeded. */
int gnttab_copy(struct gnttab_copy *ops, unsigned int n);

/* Xen's GNTST_* as a negative errno. */
int gnttab_status_errno(int16_t status);

#endif
