// SPDX-License-Identifier: MIT
/*
 * Tests of blkring sweep: the axis syntax (good and bad specs, the
 * errors naming the axis and what is allowed), the cross product's
 * order, configuration keys, CSV quoting, resume (runs already there are
 * kept, --force measures again), --emit-jobs and merge of per-point
 * reports, and the plots when gnuplot is installed.  Runs use the null
 * target and a few hundred I/Os, so nothing here depends on timing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/plot.h"
#include "bench/run.h"
#include "bench/sweep.h"
#include "bench/sweep_internal.h"
#include "tests/cu_main.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[64];
static struct bench_sweep sweep;

static int suite_init(void)
{
	strcpy(tmpdir, "/tmp/blkring-sweep-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int suite_cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- Axis syntax -------------------------------------------------------- */

static void test_axis_good(void)
{
	static const struct {
		const char *spec, *name;
		unsigned int n;
		const char *first, *second, *last;
	} cases[] = {
		{ "iodepth=1,2,4,8", "iodepth", 4, "1", "2", "8" },
		{ "iodepth=1..8", "iodepth", 8, "1", "2", "8" },
		{ "iodepth=1..256*2", "iodepth", 9, "1", "2", "256" },
		{ "iodepth=1..100*2", "iodepth", 7, "1", "2", "64" },
		{ "iodepth=3..30*3", "iodepth", 3, "3", "9", "27" },
		{ "bs=4k..64k/4k", "bs", 16, "4k", "8k", "64k" },
		{ "bs=4096,8k,12288", "bs", 3, "4k", "8k", "12k" },
		{ "bs=512..2k*2", "bs", 3, "512", "1k", "2k" },
		{ "evtchn-latency=0..100us/20us", "evtchn-latency", 6, "0",
		  "20us", "100us" },
		{ "evtchn_latency=1us..1ms*10", "evtchn-latency", 4, "1us",
		  "10us", "1ms" },
		{ "runtime=1s..3s/1s", "runtime", 3, "1s", "2s", "3s" },
		{ "wait=spin,sleep,hybrid", "wait", 3, "spin", "sleep",
		  "hybrid" },
		{ "rw=randread,readwrite", "rw", 2, "randread", "rw", "rw" },
		{ "ring_order=0..4", "ring-order", 5, "0", "1", "4" },
		{ "direct=0,true", "direct", 2, "0", "1", "1" },
		{ "frontend-cpu=-1..1", "frontend-cpu", 3, "-1", "0", "1" },
		{ "iodepth=7", "iodepth", 1, "7", "7", "7" },
	};
	static struct bench_axis a;
	char err[512];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int rc = bench_axis_parse(cases[i].spec, &a, err, sizeof(err));

		if (rc)
			fprintf(stderr, "%s: %s\n", cases[i].spec, err);
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		CU_ASSERT_STRING_EQUAL(a.opt->name, cases[i].name);
		CU_ASSERT_EQUAL(a.n, cases[i].n);
		if (a.n != cases[i].n)
			fprintf(stderr, "%s: %u values\n", cases[i].spec, a.n);
		CU_ASSERT_STRING_EQUAL(a.values[0], cases[i].first);
		CU_ASSERT_STRING_EQUAL(a.values[a.n > 1 ? 1 : 0],
				       cases[i].second);
		CU_ASSERT_STRING_EQUAL(a.values[a.n - 1], cases[i].last);
	}
}

