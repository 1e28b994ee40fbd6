// SPDX-License-Identifier: MIT
/*
 * Tests of bench/stats: the summary of known samples; the coverage of the
 * median's interval, of the unpaired and of the paired shift's interval
 * over 1000 synthetic samples each from a fixed-seed generator (skewed
 * distributions, as run times are); the U distribution and test against
 * published critical values and exact p-values; the signed-rank test; the
 * verdict on hand-made intervals.  Single-threaded; fixed seeds.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/stats.h"
#include "tests/cu_main.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* splitmix64, and a uniform double in (0, 1). */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
	return ((double)(rng_next(s) >> 11) + 0.5) / 9007199254740992.0;
}

/* Exponential with mean 1: skewed, median ln 2. */
static double expo(uint64_t *s)
{
	return -log(uniform(s));
}

static void test_summary(void)
{
	static const double x[] = { 5, 1, 4, 2, 3 };
	struct stats_summary s;

	CU_ASSERT_EQUAL_FATAL(stats_summarize(x, 5, 0.95, &s), 0);
	CU_ASSERT_EQUAL(s.n, 5);
	CU_ASSERT_EQUAL(s.median, 3);
	CU_ASSERT_EQUAL(s.min, 1);
	CU_ASSERT_EQUAL(s.max, 5);
	CU_ASSERT_EQUAL(s.mean, 3);
	CU_ASSERT_DOUBLE_EQUAL(s.cv, sqrt(2.5) / 3, 1e-12);
	/* Five runs cannot reach 95%: [min, max] covers 1 - 2/32. */
	CU_ASSERT_FALSE(s.ci_ok);
	CU_ASSERT_EQUAL(s.ci_lo, 1);
	CU_ASSERT_EQUAL(s.ci_hi, 5);
	CU_ASSERT_DOUBLE_EQUAL(s.ci_level, 1 - 2.0 / 32, 1e-12);
	/* Even n: the mean of the middle two; one run: no spread at all. */
	CU_ASSERT_EQUAL(stats_summarize(x, 4, 0.95, &s), 0);
	CU_ASSERT_EQUAL(s.median, 3);
	CU_ASSERT_EQUAL(stats_summarize(x, 1, 0.95, &s), 0);
	CU_ASSERT_EQUAL(s.cv, 0);
	CU_ASSERT_FALSE(s.ci_ok);
	CU_ASSERT_EQUAL(stats_summarize(x, 0, 0.95, &s), -EINVAL);
	CU_ASSERT_EQUAL(stats_summarize(x, 5, 1.0, &s), -EINVAL);
	/* P(Bin(10, 1/2) <= 1) = 11/1024. */
	CU_ASSERT_DOUBLE_EQUAL(stats_binom_half_cdf(10, 1), 11.0 / 1024, 1e-12);
	CU_ASSERT_EQUAL(stats_binom_half_cdf(10, -1), 0);
	CU_ASSERT_EQUAL(stats_binom_half_cdf(10, 10), 1);
}

/*
 * The median's interval over 1000 samples of n from the exponential: it
 * must cover ln 2 about as often as its stated level (within 4 standard
 * errors of a binomial proportion over 1000 trials).
 */
static void test_median_coverage(void)
{
	static const size_t ns[] = { 6, 10, 25, 60 };
	uint64_t seed = 42;

	for (size_t t = 0; t < ARRAY_SIZE(ns); t++) {
		size_t n = ns[t], hit = 0;
		double x[64], level = 0;

		for (int trial = 0; trial < 1000; trial++) {
			struct stats_summary s;

			for (size_t i = 0; i < n; i++)
				x[i] = expo(&seed);
			CU_ASSERT_EQUAL_FATAL(stats_summarize(x, n, 0.95, &s),
					      0);
			CU_ASSERT(s.ci_ok);
			hit += s.ci_lo <= log(2) && log(2) <= s.ci_hi;
			level = s.ci_level;
		}
		double cover = (double)hit / 1000;
		double se = sqrt(level * (1 - level) / 1000);

		fprintf(stderr,
			"  median CI n=%zu: stated %.4f, covered %.3f\n", n,
			level, cover);
		CU_ASSERT(level >= 0.95);
		CU_ASSERT(fabs(cover - level) <= 4 * se + 0.002);
	}
}

