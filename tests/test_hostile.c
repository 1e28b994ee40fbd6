/* SPDX-License-Identifier: MIT */
/*
 * The backend under attack: a hostile frontend (sim/hostile.h) applies a
 * million mutations to a ring a backend serves, on one thread with a
 * fake clock; then, on real threads, a hostile frontend rewrites slots
 * while a backend reads them (the double fetch) and a well-behaved
 * frontend runs a verified workload through the thread engine at the
 * same time.  Under make test-asan every access the backend makes is
 * checked against the grant pages and the disk; under make test-tsan the
 * race is checked against the protocol.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/backend.h"
#include "sim/engine.h"
#include "sim/hostile.h"
#include "tests/cu_main.h"
#define FAKE_CLOCK_TICK_NS 10
#include "tests/fake_clock.h"

#define DISK_BYTES (1024 * 1024)
#define GRANT_PAGES 64

/* ---- A real clock, for the threads -------------------------------------- */

static uint64_t mono_now(const struct sim_clock *c)
{
	struct timespec ts;

	(void)c;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void mono_charge(const struct sim_clock *c, uint64_t ns)
{
	uint64_t end = mono_now(c) + ns;

	while (mono_now(c) < end)
		;
}

static const struct sim_clock mono_clock = {
	.now_ns = mono_now,
	.charge_ns = mono_charge,
};

/* ---- A ring under attack ---------------------------------------------------- */

struct victim {
	struct blkif_sring *sring;
	struct grant_table grants;
	struct evtchn_port irq;
	const struct target_ops *target;
	void *target_state;
	struct backend *be;
	struct hostile *h;
	unsigned int stops;	  /* rings the backend stopped */
	struct backend_stats sum; /* of the backends stopped so far */
};

static void victim_attach(struct victim *v, const struct sim_clock *clock,
			  uint64_t seed, unsigned int fatal_per_mille,
			  uint32_t kinds)
{
	struct backend_config bc = {
		.ring_order = 0,
		.disk_bytes = DISK_BYTES,
		.coalesce_count = 1,
		.max_indirect_segments = 64,
		.sring = v->sring,
		.grants = &v->grants,
		.irq = &v->irq,
		.target = v->target,
		.target_state = v->target_state,
		.clock = clock,
	};
	struct hostile_config hc = {
		.seed = seed,
		.ring_order = 0,
		.disk_bytes = DISK_BYTES,
		.sring = v->sring,
		.grants = &v->grants,
		.fatal_per_mille = fatal_per_mille,
		.kinds = kinds,
	};

	ring_sring_init(v->sring, 0);
	CU_ASSERT_EQUAL_FATAL(backend_create(&bc, &v->be), 0);
	CU_ASSERT_EQUAL_FATAL(hostile_create(&hc, &v->h), 0);
}

static void victim_init(struct victim *v, const struct sim_clock *clock,
			uint64_t seed, unsigned int fatal_per_mille,
			uint32_t kinds)
{
	struct evtchn_config ec;
	struct target_config tc;

	memset(v, 0, sizeof(*v));
	v->sring = aligned_alloc(XEN_PAGE_SIZE, ring_bytes(0));
	CU_ASSERT_PTR_NOT_NULL_FATAL(v->sring);
	CU_ASSERT_EQUAL_FATAL(grant_table_init(&v->grants, GRANT_PAGES), 0);
	evtchn_config_default(&ec);
	CU_ASSERT_EQUAL_FATAL(evtchn_init(&v->irq, &ec), 0);
	v->target = target_find("mem");
	CU_ASSERT_PTR_NOT_NULL_FATAL(v->target);
	target_config_default(&tc);
	tc.size_bytes = DISK_BYTES;
	tc.depth = 64;
	CU_ASSERT_EQUAL_FATAL(
		target_open(v->target, &tc, &v->target_state, NULL, 0), 0);
	victim_attach(v, clock, seed, fatal_per_mille, kinds);
}

static void add_stats(struct backend_stats *sum, const struct backend_stats *s)
{
	sum->requests += s->requests;
	sum->bad_requests += s->bad_requests;
	sum->unsupported += s->unsupported;
	sum->responses += s->responses;
	sum->io_errors += s->io_errors;
}

/* The backend stopped the ring: a new ring, as a reconnecting guest. */
static void victim_reconnect(struct victim *v, uint64_t seed,
			     unsigned int fatal_per_mille)
{
	struct backend_stats st;

	backend_stats(v->be, &st);
	add_stats(&v->sum, &st);
	v->stops++;
	backend_destroy(v->be);
	hostile_destroy(v->h);
	victim_attach(v, &fake_clock, seed, fatal_per_mille, 0);
}

static void victim_fini(struct victim *v)
{
	hostile_destroy(v->h);
	backend_destroy(v->be);
	v->target->fini(v->target_state);
	evtchn_fini(&v->irq);
	grant_table_fini(&v->grants);
	free(v->sring);
}

/* One turn of the backend's loop: take the ring, answer what is done. */
static void serve(struct backend *be)
{
	backend_kick(be);
	backend_consume(be);
	backend_reap(be);
	if (backend_deadline_ns(be) != UINT64_MAX)
		backend_tick(be);
}

/*
 * A million mutations on one thread.  Every request the backend copied
 * out is answered (the mem target completes at once), the backend stops
 * the ring only for the ring-stopping index moves, and real I/O flows
 * between the attacks.
 */
static void test_million_mutations(void)
{
	enum { STEPS = 1000000, FATAL_PER_MILLE = 1 };
	struct hostile_stats hs, total = { 0 };
	struct backend_stats st;
	struct victim v;
	uint64_t seed = 1;

	victim_init(&v, &fake_clock, seed, FATAL_PER_MILLE, 0);
	for (unsigned int i = 0; i < STEPS; i++) {
		hostile_step(v.h);
		if (i % 4 != 3)
			continue;
		serve(v.be);
		hostile_take_responses(v.h);
		backend_stats(v.be, &st);
		CU_ASSERT_EQUAL(st.requests, st.responses + st.inflight);
		if (st.dead) {
			hostile_stats(v.h, &hs);
			for (int k = 0; k < HOSTILE_NR; k++)
				total.by_kind[k] += hs.by_kind[k];
			total.steps += hs.steps;
			victim_reconnect(&v, ++seed, FATAL_PER_MILLE);
		}
	}
	serve(v.be);
	backend_stats(v.be, &st);
	add_stats(&v.sum, &st);
	hostile_stats(v.h, &hs);
	for (int k = 0; k < HOSTILE_NR; k++)
		total.by_kind[k] += hs.by_kind[k];
	total.steps += hs.steps;

	CU_ASSERT_EQUAL(total.steps, STEPS);
	for (int k = 0; k < HOSTILE_NR; k++)
		CU_ASSERT(total.by_kind[k] > 0);
	/* Only the ring-stopping moves stop it, and not every one does. */
	CU_ASSERT(v.stops >= 1);
	CU_ASSERT(v.stops <= total.by_kind[HOSTILE_PROD_FATAL]);
	/* Bad requests answered with errors, good ones served. */
	CU_ASSERT(v.sum.bad_requests + v.sum.unsupported >=
		  total.by_kind[HOSTILE_SEGMENTS] / 2);
	CU_ASSERT(v.sum.responses > v.sum.bad_requests + v.sum.unsupported);
	fprintf(stderr,
		"  %u mutations: %llu requests, %llu answered bad, "
		"%llu unsupported, %u rings stopped\n",
		STEPS, (unsigned long long)v.sum.requests,
		(unsigned long long)v.sum.bad_requests,
		(unsigned long long)v.sum.unsupported, v.stops);
	victim_fini(&v);
}

/* Each kind alone, by hand, on a fresh ring: what the backend answers. */
static void test_each_kind(void)
{
	static const struct {
		enum hostile_kind kind;
		bool bad; /* every request it makes is answered with an error */
	} cases[] = {
		{ HOSTILE_SEGMENTS, true },
		{ HOSTILE_SECTORS, true },
		{ HOSTILE_GREF, true },
		{ HOSTILE_GOOD, false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct backend_stats st;
		struct hostile_stats hs;
		struct victim v;
		uint64_t rng = 7;

		victim_init(&v, &fake_clock, 3, 0, HOSTILE_BIT(cases[i].kind));
		for (unsigned int n = 0; n < 1000; n++) {
			uint64_t b = rng = rng * 6364136223846793005ull + 1;

			/* The top bit of b: publish at once. */
			hostile_apply(v.h, n, b | 1ull << 63);
			serve(v.be);
			hostile_take_responses(v.h);
		}
		hostile_stats(v.h, &hs);
		backend_stats(v.be, &st);
		CU_ASSERT_FALSE(st.dead);
		CU_ASSERT_EQUAL(hs.by_kind[cases[i].kind], 1000);
		CU_ASSERT_EQUAL(st.requests, 1000);
		CU_ASSERT_EQUAL(st.responses, 1000);
		if (st.bad_requests != (cases[i].bad ? 1000u : 0u))
			fprintf(stderr, "  %s: %llu bad\n",
				hostile_kind_name(cases[i].kind),
				(unsigned long long)st.bad_requests);
		CU_ASSERT_EQUAL(st.bad_requests, cases[i].bad ? 1000 : 0);
		victim_fini(&v);
	}
}

/* The ring-stopping moves stop it, with the reason, every time. */
static void test_fatal_moves(void)
{
	for (uint64_t b = 0; b < 64; b++) {
		struct backend_stats st;
		struct victim v;

		victim_init(&v, &fake_clock, b, 999,
			    HOSTILE_BIT(HOSTILE_GOOD) |
				    HOSTILE_BIT(HOSTILE_PROD_FATAL));
		/* A few good requests answered first, so rsp_prod > 0. */
		for (unsigned int n = 0; n < 5; n++) {
			CU_ASSERT_EQUAL(hostile_apply(v.h, 999, n | 1ull << 63),
					HOSTILE_GOOD);
			serve(v.be);
		}
		CU_ASSERT_EQUAL(hostile_apply(v.h, 0,
					      b * 0x9e3779b97f4a7c15ull),
				HOSTILE_PROD_FATAL);
		serve(v.be);
		backend_stats(v.be, &st);
		CU_ASSERT_TRUE(st.dead);
		CU_ASSERT_PTR_NOT_NULL(strstr(st.error, "bogus"));
		CU_ASSERT_EQUAL(st.requests, 5);
		victim_fini(&v);
	}
}

/* ---- The double fetch, on threads, beside a well-behaved ring ----------- */

#define GOOD_DISK_BYTES (4u << 20)

static char good_dir[64], good_path[96]; /* the good guest's file */

static int suite_init(void)
{
	strcpy(good_dir, "/tmp/blkring-hostile-XXXXXX");
	if (!mkdtemp(good_dir))
		return -1;
	snprintf(good_path, sizeof(good_path), "%s/disk", good_dir);
	return 0;
}

static int suite_cleanup(void)
{
	unlink(good_path);
	return rmdir(good_dir);
}

struct tally {
	uint64_t ok, failed;
};

static void tally_complete(void *ctx, const struct frontend_completion *c)
{
	struct tally *t = ctx;

	if (c->ok)
		t->ok++;
	else
		t->failed++;
}

struct race {
	struct victim v;
	atomic_bool stop; /* set when the good guest is done */
	atomic_bool mutator_done;
	uint64_t min_steps; /* the mutator goes on at least this long */
};

static void *mutator(void *arg)
{
	struct race *r = arg;
	uint64_t i;

	for (i = 0; i < r->min_steps || !atomic_load(&r->stop); i++) {
		hostile_step(r->v.h);
		hostile_take_responses(r->v.h);
	}
	atomic_store(&r->mutator_done, true);
	return NULL;
}

static void *server(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->mutator_done))
		serve(r->v.be);
	serve(r->v.be);
	return NULL;
}

