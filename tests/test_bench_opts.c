// SPDX-License-Identifier: MIT
/*
 * Tests of bench/opts: the table itself (names, field sizes, defaults),
 * the value parsers of each type with their units and overflow, the error
 * messages for bad values, the command line (both value forms, name
 * spellings, abbreviations, positional arguments, unknown and valueless
 * options, --help), formatting round trips for every option, the --help
 * text and docs/options.md against the table.  Single-threaded.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/opts.h"
#include "tests/cu_main.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *field_ptr(const struct bench_config *cfg,
			     const struct bench_opt *o)
{
	return (const char *)cfg + o->offset;
}

static uint64_t field_u(const struct bench_config *cfg,
			const struct bench_opt *o)
{
	uint64_t v;
	unsigned int u;

	if (o->size == sizeof(v)) {
		memcpy(&v, field_ptr(cfg, o), sizeof(v));
		return v;
	}
	memcpy(&u, field_ptr(cfg, o), sizeof(u));
	return u;
}

/* Whether o's field holds the same value in a and b. */
static bool field_eq(const struct bench_config *a, const struct bench_config *b,
		     const struct bench_opt *o)
{
	if (o->type == BENCH_OPT_STRING)
		return !strcmp(field_ptr(a, o), field_ptr(b, o));
	return !memcmp(field_ptr(a, o), field_ptr(b, o), o->size);
}

static bool config_eq(const struct bench_config *a,
		      const struct bench_config *b)
{
	const struct bench_opt *o;

	bench_opt_for_each(o)
		if (!field_eq(a, b, o))
			return false;
	return true;
}

static void config_default(struct bench_config *cfg)
{
	CU_ASSERT_EQUAL_FATAL(bench_config_default(cfg), 0);
}

/* ---- The table ---------------------------------------------------------- */

static void test_table_sane(void)
{
	const struct bench_opt *o, *p;
	unsigned int count = 0;

	bench_opt_for_each(o) {
		bool dash = strchr(o->name, '-'), under = strchr(o->name, '_');

		count++;
		CU_ASSERT(strlen(o->name) > 0 && strlen(o->name) < 32);
		/* One separator per name, so both spellings are exact. */
		CU_ASSERT(!(dash && under));
		CU_ASSERT_PTR_NOT_NULL(o->def);
		/* Help fits an 80-column terminal after its indent. */
		CU_ASSERT(o->help && strlen(o->help) > 0 &&
			  strlen(o->help) <= 74);
		CU_ASSERT(o->offset + o->size <= sizeof(struct bench_config));
		CU_ASSERT_EQUAL(o->values != NULL, o->type == BENCH_OPT_ENUM);
		CU_ASSERT(o->align == 0 || o->type == BENCH_OPT_SIZE);
		switch (o->type) {
		case BENCH_OPT_UINT:
			CU_ASSERT(o->size == sizeof(unsigned int) ||
				  o->size == sizeof(uint64_t));
			CU_ASSERT(o->min >= 0 && (uint64_t)o->min <= o->max);
			if (o->size == sizeof(unsigned int))
				CU_ASSERT(o->max <= UINT_MAX);
			break;
		case BENCH_OPT_SIZE:
		case BENCH_OPT_TIME:
			CU_ASSERT_EQUAL(o->size, sizeof(uint64_t));
			CU_ASSERT(o->min >= 0 && (uint64_t)o->min <= o->max);
			break;
		case BENCH_OPT_INT:
			CU_ASSERT_EQUAL(o->size, sizeof(int));
			CU_ASSERT(o->min >= INT_MIN && o->max <= INT_MAX &&
				  o->min <= (int64_t)o->max);
			break;
		case BENCH_OPT_BOOL:
			CU_ASSERT_EQUAL(o->size, sizeof(bool));
			break;
		case BENCH_OPT_ENUM:
			CU_ASSERT_EQUAL(o->size, sizeof(unsigned int));
			CU_ASSERT(o->values && o->values[0]);
			break;
		case BENCH_OPT_STRING:
			CU_ASSERT(o->size > 1);
			break;
		}
		/* Unique names and fields. */
		for (p = bench_opt_next(o); p; p = bench_opt_next(p)) {
			CU_ASSERT(bench_opt_find(p->name) == p);
			CU_ASSERT(p->offset != o->offset);
		}
		CU_ASSERT(bench_opt_find(o->name) == o);
	}
	CU_ASSERT_EQUAL(count, 95);
}

