// SPDX-License-Identifier: MIT
/*
 * The virtual-time engine (see vengine.h).  One thread; the event queue is
 * one wake-up per actor, (time, sequence) ordered, recomputed after every
 * step from the state the actors expose: the ports' due times, the
 * frontend's next scheduled I/O, the backend's held interrupt and the
 * target's next completion.  With at most four actors a scan of four
 * entries is the whole queue, and memory does not grow with the run.
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
	uint64_t t;	  /* its time: busy until */
	uint64_t busy_ns; /* charged: its "CPU time" */
	uint64_t wake;	  /* next wake-up, NEVER if none */
	uint64_t seq;	  /* when that wake-up was set, for ties */
	uint64_t poke;	  /* a wake-up asked for by another actor */
	bool again;	  /* its last step left work for the next */
	bool on;	  /* the actor exists in this run */
};

struct vengine {
	const struct engine_config *cfg;
	const struct vengine_config *vc;
	struct sim_clock clock; /* reads and charges *cur */
	struct vcpu cpu[VE_ACTORS];
	struct vcpu *cur;
	uint64_t seq;
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
	bool gated, poll, stopping, done, be_dead;
	bool workers; /* a submit or deferred worker runs */
	uint64_t deadline_ns, stop_ns, end_ns;
	bool interrupted, drain_timeout;
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

static void step_frontend(struct vengine *ve)
{
	const struct engine_config *cfg = ve->cfg;
	struct vcpu *c = &ve->cpu[VE_FE];
	unsigned int did, handled = 0;

	if (!ve->stopping) {
		bool intr = cfg->interrupt &&
			    atomic_load_explicit(cfg->interrupt,
						 memory_order_relaxed);

		if (intr || c->t >= ve->deadline_ns || ve->be_dead) {
			frontend_stop(ve->fe);
			ve->interrupted = intr;
			ve->stopping = true;
			ve->stop_ns = c->t;
		}
	}
	did = frontend_submit(ve->fe);
	if (evtchn_poll(&ve->irq, c->t))
		handled = 1 + frontend_irq(ve->fe);
	else if (ve->poll)
		handled = frontend_reap(ve->fe);
	if (frontend_finished(ve->fe)) {
		ve->done = true;
		ve->end_ns = c->t;
		return;
	}
	if (ve->stopping &&
	    (c->t - ve->stop_ns > cfg->drain_timeout_ns || ve->be_dead)) {
		ve->drain_timeout = true;
		ve->done = true;
		ve->end_ns = c->t;
		return;
	}
	/*
	 * Completions free room to submit: run again once free, as the
	 * thread engine's loop goes round.  Submission itself goes on until
	 * something runs out, which only a completion or an event changes.
	 */
	c->again = handled > 0;
	if (ve->poll && did + handled)
		ve->cpu[VE_BE].poke = min_u64(ve->cpu[VE_BE].poke, c->t);
}

static void step_backend(struct vengine *ve)
{
	struct vcpu *c = &ve->cpu[VE_BE];
	struct backend_stats st;
	unsigned int did;

	if (evtchn_poll(&ve->kick, c->t) || ve->poll)
		backend_kick(ve->be);
	did = backend_consume(ve->be) + backend_reap(ve->be);
	backend_tick(ve->be);
	/*
	 * A pass consumes every request and reaps every completion due:
	 * what comes next is an event (a kick, a completion, a held
	 * interrupt's deadline), so no step again.  A stopped ring shows in
	 * a pass that did nothing.
	 */
	if (did) {
		if (ve->poll)
			ve->cpu[VE_FE].poke =
				min_u64(ve->cpu[VE_FE].poke, c->t);
		return;
	}
	backend_stats(ve->be, &st);
	if (st.dead) {
		ve->be_dead = true;
		c->again = false;
		c->on = false; /* the thread engine's backend leaves */
		ve->cpu[VE_FE].poke = min_u64(ve->cpu[VE_FE].poke, c->t);
	}
}

/* A worker's step; a completion it made wakes the frontend's vCPU. */
static void step_worker(struct vengine *ve, enum vengine_actor a)
{
	struct evtchn_port *port = a == VE_SUB ? &ve->handoff : &ve->defer;
	struct vcpu *c = &ve->cpu[a];
	uint64_t before = frontend_completions(ve->fe);
	unsigned int did = 0;

	if (evtchn_poll(port, c->t))
		did = 1 + (a == VE_SUB ? frontend_submit_worker(ve->fe) :
					 frontend_dpc(ve->fe));
	/* It handles all it was handed; more comes through its port. */
	if (frontend_completions(ve->fe) != before || (did && ve->poll))
		ve->cpu[VE_FE].poke = min_u64(ve->cpu[VE_FE].poke, c->t);
	if (did && ve->poll)
		ve->cpu[VE_BE].poke = min_u64(ve->cpu[VE_BE].poke, c->t);
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

/* When actor @a must next run, from what it and the others left. */
static uint64_t next_wake(struct vengine *ve, enum vengine_actor a)
{
	struct vcpu *c = &ve->cpu[a];
	uint64_t w = c->again ? c->t : c->poke, due;

	switch (a) {
	case VE_FE:
		w = min_u64(w, seen_ns(ve, c, evtchn_due_ns(&ve->irq)));
		if (!ve->stopping)
			w = min_u64(w, ve->deadline_ns);
		else if (ve->stop_ns + ve->cfg->drain_timeout_ns < NEVER)
			w = min_u64(w, ve->stop_ns + ve->cfg->drain_timeout_ns +
					       1);
		due = frontend_next_due_ns(ve->fe);
		if (due)
			w = min_u64(w, due);
		break;
	case VE_BE:
		w = min_u64(w, seen_ns(ve, c, evtchn_due_ns(&ve->kick)));
		w = min_u64(w, backend_deadline_ns(ve->be));
		if (backend_busy(ve->be) && ve->target->next_done_ns)
			w = min_u64(w,
				    ve->target->next_done_ns(ve->target_state));
		break;
	case VE_SUB:
		w = min_u64(w, evtchn_due_ns(&ve->handoff));
		break;
	default:
		w = min_u64(w, evtchn_due_ns(&ve->defer));
		break;
	}
	/* Busy until its time: an event waits for the actor to be free. */
	return w == NEVER ? NEVER : (w > c->t ? w : c->t);
}

/*
 * Sets actor @a's wake-up to @w (a new sequence number if it moved) and
 * makes it @best if it is earlier, or as early and set before.
 */
static inline void consider(struct vengine *ve, enum vengine_actor a,
			    uint64_t w, struct vcpu **best)
{
	struct vcpu *c = &ve->cpu[a];

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

/*
 * Recomputes every actor's wake-up, in actor order (the order of the
 * sequence numbers), and returns the actor to run next: the earliest
 * wake-up, then the earliest set; or -1 if none will ever run.
 */
static int reschedule(struct vengine *ve)
{
	struct vcpu *best = NULL;

	/* Written out: the frontend is always on, the workers seldom. */
	consider(ve, VE_FE, next_wake(ve, VE_FE), &best);
	if (ve->cpu[VE_BE].on)
		consider(ve, VE_BE, next_wake(ve, VE_BE), &best);
	if (ve->workers) {
		for (int a = VE_SUB; a < VE_ACTORS; a++)
			if (ve->cpu[a].on)
				consider(ve, a, next_wake(ve, a), &best);
	}
	return best ? (int)(best - ve->cpu) : -1;
}

static int run_loop(struct vengine *ve, uint64_t *steps, char *why,
		    size_t why_len)
{
	uint64_t last = 0, same = 0;

	while (!ve->done) {
		int a = reschedule(ve);
		struct vcpu *c;
		uint64_t t0;

		if (a < 0) {
			/* Nothing will ever happen again: I/O is stuck. */
			ve->drain_timeout = true;
			ve->end_ns = ve->cpu[VE_FE].t;
			break;
		}
		c = &ve->cpu[a];
		if (c->t < c->wake)
			c->t = c->wake;
		c->poke = NEVER;
		c->again = false;
		ve->cur = c;
		ve->clock.vt_ns = &c->t;
		t0 = c->t;
		if (a == VE_FE)
			step_frontend(ve);
		else if (a == VE_BE)
			step_backend(ve);
		else
			step_worker(ve, a);
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

static int init_ports(struct vengine *ve, char *why, size_t why_len)
{
	const struct engine_config *cfg = ve->cfg;
	int rc;

	rc = evtchn_init(&ve->kick, &cfg->evtchn);
	if (rc)
		goto err;
	rc = evtchn_init(&ve->irq, &cfg->evtchn);
	if (rc)
		goto err_fini_kick;
	/* The workers' ports, as the thread engine's: no latency, no cost. */
	rc = engine__policy_init(cfg, &ve->clock, &ve->handoff, &ve->defer,
				 &ve->gate, why, why_len);
	if (rc) { /* why is set */
		evtchn_fini(&ve->irq);
		evtchn_fini(&ve->kick);
		return rc;
	}
	return 0;

err_fini_kick:
	evtchn_fini(&ve->kick);
err:
	snprintf(why, why_len, "event channel: %s", strerror(-rc));
	return rc;
}

static void fini_ports(struct vengine *ve)
{
	engine__policy_fini(&ve->handoff, &ve->defer, &ve->gate);
	evtchn_fini(&ve->irq);
	evtchn_fini(&ve->kick);
}

static int start_actors(struct vengine *ve, char *why, size_t why_len)
{
	const struct vengine_costs *k = &ve->vc->costs;
	const struct engine_wiring w = {
		.sring = ve->sring,
		.grants = &ve->grants,
		.kick = &ve->kick,
		.irq = &ve->irq,
		.handoff = &ve->handoff,
		.defer = &ve->defer,
		.gate = &ve->gate,
		.wl = ve->wl,
		.clock = &ve->clock,
		.stamps = ve->stamps,
		.target = ve->target,
		.target_state = ve->target_state,
		.disk_bytes = ve->target->size_bytes(ve->target_state),
		.iodepth = ve->cfg->iodepth,
		.complete_ctx = ve->cfg->complete_ctx,
		.submit_cost_ns = k->submit_ns,
		.split_cost_ns = k->split_ns,
		.reap_cost_ns = k->reap_ns,
		.request_cost_ns = k->backend_request_ns,
		.response_cost_ns = k->backend_response_ns,
		.flush_cost_ns = k->backend_flush_ns,
	};

	return engine__start_actors(ve->cfg, &w, &ve->fe, &ve->be, why,
				    why_len);
}

static void collect(struct vengine *ve, struct engine_result *res,
		    uint64_t disk_bytes)
{
	res->start_ns = VENGINE_EPOCH_NS;
	res->end_ns = ve->end_ns;
	frontend_stats(ve->fe, &res->fe);
	backend_stats(ve->be, &res->be);
	evtchn_stats(&ve->kick, &res->kick);
	evtchn_stats(&ve->irq, &res->irq);
	evtchn_stats(&ve->handoff, &res->handoff);
	evtchn_stats(&ve->defer, &res->defer);
	if (ve->gated)
		gate_stats(&ve->gate, &res->gate);
	res->fe_cpu_ns = ve->cpu[VE_FE].busy_ns;
	res->be_cpu_ns = ve->cpu[VE_BE].busy_ns;
	res->sub_cpu_ns = ve->cpu[VE_SUB].busy_ns;
	res->dpc_cpu_ns = ve->cpu[VE_DPC].busy_ns;
	res->disk_bytes = disk_bytes;
	engine__sum_fault(&res->fault, ve->fault);
	res->interrupted = ve->interrupted;
	res->drain_timeout = ve->drain_timeout;
}

int vengine_run(const struct engine_config *cfg,
		const struct vengine_config *vc, struct engine_result *res,
		struct vengine_stats *st, char *why, size_t why_len)
{
	struct vengine *ve;
	struct target_config tc = cfg->target_cfg;
	struct wl_config wc = cfg->workload;
	struct devmodel_config model = vc->model;
	uint64_t disk_bytes, steps = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	if (st)
		memset(st, 0, sizeof(*st));
	rc = check(cfg, vc, why, why_len);
	if (rc)
		return rc;
	ve = calloc(1, sizeof(*ve));
	if (!ve) {
		snprintf(why, why_len, "virtual engine: out of memory");
		return -ENOMEM;
	}
	ve->cfg = cfg;
	ve->vc = vc;
	/* The time is read and charged inline (vt_ns); see run_loop(). */
	ve->clock =
		(struct sim_clock){ .now_ns = ve_now, .charge_ns = ve_charge };
	for (int a = 0; a < VE_ACTORS; a++)
		ve->cpu[a] = (struct vcpu){ .t = VENGINE_EPOCH_NS,
					    .wake = NEVER,
					    .poke = NEVER };
	/* Set-up work (a target's init) is charged to nobody in particular. */
	ve->cur = &ve->cpu[VE_BE];
	ve->clock.vt_ns = &ve->cur->t;
	rc = grant_table_init(
		&ve->grants,
		frontend_grant_pages(cfg->ring_order,
				     engine__indirect_segments(cfg)));
	if (rc) {
		snprintf(why, why_len, "grant table: %s", strerror(-rc));
		goto err_free_ve;
	}
	tc.depth = ring_entries(cfg->ring_order);
	tc.clock = &ve->clock;
	model.store = model.store || cfg->verify;
	tc.model = &model;
	rc = engine__open_target(cfg, &tc, &ve->target, &ve->target_state,
				 &ve->fault, why, why_len);
	if (rc)
		goto err_fini_grants;
	disk_bytes = ve->target->size_bytes(ve->target_state);
	if (wc.size_bytes == 0)
		wc.size_bytes = disk_bytes - wc.offset_bytes;
	if (wc.offset_bytes + wc.size_bytes > disk_bytes) {
		snprintf(why, why_len,
			 "--size=%llu: the I/O region ends beyond the target "
			 "(%llu bytes)",
			 (unsigned long long)wc.size_bytes,
			 (unsigned long long)disk_bytes);
		rc = -EINVAL;
		goto err_close_target;
	}
	rc = wl_create(&wc, &ve->wl);
	if (rc) {
		snprintf(why, why_len, "workload: %s", strerror(-rc));
		goto err_close_target;
	}
	ve->sring = aligned_alloc(XEN_PAGE_SIZE, ring_bytes(cfg->ring_order));
	ve->stamps = calloc(ring_entries(cfg->ring_order), sizeof(*ve->stamps));
	if (!ve->sring || !ve->stamps) {
		rc = -ENOMEM;
		snprintf(why, why_len, "shared ring: %s", strerror(-rc));
		goto err_free_ring;
	}
	ring_sring_init(ve->sring, cfg->ring_order);
	rc = init_ports(ve, why, why_len);
	if (rc)
		goto err_free_ring;
	rc = start_actors(ve, why, why_len);
	if (rc)
		goto err_fini_ports;

	ve->gated = cfg->lock;
	ve->poll = cfg->evtchn.notify == EVTCHN_NOTIFY_POLL;
	ve->deadline_ns = cfg->runtime_ns ? VENGINE_EPOCH_NS + cfg->runtime_ns :
					    NEVER;
	ve->cpu[VE_FE].on = true;
	ve->cpu[VE_BE].on = true;
	ve->cpu[VE_SUB].on = cfg->submit_path == FRONTEND_SUBMIT_WORKER;
	ve->cpu[VE_DPC].on = cfg->completion == FRONTEND_COMPLETE_DEFERRED;
	ve->workers = ve->cpu[VE_SUB].on || ve->cpu[VE_DPC].on;
	ve->cpu[VE_BE].busy_ns = ve->cpu[VE_BE].t - VENGINE_EPOCH_NS;
	/* The frontend starts the run; the others wait for an event. */
	ve->cpu[VE_FE].poke = VENGINE_EPOCH_NS;
	rc = run_loop(ve, &steps, why, why_len);
	if (rc == 0)
		collect(ve, res, disk_bytes);
	if (st)
		st->steps = steps;

	/* The target first: I/O it still holds points into the backend's. */
	ve->target->fini(ve->target_state);
	ve->target = NULL;
	backend_destroy(ve->be);
	frontend_destroy(ve->fe);
err_fini_ports:
	fini_ports(ve);
err_free_ring:
	free(ve->stamps);
	free(ve->sring);
	wl_destroy(ve->wl);
err_close_target:
	if (ve->target)
		ve->target->fini(ve->target_state);
err_fini_grants:
	grant_table_fini(&ve->grants);
err_free_ve:
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
