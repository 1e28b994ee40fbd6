// SPDX-License-Identifier: MIT
/*
 * Tests of bench/runset and bench/compare on hand-made reports: a single
 * and a repeated report read back, the repeated report written and read
 * again, and the errors of bad input: not a report, a metric that is not
 * a number, schema mismatch, a newer schema, configurations that differ
 * (named, and allowed on request), a threshold naming no metric, --paired
 * with unequal runs.  Verdicts on known samples: the same runs give no
 * change, a 20% slower set regresses, an exact count that differs or
 * varies fails, and a time-bounded run leaves the I/O counts out.
 * Single-threaded.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/compare.h"
#include "bench/json.h"
#include "bench/report.h"
#include "bench/run.h"
#include "bench/runset.h"
#include "tests/cu_main.h"

/*
 * A report: schema @schema, iodepth @qd, runtime @rt, and @n runs whose
 * iops are @iops[i] (lat_mean 1e9 * 32 / iops), with ring requests per
 * I/O @rr[i] and ios_issued 1000.
 */
static char *make_report(int schema, const char *qd, const char *rt, size_t n,
			 const double *iops, const double *rr)
{
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	fprintf(f,
		"{\"schema_version\": %d, \"tool\": \"blkring\", \"version\": "
		"\"0.1.0\", \"time\": \"t\", \"engine\": \"thread\", "
		"\"config\": {\"iodepth\": \"%s\", \"runtime\": \"%s\", "
		"\"target\": \"null\", \"filename\": \"x%zu\", "
		"\"output\": \"o%zu\"}, \"metrics\": {\"iops\": %g}",
		schema, qd, rt, n, n, iops[0]);
	if (n > 1)
		fprintf(f, ", \"runs\": [");
	for (size_t i = 0; n > 1 && i < n; i++)
		fprintf(f,
			"%s{\"conserved\": true, \"metrics\": {\"iops\": %g, "
			"\"lat_mean_ns\": %g, \"ring_requests_per_io\": %g, "
			"\"ios_issued\": 1000, \"lat_p99_ns\": null}}",
			i ? ", " : "", iops[i], 32e9 / iops[i], rr[i]);
	if (n > 1)
		fputc(']', f);
	fputs("}", f);
	fclose(f);
	return buf;
}

static struct runset *load(const char *text, char *err, size_t len, int *rc)
{
	struct runset *s = runset_create("mem.json");
	struct json_doc *d;

	*rc = json_parse(text, strlen(text), "mem.json", &d, err, len);
	if (*rc == 0) {
		*rc = runset_add_doc(s, d, NULL, err, len);
		json_free(d);
	}
	return s;
}

static const double same[10] = { 100, 102, 98, 101, 99, 100, 103, 97, 100, 101 };
static const double ones[10] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };

static void test_load(void)
{
	char err[1024], *t = make_report(BENCH_REPORT_SCHEMA, "32", "10s", 10,
					 same, ones);
	int rc;
	struct runset *s = load(t, err, sizeof(err), &rc);

	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL(s->nruns, 10);
	CU_ASSERT(runset_metric(s, "iops") >= 0);
	CU_ASSERT_EQUAL(s->val[3 * s->nm + (size_t)runset_metric(s, "iops")],
			101);
	CU_ASSERT(isnan(s->val[runset_metric(s, "lat_p99_ns")]));
	CU_ASSERT_STRING_EQUAL(runset_config(s, "iodepth"), "32");
	CU_ASSERT_STRING_EQUAL(s->reference, "none");

	/* Written as a repeated report and read back: the same runs. */
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_EQUAL(runset_write(f, s, 0.95), 0);
	fclose(f);
	struct runset *s2 = load(buf, err, sizeof(err), &rc);

	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(s2->nruns, 10);
	CU_ASSERT_EQUAL(s2->nm, s->nm);
	for (size_t i = 0; i < s->nruns * s->nm; i++)
		CU_ASSERT(s->val[i] == s2->val[i] ||
			  (isnan(s->val[i]) && isnan(s2->val[i])));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"summary\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"iops\": 100,")); /* median */
	free(buf);
	runset_destroy(s2);
	runset_destroy(s);
	free(t);
}

