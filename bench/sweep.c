// SPDX-License-Identifier: MIT
/*
 * Sweeps (see sweep.h): the axis parser, the cross product, the results
 * directory (runs/ is the truth, the tables are rebuilt from it), the
 * reader of `blkring run` JSON reports, and the `sweep` and `merge`
 * commands.  Main thread only.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench/plot.h"
#include "bench/report.h"
#include "bench/run.h"
#include "bench/sweep.h"
#include "bench/sweep_internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Axes --------------------------------------------------------------- */

static bool numeric(const struct bench_opt *o)
{
	return o->type == BENCH_OPT_UINT || o->type == BENCH_OPT_INT ||
	       o->type == BENCH_OPT_SIZE || o->type == BENCH_OPT_TIME;
}

/* The field of o in cfg as a signed 64-bit number (UINT/SIZE/TIME/INT). */
static int64_t field_get(const struct bench_config *cfg,
			 const struct bench_opt *o)
{
	const char *p = (const char *)cfg + o->offset;

	if (o->type == BENCH_OPT_INT) {
		int v;

		memcpy(&v, p, sizeof(v));
		return v;
	}
	if (o->size == sizeof(uint64_t)) {
		uint64_t v;

		memcpy(&v, p, sizeof(v));
		return v > INT64_MAX ? INT64_MAX : (int64_t)v;
	}
	unsigned int u;

	memcpy(&u, p, sizeof(u));
	return u;
}

static void field_put(struct bench_config *cfg, const struct bench_opt *o,
		      int64_t v)
{
	char *p = (char *)cfg + o->offset;

	if (o->type == BENCH_OPT_INT) {
		int i = (int)v;

		memcpy(p, &i, sizeof(i));
	} else if (o->size == sizeof(uint64_t)) {
		uint64_t u = (uint64_t)v;

		memcpy(p, &u, sizeof(u));
	} else {
		unsigned int u = (unsigned int)v;

		memcpy(p, &u, sizeof(u));
	}
}

double bench__opt_number(const struct bench_config *cfg,
			 const struct bench_opt *o)
{
	const char *p = (const char *)cfg + o->offset;
	unsigned int e;
	bool b;

	switch (o->type) {
	case BENCH_OPT_BOOL:
		memcpy(&b, p, sizeof(b));
		return b;
	case BENCH_OPT_ENUM:
		memcpy(&e, p, sizeof(e));
		return e;
	case BENCH_OPT_STRING:
		return NAN;
	default:
		return (double)field_get(cfg, o);
	}
}

/* A step: digits and a unit of the option's type.  Returns 0 or -EINVAL. */
static int parse_step(const struct bench_opt *o, const char *s, int64_t *v)
{
	static const struct {
		const char *suffix;
		int64_t scale;
		enum bench_opt_type type;
	} units[] = {
		{ "", 1, BENCH_OPT_UINT },
		{ "", 1, BENCH_OPT_INT },
		{ "", 1, BENCH_OPT_SIZE },
		{ "k", 1 << 10, BENCH_OPT_SIZE },
		{ "m", 1 << 20, BENCH_OPT_SIZE },
		{ "g", 1 << 30, BENCH_OPT_SIZE },
		{ "", 1000000000, BENCH_OPT_TIME },
		{ "ns", 1, BENCH_OPT_TIME },
		{ "us", 1000, BENCH_OPT_TIME },
		{ "ms", 1000000, BENCH_OPT_TIME },
		{ "s", 1000000000, BENCH_OPT_TIME },
	};
	char *end;
	long long x;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno || x <= 0)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (units[i].type != o->type ||
		    strcasecmp(end, units[i].suffix))
			continue;
		if (x > INT64_MAX / units[i].scale)
			return -EINVAL;
		*v = x * units[i].scale;
		return 0;
	}
	return -EINVAL;
}

static const char *step_units(const struct bench_opt *o)
{
	switch (o->type) {
	case BENCH_OPT_SIZE:
		return "a size, e.g. 4k (k, m, g)";
	case BENCH_OPT_TIME:
		return "a time, e.g. 10us (ns, us, ms, s)";
	default:
		return "a whole number";
	}
}

/* Appends value (checked by the option's parser) to the axis. */
static int axis_add(struct bench_axis *a, const char *value, char *err,
		    size_t len)
{
	struct bench_config scratch;
	char why[384];

	if (a->n == BENCH_SWEEP_VALUES_MAX) {
		snprintf(
			err, len,
			"--sweep %s: more than %d values (allowed: at most %d per axis)",
			a->opt->name, BENCH_SWEEP_VALUES_MAX,
			BENCH_SWEEP_VALUES_MAX);
		return -EINVAL;
	}
	if (!*value || strlen(value) >= BENCH_SWEEP_VALUE_LEN) {
		snprintf(
			err, len,
			"--sweep %s: value '%.32s' is %s (allowed: 1..%d characters)",
			a->opt->name, value, *value ? "too long" : "empty",
			BENCH_SWEEP_VALUE_LEN - 1);
		return -EINVAL;
	}
	if (bench_config_default(&scratch) < 0 ||
	    bench_opt_set(&scratch, a->opt->name, value, why, sizeof(why)) <
		    0) {
		snprintf(err, len, "--sweep %s: value '%s': %s", a->opt->name,
			 value, why);
		return -EINVAL;
	}
	/* Normalised, so that "4096" and "4k" name one point. */
	if (bench_opt_format(&scratch, a->opt, a->values[a->n],
			     BENCH_SWEEP_VALUE_LEN) < 0) {
		snprintf(err, len, "--sweep %s: value '%s' too long",
			 a->opt->name, value);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < a->n; i++) {
		if (!strcmp(a->values[i], a->values[a->n])) {
			snprintf(
				err, len,
				"--sweep %s: value '%s' given twice (allowed: each value once)",
				a->opt->name, value);
			return -EINVAL;
		}
	}
	a->n++;
	return 0;
}

/* A bound of a range, through the option's parser; *v gets the number. */
static int range_bound(struct bench_axis *a, const char *s, int64_t *v,
		       char *err, size_t len)
{
	struct bench_config scratch;
	char why[384];

	if (bench_config_default(&scratch) < 0 ||
	    bench_opt_set(&scratch, a->opt->name, s, why, sizeof(why)) < 0) {
		snprintf(err, len, "--sweep %s: range bound '%s': %s",
			 a->opt->name, s, why);
		return -EINVAL;
	}
	*v = field_get(&scratch, a->opt);
	return 0;
}

