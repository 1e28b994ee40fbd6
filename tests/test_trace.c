// SPDX-License-Identifier: MIT
/*
 * Tests of workloads/trace: the sample traces of every format replayed
 * record by record (offsets, lengths, directions, issue times, what is
 * skipped), a table of malformed lines per format (file, line and reason;
 * counted with skip_bad), time scaling and no_stall, cutting long I/Os,
 * format detection, a long trace streamed through the fixed buffer, and
 * a trace feeding struct wl (offsets wrapped into the region).
 * Single-threaded; temporary files under /tmp.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/cu_main.h"
#include "workloads/trace.h"
#include "workloads/workload.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KIB 1024u
#define MIB (1024u * 1024u)

/* Writes @text into a new temporary file; its path into @path. */
static void temp_file(const char *text, char *path, size_t len)
{
	int fd;

	snprintf(path, len, "/tmp/blkring-trace-XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static struct wl_trace *open_cfg(const struct wl_trace_config *cfg)
{
	struct wl_trace *t = NULL;
	char why[256] = "";
	int rc = wl_trace_open(cfg, &t, why, sizeof(why));

	if (rc)
		fprintf(stderr, "  open %s: %s\n", cfg->path, why);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return t;
}

struct want {
	uint64_t offset_bytes;
	uint32_t len_bytes;
	bool write;
	uint64_t issue_ns;
};

static const struct want v2_ios[] = {
	{ 0, 4 * KIB, false, 0 },
	{ 8192, 8 * KIB, true, 0 },
	{ MIB, 64 * KIB, false, 0 },
	{ 3 * MIB, MIB, true, 0 }, /* 3 MiB cut into three */
	{ 4 * MIB, MIB, true, 0 },
	{ 5 * MIB, MIB, true, 0 },
};

static const struct want v3_ios[] = {
	{ 0, 4 * KIB, false, 0 },
	{ 4096, 4 * KIB, true, 150000 },
	{ 2 * MIB, 128 * KIB, false, 900000 },
};

static const struct want blkq_ios[] = {
	{ 2048 * 512, 4 * KIB, false, 0 },
	{ 4096 * 512, 8 * KIB, true, 100000 },
	{ 10240 * 512, 128 * KIB, false, 1000000 },
};

static const struct want blkd_ios[] = {
	{ 2048 * 512, 4 * KIB, false, 0 },
	{ 4096 * 512, 8 * KIB, true, 99500 },
	{ 10240 * 512, 128 * KIB, false, 998500 },
};

static const struct want msr_ios[] = {
	{ UINT64_C(3154152960), 32 * KIB, false, 0 },
	{ MIB, 4 * KIB, true, 1047600 },
	{ 0, 64 * KIB, false, 8837100 },
};

static void test_samples(void)
{
	static const struct {
		const char *path;
		char action;
		enum wl_trace_format fmt;
		unsigned int version;
		const struct want *ios;
		size_t n;
		uint64_t lines, skipped, split;
		bool timed;
	} cases[] = {
		{ "workloads/traces/sample-v2.iolog", 'Q', WL_TRACE_IOLOG, 2,
		  v2_ios, ARRAY_SIZE(v2_ios), 11, 6, 2, false },
		{ "workloads/traces/sample-v3.iolog", 'Q', WL_TRACE_IOLOG, 3,
		  v3_ios, ARRAY_SIZE(v3_ios), 8, 4, 0, true },
		{ "workloads/traces/sample.blkparse", 'Q', WL_TRACE_BLKPARSE, 0,
		  blkq_ios, ARRAY_SIZE(blkq_ios), 16, 12, 0, true },
		{ "workloads/traces/sample.blkparse", 'D', WL_TRACE_BLKPARSE, 0,
		  blkd_ios, ARRAY_SIZE(blkd_ios), 16, 12, 0, true },
		{ "workloads/traces/sample-msr.csv", 'Q', WL_TRACE_MSR, 0,
		  msr_ios, ARRAY_SIZE(msr_ios), 3, 0, 0, true },
	};

	if (access(cases[0].path, R_OK)) {
		cu_skip("no workloads/traces in the current directory (make test runs from the repository root)");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct wl_trace_config cfg;
		struct wl_trace_stats st;
		struct wl_trace_rec r;
		struct wl_trace *t;

		wl_trace_config_default(&cfg);
		cfg.path = cases[i].path;
		cfg.blkparse_action = cases[i].action;
		t = open_cfg(&cfg);
		CU_ASSERT_EQUAL(wl_trace_timed(t), cases[i].timed);
		for (size_t k = 0; k < cases[i].n; k++) {
			const struct want *w = &cases[i].ios[k];

			CU_ASSERT_EQUAL_FATAL(wl_trace_next(t, &r), 1);
			if (r.offset_bytes != w->offset_bytes ||
			    r.len_bytes != w->len_bytes ||
			    r.write != w->write || r.issue_ns != w->issue_ns)
				fprintf(stderr,
					"  %s #%zu: %" PRIu64 " %u %d %" PRIu64
					"\n",
					cases[i].path, k, r.offset_bytes,
					r.len_bytes, r.write, r.issue_ns);
			CU_ASSERT_EQUAL(r.offset_bytes, w->offset_bytes);
			CU_ASSERT_EQUAL(r.len_bytes, w->len_bytes);
			CU_ASSERT_EQUAL(r.write, w->write);
			CU_ASSERT_EQUAL(r.issue_ns, w->issue_ns);
		}
		CU_ASSERT_EQUAL(wl_trace_next(t, &r), 0);
		CU_ASSERT_EQUAL(wl_trace_next(t, &r), 0);
		wl_trace_stats(t, &st);
		CU_ASSERT_EQUAL(st.format, cases[i].fmt);
		CU_ASSERT_EQUAL(st.iolog_version, cases[i].version);
		CU_ASSERT_EQUAL(st.lines, cases[i].lines);
		CU_ASSERT_EQUAL(st.skipped, cases[i].skipped);
		CU_ASSERT_EQUAL(st.split, cases[i].split);
		CU_ASSERT_EQUAL(st.ios, cases[i].n);
		CU_ASSERT_EQUAL(st.skipped_bad, 0);
		CU_ASSERT_STRING_EQUAL(wl_trace_error(t), "");
		wl_trace_close(t);
	}
}

/* One good line, the bad one, one good line: the bad one is line @line. */
static void test_malformed(void)
{
	static const struct {
		const char *text;
		unsigned int line;
		const char *why;
	} cases[] = {
		{ "fio version 3 iolog\n1 f read 0 4096\nabc f read 0 4096\n"
		  "2 f read 0 4096\n",
		  3, "expected a timestamp" },
		{ "fio version 3 iolog\n1 f read 0 4096\n5 f read 0\n"
		  "6 f read 0 4096\n",
		  3, "expected two numbers" },
		{ "fio version 3 iolog\n1 f read 0 4096\n5 f add 0 4096\n"
		  "6 f read 0 4096\n",
		  3, "takes no offset" },
		{ "fio version 2 iolog\nf read 0 4096\nf frobnicate 0 4096\n"
		  "f read 0 4096\n",
		  3, "unknown action 'frobnicate'" },
		{ "fio version 2 iolog\nf read 0 4096\nf read 100 4096\n"
		  "f read 0 4096\n",
		  3, "offset 100 is not a multiple of 512" },
		{ "fio version 2 iolog\nf read 0 4096\nf write 0 1000\n"
		  "f read 0 4096\n",
		  3, "length 1000 is not a multiple of 512" },
		{ "fio version 2 iolog\nf read 0 4096\nf read 0 0\n"
		  "f read 0 4096\n",
		  3, "zero length" },
		{ "fio version 2 iolog\nf read 0 4096\nf read 0 4096 7\n"
		  "f read 0 4096\n",
		  3, "expected two numbers" },
		{ "fio version 2 iolog\nf read 0 4096\nf read\nf read 0 4096\n",
		  3, "without offset and length" },
		{ "fio version 2 iolog\nf read 0 4096\n"
		  "f read 99999999999999999999 4096\nf read 0 4096\n",
		  3, "expected two numbers" },
		{ "  8,0 0 1 0.000000000 1 Q R 8 + 8 [a]\n"
		  "  8,0 0 2 0.000001000 1 Q R 2048 8 [a]\n"
		  "  8,0 0 3 0.000002000 1 Q R 8 + 8 [a]\n",
		  2, "expected SECTOR + COUNT" },
		{ "  8,0 0 1 0.000000000 1 Q R 8 + 8 [a]\n"
		  "  8,0 0 2 0.00x001000 1 Q R 8 + 8 [a]\n"
		  "  8,0 0 3 0.000002000 1 Q R 8 + 8 [a]\n",
		  2, "expected a PID" },
		{ "  8,0 0 1 0.000000000 1 Q R 8 + 8 [a]\n"
		  "something else entirely\n"
		  "  8,0 0 3 0.000002000 1 Q R 8 + 8 [a]\n",
		  2, "expected a device" },
		{ "  8,0 0 1 0.000000000 1 Q R 8 + 8 [a]\n"
		  "  8,0 0 2 0.000001000 1 Q RX 8 + 8 [a]\n"
		  "  8,0 0 3 0.000002000 1 Q R 8 + 8 [a]\n",
		  2, "RWBS 'RX' has 'X'" },
		{ "  8,0 0 1 0.000000000 1 Q R 8 + 8 [a]\n"
		  "  8,0 0 2 1.0000000001 1 Q R 8 + 8 [a]\n"
		  "  8,0 0 3 0.000002000 1 Q R 8 + 8 [a]\n",
		  2, "expected a time" },
		{ "1,h,1,Read,0,4096,1\n1,h,1,Read,0,4096\n1,h,1,Read,0,4096,1\n",
		  2, "6 fields, expected 7" },
		{ "1,h,1,Read,0,4096,1\n1,h,1,Erase,0,4096,1\n"
		  "1,h,1,Read,0,4096,1\n",
		  2, "Type 'Erase'" },
		{ "1,h,1,Read,0,4096,1\n1,h,1,Read,12x,4096,1\n"
		  "1,h,1,Read,0,4096,1\n",
		  2, "Offset '12x'" },
		{ "1,h,1,Read,0,4096,1\n1,h,1,Read,0,4096,1,9\n"
		  "1,h,1,Read,0,4096,1\n",
		  2, "more than 7" },
		{ "1,h,1,Read,0,4096,1\n1,h,x,Read,0,4096,1\n"
		  "1,h,1,Read,0,4096,1\n",
		  2, "DiskNumber 'x'" },
		{ "1,h,1,Read,0,4096,1\n1,h,1,Write,0,4097,1\n"
		  "1,h,1,Read,0,4096,1\n",
		  2, "length 4097" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct wl_trace_config cfg;
		struct wl_trace_stats st;
		struct wl_trace_rec r;
		struct wl_trace *t;
		char path[64], want[128];

		temp_file(cases[i].text, path, sizeof(path));
		wl_trace_config_default(&cfg);
		cfg.path = path;
		/* Stops at the bad line, naming file, line and reason. */
		t = open_cfg(&cfg);
		CU_ASSERT_EQUAL(wl_trace_next(t, &r), 1);
		CU_ASSERT_EQUAL(wl_trace_next(t, &r), -EINVAL);
		CU_ASSERT_EQUAL(wl_trace_next(t, &r), -EINVAL); /* sticky */
		snprintf(want, sizeof(want), "%s:%u: ", path, cases[i].line);
		if (strncmp(wl_trace_error(t), want, strlen(want)) ||
		    !strstr(wl_trace_error(t), cases[i].why))
			fprintf(stderr, "  case %zu: '%s'\n", i,
				wl_trace_error(t));
		CU_ASSERT_EQUAL(strncmp(wl_trace_error(t), want, strlen(want)),
				0);
		CU_ASSERT_PTR_NOT_NULL(strstr(wl_trace_error(t), cases[i].why));
		wl_trace_close(t);
		/* With skip_bad: counted, and the good lines all come. */
		cfg.skip_bad = true;
		t = open_cfg(&cfg);
		CU_ASSERT_EQUAL(wl_trace_next(t, &r), 1);
		CU_ASSERT_EQUAL(wl_trace_next(t, &r), 1);
		CU_ASSERT_EQUAL(wl_trace_next(t, &r), 0);
		wl_trace_stats(t, &st);
		CU_ASSERT_EQUAL(st.skipped_bad, 1);
		CU_ASSERT_EQUAL(st.ios, 2);
		wl_trace_close(t);
		unlink(path);
	}
}

static void test_open_errors(void)
{
	static const struct {
		const char *text;
		enum wl_trace_format fmt;
		const char *why;
	} cases[] = {
		{ "hello world\n", WL_TRACE_AUTO, "format not recognised" },
		{ "", WL_TRACE_AUTO, "format not recognised" },
		{ "f read 0 4096\n", WL_TRACE_IOLOG, "not an iolog header" },
		{ "fio version 1 iolog\n", WL_TRACE_AUTO,
		  "not an iolog header" },
	};
	struct wl_trace_config cfg;
	struct wl_trace *t = NULL;
	char path[64], why[256];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		temp_file(cases[i].text, path, sizeof(path));
		wl_trace_config_default(&cfg);
		cfg.path = path;
		cfg.format = cases[i].fmt;
		CU_ASSERT_EQUAL(wl_trace_open(&cfg, &t, why, sizeof(why)),
				-EINVAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(why, cases[i].why));
		unlink(path);
	}
	wl_trace_config_default(&cfg);
	cfg.path = "/nonexistent/blkring.trace";
	CU_ASSERT_EQUAL(wl_trace_open(&cfg, &t, why, sizeof(why)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "cannot open"));
	cfg.path = "x";
	cfg.time_scale_pct = 0;
	CU_ASSERT_EQUAL(wl_trace_open(&cfg, &t, why, sizeof(why)), -EINVAL);
	cfg.time_scale_pct = 100;
	cfg.blkparse_action = 'C';
	CU_ASSERT_EQUAL(wl_trace_open(&cfg, &t, why, sizeof(why)), -EINVAL);
}

static void test_timing(void)
{
	static const struct {
		unsigned int pct;
		bool no_stall;
		uint64_t second_ns;
	} cases[] = {
		{ 100, false, 1047600 },
		{ 200, false, 523800 },
		{ 50, false, 2095200 },
		{ 100, true, 0 },
	};

	if (access("workloads/traces/sample-msr.csv", R_OK)) {
		cu_skip("no workloads/traces in the current directory");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct wl_trace_config cfg;
		struct wl_trace_rec r;
		struct wl_trace *t;

		wl_trace_config_default(&cfg);
		cfg.path = "workloads/traces/sample-msr.csv";
		cfg.time_scale_pct = cases[i].pct;
		cfg.no_stall = cases[i].no_stall;
		t = open_cfg(&cfg);
		CU_ASSERT_EQUAL(wl_trace_timed(t), !cases[i].no_stall);
		CU_ASSERT_EQUAL(wl_trace_next(t, &r), 1);
		CU_ASSERT_EQUAL(r.issue_ns, 0);
		CU_ASSERT_EQUAL(wl_trace_next(t, &r), 1);
		CU_ASSERT_EQUAL(r.issue_ns, cases[i].second_ns);
		wl_trace_close(t);
	}
}

/* A trace many buffers long streams through, every line counted. */
static void test_long_stream(void)
{
	const unsigned int n = 200000;
	struct wl_trace_config cfg;
	struct wl_trace_stats st;
	struct wl_trace_rec r;
	struct wl_trace *t;
	char path[64];
	uint64_t got = 0, bytes = 0;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/blkring-trace-XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	CU_ASSERT_FATAL(f != NULL);
	fprintf(f, "fio version 3 iolog\n");
	for (unsigned int i = 0; i < n; i++)
		fprintf(f, "%u /dev/xvda %s %u %u\n", i * 10,
			i % 3 ? "read" : "write", (i % 1000) * 4096,
			4096u << (i % 3));
	fclose(f);
	wl_trace_config_default(&cfg);
	cfg.path = path;
	t = open_cfg(&cfg);
	while (wl_trace_next(t, &r) == 1) {
		CU_ASSERT_EQUAL(r.issue_ns, got * 10000);
		CU_ASSERT_EQUAL(r.len_bytes, 4096u << (got % 3));
		bytes += r.len_bytes;
		got++;
	}
	CU_ASSERT_STRING_EQUAL(wl_trace_error(t), "");
	wl_trace_stats(t, &st);
	CU_ASSERT_EQUAL(got, n);
	CU_ASSERT_EQUAL(st.lines, n + 1);
	CU_ASSERT(bytes > 0);
	wl_trace_close(t);
	unlink(path);
}

/* A line longer than the buffer is refused, not cut. */
static void test_long_line(void)
{
	struct wl_trace_config cfg;
	struct wl_trace_rec r;
	struct wl_trace *t;
	char path[64];
	char *text = malloc(WL_TRACE_BUF_BYTES + 64);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	strcpy(text, "fio version 2 iolog\nf read 0 4096\nf ");
	memset(text + strlen(text), 'x', WL_TRACE_BUF_BYTES);
	strcpy(text + strlen("fio version 2 iolog\nf read 0 4096\nf ") +
		       WL_TRACE_BUF_BYTES,
	       "\n");
	temp_file(text, path, sizeof(path));
	wl_trace_config_default(&cfg);
	cfg.path = path;
	t = open_cfg(&cfg);
	CU_ASSERT_EQUAL(wl_trace_next(t, &r), 1);
	CU_ASSERT_EQUAL(wl_trace_next(t, &r), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(wl_trace_error(t), ":3: line longer"));
	wl_trace_close(t);
	unlink(path);
	free(text);
}

/* Through struct wl: offsets wrapped into the region, times kept. */
static void test_workload_replay(void)
{
	struct wl_trace_config tc;
	struct wl_config cfg;
	struct wl_trace *t;
	struct wl *w;
	struct wl_io io;
	char path[64];

	temp_file("1000,h,0,Read,0,4096,1\n"
		  "2000,h,0,Write,1052672,8192,1\n" /* 1 MiB + 4 KiB */
		  "3000,h,0,Read,1044480,8192,1\n"  /* runs past 1 MiB */
		  "4000,h,0,Read,100,4096,1\n",	    /* malformed */
		  path, sizeof(path));
	wl_trace_config_default(&tc);
	tc.path = path;
	t = open_cfg(&tc);
	wl_config_default(&cfg);
	cfg.offset_bytes = 65536;
	cfg.size_bytes = MIB;
	cfg.trace = t;
	CU_ASSERT_EQUAL_FATAL(wl_create(&cfg, &w), 0);
	CU_ASSERT_TRUE(wl_open_loop(w));
	CU_ASSERT_TRUE(wl_next(w, &io));
	CU_ASSERT_EQUAL(io.offset_bytes, 65536);
	CU_ASSERT_FALSE(io.write);
	CU_ASSERT_TRUE(wl_next(w, &io));
	CU_ASSERT_EQUAL(io.offset_bytes, 65536 + 4096);
	CU_ASSERT_EQUAL(io.len_bytes, 8192);
	CU_ASSERT_TRUE(io.write);
	CU_ASSERT_EQUAL(io.issue_ns, 100000);
	CU_ASSERT_TRUE(wl_next(w, &io));
	CU_ASSERT_EQUAL(io.offset_bytes, 65536); /* wrapped to the start */
	CU_ASSERT_EQUAL(io.issue_ns, 200000);
	CU_ASSERT_PTR_NULL(wl_error(w));
	CU_ASSERT_FALSE(wl_next(w, &io));
	CU_ASSERT_PTR_NOT_NULL_FATAL(wl_error(w));
	CU_ASSERT_PTR_NOT_NULL(strstr(wl_error(w), ":4: offset 100"));
	wl_destroy(w);
	wl_trace_close(t);
	unlink(path);
}

static void test_format_names(void)
{
	enum wl_trace_format f;

	for (unsigned int i = 0; i < WL_TRACE_NR; i++) {
		CU_ASSERT_EQUAL(
			wl_trace_format_parse(
				wl_trace_format_name((enum wl_trace_format)i),
				&f),
			0);
		CU_ASSERT_EQUAL(f, (enum wl_trace_format)i);
	}
	CU_ASSERT_EQUAL(wl_trace_format_parse("csv", &f), -EINVAL);
	CU_ASSERT_STRING_EQUAL(wl_trace_format_name(WL_TRACE_NR), "invalid");
}

int cu_register(void)
{
	CU_pSuite s;

	s = CU_add_suite("formats", NULL, NULL);
	CU_ADD_TEST(s, test_samples);
	CU_ADD_TEST(s, test_malformed);
	CU_ADD_TEST(s, test_open_errors);
	CU_ADD_TEST(s, test_format_names);
	s = CU_add_suite("replay", NULL, NULL);
	CU_ADD_TEST(s, test_timing);
	CU_ADD_TEST(s, test_long_stream);
	CU_ADD_TEST(s, test_long_line);
	CU_ADD_TEST(s, test_workload_replay);
	return 0;
}
