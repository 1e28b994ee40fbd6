/* SPDX-License-Identifier: MIT */
/*
 * blkring ringperf: a microbenchmark of the shared ring in ring/ring.h,
 * both sides busy-polling, no event channel.  A frontend thread fills
 * blkif requests and publishes them in batches; a backend thread copies
 * each request out once and answers it in the same slot.  The engine
 * (bench_ringperf_run) measures one configuration once; the command
 * (bench_ringperf_main) sweeps modes, batches and the notify check,
 * repeats each point and prints median, min and max.
 *
 * Every call goes through the project's ring API, so what is measured is
 * our ring, ordering helpers included, not a copy of it.  The engine
 * creates and joins its own two threads; call it from one thread at a
 * time (the benchmark pins threads, so concurrent runs would disturb each
 * other anyway).
 */
#ifndef BLKRING_BENCH_RINGPERF_H
#define BLKRING_BENCH_RINGPERF_H

#include <stdbool.h>
#include <stdint.h>

#include "ring/blkif.h"

enum bench_ringperf_mode {
	/*
	 * Requests one way.  The backend copies each request out and frees
	 * its slot by pushing a response whose payload the frontend never
	 * reads; the frontend only advances rsp_cons to free slots.
	 */
	BENCH_RINGPERF_ONEWAY,
	/*
	 * Round trip: the backend writes a 16-byte response into the slot;
	 * the frontend copies every response out and checks its id.  At most
	 * in_flight requests are outstanding.
	 */
	BENCH_RINGPERF_RTT,
};

/* One measured configuration.  Fill with bench_ringperf_config_default. */
struct bench_ringperf_config {
	enum bench_ringperf_mode mode;
	/* Requests per publish (frontend) and responses per push (backend). */
	unsigned int batch;
	/*
	 * Xen's notify check: every publish is a *_push_*_and_check_notify
	 * and a consumer that has drained what it saw does a final check.
	 * Off: plain pushes and no final checks.
	 */
	bool notify;
	unsigned int ring_order; /* 0..RING_ORDER_MAX; 32 << order entries */
	/* Outstanding requests, 1..ring entries; 0 means ring entries. */
	unsigned int in_flight;
	uint64_t requests;  /* requests moved, >= 1 */
	RING_IDX start_idx; /* initial value of all four ring indices */
	int frontend_cpu;   /* CPU to pin the frontend to, -1 = not pinned */
	int backend_cpu;    /* CPU to pin the backend to, -1 = not pinned */
	/* A run that has not finished after this long fails, -ETIMEDOUT. */
	uint64_t timeout_ns;
};

/* What one run measured and verified. */
struct bench_ringperf_result {
	uint64_t requests;	   /* requests the frontend saw answered */
	uint64_t elapsed_ns;	   /* CLOCK_MONOTONIC, both threads started to
				 last response seen */
	uint64_t req_pushes;	   /* frontend publishes */
	uint64_t req_notifies;	   /* publishes whose check said "kick" */
	uint64_t rsp_pushes;	   /* backend publishes */
	uint64_t rsp_notifies;	   /* publishes whose check said "interrupt" */
	uint64_t req_final_checks; /* backend final checks */
	uint64_t rsp_final_checks; /* frontend final checks */
	uint64_t bad_requests;	   /* backend: id or payload out of order */
	uint64_t bad_responses;	   /* frontend: id, op or status wrong */
	uint64_t overflows;	   /* bogus producer index seen (either) */
	/*
	 * Involuntary context switches of both threads during the run
	 * (getrusage RUSAGE_THREAD): non-zero means something else took a
	 * CPU from a spinning side, and the time is not the ring's alone.
	 * With both threads on one CPU every sched_yield that switches
	 * counts too.
	 */
	uint64_t preemptions;
	bool yielded; /* wait loops called sched_yield */
};

/*
 * Fills @cfg with the defaults: round trip, batch 1, notify check off,
 * order 0, in-flight = ring size, 2,000,000 requests, index 0, frontend
 * on CPU 0, backend on CPU 1, 60 s timeout.  Any thread.
 */
void bench_ringperf_config_default(struct bench_ringperf_config *cfg);

/*
 * Checks @cfg without running it.  Returns 0 or -EINVAL, and on -EINVAL
 * writes a one-line reason (naming the field, value and allowed range)
 * into @why if @why is not NULL.  Any thread.
 */
int bench_ringperf_config_check(const struct bench_ringperf_config *cfg,
				char *why, unsigned int why_bytes);

/*
 * Runs one configuration: allocates and initialises a ring, starts the
 * frontend and backend threads (pinned as configured), moves
 * cfg->requests requests, joins both threads and fills @out.  Returns 0
 * if every request and response was seen in order; -EINVAL for a bad
 * configuration, -ENOMEM, -errno from thread creation or pinning,
 * -ETIMEDOUT if the run passed cfg->timeout_ns, or -EPROTO if any id,
 * payload or producer index was wrong (@out is filled in then too).
 * Calling thread: any, one run at a time.
 */
int bench_ringperf_run(const struct bench_ringperf_config *cfg,
		       struct bench_ringperf_result *out)
	__attribute__((warn_unused_result));

/*
 * The `blkring ringperf` command: parses @argv (argv[0] is "ringperf"),
 * runs the matrix and prints the report.  Returns the process exit
 * status: 0, 1 if a run failed, 2 for bad options.  Main thread.
 */
int bench_ringperf_main(int argc, char **argv);

#endif
