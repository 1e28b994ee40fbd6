// SPDX-License-Identifier: MIT
/*
 * Tests of bench/jobfile: a table of good job files and the values each
 * job ends up with ([global] scope, comments, bare flags, fio spellings),
 * warnings for ignored fio options (once per name), a table of bad job
 * files with the line and reason of each error, the command line
 * overriding a job file, and end to end through `blkring run job.fio`:
 * a write job then a verifying read job report no verify errors, and a
 * single byte flipped in the file between them is found.  Single-
 * threaded (the engine's threads run inside bench_run_main()).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <liburing.h>
#include <unistd.h>

#include "bench/jobfile.h"
#include "bench/run.h"
#include "tests/cu_main.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct bench_jobfile *parse_ok(const char *text, FILE *warn)
{
	struct bench_jobfile *jf = NULL;
	char err[512] = "";
	int rc =
		bench_jobfile_parse("t.fio", text, warn, &jf, err, sizeof(err));

	if (rc)
		fprintf(stderr, "  parse: %s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return jf;
}

/* Job @i's configuration: defaults, then the file. */
static void job_cfg(const struct bench_jobfile *jf, size_t i,
		    struct bench_config *cfg)
{
	char err[512];

	CU_ASSERT_EQUAL_FATAL(bench_config_default(cfg), 0);
	CU_ASSERT_EQUAL_FATAL(bench_jobfile_apply(jf, i, cfg, err, sizeof(err)),
			      0);
}

