// SPDX-License-Identifier: MIT
/*
 * Grant table set-up.  See grant.h; engine thread only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/grant.h"

int grant_table_init(struct grant_table *gt, uint32_t nr_pages)
{
	size_t bytes = (size_t)nr_pages * XEN_PAGE_SIZE;

	if (nr_pages == 0 || nr_pages > UINT32_MAX - GRANT_REF_FIRST)
		return -EINVAL;
	gt->pages = aligned_alloc(XEN_PAGE_SIZE, bytes);
	if (!gt->pages)
		return -ENOMEM;
	memset(gt->pages, 0, bytes);
	gt->nr_pages = nr_pages;
	return 0;
}

void grant_table_fini(struct grant_table *gt)
{
	free(gt->pages);
	gt->pages = NULL;
	gt->nr_pages = 0;
}
