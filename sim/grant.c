// SPDX-License-Identifier: MIT
/*
 * Grant table set-up (engine thread only) and the persistent-grant cache
 * (the backend's thread).  See grant.h.
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

int grant_cache_init(struct grant_cache *c, uint32_t nr_pages, uint32_t max)
{
	if (nr_pages == 0 || max == 0)
		return -EINVAL;
	*c = (struct grant_cache){
		.nr_pages = nr_pages,
		.max = max,
		.mru = GRANT_NONE,
		.lru = GRANT_NONE,
	};
	c->ent = calloc(nr_pages, sizeof(*c->ent));
	if (!c->ent)
		return -ENOMEM;
	return 0;
}

void grant_cache_fini(struct grant_cache *c)
{
	free(c->ent);
	c->ent = NULL;
}

/* Takes idle entry @i off the LRU list. */
static void unlink_idle(struct grant_cache *c, uint32_t i)
{
	struct grant_cache_ent *e = &c->ent[i];

	if (e->prev != GRANT_NONE)
		c->ent[e->prev].next = e->next;
	else
		c->mru = e->next;
	if (e->next != GRANT_NONE)
		c->ent[e->next].prev = e->prev;
	else
		c->lru = e->prev;
}

/* Puts entry @i at the most recently used end of the LRU list. */
static void link_mru(struct grant_cache *c, uint32_t i)
{
	struct grant_cache_ent *e = &c->ent[i];

	e->prev = GRANT_NONE;
	e->next = c->mru;
	if (c->mru != GRANT_NONE)
		c->ent[c->mru].prev = i;
	else
		c->lru = i;
	c->mru = i;
}

enum grant_cache_result grant_cache_get(struct grant_cache *c, uint32_t index,
					uint32_t *evicted)
{
	struct grant_cache_ent *e = &c->ent[index];
	uint32_t victim;

	if (e->cached) {
		c->hits++;
		if (e->pins++ == 0)
			unlink_idle(c, index);
		return GRANT_CACHE_HIT;
	}
	c->misses++;
	if (c->nr < c->max) {
		c->nr++;
		e->cached = true;
		e->pins = 1;
		return GRANT_CACHE_MISS;
	}
	if (c->lru == GRANT_NONE) {
		/* Every kept mapping is in use: map this one for once. */
		c->uncached++;
		e->once++;
		return GRANT_CACHE_UNCACHED;
	}
	victim = c->lru;
	unlink_idle(c, victim);
	c->ent[victim].cached = false;
	c->evictions++;
	e->cached = true;
	e->pins = 1;
	*evicted = victim;
	return GRANT_CACHE_EVICT;
}

bool grant_cache_put(struct grant_cache *c, uint32_t index)
{
	struct grant_cache_ent *e = &c->ent[index];

	/* A one-use mapping first: each is unmapped by exactly one put. */
	if (e->once) {
		e->once--;
		return true;
	}
	if (e->pins && --e->pins == 0 && e->cached)
		link_mru(c, index);
	return false;
}