static void test_good(void)
{
	static const struct {
		const char *text;
		size_t njobs;
		size_t job;	  /* the job checked */
		const char *name; /* its name */
		unsigned int rw, numjobs, rwmixread, target;
		uint64_t bs, size;
		bool direct, norandommap;
	} cases[] = {
		/* The smallest: one job, defaults. */
		{ "[job]\n", 1, 0, "job", BENCH_RW_RANDREAD, 1, 50,
		  BENCH_TARGET_URING, 4096, 1 << 30, true, false },
		/* [global] applies to the jobs after it; the job wins. */
		{ "[global]\nbs=8k\nsize=1m\n[a]\nrw=write\n[b]\nbs=16k\n", 2,
		  1, "b", BENCH_RW_RANDREAD, 1, 50, BENCH_TARGET_URING, 16384,
		  1 << 20, true, false },
		{ "[global]\nbs=8k\nsize=1m\n[a]\nrw=write\n[b]\nbs=16k\n", 2,
		  0, "a", BENCH_RW_WRITE, 1, 50, BENCH_TARGET_URING, 8192,
		  1 << 20, true, false },
		/* A [global] after a job does not reach back. */
		{ "[a]\n[global]\nbs=64k\n[b]\n", 2, 0, "a", BENCH_RW_RANDREAD,
		  1, 50, BENCH_TARGET_URING, 4096, 1 << 30, true, false },
		/* Comments, blanks, spaces around '=', CRLF, a bare flag. */
		{ "; fio job\r\n# another\r\n\r\n[ x ]\r\n  rw = randwrite \r\n"
		  "norandommap\r\n",
		  1, 0, "x", BENCH_RW_RANDWRITE, 1, 50, BENCH_TARGET_URING,
		  4096, 1 << 30, true, true },
		/* Comments at the end of a line, after a blank. */
		{ "[global]   ; defaults\nbs=8k\t# a page pair\n[m] ;x\n"
		  "rw=write ; the rest\ngroup_reporting   ; ignored\n",
		  1, 0, "m", BENCH_RW_WRITE, 1, 50, BENCH_TARGET_URING, 8192,
		  1 << 30, true, false },
		/* fio spellings, name= and numjobs=. */
		{ "[global]\nioengine=null\nnumjobs=2\n[j]\nname=mine\n"
		  "readwrite=randrw\nblocksize=2k\nrwmixwrite=30\nbuffered=1\n",
		  1, 0, "mine", BENCH_RW_RANDRW, 2, 70, BENCH_TARGET_NULL, 2048,
		  1 << 30, false, false },
		/* A real fio file's reporting options are ignored. */
		{ "[global]\nioengine=io_uring\ngroup_reporting\nthread\n"
		  "time_based=1\n[r]\nstonewall\nrw=read\n",
		  1, 0, "r", BENCH_RW_READ, 1, 50, BENCH_TARGET_URING, 4096,
		  1 << 30, true, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct bench_jobfile *jf = parse_ok(cases[i].text, NULL);
		struct bench_config cfg;

		CU_ASSERT_EQUAL(bench_jobfile_njobs(jf), cases[i].njobs);
		job_cfg(jf, cases[i].job, &cfg);
		CU_ASSERT_STRING_EQUAL(bench_jobfile_job_name(jf, cases[i].job),
				       cases[i].name);
		CU_ASSERT_EQUAL(bench_jobfile_numjobs(jf, cases[i].job),
				cases[i].numjobs);
		CU_ASSERT_EQUAL(cfg.rw, cases[i].rw);
		CU_ASSERT_EQUAL(cfg.rwmixread, cases[i].rwmixread);
		CU_ASSERT_EQUAL(cfg.target, cases[i].target);
		CU_ASSERT_EQUAL(cfg.bs_bytes, cases[i].bs);
		CU_ASSERT_EQUAL(cfg.size_bytes, cases[i].size);
		CU_ASSERT_EQUAL(cfg.direct, cases[i].direct);
		CU_ASSERT_EQUAL(cfg.norandommap, cases[i].norandommap);
		bench_jobfile_free(jf);
	}
}

/* The new options are job-file options too. */
static void test_workload_options(void)
{
	struct bench_jobfile *jf = parse_ok(
		"[w]\nbssplit=4k/70:64k/30\nrandom_distribution=zipf:1.2\n"
		"rate_iops=5000\nrate_process=poisson\nthinktime=10\n"
		"verify=pattern\noffset=1m\n",
		NULL);
	struct bench_config cfg;

	job_cfg(jf, 0, &cfg);
	CU_ASSERT_STRING_EQUAL(cfg.bssplit, "4k/70:64k/30");
	CU_ASSERT_STRING_EQUAL(cfg.random_distribution, "zipf:1.2");
	CU_ASSERT_EQUAL(cfg.rate_iops, 5000);
	CU_ASSERT_EQUAL(cfg.rate_process, BENCH_RATE_POISSON);
	CU_ASSERT_EQUAL(cfg.thinktime_ns, 10000); /* fio: bare = us */
	CU_ASSERT_EQUAL(cfg.verify, BENCH_VERIFY_PATTERN);
	CU_ASSERT_EQUAL(cfg.offset_bytes, 1 << 20);
	bench_jobfile_free(jf);
}

/* size and offset as percentages of the file, as fio allows. */
static void test_percentages(void)
{
	static const struct {
		const char *value;
		int rc;
		unsigned int pct;
		const char *back;
	} cases[] = {
		{ "50%", 0, 50, "50%" },      { "100%", 0, 100, "100%" },
		{ "1%", 0, 1, "1%" },	      { "0%", -EINVAL, 0, NULL },
		{ "101%", -EINVAL, 0, NULL }, { "5.5%", -EINVAL, 0, NULL },
		{ "%", -EINVAL, 0, NULL },    { "8k", 0, 0, "8k" },
	};
	struct bench_config cfg;
	char buf[64];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (int k = 0; k < 2; k++) {
			const char *name = k ? "offset" : "size";
			unsigned int *pct = k ? &cfg.offset_pct : &cfg.size_pct;

			CU_ASSERT_EQUAL_FATAL(bench_config_default(&cfg), 0);
			CU_ASSERT_EQUAL(bench_opt_set(&cfg, name,
						      cases[i].value, NULL, 0),
					cases[i].rc);
			if (cases[i].rc)
				continue;
			CU_ASSERT_EQUAL(*pct, cases[i].pct);
			CU_ASSERT(bench_opt_format(&cfg, bench_opt_find(name),
						   buf, sizeof(buf)) > 0);
			CU_ASSERT_STRING_EQUAL(buf, cases[i].back);
		}
	}
	/* Bytes after a percentage clear it. */
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "size", "50%", NULL, 0), 0);
	CU_ASSERT_EQUAL(bench_opt_set(&cfg, "size", "1m", NULL, 0), 0);
	CU_ASSERT_EQUAL(cfg.size_pct, 0);
	CU_ASSERT_EQUAL(cfg.size_bytes, 1 << 20);
}