static void test_defaults(void)
{
	struct bench_config cfg, one;
	const struct bench_opt *o;

	config_default(&cfg);
	CU_ASSERT_EQUAL(cfg.rw, BENCH_RW_RANDREAD);
	CU_ASSERT_EQUAL(cfg.bs_bytes, 4096);
	CU_ASSERT_EQUAL(cfg.iodepth, 32);
	CU_ASSERT_EQUAL(cfg.size_bytes, UINT64_C(1) << 30);
	CU_ASSERT_EQUAL(cfg.io_limit_bytes, 0);
	CU_ASSERT_EQUAL(cfg.runtime_ns, UINT64_C(10000000000));
	CU_ASSERT_EQUAL(cfg.ramp_ns, 0);
	CU_ASSERT_STRING_EQUAL(cfg.filename, "blkring.dat");
	CU_ASSERT_EQUAL(cfg.direct, true);
	CU_ASSERT_EQUAL(cfg.rwmixread, 50);
	CU_ASSERT_EQUAL(cfg.seed, 0x1234);
	CU_ASSERT_EQUAL(cfg.output_format, BENCH_OUTPUT_NORMAL);
	CU_ASSERT_STRING_EQUAL(cfg.output_path, "");
	CU_ASSERT_EQUAL(cfg.ring_order, 0);
	CU_ASSERT_EQUAL(cfg.evtchn_latency_ns, 0);
	CU_ASSERT_EQUAL(cfg.wait_mode, BENCH_WAIT_SPIN);
	CU_ASSERT_EQUAL(cfg.hybrid_margin_ns, 100000);
	CU_ASSERT_EQUAL(cfg.busypoll_ns, 50000);
	CU_ASSERT_EQUAL(cfg.target, BENCH_TARGET_URING);
	CU_ASSERT_EQUAL(cfg.allow_blockdev, false);
	CU_ASSERT_EQUAL(cfg.frontend_cpu, -1);
	CU_ASSERT_EQUAL(cfg.backend_cpu, -1);
	CU_ASSERT_EQUAL(cfg.max_segments, 11);
	CU_ASSERT_EQUAL(bench_config_check(&cfg, NULL, 0), 0);

	/* Each default parses on its own and lies within its range. */
	bench_opt_for_each(o) {
		char err[256] = "";

		memset(&one, 0xa5, sizeof(one));
		CU_ASSERT_EQUAL(bench_opt_set(&one, o->name, o->def, err,
					      sizeof(err)),
				0);
		CU_ASSERT_STRING_EQUAL(err, "");
		CU_ASSERT(field_eq(&one, &cfg, o));
		switch (o->type) {
		case BENCH_OPT_UINT:
		case BENCH_OPT_SIZE:
		case BENCH_OPT_TIME:
			CU_ASSERT(field_u(&cfg, o) >= (uint64_t)o->min);
			CU_ASSERT(field_u(&cfg, o) <= o->max);
			break;
		case BENCH_OPT_INT: {
			int v;

			memcpy(&v, field_ptr(&cfg, o), sizeof(v));
			CU_ASSERT(v >= o->min && v <= (int64_t)o->max);
			break;
		}
		case BENCH_OPT_STRING:
			CU_ASSERT(strlen(field_ptr(&cfg, o)) >= (size_t)o->min);
			break;
		default:
			break;
		}
	}
}

/* ---- Values that parse -------------------------------------------------- */

struct good_case {
	const char *name, *value;
	uint64_t want; /* the field, read as unsigned (INT: cast) */
};

static uint64_t field_any(const struct bench_config *cfg,
			  const struct bench_opt *o)
{
	bool b;
	int i;

	switch (o->type) {
	case BENCH_OPT_BOOL:
		memcpy(&b, field_ptr(cfg, o), sizeof(b));
		return b;
	case BENCH_OPT_INT:
		memcpy(&i, field_ptr(cfg, o), sizeof(i));
		return (uint64_t)(int64_t)i;
	default:
		return field_u(cfg, o);
	}
}

static void check_good(const struct good_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct bench_opt *o = bench_opt_find(cases[i].name);
		struct bench_config cfg;
		char err[256] = "";
		int ret;

		CU_ASSERT_PTR_NOT_NULL_FATAL(o);
		config_default(&cfg);
		ret = bench_opt_set(&cfg, cases[i].name, cases[i].value, err,
				    sizeof(err));
		if (ret || field_any(&cfg, o) != cases[i].want)
			fprintf(stderr,
				"  --%s=%s: ret %d, got %" PRIu64
				", want %" PRIu64 " (%s)\n",
				cases[i].name, cases[i].value, ret,
				field_any(&cfg, o), cases[i].want, err);
		CU_ASSERT_EQUAL(ret, 0);
		CU_ASSERT_EQUAL(field_any(&cfg, o), cases[i].want);
	}
}

#define KIB (UINT64_C(1) << 10)
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define TIB (UINT64_C(1) << 40)
#define PIB (UINT64_C(1) << 50)
#define SEC UINT64_C(1000000000)

static void test_sizes(void)
{
	static const struct good_case cases[] = {
		{ "io_size", "0", 0 },
		{ "io_size", "512", 512 },
		{ "io_size", "4k", 4 * KIB },
		{ "io_size", "4K", 4 * KIB },
		{ "io_size", "4KiB", 4 * KIB },
		{ "io_size", "4kib", 4 * KIB },
		{ "io_size", "4KB", 4 * KIB },
		{ "io_size", "4096b", 4 * KIB },
		{ "io_size", "1m", MIB },
		{ "io_size", "1MiB", MIB },
		{ "io_size", "1g", GIB },
		{ "io_size", "3G", 3 * GIB },
		{ "io_size", "2t", 2 * TIB },
		{ "io_size", "1p", PIB },
		{ "io_size", "16383p", 16383 * PIB },
		{ "io_size", "18446744073709551615", UINT64_MAX },
		{ "bs", "512", 512 },
		{ "bs", "1536", 1536 },
		{ "bs", "16m", 16 * MIB },
		{ "size", "4k", 4 * KIB },
	};

	check_good(cases, ARRAY_SIZE(cases));
}

static void test_times(void)
{
	static const struct good_case cases[] = {
		{ "runtime", "0", 0 },
		{ "runtime", "10s", 10 * SEC },
		{ "runtime", "10", 10 * SEC }, /* bare = seconds, as fio */
		{ "runtime", "500ms", 500000000 },
		{ "runtime", "250us", 250000 },
		{ "runtime", "100ns", 100 },
		{ "runtime", "2m", 120 * SEC }, /* minutes, not milli */
		{ "runtime", "3min", 180 * SEC },
		{ "runtime", "1h", 3600 * SEC },
		{ "runtime", "10S", 10 * SEC },
		{ "runtime", "7sec", 7 * SEC },
		{ "runtime", "5msec", 5000000 },
		{ "runtime", "18446744073709551615ns", UINT64_MAX },
		{ "ramp_time", "1500ms", 1500000000 },
		{ "evtchn-latency", "1s", SEC },
		{ "hybrid-margin", "0", 0 },
		{ "busypoll-time", "0", 0 },
		{ "busypoll-time", "20us", 20000 },
	};

	check_good(cases, ARRAY_SIZE(cases));
}

