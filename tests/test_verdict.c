// SPDX-License-Identifier: MIT
/*
 * Tests of the bottleneck verdict on hand-made inputs: each rule fires
 * where it should, and the what-if estimate follows Little's law.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/verdict.h"
#include "tests/cu_main.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A run at 4 outstanding of 32: 100 us device, 700 us in the queue. */
static struct bench_verdict_in capped(void)
{
	return (struct bench_verdict_in){
		.iops = 40000,
		.lat_mean_ns = 800000,
		.stage_mean_ns = {
			[SIM_STAGE_QUEUE] = 700000,
			[SIM_STAGE_RING] = 2000,
			[SIM_STAGE_BACKEND] = 3000,
			[SIM_STAGE_TARGET] = 90000,
			[SIM_STAGE_RESPONSE] = 3000,
			[SIM_STAGE_COMPLETE] = 2000,
		},
		.inflight_mean = 32,
		.iodepth = 32,
		.qd_cap = 4,
		.ring_entries = 32,
		.coalesce = 1,
		.qd_cap_stalls = 1000,
		.ring_requests_per_io = 1,
	};
}

static void as_is(struct bench_verdict_in *in)
{
	(void)in;
}

static void no_cap(struct bench_verdict_in *in)
{
	in->qd_cap = 0;
	in->qd_cap_stalls = 0;
}

static void ring_full(struct bench_verdict_in *in)
{
	no_cap(in);
	in->ring_full_stalls = 50;
	in->iodepth = 128;
	in->ring_requests_per_io = 2;
}

static void task_bound(struct bench_verdict_in *in)
{
	no_cap(in);
	in->task_stalls = 10;
	in->tasks = 4;
}

static void device_bound(struct bench_verdict_in *in)
{
	no_cap(in);
	in->stage_mean_ns[SIM_STAGE_QUEUE] = 2000;
	in->stage_mean_ns[SIM_STAGE_TARGET] = 780000;
}

static void kick_bound(struct bench_verdict_in *in)
{
	no_cap(in);
	in->stage_mean_ns[SIM_STAGE_QUEUE] = 2000;
	in->stage_mean_ns[SIM_STAGE_RING] = 700000;
	in->evtchn_latency_ns = 500000;
}

static void backend_bound(struct bench_verdict_in *in)
{
	no_cap(in);
	in->stage_mean_ns[SIM_STAGE_QUEUE] = 2000;
	in->stage_mean_ns[SIM_STAGE_BACKEND] = 700000;
}

/* 600 of the 700 us backend stage are grant maps: the grants' verdict. */
static void grant_bound(struct bench_verdict_in *in)
{
	backend_bound(in);
	in->grant_ns_per_io = 600000;
	in->grant_busy = 0.9;
	in->grant_maps_per_io = 1;
	in->grant_calls_per_io = 2;
}

static void coalesced(struct bench_verdict_in *in)
{
	no_cap(in);
	in->stage_mean_ns[SIM_STAGE_QUEUE] = 2000;
	in->stage_mean_ns[SIM_STAGE_RESPONSE] = 700000;
	in->coalesce = 16;
	in->coalesce_ns = 50000;
}

static void irq_bound(struct bench_verdict_in *in)
{
	coalesced(in);
	in->coalesce = 1;
	in->sleeps = 10;
}

static void dispatch_bound(struct bench_verdict_in *in)
{
	no_cap(in);
}

/* The gate on, one thread, 5 us of work per acquisition: busy, no wait. */
static void dispatch_locked(struct bench_verdict_in *in)
{
	no_cap(in);
	in->lock = 1;
	in->lock_work_ns = 5000;
	in->lock_acq_per_io = 2;
	in->lock_hold_mean_ns = 5200;
	in->lock_wait_per_io_ns = 100;
}

/* A submit worker whose queue and wake-up take most of the latency. */
static void handoff_bound(struct bench_verdict_in *in)
{
	no_cap(in);
	in->submit_worker = 1;
	in->lock = 1;
	in->stage_mean_ns[SIM_STAGE_QUEUE] = 2000;
	in->stage_mean_ns[SIM_STAGE_HANDOFF] = 600000;
	in->worker_wakeups_per_io = 0.5;
	in->worker_sleeps = 1234;
	in->lock_wait_per_io_ns = 1000;
}

/*
 * The same, but the worker mostly waited for the gate: 200 us per
 * acquisition (600 us per I/O over 3 acquisitions), a third of the stage.
 */
static void handoff_locked(struct bench_verdict_in *in)
{
	handoff_bound(in);
	in->lock_acq_per_io = 3;
	in->lock_contended_pct = 60;
	in->lock_wait_per_io_ns = 600000;
	in->lock_wait_max_ns = 900000;
	in->lock_hold_mean_ns = 20000;
	in->lock_work_ns = 0;
}

/* Long sections: 120 us held (100 us of work), little waiting. */
static void lock_work_bound(struct bench_verdict_in *in)
{
	handoff_bound(in);
	in->stage_mean_ns[SIM_STAGE_HANDOFF] = 300000;
	in->lock_acq_per_io = 0.25;
	in->lock_contended_pct = 10;
	in->lock_wait_per_io_ns = 2500;
	in->lock_hold_mean_ns = 120000;
	in->lock_work_ns = 100000;
}

