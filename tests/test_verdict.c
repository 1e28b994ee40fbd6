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
		.stage_mean_ns = { 700000, 2000, 3000, 90000, 5000 },
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
	in->stage_mean_ns[0] = 2000;
	in->stage_mean_ns[3] = 780000;
}

static void kick_bound(struct bench_verdict_in *in)
{
	no_cap(in);
	in->stage_mean_ns[0] = 2000;
	in->stage_mean_ns[1] = 700000;
	in->evtchn_latency_ns = 500000;
}

static void backend_bound(struct bench_verdict_in *in)
{
	no_cap(in);
	in->stage_mean_ns[0] = 2000;
	in->stage_mean_ns[2] = 700000;
}

static void coalesced(struct bench_verdict_in *in)
{
	no_cap(in);
	in->stage_mean_ns[0] = 2000;
	in->stage_mean_ns[4] = 700000;
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
		{ coalesced, BENCH_BN_RESPONSE, "held for 16 responses" },
		{ irq_bound, BENCH_BN_RESPONSE, "frontend wake-ups" },
		{ dispatch_bound, BENCH_BN_QUEUE, "no cap or ring stall" },
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

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("verdict", NULL, NULL);

	CU_ADD_TEST(s, test_each_rule);
	CU_ADD_TEST(s, test_what_if);
	return 0;
}