static void test_other_types(void)
{
	static const struct good_case cases[] = {
		/* Enums, in the documented order, with the alias. */
		{ "rw", "read", BENCH_RW_READ },
		{ "rw", "write", BENCH_RW_WRITE },
		{ "rw", "randread", BENCH_RW_RANDREAD },
		{ "rw", "randwrite", BENCH_RW_RANDWRITE },
		{ "rw", "randrw", BENCH_RW_RANDRW },
		{ "rw", "rw", BENCH_RW_RW },
		{ "rw", "readwrite", BENCH_RW_RW },
		{ "output-format", "normal", BENCH_OUTPUT_NORMAL },
		{ "output-format", "json", BENCH_OUTPUT_JSON },
		{ "output-format", "csv", BENCH_OUTPUT_CSV },
		{ "wait", "spin", BENCH_WAIT_SPIN },
		{ "wait", "sleep", BENCH_WAIT_SLEEP },
		{ "wait", "hybrid", BENCH_WAIT_HYBRID },
		{ "wait", "busypoll", BENCH_WAIT_BUSYPOLL },
		{ "target", "null", BENCH_TARGET_NULL },
		{ "target", "mem", BENCH_TARGET_MEM },
		{ "target", "uring", BENCH_TARGET_URING },
		/* Booleans. */
		{ "direct", "0", 0 },
		{ "direct", "1", 1 },
		{ "direct", "false", 0 },
		{ "direct", "TRUE", 1 },
		{ "allow-blockdev", "yes", 1 },
		{ "allow-blockdev", "off", 0 },
		/* Unsigned, decimal and hex, at the bounds. */
		{ "iodepth", "1", 1 },
		{ "iodepth", "4096", 4096 },
		{ "iodepth", "0x10", 16 },
		{ "rwmixread", "0", 0 },
		{ "rwmixread", "100", 100 },
		{ "randseed", "0", 0 },
		{ "randseed", "0xdeadBEEF", 0xdeadbeef },
		{ "randseed", "18446744073709551615", UINT64_MAX },
		{ "randseed", "0xffffffffffffffff", UINT64_MAX },
		{ "ring-order", "4", 4 },
		{ "max-segments", "1", 1 },
		/* Signed. */
		{ "frontend-cpu", "-1", (uint64_t)-1 },
		{ "frontend-cpu", "0", 0 },
		{ "backend-cpu", "1023", 1023 },
		/* Both spellings of every separator. */
		{ "io-size", "1m", MIB },
		{ "ramp-time", "1s", SEC },
		{ "ring_order", "2", 2 },
		{ "output_format", "json", BENCH_OUTPUT_JSON },
		{ "max_segments", "3", 3 },
	};
	struct bench_config cfg;

	check_good(cases, ARRAY_SIZE(cases));

	config_default(&cfg);
	CU_ASSERT_EQUAL(
		bench_opt_set(&cfg, "filename", "/tmp/x y.dat", NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(cfg.filename, "/tmp/x y.dat");
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "output", "out.json", NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(cfg.output_path, "out.json");
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "output", "", NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(cfg.output_path, "");

	/* Whole names only; both spellings find one entry. */
	CU_ASSERT_PTR_NULL(bench_opt_find("iodept"));
	CU_ASSERT_PTR_NULL(bench_opt_find("iodepthx"));
	CU_ASSERT_PTR_NULL(bench_opt_find(""));
	CU_ASSERT_PTR_NOT_NULL(bench_opt_find("io-size"));
	CU_ASSERT(bench_opt_find("io-size") == bench_opt_find("io_size"));
	CU_ASSERT(bench_opt_find("output_format") ==
		  bench_opt_find("output-format"));
}

/* ---- Values that do not ------------------------------------------------- */

static void test_bad_values(void)
{
	static const struct {
		const char *name, *value;
		const char *msg;  /* the whole message, or NULL */
		const char *part; /* a part of it, or NULL */
	} cases[] = {
		{ "iodepth", "0", "--iodepth=0: out of range (allowed 1..4096)",
		  NULL },
		{ "iodepth", "4097", NULL, "out of range" },
		{ "iodepth", "abc", NULL, "bad number" },
		{ "iodepth", "-1", NULL, "bad number" },
		{ "iodepth", "1.5", NULL, "bad number" },
		{ "iodepth", "", NULL, "bad number" },
		{ "iodepth", " 8", NULL, "bad number" },
		{ "iodepth", "99999999999999999999", NULL, "too large" },
		{ "randseed", "0x", NULL, "bad number" },
		{ "randseed", "18446744073709551616", NULL, "too large" },
		{ "randseed", "0x10000000000000000", NULL, "too large" },
		{ "rwmixread", "101",
		  "--rwmixread=101: out of range (allowed 0..100)", NULL },
		{ "ring-order", "5", NULL, "allowed 0..4" },
		{ "max-segments", "0", NULL, "allowed 1..11" },
		{ "max-segments", "12", NULL, "out of range" },
		{ "bs", "4x", NULL,
		  "bad size (use a whole number with an optional k, m, g" },
		{ "bs", "1000",
		  "--bs=1000: not a multiple of 512 (allowed 512..16m, a multiple of 512)",
		  NULL },
		{ "bs", "256", NULL, "out of range" },
		{ "bs", "32m", NULL, "out of range" },
		{ "bs", "4.5k", NULL, "bad size" },
		{ "bs", "-4k", NULL, "bad size" },
		{ "bs", "4kk", NULL, "bad size" },
		{ "bs", "k", NULL, "bad size" },
		{ "bs", "0x1000", NULL, "bad size" },
		{ "size", "2k", "--size=2k: out of range (allowed 4k or more)",
		  NULL },
		{ "size", "99999999999t",
		  "--size=99999999999t: too large (allowed 4k or more)", NULL },
		{ "size", "16384p", NULL, "too large" },
		{ "io_size", "", NULL, "bad size" },
		{ "runtime", "5x", NULL,
		  "bad time (use a whole number with an optional ns, us, ms, s, m or h suffix; a bare number is seconds)" },
		{ "runtime", "1.5s", NULL, "bad time" },
		{ "runtime", "-1s", NULL, "bad time" },
		{ "runtime", "ms", NULL, "bad time" },
		{ "runtime", "99999999999h", NULL, "too large" },
		{ "runtime", "18446744074s", NULL, "too large" },
		{ "evtchn-latency", "2s",
		  "--evtchn-latency=2s: out of range (allowed 0..1s)", NULL },
		{ "hybrid-margin", "1001ms", NULL, "out of range" },
		{ "busypoll-time", "2s", NULL, "out of range" },
		{ "wait", "nap",
		  "--wait=nap: unknown value (allowed: spin, sleep, hybrid, busypoll)",
		  NULL },
		{ "rw", "Read", NULL,
		  "unknown value (allowed: read, write, randread, randwrite, randrw, rw, readwrite)" },
		{ "rw", "rw|readwrite", NULL, "unknown value" },
		{ "output-format", "terse", NULL,
		  "allowed: normal, json, csv" },
		{ "target", "", NULL, "allowed: null, mem, uring" },
		{ "direct", "maybe",
		  "--direct=maybe: bad boolean (allowed: 0, 1, true, false)",
		  NULL },
		{ "direct", "2", NULL, "bad boolean" },
		{ "frontend-cpu", "-2",
		  "--frontend-cpu=-2: out of range (allowed -1..1023)", NULL },
		{ "backend-cpu", "1024", NULL, "out of range" },
		{ "backend-cpu", "x", NULL, "bad number" },
		{ "backend-cpu", "-", NULL, "bad number" },
		{ "backend-cpu", "99999999999999999999", NULL, "out of range" },
		{ "filename", "",
		  "--filename=: empty (allowed non-empty, 4095 bytes at most)",
		  NULL },
	};
	struct bench_config def, cfg;

	config_default(&def);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char err[512] = "", opt[64];
		int ret;

		cfg = def;
		ret = bench_opt_set(&cfg, cases[i].name, cases[i].value, err,
				    sizeof(err));
		CU_ASSERT_EQUAL(ret, -EINVAL);
		/* The option's name and the value as given. */
		snprintf(opt, sizeof(opt), "--%s=%s", cases[i].name,
			 cases[i].value);
		if (strncmp(err, opt, strlen(opt)) || !strstr(err, "allowed"))
			fprintf(stderr, "  case %zu: '%s'\n", i, err);
		CU_ASSERT_EQUAL(strncmp(err, opt, strlen(opt)), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "allowed"));
		CU_ASSERT_PTR_NULL(strchr(err, '\n'));
		if (cases[i].msg)
			CU_ASSERT_STRING_EQUAL(err, cases[i].msg);
		if (cases[i].part) {
			if (!strstr(err, cases[i].part))
				fprintf(stderr, "  case %zu: '%s'\n", i, err);
			CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].part));
		}
		/* A failed set leaves the config as it was. */
		CU_ASSERT(config_eq(&cfg, &def));
	}
}