/* Deferred completion whose worker takes most of the latency. */
static void deferral_bound(struct bench_verdict_in *in)
{
	no_cap(in);
	in->completion_deferred = 1;
	in->lock = 1;
	in->stage_mean_ns[SIM_STAGE_QUEUE] = 2000;
	in->stage_mean_ns[SIM_STAGE_COMPLETE] = 600000;
	in->responses_per_dpc = 7.5;
	in->dpc_sleeps = 99;
}

/* A slow interrupt handler (no deferral, no lock). */
static void handler_bound(struct bench_verdict_in *in)
{
	no_cap(in);
	in->stage_mean_ns[SIM_STAGE_QUEUE] = 2000;
	in->stage_mean_ns[SIM_STAGE_COMPLETE] = 600000;
}

/* Lock waits are not blamed for a stage the frontend does not spend. */
static void lock_but_device(struct bench_verdict_in *in)
{
	handoff_locked(in);
	in->stage_mean_ns[SIM_STAGE_HANDOFF] = 2000;
	in->stage_mean_ns[SIM_STAGE_TARGET] = 780000;
}

static void failed(struct bench_verdict_in *in)
{
	in->failed = 1;
}

static void nothing(struct bench_verdict_in *in)
{
	in->iops = 0;
}

static void test_each_rule(void)
{
	static const struct {
		void (*edit)(struct bench_verdict_in *in);
		enum bench_bottleneck want;
		const char *says;
	} cases[] = {
		{ as_is, BENCH_BN_QD_CAP, "capped at 4 while 32" },
		{ ring_full, BENCH_BN_RING_FULL, "32 slots for 128 I/Os" },
		{ task_bound, BENCH_BN_TASKS, "4 request contexts for 32" },
		{ device_bound, BENCH_BN_TARGET, "98% of the latency" },
		{ kick_bound, BENCH_BN_RING, "latency 500.0 us" },
		{ backend_bound, BENCH_BN_BACKEND, "88%" },
		{ grant_bound, BENCH_BN_GRANTS, "90% of its time on grant" },
		{ coalesced, BENCH_BN_RESPONSE, "held for 16 responses" },
		{ irq_bound, BENCH_BN_RESPONSE, "frontend wake-ups" },
		{ dispatch_bound, BENCH_BN_QUEUE, "no cap or ring stall" },
		{ dispatch_locked, BENCH_BN_QUEUE, "holding the lock 5.2 us" },
		{ handoff_bound, BENCH_BN_HANDOFF, "save at most 600.0 us" },
		{ handoff_locked, BENCH_BN_LOCK, "Lock contention: 60%" },
		{ lock_work_bound, BENCH_BN_LOCK, "Work under the lock" },
		{ deferral_bound, BENCH_BN_DEFERRED,
		  "7.5 responses per batch" },
		{ handler_bound, BENCH_BN_HANDLER, "the handler starting" },
		{ lock_but_device, BENCH_BN_TARGET, "The storage" },
		{ failed, BENCH_BN_FAILED, "no verdict" },
		{ nothing, BENCH_BN_NONE, "Nothing completed" },
	};
	char buf[512];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct bench_verdict_in in = capped();
		enum bench_bottleneck got;

		cases[i].edit(&in);
		got = bench_verdict(&in, buf, sizeof(buf));
		if (got != cases[i].want || !strstr(buf, cases[i].says))
			fprintf(stderr, "case %zu: %s: %s\n", i,
				bench_bottleneck_name(got), buf);
		CU_ASSERT_EQUAL(got, cases[i].want);
		CU_ASSERT_PTR_NOT_NULL(strstr(buf, cases[i].says));
	}
}

/*
 * The what-if: with the cap lifted to min(iodepth, ring) = 32 and the
 * rest of the latency (100 us) unchanged, Little's law gives 320k IOPS,
 * 8x the 40k measured.
 */
static void test_what_if(void)
{
	struct bench_verdict_in in = capped();
	char buf[512];

	bench_verdict(&in, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "at most 320000 IOPS (8.0x)"));
	in.ring_entries = 16;
	bench_verdict(&in, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "cap to 16"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "at most 160000 IOPS (4.0x)"));
}

/*
 * The lock what-ifs: an I/O passes 3 gate sections with a submit worker;
 * contention saves at most 3 x the wait per acquisition, work under the
 * lock at most 3 x the configured work.  Below a third of the stage the
 * stage's own rule decides.
 */
static void test_lock_what_if(void)
{
	struct bench_verdict_in in = capped();
	char buf[512];

	handoff_locked(&in);
	CU_ASSERT_EQUAL(bench_verdict(&in, buf, sizeof(buf)), BENCH_BN_LOCK);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "waited 200.0 us"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "handoff stage of 600.0 us"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "at most 600.0 us of waiting"));
	in.lock_wait_per_io_ns = 450000; /* 150 + 20 us < 600 / 3 */
	CU_ASSERT_EQUAL(bench_verdict(&in, buf, sizeof(buf)), BENCH_BN_HANDOFF);

	in = capped();
	lock_work_bound(&in);
	CU_ASSERT_EQUAL(bench_verdict(&in, buf, sizeof(buf)), BENCH_BN_LOCK);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "held it 120.0 us"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "save at most 300.0 us per I/O"));
	/* Without a submit worker an I/O passes two sections. */
	in.submit_worker = 0;
	bench_verdict(&in, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "passes 2 gate sections"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "save at most 200.0 us per I/O"));
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("verdict", NULL, NULL);

	CU_ADD_TEST(s, test_each_rule);
	CU_ADD_TEST(s, test_what_if);
	CU_ADD_TEST(s, test_lock_what_if);
	return 0;
}
