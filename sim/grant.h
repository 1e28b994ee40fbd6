/* SPDX-License-Identifier: MIT */
/*
 * The simulated grant table: the guest pages a frontend shares with its
 * backend, named by grant references.  All pages are granted once at set-up
 * and stay granted, as with blkif's persistent grants, so a grant reference
 * is just an index (offset by GRANT_REF_FIRST, since Xen reserves the first
 * entries) and mapping one is a bounds check.  What a reference names is
 * decided by the frontend; the backend must treat every reference it reads
 * from the ring as hostile and map it through grant_page(), which refuses
 * anything outside the table.
 *
 * Set up and torn down by the engine; grant_page() may be called from any
 * thread.
 */
#ifndef BLKRING_SIM_GRANT_H
#define BLKRING_SIM_GRANT_H

#include <stddef.h>
#include <stdint.h>

#include "ring/blkif.h"

/* Xen reserves grant entries 0..7 for the toolstack. */
#define GRANT_REF_FIRST 8u

struct grant_table {
	uint8_t *pages; /* nr_pages * XEN_PAGE_SIZE, page aligned */
	uint32_t nr_pages;
};

/*
 * Allocates and zeroes @nr_pages granted pages.  Returns 0, -EINVAL if
 * @nr_pages is 0 or too large, or -ENOMEM.
 */
int grant_table_init(struct grant_table *gt, uint32_t nr_pages);

/* Frees the pages. */
void grant_table_fini(struct grant_table *gt);

/* The reference of page @index (< nr_pages). */
static inline grant_ref_t grant_ref(uint32_t index)
{
	return GRANT_REF_FIRST + index;
}

/* The page a reference names, or NULL if it names none. */
static inline void *grant_page(const struct grant_table *gt, grant_ref_t gref)
{
	uint32_t index = gref - GRANT_REF_FIRST;

	if (gref < GRANT_REF_FIRST || index >= gt->nr_pages)
		return NULL;
	return gt->pages + (size_t)index * XEN_PAGE_SIZE;
}

#endif
