// SPDX-License-Identifier: MIT
/*
 * Run sets (see runset.h): reading reports into one table of values per
 * run and metric, checking that they describe one configuration, and
 * writing the repeated report.  Main thread.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/opts.h"
#include "bench/report.h"
#include "bench/runset.h"
#include "bench/stats.h"

struct runset *runset_create(const char *path)
{
	struct runset *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->path = strdup(path ? path : "(runs)");
	if (!s->path) {
		free(s);
		return NULL;
	}
	return s;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void runset_destroy(struct runset *s)
{
	if (!s)
		return;
	free(s->path);
	free(s->version);
	free(s->time);
	free(s->engine);
	free(s->reference);
	free_strings(s->cfg_name, s->ncfg);
	free_strings(s->cfg_val, s->ncfg);
	free_strings(s->m_name, s->nm);
	free(s->val);
	free(s->conserved);
	free(s->interrupted);
	free(s);
}

long runset_metric(const struct runset *s, const char *name)
{
	for (size_t i = 0; i < s->nm; i++)
		if (!strcmp(s->m_name[i], name))
			return (long)i;
	return -1;
}

const char *runset_config(const struct runset *s, const char *name)
{
	for (size_t i = 0; i < s->ncfg; i++)
		if (!strcmp(s->cfg_name[i], name))
			return s->cfg_val[i];
	return NULL;
}

/* Adds metric @name (NaN in every run so far); its index or -ENOMEM. */
static long add_metric(struct runset *s, const char *name)
{
	size_t nm = s->nm + 1;
	char **names = realloc(s->m_name, nm * sizeof(*names));
	double *val;

	if (!names)
		return -ENOMEM;
	s->m_name = names;
	names[s->nm] = strdup(name);
	val = malloc((s->cap ? s->cap : 1) * nm * sizeof(*val));
	if (!names[s->nm] || !val) {
		free(names[s->nm]);
		free(val);
		return -ENOMEM;
	}
	for (size_t r = 0; r < s->nruns; r++) {
		memcpy(val + r * nm, s->val + r * s->nm, s->nm * sizeof(*val));
		val[r * nm + s->nm] = NAN;
	}
	free(s->val);
	s->val = val;
	s->nm = nm;
	return (long)(nm - 1);
}

/* Adds an empty run (every metric NaN); 0 or -ENOMEM / -E2BIG. */
static int add_run(struct runset *s)
{
	if (s->nruns == RUNSET_MAX_RUNS)
		return -E2BIG;
	if (s->nruns == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		double *val = realloc(s->val,
				      cap * (s->nm ? s->nm : 1) * sizeof(*val));
		bool *c, *i;

		if (!val)
			return -ENOMEM;
		s->val = val;
		c = realloc(s->conserved, cap * sizeof(*c));
		if (!c)
			return -ENOMEM;
		s->conserved = c;
		i = realloc(s->interrupted, cap * sizeof(*i));
		if (!i)
			return -ENOMEM;
		s->interrupted = i;
		s->cap = cap;
	}
	for (size_t m = 0; m < s->nm; m++)
		s->val[s->nruns * s->nm + m] = NAN;
	s->conserved[s->nruns] = true;
	s->interrupted[s->nruns] = false;
	s->nruns++;
	return 0;
}

int runset_set_last(struct runset *s, const char *name, double v)
{
	long m = runset_metric(s, name);

	if (m < 0)
		m = add_metric(s, name);
	if (m < 0)
		return -ENOMEM;
	if (s->nruns)
		s->val[(s->nruns - 1) * s->nm + (size_t)m] = v;
	return 0;
}

/* Options that do not change what a run measures. */
static bool ignored(const char *name)
{
	return !strcmp(name, "output") || !strcmp(name, "output-format");
}

/* Options that matter only with the uring target. */
static bool file_option(const char *name)
{
	return !strcmp(name, "filename") || !strcmp(name, "direct") ||
	       !strcmp(name, "allow-blockdev");
}

static const char *lookup(char **names, char **vals, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return vals[i];
	return NULL;
}

/*
 * The value of option @name in a report that lacks it: the option's
 * default (a report written before the option existed ran as if at its
 * default), or NULL for a name this blkring does not know.
 */
static const char *default_of(const char *name, char *buf, size_t len)
{
	static struct bench_config def;
	static bool have;
	const struct bench_opt *o = bench_opt_find(name);

	if (!have && bench_config_default(&def) == 0)
		have = true;
	if (!o || !have || bench_opt_format(&def, o, buf, len) < 0)
		return NULL;
	return buf;
}

