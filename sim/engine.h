/* SPDX-License-Identifier: MIT */
/*
 * The thread engine: runs frontend and backend actors on real pthreads in
 * real time, each pair (a lane) wired through a shared ring, a grant
 * table, two event-channel ports (kicks and interrupts) and a storage
 * target.  Each actor's thread takes a notification when it is due and,
 * with nothing to do, waits per the configured policy: spin, sleep, or
 * hybrid.
 *
 * Lanes (docs/design.md, "Multi-queue and shared interrupt lines"): by
 * default one.  queues = N gives one device N rings (blk-mq hardware
 * queues), each with its own frontend thread (a guest vCPU submitting to
 * its own queue), backend thread, ports, grants and target instance on the
 * same file.  devices = N gives N devices, each with its own ring, backend
 * and workload stream, all driven by one frontend thread and delivered to
 * it through an interrupt line (sim/irqline.h): one per device, or one
 * shared.  The region of the workload is cut into one slice per lane
 * (engine_lane_workload()).
 *
 * engine_run() is called from one thread and returns when the run is over:
 * the workload is exhausted, the runtime has passed, the interrupt flag was
 * raised, or an actor stopped the device.  Completions are reported through
 * the callback, on the frontend's thread; or, with the frontend's policy
 * threads (a submit worker, a deferred-completion worker: docs/policies.md),
 * on whichever frontend thread completes, under the frontend's gate.
 */
#ifndef BLKRING_SIM_ENGINE_H
#define BLKRING_SIM_ENGINE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/backend.h"
#include "sim/evtchn.h"
#include "sim/fault.h"
#include "sim/frontend.h"
#include "sim/hostile.h"
#include "sim/irqline.h"
#include "sim/target.h"
#include "workloads/workload.h"

/* Most lanes (queues or devices) in one run. */
#define ENGINE_MAX_LANES 16

/* How the devices' interrupts reach the frontend thread. */
enum engine_irq_line {
	ENGINE_IRQ_OWN,	   /* a line per device */
	ENGINE_IRQ_SHARED, /* one line, every device's filter per interrupt */
};

/* One device's own stream, for concurrent jobs (engine_config.jobs). */
struct engine_job {
	struct wl_config workload; /* its region, not a slice */
	unsigned int iodepth;
};

struct engine_config {
	unsigned int ring_order;
	unsigned int iodepth;
	unsigned int max_segments;	/* per direct ring request */
	unsigned int qd_cap;		/* upper-layer cap; 0: none */
	unsigned int push_batch;	/* I/Os per push */
	unsigned int tasks;		/* frontend task pool; 0: ring size */
	unsigned int coalesce_count;	/* interrupt coalescing: responses */
	uint64_t coalesce_ns;		/* interrupt coalescing: time */
	bool submit_per_request;	/* backend: submit each request */
	unsigned int indirect_segments; /* frontend's max_indirect_segments */
	unsigned int backend_max_indirect; /* feature-max-indirect-segments */
	enum frontend_verify verify;	   /* what writes carry, reads check */
	enum frontend_submit_path submit_path;	  /* direct or worker */
	enum frontend_completion_path completion; /* irq or deferred */
	bool lock;		  /* the frontend's gate: lock model single */
	enum gate_kind lock_kind; /* mutex or spinlock */
	uint64_t lock_work_ns;	  /* work done per acquisition, held */
	struct wl_config workload;
	const struct target_ops *target;
	struct target_config target_cfg;
	struct evtchn_config evtchn;
	uint64_t runtime_ns;	   /* 0: until the workload is exhausted */
	uint64_t drain_timeout_ns; /* how long to wait for in-flight I/O */
	/*
	 * The watchdog: a frontend thread that has I/O outstanding and has
	 * neither issued nor completed any for this long (and has no
	 * open-loop I/O due) ends the run as stuck; 0: no watchdog.
	 */
	uint64_t watchdog_ns;
	int frontend_cpu; /* -1: not pinned */
	int backend_cpu;
	frontend_complete_fn complete; /* the completing thread, gated */
	void *complete_ctx;
	atomic_bool *interrupt; /* set (e.g. by SIGINT) to stop; or NULL */
	/*
	 * Grants (docs/grants.md): the backend's strategy and its costs;
	 * persistent grants also make the frontend copy.  Copy mode offers
	 * no indirect descriptors (QEMU's qdisk does not).
	 */
	enum backend_grant_mode grant_mode;
	uint64_t grant_call_ns, grant_map_ns, grant_unmap_ns, grant_copy_ns;
	unsigned int persistent_max;
	unsigned int backend_budget; /* requests per pass; 0: all */
	bool respond_batch;	     /* one response push per batch */
	/* Lanes: at most one of queues and devices above 1. */
	unsigned int queues;  /* rings of one device, a frontend thread each */
	unsigned int devices; /* devices on one frontend thread */
	enum engine_irq_line irq_line; /* devices' interrupt line(s) */
	uint64_t irq_filter_cost_ns;   /* shared line: per filter run */
	/*
	 * The completion callback's context per lane; NULL: complete_ctx.
	 * With queues > 1 the lanes complete on different threads: give each
	 * its own context, or a callback that is thread-safe.
	 */
	void *lane_ctx[ENGINE_MAX_LANES];
	/*
	 * Concurrent jobs: with devices > 1, device i runs jobs[i]'s
	 * workload (size 0: to the end of the target) and iodepth instead
	 * of a slice of .workload; NULL: slices.  Not owned.
	 */
	const struct engine_job *jobs;
	/*
	 * Faults injected into each lane's target (sim/fault.h; kind none:
	 * the target itself), and how often the backend submits an I/O
	 * refused with -EAGAIN again before failing it.
	 */
	struct fault_config fault;
	unsigned int backend_retries;
	/*
	 * A hostile frontend on a second ring beside the run's own
	 * (docs/hardening.md), with its own backend thread serving the same
	 * target read-only: this many mutations (all kinds but
	 * indirect-page), of every 1000 hostile_fatal_per_mille ring-stopping
	 * ones, drawn from hostile_seed; 0: no hostile ring.  The run ends
	 * when the good ring is done and every mutation is applied.  The
	 * thread engine only.
	 */
	uint64_t hostile_mutations;
	unsigned int hostile_fatal_per_mille;
	uint64_t hostile_seed;
};