/* The unpaired shift's interval covers a known ratio as often as stated. */
static void test_shift_coverage(void)
{
	static const size_t ns[][2] = {
		{ 5, 5 }, { 8, 8 }, { 10, 12 }, { 30, 30 }
	};
	uint64_t seed = 7;

	for (size_t t = 0; t < ARRAY_SIZE(ns); t++) {
		size_t nx = ns[t][0], ny = ns[t][1], hit = 0;
		double x[32], y[32], level = 0, shift = log(1.10);

		for (int trial = 0; trial < 1000; trial++) {
			struct stats_interval c;

			/* Log of exponential run times, y 10% slower. */
			for (size_t i = 0; i < nx; i++)
				x[i] = log(expo(&seed));
			for (size_t i = 0; i < ny; i++)
				y[i] = log(expo(&seed)) + shift;
			CU_ASSERT_EQUAL_FATAL(
				stats_shift(x, nx, y, ny, 0.95, &c), 0);
			CU_ASSERT(c.ok);
			hit += c.lo <= shift && shift <= c.hi;
			level = c.level;
		}
		double cover = (double)hit / 1000;
		double se = sqrt(level * (1 - level) / 1000);

		fprintf(stderr,
			"  shift CI %zux%zu: stated %.4f, covered %.3f\n", nx,
			ny, level, cover);
		CU_ASSERT(level >= 0.95 - 0.01); /* normal approx: ~0.95 */
		CU_ASSERT(fabs(cover - level) <= 4 * se + 0.005);
	}
}

/* The paired shift's interval, pairs sharing a common "load" factor. */
static void test_paired_coverage(void)
{
	static const size_t ns[] = { 6, 10, 20, 60 };
	uint64_t seed = 99;

	for (size_t t = 0; t < ARRAY_SIZE(ns); t++) {
		size_t n = ns[t], hit = 0;
		double d[64], level = 0, shift = log(0.95);

		for (int trial = 0; trial < 1000; trial++) {
			struct stats_interval c;

			for (size_t i = 0; i < n; i++) {
				double load = 3 * uniform(&seed);
				double a = load + 0.05 * expo(&seed);
				double b = load + 0.05 * expo(&seed) + shift;

				d[i] = b - a; /* symmetric: a - b alike */
			}
			CU_ASSERT_EQUAL_FATAL(
				stats_paired_shift(d, n, 0.95, &c), 0);
			CU_ASSERT(c.ok);
			hit += c.lo <= shift && shift <= c.hi;
			level = c.level;
		}
		double cover = (double)hit / 1000;
		double se = sqrt(level * (1 - level) / 1000);

		fprintf(stderr,
			"  paired CI n=%zu: stated %.4f, covered %.3f\n", n,
			level, cover);
		CU_ASSERT(level >= 0.95 - 0.01);
		CU_ASSERT(fabs(cover - level) <= 4 * se + 0.005);
	}
}

/*
 * Critical values of the two-sided U test at alpha = 0.05 from the
 * published tables (e.g. Siegel & Castellan, table J; any textbook's
 * Mann-Whitney table): the largest u with P(U <= u) <= 0.025.
 */