/* One pass of the good guest; 0, or -1 if it could not run. */
static int good_pass(enum wl_rw rw, unsigned int bs, struct engine_result *res,
		     struct tally *t)
{
	struct engine_config cfg;
	char why[256];
	int rc;

	engine_config_default(&cfg);
	cfg.target = target_find("uring");
	cfg.target_cfg.path = good_path;
	cfg.target_cfg.size_bytes = GOOD_DISK_BYTES;
	cfg.workload.size_bytes = GOOD_DISK_BYTES;
	cfg.workload.rw = rw;
	cfg.workload.bs_bytes = bs;
	cfg.workload.seed = 5;
	cfg.workload.io_limit_bytes = GOOD_DISK_BYTES;
	cfg.verify = true;
	cfg.evtchn.wait = EVTCHN_WAIT_SLEEP;
	cfg.complete = tally_complete;
	cfg.complete_ctx = t;
	memset(t, 0, sizeof(*t));
	rc = engine_run(&cfg, res, why, sizeof(why));
	if (rc == -ENOSYS || rc == -EPERM) {
		cu_skip("io_uring is unavailable");
		return -1;
	}
	if (rc)
		fprintf(stderr, "engine_run: %s\n", why);
	CU_ASSERT_EQUAL(rc, 0);
	return rc ? -1 : 0;
}

