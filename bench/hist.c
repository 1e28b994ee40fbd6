// SPDX-License-Identifier: MIT
/*
 * The log-linear latency histogram: set-up, bucket bounds, merge and the
 * summaries.  hist_record() and hist_bucket_index() are inline in hist.h,
 * which also derives the error bound.  Thread rules are in hist.h: one
 * writer per histogram, readers ordered after it by the caller.
 */
#include <math.h>
#include <string.h>

#include "bench/hist.h"

_Static_assert(HIST_BUCKETS == 3776, "bucket count changed: update docs");

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min_ns = UINT64_MAX;
}

/*
 * Bucket i >= 2^S belongs to group g = i >> S (>= 1), whose values have
 * their low g - 1 bits dropped; the S bits below the top one are i's low
 * S bits.  Buckets below 2^S hold exactly their index.
 */
uint64_t hist_bucket_low(unsigned int i)
{
	unsigned int shift;

	if (i < HIST_SUB)
		return i;
	shift = (i >> HIST_SUB_BITS) - 1;
	return (uint64_t)((i & (HIST_SUB - 1)) | HIST_SUB) << shift;
}

uint64_t hist_bucket_high(unsigned int i)
{
	unsigned int shift;

	if (i < HIST_SUB)
		return i;
	shift = (i >> HIST_SUB_BITS) - 1;
	/* Written as low + (w - 1) so the top bucket ends at UINT64_MAX. */
	return hist_bucket_low(i) + ((UINT64_C(1) << shift) - 1);
}

uint64_t hist_bucket_value(unsigned int i)
{
	uint64_t low = hist_bucket_low(i);

	return low + (hist_bucket_high(i) - low) / 2;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
	for (unsigned int i = 0; i < HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	dst->count += src->count;
	dst->sum_ns += src->sum_ns;
	if (src->min_ns < dst->min_ns)
		dst->min_ns = src->min_ns;
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
}

/* Nearest rank, 1-based, as documented in hist.h. */
static uint64_t hist_rank(uint64_t count, double pct)
{
	double r;

	if (!(pct > 0.0)) /* also NaN */
		return 1;
	if (pct >= 100.0)
		return count;
	r = ceil(pct * (double)count / 100.0);
	if (r < 1.0)
		return 1;
	/* (double)count may round up past count; never go beyond it. */
	if (r >= (double)count)
		return count;
	return (uint64_t)r;
}

uint64_t hist_percentile(const struct hist *h, double pct)
{
	uint64_t rank, seen = 0, v;
	unsigned int i;

	if (!h->count)
		return 0;
	rank = hist_rank(h->count, pct);
	if (rank == 1)
		return h->min_ns;
	if (rank == h->count)
		return h->max_ns;
	for (i = 0; i < HIST_BUCKETS - 1; i++) {
		seen += h->buckets[i];
		if (seen >= rank)
			break;
	}
	/* i is the bucket holding the rank-th value (the last if not before). */
	v = hist_bucket_value(i);
	if (v < h->min_ns)
		return h->min_ns;
	if (v > h->max_ns)
		return h->max_ns;
	return v;
}

double hist_mean(const struct hist *h)
{
	if (!h->count)
		return 0.0;
	return (double)h->sum_ns / (double)h->count;
}
