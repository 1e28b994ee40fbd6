// SPDX-License-Identifier: MIT
/*
 * Tests of the actors and the thread engine: the whole path through
 * frontend, ring, event channel, backend and a target, with every byte
 * checked, conservation and Little's law; a backend fed hand-made bad
 * requests; a frontend fed bad responses; verify=crc32c against a target
 * that tampers with the data or lands I/Os out of order.  The actor tests
 * run in this one thread with a fake clock, which is what keeping actors
 * free of threads and clocks buys.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/backend.h"
#include "sim/engine.h"
#include "sim/frontend.h"
#include "tests/cu_main.h"
#include "tests/file_pattern.h"
#define FAKE_CLOCK_TICK_NS 10
#include "tests/fake_clock.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- A backend fed by hand ---------------------------------------------- */

struct bench_rig {
	struct blkif_sring *sring;
	struct grant_table grants;
	struct evtchn_port irq;
	void *target_state;
	const struct target_ops *target;
	struct backend *be;
	struct ring_front front; /* this test plays the frontend */
};

#define RIG_DISK_BYTES (1024 * 1024)

/*
 * The backend policies the next rigs are built with (grants, budget,
 * responses); all zero: the defaults.
 */
static struct backend_config rig_policy;

static void rig_init_full(struct bench_rig *r, unsigned int count, uint64_t ns,
			  unsigned int max_indirect)
{
	struct evtchn_config ec;
	struct target_config tc;
	struct backend_config bc;

	memset(r, 0, sizeof(*r));
	r->sring = aligned_alloc(XEN_PAGE_SIZE, ring_bytes(0));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->sring);
	ring_sring_init(r->sring, 0);
	ring_front_init(&r->front, r->sring, 0);
	CU_ASSERT_EQUAL_FATAL(grant_table_init(&r->grants, 64), 0);
	evtchn_config_default(&ec);
	CU_ASSERT_EQUAL_FATAL(evtchn_init(&r->irq, &ec), 0);
	r->target = target_find("mem");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->target);
	target_config_default(&tc);
	tc.size_bytes = RIG_DISK_BYTES;
	tc.depth = 32;
	CU_ASSERT_EQUAL_FATAL(
		target_open(r->target, &tc, &r->target_state, NULL, 0), 0);
	bc = (struct backend_config){
		.ring_order = 0,
		.disk_bytes = RIG_DISK_BYTES,
		.sring = r->sring,
		.grants = &r->grants,
		.irq = &r->irq,
		.target = r->target,
		.target_state = r->target_state,
		.clock = &fake_clock,
		.coalesce_count = count,
		.coalesce_ns = ns,
		.max_indirect_segments = max_indirect,
		.grant_mode = rig_policy.grant_mode,
		.grant_call_ns = rig_policy.grant_call_ns,
		.grant_map_ns = rig_policy.grant_map_ns,
		.grant_unmap_ns = rig_policy.grant_unmap_ns,
		.grant_copy_ns = rig_policy.grant_copy_ns,
		.persistent_max = rig_policy.persistent_max,
		.budget = rig_policy.budget,
		.respond_batch = rig_policy.respond_batch,
	};
	CU_ASSERT_EQUAL_FATAL(backend_create(&bc, &r->be), 0);
}

static void rig_init_coalesce(struct bench_rig *r, unsigned int count,
			      uint64_t ns)
{
	rig_init_full(r, count, ns, 0);
}

static void rig_init(struct bench_rig *r)
{
	rig_init_full(r, 1, 0, 0);
}

static void rig_fini(struct bench_rig *r)
{
	backend_destroy(r->be);
	r->target->fini(r->target_state);
	evtchn_fini(&r->irq);
	grant_table_fini(&r->grants);
	free(r->sring);
}

static struct blkif_request good_read(uint64_t id)
{
	struct blkif_request req = {
		.operation = BLKIF_OP_READ,
		.nr_segments = 2,
		.id = id,
		.sector_number = 16,
	};

	req.seg[0] = (struct blkif_request_segment){ grant_ref(0), 0, 7 };
	req.seg[1] = (struct blkif_request_segment){ grant_ref(1), 2, 5 };
	return req;
}

static void make_bad_op(struct blkif_request *r)
{
	r->operation = 77;
}
static void make_no_segments(struct blkif_request *r)
{
	r->nr_segments = 0;
}
static void make_too_many_segments(struct blkif_request *r)
{
	r->nr_segments = 12;
}
static void make_last_past_page(struct blkif_request *r)
{
	r->seg[1].last_sect = 8;
}
static void make_first_after_last(struct blkif_request *r)
{
	r->seg[1].first_sect = 6;
}
static void make_gref_low(struct blkif_request *r)
{
	r->seg[0].gref = 0;
}
static void make_gref_high(struct blkif_request *r)
{
	r->seg[1].gref = grant_ref(64);
}
static void make_gref_huge(struct blkif_request *r)
{
	r->seg[1].gref = UINT32_MAX;
}
static void make_past_end(struct blkif_request *r)
{
	r->sector_number = RIG_DISK_BYTES / 512 - 8;
}
static void make_sector_wrap(struct blkif_request *r)
{
	r->sector_number = UINT64_MAX - 4;
}
static void make_flush(struct blkif_request *r)
{
	r->operation = BLKIF_OP_FLUSH_DISKCACHE;
}

static void test_backend_bad_requests(void)
{
	static const struct {
		const char *what;
		void (*spoil)(struct blkif_request *r);
		int16_t status;
	} cases[] = {
		{ "unknown operation", make_bad_op, BLKIF_RSP_EOPNOTSUPP },
		{ "flush not served", make_flush, BLKIF_RSP_EOPNOTSUPP },
		{ "no segments", make_no_segments, BLKIF_RSP_ERROR },
		{ "12 segments", make_too_many_segments, BLKIF_RSP_ERROR },
		{ "last_sect 8", make_last_past_page, BLKIF_RSP_ERROR },
		{ "first > last", make_first_after_last, BLKIF_RSP_ERROR },
		{ "gref below the table", make_gref_low, BLKIF_RSP_ERROR },
		{ "gref past the table", make_gref_high, BLKIF_RSP_ERROR },
		{ "gref UINT32_MAX", make_gref_huge, BLKIF_RSP_ERROR },
		{ "past the disk end", make_past_end, BLKIF_RSP_ERROR },
		{ "sector wraps", make_sector_wrap, BLKIF_RSP_ERROR },
	};
	struct bench_rig r;
	struct backend_stats st;
	uint64_t id = 0;

	rig_init(&r);
	/* Bad and good interleaved: the good ones are still served. */
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct blkif_request bad = good_read(id++);
		struct blkif_request good = good_read(id++);

		cases[i].spoil(&bad);
		ring_front_put_request(&r.front, &bad);
		ring_front_put_request(&r.front, &good);
		ring_front_push_requests(&r.front);
		backend_kick(r.be);
		CU_ASSERT_EQUAL(backend_consume(r.be), 2);
		CU_ASSERT_EQUAL(ring_front_unconsumed_responses(&r.front), 2);

		for (unsigned int k = 0; k < 2; k++) {
			struct blkif_response rsp;
			int16_t want = k == 0 ? cases[i].status :
						BLKIF_RSP_OKAY;

			ring_front_copy_response(&r.front, r.front.rsp_cons++,
						 &rsp);
			CU_ASSERT_EQUAL(rsp.id, id - 2 + k);
			if (rsp.status != want)
				fprintf(stderr, "case '%s': status %d\n",
					cases[i].what, rsp.status);
			CU_ASSERT_EQUAL(rsp.status, want);
		}
	}
	backend_stats(r.be, &st);
	CU_ASSERT_FALSE(st.dead);
	CU_ASSERT_EQUAL(st.requests, 2 * ARRAY_SIZE(cases));
	CU_ASSERT_EQUAL(st.bad_requests + st.unsupported, ARRAY_SIZE(cases));
	CU_ASSERT_EQUAL(st.unsupported, 2);
	CU_ASSERT_EQUAL(st.responses, 2 * ARRAY_SIZE(cases));
	rig_fini(&r);
}

/* A producer index beyond the ring stops the ring; nothing is served. */
static void test_backend_prod_overflow(void)
{
	static const RING_IDX bogus[] = { 33, 1000, UINT32_MAX };

	for (size_t i = 0; i < ARRAY_SIZE(bogus); i++) {
		struct bench_rig r;
		struct backend_stats st;

		rig_init(&r);
		ring_store_release(&r.sring->req_prod, bogus[i]);
		backend_kick(r.be);
		CU_ASSERT_EQUAL(backend_consume(r.be), 0);
		backend_stats(r.be, &st);
		CU_ASSERT_TRUE(st.dead);
		CU_ASSERT_EQUAL(st.requests, 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(st.error, "bogus"));
		/* Dead stays dead. */
		backend_kick(r.be);
		CU_ASSERT_EQUAL(backend_consume(r.be), 0);
		rig_fini(&r);
	}
}

/*
 * A producer moved back behind the requests the backend has consumed but
 * not behind its responses (three reads held at a stalled target): the
 * ring stops, rather than the stale slots being walked as new requests.
 */
static void test_backend_prod_behind_consumer(void)
{
	struct fault_config fc;
	struct backend_config bc = {
		.ring_order = 0,
		.disk_bytes = RIG_DISK_BYTES,
		.coalesce_count = 1,
		.clock = &fake_clock,
	};
	const struct target_ops *ops;
	struct fault *f;
	struct bench_rig r;
	struct backend_stats st;
	char why[128];

	rig_init(&r);
	backend_destroy(r.be);
	fault_config_default(&fc);
	fc.kind = FAULT_STALL;
	fc.rate_ppm = 1000000;
	CU_ASSERT_EQUAL_FATAL(fault_create(&fc, r.target, r.target_state, 32,
					   &ops, &f, why, sizeof(why)),
			      0);
	r.target = ops;
	r.target_state = f;
	bc.sring = r.sring;
	bc.grants = &r.grants;
	bc.irq = &r.irq;
	bc.target = ops;
	bc.target_state = f;
	CU_ASSERT_EQUAL_FATAL(backend_create(&bc, &r.be), 0);
	for (uint64_t id = 0; id < 3; id++) {
		struct blkif_request req = good_read(id);

		ring_front_put_request(&r.front, &req);
	}
	ring_front_push_requests(&r.front);
	backend_kick(r.be);
	CU_ASSERT_EQUAL(backend_consume(r.be), 3);
	ring_store_release(&r.sring->req_prod, 1);
	backend_kick(r.be);
	CU_ASSERT_EQUAL(backend_consume(r.be), 0);
	backend_stats(r.be, &st);
	CU_ASSERT_TRUE(st.dead);
	CU_ASSERT_EQUAL(st.requests, 3);
	CU_ASSERT_EQUAL(st.inflight, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(st.error, "moved the request producer"));
	/* The target first: its held I/Os point into the backend. */
	ops->fini(f);
	r.target = target_find("null");
	CU_ASSERT_EQUAL_FATAL(
		target_open(r.target,
			    &(struct target_config){
				    .size_bytes = RIG_DISK_BYTES, .depth = 32 },
			    &r.target_state, NULL, 0),
		0);
	rig_fini(&r);
}

/* Reads return what was written, through the grant pages. */
static void test_backend_data_path(void)
{
	struct bench_rig r;
	struct blkif_request req = good_read(1);
	struct blkif_response rsp;
	uint8_t *p0;

	rig_init(&r);
	p0 = grant_page(&r.grants, grant_ref(0));
	for (unsigned int i = 0; i < XEN_PAGE_SIZE; i++)
		p0[i] = (uint8_t)(i * 7 + 3);
	req.operation = BLKIF_OP_WRITE;
	req.nr_segments = 1;
	ring_front_put_request(&r.front, &req);
	ring_front_push_requests(&r.front);
	backend_kick(r.be);
	CU_ASSERT_EQUAL(backend_consume(r.be), 1);
	ring_front_copy_response(&r.front, r.front.rsp_cons++, &rsp);
	CU_ASSERT_EQUAL(rsp.status, BLKIF_RSP_OKAY);

	/* Read it back into page 2, sectors 0..7. */
	req = good_read(2);
	req.nr_segments = 1;
	req.seg[0].gref = grant_ref(2);
	ring_front_put_request(&r.front, &req);
	ring_front_push_requests(&r.front);
	backend_kick(r.be);
	CU_ASSERT_EQUAL(backend_consume(r.be), 1);
	ring_front_copy_response(&r.front, r.front.rsp_cons++, &rsp);
	CU_ASSERT_EQUAL(rsp.status, BLKIF_RSP_OKAY);
	CU_ASSERT_EQUAL(memcmp(grant_page(&r.grants, grant_ref(2)), p0,
			       XEN_PAGE_SIZE),
			0);
	rig_fini(&r);
}

/*
 * An indirect request: 20 segments over pages 0..19, descriptors in page
 * 40, for a backend that advertises 32.
 */
#define IND_PAGE 40

static union blkif_sring_entry good_indirect(struct bench_rig *r, uint64_t id)
{
	struct blkif_request_segment *segs =
		grant_page(&r->grants, grant_ref(IND_PAGE));
	union blkif_sring_entry e = {
		.ind = {
			.operation = BLKIF_OP_INDIRECT,
			.indirect_op = BLKIF_OP_WRITE,
			.nr_segments = 20,
			.id = id,
			.sector_number = 64,
			.indirect_grefs = { grant_ref(IND_PAGE) },
		},
	};

	for (unsigned int i = 0; i < 20; i++)
		segs[i] = (struct blkif_request_segment){ grant_ref(i), 0, 7 };
	return e;
}

static void ind_bad_op(struct bench_rig *r, union blkif_sring_entry *e)
{
	(void)r;
	e->ind.indirect_op = BLKIF_OP_FLUSH_DISKCACHE;
}
static void ind_zero(struct bench_rig *r, union blkif_sring_entry *e)
{
	(void)r;
	e->ind.nr_segments = 0;
}
static void ind_too_many(struct bench_rig *r, union blkif_sring_entry *e)
{
	(void)r;
	e->ind.nr_segments = 33;
}
static void ind_bad_page(struct bench_rig *r, union blkif_sring_entry *e)
{
	(void)r;
	e->ind.indirect_grefs[0] = grant_ref(64);
}
static void ind_bad_seg(struct bench_rig *r, union blkif_sring_entry *e)
{
	struct blkif_request_segment *segs =
		grant_page(&r->grants, grant_ref(IND_PAGE));

	(void)e;
	segs[19].last_sect = 8;
}
static void ind_bad_gref(struct bench_rig *r, union blkif_sring_entry *e)
{
	struct blkif_request_segment *segs =
		grant_page(&r->grants, grant_ref(IND_PAGE));

	(void)e;
	segs[7].gref = 3;
}
static void ind_past_end(struct bench_rig *r, union blkif_sring_entry *e)
{
	(void)r;
	e->ind.sector_number = RIG_DISK_BYTES / 512 - 100;
}