static void test_bad_names_and_strings(void)
{
	struct bench_config cfg, def;
	char err[256], *big;

	config_default(&def);
	cfg = def;
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "foo", "1", err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "unknown option '--foo'");
	/* Job files and sweeps need whole names. */
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "iodept", "1", err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "unknown option '--iodept'");
	/* err may be NULL or empty. */
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "iodepth", "0", NULL, 0), -EINVAL);
	err[0] = 'x';
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "iodepth", "0", err, 0), -EINVAL);
	CU_ASSERT_EQUAL(err[0], 'x');
	/* A short err buffer is truncated, never overrun. */
	memset(err, 'z', sizeof(err));
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "iodepth", "0", err, 8), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "--iodep");
	CU_ASSERT_EQUAL(err[8], 'z');

	/* A path that does not fit, quoted in part. */
	big = malloc(BENCH_PATH_MAX + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 'a', BENCH_PATH_MAX);
	big[BENCH_PATH_MAX] = '\0';
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "filename", big, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "aaa...: too long (allowed"));
	CU_ASSERT(strlen(err) < 160);
	/* One byte less fits, with the NUL. */
	big[BENCH_PATH_MAX - 1] = '\0';
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "filename", big, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(strlen(cfg.filename), BENCH_PATH_MAX - 1);
	free(big);
}

static void test_config_check(void)
{
	struct bench_config cfg;
	char err[256];

	config_default(&cfg);
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "bs", "64k", NULL, 0), 0);
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "size", "64k", NULL, 0), 0);
	CU_ASSERT_EQUAL(bench_config_check(&cfg, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "size", "32k", NULL, 0), 0);
	CU_ASSERT_EQUAL(bench_config_check(&cfg, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(
		err,
		"--size=32k: smaller than --bs=64k (size must hold at least one block)");
}

/* ---- Formatting --------------------------------------------------------- */

static void test_format(void)
{
	static const struct {
		const char *name, *value, *formatted;
	} cases[] = {
		{ "bs", "4096", "4k" },
		{ "bs", "16M", "16m" },
		{ "bs", "1536", "1536" },
		{ "bs", "3072", "3k" },
		{ "size", "1GiB", "1g" },
		{ "size", "1024g", "1t" },
		{ "io_size", "0", "0" },
		{ "io_size", "5p", "5p" },
		{ "runtime", "10", "10s" },
		{ "runtime", "120s", "2m" },
		{ "runtime", "90s", "90s" },
		{ "runtime", "60m", "1h" },
		{ "runtime", "1500ms", "1500ms" },
		{ "runtime", "0", "0" },
		{ "hybrid-margin", "100us", "100us" },
		{ "evtchn-latency", "1001ns", "1001ns" },
		{ "rw", "readwrite", "rw" },
		{ "rw", "randrw", "randrw" },
		{ "direct", "true", "1" },
		{ "direct", "off", "0" },
		{ "randseed", "0x1234", "4660" },
		{ "frontend-cpu", "-1", "-1" },
		{ "iodepth", "0x20", "32" },
		{ "filename", "a b", "a b" },
		{ "output", "", "" },
	};
	struct bench_config cfg;
	char buf[64];

	config_default(&cfg);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct bench_opt *o = bench_opt_find(cases[i].name);

		CU_ASSERT_EQUAL_FATAL(bench_opt_set(&cfg, cases[i].name,
						    cases[i].value, NULL, 0),
				      0);
		CU_ASSERT_EQUAL(bench_opt_format(&cfg, o, buf, sizeof(buf)),
				(int)strlen(cases[i].formatted));
		CU_ASSERT_STRING_EQUAL(buf, cases[i].formatted);
	}
	/* Too small a buffer: -ENOSPC and a terminated prefix. */
	CU_ASSERT_EQUAL(bench_opt_format(&cfg, bench_opt_find("rw"), buf, 3),
			-ENOSPC);
	CU_ASSERT_STRING_EQUAL(buf, "ra");
	/* A corrupt enum field is refused, not indexed past the list. */
	cfg.wait_mode = 99;
	CU_ASSERT_EQUAL(bench_opt_format(&cfg, bench_opt_find("wait"), buf,
					 sizeof(buf)),
			-EINVAL);
}

