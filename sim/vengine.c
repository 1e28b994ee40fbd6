// SPDX-License-Identifier: MIT
/*
 * The virtual-time engine (see vengine.h).  One thread; the event queue is
 * one wake-up per actor, (time, sequence) ordered, recomputed after every
 * step from the state the actors expose: the ports' due times, the
 * frontend's next scheduled I/O, the backend's held interrupt and the
 * target's next completion.  With at most four actors per queue
 * (--queues: a lane each, the same actors, all against one device
 * model), a scan of four entries a lane is the whole queue, and memory
 * does not grow with the run.
 *
 * A step runs one pass of the thread engine's loop for its actor (see
 * engine.c: frontend_thread(), backend_thread() and the workers), at the
 * actor's time.  A frontend that completed I/Os wakes again when it is
 * free (its time after the charges) to submit into the room they left,
 * so that what the others did meanwhile is seen in time order; otherwise
 * an actor waits for its next event.
 * In poll mode (no notifications) a consumer is woken when its producer
 * has done something, as a spinning consumer would see it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine_internal.h"
#include "sim/vengine.h"

#define NEVER UINT64_MAX

/* Steps at one virtual time, with a deadline, before calling it stuck. */
#define STUCK_STEPS 50000000ull

enum vengine_actor {
	VE_FE,	/* the frontend's vCPU */
	VE_BE,	/* the backend's */
	VE_SUB, /* the submit worker */
	VE_DPC, /* the deferred worker */
	VE_ACTORS,
};

struct vcpu {
	uint64_t t;	      /* its time: busy until */
	uint64_t busy_ns;     /* charged: its "CPU time" */
	uint64_t wake;	      /* next wake-up, NEVER if none */
	uint64_t seq;	      /* when that wake-up was set, for ties */
	uint64_t poke;	      /* a wake-up asked for by another actor */
	struct ve_lane *lane; /* its lane */
	enum vengine_actor actor;
	bool again; /* its last step left work for the next */
	bool on;    /* the actor exists in this run */
};

/* How far a lane was set up, for undoing it. */
enum ve_lane_up {
	VL_NONE,
	VL_GRANTS,
	VL_TARGET,
	VL_WL,
	VL_RING,
	VL_PORTS,
	VL_ACTORS,
};

/* One queue: its actors, ring, ports, grants, workload slice and target. */
struct ve_lane {
	struct vcpu cpu[VE_ACTORS];
	unsigned int idx;
	enum ve_lane_up up;
	struct blkif_sring *sring;
	struct sim_stamps *stamps;
	struct grant_table grants;
	struct evtchn_port kick, irq, handoff, defer;
	struct gate gate;
	const struct target_ops *target; /* the config's, or a fault wrapper */
	void *target_state;
	struct fault *fault; /* the wrapper, or NULL */
	struct wl *wl;
	struct frontend *fe;
	struct backend *be;
	bool stopping, done, be_dead;
	uint64_t stop_ns, end_ns;
	bool interrupted, drain_timeout;
};

struct vengine {
	const struct engine_config *cfg;
	const struct vengine_config *vc;
	struct sim_clock clock; /* reads and charges *cur */
	struct vcpu *cur;
	uint64_t seq;
	bool gated, poll, done;
	bool workers; /* a submit or deferred worker runs */
	uint64_t deadline_ns;
	unsigned int nr_lanes, nr_done;
	struct devmodel_shared *shared; /* queues > 1 on the model */
	struct ve_lane lanes[];
};

static uint64_t ve_now(const struct sim_clock *c)
{
	const struct vengine *ve =
		(const struct vengine *)((const char *)c -
					 offsetof(struct vengine, clock));

	return ve->cur->t;
}

static void ve_charge(const struct sim_clock *c, uint64_t ns)
{
	struct vengine *ve =
		(struct vengine *)((char *)c - offsetof(struct vengine, clock));

	ve->cur->t += ns;
	ve->cur->busy_ns += ns;
}

static inline uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

void vengine_config_default(struct vengine_config *vc)
{
	memset(vc, 0, sizeof(*vc));
	devmodel_config_default(&vc->model);
}

/* ---- The steps: one pass of each thread engine loop ---------------------- */

/* Lane @l is over: its actors run no more; the run, once all are. */
static void lane_done(struct vengine *ve, struct ve_lane *l, uint64_t t)
{
	l->done = true;
	l->end_ns = t;
	if (++ve->nr_done == ve->nr_lanes)
		ve->done = true;
}

