/* SPDX-License-Identifier: MIT */
/*
 * A log-linear latency histogram over the whole uint64_t range of
 * nanoseconds, in the manner of fio's stat.h and HdrHistogram: exact
 * counts, a sum for the mean, the exact minimum and maximum, and buckets
 * whose representative value is within HIST_ERROR_BOUND of every value
 * that falls into them.  The struct is caller-allocated and embedded in
 * per-thread statistics; nothing here allocates.
 *
 * Threads: a histogram is written by one thread at a time (hist_record()
 * has no atomics).  hist_merge(), hist_percentile() and hist_mean() read
 * histograms whose writer has finished or is otherwise ordered before
 * the reader by the caller (pthread_join, a lock, a release/acquire
 * handoff).
 *
 * The bucket layout, in short: values below 2^(HIST_SUB_BITS + 1) = 128
 * have a bucket each and are exact.  Above that, each power of two
 * [2^m, 2^(m+1)) is cut into 2^HIST_SUB_BITS = 64 equal buckets, indexed
 * by the HIST_SUB_BITS bits below the most significant one; lower bits are
 * dropped.  A bucket is represented by its midpoint, so the relative error
 * of any recorded value is at most 2^-(HIST_SUB_BITS + 1) = 1/128, about
 * 0.78%, the same as fio's, but without fio's saturation at ~17 s:
 * 59 groups of 64 cover 0..UINT64_MAX in HIST_BUCKETS = 3776 counters
 * (29.5 KiB).
 *
 * Derivation.  Let S = HIST_SUB_BITS and v >= 2^(S+1), with its most
 * significant bit at position m (2^m <= v < 2^(m+1), m > S).  The index
 * keeps the S bits below bit m, so the bucket holding v is
 *   [low, low + w - 1],  w = 2^(m-S),  low = v with its m-S low bits clear,
 * and low >= 2^m.  The representative is the lower midpoint
 *   rep = low + (w - 1) / 2 = low + w/2 - 1   (w >= 2, integer division),
 * so every v in the bucket has |rep - v| <= w/2 = 2^(m-S-1), reached only
 * at v = low + w - 1 = high.  Dividing by v >= 2^m:
 *   |rep - v| / v <= 2^(m-S-1) / 2^m = 2^-(S+1),
 * and the same holds relative to rep, since rep >= low >= 2^m too.  For
 * v < 2^(S+1), w = 1 and rep = v.  The top group m = 63 ends at
 * low + w - 1 = 2^64 - 1 = UINT64_MAX, so every uint64_t has a bucket.
 * A percentile picks the bucket holding the value of the wanted rank and
 * reports its representative clamped to [min_ns, max_ns]; clamping moves
 * it towards the true value (which lies in that range), so the bound
 * holds for percentiles too.
 *
 * Index arithmetic: with m' = msb(v | 2^S) (so m' >= S and values below
 * 2^S share the group of [2^S, 2^(S+1)) with shift 0),
 *   index = ((m' - S) << S) + (v >> (m' - S)),
 * where v >> (m' - S) lies in [2^S, 2^(S+1)) for v >= 2^S, and equals v
 * below.  The largest index is ((63 - S) << S) + 2^(S+1) - 1.
 */
#ifndef BLKRING_BENCH_HIST_H
#define BLKRING_BENCH_HIST_H

#include <stdint.h>

/* Linear sub-buckets per power of two: 2^HIST_SUB_BITS. */
#define HIST_SUB_BITS 6
#define HIST_SUB (1u << HIST_SUB_BITS)

/*
 * Counters: 2^S exact values below 2^S, then one group of 2^S buckets for
 * each power of two 2^S .. 2^63, 65 - S blocks of 2^S in all.
 */
#define HIST_BUCKETS ((64u - HIST_SUB_BITS + 1u) << HIST_SUB_BITS)

/*
 * Largest relative error of a bucket's representative value against any
 * value in that bucket, |rep - v| / v: 2^-(HIST_SUB_BITS + 1) = 1/128.
 */