/*
 * A hostile guest rewrites slots while its backend copies them out, on
 * two threads; meanwhile a good guest writes 4 MiB of a pattern through
 * the thread engine and reads it back at random.  The hostile ring keeps
 * being served; the good one loses nothing and reads what it wrote.
 */
static void test_double_fetch_beside_good_ring(void)
{
	struct engine_result res;
	struct backend_stats st;
	struct hostile_stats hs;
	struct tally t;
	pthread_t m, s;
	struct race r;

	victim_init(&r.v, &mono_clock, 11, 0,
		    (HOSTILE_BIT(HOSTILE_NR) - 1) &
			    ~(HOSTILE_BIT(HOSTILE_PROD_BACK) |
			      HOSTILE_BIT(HOSTILE_PROD_FATAL) |
			      HOSTILE_BIT(HOSTILE_INDIRECT_PAGE)));
	atomic_init(&r.stop, false);
	atomic_init(&r.mutator_done, false);
	r.min_steps = 100000;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&s, NULL, server, &r), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&m, NULL, mutator, &r), 0);

	if (good_pass(WL_RW_WRITE, 65536, &res, &t) == 0) {
		CU_ASSERT_EQUAL(t.ok, GOOD_DISK_BYTES / 65536);
		CU_ASSERT_EQUAL(t.failed, 0);
	}
	if (good_pass(WL_RW_RANDREAD, 4096, &res, &t) == 0) {
		CU_ASSERT_EQUAL(t.ok, GOOD_DISK_BYTES / 4096);
		CU_ASSERT_EQUAL(t.failed, 0);
		CU_ASSERT_EQUAL(res.fe.ios_issued, res.fe.ios_completed);
		CU_ASSERT_EQUAL(res.fe.verify_errors, 0);
	}
	atomic_store(&r.stop, true);
	pthread_join(m, NULL);
	pthread_join(s, NULL);

	hostile_stats(r.v.h, &hs);
	backend_stats(r.v.be, &st);
	CU_ASSERT(hs.steps >= r.min_steps);
	CU_ASSERT(hs.by_kind[HOSTILE_REWRITE] > 0);
	CU_ASSERT_FALSE(st.dead);
	CU_ASSERT_EQUAL(st.requests, st.responses + st.inflight);
	CU_ASSERT(st.bad_requests > 0);
	victim_fini(&r.v);
}