static void test_axis_bad(void)
{
	static const struct {
		const char *spec;
		const char *names; /* what the error must name */
		const char *what;  /* and say */
	} cases[] = {
		{ "iodepth", "iodepth", "expected NAME=VALUES" },
		{ "=1,2", "=1,2", "expected NAME=VALUES" },
		{ "nosuch=1,2", "nosuch", "unknown option" },
		{ "iodepth=", "iodepth", "no values" },
		{ "iodepth=0,1", "iodepth", "out of range" },
		{ "iodepth=1,x", "iodepth", "bad number" },
		{ "iodepth=1,1", "iodepth", "twice" },
		{ "bs=4k,4096", "bs", "twice" },
		{ "iodepth=1,2,", "iodepth", "empty value" },
		{ "iodepth=1,,2", "iodepth", "empty" },
		{ "bs=1000,2k", "bs", "multiple of 512" },
		{ "wait=spin..hybrid", "wait", "numeric option" },
		{ "wait=nap", "wait", "unknown value" },
		{ "bs=4k..64k", "bs", "needs a step" },
		{ "bs=64k..4k/4k", "bs", "backwards" },
		{ "bs=4k..64k/3x", "bs", "bad step" },
		{ "bs=4k..64k/4us", "bs", "bad step" },
		{ "iodepth=1..8/0", "iodepth", "bad step" },
		{ "iodepth=1..8*1", "iodepth", "bad factor" },
		{ "iodepth=1..8*", "iodepth", "bad factor" },
		{ "evtchn-latency=0..1ms*2", "evtchn-latency", "above 0" },
		{ "iodepth=1..5000", "iodepth", "out of range" },
		{ "iodepth=1..300", "iodepth", "more than 256" },
		{ "output=a,b", "output", "sets this option itself" },
		{ "output-format=csv", "output-format", "sets this option" },
	};
	static struct bench_axis a;
	char err[512];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int rc;

		err[0] = '\0';
		rc = bench_axis_parse(cases[i].spec, &a, err, sizeof(err));
		CU_ASSERT_EQUAL(rc, -EINVAL);
		if (!strstr(err, cases[i].names) ||
		    !strstr(err, cases[i].what) || !strstr(err, "allowed"))
			fprintf(stderr, "%s: error '%s'\n", cases[i].spec, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].names));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].what));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "allowed"));
	}
}

/* Parses a sweep's arguments (a NULL-terminated list after "sweep"). */
static int parse(const char *const *args, char *err, size_t len)
{
	char *argv[32] = { "sweep" };
	int argc = 1;

	for (; *args && argc < 31; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	return bench_sweep_parse(argc, argv, &sweep, err, len);
}

static void test_cross_product(void)
{
	static const char *const args[] = {
		"--sweep", "iodepth=1,2", "--sweep=wait=spin,sleep,hybrid",
		"--bs=8k", "--repeats",	  "3",
		NULL
	};
	static const struct {
		unsigned int iodepth, wait;
		const char *label;
	} want[] = {
		{ 1, BENCH_WAIT_SPIN, "iodepth=1 wait=spin" },
		{ 1, BENCH_WAIT_SLEEP, "iodepth=1 wait=sleep" },
		{ 1, BENCH_WAIT_HYBRID, "iodepth=1 wait=hybrid" },
		{ 2, BENCH_WAIT_SPIN, "iodepth=2 wait=spin" },
		{ 2, BENCH_WAIT_SLEEP, "iodepth=2 wait=sleep" },
		{ 2, BENCH_WAIT_HYBRID, "iodepth=2 wait=hybrid" },
	};
	struct bench_config cfg;
	char err[512], label[128];

	CU_ASSERT_EQUAL_FATAL(parse(args, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(sweep.naxes, 2);
	CU_ASSERT_EQUAL(sweep.repeats, 3);
	CU_ASSERT_EQUAL(sweep.base.bs_bytes, 8192);
	CU_ASSERT_EQUAL_FATAL(bench_sweep_npoints(&sweep), ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		CU_ASSERT_EQUAL(bench_sweep_point(&sweep, i, &cfg, err,
						  sizeof(err)),
				0);
		CU_ASSERT_EQUAL(cfg.iodepth, want[i].iodepth);
		CU_ASSERT_EQUAL(cfg.wait_mode, want[i].wait);
		CU_ASSERT_EQUAL(cfg.bs_bytes, 8192); /* the base stays */
		bench__point_label(&sweep, i, label, sizeof(label));
		CU_ASSERT_STRING_EQUAL(label, want[i].label);
	}
}

static void test_sweep_bad(void)
{
	static const struct {
		const char *args[6];
		const char *what;
	} cases[] = {
		{ { "--bs=8k" }, "no --sweep axis" },
		{ { "--sweep", "iodepth=1", "--sweep", "iodepth=2" },
		  "axis given twice" },
		{ { "--sweep", "iodepth=1", "--repeats=0" }, "--repeats=0" },
		{ { "--sweep", "iodepth=1", "--repeats=x" }, "--repeats=x" },
		{ { "--sweep", "iodepth=1", "--repeats" }, "missing value" },
		{ { "--sweep", "iodepth=1..200", "--sweep",
		    "evtchn-latency=0..99us/1us" },
		  "more than 10000 points" },
		{ { "--sweep", "iodepth=1", "--bogus=1" }, "unknown option" },
		{ { "--sweep", "iodepth=1", "job.fio" },
		  "unexpected argument" },
	};
	char err[512];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		err[0] = '\0';
		CU_ASSERT(parse(cases[i].args, err, sizeof(err)) < 0);
		if (!strstr(err, cases[i].what))
			fprintf(stderr, "case %zu: '%s'\n", i, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].what));
	}
}

