// SPDX-License-Identifier: MIT
/*
 * fio-style job files (see jobfile.h): the text is copied once and cut
 * into lines in place; each "key=value" becomes an entry that remembers
 * its line and section, checked at parse time against a scratch config
 * and applied later per job.  Main thread, during set-up.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench/jobfile.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NUMJOBS_MAX 64

struct jf_entry {
	const char *key, *value;
	unsigned int line;
	size_t section;
};

struct jf_section {
	const char *name;
	unsigned int line;
	bool global;
	unsigned int numjobs;
	bool stonewall; /* stonewall or wait_for_previous */
};

struct bench_jobfile {
	char *name;
	char *text; /* the copy the entries point into */
	struct jf_entry *ents;
	size_t nents, ents_cap;
	struct jf_section *secs;
	size_t nsecs, secs_cap;
	size_t *jobs; /* section index of each job */
	size_t njobs;
	const char **warned; /* names already warned about */
	size_t nwarned, warned_cap;
};

/*
 * fio options that blkring does not model: accepted, warned about once,
 * ignored.  Each has no effect on what blkring measures that a user
 * could expect (logging, reporting, CPU placement, ioengine knobs, data
 * buffer contents) or none that blkring could honour (the comment says).
 */
static const char *const ignored[] = {
	"allow_file_create",
	"allow_mounted_write",
	"allrandrepeat",
	"buffer_compress_chunk",
	"buffer_compress_percentage",
	"cgroup",
	"clat_percentiles",
	"clocksource",
	"continue_on_error",
	"cpumask",
	"cpus_allowed",
	"cpus_allowed_policy",
	"create_on_open",
	"create_serialize",
	"dedupe_percentage",
	"disable_bw_measurement",
	"disable_clat",
	"disable_lat",
	"disable_slat",
	"do_verify",
	"end_fsync",
	"exitall",
	"exitall_on_error",
	"fadvise_hint",
	"fallocate",
	"fixedbufs",
	"fsync_on_close",
	"group_reporting",
	"gtod_cpu",
	"gtod_reduce",
	"hipri",
	"invalidate",
	"iodepth_batch",
	"iodepth_batch_complete",
	"iodepth_batch_complete_max",
	"iodepth_batch_complete_min",
	"iodepth_batch_submit",
	"iodepth_low",
	"iomem",
	"iomem_align",
	"ioscheduler",
	"kb_base",
	"lat_percentiles",
	"log_avg_msec",
	"log_hist_msec",
	"log_offset",
	"mem",
	"mem_align",
	"nice",
	"nonvectored",
	"overwrite",
	"per_job_logs",
	"percentile_list",
	"pre_read",
	"prio",
	"prioclass",
	"randrepeat",
	"random_generator",
	"refill_buffers",
	"registerfiles",
	"scramble_buffers",
	"significant_figures",
	"slat_percentiles",
	"sqthread_poll",
	"sqthread_poll_cpu",
	"stats",
	"thread",
	"time_based",
	"unified_rw_reporting",
	"unit_base",
	"unlink",
	"verify_backlog",
	"verify_dump",
	"verify_fatal",
	"write_bw_log",
	"write_hist_log",
	"write_iops_log",
	"write_lat_log",
	"zero_buffers",
};

bool bench_jobfile_ignored(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(ignored); i++)
		if (!strcmp(name, ignored[i]))
			return true;
	return false;
}

/* fio's other spellings of blkring options. */
static const struct {
	const char *fio, *ours;
} aliases[] = {
	{ "readwrite", "rw" },
	{ "blocksize", "bs" },
	{ "io_limit", "io_size" },
	{ "blocksize_range", "bsrange" },
	{ "blocksize_split", "bssplit" },
};

/* Job-file keywords, not options. */
static const char *const keywords[] = { "name",	     "description",
					"stonewall", "wait_for_previous",
					"new_group", "numjobs" };

static bool is_keyword(const char *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(keywords); i++)
		if (!strcmp(k, keywords[i]))
			return true;
	return false;
}