static void step_frontend(struct vengine *ve, struct ve_lane *l)
{
	const struct engine_config *cfg = ve->cfg;
	struct vcpu *c = &l->cpu[VE_FE];
	unsigned int did, handled = 0;

	if (!l->stopping) {
		bool intr = cfg->interrupt &&
			    atomic_load_explicit(cfg->interrupt,
						 memory_order_relaxed);

		if (intr || c->t >= ve->deadline_ns || l->be_dead) {
			frontend_stop(l->fe);
			l->interrupted = intr;
			l->stopping = true;
			l->stop_ns = c->t;
		}
	}
	did = frontend_submit(l->fe);
	if (evtchn_poll(&l->irq, c->t))
		handled = 1 + frontend_irq(l->fe);
	else if (ve->poll)
		handled = frontend_reap(l->fe);
	if (frontend_finished(l->fe)) {
		lane_done(ve, l, c->t);
		return;
	}
	if (l->stopping &&
	    (c->t - l->stop_ns > cfg->drain_timeout_ns || l->be_dead)) {
		l->drain_timeout = true;
		lane_done(ve, l, c->t);
		return;
	}
	/*
	 * Completions free room to submit: run again once free, as the
	 * thread engine's loop goes round.  Submission itself goes on until
	 * something runs out, which only a completion or an event changes.
	 */
	c->again = handled > 0;
	if (ve->poll && did + handled)
		l->cpu[VE_BE].poke = min_u64(l->cpu[VE_BE].poke, c->t);
}

static void step_backend(struct vengine *ve, struct ve_lane *l)
{
	struct vcpu *c = &l->cpu[VE_BE];
	struct backend_stats st;
	unsigned int did;

	if (evtchn_poll(&l->kick, c->t) || ve->poll)
		backend_kick(l->be);
	did = backend_consume(l->be) + backend_reap(l->be);
	backend_tick(l->be);
	/*
	 * A pass consumes every request and reaps every completion due:
	 * what comes next is an event (a kick, a completion, a held
	 * interrupt's deadline), so no step again.  A stopped ring shows in
	 * a pass that did nothing.
	 */
	if (did) {
		if (ve->poll)
			l->cpu[VE_FE].poke = min_u64(l->cpu[VE_FE].poke, c->t);
		return;
	}
	backend_stats(l->be, &st);
	if (st.dead) {
		l->be_dead = true;
		c->again = false;
		c->on = false; /* the thread engine's backend leaves */
		l->cpu[VE_FE].poke = min_u64(l->cpu[VE_FE].poke, c->t);
	}
}

/* A worker's step; a completion it made wakes the frontend's vCPU. */
static void step_worker(struct vengine *ve, struct ve_lane *l,
			enum vengine_actor a)
{
	struct evtchn_port *port = a == VE_SUB ? &l->handoff : &l->defer;
	struct vcpu *c = &l->cpu[a];
	uint64_t before = frontend_completions(l->fe);
	unsigned int did = 0;

	if (evtchn_poll(port, c->t))
		did = 1 + (a == VE_SUB ? frontend_submit_worker(l->fe) :
					 frontend_dpc(l->fe));
	/* It handles all it was handed; more comes through its port. */
	if (frontend_completions(l->fe) != before || (did && ve->poll))
		l->cpu[VE_FE].poke = min_u64(l->cpu[VE_FE].poke, c->t);
	if (did && ve->poll)
		l->cpu[VE_BE].poke = min_u64(l->cpu[VE_BE].poke, c->t);
}

/* ---- The queue ----------------------------------------------------------- */

/*
 * When actor @c sees a kick or interrupt due at @due: then, or a wake-up
 * later if it is idle by then (free: a thread with nothing to do sleeps).
 */
static inline uint64_t seen_ns(const struct vengine *ve, const struct vcpu *c,
			       uint64_t due)
{
	if (due == NEVER || c->t > due)
		return due;
	return due + ve->vc->wake_latency_ns;
}

/* When actor @a of lane @l must next run, from what it and the others left. */
static inline __attribute__((always_inline)) uint64_t
next_wake(struct vengine *ve, struct ve_lane *l, enum vengine_actor a)
{
	struct vcpu *c = &l->cpu[a];
	uint64_t w = c->again ? c->t : c->poke, due;

	switch (a) {
	case VE_FE:
		w = min_u64(w, seen_ns(ve, c, evtchn_due_ns(&l->irq)));
		if (!l->stopping)
			w = min_u64(w, ve->deadline_ns);
		else if (l->stop_ns + ve->cfg->drain_timeout_ns < NEVER)
			w = min_u64(w,
				    l->stop_ns + ve->cfg->drain_timeout_ns + 1);
		due = frontend_next_due_ns(l->fe);
		if (due)
			w = min_u64(w, due);
		break;
	case VE_BE:
		w = min_u64(w, seen_ns(ve, c, evtchn_due_ns(&l->kick)));
		w = min_u64(w, backend_deadline_ns(l->be));
		if (backend_busy(l->be) && l->target->next_done_ns)
			w = min_u64(w,
				    l->target->next_done_ns(l->target_state));
		break;
	case VE_SUB:
		w = min_u64(w, evtchn_due_ns(&l->handoff));
		break;
	default:
		w = min_u64(w, evtchn_due_ns(&l->defer));
		break;
	}
	/* Busy until its time: an event waits for the actor to be free. */
	return w == NEVER ? NEVER : (w > c->t ? w : c->t);
}