static void test_key(void)
{
	struct bench_config a, b;
	char ka[17], kb[17];

	CU_ASSERT_EQUAL_FATAL(bench_config_default(&a), 0);
	b = a;
	bench_config_key(&a, ka);
	CU_ASSERT_EQUAL(strlen(ka), 16);
	CU_ASSERT_EQUAL(strspn(ka, "0123456789abcdef"), 16);
	/* Where the report goes is not part of what is measured. */
	CU_ASSERT_EQUAL(bench_opt_set(&b, "output", "x.json", NULL, 0), 0);
	CU_ASSERT_EQUAL(bench_opt_set(&b, "output-format", "json", NULL, 0), 0);
	bench_config_key(&b, kb);
	CU_ASSERT_STRING_EQUAL(ka, kb);
	CU_ASSERT_EQUAL(bench_opt_set(&b, "iodepth", "31", NULL, 0), 0);
	bench_config_key(&b, kb);
	CU_ASSERT_STRING_NOT_EQUAL(ka, kb);
	/* An option set to its default is the same run, as in older builds. */
	b = a;
	CU_ASSERT_EQUAL(bench_opt_set(&b, "iodepth", "32", NULL, 0), 0);
	CU_ASSERT_EQUAL(a.iodepth, 32);
	bench_config_key(&b, kb);
	CU_ASSERT_STRING_EQUAL(ka, kb);
}

static void test_csv_field(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "abc", "abc" },
		{ "", "" },
		{ "4k", "4k" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ "cr\r", "\"cr\r\"" },
		{ "iodepth=1,wait=spin", "\"iodepth=1,wait=spin\"" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char buf[64] = { 0 };
		FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		bench_csv_field(f, cases[i].in);
		fclose(f);
		CU_ASSERT_STRING_EQUAL(buf, cases[i].out);
	}
}

/* ---- The results directory ---------------------------------------------- */

/* Runs blkring sweep with @args (NULL-terminated) into tmpdir/@sub. */
static int sweep_cmd(const char *sub, const char *const *args)
{
	char dir[128], *argv[40] = { "sweep", "--dir", dir };
	int argc = 3;

	snprintf(dir, sizeof(dir), "%s/%s", tmpdir, sub);
	for (; *args && argc < 39; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	return bench_sweep_main(argc, argv);
}

/* The 2 x 2 runs of the resume and merge tests: 100 I/Os each. */
#define SWEEP_ARGS                                                   \
	"--target=null", "--io_size=400k", "--runtime=0", "--sweep", \
		"iodepth=1,4", "--repeats=2"

static unsigned int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned int n = 0;
	int c;

	if (!f)
		return 0;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static bool mtime(const char *path, struct timespec *t)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return false;
	*t = st.st_mtim;
	return true;
}

static bool same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* The runs/ files of the resume sweep, in point and repeat order. */
static void run_paths(const char *dir, char paths[4][256])
{
	static const char *const args[] = { "sweep", SWEEP_ARGS, NULL };
	struct bench_config cfg;
	char err[256], key[17];

	CU_ASSERT_EQUAL_FATAL(parse(args + 1, err, sizeof(err)), 0);
	for (unsigned int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(bench_sweep_point(&sweep, i, &cfg, err,
						  sizeof(err)),
				0);
		bench_config_key(&cfg, key);
		for (unsigned int r = 0; r < 2; r++)
			bench__run_path(dir, key, r, paths[i * 2 + r], 256);
	}
}