/* format then set gives the same value, for every option. */
static void check_round_trip(const struct bench_config *src)
{
	const struct bench_opt *o;
	struct bench_config back;
	char buf[BENCH_PATH_MAX + 32];

	CU_ASSERT_EQUAL_FATAL(bench_config_default(&back), 0);
	/* Start from something else, so that a no-op set would fail. */
	memset(&back, 0x5a, sizeof(back));
	bench_opt_for_each(o) {
		int n = bench_opt_format(src, o, buf, sizeof(buf));
		char err[256] = "";

		CU_ASSERT(n >= 0);
		CU_ASSERT_EQUAL(bench_opt_set(&back, o->name, buf, err,
					      sizeof(err)),
				0);
		if (!field_eq(src, &back, o))
			fprintf(stderr, "  --%s=%s does not round-trip (%s)\n",
				o->name, buf, err);
		CU_ASSERT(field_eq(src, &back, o));
	}
	CU_ASSERT(config_eq(src, &back));
}

static void test_round_trip(void)
{
	/* Every option away from its default, and at its bounds. */
	static const struct {
		const char *name, *value;
	} sets[][95] = {
		{
			{ "rw", "readwrite" },
			{ "bs", "1536" },
			{ "iodepth", "4096" },
			{ "size", "16383p" },
			{ "io_size", "18446744073709551615" },
			{ "runtime", "18446744073709551615ns" },
			{ "ramp_time", "2m" },
			{ "filename", "/dev/shm/a b.dat" },
			{ "direct", "0" },
			{ "rwmixread", "100" },
			{ "randseed", "0xffffffffffffffff" },
			{ "output-format", "csv" },
			{ "output", "out.csv" },
			{ "ring-order", "4" },
			{ "evtchn-latency", "1s" },
			{ "wait", "hybrid" },
			{ "hybrid-margin", "999999999ns" },
			{ "busypoll-time", "1s" },
			{ "target", "null" },
			{ "allow-blockdev", "1" },
			{ "frontend-cpu", "1023" },
			{ "backend-cpu", "0" },
			{ "max-segments", "1" },
			{ "qd-cap", "4096" },
			{ "push-batch", "4096" },
			{ "notify", "poll" },
			{ "notify-cost", "1s" },
			{ "evtchn-latency-dist", "exp" },
			{ "evtchn-latency-max", "1s" },
			{ "irq-coalesce", "4096" },
			{ "irq-coalesce-time", "1s" },
			{ "backend-submit", "request" },
			{ "indirect-segments", "256" },
			{ "backend-max-indirect", "0" },
			{ "tasks", "4096" },
			{ "submit-path", "worker" },
			{ "completion", "deferred" },
			{ "lock", "single" },
			{ "lock-type", "spin" },
			{ "lock-work", "1s" },
			{ "grants", "persistent" },
			{ "grant-call-cost", "1s" },
			{ "grant-map-cost", "1s" },
			{ "grant-unmap-cost", "1s" },
			{ "grant-copy-cost", "1s" },
			{ "persistent-grants-max", "1048576" },
			{ "backend-budget", "4096" },
			{ "backend-respond", "batch" },
			{ "queues", "16" },
			{ "devices", "1" },
			{ "irq-line", "shared" },
			{ "irq-filter-cost", "1s" },
			{ "fault", "nospace" },
			{ "fault-ppm", "1000000" },
			{ "fault-offset", "16383p" },
			{ "fault-length", "16383p" },
			{ "backend-retries", "255" },
			{ "drain-timeout", "1h" },
			{ "watchdog", "1h" },
			{ "hostile", "1000000000000" },
			{ "hostile-fatal", "1000" },
			{ "offset", "16383p" },
			{ "norandommap", "1" },
			{ "bsrange", "512-16m" },
			{ "bssplit", "4k/12.5:8k:16m/50" },
			{ "random_distribution", "zoned:60/10:40/90" },
			{ "rate_iops", "1000000000" },
			{ "rate_process", "poisson" },
			{ "thinktime", "1h" },
			{ "thinktime_spin", "999999999ns" },
			{ "thinktime_blocks", "4294967295" },
			{ "verify", "pattern" },
			{ "read_iolog", "/tmp/t r.csv" },
			{ "trace-format", "msr" },
			{ "replay_no_stall", "1" },
			{ "replay_time_scale", "1000000" },
			{ "trace-skip-bad", "1" },
			{ "blkparse-action", "D" },
			{ "engine", "virtual" },
			{ "cost-submit", "300ns" },
			{ "cost-split", "50ns" },
			{ "cost-reap", "1us" },
			{ "cost-backend-request", "2us" },
			{ "cost-backend-response", "0" },
			{ "model-file", "m.txt" },
			{ "model-channels", "8" },
			{ "model-latency-dist", "uniform" },
			{ "model-read-latency", "80us" },
			{ "model-read-latency-max", "120us" },
			{ "model-read-bw", "2g" },
			{ "model-write-latency", "1ms" },
			{ "model-write-latency-max", "2ms" },
			{ "model-write-bw", "0" },
			{ "cost-backend-flush", "25us" },
			{ "wake-latency", "1s" },
		},
		{
			{ "rw", "write" },
			{ "bs", "16m" },
			{ "iodepth", "1" },
			{ "size", "4k" },
			{ "io_size", "3k" },
			{ "runtime", "1h" },
			{ "ramp_time", "1500ms" },
			{ "filename", "x" },
			{ "direct", "1" },
			{ "rwmixread", "0" },
			{ "randseed", "0" },
			{ "output-format", "json" },
			{ "output", "" },
			{ "ring-order", "0" },
			{ "evtchn-latency", "1ns" },
			{ "wait", "busypoll" },
			{ "hybrid-margin", "0" },
			{ "busypoll-time", "0" },
			{ "target", "mem" },
			{ "allow-blockdev", "0" },
			{ "frontend-cpu", "-1" },
			{ "backend-cpu", "-1" },
			{ "max-segments", "11" },
			{ "qd-cap", "1" },
			{ "push-batch", "2" },
			{ "notify", "always" },
			{ "notify-cost", "1ns" },
			{ "evtchn-latency-dist", "uniform" },
			{ "evtchn-latency-max", "250us" },
			{ "irq-coalesce", "2" },
			{ "irq-coalesce-time", "1ns" },
			{ "backend-submit", "pass" },
			{ "indirect-segments", "32" },
			{ "backend-max-indirect", "12" },
			{ "tasks", "3" },
			{ "submit-path", "direct" },
			{ "completion", "irq" },
			{ "lock", "none" },
			{ "lock-type", "mutex" },
			{ "lock-work", "1ns" },
			{ "grants", "copy" },
			{ "grant-call-cost", "1ns" },
			{ "grant-map-cost", "250ns" },
			{ "grant-unmap-cost", "0" },
			{ "grant-copy-cost", "2us" },
			{ "persistent-grants-max", "1" },
			{ "backend-budget", "0" },
			{ "backend-respond", "each" },
			{ "queues", "1" },
			{ "devices", "16" },
			{ "irq-line", "own" },
			{ "irq-filter-cost", "1ns" },
			{ "fault", "stall" },
			{ "fault-ppm", "0" },
			{ "fault-offset", "4k" },
			{ "fault-length", "1m" },
			{ "backend-retries", "0" },
			{ "drain-timeout", "1ms" },
			{ "watchdog", "0" },
			{ "hostile", "1" },
			{ "hostile-fatal", "0" },
			{ "offset", "512" },
			{ "norandommap", "0" },
			{ "bsrange", "" },
			{ "bssplit", "" },
			{ "random_distribution", "normal:10:25" },
			{ "rate_iops", "0" },
			{ "rate_process", "linear" },
			{ "thinktime", "100" },
			{ "thinktime_spin", "0" },
			{ "thinktime_blocks", "1" },
			{ "verify", "none" },
			{ "read_iolog", "" },
			{ "trace-format", "auto" },
			{ "replay_no_stall", "0" },
			{ "replay_time_scale", "1" },
			{ "trace-skip-bad", "0" },
			{ "blkparse-action", "Q" },
			{ "engine", "thread" },
			{ "cost-submit", "0" },
			{ "cost-split", "1ns" },
			{ "cost-reap", "0" },
			{ "cost-backend-request", "0" },
			{ "cost-backend-response", "1s" },
			{ "model-file", "" },
			{ "model-channels", "4096" },
			{ "model-latency-dist", "exp" },
			{ "model-read-latency", "0" },
			{ "model-read-latency-max", "0" },
			{ "model-read-bw", "1" },
			{ "model-write-latency", "60s" },
			{ "model-write-latency-max", "1ns" },
			{ "model-write-bw", "1k" },
			{ "cost-backend-flush", "1s" },
			{ "wake-latency", "1ns" },
		},
	};
	struct bench_config cfg;

	config_default(&cfg);
	check_round_trip(&cfg);
	for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
		const struct bench_opt *o;

		config_default(&cfg);
		for (size_t i = 0; i < ARRAY_SIZE(sets[s]); i++)
			CU_ASSERT_EQUAL(bench_opt_set(&cfg, sets[s][i].name,
						      sets[s][i].value, NULL,
						      0),
					0);
		/* Each set names every option once. */
		bench_opt_for_each(o) {
			unsigned int seen = 0;

			for (size_t i = 0; i < ARRAY_SIZE(sets[s]); i++)
				seen += bench_opt_find(sets[s][i].name) == o;
			CU_ASSERT_EQUAL(seen, 1);
		}
		check_round_trip(&cfg);
	}
}

