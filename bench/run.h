/* SPDX-License-Identifier: MIT */
/*
 * `blkring run`: one configuration through the thread or the virtual
 * engine, reported.
 * Main thread.
 */
#ifndef BLKRING_BENCH_RUN_H
#define BLKRING_BENCH_RUN_H

#include "bench/opts.h"
#include "bench/report.h"
#include "sim/engine.h"
#include "sim/vengine.h"

/* Exit statuses of the commands. */
#define BENCH_EXIT_OK 0
#define BENCH_EXIT_FAILED 1 /* the run lost or failed I/O */
#define BENCH_EXIT_USAGE 2  /* bad options or set-up */
#define BENCH_EXIT_INTERRUPTED 130

/*
 * Translates a checked CLI configuration into an engine configuration.
 * Returns 0, or -EINVAL with a one-line reason in @err.
 */
int bench_engine_config(const struct bench_config *cfg,
			struct engine_config *ec, char *err, size_t err_len);

/*
 * The virtual engine's part of a checked CLI configuration: the costs and
 * the device model (the --model-* options, then --model-file's keys on
 * top).  With the thread engine, refuses the options only the virtual
 * engine uses.  Returns 0, or -EINVAL with a one-line reason in @err.
 */
int bench_vengine_config(const struct bench_config *cfg,
			 struct vengine_config *vc, char *err, size_t err_len);

/*
 * Creates or extends the file of a uring target so that it holds @size
 * bytes of real data (a sparse file reads as zeros without any I/O, which
 * would measure nothing), like fio's layout step.  Leaves a file that is
 * already large enough, and any block device, untouched.  Returns 0 or
 * -errno with a reason in @err.
 */
int bench_layout_file(const char *path, uint64_t size, char *err,
		      size_t err_len);

/*
 * Runs one checked configuration: lays out the file of a uring target,
 * runs the engine with @interrupt as its stop flag (may be NULL) and
 * records every completion into @rec.  Reports nothing: the caller passes
 * @res and @rec to bench_report().  Returns 0 (check the result for lost
 * I/O), or -errno with a one-line reason in @err when the run could not
 * be set up.  Main thread; blocks for the run.  `run` and `sweep` share it.
 */
int bench_run_config(const struct bench_config *cfg, atomic_bool *interrupt,
		     struct engine_result *res, struct bench_rec *rec,
		     char *err, size_t err_len);

/* The `run` command; returns the process exit status. */
int bench_run_main(int argc, char **argv);

#endif
