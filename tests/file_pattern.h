/* SPDX-License-Identifier: MIT */
/*
 * Checks a file's bytes against the verify pattern (workloads/workload.h)
 * directly, independently of the model: what the engine tests do after a
 * verified write pass.  Header-only; test thread only (CU_ASSERT).
 */
#ifndef BLKRING_TESTS_FILE_PATTERN_H
#define BLKRING_TESTS_FILE_PATTERN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/cu_main.h"
#include "workloads/workload.h"

/* Every byte of the first @bytes of @path holds the pattern of @seed. */
static inline void check_file_pattern(const char *path, uint64_t bytes,
				      uint64_t seed)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(1 << 20);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	for (uint64_t off = 0; off < bytes; off += 1 << 20) {
		CU_ASSERT_EQUAL(fread(buf, 1, 1 << 20, f), 1 << 20);
		CU_ASSERT_EQUAL(wl_pattern_check(buf, 1 << 20, off, seed), 0);
	}
	free(buf);
	fclose(f);
}

#endif