/* ---- The command line --------------------------------------------------- */

#define MAX_ARGS 12

struct argv_buf {
	char arg[MAX_ARGS][BENCH_PATH_MAX];
	char *argv[MAX_ARGS + 1];
	int argc;
};

static void argv_fill(struct argv_buf *b, const char *const *args)
{
	for (b->argc = 0; args[b->argc]; b->argc++) {
		snprintf(b->arg[b->argc], sizeof(b->arg[0]), "%s",
			 args[b->argc]);
		b->argv[b->argc] = b->arg[b->argc];
	}
	b->argv[b->argc] = NULL;
}

static void test_command_line(void)
{
	static const struct {
		const char *args[MAX_ARGS];
		int ret;
		const char *err;  /* the message, for errors */
		const char *name; /* an option to check, for successes */
		const char *value;
		int first_arg;		/* for successes */
		const char *positional; /* argv[first_arg], or NULL */
	} cases[] = {
		{ .args = { "run", "--iodepth=8" },
		  .name = "iodepth",
		  .value = "8",
		  .first_arg = 2 },
		{ .args = { "run", "--iodepth", "8" },
		  .name = "iodepth",
		  .value = "8",
		  .first_arg = 3 },
		{ .args = { "run", "--bs", "64k", "--bs=8k" },
		  .name = "bs",
		  .value = "8k",
		  .first_arg = 4 },
		{ .args = { "run", "--io_size=1m", "--io-size", "2m" },
		  .name = "io_size",
		  .value = "2m",
		  .first_arg = 4 },
		{ .args = { "run", "--ring_order=3" },
		  .name = "ring-order",
		  .value = "3",
		  .first_arg = 2 },
		{ .args = { "run", "--output-format=json" },
		  .name = "output-format",
		  .value = "json",
		  .first_arg = 2 },
		{ .args = { "run", "--frontend-cpu", "-1" },
		  .name = "frontend-cpu",
		  .value = "-1",
		  .first_arg = 3 },
		{ .args = { "run", "--filename", "--x" },
		  .name = "filename",
		  .value = "--x",
		  .first_arg = 3 },
		{ .args = { "run", "--iodep=5" },
		  .name = "iodepth",
		  .value = "5",
		  .first_arg = 2 },
		{ .args = { "run", "--wait=hybrid", "--hybrid-margin", "50us" },
		  .name = "hybrid-margin",
		  .value = "50us",
		  .first_arg = 4 },
		{ .args = { "run" },
		  .name = "rw",
		  .value = "randread",
		  .first_arg = 1 },
		/* Positional arguments, moved after the options. */
		{ .args = { "run", "job.fio" },
		  .name = "iodepth",
		  .value = "32",
		  .first_arg = 1,
		  .positional = "job.fio" },
		{ .args = { "run", "job.fio", "--iodepth=8" },
		  .name = "iodepth",
		  .value = "8",
		  .first_arg = 2,
		  .positional = "job.fio" },
		{ .args = { "run", "--rw=write", "a", "--bs", "8k", "b" },
		  .name = "bs",
		  .value = "8k",
		  .first_arg = 4,
		  .positional = "a" },
		{ .args = { "run", "--", "--iodepth=8" },
		  .name = "iodepth",
		  .value = "32",
		  .first_arg = 2,
		  .positional = "--iodepth=8" },
		{ .args = { "run", "-" },
		  .name = "iodepth",
		  .value = "32",
		  .first_arg = 1,
		  .positional = "-" },
		/* Help, wherever it comes. */
		{ .args = { "run", "--help" }, .ret = BENCH_OPTS_HELP },
		{ .args = { "run", "-h" }, .ret = BENCH_OPTS_HELP },
		{ .args = { "run", "--iodepth=4", "--help", "--bogus" },
		  .ret = BENCH_OPTS_HELP },
		/* Errors. */
		{ .args = { "run", "--foo" },
		  .ret = -EINVAL,
		  .err = "unknown option '--foo'" },
		{ .args = { "run", "--foo=bar" },
		  .ret = -EINVAL,
		  .err = "unknown option '--foo'" },
		{ .args = { "run", "-x" },
		  .ret = -EINVAL,
		  .err = "unknown option '-x'" },
		{ .args = { "run", "--help=1" },
		  .ret = -EINVAL,
		  .err = "--help takes no value" },
		{ .args = { "run", "--iodepth" },
		  .ret = -EINVAL,
		  .err = "--iodepth: missing value (allowed 1..4096)" },
		{ .args = { "run", "--bs=4k", "--wait" },
		  .ret = -EINVAL,
		  .err = "--wait: missing value (allowed: spin, sleep, hybrid, busypoll)" },
		{ .args = { "run", "--io=5" },
		  .ret = -EINVAL,
		  .err = "ambiguous option '--io' (could be --iodepth, --io_size)" },
		{ .args = { "run", "--iodepth=0" },
		  .ret = -EINVAL,
		  .err = "--iodepth=0: out of range (allowed 1..4096)" },
		{ .args = { "run", "--iodepth", "--bs=4k" },
		  .ret = -EINVAL,
		  .err = "--iodepth=--bs=4k: bad number (use a whole number, decimal or 0x hex) (allowed 1..4096)" },
		{ .args = { "run", "--runtime=10x" },
		  .ret = -EINVAL,
		  .err = "--runtime=10x: bad time (use a whole number with an optional ns, us, ms, s, m or h suffix; a bare number is seconds) (allowed 0 or more)" },
	};
	struct argv_buf *b = malloc(sizeof(*b));

	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct bench_config cfg, want;
		char err[512] = "";
		int first_arg = -1, ret;

		argv_fill(b, cases[i].args);
		config_default(&cfg);
		ret = bench_opts_parse(b->argc, b->argv, &cfg, &first_arg, err,
				       sizeof(err));
		if (ret != cases[i].ret)
			fprintf(stderr, "  case %zu: ret %d (%s)\n", i, ret,
				err);
		CU_ASSERT_EQUAL(ret, cases[i].ret);
		if (cases[i].err) {
			if (strcmp(err, cases[i].err))
				fprintf(stderr, "  case %zu: '%s'\n", i, err);
			CU_ASSERT_STRING_EQUAL(err, cases[i].err);
		}
		if (cases[i].ret || !cases[i].name)
			continue;
		CU_ASSERT_EQUAL(first_arg, cases[i].first_arg);
		if (cases[i].positional && first_arg < b->argc)
			CU_ASSERT_STRING_EQUAL(b->argv[first_arg],
					       cases[i].positional);
		if (!cases[i].positional)
			CU_ASSERT_EQUAL(first_arg, b->argc);
		config_default(&want);
		CU_ASSERT_EQUAL(bench_opt_set(&want, cases[i].name,
					      cases[i].value, NULL, 0),
				0);
		CU_ASSERT(field_eq(&cfg, &want, bench_opt_find(cases[i].name)));
	}

	/* Without first_arg, a positional argument is an error. */
	{
		static const char *const args[] = { "run", "--bs=8k", "job.fio",
						    NULL };
		struct bench_config cfg;
		char err[256];

		argv_fill(b, args);
		config_default(&cfg);
		opterr = 1;
		CU_ASSERT_EQUAL(bench_opts_parse(b->argc, b->argv, &cfg, NULL,
						 err, sizeof(err)),
				-EINVAL);
		CU_ASSERT_STRING_EQUAL(err, "unexpected argument 'job.fio'");
		/* getopt's own printing is left as the caller had it. */
		CU_ASSERT_EQUAL(opterr, 1);
	}
	free(b);
}

