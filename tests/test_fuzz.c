/* SPDX-License-Identifier: MIT */
/*
 * Replays the fuzz corpus through the fuzz harnesses (tests/fuzz/harness.h)
 * in every build, so that `make test`, `make test-asan` and
 * `make test-tsan` keep what fuzzing found: tests/fuzz/corpus/TARGET/ holds
 * the seeds (a name starting "bad-" must be refused, any other accepted),
 * tests/fuzz/regress/TARGET/ every input that once crashed a parser (it
 * must now be handled, accepted or refused).  Run from the repository root.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/cu_main.h"
#include "tests/fuzz/harness.h"

#define INPUT_MAX (64u * 1024)

struct replay {
	unsigned int files;
	unsigned int accepted;
	unsigned int wrong; /* a seed accepted or refused against its name */
};

static size_t read_input(const char *path, uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	n = fread(buf, 1, len, f);
	CU_ASSERT(!ferror(f));
	fclose(f);
	return n;
}

/* Feeds every file of dir to @t; with @seeds, checks the "bad-" rule. */
static void replay_dir(const struct fuzz_target *t, const char *dir, bool seeds,
		       struct replay *r)
{
	static uint8_t buf[INPUT_MAX];
	char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d) {
		CU_ASSERT_EQUAL(errno, ENOENT); /* no regressions yet */
		return;
	}
	while ((e = readdir(d))) {
		size_t n;
		bool ok, bad;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = read_input(path, buf, sizeof(buf));
		ok = t->one(buf, n);
		r->files++;
		r->accepted += ok;
		bad = !strncmp(e->d_name, "bad-", 4);
		if (seeds && ok == bad) {
			fprintf(stderr, "  %s: %s\n", path,
				ok ? "accepted, but named bad-" : "refused");
			r->wrong++;
		}
	}
	closedir(d);
}

static void replay_target(const char *name, bool refuses)
{
	const struct fuzz_target *t;
	struct replay seeds = { 0 }, regress = { 0 };
	char dir[256];

	for (t = fuzz_targets; t->name && strcmp(t->name, name); t++)
		;
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->name);
	snprintf(dir, sizeof(dir), "tests/fuzz/corpus/%s", name);
	replay_dir(t, dir, true, &seeds);
	snprintf(dir, sizeof(dir), "tests/fuzz/regress/%s", name);
	replay_dir(t, dir, false, &regress);
	/* A parser has seeds it takes and, if it refuses any, bad ones. */
	CU_ASSERT(seeds.files >= 2);
	CU_ASSERT(seeds.accepted >= 1);
	CU_ASSERT(!refuses || seeds.accepted < seeds.files);
	CU_ASSERT_EQUAL(seeds.wrong, 0);
}

static void test_opts(void)
{
	replay_target("opts", true);
}

static void test_jobfile(void)
{
	replay_target("jobfile", true);
}

static void test_trace(void)
{
	replay_target("trace", true);
}

static void test_axis(void)
{
	replay_target("axis", true);
}

/* The backend under a hostile frontend: every input is taken. */
static void test_ring(void)
{
	replay_target("ring", false);
}

static void test_report(void)
{
	replay_target("report", true);
}

static void test_vblock(void)
{
	replay_target("vblock", true);
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("fuzz_corpus", NULL, NULL);

	if (!s)
		return CU_get_error();
	CU_ADD_TEST(s, test_opts);
	CU_ADD_TEST(s, test_jobfile);
	CU_ADD_TEST(s, test_trace);
	CU_ADD_TEST(s, test_axis);
	CU_ADD_TEST(s, test_ring);
	CU_ADD_TEST(s, test_report);
	CU_ADD_TEST(s, test_vblock);
	return 0;
}
