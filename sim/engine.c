// SPDX-License-Identifier: MIT
/*
 * The thread engine (see engine.h).  Two threads, one per actor, and the
 * caller's thread waiting for them.  All waiting and clock reading of a
 * run happens here, never in an actor.
 *
 * Waiting, in short: a thread with nothing to do and a notification
 * pending but not yet due (the simulated latency) sleeps until it is due
 * (sleep), sleeps until a margin before and spins the rest (hybrid), or
 * spins (spin).  With nothing pending, sleep and hybrid block on the
 * port's eventfd, and the backend also on its target's completion fd;
 * spin keeps polling.  Every sleep is bounded by 100 ms so that the end
 * of a run is noticed, as blkback's thread wakes every LRU_INTERVAL.
 *
 * The frontend's policy threads (docs/policies.md), only when configured:
 * a submit worker (blkring-fe-sub) woken through the handoff port, and a
 * deferred-completion worker (blkring-fe-dpc) woken through the defer
 * port.  Both ports have no latency and wait per the same policy, so the
 * hand-off costs what a real wake-up costs.  A worker that completes I/Os
 * wakes the frontend thread if it sleeps (see frontend_completions()).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "sim/engine.h"

#define SLEEP_CAP_NS 100000000ull /* 100 ms */

struct engine {
	const struct engine_config *cfg;
	struct sim_clock clock;
	struct blkif_sring *sring;
	struct sim_stamps *stamps; /* per request id */
	struct grant_table grants;
	struct evtchn_port kick, irq;
	void *target_state;
	struct wl *wl;
	struct frontend *fe;
	struct backend *be;
	/* The frontend's policy threads and what they share. */
	struct evtchn_port handoff, defer;
	struct gate gate;
	bool gated, sub_on, dpc_on;
	pthread_t sub, dpc;
	uint64_t fe_seen;    /* frontend thread: completions before its pass */
	atomic_bool fe_done; /* the frontend thread has left */
	atomic_bool be_dead; /* the backend stopped the ring */
	uint64_t deadline_ns;
	/* Written by each thread before it exits, read after join. */
	uint64_t fe_cpu_ns, be_cpu_ns, fe_end_ns, sub_cpu_ns, dpc_cpu_ns;
	bool interrupted, drain_timeout;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t engine_clock(const struct sim_clock *c)
{
	(void)c;
	return mono_ns();
}

/* A configured cost is CPU burnt in the paying thread. */
static void engine_charge(const struct sim_clock *c, uint64_t ns)
{
	uint64_t until = mono_ns() + ns;

	(void)c;
	while (mono_ns() < until)
		;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static void sleep_until(uint64_t t_ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(t_ns / 1000000000ull),
		.tv_nsec = (long)(t_ns % 1000000000ull),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

/*
 * Waits for @port per the policy, never past @limit_ns.  @extra_fd (or
 * -1) is a target completion fd to wake on as well; @recheck (or NULL),
 * called after the fd is cleared and before sleeping, returns true if
 * work turned up.
 */
static void wait_for(const struct engine *e, struct evtchn_port *port,
		     int extra_fd, bool (*recheck)(void *), void *arg,
		     uint64_t limit_ns)
{
	const struct evtchn_config *ec = &e->cfg->evtchn;
	uint64_t now = mono_ns(), due, timeout;
	struct pollfd fds[2] = {
		{ .fd = evtchn_fd(port), .events = POLLIN },
		{ .fd = extra_fd, .events = POLLIN },
	};
	struct timespec ts;

	/* Polling the ring means no notification will come: spin. */
	if (ec->wait == EVTCHN_WAIT_SPIN || ec->notify == EVTCHN_NOTIFY_POLL ||
	    now >= limit_ns) {
		cpu_relax();
		return;
	}
	due = evtchn_due_ns(port);
	if (due != EVTCHN_NEVER) {
		/* Pending but not yet due: the simulated latency. */
		if (ec->wait == EVTCHN_WAIT_HYBRID) {
			if (due > now + ec->hybrid_margin_ns)
				sleep_until(due - ec->hybrid_margin_ns);
			else
				cpu_relax();
		} else if (due > now) {
			sleep_until(due);
		}
		return;
	}
	if (evtchn_sleep_begin(port)) {
		bool work = false;

		if (extra_fd >= 0)
			target_wait_fd_clear(extra_fd);
		if (recheck)
			work = recheck(arg);
		if (!work) {
			timeout = limit_ns - now;
			if (timeout > SLEEP_CAP_NS)
				timeout = SLEEP_CAP_NS;
			ts.tv_sec = (time_t)(timeout / 1000000000ull);
			ts.tv_nsec = (long)(timeout % 1000000000ull);
			ppoll(fds, extra_fd >= 0 ? 2 : 1, &ts, NULL);
		}
	}
	evtchn_sleep_end(port);
}

static void setup_thread(const struct engine *e, const char *name, int cpu)
{
	pthread_setname_np(pthread_self(), name);
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		/* Best effort: an absent CPU leaves the thread unpinned. */
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	/* Sleeps are only as faithful as the timer slack allows. */
	if (e->cfg->evtchn.wait != EVTCHN_WAIT_SPIN)
		prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
}

/*
 * With policy threads, another thread may complete I/Os (and so free
 * room to submit) while the frontend thread is about to sleep: its
 * announcement (seq_cst, evtchn_sleep_begin()) and this load pair with
 * the completions store and the sleeping load in wake_submitter().
 */
static bool frontend_recheck(void *arg)
{
	struct engine *e = arg;

	return frontend_completions(e->fe) != e->fe_seen;
}

static void *frontend_thread(void *arg)
{
	struct engine *e = arg;
	const struct engine_config *cfg = e->cfg;
	bool stopping = false;
	uint64_t stop_ns = 0;

	setup_thread(e, "blkring-front", cfg->frontend_cpu);
	for (;;) {
		uint64_t now = mono_ns(), limit, due;
		unsigned int did;

		if (!stopping) {
			bool intr = cfg->interrupt &&
				    atomic_load_explicit(cfg->interrupt,
							 memory_order_relaxed);

			if (intr || now >= e->deadline_ns ||
			    atomic_load_explicit(&e->be_dead,
						 memory_order_relaxed)) {
				frontend_stop(e->fe);
				e->interrupted = intr;
				stopping = true;
				stop_ns = now;
			}
		}
		if (e->gated)
			e->fe_seen = frontend_completions(e->fe);
		did = frontend_submit(e->fe);
		if (evtchn_poll(&e->irq, mono_ns()))
			did += 1 + frontend_irq(e->fe);
		else if (cfg->evtchn.notify == EVTCHN_NOTIFY_POLL)
			did += frontend_reap(e->fe);
		if (frontend_finished(e->fe))
			break;
		if (stopping &&
		    (now - stop_ns > cfg->drain_timeout_ns ||
		     atomic_load_explicit(&e->be_dead, memory_order_relaxed))) {
			e->drain_timeout = true;
			break;
		}
		if (did)
			continue;
		limit = stopping ? stop_ns + cfg->drain_timeout_ns :
				   e->deadline_ns;
		/*
		 * Open loop: wake for the next I/O's intended time; closer
		 * than the hybrid margin, spin (a sleep that short would
		 * wake late and put the schedule behind).
		 */
		due = frontend_next_due_ns(e->fe);
		if (due && due < limit) {
			if (due <= mono_ns() + cfg->evtchn.hybrid_margin_ns) {
				cpu_relax();
				continue;
			}
			limit = due - cfg->evtchn.hybrid_margin_ns;
		}
		wait_for(e, &e->irq, -1, e->gated ? frontend_recheck : NULL, e,
			 limit);
	}
	e->fe_end_ns = mono_ns();
	e->fe_cpu_ns = thread_cpu_ns();
	atomic_store_explicit(&e->fe_done, true, memory_order_release);
	/* The backend may sleep with nothing left to do: end its wait. */
	evtchn_wake(&e->kick);
	if (e->sub_on)
		evtchn_wake(&e->handoff);
	if (e->dpc_on)
		evtchn_wake(&e->defer);
	return NULL;
}

/*
 * Wakes the frontend thread after a worker completed I/Os, if it sleeps.
 * Seq_cst: pairs with frontend_recheck() (the completions were stored
 * seq_cst before the worker left the gate).
 */
static void wake_submitter(struct engine *e, uint64_t before)
{
	if (frontend_completions(e->fe) != before &&
	    atomic_load_explicit(&e->irq.sleeping, memory_order_seq_cst))
		evtchn_wake(&e->irq);
}

/* The submit worker: puts what the frontend thread handed off on the ring. */
static void *submit_worker_thread(void *arg)
{
	struct engine *e = arg;

	setup_thread(e, "blkring-fe-sub", e->cfg->frontend_cpu);
	while (!atomic_load_explicit(&e->fe_done, memory_order_acquire)) {
		uint64_t before = frontend_completions(e->fe);

		if (!evtchn_poll(&e->handoff, mono_ns())) {
			wait_for(e, &e->handoff, -1, NULL, NULL, UINT64_MAX);
			continue;
		}
		frontend_submit_worker(e->fe);
		/* A disabled device completes everything here. */
		wake_submitter(e, before);
	}
	e->sub_cpu_ns = thread_cpu_ns();
	return NULL;
}

/* The deferred worker (DPC): reaps and completes after an acknowledgement. */
static void *dpc_thread(void *arg)
{
	struct engine *e = arg;

	setup_thread(e, "blkring-fe-dpc", e->cfg->frontend_cpu);
	while (!atomic_load_explicit(&e->fe_done, memory_order_acquire)) {
		uint64_t before = frontend_completions(e->fe);

		if (!evtchn_poll(&e->defer, mono_ns())) {
			wait_for(e, &e->defer, -1, NULL, NULL, UINT64_MAX);
			continue;
		}
		frontend_dpc(e->fe);
		wake_submitter(e, before);
	}
	e->dpc_cpu_ns = thread_cpu_ns();
	return NULL;
}

/*
 * The ports and the gate of the frontend's policies, before the actors.
 * The worker ports carry no simulated latency or cost and always notify:
 * what a hand-off costs is the real wake-up.
 */
static int init_policies(struct engine *e, char *why, size_t why_len)
{
	const struct engine_config *cfg = e->cfg;
	struct evtchn_config pc = cfg->evtchn;
	struct gate_config gc = {
		.kind = cfg->lock_kind,
		.work_ns = cfg->lock_work_ns,
		.clock = &e->clock,
	};
	int rc;

	pc.latency_ns = 0;
	pc.latency_max_ns = 0;
	pc.dist = EVTCHN_LAT_FIXED;
	pc.cost_ns = 0;
	pc.notify = EVTCHN_NOTIFY_EVENT;
	e->gated = cfg->lock;
	e->sub_on = cfg->submit_path == FRONTEND_SUBMIT_WORKER;
	e->dpc_on = cfg->completion == FRONTEND_COMPLETE_DEFERRED;
	rc = evtchn_init(&e->handoff, &pc);
	if (rc)
		goto err;
	rc = evtchn_init(&e->defer, &pc);
	if (rc)
		goto err_fini_handoff;
	rc = gate_init(&e->gate, &gc);
	if (rc)
		goto err_fini_defer;
	return 0;

err_fini_defer:
	evtchn_fini(&e->defer);
err_fini_handoff:
	evtchn_fini(&e->handoff);
err:
	snprintf(why, why_len, "policy threads: %s", strerror(-rc));
	return rc;
}

static void fini_policies(struct engine *e)
{
	gate_fini(&e->gate);
	evtchn_fini(&e->defer);
	evtchn_fini(&e->handoff);
}

/* Starts the configured workers; on failure none is left running. */
static int start_workers(struct engine *e, char *why, size_t why_len)
{
	int rc;

	if (e->sub_on) {
		rc = -pthread_create(&e->sub, NULL, submit_worker_thread, e);
		if (rc) {
			snprintf(why, why_len, "submit worker: %s",
				 strerror(-rc));
			return rc;
		}
	}
	if (e->dpc_on) {
		rc = -pthread_create(&e->dpc, NULL, dpc_thread, e);
		if (rc) {
			snprintf(why, why_len, "deferred worker: %s",
				 strerror(-rc));
			if (e->sub_on) {
				atomic_store(&e->fe_done, true);
				evtchn_wake(&e->handoff);
				pthread_join(e->sub, NULL);
			}
			return rc;
		}
	}
	return 0;
}

/* After the frontend thread has set fe_done and woken them. */
static void join_workers(struct engine *e)
{
	if (e->sub_on)
		pthread_join(e->sub, NULL);
	if (e->dpc_on)
		pthread_join(e->dpc, NULL);
}

static bool backend_recheck(void *arg)
{
	return backend_reap(arg) > 0;
}

static void *backend_thread(void *arg)
{
	struct engine *e = arg;
	int target_fd = e->cfg->target->wait_fd(e->target_state);

	setup_thread(e, "blkring-back", e->cfg->backend_cpu);
	for (;;) {
		struct backend_stats st;
		unsigned int did;

		if (evtchn_poll(&e->kick, mono_ns()) ||
		    e->cfg->evtchn.notify == EVTCHN_NOTIFY_POLL)
			backend_kick(e->be);
		did = backend_consume(e->be) + backend_reap(e->be);
		backend_tick(e->be);
		backend_stats(e->be, &st);
		if (st.dead) {
			atomic_store_explicit(&e->be_dead, true,
					      memory_order_relaxed);
			break;
		}
		if (did)
			continue;
		if (atomic_load_explicit(&e->fe_done, memory_order_acquire) &&
		    !backend_busy(e->be))
			break;
		/* A held interrupt bounds the wait. */
		if (backend_busy(e->be))
			wait_for(e, &e->kick, target_fd, backend_recheck, e->be,
				 backend_deadline_ns(e->be));
		else
			wait_for(e, &e->kick, -1, NULL, NULL,
				 backend_deadline_ns(e->be));
	}
	e->be_cpu_ns = thread_cpu_ns();
	return NULL;
}

void engine_config_default(struct engine_config *cfg)
{
	*cfg = (struct engine_config){
		.ring_order = 0,
		.iodepth = 32,
		.max_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST,
		.push_batch = 1,
		.coalesce_count = 1,
		.backend_max_indirect = 256,
		.runtime_ns = 0,
		.drain_timeout_ns = 10000000000ull,
		.frontend_cpu = -1,
		.backend_cpu = -1,
		.persistent_max = 1056,
	};
	wl_config_default(&cfg->workload);
	target_config_default(&cfg->target_cfg);
	evtchn_config_default(&cfg->evtchn);
}

/* What the backend advertises: none with grant copy (QEMU's qdisk). */
static unsigned int backend_max_indirect(const struct engine_config *cfg)
{
	return cfg->grant_mode == BACKEND_GRANTS_COPY ?
		       0 :
		       cfg->backend_max_indirect;
}

/*
 * The negotiated segments per indirect request, as Linux blkfront does:
 * the smaller of what the frontend wants and the backend advertises, and
 * none unless that exceeds a direct request's 11.
 */
static unsigned int indirect_segments(const struct engine_config *cfg)
{
	unsigned int n = cfg->indirect_segments < backend_max_indirect(cfg) ?
				 cfg->indirect_segments :
				 backend_max_indirect(cfg);

	return n > BLKIF_MAX_SEGMENTS_PER_REQUEST ? n : 0;
}

static int start_actors(struct engine *e, char *why, size_t why_len)
{
	const struct engine_config *cfg = e->cfg;
	struct frontend_config fc = {
		.ring_order = cfg->ring_order,
		.iodepth = cfg->iodepth,
		.max_segments = cfg->max_segments,
		.qd_cap = cfg->qd_cap,
		.push_batch = cfg->push_batch,
		.tasks = cfg->tasks,
		.indirect_segments = indirect_segments(cfg),
		.verify = cfg->verify,
		.verify_seed = cfg->workload.seed,
		.sring = e->sring,
		.grants = &e->grants,
		.kick = &e->kick,
		.workload = e->wl,
		.clock = &e->clock,
		.complete = cfg->complete,
		.complete_ctx = cfg->complete_ctx,
		.stamps = e->stamps,
		.submit_path = cfg->submit_path,
		.completion = cfg->completion,
		.gate = cfg->lock ? &e->gate : NULL,
		.handoff = &e->handoff,
		.defer = &e->defer,
		.grant_copy = cfg->grant_mode == BACKEND_GRANTS_PERSISTENT,
	};
	struct backend_config bc = {
		.ring_order = cfg->ring_order,
		.disk_bytes = cfg->target->size_bytes(e->target_state),
		.coalesce_count = cfg->coalesce_count,
		.coalesce_ns = cfg->coalesce_ns,
		.submit_per_request = cfg->submit_per_request,
		.max_indirect_segments = backend_max_indirect(cfg),
		.sring = e->sring,
		.grants = &e->grants,
		.irq = &e->irq,
		.target = cfg->target,
		.target_state = e->target_state,
		.clock = &e->clock,
		.stamps = e->stamps,
		.grant_mode = cfg->grant_mode,
		.grant_call_ns = cfg->grant_call_ns,
		.grant_map_ns = cfg->grant_map_ns,
		.grant_unmap_ns = cfg->grant_unmap_ns,
		.grant_copy_ns = cfg->grant_copy_ns,
		.persistent_max = cfg->persistent_max,
		.budget = cfg->backend_budget,
		.respond_batch = cfg->respond_batch,
	};
	int rc;

	rc = frontend_config_check(&fc, why, why_len);
	if (rc)
		return rc;
	rc = frontend_create(&fc, &e->fe);
	if (rc) {
		snprintf(why, why_len, "frontend: %s", strerror(-rc));
		return rc;
	}
	rc = backend_create(&bc, &e->be);
	if (rc) {
		snprintf(why, why_len, "backend: %s", strerror(-rc));
		frontend_destroy(e->fe);
		return rc;
	}
	return 0;
}

int engine_run(const struct engine_config *cfg, struct engine_result *res,
	       char *why, size_t why_len)
{
	struct engine e = {
		.cfg = cfg,
		.clock = { .now_ns = engine_clock, .charge_ns = engine_charge },
	};
	struct target_config tc = cfg->target_cfg;
	struct wl_config wc = cfg->workload;
	uint64_t disk_bytes;
	pthread_t front, back;
	int rc;

	memset(res, 0, sizeof(*res));
	/*
	 * The grant pages come first and go last: target I/O still in
	 * flight at the end reads or writes them until the target's fini.
	 */
	rc = grant_table_init(&e.grants,
			      frontend_grant_pages(cfg->ring_order,
						   indirect_segments(cfg)));
	if (rc) {
		snprintf(why, why_len, "grant table: %s", strerror(-rc));
		return rc;
	}
	/* The backend never has more than a ring's worth in flight. */
	tc.depth = ring_entries(cfg->ring_order);
	rc = target_open(cfg->target, &tc, &e.target_state, why, why_len);
	if (rc)
		goto err_fini_grants;
	disk_bytes = cfg->target->size_bytes(e.target_state);
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
	rc = wl_create(&wc, &e.wl);
	if (rc) {
		snprintf(why, why_len, "workload: %s", strerror(-rc));
		goto err_close_target;
	}
	e.sring = aligned_alloc(XEN_PAGE_SIZE, ring_bytes(cfg->ring_order));
	if (!e.sring) {
		rc = -ENOMEM;
		snprintf(why, why_len, "shared ring: %s", strerror(-rc));
		goto err_destroy_wl;
	}
	ring_sring_init(e.sring, cfg->ring_order);
	e.stamps = calloc(ring_entries(cfg->ring_order), sizeof(*e.stamps));
	if (!e.stamps) {
		rc = -ENOMEM;
		snprintf(why, why_len, "stage stamps: %s", strerror(-rc));
		goto err_free_sring;
	}
	rc = evtchn_init(&e.kick, &cfg->evtchn);
	if (rc) {
		snprintf(why, why_len, "event channel: %s", strerror(-rc));
		goto err_free_sring;
	}
	rc = evtchn_init(&e.irq, &cfg->evtchn);
	if (rc) {
		snprintf(why, why_len, "event channel: %s", strerror(-rc));
		goto err_fini_kick;
	}
	rc = init_policies(&e, why, why_len);
	if (rc)
		goto err_fini_irq;
	rc = start_actors(&e, why, why_len);
	if (rc)
		goto err_fini_policies;

	atomic_init(&e.fe_done, false);
	atomic_init(&e.be_dead, false);
	res->start_ns = mono_ns();
	e.deadline_ns = cfg->runtime_ns ? res->start_ns + cfg->runtime_ns :
					  UINT64_MAX;
	rc = -pthread_create(&back, NULL, backend_thread, &e);
	if (rc) {
		snprintf(why, why_len, "backend thread: %s", strerror(-rc));
		goto err_destroy_actors;
	}
	rc = start_workers(&e, why, why_len);
	if (rc) {
		atomic_store(&e.fe_done, true);
		evtchn_wake(&e.kick);
		pthread_join(back, NULL);
		goto err_destroy_actors;
	}
	rc = -pthread_create(&front, NULL, frontend_thread, &e);
	if (rc) {
		snprintf(why, why_len, "frontend thread: %s", strerror(-rc));
		atomic_store(&e.fe_done, true);
		evtchn_wake(&e.kick);
		evtchn_wake(&e.handoff);
		evtchn_wake(&e.defer);
		join_workers(&e);
		pthread_join(back, NULL);
		goto err_destroy_actors;
	}
	pthread_join(front, NULL);
	join_workers(&e);
	pthread_join(back, NULL);

	res->end_ns = e.fe_end_ns;
	frontend_stats(e.fe, &res->fe);
	backend_stats(e.be, &res->be);
	evtchn_stats(&e.kick, &res->kick);
	evtchn_stats(&e.irq, &res->irq);
	res->fe_cpu_ns = e.fe_cpu_ns;
	res->be_cpu_ns = e.be_cpu_ns;
	evtchn_stats(&e.handoff, &res->handoff);
	evtchn_stats(&e.defer, &res->defer);
	if (e.gated)
		gate_stats(&e.gate, &res->gate);
	res->sub_cpu_ns = e.sub_cpu_ns;
	res->dpc_cpu_ns = e.dpc_cpu_ns;
	res->disk_bytes = disk_bytes;
	res->interrupted = e.interrupted;
	res->drain_timeout = e.drain_timeout;
	rc = 0;

err_destroy_actors:
	backend_destroy(e.be);
	frontend_destroy(e.fe);
err_fini_policies:
	fini_policies(&e);
err_fini_irq:
	evtchn_fini(&e.irq);
err_fini_kick:
	evtchn_fini(&e.kick);
err_free_sring:
	free(e.stamps);
	free(e.sring);
err_destroy_wl:
	wl_destroy(e.wl);
err_close_target:
	/* Waits for any target I/O still in flight into the grant pages. */
	cfg->target->fini(e.target_state);
err_fini_grants:
	grant_table_fini(&e.grants);
	return rc;
}