static int axis_range(struct bench_axis *a, const char *spec, char *err,
		      size_t len)
{
	const char *name = a->opt->name;
	char from[BENCH_SWEEP_VALUE_LEN], to[BENCH_SWEEP_VALUE_LEN];
	const char *dots = strstr(spec, ".."), *rest = dots + 2;
	size_t tolen = strcspn(rest, "/*");
	char op = rest[tolen];
	int64_t lo, hi, step = 1, v;
	struct bench_config scratch;
	char buf[BENCH_SWEEP_VALUE_LEN];
	int rc;

	if (!numeric(a->opt)) {
		snprintf(
			err, len,
			"--sweep %s=%s: a range needs a numeric option (allowed for %s: a list, e.g. %s=a,b)",
			name, spec, name, name);
		return -EINVAL;
	}
	if ((size_t)(dots - spec) >= sizeof(from) || tolen >= sizeof(to)) {
		snprintf(err, len, "--sweep %s=%s: bound too long", name, spec);
		return -EINVAL;
	}
	memcpy(from, spec, (size_t)(dots - spec));
	from[dots - spec] = '\0';
	memcpy(to, rest, tolen);
	to[tolen] = '\0';
	rc = range_bound(a, from, &lo, err, len);
	if (!rc)
		rc = range_bound(a, to, &hi, err, len);
	if (rc)
		return rc;
	if (hi < lo) {
		snprintf(
			err, len,
			"--sweep %s=%s: range runs backwards (allowed: FROM <= TO)",
			name, spec);
		return -EINVAL;
	}
	if (op == '/') {
		if (parse_step(a->opt, rest + tolen + 1, &step) < 0) {
			snprintf(
				err, len,
				"--sweep %s=%s: bad step '%s' (allowed: %s, greater than 0)",
				name, spec, rest + tolen + 1,
				step_units(a->opt));
			return -EINVAL;
		}
	} else if (op == '*') {
		char *end;
		long f;

		errno = 0;
		f = strtol(rest + tolen + 1, &end, 10);
		if (errno || *end || end == rest + tolen + 1 || f < 2) {
			snprintf(
				err, len,
				"--sweep %s=%s: bad factor '%s' (allowed: a whole number >= 2, e.g. *2)",
				name, spec, rest + tolen + 1);
			return -EINVAL;
		}
		if (lo <= 0) {
			snprintf(
				err, len,
				"--sweep %s=%s: a geometric range must start above 0 (allowed: FROM >= 1)",
				name, spec);
			return -EINVAL;
		}
		step = f;
	} else if (a->opt->type == BENCH_OPT_SIZE ||
		   a->opt->type == BENCH_OPT_TIME) {
		snprintf(
			err, len,
			"--sweep %s=%s: a size or time range needs a step (allowed: FROM..TO/STEP or FROM..TO*FACTOR)",
			name, spec);
		return -EINVAL;
	}
	if (bench_config_default(&scratch) < 0)
		return -EINVAL;
	for (v = lo; v <= hi;) {
		field_put(&scratch, a->opt, v);
		if (bench_opt_format(&scratch, a->opt, buf, sizeof(buf)) < 0)
			return -EINVAL;
		rc = axis_add(a, buf, err, len);
		if (rc)
			return rc;
		if (op == '*') {
			if (v > INT64_MAX / step)
				break;
			v *= step;
		} else {
			if (v > INT64_MAX - step)
				break;
			v += step;
		}
	}
	return 0;
}