static void test_backend_indirect(void)
{
	static const struct {
		void (*spoil)(struct bench_rig *r, union blkif_sring_entry *e);
		int16_t status;
	} cases[] = {
		{ NULL, BLKIF_RSP_OKAY },
		{ ind_bad_op, BLKIF_RSP_ERROR },
		{ ind_zero, BLKIF_RSP_ERROR },
		{ ind_too_many, BLKIF_RSP_ERROR },
		{ ind_bad_page, BLKIF_RSP_ERROR },
		{ ind_bad_seg, BLKIF_RSP_ERROR },
		{ ind_bad_gref, BLKIF_RSP_ERROR },
		{ ind_past_end, BLKIF_RSP_ERROR },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct bench_rig r;
		union blkif_sring_entry e;
		struct blkif_response rsp;

		rig_init_full(&r, 1, 0, 32);
		e = good_indirect(&r, 7);
		if (cases[i].spoil)
			cases[i].spoil(&r, &e);
		ring_front_put_request(&r.front, &e.req);
		ring_front_push_requests(&r.front);
		backend_kick(r.be);
		CU_ASSERT_EQUAL(backend_consume(r.be), 1);
		ring_front_copy_response(&r.front, r.front.rsp_cons++, &rsp);
		CU_ASSERT_EQUAL(rsp.id, 7);
		CU_ASSERT_EQUAL(rsp.operation, BLKIF_OP_INDIRECT);
		if (rsp.status != cases[i].status)
			fprintf(stderr, "indirect case %zu: status %d\n", i,
				rsp.status);
		CU_ASSERT_EQUAL(rsp.status, cases[i].status);
		rig_fini(&r);
	}
}

/* A backend that does not advertise indirect refuses it as unknown. */
static void test_backend_indirect_not_advertised(void)
{
	struct bench_rig r;
	union blkif_sring_entry e;
	struct blkif_response rsp;

	rig_init(&r);
	e = good_indirect(&r, 9);
	ring_front_put_request(&r.front, &e.req);
	ring_front_push_requests(&r.front);
	backend_kick(r.be);
	CU_ASSERT_EQUAL(backend_consume(r.be), 1);
	ring_front_copy_response(&r.front, r.front.rsp_cons++, &rsp);
	CU_ASSERT_EQUAL(rsp.status, BLKIF_RSP_EOPNOTSUPP);
	rig_fini(&r);
}

/* Puts @n good reads on the ring, kicks and consumes them. */
static void feed(struct bench_rig *r, unsigned int n, uint64_t *id)
{
	for (unsigned int i = 0; i < n; i++) {
		struct blkif_request req = good_read((*id)++);

		ring_front_put_request(&r->front, &req);
	}
	ring_front_push_requests(&r->front);
	backend_kick(r->be);
	CU_ASSERT_EQUAL(backend_consume(r->be), n);
}

/* Takes every response and re-arms, as the interrupt handler does. */
static void drain(struct bench_rig *r)
{
	do {
		r->front.rsp_cons = ring_front_rsp_prod(&r->front);
	} while (ring_front_final_check_for_responses(&r->front));
}

/* An owed interrupt fires at exactly K responses or T after the first. */
static void test_backend_coalescing(void)
{
	struct bench_rig r;
	struct backend_stats st;
	struct evtchn_stats es;
	uint64_t id = 0;

	rig_init_coalesce(&r, 4, 1000);
	/* 3 responses: owed since the first, held. */
	feed(&r, 3, &id);
	backend_stats(r.be, &st);
	CU_ASSERT_EQUAL(st.irqs_sent, 0);
	CU_ASSERT_EQUAL(st.irqs_coalesced, 2);
	CU_ASSERT(backend_deadline_ns(r.be) != UINT64_MAX);
	/* The 4th fires it; later ones are held off by the event index. */
	feed(&r, 3, &id);
	backend_stats(r.be, &st);
	CU_ASSERT_EQUAL(st.irqs_sent, 1);
	CU_ASSERT_EQUAL(st.irqs_coalesced, 3);
	CU_ASSERT_EQUAL(st.irqs_suppressed, 2);
	CU_ASSERT_EQUAL(backend_deadline_ns(r.be), UINT64_MAX);

	/* Re-armed: 2 responses are held until T has passed. */
	drain(&r);
	feed(&r, 2, &id);
	backend_tick(r.be);
	backend_stats(r.be, &st);
	CU_ASSERT_EQUAL(st.irqs_sent, 1);
	fake_now = backend_deadline_ns(r.be) - 100;
	backend_tick(r.be); /* the clock reads deadline - 90 */
	backend_stats(r.be, &st);
	CU_ASSERT_EQUAL(st.irqs_sent, 1);
	fake_now = backend_deadline_ns(r.be);
	backend_tick(r.be);
	backend_stats(r.be, &st);
	CU_ASSERT_EQUAL(st.irqs_sent, 2);
	evtchn_stats(&r.irq, &es);
	CU_ASSERT_EQUAL(es.sent, 2);
	CU_ASSERT_EQUAL(st.responses, 8);
	rig_fini(&r);
}

/* K = 1: every owed interrupt fires at once, as without coalescing. */
static void test_backend_no_coalescing(void)
{
	struct bench_rig r;
	struct backend_stats st;
	uint64_t id = 0;

	rig_init(&r);
	for (unsigned int i = 0; i < 5; i++) {
		feed(&r, 2, &id);
		drain(&r);
	}
	backend_stats(r.be, &st);
	CU_ASSERT_EQUAL(st.irqs_sent, 5);
	CU_ASSERT_EQUAL(st.irqs_suppressed, 5);
	CU_ASSERT_EQUAL(st.irqs_coalesced, 0);
	rig_fini(&r);
}

/* ---- The backend's grant strategies, budget and responses --------------- */

/* The hostile-request checks, the data path and indirect in every mode. */
static void test_backend_grants_hostile(void)
{
	static const enum backend_grant_mode modes[] = {
		BACKEND_GRANTS_MAP,
		BACKEND_GRANTS_COPY,
		BACKEND_GRANTS_PERSISTENT,
	};

	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		rig_policy = (struct backend_config){
			.grant_mode = modes[i],
			.grant_call_ns = 100,
			.grant_map_ns = 10,
			.grant_unmap_ns = 10,
			.persistent_max = 4,
		};
		test_backend_bad_requests();
		test_backend_data_path();
		/* Copy mode offers no indirect descriptors (qdisk). */
		if (modes[i] != BACKEND_GRANTS_COPY)
			test_backend_indirect();
		test_backend_indirect_not_advertised();
	}
	rig_policy = (struct backend_config){ 0 };
}

/* Copy mode cannot be created with indirect descriptors on. */
static void test_backend_grants_config(void)
{
	struct bench_rig r;
	struct backend *be;
	struct backend_config bc;

	rig_init(&r);
	bc = (struct backend_config){
		.disk_bytes = RIG_DISK_BYTES,
		.sring = r.sring,
		.grants = &r.grants,
		.irq = &r.irq,
		.target = r.target,
		.target_state = r.target_state,
		.clock = &fake_clock,
		.grant_mode = BACKEND_GRANTS_COPY,
		.max_indirect_segments = 32,
	};
	CU_ASSERT_EQUAL(backend_create(&bc, &be), -EINVAL);
	bc.grant_mode = BACKEND_GRANTS_PERSISTENT; /* persistent_max 0 */
	CU_ASSERT_EQUAL(backend_create(&bc, &be), -EINVAL);
	bc.grant_mode = BACKEND_GRANTS_PERSISTENT + 1;
	CU_ASSERT_EQUAL(backend_create(&bc, &be), -EINVAL);
	rig_fini(&r);
}

/* Puts one entry on the ring, consumes it; returns what was charged. */
static uint64_t serve_one(struct bench_rig *r, const union blkif_sring_entry *e,
			  int16_t want)
{
	struct blkif_response rsp;
	uint64_t before = fake_charged;

	ring_front_put_request(&r->front, &e->req);
	ring_front_push_requests(&r->front);
	backend_kick(r->be);
	CU_ASSERT_EQUAL(backend_consume(r->be), 1);
	ring_front_copy_response(&r->front, r->front.rsp_cons++, &rsp);
	CU_ASSERT_EQUAL(rsp.status, want);
	return fake_charged - before;
}

/*
 * Map: one gnttab call per batch of at most 11 segments, each call and
 * each segment charged exactly; indirect pages mapped and unmapped on
 * their own.
 */
static void test_backend_grant_map_costs(void)
{
	union blkif_sring_entry e = { .req = good_read(1) };
	struct backend_stats st;
	struct bench_rig r;

	rig_policy = (struct backend_config){
		.grant_mode = BACKEND_GRANTS_MAP,
		.grant_call_ns = 1000,
		.grant_map_ns = 100,
		.grant_unmap_ns = 10,
	};
	rig_init_full(&r, 1, 0, 32);
	/* 2 segments: map 1000 + 2 x 100, unmap 1000 + 2 x 10. */
	CU_ASSERT_EQUAL(serve_one(&r, &e, BLKIF_RSP_OKAY), 2220);
	backend_stats(r.be, &st);
	CU_ASSERT_EQUAL(st.grant_maps, 2);
	CU_ASSERT_EQUAL(st.grant_unmaps, 2);
	CU_ASSERT_EQUAL(st.grant_calls, 2);
	/*
	 * 20 segments in one indirect page: the page (1000 + 100, then
	 * 1000 + 10), the segments in two calls each (2000 + 2000, then
	 * 2000 + 200).
	 */
	e = good_indirect(&r, 2);
	CU_ASSERT_EQUAL(serve_one(&r, &e, BLKIF_RSP_OKAY), 8310);
	backend_stats(r.be, &st);
	CU_ASSERT_EQUAL(st.grant_maps, 23);
	CU_ASSERT_EQUAL(st.grant_unmaps, 23);
	CU_ASSERT_EQUAL(st.grant_calls, 8);
	/* A refused request maps nothing. */
	e.req = good_read(3);
	e.req.seg[1].gref = UINT32_MAX;
	CU_ASSERT_EQUAL(serve_one(&r, &e, BLKIF_RSP_ERROR), 0);
	backend_stats(r.be, &st);
	CU_ASSERT_EQUAL(st.grant_maps, 23);
	CU_ASSERT_EQUAL(st.pgrant_misses, 0);
	CU_ASSERT_EQUAL(st.grant_copy_bytes, 0);
	rig_fini(&r);
	rig_policy = (struct backend_config){ 0 };
}

/*
 * Copy: the write's bytes reach the disk through the bounce pages and a
 * read copies back exactly the segments' bytes, nothing else of the
 * pages; one call per request, each segment charged.
 */
static void test_backend_grant_copy(void)
{
	union blkif_sring_entry e = { .req = good_read(1) };
	struct backend_stats st;
	struct bench_rig r;
	uint8_t *p0, *p1, *p4, *p5;

	rig_policy = (struct backend_config){
		.grant_mode = BACKEND_GRANTS_COPY,
		.grant_call_ns = 1000,
		.grant_copy_ns = 50,
	};
	rig_init(&r);
	p0 = grant_page(&r.grants, grant_ref(0));
	p1 = grant_page(&r.grants, grant_ref(1));
	p4 = grant_page(&r.grants, grant_ref(4));
	p5 = grant_page(&r.grants, grant_ref(5));
	for (unsigned int i = 0; i < XEN_PAGE_SIZE; i++) {
		p0[i] = (uint8_t)(i * 7 + 3);
		p1[i] = (uint8_t)(i * 13 + 1);
	}
	/* Page 0 whole, then sectors 2..5 of page 1, at sector 16. */
	e.req.operation = BLKIF_OP_WRITE;
	CU_ASSERT_EQUAL(serve_one(&r, &e, BLKIF_RSP_OKAY), 1100);
	/* Read them back into pages 4 and 5. */
	e.req = good_read(2);
	e.req.seg[0].gref = grant_ref(4);
	e.req.seg[1].gref = grant_ref(5);
	CU_ASSERT_EQUAL(serve_one(&r, &e, BLKIF_RSP_OKAY), 1100);
	CU_ASSERT_EQUAL(memcmp(p4, p0, XEN_PAGE_SIZE), 0);
	CU_ASSERT_EQUAL(memcmp(p5 + 1024, p1 + 1024, 2048), 0);
	for (unsigned int i = 0; i < XEN_PAGE_SIZE; i++)
		if (i < 1024 || i >= 3072)
			CU_ASSERT_EQUAL_FATAL(p5[i], 0);
	backend_stats(r.be, &st);
	CU_ASSERT_EQUAL(st.grant_copies, 4);
	CU_ASSERT_EQUAL(st.grant_copy_bytes, 2 * (4096 + 2048));
	CU_ASSERT_EQUAL(st.grant_calls, 2);
	CU_ASSERT_EQUAL(st.grant_maps, 0);
	rig_fini(&r);
	rig_policy = (struct backend_config){ 0 };
}

