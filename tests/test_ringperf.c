// SPDX-License-Identifier: MIT
/*
 * Tests of bench/ringperf: the engine moves every request in order in
 * each mode, batch and notify setting (threads unpinned, pinned to one
 * CPU, across the 2^32 wrap, on a multi-page ring), and rejects bad
 * configurations.  They assert correctness and the protocol counters,
 * never speed.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "bench/ringperf.h"
#include "ring/ring.h"
#include "tests/cu_main.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define TEST_REQUESTS 20000

/* The first CPU this process may run on, or -1. */
static int first_cpu(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			return cpu;
	return -1;
}

/* Runs @cfg and checks everything a correct run must show. */
static void run_and_check(const struct bench_ringperf_config *cfg)
{
	struct bench_ringperf_result res;
	int err = bench_ringperf_run(cfg, &res);

	if (err)
		fprintf(stderr, "mode %d batch %u notify %d order %u: %s\n",
			(int)cfg->mode, cfg->batch, cfg->notify,
			cfg->ring_order, strerror(-err));
	CU_ASSERT_EQUAL(err, 0);
	CU_ASSERT_EQUAL(res.requests, cfg->requests);
	CU_ASSERT_EQUAL(res.bad_requests, 0);
	CU_ASSERT_EQUAL(res.bad_responses, 0);
	CU_ASSERT_EQUAL(res.overflows, 0);
	CU_ASSERT(res.elapsed_ns > 0);
	/* Every publish but the tail carries a whole batch. */
	CU_ASSERT_EQUAL(res.req_pushes,
			(cfg->requests + cfg->batch - 1) / cfg->batch);
	/* Responses come back in pushes of at most a batch. */
	CU_ASSERT(res.rsp_pushes >=
		  (cfg->requests + cfg->batch - 1) / cfg->batch);
	CU_ASSERT(res.rsp_pushes <= cfg->requests);
	/* At most one notify per push: a rate between 0 and 1. */
	CU_ASSERT(res.req_notifies <= res.req_pushes);
	CU_ASSERT(res.rsp_notifies <= res.rsp_pushes);
	if (cfg->notify) {
		/*
		 * The initial req_event (start + 1) lies in the window of the
		 * first publish, so at least that one notifies.
		 */
		CU_ASSERT(res.req_notifies >= 1);
		CU_ASSERT(res.req_final_checks + res.rsp_final_checks > 0);
	} else {
		CU_ASSERT_EQUAL(res.req_notifies, 0);
		CU_ASSERT_EQUAL(res.rsp_notifies, 0);
		CU_ASSERT_EQUAL(res.req_final_checks, 0);
		CU_ASSERT_EQUAL(res.rsp_final_checks, 0);
	}
}

static void base_config(struct bench_ringperf_config *cfg)
{
	bench_ringperf_config_default(cfg);
	cfg->requests = TEST_REQUESTS;
	cfg->frontend_cpu = -1;
	cfg->backend_cpu = -1;
}

/* Every mode x batch x notify of the default matrix, unpinned. */
static void test_matrix(void)
{
	static const enum bench_ringperf_mode modes[] = {
		BENCH_RINGPERF_ONEWAY,
		BENCH_RINGPERF_RTT,
	};
	static const unsigned int batches[] = { 1, 8, 32 };

	for (size_t m = 0; m < ARRAY_SIZE(modes); m++)
		for (size_t b = 0; b < ARRAY_SIZE(batches); b++)
			for (int notify = 0; notify < 2; notify++) {
				struct bench_ringperf_config cfg;

				base_config(&cfg);
				cfg.mode = modes[m];
				cfg.batch = batches[b];
				cfg.notify = notify;
				run_and_check(&cfg);
			}
}