/* The command line sets what bench_opt_set() sets, for every option. */
static void test_command_line_every_option(void)
{
	const struct bench_opt *o;
	struct argv_buf *b = malloc(sizeof(*b));

	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	bench_opt_for_each(o) {
		const char *args[] = { "run", NULL, NULL, NULL };
		struct bench_config cfg, want, def;
		char name[64], value[64];
		int first_arg;

		/* A value that is not the default: the bound away from it. */
		config_default(&want);
		switch (o->type) {
		case BENCH_OPT_UINT:
			snprintf(value, sizeof(value), "%" PRIu64,
				 field_u(&want, o) == o->max ?
					 (uint64_t)o->min :
					 o->max);
			break;
		case BENCH_OPT_INT:
			snprintf(value, sizeof(value), "%d", (int)o->max);
			break;
		case BENCH_OPT_SIZE:
		case BENCH_OPT_TIME:
			snprintf(value, sizeof(value), "%" PRIu64 "%s",
				 (uint64_t)o->min + 1024,
				 o->type == BENCH_OPT_TIME ? "ns" : "");
			break;
		case BENCH_OPT_BOOL:
			snprintf(value, sizeof(value), "%s",
				 *field_ptr(&want, o) ? "false" : "true");
			break;
		case BENCH_OPT_ENUM:
			snprintf(value, sizeof(value), "%s", o->values[1]);
			break;
		case BENCH_OPT_STRING:
			snprintf(value, sizeof(value), "v-%s", o->name);
			/* Checked strings need a value of their syntax. */
			if (!strcmp(o->name, "bsrange"))
				snprintf(value, sizeof(value), "8k-16k");
			else if (!strcmp(o->name, "bssplit"))
				snprintf(value, sizeof(value), "4k/50:8k/50");
			else if (!strcmp(o->name, "random_distribution"))
				snprintf(value, sizeof(value), "zipf:1.1");
			break;
		}
		CU_ASSERT_EQUAL(bench_opt_set(&want, o->name, value, NULL, 0),
				0);
		snprintf(name, sizeof(name), "--%s", o->name);
		args[1] = name;
		args[2] = value;
		argv_fill(b, args);
		config_default(&cfg);
		CU_ASSERT_EQUAL(bench_opts_parse(b->argc, b->argv, &cfg,
						 &first_arg, NULL, 0),
				0);
		CU_ASSERT_EQUAL(first_arg, 3);
		CU_ASSERT(config_eq(&cfg, &want));
		/* The value chosen really differs from the default. */
		config_default(&def);
		CU_ASSERT(!field_eq(&cfg, &def, o));
	}
	free(b);
}