/* Persistent: a miss maps, a hit is free, a miss when full evicts the LRU. */
static void test_backend_grant_persistent(void)
{
	static const struct {
		uint32_t page;
		uint64_t charged;
		uint64_t hits, misses, evictions;
	} steps[] = {
		{ 0, 1100, 0, 1, 0 },
		{ 1, 1100, 0, 2, 0 },
		{ 2, 1100, 0, 3, 0 },
		{ 0, 0, 1, 3, 0 },
		/* Full: 1 is idle longest, then 2. */
		{ 3, 1100 + 1010, 1, 4, 1 },
		{ 0, 0, 2, 4, 1 },
		{ 1, 1100 + 1010, 2, 5, 2 },
		{ 3, 0, 3, 5, 2 },
	};
	struct backend_stats st;
	struct bench_rig r;

	rig_policy = (struct backend_config){
		.grant_mode = BACKEND_GRANTS_PERSISTENT,
		.grant_call_ns = 1000,
		.grant_map_ns = 100,
		.grant_unmap_ns = 10,
		.persistent_max = 3,
	};
	rig_init(&r);
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		union blkif_sring_entry e = { .req = good_read(i) };

		e.req.nr_segments = 1;
		e.req.seg[0].gref = grant_ref(steps[i].page);
		CU_ASSERT_EQUAL(serve_one(&r, &e, BLKIF_RSP_OKAY),
				steps[i].charged);
		backend_stats(r.be, &st);
		CU_ASSERT_EQUAL(st.pgrant_hits, steps[i].hits);
		CU_ASSERT_EQUAL(st.pgrant_misses, steps[i].misses);
		CU_ASSERT_EQUAL(st.pgrant_evictions, steps[i].evictions);
	}
	CU_ASSERT_EQUAL(st.grant_maps, 5);
	CU_ASSERT_EQUAL(st.grant_unmaps, 2);
	CU_ASSERT_EQUAL(st.pgrant_uncached, 0);
	rig_fini(&r);
	rig_policy = (struct backend_config){ 0 };
}

/* Puts @n good reads on the ring and kicks, without consuming. */
static void put_reads(struct bench_rig *r, unsigned int n, uint64_t *id)
{
	for (unsigned int i = 0; i < n; i++) {
		struct blkif_request req = good_read((*id)++);

		ring_front_put_request(&r->front, &req);
	}
	ring_front_push_requests(&r->front);
	backend_kick(r->be);
}

/*
 * A budget of 3: a pass takes 3 requests, answers them, and leaves the
 * backend kicked so the next call takes the next 3; 0 takes all.
 */
static void test_backend_budget(void)
{
	struct backend_stats st;
	struct bench_rig r;
	uint64_t id = 0;

	rig_policy = (struct backend_config){ .budget = 3 };
	rig_init(&r);
	put_reads(&r, 8, &id);
	CU_ASSERT_EQUAL(backend_consume(r.be), 3);
	/* Answered before the rest were taken. */
	CU_ASSERT_EQUAL(ring_front_rsp_prod(&r.front), 3);
	backend_stats(r.be, &st);
	CU_ASSERT_EQUAL(st.requests, 3);
	CU_ASSERT_EQUAL(st.passes, 1);
	CU_ASSERT_EQUAL(backend_consume(r.be), 3);
	CU_ASSERT_EQUAL(backend_consume(r.be), 2);
	CU_ASSERT_EQUAL(backend_consume(r.be), 0);
	backend_stats(r.be, &st);
	CU_ASSERT_EQUAL(st.budget_stops, 2);
	CU_ASSERT_EQUAL(st.requests, 8);
	CU_ASSERT_EQUAL(st.responses, 8);
	rig_fini(&r);

	rig_policy = (struct backend_config){ 0 };
	rig_init(&r);
	put_reads(&r, 8, &id);
	CU_ASSERT_EQUAL(backend_consume(r.be), 8);
	backend_stats(r.be, &st);
	CU_ASSERT_EQUAL(st.budget_stops, 0);
	rig_fini(&r);
}

/*
 * Responses pushed each (one push, and with notify always one interrupt,
 * per response) or once per batch (one of each per pass).
 */
static void test_backend_respond_batch(void)
{
	for (int batch = 0; batch <= 1; batch++) {
		struct evtchn_config ec;
		struct backend_stats st;
		struct bench_rig r;
		uint64_t id = 0;

		rig_policy = (struct backend_config){ .respond_batch = batch };
		rig_init(&r);
		evtchn_fini(&r.irq);
		evtchn_config_default(&ec);
		ec.notify = EVTCHN_NOTIFY_ALWAYS;
		CU_ASSERT_EQUAL_FATAL(evtchn_init(&r.irq, &ec), 0);
		put_reads(&r, 5, &id);
		CU_ASSERT_EQUAL(backend_consume(r.be), 5);
		CU_ASSERT_EQUAL(ring_front_rsp_prod(&r.front), 5);
		backend_stats(r.be, &st);
		CU_ASSERT_EQUAL(st.responses, 5);
		CU_ASSERT_EQUAL(st.response_pushes, batch ? 1 : 5);
		CU_ASSERT_EQUAL(st.irqs_sent, batch ? 1 : 5);
		rig_fini(&r);
	}
	rig_policy = (struct backend_config){ 0 };
}

/* ---- A frontend fed bad responses ------------------------------------- */

struct tally {
	uint64_t ok, failed, bytes, lat_sum_ns;
	uint64_t read_bytes;
	uint64_t staged, stage_mismatches; /* stage sums vs latency */
	uint64_t stage_sum[SIM_STAGES];	   /* of the good I/Os */
};

static void tally_complete(void *ctx, const struct frontend_completion *c)
{
	struct tally *t = ctx;

	if (c->ok)
		t->ok++;
	else
		t->failed++;
	t->bytes += c->len_bytes;
	t->read_bytes += c->write ? 0 : c->len_bytes;
	t->lat_sum_ns += c->complete_ns - c->submit_ns;
	if (c->ok) {
		uint64_t sum = 0;

		for (int i = 0; i < SIM_STAGES; i++) {
			sum += c->stage_ns[i];
			t->stage_sum[i] += c->stage_ns[i];
		}
		t->staged += sum != 0;
		t->stage_mismatches += sum != c->complete_ns - c->submit_ns;
	}
}

/* ---- Both actors on one thread, a fake clock and the mem target --------- */

/*
 * One pass of a workload through a frontend and a backend with grant
 * mode @mode (persistent: a cache of @pmax), both driven from this
 * thread on the fake clock, over the target state @ts that outlives the
 * pass.  Fills the counters of both actors.
 */
static void pair_pass(const struct target_ops *t, void *ts,
		      enum backend_grant_mode mode, unsigned int pmax,
		      unsigned int indirect, enum wl_rw rw, uint32_t bs,
		      struct frontend_stats *fst, struct backend_stats *bst)
{
	struct blkif_sring *sring = aligned_alloc(XEN_PAGE_SIZE, ring_bytes(0));
	struct evtchn_port kick, irq;
	struct evtchn_config ec;
	struct grant_table gt;
	struct frontend_config fc;
	struct backend_config bc;
	struct frontend *fe;
	struct backend *be;
	struct tally tally = { 0 };
	struct wl_config wc;
	struct wl *wl;
	unsigned int turns = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sring);
	ring_sring_init(sring, 0);
	CU_ASSERT_EQUAL_FATAL(
		grant_table_init(&gt, frontend_grant_pages(0, indirect)), 0);
	evtchn_config_default(&ec);
	CU_ASSERT_EQUAL_FATAL(evtchn_init(&kick, &ec), 0);
	CU_ASSERT_EQUAL_FATAL(evtchn_init(&irq, &ec), 0);
	wl_config_default(&wc);
	wc.rw = rw;
	wc.bs_bytes = bs;
	wc.size_bytes = RIG_DISK_BYTES;
	wc.io_limit_bytes = RIG_DISK_BYTES;
	wc.seed = 42;
	CU_ASSERT_EQUAL_FATAL(wl_create(&wc, &wl), 0);
	fc = (struct frontend_config){
		.iodepth = 16,
		.max_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST,
		.indirect_segments = indirect,
		.verify = true,
		.verify_seed = 42,
		.sring = sring,
		.grants = &gt,
		.kick = &kick,
		.workload = wl,
		.clock = &fake_clock,
		.complete = tally_complete,
		.complete_ctx = &tally,
		.grant_copy = mode == BACKEND_GRANTS_PERSISTENT,
	};
	bc = (struct backend_config){
		.disk_bytes = RIG_DISK_BYTES,
		.max_indirect_segments = indirect,
		.sring = sring,
		.grants = &gt,
		.irq = &irq,
		.target = t,
		.target_state = ts,
		.clock = &fake_clock,
		.grant_mode = mode,
		.grant_call_ns = 100,
		.grant_map_ns = 10,
		.grant_unmap_ns = 10,
		.persistent_max = pmax,
	};
	CU_ASSERT_EQUAL_FATAL(frontend_create(&fc, &fe), 0);
	CU_ASSERT_EQUAL_FATAL(backend_create(&bc, &be), 0);
	/* Every turn gives each side its notification; bounded. */
	while (!frontend_finished(fe) && turns++ < 100000) {
		frontend_submit(fe);
		backend_kick(be);
		backend_consume(be);
		backend_reap(be);
		frontend_irq(fe);
	}
	CU_ASSERT_TRUE(frontend_finished(fe));
	frontend_stats(fe, fst);
	backend_stats(be, bst);
	CU_ASSERT_EQUAL(tally.failed, 0);
	CU_ASSERT_EQUAL(tally.bytes, RIG_DISK_BYTES);
	CU_ASSERT_EQUAL(fst->verify_errors, 0);
	CU_ASSERT_EQUAL(bst->bad_requests, 0);
	backend_destroy(be);
	frontend_destroy(fe);
	wl_destroy(wl);
	evtchn_fini(&irq);
	evtchn_fini(&kick);
	grant_table_fini(&gt);
	free(sring);
}

/*
 * The whole disk written with 64 KiB I/Os and read back at random with
 * 4 KiB ones, every byte checked, through each grant strategy; the
 * copies move exactly the bytes of the I/Os.
 */
static void test_pair_grants_mem(void)
{
	static const struct {
		enum backend_grant_mode mode;
		unsigned int pmax, indirect;
	} cases[] = {
		{ BACKEND_GRANTS_STATIC, 0, 0 },
		{ BACKEND_GRANTS_MAP, 0, 0 },
		{ BACKEND_GRANTS_MAP, 0, 32 },
		{ BACKEND_GRANTS_COPY, 0, 0 },
		{ BACKEND_GRANTS_PERSISTENT, 1056, 0 },
		{ BACKEND_GRANTS_PERSISTENT, 1056, 32 },
		{ BACKEND_GRANTS_PERSISTENT, 20, 32 }, /* evicts, maps once */
	};
	const struct target_ops *t = target_find("mem");

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct frontend_stats fw, fr;
		struct backend_stats bw, br;
		struct target_config tc;
		void *ts;

		target_config_default(&tc);
		tc.size_bytes = RIG_DISK_BYTES;
		tc.depth = 32;
		CU_ASSERT_EQUAL_FATAL(target_open(t, &tc, &ts, NULL, 0), 0);
		pair_pass(t, ts, cases[i].mode, cases[i].pmax,
			  cases[i].indirect, WL_RW_WRITE, 65536, &fw, &bw);
		pair_pass(t, ts, cases[i].mode, cases[i].pmax,
			  cases[i].indirect, WL_RW_RANDREAD, 4096, &fr, &br);
		CU_ASSERT_EQUAL(fr.ios_completed, RIG_DISK_BYTES / 4096);
		switch (cases[i].mode) {
		case BACKEND_GRANTS_COPY:
			CU_ASSERT_EQUAL(bw.grant_copy_bytes, RIG_DISK_BYTES);
			CU_ASSERT_EQUAL(br.grant_copy_bytes, RIG_DISK_BYTES);
			break;
		case BACKEND_GRANTS_PERSISTENT:
			CU_ASSERT_EQUAL(fw.grant_copy_bytes, RIG_DISK_BYTES);
			CU_ASSERT_EQUAL(fr.grant_copy_bytes, RIG_DISK_BYTES);
			CU_ASSERT_EQUAL(br.pgrant_hits + br.pgrant_misses,
					RIG_DISK_BYTES / 4096);
			if (cases[i].pmax < 32)
				CU_ASSERT(bw.pgrant_evictions > 0);
			CU_ASSERT_EQUAL(bw.grant_maps, bw.pgrant_misses);
			break;
		case BACKEND_GRANTS_MAP:
			CU_ASSERT_EQUAL(br.grant_maps, RIG_DISK_BYTES / 4096);
			CU_ASSERT_EQUAL(br.grant_unmaps, br.grant_maps);
			break;
		default:
			CU_ASSERT_EQUAL(bw.grant_maps + bw.grant_copy_bytes +
						fw.grant_copy_bytes,
					0);
			break;
		}
		if (cases[i].mode != BACKEND_GRANTS_PERSISTENT)
			CU_ASSERT_EQUAL(fw.grant_copy_bytes, 0);
		t->fini(ts);
	}
}

struct front_rig {
	struct blkif_sring *sring;
	struct grant_table grants;
	struct evtchn_port kick;
	struct wl *wl;
	struct frontend *fe;
	struct ring_back back; /* this test plays the backend */
	struct tally tally;
	struct evtchn_port handoff, defer; /* to the policy workers */
	struct gate gate;
	struct sim_stamps stamps[32]; /* stamped by answer() */
};

#define FRONT_IOS 8

/* The knobs a frontend policy test turns; zeroes are the defaults. */
struct front_knobs {
	unsigned int qd_cap, push_batch, tasks;
	enum evtchn_notify_mode notify;
	enum frontend_submit_path submit_path;
	enum frontend_completion_path completion;
	bool lock;
	uint64_t lock_work_ns;
	uint64_t think_ns, think_spin_ns; /* the workload's thinktime */
};

