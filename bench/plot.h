/* SPDX-License-Identifier: MIT */
/*
 * The plots of a sweep: chooses which plots a results directory gets,
 * copies the gnuplot scripts of bench/plots/ next to the data, writes
 * plots/plot.sh (the exact gnuplot commands) and runs gnuplot.  The
 * scripts read points.csv and spectrum.csv; no plotting is done in C and
 * no data is embedded in a script.  Which plots:
 *
 *   METRIC_vs_X      metric vs the last axis X (log2 when its values
 *                    span 16x or more), one line per value of the axis
 *                    before it, error bars min..max over the repeats
 *   heatmap_METRIC   the last two axes as a grid (two axes or more)
 *   little_iodepth   measured IOPS and Little's law's iodepth / mean
 *                    latency (when iodepth is the last axis)
 *   spectrum         latency percentile spectrum, one line per point
 *                    (at most 8 points), one run each
 *   stages           stacked stage times (when the report has stage_*
 *                    metrics; skipped otherwise)
 *
 * Axes before the last two are held at their first value.  The scripts
 * are found in $BLKRING_PLOTS, next to the blkring binary (bench/plots,
 * or ../../bench/plots from build/VARIANT/), or in ./bench/plots.
 * Main thread only (fork and wait).
 */
#ifndef BLKRING_BENCH_PLOT_H
#define BLKRING_BENCH_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/sweep.h"

/*
 * Renders the plots of the results directory @dir of sweep @s, for
 * @metric (NULL: the default set: iops, bw_bytes_per_s, lat_mean_ns,
 * lat_p99_ns, ring_requests_per_io, those present) and each terminal of
 * @terminals ("png", "svg" or "png,svg").  Returns 0 when every gnuplot
 * exited 0 and wrote its file (a PNG with a valid signature); a positive
 * count of failed plots, the first named in @err; or -errno with @err
 * when nothing could be tried.  Main thread.
 */
int bench_plot_render(const char *dir, const struct bench_sweep *s,
		      const char *metric, const char *terminals, char *err,
		      size_t len);

/* The `plot` command; returns the process exit status. */
int bench_plot_main(int argc, char **argv);

/* Whether the file at @path starts with the 8-byte PNG signature. */
bool bench_png_valid(const char *path);

#endif
