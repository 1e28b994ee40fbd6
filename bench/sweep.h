/* SPDX-License-Identifier: MIT */
/*
 * `blkring sweep`, `blkring merge`: parameter sweeps over the option table
 * of `blkring run`.  Any option is an axis; a sweep is the cross product
 * of its axes (the first axis varies slowest), each point run --repeats
 * times, one run at a time, in-process, through bench_run_config().
 *
 * Axis syntax (--sweep NAME=SPEC, the option's own value syntax inside):
 *
 *   iodepth=1,2,4,8        a list of values (any option type)
 *   bs=4k..64k/4k          FROM..TO/STEP: FROM, FROM+STEP, ... up to TO
 *   iodepth=1..256*2       FROM..TO*FACTOR: FROM, FROM*FACTOR, ... (quote
 *                          it in a shell: '*' is a glob character)
 *   iodepth=1..8           FROM..TO: step 1 (UINT and INT options only)
 *
 * Ranges need a numeric option (UINT, INT, SIZE, TIME); STEP takes the
 * option's units (k, m, g for sizes; ns, us, ms, s for times).  Every
 * value is checked by the option's own parser before anything runs.
 *
 * A results directory holds: runs/KEY-rR.json (one `blkring run` JSON
 * report per run; KEY hashes every option but output and output-format,
 * R is the repeat), sweep.args (the sweep's arguments, one per line),
 * command.txt, environment, results.csv (one row per run), results.json
 * (every report), points.csv (one row per point: the median, min and max
 * of each metric over the repeats), spectrum.csv, plots/ (the gnuplot
 * scripts and plot.sh, the exact commands) and the rendered plots.  The
 * runs/ files are the truth; everything else is rebuilt from them, so
 * resume, merge and Ctrl-C all leave a consistent directory.
 *
 * Thread context: main thread only (signal handlers, getopt through the
 * option parser, static buffers in the run path).
 */
#ifndef BLKRING_BENCH_SWEEP_H
#define BLKRING_BENCH_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/opts.h"

/* First column of results.csv and points.csv; bumped on any change. */
#define BENCH_SWEEP_SCHEMA 1

#define BENCH_SWEEP_AXES_MAX 4
#define BENCH_SWEEP_VALUES_MAX 256
#define BENCH_SWEEP_POINTS_MAX 10000
#define BENCH_SWEEP_REPEATS_MAX 100
/* Longest value of an axis, with the NUL. */
#define BENCH_SWEEP_VALUE_LEN 64

/* One axis: an option and its values, as strings the option parses. */
struct bench_axis {
	const struct bench_opt *opt;
	unsigned int n;
	char values[BENCH_SWEEP_VALUES_MAX][BENCH_SWEEP_VALUE_LEN];
};

/* A whole sweep: the base configuration, the axes and the repeats. */
struct bench_sweep {
	struct bench_config base;
	struct bench_axis axes[BENCH_SWEEP_AXES_MAX];
	unsigned int naxes;
	unsigned int repeats;
};

/*
 * Parses one --sweep spec ("NAME=SPEC", syntax above) into @axis.
 * Returns 0, or -EINVAL with a one-line message in @err that names the
 * axis, what was wrong and what is allowed.  Any thread.
 */
int bench_axis_parse(const char *spec, struct bench_axis *axis, char *err,
		     size_t len) __attribute__((warn_unused_result));

/*
 * Parses the arguments of `blkring sweep` after the command name (base
 * options of `run`, --sweep, --repeats; the sweep's own options --dir,
 * --force, --emit-jobs and --quiet are not accepted here, the command
 * strips them first) into @s.  Returns 0, BENCH_OPTS_HELP, or -EINVAL
 * with a message in @err.  Main thread (getopt).
 */
int bench_sweep_parse(int argc, char **argv, struct bench_sweep *s, char *err,
		      size_t len) __attribute__((warn_unused_result));

/* The number of points (product of the axes' lengths).  Any thread. */
unsigned long bench_sweep_npoints(const struct bench_sweep *s);

/*
 * The configuration of point @i (0-based; the first axis varies slowest,
 * the last fastest) into @cfg.  Returns 0, or -EINVAL with a message in
 * @err if the combination fails bench_config_check().  Any thread.
 */
int bench_sweep_point(const struct bench_sweep *s, unsigned long i,
		      struct bench_config *cfg, char *err, size_t len);

/*
 * The identity of a configuration: a 64-bit FNV-1a hash of every option
 * as "name=value\n", except output and output-format, as 16 hex digits
 * into @buf (17 bytes).  Any thread.
 */
void bench_config_key(const struct bench_config *cfg, char buf[17]);

/*
 * Writes @s as one CSV field: as is, or in double quotes with quotes
 * doubled when it holds a comma, quote, CR or LF (RFC 4180).  Any thread.
 */
void bench_csv_field(FILE *out, const char *s);

/*
 * Rebuilds results.csv, results.json, points.csv and spectrum.csv of
 * @dir from its runs/ files, for the points of @s in order; each file is
 * written to a temporary name and renamed, so a reader never sees half a
 * file.  *@nruns (may be NULL) gets the number of runs found.  Returns 0
 * or -errno with a message in @err.  Main thread.
 */
int bench_sweep_collect(const char *dir, const struct bench_sweep *s,
			unsigned int *nruns, char *err, size_t len);

/* The `sweep`, `merge` commands; return the process exit status. */
int bench_sweep_main(int argc, char **argv);
int bench_merge_main(int argc, char **argv);

/*
 * Loads the sweep stored in @dir/sweep.args into @s.  Returns 0 or
 * -errno with a message in @err.  Main thread (getopt).
 */
int bench_sweep_load(const char *dir, struct bench_sweep *s, char *err,
		     size_t len);

#endif
