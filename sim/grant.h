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
 * How the backend gets at the pages per request (map, copy, a persistent
 * cache: --grants, docs/grants.md) is its strategy; the table only names
 * the pages.  The persistent-grant cache below is the backend's.
 *
 * Set up and torn down by the engine; grant_page() may be called from any
 * thread.
 */
#ifndef BLKRING_SIM_GRANT_H
#define BLKRING_SIM_GRANT_H

#include <stdbool.h>
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

/*
 * The backend's cache of persistent grant mappings (--grants=persistent,
 * docs/grants.md): at most @max grants stay mapped; a grant in use by a
 * request in flight is pinned and never evicted; the idle ones form an
 * LRU list, and a miss with the cache full evicts (unmaps) the one idle
 * longest.  If every cached grant is pinned, the miss is mapped for this
 * use only and unmapped when it is released, as Linux blkback maps grants
 * beyond max_persistent_grants.
 *
 * In short, for the engine: entries are indexed by grant page (the
 * reference less GRANT_REF_FIRST, already checked against the table), so
 * a lookup is one array access; the LRU is a doubly linked list threaded
 * through the same array by index.  Everything is allocated by
 * grant_cache_init(); get and put never allocate.  One thread (the
 * backend's) uses a cache.
 */
struct grant_cache_ent {
	uint32_t prev, next; /* LRU links among idle cached entries */
	uint32_t pins;	     /* uses in flight of the cached mapping */
	uint32_t once;	     /* uses in flight mapped for that use only */
	bool cached;	     /* mapped and kept */
};

struct grant_cache {
	struct grant_cache_ent *ent; /* one per grant page */
	uint32_t nr_pages;
	uint32_t max;	       /* mappings kept at most */
	uint32_t nr;	       /* mappings kept now */
	uint32_t mru, lru;     /* ends of the idle list; GRANT_NONE if empty */
	uint64_t hits, misses; /* gets that found / did not find a mapping */
	uint64_t evictions;    /* idle mappings unmapped to make room */
	uint64_t uncached;     /* misses mapped for one use only */
};

#define GRANT_NONE UINT32_MAX

/* What grant_cache_get() did. */
enum grant_cache_result {
	GRANT_CACHE_HIT,     /* mapped already: no cost */
	GRANT_CACHE_MISS,    /* mapped and kept: one map */
	GRANT_CACHE_EVICT,   /* mapped and kept, *evicted unmapped: a map
			      * and an unmap */
	GRANT_CACHE_UNCACHED /* mapped for this use only: a map now, an
			      * unmap at grant_cache_put() */
};

/*
 * Sets up a cache over @nr_pages grant pages keeping at most @max (>= 1)
 * mappings.  Returns 0, -EINVAL or -ENOMEM.
 */
int grant_cache_init(struct grant_cache *c, uint32_t nr_pages, uint32_t max);

void grant_cache_fini(struct grant_cache *c);

/*
 * Takes a use of grant page @index (< nr_pages) for a request: pins its
 * mapping, mapping it first on a miss.  On GRANT_CACHE_EVICT, *@evicted
 * is the page whose mapping was dropped.
 */
enum grant_cache_result grant_cache_get(struct grant_cache *c, uint32_t index,
					uint32_t *evicted);

/*
 * Releases a use taken by grant_cache_get().  Returns true if that use's
 * mapping must be unmapped now (it was mapped for one use only); else the
 * grant, once unpinned, becomes the most recently used idle one.
 */
bool grant_cache_put(struct grant_cache *c, uint32_t index);

#endif
