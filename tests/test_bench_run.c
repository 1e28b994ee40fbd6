// SPDX-License-Identifier: MIT
/*
 * Tests of `blkring run` as a command: bad invocations end with exit
 * status 2, good ones produce a report in each format whose numbers add
 * up.  The command is called in-process through bench_run_main().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <liburing.h>
#include <unistd.h>

#include "bench/json.h"
#include "bench/report.h"
#include "bench/run.h"
#include "tests/cu_main.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ARGS 16

static char tmpdir[64];

static int suite_init(void)
{
	strcpy(tmpdir, "/tmp/blkring-run-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int suite_cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Runs `blkring run` with @args (a NULL-terminated list). */
static int run(const char *const *args)
{
	char *argv[MAX_ARGS + 2] = { "run" };
	int argc = 1;

	for (; *args && argc <= MAX_ARGS; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	return bench_run_main(argc, argv);
}

static void test_bad_invocations(void)
{
	static const char *const cases[][6] = {
		{ "--iodepth=0" },
		{ "--iodepth=5000" },
		{ "--bs=4x" },
		{ "--bs=1000" },
		{ "--wait=nap" },
		{ "--target=tape" },
		{ "--ring-order=5" },
		{ "--max-segments=12" },
		{ "--no-such-option" },
		{ "--rw" },
		{ "--ramp_time=1s" },
		{ "job.fio" },
		{ "--bs=8k", "--size=4k" },
		{ "--filename=/proc/nonexistent/x", "--runtime=1s" },
		{ "--filename=/dev/null", "--runtime=1s" },
		{ "--output=/proc/nonexistent/x", "--target=null",
		  "--runtime=100ms" },
		/* A policy worker needs the lock; so does work under it. */
		{ "--submit-path=worker", "--target=null", "--runtime=10ms" },
		{ "--completion=deferred", "--target=null", "--runtime=10ms" },
		{ "--lock-work=1us", "--target=null", "--runtime=10ms" },
		/* The grant-copy backend offers no indirect descriptors. */
		{ "--grants=copy", "--indirect-segments=32", "--target=null" },
		{ "--grants=mapped" },
		{ "--persistent-grants-max=0" },
		{ "--backend-respond=never" },
		/* Lanes: queues or devices, and what a shared line allows. */
		{ "--queues=2", "--devices=2", "--target=null",
		  "--runtime=10ms" },
		{ "--queues=17" },
		{ "--queues=2", "--irq-line=shared", "--target=null" },
		{ "--devices=2", "--irq-line=shared", "--lock=single",
		  "--completion=deferred" },
		{ "--queues=2", "--read_iolog=none.log", "--target=null" },
		{ "--queues=4", "--size=8k", "--target=null",
		  "--runtime=10ms" },
		{ "--hostile=5", "--engine=virtual", "--target=null" },
		{ "--hostile-fatal=1001" },
		{ "--hostile=-1" },
		{ "--fault=backend-stop", "--engine=virtual", "--target=null" },
		{ "--fault=stall", "--watchdog=0", "--runtime=0",
		  "--target=null" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int rc = run(cases[i]);

		if (rc != BENCH_EXIT_USAGE)
			fprintf(stderr, "case %zu (%s): exit %d\n", i,
				cases[i][0], rc);
		CU_ASSERT_EQUAL(rc, BENCH_EXIT_USAGE);
	}
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = calloc(1, 1 << 20);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * Runs `blkring run` with @args, whose --output is @out, expecting exit
 * status @rc, and checks that the report holds each of the @n strings of
 * @expect (printing it where one is missing).
 */
static void expect_report(const char *const *args, int rc, const char *out,
			  const char *const *expect, size_t n)
{
	const char *path = out + strlen("--output=");
	char *text;

	CU_ASSERT_EQUAL(run(args), rc);
	text = slurp(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (size_t k = 0; k < n; k++) {
		if (!strstr(text, expect[k]))
			fprintf(stderr, "%s: no '%s' in:\n%s\n", path,
				expect[k], text);
		CU_ASSERT_PTR_NOT_NULL(strstr(text, expect[k]));
	}
	free(text);
}

/* Each format, on the null target with a bounded I/O count. */
static void test_formats(void)
{
	static const struct {
		const char *format;
		const char *expect[3];
	} cases[] = {
		{ "normal",
		  { "conservation: issued 5000 = completed 5000",
		    "little's law", "IOPS=" } },
		{ "json",
		  { "\"schema_version\": 2", "\"conserved\": true",
		    "\"ios_completed\": 5000" } },
		{ "csv",
		  { "schema_version,version,time", ",iodepth,", "\n2," } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char out[128], fmt[64];
		/* 5000 I/Os of 4 KiB. */
		const char *args[] = { "--target=null",
				       "--io_size=20000k",
				       "--runtime=0",
				       fmt,
				       out,
				       NULL };

		snprintf(fmt, sizeof(fmt), "--output-format=%s",
			 cases[i].format);
		snprintf(out, sizeof(out), "--output=%s/report.%s", tmpdir,
			 cases[i].format);
		expect_report(args, BENCH_EXIT_OK, out, cases[i].expect,
			      ARRAY_SIZE(cases[i].expect));
	}
}

/*
 * The mix achieved, counted at completion, against fio's rwmixread and
 * bssplit over 10^5 I/Os: within 1% of what was asked (the draws are
 * seeded, so the counts are the same on every machine), the block sizes'
 * I/Os adding up to the I/Os completed.
 */
static void test_mix(void)
{
	char out[128];
	const char *args[] = { "--target=null",
			       "--rw=randrw",
			       "--rwmixread=70",
			       "--bssplit=4k/60:12k/10:64k/30",
			       "--size=64m",
			       "--io_size=2400m",
			       "--runtime=0",
			       "--wait=sleep",
			       "--output-format=json",
			       out,
			       NULL };
	const struct json_value *m, *sizes;
	struct json_doc *doc;
	char err[256];
	double ios = 0;

	snprintf(out, sizeof(out), "--output=%s/mix.json", tmpdir);
	CU_ASSERT_EQUAL_FATAL(run(args), BENCH_EXIT_OK);
	CU_ASSERT_EQUAL_FATAL(json_load(out + strlen("--output="), &doc, err,
					sizeof(err)),
			      0);
	m = json_get(json_root(doc), "mix");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_DOUBLE_EQUAL(json_num(json_get(m, "read_share_asked")), 0.7,
			       1e-9);
	CU_ASSERT_DOUBLE_EQUAL(json_num(json_get(m, "read_share")), 0.7, 0.01);
	sizes = json_get(m, "block_sizes");
	CU_ASSERT_EQUAL_FATAL(json_count(sizes), 3);
	for (size_t i = 0; i < json_count(sizes); i++) {
		const struct json_value *e = json_at(sizes, i);

		CU_ASSERT_DOUBLE_EQUAL(json_num(json_get(e, "share")),
				       json_num(json_get(e, "share_asked")),
				       0.01);
		ios += json_num(json_get(e, "ios"));
	}
	CU_ASSERT_EQUAL(json_num(json_get(json_at(sizes, 1), "bs")), 12288);
	CU_ASSERT(ios >= 1e5);
	CU_ASSERT_EQUAL(ios,
			json_num(json_get(json_get(json_root(doc), "metrics"),
					  "ios_completed")));
	json_free(doc);
}

/*
 * Every policy on: the report carries their counters, the text its
 * lines, and the stages still add up.
 */
static void test_policies(void)
{
	static const char *const expect[] = {
		"\"handoffs_per_io\": 1,",     "\"lock_acquisitions\": ",
		"\"stage_handoff_mean_ns\": ", "\"conserved\": true",
		"\"submit-path\": \"worker\"", "\"completion\": \"deferred\"",
	};
	char out[128];
	const char *args[] = { "--target=null",
			       "--io_size=4000k",
			       "--runtime=0",
			       "--wait=sleep",
			       "--lock=single",
			       "--submit-path=worker",
			       "--completion=deferred",
			       "--output-format=json",
			       out,
			       NULL };

	snprintf(out, sizeof(out), "--output=%s/policies.json", tmpdir);
	expect_report(args, BENCH_EXIT_OK, out, expect, ARRAY_SIZE(expect));
}

/*
 * A hostile ring beside the run: the report counts its mutations and
 * its answers, the run's own I/O is conserved, nothing is left
 * unanswered, and the text says so.
 */
static void test_hostile_ring(void)
{
	static const char *const expect[] = {
		"\"hostile_mutations\": 20000,", "\"hostile_inflight\": 0,",
		"\"conserved\": true",		 "\"hostile\": \"20000\"",
		"\"hostile_kind_rewrite\": ",	 "\"hostile_error\": ",
	};
	static const char *const expect_text[] = {
		"hostile ring: 2000 mutations",
		" 0 left unanswered",
	};
	char out[128];
	const char *args[] = { "--target=null",
			       "--io_size=4000k",
			       "--runtime=0",
			       "--wait=sleep",
			       "--hostile=20000",
			       "--output-format=json",
			       out,
			       NULL };
	const char *text_args[] = { "--target=null",
				    "--io_size=400k",
				    "--runtime=0",
				    "--wait=sleep",
				    "--hostile=2000",
				    out,
				    NULL };

	snprintf(out, sizeof(out), "--output=%s/hostile.json", tmpdir);
	expect_report(args, BENCH_EXIT_OK, out, expect, ARRAY_SIZE(expect));

	snprintf(out, sizeof(out), "--output=%s/hostile.txt", tmpdir);
	expect_report(text_args, BENCH_EXIT_OK, out, expect_text,
		      ARRAY_SIZE(expect_text));
}

/*
 * A backend thread that stops responding: the watchdog ends the run, the
 * report names the backend stage, and the run fails (exit 1).
 */
static void test_backend_stop(void)
{
	static const char *const expect[] = {
		"\"stuck\": true",
		"\"stuck_stage\": \"backend\"",
		"\"fault_backend_stopped\": 1,",
		"\"conserved\": false",
	};
	char out[128];
	const char *args[] = { "--target=null",
			       "--io_size=4000k",
			       "--runtime=0",
			       "--wait=sleep",
			       "--fault=backend-stop",
			       "--fault-ppm=1000",
			       "--watchdog=100ms",
			       "--output-format=json",
			       out,
			       NULL };

	snprintf(out, sizeof(out), "--output=%s/backend-stop.json", tmpdir);
	expect_report(args, BENCH_EXIT_FAILED, out, expect, ARRAY_SIZE(expect));
}

/* The backend's policies: the grant counters in the report. */
static void test_backend_policies(void)
{
	static const char *const expect[] = {
		"\"grants\": \"persistent\"",
		"\"backend-respond\": \"batch\"",
		"\"frontend_copy_bytes_per_io\": 4096,",
		"\"grant_copy_bytes_per_io\": 0,",
		"\"pgrant_evictions_per_io\": 0,",
		"\"pgrant_uncached\": 0,",
		"\"conserved\": true",
	};
	char out[128];
	const char *args[] = { "--target=null",
			       "--io_size=4000k",
			       "--runtime=0",
			       "--wait=sleep",
			       "--grants=persistent",
			       "--grant-map-cost=100ns",
			       "--backend-budget=4",
			       "--backend-respond=batch",
			       "--output-format=json",
			       out,
			       NULL };

	snprintf(out, sizeof(out), "--output=%s/backend.json", tmpdir);
	expect_report(args, BENCH_EXIT_OK, out, expect, ARRAY_SIZE(expect));
}

/*
 * Several queues, and devices on a shared line: each format carries the
 * lanes, and the totals add up.
 */
static void test_lanes(void)
{
	static const struct {
		const char *lanes, *line, *format;
		const char *expect[4];
	} cases[] = {
		{ "--queues=2",
		  "--irq-line=own",
		  "normal",
		  { "queues: 2, a frontend thread", "\n    q1 ",
		    "conservation: issued 4000 = completed 4000",
		    "stage means per lane" } },
		{ "--queues=4",
		  "--irq-line=own",
		  "json",
		  { "\"lanes\": [", "\"lane\": 3,", "\"frontend_threads\": 4",
		    "\"conserved\": true" } },
		{ "--devices=3",
		  "--irq-line=shared",
		  "csv",
		  { ",lane2_irqs_spurious,", ",spurious_per_line_irq,",
		    ",lane0_iops,", ",shared," } },
		{ "--devices=2",
		  "--irq-line=shared",
		  "normal",
		  { "interrupt line shared", "filter runs/claimed/spurious",
		    "\n    dev1 ", "conservation: issued 4000" } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char out[128], fmt[64];
		const char *args[] = { "--target=null",
				       "--io_size=16000k",
				       "--runtime=0",
				       "--wait=sleep",
				       cases[i].lanes,
				       cases[i].line,
				       fmt,
				       out,
				       NULL };

		snprintf(fmt, sizeof(fmt), "--output-format=%s",
			 cases[i].format);
		snprintf(out, sizeof(out), "--output=%s/lanes%zu", tmpdir, i);
		expect_report(args, BENCH_EXIT_OK, out, cases[i].expect,
			      ARRAY_SIZE(cases[i].expect));
	}
}

static bool uring_available(void)
{
	struct io_uring ring;

	if (io_uring_queue_init(4, &ring, 0) < 0)
		return false;
	io_uring_queue_exit(&ring);
	return true;
}

/* A real file: created, laid out, read with O_DIRECT. */
static void test_uring_file(void)
{
	static const char *const expect[] = {
		"\"ios_completed\": 1024",
		"\"conserved\": true",
	};
	char file[128], out[128];
	const char *args[] = { file,
			       "--size=16m",
			       "--runtime=0",
			       "--io_size=4m",
			       "--output-format=json",
			       out,
			       NULL };

	snprintf(file, sizeof(file), "--filename=%s/disk", tmpdir);
	snprintf(out, sizeof(out), "--output=%s/uring.json", tmpdir);
	if (!uring_available()) {
		cu_skip("io_uring is unavailable");
		return;
	}
	expect_report(args, BENCH_EXIT_OK, out, expect, ARRAY_SIZE(expect));
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("run", suite_init, suite_cleanup);

	CU_ADD_TEST(s, test_bad_invocations);
	CU_ADD_TEST(s, test_mix);
	CU_ADD_TEST(s, test_formats);
	CU_ADD_TEST(s, test_policies);
	CU_ADD_TEST(s, test_backend_policies);
	CU_ADD_TEST(s, test_lanes);
	CU_ADD_TEST(s, test_uring_file);
	CU_ADD_TEST(s, test_hostile_ring);
	CU_ADD_TEST(s, test_backend_stop);
	return 0;
}