static void test_warnings(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *warn = open_memstream(&buf, &len);
	struct bench_jobfile *jf;
	const char *p;
	int n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(warn);
	jf = parse_ok("[global]\ngroup_reporting\nioengine=libaio\n[a]\n"
		      "group_reporting=1\n[b]\ngroup_reporting\n",
		      warn);
	fclose(warn);
	/* One warning per name, naming the first line it is on. */
	for (p = buf; (p = strstr(p, "group_reporting")); p++)
		n++;
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf,
				      "t.fio:2: warning: fio option "
				      "'group_reporting' is not modelled"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(buf, "t.fio:3: warning: ioengine=libaio"));
	CU_ASSERT(bench_jobfile_ignored("gtod_reduce"));
	CU_ASSERT_FALSE(bench_jobfile_ignored("bs"));
	bench_jobfile_free(jf);
	free(buf);
}

static void test_bad(void)
{
	static const struct {
		const char *text;
		const char *err; /* "t.fio:LINE: ..." prefix and a part */
	} cases[] = {
		{ "bs=4k\n[a]\n",
		  "t.fio:1: option 'bs=4k' before any section" },
		{ "[a\nbs=4k\n", "t.fio:1: bad section header" },
		{ "[a] x\n", "t.fio:1: bad section header" },
		{ "[]\n", "t.fio:1: empty section name" },
		{ "[a]\nfrobnicate=1\n",
		  "t.fio:2: unknown option 'frobnicate'" },
		{ "[a]\n\n\nbs=1000\n",
		  "t.fio:4: --bs=1000: not a multiple of 512" },
		{ "[a]\nrw=sideways\n",
		  "t.fio:2: --rw=sideways: unknown value" },
		{ "[global]\nbs=4k\n", "t.fio:2: no job section" },
		{ "", "t.fio:1: no job section" },
		{ "[a]\ninclude other.fio\n", "t.fio:2: 'include' is not" },
		{ "[a]\nfilename=${HOME}/x\n", "t.fio:2: filename=${HOME}/x: "
					       "environment variables" },
		{ "[a]\nnumjobs=0\n", "t.fio:2: numjobs=0: allowed 1..64" },
		{ "[a]\n=4k\n", "t.fio:2: '=' without an option name" },
		{ "[a]\nrwmixwrite=101\n", "t.fio:2: rwmixwrite=101: allowed" },
		{ "[a]\nbssplit=4k/50\n", "t.fio:2: --bssplit=4k/50: "
					  "percentages sum to 50" },
		{ "[a]\nrandom_distribution=zipf:-1\n",
		  "t.fio:2: --random_distribution=zipf:-1: '-1' is not a "
		  "number" },
		{ "[a]\nstonewall=maybe\n",
		  "t.fio:2: stonewall=maybe: a flag" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct bench_jobfile *jf = NULL;
		char err[512] = "";
		int rc = bench_jobfile_parse("t.fio", cases[i].text, NULL, &jf,
					     err, sizeof(err));

		if (rc != -EINVAL ||
		    strncmp(err, cases[i].err, strlen(cases[i].err)))
			fprintf(stderr, "  case %zu: rc %d '%s'\n", i, rc, err);
		CU_ASSERT_EQUAL(rc, -EINVAL);
		CU_ASSERT_EQUAL(
			strncmp(err, cases[i].err, strlen(cases[i].err)), 0);
		CU_ASSERT_PTR_NULL(jf);
	}
}

/* The command line, applied after the file, wins. */
static void test_command_line_wins(void)
{
	struct bench_jobfile *jf = parse_ok("[a]\nbs=8k\niodepth=4\n", NULL);
	char *argv[] = { "run", "--bs=16k", "job.fio", NULL };
	struct bench_config cfg;
	int first_arg;

	job_cfg(jf, 0, &cfg);
	CU_ASSERT_EQUAL(bench_opts_parse(3, argv, &cfg, &first_arg, NULL, 0),
			0);
	CU_ASSERT_EQUAL(cfg.bs_bytes, 16384);
	CU_ASSERT_EQUAL(cfg.iodepth, 4);
	bench_jobfile_free(jf);
}

/* ---- End to end --------------------------------------------------------- */

static char tmpdir[64];

static int suite_init(void)
{
	strcpy(tmpdir, "/tmp/blkring-job-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int suite_cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static bool uring_available(void)
{
	struct io_uring ring;

	if (io_uring_queue_init(4, &ring, 0) < 0)
		return false;
	io_uring_queue_exit(&ring);
	return true;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = calloc(1, 1 << 20);
	if (buf) {
		n = fread(buf, 1, (1 << 20) - 1, f);
		buf[n] = '\0';
	}
	fclose(f);
	return buf;
}

static int count(const char *text, const char *what)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, what)); p++)
		n++;
	return n;
}