/*
 * Sets actor @c's wake-up to @w (a new sequence number if it moved) and
 * makes it @best if it is earlier, or as early and set before.
 */
static inline void consider(struct vengine *ve, struct vcpu *c, uint64_t w,
			    struct vcpu **best)
{
	if (w != c->wake) {
		c->wake = w;
		c->seq = ve->seq++;
	}
	if (w == NEVER)
		return;
	if (!*best || w < (*best)->wake ||
	    (w == (*best)->wake && c->seq < (*best)->seq))
		*best = c;
}

/* Recomputes lane @l's actors' wake-ups, in actor order, into *@best. */
/* Inlined: the one-queue path is the engine's hot loop. */
static inline __attribute__((always_inline)) void
consider_lane(struct vengine *ve, struct ve_lane *l, struct vcpu **best)
{
	/* Written out: the frontend is always on, the workers seldom. */
	consider(ve, &l->cpu[VE_FE], next_wake(ve, l, VE_FE), best);
	if (l->cpu[VE_BE].on)
		consider(ve, &l->cpu[VE_BE], next_wake(ve, l, VE_BE), best);
	if (ve->workers) {
		for (int a = VE_SUB; a < VE_ACTORS; a++)
			if (l->cpu[a].on)
				consider(ve, &l->cpu[a], next_wake(ve, l, a),
					 best);
	}
}

/*
 * Recomputes every actor's wake-up, lane by lane and in actor order (the
 * order of the sequence numbers, so ties go to the lower lane), and
 * returns the actor to run next: the earliest wake-up, then the earliest
 * set; or NULL if none will ever run.
 */
static struct vcpu *reschedule(struct vengine *ve)
{
	struct vcpu *best = NULL;

	if (ve->nr_lanes == 1) {
		consider_lane(ve, &ve->lanes[0], &best);
		return best;
	}
	for (unsigned int i = 0; i < ve->nr_lanes; i++)
		if (!ve->lanes[i].done)
			consider_lane(ve, &ve->lanes[i], &best);
	return best;
}

static int run_loop(struct vengine *ve, uint64_t *steps, char *why,
		    size_t why_len)
{
	uint64_t last = 0, same = 0;

	while (!ve->done) {
		struct vcpu *c = reschedule(ve);
		struct ve_lane *l;
		uint64_t t0;

		if (!c) {
			/* Nothing will ever happen again: I/O is stuck. */
			for (unsigned int i = 0; i < ve->nr_lanes; i++) {
				l = &ve->lanes[i];
				if (!l->done) {
					l->drain_timeout = true;
					lane_done(ve, l, l->cpu[VE_FE].t);
				}
			}
			break;
		}
		l = c->lane;
		if (c->t < c->wake)
			c->t = c->wake;
		c->poke = NEVER;
		c->again = false;
		ve->cur = c;
		ve->clock.vt_ns = &c->t;
		t0 = c->t;
		if (c->actor == VE_FE)
			step_frontend(ve, l);
		else if (c->actor == VE_BE)
			step_backend(ve, l);
		else
			step_worker(ve, l, c->actor);
		/* Time passes in a step only by charges: its CPU time. */
		c->busy_ns += c->t - t0;
		(*steps)++;
		if (c->wake == last && ve->deadline_ns != NEVER) {
			if (++same > STUCK_STEPS) {
				snprintf(why, why_len,
					 "virtual time stopped advancing at "
					 "%" PRIu64 " ns: nothing in this "
					 "configuration takes time",
					 c->wake - VENGINE_EPOCH_NS);
				return -EDEADLK;
			}
		} else {
			last = c->wake;
			same = 0;
		}
	}
	return 0;
}