/* The diff of two configurations as name/value arrays. */
static int diff(char **an, char **av, size_t na, char **bn, char **bv,
		size_t nb, char *buf, size_t len)
{
	const char *ta = lookup(an, av, na, "target");
	const char *tb = lookup(bn, bv, nb, "target");
	bool files = (ta && !strcmp(ta, "uring")) ||
		     (tb && !strcmp(tb, "uring"));
	static char da[BENCH_PATH_MAX + 32], db[BENCH_PATH_MAX + 32];
	size_t used = 0;
	int count = 0;

	if (len)
		buf[0] = '\0';
	/* Every option of a, then those only b has. */
	for (int pass = 0; pass < 2; pass++) {
		char **n1 = pass ? bn : an;
		size_t c1 = pass ? nb : na;

		for (size_t i = 0; i < c1; i++) {
			const char *name = n1[i];
			const char *va = lookup(an, av, na, name);
			const char *vb = lookup(bn, bv, nb, name);
			int w;

			if (pass && va)
				continue; /* seen in the first pass */
			if (ignored(name) || (!files && file_option(name)))
				continue;
			if (!va)
				va = default_of(name, da, sizeof(da));
			if (!vb)
				vb = default_of(name, db, sizeof(db));
			if (va && vb && !strcmp(va, vb))
				continue;
			count++;
			w = snprintf(buf + used, len > used ? len - used : 0,
				     "%s%s (%s vs %s)", count > 1 ? ", " : "",
				     name, va ? va : "absent",
				     vb ? vb : "absent");
			if (w > 0)
				used += (size_t)w;
		}
	}
	return count;
}

int runset_config_diff(const struct runset *a, const struct runset *b,
		       char *buf, size_t len)
{
	return diff(a->cfg_name, a->cfg_val, a->ncfg, b->cfg_name, b->cfg_val,
		    b->ncfg, buf, len);
}

static char *dup_str(const struct json_value *v, const char *def)
{
	const char *s = json_str(v);

	return strdup(s ? s : def);
}

/* Reads the metrics object @m into a new run of @s. */
static int add_metrics(struct runset *s, const struct json_value *m,
		       const char *name, const char *where, char *err,
		       size_t len)
{
	int rc;

	if (json_type(m) != JSON_OBJECT) {
		snprintf(err, len, "%s: %s: no \"metrics\" object", name,
			 where);
		return -EINVAL;
	}
	rc = add_run(s);
	if (rc) {
		snprintf(err, len, "%s: %s", name,
			 rc == -E2BIG ? "more than 1000 runs" :
					"out of memory");
		return rc;
	}
	for (size_t i = 0; i < json_count(m); i++) {
		const struct json_value *v = json_at(m, i);
		const char *key = json_key(m, i);
		double x;

		if (json_type(v) == JSON_NUMBER) {
			x = json_num(v);
		} else if (json_type(v) == JSON_NULL) {
			x = NAN;
		} else {
			snprintf(err, len,
				 "%s: byte %zu: metric \"%.64s\" is not a "
				 "number (or null)",
				 name, json_offset(v), key);
			return -EINVAL;
		}
		if (runset_set_last(s, key, x)) {
			snprintf(err, len, "%s: out of memory", name);
			return -ENOMEM;
		}
	}
	return 0;
}

static bool flag(const struct json_value *v, bool def)
{
	if (json_type(v) == JSON_TRUE)
		return true;
	if (json_type(v) == JSON_FALSE)
		return false;
	return def;
}

/* Reads the configuration object into name/value arrays. */
static int read_config(const struct json_value *cfg, const char *name,
		       char ***names, char ***vals, size_t *n, char *err,
		       size_t len)
{
	size_t c = json_count(cfg);

	*names = calloc(c + 1, sizeof(**names));
	*vals = calloc(c + 1, sizeof(**vals));
	*n = 0;
	if (!*names || !*vals)
		goto nomem;
	for (size_t i = 0; i < c; i++) {
		const struct json_value *v = json_at(cfg, i);

		if (json_type(v) != JSON_STRING) {
			snprintf(err, len,
				 "%s: byte %zu: config option \"%.64s\" is not "
				 "a string",
				 name, json_offset(v), json_key(cfg, i));
			return -EINVAL;
		}
		(*names)[i] = strdup(json_key(cfg, i));
		(*vals)[i] = strdup(json_str(v));
		*n = i + 1;
		if (!(*names)[i] || !(*vals)[i])
			goto nomem;
	}
	return 0;
nomem:
	snprintf(err, len, "%s: out of memory", name);
	return -ENOMEM;
}