static void test_u_table(void)
{
	static const struct {
		size_t n, m;
		long crit;
	} cases[] = {
		{ 5, 5, 2 },	{ 6, 6, 5 },	 { 7, 7, 8 },	{ 8, 8, 13 },
		{ 10, 10, 23 }, { 5, 10, 8 },	 { 4, 4, 0 },	{ 3, 7, 1 },
		{ 15, 15, 64 }, { 20, 20, 127 }, { 12, 9, 26 },
	};
	double c[401];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = cases[i].n, m = cases[i].m;
		double total = 0, below = 0, crit_p = 0;

		CU_ASSERT_EQUAL_FATAL(stats_u_counts(n, m, c), 0);
		for (size_t u = 0; u <= n * m; u++) {
			total += c[u];
			CU_ASSERT(c[u] == c[n * m - u]); /* symmetric */
		}
		/* C(n + m, n) orderings in all. */
		CU_ASSERT_DOUBLE_EQUAL(total,
				       round(exp(lgamma((double)(n + m + 1)) -
						 lgamma((double)n + 1) -
						 lgamma((double)m + 1))),
				       0.5);
		for (long u = 0; u <= cases[i].crit; u++)
			below += c[u];
		crit_p = below / total;
		CU_ASSERT(crit_p <= 0.025);
		CU_ASSERT((below + c[cases[i].crit + 1]) / total > 0.025);
	}
}

static void test_u_pvalues(void)
{
	static const double a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 };
	static const double x[] = { 19, 22, 16, 29, 24 },
			    y[] = { 20, 11, 17, 12 };
	static const double t1[] = { 1, 2, 2, 3, 3, 3 }, t2[] = { 3, 4, 4, 5 };
	double u, p;
	bool exact;

	/* Complete separation of 5 and 5: 2 / C(10, 5). */
	CU_ASSERT_EQUAL(stats_mann_whitney(a, 5, b, 5, &u, &p, &exact), 0);
	CU_ASSERT(exact);
	CU_ASSERT_EQUAL(u, 25);
	CU_ASSERT_DOUBLE_EQUAL(p, 2.0 / 252, 1e-12);
	/* Counted by enumerating all 126 splits: U = 3, p = 14/126. */
	CU_ASSERT_EQUAL(stats_mann_whitney(x, 5, y, 4, &u, &p, &exact), 0);
	CU_ASSERT_EQUAL(u, 3);
	CU_ASSERT_DOUBLE_EQUAL(p, 14.0 / 126, 1e-12);
	/* Identical samples: p = 1. */
	CU_ASSERT_EQUAL(stats_mann_whitney(a, 5, a, 5, &u, &p, &exact), 0);
	CU_ASSERT_DOUBLE_EQUAL(p, 1, 1e-12);
	/*
	 * Ties: the normal approximation with tie correction.  Ranks of
	 * t2: 3 -> 5.5 (a tie of 4 at ranks 4..7), 4 -> 8.5 twice, 5 -> 10;
	 * R = 32.5, U = 22.5; ties 2^3-2 + 4^3-4 + 2^3-2 = 72;
	 * var = 24/12 (11 - 72/90) = 20.4; z = (22.5 - 12 - 0.5) / 4.5166.
	 */
	CU_ASSERT_EQUAL(stats_mann_whitney(t1, 6, t2, 4, &u, &p, &exact), 0);
	CU_ASSERT_FALSE(exact);
	CU_ASSERT_DOUBLE_EQUAL(u, 22.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(p,
			       erfc((22.5 - 12 - 0.5) /
				    sqrt(2 * (11 - 72.0 / 90)) / sqrt(2.0)),
			       1e-12);
	CU_ASSERT_EQUAL(stats_mann_whitney(a, 0, b, 5, &u, &p, &exact),
			-EINVAL);
}

static void test_signed_rank(void)
{
	double d[10], p;

	for (int i = 0; i < 10; i++)
		d[i] = i + 1;
	/* All ten positive: W = 55, P = 2 / 2^10. */
	CU_ASSERT_EQUAL(stats_signed_rank(d, 10, &p), 0);
	CU_ASSERT_DOUBLE_EQUAL(p, 2.0 / 1024, 1e-12);
	/* One negative, the smallest: W <= 54 has 2 subsets of 1024 at 54+. */
	d[0] = -1;
	CU_ASSERT_EQUAL(stats_signed_rank(d, 10, &p), 0);
	CU_ASSERT_DOUBLE_EQUAL(p, 4.0 / 1024, 1e-12);
	/* Zeros are dropped; all zeros: p = 1. */
	for (int i = 0; i < 10; i++)
		d[i] = 0;
	CU_ASSERT_EQUAL(stats_signed_rank(d, 10, &p), 0);
	CU_ASSERT_EQUAL(p, 1);
}

