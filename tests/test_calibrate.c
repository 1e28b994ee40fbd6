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

static void test_refusals(void)
{
	static const char *const cases[][3] = {
		{ "--repeats=0" },	{ "--repeats=16" },
		{ "--repeats=x" },	{ "--target=null" },
		{ "--engine=virtual" }, { "--out=" },
		{ "--no-such-option" }, { "extra" },
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
	CU_ADD_TEST(s, test_refusals);
	return 0;
}
