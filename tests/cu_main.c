// SPDX-License-Identifier: MIT
/*
 * main() of every CUnit test program: runs all suites, one suite (-s) or
 * one test (-s with -t), or lists them (-l), and ends with the line
 * "<program>: P passed, F failed, S skipped" that tools/run-tests.sh reads.
 * Exit status is the number of failed tests (capped at 76, so that it never
 * reads as 77, skip), or 77 when cu_register() says the program skips.
 */
#include <CUnit/Basic.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/cu_main.h"

static unsigned int cu_skipped;

void cu_skip(const char *reason)
{
	CU_pTest test = CU_get_current_test();

	fprintf(stderr, "  skipped %s: %s\n", test ? test->pName : "?", reason);
	cu_skipped++;
}

static void cu_list(void)
{
	for (CU_pSuite s = CU_get_registry()->pSuite; s; s = s->pNext) {
		printf("%s\n", s->pName);
		for (CU_pTest t = s->pTest; t; t = t->pNext)
			printf("  %s\n", t->pName);
	}
}

static void cu_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-l] [-s SUITE [-t TEST]]\n"
		"  -l        list suites and tests\n"
		"  -s SUITE  run only this suite\n"
		"  -t TEST   run only this test of SUITE\n",
		prog);
}

int main(int argc, char **argv)
{
	const char *suite_name = NULL, *test_name = NULL;
	const char *prog = basename(argv[0]);
	bool list = false;
	int opt, rc;

	while ((opt = getopt(argc, argv, "ls:t:h")) != -1) {
		switch (opt) {
		case 'l':
			list = true;
			break;
		case 's':
			suite_name = optarg;
			break;
		case 't':
			test_name = optarg;
			break;
		default:
			cu_usage(prog);
			return 2;
		}
	}
	if (test_name && !suite_name) {
		fprintf(stderr, "%s: -t needs -s\n", prog);
		return 2;
	}

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "%s: %s\n", prog, CU_get_error_msg());
		return 2;
	}
	rc = cu_register();
	if (rc == CU_EXIT_SKIP) {
		CU_cleanup_registry();
		return CU_EXIT_SKIP;
	}
	if (rc != 0 || CU_get_error() != CUE_SUCCESS) {
		fprintf(stderr, "%s: registering tests failed: %s\n", prog,
			CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	if (list) {
		cu_list();
		CU_cleanup_registry();
		return 0;
	}

	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (suite_name) {
		CU_pSuite suite = CU_get_suite(suite_name);

		if (!suite) {
			fprintf(stderr, "%s: no suite '%s' (see -l)\n", prog,
				suite_name);
			CU_cleanup_registry();
			return 2;
		}
		if (test_name) {
			CU_pTest test = CU_get_test(suite, test_name);

			if (!test) {
				fprintf(stderr, "%s: no test '%s' in '%s'\n",
					prog, test_name, suite_name);
				CU_cleanup_registry();
				return 2;
			}
			CU_basic_run_test(suite, test);
		} else {
			CU_basic_run_suite(suite);
		}
	} else {
		CU_basic_run_tests();
	}

	unsigned int ran = CU_get_number_of_tests_run();
	unsigned int failed = CU_get_number_of_tests_failed();
	/* A suite whose init failed runs nothing: count it as a failure. */
	failed += CU_get_number_of_suites_failed();
	unsigned int skipped = cu_skipped;
	unsigned int passed = ran > failed + skipped ? ran - failed - skipped :
						       0;

	printf("\n%s: %u passed, %u failed, %u skipped\n", prog, passed, failed,
	       skipped);
	CU_cleanup_registry();
	return failed > 76 ? 76 : (int)failed;
}
