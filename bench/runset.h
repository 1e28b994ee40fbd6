/* SPDX-License-Identifier: MIT */
/*
 * A run set: the runs of one configuration, as `blkring compare` sees
 * them.  Loaded from a JSON report of `blkring run --output-format=json`
 * (a single run, or a repeated report of `--repeat N`), grown run by run
 * (`run --repeat`, `ab`), and written back as a repeated report.  Holds
 * the configuration (option name and value strings), the metric names of
 * the first run, and per run the value of each metric (NaN where a run
 * has none) and its conserved and interrupted flags.
 *
 * The repeated report: the single report's fields, with "metrics" holding
 * the median of each metric over the runs (so that a reader of single
 * reports reads medians), and after them
 *
 *   "repeat": N,
 *   "reference": "none" | "null",
 *   "confidence": 0.95,
 *   "summary": { METRIC: { "median", "min", "max", "ci_low", "ci_high",
 *                          "ci_level", "cv" }, ... },
 *   "runs": [ { "conserved", "interrupted", "metrics": {...} }, ... ]
 *
 * See docs/ci-regression.md.  Main thread only (no shared state; one
 * set is not for two threads).
 */
#ifndef BLKRING_BENCH_RUNSET_H
#define BLKRING_BENCH_RUNSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bench/json.h"

/* Runs one set holds at most (also the bound of --repeat and --pairs). */
#define RUNSET_MAX_RUNS 1000

struct runset {
	char *path; /* where it came from (for messages) */
	int schema;
	char *version, *time, *engine; /* of the first report */
	char *reference; /* "none" unless the runs carry a reference */
	size_t ncfg;
	char **cfg_name, **cfg_val;
	size_t nm;
	char **m_name;
	size_t nruns, cap;
	double *val; /* [run * nm + metric] */
	bool *conserved, *interrupted;
};

/* An empty set for the named source (may be NULL). */
struct runset *runset_create(const char *path);

void runset_destroy(struct runset *s);

/*
 * Adds the run(s) of the report @doc (from @s->path or @name) to @s: the
 * first report sets the configuration, the schema and the metric names;
 * a later one must have the same schema and configuration (apart from
 * the options runset_config_diff() ignores).  Returns 0, or -EINVAL with
 * "NAME: what is wrong" in @err (not a blkring report, schema N where M
 * was expected, a configuration that differs, a metric that is not a
 * number), or -E2BIG past RUNSET_MAX_RUNS.
 */
int runset_add_doc(struct runset *s, const struct json_doc *doc,
		   const char *name, char *err, size_t err_len)
	__attribute__((warn_unused_result));

/* Loads the report at @path into @s (json_load() + runset_add_doc()). */
int runset_add_file(struct runset *s, const char *path, char *err,
		    size_t err_len) __attribute__((warn_unused_result));

/* The index of metric @name, or -1. */
long runset_metric(const struct runset *s, const char *name);

/* The value of the configuration option @name, or NULL. */
const char *runset_config(const struct runset *s, const char *name);

/*
 * Lists in @buf the options whose values differ between @a and @b, as
 * "name (A vs B), ..."; the options that do not change what is measured
 * (output, output-format) are ignored, and so are filename, direct and
 * allow-blockdev when neither uses the uring target.  An option one
 * report lacks (it predates the option) counts at the option's default.
 * Returns how many differ.
 */
int runset_config_diff(const struct runset *a, const struct runset *b,
		       char *buf, size_t len);

/*
 * Writes @s as a repeated report (see above) to @out, with the medians'
 * intervals at @level (0.95).  Returns 0 or -ENOMEM / -EIO.
 */
int runset_write(FILE *out, const struct runset *s, double level)
	__attribute__((warn_unused_result));

/*
 * Sets metric @name of the last run to @v, adding the metric (NaN for
 * the earlier runs) if the set has no such metric.  Returns 0 or -ENOMEM.
 */
int runset_set_last(struct runset *s, const char *name, double v)
	__attribute__((warn_unused_result));

#endif