static void test_resume(void)
{
	static const char *const first[] = { SWEEP_ARGS, "--no-plots", NULL };
	static const char *const forced[] = { SWEEP_ARGS, "--no-plots",
					      "--force", NULL };
	char dir[128], path[256], paths[4][256];
	struct timespec t[4], u;

	snprintf(dir, sizeof(dir), "%s/resume", tmpdir);
	CU_ASSERT_EQUAL_FATAL(sweep_cmd("resume", first), BENCH_EXIT_OK);
	run_paths(dir, paths);
	for (int i = 0; i < 4; i++)
		CU_ASSERT_FATAL(mtime(paths[i], &t[i]));
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	CU_ASSERT_EQUAL(count_lines(path), 1 + 4);
	snprintf(path, sizeof(path), "%s/points.csv", dir);
	CU_ASSERT_EQUAL(count_lines(path), 1 + 2);
	for (const char *const *f =
		     (const char *const[]){ "results.json", "command.txt",
					    "environment", "sweep.args",
					    "spectrum.csv", NULL };
	     *f; f++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *f);
		CU_ASSERT(access(path, R_OK) == 0);
	}

	/* One run lost: the same command measures that one only. */
	CU_ASSERT_EQUAL(unlink(paths[2]), 0);
	CU_ASSERT_EQUAL(sweep_cmd("resume", first), BENCH_EXIT_OK);
	CU_ASSERT(mtime(paths[2], &u));
	for (int i = 0; i < 4; i++) {
		if (i == 2)
			continue;
		CU_ASSERT(mtime(paths[i], &u) && same_time(u, t[i]));
	}
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	CU_ASSERT_EQUAL(count_lines(path), 1 + 4);

	/* --force measures every run again. */
	usleep(20000);
	CU_ASSERT_EQUAL(sweep_cmd("resume", forced), BENCH_EXIT_OK);
	for (int i = 0; i < 4; i++)
		CU_ASSERT(mtime(paths[i], &u) && !same_time(u, t[i]));
}

/* The rows of results.csv: point and repeat of each, and the column set. */
static void check_results(const char *dir, unsigned int rows)
{
	char path[256], *line = NULL;
	size_t cap = 0;
	unsigned int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/results.csv", dir);
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT(getline(&line, &cap, f) > 0);
	CU_ASSERT(!strncmp(line, "schema_version,point,repeat,key,", 32));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, ",iodepth,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, ",iops,"));
	while (getline(&line, &cap, f) > 0) {
		unsigned int point, repeat;

		CU_ASSERT_EQUAL(sscanf(line, "1,%u,%u,", &point, &repeat), 2);
		CU_ASSERT_EQUAL(point, n / 2);
		CU_ASSERT_EQUAL(repeat, n % 2);
		/* Every run did its 100 I/Os, all accounted. */
		CU_ASSERT_PTR_NOT_NULL(strstr(line, ",1,0,"));
		n++;
	}
	CU_ASSERT_EQUAL(n, rows);
	free(line);
	fclose(f);
}