static void front_rig_init_knobs(struct front_rig *r,
				 const struct front_knobs *k,
				 unsigned int expect_put)
{
	struct evtchn_config ec;
	struct wl_config wc;
	struct frontend_config fc;

	memset(r, 0, sizeof(*r));
	r->sring = aligned_alloc(XEN_PAGE_SIZE, ring_bytes(0));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->sring);
	ring_sring_init(r->sring, 0);
	ring_back_init(&r->back, r->sring, 0);
	CU_ASSERT_EQUAL_FATAL(
		grant_table_init(&r->grants, frontend_grant_pages(0, 0)), 0);
	evtchn_config_default(&ec);
	ec.notify = k->notify;
	CU_ASSERT_EQUAL_FATAL(evtchn_init(&r->kick, &ec), 0);
	evtchn_config_default(&ec);
	CU_ASSERT_EQUAL_FATAL(evtchn_init(&r->handoff, &ec), 0);
	CU_ASSERT_EQUAL_FATAL(evtchn_init(&r->defer, &ec), 0);
	CU_ASSERT_EQUAL_FATAL(gate_init(&r->gate,
					&(struct gate_config){
						.kind = GATE_MUTEX,
						.work_ns = k->lock_work_ns,
						.clock = &fake_clock,
					}),
			      0);
	wl_config_default(&wc);
	wc.rw = WL_RW_READ;
	wc.size_bytes = 1 << 20;
	wc.io_limit_bytes = FRONT_IOS * 4096;
	wc.thinktime_ns = k->think_ns;
	wc.thinktime_spin_ns = k->think_spin_ns;
	CU_ASSERT_EQUAL_FATAL(wl_create(&wc, &r->wl), 0);
	fc = (struct frontend_config){
		.ring_order = 0,
		.iodepth = FRONT_IOS,
		.max_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST,
		.qd_cap = k->qd_cap,
		.push_batch = k->push_batch,
		.tasks = k->tasks,
		.sring = r->sring,
		.grants = &r->grants,
		.kick = &r->kick,
		.workload = r->wl,
		.clock = &fake_clock,
		.complete = tally_complete,
		.complete_ctx = &r->tally,
		.submit_path = k->submit_path,
		.completion = k->completion,
		.gate = k->lock ? &r->gate : NULL,
		.handoff = &r->handoff,
		.defer = &r->defer,
		.stamps = r->stamps,
	};
	CU_ASSERT_EQUAL_FATAL(frontend_create(&fc, &r->fe), 0);
	CU_ASSERT_EQUAL(frontend_submit(r->fe), expect_put);
}

static void front_rig_init(struct front_rig *r)
{
	static const struct front_knobs defaults = { 0 };

	front_rig_init_knobs(r, &defaults, FRONT_IOS);
}

static void front_rig_fini(struct front_rig *r)
{
	frontend_destroy(r->fe);
	wl_destroy(r->wl);
	gate_fini(&r->gate);
	evtchn_fini(&r->defer);
	evtchn_fini(&r->handoff);
	evtchn_fini(&r->kick);
	grant_table_fini(&r->grants);
	free(r->sring);
}

/* Answers the next @n requests correctly. */
static void answer(struct front_rig *r, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct blkif_request req;

		ring_back_copy_request(&r->back, r->back.req_cons++, &req);
		if (req.id < ARRAY_SIZE(r->stamps)) {
			uint64_t t = fake_clock_now(&fake_clock);

			r->stamps[req.id] = (struct sim_stamps){ t, t, t, t };
		}
		ring_back_put_response(&r->back, req.id, req.operation,
				       BLKIF_RSP_OKAY);
	}
	ring_back_push_responses(&r->back);
}