/* Runs `blkring run --output=OUT --output-format=json JOB`. */
static int run_job(const char *job, const char *out)
{
	char o[160];
	char *argv[] = { "run", o, "--output-format=json", (char *)job, NULL };

	snprintf(o, sizeof(o), "--output=%s", out);
	return bench_run_main(4, argv);
}

static void test_verify_end_to_end(void)
{
	char job[128], job2[128], out[128], disk[128], text[1024];
	unsigned char c;
	char *rep;
	int fd;

	if (!uring_available()) {
		cu_skip("io_uring is unavailable");
		return;
	}
	snprintf(job, sizeof(job), "%s/wr.fio", tmpdir);
	snprintf(job2, sizeof(job2), "%s/rd.fio", tmpdir);
	snprintf(out, sizeof(out), "%s/out.json", tmpdir);
	snprintf(disk, sizeof(disk), "%s/disk", tmpdir);
	snprintf(text, sizeof(text),
		 "[global]\nfilename=%s\nsize=1m\nruntime=0\nverify=pattern\n"
		 "direct=0\niodepth=8\ngroup_reporting\n"
		 "[write]\nrw=write\nbs=64k\n"
		 "[read]\nstonewall\nrw=randread\nbssplit=4k/50:16k/50\n",
		 disk);
	write_file(job, text);
	CU_ASSERT_EQUAL(run_job(job, out), BENCH_EXIT_OK);
	rep = slurp(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	/* Two reports, both conserved, neither with a verify error. */
	CU_ASSERT_EQUAL(count(rep, "\"conserved\": true"), 2);
	CU_ASSERT_EQUAL(count(rep, "\"verify_errors\": 0,"), 2);
	CU_ASSERT_EQUAL(count(rep, "\"ios_completed\": 16,"), 1);
	free(rep);

	/* The middle half of the file, by percentages: 128 I/Os of 4k. */
	snprintf(text, sizeof(text),
		 "[pct]\nfilename=%s\nsize=50%%\noffset=25%%\nruntime=0\n"
		 "verify=pattern\ndirect=0\nrw=read\nbs=4k\n",
		 disk);
	write_file(job2, text);
	CU_ASSERT_EQUAL(run_job(job2, out), BENCH_EXIT_OK);
	rep = slurp(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	CU_ASSERT_EQUAL(count(rep, "\"ios_completed\": 128,"), 1);
	CU_ASSERT_EQUAL(count(rep, "\"verify_errors\": 0,"), 1);
	CU_ASSERT_EQUAL(count(rep, "\"offset\": \"256k\""), 1);
	free(rep);

	/* One byte flipped on disk: a sequential read finds exactly it. */
	fd = open(disk, O_RDWR);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(pread(fd, &c, 1, 300001) == 1);
	c ^= 0x10;
	CU_ASSERT_FATAL(pwrite(fd, &c, 1, 300001) == 1);
	close(fd);
	snprintf(text, sizeof(text),
		 "[read]\nfilename=%s\nsize=1m\nruntime=0\nverify=pattern\n"
		 "direct=0\nrw=read\nbs=4k\n",
		 disk);
	write_file(job2, text);
	CU_ASSERT_EQUAL(run_job(job2, out), BENCH_EXIT_FAILED);
	rep = slurp(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	CU_ASSERT_EQUAL(count(rep, "\"verify_errors\": 1,"), 1);
	free(rep);
}

/*
 * verify=crc32c through job files: a write job then a verifying randrw
 * job (no mismatch: the blocks carry the first job's headers); a byte
 * flipped on disk in a payload and one in a magic, both found (exit 1,
 * count 2); bad
 * block sizes and concurrent jobs that share blocks refused (exit 2).
 */
static void test_verify_crc32c_end_to_end(void)
{
	char job[128], out[128], disk[128], text[1024];
	unsigned char c;
	char *rep;
	int fd;

	if (!uring_available()) {
		cu_skip("io_uring is unavailable");
		return;
	}
	snprintf(job, sizeof(job), "%s/crc.fio", tmpdir);
	snprintf(out, sizeof(out), "%s/crc.json", tmpdir);
	snprintf(disk, sizeof(disk), "%s/crcdisk", tmpdir);
	unlink(disk);
	snprintf(text, sizeof(text),
		 "[global]\nfilename=%s\nsize=1m\nruntime=0\nverify=crc32c\n"
		 "direct=0\niodepth=8\n"
		 "[write]\nrw=write\nbs=64k\n"
		 "[mixed]\nstonewall\nrw=randrw\nbssplit=4k/50:16k/50\n"
		 "io_size=4m\n",
		 disk);
	write_file(job, text);
	CU_ASSERT_EQUAL(run_job(job, out), BENCH_EXIT_OK);
	rep = slurp(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	CU_ASSERT_EQUAL(count(rep, "\"conserved\": true"), 2);
	CU_ASSERT_EQUAL(count(rep, "\"verify_errors\": 0,"), 2);
	/* The writer reads nothing; the mixed job finds every header. */
	CU_ASSERT_EQUAL(count(rep, "\"verify_unwritten\": 0,"), 2);
	free(rep);

	/*
	 * One payload byte of block 73 and one magic byte of block 200
	 * flipped: a sequential read finds both.
	 */
	fd = open(disk, O_RDWR);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(pread(fd, &c, 1, 73 * 4096 + 1000) == 1);
	c ^= 0x10;
	CU_ASSERT_FATAL(pwrite(fd, &c, 1, 73 * 4096 + 1000) == 1);
	CU_ASSERT_FATAL(pread(fd, &c, 1, 200 * 4096 + 2) == 1);
	c ^= 0x01;
	CU_ASSERT_FATAL(pwrite(fd, &c, 1, 200 * 4096 + 2) == 1);
	close(fd);
	snprintf(text, sizeof(text),
		 "[read]\nfilename=%s\nsize=1m\nruntime=0\nverify=crc32c\n"
		 "direct=0\nrw=read\nbs=16k\n",
		 disk);
	write_file(job, text);
	CU_ASSERT_EQUAL(run_job(job, out), BENCH_EXIT_FAILED);
	rep = slurp(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	CU_ASSERT_EQUAL(count(rep, "\"verify_errors\": 2,"), 1);
	CU_ASSERT_EQUAL(count(rep, "\"verify_blocks\": 256,"), 1);
	CU_ASSERT_EQUAL(count(rep, "\"verify_unwritten\": 0,"), 1);
	CU_ASSERT_EQUAL(count(rep, "\"ios_failed\": 2,"), 1);
	/* Each with its block, field and values in the JSON report. */
	CU_ASSERT_EQUAL(count(rep, "{ \"offset\": 299008, \"field\": "
				   "\"checksum\""),
			1);
	CU_ASSERT_EQUAL(count(rep, "{ \"offset\": 819200, \"field\": "
				   "\"magic\", \"expected\": 1802265206, "
				   "\"actual\": 1802330742 }"),
			1);
	free(rep);

	/* Not whole 4 KiB blocks: refused before running. */
	snprintf(text, sizeof(text),
		 "[read]\nfilename=%s\nsize=1m\nruntime=0\nverify=crc32c\n"
		 "direct=0\nrw=read\nbs=6k\n",
		 disk);
	write_file(job, text);
	CU_ASSERT_EQUAL(run_job(job, out), BENCH_EXIT_USAGE);

	/* Two concurrent writers over the same blocks: refused. */
	snprintf(text, sizeof(text),
		 "[global]\nfilename=%s\nsize=1m\nruntime=0\nverify=crc32c\n"
		 "direct=0\n[a]\nrw=randwrite\n[b]\nrw=randread\n",
		 disk);
	write_file(job, text);
	CU_ASSERT_EQUAL(run_job(job, out), BENCH_EXIT_USAGE);
	/* Disjoint regions are fine. */
	snprintf(text, sizeof(text),
		 "[global]\nfilename=%s\nsize=512k\nruntime=0\nverify=crc32c\n"
		 "direct=0\nwait=sleep\n[a]\nrw=randrw\n[b]\nrw=randrw\n"
		 "offset=512k\n",
		 disk);
	write_file(job, text);
	CU_ASSERT_EQUAL(run_job(job, out), BENCH_EXIT_OK);
}

/* Several jobs: each reported, then their sum (text format). */
static void test_run_several(void)
{
	char job[128], out[128], o[160];
	char *argv[] = { "run", o, (char *)job, NULL };
	char *rep;

	snprintf(job, sizeof(job), "%s/two.fio", tmpdir);
	snprintf(out, sizeof(out), "%s/two.txt", tmpdir);
	snprintf(o, sizeof(o), "--output=%s", out);
	write_file(job, "[global]\ntarget=null\nruntime=0\nio_size=400k\n"
			"[a]\nrw=randread\n[b]\nrw=randwrite\nnumjobs=2\n");
	CU_ASSERT_EQUAL(bench_run_main(3, argv), BENCH_EXIT_OK);
	rep = slurp(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	/* Without stonewall: concurrently, each clone a device. */
	CU_ASSERT_EQUAL(count(rep, "jobs 'a' to 'b' (1-2 of 2), 3 streams "
				   "concurrently"),
			1);
	CU_ASSERT_EQUAL(count(rep, "conservation: issued 300 = completed 300"),
			1);
	CU_ASSERT_EQUAL(count(rep, "job 'b'\n"), 2);
	CU_ASSERT_EQUAL(count(rep, "job 'a'\n"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(rep, "all 3 jobs (concurrently): "
					   "300 I/Os, 0 failed, 1.2 MiB"));
	free(rep);

	/* stonewall: one after another, as fio. */
	write_file(job, "[global]\ntarget=null\nruntime=0\nio_size=400k\n"
			"stonewall\n[a]\nrw=randread\n[b]\nrw=randwrite\n");
	CU_ASSERT_EQUAL(bench_run_main(3, argv), BENCH_EXIT_OK);
	rep = slurp(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	CU_ASSERT_EQUAL(count(rep, "job 'a' (1 of 2):"), 1);
	CU_ASSERT_EQUAL(count(rep, "job 'b' (2 of 2):"), 1);
	CU_ASSERT_EQUAL(count(rep, "conservation: issued 100 = completed 100"),
			2);
	CU_ASSERT_PTR_NOT_NULL(strstr(rep, "all 2 jobs (one after another): "
					   "200 I/Os, 0 failed"));
	free(rep);

	/* A group then a stonewalled job: each job reported, all summed. */
	write_file(job, "[global]\ntarget=null\nruntime=0\nio_size=400k\n"
			"output-format=json\n[a]\nbs=8k\n[b]\niodepth=2\n"
			"[c]\nstonewall\n");
	CU_ASSERT_EQUAL(bench_run_main(3, argv), BENCH_EXIT_OK);
	rep = slurp(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
	CU_ASSERT_EQUAL(count(rep, "\"job\": \"a\""), 1);
	CU_ASSERT_EQUAL(count(rep, "\"job\": \"b\""), 1);
	CU_ASSERT_EQUAL(count(rep, "\"ios_completed\": 150,"), 1);
	CU_ASSERT_EQUAL(count(rep, "\"ios_completed\": 100,"), 2);
	CU_ASSERT_EQUAL(count(rep, "\"ios_completed\": 50,"), 1);
	free(rep);
}

/* Concurrent jobs must share the model; too many streams are refused. */
static void test_run_concurrent_refused(void)
{
	char job[128], out[128];

	snprintf(job, sizeof(job), "%s/mix.fio", tmpdir);
	snprintf(out, sizeof(out), "%s/mix.json", tmpdir);
	write_file(job, "[global]\ntarget=null\nruntime=0\nio_size=40k\n"
			"[a]\n[b]\nring-order=1\n");
	CU_ASSERT_EQUAL(run_job(job, out), BENCH_EXIT_USAGE);
	write_file(job, "[global]\ntarget=null\nruntime=0\nio_size=40k\n"
			"[a]\nnumjobs=9\n[b]\nnumjobs=8\n");
	CU_ASSERT_EQUAL(run_job(job, out), BENCH_EXIT_USAGE);
	write_file(job, "[global]\ntarget=null\nruntime=0\nio_size=40k\n"
			"[a]\n[b]\nqueues=2\n");
	CU_ASSERT_EQUAL(run_job(job, out), BENCH_EXIT_USAGE);
	/* The same with stonewall: each alone, accepted. */
	write_file(job, "[global]\ntarget=null\nruntime=0\nio_size=40k\n"
			"wait=sleep\n[a]\n[b]\nstonewall\nqueues=2\n"
			"ring-order=1\n");
	CU_ASSERT_EQUAL(run_job(job, out), BENCH_EXIT_OK);
}

/* A bad line of a job file run by `blkring run` is exit status 2. */
static void test_run_bad_file(void)
{
	char job[128], out[128];

	snprintf(job, sizeof(job), "%s/bad.fio", tmpdir);
	snprintf(out, sizeof(out), "%s/bad.json", tmpdir);
	write_file(job, "[a]\ntarget=null\nbs=4k\nsize=oops\n");
	CU_ASSERT_EQUAL(run_job(job, out), BENCH_EXIT_USAGE);
	snprintf(job, sizeof(job), "%s/none.fio", tmpdir);
	CU_ASSERT_EQUAL(run_job(job, out), BENCH_EXIT_USAGE);
	/* A percentage needs a file to be a percentage of. */
	snprintf(job, sizeof(job), "%s/pct.fio", tmpdir);
	write_file(job, "[a]\ntarget=null\nsize=50%\n");
	CU_ASSERT_EQUAL(run_job(job, out), BENCH_EXIT_USAGE);
}

int cu_register(void)
{
	CU_pSuite s;

	s = CU_add_suite("parse", NULL, NULL);
	CU_ADD_TEST(s, test_good);
	CU_ADD_TEST(s, test_workload_options);
	CU_ADD_TEST(s, test_percentages);
	CU_ADD_TEST(s, test_warnings);
	CU_ADD_TEST(s, test_bad);
	CU_ADD_TEST(s, test_command_line_wins);
	s = CU_add_suite("run", suite_init, suite_cleanup);
	CU_ADD_TEST(s, test_verify_end_to_end);
	CU_ADD_TEST(s, test_verify_crc32c_end_to_end);
	CU_ADD_TEST(s, test_run_several);
	CU_ADD_TEST(s, test_run_concurrent_refused);
	CU_ADD_TEST(s, test_run_bad_file);
	return 0;
}