__attribute__((format(printf, 5, 6))) static int
jf_err(const struct bench_jobfile *jf, unsigned int line, char *err, size_t len,
       const char *fmt, ...)
{
	char what[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (err && len)
		snprintf(err, len, "%s:%u: %s", jf->name, line, what);
	return -EINVAL;
}

static void warn_once(struct bench_jobfile *jf, FILE *warn,
		      const struct jf_entry *e, const char *what)
{
	for (size_t i = 0; i < jf->nwarned; i++)
		if (!strcmp(jf->warned[i], e->key))
			return;
	if (jf->nwarned == jf->warned_cap) {
		size_t cap = jf->warned_cap ? 2 * jf->warned_cap : 16;
		const char **w = realloc(jf->warned, cap * sizeof(*w));

		if (!w)
			return; /* a repeated warning is the worst outcome */
		jf->warned = w;
		jf->warned_cap = cap;
	}
	jf->warned[jf->nwarned++] = e->key;
	if (warn)
		fprintf(warn, "blkring: %s:%u: warning: %s\n", jf->name,
			e->line, what);
}

/*
 * Sets one entry on @cfg, translating fio's spellings.  With @warn (at
 * parse time) also warns about what is translated loosely or ignored.
 */
static int set_entry(struct bench_jobfile *jf, const struct jf_entry *e,
		     struct bench_config *cfg, FILE *warn, bool warn_now,
		     char *err, size_t len)
{
	const char *key = e->key, *value = e->value;
	char why[512], buf[32], msg[256];
	unsigned long v;
	char *end;

	if (is_keyword(key))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcmp(key, aliases[i].fio))
			key = aliases[i].ours;
	if (!strcmp(key, "ioengine")) {
		if (!strcmp(value, "null")) {
			value = "null";
		} else {
			if (strcmp(value, "io_uring") && warn_now) {
				snprintf(
					msg, sizeof(msg),
					"ioengine=%s: blkring's backend "
					"submits through io_uring (target=uring)",
					value);
				warn_once(jf, warn, e, msg);
			}
			value = "uring";
		}
		key = "target";
	} else if (!strcmp(key, "buffered") || !strcmp(key, "rwmixwrite")) {
		bool buffered = !strcmp(key, "buffered");

		v = strtoul(value, &end, 10);
		if (!value[0] || *end || v > (buffered ? 1 : 100))
			return jf_err(jf, e->line, err, len,
				      "%s=%s: allowed %s", key, value,
				      buffered ? "0 or 1" : "0..100");
		snprintf(buf, sizeof(buf), "%lu", buffered ? !v : 100 - v);
		key = buffered ? "direct" : "rwmixread";
		value = buf;
	} else if (!bench_opt_find(key)) {
		if (bench_jobfile_ignored(key)) {
			if (warn_now) {
				snprintf(msg, sizeof(msg),
					 "fio option '%s' is not modelled by "
					 "blkring; ignored",
					 key);
				warn_once(jf, warn, e, msg);
			}
			return 0;
		}
		return jf_err(
			jf, e->line, err, len,
			"unknown option '%s' (neither a blkring option, "
			"see blkring run --help, nor a fio option blkring "
			"knows to ignore, see docs/jobfiles.md)",
			e->key);
	}
	if (bench_opt_set(cfg, key, value, why, sizeof(why)))
		return jf_err(jf, e->line, err, len, "%s", why);
	return 0;
}

/* Trims blanks at both ends of [s, s + strlen(s)) in place. */
static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/*
 * Cuts a comment off the end of a line: from a ';' or '#' that follows a
 * blank ("bs=4k   ; the page size").  No value of an option holds a blank
 * followed by either, so nothing a job means is cut.
 */
static void strip_comment(char *s)
{
	for (; *s; s++)
		if ((s[0] == ' ' || s[0] == '\t') &&
		    (s[1] == ';' || s[1] == '#')) {
			*s = '\0';
			return;
		}
}

static int add_section(struct bench_jobfile *jf, const char *name,
		       unsigned int line)
{
	if (jf->nsecs == jf->secs_cap) {
		size_t cap = jf->secs_cap ? 2 * jf->secs_cap : 8;
		struct jf_section *s = realloc(jf->secs, cap * sizeof(*s));
		size_t *j = realloc(jf->jobs, cap * sizeof(*j));

		if (s)
			jf->secs = s;
		if (j)
			jf->jobs = j;
		if (!s || !j)
			return -ENOMEM;
		jf->secs_cap = cap;
	}
	jf->secs[jf->nsecs] = (struct jf_section){
		.name = name,
		.line = line,
		.global = !strcmp(name, "global"),
		.numjobs = 1,
	};
	if (!jf->secs[jf->nsecs].global)
		jf->jobs[jf->njobs++] = jf->nsecs;
	jf->nsecs++;
	return 0;
}

