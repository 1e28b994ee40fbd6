/* SPDX-License-Identifier: MIT */
/*
 * The shared driver of every CUnit test program.  A test program defines
 * cu_register(), which adds its suites to the CUnit registry; cu_main.c
 * owns main(), parses -s/-t/-l, runs the tests and prints the summary
 * line that tools/run-tests.sh sums.  Only the test thread calls CU_ASSERT*.
 */
#ifndef BLKRING_TESTS_CU_MAIN_H
#define BLKRING_TESTS_CU_MAIN_H

#include <CUnit/CUnit.h>

/* Exit status of a test program that skipped as a whole. */
#define CU_EXIT_SKIP 77

/*
 * Adds the program's suites.  Returns 0, or CU_EXIT_SKIP when the whole
 * program cannot run here (the reason printed to stderr).
 */
int cu_register(void);

/*
 * Marks the running test as skipped, with a reason printed once.  The test
 * should return right after.  A skipped test counts neither as passed nor
 * as failed.
 */
void cu_skip(const char *reason);

#endif