static void test_bad_input(void)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "[1, 2]", "not a blkring run report" },
		{ "{\"tool\": \"fio\", \"schema_version\": 2, \"config\": {}}",
		  "not a blkring run report" },
		{ "{\"tool\": \"blkring\", \"schema_version\": 99, "
		  "\"config\": {}, \"metrics\": {}}",
		  "report schema 99; this blkring reads schemas" },
		{ "{\"tool\": \"blkring\", \"schema_version\": 2, "
		  "\"config\": {\"a\": 1}, \"metrics\": {}}",
		  "config option \"a\" is not a string" },
		{ "{\"tool\": \"blkring\", \"schema_version\": 2, "
		  "\"config\": {}, \"metrics\": {\"iops\": \"x\"}}",
		  "byte 75: metric \"iops\" is not a number" },
		{ "{\"tool\": \"blkring\", \"schema_version\": 2, "
		  "\"config\": {}}",
		  "the report: no \"metrics\" object" },
		{ "{\"tool\": \"blkring\", \"schema_version\": 2, "
		  "\"config\": {}, \"metrics\": {}, \"runs\": 3}",
		  "\"runs\" is not an array of runs" },
	};
	char err[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;
		struct runset *s = load(cases[i].text, err, sizeof(err), &rc);

		CU_ASSERT_EQUAL(rc, -EINVAL);
		if (!strstr(err, cases[i].msg))
			fprintf(stderr, "case %zu: got '%s'\n", i, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].msg));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "mem.json"));
		runset_destroy(s);
	}
	/* A file that is not there, or not JSON. */
	struct runset *s = runset_create("x");

	CU_ASSERT_EQUAL(runset_add_file(s, "/nonexistent/r.json", err,
					sizeof(err)),
			-ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/r.json: cannot open"));
	runset_destroy(s);
}

/* Compares two made-up reports; the result's counts, or -errno. */
static int compare(const char *a, const char *b, struct bench_cmp_config *c,
		   struct bench_cmp_result *res, char *err, size_t len)
{
	int rc1, rc2, rc;
	struct runset *sa = load(a, err, len, &rc1);
	struct runset *sb = load(b, err, len, &rc2);
	FILE *out = fopen("/dev/null", "w");

	CU_ASSERT_EQUAL(rc1, 0);
	CU_ASSERT_EQUAL(rc2, 0);
	rc = bench_cmp_run(out, sa, sb, c, res, err, len);
	fclose(out);
	runset_destroy(sa);
	runset_destroy(sb);
	return rc;
}