/* Whether anything in the configuration makes virtual time pass. */
static bool time_passes(const struct engine_config *cfg,
			const struct vengine_config *vc)
{
	const struct vengine_costs *k = &vc->costs;
	const struct devmodel_config *m = &vc->model;
	bool model = cfg->target->flags & TARGET_F_VIRTUAL;

	return cfg->evtchn.latency_ns || cfg->evtchn.latency_max_ns ||
	       ((cfg->evtchn.cost_ns || vc->wake_latency_ns) &&
		cfg->evtchn.notify != EVTCHN_NOTIFY_POLL) ||
	       cfg->lock_work_ns || k->submit_ns || k->reap_ns ||
	       k->backend_request_ns || k->backend_response_ns ||
	       k->backend_flush_ns || cfg->workload.rate_iops ||
	       cfg->workload.thinktime_ns ||
	       (model &&
		(m->dir[0].latency_ns || m->dir[1].latency_ns ||
		 m->dir[0].bw_bytes_per_s || m->dir[1].bw_bytes_per_s));
}

static int check(const struct engine_config *cfg,
		 const struct vengine_config *vc, char *why, size_t why_len)
{
	if (!cfg->target) {
		snprintf(why, why_len, "no target given");
		return -EINVAL;
	}
	if (!(cfg->target->flags & (TARGET_F_SYNC | TARGET_F_VIRTUAL))) {
		snprintf(why, why_len,
			 "--target=%s: completes in real time; with "
			 "--engine=virtual use --target=model (or null, mem)",
			 cfg->target->name);
		return -EINVAL;
	}
	if (cfg->fault.kind == FAULT_BACKEND_STOP) {
		snprintf(why, why_len,
			 "--fault=backend-stop: stops a backend thread; the "
			 "virtual engine runs none (use --engine=thread)");
		return -EINVAL;
	}
	if (cfg->devices > 1 || cfg->jobs) {
		snprintf(why, why_len,
			 "--devices=%u: the virtual engine runs one device "
			 "(allowed: --devices=1, --queues=1..%d; or "
			 "--engine=thread)",
			 cfg->devices, ENGINE_MAX_LANES);
		return -EINVAL;
	}
	if (cfg->queues > ENGINE_MAX_LANES) {
		snprintf(why, why_len,
			 "--queues=%u: out of range (allowed 1..%d)",
			 cfg->queues, ENGINE_MAX_LANES);
		return -EINVAL;
	}
	if (cfg->hostile_mutations) {
		snprintf(why, why_len,
			 "--hostile: the hostile ring races the run on its "
			 "own threads in real time; use --engine=thread");
		return -EINVAL;
	}
	if (cfg->runtime_ns && !cfg->workload.io_limit_bytes &&
	    !cfg->workload.trace && !time_passes(cfg, vc)) {
		snprintf(why, why_len,
			 "--runtime with --engine=virtual: nothing in this "
			 "configuration takes virtual time, so the run would "
			 "never end (give a --cost-*, --evtchn-latency, "
			 "--thinktime, --target=model or --io_size)");
		return -EINVAL;
	}
	return 0;
}

static int init_ports(struct vengine *ve, struct ve_lane *l, char *why,
		      size_t why_len)
{
	const struct engine_config *cfg = ve->cfg;
	int rc;

	rc = evtchn_init(&l->kick, &cfg->evtchn);
	if (rc)
		goto err;
	rc = evtchn_init(&l->irq, &cfg->evtchn);
	if (rc)
		goto err_fini_kick;
	/* The workers' ports, as the thread engine's: no latency, no cost. */
	rc = engine__policy_init(cfg, &ve->clock, &l->handoff, &l->defer,
				 &l->gate, why, why_len);
	if (rc) { /* why is set */
		evtchn_fini(&l->irq);
		evtchn_fini(&l->kick);
		return rc;
	}
	return 0;

err_fini_kick:
	evtchn_fini(&l->kick);
err:
	snprintf(why, why_len, "event channel: %s", strerror(-rc));
	return rc;
}

static int start_actors(struct vengine *ve, struct ve_lane *l, char *why,
			size_t why_len)
{
	const struct engine_config *cfg = ve->cfg;
	const struct vengine_costs *k = &ve->vc->costs;
	const struct engine_wiring w = {
		.sring = l->sring,
		.grants = &l->grants,
		.kick = &l->kick,
		.irq = &l->irq,
		.handoff = &l->handoff,
		.defer = &l->defer,
		.gate = &l->gate,
		.wl = l->wl,
		.clock = &ve->clock,
		.stamps = l->stamps,
		.target = l->target,
		.target_state = l->target_state,
		.disk_bytes = l->target->size_bytes(l->target_state),
		.iodepth = cfg->iodepth,
		.complete_ctx = cfg->lane_ctx[l->idx] ? cfg->lane_ctx[l->idx] :
							cfg->complete_ctx,
		.submit_cost_ns = k->submit_ns,
		.split_cost_ns = k->split_ns,
		.reap_cost_ns = k->reap_ns,
		.request_cost_ns = k->backend_request_ns,
		.response_cost_ns = k->backend_response_ns,
		.flush_cost_ns = k->backend_flush_ns,
	};

	return engine__start_actors(cfg, &w, &l->fe, &l->be, why, why_len);
}