/* ---- Help and docs ------------------------------------------------------ */

static void test_help(void)
{
	const struct bench_opt *o;
	char *text = NULL, want[256];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	bench_opts_help(f);
	CU_ASSERT_EQUAL_FATAL(fclose(f), 0);
	bench_opt_for_each(o) {
		const char *at;

		snprintf(want, sizeof(want), "  --%s=", o->name);
		at = strstr(text, want);
		if (!at)
			fprintf(stderr, "  --help lacks --%s\n", o->name);
		CU_ASSERT_PTR_NOT_NULL_FATAL(at);
		/* Its help, and its default exactly as the table has it. */
		CU_ASSERT_PTR_NOT_NULL(strstr(at, o->help));
		snprintf(want, sizeof(want), "default: %s\n",
			 o->def[0] ? o->def : "\"\"");
		CU_ASSERT_PTR_NOT_NULL(strstr(at, want));
	}
	CU_ASSERT_PTR_NOT_NULL(
		strstr(text, "allowed: spin, sleep, hybrid, busypoll;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "allowed: 1..4096; default: 32\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		text, "allowed: 512..16m, a multiple of 512; default: 4k\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "--help"));
	free(text);
}

/*
 * docs/options.md has a row for every option, with its default as the
 * table has it.  Runs from the repository root, as make test does.
 */
static void test_docs(void)
{
	const struct bench_opt *o;
	FILE *f = fopen("docs/options.md", "r");
	char line[1024], want[128];

	if (!f) {
		cu_skip("no docs/options.md in the current directory (make test runs from the repository root)");
		return;
	}
	bench_opt_for_each(o) {
		bool found = false, in_table = false;

		rewind(f);
		snprintf(want, sizeof(want), "| `--%s` |", o->name);
		while (fgets(line, sizeof(line), f)) {
			char def[64];

			/* Only the rows of the "## Options" section. */
			if (!strncmp(line, "## ", 3))
				in_table = !strcmp(line, "## Options\n");
			if (!in_table || strncmp(line, want, strlen(want)))
				continue;
			found = true;
			if (o->def[0])
				snprintf(def, sizeof(def), "| `%s` |", o->def);
			else
				snprintf(def, sizeof(def), "| (empty) |");
			if (!strstr(line, def))
				fprintf(stderr,
					"  docs: --%s default is not %s\n",
					o->name, def);
			CU_ASSERT_PTR_NOT_NULL(strstr(line, def));
		}
		if (!found)
			fprintf(stderr, "  docs: no row for --%s\n", o->name);
		CU_ASSERT(found);
	}
	fclose(f);
}

int cu_register(void)
{
	CU_pSuite s;

	s = CU_add_suite("table", NULL, NULL);
	CU_ADD_TEST(s, test_table_sane);
	CU_ADD_TEST(s, test_defaults);
	s = CU_add_suite("values", NULL, NULL);
	CU_ADD_TEST(s, test_sizes);
	CU_ADD_TEST(s, test_times);
	CU_ADD_TEST(s, test_other_types);
	CU_ADD_TEST(s, test_bad_values);
	CU_ADD_TEST(s, test_bad_names_and_strings);
	CU_ADD_TEST(s, test_config_check);
	s = CU_add_suite("format", NULL, NULL);
	CU_ADD_TEST(s, test_format);
	CU_ADD_TEST(s, test_round_trip);
	s = CU_add_suite("command_line", NULL, NULL);
	CU_ADD_TEST(s, test_command_line);
	CU_ADD_TEST(s, test_command_line_every_option);
	s = CU_add_suite("help", NULL, NULL);
	CU_ADD_TEST(s, test_help);
	CU_ADD_TEST(s, test_docs);
	return 0;
}