/* Verdicts on hand-made intervals of the relative change. */
static void test_verdict(void)
{
	static const struct {
		double est, lo, hi;
		bool ok, higher_better;
		enum stats_verdict want;
		double p;
	} cases[] = {
		/* Inside the 5% band: no change, significant or not. */
		{ 0.00, -0.02, 0.02, true, true, STATS_NO_CHANGE, 0 },
		{ -0.03, -0.045, -0.01, true, true, STATS_NO_CHANGE, 0 },
		/* Significant and past the threshold. */
		{ -0.10, -0.14, -0.06, true, true, STATS_REGRESSED, 0 },
		{ -0.08, -0.12, -0.01, true, true, STATS_REGRESSED, 0 },
		{ 0.10, 0.06, 0.14, true, true, STATS_IMPROVED, 0 },
		/* Lower is better (latency): the signs swap. */
		{ 0.10, 0.06, 0.14, true, false, STATS_REGRESSED, 0 },
		{ -0.10, -0.14, -0.06, true, false, STATS_IMPROVED, 0 },
		/* Past the threshold but not significant: too noisy. */
		{ -0.10, -0.20, 0.02, true, true, STATS_INCONCLUSIVE, 0 },
		/* Significant, estimate inside, interval reaching past. */
		{ -0.04, -0.07, -0.01, true, true, STATS_INCONCLUSIVE, 0 },
		/* Wide around zero. */
		{ 0.0, -0.08, 0.08, true, true, STATS_INCONCLUSIVE, 0 },
		/* No interval: the estimate alone. */
		{ -0.06, -0.06, -0.06, false, true, STATS_REGRESSED, 0 },
		{ 0.06, 0.06, 0.06, false, false, STATS_REGRESSED, 0 },
		{ 0.02, 0.02, 0.02, false, true, STATS_NO_CHANGE, 0 },
		{ 0.07, 0.07, 0.07, false, true, STATS_IMPROVED, 0 },
		/* The test agrees, or not (NaN above: no test). */
		{ -0.10, -0.14, -0.06, true, true, STATS_REGRESSED, 0.01 },
		{ -0.10, -0.14, -0.06, true, true, STATS_INCONCLUSIVE, 0.06 },
		{ 0.10, 0.06, 0.14, true, true, STATS_INCONCLUSIVE, 0.2 },
		{ 0.00, -0.02, 0.02, true, true, STATS_NO_CHANGE, 0.01 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct stats_interval c = { cases[i].est, cases[i].lo,
					    cases[i].hi, 0.95, cases[i].ok };
		double p = cases[i].p ? cases[i].p : NAN;
		enum stats_verdict v =
			stats_judge(&c, 0.05, cases[i].higher_better, p, 0.05);

		if (v != cases[i].want)
			fprintf(stderr, "case %zu: %s, want %s\n", i,
				stats_verdict_name(v),
				stats_verdict_name(cases[i].want));
		CU_ASSERT_EQUAL(v, cases[i].want);
	}
	CU_ASSERT_STRING_EQUAL(stats_verdict_name(STATS_INCONCLUSIVE),
			       "inconclusive");
}

int cu_register(void)
{
	CU_pSuite s;

	s = CU_add_suite("summary", NULL, NULL);
	CU_ADD_TEST(s, test_summary);
	CU_ADD_TEST(s, test_median_coverage);
	s = CU_add_suite("tests", NULL, NULL);
	CU_ADD_TEST(s, test_u_table);
	CU_ADD_TEST(s, test_u_pvalues);
	CU_ADD_TEST(s, test_signed_rank);
	s = CU_add_suite("shift", NULL, NULL);
	CU_ADD_TEST(s, test_shift_coverage);
	CU_ADD_TEST(s, test_paired_coverage);
	s = CU_add_suite("verdict", NULL, NULL);
	CU_ADD_TEST(s, test_verdict);
	return 0;
}
