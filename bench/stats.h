/* SPDX-License-Identifier: MIT */
/*
 * Statistics for repeated runs and for comparing two sets of runs: the
 * median with a distribution-free confidence interval, the coefficient of
 * variation, the Mann-Whitney U test, the shift between two samples with
 * its confidence interval (unpaired, and paired for A/B runs), and the
 * verdict of a change against a threshold.  Pure functions on arrays of
 * doubles; no state, no I/O.  Any thread.
 *
 * In short, the methods (why each, in the functions' comments):
 *
 *   median CI        order statistics: [x(k), x(n+1-k)] covers the true
 *                    median with probability 1 - 2 P(Bin(n, 1/2) < k),
 *                    whatever the distribution.  k is the largest that
 *                    still reaches the level asked; with n < 6 no k
 *                    reaches 95% and the interval is [min, max], with its
 *                    own (lower) coverage reported.
 *   U test           two-sided Mann-Whitney U; exact (the distribution of
 *                    U counted as the coefficients of the Gaussian
 *                    binomial) when there are no ties and both samples
 *                    have at most STATS_EXACT_MAX values, otherwise the
 *                    normal approximation with the tie correction and a
 *                    continuity correction.
 *   shift, unpaired  Hodges-Lehmann: the median of all differences
 *                    y_j - x_i, with Moses' interval [d(k), d(N+1-k)],
 *                    k from the U distribution (exact or normal).
 *   shift, paired    the median of the Walsh averages of the differences
 *                    of pairs, with the interval from the Wilcoxon
 *                    signed-rank distribution; for A B A B runs, where a
 *                    pair shares the machine's load of its moment.
 *
 * The comparison works on logarithms, so that a shift is a ratio: a
 * shift s of log(value) is a change of exp(s) - 1.
 */
#ifndef BLKRING_BENCH_STATS_H
#define BLKRING_BENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>

/* Largest sample (each side) for which the exact distributions are used. */
#define STATS_EXACT_MAX 25
/* Largest sample (each side) the two-sample functions take. */
#define STATS_MAX_N 2000

/* The summary of one metric over n runs. */
struct stats_summary {
	size_t n;
	double median, min, max, mean;
	double cv;	     /* standard deviation / mean; 0 if n < 2 */
	double ci_lo, ci_hi; /* the median's interval */
	double ci_level;     /* its coverage: >= the level asked if ci_ok */
	bool ci_ok;	     /* false: too few runs to reach the level */
};

/* An estimate with its confidence interval. */
struct stats_interval {
	double est, lo, hi;
	double level; /* the interval's coverage (exact or approximate) */
	bool ok;      /* the level asked was reached */
};

/* Sorts @x ascending in place. */
void stats_sort(double *x, size_t n);

/* The median of sorted @x (the mean of the middle two for even n). */
double stats_median_sorted(const double *x, size_t n);

/* P(B <= k) for B ~ Binomial(n, 1/2). */
double stats_binom_half_cdf(size_t n, long k);

/*
 * Summarizes @n values of @x (not changed) at confidence @level (0.95):
 * median, min, max, mean, CV and the order-statistics interval of the
 * median.  Returns 0, or -EINVAL for n == 0 or a level outside (0, 1),
 * -ENOMEM.
 */
int stats_summarize(const double *x, size_t n, double level,
		    struct stats_summary *out)
	__attribute__((warn_unused_result));

/*
 * The distribution of the Mann-Whitney U statistic for samples of @n and
 * @m values without ties: @count[u] (u = 0..n*m) is the number of the
 * C(n+m, n) orderings with U = u.  @count holds n*m + 1 doubles; exact
 * integers for n, m <= STATS_EXACT_MAX.  Returns 0 or -ENOMEM.
 */
int stats_u_counts(size_t n, size_t m, double *count)
	__attribute__((warn_unused_result));

/*
 * Two-sided Mann-Whitney U test of @x against @y.  *@u is U of @y (pairs
 * with y > x, ties counting one half), *@p the p-value, *@exact whether
 * the exact distribution was used.  Returns 0, -EINVAL for an empty
 * sample, -ENOMEM.
 */
int stats_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
		       double *u, double *p, bool *exact)
	__attribute__((warn_unused_result));

/*
 * The shift of @y against @x (Hodges-Lehmann) with Moses' interval at
 * @level.  With samples too small for the level, the interval is the
 * range of the differences and ok is false.  Returns 0, -EINVAL, -ENOMEM.
 */
int stats_shift(const double *x, size_t nx, const double *y, size_t ny,
		double level, struct stats_interval *out)
	__attribute__((warn_unused_result));

/*
 * Two-sided Wilcoxon signed-rank test of the @n differences @d against
 * 0 (zeros dropped; exact without ties for up to 2 * STATS_EXACT_MAX
 * non-zero differences, else normal).  Returns 0, -EINVAL, -ENOMEM.
 */
int stats_signed_rank(const double *d, size_t n, double *p)
	__attribute__((warn_unused_result));

/*
 * The paired shift: the median of the Walsh averages (d_i + d_j) / 2,
 * i <= j, of the @n differences @d, with the signed-rank interval at
 * @level.  Returns 0, -EINVAL, -ENOMEM.
 */
int stats_paired_shift(const double *d, size_t n, double level,
		       struct stats_interval *out)
	__attribute__((warn_unused_result));

enum stats_verdict {
	STATS_NO_CHANGE,
	STATS_IMPROVED,
	STATS_REGRESSED,
	STATS_INCONCLUSIVE,
};

const char *stats_verdict_name(enum stats_verdict v);

/*
 * The verdict on a relative change (new / base - 1) with its interval,
 * against a threshold @threshold (0.05 = 5%), where @higher_is_better
 * says which way is good, and @p the p-value of a test of the same data
 * (NaN: none), significant below @alpha:
 *
 *   no change     the whole interval lies inside (-threshold, threshold);
 *   regressed     the whole interval lies on the bad side of 0, the test
 *                 agrees (p < alpha) and the estimate is past the
 *                 threshold;
 *   improved      the same on the good side;
 *   inconclusive  anything else: the interval is too wide to place the
 *                 change inside the band, the interval and the test
 *                 disagree, or the change is significant but the
 *                 estimate is within the threshold with the interval
 *                 reaching past it.
 *
 * Asking the interval and the test to agree guards against either one
 * being fooled by heavy-tailed noise (the paired interval by one odd
 * pair, the unpaired test by drift): a false alarm needs both.
 *
 * Without an interval (@c->ok false: one run on each side) the estimate
 * alone decides: past the threshold on either side, or no change.
 */
enum stats_verdict stats_judge(const struct stats_interval *c, double threshold,
			       bool higher_is_better, double p, double alpha);

#endif
