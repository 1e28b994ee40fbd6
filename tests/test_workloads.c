// SPDX-License-Identifier: MIT
/*
 * Tests of workloads/workload: mode names, config validation and its
 * messages, reproducibility from the seed, alignment and bounds of every
 * offset, the random map's once-per-pass coverage for several block
 * counts, uniform draws without the map, the read/write mix, the I/O
 * limit, sequential wrap, the verification pattern, CRC32C against known
 * answers and the verify block's header and checksum (verify=crc32c),
 * the region and its grid, bsrange and bssplit,
 * the shape of every random_distribution on 10^6 draws, open-loop
 * arrival times and think time.  Single-threaded;
 * fixed seeds and bounded counts.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/cu_main.h"
#include "workloads/workload.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const enum wl_rw all_modes[] = {
	WL_RW_READ,	 WL_RW_WRITE,  WL_RW_RANDREAD,
	WL_RW_RANDWRITE, WL_RW_RANDRW, WL_RW_RW,
};

static struct wl *wl_new(const struct wl_config *cfg)
{
	struct wl *w = NULL;

	CU_ASSERT_EQUAL_FATAL(wl_create(cfg, &w), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	return w;
}

static struct wl_config cfg_of(enum wl_rw rw, uint32_t bs, uint64_t nblocks)
{
	struct wl_config cfg;

	wl_config_default(&cfg);
	cfg.rw = rw;
	cfg.bs_bytes = bs;
	cfg.size_bytes = nblocks * bs;
	return cfg;
}

/* A bitmap for coverage checks. */
struct bits {
	uint64_t *w;
	uint64_t n;
};

static void bits_alloc(struct bits *b, uint64_t n)
{
	b->n = n;
	b->w = calloc((n + 63) / 64, sizeof(uint64_t));
	CU_ASSERT_PTR_NOT_NULL_FATAL(b->w);
}

static void bits_clear(struct bits *b)
{
	memset(b->w, 0, (b->n + 63) / 64 * sizeof(uint64_t));
}

/* Sets bit @i; returns whether it was already set. */
static bool bits_test_and_set(struct bits *b, uint64_t i)
{
	uint64_t m = UINT64_C(1) << (i % 64);
	bool was = b->w[i / 64] & m;

	b->w[i / 64] |= m;
	return was;
}

/* ---- Names -------------------------------------------------------------- */

