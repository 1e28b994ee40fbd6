// SPDX-License-Identifier: MIT
/*
 * Statistics (see stats.h).  Every interval is distribution-free: run
 * times on a shared machine are skewed and have outliers (a neighbour's
 * build, a wake-up on a busy CPU), so nothing here assumes normality of
 * the values; the normal distribution appears only as the large-sample
 * approximation of a rank statistic.  Any thread; no state.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void stats_sort(double *x, size_t n)
{
	qsort(x, n, sizeof(*x), cmp_double);
}

double stats_median_sorted(const double *x, size_t n)
{
	if (!n)
		return NAN;
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

double stats_binom_half_cdf(size_t n, long k)
{
	double sum = 0, ln = lgamma((double)n + 1) - (double)n * log(2.0);

	if (k < 0)
		return 0;
	if ((size_t)k >= n)
		return 1;
	for (long i = 0; i <= k; i++)
		sum += exp(ln - lgamma((double)i + 1) -
			   lgamma((double)(n - (size_t)i) + 1));
	return sum < 1 ? sum : 1;
}

static double norm_cdf(double z)
{
	return 0.5 * erfc(-z / sqrt(2.0));
}

/*
 * The largest k (1-based, k <= (n + 1) / 2) for which the interval
 * [s(k), s(n+1-k)] of a statistic s with P(S <= k - 1) = @cdf(k - 1)
 * covers with 1 - 2 cdf(k - 1) >= @level; 1 when even k = 1 does not.
 * *@cover gets the coverage of the k returned.
 */
static size_t pick_k(size_t n, double level, double (*cdf)(const void *, long),
		     const void *ctx, double *cover)
{
	size_t k = 1;

	*cover = 1 - 2 * cdf(ctx, 0);
	while (k + 1 <= (n + 1) / 2) {
		double c = 1 - 2 * cdf(ctx, (long)k);

		if (c < level)
			break;
		k++;
		*cover = c;
	}
	return k;
}

static double binom_ctx_cdf(const void *ctx, long k)
{
	return stats_binom_half_cdf(*(const size_t *)ctx, k);
}

int stats_summarize(const double *x, size_t n, double level,
		    struct stats_summary *out)
{
	double *s, sum = 0, ss = 0, cover;
	size_t k;

	memset(out, 0, sizeof(*out));
	if (!n || !(level > 0 && level < 1))
		return -EINVAL;
	s = malloc(n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s, x, n * sizeof(*s));
	stats_sort(s, n);
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	out->n = n;
	out->mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (s[i] - out->mean) * (s[i] - out->mean);
	if (n > 1 && out->mean != 0)
		out->cv = sqrt(ss / (double)(n - 1)) / fabs(out->mean);
	out->median = stats_median_sorted(s, n);
	out->min = s[0];
	out->max = s[n - 1];
	/*
	 * Order statistics: the median lies below s(k) only if fewer than k
	 * values fall below it, which for a continuous distribution has
	 * probability P(Bin(n, 1/2) <= k - 1); the same above.
	 */
	k = pick_k(n, level, binom_ctx_cdf, &n, &cover);
	out->ci_lo = s[k - 1];
	out->ci_hi = s[n - k];
	out->ci_level = n > 1 ? cover : 0;
	out->ci_ok = n > 1 && cover >= level;
	free(s);
	return 0;
}

/*
 * [n+m choose n]_q = prod_{i=1..n} (1 - q^(m+i)) / (1 - q^i), whose
 * coefficient of q^u counts the orderings with U = u.  Each step leaves
 * the Gaussian binomial [m+i choose i]_q, whose coefficients are whole
 * numbers of at most C(m+i, i) (2^49 at 25 + 25); the product step at
 * most doubles them, so doubles hold every one exactly.
 */