static void test_bad_config(void)
{
	struct grant_table gt = { 0 };
	struct hostile_config hc = { .disk_bytes = DISK_BYTES };
	struct hostile *h;

	CU_ASSERT_EQUAL(hostile_create(&hc, &h), -EINVAL); /* no ring */
	hc.sring = aligned_alloc(XEN_PAGE_SIZE, ring_bytes(0));
	CU_ASSERT_PTR_NOT_NULL_FATAL(hc.sring);
	ring_sring_init(hc.sring, 0);
	hc.grants = &gt;
	CU_ASSERT_EQUAL(hostile_create(&hc, &h), -EINVAL); /* no pages */
	CU_ASSERT_EQUAL_FATAL(grant_table_init(&gt, 4), 0);
	hc.fatal_per_mille = 1001;
	CU_ASSERT_EQUAL(hostile_create(&hc, &h), -EINVAL);
	hc.fatal_per_mille = 0;
	hc.kinds = HOSTILE_BIT(HOSTILE_NR);
	CU_ASSERT_EQUAL(hostile_create(&hc, &h), -EINVAL);
	hc.kinds = 0;
	CU_ASSERT_EQUAL(hostile_create(&hc, &h), 0);
	hostile_destroy(h);
	CU_ASSERT_STRING_EQUAL(hostile_kind_name(HOSTILE_REWRITE), "rewrite");
	CU_ASSERT_STRING_EQUAL(hostile_kind_name(HOSTILE_NR), "invalid");
	grant_table_fini(&gt);
	free(hc.sring);
}

int cu_register(void)
{
	CU_pSuite s =
		CU_add_suite("hostile_frontend", suite_init, suite_cleanup);

	if (!s)
		return CU_get_error();
	CU_ADD_TEST(s, test_bad_config);
	CU_ADD_TEST(s, test_each_kind);
	CU_ADD_TEST(s, test_fatal_moves);
	CU_ADD_TEST(s, test_million_mutations);
	CU_ADD_TEST(s, test_double_fetch_beside_good_ring);
	return 0;
}