/*
 * Sets up lane @l: its grants, target (a queue of the shared device, or
 * its own instance), workload slice of @all, ring, ports and actors.
 * *@disk_bytes gets the target's size.  Returns 0, or -errno with a
 * reason in @why and l->up saying what to undo.
 */
static int lane_init(struct vengine *ve, struct ve_lane *l,
		     const struct wl_config *all, uint64_t *disk_bytes,
		     char *why, size_t why_len)
{
	const struct engine_config *cfg = ve->cfg;
	struct target_config tc = cfg->target_cfg;
	struct devmodel_config model = ve->vc->model;
	struct wl_config wc = *all;
	int rc;

	for (int a = 0; a < VE_ACTORS; a++)
		l->cpu[a] = (struct vcpu){ .t = VENGINE_EPOCH_NS,
					   .wake = NEVER,
					   .poke = NEVER,
					   .lane = l,
					   .actor = (enum vengine_actor)a };
	/* Set-up work (a target's init) is charged to nobody in particular. */
	ve->cur = &l->cpu[VE_BE];
	ve->clock.vt_ns = &ve->cur->t;
	rc = grant_table_init(
		&l->grants,
		frontend_grant_pages(cfg->ring_order,
				     engine__indirect_segments(cfg)));
	if (rc) {
		snprintf(why, why_len, "grant table: %s", strerror(-rc));
		return rc;
	}
	l->up = VL_GRANTS;
	tc.depth = ring_entries(cfg->ring_order);
	tc.clock = &ve->clock;
	model.store = model.store || cfg->verify;
	tc.model = &model;
	tc.shared = ve->shared;
	rc = engine__open_target(cfg, &tc, &l->target, &l->target_state,
				 &l->fault, why, why_len);
	if (rc)
		return rc;
	l->up = VL_TARGET;
	*disk_bytes = l->target->size_bytes(l->target_state);
	if (wc.size_bytes == 0)
		wc.size_bytes = *disk_bytes - wc.offset_bytes;
	if (wc.offset_bytes + wc.size_bytes > *disk_bytes) {
		snprintf(why, why_len,
			 "--size=%llu: the I/O region ends beyond the target "
			 "(%llu bytes)",
			 (unsigned long long)wc.size_bytes,
			 (unsigned long long)*disk_bytes);
		return -EINVAL;
	}
	if (ve->nr_lanes > 1) {
		struct wl_config region = wc;

		rc = engine_lane_workload(&region, l->idx, ve->nr_lanes, &wc,
					  why, why_len);
		if (rc)
			return rc;
	}
	rc = wl_create(&wc, &l->wl);
	if (rc) {
		snprintf(why, why_len, "workload: %s", strerror(-rc));
		return rc;
	}
	l->up = VL_WL;
	rc = engine__ring_create(cfg->ring_order, &l->sring, &l->stamps, why,
				 why_len);
	if (rc)
		return rc;
	l->up = VL_RING;
	rc = init_ports(ve, l, why, why_len);
	if (rc)
		return rc;
	l->up = VL_PORTS;
	rc = start_actors(ve, l, why, why_len);
	if (rc)
		return rc;
	l->up = VL_ACTORS;
	l->cpu[VE_FE].on = true;
	l->cpu[VE_BE].on = true;
	l->cpu[VE_SUB].on = cfg->submit_path == FRONTEND_SUBMIT_WORKER;
	l->cpu[VE_DPC].on = cfg->completion == FRONTEND_COMPLETE_DEFERRED;
	l->cpu[VE_BE].busy_ns = l->cpu[VE_BE].t - VENGINE_EPOCH_NS;
	/* The frontend starts the run; the others wait for an event. */
	l->cpu[VE_FE].poke = VENGINE_EPOCH_NS;
	return 0;
}

/* Undoes what lane_init() did of @l. */
static void lane_fini(struct ve_lane *l)
{
	/* The target first: I/O it still holds points into the backend's. */
	if (l->up >= VL_TARGET)
		l->target->fini(l->target_state);
	if (l->up >= VL_ACTORS) {
		backend_destroy(l->be);
		frontend_destroy(l->fe);
	}
	if (l->up >= VL_PORTS) {
		engine__policy_fini(&l->handoff, &l->defer, &l->gate);
		evtchn_fini(&l->irq);
		evtchn_fini(&l->kick);
	}
	if (l->up >= VL_RING) {
		free(l->stamps);
		free(l->sring);
	}
	if (l->up >= VL_WL)
		wl_destroy(l->wl);
	if (l->up >= VL_GRANTS)
		grant_table_fini(&l->grants);
	l->up = VL_NONE;
}