#define HIST_ERROR_BOUND (1.0 / (double)(2u << HIST_SUB_BITS))

_Static_assert(HIST_SUB_BITS >= 1 && HIST_SUB_BITS <= 16,
	       "HIST_SUB_BITS out of the range the layout supports");

/*
 * A histogram of uint64_t nanosecond values.  Fields are read directly by
 * reports; only hist_*() write them.
 *
 * sum_ns is 128 bits wide so that it is exact: at most 2^64 - 1 values of
 * at most 2^64 - 1 each sum to below 2^128, so it can neither wrap nor
 * saturate, and the mean is exact up to the final division.  min_ns is
 * UINT64_MAX and max_ns 0 while count is 0.
 */
struct hist {
	uint64_t count;		  /* values recorded */
	unsigned __int128 sum_ns; /* their exact sum */
	uint64_t min_ns;	  /* smallest value, UINT64_MAX if none */
	uint64_t max_ns;	  /* largest value, 0 if none */
	uint64_t buckets[HIST_BUCKETS];
};

/* Empties @h.  Writer thread, or before the histogram is shared. */
void hist_init(struct hist *h);

/*
 * The bucket holding @v: 0 <= index < HIST_BUCKETS for every uint64_t.
 * Pure; any thread.
 */
static inline unsigned int hist_bucket_index(uint64_t v)
{
	/* v | HIST_SUB is never 0, so clzll is defined; msb >= HIST_SUB_BITS. */
	unsigned int msb = 63u - (unsigned int)__builtin_clzll(v | HIST_SUB);
	unsigned int shift = msb - HIST_SUB_BITS;

	return (shift << HIST_SUB_BITS) + (unsigned int)(v >> shift);
}

/* Smallest value of bucket @i (< HIST_BUCKETS).  Pure; any thread. */
uint64_t hist_bucket_low(unsigned int i);

/* Largest value of bucket @i (< HIST_BUCKETS), inclusive.  Pure. */
uint64_t hist_bucket_high(unsigned int i);

/*
 * The value bucket @i (< HIST_BUCKETS) stands for: its lower midpoint
 * low + (high - low) / 2, within HIST_ERROR_BOUND of every value in it.
 * Pure; any thread.
 */
uint64_t hist_bucket_value(unsigned int i);

/*
 * Records one value: a few instructions, no call and no data-dependent
 * branch (min and max are selects, which compile to cmov).  The writer
 * thread only.
 */
static inline void hist_record(struct hist *h, uint64_t v_ns)
{
	h->count++;
	h->sum_ns += v_ns;
	h->min_ns = v_ns < h->min_ns ? v_ns : h->min_ns;
	h->max_ns = v_ns > h->max_ns ? v_ns : h->max_ns;
	h->buckets[hist_bucket_index(v_ns)]++;
}

/*
 * Adds every value recorded in @src to @dst, as if @dst had recorded them
 * too (counts, sum, min and max).  @src may equal @dst.  The caller
 * orders this after @src's writer is done; @dst's writer thread only.
 */
void hist_merge(struct hist *dst, const struct hist *src);

/*
 * The @pct-th percentile, @pct in [0, 100] (values outside are clamped,
 * NaN counts as 0).  Rank rule, nearest rank: r = ceil(pct / 100 * count)
 * computed as ceil(pct * count / 100.0), then clamped to [1, count].  The
 * value of rank 1 is min_ns and that of rank count is max_ns, both exact;
 * any other rank gives the representative of the bucket holding the r-th
 * smallest value, clamped to [min_ns, max_ns], so within HIST_ERROR_BOUND
 * of the true value.  Returns 0 for an empty histogram.  Reader: see the
 * thread rule at the top of this file.
 */
uint64_t hist_percentile(const struct hist *h, double pct);

/* The exact mean of the recorded values as a double; 0.0 if empty. */
double hist_mean(const struct hist *h);

#endif
