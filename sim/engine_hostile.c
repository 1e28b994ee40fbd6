// SPDX-License-Identifier: MIT
/*
 * The thread engine's hostile ring (engine_config.hostile_mutations): a
 * second ring beside the run's own, with a hostile frontend (sim/hostile.h)
 * on one thread and the same backend code on another, serving the run's
 * target read-only through its own instance (its own io_uring on the same
 * file).  Read-only is Xen's vbd mode "r": every write the hostile guest
 * makes is answered BLKIF_RSP_ERROR, so nothing it does can change the
 * bytes the good ring writes and verifies, and its reads land in its own
 * grant pages.
 *
 * Two threads and one hand-over.  The hostile thread (blkring-hostile)
 * applies mutations and takes responses, HOSTILE_BURST of them per pass
 * of the backend over the ring, so that the backend sees what they do
 * while they race it (the rewrites of slots it is reading); the backend thread
 * (blkring-hback) consumes, reaps and responds, yielding the CPU when it
 * finds nothing to do (nothing kicks it: the hostile guest never notifies).
 * When the backend stops the ring (a producer overflow), its thread reaps
 * what is still at the target, then parks; the hostile thread sees it
 * parked, adds up the two actors' counters, makes a fresh ring and a fresh
 * pair (a guest reconnecting, with the next seed), and unparks it.  The
 * actors change hands only through the park flag (release/acquire), so
 * each is used by one thread at a time.
 *
 * The hostile thread stops after its budget of mutations (or on the
 * interrupt flag); the backend thread then takes what was published last,
 * waits for its I/O and leaves.  Every request the backend copied out is
 * answered by then: the result says so (inflight 0).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine_internal.h"
#include "sim/hostile.h"

#define HOSTILE_GRANT_PAGES 64

/*
 * Mutations the hostile thread applies between two looks of the backend
 * at the ring.  Unpaced, the hostile thread would apply thousands per
 * backend pass: the ring full of rewrites, and every ring-stopping index
 * move overwritten by the next push before the backend reads it.
 */
#define HOSTILE_BURST 4

/*
 * The kinds drawn: all but HOSTILE_INDIRECT_PAGE, a plain write into a
 * granted page the backend thread may be reading (a data race in C, which
 * the copy-once rule does not cover: blkback maps indirect pages and
 * reads them once, as ours does).
 */
#define HOSTILE_RING_KINDS \
	((HOSTILE_BIT(HOSTILE_NR) - 1) & ~HOSTILE_BIT(HOSTILE_INDIRECT_PAGE))

struct engine_hostile {
	const struct engine_config *cfg;
	const struct sim_clock *clock;
	uint64_t disk_bytes;
	struct blkif_sring *sring;
	struct grant_table grants;
	struct evtchn_port irq; /* the backend notifies; nobody listens */
	const struct target_ops *target;
	void *target_state;
	bool grants_on, irq_on, target_on, front_on, back_on;
	pthread_t front, back;
	/* Owned by whichever thread the park flag says (see above). */
	struct backend *be;
	struct hostile *h;
	uint64_t seed;
	atomic_bool parked;    /* the backend thread waits for a new ring */
	atomic_bool done;      /* the hostile thread has stopped mutating */
	atomic_bool quit;      /* stop now (set up failed, or interrupted) */
	atomic_bool good_done; /* the good ring's threads have finished */
	atomic_uint_fast64_t passes; /* the backend thread's loops */
	/* The hostile thread's, read after both are joined. */
	struct engine_hostile_result res;
	int error; /* a reconnect that failed: -errno */
};

static void add_backend(struct engine_hostile_result *r,
			const struct backend_stats *st)
{
	r->requests += st->requests;
	r->bad_requests += st->bad_requests;
	r->unsupported += st->unsupported;
	r->io_errors += st->io_errors;
	r->responses += st->responses;
	r->inflight += st->inflight;
	if (st->dead) {
		r->ring_stops++;
		snprintf(r->last_stop, sizeof(r->last_stop), "%s", st->error);
	}
}

static void add_hostile(struct engine_hostile_result *r,
			const struct hostile_stats *hs)
{
	r->mutations += hs->steps;
	for (int k = 0; k < HOSTILE_NR; k++)
		r->by_kind[k] += hs->by_kind[k];
}