/* One lane's counters into @res: all of them with one lane. */
static void collect_one(struct vengine *ve, struct ve_lane *l,
			struct engine_result *res)
{
	frontend_stats(l->fe, &res->fe);
	backend_stats(l->be, &res->be);
	evtchn_stats(&l->kick, &res->kick);
	evtchn_stats(&l->irq, &res->irq);
	evtchn_stats(&l->handoff, &res->handoff);
	evtchn_stats(&l->defer, &res->defer);
	if (ve->gated)
		gate_stats(&l->gate, &res->gate);
	res->fe_cpu_ns = l->cpu[VE_FE].busy_ns;
	res->be_cpu_ns = l->cpu[VE_BE].busy_ns;
	res->sub_cpu_ns = l->cpu[VE_SUB].busy_ns;
	res->dpc_cpu_ns = l->cpu[VE_DPC].busy_ns;
	res->end_ns = l->end_ns;
	res->interrupted = l->interrupted;
	res->drain_timeout = l->drain_timeout;
}

/*
 * The lanes' counters, per lane and summed as the thread engine sums
 * them; one lane fills the totals only (no "lanes", as before queues).
 */
static void collect(struct vengine *ve, struct engine_result *res,
		    uint64_t disk_bytes)
{
	res->start_ns = VENGINE_EPOCH_NS;
	if (ve->nr_lanes == 1) {
		collect_one(ve, &ve->lanes[0], res);
	} else {
		res->nr_lanes = ve->nr_lanes;
		res->nr_fe_threads = ve->nr_lanes;
		for (unsigned int i = 0; i < ve->nr_lanes; i++) {
			struct ve_lane *l = &ve->lanes[i];
			struct engine_lane_result *lr = &res->lanes[i];
			struct engine_result one = { 0 };

			collect_one(ve, l, &one);
			lr->fe = one.fe;
			lr->be = one.be;
			lr->kick = one.kick;
			lr->irq = one.irq;
			lr->fe_cpu_ns = one.fe_cpu_ns;
			lr->be_cpu_ns = one.be_cpu_ns;
			engine__sum_frontend(&res->fe, &one.fe, i == 0);
			engine__sum_backend(&res->be, &one.be, i == 0);
			engine__sum_evtchn(&res->kick, &one.kick);
			engine__sum_evtchn(&res->irq, &one.irq);
			engine__sum_evtchn(&res->handoff, &one.handoff);
			engine__sum_evtchn(&res->defer, &one.defer);
			if (ve->gated)
				engine__sum_gate(&res->gate, &one.gate);
			res->fe_cpu_ns += one.fe_cpu_ns;
			res->be_cpu_ns += one.be_cpu_ns;
			res->sub_cpu_ns += one.sub_cpu_ns;
			res->dpc_cpu_ns += one.dpc_cpu_ns;
			if (one.end_ns > res->end_ns)
				res->end_ns = one.end_ns;
			res->interrupted |= one.interrupted;
			res->drain_timeout |= one.drain_timeout;
		}
	}
	for (unsigned int i = 0; i < ve->nr_lanes; i++)
		engine__sum_fault(&res->fault, ve->lanes[i].fault);
	res->disk_bytes = disk_bytes;
}

int vengine_run(const struct engine_config *cfg,
		const struct vengine_config *vc, struct engine_result *res,
		struct vengine_stats *st, char *why, size_t why_len)
{
	struct vengine *ve;
	unsigned int nr = cfg->queues > 1 ? cfg->queues : 1;
	struct devmodel_config model = vc->model;
	uint64_t disk_bytes = 0, steps = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	if (st)
		memset(st, 0, sizeof(*st));
	rc = check(cfg, vc, why, why_len);
	if (rc)
		return rc;
	ve = calloc(1, sizeof(*ve) + nr * sizeof(ve->lanes[0]));
	if (!ve) {
		snprintf(why, why_len, "virtual engine: out of memory");
		return -ENOMEM;
	}
	ve->cfg = cfg;
	ve->vc = vc;
	ve->nr_lanes = nr;
	/* The time is read and charged inline (vt_ns); see run_loop(). */
	ve->clock =
		(struct sim_clock){ .now_ns = ve_now, .charge_ns = ve_charge };
	/* Several queues of the model: one device, its channels shared. */
	model.store = model.store || cfg->verify;
	if (nr > 1 && cfg->target == &devmodel_ops) {
		rc = devmodel_shared_create(&model, cfg->target_cfg.size_bytes,
					    &ve->shared, why, why_len);
		if (rc)
			goto out_free;
	}
	for (unsigned int i = 0; i < nr; i++) {
		ve->lanes[i].idx = i;
		rc = lane_init(ve, &ve->lanes[i], &cfg->workload, &disk_bytes,
			       why, why_len);
		if (rc) {
			if (nr > 1) {
				char lw[256];

				snprintf(lw, sizeof(lw), "%s", why);
				snprintf(why, why_len, "queue %u: %s", i, lw);
			}
			goto out;
		}
	}

