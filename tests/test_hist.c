// SPDX-License-Identifier: MIT
/*
 * Tests of bench/hist: index <-> value round trips at the edges, a walk of
 * every bucket proving the layout contiguous and the error bound over the
 * whole uint64_t range, a pseudo-random sweep, percentiles against the
 * exact nearest-rank values of known and random samples, merge, and the
 * empty histogram.  Single-threaded; fixed seeds.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/hist.h"
#include "tests/cu_main.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* splitmix64: a fixed, seedable stream for the sweeps. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* |rep - v| / v, 0 when both are 0. */
static double rel_err(uint64_t rep, uint64_t v)
{
	uint64_t d = rep > v ? rep - v : v - rep;

	if (!v)
		return d ? INFINITY : 0.0;
	return (double)d / (double)v;
}

/* Histograms are 30 KiB: keep them off the test's stack. */
static struct hist ha, hb, hc;

/* ---- Layout ------------------------------------------------------------- */

static void test_round_trips(void)
{
	static const struct {
		uint64_t v;
		unsigned int index;
		uint64_t low, high;
	} cases[] = {
		{ 0, 0, 0, 0 },
		{ 1, 1, 1, 1 },
		{ 2, 2, 2, 2 },
		{ 63, 63, 63, 63 },
		{ 64, 64, 64, 64 },
		{ 127, 127, 127, 127 }, /* the last exact value */
		{ 128, 128, 128, 129 }, /* the first bucket of width 2 */
		{ 129, 128, 128, 129 },
		{ 130, 129, 130, 131 },
		{ 255, 191, 254, 255 },
		{ 256, 192, 256, 259 },
		{ 257, 192, 256, 259 },
		{ 1000, 317, 1000, 1007 },
		{ 1023, 319, 1016, 1023 },
		{ 1024, 320, 1024, 1039 },
		{ 1025, 320, 1024, 1039 },
		{ 1000000000, 1591, 998244352, 1006632959 }, /* 1 s */
		{ UINT32_MAX, 1727, 4261412864u, UINT32_MAX },
		{ UINT64_C(1) << 32, 1728, UINT64_C(1) << 32,
		  (UINT64_C(1) << 32) + (UINT64_C(1) << 26) - 1 },
		{ (UINT64_C(1) << 32) + 1, 1728, UINT64_C(1) << 32,
		  (UINT64_C(1) << 32) + (UINT64_C(1) << 26) - 1 },
		{ (UINT64_C(1) << 63) - 1, 3711, UINT64_C(127) << 56,
		  (UINT64_C(1) << 63) - 1 },
		{ UINT64_C(1) << 63, 3712, UINT64_C(1) << 63,
		  (UINT64_C(1) << 63) + (UINT64_C(1) << 57) - 1 },
		{ UINT64_MAX - 1, HIST_BUCKETS - 1, UINT64_C(127) << 57,
		  UINT64_MAX },
		{ UINT64_MAX, HIST_BUCKETS - 1, UINT64_C(127) << 57,
		  UINT64_MAX },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = cases[i].v;
		unsigned int idx = hist_bucket_index(v);
		uint64_t rep;

		if (idx != cases[i].index ||
		    hist_bucket_low(idx) != cases[i].low ||
		    hist_bucket_high(idx) != cases[i].high)
			fprintf(stderr,
				"case %zu: v %" PRIu64 " index %u [%" PRIu64
				", %" PRIu64 "]\n",
				i, v, idx, hist_bucket_low(idx),
				hist_bucket_high(idx));
		CU_ASSERT_EQUAL(idx, cases[i].index);
		CU_ASSERT_EQUAL(hist_bucket_low(cases[i].index), cases[i].low);
		CU_ASSERT_EQUAL(hist_bucket_high(cases[i].index),
				cases[i].high);
		/* Both ends map back to the bucket. */
		CU_ASSERT_EQUAL(hist_bucket_index(cases[i].low),
				cases[i].index);
		CU_ASSERT_EQUAL(hist_bucket_index(cases[i].high),
				cases[i].index);
		rep = hist_bucket_value(cases[i].index);
		CU_ASSERT(rep >= cases[i].low && rep <= cases[i].high);
		CU_ASSERT(rel_err(rep, v) <= HIST_ERROR_BOUND);
	}
}