int runset_add_doc(struct runset *s, const struct json_doc *doc,
		   const char *name, char *err, size_t len)
{
	const struct json_value *root = json_root(doc), *runs, *cfg, *sv;
	char **names = NULL, **vals = NULL, why[1024];
	size_t ncfg = 0;
	const char *ref;
	int schema, rc;

	if (!name)
		name = s->path;
	sv = json_get(root, "schema_version");
	cfg = json_get(root, "config");
	if (json_type(root) != JSON_OBJECT ||
	    !json_str(json_get(root, "tool")) ||
	    strcmp(json_str(json_get(root, "tool")), "blkring") ||
	    json_type(sv) != JSON_NUMBER || json_type(cfg) != JSON_OBJECT) {
		snprintf(err, len,
			 "%s: not a blkring run report (expected an object "
			 "with \"tool\": \"blkring\", \"schema_version\" and "
			 "\"config\", as blkring run --output-format=json "
			 "writes)",
			 name);
		return -EINVAL;
	}
	/* Range first: converting a double beyond int is undefined. */
	if (!(json_num(sv) >= 1 && json_num(sv) <= BENCH_REPORT_SCHEMA) ||
	    json_num(sv) != (int)json_num(sv)) {
		snprintf(err, len,
			 "%s: report schema %g; this blkring reads schemas "
			 "1..%d (a report of a newer blkring?)",
			 name, json_num(sv), BENCH_REPORT_SCHEMA);
		return -EINVAL;
	}
	schema = (int)json_num(sv);
	if (s->nruns && schema != s->schema) {
		snprintf(err, len,
			 "%s: report schema %d, but the runs before it have "
			 "schema %d: metrics may differ in meaning",
			 name, schema, s->schema);
		return -EINVAL;
	}
	rc = read_config(cfg, name, &names, &vals, &ncfg, err, len);
	if (rc)
		goto out;
	ref = json_str(json_get(root, "reference"));
	if (!ref)
		ref = "none";
	if (s->nruns) {
		if (diff(s->cfg_name, s->cfg_val, s->ncfg, names, vals, ncfg,
			 why, sizeof(why))) {
			snprintf(err, len,
				 "%s: not the configuration of the runs "
				 "before it: %.900s",
				 name, why);
			rc = -EINVAL;
			goto out;
		}
		if (strcmp(ref, s->reference)) {
			snprintf(err, len,
				 "%s: reference %s, the runs before it %s",
				 name, ref, s->reference);
			rc = -EINVAL;
			goto out;
		}
	} else {
		s->schema = schema;
		s->cfg_name = names;
		s->cfg_val = vals;
		s->ncfg = ncfg;
		names = vals = NULL;
		s->version = dup_str(json_get(root, "version"), "");
		s->time = dup_str(json_get(root, "time"), "");
		s->engine = dup_str(json_get(root, "engine"), "thread");
		s->reference = strdup(ref);
		if (!s->version || !s->time || !s->engine || !s->reference) {
			snprintf(err, len, "%s: out of memory", name);
			rc = -ENOMEM;
			goto out;
		}
	}
	runs = json_get(root, "runs");
	if (!runs) {
		rc = add_metrics(s, json_get(root, "metrics"), name,
				 "the report", err, len);
		if (!rc) {
			s->conserved[s->nruns - 1] =
				flag(json_get(root, "conserved"), true);
			s->interrupted[s->nruns - 1] =
				flag(json_get(root, "interrupted"), false);
		}
		goto out;
	}
	if (json_type(runs) != JSON_ARRAY || !json_count(runs)) {
		snprintf(err, len,
			 "%s: byte %zu: \"runs\" is not an array of runs", name,
			 json_offset(runs));
		rc = -EINVAL;
		goto out;
	}
	for (size_t i = 0; i < json_count(runs) && !rc; i++) {
		const struct json_value *r = json_at(runs, i);
		char where[32];

		snprintf(where, sizeof(where), "run %zu", i + 1);
		rc = add_metrics(s, json_get(r, "metrics"), name, where, err,
				 len);
		if (!rc) {
			s->conserved[s->nruns - 1] =
				flag(json_get(r, "conserved"), true);
			s->interrupted[s->nruns - 1] =
				flag(json_get(r, "interrupted"), false);
		}
	}
out:
	free_strings(names, ncfg);
	free_strings(vals, ncfg);
	return rc;
}