/* A fresh ring and a fresh pair of actors on it.  0 or -errno. */
static int attach(struct engine_hostile *hr)
{
	struct backend_config bc = {
		.ring_order = hr->cfg->ring_order,
		.disk_bytes = hr->disk_bytes,
		.read_only = true,
		.coalesce_count = 1,
		.max_indirect_segments = hr->cfg->backend_max_indirect,
		.sring = hr->sring,
		.grants = &hr->grants,
		.irq = &hr->irq,
		.target = hr->target,
		.target_state = hr->target_state,
		.clock = hr->clock,
	};
	struct hostile_config hc = {
		.seed = hr->seed,
		.ring_order = hr->cfg->ring_order,
		.disk_bytes = hr->disk_bytes,
		.sring = hr->sring,
		.grants = &hr->grants,
		.kinds = HOSTILE_RING_KINDS,
		.fatal_per_mille = hr->cfg->hostile_fatal_per_mille,
	};
	int rc;

	if (bc.max_indirect_segments > TARGET_MAX_IOV)
		bc.max_indirect_segments = TARGET_MAX_IOV;
	ring_sring_init(hr->sring, hr->cfg->ring_order);
	rc = backend_create(&bc, &hr->be);
	if (rc)
		return rc;
	rc = hostile_create(&hc, &hr->h);
	if (rc) {
		backend_destroy(hr->be);
		hr->be = NULL;
	}
	return rc;
}

/* Adds up the actors' counters and frees them. */
static void detach(struct engine_hostile *hr)
{
	struct backend_stats st;
	struct hostile_stats hs;

	if (hr->be) {
		backend_stats(hr->be, &st);
		add_backend(&hr->res, &st);
		backend_destroy(hr->be);
		hr->be = NULL;
	}
	if (hr->h) {
		hostile_stats(hr->h, &hs);
		add_hostile(&hr->res, &hs);
		hostile_destroy(hr->h);
		hr->h = NULL;
	}
}

static bool stopping(const struct engine_hostile *hr)
{
	const atomic_bool *intr = hr->cfg->interrupt;

	return atomic_load_explicit(&hr->quit, memory_order_relaxed) ||
	       (intr && atomic_load_explicit(intr, memory_order_relaxed));
}

/*
 * Waits until the backend thread has made a whole pass since the last
 * burst (two loops: the one under way may have read the ring before it),
 * or has parked.
 */
static void pace(struct engine_hostile *hr)
{
	uint_fast64_t until =
		atomic_load_explicit(&hr->passes, memory_order_acquire) + 2;

	while (atomic_load_explicit(&hr->passes, memory_order_acquire) <
		       until &&
	       !atomic_load_explicit(&hr->parked, memory_order_acquire) &&
	       !stopping(hr))
		sched_yield();
}

static void *hostile_thread(void *arg)
{
	struct engine_hostile *hr = arg;
	bool good_done = false;

	pthread_setname_np(pthread_self(), "blkring-hostile");
	for (uint64_t i = 0; i < hr->cfg->hostile_mutations; i++) {
		if (stopping(hr))
			break;
		if (atomic_load_explicit(&hr->parked, memory_order_acquire)) {
			/* The backend stopped the ring: reconnect. */
			detach(hr);
			hr->res.reconnects++;
			hr->seed++;
			hr->error = attach(hr);
			if (hr->error)
				break;
			atomic_store_explicit(&hr->parked, false,
					      memory_order_release);
		}
		if (i % HOSTILE_BURST == 0)
			pace(hr);
		hostile_step(hr->h);
		hostile_take_responses(hr->h);
		if (!good_done) {
			good_done = atomic_load_explicit(&hr->good_done,
							 memory_order_relaxed);
			hr->res.during_run += !good_done;
		}
	}
	atomic_store_explicit(&hr->done, true, memory_order_release);
	return NULL;
}

/* Reaps until the target holds none of the backend's I/O. */
static void drain(struct engine_hostile *hr)
{
	while (backend_busy(hr->be))
		if (!backend_reap(hr->be))
			sched_yield();
}

static void *hback_thread(void *arg)
{
	struct engine_hostile *hr = arg;

	pthread_setname_np(pthread_self(), "blkring-hback");
	for (;;) {
		/* A pass after the hostile thread's last push, then leave. */
		bool last =
			atomic_load_explicit(&hr->done, memory_order_acquire);
		struct backend_stats st;
		unsigned int did;

		backend_kick(hr->be);
		did = backend_consume(hr->be) + backend_reap(hr->be);
		backend_stats(hr->be, &st);
		if (st.dead) {
			drain(hr);
			atomic_store_explicit(&hr->parked, true,
					      memory_order_release);
			while (atomic_load_explicit(&hr->parked,
						    memory_order_acquire)) {
				if (atomic_load_explicit(&hr->done,
							 memory_order_acquire))
					return NULL;
				sched_yield();
			}
			continue;
		}
		if (last && !did && !backend_busy(hr->be))
			break;
		atomic_fetch_add_explicit(&hr->passes, 1, memory_order_release);
		if (!did)
			sched_yield();
	}
	return NULL;
}