static int add_entry(struct bench_jobfile *jf, const char *key,
		     const char *value, unsigned int line)
{
	if (jf->nents == jf->ents_cap) {
		size_t cap = jf->ents_cap ? 2 * jf->ents_cap : 32;
		struct jf_entry *e = realloc(jf->ents, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		jf->ents = e;
		jf->ents_cap = cap;
	}
	jf->ents[jf->nents++] = (struct jf_entry){
		.key = key,
		.value = value,
		.line = line,
		.section = jf->nsecs - 1,
	};
	return 0;
}

/* Handles a keyword's value at parse time (numjobs, name, flags). */
static int keyword(struct bench_jobfile *jf, const struct jf_entry *e,
		   char *err, size_t len)
{
	struct jf_section *s = &jf->secs[e->section];
	unsigned long v;
	char *end;

	if (!strcmp(e->key, "numjobs")) {
		v = strtoul(e->value, &end, 10);
		if (!e->value[0] || *end || v < 1 || v > NUMJOBS_MAX)
			return jf_err(jf, e->line, err, len,
				      "numjobs=%s: allowed 1..%d", e->value,
				      NUMJOBS_MAX);
		s->numjobs = (unsigned int)v;
		if (s->global) /* fio: global numjobs applies to later jobs */
			for (size_t k = e->section + 1; k < jf->nsecs; k++)
				jf->secs[k].numjobs = (unsigned int)v;
	} else if (!strcmp(e->key, "name")) {
		if (!e->value[0])
			return jf_err(jf, e->line, err, len,
				      "name= needs a value");
		if (!s->global)
			s->name = e->value;
	} else if (strcmp(e->key, "description")) {
		/* stonewall, wait_for_previous, new_group: flags. */
		if (e->value[0] && strcmp(e->value, "1") &&
		    strcmp(e->value, "0"))
			return jf_err(
				jf, e->line, err, len,
				"%s=%s: a flag (allowed: no value, 0 or 1)",
				e->key, e->value);
		/* new_group only groups reports in fio: not a barrier. */
		if (strcmp(e->key, "new_group")) {
			bool on = strcmp(e->value, "0") != 0;

			s->stonewall = on;
			if (s->global) /* fio: applies to every later job */
				for (size_t k = e->section + 1; k < jf->nsecs;
				     k++)
					jf->secs[k].stonewall = on;
		}
	}
	return 0;
}

int bench_jobfile_parse(const char *name, const char *text, FILE *warn,
			struct bench_jobfile **out, char *err, size_t len)
{
	struct bench_jobfile *jf = calloc(1, sizeof(*jf));
	struct bench_config scratch;
	unsigned int line_no = 0;
	char *p, *next;
	int rc;

	if (!jf)
		return -ENOMEM;
	jf->name = strdup(name);
	jf->text = strdup(text);
	if (!jf->name || !jf->text) {
		rc = -ENOMEM;
		goto err_free;
	}
	for (p = jf->text; p; p = next) {
		char *line, *eq, *key, *value;

		next = strchr(p, '\n');
		if (next)
			*next++ = '\0';
		else if (!*p)
			break; /* after the last '\n': not a line */
		line_no++;
		strip_comment(p);
		line = trim(p);
		if (!*line || *line == ';' || *line == '#')
			continue;
		if (*line == '[') {
			char *close = strchr(line, ']');

			if (!close || close[1] != '\0')
				rc = jf_err(jf, line_no, err, len,
					    "bad section header '%.64s' "
					    "(allowed: [name])",
					    line);
			else if (close == line + 1)
				rc = jf_err(jf, line_no, err, len,
					    "empty section name");
			else
				rc = 0;
			if (rc)
				goto err_free;
			*close = '\0';
			rc = add_section(jf, trim(line + 1), line_no);
			if (rc)
				goto err_free;
			continue;
		}
		if (!strncmp(line, "include ", 8)) {
			rc = jf_err(jf, line_no, err, len,
				    "'include' is not supported (allowed: one "
				    "job file)");
			goto err_free;
		}
		if (!jf->nsecs) {
			rc = jf_err(jf, line_no, err, len,
				    "option '%.64s' before any section (start "
				    "with [global] or [jobname])",
				    line);
			goto err_free;
		}
		eq = strchr(line, '=');
		if (eq) {
			*eq = '\0';
			key = trim(line);
			value = trim(eq + 1);
		} else {
			key = line;
			value = (char *)"1"; /* a bare flag, like fio */
		}
		if (!*key) {
			rc = jf_err(jf, line_no, err, len,
				    "'=' without an option name");
			goto err_free;
		}
		if (strstr(value, "${")) {
			rc = jf_err(jf, line_no, err, len,
				    "%s=%s: environment variables are not "
				    "expanded (allowed: literal values)",
				    key, value);
			goto err_free;
		}
		rc = add_entry(jf, key, value, line_no);
		if (rc)
			goto err_free;
	}
	if (!jf->njobs) {
		rc = jf_err(jf, line_no ? line_no : 1, err, len,
			    "no job section (allowed: [global] and one or "
			    "more [jobname] sections)");
		goto err_free;
	}
	/* Check every entry once, warning as fio would. */
	rc = bench_config_default(&scratch);
	if (rc)
		goto err_free;
	for (size_t i = 0; i < jf->nents; i++) {
		rc = is_keyword(jf->ents[i].key) ?
			     keyword(jf, &jf->ents[i], err, len) :
			     set_entry(jf, &jf->ents[i], &scratch, warn, true,
				       err, len);
		if (rc)
			goto err_free;
	}
	*out = jf;
	return 0;

err_free:
	bench_jobfile_free(jf);
	return rc;
}

int bench_jobfile_load(const char *path, FILE *warn, struct bench_jobfile **out,
		       char *err, size_t len)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!f) {
		rc = -errno;
		snprintf(err, len, "%s: cannot open job file: %s", path,
			 strerror(errno));
		return rc;
	}
	for (;;) {
		if (cap - n < 4096) {
			char *t;

			cap = cap ? 2 * cap : 16384;
			t = realloc(text, cap);
			if (!t) {
				rc = -ENOMEM;
				break;
			}
			text = t;
		}
		size_t got = fread(text + n, 1, cap - n - 1, f);

		n += got;
		if (got == 0)
			break;
	}
	if (!rc && ferror(f)) {
		rc = -EIO;
		snprintf(err, len, "%s: cannot read job file", path);
	}
	if (!rc && memchr(text, '\0', n)) {
		rc = -EINVAL;
		snprintf(err, len, "%s: a NUL byte: not a job file", path);
	}
	fclose(f);
	if (!rc) {
		text[n] = '\0';
		rc = bench_jobfile_parse(path, text, warn, out, err, len);
	}
	free(text);
	return rc;
}