int stats_u_counts(size_t n, size_t m, double *count)
{
	size_t deg = 0, top = n * m + n + m + 1;
	double *c = calloc(top, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c[0] = 1;
	for (size_t i = 1; i <= n; i++) {
		size_t a = m + i, nd = deg + a;

		for (size_t k = nd; k >= a; k--)
			c[k] -= c[k - a];
		for (size_t k = i; k <= nd; k++)
			c[k] += c[k - i];
		deg += m;
	}
	memcpy(count, c, (n * m + 1) * sizeof(*c));
	free(c);
	return 0;
}

/* Ranks of @n values (average ranks for ties) and the tie term. */
struct ranked {
	double v;
	int side;
};

static int cmp_ranked(const void *a, const void *b)
{
	return cmp_double(&((const struct ranked *)a)->v,
			  &((const struct ranked *)b)->v);
}

/*
 * Assigns average ranks (1-based) in place of the values of sorted @r;
 * returns sum(t^3 - t) over the groups of t tied values.
 */
static double rank_ties(struct ranked *r, size_t n)
{
	double ties = 0;

	for (size_t i = 0; i < n;) {
		size_t j = i;
		double t, rank;

		while (j + 1 < n && r[j + 1].v == r[i].v)
			j++;
		t = (double)(j - i + 1);
		rank = (double)(i + j) / 2 + 1;
		ties += t * t * t - t;
		for (size_t k = i; k <= j; k++)
			r[k].v = rank;
		i = j + 1;
	}
	return ties;
}

struct u_ctx {
	const double *count;
	double total;
	size_t n, m; /* normal approximation when count is NULL */
};

/* P(U <= k) from exact counts, or the normal approximation. */
static double u_cdf(const void *ctx, long k)
{
	const struct u_ctx *c = ctx;
	double s = 0;

	if (k < 0)
		return 0;
	if (c->count) {
		for (long i = 0; i <= k && (size_t)i <= c->n * c->m; i++)
			s += c->count[i];
		return s / c->total;
	}
	double nm = (double)c->n * (double)c->m;
	double sd = sqrt(nm * (double)(c->n + c->m + 1) / 12);

	return norm_cdf(((double)k + 0.5 - nm / 2) / sd);
}

static int u_dist(size_t n, size_t m, struct u_ctx *c, double **buf)
{
	*buf = NULL;
	memset(c, 0, sizeof(*c));
	c->n = n;
	c->m = m;
	if (n > STATS_EXACT_MAX || m > STATS_EXACT_MAX)
		return 0;
	*buf = malloc((n * m + 1) * sizeof(**buf));
	if (!*buf || stats_u_counts(n, m, *buf)) {
		free(*buf);
		*buf = NULL;
		return -ENOMEM;
	}
	c->count = *buf;
	for (size_t i = 0; i <= n * m; i++)
		c->total += (*buf)[i];
	return 0;
}

int stats_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
		       double *u, double *p, bool *exact)
{
	size_t n = nx + ny;
	struct ranked *r;
	double ties, ry = 0, mu, var, z;

	if (!nx || !ny)
		return -EINVAL;
	if (nx > STATS_MAX_N || ny > STATS_MAX_N)
		return -E2BIG;
	r = malloc(n * sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < nx; i++)
		r[i] = (struct ranked){ x[i], 0 };
	for (size_t i = 0; i < ny; i++)
		r[nx + i] = (struct ranked){ y[i], 1 };
	qsort(r, n, sizeof(*r), cmp_ranked);
	ties = rank_ties(r, n);
	for (size_t i = 0; i < n; i++)
		if (r[i].side)
			ry += r[i].v;
	free(r);
	*u = ry - (double)ny * (double)(ny + 1) / 2;
	mu = (double)nx * (double)ny / 2;
	*exact = ties == 0 && nx <= STATS_EXACT_MAX && ny <= STATS_EXACT_MAX;
	if (*exact) {
		struct u_ctx c;
		double *buf, lo, hi;

		if (u_dist(nx, ny, &c, &buf))
			return -ENOMEM;
		lo = u_cdf(&c, (long)*u);
		hi = 1 - u_cdf(&c, (long)*u - 1);
		free(buf);
		*p = fmin(1, 2 * fmin(lo, hi));
		return 0;
	}
	var = (double)nx * (double)ny / 12 *
	      ((double)n + 1 - ties / ((double)n * (double)(n - 1)));
	if (var <= 0) {
		*p = 1; /* every value the same */
		return 0;
	}
	z = fmax(0, fabs(*u - mu) - 0.5) / sqrt(var);
	*p = fmin(1, erfc(z / sqrt(2.0)));
	return 0;
}

/*
 * The interval [d(k), d(N+1-k)] of sorted @d, k from @cdf at @level, or
 * from the normal approximation with mean @mu and deviation @sd.
 */
static void interval(const double *d, size_t nd, double level,
		     double (*cdf)(const void *, long), const void *ctx,
		     struct stats_interval *out)
{
	double cover;
	size_t k = pick_k(nd, level, cdf, ctx, &cover);

	out->est = stats_median_sorted(d, nd);
	out->lo = d[k - 1];
	out->hi = d[nd - k];
	out->level = cover;
	out->ok = cover >= level && nd > 1;
}

int stats_shift(const double *x, size_t nx, const double *y, size_t ny,
		double level, struct stats_interval *out)
{
	struct u_ctx c;
	double *d, *buf;
	size_t nd = nx * ny, k = 0;

	memset(out, 0, sizeof(*out));
	if (!nx || !ny || !(level > 0 && level < 1))
		return -EINVAL;
	if (nx > STATS_MAX_N || ny > STATS_MAX_N)
		return -E2BIG;
	d = malloc(nd * sizeof(*d));
	if (!d)
		return -ENOMEM;
	for (size_t i = 0; i < nx; i++)
		for (size_t j = 0; j < ny; j++)
			d[k++] = y[j] - x[i];
	stats_sort(d, nd);
	/*
	 * Moses: y - x - s has no shift, so the number of differences
	 * below s is distributed as U; the interval's ends are the
	 * differences at the U test's critical values.
	 */
	if (u_dist(nx, ny, &c, &buf)) {
		free(d);
		return -ENOMEM;
	}
	interval(d, nd, level, u_cdf, &c, out);
	free(buf);
	free(d);
	return 0;
}