	ve->gated = cfg->lock;
	ve->poll = cfg->evtchn.notify == EVTCHN_NOTIFY_POLL;
	ve->deadline_ns = cfg->runtime_ns ? VENGINE_EPOCH_NS + cfg->runtime_ns :
					    NEVER;
	ve->workers = ve->lanes[0].cpu[VE_SUB].on ||
		      ve->lanes[0].cpu[VE_DPC].on;
	rc = run_loop(ve, &steps, why, why_len);
	if (rc == 0)
		collect(ve, res, disk_bytes);
	if (st)
		st->steps = steps;
out:
	for (unsigned int i = nr; i-- > 0;)
		lane_fini(&ve->lanes[i]);
	devmodel_shared_destroy(ve->shared);
out_free:
	free(ve);
	return rc;
}

/* ---- The model file ------------------------------------------------------ */

enum key_kind { KEY_U64, KEY_UINT, KEY_DIST, KEY_QD };

struct model_key {
	const char *name;
	enum key_kind kind;
	size_t offset; /* in struct vengine_config */
	const char *help;
};

#define VC(f) offsetof(struct vengine_config, f)

static const struct model_key model_keys[] = {
	{ "channels", KEY_UINT, VC(model.channels),
	  "internal channels (parallelism)" },
	{ "latency_dist", KEY_DIST, VC(model.dist), "fixed, exp or uniform" },
	{ "read_latency_ns", KEY_U64, VC(model.dir[0].latency_ns),
	  "read: fixed part (exp: mean; uniform: lower bound)" },
	{ "read_latency_max_ns", KEY_U64, VC(model.dir[0].latency_max_ns),
	  "read: uniform upper bound" },
	{ "read_bw_bytes_per_s", KEY_U64, VC(model.dir[0].bw_bytes_per_s),
	  "read: transfer rate per channel, 0 = infinite" },
	{ "write_latency_ns", KEY_U64, VC(model.dir[1].latency_ns),
	  "write: fixed part" },
	{ "write_latency_max_ns", KEY_U64, VC(model.dir[1].latency_max_ns),
	  "write: uniform upper bound" },
	{ "write_bw_bytes_per_s", KEY_U64, VC(model.dir[1].bw_bytes_per_s),
	  "write: transfer rate per channel" },
	{ "read_qd_latency_ns", KEY_QD, VC(model.dir[0]),
	  "read: latency by I/Os in the device, QD:NS,... (replaces "
	  "read_latency_ns; empty = none)" },
	{ "write_qd_latency_ns", KEY_QD, VC(model.dir[1]),
	  "write: latency by I/Os in the device" },
	{ "cost_submit_ns", KEY_U64, VC(costs.submit_ns),
	  "frontend CPU per I/O put on the ring" },
	{ "cost_split_ns", KEY_U64, VC(costs.split_ns),
	  "frontend CPU per extra ring request of a split I/O" },
	{ "cost_reap_ns", KEY_U64, VC(costs.reap_ns),
	  "frontend CPU per response reaped" },
	{ "cost_backend_request_ns", KEY_U64, VC(costs.backend_request_ns),
	  "backend CPU per request consumed" },
	{ "cost_backend_response_ns", KEY_U64, VC(costs.backend_response_ns),
	  "backend CPU per response written" },
	{ "cost_backend_flush_ns", KEY_U64, VC(costs.backend_flush_ns),
	  "backend CPU per flush of I/O to the target (a submission call)" },
	{ "wake_latency_ns", KEY_U64, VC(wake_latency_ns),
	  "how late an idle (sleeping) actor sees a kick or interrupt" },
};

#define NKEYS (sizeof(model_keys) / sizeof(model_keys[0]))

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* "QD:NS,QD:NS,...", or empty for no table. */
static int set_qd(struct devmodel_dir *d, const char *value)
{
	struct devmodel_dir t = *d;
	const char *p = value;

	t.nr_qd = 0;
	while (*p) {
		unsigned long long qd, ns;
		char *end;

		if (t.nr_qd == DEVMODEL_QD_POINTS || *p < '0' || *p > '9')
			return -EINVAL;
		qd = strtoull(p, &end, 10);
		if (*end != ':' || end[1] < '0' || end[1] > '9' ||
		    qd > UINT32_MAX)
			return -EINVAL;
		ns = strtoull(end + 1, &end, 10);
		if (*end && *end != ',')
			return -EINVAL;
		t.qd[t.nr_qd] = (uint32_t)qd;
		t.qd_latency_ns[t.nr_qd++] = ns;
		p = *end ? end + 1 : end;
	}
	*d = t;
	return 0;
}

