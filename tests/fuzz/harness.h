/* SPDX-License-Identifier: MIT */
/*
 * Fuzz harnesses: one function per parser that takes untrusted input, fed
 * arbitrary bytes.  Each returns 1 if the parser accepted the input (and
 * every configuration it yields passed bench_config_check()), 0 if it
 * refused it; a bug shows as a crash, a sanitizer report or a broken
 * invariant (abort()).  libFuzzer
 * drives them through tests/fuzz/fuzz_main.c (`make fuzz`); the CUnit
 * program tests/test_fuzz.c replays the committed corpus and every input
 * that once crashed through them in `make test`.
 *
 * Single-threaded: the option parser uses getopt_long's global state.
 */
#ifndef BLKRING_TESTS_FUZZ_HARNESS_H
#define BLKRING_TESTS_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* A command line: arguments separated by NUL or newline bytes. */
int fuzz_opts(const uint8_t *data, size_t size);

/* A job file: parsed, then every job applied and checked. */
int fuzz_jobfile(const uint8_t *data, size_t size);

/*
 * A trace: the first byte picks the format (auto, iolog, blkparse, msr),
 * skip-bad and the blkparse action; the rest is the file, read to its end.
 */
int fuzz_trace(const uint8_t *data, size_t size);

/* A sweep axis ("NAME=SPEC"), then every point's value set on a config. */
int fuzz_axis(const uint8_t *data, size_t size);

/*
 * A backend over the mem target under a hostile frontend whose mutations
 * the input picks (sim/hostile.h); accepts everything.
 */
int fuzz_ring(const uint8_t *data, size_t size);

/*
 * A report as `blkring compare` reads it: parsed, walked, loaded twice
 * into a run set and written back as a repeated report.
 */
int fuzz_report(const uint8_t *data, size_t size);

/*
 * A verify block as a read hands it to verify=crc32c's check: 8 bytes of
 * offset (little-endian), then the block (zero-padded to 4 KiB).
 * Accepted when it checks.
 */
int fuzz_vblock(const uint8_t *data, size_t size);

struct fuzz_target {
	const char *name;
	int (*one)(const uint8_t *data, size_t size);
};

/* The targets, ending with { NULL, NULL }. */
extern const struct fuzz_target fuzz_targets[];

#endif