/* Signed-rank counts: @c[s] = subsets of {1..n} with sum s (exact). */
static double *wsr_counts(size_t n)
{
	size_t top = n * (n + 1) / 2;
	double *c = calloc(top + 1, sizeof(*c));

	if (!c)
		return NULL;
	c[0] = 1;
	for (size_t i = 1; i <= n; i++)
		for (size_t s = i * (i + 1) / 2; s >= i; s--)
			c[s] += c[s - i];
	return c;
}

struct w_ctx {
	const double *count;
	size_t n;
};

static double w_cdf(const void *ctx, long k)
{
	const struct w_ctx *c = ctx;
	size_t top = c->n * (c->n + 1) / 2;
	double s = 0;

	if (k < 0)
		return 0;
	if (c->count) {
		for (long i = 0; i <= k && (size_t)i <= top; i++)
			s += c->count[i];
		return s / ldexp(1.0, (int)c->n);
	}
	double nn = (double)c->n;
	double mu = nn * (nn + 1) / 4;
	double sd = sqrt(nn * (nn + 1) * (2 * nn + 1) / 24);

	return norm_cdf(((double)k + 0.5 - mu) / sd);
}

int stats_signed_rank(const double *d, size_t n, double *p)
{
	struct ranked *r;
	double ties, w = 0, mu, var, z;
	size_t m = 0;

	if (!n)
		return -EINVAL;
	if (n > STATS_MAX_N)
		return -E2BIG;
	r = malloc(n * sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (d[i] != 0)
			r[m++] = (struct ranked){ fabs(d[i]), d[i] > 0 };
	if (!m) {
		free(r);
		*p = 1;
		return 0;
	}
	qsort(r, m, sizeof(*r), cmp_ranked);
	ties = rank_ties(r, m);
	for (size_t i = 0; i < m; i++)
		if (r[i].side)
			w += r[i].v;
	free(r);
	if (ties == 0 && m <= 2 * STATS_EXACT_MAX) {
		struct w_ctx c = { .n = m };
		double *buf = wsr_counts(m), lo, hi;

		if (!buf)
			return -ENOMEM;
		c.count = buf;
		lo = w_cdf(&c, (long)w);
		hi = 1 - w_cdf(&c, (long)w - 1);
		free(buf);
		*p = fmin(1, 2 * fmin(lo, hi));
		return 0;
	}
	mu = (double)m * (double)(m + 1) / 4;
	var = (double)m * (double)(m + 1) * (double)(2 * m + 1) / 24 -
	      ties / 48;
	if (var <= 0) {
		*p = 1;
		return 0;
	}
	z = fmax(0, fabs(w - mu) - 0.5) / sqrt(var);
	*p = fmin(1, erfc(z / sqrt(2.0)));
	return 0;
}

int stats_paired_shift(const double *d, size_t n, double level,
		       struct stats_interval *out)
{
	size_t nw = n * (n + 1) / 2, k = 0;
	struct w_ctx c = { .n = n };
	double *w, *buf = NULL;

	memset(out, 0, sizeof(*out));
	if (!n || !(level > 0 && level < 1))
		return -EINVAL;
	if (n > STATS_MAX_N)
		return -E2BIG;
	w = malloc(nw * sizeof(*w));
	if (!w)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i; j < n; j++)
			w[k++] = (d[i] + d[j]) / 2;
	stats_sort(w, nw);
	/*
	 * Tukey: the number of Walsh averages below the true shift is
	 * distributed as the signed-rank statistic W; the interval's ends
	 * are the averages at its critical values.
	 */
	if (n <= 2 * STATS_EXACT_MAX) {
		buf = wsr_counts(n);
		if (!buf) {
			free(w);
			return -ENOMEM;
		}
		c.count = buf;
	}
	interval(w, nw, level, w_cdf, &c, out);
	free(buf);
	free(w);
	return 0;
}

const char *stats_verdict_name(enum stats_verdict v)
{
	static const char *const names[] = {
		[STATS_NO_CHANGE] = "no change",
		[STATS_IMPROVED] = "improved",
		[STATS_REGRESSED] = "regressed",
		[STATS_INCONCLUSIVE] = "inconclusive",
	};

	return (unsigned int)v < 4 ? names[v] : "?";
}

enum stats_verdict stats_judge(const struct stats_interval *c, double threshold,
			       bool higher_is_better, double p, double alpha)
{
	bool test_agrees = isnan(p) || p < alpha;

	/* Work in "good" direction: positive = better. */
	double s = higher_is_better ? 1 : -1;
	double est = s * c->est;
	double lo = fmin(s * c->lo, s * c->hi), hi = fmax(s * c->lo, s * c->hi);

	if (!c->ok) {
		if (est <= -threshold)
			return STATS_REGRESSED;
		if (est >= threshold)
			return STATS_IMPROVED;
		return STATS_NO_CHANGE;
	}
	if (lo > -threshold && hi < threshold)
		return STATS_NO_CHANGE;
	if (hi < 0 && est <= -threshold && test_agrees)
		return STATS_REGRESSED;
	if (lo > 0 && est >= threshold && test_agrees)
		return STATS_IMPROVED;
	return STATS_INCONCLUSIVE;
}
