/* SPDX-License-Identifier: MIT */
/*
 * The bottleneck verdict that ends every report: what limited this run,
 * the evidence, and a what-if estimate.  Decided from the stage times and
 * the counters alone, by the rules in docs/design.md ("Bottleneck
 * verdict"), so that it can be tested on hand-made inputs.  Any thread.
 */
#ifndef BLKRING_BENCH_VERDICT_H
#define BLKRING_BENCH_VERDICT_H

#include <stddef.h>

#include "sim/stamps.h"

enum bench_bottleneck {
	BENCH_BN_NONE,	    /* nothing ran */
	BENCH_BN_FAILED,    /* the device failed: no verdict on speed */
	BENCH_BN_QD_CAP,    /* the upper queue's cap */
	BENCH_BN_RING_FULL, /* not enough ring slots */
	BENCH_BN_TASKS,	    /* an empty task pool */
	BENCH_BN_TARGET,    /* the storage */
	BENCH_BN_RING,	    /* kicks: notification latency or wake-ups */
	BENCH_BN_BACKEND,   /* the backend's submission path */
	BENCH_BN_RESPONSE,  /* interrupts: coalescing, latency, wake-ups */
	BENCH_BN_QUEUE,	    /* the frontend's own dispatch */
};

struct bench_verdict_in {
	double iops;
	double lat_mean_ns;
	double stage_mean_ns[SIM_STAGES];
	double inflight_mean; /* Little's law, measured */
	unsigned int iodepth, qd_cap, ring_entries;
	unsigned int coalesce; /* irq-coalesce K */
	double coalesce_ns;    /* irq-coalesce-time */
	double evtchn_latency_ns;
	double ring_full_stalls, qd_cap_stalls, task_stalls;
	unsigned int tasks; /* the pool's size; 0: ring size */
	double sleeps;	    /* receivers that slept */
	double ring_requests_per_io;
	int failed; /* device disabled, ring stopped, lost I/O */
};

/*
 * Writes the verdict, one to three sentences, into @buf and returns which
 * bottleneck it names.  Pure.
 */
enum bench_bottleneck bench_verdict(const struct bench_verdict_in *in,
				    char *buf, size_t len);

/* "qd-cap", "target", ...: a short name for reports and tests. */
const char *bench_bottleneck_name(enum bench_bottleneck b);

#endif