int bench_axis_parse(const char *spec, struct bench_axis *axis, char *err,
		     size_t len)
{
	const char *eq = strchr(spec, '=');
	char name[64];
	const char *list;

	memset(axis, 0, sizeof(*axis));
	if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof(name)) {
		snprintf(
			err, len,
			"--sweep '%.64s': expected NAME=VALUES (allowed: NAME=a,b,c, NAME=FROM..TO/STEP or NAME=FROM..TO*FACTOR)",
			spec);
		return -EINVAL;
	}
	memcpy(name, spec, (size_t)(eq - spec));
	name[eq - spec] = '\0';
	axis->opt = bench_opt_find(name);
	if (!axis->opt) {
		snprintf(
			err, len,
			"--sweep %s: unknown option (allowed: any option of blkring run --help)",
			name);
		return -EINVAL;
	}
	if (!strcmp(axis->opt->name, "output") ||
	    !strcmp(axis->opt->name, "output-format")) {
		snprintf(
			err, len,
			"--sweep %s: the sweep sets this option itself (allowed: any other option)",
			axis->opt->name);
		return -EINVAL;
	}
	list = eq + 1;
	if (!*list) {
		snprintf(
			err, len,
			"--sweep %s: no values (allowed: a list a,b,c or a range FROM..TO/STEP)",
			axis->opt->name);
		return -EINVAL;
	}
	if (strstr(list, "..") && !strchr(list, ','))
		return axis_range(axis, list, err, len);
	while (*list) {
		char value[BENCH_SWEEP_VALUE_LEN + 1];
		size_t n = strcspn(list, ",");
		int rc;

		if (n > BENCH_SWEEP_VALUE_LEN)
			n = BENCH_SWEEP_VALUE_LEN;
		memcpy(value, list, n);
		value[n] = '\0';
		rc = axis_add(axis, value, err, len);
		if (rc)
			return rc;
		list += strcspn(list, ",");
		if (*list == ',' && !*++list) {
			snprintf(
				err, len,
				"--sweep %s: empty value after the last ',' (allowed: a,b,c)",
				axis->opt->name);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- The sweep ---------------------------------------------------------- */

unsigned long bench_sweep_npoints(const struct bench_sweep *s)
{
	unsigned long n = 1;

	for (unsigned int i = 0; i < s->naxes; i++)
		n *= s->axes[i].n;
	return n;
}

/* The index of point i on each axis into idx. */
void bench__sweep_indices(const struct bench_sweep *s, unsigned long i,
			  unsigned int *idx)
{
	for (unsigned int k = s->naxes; k-- > 0;) {
		idx[k] = (unsigned int)(i % s->axes[k].n);
		i /= s->axes[k].n;
	}
}

int bench_sweep_point(const struct bench_sweep *s, unsigned long i,
		      struct bench_config *cfg, char *err, size_t len)
{
	unsigned int idx[BENCH_SWEEP_AXES_MAX];

	*cfg = s->base;
	bench__sweep_indices(s, i, idx);
	for (unsigned int k = 0; k < s->naxes; k++) {
		const struct bench_axis *a = &s->axes[k];

		if (bench_opt_set(cfg, a->opt->name, a->values[idx[k]], err,
				  len) < 0)
			return -EINVAL;
	}
	return bench_config_check(cfg, err, len);
}

void bench__point_label(const struct bench_sweep *s, unsigned long i, char *buf,
			size_t len)
{
	unsigned int idx[BENCH_SWEEP_AXES_MAX];
	size_t used = 0;

	buf[0] = '\0';
	bench__sweep_indices(s, i, idx);
	for (unsigned int k = 0; k < s->naxes && used < len; k++) {
		/* A blank, not a comma: gnuplot splits quoted CSV too. */
		int w = snprintf(buf + used, len - used, "%s%s=%s",
				 k ? " " : "", s->axes[k].opt->name,
				 s->axes[k].values[idx[k]]);

		used += w > 0 ? (size_t)w : 0;
	}
}

static bool key_excluded(const struct bench_opt *o)
{
	return !strcmp(o->name, "output") || !strcmp(o->name, "output-format");
}

/*
 * Options left at their defaults are not hashed, so that an option added
 * in a later build leaves the keys of the runs it does not change alone:
 * a sweep directory stays resumable and plottable across versions.
 */
void bench_config_key(const struct bench_config *cfg, char buf[17])
{
	static struct bench_config def;
	static bool have_def;
	const struct bench_opt *o;
	uint64_t h = 0xcbf29ce484222325ull;
	char value[BENCH_PATH_MAX + 32], dvalue[BENCH_PATH_MAX + 32];

	if (!have_def)
		have_def = bench_config_default(&def) == 0;
	bench_opt_for_each(o) {
		if (key_excluded(o))
			continue;
		bench_opt_format(cfg, o, value, sizeof(value));
		if (have_def) {
			bench_opt_format(&def, o, dvalue, sizeof(dvalue));
			if (!strcmp(value, dvalue))
				continue;
		}
		for (const char *p = o->name; *p; p++)
			h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
		h = (h ^ '=') * 0x100000001b3ull;
		for (const char *p = value; *p; p++)
			h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
		h = (h ^ '\n') * 0x100000001b3ull;
	}
	snprintf(buf, 17, "%016" PRIx64, h);
}

void bench_csv_field(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* Whether name is one of the sweep's own options, which take a value. */
static bool takes_value(const char *name)
{
	return !strcmp(name, "sweep") || !strcmp(name, "repeats");
}

int bench_sweep_parse(int argc, char **argv, struct bench_sweep *s, char *err,
		      size_t len)
{
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	int nrest = 0, rc = 0;

	if (!rest) {
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	memset(s, 0, sizeof(*s));
	s->repeats = 1;
	if (bench_config_default(&s->base) < 0) {
		snprintf(err, len, "bad built-in defaults");
		rc = -EINVAL;
		goto out;
	}
	rest[nrest++] = argv[0];
	for (int i = 1; i < argc && !rc; i++) {
		const char *arg = argv[i], *value = NULL;
		char name[16];
		size_t n;

		if (strncmp(arg, "--", 2)) {
			rest[nrest++] = argv[i];
			continue;
		}
		n = strcspn(arg + 2, "=");
		if (n >= sizeof(name)) {
			rest[nrest++] = argv[i];
			continue;
		}
		memcpy(name, arg + 2, n);
		name[n] = '\0';
		if (!takes_value(name)) {
			rest[nrest++] = argv[i];
			continue;
		}
		if (arg[2 + n] == '=') {
			value = arg + 3 + n;
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			snprintf(err, len, "--%s: missing value", name);
			rc = -EINVAL;
			break;
		}
		if (!strcmp(name, "repeats")) {
			char *end;
			long r;

			errno = 0;
			r = strtol(value, &end, 10);
			if (errno || *end || end == value || r < 1 ||
			    r > BENCH_SWEEP_REPEATS_MAX) {
				snprintf(
					err, len,
					"--repeats=%.32s: bad count (allowed: 1..%d)",
					value, BENCH_SWEEP_REPEATS_MAX);
				rc = -EINVAL;
			}
			s->repeats = (unsigned int)r;
			continue;
		}
		if (s->naxes == BENCH_SWEEP_AXES_MAX) {
			snprintf(
				err, len,
				"--sweep %.64s: too many axes (allowed: at most %d)",
				value, BENCH_SWEEP_AXES_MAX);
			rc = -EINVAL;
			break;
		}
		rc = bench_axis_parse(value, &s->axes[s->naxes], err, len);
		for (unsigned int k = 0; !rc && k < s->naxes; k++) {
			if (s->axes[k].opt == s->axes[s->naxes].opt) {
				snprintf(
					err, len,
					"--sweep %s: axis given twice (allowed: each option on one axis)",
					s->axes[k].opt->name);
				rc = -EINVAL;
			}
		}
		if (!rc)
			s->naxes++;
	}
	if (rc)
		goto out;
	rest[nrest] = NULL;
	rc = bench_opts_parse(nrest, rest, &s->base, NULL, err, len);
	if (rc)
		goto out;
	if (!s->naxes) {
		snprintf(
			err, len,
			"no --sweep axis (allowed: --sweep NAME=VALUES, e.g. --sweep iodepth=1,2,4)");
		rc = -EINVAL;
		goto out;
	}
	unsigned long total = 1;

	for (unsigned int k = 0; k < s->naxes; k++) {
		total *= s->axes[k].n;
		if (total > BENCH_SWEEP_POINTS_MAX)
			break;
	}
	if (total > BENCH_SWEEP_POINTS_MAX) {
		snprintf(
			err, len,
			"the axes make more than %d points (allowed: at most %d; use fewer values)",
			BENCH_SWEEP_POINTS_MAX, BENCH_SWEEP_POINTS_MAX);
		rc = -EINVAL;
	}
out:
	free(rest);
	return rc;
}

/* ---- Reading run reports ------------------------------------------------ */

static void skip_ws(char **p)
{
	while (**p == ' ' || **p == '\n' || **p == '\t' || **p == '\r')
		(*p)++;
}

/* A JSON string at *p, decoded in place; NULL on bad syntax. */
static char *json_str(char **p)
{
	char *r, *w, *start;

	skip_ws(p);
	if (**p != '"')
		return NULL;
	start = w = r = *p + 1;
	for (; *r && *r != '"'; r++) {
		if (*r != '\\') {
			*w++ = *r;
			continue;
		}
		r++;
		switch (*r) {
		case 'n':
			*w++ = '\n';
			break;
		case 't':
			*w++ = '\t';
			break;
		case 'r':
			*w++ = '\r';
			break;
		case 'u': {
			unsigned int c = 0;

			for (int k = 1; k <= 4; k++) {
				char h = r[k];

				if (!h)
					return NULL;
				c = c * 16 +
				    (unsigned int)(h <= '9' ?
							   h - '0' :
							   (h | 32) - 'a' + 10);
			}
			*w++ = c < 0x80 ? (char)c : '?';
			r += 4;
			break;
		}
		case '\0':
			return NULL;
		default:
			*w++ = *r;
			break;
		}
	}
	if (*r != '"')
		return NULL;
	*p = r + 1;
	*w = '\0';
	return start;
}

/* Skips any JSON value; -EINVAL on bad syntax. */
static int json_skip(char **p)
{
	int depth = 0;

	skip_ws(p);
	do {
		skip_ws(p);
		if (**p == '"') {
			if (!json_str(p))
				return -EINVAL;
		} else if (**p == '{' || **p == '[') {
			depth++;
			(*p)++;
		} else if (**p == '}' || **p == ']') {
			depth--;
			(*p)++;
		} else if (**p == ',' || **p == ':') {
			(*p)++;
		} else if (**p) {
			while (**p && !strchr(",}] \n\t\r", **p))
				(*p)++;
		} else {
			return -EINVAL;
		}
	} while (depth > 0);
	return 0;
}

static int expect(char **p, char c)
{
	skip_ws(p);
	if (**p != c)
		return -EINVAL;
	(*p)++;
	return 0;
}

/* A flat object of string or number values, into names/values. */
static int json_object(char **p, char **names, char **svals, double *nvals,
		       unsigned int *n, unsigned int max)
{
	if (expect(p, '{'))
		return -EINVAL;
	skip_ws(p);
	if (**p == '}') {
		(*p)++;
		return 0;
	}
	for (;;) {
		char *name = json_str(p), *end;

		if (!name || expect(p, ':') || *n >= max)
			return -EINVAL;
		skip_ws(p);
		names[*n] = name;
		if (svals) {
			svals[*n] = json_str(p);
			if (!svals[*n])
				return -EINVAL;
		} else if (!strncmp(*p, "null", 4)) {
			nvals[*n] = NAN;
			*p += 4;
		} else {
			nvals[*n] = strtod(*p, &end);
			if (end == *p)
				return -EINVAL;
			*p = end;
		}
		(*n)++;
		skip_ws(p);
		if (**p == ',') {
			(*p)++;
			continue;
		}
		return expect(p, '}');
	}
}

static char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (buf) {
			buf[n] = '\0';
			if (size)
				*size = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

void bench__report_free(struct bench__report *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r->raw);
	free(r);
}

int bench__report_load(const char *path, struct bench__report **out, char *err,
		       size_t len)
{
	struct bench__report *r = calloc(1, sizeof(*r));
	char *p;
	int rc = -EINVAL;

	if (!r)
		return -ENOMEM;
	r->raw = slurp(path, NULL);
	r->buf = r->raw ? strdup(r->raw) : NULL;
	if (!r->buf) {
		rc = -errno ? -errno : -ENOMEM;
		snprintf(err, len, "%.900s: %s", path, strerror(-rc));
		goto fail;
	}
	p = r->buf;
	if (expect(&p, '{'))
		goto bad;
	for (;;) {
		char *key = json_str(&p);

		if (!key || expect(&p, ':'))
			goto bad;
		skip_ws(&p);
		if (!strcmp(key, "config")) {
			if (json_object(&p, r->cfg_name, r->cfg_val, NULL,
					&r->ncfg, BENCH__REPORT_MAX))
				goto bad;
		} else if (!strcmp(key, "metrics")) {
			if (json_object(&p, r->m_name, NULL, r->m_val, &r->nm,
					BENCH__REPORT_MAX))
				goto bad;
		} else if (!strcmp(key, "schema_version")) {
			r->schema = (int)strtol(p, &p, 10);
		} else if (!strcmp(key, "version")) {
			r->version = json_str(&p);
		} else if (!strcmp(key, "time")) {
			r->time = json_str(&p);
		} else if (!strcmp(key, "conserved") ||
			   !strcmp(key, "interrupted")) {
			bool v = !strncmp(p, "true", 4);

			if (key[0] == 'c')
				r->conserved = v;
			else
				r->interrupted = v;
			if (json_skip(&p))
				goto bad;
		} else if (json_skip(&p)) {
			goto bad;
		}
		skip_ws(&p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (expect(&p, '}'))
			goto bad;
		break;
	}
	if (!r->version || !r->time || !r->ncfg || !r->nm)
		goto bad;
	/* The run's configuration: its options over the defaults. */
	if (bench_config_default(&r->cfg) < 0)
		goto bad;
	for (unsigned int i = 0; i < r->ncfg; i++) {
		char why[384];

		if (bench_opt_set(&r->cfg, r->cfg_name[i], r->cfg_val[i], why,
				  sizeof(why)) < 0) {
			snprintf(err, len, "%.900s: config: %s", path, why);
			goto fail;
		}
	}
	/*
	 * Derived, per run, so that its median is over runs and not a ratio
	 * of medians: Little's law's IOPS if iodepth I/Os were always in
	 * flight at the measured mean latency (cap / mean latency).
	 */
	double lat = bench__report_metric(r, "lat_mean_ns");

	if (r->nm < BENCH__REPORT_MAX && isfinite(lat) && lat > 0) {
		r->m_name[r->nm] = "little_iops_at_iodepth";
		r->m_val[r->nm++] = r->cfg.iodepth / (lat / 1e9);
	}
	*out = r;
	return 0;
bad:
	snprintf(
		err, len,
		"%s: not a blkring run JSON report (blkring run --output-format=json)",
		path);
fail:
	bench__report_free(r);
	return rc;
}

double bench__report_metric(const struct bench__report *r, const char *name)
{
	for (unsigned int i = 0; i < r->nm; i++)
		if (!strcmp(r->m_name[i], name))
			return r->m_val[i];
	return NAN;
}

/* ---- The results directory --------------------------------------------- */

void bench__run_path(const char *dir, const char *key, unsigned int repeat,
		     char *buf, size_t len)
{
	snprintf(buf, len, "%s/runs/%s-r%u.json", dir, key, repeat);
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int mkdir_p(const char *dir, char *err, size_t len)
{
	char path[BENCH_PATH_MAX];
	size_t n = strlen(dir);

	if (n >= sizeof(path)) {
		snprintf(err, len, "--dir: path too long");
		return -ENAMETOOLONG;
	}
	memcpy(path, dir, n + 1);
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			int rc = -errno;

			snprintf(err, len, "%.900s: cannot create: %s", path,
				 strerror(errno));
			return rc;
		}
		*p = c;
		if (!c)
			return 0;
	}
}

/* Opens DIR/NAME.tmp for writing; bench__commit() renames it. */
FILE *bench__open_tmp(const char *dir, const char *name, char *err, size_t len)
{
	char path[BENCH_PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.tmp", dir, name);
	f = fopen(path, "w");
	if (!f)
		snprintf(err, len, "%.900s: %s", path, strerror(errno));
	return f;
}

int bench__commit(FILE *f, const char *dir, const char *name, char *err,
		  size_t len)
{
	char tmp[BENCH_PATH_MAX + 64], path[BENCH_PATH_MAX + 64];
	bool bad = ferror(f);

	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (fclose(f) != 0 || bad || rename(tmp, path) < 0) {
		snprintf(err, len, "%.900s: cannot write: %s", path,
			 strerror(errno ? errno : EIO));
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median, min and max of the finite values of v[0..n-1] (NaN if none). */
static void stats(double *v, unsigned int n, double *med, double *lo,
		  double *hi)
{
	unsigned int m = 0;

	for (unsigned int i = 0; i < n; i++)
		if (isfinite(v[i]))
			v[m++] = v[i];
	if (!m) {
		*med = *lo = *hi = NAN;
		return;
	}
	qsort(v, m, sizeof(*v), cmp_double);
	*lo = v[0];
	*hi = v[m - 1];
	*med = m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
}

static void csv_number(FILE *out, double v)
{
	if (!isfinite(v))
		return; /* an empty cell */
	if (v == floor(v) && fabs(v) < 9e15)
		fprintf(out, "%.0f", v);
	else
		fprintf(out, "%.6g", v);
}

/* Every metric name of the runs, in the order first seen. */
struct names {
	const char *name[2 * BENCH__REPORT_MAX];
	unsigned int n;
};

static void names_add(struct names *ns, const struct bench__report *r)
{
	for (unsigned int i = 0; i < r->nm; i++) {
		unsigned int k;

		for (k = 0; k < ns->n; k++)
			if (!strcmp(ns->name[k], r->m_name[i]))
				break;
		if (k == ns->n && ns->n < ARRAY_SIZE(ns->name))
			ns->name[ns->n++] = r->m_name[i];
	}
}

static int write_results_csv(const char *dir, const struct bench_sweep *s,
			     struct bench__report **runs,
			     const struct names *ns, char *err, size_t len)
{
	unsigned long npoints = bench_sweep_npoints(s);
	const struct bench_opt *o;
	char value[BENCH_PATH_MAX + 32], key[17];
	FILE *f = bench__open_tmp(dir, "results.csv", err, len);

	if (!f)
		return -EIO;
	fprintf(f, "schema_version,point,repeat,key,report_schema,version,"
		   "time,conserved,interrupted");
	bench_opt_for_each(o)
		fprintf(f, ",%s", o->name);
	for (unsigned int k = 0; k < ns->n; k++)
		fprintf(f, ",%s", ns->name[k]);
	fputc('\n', f);
	for (unsigned long i = 0; i < npoints; i++) {
		for (unsigned int r = 0; r < s->repeats; r++) {
			const struct bench__report *run =
				runs[i * s->repeats + r];

			if (!run)
				continue;
			bench_config_key(&run->cfg, key);
			fprintf(f, "%d,%lu,%u,%s,%d,", BENCH_SWEEP_SCHEMA, i, r,
				key, run->schema);
			bench_csv_field(f, run->version);
			fputc(',', f);
			bench_csv_field(f, run->time);
			fprintf(f, ",%d,%d", run->conserved, run->interrupted);
			bench_opt_for_each(o) {
				bench_opt_format(&run->cfg, o, value,
						 sizeof(value));
				fputc(',', f);
				bench_csv_field(f, value);
			}
			for (unsigned int k = 0; k < ns->n; k++) {
				fputc(',', f);
				csv_number(f, bench__report_metric(
						      run, ns->name[k]));
			}
			fputc('\n', f);
		}
	}
	return bench__commit(f, dir, "results.csv", err, len);
}

static void json_text(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static int write_results_json(const char *dir, const struct bench_sweep *s,
			      struct bench__report **runs, char *err,
			      size_t len)
{
	unsigned long npoints = bench_sweep_npoints(s);
	FILE *f = bench__open_tmp(dir, "results.json", err, len);
	bool first = true;
	char key[17];

	if (!f)
		return -EIO;
	fprintf(f,
		"{\n  \"schema_version\": %d,\n  \"tool\": \"blkring\",\n"
		"  \"version\": \"%s\",\n  \"points\": %lu,\n"
		"  \"repeats\": %u,\n  \"axes\": [",
		BENCH_SWEEP_SCHEMA, BENCH_VERSION, npoints, s->repeats);
	for (unsigned int k = 0; k < s->naxes; k++) {
		fprintf(f, "%s{\"name\": ", k ? ", " : "");
		json_text(f, s->axes[k].opt->name);
		fprintf(f, ", \"values\": [");
		for (unsigned int v = 0; v < s->axes[k].n; v++) {
			fputs(v ? ", " : "", f);
			json_text(f, s->axes[k].values[v]);
		}
		fprintf(f, "]}");
	}
	fprintf(f, "],\n  \"runs\": [");
	for (unsigned long i = 0; i < npoints; i++) {
		for (unsigned int r = 0; r < s->repeats; r++) {
			const struct bench__report *run =
				runs[i * s->repeats + r];
			size_t n;

			if (!run)
				continue;
			bench_config_key(&run->cfg, key);
			n = strlen(run->raw);
			while (n && (run->raw[n - 1] == '\n'))
				n--;
			fprintf(f,
				"%s\n{\"point\": %lu, \"repeat\": %u, "
				"\"key\": \"%s\", \"report\":\n%.*s}",
				first ? "" : ",", i, r, key, (int)n, run->raw);
			first = false;
		}
	}
	fprintf(f, "\n]\n}\n");
	return bench__commit(f, dir, "results.json", err, len);
}

static int write_points_csv(const char *dir, const struct bench_sweep *s,
			    struct bench__report **runs, const struct names *ns,
			    char *err, size_t len)
{
	unsigned long npoints = bench_sweep_npoints(s);
	unsigned int idx[BENCH_SWEEP_AXES_MAX];
	double v[BENCH_SWEEP_REPEATS_MAX], med, lo, hi;
	char label[512];
	struct bench_config cfg;
	FILE *f = bench__open_tmp(dir, "points.csv", err, len);

	if (!f)
		return -EIO;
	fprintf(f, "schema_version,point,label");
	for (unsigned int k = 0; k < s->naxes; k++) {
		const char *n = s->axes[k].opt->name;

		fprintf(f, ",%s,%s_num,%s_idx", n, n, n);
	}
	fprintf(f, ",runs");
	for (unsigned int k = 0; k < ns->n; k++)
		fprintf(f, ",%s,%s_min,%s_max", ns->name[k], ns->name[k],
			ns->name[k]);
	fputc('\n', f);
	for (unsigned long i = 0; i < npoints; i++) {
		unsigned int nr = 0;

		for (unsigned int r = 0; r < s->repeats; r++)
			nr += runs[i * s->repeats + r] != NULL;
		if (!nr)
			continue;
		bench__sweep_indices(s, i, idx);
		bench__point_label(s, i, label, sizeof(label));
		fprintf(f, "%d,%lu,", BENCH_SWEEP_SCHEMA, i);
		bench_csv_field(f, label);
		if (bench_sweep_point(s, i, &cfg, err, len) < 0)
			cfg = s->base;
		for (unsigned int k = 0; k < s->naxes; k++) {
			double num = bench__opt_number(&cfg, s->axes[k].opt);

			fputc(',', f);
			bench_csv_field(f, s->axes[k].values[idx[k]]);
			fputc(',', f);
			csv_number(f, isfinite(num) ? num : idx[k]);
			fprintf(f, ",%u", idx[k]);
		}
		fprintf(f, ",%u", nr);
		for (unsigned int k = 0; k < ns->n; k++) {
			unsigned int m = 0;

			for (unsigned int r = 0; r < s->repeats; r++) {
				const struct bench__report *run =
					runs[i * s->repeats + r];

				if (run)
					v[m++] = bench__report_metric(
						run, ns->name[k]);
			}
			stats(v, m, &med, &lo, &hi);
			fputc(',', f);
			csv_number(f, med);
			fputc(',', f);
			csv_number(f, lo);
			fputc(',', f);
			csv_number(f, hi);
		}
		fputc('\n', f);
	}
	return bench__commit(f, dir, "points.csv", err, len);
}

/*
 * The latency percentile spectrum of the first run of each point: one
 * block per point, two blank lines apart (gnuplot's index).
 */
static int write_spectrum_csv(const char *dir, const struct bench_sweep *s,
			      struct bench__report **runs, char *err,
			      size_t len)
{
	static const struct {
		const char *metric;
		double pct;
	} pts[] = {
		{ "lat_min_ns", 0 },	  { "lat_p50_ns", 50 },
		{ "lat_p90_ns", 90 },	  { "lat_p99_ns", 99 },
		{ "lat_p99_9_ns", 99.9 }, { "lat_p99_99_ns", 99.99 },
	};
	unsigned long npoints = bench_sweep_npoints(s);
	char label[512];
	FILE *f = bench__open_tmp(dir, "spectrum.csv", err, len);
	bool first = true;

	if (!f)
		return -EIO;
	fprintf(f, "# label,percentile,one_over_1_minus_q,latency_us\n");
	for (unsigned long i = 0; i < npoints; i++) {
		const struct bench__report *run = NULL;

		for (unsigned int r = 0; r < s->repeats && !run; r++)
			run = runs[i * s->repeats + r];
		if (!run)
			continue;
		bench__point_label(s, i, label, sizeof(label));
		fputs(first ? "" : "\n\n", f);
		first = false;
		/* One field: the label's commas become semicolons. */
		for (char *c = label; *c; c++)
			*c = *c == ',' ? ';' : *c;
		for (size_t k = 0; k < ARRAY_SIZE(pts); k++) {
			fprintf(f, "%s,%g,%g,%.3f\n", label, pts[k].pct,
				1 / (1 - pts[k].pct / 100),
				bench__report_metric(run, pts[k].metric) / 1e3);
		}
	}
	return bench__commit(f, dir, "spectrum.csv", err, len);
}

int bench_sweep_collect(const char *dir, const struct bench_sweep *s,
			unsigned int *nruns, char *err, size_t len)
{
	unsigned long npoints = bench_sweep_npoints(s);
	size_t nslots = npoints * s->repeats;
	struct bench__report **runs = calloc(nslots, sizeof(*runs));
	static struct names ns;
	char path[BENCH_PATH_MAX + 64], key[17], why[512];
	struct bench_config cfg;
	unsigned int found = 0;
	int rc = 0;

	if (!runs) {
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	ns.n = 0;
	for (unsigned long i = 0; i < npoints; i++) {
		if (bench_sweep_point(s, i, &cfg, why, sizeof(why)) < 0)
			continue;
		bench_config_key(&cfg, key);
		for (unsigned int r = 0; r < s->repeats; r++) {
			struct bench__report **slot = &runs[i * s->repeats + r];

			bench__run_path(dir, key, r, path, sizeof(path));
			if (!exists(path))
				continue;
			if (bench__report_load(path, slot, why, sizeof(why))) {
				fprintf(stderr, "blkring: skipping %s\n", why);
				continue;
			}
			names_add(&ns, *slot);
			found++;
		}
	}
	rc = write_results_csv(dir, s, runs, &ns, err, len);
	if (!rc)
		rc = write_results_json(dir, s, runs, err, len);
	if (!rc)
		rc = write_points_csv(dir, s, runs, &ns, err, len);
	if (!rc)
		rc = write_spectrum_csv(dir, s, runs, err, len);
	for (size_t i = 0; i < nslots; i++)
		bench__report_free(runs[i]);
	free(runs);
	if (nruns)
		*nruns = found;
	return rc;
}

/* ---- Directory metadata ------------------------------------------------- */

/* s in single quotes for a POSIX shell, unless it is plainly safe. */
void bench__shell_word(FILE *f, const char *s)
{
	if (*s &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789-_=.,/:+@%") == strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static int write_args(const char *dir, int argc, char **argv, char *err,
		      size_t len)
{
	FILE *f = bench__open_tmp(dir, "sweep.args", err, len);

	if (!f)
		return -EIO;
	for (int i = 1; i < argc; i++)
		fprintf(f, "%s\n", argv[i]);
	return bench__commit(f, dir, "sweep.args", err, len);
}

int bench_sweep_load(const char *dir, struct bench_sweep *s, char *err,
		     size_t len)
{
	char path[BENCH_PATH_MAX + 64];
	char *text, *argv[512];
	int argc = 0, rc;

	snprintf(path, sizeof(path), "%s/sweep.args", dir);
	text = slurp(path, NULL);
	if (!text) {
		snprintf(err, len,
			 "%s: %s (not a results directory of blkring sweep)",
			 path, strerror(errno));
		return -ENOENT;
	}
	argv[argc++] = "sweep";
	for (char *line = strtok(text, "\n"); line && argc < 511;
	     line = strtok(NULL, "\n"))
		argv[argc++] = line;
	argv[argc] = NULL;
	rc = bench_sweep_parse(argc, argv, s, err, len);
	free(text);
	return rc;
}

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !colon)
			continue;
		colon += 1 + strspn(colon + 1, " \t");
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

static int write_meta(const char *dir, int argc, char **argv, char *err,
		      size_t len)
{
	struct utsname u;
	char cpu[256], cwd[BENCH_PATH_MAX], when[32];
	time_t now = time(NULL);
	struct tm tm;
	FILE *f = bench__open_tmp(dir, "command.txt", err, len);
	int rc;

	if (!f)
		return -EIO;
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), ".");
	fprintf(f, "# run from: %s\nblkring", cwd);
	for (int i = 0; i < argc; i++) {
		fputc(' ', f);
		bench__shell_word(f, argv[i]);
	}
	fputc('\n', f);
	rc = bench__commit(f, dir, "command.txt", err, len);
	if (rc)
		return rc;
	f = bench__open_tmp(dir, "environment", err, len);
	if (!f)
		return -EIO;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cpu_model(cpu, sizeof(cpu));
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	fprintf(f,
		"date: %s\nblkring: %s\nuname: %s %s %s %s %s\ncpu: %s\n"
		"nproc: %ld\ncompiler: %s\n",
		when, BENCH_VERSION, u.sysname, u.nodename, u.release,
		u.version, u.machine, cpu, sysconf(_SC_NPROCESSORS_ONLN),
		__VERSION__);
	return bench__commit(f, dir, "environment", err, len);
}

/* ---- blkring sweep ------------------------------------------------------ */

static atomic_bool stop_requested;
static atomic_bool run_interrupt;

static void on_sigint(int sig)
{
	(void)sig;
	/* First Ctrl-C: finish this point; second: stop it too. */
	if (atomic_exchange(&stop_requested, true))
		atomic_store(&run_interrupt, true);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void hms(double s, char *buf, size_t len)
{
	long t = s > 0 && s < 1e7 ? (long)(s + 0.5) : 0;

	snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

static void sweep_usage(FILE *out)
{
	fprintf(out,
		"usage: blkring sweep --dir DIR --sweep NAME=VALUES [--sweep ...]\n"
		"                     [--repeats N] [--force] [--emit-jobs FILE]\n"
		"                     [--no-plots] [RUN OPTIONS]\n"
		"\n"
		"Runs `blkring run` over the cross product of the axes (the first\n"
		"varies slowest), one run at a time, into DIR: results.csv, results.json,\n"
		"points.csv, command.txt, environment, plots/ and the plots.  Rerunning\n"
		"into the same DIR keeps the runs already there unless --force.\n"
		"\n"
		"Axes (any option of blkring run; values in its own syntax):\n"
		"  NAME=a,b,c           a list\n"
		"  NAME=FROM..TO/STEP   FROM, FROM+STEP, ... <= TO (bs=4k..64k/4k)\n"
		"  NAME=FROM..TO*F      FROM, FROM*F, ... <= TO (iodepth=1..256*2;\n"
		"                       quote it in a shell)\n"
		"  NAME=FROM..TO        step 1, whole-number options\n"
		"\n"
		"  --repeats N          runs per point (1..%d); plots show the median\n"
		"                       with min..max error bars\n"
		"  --force              measure again the runs already in DIR\n"
		"  --emit-jobs FILE     write one `blkring run` command per missing run\n"
		"                       to FILE instead of running; gather the outputs\n"
		"                       with `blkring merge DIR FILES...`\n"
		"  --no-plots           do not render the plots\n"
		"\nExit status: 0 done, 1 a run lost I/O or a plot failed, 2 bad input,\n"
		"130 interrupted (Ctrl-C: stops after the current run; twice: at once).\n"
		"\nRun options: see blkring run --help.\n",
		BENCH_SWEEP_REPEATS_MAX);
}

struct sweep_cli {
	const char *dir;
	const char *jobs;
	bool force;
	bool plots;
};

/* Takes the sweep's own options out of argv (in place); returns argc. */
static int sweep_cli(int argc, char **argv, struct sweep_cli *c, char *err,
		     size_t len)
{
	int n = 1;

	memset(c, 0, sizeof(*c));
	c->plots = true;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **dst = NULL;
		const char *opt = NULL;

		if (!strcmp(a, "--force")) {
			c->force = true;
			continue;
		}
		if (!strcmp(a, "--no-plots")) {
			c->plots = false;
			continue;
		}
		if (!strncmp(a, "--dir", 5) && (!a[5] || a[5] == '=')) {
			dst = &c->dir;
			opt = "--dir";
		} else if (!strncmp(a, "--emit-jobs", 11) &&
			   (!a[11] || a[11] == '=')) {
			dst = &c->jobs;
			opt = "--emit-jobs";
		}
		if (!dst) {
			argv[n++] = argv[i];
			continue;
		}
		if (a[strlen(opt)] == '=') {
			*dst = a + strlen(opt) + 1;
		} else if (i + 1 < argc) {
			*dst = argv[++i];
		} else {
			snprintf(err, len, "%.900s: missing value", opt);
			return -EINVAL;
		}
		if (!**dst) {
			snprintf(err, len, "%.900s: empty (allowed: a path)",
				 opt);
			return -EINVAL;
		}
	}
	argv[n] = NULL;
	return n;
}

static int emit_jobs(const struct sweep_cli *c, const struct bench_sweep *s,
		     unsigned long *njobs, char *err, size_t len)
{
	unsigned long npoints = bench_sweep_npoints(s);
	char exe[BENCH_PATH_MAX], path[BENCH_PATH_MAX + 64], key[17];
	char value[BENCH_PATH_MAX + 32], jobdir[BENCH_PATH_MAX + 16];
	char def_value[BENCH_PATH_MAX + 32];
	const struct bench_opt *o;
	struct bench_config cfg, def;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	FILE *f;
	int rc;

	exe[n > 0 ? n : 0] = '\0';
	if (n <= 0)
		snprintf(exe, sizeof(exe), "blkring");
	if (bench_config_default(&def) < 0) {
		snprintf(err, len, "bad built-in defaults");
		return -EINVAL;
	}
	snprintf(jobdir, sizeof(jobdir), "%s/jobs", c->dir);
	rc = mkdir_p(jobdir, err, len);
	if (rc)
		return rc;
	f = fopen(c->jobs, "w");
	if (!f) {
		snprintf(err, len, "--emit-jobs=%s: %s", c->jobs,
			 strerror(errno));
		return -errno;
	}
	*njobs = 0;
	for (unsigned long i = 0; i < npoints; i++) {
		if (bench_sweep_point(s, i, &cfg, err, len) < 0) {
			fclose(f);
			return -EINVAL;
		}
		bench_config_key(&cfg, key);
		for (unsigned int r = 0; r < s->repeats; r++) {
			bench__run_path(c->dir, key, r, path, sizeof(path));
			if (!c->force && exists(path))
				continue;
			bench__shell_word(f, exe);
			fputs(" run", f);
			bench_opt_for_each(o) {
				if (key_excluded(o))
					continue;
				/* Defaults go without saying: same binary. */
				bench_opt_format(&cfg, o, value, sizeof(value));
				bench_opt_format(&def, o, def_value,
						 sizeof(def_value));
				if (!strcmp(value, def_value))
					continue;
				fprintf(f, " --%s=", o->name);
				bench__shell_word(f, value);
			}
			snprintf(path, sizeof(path), "%s/%s-r%u.json", jobdir,
				 key, r);
			fputs(" --output-format=json --output=", f);
			bench__shell_word(f, path);
			fputc('\n', f);
			(*njobs)++;
		}
	}
	if (fclose(f) != 0) {
		snprintf(err, len, "--emit-jobs=%s: %s", c->jobs,
			 strerror(errno));
		return -EIO;
	}
	return 0;
}

/* Writes one run's report to its runs/ file (through a .tmp). */
static int save_report(const char *path, const struct bench_config *cfg,
		       const struct engine_result *res,
		       const struct bench_rec *rec, int64_t started, char *err,
		       size_t len)
{
	struct bench_config out = *cfg;
	char tmp[BENCH_PATH_MAX + 72];
	FILE *f;

	out.output_format = BENCH_OUTPUT_JSON;
	snprintf(out.output_path, sizeof(out.output_path), "%.4000s", path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, len, "%.900s: %s", tmp, strerror(errno));
		return -errno;
	}
	bench_report(f, &out, res, rec, started);
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		snprintf(err, len, "%.900s: cannot write: %s", path,
			 strerror(errno));
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

struct progress {
	bool tty;
	double start;
	unsigned long total, done, ran, kept;
	double run_s;	   /* wall time inside bench_run_config() */
	double own_s;	   /* the runs' own elapsed_ns */
	unsigned int lost; /* runs that lost I/O */
};

static void show(struct progress *p, const char *label, unsigned int r,
		 unsigned int repeats, const char *path)
{
	struct bench__report *rep = NULL;
	char el[32], eta[32], why[256];
	double t = now_s() - p->start, iops = NAN, lat = NAN;

	if (bench__report_load(path, &rep, why, sizeof(why)) == 0) {
		iops = bench__report_metric(rep, "iops");
		lat = bench__report_metric(rep, "lat_mean_ns");
		p->own_s += bench__report_metric(rep, "elapsed_ns") / 1e9;
		bench__report_free(rep);
	}
	if (!p->tty)
		return;
	hms(t, el, sizeof(el));
	hms(p->ran ? t / (double)p->ran * (double)(p->total - p->done) : 0, eta,
	    sizeof(eta));
	fprintf(stderr,
		"\r\033[K[%lu/%lu] %.40s r%u/%u  elapsed %s  ETA %s  last: %.0f IOPS, mean %.1f us",
		p->done, p->total, label, r + 1, repeats, el, eta, iops,
		lat / 1e3);
	fflush(stderr);
}

static int sweep_loop(const struct sweep_cli *c, const struct bench_sweep *s,
		      struct progress *p, char *err, size_t len)
{
	static struct engine_result res;
	static struct bench_rec rec;
	unsigned long npoints = bench_sweep_npoints(s);
	char path[BENCH_PATH_MAX + 64], key[17], label[256];
	struct bench_config cfg;

	for (unsigned long i = 0; i < npoints; i++) {
		if (bench_sweep_point(s, i, &cfg, err, len) < 0)
			return -EINVAL;
		bench_config_key(&cfg, key);
		bench__point_label(s, i, label, sizeof(label));
		for (unsigned int r = 0; r < s->repeats; r++) {
			double t0;
			int64_t started;
			int rc;

			bench__run_path(c->dir, key, r, path, sizeof(path));
			if (!c->force && exists(path)) {
				p->done++;
				p->kept++;
				continue;
			}
			if (atomic_load(&stop_requested))
				return -EINTR;
			t0 = now_s();
			started = (int64_t)time(NULL);
			rc = bench_run_config(&cfg, &run_interrupt, &res, &rec,
					      err, len);
			p->run_s += now_s() - t0;
			if (rc < 0)
				return rc;
			if (res.interrupted)
				return -EINTR; /* not saved: cut short */
			rc = save_report(path, &cfg, &res, &rec, started, err,
					 len);
			if (rc)
				return rc;
			if (!bench_report_conserved(&res) ||
			    res.fe.ios_failed) {
				p->lost++;
				fprintf(stderr,
					"%sblkring sweep: %s r%u lost or failed I/O (see %s)\n",
					p->tty ? "\n" : "", label, r, path);
			}
			p->done++;
			p->ran++;
			show(p, label, r, s->repeats, path);
		}
	}
	return 0;
}

int bench_sweep_main(int argc, char **argv)
{
	static struct bench_sweep s;
	struct sweep_cli c;
	struct progress p = { 0 };
	struct sigaction sa = { .sa_handler = on_sigint };
	char err[1024], runs[BENCH_PATH_MAX + 16];
	int n, rc, status = BENCH_EXIT_OK;
	unsigned int nruns = 0;
	double t_plot = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			sweep_usage(stdout);
			return BENCH_EXIT_OK;
		}
	}
	/* The command as given, before sweep_cli() reorders argv. */
	char **orig = calloc((size_t)argc + 1, sizeof(*orig));

	if (!orig)
		return BENCH_EXIT_FAILED;
	memcpy(orig, argv, (size_t)argc * sizeof(*orig));
	n = sweep_cli(argc, argv, &c, err, sizeof(err));
	if (n >= 0 && !c.dir) {
		snprintf(err, sizeof(err),
			 "--dir: missing (allowed: the results directory)");
		n = -EINVAL;
	}
	rc = n < 0 ? n : bench_sweep_parse(n, argv, &s, err, sizeof(err));
	if (rc == BENCH_OPTS_HELP) {
		sweep_usage(stdout);
		free(orig);
		return BENCH_EXIT_OK;
	}
	if (rc == 0) {
		for (int i = 1; i < n; i++) {
			if (strchr(argv[i], '\n')) {
				snprintf(
					err, sizeof(err),
					"argument with a line break (allowed: one line each)");
				rc = -EINVAL;
			}
		}
	}
	if (rc == 0)
		for (unsigned long i = 0;
		     i < bench_sweep_npoints(&s) && rc == 0; i++) {
			struct bench_config cfg;
			char why[512];

			rc = bench_sweep_point(&s, i, &cfg, why, sizeof(why));
			if (rc) {
				char label[256];

				bench__point_label(&s, i, label, sizeof(label));
				snprintf(err, sizeof(err), "point %s: %s",
					 label, why);
			}
		}
	snprintf(runs, sizeof(runs), "%s/runs", c.dir ? c.dir : ".");
	if (rc == 0)
		rc = mkdir_p(runs, err, sizeof(err));
	if (rc == 0)
		rc = write_args(c.dir, n, argv, err, sizeof(err));
	if (rc == 0)
		rc = write_meta(c.dir, argc, orig, err, sizeof(err));
	free(orig);
	if (rc) {
		fprintf(stderr, "blkring sweep: %s\n", err);
		return BENCH_EXIT_USAGE;
	}

	if (c.jobs) {
		unsigned long njobs = 0;

		rc = emit_jobs(&c, &s, &njobs, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "blkring sweep: %s\n", err);
			return BENCH_EXIT_USAGE;
		}
		printf("blkring sweep: %lu runs to do in %s; then blkring merge %s %s/jobs/*.json\n",
		       njobs, c.jobs, c.dir, c.dir);
		return BENCH_EXIT_OK;
	}

	p.tty = isatty(STDERR_FILENO);
	p.start = now_s();
	p.total = bench_sweep_npoints(&s) * s.repeats;
	atomic_store(&stop_requested, false);
	atomic_store(&run_interrupt, false);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	rc = sweep_loop(&c, &s, &p, err, sizeof(err));
	signal(SIGINT, SIG_DFL);
	if (p.tty)
		fputc('\n', stderr);
	if (rc && rc != -EINTR) {
		fprintf(stderr, "blkring sweep: %s\n", err);
		status = BENCH_EXIT_USAGE;
	} else if (rc == -EINTR) {
		fprintf(stderr,
			"blkring sweep: interrupted after %lu of %lu runs; the same command resumes\n",
			p.done, p.total);
		status = BENCH_EXIT_INTERRUPTED;
	} else if (p.lost) {
		status = BENCH_EXIT_FAILED;
	}
	double t_loop = now_s() - p.start;

	if (bench_sweep_collect(c.dir, &s, &nruns, err, sizeof(err)) < 0) {
		fprintf(stderr, "blkring sweep: %s\n", err);
		return BENCH_EXIT_FAILED;
	}
	if (c.plots && nruns) {
		double t0 = now_s();
		int failed = bench_plot_render(c.dir, &s, NULL, "png,svg", err,
					       sizeof(err));

		t_plot = now_s() - t0;
		if (failed) {
			fprintf(stderr, "blkring sweep: %s\n", err);
			if (status == BENCH_EXIT_OK)
				status = BENCH_EXIT_FAILED;
		}
	}
	double per = p.ran ? 1e3 / (double)p.ran : 0.0;

	printf("blkring sweep: %s: %lu points x %u repeats; ran %lu, kept %lu; "
	       "%.1f s, runs' own time %.1f s; overhead per run %.1f ms "
	       "(engine set-up and tear-down %.1f ms, sweep %.1f ms); "
	       "plots %.1f s\n",
	       c.dir, bench_sweep_npoints(&s), s.repeats, p.ran, p.kept, t_loop,
	       p.own_s, (t_loop - p.own_s) * per, (p.run_s - p.own_s) * per,
	       (t_loop - p.run_s) * per, t_plot);
	return status;
}

/* ---- blkring merge ------------------------------------------------------ */

static int copy_file(const char *from, const char *to, char *err, size_t len)
{
	size_t n;
	char *text = slurp(from, &n);
	char tmp[BENCH_PATH_MAX + 72];
	FILE *f;

	if (!text) {
		snprintf(err, len, "%.900s: %s", from, strerror(errno));
		return -EIO;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", to);
	f = fopen(tmp, "w");
	if (!f || fwrite(text, 1, n, f) != n || fclose(f) != 0 ||
	    rename(tmp, to) < 0) {
		snprintf(err, len, "%.900s: cannot write: %s", to,
			 strerror(errno));
		free(text);
		return -EIO;
	}
	free(text);
	return 0;
}

int bench__merge_file(const char *dir, const char *file, bool *added,
		      char key[17], char *err, size_t len)
{
	struct bench__report *rep;
	char path[BENCH_PATH_MAX + 64];
	char *mine, *theirs;
	int rc = bench__report_load(file, &rep, err, len);

	*added = false;
	if (rc)
		return rc;
	bench_config_key(&rep->cfg, key);
	bench__report_free(rep);
	theirs = slurp(file, NULL);
	if (!theirs) {
		snprintf(err, len, "%.900s: %s", file, strerror(errno));
		return -EIO;
	}
	/* The first free repeat slot; the same report twice is one. */
	for (unsigned int r = 0; r < BENCH_SWEEP_REPEATS_MAX; r++) {
		bench__run_path(dir, key, r, path, sizeof(path));
		mine = slurp(path, NULL);
		if (!mine) {
			rc = copy_file(file, path, err, len);
			*added = rc == 0;
			free(theirs);
			return rc;
		}
		bool same = !strcmp(mine, theirs);

		free(mine);
		if (same)
			break;
	}
	free(theirs);
	return 0;
}

int bench_merge_main(int argc, char **argv)
{
	static struct bench_sweep s;
	char err[1024], runs[BENCH_PATH_MAX + 16];
	unsigned int added = 0, nruns;
	int status = BENCH_EXIT_OK, first = 1;
	bool plots = true;
	const char *dir;

	if (argc > 1 && !strcmp(argv[1], "--no-plots")) {
		plots = false;
		first++;
	}
	if (argc <= first || !strcmp(argv[first], "--help") ||
	    !strcmp(argv[first], "-h")) {
		fprintf(argc <= first ? stderr : stdout,
			"usage: blkring merge [--no-plots] DIR FILES...\n\n"
			"Adds the JSON reports FILES (from the commands of blkring sweep\n"
			"--emit-jobs, or any blkring run --output-format=json) to the\n"
			"results directory DIR of that sweep, and rebuilds its tables and\n"
			"plots.  A report already in DIR is not added twice.\n");
		return argc <= first ? BENCH_EXIT_USAGE : BENCH_EXIT_OK;
	}
	dir = argv[first];
	if (bench_sweep_load(dir, &s, err, sizeof(err)) < 0) {
		fprintf(stderr, "blkring merge: %s\n", err);
		return BENCH_EXIT_USAGE;
	}
	snprintf(runs, sizeof(runs), "%s/runs", dir);
	if (mkdir_p(runs, err, sizeof(err)) < 0) {
		fprintf(stderr, "blkring merge: %s\n", err);
		return BENCH_EXIT_USAGE;
	}
	for (int i = first + 1; i < argc; i++) {
		char key[17], want[17];
		struct bench_config cfg;
		unsigned long p, n = bench_sweep_npoints(&s);
		bool ok;

		if (bench__merge_file(dir, argv[i], &ok, key, err,
				      sizeof(err)) < 0) {
			fprintf(stderr, "blkring merge: %s\n", err);
			status = BENCH_EXIT_FAILED;
			continue;
		}
		added += ok;
		for (p = 0; p < n; p++) {
			if (bench_sweep_point(&s, p, &cfg, err, sizeof(err)))
				continue;
			bench_config_key(&cfg, want);
			if (!strcmp(key, want))
				break;
		}
		if (p == n)
			fprintf(stderr,
				"blkring merge: %s: not a point of the sweep in %s (kept under runs/, not in the tables)\n",
				argv[i], dir);
	}
	if (bench_sweep_collect(dir, &s, &nruns, err, sizeof(err)) < 0) {
		fprintf(stderr, "blkring merge: %s\n", err);
		return BENCH_EXIT_FAILED;
	}
	if (plots && nruns &&
	    bench_plot_render(dir, &s, NULL, "png,svg", err, sizeof(err))) {
		fprintf(stderr, "blkring merge: %s\n", err);
		status = BENCH_EXIT_FAILED;
	}
	printf("blkring merge: added %u of %d reports; %s holds %u of %lu runs\n",
	       added, argc - first - 1, dir, nruns,
	       bench_sweep_npoints(&s) * s.repeats);
	return status;
}