int runset_add_file(struct runset *s, const char *path, char *err, size_t len)
{
	struct json_doc *doc;
	int rc = json_load(path, &doc, err, len);

	if (rc)
		return rc;
	rc = runset_add_doc(s, doc, path, err, len);
	json_free(doc);
	return rc;
}

/* ---- Writing ------------------------------------------------------------ */

/* The finite values of metric @m over the runs, into @x; their count. */
static size_t values(const struct runset *s, size_t m, double *x)
{
	size_t n = 0;

	for (size_t r = 0; r < s->nruns; r++) {
		double v = s->val[r * s->nm + m];

		if (isfinite(v))
			x[n++] = v;
	}
	return n;
}

int runset_write(FILE *out, const struct runset *s, double level)
{
	struct stats_summary *sum = calloc(s->nm + 1, sizeof(*sum));
	double *x = malloc((s->nruns + 1) * sizeof(*x));
	bool conserved = true, interrupted = false;

	if (!sum || !x) {
		free(sum);
		free(x);
		return -ENOMEM;
	}
	for (size_t m = 0; m < s->nm; m++) {
		size_t n = values(s, m, x);

		sum[m].median = NAN;
		if (n && stats_summarize(x, n, level, &sum[m]))
			sum[m].median = NAN;
	}
	for (size_t r = 0; r < s->nruns; r++) {
		conserved = conserved && s->conserved[r];
		interrupted = interrupted || s->interrupted[r];
	}
	fprintf(out, "{\n  \"schema_version\": %d,\n", s->schema);
	fputs("  \"tool\": \"blkring\",\n  \"version\": ", out);
	json_write_string(out, s->version);
	fputs(",\n  \"time\": ", out);
	json_write_string(out, s->time);
	fputs(",\n  \"engine\": ", out);
	json_write_string(out, s->engine);
	fputs(",\n  \"config\": {", out);
	for (size_t i = 0; i < s->ncfg; i++) {
		fputs(i ? ",\n    " : "\n    ", out);
		json_write_string(out, s->cfg_name[i]);
		fputs(": ", out);
		json_write_string(out, s->cfg_val[i]);
	}
	fputs("\n  },\n  \"metrics\": {", out);
	for (size_t m = 0; m < s->nm; m++) {
		fputs(m ? ",\n    " : "\n    ", out);
		json_write_string(out, s->m_name[m]);
		fputs(": ", out);
		json_write_number(out, sum[m].median);
	}
	fprintf(out, "\n  },\n  \"repeat\": %zu,\n  \"reference\": ", s->nruns);
	json_write_string(out, s->reference ? s->reference : "none");
	fprintf(out, ",\n  \"confidence\": %g,\n  \"summary\": {", level);
	for (size_t m = 0; m < s->nm; m++) {
		const struct stats_summary *t = &sum[m];

		fputs(m ? ",\n    " : "\n    ", out);
		json_write_string(out, s->m_name[m]);
		fputs(": { \"median\": ", out);
		json_write_number(out, t->median);
		fputs(", \"min\": ", out);
		json_write_number(out, t->n ? t->min : NAN);
		fputs(", \"max\": ", out);
		json_write_number(out, t->n ? t->max : NAN);
		fputs(", \"ci_low\": ", out);
		json_write_number(out, t->n ? t->ci_lo : NAN);
		fputs(", \"ci_high\": ", out);
		json_write_number(out, t->n ? t->ci_hi : NAN);
		fputs(", \"ci_level\": ", out);
		json_write_number(out, t->n ? t->ci_level : NAN);
		fputs(", \"cv\": ", out);
		json_write_number(out, t->n ? t->cv : NAN);
		fputs(" }", out);
	}
	fputs("\n  },\n  \"runs\": [", out);
	for (size_t r = 0; r < s->nruns; r++) {
		fprintf(out,
			"%s\n    { \"conserved\": %s, \"interrupted\": %s, "
			"\"metrics\": {",
			r ? "," : "", s->conserved[r] ? "true" : "false",
			s->interrupted[r] ? "true" : "false");
		for (size_t m = 0; m < s->nm; m++) {
			fputs(m ? ", " : " ", out);
			json_write_string(out, s->m_name[m]);
			fputs(": ", out);
			json_write_number(out, s->val[r * s->nm + m]);
		}
		fputs(" } }", out);
	}
	fprintf(out, "\n  ],\n  \"conserved\": %s,\n  \"interrupted\": %s\n}\n",
		conserved ? "true" : "false", interrupted ? "true" : "false");
	free(sum);
	free(x);
	return ferror(out) ? -EIO : 0;
}