static void test_emit_and_merge(void)
{
	char dir[128], jobs[160], opt[200], line[8192], err[512];
	const char *emit[] = { SWEEP_ARGS, opt, NULL };
	char *files[8], *margv[12];
	unsigned int njobs = 0;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/merged", tmpdir);
	snprintf(jobs, sizeof(jobs), "%s/jobs.txt", tmpdir);
	snprintf(opt, sizeof(opt), "--emit-jobs=%s", jobs);
	CU_ASSERT_EQUAL_FATAL(sweep_cmd("merged", emit), BENCH_EXIT_OK);
	CU_ASSERT_EQUAL(count_lines(jobs), 4);

	/* Each job line is `EXE run OPTIONS`: run it in-process. */
	f = fopen(jobs, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while (njobs < 4 && fgets(line, sizeof(line), f)) {
		char *argv[64], *save = NULL;
		int argc = 0;

		line[strcspn(line, "\n")] = '\0';
		strtok_r(line, " ", &save); /* the binary */
		for (char *w = strtok_r(NULL, " ", &save); w && argc < 63;
		     w = strtok_r(NULL, " ", &save)) {
			/* Quoted only if a value needs it; these do not. */
			CU_ASSERT_PTR_NULL(strchr(w, '\''));
			argv[argc++] = w;
		}
		argv[argc] = NULL;
		CU_ASSERT_STRING_EQUAL(argv[0], "run");
		CU_ASSERT_PTR_NOT_NULL(strstr(argv[argc - 1], "--output="));
		CU_ASSERT_EQUAL(bench_run_main(argc, argv), BENCH_EXIT_OK);
		files[njobs++] = strdup(argv[argc - 1] + strlen("--output="));
	}
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(njobs, 4);

	margv[0] = "merge";
	margv[1] = "--no-plots";
	margv[2] = dir;
	for (unsigned int i = 0; i < njobs; i++)
		margv[3 + i] = files[i];
	margv[3 + njobs] = NULL;
	CU_ASSERT_EQUAL(bench_merge_main(3 + (int)njobs, margv), BENCH_EXIT_OK);
	check_results(dir, 4);
	/* Merging the same reports again adds nothing. */
	CU_ASSERT_EQUAL(bench_merge_main(3 + (int)njobs, margv), BENCH_EXIT_OK);
	check_results(dir, 4);
	/* Nothing left to emit once every run is there. */
	CU_ASSERT_EQUAL(sweep_cmd("merged", emit), BENCH_EXIT_OK);
	CU_ASSERT_EQUAL(count_lines(jobs), 0);
	for (unsigned int i = 0; i < njobs; i++)
		free(files[i]);

	/* A file that is not a report is refused, by name. */
	snprintf(line, sizeof(line), "%s/bad.json", tmpdir);
	f = fopen(line, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("{\"schema_version\": 1}\n", f);
	fclose(f);
	char key[17];
	bool added;

	CU_ASSERT(bench__merge_file(dir, line, &added, key, err, sizeof(err)) <
		  0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a blkring run JSON report"));
}

static void test_plots(void)
{
	static const char *const args[] = { SWEEP_ARGS, NULL };
	static const char *const pngs[] = { "iops_vs_iodepth.png",
					    "lat_p99_ns_vs_iodepth.png",
					    "little_iodepth.png",
					    "spectrum.png" };
	char dir[128], path[256];

	if (system("gnuplot --version >/dev/null 2>&1") != 0) {
		cu_skip("gnuplot is not installed");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/plots", tmpdir);
	CU_ASSERT_EQUAL_FATAL(sweep_cmd("plots", args), BENCH_EXIT_OK);
	for (size_t i = 0; i < ARRAY_SIZE(pngs); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, pngs[i]);
		if (!bench_png_valid(path))
			fprintf(stderr, "%s: not a valid PNG\n", path);
		CU_ASSERT(bench_png_valid(path));
		strcpy(strrchr(path, '.'), ".svg");
		CU_ASSERT(access(path, R_OK) == 0);
	}
	snprintf(path, sizeof(path), "%s/plots/plot.sh", dir);
	CU_ASSERT(access(path, X_OK) == 0);
	/* The stacked stage plot, from the stage_*_mean_ns metrics. */
	snprintf(path, sizeof(path), "%s/stages.png", dir);
	CU_ASSERT(bench_png_valid(path));
	/* A metric that is not a column is refused, by name. */
	char err[512];

	CU_ASSERT_EQUAL(bench_sweep_load(dir, &sweep, err, sizeof(err)), 0);
	CU_ASSERT(bench_plot_render(dir, &sweep, "nosuch", "png", err,
				    sizeof(err)) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--metric=nosuch"));
	CU_ASSERT_EQUAL(bench_plot_render(dir, &sweep, "kicks_sent_per_io",
					  "png", err, sizeof(err)),
			0);
	snprintf(path, sizeof(path), "%s/kicks_sent_per_io_vs_iodepth.png",
		 dir);
	CU_ASSERT(bench_png_valid(path));
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("sweep", suite_init, suite_cleanup);

	CU_ADD_TEST(s, test_axis_good);
	CU_ADD_TEST(s, test_axis_bad);
	CU_ADD_TEST(s, test_cross_product);
	CU_ADD_TEST(s, test_sweep_bad);
	CU_ADD_TEST(s, test_key);
	CU_ADD_TEST(s, test_csv_field);
	CU_ADD_TEST(s, test_resume);
	CU_ADD_TEST(s, test_emit_and_merge);
	CU_ADD_TEST(s, test_plots);
	return 0;
}
