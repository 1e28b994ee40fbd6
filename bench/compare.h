/* SPDX-License-Identifier: MIT */
/*
 * `blkring compare BASE NEW` and `blkring ab`: CI regression checks over
 * run reports (docs/ci-regression.md).
 *
 * compare reads two reports (single or repeated runs, see runset.h),
 * refuses two configurations that differ (naming the options) unless told
 * otherwise, and judges each gated metric: the change of NEW against
 * BASE as a ratio, its confidence interval, the two-sided Mann-Whitney U
 * p-value, and a verdict against the metric's threshold (stats_judge()):
 * improved, regressed, no change or inconclusive.  The counts that do not
 * depend on speed are compared exactly.  Exit status: 0 nothing regressed
 * and every exact count equal, 1 something regressed or a count differs,
 * 2 bad input.
 *
 * ab runs two commands (two builds, or one build with two sets of
 * options) interleaved, a warm-up pair and then A B A B ... for N pairs on
 * the same file, writes both run sets as repeated reports, and compares
 * them pair by pair: a pair shares the machine's load of its moment.
 *
 * Main thread only.
 */
#ifndef BLKRING_BENCH_COMPARE_H
#define BLKRING_BENCH_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bench/runset.h"

#define BENCH_CMP_MAX_THRESHOLDS 64

/* How compare judges. */
struct bench_cmp_config {
	double level;		/* of the intervals: 0.95 */
	bool allow_config_diff; /* compare differing configurations */
	bool exact_only;	/* only the speed-independent counts */
	bool all;		/* also list every other common metric */
	bool paired;		/* run i of BASE against run i of NEW */
	size_t nthr;
	struct {
		char name[64];
		double frac; /* 0.05 = 5%; < 0: not gated */
	} thr[BENCH_CMP_MAX_THRESHOLDS];
};

/* The defaults: 95%, the default thresholds. */
void bench_cmp_config_default(struct bench_cmp_config *c);

/*
 * Parses "NAME=PCT%[,NAME=PCT%...]" (the % is optional; "off" for PCT
 * takes a metric out of the gate) into @c, on top of what is there.
 * NAME may leave out a trailing "_ns".  Returns 0 or -EINVAL with a reason.
 */
int bench_cmp_thresholds(struct bench_cmp_config *c, const char *list,
			 char *err, size_t len)
	__attribute__((warn_unused_result));

/* Counts of a comparison's verdicts. */
struct bench_cmp_result {
	unsigned int regressed, improved, no_change, inconclusive;
	unsigned int exact_equal, exact_differ;
	bool short_ci;	    /* some interval is below the level asked */
	double short_level; /* its coverage */
};

/*
 * Compares @base with @new and prints the table to @out.  Returns 0 and
 * fills @res, or -EINVAL with a reason in @err (schema or configuration
 * mismatch, a threshold naming no metric of either report, --paired with
 * unequal run counts).
 */
int bench_cmp_run(FILE *out, const struct runset *base,
		  const struct runset *new, const struct bench_cmp_config *c,
		  struct bench_cmp_result *res, char *err, size_t len)
	__attribute__((warn_unused_result));

/* The `compare` command; returns the process exit status. */
int bench_compare_main(int argc, char **argv);

/* The `ab` command; returns the process exit status. */
int bench_ab_main(int argc, char **argv);

#endif
