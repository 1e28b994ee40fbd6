// SPDX-License-Identifier: MIT
/*
 * Tests of sim/grant: the table refuses every reference outside it, and
 * the persistent-grant cache evicts the grant idle longest, never one in
 * use, maps for one use only when every kept grant is in use, and counts
 * hits, misses and evictions exactly.
 */
#include <errno.h>
#include <stdint.h>

#include "sim/grant.h"
#include "tests/cu_main.h"

static void test_grant_page_bounds(void)
{
	static const grant_ref_t bad[] = { 0, 1, GRANT_REF_FIRST - 1,
					   GRANT_REF_FIRST + 16, UINT32_MAX };
	struct grant_table gt;

	CU_ASSERT_EQUAL(grant_table_init(&gt, 0), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(grant_table_init(&gt, 16), 0);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_PTR_NULL(grant_page(&gt, bad[i]));
	CU_ASSERT_PTR_EQUAL(grant_page(&gt, grant_ref(0)), gt.pages);
	CU_ASSERT_PTR_EQUAL(grant_page(&gt, grant_ref(15)),
			    gt.pages + 15 * XEN_PAGE_SIZE);
	grant_table_fini(&gt);
}

/* Gets and puts page @i at once, returning what the get did. */
static enum grant_cache_result use(struct grant_cache *c, uint32_t i,
				   uint32_t *evicted)
{
	enum grant_cache_result r = grant_cache_get(c, i, evicted);

	CU_ASSERT_FALSE(grant_cache_put(c, i));
	return r;
}

/* The grant idle longest goes; a hit makes a grant the youngest. */
static void test_cache_lru_order(void)
{
	struct grant_cache c;
	uint32_t ev = GRANT_NONE;

	CU_ASSERT_EQUAL(grant_cache_init(&c, 16, 0), -EINVAL);
	CU_ASSERT_EQUAL(grant_cache_init(&c, 0, 4), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(grant_cache_init(&c, 16, 3), 0);
	CU_ASSERT_EQUAL(use(&c, 0, &ev), GRANT_CACHE_MISS);
	CU_ASSERT_EQUAL(use(&c, 1, &ev), GRANT_CACHE_MISS);
	CU_ASSERT_EQUAL(use(&c, 2, &ev), GRANT_CACHE_MISS);
	CU_ASSERT_EQUAL(c.nr, 3);
	/* Idle, youngest first: 2 1 0.  Page 3 evicts 0. */
	CU_ASSERT_EQUAL(use(&c, 3, &ev), GRANT_CACHE_EVICT);
	CU_ASSERT_EQUAL(ev, 0);
	/* 3 2 1; a hit on 1 makes it 1 3 2; page 4 evicts 2. */
	CU_ASSERT_EQUAL(use(&c, 1, &ev), GRANT_CACHE_HIT);
	CU_ASSERT_EQUAL(use(&c, 4, &ev), GRANT_CACHE_EVICT);
	CU_ASSERT_EQUAL(ev, 2);
	/* 4 1 3: page 0 again is a miss and evicts 3. */
	CU_ASSERT_EQUAL(use(&c, 0, &ev), GRANT_CACHE_EVICT);
	CU_ASSERT_EQUAL(ev, 3);
	CU_ASSERT_EQUAL(use(&c, 4, &ev), GRANT_CACHE_HIT);
	CU_ASSERT_EQUAL(use(&c, 1, &ev), GRANT_CACHE_HIT);
	CU_ASSERT_EQUAL(c.hits, 3);
	CU_ASSERT_EQUAL(c.misses, 6);
	CU_ASSERT_EQUAL(c.evictions, 3);
	CU_ASSERT_EQUAL(c.uncached, 0);
	CU_ASSERT_EQUAL(c.nr, 3);
	grant_cache_fini(&c);
}

/*
 * A grant in use is never evicted; with every kept grant in use a miss
 * is mapped for one use and unmapped at its put.
 */
static void test_cache_pinned(void)
{
	struct grant_cache c;
	uint32_t ev = GRANT_NONE;

	CU_ASSERT_EQUAL_FATAL(grant_cache_init(&c, 16, 2), 0);
	CU_ASSERT_EQUAL(grant_cache_get(&c, 0, &ev), GRANT_CACHE_MISS);
	CU_ASSERT_EQUAL(grant_cache_get(&c, 1, &ev), GRANT_CACHE_MISS);
	/* Both in use: 2 is mapped for once, twice over. */
	CU_ASSERT_EQUAL(grant_cache_get(&c, 2, &ev), GRANT_CACHE_UNCACHED);
	CU_ASSERT_EQUAL(grant_cache_get(&c, 2, &ev), GRANT_CACHE_UNCACHED);
	CU_ASSERT_TRUE(grant_cache_put(&c, 2));
	CU_ASSERT_TRUE(grant_cache_put(&c, 2));
	/* The same grant twice in flight: pinned until both are put. */
	CU_ASSERT_EQUAL(grant_cache_get(&c, 1, &ev), GRANT_CACHE_HIT);
	CU_ASSERT_FALSE(grant_cache_put(&c, 1));
	CU_ASSERT_EQUAL(grant_cache_get(&c, 3, &ev), GRANT_CACHE_UNCACHED);
	CU_ASSERT_TRUE(grant_cache_put(&c, 3));
	CU_ASSERT_FALSE(grant_cache_put(&c, 1));
	/* 1 is idle now, 0 still in use: 3 evicts 1, not 0. */
	CU_ASSERT_EQUAL(grant_cache_get(&c, 3, &ev), GRANT_CACHE_EVICT);
	CU_ASSERT_EQUAL(ev, 1);
	CU_ASSERT_FALSE(grant_cache_put(&c, 0));
	CU_ASSERT_FALSE(grant_cache_put(&c, 3));
	/* Idle youngest first: 3 0.  Page 5 evicts 0. */
	CU_ASSERT_EQUAL(use(&c, 5, &ev), GRANT_CACHE_EVICT);
	CU_ASSERT_EQUAL(ev, 0);
	CU_ASSERT_EQUAL(c.uncached, 3);
	CU_ASSERT_EQUAL(c.evictions, 2);
	CU_ASSERT_EQUAL(c.hits, 1);
	CU_ASSERT_EQUAL(c.misses, 7);
	grant_cache_fini(&c);
}

/*
 * A long deterministic run against a reference model: an array of last
 * use times; the victim is the idle kept grant with the oldest.
 */
static void test_cache_reference_model(void)
{
	enum { PAGES = 40, MAX = 8, STEPS = 20000 };
	static uint64_t last[PAGES];
	static bool kept[PAGES];
	struct grant_cache c;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned int nr = 0;

	CU_ASSERT_EQUAL_FATAL(grant_cache_init(&c, PAGES, MAX), 0);
	for (uint64_t t = 1; t <= STEPS; t++) {
		uint32_t i, ev = GRANT_NONE, want = GRANT_NONE;
		enum grant_cache_result r;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		i = (uint32_t)(x % PAGES);
		if (!kept[i] && nr == MAX)
			for (uint32_t j = 0; j < PAGES; j++)
				if (kept[j] && (want == GRANT_NONE ||
						last[j] < last[want]))
					want = j;
		r = use(&c, i, &ev);
		if (kept[i]) {
			CU_ASSERT_EQUAL(r, GRANT_CACHE_HIT);
		} else if (nr < MAX) {
			CU_ASSERT_EQUAL(r, GRANT_CACHE_MISS);
			nr++;
		} else {
			CU_ASSERT_EQUAL(r, GRANT_CACHE_EVICT);
			CU_ASSERT_EQUAL(ev, want);
			kept[want] = false;
		}
		kept[i] = true;
		last[i] = t;
	}
	CU_ASSERT_EQUAL(c.hits + c.misses, STEPS);
	CU_ASSERT_EQUAL(c.nr, MAX);
	grant_cache_fini(&c);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("grant", NULL, NULL);

	CU_ADD_TEST(s, test_grant_page_bounds);
	CU_ADD_TEST(s, test_cache_lru_order);
	CU_ADD_TEST(s, test_cache_pinned);
	CU_ADD_TEST(s, test_cache_reference_model);
	return 0;
}
