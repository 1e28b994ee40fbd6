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
	BENCH_BN_LOCK,	    /* threads waiting for the frontend's gate */
	BENCH_BN_HANDOFF,   /* the hand-off to the submit worker */
	BENCH_BN_DEFERRED,  /* the deferral to the completion worker */
	BENCH_BN_HANDLER,   /* the interrupt handler's own work */
	BENCH_BN_GRANTS,    /* the backend's grant map, unmap and copy */
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
	/* The frontend's policies (docs/policies.md). */
	int submit_worker;	    /* submit path worker */
	int completion_deferred;    /* completion path deferred */
	int lock;		    /* the gate is on */
	double lock_work_ns;	    /* configured work per acquisition */
	double lock_acq_per_io;	    /* acquisitions per I/O */
	double lock_contended_pct;  /* of acquisitions, found it held */
	double lock_wait_per_io_ns; /* total wait / I/Os */
	double lock_wait_max_ns;
	double lock_hold_mean_ns;     /* per acquisition */
	double worker_wakeups_per_io; /* handoff port deliveries per I/O */
	double worker_sleeps;	      /* of the submit worker */
	double responses_per_dpc;     /* deferred: responses per batch */
	double dpc_sleeps;	      /* of the deferred worker */
	/*
	 * Grants: the configured CPU their operations cost per I/O, and the
	 * share of the backend threads' time that is.
	 */
	double grant_ns_per_io, grant_busy;
	double grant_maps_per_io, grant_calls_per_io;
	int grants_persistent; /* --grants=persistent */
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
