/* SPDX-License-Identifier: MIT */
/*
 * What the thread engine (sim/engine.c) and the virtual-time engine
 * (sim/vengine.c) share: turning a struct engine_config into the actors'
 * configurations, so that both engines run the same model from the same
 * options.  Inside sim/ only.
 */
#ifndef BLKRING_SIM_ENGINE_INTERNAL_H
#define BLKRING_SIM_ENGINE_INTERNAL_H

#include "sim/backend.h"
#include "sim/engine.h"
#include "sim/frontend.h"
#include "sim/gate.h"

/* What one lane's actors are wired to, owned by the engine. */
struct engine_wiring {
	struct blkif_sring *sring;
	struct grant_table *grants;
	struct evtchn_port *kick, *irq;
	struct evtchn_port *handoff, *defer; /* the policy workers' ports */
	struct gate *gate;
	struct wl *wl;
	const struct sim_clock *clock;
	struct sim_stamps *stamps;
	const struct target_ops *target;
	void *target_state;
	uint64_t disk_bytes;
	unsigned int iodepth;
	void *complete_ctx;
	/*
	 * The actors' per-I/O CPU costs, charged to the clock: for the
	 * virtual engine, whose actors' own code costs no time; all 0 in
	 * the thread engine, which pays the real cost.
	 */
	uint64_t submit_cost_ns, split_cost_ns, reap_cost_ns;
	uint64_t request_cost_ns, response_cost_ns, flush_cost_ns;
};

/*
 * The segments per indirect request the two sides negotiate, as Linux
 * blkfront does: the smaller of what the frontend wants and what the
 * backend advertises (none with grant copy), and none unless that
 * exceeds a direct request's 11.
 */
unsigned int engine__indirect_segments(const struct engine_config *cfg);

/*
 * Sets up the frontend's policy ports (submit hand-off and deferral: no
 * latency, no cost, Xen's hold-off) and its gate.  Returns 0, or -errno
 * with a reason in @why, nothing left set up.
 */
int engine__policy_init(const struct engine_config *cfg,
			const struct sim_clock *clock,
			struct evtchn_port *handoff, struct evtchn_port *defer,
			struct gate *gate, char *why, size_t why_len);

/* Undoes engine__policy_init(). */
void engine__policy_fini(struct evtchn_port *handoff, struct evtchn_port *defer,
			 struct gate *gate);

/*
 * Opens @cfg's target as @tc says and, when @cfg injects faults, wraps
 * it (sim/fault.h): *@ops and *@state are what the backend uses, and
 * *@fault the wrapper (NULL without faults), for its counters.  Close it
 * with (*@ops)->fini(*@state).  Returns 0, or -errno with a reason in
 * @why and nothing open.
 */
int engine__open_target(const struct engine_config *cfg,
			const struct target_config *tc,
			const struct target_ops **ops, void **state,
			struct fault **fault, char *why, size_t why_len);

/*
 * Allocates and initialises a shared ring of @order and its per-id stage
 * stamps, for one lane of either engine.  Returns 0, or -ENOMEM with a
 * reason in @why and nothing allocated.  Free both with free().
 */
int engine__ring_create(unsigned int order, struct blkif_sring **sring,
			struct sim_stamps **stamps, char *why, size_t why_len);

/* Adds @f's counters to @sum (nothing if @f is NULL). */
void engine__sum_fault(struct fault_stats *sum, const struct fault *f);

/*
 * Adds one lane's counters to the run's totals, as struct engine_result
 * says (sums, the earliest first submission, the latest last completion,
 * the largest maxima); @first: @t is the first lane's, copied.
 */
void engine__sum_frontend(struct frontend_stats *t,
			  const struct frontend_stats *s, bool first);
void engine__sum_backend(struct backend_stats *t, const struct backend_stats *s,
			 bool first);
void engine__sum_evtchn(struct evtchn_stats *t, const struct evtchn_stats *s);
void engine__sum_gate(struct gate_stats *t, const struct gate_stats *s);

/*
 * Creates the frontend and backend of one lane from @cfg and @w.
 * Returns 0, or -errno with a reason in @why and nothing created.
 */
int engine__start_actors(const struct engine_config *cfg,
			 const struct engine_wiring *w, struct frontend **fe,
			 struct backend **be, char *why, size_t why_len);

/*
 * The thread engine's hostile ring (sim/engine_hostile.c), when
 * @cfg->hostile_mutations is set: its own ring, grant pages, target
 * instance of @disk_bytes and two threads, started here.  *@out is NULL
 * without one.  Returns 0, or -errno with a reason in @why and nothing
 * left running.
 */
struct engine_hostile;
int engine__hostile_start(const struct engine_config *cfg,
			  const struct sim_clock *clock, uint64_t disk_bytes,
			  struct engine_hostile **out, char *why,
			  size_t why_len);

/* Tells the hostile ring that the good ring's threads have ended. */
void engine__hostile_good_done(struct engine_hostile *hr);

/*
 * Waits for the hostile ring to apply its mutations (stops it at once
 * if @now), fills @res and frees it (nothing if @hr is NULL).  Returns
 * 0, or -errno with a reason in @why if the guest could not reconnect.
 */
int engine__hostile_stop(struct engine_hostile *hr, bool now,
			 struct engine_hostile_result *res, char *why,
			 size_t why_len);

#endif