static void hostile_bad_id(struct front_rig *r)
{
	answer(r, 2);
	ring_back_put_response(&r->back, 999, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	ring_back_push_responses(&r->back);
}

static void hostile_wrong_op(struct front_rig *r)
{
	struct blkif_request req;

	answer(r, 3);
	ring_back_copy_request(&r->back, r->back.req_cons++, &req);
	ring_back_put_response(&r->back, req.id, BLKIF_OP_WRITE,
			       BLKIF_RSP_OKAY);
	ring_back_push_responses(&r->back);
}

static void hostile_duplicate(struct front_rig *r)
{
	struct blkif_request req;

	answer(r, 1);
	ring_back_copy_request(&r->back, r->back.req_cons++, &req);
	ring_back_put_response(&r->back, req.id, req.operation, BLKIF_RSP_OKAY);
	ring_back_put_response(&r->back, req.id, req.operation, BLKIF_RSP_OKAY);
	ring_back_push_responses(&r->back);
}

static void hostile_prod_overflow(struct front_rig *r)
{
	ring_store_release(&r->sring->rsp_prod, 33);
}

static void hostile_prod_backwards(struct front_rig *r)
{
	ring_store_release(&r->sring->rsp_prod, UINT32_MAX - 2);
}

static void test_frontend_hostile_backend(void)
{
	static const struct {
		const char *what;
		void (*act)(struct front_rig *r);
		uint64_t good; /* I/Os answered well before the bad one */
		const char *error;
	} cases[] = {
		{ "unknown id", hostile_bad_id, 2, "unknown request id" },
		{ "wrong op", hostile_wrong_op, 3, "with op" },
		{ "duplicate", hostile_duplicate, 2, "unknown request id" },
		{ "producer overflow", hostile_prod_overflow, 0, "overflows" },
		{ "producer backwards", hostile_prod_backwards, 0,
		  "overflows" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct front_rig r;
		struct frontend_stats st;

		front_rig_init(&r);
		cases[i].act(&r);
		frontend_irq(r.fe);
		frontend_stats(r.fe, &st);
		if (!st.disabled || r.tally.ok != cases[i].good)
			fprintf(stderr, "case '%s': disabled %d ok %llu\n",
				cases[i].what, st.disabled,
				(unsigned long long)r.tally.ok);
		CU_ASSERT_TRUE(st.disabled);
		CU_ASSERT_PTR_NOT_NULL(strstr(st.error, cases[i].error));
		/* Every outstanding I/O is accounted, none lost. */
		CU_ASSERT_EQUAL(r.tally.ok, cases[i].good);
		CU_ASSERT_EQUAL(r.tally.ok + r.tally.failed, FRONT_IOS);
		CU_ASSERT_EQUAL(st.ios_issued,
				st.ios_completed + st.ios_failed);
		CU_ASSERT_EQUAL(st.inflight, 0);
		CU_ASSERT_TRUE(frontend_finished(r.fe));
		/* A disabled device issues nothing more. */
		CU_ASSERT_EQUAL(frontend_submit(r.fe), 0);
		front_rig_fini(&r);
	}
}

/* The upper queue hands the miniport at most qd_cap I/Os at once. */
static void test_frontend_qd_cap(void)
{
	static const unsigned int caps[] = { 1, 2, 4, 7 };

	for (size_t i = 0; i < ARRAY_SIZE(caps); i++) {
		struct front_knobs k = { .qd_cap = caps[i] };
		struct front_rig r;
		struct frontend_stats st;
		unsigned int on_ring = caps[i];

		front_rig_init_knobs(&r, &k, caps[i]);
		frontend_stats(r.fe, &st);
		/* All admitted (latency runs), only the cap dispatched. */
		CU_ASSERT_EQUAL(st.ios_issued, FRONT_IOS);
		CU_ASSERT_EQUAL(st.qd_cap_stalls, 1);
		CU_ASSERT_EQUAL(ring_back_unconsumed_requests(&r.back),
				caps[i]);
		/* Each completion lets exactly one more through. */
		while (r.tally.ok < FRONT_IOS) {
			answer(&r, 1);
			frontend_irq(r.fe);
			if (on_ring < FRONT_IOS)
				CU_ASSERT_EQUAL(frontend_submit(r.fe), 1);
			on_ring++;
			CU_ASSERT(ring_back_unconsumed_requests(&r.back) <=
				  caps[i]);
		}
		CU_ASSERT_TRUE(frontend_finished(r.fe));
		front_rig_fini(&r);
	}
}

/* A task pool smaller than the ring caps the requests on it. */
static void test_frontend_task_pool(void)
{
	struct front_knobs k = { .tasks = 3 };
	struct front_rig r;
	struct frontend_stats st;

	front_rig_init_knobs(&r, &k, 3);
	frontend_stats(r.fe, &st);
	CU_ASSERT_EQUAL(st.task_stalls, 1);
	CU_ASSERT_EQUAL(ring_back_unconsumed_requests(&r.back), 3);
	while (r.tally.ok < FRONT_IOS) {
		answer(&r, 1);
		frontend_irq(r.fe);
		frontend_submit(r.fe);
		CU_ASSERT(ring_back_unconsumed_requests(&r.back) <= 3);
	}
	CU_ASSERT_TRUE(frontend_finished(r.fe));
	front_rig_fini(&r);
}

/*
 * Submit path worker: frontend_submit() only queues and wakes the worker;
 * frontend_submit_worker() puts on the ring.  The time between the two is
 * the handoff stage, and the stages still add up.
 */
static void test_frontend_submit_worker(void)
{
	struct front_knobs k = {
		.submit_path = FRONTEND_SUBMIT_WORKER,
		.lock = true,
	};
	struct front_rig r;
	struct frontend_stats st;
	struct gate_stats gs;

	front_rig_init_knobs(&r, &k, FRONT_IOS);
	frontend_stats(r.fe, &st);
	CU_ASSERT_EQUAL(st.handoffs, FRONT_IOS);
	CU_ASSERT_EQUAL(st.handoff_notifies, 1);
	CU_ASSERT_EQUAL(st.ring_requests, 0);
	CU_ASSERT_EQUAL(ring_back_unconsumed_requests(&r.back), 0);
	CU_ASSERT_NOT_EQUAL(evtchn_due_ns(&r.handoff), EVTCHN_NEVER);
	fake_now += 1000; /* the worker's wake-up */
	CU_ASSERT_EQUAL(frontend_submit_worker(r.fe), FRONT_IOS);
	CU_ASSERT_EQUAL(ring_back_unconsumed_requests(&r.back), FRONT_IOS);
	/* Nothing left to do: the idle hint spares the gate. */
	frontend_submit(r.fe);
	gate_stats(&r.gate, &gs);
	CU_ASSERT_EQUAL(frontend_submit(r.fe), 0);
	CU_ASSERT_EQUAL(r.gate.st.acquisitions, gs.acquisitions);
	answer(&r, FRONT_IOS);
	CU_ASSERT_EQUAL(frontend_irq(r.fe), FRONT_IOS);
	CU_ASSERT_EQUAL(r.tally.ok, FRONT_IOS);
	CU_ASSERT_EQUAL(r.tally.stage_mismatches, 0);
	CU_ASSERT(r.tally.stage_sum[SIM_STAGE_HANDOFF] >= FRONT_IOS * 1000);
	CU_ASSERT_EQUAL(frontend_completions(r.fe), FRONT_IOS);
	CU_ASSERT_TRUE(frontend_finished(r.fe));
	gate_stats(&r.gate, &gs);
	/* submit, worker, the idle submit, the interrupt. */
	CU_ASSERT_EQUAL(gs.acquisitions, 4);
	front_rig_fini(&r);
}

/*
 * A worker stalled on a full task pool is woken by the completion that
 * frees a task, and only then.
 */
static void test_frontend_worker_stall(void)
{
	struct front_knobs k = {
		.submit_path = FRONTEND_SUBMIT_WORKER,
		.lock = true,
		.tasks = 3,
	};
	struct front_rig r;
	struct frontend_stats st;

	front_rig_init_knobs(&r, &k, FRONT_IOS);
	CU_ASSERT_TRUE(evtchn_poll(&r.handoff, UINT64_MAX));
	CU_ASSERT_EQUAL(frontend_submit_worker(r.fe), 3);
	frontend_stats(r.fe, &st);
	CU_ASSERT_EQUAL(st.task_stalls, 1);
	CU_ASSERT_EQUAL(evtchn_due_ns(&r.handoff), EVTCHN_NEVER);
	while (r.tally.ok < FRONT_IOS) {
		answer(&r, 1);
		frontend_irq(r.fe);
		if (r.tally.ok + 3 <= FRONT_IOS) {
			/* The completion woke the worker; it puts one more. */
			CU_ASSERT_TRUE(evtchn_poll(&r.handoff, UINT64_MAX));
			CU_ASSERT_EQUAL(frontend_submit_worker(r.fe), 1);
		}
	}
	CU_ASSERT_TRUE(frontend_finished(r.fe));
	front_rig_fini(&r);
}

/*
 * Completion path deferred: the handler only acknowledges and wakes the
 * deferred worker; frontend_dpc() completes.  The time between the two
 * is in the complete stage; the stages still add up.
 */
static void test_frontend_deferred(void)
{
	struct front_knobs k = {
		.completion = FRONTEND_COMPLETE_DEFERRED,
		.lock = true,
	};
	struct front_rig r;
	struct frontend_stats st;

	front_rig_init_knobs(&r, &k, FRONT_IOS);
	answer(&r, FRONT_IOS);
	CU_ASSERT_EQUAL(frontend_irq(r.fe), 0);
	CU_ASSERT_EQUAL(r.tally.ok, 0);
	CU_ASSERT_NOT_EQUAL(evtchn_due_ns(&r.defer), EVTCHN_NEVER);
	CU_ASSERT_FALSE(frontend_finished(r.fe));
	fake_now += 5000; /* the deferred worker's wake-up */
	CU_ASSERT_EQUAL(frontend_dpc(r.fe), FRONT_IOS);
	frontend_stats(r.fe, &st);
	CU_ASSERT_EQUAL(st.irqs, 1);
	CU_ASSERT_EQUAL(st.deferred_batches, 1);
	CU_ASSERT_EQUAL(st.responses, FRONT_IOS);
	CU_ASSERT_EQUAL(r.tally.ok, FRONT_IOS);
	CU_ASSERT_EQUAL(r.tally.stage_mismatches, 0);
	CU_ASSERT(r.tally.stage_sum[SIM_STAGE_COMPLETE] >= FRONT_IOS * 5000);
	CU_ASSERT_EQUAL(r.tally.stage_sum[SIM_STAGE_HANDOFF], 0);
	CU_ASSERT_TRUE(frontend_finished(r.fe));
	front_rig_fini(&r);
}

/*
 * The gate with work under it, one thread: each entry holds it for the
 * work at least, never waits, and the handler's share lands in the
 * complete stage.
 */
static void test_frontend_lock_work(void)
{
	struct front_knobs k = { .lock = true, .lock_work_ns = 700 };
	struct front_rig r;
	struct gate_stats gs;

	front_rig_init_knobs(&r, &k, FRONT_IOS);
	answer(&r, FRONT_IOS);
	frontend_irq(r.fe);
	gate_stats(&r.gate, &gs);
	CU_ASSERT_EQUAL(gs.acquisitions, 2);
	CU_ASSERT_EQUAL(gs.contended, 0);
	CU_ASSERT(gs.hold_sum_ns >= 2 * 700);
	CU_ASSERT(gs.hold_max_ns >= 700);
	CU_ASSERT_EQUAL(r.tally.ok, FRONT_IOS);
	CU_ASSERT_EQUAL(r.tally.stage_mismatches, 0);
	CU_ASSERT(r.tally.stage_sum[SIM_STAGE_COMPLETE] >= FRONT_IOS * 700);
	front_rig_fini(&r);
}

/*
 * Think time on the fake clock: the frontend spins think_spin_ns (charged
 * exactly once per I/O that carries it), does not issue before the rest
 * has passed, reports its end as the next due time, and the latency of
 * the I/O starts after it.  With and without the gate.
 */
static void test_frontend_thinktime(void)
{
	for (int lock = 0; lock < 2; lock++) {
		const struct front_knobs k = {
			.lock = lock,
			.think_ns = 50000,
			.think_spin_ns = 20000,
		};
		struct frontend_stats st;
		struct front_rig r;
		uint64_t charged, due;
		unsigned int turns = 0;

		fake_now = 1000000;
		charged = fake_charged;
		/* The first I/O carries no think time; the second starts. */
		front_rig_init_knobs(&r, &k, 1);
		CU_ASSERT_EQUAL(fake_charged - charged, 20000);
		due = frontend_next_due_ns(r.fe);
		CU_ASSERT(due >= 1000000 + 50000);
		CU_ASSERT(due <= fake_now + 30000);
		answer(&r, 1);
		frontend_irq(r.fe);
		/* Not before its time, and no second spin for the same I/O. */
		fake_now = due - 1000;
		CU_ASSERT_EQUAL(frontend_submit(r.fe), 0);
		CU_ASSERT_EQUAL(frontend_submit(r.fe), 0);
		CU_ASSERT_EQUAL(fake_charged - charged, 20000);
		CU_ASSERT_EQUAL(frontend_next_due_ns(r.fe), due);
		while (!frontend_finished(r.fe) && turns++ < 100) {
			due = frontend_next_due_ns(r.fe);
			if (due > fake_now)
				fake_now = due;
			frontend_submit(r.fe);
			if (r.back.req_cons != r.sring->req_prod) {
				answer(&r, 1);
				frontend_irq(r.fe);
			}
		}
		CU_ASSERT_TRUE(frontend_finished(r.fe));
		frontend_stats(r.fe, &st);
		CU_ASSERT_EQUAL(st.ios_completed, FRONT_IOS);
		CU_ASSERT_EQUAL(r.tally.ok, FRONT_IOS);
		CU_ASSERT_EQUAL(st.think_ios, FRONT_IOS - 1);
		CU_ASSERT_EQUAL(st.think_spin_ns, (FRONT_IOS - 1) * 20000ull);
		CU_ASSERT_EQUAL(st.think_wait_ns, (FRONT_IOS - 1) * 30000ull);
		CU_ASSERT_EQUAL(fake_charged - charged,
				(FRONT_IOS - 1) * 20000ull);
		/*
		 * No latency holds a think time's wait; each holds at most
		 * the next I/O's spin (this one-thread test answers after
		 * the submitter returns; a real backend answers meanwhile).
		 */
		CU_ASSERT(r.tally.lat_sum_ns < FRONT_IOS * 21000ull);
		/* Little's law, exactly (closed loop: no schedule lag). */
		CU_ASSERT_EQUAL(st.inflight_area_ns, r.tally.lat_sum_ns);
		CU_ASSERT_EQUAL(st.sched_ios, 0);
		front_rig_fini(&r);
	}
}

/* A worker without the gate, or without its port, is refused. */
static void test_frontend_policy_config(void)
{
	struct frontend_config fc = {
		.iodepth = 1,
		.max_segments = 11,
		.sring = (void *)1,
		.grants = &(struct grant_table){ .nr_pages = 1 << 20 },
		.kick = (void *)1,
		.workload = (void *)1,
		.clock = &fake_clock,
		.complete = tally_complete,
	};
	char why[160];

	CU_ASSERT_EQUAL(frontend_config_check(&fc, why, sizeof(why)), 0);
	fc.submit_path = FRONTEND_SUBMIT_WORKER;
	CU_ASSERT_EQUAL(frontend_config_check(&fc, why, sizeof(why)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "handoff port"));
	fc.handoff = (void *)1;
	CU_ASSERT_EQUAL(frontend_config_check(&fc, why, sizeof(why)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "lock single"));
	fc.gate = (void *)1;
	CU_ASSERT_EQUAL(frontend_config_check(&fc, why, sizeof(why)), 0);
	fc.completion = FRONTEND_COMPLETE_DEFERRED;
	CU_ASSERT_EQUAL(frontend_config_check(&fc, why, sizeof(why)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "defer port"));
}

/* Pushes per batch, and the notify mode decides the kicks. */
static void test_frontend_push_and_notify(void)
{
	static const struct {
		unsigned int push_batch;
		enum evtchn_notify_mode notify;
		uint64_t pushes, kicks_sent, kicks_suppressed;
	} cases[] = {
		/* The backend asked for request 1 only: one kick. */
		{ 1, EVTCHN_NOTIFY_EVENT, 8, 1, 7 },
		{ 4, EVTCHN_NOTIFY_EVENT, 2, 1, 1 },
		{ 3, EVTCHN_NOTIFY_EVENT, 3, 1, 2 }, /* 3 + 3 + dry 2 */
		{ 8, EVTCHN_NOTIFY_EVENT, 1, 1, 0 },
		{ 1, EVTCHN_NOTIFY_ALWAYS, 8, 8, 0 },
		{ 4, EVTCHN_NOTIFY_ALWAYS, 2, 2, 0 },
		{ 1, EVTCHN_NOTIFY_POLL, 8, 0, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct front_knobs k = { .push_batch = cases[i].push_batch,
					 .notify = cases[i].notify };
		struct front_rig r;
		struct frontend_stats st;
		struct evtchn_stats es;

		front_rig_init_knobs(&r, &k, FRONT_IOS);
		frontend_stats(r.fe, &st);
		evtchn_stats(&r.kick, &es);
		CU_ASSERT_EQUAL(st.pushes, cases[i].pushes);
		CU_ASSERT_EQUAL(st.kicks_sent, cases[i].kicks_sent);
		CU_ASSERT_EQUAL(st.kicks_suppressed, cases[i].kicks_suppressed);
		CU_ASSERT_EQUAL(es.sent, cases[i].kicks_sent);
		CU_ASSERT_EQUAL(ring_back_unconsumed_requests(&r.back),
				FRONT_IOS);
		/* Poll mode: responses are reaped without an interrupt. */
		answer(&r, FRONT_IOS);
		CU_ASSERT_EQUAL(frontend_reap(r.fe), FRONT_IOS);
		CU_ASSERT_EQUAL(r.tally.ok, FRONT_IOS);
		front_rig_fini(&r);
	}
}

/* Large I/Os are split into 44 KiB ring requests and complete as one. */
static void test_frontend_split(void)
{
	static const struct {
		uint32_t bs, max_segments, indirect, parts, indirect_parts;
	} cases[] = {
		{ 4096, 11, 0, 1, 0 },
		{ 45056, 11, 0, 1, 0 },
		{ 49152, 11, 0, 2, 0 },
		{ 65536, 11, 0, 2, 0 },
		{ 131072, 11, 0, 3, 0 },
		{ 65536, 1, 0, 16, 0 },
		{ 512, 11, 0, 1, 0 },
		{ 2048 + 4096, 11, 0, 1, 0 },
		/* Indirect: only what a direct request cannot carry. */
		{ 45056, 11, 32, 1, 0 },
		{ 49152, 11, 32, 1, 1 },
		{ 131072, 11, 32, 1, 1 },
		{ 135168, 11, 32, 2, 1 },
		{ 1048576, 11, 256, 1, 1 },
		{ 1048576, 11, 32, 8, 8 },
		{ 65536 + 512, 11, 16, 2, 1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct blkif_sring *s =
			aligned_alloc(XEN_PAGE_SIZE, ring_bytes(0));
		struct grant_table gt;
		struct evtchn_port kick;
		struct evtchn_config ec;
		struct wl_config wc;
		struct wl *wl;
		struct frontend *fe;
		struct frontend_stats st;
		struct ring_back back;
		struct tally t = { 0 };
		uint64_t sectors = 0;
		struct frontend_config fc;

		ring_sring_init(s, 0);
		ring_back_init(&back, s, 0);
		CU_ASSERT_EQUAL_FATAL(
			grant_table_init(&gt, frontend_grant_pages(
						      0, cases[i].indirect)),
			0);
		evtchn_config_default(&ec);
		CU_ASSERT_EQUAL_FATAL(evtchn_init(&kick, &ec), 0);
		wl_config_default(&wc);
		wc.rw = WL_RW_WRITE;
		wc.bs_bytes = cases[i].bs;
		wc.size_bytes = 16 << 20;
		wc.io_limit_bytes = cases[i].bs;
		CU_ASSERT_EQUAL_FATAL(wl_create(&wc, &wl), 0);
		fc = (struct frontend_config){
			.ring_order = 0,
			.iodepth = 4,
			.max_segments = cases[i].max_segments,
			.indirect_segments = cases[i].indirect,
			.sring = s,
			.grants = &gt,
			.kick = &kick,
			.workload = wl,
			.clock = &fake_clock,
			.complete = tally_complete,
			.complete_ctx = &t,
		};
		CU_ASSERT_EQUAL_FATAL(frontend_create(&fc, &fe), 0);
		CU_ASSERT_EQUAL(frontend_submit(fe), 1);
		CU_ASSERT_EQUAL(ring_back_unconsumed_requests(&back),
				cases[i].parts);
		for (uint32_t p = 0; p < cases[i].parts; p++) {
			union blkif_sring_entry e;
			struct blkif_request *req = &e.req;

			ring_back_copy_request(&back, back.req_cons++, req);
			/* Parts are contiguous on the disk. */
			CU_ASSERT_EQUAL(req->sector_number, sectors);
			if (req->operation == BLKIF_OP_INDIRECT) {
				/* The descriptors, from the indirect pages. */
				const struct blkif_request_segment *seg =
					grant_page(&gt,
						   e.ind.indirect_grefs[0]);

				CU_ASSERT(e.ind.nr_segments >
					  cases[i].max_segments);
				CU_ASSERT(e.ind.nr_segments <=
					  cases[i].indirect);
				CU_ASSERT_EQUAL(e.ind.indirect_op,
						BLKIF_OP_WRITE);
				for (unsigned int g = 0; g < e.ind.nr_segments;
				     g++) {
					CU_ASSERT_PTR_NOT_NULL(
						grant_page(&gt, seg[g].gref));
					sectors += seg[g].last_sect -
						   seg[g].first_sect + 1u;
				}
			} else {
				CU_ASSERT(req->nr_segments <=
					  cases[i].max_segments);
				for (unsigned int g = 0; g < req->nr_segments;
				     g++)
					sectors += req->seg[g].last_sect -
						   req->seg[g].first_sect + 1u;
			}
			ring_back_put_response(&back, req->id, req->operation,
					       BLKIF_RSP_OKAY);
			ring_back_push_responses(&back);
			frontend_irq(fe);
			/* The I/O completes with its last part only. */
			CU_ASSERT_EQUAL(t.ok, p + 1 == cases[i].parts);
		}
		CU_ASSERT_EQUAL(sectors * 512, cases[i].bs);
		frontend_stats(fe, &st);
		CU_ASSERT_EQUAL(st.ring_requests, cases[i].parts);
		CU_ASSERT_EQUAL(st.indirect_requests, cases[i].indirect_parts);
		CU_ASSERT_TRUE(frontend_finished(fe));
		frontend_destroy(fe);
		wl_destroy(wl);
		evtchn_fini(&kick);
		grant_table_fini(&gt);
		free(s);
	}
}

/* ---- The whole path on the thread engine -------------------------------- */

static char tmpdir[64];

static int suite_tmp_init(void)
{
	strcpy(tmpdir, "/tmp/blkring-test-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int suite_tmp_cleanup(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/disk", tmpdir);
	unlink(path);
	return rmdir(tmpdir);
}

static bool engine_skip(int rc)
{
	if (rc == -ENOSYS || rc == -EPERM) {
		cu_skip("io_uring is unavailable");
		return true;
	}
	return false;
}

/*
 * Runs one pass and checks conservation and Little's law; returns the
 * result for further checks.
 */
static int run_pass(struct engine_config *cfg, struct engine_result *res,
		    struct tally *t)
{
	char why[256] = "";
	int rc;

	memset(t, 0, sizeof(*t));
	cfg->complete = tally_complete;
	cfg->complete_ctx = t;
	rc = engine_run(cfg, res, why, sizeof(why));
	if (rc) {
		if (!engine_skip(rc))
			fprintf(stderr, "engine_run: %s\n", why);
		return rc;
	}
	/* Conservation: issued = completed + failed, nothing in flight. */
	CU_ASSERT_EQUAL(res->fe.ios_issued,
			res->fe.ios_completed + res->fe.ios_failed);
	CU_ASSERT_EQUAL(res->fe.inflight, 0);
	CU_ASSERT_EQUAL(t->ok, res->fe.ios_completed);
	CU_ASSERT_EQUAL(t->failed, res->fe.ios_failed);
	CU_ASSERT_FALSE(res->drain_timeout);
	/*
	 * Little's law, exactly: the in-flight integral is the sum of the
	 * latencies, both taken from the same time stamps (in open loop the
	 * latency also holds each I/O's wait before it was issued).
	 */
	CU_ASSERT_EQUAL(res->fe.inflight_area_ns + res->fe.sched_lag_sum_ns,
			t->lat_sum_ns);
	/* Every I/O's stages add up to its latency, exactly. */
	CU_ASSERT_EQUAL(t->stage_mismatches, 0);
	CU_ASSERT_EQUAL(t->staged, t->ok);
	return 0;
}

/* ---- verify=crc32c against a disk that lies ----------------------------- */

/*
 * A target that wraps mem and tampers with what it stores, keeping its
 * own account of what the frontend must then find:
 *
 *   FLIP_PAYLOAD, FLIP_HEADER  every period-th read of a block this run
 *       wrote, one byte of it is flipped on the disk before the read (in
 *       the payload, or in the header past the magic) and put back after:
 *       one checksum mismatch each;
 *   REWRITE_OLD  every period-th write of a block written before, the
 *       block's previous content is written back after it: a stale block,
 *       one generation mismatch per read until the next write;
 *   REORDER  I/Os are queued and land (reach mem) in reverse order, so
 *       two overlapping I/Os in flight would land out of issue order;
 *       counts such overlaps, which the frontend must never issue.
 *
 * Every read of a block never written counts as unwritten.
 */
enum tm_mode {
	TM_NONE,
	TM_FLIP_PAYLOAD,
	TM_FLIP_HEADER,
	TM_REWRITE_OLD,
	TM_REORDER
};

#define TM_BLOCKS 64 /* a 256 KiB region: blocks are hit often */
#define TM_QUEUE 64

struct tamper {
	const struct target_ops *mem;
	void *ms;
	enum tm_mode mode;
	unsigned int period;
	uint64_t chances;	    /* reads or writes that could tamper */
	uint32_t writes[TM_BLOCKS]; /* good writes landed */
	bool stale[TM_BLOCKS];
	_Alignas(4096) uint8_t prev[TM_BLOCKS][4096]; /* before the last write */
	uint64_t expect_mismatch, expect_unwritten, tampered;
	struct target_io *q[TM_QUEUE];
	unsigned int nq;
	uint64_t overlaps, max_queued;
};

static struct tamper tm;

/* One block of mem, read or written synchronously. */
static void tm_block(uint64_t b, void *buf, bool write)
{
	static struct target_io io;

	io.offset_bytes = b * 4096;
	io.iov[0] = (struct iovec){ .iov_base = buf, .iov_len = 4096 };
	io.nr_iov = 1;
	io.write = write;
	CU_ASSERT_EQUAL(tm.mem->submit(tm.ms, &io), TARGET_DONE);
	CU_ASSERT_EQUAL(io.result, 4096);
}

static uint64_t tm_len(const struct target_io *io)
{
	uint64_t len = 0;

	for (unsigned int i = 0; i < io->nr_iov; i++)
		len += io->iov[i].iov_len;
	return len;
}

/* Forwards @io to mem, tampering around it per the mode. */
static void tm_land(struct target_io *io)
{
	uint64_t first = io->offset_bytes / 4096, n = tm_len(io) / 4096;
	uint32_t flip[TARGET_MAX_IOV];
	static _Alignas(4096) uint8_t buf[4096];

	for (uint64_t i = 0; i < n; i++) {
		uint64_t b = first + i;

		flip[i] = 0;
		if (b >= TM_BLOCKS)
			continue;
		if (io->write) {
			if (tm.mode == TM_REWRITE_OLD)
				tm_block(b, tm.prev[b], false);
			continue;
		}
		if (!tm.writes[b]) {
			tm.expect_unwritten++;
			continue;
		}
		if (tm.stale[b]) {
			tm.expect_mismatch++;
			continue;
		}
		if ((tm.mode == TM_FLIP_PAYLOAD || tm.mode == TM_FLIP_HEADER) &&
		    ++tm.chances % tm.period == 0) {
			/* Header: bytes 4..39, past the magic. */
			flip[i] = tm.mode == TM_FLIP_HEADER ?
					  4 + (uint32_t)(tm.chances % 36) :
					  40 + (uint32_t)(tm.chances % 4056);
			tm_block(b, buf, false);
			buf[flip[i]] ^= 0x01;
			tm_block(b, buf, true);
			tm.expect_mismatch++;
			tm.tampered++;
		}
	}
	CU_ASSERT_EQUAL(tm.mem->submit(tm.ms, io), TARGET_DONE);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t b = first + i;

		if (b >= TM_BLOCKS)
			continue;
		if (flip[i]) {
			tm_block(b, buf, false);
			buf[flip[i]] ^= 0x01;
			tm_block(b, buf, true);
		}
		if (!io->write)
			continue;
		tm.writes[b]++;
		tm.stale[b] = false;
		if (tm.mode == TM_REWRITE_OLD && tm.writes[b] >= 2 &&
		    ++tm.chances % tm.period == 0) {
			tm_block(b, tm.prev[b], true);
			tm.stale[b] = true;
			tm.tampered++;
		}
	}
}

static bool tm_overlap(const struct target_io *a, const struct target_io *b)
{
	return a->offset_bytes < b->offset_bytes + tm_len(b) &&
	       b->offset_bytes < a->offset_bytes + tm_len(a) &&
	       (a->write || b->write);
}

static int tm_submit(void *state, struct target_io *io)
{
	(void)state;
	if (tm.mode != TM_REORDER) {
		tm_land(io);
		return TARGET_DONE;
	}
	if (tm.nq == TM_QUEUE)
		return -EBUSY;
	for (unsigned int i = 0; i < tm.nq; i++)
		tm.overlaps += tm_overlap(tm.q[i], io);
	tm.q[tm.nq++] = io;
	if (tm.nq > tm.max_queued)
		tm.max_queued = tm.nq;
	return TARGET_QUEUED;
}

static int tm_flush(void *state)
{
	(void)state;
	return 0;
}

/* Lands the queue last first, and hands it all back. */
static int tm_reap(void *state, struct target_io **done, unsigned int max,
		   bool wait)
{
	unsigned int n = 0;

	(void)state;
	(void)wait;
	while (tm.nq && n < max) {
		struct target_io *io = tm.q[--tm.nq];

		tm_land(io);
		done[n++] = io;
	}
	return (int)n;
}

static int tm_wait_fd(void *state)
{
	(void)state;
	return -1;
}

static uint64_t tm_size(void *state)
{
	(void)state;
	return RIG_DISK_BYTES;
}

static void tm_fini(void *state)
{
	(void)state;
}

static const struct target_ops tm_ops = {
	.name = "tamper",
	.submit = tm_submit,
	.flush = tm_flush,
	.reap = tm_reap,
	.wait_fd = tm_wait_fd,
	.size_bytes = tm_size,
	.fini = tm_fini,
};

/* The shape of one tamper run: grants, indirect segments, block size. */
struct crc_case {
	enum backend_grant_mode mode;
	unsigned int pmax, indirect;
	uint32_t bs;
};

/*
 * Runs randrw (norandommap, 50% reads, 20 passes' worth) with
 * verify=crc32c over the first TM_BLOCKS blocks of a fresh mem disk
 * through the tamperer in @mode, both actors on this thread; fills the
 * frontend's counters and the tally.
 */
static void crc_pass(const struct crc_case *c, enum tm_mode mode,
		     unsigned int period, struct frontend_stats *fst,
		     struct tally *tally)
{
	struct blkif_sring *sring = aligned_alloc(XEN_PAGE_SIZE, ring_bytes(0));
	struct evtchn_port kick, irq;
	struct evtchn_config ec;
	struct grant_table gt;
	struct target_config tc;
	struct frontend_config fc;
	struct backend_config bc;
	struct backend_stats bst;
	struct frontend *fe;
	struct backend *be;
	struct wl_config wc;
	struct wl *wl;
	unsigned int turns = 0;

	memset(&tm, 0, sizeof(tm));
	memset(tally, 0, sizeof(*tally));
	tm.mem = target_find("mem");
	tm.mode = mode;
	tm.period = period;
	target_config_default(&tc);
	tc.size_bytes = RIG_DISK_BYTES;
	CU_ASSERT_EQUAL_FATAL(target_open(tm.mem, &tc, &tm.ms, NULL, 0), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sring);
	ring_sring_init(sring, 0);
	CU_ASSERT_EQUAL_FATAL(
		grant_table_init(&gt, frontend_grant_pages(0, c->indirect)), 0);
	evtchn_config_default(&ec);
	CU_ASSERT_EQUAL_FATAL(evtchn_init(&kick, &ec), 0);
	CU_ASSERT_EQUAL_FATAL(evtchn_init(&irq, &ec), 0);
	wl_config_default(&wc);
	wc.rw = WL_RW_RANDRW;
	wc.bs_bytes = c->bs;
	wc.size_bytes = TM_BLOCKS * 4096;
	wc.io_limit_bytes = 20 * wc.size_bytes;
	wc.norandommap = true;
	wc.seed = 42;
	CU_ASSERT_EQUAL_FATAL(wl_create(&wc, &wl), 0);
	fc = (struct frontend_config){
		.iodepth = 16,
		.max_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST,
		.indirect_segments = c->indirect,
		.verify = FRONTEND_VERIFY_CRC32C,
		.verify_seed = 42,
		.sring = sring,
		.grants = &gt,
		.kick = &kick,
		.workload = wl,
		.clock = &fake_clock,
		.complete = tally_complete,
		.complete_ctx = tally,
		.grant_copy = c->mode == BACKEND_GRANTS_PERSISTENT,
	};
	bc = (struct backend_config){
		.disk_bytes = RIG_DISK_BYTES,
		.max_indirect_segments = c->indirect,
		.sring = sring,
		.grants = &gt,
		.irq = &irq,
		.target = &tm_ops,
		.target_state = &tm,
		.clock = &fake_clock,
		.grant_mode = c->mode,
		.grant_call_ns = 100,
		.grant_map_ns = 10,
		.grant_unmap_ns = 10,
		.persistent_max = c->pmax,
	};
	CU_ASSERT_EQUAL_FATAL(frontend_create(&fc, &fe), 0);
	CU_ASSERT_EQUAL_FATAL(backend_create(&bc, &be), 0);
	while (!frontend_finished(fe) && turns++ < 200000) {
		frontend_submit(fe);
		backend_kick(be);
		backend_consume(be);
		backend_reap(be);
		frontend_irq(fe);
	}
	CU_ASSERT_TRUE(frontend_finished(fe));
	frontend_stats(fe, fst);
	backend_stats(be, &bst);
	CU_ASSERT_EQUAL(bst.bad_requests, 0);
	CU_ASSERT_EQUAL(tally->bytes, wc.io_limit_bytes);
	/* What the frontend found is what the tamperer did, exactly. */
	CU_ASSERT_EQUAL(fst->verify_errors, tm.expect_mismatch);
	CU_ASSERT_EQUAL(fst->verify_unwritten, tm.expect_unwritten);
	CU_ASSERT(fst->verify_unwritten > 0);
	CU_ASSERT(fst->verify_blocks > 0);
	CU_ASSERT_EQUAL(fst->verify_nr_details,
			fst->verify_errors < FRONTEND_VERIFY_DETAILS ?
				fst->verify_errors :
				FRONTEND_VERIFY_DETAILS);
	/* A failed I/O holds at least one mismatched block. */
	CU_ASSERT(tally->failed <= fst->verify_errors);
	CU_ASSERT_EQUAL(tally->failed == 0, fst->verify_errors == 0);
	backend_destroy(be);
	frontend_destroy(fe);
	tm.mem->fini(tm.ms);
	wl_destroy(wl);
	evtchn_fini(&irq);
	evtchn_fini(&kick);
	grant_table_fini(&gt);
	free(sring);
}

static const struct crc_case crc_cases[] = {
	{ BACKEND_GRANTS_STATIC, 0, 0, 4096 },
	/* 64 KiB: split into two ring requests (11 + 5 segments). */
	{ BACKEND_GRANTS_MAP, 0, 0, 65536 },
	/* 128 KiB in one indirect request, through persistent grants. */
	{ BACKEND_GRANTS_PERSISTENT, 1056, 32, 131072 },
	{ BACKEND_GRANTS_COPY, 0, 0, 16384 },
};

/* Untouched: randrw over a fresh disk, no mismatch, unwritten counted. */
static void test_crc_clean(void)
{
	struct frontend_stats st;
	struct tally t;

	for (size_t i = 0; i < ARRAY_SIZE(crc_cases); i++) {
		crc_pass(&crc_cases[i], TM_NONE, 1, &st, &t);
		CU_ASSERT_EQUAL(st.verify_errors, 0);
		CU_ASSERT_EQUAL(t.failed, 0);
		if (crc_cases[i].bs > 44 * 1024) {
			CU_ASSERT(st.ring_requests > st.ios_completed ||
				  st.indirect_requests > 0);
		}
	}
}

/* One byte flipped on the disk, in the payload or the header: found. */
static void test_crc_flipped_byte(void)
{
	static const enum tm_mode modes[] = { TM_FLIP_PAYLOAD, TM_FLIP_HEADER };
	struct frontend_stats st;
	struct tally t;

	for (size_t m = 0; m < ARRAY_SIZE(modes); m++)
		for (size_t i = 0; i < ARRAY_SIZE(crc_cases); i++) {
			crc_pass(&crc_cases[i], modes[m], 7, &st, &t);
			CU_ASSERT(tm.tampered > 0);
			CU_ASSERT(st.verify_errors > 0);
			CU_ASSERT_EQUAL(st.verify_details[0].field,
					WL_VF_CHECKSUM);
			CU_ASSERT_NOT_EQUAL(st.verify_details[0].expected,
					    st.verify_details[0].actual);
		}
}

/* A block's previous generation written back: read as stale. */
static void test_crc_stale_block(void)
{
	struct frontend_stats st;
	struct tally t;

	for (size_t i = 0; i < ARRAY_SIZE(crc_cases); i++) {
		crc_pass(&crc_cases[i], TM_REWRITE_OLD, 5, &st, &t);
		CU_ASSERT(tm.tampered > 0);
		CU_ASSERT(st.verify_errors > 0);
		for (unsigned int k = 0; k < st.verify_nr_details; k++) {
			const struct frontend_verify_mismatch *m =
				&st.verify_details[k];

			CU_ASSERT_EQUAL(m->field, WL_VF_GENERATION);
			CU_ASSERT_EQUAL(m->actual + 1, m->expected);
			CU_ASSERT_EQUAL(m->offset_bytes % 4096, 0);
		}
	}
}

/*
 * A disk that lands I/Os in reverse order: the frontend never has two
 * overlapping I/Os in flight when one writes (it waits instead, and
 * counts the waits), so no read can see a write land out of order.
 */
static void test_crc_overlap_serialized(void)
{
	struct frontend_stats st;
	struct tally t;

	for (size_t i = 0; i < ARRAY_SIZE(crc_cases); i++) {
		crc_pass(&crc_cases[i], TM_REORDER, 1, &st, &t);
		CU_ASSERT_EQUAL(tm.overlaps, 0);
		CU_ASSERT(tm.max_queued > 1);
		CU_ASSERT(st.verify_overlap_stalls > 0);
		CU_ASSERT_EQUAL(st.verify_errors, 0);
		CU_ASSERT_EQUAL(t.failed, 0);
	}
}

/*
 * I/Os that are not whole 4 KiB blocks, or a region that does not start
 * on one, are refused at creation with the reason.
 */
static void test_crc_alignment(void)
{
	static const struct {
		uint32_t bs;
		uint64_t offset, limit;
	} bad[] = {
		{ 2048, 0, 0 },
		{ 4096, 512, 0 },
		{ 4096, 0, 4096 * 3 + 512 },
	};
	struct blkif_sring *sring = aligned_alloc(XEN_PAGE_SIZE, ring_bytes(0));
	struct evtchn_port kick;
	struct evtchn_config ec;
	struct grant_table gt;
	struct frontend_config fc;
	struct wl_config wc;
	struct wl *wl;
	char why[160];

	CU_ASSERT_PTR_NOT_NULL_FATAL(sring);
	ring_sring_init(sring, 0);
	CU_ASSERT_EQUAL_FATAL(grant_table_init(&gt, frontend_grant_pages(0, 0)),
			      0);
	evtchn_config_default(&ec);
	CU_ASSERT_EQUAL_FATAL(evtchn_init(&kick, &ec), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		wl_config_default(&wc);
		wc.bs_bytes = bad[i].bs;
		wc.offset_bytes = bad[i].offset;
		wc.size_bytes = 1 << 20;
		wc.io_limit_bytes = bad[i].limit;
		CU_ASSERT_EQUAL_FATAL(wl_create(&wc, &wl), 0);
		fc = (struct frontend_config){
			.iodepth = 4,
			.max_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST,
			.verify = FRONTEND_VERIFY_CRC32C,
			.sring = sring,
			.grants = &gt,
			.kick = &kick,
			.workload = wl,
			.clock = &fake_clock,
			.complete = tally_complete,
		};
		why[0] = '\0';
		CU_ASSERT_EQUAL(frontend_config_check(&fc, why, sizeof(why)),
				-EINVAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "verify crc32c"));
		fc.verify = FRONTEND_VERIFY_PATTERN;
		CU_ASSERT_EQUAL(frontend_config_check(&fc, why, sizeof(why)),
				0);
		wl_destroy(wl);
	}
	evtchn_fini(&kick);
	grant_table_fini(&gt);
	free(sring);
}

/* The grant strategy the next engine runs use (0: static). */
static enum backend_grant_mode engine_grants;

static void engine_cfg(struct engine_config *cfg, const char *target,
		       enum evtchn_wait wait)
{
	static char path[128];

	engine_config_default(cfg);
	snprintf(path, sizeof(path), "%s/disk", tmpdir);
	cfg->target = target_find(target);
	cfg->target_cfg.path = path;
	cfg->target_cfg.size_bytes = 8 << 20;
	cfg->target_cfg.direct = true;
	cfg->workload.size_bytes = 8 << 20;
	cfg->workload.seed = 42;
	cfg->verify = true;
	cfg->evtchn.wait = wait;
	cfg->grant_mode = engine_grants;
	cfg->grant_call_ns = 200;
	cfg->grant_map_ns = 50;
	cfg->grant_unmap_ns = 50;
	cfg->persistent_max = 64; /* fewer than the 352 pages: evictions */
}

/*
 * Writes the whole file with 64 KiB I/Os (each split in two ring
 * requests), reads it back at random with 4 KiB I/Os, then checks every
 * byte of the file directly.
 */
static void verify_file(enum evtchn_wait wait, uint64_t latency_ns,
			bool workers)
{
	struct engine_config cfg;
	struct engine_result res;
	struct tally t;
	char path[128];

	engine_cfg(&cfg, "uring", wait);
	cfg.evtchn.latency_ns = latency_ns;
	if (workers) {
		cfg.submit_path = FRONTEND_SUBMIT_WORKER;
		cfg.completion = FRONTEND_COMPLETE_DEFERRED;
		cfg.lock = true;
	}
	cfg.workload.rw = WL_RW_WRITE;
	cfg.workload.bs_bytes = 65536;
	cfg.workload.io_limit_bytes = 8 << 20;
	if (run_pass(&cfg, &res, &t))
		return;
	CU_ASSERT_EQUAL(t.ok, 128);
	CU_ASSERT_EQUAL(t.failed, 0);
	CU_ASSERT_EQUAL(res.fe.ring_requests, 256);
	CU_ASSERT_EQUAL(res.be.requests, 256);
	CU_ASSERT_EQUAL(res.be.bad_requests, 0);

	cfg.workload.rw = WL_RW_RANDREAD;
	cfg.workload.bs_bytes = 4096;
	if (run_pass(&cfg, &res, &t))
		return;
	CU_ASSERT_EQUAL(t.ok, 2048);
	CU_ASSERT_EQUAL(t.failed, 0);
	CU_ASSERT_EQUAL(res.fe.verify_errors, 0);

	/* Every byte of the file, independently of the model. */
	snprintf(path, sizeof(path), "%s/disk", tmpdir);
	check_file_pattern(path, 8 << 20, 42);
}

static void test_engine_verify_spin(void)
{
	verify_file(EVTCHN_WAIT_SPIN, 0, false);
}

static void test_engine_verify_sleep(void)
{
	verify_file(EVTCHN_WAIT_SLEEP, 0, false);
}

static void test_engine_verify_busypoll(void)
{
	verify_file(EVTCHN_WAIT_BUSYPOLL, 0, false);
	verify_file(EVTCHN_WAIT_BUSYPOLL, 0, true);
}

/*
 * Busypoll's sleeps.  Ping-pong at depth 1 on the null target: each
 * thread's idle spells are one round trip long, or a scheduling delay on
 * a loaded machine.  Polling for 1 s, longer than any of those, neither
 * thread sleeps (a spell of a second would need a thread starved for a
 * second: at most a couple are allowed); polling for 0, every wait that
 * finds nothing pending sleeps, as --wait=sleep does, and over hundreds
 * of round trips some do.  The submit and deferred workers wait through
 * the same path: their ports' sleeps are counted too (four threads
 * polling on two CPUs take turns through the yield while polling).
 */
static void test_engine_busypoll_sleeps(void)
{
	static const struct {
		uint64_t poll_ns;
		bool workers;
		unsigned int ios;
	} cases[] = {
		{ 1000000000, false, 1000 },
		{ 0, false, 1000 },
		{ 1000000000, true, 500 },
		{ 0, true, 500 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct engine_config cfg;
		struct engine_result res;
		struct tally t;
		uint64_t sleeps;

		engine_cfg(&cfg, "null", EVTCHN_WAIT_BUSYPOLL);
		cfg.verify = false;
		cfg.iodepth = 1;
		cfg.evtchn.busypoll_ns = cases[i].poll_ns;
		if (cases[i].workers) {
			cfg.submit_path = FRONTEND_SUBMIT_WORKER;
			cfg.completion = FRONTEND_COMPLETE_DEFERRED;
			cfg.lock = true;
		}
		cfg.workload.io_limit_bytes = cases[i].ios * 4096ull;
		if (run_pass(&cfg, &res, &t))
			return;
		CU_ASSERT_EQUAL(t.ok, cases[i].ios);
		CU_ASSERT_EQUAL(res.be.responses, cases[i].ios);
		sleeps = res.kick.sleeps + res.irq.sleeps + res.handoff.sleeps +
			 res.defer.sleeps;
		fprintf(stderr, "  busypoll %llu ns%s: %llu sleeps, %.3f s\n",
			(unsigned long long)cases[i].poll_ns,
			cases[i].workers ? ", workers" : "",
			(unsigned long long)sleeps,
			(res.end_ns - res.start_ns) / 1e9);
		CU_ASSERT(cases[i].poll_ns ? sleeps <= 2 : sleeps > 0);
	}
}

static void test_engine_verify_hybrid_latency(void)
{
	verify_file(EVTCHN_WAIT_HYBRID, 20000, false);
}

/* Every byte through the submit worker and the deferred worker. */
static void test_engine_verify_workers(void)
{
	verify_file(EVTCHN_WAIT_SLEEP, 0, true);
}

/* 128 KiB I/Os as one indirect request each: written, read, checked. */
static void test_engine_verify_indirect(void)
{
	struct engine_config cfg;
	struct engine_result res;
	struct tally t;

	engine_cfg(&cfg, "uring", EVTCHN_WAIT_SPIN);
	cfg.indirect_segments = 32;
	cfg.workload.rw = WL_RW_WRITE;
	cfg.workload.bs_bytes = 131072;
	cfg.workload.io_limit_bytes = 8 << 20;
	if (run_pass(&cfg, &res, &t))
		return;
	CU_ASSERT_EQUAL(t.ok, 64);
	CU_ASSERT_EQUAL(res.fe.indirect_requests, 64);
	CU_ASSERT_EQUAL(res.fe.ring_requests, 64);
	cfg.workload.rw = WL_RW_RANDREAD;
	if (run_pass(&cfg, &res, &t))
		return;
	CU_ASSERT_EQUAL(t.ok, 64);
	CU_ASSERT_EQUAL(t.failed, 0);
	CU_ASSERT_EQUAL(res.fe.verify_errors, 0);
	CU_ASSERT_EQUAL(res.be.bad_requests, 0);
}

/*
 * Every byte of the file through each grant strategy, with a budget and
 * batched responses on the way; and 128 KiB indirect I/Os through the
 * persistent cache.
 */
static void test_engine_verify_grants(void)
{
	static const enum backend_grant_mode modes[] = {
		BACKEND_GRANTS_MAP,
		BACKEND_GRANTS_COPY,
		BACKEND_GRANTS_PERSISTENT,
	};

	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		engine_grants = modes[i];
		verify_file(EVTCHN_WAIT_SLEEP, 0, false);
	}
	engine_grants = BACKEND_GRANTS_PERSISTENT;
	test_engine_verify_indirect();
	engine_grants = BACKEND_GRANTS_STATIC;
}

/*
 * verify=crc32c through the thread engine and a real file: randrw over a
 * fresh file, two passes' worth, with splitting (64 KiB in two ring
 * requests), indirect descriptors through persistent grants, grant copy,
 * and the policy workers.  No mismatch; the blocks read before their
 * first write are counted, not failed.
 */
static void test_engine_verify_crc32c_randrw(void)
{
	static const struct {
		enum backend_grant_mode grants;
		unsigned int indirect;
		uint32_t bs;
		bool workers;
	} cases[] = {
		{ BACKEND_GRANTS_STATIC, 0, 65536, false },
		{ BACKEND_GRANTS_PERSISTENT, 32, 131072, false },
		{ BACKEND_GRANTS_COPY, 0, 16384, false },
		{ BACKEND_GRANTS_MAP, 0, 4096, true },
	};
	struct engine_config cfg;
	struct engine_result res;
	struct tally t;
	char path[128];

	snprintf(path, sizeof(path), "%s/disk", tmpdir);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unlink(path); /* fresh: no block carries a header yet */
		engine_grants = cases[i].grants;
		engine_cfg(&cfg, "uring", EVTCHN_WAIT_SLEEP);
		cfg.verify = FRONTEND_VERIFY_CRC32C;
		cfg.indirect_segments = cases[i].indirect;
		cfg.workload.rw = WL_RW_RANDRW;
		cfg.workload.bs_bytes = cases[i].bs;
		cfg.workload.io_limit_bytes = 16 << 20;
		if (cases[i].workers) {
			cfg.submit_path = FRONTEND_SUBMIT_WORKER;
			cfg.completion = FRONTEND_COMPLETE_DEFERRED;
			cfg.lock = true;
		}
		if (run_pass(&cfg, &res, &t))
			break;
		CU_ASSERT_EQUAL(t.failed, 0);
		CU_ASSERT_EQUAL(t.bytes, 16 << 20);
		CU_ASSERT_EQUAL(res.fe.verify_errors, 0);
		CU_ASSERT(res.fe.verify_blocks > 0);
		CU_ASSERT(res.fe.verify_unwritten > 0);
		/* Every block read was checked or counted. */
		CU_ASSERT_EQUAL(
			(res.fe.verify_blocks + res.fe.verify_unwritten) * 4096,
			t.read_bytes);
		if (cases[i].indirect) {
			CU_ASSERT(res.fe.indirect_requests > 0);
		} else if (cases[i].bs > 44 * 1024) {
			CU_ASSERT(res.fe.ring_requests > t.ok);
		}
	}
	engine_grants = BACKEND_GRANTS_STATIC;
}

/* Budget and batched responses in the engine: the file reads back. */
static void test_engine_budget_batch(void)
{
	struct engine_config cfg;
	struct engine_result res;
	struct tally t;

	engine_cfg(&cfg, "uring", EVTCHN_WAIT_SLEEP);
	cfg.backend_budget = 4;
	cfg.respond_batch = true;
	cfg.workload.rw = WL_RW_WRITE;
	cfg.workload.bs_bytes = 16384;
	cfg.workload.io_limit_bytes = 8 << 20;
	if (run_pass(&cfg, &res, &t))
		return;
	CU_ASSERT_EQUAL(t.ok, 512);
	cfg.workload.rw = WL_RW_RANDREAD;
	cfg.workload.bs_bytes = 4096;
	if (run_pass(&cfg, &res, &t))
		return;
	CU_ASSERT_EQUAL(t.ok, 2048);
	CU_ASSERT_EQUAL(res.fe.verify_errors, 0);
	CU_ASSERT(res.be.response_pushes <= res.be.responses);
	CU_ASSERT(res.be.response_pushes > 0);
}

/* The null target: the model alone, under each policy; counters add up. */
static void test_engine_null(void)
{
	static const struct {
		enum evtchn_wait wait;
		unsigned int iodepth, order;
		enum evtchn_notify_mode notify;
		unsigned int qd_cap, push_batch, coalesce;
		uint64_t coalesce_ns, latency_ns;
	} cases[] = {
		{ EVTCHN_WAIT_SPIN, 1, 0, EVTCHN_NOTIFY_EVENT, 0, 1, 1, 0, 0 },
		{ EVTCHN_WAIT_SPIN, 32, 0, EVTCHN_NOTIFY_EVENT, 0, 1, 1, 0, 0 },
		{ EVTCHN_WAIT_SPIN, 200, 2, EVTCHN_NOTIFY_EVENT, 0, 1, 1, 0,
		  0 },
		{ EVTCHN_WAIT_SLEEP, 32, 0, EVTCHN_NOTIFY_EVENT, 0, 1, 1, 0,
		  0 },
		{ EVTCHN_WAIT_HYBRID, 8, 1, EVTCHN_NOTIFY_EVENT, 0, 1, 1, 0,
		  5000 },
		{ EVTCHN_WAIT_BUSYPOLL, 32, 0, EVTCHN_NOTIFY_EVENT, 0, 1, 1, 0,
		  0 },
		{ EVTCHN_WAIT_BUSYPOLL, 8, 1, EVTCHN_NOTIFY_EVENT, 0, 1, 8,
		  20000, 5000 },
		{ EVTCHN_WAIT_SLEEP, 32, 0, EVTCHN_NOTIFY_ALWAYS, 0, 1, 1, 0,
		  0 },
		{ EVTCHN_WAIT_SLEEP, 32, 0, EVTCHN_NOTIFY_POLL, 0, 1, 1, 0, 0 },
		{ EVTCHN_WAIT_SPIN, 32, 0, EVTCHN_NOTIFY_EVENT, 4, 1, 1, 0, 0 },
		{ EVTCHN_WAIT_SLEEP, 32, 0, EVTCHN_NOTIFY_EVENT, 0, 8, 1, 0,
		  0 },
		{ EVTCHN_WAIT_SLEEP, 32, 0, EVTCHN_NOTIFY_EVENT, 0, 1, 8, 20000,
		  0 },
		{ EVTCHN_WAIT_SPIN, 16, 0, EVTCHN_NOTIFY_EVENT, 2, 4, 32, 5000,
		  1000 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct engine_config cfg;
		struct engine_result res;
		struct tally t;

		engine_cfg(&cfg, "null", cases[i].wait);
		cfg.verify = false;
		cfg.iodepth = cases[i].iodepth;
		cfg.ring_order = cases[i].order;
		cfg.evtchn.notify = cases[i].notify;
		cfg.evtchn.latency_ns = cases[i].latency_ns;
		cfg.qd_cap = cases[i].qd_cap;
		cfg.push_batch = cases[i].push_batch;
		cfg.coalesce_count = cases[i].coalesce;
		cfg.coalesce_ns = cases[i].coalesce_ns;
		cfg.workload.rw = WL_RW_RANDRW;
		cfg.workload.io_limit_bytes = 20000 * 4096ull;
		if (run_pass(&cfg, &res, &t))
			return;
		CU_ASSERT_EQUAL(t.ok, 20000);
		CU_ASSERT_EQUAL(res.fe.ring_requests, 20000);
		CU_ASSERT_EQUAL(res.be.responses, 20000);
		CU_ASSERT_EQUAL(res.fe.responses, 20000);
		/* Every push either kicked or was held off (none if polled). */
		uint64_t kicks = res.fe.kicks_sent + res.fe.kicks_suppressed;

		CU_ASSERT_EQUAL(kicks, cases[i].notify == EVTCHN_NOTIFY_POLL ?
					       0 :
					       res.fe.pushes);
		if (cases[i].notify == EVTCHN_NOTIFY_ALWAYS)
			CU_ASSERT_EQUAL(res.be.irqs_sent, 20000);
		CU_ASSERT(res.fe.pushes <= 20000);
		CU_ASSERT(res.fe.pushes >= 20000 / cases[i].push_batch);
		CU_ASSERT_EQUAL(res.kick.sent, res.fe.kicks_sent);
		CU_ASSERT(res.kick.delivered <= res.kick.sent);
		if (cases[i].qd_cap == 0 && cases[i].iodepth > 32)
			CU_ASSERT(res.fe.ring_full_stalls > 0);
	}
}

/*
 * Think time in the thread engine, closed and open loop, spun and slept,
 * at iodepth 1 and 4, directly and through the policy workers: the bounded run completes, conservation and
 * Little's law hold exactly (run_pass), every I/O but the first thought,
 * and the run took at least the think times' waits at iodepth 1.
 */
static void test_engine_thinktime(void)
{
	static const struct {
		enum evtchn_wait wait;
		unsigned int iodepth, blocks;
		uint64_t think_ns, spin_ns, rate_iops;
		bool workers;
	} cases[] = {
		{ EVTCHN_WAIT_SLEEP, 1, 1, 50000, 0, 0, false },
		{ EVTCHN_WAIT_SPIN, 1, 1, 50000, 20000, 0, false },
		{ EVTCHN_WAIT_HYBRID, 4, 2, 30000, 30000, 0, false },
		{ EVTCHN_WAIT_SLEEP, 4, 1, 20000, 5000, 10000, false },
		{ EVTCHN_WAIT_SLEEP, 4, 1, 20000, 5000, 0, true },
	};
	const uint64_t ios = 200;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct engine_config cfg;
		struct engine_result res;
		struct tally t;

		engine_cfg(&cfg, "null", cases[i].wait);
		cfg.verify = false;
		cfg.iodepth = cases[i].iodepth;
		cfg.workload.rw = WL_RW_RANDREAD;
		cfg.workload.io_limit_bytes = ios * 4096;
		cfg.workload.rate_iops = cases[i].rate_iops;
		cfg.workload.thinktime_ns = cases[i].think_ns;
		cfg.workload.thinktime_spin_ns = cases[i].spin_ns;
		cfg.workload.thinktime_blocks = cases[i].blocks;
		if (cases[i].workers) {
			cfg.submit_path = FRONTEND_SUBMIT_WORKER;
			cfg.completion = FRONTEND_COMPLETE_DEFERRED;
			cfg.lock = true;
		}
		if (run_pass(&cfg, &res, &t))
			return;
		CU_ASSERT_EQUAL(t.ok, ios);
		CU_ASSERT_EQUAL(res.fe.think_ios, (ios - 1) / cases[i].blocks);
		CU_ASSERT_EQUAL(res.fe.think_spin_ns,
				res.fe.think_ios * cases[i].spin_ns);
		CU_ASSERT_EQUAL(res.fe.think_wait_ns,
				res.fe.think_ios *
					(cases[i].think_ns - cases[i].spin_ns));
		CU_ASSERT_EQUAL(res.fe.sched_ios, cases[i].rate_iops ? ios : 0);
		if (cases[i].iodepth == 1)
			CU_ASSERT(res.fe.last_complete_ns -
					  res.fe.first_submit_ns >=
				  res.fe.think_ios * cases[i].think_ns);
	}
}

/*
 * The frontend's policy threads: a submit worker, a deferred-completion
 * worker and the gate, under each wait mode.  Every I/O is completed
 * once, its stages add up (run_pass), and the counters agree with each
 * other.  Under make test-tsan this is the race check of the workers.
 */
static void test_engine_policies(void)
{
	static const struct {
		enum evtchn_wait wait;
		enum frontend_submit_path sub;
		enum frontend_completion_path comp;
		enum gate_kind kind;
		uint64_t work_ns, rate_iops;
		unsigned int ios, iodepth;
		enum evtchn_notify_mode notify;
	} cases[] = {
		{ EVTCHN_WAIT_SLEEP, FRONTEND_SUBMIT_DIRECT,
		  FRONTEND_COMPLETE_IRQ, GATE_MUTEX, 0, 0, 5000, 32,
		  EVTCHN_NOTIFY_EVENT },
		{ EVTCHN_WAIT_SLEEP, FRONTEND_SUBMIT_WORKER,
		  FRONTEND_COMPLETE_IRQ, GATE_MUTEX, 0, 0, 5000, 32,
		  EVTCHN_NOTIFY_EVENT },
		{ EVTCHN_WAIT_SLEEP, FRONTEND_SUBMIT_DIRECT,
		  FRONTEND_COMPLETE_DEFERRED, GATE_MUTEX, 0, 0, 5000, 32,
		  EVTCHN_NOTIFY_EVENT },
		{ EVTCHN_WAIT_SLEEP, FRONTEND_SUBMIT_WORKER,
		  FRONTEND_COMPLETE_DEFERRED, GATE_SPIN, 1000, 0, 3000, 8,
		  EVTCHN_NOTIFY_EVENT },
		{ EVTCHN_WAIT_HYBRID, FRONTEND_SUBMIT_WORKER,
		  FRONTEND_COMPLETE_DEFERRED, GATE_MUTEX, 0, 0, 3000, 1,
		  EVTCHN_NOTIFY_EVENT },
		{ EVTCHN_WAIT_SPIN, FRONTEND_SUBMIT_WORKER,
		  FRONTEND_COMPLETE_DEFERRED, GATE_MUTEX, 0, 0, 1000, 16,
		  EVTCHN_NOTIFY_EVENT },
		{ EVTCHN_WAIT_BUSYPOLL, FRONTEND_SUBMIT_WORKER,
		  FRONTEND_COMPLETE_DEFERRED, GATE_MUTEX, 0, 0, 2000, 16,
		  EVTCHN_NOTIFY_EVENT },
		{ EVTCHN_WAIT_SLEEP, FRONTEND_SUBMIT_WORKER,
		  FRONTEND_COMPLETE_DEFERRED, GATE_MUTEX, 0, 50000, 1000, 32,
		  EVTCHN_NOTIFY_EVENT },
		/* Polled: no interrupt, so the deferred worker never runs. */
		{ EVTCHN_WAIT_SLEEP, FRONTEND_SUBMIT_WORKER,
		  FRONTEND_COMPLETE_DEFERRED, GATE_MUTEX, 0, 0, 1000, 32,
		  EVTCHN_NOTIFY_POLL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct engine_config cfg;
		struct engine_result res;
		struct tally t;
		bool worker = cases[i].sub == FRONTEND_SUBMIT_WORKER;
		bool deferred = cases[i].comp == FRONTEND_COMPLETE_DEFERRED;

		engine_cfg(&cfg, "null", cases[i].wait);
		cfg.verify = false;
		cfg.iodepth = cases[i].iodepth;
		cfg.submit_path = cases[i].sub;
		cfg.completion = cases[i].comp;
		cfg.lock = true;
		cfg.lock_kind = cases[i].kind;
		cfg.evtchn.notify = cases[i].notify;
		cfg.lock_work_ns = cases[i].work_ns;
		cfg.workload.rate_iops = cases[i].rate_iops;
		cfg.workload.io_limit_bytes = cases[i].ios * 4096ull;
		if (run_pass(&cfg, &res, &t))
			return;
		CU_ASSERT_EQUAL(t.ok, cases[i].ios);
		CU_ASSERT_EQUAL(res.fe.responses, cases[i].ios);
		CU_ASSERT_EQUAL(res.fe.handoffs, worker ? cases[i].ios : 0);
		CU_ASSERT_EQUAL(res.handoff.delivered, res.fe.worker_runs);
		CU_ASSERT_EQUAL(res.defer.delivered, res.fe.deferred_batches);
		CU_ASSERT_EQUAL(res.defer.sent, deferred ? res.fe.irqs : 0);
		if (deferred && cases[i].notify != EVTCHN_NOTIFY_POLL)
			CU_ASSERT(res.fe.deferred_batches > 0);
		CU_ASSERT(res.gate.acquisitions > 0);
		CU_ASSERT(res.gate.contended <= res.gate.acquisitions);
		CU_ASSERT(res.gate.hold_sum_ns >=
			  res.gate.acquisitions * cases[i].work_ns);
		if (t.ok != cases[i].ios)
			fprintf(stderr, "policy case %zu: %llu of %u\n", i,
				(unsigned long long)t.ok, cases[i].ios);
	}
}

int cu_register(void)
{
	CU_pSuite s;

	s = CU_add_suite("backend", NULL, NULL);
	CU_ADD_TEST(s, test_backend_bad_requests);
	CU_ADD_TEST(s, test_backend_prod_overflow);
	CU_ADD_TEST(s, test_backend_prod_behind_consumer);
	CU_ADD_TEST(s, test_backend_data_path);
	CU_ADD_TEST(s, test_backend_coalescing);
	CU_ADD_TEST(s, test_backend_indirect);
	CU_ADD_TEST(s, test_backend_indirect_not_advertised);
	CU_ADD_TEST(s, test_backend_no_coalescing);
	CU_ADD_TEST(s, test_backend_grants_hostile);
	CU_ADD_TEST(s, test_backend_grants_config);
	CU_ADD_TEST(s, test_backend_grant_map_costs);
	CU_ADD_TEST(s, test_backend_grant_copy);
	CU_ADD_TEST(s, test_backend_grant_persistent);
	CU_ADD_TEST(s, test_backend_budget);
	CU_ADD_TEST(s, test_backend_respond_batch);
	s = CU_add_suite("frontend", NULL, NULL);
	CU_ADD_TEST(s, test_frontend_hostile_backend);
	CU_ADD_TEST(s, test_frontend_split);
	CU_ADD_TEST(s, test_frontend_qd_cap);
	CU_ADD_TEST(s, test_frontend_task_pool);
	CU_ADD_TEST(s, test_frontend_push_and_notify);
	CU_ADD_TEST(s, test_frontend_submit_worker);
	CU_ADD_TEST(s, test_frontend_worker_stall);
	CU_ADD_TEST(s, test_frontend_deferred);
	CU_ADD_TEST(s, test_frontend_lock_work);
	CU_ADD_TEST(s, test_frontend_policy_config);
	CU_ADD_TEST(s, test_frontend_thinktime);
	CU_ADD_TEST(s, test_pair_grants_mem);
	s = CU_add_suite("verify_crc32c", NULL, NULL);
	CU_ADD_TEST(s, test_crc_clean);
	CU_ADD_TEST(s, test_crc_flipped_byte);
	CU_ADD_TEST(s, test_crc_stale_block);
	CU_ADD_TEST(s, test_crc_overlap_serialized);
	CU_ADD_TEST(s, test_crc_alignment);
	s = CU_add_suite("engine", suite_tmp_init, suite_tmp_cleanup);
	CU_ADD_TEST(s, test_engine_verify_spin);
	CU_ADD_TEST(s, test_engine_verify_sleep);
	CU_ADD_TEST(s, test_engine_verify_busypoll);
	CU_ADD_TEST(s, test_engine_busypoll_sleeps);
	CU_ADD_TEST(s, test_engine_verify_hybrid_latency);
	CU_ADD_TEST(s, test_engine_verify_workers);
	CU_ADD_TEST(s, test_engine_verify_indirect);
	CU_ADD_TEST(s, test_engine_null);
	CU_ADD_TEST(s, test_engine_policies);
	CU_ADD_TEST(s, test_engine_thinktime);
	CU_ADD_TEST(s, test_engine_verify_grants);
	CU_ADD_TEST(s, test_engine_verify_crc32c_randrw);
	CU_ADD_TEST(s, test_engine_budget_batch);
	return 0;
}
