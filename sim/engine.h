/* SPDX-License-Identifier: MIT */
/*
 * The thread engine: runs one frontend and one backend actor on real
 * pthreads in real time, wired through a shared ring, a grant table, two
 * event-channel ports (kicks and interrupts) and a storage target.  Each
 * actor's thread takes a notification when it is due and, with nothing to
 * do, waits per the configured policy: spin, sleep, or hybrid.
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
#include "sim/frontend.h"
#include "sim/target.h"
#include "workloads/workload.h"

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
	bool verify;			   /* write a pattern, check reads */
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
	int frontend_cpu;	   /* -1: not pinned */
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
};

/* Fills @cfg with defaults (the target and callback are left unset). */
void engine_config_default(struct engine_config *cfg);

/*
 * Runs one configuration.  Returns 0 with @res filled (check res->fe for
 * failures and conservation), or -errno with a one-line reason in @why
 * when the run could not be set up.  Caller's thread; blocks.
 */
int engine_run(const struct engine_config *cfg, struct engine_result *res,
	       char *why, size_t why_len);

#endif
