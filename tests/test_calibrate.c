// SPDX-License-Identifier: MIT
/*
 * Tests of `blkring calibrate` that need no disk: the latency and
 * bandwidth fit, and the refusals of bad invocations (exit status 2).
 * The measurements themselves are the thread engine's, tested elsewhere.
 */
#include <stdio.h>

#include "bench/calibrate.h"
#include "bench/run.h"
#include "tests/cu_main.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void test_fit(void)
{
	static const struct {
		double s_small, s_large;
		uint64_t latency_ns, bw;
	} cases[] = {
		/* 100 us + 4k or 64k at 1e9 B/s. */
		{ 104096, 165536, 100000, 1000000000 },
		/* The larger is not slower: no transfer term. */
		{ 80000, 80000, 80000, 0 },
		{ 90000, 70000, 90000, 0 },
		/* A transfer so slow the latency would go negative: 0. */
		{ 1000, 62440, 0, 1000000000 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t lat, bw;

		bench_calib_fit(cases[i].s_small, cases[i].s_large, 4096, 65536,
				&lat, &bw);
		if (lat != cases[i].latency_ns || bw != cases[i].bw)
			fprintf(stderr, "case %zu: %llu ns, %llu B/s\n", i,
				(unsigned long long)lat,
				(unsigned long long)bw);
		CU_ASSERT(lat + 1 >= cases[i].latency_ns &&
			  lat <= cases[i].latency_ns + 1);
		CU_ASSERT(bw + 1 >= cases[i].bw && bw <= cases[i].bw + 1);
	}
}

/*
 * The backend's split: stage1 = R + F at iodepth 1, cpu_deep = 2R + nF
 * at depth, both reproduced; clamped where they cannot be.
 */
static void test_split_backend(void)
{
	static const struct {
		double stage1, cpu_deep, n;
		uint64_t flush, req;
	} cases[] = {
		/* F = 24 us, R = 2 us, a flush per 10 I/Os at depth. */
		{ 26000, 6400, 0.1, 24000, 2000 },
		/* One flush per I/O at depth too: F and R still apart. */
		{ 30000, 34000, 1, 26000, 4000 },
		/* The deep CPU is all requests: no flush cost. */
		{ 2000, 8000, 0.5, 0, 4000 },
		/* A stage longer than the deep CPU explains: R = 0. */
		{ 50000, 2000, 0.05, 50000, 0 },
		{ 0, 0, 0, 0, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t f, r;

		bench_calib_split_backend(cases[i].stage1, cases[i].cpu_deep,
					  cases[i].n, &f, &r);
		if (f != cases[i].flush || r != cases[i].req)
			fprintf(stderr, "case %zu: flush %llu, request %llu\n",
				i, (unsigned long long)f,
				(unsigned long long)r);
		CU_ASSERT(f + 1 >= cases[i].flush && f <= cases[i].flush + 1);
		CU_ASSERT(r + 1 >= cases[i].req && r <= cases[i].req + 1);
	}
}

/* The distribution nearer the measured p99 / mean: 1 or 4.6. */
static void test_dist(void)
{
	CU_ASSERT_EQUAL(bench_calib_dist(100000, 100000), DEVMODEL_FIXED);
	CU_ASSERT_EQUAL(bench_calib_dist(100000, 200000), DEVMODEL_FIXED);
	CU_ASSERT_EQUAL(bench_calib_dist(100000, 220000), DEVMODEL_EXP);
	CU_ASSERT_EQUAL(bench_calib_dist(100000, 900000), DEVMODEL_EXP);
	CU_ASSERT_EQUAL(bench_calib_dist(0, 0), DEVMODEL_FIXED);
}

static void test_refusals(void)
{
	static const char *const cases[][3] = {
		{ "--repeats=0" },
		{ "--repeats=16" },
		{ "--repeats=x" },
		{ "--target=null" },
		{ "--engine=virtual" },
		{ "--out=" },
		{ "--no-such-option" },
		{ "extra" },
		{ "--in=m.model" },
		{ "--check", "--in=" },
		{ "--check", "--in=/nonexistent/m.model" },
		{ "--check", "--check-depths=4,2" },
		{ "--check", "--check-depths=0" },
		{ "--check", "--check-depths=1,,2" },
		{ "--check", "--check-device=fast" },
		{ "--check", "--", "--target=null" },
		{ "--check", "--", "--irq-coalesce=x" },
		{ "--check", "--", "stray" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *argv[4] = { "calibrate" };
		int argc = 1, rc;

		for (int k = 0; k < 3 && cases[i][k]; k++)
			argv[argc++] = (char *)cases[i][k];
		rc = bench_calibrate_main(argc, argv);
		if (rc != BENCH_EXIT_USAGE)
			fprintf(stderr, "case %zu: exit %d\n", i, rc);
		CU_ASSERT_EQUAL(rc, BENCH_EXIT_USAGE);
	}
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("calibrate", NULL, NULL);

	CU_ADD_TEST(s, test_fit);
	CU_ADD_TEST(s, test_split_backend);
	CU_ADD_TEST(s, test_dist);
	CU_ADD_TEST(s, test_refusals);
	return 0;
}