/* Odd shapes: wrap, bigger rings, small in-flight limits, a ragged tail. */
static void test_shapes(void)
{
	static const struct {
		enum bench_ringperf_mode mode;
		unsigned int batch, order, in_flight;
		bool notify;
		RING_IDX start;
		uint64_t requests;
	} cases[] = {
		{ BENCH_RINGPERF_RTT, 8, 0, 0, true, UINT32_MAX - 100,
		  TEST_REQUESTS },
		{ BENCH_RINGPERF_ONEWAY, 8, 0, 0, true, UINT32_MAX - 5,
		  TEST_REQUESTS },
		{ BENCH_RINGPERF_RTT, 1, 0, 1, true, 0, 5000 },
		{ BENCH_RINGPERF_RTT, 3, 2, 7, false, 12345, 10001 },
		{ BENCH_RINGPERF_ONEWAY, 32, 4, 0, true, UINT32_MAX, 10007 },
		{ BENCH_RINGPERF_RTT, 512, 4, 0, false, 0, 10000 },
		{ BENCH_RINGPERF_RTT, 5, 0, 0, false, 0, 1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct bench_ringperf_config cfg;

		base_config(&cfg);
		cfg.mode = cases[i].mode;
		cfg.batch = cases[i].batch;
		cfg.ring_order = cases[i].order;
		cfg.in_flight = cases[i].in_flight;
		cfg.notify = cases[i].notify;
		cfg.start_idx = cases[i].start;
		cfg.requests = cases[i].requests;
		/* A batch larger than what is left is a short tail. */
		if (cfg.batch > cfg.requests)
			cfg.batch = (unsigned int)cfg.requests;
		run_and_check(&cfg);
	}
}

/* Both threads on one CPU: the wait loops must yield, and still finish. */
static void test_same_cpu(void)
{
	struct bench_ringperf_config cfg;
	struct bench_ringperf_result res;
	int cpu = first_cpu();

	if (cpu < 0) {
		cu_skip("no CPU in the affinity mask");
		return;
	}
	for (int notify = 0; notify < 2; notify++) {
		base_config(&cfg);
		cfg.frontend_cpu = cpu;
		cfg.backend_cpu = cpu;
		cfg.batch = 8;
		cfg.notify = notify;
		run_and_check(&cfg);
		CU_ASSERT_EQUAL(bench_ringperf_run(&cfg, &res), 0);
		CU_ASSERT_TRUE(res.yielded);
	}
}

static void test_bad_config(void)
{
	static const struct {
		const char *what;
		unsigned int batch, order, in_flight;
		uint64_t requests;
		int cpu;
		const char *why; /* a word the reason must contain */
	} cases[] = {
		{ "batch 0", 0, 0, 0, 10, -1, "batch" },
		{ "batch > ring", 33, 0, 0, 10, -1, "batch" },
		{ "batch > in-flight", 9, 0, 8, 10, -1, "batch" },
		{ "order 5", 1, 5, 0, 10, -1, "order" },
		{ "in-flight > ring", 1, 0, 33, 10, -1, "in-flight" },
		{ "no requests", 1, 0, 0, 0, -1, "requests" },
		{ "cpu -2", 1, 0, 0, 10, -2, "CPU" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct bench_ringperf_config cfg;
		struct bench_ringperf_result res;
		char why[160] = "";

		base_config(&cfg);
		cfg.batch = cases[i].batch;
		cfg.ring_order = cases[i].order;
		cfg.in_flight = cases[i].in_flight;
		cfg.requests = cases[i].requests;
		cfg.frontend_cpu = cases[i].cpu;
		CU_ASSERT_EQUAL(bench_ringperf_config_check(&cfg, why,
							    sizeof(why)),
				-EINVAL);
		if (!strstr(why, cases[i].why))
			fprintf(stderr, "%s: reason '%s'\n", cases[i].what,
				why);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, cases[i].why));
		CU_ASSERT_EQUAL(bench_ringperf_run(&cfg, &res), -EINVAL);
	}
}

int cu_register(void)
{
	CU_pSuite s;

	s = CU_add_suite("engine", NULL, NULL);
	CU_ADD_TEST(s, test_matrix);
	CU_ADD_TEST(s, test_shapes);
	CU_ADD_TEST(s, test_same_cpu);
	s = CU_add_suite("config", NULL, NULL);
	CU_ADD_TEST(s, test_bad_config);
	return 0;
}
