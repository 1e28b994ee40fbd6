/* SPDX-License-Identifier: MIT */
/*
 * The virtual-time engine: runs the same frontend, backend, event-channel
 * and gate actors as the thread engine (sim/engine.h), on one thread, in
 * virtual time, so that a run is exact and repeatable: the same
 * configuration and seed give bit-identical results, whatever the
 * machine's load.
 *
 * In short: each actor (the frontend, the backend, and the frontend's
 * submit and deferred workers when configured) is a virtual CPU with its
 * own time, the time until which it is busy.  The engine keeps, per
 * actor, the time of its next wake-up and runs the earliest, ties broken
 * by the order in which the wake-ups were set (time, sequence number).
 * A step of an actor is one pass of the thread engine's loop for it,
 * starting at the wake-up time (never before the actor is free); the
 * clock the actors are handed reads the running actor's time, and
 * sim_charge() advances it, so a busy actor handles what arrived while it
 * worked when it is free.  Nothing costs time unless charged: the
 * configured per-I/O costs (struct vengine_costs), the notification cost,
 * the work under the lock, the event channel's latency, and the target:
 * the device model (sim/devmodel.h) finishes each I/O at a virtual time
 * the engine wakes the backend for.
 *
 * Queues (engine_config.queues > 1): a lane of these actors per queue,
 * each with its own ring, ports, grants and workload slice
 * (engine_lane_workload()), all scheduled by the one event queue (ties to
 * the lower lane) and, with the model target, served by one device
 * (devmodel_shared_create()).  Devices (engine_config.devices > 1) are
 * refused: the thread engine only.
 *
 * vengine_run() fills the thread engine's struct engine_result, so every
 * report, counter and histogram is the same; times are virtual
 * nanoseconds from VENGINE_EPOCH_NS, and an actor's "CPU time" is what
 * was charged to it.  docs/virtual-engine.md says what is modelled and
 * what is not.
 */
#ifndef BLKRING_SIM_VENGINE_H
#define BLKRING_SIM_VENGINE_H

#include <stdint.h>
#include <stdio.h>

#include "sim/devmodel.h"
#include "sim/engine.h"

/* Virtual time at which a run starts (not 0: 0 means "unset" to actors). */
#define VENGINE_EPOCH_NS UINT64_C(1000000000)

/* The actors' own CPU per unit of work, charged in virtual time. */
struct vengine_costs {
	uint64_t submit_ns;	      /* frontend: per I/O put on the ring */
	uint64_t split_ns;	      /* frontend: per ring request past an
				       * I/O's first */
	uint64_t reap_ns;	      /* frontend: per response reaped */
	uint64_t backend_request_ns;  /* backend: per request consumed */
	uint64_t backend_response_ns; /* backend: per response written */
	uint64_t backend_flush_ns;    /* backend: per flush sending I/O to
				       * the target (a submission call) */
};

struct vengine_config {
	struct vengine_costs costs;
	struct devmodel_config model; /* for the model target */
	/*
	 * A kick or interrupt due when its receiver is idle (free, as a
	 * thread with nothing to do sleeps) is seen this much later: the
	 * wake-up of a sleeping thread.  One a busy receiver finds when it
	 * is free is not delayed.
	 */
	uint64_t wake_latency_ns;
};

/* What a run of the virtual engine did besides the engine_result. */
struct vengine_stats {
	uint64_t steps; /* actor steps run */
};

/* Fills @vc with the defaults: no costs, devmodel_config_default(). */
void vengine_config_default(struct vengine_config *vc);

/*
 * Runs one configuration in virtual time.  @cfg is the thread engine's
 * (its wait policy, CPU pinning and drain timeout's wall-clock meaning
 * do not apply; the drain timeout counts virtual time); the target must
 * be synchronous (null, mem) or virtual (model).  Returns 0 with @res
 * filled, or -errno with a one-line reason in @why when the run could not
 * be set up (a real-time target; a run bounded by time in which nothing
 * takes any).  @st may be NULL.  Caller's thread; completions are
 * reported on it.
 */
int vengine_run(const struct engine_config *cfg,
		const struct vengine_config *vc, struct engine_result *res,
		struct vengine_stats *st, char *why, size_t why_len);

/*
 * Reads a model file into @vc: "key=value" lines, '#' comments, blank
 * lines; keys are those vengine_model_file_write() writes (docs/
 * virtual-engine.md), each optional: the keys present replace @vc's
 * values.  Returns 0, or -errno with "FILE:LINE: reason" in @why.
 * Any thread.
 */
int vengine_model_file_load(const char *path, struct vengine_config *vc,
			    char *why, size_t why_len);

/* Writes every key of @vc in the model file format.  Any thread. */
void vengine_model_file_write(FILE *out, const struct vengine_config *vc);

#endif
