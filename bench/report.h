/* SPDX-License-Identifier: MIT */
/*
 * The report of one `blkring run`: what was configured, what the model
 * did, and how fast, computed once from the engine's counters and the
 * latency histograms, then written as text (fio-like), JSON or CSV.
 * Main thread only, after the run.
 */
#ifndef BLKRING_BENCH_REPORT_H
#define BLKRING_BENCH_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/hist.h"
#include "bench/opts.h"
#include "sim/engine.h"

/* The tool version written into every report. */
#define BENCH_VERSION "0.1.0"

/*
 * Bumped whenever a JSON field or CSV column changes meaning.  2: the
 * response stage ends when the interrupt handler starts (the rest is the
 * new complete stage); stages handoff and complete added.
 */
#define BENCH_REPORT_SCHEMA 2

/* One lane's latency summary, kept by bench_rec_merge(). */
struct bench_lane_rec {
	char job[64];	      /* the job file's job it runs, or "" */
	unsigned int iodepth; /* the job's; 0: the run's */
	uint64_t ios, failed, bytes;
	uint64_t failed_lat_sum_ns; /* for Little's law */
	double lat_mean_ns, lat_p99_ns;
	double stage_mean_ns[SIM_STAGES];
};

/* What the completion callback gathers: one histogram per direction. */
struct bench_rec {
	struct hist lat[2];	       /* [0] reads, [1] writes */
	struct hist stage[SIM_STAGES]; /* both directions */
	uint64_t bytes[2];
	uint64_t failed[2];
	/* The failed I/Os' time in flight, for Little's law. */
	uint64_t failed_lat_sum_ns;
	/*
	 * The handoff stage is 0 for every I/O with direct submission:
	 * leaving it out of the per-I/O recording keeps the neutral hot
	 * path as cheap as before (its mean and p99 still read 0).
	 */
	bool skip_handoff;
	/* Several lanes: each one's summary (bench_rec_merge()). */
	unsigned int nr_lanes;
	struct bench_lane_rec lane[ENGINE_MAX_LANES];
};

void bench_rec_init(struct bench_rec *rec);

/* The frontend_complete_fn that fills a struct bench_rec. */
void bench_rec_complete(void *rec, const struct frontend_completion *c);

/*
 * Adds the recorder of lane @lane to @all and keeps its summary in
 * all->lane[@lane].  After the run.
 */
void bench_rec_merge(struct bench_rec *all, const struct bench_rec *lane_rec,
		     unsigned int lane);

/*
 * Writes the report of a finished run to @out in the configured format.
 * @started is the wall-clock time the run began (time(NULL)).
 */
void bench_report(FILE *out, const struct bench_config *cfg,
		  const struct engine_result *res, const struct bench_rec *rec,
		  int64_t started);

/*
 * Where the I/O still in flight at the end of @res is stuck: "backend"
 * (its thread stopped: --fault=backend-stop), "target", "ring",
 * "response" or "queue"; "" when the run drained.  Any thread.
 */
const char *bench_report_stuck_stage(const struct engine_result *res);

/*
 * True if the run is trustworthy: every I/O accounted (issued = completed
 * + failed, none in flight), the device not disabled and the backend ring
 * not stopped.  A report still says what happened when it is false.
 */
bool bench_report_conserved(const struct engine_result *res);

/*
 * Writes the verify=crc32c mismatches @fe kept (at most
 * FRONTEND_VERIFY_DETAILS), one line each after @prefix: the block's
 * offset, the field, what was expected and what was found.  Then a line
 * for those not kept, if any.  Any thread.
 */
void bench_report_verify_details(FILE *out, const struct frontend_stats *fe,
				 const char *prefix);

#endif
