/* SPDX-License-Identifier: MIT */
/*
 * `blkring calibrate`: fits the virtual engine's device model and actor
 * costs to this machine.  It runs the thread engine against the real file
 * (target uring): random reads and writes of two sizes at iodepth 1 give
 * each direction's latency and bandwidth (the target stage: submitted to
 * reaped), reads at a high iodepth give the device's parallelism and the
 * actors' CPU per I/O, the backend stage at iodepth 1 the cost of a
 * submission call, and the wake-up lag of the notifications the wake-up
 * latency of a sleeping thread.  It writes a model file that
 * `--engine=virtual --target=model --model-file=F` reads, and with
 * --check runs an iodepth sweep on both engines and prints the error of
 * the prediction at each point.  docs/virtual-engine.md explains the fit.
 * Main thread.
 */
#ifndef BLKRING_BENCH_CALIBRATE_H
#define BLKRING_BENCH_CALIBRATE_H

#include <stdint.h>

#include "sim/vengine.h"

/* What calibration measured, besides the model it fits. */
struct bench_calib {
	struct vengine_config vc;
	uint64_t evtchn_latency_ns; /* mean wake-up lag (now in vc) */
	double service_ns[2][2];    /* [read/write][4k/64k] at iodepth 1 */
	double iops_deep;	    /* reads at the deep iodepth */
	unsigned int deep_iodepth;
	double backend_stage_ns; /* consumed -> submitted at iodepth 1 */
	double flushes_per_io;	 /* target flushes per I/O, deep */
	double target_p99_ns;	 /* the read target stage's p99, iodepth 1 */
};

/*
 * The latency distribution whose p99 / mean is nearer (by ratio) to the
 * measured @p99_ns / @mean_ns: fixed (1) or exponential (4.6).  Any
 * thread.
 */
enum devmodel_dist bench_calib_dist(double mean_ns, double p99_ns);

/*
 * Splits the backend's CPU between its submission call and its requests
 * and responses.  @stage1_ns: the backend stage (consumed -> submitted)
 * at iodepth 1, one request and one flush; @cpu_deep_ns: the backend's
 * CPU per I/O at the deep iodepth, where @flushes_per_io flushes serve
 * an I/O.  With F the flush and R the request (= response) cost:
 * stage1 = R + F and cpu_deep = 2R + F * flushes_per_io.  Returns F in
 * *@flush_ns and R in *@req_ns, both clamped to >= 0.  Any thread.
 */
void bench_calib_split_backend(double stage1_ns, double cpu_deep_ns,
			       double flushes_per_io, uint64_t *flush_ns,
			       uint64_t *req_ns);

/*
 * Fits latency and bandwidth from service times @s_small at @small bytes
 * and @s_large at @large bytes: latency + bytes / bw through both points
 * (bw 0, infinite, when the larger is not slower).  Any thread.
 */
void bench_calib_fit(double s_small, double s_large, uint64_t small,
		     uint64_t large, uint64_t *latency_ns, uint64_t *bw);

/* The `calibrate` command; returns the process exit status. */
int bench_calibrate_main(int argc, char **argv);

#endif