static void test_rw_parse(void)
{
	static const struct {
		const char *s;
		int ret;
		enum wl_rw rw;
	} cases[] = {
		{ "read", 0, WL_RW_READ },
		{ "write", 0, WL_RW_WRITE },
		{ "randread", 0, WL_RW_RANDREAD },
		{ "randwrite", 0, WL_RW_RANDWRITE },
		{ "randrw", 0, WL_RW_RANDRW },
		{ "rw", 0, WL_RW_RW },
		{ "readwrite", 0, WL_RW_RW },
		{ "", -EINVAL, 0 },
		{ "READ", -EINVAL, 0 },
		{ "randread ", -EINVAL, 0 },
		{ "rand", -EINVAL, 0 },
		{ "trim", -EINVAL, 0 },
		{ "randtrim", -EINVAL, 0 },
		{ "readwrite2", -EINVAL, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		enum wl_rw got = WL_RW_NR; /* untouched on error */

		CU_ASSERT_EQUAL(wl_rw_parse(cases[i].s, &got), cases[i].ret);
		CU_ASSERT_EQUAL(got, cases[i].ret ? WL_RW_NR : cases[i].rw);
	}
	CU_ASSERT_EQUAL(wl_rw_parse(NULL, &(enum wl_rw){ 0 }), -EINVAL);
}

static void test_rw_names(void)
{
	static const struct {
		enum wl_rw rw;
		const char *name;
		bool random, mixed;
	} cases[] = {
		{ WL_RW_READ, "read", false, false },
		{ WL_RW_WRITE, "write", false, false },
		{ WL_RW_RANDREAD, "randread", true, false },
		{ WL_RW_RANDWRITE, "randwrite", true, false },
		{ WL_RW_RANDRW, "randrw", true, true },
		{ WL_RW_RW, "rw", false, true },
		{ WL_RW_NR, "invalid", false, false },
		{ (enum wl_rw)1000, "invalid", false, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		enum wl_rw back;

		CU_ASSERT_STRING_EQUAL(wl_rw_name(cases[i].rw), cases[i].name);
		CU_ASSERT_EQUAL(wl_rw_is_random(cases[i].rw), cases[i].random);
		CU_ASSERT_EQUAL(wl_rw_is_mixed(cases[i].rw), cases[i].mixed);
		if (cases[i].rw < WL_RW_NR) {
			CU_ASSERT_EQUAL(wl_rw_parse(cases[i].name, &back), 0);
			CU_ASSERT_EQUAL(back, cases[i].rw);
		}
	}
}

/* ---- Config ------------------------------------------------------------- */

enum field { F_NONE, F_RW, F_BS, F_OFFSET, F_SIZE, F_MIX, F_LIMIT };

static void set_field(struct wl_config *cfg, enum field f, uint64_t v)
{
	switch (f) {
	case F_NONE:
		break;
	case F_RW:
		cfg->rw = (enum wl_rw)v;
		break;
	case F_BS:
		cfg->bs_bytes = (uint32_t)v;
		break;
	case F_OFFSET:
		cfg->offset_bytes = v;
		break;
	case F_SIZE:
		cfg->size_bytes = v;
		break;
	case F_MIX:
		cfg->rwmixread = (unsigned int)v;
		break;
	case F_LIMIT:
		cfg->io_limit_bytes = v;
		break;
	}
}

static void test_config_check(void)
{
	static const struct {
		enum field f1;
		uint64_t v1;
		enum field f2;
		uint64_t v2;
		const char *msg; /* NULL: valid; else the message's start */
	} cases[] = {
		{ F_NONE, 0, F_NONE, 0, NULL }, /* the defaults */
		{ F_BS, 512, F_NONE, 0, NULL },
		{ F_BS, 1 << 20, F_SIZE, 1 << 20, NULL },    /* one block */
		{ F_SIZE, 4096 * 3 + 100, F_NONE, 0, NULL }, /* a tail */
		{ F_MIX, 0, F_RW, WL_RW_RANDRW, NULL },
		{ F_MIX, 100, F_RW, WL_RW_RW, NULL },
		{ F_LIMIT, 512, F_NONE, 0, NULL },
		{ F_OFFSET, UINT64_MAX - 511, F_SIZE, 4096,
		  "size_bytes=4096: offset_bytes + size_bytes" },
		{ F_OFFSET, UINT64_MAX - 4607, F_SIZE, 4607,
		  NULL }, /* ends at exactly UINT64_MAX */
		{ F_RW, WL_RW_NR, F_NONE, 0, "rw=6: not a mode" },
		{ F_RW, 1000, F_NONE, 0, "rw=1000: not a mode" },
		{ F_BS, 0, F_NONE, 0, "bs_bytes=0: must be a positive" },
		{ F_BS, 511, F_NONE, 0, "bs_bytes=511: must be a positive" },
		{ F_BS, 1000, F_NONE, 0, "bs_bytes=1000: must be a positive" },
		{ F_BS, 4097, F_NONE, 0, "bs_bytes=4097: must be a positive" },
		{ F_OFFSET, 100, F_NONE, 0, "offset_bytes=100: must be" },
		{ F_SIZE, 0, F_NONE, 0, "size_bytes=0: must be at least" },
		{ F_SIZE, 4095, F_NONE, 0,
		  "size_bytes=4095: must be at least" },
		{ F_OFFSET, 1 << 20, F_SIZE, UINT64_MAX - 4096,
		  "size_bytes=18446744073709547519: offset_bytes + " },
		{ F_MIX, 101, F_NONE, 0, "rwmixread=101: must be" },
		{ F_MIX, UINT_MAX, F_NONE, 0, "rwmixread=4294967295: must be" },
		{ F_LIMIT, 100, F_NONE, 0, "io_limit_bytes=100: must be" },
		{ F_LIMIT, 4096 + 1, F_NONE, 0,
		  "io_limit_bytes=4097: must be" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct wl_config cfg;
		struct wl *w = (struct wl *)&cfg; /* must stay untouched */
		char why[200] = "";
		int ret;

		wl_config_default(&cfg);
		set_field(&cfg, cases[i].f1, cases[i].v1);
		set_field(&cfg, cases[i].f2, cases[i].v2);
		ret = wl_config_check(&cfg, why, sizeof(why));
		if (!cases[i].msg) {
			if (ret)
				fprintf(stderr, "case %zu: '%s'\n", i, why);
			CU_ASSERT_EQUAL(ret, 0);
			ret = wl_create(&cfg, &w);
			CU_ASSERT_EQUAL(ret, 0);
			if (!ret)
				wl_destroy(w);
			continue;
		}
		if (strncmp(why, cases[i].msg, strlen(cases[i].msg)))
			fprintf(stderr, "case %zu: '%s', want '%s...'\n", i,
				why, cases[i].msg);
		CU_ASSERT_EQUAL(ret, -EINVAL);
		CU_ASSERT_NSTRING_EQUAL(why, cases[i].msg,
					strlen(cases[i].msg));
		/* One line, and it says what is allowed. */
		CU_ASSERT_PTR_NULL(strchr(why, '\n'));
		CU_ASSERT(strstr(why, "must") || strstr(why, "allowed"));
		CU_ASSERT_EQUAL(wl_config_check(&cfg, NULL, 0), -EINVAL);
		CU_ASSERT_EQUAL(wl_create(&cfg, &w), -EINVAL);
		CU_ASSERT_PTR_EQUAL(w, (struct wl *)&cfg);
	}
}

/* A short buffer still gets a terminated (truncated) message. */
static void test_config_check_short_buffer(void)
{
	struct wl_config cfg;
	char why[8];

	wl_config_default(&cfg);
	cfg.bs_bytes = 3;
	memset(why, 'x', sizeof(why));
	CU_ASSERT_EQUAL(wl_config_check(&cfg, why, sizeof(why)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(why, "bs_byte");
	CU_ASSERT_EQUAL(wl_config_check(NULL, why, sizeof(why)), -EINVAL);
}

/* ---- Sequences ---------------------------------------------------------- */

/* Hash of the first @n I/Os, direction included. */
static uint64_t run_hash(const struct wl_config *cfg, unsigned int n,
			 bool dirs_only)
{
	struct wl *w = wl_new(cfg);
	struct wl_io io;
	uint64_t h = 0;
	bool ok = true;

	for (unsigned int i = 0; i < n; i++) {
		ok &= wl_next(w, &io);
		h = (h ^ (dirs_only ? 0 : io.offset_bytes) ^ io.len_bytes ^
		     (uint64_t)io.write) *
		    UINT64_C(0x100000001b3);
		h ^= h >> 29;
	}
	CU_ASSERT_TRUE(ok);
	wl_destroy(w);
	return h;
}

static void test_reproducible(void)
{
	for (size_t m = 0; m < ARRAY_SIZE(all_modes); m++) {
		struct wl_config a = cfg_of(all_modes[m], 4096, 10007), b;
		uint64_t h = run_hash(&a, 20000, false);
		bool seeded;

		/* Same config, same sequence. */
		CU_ASSERT_EQUAL(run_hash(&a, 20000, false), h);
		/*
		 * Another seed: a different sequence, except in sequential
		 * single-direction modes, where the seed plays no part.
		 */
		b = a;
		b.seed = a.seed + 1;
		seeded = wl_rw_is_random(a.rw) || wl_rw_is_mixed(a.rw);
		CU_ASSERT_EQUAL(run_hash(&b, 20000, false) != h, seeded);
		/* norandommap is another sequence of the random modes. */
		b = a;
		b.norandommap = true;
		if (wl_rw_is_random(a.rw))
			CU_ASSERT_NOT_EQUAL(run_hash(&b, 20000, false), h);
	}
}

/*
 * Every offset is bs-aligned inside the region, every length is bs, and
 * single-direction modes never mix, for assorted regions.
 */
static void test_alignment_and_bounds(void)
{
	static const struct {
		uint32_t bs;
		uint64_t offset, size;
		bool norandommap;
	} regions[] = {
		{ 4096, 0, 4096 * 100, false },
		{ 4096, 1 << 20, 4096 * 100 + 4095, false }, /* a tail */
		{ 512, 512, 512 * 3, false },
		{ 45056, 4096 * 7, 45056 * 1000 + 2048, false }, /* 44 KiB */
		{ 4096, 1 << 20, 4096 * 100 + 4095, true },
		{ 1 << 20, UINT64_C(1) << 40, (UINT64_C(1) << 40) + 512, true },
		{ 512, UINT64_MAX - (UINT64_C(1) << 30) - 511, 1 << 30, false },
	};

	for (size_t r = 0; r < ARRAY_SIZE(regions); r++) {
		for (size_t m = 0; m < ARRAY_SIZE(all_modes); m++) {
			struct wl_config cfg;
			uint64_t nblocks, end, bad = 0;
			unsigned int writes = 0;
			bool ok = true;
			struct wl_io io;
			struct wl *w;

			wl_config_default(&cfg);
			cfg.rw = all_modes[m];
			cfg.bs_bytes = regions[r].bs;
			cfg.offset_bytes = regions[r].offset;
			cfg.size_bytes = regions[r].size;
			cfg.norandommap = regions[r].norandommap;
			w = wl_new(&cfg);
			nblocks = regions[r].size / regions[r].bs;
			CU_ASSERT_EQUAL(wl_nblocks(w), nblocks);
			end = cfg.offset_bytes + nblocks * cfg.bs_bytes;
			for (unsigned int i = 0; i < 5000; i++) {
				ok &= wl_next(w, &io);
				bad += io.offset_bytes < cfg.offset_bytes ||
				       (io.offset_bytes - cfg.offset_bytes) %
					       cfg.bs_bytes ||
				       io.offset_bytes > end - cfg.bs_bytes ||
				       io.len_bytes != cfg.bs_bytes;
				writes += io.write;
			}
			CU_ASSERT_TRUE(ok);
			CU_ASSERT_EQUAL(bad, 0);
			if (cfg.rw == WL_RW_READ || cfg.rw == WL_RW_RANDREAD)
				CU_ASSERT_EQUAL(writes, 0);
			if (cfg.rw == WL_RW_WRITE || cfg.rw == WL_RW_RANDWRITE)
				CU_ASSERT_EQUAL(writes, 5000);
			CU_ASSERT_EQUAL(wl_issued_bytes(w),
					5000 * (uint64_t)cfg.bs_bytes);
			wl_destroy(w);
		}
	}
}

static void test_sequential_wrap(void)
{
	static const enum wl_rw modes[] = { WL_RW_READ, WL_RW_WRITE, WL_RW_RW };

	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		struct wl_config cfg = cfg_of(modes[m], 4096, 5);
		struct wl_io io;
		struct wl *w;

		cfg.offset_bytes = 1 << 20;
		cfg.size_bytes += 4000; /* a tail that is never touched */
		w = wl_new(&cfg);
		for (unsigned int i = 0; i < 23; i++) {
			CU_ASSERT_TRUE(wl_next(w, &io));
			CU_ASSERT_EQUAL(io.offset_bytes,
					(1 << 20) + (uint64_t)(i % 5) * 4096);
		}
		wl_destroy(w);
	}

	/* One block: always the same offset. */
	{
		struct wl_config cfg = cfg_of(WL_RW_READ, 8192, 1);
		struct wl *w = wl_new(&cfg);
		struct wl_io io;

		for (unsigned int i = 0; i < 10; i++) {
			CU_ASSERT_TRUE(wl_next(w, &io));
			CU_ASSERT_EQUAL(io.offset_bytes, 0);
		}
		wl_destroy(w);
	}
}

/* ---- The random map ----------------------------------------------------- */

/*
 * Every block exactly once per pass, for three passes, and each pass in
 * a new order (from 64 blocks up, where a repeat is negligible: 1/64!).
 */
static void test_randommap_covers(void)
{
	static const uint64_t counts[] = { 1,	 2,	3,	5,    7,
					   8,	 64,	1000,	1024, 1025,
					   4097, 65536, 1000003 };
	struct bits seen;

	for (size_t c = 0; c < ARRAY_SIZE(counts); c++) {
		uint64_t n = counts[c], prev_order = 0;
		enum wl_rw rw = c % 2 ? WL_RW_RANDREAD : WL_RW_RANDRW;
		struct wl_config cfg = cfg_of(rw, 512, n);
		unsigned int passes = n > 100000 ? 2 : 3;
		struct wl *w = wl_new(&cfg);
		struct wl_io io;

		bits_alloc(&seen, n);
		for (unsigned int p = 0; p < passes; p++) {
			uint64_t repeats = 0, order = 0, outside = 0;
			bool ok = true;

			bits_clear(&seen);
			for (uint64_t i = 0; i < n; i++) {
				uint64_t blk;

				ok &= wl_next(w, &io);
				blk = io.offset_bytes / 512;
				if (blk >= n) {
					outside++;
					continue;
				}
				repeats += bits_test_and_set(&seen, blk);
				order = (order ^ blk) * UINT64_C(0x100000001b3);
			}
			CU_ASSERT_TRUE(ok);
			CU_ASSERT_EQUAL(outside, 0);
			/* n draws, no repeat: each block exactly once. */
			if (repeats)
				fprintf(stderr,
					"n %" PRIu64 " pass %u: %" PRIu64
					" repeats\n",
					n, p, repeats);
			CU_ASSERT_EQUAL(repeats, 0);
			if (p && n >= 64)
				CU_ASSERT_NOT_EQUAL(order, prev_order);
			prev_order = order;
		}
		free(seen.w);
		wl_destroy(w);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * A region too large to walk (2^40 + 7 blocks, domain 2^41): a sample of
 * the first pass has no repeat, stays in bounds, and is spread out.
 */
static void test_randommap_sampled(void)
{
	enum { N = 200000 };
	uint64_t n = (UINT64_C(1) << 40) + 7;
	struct wl_config cfg = cfg_of(WL_RW_RANDWRITE, 512, n);
	uint64_t *v = malloc(N * sizeof(*v));
	unsigned int upper = 0, dup = 0, outside = 0;
	bool ok = true;
	struct wl *w = wl_new(&cfg);
	struct wl_io io;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	for (unsigned int i = 0; i < N; i++) {
		ok &= wl_next(w, &io);
		v[i] = io.offset_bytes / 512;
		outside += v[i] >= n;
		upper += v[i] >= n / 2;
	}
	CU_ASSERT_TRUE(ok);
	CU_ASSERT_EQUAL(outside, 0);
	qsort(v, N, sizeof(*v), cmp_u64);
	for (unsigned int i = 1; i < N; i++)
		dup += v[i] == v[i - 1];
	CU_ASSERT_EQUAL(dup, 0);
	/* Half above the middle: mean N/2, sd ~224; 10 sd of slack. */
	CU_ASSERT(upper > N / 2 - 2240 && upper < N / 2 + 2240);
	free(v);
	wl_destroy(w);
}

/*
 * Consecutive random offsets do not step through the region: adjacent
 * blocks follow each other about as often as chance has it (2/n).
 */
static void test_randommap_not_sequential(void)
{
	struct wl_config cfg = cfg_of(WL_RW_RANDREAD, 4096, 1000);
	struct wl *w = wl_new(&cfg);
	uint64_t prev = 0, adjacent = 0;
	struct wl_io io;
	bool ok = true;

	for (unsigned int i = 0; i < 100000; i++) {
		uint64_t blk;

		ok &= wl_next(w, &io);
		blk = io.offset_bytes / 4096;
		adjacent += i && (blk == prev + 1 || blk + 1 == prev);
		prev = blk;
	}
	CU_ASSERT_TRUE(ok);
	/* Chance gives ~200; a stepping generator gives ~100000. */
	CU_ASSERT(adjacent < 1000);
	wl_destroy(w);
}

/* Without the map: uniform draws that repeat within a pass. */
static void test_norandommap_uniform(void)
{
	enum { NB = 1000, DRAWS = 100000 };
	struct wl_config cfg = cfg_of(WL_RW_RANDREAD, 4096, NB);
	static unsigned int hits[NB];
	unsigned int lo = UINT_MAX, hi = 0, first_pass_distinct = 0;
	unsigned int outside = 0;
	bool ok = true;
	struct bits seen;
	struct wl_io io;
	struct wl *w;

	cfg.norandommap = true;
	w = wl_new(&cfg);
	bits_alloc(&seen, NB);
	memset(hits, 0, sizeof(hits));
	for (unsigned int i = 0; i < DRAWS; i++) {
		uint64_t blk;

		ok &= wl_next(w, &io);
		blk = io.offset_bytes / 4096;
		if (blk >= NB) {
			outside++;
			continue;
		}
		hits[blk]++;
		if (i < NB)
			first_pass_distinct += !bits_test_and_set(&seen, blk);
	}
	CU_ASSERT_TRUE(ok);
	CU_ASSERT_EQUAL(outside, 0);
	for (unsigned int b = 0; b < NB; b++) {
		lo = hits[b] < lo ? hits[b] : lo;
		hi = hits[b] > hi ? hits[b] : hi;
	}
	/* Expected 100 each, sd 10: 5 sd either way. */
	CU_ASSERT(lo >= 50 && hi <= 150);
	/* NB uniform draws hit ~63% of the blocks, not all. */
	CU_ASSERT(first_pass_distinct > 550 && first_pass_distinct < 700);
	free(seen.w);
	wl_destroy(w);
}

/* ---- Mix and limit ------------------------------------------------------ */

static void test_mix_ratio(void)
{
	static const unsigned int pcts[] = { 0, 1, 10, 50, 70, 99, 100 };
	static const enum wl_rw modes[] = { WL_RW_RANDRW, WL_RW_RW };

	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		for (size_t p = 0; p < ARRAY_SIZE(pcts); p++) {
			struct wl_config cfg = cfg_of(modes[m], 4096, 4096);
			unsigned int reads = 0;
			bool ok = true;
			struct wl_io io;
			struct wl *w;
			double frac;

			cfg.rwmixread = pcts[p];
			w = wl_new(&cfg);
			for (unsigned int i = 0; i < 100000; i++) {
				ok &= wl_next(w, &io);
				reads += !io.write;
			}
			CU_ASSERT_TRUE(ok);
			frac = reads / 100000.0;
			/* sd <= 0.16%: 1% is over 6 sd. */
			CU_ASSERT(frac > pcts[p] / 100.0 - 0.01 &&
				  frac < pcts[p] / 100.0 + 0.01);
			if (pcts[p] == 0)
				CU_ASSERT_EQUAL(reads, 0);
			if (pcts[p] == 100)
				CU_ASSERT_EQUAL(reads, 100000);
			wl_destroy(w);
		}
	}
}

/* The mix has its own stream: rwmixread does not move the offsets. */
static void test_mix_independent_of_offsets(void)
{
	struct wl_config a = cfg_of(WL_RW_RANDRW, 4096, 10000), b = a;

	a.rwmixread = 30;
	b.rwmixread = 70;
	CU_ASSERT_NOT_EQUAL(run_hash(&a, 10000, true),
			    run_hash(&b, 10000, true));
	a.rw = b.rw = WL_RW_RANDREAD;
	CU_ASSERT_EQUAL(run_hash(&a, 10000, false), run_hash(&b, 10000, false));
	/* The mixed mode's offsets are the same whatever the mix. */
	{
		struct wl_config c = cfg_of(WL_RW_RANDRW, 4096, 10000);
		struct wl *x, *y;
		struct wl_io ix, iy;
		unsigned int same = 0;

		c.rwmixread = 30;
		x = wl_new(&c);
		c.rwmixread = 70;
		y = wl_new(&c);
		for (unsigned int i = 0; i < 10000; i++) {
			CU_ASSERT_TRUE(wl_next(x, &ix));
			CU_ASSERT_TRUE(wl_next(y, &iy));
			same += ix.offset_bytes == iy.offset_bytes;
		}
		CU_ASSERT_EQUAL(same, 10000);
		wl_destroy(x);
		wl_destroy(y);
	}
}

static void test_io_limit(void)
{
	static const struct {
		enum wl_rw rw;
		uint32_t bs;
		uint64_t nblocks, limit;
		unsigned int ios;
		uint32_t last_len;
	} cases[] = {
		{ WL_RW_READ, 4096, 100, 4096 * 10, 10, 4096 },
		{ WL_RW_RANDREAD, 4096, 100, 4096 * 10, 10, 4096 },
		{ WL_RW_RANDRW, 4096, 100, 4096 * 3 + 1024, 4, 1024 },
		{ WL_RW_WRITE, 4096, 100, 512, 1, 512 },
		{ WL_RW_RW, 512, 7, 512, 1, 512 },
		/* More than the region: wraps, or starts a second pass. */
		{ WL_RW_READ, 4096, 4, 4096 * 10, 10, 4096 },
		{ WL_RW_RANDWRITE, 4096, 4, 4096 * 9 + 512, 10, 512 },
		{ WL_RW_RANDREAD, 65536, 1000, 65536 * 2500, 2500, 65536 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct wl_config cfg =
			cfg_of(cases[i].rw, cases[i].bs, cases[i].nblocks);
		struct wl_io io = { 0 };
		unsigned int ios = 0;
		uint64_t bytes = 0;
		struct wl *w;

		cfg.io_limit_bytes = cases[i].limit;
		w = wl_new(&cfg);
		while (ios <= cases[i].ios && wl_next(w, &io)) {
			ios++;
			bytes += io.len_bytes;
			CU_ASSERT(io.len_bytes % 512 == 0 && io.len_bytes);
		}
		CU_ASSERT_EQUAL(ios, cases[i].ios);
		CU_ASSERT_EQUAL(bytes, cases[i].limit);
		CU_ASSERT_EQUAL(io.len_bytes, cases[i].last_len);
		CU_ASSERT_EQUAL(wl_issued_bytes(w), cases[i].limit);
		/* It stays stopped. */
		CU_ASSERT_FALSE(wl_next(w, &io));
		CU_ASSERT_FALSE(wl_next(w, &io));
		wl_destroy(w);
	}
}

/* io_limit_bytes = 0: bounded by the caller, never by the generator. */
static void test_unlimited(void)
{
	struct wl_config cfg = cfg_of(WL_RW_RANDREAD, 4096, 3);
	struct wl *w = wl_new(&cfg);
	struct wl_io io;
	unsigned int ok = 0;

	for (unsigned int i = 0; i < 1000; i++)
		ok += wl_next(w, &io);
	CU_ASSERT_EQUAL(ok, 1000);
	CU_ASSERT_EQUAL(wl_issued_bytes(w), 1000 * 4096);
	wl_destroy(w);
}

/* ---- The verification pattern ------------------------------------------ */

#define PAT_LEN 65536
static unsigned char pat_whole[PAT_LEN], pat_parts[PAT_LEN];

static void test_pattern_round_trip(void)
{
	static const struct {
		uint64_t offset, seed;
	} cases[] = {
		{ 0, 0 },
		{ 4096, 0x1234 },
		{ UINT64_C(1) << 40, 7 },
		{ UINT64_MAX - PAT_LEN + 1, 99 }, /* the last bytes */
		{ 8, UINT64_MAX },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t off = cases[i].offset, seed = cases[i].seed;

		wl_pattern_fill(pat_whole, PAT_LEN, off, seed);
		CU_ASSERT_EQUAL(wl_pattern_check(pat_whole, PAT_LEN, off, seed),
				0);
		/* Another seed or place: almost every byte differs. */
		CU_ASSERT(wl_pattern_check(pat_whole, PAT_LEN, off, seed + 1) >
			  PAT_LEN * 9 / 10);
		CU_ASSERT(wl_pattern_check(pat_whole, PAT_LEN, off + 8, seed) >
			  PAT_LEN * 9 / 10);
		CU_ASSERT(wl_pattern_check(pat_whole, PAT_LEN, off - 4096,
					   seed) > PAT_LEN * 9 / 10);
	}
	/* Two blocks of one device differ. */
	wl_pattern_fill(pat_whole, 4096, 0, 1);
	wl_pattern_fill(pat_parts, 4096, 4096, 1);
	CU_ASSERT(memcmp(pat_whole, pat_parts, 4096) != 0);
}

/*
 * Written in one piece, read back in others (8-aligned or not): every
 * sub-range checks on its own, and a fill split any way is identical.
 */
static void test_pattern_split(void)
{
	static const uint32_t cuts[][4] = {
		{ 0, 4096, 8192, PAT_LEN },
		{ 0, 8, 16, PAT_LEN },
		{ 0, 3, 13, PAT_LEN },
		{ 0, 1, 2, PAT_LEN },
		{ 0, 511, 4099, PAT_LEN },
		{ 0, 0, PAT_LEN - 5, PAT_LEN },
		{ 0, 44 * 1024, 44 * 1024 + 1, PAT_LEN },
	};
	const uint64_t base = 1 << 20, seed = 5;

	wl_pattern_fill(pat_whole, PAT_LEN, base, seed);
	for (size_t i = 0; i < ARRAY_SIZE(cuts); i++) {
		memset(pat_parts, 0, PAT_LEN);
		for (unsigned int k = 0; k < 3; k++) {
			uint32_t a = cuts[i][k], b = cuts[i][k + 1];

			CU_ASSERT_EQUAL(wl_pattern_check(pat_whole + a, b - a,
							 base + a, seed),
					0);
			wl_pattern_fill(pat_parts + a, b - a, base + a, seed);
		}
		CU_ASSERT_EQUAL(memcmp(pat_parts, pat_whole, PAT_LEN), 0);
	}
	/* Zero length: nothing written, nothing wrong. */
	CU_ASSERT_EQUAL(wl_pattern_check(pat_whole, 0, base, seed), 0);
}

/* Corruption is counted to the byte. */
static void test_pattern_detects(void)
{
	static const struct {
		uint32_t pos[3];
		unsigned char flip[3];
		unsigned int n;
		uint64_t bad;
	} cases[] = {
		{ { 0 }, { 0x01 }, 1, 1 },
		{ { 4095 }, { 0x80 }, 1, 1 },
		{ { 12345 }, { 0xff }, 1, 1 },
		{ { 100, 100 }, { 0x01, 0x10 }, 2, 1 }, /* two bits, a byte */
		{ { 100, 101 }, { 0x01, 0x01 }, 2, 2 }, /* one word */
		{ { 7, 8, 65535 }, { 1, 1, 1 }, 3, 3 }, /* word edges */
		{ { 50, 50 }, { 0x21, 0x21 }, 2, 0 },	/* flipped back */
	};
	const uint64_t base = 4096 * 3, seed = 0xfeed;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		wl_pattern_fill(pat_whole, PAT_LEN, base, seed);
		for (unsigned int k = 0; k < cases[i].n; k++)
			pat_whole[cases[i].pos[k]] ^= cases[i].flip[k];
		CU_ASSERT_EQUAL(wl_pattern_check(pat_whole, PAT_LEN, base,
						 seed),
				cases[i].bad);
		/* Unaligned reads of the same data see the same damage. */
		CU_ASSERT_EQUAL(wl_pattern_check(pat_whole + 3, PAT_LEN - 3,
						 base + 3, seed) +
					wl_pattern_check(pat_whole, 3, base,
							 seed),
				cases[i].bad);
	}
}

/* ---- Block sizes -------------------------------------------------------- */

#define DRAWS 1000000u

static void test_bs_parsers(void)
{
	static const struct {
		int which; /* 0 bsrange, 1 bssplit, 2 random_distribution */
		const char *s;
		bool ok;
		const char *why; /* a part of the message when refused */
	} cases[] = {
		{ 0, "4k-64k", true, NULL },
		{ 0, "512-512", true, NULL },
		{ 0, "", true, NULL },
		{ 0, "64k-4k", false, "0 < MIN <= MAX" },
		{ 0, "4k", false, "not MIN-MAX" },
		{ 0, "1000-4k", false, "multiples of 512" },
		{ 1, "4k/70:64k/30", true, NULL },
		{ 1, "4k/50:8k:16k", true, NULL },
		{ 1, "4k/12.5:8k/87.5", true, NULL },
		{ 1, "4k/70:64k/20", false, "sum to 90" },
		{ 1, "4k/70:64k/40", false, "percentage" },
		{ 1, "1000/100", false, "not a block size" },
		{ 1, "4k/x", false, "not a percentage" },
		{ 1, "4k/50,8k/50", false, "not supported" },
		{ 1, "4k/50:", false, "empty entry" },
		{ 1, "4k/1.00001:8k", false, "not a percentage" },
		{ 2, "random", true, NULL },
		{ 2, "zipf:1.2", true, NULL },
		{ 2, "pareto:0.2", true, NULL },
		{ 2, "normal:10", true, NULL },
		{ 2, "normal:10:25", true, NULL },
		{ 2, "zoned:60/10:30/20:10/70", true, NULL },
		{ 2, "zipf", false, "needs a parameter" },
		{ 2, "zipf:0", false, "must be > 0" },
		{ 2, "pareto:1", false, "between 0 and 1" },
		{ 2, "normal:-1", false, "not a number" },
		{ 2, "zoned:60/10:30/20", false, "access sums to 90" },
		{ 2, "zoned:60-10", false, "ACCESS%/SIZE%" },
		{ 2, "gauss:1", false, "unknown" },
		{ 2, "random:1", false, "no parameter" },
		{ 2, "zipf:1.2:3", false, "only normal" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct wl_config cfg, before;
		char why[256] = "";
		int rc;

		wl_config_default(&cfg);
		before = cfg;
		rc = cases[i].which == 0 ?
			     wl_bsrange_parse(cases[i].s, &cfg, why,
					      sizeof(why)) :
		     cases[i].which == 1 ?
			     wl_bssplit_parse(cases[i].s, &cfg, why,
					      sizeof(why)) :
			     wl_dist_parse(cases[i].s, &cfg, why, sizeof(why));
		if ((rc == 0) != cases[i].ok ||
		    (!cases[i].ok && !strstr(why, cases[i].why)))
			fprintf(stderr, "  case '%s': rc %d, '%s'\n",
				cases[i].s, rc, why);
		CU_ASSERT_EQUAL(rc == 0, cases[i].ok);
		if (cases[i].ok) {
			CU_ASSERT_EQUAL(wl_config_check(&cfg, why, sizeof(why)),
					0);
		} else {
			CU_ASSERT_PTR_NOT_NULL(strstr(why, cases[i].why));
			/* A refused value leaves the config as it was. */
			CU_ASSERT(memcmp(&cfg, &before, sizeof(cfg)) == 0);
		}
	}
}

static void test_bssplit_proportions(void)
{
	struct wl_config cfg;
	struct wl *w;
	struct wl_io io;
	uint64_t n4 = 0, n16 = 0, n64 = 0;
	char why[160];

	wl_config_default(&cfg);
	cfg.rw = WL_RW_RANDRW;
	cfg.size_bytes = UINT64_C(1) << 30;
	CU_ASSERT_EQUAL_FATAL(wl_bssplit_parse("4k/70:64k/20:16k", &cfg, why,
					       sizeof(why)),
			      0);
	w = wl_new(&cfg);
	for (unsigned int i = 0; i < DRAWS; i++) {
		CU_ASSERT_FATAL(wl_next(w, &io));
		n4 += io.len_bytes == 4096;
		n16 += io.len_bytes == 16384;
		n64 += io.len_bytes == 65536;
		/* Every I/O lies in the region, aligned to the 4k grid. */
		if (io.offset_bytes % 4096 ||
		    io.offset_bytes + io.len_bytes > cfg.size_bytes)
			CU_FAIL("I/O outside the region or unaligned");
	}
	CU_ASSERT_EQUAL(n4 + n16 + n64, DRAWS);
	/* Binomial sd at 10^6 draws is under 0.05%: 0.3% is > 6 sd. */
	CU_ASSERT_DOUBLE_EQUAL((double)n4 / DRAWS, 0.70, 0.003);
	CU_ASSERT_DOUBLE_EQUAL((double)n64 / DRAWS, 0.20, 0.003);
	CU_ASSERT_DOUBLE_EQUAL((double)n16 / DRAWS, 0.10, 0.003);
	wl_destroy(w);
}

static void test_bsrange_uniform(void)
{
	struct wl_config cfg;
	uint64_t count[4] = { 0 }, other = 0;
	struct wl *w;
	struct wl_io io;
	char why[160];

	wl_config_default(&cfg);
	cfg.rw = WL_RW_READ; /* sequential: offsets follow the lengths */
	cfg.size_bytes = 64 << 20;
	CU_ASSERT_EQUAL_FATAL(
		wl_bsrange_parse("4k-16k", &cfg, why, sizeof(why)), 0);
	w = wl_new(&cfg);
	for (unsigned int i = 0; i < DRAWS; i++) {
		uint64_t prev_end;

		CU_ASSERT_FATAL(wl_next(w, &io));
		if (io.len_bytes % 4096 == 0 && io.len_bytes >= 4096 &&
		    io.len_bytes <= 16384)
			count[io.len_bytes / 4096 - 1]++;
		else
			other++;
		prev_end = io.offset_bytes + io.len_bytes;
		CU_ASSERT(prev_end <= cfg.size_bytes);
	}
	CU_ASSERT_EQUAL(other, 0);
	for (int k = 0; k < 4; k++)
		CU_ASSERT_DOUBLE_EQUAL((double)count[k] / DRAWS, 0.25, 0.003);
	wl_destroy(w);
}

/* Sequential I/O of mixed sizes: each starts where the last ended. */
static void test_bssplit_sequential_contiguous(void)
{
	struct wl_config cfg;
	struct wl *w;
	struct wl_io io;
	uint64_t next = 0, wraps = 0;
	char why[160];

	wl_config_default(&cfg);
	cfg.rw = WL_RW_WRITE;
	cfg.size_bytes = 1 << 20;
	CU_ASSERT_EQUAL_FATAL(
		wl_bssplit_parse("4k/50:12k/50", &cfg, why, sizeof(why)), 0);
	w = wl_new(&cfg);
	for (unsigned int i = 0; i < 10000; i++) {
		CU_ASSERT_FATAL(wl_next(w, &io));
		if (io.offset_bytes != next) {
			CU_ASSERT_EQUAL(io.offset_bytes, 0);
			wraps++;
		}
		CU_ASSERT(io.offset_bytes + io.len_bytes <= cfg.size_bytes);
		next = io.offset_bytes + io.len_bytes;
	}
	CU_ASSERT(wraps > 0);
	wl_destroy(w);
}

/* ---- Distributions ------------------------------------------------------ */

static struct wl *dist_wl(const char *dist, uint64_t nblocks)
{
	struct wl_config cfg = cfg_of(WL_RW_RANDREAD, 4096, nblocks);
	char why[160];

	CU_ASSERT_EQUAL_FATAL(wl_dist_parse(dist, &cfg, why, sizeof(why)), 0);
	return wl_new(&cfg);
}

static void test_dist_uniform_moments(void)
{
	const uint64_t n = 100000;
	struct wl_config cfg = cfg_of(WL_RW_RANDREAD, 4096, n);
	double sum = 0, sq = 0, mean, var;
	struct wl *w;
	struct wl_io io;

	cfg.norandommap = true;
	w = wl_new(&cfg);
	for (unsigned int i = 0; i < DRAWS; i++) {
		double k;

		CU_ASSERT_FATAL(wl_next(w, &io));
		k = (double)(io.offset_bytes / 4096);
		sum += k;
		sq += k * k;
	}
	mean = sum / DRAWS;
	var = sq / DRAWS - mean * mean;
	/* sd of the mean: n / sqrt(12 * 10^6) ~ 29 blocks; allow 10 sd. */
	CU_ASSERT_DOUBLE_EQUAL(mean, (double)(n - 1) / 2, 300);
	CU_ASSERT_DOUBLE_EQUAL(var / ((double)n * n / 12), 1.0, 0.01);
	wl_destroy(w);
}

static void test_dist_zipf_shape(void)
{
	static const double thetas[] = { 0.8, 1.0, 1.2 };
	const uint64_t n = 1000;
	static uint32_t hits[1000];

	for (size_t t = 0; t < ARRAY_SIZE(thetas); t++) {
		char dist[32];
		struct wl *w;
		double h = 0;

		snprintf(dist, sizeof(dist), "zipf:%g", thetas[t]);
		w = dist_wl(dist, n);
		memset(hits, 0, sizeof(hits));
		for (unsigned int i = 0; i < DRAWS; i++) {
			uint64_t r = wl_draw_rank(w);

			CU_ASSERT_FATAL(r < n);
			hits[r]++;
		}
		for (uint64_t k = 1; k <= n; k++)
			h += pow((double)k, -thetas[t]);
		/* The first ranks against k^-theta / H, within 6 sd. */
		for (uint64_t k = 1; k <= 20; k++) {
			double p = pow((double)k, -thetas[t]) / h;
			double sd = sqrt(p * (1 - p) / DRAWS);

			CU_ASSERT_DOUBLE_EQUAL((double)hits[k - 1] / DRAWS, p,
					       6 * sd + 1e-6);
		}
		/* And the tail as a whole: ranks 101..1000. */
		{
			double p = 0;
			uint64_t got = 0;

			for (uint64_t k = 101; k <= n; k++) {
				p += pow((double)k, -thetas[t]) / h;
				got += hits[k - 1];
			}
			CU_ASSERT_DOUBLE_EQUAL((double)got / DRAWS, p,
					       6 * sqrt(p * (1 - p) / DRAWS));
		}
		wl_destroy(w);
	}
}

/* Spread ranks: every block of a small region is reached. */
static void test_dist_zipf_spread(void)
{
	const uint64_t n = 257;
	struct bits b;
	struct wl *w = dist_wl("zipf:0.5", n);
	struct wl_io io;
	uint64_t seen = 0;

	bits_alloc(&b, n);
	for (unsigned int i = 0; i < 200000; i++) {
		CU_ASSERT_FATAL(wl_next(w, &io));
		CU_ASSERT_FATAL(io.offset_bytes / 4096 < n);
		seen += !bits_test_and_set(&b, io.offset_bytes / 4096);
	}
	CU_ASSERT_EQUAL(seen, n);
	free(b.w);
	wl_destroy(w);
}

static void test_dist_pareto_shape(void)
{
	static const double hs[] = { 0.1, 0.2, 0.3 };
	const uint64_t n = 100000;

	for (size_t t = 0; t < ARRAY_SIZE(hs); t++) {
		char dist[32];
		struct wl *w;
		uint64_t hot = 0;
		double want = 1 - hs[t];

		snprintf(dist, sizeof(dist), "pareto:%g", hs[t]);
		w = dist_wl(dist, n);
		for (unsigned int i = 0; i < DRAWS; i++)
			hot += wl_draw_rank(w) < (uint64_t)(hs[t] * n);
		/* A fraction h of the blocks takes 1 - h of the I/O. */
		CU_ASSERT_DOUBLE_EQUAL((double)hot / DRAWS, want,
				       6 * sqrt(want * (1 - want) / DRAWS) +
					       1e-4);
		wl_destroy(w);
	}
}

static void test_dist_normal_moments(void)
{
	const uint64_t n = 1000000;
	struct wl *w = dist_wl("normal:10:30", n);
	double sum = 0, sq = 0, mean, sd;
	uint64_t within1 = 0;

	for (unsigned int i = 0; i < DRAWS; i++) {
		double k = (double)wl_draw_rank(w);

		sum += k;
		sq += k * k;
		within1 += fabs(k - 0.3 * (double)n) <= 0.1 * (double)n;
	}
	mean = sum / DRAWS;
	sd = sqrt(sq / DRAWS - mean * mean);
	/* Center 30%, sigma 10% of the region; truncation (3 sd) is tiny. */
	CU_ASSERT_DOUBLE_EQUAL(mean / n, 0.30, 0.001);
	CU_ASSERT_DOUBLE_EQUAL(sd / n, 0.10, 0.001);
	/* 68.27% within one sigma. */
	CU_ASSERT_DOUBLE_EQUAL((double)within1 / DRAWS, 0.6827, 0.003);
	wl_destroy(w);
}

static void test_dist_zoned_shares(void)
{
	const uint64_t n = 100000;
	struct wl *w = dist_wl("zoned:60/10:30/20:10/70", n);
	uint64_t z[3] = { 0 };
	struct wl_io io;

	for (unsigned int i = 0; i < DRAWS; i++) {
		uint64_t b;

		CU_ASSERT_FATAL(wl_next(w, &io));
		b = io.offset_bytes / 4096;
		z[b < n / 10 ? 0 : b < 3 * n / 10 ? 1 : 2]++;
	}
	CU_ASSERT_DOUBLE_EQUAL((double)z[0] / DRAWS, 0.60, 0.003);
	CU_ASSERT_DOUBLE_EQUAL((double)z[1] / DRAWS, 0.30, 0.003);
	CU_ASSERT_DOUBLE_EQUAL((double)z[2] / DRAWS, 0.10, 0.003);
	wl_destroy(w);
}

/* ---- Open loop and think time ------------------------------------------- */

static void test_rate_linear(void)
{
	struct wl_config cfg = cfg_of(WL_RW_RANDREAD, 4096, 1000);
	struct wl *w;
	struct wl_io io;

	cfg.rate_iops = 3000; /* 333333.33 ns apart: no drift allowed */
	w = wl_new(&cfg);
	CU_ASSERT_TRUE(wl_open_loop(w));
	for (uint64_t i = 0; i < 30001; i++) {
		CU_ASSERT_FATAL(wl_next(w, &io));
		CU_ASSERT_EQUAL(io.issue_ns, i * 1000000000u / 3000);
	}
	CU_ASSERT_EQUAL(io.issue_ns, UINT64_C(10000000000));
	wl_destroy(w);
}

static void test_rate_poisson(void)
{
	struct wl_config cfg = cfg_of(WL_RW_RANDREAD, 4096, 1000);
	const double mean_ns = 1e9 / 20000;
	double sum = 0, sq = 0, m, cv;
	uint64_t prev = 0, longer = 0;
	struct wl *w;
	struct wl_io io;

	cfg.rate_iops = 20000;
	cfg.rate_process = WL_RATE_POISSON;
	w = wl_new(&cfg);
	CU_ASSERT_FATAL(wl_next(w, &io));
	CU_ASSERT_EQUAL(io.issue_ns, 0);
	for (unsigned int i = 0; i < DRAWS; i++) {
		double gap;

		CU_ASSERT_FATAL(wl_next(w, &io));
		CU_ASSERT_FATAL(io.issue_ns >= prev);
		gap = (double)(io.issue_ns - prev);
		prev = io.issue_ns;
		sum += gap;
		sq += gap * gap;
		longer += gap > mean_ns;
	}
	m = sum / DRAWS;
	cv = sqrt(sq / DRAWS - m * m) / m;
	/* Exponential gaps: mean 1/rate, CV 1, P(gap > mean) = 1/e. */
	CU_ASSERT_DOUBLE_EQUAL(m / mean_ns, 1.0, 0.01);
	CU_ASSERT_DOUBLE_EQUAL(cv, 1.0, 0.01);
	CU_ASSERT_DOUBLE_EQUAL((double)longer / DRAWS, exp(-1), 0.003);
	wl_destroy(w);
}

static void test_closed_loop_and_thinktime(void)
{
	struct wl_config cfg = cfg_of(WL_RW_RANDREAD, 4096, 1000);
	struct wl *w;
	struct wl_io io;

	cfg.thinktime_ns = 5000;
	cfg.thinktime_spin_ns = 1000;
	cfg.thinktime_blocks = 4;
	w = wl_new(&cfg);
	CU_ASSERT_FALSE(wl_open_loop(w));
	for (unsigned int i = 0; i < 100; i++) {
		CU_ASSERT_FATAL(wl_next(w, &io));
		CU_ASSERT_EQUAL(io.issue_ns, 0);
		CU_ASSERT_EQUAL(io.think_ns, i && i % 4 == 0 ? 5000u : 0u);
		CU_ASSERT_EQUAL(io.think_spin_ns, i && i % 4 == 0 ? 1000u : 0u);
	}
	wl_destroy(w);
	cfg.thinktime_spin_ns = 6000;
	CU_ASSERT_EQUAL(wl_config_check(&cfg, NULL, 0), -EINVAL);
}

/* ---- verify=crc32c: CRC32C and the verify block ------------------------- */

/* The CRC one bit at a time, straight from the definition. */
static uint32_t crc32c_bitwise(const unsigned char *p, size_t len)
{
	uint32_t crc = ~0u;

	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0x82f63b78u : crc >> 1;
	}
	return ~crc;
}

/*
 * Known answers: the check value of "123456789" and the iSCSI vectors
 * of RFC 3720 appendix B.4 (32 bytes of 0x00, of 0xff, ascending and
 * descending); then the table code against the bitwise one at every
 * alignment and for lengths 0..100, whole and split in two.
 */
static void test_crc32c_vectors(void)
{
	static const struct {
		unsigned char fill; /* 0, 0xff; 1: ascending, 2: descending */
		uint32_t crc;
	} rfc[] = {
		{ 0x00, 0x8a9136aa },
		{ 0xff, 0x62a8ab43 },
		{ 1, 0x46dd794e },
		{ 2, 0x113fdb5c },
	};
	unsigned char buf[128 + 8];
	uint64_t s = 99;

	CU_ASSERT_EQUAL(wl_crc32c(0, "123456789", 9), 0xe3069283);
	CU_ASSERT_EQUAL(wl_crc32c(0, "", 0), 0);
	for (size_t i = 0; i < ARRAY_SIZE(rfc); i++) {
		for (int k = 0; k < 32; k++)
			buf[k] = rfc[i].fill == 1 ? (unsigned char)k :
				 rfc[i].fill == 2 ? (unsigned char)(31 - k) :
						    rfc[i].fill;
		CU_ASSERT_EQUAL(wl_crc32c(0, buf, 32), rfc[i].crc);
	}
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)wl_rng_next(&s);
	for (size_t align = 0; align < 8; align++)
		for (size_t len = 0; len <= 100; len++) {
			uint32_t want = crc32c_bitwise(buf + align, len);
			size_t cut = len / 3;

			CU_ASSERT_EQUAL(wl_crc32c(0, buf + align, len), want);
			CU_ASSERT_EQUAL(
				wl_crc32c(wl_crc32c(0, buf + align, cut),
					  buf + align + cut, len - cut),
				want);
		}
	/*
	 * Long buffers take the three-stream path (from 4080 bytes): every
	 * length around its edges and a few beyond, at every alignment,
	 * whole and in two pieces.
	 */
	{
		static const size_t lens[] = { 4079, 4080, 4081, 4087, 4088,
					       4096, 8159, 8160, 8161, 12345 };
		static unsigned char big[12345 + 8];

		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (unsigned char)wl_rng_next(&s);
		for (size_t k = 0; k < ARRAY_SIZE(lens); k++)
			for (size_t align = 0; align < 8; align++) {
				size_t len = lens[k], cut = len / 2 + align;
				uint32_t want =
					crc32c_bitwise(big + align, len);

				CU_ASSERT_EQUAL(wl_crc32c(0, big + align, len),
						want);
				CU_ASSERT_EQUAL(
					wl_crc32c(wl_crc32c(0, big + align,
							    cut),
						  big + align + cut, len - cut),
					want);
			}
	}
}

static _Alignas(8) unsigned char vblk[WL_VBLOCK_BYTES];

/* A block written and read back unchanged checks, header decoded. */
static void test_vblock_round_trip(void)
{
	struct wl_vblock_header h;
	uint32_t crc;
	unsigned char other[WL_VBLOCK_BYTES];

	wl_vblock_fill(vblk, 5 * 4096, 3, 42);
	CU_ASSERT_EQUAL(wl_vblock_check(vblk, 5 * 4096, &h, &crc), WL_VF_OK);
	CU_ASSERT_EQUAL(h.magic, WL_VBLOCK_MAGIC);
	CU_ASSERT_EQUAL(h.offset_bytes, 5 * 4096);
	CU_ASSERT_EQUAL(h.length_bytes, WL_VBLOCK_BYTES);
	CU_ASSERT_EQUAL(h.generation, 3);
	CU_ASSERT_EQUAL(h.seed, 42);
	CU_ASSERT_EQUAL(h.crc32c, crc);
	/* The magic is "vblk" on disk, whatever the host's byte order. */
	CU_ASSERT_EQUAL(memcmp(vblk, "vblk", 4), 0);
	/* Another generation, seed or offset: another payload. */
	wl_vblock_fill(other, 5 * 4096, 4, 42);
	CU_ASSERT_NOT_EQUAL(memcmp(vblk + WL_VBLOCK_HEADER_BYTES,
				   other + WL_VBLOCK_HEADER_BYTES,
				   WL_VBLOCK_BYTES - WL_VBLOCK_HEADER_BYTES),
			    0);
	wl_vblock_fill(other, 5 * 4096, 3, 43);
	CU_ASSERT_NOT_EQUAL(memcmp(vblk + WL_VBLOCK_HEADER_BYTES,
				   other + WL_VBLOCK_HEADER_BYTES,
				   WL_VBLOCK_BYTES - WL_VBLOCK_HEADER_BYTES),
			    0);
	wl_vblock_fill(other, 6 * 4096, 3, 42);
	CU_ASSERT_NOT_EQUAL(memcmp(vblk + WL_VBLOCK_HEADER_BYTES,
				   other + WL_VBLOCK_HEADER_BYTES,
				   WL_VBLOCK_BYTES - WL_VBLOCK_HEADER_BYTES),
			    0);
	CU_ASSERT_STRING_EQUAL(wl_vfield_name(WL_VF_GENERATION), "generation");
	CU_ASSERT_STRING_EQUAL(wl_vfield_name(WL_VF_NR), "invalid");
}

/*
 * A single flipped byte anywhere is found: in the magic as the magic,
 * anywhere else (header or payload) as the checksum.  Every byte of the
 * block, one at a time.
 */
static void test_vblock_flipped_byte(void)
{
	struct wl_vblock_header h;
	uint32_t crc;
	unsigned int found = 0;

	wl_vblock_fill(vblk, 0, 1, 7);
	for (uint32_t i = 0; i < WL_VBLOCK_BYTES; i++) {
		enum wl_vfield want = i < 4 ? WL_VF_MAGIC : WL_VF_CHECKSUM;

		vblk[i] ^= 0x20;
		found += wl_vblock_check(vblk, 0, &h, &crc) == want;
		vblk[i] ^= 0x20;
	}
	CU_ASSERT_EQUAL(found, WL_VBLOCK_BYTES);
	CU_ASSERT_EQUAL(wl_vblock_check(vblk, 0, &h, &crc), WL_VF_OK);
}

/*
 * An intact block in the wrong place reads as the offset; one whose
 * length field was rewritten with a fresh checksum, as the length.
 */
static void test_vblock_misplaced(void)
{
	struct wl_vblock_header h;
	uint32_t crc;
	static const unsigned char zero[4];

	wl_vblock_fill(vblk, 8192, 2, 7);
	CU_ASSERT_EQUAL(wl_vblock_check(vblk, 4096, &h, &crc), WL_VF_OFFSET);
	CU_ASSERT_EQUAL(h.offset_bytes, 8192);
	vblk[17] = 0x20; /* length 8192 */
	crc = wl_crc32c(0, vblk, 4);
	crc = wl_crc32c(crc, zero, 4);
	crc = wl_crc32c(crc, vblk + 8, WL_VBLOCK_BYTES - 8);
	for (int k = 0; k < 4; k++)
		vblk[4 + k] = (unsigned char)(crc >> (8 * k));
	CU_ASSERT_EQUAL(wl_vblock_check(vblk, 8192, &h, &crc), WL_VF_LENGTH);
	CU_ASSERT_EQUAL(h.length_bytes, 8192);
}

/*
 * wl_region(): the region and a grid that divides every length, the
 * last one an io_limit shortens included.
 */
static void test_region_grid(void)
{
	struct wl_config c = cfg_of(WL_RW_RANDRW, 8192, 64);
	uint64_t off, size;
	uint32_t grid;
	struct wl *w;
	char why[160];

	c.offset_bytes = 1 << 20;
	w = wl_new(&c);
	wl_region(w, &off, &size, &grid);
	CU_ASSERT_EQUAL(off, 1 << 20);
	CU_ASSERT_EQUAL(size, 64 * 8192);
	CU_ASSERT_EQUAL(grid, 8192);
	wl_destroy(w);
	c.io_limit_bytes = 8192 * 3 + 4096;
	w = wl_new(&c);
	wl_region(w, &off, &size, &grid);
	CU_ASSERT_EQUAL(grid, 4096);
	wl_destroy(w);
	c.io_limit_bytes = 8192 * 3 + 512;
	w = wl_new(&c);
	wl_region(w, &off, &size, &grid);
	CU_ASSERT_EQUAL(grid, 512);
	wl_destroy(w);
	c.io_limit_bytes = 0;
	CU_ASSERT_EQUAL(wl_bssplit_parse("4k/50:12k/50", &c, why, sizeof(why)),
			0);
	w = wl_new(&c);
	wl_region(w, &off, &size, &grid);
	CU_ASSERT_EQUAL(grid, 4096);
	wl_destroy(w);
}

int cu_register(void)
{
	CU_pSuite s;

	s = CU_add_suite("names", NULL, NULL);
	CU_ADD_TEST(s, test_rw_parse);
	CU_ADD_TEST(s, test_rw_names);
	s = CU_add_suite("config", NULL, NULL);
	CU_ADD_TEST(s, test_config_check);
	CU_ADD_TEST(s, test_config_check_short_buffer);
	s = CU_add_suite("sequence", NULL, NULL);
	CU_ADD_TEST(s, test_reproducible);
	CU_ADD_TEST(s, test_alignment_and_bounds);
	CU_ADD_TEST(s, test_sequential_wrap);
	s = CU_add_suite("randommap", NULL, NULL);
	CU_ADD_TEST(s, test_randommap_covers);
	CU_ADD_TEST(s, test_randommap_sampled);
	CU_ADD_TEST(s, test_randommap_not_sequential);
	CU_ADD_TEST(s, test_norandommap_uniform);
	s = CU_add_suite("mix_limit", NULL, NULL);
	CU_ADD_TEST(s, test_mix_ratio);
	CU_ADD_TEST(s, test_mix_independent_of_offsets);
	CU_ADD_TEST(s, test_io_limit);
	CU_ADD_TEST(s, test_unlimited);
	s = CU_add_suite("pattern", NULL, NULL);
	CU_ADD_TEST(s, test_pattern_round_trip);
	CU_ADD_TEST(s, test_pattern_split);
	CU_ADD_TEST(s, test_pattern_detects);
	s = CU_add_suite("vblock", NULL, NULL);
	CU_ADD_TEST(s, test_crc32c_vectors);
	CU_ADD_TEST(s, test_vblock_round_trip);
	CU_ADD_TEST(s, test_vblock_flipped_byte);
	CU_ADD_TEST(s, test_vblock_misplaced);
	CU_ADD_TEST(s, test_region_grid);
	s = CU_add_suite("block_sizes", NULL, NULL);
	CU_ADD_TEST(s, test_bs_parsers);
	CU_ADD_TEST(s, test_bssplit_proportions);
	CU_ADD_TEST(s, test_bsrange_uniform);
	CU_ADD_TEST(s, test_bssplit_sequential_contiguous);
	s = CU_add_suite("distributions", NULL, NULL);
	CU_ADD_TEST(s, test_dist_uniform_moments);
	CU_ADD_TEST(s, test_dist_zipf_shape);
	CU_ADD_TEST(s, test_dist_zipf_spread);
	CU_ADD_TEST(s, test_dist_pareto_shape);
	CU_ADD_TEST(s, test_dist_normal_moments);
	CU_ADD_TEST(s, test_dist_zoned_shares);
	s = CU_add_suite("open_loop", NULL, NULL);
	CU_ADD_TEST(s, test_rate_linear);
	CU_ADD_TEST(s, test_rate_poisson);
	CU_ADD_TEST(s, test_closed_loop_and_thinktime);
	return 0;
}