void bench_jobfile_free(struct bench_jobfile *jf)
{
	if (!jf)
		return;
	free(jf->warned);
	free(jf->jobs);
	free(jf->secs);
	free(jf->ents);
	free(jf->text);
	free(jf->name);
	free(jf);
}

size_t bench_jobfile_njobs(const struct bench_jobfile *jf)
{
	return jf->njobs;
}

const char *bench_jobfile_job_name(const struct bench_jobfile *jf, size_t i)
{
	return jf->secs[jf->jobs[i]].name;
}

bool bench_jobfile_stonewall(const struct bench_jobfile *jf, size_t i)
{
	return jf->secs[jf->jobs[i]].stonewall;
}

unsigned int bench_jobfile_numjobs(const struct bench_jobfile *jf, size_t i)
{
	return jf->secs[jf->jobs[i]].numjobs;
}

int bench_jobfile_apply(const struct bench_jobfile *jf, size_t i,
			struct bench_config *cfg, char *err, size_t len)
{
	size_t sec = jf->jobs[i];

	for (size_t k = 0; k < jf->nents; k++) {
		const struct jf_entry *e = &jf->ents[k];
		int rc;

		if (e->section != sec &&
		    !(e->section < sec && jf->secs[e->section].global))
			continue;
		/* The cast: no warnings are written when warn is NULL. */
		rc = set_entry((struct bench_jobfile *)jf, e, cfg, NULL, false,
			       err, len);
		if (rc)
			return rc;
	}
	return 0;
}