/*
 * Every bucket, in order: the ranges tile 0..UINT64_MAX with no gap and no
 * overlap, each width is a power of two, both ends map back, and the
 * representative is within the bound of both ends.  The error within a
 * bucket is largest at an end, so this proves the bound for every value.
 */
static void test_walk_all_buckets(void)
{
	uint64_t expect_low = 0;
	double worst = 0.0;
	unsigned int bad = 0;

	CU_ASSERT_EQUAL(HIST_BUCKETS, 3776);
	for (unsigned int i = 0; i < HIST_BUCKETS; i++) {
		uint64_t low = hist_bucket_low(i), high = hist_bucket_high(i);
		uint64_t rep = hist_bucket_value(i), w = high - low + 1;
		double e = fmax(rel_err(rep, low), rel_err(rep, high));

		if (low != expect_low || high < low ||
		    (w != 0 && (w & (w - 1))) || hist_bucket_index(low) != i ||
		    hist_bucket_index(high) != i || rep < low || rep > high ||
		    e > HIST_ERROR_BOUND) {
			if (bad++ < 5)
				fprintf(stderr,
					"bucket %u: [%" PRIu64 ", %" PRIu64
					"] rep %" PRIu64 " err %g\n",
					i, low, high, rep, e);
		}
		worst = fmax(worst, e);
		expect_low = high + 1; /* wraps to 0 after the last */
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(hist_bucket_high(HIST_BUCKETS - 1), UINT64_MAX);
	CU_ASSERT_EQUAL(expect_low, 0);
	/* The bound is tight: the top of a width-2 bucket is 1/129 off. */
	CU_ASSERT(worst <= HIST_ERROR_BOUND);
	CU_ASSERT(worst > 0.99 * HIST_ERROR_BOUND);
	CU_ASSERT(HIST_ERROR_BOUND <= 0.01);
}

/* Values of every magnitude: a random word shifted right 0..63 bits. */
static void test_random_sweep(void)
{
	uint64_t s = 0x5eed;
	unsigned int bad = 0;

	for (unsigned int n = 0; n < 1000000; n++) {
		uint64_t r = rng_next(&s);
		uint64_t v = r >> (rng_next(&s) & 63);
		unsigned int i = hist_bucket_index(v);

		if (i >= HIST_BUCKETS || v < hist_bucket_low(i) ||
		    v > hist_bucket_high(i) ||
		    rel_err(hist_bucket_value(i), v) > HIST_ERROR_BOUND) {
			if (bad++ < 5)
				fprintf(stderr, "v %" PRIu64 " bucket %u\n", v,
					i);
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* ---- Percentiles -------------------------------------------------------- */

static void test_uniform_percentiles(void)
{
	static const struct {
		double pct;
		uint64_t exact; /* nearest rank of 1..100000 */
		bool is_exact;	/* min and max are reported exactly */
	} cases[] = {
		{ 0.0, 1, true },	   { 0.0005, 1, true },
		{ 0.0009, 1, true },	   { 0.0011, 2, false },
		{ 1.0, 1000, false },	   { 25.0, 25000, false },
		{ 50.0, 50000, false },	   { 90.0, 90000, false },
		{ 99.0, 99000, false },	   { 99.9, 99900, false },
		{ 99.99, 99990, false },   { 99.999, 99999, false },
		{ 99.9995, 100000, true }, { 100.0, 100000, true },
	};

	hist_init(&ha);
	for (uint64_t v = 1; v <= 100000; v++)
		hist_record(&ha, v);
	CU_ASSERT_EQUAL(ha.count, 100000);
	CU_ASSERT_EQUAL(ha.min_ns, 1);
	CU_ASSERT_EQUAL(ha.max_ns, 100000);
	CU_ASSERT(ha.sum_ns == (unsigned __int128)5000050000u);
	CU_ASSERT_DOUBLE_EQUAL(hist_mean(&ha), 50000.5, 1e-9);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t got = hist_percentile(&ha, cases[i].pct);
		double e = rel_err(got, cases[i].exact);

		if (e > HIST_ERROR_BOUND || (cases[i].is_exact && e != 0.0))
			fprintf(stderr,
				"p%g: got %" PRIu64 " want %" PRIu64 "\n",
				cases[i].pct, got, cases[i].exact);
		CU_ASSERT(e <= HIST_ERROR_BOUND);
		if (cases[i].is_exact)
			CU_ASSERT_EQUAL(got, cases[i].exact);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * A heavy-tailed random sample (log-uniform from 100 ns to ~1 s, like
 * latencies) against the exact nearest-rank value of the sorted sample.
 */
static void test_random_percentiles(void)
{
	static const double pcts[] = { 0,    1,	   5,	  10,	 20,	 30, 40,
				       50,   60,   70,	  80,	 90,	 95, 99,
				       99.5, 99.9, 99.95, 99.99, 99.999, 100 };
	enum { N = 200000 };
	uint64_t *v = malloc(N * sizeof(*v));
	uint64_t s = 42;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	hist_init(&ha);
	for (unsigned int i = 0; i < N; i++) {
		double u = (double)(rng_next(&s) >> 11) / 9007199254740992.0;

		v[i] = (uint64_t)(100.0 * pow(1e7, u));
		hist_record(&ha, v[i]);
	}
	qsort(v, N, sizeof(*v), cmp_u64);
	CU_ASSERT_EQUAL(ha.min_ns, v[0]);
	CU_ASSERT_EQUAL(ha.max_ns, v[N - 1]);
	for (size_t i = 0; i < ARRAY_SIZE(pcts); i++) {
		double r = ceil(pcts[i] * N / 100.0);
		size_t rank = r < 1 ? 1 : (size_t)r;
		uint64_t got = hist_percentile(&ha, pcts[i]);
		double e = rel_err(got, v[rank - 1]);

		if (e > HIST_ERROR_BOUND)
			fprintf(stderr,
				"p%g: got %" PRIu64 " want %" PRIu64 "\n",
				pcts[i], got, v[rank - 1]);
		CU_ASSERT(e <= HIST_ERROR_BOUND);
	}
	/* Percentiles never decrease with pct. */
	for (double p = 0, prev = 0; p <= 100.0; p += 0.25) {
		double got = (double)hist_percentile(&ha, p);

		CU_ASSERT(got >= prev);
		prev = got;
	}
	free(v);
}

/* Out-of-range pct is clamped; a single value is every percentile. */
static void test_pct_edges(void)
{
	static const double pcts[] = { -5.0, 0.0, 50.0, 100.0, 250.0, NAN };

	hist_init(&ha);
	hist_record(&ha, 777777);
	for (size_t i = 0; i < ARRAY_SIZE(pcts); i++)
		CU_ASSERT_EQUAL(hist_percentile(&ha, pcts[i]), 777777);

	hist_init(&ha);
	hist_record(&ha, 10);
	hist_record(&ha, 1000000);
	CU_ASSERT_EQUAL(hist_percentile(&ha, -5.0), 10);
	CU_ASSERT_EQUAL(hist_percentile(&ha, NAN), 10);
	CU_ASSERT_EQUAL(hist_percentile(&ha, 50.0), 10);
	CU_ASSERT_EQUAL(hist_percentile(&ha, 50.1), 1000000);
	CU_ASSERT_EQUAL(hist_percentile(&ha, 250.0), 1000000);
}

/* The extremes of uint64_t: no overflow in the sum, the index or the rep. */
static void test_extremes(void)
{
	hist_init(&ha);
	for (int i = 0; i < 4; i++)
		hist_record(&ha, UINT64_MAX);
	hist_record(&ha, 0);
	CU_ASSERT_EQUAL(ha.count, 5);
	CU_ASSERT(ha.sum_ns == (unsigned __int128)UINT64_MAX * 4);
	CU_ASSERT_EQUAL(ha.min_ns, 0);
	CU_ASSERT_EQUAL(ha.max_ns, UINT64_MAX);
	CU_ASSERT_EQUAL(ha.buckets[0], 1);
	CU_ASSERT_EQUAL(ha.buckets[HIST_BUCKETS - 1], 4);
	CU_ASSERT_DOUBLE_EQUAL(hist_mean(&ha), 0.8 * 18446744073709551615.0,
			       1e5);
	CU_ASSERT_EQUAL(hist_percentile(&ha, 0), 0);
	CU_ASSERT_EQUAL(hist_percentile(&ha, 100), UINT64_MAX);
	CU_ASSERT(rel_err(hist_percentile(&ha, 50), UINT64_MAX) <=
		  HIST_ERROR_BOUND);
}

/* ---- Merge and empty ---------------------------------------------------- */

static bool hist_equal(const struct hist *a, const struct hist *b)
{
	return a->count == b->count && a->sum_ns == b->sum_ns &&
	       a->min_ns == b->min_ns && a->max_ns == b->max_ns &&
	       !memcmp(a->buckets, b->buckets, sizeof(a->buckets));
}

static void test_merge(void)
{
	static const struct {
		unsigned int na, nb;
		uint64_t seed;
	} cases[] = {
		{ 0, 0, 1 },
		{ 1000, 0, 2 },
		{ 0, 1000, 3 },
		{ 5000, 7000, 4 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t s = cases[i].seed;

		hist_init(&ha);
		hist_init(&hb);
		hist_init(&hc);
		for (unsigned int n = 0; n < cases[i].na + cases[i].nb; n++) {
			uint64_t v = rng_next(&s) >> (rng_next(&s) & 63);

			hist_record(n < cases[i].na ? &ha : &hb, v);
			hist_record(&hc, v);
		}
		hist_merge(&ha, &hb);
		CU_ASSERT(hist_equal(&ha, &hc));
		CU_ASSERT_EQUAL(hist_percentile(&ha, 99),
				hist_percentile(&hc, 99));
	}

	/* Merging into itself doubles every count and keeps min and max. */
	hist_init(&ha);
	hist_record(&ha, 5);
	hist_record(&ha, 500);
	hist_merge(&ha, &ha);
	CU_ASSERT_EQUAL(ha.count, 4);
	CU_ASSERT(ha.sum_ns == 1010);
	CU_ASSERT_EQUAL(ha.buckets[5], 2);
	CU_ASSERT_EQUAL(ha.min_ns, 5);
	CU_ASSERT_EQUAL(ha.max_ns, 500);
}

static void test_empty(void)
{
	static const double pcts[] = { 0, 50, 99.9, 100 };

	memset(&ha, 0xa5, sizeof(ha));
	hist_init(&ha);
	CU_ASSERT_EQUAL(ha.count, 0);
	CU_ASSERT(ha.sum_ns == 0);
	CU_ASSERT_EQUAL(ha.min_ns, UINT64_MAX);
	CU_ASSERT_EQUAL(ha.max_ns, 0);
	for (unsigned int i = 0; i < HIST_BUCKETS; i++)
		CU_ASSERT_EQUAL_FATAL(ha.buckets[i], 0);
	for (size_t i = 0; i < ARRAY_SIZE(pcts); i++)
		CU_ASSERT_EQUAL(hist_percentile(&ha, pcts[i]), 0);
	CU_ASSERT_EQUAL(hist_mean(&ha), 0.0);

	/* An empty source changes nothing, an empty destination copies. */
	hist_init(&hb);
	hist_record(&hb, 123);
	hist_merge(&hb, &ha);
	CU_ASSERT_EQUAL(hb.count, 1);
	CU_ASSERT_EQUAL(hb.min_ns, 123);
	CU_ASSERT_EQUAL(hb.max_ns, 123);
	hist_merge(&ha, &hb);
	CU_ASSERT(hist_equal(&ha, &hb));
}

int cu_register(void)
{
	CU_pSuite s;

	s = CU_add_suite("layout", NULL, NULL);
	CU_ADD_TEST(s, test_round_trips);
	CU_ADD_TEST(s, test_walk_all_buckets);
	CU_ADD_TEST(s, test_random_sweep);
	s = CU_add_suite("percentile", NULL, NULL);
	CU_ADD_TEST(s, test_uniform_percentiles);
	CU_ADD_TEST(s, test_random_percentiles);
	CU_ADD_TEST(s, test_pct_edges);
	CU_ADD_TEST(s, test_extremes);
	s = CU_add_suite("merge", NULL, NULL);
	CU_ADD_TEST(s, test_merge);
	CU_ADD_TEST(s, test_empty);
	return 0;
}
