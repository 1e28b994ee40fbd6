// SPDX-License-Identifier: MIT
/*
 * Tests of sim/target.c: the registry (target_find, target_names), the
 * common checks of target_open and target_io_check with their messages,
 * the null target (completes at once, touches no data) and the mem target
 * (random multi-iovec writes over partial pages, read back and compared
 * byte by byte with a model disk).  The uring target has its own program,
 * test_file_backend.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/target.h"
#include "tests/cu_main.h"
#include "tests/target_pattern.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- The registry -------------------------------------------------------- */

static void test_find(void)
{
	static const struct {
		const char *name;
		bool found;
	} cases[] = {
		{ "null", true },  { "mem", true },	{ "uring", true },
		{ "", false },	   { "nul", false },	{ "NULL", false },
		{ "mem ", false }, { "urings", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct target_ops *ops = target_find(cases[i].name);

		CU_ASSERT_EQUAL(ops != NULL, cases[i].found);
		if (ops)
			CU_ASSERT_STRING_EQUAL(ops->name, cases[i].name);
	}
	CU_ASSERT_PTR_NULL(target_find(NULL));
}

/* Every name in target_names() is registered, complete, and vice versa. */
static void test_names(void)
{
	char names[64];
	unsigned int count = 0;
	char *save = NULL;

	snprintf(names, sizeof(names), "%s", target_names());
	for (char *n = strtok_r(names, "|", &save); n;
	     n = strtok_r(NULL, "|", &save)) {
		const struct target_ops *ops = target_find(n);

		CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
		CU_ASSERT_STRING_EQUAL(ops->name, n);
		CU_ASSERT(ops->init && ops->submit && ops->flush && ops->reap &&
			  ops->wait_fd && ops->size_bytes && ops->fini);
		/* The one optional op: virtual-time targets have it. */
		CU_ASSERT(!ops->next_done_ns ==
			  !(ops->flags & TARGET_F_VIRTUAL));
		count++;
	}
	CU_ASSERT_EQUAL(count, 4);
	CU_ASSERT(target_find("model")->flags & TARGET_F_VIRTUAL);
	CU_ASSERT(target_find("null")->flags & TARGET_F_SYNC);
	CU_ASSERT(target_find("mem")->flags & TARGET_F_SYNC);
	CU_ASSERT(!(target_find("uring")->flags & TARGET_F_SYNC));
	CU_ASSERT(target_find("uring")->flags & TARGET_F_FILE);
}

static void test_config_default(void)
{
	struct target_config cfg;

	memset(&cfg, 0xa5, sizeof(cfg));
	target_config_default(&cfg);
	CU_ASSERT_PTR_NULL(cfg.path);
	CU_ASSERT_EQUAL(cfg.size_bytes, 0);
	CU_ASSERT_FALSE(cfg.direct);
	CU_ASSERT_FALSE(cfg.allow_blockdev);
	CU_ASSERT(cfg.depth >= 1 && cfg.depth <= TARGET_DEPTH_MAX);
}

/* ---- target_open's checks and messages ----------------------------------- */

static void test_open_errors(void)
{
	static const struct {
		const char *target; /* NULL: no ops */
		uint64_t size_bytes;
		unsigned int depth;
		int ret;
		const char *why[2]; /* substrings the message must hold */
	} cases[] = {
		{ NULL, 4096, 8, -EINVAL, { "null|mem|uring|model", NULL } },
		{ "model", 4096, 8, -EINVAL, { "--engine=virtual", NULL } },
		{ "null", 0, 8, -EINVAL, { "--size=0", "null" } },
		{ "mem", 0, 8, -EINVAL, { "--size=0", "mem" } },
		{ "mem", 1000, 8, -EINVAL, { "--size=1000", "512" } },
		{ "null", 4097, 8, -EINVAL, { "--size=4097", "512" } },
		{ "null", 4096, 0, -EINVAL, { "--iodepth=0", "1..4096" } },
		{ "mem", 4096, 4097, -EINVAL, { "--iodepth=4097", "1..4096" } },
		{ "uring", 4096, 8, -EINVAL, { "--filename", NULL } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct target_ops *ops =
			cases[i].target ? target_find(cases[i].target) : NULL;
		struct target_config cfg;
		void *state = NULL;
		char why[256];
		int ret;

		target_config_default(&cfg);
		cfg.size_bytes = cases[i].size_bytes;
		cfg.depth = cases[i].depth;
		ret = target_open(ops, &cfg, &state, why, sizeof(why));
		CU_ASSERT_EQUAL(ret, cases[i].ret);
		CU_ASSERT_PTR_NULL(state);
		for (size_t j = 0; j < 2; j++) {
			bool has;

			if (!cases[i].why[j])
				continue;
			has = strstr(why, cases[i].why[j]) != NULL;
			if (!has)
				fprintf(stderr, "case %zu: '%s' lacks '%s'\n",
					i, why, cases[i].why[j]);
			CU_ASSERT(has);
		}
		if (ret == 0)
			ops->fini(state);
	}
}

/* A message that does not fit is cut, not overrun; none is asked for. */
static void test_open_short_why(void)
{
	const struct target_ops *ops = target_find("mem");
	struct target_config cfg;
	char why[8];
	void *state;

	target_config_default(&cfg);
	memset(why, 'x', sizeof(why));
	CU_ASSERT_EQUAL(target_open(ops, &cfg, &state, why, 4), -EINVAL);
	CU_ASSERT_EQUAL(why[3], '\0');
	CU_ASSERT_EQUAL(why[4], 'x');
	CU_ASSERT_EQUAL(target_open(ops, &cfg, &state, NULL, 0), -EINVAL);
}

/* ---- target_io_check ----------------------------------------------------- */

static void test_io_check(void)
{
	static _Alignas(4096) uint8_t buf[8192];
	static const struct {
		uint64_t offset_bytes;
		unsigned int nr_iov;
		size_t base_off; /* of every iovec, into buf */
		size_t len;	 /* of every iovec */
		int64_t ret;
	} cases[] = {
		{ 0, 1, 0, 512, 512 },
		{ 0, 11, 0, 4096, 11 * 4096 },
		{ 65536 - 4096, 1, 512, 4096, 4096 }, /* ends at the end */
		{ 0, 0, 0, 512, -EINVAL },	      /* no iovec */
		{ 0, TARGET_MAX_IOV + 1, 0, 512, -EINVAL }, /* too many */
		{ 100, 1, 0, 512, -EINVAL },	     /* offset misaligned */
		{ 0, 1, 100, 512, -EINVAL },	     /* base misaligned */
		{ 0, 1, 0, 0, -EINVAL },	     /* empty iovec */
		{ 0, 1, 0, 1000, -EINVAL },	     /* length misaligned */
		{ 65536, 1, 0, 512, -ERANGE },	     /* starts at the end */
		{ 65536 - 512, 2, 0, 512, -ERANGE }, /* straddles the end */
		{ UINT64_MAX - 511, 1, 0, 512, -ERANGE },
		{ 0, 1, 0, (size_t)1 << 31, -EINVAL }, /* over INT32_MAX */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct target_io io = {
			.offset_bytes = cases[i].offset_bytes,
			.nr_iov = cases[i].nr_iov,
		};

		for (unsigned int k = 0; k < TARGET_MAX_IOV; k++) {
			io.iov[k].iov_base = buf + cases[i].base_off;
			io.iov[k].iov_len = cases[i].len;
		}
		int64_t got = target_io_check(&io, 65536);

		if (got != cases[i].ret)
			fprintf(stderr, "case %zu: got %" PRId64 "\n", i, got);
		CU_ASSERT_EQUAL(got, cases[i].ret);
	}
}

/* ---- target_iov_advance -------------------------------------------------- */

static void test_iov_advance(void)
{
	static uint8_t buf[3][4096];
	static const size_t lens[3] = { 1024, 4096, 512 };
	static const struct {
		unsigned int first; /* before */
		size_t bytes;
		int ret;
		unsigned int new_first;
		size_t skipped; /* of iov[new_first] */
	} cases[] = {
		{ 0, 0, -EINVAL, 0, 0 },    { 0, 512, 0, 0, 512 },
		{ 0, 1023, 0, 0, 1023 },    { 0, 1024, 0, 1, 0 },
		{ 0, 1536, 0, 1, 512 },	    { 0, 5120, 0, 2, 0 },
		{ 0, 5631, 0, 2, 511 },	    { 0, 5632, -EINVAL, 0, 0 },
		{ 0, 9999, -EINVAL, 0, 0 }, { 1, 4096, 0, 2, 0 },
		{ 1, 4608, -EINVAL, 1, 0 }, { 2, 256, 0, 2, 256 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct iovec iov[3];
		unsigned int first = cases[i].first;
		int ret;

		for (unsigned int k = 0; k < 3; k++)
			iov[k] = (struct iovec){ buf[k], lens[k] };
		ret = target_iov_advance(iov, &first, 3, cases[i].bytes);
		if (ret != cases[i].ret)
			fprintf(stderr, "case %zu: got %d\n", i, ret);
		CU_ASSERT_EQUAL(ret, cases[i].ret);
		CU_ASSERT_EQUAL(first, cases[i].new_first);
		for (unsigned int k = 0; k < 3; k++) {
			size_t skip = k == first ? cases[i].skipped : 0;

			CU_ASSERT_PTR_EQUAL(iov[k].iov_base, buf[k] + skip);
			CU_ASSERT_EQUAL(iov[k].iov_len, lens[k] - skip);
		}
	}
}

/* Advancing in steps ends where one advance by the sum does. */
static void test_iov_advance_steps(void)
{
	static uint8_t buf[TARGET_MAX_IOV][4096];
	uint64_t rng = 42;

	for (unsigned int trial = 0; trial < 200; trial++) {
		struct iovec iov[TARGET_MAX_IOV];
		unsigned int first = 0;
		size_t total = 0, moved = 0, last_len;

		for (unsigned int k = 0; k < TARGET_MAX_IOV; k++) {
			iov[k].iov_base = buf[k];
			iov[k].iov_len = 1 + tp_below(&rng, 4096);
			total += iov[k].iov_len;
		}
		last_len = iov[TARGET_MAX_IOV - 1].iov_len;
		while (total - moved > 1) {
			size_t step = 1 + tp_below(&rng, total - moved - 1);

			CU_ASSERT_EQUAL_FATAL(target_iov_advance(iov, &first,
								 TARGET_MAX_IOV,
								 step),
					      0);
			moved += step;
		}
		/* One byte left: the last byte of the last iovec. */
		CU_ASSERT_EQUAL(first, TARGET_MAX_IOV - 1);
		CU_ASSERT_EQUAL(iov[first].iov_len, 1);
		CU_ASSERT_PTR_EQUAL(iov[first].iov_base,
				    buf[first] + last_len - 1);
	}
}

/* ---- null ---------------------------------------------------------------- */

static void test_null(void)
{
	const struct target_ops *ops = target_find("null");
	static _Alignas(4096) uint8_t buf[3 * 4096];
	struct target_config cfg;
	struct target_io io = { 0 };
	struct target_io *done[4];
	void *state;
	char why[128];

	target_config_default(&cfg);
	cfg.size_bytes = 1 << 20;
	CU_ASSERT_EQUAL_FATAL(target_open(ops, &cfg, &state, why, sizeof(why)),
			      0);
	CU_ASSERT_EQUAL(ops->size_bytes(state), 1 << 20);
	CU_ASSERT_EQUAL(ops->wait_fd(state), -1);

	memset(buf, 0x5a, sizeof(buf));
	io.offset_bytes = 8192;
	io.iov[0] = (struct iovec){ buf + 512, 1024 };
	io.iov[1] = (struct iovec){ buf + 4096, 4096 };
	io.iov[2] = (struct iovec){ buf + 8192, 512 };
	io.nr_iov = 3;
	io.user = 0xfeedfacecafebeefull;
	for (int write = 0; write < 2; write++) {
		io.write = write;
		io.result = 12345;
		CU_ASSERT_EQUAL(ops->submit(state, &io), TARGET_DONE);
		CU_ASSERT_EQUAL(io.result, 1024 + 4096 + 512);
		CU_ASSERT_EQUAL(io.user, 0xfeedfacecafebeefull);
		CU_ASSERT_EQUAL(io.iov[0].iov_len, 1024);
		CU_ASSERT_PTR_EQUAL(io.iov[0].iov_base, buf + 512);
	}
	/* A read through null leaves the memory as it was. */
	for (size_t i = 0; i < sizeof(buf); i++)
		if (buf[i] != 0x5a) {
			CU_FAIL("null target touched the data");
			break;
		}

	/* Bad I/Os complete at once with an error. */
	io.offset_bytes = (1 << 20) - 512;
	CU_ASSERT_EQUAL(ops->submit(state, &io), TARGET_DONE);
	CU_ASSERT_EQUAL(io.result, -ERANGE);
	io.offset_bytes = 0;
	io.nr_iov = 0;
	CU_ASSERT_EQUAL(ops->submit(state, &io), TARGET_DONE);
	CU_ASSERT_EQUAL(io.result, -EINVAL);

	CU_ASSERT_EQUAL(ops->flush(state), 0);
	CU_ASSERT_EQUAL(ops->reap(state, done, 4, true), 0);
	CU_ASSERT_EQUAL(ops->reap(state, done, 4, false), 0);
	ops->fini(state);
}

/* ---- mem ----------------------------------------------------------------- */

#define MEM_DISK_BYTES (1u << 20)
#define MEM_WRITES 400
#define MEM_SEED 0x6d656d74657374ull

/*
 * Random writes of random layouts (1..11 iovecs over partial pages) at
 * random offsets, then reads of the whole disk in other random layouts,
 * compared byte by byte with a model disk; never-written bytes read 0.
 */
static void test_mem_pattern(void)
{
	const struct target_ops *ops = target_find("mem");
	uint8_t *pages = aligned_alloc(4096, TARGET_MAX_IOV * TP_PAGE_BYTES);
	uint8_t *shadow = calloc(1, MEM_DISK_BYTES);
	uint64_t rng = MEM_SEED;
	struct target_config cfg;
	struct target_io io;
	void *state;
	char why[128];
	unsigned int bad = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(pages);
	CU_ASSERT_PTR_NOT_NULL_FATAL(shadow);
	target_config_default(&cfg);
	cfg.size_bytes = MEM_DISK_BYTES;
	CU_ASSERT_EQUAL_FATAL(target_open(ops, &cfg, &state, why, sizeof(why)),
			      0);

	for (unsigned int k = 0; k < MEM_WRITES; k++) {
		uint32_t len = tp_random_layout(&io, pages, &rng,
						TARGET_MAX_IOV * TP_PAGE_BYTES);
		uint64_t sectors = (MEM_DISK_BYTES - len) / TARGET_SECTOR_BYTES;

		/* Every 16th write lands at the very end of the disk. */
		io.offset_bytes = k % 16 == 15 ? MEM_DISK_BYTES - len :
						 tp_below(&rng, sectors + 1) *
							 TARGET_SECTOR_BYTES;
		io.write = true;
		io.user = k;
		tp_fill(&io, MEM_SEED + k);
		tp_apply(&io, shadow);
		CU_ASSERT_EQUAL(ops->submit(state, &io), TARGET_DONE);
		CU_ASSERT_EQUAL(io.result, (int32_t)len);
		CU_ASSERT_EQUAL(io.user, k);
	}

	/* A write past the end changes nothing. */
	tp_random_layout(&io, pages, &rng, 4096);
	io.offset_bytes = MEM_DISK_BYTES - 512;
	io.iov[0].iov_len = 1024;
	io.nr_iov = 1;
	memset(pages, 0xee, TP_PAGE_BYTES);
	CU_ASSERT_EQUAL(ops->submit(state, &io), TARGET_DONE);
	CU_ASSERT_EQUAL(io.result, -ERANGE);

	for (uint64_t off = 0; off < MEM_DISK_BYTES;) {
		uint32_t len = tp_random_layout(
			&io, pages, &rng, (uint32_t)(MEM_DISK_BYTES - off));
		uint64_t diff;

		io.offset_bytes = off;
		io.write = false;
		memset(pages, 0xee, TARGET_MAX_IOV * TP_PAGE_BYTES);
		CU_ASSERT_EQUAL(ops->submit(state, &io), TARGET_DONE);
		CU_ASSERT_EQUAL(io.result, (int32_t)len);
		diff = tp_compare(&io, shadow);
		if (diff != UINT64_MAX && bad++ < 5)
			fprintf(stderr, "mem: byte %" PRIu64 " differs\n",
				diff);
		off += len;
	}
	CU_ASSERT_EQUAL(bad, 0);
	ops->fini(state);
	free(shadow);
	free(pages);
}

/* ---- Registration -------------------------------------------------------- */

int cu_register(void)
{
	CU_pSuite s;

	s = CU_add_suite("registry", NULL, NULL);
	CU_ADD_TEST(s, test_find);
	CU_ADD_TEST(s, test_names);
	CU_ADD_TEST(s, test_config_default);
	CU_ADD_TEST(s, test_open_errors);
	CU_ADD_TEST(s, test_open_short_why);
	CU_ADD_TEST(s, test_io_check);
	CU_ADD_TEST(s, test_iov_advance);
	CU_ADD_TEST(s, test_iov_advance_steps);

	s = CU_add_suite("null", NULL, NULL);
	CU_ADD_TEST(s, test_null);

	s = CU_add_suite("mem", NULL, NULL);
	CU_ADD_TEST(s, test_mem_pattern);
	return 0;
}