/*
 * The hostile ring's share of a run, summed over the rings the backend
 * stopped and the guest reconnected.
 */
struct engine_hostile_result {
	bool on;		      /* a hostile ring ran */
	uint64_t mutations;	      /* applied */
	uint64_t by_kind[HOSTILE_NR]; /* of them, per enum hostile_kind */
	uint64_t during_run;	      /* applied before the good ring ended */
	uint64_t requests;	      /* copied out by the backend */
	uint64_t bad_requests;	      /* answered BLKIF_RSP_ERROR unserved */
	uint64_t unsupported;	      /* answered BLKIF_RSP_EOPNOTSUPP */
	uint64_t io_errors;	      /* target I/Os that failed */
	uint64_t responses;	      /* written */
	uint64_t inflight;	      /* at the target at the end: 0 */
	uint64_t ring_stops;	      /* rings the backend stopped */
	uint64_t reconnects;	      /* of them, replaced by a new ring */
	char last_stop[160];	      /* the backend's reason, the last time */
};

/* One lane's share of a run (the totals are in struct engine_result). */
struct engine_lane_result {
	struct frontend_stats fe;
	struct backend_stats be;
	struct evtchn_stats kick, irq;
	struct irqline_dev_stats line; /* its view of the interrupt line */
	uint64_t fe_cpu_ns;	       /* its frontend thread (queues only) */
	uint64_t be_cpu_ns;	       /* its backend thread */
};

struct engine_result {
	struct frontend_stats fe;
	struct backend_stats be;
	struct evtchn_stats kick;	 /* frontend -> backend */
	struct evtchn_stats irq;	 /* backend -> frontend */
	uint64_t start_ns, end_ns;	 /* CLOCK_MONOTONIC */
	uint64_t fe_cpu_ns, be_cpu_ns;	 /* thread CPU time */
	struct evtchn_stats handoff;	 /* frontend -> submit worker */
	struct evtchn_stats defer;	 /* interrupt -> deferred worker */
	struct gate_stats gate;		 /* the lock model's; zero if none */
	uint64_t sub_cpu_ns, dpc_cpu_ns; /* the workers' CPU time */
	uint64_t disk_bytes;		 /* the target's size */
	bool interrupted;		 /* stopped by the interrupt flag */
	bool drain_timeout;		 /* I/O still in flight at the end */
	bool stuck;			 /* the watchdog ended the run */
	/*
	 * Lanes: the fields above are the sums over them (first submission
	 * the earliest, last completion the latest, maxima the largest).
	 */
	unsigned int nr_lanes;
	unsigned int nr_fe_threads; /* frontend threads (vCPUs) */
	struct irqline_stats line;  /* the interrupt line(s), summed */
	struct engine_lane_result lanes[ENGINE_MAX_LANES];
	struct fault_stats fault; /* what was injected, summed over lanes */
	struct engine_hostile_result hostile;
};

/* Fills @cfg with defaults (the target and callback are left unset). */
void engine_config_default(struct engine_config *cfg);

/*
 * The workload of lane @lane of @lanes: the region of @all (size
 * resolved) cut into @lanes slices of whole blocks of the largest I/O
 * size, the first ones a block longer when they do not divide evenly and
 * the last one taking any tail; io_limit_bytes (if any) split in
 * proportion to the slices, in whole I/Os of that size (the last lane
 * taking the rest), so that the lanes add up to it exactly; the seed
 * @all's plus @lane.  Lane 0 of 1 is @all unchanged.
 * Returns 0, or -EINVAL with a reason in @why when the region holds
 * fewer blocks than lanes or a trace is replayed over several lanes.
 * Any thread.
 */
int engine_lane_workload(const struct wl_config *all, unsigned int lane,
			 unsigned int lanes, struct wl_config *out, char *why,
			 size_t why_len);

/*
 * Runs one configuration.  Returns 0 with @res filled (check res->fe for
 * failures and conservation), or -errno with a one-line reason in @why
 * when the run could not be set up.  Caller's thread; blocks.
 */
int engine_run(const struct engine_config *cfg, struct engine_result *res,
	       char *why, size_t why_len);

#endif