static void hostile_fini(struct engine_hostile *hr)
{
	/* The target first: its I/O points into the backend and the pages. */
	if (hr->target_on)
		hr->target->fini(hr->target_state);
	detach(hr);
	if (hr->irq_on)
		evtchn_fini(&hr->irq);
	if (hr->grants_on)
		grant_table_fini(&hr->grants);
	free(hr->sring);
	free(hr);
}

int engine__hostile_start(const struct engine_config *cfg,
			  const struct sim_clock *clock, uint64_t disk_bytes,
			  struct engine_hostile **out, char *why,
			  size_t why_len)
{
	struct engine_hostile *hr;
	struct target_config tc = cfg->target_cfg;
	struct evtchn_config ec;
	int rc;

	*out = NULL;
	if (!cfg->hostile_mutations)
		return 0;
	if (cfg->hostile_fatal_per_mille > 1000) {
		snprintf(why, why_len,
			 "hostile ring: %u ring-stopping moves per 1000 "
			 "(allowed 0..1000)",
			 cfg->hostile_fatal_per_mille);
		return -EINVAL;
	}
	hr = calloc(1, sizeof(*hr));
	if (!hr) {
		snprintf(why, why_len, "hostile ring: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	hr->cfg = cfg;
	hr->clock = clock;
	hr->disk_bytes = disk_bytes;
	hr->seed = cfg->hostile_seed;
	atomic_init(&hr->parked, false);
	atomic_init(&hr->done, false);
	atomic_init(&hr->quit, false);
	atomic_init(&hr->good_done, false);
	atomic_init(&hr->passes, 0);
	hr->sring = aligned_alloc(XEN_PAGE_SIZE, ring_bytes(cfg->ring_order));
	if (!hr->sring) {
		rc = -ENOMEM;
		snprintf(why, why_len, "hostile ring: %s", strerror(-rc));
		goto err;
	}
	rc = grant_table_init(&hr->grants, HOSTILE_GRANT_PAGES);
	if (rc) {
		snprintf(why, why_len, "hostile ring: grant table: %s",
			 strerror(-rc));
		goto err;
	}
	hr->grants_on = true;
	evtchn_config_default(&ec);
	rc = evtchn_init(&hr->irq, &ec);
	if (rc) {
		snprintf(why, why_len, "hostile ring: event channel: %s",
			 strerror(-rc));
		goto err;
	}
	hr->irq_on = true;
	/* Its own instance of the run's target, never with faults. */
	tc.depth = ring_entries(cfg->ring_order);
	hr->target = cfg->target;
	rc = target_open(cfg->target, &tc, &hr->target_state, why, why_len);
	if (rc)
		goto err;
	hr->target_on = true;
	rc = attach(hr);
	if (rc) {
		snprintf(why, why_len, "hostile ring: %s", strerror(-rc));
		goto err;
	}
	rc = -pthread_create(&hr->back, NULL, hback_thread, hr);
	if (rc) {
		snprintf(why, why_len, "hostile ring: backend thread: %s",
			 strerror(-rc));
		goto err;
	}
	hr->back_on = true;
	rc = -pthread_create(&hr->front, NULL, hostile_thread, hr);
	if (rc) {
		snprintf(why, why_len, "hostile ring: hostile thread: %s",
			 strerror(-rc));
		atomic_store(&hr->done, true);
		pthread_join(hr->back, NULL);
		goto err;
	}
	hr->front_on = true;
	*out = hr;
	return 0;

err:
	hostile_fini(hr);
	return rc;
}

void engine__hostile_good_done(struct engine_hostile *hr)
{
	if (hr)
		atomic_store_explicit(&hr->good_done, true,
				      memory_order_relaxed);
}

int engine__hostile_stop(struct engine_hostile *hr, bool now,
			 struct engine_hostile_result *res, char *why,
			 size_t why_len)
{
	int rc;

	if (!hr)
		return 0;
	if (now)
		atomic_store(&hr->quit, true);
	pthread_join(hr->front, NULL);
	pthread_join(hr->back, NULL);
	rc = hr->error;
	/* Both threads have left: the actors are this thread's now. */
	detach(hr);
	*res = hr->res;
	res->on = true;
	if (rc)
		snprintf(why, why_len, "hostile ring: reconnect: %s",
			 strerror(-rc));
	hostile_fini(hr);
	return rc;
}