static void test_mismatch(void)
{
	char err[2048];
	char *a = make_report(BENCH_REPORT_SCHEMA, "32", "10s", 10, same, ones);
	char *b = make_report(1, "32", "10s", 10, same, ones);
	char *q = make_report(BENCH_REPORT_SCHEMA, "8", "5s", 10, same, ones);
	char *s1 = make_report(BENCH_REPORT_SCHEMA, "32", "10s", 1, same, ones);
	struct bench_cmp_config c;
	struct bench_cmp_result res;

	bench_cmp_config_default(&c);
	CU_ASSERT_EQUAL(compare(a, b, &c, &res, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "schema mismatch"));
	CU_ASSERT_EQUAL(compare(a, q, &c, &res, err, sizeof(err)), -EINVAL);
	/* Names every option that differs; output and filename do not. */
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "differ in 2 options: iodepth "
					   "(32 vs 8), runtime (10s vs 5s)"));
	c.allow_config_diff = true;
	CU_ASSERT_EQUAL(compare(a, q, &c, &res, err, sizeof(err)), 0);
	c.allow_config_diff = false;
	/* An option one report lacks counts at its default. */
	static const char rw_def[] =
		"{\"schema_version\": 2, \"tool\": \"blkring\", "
		"\"config\": {\"rw\": \"randread\"}, \"metrics\": {}}";
	static const char rw_read[] =
		"{\"schema_version\": 2, \"tool\": \"blkring\", "
		"\"config\": {\"rw\": \"read\"}, \"metrics\": {}}";
	static const char no_rw[] = "{\"schema_version\": 2, \"tool\": "
				    "\"blkring\", \"config\": {}, "
				    "\"metrics\": {}}";

	CU_ASSERT_EQUAL(compare(no_rw, rw_def, &c, &res, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(compare(no_rw, rw_read, &c, &res, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "rw (randread vs read)"));
	CU_ASSERT_EQUAL(bench_cmp_thresholds(&c, "nosuch=5%", err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(compare(a, a, &c, &res, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(err, "--threshold nosuch: no such metric"));
	bench_cmp_config_default(&c);
	c.paired = true;
	CU_ASSERT_EQUAL(compare(a, s1, &c, &res, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--paired"));
	/* Threshold syntax. */
	CU_ASSERT_EQUAL(bench_cmp_thresholds(&c, "iops", err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_EQUAL(bench_cmp_thresholds(&c, "iops=-3%", err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_EQUAL(bench_cmp_thresholds(&c, "iops=5x", err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_EQUAL(bench_cmp_thresholds(&c, "iops=2.5%,lat_p99=off", err,
					     sizeof(err)),
			0);
	free(a);
	free(b);
	free(q);
	free(s1);
}

static void test_verdicts(void)
{
	double slow[10], rr2[10], varies[10];
	char err[2048], *a, *b;
	struct bench_cmp_config c;
	struct bench_cmp_result res;

	for (int i = 0; i < 10; i++) {
		slow[i] = same[i] * 0.8;
		rr2[i] = 2;
		varies[i] = i % 2 ? 1 : 2;
	}
	bench_cmp_config_default(&c);
	a = make_report(BENCH_REPORT_SCHEMA, "32", "0", 10, same, ones);
	/* The same runs: iops and lat_mean within the band, counts equal. */
	CU_ASSERT_EQUAL(compare(a, a, &c, &res, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(res.no_change, 2);
	CU_ASSERT_EQUAL(res.regressed + res.inconclusive + res.improved, 0);
	CU_ASSERT_EQUAL(res.exact_equal, 2); /* ring requests, ios_issued */
	CU_ASSERT_EQUAL(res.exact_differ, 0);
	/* 20% slower: iops and lat_mean regressed, unpaired and paired. */
	b = make_report(BENCH_REPORT_SCHEMA, "32", "0", 10, slow, ones);
	CU_ASSERT_EQUAL(compare(a, b, &c, &res, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(res.regressed, 2);
	c.paired = true;
	CU_ASSERT_EQUAL(compare(a, b, &c, &res, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(res.regressed, 2);
	/* And the other way round: improved. */
	CU_ASSERT_EQUAL(compare(b, a, &c, &res, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(res.improved, 2);
	c.paired = false;
	free(b);
	/* An exact count that differs, or varies within one set. */
	b = make_report(BENCH_REPORT_SCHEMA, "32", "0", 10, same, rr2);
	CU_ASSERT_EQUAL(compare(a, b, &c, &res, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(res.exact_differ, 1);
	free(b);
	b = make_report(BENCH_REPORT_SCHEMA, "32", "0", 10, same, varies);
	CU_ASSERT_EQUAL(compare(b, b, &c, &res, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(res.exact_differ, 1);
	free(b);
	free(a);
	/* Time-bounded runs: ios_issued is not exact, ring requests are. */
	a = make_report(BENCH_REPORT_SCHEMA, "32", "10s", 10, same, ones);
	CU_ASSERT_EQUAL(compare(a, a, &c, &res, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(res.exact_equal, 1);
	/* --exact-only: no timing verdicts at all. */
	c.exact_only = true;
	CU_ASSERT_EQUAL(compare(a, a, &c, &res, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(res.no_change + res.regressed + res.inconclusive, 0);
	CU_ASSERT_EQUAL(res.exact_equal, 1);
	free(a);
}

/* Calls bench_run_main() with a fresh copy of @args (it permutes argv). */
static int run_cmd(const char *const *args)
{
	char *argv[16];
	int argc = 0;

	for (; *args && argc < 15; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	return bench_run_main(argc, argv);
}

/*
 * `blkring run --repeat 3 --reference=null` in-process on the null target,
 * bounded by a count: a repeated report with three runs whose exact
 * counts agree, and which compares with itself as unchanged.
 */
static void test_run_repeat(void)
{
	char path[] = "/tmp/blkring-test-repeat-XXXXXX", out[64], err[2048];
	const char *args[] = { "run",
			       "--repeat",
			       "3",
			       "--reference=null",
			       "--target=null",
			       "--wait=sleep",
			       "--runtime=0",
			       "--io_size=1m",
			       "--bs=64k",
			       "--output-format=json",
			       out,
			       NULL };
	struct bench_cmp_config c;
	struct bench_cmp_result res;
	struct runset *s = runset_create(NULL);
	FILE *null = fopen("/dev/null", "w");
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	snprintf(out, sizeof(out), "--output=%s", path);
	CU_ASSERT_EQUAL(run_cmd(args), BENCH_EXIT_OK);
	CU_ASSERT_EQUAL_FATAL(runset_add_file(s, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s->nruns, 3);
	CU_ASSERT_STRING_EQUAL(s->reference, "null");
	CU_ASSERT(runset_metric(s, "iops_vs_ref") >= 0);
	/* 1 MiB in 64 KiB I/Os: 16 I/Os, 2 ring requests each (11 segs). */
	CU_ASSERT_EQUAL(s->val[runset_metric(s, "ios_issued")], 16);
	CU_ASSERT_EQUAL(s->val[runset_metric(s, "ring_requests_per_io")], 2);
	bench_cmp_config_default(&c);
	c.exact_only = true;
	CU_ASSERT_EQUAL(bench_cmp_run(null, s, s, &c, &res, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(res.exact_differ, 0);
	CU_ASSERT(res.exact_equal >= 8);
	/* Not with CSV; not zero runs. */
	args[9] = "--output-format=csv";
	CU_ASSERT_EQUAL(run_cmd(args), BENCH_EXIT_USAGE);
	args[2] = "0";
	args[9] = "--output-format=json";
	CU_ASSERT_EQUAL(run_cmd(args), BENCH_EXIT_USAGE);
	fclose(null);
	runset_destroy(s);
	unlink(path);
}

/* Calls bench_ab_main() with a fresh copy of @args. */
static int ab_cmd(const char *const *args)
{
	char *argv[24];
	int argc = 0;

	for (; *args && argc < 23; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	return bench_ab_main(argc, argv);
}

/*
 * `blkring ab` with the blkring of this build (next to tests/): two pairs
 * of count-bounded null-target runs, the reports it writes read back, and
 * the refusals: options that differ, a failing command, a bad --pairs.
 */
static void test_ab(void)
{
	char self[4096], base[4200], new[4200], bad[4300], path[4200];
	char dir[] = "/tmp/blkring-test-ab-XXXXXX", err[2048], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *args[] = { "ab",
			       "--pairs=2",
			       base,
			       new,
			       "--dir",
			       dir,
			       "--confidence=95",
			       "--confidence=95",
			       "--",
			       "--target=null",
			       "--wait=sleep",
			       "--runtime=0",
			       "--io_size=256k",
			       NULL };
	struct runset *s;

	CU_ASSERT_FATAL(n > 0);
	self[n] = '\0';
	/* build/VARIANT/tests/test_compare -> build/VARIANT/blkring */
	for (int i = 0; i < 2; i++) {
		slash = strrchr(self, '/');
		CU_ASSERT_FATAL(slash != NULL);
		*slash = '\0';
	}
	snprintf(base, sizeof(base), "--base-cmd=%s/blkring run", self);
	snprintf(new, sizeof(new), "--new-cmd=%s/blkring run", self);
	snprintf(bad, sizeof(bad), "--new-cmd=%s/blkring run --iodepth=0",
		 self);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	CU_ASSERT_EQUAL(ab_cmd(args), BENCH_EXIT_OK);
	snprintf(path, sizeof(path), "%s/new.json", dir);
	s = runset_create(NULL);
	CU_ASSERT_EQUAL(runset_add_file(s, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s->nruns, 2);
	runset_destroy(s);
	/* NEW with other options: refused unless allowed. */
	args[6] = "--new-opts=--iodepth=8";
	CU_ASSERT_EQUAL(ab_cmd(args), BENCH_EXIT_USAGE);
	args[7] = "--allow-config-diff";
	/* With 2 pairs the U test cannot reach 5%: never "regressed". */
	CU_ASSERT_EQUAL(ab_cmd(args), BENCH_EXIT_OK);
	/* A run that fails stops ab with 2; so do bad ab options. */
	args[3] = bad;
	CU_ASSERT_EQUAL(ab_cmd(args), BENCH_EXIT_USAGE);
	args[3] = new;
	args[1] = "--pairs=1";
	CU_ASSERT_EQUAL(ab_cmd(args), BENCH_EXIT_USAGE);
	args[1] = "--nosuch";
	CU_ASSERT_EQUAL(ab_cmd(args), BENCH_EXIT_USAGE);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(path), 0);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("runset", NULL, NULL);

	CU_ADD_TEST(s, test_load);
	CU_ADD_TEST(s, test_bad_input);
	s = CU_add_suite("compare", NULL, NULL);
	CU_ADD_TEST(s, test_mismatch);
	CU_ADD_TEST(s, test_verdicts);
	CU_ADD_TEST(s, test_run_repeat);
	CU_ADD_TEST(s, test_ab);
	return 0;
}