static int set_key(struct vengine_config *vc, const struct model_key *k,
		   const char *value)
{
	char *p = (char *)vc + k->offset;
	unsigned long long v;
	char *end;

	if (k->kind == KEY_DIST) {
		static const char *const names[] = { "fixed", "exp",
						     "uniform" };

		for (unsigned int i = 0; i < 3; i++) {
			if (!strcmp(value, names[i])) {
				enum devmodel_dist d = (enum devmodel_dist)i;

				memcpy(p, &d, sizeof(d));
				return 0;
			}
		}
		return -EINVAL;
	}
	if (k->kind == KEY_QD)
		return set_qd((struct devmodel_dir *)p, value);
	if (value[0] < '0' || value[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(value, &end, 10);
	if (errno || *end)
		return -EINVAL;
	if (k->kind == KEY_UINT) {
		unsigned int u = (unsigned int)v;

		if (v > UINT32_MAX)
			return -EINVAL;
		memcpy(p, &u, sizeof(u));
	} else {
		uint64_t u = v;

		memcpy(p, &u, sizeof(u));
	}
	return 0;
}

int vengine_model_file_load(const char *path, struct vengine_config *vc,
			    char *why, size_t why_len)
{
	struct vengine_config tmp = *vc;
	char line[512];
	unsigned int n = 0;
	FILE *f = fopen(path, "r");
	int rc = 0;

	if (!f) {
		rc = -errno;
		snprintf(why, why_len, "cannot open %s: %s", path,
			 strerror(errno));
		return rc;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = trim(line), *eq, *key, *value;
		size_t i;

		n++;
		if (!*s || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(why, why_len,
				 "%s:%u: not key=value (see "
				 "docs/virtual-engine.md)",
				 path, n);
			rc = -EINVAL;
			break;
		}
		*eq = '\0';
		key = trim(s);
		value = trim(eq + 1);
		for (i = 0; i < NKEYS; i++)
			if (!strcmp(model_keys[i].name, key))
				break;
		if (i == NKEYS) {
			snprintf(why, why_len, "%s:%u: unknown key '%.64s'",
				 path, n, key);
			rc = -EINVAL;
			break;
		}
		if (set_key(&tmp, &model_keys[i], value)) {
			snprintf(why, why_len,
				 "%s:%u: %s=%.64s: bad value (allowed: %s)",
				 path, n, key, value,
				 model_keys[i].kind == KEY_DIST ?
					 "fixed, exp, uniform" :
				 model_keys[i].kind == KEY_QD ?
					 "QD:NS,QD:NS,... with whole numbers" :
					 "a whole number");
			rc = -EINVAL;
			break;
		}
	}
	fclose(f);
	if (rc == 0) {
		char m[256];

		rc = devmodel_config_check(&tmp.model, m, sizeof(m));
		if (rc)
			snprintf(why, why_len, "%s: %s", path, m);
	}
	if (rc == 0)
		*vc = tmp;
	return rc;
}

void vengine_model_file_write(FILE *out, const struct vengine_config *vc)
{
	fprintf(out, "# blkring device and cost model "
		     "(docs/virtual-engine.md)\n");
	for (size_t i = 0; i < NKEYS; i++) {
		const struct model_key *k = &model_keys[i];
		const char *p = (const char *)vc + k->offset;

		fprintf(out, "# %s\n%s=", k->help, k->name);
		if (k->kind == KEY_DIST) {
			enum devmodel_dist d;

			memcpy(&d, p, sizeof(d));
			fprintf(out, "%s\n", devmodel_dist_name(d));
		} else if (k->kind == KEY_QD) {
			const struct devmodel_dir *d =
				(const struct devmodel_dir *)p;

			for (unsigned int j = 0; j < d->nr_qd; j++)
				fprintf(out, "%s%u:%" PRIu64, j ? "," : "",
					d->qd[j], d->qd_latency_ns[j]);
			fputc('\n', out);
		} else if (k->kind == KEY_UINT) {
			unsigned int u;

			memcpy(&u, p, sizeof(u));
			fprintf(out, "%u\n", u);
		} else {
			uint64_t u;

			memcpy(&u, p, sizeof(u));
			fprintf(out, "%" PRIu64 "\n", u);
		}
	}
}
