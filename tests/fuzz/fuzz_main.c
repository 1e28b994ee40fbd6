/* SPDX-License-Identifier: MIT */
/*
 * The libFuzzer entry point of one harness, picked at compile time:
 * built once per target with -DFUZZ_ONE=fuzz_<name> (tests/fuzz/module.mk).
 */
#include "tests/fuzz/harness.h"

#ifndef FUZZ_ONE
#error "build with -DFUZZ_ONE=fuzz_<target>"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)FUZZ_ONE(data, size);
	return 0; /* libFuzzer: keep the input if it is interesting */
}
